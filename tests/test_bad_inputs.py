"""Bad input corpus: every column of every table, the command line, and notebook execution.

Each case runs the real main job (``python -m analysis build``) against reports that were already
published, and asserts: a non-zero exit, a one-line message that names what is wrong and where, and
``reports/`` exactly as it was (file hashes before and after). Notebook failures are the one
documented exception: by design the index then records the failure, while every report stays as it was.
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

from analysis import paths

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


def run_build(env_overrides: dict, *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    env = dict(os.environ, **env_overrides)
    return subprocess.run([sys.executable, "-m", "analysis", "build", "--quiet", *args], env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)


def assert_one_line(result, *phrases):
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    for phrase in phrases:
        assert phrase in lines[0], lines[0]


def test_corpus_is_large_enough():
    assert len(DATA_CASES) + len(CLI_CASES) + 2 >= 30
    assert {c[0] for c in DATA_CASES} == {"sources.csv", "indicators.csv", "pledges.csv", "observations.csv"}


@pytest.mark.parametrize(("file", "column", "value", "phrase"), DATA_CASES,
                         ids=[f"{c[0].removesuffix('.csv')}-{c[1]}" for c in DATA_CASES])
def test_bad_cell_in_every_column(published, tmp_path, file, column, value, phrase):
    data = tmp_path / "data"
    shutil.copytree(paths.data_dir(), data)
    _break_cell(data, file, column, value)
    before = tree_hashes(published)
    result = run_build({"ZJCP_DATA_DIR": str(data), "ZJCP_REPORTS_DIR": str(published / "reports"),
                        "ZJCP_BUILD_DIR": str(published / "build")})
    assert result.returncode == 2
    assert_one_line(result, f"{file}, row 2", f"field '{column}'", phrase)
    assert tree_hashes(published) == before


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
