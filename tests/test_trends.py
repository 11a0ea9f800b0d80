"""Trends, projections, pledge lineage and cross-source consistency."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.method.lineage import inconsistencies, pledge_lineage
from analysis.method.trends import choose_model, fit_all, fit_series, predict_series, project, series_band

from .factory import indicator, make_dataset, pledge, series


def test_model_rule():
    assert choose_model("level", [1, 2, 3]) == "log"
    assert choose_model("level", [0, 2, 3]) == "linear"
    assert choose_model("share", [60, 70, 80]) == "linear"
    assert choose_model("growth", [7, 6, 5]) == "linear"


def test_exact_linear_series_hand_computed():
    # share rising exactly 2 a year from 60 (2017): slope 2; 2025 projection 76; certain to meet 75
    ind = indicator("sh", unit="%", measure="share", upper_bound=100)
    obs = series("sh", {2017: 60, 2018: 62, 2019: 64, 2020: 66}, unit="%")
    ds = make_dataset([ind], [pledge("P-001", "sh", 2025, ">=", 75, unit="%")], obs)
    fit = fit_all(ds, as_of=2022).iloc[0]
    assert fit["model"] == "linear"
    assert fit["slope"] == pytest.approx(2.0)
    row = project(ds, as_of=2022).iloc[0]
    assert row["projected"] == pytest.approx(76.0)
    assert row["probability_met"] == 1.0
    # 60 + 2 (year - 2017) >= 75 first in 2025 (2024.5 rounded up)
    assert row["year_reached"] == 2025


@pytest.mark.parametrize("model", ["log", "linear"])
def test_the_charts_band_is_statsmodels_prediction_interval(model):
    """series_band (the charts' line and band, closed form) equals statsmodels' OLS prediction."""
    years, values = [2015, 2016, 2018, 2019, 2021], [3.1, 3.9, 4.2, 5.6, 5.9]
    grid = np.arange(2015, 2031)
    expected = predict_series(fit_series(years, values, model), grid, model, alpha=0.1)
    band = series_band(years, values, grid, model, alpha=0.1)
    assert list(band["year"]) == list(grid)
    for col in ("mean", "lower", "upper"):
        np.testing.assert_allclose(band[col].to_numpy(), expected[col].to_numpy(), rtol=1e-11)


def test_noisy_series_matches_statsmodels_and_t_probability():
    values = {2016: 100.0, 2017: 108.0, 2018: 113.0, 2019: 125.0, 2020: 131.0, 2021: 142.0}
    ds = make_dataset([indicator("inc")], [pledge("P-001", "inc", 2025, ">=", 180)], series("inc", values))
    fit = fit_all(ds, as_of=2021).iloc[0]
    reference = fit_series(list(values), list(values.values()), "log")
    assert fit["model"] == "log"
    assert fit["slope"] == pytest.approx(reference.params[1], rel=1e-10)
    assert fit["resid_sd"] == pytest.approx(np.sqrt(reference.scale), rel=1e-10)
    # intercept is stored at the mean year
    assert fit["intercept"] == pytest.approx(reference.params[0] + reference.params[1] * 2018.5, rel=1e-12)

    row = project(ds, as_of=2021, alpha=0.1, kind="ols").iloc[0]
    pred = predict_series(reference, [2025], "log", alpha=0.1).iloc[0]
    assert row["projected"] == pytest.approx(pred["mean"], rel=1e-10)
    assert row["projected_lower"] == pytest.approx(pred["lower"], rel=1e-10)
    assert row["projected_upper"] == pytest.approx(pred["upper"], rel=1e-10)
    frame = reference.get_prediction(np.array([[1.0, 2025.0]])).summary_frame()
    se = np.sqrt(frame["mean_se"].iloc[0] ** 2 + reference.scale)
    expected = 1 - stats.t.cdf((np.log(180) - frame["mean"].iloc[0]) / se, df=4)
    assert row["probability_met"] == pytest.approx(expected, rel=1e-9)
    assert 0 < row["probability_met"] < 1


def test_lower_is_better_probability_and_year_reached():
    # ratio falling 0.02 a year exactly: 2.04 (2017) ... 1.96 (2021); reaches 1.9 at 2024 (x = 2024.0)
    ind = indicator("r", unit="ratio", measure="ratio", direction="lower_is_better", lower_bound=1)
    obs = series("r", {2017: 2.04, 2018: 2.02, 2019: 2.00, 2020: 1.98, 2021: 1.96}, unit="ratio")
    ds = make_dataset([ind], [pledge("P-001", "r", 2025, "<=", 1.9, unit="ratio")], obs)
    row = project(ds, as_of=2021).iloc[0]
    assert row["projected"] == pytest.approx(1.88)
    assert row["probability_met"] == 1.0
    assert row["year_reached"] == 2024


def test_trend_moving_away_never_reaches_target():
    obs = series("inc", {2017: 100, 2018: 95, 2019: 91, 2020: 86})
    ds = make_dataset([indicator("inc")], [pledge("P-001", "inc", 2025, ">=", 120)], obs)
    row = project(ds, as_of=2020).iloc[0]
    assert pd.isna(row["year_reached"])
    assert row["probability_met"] < 0.01


def test_fewer_than_three_points_is_not_extrapolated():
    ds = make_dataset([indicator("inc")], [pledge("P-001", "inc", 2025, ">=", 200)], series("inc", {2017: 100, 2020: 121}))
    row = project(ds, as_of=2022).iloc[0]
    assert row["trend_status"] == "insufficient_data"
    assert pd.isna(row["projected"]) and pd.isna(row["probability_met"]) and pd.isna(row["year_reached"])


def test_lineage_labels_mean_what_a_reader_thinks():
    ind = indicator("r", unit="ratio", measure="ratio", direction="lower_is_better", lower_bound=1)
    pls = [
        pledge("A-001", "r", 2025, "<=", 1.9, unit="ratio", source_id="plan"),
        pledge("B-001", "r", 2027, "<=", 1.9, unit="ratio", source_id="stats"),
        pledge("C-001", "r", 2027, "<=", 1.8, unit="ratio", source_id="later"),
    ]
    table = pledge_lineage(make_dataset([ind], pls, []))
    # a 2027 target after a 2025 one is a new target, not "postponed"
    assert list(table["verdict"]) == ["first", "new target", "raised"]
    assert table.loc[1, "previous_pledge_id"] == "A-001"
    assert list(table["timing_change"]) == ["", "later", "same"]
    # the 2025 target already met (1.88 in 2020) when the 2027 one was made: met, then extended
    obs = series("r", {2020: 1.88}, unit="ratio")
    assert pledge_lineage(make_dataset([ind], pls, obs))["verdict"].iloc[1] == "met, then extended"
    # an annual goal for an earlier year, less ambitious than the five-year goal: a milestone, not "lowered"
    annual = [pledge("A-001", "r", 2025, "<=", 1.9, unit="ratio", source_id="plan"),
              pledge("B-001", "r", 2023, "<=", 1.95, unit="ratio", source_id="later")]
    assert list(pledge_lineage(make_dataset([ind], annual, []))["verdict"]) == ["first", "milestone"]
    # a deadline that passed unmet before the next document, moved later: postponed
    late = [pledge("A-001", "r", 2020, "<=", 1.9, unit="ratio", source_id="plan"),
            pledge("B-001", "r", 2024, "<=", 1.9, unit="ratio", source_id="later")]
    assert list(pledge_lineage(make_dataset([ind], late, series("r", {2020: 1.99}, unit="ratio")))["verdict"]) == [
        "first", "postponed"]
    # a higher ratio is a lowered ambition for a lower-is-better indicator
    pls[2] = pledge("C-001", "r", 2027, "<=", 2.0, unit="ratio", source_id="later")
    assert pledge_lineage(make_dataset([ind], pls, []))["value_change"].iloc[2] == "lowered"


def test_lineage_verdicts_in_the_readers_words_and_language():
    from analysis.data import i18n
    from analysis.method.lineage import verdict_label

    codes = ["first", "kept", "raised", "lowered", "met, then extended", "postponed", "new target", "milestone",
             "brought forward"]
    with i18n.language("en"):
        assert [verdict_label(c) for c in codes] == ["first pledge", *codes[1:]]
    with i18n.language("zh-Hans"):
        assert [verdict_label(c) for c in codes] == ["首次提出", "保持不变", "提高要求", "降低要求", "已实现，续设目标", "推迟",
                                                     "新目标", "阶段性目标", "提前"]
        # the codes themselves, which code compares, stay as they are
        ind = indicator("r", unit="ratio", measure="ratio", direction="lower_is_better", lower_bound=1)
        pls = [pledge("A-001", "r", 2025, "<=", 1.9, unit="ratio", source_id="plan"),
               pledge("B-001", "r", 2025, "<=", 1.8, unit="ratio", source_id="later")]
        assert list(pledge_lineage(make_dataset([ind], pls, []))["verdict"]) == ["first", "raised"]


def test_inconsistencies_list_both_sources():
    obs = series("inc", {2017: 100, 2018: 110}, source_id="stats") + series("inc", {2017: 101}, source_id="later")
    obs[-1]["current"] = True
    obs[0]["current"] = False
    table = inconsistencies(make_dataset([indicator("inc")], [pledge("P-001", "inc", 2025, ">=", 1)], obs))
    assert list(table["source_id"]) == ["stats", "later"]
    assert list(table["value"]) == [100, 101]
    assert (table["spread"] == 1).all()
    assert (table["year"] == 2017).all()


def test_projection_stays_within_natural_bounds():
    # a share rising 5 points a year from 80 (2018) would pass 100 by 2025; it is capped at the bound
    ind = indicator("sh", unit="%", measure="share", lower_bound=0, upper_bound=100)
    obs = series("sh", {2018: 80, 2019: 85, 2020: 90, 2021: 95}, unit="%")
    ds = make_dataset([ind], [pledge("P-001", "sh", 2025, ">=", 99, unit="%")], obs)
    row = project(ds, as_of=2021).iloc[0]
    assert row["projected"] == 100
    assert row["projected_upper"] == 100
    assert row["projected_lower"] <= 100


def test_random_walk_with_drift_hand_computed():
    # share 60, 63, 64, 69 (2017-2020): drift (69 - 60) / 3 = 3; increments 3, 1, 5 -> residuals 0, -2, 2;
    # sigma**2 = 8 / (3 - 1) = 4; at 2025 (h = 5): mean 69 + 15 = 84, se = 2 sqrt(5 + 25 / 3) = 7.302967
    ind = indicator("sh", unit="%", measure="share")
    obs = series("sh", {2017: 60, 2018: 63, 2019: 64, 2020: 69}, unit="%")
    ds = make_dataset([ind], [pledge("P-001", "sh", 2025, ">=", 80, unit="%")], obs)
    fit = fit_all(ds, as_of=2022, kind="rw_drift").iloc[0]
    assert (fit["slope"], fit["resid_sd"], fit["df"]) == (pytest.approx(3.0), pytest.approx(2.0), 2)
    row = project(ds, as_of=2022, alpha=0.1).iloc[0]
    se = 2 * np.sqrt(5 + 25 / 3)
    assert row["trend_kind"] == "rw_drift"
    assert row["projected"] == pytest.approx(84.0)
    assert row["projected_upper"] == pytest.approx(84 + stats.t.ppf(0.95, 2) * se)
    assert row["probability_met"] == pytest.approx(1 - stats.t.cdf((80 - 84) / se, 2))


def test_year_reached_is_never_a_year_whose_figure_is_short_of_the_target():
    # like ZJGWR23-157: the fitted line passes 92 by 2022, but the 2022 figure (89.3) is below it
    ind = indicator("air", unit="%", measure="share", upper_bound=100)
    obs = series("air", {2019: 88.0, 2020: 93.0, 2021: 94.0, 2022: 89.3}, unit="%")
    ds = make_dataset([ind], [pledge("P-001", "air", 2025, ">=", 92, unit="%")], obs, published={"plan": 2018})
    for kind in ("ols", "rw_drift"):
        row = project(ds, as_of=2022, kind=kind).iloc[0]
        assert row["latest_value"] == 89.3
        assert pd.isna(row["year_reached"]) or row["year_reached"] >= 2023


def test_unknown_trend_kind_is_refused():
    ds = make_dataset([indicator("inc")], [pledge("P-001", "inc", 2025, ">=", 1)], series("inc", {2017: 1, 2018: 2, 2019: 3}))
    with pytest.raises(ValueError, match="kind 'nope'"):
        fit_all(ds, kind="nope")


def test_shipped_year_reached_never_beside_a_figure_short_of_the_target():
    # ZJGWR23-157 read "reached in 2022" while the 2022 figure was below the target
    import analysis

    table = project(analysis.load())
    same = table[table["year_reached"].notna() & (table["year_reached"] == table["latest_year"])]
    for _, row in same.iterrows():
        assert row["sign"] * (row["latest_value"] - row["target_value"]) >= -1e-9 * max(1, abs(row["target_value"]))
    row = table.set_index("pledge_id").loc["ZJGWR23-157"]
    if row["latest_value"] < row["target_value"]:
        assert pd.isna(row["year_reached"]) or row["year_reached"] > row["latest_year"]
