# ruff: noqa: F811 - the browser fixtures are the English tests', imported by name
"""The Chinese edition (``reports/zh-Hans/``) checked like the English one: in a real browser (no
console error, no horizontal scroll at 375 px, axe-core, its twin links resolving, charts with CJK
glyphs), and read as text: no English word of the catalog outside quotes, proper names and the
dataset's own text."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup

from analysis.data import i18n, paths

from .conftest import SAMPLE_INDICATORS
from .test_browser import OPEN_DETAILS, OVERFLOWING, _record_axe, axe_source, browser, open_page, site  # noqa: F401

REPORTS = ["index", "pledges", "corrections"] + sorted(p.stem for p in paths.notebooks_dir().glob("[0-9][0-9]-*.ipynb"))
PAGES = REPORTS + [f"indicators/{i}" for i in SAMPLE_INDICATORS]
SCREENSHOTS = ["index", "pledges", "00-overview", "indicators/gdp", "indicators/urban_rural_income_ratio"]
ARTIFACTS = paths.ROOT / "test-artifacts" / "screenshots"

#: Names of things, not words of the interface: shown as they are in both editions.
PROPER = {"open", "sdg", "readme", "csv", "json", "svg", "png", "zip", "eurostat", "pandas", "jupyterlab", "github",
          "frictionless", "papermill", "python", "statistics", "canada", "html", "dataframe", "javascript"}


@pytest.mark.parametrize("name", PAGES)
def test_chinese_page_loads_clean_and_links_to_its_english_twin(browser, site, name):
    page, problems = open_page(browser, f"{site}/zh-Hans/{name}.html")
    try:
        assert page.evaluate("document.documentElement.lang") == "zh-Hans"
        alternates = page.evaluate("Object.fromEntries(Array.from(document.querySelectorAll('link[rel=alternate]'))"
                                   ".map(l => [l.hreflang, l.href]))")
        assert alternates["zh-Hans"] == f"{site}/zh-Hans/{name}.html"
        assert alternates["en"] == f"{site}/{name}.html"
        twin = page.evaluate("document.querySelector('a.zt-edition[hreflang=en]').href")
        assert twin == alternates["en"] and page.request.get(twin).status == 200
        images = page.evaluate("Array.from(document.images).map(i => [i.complete, i.naturalWidth])")
        assert all(done and width > 0 for done, width in images), images
        assert problems == []
    finally:
        page.close()


@pytest.mark.parametrize("name", PAGES)
def test_chinese_page_does_not_scroll_sideways_at_phone_width(browser, site, name):
    page, problems = open_page(browser, f"{site}/zh-Hans/{name}.html", width=375, height=812)
    try:
        widths = page.evaluate("[document.documentElement.scrollWidth, document.body.scrollWidth, window.innerWidth]")
        assert max(widths[:2]) <= widths[2] + 1, (widths, page.evaluate(OVERFLOWING))
        assert problems == []
    finally:
        page.close()


@pytest.mark.parametrize("width", (1280, 375))
@pytest.mark.parametrize("name", ["index", "pledges", "corrections", "00-overview", "01-income-gap", "indicators/gdp",
                                  "../pledges"])  # and the English explorer (its status colours, its main landmark)
def test_axe_finds_no_serious_or_critical_violation_in_chinese(browser, site, axe_source, name, width):  # noqa: F811
    page, _problems = open_page(browser, f"{site}/zh-Hans/{name}.html", width=width, bypass_csp=True)
    try:
        page.evaluate(OPEN_DETAILS)
        page.add_script_tag(content=axe_source)
        violations = page.evaluate("""async () => {
          const result = await axe.run(document, {resultTypes: ['violations']});
          return result.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length}));
        }""")
        _record_axe(f"zh-Hans/{name}@{width}", {"rules": [v["id"] for v in violations]})
        assert [v for v in violations if v["impact"] in ("serious", "critical")] == []
    finally:
        page.close()


@pytest.mark.parametrize("width", (1280, 375))
@pytest.mark.parametrize("name", SCREENSHOTS)
def test_chinese_screenshots_for_a_reader(browser, site, name, width):
    page, problems = open_page(browser, f"{site}/zh-Hans/{name}.html", width=width, height=900)
    try:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"zh-Hans-{name.replace('/', '-')}-{width}.png"), full_page=True)
        assert problems == []
    finally:
        page.close()


def _catalog_words() -> set[str]:
    """Every English word (three letters or more) of the catalog's messages."""
    with i18n.catalog_path("zh-Hans").open("rb") as fh:
        catalog = read_po(fh)
    words = set()
    for message in catalog:
        for text in [message.id] if isinstance(message.id, str) else list(message.id):
            plain = re.sub(r"\{[^}]*\}|<[^>]+>|%\([a-z]+\)[sd]", " ", text or "")
            words |= {w.lower() for w in re.findall(r"[A-Za-z]{3,}", plain)}
    return words - PROPER


def _dataset_texts() -> list[str]:
    """Every text of the data files (names, notes, titles, quotes...): shown as written, never translated."""
    found = set()
    for path in paths.data_dir().glob("*.csv"):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        for column in frame.columns:
            found |= {re.sub(r"\s+", " ", v) for v in frame[column] if re.search(r"[A-Za-z]{3,}", v)}
    return sorted(found, key=len, reverse=True)


def test_no_english_word_of_the_catalog_on_a_chinese_page(built_reports):
    """Outside quotes (``.zt-quote``, blockquotes), text marked English (``lang="en"``), code, addresses,
    function calls, proper names (:data:`PROPER`) and the dataset's own text, a Chinese page has no
    English word the catalog translates: every generated word went through the catalog."""
    words, texts = _catalog_words(), _dataset_texts()
    leaks = {}
    for path in sorted((built_reports / "zh-Hans").rglob("*.html")):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for tag in soup(["script", "style", "code", "pre", "blockquote", "svg", "title"]):
            tag.decompose()
        for tag in soup.select('[lang^="en"], .zt-quote'):
            tag.decompose()
        text = re.sub(r"\s+", " ", soup.get_text(" "))
        for known in texts:
            text = text.replace(known, " ")
        text = re.sub(r"https?://\S+|\w+\([^)]*\)|\S+\.(html|csv|json|ipynb|cff)\b", " ", text)
        found = sorted({w for w in re.findall(r"[A-Za-z]{3,}", text) if w.lower() in words})
        if found:
            leaks[str(path.relative_to(built_reports))] = found
    assert leaks == {}, leaks


@pytest.mark.parametrize("width", (1280, 1024))
def test_chinese_explorer_keeps_places_themes_and_statuses_on_one_line(browser, site, width):
    """Chinese has no spaces: without ``word-break: keep-all`` a narrow column breaks 浙江 into 浙 / 江."""
    page, problems = open_page(browser, f"{site}/zh-Hans/pledges.html", width=width)
    try:
        broken = page.evaluate("""() => Array.from(document.querySelectorAll('td.ka')).slice(0, 300).filter(td => {
          const range = document.createRange(); range.selectNodeContents(td.firstChild || td);
          const lines = new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top)));
          return lines.size > 1;
        }).map(td => td.textContent)""")
        assert page.evaluate("document.querySelectorAll('td.ka').length") > 0
        assert broken == []
        assert problems == []
    finally:
        page.close()
