"""The shipped dataset validates, its provenance holds, and broken copies are rejected clearly."""

from __future__ import annotations

import hashlib
import json
import re

import pandas as pd
import pytest

import analysis
from analysis.data import paths
from analysis.data.dataset import DataValidationError, load, quoted_number, summary
from analysis.method.coverage import HEADLINE, coverage, year_ranges

from .conftest import read_rows, tree_hashes, write_rows


@pytest.fixture(scope="module")
def dataset():
    return load(all_vintages=True)


# --- the shipped data -------------------------------------------------------------------------


def test_shipped_data_validates_with_typed_columns(dataset):
    assert dataset.observations["year"].dtype == "Int64"
    assert dataset.observations["value"].dtype == "float64"
    assert dataset.pledges["target_year"].dtype == "Int64"
    assert pd.api.types.is_datetime64_any_dtype(dataset.sources["published"])
    assert len(dataset.pledges) >= 150
    assert len(dataset.observations) >= 150


def test_every_theme_and_seed_document_is_covered(dataset):
    themes = set(dataset.indicators["theme"])
    assert {"income_gap", "industry_innovation", "ecology_energy", "public_services"} <= themes
    seeded = set(dataset.sources.loc[dataset.sources["document"].notna(), "source_id"])
    assert len(seeded) == 7  # seeds 000-006
    used = set(dataset.pledges["source_id"]) | set(dataset.observations["source_id"])
    # the CPC Central Committee / State Council Opinions state their 2025 and 2035 goals without numbers
    assert seeded - used == {"cpc_sc_opinions_2021"}


def test_every_row_uses_its_indicators_unit(dataset):
    units = dataset.indicators.set_index("indicator_id")["unit"]
    for table in (dataset.pledges, dataset.observations):
        assert (table["unit"] == table["indicator_id"].map(units)).all()


def test_quoted_value_times_scale_is_the_value(dataset):
    for table, column in ((dataset.pledges, "target_value"), (dataset.observations, "value")):
        table = table.dropna(subset=["quoted_value"])  # direction-only pledges have no number
        quoted = quoted_number(table["quoted_value"]) * table["scale"]
        assert ((quoted - table[column]).abs() <= 1e-6 * quoted.abs().clip(lower=1)).all()


def _documents(dataset, seeds):
    docs = dataset.sources.dropna(subset=["document"]).set_index("source_id")["document"]
    return {sid: (seeds / name).read_text(encoding="utf-8") for sid, name in docs.items()}


@pytest.mark.parametrize("table", ["pledges", "observations"])
def test_every_quote_is_verbatim_in_its_document(dataset, seeds, table):
    texts = _documents(dataset, seeds)
    frame = getattr(dataset, table)
    rows = frame[frame["source_id"].isin(list(texts))]
    assert len(rows) > 80
    missing = [
        (i + 2, r.source_id, r.quote) for i, r in zip(rows.index, rows.itertuples()) if r.quote not in texts[r.source_id]
    ]
    assert missing == []


@pytest.mark.parametrize("table", ["pledges", "observations"])
def test_every_quote_contains_its_number(dataset, table):
    frame = getattr(dataset, table).dropna(subset=["quoted_value"])  # direction-only pledges have no number
    absent = [(q, v) for q, v in zip(frame["quote"], frame["quoted_value"]) if v not in q]
    assert absent == []
    # the quoted figure stands as a whole number in the quote, not inside a longer one
    # (e.g. "5" must not match inside "75")
    partial = [
        (q, v)
        for q, v in zip(frame["quote"], frame["quoted_value"])
        if not re.search(rf"(?<![0-9.,]){re.escape(v)}(?![0-9]|[.,][0-9])", q)
    ]
    assert partial == []


