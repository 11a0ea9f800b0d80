"""Bad input corpus: every column of every table, the command line, and notebook execution.

Data cases (a bad cell in every column, whole-file and plausibility problems) run the command line's
own entry point in this process (``analysis.builder.cli.main(["validate"])``: the loader and the error
printing the main job uses) and assert exit status 2, a one-line message that names the file, row
and field, and the data folder untouched. That the main job itself refuses before writing anything
is checked end to end, by the real ``python -m analysis build`` against reports already published
(file hashes before and after), on one case of each file and kind (:data:`BUILD_CASES`); the
command-line, parameter and lock cases all run the real build. Notebook failures are the one
documented exception: by design the index then records the failure, while every report stays as it
was.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from analysis.data import paths

from .conftest import read_rows, tree_hashes, write_rows
from .test_runner import make_notebook

DESCRIPTOR = json.loads((paths.data_dir() / "datapackage.json").read_text(encoding="utf-8"))
INVALID_BYTES = b"\xff\xfe bad bytes"


def _bad_value(field: dict) -> tuple[str | bytes, str]:
    """A value that breaks ``field``'s rule, and a phrase the error message must contain."""
    constraints = field.get("constraints", {})
    if "enum" in constraints:
        return "bogus-value", "'bogus-value' breaks the rule"
    if field["type"] == "integer":
        return "20x5", "'20x5' is not a valid integer"
    if field["type"] == "number":
        return "1.2.3", "'1.2.3' is not a valid number"
    if field["type"] == "date":
        return "2021-13-45", "'2021-13-45' is not a valid date"
    if "pattern" in constraints:
        return "Not Valid !", "'Not Valid !' breaks the rule"
    if constraints.get("required"):
        return "", "required value is missing"
    return INVALID_BYTES, "not readable as UTF-8"


DATA_CASES = [
    (resource["path"], field["name"], *_bad_value(field))
    for resource in DESCRIPTOR["resources"]
    for field in resource["schema"]["fields"]
]


def _break_cell(folder: Path, file: str, column: str, value: str | bytes) -> None:
    header, rows = read_rows(folder / file)
    marker = "\x00MARK\x00"
    rows[0][column] = marker if isinstance(value, bytes) else value
    write_rows(folder / file, header, rows)
    if isinstance(value, bytes):
        raw = (folder / file).read_bytes().replace(marker.encode(), value)
        (folder / file).write_bytes(raw)


@pytest.fixture(scope="module")
def published(built_reports, tmp_path_factory):
    """A copy of already published reports and their build state, to be left untouched."""
    root = tmp_path_factory.mktemp("published")
    shutil.copytree(built_reports, root / "reports")
    shutil.copytree(built_reports.parent / "build", root / "build")
    return root


def validate_in_process(data: Path) -> subprocess.CompletedProcess:
    """``python -m analysis validate`` on ``data``, run in this process (no interpreter start-up)."""
    import io
    from contextlib import redirect_stderr, redirect_stdout
    from unittest import mock

    from analysis.builder import cli

    out, err = io.StringIO(), io.StringIO()
    with mock.patch.dict(os.environ, {"ZJCP_DATA_DIR": str(data)}), redirect_stdout(out), redirect_stderr(err):
        code = cli.main(["validate"])
    return subprocess.CompletedProcess(["analysis", "validate"], code, out.getvalue(), err.getvalue())


