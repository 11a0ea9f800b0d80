"""Evidence a reader can weigh: the kind of every source, the original before the copy, series breaks
that no pace crosses, and a missed pledge said plainly with its shortfall."""

from __future__ import annotations

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from analysis.data.dataset import DataValidationError, load
from analysis.method import trends
from analysis.method.progress import progress_table
from analysis.present import tables
from analysis.present.report_card import (
    evidence_counts,
    evidence_rows,
    evidence_sentence,
    missed_rows,
    report_card,
)

from .conftest import read_rows, tree_hashes, write_rows
from .factory import indicator, make_dataset, pledge, series


def _sources(**kinds):
    """Sources ``plan`` (2021) and one per keyword (published 2026) with the given kind."""
    rows = [dict(source_id="plan", title="实施方案", title_en="Plan", issuer="Province", kind="official",
                 published=pd.Timestamp("2021-07-19"), document=None, url="https://gov.example/plan", original_url=None,
                 sha256=None, note=None)]
    for sid, kind in kinds.items():
        rows.append(dict(source_id=sid, title=sid, title_en=f"Title {sid}", issuer=f"Issuer {sid}", kind=kind,
                         published=pd.Timestamp("2026-03-03"), document=None, url=f"https://copy.example/{sid}",
                         original_url="https://stats.example/orig" if kind == "official_copy" else None,
                         sha256=None, note=None))
    return rows


# --- sources: kind, original and copy -------------------------------------------------------------


def test_a_source_without_a_kind_is_refused(data_copy):
    header, rows = read_rows(data_copy / "sources.csv")
    rows[2]["kind"] = ""
    write_rows(data_copy / "sources.csv", header, rows)
    before = tree_hashes(data_copy)
    with pytest.raises(DataValidationError, match=r"data/sources.csv, row 4, field 'kind': required value is missing"):
        load(data_copy)
    assert tree_hashes(data_copy) == before


def test_a_source_of_an_unknown_kind_is_refused(data_copy):
    header, rows = read_rows(data_copy / "sources.csv")
    rows[0]["kind"] = "blog"
    write_rows(data_copy / "sources.csv", header, rows)
    with pytest.raises(DataValidationError, match=r"row 2, field 'kind': 'blog' breaks the rule"):
        load(data_copy)


def test_the_original_comes_first_and_the_copy_is_read_at():
    copy = pd.Series(dict(title_en="Communique", issuer="Bureau", kind="official_copy", published=pd.Timestamp("2026-03-03"),
                          url="https://mirror.example/a", original_url="https://stats.example/orig", document=None))
    text = BeautifulSoup(str(tables.source_citation(copy)), "html.parser").get_text()
    assert text == ("Bureau: Communique; published 2026-03-03; An official document, read through a copy. "
                    "Original: https://stats.example/orig; read at https://mirror.example/a")
    links = [a["href"] for a in BeautifulSoup(str(tables.source_link(copy)), "html.parser").find_all("a")]
    assert links == ["https://stats.example/orig", "https://mirror.example/a"]
    unknown = copy.copy()
    unknown["kind"], unknown["original_url"] = "other", None
    assert BeautifulSoup(str(tables.source_link(unknown)), "html.parser").get_text() == (
        "Original address not recorded; read at https://mirror.example/a")
    own = copy.copy()
    own["kind"], own["original_url"], own["url"] = "official", None, "https://stats.example/orig"
    assert BeautifulSoup(str(tables.source_link(own)), "html.parser").get_text() == "https://stats.example/orig"


def test_shipped_sources_each_have_a_kind_and_copies_name_their_issuer():
    ds = load()
    sources = ds.sources
    assert sources["kind"].notna().all()
    assert set(sources["kind"]) <= {"official", "official_copy", "news", "other"}
    copies = sources[sources["kind"] == "official_copy"]
    assert copies["issuer"].str.len().gt(2).all()
    # the communique: the bureau's own address as the original, the repository file as the copy read
    communique = sources.set_index("source_id").loc["zj_stat_communique_2025"]
    assert communique["original_url"].startswith("https://tjj.zj.gov.cn/")
    assert "labor-automation-atlas" in communique["url"]
    assert communique["kind"] == "official_copy"


# --- verdicts show the kind of their deciding evidence ----------------------------------------------


def _evidence_dataset():
    inds = [indicator("inc"), indicator("gap", unit="ratio"), indicator("jobs", unit="count")]
    pls = [pledge("P1", "inc", 2025, "=", 75000), pledge("P2", "gap", 2025, "<=", 1.9, unit="ratio"),
           pledge("P3", "jobs", 2025, ">=", 50, unit="count")]
    obs = (series("inc", {2020: 52397, 2024: 67013}, source_id="news")
           + series("inc", {2025: 70240}, source_id="bulletin")
           + series("gap", {2020: 1.96, 2025: 1.81}, unit="ratio", source_id="farm")
           + series("jobs", {2020: 10, 2023: 30}, unit="count", source_id="news"))
    return make_dataset(inds, pls, obs, _sources(bulletin="official_copy", news="news", farm="other"))


def test_each_verdict_names_the_source_and_kind_it_rests_on():
    table = progress_table(_evidence_dataset(), as_of=2025).set_index("pledge_id")
    assert table.loc["P1", ["status", "evidence_source", "evidence_kind"]].tolist() == ["missed", "bulletin", "official_copy"]
    assert table.loc["P2", ["status", "evidence_source", "evidence_kind"]].tolist() == ["met", "farm", "other"]
    # a pace verdict rests on the latest figure
    assert table.loc["P3", ["evidence_source", "evidence_kind"]].tolist() == ["news", "news"]
    published = progress_table(_evidence_dataset(), as_of=2025, method="eurostat").set_index("pledge_id")
    assert published.loc["P1", ["evidence_source", "evidence_kind"]].tolist() == ["bulletin", "official_copy"]


