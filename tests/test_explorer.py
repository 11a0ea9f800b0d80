"""The pledge explorer (reports/pledges.html) as data and markup; its behaviour in a browser is in test_browser."""

from __future__ import annotations

import json
import re

import pytest
from bs4 import BeautifulSoup

import analysis
from analysis.method.progress import progress_table
from analysis.present import explorer


@pytest.fixture(scope="module")
def dataset():
    return analysis.load()


@pytest.fixture(scope="module")
def table(dataset):
    return progress_table(dataset, as_of=2025)


def test_every_pledge_is_a_row_with_its_fields(dataset, table):
    rows = explorer.rows(dataset, table, pages={"urban_rural_income_ratio"})
    assert len(rows) == len(dataset.pledges) == len({r["id"] for r in rows})
    row = next(r for r in rows if r["indicator"] == "urban_rural_income_ratio" and r["place"] == "Zhejiang"
               and r["year"] == 2025)
    pledge = dataset.pledges.set_index("pledge_id").loc[row["id"]]
    assert row["name_zh"] == "城乡居民收入倍差"
    assert row["quote"] == pledge["quote"]
    assert row["id"] == "CPPLAN21-007" and row["target"] == "at most 1.9"
    assert row["page"] == "indicators/urban_rural_income_ratio.html"
    assert row["status"] == str(table.set_index("pledge_id").at[row["id"], "status"])
    # an indicator without a page is listed without a link
    assert all(r["page"] == "" for r in rows if r["indicator"] != "urban_rural_income_ratio")


def test_latest_figure_is_the_level_else_the_bound_else_none_found_and_themes_have_their_names(dataset, table):
    by_id = {r["id"]: r for r in explorer.rows(dataset, table, pages=set())}
    assert by_id["CPPLAN21-007"]["latest"] == "1.81 (2025)"
    # airport passengers: the 2025 figure that decides the verdict, not the 2024 bound ("more than 80 million")
    assert by_id["CPPLAN21-028"]["latest"] == "89,920,000 persons (2025)"
    assert by_id["CPPLAN21-020"]["latest"] == "none found"
    # what the verdict rests on, and who issued the pledge's document
    assert (by_id["CPPLAN21-002"]["status"], by_id["CPPLAN21-002"]["evidence"]) == (
        "missed", "official document, read via a copy")
    assert by_id["CPPLAN21-003"]["evidence"] == "no verdict"
    assert by_id["CPPLAN21-002"]["issuer"] == "Zhejiang provincial authorities"
    assert by_id["CPPLAN21-003"]["latest"] == "none found"  # labour share of GDP: no figure at all
    meta = json.loads(BeautifulSoup(explorer.render(dataset, table, pages=set()), "html.parser")
                      .find("script", id="pledge-meta").string)
    assert meta["themes"]["ecology_energy"] == "Ecology and energy"
    assert set(meta["themes"]) == set(table["theme"].astype(str))


