"""Build the reports: plan -> execute -> render -> publish.

:func:`build` is the one path: :mod:`~analysis.builder.plan` decides what to build and checks the
request and the data before anything is written; :mod:`~analysis.builder.execute` runs the themed
notebooks (several at once, up to the number of cores) and the indicator pages in worker
processes, each rendered to HTML by :mod:`~analysis.builder.render` where it ran;
:mod:`~analysis.builder.publish` writes the explorer, links the reports to the pages and lists
everything on the index. Files are written through :mod:`~analysis.builder.store` (atomic writes,
the lock, the state).

* A failing notebook does not stop the others: it is marked failed in the index with its error,
  its previous good report stays, and :func:`build` reports failure (the CLI exits non-zero).
* A page is recorded in the state, and later reused as ``cached``, only with the hash of the very
  report this build wrote, so no interleaving can pass a page off as current.
* ``output`` writes the reports into another folder (a parameterised build beside the published
  one), with a build folder of its own. The pages of one folder share one ``as_of_year``: a request
  that would mix years is refused, and the index records each page's parameters.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, replace
from multiprocessing import get_context
from pathlib import Path

from ..data import i18n
from ..present import editions
from . import downloads, folders, package, plan, publish, stamp, store
from .plan import SUBDIR, Outcome
from .processes import stop_pool, worker_init
from .store import STATE_FILE, BuildError, build_lock, load_state, output_folders, write

# execute (papermill, nbconvert) and the index (pandas) are imported once the build has something to
# do: a build with nothing to do answers in a fraction of a second.


def build(
    only: list[str] | None = None,
    raw_parameters: list[tuple[str, str]] | None = None,
    force: bool = False,
    jobs: int | None = None,
    kernel: str = plan.KERNEL,
    timeout: int = plan.DEFAULT_TIMEOUT,
    progress: bool = True,
    output: Path | str | None = None,
    wait: bool = False,
    languages: list[str] | None = None,
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
    languages : list of str, optional
        The editions to build (``--language``; default every one of :data:`analysis.data.i18n.LANGUAGES`).
        The Chinese edition is built for the notebooks that declare a ``language`` parameter, into the
        reports folder's ``zh-Hans/`` (its state in the build folder's ``zh-Hans/``); its outcomes are
        named ``zh-Hans/<name>``.

    Raises
    ------
    BuildError
        For a bad request, or another build running, before anything is written; for a file that
        cannot be written during the build (the previous files are kept).
    DataValidationError
        If the dataset is invalid, before anything is written.
    """
    plan.check_request(timeout, jobs, only, output)
    languages = plan.check_languages(languages)
    notebooks, page_only = plan.select_all(only)
    parameters = plan.resolve_parameters(notebooks + plan.templates_due(page_only), raw_parameters or [])
    page_parameters = parameters.pop(plan.template(), {}) if plan.templates_due(page_only) else {}
    plan.check_page_parameters(page_parameters)
    reports, build_dir = output_folders(output)
    outcomes: list[Outcome] = []
    with build_lock(build_dir, wait):
        for edition in plan.editions(languages, notebooks, page_only, parameters, page_parameters):
            done = _build_locked(edition.notebooks, edition.page_only, edition.parameters, edition.page_parameters,
                                 force, jobs, kernel, timeout, progress, reports / edition.folder,
                                 build_dir / edition.folder, edition.language)
            outcomes += [replace(o, name=f"{edition.folder}/{o.name}") if edition.folder else o for o in done]
    return outcomes


def _completed(futures, pool, page_pool):
    """``as_completed(futures)``; an interruption (Ctrl-C, SIGTERM) stops both pools' workers at once
    rather than waiting for the notebooks they run (:func:`analysis.builder.processes.stop_pool`)."""
    try:
        yield from as_completed(futures)
    except KeyboardInterrupt:
        stop_pool(pool)
        stop_pool(page_pool)
        raise


def _build_locked(notebooks, page_only, parameters, page_parameters, force, jobs, kernel, timeout, progress,
                  reports: Path, build_dir: Path, language: str = i18n.DEFAULT) -> list[Outcome]:
    with i18n.language(language):  # the words this process writes (the index, the explorer, corrections)
        return _build_edition(notebooks, page_only, parameters, page_parameters, force, jobs, kernel, timeout,
                              progress, reports, build_dir, language)