def test_the_card_counts_verdicts_by_evidence_and_flags_other():
    ds = _evidence_dataset()
    card = report_card(ds, progress_table(ds, as_of=2025), 2025)
    counts = evidence_counts(card)
    # jobs: 10 (2020) -> 30 (2023) against 50 by 2025: R = ((30/10)**(1/3) - 1) / ((50/10)**(1/5) - 1) = 1.16
    assert list(counts.index) == ["official_copy", "news", "other"]
    assert list(counts.columns) == ["met", "on_track", "missed", "total"]
    assert counts.values.tolist() == [[0, 0, 1, 1], [0, 1, 0, 1], [1, 0, 0, 1]]
    sentence = evidence_sentence(card)
    assert sentence.startswith("Of the 3 verdicts, 1 on an official document, read through a copy, "
                               "1 on a news report of official figures, 1 on other (unattributed, self-media or aggregator).")
    assert sentence.endswith("1 rests on an unattributed or aggregator source and should be read with caution: P2.")
    rows = [[td.get_text(" ", strip=True) for td in tr.find_all(["td", "th"])]
            for tr in BeautifulSoup(str(evidence_rows(card)), "html.parser").find_all("tr")]
    assert rows[0] == ["Deciding evidence", "met", "on track", "missed", "total"]
    assert rows[1] == ["An official document, read through a copy", "0", "0", "1", "1"]


# --- a missed pledge said plainly --------------------------------------------------------------------


def test_gap_text_states_the_shortfall_with_its_share():
    # 75,000 - 70,240 = 4,760; 4,760 / 75,000 = 6.35 %
    assert tables.gap_text(70240, 2025, 75000, "yuan", 1) == (
        "70,240 yuan in 2025, 4,760 yuan (6.3%) short of the 75,000 yuan pledged")
    # lower is better: 1.95 against at most 1.9 is 0.05 (2.6 %) above it
    assert tables.gap_text(1.95, 2025, 1.9, "ratio", -1) == "1.95 in 2025, 0.05 (2.6%) above the 1.9 pledged"


def test_a_missed_pledge_is_said_with_its_gap_quote_and_source():
    ds = _evidence_dataset()
    card = report_card(ds, progress_table(ds, as_of=2025), 2025).set_index("pledge_id")
    assert card.loc["P1", "gap_text"] == "70,240 yuan in 2025, 4,760 yuan (6.3%) short of the 75,000 yuan pledged"
    assert card.loc["P2", "gap_text"] == ""
    html = str(missed_rows(ds, card.reset_index()))
    soup = BeautifulSoup(html, "html.parser")
    assert "4,760 yuan (6.3%) short of the 75,000 yuan pledged" in soup.get_text()
    # the pledge's source, then the deciding figure's: the original first, the copy read after it
    assert [a["href"] for a in soup.find_all("a") if "example" in a["href"]] == [
        "https://gov.example/plan", "https://stats.example/orig", "https://copy.example/bulletin"]
    assert len(soup.find_all("tr")) == 2  # the header and the one missed pledge


# --- series breaks --------------------------------------------------------------------------------


def _break_dataset(flag: bool):
    ind = indicator("forest", unit="%", measure="share", lower_bound=0, upper_bound=100)
    pls = [pledge("P-late", "forest", 2027, ">=", 62, unit="%"), pledge("P-early", "forest", 2022, ">=", 61, unit="%")]
    obs = series("forest", {2020: 61.0, 2021: 61.1, 2022: 61.2, 2023: 61.3, 2025: 58.58}, unit="%", source_id="bulletin")
    for row in obs:
        row["series_break"] = flag and row["year"] == 2025
    return make_dataset([ind], pls, obs, _sources(bulletin="official"))


def test_no_pace_is_measured_across_a_series_break():
    without = progress_table(_break_dataset(False), as_of=2025).set_index("pledge_id")
    # across the break the fall from 61.0 to 58.58 reads as moving away
    assert without.loc["P-late", "status"] == "deterioration"
    table = progress_table(_break_dataset(True), as_of=2025).set_index("pledge_id")
    late = table.loc["P-late"]
    assert (late["base_year"], late["base_value"], late["latest_year"]) == (2025, 58.58, 2025)
    assert late["status"] == "insufficient_data" and late["reason"] == "only one point in time (base = latest)"
    # a pledge due before the break is judged on the figures of its own years
    assert table.loc["P-early", ["status", "target_year_value"]].tolist() == ["met", 61.2]


def test_no_trend_is_fitted_across_a_series_break():
    fits = trends.fit_all(_break_dataset(False), as_of=2025)
    assert fits["n"].tolist() == [5]
    assert trends.fit_all(_break_dataset(True), as_of=2025).empty  # one figure since the break


def test_the_shipped_forest_coverage_break_is_marked():
    # note [11] of the 2025 communique: the 2024 census changed the basis; 58.55% (2024) is the first figure on it
    ds = load()
    forest = ds.observations.query("indicator_id == 'forest_coverage' and geography == 'Zhejiang'").set_index("year")
    assert forest.loc[2025, ["value", "source_id"]].tolist() == [58.58, "zj_stat_communique_2025"]
    assert forest["series_break"].to_dict() == {2015: False, 2018: False, 2021: False, 2022: False, 2024: True, 2025: False}
    fit = trends.fit_all(ds, as_of=2025).query("indicator_id == 'forest_coverage' and geography == 'Zhejiang'")
    assert fit.empty  # two figures since the break: no trend yet
