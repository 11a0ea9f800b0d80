"""Load and validate the curated dataset.

The tables and their rules are described once, in ``data/datapackage.json`` (Frictionless Table
Schema: types, allowed values, patterns, primary and foreign keys). :func:`load` validates the files
against it with *frictionless*, then checks the rules that span tables with *pandera* (values inside
the indicator's natural bounds, quoted figure x scale equal to the value, baseline before target),
and only then returns typed DataFrames. Any violation raises :class:`DataValidationError`, whose
message is one line naming the file, the row (as a spreadsheet counts it: the header is row 1) and
the field.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from . import paths
from .data_errors import DataValidationError

TABLES = ("sources", "indicators", "pledges", "observations")

#: Statuses of an observation that count as an achieved figure (``expected`` is a forecast).
ACHIEVED_STATUSES = ("revised", "reported", "preliminary")
"""Statuses of achieved figures, in the order the current figure of a year is chosen."""

#: How exactly an observation states its figure: ``=`` the figure, ``~`` about, ``>=``/``<=`` a bound.
COMPARATOR_EXACTNESS = {"=": 0, "~": 1, ">=": 2, "<=": 2}

_PANDAS_TYPES = {"string": "string", "integer": "Int64", "number": "float64", "date": "string"}


@dataclass(frozen=True)
class Dataset:
    """The four validated tables.

    ``observations`` carries a derived boolean column ``current``: among the achieved figures for
    one indicator, geography and year, a ``revised`` figure (final verification, census revision)
    is current before a final ``reported`` one, and that before a ``preliminary`` estimate; among
    figures of the same status the one from the most recently published source (an undated
    source ranks oldest). :func:`load` keeps only current rows unless asked
    for all of them.
    """

    sources: pd.DataFrame
    indicators: pd.DataFrame
    pledges: pd.DataFrame
    observations: pd.DataFrame
    data_dir: Path

    def __iter__(self):
        return iter((self.sources, self.indicators, self.pledges, self.observations))


def load(data_dir: Path | str | None = None, *, all_vintages: bool = False) -> Dataset:
    """Validate and load the dataset.

    Parameters
    ----------
    data_dir : path, optional
        Folder with ``datapackage.json`` and the CSV files; defaults to :func:`paths.data_dir`.
    all_vintages : bool, default False
        Keep every observation, including those a later source revised (``current`` False) and
        forecasts. By default each indicator, geography and year keeps only its current achieved
        figure.

    Returns
    -------
    Dataset

    Raises
    ------
    DataValidationError
        If any file breaks a rule; the message names the file, row and field.
    """
    folder = Path(data_dir) if data_dir is not None else paths.data_dir()
    descriptor = _read_descriptor(folder)
    _validate_files(folder, descriptor)
    frames = {name: _read_table(folder, descriptor, name) for name in TABLES}
    _validate_across_tables(frames)
    obs = _mark_current(frames["observations"], frames["sources"])
    if not all_vintages:
        obs = obs[obs["current"]].reset_index(drop=True)
    return Dataset(frames["sources"], frames["indicators"], frames["pledges"], obs, folder)


def _rel(folder: Path, name: str) -> str:
    try:
        return str((folder / name).relative_to(paths.ROOT))
    except ValueError:
        return str(folder / name)


def _read_descriptor(folder: Path) -> dict:
    path = folder / "datapackage.json"
    if not path.is_file():
        raise DataValidationError([(_rel(folder, "datapackage.json"), None, None, "file not found")])
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataValidationError([(_rel(folder, "datapackage.json"), None, None, f"not valid JSON: {exc}")]) from None
    names = [r.get("name") for r in descriptor.get("resources", [])]
    if sorted(names) != sorted(TABLES):
        raise DataValidationError(
            [(_rel(folder, "datapackage.json"), None, "resources", f"expected resources {list(TABLES)}, found {names}")]
        )
    return descriptor


def _resource(descriptor: dict, name: str) -> dict:
    return next(r for r in descriptor["resources"] if r["name"] == name)


def _validate_files(folder: Path, descriptor: dict) -> None:
    """Frictionless validation of every file against ``datapackage.json``."""
    # frictionless imports jsonschema, whose optional IRI-format checker (rfc3987_syntax, pulled in by
    # Jupyter's dependencies) compiles a grammar on import: 1.2 s in every kernel. The data package has
    # no IRI fields, so tell jsonschema that checker is absent.
    sys.modules.setdefault("rfc3987_syntax", None)
    from frictionless import Package

    problems = []
    for name in TABLES:
        path = folder / _resource(descriptor, name)["path"]
        if not path.is_file():
            problems.append((_rel(folder, path.name), None, None, "file not found"))
        elif path.stat().st_size == 0:
            problems.append((_rel(folder, path.name), None, None, "file is empty (no header row)"))
    if problems:
        raise DataValidationError(problems)
    for name in TABLES:
        problems += _check_header(folder, _resource(descriptor, name))
    if problems:
        raise DataValidationError(problems)

    report = Package(descriptor, basepath=str(folder)).validate()
    if report.valid:
        return
    for task in report.tasks:
        file = _rel(folder, Path(task.place).name)
        fields = {f["name"]: f["type"] for f in _resource(descriptor, task.name)["schema"]["fields"]}
        # a malformed row (too few or too many cells) explains its cell errors: report it first
        errors = sorted(task.errors, key=lambda e: (getattr(e, "row_number", 0) or 0,
                                                    e.type not in ("missing-cell", "extra-cell")))
        found = [_describe(file, fields, error) for error in errors]
        unknown = {p[1] for p in found if p[2] == "indicator_id"}
        # an unknown indicator also fails the (indicator_id, unit) key: report it once
        problems += [p for p in found if not (p[2] == "unit" and p[1] in unknown)]
    raise DataValidationError(problems)


def _check_header(folder: Path, resource: dict) -> list[tuple[str, int | None, str | None, str]]:
    """Missing, unexpected or misplaced columns, by name (before any cell is read)."""
    import csv

    file = _rel(folder, resource["path"])
    expected = [f["name"] for f in resource["schema"]["fields"]]
    try:
        with (folder / resource["path"]).open(encoding="utf-8", newline="") as fh:
            header = next(csv.reader(fh), [])
            fh.read()  # decode the whole file now, so a bad byte anywhere is reported here
    except UnicodeDecodeError as exc:
        row, field = _locate_byte(folder / resource["path"], exc.start)
        return [(file, row, field, f"not readable as UTF-8 (byte {exc.start}: {exc.reason})")]
    missing = [c for c in expected if c not in header]
    extra = [c for c in header if c not in expected]
    if missing:
        return [(file, 1, c, f"missing column '{c}'; expected columns {expected}") for c in missing]
    if extra:
        return [(file, 1, c, f"unexpected column '{c}'; expected columns {expected}") for c in extra]
    if header != expected:
        return [(file, 1, None, f"columns in the wrong order: {header}; expected {expected}")]
    return []


def _locate_byte(path: Path, offset: int) -> tuple[int | None, str | None]:
    """Row (header = 1) and column of the cell holding byte ``offset`` of a CSV file."""
    import csv
    import io

    raw = path.read_bytes()
    text = raw[:offset].decode("utf-8", errors="replace") + "\x00" + raw[offset + 1 :].decode("utf-8", errors="replace")
    for number, cells in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
        for position, cell in enumerate(cells):
            if "\x00" in cell:
                header = next(csv.reader(io.StringIO(text, newline="")))
                return number, header[position] if position < len(header) else None
    return None, None


def _describe(file: str, fields: dict[str, str], error) -> tuple[str, int | None, str | None, str]:
    """Turn one frictionless error into (file, row, field, message).

    Header and encoding problems never reach here: :func:`_check_header` reports them first.
    """
    row = getattr(error, "row_number", None)
    field = getattr(error, "field_name", None)
    kind = error.type
    cells = getattr(error, "cells", None) or []
    note = getattr(error, "note", "") or ""
    if kind == "foreign-key":
        keys, values = list(error.field_names), list(error.field_cells)
        if keys == ["indicator_id", "unit"]:
            return file, row, "unit", (
                f"unit '{values[1]}' is not the unit of indicator '{values[0]}' in indicators.csv"
            )
        return file, row, keys[0], f"unknown {keys[0]} '{values[0]}' (not in {error.reference_name}.csv)"
    if kind in ("primary-key", "unique-error"):
        return file, row, field, f"duplicate key: {note}"
    if kind == "type-error":
        cell = getattr(error, "cell", "")
        return file, row, field, f"'{cell}' is not a valid {fields.get(field, 'value')}"
    if kind == "constraint-error":
        cell = getattr(error, "cell", "")
        if '"required"' in note:
            return file, row, field, "required value is missing"
        return file, row, field, f"'{cell}' breaks the rule: {note}"
    if kind in ("missing-cell", "extra-cell"):
        return file, row, field, f"{error.title.lower()} ({len(cells)} cells in the row, {len(fields)} columns)"
    return file, row, field, f"{error.title.lower()}: {note}" if note else error.message


def _read_table(folder: Path, descriptor: dict, name: str) -> pd.DataFrame:
    resource = _resource(descriptor, name)
    fields = resource["schema"]["fields"]
    dtypes = {f["name"]: _PANDAS_TYPES.get(f["type"], "string") for f in fields}
    frame = pd.read_csv(folder / resource["path"], dtype=dtypes, keep_default_na=False, na_values=[""], encoding="utf-8")
    for f in fields:
        if f["type"] == "date":
            frame[f["name"]] = pd.to_datetime(frame[f["name"]], format="%Y-%m-%d")
    frame.attrs["file"] = _rel(folder, resource["path"])
    return frame


#: Figures written in words in the (translated) documents, and what they stand for.
NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "half": 0.5, "double": 2, "full coverage": 100,
}  # fmt: skip


def quoted_number(text: pd.Series) -> pd.Series:
    """The number a ``quoted_value`` stands for: digits with thousands separators, a fraction
    ``a/b``, or a number word from :data:`NUMBER_WORDS`; NaN if none."""
    text = text.astype("string")
    plain = pd.to_numeric(text.str.replace(",", "", regex=False), errors="coerce")
    parts = text.str.extract(r"^([0-9]+)/([0-9]+)$").astype(float)
    fraction = parts[0] / parts[1]
    words = text.str.lower().map(NUMBER_WORDS).astype(float)
    return plain.fillna(fraction).fillna(words)


def _value_matches_quote(frame: pd.DataFrame, value: str) -> pd.Series:
    quoted = quoted_number(frame["quoted_value"])
    expected = quoted * frame["scale"]
    # a direction-only pledge has neither (checked by _direction_only_has_no_number)
    neither = frame[value].isna() & frame["quoted_value"].isna()
    return neither | ((frame[value] - expected).abs() <= 1e-6 * expected.abs().clip(lower=1))


def _within_bounds(column: str):
    def check(frame: pd.DataFrame) -> pd.Series:
        low = frame["lower_bound"].fillna(-float("inf"))
        high = frame["upper_bound"].fillna(float("inf"))
        return frame[column].isna() | frame[column].between(low, high)

    return check


def _in_quote(frame: pd.DataFrame) -> pd.Series:
    return pd.Series([pd.isna(q) or q in text for q, text in zip(frame["quoted_value"], frame["quote"])],
                     index=frame.index)


#: Pledge comparators that commit to a direction without a number.
DIRECTION_ONLY = ("increase", "decrease")


def _number_matches_comparator(frame: pd.DataFrame) -> pd.Series:
    """A target number (and its quoted figure) exactly when the comparator is not direction-only."""
    direction = frame["comparator"].isin(DIRECTION_ONLY)
    number = frame["target_value"].notna() & frame["quoted_value"].notna()
    none = frame["target_value"].isna() & frame["quoted_value"].isna() & frame["baseline_value"].isna()
    return (direction & none) | (~direction & number)


def _schema(value: str, bounded: list[str], extra: list[pa.Check]) -> pa.DataFrameSchema:
    checks = [
        pa.Check(_in_quote, error="quoted_value does not appear in quote"),
        pa.Check(lambda df: df["scale"] != 0, error="scale is zero"),
        pa.Check(lambda df: _value_matches_quote(df, value), error=f"{value} is not quoted_value x scale"),
        *[pa.Check(_within_bounds(c), error=f"{c} outside the indicator's natural bounds") for c in bounded],
        *extra,
    ]
    return pa.DataFrameSchema(checks=checks)


_CHECK_FIELDS = {
    "quoted_value does not appear in quote": "quoted_value",
    "value is not quoted_value x scale": "value",
    "target_value is not quoted_value x scale": "target_value",
    "value outside the indicator's natural bounds": "value",
    "target_value outside the indicator's natural bounds": "target_value",
    "baseline_value outside the indicator's natural bounds": "baseline_value",
    "baseline_year is not before target_year": "baseline_year",
    "baseline_value without baseline_year": "baseline_year",
    "scale is zero": "scale",
    "target_value and quoted_value are required, and empty only for comparator increase/decrease": "target_value",
}

_PLEDGE_SCHEMA = _schema(
    "target_value",
    ["target_value", "baseline_value"],
    [
        pa.Check(
            lambda df: df["baseline_year"].isna() | (df["baseline_year"] < df["target_year"]),
            error="baseline_year is not before target_year",
        ),
        pa.Check(
            lambda df: df["baseline_value"].isna() | df["baseline_year"].notna(),
            error="baseline_value without baseline_year",
        ),
        pa.Check(
            _number_matches_comparator,
            error="target_value and quoted_value are required, and empty only for comparator increase/decrease",
        ),
    ],
)
_OBSERVATION_SCHEMA = _schema("value", ["value"], [])


def _validate_across_tables(frames: dict[str, pd.DataFrame]) -> None:
    """Rules that need more than one table or more than one cell (pandera)."""
    bounds = frames["indicators"][["indicator_id", "lower_bound", "upper_bound"]]
    problems = []
    for name, schema in (("pledges", _PLEDGE_SCHEMA), ("observations", _OBSERVATION_SCHEMA)):
        frame = frames[name]
        merged = frame.merge(bounds, on="indicator_id", how="left", validate="many_to_one")
        merged.index = frame.index
        try:
            schema.validate(merged, lazy=True)
        except pa.errors.SchemaErrors as exc:
            cases = exc.failure_cases
            for check, index in zip(cases["check"], cases["index"]):
                field = _CHECK_FIELDS.get(check)
                row = int(index) + 2 if pd.notna(index) else None
                detail = ""
                if field and row is not None and field in merged:
                    detail = f" (value '{merged.at[int(index), field]}'"
                    if "bounds" in check:
                        detail += f", bounds [{merged.at[int(index), 'lower_bound']}, {merged.at[int(index), 'upper_bound']}]"
                    detail += ")"
                problems.append((frame.attrs["file"], row, field, check + detail))
    if problems:
        # a frame-wide check is reported once per column by pandera: keep each problem once
        problems = sorted(set(problems), key=lambda p: (p[0], p[1] or 0, p[2] or "", p[3]))
        raise DataValidationError(problems)


def _mark_current(observations: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """Flag, per indicator, geography and year, the current achieved figure.

    Status decides first, in the order of :data:`ACHIEVED_STATUSES`, whatever the dates (an undated
    yearbook table must not lose to a dated work-report estimate, nor an undated census revision to
    the first release); then an exact figure before an approximate one before a bound
    (:data:`COMPARATOR_EXACTNESS`); among equals, the latest-published source wins.
    """
    obs = observations.merge(sources[["source_id", "published"]], on="source_id", how="left")
    order = {status: i for i, status in enumerate(ACHIEVED_STATUSES)}
    exactness = obs["comparator"].map(COMPARATOR_EXACTNESS).fillna(len(COMPARATOR_EXACTNESS))
    rank = obs.assign(_order=obs["status"].map(order).fillna(len(order)), _exact=exactness).sort_values(
        ["_order", "_exact", "published", "source_id"], ascending=[True, True, False, True], kind="stable"
    )
    achieved = obs["status"].isin(ACHIEVED_STATUSES)
    first = ~rank.duplicated(["indicator_id", "geography", "year"], keep="first")
    obs["current"] = first.reindex(obs.index) & achieved
    obs.attrs = observations.attrs
    return obs.drop(columns="published")


def summary(dataset: Dataset) -> pd.DataFrame:
    """Row counts per source document, kind (pledge / achieved) and theme.

    Parameters
    ----------
    dataset : Dataset

    Returns
    -------
    DataFrame
        Index (source_id, kind), one column per theme plus ``total``; a final ``total`` row.
    """
    themes = dataset.indicators.set_index("indicator_id")["theme"]
    rows = pd.concat(
        [
            dataset.pledges.assign(kind="pledge")[["source_id", "kind", "indicator_id"]],
            dataset.observations.assign(kind="achieved")[["source_id", "kind", "indicator_id"]],
        ]
    )
    rows["theme"] = rows["indicator_id"].map(themes)
    table = pd.crosstab([rows["source_id"], rows["kind"]], rows["theme"], margins=True, margins_name="total")
    table.columns.name = None
    return table


def __getattr__(name: str):
    """``coverage``, ``year_ranges`` and ``HEADLINE`` live in :mod:`analysis.coverage`; the old
    imports (``from analysis.data import coverage``) keep working."""
    if name in ("HEADLINE", "coverage", "year_ranges"):
        import importlib

        return getattr(importlib.import_module(".coverage", __package__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
