"""Where a build may write, and what it may delete.

A build writes its reports into the published ``reports/`` or, with ``--output DIR``, into another
folder. It never damages what it did not write:

* ``--output`` may not name the project itself, a folder above it (``/`` included), or one of the
  project's own folders (data, notebooks, the package, tests, the build folder, the seed documents);
* an existing ``--output`` folder with files in it must be an earlier build's output: it holds the
  build's manifest (:data:`MANIFEST`), the list of every file a build wrote there;
* the build deletes a file (the page of an indicator that is gone) only if a manifest lists it; an
  entry ending with ``/`` (an indicator page's downloads folder) claims the files the build writes
  in that folder, and only those are deleted with it (:func:`analysis.builder.downloads.remove`).

The build claims the files it is about to write in the manifest before it writes them, so an
interrupted build still leaves a folder the next build recognises.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..data import paths

#: The manifest a build keeps in its reports folder: ``{"written": [relative paths]}``.
MANIFEST = ".zjcp-manifest.json"


def _protected() -> dict[str, Path]:
    root = paths.ROOT
    return {
        "the project's data folder": paths.data_dir(),
        "the project's shipped data folder": root / "data",
        "the project's notebooks folder": paths.notebooks_dir(),
        "the project's package": paths.PACKAGE_DIR,
        "the project's tests": root / "tests",
        "the project's benchmarks": paths.BENCHMARKS_DIR,
        "the project's git folder": root / ".git",
        "the build folder": paths.build_dir(),
        "the seed documents": paths.seeds_dir(),
    }


def output_problem(target: Path) -> str | None:
    """Why ``--output target`` is refused (one line), or None when a build may write there."""
    target = target.resolve()
    if target == paths.reports_dir():
        return None
    root = paths.ROOT.resolve()
    if root.is_relative_to(target):
        what = "the project's root" if target == root else "a folder that holds the project"
        return f"refusing --output {target}: it is {what}; a build would overwrite or delete files it did not write"
    for name, folder in _protected().items():
        if target.is_relative_to(folder.resolve()):
            where = "is" if target == folder.resolve() else "is inside"
            return f"refusing --output {target}: it {where} {name}"
    if target.is_dir() and any(target.iterdir()) and not (target / MANIFEST).is_file():
        return (f"refusing --output {target}: the folder exists and is not an earlier build's output (no {MANIFEST}); "
                "choose a new or empty folder")
    return None


def written(reports: Path) -> set[str]:
    """The files (relative to ``reports``) the manifest says a build wrote there."""
    try:
        found = json.loads((reports / MANIFEST).read_text(encoding="utf-8")).get("written", [])
    except (OSError, ValueError, AttributeError):
        return set()
    return {f for f in found if isinstance(f, str)}


def claim(reports: Path, names) -> None:
    """Add ``names`` (paths relative to ``reports``) to the manifest before writing them."""
    from .store import atomic_write

    before = written(reports)
    after = before | set(names)
    if after != before or not (reports / MANIFEST).is_file():
        atomic_write(reports / MANIFEST, json.dumps({"written": sorted(after)}, indent=1) + "\n")
