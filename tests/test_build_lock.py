"""One build at a time per build folder, with two real concurrent ``python -m analysis build`` processes.

A second build on the same folder is refused with one line and exit 2 (or waits with ``--wait``); a
killed build releases the lock; the state records a page as current only with the hash of the very
report in the folder, so nothing another process wrote is ever called ``cached``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from .conftest import state, tree_hashes
from .test_runner import cli, make_notebook

SLOW = "import time\ntime.sleep(8)\nprint(f'built with x={x}')"


def start(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "analysis", "build", "--quiet", *args], env=os.environ.copy(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def wait_until_running(workspace, name: str = "01-slow", timeout: float = 120) -> None:
    """Until the first build's worker has started the notebook (so it holds the lock)."""
    log = workspace["build"] / "logs" / f"{name}.log"
    deadline = time.monotonic() + timeout
    while not log.exists():
        assert time.monotonic() < deadline, "the first build never started its notebook"
        time.sleep(0.2)


def test_second_concurrent_build_is_refused_and_the_first_is_recorded_whole(workspace):
    make_notebook(workspace["notebooks"], "01-slow", SLOW)
    make_notebook(workspace["notebooks"], "02-quick", "print(f'quick x={x}')")
    first = start("-p", "x", "1")
    wait_until_running(workspace)
    second = subprocess.run([sys.executable, "-m", "analysis", "build", "--quiet", "-p", "x", "2"],
                            env=os.environ.copy(), capture_output=True, text=True, timeout=120, check=False)
    assert second.returncode == 2
    lines = [line for line in second.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "another build is running on" in lines[0] and "--wait" in lines[0], second.stderr
    out, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    for name in ("01-slow", "02-quick"):
        assert "x=1" in (workspace["reports"] / f"{name}.html").read_text()
        assert "x=2" not in (workspace["reports"] / f"{name}.html").read_text()
        assert state(workspace)["notebooks"][name]["parameters"] == {"x": 1}
    again = cli("-p", "x", "1")
    assert again.returncode == 0
    assert "01-slow: cached" in again.stdout and "02-quick: cached" in again.stdout


def test_wait_runs_the_second_build_after_the_first(workspace):
    make_notebook(workspace["notebooks"], "01-slow", SLOW)
    make_notebook(workspace["notebooks"], "02-quick", "print(f'quick x={x}')")
    first = start("-p", "x", "1")
    wait_until_running(workspace)
    second = start("--wait", "-p", "x", "2")
    _, err1 = first.communicate(timeout=300)
    _, err2 = second.communicate(timeout=300)
    assert first.returncode == 0, err1
    assert second.returncode == 0, err2
    # the folder holds one build's pages, all of the second (which ran last), and the state says so
    for name in ("01-slow", "02-quick"):
        html = (workspace["reports"] / f"{name}.html").read_text()
        assert "x=2" in html and "x=1" not in html
        assert state(workspace)["notebooks"][name]["parameters"] == {"x": 2}
        assert state(workspace)["notebooks"][name]["status"] == "ok"
    index = (workspace["reports"] / "index.html").read_text()
    assert index.count("x=2") == 2 and "x=1" not in index  # each page's parameters are recorded
    assert "cached" in cli("-p", "x", "2").stdout
    rebuilt = cli("-p", "x", "1")
    assert "01-slow: ok" in rebuilt.stdout and "02-quick: ok" in rebuilt.stdout


def test_a_killed_build_releases_the_lock(workspace):
    make_notebook(workspace["notebooks"], "01-slow", "import time\ntime.sleep(60)")
    first = start()
    wait_until_running(workspace)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    make_notebook(workspace["notebooks"], "01-slow", "print('quick now')")
    result = cli()
    assert result.returncode == 0, result.stderr
    assert "quick now" in (workspace["reports"] / "01-slow.html").read_text()


def test_a_report_changed_by_anything_else_is_not_called_cached(workspace):
    make_notebook(workspace["notebooks"], "01-a", "print('from the build')")
    assert cli().returncode == 0
    report = workspace["reports"] / "01-a.html"
    report.write_text(report.read_text().replace("from the build", "from somewhere else"))
    result = cli()
    assert result.returncode == 0
    assert "01-a: ok" in result.stdout  # rebuilt, not "cached"
    assert "from the build" in report.read_text()


def test_output_writes_elsewhere_with_its_own_state(workspace, tmp_path):
    make_notebook(workspace["notebooks"], "01-a", "print(f'x is {x}')")
    assert cli().returncode == 0
    published = tree_hashes(workspace["reports"])
    published_state = (workspace["build"] / "state.json").read_bytes()
    other = tmp_path / "as-of-elsewhere"
    result = cli("--output", str(other), "-p", "x", "7")
    assert result.returncode == 0, result.stderr
    assert "x is 7" in (other / "01-a.html").read_text()
    assert "x=7" in (other / "index.html").read_text()
    assert tree_hashes(workspace["reports"]) == published
    assert (workspace["build"] / "state.json").read_bytes() == published_state
    assert "01-a: cached" in cli().stdout  # the published build is still current


def test_pages_with_different_as_of_year_are_refused_or_marked(workspace):
    make_notebook(workspace["notebooks"], "01-a", "print(f'as of {as_of_year}')", params="as_of_year = 2025")
    make_notebook(workspace["notebooks"], "02-b", "print(f'as of {as_of_year}')", params="as_of_year = 2025")
    assert cli().returncode == 0
    before = tree_hashes(workspace["reports"])
    refused = cli("--only", "01", "-p", "as_of_year", "2023")
    assert refused.returncode == 2
    assert "would mix as_of_year (01-a as of 2023, 02-b as of 2025)" in refused.stderr
    assert tree_hashes(workspace["reports"]) == before
    # a rebuild of all at 2023 where one fails keeps that one's 2025 report: the index says it differs
    make_notebook(workspace["notebooks"], "02-b", "raise ValueError('no')", params="as_of_year = 2025")
    result = cli("-p", "as_of_year", "2023")
    assert result.returncode == 1
    index = (workspace["reports"] / "index.html").read_text()
    assert "built as of 2025, not 2023: not part of this scorecard" in index
    assert "as_of_year=2023" in index
    assert tree_hashes(workspace["reports"])["02-b.html"] == before["02-b.html"]
