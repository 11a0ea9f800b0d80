"""The reports in a real browser (Playwright driving Debian's Chromium, served on 127.0.0.1).

Needs ``/usr/bin/chromium`` (``apt-get install chromium``; ``.ci/run`` installs it). Without it these
tests are skipped, unless ``ZJCP_REQUIRE_BROWSER=1`` (set on CI), where they fail instead.
Screenshots are saved under ``test-artifacts/screenshots/`` (full pages at 1280 and 375 px for the
index and one report) and axe-core's violation counts per page in ``test-artifacts/axe.json``.
axe-core comes from npm (``package.json``; ``make env``/``make test`` run ``npm ci`` at set-up time)
and is injected into each page by Playwright.
"""

from __future__ import annotations

import csv
import functools
import http.server
import json
import os
import re
import shutil
import threading
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from analysis.data import paths
from analysis.present.index import CONTENT_SECURITY_POLICY

from .conftest import build_reports, read_rows, shared_once, write_rows

CHROMIUM = os.environ.get("ZJCP_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = paths.ROOT / "test-artifacts" / "screenshots"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
PAGES = ["index"] + sorted(p.stem for p in paths.notebooks_dir().glob("[0-9][0-9]-*.ipynb"))
AXE = paths.ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_RESULTS = paths.ROOT / "test-artifacts" / "axe.json"
SCREENSHOT_PAGES = ["index", "01-income-gap"]
WIDTHS = (1280, 375)
HOSTILE = '<script>window.__pwned=1;alert(1)</script>"><img src=x onerror="window.__pwned=2;alert(2)">'


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("ZJCP_REQUIRE_BROWSER") == "1":
            pytest.fail(f"Chromium not found at {CHROMIUM} but ZJCP_REQUIRE_BROWSER=1")
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield instance
        instance.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(folder: Path):
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def site(built_reports):
    server = serve(built_reports)
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def open_page(browser, url, width=1280, height=900, bypass_csp=False):
    page = browser.new_page(viewport={"width": width, "height": height}, bypass_csp=bypass_csp)
    problems = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
    response = page.goto(url, wait_until="load")
    assert response is not None and response.status == 200, url
    return page, problems


@pytest.mark.parametrize("name", PAGES)
def test_page_loads_clean_with_images_and_working_contents(browser, site, name):
    page, problems = open_page(browser, f"{site}/{name}.html")
    try:
        images = page.evaluate("Array.from(document.images).map(i => [i.complete, i.naturalWidth])")
        assert all(done and width > 0 for done, width in images), images
        if name != "index":
            assert images, "a report without a chart"
            anchors = page.evaluate("Array.from(document.querySelectorAll('nav.toc a')).map(a => a.getAttribute('href'))")
            assert len(anchors) >= 4
            for href in anchors:
                assert page.evaluate("id => document.getElementById(id) !== null", href[1:]), href
            page.click(f"nav.toc a[href='{anchors[-1]}']")
            assert page.evaluate("() => window.scrollY") > 0
        else:
            for href in page.evaluate("Array.from(document.querySelectorAll('a[href$=\".html\"]')).map(a => a.href)"):
                assert page.request.get(href).status == 200, href
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}-desktop.png"), full_page=False)
        assert problems == []
    finally:
        page.close()


@pytest.mark.parametrize("name", PAGES)
def test_page_is_usable_at_phone_width(browser, site, name):
    page, problems = open_page(browser, f"{site}/{name}.html", width=375, height=812)
    try:
        widths = page.evaluate("[document.documentElement.scrollWidth, document.body.scrollWidth, window.innerWidth]")
        assert max(widths[:2]) <= widths[2] + 1, widths  # no horizontal scrolling of the body
        page.screenshot(path=str(ARTIFACTS / f"{name}-phone.png"), full_page=False)
        assert problems == []
    finally:
        page.close()


# --- reports for people (issue 14) --------------------------------------------------------------

OPEN_DETAILS = "() => document.querySelectorAll('details').forEach(d => { d.open = true; })"

OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth, out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.right > width + 1 || r.left < -1) {
      out.push(`${el.tagName.toLowerCase()}.${String(el.className).trim().replace(/\\s+/g, '.')} ${Math.round(r.left)}..${Math.round(r.right)}`);
    }
  }
  return out;
}"""


@pytest.fixture(scope="module")
def axe_source():
    if not AXE.exists():
        if os.environ.get("ZJCP_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{AXE} missing but ZJCP_REQUIRE_BROWSER=1: run make env (npm ci)")
        pytest.skip(f"{AXE} missing: make env installs axe-core with npm ci")
    return AXE.read_text(encoding="utf-8")


def _record_axe(name: str, counts: dict) -> None:
    AXE_RESULTS.parent.mkdir(parents=True, exist_ok=True)
    results = json.loads(AXE_RESULTS.read_text()) if AXE_RESULTS.exists() else {}
    results[name] = counts
    AXE_RESULTS.write_text(json.dumps(results, indent=1, sort_keys=True))


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_serious_or_critical_violation(browser, site, axe_source, name, width):
    page, problems = open_page(browser, f"{site}/{name}.html", width=width, bypass_csp=True)
    try:
        page.evaluate(OPEN_DETAILS)  # the folded quotes and rows are checked too
        page.add_script_tag(content=axe_source)
        violations = page.evaluate("""async () => {
          const result = await axe.run(document, {resultTypes: ['violations']});
          return result.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length,
                                              where: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
        }""")
        counts = {}
        for v in violations:
            counts[v["impact"]] = counts.get(v["impact"], 0) + v["nodes"]
        _record_axe(f"{name}@{width}", {"violations": counts, "rules": [v["id"] for v in violations]})
        serious = [v for v in violations if v["impact"] in ("serious", "critical")]
        assert serious == [], serious
    finally:
        page.close()


@pytest.mark.parametrize("name", PAGES)
def test_no_element_overflows_at_phone_width(browser, site, name):
    page, problems = open_page(browser, f"{site}/{name}.html", width=375, height=812)
    try:
        assert page.evaluate(OVERFLOWING) == []
        page.evaluate(OPEN_DETAILS)  # opened quotes and folded rows fit too
        assert page.evaluate(OVERFLOWING) == []
        assert problems == []
    finally:
        page.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", SCREENSHOT_PAGES)
def test_full_page_screenshots_for_a_reader(browser, site, name, width):
    page, problems = open_page(browser, f"{site}/{name}.html", width=width, height=900)
    try:
        text = page.inner_text("body")
        assert "(nan)" not in text and "No description has been provided" not in text
        alts = page.evaluate("Array.from(document.images).map(i => i.alt)")
        assert all(alt and not alt.startswith("No description") for alt in alts), alts
        links = page.evaluate("Array.from(document.querySelectorAll('a.zt-url')).map(a => a.href)")
        assert all(href.startswith(("http://", "https://")) for href in links), links
        if name != "index":
            assert links, "a report without a source link"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}-full.png"), full_page=True)
        assert problems == []
    finally:
        page.close()


# --- hostile text -----------------------------------------------------------------------------


#: Markdown that would make a link (``javascript:``), emphasis, an autolink and a remote image if the
#: dataset's text were read as Markdown.
MARKDOWN = "[y](javascript:window.__pwned=5) **bold** _it_ <https://evil.example/x> ![i](https://evil.example/i.png)"


def hostile_copy(folder: Path) -> Path:
    """The shipped data with HTML and script, and Markdown, in every indicator name, source title and
    note, and HTML in every quote that has room for it. One copy, built once, serves both tests."""
    data = folder / "data"
    shutil.copytree(paths.data_dir(), data)
    payload = f"{HOSTILE} {MARKDOWN}"
    header, rows = read_rows(data / "indicators.csv")
    write_rows(data / "indicators.csv", header, [dict(r, name=r["name"] + " " + payload) for r in rows])
    header, rows = read_rows(data / "sources.csv")
    write_rows(data / "sources.csv", header, [dict(r, title_en=r["title_en"] + " " + payload) for r in rows])
    for table in ("pledges", "observations"):
        header, rows = read_rows(data / f"{table}.csv")
        for r in rows:
            r["note"] = payload
            if len(r["quote"]) + len(HOSTILE) <= 240:
                r["quote"] = r["quote"] + " " + HOSTILE
        write_rows(data / f"{table}.csv", header, rows)
    header, rows = read_rows(data / "corrections.csv")  # the register's own text, on the pages that list it
    write_rows(data / "corrections.csv", header, [dict(r, reason=f"{r['reason']} {payload}",
                                                       evidence=f"{r['evidence']}; {payload}") for r in rows])
    return data


def _build_hostile(folder: Path) -> None:
    """The main job on a copy of the data whose every text carries HTML and Markdown."""
    env = {"ZJCP_DATA_DIR": str(hostile_copy(folder)),
           # the quotes carry HTML the documents do not: the build must not check them against the documents
           "ZJCP_SEEDS_DIR": str(folder / "no-seed-documents")}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        build_reports(folder)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    reports = shared_once(tmp_path_factory, "hostile", _build_hostile) / "reports"
    server = serve(reports)
    yield f"http://127.0.0.1:{server.server_address[1]}", reports
    server.shutdown()


def test_hostile_copy_is_valid_data(tmp_path):
    import analysis

    dataset = analysis.load(hostile_copy(tmp_path))
    assert dataset.indicators["name"].str.contains("<script>", regex=False).all()
    assert dataset.corrections["reason"].str.contains("<script>", regex=False).all()


@pytest.mark.parametrize("name", PAGES)
def test_hostile_text_is_inert(browser, hostile_site, name):
    url, reports = hostile_site
    html = (reports / f"{name}.html").read_text(encoding="utf-8")
    assert "<script>window.__pwned" not in html and "<img src=x" not in html
    page, problems = open_page(browser, f"{url}/{name}.html")
    try:
        assert page.evaluate("() => window.__pwned === undefined")
        assert not [p for p in problems if p.startswith("dialog")], problems
        assert "<script>window.__pwned=1;alert(1)</script>" in page.inner_text("body")  # shown as text
    finally:
        page.close()


@pytest.mark.parametrize("name", ["01-income-gap", "index"])
def test_markdown_in_the_data_makes_no_link_and_no_formatting(browser, hostile_site, name):
    url, _ = hostile_site
    page, problems = open_page(browser, f"{url}/{name}.html")
    _, sources = read_rows(paths.data_dir() / "sources.csv")
    # links come only from sources.url and sources.original_url
    made_by_code = {s[k] for s in sources for k in ("url", "original_url") if s.get(k)}
    try:
        hrefs = page.evaluate("Array.from(document.querySelectorAll('a')).map(a => a.getAttribute('href'))")
        local = [h for h in hrefs if h.startswith("#") or (":" not in h and h.split("#")[0].endswith(
            (".html", ".zip", ".csv", ".json", ".svg", ".png")))]  # a page, or a download beside it
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
def test_content_security_policy_blocks_script(browser, hostile_site, tmp_path, name):
    _, reports = hostile_site
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


def test_hostile_csv_round_trip_keeps_the_text(tmp_path):
    data = hostile_copy(tmp_path)
    with (data / "indicators.csv").open(encoding="utf-8", newline="") as fh:
        assert HOSTILE in next(csv.DictReader(fh))["name"]


# --- the pledge explorer and the indicator pages ------------------------------------------------

from .conftest import SAMPLE_INDICATORS  # noqa: E402

NEW_PAGES = ["pledges", "corrections"] + [f"indicators/{i}" for i in SAMPLE_INDICATORS]


def _links(page) -> list[str]:
    return page.evaluate("Array.from(document.querySelectorAll('a[href]')).map(a => a.href)"
                         ".filter(h => h.startsWith(location.origin) && h.split('#')[0].endsWith('.html'))")


@pytest.mark.parametrize("name", NEW_PAGES)
def test_new_page_loads_clean_and_its_links_resolve(browser, site, name):
    page, problems = open_page(browser, f"{site}/{name}.html")
    try:
        if name == "pledges":
            page.wait_for_selector("#rows tr")
        images = page.evaluate("Array.from(document.images).map(i => [i.complete, i.naturalWidth])")
        assert all(done and width > 0 for done, width in images), images
        links = _links(page)
        assert links, "a page without links back"
        for href in sorted(set(h.split("#")[0] for h in links)):
            assert page.request.get(href).status == 200, href
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name.replace('/', '-')}-desktop.png"), full_page=False)
        assert problems == []
    finally:
        page.close()


@pytest.mark.parametrize("name", NEW_PAGES)
def test_new_page_is_usable_at_phone_width(browser, site, name):
    page, problems = open_page(browser, f"{site}/{name}.html", width=375, height=812)
    try:
        if name == "pledges":
            page.wait_for_selector("#rows tr")
        widths = page.evaluate("[document.documentElement.scrollWidth, document.body.scrollWidth, window.innerWidth]")
        assert max(widths[:2]) <= widths[2] + 1, widths
        if name.startswith("indicators/"):
            # every table's rows are cards, every cell labelled and in view: wide tables scrolled sideways
            # inside a narrow box, and a long quote in a far column made rows a screen high, blank in
            # view (the sources table, drawn by another renderer, was left out of the cards)
            cells = page.evaluate("Array.from(document.querySelectorAll('main table td'))"
                                  ".filter(td => td.textContent !== '').map(td => ["
                                  "getComputedStyle(td).display, td.dataset.label || '', "
                                  "td.getBoundingClientRect().right])")
            bad = [c for c in cells if not (c[0] == "block" and c[1] and c[2] <= widths[2] + 1)]
            assert cells and not bad, bad[:5]
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name.replace('/', '-')}-phone.png"), full_page=False)
        assert problems == []
    finally:
        page.close()


def test_every_pledge_is_two_clicks_from_the_index(browser, site):
    page, problems = open_page(browser, f"{site}/index.html")
    try:
        page.click("a[href='pledges.html']")
        page.wait_for_selector("#rows tr")
        count = page.evaluate("document.querySelectorAll('#rows tr').length")
        assert count == len(read_rows(paths.data_dir() / "pledges.csv")[1])
        page.fill("#q", "CPPLAN21-007")
        page.click("#rows a")
        assert page.url.endswith("/indicators/urban_rural_income_ratio.html")
        assert "CPPLAN21-007" in page.inner_text("body")
        assert problems == []
    finally:
        page.close()


def test_each_verdict_count_on_the_index_lists_those_pledges_in_the_explorer(browser, site):
    page, problems = open_page(browser, f"{site}/index.html")
    try:
        links = page.evaluate("Array.from(document.querySelectorAll('ul.verdict a')).map(a => [a.getAttribute('href'), +a.querySelector('.count').textContent])")
        assert links and sum(n for _, n in links) > 0
        for href, n in links:
            page.goto(f"{site}/index.html")
            page.click(f"ul.verdict a[href='{href}']")
            page.wait_for_selector("#count")
            status = href.rsplit("status=", 1)[1]
            rows = page.evaluate("Array.from(document.querySelectorAll('#rows tr')).map(r => "
                                 "[r.querySelector('td[data-label=Year]').textContent, r.querySelector('.status').textContent])")
            label = page.evaluate(f"JSON.parse(document.getElementById('pledge-meta').textContent).labels['{status}']")
            assert len(rows) == n and {tuple(r) for r in rows} == {("2025", label)}, (href, n, len(rows))
        assert problems == []
    finally:
        page.close()


def test_explorer_filters_searches_sorts_and_keeps_state_in_the_url(browser, site):
    page, problems = open_page(browser, f"{site}/pledges.html")
    try:
        page.wait_for_selector("#rows tr")
        total = page.evaluate("document.querySelectorAll('#rows tr').length")
        page.fill("#q", "城乡居民收入倍差")  # the Chinese name finds its pledges
        found = page.evaluate("Array.from(document.querySelectorAll('#rows tr')).map(r => r.dataset.pledge)")
        assert "CPPLAN21-007" in found and "ZJGWR23-005" in found and len(found) < total
        assert "q=" in page.url
        page.fill("#q", "")
        page.select_option("#f-place", "Jiaxing")
        page.select_option("#f-year", "2026")
        places = page.evaluate("Array.from(document.querySelectorAll('#rows td[data-label=Place]')).map(t => t.textContent)")
        years = page.evaluate("Array.from(document.querySelectorAll('#rows td[data-label=Year]')).map(t => t.textContent)")
        assert places and set(places) == {"Jiaxing"} and set(years) == {"2026"}
        shown = page.inner_text("#count")
        # the filtered view can be shared: a fresh page on the same address shows the same rows
        other, more = open_page(browser, page.url)
        try:
            assert other.inner_text("#count") == shown
            assert other.evaluate("document.getElementById('f-place').value") == "Jiaxing"
            assert more == []
        finally:
            other.close()
        page.click("#clear")
        page.click("th[data-key=year] button")
        page.click("th[data-key=year] button")  # descending
        years = page.evaluate("Array.from(document.querySelectorAll('#rows td[data-label=Year]')).map(t => +t.textContent)")
        assert len(years) == total and years == sorted(years, reverse=True)
        page.select_option("#f-status", "insufficient_data")
        statuses = page.evaluate("Array.from(document.querySelectorAll('#rows .status')).map(s => s.textContent)")
        assert statuses and set(statuses) == {"insufficient data"}
        # themes by their names, as on the index ("ecology energy" was shown before)
        page.select_option("#f-theme", "ecology_energy")
        themes = page.evaluate("Array.from(document.querySelectorAll('#rows td[data-label=Theme]')).map(t => t.textContent)")
        assert themes and set(themes) == {"Ecology and energy"}
        assert "Ecology and energy" in page.inner_text("#f-theme")
        assert problems == []
    finally:
        page.close()


@pytest.mark.parametrize("width", (1280, 1024, 375))
def test_explorer_breaks_no_id_or_year_and_scrolls_nothing_out_of_sight(browser, site, width):
    page, problems = open_page(browser, f"{site}/pledges.html", width=width)
    try:
        page.wait_for_selector("#rows tr")
        # an id or a year on one line: its cell's text is no taller than one line of it
        broken = page.evaluate("""() => Array.from(document.querySelectorAll(
              '#rows td[data-label=Pledge], #rows td[data-label=Year]')).filter(td => {
            const range = document.createRange(); range.selectNodeContents(td);
            return range.getClientRects().length > 1; }).map(td => td.textContent)""")
        assert broken == []
        # nothing hidden beyond the page's edge, nor beyond the table's own block
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
        if width >= 1024:
            assert page.evaluate("(() => { const w = document.querySelector('.wrap'); "
                                 "return w.scrollWidth <= w.clientWidth; })()")
        assert problems == []
    finally:
        page.close()


def test_explorer_works_from_a_file_offline(browser, built_reports):
    context = browser.new_context(offline=True)
    page = context.new_page()
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    try:
        page.goto((built_reports / "pledges.html").as_uri() + "#place=Jiaxing")
        page.wait_for_selector("#rows tr")
        places = page.evaluate("Array.from(document.querySelectorAll('#rows td[data-label=Place]')).map(t => t.textContent)")
        assert places and set(places) == {"Jiaxing"}
        assert problems == []
    finally:
        context.close()


def test_reports_link_the_indicators_they_mention(browser, site, built_reports):
    linked = set()
    for name in PAGES[1:]:
        html = (built_reports / f"{name}.html").read_text(encoding="utf-8")
        linked |= set(re.findall(r'href="(indicators/[a-z0-9_]+\.html)"', html))
    assert "indicators/urban_rural_income_ratio.html" in linked
    page, problems = open_page(browser, f"{site}/index.html")
    try:
        for href in sorted(linked):
            assert page.request.get(f"{site}/{href}").status == 200, href
    finally:
        page.close()


@pytest.mark.parametrize("name", NEW_PAGES)
def test_hostile_text_is_inert_on_new_pages(browser, hostile_site, name):
    url, reports = hostile_site
    html = (reports / f"{name}.html").read_text(encoding="utf-8")
    assert "<script>window.__pwned" not in html and "<img src=x" not in html
    page, problems = open_page(browser, f"{url}/{name}.html")
    try:
        if name == "pledges":
            page.wait_for_selector("#rows tr")
        assert page.evaluate("() => window.__pwned === undefined")
        assert not [p for p in problems if p.startswith("dialog")], problems
        assert "<script>window.__pwned=1;alert(1)</script>" in page.inner_text("body")
    finally:
        page.close()


# --- downloads and readability at every width (issue 24) ---------------------------------------


def test_explorer_downloads_the_rows_shown_as_csv_under_its_policy(browser, site):
    """The button's CSV is made by the page's own script (a Blob) and downloads with the page's
    Content-Security-Policy in force: the rows shown after the filters, with the dataset's values."""
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    try:
        page.goto(f"{site}/pledges.html#place=Jiaxing&year=2026")
        page.wait_for_selector("#rows tr")
        assert "script-src 'sha256-" in page.evaluate(
            "document.querySelector('meta[http-equiv=Content-Security-Policy]').content")
        shown = page.evaluate("Array.from(document.querySelectorAll('#rows tr')).map(r => r.dataset.pledge)")
        assert page.inner_text("#download") == f"Download these {len(shown)} pledges (CSV)"
        with page.expect_download() as caught:
            page.click("#download")
        download = caught.value
        assert download.suggested_filename == "pledges.csv" and download.failure() is None
        with open(download.path(), encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        assert [r["pledge_id"] for r in rows] == shown  # the rows shown, in their order
        raw = {r["pledge_id"]: r for r in read_rows(paths.data_dir() / "pledges.csv")[1]}
        for row in rows:
            mine = raw[row["pledge_id"]]
            assert (row["geography"], row["target_year"]) == ("Jiaxing", "2026")
            assert (row["indicator_id"], row["comparator"], row["quote"]) == (
                mine["indicator_id"], mine["comparator"], mine["quote"])
            assert (row["target_value"] == "") == (mine["target_value"] == "")
            if mine["target_value"]:
                assert float(row["target_value"]) == float(mine["target_value"])
        assert problems == []
    finally:
        context.close()


#: Every word of a cell on one line, inside its cell: no column narrower than its longest word, no
#: number or year broken. A word may end at a hyphen or a dash ("High-|Quality", "2021-|2025": where a browser
#: breaks a line, never inside a number); Chinese runs wrap between characters by design. A pledge's id
#: ("CPPLAN21-007") is one word, hyphen and all: the test above keeps it on one line.
_WORDS_BROKEN = """() => {
  const bad = [];
  for (const td of document.querySelectorAll('#rows td:not([data-label=Pledge])')) {
    const box = td.getBoundingClientRect();
    const walker = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.data.matchAll(/[^\\s\\u2e80-\\u9fff\\uf900-\\ufaff\\uff00-\\uffef\\u3000-\\u303f\\u2013\\u2014-]+[-\\u2013\\u2014]?/g)) {
        const range = document.createRange();
        range.setStart(node, m.index); range.setEnd(node, m.index + m[0].length);
        const rects = Array.from(range.getClientRects()).filter(r => r.width > 0);
        if (rects.length > 1 || rects.some(r => r.left < box.left - 1 || r.right > box.right + 1))
          bad.push([td.dataset.label, m[0]]);
      }
    }
  }
  return bad;
}"""


@pytest.mark.parametrize("width", (1280, 1024, 375))
def test_explorer_breaks_no_word_and_no_column_is_narrower_than_its_longest_word(browser, site, width):
    page, problems = open_page(browser, f"{site}/pledges.html", width=width)
    try:
        page.wait_for_selector("#rows tr")
        assert page.evaluate("document.querySelectorAll('#rows tr').length") == len(
            read_rows(paths.data_dir() / "pledges.csv")[1])
        bad = page.evaluate(_WORDS_BROKEN)
        assert bad == [], bad[:10]
        assert problems == []
    finally:
        page.close()


#: The rendered size of every text of the charts shown: its font size times the chart's scale.
_CHART_TEXT = """() => Array.from(document.querySelectorAll('svg.indicator-chart'))
  .filter(svg => getComputedStyle(svg).display !== 'none')
  .map(svg => ({cls: svg.getAttribute('class'), width: svg.getBoundingClientRect().width,
                smallest: Math.min(...Array.from(svg.querySelectorAll('text')).map(t =>
                  parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a)),
                outside: Array.from(svg.querySelectorAll('text')).filter(t => {
                  const r = t.getBoundingClientRect(), s = svg.getBoundingClientRect();
                  return r.left < s.left - 1 || r.right > s.right + 1; }).map(t => t.textContent)}))"""


@pytest.mark.parametrize("width", (1280, 375, 320))
@pytest.mark.parametrize("indicator", SAMPLE_INDICATORS)
def test_indicator_charts_keep_their_text_at_10_px_or_more(browser, site, indicator, width):
    page, problems = open_page(browser, f"{site}/indicators/{indicator}.html", width=width, height=900)
    try:
        charts = page.evaluate(_CHART_TEXT)
        assert len(charts) == 1, charts  # one drawing of the chart shown: the wide one or the phone one
        chart = charts[0]
        assert ("chart-narrow" in chart["cls"]) == (width < 760)
        assert chart["smallest"] >= 10, chart
        assert chart["outside"] == [], chart  # no label cut at the chart's edge
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
        if indicator == "gdp":
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"indicator-gdp-{width}.png"), full_page=True)
        assert problems == []
    finally:
        page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_explorer_full_page_screenshots(browser, site, width):
    page, problems = open_page(browser, f"{site}/pledges.html#place=Jiaxing", width=width)
    try:
        page.wait_for_selector("#rows tr")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"pledges-{width}.png"), full_page=True)
        assert problems == []
    finally:
        page.close()


