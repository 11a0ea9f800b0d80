"""Progress engine: every formula and status edge against hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.data import i18n
from analysis.method import rules as R
from analysis.method.progress import Rules, Thresholds, progress_table, status_counts

from .factory import indicator, make_dataset, pledge, series

#: The formula tests date the pledge's document before its figures, so the base is the earliest figure.
EARLY = {"plan": 2000}


def one(ind, pl, obs, as_of=2022, published=None, **kw) -> pd.Series:
    table = progress_table(make_dataset([ind], [pl], obs, published=published or EARLY), as_of=as_of, **kw)
    assert len(table) == 1
    return table.iloc[0]


def test_level_uses_compound_growth():
    # base 100 (2017) -> 121 (2020): CAGR 1.21**(1/3) - 1 = 0.065602
    # required 100 -> 200 by 2025: 2**(1/8) - 1 = 0.090508; R = 0.724824
    row = one(indicator("inc"), pledge("P-001", "inc", 2025, ">=", 200), series("inc", {2017: 100, 2020: 121}))
    assert row["rate_rule"] == "cagr"
    assert row["observed_rate"] == pytest.approx(0.0656022, rel=1e-5)
    assert row["required_rate"] == pytest.approx(0.0905077, rel=1e-5)
    assert row["ratio"] == pytest.approx(0.724823, rel=1e-5)
    assert row["status"] == "acceleration_needed"
    assert (row["base_year"], row["base_value"], row["latest_year"], row["latest_value"]) == (2017, 100, 2020, 121)
    assert row["base_from"] == "observation"
    assert row["gap"] == 79
    assert row["gap_relative"] == pytest.approx(0.79)
    assert row["distance_covered"] == pytest.approx(0.21)
    assert row["n_obs"] == 2


def test_share_uses_absolute_change_and_on_track():
    # 60 (2017) -> 70 (2021): +2.5 a year; required (75 - 60) / 8 = 1.875; R = 1.3333
    ind = indicator("sh", unit="%", measure="share", lower_bound=0, upper_bound=100)
    row = one(ind, pledge("P-001", "sh", 2025, "=", 75, unit="%"), series("sh", {2017: 60, 2021: 70}, unit="%"))
    assert row["rate_rule"] == "absolute"
    assert row["observed_rate"] == pytest.approx(2.5)
    assert row["required_rate"] == pytest.approx(1.875)
    assert row["ratio"] == pytest.approx(4 / 3)
    assert row["status"] == "on_track"


def test_lower_is_better_ratio():
    # 2.04 (2017) -> 1.94 (2022): -0.02 a year; required (1.9 - 2.04) / 8 = -0.0175; R = 1.142857
    ind = indicator("r", unit="ratio", measure="ratio", direction="lower_is_better", lower_bound=1)
    row = one(ind, pledge("P-001", "r", 2025, "<=", 1.9, unit="ratio"), series("r", {2017: 2.04, 2022: 1.94}, unit="ratio"))
    assert row["sign"] == -1
    assert row["observed_rate"] == pytest.approx(-0.02)
    assert row["required_rate"] == pytest.approx(-0.0175)
    assert row["ratio"] == pytest.approx(1.142857, rel=1e-6)
    assert row["status"] == "on_track"


def test_target_already_met_at_baseline():
    ind = indicator("r", unit="ratio", measure="ratio", direction="lower_is_better", lower_bound=1)
    pl = pledge("P-001", "r", 2025, "<=", 1.9, unit="ratio")
    row = one(ind, pl, series("r", {2017: 1.85, 2021: 1.88}, unit="ratio"))
    assert row["status"] == "achieved"
    # met at baseline, then lost: the move is away from the target
    row = one(ind, pl, series("r", {2017: 1.85, 2021: 1.95}, unit="ratio"))
    assert row["status"] == "deterioration"


def test_movement_in_the_wrong_direction():
    # 100 -> 90 over 2018-2020: CAGR = 0.9**0.5 - 1 = -0.051317; required 1.2**(1/7) - 1 = 0.026388
    row = one(indicator("inc"), pledge("P-001", "inc", 2025, ">=", 120), series("inc", {2018: 100, 2020: 90}))
    assert row["ratio"] == pytest.approx(-0.051317 / 0.026388, rel=1e-4)
    assert row["status"] == "deterioration"


def test_zero_base_falls_back_to_absolute_change():
    # 0 (2018) -> 10 (2020): 5 a year; required 50 / 7 = 7.142857; R = 0.7
    row = one(indicator("n", unit="count"), pledge("P-001", "n", 2025, ">=", 50, unit="count"),
              series("n", {2018: 0, 2020: 10}, unit="count"))
    assert row["rate_rule"] == "absolute"
    assert row["ratio"] == pytest.approx(0.7)
    assert row["status"] == "acceleration_needed"


def test_zero_target_falls_back_to_absolute_change():
    # 100 (2017) -> 40 (2021): -15 a year; required (0 - 100) / 8 = -12.5; R = 1.2
    # (an indicator with no natural bound at 0, e.g. a net balance)
    ind = indicator("w", unit="count", direction="lower_is_better")
    row = one(ind, pledge("P-001", "w", 2025, "<=", 0, unit="count"), series("w", {2017: 100, 2021: 40}, unit="count"))
    assert row["rate_rule"] == "absolute"
    assert row["ratio"] == pytest.approx(1.2)
    assert row["status"] == "on_track"


def test_target_at_natural_bound_is_never_achieved_short_of_it():
    ind = indicator("cov", unit="%", measure="share", lower_bound=0, upper_bound=100)
    pl = pledge("P-001", "cov", 2025, "=", 100, unit="%")
    # 99.9 is short of 100: within the tolerance 0.02 * (100 - 90) = 0.2 points, under its own label
    row = one(ind, pl, series("cov", {2018: 90, 2021: 99.9}, unit="%"))
    assert row["effective_target"] == 100
    assert row["tolerance"] == pytest.approx(0.2)
    assert row["status"] == "within_tolerance"
    assert row["reason"] == "latest figure is short of the target, within 0.2 of it"
    # 99.7 is outside the tolerance: judged on pace; 90 -> 99.7 over 3 years: 3.2333 a year;
    # required (100 - 90) / 7 = 1.428571; R = 2.263333
    row = one(ind, pl, series("cov", {2018: 90, 2021: 99.7}, unit="%"))
    assert row["ratio"] == pytest.approx(2.263333, rel=1e-6)
    assert row["status"] == "on_track"
    # 90 -> 95 over 3 years: 1.6667 a year; required 10 / 7 = 1.428571; R = 1.166667
    row = one(ind, pl, series("cov", {2018: 90, 2021: 95}, unit="%"))
    assert row["ratio"] == pytest.approx(1.166667, rel=1e-6)
    assert row["status"] == "on_track"
    # already at the bound and kept there
    row = one(ind, pl, series("cov", {2018: 100, 2021: 100}, unit="%"))
    assert row["status"] == "achieved"


def test_single_observation_is_insufficient_data():
    row = one(indicator("inc"), pledge("P-001", "inc", 2025, ">=", 200), series("inc", {2020: 121}))
    assert row["status"] == "insufficient_data"
    assert math.isnan(row["ratio"])
    assert row["latest_value"] == 121


def test_no_observation_is_insufficient_data():
    row = one(indicator("inc"), pledge("P-001", "inc", 2025, ">=", 200), [])
    assert row["status"] == "insufficient_data"
    assert row["reason"] == "no achieved figure up to as_of"


def test_pledge_baseline_is_preferred_to_earliest_observation():
    pl = pledge("P-001", "inc", 2025, ">=", 200, baseline_year=2020, baseline_value=110)
    row = one(indicator("inc"), pl, series("inc", {2017: 100, 2022: 121}))
    assert (row["base_year"], row["base_value"], row["base_from"]) == (2020, 110, "pledge")
    # 110 -> 121 over 2 years: 1.1**0.5 - 1 = 0.0488088; required (200/110)**(1/5) - 1 = 0.1270080
    assert row["ratio"] == pytest.approx(0.0488088 / 0.1270080, rel=1e-5)


def test_target_year_passed_gives_met_or_missed():
    pl = pledge("P-001", "inc", 2022, ">=", 100)
    assert one(indicator("inc"), pl, series("inc", {2018: 80, 2022: 98}), as_of=2023)["status"] == "missed"
    assert one(indicator("inc"), pl, series("inc", {2018: 80, 2022: 101}), as_of=2023)["status"] == "met"
    # before the target year is reached, the same figures are judged on pace
    assert one(indicator("inc"), pl, series("inc", {2018: 80, 2021: 101}), as_of=2021)["status"] == "achieved"


def test_target_year_passed_without_a_figure_says_so():
    row = one(indicator("inc"), pledge("P-001", "inc", 2022, ">=", 100), series("inc", {2018: 80, 2021: 90}),
              as_of=2023)
    assert row["status"] not in ("met", "missed")
    assert row["reason"].endswith("no figure for the target year yet")


def test_a_later_figure_is_not_the_target_year_figure():
    # a 2022 target with figures for 2021 and 2023 only: 2023 says nothing of 2022, so the verdict
    # rests on the pace up to 2021: 80 (2018) -> 90 (2021): CAGR 0.040041; required (100/80)**(1/4) - 1
    # = 0.057371; R = 0.697944
    pl = pledge("P-001", "inc", 2022, ">=", 100)
    row = one(indicator("inc"), pl, series("inc", {2018: 80, 2021: 90, 2023: 104}), as_of=2023)
    assert (row["latest_year"], row["latest_value"]) == (2021, 90)
    assert row["ratio"] == pytest.approx(0.697944, rel=1e-5)
    assert (row["status"], row["reason"]) == ("acceleration_needed", "0.6 <= R < 0.95; no figure for the target year yet")
    row = one(indicator("inc"), pl, series("inc", {2018: 80, 2021: 79, 2023: 104}), as_of=2023)
    assert (row["status"], row["reason"]) == ("deterioration", "latest figure moved away from the target; "
                                                               "no figure for the target year yet")


def test_growth_rate_pledge_is_judged_against_the_observed_rate():
    ind = indicator("gdp_growth_rate", unit="%", measure="growth", theme="macro_economy")
    pl = pledge("P-001", "gdp_growth_rate", 2023, ">=", 5, unit="%")
    obs = series("gdp_growth_rate", {2021: 2.0, 2022: 3.1, 2023: 6.0}, unit="%")
    assert one(ind, pl, obs, as_of=2023)["status"] == "met"
    # as of 2022: 3.1 against 5: R = 1 + (3.1 - 5) / 5 = 0.62
    row = one(ind, pl, obs, as_of=2022)
    assert row["rate_rule"] == "direct"
    assert row["ratio"] == pytest.approx(0.62)
    assert row["status"] == "acceleration_needed"
    # falling further below the target is a deterioration whatever R says
    falling = series("gdp_growth_rate", {2021: 8.5, 2022: 3.1}, unit="%")
    assert one(ind, pl, falling, as_of=2022)["status"] == "deterioration"


def test_about_comparator_has_a_tolerance_under_its_own_label():
    ind = indicator("gdp_growth_rate", unit="%", measure="growth")
    pl = pledge("P-001", "gdp_growth_rate", 2023, "~", 5, unit="%")
    # 2 % of 5 = 0.1: 4.95 is about 5 but short of it: within_tolerance, never achieved
    row = one(ind, pl, series("gdp_growth_rate", {2021: 4, 2022: 4.95}, unit="%"))
    assert (row["status"], row["tolerance"]) == ("within_tolerance", pytest.approx(0.1))
    assert one(ind, pl, series("gdp_growth_rate", {2021: 4, 2022: 5.0}, unit="%"))["status"] == "achieved"
    # 4.85 is outside the tolerance: judged directly, R = 1 + (4.85 - 5) / 5 = 0.97
    row = one(ind, pl, series("gdp_growth_rate", {2021: 4, 2022: 4.85}, unit="%"))
    assert (row["status"], row["ratio"]) == ("on_track", pytest.approx(0.97))
    # at the deadline: about 1,000 with 985 is not met
    count = indicator("n", unit="count", measure="level")
    row = one(count, pledge("P-002", "n", 2022, "~", 1000, unit="count"),
              series("n", {2020: 900, 2022: 985}, unit="count"), as_of=2022)
    assert (row["status"], row["reason"]) == ("within_tolerance",
                                              "figure for the target year is short of the target, within 20 of it")


def test_thresholds_are_parameters():
    args = (indicator("inc"), pledge("P-001", "inc", 2025, ">=", 200), series("inc", {2017: 100, 2020: 121}))
    assert one(*args, thresholds=Thresholds(on_track=0.7))["status"] == "on_track"
    assert one(*args, thresholds=Thresholds(acceleration_needed=0.8))["status"] == "limited"


def test_rate_rule_is_a_parameter():
    # absolute instead of CAGR: 7 a year against 100 / 8 = 12.5; R = 0.56
    rules = Rules(by_measure={"level": "absolute"})
    row = one(indicator("inc"), pledge("P-001", "inc", 2025, ">=", 200), series("inc", {2017: 100, 2020: 121}),
              rules=rules)
    assert row["rate_rule"] == "absolute"
    assert row["ratio"] == pytest.approx(0.56)
    assert row["status"] == "limited"


def test_as_of_ignores_later_figures():
    obs = series("inc", {2017: 100, 2020: 121, 2024: 300})
    row = one(indicator("inc"), pledge("P-001", "inc", 2025, ">=", 200), obs, as_of=2020)
    assert row["latest_year"] == 2020


def test_forecasts_and_superseded_figures_are_not_achievements():
    obs = series("inc", {2017: 100, 2020: 121}) + series("inc", {2021: 500}, status="expected")
    row = one(indicator("inc"), pledge("P-001", "inc", 2025, ">=", 200), obs)
    assert row["latest_year"] == 2020


def test_whole_table_and_status_counts():
    inds = [indicator("inc"), indicator("sh", unit="%", measure="share", theme="public_services", upper_bound=100)]
    pls = [pledge("P-001", "inc", 2025, ">=", 200), pledge("P-002", "sh", 2025, "=", 75, unit="%"),
           pledge("P-003", "inc", 2025, ">=", 100)]
    obs = series("inc", {2017: 100, 2020: 121}) + series("sh", {2017: 60, 2021: 70}, unit="%")
    table = progress_table(make_dataset(inds, pls, obs, published=EARLY), as_of=2022)
    assert list(table["status"].astype(str)) == ["acceleration_needed", "on_track", "achieved"]
    assert table.attrs["method"] == "refined" and set(table["method"]) == {"refined"}
    counts = status_counts(table)
    assert counts.loc["income_gap", "achieved"] == 1
    assert counts.loc["total", "total"] == 3


# --- base rule (issue 12, item 1) ---------------------------------------------------------------


def _base(values, published=2021, **kw):
    pl = pledge("P-001", "inc", 2025, ">=", 200, **kw)
    return one(indicator("inc"), pl, series("inc", values), as_of=2024, published={"plan": published})


def test_base_is_the_year_before_the_pledge_then_its_year_then_the_first_after():
    row = _base({2015: 50, 2019: 80, 2020: 90, 2021: 95, 2023: 110})
    assert (row["base_year"], row["base_value"], row["base_rule"]) == (2020, 90, "figure for the year before the pledge")
    row = _base({2015: 50, 2019: 80, 2021: 95, 2023: 110})
    assert (row["base_year"], row["base_rule"]) == (2021, "figure for the year of the pledge")
    row = _base({2015: 50, 2019: 80, 2022: 100, 2023: 110})
    assert (row["base_year"], row["base_rule"]) == (2022, "first figure after the pledge")
    # 100 (2022) -> 110 (2023): 10 % a year; required 2**(1/3) - 1 = 0.259921; R = 0.384732
    assert row["ratio"] == pytest.approx(0.1 / 0.259921, rel=1e-5)


def test_a_figure_older_than_the_year_before_the_pledge_is_never_the_base():
    row = _base({2015: 50, 2019: 80})
    assert pd.isna(row["base_year"]) and row["status"] == "insufficient_data"
    assert row["reason"] == "recency rule: no figure since the year before the pledge (last figure: 2019)"
    # the old rule stays available as a parameter
    row = one(indicator("inc"), pledge("P-001", "inc", 2025, ">=", 200), series("inc", {2015: 50, 2019: 80}),
              as_of=2024, published={"plan": 2021}, rules=Rules(base="earliest"))
    assert (row["base_year"], row["base_rule"]) == (2015, "earliest figure")


def test_a_stated_baseline_wins_over_the_rule():
    row = _base({2015: 50, 2020: 90, 2023: 110}, baseline_year=2015, baseline_value=50)
    assert (row["base_year"], row["base_value"], row["base_rule"]) == (2015, 50, "stated baseline")
    row = _base({2015: 50, 2020: 90, 2023: 110}, baseline_year=2015)
    assert (row["base_year"], row["base_value"], row["base_rule"]) == (2015, 50, "figure for the stated baseline year (or the first after it)")


def test_recency_rule_names_itself():
    # base 2020, latest 2020 + 2021; as of 2025 the latest figure is four years old
    row = one(indicator("inc"), pledge("P-001", "inc", 2027, ">=", 200), series("inc", {2020: 100, 2021: 110}),
              as_of=2025, published={"plan": 2021})
    assert row["status"] == "insufficient_data"
    assert row["reason"] == "recency rule: the latest figure is more than 3 years older than the assessment year"


# --- ratio sign and the bound inconsistency (item 3) --------------------------------------------


def test_ratio_is_negative_when_moving_away_from_a_target_met_at_baseline():
    # 1.85 (2017) -> 1.95 (2021): +0.025 a year; required (1.9 - 1.85) / 8 = 0.00625; R = -4
    ind = indicator("r", unit="ratio", measure="ratio", direction="lower_is_better", lower_bound=1)
    row = one(ind, pledge("P-001", "r", 2025, "<=", 1.9, unit="ratio"), series("r", {2017: 1.85, 2021: 1.95}, unit="ratio"))
    assert row["ratio"] == pytest.approx(-4.0)
    assert row["status"] == "deterioration"


def test_declaring_a_natural_bound_does_not_change_the_verdict():
    # 100 (2017) -> 40 (2021), target 0 by 2025: -15 a year against -12.5: R = 1.2 with or without bound 0
    pl = pledge("P-001", "w", 2025, "<=", 0, unit="count")
    obs = series("w", {2017: 100, 2021: 40}, unit="count")
    free = one(indicator("w", unit="count", direction="lower_is_better"), pl, obs)
    bounded = one(indicator("w", unit="count", direction="lower_is_better", lower_bound=0), pl, obs)
    assert free["ratio"] == pytest.approx(1.2) and bounded["ratio"] == pytest.approx(1.2)
    assert free["status"] == bounded["status"] == "on_track"


# --- bounds, approximate and preliminary figures (issue 11 item 2, issue 12 item 2) -------------


def test_a_bound_decides_only_where_it_settles_the_pledge():
    pl = pledge("P-001", "inc", 2025, ">=", 80000)
    obs = series("inc", {2020: 52000, 2023: 64000}) + series("inc", {2025: 80000}, comparator=">=")
    row = one(indicator("inc"), pl, obs, as_of=2025, published={"plan": 2021})
    assert (row["status"], row["reason"]) == ("met", "a bound for the target year settles it: met")
    assert (row["bound_value"], row["bound_comparator"], row["bound_year"]) == (80000, ">=", 2025)
    assert row["basis_note"] == "rests on a bound: more than 80,000 (2025)"
    # "more than 70,000" against 75,000 settles nothing: the verdict stays on the exact figures
    # 52,000 (2020) -> 64,000 (2023): CAGR 0.071665; required (75/52)**(1/5) - 1 = 0.076000; R = 0.942976
    pl = pledge("P-002", "inc", 2025, ">=", 75000)
    obs = series("inc", {2020: 52000, 2023: 64000}) + series("inc", {2025: 70000}, comparator=">=")
    row = one(indicator("inc"), pl, obs, as_of=2025, published={"plan": 2021})
    assert (row["latest_year"], row["latest_value"]) == (2023, 64000)
    assert row["ratio"] == pytest.approx(0.942976, rel=1e-5)
    assert row["status"] == "acceleration_needed"
    assert row["basis_note"] == "also published: more than 70,000 (2025)"


def test_a_verdict_on_an_approximate_preliminary_figure_says_so():
    ind = indicator("r", unit="ratio", measure="ratio", direction="lower_is_better", lower_bound=1)
    obs = series("r", {2020: 1.96, 2024: 1.86}, unit="ratio") + series(
        "r", {2025: 1.81}, unit="ratio", status="preliminary", comparator="~")
    row = one(ind, pledge("P-001", "r", 2025, "<=", 1.9, unit="ratio"), obs, as_of=2025, published={"plan": 2021})
    assert row["status"] == "met"
    assert bool(row["latest_approximate"]) and bool(row["latest_preliminary"])
    assert row["basis_note"] == ("rests on an approximate figure (about 1.81, 2025); "
                                 "rests on a preliminary figure (1.81, 2025)")


# --- direction-only pledges (item 5) --------------------------------------------------------------


def test_direction_only_pledge_uses_the_no_target_thresholds():
    # "keep narrowing": 2.0 (2020) -> 1.9 (2022): CAGR (0.95)**0.5 - 1 = -0.025321; in the pledged
    # direction +0.025321 >= 0.015 (bound 1: |base| >= 2 |limit|, no scaling)
    ind = indicator("r", unit="ratio", measure="ratio", direction="lower_is_better", lower_bound=1)
    pl = pledge("P-001", "r", 2025, "decrease", None, unit="ratio")
    row = one(ind, pl, series("r", {2020: 2.0, 2022: 1.9}, unit="ratio"), as_of=2022, published={"plan": 2021})
    assert row["observed_rate"] == pytest.approx(0.025321, rel=1e-4)
    assert row["rate_rule"] == "cagr (no target)"
    assert row["status"] == "on_track"
    # moving the wrong way
    row = one(ind, pl, series("r", {2020: 2.0, 2022: 2.1}, unit="ratio"), as_of=2022, published={"plan": 2021})
    assert row["status"] == "deterioration"


def test_direction_only_thresholds_are_scaled_near_a_limit():
    # 97 -> 98 in a year: +1.0309 %; alone "acceleration needed" (0.5 % - 1.5 %), but near the limit
    # 100 the thresholds shrink by 1 - 0.97**4.44 = 0.126491 (1.5 % -> 0.18974 %): on track
    share = dict(unit="%", measure="share")
    pl = pledge("P-001", "s", 2025, "increase", None, unit="%")
    obs = series("s", {2020: 97, 2021: 98}, unit="%")
    free = one(indicator("s", **share), pl, obs, as_of=2022, published={"plan": 2021})
    near = one(indicator("s", upper_bound=100, **share), pl, obs, as_of=2022, published={"plan": 2021})
    assert free["status"] == "acceleration_needed"
    assert near["required_rate"] == pytest.approx(0.015 * 0.126491, rel=1e-4)
    assert near["status"] == "on_track"


def test_direction_only_pledge_at_its_deadline():
    ind = indicator("r", unit="ratio", measure="ratio", direction="lower_is_better", lower_bound=1)
    pl = pledge("P-001", "r", 2022, "decrease", None, unit="ratio")
    held = one(ind, pl, series("r", {2021: 2.0, 2022: 1.98}, unit="ratio"), as_of=2023, published={"plan": 2022})
    lost = one(ind, pl, series("r", {2021: 2.0, 2022: 2.01}, unit="ratio"), as_of=2023, published={"plan": 2022})
    assert (held["status"], lost["status"]) == ("met", "missed")


def test_a_pledge_with_only_a_bound_that_settles_nothing_says_so_not_that_its_figures_are_old():
    # like CPPLAN21-028: about 100 million passengers by 2025; only "more than 80 million" for 2024
    ind = indicator("air", unit="persons")
    obs = series("air", {2024: 80_000_000}, unit="persons", comparator=">=")
    row = one(ind, pledge("P-001", "air", 2025, "~", 100_000_000, unit="persons"), obs, as_of=2025,
              published={"plan": 2021})
    assert row["status"] == "insufficient_data"
    assert row["reason"] == ("only a bound (last: 2024), which does not settle the target and gives no pace; "
                             "no figure for the target year yet")
    # a level figure from before the pledge beside a later bound: the level is what is too old
    obs = series("air", {2018: 50_000_000}, unit="persons") + obs
    row = one(ind, pledge("P-001", "air", 2025, "~", 100_000_000, unit="persons"), obs, as_of=2025,
              published={"plan": 2021})
    assert row["reason"].startswith("recency rule: no figure since the year before the pledge (last figure: 2018)")


# --- verdicts on the wrong figure (item 7), as small cases and on the shipped data --------------


def test_growth_pledge_is_not_achieved_on_a_figure_from_before_the_pledge():
    # like JXGWR22-044: a 2022 growth pledge made in 2022, the last figure 2019's
    ind = indicator("g", unit="%", measure="growth")
    row = one(ind, pledge("P-001", "g", 2022, ">=", 6.5, unit="%"), series("g", {2017: 7.0, 2019: 8.0}, unit="%"),
              as_of=2025, published={"plan": 2022})
    assert row["status"] == "insufficient_data"
    assert row["reason"].startswith("no figure for a year the pledge covers (last figure: 2019)")


def test_annual_count_pledge_is_not_achieved_on_the_next_years_figure():
    # like ZJGWR23-113: 100 new enterprises in 2023; a figure for 2024 only
    ind = indicator("n", unit="count", measure="flow")
    row = one(ind, pledge("P-001", "n", 2023, "=", 100, unit="count"), series("n", {2022: 90, 2024: 120}, unit="count"),
              as_of=2025, published={"plan": 2023})
    assert row["status"] == "insufficient_data"
    assert row["reason"].startswith("only figures after the target year (last: 2024), which say nothing of it")


SHIPPED_CASES = ["JXGWR22-044", "ZJGWR23-113", "ZJGWR23-009"]


@pytest.fixture(scope="module")
def shipped():
    import analysis

    ds = analysis.load()
    return ds, progress_table(ds).set_index("pledge_id")


def test_shipped_wrong_figure_cases(shipped):
    ds, table = shipped
    for pledge_id in SHIPPED_CASES:
        row = table.loc[pledge_id]
        # never achieved on a figure outside the years the pledge can be judged on
        if row["status"] in ("achieved", "on_track", "acceleration_needed", "limited", "deterioration"):
            assert row["latest_year"] <= row["target_year"]
            assert row["latest_year"] >= row["doc_year"] - 1
            assert row["as_of"] - min(row["as_of"], row["target_year"]) <= 3
    assert table.loc["ZJGWR23-009", "status"] != "on_track" or table.loc["ZJGWR23-009", "latest_year"] >= 2022


def test_shipped_bases_never_precede_the_document_by_more_than_a_year(shipped):
    _, table = shipped
    derived = table[(table["base_rule"] != "") & ~table["base_rule"].str.startswith("stated")
                    & ~table["base_rule"].str.contains("stated")]
    assert len(derived) > 20
    assert (derived["base_year"] >= derived["doc_year"] - 1).all()


def test_shipped_met_and_achieved_never_beside_a_figure_short_of_the_target(shipped):
    _, table = shipped
    decided = table[table["status"].isin(["met", "achieved"]) & table["target_value"].notna()]  # a number to meet
    assert len(decided) > 5
    for _, row in decided.iterrows():
        figure = row["target_year_value"] if row["status"] == "met" else row["latest_value"]
        if pd.isna(figure) or row["reason"].startswith("a bound"):
            figure = row["bound_value"]
        assert row["sign"] * (figure - row["target_value"]) >= -1e-9 * max(1, abs(row["target_value"])), row.name


def test_shipped_urban_rural_ratio_2025_says_what_it_rests_on(shipped):
    _, table = shipped
    rows = table[(table["indicator_id"] == "urban_rural_income_ratio") & (table["geography"] == "Zhejiang")
                 & (table["target_year"] == 2025) & (table["status"] == "met")]
    for _, row in rows.iterrows():
        flagged = bool(row["latest_approximate"]) or bool(row["latest_preliminary"])
        assert flagged == (row["basis_note"] != "")


def test_method_is_checked():
    with pytest.raises(ValueError, match="method 'nope'"):
        progress_table(make_dataset([indicator("inc")], [pledge("P-001", "inc", 2025, ">=", 1)], []), method="nope")


def test_a_dataset_without_pledges_gives_an_empty_table_with_every_column():
    """An indicator page for a figure nobody pledged assesses no pledge: an empty table, not an error
    (the ratio's vectors had no numeric type to work with)."""
    from analysis.data.dataset import Dataset
    from analysis.method.progress import COLUMNS
    from analysis.method.trends import project

    full = make_dataset([indicator("inc")], [pledge("P-1", "inc", 2025, ">=", 5.0)],
                        series("inc", {2019: 1.0, 2020: 2.0, 2021: 3.0}))
    ds = Dataset(full.sources, full.indicators, full.pledges.iloc[0:0], full.observations, full.data_dir)
    table = progress_table(ds, as_of=2021)
    assert table.empty and list(table.columns) == COLUMNS and table.attrs["method"] == "refined"
    assert str(table["status"].dtype) == "category" and str(table["latest_year"].dtype) == "Int64"
    projected = project(ds, as_of=2021)
    assert projected.empty and set(COLUMNS) <= set(projected.columns)


# --- the reasons and notes in the reader's language (issue 25); the English stays as it was ----------------


def _both(make) -> tuple[pd.Series, pd.Series]:
    """The same row computed in English and in Chinese."""
    with i18n.language("en"):
        en = make()
    with i18n.language("zh-Hans"):
        zh = make()
    assert en["status"] == zh["status"]  # a verdict never depends on the language
    return en, zh


def test_reasons_and_base_rules_in_chinese_and_unchanged_in_english():
    en, zh = _both(lambda: one(indicator("inc"), pledge("P-001", "inc", 2027, ">=", 200),
                               series("inc", {2020: 100, 2021: 110}), as_of=2025, published={"plan": 2021}))
    assert en["reason"] == "recency rule: the latest figure is more than 3 years older than the assessment year"
    assert zh["reason"] == "时效规则：最新数据比评估年份早3年以上"
    assert (en["base_rule"], zh["base_rule"]) == ("figure for the year before the pledge", "目标提出前一年的数据")
    assert (en["base_from"], zh["base_from"]) == ("observation", "observation")  # a code, compared by code
    en, zh = _both(lambda: one(indicator("inc"), pledge("P-001", "inc", 2025, ">=", 200),
                               series("inc", {2017: 100, 2020: 121})))
    assert (en["reason"], zh["reason"]) == ("0.6 <= R < 0.95", "0.6≤R<0.95")
    assert (en["base_rule"], zh["base_rule"]) == ("first figure after the pledge", "目标提出后的第一个数据")
    en, zh = _both(lambda: one(indicator("n", unit="count"), pledge("P-002", "n", 2022, "~", 1000, unit="count"),
                               series("n", {2020: 900, 2022: 985}, unit="count"), as_of=2022))
    assert en["reason"] == "figure for the target year is short of the target, within 20 of it"
    assert zh["reason"] == "目标年份的数据未达到目标值，但差距在20以内"
    air = indicator("air", unit="persons")
    en, zh = _both(lambda: one(air, pledge("P-001", "air", 2025, "~", 100_000_000, unit="persons"),
                               series("air", {2024: 80_000_000}, unit="persons", comparator=">="), as_of=2025,
                               published={"plan": 2021}))
    assert en["reason"] == ("only a bound (last: 2024), which does not settle the target and gives no pace; "
                            "no figure for the target year yet")
    assert zh["reason"] == "只有界限值（最近为2024年），不能判定是否达到目标，也无法计算进度；目标年份尚无数据"


def test_basis_notes_in_chinese_and_unchanged_in_english():
    en, zh = _both(lambda: one(indicator("inc"), pledge("P-001", "inc", 2025, ">=", 80000),
                               series("inc", {2020: 52000, 2023: 64000}) + series("inc", {2025: 80000}, comparator=">="),
                               as_of=2025, published={"plan": 2021}))
    assert (en["reason"], zh["reason"]) == ("a bound for the target year settles it: met", "目标年份的界限值已可判定：已实现")
    assert (en["basis_note"], zh["basis_note"]) == ("rests on a bound: more than 80,000 (2025)", "依据界限值：超过80000（2025年）")
    ind = indicator("r", unit="ratio", measure="ratio", direction="lower_is_better", lower_bound=1)
    obs = series("r", {2020: 1.96, 2024: 1.86}, unit="ratio") + series(
        "r", {2025: 1.81}, unit="ratio", status="preliminary", comparator="~")
    en, zh = _both(lambda: one(ind, pledge("P-001", "r", 2025, "<=", 1.9, unit="ratio"), obs, as_of=2025,
                               published={"plan": 2021}))
    assert en["basis_note"] == ("rests on an approximate figure (about 1.81, 2025); "
                                "rests on a preliminary figure (1.81, 2025)")
    assert zh["basis_note"] == "依据约数（约1.81，2025年）；依据初步数（1.81，2025年）"
    # a bound that is the sum of the yearly figures found for a plan period
    args = ([""], [""], np.array([np.nan]), np.array([np.nan]), [">="], np.array([1_138_000.0]), np.array([2025.0]),
            [False], str, np.array([2021.0]))
    with i18n.language("en"):
        assert R.basis_note(*args) == ["also known: the yearly figures found for 2021-2025 add up to at least 1138000.0 "
                                       "(some years have no figure)"]
    with i18n.language("zh-Hans"):
        assert R.basis_note(*args) == ["另已知：已查到的2021—2025年各年数据合计不低于1138000.0（部分年份无数据）"]


def test_shipped_reasons_are_all_translated():
    import analysis

    dataset = analysis.load()
    with i18n.language("zh-Hans"):
        table = progress_table(dataset, as_of=2025)
    words = table["reason"].str.cat(sep=" ") + table["basis_note"].str.cat(sep=" ") + table["base_rule"].str.cat(sep=" ")
    # every English word has a translation: what is left is digits, R and the bounds' numbers
    assert not any(c.isascii() and c.isalpha() and c != "R" for c in words)
