"""Charts in one house style, made for people: wrapped labels that stay distinct, a scale that shows
the crowd (outliers clipped and marked), bands clipped to the indicator's natural bounds, thousands
separators and units on the axes, sources at the foot, and an alt text stating each chart's finding.

Every chart function returns a matplotlib Figure carrying its alt text (:func:`alt_text`); a chart
with nothing to show carries the reason instead (:func:`empty_reason`). :func:`show` displays either
in a notebook: the chart with its alt text in the output's metadata (nbconvert writes it into
``<img alt>``), or the reason as a sentence.
"""

from __future__ import annotations

import textwrap
import unicodedata

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import font_manager

from ..data import i18n
from ..data.dataset import Dataset, since_last_break
from ..data.i18n import _, ngettext, pgettext
from ..method import trends
from ..method.progress import STATUS_COLORS, STATUS_LABELS, achieved_observations, status_counts
from .tables import figure_text, number, theme_label, unit_label
from .words import indicator_name, model, place, sentences, source_title, status_label

_RC = {
    "figure.dpi": 110,
    "savefig.dpi": 110,
    "font.size": 10.5,
    "axes.titlesize": 11.5,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 10.5,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#DDDDDD",
    "grid.linewidth": 0.6,
    "legend.frameon": False,
    "svg.hashsalt": "zjcp",
    "path.simplify": True,
}

#: Width of every chart in inches: about 700 px, so text stays legible when a phone scales it down.
WIDTH = 6.4

#: Fonts for Chinese text, tried in order after the default Latin font (Debian: fonts-noto-cjk).
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei")

#: Okabe-Ito colour-blind safe cycle (the same as seaborn's "colorblind" palette family).
_CYCLE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]


def cjk_font() -> str | None:
    """The first installed font of :data:`CJK_FONTS`, or None.

    Fonts installed after matplotlib cached its font list are found on disk and added.
    """
    installed = {f.name for f in font_manager.fontManager.ttflist}
    found = next((name for name in CJK_FONTS if name in installed), None)
    if found is None:
        keys = ("notosanscjk", "notosanssc", "sourcehansans", "wqyzenhei")  # their files' names
        for path in sorted(font_manager.findSystemFonts()):
            if any(key in path.replace("-", "").replace("_", "").lower() for key in keys):
                font_manager.fontManager.addfont(path)
        installed = {f.name for f in font_manager.fontManager.ttflist}
        found = next((name for name in CJK_FONTS if name in installed), None)
    return found


def use_style() -> None:
    """Apply the house style to matplotlib (call once, e.g. at the top of a notebook).

    When a CJK font is installed it is added as a fallback after DejaVu Sans, so Chinese text renders
    instead of empty boxes. It is named in ``font.family`` itself: matplotlib falls back from one
    family of that list to the next, but resolves the generic ``sans-serif`` to its first installed
    font only (a CJK font listed in ``font.sans-serif`` alone is never reached).
    """
    mpl.rcParams.update(_RC)
    mpl.rcParams["axes.prop_cycle"] = mpl.cycler(color=_CYCLE)
    cjk = cjk_font()
    mpl.rcParams["font.family"] = ["sans-serif"] + ([cjk] if cjk else [])
    mpl.rcParams["font.sans-serif"] = ["DejaVu Sans"] + ([cjk] if cjk else [])


def set_alt(fig, text: str) -> None:
    """Attach the chart's alt text (its finding, in a sentence or two) to the Figure."""
    fig.zjcp_alt = " ".join(str(text).split())


def alt_text(fig) -> str:
    """The alt text attached by the chart function (a generic one if none)."""
    return getattr(fig, "zjcp_alt", "") or _("Chart.")


def empty_reason(fig) -> str | None:
    """Why a chart has nothing to show (None when it has)."""
    return getattr(fig, "zjcp_empty", None)


def show(fig) -> None:
    """Display a chart with its alt text, or the reason it is empty, then close it."""
    from IPython.display import Markdown, display

    from .literal import escape

    reason = empty_reason(fig)
    if reason:
        display(Markdown(escape(reason)))
    else:
        display(fig, metadata={"image/png": {"alt": alt_text(fig)}})
    plt.close(fig)


def _empty(fig, reason: str):
    fig.zjcp_empty = reason
    set_alt(fig, reason)
    return fig