def _build_edition(notebooks, page_only, parameters, page_parameters, force, jobs, kernel, timeout, progress,
                   reports: Path, build_dir: Path, language: str) -> list[Outcome]:
    state = load_state(build_dir)
    common = plan.inputs_digest()
    everything = plan.site_digest(common)
    try:
        page_plan = plan.pages_to_build(page_only, page_parameters, kernel, state, reports, force)
    except (OSError, LookupError, ValueError, csv.Error):
        page_plan = False  # unreadable data: the validation below says why
    up_to_date = plan.all_cached(notebooks, parameters, kernel, common, state, reports) if not force else None
    if (up_to_date is not None and state.get("validated_inputs") == everything and page_plan is not False
            and (page_plan is None or not (page_plan.todo or page_plan.remove))
            and all((reports / name).is_file() for name in package.FILES)):
        # nothing changed since a build that validated these very inputs: nothing to write
        return up_to_date + plan.cached_page_outcomes(page_plan, state)
    plan.check_one_as_of(notebooks, parameters, state, reports, page_only, page_parameters)
    # imported here, not with the module: a build with nothing to do (above) needs neither
    from ..present import index
    from . import execute

    # start the worker server now: it imports papermill and nbconvert while the data is validated
    context = get_context("forkserver")
    # analysis.builder.lifeline first: the fork server dies with the build (analysis.builder.processes)
    # then what every worker imports (a page worker: the indicator page's library and IPython's shell),
    # imported once in the fork server rather than in each worker
    context.set_forkserver_preload(["analysis.builder.lifeline", "analysis.builder.execute", "analysis.builder.render",
                                    "papermill", "nbconvert", "analysis.builder.inprocess", "IPython.core.interactiveshell",
                                    "analysis.present.indicator_page", "analysis.present.downloads"])
    from multiprocessing import forkserver

    forkserver.ensure_running()
    # and, when no report is due, the indicator pages' workers: they start and warm up while the data
    # is validated. With reports due they start after them: beside the reports they would only share
    # the same cores (measured: the full build took longer).
    reports_due = force or any(plan.cached_outcome(nb, parameters[nb], kernel, common, state, reports) is None
                               for nb in notebooks)
    page_pool = None if reports_due else _start_page_pool(page_plan, jobs)

    from tqdm import tqdm

    try:
        dataset, page_plan = plan.validate(parameters, page_only, page_parameters, page_plan, kernel, state, reports,
                                       build_dir, force)
    except BaseException:  # the build stops before the pages: the workers go, with their kernels
        stop_pool(page_pool)
        raise
    outcomes: dict[str, Outcome] = {}
    todo = []
    for nb in notebooks:
        cached = None if force else plan.cached_outcome(nb, parameters[nb], kernel, common, state, reports)
        if cached is not None:
            outcomes[nb.stem] = cached
        else:
            todo.append((nb, plan.input_hash(nb, parameters[nb], kernel, common)))

    try:  # the page workers started above go if the build stops before the pages
        _claim(reports, todo, page_plan)
        build_stamp = stamp.current()  # what every page this build writes says of it (its version, commit, date)
        # longest first (by the last run time), so the parallel workers finish together
        todo.sort(key=lambda item: -float(state["notebooks"].get(item[0].stem, {}).get("seconds") or 0.0))
        workers = max(1, min(jobs or os.cpu_count() or 1, len(todo) or 1))
        bar = tqdm(total=len(notebooks), desc="reports", unit="nb", disable=not progress, file=sys.stderr,
                   initial=len(notebooks) - len(todo))
        if todo:
            with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=worker_init) as pool:
                futures = {
                    pool.submit(execute.execute_one, str(nb), str(build_dir / "executed" / nb.name), parameters[nb], kernel,
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
                    written, shown = "", stamp.record(state["notebooks"].get(nb.stem))
                    if result["status"] == "ok":
                        marked = editions.mark(result["html"], language, f"{nb.stem}.html", plan.languages_of(nb))
                        html, shown = stamp.cite(marked, build_stamp, shown)
                        page = html.encode("utf-8")
                        try:
                            store.atomic_write(reports / f"{nb.stem}.html", page)
                            written = hashlib.sha256(page).hexdigest()
                        except OSError as exc:
                            result.update(status="failed", error=f"cannot write {reports / f'{nb.stem}.html'}: "
                                                                 f"{exc.strerror or exc}; the previous report is kept")
                    ok = result["status"] == "ok"
                    outcome = Outcome(nb.stem, result["title"], result["status"], round(result["seconds"], 1),
                                      result["error"], digest if ok else "", parameters[nb], written, **shown)
                    outcomes[nb.stem] = outcome
                    if ok or not (reports / f"{nb.stem}.html").is_file():
                        state["notebooks"][nb.stem] = asdict(outcome)
                    else:  # failed: the previous good report stays, and so does the record of how it was built
                        kept = state["notebooks"].get(nb.stem, {})
                        state["notebooks"][nb.stem] = dict(asdict(outcome), kept=_kept(kept))
                    write(build_dir / STATE_FILE, json.dumps(state, indent=1, sort_keys=True))
                    bar.set_postfix_str(f"{nb.stem}: {outcome.status}")
                    bar.update(1)
        bar.close()
    except BaseException:
        stop_pool(page_pool)
        raise

    ordered = [outcomes[nb.stem] for nb in notebooks]
    for outcome in ordered:
        if outcome.status == "cached":
            state["notebooks"][outcome.name] = asdict(outcome)
    verdicts = _verdicts(dataset)
    ordered += _build_pages(page_plan, dataset, timeout, jobs, reports, build_dir, state, progress,
                            page_pool, build_stamp, verdicts)
    entries = publish.mark_differing(publish.index_entries(state, reports))
    previous_statuses = state.get("statuses", {})
    as_of = publish.index_as_of(entries)
    year = index.as_of_year(dataset, as_of)
    package.publish(dataset, reports, build_dir, state, year, common, verdicts(year))
    page, statuses = index.render(dataset, entries, previous_statuses, as_of, table=verdicts(year),
                                  indicator_pages=publish.index_links(dataset, reports, state),
                                  failed_pages=publish.failed_pages(state), downloads=package.FILES)
    publish.write_site_page(reports, "index.html", page, state, build_stamp, i18n.N_("in these reports"))
    publish.write_corrections(dataset, reports, state, build_stamp)
    state["statuses"] = statuses
    state["validated_inputs"] = everything
    write(build_dir / STATE_FILE, json.dumps(state, indent=1, sort_keys=True))
    return ordered


def _claim(reports: Path, todo, page_plan) -> None:
    """Record in the folder's manifest every file this build is about to write (before writing it)."""
    names = [f"{nb.stem}.html" for nb, _ in todo] + ["index.html", publish.CORRECTIONS, *package.FILES]
    if page_plan is not None:
        names += ["pledges.html"] + [f"{SUBDIR}/{ind}.html" for ind in page_plan.todo]
        names += [f"{SUBDIR}/{downloads.folder_name(ind)}/" for ind in page_plan.todo]  # the page's downloads folder
    try:
        folders.claim(reports, names)
    except OSError as exc:
        raise BuildError(f"cannot write {reports / folders.MANIFEST}: {exc.strerror or exc}") from None


def _kept(record: dict) -> dict:
    """How the report kept after a failure was built (its parameters and hash, what it shows and since
    when), from its state record."""
    if "kept" in record:
        return record["kept"]
    return {"parameters": record.get("parameters", {}), "report_sha256": record.get("report_sha256", ""),
            **stamp.record(record)}


def _start_page_pool(page_plan, jobs: int | None):
    """:func:`execute.start_pool`, or None when it cannot start now (the checks after validation say why)."""
    if not page_plan:
        return None
    from . import execute

    try:
        return execute.start_pool(page_plan, jobs)
    except OSError:
        return None


def _verdicts(dataset):
    """``verdicts(as_of)``: the progress table of ``dataset`` as of a year, computed once per year for
    the explorer, the index and the verdicts download of one edition (each gets a copy)."""
    from ..method.progress import progress_table

    made: dict[int, object] = {}

    def verdicts(as_of: int):
        if as_of not in made:
            made[as_of] = progress_table(dataset, as_of=as_of)
        return made[as_of].copy()

    return verdicts


def _build_pages(page_plan, dataset, timeout, jobs, reports, build_dir, state, progress,
                 pool=None, build_stamp=None, verdicts=None) -> list[Outcome]:
    """Remove stale pages, execute the planned ones, then write the explorer and link the reports."""
    from . import execute

    found: list[Outcome] = []
    if page_plan is not None:
        publish.remove_stale(page_plan, state, reports)

        def save():
            write(build_dir / STATE_FILE, json.dumps(state, indent=1, sort_keys=True))

        done = execute.execute_pages(page_plan, timeout, jobs, reports, state, save, progress, pool,
                                     build_stamp)
        found = [Outcome(f"{SUBDIR}/{o.name}", o.title, o.status, o.seconds, o.error, o.input_hash,
                         o.parameters) for o in done]
    publish.write_explorer(dataset, reports, page_plan.parameters if page_plan else {}, state, build_stamp, verdicts)
    linked = publish.link_reports([reports / f"{nb.stem}.html" for nb in plan.list_notebooks()], dataset, reports)
    publish.record_linked(state, linked)
    return found
