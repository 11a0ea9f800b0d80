"""Tables for readers: one small HTML renderer and the tables every report shows.

Every table has human names (the indicator's name, theme labels), numbers with thousands separators
and their unit, status badges in the charts' colours (:data:`analysis.method.progress.STATUS_COLORS`), no
index column, a stacked card layout on narrow screens (:data:`CSS`), and long tables folded into a
``<details>`` element instead of being cut. Every achieved figure and every target carries its
verbatim quote, the source's title, its publication date and a link to the original, one click
away (a ``<details>`` cell, which needs no script).

All text from the dataset is escaped; a cell is inserted as HTML only when it is a :class:`Safe`
built here from escaped parts.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from urllib.parse import unquote

import numpy as np
import pandas as pd

from ..data.dataset import ACHIEVED_STATUSES, EVIDENCE_KINDS, Dataset
from ..data.formats import UNIT_LABELS, number, unit_label  # noqa: F401 - the tables' wording of a figure
from ..method.progress import DEFAULTS, STATUS_COLORS, STATUS_LABELS, STATUS_ORDER

#: Reader's names of the dataset's themes (an unknown theme reads as its id with spaces).
THEME_LABELS = {
    "income_gap": "Income gap",
    "industry_innovation": "Industry and innovation",
    "ecology_energy": "Ecology and energy",
    "public_services": "Public services",
    "macro_economy": "Economy",
    "urbanization_regional": "Urbanisation and regions",
    "governance_other": "Governance and other",
}

#: How a comparator reads in front of a figure.
COMPARATOR_WORDS = {"=": "", "~": "about", ">=": "at least", "<=": "at most"}

#: Link from a report to the index's definitions of the statuses (reports sit beside index.html).
GUIDE_HREF = "index.html#how-to-read"

#: Rows shown before the rest of a long table is folded into a <details> element.
FOLD_AFTER = 12


class Safe(str):
    """HTML built from escaped parts: inserted as it is."""


def esc(text) -> str:
    """Escape any value for HTML (``None`` and NaN give an empty string)."""
    if text is None or (isinstance(text, float) and np.isnan(text)) or text is pd.NA or text is pd.NaT:
        return ""
    return text if isinstance(text, Safe) else html.escape(str(text), quote=True)


def theme_label(theme: str) -> str:
    """The reader's name of a theme id, e.g. ``ecology_energy`` -> ``Ecology and energy``."""
    return THEME_LABELS.get(str(theme), str(theme).replace("_", " ").capitalize())


def figure_text(value, unit, comparator: str = "=", status: str = "reported", year=None, words=None) -> str:
    """A figure as a reader should take it: ``about 1.81 (2022, preliminary)``, ``at least 90%``.

    ``words`` maps a comparator to the words in front of the figure (default :data:`COMPARATOR_WORDS`;
    the report card says "more than" of a published bound)."""
    words = (COMPARATOR_WORDS if words is None else words).get(str(comparator), "")
    text = f"{words} {number(value, unit)}".strip()
    notes = [str(int(year))] if year is not None and pd.notna(year) else []
    if status == "preliminary":
        notes.append("preliminary")
    elif status == "revised":
        notes.append("revised")
    return text + (f" ({', '.join(notes)})" if notes else "")


def gap_text(value: float, year: int, target: float, unit: str, sign: float) -> str:
    """A missed target said plainly, e.g. ``70,240 yuan in 2025, 4,760 yuan (6.3%) short of the 75,000
    yuan pledged`` (``above`` the target where lower is better)."""
    gap = abs(target - value)
    share = f" ({gap / abs(target):.1%})" if target else ""
    side = "short of" if sign > 0 else "above"
    return f"{number(value, unit)} in {int(year)}, {number(gap, unit)}{share} {side} the {number(target, unit)} pledged"


