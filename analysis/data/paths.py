"""Every path the project uses, derived from this file's location.

Nothing here depends on the working directory. The source documents live outside the
repository, in ``../shared/seeds`` beside the project root; ``ZJCP_SEEDS_DIR`` overrides that.
``ZJCP_DATA_DIR``, ``ZJCP_NOTEBOOKS_DIR``, ``ZJCP_REPORTS_DIR`` and ``ZJCP_BUILD_DIR`` point the
loader and the runner elsewhere (tests use them to work on copies).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

#: The ``analysis`` package (this file is ``analysis/data/paths.py``).
PACKAGE_DIR = Path(__file__).resolve().parent.parent
ROOT = PACKAGE_DIR.parent
BENCHMARKS_DIR = ROOT / "benchmarks"
#: What an id may hold (the schema's pattern): safe in a file name and as written in a code span.
ID_PATTERN = re.compile(r"^[A-Za-z0-9_]+$")


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).resolve() if value else default


def notebooks_dir() -> Path:
    """Folder holding the ``NN-theme.ipynb`` notebooks."""
    return _env_path("ZJCP_NOTEBOOKS_DIR", ROOT / "notebooks")


def data_dir() -> Path:
    """Folder holding ``datapackage.json`` and the four CSV tables."""
    return _env_path("ZJCP_DATA_DIR", ROOT / "data")


def seeds_dir() -> Path:
    """Folder holding the six source documents (``../shared/seeds``)."""
    return _env_path("ZJCP_SEEDS_DIR", ROOT.parent / "shared" / "seeds")


def reports_dir() -> Path:
    """Folder the runner writes HTML reports into."""
    return _env_path("ZJCP_REPORTS_DIR", ROOT / "reports")


def build_dir() -> Path:
    """Folder for executed notebooks and the runner's cache (a build product, not in git)."""
    return _env_path("ZJCP_BUILD_DIR", ROOT / "build")


def validated_dir() -> Path:
    """Folder of the marks of datasets already validated (:mod:`analysis.data.validated`): the
    project's ``build/validated`` whichever build folder a build uses, so every build and kernel of
    this copy of the project shares them (a build product, not in git)."""
    return _env_path("ZJCP_VALIDATED_DIR", ROOT / "build" / "validated")
