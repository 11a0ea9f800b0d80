"""Gap to target: where each pledge stands, and whether the pace is enough.

Two methods, chosen with ``progress_table(..., method=...)``; every row names its method.

**eurostat** (:mod:`analysis.method.eurostat`): the published method to the letter, as Open SDG's
``ProgressMeasure`` (sdg-build) computes it after Statistics Canada and Eurostat: compound annual
growth for every measure, ``R = s_base * s * CAGR_observed / |CAGR_required|`` against 0.95 / 0.6 /
0, base year 2015 (or the stated baseline year; the first later year with a figure when absent), the
latest figure as the current value, zeros replaced by 0.001, values of both signs not assessed,
``achieved`` as soon as the current value meets the target, and for pledges without a number the
growth in the desired direction against 1.5 % / 0.5 % / 0, scaled near a natural limit.

**refined** (default): the same ratio and thresholds, with these departures (each a parameter of
:class:`Rules` or :class:`Thresholds`, each rule a function of :mod:`analysis.method.rules`):

* **Base** (``Rules.base="pledge"``): the stated baseline, else the figure for the year before the
  pledge's document (a plan published early in 2021 counts from 2020), else for the document's
  year, else the first figure after it; a figure older than the year before the document is never
  the base. ``base_rule`` says which rule gave it. ``Rules.base="earliest"``: the earliest figure.
* **Latest**: the most recent exact or approximate figure no later than the target year (a later
  year's figure says nothing of the target year) and not older than the base; for growth rates and
  annual flows, a figure for a year the pledge covers. **Recency rule**: a latest figure more than
  ``Rules.max_age`` (3) years older than the assessment year gives ``insufficient_data``.
* **Rate rule by measure**: levels compound growth; shares and ratios the absolute annual change
  (compound growth where undefined on the literal target falls back to it, and the row says so);
  growth rates and annual flows are targets *for* a pace, judged directly:
  ``R = 1 + s (latest - target) / |target|``.
* **Ratio sign**: ``R = d |observed| / |required|`` with ``d`` the direction of progress, so a
  negative R always means moving away from the target (a target met at baseline and then lost).
* **Literal targets**: ``achieved`` and ``met`` only when the figure meets the literal target. A
  figure short of it by at most a tolerance (``~`` pledges: ``Rules.about_tolerance`` of the
  target; targets at a natural bound such as 100 %: ``Rules.bound_tolerance`` of the base-to-bound
  distance) is ``within_tolerance``, a label of its own.
* **Deadline**: once ``as_of`` reaches the target year, ``met``/``missed`` on the figure for the
  target year itself.
* **Bounds** (observations ``>=``/``<=``, "more than 70,000"): never a level for rates; they
  decide a pledge only where every value they allow lies on one side of the target; rows show the
  latest one (``bound_value``, ``bound_comparator``, ``bound_year``).
* **Direction-only pledges** (comparator ``increase``/``decrease``, no number): the growth in the
  pledged direction against the methodology's thresholds without a target.

A verdict resting on an approximate (``~``) or preliminary figure, or on a bound, says so
(``latest_approximate``, ``latest_preliminary``, ``basis_note``). Every row carries its components.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..data import arguments
from ..data.dataset import ACHIEVED_STATUSES, Dataset, break_years
from ..data.formats import number
from ..data.i18n import N_, _
from . import rules as R
from .period_sums import period_sums, weakest_kind
from .rules import DEFAULTS, Rules, Thresholds  # noqa: F401 - the method's parameters, set here

STATUSES = (
    "met",
    "achieved",
    "within_tolerance",
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
    "within_tolerance": "#7FCDBB",
    "on_track": "#56B4E9",
    "acceleration_needed": "#E69F00",
    "limited": "#D55E00",
    "deterioration": "#CC0000",
    "missed": "#7A0000",
    "insufficient_data": "#BBBBBB",
}
#: A status in words (English, marked for the catalog: translate where shown, ``_(STATUS_LABELS[s])``).
STATUS_LABELS = {
    "met": N_("met"),
    "achieved": N_("achieved"),
    "within_tolerance": N_("within tolerance"),
    "on_track": N_("on track"),
    "acceleration_needed": N_("acceleration needed"),
    "limited": N_("limited"),
    "deterioration": N_("deterioration"),
    "missed": N_("missed"),
    "insufficient_data": N_("insufficient data"),
}

#: The methods :func:`progress_table` offers; the first is the default.
METHODS = ("refined", "eurostat")

COLUMNS = [
    "pledge_id", "indicator_id", "name", "theme", "geography", "source_id", "unit", "measure",
    "comparator", "sign", "target_value", "effective_target", "target_year", "doc_year", "base_year",
    "base_value", "base_from", "base_rule", "latest_year", "latest_value", "n_obs", "gap", "gap_relative",
    "distance_covered", "rate_rule", "observed_rate", "required_rate", "ratio", "status", "reason",
    "tolerance", "target_year_value", "bound_value", "bound_comparator", "bound_year",
    "latest_approximate", "latest_preliminary", "basis_note", "evidence_source", "evidence_kind",
    "peer_status", "score", "method", "as_of", "max_age",
]  # fmt: skip




def achieved_observations(dataset: Dataset, as_of: int | None = None) -> pd.DataFrame:
    """Achieved (revised, reported or preliminary) current observations up to ``as_of``, with their
    comparator (``=``, ``~``, ``>=``, ``<=``) and status."""
    obs = dataset.observations
    obs = obs[obs["status"].isin(ACHIEVED_STATUSES)]
    if "current" in obs:
        obs = obs[obs["current"]]
    if as_of is not None:
        obs = obs[obs["year"] <= as_of]
    if "comparator" not in obs:
        obs = obs.assign(comparator="=")
    if "series_break" not in obs:
        obs = obs.assign(series_break=False)
    return obs[["indicator_id", "geography", "year", "value", "source_id", "comparator", "status", "series_break"]]


def default_as_of(dataset: Dataset) -> int:
    """The latest year with an achieved figure."""
    return int(achieved_observations(dataset)["year"].max())


def with_period_sums(dataset: Dataset, obs: pd.DataFrame, pledges: pd.DataFrame) -> pd.DataFrame:
    """``obs`` with the totals over a period that the pledges need and no source states, added up
    from yearly figures (:mod:`analysis.method.period_sums`; their ``source_id`` joins the parts' with ``+``)."""
    sums = period_sums(dataset.indicators, obs, pledges.reset_index()[["indicator_id", "geography", "target_year"]])
    if sums.empty:
        return obs
    sums = sums[obs.columns].astype({"year": obs["year"].dtype}).assign(summed=True)
    return pd.concat([obs.assign(summed=False), sums], ignore_index=True)


def pledge_frame(dataset: Dataset) -> pd.DataFrame:
    """Pledges (index ``pledge_id``) with their indicator's name, theme, measure, direction and
    bounds, and ``doc_year``: the year their document was published (NaN if undated)."""
    ind = dataset.indicators.set_index("indicator_id")
    p = dataset.pledges.copy()
    for col in ("name", "theme", "measure", "direction", "lower_bound", "upper_bound", "sum_years"):
        if col in ind:
            p[col] = p["indicator_id"].map(ind[col])
    published = pd.to_datetime(dataset.sources.set_index("source_id")["published"], errors="coerce")
    p["doc_year"] = p["source_id"].map(published.dt.year).astype(float)
    p["target_value"] = p["target_value"].astype(float)
    return p.set_index("pledge_id")


def pledge_figures(p: pd.DataFrame, obs: pd.DataFrame) -> pd.DataFrame:
    """One row per pledge and achieved figure of its indicator and place (see :mod:`progress_rules`).

    A series break (``series_break``) divides a series: a pledge due in the break year or later
    sees only the figures from the break on (no base, pace or latest figure across it); a pledge
    due before it is judged on the figures of its own years."""
    keys = p.reset_index()[["pledge_id", "indicator_id", "geography", "target_year", "doc_year", "baseline_year"]]
    obs = obs.assign(_break=break_years(obs))
    obs = obs.rename(columns={"comparator": "obs_comparator", "status": "obs_status", "source_id": "obs_source"})
    pairs = keys.merge(obs, on=["indicator_id", "geography"], how="inner")
    for col in ("year", "target_year", "baseline_year"):
        pairs[col] = pairs[col].astype(float)
    across = (pairs["target_year"] >= pairs["_break"]) & (pairs["year"] < pairs["_break"])
    return pairs[~across].drop(columns="_break")


def progress_table(
    dataset: Dataset,
    as_of: int | None = None,
    thresholds: Thresholds | None = None,
    rules: Rules | None = None,
    method: str = "refined",
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
    method : {"refined", "eurostat"}, default "refined"
        ``refined``: the project's method (module docstring). ``eurostat``: the published method to
        the letter, as Open SDG's ``ProgressMeasure`` computes it (:mod:`analysis.method.eurostat`).

    Returns
    -------
    DataFrame
        Columns :data:`COLUMNS`; ``attrs["method"]`` names the method.
    """
    if method not in METHODS:
        raise ValueError(f"method {method!r}: expected one of {', '.join(METHODS)}")
    arguments.dataset(dataset, "progress_table")
    arguments.year(dataset, as_of, "as_of", "progress_table")
    if thresholds is not None and not isinstance(thresholds, Thresholds):
        raise TypeError(f"progress_table: thresholds must be a Thresholds, got {type(thresholds).__name__}")
    if rules is not None and not isinstance(rules, Rules):
        raise TypeError(f"progress_table: rules must be a Rules, got {type(rules).__name__}")
    thresholds = thresholds or Thresholds()
    rules = rules or Rules()
    as_of = int(default_as_of(dataset) if as_of is None else as_of)
    p = pledge_frame(dataset)
    if p.empty:
        return _empty_table(method)
    pairs = pledge_figures(p, with_period_sums(dataset, achieved_observations(dataset, as_of), p))
    if method == "eurostat":
        from .eurostat import assess

        out = assess(p, pairs, thresholds, rules)
    else:
        out = _refined(p, pairs, as_of, thresholds, rules)
    if "evidence_source" not in out:  # the published method rests every verdict on the latest figure
        out["evidence_source"] = _latest_source(out, pairs)
    kinds = dataset.sources.set_index("source_id")["kind"] if "kind" in dataset.sources else pd.Series(dtype=object)
    out["evidence_kind"] = [weakest_kind(s, kinds) for s in out["evidence_source"]]
    out["n_obs"] = pairs.groupby("pledge_id").size().reindex(out.index).fillna(0).astype(int)
    out["as_of"] = as_of
    out["method"] = method
    out["max_age"] = rules.max_age  # the recency rule the statuses were decided with
    out = out.reset_index()
    for col in ("base_year", "latest_year", "bound_year"):
        out[col] = pd.array(out[col].to_numpy(float, na_value=np.nan)).astype("Int64")
    out["status"] = pd.Categorical(out["status"], categories=STATUSES)
    table = out[COLUMNS]
    table.attrs["method"] = method
    return table


def _latest_source(out: pd.DataFrame, pairs: pd.DataFrame) -> pd.Series:
    """The source of each pledge's latest level figure ("" where it has none)."""
    levels = R.level_figures(pairs).set_index(["pledge_id", "year"])["obs_source"]
    levels = levels[~levels.index.duplicated()]
    keys = pd.MultiIndex.from_arrays([out.index, out["latest_year"].astype(float)])
    return pd.Series(levels.reindex(keys).to_numpy(), index=out.index).fillna("").astype(str)


def _empty_table(method: str) -> pd.DataFrame:
    """The progress table of a dataset without pledges: no rows, the same columns and types."""
    table = pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})
    for col in ("base_year", "latest_year", "bound_year"):
        table[col] = pd.array([], dtype="Int64")
    table["status"] = pd.Categorical([], categories=STATUSES)
    table.attrs["method"] = method
    return table


