"""Build the reports: execute notebooks with papermill, render HTML, write the index.

* Notebooks run several at once (up to the number of cores), each in its own worker process with
  an explicit kernel, injected parameters and a time limit; the worker renders the HTML with
  nbconvert in the same process.
* A notebook whose inputs (the notebook, the data files, the library's code, its parameters and
  the kernel name) hash to the value of its last successful run is skipped; ``force`` rebuilds.
* A failing notebook does not stop the others: it is marked failed in the index with its error,
  its previous good report stays, and :func:`build` reports failure (the CLI exits non-zero).
* Every file is written atomically (a temporary file in the same folder, then a rename), so an
  interrupted build leaves the previous reports whole and the next run picks up where it stopped. A
  file that cannot be written (a full disk, a read-only file) is reported with its path.
* One build at a time per build folder: an advisory lock (``fcntl.flock`` on ``.lock`` in the
  build folder, released by the system when the holder dies) refuses a second build, or makes it
  wait (``wait=True``). A page is recorded in the state, and later reused as ``cached``, only with
  the hash of the very report this build wrote, so no interleaving can pass a page off as current.
* ``output`` writes the reports into another folder (a parameterised build beside the published
  one), with a build folder of its own. The pages of one folder share one ``as_of_year``: a request
  that would mix years is refused, and the index records each page's parameters.
"""

from __future__ import annotations

import ast
import csv
import fcntl
import hashlib
import json
import os
import signal
import sys
import tempfile
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from multiprocessing import get_context
from pathlib import Path

from . import folders, pages, paths
from .processes import stop_pool, worker_init

# papermill imports nbformat, which imports jsonschema, whose optional IRI-format checker
# (rfc3987_syntax, pulled in by Jupyter's dependencies) compiles a grammar on import: a second per
# process for a check no notebook needs. Tell jsonschema it is absent (see also data.py).
sys.modules.setdefault("rfc3987_syntax", None)

KERNEL = "python3"
_UMASK = os.umask(0o022)
os.umask(_UMASK)
DEFAULT_TIMEOUT = 600
#: The longest time limit a notebook may be given (a day): beyond it a typo, not a wish.
MAX_TIMEOUT = 24 * 3600
STATE_FILE = "state.json"
LOCK_FILE = ".lock"


class BuildError(RuntimeError):
    """A problem with the build request itself (bad notebook name, parameter, folder, kernel)."""


@dataclass
class Outcome:
    name: str
    title: str = ""
    status: str = "ok"  # ok | failed | cached
    seconds: float = 0.0
    error: str = ""
    input_hash: str = ""
    parameters: dict = field(default_factory=dict)
    report_sha256: str = ""


# --- what to build -----------------------------------------------------------------------------


def list_notebooks() -> list[Path]:
    """The notebooks, in order (``NN-theme.ipynb``)."""
    return sorted(p for p in paths.notebooks_dir().glob("[0-9][0-9]-*.ipynb"))


def select(only: list[str] | None) -> list[Path]:
    """Notebooks named by ``only`` (``01-income-gap``, ``01-income-gap.ipynb`` or ``01``)."""
    notebooks = list_notebooks()
    if not only:
        return notebooks
    chosen = []
    for name in only:
        stem = Path(name).stem
        match = [p for p in notebooks if p.stem == stem or p.stem.split("-", 1)[0] == stem]
        if not match:
            names = ", ".join(p.stem for p in notebooks)
            raise BuildError(f"unknown notebook '{name}' (available: {names})")
        chosen += [p for p in match if p not in chosen]
    return chosen


