"""The report card of a plan period: every pledge due in one year, its verdict, and the evidence.

For each pledge whose target year is ``year`` (2025 closes the 2021-2025 plan), the card gives the
verdict of :func:`analysis.method.progress.progress_table`, the figure that decides it (the figure for the
target year itself when there is one, else the latest figure used for the pace), that figure's
verbatim quote and source, and, for a pledge still without a final verdict, one line saying why
(no figure in the sources read, only a bound, only one point in time, no figure for the target year yet) with
the Chinese indicator name a researcher would search for.
"""

from __future__ import annotations

import pandas as pd

from ..data import i18n
from ..data.dataset import ACHIEVED_STATUSES, Dataset
from ..data.i18n import N_, _, ngettext, pgettext

#: Verdicts that close a pledge: the target year's figure decided it.
FINAL = ("met", "missed")

#: How a published bound reads ("突破7万元": more than 70,000); translated where shown.
BOUND_WORDS = {"=": "", "~": N_("about"), ">=": N_("more than"), "<=": N_("less than")}


def figure_text(value: float, comparator: str, unit: str, year: int, status: str) -> str:
    """A figure as a reader should read it, e.g. ``more than 70,000 yuan (2025, preliminary)``
    (:func:`analysis.present.tables.figure_text` with the words for a bound)."""
    from .tables import figure_text as text

    return text(value, unit, comparator, status, int(year), words=BOUND_WORDS)


def _achieved(dataset: Dataset) -> pd.DataFrame:
    obs = dataset.observations
    obs = obs[obs["status"].isin(ACHIEVED_STATUSES)]
    if "current" in obs:
        obs = obs[obs["current"].astype(bool)]
    return obs


def _with_sums(dataset: Dataset, obs: pd.DataFrame, pledges: pd.DataFrame) -> pd.DataFrame:
    """``obs`` with the totals over a period added up from yearly figures (:mod:`analysis.method.period_sums`),
    each with its ``parts`` (year, value, source, quote); ``parts`` is None on the sources' own rows."""
    from ..method.period_sums import period_sums

    sums = period_sums(dataset.indicators, obs, pledges[["indicator_id", "geography", "target_year"]])
    obs = obs.assign(parts=None, missing=None)
    return obs if sums.empty else pd.concat([obs, sums.assign(quote="")], ignore_index=True)


def sum_text(figure: pd.Series, unit: str) -> str:
    """A total added up from yearly figures, as a reader should read it: ``at least 519,000 (2025,
    preliminary): the yearly figures found for 2022 and 2025 add up to it; none found for 2021, 2023
    and 2024``."""

    from .tables import COMPARATOR_WORDS
    from .tables import figure_text as words_text

    years = [str(int(y)) for y, *__ in figure["parts"]]
    # a total added up is at least the sum of the figures found ("at least", not a published bound's "more than")
    text = words_text(figure["value"], unit, figure["comparator"], figure["status"], int(figure["year"]),
                      words={**BOUND_WORDS, ">=": COMPARATOR_WORDS[">="]})
    text = _("{text}: the sum of the yearly figures for {years}").format(text=text, years=_and(years))
    if figure["missing"]:
        text = _("{text}; none found for {years}").format(text=text, years=_and([str(y) for y in figure["missing"]]))
    return text


def _and(items: list[str]) -> str:
    """``2021, 2023 and 2024`` (Chinese 2021、2023和2024)."""
    if len(items) == 1:
        return items[0]
    return _("{items} and {last}").format(items=pgettext("list", ", ").join(items[:-1]), last=items[-1])


def deciding_figure(obs: pd.DataFrame, indicator_id: str, geography: str, target_year: int, as_of: int):
    """The observation row that decides a pledge: the target year's figure, else the latest up to
    ``as_of``; a level (``=`` or ``~``) before a bound, which serves only where nothing else exists
    (None if there is no figure at all)."""
    own = obs[(obs["indicator_id"] == indicator_id) & (obs["geography"] == geography) & (obs["year"] <= as_of)]
    if own.empty:
        return None
    levels = own[own["comparator"].isin(["=", "~"])]
    pool = levels if len(levels) else own
    at_target = pool[pool["year"] == target_year]
    chosen = at_target if len(at_target) else pool[pool["year"] == pool["year"].max()]
    return chosen.iloc[0]


