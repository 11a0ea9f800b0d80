"""The rules of the project's refined progress method, one small function each.

:func:`analysis.method.progress.progress_table` chains them; each can be read and tested alone. They work
on two frames:

* ``p``: one row per pledge (index ``pledge_id``) with the pledge's columns, its indicator's
  ``measure``, ``direction`` and bounds, and ``doc_year`` (the year its document was published);
* ``pairs``: one row per pledge and achieved figure of its indicator and place, with the figure's
  ``year``, ``value``, ``obs_comparator`` (``=``, ``~``, ``>=``, ``<=``) and ``obs_status``.

Functions return arrays aligned with ``p`` or frames indexed like it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..data.i18n import N_, _, pgettext

#: Observation comparators that state a level (exact or about); ``>=``/``<=`` state a bound.
LEVEL_COMPARATORS = ("=", "~")
BOUND_COMPARATORS = (">=", "<=")
#: Pledge comparators that commit to a direction without a number.
DIRECTION_COMPARATORS = {"increase": 1.0, "decrease": -1.0}

@dataclass(frozen=True)
class Thresholds:
    """Named thresholds: on R = observed rate / required rate, and (``no_target_*``) on the annual
    growth in the pledged direction of a pledge without a number (the methodology's 1.5 % / 0.5 % / 0)."""

    on_track: float = 0.95
    acceleration_needed: float = 0.6
    limited: float = 0.0
    no_target_high: float = 0.015
    no_target_med: float = 0.005
    no_target_low: float = 0.0

    def __post_init__(self):
        for name in ("on_track", "acceleration_needed", "limited", "no_target_high", "no_target_med", "no_target_low"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
                    or not np.isfinite(value):
                raise TypeError(f"Thresholds: {name} must be a finite number, got {value!r}")
        for names in (("on_track", "acceleration_needed", "limited"), ("no_target_high", "no_target_med", "no_target_low")):
            values = [getattr(self, n) for n in names]
            if not values[0] >= values[1] >= values[2]:
                listed = ", ".join(f"{n}={v!r}" for n, v in zip(names, values))
                raise ValueError(f"Thresholds out of order: expected {' >= '.join(names)}, got {listed}")


@dataclass(frozen=True)
class Rules:
    """The refined method's rules: rate rule by measure (``cagr``, ``absolute`` or ``direct``),
    tolerances for the ``within_tolerance`` label, base rule (``pledge`` or ``earliest``), recency
    (``max_age`` years), the exponent of the near-limit scaling, and the base year of the eurostat
    method when a pledge states none."""

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
    base: str = "pledge"
    max_age: int = 3
    limit_exponent: float = 4.44
    eurostat_base_year: int = 2015


DEFAULTS = {"thresholds": Thresholds(), "rules": Rules()}


#: The rule that gave a pledge's base, in words (``base_rule``; translated where the table is made).
BASE_RULES = {
    "stated": N_("stated baseline"),
    "stated_year": N_("figure for the stated baseline year (or the first after it)"),
    "year_before": N_("figure for the year before the pledge"),
    "pledge_year": N_("figure for the year of the pledge"),
    "after": N_("first figure after the pledge"),
    "earliest": N_("earliest figure"),
    "undated": N_("earliest figure (document undated)"),
}


def _align(frame: pd.DataFrame, index: pd.Index, column: str, dtype=float) -> np.ndarray:
    return frame[column].reindex(index).to_numpy(dtype, na_value=np.nan) if len(frame) else np.full(len(index), np.nan)


def _per_pledge(rows: pd.DataFrame, last: bool = False) -> pd.DataFrame:
    """The first (or last) row by year of each pledge, indexed by pledge_id."""
    rows = rows.sort_values(["pledge_id", "year"], kind="stable")
    grouped = rows.groupby("pledge_id", sort=False)
    return (grouped.tail(1) if last else grouped.head(1)).set_index("pledge_id")


def desired_sign(p: pd.DataFrame) -> np.ndarray:
    """+1 where higher is progress, -1 where lower is.

    ``>=`` and ``increase`` pledges +1, ``<=`` and ``decrease`` -1; ``=`` and ``~`` take the
    indicator's direction, and for a neutral indicator the direction from the base to the target
    (``p`` needs ``base_value`` for that; +1 when unknown).
    """
    comp = p["comparator"].to_numpy()
    ind = p["direction"].map({"higher_is_better": 1.0, "lower_is_better": -1.0}).fillna(0.0).to_numpy()
    base = p["base_value"].to_numpy(float) if "base_value" in p else np.full(len(p), np.nan)
    toward = np.sign(np.nan_to_num(p["target_value"].to_numpy(float) - base))
    toward = np.where(toward == 0, 1.0, toward)
    return np.select(
        [np.isin(comp, [">=", "increase"]), np.isin(comp, ["<=", "decrease"])],
        [1.0, -1.0],
        default=np.where(ind != 0, ind, toward),
    )


def level_figures(pairs: pd.DataFrame) -> pd.DataFrame:
    """Figures that state a level (exact or approximate): the only ones rates may use."""
    return pairs[pairs["obs_comparator"].isin(LEVEL_COMPARATORS)]


def base_figure(p: pd.DataFrame, pairs: pd.DataFrame, rule: str = "pledge") -> pd.DataFrame:
    """Base year, value and the rule that gave it.

    ``rule="pledge"`` (default): the stated baseline (a stated year without a value: the figure for
    that year, or the first after it); else the figure for the year before the
    pledge's document, else for the document's year, else the first figure after it. A figure
    older than the year before the document is never the base. An undated document falls back to
    the earliest figure. ``rule="earliest"``: the stated baseline, else the earliest figure.
    Figures after the target year are never a base.
    """
    levels = level_figures(pairs)
    levels = levels[levels["year"] < levels["target_year"]]
    doc = levels["doc_year"]
    if rule == "earliest":
        conditions = [levels["year"] >= levels["baseline_year"], levels["year"].notna()]
        names = ["stated_year", "earliest"]
    else:
        conditions = [levels["year"] >= levels["baseline_year"], levels["year"] == doc - 1, levels["year"] == doc,
                      levels["year"] > doc, doc.isna()]  # fmt: skip
        names = ["stated_year", "year_before", "pledge_year", "after", "undated"]
    # one pass: each figure's rule rank (first matching rule), then the best rank and earliest year per pledge
    rank = np.select([np.asarray(c, bool) for c in conditions], list(range(len(names))), default=len(names))
    ranked = levels.assign(_rank=rank)
    ranked = ranked[ranked["_rank"] < len(names)].sort_values(["pledge_id", "_rank", "year"], kind="stable")
    found = ranked.groupby("pledge_id", sort=False).head(1).set_index("pledge_id")
    out = pd.DataFrame(
        {
            "base_year": _align(found, p.index, "year"),
            "base_value": _align(found, p.index, "value"),
            "base_rule": found["_rank"].map(lambda r: BASE_RULES[names[r]]).reindex(p.index).fillna("")
            if len(found) else "",
        },
        index=p.index,
    )
    stated = (p["baseline_year"].notna() & p["baseline_value"].notna()).to_numpy()
    out.loc[stated, "base_year"] = p.loc[stated, "baseline_year"].astype(float)
    out.loc[stated, "base_value"] = p.loc[stated, "baseline_value"].astype(float)
    out.loc[stated, "base_rule"] = BASE_RULES["stated"]
    return out


def latest_figure(p: pd.DataFrame, pairs: pd.DataFrame, base_year: np.ndarray, direct: np.ndarray) -> pd.DataFrame:
    """The most recent level figure that may judge the pledge.

    Never one for a year after the target year (a later year's figure says nothing of the target
    year), never one older than the base year, and for pledges judged directly (growth rates,
    annual flows) only one for a year the pledge covers (the document's year or later).
    """
    levels = level_figures(pairs)
    frame = pd.DataFrame({"_base": base_year, "_direct": direct}, index=p.index)
    levels = levels.join(frame, on="pledge_id")
    floor = np.where(levels["_direct"], levels["doc_year"].fillna(-np.inf), levels["_base"].fillna(np.inf))
    ok = (levels["year"] <= levels["target_year"]) & (levels["year"] >= floor)
    found = _per_pledge(levels[ok], last=True)
    return pd.DataFrame(
        {
            "latest_year": _align(found, p.index, "year"),
            "latest_value": _align(found, p.index, "value"),
            "latest_comparator": found["obs_comparator"].reindex(p.index) if len(found) else np.nan,
            "latest_status": found["obs_status"].reindex(p.index) if len(found) else np.nan,
            "latest_source": found["obs_source"].reindex(p.index) if len(found) else np.nan,
        },
        index=p.index,
    )


def last_known_year(p: pd.DataFrame, pairs: pd.DataFrame, levels_only: bool = False) -> np.ndarray:
    """Year of the most recent achieved figure of any kind, or (``levels_only``) of the most recent
    level figure: for the reason of a missing verdict."""
    return _align(_per_pledge(level_figures(pairs) if levels_only else pairs, last=True), p.index, "year")


def target_year_figure(p: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """The level figure for the target year itself (what met/missed rests on)."""
    levels = level_figures(pairs)
    found = _per_pledge(levels[levels["year"] == levels["target_year"]])
    return pd.DataFrame(
        {
            "target_year_value": _align(found, p.index, "value"),
            "target_year_comparator": found["obs_comparator"].reindex(p.index) if len(found) else np.nan,
            "target_year_status": found["obs_status"].reindex(p.index) if len(found) else np.nan,
            "target_year_source": found["obs_source"].reindex(p.index) if len(found) else np.nan,
        },
        index=p.index,
    )


def bound_figure(p: pd.DataFrame, pairs: pd.DataFrame, direct: np.ndarray | None = None) -> pd.DataFrame:
    """The most recent bound (``>=``/``<=`` figure) up to the target year and not older than the year
    before the pledge (for pledges judged directly, growth rates and annual flows, only a bound for a
    year the pledge covers: last year's flow says nothing of this year's): shown beside the verdict,
    used only where it settles the pledge."""
    bounds = pairs[pairs["obs_comparator"].isin(BOUND_COMPARATORS)]
    if direct is not None:
        bounds = bounds.join(pd.Series(direct, index=p.index, name="_direct"), on="pledge_id")
        floor = bounds["doc_year"] - np.where(bounds["_direct"], 0, 1)
    else:
        floor = bounds["doc_year"] - 1
    ok = (bounds["year"] <= bounds["target_year"]) & ~(bounds["year"] < floor)
    found = _per_pledge(bounds[ok], last=True)
    return pd.DataFrame(
        {
            "bound_year": _align(found, p.index, "year"),
            "bound_value": _align(found, p.index, "value"),
            "bound_comparator": found["obs_comparator"].reindex(p.index).fillna("") if len(found) else "",
            "bound_status": found["obs_status"].reindex(p.index) if len(found) else np.nan,
            "bound_summed": found["summed"].reindex(p.index) if len(found) and "summed" in found else False,
            "bound_source": found["obs_source"].reindex(p.index) if len(found) else np.nan,
        },
        index=p.index,
    )


def meets(value: np.ndarray, target: np.ndarray, sign: np.ndarray) -> np.ndarray:
    """The value meets the literal target in the desired direction (no tolerance)."""
    with np.errstate(invalid="ignore"):
        slack = 1e-9 * np.maximum(1.0, np.abs(target))
        return np.isfinite(value) & (sign * (value - target) >= -slack)


def bound_settles(bound: np.ndarray, comparator: np.ndarray, target: np.ndarray, sign: np.ndarray):
    """(met, unmet): a bound settles a pledge only when every value it allows is on one side.

    "more than 80,000" meets "at least 80,000"; "more than 70,000" against 75,000 settles nothing;
    "less than 1.8" against "at least 1.9" settles it as not met.
    """
    bsign = np.select([comparator == ">=", comparator == "<="], [1.0, -1.0], 0.0)
    with np.errstate(invalid="ignore"):
        met = (bsign == sign) & (sign * (bound - target) >= 0) & np.isfinite(bound)
        unmet = (bsign == -sign) & (sign * (bound - target) < 0) & np.isfinite(bound)
    return met, unmet


def tolerance(p: pd.DataFrame, sign: np.ndarray, reference: np.ndarray, about: float, at_bound: float):
    """How far short of the literal target a value may be to be labelled ``within_tolerance``.

    ``~`` pledges: ``about`` x |target|. Targets at the indicator's natural bound (100 %
    coverage): ``at_bound`` x the distance from the base (else latest) to the bound. Never a
    reason for ``achieved`` or ``met``.
    """
    target = p["target_value"].to_numpy(float)
    bound = np.where(sign > 0, p["upper_bound"].to_numpy(float), p["lower_bound"].to_numpy(float))
    is_bound = np.isfinite(bound) & np.isclose(target, bound)
    tol_about = np.where(p["comparator"].to_numpy() == "~", about * np.abs(target), 0.0)
    tol_bound = np.where(is_bound, at_bound * np.abs(np.nan_to_num(bound - reference)), 0.0)
    return np.maximum(tol_about, tol_bound), is_bound


def within(value, target, sign, tol) -> np.ndarray:
    """Short of the literal target by no more than ``tol`` (and tol > 0)."""
    with np.errstate(invalid="ignore"):
        return (tol > 0) & np.isfinite(value) & (sign * (value - target) >= -tol) & ~meets(value, target, sign)


def rate_rule(measure: np.ndarray, base, latest, target, by_measure: dict) -> np.ndarray:
    """``cagr``, ``absolute`` or ``direct`` per pledge; ``cagr`` falls back to ``absolute`` where
    compound growth is undefined (a zero, or values of different signs) on the literal target."""
    rule = pd.Series(measure).map(by_measure).fillna("absolute").to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        ok = (base != 0) & (latest / base > 0) & (target / base > 0)
    return np.where((rule == "cagr") & ~ok, "absolute", rule)


def rates(rule, base, latest, target, base_year, latest_year, target_year):
    """Observed and required annual rates under each pledge's rule.

    cagr: ``(latest / base) ** (1 / years) - 1``; absolute: ``(latest - base) / years``; direct:
    the latest value and the target themselves.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        span_obs = latest_year - base_year
        span_req = target_year - base_year
        observed = np.select(
            [rule == "cagr", rule == "direct"],
            [np.power(latest / base, 1.0 / span_obs) - 1.0, latest],
            default=(latest - base) / span_obs,
        )
        required = np.select(
            [rule == "cagr", rule == "direct"],
            [np.power(target / base, 1.0 / span_req) - 1.0, target],
            default=(target - base) / span_req,
        )
    return observed, required


def signed_ratio(rule, observed, required, base, latest, target, sign) -> np.ndarray:
    """R, whose sign is the direction of progress: negative means moving away from the target.

    Trend rules: ``R = d |observed| / |required|`` with ``d`` the sign of ``s (latest - base)``
    (so a target met at baseline and then lost gives a negative R, not +4). Direct rules:
    ``R = 1 + s (latest - target) / |target|``. NaN where the required change is zero.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        direction = np.sign(sign * (latest - base))
        trend = direction * np.abs(observed) / np.abs(required)
        direct = 1.0 + sign * (latest - target) / np.abs(target)
        ratio = np.where(rule == "direct", direct, trend)
    return np.where(np.isfinite(ratio), ratio, np.nan)


def limit_coefficient(base, limit, exponent: float = 4.44) -> np.ndarray:
    """The methodology's reduction of the no-target thresholds near a natural limit.

    ``1`` without a limit or with ``|base| >= 2 |limit|``; ``1 - (|base|/|limit|)**a`` at or below
    the limit; ``1 - ((2|limit| - |base|)/|limit|)**a`` between the limit and twice it.
    """
    b, lim = np.abs(base), np.abs(limit)
    with np.errstate(divide="ignore", invalid="ignore"):
        below = 1.0 - np.power(b / lim, exponent)
        between = 1.0 - np.power((2 * lim - b) / lim, exponent)
        coeff = np.select([~np.isfinite(lim), b >= 2 * lim, b <= lim], [1.0, 1.0, below], default=between)
    return np.where(np.isfinite(coeff), coeff, 1.0)


def direction_growth(base, latest, base_year, latest_year, sign) -> np.ndarray:
    """Annual compound growth in the desired direction (for pledges without a number): the
    methodology's ``sign(base) * s * CAGR``; NaN where compound growth is undefined."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ok = (base != 0) & (latest / base > 0) & (latest_year > base_year)
        growth = np.power(latest / base, 1.0 / (latest_year - base_year)) - 1.0
        return np.where(ok, np.sign(base) * sign * growth, np.nan)


def stale(latest_year, as_of: int, target_year, max_age: int) -> np.ndarray:
    """The recency rule: the latest figure is more than ``max_age`` years older than the year the
    pledge is assessed for (``as_of``, or the target year once it has passed)."""
    reference = np.minimum(float(as_of), target_year)
    return np.isfinite(latest_year) & (reference - latest_year > max_age)


def basis_note(comparator, status, value, year, bound_comparator, bound_value, bound_year, bound_decides, fmt,
               sum_from=None) -> list[str]:
    """What a verdict rests on, in words: an approximate or preliminary figure, or a bound (a bound
    that is the sum of the yearly figures found for a period, where ``sum_from`` gives its first year)."""
    sum_from = np.full(len(comparator), np.nan) if sum_from is None else sum_from
    notes = []
    for comp, st, v, y, bc, bv, byr, decides, sf in zip(
        comparator, status, value, year, bound_comparator, bound_value, bound_year, bound_decides, sum_from
    ):
        parts = []
        bound = _bound_text(bc, fmt(bv), int(byr)) if np.isfinite(bv) else ""
        if np.isfinite(sf) and np.isfinite(bv):
            bound = _("the yearly figures found for {start}-{end} add up to at least {value} "
                      "(some years have no figure)").format(start=int(sf), end=int(byr), value=fmt(bv))
        if decides:
            parts.append(_("rests on a bound: {bound}").format(bound=bound))
        else:
            if comp == "~" and np.isfinite(v):
                parts.append(_("rests on an approximate figure (about {value}, {year})").format(value=fmt(v), year=int(y)))
            if st == "preliminary" and np.isfinite(v):
                parts.append(_("rests on a preliminary figure ({value}, {year})").format(value=fmt(v), year=int(y)))
            if bc in BOUND_COMPARATORS and np.isfinite(bv):
                parts.append(_("also known: {bound}").format(bound=bound) if np.isfinite(sf)
                             else _("also published: {bound}").format(bound=bound))
        notes.append(pgettext("list separator", "; ").join(parts))
    return notes


def _bound_text(comparator: str, value: str, year: int) -> str:
    """A bound in words: "more than 70,000 (2023)"."""
    if comparator == ">=":
        return _("more than {value} ({year})").format(value=value, year=year)
    if comparator == "<=":
        return _("less than {value} ({year})").format(value=value, year=year)
    return f" {value} ({year})"
