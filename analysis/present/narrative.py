"""Tables and sentences for the notebooks, written from computed values (never typed numbers).

Every notebook imports these instead of defining helpers of its own.
"""

from __future__ import annotations

import pandas as pd

from ..data.dataset import Dataset
from ..data.i18n import N_, _, ngettext, pgettext
from ..method.progress import STATUSES
from .literal import escape  # noqa: F401 - the notebooks' way to show dataset text


def fmt(value: float, unit: str = "") -> str:
    """A value with its unit, e.g. ``75,000 yuan``, ``1.9``, ``24.5%`` (one wording with the tables:
    :func:`analysis.present.tables.number`, where ``count`` and ``ratio`` have no label)."""
    from .tables import number

    return number(value, unit)


def target_text(row) -> str:
    """``at least 75,000 yuan by 2025``."""
    from .tables import target_words

    return target_words(row)


def pick(table: pd.DataFrame, indicator_id: str, geography: str = "Zhejiang", target_year: int | None = None):
    """The pledge row for an indicator and place (the earliest target year unless given); None if absent."""
    rows = table[(table["indicator_id"] == indicator_id) & (table["geography"] == geography)]
    if target_year is not None:
        rows = rows[rows["target_year"] == target_year]
    if rows.empty:
        return None
    return rows.sort_values(["target_year", "pledge_id"]).iloc[0]


def provenance(dataset: Dataset, pledge_id: str) -> str:
    """The pledge's verbatim quote, its document (title, publication date, link) and the extraction
    note, as an escaped Markdown quotation."""
    from .tables import evidence_words, published_text, source_title

    pledge = dataset.pledges.set_index("pledge_id").loc[pledge_id]
    source = dataset.sources.set_index("source_id").loc[pledge["source_id"]]

    def web(url) -> str:
        ok = isinstance(url, str) and url.startswith(("http://", "https://"))
        return f"[{escape(url)}]({escape(url)})" if ok else ""

    original, copy = web(source.get("original_url")), web(source["url"])
    copy = copy if copy and copy != original else ""
    if original and copy:
        where = _("original {original}, read at {copy}").format(original=original, copy=copy)
    elif original:
        where = _("original {original}").format(original=original)
    else:
        where = _("read at {copy}").format(copy=copy) if copy else ""
    words = dict(issuer=escape(source["issuer"]), title=escape(source_title(source)),
                 published=escape(published_text(source)), evidence=escape(evidence_words(source.get("kind"))),
                 pledge_id=escape(pledge_id))
    if where:
        cite = _("— {issuer}: {title}, {published}; {evidence}. {where} ({pledge_id})").format(where=where, **words)
    else:
        cite = _("— {issuer}: {title}, {published}; {evidence}. ({pledge_id})").format(**words)
    text = f"> “{escape(pledge['quote'])}”  \n> {cite}"
    if isinstance(pledge["note"], str) and pledge["note"]:
        text += "  \n> " + _("Note: {note}").format(note=escape(pledge["note"]))
    return text


def _name(row, dataset: Dataset | None) -> str:
    """``name (place)`` in the current language, escaped: in Chinese the indicator's ``name_zh`` (the row's,
    else looked up in ``dataset``) and the place's Chinese name."""
    from .tables import indicator_text, names_zh, place

    name = indicator_text(row.get("indicator_id"), row["name"], names_zh(dataset), row.get("name_zh"))
    return escape(_("{name} ({place})").format(name=name, place=place(row["geography"])))


