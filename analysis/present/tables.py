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

from ..data import formats, i18n
from ..data.dataset import ACHIEVED_STATUSES, EVIDENCE_KINDS, Dataset
from ..data.formats import UNIT_LABELS, number, unit_label  # noqa: F401 - the tables' wording of a figure
from ..data.i18n import N_, _, ngettext, pgettext
from ..method.progress import DEFAULTS, STATUS_COLORS, STATUS_LABELS, STATUS_ORDER
from .words import place  # noqa: F401 - the tables' wording of a place

#: Reader's names of the dataset's themes (an unknown theme reads as its id with spaces); English,
#: marked for the catalog and translated where shown (:func:`theme_label`).
THEME_LABELS = {
    "income_gap": N_("Income gap"),
    "industry_innovation": N_("Industry and innovation"),
    "ecology_energy": N_("Ecology and energy"),
    "public_services": N_("Public services"),
    "macro_economy": N_("Economy"),
    "urbanization_regional": N_("Urbanisation and regions"),
    "governance_other": N_("Governance and other"),
}

#: How a comparator reads in front of a figure (translated where shown: :func:`comparator_words`).
COMPARATOR_WORDS = {"=": "", "~": N_("about"), ">=": N_("at least"), "<=": N_("at most")}

#: What a source is, in words (:data:`analysis.data.schema.EVIDENCE_KINDS`, marked here for the catalog).
EVIDENCE_WORDS = {
    "official": N_("the issuer's own publication"),
    "official_copy": N_("an official document, read through a copy"),
    "news": N_("a news report of official figures"),
    "other": N_("other (unattributed, self-media or aggregator)"),
}

#: How a pledge restates an earlier one (:func:`analysis.method.lineage.pledge_lineage`'s ``verdict``).
LINEAGE_WORDS = {
    "first": N_("first pledge"),
    "raised": N_("raised"),
    "lowered": N_("lowered"),
    "kept": N_("kept"),
    "met, then extended": N_("met, then extended"),
    "postponed": N_("postponed"),
    "new target": N_("new target"),
    "milestone": N_("milestone"),
    "brought forward": N_("brought forward"),
}


def status_label(status) -> str:
    """A status in words in the current language: ``on track``, in Chinese 基本符合预期."""
    status = str(status)
    return _(STATUS_LABELS[status]) if status in STATUS_LABELS else status.replace("_", " ")


def comparator_words(comparator, words=None) -> str:
    """The words in front of a figure for a comparator ("" for an exact one), translated."""
    text = (COMPARATOR_WORDS if words is None else words).get(str(comparator), "")
    return _(text) if text else ""


def qualified(words: str, figure: str) -> str:
    """A figure with the (translated) words in front of it: ``at least 90%``, in Chinese 不低于90%."""
    return _("{qualifier} {figure}").format(qualifier=words, figure=figure) if words else figure.strip()


def _sep() -> str:
    """The separator of the parts of a note: ", " (Chinese "，")."""
    return pgettext("separator", ", ")


def names_zh(dataset: Dataset | None) -> pd.Series | None:
    """The Chinese names of the indicators, by ``indicator_id`` (None without a dataset)."""
    if dataset is None or "name_zh" not in dataset.indicators:
        return None
    return dataset.indicators.set_index("indicator_id")["name_zh"]


def indicator_text(indicator_id, name, zh: pd.Series | None = None, name_zh=None) -> str:
    """An indicator's name in the current language: ``name`` in English; in Chinese ``name_zh`` (given, or
    looked up by ``indicator_id`` in ``zh``), else ``name`` when no Chinese name is known."""
    if not i18n.is_chinese():
        return name
    if not (isinstance(name_zh, str) and name_zh) and zh is not None:
        name_zh = zh.get(indicator_id)
    return name_zh if isinstance(name_zh, str) and name_zh else name


def source_title(source) -> str:
    """A source's title as the edition shows it: ``title_en`` in English, ``title`` (the original) in Chinese."""
    if i18n.is_chinese() and isinstance(source.get("title"), str) and source.get("title"):
        return source.get("title")
    return source.get("title_en")

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
    """The reader's name of a theme id, e.g. ``ecology_energy`` -> ``Ecology and energy`` (生态与能源)."""
    if str(theme) in THEME_LABELS:
        return _(THEME_LABELS[str(theme)])
    return str(theme).replace("_", " ").capitalize()


