"""Executed notebook -> one self-contained reader's HTML page (nbconvert, in process).

Each chart's alt text, set by :func:`analysis.present.plots.show` in its output's metadata, is written into
its ``<img alt>`` (nbconvert's lab template would write "No description has been provided").

Reader mode: code cells' input and prompts are hidden (a notebook whose code is the point, the
starter notebook, declares ``"zjcp": {"show_code": true}`` and keeps its input), cells tagged
``remove-cell`` are dropped and ``remove-input``/``hide-input`` lose their input; images are embedded; a table of contents of
the ``##`` sections is inserted under the title; no script or stylesheet is loaded from the network
and no script runs at all: every ``<script>`` nbconvert writes is removed (MathJax, require.js, the
widget loader, empty ``src=""`` tags) and a Content-Security-Policy ``<meta>`` forbids script, so the
page works offline and byte-for-byte the same on every run.
"""

from __future__ import annotations

import re

import nbformat
from bs4 import BeautifulSoup
from nbconvert import HTMLExporter
from nbconvert.preprocessors import CoalesceStreamsPreprocessor, TagRemovePreprocessor

from ..data import i18n
from ..present.index import CONTENT_SECURITY_POLICY
from ..present.tables import CSS as TABLE_CSS
from ..present.tables import FONT_STACK
from . import catalog

REMOVE_CELL_TAGS = ("remove-cell", "remove_cell")
REMOVE_INPUT_TAGS = ("remove-input", "remove_input", "hide-input", "hide_input")

_EXTRA_CSS = (
    """
body { max-width: 60rem; margin: 0 auto; padding: 0 1rem; overflow-x: hidden; }
body.jp-Notebook { padding: 0 1rem 2rem !important; }
body, .jp-RenderedHTMLCommon, .jp-RenderedMarkdown, nav.toc { font-family: """ + FONT_STACK + """; }
.jp-Notebook { padding: 0 !important; }
nav.toc { border-left: 3px solid #0072B2; padding: 0.2rem 1rem; margin: 1rem 0 1.5rem; background: #F5F8FB; }
nav.toc ol { margin: 0.3rem 0; padding-left: 1.2rem; }
.jp-RenderedHTMLCommon table:not(.zt) { display: block; overflow-x: auto; max-width: 100%; }
.jp-RenderedImage img, .jp-OutputArea-output img { max-width: 100%; height: auto; }
.jp-OutputArea-output pre { white-space: pre-wrap; overflow-wrap: anywhere; }
.jp-RenderedHTMLCommon a:link, .jp-RenderedHTMLCommon a:visited, .jp-RenderedHTMLCommon a:hover {
  color: #0b5394; text-decoration: underline; overflow-wrap: anywhere; }
.jp-RenderedHTMLCommon blockquote { color: #333; overflow-wrap: anywhere; }
.jp-RenderedHTMLCommon, .jp-OutputArea-output { overflow-wrap: anywhere; min-width: 0; }
.jp-Cell, .jp-OutputArea, .jp-OutputArea-child, .jp-Cell-outputWrapper { max-width: 100%; min-width: 0; }
.jp-OutputArea-output.jp-RenderedHTMLCommon { overflow-x: visible; }
/* code shown to readers (the starter notebook): wrapped on a phone, and the highlighter's colours darkened
   where the lab theme's fall short of 4.5:1 on the cell's grey */
.jp-InputArea pre, .jp-InputArea .highlight pre { white-space: pre-wrap; overflow-wrap: anywhere; }
:root { --jp-mirror-editor-atom-color: #4848c8; --jp-mirror-editor-number-color: #006b00;
  --jp-mirror-editor-variable-3-color: #006b40; --jp-mirror-editor-operator-color: #8a1bd6;
  --jp-mirror-editor-comment-color: #356666; --jp-mirror-editor-meta-color: #8a1bd6;
  --jp-mirror-editor-bracket-color: #5f5f3f; --jp-mirror-editor-quote-color: #006b00;
  --jp-mirror-editor-error-color: #c00000; --jp-mirror-editor-hr-color: #5f5f5f; }
@media (max-width: 600px) {
  body, body.jp-Notebook { padding: 0 0.6rem 2rem !important; }
  .jp-Cell { padding: 0 !important; }
  .jp-OutputArea-child { display: block; }
}
"""
    + TABLE_CSS
)


def shows_code(nb) -> bool:
    """Whether a notebook shows its code to readers: declared in its metadata as
    ``"zjcp": {"show_code": true}`` (the starter notebook, whose code is the point); cells tagged
    ``hide-input`` or ``remove-cell`` still lose their input or go."""
    return bool((nb.metadata.get("zjcp") or {}).get("show_code"))


def _exporter(show_code: bool = False) -> HTMLExporter:
    exporter = HTMLExporter(template_name="lab")
    exporter.exclude_input = not show_code
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.embed_images = True
    exporter.mathjax_url = ""
    exporter.require_js_url = ""
    exporter.widget_renderer_url = ""
    exporter.jupyter_widgets_base_url = ""
    remover = TagRemovePreprocessor(
        remove_cell_tags=set(REMOVE_CELL_TAGS), remove_input_tags=set(REMOVE_INPUT_TAGS), enabled=True
    )
    exporter.register_preprocessor(remover, enabled=True)
    # a kernel sends what a cell prints in as many stream messages as its output flushes happened to
    # take: merged, the same notebook renders to the same bytes (two builds split one print differently)
    exporter.register_preprocessor(CoalesceStreamsPreprocessor(enabled=True), enabled=True)
    return exporter