def qualifier_words(comparator: str = "=", status: str = "reported") -> str:
    """What a figure's comparator and status mean, in words ("" for an exact final figure)."""
    parts = []
    if comparator == "~":
        parts.append("the source gives an approximate figure (about)")
    elif comparator == ">=":
        parts.append("the source gives a lower bound (at least)")
    elif comparator == "<=":
        parts.append("the source gives an upper bound (at most)")
    if status == "preliminary":
        parts.append("a preliminary figure, which a later release may revise")
    elif status == "revised":
        parts.append("a revised figure (e.g. after an economic census)")
    return "; ".join(parts)


def status_badge(status: str) -> Safe:
    """A status as a coloured badge (the chart colour; text in black or white, whichever contrasts more)."""
    status = str(status)
    label = STATUS_LABELS.get(status, status.replace("_", " "))
    return Safe(f'<span class="zt-badge zt-{esc(status)}">{esc(label)}</span>')


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two ``#RRGGBB`` colours (1 to 21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def badge_text_colour(background: str) -> str:
    """Black or white, whichever contrasts more with ``background``."""
    return "#000000" if contrast(background, "#000000") >= contrast(background, "#FFFFFF") else "#FFFFFF"


def _badge_css() -> str:
    return "\n".join(
        f".zt-badge.zt-{s} {{ background: {c}; color: {badge_text_colour(c)}; }}" for s, c in STATUS_COLORS.items()
    )


#: Font stack with Chinese fallbacks (Debian's fonts-noto-cjk provides "Noto Sans CJK SC").
FONT_STACK = ('system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans CJK SC", "Noto Sans SC", '
              '"Source Han Sans SC", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", sans-serif')

#: The style of every table (reports and index); no script needed. Selectors start at ``.zt-block`` so
#: they win over nbconvert's own table rules.
CSS = (
    """
.zt-block { margin: 0.6rem 0 1.2rem; max-width: 100%; }
.zt-block table.zt { border-collapse: collapse; font-size: 0.88rem; width: 100%; table-layout: auto; margin: 0;
  color: #1a1a1a; }
.zt-block table.zt caption { text-align: left; font-weight: 600; padding: 0.2rem 0; caption-side: top; }
.zt-block table.zt th, .zt-block table.zt td { padding: 0.35rem 0.5rem; border: none; border-bottom: 1px solid #e2e2e2;
  text-align: left; vertical-align: top; overflow-wrap: break-word; line-height: 1.4; }
.zt-block table.zt thead th { background: #f3f5f7; border-bottom: 2px solid #c8ced4; font-weight: 600; }
.zt-block table.zt td.num, .zt-block table.zt th.num { text-align: right; font-variant-numeric: tabular-nums;
  white-space: nowrap; }
.zt-block table.zt td.nowrap { white-space: nowrap; }
.zt-block table.zt tbody tr, .zt-block table.zt tbody tr:hover { background: #fff; }
.zt-block table.zt tbody tr:nth-child(even) { background: #f8f9fa; }
.zt-badge { display: inline-block; padding: 0.05rem 0.5rem; border-radius: 0.7rem; font-size: 0.8rem;
  font-weight: 600; line-height: 1.4; overflow-wrap: normal; }
.zt-reason { display: block; color: #4a4a4a; font-size: 0.78rem; margin-top: 0.15rem; }
.zt-sub { display: block; color: #4a4a4a; font-size: 0.8rem; }
details.zt-src { margin-top: 0.15rem; font-size: 0.8rem; }
details.zt-src > summary, details.zt-more > summary { cursor: pointer; color: #0b5394; }
details.zt-src > summary { text-decoration: underline; }
details.zt-src blockquote { margin: 0.3rem 0; padding: 0.1rem 0.5rem; border-left: 3px solid #8aa9c4;
  background: #f5f8fb; font-style: normal; color: #1a1a1a; }
.zt-block details.zt-src p { margin: 0.2rem 0; text-align: left; }
.zt-block a:link, .zt-block a:visited, .zt-block a:hover, details.zt-src a:link, details.zt-src a:visited {
  color: #0b5394; text-decoration: underline; }
a.zt-url, .zt-block code, details.zt-src code { word-break: break-all; }
details.zt-src > *:not(summary), .zt-quote { overflow-wrap: anywhere; }
details.zt-more { margin: 0.3rem 0 1rem; }
details.zt-more > summary { font-weight: 600; padding: 0.3rem 0; }
.zt-block p.zt-note, p.zt-note { color: #4a4a4a; font-size: 0.85rem; margin: 0.3rem 0; }
@media (max-width: 700px) {
  .zt-block table.zt, .zt-block table.zt tbody, .zt-block table.zt tr, .zt-block table.zt td,
  .zt-block table.zt caption { display: block; width: 100%; box-sizing: border-box; }
  .zt-block table.zt thead { display: none; }
  .zt-block table.zt tbody tr { border: 1px solid #d5dadf; border-radius: 0.4rem; margin: 0 0 0.6rem;
    padding: 0.3rem 0; }
  .zt-block table.zt tbody tr:nth-child(even) { background: #fff; }
  .zt-block table.zt td, .zt-block table.zt td.num, .zt-block table.zt td.nowrap { border: none; padding: 0.15rem 0.6rem; text-align: left;
    white-space: normal; }
  .zt-block table.zt td:empty { display: none; }
  .zt-block table.zt td::before { content: attr(data-label) ": "; font-size: 0.75rem; font-weight: 600;
    color: #4a4a4a; }
  .zt-block table.zt td:first-child { font-weight: 600; }
  .zt-block table.zt td:first-child::before { content: none; }
}
"""
    + _badge_css()
    + "\n"
)


