"""Markdown in the dataset stays text in a real browser, and the pages' Content-Security-Policy is honoured.

Builds the income-gap report and the index from a copy of the data whose indicator names, source
titles and notes carry Markdown links (``javascript:``), emphasis and autolinks; needs Chromium (see
``tests/test_browser.py``, whose fixtures these tests share).
"""

from __future__ import annotations

import os
import shutil

import pytest
from bs4 import BeautifulSoup

from analysis import paths
from analysis.index import CONTENT_SECURITY_POLICY

from .conftest import build_reports, read_rows, write_rows
from .test_browser import browser, open_page, serve  # noqa: F401 - browser is a fixture

MARKDOWN = "[y](javascript:window.__pwned=5) **bold** _it_ <https://evil.example/x> ![i](https://evil.example/i.png)"


def markdown_copy(folder):
    data = folder / "data"
    shutil.copytree(paths.data_dir(), data)
    header, rows = read_rows(data / "indicators.csv")
    write_rows(data / "indicators.csv", header, [dict(r, name=f"{r['name']} {MARKDOWN}") for r in rows])
    header, rows = read_rows(data / "sources.csv")
    write_rows(data / "sources.csv", header, [dict(r, title_en=f"{r['title_en']} {MARKDOWN}") for r in rows])
    for table in ("pledges", "observations"):
        header, rows = read_rows(data / f"{table}.csv")
        write_rows(data / f"{table}.csv", header, [dict(r, note=MARKDOWN) for r in rows])
    return data


@pytest.fixture(scope="module")
def markdown_site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("markdown")
    os.environ["ZJCP_DATA_DIR"] = str(markdown_copy(folder))
    try:
        reports = build_reports(folder, "--only", "01-income-gap")
    finally:
        del os.environ["ZJCP_DATA_DIR"]
    server = serve(reports)
    yield f"http://127.0.0.1:{server.server_address[1]}", reports
    server.shutdown()


@pytest.mark.parametrize("name", ["01-income-gap", "index"])
def test_markdown_in_the_data_makes_no_link_and_no_formatting(browser, markdown_site, name):  # noqa: F811
    url, _ = markdown_site
    page, problems = open_page(browser, f"{url}/{name}.html")
    _, sources = read_rows(paths.data_dir() / "sources.csv")
    made_by_code = {s["url"] for s in sources if s["url"]}  # links come only from sources.url
    try:
        hrefs = page.evaluate("Array.from(document.querySelectorAll('a')).map(a => a.getAttribute('href'))")
        local = [h for h in hrefs if h.startswith("#") or h.split("#")[0].endswith(".html")]
        assert not [h for h in hrefs if h not in local and h not in made_by_code], hrefs
        assert not [h for h in hrefs if "evil.example" in h or h.startswith("javascript:")], hrefs
        assert page.evaluate("Array.from(document.querySelectorAll('strong, em, b, i'))"
                             ".filter(e => e.textContent === 'bold' || e.textContent === 'it').length") == 0  # what Markdown would make
        assert page.evaluate("document.querySelectorAll('img[src^=\"https\"]').length") == 0
        body = page.inner_text("body")
        if name != "index":  # the index shows no dataset notes; the report shows them as written
            assert "[y](javascript:window.__pwned=5) **bold** _it_" in body
        assert page.evaluate("() => window.__pwned === undefined")
        assert problems == []
    finally:
        page.close()


@pytest.mark.parametrize("name", ["01-income-gap", "index"])
def test_content_security_policy_blocks_script(browser, markdown_site, tmp_path, name):  # noqa: F811
    _, reports = markdown_site
    html = (reports / f"{name}.html").read_text(encoding="utf-8")
    meta = BeautifulSoup(html, "html.parser").find("meta", attrs={"http-equiv": "Content-Security-Policy"})
    assert meta is not None and meta["content"] == CONTENT_SECURITY_POLICY
    assert "<script" not in html
    # a script that found its way into the page anyway does not run
    injected = html.replace("</body>", '<script>window.__ran = 1;</script><img src="data:," onload="window.__ran = 2">'
                                       "</body>")
    (tmp_path / f"{name}.html").write_text(injected, encoding="utf-8")
    server = serve(tmp_path)
    try:
        page, problems = open_page(browser, f"http://127.0.0.1:{server.server_address[1]}/{name}.html")
        try:
            assert page.evaluate("() => window.__ran === undefined")
            assert any("Content Security Policy" in p for p in problems), problems
        finally:
            page.close()
    finally:
        server.shutdown()