def notebook_title(nb) -> str:
    """The text of the notebook's single H1 heading (or empty)."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^#\s+(.+)$", cell.source, flags=re.MULTILINE)
            if match:
                return match.group(1).strip()
    return ""


def language_of(nb) -> str:
    """The edition an executed notebook was run for (its ``language`` parameter; English without one)."""
    return (nb.metadata.get("papermill") or {}).get("parameters", {}).get("language", i18n.DEFAULT)


def translated(nb, lang: str) -> nbformat.NotebookNode:
    """A copy of ``nb`` whose Markdown cells are in ``lang`` (from the catalog, :mod:`analysis.builder.catalog`)."""
    nb = nbformat.from_dict(nb)
    if lang != i18n.DEFAULT:
        for cell in nb.cells:
            if cell.cell_type == "markdown" and not catalog.hidden(cell):
                cell.source = catalog.translated_cell(cell.source, lang)
    return nb


def reader_notebook(nb) -> nbformat.NotebookNode:
    """A copy of an executed notebook in its edition's language (:func:`translated`), without what
    varies from run to run: papermill's and nbclient's metadata (times, durations), and the cell ids,
    numbered instead (papermill gives the injected-parameters cell a new random id each run), so the
    same notebook renders to the same bytes."""
    nb = translated(nb, language_of(nb))
    nb.metadata.pop("papermill", None)
    for number, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{number}"
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
    return nb


def to_html(nb: nbformat.NotebookNode) -> str:
    """Render an executed notebook to a reader's HTML page (a string), in its edition's language."""
    with i18n.language(language_of(nb)):
        nb = reader_notebook(nb)
        body, _ = _exporter(shows_code(nb)).from_notebook_node(nb)
        return _finish(body, notebook_title(nb), image_alts(nb))


def image_alts(nb) -> dict[str, str]:
    """PNG data (base64, no whitespace) -> the alt text in its output's metadata (``image/png.alt`` or ``alt``).

    nbconvert's lab template ignores that metadata, so :func:`_finish` writes it into ``<img alt>``.
    """
    alts = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {}).get("image/png")
            meta = output.get("metadata", {})
            alt = (meta.get("image/png") or {}).get("alt") or meta.get("alt")
            if data and alt:
                alts["".join(str(data).split())] = str(alt)
    return alts


def _finish(html: str, title: str, alts: dict[str, str] | None = None) -> str:
    soup = BeautifulSoup(html, "html.parser")
    for img in soup.find_all("img"):
        src = img.get("src", "")
        if src.startswith("data:image/png;base64,"):
            alt = (alts or {}).get("".join(src.split(",", 1)[1].split()))
            if alt:
                img["alt"] = alt
    for script in soup.find_all("script"):  # reader mode runs no script (and the CSP forbids it)
        script.decompose()
    for link in soup.find_all("link"):
        if link.get("href", "").startswith(("http://", "https://", "//")):
            link.decompose()
    if soup.title is not None:
        soup.title.string = title or i18n._("Report")
    head = soup.head or soup
    csp = soup.new_tag("meta", attrs={"http-equiv": "Content-Security-Policy", "content": CONTENT_SECURITY_POLICY})
    charset = head.find("meta", attrs={"charset": True})
    if charset is not None:
        charset.insert_after(csp)
    else:
        head.insert(0, csp)
    meta = soup.new_tag("meta", attrs={"name": "viewport", "content": "width=device-width, initial-scale=1"})
    head.append(meta)
    head.append(soup.new_tag("link", attrs={"rel": "icon", "href": "data:,"}))  # no favicon request
    style = soup.new_tag("style")
    style.string = _EXTRA_CSS
    head.append(style)
    h1 = soup.find("h1")
    sections = [h for h in soup.find_all("h2") if h.get("id")]
    if h1 is not None and sections:
        nav = soup.new_tag("nav", attrs={"class": "toc", "aria-label": i18n._("Contents")})
        heading = soup.new_tag("strong")
        heading.string = i18n._("Contents")
        nav.append(heading)
        ol = soup.new_tag("ol")
        for h in sections:
            li = soup.new_tag("li")
            a = soup.new_tag("a", href=f"#{h['id']}")
            a.string = h.get_text(" ", strip=True).rstrip("¶").strip()
            li.append(a)
            ol.append(li)
        nav.append(ol)
        container = h1.find_parent("div", class_="jp-Cell") or h1
        container.insert_after(nav)
    return str(soup)


# --- indicator pages ---------------------------------------------------------------------------


def page_title(nb) -> str:
    """The text of the H1 the page's first output displays (the indicator's names)."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            text = output.get("data", {}).get("text/markdown", "")
            match = re.search(r"^#\s+(.+)$", text, flags=re.MULTILINE)
            if match:
                import html

                return html.unescape(match.group(1).strip())
    return ""