@dataclass
class Table:
    """A rendered table; ``display(table)`` shows it in a notebook, ``str(table)`` is its HTML."""

    html: str

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html


def render(rows: list[list], columns: list[str], numeric: tuple[str, ...] = (), caption: str = "",
           note: str = "", fold_after: int | None = FOLD_AFTER, empty: str = "No rows for this selection.") -> Table:
    """Render rows of cells (text or :class:`Safe` HTML) under ``columns`` as one HTML table.

    Parameters
    ----------
    rows : list of lists
        One list of cells per row, in the order of ``columns``. Plain values are escaped.
    columns : list of str
        Header labels; each cell repeats its label for the narrow-screen card layout.
    numeric : tuple of str
        Labels of right-aligned numeric columns.
    caption, note : str
        A caption above and a note below the table (plain text, or :class:`Safe`).
    fold_after : int or None
        Rows shown before the rest is folded into a ``<details>`` ("Show all N rows"); None: never fold.
    empty : str
        What to say instead of an empty table.

    Returns
    -------
    Table
    """
    note_html = f'<p class="zt-note">{esc(note)}</p>' if note else ""
    if not rows:
        return Table(f'<div class="zt-block"><p class="zt-note">{esc(empty)}</p>{note_html}</div>')
    head = "".join(f'<th scope="col"{_num(c, numeric)}>{esc(c)}</th>' for c in columns)

    def body(part):
        return "".join(
            "<tr>" + "".join(f'<td data-label="{esc(c)}"{_num(c, numeric)}>{esc(v)}</td>' for c, v in zip(columns, r))
            + "</tr>"
            for r in part
        )

    def table(part, cap):
        cap_html = f"<caption>{esc(cap)}</caption>" if cap else ""
        return f'<table class="zt">{cap_html}<thead><tr>{head}</tr></thead><tbody>{body(part)}</tbody></table>'

    if fold_after is None or len(rows) <= fold_after + 3:
        inner = table(rows, caption)
    else:
        rest = len(rows) - fold_after
        inner = (
            table(rows[:fold_after], caption)
            + f'<details class="zt-more"><summary>Show the other {rest} rows (of {len(rows)})</summary>'
            + table(rows[fold_after:], "")
            + "</details>"
        )
    return Table(f'<div class="zt-block">{inner}{note_html}</div>')


