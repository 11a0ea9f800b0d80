"""One page per indicator: ``notebooks/indicator.ipynb`` executed by papermill for every indicator
with a pledge or an observation, into ``reports/indicators/<indicator_id>.html``.

**Cache rule.** A page's key is the hash of: the template notebook, the library's code
(``analysis/**/*.py`` and ``*.j2``), ``datapackage.json``, that indicator's own rows (its row in
``indicators.csv``, its pledges and its observations, every vintage), the rows of the sources those
cite, the page's parameters and the kernel name. A page whose key matches its last successful run
(and whose HTML exists) is not executed again; so changing one indicator's data rows re-executes
only that indicator's page.

**Speed without giving up isolation.** Starting a kernel and importing pandas and matplotlib
costs seconds, far more than a page. So a few long-lived worker processes (one per core) each own
one kernel, launched as the worker starts and warmed up once by running the template's first cells;
every page is then executed in it by papermill (its parameters injected as usual) through
papermill's nbclient engine, registered under another name and handed that kernel's manager, and
the kernel client of the page before (nbclient would otherwise open new channels and wait for a
kernel_info reply each page). After each page the worker closes the figures and clears the
kernel's namespace (as ``%reset -f``) through that same client and waits for it: a kernel orders
the requests of one client, not across clients. The dataset cached by
:mod:`analysis.indicator_page` is handed out as copies. A page that raises fails alone; a kernel
that dies or times out is restarted before the next page; a worker process that dies loses only
its current page (the others are retried in a new pool). When no themed report is due (``build
--only <indicator>``), the workers and their kernels start while the build validates the data
(:func:`start_pool`).
"""

from __future__ import annotations

import copy
import csv
import hashlib
import json
import os
import re
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import paths

TEMPLATE = "indicator.ipynb"
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
SUBDIR = "indicators"
#: What an id may hold (the schema's pattern): safe in a file name and as written in a code span.
ID_PATTERN = re.compile(r"^[A-Za-z0-9_]+$")


@dataclass
class PageOutcome:
    name: str
    status: str = "ok"  # ok | failed | cached
    seconds: float = 0.0
    error: str = ""
    input_hash: str = ""
    title: str = ""
    parameters: dict = field(default_factory=dict)


def template() -> Path | None:
    """The template notebook, or None when the notebooks folder has none (no pages then)."""
    path = paths.notebooks_dir() / TEMPLATE
    return path if path.is_file() else None


# --- which pages, and their cache keys ------------------------------------------------------------


def _read(name: str) -> tuple[list[str], list[dict]]:
    with (paths.data_dir() / name).open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def _row_bytes(header: list[str], row: dict) -> bytes:
    return json.dumps([row.get(k) for k in header], ensure_ascii=False).encode()


def indicator_rows() -> dict[str, dict]:
    """Per indicator with a pledge or an observation: its raw rows and the rows of the sources cited.

    Read with the csv module (no validation, no pandas), so a build with nothing to do stays fast;
    the build validates the dataset before anything is executed.
    """
    tables = {name: _read(f"{name}.csv") for name in ("sources", "indicators", "pledges", "observations")}
    sources = {r["source_id"]: _row_bytes(tables["sources"][0], r) for r in tables["sources"][1]}
    out: dict[str, dict] = {}
    for kind in ("pledges", "observations"):
        header, rows = tables[kind]
        for r in rows:
            entry = out.setdefault(r["indicator_id"], {"rows": [], "sources": set()})
            entry["rows"].append(kind.encode() + _row_bytes(header, r))
            entry["sources"].add(r["source_id"])
    header, rows = tables["indicators"]
    info = {r["indicator_id"]: _row_bytes(header, r) for r in rows}
    summed = {r["indicator_id"]: r.get("sum_of") for r in rows if r.get("sum_of")}
    own = {ind: (list(entry["rows"]), set(entry["sources"])) for ind, entry in out.items()}
    for ind, yearly in summed.items():  # a total over a period is judged on its yearly indicator's rows too
        if ind in out and yearly in own:
            out[ind]["rows"] += [b"summed" + row for row in own[yearly][0]]
            out[ind]["sources"] |= own[yearly][1]
    for ind, entry in out.items():
        entry["indicator"] = info.get(ind, b"")
        entry["source_rows"] = [sources.get(s, s.encode()) for s in sorted(entry["sources"])]
    return out


