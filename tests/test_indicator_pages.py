"""Indicator pages: the helpers of analysis.present.indicator_page, the cache rule of analysis.builder.plan, and the
execution in the build's workers (isolation between pages, a failing page alone). The template runs here on a
few indicators only; every page is built by the main job and the benchmark.
"""

from __future__ import annotations

import html
import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from bs4 import BeautifulSoup

import analysis
from analysis.builder import plan
from analysis.data import paths
from analysis.present import indicator_page as page

from .conftest import read_rows, write_rows

#: The few indicators the tests build: two places and disagreeing sources (gdp), a Chinese name and
#: restated targets (urban_rural_income_ratio), the template's default, and one without any pledge.
SAMPLE = ["gdp", "urban_rural_income_ratio", "childcare_places_per_1000", "commercial_charter_flights"]

#: The build tests change the data and the pages of one shared build (the ``built`` fixture): one worker.
pytestmark = pytest.mark.xdist_group("indicator_pages")


@pytest.fixture(scope="module")
def dataset():
    return analysis.load()


@pytest.fixture(scope="module")
def everything():
    return analysis.load(all_vintages=True)


@pytest.fixture(scope="module")
def table(dataset):
    return page.assess(dataset, 2025, 0.1)


# --- helpers ---------------------------------------------------------------------------------------


def test_title_has_english_and_chinese_name(dataset):
    from analysis.present.narrative import escape

    # dataset text is literal: Markdown and HTML punctuation as numeric entities (they render as themselves)
    assert page.title(dataset, "urban_rural_income_ratio") == f"# {escape('Urban-rural income ratio')} (城乡居民收入倍差)"


def test_header_shows_the_id_as_written_and_the_theme_by_its_name(dataset):
    """Entities are not decoded inside a Markdown code span: the escaped id showed as
    ``urban&#95;rural&#95;...`` on every page."""
    text = page.header(dataset, "urban_rural_income_ratio")
    assert "- **Indicator:** `urban_rural_income_ratio`" in text
    assert "- **Theme:** Income gap" in text
    assert "&#95;" not in text


def test_pages_for_every_indicator_with_a_pledge_or_a_figure(everything):
    ids = page.page_indicators(everything)
    rows = plan.indicator_rows()
    assert ids == sorted(rows)
    assert len(ids) == len(set(everything.pledges["indicator_id"]) | set(everything.observations["indicator_id"]))
    assert "commercial_charter_flights" in ids  # a figure, no pledge


def test_html_table_escapes_every_cell_and_only_links_http():
    hostile = '<script>alert(1)</script>"'
    html = page.html_table([{"a": hostile, "b": page.Link(hostile, "https://example.org/?a=1&b=2")}], ["a", "b"])
    assert "<script>" not in html
    from bs4 import BeautifulSoup

    from analysis.present.narrative import escape

    cells = BeautifulSoup(html, "html.parser").find_all("td")
    assert [td.get_text() for td in cells] == [hostile, hostile]  # shown literally, both cells
    assert [a["href"] for a in cells[1].find_all("a")] == ["https://example.org/?a=1&b=2"]
    assert f'href="{escape("https://example.org/?a=1&b=2")}"' in html
    assert page.safe_url("javascript:alert(1)") is None
    assert page.safe_url("https://www.zj.gov.cn/x") == "https://www.zj.gov.cn/x"


def test_figures_table_lists_every_vintage_with_status_comparator_and_quote(everything):
    rows = page.figure_rows(everything, "gdp")
    obs = everything.observations[everything.observations["indicator_id"] == "gdp"]
    assert len(rows) == len(obs)
    assert {r["status"] for r in rows} <= {"revised", "reported", "preliminary"}
    # the comparator is said in words: an exact figure or, from the 2026 report, a bound ("跨越9万亿")
    assert {r["comparator"] for r in rows} == {"= (exact)", ">= (at least (bound))"}
    assert sum(r["comparator"].startswith(">=") for r in rows) == (obs["comparator"] == ">=").sum()
    # exactly one figure per place and year is the one used
    used = [(r["place"], r["year"]) for r in rows if r["used"] == "yes"]
    assert len(used) == len(set(used)) == len(obs[obs["current"]])
    assert set(r["quote"] for r in rows) == set(obs["quote"])


def test_conflicts_are_the_disagreeing_figures_of_the_indicator(everything):
    rows = page.conflict_rows(everything, "gdp")
    assert rows and all(r["place"] in ("Zhejiang", "Jiaxing") for r in rows)
    groups = {}
    for r in rows:
        groups.setdefault((r["place"], r["year"]), set()).add(r["value"])
    assert all(len(values) >= 2 for values in groups.values())  # each group really disagrees


def test_lineage_of_a_restated_target(dataset):
    rows = page.lineage_rows(dataset, "urban_rural_income_ratio")
    zj = [r for r in rows if r["place"] == "Zhejiang"]
    assert [r["pledge"] for r in zj][:2] == ["CPPLAN21-007", "ZJGWR23-005"]  # the direction-only pledge has no target
    assert zj[0]["change"] == "first"
    assert zj[1]["change"] == "met, then extended"  # 1.90 in 2022 already met the 1.9 ceiling; kept for 2027


def test_what_would_settle_a_pledge(table):
    row = table[table["status"].astype(str) == "insufficient_data"].iloc[0].copy()
    text = page.settle_sentence(row)
    assert f"a figure for {int(row['target_year'])} would decide met or missed" in text
    row["status"] = "on_track"
    assert page.settle_sentence(row) == (f"The final verdict (met or missed) waits for an official figure for "
                                         f"{row['geography']} for {int(row['target_year'])}.")
    row["status"] = "met"
    assert page.settle_sentence(row) == ""


def test_cached_loader_hands_out_copies():
    first = page.load()
    first.pledges.loc[:, "target_value"] = -1.0
    assert (page.load().pledges["target_value"] != -1.0).all()
    mine = page.load(indicator_id="gdp")
    mine.observations.loc[:, "value"] = -1.0
    assert (page.load(indicator_id="gdp").observations["value"] != -1.0).all()