#: Columns whose short values should not wrap (dates, years).
NOWRAP = ("Published", "Year", "Where")


def _num(column: str, numeric) -> str:
    if column in numeric:
        return ' class="num"'
    return ' class="nowrap"' if column in NOWRAP else ""


# --- provenance -------------------------------------------------------------------------------


def source_info(dataset: Dataset) -> pd.DataFrame:
    """Sources indexed by ``source_id`` (title, issuer, published, url, document)."""
    return dataset.sources.set_index("source_id")


def readable_url(url: str) -> str:
    """The address to show as a link's text: percent-decoded where that gives readable text (a Chinese
    path), else as written (never decoded into a control, format or bidirectional character)."""
    import unicodedata

    decoded = unquote(url)
    hidden = any(unicodedata.category(ch)[0] == "C" or unicodedata.category(ch) in ("Zl", "Zp") for ch in decoded)
    return url if hidden else decoded


def _link(url: str) -> str:
    return f'<a class="zt-url" href="{esc(url)}" rel="noopener">{esc(readable_url(url))}</a>'


def _http(url) -> bool:
    return isinstance(url, str) and url.startswith(("http://", "https://"))


def evidence_words(kind) -> str:
    """What a source is, in words (``sources.kind``), e.g. "an official document, read through a copy"."""
    return EVIDENCE_KINDS.get(str(kind), "kind of evidence not recorded")


def source_link(source: pd.Series) -> Safe:
    """Where a source can be read: the original on the issuer's site first, then the copy actually
    read ("read at"), or where the document is kept when it has no address."""
    url, original = source.get("url"), source.get("original_url")
    kept = source.get("document")
    if _http(original):
        copy = f"; read at {_link(url)}" if _http(url) and url != original else ""
        if not copy and isinstance(kept, str) and kept:
            copy = f"; read in the project's source documents as <code>{esc(kept)}</code>"
        return Safe(f"Original: {_link(original)}{copy}")
    if _http(url):
        if source.get("kind") in ("official_copy", "news", "other"):
            return Safe(f"Original address not recorded; read at {_link(url)}")
        return Safe(_link(url))
    if isinstance(kept, str) and kept:
        return Safe(f"No public link recorded; the document is kept in the project's source documents "
                    f"as <code>{esc(kept)}</code>")
    return Safe("No link recorded")


def published_text(source: pd.Series) -> str:
    """The publication date as ``2023-01-12``, or say it is not recorded."""
    date = source.get("published")
    if date is None or pd.isna(date):
        return "publication date not recorded"
    return f"published {pd.Timestamp(date):%Y-%m-%d}"


def source_citation(source: pd.Series) -> Safe:
    """Issuer, title, publication date, kind of evidence and link of one source (a row of
    ``dataset.sources``): the issuer and the original first, the copy read after them."""
    issuer = source.get("issuer")
    who = f"{esc(issuer)}: " if isinstance(issuer, str) and issuer else ""
    kind = esc(evidence_words(source.get("kind")))
    return Safe(f"{who}<em>{esc(source.get('title_en'))}</em>; {esc(published_text(source))}; "
                f'<span class="zt-kind">{kind[:1].upper() + kind[1:]}</span>. {source_link(source)}')


def provenance_details(quote, source: pd.Series, summary: str = "source", qualifier: str = "",
                       note=None) -> Safe:
    """A ``<details>`` element: the verbatim quote, what kind of figure it is, and the citation."""
    extra = f"<p>{esc(qualifier[:1].upper() + qualifier[1:])}.</p>" if qualifier else ""
    if isinstance(note, str) and note:
        extra += f"<p>Note: {esc(note)}</p>"  # dataset text: literal, never a link (links come from sources.url)
    return Safe(
        f'<details class="zt-src"><summary>{esc(summary)}</summary>'
        f'<blockquote class="zt-quote">“{esc(quote)}”</blockquote>{extra}<p>{source_citation(source)}</p></details>'
    )