def bound_figure(obs: pd.DataFrame, indicator_id: str, geography: str, after: int, as_of: int):
    """The latest bound (``>=``/``<=``) for a year after ``after`` up to ``as_of``, or None."""
    own = obs[(obs["indicator_id"] == indicator_id) & (obs["geography"] == geography)
              & obs["comparator"].isin([">=", "<="]) & (obs["year"] > after) & (obs["year"] <= as_of)]
    return None if own.empty else own.sort_values("year").iloc[-1]


def _no_pace(row: pd.Series, year: int, n_points: int) -> str:
    """Why an ``insufficient_data`` pledge with a level figure gets no pace verdict (the recency
    rule named with the age the table was computed with, its ``max_age``)."""
    if n_points < 2:
        return _("Only one point in time ({year}), so there is no pace to judge.").format(year=year)
    from ..method.rules import stale

    max_age = int(row["max_age"])
    if stale(float(year), int(row.get("as_of", year)), float(row["target_year"]), max_age):
        return _("The latest figure ({year}) is more than {max_age} years old, too old to judge the pace.").format(
            year=year, max_age=max_age)
    reason = str(row.get("reason", "") or "").strip()  # the verdict engine's words (not translated here)
    return (reason[:1].upper() + reason[1:] + ".") if reason else _("No verdict could be computed.")


def why_open(row: pd.Series, figure, n_points: int, target_year: int, bound=None) -> str:
    """One line: why a pledge has no final verdict yet ("" when it has one).

    A pace verdict (on track, acceleration needed, ...) says which year its pace runs to; a pledge
    without any verdict says what is missing (a figure, a second point in time, a recent figure)."""
    if row["status"] in FINAL:
        return ""
    if figure is None:
        return _("No achieved figure for this indicator and place in the sources read so far.")
    year = int(figure["year"])
    judged = row["status"] != "insufficient_data"
    level = figure["comparator"] in ("=", "~")
    if isinstance(figure.get("parts"), list):
        return _("Not every year of the period has a figure: {sum}, which does not settle the target.").format(
            sum=sum_text(figure, row["unit"]))
    if not level:
        text = figure_text(figure["value"], figure["comparator"], row["unit"], year, figure["status"])
        return _("Only a bound is published for {year} ({figure}), which does not settle the target.").format(
            year=year, figure=text)
    if bound is not None:
        words = dict(bound_year=int(bound["year"]), year=year,
                     figure=figure_text(bound["value"], bound["comparator"], row["unit"], int(bound["year"]),
                                        bound["status"]))
        if judged:
            return _("Only a bound is published for {bound_year} ({figure}), which does not settle the target; the "
                     "verdict is a judgement on the pace up to {year}.").format(**words)
        return _("Only a bound is published for {bound_year} ({figure}), which does not settle the target. "
                 "{reason}").format(reason=_no_pace(row, year, n_points), **words)
    if row["status"] == "achieved":
        return _("No figure for {target_year} yet; the target was already reached in {year}.").format(
            target_year=target_year, year=year)
    if judged:
        return _("No figure for {target_year} yet; the verdict is a judgement on the pace up to {year}.").format(
            target_year=target_year, year=year)
    return _no_pace(row, year, n_points)


