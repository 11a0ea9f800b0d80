"""Step 2 of a build: execute notebooks with papermill, each rendered to HTML where it ran.

* A themed report runs in its own worker process with an explicit kernel, injected parameters
  and a time limit (:func:`execute_one`); the worker renders the HTML with nbconvert in the same
  process. A failing notebook does not stop the others.

**Indicator pages: the same template hundreds of times.** Starting a kernel and importing pandas
costs seconds, and passing every display between a kernel and papermill costs more than a page's own
work. So a few long-lived worker processes (one per core) each hold one IPython shell, warmed up once
by running the template's first cells, and execute every page in it (:mod:`analysis.builder.inprocess`:
the parameters injected by papermill's own function, each cell run by the shell and its displays
captured as the cell's outputs); the executed notebook is what a kernel gives, rendered by the same
nbconvert exporter (the pages are byte-identical to those a kernel made). Between pages the shell's
namespace is emptied and figures closed. The dataset cached by :mod:`analysis.present.indicator_page`
is handed out as copies. A page that raises or runs past its time limit fails alone; a worker process
that dies (a page that takes it down) loses only its pages in flight, which go again in a new pool,
and after a second crash one at a time, so the page that crashes its worker fails alone. The page's
downloadable tables are made in the worker right after the page (its dataset and assessment are warm
there), and its charts are taken from its outputs (:mod:`analysis.builder.downloads`): written beside
the page, then the page with a section linking them. When no themed report is due (``build --only
<indicator>``), the workers start while the build validates the data (:func:`start_pool`).
"""

from __future__ import annotations

import copy
import os
import signal
import sys
import time
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..data import i18n
from ..present import editions
from . import downloads, inprocess
from .plan import SUBDIR, TEMPLATE, Plan, languages_of, template
from .stamp import Stamp, cite, record
from .store import atomic_write

# --- one themed report, in a worker process ---------------------------------------------------


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
    from .render import notebook_title, to_html, translated

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
    lang = parameters.get("language", i18n.DEFAULT)
    title = notebook_title(translated(nbformat.read(notebook, as_version=4), lang))
    return {"status": status, "seconds": time.perf_counter() - start, "error": error.replace("\n", " "),
            "html": html, "title": title}


# --- the indicator pages: one shell per worker, many pages -------------------------------------


@dataclass
class PageOutcome:
    name: str
    status: str = "ok"  # ok | failed | cached
    seconds: float = 0.0
    error: str = ""
    input_hash: str = ""
    title: str = ""
    parameters: dict = field(default_factory=dict)
    content_sha256: str = ""  # what the page shows (analysis.builder.stamp), and since when
    updated: str = ""
    files: list = field(default_factory=list)  # the downloads written beside the page (analysis.builder.downloads)


_WORKER: dict = {}

#: Seconds between two writes of the build state while pages come in (each write is a few hundredths
#: of a second of the build's own process, taken from the workers' cores); an interrupted build writes it too.
SAVE_EVERY = 5


def _warm_code(tpl) -> str:
    """The template's parameters and imports cells, run once when a worker starts."""
    code = [c.source for c in tpl.cells if c.cell_type == "code"]
    return "\n".join(code[:2])


def _init_worker(tpl: str) -> None:
    """Set up a page worker: the template read once, the exporter, the shell with the template's
    imports done (its first two cells, run with their default parameters)."""
    import nbformat

    from .processes import worker_init
    from .render import page_exporter

    worker_init()  # dies with the build (see analysis.builder.processes)
    notebook = inprocess.prepared(nbformat.read(tpl, as_version=4))
    sh = inprocess.shell()
    _WORKER.update(notebook=notebook, exporter=page_exporter(), shell=sh, languages=languages_of(Path(tpl)))
    from IPython.utils.capture import capture_output

    try:
        with capture_output():  # what the cells display goes nowhere (a kernel's would go to no client)
            sh.run_cell(_warm_code(notebook), store_history=False, silent=True)
    finally:
        inprocess.fresh_namespace(sh)


