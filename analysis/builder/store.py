"""The build folder: a request's one-line errors, atomic writes, the lock, and the build state.

* Every file is written atomically (a temporary file in the same folder, then a rename), so an
  interrupted build leaves the previous reports whole and the next run picks up where it stopped. A
  file that cannot be written (a full disk, a read-only file) is reported with its path.
* One build at a time per build folder: an advisory lock (``fcntl.flock`` on ``.lock`` in the
  build folder, released by the system when the holder dies) refuses a second build, or makes it
  wait (``wait=True``).
* The state (``state.json``) records how every report and page was last built (and, for the pages
  every build writes, under ``site``, what they show and since when); one that is not of the expected
  shape is ignored with a warning (everything is built again).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

from ..data import paths

_UMASK = os.umask(0o022)
os.umask(_UMASK)
STATE_FILE = "state.json"
LOCK_FILE = ".lock"


class BuildError(RuntimeError):
    """A problem with the build request itself (bad notebook name, parameter, folder, kernel)."""


def atomic_write(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; give the file the usual permissions
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write(path: Path, data: str | bytes) -> None:
    """:func:`atomic_write`, with a failure (full disk, read-only file) as a one-line BuildError naming the path."""
    try:
        atomic_write(path, data)
    except OSError as exc:
        raise BuildError(f"cannot write {path}: {exc.strerror or exc}; the previous files are kept") from None


@contextmanager
def build_lock(build: Path, wait: bool = False):
    """Hold the build folder's lock (see the module docstring) for the duration of the block.

    Raises
    ------
    BuildError
        If another build holds the lock and ``wait`` is False, or the lock file cannot be made.
    """
    try:
        build.mkdir(parents=True, exist_ok=True)
        fd = os.open(build / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise BuildError(f"cannot write to build folder {build}: {exc.strerror or exc}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                raise BuildError(f"another build is running on {build}; wait for it to finish or pass --wait") from None
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the only descriptor releases the lock


def output_folders(output: Path | str | None = None) -> tuple[Path, Path]:
    """(reports folder, build folder) for a build into ``output`` (default: the published reports).

    A build into another folder gets a build folder of its own, ``build/output-<hash of the path>``,
    so its state, cache and lock never touch the published build's.
    """
    reports = paths.reports_dir()
    if output is None or Path(output).resolve() == reports:
        return reports, paths.build_dir()
    target = Path(output).resolve()
    digest = hashlib.sha256(str(target).encode()).hexdigest()[:12]
    return target, paths.build_dir() / f"output-{digest}"


def check_writable(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".write-test.", dir=folder)
        os.close(fd)
        os.unlink(tmp)
    except OSError as exc:
        raise BuildError(f"cannot write to output folder {folder}: {exc.strerror or exc}") from None


# --- the build state --------------------------------------------------------------------------


def load_state(build: Path) -> dict:
    """The build state of ``build``; a missing one is no state, and so is one that is not of the
    expected shape (one warning line, then a full build) rather than a traceback later."""
    path = build / STATE_FILE
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {"notebooks": {}, "statuses": {}}
    except (OSError, ValueError) as exc:  # not JSON, not UTF-8, not a file
        return _no_state(path, str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    why = _state_problem(state)
    return _no_state(path, why) if why else state


def _state_problem(state) -> str | None:
    """What is wrong with the shape of a build state (None when nothing is)."""
    if not isinstance(state, dict):
        return f"a JSON {type(state).__name__}, not an object"
    for key in ("notebooks", "statuses", "pages", "site"):
        if key in state and not isinstance(state[key], dict):
            return f"'{key}' is not an object"
    if "notebooks" not in state:
        return "no 'notebooks'"
    for key in ("notebooks", "pages", "site"):
        for name, record in state.get(key, {}).items():
            if not _record_ok(record) or not _record_ok(record.get("kept", {})):
                return f"the record of {key} '{name}' is not of the expected shape"
    if not all(isinstance(v, str) for v in state.get("statuses", {}).values()):
        return "'statuses' holds something else than statuses"
    if not isinstance(state.get("validated_inputs", ""), str):
        return "'validated_inputs' is not a hash"
    return None


def _record_ok(record) -> bool:
    """A notebook's or a page's record: an object with text, a number of seconds and parameters."""
    return (isinstance(record, dict) and isinstance(record.get("parameters", {}), dict)
            and (record.get("kept") is None or isinstance(record["kept"], dict))
            and isinstance(record.get("seconds") or 0, (int, float)) and not isinstance(record.get("seconds"), bool)
            and all(isinstance(record.get(k) or "", str) for k in ("status", "title", "input_hash", "report_sha256",
                                                                    "error", "content_sha256", "updated")))


def _no_state(path: Path, why: str) -> dict:
    print(f"warning: {path} is not a build state ({why}); ignoring it: every report is built again", file=sys.stderr)
    return {"notebooks": {}, "statuses": {}}