def report_card(dataset: Dataset, table: pd.DataFrame, year: int = 2025) -> pd.DataFrame:
    """Every pledge due in ``year`` with its verdict, deciding figure, evidence and open reason.

    Parameters
    ----------
    dataset : Dataset
        From :func:`analysis.load` (current figures).
    table : DataFrame
        :func:`analysis.method.progress.progress_table` output, assessed as of ``year`` or later.
    year : int, default 2025
        The target year of the pledges on the card.

    Returns
    -------
    DataFrame
        One row per pledge: pledge_id, indicator_id, name, name_zh, geography, target (text),
        status, figure (text, with "about"/"more than" and preliminary said in words), figure_year,
        quote, source_id, source_title, source_url, source_issuer, evidence_kind (the deciding
        source's ``kind``), published, gap_text (a missed pledge's shortfall in words, else ""),
        bound (a later bound shown beside the verdict, e.g. "more than 70,000 yuan (2025,
        preliminary)", or ""), open_reason ("" for met/missed).
    """
    from . import tables

    pledges = table[table["target_year"] == year]
    obs = _with_sums(dataset, _achieved(dataset), pledges)
    names_zh = dataset.indicators.set_index("indicator_id")["name_zh"]
    sources = dataset.sources.set_index("source_id")
    as_of = int(table["as_of"].max()) if len(table) else year
    rows = []
    for _row, row in pledges.iterrows():
        figure = deciding_figure(obs, row["indicator_id"], row["geography"], year, as_of)
        bound = None
        if figure is not None and figure["comparator"] in ("=", "~"):
            bound = bound_figure(obs, row["indicator_id"], row["geography"], int(figure["year"]), as_of)
        own = obs[(obs["indicator_id"] == row["indicator_id"]) & (obs["geography"] == row["geography"])]
        points = int(own.loc[own["comparator"].isin(["=", "~"]) & (own["year"] <= as_of), "year"].nunique())
        record = {
            "pledge_id": row["pledge_id"],
            "indicator_id": row["indicator_id"],
            "name": row["name"],
            "name_zh": names_zh.get(row["indicator_id"]) if pd.notna(names_zh.get(row["indicator_id"])) else "",
            "geography": row["geography"],
            "unit": row["unit"],
            "target": _target_text(row),
            "status": str(row["status"]),
            "figure": "",
            "figure_year": pd.NA,
            "quote": "",
            "source_id": "",
            "source_title": "",
            "source_url": "",
            "source_issuer": "",
            "evidence_kind": "",
            "published": pd.NaT,
            "gap_text": "",
            "parts": None,
            "bound": "",
            "open_reason": why_open(row, figure, points, year, bound),
        }
        if figure is not None and isinstance(figure.get("parts"), list):  # a total added up from yearly figures
            from ..method.period_sums import weakest_kind

            record.update(figure=sum_text(figure, row["unit"]), figure_year=int(figure["year"]), parts=figure["parts"],
                          source_id=figure["source_id"], evidence_kind=weakest_kind(figure["source_id"], sources["kind"]))
        elif figure is not None:
            source = sources.loc[figure["source_id"]]
            record.update(
                figure=figure_text(figure["value"], figure["comparator"], row["unit"], int(figure["year"]), figure["status"]),
                figure_year=int(figure["year"]),
                quote=figure["quote"],
                source_id=figure["source_id"],
                source_title=source["title"],
                source_url=source["url"] if isinstance(source["url"], str) else "",
                source_issuer=source["issuer"],
                evidence_kind=str(source.get("kind", "") or ""),
                published=source["published"],
            )
            if row["status"] == "missed" and pd.notna(row["target_value"]):
                record["gap_text"] = tables.gap_text(figure["value"], int(figure["year"]), float(row["target_value"]),
                                              row["unit"], float(row["sign"]))
        if bound is not None:
            record["bound"] = figure_text(bound["value"], bound["comparator"], row["unit"], int(bound["year"]), bound["status"])
        rows.append(record)
    card = pd.DataFrame(rows)
    if card.empty:
        return card
    from ..method.progress import STATUS_ORDER

    order = card["status"].map(STATUS_ORDER)
    return card.assign(_o=order).sort_values(["_o", "pledge_id"], kind="stable").drop(columns="_o").reset_index(drop=True)


def _target_text(row: pd.Series) -> str:
    from .tables import target_words  # the one wording of a target (direction-only pledges included)

    return target_words(row)


def _target_cell(sources: pd.DataFrame, pledges: pd.DataFrame, r: pd.Series):
    """The target in words with the pledge's quote and source one click away."""
    from . import tables

    pledge = pledges.loc[r["pledge_id"]]
    return tables.Safe(tables.esc(r["target"]) + tables.provenance_details(
        pledge["quote"], sources.loc[pledge["source_id"]], _("pledge: quote, source"), note=pledge.get("note")))


