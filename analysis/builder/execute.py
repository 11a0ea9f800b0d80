"""Step 2 of a build: execute notebooks with papermill, each rendered to HTML where it ran.

* A themed report runs in its own worker process with an explicit kernel, injected parameters
  and a time limit (:func:`execute_one`); the worker renders the HTML with nbconvert in the same
  process. A failing notebook does not stop the others.

**Indicator pages: speed without giving up isolation.** Starting a kernel and importing pandas and
matplotlib costs seconds, far more than a page. So a few long-lived worker processes (one per core)
each own one kernel, launched as the worker starts and warmed up once by running the template's
first cells; every page is then executed in it by papermill (its parameters injected as usual)
through papermill's nbclient engine, registered under another name and handed that kernel's
manager, and the kernel client of the page before (nbclient would otherwise open new channels and
wait for a kernel_info reply each page). After each page the worker closes the figures and clears
the kernel's namespace (as ``%reset -f``) through that same client and waits for it: a kernel
orders the requests of one client, not across clients. The dataset cached by
:mod:`analysis.present.indicator_page` is handed out as copies. A page that raises fails alone; a
kernel that dies or times out is restarted before the next page; a worker process that dies loses
only its current page (the others are retried in a new pool). Before the namespace is cleared, the
page's downloadable tables are made in that kernel, and its charts are taken from its outputs
(:mod:`analysis.builder.downloads`): written beside the page, then the page with a section linking
them. When no themed report is due (``build --only <indicator>``), the workers and their kernels
start while the build validates the data (:func:`start_pool`).
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
from . import downloads
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


# --- the indicator pages: one warm kernel per worker, many pages ------------------------------


ENGINE = "zjcp-warm-kernel"


#: Run in the kernel between two pages: close any figure a page left open (only if it used
#: matplotlib), then delete every name the page defined, as ``%reset -f`` does (without its
#: garbage collection pass, which costs more than a page).
RESET = (
    "import sys as __sys\n"
    "if 'matplotlib.pyplot' in __sys.modules:\n"
    "    __sys.modules['matplotlib.pyplot'].close('all')\n"
    "__ip = get_ipython()\n"
    "for __k in [k for k in __ip.user_ns if k not in __ip.user_ns_hidden and not k.startswith('__')]:\n"
    "    del __ip.user_ns[__k]\n"
    "__ip.user_ns['Out'].clear()\n"
    "del __ip.user_ns['In'][1:], __ip, __sys\n"
)


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


def _read_template(tpl: Path):
    """The template, read and validated once per worker (each page executes a copy)."""
    import nbformat

    return nbformat.read(str(tpl), as_version=4)


def _warm_code(tpl: Path) -> str:
    """The template's parameters and imports cells, to run once in a fresh kernel."""
    import nbformat

    nb = nbformat.read(str(tpl), as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    return "\n".join(code[:2])


def _launch_kernel() -> None:
    """Start this worker's kernel process without waiting for it (it boots while the worker sets up)."""
    from jupyter_client import KernelManager

    w = _WORKER
    log = open(w["log"], "ab")  # noqa: SIM115 - lives as long as the kernel
    from .kernels import ipc_settings

    km = KernelManager(kernel_name=w["kernel"], client_class="jupyter_client.asynchronous.AsyncKernelClient",
                       **ipc_settings())  # see analysis.builder.kernels: no port to race for
    w.update(km=km, logfile=log)
    km.start_kernel(cwd=str(w["template"].parent), stdout=log, stderr=log,
                    extra_arguments=["--HistoryManager.enabled=False"])


def _start_kernel() -> None:
    """Start this worker's kernel (unless launched already) and run the template's imports in it once.

    The kernel manager hands nbclient asynchronous clients (what nbclient is written for; with a
    blocking client it polls and a page takes seconds more); the worker's own calls (warm-up,
    reset) go through a blocking client on the same kernel.
    """
    w = _WORKER
    if w.get("km") is None:
        _launch_kernel()
    kc = w["km"].blocking_client()
    kc.start_channels()
    w.update(kc=kc)
    from .kernels import KERNEL_START_TIMEOUT

    kc.wait_for_ready(timeout=KERNEL_START_TIMEOUT)
    _run(w["warm"], timeout=300)
    _reset()


def _stop_kernel() -> None:
    w = _WORKER
    pages_client = w["client"].kc if w.get("client") is not None else None
    for kc in (w.get("kc"), pages_client):
        if kc is not None:
            kc.stop_channels()
    if w.get("km") is not None:
        try:
            w["km"].shutdown_kernel(now=True)
        except Exception:  # noqa: BLE001 - a dead kernel is already gone
            pass
    if w.get("logfile") is not None:
        w["logfile"].close()
    w.update(km=None, kc=None, client=None, logfile=None)


def _run(code: str, timeout: float = 30) -> None:
    reply = _WORKER["kc"].execute_interactive(code, timeout=timeout, output_hook=lambda msg: None)
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"kernel set-up failed: {reply['content'].get('ename')}: {reply['content'].get('evalue')}")


