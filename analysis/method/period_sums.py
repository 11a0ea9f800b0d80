"""Totals over a period from yearly figures.

A pledge for a total over a plan period ("build 210,000 units of affordable rental housing" over
2021-2025) is judged on the total for exactly the years it covers. Where no source states that total,
the yearly figures of the indicator it sums (``indicators.sum_of``, over ``sum_years`` years ending at
the target year) are added up:

* every year of the period has a figure: the sum is the total (``=``, or ``~`` if a part is approximate);
* some years have no figure, or only a lower bound (``>=``: "1.138 million in the first 11 months"):
  the sum is a lower bound (``>=``) on the total, and only for a quantity that cannot be negative (the
  yearly indicator's lower bound is 0 or more); it settles the pledge only where the part found already
  meets the target, like any other bound;
* a figure the sources state for the total itself always comes first: no sum is made beside it;
* no total is made for a period that ends after the last year with a figure.

A derived total is ``preliminary`` if any of its parts is. Its ``source_id`` joins the parts' sources
with ``+``; ``parts`` lists them (year, value, source, quote) and ``missing`` the years without a figure.
"""

from __future__ import annotations

import pandas as pd

#: Observation comparators that state a level; a lower bound (``>=``) is added up too, as a bound.
_LEVELS = ("=", "~")
_PARTS = ("=", "~", ">=")
#: Joins the sources of a derived total's parts in its ``source_id``.
SEPARATOR = "+"


def period_sums(indicators: pd.DataFrame, observations: pd.DataFrame, wanted: pd.DataFrame) -> pd.DataFrame:
    """Derived totals for the (indicator_id, geography, target_year) rows of ``wanted`` whose indicator
    sums another one (``sum_of``); see the module docstring.

    Parameters
    ----------
    indicators : DataFrame
        ``dataset.indicators`` (``sum_of``, ``sum_years``, ``lower_bound``).
    observations : DataFrame
        Current achieved figures (``indicator_id``, ``geography``, ``year``, ``value``,
        ``comparator``, ``status``, ``source_id``; ``quote`` if present is kept in ``parts``).
    wanted : DataFrame
        Columns ``indicator_id``, ``geography``, ``target_year``.

    Returns
    -------
    DataFrame
        One row per total found, with the observation columns, ``series_break`` False, ``parts`` and
        ``missing``.
    """
    if "sum_of" not in indicators or indicators["sum_of"].isna().all() or wanted.empty or observations.empty:
        return _empty(observations)
    wanted = wanted[wanted["target_year"] <= observations["year"].max()]  # no total for a period not yet over
    info = indicators.set_index("indicator_id")
    rows = []
    for indicator_id, geography, year in wanted[["indicator_id", "geography", "target_year"]].drop_duplicates().itertuples(
            index=False):
        yearly = info.at[indicator_id, "sum_of"] if indicator_id in info.index else None
        if not isinstance(yearly, str) or _stated(observations, indicator_id, geography, int(year)):
            continue
        row = _total(info, observations, indicator_id, yearly, geography, int(year))
        if row is not None:
            rows.append(row)
    return pd.DataFrame(rows) if rows else _empty(observations)


def _stated(observations: pd.DataFrame, indicator_id: str, geography: str, year: int) -> bool:
    """A source states the total itself (an exact or approximate figure for that year)."""
    own = observations[(observations["indicator_id"] == indicator_id) & (observations["geography"] == geography)
                       & (observations["year"] == year) & observations["comparator"].isin(_LEVELS)]
    return not own.empty


def _total(info: pd.DataFrame, observations: pd.DataFrame, indicator_id: str, yearly: str, geography: str,
           year: int) -> dict | None:
    """The sum of ``yearly``'s figures over the period ending at ``year``, or None."""
    span = int(info.at[indicator_id, "sum_years"])
    years = list(range(year - span + 1, year + 1))
    parts = observations[(observations["indicator_id"] == yearly) & (observations["geography"] == geography)
                         & observations["year"].isin(years) & observations["comparator"].isin(_PARTS)]
    # a level before a bound of the same year
    parts = parts.assign(_bound=parts["comparator"] == ">=").sort_values(["year", "_bound"]).drop_duplicates("year")
    if parts.empty:
        return None
    missing = [y for y in years if y not in set(parts["year"].astype(int))]
    low = info.at[yearly, "lower_bound"] if yearly in info.index else float("nan")
    partial = bool(missing) or bool(parts["_bound"].any())
    if partial and not (pd.notna(low) and low >= 0):
        return None  # a quantity that may be negative: the years found bound nothing
    comparator = ">=" if partial else ("~" if (parts["comparator"] == "~").any() else "=")
    quotes = parts["quote"] if "quote" in parts else pd.Series([None] * len(parts), index=parts.index)
    return {
        "indicator_id": indicator_id, "geography": geography, "year": year,
        "value": float(parts["value"].sum()), "comparator": comparator,
        "status": "preliminary" if (parts["status"] == "preliminary").any() else "reported",
        "source_id": SEPARATOR.join(dict.fromkeys(parts["source_id"])), "series_break": False,
        "parts": list(zip(parts["year"].astype(int), parts["value"].astype(float), parts["source_id"], quotes)),
        "missing": missing,
    }  # fmt: skip


def _empty(observations: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(columns=[*observations.columns, "series_break", "parts", "missing"])


def weakest_kind(source_ids: str, kinds: pd.Series) -> str:
    """The kind of evidence of a (possibly derived, ``a+b``) source: for a sum, its weakest part's."""
    from ..data.dataset import EVIDENCE_KINDS

    order = list(EVIDENCE_KINDS)
    found = [kinds.get(s) for s in str(source_ids).split(SEPARATOR) if s]
    found = [k for k in found if k in order]
    return max(found, key=order.index) if found else ""