def evidence_cell(sources: pd.DataFrame, r: pd.Series, words: str, summary: str):
    """``words`` with the deciding figure's quote and source one click away; for a total added up
    from yearly figures, each part's quote and source."""
    from . import tables

    parts = r.get("parts")
    if not isinstance(parts, list):
        return tables.Safe(tables.esc(words) + tables.provenance_details(r["quote"], sources.loc[r["source_id"]], summary))
    unit = r.get("unit", "")
    details = "".join(tables.provenance_details(quote, sources.loc[source],
                                                _("{year}: {figure}").format(year=year, figure=tables.number(value, unit)))
                      for year, value, source, quote in parts)
    return tables.Safe(tables.esc(words) + f'<div class="zt-parts">{details}</div>')


def card_counts(card: pd.DataFrame) -> dict[str, int]:
    """How many pledges on the card have each verdict, plus ``total`` and ``open`` (no final verdict)."""
    counts = card["status"].value_counts().to_dict() if len(card) else {}
    counts["total"] = len(card)
    counts["open"] = int((card["open_reason"] != "").sum()) if len(card) else 0
    return counts


def card_rows(dataset: Dataset, card: pd.DataFrame, fold_after: int | None = None):
    """The report card as a table for readers: pledge (with its Chinese name), place, target, verdict,
    the deciding figure with its quote and source one click away, and why an open pledge is open.

    Returns
    -------
    analysis.present.tables.Table
    """
    from . import tables

    sources = tables.source_info(dataset)
    pledges = dataset.pledges.set_index("pledge_id")
    chinese = i18n.is_chinese()
    rows = []
    for _row, r in card.iterrows():
        if chinese:  # the Chinese name is the name (the English one is not repeated under it)
            name, zh = tables.indicator_name(r["indicator_id"], r["name_zh"] or r["name"]), ""
        else:
            name = tables.indicator_name(r["indicator_id"], r["name"])
            zh = f'<span class="zt-sub" lang="zh">{tables.esc(r["name_zh"])}</span>' if r["name_zh"] else ""
        target = _target_cell(sources, pledges, r)
        figure = evidence_cell(sources, r, r["figure"], _("figure: quote, source")) if r["figure"] else _("none found")
        why = r["open_reason"] or _("Decided by the figure for the target year.")
        if not r["open_reason"] and isinstance(r.get("parts"), list):
            why = _("Decided by the sum of the yearly figures of the period, each with its quote and source.")
        if r["gap_text"]:
            why = _("Missed: {shortfall}.").format(shortfall=r["gap_text"])
        if r["evidence_kind"] == "other":
            why = _("{text} Caution: the deciding figure comes from an unattributed or aggregator source.").format(text=why)
        rows.append([tables.Safe(f"{name}{zh}"), tables.place(r["geography"]), target, tables.status_badge(r["status"]),
                     figure, why])
    note = tables.Safe(_("{guide} (every status and its thresholds).").format(guide=tables.guide_link()))
    columns = [_("Pledge"), _("Where"), _("Target"), _("Verdict"), _("Deciding figure"), _("Why this verdict")]
    return tables.render(rows, columns, note=note, fold_after=fold_after, empty=_("No pledge has this target year."))


def card_sentence(card: pd.DataFrame, year: int) -> str:
    """One sentence of counts: how many pledges due in ``year`` have a verdict, and of which kind."""
    from ..method.progress import STATUSES
    from .tables import status_label

    counts = card_counts(card)
    decided = counts["total"] - counts.get("insufficient_data", 0)
    parts = [_("{count} {status}").format(count=counts[s], status=status_label(s))
             for s in STATUSES if counts.get(s) and s != "insufficient_data"]
    text = ngettext("Of the {total} pledges due in {year}, {decided} has a verdict",
                    "Of the {total} pledges due in {year}, {decided} have a verdict", decided).format(
        total=counts["total"], year=year, decided=decided)
    if parts:
        text = _("{text} ({parts})").format(text=text, parts=pgettext("list", ", ").join(parts))
    missing = counts.get("insufficient_data", 0)
    if missing:
        return _("{text}; {missing} cannot be judged yet, each with the reason in the table.").format(
            text=text, missing=missing)
    return _("{sentence}.").format(sentence=text)