def code_digest() -> str:
    """Hash of the library's code and the data package descriptor (what every page depends on)."""
    h = hashlib.sha256()
    for pattern in ("**/*.py", "**/*.j2"):
        for path in sorted(paths.PACKAGE_DIR.glob(pattern)):
            h.update(str(path.relative_to(paths.PACKAGE_DIR)).encode())
            h.update(path.read_bytes())
    descriptor = paths.data_dir() / "datapackage.json"
    if descriptor.is_file():
        h.update(descriptor.read_bytes())
    return h.hexdigest()


def page_key(template_bytes: bytes, code: str, rows: dict, parameters: dict, kernel: str) -> str:
    """The cache key of one page (see the module docstring for the rule)."""
    h = hashlib.sha256()
    for part in (template_bytes, code.encode(), rows["indicator"], *sorted(rows["rows"]), *rows["source_rows"],
                 json.dumps(parameters, sort_keys=True, default=str).encode(), kernel.encode()):
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()


def split_only(only: list[str] | None) -> tuple[list[str] | None, list[str] | None]:
    """Split ``--only`` names into notebook names and indicator ids (an indicator id is any name
    that is an indicator in ``indicators.csv`` and not a notebook). Returns (notebooks, indicators);
    None for a kind means nothing of that kind was named."""
    if not only:
        return None, None
    ids = indicator_ids()  # unreadable: every name is taken as a notebook's (and the data check says why)
    from .run import list_notebooks

    stems = {p.stem for p in list_notebooks()} | {p.stem.split("-", 1)[0] for p in list_notebooks()}
    notebooks = [n for n in only if Path(n).stem in stems or n not in ids]
    indicators = [n for n in only if n in ids and Path(n).stem not in stems]
    return notebooks or None, indicators or None


@dataclass
class Plan:
    """Pages to build (id -> key), pages already up to date, pages to remove."""

    todo: dict[str, str]
    cached: dict[str, str]
    remove: list[str]
    parameters: dict


def plan(only: list[str] | None, parameters: dict, kernel: str, state: dict, reports: Path,
         force: bool = False) -> Plan | None:
    """Decide which indicator pages to execute. None when there is no template."""
    tpl = template()
    if tpl is None:
        return None
    rows = indicator_rows()
    wanted = sorted(rows) if only is None else [i for i in only if i in rows]
    template_bytes, code = tpl.read_bytes(), code_digest()
    before = state.get("pages", {})
    todo, cached = {}, {}
    folder = reports / SUBDIR
    for ind in wanted:
        params = dict(parameters, indicator_id=ind)
        key = page_key(template_bytes, code, rows[ind], params, kernel)
        prev = before.get(ind, {})
        if (not force and prev.get("input_hash") == key and prev.get("status") in ("ok", "cached")
                and (folder / f"{ind}.html").is_file()):
            cached[ind] = key
        else:
            todo[ind] = key
    remove = sorted(written_pages(reports, state) - set(rows))
    return Plan(todo, cached, remove, parameters)


def written_pages(reports: Path, state: dict) -> set[str]:
    """Indicator ids whose page in ``reports`` a build wrote: listed in the folder's manifest, or
    recorded in the build's state (a folder built before manifests)."""
    from .folders import written

    prefix = f"{SUBDIR}/"
    listed = {Path(name).stem for name in written(reports) if name.startswith(prefix) and name.endswith(".html")}
    return listed | set(state.get("pages", {}))


def indicator_ids() -> set[str]:
    """Every indicator id in ``indicators.csv`` (read with the csv module, no validation)."""
    try:
        _, rows = _read("indicators.csv")
    except (OSError, ValueError, csv.Error):
        return set()
    return {r.get("indicator_id") for r in rows}


def remove_stale(plan_: Plan, state: dict, reports: Path) -> None:
    """Delete the pages (and their state) of indicators that no longer have a pledge or an observation
    (only pages a build wrote: :func:`written_pages`)."""
    for ind in plan_.remove:
        if ID_PATTERN.fullmatch(ind):
            (reports / SUBDIR / f"{ind}.html").unlink(missing_ok=True)
        state.get("pages", {}).pop(ind, None)


# --- the worker: one warm kernel, many pages ------------------------------------------------------

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
                       **ipc_settings())  # see analysis.kernels: no port to race for
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


