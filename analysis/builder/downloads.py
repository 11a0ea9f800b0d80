"""An indicator page's downloads: written beside the page, linked from it, cached and removed with it.

For ``indicators/<id>.html`` the folder ``indicators/<id>/`` holds ``figures.csv`` and
``figures.json`` (every figure, every vintage, with its source), ``pledges.csv`` and
``pledges.json`` (each pledge with its verdict and its components) and, for each of the page's
charts, ``chart-<n>.svg`` and ``chart-<n>.png`` (:mod:`analysis.present.downloads`,
:mod:`analysis.present.chart_export`). The tables are made in the page's worker right after the page
ran (its dataset and assessment are warm there); the charts are taken from the executed page itself. The worker then writes every file atomically, removes a chart file
the page no longer has, appends a "Downloads" section linking them (relative links, so the folder
works offline) and only then writes the page, so a page never links a file that is not there.

The build claims ``indicators/<id>/`` (the folder and what is in it) in the folder's manifest before
the page runs; the page's state records the files, and a page is cached only while they all exist.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..data.i18n import _
from ..present import chart_export
from .store import atomic_write

#: The tables beside every page (:data:`analysis.present.downloads.TABLE_FILES`, which imports pandas:
#: not on the path of a build with nothing to do).
TABLE_FILES = ("figures.csv", "figures.json", "pledges.csv", "pledges.json")

#: A chart's files: ``chart-<n>.svg`` and ``chart-<n>.png``.
CHART_FILE = re.compile(r"chart-\d+\.(svg|png)")

def folder_name(indicator_id: str) -> str:
    """The downloads' folder, relative to the indicator pages' folder (and to the page)."""
    return indicator_id


def page_html(nb) -> str:
    """Every HTML output of an executed page, in order (where its charts are)."""
    return "".join(str(output.get("data", {}).get("text/html", "")) for cell in nb.cells
                   for output in cell.get("outputs", []))


def chart_files(nb, title: str) -> dict[str, bytes]:
    """``chart-<n>.svg`` and ``chart-<n>.png`` for each chart of the executed page (its note in the
    language of the words being generated)."""
    files = {}
    note = _("The figures, their quotes and sources: figures.csv and pledges.csv beside this chart.")
    for n, svg in enumerate(chart_export.charts(page_html(nb)), start=1):
        standalone = chart_export.standalone_svg(svg, title, note)
        files[f"chart-{n}.svg"] = standalone.encode("utf-8")
        files[f"chart-{n}.png"] = chart_export.png(standalone)
    return files


def with_section(nb, indicator_id: str, names: list[str]):
    """The executed page with a last section, "Downloads", linking ``names`` in the page's folder."""
    import nbformat

    from ..present.downloads import section

    cell = nbformat.v4.new_markdown_cell(section(folder_name(indicator_id), names))
    nb.cells.append(cell)
    return nb


def write(folder: Path, files: dict[str, bytes]) -> list[str]:
    """Write ``files`` into ``folder`` atomically and remove a chart file that is no longer one of
    them (a page that lost a chart); returns the names written, sorted."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        atomic_write(folder / name, data)
    for path in folder.iterdir():
        if CHART_FILE.fullmatch(path.name) and path.name not in files and path.is_file() and not path.is_symlink():
            path.unlink()
    return sorted(files)


def remove(folder: Path) -> None:
    """Delete a removed indicator's downloads folder: its files (not what else may be there), then
    the folder if that left it empty."""
    if not folder.is_dir() or folder.is_symlink():
        return
    for path in folder.iterdir():
        if (path.name in TABLE_FILES or CHART_FILE.fullmatch(path.name)) and path.is_file() and not path.is_symlink():
            path.unlink()
    try:
        folder.rmdir()
    except OSError:
        pass  # something else is in it: left alone


def complete(folder: Path, names: list[str] | None) -> bool:
    """The page's recorded downloads all exist (False when none were recorded: an older build's page)."""
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        return False
    return all((folder / name).is_file() for name in names)