def current_observations(dataset: Dataset) -> pd.DataFrame:
    """The achieved figure used for each indicator, place and year, indexed by those three."""
    obs = dataset.observations
    obs = obs[obs["status"].isin(ACHIEVED_STATUSES)]
    if "current" in obs:
        obs = obs[obs["current"].astype(bool)]
    obs = obs.drop_duplicates(["indicator_id", "geography", "year"])
    return obs.set_index(["indicator_id", "geography", "year"]).sort_index()


def observation_for(current: pd.DataFrame, indicator_id: str, geography: str, year):
    """The row of :func:`current_observations` for one figure, or None."""
    if year is None or pd.isna(year):
        return None
    key = (indicator_id, geography, int(year))
    return current.loc[key] if key in current.index else None


def observed_cell(dataset: Dataset, current: pd.DataFrame, sources: pd.DataFrame, indicator_id: str,
                  geography: str, value, year, unit) -> Safe:
    """A figure with its year, its kind in words and its quote and source one click away."""
    if value is None or pd.isna(value):
        return Safe("n/a")
    obs = observation_for(current, indicator_id, geography, year)
    if obs is None:
        return Safe(esc(figure_text(value, unit, year=year)))
    comparator = str(obs.get("comparator", "=")) if pd.notna(obs.get("comparator", "=")) else "="
    text = figure_text(value, unit, comparator, str(obs["status"]), year)
    source = sources.loc[obs["source_id"]]
    return Safe(esc(text) + provenance_details(obs["quote"], source, "quote, source",
                                               qualifier_words(comparator, str(obs["status"])), obs.get("note")))


def target_words(row) -> str:
    """``at least 75,000 yuan by 2025``."""
    words = COMPARATOR_WORDS.get(str(row["comparator"]), "")
    if str(row["comparator"]) in ("increase", "decrease"):  # a direction-only pledge: no number
        verb = "keep increasing" if str(row["comparator"]) == "increase" else "keep decreasing"
        return f"{verb} (no number) to {int(row['target_year'])}"
    return f"{words} {number(row['target_value'], row['unit'])}".strip() + f" by {int(row['target_year'])}"


def pledge_cell(dataset: Dataset, pledges: pd.DataFrame, sources: pd.DataFrame, row) -> Safe:
    """The target in words with the pledge's quote and source one click away."""
    pledge = pledges.loc[row["pledge_id"]]
    details = provenance_details(pledge["quote"], sources.loc[pledge["source_id"]], "pledge: quote, source",
                                 note=pledge.get("note"))
    return Safe(esc(target_words(row)) + details)


def base_cell(dataset, current, pledges, sources, row) -> Safe:
    """The base figure: from the pledge's own baseline (its quote), else the earliest achieved figure."""
    if pd.isna(row["base_value"]) or pd.isna(row["base_year"]):
        return Safe("n/a")
    if row.get("base_from") == "pledge":
        pledge = pledges.loc[row["pledge_id"]]
        text = f"{number(row['base_value'], row['unit'])} ({int(row['base_year'])}, stated in the pledge)"
        return Safe(esc(text) + provenance_details(pledge["quote"], sources.loc[pledge["source_id"]],
                                                   "quote, source"))
    return observed_cell(dataset, current, sources, row["indicator_id"], row["geography"], row["base_value"],
                         row["base_year"], row["unit"])


def status_cell(row) -> Safe:
    """The status badge and the rule that gave it."""
    reason = row.get("reason")
    reason_html = f'<span class="zt-reason">{esc(reason)}</span>' if isinstance(reason, str) and reason else ""
    return Safe(status_badge(row["status"]) + reason_html)


def indicator_name(indicator_id: str, name: str) -> Safe:
    """An indicator's name, marked with its id so the build can link it to the indicator's page
    (:func:`analysis.builder.plan.link_reports` turns the mark into a link where the page exists)."""
    return Safe(f'<span class="zt-ind" data-indicator="{esc(indicator_id)}">{esc(name)}</span>')