def pledge_sentence(row, dataset: Dataset | None = None) -> str:
    """One sentence: where a pledge stands and why it has its status.

    With ``dataset`` the latest figure says whether it is preliminary, approximate ("about") or a
    bound ("at least" / "at most"), as its observation records; in Chinese the indicator is named by its
    ``name_zh`` (the row's, else the dataset's; without either, the English name).
    """
    from .tables import (
        comparator_words,
        current_observations,
        number,
        observation_for,
        qualified,
        status_label,
    )

    name = _name(row, dataset)
    target = target_text(row)
    code = str(row["status"])
    status = status_label(code)
    if pd.isna(row["latest_value"]):
        note = row.get("basis_note")
        if code in ("met", "missed", "achieved") and isinstance(note, str) and note:  # settled by a bound
            return _("{name}: target {target}. Status: **{status}** ({note}).").format(
                name=name, target=target, status=status, note=escape(note))
        if code in ("met", "missed") and pd.notna(row.get("target_year_value")):
            figure = number(row["target_year_value"], row["unit"])
            return _("{name}: {figure} in {year}, against a target of {target}. Status: **{status}**.").format(
                name=name, figure=escape(figure), year=int(row["target_year"]), target=escape(target), status=status)
        return _("{name}: target {target}; no achieved figure yet, so its status is {status}.").format(
            name=name, target=target, status=status)
    figure, kind = number(row["latest_value"], row["unit"]), ""
    if dataset is not None:
        obs = observation_for(current_observations(dataset), row["indicator_id"], row["geography"], row["latest_year"])
        if obs is not None:
            figure = qualified(comparator_words(str(obs["comparator"])), figure)
            kind = str(obs["status"])
    year = int(row["latest_year"])
    if kind == "preliminary":
        latest = _("{figure} in {year} (preliminary)").format(figure=figure, year=year)
    elif kind == "revised":
        latest = _("{figure} in {year} (revised)").format(figure=figure, year=year)
    else:
        latest = _("{figure} in {year}").format(figure=figure, year=year)
    text = _("{name}: {latest}, against a target of {target}. Status: **{status}**").format(
        name=name, latest=escape(latest), target=escape(target), status=status)
    note = row.get("basis_note")
    if isinstance(note, str) and note:
        text = _("{text} ({note})").format(text=text, note=escape(note))
    if code == "missed" and pd.notna(row.get("target_year_value")) and pd.notna(row.get("target_value")):
        from .tables import gap_text

        shortfall = gap_text(row["target_year_value"], int(row["target_year"]), float(row["target_value"]),
                             row["unit"], float(row["sign"]))
        return _("{text}: {shortfall}.").format(text=text, shortfall=escape(shortfall))
    if code in ("met", "missed"):
        return _("{sentence}.").format(sentence=text)
    if pd.notna(row.get("ratio")) and row["rate_rule"] in ("cagr", "absolute"):
        words = dict(text=text, base_year=int(row["base_year"]), ratio=f"{row['ratio']:.2f}",
                     observed=_rate(row["observed_rate"], row["rate_rule"], row["unit"]),
                     required=_rate(row["required_rate"], row["rate_rule"], row["unit"]))
        if row["rate_rule"] == "cagr":
            text = _("{text} — since {base_year} it moved {observed} a year (compound), and {required} a year "
                     "(compound) is needed to reach the target on time (R = {ratio})").format(**words)
        else:
            text = _("{text} — since {base_year} it moved {observed} a year, and {required} a year is needed to "
                     "reach the target on time (R = {ratio})").format(**words)
    prob = row.get("probability_met")
    if prob is not None and pd.notna(prob):
        text = _("{text}; the fitted trend gives a {probability} chance of meeting it on time").format(
            text=text, probability=f"{prob:.0%}")
        if pd.notna(row.get("year_reached")):
            text = _("{text} and reaches it in {year} at the current pace").format(
                text=text, year=int(row["year_reached"]))
    return _("{sentence}.").format(sentence=text)


def _rate(value: float, rule: str, unit: str) -> str:
    from ..data import formats, i18n

    if pd.isna(value):
        return _("n/a")
    if rule == "cagr":
        return f"{value * 100:+.1f}%"
    if unit in ("ratio",):
        return f"{value:+.3g}"
    if unit == "%":
        return _("{value} points").format(value=f"{value:+.3g}")
    return _("{value} {unit}").format(value=f"{value:+.3g}", unit=formats.unit_label(unit) if i18n.is_chinese() else unit)


def status_sentence(table: pd.DataFrame, what: str = N_("pledges")) -> str:
    """'Of N pledges, a are achieved, b on track, ...' from a progress table (``what``: a message of the
    catalog is translated)."""
    from .tables import status_label

    what = _(what) if what else what
    counts = table["status"].astype(str).value_counts()
    parts = [_("{count} {status}").format(count=counts[s], status=status_label(s)) for s in STATUSES if s in counts.index]
    if not parts:
        return _("There are no {what} for this selection.").format(what=what)
    assessable = len(table) - int(counts.get("insufficient_data", 0))
    return _("Of {total} {what}, {parts}. {assessable} can be assessed with the figures available; the rest lack an "
             "achieved figure or a second point in time.").format(
        total=len(table), what=what, parts=pgettext("list", ", ").join(parts), assessable=assessable)


def coverage_sentence(coverage: pd.DataFrame) -> str:
    """One sentence on a :func:`analysis.method.coverage` table: complete series, years covered, gaps."""
    if coverage.empty:
        return _("There are no series for this selection.")
    expected = int(coverage["expected"].iloc[0])
    complete = int((coverage["years"] == coverage["expected"]).sum())
    empty = int((coverage["years"] == 0).sum())
    start, end = coverage.attrs["span"]
    words = dict(n=len(coverage), complete=complete, start=start, end=end, mean=fmt(coverage["years"].mean()),
                 expected=expected)
    if complete:
        text = _("Of {n} series, {complete} have an official figure for every year {start}-{end}; on average {mean} "
                 "of the {expected} years are covered").format(**words)
    else:
        text = _("Of {n} series, none have an official figure for every year {start}-{end}; on average {mean} of "
                 "the {expected} years are covered").format(**words)
    if empty:
        text = _("{text}, and {empty} have none").format(text=text, empty=empty)
    return _("{text}. A missing year stays missing: no figure is estimated or interpolated.").format(text=text)


