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


# --- the charts in Chinese (issue 25) ----------------------------------------------------------------

import io  # noqa: E402
import warnings  # noqa: E402

import pytest  # noqa: E402

from analysis.data import i18n  # noqa: E402


@pytest.fixture(scope="module")
def ds():
    return analysis.load()


def _drawn(fig):
    """The texts a reader sees on a chart: title, axis labels, legend, annotations, source line, alt text."""
    ax = fig.axes[0]
    legend = ax.get_legend()
    return {"title": ax.get_title(loc="left"), "x": ax.get_xlabel(), "y": ax.get_ylabel(),
            "legend": [t.get_text() for t in legend.get_texts()] if legend else [],
            "notes": [t.get_text() for t in ax.texts], "alt": plots.alt_text(fig)}


def _income_pledge(ds):
    table = progress_table(ds, as_of=2026)
    return table[table["pledge_id"] == "JXGWR22-010"].iloc[0]  # Jiaxing's urban income, 95,000 yuan by 2026


def test_trajectory_in_chinese_and_the_english_unchanged(ds):
    plots.use_style()
    pledge = _income_pledge(ds)
    with i18n.language("zh-Hans"):
        zh = _drawn(plots.trajectory(ds, pledge, 2026))
    assert zh["title"] == "城镇常住居民人均可支配收入（嘉兴）"  # the indicator's name_zh and the place in Chinese
    assert (zh["x"], zh["y"]) == ("年份", "元")
    assert zh["legend"] == ["实际值", "拟合趋势（对数）", "90%预测区间", "达标所需路径", "目标值：95000元"]
    assert zh["notes"] == ["截至2026年"]
    assert zh["alt"] == ("城镇常住居民人均可支配收入（嘉兴）折线图：共4个实际值，从2015年的45499元到2021年的69800元，"
                         "目标为2026年95000元。按拟合趋势，2026年为10.0543万元。评估结论：数据不足。")
    en = _drawn(plots.trajectory(ds, pledge, 2026))  # the English, as it was before the Chinese edition
    assert en["title"] == "Per capita disposable income of urban residents (Jiaxing)"
    assert (en["x"], en["y"]) == ("year", "yuan")
    assert en["legend"] == ["achieved", "fitted trend (log)", "90% prediction interval", "required path",
                            "target: 95,000 yuan"]
    assert en["notes"] == ["as of 2026"]
    assert en["alt"] == ("Line chart of Per capita disposable income of urban residents (Jiaxing): 4 achieved figures, "
                         "from 45,499 yuan in 2015 to 69,800 yuan in 2021, against a target of 95,000 yuan by 2026. "
                         "The fitted trend gives 100,543 yuan in 2026. Status: insufficient data.")
    matplotlib.pyplot.close("all")


def test_dumbbell_and_empty_chart_in_chinese(ds):
    plots.use_style()
    table = progress_table(ds, as_of=2026)
    rows = table[table["theme"] == "income_gap"]
    with i18n.language("zh-Hans"):
        fig = plots.dumbbell(ds, rows, max_rows=3)
        reason = plots.empty_reason(plots.trajectory(ds, table[table["pledge_id"] == "CPPLAN21-004"].iloc[0], 2026))
    zh = _drawn(fig)
    assert zh["title"] == "距目标多远：基期值和最新值占目标值的百分比"
    assert zh["x"] == "占目标值的百分比（超过200%的值画在边缘，并标注数值）"
    # wrapped by character width, the year kept with its 年
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()][-1] == "全体居民人均可支配收入（浙江，\n2025年）"
    assert zh["alt"] == ("3项目标的点图：基期值和最新值占目标值的百分比。其中0项的最新值达到或超过目标值的100%；"
                         "最低的是城镇常住居民人均可支配收入（嘉兴），为73%。")
    assert reason == "家庭年可支配收入10万—50万元群体比例（浙江）无图表：数据集中截至2026年尚无实际值；目标为2025年80%。"
    en = _drawn(plots.dumbbell(ds, rows, max_rows=3))
    assert en["title"] == "How far from target: base and latest value as % of target"
    assert en["x"] == "% of target (values beyond 200% drawn at the edge, value written)"
    assert en["alt"] == ("Dot chart of 3 pledges: base and latest value as a percentage of the target. The latest "
                         "value is at or above 100% of the target for 0 of them; the lowest is Per capita disposable "
                         "income of urban residents (Jiaxing) at 73%.")
    matplotlib.pyplot.close("all")


