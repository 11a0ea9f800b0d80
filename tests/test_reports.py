"""The rendered reports: charts present, no error output, no code, self-contained, deterministic."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup

from analysis.data import paths

from .conftest import SAMPLE_INDICATORS, read_rows, selection_args

NOTEBOOKS = sorted(p.stem for p in paths.notebooks_dir().glob("[0-9][0-9]-*.ipynb"))


def soup(folder, name):
    return BeautifulSoup((folder / f"{name}.html").read_text(encoding="utf-8"), "html.parser")


def test_every_notebook_has_a_report(built_reports):
    assert sorted(p.stem for p in built_reports.glob("*.html")) == sorted(NOTEBOOKS + ["index", "pledges", "corrections"])
    assert sorted(p.stem for p in (built_reports / "indicators").glob("*.html")) == sorted(SAMPLE_INDICATORS)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_report_has_charts_and_no_errors_or_code(built_reports, name):
    page = soup(built_reports, name)
    text = page.get_text(" ")
    images = page.find_all("img")
    assert len(images) >= 1
    assert all(img["src"].startswith("data:image/png;base64,") for img in images)  # embedded
    assert "Traceback" not in text and "Error" not in re.findall(r"\w*Error", text)
    assert not page.select(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    code = page.select(".jp-CodeCell .jp-InputArea, .jp-CodeMirrorEditor, .highlight, pre code")
    if name == "06-your-own-question":  # the starter notebook shows its code: each step to copy
        shown = "".join(el.get_text() for el in page.select(".jp-CodeCell .jp-InputArea"))
        assert "import analysis" in shown and "progress_table(dataset, as_of=as_of_year)" in shown
        assert 'method="eurostat"' in page.find(id="Would-the-published-method-give-the-same-verdicts?").find_next(
            class_="jp-CodeCell").get_text()
    else:
        assert not code  # reader mode: no code
        assert "import analysis" not in text
    assert len(page.find_all("h1")) == 1
    toc = page.select("nav.toc a")
    assert len(toc) >= 4
    ids = {el.get("id") for el in page.find_all(id=True)}
    assert all(a["href"][1:] in ids for a in toc)
    assert page.find(string=re.compile("Caveats")) and page.find(string=re.compile("Sources"))


@pytest.mark.parametrize("name", NOTEBOOKS + ["index"])
def test_report_loads_nothing_from_the_network(built_reports, name):
    page = soup(built_reports, name)
    for tag in page.find_all(["script", "link", "img", "iframe"]):
        for attr in ("src", "href"):
            assert not str(tag.get(attr, "")).startswith(("http:", "https:", "//")), tag


def test_index_links_every_report_and_shows_the_scorecard(built_reports):
    page = soup(built_reports, "index")
    links = {a["href"] for a in page.find_all("a", href=True)}
    assert {f"{n}.html" for n in NOTEBOOKS} <= links
    assert page.find(id="scorecard") and page.find(id="verdict") and page.find(id="changes")
    assert "First build" in page.get_text()
    assert len(page.select(".build-ok")) == len(NOTEBOOKS)


def test_findings_are_computed_from_the_data(built_reports):
    text = soup(built_reports, "01-income-gap").get_text(" ")
    import analysis
    from analysis.method.progress import progress_table
    from analysis.present.narrative import fmt, pick

    row = pick(progress_table(analysis.load(), as_of=2025), "per_capita_disposable_income")
    assert f"{fmt(row['latest_value'], row['unit'])} in {int(row['latest_year'])}" in text


def test_caveats_count_the_pledges_without_a_verdict():
    import pandas as pd

    from analysis.present.narrative import caveats

    rows = pd.DataFrame({"status": pd.Categorical(["on_track", "insufficient_data", "insufficient_data"])})
    text = caveats(rows)
    assert text.startswith("- 2 of 3 pledges here have no achieved figure or only one point in time; ")
    assert text.count("\n- ") == 3  # four bullets
    one = caveats(pd.DataFrame({"status": pd.Categorical(["insufficient_data"])}))
    assert one.startswith("- 1 of 1 pledge here has no achieved figure or only one point in time; its status is ")


def test_themed_reports_state_their_caveats(built_reports):
    for name in NOTEBOOKS:
        text = soup(built_reports, name).get_text(" ")
        # (the starter notebook's one indicator may have a verdict on every pledge: the caveat says so)
        assert re.search(r"\d+ of \d+ pledges? here (has|have) no achieved figure|Every pledge here \(\d+\) has a verdict",
                         text), name


def fresh_copy(target: Path) -> Path:
    """The files git tracks, copied to ``target``: what a fresh clone of this tree holds."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=paths.ROOT, capture_output=True, check=False)
    if listed.returncode != 0:
        pytest.skip("not a git checkout: cannot make a fresh clone")
    for name in listed.stdout.decode().split("\0"):
        if name and (paths.ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(paths.ROOT / name, target / name)
    return target


def build_in(clone: Path) -> Path:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZJCP_")}
    env["PYTHONPATH"] = str(clone)  # the clone's own package, not the editable install
    result = subprocess.run([sys.executable, "-m", "analysis", "build", "--quiet", *selection_args()], cwd=clone, env=env,
                            capture_output=True, text=True, timeout=1200, check=False)
    assert result.returncode == 0, result.stderr
    return clone / "reports"


def test_rendering_does_not_depend_on_cell_ids():
    """papermill gives the injected-parameters cell a new random id on every run; the page must not show it."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    from analysis.builder.render import to_html

    def executed(cell_id: str):
        nb = new_notebook(cells=[new_markdown_cell("# A page"), new_code_cell("x = 2")])
        nb.cells[1]["id"] = cell_id
        nb.cells[1].metadata["tags"] = ["injected-parameters"]
        return nbformat.from_dict(nb)

    assert to_html(executed("e625d137")) == to_html(executed("1bbfa5e6"))
    # and the indicator pages, which have their own exporter
    from analysis.builder.render import render_page

    assert render_page(executed("e625d137"), "A page") == render_page(executed("1bbfa5e6"), "A page")


def test_one_print_renders_the_same_however_the_kernel_split_it():
    """A kernel sends a cell's printed text in as many stream messages as its flushes happened to take;
    two builds of the starter notebook split one print differently, and their reports differed."""
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    from analysis.builder.render import render_page, to_html

    def executed(*texts: str):
        cell = new_code_cell("print(...)", outputs=[new_output("stream", name="stdout", text=t) for t in texts])
        return new_notebook(cells=[new_markdown_cell("# A page"), cell])

    whole, split = executed("81 of 510 verdicts differ.\n"), executed("81 of 510 ", "verdicts differ.\n")
    assert to_html(whole) == to_html(split) and "<pre>81 of 510 verdicts differ." in to_html(split)
    assert render_page(whole, "A page") == render_page(split, "A page")


def clean_checkout() -> bool:
    """True when the files git tracks are as committed (then this checkout builds what a clone builds)."""
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=paths.ROOT,
                            capture_output=True, text=True, check=False)
    return status.returncode == 0 and status.stdout.strip() == ""


def test_builds_in_two_fresh_clones_are_byte_identical(tmp_path, built_reports):
    """A build in a fresh clone, in another folder and process, gives the same bytes as the session's
    build of this checkout (a second clone is built only when this checkout has uncommitted changes)."""
    first = build_in(fresh_copy(tmp_path / "clone-a"))
    second = built_reports if clean_checkout() else build_in(fresh_copy(tmp_path / "clone-b"))
    for name in NOTEBOOKS:
        assert uncited(first / f"{name}.html") == uncited(second / f"{name}.html"), name
    for page in sorted((first / "indicators").glob("*.html")):
        assert uncited(page) == uncited(second / "indicators" / page.name), page.name

    def without_runtimes(html: str) -> str:
        return re.sub(r'<td class="num runtime"[^>]*>[^<]*</td>', "", html)

    assert without_runtimes(uncited(first / "index.html")) == without_runtimes(uncited(second / "index.html"))
    assert uncited(first / "corrections.html") == uncited(second / "corrections.html")


def uncited(path: Path) -> str:
    """A page without its citation, which names the build that wrote it (its commit: ``unknown`` in a
    copy of the tracked files, which is no git checkout; its date)."""
    return re.sub(r'<footer class="zjcp-cite".*?</footer>\n?', "", path.read_text(encoding="utf-8"), flags=re.S)


# --- reports for people (issue 14) ------------------------------------------------------------

QUOTE_SELECTOR = "blockquote, .zt-quote, details.zt-src"  # verbatim quotes and notes may contain '...'


def reader_text(page) -> str:
    """The page's text without the verbatim quotes and notes taken from the sources."""
    page = BeautifulSoup(str(page), "html.parser")
    for el in page.select(QUOTE_SELECTOR):
        el.decompose()
    return page.get_text(" ")


@pytest.mark.parametrize("name", NOTEBOOKS + ["index"])
def test_no_dump_artefacts_in_the_pages(built_reports, name):
    page = soup(built_reports, name)
    text = page.get_text(" ")
    assert "(nan)" not in text and " nan " not in text and "NaN" not in text
    assert "No description has been provided" not in str(page)
    own = reader_text(page)
    assert "..." not in own and "…" not in own, name  # nothing cut short
    assert not re.search(r"\d+ rows × \d+ columns", text)
    for theme in ("income_gap", "industry_innovation", "ecology_energy", "public_services", "macro_economy",
                  "urbanization_regional", "governance_other"):
        assert theme not in own, (name, theme)  # theme labels, not ids
    assert not page.select("table.dataframe")  # no raw DataFrame


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_chart_has_an_alt_text_stating_its_finding(built_reports, name):
    for img in soup(built_reports, name).find_all("img"):
        alt = img.get("alt", "")
        assert len(alt) > 60 and "chart" in alt.lower() or "heatmap" in alt.lower(), alt
        assert re.search(r"\d", alt), alt  # states figures, not a generic label


#: What a link within the site may point to: a page, or a download beside it.
LOCAL_FILES = (".html", ".zip", ".csv", ".json", ".svg", ".png")


@pytest.mark.parametrize("name", NOTEBOOKS + ["index"])
def test_every_link_is_an_anchor_to_http_and_no_url_is_plain_text(built_reports, name):
    page = soup(built_reports, name)
    for a in page.select("a.zt-url"):
        assert a["href"].startswith(("http://", "https://")) and a.get_text() == unquote(a["href"]), a  # full URL
    for node in page.find_all(string=re.compile(r"https?://")):
        if node.find_parent(["style", "script"]) or node.find_parent(class_="zt-quote"):
            continue
        assert node.find_parent("a") is not None, node  # every URL is a link
    for a in page.find_all("a", href=True):
        # the web, an anchor on the page, or another page of the site (with its fragment: the explorer's filters)
        local = a["href"].split("#", 1)[0]
        assert a["href"].startswith(("http://", "https://", "#")) or (local.endswith(LOCAL_FILES) and ":" not in local), a


def test_every_source_of_the_overview_is_listed_in_full_with_its_link(built_reports):
    import analysis

    dataset = analysis.load()
    page = soup(built_reports, "00-overview")
    section = page.find(id="Sources").find_parent("div", class_="jp-Cell")
    table_cells = section.find_next("div", class_="zt-block")
    titles = [td.get_text(" ", strip=True) for td in table_cells.select("td[data-label='Source']")]
    obs = dataset.observations  # the overview cites the pledges' sources and those of their indicators' figures
    used = set(dataset.pledges["source_id"]) | set(obs.loc[obs["indicator_id"].isin(dataset.pledges["indicator_id"]),
                                                               "source_id"])
    assert len(titles) == len(used)  # every one, folded rather than cut
    links = {a["href"] for a in table_cells.select("a.zt-url")}
    cited = dataset.sources[dataset.sources["source_id"].isin(used)]
    # the address read and, where the text read is a copy, the original on the issuer's site
    assert links == set(cited["url"].dropna()) | set(cited["original_url"].dropna())
    assert "https://tjj.zj.gov.cn/col/col1229129205/art/2026/art_724c5ad52b8c4ac89def939cb9dee18c.html" in links


def test_latest_figures_carry_their_quote_and_source(built_reports):
    import analysis
    from analysis.method.progress import progress_table
    from analysis.present.narrative import pick

    dataset = analysis.load()
    row = pick(progress_table(dataset, as_of=2025), "per_capita_disposable_income")
    obs = dataset.observations
    quote = obs.loc[(obs["indicator_id"] == "per_capita_disposable_income") & (obs["geography"] == "Zhejiang")
                    & (obs["year"] == row["latest_year"]) & obs["current"], "quote"].item()
    page = soup(built_reports, "01-income-gap")
    cells = page.select("td[data-label='Latest figure']")
    assert cells and all(c.get_text(strip=True) == "n/a" or c.select_one("details.zt-src blockquote") for c in cells)
    target = [c for c in cells if quote in c.get_text()]
    assert target, quote  # the verbatim quote behind the achieved figure, one click away
    assert target[0].select_one("details.zt-src") and "published" in target[0].get_text() or "not recorded" in target[0].get_text()
    for cell in page.select("td[data-label='Target']"):
        assert cell.select_one("details.zt-src blockquote"), cell


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_report_links_the_verdict_guide(built_reports, name):
    assert soup(built_reports, name).select("a[href='index.html#how-to-read']")


def test_index_defines_every_status_with_its_thresholds(built_reports):
    from analysis.method.progress import STATUS_LABELS

    page = soup(built_reports, "index")
    guide = page.find(id="how-to-read")
    assert guide is not None
    text = guide.get_text(" ")
    for label in STATUS_LABELS.values():
        assert label in text
    assert "R ≥ 0.95" in text and "0.6 ≤ R < 0.95" in text and "R < 0.0" in text
    heads = [th.get_text(" ", strip=True) for th in page.select("table.scorecard th")]
    assert heads[0] == "Theme" and heads[-1] == "Total"
    themes = [tr.select_one("td").get_text(strip=True) for tr in page.select("table.scorecard tbody tr")]
    assert "Income gap" in themes and themes[-1] == "All themes"


def test_index_counts_the_figures_known_in_its_year():
    import analysis
    from analysis.present import index

    dataset = analysis.load()
    obs = dataset.observations
    for year in (2020, 2023):
        html, _ = index.render(dataset, [], {}, as_of=year)
        known = obs[obs["status"].isin(["reported", "preliminary", "revised"]) & obs["current"] & (obs["year"] <= year)]
        assert f"checked against\n{len(known):,} achieved figures for the years up to {year}" in html


def _index_page(lang, **kwargs):
    import analysis
    from analysis.data import i18n
    from analysis.present import index

    dataset = analysis.load()
    links = [{"id": "urban_rural_income_ratio", "name": "Urban-rural income ratio", "name_zh": "城乡居民收入倍差",
              "theme": "income_gap", "file": "indicators/urban_rural_income_ratio.html", "error": ""}]
    with i18n.language(lang):
        html, _statuses = index.render(dataset, [], {}, as_of=2025, indicator_pages=links, **kwargs)
    return BeautifulSoup(html, "html.parser")


def test_index_in_chinese_heading_and_status_definitions():
    page = _index_page("zh-Hans")
    assert page.html["lang"] == "zh-Hans"
    assert page.h1.string == page.title.string == "浙江共同富裕：目标与实际"
    guide = page.find("section", id="how-to-read")
    assert guide.h2.string == "评估结论说明"
    definitions = {dt.get_text(): dd.get_text() for dt, dd in zip(guide.find_all("dt"), guide.find_all("dd"))}
    assert len(definitions) == 9
    assert definitions["基本符合预期"] == "R ≥ 0.95：按实际进度可按期实现目标。"
    assert definitions["需加快进度"] == "0.6 ≤ R < 0.95：方向正确，但进度偏慢，难以按期实现。"
    assert definitions["如期实现"] == "目标年份已过，且该年数据达到目标。"
    # the Chinese name first, the English after it
    item = page.find("details", id="indicator-pages").li
    assert item.a.string == "城乡居民收入倍差" and item.span["lang"] == "en"
    assert page.find("h2", id="verdict").string == "2025年目标的评估结论（截至2025年）"


def test_index_in_english_unchanged():
    page = _index_page("en")
    assert page.html["lang"] == "en"
    assert page.h1.string == page.title.string == "Zhejiang Common Prosperity: pledges against results"
    guide = page.find("section", id="how-to-read")
    assert guide.h2.string == "How to read the verdicts"
    definitions = {dt.get_text(): dd.get_text() for dt, dd in zip(guide.find_all("dt"), guide.find_all("dd"))}
    assert definitions["on track"] == "R ≥ 0.95: at the observed pace the target is reached on time."
    assert definitions["met"] == "the target year has passed and the figure for that year meets the target."
    item = page.find("details", id="indicator-pages").li
    assert item.a.string == "Urban-rural income ratio" and item.span["lang"] == "zh"
    assert page.find("h2", id="verdict").string == "Verdict on the 2025 pledges, as of 2025"
    # the guide is the one the tables module made before the index rendered it itself
    from analysis.present import tables

    assert str(guide) == str(BeautifulSoup(tables.verdict_guide(), "html.parser").section)


def test_numbers_and_figures_read_as_words():
    from analysis.present.tables import figure_text, number, qualifier_words

    assert number(75000.0, "yuan") == "75,000 yuan"
    assert number(11_000_000.0, "count") == "11,000,000"
    assert number(1.9, "ratio") == "1.9"
    assert number(24.5, "%") == "24.5%"
    assert figure_text(1.81, "ratio", "~", "preliminary", 2022) == "about 1.81 (2022, preliminary)"
    assert figure_text(90.0, "%", ">=", "reported") == "at least 90%"
    assert figure_text(5.5, "%", "<=", "reported", 2023) == "at most 5.5% (2023)"
    assert qualifier_words("~", "preliminary") == ("the source gives an approximate figure (about); "
                                                   "a preliminary figure, which a later release may revise")
    assert qualifier_words("=", "reported") == ""


def test_badges_use_the_chart_colours_with_readable_text():
    from analysis.method.progress import STATUS_COLORS
    from analysis.present.tables import CSS, badge_text_colour, contrast

    for status, colour in STATUS_COLORS.items():
        assert f".zt-badge.zt-{status} {{ background: {colour};" in CSS
        assert contrast(colour, badge_text_colour(colour)) >= 4.5, status  # WCAG AA for small text
    assert round(contrast("#000000", "#FFFFFF"), 1) == 21.0
    assert badge_text_colour("#56B4E9") == "#000000" and badge_text_colour("#7A0000") == "#FFFFFF"


def test_long_tables_fold_instead_of_being_cut():
    from analysis.present.tables import render

    rows = [[f"row {i}", str(i)] for i in range(30)]
    page = BeautifulSoup(render(rows, ["Name", "N"], numeric=("N",), fold_after=12).html, "html.parser")
    shown, folded = page.select("table")[0], page.select_one("details table")
    assert len(shown.select("tbody tr")) == 12 and len(folded.select("tbody tr")) == 18
    assert page.select_one("details summary").get_text() == "Show the other 18 rows (of 30)"
    assert [td.get_text() for td in page.select("td[data-label='Name']")] == [f"row {i}" for i in range(30)]
    assert not page.select("th[scope='row']") and "index" not in page.get_text()
    assert render([], ["Name"], empty="Nothing here.").html.count("Nothing here.") == 1
    hostile = render([["<script>x</script>"]], ["Name"]).html
    assert "<script>" not in hostile and "&lt;script&gt;" in hostile


def test_chart_sources_have_no_nan_and_no_year_twice():
    import analysis
    from analysis.present.plots import source_names

    dataset = analysis.load()
    src = dataset.sources
    undated = src.loc[src["published"].isna(), "source_id"].iloc[0]
    names = source_names(dataset, ["zj_gwr_2023", undated, "zj_gwr_2023"])
    assert names == sorted([
        "Report on the Work of the Government 2023 (Zhejiang)",
        src.loc[src["source_id"] == undated, "title_en"].item(),
    ], key=lambda n: n != names[0])  # each once; the 2023 report's year is in its title already
    assert not any("nan" in n or "(2023) (2023)" in n for n in names)


def test_charts_for_people():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    import analysis
    from analysis.method.progress import progress_table
    from analysis.present import plots

    plots.use_style()
    dataset = analysis.load()
    table = progress_table(dataset, as_of=2025)
    rows = table.dropna(subset=["base_value", "latest_value"])
    fig = plots.dumbbell(dataset, rows)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) == len(rows[rows["target_value"] != 0]) and len(set(labels)) == len(labels)  # distinct
    assert not any("..." in s or "…" in s for s in labels)  # wrapped, not cut
    assert ax.get_xlim()[1] <= 210  # the crowd near 100% is visible
    assert "pledges" in plots.alt_text(fig) and "%" in plots.alt_text(fig)
    plt.close(fig)
    # a share's prediction band stays within 0-100%
    share = table[(table["unit"] == "%") & (table["n_obs"] >= 3) & (table["geography"] == "Zhejiang")].iloc[0]
    fig = plots.trajectory(dataset, share, 2025)
    band = fig.axes[0].collections[0].get_paths()[0].vertices[:, 1]
    upper = dataset.indicators.set_index("indicator_id").at[share["indicator_id"], "upper_bound"]
    assert band.max() <= upper
    tick = fig.axes[0].yaxis.get_major_formatter()(75000, 0)
    assert tick == "75,000%"  # separators (and the unit of a share)
    plt.close(fig)
    # a place with no figure: no empty chart, a reason instead
    fig = plots.compare_series(dataset, "gdp", ["Nowhere"], 2025)
    assert plots.empty_reason(fig) == "No chart of Gross domestic product for Nowhere: the dataset has no achieved figure up to 2025."
    plt.close(fig)