def _init_worker(tpl: str, kernel: str, log: str) -> None:
    from multiprocessing.util import Finalize

    from .processes import worker_init

    worker_init(cleanup=_stop_kernel)  # dies with the build (see analysis.processes), its kernel with it
    _WORKER.update(template=Path(tpl), kernel=kernel, log=log, km=None, kc=None, client=None, logfile=None)
    # a pool worker leaves through os._exit, which skips atexit: a finalizer with an exit priority runs
    # (without it the kernel only noticed its parent was gone, and left its sockets and connection file)
    Finalize(None, _stop_kernel, exitpriority=10)
    try:
        _launch_kernel()  # boots while papermill, the exporter and the template are set up
    except Exception:  # noqa: BLE001 - a kernel that cannot start fails the pages, each with the reason
        _stop_kernel()
    from papermill.engines import papermill_engines

    papermill_engines.register(ENGINE, _engine())
    _WORKER.update(warm=_warm_code(Path(tpl)), exporter=page_exporter(), notebook=_read_template(Path(tpl)))


def run_page(indicator_id: str, parameters: dict, out: str, timeout: int) -> dict:
    """Execute the template for one indicator in this worker's warm kernel and write its HTML.

    Returns a dict: status, seconds, error, title. Runs in a worker process.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from .run import atomic_write

    start = time.perf_counter()
    w = _WORKER
    params = dict(parameters, indicator_id=indicator_id)
    restart = False
    title, error, status = "", "", "ok"
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
        atomic_write(Path(out), render_page(nb, title, w["exporter"]))
    except PapermillExecutionError as exc:
        status, error = "failed", f"{TEMPLATE}, cell {template_cell(w['notebook'], exc)}: {exc.ename}: {exc.evalue}".strip()
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
            "title": title}


def template_cell(template, exc) -> str:
    """The failing cell's number in the template itself, as a fresh "Run All" numbers it (its code
    cells, from 1), found by its source; the count of the warm kernel, which ran every page before,
    and the cell papermill injects say nothing to the template's reader."""
    code = [cell.source for cell in template.cells if cell.cell_type == "code"]
    if exc.source in code:
        return str(code.index(exc.source) + 1)
    return "of the injected parameters"


def page_title(nb) -> str:
    """The text of the H1 the page's first output displays (the indicator's names)."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            text = output.get("data", {}).get("text/markdown", "")
            match = re.search(r"^#\s+(.+)$", text, flags=re.MULTILINE)
            if match:
                import html

                return html.unescape(match.group(1).strip())
    return ""


_PAGE_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK SC",sans-serif;max-width:60rem;
margin:0 auto;padding:0 1rem 3rem;color:#1a1a1a;line-height:1.45;overflow-x:hidden;overflow-wrap:anywhere}
h1{font-size:1.55rem;margin:1.2rem 0 .5rem}
h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
h3{font-size:1rem;margin:1.4rem 0 .3rem}
a.anchor-link{visibility:hidden;margin-left:.3rem;text-decoration:none}
h1:hover a.anchor-link,h2:hover a.anchor-link,h3:hover a.anchor-link{visibility:visible}
nav.toc{border-left:3px solid #0072B2;padding:.2rem 1rem;margin:1rem 0 1.5rem;background:#F5F8FB}
nav.toc ol{margin:.3rem 0;padding-left:1.2rem}
table:not(.zt){border-collapse:collapse;font-size:.85rem;display:block;overflow-x:auto;max-width:100%;margin:.6rem 0}
caption{text-align:left;font-weight:bold;padding:.3rem 0}
.zt-block{overflow-x:auto}
table:not(.zt) :is(th,td){padding:.25rem .5rem;border-bottom:1px solid #e5e5e5;text-align:left;vertical-align:top;min-width:4rem}
blockquote{margin:.5rem 0;padding:.2rem .9rem;border-left:3px solid #ccc;color:#333}
svg.indicator-chart{display:block;margin:.5rem 0}
pre{white-space:pre-wrap}
@media (max-width:600px){body{padding:0 .5rem 2rem}table:not(.zt) :is(th,td){min-width:3rem}}
"""
_H2 = re.compile(r'<h2 id="([^"]+)"[^>]*>(.*?)</h2>', flags=re.S)
_TAG = re.compile(r"<[^>]+>")
_SCRIPT_TAG = re.compile(r"<script\b.*?</script>", flags=re.S | re.I)


