"""ruff passes on the package, the tests, the benchmarks and the notebooks, and the package keeps its
floors (import-linter's contracts in pyproject.toml): both are `make lint`."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.data import paths


def test_ruff_is_clean():
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    if not Path(ruff).exists():
        pytest.skip("ruff is not installed (pip install -e '.[dev]')")
    result = subprocess.run([ruff, "check", "analysis", "tests", "benchmarks", "notebooks"], cwd=paths.ROOT,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def _lint_imports(root: Path) -> subprocess.CompletedProcess:
    tool = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    return subprocess.run([tool, "--no-cache", "--config", str(paths.ROOT / "pyproject.toml")], cwd=root,
                          capture_output=True, text=True, check=False,
                          env={"PATH": str(Path(sys.executable).parent), "PYTHONPATH": str(root)})


def test_the_floors_import_only_downward_and_no_module_imports_one_that_imports_it():
    result = _lint_imports(paths.ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


@pytest.mark.parametrize("module, line, broken", [
    # the verdict engine reaching up for a sentence (as progress once imported narrative for fmt)
    ("method/progress.py", "from ..present import narrative", "builder -> present -> method -> data"),
    # the loader reaching up for coverage (as data once imported coverage)
    ("data/dataset.py", "from ..method import coverage", "builder -> present -> method -> data"),
    # a circle inside a floor (as plots and narrative once imported each other)
    ("present/tables.py", "from . import narrative", "No import circle"),
    # the page builder importing the runner that imports it (as pages and run once did)
    ("builder/plan.py", "from . import runner", "No import circle"),
])
def test_the_contracts_break_on_an_upward_import_or_a_circle(tmp_path, module, line, broken):
    shutil.copytree(paths.PACKAGE_DIR, tmp_path / "analysis", ignore=shutil.ignore_patterns("__pycache__"))
    target = tmp_path / "analysis" / module
    target.write_text(target.read_text() + f"\n\ndef _added():\n    {line}  # noqa: F401\n")
    result = _lint_imports(tmp_path)
    assert result.returncode != 0, result.stdout
    assert f"{broken}" in result.stdout and "BROKEN" in result.stdout
