"""Step 4 of a build: the folder a reader opens.

Stale indicator pages removed (only pages a build wrote), the explorer (``pledges.html``), the
corrections page (``corrections.html``), the links from the themed reports' tables to the indicator
pages, and what the index lists (each report with how it was built, each page that exists, the pages
whose last build failed). The pages every build writes end with the build's citation
(:mod:`analysis.builder.stamp`) and keep their last-updated date while their content is unchanged.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from ..data import i18n
from ..data.paths import ID_PATTERN
from ..present import editions
from . import downloads
from .folders import written
from .plan import (
    LANGUAGE_PARAMETER,
    SUBDIR,
    Plan,
    effective_as_of,
    list_notebooks,
    page_as_of,
    shown_parameters,
    site_languages,
    template,
)
from .store import atomic_write, write


def available(reports: Path) -> set[str]:
    """Indicator ids whose page exists in ``reports``."""
    folder = reports / SUBDIR
    return {p.stem for p in folder.glob("*.html")} if folder.is_dir() else set()


def remove_stale(plan_: Plan, state: dict, reports: Path) -> None:
    """Delete the pages (and their state and downloads) of indicators that no longer have a pledge or
    an observation (only pages a build wrote: :func:`written_pages`)."""
    claimed = written(reports)
    for ind in plan_.remove:
        if ID_PATTERN.fullmatch(ind):
            (reports / SUBDIR / f"{ind}.html").unlink(missing_ok=True)
            if f"{SUBDIR}/{downloads.folder_name(ind)}/" in claimed:  # its downloads, if a build wrote them
                downloads.remove(reports / SUBDIR / downloads.folder_name(ind))
        state.get("pages", {}).pop(ind, None)


# --- the explorer -----------------------------------------------------------------------------


def write_explorer(dataset, reports: Path, parameters: dict, state: dict | None = None, stamp=None,
                   verdicts=None) -> None:
    """Write ``reports/pledges.html`` (see :mod:`analysis.present.explorer`) when a template exists.
    ``verdicts(as_of)`` gives the progress table as of a year (default: computed here)."""
    from ..method.progress import progress_table
    from ..present import explorer

    if template() is None:
        return
    as_of = page_as_of(parameters)
    table = verdicts(as_of) if verdicts is not None else progress_table(dataset, as_of=as_of)
    write_site_page(reports, explorer.FILE, explorer.render(dataset, table, available(reports)), state, stamp,
                    i18n.N_("in this table"))


# --- the pages of the site written by every build: the index, the explorer, the corrections ----


#: The corrections page (:mod:`analysis.present.corrections`), written with the index.
CORRECTIONS = "corrections.html"


def write_site_page(reports: Path, name: str, html: str, state: dict | None, stamp, where: str) -> None:
    """Write a page every build writes (atomically), ending with the citation of ``stamp``; record in
    ``state["site"]`` what it shows and since when (its last-updated date stays while that is unchanged)."""
    from .stamp import cite

    site = state.setdefault("site", {}) if state is not None else {}
    html = editions.mark(html, i18n.current(), name, site_languages())
    page, shown = cite(html, stamp, site.get(name), where)
    if shown:
        site[name] = shown
    write(reports / name, page)


def write_corrections(dataset, reports: Path, state: dict, stamp) -> None:
    """Write ``reports/corrections.html``: every correction made to a published figure, linked to the
    indicator pages that exist."""
    from ..present import corrections

    write_site_page(reports, CORRECTIONS, corrections.render(dataset, available(reports)), state, stamp,
                    i18n.N_("corrected here"))


# --- links from the reports to the pages ------------------------------------------------------


_CELL = re.compile(r"<(td|th)>([A-Za-z0-9_-]+)</\1>")


#: A name the table renderer marks with its indicator id (:func:`analysis.present.tables.indicator_name`).
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


def record_linked(state: dict, linked: dict[str, tuple[str, str]]) -> None:
    """A report this build wrote and then linked is still this build's report: record its new sha256
    (else the next build would find it changed and execute the notebook again for nothing). A report
    whose bytes were not the recorded ones keeps the old record, so it is still not taken as cached."""
    for name, (before, after) in linked.items():
        record = state["notebooks"].get(name, {})
        for held in (record, record.get("kept", {})):
            if held.get("report_sha256") == before:
                held["report_sha256"] = after


# --- the index --------------------------------------------------------------------------------


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


def index_entries(state: dict, reports: Path) -> list[dict]:
    """Every notebook known to the state, in order, with whether a report exists and how it was built."""
    entries = []
    for nb in list_notebooks():
        entry = {"name": nb.stem, "title": "", "status": "not built", "seconds": None, "error": "", "parameters": {}}
        record = state["notebooks"].get(nb.stem, {})
        entry.update({k: v for k, v in record.items() if k != "kept"})
        entry["has_report"] = (reports / f"{nb.stem}.html").is_file()
        entry["page_parameters"] = shown_parameters(record) if record else {}
        entry["as_of"] = effective_as_of(nb, entry["page_parameters"])
        for key in ("parameters", "page_parameters"):  # the language is the edition the index itself is in
            entry[key] = {k: v for k, v in entry[key].items() if k != LANGUAGE_PARAMETER}
        entry["file"] = f"{nb.stem}.html"
        entries.append(entry)
    return entries


def mark_differing(entries: list[dict]) -> list[dict]:
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


def index_as_of(entries: list[dict]):
    """The ``as_of_year`` the index presents: the one injected into its pages (None: the dataset's default)."""
    injected = [e["page_parameters"]["as_of_year"] for e in entries
                if e["has_report"] and "as_of_year" in e["page_parameters"]]
    return injected[0] if injected else None