def declared_parameters(notebook: Path) -> dict[str, dict]:
    """Parameters declared in the notebook's ``parameters`` cell: name -> {type, default, help}.

    Read with papermill, and remembered per notebook content in the build folder (papermill's import
    alone takes a second, and a build with nothing to do should not).
    """
    digest = hashlib.sha256(notebook.read_bytes()).hexdigest()
    cache_file = paths.build_dir() / "parameters.json"
    try:
        cache = json.loads(cache_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        cache = {}
    if not isinstance(cache, dict) or not all(isinstance(v, dict) for v in cache.values()):
        cache = {}  # not of the expected shape: read again
    if digest in cache:
        return cache[digest]
    import papermill

    found = papermill.inspect_notebook(str(notebook))
    declared = {k: {"type": _type_of(v), "default": v["default"], "help": v.get("help", "")} for k, v in found.items()}
    cache[digest] = declared
    try:
        atomic_write(cache_file, json.dumps(cache, indent=1, sort_keys=True))
    except OSError:
        pass  # an unwritable build folder is reported by the build itself
    return declared


def _type_of(spec: dict) -> str:
    """The declared type (an annotation), else the type of the default's literal."""
    declared = spec.get("inferred_type_name")
    if declared and declared != "None":
        return declared
    try:
        return type(ast.literal_eval(spec["default"])).__name__
    except (ValueError, SyntaxError):
        return "str"


def _coerce(name: str, raw: str, type_name: str):
    type_name = (type_name or "").lower()
    try:
        if type_name == "int":
            return int(raw)
        if type_name == "float":
            return float(raw)
        if type_name == "bool":
            lowered = raw.lower()
            if lowered not in ("true", "false", "1", "0", "yes", "no"):
                raise ValueError
            return lowered in ("true", "1", "yes")
        if type_name.startswith(("list", "dict", "tuple")):
            value = json.loads(raw)
            if type(value).__name__ != type_name.split("[")[0] and not (type_name == "tuple" and isinstance(value, list)):
                raise ValueError
            return value
        if type_name == "nonetype":
            return raw
    except (ValueError, json.JSONDecodeError):
        raise BuildError(f"parameter '{name}': expected {type_name}, got '{raw}'") from None
    return raw


def resolve_parameters(notebooks: list[Path], raw: list[tuple[str, str]]) -> dict[Path, dict]:
    """Per notebook, the parameters to inject (only those it declares), typed as it declares them."""
    declared = {nb: declared_parameters(nb) for nb in notebooks}
    known = set().union(*[set(d) for d in declared.values()]) if declared else set()
    for key, _ in raw:
        if key not in known:
            raise BuildError(f"unknown parameter '{key}' (the selected notebooks declare: {', '.join(sorted(known))})")
    out = {}
    for nb, params in declared.items():
        out[nb] = {k: _coerce(k, v, params[k]["type"]) for k, v in raw if k in params}
    return out


# --- hashing and state -------------------------------------------------------------------------


def _inputs_digest() -> str:
    """Hash of everything every notebook depends on: data files and the library's code."""
    h = hashlib.sha256()
    for folder, pattern in ((paths.data_dir(), "*"), (paths.PACKAGE_DIR, "**/*.py"), (paths.PACKAGE_DIR, "**/*.j2")):
        for path in sorted(folder.glob(pattern)):
            if path.is_file():
                h.update(str(path.relative_to(folder)).encode())
                h.update(path.read_bytes())
    return h.hexdigest()


def input_hash(notebook: Path, parameters: dict, kernel: str, common: str) -> str:
    h = hashlib.sha256()
    h.update(notebook.read_bytes())
    h.update(json.dumps(parameters, sort_keys=True, default=str).encode())
    h.update(kernel.encode())
    h.update(common.encode())
    return h.hexdigest()


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


def _write(path: Path, data: str | bytes) -> None:
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
    for key in ("notebooks", "statuses", "pages"):
        if key in state and not isinstance(state[key], dict):
            return f"'{key}' is not an object"
    if "notebooks" not in state:
        return "no 'notebooks'"
    for key in ("notebooks", "pages"):
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
                                                                    "error")))


def _no_state(path: Path, why: str) -> dict:
    print(f"warning: {path} is not a build state ({why}); ignoring it: every report is built again", file=sys.stderr)
    return {"notebooks": {}, "statuses": {}}