def source_names(dataset: Dataset, source_ids) -> list[str]:
    """Each source once, as ``title (year)``: the year left out when undated or already in the title."""
    titles = dataset.sources.set_index("source_id").reindex(sorted({s for s in source_ids if isinstance(s, str)}))
    names = []
    for _id, source in titles.iterrows():
        title, published = source_title(source), source["published"]
        if not isinstance(title, str):
            continue
        year = "" if pd.isna(published) else str(pd.Timestamp(published).year)
        names.append(_("{title} ({year})").format(title=title, year=year) if year and year not in title else title)
    return list(dict.fromkeys(names))


def source_line(fig, dataset: Dataset, source_ids, width: int = 105) -> None:
    """Write 'Source: ...' naming the documents under the figure (no "(nan)", no year twice)."""
    names = source_names(dataset, source_ids)
    separator = pgettext("list", "; ")
    if len(names) > 4:
        text = _("Sources: {names}; and {n} more, listed in the Sources section").format(
            names=separator.join(names[:3]), n=len(names) - 3)
    elif names:
        text = ngettext("Source: {names}", "Sources: {names}", len(names)).format(names=separator.join(names))
    else:
        text = _("Source: curated dataset")
    fig.text(0.01, 0.0, _plain(fill(text, width)), ha="left", va="top", fontsize=8.5, color="#444444")


def _plain(text) -> str:
    """Text from the dataset, shown literally (matplotlib would read ``$...$`` as mathematics)."""
    return str(text).replace("$", r"\$")


def _label(value: float, unit: str) -> str:
    return number(value, unit)


def axis_unit(unit) -> str:
    """The unit as an axis label (a count or a ratio says so)."""
    if str(unit) == "count":
        return _("number")
    if str(unit) == "ratio":
        return _("ratio")
    if i18n.is_chinese() and str(unit) in ZH_AXIS:
        return ZH_AXIS[str(unit)][1]
    return unit_label(unit)


#: Chinese axes of units counted in billions (or tens of thousands): the factor the ticks are
#: multiplied by and the unit the axis is labelled with (1 billion yuan = 10亿元).
ZH_AXIS = {"billion yuan": (10, "亿元"), "billion usd": (10, "亿美元"), "GW": (100, "万千瓦"),
           "billion cubic meters": (10, "亿立方米"), "billion kWh": (10, "亿千瓦时"), "TEU (10,000)": (1, "万标箱")}


def value_formatter(unit):
    """Axis tick labels with thousands separators (and % for shares)."""
    chinese = i18n.is_chinese()
    factor = ZH_AXIS.get(str(unit), (1, ""))[0] if chinese else 1

    def fmt(value, _pos=None):
        value = value * factor
        if abs(value) >= 1000:
            text = f"{value:.0f}" if chinese else f"{value:,.0f}"  # Chinese: digits without separators
        else:
            text = f"{value:.6g}" if chinese else f"{value:,.6g}"
        return text + ("%" if unit == "%" else "")
    return mpl.ticker.FuncFormatter(fmt)


def wrap(text: str, width: int = 34) -> str:
    """Wrap a label onto several lines (never cut it)."""
    return "\n".join(wrap_lines(str(text), width, break_long_words=False)) or str(text)


def fill(text: str, width: int) -> str:
    """:func:`textwrap.fill` that also wraps Chinese (see :func:`wrap_lines`)."""
    return "\n".join(wrap_lines(str(text), width))


def is_wide(char: str) -> bool:
    """Whether a character takes two columns (a CJK character or full-width punctuation)."""
    return unicodedata.east_asian_width(char) in ("W", "F")


def text_width(text: str) -> int:
    """Columns ``text`` takes: two for each CJK character, one for any other."""
    return sum(2 if is_wide(c) else 1 for c in text)


#: Punctuation that never begins a line (it stays with the character before it) ...
_NO_START = set("，。、；：！？）》」』”’%,.;:!?)]")
#: ... and that never ends one (it goes with the character after it).
_NO_END = set("（《「『“‘([")


