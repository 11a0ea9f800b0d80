"""The corrections register (``data/corrections.csv``): every correction made to a published figure.

One row per corrected field of one row: the ``date``, the ``table`` and the row's key as it is today
(``row_key``: the table's primary key, :data:`~analysis.data.schema.ROW_KEYS`, its values joined by
``|``), the ``field``, its value ``before`` and ``after`` the correction as the CSV file writes it,
the ``reason`` and the ``evidence`` (the commit that made it, then the sources or quotes showing the
right value).

:func:`check` holds the register to the four tables as they are today, when the dataset is loaded
(:func:`analysis.data.dataset.load`, so ``validate`` and the build check it too):

* the row ``row_key`` names exists today in ``table``, and ``field`` is one of its columns;
* the last correction of a field gives the value the field has today (for a key field such as
  ``year``: the key today holds ``after``); an earlier correction of the same field hands over to
  the next (its ``after`` is the next one's ``before``), and comes no later;
* a correction changes something (``before`` differs from ``after``) and is not dated in the future.

Each problem is one line naming ``corrections.csv``, the row (header = row 1) and the field. The
register is read with the other tables (its types and allowed values are in ``datapackage.json``);
:func:`of_rows` and :func:`of_indicator` pick the corrections of given rows for a page. Imports
only :mod:`analysis.data.schema` (no other module of the project).
"""

from __future__ import annotations

import csv
import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from .schema import KEY_SEPARATOR, ROW_KEYS, TABLES

Problem = tuple[str, int | None, str | None, str]


def key_text(values) -> str:
    """A row key as the register writes it: the key's values joined by ``|``."""
    return KEY_SEPARATOR.join(str(v) for v in values)


def keys_of(frame: pd.DataFrame, table: str) -> pd.Series:
    """The register's ``row_key`` of every row of ``frame`` (a typed table of the dataset)."""
    columns = list(ROW_KEYS[table])
    if frame.empty:
        return pd.Series([], index=frame.index, dtype="string")
    parts = [frame[c].astype("string").fillna("") for c in columns]
    keys = parts[0]
    for part in parts[1:]:
        keys = keys + KEY_SEPARATOR + part
    return keys


# --- the check --------------------------------------------------------------------------------


def read_tables(files: dict[str, Path]) -> dict[str, tuple[list[str], dict[str, tuple[int, dict]]]]:
    """Each table's header and its rows by key, as text (row number, header = 1, and the row)."""
    out = {}
    for table in TABLES:
        with files[table].open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            rows = {key_text(row[c] for c in ROW_KEYS[table]): (number, row)
                    for number, row in enumerate(reader, start=2)}
            out[table] = (list(reader.fieldnames or []), rows)
    return out


def _text(value) -> str:
    """A register cell as the CSV file writes it (an empty cell is read as missing)."""
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def check(register: pd.DataFrame, files: dict[str, Path], today: datetime.date | None = None) -> list[Problem]:
    """Every problem of the register against today's tables (see the module docstring).

    Parameters
    ----------
    register : DataFrame
        ``corrections.csv`` as the loader reads it (``date`` a datetime, text columns strings);
        ``register.attrs["file"]`` names it in the messages.
    files : dict
        Table name -> path of its CSV file (read as text: a value is compared as the file writes it).
    today : date, optional
        The day a correction may not be later than (default: today).
    """
    file = register.attrs.get("file", "corrections.csv")
    tables = read_tables(files)
    today = today or datetime.date.today()
    problems: list[Problem] = []
    unchanged: list[Problem] = []  # listed last: where the value today is wrong too, that says more
    chains: dict[tuple[str, str, str], list[int]] = {}
    for index, row in zip(register.index, register.to_dict("records")):
        number = int(index) + 2
        table, key, field = row["table"], row["row_key"], row["field"]
        header, rows = tables[table]
        day = row["date"].date()
        if day > today:
            problems.append((file, number, "date", f"date {day} is in the future"))
        if _text(row["before"]) == _text(row["after"]):
            unchanged.append((file, number, "after", f"'{_text(row['after'])}' equals 'before': a correction changes a value"))
        if field not in header:
            problems.append((file, number, "field", f"{table}.csv has no column '{field}'"))
        elif key not in rows:
            problems.append((file, number, "row_key", f"no row of {table}.csv has the key '{key}' "
                             f"({KEY_SEPARATOR.join(ROW_KEYS[table])}) today"))
        else:
            chains.setdefault((table, key, field), []).append(index)
    for (table, key, field), indexes in chains.items():
        problems += _chain(file, register, indexes, tables[table][1][key], table, field)
    return problems + unchanged


def _chain(file: str, register: pd.DataFrame, indexes: list, today_row: tuple[int, dict], table: str,
           field: str) -> list[Problem]:
    """The corrections of one field of one row, in the register's order: each hands over to the next,
    no earlier than it, and the last gives today's value."""
    problems = []
    for here, there in zip(indexes, indexes[1:]):
        after, next_before = _text(register.at[here, "after"]), _text(register.at[there, "before"])
        if after != next_before:
            problems.append((file, int(here) + 2, "after", f"'{after}' is not where the next correction of this "
                             f"field (row {int(there) + 2}) starts ('{next_before}')"))
        if register.at[here, "date"] > register.at[there, "date"]:
            problems.append((file, int(there) + 2, "date", f"{register.at[there, 'date'].date()} is before the "
                             f"previous correction of this field (row {int(here) + 2}, {register.at[here, 'date'].date()})"))
    last = indexes[-1]
    number, row = today_row
    after, now = _text(register.at[last, "after"]), row[field]
    if after != now:
        problems.append((file, int(last) + 2, "after", f"'{after}' is not the value of field '{field}' today: "
                         f"{table}.csv, row {number} has '{now}'"))
    return problems


# --- the corrections of given rows ------------------------------------------------------------


def of_rows(register: pd.DataFrame, table: str, keys) -> pd.DataFrame:
    """The register's rows about the rows of ``table`` with the given keys (``row_key`` values)."""
    if register is None or register.empty:
        return _empty(register)
    wanted = set(keys)
    return register[(register["table"] == table) & register["row_key"].isin(wanted)]


def of_indicator(register: pd.DataFrame, indicators: pd.DataFrame, pledges: pd.DataFrame,
                 observations: pd.DataFrame, indicator_id: str) -> pd.DataFrame:
    """The corrections of an indicator's rows: its row of ``indicators.csv``, its pledges, its
    observations (the tables given: pass every vintage) and the sources those cite, oldest first."""
    if register is None or register.empty:
        return _empty(register)
    pledged = pledges[pledges["indicator_id"] == indicator_id]
    observed = observations[observations["indicator_id"] == indicator_id]
    wanted = {("sources", k) for k in set(pledged["source_id"]) | set(observed["source_id"])}
    wanted |= {("indicators", indicator_id)} if indicator_id in set(indicators["indicator_id"]) else set()
    wanted |= {("pledges", k) for k in keys_of(pledged, "pledges")}
    wanted |= {("observations", k) for k in keys_of(observed, "observations")}
    mine = [(t, k) in wanted for t, k in zip(register["table"].tolist(), register["row_key"].tolist())]
    found = register[np.array(mine, dtype=bool)].sort_values("date", kind="stable")
    found.attrs = register.attrs
    return found


def _empty(register: pd.DataFrame | None) -> pd.DataFrame:
    columns = ["date", "table", "row_key", "field", "before", "after", "reason", "evidence"]
    return register.iloc[0:0] if register is not None else pd.DataFrame(columns=columns)