@pytest.mark.parametrize("indicator_id", SAMPLE)
@pytest.mark.parametrize("all_vintages", [False, True])
def test_an_indicator_slice_is_the_whole_dataset_filtered(indicator_id, all_vintages):
    whole = analysis.load(all_vintages=all_vintages)
    mine = page.load(all_vintages=all_vintages, indicator_id=indicator_id)
    assert isinstance(mine, page.IndicatorSlice) and mine.indicator_id == indicator_id
    pd.testing.assert_frame_equal(mine.sources, whole.sources)
    for name in ("indicators", "pledges", "observations"):
        frame = getattr(whole, name)
        expected = frame[frame["indicator_id"] == indicator_id].reset_index(drop=True)
        pd.testing.assert_frame_equal(getattr(mine, name), expected)
    assert len(mine.indicators) == 1


@pytest.mark.parametrize("indicator_id", SAMPLE)
def test_a_slice_takes_its_rows_of_the_whole_assessment_and_they_equal_its_own(indicator_id, table):
    """The page's assessment, lineage and conflicts are the rows of the tables computed once on the
    whole dataset; computed on the slice alone they are the same (no pledge depends on another
    indicator), and they are the whole tables' rows."""
    from analysis.method.lineage import inconsistencies, pledge_lineage
    from analysis.method.trends import project

    mine = page.load(indicator_id=indicator_id)
    every = page.load(all_vintages=True, indicator_id=indicator_id)
    first = page.assess(mine, 2025, 0.1)  # computed on the slice, or sliced from the whole table
    for other in ("gdp", "urban_rural_income_ratio", "forest_coverage"):  # past the first few: the whole table
        page.assess(page.load(indicator_id=other), 2025, 0.1)
    shared = page.assess(mine, 2025, 0.1)
    assert ("load", *mine.key[1:]) == mine.key and (mine.key, "assess", False, 2025, 0.1) in page._CACHE
    pd.testing.assert_frame_equal(first, shared, check_dtype=False)
    own = project(analysis.data.dataset.Dataset(*mine, mine.data_dir), as_of=2025, alpha=0.1)
    expected = table[table["indicator_id"] == indicator_id].reset_index(drop=True)
    if indicator_id == "commercial_charter_flights":
        assert shared.empty and own.empty  # no pledge: an empty table with the same columns
        assert list(shared.columns) == list(own.columns) == list(table.columns)
    else:
        assert len(shared) >= 1
        pd.testing.assert_frame_equal(shared, own, check_dtype=False)  # a string column's NA flavour may differ
    pd.testing.assert_frame_equal(shared, expected, check_dtype=not shared.empty, check_categorical=False)
    plain = analysis.data.dataset.Dataset(*mine, mine.data_dir)
    # (a string column computed on no rows comes out as object, on some rows as string: same values)
    pd.testing.assert_frame_equal(page._derived("lineage", mine, pledge_lineage), pledge_lineage(plain),
                                  check_dtype=False)
    plain = analysis.data.dataset.Dataset(*every, every.data_dir)
    pd.testing.assert_frame_equal(page._derived("inconsistencies", every, inconsistencies), inconsistencies(plain),
                                  check_dtype=False)


# --- the cache rule ------------------------------------------------------------------------------


def _keys(parameters=None):
    rows = plan.indicator_rows()
    tpl = plan.template().read_bytes()
    code = plan.code_digest()
    return {i: plan.page_key(tpl, code, r, dict(parameters or {}, indicator_id=i), "python3") for i, r in rows.items()}


def test_cache_key_changes_only_for_the_indicator_whose_rows_changed(data_copy, monkeypatch):
    monkeypatch.setenv("ZJCP_DATA_DIR", str(data_copy))
    before = _keys()
    header, rows = read_rows(data_copy / "observations.csv")
    target = next(r for r in rows if r["indicator_id"] == "per_capita_gdp")
    target["note"] = "changed"
    write_rows(data_copy / "observations.csv", header, rows)
    after = _keys()
    assert {i for i in before if before[i] != after[i]} == {"per_capita_gdp"}
    # a parameter changes every page's key
    assert all(a != b for a, b in zip(after.values(), _keys({"as_of_year": 2024}).values()))


def test_cache_key_follows_the_cited_source(data_copy, monkeypatch):
    monkeypatch.setenv("ZJCP_DATA_DIR", str(data_copy))
    before = _keys()
    header, rows = read_rows(data_copy / "sources.csv")
    for r in rows:
        if r["source_id"] == "jx_gwr_2022":
            r["title_en"] += " (corrected)"
    write_rows(data_copy / "sources.csv", header, rows)
    after = _keys()
    changed = {i for i in before if before[i] != after[i]}
    _, pledges = read_rows(data_copy / "pledges.csv")
    _, obs = read_rows(data_copy / "observations.csv")
    citing = {r["indicator_id"] for r in pledges + obs if r["source_id"] == "jx_gwr_2022"}
    assert changed == citing and "gdp" in changed


def test_cache_key_follows_the_corrections_of_the_indicators_rows(data_copy, monkeypatch):
    """A reason reworded in the register re-executes the pages of the rows it corrects, and only those."""
    monkeypatch.setenv("ZJCP_DATA_DIR", str(data_copy))
    before = _keys()
    header, rows = read_rows(data_copy / "corrections.csv")
    for r in rows:
        if r["row_key"] in ("gdp|Jiaxing|2020|jx_stat_communique_2021", "JXGWR22-061", "commercial_charter_flights"):
            r["reason"] += " (reworded)"
    write_rows(data_copy / "corrections.csv", header, rows)
    after = _keys()
    # a figure, a pledge (of tech_smes_added) and an indicator's own row
    assert {i for i in before if before[i] != after[i]} == {"gdp", "tech_smes_added", "commercial_charter_flights"}