def page_exporter():
    """nbconvert's ``basic`` HTML exporter in reader mode (code hidden, cells tagged to go removed).

    The page shell (a small stylesheet, no scripts) is added by :func:`render_page`, so a page weighs
    tens of kilobytes instead of the ``lab`` template's several hundred.
    """
    from nbconvert import HTMLExporter, TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
    from nbconvert.preprocessors import TagRemovePreprocessor

    from .render import REMOVE_CELL_TAGS, REMOVE_INPUT_TAGS

    class PageExporter(HTMLExporter):
        """HTMLExporter without its last step (a BeautifulSoup pass giving images an alt text and
        code cells a tab stop, which takes longer than the rest): pages have no code and no <img>."""

        def from_notebook_node(self, nb, resources=None, **kw):
            resources = self._init_resources(resources)
            self.register_filter("highlight_code", self.filters.get("highlight_code", Highlight2HTML(parent=self)))
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    # no default preprocessors: none applies to a page, and nbconvert validates the whole notebook
    # after each one, enabled or not (a dozen validations a page)
    exporter = PageExporter(template_name="basic", default_preprocessors=[])
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.embed_images = True
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags=set(REMOVE_CELL_TAGS),
                                                         remove_input_tags=set(REMOVE_INPUT_TAGS), enabled=True),
                                   enabled=True)
    return exporter


def render_page(nb, title: str, exporter=None) -> str:
    """Reader's HTML of an executed page: its outputs, a table of contents of the ``##`` sections
    under the title, a small inline stylesheet, no script (the reports' Content-Security-Policy
    forbids any) and nothing loaded from the network."""
    import html

    from .render import reader_notebook
    from .tables import CSS as TABLE_CSS

    body, _ = (exporter or page_exporter()).from_notebook_node(reader_notebook(nb))
    body = _SCRIPT_TAG.sub("", body)
    items = "".join(f'<li><a href="#{anchor}">{html.escape(html.unescape(_TAG.sub("", text)).rstrip("¶").strip())}'
                    "</a></li>" for anchor, text in _H2.findall(body))
    if items and "</h1>" in body:
        nav = f'<nav class="toc" aria-label="Contents"><strong>Contents</strong><ol>{items}</ol></nav>'
        body = body.replace("</h1>", "</h1>" + nav, 1)
    from .index import CONTENT_SECURITY_POLICY

    return ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n<link rel="icon" href="data:,">\n'
            f"<title>{html.escape(title)}</title>\n<style>{_PAGE_CSS}{TABLE_CSS}</style>\n</head>\n<body>\n<main>\n{body}\n"
            "</main>\n</body>\n</html>\n")


# --- running all pages ----------------------------------------------------------------------------


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
    context.set_forkserver_preload(["analysis.lifeline"])  # the fork server dies with the build (if it starts here)
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_init_worker,
                               initargs=(str(template()), kernel, str(build_dir / "logs" / "indicator-kernels.log")))


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


