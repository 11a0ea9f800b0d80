"""A total over a plan period is judged on the yearly figures of the years it covers, and only those."""

from __future__ import annotations

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from analysis.data.dataset import DataValidationError, load
from analysis.method.period_sums import period_sums, weakest_kind
from analysis.method.progress import progress_table
from analysis.present.report_card import card_rows, report_card

from .conftest import read_rows, write_rows
from .factory import indicator, make_dataset, pledge, series


def _dataset(yearly: dict, own: dict | None = None, target=210000, lower_bound=0):
    inds = [indicator("units", unit="count", measure="flow", lower_bound=lower_bound),
            indicator("units_5y", unit="count", measure="flow", lower_bound=0, sum_of="units", sum_years=5)]
    obs = series("units", yearly, unit="count", source_id="stats", status="preliminary")
    if own:
        obs += series("units_5y", own, unit="count", source_id="stats")
    pls = [pledge("P-5y", "units_5y", 2025, "=", target, unit="count")]
    return make_dataset(inds, pls, obs, published={"plan": 2021, "stats": 2026})


def _wanted():
    return pd.DataFrame({"indicator_id": ["units_5y"], "geography": ["Zhejiang"], "target_year": [2025]})


def test_every_year_present_gives_the_total():
    ds = _dataset({2020: 999, 2021: 40000, 2022: 41000, 2023: 42000, 2024: 43000, 2025: 44000})
    sums = period_sums(ds.indicators, ds.observations, _wanted())
    # 40,000 + 41,000 + 42,000 + 43,000 + 44,000 = 210,000; 2020 lies outside the period
    assert sums[["value", "comparator", "status", "missing"]].values.tolist() == [[210000.0, "=", "preliminary", []]]
    row = progress_table(ds, as_of=2025).set_index("pledge_id").loc["P-5y"]
    assert (row["status"], row["target_year_value"]) == ("met", 210000.0)


def test_missing_years_give_only_a_lower_bound_that_settles_only_when_it_meets_the_target():
    ds = _dataset({2022: 363000, 2025: 156000})
    sums = period_sums(ds.indicators, ds.observations, _wanted())
    assert sums[["value", "comparator", "missing"]].values.tolist() == [[519000.0, ">=", [2021, 2023, 2024]]]
    row = progress_table(ds, as_of=2025).set_index("pledge_id").loc["P-5y"]
    assert (row["status"], row["reason"]) == ("met", "a bound for the target year settles it: met")
    assert row["basis_note"] == ("rests on a bound: the yearly figures found for 2021-2025 add up to at least 519,000 "
                                 "(some years have no figure)")
    short = progress_table(_dataset({2022: 100000, 2025: 50000}), as_of=2025).set_index("pledge_id").loc["P-5y"]
    assert short["status"] == "insufficient_data"  # 150,000 found: the three missing years may hold the rest


def test_a_quantity_that_may_be_negative_bounds_nothing():
    ds = _dataset({2022: 363000, 2025: 156000}, lower_bound=None)
    assert period_sums(ds.indicators, ds.observations, _wanted()).empty


def test_a_total_stated_by_a_source_comes_before_any_sum():
    ds = _dataset({2022: 363000, 2025: 156000}, own={2025: 200000})
    assert period_sums(ds.indicators, ds.observations, _wanted()).empty
    row = progress_table(ds, as_of=2025).set_index("pledge_id").loc["P-5y"]
    assert (row["status"], row["target_year_value"]) == ("missed", 200000.0)


def test_no_total_for_a_period_not_yet_over():
    ds = _dataset({2022: 363000, 2024: 156000})
    row = progress_table(ds, as_of=2024).set_index("pledge_id").loc["P-5y"]
    assert row["status"] == "insufficient_data" and pd.isna(row["bound_value"])


def test_the_weakest_part_names_the_kind_of_evidence():
    kinds = pd.Series({"a": "official", "b": "news", "c": "official_copy"})
    assert weakest_kind("a+b", kinds) == "news"
    assert weakest_kind("a+c", kinds) == "official_copy"
    assert weakest_kind("a", kinds) == "official"


