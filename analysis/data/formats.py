"""A number as a reader writes it, with its unit: the one wording every layer uses
(the verdict engine's notes, the tables, the charts, the sentences), in the current language
(:mod:`analysis.data.i18n`). Imports nothing of the project but the language.

English: ``75,000 yuan``, ``1,235 billion yuan``. Chinese as the statistical communiqués write it:
digits without separators below 100,000 (``70240元``), 万 from 100,000 (``115.6万人``), 亿 from
100 million (``90131亿元``), the unit converted to its base (1 billion yuan is 10亿元, 1 GW is
100万千瓦), never rounded more than the English.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import i18n

#: Units as a reader writes them after a number ("" : the number alone).
UNIT_LABELS = {"count": "", "ratio": "", "TEU (10,000)": "× 10,000 TEU"}

#: Chinese: unit -> (factor to its base unit, the base unit's word, whether 万/亿 apply).
ZH_UNITS = {
    "count": (1, "", True),
    "persons": (1, "人", True),
    "yuan": (1, "元", True),
    "billion yuan": (1e9, "元", True),
    "billion usd": (1e9, "美元", True),
    "hectares": (1, "公顷", True),
    "km": (1, "公里", True),
    "tonnes": (1, "吨", True),
    "GW": (1e6, "千瓦", True),
    "billion cubic meters": (1e9, "立方米", True),
    "billion kWh": (1e9, "千瓦时", True),
    "TEU (10,000)": (1e4, "标箱", True),
    "%": (1, "%", False),
    "ratio": (1, "", False),
    "percentage points": (1, "个百分点", False),
    "rank": (1, "位", False),
    "years": (1, "年", False),
    "score": (1, "分", False),
    "per 1,000 persons": (1, "/千人", False),
    "per 10,000 persons": (1, "/万人", False),
    "ug/m3": (1, "微克/立方米", False),
    "yuan per kWh": (1, "元/千瓦时", False),
}

#: Chinese large-number words, largest first: 亿 from 100 million, 万 from 100,000.
ZH_SCALES = ((1e8, 1e8, "亿"), (1e5, 1e4, "万"))


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value))


def unit_label(unit) -> str:
    """The unit as written after a number (``count`` and ``ratio`` are left out)."""
    if _missing(unit):
        return ""
    if i18n.is_chinese():
        return _zh_unit(str(unit))[1]
    return UNIT_LABELS.get(str(unit), str(unit))


def _zh_unit(unit: str) -> tuple[float, str, bool]:
    """The Chinese wording of a unit; a unit without one is written as it is (and scaled by nothing)."""
    return ZH_UNITS.get(unit, (1, unit, False))


def _digits(value: float) -> str:
    """The English digits of a value: integers from 1,000, one decimal from 100, else 3 significant."""
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:,.1f}".rstrip("0").rstrip(".")
    return f"{value:.3g}"


def _zh_number(value: float, unit: str) -> str:
    factor, word, scaled = _zh_unit(unit)
    base = value * factor
    if scaled:
        for start, divisor, name in ZH_SCALES:
            if abs(base) >= start:
                # four decimals of 万 or 亿 keep every digit the English shows (it rounds to whole units)
                text = f"{round(base / divisor, 4):.4f}".rstrip("0").rstrip(".")
                return f"{text}{name}{word}"
    text = _digits(base).replace(",", "")
    if unit == "rank":
        return f"第{text}{word}"
    return f"{text}{word}"


def number(value, unit="") -> str:
    """A value with separators and its unit: ``75,000 yuan``, ``1.9``, ``24.5%``, ``11,000,000``;
    in Chinese ``70240元``, ``1.9``, ``24.5%``, ``1100万``."""
    if _missing(value):
        return i18n._("n/a")
    value = float(value)
    if i18n.is_chinese():
        return _zh_number(value, "" if _missing(unit) else str(unit))
    text = _digits(value)
    shown = unit_label(unit)
    if shown == "%":
        return f"{text}%"
    return f"{text} {shown}".strip()


def year(value) -> str:
    """A year as a reader writes it: ``2025``; in Chinese ``2025年``."""
    text = str(int(value))
    return f"{text}年" if i18n.is_chinese() else text


def date(value) -> str:
    """A date: ``2026-03-03`` (ISO, as the English pages write it); in Chinese ``2026年3月3日``."""
    stamp = pd.Timestamp(value)
    if i18n.is_chinese():
        return f"{stamp.year}年{stamp.month}月{stamp.day}日"
    return f"{stamp:%Y-%m-%d}"