def wrap_lines(text: str, width: int, break_long_words: bool = True) -> list[str]:
    """``text`` as lines of at most ``width`` columns. Text without CJK characters is wrapped by
    :func:`textwrap.wrap` (at spaces, exactly as before); text with them may also break between two
    CJK characters (Chinese has no spaces), counting a CJK character as two columns, keeping Latin
    words and numbers whole (a number with the character after it: ``2025年``) and punctuation with
    the character it belongs to."""
    if not any(is_wide(c) for c in text):
        return textwrap.wrap(text, width, break_long_words=break_long_words)
    tokens: list[str] = []  # the pieces a line may break between
    for char in " ".join(text.split()):
        previous = tokens[-1] if tokens else ""
        if previous and (char in _NO_START or previous[-1] in _NO_END):
            tokens[-1] += char
        elif previous and is_wide(char) and previous[-1].isdigit():
            tokens[-1] += char  # a number keeps its unit or counter: 2025年, 95000元
        elif previous and not is_wide(char) and not char.isspace() and not is_wide(previous[-1]) \
                and not previous[-1].isspace():
            tokens[-1] += char  # a Latin word or a number stays whole
        else:
            tokens.append(char)
    lines, line = [], ""
    for token in tokens:
        if line and text_width(line + token) > width and not token.isspace():
            lines.append(line.rstrip())
            line = ""
        if line or not token.isspace():
            line += token
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _bounds(dataset: Dataset, indicator_id: str) -> tuple[float, float]:
    info = dataset.indicators.set_index("indicator_id").loc[indicator_id]
    lower = float(info["lower_bound"]) if pd.notna(info["lower_bound"]) else -np.inf
    upper = float(info["upper_bound"]) if pd.notna(info["upper_bound"]) else np.inf
    return lower, upper


#: What :func:`trajectory` reads from its pledge (a row of the progress table).
TRAJECTORY_FIELDS = ("indicator_id", "geography", "name", "unit", "comparator", "target_value", "target_year",
                     "base_year", "base_value", "source_id")


def _check_trajectory(dataset, pledge, as_of, alpha) -> None:
    """:func:`trajectory`'s arguments (see :mod:`analysis.data.arguments`)."""
    from ..data import arguments

    arguments.dataset(dataset, "trajectory")
    if not isinstance(pledge, pd.Series):
        raise TypeError(f"trajectory: pledge must be one row of the progress table (a Series, e.g. table.iloc[0]), "
                        f"got {arguments.kind_of(pledge)}")
    if pledge.empty:
        raise ValueError("trajectory: pledge is an empty Series; pass one row of the progress table")
    missing = [f for f in TRAJECTORY_FIELDS if f not in pledge.index]
    if missing:
        raise ValueError(f"trajectory: pledge lacks {', '.join(missing)}; pass one row of the progress table")
    if as_of is None:
        raise TypeError("trajectory: as_of must be an integer year, got None")
    arguments.year(dataset, as_of, "as_of", "trajectory")
    arguments.probability(alpha, "alpha", "trajectory")


