"""Hindcast of the trend models: coverage of the prediction intervals and Brier score, by hand."""

from __future__ import annotations

import pytest

from analysis.method import hindcast as H
from analysis.method.trends import DEFAULT_KIND

from .factory import indicator, make_dataset, pledge, series


def small():
    # share 10, 12, 13, 17, 18 (2015-2019) and a pledge of at least 15 in 2018 (met: 17)
    ind = indicator("sh", unit="%", measure="share")
    obs = series("sh", {2015: 10, 2016: 12, 2017: 13, 2018: 17, 2019: 18}, unit="%")
    return make_dataset([ind], [pledge("P-001", "sh", 2018, ">=", 15, unit="%")], obs)


def test_random_walk_hindcast_hand_computed():
    # origin 2017 (10, 12, 13): drift 1.5, sigma**2 = (0.5**2 + 0.5**2) / 1 = 0.5, df 1
    #   2018: 14.5 +- 6.3138 * sqrt(0.5 * (1 + 1/2)) = [9.03, 19.97] holds 17
    #   2019: 16 +- 6.3138 * sqrt(0.5 * (2 + 4/2)) = [7.07, 24.93] holds 18
    # origin 2018 (10, 12, 13, 17): drift 7/3, sigma**2 = 4.6667 / 2, df 2
    #   2019: 19.333 +- 2.92 * sqrt(2.3333 * (1 + 1/3)) = [14.18, 24.48] holds 18
    result = H.hindcast(small(), "rw_drift", alpha=0.1)
    f = result.forecasts
    assert list(zip(f["origin"], f["year"])) == [(2017, 2018), (2017, 2019), (2018, 2019)]
    assert f["mean"].tolist() == pytest.approx([14.5, 16.0, 19.333333])
    assert f["upper"].iloc[0] == pytest.approx(14.5 + 6.313752 * (0.5 * 1.5) ** 0.5, rel=1e-6)
    assert (result.coverage, result.n_series, result.n_forecasts) == (1.0, 1, 3)
    # P(2018 >= 15 | origin 2017): t = 0.5 / 0.866025 = 0.57735 with 1 df: 1 - (1/2 + atan(0.57735)/pi) = 1/3
    p = result.probabilities
    assert p["probability"].tolist() == pytest.approx([1 / 3])
    assert result.brier == pytest.approx((1 / 3 - 1) ** 2)


def test_ols_hindcast_differs_and_summary_keys():
    result = H.hindcast(small(), "ols", alpha=0.1)
    # origin 2017: OLS through (2015, 10), (2016, 12), (2017, 13): slope 1.5, mean 11.6667; 2018: 16.1667
    assert result.forecasts["mean"].iloc[0] == pytest.approx(11.666667 + 1.5 * 2)
    assert set(result.summary()) == {"kind", "alpha", "coverage", "brier", "n_series", "n_forecasts", "n_probabilities"}


def test_shipped_projections_keep_their_promise():
    import analysis

    result = H.hindcast(analysis.load(), DEFAULT_KIND, alpha=0.1)
    assert result.n_forecasts > 100
    assert 0.80 <= result.coverage <= 0.95
    assert 0 <= result.brier <= 0.25


def test_vectorised_random_walk_equals_the_one_series_fit():
    # fit_all (every series at once, used by project) and fit_one (used by the hindcast) agree, on
    # several series at once (a single series once hid a dtype error)
    import numpy as np

    import analysis
    from analysis.method.trends import fit_all

    ds = analysis.load()
    fits = fit_all(ds, kind="rw_drift").set_index(["indicator_id", "geography"])
    checked = 0
    for key, years, values, log in H._series(ds):
        if key in fits.index:
            one = H.fit_one(years, values, log, "rw_drift")
            assert np.isclose(one["slope"], fits.loc[key, "slope"]) and np.isclose(one["resid_sd"], fits.loc[key, "resid_sd"])
            checked += 1
    assert checked > 20


def test_sentence_and_chart_in_chinese_and_unchanged_in_english():
    import matplotlib.pyplot as plt

    from analysis.data import i18n

    results = [H.hindcast(small(), kind) for kind in ("rw_drift", "ols")]
    with i18n.language("en"):
        assert H.sentence(results[0], results[1:]) == (
            "Fitted on the figures up to each year and checked against every later figure, the random walk with drift "
            "projections this report uses (1 series, 3 forecasts) put 100% of the later figures inside their 90% "
            "prediction interval; the Brier score of the probability of meeting a target is 0.444 over 1 forecasts of "
            "pledges whose target year has a figure (0 is perfect, 0.25 is a coin toss). The straight-line (OLS) model "
            "would cover 100% (Brier 0.402).")
        ax = H.chart(results).axes[0]
        assert (ax.get_title(), ax.get_xlabel()) == ("How often the prediction intervals held (hindcast)",
                                                     "years ahead of the last figure used")
        assert [t.get_text() for t in ax.get_legend().get_texts()] == [
            "random walk with drift: 100% overall (3 forecasts)", "straight-line (OLS): 100% overall (3 forecasts)",
            "promised 90%"]
        plt.close(ax.figure)
    with i18n.language("zh-Hans"):
        assert H.sentence(results[0], results[1:]) == (
            "以截至每一年的数据拟合、再用此后的每个数据检验，本报告采用的带漂移的随机游走模型预测（1个序列，3次预测）中，"
            "有100%的后续数据落入其90%预测区间；对目标年份已有数据的目标，1次实现概率预测的布里尔评分为0.444"
            "（0为完全准确，0.25相当于抛硬币）。直线趋势（最小二乘）模型的覆盖率为100%（布里尔评分0.402）。")
        assert H.kind_label("ols") == "直线趋势（最小二乘）模型"