def test_sources_under_a_chinese_chart_are_their_original_titles(ds):
    ids = list(ds.sources["source_id"][5:7])
    with i18n.language("zh-Hans"):
        assert plots.source_names(ds, ids) == ["2026年浙江省政府工作报告", "2025年浙江省国民经济和社会发展统计公报（2026年）"]
    assert plots.source_names(ds, ids) == [
        "Report on the Work of the Government 2026 (Zhejiang)",
        "Statistical Communique of Zhejiang Province on the 2025 National Economic and Social Development (2026)"]


def test_chinese_wraps_by_character_width_and_english_as_before():
    import textwrap

    assert plots.text_width("收入ab") == 6
    assert plots.wrap_lines("城镇常住居民人均可支配收入（嘉兴，2026年）", 20) == ["城镇常住居民人均可支", "配收入（嘉兴，",
                                                                          "2026年）"]
    # Latin inside Chinese stays whole; closing punctuation never starts a line
    assert plots.wrap_lines("研究与试验发展（R&D）经费支出与地区生产总值之比（浙江，2025年）", 34) == [
        "研究与试验发展（R&D）经费支出与地", "区生产总值之比（浙江，2025年）"]
    assert all(plots.text_width(line) <= 12 for line in plots.wrap_lines("城乡居民收入倍差，缩小到1.9以内。" * 3, 12))
    english = "Per capita disposable income of urban residents (Jiaxing, 2026)"
    assert plots.wrap(english, 34) == "\n".join(textwrap.wrap(english, 34, break_long_words=False))
    assert plots.fill(english * 3, 40) == textwrap.fill(english * 3, 40)


def test_chinese_charts_render_every_glyph(ds):
    """The CJK font is a fallback matplotlib really uses: no "Glyph ... missing from font" anywhere."""
    if plots.cjk_font() is None:
        pytest.skip("no CJK font installed (apt-get install fonts-noto-cjk)")
    plots.use_style()
    table = progress_table(ds, as_of=2026)
    with i18n.language("zh-Hans"), warnings.catch_warnings():
        warnings.filterwarnings("error", message=r"Glyph .* missing from font")
        figures = [plots.trajectory(ds, _income_pledge(ds), 2026), plots.dumbbell(ds, table, max_rows=12),
                   plots.scorecard(ds, table, by="geography"),
                   plots.compare_series(ds, "rd_expenditure_share_gdp", ["Zhejiang", "Jiaxing"], 2026)]
        for fig in figures:
            fig.canvas.draw()  # raises on a missing glyph
            fig.savefig(io.BytesIO(), format="svg")
    assert "嘉兴" in figures[3].axes[0].get_title(loc="left")
    matplotlib.pyplot.close("all")


def test_a_standalone_chart_draws_chinese_with_the_cjk_font():
    """chart_export's PNG draws Chinese characters themselves: 浙江 and 江浙 differ (a font without them
    would draw the same two empty boxes for both)."""
    from PIL import Image, ImageChops

    from analysis.present import chart_export

    if not chart_export._cjk_files():
        pytest.skip("no CJK font installed (apt-get install fonts-noto-cjk)")
    svg = ('<svg class="indicator-chart chart-wide" viewBox="0 0 200 60" role="img" aria-label="图表">'
           '<rect width="10" height="10"/></svg>')

    def drawn(title):
        png = chart_export.png(chart_export.standalone_svg(svg, title, "来源：统计公报"))
        return Image.open(io.BytesIO(png)).convert("RGB")

    assert ImageChops.difference(drawn("浙江"), drawn("江浙")).getbbox() is not None