def trajectory(dataset: Dataset, pledge: pd.Series, as_of: int, alpha: float = 0.1, ax=None):
    """Observations, fitted trend with its prediction interval (clipped to the indicator's natural
    bounds), the required path from base to target, the target marker and the as-of line, for one
    pledge (a row of the progress table). With no achieved figure the Figure carries the reason
    (:func:`empty_reason`) instead of an empty chart.

    Returns
    -------
    matplotlib Figure
    """
    _check_trajectory(dataset, pledge, as_of, alpha)
    if ax is None:
        fig, ax = plt.subplots(figsize=(WIDTH, 4.0), layout="constrained")
    else:
        fig = ax.figure
    obs = achieved_observations(dataset, as_of)
    series = obs[(obs["indicator_id"] == pledge["indicator_id"]) & (obs["geography"] == pledge["geography"])]
    series = series.sort_values("year")
    target = figure_text(pledge["target_value"], pledge["unit"], pledge["comparator"])
    name = _("{name} ({place})").format(name=indicator_name(dataset, pledge["indicator_id"], pledge["name"]),
                                        place=place(pledge["geography"]))
    if series.empty:
        return _empty(fig, _("No chart for {name}: the dataset has no achieved figure up to {as_of}; "
                             "the target is {target} by {target_year}.").format(
            name=name, as_of=as_of, target=target, target_year=int(pledge["target_year"])))
    measure = dataset.indicators.set_index("indicator_id").at[pledge["indicator_id"], "measure"]
    lower, upper = _bounds(dataset, pledge["indicator_id"])
    ax.plot(series["year"], series["value"], "o", color="#222222", label=pgettext("chart", "achieved"), zorder=3)
    sources = set(series["source_id"]) | {pledge["source_id"]}
    trend_text = ""
    comparable = since_last_break(series)  # no trend is fitted across a series break
    if len(comparable) < len(series):
        start = int(comparable["year"].min())
        ax.axvline(start - 0.5, color="#CC0000", ls="--", lw=1, label=_("series break ({year})").format(year=start))
    if len(comparable) >= trends.MIN_POINTS:
        fit = trends.choose_model(measure, comparable["value"])
        end = max(int(pledge["target_year"]), int(comparable["year"].max()))
        grid = np.arange(int(comparable["year"].min()), end + 1)
        pred = trends.series_band(comparable["year"], comparable["value"], grid, fit, alpha)
        pred[["mean", "lower", "upper"]] = pred[["mean", "lower", "upper"]].clip(lower, upper)
        ax.plot(pred["year"], pred["mean"], color="#0072B2", lw=1.6, label=_("fitted trend ({model})").format(model=model(fit)))
        ax.fill_between(pred["year"], pred["lower"], pred["upper"], color="#0072B2", alpha=0.15,
                        label=_("{percent}% prediction interval").format(percent=int((1 - alpha) * 100)))
        at_target = pred[pred["year"] == int(pledge["target_year"])]
        if len(at_target):
            trend_text = _("The fitted trend gives {value} in {year}.").format(
                value=number(at_target["mean"].iloc[0], pledge["unit"]), year=int(pledge["target_year"]))
    if pd.notna(pledge["base_year"]) and pd.notna(pledge["base_value"]):
        ax.plot([pledge["base_year"], pledge["target_year"]], [pledge["base_value"], pledge["target_value"]],
                ls="--", color="#E69F00", lw=1.4, label=_("required path"))
    ax.plot([pledge["target_year"]], [pledge["target_value"]], marker="*", ms=14, color="#D55E00", ls="none",
            label=_plain(_("target: {target}").format(target=target)), zorder=4)
    ax.axvline(as_of, color="#777777", lw=0.9, ls=":")
    ax.annotate(_("as of {year}").format(year=as_of), (as_of, 1), xycoords=("data", "axes fraction"), fontsize=8.5, color="#555555",
                ha="right", va="top", rotation=90)
    ax.set_title(_plain(wrap(name, 60)))
    ax.set_ylabel(_plain(axis_unit(pledge["unit"])))
    ax.yaxis.set_major_formatter(value_formatter(pledge["unit"]))
    ax.set_xlabel(_("year"))
    ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
    ax.legend(fontsize=8.5, loc="best")
    source_line(fig, dataset, sources)
    first, last = series.iloc[0], series.iloc[-1]
    status = status_label(pledge.get("status")) if str(pledge.get("status")) in STATUS_LABELS \
        else str(pledge.get("status"))
    set_alt(fig, sentences(
        ngettext("Line chart of {name}: {n} achieved figure, from {first} in {first_year} to {last} in {last_year}, "
                 "against a target of {target} by {target_year}.",
                 "Line chart of {name}: {n} achieved figures, from {first} in {first_year} to {last} in {last_year}, "
                 "against a target of {target} by {target_year}.", len(series)).format(
            name=name, n=len(series), first=number(first["value"], pledge["unit"]), first_year=int(first["year"]),
            last=number(last["value"], pledge["unit"]), last_year=int(last["year"]), target=target,
            target_year=int(pledge["target_year"])),
        trend_text,
        _("Status: {status}.").format(status=status),
    ))
    return fig


#: The dumbbell's scale: values beyond these percentages of the target are drawn at the edge and labelled.
CLIP = (0.0, 200.0)


