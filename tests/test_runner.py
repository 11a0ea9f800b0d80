"""The report runner: parameters, cache, failure isolation, atomic writes, exit codes.

Most tests run the real CLI (``python -m analysis build``) in a subprocess on small notebooks made
here, with the notebooks, reports and build folders pointed at temporary copies.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from analysis.builder import store
from analysis.data import paths

from .conftest import state, tree_hashes


def make_notebook(folder: Path, name: str, body: str, params: str = "x = 1") -> Path:
    nb = new_notebook(cells=[
        new_markdown_cell(f"# Title of {name}\n\nA question."),
        new_code_cell(params, metadata={"tags": ["parameters"]}),
        new_markdown_cell("## A section"),
        new_code_cell(body),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def cli(*args: str, timeout: int = 240) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "analysis", "build", "--quiet", *args],
        capture_output=True, text=True, timeout=timeout, env=os.environ.copy(), check=False,
    )


def test_help_lists_the_options():
    out = subprocess.run([sys.executable, "-m", "analysis", "build", "--help"], capture_output=True, text=True, check=False)
    assert out.returncode == 0
    for option in ("--only", "--parameter", "--force", "--jobs", "--kernel", "--timeout"):
        assert option in out.stdout


def test_failure_is_isolated_and_exit_code_is_one(workspace):
    make_notebook(workspace["notebooks"], "01-good", "print('fine', x)")
    make_notebook(workspace["notebooks"], "02-bad", "raise ValueError('broken on purpose')")
    make_notebook(workspace["notebooks"], "03-good", "print('also fine')")
    result = cli()
    assert result.returncode == 1, result.stderr
    assert "02-bad: failed" in result.stderr and "broken on purpose" in result.stderr
    assert (workspace["reports"] / "01-good.html").is_file()
    assert (workspace["reports"] / "03-good.html").is_file()
    assert not (workspace["reports"] / "02-bad.html").exists()
    index = (workspace["reports"] / "index.html").read_text()
    assert "ValueError: broken on purpose" in index
    assert 'class="build-failed">failed' in index


def test_failed_rebuild_keeps_previous_good_report(workspace):
    nb = make_notebook(workspace["notebooks"], "01-flaky", "print('version one')")
    assert cli().returncode == 0
    report = workspace["reports"] / "01-flaky.html"
    before = report.read_bytes()
    make_notebook(workspace["notebooks"], "01-flaky", "raise RuntimeError('version two fails')")
    assert nb.is_file()
    result = cli()
    assert result.returncode == 1
    assert report.read_bytes() == before
    index = (workspace["reports"] / "index.html").read_text()
    assert "version two fails" in index and "previous good report kept" in index


def test_unchanged_inputs_are_skipped_and_force_rebuilds(workspace):
    make_notebook(workspace["notebooks"], "01-a", "print('a')")
    make_notebook(workspace["notebooks"], "02-b", "print('b')")
    assert cli().returncode == 0
    first = tree_hashes(workspace["reports"])
    assert {v["status"] for v in state(workspace)["notebooks"].values()} == {"ok"}

    again = cli()
    assert again.returncode == 0
    assert "01-a: cached" in again.stdout and "02-b: cached" in again.stdout
    assert tree_hashes(workspace["reports"]) == first  # nothing to do: nothing rewritten, index included

    make_notebook(workspace["notebooks"], "02-b", "print('b changed')")
    assert cli().returncode == 0
    statuses = {k: v["status"] for k, v in state(workspace)["notebooks"].items()}
    assert statuses == {"01-a": "cached", "02-b": "ok"}

    index = (workspace["reports"] / "index.html").read_text()
    assert 'class="build-cached">cached' in index and 'class="build-ok">ok' in index

    assert cli("--force").returncode == 0
    assert {v["status"] for v in state(workspace)["notebooks"].values()} == {"ok"}


def test_changed_data_invalidates_the_cache(workspace, data_copy, monkeypatch):
    monkeypatch.setenv("ZJCP_DATA_DIR", str(data_copy))
    make_notebook(workspace["notebooks"], "01-a", "print('a')")
    assert cli().returncode == 0
    with (data_copy / "sources.csv").open("a", encoding="utf-8") as fh:
        fh.write('extra_source,Extra,Extra,Someone,other,2024-01-01,,https://example.org/x,,,\n')
    assert cli().returncode == 0
    assert state(workspace)["notebooks"]["01-a"]["status"] == "ok"


def test_parameters_are_injected_and_typed(workspace):
    make_notebook(workspace["notebooks"], "01-p", "print(f'year={as_of_year + 1} name={label}')",
                  params="as_of_year = 2025\nlabel = 'x'")
    result = cli("-p", "as_of_year", "2019", "-p", "label", "hello")
    assert result.returncode == 0, result.stderr
    html = (workspace["reports"] / "01-p.html").read_text()
    assert "year=2020 name=hello" in html


@pytest.fixture(scope="module")
def one_notebook_built(tmp_path_factory) -> Path:
    """notebooks/, reports/ and build/ of a good build of one small notebook, to copy."""
    root = tmp_path_factory.mktemp("one-notebook")
    (root / "notebooks").mkdir()
    make_notebook(root / "notebooks", "01-a", "print('a')")
    env = dict(os.environ, **{f"ZJCP_{name.upper()}_DIR": str(root / name) for name in ("notebooks", "reports", "build")})
    result = subprocess.run([sys.executable, "-m", "analysis", "build", "--quiet"], env=env, capture_output=True,
                            text=True, timeout=240, check=False)
    assert result.returncode == 0, result.stderr
    return root


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--only", "99-nothing"], "unknown notebook '99-nothing'"),
        (["-p", "colour", "red"], "unknown parameter 'colour'"),
        (["-p", "x", "one"], "parameter 'x': expected int, got 'one'"),
        (["--kernel", "no-such-kernel"], "kernel 'no-such-kernel' not found"),
        (["--timeout", "0"], "timeout must be a positive number"),
    ],
)
def test_bad_requests_exit_two_and_write_nothing(workspace, one_notebook_built, args, message):
    for name, folder in workspace.items():  # a good build to leave untouched (made once for every case)
        shutil.copytree(one_notebook_built / name, folder, dirs_exist_ok=True)
    assert "01-a: cached" in cli().stdout
    before = tree_hashes(workspace["reports"])
    result = cli("--force", *args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert tree_hashes(workspace["reports"]) == before


def test_unwritable_output_folder(workspace, monkeypatch, tmp_path):
    make_notebook(workspace["notebooks"], "01-a", "print('a')")
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("ZJCP_REPORTS_DIR", str(blocker / "reports"))
    result = cli()
    assert result.returncode == 2
    assert "cannot write to output folder" in result.stderr and "a-file/reports" in result.stderr


def test_invalid_data_exits_two_before_running(workspace, data_copy, monkeypatch):
    monkeypatch.setenv("ZJCP_DATA_DIR", str(data_copy))
    make_notebook(workspace["notebooks"], "01-a", "print('a')")
    (data_copy / "pledges.csv").write_text("pledge_id\n", encoding="utf-8")
    result = cli()
    assert result.returncode == 2
    assert "pledges.csv" in result.stderr
    assert not workspace["reports"].exists() or not any(workspace["reports"].iterdir())


def test_timeout_fails_only_that_notebook(workspace):
    make_notebook(workspace["notebooks"], "01-slow", "import time\ntime.sleep(60)")
    make_notebook(workspace["notebooks"], "02-quick", "print('quick')")
    result = cli("--timeout", "5")
    assert result.returncode == 1
    assert "01-slow: failed" in result.stderr and "timed out after 5 s" in result.stderr
    assert (workspace["reports"] / "02-quick.html").is_file()


def test_only_selects_by_name_or_number(workspace):
    make_notebook(workspace["notebooks"], "01-a", "print('a')")
    make_notebook(workspace["notebooks"], "02-b", "print('b')")
    assert cli("--only", "02").returncode == 0
    assert sorted(p.name for p in workspace["reports"].glob("*.html")) == ["02-b.html", "corrections.html", "index.html"]


def test_atomic_write_replaces_whole_or_not_at_all(tmp_path, monkeypatch):
    target = tmp_path / "report.html"
    store.atomic_write(target, "old")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(store.os, "replace", broken_replace)
    with pytest.raises(OSError):
        store.atomic_write(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no temporary file left behind


def test_interrupted_build_keeps_reports_and_next_run_recovers(workspace):
    make_notebook(workspace["notebooks"], "01-a", "print('a')")
    make_notebook(workspace["notebooks"], "02-b", "print('b')")
    assert cli().returncode == 0
    before = tree_hashes(workspace["reports"])
    make_notebook(workspace["notebooks"], "01-a", "import time\ntime.sleep(60)")
    proc = subprocess.Popen([sys.executable, "-m", "analysis", "build", "--quiet", "--force"],
                            env=os.environ.copy(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    import signal
    import time

    time.sleep(6)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    after = tree_hashes(workspace["reports"])
    assert after["01-a.html"] == before["01-a.html"]
    assert not [name for name in after if name.endswith(".tmp")]
    make_notebook(workspace["notebooks"], "01-a", "print('a again')")
    assert cli().returncode == 0
    assert "a again" in (workspace["reports"] / "01-a.html").read_text()


def test_real_notebook_with_non_default_parameters(monkeypatch, tmp_path):
    monkeypatch.setenv("ZJCP_REPORTS_DIR", str(tmp_path / "reports"))
    monkeypatch.setenv("ZJCP_BUILD_DIR", str(tmp_path / "build"))
    result = cli("--only", "01-income-gap", "-p", "as_of_year", "2021")
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "reports" / "01-income-gap.html").read_text()
    assert "as of 2021" in html
    assert "60,302 yuan in 2022" not in html  # a 2022 figure cannot appear as latest when assessing as of 2021


def test_notebooks_are_committed_without_outputs():
    for path in sorted(paths.notebooks_dir().glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        assert all(not cell.get("outputs") for cell in nb.cells if cell.cell_type == "code"), path.name
        assert any("parameters" in cell.metadata.get("tags", []) for cell in nb.cells), path.name


def _limit_file_size(limit: int):
    """A ``preexec_fn`` making every file write beyond ``limit`` bytes fail with EFBIG, as a full disk would."""

    def apply():
        import resource

        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_full_disk_during_the_build_keeps_the_previous_reports(workspace):
    make_notebook(workspace["notebooks"], "01-a", "print('small')")
    assert cli().returncode == 0
    before = tree_hashes(workspace["reports"])
    make_notebook(workspace["notebooks"], "01-a", "print('x' * 2_000_000)")
    result = subprocess.run([sys.executable, "-m", "analysis", "build", "--quiet"], capture_output=True, text=True,
                            timeout=240, env=os.environ.copy(), check=False, preexec_fn=_limit_file_size(1_000_000))
    assert result.returncode in (1, 2), result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "cannot write" in lines[0] and "File too large" in lines[0], result.stderr
    assert str(workspace["build"]) in lines[0] or str(workspace["reports"]) in lines[0]
    after = tree_hashes(workspace["reports"])
    assert after["01-a.html"] == before["01-a.html"]
    assert not [name for name in after if name.endswith(".tmp")]


def test_unwritable_index_exits_two_with_the_path(workspace):
    make_notebook(workspace["notebooks"], "01-a", "print('a')")
    assert cli().returncode == 0
    report = (workspace["reports"] / "01-a.html").read_bytes()
    (workspace["reports"] / "index.html").unlink()
    (workspace["reports"] / "index.html").mkdir()  # a file that cannot be replaced (root ignores chmod)
    make_notebook(workspace["notebooks"], "01-a", "print('a again')")
    result = cli()
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert f"cannot write {workspace['reports'] / 'index.html'}" in lines[0] and "previous files are kept" in lines[0]
    # the page was rendered and written whole before the index failed; the state records exactly that page
    assert b"a again" in (workspace["reports"] / "01-a.html").read_bytes() != report
    assert state(workspace)["notebooks"]["01-a"]["report_sha256"] == hashlib.sha256(
        (workspace["reports"] / "01-a.html").read_bytes()).hexdigest()


def test_the_runner_imports_no_heavy_library_until_there_is_work():
    """A build with nothing to do takes well under a second (benchmarks/bench_build.py measures it):
    importing the command line and the runner must not import pandas, nbformat (jsonschema's grammar
    compiles on import), papermill, nbconvert or matplotlib; the steps import them when they run."""
    code = ("import sys, analysis.builder.cli, analysis.builder.runner\n"
            "print(sorted(m for m in ('pandas', 'nbformat', 'jsonschema', 'papermill', 'nbconvert', 'matplotlib',"
            " 'jinja2') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
