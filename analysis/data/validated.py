"""Remember a validation that passed, so the same bytes are not validated again.

Validating the dataset (Frictionless on every file, the cross-table rules, the plausibility checks,
the corrections register, the quotes against their documents) takes seconds, and every build,
kernel and page loads it. A validation that passes leaves a mark named by the sha256 of everything
it depended on: the bytes of every data file, of the validation code (``analysis/data/*.py``), of
the seed documents when quotes were checked, and today's date (the plausibility checks compare years
with today). The same inputs find the mark and skip to reading; any byte changed gives another name,
and so a full validation. A mark is an empty file, written atomically; a folder that cannot be
written only means validating every time.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import tempfile
from pathlib import Path

from . import paths


def key(folder: Path, files: list[str], seeds: Path | None) -> str:
    """The name of the mark of a validation of ``files`` (in ``folder``), quotes checked against ``seeds``."""
    digest = hashlib.sha256(datetime.date.today().isoformat().encode())
    code = sorted(Path(__file__).resolve().parent.glob("*.py"))
    inputs = [("code", p) for p in code] + [("data", folder / name) for name in sorted(files)]
    if seeds is not None:
        inputs += [("seed", p) for p in sorted(seeds.iterdir()) if p.is_file()]
    for kind, path in inputs:
        digest.update(f"\0{kind}\0{path.name}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def seen(name: str) -> bool:
    """Whether a validation with this key passed before."""
    return (paths.validated_dir() / name).is_file()


def remember(name: str) -> None:
    """Leave the mark of a validation that passed (nothing when the folder cannot be written)."""
    folder = paths.validated_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".mark.", dir=folder)
        os.close(fd)
        os.replace(tmp, folder / name)
    except OSError:
        pass