def figure_text(value, unit, comparator: str = "=", status: str = "reported", year=None, words=None) -> str:
    """A figure as a reader should take it: ``about 1.81 (2022, preliminary)``, ``at least 90%``.

    ``words`` maps a comparator to the words in front of the figure (default :data:`COMPARATOR_WORDS`;
    the report card says "more than" of a published bound)."""
    text = qualified(comparator_words(comparator, words), number(value, unit))
    notes = [formats.year(year)] if year is not None and pd.notna(year) else []
    if status == "preliminary":
        notes.append(_("preliminary"))
    elif status == "revised":
        notes.append(_("revised"))
    return _("{figure} ({notes})").format(figure=text, notes=_sep().join(notes)) if notes else text


def gap_text(value: float, year: int, target: float, unit: str, sign: float) -> str:
    """A missed target said plainly, e.g. ``70,240 yuan in 2025, 4,760 yuan (6.3%) short of the 75,000
    yuan pledged`` (``above`` the target where lower is better)."""
    gap = abs(target - value)
    words = dict(value=number(value, unit), year=int(year), gap=number(gap, unit), target=number(target, unit))
    if target:
        words["share"] = f"{gap / abs(target):.1%}"
        if sign > 0:
            return _("{value} in {year}, {gap} ({share}) short of the {target} pledged").format(**words)
        return _("{value} in {year}, {gap} ({share}) above the {target} pledged").format(**words)
    if sign > 0:
        return _("{value} in {year}, {gap} short of the {target} pledged").format(**words)
    return _("{value} in {year}, {gap} above the {target} pledged").format(**words)


def qualifier_words(comparator: str = "=", status: str = "reported") -> str:
    """What a figure's comparator and status mean, in words ("" for an exact final figure)."""
    parts = []
    if comparator == "~":
        parts.append(_("the source gives an approximate figure (about)"))
    elif comparator == ">=":
        parts.append(_("the source gives a lower bound (at least)"))
    elif comparator == "<=":
        parts.append(_("the source gives an upper bound (at most)"))
    if status == "preliminary":
        parts.append(_("a preliminary figure, which a later release may revise"))
    elif status == "revised":
        parts.append(_("a revised figure (e.g. after an economic census)"))
    return pgettext("separator", "; ").join(parts)