def _refined(p: pd.DataFrame, pairs: pd.DataFrame, as_of: int, thresholds: Thresholds, rules: Rules) -> pd.DataFrame:
    """The refined method: each rule of :mod:`progress_rules` in turn, then :func:`classify`."""
    base = R.base_figure(p, pairs, rules.base)
    p = p.join(base)
    sign = R.desired_sign(p)
    measure_rule = p["measure"].map(rules.by_measure).fillna("absolute").to_numpy()
    direction_only = p["comparator"].isin(list(R.DIRECTION_COMPARATORS)).to_numpy()
    direct = (measure_rule == "direct") & ~direction_only
    p = p.join(R.latest_figure(p, pairs, p["base_year"].to_numpy(float), direct))
    p = p.join(R.target_year_figure(p, pairs)).join(R.bound_figure(p, pairs, direct))

    b, lv, t = (p[c].to_numpy(float) for c in ("base_value", "latest_value", "target_value"))
    by, ly, ty = (p[c].to_numpy(float) for c in ("base_year", "latest_year", "target_year"))
    rule = np.where(direction_only, "cagr", R.rate_rule(p["measure"].to_numpy(), b, lv, t, rules.by_measure))
    observed, required = R.rates(rule, b, lv, t, by, ly, ty)
    ratio = R.signed_ratio(rule, observed, required, b, lv, t, sign)
    tol, __ = R.tolerance(p, sign, np.where(np.isfinite(b), b, lv), rules.about_tolerance, rules.bound_tolerance)
    limit = np.where(sign > 0, p["upper_bound"].to_numpy(float), p["lower_bound"].to_numpy(float))
    coeff = R.limit_coefficient(b, limit, rules.limit_exponent)
    growth = R.direction_growth(b, lv, by, ly, sign)
    observed = np.where(direction_only, growth, observed)
    required = np.where(direction_only, thresholds.no_target_high * coeff, required)
    ratio = np.where(direction_only, np.nan, ratio)

    facts = {
        "sign": sign, "base": b, "latest": lv, "target": t, "base_year": by, "latest_year": ly,
        "target_year": ty, "as_of": as_of, "ratio": ratio, "tol": tol, "growth": growth, "coeff": coeff,
        "direction_only": direction_only, "direct": direct,
        "target_year_value": p["target_year_value"].to_numpy(float),
        "bound_value": p["bound_value"].to_numpy(float), "bound_year": p["bound_year"].to_numpy(float),
        "bound_comparator": p["bound_comparator"].astype(object).where(p["bound_comparator"].notna(), "").to_numpy(str),
        "last_known": R.last_known_year(p, pairs), "last_level": R.last_known_year(p, pairs, levels_only=True),
        "doc_year": p["doc_year"].to_numpy(float),
    }  # fmt: skip
    status, reason, decided_by = classify(facts, thresholds, rules)

    single = np.isfinite(lv) & np.isfinite(b) & (ly <= by)
    with np.errstate(divide="ignore", invalid="ignore"):
        p["gap"] = t - lv
        p["gap_relative"] = (t - lv) / (t - b)
        p["distance_covered"] = (lv - b) / (t - b)
    p["sign"] = sign
    p["effective_target"] = t
    p["tolerance"] = tol
    p["rate_rule"] = np.where(np.isfinite(lv) & np.isfinite(b), np.where(direction_only, "cagr (no target)", rule), "")
    p["observed_rate"] = np.where(single, np.nan, observed)
    p["required_rate"] = required
    p["ratio"] = np.where(single, np.nan, ratio)
    p["status"] = status
    p["reason"] = reason
    p["peer_status"] = ""
    p["score"] = np.nan
    _decisive_figure(p, decided_by)
    p["base_rule"] = [_(rule) if rule else rule for rule in p["base_rule"]]  # in the reader's words, once compared
    return p


