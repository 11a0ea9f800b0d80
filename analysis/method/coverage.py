"""Coverage of the official series: which years of each series have an achieved figure.

Moved out of :mod:`analysis.data` (which re-exports :data:`HEADLINE`, :func:`coverage` and
:func:`year_ranges` for old imports).
"""

from __future__ import annotations

import numbers
import sys

import pandas as pd

from ..data import arguments
from ..data.dataset import ACHIEVED_STATUSES, Dataset
from ..data.formats import year as year_text
from ..data.i18n import pgettext

#: The headline indicators of the four themes: the yearly official series a reader expects to find.
HEADLINE = (
    "per_capita_disposable_income",
    "urban_per_capita_disposable_income",
    "rural_per_capita_disposable_income",
    "urban_rural_income_ratio",
    "per_capita_gdp",
    "gdp",
    "gdp_growth_rate",
    "urbanization_rate",
    "rd_expenditure_share_gdp",
    "digital_economy_core_value_added",
    "digital_economy_core_share_gdp",
    "high_new_tech_industry_share_industrial_value_added",
    "pm25_concentration",
    "good_air_quality_days_share",
    "surface_water_grade_iii_share",
    "forest_coverage",
    "life_expectancy",
    "higher_education_gross_enrollment_rate",
)


def year_ranges(years) -> str:
    """Compact list of years: ``[2015, 2016, 2017, 2019]`` gives ``"2015-2017, 2019"`` ("" if none; in Chinese
    ``"2015—2017年、2019年"``)."""
    years = sorted({int(y) for y in years})
    runs: list[list[int]] = []
    for y in years:
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    span = pgettext("year range", "{first}-{last}")
    return pgettext("list separator", ", ").join(
        year_text(r[0]) if len(r) == 1 else span.format(first=r[0], last=r[-1]) for r in runs)


def coverage(
    dataset: Dataset,
    indicators=HEADLINE,
    geographies=("Zhejiang",),
    start: int = 2015,
    end: int | None = None,
) -> pd.DataFrame:
    """Which years of each series have an achieved figure, and which are missing.

    Parameters
    ----------
    dataset : Dataset
        As returned by :func:`load`; only current achieved figures count.
    indicators : sequence of str, default :data:`HEADLINE`
        Indicator ids, in the order of the result.
    geographies : sequence of str, default ("Zhejiang",)
    start, end : int
        The span of years expected; ``end`` defaults to the latest year observed for any of the
        indicators and geographies asked for.

    Returns
    -------
    DataFrame
        One row per indicator and geography: ``indicator_id``, ``name``, ``geography``, ``years``
        (count of years covered within the span), ``expected``, ``share`` (years / expected),
        ``covered`` and ``missing`` (compact lists such as ``"2015-2017, 2019"``) and ``sources``
        (the number of distinct sources behind the covered years). ``attrs["span"]`` holds
        ``(start, end)``.
    """
    indicators, geographies = _check(dataset, indicators, geographies, start, end)
    obs = dataset.observations
    obs = obs[obs["status"].isin(ACHIEVED_STATUSES) & obs["current"].astype(bool)]
    obs = obs[obs["indicator_id"].isin(indicators) & obs["geography"].isin(geographies)]
    if end is None:
        end = int(obs["year"].max()) if len(obs) else start
    if end < start:
        raise ValueError(f"coverage: end year {end} is before start year {start}")
    span = range(start, end + 1)
    names = dataset.indicators.set_index("indicator_id")["name"]
    rows = []
    for indicator in indicators:
        for geography in geographies:
            own = obs[(obs["indicator_id"] == indicator) & (obs["geography"] == geography)]
            own = own[own["year"].between(start, end)]
            years = set(own["year"].astype(int))
            rows.append(
                {
                    "indicator_id": indicator,
                    "name": names[indicator],
                    "geography": geography,
                    "years": len(years),
                    "expected": len(span),
                    "share": len(years) / len(span),
                    "covered": year_ranges(years),
                    "missing": year_ranges(set(span) - years),
                    "sources": own["source_id"].nunique(),
                }
            )
    table = pd.DataFrame(rows)
    table.attrs["span"] = (start, end)
    return table


def _check(dataset, indicators, geographies, start, end) -> tuple[list[str], list[str]]:
    """:func:`coverage`'s arguments (see :mod:`analysis.data.arguments`): lists of known ids and places, years."""
    from ..data.params import dataset_places

    arguments.dataset(dataset, "coverage")
    indicators = arguments.names(indicators, "indicators", "coverage")
    geographies = arguments.names(geographies, "geographies", "coverage")
    arguments.known(indicators, dataset.indicators["indicator_id"], "indicators", "coverage", "indicator")
    arguments.known(geographies, dataset_places(dataset), "geographies", "coverage", "geography")
    for name, value in (("start", start), ("end", end)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, numbers.Integral)):
            raise TypeError(f"coverage: {name} must be an integer year, got {value!r}")
    return indicators, geographies


class _CallableModule(sys.modules[__name__].__class__):
    """``analysis.method.coverage`` is both this module and, called, :func:`coverage` (the function's old
    public name: ``analysis.method.coverage(dataset, ...)``)."""

    def __call__(self, *args, **kwargs):
        return coverage(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
