"""The tables a reader can download, as CSV and JSON: an indicator's figures and pledges, and the
verdict on every pledge.

Column names are the data package's (``data/datapackage.json``: the observation's or the pledge's
own fields, then its source's) followed by the progress table's
(:func:`analysis.method.progress.progress_table`: the verdict and its components). Values are the
dataset's: numbers in their shortest exact form (``81``, ``351.8``), years as integers, dates as
``YYYY-MM-DD``, booleans as ``true``/``false`` (the data package's words), a missing value empty in
CSV and ``null`` in JSON. Text is written as it is in the dataset, never as markup.
"""

from __future__ import annotations

import json
import math

import pandas as pd

from ..data.dataset import Dataset
from ..data.i18n import _

#: An observation's fields (``observations.csv``), then whether it is the figure used for its place
#: and year (``current``; the other vintages were revised or restated).
FIGURE_FIELDS = ("indicator_id", "geography", "year", "value", "comparator", "unit", "source_id", "status",
                 "quoted_value", "scale", "quote", "note", "series_break", "current")

#: A pledge's fields (``pledges.csv``).
PLEDGE_FIELDS = ("pledge_id", "indicator_id", "geography", "source_id", "target_year", "comparator",
                 "target_value", "unit", "baseline_year", "baseline_value", "quoted_value", "scale", "quote", "note")

#: The source's fields (``sources.csv``) beside each figure and pledge: its titles, issuer, kind of
#: evidence, publication date and addresses.
SOURCE_FIELDS = ("title", "title_en", "issuer", "kind", "published", "url", "original_url")

#: The verdict and its components (:func:`analysis.method.progress.progress_table`'s columns a reader
#: needs to audit a status): the assessment year and method, the status and why, the base, the latest
#: figure and the target year's, the rates and their ratio, bounds, and the evidence it rests on.
VERDICT_FIELDS = ("name", "theme", "measure", "as_of", "method", "status", "reason", "effective_target",
                  "base_year", "base_value", "base_from", "base_rule", "latest_year", "latest_value",
                  "target_year_value", "n_obs", "gap", "gap_relative", "distance_covered", "rate_rule",
                  "observed_rate", "required_rate", "ratio", "tolerance", "bound_value", "bound_comparator",
                  "bound_year", "latest_approximate", "latest_preliminary", "basis_note", "evidence_source",
                  "evidence_kind", "max_age")

#: On an indicator's page the verdicts come with the trend's projection (:func:`analysis.method.trends.project`).
PROJECTION_FIELDS = ("trend_model", "projected", "projected_lower", "projected_upper", "probability_met",
                     "year_reached")


def figures(all_vintages: Dataset, indicator_id: str) -> pd.DataFrame:
    """Every figure on the indicator, every vintage, with its source (:data:`FIGURE_FIELDS` then
    :data:`SOURCE_FIELDS`), by place, year and source."""
    obs = all_vintages.observations
    obs = obs[obs["indicator_id"] == indicator_id].sort_values(["geography", "year", "source_id"])
    return _with_source(obs[list(FIGURE_FIELDS)], all_vintages)


def pledges(dataset: Dataset, table: pd.DataFrame, indicator_id: str | None = None) -> pd.DataFrame:
    """Every pledge of ``table`` (one indicator's with ``indicator_id``): its fields, its source's and
    its verdict's (:data:`PLEDGE_FIELDS`, :data:`SOURCE_FIELDS`, :data:`VERDICT_FIELDS`, and the
    projection's where ``table`` has them), by indicator, place, target year and id."""
    if indicator_id is not None:
        table = table[table["indicator_id"] == indicator_id]
    own = _lookup(dataset.pledges, "pledge_id", PLEDGE_FIELDS, table["pledge_id"])
    frame = _with_source(own, dataset)
    verdict = [c for c in (*VERDICT_FIELDS, *PROJECTION_FIELDS) if c in table.columns]
    frame = pd.concat([frame.reset_index(drop=True), table[verdict].reset_index(drop=True)], axis=1)
    return frame.sort_values(["indicator_id", "geography", "target_year", "pledge_id"]).reset_index(drop=True)


def _with_source(rows: pd.DataFrame, dataset: Dataset) -> pd.DataFrame:
    """``rows`` with their source's :data:`SOURCE_FIELDS` (an unknown source: empty), numbered from 0."""
    cited = _lookup(dataset.sources, "source_id", ("source_id", *SOURCE_FIELDS), rows["source_id"])
    return pd.concat([rows.reset_index(drop=True), cited.drop(columns="source_id")], axis=1)