def guide_link(text: str = "How to read the verdicts") -> Safe:
    """A link to the index's definitions of every status."""
    return Safe(f'<a href="{GUIDE_HREF}">{esc(text)}</a>')


def progress_rows(dataset: Dataset, table: pd.DataFrame, caption: str = "", fold_after: int | None = FOLD_AFTER,
                  empty: str = "No pledge in this selection.") -> Table:
    """The verdict table: pledge, place, target, base, latest figure, R and status, every figure traceable.

    Rows are ordered by status (best first), then theme and indicator name.
    """
    current = current_observations(dataset)
    pledges = dataset.pledges.set_index("pledge_id")
    sources = source_info(dataset)
    order = table.assign(_o=table["status"].astype(str).map(STATUS_ORDER).to_numpy())
    order = order.sort_values(["_o", "theme", "name", "geography", "target_year", "pledge_id"], kind="stable")
    rows = []
    for _, r in order.iterrows():
        ratio = f"{r['ratio']:.2f}" if pd.notna(r.get("ratio")) else "–"
        pledge = Safe(f"{indicator_name(r['indicator_id'], r['name'])}<span class=\"zt-sub\">{esc(theme_label(r['theme']))}</span>")
        rows.append([
            pledge,
            r["geography"],
            pledge_cell(dataset, pledges, sources, r),
            base_cell(dataset, current, pledges, sources, r),
            observed_cell(dataset, current, sources, r["indicator_id"], r["geography"], r["latest_value"],
                          r["latest_year"], r["unit"]),
            ratio,
            status_cell(r),
        ])
    note = Safe(
        "R: the observed annual rate of change divided by the rate needed to reach the target on time. "
        f"{guide_link()} (every status and its thresholds)."
    )
    return render(rows, ["Pledge", "Where", "Target", "Base", "Latest figure", "R", "Status"], numeric=("R",),
                  caption=caption, note=note, fold_after=fold_after, empty=empty)


def sources_rows(dataset: Dataset, source_ids, fold_after: int | None = FOLD_AFTER) -> Table:
    """Every source used: title, issuer, publication date and its link (or where the document is kept)."""
    used = dataset.sources[dataset.sources["source_id"].isin(set(source_ids))]
    used = used.assign(_d=used["published"]).sort_values(["_d", "title_en"], na_position="last", kind="stable")
    rows = []
    for _, s in used.iterrows():
        date = f"{s['published']:%Y-%m-%d}" if pd.notna(s["published"]) else "not recorded"
        title = Safe(esc(s["title_en"]) + (f'<span class="zt-sub" lang="zh">{esc(s["title"])}</span>'
                                           if isinstance(s.get("title"), str) and s["title"] != s["title_en"] else ""))
        rows.append([title, s["issuer"], evidence_words(s.get("kind")), date, source_link(s)])
    return render(rows, ["Source", "Issuer", "Evidence", "Published", "Where to read it"], fold_after=fold_after,
                  caption=f"{len(rows)} sources", empty="No source for this selection.")


def lineage_rows(dataset: Dataset, history: pd.DataFrame, fold_after: int | None = FOLD_AFTER) -> Table:
    """Pledges restating an earlier one: indicator, place, the earlier and the later target, what changed."""
    names = dataset.indicators.set_index("indicator_id")["name"]
    units = dataset.indicators.set_index("indicator_id")["unit"]
    pledges = dataset.pledges.set_index("pledge_id")
    sources = source_info(dataset)
    rows = []
    for _, h in history.iterrows():
        unit = units.get(h["indicator_id"], "")

        def target(pid, value, year, unit=unit):
            if not isinstance(pid, str):
                return Safe("–")
            p = pledges.loc[pid]
            words = COMPARATOR_WORDS.get(str(p["comparator"]), "")
            text = f"{words} {number(value, unit)}".strip() + f" by {int(year)}"
            return Safe(esc(text) + f'<span class="zt-sub">{esc(sources.at[p["source_id"], "title_en"])}</span>'
                        + provenance_details(p["quote"], sources.loc[p["source_id"]], "pledge: quote, source"))

        rows.append([
            names.get(h["indicator_id"], h["indicator_id"]),
            h["geography"],
            target(h.get("previous_pledge_id"), h.get("previous_target_value"), h.get("previous_target_year")),
            target(h["pledge_id"], h["target_value"], h["target_year"]),
            "first pledge" if h["verdict"] == "first" else str(h["verdict"]).replace("_", " "),
        ])
    return render(rows, ["Indicator", "Where", "Earlier pledge", "Pledge", "Change"], fold_after=fold_after,
                  empty="No pledge restates an earlier one.")