def _reset() -> None:
    """Close every figure and clear the kernel's namespace (imported modules stay loaded), and wait
    for it. Sent through the client the pages use, once there is one: a kernel orders the requests
    of one client, not across clients."""
    client = _WORKER.get("client")
    if client is None or client.kc is None:
        _run(RESET, timeout=30)
        return
    reply = client.wait_for_reply(client.kc.execute(RESET, silent=True, store_history=False))
    if reply is None or reply["content"]["status"] != "ok":
        raise RuntimeError("kernel reset failed")


def _engine():
    """papermill's nbclient engine, executing in this worker's running kernel (a fresh client per
    page, closed after it)."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine
    from papermill.log import logger
    from papermill.utils import merge_kwargs, remove_args

    from .kernels import KERNEL_START_TIMEOUT

    class WarmEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                     stderr_file=None, start_timeout=KERNEL_START_TIMEOUT, execution_timeout=None, **kwargs):
            kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
            final_kwargs = merge_kwargs(kwargs, timeout=execution_timeout, startup_timeout=start_timeout,
                                        kernel_name=kernel_name, log=logger, log_output=log_output,
                                        stdout_file=stdout_file, stderr_file=stderr_file)
            client = PapermillNotebookClient(nb_man, km=_WORKER["km"], **final_kwargs)
            # the kernel client of the previous page, channels open: nbclient would otherwise open new
            # ones and wait for the kernel to answer a kernel_info request, for every page
            client.kc = _WORKER["client"].kc if _WORKER.get("client") is not None else None
            try:
                return client.execute()
            finally:
                _WORKER["client"] = client  # kept for the reset and the next page

    return WarmEngine


def _init_worker(tpl: str, kernel: str, log: str, staging: str = "") -> None:
    from multiprocessing.util import Finalize

    from .processes import worker_init
    from .render import page_exporter

    worker_init(cleanup=_stop_kernel)  # dies with the build (see analysis.builder.processes), its kernel with it
    _WORKER.update(template=Path(tpl), kernel=kernel, log=log, km=None, kc=None, client=None, logfile=None,
                   staging=Path(staging or Path(log).parent.parent / "staging"))
    # a pool worker leaves through os._exit, which skips atexit: a finalizer with an exit priority runs
    # (without it the kernel only noticed its parent was gone, and left its sockets and connection file)
    Finalize(None, _stop_kernel, exitpriority=10)
    try:
        _launch_kernel()  # boots while papermill, the exporter and the template are set up
    except Exception:  # noqa: BLE001 - a kernel that cannot start fails the pages, each with the reason
        _stop_kernel()
    from papermill.engines import papermill_engines

    papermill_engines.register(ENGINE, _engine())
    _WORKER.update(warm=_warm_code(Path(tpl)), exporter=page_exporter(), notebook=_read_template(Path(tpl)),
                   languages=languages_of(Path(tpl)))


def run_page(indicator_id: str, parameters: dict, out: str, timeout: int, stamp: Stamp | None = None,
             previous: dict | None = None) -> dict:
    """Execute the template for one indicator in this worker's warm kernel and write its HTML, ending
    with the citation of ``stamp`` (the build's) and the page's last-updated date (``previous``'s when
    the page shows what it showed then: :func:`analysis.builder.stamp.last_updated`).

    Returns a dict: status, seconds, error, title, content_sha256, updated. Runs in a worker process.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from .render import page_title, render_page

    start = time.perf_counter()
    w = _WORKER
    params = dict(parameters, indicator_id=indicator_id)
    restart = False
    title, error, status, shown, files = "", "", "ok", {}, []
    try:
        if w.get("km") is not None and not w["km"].is_alive():
            _stop_kernel()
        if w.get("kc") is None:
            _start_kernel()
        nb = papermill.execute_notebook(
            copy.deepcopy(w["notebook"]), None, parameters=params, kernel_name=w["kernel"], progress_bar=False,
            log_output=False, execution_timeout=int(timeout), request_save_on_cell_execute=False,
            engine_name=ENGINE,
        )
        title = page_title(nb) or indicator_id
        files = _downloads(nb, indicator_id, title, Path(out).parent)
        lang = params.get("language", i18n.DEFAULT)
        with i18n.language(lang):  # the words the builder adds: the downloads, the contents, the citation
            html = render_page(downloads.with_section(nb, indicator_id, files), title, w["exporter"])
            html = editions.mark(html, lang, f"{SUBDIR}/{indicator_id}.html", w["languages"])
            page, shown = cite(html, stamp, previous)
        atomic_write(Path(out), page)
    except PapermillExecutionError as exc:
        status, error = "failed", f"{TEMPLATE}, cell {template_cell(w['notebook'], exc)}: {exc.ename}: {exc.evalue}".strip()
    except DownloadsError as exc:
        status, error = "failed", str(exc)
    except Exception as exc:  # noqa: BLE001 - a dead or stuck kernel fails this page only
        status, restart = "failed", True
        text = f"{type(exc).__name__}: {exc}".splitlines()[0][:500]
        error = f"timed out after {timeout} s" if "Timeout" in type(exc).__name__ else text
    try:
        if restart:
            _stop_kernel()
        else:
            _reset()
    except Exception:  # noqa: BLE001 - a kernel that cannot be reset is replaced before the next page
        _stop_kernel()
    return {"status": status, "seconds": time.perf_counter() - start, "error": error.replace("\n", " "),
            "title": title, **shown, "files": files if status == "ok" else []}


class DownloadsError(RuntimeError):
    """The page ran but its downloads could not be made (the page fails, with this one line)."""


def _downloads(nb, indicator_id: str, title: str, pages: Path) -> list[str]:
    """Make the page's downloads and write them beside it (:mod:`analysis.builder.downloads`): its
    tables in the kernel that ran it (staged in the build folder), its charts from its outputs.
    Returns the names written."""
    staging = _WORKER["staging"] / indicator_id
    client = _WORKER.get("client")
    reply = client.wait_for_reply(client.kc.execute(downloads.STAGE.format(folder=str(staging)), silent=True,
                                                    store_history=False))
    if reply is None or reply["content"]["status"] != "ok":
        content = reply["content"] if reply is not None else {}
        raise DownloadsError(f"downloads: {content.get('ename', 'no reply')}: {content.get('evalue', '')}".strip())
    files = downloads.staged_tables(staging)
    files.update(downloads.chart_files(nb, title))
    return downloads.write(pages / downloads.folder_name(indicator_id), files)


def template_cell(template, exc) -> str:
    """The failing cell's number in the template itself, as a fresh "Run All" numbers it (its code
    cells, from 1), found by its source; the count of the warm kernel, which ran every page before,
    and the cell papermill injects say nothing to the template's reader."""
    code = [cell.source for cell in template.cells if cell.cell_type == "code"]
    if exc.source in code:
        return str(code.index(exc.source) + 1)
    return "of the injected parameters"


# --- running all pages ------------------------------------------------------------------------


def warm() -> None:
    """Start this worker's kernel and warm it up (a task for a pool started ahead of the pages)."""
    if _WORKER.get("kc") is None:
        _start_kernel()


def _workers(plan_: Plan, jobs: int | None) -> int:
    return max(1, min(jobs or os.cpu_count() or 1, len(plan_.todo)))


def _pool(workers: int, kernel: str, build_dir: Path):
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    (build_dir / "logs").mkdir(parents=True, exist_ok=True)
    context = get_context("forkserver")
    context.set_forkserver_preload(["analysis.builder.lifeline"])  # the fork server dies with the build (if it starts here)
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_init_worker,
                               initargs=(str(template()), kernel, str(build_dir / "logs" / "indicator-kernels.log"),
                                         str(build_dir / "staging")))