def classify(f: dict, thresholds: Thresholds, rules: Rules):
    """Status and reason of every pledge from the facts the rules computed (first rule that applies wins).

    Returns
    -------
    tuple of arrays
        status, reason, and which figure decided (``target_year``, ``bound``, ``latest`` or ``""``).
    """
    s, b, lv, t, ty = f["sign"], f["base"], f["latest"], f["target"], f["target_year"]
    tyv, tol, only = f["target_year_value"], f["tol"], f["direction_only"]
    due = ty <= f["as_of"]
    has_ty = np.isfinite(tyv)
    has_latest, has_base = np.isfinite(lv), np.isfinite(b)
    single = has_latest & has_base & (f["latest_year"] <= f["base_year"])
    met_b, unmet_b = R.bound_settles(f["bound_value"], f["bound_comparator"], t, s)
    bound_at_ty = f["bound_year"] == ty
    newer_bound = np.isfinite(f["bound_year"]) & ~(f["bound_year"] <= np.nan_to_num(f["latest_year"], nan=-np.inf))
    stale = R.stale(f["latest_year"], f["as_of"], ty, rules.max_age)
    with np.errstate(invalid="ignore"):
        held = s * (tyv - b) > 0
        moving_away = s * (lv - b) < 0
    g, c = f["growth"], f["coeff"]
    high, med, low = (thresholds.no_target_high * c, thresholds.no_target_med * c, thresholds.no_target_low * c)
    ratio = f["ratio"]
    tol_text = np.array([f"{x:.3g}" for x in tol])
    short_at_ty = _("figure for the target year is short of the target, within {tolerance} of it")
    short_latest = _("latest figure is short of the target, within {tolerance} of it")
    last = f["last_known"]
    rules_list = [
        # (condition, status, reason, decided by)
        (only & due & has_ty & has_base & held, "met", _("the figure for the target year moved in the pledged direction"),
         "target_year"),
        (only & due & has_ty & has_base & ~held, "missed",
         _("the figure for the target year did not move in the pledged direction"), "target_year"),
        (~only & due & has_ty & R.meets(tyv, t, s), "met", _("figure for the target year meets the target"), "target_year"),
        (~only & due & has_ty & R.within(tyv, t, s, tol), "within_tolerance",
         np.array([short_at_ty.format(tolerance=x) for x in tol_text], dtype=object), "target_year"),
        (~only & due & has_ty, "missed", _("figure for the target year falls short of the target"), "target_year"),
        (~only & due & bound_at_ty & met_b, "met", _("a bound for the target year settles it: met"), "bound"),
        (~only & due & bound_at_ty & unmet_b, "missed", _("a bound for the target year settles it: not met"), "bound"),
        (~has_latest & ~only & newer_bound & met_b, "achieved", _("a bound published since the pledge meets the target"),
         "bound"),
        (~has_latest & np.isfinite(last), "insufficient_data", _no_latest_reasons(last, f["last_level"], ty, f["direct"]), ""),
        (~has_latest, "insufficient_data", _("no achieved figure up to as_of"), ""),
        (stale, "insufficient_data",
         _("recency rule: the latest figure is more than {years} years older than the assessment year").format(
             years=rules.max_age), ""),
        (~only & R.meets(lv, t, s), "achieved", _("latest figure already meets the target"), "latest"),
        (~only & newer_bound & met_b, "achieved", _("a bound more recent than the latest figure meets the target"), "bound"),
        (~only & R.within(lv, t, s, tol), "within_tolerance",
         np.array([short_latest.format(tolerance=x) for x in tol_text], dtype=object), "latest"),
        (~has_base | single, "insufficient_data", _("only one point in time (base = latest)"), ""),
        (only & ~np.isfinite(g), "insufficient_data", _("compound growth undefined (a zero or a change of sign)"), ""),
        (only & (g >= high), "on_track", _("no numeric target: annual growth in the pledged direction at or above the "
                                           "1.5 % threshold (scaled near a limit)"), "latest"),
        (only & (g >= med), "acceleration_needed", _("no numeric target: annual growth in the pledged direction between "
                                                     "the 0.5 % and 1.5 % thresholds"), "latest"),
        (only & (g >= low), "limited", _("no numeric target: annual growth in the pledged direction below the 0.5 % "
                                         "threshold"), "latest"),
        (only, "deterioration", _("no numeric target: moved against the pledged direction"), "latest"),
        (moving_away, "deterioration", _("latest figure moved away from the target"), "latest"),
        (~np.isfinite(ratio), "insufficient_data", _("no meaningful ratio (the required change is zero)"), ""),
        (ratio >= thresholds.on_track, "on_track", _("R >= {threshold}").format(threshold=thresholds.on_track), "latest"),
        (ratio >= thresholds.acceleration_needed, "acceleration_needed",
         _("{lower} <= R < {upper}").format(lower=thresholds.acceleration_needed, upper=thresholds.on_track), "latest"),
        (ratio >= thresholds.limited, "limited",
         _("{lower} <= R < {upper}").format(lower=thresholds.limited, upper=thresholds.acceleration_needed), "latest"),
    ]  # fmt: skip
    conditions = [np.asarray(r[0], bool) for r in rules_list]
    status = np.select(conditions, [r[1] for r in rules_list], default="deterioration")
    reason = np.select(conditions, [np.broadcast_to(np.asarray(r[2], dtype=object), len(t)) for r in rules_list],
                       default=_("R < {threshold}").format(threshold=thresholds.limited))
    decided = np.select(conditions, [r[3] for r in rules_list], default="latest")
    overdue = due & ~has_ty & ~np.isin(status, ["met", "missed"])
    pending = _("{reason}; no figure for the target year yet")
    reason = np.where(overdue, [pending.format(reason=r) for r in reason], reason)
    return status.astype(object), reason.astype(str), decided


