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
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from . import corrections as register
from . import paths, validated
from . import rules as data_rules
from . import text as data_text
from .errors import DataValidationError
from .schema import (  # noqa: F401 - part of this module's interface
    ACHIEVED_STATUSES,
    COMPARATOR_EXACTNESS,
    EVIDENCE_KINDS,
    JUMP_FACTOR,
    JUMP_WORDS,
    REGISTER,
    TABLES,
    UNIT_FACTORS,
)
from .text import cell_text

#: The resources of ``datapackage.json``: the four tables, then the corrections register.
RESOURCES = (*TABLES, REGISTER)

_PANDAS_TYPES = {"string": "string", "integer": "Int64", "number": "float64", "date": "string", "boolean": "boolean"}


@dataclass(frozen=True)
class Dataset:
    """The four validated tables, and the corrections register.

    ``corrections`` is ``corrections.csv`` (:mod:`analysis.data.corrections`): every correction made
    to a published figure, checked against the four tables (None for a dataset built by hand). It is
    not one of the four tables a dataset unpacks to (``sources, indicators, pledges, observations = ds``).

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
    corrections: pd.DataFrame | None = None

    def __iter__(self):
        return iter((self.sources, self.indicators, self.pledges, self.observations))


def load(data_dir: Path | str | None = None, *, all_vintages: bool = False, provenance: bool = False) -> Dataset:
    """Validate and load the dataset.

    Parameters
    ----------
    data_dir : path, optional
        Folder with ``datapackage.json`` and the CSV files; defaults to :func:`paths.data_dir`.
    all_vintages : bool, default False
        Keep every observation, including those a later source revised (``current`` False) and
        forecasts. By default each indicator, geography and year keeps only its current achieved
        figure.
    provenance : bool, default False
        Also check every quote against its seed document, when the seed documents are present
        (:func:`seeds_notice` says when they are not): each document named exists with its sha256,
        and each quote citing it is verbatim in it. The build and ``validate`` ask for it.

    Returns
    -------
    Dataset

    Raises
    ------
    DataValidationError
        If any file breaks a rule, the corrections register included; the message names the file,
        row and field.
    """
    folder = Path(data_dir) if data_dir is not None else paths.data_dir()
    descriptor = _read_descriptor(folder)
    quotes = provenance and paths.seeds_dir().is_dir()
    mark = _mark(folder, descriptor, quotes)
    known = mark is not None and validated.seen(mark)  # these very bytes passed every check before
    if not known:
        _validate_files(folder, descriptor)
    frames = {name: _read_table(folder, descriptor, name) for name in RESOURCES}
    if not known:
        _validate_frames(folder, descriptor, frames, quotes)
        if mark is not None:
            validated.remember(mark)
    obs = _mark_current(frames["observations"], frames["sources"])
    if not all_vintages:
        obs = obs[obs["current"]].reset_index(drop=True)
    return Dataset(frames["sources"], frames["indicators"], frames["pledges"], obs, folder, frames[REGISTER])


def _mark(folder: Path, descriptor: dict, quotes: bool) -> str | None:
    """The key of this validation (:mod:`analysis.data.validated`); None when a file cannot be read
    (the validation then says which)."""
    files = ["datapackage.json"] + [str(r.get("path")) for r in descriptor["resources"]]
    try:
        return validated.key(folder, files, paths.seeds_dir() if quotes else None)
    except (OSError, TypeError):
        return None


def _validate_frames(folder: Path, descriptor: dict, frames: dict, quotes: bool) -> None:
    """Every rule across rows and tables, the quotes (``quotes``) and the corrections register."""
    _validate_across_tables(frames)
    _check_plausibility(frames)
    if quotes:
        found = data_rules.provenance(frames["sources"], [frames["pledges"], frames["observations"]], paths.seeds_dir())
        if found:
            raise DataValidationError(found)
    found = register.check(frames[REGISTER], {name: folder / _resource(descriptor, name)["path"] for name in TABLES})
    if found:
        raise DataValidationError(_one_per_cell(found))


def seeds_notice() -> str | None:
    """One line saying that the seed documents are missing (so quotes were not checked), else None."""
    folder = paths.seeds_dir()
    if folder.is_dir():
        return None
    return (f"source documents not found at {folder}: quotes were not checked against them "
            "(set ZJCP_SEEDS_DIR to check them)")


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
    if sorted(names) != sorted(RESOURCES):
        raise DataValidationError(
            [(_rel(folder, "datapackage.json"), None, "resources", f"expected resources {list(RESOURCES)}, found {names}")]
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
    for name in RESOURCES:
        path = folder / _resource(descriptor, name)["path"]
        if not path.is_file():
            problems.append((_rel(folder, path.name), None, None, "file not found"))
        elif path.stat().st_size == 0:
            problems.append((_rel(folder, path.name), None, None, "file is empty (no header row)"))
    if problems:
        raise DataValidationError(problems)
    for name in RESOURCES:
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
        found = _one_per_malformed_row([_describe(file, fields, error) for error in errors],
                                       [error.type for error in errors])
        unknown = {p[1] for p in found if p[2] == "indicator_id"}
        # an unknown indicator also fails the (indicator_id, unit) key: report it once
        problems += [p for p in found if not (p[2] == "unit" and p[1] in unknown)]
    raise DataValidationError(problems)


def _one_per_malformed_row(found: list, kinds: list[str]) -> list:
    """A row with too few (or too many) cells is one problem, naming every field it lacks (the
    required values and keys it therefore breaks are not reported again)."""
    out, seen = [], {}
    malformed = {p[1] for p, kind in zip(found, kinds) if kind in ("missing-cell", "extra-cell")}
    for problem, kind in zip(found, kinds):
        if kind not in ("missing-cell", "extra-cell"):
            if problem[1] not in malformed:
                out.append(problem)
            continue
        key = (problem[1], kind)
        if key in seen:
            file, row, field, message = out[seen[key]]
            out[seen[key]] = (file, row, field, message + f" [also field '{problem[2]}']")
            continue
        seen[key] = len(out)
        out.append(problem)
    return out


def _check_header(folder: Path, resource: dict) -> list[tuple[str, int | None, str | None, str]]:
    """Encoding, byte-order mark, delimiter, missing, unexpected or misplaced columns, and a table
    without rows (before any cell is read by frictionless)."""
    import csv
    import io

    file = _rel(folder, resource["path"])
    path = folder / resource["path"]
    expected = [f["name"] for f in resource["schema"]["fields"]]
    csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))  # a huge cell is reported, not a crash
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        return [(file, 1, None, "starts with a UTF-8 byte-order mark (BOM, as Excel writes it); save as UTF-8 without BOM")]
    try:
        text = raw.decode("utf-8")  # the whole file at once, so the offset of a bad byte is the file's
    except UnicodeDecodeError as exc:
        row, field = _locate_byte(path, exc.start)
        return [(file, row, field, f"not readable as UTF-8 (byte {exc.start}: {exc.reason})")]
    header = next(csv.reader(io.StringIO(text, newline="")), [])
    for delimiter, name in ((";", "semicolons"), ("\t", "tabs")):
        if len(header) < len(expected) and delimiter in ",".join(header):
            return [(file, 1, None, f"fields are separated by {name}, not commas (as some spreadsheets export)")]
    spaced = [c for c in header if c != c.strip() and c.strip() in expected]
    if spaced:
        return [(file, 1, c.strip(), f"header cell {cell_text(c)} has stray spaces: write '{c.strip()}'") for c in spaced]
    missing = [c for c in expected if c not in header]
    extra = [c for c in header if c not in expected]
    if missing:
        return [(file, 1, c, f"missing column '{c}'; expected columns {expected}") for c in missing]
    if extra:
        return [(file, 1, c, f"unexpected column '{c}'; expected columns {expected}") for c in extra]
    if header != expected:
        return [(file, 1, None, f"columns in the wrong order: {header}; expected {expected}")]
    rows = list(csv.reader(io.StringIO(text, newline="")))[1:]
    if not any(cell.strip() for r in rows for cell in r):
        return [(file, None, None, "has a header but no rows (an empty table is refused)")]
    return _check_numbers(file, resource, header, rows) + data_text.text_problems(file, resource, header, rows)


#: A number as the tables write it: ASCII digits, an optional sign, decimals and exponent.
_ASCII_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_ASCII_INTEGER = re.compile(r"-?[0-9]+")


#: A figure as a quote writes it with thousands separators: groups of three digits after each comma.
_THOUSANDS = re.compile(r"-?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?")


def _check_numbers(file: str, resource: dict, header: list[str], rows: list[list[str]]):
    """Numbers in ASCII digits only: NaN, inf and full-width digits are refused, with the cell shown;
    a ``quoted_value`` with a comma that does not separate thousands is a decimal comma."""
    problems = []
    kinds = {f["name"]: f["type"] for f in resource["schema"]["fields"] if f["type"] in ("number", "integer")}
    for number, cells in enumerate(rows, start=2):
        for name, cell in zip(header, cells):
            kind = kinds.get(name)
            if name == "quoted_value" and "," in cell and re.fullmatch(r"-?[0-9][0-9,]*(\.[0-9]+)?", cell) \
                    and not _THOUSANDS.fullmatch(cell):
                problems.append((file, number, name, f"{cell_text(cell)} has a decimal comma (or a misplaced "
                                 "thousands separator): write 1.9 for one point nine, 1,900 for one thousand nine hundred"))
            if kind is None or cell == "":
                continue
            pattern = _ASCII_INTEGER if kind == "integer" else _ASCII_NUMBER
            if not pattern.fullmatch(cell):
                problems.append((file, number, name, f"{cell_text(cell)} is not a valid {kind} (ASCII digits only; "
                                                     "NaN, inf and full-width digits are refused)"))
            elif len(cell) > 30 or not math.isfinite(float(cell)):
                problems.append((file, number, name, f"{cell_text(cell)} is not a valid {kind} (too many digits)"))
    return problems


def _locate_byte(path: Path, offset: int) -> tuple[int | None, str | None]:
    """Row (header = 1) and column of the cell holding byte ``offset`` of a CSV file."""
    import csv
    import io

    raw = path.read_bytes()
    text = raw[:offset].decode("utf-8", errors="replace") + "\x00" + raw[offset + 1 :].decode("utf-8", errors="replace")
    rows = csv.reader(io.StringIO(text, newline=""))
    header = next(rows, [])
    if any("\x00" in cell for cell in header):
        position = next(i for i, cell in enumerate(header) if "\x00" in cell)
        return 1, header[position]
    for number, cells in enumerate(rows, start=2):
        for position, cell in enumerate(cells):
            if "\x00" in cell:
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
        return file, row, field, f"{cell_text(cell)} is not a valid {fields.get(field, 'value')}"
    if kind == "constraint-error":
        cell = getattr(error, "cell", "")
        if '"required"' in note:
            return file, row, field, "required value is missing"
        return file, row, field, f"{cell_text(cell)} breaks the rule: {note}"
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
    for f in fields:
        if f["type"] == "boolean":
            frame[f["name"]] = frame[f["name"]].fillna(False).astype(bool)
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
    inverted = bounds[bounds["lower_bound"] > bounds["upper_bound"]]
    if len(inverted):  # every figure of the indicator would be "outside its bounds": name the cause once
        raise DataValidationError([
            (frames["indicators"].attrs["file"], int(index) + 2, "lower_bound",
             f"natural bounds inverted: lower_bound {low:g} is above upper_bound {high:g}")
            for index, low, high in zip(inverted.index, inverted["lower_bound"], inverted["upper_bound"])])
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


#: Words in a quote that state a decrease (a negative ``scale`` turns it into a negative change).
DECREASE_WORDS = re.compile(r"decreas|declin|\bfell\b|\bfall|\bdrop|\bdown\b|reduc|lower|下降|减少|減少|降低|下跌|精简|压减|缩减",
                            re.IGNORECASE)

#: Words in a quote that state an increase: a negative ``scale`` turns it into a negative reduction.
INCREASE_WORDS = re.compile(r"increas|\brise|\brose|上升|增长|提高|增加", re.IGNORECASE)


def _states_change_of_sign(quote: str, indicator_id: str) -> bool:
    """A negative scale is right where the quote states a decrease, or where the indicator counts a
    reduction (``..._reduction``) and the quote states an increase ("能耗上升0.5%": a reduction of -0.5)."""
    if DECREASE_WORDS.search(quote):
        return True
    return "reduction" in str(indicator_id) and bool(INCREASE_WORDS.search(quote))


def _is_unit_factor(scale: float) -> bool:
    """``|scale|`` is a declared unit factor times a power of ten (:data:`UNIT_FACTORS`)."""
    if not math.isfinite(scale) or scale == 0:
        return False
    for factor in UNIT_FACTORS:
        exponent = math.log10(abs(scale) / factor)
        if abs(exponent - round(exponent)) < 1e-6:
            return True
    return False


def _check_plausibility(frames: dict[str, pd.DataFrame]) -> None:
    """Rules against plausible typos that would otherwise flip a verdict (each problem names file, row, field).

    * ``scale`` is a power of ten or a declared unit factor times one (:data:`UNIT_FACTORS`); a
      negative scale only where the quote states a decrease (:data:`DECREASE_WORDS`).
    * No source is published in the future.
    * An achieved figure's year is not after this year.
    * The rules of :mod:`analysis.data.rules` (comparators and their quotes, direction and pledges,
      years and publication dates, magnitude words, measure and unit, duplicate pledges).
    * Once every row is right on its own, the series rules: in a series of current achieved figures
      (levels, shares, ratios), a figure more than :data:`JUMP_FACTOR` times or less than
      1/:data:`JUMP_FACTOR` of the previous year's is an error unless the row's note explains the
      jump (:data:`JUMP_WORDS`); a target far from every figure of its series likewise
      (:func:`analysis.data.rules.far_targets`).
    """
    import datetime

    today = pd.Timestamp(datetime.date.today())
    sources = frames["sources"]
    problems = []
    future = sources["published"].notna() & (sources["published"] > today)
    for index in sources.index[future]:
        day = sources.at[index, "published"].date()
        problems.append((sources.attrs["file"], index + 2, "published", f"publication date {day} is in the future"))
    for name in ("pledges", "observations"):
        frame = frames[name]
        file = frame.attrs["file"]
        for index, scale, quote in zip(frame.index, frame["scale"], frame["quote"]):
            if not _is_unit_factor(scale):
                problems.append((file, index + 2, "scale", f"scale {scale:g} is neither a power of ten nor a declared "
                                 "unit factor (1/15 mu -> ha, 0.5 jin -> kg, 12 months) times one"))
            if scale < 0 and not _states_change_of_sign(str(quote), frame.at[index, "indicator_id"]):
                problems.append((file, index + 2, "scale", f"scale {scale:g} is negative but the quote states no decrease"
                                 " (nor, for an indicator of a reduction, an increase)"))
    problems += data_rules.check(frames)
    obs = frames["observations"]
    unfinished = obs["status"].isin(ACHIEVED_STATUSES) & (obs["year"] > today.year)
    for index in obs.index[unfinished.fillna(False).astype(bool)]:
        problems.append((obs.attrs["file"], index + 2, "year",
                         f"year {obs.at[index, 'year']} has not ended: an achieved figure cannot be reported for it"))
    problems += _sum_links(frames["indicators"])
    if not problems:  # the series rules, once every row is right on its own (a slip is reported once)
        current = _mark_current(frames["observations"], frames["sources"])
        problems += _jumps(frames) + data_rules.far_targets(frames, current[current["current"]])
    if problems:
        raise DataValidationError(_one_per_cell(problems))


def _one_per_cell(problems: list) -> list:
    """Problems in file and row order, the first found for a cell only (one slip, one line)."""
    seen, kept = set(), []
    for problem in problems:
        if problem[:3] not in seen:
            seen.add(problem[:3])
            kept.append(problem)
    return sorted(kept, key=lambda p: (p[0], p[1] or 0, p[2] or "", p[3]))


def _sum_links(indicators: pd.DataFrame) -> list[tuple[str, int, str, str]]:
    """``sum_of`` names another indicator of the same unit, and comes with ``sum_years``."""
    if "sum_of" not in indicators:
        return []
    units = indicators.set_index("indicator_id")["unit"]
    file, problems = indicators.attrs["file"], []
    for index, own, summed, years in zip(indicators.index, indicators["indicator_id"], indicators["sum_of"],
                                         indicators["sum_years"]):
        if pd.isna(summed):
            if pd.notna(years):
                problems.append((file, index + 2, "sum_years", "sum_years without sum_of"))
        elif summed not in units.index or summed == own:
            problems.append((file, index + 2, "sum_of", f"unknown indicator '{summed}' (not another row of indicators.csv)"))
        elif units[summed] != units[own]:
            problems.append((file, index + 2, "sum_of", f"indicator '{summed}' is in {units[summed]}, not in {units[own]}"))
        elif pd.isna(years):
            problems.append((file, index + 2, "sum_years", "required with sum_of (the number of years summed)"))
    return problems


def _jump(years, values, i: int) -> float | None:
    """``values[i] / values[i - 1]`` if that is a jump beyond :data:`JUMP_FACTOR` between consecutive years."""
    if not 0 < i < len(values) or years[i] - years[i - 1] != 1 or values[i] <= 0 or values[i - 1] <= 0:
        return None
    factor = values[i] / values[i - 1]
    return factor if max(factor, 1 / factor) > JUMP_FACTOR else None


def _jumps(frames: dict[str, pd.DataFrame]) -> list[tuple[str, int, str, str]]:
    """Year-on-year jumps beyond :data:`JUMP_FACTOR` in the current achieved figures (see :func:`_check_plausibility`)."""
    measures = frames["indicators"].set_index("indicator_id")["measure"]
    obs = _mark_current(frames["observations"], frames["sources"])
    obs = obs[obs["current"] & obs["indicator_id"].map(measures).isin(["level", "share", "ratio"])]
    obs = obs.sort_values(["indicator_id", "geography", "year"])
    problems = []
    for _, series in obs.groupby(["indicator_id", "geography"], sort=False):
        years, values = series["year"].to_numpy(), series["value"].to_numpy(dtype=float)
        for i in range(1, len(series)):
            factor = _jump(years, values, i)
            before = _jump(years, values, i - 1)
            if factor is None or (before is not None and (before > 1) != (factor > 1)):
                continue  # no jump, or the way back from a one-year spike already reported
            index = series.index[i]
            note = series.at[index, "note"]
            if isinstance(note, str) and JUMP_WORDS.search(note):
                continue
            problems.append((obs.attrs["file"], int(index) + 2, "value",
                             f"value {values[i]:g} is {factor:.3g} times the {years[i - 1]} figure "
                             f"({values[i - 1]:g}, row {int(series.index[i - 1]) + 2}); a jump beyond "
                             f"{JUMP_FACTOR:g}x in an official series needs a note explaining it"))
    return problems


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


SERIES_KEYS = ["indicator_id", "geography"]


def break_years(observations: pd.DataFrame) -> pd.Series:
    """Per row, the year of its series' latest break (``series_break``: the first figure on a new
    basis, not comparable with earlier years), or NaN where the series has none."""
    if "series_break" not in observations or not observations["series_break"].any():
        return pd.Series(np.nan, index=observations.index)
    flagged = observations[observations["series_break"].astype(bool)]
    starts = flagged.groupby(SERIES_KEYS)["year"].max().astype(float)
    keys = pd.MultiIndex.from_frame(observations[SERIES_KEYS])
    return pd.Series(starts.reindex(keys).to_numpy(), index=observations.index)


def since_last_break(observations: pd.DataFrame) -> pd.DataFrame:
    """The figures of each series from its latest break on (every figure where it has none): the
    only ones a pace or a trend may be measured on."""
    start = break_years(observations)
    return observations[start.isna() | (observations["year"].astype(float) >= start)]


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