def conflicts_rows(dataset: Dataset, conflicts: pd.DataFrame, fold_after: int | None = FOLD_AFTER) -> Table:
    """Figures reported differently by different sources, with which one is used and each one's quote."""
    info = dataset.indicators.set_index("indicator_id")
    sources = source_info(dataset)
    rows = []
    for _, c in conflicts.iterrows():
        unit = info.at[c["indicator_id"], "unit"] if c["indicator_id"] in info.index else ""
        source = sources.loc[c["source_id"]]
        comparator = str(c.get("comparator", "=")) if pd.notna(c.get("comparator", "=")) else "="
        figure = Safe(esc(figure_text(c["value"], unit, comparator, str(c["status"])))
                      + provenance_details(c["quote"], source, "quote, source",
                                           qualifier_words(comparator, str(c["status"]))))
        rows.append([
            info.at[c["indicator_id"], "name"] if c["indicator_id"] in info.index else c["indicator_id"],
            c["geography"],
            str(int(c["year"])),
            figure,
            Safe(esc(source["title_en"]) + f'<span class="zt-sub">{esc(published_text(source))}</span>'),
            "used" if bool(c["current"]) else "superseded",
        ])
    return render(rows, ["Indicator", "Where", "Year", "Figure", "Source", "Used?"], fold_after=fold_after,
                  empty="No two sources disagree.")


def coverage_rows(coverage: pd.DataFrame, fold_after: int | None = FOLD_AFTER) -> Table:
    """Years with and without an official figure per series (from :func:`analysis.method.coverage`)."""
    start, end = coverage.attrs.get("span", (None, None))
    rows = [
        [c["name"], c["geography"], f"{int(c['years'])} of {int(c['expected'])}", c["covered"] or "none",
         c["missing"] or "none", str(int(c["sources"]))]
        for _, c in coverage.iterrows()
    ]
    caption = f"Official figures per year, {start}-{end}" if start is not None else ""
    return render(rows, ["Series", "Where", "Years covered", "Covered", "Missing", "Sources"],
                  numeric=("Sources",), caption=caption, fold_after=fold_after, empty="No series for this selection.")


