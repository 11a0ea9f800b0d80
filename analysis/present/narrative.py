"""Tables and sentences for the notebooks, written from computed values (never typed numbers).

Every notebook imports these instead of defining helpers of its own.
"""

from __future__ import annotations

import pandas as pd

from ..data.dataset import Dataset
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
    from .tables import evidence_words, published_text

    pledge = dataset.pledges.set_index("pledge_id").loc[pledge_id]
    source = dataset.sources.set_index("source_id").loc[pledge["source_id"]]

    def web(url) -> str:
        ok = isinstance(url, str) and url.startswith(("http://", "https://"))
        return f"[{escape(url)}]({escape(url)})" if ok else ""

    original, copy = web(source.get("original_url")), web(source["url"])
    where = f" original {original}" if original else ""
    if copy and copy != original:
        where += f"{',' if original else ''} read at {copy}"
    text = (f"> “{escape(pledge['quote'])}”  \n> — {escape(source['issuer'])}: {escape(source['title_en'])}, "
            f"{escape(published_text(source))}; {escape(evidence_words(source.get('kind')))}.{where} ({escape(pledge_id)})")
    if isinstance(pledge["note"], str) and pledge["note"]:
        text += f"  \n> Note: {escape(pledge['note'])}"
    return text


def pledge_sentence(row, dataset: Dataset | None = None) -> str:
    """One sentence: where a pledge stands and why it has its status.

    With ``dataset`` the latest figure says whether it is preliminary, approximate ("about") or a
    bound ("at least" / "at most"), as its observation records.
    """
    from .tables import current_observations, figure_text, number, observation_for

    name = escape(f"{row['name']} ({row['geography']})")
    target = target_text(row)
    status = str(row["status"]).replace("_", " ")
    if pd.isna(row["latest_value"]):
        note = row.get("basis_note")
        if status in ("met", "missed", "achieved") and isinstance(note, str) and note:  # settled by a bound
            return f"{name}: target {target}. Status: **{status}** ({escape(note)})."
        if status in ("met", "missed") and pd.notna(row.get("target_year_value")):
            figure = number(row["target_year_value"], row["unit"])
            return f"{name}: {escape(figure)} in {int(row['target_year'])}, against a target of {escape(target)}. Status: **{status}**."
        return f"{name}: target {target}; no achieved figure yet, so its status is {status}."
    latest = f"{number(row['latest_value'], row['unit'])} in {int(row['latest_year'])}"
    if dataset is not None:
        obs = observation_for(current_observations(dataset), row["indicator_id"], row["geography"], row["latest_year"])
        if obs is not None:
            words = figure_text(row["latest_value"], row["unit"], str(obs["comparator"]), str(obs["status"]))
            kind = {"preliminary": " (preliminary)", "revised": " (revised)"}.get(str(obs["status"]), "")
            latest = f"{words.split(' (')[0]} in {int(row['latest_year'])}{kind}"
    text = f"{name}: {escape(latest)}, against a target of {escape(target)}. Status: **{status}**"
    note = row.get("basis_note")
    if isinstance(note, str) and note:
        text += f" ({escape(note)})"
    if status == "missed" and pd.notna(row.get("target_year_value")) and pd.notna(row.get("target_value")):
        from .tables import gap_text

        shortfall = gap_text(row["target_year_value"], int(row["target_year"]), float(row["target_value"]),
                             row["unit"], float(row["sign"]))
        return text + f": {escape(shortfall)}."
    if status in ("met", "missed"):
        return text + "."
    if pd.notna(row.get("ratio")) and row["rate_rule"] in ("cagr", "absolute"):
        kind = "a year (compound)" if row["rate_rule"] == "cagr" else "a year"
        observed = _rate(row["observed_rate"], row["rate_rule"], row["unit"])
        required = _rate(row["required_rate"], row["rate_rule"], row["unit"])
        text += (
            f" — since {int(row['base_year'])} it moved {observed} {kind}, and {required} {kind} is needed "
            f"to reach the target on time (R = {row['ratio']:.2f})"
        )
    prob = row.get("probability_met")
    if prob is not None and pd.notna(prob):
        text += f"; the fitted trend gives a {prob:.0%} chance of meeting it on time"
        if pd.notna(row.get("year_reached")):
            text += f" and reaches it in {int(row['year_reached'])} at the current pace"
    return text + "."


def _rate(value: float, rule: str, unit: str) -> str:
    if pd.isna(value):
        return "n/a"
    if rule == "cagr":
        return f"{value * 100:+.1f}%"
    return f"{value:+.3g}" + ("" if unit in ("ratio",) else (" points" if unit == "%" else f" {unit}"))