def start_pool(plan_: Plan | None, kernel: str, jobs: int | None, build_dir: Path):
    """A pool of page workers whose kernels start and warm up now, while the build does something
    else (validates the data, runs the themed reports); None when no page is to be executed.
    Hand it to :func:`execute`, or shut it down. Nothing is written but the kernels' log."""
    if plan_ is None or not plan_.todo:
        return None
    import threading

    workers = _workers(plan_, jobs)
    pool = _pool(workers, kernel, build_dir)

    def submit():  # starting a worker waits for the fork server's imports: not on the build's own time
        try:
            for _ in range(workers):
                pool.submit(warm)
        except RuntimeError:  # the build stopped first and shut the pool down
            pass

    threading.Thread(target=submit, name="page-workers", daemon=True).start()
    return pool


def execute_pages(plan_: Plan, kernel: str, timeout: int, jobs: int | None, reports: Path, build_dir: Path,
            state: dict, save_state, progress: bool = True, pool=None, stamp: Stamp | None = None) -> list[PageOutcome]:
    """Execute the planned pages in a pool of warm workers (``pool`` from :func:`start_pool`, else a
    new one); record each outcome in ``state``. Each page written ends with the citation of ``stamp``.

    ``save_state`` is called now and then (and at the end) to write the state file.
    """
    from concurrent.futures.process import BrokenProcessPool

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
    try:
        for attempt in range(2):
            if not todo:
                break
            if attempt > 0 or pool is None:
                pool = _pool(workers, kernel, build_dir)
            try:
                _run_pages(pool, todo, attempt, plan_, timeout, reports, pages_state, outcomes, bar, save_state, stamp)
            except BrokenProcessPool:
                pass
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


