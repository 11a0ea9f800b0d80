"""Charts in one house style: readable in print, unit on the axis, sources at the foot."""

from __future__ import annotations

import textwrap

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from . import trends
from .data import Dataset
from .progress import STATUS_COLORS, STATUS_LABELS, achieved_observations, status_counts

_RC = {
    "figure.dpi": 110,
    "savefig.dpi": 110,
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#DDDDDD",
    "grid.linewidth": 0.6,
    "legend.frameon": False,
    "svg.hashsalt": "zjcp",
    "path.simplify": True,
}


#: Okabe-Ito colour-blind safe cycle (the same as seaborn's "colorblind" palette family).
_CYCLE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]


def use_style() -> None:
    """Apply the house style to matplotlib (call once, e.g. at the top of a notebook)."""
    mpl.rcParams.update(_RC)
    mpl.rcParams["axes.prop_cycle"] = mpl.cycler(color=_CYCLE)


def source_line(fig, dataset: Dataset, source_ids, width: int = 130) -> None:
    """Write 'Source: ...' naming the documents under the figure."""
    titles = dataset.sources.set_index("source_id").reindex(sorted(set(source_ids)))
    names = [f"{t} ({p.year})" for t, p in zip(titles["title_en"], titles["published"]) if isinstance(t, str)]
    text = "Source: " + "; ".join(names) if names else "Source: curated dataset"
    fig.text(0.01, 0.0, _plain(textwrap.fill(text, width)), ha="left", va="top", fontsize=7.5, color="#444444")


def _plain(text) -> str:
    """Text from the dataset, shown literally (matplotlib would read ``$...$`` as mathematics)."""
    return str(text).replace("$", r"\$")


def _label(value: float, unit: str) -> str:
    if unit == "%":
        return f"{value:,.4g}%"
    return f"{value:,.6g} {unit}"


def trajectory(dataset: Dataset, pledge: pd.Series, as_of: int, alpha: float = 0.1, ax=None):
    """Observations, fitted trend with its prediction interval, the required path from base to
    target, the target marker and the as-of line, for one pledge (a row of the progress table).

    Returns
    -------
    matplotlib Figure
    """
    if ax is None:
        fig, ax = plt.subplots(figsize=(7.2, 4.0), layout="constrained")
    else:
        fig = ax.figure
    obs = achieved_observations(dataset, as_of)
    series = obs[(obs["indicator_id"] == pledge["indicator_id"]) & (obs["geography"] == pledge["geography"])]
    series = series.sort_values("year")
    measure = dataset.indicators.set_index("indicator_id").at[pledge["indicator_id"], "measure"]
    ax.plot(series["year"], series["value"], "o", color="#222222", label="achieved", zorder=3)
    sources = set(series["source_id"]) | {pledge["source_id"]}
    if len(series) >= trends.MIN_POINTS:
        model = trends.choose_model(measure, series["value"])
        fit = trends.fit_series(series["year"], series["value"], model)
        end = max(int(pledge["target_year"]), int(series["year"].max()))
        grid = np.arange(int(series["year"].min()), end + 1)
        pred = trends.predict_series(fit, grid, model, alpha)
        ax.plot(pred["year"], pred["mean"], color="#0072B2", lw=1.6, label=f"fitted trend ({model})")
        ax.fill_between(pred["year"], pred["lower"], pred["upper"], color="#0072B2", alpha=0.15,
                        label=f"{int((1 - alpha) * 100)}% prediction interval")
    if pd.notna(pledge["base_year"]) and pd.notna(pledge["base_value"]):
        ax.plot([pledge["base_year"], pledge["target_year"]], [pledge["base_value"], pledge["target_value"]],
                ls="--", color="#E69F00", lw=1.4, label="required path")
    ax.plot([pledge["target_year"]], [pledge["target_value"]], marker="*", ms=14, color="#D55E00", ls="none",
            label=_plain(f"target {pledge['comparator']} {_label(pledge['target_value'], pledge['unit'])}"), zorder=4)
    ax.axvline(as_of, color="#777777", lw=0.9, ls=":")
    ax.annotate(f"as of {as_of}", (as_of, 1), xycoords=("data", "axes fraction"), fontsize=8, color="#555555",
                ha="right", va="top", rotation=90)
    ax.set_title(_plain(f"{pledge['name']} — {pledge['geography']}"))
    ax.set_ylabel(_plain(pledge["unit"]))
    ax.set_xlabel("year")
    ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
    ax.legend(fontsize=8, loc="best")
    source_line(fig, dataset, sources)
    return fig