def test_indicator_page_downloads_resolve_offline_from_the_folder(browser, built_reports):
    """The Downloads section's links are relative: from the folder opened as files, offline, each one
    is there (and the chart's SVG opens as an image)."""
    context = browser.new_context(offline=True)
    page = context.new_page()
    try:
        page.goto((built_reports / "indicators" / "gdp.html").as_uri())
        hrefs = page.evaluate("Array.from(document.querySelectorAll('#Downloads ~ ul a'))"
                              ".map(a => a.href)")
        assert len(hrefs) == 6 and all(h.startswith("file://") for h in hrefs)
        for href in hrefs:
            from urllib.parse import unquote, urlparse

            assert Path(unquote(urlparse(href).path)).is_file(), href
        svg = next(h for h in hrefs if h.endswith(".svg"))
        page.goto(svg)
        assert page.evaluate("document.documentElement.tagName") == "svg"
    finally:
        context.close()


def test_chinese_explorer_shows_chinese_names_filters_and_finds_by_name_zh(browser, tmp_path):
    """The Chinese edition's explorer (rendered here, no build): its headers, labels and counts in
    Chinese from the page's config, each pledge named by name_zh, the search finding a Chinese name."""
    import analysis
    from analysis.data import i18n
    from analysis.method.progress import progress_table
    from analysis.present import explorer

    dataset = analysis.load()
    with i18n.language("zh-Hans"):
        html = explorer.render(dataset, progress_table(dataset, as_of=2025), {"urban_rural_income_ratio"})
    (tmp_path / "pledges.html").write_text(html, encoding="utf-8")
    context = browser.new_context(offline=True)
    page = context.new_page()
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    try:
        page.goto((tmp_path / "pledges.html").as_uri() + "#place=Jiaxing&q=" + "城乡居民收入倍差")
        page.wait_for_selector("#rows tr")
        heads = page.evaluate("Array.from(document.querySelectorAll('#head th')).map(t => t.textContent)")
        assert heads == ["目标任务", "指标", "地区", "主题", "目标值", "年份", "评估结论", "最新数据", "来源"]
        places = page.evaluate("Array.from(document.querySelectorAll('#rows td[data-label=地区]')).map(t => t.textContent)")
        assert places and set(places) == {"嘉兴"}
        names = page.evaluate("Array.from(document.querySelectorAll('#rows td[data-label=指标] a, "
                              "#rows td[data-label=指标] > span:first-child')).map(t => t.textContent)")
        assert names and set(names) == {"城乡居民收入倍差"}
        assert page.text_content("#count") == f"显示{len(places)}项，共{len(dataset.pledges)}项目标"
        assert page.text_content("#download") == f"下载所列{len(places)}项目标（CSV）"
        assert page.evaluate("document.querySelector('#f-place option[value=Jiaxing]').textContent") == "嘉兴"
        assert problems == []
    finally:
        context.close()