def status_badge(status: str) -> Safe:
    """A status as a coloured badge (the chart colour; text in black or white, whichever contrasts more)."""
    status = str(status)
    label = status_label(status)
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
           note: str = "", fold_after: int | None = FOLD_AFTER, empty: str = N_("No rows for this selection.")) -> Table:
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
        What to say instead of an empty table (a message of the catalog is translated).

    Returns
    -------
    Table
    """
    note_html = f'<p class="zt-note">{esc(note)}</p>' if note else ""
    if not rows:
        return Table(f'<div class="zt-block"><p class="zt-note">{esc(_(empty) if empty else empty)}</p>{note_html}</div>')
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
            + '<details class="zt-more"><summary>'
            + esc(_("Show the other {rest} rows (of {total})").format(rest=rest, total=len(rows)))
            + "</summary>"
            + table(rows[fold_after:], "")
            + "</details>"
        )
    return Table(f'<div class="zt-block">{inner}{note_html}</div>')


#: Columns whose short values should not wrap (dates, years).
NOWRAP = (N_("Published"), N_("Year"), N_("Where"))


def _num(column: str, numeric) -> str:
    if column in numeric:
        return ' class="num"'
    return ' class="nowrap"' if column in NOWRAP or column in {_(c) for c in NOWRAP} else ""


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
    kind = str(kind)
    if kind in EVIDENCE_WORDS:
        return _(EVIDENCE_WORDS[kind])
    return EVIDENCE_KINDS[kind] if kind in EVIDENCE_KINDS else _("kind of evidence not recorded")


def source_link(source: pd.Series) -> Safe:
    """Where a source can be read: the original on the issuer's site first, then the copy actually
    read ("read at"), or where the document is kept when it has no address."""
    url, original = source.get("url"), source.get("original_url")
    kept = source.get("document")
    document = f"<code>{esc(kept)}</code>" if isinstance(kept, str) and kept else ""
    if _http(original):
        if _http(url) and url != original:
            return Safe(_("Original: {original}; read at {copy}").format(original=_link(original), copy=_link(url)))
        if document:
            return Safe(_("Original: {original}; read in the project's source documents as {document}").format(
                original=_link(original), document=document))
        return Safe(_("Original: {original}").format(original=_link(original)))
    if _http(url):
        if source.get("kind") in ("official_copy", "news", "other"):
            return Safe(_("Original address not recorded; read at {copy}").format(copy=_link(url)))
        return Safe(_link(url))
    if document:
        return Safe(_("No public link recorded; the document is kept in the project's source documents as "
                      "{document}").format(document=document))
    return Safe(_("No link recorded"))


def published_text(source: pd.Series) -> str:
    """The publication date as ``2023-01-12``, or say it is not recorded."""
    date = source.get("published")
    if date is None or pd.isna(date):
        return _("publication date not recorded")
    return _("published {date}").format(date=formats.date(date))


def source_citation(source: pd.Series) -> Safe:
    """Issuer, title, publication date, kind of evidence and link of one source (a row of
    ``dataset.sources``): the issuer and the original first, the copy read after them."""
    issuer = source.get("issuer")
    kind = esc(evidence_words(source.get("kind")))
    words = dict(title=f"<em>{esc(source_title(source))}</em>", published=esc(published_text(source)),
                 kind=f'<span class="zt-kind">{kind[:1].upper() + kind[1:]}</span>', link=source_link(source))
    if isinstance(issuer, str) and issuer:
        return Safe(_("{issuer}: {title}; {published}; {kind}. {link}").format(issuer=esc(issuer), **words))
    return Safe(_("{title}; {published}; {kind}. {link}").format(**words))


def provenance_details(quote, source: pd.Series, summary: str = N_("source"), qualifier: str = "",
                       note=None) -> Safe:
    """A ``<details>`` element: the verbatim quote, what kind of figure it is, and the citation
    (``summary``: the words to click, a message of the catalog is translated)."""
    summary = _(summary) if summary else summary
    extra = ("<p>" + esc(_("{sentence}.").format(sentence=qualifier[:1].upper() + qualifier[1:])) + "</p>"
             if qualifier else "")
    if isinstance(note, str) and note:
        # dataset text: literal, never a link (links come from sources.url)
        extra += "<p>" + esc(_("Note: {note}").format(note=note)) + "</p>"
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
        return Safe(_("n/a"))
    obs = observation_for(current, indicator_id, geography, year)
    if obs is None:
        return Safe(esc(figure_text(value, unit, year=year)))
    comparator = str(obs.get("comparator", "=")) if pd.notna(obs.get("comparator", "=")) else "="
    text = figure_text(value, unit, comparator, str(obs["status"]), year)
    source = sources.loc[obs["source_id"]]
    return Safe(esc(text) + provenance_details(obs["quote"], source, _("quote, source"),
                                               qualifier_words(comparator, str(obs["status"])), obs.get("note")))


def target_words(row) -> str:
    """``at least 75,000 yuan by 2025`` (到2025年不低于75000元)."""
    year = int(row["target_year"])
    if str(row["comparator"]) == "increase":  # a direction-only pledge: no number
        return _("keep increasing (no number) to {year}").format(year=year)
    if str(row["comparator"]) == "decrease":
        return _("keep decreasing (no number) to {year}").format(year=year)
    return target_phrase(row["comparator"], row["target_value"], row["unit"], year)


def target_phrase(comparator, value, unit, year) -> str:
    """A numeric target: ``at least 75,000 yuan by 2025`` (到2025年不低于75000元)."""
    words, figure = comparator_words(comparator), number(value, unit)
    if words:
        return _("{qualifier} {figure} by {year}").format(qualifier=words, figure=figure, year=int(year))
    return _("{figure} by {year}").format(figure=figure.strip(), year=int(year))


def pledge_cell(dataset: Dataset, pledges: pd.DataFrame, sources: pd.DataFrame, row) -> Safe:
    """The target in words with the pledge's quote and source one click away."""
    pledge = pledges.loc[row["pledge_id"]]
    details = provenance_details(pledge["quote"], sources.loc[pledge["source_id"]], _("pledge: quote, source"),
                                 note=pledge.get("note"))
    return Safe(esc(target_words(row)) + details)