def _check_writable(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".write-test.", dir=folder)
        os.close(fd)
        os.unlink(tmp)
    except OSError as exc:
        raise BuildError(f"cannot write to output folder {folder}: {exc.strerror or exc}") from None


def _check_kernel(kernel: str) -> None:
    from jupyter_client.kernelspec import KernelSpecManager

    specs = KernelSpecManager().find_kernel_specs()
    if kernel not in specs:
        raise BuildError(f"kernel '{kernel}' not found (installed kernels: {', '.join(sorted(specs)) or 'none'})")


# --- one notebook, in a worker process ---------------------------------------------------------


class _Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise _Timeout()


def execute_one(notebook: str, executed: str, parameters: dict, kernel: str, timeout: int) -> dict:
    """Execute with papermill and render to HTML. Runs in a worker process.

    Returns a dict: status, seconds, error, html (on success), title.
    """
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from .kernels import KERNEL_START_TIMEOUT, IpcKernelManager
    from .render import notebook_title, to_html

    start = time.perf_counter()
    # the kernel inherits this process's stderr: send its chatter to the notebook's log, not the terminal
    log = Path(executed).parent.parent / "logs" / (Path(notebook).stem + ".log")
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        log_fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    except OSError as exc:
        return {"status": "failed", "seconds": 0.0, "error": f"cannot write {log}: {exc.strerror or exc}",
                "html": None, "title": ""}
    saved_stderr = os.dup(2)
    os.dup2(log_fd, 2)
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(int(timeout))
    nb = None
    try:
        nb = papermill.execute_notebook(
            notebook,
            None,
            parameters=parameters,
            kernel_name=kernel,
            progress_bar=False,
            log_output=False,
            cwd=str(Path(notebook).parent),
            execution_timeout=int(timeout),
            start_timeout=KERNEL_START_TIMEOUT,
            kernel_manager_class=IpcKernelManager,
            request_save_on_cell_execute=False,
        )
        signal.alarm(0)
        html = to_html(nb)
        status, error = "ok", ""
    except _Timeout:
        status, error, html = "failed", f"timed out after {timeout} s", None
    except PapermillExecutionError as exc:
        status, html = "failed", None
        error = f"cell {exc.exec_count}: {exc.ename}: {exc.evalue}".strip()
    except Exception as exc:  # noqa: BLE001 - any failure of one notebook is reported, not raised
        status, html = "failed", None
        last = traceback.format_exception_only(type(exc), exc)[-1].strip()
        error = last.splitlines()[0][:500]
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        os.dup2(saved_stderr, 2)
        os.close(saved_stderr)
        os.close(log_fd)
    if nb is not None:
        try:
            atomic_write(Path(executed), nbformat.writes(nb))
        except OSError as exc:
            status, html, error = "failed", None, f"cannot write {executed}: {exc.strerror or exc}"
    title = notebook_title(nbformat.read(notebook, as_version=4))
    return {"status": status, "seconds": time.perf_counter() - start, "error": error.replace("\n", " "),
            "html": html, "title": title}


# --- the build ---------------------------------------------------------------------------------


def build(
    only: list[str] | None = None,
    raw_parameters: list[tuple[str, str]] | None = None,
    force: bool = False,
    jobs: int | None = None,
    kernel: str = KERNEL,
    timeout: int = DEFAULT_TIMEOUT,
    progress: bool = True,
    output: Path | str | None = None,
    wait: bool = False,
) -> list[Outcome]:
    """Build the reports (see the module docstring). Returns one outcome per selected notebook.

    Parameters
    ----------
    only, raw_parameters, force, jobs, kernel, timeout, progress :
        As the command line's ``--only``, ``-p``, ``--force``, ``--jobs``, ``--kernel``,
        ``--timeout`` and (not) ``--quiet``.
    output : path, optional
        Folder for the reports instead of the published ``reports/`` (:func:`output_folders`).
    wait : bool, default False
        Wait for another build on the same build folder instead of refusing.

    Raises
    ------
    BuildError
        For a bad request, or another build running, before anything is written; for a file that
        cannot be written during the build (the previous files are kept).
    DataValidationError
        If the dataset is invalid, before anything is written.
    """
    _check_request(timeout, jobs, only, output)
    notebooks, page_only = _select_all(only)
    parameters = resolve_parameters(notebooks + _page_template(page_only), raw_parameters or [])
    page_parameters = parameters.pop(pages.template(), {}) if _page_template(page_only) else {}
    _check_page_parameters(page_parameters)
    reports, build_dir = output_folders(output)
    with build_lock(build_dir, wait):
        return _build_locked(notebooks, page_only, parameters, page_parameters, force, jobs, kernel, timeout,
                             progress, reports, build_dir)


