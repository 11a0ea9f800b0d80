"""The sentences and tables of the reports in both editions: the Chinese words come from the catalog, the
English ones stay exactly as they were before issue 25 (each expectation below was copied from the output
of the code before its words went through the catalog)."""

from __future__ import annotations

import pandas as pd
from bs4 import BeautifulSoup

from analysis.data import i18n
from analysis.data.schema import EVIDENCE_KINDS
from analysis.method.progress import STATUS_LABELS, STATUSES, progress_table
from analysis.present import narrative, tables

from .factory import indicator, make_dataset, pledge, series

NAN = float("nan")


def _row(**kw) -> pd.Series:
    """A progress row with the columns the sentences read."""
    row = dict(pledge_id="P1", indicator_id="income", name="Per capita disposable income", name_zh="居民人均可支配收入",
               theme="income_gap", geography="Zhejiang", comparator=">=", target_value=75000.0, unit="yuan",
               target_year=2025, sign=1.0, status="met", reason="", latest_value=NAN, latest_year=NAN, basis_note=None,
               target_year_value=NAN, ratio=NAN, rate_rule="cagr", observed_rate=NAN, required_rate=NAN, base_year=2020,
               probability_met=NAN, year_reached=NAN)
    row.update(kw)
    return pd.Series(row)


MET = _row(status="met", latest_value=76000.0, latest_year=2025, target_year_value=76000.0)
MISSED = _row(status="missed", latest_value=70240.0, latest_year=2025, target_year_value=70240.0)
ON_TRACK = _row(status="on_track", comparator="=", target_value=60000.0, target_year=2026, geography="Jiaxing",
                latest_value=49643.0, latest_year=2023, ratio=1.02, observed_rate=0.067, required_rate=0.066,
                base_year=2021, probability_met=0.92, year_reached=2026)
NO_FIGURE = _row(status="insufficient_data", comparator="<=", target_value=1.9, unit="ratio",
                 name="Urban-rural income ratio", name_zh="城乡居民收入倍差")


def _zh(call, *args, **kw):
    with i18n.language("zh-Hans"):
        return call(*args, **kw)


def test_the_status_labels_are_the_english_words_marked_for_the_catalog():
    assert STATUS_LABELS == {s: s.replace("_", " ") for s in STATUSES}
    assert [_zh(tables.status_label, s) for s in STATUSES] == [
        "如期实现", "提前实现", "差距在容差内", "基本符合预期", "需加快进度", "进展有限", "逆向变化", "未实现", "数据不足"]
    assert tables.status_label("on_track") == "on track"
    assert _zh(tables.status_badge, "missed") == '<span class="zt-badge zt-missed">未实现</span>'
    assert tables.status_badge("missed") == '<span class="zt-badge zt-missed">missed</span>'


def test_the_evidence_words_are_the_datasets_own():
    assert tables.EVIDENCE_WORDS == EVIDENCE_KINDS
    assert _zh(tables.evidence_words, "news") == "官方数据的新闻报道"


def test_a_met_pledge_in_both_editions():
    assert narrative.pledge_sentence(MET) == (
        "Per capita disposable income &#40;Zhejiang&#41;: 76&#44;000 yuan in 2025, against a target of at least "
        "75&#44;000 yuan by 2025. Status: **met**.")
    assert _zh(narrative.pledge_sentence, MET) == (
        "居民人均可支配收入（浙江）：2025年为76000元，目标为2025年不低于75000元。评估结论：**如期实现**。")


def test_a_missed_pledge_says_its_shortfall_in_both_editions():
    assert narrative.pledge_sentence(MISSED) == (
        "Per capita disposable income &#40;Zhejiang&#41;: 70&#44;240 yuan in 2025, against a target of at least "
        "75&#44;000 yuan by 2025. Status: **missed**: 70&#44;240 yuan in 2025&#44; 4&#44;760 yuan &#40;6&#46;3&#37;&#41; "
        "short of the 75&#44;000 yuan pledged.")
    assert _zh(narrative.pledge_sentence, MISSED) == (
        "居民人均可支配收入（浙江）：2025年为70240元，目标为2025年不低于75000元。评估结论：**未实现**。"
        "2025年为70240元，比目标值75000元少4760元（6&#46;3&#37;）。")
    assert tables.gap_text(70240, 2025, 75000, "yuan", 1) == "70,240 yuan in 2025, 4,760 yuan (6.3%) short of the 75,000 yuan pledged"
    assert _zh(tables.gap_text, 70240, 2025, 75000, "yuan", 1) == "2025年为70240元，比目标值75000元少4760元（6.3%）"


def test_an_on_track_pledge_gives_its_pace_in_both_editions():
    assert narrative.pledge_sentence(ON_TRACK) == (
        "Per capita disposable income &#40;Jiaxing&#41;: 49&#44;643 yuan in 2023, against a target of 60&#44;000 yuan "
        "by 2026. Status: **on track** — since 2021 it moved +6.7% a year (compound), and +6.6% a year (compound) is "
        "needed to reach the target on time (R = 1.02); the fitted trend gives a 92% chance of meeting it on time and "
        "reaches it in 2026 at the current pace.")
    assert _zh(narrative.pledge_sentence, ON_TRACK) == (
        "居民人均可支配收入（嘉兴）：2023年为49643元，目标为2026年达到60000元。评估结论：**基本符合预期**。"
        "2021年以来年均复合增长+6.7%，按期实现目标需年均复合增长+6.6%（R = 1.02）；按拟合趋势，按期实现的概率为92%，"
        "按当前速度将于2026年实现。")


