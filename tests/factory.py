"""Build small in-memory datasets for engine tests (no files)."""

from __future__ import annotations

import pandas as pd

from analysis.data.dataset import Dataset

INDICATOR_DEFAULTS = {
    "name_zh": "",
    "theme": "income_gap",
    "lower_bound": float("nan"),
    "upper_bound": float("nan"),
    "description": "test indicator",
}


def indicator(indicator_id, unit="yuan", measure="level", direction="higher_is_better", **kw):
    row = dict(INDICATOR_DEFAULTS, indicator_id=indicator_id, name=indicator_id, unit=unit, measure=measure,
               direction=direction)
    row.update(kw)
    return row


def pledge(pledge_id, indicator_id, target_year, comparator, target_value, geography="Zhejiang",
           baseline_year=None, baseline_value=None, source_id="plan", unit="yuan"):
    number = target_value is not None
    return dict(pledge_id=pledge_id, indicator_id=indicator_id, geography=geography, source_id=source_id,
                target_year=target_year, comparator=comparator, target_value=float(target_value) if number else None,
                unit=unit,
                baseline_year=baseline_year, baseline_value=baseline_value,
                quoted_value=str(target_value) if number else None, scale=1.0, quote=f"target {target_value}", note="")


def series(indicator_id, values: dict, geography="Zhejiang", source_id="stats", status="reported", unit="yuan",
           comparator="="):
    return [dict(indicator_id=indicator_id, geography=geography, year=y, value=float(v), comparator=comparator,
                 unit=unit,
                 source_id=source_id, status=status, quoted_value=str(v), scale=1.0, quote=f"v {v}", note="",
                 current=True) for y, v in values.items()]


def make_dataset(indicators, pledges, observations, sources=None, published=None) -> Dataset:
    """A Dataset from rows; sources ``plan``, ``stats`` and ``later`` are published on 1 January
    2020, 2021 and 2022 unless ``published`` maps a source id to another year."""
    years = {"plan": 2020, "stats": 2021, "later": 2022, **(published or {})}
    sources = sources or [
        dict(source_id=s, title=s, title_en=s, issuer="test", kind="official", published=pd.Timestamp(f"{y}-01-01"),
             document=None, url=None, original_url=None, sha256=None, note=None)
        for s, y in years.items()
    ]
    pl = pd.DataFrame(pledges)
    for col in ("baseline_year", "target_year"):
        pl[col] = pl[col].astype("Int64")
    pl["baseline_value"] = pl["baseline_value"].astype(float)
    pl["target_value"] = pl["target_value"].astype(float)
    ob = pd.DataFrame(observations) if observations else pd.DataFrame(
        columns=["indicator_id", "geography", "year", "value", "comparator", "unit", "source_id", "status", "quoted_value",
                 "scale", "quote", "note", "current"])
    ob["year"] = ob["year"].astype("Int64")
    ob["value"] = ob["value"].astype(float)
    ob["current"] = ob["current"].astype(bool)
    ind = pd.DataFrame(indicators)
    ind[["lower_bound", "upper_bound"]] = ind[["lower_bound", "upper_bound"]].astype(float)
    return Dataset(pd.DataFrame(sources), ind, pl, ob, data_dir=None)
