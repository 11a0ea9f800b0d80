"""Checks of the public API's arguments: the Python API refuses what the command line refuses.

Each check raises ``TypeError`` (a value of the wrong kind: a DataFrame where a dataset is expected,
a string where a list is) or ``ValueError`` (a value out of range: a year outside the data's, an
``alpha`` outside (0, 1), an unknown kind or place), with a message naming the function and the
argument, never a silent result or a pandas traceback further down. The range of years is the one
the command line's parameters use (:func:`year_range`).
"""

from __future__ import annotations

import numbers

import pandas as pd

from .dataset import Dataset


def dataset(value, where: str) -> None:
    """``value`` is a :class:`~analysis.data.dataset.Dataset` (as :func:`analysis.load` returns)."""
    if not isinstance(value, Dataset):
        raise TypeError(f"{where}: dataset must be a Dataset (from analysis.load()), got {kind_of(value)}")


def year_range(data: Dataset) -> tuple[int, int]:
    """The years a question may be asked for: from the first achieved figure to the last target year,
    or this year if later (a target whose year has passed is assessed today). For a slice of the data,
    those of the whole it was cut from; without figures, from 1949."""
    import datetime

    if getattr(data, "years", None) is not None:
        return data.years
    years = pd.to_numeric(data.observations["year"], errors="coerce").dropna()
    targets = pd.to_numeric(data.pledges["target_year"], errors="coerce").dropna()
    low = int(years.min()) if len(years) else 1949
    high = max([int(s.max()) for s in (targets, years) if len(s)] + [datetime.date.today().year])
    return low, max(high, low)


def year(data: Dataset, value, name: str, where: str) -> None:
    """``value`` is None or an integer year within :func:`year_range`."""
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{where}: {name} must be an integer year, got {value!r} ({kind_of(value)})")
    low, high = year_range(data)
    if not low <= value <= high:
        raise ValueError(f"{where}: {name}={value!r}: expected a year from {low} to {high} (the data's years)")


def probability(value, name: str, where: str) -> None:
    """``value`` is a number strictly between 0 and 1."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{where}: {name} must be a number between 0 and 1, got {value!r} ({kind_of(value)})")
    if not 0 < value < 1:
        raise ValueError(f"{where}: {name}={value!r}: expected a number between 0 and 1 (exclusive)")


def choice(value, options, name: str, where: str) -> None:
    """``value`` is one of ``options``."""
    if not isinstance(value, str) or value not in options:
        raise ValueError(f"{where}: {name}={value!r}: expected one of {', '.join(map(repr, options))}")


def names(value, name: str, where: str) -> list[str]:
    """``value`` is a list (or tuple, or other collection) of strings, not one string; returned as a list."""
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{where}: {name} must be a list of names, not the string {value!r} (write [{value!r}])")
    if isinstance(value, (pd.DataFrame, dict)) or not hasattr(value, "__iter__"):
        raise TypeError(f"{where}: {name} must be a list of names, got {kind_of(value)}")
    found = list(value)
    wrong = [v for v in found if not isinstance(v, str)]
    if wrong:
        raise TypeError(f"{where}: {name} must hold names (strings), got {wrong[0]!r}")
    return found


def known(values: list[str], allowed, name: str, where: str, what: str) -> None:
    """Every value of argument ``name`` is in ``allowed`` (the message names ``what`` it is: "geography")."""
    allowed = set(allowed)
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise ValueError(f"{where}: unknown {what} {unknown[0]!r}")


def kind_of(value) -> str:
    """What `value` is, for a message: "a DataFrame", "a Series", else its type's name."""
    if isinstance(value, pd.DataFrame):
        return "a DataFrame"
    if isinstance(value, pd.Series):
        return "a Series"
    return type(value).__name__