def test_charts_use_a_cjk_font_when_installed():
    import matplotlib

    from analysis.present import plots

    plots.use_style()
    font = plots.cjk_font()
    if font is None:
        if os.environ.get("ZJCP_REQUIRE_BROWSER") == "1":
            pytest.fail("no CJK font installed (apt-get install fonts-noto-cjk; .ci/run does)")
        pytest.skip("no CJK font installed (apt-get install fonts-noto-cjk)")
    assert font in matplotlib.rcParams["font.sans-serif"]


@pytest.mark.parametrize("name", NOTEBOOKS + ["index"])
def test_pages_declare_a_cjk_font_stack(built_reports, name):
    assert '"Noto Sans CJK SC"' in (built_reports / f"{name}.html").read_text(encoding="utf-8")


def test_make_lab_runs_as_root():
    if shutil.which("make") is None:
        pytest.skip("make not installed")
    out = subprocess.run(["make", "-n", "lab"], cwd=paths.ROOT, capture_output=True, text=True, check=True).stdout
    line = [ln for ln in out.splitlines() if "jupyter lab" in ln][0]
    assert ("--allow-root" in line) == (os.getuid() == 0), line


def test_urls_in_notes_stay_text_and_make_no_link():
    import pandas as pd

    from analysis.present.tables import provenance_details

    source = pd.Series({"title_en": "T", "issuer": "I", "published": pd.NaT, "url": "https://ok.example/s"})
    html = provenance_details("q", source, note="also at https://a.example/x?a=1&b=2. <b>bold</b>")
    assert 'href="https://a.example' not in html and "<b>" not in html
    assert "also at https://a.example/x?a=1&amp;b=2. &lt;b&gt;bold&lt;/b&gt;" in html
    assert 'href="https://ok.example/s"' in html  # the source's own URL is the one link


