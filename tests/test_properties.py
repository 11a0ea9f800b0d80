"""Property-based tests of the progress engine (hypothesis)."""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from analysis.method.progress import progress_table

from .factory import indicator, make_dataset, pledge, series

FLIP = {">=": "<=", "<=": ">=", "=": "=", "~": "~"}
DIRECTION_FLIP = {"higher_is_better": "lower_is_better", "lower_is_better": "higher_is_better"}
positive = st.floats(min_value=0.5, max_value=1e4, allow_nan=False, allow_infinity=False)


@st.composite
def cases(draw):
    measure = draw(st.sampled_from(["level", "share", "ratio", "growth", "flow"]))
    direction = draw(st.sampled_from(["higher_is_better", "lower_is_better"]))
    comparator = draw(st.sampled_from([">=", "<=", "=", "~"]))
    base_year = draw(st.integers(2010, 2018))
    latest_year = draw(st.integers(base_year + 1, 2022))
    target_year = draw(st.integers(2023, 2035))
    values = [draw(positive) for _ in range(3)]
    return measure, direction, comparator, base_year, latest_year, target_year, values


def statuses(batch, factor=1.0) -> list[str]:
    """The verdict of every case in ``batch``, each its own indicator and pledge in one dataset, so that
    one call of the engine checks many cases (the engine's cost is per call, not per pledge)."""
    inds, pls, obs = [], [], []
    for i, (measure, direction, comparator, base_year, latest_year, target_year, values) in enumerate(batch):
        base, latest, target = (v * factor for v in values)
        inds.append(indicator(f"x{i}", unit="count", measure=measure, direction=direction))
        pls.append(pledge(f"P-{i:03d}", f"x{i}", target_year, comparator, target, unit="count"))
        obs += series(f"x{i}", {base_year: base, latest_year: latest}, unit="count")
    # the document predates the figures, so the base is the first figure (the rates are what is tested)
    table = progress_table(make_dataset(inds, pls, obs, published={"plan": 2000}), as_of=2022)
    table = table.set_index("pledge_id").loc[[f"P-{i:03d}" for i in range(len(batch))]]
    return [str(x) for x in table["status"]], table


def status(*case, factor=1.0):
    """The progress row of one case."""
    return statuses([case], factor)[1].iloc[0]


SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
#: Each example is a batch of cases: 25 examples x 4 to 12 cases check more cases than the 150
#: single-case examples did, in a third of the time.
batches = st.lists(cases(), min_size=4, max_size=12)


@SETTINGS
@given(batches, st.floats(min_value=1e-3, max_value=1e3))
def test_status_is_invariant_to_the_unit_scale(batch, factor):
    assert statuses(batch)[0] == statuses(batch, factor=factor)[0]


def _flipped(case):
    measure, direction, comparator, by, ly, ty, values = case
    return measure, DIRECTION_FLIP[direction], FLIP[comparator], by, ly, ty, [-v for v in values]


@SETTINGS
@given(batches)
# found by hypothesis: with negative values a compound rate's sign is reversed
@example([("level", "higher_is_better", "<=", 2010, 2011, 2023, [3.0, 2.0, 1.0])])
def test_status_is_symmetric_under_flipping_direction_and_negating_values(batch):
    assert statuses(batch)[0] == statuses([_flipped(c) for c in batch])[0]


@SETTINGS
@given(batches)
def test_never_on_track_when_moving_away_from_the_target(batch):
    _, table = statuses(batch)
    for case, (_, row) in zip(batch, table.iterrows()):
        base, latest, target = case[-1]
        moved_away = row["sign"] * (latest - base) < 0
        if moved_away and str(row["status"]) != "achieved":
            assert str(row["status"]) not in ("on_track", "acceleration_needed", "limited")