def dumbbell(dataset: Dataset, table: pd.DataFrame, ax=None, max_rows: int = 30):
    """Base and latest value as a percentage of the target, one line per pledge (target = 100).

    Pledges with no base or no latest value are left out. Returns the Figure.
    """
    rows = table.dropna(subset=["base_value", "latest_value"])
    rows = rows[rows["target_value"] != 0].head(max_rows)
    base = 100 * rows["base_value"] / rows["target_value"]
    latest = 100 * rows["latest_value"] / rows["target_value"]
    labels = [f"{n} ({g}, {y})" for n, g, y in zip(rows["name"], rows["geography"], rows["target_year"])]
    labels = [_plain(textwrap.shorten(s, 60)) for s in labels]
    height = max(2.5, 0.32 * len(rows) + 1.2)
    if ax is None:
        fig, ax = plt.subplots(figsize=(7.6, height), layout="constrained")
    else:
        fig = ax.figure
    y = np.arange(len(rows))
    colors = [STATUS_COLORS[str(s)] for s in rows["status"]]
    ax.hlines(y, base, latest, color="#999999", lw=2)
    ax.scatter(base, y, color="white", edgecolor="#555555", zorder=3, label="base")
    ax.scatter(latest, y, color=colors, zorder=4, label="latest (colour = status)")
    ax.axvline(100, color="#D55E00", lw=1.2, ls="--", label="target = 100")
    ax.set_yticks(y, labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("% of target (base and latest value divided by the target value)")
    ax.set_title("How far from target: base and latest value as % of target")
    ax.legend(fontsize=8, loc="lower right")
    source_line(fig, dataset, rows["source_id"])
    return fig


def scorecard(dataset: Dataset, table: pd.DataFrame, by: str = "theme", ax=None):
    """Heatmap of pledge counts per ``by`` value and status. Returns the Figure."""
    import seaborn as sns  # imported here: seaborn pulls in scipy.stats, which only this chart needs

    counts = status_counts(table, by, totals=False)
    if ax is None:
        fig, ax = plt.subplots(figsize=(8.0, 0.45 * len(counts) + 1.8), layout="constrained")
    else:
        fig = ax.figure
    sns.heatmap(counts, annot=True, fmt="d", cmap="Blues", cbar=False, linewidths=0.5, linecolor="white", ax=ax)
    ax.set_xticklabels([STATUS_LABELS[c] for c in counts.columns], rotation=30, ha="right")
    for tick, status in zip(ax.get_xticklabels(), counts.columns):
        tick.set_color(STATUS_COLORS[status] if status != "insufficient_data" else "#555555")
    ax.set_xlabel("status (number of pledges)")
    ax.set_ylabel(by)
    ax.set_yticklabels([_plain(t.get_text()) for t in ax.get_yticklabels()], rotation=0)
    ax.set_title(f"Pledges by {by} and status, as of {int(table['as_of'].iloc[0])}")
    source_line(fig, dataset, table["source_id"])
    return fig


def compare_series(dataset: Dataset, indicator_id: str, geographies, as_of: int, ax=None):
    """Achieved figures of one indicator for several places on one chart. Returns the Figure."""
    obs = achieved_observations(dataset, as_of)
    rows = obs[(obs["indicator_id"] == indicator_id) & obs["geography"].isin(list(geographies))]
    info = dataset.indicators.set_index("indicator_id").loc[indicator_id]
    if ax is None:
        fig, ax = plt.subplots(figsize=(7.2, 3.6), layout="constrained")
    else:
        fig = ax.figure
    for geo, group in rows.sort_values("year").groupby("geography", sort=True):
        ax.plot(group["year"], group["value"], marker="o", label=geo)
    ax.set_title(_plain(f"{info['name']}: {' and '.join(geographies)}"))
    ax.set_ylabel(_plain(info["unit"]))
    ax.set_xlabel("year")
    ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
    ax.legend(fontsize=8)
    source_line(fig, dataset, rows["source_id"])
    return fig