def test_chart_alt_text_reaches_the_img_tag_escaped():
    import nbformat

    from analysis.builder.render import to_html

    png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Title"), nbformat.v4.new_code_cell("x", outputs=[
        nbformat.v4.new_output("display_data", data={"image/png": png, "text/plain": "<Figure>"},
                               metadata={"image/png": {"alt": 'Line chart: "up" <b>40%</b>'}})])]
    img = BeautifulSoup(to_html(nb), "html.parser").find("img")
    assert img["alt"] == 'Line chart: "up" <b>40%</b>'  # the attribute holds the text, escaped in the HTML
    assert not BeautifulSoup(to_html(nb), "html.parser").find("b")


def _policy(page: BeautifulSoup) -> dict[str, list[str]]:
    """The page's Content-Security-Policy ``<meta>``, directive -> sources (one meta, in the head)."""
    metas = page.find_all("meta", attrs={"http-equiv": "Content-Security-Policy"})
    assert len(metas) == 1 and metas[0].find_parent("head") is not None
    return {d.split()[0]: d.split()[1:] for d in metas[0]["content"].split(";") if d.strip()}


def test_every_page_says_how_to_cite_it(built_reports):
    """Index, explorer, corrections, the themed reports and the indicator pages: each ends with the
    dataset's version, the commit and date of the build that wrote it, when its content last changed
    (a first build: that day), and that figures are credited to their original sources."""
    import datetime
    import json

    import analysis
    from analysis.builder import stamp

    from .test_indicator_pages import cited

    built = sorted(built_reports.glob("*.html")) + sorted((built_reports / "indicators").glob("*.html"))
    assert len(built) == len(NOTEBOOKS) + 3 + len(SAMPLE_INDICATORS)
    today = datetime.date.today().isoformat()
    commit = stamp.commit()
    for path in built:
        said = cited(path.read_text(encoding="utf-8"))
        assert said["version"] == analysis.__version__ == "0.1.0", path.name
        assert re.fullmatch(r"[0-9a-f]{7,}(-dirty)?", said["commit"]), path.name
        assert said["commit"].split("-")[0] == commit.split("-")[0], path.name  # this checkout's HEAD
        assert said["built"] == said["updated"] == today, path.name
        assert "original source named beside it" in said["text"] and "Credit that source" in said["text"], path.name
    state = json.loads((built_reports.parent / "build" / "state.json").read_text())
    assert set(state["site"]) == {"index.html", "pledges.html", "corrections.html"}
    assert all(r["updated"] == today and len(r["content_sha256"]) == 64
               for r in [*state["site"].values(), *state["notebooks"].values(), *state["pages"].values()])