def _completed(futures, pool, page_pool):
    """``as_completed(futures)``; an interruption (Ctrl-C, SIGTERM) stops both pools' workers at once
    rather than waiting for the notebooks they run (:func:`analysis.processes.stop_pool`)."""
    try:
        yield from as_completed(futures)
    except KeyboardInterrupt:
        stop_pool(pool)
        stop_pool(page_pool)
        raise


def _check_request(timeout, jobs, only, output) -> None:
    """The options alone: a time limit in range, at least one job, names (not paths) for ``--only``,
    and an output folder the build may write into (:func:`analysis.folders.output_problem`)."""
    if timeout <= 0:
        raise BuildError(f"timeout must be a positive number of seconds, got {timeout}")
    if timeout > MAX_TIMEOUT:
        raise BuildError(f"timeout must be at most {MAX_TIMEOUT} seconds (a day), got {timeout}")
    if jobs is not None and jobs < 1:
        raise BuildError(f"jobs must be at least 1, got {jobs}")
    for name in only or []:
        if "/" in name or os.sep in name or name in (".", ".."):
            raise BuildError(f"--only takes a notebook name or an indicator id, not a path: '{name}'")
    if output is not None:
        problem = folders.output_problem(Path(output))
        if problem:
            raise BuildError(problem)


def _check_page_parameters(page_parameters: dict) -> None:
    """``-p indicator_id``: each page sets its own, so the value would be ignored; an unknown
    indicator is named as such, a known one is pointed to ``--only``."""
    if "indicator_id" not in page_parameters:
        return
    value = page_parameters["indicator_id"]
    if value not in pages.indicator_ids():
        raise BuildError(f"parameter indicator_id={value!r}: unknown indicator (not in indicators.csv)")
    raise BuildError(f"parameter indicator_id={value!r}: every page sets its own indicator_id; "
                     f"build this indicator's page with --only {value}")