def evidence_counts(card: pd.DataFrame) -> pd.DataFrame:
    """Verdicts on the card by the kind of their deciding evidence (``sources.kind``): one row per
    kind that occurs (official first), one column per verdict, with totals; pledges without a figure
    count under ``none``."""
    from ..data.dataset import EVIDENCE_KINDS
    from ..method.progress import STATUSES

    if card.empty:
        return pd.DataFrame()
    kinds = card["evidence_kind"].replace("", "none")
    counts = pd.crosstab(kinds, card["status"])
    order = [k for k in [*EVIDENCE_KINDS, "none"] if k in counts.index]
    counts = counts.reindex(index=order, columns=[s for s in STATUSES if s in counts.columns])
    counts["total"] = counts.sum(axis=1)
    counts.index.name, counts.columns.name = "evidence", None
    return counts


def evidence_sentence(card: pd.DataFrame) -> str:
    """How many verdicts rest on each kind of evidence, and which rest on "other" (to check)."""
    from ..data.dataset import EVIDENCE_KINDS
    from .tables import evidence_words

    judged = card[card["status"] != "insufficient_data"] if len(card) else card
    if judged.empty:
        return _("No pledge on the card has a verdict yet.")
    counts = judged["evidence_kind"].value_counts()
    sep = pgettext("list", ", ")
    parts = [_("{count} on {evidence}").format(count=counts[k], evidence=evidence_words(k))
             for k in EVIDENCE_KINDS if counts.get(k)]
    text = _("Of the {total} verdicts, {parts}.").format(total=len(judged), parts=sep.join(parts))
    weak = judged[judged["evidence_kind"] == "other"]
    if len(weak):
        return ngettext("{text} {n} rests on an unattributed or aggregator source and should be read with caution: "
                        "{pledges}.",
                        "{text} {n} rest on an unattributed or aggregator source and should be read with caution: "
                        "{pledges}.", len(weak)).format(text=text, n=len(weak), pledges=sep.join(weak["pledge_id"]))
    return _("{text} None rests on an unattributed or aggregator source.").format(text=text)


def evidence_rows(card: pd.DataFrame):
    """:func:`evidence_counts` as a table for readers (the kind in words, verdicts as columns)."""
    from ..method.progress import STATUS_LABELS
    from . import tables

    counts = evidence_counts(card)
    words = {k: _("no figure found") if k == "none" else tables.evidence_words(k) for k in counts.index}
    rows = [[words[k][:1].upper() + words[k][1:], *[int(v) for v in counts.loc[k]]] for k in counts.index]
    columns = [_("Deciding evidence"), *[tables.status_label(c) if c in STATUS_LABELS else _("total") if c == "total"
                                         else c for c in counts.columns]]
    return tables.render(rows, columns, numeric=tuple(columns[1:]), fold_after=None,
                         empty=_("No pledge has this target year."))


def missed_rows(dataset: Dataset, card: pd.DataFrame):
    """The missed pledges said plainly: each with its shortfall ("70,240 yuan in 2025, 4,760 yuan
    (6.3%) short of the 75,000 yuan pledged") and the deciding figure's quote and source one click
    away; a sentence where none was missed.

    Returns
    -------
    analysis.present.tables.Table
    """
    from . import tables

    sources = tables.source_info(dataset)
    pledges = dataset.pledges.set_index("pledge_id")
    missed = card[card["status"] == "missed"] if len(card) else card
    rows = []
    for _row, r in missed.iterrows():
        name = tables.indicator_name(r["indicator_id"], tables.indicator_text(r["indicator_id"], r["name"],
                                                                              name_zh=r["name_zh"]))
        target = _target_cell(sources, pledges, r)
        shortfall = evidence_cell(sources, r, r["gap_text"] or r["figure"], _("deciding figure: quote, source"))
        rows.append([tables.Safe(name), tables.place(r["geography"]), target, shortfall])
    return tables.render(rows, [_("Pledge"), _("Where"), _("Target"), _("What was achieved")], fold_after=None,
                         caption=ngettext("{n} missed pledge", "{n} missed pledges", len(rows)).format(n=len(rows)),
                         empty=_("No pledge on the card was missed."))