def run_page(indicator_id: str, parameters: dict, out: str, timeout: int, stamp: Stamp | None = None,
             previous: dict | None = None) -> dict:
    """Execute the template for one indicator in this worker's shell (:mod:`analysis.builder.inprocess`)
    and write its HTML with its downloads, ending with the citation of ``stamp`` (the build's) and the
    page's last-updated date (``previous``'s when the page shows what it showed then:
    :func:`analysis.builder.stamp.last_updated`).

    Returns a dict: status, seconds, error, title, content_sha256, updated, files. Runs in a worker process.
    """
    from .render import page_title, render_page

    start = time.perf_counter()
    w = _WORKER
    params = dict(parameters, indicator_id=indicator_id)
    lang = params.get("language", i18n.DEFAULT)
    title, error, status, shown, files = "", "", "ok", {}, []
    try:
        with i18n.language(lang):  # the page's words, then the builder's: the downloads, the contents, the citation
            nb = inprocess.execute(inprocess.parameterize(copy.deepcopy(w["notebook"]), params), w["shell"], timeout)
            title = page_title(nb) or indicator_id
            files = _downloads(nb, w["shell"].user_ns, title, Path(out).parent)
            html = render_page(downloads.with_section(nb, indicator_id, files), title, w["exporter"])
            html = editions.mark(html, lang, f"{SUBDIR}/{indicator_id}.html", w["languages"])
            page, shown = cite(html, stamp, previous)
        atomic_write(Path(out), page)
    except inprocess.CellError as exc:
        status, error = "failed", f"{TEMPLATE}, cell {template_cell(w['notebook'], exc)}: {exc.ename}: {exc.evalue}".strip()
    except inprocess.CellTimeout:
        status, error = "failed", f"timed out after {timeout} s"
    except DownloadsError as exc:
        status, error = "failed", str(exc)
    except Exception as exc:  # noqa: BLE001 - any failure of one page is reported, not raised
        status = "failed"
        error = f"{type(exc).__name__}: {exc}".splitlines()[0][:500]
    finally:
        inprocess.fresh_namespace(w["shell"])  # the page's tables go now, not when the next page starts
    return {"status": status, "seconds": time.perf_counter() - start, "error": error.replace("\n", " "),
            "title": title, **shown, "files": files if status == "ok" else []}


class DownloadsError(RuntimeError):
    """The page ran but its downloads could not be made (the page fails, with this one line)."""


def _downloads(nb, namespace: dict, title: str, pages: Path) -> list[str]:
    """Make the page's downloads and write them beside it (:mod:`analysis.builder.downloads`): its
    tables for the parameters it ran with (its dataset and assessment are still warm), its charts from
    its outputs. Returns the names written."""
    from ..present.downloads import page_tables

    indicator_id = namespace["indicator_id"]
    try:
        files = page_tables(indicator_id, namespace["as_of_year"], namespace["alpha"])
    except Exception as exc:  # noqa: BLE001 - reported as the page's failure, in one line
        raise DownloadsError(f"downloads: {type(exc).__name__}: {exc}".splitlines()[0][:500]) from exc
    files.update(downloads.chart_files(nb, title))
    return downloads.write(pages / downloads.folder_name(indicator_id), files)


def template_cell(template, exc) -> str:
    """The failing cell's number in the template itself, as a fresh "Run All" numbers it (its code
    cells, from 1), found by its source; the cell papermill injects is not one of them."""
    code = [cell.source for cell in template.cells if cell.cell_type == "code"]
    if exc.source in code:
        return str(code.index(exc.source) + 1)
    return "of the injected parameters"


# --- running all pages ------------------------------------------------------------------------


def warm() -> None:
    """Nothing: a task that makes a pool started ahead of the pages start its workers (each set up
    by :func:`_init_worker`) while the build does something else."""


def _workers(plan_: Plan, jobs: int | None) -> int:
    return max(1, min(jobs or os.cpu_count() or 1, len(plan_.todo)))


def _pool(workers: int):
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    context = get_context("forkserver")
    context.set_forkserver_preload(["analysis.builder.lifeline"])  # the fork server dies with the build (if it starts here)
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_init_worker,
                               initargs=(str(template()),))


def start_pool(plan_: Plan | None, jobs: int | None):
    """A pool of page workers that start and warm up now, while the build does something else
    (validates the data, runs the themed reports); None when no page is to be executed.
    Hand it to :func:`execute_pages`, or shut it down. Nothing is written."""
    if plan_ is None or not plan_.todo:
        return None
    import threading

    workers = _workers(plan_, jobs)
    pool = _pool(workers)

    def submit():  # starting a worker waits for the fork server's imports: not on the build's own time
        try:
            for _ in range(workers):
                pool.submit(warm)
        except RuntimeError:  # the build stopped first and shut the pool down
            pass

    threading.Thread(target=submit, name="page-workers", daemon=True).start()
    return pool