_PAGE_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK SC",sans-serif;max-width:60rem;
margin:0 auto;padding:0 1rem 3rem;color:#1a1a1a;line-height:1.45;overflow-x:hidden;overflow-wrap:anywhere}
h1{font-size:1.55rem;margin:1.2rem 0 .5rem}
h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
h3{font-size:1rem;margin:1.4rem 0 .3rem}
a.anchor-link{visibility:hidden;margin-left:.3rem;text-decoration:none}
h1:hover a.anchor-link,h2:hover a.anchor-link,h3:hover a.anchor-link{visibility:visible}
nav.toc{border-left:3px solid #0072B2;padding:.2rem 1rem;margin:1rem 0 1.5rem;background:#F5F8FB}
nav.toc ol{margin:.3rem 0;padding-left:1.2rem}
table:not(.zt){border-collapse:collapse;font-size:.85rem;display:block;overflow-x:auto;max-width:100%;margin:.6rem 0}
caption{text-align:left;font-weight:bold;padding:.3rem 0}
.zt-block{overflow-x:auto}
table:not(.zt) :is(th,td){padding:.25rem .5rem;border-bottom:1px solid #e5e5e5;text-align:left;vertical-align:top;min-width:4rem}
blockquote{margin:.5rem 0;padding:.2rem .9rem;border-left:3px solid #ccc;color:#333}
svg.indicator-chart{display:block;margin:.5rem 0}
svg.chart-narrow{display:none}
@media (max-width:760px){svg.chart-wide{display:none}svg.chart-narrow{display:block}}
pre{white-space:pre-wrap}
@media (max-width:600px){body{padding:0 .5rem 2rem}table:not(.zt) :is(th,td){min-width:3rem}}
"""
_H2 = re.compile(r'<h2 id="([^"]+)"[^>]*>(.*?)</h2>', flags=re.S)
_TAG = re.compile(r"<[^>]+>")
_SCRIPT_TAG = re.compile(r"<script\b.*?</script>", flags=re.S | re.I)


def page_exporter():
    """nbconvert's ``basic`` HTML exporter in reader mode (code hidden, cells tagged to go removed).

    The page shell (a small stylesheet, no scripts) is added by :func:`render_page`, so a page weighs
    tens of kilobytes instead of the ``lab`` template's several hundred.
    """
    from nbconvert import HTMLExporter, TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
    from nbconvert.preprocessors import CoalesceStreamsPreprocessor, TagRemovePreprocessor


    class PageExporter(HTMLExporter):
        """HTMLExporter without its last step (a BeautifulSoup pass giving images an alt text and
        code cells a tab stop, which takes longer than the rest): pages have no code and no <img>.
        Nor does it validate the notebook after its one preprocessor (a page is the template's
        cells and their outputs)."""

        def from_notebook_node(self, nb, resources=None, **kw):
            resources = self._init_resources(resources)
            self.register_filter("highlight_code", self.filters.get("highlight_code", Highlight2HTML(parent=self)))
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

        def _validate_preprocessor(self, nbc, preprocessor):
            pass  # nbconvert validates the whole notebook after each preprocessor: a page's cells are known

    # no default preprocessors: none applies to a page, and nbconvert validates the whole notebook
    # after each one, enabled or not (a dozen validations a page)
    exporter = PageExporter(template_name="basic", default_preprocessors=[])
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.embed_images = True
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags=set(REMOVE_CELL_TAGS),
                                                         remove_input_tags=set(REMOVE_INPUT_TAGS), enabled=True),
                                   enabled=True)
    exporter.register_preprocessor(CoalesceStreamsPreprocessor(enabled=True), enabled=True)  # as the reports'
    return exporter


def render_page(nb, title: str, exporter=None) -> str:
    """Reader's HTML of an executed page: its outputs, a table of contents of the ``##`` sections
    under the title, a small inline stylesheet, no script (the reports' Content-Security-Policy
    forbids any) and nothing loaded from the network."""
    import html

    from ..present.tables import CSS as TABLE_CSS

    body, _ = (exporter or page_exporter()).from_notebook_node(reader_notebook(nb))
    body = _SCRIPT_TAG.sub("", body)
    items = "".join(f'<li><a href="#{anchor}">{html.escape(html.unescape(_TAG.sub("", text)).rstrip("¶").strip())}'
                    "</a></li>" for anchor, text in _H2.findall(body))
    if items and "</h1>" in body:
        contents = html.escape(i18n._("Contents"))
        nav = f'<nav class="toc" aria-label="{contents}"><strong>{contents}</strong><ol>{items}</ol></nav>'
        body = body.replace("</h1>", "</h1>" + nav, 1)
    from ..present.index import CONTENT_SECURITY_POLICY

    return ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n<link rel="icon" href="data:,">\n'
            f"<title>{html.escape(title)}</title>\n<style>{_PAGE_CSS}{TABLE_CSS}</style>\n</head>\n<body>\n<main>\n{body}\n"
            "</main>\n</body>\n</html>\n")