def _build_locked(notebooks, page_only, parameters, page_parameters, force, jobs, kernel, timeout, progress,
                  reports: Path, build_dir: Path) -> list[Outcome]:
    state = load_state(build_dir)
    common = _inputs_digest()
    try:
        page_plan = _page_plan(page_only, page_parameters, kernel, state, reports, force)
    except (OSError, LookupError, ValueError, csv.Error):
        page_plan = False  # unreadable data: the validation below says why
    up_to_date = _all_cached(notebooks, parameters, kernel, common, state, reports) if not force else None
    if (up_to_date is not None and state.get("validated_inputs") == common and page_plan is not False
            and (page_plan is None or not (page_plan.todo or page_plan.remove))):
        # nothing changed since a build that validated these very inputs: nothing to write
        return up_to_date + _page_outcomes(page_plan, state)
    _check_one_as_of(notebooks, parameters, state, reports, page_only, page_parameters)

    # start the worker server now: it imports papermill and nbconvert while the data is validated
    context = get_context("forkserver")
    # analysis.lifeline first: the fork server dies with the build (analysis.processes)
    context.set_forkserver_preload(["analysis.lifeline", "analysis.run", "analysis.render", "papermill", "nbconvert"])
    from multiprocessing import forkserver

    forkserver.ensure_running()
    # and, when no report is due, the indicator pages' workers: their kernels start and warm up while
    # the data is validated. With reports due they start after them: beside the reports they would
    # only share the same cores.
    reports_due = force or any(_cached(nb, parameters[nb], kernel, common, state, reports) is None
                               for nb in notebooks)
    page_pool = None if reports_due else _start_page_pool(page_plan, kernel, jobs, build_dir)

    from tqdm import tqdm

    from . import index

    try:
        dataset, page_plan = _validate(parameters, page_only, page_parameters, page_plan, kernel, state, reports,
                                       build_dir, force)
    except BaseException:  # the build stops before the pages: the workers go, with their kernels
        stop_pool(page_pool)
        raise
    outcomes: dict[str, Outcome] = {}
    todo = []
    for nb in notebooks:
        cached = None if force else _cached(nb, parameters[nb], kernel, common, state, reports)
        if cached is not None:
            outcomes[nb.stem] = cached
        else:
            todo.append((nb, input_hash(nb, parameters[nb], kernel, common)))

    _claim(reports, todo, page_plan)
    # longest first (by the last run time), so the parallel workers finish together
    todo.sort(key=lambda item: -float(state["notebooks"].get(item[0].stem, {}).get("seconds") or 0.0))
    workers = max(1, min(jobs or os.cpu_count() or 1, len(todo) or 1))
    bar = tqdm(total=len(notebooks), desc="reports", unit="nb", disable=not progress, file=sys.stderr,
               initial=len(notebooks) - len(todo))
    if todo:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=worker_init) as pool:
            futures = {
                pool.submit(execute_one, str(nb), str(build_dir / "executed" / nb.name), parameters[nb], kernel,
                            timeout): (nb, digest)
                for nb, digest in todo
            }
            for future in _completed(futures, pool, page_pool):
                nb, digest = futures[future]
                try:
                    result = future.result()
                except Exception as exc:  # noqa: BLE001 - a crashed worker fails only its notebook
                    result = {"status": "failed", "seconds": 0.0, "error": f"worker crashed: {exc}", "html": None,
                              "title": ""}
                written = ""
                if result["status"] == "ok":
                    page = result["html"].encode("utf-8")
                    try:
                        atomic_write(reports / f"{nb.stem}.html", page)
                        written = hashlib.sha256(page).hexdigest()
                    except OSError as exc:
                        result.update(status="failed", error=f"cannot write {reports / f'{nb.stem}.html'}: "
                                                             f"{exc.strerror or exc}; the previous report is kept")
                ok = result["status"] == "ok"
                outcome = Outcome(nb.stem, result["title"], result["status"], round(result["seconds"], 1),
                                  result["error"], digest if ok else "", parameters[nb], written)
                outcomes[nb.stem] = outcome
                if ok or not (reports / f"{nb.stem}.html").is_file():
                    state["notebooks"][nb.stem] = asdict(outcome)
                else:  # failed: the previous good report stays, and so does the record of how it was built
                    kept = state["notebooks"].get(nb.stem, {})
                    state["notebooks"][nb.stem] = dict(asdict(outcome), kept=_kept(kept))
                _write(build_dir / STATE_FILE, json.dumps(state, indent=1, sort_keys=True))
                bar.set_postfix_str(f"{nb.stem}: {outcome.status}")
                bar.update(1)
    bar.close()

    ordered = [outcomes[nb.stem] for nb in notebooks]
    for outcome in ordered:
        if outcome.status == "cached":
            state["notebooks"][outcome.name] = asdict(outcome)
    ordered += _build_pages(page_plan, dataset, kernel, timeout, jobs, reports, build_dir, state, progress,
                            page_pool)
    entries = _mark_differing(_index_entries(state, reports))
    previous_statuses = state.get("statuses", {})
    page, statuses = index.render(dataset, entries, previous_statuses, _index_as_of(entries),
                                  indicator_pages=_page_links(dataset, reports, state),
                                  failed_pages=pages.failed_pages(state))
    _write(reports / "index.html", page)
    state["statuses"] = statuses
    state["validated_inputs"] = common
    _write(build_dir / STATE_FILE, json.dumps(state, indent=1, sort_keys=True))
    return ordered