def test_a_pledge_without_a_figure_in_both_editions():
    assert narrative.pledge_sentence(NO_FIGURE) == (
        "Urban&#45;rural income ratio &#40;Zhejiang&#41;: target at most 1.9 by 2025; no achieved figure yet, so its "
        "status is insufficient data.")
    assert _zh(narrative.pledge_sentence, NO_FIGURE) == "城乡居民收入倍差（浙江）：目标为2025年不高于1.9；尚无实际值，评估结论为数据不足。"


def test_the_chinese_name_is_looked_up_in_the_dataset_when_the_row_has_none():
    ds = _dataset()
    row = MET.drop("name_zh")
    assert _zh(narrative.pledge_sentence, row, ds).startswith("居民人均可支配收入（浙江）：")
    assert _zh(narrative.pledge_sentence, row).startswith("Per capita disposable income（浙江）：")  # no name known
    assert narrative.pledge_sentence(row, ds).startswith("Per capita disposable income &#40;Zhejiang&#41;: ")


def test_the_status_sentence_in_both_editions():
    table = pd.DataFrame([MET, MISSED, ON_TRACK, NO_FIGURE])
    assert narrative.status_sentence(table) == (
        "Of 4 pledges, 1 met, 1 on track, 1 missed, 1 insufficient data. 3 can be assessed with the figures available; "
        "the rest lack an achieved figure or a second point in time.")
    assert _zh(narrative.status_sentence, table) == (
        "在4项目标任务中，如期实现1项、基本符合预期1项、未实现1项、数据不足1项。其中3项可依据现有数据评估，"
        "其余缺少实际值或第二个时间点的数据。")
    assert narrative.status_sentence(table.iloc[:0]) == "There are no pledges for this selection."
    assert _zh(narrative.status_sentence, table.iloc[:0]) == "所选范围内没有目标任务。"


def test_the_caveats_count_the_pledges_without_a_verdict_in_both_editions():
    table = pd.DataFrame([MET, MISSED, ON_TRACK, NO_FIGURE])
    assert narrative.caveats(table).split("\n")[0] == (
        "- 1 of 4 pledges here has no achieved figure or only one point in time; its status is insufficient data, "
        "not failure.")
    assert _zh(narrative.caveats, table).split("\n")[0] == (
        "- 此处4项目标任务中，1项尚无实际值或只有一个时间点的数据，其评估结论为数据不足，而非未实现。")


def test_figures_and_targets_in_both_editions():
    assert tables.figure_text(1.81, "ratio", "~", "preliminary", 2025) == "about 1.81 (2025, preliminary)"
    assert _zh(tables.figure_text, 1.81, "ratio", "~", "preliminary", 2025) == "约1.81（2025年，初步数）"
    assert tables.target_words(MISSED) == "at least 75,000 yuan by 2025"
    assert _zh(tables.target_words, MISSED) == "2025年不低于75000元"
    assert _zh(tables.target_words, ON_TRACK) == "2026年达到60000元"
    assert _zh(tables.theme_label, "ecology_energy") == "生态与能源"
    assert tables.theme_label("ecology_energy") == "Ecology and energy"


def _dataset():
    inds = [indicator("income", name="Per capita disposable income", name_zh="居民人均可支配收入")]
    pls = [pledge("P1", "income", 2025, ">=", 75000)]
    obs = series("income", {2020: 52397, 2022: 60302, 2024: 67013})
    return make_dataset(inds, pls, obs)


def _head_and_first_row(table) -> tuple[list[str], list[str]]:
    page = BeautifulSoup(str(table), "html.parser")
    head = [th.get_text(strip=True) for th in page.select("thead th")]
    first = [td.get_text(" ", strip=True) for td in page.select("tbody tr")[0].find_all("td", recursive=False)]
    return head, first


def test_the_verdict_table_in_both_editions():
    ds = _dataset()
    table = progress_table(ds, as_of=2025)
    head, first = _head_and_first_row(narrative.display_table(ds, table))
    assert head == ["Pledge", "Where", "Target", "Base", "Latest figure", "R", "Status"]
    assert first[:2] == ["Per capita disposable income Income gap", "Zhejiang"]
    head, first = _head_and_first_row(_zh(narrative.display_table, ds, table))
    assert head == ["目标任务", "地区", "目标值", "基数", "最新数据", "R", "评估结论"]
    assert first[:2] == ["居民人均可支配收入 收入差距", "浙江"]
    assert first[2].startswith("2025年不低于75000元 目标任务：原文、来源")
    html = str(_zh(narrative.display_table, ds, table))
    assert 'data-label="地区" class="nowrap"' in html  # the short columns do not wrap in Chinese either


def test_the_sources_table_shows_the_original_title_in_chinese():
    sources = [dict(source_id="stats", title="2024年浙江省国民经济和社会发展统计公报", title_en="Zhejiang statistical communiqué 2024",
                    issuer="浙江省统计局", kind="official", published=pd.Timestamp("2025-03-03"), document=None,
                    url="https://tjj.zj.gov.cn/a.html", original_url=None, sha256=None, note=None)]
    ds = make_dataset([indicator("income")], [pledge("P1", "income", 2025, ">=", 75000, source_id="stats")],
                      series("income", {2024: 67013}), sources=sources)
    head, first = _head_and_first_row(narrative.sources_table(ds, ["stats"]))
    assert head == ["Source", "Issuer", "Evidence", "Published", "Where to read it"]
    assert first[:4] == ["Zhejiang statistical communiqué 2024 2024年浙江省国民经济和社会发展统计公报", "浙江省统计局",
                         "the issuer's own publication", "2025-03-03"]
    head, first = _head_and_first_row(_zh(narrative.sources_table, ds, ["stats"]))
    assert head == ["来源", "发布机构", "证据类型", "发布日期", "查阅地址"]
    assert first[:4] == ["2024年浙江省国民经济和社会发展统计公报", "浙江省统计局", "发布机构的官方发布", "2025年3月3日"]
