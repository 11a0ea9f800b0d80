"""Comparisons across sources: how pledges evolved, and where sources disagree."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..data.dataset import Dataset
from ..data.i18n import pgettext


def verdict_label(verdict: str) -> str:
    """A lineage ``verdict`` code as a reader reads it, in the reader's language ("first pledge", "raised"; in
    Chinese "首次提出", "提高要求"). The codes themselves stay as they are: code compares them."""
    labels = {
        "first": pgettext("lineage", "first pledge"),
        "kept": pgettext("lineage", "kept"),
        "raised": pgettext("lineage", "raised"),
        "lowered": pgettext("lineage", "lowered"),
        "met, then extended": pgettext("lineage", "met, then extended"),
        "postponed": pgettext("lineage", "postponed"),
        "new target": pgettext("lineage", "new target"),
        "milestone": pgettext("lineage", "milestone"),
        "brought forward": pgettext("lineage", "brought forward"),
    }
    return labels.get(verdict, str(verdict).replace("_", " "))


def pledge_lineage(dataset: Dataset) -> pd.DataFrame:
    """Pledges of the same indicator and geography made in several documents or for several years.

    Pledges with a number are ordered by the source's publication date (then target year); each is
    compared with the one before it (a direction-only pledge has no target to compare and is left out). ``verdict``, in the words a reader expects:

    * ``first``: the first pledge of its group;
    * same target year: ``kept``, ``raised`` (more ambitious in the pledge's desired direction) or
      ``lowered`` (``value_change`` says the same);
    * a later target year: ``met, then extended`` when a figure published by then already met the
      previous target; ``postponed`` when the previous deadline passed unmet before the new document
      and the target is no more ambitious; otherwise ``new target``;
    * an earlier target year: ``milestone`` (an intermediate goal no more ambitious than the later
      one, e.g. an annual goal on the way to a five-year one) or ``brought forward``.

    ``timing_change`` is ``same``, ``later`` or ``earlier``; ``previous_met`` says whether a figure
    for a year up to the new document's year met the previous target (literally).

    Returns
    -------
    DataFrame
        One row per pledge in a group of two or more, with its predecessor's target and year.
    """
    numbered = dataset.pledges[dataset.pledges["target_value"].notna()]  # a direction-only pledge has no target
    p = numbered.merge(dataset.sources[["source_id", "published"]], on="source_id")
    direction = p["indicator_id"].map(dataset.indicators.set_index("indicator_id")["direction"])
    sign = np.select(
        [p["comparator"].isin([">=", "increase"]), p["comparator"].isin(["<=", "decrease"]),
         direction == "lower_is_better"], [1.0, -1.0, -1.0], 1.0
    )  # fmt: skip
    p = p.assign(sign=sign).sort_values(["indicator_id", "geography", "published", "target_year", "pledge_id"])
    keys = ["indicator_id", "geography"]
    p = p[p.groupby(keys)["pledge_id"].transform("size") > 1].copy()
    prev = p.groupby(keys)[["pledge_id", "target_value", "target_year", "source_id"]].shift()
    p["previous_pledge_id"] = prev["pledge_id"]
    p["previous_source_id"] = prev["source_id"]
    p["previous_target_value"] = prev["target_value"]
    p["previous_target_year"] = prev["target_year"]
    has_prev = p["previous_pledge_id"].notna()
    delta = p["sign"] * (p["target_value"] - p["previous_target_value"])
    tol = 1e-9 * p["target_value"].abs().clip(lower=1)
    more, less = delta > tol, delta < -tol
    years = (p["target_year"] - p["previous_target_year"]).astype(float)
    same_year = years == 0
    p["value_change"] = np.select([~has_prev | ~same_year, more, less], ["", "raised", "lowered"], "kept")
    p["timing_change"] = np.select([~has_prev, years > 0, years < 0], ["", "later", "earlier"], "same")
    doc_year = pd.to_datetime(p["published"], errors="coerce").dt.year
    p["previous_met"] = _previous_met(dataset, p, doc_year)
    deadline_passed = p["previous_target_year"] < doc_year
    p["verdict"] = np.select(
        [~has_prev, same_year, (years > 0) & p["previous_met"], (years > 0) & deadline_passed & ~more, years > 0,
         (years < 0) & ~more],
        ["first", p["value_change"], "met, then extended", "postponed", "new target", "milestone"],
        "brought forward",
    )  # fmt: skip
    columns = keys + [
        "pledge_id", "source_id", "published", "comparator", "target_value", "target_year",
        "previous_pledge_id", "previous_source_id", "previous_target_value", "previous_target_year",
        "previous_met", "value_change", "timing_change", "verdict",
    ]  # fmt: skip
    return p[columns].reset_index(drop=True)


def _previous_met(dataset: Dataset, p: pd.DataFrame, doc_year: pd.Series) -> np.ndarray:
    """Whether an exact or approximate figure for a year up to ``doc_year`` met the previous target."""
    obs = dataset.observations
    if "current" in obs:
        obs = obs[obs["current"].astype(bool)]
    if "comparator" in obs:
        obs = obs[obs["comparator"].isin(["=", "~"])]
    met = np.zeros(len(p), bool)
    groups = {k: g for k, g in obs.groupby(["indicator_id", "geography"])}
    for i, (row, year) in enumerate(zip(p.itertuples(), doc_year)):
        own = groups.get((row.indicator_id, row.geography))
        if own is None or pd.isna(row.previous_target_value) or pd.isna(year):
            continue
        values = own.loc[own["year"] <= year, "value"].to_numpy(float)
        target = float(row.previous_target_value)
        met[i] = bool((row.sign * (values - target) >= -1e-9 * max(1.0, abs(target))).any())
    return met


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
