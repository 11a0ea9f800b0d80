"""The rendered reports: charts present, no error output, no code, self-contained, deterministic."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from analysis import paths

from .conftest import SAMPLE_INDICATORS, selection_args

NOTEBOOKS = sorted(p.stem for p in paths.notebooks_dir().glob("[0-9][0-9]-*.ipynb"))


def soup(folder, name):
    return BeautifulSoup((folder / f"{name}.html").read_text(encoding="utf-8"), "html.parser")


def test_every_notebook_has_a_report(built_reports):
    assert sorted(p.stem for p in built_reports.glob("*.html")) == sorted(NOTEBOOKS + ["index", "pledges"])
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


def test_caveats_count_the_pledges_without_a_verdict():
    import pandas as pd

    from analysis.narrative import caveats

    rows = pd.DataFrame({"status": pd.Categorical(["on_track", "insufficient_data", "insufficient_data"])})
    text = caveats(rows)
    assert text.startswith("- 2 of 3 pledges here have no achieved figure or only one point in time; ")
    assert text.count("\n- ") == 3  # four bullets


def test_themed_reports_state_their_caveats(built_reports):
    for name in NOTEBOOKS:
        text = soup(built_reports, name).get_text(" ")
        assert re.search(r"\d+ of \d+ pledges here have no achieved figure", text), name


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


def test_builds_in_two_fresh_clones_are_byte_identical(tmp_path):
    first = build_in(fresh_copy(tmp_path / "clone-a"))
    second = build_in(fresh_copy(tmp_path / "clone-b"))
    for name in NOTEBOOKS:
        assert (first / f"{name}.html").read_bytes() == (second / f"{name}.html").read_bytes(), name

    def without_runtimes(html: str) -> str:
        return re.sub(r'<td class="num runtime">[^<]*</td>', "", html)

    assert without_runtimes((first / "index.html").read_text()) == without_runtimes((second / "index.html").read_text())