def _validate(parameters, page_only, page_parameters, page_plan, kernel, state, reports, build_dir, force):
    """Everything checked before anything is written: the dataset (validated), every notebook's and
    the pages' parameters, the kernel and the output folders. Returns the dataset and the page plan."""
    from . import data
    from .params import check_parameters

    dataset = data.load(provenance=True)
    notice = data.seeds_notice()
    if notice:
        print(f"warning: {notice}", file=sys.stderr)
    page_template = [(pages.template(), page_parameters)] if _page_template(page_only) else []
    for nb, params in [*parameters.items(), *page_template]:
        try:
            check_parameters(dataset, nb, **params)
        except ValueError as exc:
            raise BuildError(str(exc)) from None
    if page_plan is False:
        page_plan = _page_plan(page_only, page_parameters, kernel, state, reports, force)
    _check_kernel(kernel)
    _check_writable(reports)
    _check_writable(build_dir)
    if (reports / pages.SUBDIR).exists() and not (reports / pages.SUBDIR).is_dir():
        raise BuildError(f"{reports / pages.SUBDIR} is not a folder: the indicator pages cannot be written there; "
                         "move it away")
    return dataset, page_plan


def _claim(reports: Path, todo, page_plan) -> None:
    """Record in the folder's manifest every file this build is about to write (before writing it)."""
    names = [f"{nb.stem}.html" for nb, _ in todo] + ["index.html"]
    if page_plan is not None:
        names += ["pledges.html"] + [f"{pages.SUBDIR}/{ind}.html" for ind in page_plan.todo]
    try:
        folders.claim(reports, names)
    except OSError as exc:
        raise BuildError(f"cannot write {reports / folders.MANIFEST}: {exc.strerror or exc}") from None


def _kept(record: dict) -> dict:
    """How the report kept after a failure was built (its parameters and hash), from its state record."""
    if "kept" in record:
        return record["kept"]
    return {"parameters": record.get("parameters", {}), "report_sha256": record.get("report_sha256", "")}


# --- one as_of_year per folder -----------------------------------------------------------------


def _effective_as_of(notebook: Path, params: dict):
    """The ``as_of_year`` a page is built with: injected, else the notebook's default (None if undeclared)."""
    if "as_of_year" in params:
        return params["as_of_year"]
    declared = declared_parameters(notebook).get("as_of_year")
    if declared is None:
        return None
    try:
        return ast.literal_eval(declared["default"])
    except (ValueError, SyntaxError):
        return declared["default"]


def _page_parameters(record: dict) -> dict:
    """The parameters of the report that stands in the folder for a state record."""
    return record["kept"]["parameters"] if "kept" in record else record.get("parameters", {})


def _check_one_as_of(notebooks: list[Path], parameters: dict, state: dict, reports: Path,
                     page_only: list[str] | None = None, page_parameters: dict | None = None) -> None:
    """Refuse a build after which the folder's pages (themed reports and indicator pages) would not
    share one ``as_of_year``."""
    chosen = {nb.stem for nb in notebooks}
    years = {}
    for nb in list_notebooks():
        if nb.stem in chosen:
            params = parameters[nb]
        elif (reports / f"{nb.stem}.html").is_file() and nb.stem in state["notebooks"]:
            params = _page_parameters(state["notebooks"][nb.stem])
        else:
            continue
        year = _effective_as_of(nb, params)
        if year is not None:
            years[nb.stem] = year
    years.update(_page_years(state, reports, page_only, page_parameters or {}))
    if len(set(years.values())) > 1:
        raise BuildError(f"the reports in {reports} would mix as_of_year ({_years_listed(years)}); build them all "
                         "with the same -p as_of_year, or write this build elsewhere with --output DIR")


