"""Charts as a reader sees them: labels that can be read."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import analysis  # noqa: E402
from analysis.method.progress import progress_table  # noqa: E402
from analysis.present import plots  # noqa: E402


def _clashes(labels, renderer) -> list[str]:
    """Adjacent tick labels whose text runs into each other. Level labels clash when their boxes
    overlap; labels slanted by an angle a lie on parallel lines dx * sin(a) apart, which must be at
    least the line height (the axis-aligned boxes of slanted text always overlap, so they are no test)."""
    import math

    clashes = []
    for left, right in zip(labels, labels[1:]):
        angle = math.radians(left.get_rotation() % 180)
        if angle == 0:
            if left.get_window_extent(renderer).overlaps(right.get_window_extent(renderer)):
                clashes.append(f"{left.get_text()!r} / {right.get_text()!r}")
            continue
        dx = abs(right.get_window_extent(renderer).x1 - left.get_window_extent(renderer).x1)
        height = left.get_fontsize() * left.figure.dpi / 72
        if dx * math.sin(angle) < height:
            clashes.append(f"{left.get_text()!r} / {right.get_text()!r}")
    return clashes


def test_scorecard_status_labels_do_not_overlap_at_the_report_width():
    """Eight or nine status names side by side used to run into each other ("on trackacceleration")."""
    ds = analysis.load()
    plots.use_style()
    fig = plots.scorecard(ds, progress_table(ds, as_of=2026))
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    labels = [t for t in fig.axes[0].get_xticklabels() if t.get_text()]
    assert len(labels) >= 8
    assert _clashes(labels, renderer) == []
    # and every label stays inside the figure
    width = fig.bbox.width
    assert all(0 <= t.get_window_extent(renderer).x0 and t.get_window_extent(renderer).x1 <= width for t in labels)
