"""coverage, year_ranges and HEADLINE live in analysis.coverage; the old names keep working."""

from __future__ import annotations


def test_old_and_new_names_are_the_same_objects():
    import analysis
    import analysis.coverage as module
    from analysis import data

    assert data.coverage is module.coverage and data.HEADLINE is module.HEADLINE
    assert data.year_ranges is module.year_ranges
    assert analysis.HEADLINE is module.HEADLINE
    table = analysis.coverage(analysis.load(), indicators=["gdp"], start=2015, end=2016)
    assert list(table.columns[:3]) == ["indicator_id", "name", "geography"]
    assert table["expected"].tolist() == [2]
