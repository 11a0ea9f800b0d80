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

from ..data.corrections import of_indicator
from ..data.schema import KEY_SEPARATOR
from .index import CONTENT_SECURITY_POLICY
from .tables import CSS, FONT_STACK, Safe, esc
from .tables import render as draw

FILE = "corrections.html"

#: The columns of a table of corrections on an indicator page; the corrections page groups them by date
#: under a heading each, so its tables leave the date out (:data:`PAGE_COLUMNS`).
COLUMNS = ["Date", "Corrected", "Field", "Before", "After", "Why", "Evidence"]
PAGE_COLUMNS = COLUMNS[1:]

_ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"), autoescape=True,
                          undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


class _Names:
    """What a table of corrections names rows by: indicators' names, pledges' indicators, sources' titles."""

    def __init__(self, dataset):
        self.indicators = dict(zip(dataset.indicators["indicator_id"], dataset.indicators["name"]))
        self.pledged = dict(zip(dataset.pledges["pledge_id"], dataset.pledges["indicator_id"]))
        self.titles = dict(zip(dataset.sources["source_id"], dataset.sources["title_en"]))

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
            _, place, year, source = row_key.split(KEY_SEPARATOR)
            return Safe(f'{named}<span class="zt-sub">figure for {esc(place)}, {esc(year)}, from '
                        f'<code>{esc(source)}</code></span>')
        if table == "pledges":
            return Safe(f'{named}<span class="zt-sub">pledge <code>{esc(row_key)}</code></span>')
        if table == "indicators":
            return Safe(f'{named}<span class="zt-sub">the indicator <code>{esc(row_key)}</code></span>')
        title = self.titles.get(row_key, row_key)
        return Safe(f'{esc(title)}<span class="zt-sub">the source <code>{esc(row_key)}</code></span>')


    @staticmethod
    def _unnamed(table: str, row_key: str) -> Safe:
        if table == "observations":
            _, place, year, source = row_key.split(KEY_SEPARATOR)
            return Safe(f"Figure for {esc(place)}, {esc(year)}, from <code>{esc(source)}</code>")
        if table == "pledges":
            return Safe(f"Pledge <code>{esc(row_key)}</code>")
        return Safe("This indicator")


def _value(value) -> Safe:
    """A value as the CSV file writes it, in a code span (an empty cell said as such)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)) or value == "":
        return Safe('<span class="zt-sub">(empty)</span>')
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
        out.append([str(r.date.date()), *cells] if dated else cells)
    return out


def block(dataset, indicator_id: str) -> str:
    """HTML for an indicator page: a heading and the corrections made to the indicator's rows (its
    row of ``indicators.csv``, its pledges, its figures of every vintage, the sources they cite),
    oldest first; "" when there are none. ``dataset`` holds every vintage."""
    found = of_indicator(dataset.corrections, dataset.indicators, dataset.pledges, dataset.observations, indicator_id)
    if found.empty:
        return ""
    n = len(found)
    intro = (f"<p>{n} correction{'s' if n != 1 else ''} made to these figures, this indicator or its pledges after "
             "they were published, as the corrections register records "
             f'{"them" if n != 1 else "it"} (<a href="../{FILE}">all corrections</a>).</p>')
    return ('<h3 id="corrections">Corrections to these figures</h3>' + intro
            + str(draw(table_rows(dataset, found, named=False), COLUMNS, caption="Corrections made after publication",
                       fold_after=None)))


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
        groups.append({"day": str(day), "count": len(rows),
                       "table": Markup(str(draw(cells, PAGE_COLUMNS, caption=f"Corrections made on {day}")))})
    return _ENV.get_template("corrections.html.j2").render(
        csp=CONTENT_SECURITY_POLICY,
        font_stack=Markup(FONT_STACK),
        table_css=Markup(CSS),
        total=sum(n for _, _, n in counts(register)),
        counts=counts(register),
        groups=groups,
    )

