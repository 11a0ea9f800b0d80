"""Gap to target: where each pledge stands, and whether the pace is enough.

The method follows Eurostat's SDG progress assessment (as adopted by Statistics Canada and Open
SDG): compare the *observed* annual rate of change since the base year with the *required* rate that
would reach the target on time, and classify their ratio ``R = observed / required``.

Rules (all parameters of :func:`progress_table`, defaults in :data:`DEFAULTS`):

* **Base**: the pledge's own baseline when the document states one, else the earliest achieved
  observation. **Latest**: the most recent achieved observation in or before ``as_of``.
* **Rate rule by measure** (``indicators.measure``): ``level`` indicators (money, counts,
  concentrations) use compound annual growth, ``(latest / base) ** (1 / years) - 1``; ``share`` and
  ``ratio`` indicators use the absolute annual change, ``(latest - base) / years``. Where compound
  growth is undefined (a zero, or values of different signs) the absolute rule is used and the row
  says so. ``growth`` and ``flow`` indicators (a growth rate, the new jobs of a year) are targets *for*
  a pace, so the latest value is judged directly against the target: ``R = 1 + s (latest - target) /
  |target|``.
* **Desired direction** ``s``: +1 for ``>=`` pledges, -1 for ``<=``; for ``=`` and ``~`` the
  indicator's direction (a neutral indicator: the direction from base to target).
* **Natural bounds**: a target at an indicator's bound (100 % coverage) is approached
  asymptotically, so the rates aim at an *effective target* short of the bound by
  ``bound_tolerance`` of the base-to-bound distance, and a latest value that reaches the effective
  target counts as achieved.
* **Status**: ``achieved`` (the latest value meets the target), ``on_track`` (R >= 0.95),
  ``acceleration_needed`` (0.6 <= R < 0.95), ``limited`` (0 <= R < 0.6), ``deterioration`` (R < 0,
  or any move away from a target not met), ``insufficient_data`` (no latest value, or base and latest
  are the same point); once ``as_of`` reaches the target year and a figure for that year exists,
  ``met`` or ``missed``.

Every row carries the components, so each status can be audited by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .data import ACHIEVED_STATUSES, Dataset

STATUSES = (
    "met",
    "achieved",
    "on_track",
    "acceleration_needed",
    "limited",
    "deterioration",
    "missed",
    "insufficient_data",
)

#: Order used in scorecards, best first.
STATUS_ORDER = {s: i for i, s in enumerate(STATUSES)}

#: One colour per status, colour-blind safe (Okabe-Ito), the same in every chart and table.
STATUS_COLORS = {
    "met": "#009E73",
    "achieved": "#009E73",
    "on_track": "#56B4E9",
    "acceleration_needed": "#E69F00",
    "limited": "#D55E00",
    "deterioration": "#CC0000",
    "missed": "#7A0000",
    "insufficient_data": "#BBBBBB",
}
STATUS_LABELS = {s: s.replace("_", " ") for s in STATUSES}



@dataclass(frozen=True)
class Thresholds:
    """Named thresholds on R = observed rate / required rate."""

    on_track: float = 0.95
    acceleration_needed: float = 0.6
    limited: float = 0.0


@dataclass(frozen=True)
class Rules:
    """Which rate rule each measure uses: ``cagr``, ``absolute`` or ``direct``."""

    by_measure: dict = field(
        default_factory=lambda: {
            "level": "cagr",
            "share": "absolute",
            "ratio": "absolute",
            "growth": "direct",
            "flow": "direct",
        }
    )
    about_tolerance: float = 0.02
    bound_tolerance: float = 0.02


DEFAULTS = {"thresholds": Thresholds(), "rules": Rules()}


def achieved_observations(dataset: Dataset, as_of: int | None = None) -> pd.DataFrame:
    """Achieved (reported or preliminary) current observations up to ``as_of``."""
    obs = dataset.observations
    obs = obs[obs["status"].isin(ACHIEVED_STATUSES)]
    if "current" in obs:
        obs = obs[obs["current"]]
    if as_of is not None:
        obs = obs[obs["year"] <= as_of]
    return obs[["indicator_id", "geography", "year", "value", "source_id"]]


def default_as_of(dataset: Dataset) -> int:
    """The latest year with an achieved figure."""
    return int(achieved_observations(dataset)["year"].max())


def progress_table(
    dataset: Dataset,
    as_of: int | None = None,
    thresholds: Thresholds | None = None,
    rules: Rules | None = None,
) -> pd.DataFrame:
    """One row per pledge: base, latest, target, gap, rates, ratio and status.

    Parameters
    ----------
    dataset : Dataset
        From :func:`analysis.load`.
    as_of : int, optional
        Assess with the figures known for years up to and including this one (default: the latest
        year with any achieved figure).
    thresholds : Thresholds, optional
    rules : Rules, optional

    Returns
    -------
    DataFrame
        Columns: pledge_id, indicator_id, name, theme, geography, source_id, unit, measure,
        comparator, sign, target_value, effective_target, target_year, base_year, base_value,
        base_from, latest_year, latest_value, n_obs, gap, gap_relative, distance_covered,
        rate_rule, observed_rate, required_rate, ratio, status, reason, as_of.
    """
    thresholds = thresholds or Thresholds()
    rules = rules or Rules()
    if as_of is None:
        as_of = default_as_of(dataset)
    as_of = int(as_of)

    ind = dataset.indicators.set_index("indicator_id")
    p = dataset.pledges.copy()
    for col in ("name", "theme", "measure", "direction", "lower_bound", "upper_bound"):
        p[col] = p["indicator_id"].map(ind[col])

    obs = achieved_observations(dataset, as_of)
    pairs = p[["pledge_id", "indicator_id", "geography", "target_year"]].merge(
        obs, on=["indicator_id", "geography"], how="inner"
    )
    pairs = pairs.sort_values(["pledge_id", "year"], kind="stable")
    grouped = pairs.groupby("pledge_id", sort=False)
    first = grouped.head(1).set_index("pledge_id")
    last = grouped.tail(1).set_index("pledge_id")
    at_target = pairs[pairs["year"] == pairs["target_year"]].groupby("pledge_id", sort=False).head(1)
    at_target = at_target.set_index("pledge_id")

    p = p.set_index("pledge_id")
    p["n_obs"] = grouped.size().reindex(p.index).fillna(0).astype(int)
    p["latest_year"] = last["year"].reindex(p.index).astype("Int64")
    p["latest_value"] = last["value"].reindex(p.index)
    from_pledge = p["baseline_year"].notna() & p["baseline_value"].notna()
    p["base_from"] = np.where(from_pledge, "pledge", np.where(first["year"].reindex(p.index).notna(), "observation", ""))
    p["base_year"] = p["baseline_year"].where(from_pledge, first["year"].reindex(p.index)).astype("Int64")
    p["base_value"] = p["baseline_value"].where(from_pledge, first["value"].reindex(p.index))
    p["target_year_value"] = at_target["value"].reindex(p.index)

    base = p["base_value"].to_numpy(float)
    latest = p["latest_value"].to_numpy(float)
    target = p["target_value"].to_numpy(float)
    by = p["base_year"].to_numpy(float, na_value=np.nan)
    ly = p["latest_year"].to_numpy(float, na_value=np.nan)
    ty = p["target_year"].to_numpy(float)

    # desired direction s
    ind_sign = p["direction"].map({"higher_is_better": 1.0, "lower_is_better": -1.0}).fillna(0.0).to_numpy()
    toward = np.sign(np.nan_to_num(target - base))
    toward = np.where(toward == 0, 1.0, toward)
    comp = p["comparator"].to_numpy()
    sign = np.select([comp == ">=", comp == "<="], [1.0, -1.0], default=np.where(ind_sign != 0, ind_sign, toward))

    # effective target near a natural bound
    bound = np.where(sign > 0, p["upper_bound"].to_numpy(float), p["lower_bound"].to_numpy(float))
    at_bound = np.isfinite(bound) & np.isclose(target, bound)
    reference = np.where(np.isfinite(base), base, latest)
    effective = np.where(at_bound, bound - sign * rules.bound_tolerance * np.abs(bound - reference), target)
    effective = np.where(np.isfinite(effective), effective, target)

    tol = np.where(comp == "~", rules.about_tolerance * np.abs(target), 0.0)

    def meets(value):
        with np.errstate(invalid="ignore"):
            return sign * (value - effective) >= -tol - 1e-9 * np.maximum(1.0, np.abs(target))

    latest_meets = meets(latest) & np.isfinite(latest)
    target_meets = meets(p["target_year_value"].to_numpy(float))

    # rates
    measure_rule = p["measure"].map(rules.by_measure).fillna("absolute").to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        span_obs = ly - by
        span_req = ty - by
        cagr_ok = (base != 0) & (latest / base > 0) & (effective / base > 0)
        rule = np.where((measure_rule == "cagr") & ~cagr_ok, "absolute", measure_rule)
        obs_abs = (latest - base) / span_obs
        req_abs = (effective - base) / span_req
        obs_cagr = np.power(latest / base, 1.0 / span_obs) - 1.0
        req_cagr = np.power(effective / base, 1.0 / span_req) - 1.0
        observed = np.select([rule == "cagr", rule == "direct"], [obs_cagr, latest], default=obs_abs)
        required = np.select([rule == "cagr", rule == "direct"], [req_cagr, target], default=req_abs)
        ratio_trend = observed / required
        ratio_direct = 1.0 + sign * (latest - target) / np.abs(target)
        ratio = np.where(rule == "direct", ratio_direct, ratio_trend)
        ratio = np.where(np.isfinite(ratio), ratio, np.nan)
        gap = target - latest
        gap_relative = gap / (target - base)
        covered = (latest - base) / (target - base)
        moving_away = sign * (latest - base) < 0
        # judged on the values, not the rate: with negative values a compound rate's sign is reversed
        wrong_required = (rule != "direct") & ~(sign * (effective - base) > 0)

    has_latest = np.isfinite(latest)
    has_base = np.isfinite(base)
    single = has_latest & has_base & (ly <= by)
    target_due = ty <= as_of
    has_target_figure = np.isfinite(p["target_year_value"].to_numpy(float))

    conditions = [
        target_due & has_target_figure & target_meets,
        target_due & has_target_figure & ~target_meets,
        ~has_latest,
        latest_meets,
        ~has_base | single,
        moving_away,
        wrong_required | ~np.isfinite(ratio),
        ratio >= thresholds.on_track,
        ratio >= thresholds.acceleration_needed,
        ratio >= thresholds.limited,
    ]
    choices = [
        "met",
        "missed",
        "insufficient_data",
        "achieved",
        "insufficient_data",
        "deterioration",
        "limited",
        "on_track",
        "acceleration_needed",
        "limited",
    ]
    status = np.select(conditions, choices, default="deterioration")
    reasons = [
        "figure for the target year meets the target",
        "figure for the target year falls short of the target",
        "no achieved figure up to as_of",
        "latest figure already meets the target",
        "only one point in time (base = latest)",
        "latest figure moved away from the target",
        "no meaningful ratio (required change is zero or points the wrong way)",
        f"R >= {thresholds.on_track}",
        f"{thresholds.acceleration_needed} <= R < {thresholds.on_track}",
        f"{thresholds.limited} <= R < {thresholds.acceleration_needed}",
    ]
    reason = np.select(conditions, reasons, default=f"R < {thresholds.limited}")
    # a target year passed without a figure for it: say so, judge the pace all the same
    overdue = target_due & ~has_target_figure & has_latest
    reason = np.where(overdue, np.char.add(reason.astype(str), "; no figure for the target year yet"), reason)

    out = p.reset_index()
    out["sign"] = sign
    out["effective_target"] = effective
    out["gap"] = gap
    out["gap_relative"] = gap_relative
    out["distance_covered"] = covered
    out["rate_rule"] = np.where(has_latest & has_base, rule, "")
    out["observed_rate"] = np.where(single, np.nan, observed)
    out["required_rate"] = required
    out["ratio"] = np.where(single, np.nan, ratio)
    out["status"] = pd.Categorical(status, categories=STATUSES)
    out["reason"] = reason
    out["as_of"] = as_of
    columns = [
        "pledge_id", "indicator_id", "name", "theme", "geography", "source_id", "unit", "measure",
        "comparator", "sign", "target_value", "effective_target", "target_year", "base_year",
        "base_value", "base_from", "latest_year", "latest_value", "n_obs", "gap", "gap_relative",
        "distance_covered", "rate_rule", "observed_rate", "required_rate", "ratio", "status",
        "reason", "as_of",
    ]  # fmt: skip
    return out[columns]


def status_counts(table: pd.DataFrame, by: str = "theme", totals: bool = True) -> pd.DataFrame:
    """Pledges per ``by`` value and status (a scorecard): the statuses that occur, in their order,
    with a ``total`` row and column unless ``totals`` is False."""
    counts = pd.crosstab(table[by], table["status"].astype(str))
    counts = counts.reindex(columns=[s for s in STATUSES if s in counts.columns])
    if totals:
        counts["total"] = counts.sum(axis=1)
        counts.loc["total"] = counts.sum()
    counts.columns.name = "status"
    return counts
