"""How good are the projections? A hindcast of the trend models on the figures we have.

For every series (indicator and place) and every year ``t`` at which it has at least ``min_points``
exact or approximate figures, the model is fitted on the figures up to ``t`` and predicts each later
year that has a figure. Two scores:

* **coverage**: the share of those later figures inside the (1 - alpha) prediction interval (a
  calibrated 90 % interval covers about 90 %);
* **Brier score** of the probability of meeting the target: for every pledge with a figure for its
  target year, and every origin ``t`` before the target year, ``(p - outcome)**2`` averaged, where
  outcome is 1 when the target-year figure meets the literal target.

:func:`compare` runs both models (:data:`analysis.method.trends.KINDS`); the default of
:func:`analysis.method.trends.project` is the one whose coverage is closest to the promise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import stdtr, stdtrit

from ..data import arguments
from ..data.dataset import Dataset, since_last_break
from ..data.i18n import N_, _
from .progress import achieved_observations, pledge_frame
from .rules import DIRECTION_COMPARATORS, LEVEL_COMPARATORS
from .trends import KEYS, KINDS, MIN_POINTS, predict

#: Readers' names of the trend models.
KIND_LABELS = {"rw_drift": N_("random walk with drift"), "ols": N_("straight-line (OLS)")}


def kind_label(kind: str) -> str:
    """A trend model's name in the reader's language (its code where it has none)."""
    return _(KIND_LABELS[kind]) if kind in KIND_LABELS else kind


@dataclass(frozen=True)
class Hindcast:
    """The hindcast of one model: ``forecasts`` (one row per origin and later figure),
    ``probabilities`` (one row per pledge and origin) and the summary figures."""

    kind: str
    alpha: float
    forecasts: pd.DataFrame
    probabilities: pd.DataFrame

    @property
    def coverage(self) -> float:
        """Share of later figures inside the (1 - alpha) prediction interval."""
        return float(self.forecasts["inside"].mean()) if len(self.forecasts) else float("nan")

    @property
    def brier(self) -> float:
        """Mean squared difference between the probability of meeting the target and the outcome."""
        p = self.probabilities
        return float(((p["probability"] - p["outcome"]) ** 2).mean()) if len(p) else float("nan")

    @property
    def n_series(self) -> int:
        return int(self.forecasts.groupby(KEYS).ngroups) if len(self.forecasts) else 0

    @property
    def n_forecasts(self) -> int:
        return len(self.forecasts)

    def summary(self) -> dict:
        """kind, alpha, coverage, brier, n_series, n_forecasts, n_probabilities."""
        return {
            "kind": self.kind, "alpha": self.alpha, "coverage": self.coverage, "brier": self.brier,
            "n_series": self.n_series, "n_forecasts": self.n_forecasts, "n_probabilities": len(self.probabilities),
        }  # fmt: skip


def fit_one(years, values, log: bool, kind: str) -> dict | None:
    """Fit one series (sorted by year) on the model scale; None with fewer than 3 points or one year."""
    x = np.asarray(years, float)
    y = np.log(np.asarray(values, float)) if log else np.asarray(values, float)
    n = len(x)
    if n < 3 or np.ptp(x) == 0:
        return None
    xm, ym = x.mean(), y.mean()
    sxx = float(((x - xm) ** 2).sum())
    if kind == "ols":
        slope = float(((x - xm) * (y - ym)).sum() / sxx)
        resid = y - (ym + slope * (x - xm))
        df = n - 2
        sd = float(np.sqrt((resid**2).sum() / df))
    else:
        slope = float((y[-1] - y[0]) / (x[-1] - x[0]))
        dx, dy = np.diff(x), np.diff(y)
        df = n - 2
        sd = float(np.sqrt(((dy - slope * dx) ** 2 / dx).sum() / df))
    return {"x_mean": xm, "intercept": ym, "slope": slope, "resid_sd": sd, "n": n, "sxx": sxx, "df": df,
            "last_year": x[-1], "last_y": y[-1], "first_year": x[0], "log": log}  # fmt: skip


def interval(fit: dict, x0, kind: str, alpha: float):
    """(mean, lower, upper, se) at years ``x0`` on the model scale."""
    x0 = np.asarray(x0, float)
    mean, se = predict(kind, x0, fit["x_mean"], fit["intercept"], fit["slope"], fit["resid_sd"], fit["n"],
                       fit["sxx"], fit["last_year"], fit["last_y"], fit["first_year"])
    t = stdtrit(fit["df"], 1 - alpha / 2)
    return mean, mean - t * se, mean + t * se, se


def probability(fit: dict, x0: float, target: float, sign: float, kind: str) -> float:
    """Probability that the value at ``x0`` meets ``target`` in the direction ``sign``."""
    mean, __, ___, se = interval(fit, [x0], kind, 0.1)
    t_target = np.log(target) if fit["log"] else target
    if not np.isfinite(t_target):
        return float("nan")
    if se[0] == 0:
        return float(sign * (mean[0] - t_target) >= 0)
    cdf = stdtr(fit["df"], (t_target - mean[0]) / se[0])
    return float(1 - cdf if sign > 0 else cdf)


def _series(dataset: Dataset):
    obs = achieved_observations(dataset)
    obs = since_last_break(obs[obs["comparator"].isin(LEVEL_COMPARATORS)]).sort_values(KEYS + ["year"])
    measure = dataset.indicators.set_index("indicator_id")["measure"]
    for key, group in obs.groupby(KEYS, sort=True):
        values = group["value"].to_numpy(float)
        log = measure.get(key[0]) == "level" and bool((values > 0).all())
        yield key, group["year"].to_numpy(float), values, log


def hindcast(dataset: Dataset, kind: str = "rw_drift", alpha: float = 0.1, min_points: int = MIN_POINTS) -> Hindcast:
    """Hindcast ``kind`` on every series with more than ``min_points`` figures.

    Returns
    -------
    Hindcast
        ``forecasts``: indicator_id, geography, origin, year, horizon, value, mean, lower, upper,
        inside; ``probabilities``: pledge_id, origin, target_year, probability, outcome.
    """
    arguments.dataset(dataset, "hindcast")
    arguments.choice(kind, KINDS, "kind", "hindcast")
    arguments.probability(alpha, "alpha", "hindcast")
    if isinstance(min_points, bool) or not isinstance(min_points, int) or min_points < 2:
        raise ValueError(f"hindcast: min_points={min_points!r}: expected an integer of at least 2")
    rows, fits = [], {}
    for key, years, values, log in _series(dataset):
        for k in range(min_points - 1, len(years) - 1):
            fit = fit_one(years[: k + 1], values[: k + 1], log, kind)
            if fit is None:
                continue
            fits[(key, years[k])] = fit
            later = years[k + 1 :]
            mean, lower, upper, __ = interval(fit, later, kind, alpha)
            if log:
                mean, lower, upper = np.exp(mean), np.exp(lower), np.exp(upper)
            actual = values[k + 1 :]
            for yr, v, m, lo, hi in zip(later, actual, mean, lower, upper):
                rows.append((key[0], key[1], years[k], yr, yr - years[k], v, m, lo, hi, bool(lo <= v <= hi)))
    forecasts = pd.DataFrame(rows, columns=KEYS + ["origin", "year", "horizon", "value", "mean", "lower", "upper",
                                                   "inside"])
    return Hindcast(kind, alpha, forecasts, _probabilities(dataset, fits, kind, min_points))


def _probabilities(dataset: Dataset, fits: dict, kind: str, min_points: int) -> pd.DataFrame:
    """Probability of meeting each decided pledge's target, from every origin before its target year."""
    p = pledge_frame(dataset)
    p = p[~p["comparator"].isin(list(DIRECTION_COMPARATORS)) & p["target_value"].notna()]
    obs = achieved_observations(dataset)
    obs = obs[obs["comparator"].isin(LEVEL_COMPARATORS)]
    at_target = p.reset_index().merge(obs, left_on=KEYS + ["target_year"], right_on=KEYS + ["year"])
    direction = at_target["direction"].map({"higher_is_better": 1.0, "lower_is_better": -1.0}).fillna(1.0)
    comp = at_target["comparator_x"]
    sign = np.select([comp == ">=", comp == "<="], [1.0, -1.0], default=direction)
    by_series: dict = {}
    for (key, origin), fit in fits.items():
        by_series.setdefault(key, []).append((origin, fit))
    rows = []
    for (__, r), s in zip(at_target.iterrows(), sign):
        outcome = float(s * (r["value"] - r["target_value"]) >= -1e-9 * max(1.0, abs(r["target_value"])))
        for origin, fit in by_series.get((r["indicator_id"], r["geography"]), []):
            if origin < r["target_year"]:
                prob = probability(fit, float(r["target_year"]), float(r["target_value"]), s, kind)
                if np.isfinite(prob):
                    rows.append((r["pledge_id"], origin, int(r["target_year"]), prob, outcome))
    return pd.DataFrame(rows, columns=["pledge_id", "origin", "target_year", "probability", "outcome"])