def dumbbell(dataset: Dataset, table: pd.DataFrame, ax=None, max_rows: int | None = None, clip=CLIP):
    """Base and latest value as a percentage of the target, one line per pledge (target = 100).

    Labels are wrapped, never cut; values beyond ``clip`` are drawn at the edge as a triangle with
    their value written beside it, so the crowd near 100 stays readable. Pledges with no base or no
    latest value are left out (and the alt text says how many). Returns the Figure.
    """
    rows = table.dropna(subset=["base_value", "latest_value"])
    rows = rows[rows["target_value"] != 0]
    if max_rows is not None:
        rows = rows.head(max_rows)
    names = [indicator_name(dataset, i, n) for i, n in zip(rows["indicator_id"], rows["name"])]
    plain = [_("{name} ({place}, {year})").format(name=n, place=place(g), year=int(y))
             for n, g, y in zip(names, rows["geography"], rows["target_year"])]
    if ax is None:
        labels_lines = sum(len(wrap_lines(t, 34)) for t in plain)
        height = max(2.6, 0.2 * labels_lines + 0.16 * len(rows) + 1.6)
        fig, ax = plt.subplots(figsize=(WIDTH, height), layout="constrained")
    else:
        fig = ax.figure
    if rows.empty:
        return _empty(fig, _("No chart of distances to target: no pledge here has both a base and a latest figure."))
    base = (100 * rows["base_value"] / rows["target_value"]).to_numpy(float)
    latest = (100 * rows["latest_value"] / rows["target_value"]).to_numpy(float)
    repeated = {t for t in plain if plain.count(t) > 1}  # two pledges on one indicator, place and year
    plain = [f"{t} {pid}" if t in repeated else t for t, pid in zip(plain, rows["pledge_id"])]
    labels = [_plain(wrap(t, 34)) for t in plain]
    lo = min(clip[0], float(np.nanmin(np.r_[base, latest])))
    lo = max(lo, -100.0)
    hi = clip[1]
    y = np.arange(len(rows))
    colors = [STATUS_COLORS[str(s)] for s in rows["status"]]
    cb, cl = np.clip(base, lo, hi), np.clip(latest, lo, hi)
    ax.hlines(y, cb, cl, color="#999999", lw=2)
    ax.scatter(cb, y, color="white", edgecolor="#555555", zorder=3, label=_("base"))
    ax.scatter(cl, y, color=colors, edgecolor="#333333", linewidth=0.4, zorder=4, label=_("latest (colour = status)"))
    outside = (base > hi) | (latest > hi) | (base < lo) | (latest < lo)
    for i in np.flatnonzero(outside):
        for side, edge in ((1, hi), (-1, lo)):
            beyond = [(what, v) for what, v in ((_("base {percent}"), base[i]), (_("latest {percent}"), latest[i]))
                      if side * (v - edge) > 0]
            if not beyond:
                continue
            text = pgettext("list", ", ").join(what.format(percent=_percent(v)) for what, v in beyond) \
                if len(beyond) > 1 else _percent(beyond[0][1])
            ax.scatter([edge], [y[i]], marker=">" if side > 0 else "<", s=60, color="#333333", zorder=5)
            ax.annotate(text, (edge, y[i]), xytext=(-6 * side, 7), textcoords="offset points",
                        ha="right" if side > 0 else "left", fontsize=8.5)
    ax.axvline(100, color="#D55E00", lw=1.2, ls="--", label=_("target = 100%"))
    ax.set_xlim(lo - 5, hi + 5)
    ax.xaxis.set_major_formatter(mpl.ticker.PercentFormatter(decimals=0))
    ax.set_yticks(y, labels, fontsize=9)
    ax.set_ylim(len(rows) - 0.5, -0.9)
    ax.set_xlabel(_("% of target (values beyond {percent} drawn at the edge, value written)").format(
        percent=_percent(hi)))
    ax.set_title(_("How far from target: base and latest value as % of target"))
    ax.legend(fontsize=8.5, loc="upper center", bbox_to_anchor=(0.5, -0.12 if len(rows) > 6 else -0.25), ncol=3)
    source_line(fig, dataset, rows["source_id"])
    n_at = int((latest >= 100).sum())
    worst = int(np.nanargmin(latest))
    set_alt(fig, sentences(
        _("Dot chart of {n} pledges: base and latest value as a percentage of the target.").format(n=len(rows)),
        _("The latest value is at or above 100% of the target for {n} of them; the lowest is {name} ({place}) "
          "at {percent}.").format(n=n_at, name=names[worst], place=place(rows["geography"].iloc[worst]),
                                  percent=_percent(latest[worst])),
        _("{n} beyond the {low}-{high}% scale are drawn at its edge.").format(
            n=int(outside.sum()), low=_whole(lo), high=_whole(hi)) if outside.any() else "",
    ))
    return fig


def _whole(value: float) -> str:
    """A whole number as the charts write it: ``1,234`` (Chinese: ``1234``)."""
    return f"{value:.0f}" if i18n.is_chinese() else f"{value:,.0f}"


def _percent(value: float) -> str:
    """A percentage of the target: ``1,234%`` (Chinese: ``1234%``)."""
    return _whole(value) + "%"


