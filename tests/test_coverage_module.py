"""coverage, year_ranges and HEADLINE live in analysis.method.coverage; ``analysis.method.coverage`` (the
public API) is that module, and calling it runs the function."""

from __future__ import annotations


def test_the_public_names_are_the_method_floors_objects():
    import analysis
    import analysis.method.coverage as module

    assert analysis.method.coverage is module and analysis.HEADLINE is module.HEADLINE
    assert callable(analysis.method.coverage) and module.year_ranges is analysis.method.coverage.year_ranges
    table = analysis.method.coverage(analysis.load(), indicators=["gdp"], start=2015, end=2016)
    assert list(table.columns[:3]) == ["indicator_id", "name", "geography"]
    assert table["expected"].tolist() == [2]


def test_year_ranges_in_chinese_and_unchanged_in_english():
    from analysis.data import i18n
    from analysis.method.coverage import year_ranges

    years = [2019, 2015, 2016, 2017, 2022, 2021]
    with i18n.language("en"):
        assert year_ranges(years) == "2015-2017, 2019, 2021-2022"
        assert year_ranges([2020]) == "2020"
    with i18n.language("zh-Hans"):
        assert year_ranges(years) == "2015—2017年、2019年、2021—2022年"
        assert year_ranges([2020]) == "2020年"
        assert year_ranges([]) == ""
