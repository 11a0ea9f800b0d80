"""The published progress method to the letter: ``progress_table(..., method="eurostat")``.

Written from the methodology as Open SDG implements it (``sdg/ProgressMeasure.py`` in
open-sdg/sdg-build, after Statistics Canada and Eurostat), and tested against that code's outputs on
its own fixtures (``tests/assets/progress-calculation``):

* **Series**: the exact and approximate figures of the pledge's indicator and place up to ``as_of``
  (bounds are not values); **current** = the most recent of them.
* **Base year**: the stated baseline year, else ``Rules.eurostat_base_year`` (2015); when the data
  has no figure for it, the first later year that has one. A stated baseline value stands in for a
  missing figure of its year.
* **Direction**: ``>=``/``increase`` positive, ``<=``/``decrease`` negative; ``=``/``~`` the
  indicator's direction (the peer's default, negative, for a neutral one).
* **Zeros**: a target of 0 and a base value of 0 become 0.001.
* ``sign`` = -1 when the base value is negative, else +1.
* **Target achieved**: current >= target (positive) or <= target (negative), the literal target;
  decided before anything else, so even a single point can be ``target_achieved``.
* **Not assessed** (``not_available``): no figure, base and current of different signs, base year
  after the current year, fewer than two years between them; also where the peer's arithmetic
  breaks (a required growth of zero, or of a negative ratio).
* **With a target** (method 2): ``progress = sign * direction * CAGR_o / |CAGR_r|`` with
  ``CAGR = (v1 / v0) ** (1 / (t1 - t0)) - 1``, thresholds 0.95 / 0.6 / 0.
* **Without a target** (method 1): ``progress = sign * direction * CAGR_o``, thresholds 0.015 /
  0.005 / 0 multiplied by the limit coefficient (:func:`progress_rules.limit_coefficient`, the
  indicator's natural bound in the desired direction as the limit).
* **Score** in [-5, 5] as the peer computes it, and its status label in ``peer_status``; ``status``
  maps it to this project's labels (:data:`PEER_TO_STATUS`). No met/missed: the published method
  has no deadline.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..data.i18n import N_, _, pgettext
from . import rules as R

#: The peer's labels and this project's.
PEER_TO_STATUS = {
    "target_achieved": "achieved",
    "substantial_progress": "on_track",
    "moderate_progress": "acceleration_needed",
    "limited_progress": "limited",
    "deterioration": "deterioration",
    "not_available": "insufficient_data",
}

#: The peer's labels in words (``reason``: "published method: substantial progress").
PEER_LABELS = {
    "target_achieved": N_("target achieved"),
    "substantial_progress": N_("substantial progress"),
    "moderate_progress": N_("moderate progress"),
    "limited_progress": N_("limited progress"),
    "deterioration": N_("deterioration"),
    "not_available": N_("not available"),
}


def growth(v1: float, v0: float, t1: float, t0: float) -> float:
    """Compound annual growth from (t0, v0) to (t1, v1)."""
    return (v1 / v0) ** (1.0 / (t1 - t0)) - 1.0


def progress_status(value, high: float, med: float, low: float, achieved: bool) -> str:
    """The peer's label for a progress value against its thresholds."""
    if achieved:
        return "target_achieved"
    if value is None:
        return "not_available"
    if value >= high:
        return "substantial_progress"
    if value >= med:
        return "moderate_progress"
    if value >= low:
        return "limited_progress"
    return "deterioration"


def score(value, method: int, high: float, med: float, low: float, coeff: float, achieved: bool):
    """The peer's progress score in [-5, 5] (5 when the target is achieved, None when not assessed)."""
    if achieved:
        return 5.0
    if value is None:
        return None
    if method == 1:
        if value < low:
            return max(125 * value - 2.5, -5.0)
        if coeff == 0:
            return 5.0
        if value >= high:
            return min(500 * value / coeff - 5, 5.0)
        if value >= med:
            return 250 * value / coeff - 1.25
        return 500 * value / coeff - 2.5
    if value >= med:
        return min(7.1429 * value - 4.2857, 5.0)
    return max(4.1667 * value - 2.5, -5.0)