def _lookup(frame: pd.DataFrame, key: str, fields, values: pd.Series) -> pd.DataFrame:
    """The rows of ``frame`` whose ``key`` (unique in it) is each of ``values``, in their order, with
    ``fields`` (``key`` among them, or not); a value not found gives an empty row. What a left merge on
    ``key`` gives, at a fraction of its cost for the few rows of a page."""
    found = frame.drop_duplicates(key).set_index(key).reindex(pd.Index(values, name=key))
    found = found.reset_index() if key in fields else found
    return found[list(fields)].reset_index(drop=True)


def value(v):
    """A cell as the dataset writes it: None for a missing value, an integer for a whole number, else
    the shortest exact float; a date as ``YYYY-MM-DD``; text as it is."""
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, bool):
        return v
    if hasattr(v, "item") and not isinstance(v, str):  # numpy scalars
        v = v.item()
    if isinstance(v, float):
        if math.isnan(v):
            return None
        return int(v) if v.is_integer() and abs(v) < 1e15 else v
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d")
    return v


def _rows(frame: pd.DataFrame):
    """The rows of ``frame`` as tuples of :func:`value` cells (column by column: far quicker than
    pandas' row iteration)."""
    return zip(*([value(v) for v in frame[c].tolist()] for c in frame.columns)) if len(frame) else iter(())


def records(frame: pd.DataFrame) -> list[dict]:
    """The rows as dicts of :func:`value` cells."""
    columns = list(frame.columns)
    return [dict(zip(columns, row)) for row in _rows(frame)]


def _csv_cell(v) -> str:
    v = value(v)
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v)
    return str(v)


def to_csv(frame: pd.DataFrame) -> bytes:
    """CSV (UTF-8, a header row, ``\\n`` line ends, quoted where needed), as the data files are written."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(frame.columns)
    for row in _rows(frame):
        writer.writerow([_csv_cell(v) for v in row])
    return out.getvalue().encode("utf-8")


def to_json(frame: pd.DataFrame) -> bytes:
    """JSON: an array with one object per row, the columns as keys (UTF-8, text as it is)."""
    return (json.dumps(records(frame), ensure_ascii=False, indent=1) + "\n").encode("utf-8")


#: The tables beside every indicator page.
TABLE_FILES = ("figures.csv", "figures.json", "pledges.csv", "pledges.json")


def section(folder: str, names: list[str]) -> str:
    """Markdown: the "Downloads" section of an indicator page, linking ``names`` in ``folder``
    (beside the page; ``folder`` is an indicator id, so the links need no escaping)."""
    have = set(names)

    def links(stem: str, kinds: tuple[str, ...]) -> str:
        return " · ".join(f"[{kind.upper()}]({folder}/{stem}.{kind})" for kind in kinds if f"{stem}.{kind}" in have)

    # the files' names and formats (CSV, JSON, SVG, PNG) and the column names are the same in every language
    lines = [_("## Downloads"), "",
             _("The data behind this page, for a spreadsheet or a program; the column names are those of the "
               "dataset's `datapackage.json`, then the verdict's components."), ""]
    if "figures.csv" in have:
        lines.append(_("- Every figure, every vintage, with its status, quote and source: {links}").format(
            links=links("figures", ("csv", "json"))))
    if "pledges.csv" in have:
        lines.append(_("- Every pledge with its verdict and the verdict's components: {links}").format(
            links=links("pledges", ("csv", "json"))))
    charts = sorted({n.rsplit(".", 1)[0] for n in names if n.startswith("chart-")}, key=lambda c: int(c[6:]))
    for chart in charts:
        if len(charts) > 1:
            lines.append(_("- The chart {n}: {links}").format(n=chart[6:], links=links(chart, ("svg", "png"))))
        else:
            lines.append(_("- The chart: {links}").format(links=links(chart, ("svg", "png"))))
    return "\n".join(lines)


def page_tables(indicator_id: str, as_of: int, alpha: float) -> dict[str, bytes]:
    """An indicator page's downloadable tables, by file name: ``figures.csv``/``.json`` (every
    vintage) and ``pledges.csv``/``.json`` (each pledge with its verdict, as on the page: assessed as
    of ``as_of`` with the (1 - ``alpha``) projection)."""
    from . import indicator_page as page

    everything = page.load(all_vintages=True, indicator_id=indicator_id)
    dataset = page.load(indicator_id=indicator_id)
    table = page.assess(dataset, as_of, alpha)
    found = figures(everything, indicator_id)
    pledged = pledges(dataset, table, indicator_id)
    return {"figures.csv": to_csv(found), "figures.json": to_json(found),
            "pledges.csv": to_csv(pledged), "pledges.json": to_json(pledged)}