def _no_latest_reasons(last, last_level, target_year, direct) -> np.ndarray:
    """Why a pledge with figures has none that may judge it: only bounds (which judge no pace and
    here settle nothing), or level figures only for years it may not use."""
    out = []
    for year, level, ty, is_direct in zip(last, last_level, target_year, direct):
        if not np.isfinite(year):
            out.append("")
        elif not np.isfinite(level):
            out.append(_("only a bound (last: {year}), which does not settle the target and gives no pace").format(
                year=int(year)))
        elif level > ty:
            out.append(_("only figures after the target year (last: {year}), which say nothing of it").format(
                year=int(level)))
        elif is_direct:
            out.append(_("no figure for a year the pledge covers (last figure: {year})").format(year=int(level)))
        else:
            out.append(_("recency rule: no figure since the year before the pledge (last figure: {year})").format(
                year=int(level)))
    return np.array(out, dtype=object)


def _decisive_figure(p: pd.DataFrame, decided_by: np.ndarray) -> None:
    """Flags and note on the figure a verdict rests on (approximate, preliminary, a bound)."""
    at_ty = decided_by == "target_year"

    def text(col):
        return p[col].astype(object).where(p[col].notna(), "").astype(str).to_numpy()

    comp = np.where(at_ty, text("target_year_comparator"), text("latest_comparator"))
    stat = np.where(at_ty, text("target_year_status"), text("latest_status"))
    value = np.where(at_ty, p["target_year_value"], p["latest_value"]).astype(float)
    year = np.where(at_ty, p["target_year"].astype(float), p["latest_year"].astype(float))
    rests = decided_by != ""
    source = np.where(at_ty, text("target_year_source"),
                      np.where(decided_by == "bound", text("bound_source"), text("latest_source")))
    p["evidence_source"] = np.where(rests, source, "")
    p["latest_approximate"] = rests & (comp == "~") & (decided_by != "bound")
    p["latest_preliminary"] = rests & np.where(decided_by == "bound", text("bound_status") == "preliminary", stat == "preliminary")
    p["basis_note"] = R.basis_note(
        np.where(rests, comp, ""), np.where(rests, stat, ""), value, year,
        text("bound_comparator"), p["bound_value"].to_numpy(float), p["bound_year"].to_numpy(float),
        decided_by == "bound", lambda v: number(v, ""), _sum_from(p),
    )  # fmt: skip
    p["base_from"] = np.where(p["base_rule"] == R.BASE_RULES["stated"], "pledge",
                              np.where(p["base_rule"] != "", "observation", ""))

def _sum_from(p: pd.DataFrame) -> np.ndarray:
    """First year of the period whose yearly figures add up to a pledge's bound, where the bound is
    such a sum (:func:`with_period_sums`), else NaN."""
    summed = p["bound_summed"].fillna(False).astype(bool).to_numpy() if "bound_summed" in p else np.zeros(len(p), bool)
    years = p["sum_years"].astype(float).to_numpy() if "sum_years" in p else np.full(len(p), np.nan)
    return np.where(summed, p["bound_year"].to_numpy(float) - years + 1, np.nan)


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