def chart_figures(dataset: Dataset, indicator_id: str, geographies, as_of: int, pledge_id: str | None = None,
                  summary: str | None = None) -> Table:
    """Under a chart: a folded table of every achieved figure it plots (and the pledge), each with its
    verbatim quote, source title, publication date and link.

    ``geographies`` is one place or a list of places (a "Where" column is added for several).
    """
    places = [geographies] if isinstance(geographies, str) else list(geographies)
    current = current_observations(dataset).reset_index()
    sources = source_info(dataset)
    unit = dataset.indicators.set_index("indicator_id").at[indicator_id, "unit"]
    own = current[(current["indicator_id"] == indicator_id) & current["geography"].isin(places)
                  & (current["year"] <= as_of)].sort_values(["geography", "year"])
    several = len(places) > 1
    rows = []
    if pledge_id is not None:
        p = dataset.pledges.set_index("pledge_id").loc[pledge_id]
        words = COMPARATOR_WORDS.get(str(p["comparator"]), "")
        rows.append([f"target {int(p['target_year'])}"] + ([p["geography"]] if several else []) + [
            f"{words} {number(p['target_value'], unit)}".strip(),
            Safe(f'<span class="zt-quote">“{esc(p["quote"])}”</span>'), source_citation(sources.loc[p["source_id"]])])
    for _, o in own.iterrows():
        comparator = str(o.get("comparator", "=")) if pd.notna(o.get("comparator", "=")) else "="
        kind = qualifier_words(comparator, str(o["status"]))
        figure = figure_text(o["value"], unit, comparator, str(o["status"]))
        quote = Safe(f'<span class="zt-quote">“{esc(o["quote"])}”</span>'
                     + (f'<span class="zt-sub">{esc(kind)}</span>' if kind else ""))
        rows.append([str(int(o["year"]))] + ([o["geography"]] if several else [])
                    + [figure, quote, source_citation(sources.loc[o["source_id"]])])
    n = len(own)
    summary = summary or (f"The figures behind this chart: {n} achieved figure{'s' if n != 1 else ''}"
                          + (" and the pledge" if pledge_id is not None else "") + ", with quotes and sources")
    columns = ["Year"] + (["Where"] if several else []) + ["Figure", "Quote", "Source"]
    table = render(rows, columns, fold_after=None, empty="No figure.")
    return Table(f'<details class="zt-more"><summary>{esc(summary)}</summary>{table.html}</details>')


# --- the verdict guide ------------------------------------------------------------------------


def status_definitions() -> list[tuple[str, str]]:
    """(status, definition with its threshold) for every status, from the method's defaults."""
    t, r = DEFAULTS["thresholds"], DEFAULTS["rules"]
    return [
        ("met", "the target year has passed and the figure for that year meets the target."),
        ("achieved", "the latest figure already meets the literal target before its year."),
        ("within_tolerance", "the figure is short of the literal target but within its tolerance (an “about” "
                             f"target within {r.about_tolerance:.0%}, or a target at a natural bound such as "
                             "100%): shown as such, never counted as met or achieved."),
        ("on_track", f"R ≥ {t.on_track}: at the observed pace the target is reached on time."),
        ("acceleration_needed", f"{t.acceleration_needed} ≤ R < {t.on_track}: moving the right way, "
                                "but too slowly to arrive on time."),
        ("limited", f"{t.limited} ≤ R < {t.acceleration_needed}: little progress, or no meaningful "
                    "rate (the required change is zero or points the other way)."),
        ("deterioration", f"R < {t.limited}: the latest figure moved away from the target."),
        ("missed", "the target year has passed and the figure for that year falls short of the target."),
        ("insufficient_data", "no achieved figure yet, or only one point in time, so no pace can be measured."),
    ]


def verdict_guide() -> Safe:
    """The "How to read the verdicts" box: R, and every status with its threshold."""
    r = DEFAULTS["rules"]
    items = "".join(f"<dt>{status_badge(s)}</dt><dd>{esc(text)}</dd>" for s, text in status_definitions())
    return Safe(
        '<section class="guide" id="how-to-read" aria-labelledby="how-to-read-title">'
        '<h2 id="how-to-read-title">How to read the verdicts</h2>'
        "<p>Each pledge is judged with Eurostat's progress assessment. <strong>R</strong> is the observed "
        "annual rate of change since the base year (the pledge's own baseline, else the earliest figure) "
        "divided by the rate needed to reach the target on time. Levels (money, counts) use compound annual "
        "growth, shares and ratios the absolute annual change; a growth rate or a yearly flow is judged "
        "directly against its target. A target at a natural bound (100%) aims "
        f"{r.bound_tolerance:.0%} of the distance short of it.</p>"
        f'<dl class="guide-list">{items}</dl>'
        "<p>Preliminary figures (from a work report for the year just ended), approximate figures "
        "(“about”) and bounds (“at least”, “at most”) are marked as such wherever they are shown.</p>"
        "</section>"
    )