def test_the_corrections_page_lists_the_register_and_the_index_links_it(built_reports):
    import analysis

    register = analysis.load().corrections
    page = soup(built_reports, "corrections")
    assert page.title.string == "Corrections to published figures"
    rows = page.select("table.zt tbody tr")
    by_field = page.select("table.zt")[0]
    assert len(rows) - len(by_field.select("tbody tr")) == len(register) == 321
    assert [h.get_text() for h in page.find_all("h2")] == [
        "What was corrected", "2026-12-01: 15 corrections", "2026-12-02: 180 corrections", "2026-12-07: 126 corrections"]
    gdp = analysis.load().indicators.set_index("indicator_id").at["gdp", "name"]
    day = page.find("h2", id="on-2026-12-01").find_next("table")
    first = [tuple(td.get_text(" ", strip=True) for td in tr.find_all("td")) for tr in day.select("tbody tr")]
    assert (f"{gdp} figure for Jiaxing, 2020, from jx_stat_communique_2021", "status", "reported",
            "revised") == next(c for c in first if "Jiaxing, 2020" in c[0])[:4]
    # a corrected row links its indicator's page where it was built, and only there
    links = {a["href"] for a in page.select("table.zt a[href]")}
    assert links == {f"indicators/{i}.html" for i in SAMPLE_INDICATORS if i != "childcare_places_per_1000"}
    assert soup(built_reports, "index").find("a", href="corrections.html")
    assert "321 corrections" in soup(built_reports, "index").find(id="corrections").get_text(" ")