def series_progress(years, values, base_year: int, target, target_year: float, direction: int,
                    limit=None, thresholds=None, exponent: float = 4.44) -> dict:
    """Progress of one series as the published method computes it.

    Parameters
    ----------
    years, values : sequences
        The series (one value per year).
    base_year : int
        Wanted base year; the first later year with a figure when absent.
    target : float or None
        None for a pledge without a number (method 1).
    target_year : float
    direction : {1, -1}
    limit : float, optional
        Natural limit in the desired direction (method 1 only).
    thresholds : Thresholds, optional

    Returns
    -------
    dict
        base_year, base_value, current_year, current_value, target, sign, method, target_achieved,
        observed_rate, required_rate, progress_value, coefficient, peer_status, score.
    """
    th = thresholds or R.Thresholds()
    data = {int(y): float(v) for y, v in zip(years, values) if v is not None and not math.isnan(float(v))}
    out = {"base_year": np.nan, "base_value": np.nan, "current_year": np.nan, "current_value": np.nan,
           "target": np.nan if target is None else float(target), "sign": np.nan, "method": 1 if target is None else 2,
           "target_achieved": False, "observed_rate": np.nan, "required_rate": np.nan, "progress_value": None,
           "coefficient": 1.0, "peer_status": "not_available", "score": None}  # fmt: skip
    if not data:
        return out
    if target is not None and target == 0:
        target = 0.001
        out["target"] = target
    current_year = max(data)
    current = data[current_year]
    if base_year not in data:
        later = [y for y in data if y > base_year]
        if not later:
            out.update(current_year=current_year, current_value=current)
            return out
        base_year = min(later)
    base = data[base_year]
    sign = -1 if base < 0 else 1
    out.update(base_year=base_year, base_value=base, current_year=current_year, current_value=current, sign=sign)
    if out["method"] == 1:
        high, med, low = th.no_target_high, th.no_target_med, th.no_target_low
        coeff = 1.0
        if limit is not None and not math.isnan(limit):
            coeff = float(R.limit_coefficient(np.array([base]), np.array([limit]), exponent)[0])
            high, med, low = high * coeff, med * coeff, low * coeff
        out["coefficient"] = coeff
    else:
        high, med, low, coeff = th.on_track, th.acceleration_needed, th.limited, 1.0
    achieved = target is not None and ((direction == -1 and current <= target) or (direction == 1 and current >= target))
    out["target_achieved"] = bool(achieved)
    value = _progress_value(out, base, current, base_year, current_year, target, target_year, direction, sign)
    out["progress_value"] = value
    out["peer_status"] = progress_status(value, high, med, low, achieved)
    out["score"] = score(value, out["method"], high, med, low, coeff, achieved)
    return out


def _progress_value(out, base, current, base_year, current_year, target, target_year, direction, sign):
    if base == 0:
        base = 0.001
        out["base_value"] = base
    if (base > 0 and current < 0) or (base < 0 and current > 0):
        return None
    if base_year > current_year or current_year - base_year < 1:
        return None
    observed = growth(current, base, current_year, base_year)
    out["observed_rate"] = observed
    if target is None:
        return sign * direction * observed
    if target / base < 0 or target_year == base_year:
        return None
    required = growth(target, base, target_year, base_year)
    out["required_rate"] = required
    if required == 0:
        return None
    return sign * direction * observed / abs(required)


def _direction(comparator: str, indicator_direction: str) -> int:
    if comparator in (">=", "increase"):
        return 1
    if comparator in ("<=", "decrease"):
        return -1
    return 1 if indicator_direction == "higher_is_better" else -1