def scorecard(dataset: Dataset, table: pd.DataFrame, by: str = "theme", ax=None):
    """Heatmap of pledge counts per ``by`` value (themes by their names) and status. Returns the Figure."""
    import seaborn as sns  # imported here: seaborn pulls in scipy.stats, which only this chart needs

    counts = status_counts(table, by, totals=False)
    if by == "theme":
        counts.index = [_(theme_label(t)) for t in counts.index]
    elif by == "geography":
        counts.index = [place(g) for g in counts.index]
    if ax is None:
        fig, ax = plt.subplots(figsize=(WIDTH, 0.45 * len(counts) + 2.2), layout="constrained")
    else:
        fig = ax.figure
    if counts.empty:
        return _empty(fig, _("No scorecard: there is no pledge in this selection."))
    sns.heatmap(counts, annot=True, fmt="d", cmap="Blues", cbar=False, linewidths=0.5, linecolor="white", ax=ax)
    # slanted: up to nine status names side by side do not fit level at the report's width
    ax.set_xticklabels([status_label(c) for c in counts.columns], rotation=30, ha="right", rotation_mode="anchor")
    ax.set_xlabel(_("status (number of pledges)"))
    ax.set_ylabel("")
    ax.set_yticklabels([_plain(wrap(t.get_text(), 22)) for t in ax.get_yticklabels()], rotation=0)
    as_of = int(table["as_of"].iloc[0])
    grouping = _grouping(by)
    ax.set_title(_("Pledges by {grouping} and status, as of {year}").format(grouping=grouping, year=as_of))
    source_line(fig, dataset, table["source_id"])
    totals = counts.sum()
    parts = pgettext("list", ", ").join(_("{n} {status}").format(n=int(totals[s]), status=status_label(s))
                                        for s in counts.columns)
    biggest = counts.sum(axis=1).idxmax()
    set_alt(fig, sentences(
        _("Heatmap of {n} pledges by {grouping} and status as of {year}: {counts}.").format(
            n=int(totals.sum()), grouping=grouping, year=as_of, counts=parts),
        _("{group} has the most pledges ({n}).").format(group=biggest, n=int(counts.loc[biggest].sum())),
    ))
    return fig


def _grouping(by: str) -> str:
    """What the scorecard's rows are, in words (``theme``, ``geography``; another column as it is named)."""
    words = {"theme": _("theme"), "geography": _("geography")}
    return words.get(by, by)


def compare_series(dataset: Dataset, indicator_id: str, geographies, as_of: int, ax=None):
    """Achieved figures of one indicator for several places on one chart. Returns the Figure (with the
    reason instead when no place has a figure)."""
    obs = achieved_observations(dataset, as_of)
    rows = obs[(obs["indicator_id"] == indicator_id) & obs["geography"].isin(list(geographies))]
    info = dataset.indicators.set_index("indicator_id").loc[indicator_id]
    if ax is None:
        fig, ax = plt.subplots(figsize=(WIDTH, 3.6), layout="constrained")
    else:
        fig = ax.figure
    places = pgettext("list", " and ").join(place(g) for g in geographies)
    name = indicator_name(dataset, indicator_id, info["name"])
    if rows.empty:
        return _empty(fig, _("No chart of {name} for {places}: the dataset has no achieved figure up to {year}.").format(
            name=name, places=places, year=as_of))
    latest = []
    for geo, group in rows.sort_values("year").groupby("geography", sort=True):
        ax.plot(group["year"], group["value"], marker="o", label=place(geo))
        last = group.iloc[-1]
        latest.append(_("{place} {value} in {year}").format(place=place(geo), value=number(last["value"], info["unit"]),
                                                            year=int(last["year"])))
    missing = [place(g) for g in geographies if g not in set(rows["geography"])]
    ax.set_title(_plain(wrap(_("{name}: {places}").format(name=name, places=places), 60)))
    ax.set_ylabel(_plain(axis_unit(info["unit"])))
    ax.yaxis.set_major_formatter(value_formatter(info["unit"]))
    ax.set_xlabel(_("year"))
    ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
    if rows["year"].nunique() == 1:
        year = int(rows["year"].iloc[0])
        ax.set_xlim(year - 1, year + 1)
    ax.legend(fontsize=8.5)
    source_line(fig, dataset, rows["source_id"])
    set_alt(fig, sentences(
        _("Line chart of {name}, {first}-{last}: latest {figures}.").format(
            name=name, first=int(rows["year"].min()), last=int(rows["year"].max()),
            figures=pgettext("list", "; ").join(latest)),
        _("No figure for {places}.").format(places=pgettext("list", ", ").join(missing)) if missing else "",
    ))
    return fig