def test_every_built_page_has_a_content_security_policy(built_reports):
    """Every page the build wrote forbids scripts; the explorer runs only its own script, named by
    its hash (no 'unsafe-inline'), and nothing is loaded from anywhere."""
    import base64
    import hashlib

    built = sorted(built_reports.glob("*.html")) + sorted((built_reports / "indicators").glob("*.html"))
    assert len(built) == len(NOTEBOOKS) + 3 + len(SAMPLE_INDICATORS)
    for path in built:
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        policy = _policy(page)
        assert policy["default-src"] == ["'none'"] and policy["object-src"] == ["'none'"], path.name
        assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"], path.name
        scripts = [s for s in page.find_all("script") if s.get("type") != "application/json"]
        if path.name != "pledges.html":
            assert policy["script-src"] == ["'none'"] and not scripts, path.name
            continue
        assert len(scripts) == 1 and not scripts[0].get("src")
        digest = base64.b64encode(hashlib.sha256(scripts[0].string.encode("utf-8")).digest()).decode()
        assert policy["script-src"] == [f"'sha256-{digest}'"]


# --- the index's downloads (issue 24) ------------------------------------------------------------


def test_index_links_the_data_package_and_the_verdicts(built_reports):
    links = {a["href"] for a in soup(built_reports, "index").select("#downloads ~ ul.downloads a")}
    assert links == {"downloads/datapackage.zip", "downloads/verdicts.csv"}
    assert all((built_reports / href).is_file() for href in links)
    claimed = json.loads((built_reports / ".zjcp-manifest.json").read_text())["written"]
    assert {"downloads/datapackage.zip", "downloads/verdicts.csv"} <= set(claimed)


