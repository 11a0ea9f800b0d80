"""Benchmark: progress table and trends on a synthetic dataset 100x the shipped one or more.

30 regions x 300 indicators x 20 years of observations (180,000 rows) and one pledge per region and
indicator (9,000 pledges). Goal: progress table + trends under 2 seconds on a 2-core machine.

    python benchmarks/bench_progress.py [--regions 30] [--indicators 300] [--years 20] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
import pandas as pd

from analysis.data.dataset import Dataset
from analysis.method.progress import progress_table
from analysis.method.trends import project


def synthetic(regions: int, indicators: int, years: int, seed: int = 0) -> Dataset:
    rng = np.random.default_rng(seed)
    measures = np.array(["level", "share", "ratio", "growth", "flow"])
    ind = pd.DataFrame({
        "indicator_id": [f"ind_{i:04d}" for i in range(indicators)],
        "name": [f"Indicator {i}" for i in range(indicators)],
        "name_zh": "",
        "theme": rng.choice(["income_gap", "industry_innovation", "ecology_energy", "public_services"], indicators),
        "unit": "count",
        "measure": measures[np.arange(indicators) % len(measures)],
        "direction": rng.choice(["higher_is_better", "lower_is_better"], indicators),
        "lower_bound": 0.0,
        "upper_bound": np.nan,
        "description": "synthetic",
    })
    geos = [f"Region {r:02d}" for r in range(regions)]
    grid = pd.MultiIndex.from_product([ind["indicator_id"], geos, range(2006, 2006 + years)],
                                      names=["indicator_id", "geography", "year"]).to_frame(index=False)
    start = rng.uniform(50, 150, indicators * regions).repeat(years)
    growth = rng.normal(0.03, 0.02, indicators * regions).repeat(years)
    t = np.tile(np.arange(years), indicators * regions)
    grid["value"] = start * (1 + growth) ** t * rng.normal(1, 0.01, len(grid))
    grid["year"] = grid["year"].astype("Int64")
    obs = grid.assign(unit="count", source_id="stats", status="reported", quoted_value="1", scale=1.0,
                      quote="q", note="", current=True)
    pairs = grid.drop_duplicates(["indicator_id", "geography"])[["indicator_id", "geography"]].reset_index(drop=True)
    pledges = pairs.assign(
        pledge_id=[f"P{i:06d}" for i in range(len(pairs))],
        source_id="plan",
        target_year=pd.array(np.full(len(pairs), 2030), dtype="Int64"),
        comparator=rng.choice([">=", "<=", "=", "~"], len(pairs)),
        target_value=rng.uniform(80, 300, len(pairs)),
        unit="count",
        baseline_year=pd.array([pd.NA] * len(pairs), dtype="Int64"),
        baseline_value=np.nan,
        quoted_value="1", scale=1.0, quote="q", note="",
    )
    sources = pd.DataFrame({"source_id": ["plan", "stats"], "title": ["p", "s"], "title_en": ["p", "s"],
                            "issuer": "x", "published": pd.to_datetime(["2020-01-01", "2021-01-01"]),
                            "document": None, "url": None, "sha256": None, "note": None})
    return Dataset(sources, ind, pledges, obs, data_dir=None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regions", type=int, default=30)
    parser.add_argument("--indicators", type=int, default=300)
    parser.add_argument("--years", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    dataset = synthetic(args.regions, args.indicators, args.years)
    print(f"synthetic dataset: {len(dataset.observations):,} observations, {len(dataset.pledges):,} pledges, "
          f"{os.cpu_count()} cores")
    timings = {"progress_table": [], "trends (project)": [], "total": []}
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        table = progress_table(dataset, as_of=2025)
        t1 = time.perf_counter()
        projected = project(dataset, as_of=2025, table=table)
        t2 = time.perf_counter()
        timings["progress_table"].append(t1 - t0)
        timings["trends (project)"].append(t2 - t1)
        timings["total"].append(t2 - t0)
    for name, values in timings.items():
        print(f"{name:18s} best {min(values):.3f} s  median {np.median(values):.3f} s")
    fitted = (projected["trend_status"] == "fitted").sum()
    print(f"{fitted:,} pledges with a fitted trend; statuses: "
          + ", ".join(f"{k} {v}" for k, v in table["status"].value_counts().items() if v))
    goal = 2.0
    verdict = "meets" if min(timings["total"]) < goal else "misses"
    print(f"goal: progress table + trends under {goal:.0f} s -> {verdict} ({min(timings['total']):.3f} s)")


if __name__ == "__main__":
    main()
