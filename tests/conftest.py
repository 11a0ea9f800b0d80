"""Shared fixtures: copies of the shipped dataset to break, the source documents, and the builds
several tests read.

The suite runs in parallel (``make test`` passes ``-n auto --dist loadgroup`` to pytest-xdist): an
expensive build that several tests only read is made once per session for all workers
(:func:`shared_once`, under a file lock); a module whose tests change what its fixture built is one
group (``xdist_group``). The notebooks run in a second pytest call, each whole on one worker.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from filelock import FileLock

from analysis.data import paths


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped data folder."""
    target = tmp_path / "data"
    shutil.copytree(paths.data_dir(), target)
    return target


@pytest.fixture(scope="session")
def seeds() -> Path:
    folder = paths.seeds_dir()
    if not folder.is_dir():
        pytest.skip(f"source documents not found at {folder} (../shared/seeds beside the project)")
    return folder


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def write_rows(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def tree_hashes(folder: Path) -> dict[str, str]:
    """Path -> sha256 of every file below folder (to prove nothing was written)."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


#: The indicator pages the shared test builds make (the main job and the benchmark build all of them):
#: two places and disagreeing sources, a Chinese name and a restated target, the template's default,
#: and an indicator with figures but no pledge.
SAMPLE_INDICATORS = ("gdp", "urban_rural_income_ratio", "childcare_places_per_1000", "commercial_charter_flights")


def selection_args() -> list[str]:
    """``--only`` arguments for the six reports and the sample indicator pages."""
    names = [p.stem for p in sorted(paths.notebooks_dir().glob("[0-9][0-9]-*.ipynb"))] + list(SAMPLE_INDICATORS)
    return [arg for name in names for arg in ("--only", name)]




def build_reports(target: Path, *args: str) -> Path:
    """Run the real main job into ``target`` (reports/ and build/ below it); return the reports folder.

    Without ``args``: the six reports and the sample indicator pages (:data:`SAMPLE_INDICATORS`).
    """
    import os
    import subprocess
    import sys

    args = args or tuple(selection_args())

    env = dict(os.environ, ZJCP_REPORTS_DIR=str(target / "reports"), ZJCP_BUILD_DIR=str(target / "build"))
    result = subprocess.run([sys.executable, "-m", "analysis", "build", "--quiet", *args], env=env,
                            capture_output=True, text=True, timeout=1200, check=False)
    assert result.returncode == 0, result.stderr
    return target / "reports"


def shared_once(tmp_path_factory, name: str, make) -> Path:
    """``make(folder)`` run once per test session, whichever worker asks first; the others wait for
    it (a file lock) and get the same folder. Tests read what it holds, never change it."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the session's folder, shared by its workers
    folder, done = base / name, base / f"{name}.done"
    with FileLock(str(base / f"{name}.lock")):
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            make(folder)
            done.touch()
    return folder


@pytest.fixture(scope="session")
def built_reports(tmp_path_factory) -> Path:
    """Every report built once from the shipped data, for the report and browser tests."""
    return shared_once(tmp_path_factory, "full-build", build_reports) / "reports"



@pytest.fixture
def workspace(tmp_path, monkeypatch):
    """Temporary notebooks/, reports/ and build/ folders, set for this process and subprocesses."""
    folders = {name: tmp_path / name for name in ("notebooks", "reports", "build")}
    folders["notebooks"].mkdir()
    for key, folder in folders.items():
        monkeypatch.setenv(f"ZJCP_{key.upper()}_DIR", str(folder))
    return folders


def state(workspace) -> dict:
    """The build state file of a :func:`workspace` build."""
    return json.loads((workspace["build"] / "state.json").read_text())
