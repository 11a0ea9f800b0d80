"""The rendered reports: charts present, no error output, no code, self-contained, deterministic."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from analysis import paths

from .conftest import build_reports

NOTEBOOKS = sorted(p.stem for p in paths.notebooks_dir().glob("[0-9][0-9]-*.ipynb"))


def soup(folder, name):
    return BeautifulSoup((folder / f"{name}.html").read_text(encoding="utf-8"), "html.parser")


def test_every_notebook_has_a_report(built_reports):
    assert sorted(p.stem for p in built_reports.glob("*.html")) == sorted(NOTEBOOKS + ["index"])


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_report_has_charts_and_no_errors_or_code(built_reports, name):
    page = soup(built_reports, name)
    text = page.get_text(" ")
    images = page.find_all("img")
    assert len(images) >= 1
    assert all(img["src"].startswith("data:image/png;base64,") for img in images)  # embedded
    assert "Traceback" not in text and "Error" not in re.findall(r"\w*Error", text)
    assert not page.select(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    assert not page.select(".jp-CodeCell .jp-InputArea, .jp-CodeMirrorEditor, .highlight, pre code")  # reader mode: no code
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
    from analysis.narrative import fmt, pick
    from analysis.progress import progress_table

    row = pick(progress_table(analysis.load(), as_of=2025), "per_capita_disposable_income")
    assert f"{fmt(row['latest_value'], row['unit'])} in {int(row['latest_year'])}" in text


def test_two_builds_are_byte_identical(built_reports, tmp_path):
    again = build_reports(tmp_path)
    for name in NOTEBOOKS:
        assert (again / f"{name}.html").read_bytes() == (built_reports / f"{name}.html").read_bytes(), name

    def without_runtimes(html: str) -> str:
        return re.sub(r'<td class="num runtime">[^<]*</td>', "", html)

    first = without_runtimes((built_reports / "index.html").read_text())
    second = without_runtimes((again / "index.html").read_text())
    assert first == second