def compare(dataset: Dataset, alpha: float = 0.1, kinds=("rw_drift", "ols")) -> pd.DataFrame:
    """One row per model: coverage of the (1 - alpha) intervals, Brier score, series and forecasts."""
    kinds = arguments.names(kinds, "kinds", "compare")
    return pd.DataFrame([hindcast(dataset, kind, alpha).summary() for kind in kinds]).set_index("kind")


def coverage_by_horizon(result: Hindcast) -> pd.DataFrame:
    """Coverage and number of forecasts per horizon (years ahead of the last figure fitted)."""
    g = result.forecasts.groupby("horizon")["inside"]
    return pd.DataFrame({"coverage": g.mean(), "forecasts": g.size()})


def chart(results, alpha: float = 0.1):
    """Coverage of the prediction intervals by horizon, one line per model, the promise dashed.

    Returns
    -------
    matplotlib Figure
    """
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 3.6))
    for res in results:
        table = coverage_by_horizon(res)
        table = table[table["forecasts"] >= 5]
        ax.plot(table.index, table["coverage"] * 100, marker="o",
                label=_("{model}: {coverage} overall ({forecasts} forecasts)").format(
                    model=kind_label(res.kind), coverage=f"{res.coverage:.0%}", forecasts=res.n_forecasts))
    ax.axhline((1 - alpha) * 100, color="#555555", linestyle="--",
               label=_("promised {level}").format(level=f"{1 - alpha:.0%}"))
    ax.set_xlabel(_("years ahead of the last figure used"))
    ax.set_ylabel(_("figures inside the interval (%)"))
    ax.set_ylim(0, 105)
    ax.set_title(_("How often the prediction intervals held (hindcast)"))
    ax.legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    return fig


def sentence(result: Hindcast, others=()) -> str:
    """The hindcast's finding in one sentence (and how the other models did)."""
    text = _(
        "Fitted on the figures up to each year and checked against every later figure, the {model} projections this "
        "report uses ({series} series, {forecasts} forecasts) put {coverage} of the later figures inside their "
        "{level} prediction interval; the Brier score of the probability of meeting a target is {brier} over "
        "{pledge_forecasts} forecasts of pledges whose target year has a figure (0 is perfect, 0.25 is a coin toss)."
    ).format(model=kind_label(result.kind), series=result.n_series, forecasts=result.n_forecasts,
             coverage=f"{result.coverage:.0%}", level=f"{1 - result.alpha:.0%}", brier=f"{result.brier:.3f}",
             pledge_forecasts=len(result.probabilities))
    for other in others:
        text += _(" The {model} model would cover {coverage} (Brier {brier}).").format(
            model=kind_label(other.kind), coverage=f"{other.coverage:.0%}", brier=f"{other.brier:.3f}")
    return text
