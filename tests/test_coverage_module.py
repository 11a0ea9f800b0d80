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
