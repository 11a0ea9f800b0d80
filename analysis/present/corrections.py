"""The corrections register for readers: ``reports/corrections.html`` and each indicator page's own.

Every correction made to a published figure (``data/corrections.csv``, checked on load by
:mod:`analysis.data.corrections`) is one table row: what was corrected (the indicator, place, year
and source of a figure; a pledge; an indicator; a source), the field, its value before and after,
why, and the evidence (the commit that made it, then the sources or quotes showing the right value).
The page lists them by date under a count per table and field; :func:`block` gives an indicator
page the corrections of its own rows (nothing when it has none). Text from the dataset is shown
literally: every cell is escaped, and the page is rendered with autoescaping and the reports'
Content-Security-Policy (no script).
"""

from __future__ import annotations

from pathlib import Path

import jinja2
import pandas as pd
from markupsafe import Markup

from ..data import formats, i18n
from ..data.corrections import of_indicator
from ..data.i18n import N_, _, ngettext, pgettext
from ..data.schema import KEY_SEPARATOR
from .index import CONTENT_SECURITY_POLICY
from .tables import CSS, FONT_STACK, Safe, esc
from .tables import render as draw

FILE = "corrections.html"

#: The columns of a table of corrections on an indicator page; the corrections page groups them by date
#: under a heading each, so its tables leave the date out (:data:`PAGE_COLUMNS`).
#: (Translated where shown: :func:`labels`.)
COLUMNS = [N_("Date"), N_("Corrected"), N_("Field"), N_("Before"), N_("After"), N_("Why"), N_("Evidence")]
PAGE_COLUMNS = COLUMNS[1:]

#: The template's words come from the catalog (``_()`` and ``ngettext()`` in it; the translations are trusted
#: markup, the values they are given are escaped).
_ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"), autoescape=True,
                          undefined=jinja2.StrictUndefined, keep_trailing_newline=True, extensions=["jinja2.ext.i18n"])
_ENV.install_gettext_callables(_, ngettext, newstyle=True, pgettext=pgettext)


def labels(columns: list[str]) -> list[str]:
    """Column headers in the current language (a correction's evidence is what shows it, hence its context)."""
    return [pgettext("correction", "Evidence") if c == "Evidence" else _(c) for c in columns]


def _table_name(table: str) -> str:
    """A table of the dataset as the corrections page names it: its file's name in English, words in Chinese."""
    words = {"observations": pgettext("table", "observations"), "pledges": pgettext("table", "pledges"),
             "indicators": pgettext("table", "indicators"), "sources": pgettext("table", "sources")}
    return words.get(table, table)


class _Names:
    """What a table of corrections names rows by: indicators' names, pledges' indicators, sources' titles."""

    def __init__(self, dataset):
        chinese = i18n.is_chinese()  # names from their own columns: name_zh and the original title in Chinese
        self.indicators = dict(zip(dataset.indicators["indicator_id"],
                                   dataset.indicators["name_zh" if chinese else "name"]))
        self.pledged = dict(zip(dataset.pledges["pledge_id"], dataset.pledges["indicator_id"]))
        self.titles = dict(zip(dataset.sources["source_id"], dataset.sources["title" if chinese else "title_en"]))

    def indicator_of(self, table: str, row_key: str) -> str:
        """The indicator a corrected row belongs to ("" for a source, which many indicators cite)."""
        if table == "observations":
            return row_key.split(KEY_SEPARATOR)[0]
        if table == "indicators":
            return row_key
        if table == "pledges":
            return self.pledged.get(row_key, "")
        return ""

    def what(self, table: str, row_key: str, href: str | None, named: bool = True) -> Safe:
        """The corrected row, as a reader names it: a figure by indicator, place, year and source; a
        pledge by its id and indicator; an indicator by its name; a source by its title. Without
        ``named`` (on the indicator's own page) the indicator's name is left out."""
        ind = self.indicator_of(table, row_key)
        if not named and table != "sources":
            return self._unnamed(table, row_key)
        name = esc(self.indicators.get(ind, ind))
        named = f'<a href="{esc(href)}">{name}</a>' if href else name
        if table == "observations":
            __, place, year, source = row_key.split(KEY_SEPARATOR)
            return Safe(_('{named}<span class="zt-sub">figure for {place}, {year}, from <code>{source}</code></span>')
                        .format(named=named, place=esc(pgettext("place", place)), year=esc(year), source=esc(source)))
        if table == "pledges":
            return Safe(_('{named}<span class="zt-sub">pledge <code>{pledge}</code></span>').format(
                named=named, pledge=esc(row_key)))
        if table == "indicators":
            return Safe(_('{named}<span class="zt-sub">the indicator <code>{indicator}</code></span>').format(
                named=named, indicator=esc(row_key)))
        title = self.titles.get(row_key, row_key)
        return Safe(_('{title}<span class="zt-sub">the source <code>{source}</code></span>').format(
            title=esc(title), source=esc(row_key)))


    @staticmethod
    def _unnamed(table: str, row_key: str) -> Safe:
        if table == "observations":
            __, place, year, source = row_key.split(KEY_SEPARATOR)
            return Safe(_("Figure for {place}, {year}, from <code>{source}</code>").format(
                place=esc(pgettext("place", place)), year=esc(year), source=esc(source)))
        if table == "pledges":
            return Safe(_("Pledge <code>{pledge}</code>").format(pledge=esc(row_key)))
        return Safe(_("This indicator"))


