"""A number as a reader writes it, with its unit: the one wording every layer uses
(the verdict engine's notes, the tables, the charts, the sentences). Imports nothing of the project."""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Units as a reader writes them after a number ("" : the number alone).
UNIT_LABELS = {"count": "", "ratio": "", "TEU (10,000)": "× 10,000 TEU"}


def unit_label(unit) -> str:
    """The unit as written after a number (``count`` and ``ratio`` are left out)."""
    if unit is None or (isinstance(unit, float) and np.isnan(unit)):
        return ""
    return UNIT_LABELS.get(str(unit), str(unit))


def number(value, unit="") -> str:
    """A value with separators and its unit: ``75,000 yuan``, ``1.9``, ``24.5%``, ``11,000,000``."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return "n/a"
    value = float(value)
    if abs(value) >= 1000:
        text = f"{value:,.0f}"
    elif abs(value) >= 100:
        text = f"{value:,.1f}".rstrip("0").rstrip(".")
    else:
        text = f"{value:.3g}"
    shown = unit_label(unit)
    if shown == "%":
        return f"{text}%"
    return f"{text} {shown}".strip()