def test_direction_only_pledges_have_no_number_and_others_do(dataset, data_copy):
    pledges = dataset.pledges
    direction = pledges["comparator"].isin(["increase", "decrease"])
    assert direction.sum() >= 2
    assert pledges.loc[direction, ["target_value", "quoted_value"]].isna().all().all()
    assert pledges.loc[~direction, ["target_value", "quoted_value"]].notna().all().all()
    # a numeric comparator without a number, or a direction with one, is refused
    path = data_copy / "pledges.csv"
    text = path.read_text(encoding="utf-8")
    row = "CPPLAN21-080,urban_rural_income_ratio,Zhejiang,zj_cp_plan_2021,2025,decrease,,ratio,"
    assert row in text
    path.write_text(text.replace(row, row.replace(",decrease,", ",<=,")), encoding="utf-8")
    with pytest.raises(DataValidationError, match="target_value and quoted_value are required"):
        load(data_copy)


def test_quotes_are_short(dataset):
    for table in (dataset.pledges, dataset.observations):
        assert table["quote"].str.len().max() <= 240


def test_sha256_matches_each_document(dataset, seeds):
    docs = dataset.sources.dropna(subset=["document"])
    for name, digest in zip(docs["document"], docs["sha256"]):
        assert hashlib.sha256((seeds / name).read_bytes()).hexdigest() == digest


def test_from_x_to_y_gives_two_observations(dataset):
    # "narrowed from 2.04 to 1.94" in the January 2023 report runs 2018 -> 2021, not 2017 -> 2022 (issue 11):
    # 2017's official ratio is 2.054 and 2022's (released a week after the report) is 1.90
    ratio = dataset.observations.query(
        "indicator_id == 'urban_rural_income_ratio' and geography == 'Zhejiang' and source_id == 'zj_gwr_2023'"
    ).set_index("year")["value"]
    assert ratio.to_dict() == {2018: 2.04, 2021: 1.94}


def test_headline_pledges_are_recorded(dataset):
    numeric = dataset.pledges[~dataset.pledges["comparator"].isin(["increase", "decrease"])]
    p = numeric.set_index(["indicator_id", "geography", "source_id", "target_year"])
    income = p.loc[("per_capita_disposable_income", "Zhejiang", "zj_cp_plan_2021", 2025)]
    assert income["target_value"] == 75000
    ratio = p.loc[("urban_rural_income_ratio", "Zhejiang", "zj_cp_plan_2021", 2025)]
    assert (ratio["comparator"], ratio["target_value"]) == ("<=", 1.9)


def test_loader_keeps_only_current_vintage_by_default():
    everything = load(all_vintages=True).observations
    current = load().observations
    assert current["current"].all()
    assert not current.duplicated(["indicator_id", "geography", "year"]).any()
    assert len(current) == everything["current"].sum()


def test_current_figure_is_revised_then_final_then_preliminary_then_latest_published():
    from analysis.data.dataset import _mark_current

    sources = pd.DataFrame({
        "source_id": ["census", "communique", "work_report", "yearbook", "plan", "bulletin", "later"],
        "published": pd.array([None, "2024-03-01", "2025-02-01", None, "2025-06-01", "2019-05-01", "2020-05-01"], dtype="string"),
    })
    rows = [  # (year, source, status)
        (2023, "communique", "reported"), (2023, "census", "revised"),        # undated census revision
        (2020, "work_report", "preliminary"), (2020, "yearbook", "reported"),  # undated final figure
        (2021, "work_report", "preliminary"),                                   # estimate only
        (2022, "plan", "expected"),                                             # a forecast is never current
        (2018, "bulletin", "reported"), (2018, "later", "reported"),           # same status: latest wins
        (2017, "bulletin", "reported"), (2017, "later", "reported"),           # same status: exact before bound
    ]
    comparators = ["="] * (len(rows) - 1) + [">="]
    obs = pd.DataFrame({"indicator_id": "gdp", "geography": "Zhejiang", "year": [r[0] for r in rows],
                        "source_id": [r[1] for r in rows], "status": [r[2] for r in rows],
                        "comparator": comparators})
    current = _mark_current(obs, sources)
    assert sorted(zip(current.loc[current["current"], "year"], current.loc[current["current"], "source_id"])) == [
        (2017, "bulletin"), (2018, "later"), (2020, "yearbook"), (2021, "work_report"), (2023, "census")]