def test_data_package_zip_validates_and_holds_the_data_files_as_they_are(built_reports, tmp_path):
    import zipfile

    from frictionless import validate

    path = built_reports / "downloads" / "datapackage.zip"
    report = validate(str(path))
    assert report.valid, report.flatten(["type", "note"])[:3]
    resources = json.loads((paths.data_dir() / "datapackage.json").read_text(encoding="utf-8"))["resources"]
    assert [t.name for t in report.tasks] == [r["name"] for r in resources]
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        assert names == ["datapackage.json"] + [r["path"] for r in resources]
        assert names[1:5] == ["sources.csv", "indicators.csv", "pledges.csv", "observations.csv"]
        for name in names:
            assert archive.read(name) == (paths.data_dir() / name).read_bytes(), name


def test_verdicts_csv_has_one_row_per_pledge_with_the_progress_tables_status(built_reports):
    import csv

    import analysis
    from analysis.method.progress import progress_table

    with (built_reports / "downloads" / "verdicts.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    dataset = analysis.load()
    table = progress_table(dataset, as_of=2025)
    assert sorted(r["pledge_id"] for r in rows) == sorted(dataset.pledges["pledge_id"])
    assert {r["pledge_id"]: r["status"] for r in rows} == dict(zip(table["pledge_id"], table["status"].astype(str)))
    assert {r["as_of"] for r in rows} == {"2025"}
    raw = {r["pledge_id"]: r for r in read_rows(paths.data_dir() / "pledges.csv")[1]}
    for row in rows:  # the pledge's own fields as in pledges.csv
        mine = raw[row["pledge_id"]]
        assert (row["geography"], row["target_year"], row["comparator"], row["quote"]) == (
            mine["geography"], mine["target_year"], mine["comparator"], mine["quote"])
        assert (row["target_value"] == "") == (mine["target_value"] == "")
        if mine["target_value"]:
            assert float(row["target_value"]) == float(mine["target_value"])
    for name in ("base_value", "latest_value", "ratio"):  # and the components as computed
        computed = dict(zip(table["pledge_id"], table[name]))
        assert all((r[name] == "") == (computed[r["pledge_id"]] != computed[r["pledge_id"]])
                   and (r[name] == "" or float(r[name]) == float(computed[r["pledge_id"]])) for r in rows), name


def test_index_downloads_are_made_again_only_when_their_inputs_change(tmp_path):
    import analysis
    from analysis.builder import package

    dataset = analysis.load()
    reports, state = tmp_path / "reports", {}
    assert package.publish(dataset, reports, tmp_path / "build", state, 2025, "inputs") == list(package.FILES)
    zipped = (reports / package.ZIP).read_bytes()
    assert package.publish(dataset, reports, tmp_path / "build", state, 2025, "inputs") == []  # up to date
    assert package.publish(dataset, reports, tmp_path / "build", state, 2024, "inputs") == list(package.FILES)
    assert ",2024," in (reports / package.VERDICTS).read_text()  # the verdicts as of the new year
    (reports / package.VERDICTS).write_text("changed by hand")
    assert package.publish(dataset, reports, tmp_path / "build", state, 2024, "inputs") == list(package.FILES)
    assert package.publish(dataset, reports, tmp_path / "build", state, 2024, "other code") == list(package.FILES)
    assert (reports / package.ZIP).read_bytes() == zipped  # the same data: the same bytes


def test_an_invalid_data_package_fails_with_one_line_and_publishes_nothing(tmp_path, data_copy):
    import analysis
    from analysis.builder import package
    from analysis.builder.store import BuildError

    dataset = analysis.load()
    text = (data_copy / "observations.csv").read_text(encoding="utf-8")
    (data_copy / "observations.csv").write_text(text.replace(",2021,", ",20x1,", 1), encoding="utf-8")
    broken = type(dataset)(*list(dataset)[:4], data_copy)
    reports = tmp_path / "reports"
    with pytest.raises(BuildError) as caught:
        package.publish(broken, reports, tmp_path / "build", {}, 2025, "inputs")
    message = str(caught.value)
    assert "\n" not in message and "observations, row" in message and "nothing was published" in message
    assert not reports.exists() or not any(reports.rglob("*"))
    assert not any(p.name.endswith(".zip") for p in (tmp_path / "build").rglob("*"))  # no leftover
