"""ruff passes on the package, the tests, the benchmarks and the notebooks (make lint)."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analysis import paths


def test_ruff_is_clean():
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    if not Path(ruff).exists():
        pytest.skip("ruff is not installed (pip install -e '.[dev]')")
    result = subprocess.run([ruff, "check", "analysis", "tests", "benchmarks", "notebooks"], cwd=paths.ROOT,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
