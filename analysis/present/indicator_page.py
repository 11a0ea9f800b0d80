"""The numbers, tables, charts and sentences of one indicator's page (``notebooks/indicator.ipynb``).

The template calls these and nothing else; every value comes from the dataset. Text from the
dataset is escaped here, and tables come back as HTML strings built from escaped cells, so a name
or a quote can never become markup on the page.

:func:`load` validates the dataset once for the files' current content, so a kernel that runs many
pages one after another (``analysis.builder.plan``) pays for it once; a page then takes its indicator's rows
(``load(indicator_id=...)``) and assesses only its own pledges. Every call returns copies, so one
page cannot change what the next one sees.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
import pandas as pd

from ..data import dataset as data
from ..data import formats, i18n, paths
from ..data.i18n import N_, _, ngettext, pgettext
from ..method.lineage import inconsistencies, pledge_lineage
from ..method.progress import STATUS_COLORS, default_as_of
from .narrative import escape, fmt, pledge_sentence, target_text
from .tables import Safe, figure_text, render, theme_label
from .words import model as model_name
from .words import place as place_name
from .words import status_label as status_words

#: Words for an observation's comparator, in the figures table (translated where shown).
COMPARATOR_WORDS = {"=": N_("exact"), "~": N_("about"), ">=": N_("at least (bound)"), "<=": N_("at most (bound)")}

#: How a target changed from one document to the next (:func:`analysis.method.lineage.pledge_lineage`).
CHANGE_WORDS = {
    "first": N_("first"), "kept": N_("kept"), "raised": N_("raised"), "lowered": N_("lowered"),
    "met, then extended": N_("met, then extended"), "postponed": N_("postponed"), "new target": N_("new target"),
    "milestone": N_("milestone"), "brought forward": N_("brought forward"),
}

#: An indicator's measure and desired direction (``indicators.csv``), in words.
MEASURE_WORDS = {"flow": N_("flow"), "level": N_("level"), "share": N_("share"), "growth": N_("growth"),
                 "ratio": N_("ratio")}
DIRECTION_WORDS = {"higher_is_better": N_("higher is better"), "lower_is_better": N_("lower is better"),
                   "neutral": N_("neutral")}

_CACHE: dict = {}


def _list(items) -> str:
    """Items one after another, as a list reads: ``a, b`` (Chinese ``a、b``)."""
    return pgettext("list separator", ", ").join(items)


# --- loading: validated once per content, then one indicator's slice per page -------------------


@dataclass(frozen=True)
class IndicatorSlice(data.Dataset):
    """One indicator's rows of the data files (:func:`load` with ``indicator_id``): its row of
    ``indicators.csv``, its pledges and its figures, every source, and the corrections register
    (whole: :func:`analysis.data.corrections.of_indicator` picks the slice's).

    The tables derived from the whole dataset (the assessment, the lineage of targets, the
    cross-source conflicts) are computed once per content of the files and handed to each slice
    as its indicator's rows (:func:`_derived`); they equal those computed on the slice itself.
    """

    indicator_id: str = ""
    all_vintages: bool = False
    key: tuple = ()
    #: The years a question may be asked for: those of the whole data (:func:`analysis.data.arguments.year_range`).
    years: tuple | None = None


def _signature(folder: Path) -> tuple:
    """Name, size and modification time of every file in the data folder."""
    return tuple(sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in folder.iterdir() if p.is_file()))


def _loaded() -> tuple[tuple, data.Dataset, dict]:
    """The files' dataset with every vintage, validated, and per indicator the positions of its rows
    in each table; remembered (with the key it is remembered under) for the files' current content."""
    folder = paths.data_dir()
    key = ("load", str(folder), _signature(folder))
    if key not in _CACHE:
        _CACHE.clear()
        everything = data.load(folder, all_vintages=True)
        _CACHE[key] = (everything, {name: _positions(getattr(everything, name)["indicator_id"])
                                    for name in ("indicators", "pledges", "observations")})
    return (key, *_CACHE[key])


def _positions(ids: pd.Series) -> dict[str, np.ndarray]:
    """Per value of ``ids``: the positions where it occurs, in order."""
    return {str(k): np.sort(np.asarray(v)) for k, v in pd.Series(np.arange(len(ids))).groupby(ids.to_numpy()).groups.items()}


def _current(everything: data.Dataset) -> tuple[pd.DataFrame, ...]:
    """The four tables with the current figures only (as :func:`analysis.load` takes them)."""
    obs = everything.observations
    current = obs[obs["current"]].reset_index(drop=True)
    current.attrs = obs.attrs
    return everything.sources, everything.indicators, everything.pledges, current


def load(all_vintages: bool = False, indicator_id: str | None = None) -> data.Dataset:
    """:func:`analysis.load`, remembered for the data files' current size and modification time.

    The dataset is validated once, with every vintage; the current figures are taken from it as
    :func:`analysis.load` does. With ``indicator_id``, an :class:`IndicatorSlice`: that
    indicator's rows only (ValueError for an id that is not an indicator), all a page needs, at a
    fraction of the cost of filtering the whole tables in every part of it. Returns copies each
    time, so a page that changes its tables leaves the next page unaffected.
    """
    key, everything, positions = _loaded()
    register = everything.corrections.copy() if everything.corrections is not None else None
    if indicator_id is None:
        frames = list(everything) if all_vintages else list(_current(everything))
        return data.Dataset(*(frame.copy() for frame in frames), everything.data_dir, register)
    if indicator_id not in positions["indicators"]:  # every indicator has its row there
        check_indicator(everything, indicator_id)
    frames = [everything.sources.copy()]
    for name in ("indicators", "pledges", "observations"):
        frame = getattr(everything, name)
        mine = frame.iloc[positions[name].get(indicator_id, np.arange(0))].reset_index(drop=True)
        mine.attrs = frame.attrs
        frames.append(mine)
    selected = data.Dataset(*frames, everything.data_dir)
    if not all_vintages:
        selected = data.Dataset(*_current(selected), everything.data_dir)
    return IndicatorSlice(*selected, everything.data_dir, corrections=register, indicator_id=indicator_id,
                          all_vintages=all_vintages, key=key, years=_years(key, everything))


def _years(key: tuple, everything: data.Dataset) -> tuple:
    """:func:`analysis.data.arguments.year_range` of the whole dataset, remembered with it."""
    from ..data.arguments import year_range

    if (key, "years") not in _CACHE:
        _CACHE[(key, "years")] = year_range(everything)
    return _CACHE[(key, "years")]


def _sliced_from(dataset: data.Dataset) -> data.Dataset | None:
    """The whole dataset (every vintage) ``dataset`` is a slice of, while the files it was read from
    are unchanged; None for any other dataset."""
    if isinstance(dataset, IndicatorSlice) and dataset.key in _CACHE:
        return _CACHE[dataset.key][0]
    return None


#: A kernel asked for this many indicators' slices computes their tables on each slice; from the
#: next one on, once on the whole dataset (quicker from a few pages on, slower for one page alone).
SLICES_BEFORE_WHOLE = 2


def _derived(name: str, dataset: data.Dataset, compute, *args) -> pd.DataFrame:
    """``compute(dataset, *args)``, a table with an ``indicator_id`` column. For an
    :class:`IndicatorSlice` of the files' current content, past the first
    :data:`SLICES_BEFORE_WHOLE` indicators: the rows of its indicator in the same table computed
    once on the whole dataset (with the same vintages), remembered. Both give the same rows."""
    everything = _sliced_from(dataset)
    if everything is None:
        return compute(dataset, *args)
    if i18n.current() != i18n.DEFAULT:  # its words (the verdicts' reasons) are remembered per language
        name = f"{name}@{i18n.current()}"
    key = (dataset.key, name, dataset.all_vintages, *args)
    if key not in _CACHE:
        asked = _CACHE.setdefault(("asked", *key), set())
        asked.add(dataset.indicator_id)
        if len(asked) <= SLICES_BEFORE_WHOLE and not _sums_another(dataset):
            return compute(dataset, *args)
        whole = everything if dataset.all_vintages else data.Dataset(*_current(everything), everything.data_dir)
        table = compute(whole, *args)
        _CACHE[key] = (table, _positions(table["indicator_id"]))
    table, positions = _CACHE[key]
    mine = table.iloc[positions.get(dataset.indicator_id, np.arange(0))].reset_index(drop=True)
    mine.attrs = table.attrs
    return mine


def _sums_another(dataset: data.Dataset) -> bool:
    """The slice's indicator is a total added up from another indicator's yearly figures (``sum_of``),
    which the slice does not hold: its tables come from the whole dataset."""
    return "sum_of" in dataset.indicators and bool(dataset.indicators["sum_of"].notna().any())


def _whole(name: str, dataset: data.Dataset, compute):
    """``compute(dataset)`` for a value that a slice shares with the whole dataset (it depends only
    on ``sources.csv`` or ``indicators.csv``, which a slice keeps or keeps a row of): for an
    :class:`IndicatorSlice` of the files' current content, computed once on the whole dataset."""
    everything = _sliced_from(dataset)
    if everything is None:
        return compute(dataset)
    key = (dataset.key, name)
    if key not in _CACHE:
        _CACHE[key] = compute(everything)
    return _CACHE[key]


def check_page(indicator_id: str, as_of_year: int, alpha: float) -> None:
    """The template's parameter check (:func:`analysis.data.params.check_parameters` and
    :func:`check_indicator`) on the files' dataset, without copying it."""
    from ..data.params import check_parameters

    __, everything, positions = _loaded()
    check_parameters(everything, "indicator", as_of_year=as_of_year, alpha=alpha)
    if indicator_id not in positions["indicators"]:
        check_indicator(everything, indicator_id)


def assess(dataset: data.Dataset, as_of: int | None, alpha: float) -> pd.DataFrame:
    """:func:`analysis.method.trends.project` for every pledge of ``dataset`` (see :func:`_derived`)."""
    from ..method.trends import project

    as_of = default_as_of(dataset) if as_of is None else int(as_of)
    return _derived("assess", dataset, lambda d, a, al: project(d, as_of=a, alpha=al), as_of, float(alpha))


def check_indicator(dataset: data.Dataset, indicator_id: str) -> None:
    """Raise ValueError unless ``indicator_id`` is an indicator of the dataset."""
    if indicator_id not in set(dataset.indicators["indicator_id"]):
        raise ValueError(f"parameter indicator_id={indicator_id!r}: not an indicator in indicators.csv")


def page_indicators(dataset: data.Dataset) -> list[str]:
    """Indicators that get a page: those with a pledge or an observation (any vintage), sorted."""
    return sorted(set(dataset.pledges["indicator_id"]) | set(dataset.observations["indicator_id"]))


# --- HTML tables from escaped cells --------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    """A cell that links somewhere: ``text`` shown, ``href`` followed (both escaped)."""

    text: str
    href: str


def safe_url(url) -> str | None:
    """``url`` if it is an http(s) address, else None (no ``javascript:`` or other schemes on a page)."""
    if not isinstance(url, str) or not url.strip():
        return None
    parsed = urlparse(url.strip())
    return url.strip() if parsed.scheme in ("http", "https") and parsed.netloc else None


def _cell(value):
    """A table cell: a :class:`Link` as an escaped link, anything else as text (escaped by the table)."""
    if isinstance(value, Link):
        return Safe(f'<a href="{escape(value.href)}">{escape(value.text)}</a>')
    return value


def html_table(rows: list[dict], columns: list[str], caption: str = "") -> str:
    """An HTML table of ``rows`` (dicts) with ``columns`` as headers (:func:`column_label`), as every
    table of the project is drawn (:func:`analysis.present.tables.render`, unfolded); every cell is escaped."""
    cells = [[_cell(r.get(c)) for c in columns] for r in rows]
    return str(render(cells, [column_label(c) for c in columns], caption=caption, fold_after=None))


def column_label(column: str) -> str:
    """The header of a column of the page's tables (the rows' keys), in the current language."""
    labels = {
        "pledge": pgettext("column", "pledge"), "place": pgettext("column", "place"),
        "target": pgettext("column", "target"), "verdict": pgettext("column", "verdict"),
        "why": pgettext("column", "why"), "base": pgettext("column", "base"), "latest": pgettext("column", "latest"),
        "observed rate": pgettext("column", "observed rate"), "required rate": pgettext("column", "required rate"),
        "R": pgettext("column", "R"), "P(met on time)": pgettext("column", "P(met on time)"),
        "source": pgettext("column", "source"), "published": pgettext("column", "published"),
        "previous target": pgettext("column", "previous target"), "change": pgettext("column", "change"),
        "year": pgettext("column", "year"), "value": pgettext("column", "value"),
        "status": pgettext("column", "status"), "used": pgettext("column", "used"),
        "spread": pgettext("column", "spread"), "quote": pgettext("column", "quote"),
        "comparator": pgettext("column", "comparator"), "note": pgettext("column", "note"),
    }
    return labels.get(column, column)


def source_cells(dataset: data.Dataset) -> dict:
    """source_id -> what a table shows for it: its title, linked to its address when it has an
    http(s) one (else the title and the document's file name)."""
    return dict(_whole(f"source_cells:{i18n.current()}", dataset, _source_cells))


def _source_cells(dataset: data.Dataset) -> dict:
    """(In Chinese a source is named by its original title, ``title``; in English by ``title_en``.)"""
    out = {}
    original = dataset.sources["original_url"] if "original_url" in dataset.sources else dataset.sources["url"]
    titles = dataset.sources["title"] if i18n.is_chinese() else dataset.sources["title_en"]
    for sid, title, url, first, document in zip(dataset.sources["source_id"], titles,
                                                dataset.sources["url"], original, dataset.sources["document"]):
        title = title if isinstance(title, str) else sid
        link = safe_url(first) or safe_url(url)  # the original on the issuer's site before the copy read
        if link:
            out[sid] = Link(title, link)
        else:
            out[sid] = (_("{title} (document {document})").format(title=title, document=document)
                        if isinstance(document, str) else title)
    return out


def source_cell(dataset: data.Dataset, source_id: str):
    """One source's cell (see :func:`source_cells`); the id itself for an unknown source."""
    return source_cells(dataset).get(source_id, source_id)


# --- the page's parts ----------------------------------------------------------------------------


def _info(dataset: data.Dataset, indicator_id: str) -> dict:
    """The indicator's row of indicators.csv, as a dict."""
    records = _whole("indicator_records", dataset,
                     lambda d: {r["indicator_id"]: r for r in d.indicators.to_dict("records")})
    return dict(records[indicator_id])


def title(dataset: data.Dataset, indicator_id: str) -> str:
    """The page's H1 in Markdown: the English name and, when known, the Chinese name. In Chinese:
    the Chinese name and what the page compares (``# 城乡居民收入倍差：目标与实际``), the English name
    under it (marked ``lang="en"``)."""
    info = _info(dataset, indicator_id)
    zh = info["name_zh"] if isinstance(info["name_zh"], str) and info["name_zh"].strip() else ""
    if i18n.is_chinese():
        heading = _("# {name}: pledges and results").format(name=escape(zh or info["name"]))
        return heading + (f'\n\n<p class="zjcp-name-en" lang="en">{escape(info["name"])}</p>' if zh else "")
    return f"# {escape(info['name'])}" + (f" ({escape(zh)})" if zh else "")


def _code(identifier: str) -> str:
    """An id as a Markdown code span. Entities are not decoded inside a code span, so the id goes in
    as written, which is safe only for the ids the schema allows (letters, digits, underscores);
    anything else is shown as escaped text."""
    from ..data.paths import ID_PATTERN

    return f"`{identifier}`" if ID_PATTERN.fullmatch(identifier) else escape(identifier)


def header(dataset: data.Dataset, indicator_id: str) -> str:
    """Unit, definition, theme, measure and desired direction, as Markdown."""
    info = _info(dataset, indicator_id)
    zh = info["name_zh"] if isinstance(info["name_zh"], str) and info["name_zh"].strip() else _("not recorded")
    bounds = [_("{bound} {value}").format(bound=w, value=fmt(v))
              for w, v in ((pgettext("bound", "from"), info["lower_bound"]), (pgettext("bound", "to"), info["upper_bound"]))
              if pd.notna(v)]
    measure, direction = str(info["measure"]), str(info["direction"])
    measure = _(MEASURE_WORDS[measure]) if measure in MEASURE_WORDS else measure
    direction = _(DIRECTION_WORDS[direction]) if direction in DIRECTION_WORDS else direction.replace("_", " ")
    lines = [
        _("- **Indicator:** {id}").format(id=_code(indicator_id)),
        # the other language's name (a Chinese page shows the English one)
        _("- **English name:** {name}").format(name=escape(info["name"])) if i18n.is_chinese()
        else _("- **Chinese name:** {name}").format(name=escape(zh)),
        _("- **Unit:** {unit}").format(unit=escape(unit_name(info["unit"]))),
        _("- **Definition:** {definition}").format(definition=escape(info["description"])),
        _("- **Theme:** {theme}").format(theme=escape(theme_label(str(info["theme"])))),
        _("- **Measure:** {measure}; desired direction: {direction}").format(measure=escape(measure),
                                                                             direction=escape(direction))
        + (_("; natural bounds {bounds}").format(bounds=pgettext("bounds separator", " ").join(bounds))
           if bounds else ""),
    ]
    return "\n".join(lines)


#: Chinese: the word for a unit's multiple of its base unit (``billion yuan`` is 十亿元, ``GW`` 百万千瓦).
_ZH_MULTIPLES = {1e9: "十亿", 1e6: "百万", 1e4: "万"}


def unit_name(unit) -> str:
    """An indicator's unit as a heading or an axis names it, for values as the dataset records them: its
    id in English (``billion yuan``, ``count``); in Chinese its words (``十亿元``, ``%``; ``count`` and
    ``ratio``, which a number leaves out, by name)."""
    unit = str(unit)
    if not i18n.is_chinese():
        return unit
    if unit in ("count", "ratio"):
        return {"count": pgettext("unit", "count"), "ratio": pgettext("unit", "ratio")}[unit]
    factor, word, __ = formats.ZH_UNITS.get(unit, (1, unit, False))
    return (_ZH_MULTIPLES.get(factor, "") + word) if factor in _ZH_MULTIPLES or factor == 1 else unit


def summary(dataset: data.Dataset, table: pd.DataFrame, indicator_id: str, as_of: int) -> str:
    """One sentence: how many pledges and figures, for which places, and the verdicts."""
    pledges = table[table["indicator_id"] == indicator_id]
    obs = dataset.observations[dataset.observations["indicator_id"] == indicator_id]
    places = sorted(set(pledges["geography"]) | set(obs["geography"]))
    text = _("{pledges} and {figures} for {places}, assessed as of {year}").format(
        pledges=ngettext("{n} pledge", "{n} pledges", len(pledges)).format(n=len(pledges)),
        figures=ngettext("{n} achieved figure", "{n} achieved figures", len(obs)).format(n=len(obs)),
        places=escape(_list(place_name(p) for p in places)) or _("no place"), year=int(as_of))
    if len(pledges):
        counts = pledges["status"].astype(str).value_counts()
        verdicts = _list(_("{count} {status}").format(count=n, status=status_words(s)) for s, n in counts.items())
        return _("{summary}: {verdicts}.").format(summary=text, verdicts=verdicts)
    return _("{summary}.").format(summary=text)


def places(dataset: data.Dataset, table: pd.DataFrame, indicator_id: str) -> list[str]:
    """Places with a pledge or a figure on this indicator, sorted."""
    obs = dataset.observations[dataset.observations["indicator_id"] == indicator_id]
    return sorted(set(table.loc[table["indicator_id"] == indicator_id, "geography"]) | set(obs["geography"]))


@dataclass(frozen=True)
class ChartLayout:
    """The geometry of :func:`series_chart`, in the SVG's own units (px at its natural size).

    A browser scales the chart to the page's width; the layout is chosen so that, where it is shown,
    no text is drawn smaller than 10 px: :data:`WIDE` at its natural 720 px (shown where the page is
    at least that wide), :data:`NARROW` (360 units, larger type, fewer year labels, the legend under
    the place's name) on phones, where it is scaled to its box (about 85 % on a 320 px phone).
    """

    width: int = 720
    plot_height: int = 218
    left: int = 78  # the plot area's left edge (further right when a tick label needs it)
    right: int = 16
    bottom: int = 36
    text: float = 11  # axis labels, unit, legend
    small: float = 10  # "as of", "series break"
    heading: float = 14  # the place's name
    title_x: int = 78  # where the place's name and the unit start
    heading_y: int = 16  # their baselines, from the panel's top
    unit_y: int = 32
    legend_x: int = 228  # where the legend starts (beside the place's name on the wide chart)
    legend_y: int = 16  # its first row's baseline, from the panel's top
    plot_top: int = 46  # the plot area's top, from the panel's top (0: under the legend)
    year_labels: int = 10  # at most this many year labels on the x axis
    css_class: str = "chart-wide"


WIDE = ChartLayout()
NARROW = ChartLayout(width=360, plot_height=230, left=56, right=20, bottom=40, text=13, small=12, heading=16,
                     title_x=8, heading_y=18, unit_y=37, legend_x=8, legend_y=60, plot_top=0, year_labels=5,
                     css_class="chart-narrow")


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """About ``count`` round tick values (1, 2, 2.5 or 5 times a power of ten) covering low..high."""
    if not np.isfinite(low) or not np.isfinite(high):
        return []
    if high <= low:
        low, high = low - (abs(low) * 0.1 or 1), high + (abs(high) * 0.1 or 1)
    raw = (high - low) / max(count, 1)
    power = 10 ** np.floor(np.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = np.floor(low / step) * step
    ticks = []
    value = first
    while value <= high + step * 1e-9:
        ticks.append(float(round(value, 10)))
        value += step
    if ticks[-1] < high:
        ticks.append(float(round(value, 10)))
    return ticks


def _num(value: float) -> str:
    """Axis label: thousands separators, no needless decimals."""
    return f"{value:,.6g}" if abs(value) < 1e6 else f"{value:,.0f}"


def _star(x: float, y: float, r: float = 8.0) -> str:
    points = []
    for i in range(10):
        angle = np.pi / 2 + i * np.pi / 5
        radius = r if i % 2 == 0 else r * 0.45
        points.append(f"{x + radius * np.cos(angle):.1f},{y - radius * np.sin(angle):.1f}")
    return " ".join(points)


def panel_data(dataset: data.Dataset, table: pd.DataFrame, indicator_id: str, place: str, as_of: int,
               alpha: float = 0.1) -> dict:
    """What one place's panel shows: achieved figures, the fitted band (to the last target year, or
    None under :data:`analysis.method.trends.MIN_POINTS` figures) and the pledges' targets and bases."""
    from ..method import trends
    from ..method.progress import achieved_observations

    obs = achieved_observations(dataset, as_of)
    series = obs[(obs["indicator_id"] == indicator_id) & (obs["geography"] == place)].sort_values("year")
    mine = table[(table["indicator_id"] == indicator_id) & (table["geography"] == place)].sort_values("target_year")
    band = None
    comparable = data.since_last_break(series)  # no trend is fitted across a series break
    if len(comparable) >= trends.MIN_POINTS:
        model = trends.choose_model(_info(dataset, indicator_id)["measure"], comparable["value"])
        end = int(max([comparable["year"].max(), *mine["target_year"].tolist()]))
        band = trends.series_band(comparable["year"], comparable["value"],
                                  np.arange(int(comparable["year"].min()), end + 1), model, alpha)
        band.attrs["model"] = model
    start = data.break_years(series).max() if len(series) else np.nan
    return {"series": series, "pledges": mine, "band": band, "break_year": start}


def series_chart(dataset: data.Dataset, table: pd.DataFrame, indicator_id: str, as_of: int,
                 alpha: float = 0.1) -> str:
    """The chart, one panel per place: achieved figures, the fitted trend with its (1 - alpha)
    prediction band to the last target year, each pledge's target (a star coloured by its verdict)
    and base (an open circle), and the as-of year. Drawn twice, as inline SVG: for wide screens
    (:data:`WIDE`, class ``chart-wide``) and for phones (:data:`NARROW`, class ``chart-narrow``); the
    page's stylesheet shows one of them. Every text from the dataset is escaped."""
    shown = _shown(dataset, table, indicator_id, as_of, alpha)
    return "".join(_drawing(shown, as_of, alpha, layout) for layout in (WIDE, NARROW))


def chart_svg(dataset: data.Dataset, table: pd.DataFrame, indicator_id: str, as_of: int, alpha: float = 0.1,
              layout: ChartLayout = WIDE) -> str:
    """One drawing of :func:`series_chart` in ``layout``: an ``<svg>`` that scales to its box's width
    (never beyond its natural size)."""
    return _drawing(_shown(dataset, table, indicator_id, as_of, alpha), as_of, alpha, layout)


def _shown(dataset: data.Dataset, table: pd.DataFrame, indicator_id: str, as_of: int, alpha: float) -> dict:
    """What the chart shows, whatever its layout: each place's :func:`panel_data`, the unit and the
    text alternative (computed once for both drawings)."""
    return {"panels": [(place, panel_data(dataset, table, indicator_id, place, as_of, alpha))
                       for place in places(dataset, table, indicator_id)],
            "unit": str(_info(dataset, indicator_id)["unit"]), "label": chart_alt(dataset, table, indicator_id, as_of)}


def _drawing(shown: dict, as_of: int, alpha: float, layout: ChartLayout) -> str:
    """The ``<svg>`` of :func:`_shown` in ``layout``."""
    panels, top = [], 0.0
    for place, d in shown["panels"]:
        drawn, height = _panel(d, place, shown["unit"], as_of, alpha, top, layout)
        panels.append(drawn)
        top += height
    height = top or 100
    label = shown["label"]
    return (f'<svg class="indicator-chart {layout.css_class}" viewBox="0 0 {layout.width} {height:g}" width="100%" '
            f'role="img" aria-label="{label}" xmlns="http://www.w3.org/2000/svg" style="max-width:{layout.width}px;'
            f'height:auto;font-family:system-ui,sans-serif">' + "".join(panels) + "</svg>")


def _legend(d: dict, alpha: float, layout: ChartLayout, top: float) -> tuple[list[str], float]:
    """The panel's legend (SVG) and the baseline of its last row: what it shows, wrapped to the width."""
    band, series, mine = d["band"], d["series"], d["pledges"]
    items = []
    if band is not None and len(band.dropna(subset=["lower", "upper", "mean"])):
        items.append(("band", _("fitted trend ({model}) and {percent}% prediction band").format(
            model=model_name(band.attrs.get("model", "")), percent=int(round((1 - alpha) * 100)))))
    if len(series):
        items.append(("dot", pgettext("chart legend", "achieved")))
    if len(mine):
        items.append(("star", _("target (colour = verdict)")))
        if mine["base_value"].notna().any():
            items.append(("base", _("pledge's base")))
    out = []
    char = 0.57 * layout.text  # a character's width, about, in DejaVu Sans / system-ui
    x, y = layout.legend_x, top + layout.legend_y
    for kind, text in items:
        width = _width(text, char, layout.text)
        if x + 24 + width > layout.width - layout.right and x > layout.legend_x:  # wrap to another row
            x, y = layout.legend_x, y + layout.text + 4
        mark = {"band": f'<rect x="{x}" y="{y - 8}" width="14" height="8" fill="#0072B2" fill-opacity="0.3"/>',
                "dot": f'<circle cx="{x + 6}" cy="{y - 4}" r="3.5" fill="#222"/>',
                "star": f'<polygon points="{_star(x + 6, y - 4, 6)}" fill="#999"/>',
                "base": f'<circle cx="{x + 6}" cy="{y - 4}" r="5" fill="none" stroke="#E69F00" stroke-width="2"/>'}[kind]
        out.append(mark + f'<text x="{x + 17}" y="{y:g}" font-size="{layout.text:g}" fill="#333">{escape(text)}</text>')
        x += 24 + width
    return out, y


def _width(text: str, char: float, size: float) -> float:
    """About how wide ``text`` is drawn: ``char`` a character, a whole ``size`` for a wide (CJK) one."""
    import unicodedata

    wide = sum(unicodedata.east_asian_width(c) in ("W", "F") for c in text)
    return char * (len(text) - wide) + size * wide if wide else char * len(text)


def _panel(d: dict, place: str, unit: str, as_of: int, alpha: float, top: float,
           layout: ChartLayout = WIDE) -> tuple[str, float]:
    """One place's panel, drawn from ``top`` down: its SVG and its height."""
    series, mine, band = d["series"], d["pledges"], d["band"]
    years = [*series["year"].tolist(), *mine["target_year"].tolist(),
             *mine["base_year"].dropna().tolist(), as_of]
    values = [*series["value"].tolist(), *mine["target_value"].dropna().tolist(), *mine["base_value"].dropna().tolist()]
    x0, x1 = (min(years), max(years)) if years else (as_of - 1, as_of + 1)
    if x0 == x1:
        x0, x1 = x0 - 1, x1 + 1
    lo, hi = (min(values), max(values)) if values else (0.0, 1.0)
    span = (hi - lo) or (abs(hi) or 1.0)
    if band is not None:  # the band widens the range, but never beyond half the data's span again
        lo = min(lo, max(float(band["lower"].min()), lo - span / 2))
        hi = max(hi, min(float(band["upper"].max()), hi + span / 2))
    ticks = nice_ticks(lo, hi)
    lo, hi = min(ticks[0], lo), max(ticks[-1], hi)
    legend, legend_end = _legend(d, alpha, layout, top)
    plot_top = top + (layout.plot_top or (legend_end - top + layout.text + 8))
    char = 0.57 * layout.text
    left = max(layout.left, int(12 + char * max(len(_num(t)) for t in ticks)))  # room for the widest tick label
    plot_w, plot_h = layout.width - left - layout.right, layout.plot_height
    plot_bottom = plot_top + plot_h

    def px(x):
        return left + (float(x) - x0) / (x1 - x0) * plot_w

    def py(y):
        return plot_top + (hi - float(y)) / ((hi - lo) or 1) * plot_h

    out = [f'<text x="{layout.title_x}" y="{top + layout.heading_y:g}" font-size="{layout.heading:g}" '
           f'font-weight="bold">{escape(place_name(place))}</text>',
           f'<text x="{layout.title_x}" y="{top + layout.unit_y:g}" font-size="{layout.text:g}" fill="#444">'
           f'{escape(unit_name(unit))}</text>']
    for t in ticks:
        out.append(f'<line x1="{left}" x2="{layout.width - layout.right}" y1="{py(t):.1f}" y2="{py(t):.1f}" '
                   f'stroke="#e5e5e5"/><text x="{left - 6}" y="{py(t) + layout.text * 0.36:.1f}" '
                   f'font-size="{layout.text:g}" text-anchor="end" fill="#444">{escape(_num(t))}</text>')
    step = max(1, int(np.ceil((x1 - x0) / layout.year_labels)))
    for year in range(int(x0), int(x1) + 1, step):
        label = formats.year(year)  # "2025" or "2025年": the last one is kept inside the drawing
        x = min(px(year), layout.width - 1 - _width(label, 0.6 * layout.text, layout.text) / 2)
        out.append(f'<text x="{x:.1f}" y="{plot_bottom + layout.text + 5:g}" font-size="{layout.text:g}" '
                   f'text-anchor="middle" fill="#444">{label}</text>')
    as_of_text, break_text = _("as of {year}").format(year=int(as_of)), _("series break")
    right_of = px(as_of) - left < 0.57 * layout.small * 11  # no room on its left: the label goes right of the line
    out.append(f'<line x1="{px(as_of):.1f}" x2="{px(as_of):.1f}" y1="{plot_top:g}" y2="{plot_bottom:g}" '
               f'stroke="#777" stroke-dasharray="2,3"/><text x="{px(as_of) + (3 if right_of else -3):.1f}" '
               f'y="{plot_top + layout.small:g}" font-size="{layout.small:g}" '
               f'text-anchor="{"start" if right_of else "end"}" fill="#555">{as_of_text}</text>')
    if pd.notna(d.get("break_year")):  # figures before it are on another basis
        bx = px(float(d["break_year"]) - 0.5)
        left_of = bx + 3 + 0.57 * layout.small * 12 > layout.width - layout.right  # no room on its right
        out.append(f'<line x1="{bx:.1f}" x2="{bx:.1f}" y1="{plot_top:g}" y2="{plot_bottom:g}" '
                   f'stroke="#CC0000" stroke-dasharray="6,3"/><text x="{bx + (-3 if left_of else 3):.1f}" '
                   f'y="{plot_top + 2.2 * layout.small:g}" font-size="{layout.small:g}" '
                   f'text-anchor="{"end" if left_of else "start"}" fill="#CC0000">{break_text}</text>')
    if band is not None:
        band = band.dropna(subset=["lower", "upper", "mean"])
    if band is not None and len(band):
        clip = [(px(y), py(min(max(v, lo), hi))) for y, v in zip(band["year"], band["upper"])]
        clip += [(px(y), py(min(max(v, lo), hi))) for y, v in zip(band["year"][::-1], band["lower"][::-1])]
        out.append('<polygon fill="#0072B2" fill-opacity="0.15" points="'
                   + " ".join(f"{a:.1f},{b:.1f}" for a, b in clip) + '"/>')
        out.append('<polyline fill="none" stroke="#0072B2" stroke-width="1.6" points="'
                   + " ".join(f"{px(y):.1f},{py(min(max(v, lo), hi)):.1f}" for y, v in zip(band["year"], band["mean"]))
                   + '"/>')
    if len(series):
        out.append('<polyline fill="none" stroke="#222" stroke-width="0.8" points="'
                   + " ".join(f"{px(y):.1f},{py(v):.1f}" for y, v in zip(series["year"], series["value"])) + '"/>')
        for y, v in zip(series["year"], series["value"]):
            said = _("{year}: {value}").format(year=int(y), value=escape(fmt(v, unit)))
            out.append(f'<circle cx="{px(y):.1f}" cy="{py(v):.1f}" r="3.5" fill="#222"><title>{said}</title></circle>')
    for __, p in mine.iterrows():
        color = STATUS_COLORS.get(str(p["status"]), "#D55E00")
        if pd.notna(p["base_year"]) and pd.notna(p["base_value"]):
            said = _("base of {pledge}: {value} ({year})").format(
                pledge=escape(p["pledge_id"]), value=escape(fmt(p["base_value"], unit)), year=int(p["base_year"]))
            out.append(f'<circle cx="{px(p["base_year"]):.1f}" cy="{py(p["base_value"]):.1f}" r="7" fill="none" '
                       f'stroke="#E69F00" stroke-width="2"><title>{said}</title></circle>')
        if pd.isna(p["target_value"]):  # a direction-only pledge has no number to mark
            continue
        said = _("{pledge}: {target} ({status})").format(pledge=escape(p["pledge_id"]), target=escape(target_text(p)),
                                                        status=escape(status_words(p["status"])))
        out.append(f'<polygon points="{_star(px(p["target_year"]), py(p["target_value"]))}" fill="{color}" '
                   f'stroke="#333" stroke-width="0.6"><title>{said}</title></polygon>')
    return "".join(out + legend), plot_bottom + layout.bottom - top


def chart_alt(dataset: data.Dataset, table: pd.DataFrame, indicator_id: str, as_of: int) -> str:
    """A sentence stating what the chart shows (its text alternative)."""
    obs = dataset.observations[(dataset.observations["indicator_id"] == indicator_id)
                               & (dataset.observations["year"] <= as_of)]
    info = _info(dataset, indicator_id)
    parts = []

    def said(row) -> str:  # a bound or an approximate figure is said as one ("at least", "about")
        return figure_text(row["value"], info["unit"], row["comparator"])

    for place, group in obs.sort_values("year").groupby("geography"):
        first, last = group.iloc[0], group.iloc[-1]
        if len(group) > 1:
            text = _("{place} from {first} in {first_year} to {last} in {last_year}").format(
                place=place_name(place), first=said(first), first_year=int(first["year"]), last=said(last),
                last_year=int(last["year"]))
        else:
            text = _("{place} {value} in {year}").format(place=place_name(place), value=said(last),
                                                         year=int(last["year"]))
        start = data.break_years(group).max()
        if pd.notna(start):  # the figures before it are on another basis: not a change a reader may read off
            text += _(" (series break in {year}: the figures before it are on another basis)").format(year=int(start))
        parts.append(text)
    n = int((table["indicator_id"] == indicator_id).sum())
    shown = pgettext("clause separator", "; ").join(parts) if parts else _("no achieved figure up to then")
    name = info["name_zh"] if i18n.is_chinese() and isinstance(info["name_zh"], str) else info["name"]
    return escape(_("Chart: {name}: {shown}; {n} target(s) marked with stars.").format(name=name, shown=shown, n=n))


def _rate(value, rule: str, unit: str) -> str:
    if pd.isna(value):
        return ""
    if rule == "cagr":
        return _("{rate}% a year").format(rate=f"{value * 100:+.2f}")
    if unit == "%":
        return _("{rate} points a year").format(rate=f"{value:+.3g}")
    if unit == "ratio":
        return _("{rate} a year").format(rate=f"{value:+.3g}")
    return _("{rate} {unit} a year").format(rate=f"{value:+.3g}", unit=unit_name(unit))


def pledge_rows(dataset: data.Dataset, table: pd.DataFrame, indicator_id: str) -> list[dict]:
    """Per pledge on the indicator: verdict and its components, as display strings."""
    rows = []
    cells = source_cells(dataset)
    for __, r in table[table["indicator_id"] == indicator_id].sort_values(["geography", "target_year",
                                                                           "pledge_id"]).iterrows():
        prob = r.get("probability_met")
        rows.append({
            "pledge": r["pledge_id"],
            "place": place_name(r["geography"]),
            "target": target_text(r),
            "verdict": status_words(r["status"]),
            "why": r["reason"] + _rests_on(r),
            "base": _("{value} ({year}, {origin})").format(value=fmt(r["base_value"], r["unit"]),
                                                          year=int(r["base_year"]), origin=_base_from(r["base_from"]))
            if pd.notna(r["base_value"]) and pd.notna(r["base_year"]) else "",
            "latest": _("{value} ({year})").format(value=fmt(r["latest_value"], r["unit"]), year=int(r["latest_year"]))
            if pd.notna(r["latest_value"]) else "",
            "observed rate": _rate(r["observed_rate"], r["rate_rule"], r["unit"]),
            "required rate": _rate(r["required_rate"], r["rate_rule"], r["unit"]),
            "R": f"{r['ratio']:.2f}" if pd.notna(r["ratio"]) else "",
            "P(met on time)": f"{prob:.0%}" if prob is not None and pd.notna(prob) else "",
            "source": cells.get(r["source_id"], r["source_id"]),
        })
    return rows


def _base_from(origin) -> str:
    """Where a pledge's base comes from (``base_from``), in words (an unknown origin as written)."""
    origin = "" if pd.isna(origin) else str(origin)
    words = {"observation": pgettext("base from", "observation"), "pledge": pgettext("base from", "pledge")}
    return words.get(origin, origin)


def _rests_on(row) -> str:
    """The kind of evidence a verdict rests on, in words ("" when it has none)."""
    from .tables import evidence_words

    kind = row.get("evidence_kind")
    if not isinstance(kind, str) or not kind or str(row["status"]) == "insufficient_data":
        return ""
    return _(" (rests on {evidence})").format(evidence=evidence_words(kind))


def pledge_table(dataset: data.Dataset, table: pd.DataFrame, indicator_id: str) -> str:
    """HTML table of :func:`pledge_rows`."""
    rows = pledge_rows(dataset, table, indicator_id)
    columns = ["pledge", "place", "target", "verdict", "why", "base", "latest", "observed rate", "required rate",
               "R", "P(met on time)", "source"]
    return html_table(rows, columns, _("Pledges: verdict and its components"))


def settle_sentence(row, dataset: data.Dataset | None = None) -> str:
    """What would settle a pledge that has no verdict yet (status ``insufficient_data``), or, for a
    pledge whose target year is still ahead, what the final verdict waits for; '' once met or missed."""
    status = str(row["status"])
    place, year = place_name(row["geography"]), int(row["target_year"])
    if status in ("met", "missed"):
        return ""
    if status == "insufficient_data":
        if pd.isna(row["latest_value"]):
            return _("No achieved figure for {place} up to {as_of}: an official figure for any year, plus a second "
                     "one (or a stated baseline) to measure the pace, would give it a status; a figure for {year} "
                     "would decide met or missed.").format(place=place, as_of=int(row["as_of"]), year=year)
        return _("Only one point in time ({latest}): a figure for {place} for another year would give the pace and "
                 "a status; a figure for {year} would decide met or missed.").format(
                     latest=int(row["latest_year"]), place=place, year=year)
    return _("The final verdict (met or missed) waits for an official figure for {place} for {year}.").format(
        place=place, year=year)


def pledge_details(dataset: data.Dataset, table: pd.DataFrame, indicator_id: str) -> str:
    """Markdown: per pledge, the sentence on where it stands, what would settle it, and its verbatim quote."""
    pledges = dataset.pledges.set_index("pledge_id")
    blocks = []
    for __, r in table[table["indicator_id"] == indicator_id].sort_values(["geography", "target_year",
                                                                           "pledge_id"]).iterrows():
        p = pledges.loc[r["pledge_id"]]
        source = source_cell(dataset, r["source_id"])
        source_md = (f"[{escape(source.text)}]({escape(source.href)})" if isinstance(source, Link)
                     else escape(source))
        block = [_("### {pledge}: {place}, {target}").format(pledge=escape(r["pledge_id"]),
                                                              place=escape(place_name(r["geography"])),
                                                              target=escape(target_text(r))), "",
                 pledge_sentence(r)]
        settle = settle_sentence(r, dataset)
        if settle:
            block += ["", _("*What would settle it:* {sentence}").format(sentence=escape(settle))]
        block += ["", f"> “{escape(p['quote'])}”  ", f"> — {source_md}"]
        if isinstance(p["note"], str) and p["note"]:
            block[-1] += "  "
            block += [_("> Note: {note}").format(note=escape(p["note"]))]
        blocks.append("\n".join(block))
    return "\n\n".join(blocks) if blocks else _("No document in the dataset pledges a target on this indicator.")


def lineage_rows(dataset: data.Dataset, indicator_id: str) -> list[dict]:
    """The indicator's pledges per place in the order their documents were published, each
    compared with the one before it (kept, raised, lowered, postponed, brought forward)."""
    history = _derived("lineage", dataset, pledge_lineage)
    history = history[history["indicator_id"] == indicator_id]
    unit = _info(dataset, indicator_id)["unit"]
    cells = source_cells(dataset)
    rows = []
    for __, h in history.iterrows():
        before = (_("{value} by {year} ({pledge})").format(value=fmt(h["previous_target_value"], unit),
                                                          year=int(h["previous_target_year"]),
                                                          pledge=h["previous_pledge_id"])
                  if pd.notna(h["previous_pledge_id"]) else "")
        rows.append({
            "place": place_name(h["geography"]),
            "published": _published(h["published"]),
            "pledge": h["pledge_id"],
            "target": _("{comparator} {value} by {year}").format(comparator=_comparator(h["comparator"]),
                                                                value=fmt(h["target_value"], unit),
                                                                year=int(h["target_year"])),
            "previous target": before,
            "change": _(CHANGE_WORDS[h["verdict"]]) if h["verdict"] in CHANGE_WORDS else h["verdict"],
            "source": cells.get(h["source_id"], h["source_id"]),
        })
    return rows


def _published(published) -> str:
    """A publication date as the dataset gives it (in Chinese as a Chinese date where it is one)."""
    if not isinstance(published, str):
        return _("not shown")
    if i18n.is_chinese():
        try:
            return formats.date(published)
        except ValueError:
            return published
    return published


def _comparator(symbol) -> str:
    """A target's comparator before its value: the symbol in English (``>=``), words in Chinese (不低于)."""
    words = {"=": pgettext("comparator", "="), "~": pgettext("comparator", "~"),
             ">=": pgettext("comparator", ">="), "<=": pgettext("comparator", "<=")}
    return words.get(str(symbol), str(symbol))


def _block(heading: str, rows: list[dict], columns: list[str], caption: str, none: str, intro: str = "") -> str:
    """HTML: an ``<h3>`` heading, then ``intro`` and the rows in a table, or the sentence ``none``
    when there are no rows (``heading``, ``none`` and ``intro`` are the page's own words)."""
    head = f"<h3>{heading}</h3>"
    if not rows:
        return head + f"<p>{none}</p>"
    return head + intro + html_table(rows, columns, caption)


def lineage_block(dataset: data.Dataset, indicator_id: str) -> str:
    """HTML: a heading, then the lineage table, or a sentence when the indicator's targets were set only once per place."""
    rows = lineage_rows(dataset, indicator_id)
    history = _derived("lineage", dataset, pledge_lineage)
    changed = int((~history.loc[history["indicator_id"] == indicator_id, "verdict"].isin(["first", "kept"])).sum())
    return _block(_("Did the targets change from one document to the next?"), rows,
                  ["place", "published", "pledge", "target", "previous target", "change", "source"],
                  _("How the targets evolved across documents"),
                  _("Each place's target on this indicator appears in one document only: no lineage to trace."),
                  _("<p>{n} pledges in a chain of restatements; {changed} changed the target or its year.</p>").format(
                      n=len(rows), changed=changed))


def conflict_rows(all_vintages: data.Dataset, indicator_id: str) -> list[dict]:
    """Figures for the same place and year that disagree across sources (needs all vintages)."""
    found = _derived("inconsistencies", all_vintages, inconsistencies)
    found = found[found["indicator_id"] == indicator_id]
    unit = _info(all_vintages, indicator_id)["unit"]
    cells = source_cells(all_vintages)
    return [{
        "place": place_name(c["geography"]),
        "year": formats.year(c["year"]),
        "value": fmt(c["value"], unit),
        "status": _figure_status(c["status"]),
        "used": _("yes") if c["current"] else _("no"),
        "spread": fmt(c["spread"], unit),
        "quote": c["quote"],
        "source": cells.get(c["source_id"], c["source_id"]),
    } for c in found.to_dict("records")]


def conflicts_block(all_vintages: data.Dataset, indicator_id: str) -> str:
    """HTML: a heading, then the cross-source conflicts, or a sentence saying there are none."""
    rows = conflict_rows(all_vintages, indicator_id)
    groups = len({(r["place"], r["year"]) for r in rows})
    intro = ngettext("<p>{n} place-year with disagreeing figures; the one used is the revised figure, else the final "
                     "one, else the estimate (then exact before approximate, then the latest-published).</p>",
                     "<p>{n} place-years with disagreeing figures; the one used is the revised figure, else the final "
                     "one, else the estimate (then exact before approximate, then the latest-published).</p>",
                     groups).format(n=groups)
    return _block(_("Do the sources disagree?"), rows,
                  ["place", "year", "value", "status", "used", "spread", "quote", "source"],
                  _("Figures that disagree across sources"),
                  _("No two sources give different figures for the same place and year on this indicator."), intro)


def _figure_status(status) -> str:
    """A figure's status (``observations.status``) in words (an unknown status as written)."""
    words = {"reported": pgettext("figure status", "reported"), "preliminary": pgettext("figure status", "preliminary"),
             "revised": pgettext("figure status", "revised")}
    return words.get(str(status), status)


def figure_rows(all_vintages: data.Dataset, indicator_id: str) -> list[dict]:
    """Every figure on the indicator (all vintages): place, year, value with its comparator, status,
    whether it is the one used, the verbatim quote and the source."""
    obs = all_vintages.observations
    obs = obs[obs["indicator_id"] == indicator_id].sort_values(["geography", "year", "source_id"])
    cells = source_cells(all_vintages)
    return [{
        "place": place_name(o["geography"]),
        "year": formats.year(o["year"]),
        "value": fmt(o["value"], o["unit"]),
        "comparator": _("{symbol} ({words})").format(
            symbol=o["comparator"],
            words=_(COMPARATOR_WORDS[o["comparator"]]) if o["comparator"] in COMPARATOR_WORDS else o["comparator"]),
        "status": _figure_status(o["status"]),
        "used": _("yes") if o["current"] else _("no"),
        "quote": o["quote"],
        "note": o["note"] if isinstance(o["note"], str) else "",
        "source": cells.get(o["source_id"], o["source_id"]),
    } for o in obs.to_dict("records")]


def figures_block(all_vintages: data.Dataset, indicator_id: str) -> str:
    """HTML: a heading, then every figure in a table, or a sentence when there is none; for a total over
    a period (``sum_of``), where its yearly figures are; then the corrections made to the indicator's
    rows after they were published (:func:`analysis.present.corrections.block`; none, no heading)."""
    from .corrections import block as corrections_block

    block = _block(_("Every figure, with its status and source"), figure_rows(all_vintages, indicator_id),
                   ["place", "year", "value", "comparator", "status", "used", "quote", "note", "source"],
                   _("Every figure, with its status, quote and source"),
                   _("No achieved figure on this indicator in the dataset yet."))
    return block + summed_from(all_vintages, indicator_id) + corrections_block(all_vintages, indicator_id)


def summed_from(dataset: data.Dataset, indicator_id: str) -> str:
    """HTML: where no source states a total over a period, it is added up from the yearly figures of
    another indicator (linked to its page); "" for any other indicator."""
    info = _info(dataset, indicator_id)
    yearly = info.get("sum_of")
    if not isinstance(yearly, str) or not yearly:
        return ""
    return _("<p>Where no source states the total, a pledge on this indicator is judged on the sum of the yearly "
             "figures of <a href=\"{id}.html\"><code>{id}</code></a> over the {years} years ending at its target "
             "year; with a year missing, that sum is only a lower bound.</p>").format(id=html.escape(yearly),
                                                                                      years=int(info["sum_years"]))


def navigation() -> str:
    """Markdown links back to the index and the pledge explorer (pages live in reports/indicators/)."""
    return _("[All reports](../index.html) · [All pledges (explorer)](../pledges.html)")
