"""Fitted trends, projections to the target year and the chance of meeting it.

Model rule (documented, and a parameter): a ``level`` indicator whose values are all positive is
modelled on the natural log of its value (constant growth); every other series (shares, ratios,
growth rates, flows, or any series with a zero or negative value) on the value itself (constant
change). Bounds (``>=``/``<=`` figures) are never fitted. A series needs at least ``min_points`` (3)
exact or approximate figures; with fewer it is ``insufficient_data`` and nothing is extrapolated.

Two trend models (``kind``):

* ``rw_drift`` (default): a random walk with drift. The drift is the change per year from the first
  to the last figure; sigma**2 = sum((dy - drift dx)**2 / dx) / (m - 1) over the m increments; a new
  value h years after the last figure has mean ``y_last + drift h`` and variance
  ``sigma**2 (h + h**2 / T)`` (T the years the drift was estimated on), Student's t with m - 1
  degrees of freedom.
* ``ols``: a least-squares line on the year, prediction intervals with n - 2 degrees of freedom.

The hindcast (:mod:`analysis.method.hindcast`) chose the default: on the shipped figures the 90 % intervals
of the straight line held for about three later figures in four, those of the random walk for about
five in six.

:func:`fit_series` fits one series with statsmodels OLS (the reference); :func:`series_band`, the
charts' fitted line and prediction band, and :func:`fit_all`, either model for every series at
once, compute the same in closed form, so the whole dataset is fitted without a Python loop per
series and a chart does not import statsmodels (``tests/test_trends.py`` checks both against
statsmodels, ``tests/test_hindcast.py`` the random walk against the one-series fit).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import stdtr, stdtrit

from ..data import arguments
from ..data.dataset import Dataset, since_last_break
from .progress import achieved_observations, default_as_of, progress_table

MIN_POINTS = 3
KEYS = ["indicator_id", "geography"]
#: Trend models: ``rw_drift`` (default, chosen by the hindcast of :mod:`analysis.method.hindcast`) and ``ols``.
KINDS = ("rw_drift", "ols")
DEFAULT_KIND = "rw_drift"
LEVEL_COMPARATORS = ("=", "~")


def choose_model(measure: str, values) -> str:
    """``log`` for a level with all values positive, else ``linear``."""
    values = np.asarray(values, float)
    return "log" if measure == "level" and len(values) and (values > 0).all() else "linear"


def fit_series(years, values, model: str = "linear"):
    """Fit one series with statsmodels OLS.

    Returns
    -------
    statsmodels RegressionResults
        Fitted on ``year`` (with a constant) and ``value`` or ``log(value)``.
    """
    from statsmodels.regression.linear_model import OLS
    from statsmodels.tools.tools import add_constant

    y = np.log(np.asarray(values, float)) if model == "log" else np.asarray(values, float)
    x = add_constant(np.asarray(years, float))
    return OLS(y, x).fit()


def predict_series(result, years, model: str = "linear", alpha: float = 0.1) -> pd.DataFrame:
    """Fitted mean and prediction interval (1 - alpha) for ``years``, back on the value scale
    (``result`` from :func:`fit_series`)."""
    from statsmodels.tools.tools import add_constant

    x = add_constant(np.asarray(years, float), has_constant="add")
    frame = result.get_prediction(x).summary_frame(alpha=alpha)
    out = pd.DataFrame(
        {"year": np.asarray(years), "mean": frame["mean"], "lower": frame["obs_ci_lower"], "upper": frame["obs_ci_upper"]}
    )
    if model == "log":
        out[["mean", "lower", "upper"]] = np.exp(out[["mean", "lower", "upper"]])
    return out


def series_band(years, values, grid, model: str = "linear", alpha: float = 0.1) -> pd.DataFrame:
    """The least-squares line through one series and its (1 - alpha) prediction interval for each
    year of ``grid``, back on the value scale: :func:`predict_series` of :func:`fit_series` in closed
    form (``a + b (x - xbar)``, se ``s sqrt(1 + 1/n + (x - xbar)**2 / Sxx)``, Student's t with n - 2
    degrees of freedom). Columns year, mean, lower, upper."""
    x = np.asarray(years, float)
    y = np.log(np.asarray(values, float)) if model == "log" else np.asarray(values, float)
    n, x_mean, y_mean = len(x), x.mean(), y.mean()
    sxx = ((x - x_mean) ** 2).sum()
    slope = ((x - x_mean) * (y - y_mean)).sum() / sxx
    resid_sd = np.sqrt(((y - y_mean - slope * (x - x_mean)) ** 2).sum() / (n - 2))
    grid = np.asarray(grid)
    mean, se = predict("ols", grid.astype(float), x_mean, y_mean, slope, resid_sd, n, sxx, np.nan, np.nan, np.nan)
    half = stdtrit(n - 2, 1 - alpha / 2) * se
    out = pd.DataFrame({"year": grid, "mean": mean, "lower": mean - half, "upper": mean + half})
    if model == "log":
        out[["mean", "lower", "upper"]] = np.exp(out[["mean", "lower", "upper"]])
    return out


def fit_all(dataset: Dataset, as_of: int | None = None, min_points: int = MIN_POINTS, kind: str = "ols") -> pd.DataFrame:
    """Trend of every (indicator, geography) series with at least ``min_points`` figures.

    Parameters
    ----------
    kind : {"ols", "rw_drift"}
        ``ols``: least-squares line; ``rw_drift``: random walk with drift (drift = first-to-last
        change per year, sigma from the yearly increments).

    Returns
    -------
    DataFrame
        One row per series: indicator_id, geography, model, kind, n, first_year, last_year, x_mean,
        sxx, intercept (at x_mean), slope (per year, on the model scale; the drift for
        ``rw_drift``), resid_sd, df, last_y (the last value on the model scale).
    """
    if kind not in KINDS:
        raise ValueError(f"kind {kind!r}: expected one of {', '.join(KINDS)}")
    arguments.dataset(dataset, "fit_all")
    arguments.year(dataset, as_of, "as_of", "fit_all")
    if as_of is None:
        as_of = default_as_of(dataset)
    obs = achieved_observations(dataset, as_of)
    # bounds ("more than 70,000") are not levels: never fitted; nor the figures before a series break
    obs = since_last_break(obs[obs["comparator"].isin(LEVEL_COMPARATORS)])
    measure = obs["indicator_id"].map(dataset.indicators.set_index("indicator_id")["measure"])
    positive = obs.assign(_pos=obs["value"] > 0).groupby(KEYS)["_pos"].transform("all")
    model = np.where((measure == "level") & positive, "log", "linear")
    frame = obs.assign(model=model, x=obs["year"].astype(float))
    frame["y"] = np.where(frame["model"] == "log", np.log(frame["value"].where(frame["value"] > 0)), frame["value"])
    g = frame.groupby(KEYS, sort=True)
    n = g["x"].size()
    x_mean = g["x"].mean()
    y_mean = g["y"].mean()
    frame["dx"] = frame["x"] - frame.set_index(KEYS).index.map(x_mean).to_numpy()
    frame["dy"] = frame["y"] - frame.set_index(KEYS).index.map(y_mean).to_numpy()
    frame["dxdx"] = frame["dx"] ** 2
    frame["dxdy"] = frame["dx"] * frame["dy"]
    sums = frame.groupby(KEYS, sort=True)[["dxdx", "dxdy"]].sum()
    fits = pd.DataFrame(
        {
            "model": g["model"].first(),
            "n": n,
            "first_year": g["year"].min(),
            "last_year": g["year"].max(),
            "x_mean": x_mean,
            "sxx": sums["dxdx"],
            "intercept": y_mean,
        }
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        fits["slope"] = sums["dxdy"] / sums["dxdx"]
    frame = frame.join(fits[["slope", "intercept", "x_mean"]], on=KEYS)
    frame["resid2"] = (frame["y"] - (frame["intercept"] + frame["slope"] * (frame["x"] - frame["x_mean"]))) ** 2
    rss = frame.groupby(KEYS, sort=True)["resid2"].sum()
    fits["df"] = fits["n"] - 2
    with np.errstate(divide="ignore", invalid="ignore"):
        fits["resid_sd"] = np.sqrt(rss / fits["df"])
    frame = frame.sort_values(KEYS + ["x"], kind="stable")
    fits["last_y"] = frame.groupby(KEYS, sort=True)["y"].last()
    fits["kind"] = kind
    if kind == "rw_drift":
        _random_walk(frame, fits)
    fits = fits[(fits["n"] >= min_points) & (fits["sxx"] > 0)]
    return fits.reset_index()


def _random_walk(frame: pd.DataFrame, fits: pd.DataFrame) -> None:
    """Random walk with drift on each series (sorted by year), in place: the drift is the change
    per year from first to last figure; sigma**2 = sum((dy - drift dx)**2 / dx) / (m - 1) over the m
    increments; df = m - 1."""
    first_y = frame.groupby(KEYS, sort=True)["y"].first()
    span = fits["last_year"] - fits["first_year"]
    with np.errstate(divide="ignore", invalid="ignore"):
        drift = (fits["last_y"] - first_y) / span
    g = frame.groupby(KEYS, sort=True)
    dx = g["x"].diff()
    dy = g["y"].diff()
    per_row_drift = frame.join(drift.rename("_drift"), on=KEYS)["_drift"].to_numpy(float, na_value=np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        contrib = (dy.to_numpy(float, na_value=np.nan) - per_row_drift * dx.to_numpy(float, na_value=np.nan)) ** 2
        contrib = pd.Series(contrib / dx.to_numpy(float, na_value=np.nan), index=frame.index)
    sums = contrib.groupby([frame[k] for k in KEYS], sort=True).sum(min_count=1).astype(float)
    increments = fits["n"] - 1
    fits["slope"] = drift
    fits["df"] = increments - 1
    with np.errstate(divide="ignore", invalid="ignore"):
        fits["resid_sd"] = np.sqrt(sums.reindex(fits.index).to_numpy(float) / fits["df"].to_numpy(float))


def predict(kind, x0, x_mean, intercept, slope, resid_sd, n, sxx, last_year, last_y, first_year):
    """Mean and standard error of a new value at year ``x0`` (model scale), arrays or scalars.

    ``ols``: ``a + b (x0 - xbar)``, se ``s sqrt(1 + 1/n + (x0 - xbar)**2 / Sxx)``.
    ``rw_drift``: ``y_last + drift h`` with h = x0 - last year, se ``s sqrt(h + h**2 / T)``
    (the second term the drift's own uncertainty over the T years it was estimated on).
    """
    kind = np.asarray(kind)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_ols = intercept + slope * (x0 - x_mean)
        se_ols = resid_sd * np.sqrt(1.0 + 1.0 / n + (x0 - x_mean) ** 2 / sxx)
        h = np.maximum(x0 - last_year, 0.0)
        mean_rw = last_y + slope * h
        se_rw = resid_sd * np.sqrt(h + h**2 / (last_year - first_year))
    return np.where(kind == "rw_drift", mean_rw, mean_ols), np.where(kind == "rw_drift", se_rw, se_ols)


def project(
    dataset: Dataset,
    as_of: int | None = None,
    alpha: float = 0.1,
    min_points: int = MIN_POINTS,
    horizon: int = 2100,
    table: pd.DataFrame | None = None,
    kind: str = DEFAULT_KIND,
) -> pd.DataFrame:
    """Per pledge: the trend projected to the target year, the probability of meeting the target
    on time, and the year the target would be reached at the current pace.

    Parameters
    ----------
    dataset : Dataset
    as_of : int, optional
        Use figures up to this year (default: the latest year with a figure).
    alpha : float, default 0.1
        The prediction interval is (1 - alpha), i.e. 90 % by default.
    min_points : int, default 3
    horizon : int, default 2100
        A target not reached by this year at the current pace gets no ``year_reached``.
    table : DataFrame, optional
        A :func:`progress.progress_table` for the same ``as_of`` (computed when omitted).
    kind : {"rw_drift", "ols"}, default "rw_drift"
        The trend model (:data:`KINDS`); the hindcast (:mod:`analysis.method.hindcast`) chose the default.

    Returns
    -------
    DataFrame
        The progress table with added columns: trend_model (log or linear scale), trend_kind,
        trend_n, trend_slope, projected, projected_lower, projected_upper (clipped to the
        indicator's natural bounds), probability_met, year_reached, trend_status.
        ``year_reached`` is the latest year only when the latest figure itself meets the target;
        otherwise the first later year at which the trend does.
    """
    _check_project(dataset, as_of, alpha, table, kind)
    if as_of is None:
        as_of = default_as_of(dataset)
    if table is None:
        table = progress_table(dataset, as_of=as_of)
    elif len(table) and set(table["as_of"]) != {as_of}:
        computed = ", ".join(str(y) for y in sorted(set(table["as_of"])))
        raise ValueError(f"project: table was computed as of {computed}, not as of {as_of} (as_of); pass "
                         f"progress_table(dataset, as_of={as_of}) or leave table out")
    fits = fit_all(dataset, as_of, min_points=min_points, kind=kind)
    out = table.merge(fits, on=KEYS, how="left")
    has_fit = out["n"].notna().to_numpy() & out["target_value"].notna().to_numpy()
    log = (out["model"] == "log").to_numpy()
    x0 = out["target_year"].to_numpy(float)
    cols = {c: out[c].to_numpy(float) for c in ("x_mean", "intercept", "slope", "resid_sd", "n", "sxx", "last_year",
                                                 "last_y", "first_year", "df")}
    b, df = cols["slope"], cols["df"]
    target = out["target_value"].to_numpy(float)
    sign = out["sign"].to_numpy(float)
    latest_year = out["latest_year"].to_numpy(float, na_value=np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean, se = _predict_at(kind, x0, cols)
        tcrit = stdtrit(np.where(df > 0, df, 1), 1 - alpha / 2)
        lower, upper = mean - tcrit * se, mean + tcrit * se
        t_target = np.where(log, np.log(np.where(target > 0, target, np.nan)), target)
        z = (t_target - mean) / se
        cdf = stdtr(np.where(df > 0, df, 1), z)
        prob = np.where(sign > 0, 1 - cdf, cdf)
        # a perfect fit (se = 0): certain either way
        exact = se == 0
        prob = np.where(exact, (sign * (mean - t_target) >= 0).astype(float), prob)
        # the year the trend reaches the target: the latest year only if the figure itself meets it
        already = sign * (out["latest_value"].to_numpy(float) - target) >= -1e-9 * np.maximum(1.0, np.abs(target))
        start = np.where(np.isfinite(latest_year), latest_year, cols["last_year"])
        start_mean, _ = _predict_at(kind, start, cols)
        toward = sign * b > 0
        cross = start + (t_target - start_mean) / b
        after = np.maximum(np.ceil(cross - 1e-9), start + 1)
        year_reached = np.where(already, latest_year, np.where(toward, after, np.nan))
        year_reached = np.where(year_reached <= horizon, year_reached, np.nan)
    out["trend_model"] = out["model"]
    out["trend_kind"] = np.where(has_fit, kind, "")
    out["trend_n"] = out["n"].astype("Int64")
    out["trend_slope"] = b
    out["projected"] = np.where(log, np.exp(np.where(log, mean, 0.0)), mean)
    out["projected_lower"] = np.where(log, np.exp(np.where(log, lower, 0.0)), lower)
    out["projected_upper"] = np.where(log, np.exp(np.where(log, upper, 0.0)), upper)
    out["probability_met"] = prob
    out["year_reached"] = pd.array(np.where(np.isfinite(year_reached), year_reached, np.nan)).astype("Int64")
    # a projection cannot leave the indicator's natural bounds (a share above 100 %)
    bounds = dataset.indicators.set_index("indicator_id")[["lower_bound", "upper_bound"]]
    low = out["indicator_id"].map(bounds["lower_bound"]).to_numpy(float)
    high = out["indicator_id"].map(bounds["upper_bound"]).to_numpy(float)
    for col in ("projected", "projected_lower", "projected_upper"):
        out[col] = np.clip(out[col].to_numpy(float), np.nan_to_num(low, nan=-np.inf), np.nan_to_num(high, nan=np.inf))
    for col in ("projected", "projected_lower", "projected_upper", "probability_met", "trend_slope"):
        out.loc[~has_fit, col] = np.nan
    out.loc[~has_fit, "year_reached"] = pd.NA
    out["trend_status"] = np.where(has_fit, "fitted", "insufficient_data")
    return out.drop(columns=["model", "kind", "n", "first_year", "last_year", "x_mean", "sxx", "intercept", "slope",
                             "resid_sd", "df", "last_y"])


def _check_project(dataset, as_of, alpha, table, kind) -> None:
    """:func:`project`'s arguments (see :mod:`analysis.data.arguments`)."""
    arguments.dataset(dataset, "project")
    arguments.year(dataset, as_of, "as_of", "project")
    arguments.probability(alpha, "alpha", "project")
    arguments.choice(kind, KINDS, "kind", "project")
    if table is not None and (not isinstance(table, pd.DataFrame) or "as_of" not in table):
        raise TypeError(f"project: table must be a progress table (progress_table(dataset, as_of=...)), got "
                        f"{type(table).__name__}{'' if not isinstance(table, pd.DataFrame) else ' without an as_of column'}")


def _predict_at(kind: str, x0, cols: dict):
    return predict(kind, x0, cols["x_mean"], cols["intercept"], cols["slope"], cols["resid_sd"], cols["n"],
                   cols["sxx"], cols["last_year"], cols["last_y"], cols["first_year"])