def assess(p: pd.DataFrame, pairs: pd.DataFrame, thresholds, rules) -> pd.DataFrame:
    """Every pledge of ``p`` (see :func:`analysis.method.progress.pledge_frame`) by the published method."""
    levels = R.level_figures(pairs)
    by_pledge = {k: g for k, g in levels.groupby("pledge_id", sort=False)}
    rows = []
    for pledge_id, row in p.iterrows():
        direction = _direction(row["comparator"], row["direction"])
        target = None if pd.isna(row["target_value"]) else float(row["target_value"])
        wanted = int(row["baseline_year"]) if pd.notna(row["baseline_year"]) else rules.eurostat_base_year
        own = by_pledge.get(pledge_id)
        years = [] if own is None else own["year"].astype(int).tolist()
        values = [] if own is None else own["value"].astype(float).tolist()
        if pd.notna(row["baseline_year"]) and pd.notna(row["baseline_value"]) and wanted not in years:
            years, values = years + [wanted], values + [float(row["baseline_value"])]
        limit = row["upper_bound"] if direction == 1 else row["lower_bound"]
        res = series_progress(years, values, wanted, target, float(row["target_year"]), direction,
                              limit=None if target is not None else limit, thresholds=thresholds,
                              exponent=rules.limit_exponent)
        rows.append((pledge_id, direction, res))
    out = p.copy()
    res = pd.DataFrame([r for *__, r in rows], index=[i for i, *__ in rows]).reindex(p.index)
    out["sign"] = [d for __, d, ___ in rows] if rows else []
    out["base_year"] = res["base_year"].astype(float)
    out["base_value"] = res["base_value"].astype(float)
    out["base_rule"] = np.where(out["base_year"].notna(), _("published rule (stated baseline year, else {year}; the next "
                                                            "year with a figure when absent)").format(
        year=rules.eurostat_base_year), "")
    out["base_from"] = np.where(out["base_year"].notna(), "observation", "")
    out["latest_year"] = res["current_year"].astype(float)
    out["latest_value"] = res["current_value"].astype(float)
    target = out["target_value"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["gap"] = target - out["latest_value"]
        out["gap_relative"] = (target - out["latest_value"]) / (target - out["base_value"])
        out["distance_covered"] = (out["latest_value"] - out["base_value"]) / (target - out["base_value"])
    out["effective_target"] = res["target"].astype(float)
    out["rate_rule"] = np.where(res["progress_value"].notna(), "cagr", "")
    out["observed_rate"] = res["observed_rate"].astype(float)
    out["required_rate"] = res["required_rate"].astype(float)
    out["ratio"] = res["progress_value"].astype(float)
    out["peer_status"] = res["peer_status"].astype(str)
    out["score"] = res["score"].astype(float)
    out["status"] = out["peer_status"].map(PEER_TO_STATUS)
    published = _("published method: {label}")
    out["reason"] = [published.format(label=_(PEER_LABELS[s]) if s in PEER_LABELS else s.replace("_", " "))
                     for s in out["peer_status"]]
    out["tolerance"] = 0.0
    for col in ("target_year_value", "bound_value", "bound_year"):
        out[col] = np.nan
    out["bound_comparator"] = ""
    out["latest_approximate"] = False
    out["latest_preliminary"] = False
    out["basis_note"] = ""
    return out


def compare_methods(table: pd.DataFrame, other: pd.DataFrame) -> pd.DataFrame:
    """Pledges whose status differs between two progress tables (e.g. refined and eurostat).

    Returns
    -------
    DataFrame
        pledge_id, name, geography, target_year and the status under each table's method
        (columns named after ``table["method"]`` and ``other["method"]``).
    """
    a, b = str(table["method"].iloc[0]), str(other["method"].iloc[0])
    merged = table[["pledge_id", "name", "geography", "target_year", "status"]].merge(
        other[["pledge_id", "status"]], on="pledge_id", suffixes=("_a", "_b")
    )
    differ = merged["status_a"].astype(str) != merged["status_b"].astype(str)
    out = merged[differ].rename(columns={"status_a": a, "status_b": b})
    out[a] = out[a].astype(str)
    out[b] = out[b].astype(str)
    return out.reset_index(drop=True)


def method_sentence(table: pd.DataFrame, other: pd.DataFrame) -> str:
    """'Verdicts use the refined method; under the eurostat method N of M would differ ...'."""
    a, b = str(table["method"].iloc[0]), str(other["method"].iloc[0])
    differ = compare_methods(table, other)
    return _(
        "Verdicts here use the **{method}** method (the published Eurostat / Open SDG method with the departures "
        "listed in the README). Under the **{other}** method {differ} of {total} verdicts would differ."
    ).format(method=method_name(a), other=method_name(b), differ=len(differ), total=len(table))


def method_name(method: str) -> str:
    """A method's name as the reader's edition writes it (``refined``, ``eurostat``)."""
    names = {"refined": pgettext("method", "refined"), "eurostat": pgettext("method", "eurostat")}
    return names.get(method, method)