def _value(value) -> Safe:
    """A value as the CSV file writes it, in a code span (an empty cell said as such)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)) or value == "":
        empty = esc(_("(empty)"))
        return Safe(f'<span class="zt-sub">{empty}</span>')
    return Safe(f"<code>{esc(value)}</code>")


def table_rows(dataset, register: pd.DataFrame, pages: set[str] | None = None, prefix: str = "",
               dated: bool = True, named: bool = True) -> list[list]:
    """One row of cells per correction (:data:`COLUMNS`, without the date unless ``dated``); the corrected
    row's name links to its indicator's page where ``pages`` holds it (``prefix`` + ``<id>.html``), and
    leaves the indicator's name out unless ``named``."""
    names, out = _Names(dataset), []
    for r in register.itertuples(index=False):
        ind = names.indicator_of(r.table, r.row_key)
        href = f"{prefix}{ind}.html" if pages and ind in pages else None
        cells = [names.what(r.table, r.row_key, href, named), Safe(f'<code style="white-space:nowrap">{esc(r.field)}</code>'),
                 _value(r.before), _value(r.after), r.reason, r.evidence]
        out.append([formats.date(r.date), *cells] if dated else cells)
    return out


def block(dataset, indicator_id: str) -> str:
    """HTML for an indicator page: a heading and the corrections made to the indicator's rows (its
    row of ``indicators.csv``, its pledges, its figures of every vintage, the sources they cite),
    oldest first; "" when there are none. ``dataset`` holds every vintage."""
    found = of_indicator(dataset.corrections, dataset.indicators, dataset.pledges, dataset.observations, indicator_id)
    if found.empty:
        return ""
    n = len(found)
    intro = ngettext('<p>{n} correction made to these figures, this indicator or its pledges after they were '
                     'published, as the corrections register records it (<a href="../{file}">all corrections</a>).</p>',
                     '<p>{n} corrections made to these figures, this indicator or its pledges after they were '
                     'published, as the corrections register records them (<a href="../{file}">all corrections</a>).'
                     '</p>', n).format(n=n, file=FILE)
    heading = esc(_("Corrections to these figures"))
    return (f'<h3 id="corrections">{heading}</h3>' + intro
            + str(draw(table_rows(dataset, found, named=False), labels(COLUMNS),
                       caption=_("Corrections made after publication"), fold_after=None)))


def counts(register: pd.DataFrame) -> list[tuple[str, str, int]]:
    """(table, field, number of corrections), by table then field."""
    if register is None or register.empty:
        return []
    grouped = register.groupby(["table", "field"], sort=True).size()
    return [(str(t), str(f), int(n)) for (t, f), n in grouped.items()]


def render(dataset, pages: set[str] | None = None) -> str:
    """The HTML of ``reports/corrections.html`` (``pages``: indicator ids whose page exists, linked)."""
    register = dataset.corrections
    groups = []
    for day, rows in register.groupby(register["date"].dt.date, sort=True) if counts(register) else []:
        cells = table_rows(dataset, rows, pages, prefix="indicators/", dated=False)
        groups.append({"day": str(day), "date": formats.date(day), "count": len(rows),
                       "table": Markup(str(draw(cells, labels(PAGE_COLUMNS),
                                                caption=_("Corrections made on {date}").format(date=formats.date(day)))))})
    return _ENV.get_template("corrections.html.j2").render(
        lang=i18n.current(),
        csp=CONTENT_SECURITY_POLICY,
        font_stack=Markup(FONT_STACK),
        table_css=Markup(CSS),
        total=sum(n for *__, n in counts(register)),
        counts=[(_table_name(t), f, n) for t, f, n in counts(register)],
        groups=groups,
    )