def test_json_cannot_close_the_script_element():
    text = explorer._json({"quote": "</script><script>alert(1)</script> & <!--"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"quote": "</script><script>alert(1)</script> & <!--"}


def test_page_is_self_contained_and_carries_every_pledge(dataset, table):
    page = explorer.render(dataset, table, pages=set())
    soup = BeautifulSoup(page, "html.parser")
    # no resource from the network: nothing with a src or an external stylesheet
    assert not soup.find_all(src=True)
    assert not [link for link in soup.find_all("link") if link.get("href", "").startswith(("http", "//"))]
    data = json.loads(soup.find("script", id="pledge-data").string)
    assert {r["id"] for r in data} == set(dataset.pledges["pledge_id"])
    # dataset text is never written with innerHTML
    script = soup.find_all("script")[-1].string
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script and "textContent" in script
    assert re.search(r"location\.hash", script)


def test_csv_download_columns_are_the_data_packages_and_carry_the_values(dataset, table):
    """The button's CSV (made in the page from these rows) names its columns as the data package and
    the progress table do, and the rows carry the pledge's own values."""
    from analysis.data import paths

    descriptor = json.loads((paths.data_dir() / "datapackage.json").read_text(encoding="utf-8"))
    known = {f["name"] for r in descriptor["resources"] if r["name"] != "corrections"  # the dataset's tables
             for f in r["schema"]["fields"]} | set(table.columns)
    names = [name for name, _ in explorer.CSV_COLUMNS]
    assert set(names) - known == {"target", "latest", "evidence", "page"}  # the explorer's own wording
    soup = BeautifulSoup(explorer.render(dataset, table, pages=set()), "html.parser")
    meta = json.loads(soup.find("script", id="pledge-meta").string)
    assert meta["csv"] == [list(c) for c in explorer.CSV_COLUMNS]
    rows = json.loads(soup.find("script", id="pledge-data").string)
    assert all(key in rows[0] for _, key in explorer.CSV_COLUMNS)
    pledges = dataset.pledges.set_index("pledge_id")
    for row in rows:
        pledge = pledges.loc[row["id"]]
        assert (row["comparator"], row["unit"], row["year"]) == (pledge["comparator"], pledge["unit"],
                                                                 pledge["target_year"])
        assert (row["target_value"] is None) == (pledge["target_value"] != pledge["target_value"])
        if row["target_value"] is not None:
            assert row["target_value"] == pledge["target_value"]
    by_id = {r["id"]: r for r in rows}
    assert (by_id["CPPLAN21-028"]["latest_value"], by_id["CPPLAN21-028"]["latest_year"]) == (89920000, 2025)
    assert by_id["CPPLAN21-003"]["latest_value"] is None
    assert soup.find("button", id="download") is not None
    assert "new Blob(" in soup.find_all("script")[-1].string


# --- the Chinese edition (issue 25) --------------------------------------------------------------------

ENGLISH_COLUMNS = [["id", "Pledge"], ["name", "Indicator"], ["place", "Place"], ["theme", "Theme"],
                   ["target", "Target"], ["year", "Year"], ["status", "Verdict"], ["latest", "Latest figure"],
                   ["source", "Source"]]


def _page(dataset, table, lang):
    from analysis.data import i18n

    with i18n.language(lang):
        soup = BeautifulSoup(explorer.render(dataset, table, pages=set()), "html.parser")
    return (soup, json.loads(soup.find("script", id="pledge-meta").string),
            json.loads(soup.find("script", id="pledge-data").string))


def test_chinese_page_passes_its_words_to_the_script_in_its_config(dataset, table):
    soup, meta, _data = _page(dataset, table, "zh-Hans")
    assert soup.html["lang"] == "zh-Hans" and meta["lang"] == "zh-Hans"
    assert soup.title.string == "全部目标：浙江共同富裕目标跟踪" and soup.h1.string == "全部目标"
    assert meta["text"]["columns"] == [["id", "目标任务"], ["name", "指标"], ["place", "地区"], ["theme", "主题"],
                                       ["target", "目标值"], ["year", "年份"], ["status", "评估结论"],
                                       ["latest", "最新数据"], ["source", "来源"]]
    assert meta["labels"]["on_track"] == "基本符合预期" and meta["labels"]["insufficient_data"] == "数据不足"
    assert meta["names"]["year"] == "目标年份" and meta["places"]["Jiaxing"] == "嘉兴" and meta["years"]["2025"] == "2025年"
    assert meta["text"]["count"] == "显示{shown}项，共{total}项目标"
    assert meta["text"]["search"] == "搜索指标名称（中文或英文）和原文"
    # the download names the source's original title as the data package does
    assert ["title", "source"] in meta["csv"] and ["title_en", "source"] not in meta["csv"]
    # the script shows no English of its own: every word it writes comes from the config
    script = soup.find_all("script")[-1].string
    for word in ("Pledge", "Latest figure", "Clear filters", "rests on", " of ", "Download", "all"):
        assert f'"{word}' not in script


def test_english_page_config_keeps_its_words(dataset, table):
    soup, meta, _data = _page(dataset, table, "en")
    assert soup.html["lang"] == "en" and soup.title.string == "All pledges: Zhejiang Common Prosperity tracker"
    assert meta["text"]["columns"] == ENGLISH_COLUMNS
    assert meta["labels"]["on_track"] == "on track"
    assert meta["names"] == {"theme": "Theme", "place": "Place", "year": "Target year", "status": "Verdict",
                             "evidence": "Verdict rests on", "source": "Source document"}
    assert (meta["text"]["all"], meta["text"]["search"], meta["text"]["clear"]) == (
        "all", "Search names (English or Chinese) and quotes", "Clear filters")
    assert (meta["text"]["rests_on"], meta["text"]["count"], meta["text"]["download_all"],
            meta["text"]["download_these"]) == ("rests on: {evidence}", "{shown} of {total} pledges",
                                                "Download all {n} pledges (CSV)", "Download these {n} pledges (CSV)")
    assert meta["csv"] == [list(c) for c in explorer.CSV_COLUMNS]
    assert soup.find("button", id="download").string == "Download (CSV)"


def test_both_editions_search_every_pledge_by_its_chinese_name(dataset, table):
    names_zh = dataset.indicators.set_index("indicator_id")["name_zh"]
    script_has_it = []
    for lang in ("en", "zh-Hans"):
        soup, _meta, data = _page(dataset, table, lang)
        assert len(data) == len(dataset.pledges)
        assert all(r["name_zh"] == names_zh[r["indicator"]] and r["name_zh"] for r in data)
        script = soup.find_all("script")[-1].string
        script_has_it.append("r.name_zh" in script[script.index("function matches"):script.index("function compare")])
    assert script_has_it == [True, True]  # the search reads name_zh in both editions


def test_chinese_rows_say_their_figures_in_chinese(dataset, table):
    from analysis.data import i18n

    with i18n.language("zh-Hans"):
        by_id = {r["id"]: r for r in explorer.rows(dataset, table, pages=set())}
    assert by_id["CPPLAN21-007"]["latest"] == "1.81（2025年）"
    assert by_id["CPPLAN21-028"]["latest"] == "8992万人（2025年）"
    assert by_id["CPPLAN21-003"]["latest"] == "暂无" and by_id["CPPLAN21-003"]["evidence"] == "无评估结论"
    assert by_id["CPPLAN21-002"]["evidence"] == "官方文件（经转载获取）"
    # the keys the filters and the CSV use stay the dataset's
    assert by_id["CPPLAN21-007"]["place"] == "Zhejiang" and by_id["CPPLAN21-007"]["name"] == "Urban-rural income ratio"
    # English unchanged
    english = {r["id"]: r for r in explorer.rows(dataset, table, pages=set())}
    assert english["CPPLAN21-007"]["latest"] == "1.81 (2025)" and english["CPPLAN21-003"]["latest"] == "none found"
