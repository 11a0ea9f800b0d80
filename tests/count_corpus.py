"""Count the bad-input corpus of ``tests/test_bad_inputs.py``: clear error, crash or silent wrong answer.

Run ``python -m tests.count_corpus`` from the project folder. It builds the reports once into a
temporary folder (the "published" reports), then runs every case of the corpus against a copy of
them and classifies the outcome:

* **clear**: a non-zero exit, every stderr line an ``error: ...`` line (no traceback), and
  ``reports/``, ``build/`` and the data unchanged;
* **crash**: a traceback, or a non-zero exit that changed the published files;
* **silent wrong**: exit 0 (the bad input was accepted).

It prints one line per case and the three counts.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from analysis import paths

from .conftest import build_reports, tree_hashes
from .test_bad_inputs import CLI_CASES, DATA_CASES, FILE_CASES, PARAMETER_CASES, _break_cell


def _run(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analysis", *args], env=dict(os.environ, **env), capture_output=True,
                          text=True, timeout=600, check=False)


def _classify(result: subprocess.CompletedProcess, changed: bool) -> str:
    if "Traceback" in result.stderr:
        return "crash"
    if result.returncode == 0:
        return "silent wrong"
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    if changed or not lines or not all(line.startswith("error: ") for line in lines):
        return "crash"
    return "clear"


def cases(root: Path):
    """(name, prepare, args): ``prepare(data_folder)`` breaks a fresh copy of the data (or None)."""
    for file, column, value, _ in DATA_CASES:
        yield f"cell {file}:{column}", lambda d, f=file, c=column, v=value: _break_cell(d, f, c, v), ["build", "--quiet"]
    for args, _ in CLI_CASES:
        yield "cli " + " ".join(args), None, ["build", "--quiet", "--force", *args]
    for name, change, _ in FILE_CASES:
        yield f"file {name}", change, ["build", "--quiet"]
    for args, _ in PARAMETER_CASES:
        yield "parameters " + " ".join(args), None, args
    yield "unwritable output folder", "unwritable", ["build", "--quiet", "--force"]
    yield "second build while one runs", "locked", ["build", "--quiet", "--force"]


def main() -> int:
    root = Path(tempfile.mkdtemp(prefix="zjcp-corpus-"))
    try:
        reports = build_reports(root / "published")
        published = reports.parent
        counts = {"clear": 0, "crash": 0, "silent wrong": 0}
        for name, prepare, args in cases(root):
            data = root / "data"
            shutil.rmtree(data, ignore_errors=True)
            shutil.copytree(paths.data_dir(), data)
            env = {"ZJCP_DATA_DIR": str(data), "ZJCP_REPORTS_DIR": str(published / "reports"),
                   "ZJCP_BUILD_DIR": str(published / "build")}
            lock = None
            if prepare == "unwritable":
                (root / "blocker").write_text("x")
                env["ZJCP_REPORTS_DIR"] = str(root / "blocker" / "reports")
            elif prepare == "locked":
                lock = (published / "build" / ".lock").open("a")
                fcntl.flock(lock, fcntl.LOCK_EX)
            elif prepare is not None:
                prepare(data)
            before, data_before = tree_hashes(published), tree_hashes(data)
            result = _run(args, env)
            if lock is not None:
                lock.close()
            changed = tree_hashes(published) != before or tree_hashes(data) != data_before
            verdict = _classify(result, changed)
            counts[verdict] += 1
            first = (result.stderr.strip().splitlines() or [""])[0][:160]
            print(f"{verdict:12} exit {result.returncode}  {name}: {first}", flush=True)
        total = sum(counts.values())
        print(f"corpus: {total} cases; clear error {counts['clear']}, crash {counts['crash']}, "
              f"silent wrong {counts['silent wrong']}")
        return 0 if counts["crash"] == counts["silent wrong"] == 0 else 1
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
