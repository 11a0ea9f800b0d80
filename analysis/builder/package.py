"""The index's downloads: the whole dataset as a Frictionless Data Package, and every verdict as CSV.

* ``downloads/datapackage.zip``: ``datapackage.json`` and the four CSV tables exactly as they are in
  ``data/`` (the same bytes), in a zip whose bytes depend only on theirs. It is validated with the
  ``frictionless`` library, as a reader's tool would open it, before it is published: a package that
  fails stops the build with one line naming the first error, and nothing is written.
* ``downloads/verdicts.csv``: every pledge with its verdict and the verdict's components as of the
  build's ``as_of_year`` (:func:`analysis.present.downloads.pledges` on
  :func:`analysis.method.progress.progress_table`).

Both are claimed in the folder's manifest, written atomically, and made again only when the data,
the library's code or the ``as_of_year`` changed (or a file is missing or not the one written).
"""

from __future__ import annotations

import hashlib
import io
import json
import tempfile
import zipfile
from pathlib import Path

from .store import BuildError, write

FOLDER = "downloads"
ZIP = f"{FOLDER}/datapackage.zip"
VERDICTS = f"{FOLDER}/verdicts.csv"
FILES = (ZIP, VERDICTS)

#: Every member of the zip is dated so (a zip records times): the same data gives the same bytes.
_DATE = (2021, 1, 1, 0, 0, 0)


def package_zip(data_dir: Path) -> bytes:
    """``datapackage.json`` and the files of its resources, as they are, in a zip."""
    descriptor = data_dir / "datapackage.json"
    names = ["datapackage.json"] + [r["path"] for r in json.loads(descriptor.read_text(encoding="utf-8"))["resources"]]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, (data_dir / name).read_bytes())
    return out.getvalue()


#: The verdict on each zip this process validated, by its sha256 (both editions publish the same bytes).
_CHECKED: dict[str, str | None] = {}


def problem(data: bytes, scratch: Path) -> str | None:
    """Validate a data package zip with frictionless (the zip written to a temporary file in
    ``scratch``, removed after); the first error in one line, or None when it is valid. The same
    bytes are validated once per process."""
    digest = hashlib.sha256(data).hexdigest()
    if digest not in _CHECKED:
        _CHECKED[digest] = _problem(data, scratch)
    return _CHECKED[digest]


def _problem(data: bytes, scratch: Path) -> str | None:
    import sys

    sys.modules.setdefault("rfc3987_syntax", None)  # see analysis.data.dataset: no IRI field to check
    from frictionless import validate

    scratch.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=scratch, prefix=".package-") as tmp:
        path = Path(tmp) / "datapackage.zip"
        path.write_bytes(data)
        report = validate(str(path))
        if report.valid:
            return None
        for task in report.tasks:
            for error in task.errors:
                row = getattr(error, "row_number", None)
                where = f"{task.name}" + (f", row {row}" if row else "")
                return f"{where}: {error.title}: {error.note}"
        return "; ".join(str(e.note) for e in report.errors) or "invalid"


def verdicts_csv(dataset, as_of: int, table=None) -> bytes:
    """Every pledge with its verdict and its components, as of ``as_of`` (``table``: the
    ``progress_table`` for it, when the caller has it already)."""
    from ..method.progress import progress_table
    from ..present.downloads import pledges, to_csv

    return to_csv(pledges(dataset, progress_table(dataset, as_of=as_of) if table is None else table))


def _sha(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def publish(dataset, reports: Path, build_dir: Path, state: dict, as_of: int, inputs: str, table=None) -> list[str]:
    """Make, validate and write the index's downloads unless the folder holds the very files made from
    the same ``inputs`` (the hash of the data and the code) and ``as_of``; record them in ``state``.
    Returns the files written (none when they were up to date).

    Raises
    ------
    BuildError
        When the package does not validate (nothing is written), or a file cannot be written.
    """
    key = hashlib.sha256(f"{inputs}:{int(as_of)}".encode()).hexdigest()
    record = state.get("index_downloads")
    if (isinstance(record, dict) and record.get("key") == key and isinstance(record.get("files"), dict)
            and all(_sha(reports / name) == record["files"].get(name) for name in FILES)):
        return []
    made = {ZIP: package_zip(dataset.data_dir), VERDICTS: verdicts_csv(dataset, as_of, table)}
    why = problem(made[ZIP], build_dir)
    if why:
        raise BuildError(f"the data package ({ZIP}) is not valid: {why}; nothing was published")
    for name, data in made.items():
        write(reports / name, data)
    state["index_downloads"] = {"key": key, "files": {name: hashlib.sha256(data).hexdigest()
                                                      for name, data in made.items()}}
    return sorted(made)