def _run_pages(pool, todo: dict, attempt: int, plan_: Plan, timeout: int, reports: Path, pages_state: dict,
               outcomes: list, bar, save_state, stamp: Stamp | None = None) -> None:
    """Submit every page of ``todo`` to ``pool`` and record each outcome as it comes (a page whose
    worker crashed stays in ``todo`` on the first attempt, to be retried in a new pool). An
    interruption stops the workers at once (:func:`analysis.builder.processes.stop_pool`)."""
    from concurrent.futures import as_completed
    from concurrent.futures.process import BrokenProcessPool

    from .processes import stop_pool

    last_save = time.monotonic()
    with pool:
        try:
            futures = {pool.submit(run_page, ind, plan_.parameters, str(reports / SUBDIR / f"{ind}.html"),
                                   timeout, stamp, record(pages_state.get(ind))): ind for ind in sorted(todo)}
            for future in as_completed(futures):
                ind = futures[future]
                try:
                    result = future.result()
                except BrokenProcessPool:
                    if attempt == 0:
                        continue  # retried in a new pool
                    result = {"status": "failed", "seconds": 0.0, "error": "worker crashed", "title": ""}
                except Exception as exc:  # noqa: BLE001 - one page's failure is reported, not raised
                    result = {"status": "failed", "seconds": 0.0, "error": f"worker crashed: {exc}", "title": ""}
                outcome = _outcome(ind, todo.pop(ind), result, plan_, pages_state)
                outcomes.append(outcome)
                pages_state[ind] = asdict(outcome)
                bar.set_postfix_str(f"{ind}: {outcome.status}", refresh=False)
                bar.update(1)
                if time.monotonic() - last_save > 2:
                    save_state()
                    last_save = time.monotonic()
        except KeyboardInterrupt:
            stop_pool(pool)
            raise


def _outcome(ind: str, key: str, result: dict, plan_: Plan, pages_state: dict) -> PageOutcome:
    ok = result["status"] == "ok"
    shown = {k: result[k] for k in ("content_sha256", "updated") if result.get(k)} if ok else record(pages_state.get(ind))
    outcome = PageOutcome(ind, result["status"], round(result["seconds"], 2), result["error"], key if ok else "",
                          result["title"], dict(plan_.parameters, indicator_id=ind), files=list(result.get("files", [])),
                          **shown)
    if not ok and pages_state.get(ind, {}).get("title"):
        outcome.title = pages_state[ind]["title"]
    return outcome