def test_an_indicator_page_shows_the_corrections_of_its_rows_and_none_without():
    everything = page.load(all_vintages=True, indicator_id="urban_rural_income_ratio")
    soup = BeautifulSoup(page.figures_block(everything, "urban_rural_income_ratio"), "html.parser")
    heading = soup.find("h3", id="corrections")
    assert heading is not None and heading.get_text() == "Corrections to these figures"
    rows = [[td.get_text(" ", strip=True) for td in tr.find_all("td")] for tr in heading.find_next("table").select("tbody tr")]
    years = [r for r in rows if r[2] == "year"]
    assert [(r[0], r[3], r[4]) for r in years] == [("2026-12-02", "2017", "2018"), ("2026-12-02", "2022", "2021")]
    assert any("2.054" in r[5] for r in years)  # why: the official 2017 ratio is 2.054
    assert all(r[6].startswith("46e9920") for r in years)  # the commit that made them
    assert soup.find("a", href="../corrections.html")
    none = page.figures_block(page.load(all_vintages=True, indicator_id="childcare_places_per_1000"),
                              "childcare_places_per_1000")
    assert "Corrections to these figures" not in none and 'id="corrections"' not in none


def test_text_from_the_register_is_shown_literally():
    from analysis.present import corrections

    everything = page.load(all_vintages=True, indicator_id="gdp")
    register = everything.corrections.copy()
    register["reason"] = register["reason"].astype(object)
    register.loc[register["row_key"].str.startswith("gdp|"), "reason"] = "<script>alert(1)</script> [x](javascript:y)"
    hostile = type(everything)(*everything, everything.data_dir, corrections=register, indicator_id="gdp",
                               all_vintages=True)
    block = corrections.block(hostile, "gdp")
    assert "<script>" not in block and "&lt;script&gt;alert(1)&lt;/script&gt;" in block
    assert 'href="javascript' not in block


# --- building pages ------------------------------------------------------------------------------


def run_build(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analysis", "build", "--quiet", *args], env=dict(os.environ, **env),
                          capture_output=True, text=True, timeout=600, check=False)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("pages")
    data = root / "data"
    import shutil

    shutil.copytree(paths.data_dir(), data)
    env = {"ZJCP_REPORTS_DIR": str(root / "reports"), "ZJCP_BUILD_DIR": str(root / "build"),
           "ZJCP_DATA_DIR": str(data)}
    only = [a for i in SAMPLE for a in ("--only", i)]
    result = run_build(env, *only)
    assert result.returncode == 0, result.stderr
    return root, env, only