def _page_years(state: dict, reports: Path, page_only: list[str] | None, page_parameters: dict) -> dict:
    """The ``as_of_year`` of every indicator page after this build: those it builds (``page_only``,
    None for all, [] for none) and those it leaves in the folder (their recorded parameters)."""
    tpl = pages.template()
    if tpl is None:
        return {}
    years = {}
    if page_only != []:
        built = f"{pages.SUBDIR}/{page_only[0]}" if page_only else "the indicator pages"
        years[built] = _effective_as_of(tpl, page_parameters)
        for other in (page_only or [])[1:]:
            years[f"{pages.SUBDIR}/{other}"] = years[built]
    if page_only is None:
        return years
    default = _effective_as_of(tpl, {})
    for ind, record in sorted(state.get("pages", {}).items()):
        if ind in page_only or not (reports / pages.SUBDIR / f"{ind}.html").is_file():
            continue
        recorded = record.get("parameters") if isinstance(record, dict) else None
        years[f"{pages.SUBDIR}/{ind}"] = (recorded or {}).get("as_of_year", default)
    return years


def _years_listed(years: dict) -> str:
    """``name as of year`` for each page, the indicator pages of one year beyond the first counted."""
    shown, pages_seen = [], {}
    for name, year in years.items():
        if name.startswith(f"{pages.SUBDIR}/"):
            pages_seen[year] = pages_seen.get(year, 0) + 1
            if pages_seen[year] > 1:
                continue
        shown.append(f"{name} as of {year}")
    more = [f"{n - 1} other indicator page{'s' if n > 2 else ''} as of {y}" for y, n in pages_seen.items() if n > 1]
    return ", ".join(shown + more)


def _index_as_of(entries: list[dict]):
    """The ``as_of_year`` the index presents: the one injected into its pages (None: the dataset's default)."""
    injected = [e["page_parameters"]["as_of_year"] for e in entries
                if e["has_report"] and "as_of_year" in e["page_parameters"]]
    return injected[0] if injected else None


def _all_cached(notebooks, parameters, kernel, common, state, reports) -> list[Outcome] | None:
    """Outcomes if every notebook's inputs match its last successful run and the index exists, else None."""
    if not (reports / "index.html").is_file():
        return None
    outcomes = [_cached(nb, parameters[nb], kernel, common, state, reports) for nb in notebooks]
    return None if any(o is None for o in outcomes) else outcomes


def _cached(nb: Path, params: dict, kernel: str, common: str, state: dict, reports: Path) -> Outcome | None:
    """A ``cached`` outcome if the notebook's inputs match its last successful run and the report in
    the folder is the very one that run wrote (same sha256)."""
    before = state["notebooks"].get(nb.stem, {})
    digest = input_hash(nb, params, kernel, common)
    if before.get("input_hash") != digest or before.get("status") not in ("ok", "cached"):
        return None
    report = reports / f"{nb.stem}.html"
    try:
        if not before.get("report_sha256") or hashlib.sha256(report.read_bytes()).hexdigest() != before["report_sha256"]:
            return None
    except OSError:
        return None
    return Outcome(nb.stem, before.get("title", ""), "cached", before.get("seconds", 0.0), "", digest, params,
                   before["report_sha256"])


def _index_entries(state: dict, reports: Path) -> list[dict]:
    """Every notebook known to the state, in order, with whether a report exists and how it was built."""
    entries = []
    for nb in list_notebooks():
        entry = {"name": nb.stem, "title": "", "status": "not built", "seconds": None, "error": "", "parameters": {}}
        record = state["notebooks"].get(nb.stem, {})
        entry.update({k: v for k, v in record.items() if k != "kept"})
        entry["has_report"] = (reports / f"{nb.stem}.html").is_file()
        entry["page_parameters"] = _page_parameters(record) if record else {}
        entry["as_of"] = _effective_as_of(nb, entry["page_parameters"])
        entry["file"] = f"{nb.stem}.html"
        entries.append(entry)
    return entries


