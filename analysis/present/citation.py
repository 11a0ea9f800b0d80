"""How to cite a page: the line every page ends with.

The project's name and version, the commit and date of the build that wrote the page, when the
page's content last changed, and that every figure is to be credited to the original source named
beside it (the figures are not the project's). :func:`footer` makes it from values the build knows
(:mod:`analysis.builder.stamp`); :func:`insert` puts it at the end of a page's main content. Styled
inline (the pages allow inline styles, no script), so it looks the same on every kind of page.
"""

from __future__ import annotations

import html
import re

from ..data import formats, i18n
from ..data.i18n import N_, _

#: The project as a citation names it (``CITATION.cff`` says the same; translated where shown).
TITLE = N_("Zhejiang Common Prosperity tracker: pledges against results")

#: Where the figures are, as the build says it (:func:`footer`'s ``where``; translated where shown).
WHERE = (N_("on this page"), N_("in these reports"))

_STYLE = ("margin:2.5rem 0 1rem;padding-top:0.6rem;border-top:1px solid #ddd;color:#4a4a4a;font-size:0.85rem;"
          "line-height:1.45;overflow-wrap:anywhere")


def footer(version: str, commit: str, built: str, updated: str, where: str = "on this page") -> str:
    """The citation block (HTML): version, commit, build date, last-updated date and the credit owed to
    the original sources of the figures ``where`` (:data:`WHERE`: ``"on this page"``, ``"in these reports"``),
    in the current language (the classes, ids and ``datetime`` attributes are the same in every language)."""
    v, c, b, u, w = (html.escape(str(x)) for x in (version, commit, built, updated, _(str(where))))
    first = _('<strong>How to cite.</strong> {title}, version <span class="zjcp-version">{version}</span> (commit '
              '<code class="zjcp-commit">{commit}</code>). Built on <time class="zjcp-built" datetime="{built}">'
              '{built_text}</time>; last updated <time class="zjcp-updated" datetime="{updated}">{updated_text}</time> '
              "(the last build that changed what this page shows).").format(
                  title=html.escape(_(TITLE)), version=v, commit=c, built=b, built_text=html.escape(_date(built)),
                  updated=u, updated_text=html.escape(_date(updated)))
    second = _("The figures {where} are not this project's: each comes from the original source named beside it, "
               "with its verbatim quote and a link. Credit that source when you use a figure, and cite this project "
               "for the selection of figures, the assessments and the corrections (<code>CITATION.cff</code> in the "
               "project's repository has the details).").format(where=w)
    label = html.escape(_("How to cite"))
    return (f'<footer class="zjcp-cite" id="how-to-cite" aria-label="{label}" style="{_STYLE}">'
            f'<p style="margin:0.3rem 0">{first}</p><p style="margin:0.3rem 0">{second}</p></footer>')


def _date(value) -> str:
    """A build's date as the page shows it: as the build gives it (``2026-03-03``); in Chinese as a
    Chinese date (:func:`analysis.data.formats.date`) where it is an ISO date."""
    text = str(value)
    if not i18n.is_chinese() or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return text
    try:
        return formats.date(text)
    except ValueError:
        return text


def insert(page: str, block: str) -> str:
    """``page`` with ``block`` at the end of its main content (before ``</main>``, else ``</body>``)."""
    for tag in ("</main>", "</body>"):
        at = page.rfind(tag)
        if at >= 0:
            return page[:at] + block + "\n" + page[at:]
    return page + block