def test_pages_have_every_part(built):
    root, _, _ = built
    html = (root / "reports" / "indicators" / "urban_rural_income_ratio.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    assert soup.title.string == "Urban-rural income ratio (城乡居民收入倍差)"
    assert soup.find("h1").get_text(strip=True).rstrip("¶") == "Urban-rural income ratio (城乡居民收入倍差)"
    text = soup.get_text(" ")
    for part in ("Unit:", "Definition:", "CPPLAN21-007", "met, then extended", "Every figure", "Do the sources disagree",
                 "Did the targets change", "Caveats and sources", "reduce the income gap between u"):
        assert part in text, part
    chart = soup.find("svg", class_="indicator-chart")
    assert chart is not None and chart["aria-label"].startswith("Chart: Urban-rural income ratio:")
    stars = [t.get_text() for t in chart.select("polygon > title")]
    assert any(t.startswith("CPPLAN21-007: at most 1.9 by 2025") for t in stars), stars
    pledged = analysis.load().pledges.query("indicator_id == 'urban_rural_income_ratio'")
    assert len(stars) == pledged["target_value"].notna().sum()  # a direction-only pledge has no star
    # the contents list points at the sections
    assert [a["href"][1:] for a in soup.select("nav.toc a")] == [h["id"] for h in soup.find_all("h2")]
    assert "Traceback" not in text and "Error" not in text
    assert "&#" not in text  # no entity shown as text (an id escaped inside a code span did)
    assert "urban_rural_income_ratio" in soup.find("code").get_text()
    assert soup.find("a", href="../pledges.html") and soup.find("a", href="../index.html")
    # only the pages asked for, no themed report
    assert sorted(p.stem for p in (root / "reports" / "indicators").glob("*.html")) == sorted(SAMPLE)
    assert not list((root / "reports").glob("0*.html"))
    explorer = (root / "reports" / "pledges.html").read_text(encoding="utf-8")
    assert '"page":"indicators/gdp.html"' in explorer


def test_each_page_has_its_downloads_beside_it_linked_and_claimed(built):
    """indicators/<id>/ holds the page's figures and pledges (CSV, JSON) and its chart (SVG, PNG), every
    one linked from the page's Downloads section by a relative link, claimed in the manifest and
    recorded in the page's state."""
    import csv
    import xml.etree.ElementTree as ET

    SVG = "{http://www.w3.org/2000/svg}"
    root, _, _ = built
    reports = root / "reports"
    state = json.loads((root / "build" / "state.json").read_text())
    claimed = json.loads((reports / ".zjcp-manifest.json").read_text())["written"]
    observations = read_rows(paths.data_dir() / "observations.csv")[1]
    pledges = read_rows(paths.data_dir() / "pledges.csv")[1]
    for ind in SAMPLE:
        folder = reports / "indicators" / ind
        names = sorted(p.name for p in folder.iterdir())
        assert names == ["chart-1.png", "chart-1.svg", "figures.csv", "figures.json", "pledges.csv", "pledges.json"]
        assert state["pages"][ind]["files"] == names and f"indicators/{ind}/" in claimed
        soup = BeautifulSoup((reports / "indicators" / f"{ind}.html").read_text(encoding="utf-8"), "html.parser")
        section = soup.find("h2", id="Downloads")
        links = [a["href"] for a in section.find_next("ul").find_all("a")]
        assert sorted(links) == [f"{ind}/{n}" for n in names]  # beside the page, relative: works offline
        assert soup.select_one("nav.toc a[href='#Downloads']")
        with (folder / "figures.csv").open(encoding="utf-8", newline="") as fh:
            figures = list(csv.DictReader(fh))
        assert len(figures) == sum(r["indicator_id"] == ind for r in observations)
        assert [r["indicator_id"] for r in json.loads((folder / "pledges.json").read_text())] == \
            [ind] * sum(r["indicator_id"] == ind for r in pledges)
        # the chart file is the page's chart
        stars = [t.get_text() for t in soup.select("svg.chart-wide polygon > title")]
        drawn = ET.fromstring((folder / "chart-1.svg").read_bytes())
        assert [t.text for t in drawn.iter(f"{SVG}title") if t.text in stars] == stars and len(stars) == len(
            [p for p in pledges if p["indicator_id"] == ind and p["target_value"]])
        assert (folder / "chart-1.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_one_indicator_changed_rebuilds_only_its_page(built):
    root, env, only = built
    state = json.loads((root / "build" / "state.json").read_text())
    assert all(state["pages"][i]["status"] == "ok" for i in SAMPLE)
    data = Path(env["ZJCP_DATA_DIR"])
    header, rows = read_rows(data / "observations.csv")
    for r in rows:
        if r["indicator_id"] == "urban_rural_income_ratio":
            r["note"] = "re-checked"
    write_rows(data / "observations.csv", header, rows)
    result = run_build(env, *only)
    assert result.returncode == 0, result.stderr
    assert "indicator pages: 1 built, 3 unchanged, 0 failed" in result.stdout
    state = json.loads((root / "build" / "state.json").read_text())
    assert state["pages"]["urban_rural_income_ratio"]["status"] == "ok"
    assert {state["pages"][i]["status"] for i in SAMPLE if i != "urban_rural_income_ratio"} == {"cached"}
    html = (root / "reports" / "indicators" / "urban_rural_income_ratio.html").read_text()
    assert "re-checked" in BeautifulSoup(html, "html.parser").get_text()
    # its downloads were made again with it, the others' left as they were
    assert "re-checked" in (root / "reports" / "indicators" / "urban_rural_income_ratio" / "figures.csv").read_text()
    assert "re-checked" not in (root / "reports" / "indicators" / "gdp" / "figures.csv").read_text()


def cited(html: str) -> dict:
    """What a page's citation says: version, commit, build date, last-updated date."""
    foot = BeautifulSoup(html, "html.parser").find("footer", class_="zjcp-cite")
    assert foot is not None
    return {"version": foot.find(class_="zjcp-version").get_text(), "commit": foot.find(class_="zjcp-commit").get_text(),
            "built": foot.find(class_="zjcp-built")["datetime"], "updated": foot.find(class_="zjcp-updated")["datetime"],
            "text": foot.get_text(" ", strip=True)}


def test_a_page_keeps_its_last_updated_date_while_what_it_shows_is_unchanged(built):
    """Built again (--force) with the same content, a page says this build's date and its old
    last-updated date (from the build state); once its content changes, this build's date for both."""
    import datetime

    root, env, _ = built
    today = datetime.date.today().isoformat()
    state_file = root / "build" / "state.json"
    state = json.loads(state_file.read_text())
    state["pages"]["gdp"]["updated"] = "2001-02-03"  # as if an earlier build had last changed it
    state_file.write_text(json.dumps(state))
    result = run_build(env, "--force", "--only", "gdp")
    assert result.returncode == 0, result.stderr
    page_file = root / "reports" / "indicators" / "gdp.html"
    said = cited(page_file.read_text(encoding="utf-8"))
    assert (said["built"], said["updated"], said["version"]) == (today, "2001-02-03", analysis.__version__)
    assert json.loads(state_file.read_text())["pages"]["gdp"]["updated"] == "2001-02-03"
    data = Path(env["ZJCP_DATA_DIR"])
    header, rows = read_rows(data / "observations.csv")
    next(r for r in rows if r["indicator_id"] == "gdp")["note"] = "checked again"
    write_rows(data / "observations.csv", header, rows)
    other = json.loads(state_file.read_text())["pages"]["childcare_places_per_1000"]
    assert run_build(env, "--only", "gdp").returncode == 0
    assert cited(page_file.read_text(encoding="utf-8"))["updated"] == today
    # the pages not rebuilt keep the citation of the build that wrote them, and their record
    state = json.loads(state_file.read_text())
    assert state["pages"]["childcare_places_per_1000"] == other and other["status"] in ("ok", "cached")
    assert state["pages"]["childcare_places_per_1000"]["updated"] == today
    assert len(state["pages"]["childcare_places_per_1000"]["content_sha256"]) == 64


def test_removed_indicator_loses_its_page(built):
    root, env, only = built
    data = Path(env["ZJCP_DATA_DIR"])
    header, rows = read_rows(data / "observations.csv")
    write_rows(data / "observations.csv", header, [r for r in rows if r["indicator_id"] != "commercial_charter_flights"])
    # a removed row takes its corrections with it (the register checks every row it names exists)
    header, rows = read_rows(data / "corrections.csv")
    write_rows(data / "corrections.csv", header, [r for r in rows if not r["row_key"].startswith("commercial_charter_flights|")])
    result = run_build(env, *only)
    assert result.returncode == 0, result.stderr
    assert not (root / "reports" / "indicators" / "commercial_charter_flights.html").exists()
    assert not (root / "reports" / "indicators" / "commercial_charter_flights").exists()  # its downloads with it
    assert "commercial_charter_flights" not in json.loads((root / "build" / "state.json").read_text())["pages"]


def test_a_page_build_stopped_by_bad_data_writes_nothing_and_leaves_no_worker(built):
    """With no report due, the page workers start while the data is validated; a validation error
    stops the build with its one-line message, every page stays as it was, and the workers (and any
    kernel) are gone."""
    import time

    import psutil

    root, env, only = built
    before = {p.name: p.read_bytes() for p in (root / "reports" / "indicators").glob("*.html")}
    data = Path(env["ZJCP_DATA_DIR"])
    header, rows = read_rows(data / "observations.csv")
    saved = [dict(r) for r in rows]
    bad = next(r for r in rows if r["indicator_id"] == "urban_rural_income_ratio")
    bad["year"] = "20x5"
    write_rows(data / "observations.csv", header, rows)
    started = time.time()
    try:
        result = run_build(env, *only)
    finally:
        write_rows(data / "observations.csv", header, saved)
    assert result.returncode == 2
    assert "observations.csv" in result.stderr and "year" in result.stderr
    assert {p.name: p.read_bytes() for p in (root / "reports" / "indicators").glob("*.html")} == before

    def left():  # this build's processes (the build folder in their environment), not another test's
        found = []
        for proc in psutil.process_iter(["cmdline", "create_time"]):
            cmd = " ".join(proc.info["cmdline"] or [])
            if ("ipykernel_launcher" in cmd or "forkserver" in cmd) and (proc.info["create_time"] or 0) >= started - 1:
                try:
                    if proc.environ().get("ZJCP_BUILD_DIR") == env["ZJCP_BUILD_DIR"]:
                        found.append(proc)
                except psutil.Error:
                    pass  # gone meanwhile
        return found

    deadline = time.time() + 10
    while left() and time.time() < deadline:
        time.sleep(0.2)
    assert left() == []


def test_a_report_linked_to_the_pages_is_cached_on_the_next_run(tmp_path):
    """The build links the themed reports' names to the indicator pages after writing them; the
    linked report is still the build's own, so a rerun with nothing changed executes nothing (it used
    to execute all six again: the linked bytes no longer matched the recorded hash)."""
    env = {"ZJCP_REPORTS_DIR": str(tmp_path / "reports"), "ZJCP_BUILD_DIR": str(tmp_path / "build")}
    only = ["--only", "01-income-gap", "--only", "per_capita_disposable_income"]
    assert run_build(env, *only).returncode == 0
    report = (tmp_path / "reports" / "01-income-gap.html").read_text(encoding="utf-8")
    assert 'href="indicators/per_capita_disposable_income.html"' in report  # linked after it was written
    state_file = tmp_path / "build" / "state.json"
    state = json.loads(state_file.read_text())
    assert len(state["notebooks"]["01-income-gap"]["content_sha256"]) == 64
    state["notebooks"]["01-income-gap"]["updated"] = "2001-02-03"  # as if an earlier build had changed it
    state_file.write_text(json.dumps(state))
    again = run_build(env, *only)
    assert again.returncode == 0, again.stderr
    assert "01-income-gap: cached" in again.stdout
    assert "indicator pages: 0 built, 1 unchanged, 0 failed" in again.stdout
    # a report not rewritten keeps the record of when its content last changed
    assert json.loads(state_file.read_text())["notebooks"]["01-income-gap"]["updated"] == "2001-02-03"


# --- isolation between pages in one worker ----------------------------------------------------------------


def _template(folder: Path) -> None:
    """A small template: fails for one indicator, kills its worker for another, and checks that no
    variable survives from the page before."""
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('indicator_id = "gdp"\nas_of_year = 2025\nalpha = 0.1')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [
        params,
        nbformat.v4.new_code_cell("import os\nfrom IPython.display import Markdown, display"),
        nbformat.v4.new_code_cell(
            "assert 'leftover' not in globals(), 'state leaked from the page before'\nleftover = indicator_id\n"
            "if indicator_id == 'gdp':\n    raise ValueError('boom')\n"
            "if indicator_id == 'gdp_growth_rate':\n    os._exit(1)\n"
            "display(Markdown('# Page ' + indicator_id))"),
    ]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, folder / "indicator.ipynb")


def test_a_failing_page_fails_alone_and_state_does_not_leak(tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    _template(notebooks)
    env = {"ZJCP_NOTEBOOKS_DIR": str(notebooks), "ZJCP_REPORTS_DIR": str(tmp_path / "reports"),
           "ZJCP_BUILD_DIR": str(tmp_path / "build")}
    ids = ["childcare_places_per_1000", "gdp", "gdp_growth_rate", "per_capita_gdp", "urbanization_rate"]
    result = run_build(env, "--jobs", "1", *[a for i in ids for a in ("--only", i)])
    assert result.returncode == 1
    failed = [line for line in result.stderr.splitlines() if "failed" in line]
    assert failed[0].startswith("indicators/gdp: failed") and "ValueError: boom" in failed[0]
    assert failed[1].startswith("indicators/gdp_growth_rate: failed")
    assert "indicator pages: 3 built, 0 unchanged, 2 failed" in result.stdout
    built = sorted(p.stem for p in (tmp_path / "reports" / "indicators").glob("*.html"))
    assert built == ["childcare_places_per_1000", "per_capita_gdp", "urbanization_rate"]


def test_report_tables_link_names_and_ids_to_existing_pages_only():
    from analysis.builder.publish import link_cells
    from analysis.present.tables import indicator_name

    html = (f"<table><tr><td>{indicator_name('gdp', 'GDP <b>')}</td><td>{indicator_name('gone', 'Gone')}</td>"
            "<td>ZJGWR23-001</td></tr></table>")
    linked = link_cells(html, {"gdp": "indicators/gdp.html", "ZJGWR23-001": "indicators/gdp.html"})
    assert '<a class="zt-ind" href="indicators/gdp.html">GDP &lt;b&gt;</a>' in linked
    assert '<span class="zt-ind" data-indicator="gone">Gone</span>' in linked  # no page: no link
    assert '<td><a href="indicators/gdp.html">ZJGWR23-001</a></td>' in linked


def test_chart_alt_says_a_bound_and_an_approximate_figure_as_such():
    dataset = page.load(indicator_id="airport_passenger_throughput")
    table = page.assess(dataset, 2025, 0.1)
    text = page.chart_alt(dataset, table, "airport_passenger_throughput", 2025)
    # both figures are bounds (突破): shown as exact figures before
    assert "Zhejiang from at least 80,000,000 persons in 2024 to 89,920,000 persons in 2025" in html.unescape(text)
    assert "Hangzhou at least 50,000,000 persons in 2025" in html.unescape(text)


def test_chart_and_its_text_mark_a_series_break():
    dataset = page.load(indicator_id="forest_coverage")
    table = page.assess(dataset, 2025, 0.1)
    text = html.unescape(page.chart_alt(dataset, table, "forest_coverage", 2025))
    # 61% (2015) to 58.6% (2025) is a change of survey basis, not a loss of forest
    assert "Zhejiang from 61% in 2015 to 58.6% in 2025 (series break in 2024: the figures before it are on another basis)" in text
    for layout in (page.WIDE, page.NARROW):  # the chart is drawn for wide screens and for phones
        svg = page.chart_svg(dataset, table, "forest_coverage", 2025, layout=layout)
        assert svg.count(">series break</text>") == 1  # Zhejiang's panel only, not Jiaxing's
    assert page.series_chart(dataset, table, "forest_coverage", 2025).count(">series break</text>") == 2


def test_a_total_added_up_from_another_indicator_gets_the_same_verdict_on_its_page():
    # the first pages a kernel sees are assessed on their slice, which lacks the yearly figures a total
    # over a period is added up from: its page must still say what the reports say
    page._CACHE.clear()
    dataset = page.load(indicator_id="affordable_rental_housing_units_5y")
    table = page.assess(dataset, 2025, 0.1)
    assert table.set_index("pledge_id").loc["CPPLAN21-048", "status"] == "met"
    assert '<a href="affordable_rental_housing_units.html">' in page.figures_block(
        page.load(all_vintages=True, indicator_id="affordable_rental_housing_units_5y"), "affordable_rental_housing_units_5y")


def test_a_totals_page_is_rebuilt_when_its_yearly_rows_change(data_copy, monkeypatch):
    monkeypatch.setenv("ZJCP_DATA_DIR", str(data_copy))
    before = plan.indicator_rows()["affordable_rental_housing_units_5y"]
    header, rows = read_rows(data_copy / "observations.csv")
    row = next(r for r in rows if r["indicator_id"] == "affordable_rental_housing_units" and r["year"] == "2022")
    row["note"] += " (edited)"
    write_rows(data_copy / "observations.csv", header, rows)
    after = plan.indicator_rows()["affordable_rental_housing_units_5y"]
    assert sorted(before["rows"]) != sorted(after["rows"])


# --- downloads beside each page (issue 24) ---------------------------------------------------------

from analysis.present import chart_export, downloads  # noqa: E402


def _fields(table: str) -> dict[str, str]:
    """The data package's field name -> type for one table."""
    descriptor = json.loads((paths.data_dir() / "datapackage.json").read_text(encoding="utf-8"))
    resource = next(r for r in descriptor["resources"] if r["name"] == table)
    return {f["name"]: f["type"] for f in resource["schema"]["fields"]}


def same(kind: str, raw: str, written) -> bool:
    """A value of the data files (a CSV cell) equals one written in a download (CSV text or JSON)."""
    if raw == "" or written in ("", None):
        return raw in ("", "false") and written in ("", None, "false", False)  # missing; or an unset boolean
    if kind in ("number", "integer", "year"):
        return float(raw) == float(written)
    if kind == "boolean":
        return str(written).lower() == raw
    return raw == str(written)


def check_rows(raw_rows: list[dict], written: list[dict], fields: dict[str, str]) -> None:
    assert len(written) == len(raw_rows)
    for raw, row in zip(raw_rows, written):
        for name, kind in fields.items():
            assert same(kind, raw[name], row[name]), (name, raw[name], row[name])


def _read_csv(data: bytes) -> list[dict]:
    import csv
    import io

    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def test_figures_download_is_every_figure_of_the_indicator_with_its_source(everything):
    frame = downloads.figures(everything, "gdp")
    header, observations = read_rows(paths.data_dir() / "observations.csv")
    _, sources = read_rows(paths.data_dir() / "sources.csv")
    raw = sorted((r for r in observations if r["indicator_id"] == "gdp"),
                 key=lambda r: (r["geography"], int(r["year"]), r["source_id"]))
    written = _read_csv(downloads.to_csv(frame))
    assert list(written[0]) == header + ["current"] + list(downloads.SOURCE_FIELDS)  # the data package's names
    check_rows(raw, written, _fields("observations"))
    by_id = {s["source_id"]: s for s in sources}
    check_rows([by_id[r["source_id"]] for r in raw], written,
               {k: v for k, v in _fields("sources").items() if k in downloads.SOURCE_FIELDS})
    # every vintage: the revised and restated figures too, each saying whether it is the one used
    assert len(written) > len(everything.observations.query("indicator_id == 'gdp' and current"))
    assert {r["current"] for r in written} == {"true", "false"}
    check_rows(raw, json.loads(downloads.to_json(frame)), _fields("observations"))


def test_pledges_download_is_each_pledge_with_its_verdict_and_components(dataset, table):
    frame = downloads.pledges(dataset, table, "urban_rural_income_ratio")
    header, pledges = read_rows(paths.data_dir() / "pledges.csv")
    written = _read_csv(downloads.to_csv(frame))
    raw = sorted((r for r in pledges if r["indicator_id"] == "urban_rural_income_ratio"),
                 key=lambda r: (r["geography"], int(r["target_year"]), r["pledge_id"]))
    assert list(written[0])[:len(header)] == header
    check_rows(raw, written, _fields("pledges"))
    mine = table[table["indicator_id"] == "urban_rural_income_ratio"].set_index("pledge_id")
    for row in written:
        verdict = mine.loc[row["pledge_id"]]
        assert row["status"] == str(verdict["status"]) and row["as_of"] == "2025"
        for name in ("base_value", "latest_value", "ratio", "probability_met"):
            assert (row[name] == "") == pd.isna(verdict[name]), name
            if row[name]:
                assert float(row[name]) == float(verdict[name]), name
        assert row["evidence_kind"] == verdict["evidence_kind"] and row["base_rule"] == verdict["base_rule"]
    assert {r["pledge_id"] for r in json.loads(downloads.to_json(frame))} == set(mine.index)


def test_a_chart_is_a_standalone_svg_and_a_png_of_it(dataset, table):
    import io
    import xml.etree.ElementTree as ET

    from PIL import Image

    svg = page.series_chart(dataset, table, "gdp", 2025)
    found = chart_export.charts(f"<div>{svg}</div>")
    assert len(found) == 1 and "chart-wide" in found[0]  # the phone drawing is the same chart
    standalone = chart_export.standalone_svg(found[0], "Gross domestic product <&> (地区生产总值)", "note")
    root = ET.fromstring(standalone.encode("utf-8"))  # well-formed XML, the title escaped
    assert root.get("width") == "720" and root.find("{http://www.w3.org/2000/svg}title").text.startswith("Chart:")
    image = Image.open(io.BytesIO(chart_export.png(standalone)))
    assert image.format == "PNG" and image.size == (720, int(float(root.get("height"))))
    # something is drawn, text included: more than a few colours
    assert len(image.convert("RGB").getcolors(maxcolors=100000)) > 50


def test_the_phone_drawing_keeps_its_text_large():
    """Shown at about 85 % on a 320 px phone (the browser test measures it at 375 px), the phone
    drawing's smallest text is 12 units; the wide drawing is shown at its natural size only."""
    assert min(page.NARROW.text, page.NARROW.small, page.NARROW.heading) >= 12 and page.NARROW.width <= 360
    assert min(page.WIDE.text, page.WIDE.small) >= 10


def test_builder_and_present_agree_on_the_table_files():
    from analysis.builder import downloads as built_downloads

    assert built_downloads.TABLE_FILES == downloads.TABLE_FILES


# --- the Chinese edition (issue 25): the page's words in Chinese, the English ones unchanged --------

from analysis.data import i18n  # noqa: E402
from analysis.present import citation, corrections  # noqa: E402


def test_title_in_chinese_is_the_chinese_name_with_the_english_one_under_it(dataset):
    with i18n.language("zh-Hans"):
        assert page.title(dataset, "urban_rural_income_ratio") == (
            '# 城乡居民收入倍差：目标与实际\n\n<p class="zjcp-name-en" lang="en">Urban&#45;rural income ratio</p>')
    assert page.title(dataset, "urban_rural_income_ratio") == "# Urban&#45;rural income ratio (城乡居民收入倍差)"


def test_summary_sentence_in_chinese_and_english(dataset, table):
    with i18n.language("zh-Hans"):
        assert page.summary(dataset, table, "gdp", 2025) == (
            "嘉兴、浙江共有2个目标任务、20个实际值，评估截至2025年：进展有限1项、需加快进度1项。")
        assert page.summary(dataset, table, "urban_rural_income_ratio", 2025) == (
            "嘉兴、浙江共有4个目标任务、13个实际值，评估截至2025年：如期实现3项、提前实现1项。")
    assert page.summary(dataset, table, "gdp", 2025) == (
        "2 pledges and 20 achieved figures for Jiaxing&#44; Zhejiang, assessed as of 2025: 1 limited, 1 acceleration needed.")
    assert page.summary(dataset, table, "urban_rural_income_ratio", 2025) == (
        "4 pledges and 13 achieved figures for Jiaxing&#44; Zhejiang, assessed as of 2025: 3 met, 1 achieved.")


def test_pledge_table_header_in_chinese_and_english(dataset, table):
    def head(html_text: str) -> str:
        return html_text[html_text.index("<caption>"):html_text.index("</thead>") + len("</thead>")]

    with i18n.language("zh-Hans"):
        chinese = page.pledge_table(dataset, table, "gdp")
    assert head(chinese) == (
        "<caption>目标任务：评估结论及其构成</caption><thead><tr>"
        + "".join('<th scope="col"' + (' class="nowrap"' if c == "地区" else "") + f'>{c}</th>'
                  for c in ("目标任务", "地区", "目标值", "评估结论", "判定理由", "基数", "最新值",
                            "实际速度", "所需速度", "R", "按期实现概率", "来源"))
        + "</tr></thead>")
    assert '<td data-label="地区" class="nowrap">嘉兴</td>' in chinese and '<td data-label="评估结论">进展有限' in chinese
    assert head(page.pledge_table(dataset, table, "gdp")) == (
        "<caption>Pledges: verdict and its components</caption><thead><tr>"
        + "".join(f'<th scope="col">{c}</th>' for c in ("pledge", "place", "target", "verdict", "why", "base", "latest",
                                                      "observed rate", "required rate", "R", "P(met on time)", "source"))
        + "</tr></thead>")


def test_chart_text_and_what_would_settle_a_pledge_in_chinese(dataset, table):
    with i18n.language("zh-Hans"):
        assert page.chart_alt(dataset, table, "urban_rural_income_ratio", 2025) == (
            "图表：城乡居民收入倍差：嘉兴由2016年的1&#46;69变为2022年的1&#46;56；浙江由2015年的2&#46;07变为2025年的1&#46;81；"
            "图中以星形标出4个目标值。")
        row = table[table["pledge_id"] == "ZJGWR23-005"].iloc[0]
        assert page.settle_sentence(row) == "最终评估结论（如期实现或未实现）有待浙江2027年的官方数据。"
        assert page.navigation() == "[全部报告](../index.html) · [全部目标任务（检索）](../pledges.html)"
    assert page.chart_alt(dataset, table, "urban_rural_income_ratio", 2025) == (
        "Chart&#58; Urban&#45;rural income ratio&#58; Jiaxing from 1&#46;69 in 2016 to 1&#46;56 in 2022&#59; Zhejiang from "
        "2&#46;07 in 2015 to 1&#46;81 in 2025&#59; 4 target&#40;s&#41; marked with stars&#46;")
    assert page.settle_sentence(row) == "The final verdict (met or missed) waits for an official figure for Zhejiang for 2027."


def test_statuses_places_and_sources_in_chinese(dataset):
    with i18n.language("zh-Hans"):
        assert [page.status_words(s) for s in ("met", "achieved", "within_tolerance", "on_track", "acceleration_needed",
                                               "limited", "deterioration", "missed", "insufficient_data")] == [
            "如期实现", "提前实现", "差距在容差内", "基本符合预期", "需加快进度", "进展有限", "逆向变化", "未实现", "数据不足"]
        assert [page.place_name(p) for p in ("Zhejiang", "Jiaxing", "Ningbo-Zhoushan Port", "Nowhere")] == [
            "浙江", "嘉兴", "宁波舟山港", "Nowhere"]
        # a source by its original title (here Chinese), linked or with its document
        assert page.source_cell(dataset, "zj_stat_communique_2025").text == "2025年浙江省国民经济和社会发展统计公报"
        assert page.source_cell(dataset, "zj_gwr_2026") == "2026年浙江省政府工作报告（文件005_zhejiang_gwr_2026_zh.txt）"
    assert page.status_words("acceleration_needed") == "acceleration needed"
    assert page.source_cell(dataset, "zj_stat_communique_2025").text == (
        "Statistical Communique of Zhejiang Province on the 2025 National Economic and Social Development")
    assert page.source_cell(dataset, "zj_gwr_2026") == (
        "Report on the Work of the Government 2026 (Zhejiang) (document 005_zhejiang_gwr_2026_zh.txt)")


def test_downloads_section_in_chinese_keeps_the_file_names():
    names = ["figures.csv", "figures.json", "chart-1.svg"]
    with i18n.language("zh-Hans"):
        assert downloads.section("gdp", names) == (
            "## 下载\n\n本页所依据的数据，可供电子表格或程序使用；列名沿用数据集`datapackage.json`中的名称，其后为评估结论的各项构成。\n\n"
            "- 全部数据（含各版本）及其状态、原文和来源：[CSV](gdp/figures.csv) · [JSON](gdp/figures.json)\n"
            "- 图表：[SVG](gdp/chart-1.svg)")
    assert downloads.section("gdp", names) == (
        "## Downloads\n\nThe data behind this page, for a spreadsheet or a program; the column names are those of the "
        "dataset's `datapackage.json`, then the verdict's components.\n\n"
        "- Every figure, every vintage, with its status, quote and source: [CSV](gdp/figures.csv) · [JSON](gdp/figures.json)\n"
        "- The chart: [SVG](gdp/chart-1.svg)")


def test_citation_footer_in_chinese_and_english():
    style = ("margin:2.5rem 0 1rem;padding-top:0.6rem;border-top:1px solid #ddd;color:#4a4a4a;font-size:0.85rem;"
             "line-height:1.45;overflow-wrap:anywhere")
    with i18n.language("zh-Hans"):
        assert citation.footer("1.2.0", "abc1234", "2026-12-07", "2026-12-01") == (
            f'<footer class="zjcp-cite" id="how-to-cite" aria-label="引用方式" style="{style}">'
            '<p style="margin:0.3rem 0"><strong>引用方式。</strong>浙江共同富裕追踪：目标与实际，版本'
            '<span class="zjcp-version">1.2.0</span>（提交<code class="zjcp-commit">abc1234</code>）。构建于'
            '<time class="zjcp-built" datetime="2026-12-07">2026年12月7日</time>；最近更新于'
            '<time class="zjcp-updated" datetime="2026-12-01">2026年12月1日</time>（最近一次改变本页所示内容的构建）。</p>'
            '<p style="margin:0.3rem 0">本页的数据并非出自本项目：每个数据均来自其旁注明的原始来源，并附原文和链接。'
            "使用数据时请注明该来源；引用本项目选取的数据、作出的评估和更正时，请引用本项目（详见项目仓库中的"
            "<code>CITATION.cff</code>）。</p></footer>")
        assert "本系列报告中的数据并非出自本项目" in citation.footer("1", "c", "2026-12-07", "2026-12-01", "in these reports")
    assert citation.footer("1.2.0", "abc1234", "2026-12-07", "2026-12-01") == (
        f'<footer class="zjcp-cite" id="how-to-cite" aria-label="How to cite" style="{style}">'
        '<p style="margin:0.3rem 0"><strong>How to cite.</strong> Zhejiang Common Prosperity tracker: pledges against '
        'results, version <span class="zjcp-version">1.2.0</span> (commit <code class="zjcp-commit">abc1234</code>). '
        'Built on <time class="zjcp-built" datetime="2026-12-07">2026-12-07</time>; last updated '
        '<time class="zjcp-updated" datetime="2026-12-01">2026-12-01</time> (the last build that changed what this '
        "page shows).</p>"
        "<p style=\"margin:0.3rem 0\">The figures on this page are not this project's: each comes from the original "
        "source named beside it, with its verbatim quote and a link. Credit that source when you use a figure, "
        "and cite this project for the selection of figures, the assessments and the corrections "
        "(<code>CITATION.cff</code> in the project's repository has the details).</p></footer>")


def test_corrections_page_and_block_in_chinese(everything):
    n = len(everything.corrections)
    with i18n.language("zh-Hans"):
        chinese = corrections.render(everything)
        block = corrections.block(everything, "gdp")
    assert '<html lang="zh-Hans">' in chinese and "<title>已发布数据的更正记录</title>" in chinese
    assert "<h1>已发布数据的更正记录</h1>" in chinese
    assert f"<p>已发布的数据共有{n}项更正，每项均附原因和依据。更正均来自数据集中的更正记录<code>data/corrections.csv</code>：" in chinese
    assert '<h2 id="on-2026-12-01">2026年12月1日：' in chinese  # the anchor stays the ISO date
    assert block.startswith('<h3 id="corrections">数据更正记录</h3><p>这些数据、本指标或其目标任务发布后共有')
    assert '<td data-label="日期">2026年12月1日</td>' in block and "嘉兴2020年数据，来源<code>jx_stat_communique_2021</code>" in block
    english = corrections.render(everything)
    assert '<html lang="en">' in english and "<h1>Corrections to published figures</h1>" in english
    assert f"<p>{n} corrections made to figures after they were published, each with its reason\nand its evidence. " in english
    assert corrections.block(everything, "gdp").startswith(
        '<h3 id="corrections">Corrections to these figures</h3><p>4 corrections made to these figures, this indicator '
        'or its pledges after they were published, as the corrections register records them')


@pytest.mark.parametrize("language", ["en", "zh-Hans"])
def test_every_year_label_of_a_chart_is_inside_it(language):
    """The last year of the axis sat at the right edge, half its label outside the drawing: "2025年" was
    cut to "2025" in the Chinese charts. Every label now ends inside, at both widths."""
    import re

    from analysis.data import i18n

    with i18n.language(language):
        dataset = page.load(indicator_id="urban_rural_income_ratio")
        table = page.assess(dataset, 2025, 0.1)
        for layout in (page.WIDE, page.NARROW):
            svg = page.chart_svg(dataset, table, "urban_rural_income_ratio", 2025, layout=layout)
            labels = re.findall(r'<text x="([\d.]+)"[^>]*text-anchor="middle"[^>]*>(\d{4}年?)</text>', svg)
            assert labels and {y[:4] for _, y in labels} >= {"2016", "2022"}
            for x, label in labels:
                assert float(x) + page._width(label, 0.6 * layout.text, layout.text) / 2 <= layout.width, (x, label)
            assert labels[-1][1] == ("2027年" if language == "zh-Hans" else "2027")