def _mark_differing(entries: list[dict]) -> list[dict]:
    """Flag (``differs``) every page whose ``as_of_year`` is not that of the pages built by this run.

    Only a failed notebook's kept report can differ (the build refuses a request that would mix
    years); the index then says so instead of presenting it as part of the scorecard.
    """
    built = [e["as_of"] for e in entries if e["has_report"] and e["status"] in ("ok", "cached")]
    reference = built[0] if built else None
    for e in entries:
        e["scorecard_as_of"] = reference
        e["differs"] = bool(built) and e["has_report"] and e["as_of"] != reference
    return entries


# --- indicator pages (analysis.pages) -----------------------------------------------------------


def _select_all(only: list[str] | None) -> tuple[list[Path], list[str] | None]:
    """Notebooks and indicator ids named by ``only`` (all notebooks and every page when empty).

    The page list is None for every indicator, [] for none.
    """
    only_notebooks, only_pages = pages.split_only(only)
    if only_pages and not only_notebooks:
        return [], only_pages
    notebooks = select(only_notebooks)
    if not notebooks:
        raise BuildError(f"no notebooks found in {paths.notebooks_dir()}")
    return notebooks, (only_pages or []) if only else None


def _page_template(page_only: list[str] | None) -> list[Path]:
    """The template, as a one-item list, when pages are to be built."""
    tpl = pages.template()
    return [tpl] if tpl is not None and page_only != [] else []


def _page_plan(page_only, parameters, kernel, state, reports, force):
    if page_only == [] or pages.template() is None:
        return None
    return pages.plan(page_only, parameters, kernel, state, reports, force)


def _page_outcomes(page_plan, state) -> list[Outcome]:
    """Outcomes of the pages as the build reports them (name ``indicators/<id>``)."""
    if page_plan is None:
        return []
    known = state.get("pages", {})
    return [Outcome(f"{pages.SUBDIR}/{i}", known.get(i, {}).get("title", ""), "cached",
                    known.get(i, {}).get("seconds", 0.0), "", k, dict(page_plan.parameters, indicator_id=i))
            for i, k in page_plan.cached.items()]


def _start_page_pool(page_plan, kernel: str, jobs: int | None, build_dir: Path):
    """:func:`pages.start_pool`, or None when it cannot start now (the checks after validation say why)."""
    if not page_plan:
        return None
    try:
        return pages.start_pool(page_plan, kernel, jobs, build_dir)
    except OSError:
        return None


def _build_pages(page_plan, dataset, kernel, timeout, jobs, reports, build_dir, state, progress,
                 pool=None) -> list[Outcome]:
    """Remove stale pages, execute the planned ones, then write the explorer and link the reports."""
    found: list[Outcome] = []
    if page_plan is not None:
        pages.remove_stale(page_plan, state, reports)

        def save():
            _write(build_dir / STATE_FILE, json.dumps(state, indent=1, sort_keys=True))

        done = pages.execute(page_plan, kernel, timeout, jobs, reports, build_dir, state, save, progress, pool)
        found = [Outcome(f"{pages.SUBDIR}/{o.name}", o.title, o.status, o.seconds, o.error, o.input_hash,
                         o.parameters) for o in done]
    pages.write_explorer(dataset, reports, page_plan.parameters if page_plan else {})
    linked = pages.link_reports([reports / f"{nb.stem}.html" for nb in list_notebooks()], dataset, reports)
    _record_linked(state, linked)
    return found


def _record_linked(state: dict, linked: dict[str, tuple[str, str]]) -> None:
    """A report this build wrote and then linked is still this build's report: record its new sha256
    (else the next build would find it changed and execute the notebook again for nothing). A report
    whose bytes were not the recorded ones keeps the old record, so it is still not taken as cached."""
    for name, (before, after) in linked.items():
        record = state["notebooks"].get(name, {})
        for held in (record, record.get("kept", {})):
            if held.get("report_sha256") == before:
                held["report_sha256"] = after


def _page_links(dataset, reports: Path, state: dict) -> list[dict]:
    """The indicator pages that exist, for the index: id, name, Chinese name, theme, file, error."""
    return pages.index_links(dataset, reports, state)