def execute_pages(plan_: Plan, timeout: int, jobs: int | None, reports: Path, state: dict, save_state,
                  progress: bool = True, pool=None, stamp: Stamp | None = None) -> list[PageOutcome]:
    """Execute the planned pages in a pool of warm workers (``pool`` from :func:`start_pool`, else a
    new one); record each outcome in ``state``. Each page written ends with the citation of ``stamp``.

    ``save_state`` is called now and then (and at the end) to write the state file.
    """

    from tqdm import tqdm

    pages_state = state.setdefault("pages", {})
    outcomes = [PageOutcome(i, "cached", pages_state.get(i, {}).get("seconds", 0.0), "", k,
                            pages_state.get(i, {}).get("title", ""), dict(plan_.parameters, indicator_id=i),
                            files=list(pages_state.get(i, {}).get("files", [])), **record(pages_state.get(i)))
                for i, k in plan_.cached.items()]
    for outcome in outcomes:
        pages_state[outcome.name] = asdict(outcome)
    todo = dict(plan_.todo)
    if not todo:
        if pool is not None:
            from .processes import stop_pool

            stop_pool(pool)
        return outcomes
    (reports / SUBDIR).mkdir(parents=True, exist_ok=True)
    workers = _workers(plan_, jobs)
    bar = tqdm(total=len(plan_.todo) + len(plan_.cached), initial=len(plan_.cached), desc="indicator pages",
               unit="page", disable=not progress, file=sys.stderr)
    run = dict(plan_=plan_, timeout=timeout, reports=reports, pages_state=pages_state, outcomes=outcomes, bar=bar,
               save_state=save_state, stamp=stamp)
    try:
        for attempt in range(2):  # a crashed worker's pages go again, in a new pool
            if not todo:
                break
            if attempt > 0 or pool is None:
                pool = _pool(workers)
            with pool:
                _run_pages(pool, todo, retry=True, **run)
        # crashed twice: one page at a time, so the page that takes its worker down fails alone
        pool = None
        try:
            for ind in sorted(todo):
                pool = pool or _pool(1)
                if not _run_pages(pool, {ind: todo.pop(ind)}, retry=False, **run):
                    pool.shutdown()
                    pool = None
        finally:
            if pool is not None:
                pool.shutdown()
    finally:  # interrupted too: the pages written so far are recorded, and not done again next time
        save_state()
    for ind in todo:  # left after the retry: the pool could not run them
        outcome = PageOutcome(ind, "failed", 0.0, "worker crashed", "", "", dict(plan_.parameters, indicator_id=ind),
                              **record(pages_state.get(ind)))
        outcomes.append(outcome)
        pages_state[ind] = asdict(outcome)
    bar.close()
    save_state()
    return sorted(outcomes, key=lambda o: o.name)


def _run_pages(pool, todo: dict, retry: bool, plan_: Plan, timeout: int, reports: Path, pages_state: dict,
               outcomes: list, bar, save_state, stamp: Stamp | None = None) -> bool:
    """Submit every page of ``todo`` to ``pool``, record each outcome as it comes and remove the page
    from ``todo`` (the pool is left open). A page whose worker crashed stays in ``todo`` when
    ``retry`` (to go again in a new pool), else it fails. Returns whether the pool held. An
    interruption stops the workers at once (:func:`analysis.builder.processes.stop_pool`)."""
    from concurrent.futures import as_completed
    from concurrent.futures.process import BrokenProcessPool

    from .processes import stop_pool

    last_save, held = time.monotonic(), True
    try:
        futures = {pool.submit(run_page, ind, plan_.parameters, str(reports / SUBDIR / f"{ind}.html"),
                               timeout, stamp, record(pages_state.get(ind))): ind for ind in sorted(todo)}
        for future in as_completed(futures):
            ind = futures[future]
            try:
                result = future.result()
            except BrokenProcessPool:
                held = False
                if retry:
                    continue
                result = {"status": "failed", "seconds": 0.0, "error": "worker crashed", "title": ""}
            except Exception as exc:  # noqa: BLE001 - one page's failure is reported, not raised
                result = {"status": "failed", "seconds": 0.0, "error": f"worker crashed: {exc}", "title": ""}
            outcome = _outcome(ind, todo.pop(ind), result, plan_, pages_state)
            outcomes.append(outcome)
            pages_state[ind] = asdict(outcome)
            bar.set_postfix_str(f"{ind}: {outcome.status}", refresh=False)
            bar.update(1)
            if time.monotonic() - last_save > SAVE_EVERY:
                save_state()
                last_save = time.monotonic()
    except KeyboardInterrupt:
        stop_pool(pool)
        raise
    return held


def _outcome(ind: str, key: str, result: dict, plan_: Plan, pages_state: dict) -> PageOutcome:
    ok = result["status"] == "ok"
    shown = {k: result[k] for k in ("content_sha256", "updated") if result.get(k)} if ok else record(pages_state.get(ind))
    outcome = PageOutcome(ind, result["status"], round(result["seconds"], 2), result["error"], key if ok else "",
                          result["title"], dict(plan_.parameters, indicator_id=ind), files=list(result.get("files", [])),
                          **shown)
    if not ok and pages_state.get(ind, {}).get("title"):
        outcome.title = pages_state[ind]["title"]
    return outcome