def base_cell(dataset, current, pledges, sources, row) -> Safe:
    """The base figure: from the pledge's own baseline (its quote), else the earliest achieved figure."""
    if pd.isna(row["base_value"]) or pd.isna(row["base_year"]):
        return Safe(_("n/a"))
    if row.get("base_from") == "pledge":
        pledge = pledges.loc[row["pledge_id"]]
        text = _("{figure} ({year}, stated in the pledge)").format(figure=number(row["base_value"], row["unit"]),
                                                                   year=int(row["base_year"]))
        return Safe(esc(text) + provenance_details(pledge["quote"], sources.loc[pledge["source_id"]],
                                                   _("quote, source")))
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


def guide_link(text: str = N_("How to read the verdicts")) -> Safe:
    """A link to the index's definitions of every status (a message of the catalog is translated)."""
    return Safe(f'<a href="{GUIDE_HREF}">{esc(_(text) if text else text)}</a>')


def progress_rows(dataset: Dataset, table: pd.DataFrame, caption: str = "", fold_after: int | None = FOLD_AFTER,
                  empty: str = N_("No pledge in this selection.")) -> Table:
    """The verdict table: pledge, place, target, base, latest figure, R and status, every figure traceable.

    Rows are ordered by status (best first), then theme and indicator name.
    """
    current = current_observations(dataset)
    pledges = dataset.pledges.set_index("pledge_id")
    sources = source_info(dataset)
    order = table.assign(_o=table["status"].astype(str).map(STATUS_ORDER).to_numpy())
    order = order.sort_values(["_o", "theme", "name", "geography", "target_year", "pledge_id"], kind="stable")
    zh = names_zh(dataset)
    rows = []
    for _row, r in order.iterrows():
        ratio = f"{r['ratio']:.2f}" if pd.notna(r.get("ratio")) else "–"
        name = indicator_text(r["indicator_id"], r["name"], zh, r.get("name_zh"))
        pledge = Safe(f"{indicator_name(r['indicator_id'], name)}<span class=\"zt-sub\">{esc(theme_label(r['theme']))}</span>")
        rows.append([
            pledge,
            place(r["geography"]),
            pledge_cell(dataset, pledges, sources, r),
            base_cell(dataset, current, pledges, sources, r),
            observed_cell(dataset, current, sources, r["indicator_id"], r["geography"], r["latest_value"],
                          r["latest_year"], r["unit"]),
            ratio,
            status_cell(r),
        ])
    note = Safe(_("R: the observed annual rate of change divided by the rate needed to reach the target on time. "
                  "{guide} (every status and its thresholds).").format(guide=guide_link()))
    columns = [_("Pledge"), _("Where"), _("Target"), _("Base"), _("Latest figure"), "R", _("Status")]
    return render(rows, columns, numeric=("R",), caption=caption, note=note, fold_after=fold_after, empty=empty)


def sources_rows(dataset: Dataset, source_ids, fold_after: int | None = FOLD_AFTER) -> Table:
    """Every source used: title, issuer, publication date and its link (or where the document is kept)."""
    used = dataset.sources[dataset.sources["source_id"].isin(set(source_ids))]
    used = used.assign(_d=used["published"]).sort_values(["_d", "title_en"], na_position="last", kind="stable")
    rows = []
    for _row, s in used.iterrows():
        date = formats.date(s["published"]) if pd.notna(s["published"]) else _("not recorded")
        if i18n.is_chinese():  # the original title (the Chinese edition shows no translation of it)
            title = Safe(esc(source_title(s)))
        else:
            title = Safe(esc(s["title_en"]) + (f'<span class="zt-sub" lang="zh">{esc(s["title"])}</span>'
                                               if isinstance(s.get("title"), str) and s["title"] != s["title_en"] else ""))
        rows.append([title, s["issuer"], evidence_words(s.get("kind")), date, source_link(s)])
    columns = [_("Source"), _("Issuer"), _("Evidence"), _("Published"), _("Where to read it")]
    return render(rows, columns, fold_after=fold_after, caption=_("{n} sources").format(n=len(rows)),
                  empty=_("No source for this selection."))