def run_build(env_overrides: dict, *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    env = dict(os.environ, **env_overrides)
    return subprocess.run([sys.executable, "-m", "analysis", "build", "--quiet", *args], env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)


def assert_one_line(result, *phrases):
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    for phrase in phrases:
        assert phrase in lines[0], lines[0]


def assert_cause_first(result, *phrases):
    """The first line names the cause; the problems it causes elsewhere (a key other rows refer to)
    follow, one ``error:`` line each, at most 20 and a count."""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert 1 <= len(lines) <= 21 and all(line.startswith("error: ") for line in lines), result.stderr
    assert all(len(line) <= 310 for line in lines)
    for phrase in phrases:
        assert phrase in lines[0], lines[0]


def test_the_shipped_data_and_its_corrections_register_validate():
    result = validate_in_process(paths.data_dir())
    assert result.returncode == 0, result.stderr
    assert "321 corrections in the register (each checked against today's rows)" in result.stdout.splitlines()[0]


def test_corpus_is_large_enough():
    assert len(DATA_CASES) + len(CLI_CASES) + 2 >= 30
    assert {c[0] for c in DATA_CASES} == {"sources.csv", "indicators.csv", "pledges.csv", "observations.csv",
                                          "corrections.csv"}


@pytest.mark.parametrize(("file", "column", "value", "phrase"), DATA_CASES,
                         ids=[f"{c[0].removesuffix('.csv')}-{c[1]}" for c in DATA_CASES])
def test_bad_cell_in_every_column(tmp_path, file, column, value, phrase):
    data = tmp_path / "data"
    shutil.copytree(paths.data_dir(), data)
    _break_cell(data, file, column, value)
    before = tree_hashes(data)
    result = validate_in_process(data)
    assert result.returncode == 2
    assert_cause_first(result, f"{file}, row 2", f"field '{column}'", phrase)
    assert tree_hashes(data) == before


CLI_CASES = [
    (["--only", "07-nothing"], "unknown notebook '07-nothing'"),
    (["-p", "colour", "red"], "unknown parameter 'colour'"),
    (["-p", "as_of_year", "twenty"], "parameter 'as_of_year': expected int, got 'twenty'"),
    (["-p", "alpha", "often"], "parameter 'alpha': expected float, got 'often'"),
    (["-p", "as_of_year", "1800"], "parameter as_of_year=1800: expected a year from"),
    (["-p", "geography", "Atlantis"], "parameter geography='Atlantis': expected one of"),
    (["-p", "alpha", "1.5"], "parameter alpha=1.5: expected a number between 0 and 1"),
    (["--kernel", "no-such-kernel"], "kernel 'no-such-kernel' not found"),
    (["--timeout", "-5"], "timeout must be a positive number of seconds"),
    (["--jobs", "0"], "jobs must be at least 1"),
]


@pytest.mark.parametrize(("args", "message"), CLI_CASES, ids=[" ".join(a) for a, _ in CLI_CASES])
def test_bad_command_line(published, args, message):
    before = tree_hashes(published)
    result = run_build({"ZJCP_REPORTS_DIR": str(published / "reports"), "ZJCP_BUILD_DIR": str(published / "build")},
                       "--force", *args)
    assert result.returncode == 2
    assert_one_line(result, message)
    assert tree_hashes(published) == before


def test_unwritable_output_directory(published, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    before = tree_hashes(published)
    result = run_build({"ZJCP_REPORTS_DIR": str(blocker / "reports"), "ZJCP_BUILD_DIR": str(published / "build")},
                       "--force")
    assert result.returncode == 2
    assert_one_line(result, "cannot write to output folder", "not-a-folder/reports")
    assert tree_hashes(published) == before


def test_argparse_errors_are_one_line_and_non_zero():
    result = subprocess.run([sys.executable, "-m", "analysis", "build", "--timeout", "soon"], capture_output=True,
                            text=True, check=False)
    assert result.returncode == 2
    assert "--timeout: invalid int value: 'soon'" in result.stderr


@pytest.mark.parametrize(
    ("body", "args", "message"),
    [
        ("raise KeyError('no such indicator')", [], "cell 2: KeyError: 'no such indicator'"),
        ("import time\ntime.sleep(60)", ["--timeout", "5"], "timed out after 5 s"),
    ],
    ids=["cell-error", "timeout"],
)
def test_notebook_execution_failure(tmp_path, body, args, message):
    folders = {name: tmp_path / name for name in ("notebooks", "reports", "build")}
    folders["notebooks"].mkdir()
    env = {f"ZJCP_{k.upper()}_DIR": str(v) for k, v in folders.items()}
    make_notebook(folders["notebooks"], "01-case", "print('fine')")
    assert run_build(env).returncode == 0
    before = tree_hashes(folders["reports"])
    make_notebook(folders["notebooks"], "01-case", body)
    result = run_build(env, *args)
    assert result.returncode == 1
    assert_one_line(result, "01-case: failed", message)
    after = tree_hashes(folders["reports"])
    assert {k: v for k, v in after.items() if k != "index.html"} == {k: v for k, v in before.items() if k != "index.html"}
    index = BeautifulSoup((folders["reports"] / "index.html").read_text(), "html.parser")
    assert message in index.get_text()


# --- whole-file and plausibility cases (issue 13) ------------------------------------------------


def _set_cells(file: str, row: int, **cells):
    """A change to ``file``: the cells of spreadsheet row ``row`` (header = 1) set to new text."""

    def change(folder: Path) -> None:
        header, rows = read_rows(folder / file)
        rows[row - 2].update(cells)
        write_rows(folder / file, header, rows)

    return change


def _header_only(file: str):
    def change(folder: Path) -> None:
        header, _ = read_rows(folder / file)
        write_rows(folder / file, header, [])

    return change


def _raw(file: str, edit):
    def change(folder: Path) -> None:
        (folder / file).write_bytes(edit((folder / file).read_bytes()))

    return change


def _cp1252_in(file: str, row: int, column: str):
    """A Windows-1252 en dash (byte 0x96, invalid in UTF-8) in one cell far into the file (past 8 KB)."""

    def change(folder: Path) -> None:
        header, rows = read_rows(folder / file)
        marker = "\x00MARK\x00"
        rows[row - 2][column] += marker
        write_rows(folder / file, header, rows)
        raw = (folder / file).read_bytes()
        assert raw.index(marker.encode()) > 8192
        (folder / file).write_bytes(raw.replace(marker.encode(), b" 2021\x962022"))

    return change


def _shipped_row(indicator_id: str, year: int, value: float, geography: str = "Zhejiang") -> int:
    """The row (header = 1) of the shipped observations.csv holding one figure, found by its content so
    that the cases keep pointing at the same figure when rows are added or removed."""
    _, rows = read_rows(paths.data_dir() / "observations.csv")
    found = [i + 2 for i, r in enumerate(rows) if (r["indicator_id"], r["geography"], r["year"]) ==
             (indicator_id, geography, str(year)) and float(r["value"]) == value]
    assert len(found) == 1, (indicator_id, year, value, found)
    return found[0]


#: Zhejiang's per capita disposable income, 2022, 60302 yuan (scale 1).
INCOME_2022 = _shipped_row("per_capita_disposable_income", 2022, 60302)
#: The same series in 2023 (63830 yuan) and 2024, its last year (67013 yuan).
INCOME_2023 = _shipped_row("per_capita_disposable_income", 2023, 63830)
INCOME_2024 = _shipped_row("per_capita_disposable_income", 2024, 67013)
#: Zhejiang's GDP growth 2024, quote "...比上年增长5.5%" (an increase).
GROWTH_2024 = _shipped_row("gdp_growth_rate", 2024, 5.5)

def _register_row(row_key: str, field: str) -> int:
    """The row (header = 1) of the shipped corrections.csv correcting ``field`` of the row ``row_key``."""
    _, rows = read_rows(paths.data_dir() / "corrections.csv")
    found = [i + 2 for i, r in enumerate(rows) if (r["row_key"], r["field"]) == (row_key, field)]
    assert len(found) == 1, (row_key, field, found)
    return found[0]


#: The register's correction of Jiaxing's final 2020 GDP from reported to revised.
JIAXING_GDP_2020 = _register_row("gdp|Jiaxing|2020|jx_stat_communique_2021", "status")

FILE_CASES = [
    ("nan-value", _set_cells("observations.csv", 2, value="NaN"),
     ["observations.csv, row 2, field 'value'", "'NaN' is not a valid number"]),
    ("inf-value", _set_cells("observations.csv", 2, value="inf"),
     ["observations.csv, row 2, field 'value'", "'inf' is not a valid number"]),
    ("fullwidth-value", _set_cells("observations.csv", INCOME_2022, value="６０３０２"),
     [f"observations.csv, row {INCOME_2022}, field 'value'", "'６０３０２' is not a valid number", "ASCII digits"]),
    ("fullwidth-year", _set_cells("observations.csv", INCOME_2022, year="２０２２"),
     [f"observations.csv, row {INCOME_2022}, field 'year'", "'２０２２' is not a valid integer"]),
    ("fullwidth-target-year", _set_cells("pledges.csv", 2, target_year="２０２６"),
     ["pledges.csv, row 2, field 'target_year'", "'２０２６' is not a valid integer"]),
    ("nan-scale", _set_cells("pledges.csv", 2, scale="nan"),
     ["pledges.csv, row 2, field 'scale'", "'nan' is not a valid number"]),
    ("header-only-observations", _header_only("observations.csv"),
     ["observations.csv: has a header but no rows"]),
    ("header-only-pledges", _header_only("pledges.csv"), ["pledges.csv: has a header but no rows"]),
    ("header-only-sources", _header_only("sources.csv"), ["sources.csv: has a header but no rows"]),
    ("header-only-indicators", _header_only("indicators.csv"), ["indicators.csv: has a header but no rows"]),
    ("bom", _raw("sources.csv", lambda raw: b"\xef\xbb\xbf" + raw), ["sources.csv, row 1", "byte-order mark"]),
    ("semicolons", _raw("indicators.csv", lambda raw: raw.replace(b",", b";")),
     ["indicators.csv, row 1", "separated by semicolons"]),
    ("cp1252-byte-far-down", _cp1252_in("observations.csv", 500, "note"),
     ["observations.csv, row 500, field 'note'", "not readable as UTF-8"]),
    ("javascript-url", _set_cells("sources.csv", 2, url="javascript:alert(5)"),
     ["sources.csv, row 2, field 'url'", "'javascript:alert(5)' breaks the rule"]),
    ("data-url", _set_cells("sources.csv", 2, url="data:text/html,<script>alert(1)</script>"),
     ["sources.csv, row 2, field 'url'", "breaks the rule"]),
    ("scale-10-on-yuan", _set_cells("observations.csv", INCOME_2022, value="603020", scale="10"),
     [f"observations.csv, row {INCOME_2022}, field 'value'", "value 603020 is 10.5 times the 2021 figure (57541",
      "needs a note explaining it"]),
    ("scale-7", _set_cells("observations.csv", INCOME_2022, value="422114", scale="7"),
     [f"observations.csv, row {INCOME_2022}, field 'scale'", "scale 7 is neither a power of ten"]),
    ("scale-minus-1-on-increase", _set_cells("observations.csv", GROWTH_2024, value="-5.5", scale="-1"),
     [f"observations.csv, row {GROWTH_2024}, field 'scale'", "negative but the quote states no decrease"]),
    ("year-after-publication", _set_cells("observations.csv", INCOME_2022, year="2042"),
     [f"observations.csv, row {INCOME_2022}, field 'year'", "year 2042 is after the publication of its source"]),
    ("year-out-of-range", _set_cells("observations.csv", INCOME_2022, year="2101"),
     [f"observations.csv, row {INCOME_2022}, field 'year'", "'2101' breaks the rule"]),
    ("publication-in-future", _set_cells("sources.csv", 2, published="2203-01-12"),
     ["sources.csv, row 2, field 'published'", "publication date 2203-01-12 is in the future"]),
    ("jump-in-official-series", _set_cells("observations.csv", INCOME_2024, value="6701.3", quoted_value="6701.3",
                                           quote="浙江2024年居民人均可支配收入为6701.3元,位居第三。"),
     [f"observations.csv, row {INCOME_2024}, field 'value'", f"the 2023 figure (63830, row {INCOME_2023})",
      "needs a note explaining it"]),
    ("correction-not-todays-value", _set_cells("corrections.csv", JIAXING_GDP_2020, after="preliminary"),
     [f"corrections.csv, row {JIAXING_GDP_2020}, field 'after'",
      "'preliminary' is not the value of field 'status' today: observations.csv, row"]),
    ("correction-of-no-row", _set_cells("corrections.csv", JIAXING_GDP_2020, row_key="gdp|Jiaxing|2020|nowhere"),
     [f"corrections.csv, row {JIAXING_GDP_2020}, field 'row_key'",
      "no row of observations.csv has the key 'gdp|Jiaxing|2020|nowhere'"]),
    ("huge-cell", _set_cells("observations.csv", 2, value="9" * 10_000_000),
     ["observations.csv, row 2, field 'value'", "is not a valid number", "characters)"]),
    ("huge-text-cell", _set_cells("observations.csv", 2, quote="x" * 10_000_000),
     ["observations.csv, row 2, field 'quote'", "breaks the rule", "characters)"]),
]


@pytest.mark.parametrize(("change", "phrases"), [c[1:] for c in FILE_CASES], ids=[c[0] for c in FILE_CASES])
def test_bad_file(tmp_path, change, phrases):
    data = tmp_path / "data"
    shutil.copytree(paths.data_dir(), data)
    change(data)
    data_before = tree_hashes(data)
    result = validate_in_process(data)
    assert result.returncode == 2, result.stderr[-2000:]
    assert_one_line(result, *phrases)
    assert len(result.stderr) < 400  # a 10 MB cell makes a short message
    assert tree_hashes(data) == data_before


def test_every_problem_is_listed_up_to_a_limit(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(paths.data_dir(), data)
    header, rows = read_rows(data / "observations.csv")
    for row in rows[:25]:
        row["value"] = "NaN"
    write_rows(data / "observations.csv", header, rows)
    result = validate_in_process(data)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert [line.split(",")[1].strip() for line in lines[:20]] == [f"row {n}" for n in range(2, 22)]
    assert lines[20] == "error: 5 more problems not listed (the first 20 are above)"
    assert len(lines) == 21


def _cell_case(file: str, column: str):
    case = next(c for c in DATA_CASES if c[:2] == (file, column))
    return lambda folder: _break_cell(folder, file, column, case[2])


#: The main job itself, end to end, on one bad cell of each file, a bad byte, a plausibility rule and
#: a problem list: a non-zero exit, the same message, and the published reports untouched.
BUILD_CASES = [
    ("sources-url", _cell_case("sources.csv", "url"), ["sources.csv, row 2, field 'url'"]),
    ("indicators-unit", _cell_case("indicators.csv", "unit"), ["indicators.csv, row 2, field 'unit'"]),
    ("pledges-target_year", _cell_case("pledges.csv", "target_year"), ["pledges.csv, row 2, field 'target_year'"]),
    ("observations-value", _cell_case("observations.csv", "value"), ["observations.csv, row 2, field 'value'"]),
    *[c for c in FILE_CASES if c[0] in ("cp1252-byte-far-down", "scale-10-on-yuan", "header-only-pledges")],
]


@pytest.mark.parametrize(("change", "phrases"), [c[1:] for c in BUILD_CASES], ids=[c[0] for c in BUILD_CASES])
def test_the_main_job_refuses_bad_data_before_writing(published, tmp_path, change, phrases):
    data = tmp_path / "data"
    shutil.copytree(paths.data_dir(), data)
    change(data)
    before, data_before = tree_hashes(published), tree_hashes(data)
    result = run_build({"ZJCP_DATA_DIR": str(data), "ZJCP_REPORTS_DIR": str(published / "reports"),
                        "ZJCP_BUILD_DIR": str(published / "build")})
    assert result.returncode == 2, result.stderr[-2000:]
    assert_cause_first(result, *phrases)
    assert tree_hashes(published) == before
    assert tree_hashes(data) == data_before


PARAMETER_CASES = [
    (["build", "--quiet", "-p", "geography", "Hangzhou"],
     "parameter geography='Hangzhou': expected one of Jiaxing, Jiashan, Jiaxing Port (05-jiaxing accepts Jiaxing"),
    (["build", "--quiet", "--only", "05", "-p", "geography", "Zhejiang"],
     "parameter geography='Zhejiang': expected one of Jiaxing, Jiashan, Jiaxing Port (05-jiaxing accepts Jiaxing"),
    (["build", "--quiet", "--only", "05", "-p", "comparison", "Mars"], "parameter comparison='Mars': expected one of Hangzhou"),
    (["coverage", "--geography", "Mars"], "parameter geography='Mars': expected one of"),
    (["build", "--quiet", "--only", "01", "-p", "as_of_year", "2023"], "would mix as_of_year (00-overview as of 2025"),
]


@pytest.mark.parametrize(("args", "message"), PARAMETER_CASES, ids=[" ".join(a) for a, _ in PARAMETER_CASES])
def test_parameters_mean_the_same_everywhere(published, args, message):
    before = tree_hashes(published)
    env = dict(os.environ, ZJCP_REPORTS_DIR=str(published / "reports"), ZJCP_BUILD_DIR=str(published / "build"))
    result = subprocess.run([sys.executable, "-m", "analysis", *args], env=env, capture_output=True, text=True,
                            timeout=300, check=False)
    assert result.returncode == 2, result.stderr
    assert_one_line(result, message)
    assert tree_hashes(published) == before


def test_a_build_running_on_the_folder_refuses_a_second(published):
    import fcntl

    before = tree_hashes(published)
    with (published / "build" / ".lock").open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        result = run_build({"ZJCP_REPORTS_DIR": str(published / "reports"), "ZJCP_BUILD_DIR": str(published / "build")},
                           "--force")
    assert result.returncode == 2
    assert_one_line(result, "another build is running on", "pass --wait")
    assert tree_hashes(published) == before


# --- curator slips that flip a verdict (issue 22) -------------------------------------------------


def _row_where(file: str, **cells) -> int:
    """The row (header = 1) of a shipped table whose cells hold ``cells`` (a cell named ``quote_has``
    matches a part of the quote), found by content so that the cases survive added rows."""
    part = cells.pop("quote_has", None)
    _, rows = read_rows(paths.data_dir() / file)
    found = [i + 2 for i, r in enumerate(rows)
             if all(r[k] == v for k, v in cells.items()) and (part is None or part in r["quote"])]
    assert found, (file, cells, part)
    return found[0]


def _append_copy(file: str, row: int, **cells):
    """A change to ``file``: a copy of row ``row`` appended with some cells changed."""

    def change(folder: Path) -> None:
        header, rows = read_rows(folder / file)
        rows.append(dict(rows[row - 2], **cells))
        write_rows(folder / file, header, rows)

    return change


def _rows_in(file: str) -> int:
    return len(read_rows(paths.data_dir() / file)[1]) + 1


#: "reduce the income gap ... to less than 1.9" (<=), "more than 5,500" (>=), "城镇调查失业率5%以内" (<=),
#: "确保城镇新增就业100万人以上" (>=), "杭州萧山国际机场旅客吞吐量突破5000万人次" (an observation, >=).
LESS_THAN = _row_where("pledges.csv", pledge_id="CPPLAN21-007", quote_has="less than 1.9")
MORE_THAN = _row_where("pledges.csv", comparator=">=", quote_has="more than 5,500")
YINEI = _row_where("pledges.csv", comparator="<=", quote_has="5%以内")
YISHANG = _row_where("pledges.csv", comparator=">=", quote_has="100万人以上")
TUPO = _row_where("observations.csv", comparator=">=", quote_has="突破5000万人次")
#: "total fiscal revenue is to reach 170 billion yuan" (scale 1), "约8865.1亿元" (scale 0.1).
BILLION = _row_where("pledges.csv", quote_has="reach 170 billion yuan")
YI = _row_where("observations.csv", quoted_value="8865.1", unit="billion yuan")
#: The plan's "per capita disposable income of residents to 75,000 renminbi" (2025, no baseline).
INCOME_PLEDGE = _row_where("pledges.csv", pledge_id="CPPLAN21-002")
RATIO = _row_where("indicators.csv", indicator_id="urban_rural_income_ratio")
UNEMPLOYMENT = _row_where("indicators.csv", indicator_id="surveyed_urban_unemployment_rate")
INCOME = _row_where("indicators.csv", indicator_id="per_capita_disposable_income")
FOREST = _row_where("indicators.csv", indicator_id="forest_coverage")
PLAN = _row_where("sources.csv", source_id="zj_cp_plan_2021")
COMMUNIQUE_2022 = _row_where("sources.csv", source_id="zj_stat_communique_2022")
GWR_2023 = _row_where("sources.csv", source_id="zj_gwr_2023")

SLIP_CASES = [
    ("less-than-as-at-least", _set_cells("pledges.csv", LESS_THAN, comparator=">="),
     [f"pledges.csv, row {LESS_THAN}, field 'comparator'", "'less than 1.9' states an upper bound"]),
    ("yinei-as-at-least", _set_cells("pledges.csv", YINEI, comparator=">="),
     [f"pledges.csv, row {YINEI}, field 'comparator'", "'5%以内' states an upper bound"]),
    ("more-than-as-at-most", _set_cells("pledges.csv", MORE_THAN, comparator="<="),
     [f"pledges.csv, row {MORE_THAN}, field 'comparator'", "'more than 5,500' states a lower bound"]),
    ("yishang-as-at-most", _set_cells("pledges.csv", YISHANG, comparator="<="),
     [f"pledges.csv, row {YISHANG}, field 'comparator'", "'100万人以上' states a lower bound"]),
    ("tupo-observation-as-at-most", _set_cells("observations.csv", TUPO, comparator="<="),
     [f"observations.csv, row {TUPO}, field 'comparator'", "'突破5000' states a lower bound"]),
    ("more-than-as-exact", _set_cells("pledges.csv", MORE_THAN, comparator="="),
     [f"pledges.csv, row {MORE_THAN}, field 'comparator'", "comparator '=' contradicts the quote"]),
    ("direction-flipped-ratio", _set_cells("indicators.csv", RATIO, direction="higher_is_better"),
     [f"indicators.csv, row {RATIO}, field 'direction'", "contradicts its pledges"]),
    ("direction-flipped-unemployment", _set_cells("indicators.csv", UNEMPLOYMENT, direction="higher_is_better"),
     [f"indicators.csv, row {UNEMPLOYMENT}, field 'direction'", "commit to a decrease"]),
    ("target-year-before-document", _set_cells("pledges.csv", INCOME_PLEDGE, target_year="2015"),
     [f"pledges.csv, row {INCOME_PLEDGE}, field 'target_year'", "target year 2015 is before the year its source"]),
    ("baseline-year-after-document", _set_cells("pledges.csv", INCOME_PLEDGE, baseline_year="2023",
                                                baseline_value="60000"),
     [f"pledges.csv, row {INCOME_PLEDGE}, field 'baseline_year'", "baseline year 2023 is after the publication"]),
    ("published-before-plan-period", _set_cells("sources.csv", PLAN, published="2012-07-19"),
     [f"sources.csv, row {PLAN}, field 'published'", "the plan period 2021-2025 in its title starts after it"]),
    ("published-before-its-figures", _set_cells("sources.csv", COMMUNIQUE_2022, published="2013-03-01"),
     [f"sources.csv, row {COMMUNIQUE_2022}, field 'published'", "contradicts the source's own figures"]),
    ("published-after-its-targets", _set_cells("sources.csv", GWR_2023, published="2025-01-12"),
     [f"sources.csv, row {GWR_2023}, field 'published'", "contradicts the source's own figures"]),
    ("scale-against-billion", _set_cells("pledges.csv", BILLION, scale="1000", target_value="170000"),
     [f"pledges.csv, row {BILLION}, field 'scale'", "contradicts '170 billion' in the quote"]),
    ("scale-against-yi", _set_cells("observations.csv", YI, scale="1", value="8865.1"),
     [f"observations.csv, row {YI}, field 'scale'", "contradicts '8865.1亿' in the quote", "scale of 0.1"]),
    ("scale-against-wan-in-a-pledge", _set_cells("pledges.csv", YISHANG, scale="1", target_value="100"),
     [f"pledges.csv, row {YISHANG}, field 'scale'", "contradicts '100万' in the quote"]),
    ("target-far-from-its-series", _set_cells("pledges.csv", INCOME_PLEDGE, scale="10", target_value="750000"),
     [f"pledges.csv, row {INCOME_PLEDGE}, field 'target_value'", "times the highest achieved figure of its series"]),
    ("growth-rate-in-yuan", _set_cells("indicators.csv", INCOME, measure="growth"),
     [f"indicators.csv, row {INCOME}, field 'measure'", "measure 'growth' contradicts unit 'yuan'"]),
    ("level-in-percent", _set_cells("indicators.csv", FOREST, measure="level"),
     [f"indicators.csv, row {FOREST}, field 'measure'", "measure 'level' contradicts unit '%'"]),
    ("same-pledge-second-id", _append_copy("pledges.csv", INCOME_PLEDGE, pledge_id="CPPLAN21-999"),
     [f"pledges.csv, row {_rows_in('pledges.csv') + 1}, field 'pledge_id'", "repeats pledge 'CPPLAN21-002'"]),
    ("quote-not-verbatim", _set_cells("pledges.csv", LESS_THAN, quote="reduce the income gap between urban and "
                                      "rural residents to clearly less than 1.9"),
     [f"pledges.csv, row {LESS_THAN}, field 'quote'", "not verbatim in its source document 'zj_cp_plan_2021'"]),
    ("seed-document-missing", _set_cells("sources.csv", PLAN, document="002_no_such_document.txt"),
     [f"sources.csv, row {PLAN}, field 'document'", "'002_no_such_document.txt' not found"]),
]


@pytest.mark.parametrize(("change", "phrases"), [c[1:] for c in SLIP_CASES], ids=[c[0] for c in SLIP_CASES])
def test_a_slip_that_flips_a_verdict_is_refused(tmp_path, seeds, change, phrases):
    test_bad_file(tmp_path, change, phrases)


def test_the_shipped_data_passes_the_slip_rules(seeds):
    import analysis

    analysis.load(provenance=True)


def test_missing_seed_documents_are_said_once(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(paths.data_dir(), data)
    from unittest import mock

    with mock.patch.dict(os.environ, {"ZJCP_SEEDS_DIR": str(tmp_path / "no-seeds")}):
        result = validate_in_process(data)
    assert result.returncode == 0, result.stderr
    assert_one_line(result, "warning: source documents not found at", "no-seeds", "quotes were not checked")


# --- the build never damages what it did not write (issue 22) -------------------------------------


def _published_env(published) -> dict:
    return {"ZJCP_REPORTS_DIR": str(published / "reports"), "ZJCP_BUILD_DIR": str(published / "build")}


def test_output_into_a_folder_a_build_did_not_write_is_refused(published, tmp_path):
    folder = tmp_path / "my-documents"
    folder.mkdir()
    (folder / "thesis.html").write_text("years of work")
    (folder / "index.html").write_text("my own index")
    before, mine = tree_hashes(published), tree_hashes(folder)
    result = run_build(_published_env(published), "--output", str(folder))
    assert result.returncode == 2
    assert_one_line(result, f"refusing --output {folder}", "not an earlier build's output")
    assert tree_hashes(folder) == mine and tree_hashes(published) == before


def test_output_into_an_earlier_output_or_an_empty_folder_is_accepted(workspace, tmp_path):
    from .test_runner import cli

    make_notebook(workspace["notebooks"], "01-a", "print('a')")
    empty = tmp_path / "empty"
    empty.mkdir()
    assert cli("--output", str(empty)).returncode == 0
    assert (empty / ".zjcp-manifest.json").is_file() and (empty / "01-a.html").is_file()
    result = cli("--output", str(empty), "--force")  # the folder is now an earlier build's output
    assert result.returncode == 0, result.stderr


#: Folders of the project (and above it) no build may write into. ``--kernel`` names no kernel, so
#: that a build that wrongly accepted the folder would still stop before writing a report there.
PROJECT_FOLDERS = [
    ("data", lambda: paths.ROOT / "data", "it is the project's data folder"),
    ("data-subfolder", lambda: paths.ROOT / "data" / "out", "it is inside the project's data folder"),
    ("notebooks", lambda: paths.ROOT / "notebooks", "it is the project's notebooks folder"),
    ("root", lambda: paths.ROOT, "it is the project's root"),
    ("parent", lambda: paths.ROOT.parent, "a folder that holds the project"),
    ("filesystem-root", lambda: Path("/"), "a folder that holds the project"),
]


@pytest.mark.parametrize(("folder", "phrase"), [c[1:] for c in PROJECT_FOLDERS], ids=[c[0] for c in PROJECT_FOLDERS])
def test_output_into_the_project_is_refused(published, folder, phrase):
    target = folder()
    before = tree_hashes(published)
    project = tree_hashes(paths.ROOT / "data"), tree_hashes(paths.ROOT / "notebooks")
    result = run_build(_published_env(published), "--output", str(target), "--kernel", "no-such-kernel")
    assert result.returncode == 2
    assert_one_line(result, f"refusing --output {target}", phrase)
    assert tree_hashes(published) == before
    assert (tree_hashes(paths.ROOT / "data"), tree_hashes(paths.ROOT / "notebooks")) == project
    assert not (paths.ROOT / "index.html").exists() and not (paths.ROOT / "data" / "out").exists()


def test_output_into_a_data_copy_is_refused(published, data_copy):
    before = tree_hashes(data_copy)
    result = run_build(dict(_published_env(published), ZJCP_DATA_DIR=str(data_copy)), "--output", str(data_copy))
    assert result.returncode == 2
    assert_one_line(result, "it is the project's data folder")
    assert tree_hashes(data_copy) == before


REQUEST_CASES = [
    (["--only", "notebooks/01-income-gap.ipynb"], "--only takes a notebook name or an indicator id, not a path"),
    (["--only", "../gdp"], "not a path: '../gdp'"),
    (["-p", "indicator_id", "no_such_indicator"], "parameter indicator_id='no_such_indicator': unknown indicator"),
    (["--only", "gdp", "-p", "indicator_id", "gdp_growth_rate"], "every page sets its own indicator_id"),
    (["--timeout", "99999999999"], "timeout must be at most 86400 seconds"),
    (["--only", "gdp", "-p", "as_of_year", "2023"], "would mix as_of_year (00-overview as of 2025"),
    (["--only", "gdp", "--only", "01-income-gap", "-p", "as_of_year", "2023"], "indicators/gdp as of 2023"),
]


@pytest.mark.parametrize(("args", "message"), REQUEST_CASES, ids=[" ".join(a) for a, _ in REQUEST_CASES])
def test_a_bad_request_is_refused_before_anything_runs(published, args, message):
    before = tree_hashes(published)
    result = run_build(_published_env(published), *args)
    assert result.returncode == 2, result.stderr
    assert_one_line(result, message)
    assert tree_hashes(published) == before


def test_the_build_deletes_only_pages_it_wrote(published, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(published, copy)
    foreign = copy / "reports" / "indicators" / "my_notes.html"
    foreign.write_text("<p>kept</p>")
    result = run_build(_published_env(copy), "--only", "gdp")
    assert result.returncode == 0, result.stderr
    assert foreign.read_text() == "<p>kept</p>"


# --- the Python API refuses what the command line refuses (issue 22) ------------------------------


@pytest.fixture(scope="module")
def shipped():
    import analysis

    return analysis.load()


def _api_call(name: str):
    from analysis.method import hindcast, progress, trends
    from analysis.method.coverage import coverage
    from analysis.present import plots

    def table(ds):
        return progress.progress_table(ds, as_of=2023)

    return {
        "as_of-too-early": lambda ds: progress.progress_table(ds, as_of=1800),
        "as_of-too-late": lambda ds: progress.progress_table(ds, as_of=3000),
        "as_of-not-integer": lambda ds: progress.progress_table(ds, as_of=2023.5),
        "as_of-a-string": lambda ds: trends.project(ds, as_of="2023"),
        "alpha-above-one": lambda ds: trends.project(ds, alpha=1.5),
        "alpha-zero": lambda ds: hindcast.hindcast(ds, alpha=0),
        "alpha-negative-in-trajectory": lambda ds: plots.trajectory(ds, table(ds).iloc[0], 2023, alpha=-0.1),
        "hindcast-unknown-kind": lambda ds: hindcast.hindcast(ds, kind="arima"),
        "project-unknown-kind": lambda ds: trends.project(ds, kind="spline"),
        "compare-kinds-a-string": lambda ds: hindcast.compare(ds, kinds="ols"),
        "thresholds-out-of-order": lambda ds: progress.Thresholds(on_track=0.5, acceleration_needed=0.6),
        "no-target-thresholds-out-of-order": lambda ds: progress.Thresholds(no_target_high=0.001),
        "coverage-unknown-geography": lambda ds: coverage(ds, geographies=["Atlantis"]),
        "coverage-geographies-a-string": lambda ds: coverage(ds, geographies="Zhejiang"),
        "coverage-indicators-a-string": lambda ds: coverage(ds, indicators="gdp"),
        "progress-table-of-a-dataframe": lambda ds: progress.progress_table(ds.pledges),
        "project-of-a-dataframe": lambda ds: trends.project(ds.observations),
        "coverage-of-a-dataframe": lambda ds: coverage(ds.observations),
        "hindcast-of-a-dataframe": lambda ds: hindcast.hindcast(ds.observations),
        "trajectory-empty-series": lambda ds: plots.trajectory(ds, __import__("pandas").Series(dtype=float), 2023),
        "trajectory-a-table": lambda ds: plots.trajectory(ds, table(ds), 2023),
        "project-table-of-another-year": lambda ds: trends.project(ds, as_of=2024, table=table(ds)),
    }[name]


API_CASES = [
    ("as_of-too-early", ValueError, "progress_table: as_of=1800: expected a year from"),
    ("as_of-too-late", ValueError, "progress_table: as_of=3000: expected a year from"),
    ("as_of-not-integer", TypeError, "progress_table: as_of must be an integer year, got 2023.5"),
    ("as_of-a-string", TypeError, "project: as_of must be an integer year, got '2023'"),
    ("alpha-above-one", ValueError, "project: alpha=1.5: expected a number between 0 and 1"),
    ("alpha-zero", ValueError, "hindcast: alpha=0: expected a number between 0 and 1"),
    ("alpha-negative-in-trajectory", ValueError, "trajectory: alpha=-0.1"),
    ("hindcast-unknown-kind", ValueError, "hindcast: kind='arima': expected one of 'rw_drift', 'ols'"),
    ("project-unknown-kind", ValueError, "project: kind='spline'"),
    ("compare-kinds-a-string", TypeError, "compare: kinds must be a list of names, not the string 'ols'"),
    ("thresholds-out-of-order", ValueError, "Thresholds out of order: expected on_track >= acceleration_needed"),
    ("no-target-thresholds-out-of-order", ValueError, "expected no_target_high >= no_target_med >= no_target_low"),
    ("coverage-unknown-geography", ValueError, "coverage: unknown geography 'Atlantis'"),
    ("coverage-geographies-a-string", TypeError, "coverage: geographies must be a list of names, not the string"),
    ("coverage-indicators-a-string", TypeError, "coverage: indicators must be a list of names, not the string 'gdp'"),
    ("progress-table-of-a-dataframe", TypeError, "progress_table: dataset must be a Dataset"),
    ("project-of-a-dataframe", TypeError, "project: dataset must be a Dataset (from analysis.load()), got a DataFrame"),
    ("coverage-of-a-dataframe", TypeError, "coverage: dataset must be a Dataset"),
    ("hindcast-of-a-dataframe", TypeError, "hindcast: dataset must be a Dataset"),
    ("trajectory-empty-series", ValueError, "trajectory: pledge is an empty Series"),
    ("trajectory-a-table", TypeError, "trajectory: pledge must be one row of the progress table"),
    ("project-table-of-another-year", ValueError, "project: table was computed as of 2023, not as of 2024"),
]


@pytest.mark.parametrize(("name", "error", "message"), API_CASES, ids=[c[0] for c in API_CASES])
def test_the_python_api_refuses_what_the_command_line_refuses(shipped, name, error, message):
    import re

    with pytest.raises(error, match=re.escape(message)):
        _api_call(name)(shipped)


def test_the_python_api_accepts_the_notebooks_calls(shipped):
    from analysis.method import progress, trends
    from analysis.method.coverage import coverage

    assert len(progress.progress_table(shipped, as_of=2023)) == len(shipped.pledges)
    table = progress.progress_table(shipped, as_of=2024)
    assert len(trends.project(shipped, as_of=2024, alpha=0.2, table=table)) == len(table)
    assert len(coverage(shipped, geographies=("Zhejiang", "Jiaxing"), indicators=["gdp"])) == 2
    progress.Thresholds(on_track=0.6, acceleration_needed=0.6)  # equal is not out of order


# --- no tracebacks (issue 22) ------------------------------------------------------------------------

BAD_STATES = [
    ("a-list", b"[]"),
    ("notebooks-a-list", b'{"notebooks": [], "statuses": {}}'),
    ("record-a-string", b'{"notebooks": {"01-a": "ok"}, "statuses": {}}'),
    ("seconds-a-word", b'{"notebooks": {"01-a": {"status": "ok", "seconds": "slow"}}, "statuses": {}}'),
    ("statuses-a-list", b'{"notebooks": {}, "statuses": []}'),
    ("not-utf8", b'{"notebooks": {"01-a": "\xff"}}'),
]


@pytest.mark.parametrize("content", [c[1] for c in BAD_STATES], ids=[c[0] for c in BAD_STATES])
def test_a_build_state_of_another_shape_is_no_state(workspace, content):
    from .test_runner import cli

    make_notebook(workspace["notebooks"], "01-a", "print('built again')")
    workspace["build"].mkdir()
    (workspace["build"] / "state.json").write_bytes(content)
    result = cli()
    assert result.returncode == 0, result.stderr
    assert_one_line(result, "warning:", "state.json is not a build state", "every report is built again")
    assert "01-a: ok" in result.stdout and "built again" in (workspace["reports"] / "01-a.html").read_text()
    assert json.loads((workspace["build"] / "state.json").read_text())["notebooks"]["01-a"]["status"] == "ok"


def test_indicator_pages_in_a_file_are_refused_before_any_report_is_rewritten(published, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(published, copy)
    shutil.rmtree(copy / "reports" / "indicators")
    (copy / "reports" / "indicators").write_text("not a folder")
    before = tree_hashes(copy)
    result = run_build(_published_env(copy), "--force")
    assert result.returncode == 2
    assert_one_line(result, "reports/indicators is not a folder")
    assert tree_hashes(copy) == before


def test_a_failed_page_names_the_templates_own_cell_and_the_index_marks_it(tmp_path):
    import nbformat

    notebooks = tmp_path / "notebooks"
    shutil.copytree(paths.notebooks_dir(), notebooks)
    template = nbformat.read(notebooks / "indicator.ipynb", as_version=4)
    code = [i for i, cell in enumerate(template.cells) if cell.cell_type == "code"]
    # a new fourth code cell that fails on one page only
    template.cells.insert(code[2] + 1, nbformat.v4.new_code_cell("if indicator_id == 'gdp':\n"
                                                                 "    raise ValueError('no page for gdp')"))
    nbformat.write(template, notebooks / "indicator.ipynb")
    env = {"ZJCP_NOTEBOOKS_DIR": str(notebooks), "ZJCP_REPORTS_DIR": str(tmp_path / "reports"),
           "ZJCP_BUILD_DIR": str(tmp_path / "build")}
    result = run_build(env, "--only", "gdp", "--only", "urban_rural_income_ratio")
    assert result.returncode == 1, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]  # one line per edition
    assert [line.split(" (")[0] for line in lines] == ["indicators/gdp: failed", "zh-Hans/indicators/gdp: failed"], lines
    assert all("indicator.ipynb, cell 4: ValueError: no page for gdp" in line for line in lines)
    index = BeautifulSoup((tmp_path / "reports" / "index.html").read_text(encoding="utf-8"), "html.parser")
    failed = index.find(id="failed-pages")
    assert failed is not None and "1 indicator page failed" in failed.get_text()
    assert "gdp: failed: indicator.ipynb, cell 4: ValueError: no page for gdp" in index.select_one("ul.failed-pages").get_text()


# --- clear messages (issue 22) ----------------------------------------------------------------------


def _header_cell(file: str, column: str, written: str):
    def change(folder: Path) -> None:
        text = (folder / file).read_text(encoding="utf-8")
        first, rest = text.split("\n", 1)
        cells = first.split(",")
        cells[cells.index(column)] = written
        (folder / file).write_text(",".join(cells) + "\n" + rest, encoding="utf-8")

    return change


MESSAGE_CASES = [
    ("decimal-comma-in-a-pledge", _set_cells("pledges.csv", LESS_THAN, quoted_value="1,9"),
     [f"pledges.csv, row {LESS_THAN}, field 'quoted_value'", "'1,9' has a decimal comma"]),
    ("decimal-comma-in-an-observation", _set_cells("observations.csv", INCOME_2022, quoted_value="6030,2"),
     [f"observations.csv, row {INCOME_2022}, field 'quoted_value'", "'6030,2' has a decimal comma"]),
    ("inverted-natural-bounds", _set_cells("indicators.csv", FOREST, lower_bound="100", upper_bound="0"),
     [f"indicators.csv, row {FOREST}, field 'lower_bound'", "natural bounds inverted: lower_bound 100 is above "
                                                              "upper_bound 0"]),
    ("header-cell-with-a-stray-space", _header_cell("observations.csv", "value", " value"),
     ["observations.csv, row 1, field 'value'", "header cell ' value' has stray spaces: write 'value'"]),
    ("header-cell-with-a-trailing-space", _header_cell("sources.csv", "note", "note "),
     ["sources.csv, row 1, field 'note'", "has stray spaces"]),
]


@pytest.mark.parametrize(("change", "phrases"), [c[1:] for c in MESSAGE_CASES], ids=[c[0] for c in MESSAGE_CASES])
def test_a_slip_gets_a_message_that_names_its_cause(tmp_path, change, phrases):
    test_bad_file(tmp_path, change, phrases)


# --- text that cannot restructure or reorder a page (issue 22) ------------------------------------

TEXT_CASES = [
    ("bidi-override-in-a-name", _set_cells("indicators.csv", FOREST, name="Forest \u202ecoverage"),
     [f"indicators.csv, row {FOREST}, field 'name'", "bidirectional control character (U+202E)", "Forest \\u202ecoverage"]),
    ("bidi-isolate-in-a-quote", _set_cells("pledges.csv", LESS_THAN, quote="\u2066reduce the income gap between urban "
                                           "and rural residents to less than 1.9\u2069"),
     [f"pledges.csv, row {LESS_THAN}, field 'quote'", "bidirectional control character (U+2066)"]),
    ("bell-in-a-note", _set_cells("observations.csv", INCOME_2022, note="checked\x07twice"),
     [f"observations.csv, row {INCOME_2022}, field 'note'", "control character (U+0007)", "checked\\u0007twice"]),
    ("tab-in-a-title", _set_cells("sources.csv", PLAN, title="Implementation\tPlan"),
     [f"sources.csv, row {PLAN}, field 'title'", "control character (U+0009)"]),
    ("line-break-in-a-title", _set_cells("sources.csv", PLAN, title_en="Implementation Plan\n<h1>Fake</h1>"),
     [f"sources.csv, row {PLAN}, field 'title_en'", "holds a line break", "Plan\\n<h1>"]),
    ("line-separator-in-an-issuer", _set_cells("sources.csv", PLAN, issuer="Zhejiang\u2028provincial authorities"),
     [f"sources.csv, row {PLAN}, field 'issuer'", "holds a line break", "Zhejiang\\u2028provincial"]),
    ("line-break-in-a-name", _set_cells("indicators.csv", INCOME, name="Per capita\ndisposable income"),
     [f"indicators.csv, row {INCOME}, field 'name'", "holds a line break"]),
    ("line-break-in-an-id", _set_cells("pledges.csv", LESS_THAN, pledge_id="CPPLAN21-007\n"),
     [f"pledges.csv, row {LESS_THAN}, field 'pledge_id'", "holds a line break"]),
    ("name-far-too-long", _set_cells("indicators.csv", FOREST, name="Forest coverage " + "very " * 200),
     [f"indicators.csv, row {FOREST}, field 'name'", "is 1016 characters long; a name has at most 500"]),
    ("zero-width-joiner-shown-escaped", _set_cells("indicators.csv", FOREST, theme="ecology\u200d_energy"),
     [f"indicators.csv, row {FOREST}, field 'theme'", "'ecology\\u200d_energy' breaks the rule"]),
]


@pytest.mark.parametrize(("change", "phrases"), [c[1:] for c in TEXT_CASES], ids=[c[0] for c in TEXT_CASES])
def test_text_that_could_reorder_a_page_is_refused(tmp_path, change, phrases):
    data = tmp_path / "data"
    shutil.copytree(paths.data_dir(), data)
    change(data)
    result = validate_in_process(data)
    assert result.returncode == 2, result.stderr[-2000:]
    assert_one_line(result, *phrases)
    assert not any(ch in result.stderr for ch in "\u202e\u2066\u2028\u200d\x07\t")  # shown escaped, never raw


def test_a_link_text_is_never_decoded_into_a_control_character():
    import pandas as pd

    from analysis.present.tables import source_link

    hostile = str(source_link(pd.Series({"url": "https://example.org/%E2%80%AEfdp.exe%0A%00"})))
    assert ">https://example.org/%E2%80%AEfdp.exe%0A%00</a>" in hostile and "\u202e" not in hostile
    chinese = str(source_link(pd.Series({"url": "http://example.org/%E6%B5%99%E6%B1%9F%20x"})))
    assert ">http://example.org/浙江 x</a>" in chinese  # readable where decoding is harmless


# --- a killed build leaves nothing running (issue 22) ------------------------------------------------


def _slow_template(tmp_path: Path, slow: str) -> dict:
    """Notebooks whose indicator template sleeps on ``slow``'s page; the folders of a build of them."""
    import nbformat

    notebooks = tmp_path / "notebooks"
    shutil.copytree(paths.notebooks_dir(), notebooks)
    template = nbformat.read(notebooks / "indicator.ipynb", as_version=4)
    code = [i for i, cell in enumerate(template.cells) if cell.cell_type == "code"]
    template.cells.insert(code[1] + 1, nbformat.v4.new_code_cell(f"if indicator_id == {slow!r}:\n"
                                                                 "    import time\n    time.sleep(600)"))
    nbformat.write(template, notebooks / "indicator.ipynb")
    return {"ZJCP_NOTEBOOKS_DIR": str(notebooks), "ZJCP_REPORTS_DIR": str(tmp_path / "reports"),
            "ZJCP_BUILD_DIR": str(tmp_path / "build")}


def _start_build(env: dict, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "analysis", "build", "--quiet", *args], env=dict(os.environ, **env),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait(predicate, seconds: float) -> bool:
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    return predicate()


def _running(pids) -> list[int]:
    import psutil

    alive = []
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                alive.append(pid)
        except psutil.NoSuchProcess:
            pass
    return alive


def _workers_of(pid: int) -> list:
    """The build's worker processes: forked from its fork server (and the fork server itself)."""
    import psutil

    return [p for p in psutil.Process(pid).children(recursive=True) if "forkserver" in " ".join(p.cmdline())]


@pytest.mark.parametrize("signal_name", ["SIGTERM", "SIGKILL"])
def test_a_killed_build_leaves_nothing_running(tmp_path, signal_name):
    import signal

    import psutil

    env = _slow_template(tmp_path, "urban_rural_income_ratio")
    build = _start_build(env, "--only", "gdp", "--only", "urban_rural_income_ratio", "--jobs", "2")
    try:
        page = tmp_path / "reports" / "indicators" / "gdp.html"
        assert _wait(lambda: page.is_file() and len(_workers_of(build.pid)) >= 3, 240), build.stderr
        _wait(lambda: False, 3)  # the build receives the finished page
        family = [p.pid for p in psutil.Process(build.pid).children(recursive=True)]
        assert len(family) >= 3  # the fork server and two workers (one of them asleep in a page)
        build.send_signal(getattr(signal, signal_name))
        _, stderr = build.communicate(timeout=60)
    finally:
        if build.poll() is None:
            build.kill()
    assert _wait(lambda: not _running(family), 30), [psutil.Process(p).cmdline() for p in _running(family)]
    if signal_name == "SIGTERM":
        assert build.returncode == 143
        assert stderr.strip().splitlines()[-1] == "error: interrupted; reports already written are kept"
        state = json.loads((tmp_path / "build" / "state.json").read_text())
        assert state["pages"]["gdp"]["status"] == "ok"  # recorded: the next build does not redo it
        again = run_build(env, "--only", "gdp")
        assert again.returncode == 0, again.stderr
        assert "indicator pages: 0 built, 1 unchanged, 0 failed" in again.stdout


def test_a_ratio_may_be_per_something(tmp_path):
    """A ratio per 1,000 persons (childcare places) is no slip: the measure-unit rule refuses a ratio in
    yuan, not one per something."""
    data = tmp_path / "data"
    shutil.copytree(paths.data_dir(), data)
    _set_cells("indicators.csv", _row_where("indicators.csv", indicator_id="childcare_places_per_1000"),
               measure="ratio")(data)
    assert validate_in_process(data).returncode == 0
    _set_cells("indicators.csv", INCOME, measure="ratio")(data)
    result = validate_in_process(data)
    assert result.returncode == 2
    assert_one_line(result, f"indicators.csv, row {INCOME}, field 'measure'", "a ratio is expressed in % or ratio")