def display_table(dataset: Dataset, table: pd.DataFrame, caption: str = ""):
    """A reader's verdict table of progress rows (see :func:`analysis.present.tables.progress_rows`): pledge,
    place, target, base, latest figure, R and status, each figure with its quote and source one click
    away; long tables fold, never cut."""
    from .tables import progress_rows

    return progress_rows(dataset, table, caption=caption)


def assessable(table: pd.DataFrame) -> pd.DataFrame:
    """Rows whose status is not ``insufficient_data``."""
    return table[table["status"].astype(str) != "insufficient_data"]


def sources_table(dataset: Dataset, source_ids):
    """Every source used: title, issuer, publication date and a link to the original (see
    :func:`analysis.present.tables.sources_rows`); long lists fold, never cut."""
    from .tables import sources_rows

    return sources_rows(dataset, source_ids)


def bullet_list(lines) -> str:
    """Markdown bullet list of already-computed sentences (text from the dataset is escaped)."""
    return "\n".join(f"- {line}" for line in lines)


def caveats(rows: pd.DataFrame) -> str:
    """The caveats section of a themed report: what the statuses of ``rows`` (progress rows) can and cannot say."""
    missing = int((rows["status"].astype(str) == "insufficient_data").sum())
    if missing and len(rows) == 1:
        first = _("{missing} of {total} pledge here has no achieved figure or only one point in time; its status is "
                  "insufficient data, not failure.").format(missing=missing, total=len(rows))
    elif missing:
        first = ngettext("{missing} of {total} pledges here has no achieved figure or only one point in time; its "
                         "status is insufficient data, not failure.",
                         "{missing} of {total} pledges here have no achieved figure or only one point in time; their "
                         "status is insufficient data, not failure.", missing).format(missing=missing, total=len(rows))
    else:
        first = _("Every pledge here ({total}) has a verdict; a pledge without a usable figure would be marked "
                  "insufficient data, not failure.").format(total=len(rows))
    return bullet_list([
        first,
        _("Statuses compare the observed annual rate since the base year with the rate needed to reach the target "
          "on time ({method}); a short or noisy series can move a status by one step.").format(method=_method_words(rows)),
        _("Figures from government work reports for the year just ended are preliminary; the dataset keeps later "
          "official figures and revisions beside them and uses a revised figure before a final one, a final one "
          "before an estimate."),
        _("Every pledge and figure carries the verbatim quote it was read from, in its source's own language: some "
          "source documents are English translations of Chinese originals (their wording can be awkward), others "
          "Chinese originals."),
    ])


def _method_words(rows: pd.DataFrame) -> str:
    """Which progress method the rows use, in words (every report states it)."""
    method = str(rows["method"].iloc[0]) if "method" in rows and len(rows) else "refined"
    if method == "eurostat":
        return _("method: eurostat, the published Eurostat / Open SDG method to the letter")
    return _("method: refined, the Eurostat / Open SDG method with the departures listed in the README; "
             "progress_table(method='eurostat') gives the published one")


def show_pledge(dataset: Dataset, table: pd.DataFrame, indicator_id: str, geography: str, as_of: int,
                alpha: float = 0.1, target_year: int | None = None) -> None:
    """Display the trajectory chart of a pledge and its finding (or say why there is none), with every
    figure behind it (quote, source, date, link) folded under the chart."""
    from IPython.display import Markdown, display

    from . import plots
    from .tables import chart_figures, indicator_text, names_zh, place

    row = pick(table, indicator_id, geography, target_year)
    if row is None:
        name = dataset.indicators.set_index("indicator_id")["name"].get(indicator_id, indicator_id)
        name = indicator_text(indicator_id, name, names_zh(dataset))
        obs = dataset.observations
        series = obs[(obs["indicator_id"] == indicator_id) & (obs["geography"] == geography) & (obs["year"] <= as_of)]
        if series.empty:
            display(Markdown(escape(_("No pledge and no achieved figure on {name} for {geography} in the dataset.").format(
                name=name, geography=place(geography)))))
            return
        plots.show(plots.compare_series(dataset, indicator_id, [geography], as_of))
        display(chart_figures(dataset, indicator_id, geography, as_of))
        last = series.sort_values("year").iloc[-1]
        display(Markdown(escape(
            _("No pledge on {name} for {geography} in the source documents; the latest achieved figure is {figure} in "
              "{year}.").format(name=name, geography=place(geography), figure=fmt(last["value"], last["unit"]),
                                year=int(last["year"]))
        )))
        return
    fig = plots.trajectory(dataset, row, as_of, alpha=alpha)
    empty = plots.empty_reason(fig) is not None
    plots.show(fig)
    summary = _("The pledge behind this section, with its quote and source") if empty else None
    display(chart_figures(dataset, indicator_id, geography, as_of, pledge_id=row["pledge_id"], summary=summary))
    display(Markdown(pledge_sentence(row, dataset)))
    display(Markdown(provenance(dataset, row["pledge_id"])))
