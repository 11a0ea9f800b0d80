"""Comparisons across sources: how pledges evolved, and where sources disagree."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .data import Dataset


def pledge_lineage(dataset: Dataset) -> pd.DataFrame:
    """Pledges of the same indicator and geography made in several documents or for several years.

    Pledges are ordered by the source's publication date (then target year); each is compared with
    the one before it. ``value_change``: ``kept``, ``raised`` (more ambitious in the pledge's desired
    direction) or ``lowered``; ``timing_change``: ``same``, ``postponed`` or ``brought_forward``;
    ``verdict`` joins the two (``kept`` when nothing changed).

    Returns
    -------
    DataFrame
        One row per pledge in a group of two or more, with its predecessor's target and year.
    """
    p = dataset.pledges.merge(dataset.sources[["source_id", "published"]], on="source_id")
    direction = p["indicator_id"].map(dataset.indicators.set_index("indicator_id")["direction"])
    sign = np.select(
        [p["comparator"] == ">=", p["comparator"] == "<=", direction == "lower_is_better"], [1.0, -1.0, -1.0], 1.0
    )
    p = p.assign(sign=sign).sort_values(["indicator_id", "geography", "published", "target_year", "pledge_id"])
    keys = ["indicator_id", "geography"]
    p = p[p.groupby(keys)["pledge_id"].transform("size") > 1].copy()
    prev = p.groupby(keys)[["pledge_id", "target_value", "target_year", "source_id"]].shift()
    p["previous_pledge_id"] = prev["pledge_id"]
    p["previous_source_id"] = prev["source_id"]
    p["previous_target_value"] = prev["target_value"]
    p["previous_target_year"] = prev["target_year"]
    delta = p["sign"] * (p["target_value"] - p["previous_target_value"])
    tol = 1e-9 * p["target_value"].abs().clip(lower=1)
    has_prev = p["previous_pledge_id"].notna()
    p["value_change"] = np.select([~has_prev, delta > tol, delta < -tol], ["", "raised", "lowered"], "kept")
    years = (p["target_year"] - p["previous_target_year"]).astype(float)
    p["timing_change"] = np.select([~has_prev, years > 0, years < 0], ["", "postponed", "brought_forward"], "same")
    p["verdict"] = np.select(
        [~has_prev, (p["value_change"] == "kept") & (p["timing_change"] == "same"), p["timing_change"] == "same"],
        ["first", "kept", p["value_change"]],
        p["value_change"] + ", " + p["timing_change"],
    )
    columns = keys + [
        "pledge_id", "source_id", "published", "comparator", "target_value", "target_year",
        "previous_pledge_id", "previous_source_id", "previous_target_value", "previous_target_year",
        "value_change", "timing_change", "verdict",
    ]  # fmt: skip
    return p[columns].reset_index(drop=True)


def inconsistencies(dataset: Dataset, rel_tol: float = 1e-6) -> pd.DataFrame:
    """Indicator, geography and year reported with different values by different sources.

    Needs the dataset loaded with ``all_vintages=True`` to see superseded figures (with only the
    current vintage there is one figure per year and nothing to compare).

    Returns
    -------
    DataFrame
        One row per figure in a disagreeing group: indicator_id, geography, year, source_id,
        published, status, value, current, spread (max - min of the group), quote.
    """
    obs = dataset.observations.merge(dataset.sources[["source_id", "published"]], on="source_id")
    keys = ["indicator_id", "geography", "year"]
    g = obs.groupby(keys)["value"]
    spread = g.transform("max") - g.transform("min")
    scale = g.transform(lambda v: v.abs().max()).clip(lower=1)
    disagree = spread > rel_tol * scale
    out = obs[disagree].assign(spread=spread[disagree])
    columns = keys + ["source_id", "published", "status", "value", "current", "spread", "quote"]
    return out.sort_values(keys + ["published"])[columns].reset_index(drop=True)