def test_the_card_shows_each_part_with_its_quote():
    ds = _dataset({2022: 363000, 2025: 156000})
    card = report_card(ds, progress_table(ds, as_of=2025), 2025)
    assert card.loc[0, "figure"] == ("at least 519,000 (2025, preliminary): the sum of the yearly figures for 2022 "
                                     "and 2025; none found for 2021, 2023 and 2024")
    soup = BeautifulSoup(str(card_rows(ds, card)), "html.parser")
    assert [s.get_text() for s in soup.select(".zt-parts summary")] == ["2022: 363,000", "2025: 156,000"]
    assert [q.get_text() for q in soup.select(".zt-parts blockquote")] == ["“v 363000”", "“v 156000”"]


def test_sum_of_must_name_another_indicator_of_the_same_unit(data_copy):
    header, rows = read_rows(data_copy / "indicators.csv")
    row = next(r for r in rows if r["indicator_id"] == "new_urban_jobs_cumulative_5y")
    number = rows.index(row) + 2
    row["sum_of"] = "gdp"
    write_rows(data_copy / "indicators.csv", header, rows)
    with pytest.raises(DataValidationError, match=rf"indicators.csv, row {number}, field 'sum_of': indicator 'gdp' is "
                                                  "in billion yuan, not in persons"):
        load(data_copy)
    row["sum_of"], row["sum_years"] = "new_urban_jobs", ""
    write_rows(data_copy / "indicators.csv", header, rows)
    with pytest.raises(DataValidationError, match=rf"row {number}, field 'sum_years': required with sum_of"):
        load(data_copy)


def test_a_flow_is_not_settled_by_last_years_bound():
    # "reduce the burden by more than 250 billion" in 2023: a bound for 2022 says nothing of 2023's flow
    ind = indicator("relief", unit="billion yuan", measure="flow", lower_bound=0)
    obs = series("relief", {2022: 300}, unit="billion yuan", comparator=">=", source_id="stats")
    ds = make_dataset([ind], [pledge("P", "relief", 2023, ">=", 250, unit="billion yuan")], obs,
                      published={"plan": 2023, "stats": 2023})
    row = progress_table(ds, as_of=2023).set_index("pledge_id").loc["P"]
    assert row["status"] == "insufficient_data" and pd.isna(row["bound_value"])
    # a level is still judged on a bound of the year before the pledge
    level = make_dataset([indicator("stock", unit="count", lower_bound=0)], [pledge("Q", "stock", 2023, ">=", 250, unit="count")],
                         series("stock", {2022: 300}, unit="count", comparator=">=", source_id="stats"),
                         published={"plan": 2023, "stats": 2023})
    assert progress_table(level, as_of=2023).set_index("pledge_id").loc["Q", "status"] == "achieved"


def test_a_part_that_is_itself_a_lower_bound_makes_the_total_a_lower_bound():
    ds = _dataset({2021: 40000, 2022: 41000, 2023: 42000, 2024: 43000})
    obs = ds.observations
    extra = obs.iloc[[0]].assign(year=2025, value=50000.0, comparator=">=")  # "50,000 in the first 11 months"
    ds = type(ds)(ds.sources, ds.indicators, ds.pledges, pd.concat([obs, extra], ignore_index=True), None)
    sums = period_sums(ds.indicators, ds.observations, _wanted())
    assert sums[["value", "comparator", "missing"]].values.tolist() == [[216000.0, ">=", []]]
    assert progress_table(ds, as_of=2025).set_index("pledge_id").loc["P-5y", "status"] == "met"


def test_shipped_affordable_housing_and_new_jobs_are_met_on_the_years_found():
    ds = load()
    table = progress_table(ds, as_of=2025).set_index("pledge_id")
    housing = table.loc["CPPLAN21-048"]
    # 363,000 (2022, the 2023 work report) + 156,000 (2025, the 2026 work report) >= 210,000
    assert (housing["status"], housing["bound_value"], housing["evidence_source"]) == (
        "met", 519000.0, "zj_gwr_2023+zj_gwr_2026")
    jobs = table.loc["CPPLAN21-029"]
    # 2021 at least 1,138,000 (January-November) + 1,156,000 + 1,163,000 + 1,183,000 + 1,158,000 >= 5,798,000
    assert (jobs["status"], jobs["bound_value"]) == ("met", 5798000.0)