def test_shipped_revisions_use_the_final_and_revised_figures():
    obs = load().observations.set_index(["indicator_id", "geography", "year"])
    assert obs.loc[("gdp", "Zhejiang", 2023), "value"] == pytest.approx(8562.0)  # after the fifth economic census
    assert obs.loc[("gdp", "Jiaxing", 2020), "value"] == pytest.approx(556.358)  # final, not the 550.952 estimate
    assert obs.loc[("gdp_growth_rate", "Zhejiang", 2022), "value"] == pytest.approx(3.1)  # communiqué, not report


def test_summary_counts_rows_per_document_kind_theme(dataset):
    table = summary(dataset)
    assert table.loc[("total", ""), "total"] == len(dataset.pledges) + len(dataset.observations)
    assert table.loc[("zj_cp_plan_2021", "pledge"), "total"] == (dataset.pledges["source_id"] == "zj_cp_plan_2021").sum()


def test_paths_do_not_depend_on_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert len(load().sources) >= 5
    assert paths.data_dir() == paths.ROOT / "data"


def test_datapackage_describes_every_csv_column():
    descriptor = json.loads((paths.data_dir() / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        header, _ = read_rows(paths.data_dir() / resource["path"])
        assert header == [f["name"] for f in resource["schema"]["fields"]]
        assert all(f.get("description") for f in resource["schema"]["fields"])


def test_public_api_is_exported():
    assert analysis.load is load and analysis.DataValidationError is DataValidationError


# --- the corrections register ------------------------------------------------------------------


def test_shipped_register_validates_and_each_last_correction_is_todays_value(dataset):
    register = dataset.corrections
    assert len(register) == 321
    assert list(register.columns) == ["date", "table", "row_key", "field", "before", "after", "reason", "evidence"]
    counts = register.groupby(["table", "field"]).size().to_dict()
    assert counts == {("indicators", "measure"): 116, ("observations", "comparator"): 32,
                      ("observations", "indicator_id"): 11, ("observations", "source_id"): 13,
                      ("observations", "status"): 135, ("observations", "year"): 10,
                      ("pledges", "indicator_id"): 3, ("pledges", "unit"): 1}
    assert register["evidence"].str.match(r"^[0-9a-f]{7}(;|$)").all()  # the commit that made it comes first
    obs = dataset.observations.set_index(["indicator_id", "geography", "year", "source_id"])
    # Jiaxing's final 2020 GDP was marked reported, so the preliminary estimate was used; today it is revised
    row = register[(register["row_key"] == "gdp|Jiaxing|2020|jx_stat_communique_2021")].iloc[0]
    assert (row["field"], row["before"], row["after"], str(row["date"].date())) == ("status", "reported", "revised",
                                                                                     "2026-12-01")
    assert obs.loc[("gdp", "Jiaxing", 2020, "jx_stat_communique_2021"), "status"] == "revised"
    # a key field: the year of 1.94 (the 2021 urban-rural income ratio) was corrected from 2022
    row = register[(register["row_key"] == "urban_rural_income_ratio|Zhejiang|2021|zj_gwr_2023")].iloc[0]
    assert (row["field"], row["before"], row["after"]) == ("year", "2022", "2021")
    assert obs.loc[("urban_rural_income_ratio", "Zhejiang", 2021, "zj_gwr_2023"), "value"] == 1.94
    # a field corrected twice: the first hands over to the second, which holds today
    twice = register[(register["row_key"] == "urbanization_rate|Zhejiang|2022|zj_gwr_2023") & (register["field"] == "year")]
    assert list(zip(twice["before"], twice["after"])) == [("2022", "2021"), ("2021", "2022")]
    assert dataset.indicators.set_index("indicator_id").at["commercial_charter_flights", "measure"] == "flow"


def test_the_register_names_rows_by_the_primary_keys_of_the_data_package():
    from analysis.data.schema import REGISTER, ROW_KEYS, TABLES

    descriptor = json.loads((paths.data_dir() / "datapackage.json").read_text(encoding="utf-8"))
    resources = {r["name"]: r for r in descriptor["resources"]}
    assert {name: tuple(resources[name]["schema"]["primaryKey"]) for name in TABLES} == ROW_KEYS
    table = next(f for f in resources[REGISTER]["schema"]["fields"] if f["name"] == "table")
    assert table["constraints"]["enum"] == list(TABLES)


def test_corrections_of_an_indicator_are_those_of_its_rows(dataset):
    from analysis.data.corrections import of_indicator

    found = of_indicator(dataset.corrections, dataset.indicators, dataset.pledges, dataset.observations,
                         "urbanization_rate")
    assert [(r.row_key.split("|")[2], r.field, r.before, r.after) for r in found.itertuples()] == [
        ("2022", "comparator", "=", "~"), ("2025", "comparator", "=", "~"),  # 'about 73%' and 'about 76%'
        ("2025", "source_id", "cns_mirror_zj_gwr_2026", "zj_gwr_2026"),  # a mirror of the 2026 report
        ("2017", "status", "reported", "revised"),  # 70% restated on the census basis
        ("2022", "status", "reported", "preliminary"),
        ("2022", "year", "2022", "2021"), ("2022", "year", "2021", "2022"),  # oldest first
    ]
    assert of_indicator(dataset.corrections, dataset.indicators, dataset.pledges, dataset.observations,
                        "childcare_places_per_1000").empty


# --- broken copies ----------------------------------------------------------------------------


def _edit(folder, table, row, **changes):
    """Set fields of data row ``row`` (spreadsheet numbering: header is row 1)."""
    header, rows = read_rows(folder / f"{table}.csv")
    rows[row - 2].update(changes)
    write_rows(folder / f"{table}.csv", header, rows)


def _first(folder, table, **match):
    """Spreadsheet row number of the first row matching all fields."""
    _, rows = read_rows(folder / f"{table}.csv")
    return next(i + 2 for i, r in enumerate(rows) if all(r[k] == v for k, v in match.items()))


def _drop_column(folder, table, column):
    header, rows = read_rows(folder / f"{table}.csv")
    header.remove(column)
    write_rows(folder / f"{table}.csv", header, [{k: r[k] for k in header} for r in rows])


def _append(folder, table, text):
    with (folder / f"{table}.csv").open("a", encoding="utf-8") as fh:
        fh.write(text)


def _obs_share_row(folder):
    return _first(folder, "observations", indicator_id="urbanization_rate", geography="Zhejiang")


def _break_missing_column(d):
    _drop_column(d, "observations", "unit")
    return "observations.csv", 1, "unit", "missing column 'unit'"


def _break_bad_number(d):
    _edit(d, "observations", 2, value="1,2x")
    return "observations.csv", 2, "value", "'1,2x' is not a valid number"


def _break_unknown_indicator(d):
    _edit(d, "pledges", 3, indicator_id="income_of_unicorns")
    return "pledges.csv", 3, "indicator_id", "unknown indicator_id 'income_of_unicorns'"


def _break_duplicate_key(d):
    header, rows = read_rows(d / "observations.csv")
    rows.append(dict(rows[4]))
    write_rows(d / "observations.csv", header, rows)
    return "observations.csv", len(rows) + 1, None, "duplicate key"


def _break_unit_mismatch(d):
    row = _first(d, "pledges", indicator_id="per_capita_disposable_income")
    _edit(d, "pledges", row, unit="billion yuan")
    return "pledges.csv", row, "unit", "unit 'billion yuan' is not the unit of indicator 'per_capita_disposable_income'"


def _break_out_of_bounds(d):
    row = _obs_share_row(d)
    _, rows = read_rows(d / "observations.csv")
    quoted = float(rows[row - 2]["quoted_value"].replace(",", ""))
    _edit(d, "observations", row, value="120", scale=repr(120 / quoted))
    return "observations.csv", row, "value", "value outside the indicator's natural bounds (value '120.0', bounds [0.0, 100.0])"


def _break_year_range(d):
    _edit(d, "observations", 2, year="1850")
    return "observations.csv", 2, "year", "'1850' breaks the rule"


def _break_empty_file(d):
    (d / "indicators.csv").write_bytes(b"")
    return "indicators.csv", None, None, "file is empty"


def _break_encoding(d):
    text = (d / "sources.csv").read_text(encoding="utf-8")
    (d / "sources.csv").write_bytes(text.replace("Report", "Repört").encode("latin-1", errors="replace"))
    return "sources.csv", 2, "title", "not readable as UTF-8"


def _break_unknown_theme(d):
    _edit(d, "indicators", 2, theme="happiness")
    return "indicators.csv", 2, "theme", "'happiness' breaks the rule"


def _break_comparator(d):
    _edit(d, "pledges", 2, comparator="=>")
    return "pledges.csv", 2, "comparator", "'=>' breaks the rule"


def _break_unknown_source(d):
    _edit(d, "observations", 5, source_id="zj_gwr_2099")
    return "observations.csv", 5, "source_id", "unknown source_id 'zj_gwr_2099'"


def _break_bad_date(d):
    _edit(d, "sources", 3, published="19/07/2021")
    return "sources.csv", 3, "published", "'19/07/2021' is not a valid date"


def _break_missing_descriptor(d):
    (d / "datapackage.json").unlink()
    return "datapackage.json", None, None, "file not found"


def _break_missing_file(d):
    (d / "pledges.csv").unlink()
    return "pledges.csv", None, None, "file not found"


def _break_quote_without_number(d):
    _edit(d, "pledges", 4, quoted_value="987654", target_value="987654", scale="1")
    return "pledges.csv", 4, "quoted_value", "quoted_value does not appear in quote"


def _break_value_not_quoted_times_scale(d):
    row = _first(d, "observations", indicator_id="urban_rural_income_ratio", year="2021", source_id="zj_gwr_2023")
    _edit(d, "observations", row, value="1.49")
    return "observations.csv", row, "value", "value is not quoted_value x scale"


def _break_empty_quote(d):
    _edit(d, "observations", 6, quote="")
    return "observations.csv", 6, "quote", "required value is missing"


def _break_status(d):
    _edit(d, "observations", 3, status="final")
    return "observations.csv", 3, "status", "'final' breaks the rule"


def _break_baseline_after_target(d):
    _edit(d, "pledges", 2, baseline_year="2030", baseline_value="")
    return "pledges.csv", 2, "baseline_year", "baseline_year is not before target_year"


def _break_unknown_geography(d):
    _edit(d, "observations", 4, geography="Zhejaing")
    return "observations.csv", 4, "geography", "'Zhejaing' breaks the rule"


def _break_short_row(d):
    _append(d, "observations", "urbanization_rate,Zhejiang,2001\n")
    _, rows = read_rows(d / "observations.csv")
    return "observations.csv", len(rows) + 1, None, "missing cell"


def _break_extra_column(d):
    header, rows = read_rows(d / "sources.csv")
    write_rows(d / "sources.csv", header + ["comment"], [dict(r, comment="x") for r in rows])
    return "sources.csv", 1, "comment", "unexpected column 'comment'"


def _break_zero_scale(d):
    _edit(d, "pledges", 5, scale="0")
    return "pledges.csv", 5, "scale", "scale is zero"


def _correction(d, row_key, field):
    """Spreadsheet row of the register's last correction of ``field`` of the row ``row_key``."""
    _, rows = read_rows(d / "corrections.csv")
    return max(i + 2 for i, r in enumerate(rows) if (r["row_key"], r["field"]) == (row_key, field))


def _break_correction_not_todays_value(d):
    row = _correction(d, "gdp|Jiaxing|2020|jx_stat_communique_2021", "status")
    _edit(d, "corrections", row, after="preliminary")
    return "corrections.csv", row, "after", ("'preliminary' is not the value of field 'status' today: "
                                             "observations.csv, row")


def _break_correction_of_a_row_that_does_not_exist(d):
    row = _correction(d, "gdp|Jiaxing|2020|jx_stat_communique_2021", "status")
    _edit(d, "corrections", row, row_key="gdp|Jiaxing|2019|jx_stat_communique_2021")
    return "corrections.csv", row, "row_key", ("no row of observations.csv has the key "
                                               "'gdp|Jiaxing|2019|jx_stat_communique_2021'")


def _break_corrected_row_changed_since(d):
    """The data moved on without a register row: the corrected year no longer in the key."""
    row = _first(d, "observations", indicator_id="general_public_budget_revenue", geography="Zhejiang", year="2018",
                 source_id="zj_gwr_2023")
    _edit(d, "observations", row, year="2019")
    fixed = _correction(d, "general_public_budget_revenue|Zhejiang|2018|zj_gwr_2023", "year")
    return "corrections.csv", fixed, "row_key", "no row of observations.csv has the key"


def _break_correction_of_an_unknown_field(d):
    row = _correction(d, "commercial_charter_flights", "measure")
    _edit(d, "corrections", row, field="measures")
    return "corrections.csv", row, "field", "indicators.csv has no column 'measures'"


def _break_corrections_that_do_not_hand_over(d):
    _, rows = read_rows(d / "corrections.csv")
    first = next(i + 2 for i, r in enumerate(rows) if (r["row_key"], r["field"]) ==
                 ("urbanization_rate|Zhejiang|2022|zj_gwr_2023", "year"))
    _edit(d, "corrections", first, after="2020")
    return "corrections.csv", first, "after", "'2020' is not where the next correction of this field (row"


def _break_bad_indicator_id(d):
    _edit(d, "indicators", 3, indicator_id="GDP Growth")
    return "indicators.csv", 3, "indicator_id", "'GDP Growth' breaks the rule"


BREAKAGES = [
    _break_missing_column,
    _break_bad_number,
    _break_unknown_indicator,
    _break_duplicate_key,
    _break_unit_mismatch,
    _break_out_of_bounds,
    _break_year_range,
    _break_empty_file,
    _break_encoding,
    _break_unknown_theme,
    _break_comparator,
    _break_unknown_source,
    _break_bad_date,
    _break_missing_descriptor,
    _break_missing_file,
    _break_quote_without_number,
    _break_value_not_quoted_times_scale,
    _break_empty_quote,
    _break_status,
    _break_baseline_after_target,
    _break_unknown_geography,
    _break_short_row,
    _break_extra_column,
    _break_zero_scale,
    _break_bad_indicator_id,
    _break_correction_not_todays_value,
    _break_correction_of_a_row_that_does_not_exist,
    _break_corrected_row_changed_since,
    _break_correction_of_an_unknown_field,
    _break_corrections_that_do_not_hand_over,
]


@pytest.mark.parametrize("breakage", BREAKAGES, ids=lambda f: f.__name__.removeprefix("_break_"))
def test_broken_copy_is_rejected_with_file_row_field(data_copy, breakage):
    file, row, field, phrase = breakage(data_copy)
    before = tree_hashes(data_copy.parent)
    with pytest.raises(DataValidationError) as caught:
        load(data_copy)
    error = caught.value
    message = str(error)
    assert "\n" not in message
    assert error.file.endswith(file), message
    assert error.row == row, message
    if field is not None:
        assert error.field == field, message
        assert f"field '{field}'" in message
    if row is not None:
        assert re.search(rf"row {row}[,:]", message), message
    assert phrase in message, message
    assert tree_hashes(data_copy.parent) == before  # nothing written


def test_english_titles_have_no_chinese_characters(dataset):
    # chart source lines use title_en, and the charts' font has no CJK glyphs
    cjk = dataset.sources["title_en"].str.contains(r"[\u3000-\u9fff\uff00-\uffef]", regex=True)
    assert list(dataset.sources.loc[cjk, "source_id"]) == []


# --- official series (sources outside the seed documents) --------------------------------------


#: Largest plausible year-on-year move per measure: a factor for levels, points for the others.
PLAUSIBLE = {"level": 1.35, "share": 10.0, "ratio": 0.2, "growth": 10.0, "flow": 1.0e9}


def test_external_sources_have_a_url_and_no_document(dataset):
    external = dataset.sources[dataset.sources["document"].isna()]
    assert len(external) >= 50
    assert external["url"].notna().all()
    assert external["sha256"].isna().all()


def test_each_quantity_has_one_indicator(dataset):
    # two ids for one quantity split its series and hide a restated target from the lineage
    names = dataset.indicators["name"].str.lower()
    assert sorted(dataset.indicators.loc[names.duplicated(keep=False), "indicator_id"]) == []


def test_each_page_read_is_one_source(dataset):
    # two source ids for one URL would let the same figure count as two independent sources
    urls = dataset.sources["url"].dropna()
    assert sorted(urls[urls.duplicated()]) == []


def test_no_figure_is_recorded_twice_from_one_quote(dataset):
    obs = load(all_vintages=True).observations
    twice = obs[obs.duplicated(["indicator_id", "geography", "year", "quote"], keep=False)]
    assert sorted(zip(twice["indicator_id"], twice["year"], twice["source_id"])) == []


def test_external_figures_quote_their_number(dataset):
    external = set(dataset.sources.loc[dataset.sources["document"].isna(), "source_id"])
    rows = dataset.observations[dataset.observations["source_id"].isin(external)]
    assert len(rows) >= 150
    assert rows["quote"].str.len().gt(0).all()
    assert all(v in q for v, q in zip(rows["quoted_value"], rows["quote"]))


def test_headline_indicators_have_chinese_names(dataset):
    names = dataset.indicators.set_index("indicator_id")["name_zh"]
    assert all(isinstance(names.get(i), str) and names.get(i) for i in HEADLINE)


def test_headline_series_are_plausible(dataset):
    current = load().observations
    measures = dataset.indicators.set_index("indicator_id")["measure"]
    jumps = []
    for (indicator, geography), series in current[current["indicator_id"].isin(HEADLINE)].groupby(
        ["indicator_id", "geography"]
    ):
        series = series.sort_values("year")
        limit = PLAUSIBLE[measures[indicator]]
        for (y1, v1), (y2, v2, note) in zip(
            zip(series["year"], series["value"]), zip(series["year"][1:], series["value"][1:], series["note"][1:])
        ):
            years = int(y2 - y1)
            if measures[indicator] == "level":
                move = max(v2 / v1, v1 / v2) ** (1 / years)
            else:
                move = abs(v2 - v1) / years
            explained = isinstance(note, str) and any(w in note.lower() for w in ("revis", "break", "definition", "census"))
            if move > limit and not explained:
                jumps.append((indicator, geography, int(y1), v1, int(y2), v2))
    assert jumps == []


def test_year_ranges_compacts_runs():
    assert year_ranges([2019, 2015, 2016, 2017, 2022, 2021]) == "2015-2017, 2019, 2021-2022"
    assert year_ranges([2020]) == "2020"
    assert year_ranges([]) == ""


def test_coverage_counts_current_achieved_years_only():
    from analysis.present.narrative import coverage_sentence

    from .factory import indicator, make_dataset, pledge, series

    obs = (
        series("inc", {2015: 1, 2016: 2, 2018: 3})
        + series("inc", {2016: 9}, source_id="plan", status="reported")
        + series("inc", {2019: 5}, status="expected")
        + series("inc", {2017: 4}, geography="Jiaxing")
    )
    obs[3]["current"] = False  # a revised vintage of 2016
    obs[4]["current"] = False  # a forecast is never current
    ds = make_dataset([indicator("inc"), indicator("gap")], [pledge("P-001", "inc", 2025, ">=", 10)], obs)
    table = coverage(ds, indicators=["inc", "gap"], geographies=["Zhejiang", "Jiaxing"], start=2015, end=2019)
    row = table.set_index(["indicator_id", "geography"])
    assert row.loc[("inc", "Zhejiang"), ["years", "expected", "covered", "missing", "sources"]].tolist() == [
        3, 5, "2015-2016, 2018", "2017, 2019", 1,
    ]
    assert row.loc[("inc", "Zhejiang"), "share"] == pytest.approx(0.6)
    assert row.loc[("inc", "Jiaxing"), ["covered", "missing"]].tolist() == ["2017", "2015-2016, 2018-2019"]
    assert row.loc[("gap", "Zhejiang"), ["years", "covered", "missing"]].tolist() == [0, "", "2015-2019"]
    # the span ends at the latest year observed when no end is given
    assert coverage(ds, indicators=["inc"], start=2015)["expected"].tolist() == [4]
    # 4 series over 5 years: 3 + 1 + 0 + 0 years covered, mean 1, none complete, 2 empty
    assert coverage_sentence(table) == (
        "Of 4 series, none have an official figure for every year 2015-2019; on average 1 of the 5 years are "
        "covered, and 2 have none. A missing year stays missing: no figure is estimated or interpolated."
    )
    full = coverage(ds, indicators=["inc"], start=2015, end=2016)
    assert coverage_sentence(full).startswith("Of 1 series, 1 have an official figure for every year 2015-2016; "
                                              "on average 2 of the 2 years are covered.")


def test_coverage_rejects_unknown_indicator_and_reversed_span(dataset):
    with pytest.raises(ValueError, match="unknown indicator 'nope'"):
        coverage(dataset, indicators=["nope"])
    with pytest.raises(ValueError, match="end year 2019 is before start year 2020"):
        coverage(dataset, start=2020, end=2019)


def test_shipped_headline_coverage(dataset):
    table = coverage(load(), start=2015, end=2025).set_index("indicator_id")
    assert list(table.index) == list(HEADLINE)
    # the official series issue 3 delivered: GDP growth covers every year since 2016
    assert table.loc["gdp_growth_rate", "covered"].startswith("2016-2025") or table.loc[
        "gdp_growth_rate", "covered"] == "2015-2025"
    assert (table["years"] >= 2).all()
    # every year a cited figure was found for stays covered (a lost row would reopen a gap)
    found = {
        "per_capita_disposable_income": range(2016, 2025),
        "urban_rural_income_ratio": [2015, 2016, 2017, 2020, 2021, 2022, 2025],
        "urbanization_rate": [2015, 2017, 2019, 2020, 2021, 2022, 2023, 2024, 2025],
        # the January 2023 report's "62%" is the 2021 share (2022's was not yet released), issue 11
        "high_new_tech_industry_share_industrial_value_added": [2015, 2017, 2020, 2021, 2023],
        "life_expectancy": [2015, 2020, 2021, 2022],
    }
    shipped = load()
    zhejiang = shipped.observations[shipped.observations["geography"] == "Zhejiang"]
    for indicator, years in found.items():
        missing = set(years) - set(zhejiang.loc[zhejiang["indicator_id"] == indicator, "year"].astype(int))
        assert not missing, (indicator, sorted(missing))
    jiaxing = coverage(shipped, indicators=["gdp"], geographies=["Jiaxing"], start=2015, end=2025)
    assert jiaxing["covered"].tolist() == ["2015-2025"]



def test_coverage_command_prints_the_table_and_rejects_bad_requests(capsys):
    from analysis.builder import cli

    assert cli.main(["coverage", "--indicator", "gdp_growth_rate", "--start", "2016", "--end", "2020"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["indicator_id", "geography", "years", "expected", "covered", "missing", "sources"]
    assert out[1].split()[:5] == ["gdp_growth_rate", "Zhejiang", "5", "5", "2016-2020"]
    assert cli.main(["coverage", "--indicator", "nope"]) == cli.EXIT_BAD_INPUT
    assert capsys.readouterr().err.strip() == "error: coverage: unknown indicator 'nope'"