def lineage_rows(dataset: Dataset, history: pd.DataFrame, fold_after: int | None = FOLD_AFTER) -> Table:
    """Pledges restating an earlier one: indicator, place, the earlier and the later target, what changed."""
    names = dataset.indicators.set_index("indicator_id")["name"]
    zh = names_zh(dataset)
    units = dataset.indicators.set_index("indicator_id")["unit"]
    pledges = dataset.pledges.set_index("pledge_id")
    sources = source_info(dataset)
    rows = []
    for _row, h in history.iterrows():
        unit = units.get(h["indicator_id"], "")

        def target(pid, value, year, unit=unit):
            if not isinstance(pid, str):
                return Safe("–")
            p = pledges.loc[pid]
            text = target_phrase(p["comparator"], value, unit, year)
            return Safe(esc(text) + f'<span class="zt-sub">{esc(source_title(sources.loc[p["source_id"]]))}</span>'
                        + provenance_details(p["quote"], sources.loc[p["source_id"]], _("pledge: quote, source")))

        verdict = str(h["verdict"])
        rows.append([
            indicator_text(h["indicator_id"], names.get(h["indicator_id"], h["indicator_id"]), zh),
            place(h["geography"]),
            target(h.get("previous_pledge_id"), h.get("previous_target_value"), h.get("previous_target_year")),
            target(h["pledge_id"], h["target_value"], h["target_year"]),
            _(LINEAGE_WORDS[verdict]) if verdict in LINEAGE_WORDS else verdict.replace("_", " "),
        ])
    columns = [_("Indicator"), _("Where"), _("Earlier pledge"), _("Pledge"), _("Change")]
    return render(rows, columns, fold_after=fold_after, empty=_("No pledge restates an earlier one."))


def conflicts_rows(dataset: Dataset, conflicts: pd.DataFrame, fold_after: int | None = FOLD_AFTER) -> Table:
    """Figures reported differently by different sources, with which one is used and each one's quote."""
    info = dataset.indicators.set_index("indicator_id")
    zh = names_zh(dataset)
    sources = source_info(dataset)
    rows = []
    for _row, c in conflicts.iterrows():
        unit = info.at[c["indicator_id"], "unit"] if c["indicator_id"] in info.index else ""
        source = sources.loc[c["source_id"]]
        comparator = str(c.get("comparator", "=")) if pd.notna(c.get("comparator", "=")) else "="
        figure = Safe(esc(figure_text(c["value"], unit, comparator, str(c["status"])))
                      + provenance_details(c["quote"], source, _("quote, source"),
                                           qualifier_words(comparator, str(c["status"]))))
        known = c["indicator_id"] in info.index
        rows.append([
            indicator_text(c["indicator_id"], info.at[c["indicator_id"], "name"], zh) if known else c["indicator_id"],
            place(c["geography"]),
            formats.year(c["year"]),
            figure,
            Safe(esc(source_title(source)) + f'<span class="zt-sub">{esc(published_text(source))}</span>'),
            _("used") if bool(c["current"]) else _("superseded"),
        ])
    columns = [_("Indicator"), _("Where"), _("Year"), _("Figure"), _("Source"), _("Used?")]
    return render(rows, columns, fold_after=fold_after, empty=_("No two sources disagree."))