def execute(plan_: Plan, kernel: str, timeout: int, jobs: int | None, reports: Path, build_dir: Path,
            state: dict, save_state, progress: bool = True, pool=None) -> list[PageOutcome]:
    """Execute the planned pages in a pool of warm workers (``pool`` from :func:`start_pool`, else a
    new one); record each outcome in ``state``.

    ``save_state`` is called now and then (and at the end) to write the state file.
    """
    from concurrent.futures.process import BrokenProcessPool

    from tqdm import tqdm

    pages_state = state.setdefault("pages", {})
    outcomes = [PageOutcome(i, "cached", pages_state.get(i, {}).get("seconds", 0.0), "", k,
                            pages_state.get(i, {}).get("title", ""), dict(plan_.parameters, indicator_id=i))
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
                _run_pages(pool, todo, attempt, plan_, timeout, reports, pages_state, outcomes, bar, save_state)
            except BrokenProcessPool:
                pass
    finally:  # interrupted too: the pages written so far are recorded, and not done again next time
        save_state()
    for ind in todo:  # left after the retry: the pool could not run them
        outcome = PageOutcome(ind, "failed", 0.0, "worker crashed", "", "", dict(plan_.parameters, indicator_id=ind))
        outcomes.append(outcome)
        pages_state[ind] = asdict(outcome)
    bar.close()
    save_state()
    return sorted(outcomes, key=lambda o: o.name)


def _run_pages(pool, todo: dict, attempt: int, plan_: Plan, timeout: int, reports: Path, pages_state: dict,
               outcomes: list, bar, save_state) -> None:
    """Submit every page of ``todo`` to ``pool`` and record each outcome as it comes (a page whose
    worker crashed stays in ``todo`` on the first attempt, to be retried in a new pool). An
    interruption stops the workers at once (:func:`analysis.processes.stop_pool`)."""
    from concurrent.futures import as_completed
    from concurrent.futures.process import BrokenProcessPool

    from .processes import stop_pool

    last_save = time.monotonic()
    with pool:
        try:
            futures = {pool.submit(run_page, ind, plan_.parameters, str(reports / SUBDIR / f"{ind}.html"),
                                   timeout): ind for ind in sorted(todo)}
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
    outcome = PageOutcome(ind, result["status"], round(result["seconds"], 2), result["error"], key if ok else "",
                          result["title"], dict(plan_.parameters, indicator_id=ind))
    if not ok and pages_state.get(ind, {}).get("title"):
        outcome.title = pages_state[ind]["title"]
    return outcome


def available(reports: Path) -> set[str]:
    """Indicator ids whose page exists in ``reports``."""
    folder = reports / SUBDIR
    return {p.stem for p in folder.glob("*.html")} if folder.is_dir() else set()


# --- the explorer, the links from the reports and the index --------------------------------------


def page_as_of(parameters: dict) -> int:
    """The as-of year the pages use: the one passed, else the template's default."""
    if "as_of_year" in parameters:
        return int(parameters["as_of_year"])
    from .run import declared_parameters

    return int(declared_parameters(template())["as_of_year"]["default"])


def write_explorer(dataset, reports: Path, parameters: dict) -> None:
    """Write ``reports/pledges.html`` (see :mod:`analysis.explorer`) when a template exists."""
    from . import explorer
    from .progress import progress_table
    from .run import atomic_write

    if template() is None:
        return
    table = progress_table(dataset, as_of=page_as_of(parameters))
    atomic_write(reports / explorer.FILE, explorer.render(dataset, table, available(reports)))


_CELL = re.compile(r"<(td|th)>([A-Za-z0-9_-]+)</\1>")
#: A name the table renderer marks with its indicator id (:func:`analysis.tables.indicator_name`).
_NAMED = re.compile(r'<span class="zt-ind" data-indicator="([A-Za-z0-9_-]+)">(.*?)</span>')


def link_cells(html: str, targets: dict[str, str]) -> str:
    """Wrap every table cell whose whole text is a key of ``targets`` (a pledge or indicator id) in a
    link to its value (the indicator page). Cells already linked are left alone."""

    def swap(match: re.Match) -> str:
        tag, text = match.group(1), match.group(2)
        href = targets.get(text)
        return f'<{tag}><a href="{href}">{text}</a></{tag}>' if href else match.group(0)

    def name(match: re.Match) -> str:
        href = targets.get(match.group(1))
        return f'<a class="zt-ind" href="{href}">{match.group(2)}</a>' if href else match.group(0)

    return _NAMED.sub(name, _CELL.sub(swap, html))


def link_reports(files: list[Path], dataset, reports: Path) -> dict[str, tuple[str, str]]:
    """Link the pledge and indicator ids in the themed reports' tables to the indicator pages that exist.

    Returns, for each report rewritten, its name and the sha256 of its bytes before and after, so the
    build can record that the linked report is still the one it wrote (and cache it next time).
    """
    from .run import atomic_write

    have = available(reports)
    targets = {i: f"{SUBDIR}/{i}.html" for i in have}
    for pid, ind in zip(dataset.pledges["pledge_id"], dataset.pledges["indicator_id"]):
        if ind in have:
            targets[pid] = f"{SUBDIR}/{ind}.html"
    rewritten = {}
    for path in files:
        if not path.is_file():
            continue
        raw = path.read_bytes()
        text = raw.decode("utf-8")
        linked = link_cells(text, targets)
        if linked != text:
            atomic_write(path, linked)
            rewritten[path.stem] = (hashlib.sha256(raw).hexdigest(), hashlib.sha256(linked.encode("utf-8")).hexdigest())
    return rewritten


def index_links(dataset, reports: Path, state: dict | None = None) -> list[dict]:
    """Indicator pages that exist, by theme then name: id, name, Chinese name, theme, file, and
    ``error`` when the last build of the page failed (the page shown is an earlier one)."""
    have = available(reports)
    failed = failed_pages(state or {})
    info = dataset.indicators[dataset.indicators["indicator_id"].isin(have)].sort_values(["theme", "name"])
    return [{"id": r.indicator_id, "name": r.name, "name_zh": r.name_zh if isinstance(r.name_zh, str) else "",
             "theme": str(r.theme), "file": f"{SUBDIR}/{r.indicator_id}.html", "error": failed.get(r.indicator_id, "")}
            for r in info.itertuples()]


def failed_pages(state: dict) -> dict[str, str]:
    """Indicator id -> error, for every page whose last build failed."""
    return {ind: record.get("error") or "failed" for ind, record in sorted(state.get("pages", {}).items())
            if record.get("status") == "failed"}