def status_sentence(table: pd.DataFrame, what: str = "pledges") -> str:
    """'Of N pledges, a are achieved, b on track, ...' from a progress table."""
    counts = table["status"].astype(str).value_counts()
    parts = [f"{counts[s]} {s.replace('_', ' ')}" for s in STATUSES if s in counts.index]
    if not parts:
        return f"There are no {what} for this selection."
    assessable = len(table) - int(counts.get("insufficient_data", 0))
    return (
        f"Of {len(table)} {what}, " + ", ".join(parts) + f". {assessable} can be assessed with the figures "
        f"available; the rest lack an achieved figure or a second point in time."
    )


def coverage_sentence(coverage: pd.DataFrame) -> str:
    """One sentence on a :func:`analysis.method.coverage` table: complete series, years covered, gaps."""
    if coverage.empty:
        return "There are no series for this selection."
    expected = int(coverage["expected"].iloc[0])
    complete = int((coverage["years"] == coverage["expected"]).sum())
    empty = int((coverage["years"] == 0).sum())
    start, end = coverage.attrs["span"]
    text = (
        f"Of {len(coverage)} series, {complete or 'none'} have an official figure for every year {start}-{end}; "
        f"on average {fmt(coverage['years'].mean())} of the {expected} years are covered"
    )
    if empty:
        text += f", and {empty} have none"
    return text + ". A missing year stays missing: no figure is estimated or interpolated."


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
    if missing:
        first = (f"{missing} of {len(rows)} pledge{'' if len(rows) == 1 else 's'} here {'has' if missing == 1 else 'have'} "
                 f"no achieved figure or only one point in time; {'its' if missing == 1 else 'their'} status is "
                 "insufficient data, not failure.")
    else:
        first = (f"Every pledge here ({len(rows)}) has a verdict; a pledge without a usable figure would be "
                 "marked insufficient data, not failure.")
    return bullet_list([
        first,
        "Statuses compare the observed annual rate since the base year with the rate needed to reach the "
        f"target on time ({_method_words(rows)}); a short or noisy series can move a status by one step.",
        "Figures from government work reports for the year just ended are preliminary; the dataset keeps "
        "later official figures and revisions beside them and uses a revised figure before a final one, "
        "a final one before an estimate.",
        "Every pledge and figure carries the verbatim quote it was read from, in its source's own language: some "
        "source documents are English translations of Chinese originals (their wording can be awkward), others "
        "Chinese originals.",
    ])


def _method_words(rows: pd.DataFrame) -> str:
    """Which progress method the rows use, in words (every report states it)."""
    method = str(rows["method"].iloc[0]) if "method" in rows and len(rows) else "refined"
    if method == "eurostat":
        return "method: eurostat, the published Eurostat / Open SDG method to the letter"
    return ("method: refined, the Eurostat / Open SDG method with the departures listed in the README; "
            "progress_table(method='eurostat') gives the published one")


def show_pledge(dataset: Dataset, table: pd.DataFrame, indicator_id: str, geography: str, as_of: int,
                alpha: float = 0.1, target_year: int | None = None) -> None:
    """Display the trajectory chart of a pledge and its finding (or say why there is none), with every
    figure behind it (quote, source, date, link) folded under the chart."""
    from IPython.display import Markdown, display

    from . import plots
    from .tables import chart_figures

    row = pick(table, indicator_id, geography, target_year)
    if row is None:
        name = dataset.indicators.set_index("indicator_id")["name"].get(indicator_id, indicator_id)
        obs = dataset.observations
        series = obs[(obs["indicator_id"] == indicator_id) & (obs["geography"] == geography) & (obs["year"] <= as_of)]
        if series.empty:
            display(Markdown(escape(f"No pledge and no achieved figure on {name} for {geography} in the dataset.")))
            return
        plots.show(plots.compare_series(dataset, indicator_id, [geography], as_of))
        display(chart_figures(dataset, indicator_id, geography, as_of))
        last = series.sort_values("year").iloc[-1]
        display(Markdown(escape(
            f"No pledge on {name} for {geography} in the source documents; the latest achieved figure is "
            f"{fmt(last['value'], last['unit'])} in {int(last['year'])}."
        )))
        return
    fig = plots.trajectory(dataset, row, as_of, alpha=alpha)
    empty = plots.empty_reason(fig) is not None
    plots.show(fig)
    summary = "The pledge behind this section, with its quote and source" if empty else None
    display(chart_figures(dataset, indicator_id, geography, as_of, pledge_id=row["pledge_id"], summary=summary))
    display(Markdown(pledge_sentence(row, dataset)))
    display(Markdown(provenance(dataset, row["pledge_id"])))