def coverage_rows(coverage: pd.DataFrame, fold_after: int | None = FOLD_AFTER, dataset: Dataset | None = None) -> Table:
    """Years with and without an official figure per series (from :func:`analysis.method.coverage`); with
    ``dataset``, the Chinese edition names each series by its indicator's ``name_zh``."""
    start, end = coverage.attrs.get("span", (None, None))
    zh = names_zh(dataset)
    rows = [
        [indicator_text(c.get("indicator_id"), c["name"], zh), place(c["geography"]),
         _("{years} of {expected}").format(years=int(c["years"]), expected=int(c["expected"])),
         c["covered"] or _("none"), c["missing"] or _("none"), str(int(c["sources"]))]
        for _row, c in coverage.iterrows()
    ]
    caption = _("Official figures per year, {start}-{end}").format(start=start, end=end) if start is not None else ""
    sources = _("Sources")
    return render(rows, [_("Series"), _("Where"), _("Years covered"), _("Covered"), _("Missing"), sources],
                  numeric=(sources,), caption=caption, fold_after=fold_after, empty=_("No series for this selection."))


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
        rows.append([_("target {year}").format(year=int(p["target_year"]))] + ([place(p["geography"])] if several else []) + [
            qualified(comparator_words(p["comparator"]), number(p["target_value"], unit)),
            Safe(f'<span class="zt-quote">“{esc(p["quote"])}”</span>'), source_citation(sources.loc[p["source_id"]])])
    for _row, o in own.iterrows():
        comparator = str(o.get("comparator", "=")) if pd.notna(o.get("comparator", "=")) else "="
        kind = qualifier_words(comparator, str(o["status"]))
        figure = figure_text(o["value"], unit, comparator, str(o["status"]))
        quote = Safe(f'<span class="zt-quote">“{esc(o["quote"])}”</span>'
                     + (f'<span class="zt-sub">{esc(kind)}</span>' if kind else ""))
        rows.append([formats.year(o["year"])] + ([place(o["geography"])] if several else [])
                    + [figure, quote, source_citation(sources.loc[o["source_id"]])])
    n = len(own)
    if summary:
        summary = _(summary)
    elif pledge_id is not None:
        summary = ngettext("The figures behind this chart: {n} achieved figure and the pledge, with quotes and sources",
                           "The figures behind this chart: {n} achieved figures and the pledge, with quotes and sources",
                           n).format(n=n)
    else:
        summary = ngettext("The figures behind this chart: {n} achieved figure, with quotes and sources",
                           "The figures behind this chart: {n} achieved figures, with quotes and sources", n).format(n=n)
    columns = [_("Year")] + ([_("Where")] if several else []) + [_("Figure"), _("Quote"), _("Source")]
    table = render(rows, columns, fold_after=None, empty=_("No figure."))
    return Table(f'<details class="zt-more"><summary>{esc(summary)}</summary>{table.html}</details>')


# --- the verdict guide ------------------------------------------------------------------------


def status_definitions() -> list[tuple[str, str]]:
    """(status, definition with its threshold) for every status, from the method's defaults."""
    t, r = DEFAULTS["thresholds"], DEFAULTS["rules"]
    return [
        ("met", _("the target year has passed and the figure for that year meets the target.")),
        ("achieved", _("the latest figure already meets the literal target before its year.")),
        ("within_tolerance", _("the figure is short of the literal target but within its tolerance (an “about” "
                               "target within {tolerance}, or a target at a natural bound such as 100%): shown as "
                               "such, never counted as met or achieved.").format(tolerance=f"{r.about_tolerance:.0%}")),
        ("on_track", _("R ≥ {on_track}: at the observed pace the target is reached on time.").format(
            on_track=t.on_track)),
        ("acceleration_needed", _("{low} ≤ R < {high}: moving the right way, but too slowly to arrive on time.").format(
            low=t.acceleration_needed, high=t.on_track)),
        ("limited", _("{low} ≤ R < {high}: little progress, or no meaningful rate (the required change is zero or "
                      "points the other way).").format(low=t.limited, high=t.acceleration_needed)),
        ("deterioration", _("R < {limited}: the latest figure moved away from the target.").format(limited=t.limited)),
        ("missed", _("the target year has passed and the figure for that year falls short of the target.")),
        ("insufficient_data", _("no achieved figure yet, or only one point in time, so no pace can be measured.")),
    ]


def verdict_guide() -> Safe:
    """The "How to read the verdicts" box: R, and every status with its threshold."""
    r = DEFAULTS["rules"]
    items = "".join(f"<dt>{status_badge(s)}</dt><dd>{esc(text)}</dd>" for s, text in status_definitions())
    method = _("Each pledge is judged with Eurostat's progress assessment. {R} is the observed annual rate of change "
               "since the base year (the pledge's own baseline, else the earliest figure) divided by the rate needed "
               "to reach the target on time. Levels (money, counts) use compound annual growth, shares and ratios the "
               "absolute annual change; a growth rate or a yearly flow is judged directly against its target. A target "
               "at a natural bound (100%) aims {tolerance} of the distance short of it.")
    marks = _("Preliminary figures (from a work report for the year just ended), approximate figures (“about”) and "
              "bounds (“at least”, “at most”) are marked as such wherever they are shown.")
    return Safe(
        '<section class="guide" id="how-to-read" aria-labelledby="how-to-read-title">'
        f'<h2 id="how-to-read-title">{esc(_("How to read the verdicts"))}</h2>'
        f"<p>{method.format(R='<strong>R</strong>', tolerance=f'{r.bound_tolerance:.0%}')}</p>"
        f'<dl class="guide-list">{items}</dl>'
        f"<p>{marks}</p>"
        "</section>"
    )
