"""How to cite a page: the line every page ends with.

The project's name and version, the commit and date of the build that wrote the page, when the
page's content last changed, and that every figure is to be credited to the original source named
beside it (the figures are not the project's). :func:`footer` makes it from values the build knows
(:mod:`analysis.builder.stamp`); :func:`insert` puts it at the end of a page's main content. Styled
inline (the pages allow inline styles, no script), so it looks the same on every kind of page.
"""

from __future__ import annotations

import html

#: The project as a citation names it (``CITATION.cff`` says the same).
TITLE = "Zhejiang Common Prosperity tracker: pledges against results"

_STYLE = ("margin:2.5rem 0 1rem;padding-top:0.6rem;border-top:1px solid #ddd;color:#4a4a4a;font-size:0.85rem;"
          "line-height:1.45;overflow-wrap:anywhere")


def footer(version: str, commit: str, built: str, updated: str, where: str = "on this page") -> str:
    """The citation block (HTML): version, commit, build date, last-updated date and the credit owed to
    the original sources of the figures ``where`` (``"on this page"``, ``"in these reports"``)."""
    v, c, b, u, w = (html.escape(str(x)) for x in (version, commit, built, updated, where))
    return (f'<footer class="zjcp-cite" id="how-to-cite" aria-label="How to cite" style="{_STYLE}">'
            f'<p style="margin:0.3rem 0"><strong>How to cite.</strong> {html.escape(TITLE)}, version '
            f'<span class="zjcp-version">{v}</span> (commit <code class="zjcp-commit">{c}</code>). '
            f'Built on <time class="zjcp-built" datetime="{b}">{b}</time>; last updated '
            f'<time class="zjcp-updated" datetime="{u}">{u}</time> (the last build that changed what this '
            f"page shows).</p>"
            f'<p style="margin:0.3rem 0">The figures {w} are not this project\'s: each comes from the original '
            "source named beside it, with its verbatim quote and a link. Credit that source when you use a figure, "
            "and cite this project for the selection of figures, the assessments and the corrections "
            "(<code>CITATION.cff</code> in the project's repository has the details).</p></footer>")


def insert(page: str, block: str) -> str:
    """``page`` with ``block`` at the end of its main content (before ``</main>``, else ``</body>``)."""
    for tag in ("</main>", "</body>"):
        at = page.rfind(tag)
        if at >= 0:
            return page[:at] + block + "\n" + page[at:]
    return page + block
