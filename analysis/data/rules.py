"""Plausibility rules against curator slips that flip a verdict.

:func:`analysis.data.dataset.load` calls :func:`check` on the typed tables once the schema and the rules
across tables hold. Each rule reads a row the way a reader of its quote would, and returns problems
``(file, row, field, message)`` (the row as a spreadsheet counts it, header = 1):

* **Comparator and quote** (:func:`comparator_words`): ``>=`` where the words right before or after
  the quoted number state an upper bound ("less than 1.9", "below", "不超过", "5%以内"), ``<=`` where
  they state a lower bound ("more than", "at least", "超过", "以上", "突破"); ``=`` or ``~`` where
  they state either.
* **Direction and pledges** (:func:`direction_and_pledges`): an indicator whose ``direction`` is
  the opposite of what every one of its pledges commits to (a range "5%-5.5%" commits to neither).
* **Years** (:func:`years_and_publication`): a target year before its document's year, a stated
  baseline year after it, an achieved figure's year after it; a publication date that the source's
  own figures contradict (the plan period in its title starts after it, or two or more of its rows
  disagree with it where one other date would suit them all) is reported once, on the source.
* **Magnitude words** (:func:`magnitude_words`): a ``scale`` that contradicts the word next to the
  quoted number (万, 亿, 万亿, 千, thousand, million, billion, trillion) for the indicator's unit.
* **Measure and unit** (:func:`measure_and_unit`): a growth rate or share in yuan, a level in %.
* **Duplicate pledges** (:func:`duplicate_pledges`): the same source, indicator, place, year,
  comparator and value under a second id.
* **Target far from its series** (:func:`far_targets`, a series rule, run only when nothing else
  is wrong): a target more than :data:`FAR_FACTOR` times every achieved figure of its series (or
  less than its inverse), unless the note explains it.

:func:`provenance` checks quotes against the seed documents (when they are present); the build and
``validate`` call it, :func:`analysis.data.dataset.load` does not (a copy of the data with other quotes, as
the tests make, is still loadable).
"""

from __future__ import annotations

import hashlib
import math
import re
from pathlib import Path

import pandas as pd

Problem = tuple[str, "int | None", "str | None", str]

# --- the number in its quote --------------------------------------------------------------------


def number_spans(quote: str, quoted: str) -> list[tuple[int, int]]:
    """Where ``quoted`` stands as a whole number (or a whole word) in ``quote``: (start, end) pairs."""
    if not isinstance(quote, str) or not isinstance(quoted, str) or not quoted:
        return []
    word = quoted[0].isalpha()
    text, needle = (quote.lower(), quoted.lower()) if word else (quote, quoted)
    spans, start = [], text.find(needle)
    while start >= 0:
        end = start + len(needle)
        if _stands_alone(text, start, end, word):
            spans.append((start, end))
        start = text.find(needle, start + 1)
    return spans


def _stands_alone(text: str, start: int, end: int, word: bool) -> bool:
    """No letter (a word) or no digit, decimal point or thousands separator (a number) extends it."""
    before, after = text[start - 1: start] if start else "", text[end: end + 2]
    if word:
        return not (before.isascii() and before.isalpha()) and not (after[:1].isascii() and after[:1].isalpha())
    if before and before in "0123456789.,":
        return False
    return not (after[:1].isdigit() or (after[:1] in (".", ",") and after[1:2].isdigit()))


#: Words right before a number that make it a lower (``>=``) or an upper (``<=``) bound. Longer
#: phrases are tried first ("no less than" before "less than", "不超过" before "超过").
_BEFORE = {
    ">=": ("no less than", "not less than", "no fewer than", "not fewer than", "more than", "greater than",
           "higher than", "at least", "in excess of", "upwards of", "exceeding", "exceeded", "exceeds", "exceed",
           "over", "above", "不低于", "不少于", "超过", "突破", "高于", "多于", "大于", "超", "逾"),
    "<=": ("no more than", "not more than", "not exceeding", "no higher than", "not higher than", "less than",
           "fewer than", "lower than", "at most", "below", "under", "within", "不超过", "不高于", "不到", "低于",
           "少于", "小于"),
}  # fmt: skip
_BEFORE_ORDER = sorted(((w, s) for s, words in _BEFORE.items() for w in words), key=lambda ws: -len(ws[0]))
_CURRENCY = re.compile(r"(?:RMB|USD|US\$|CNY|\$|¥|￥)\s*$")
_AFTER_EN = re.compile(r"^\s*(?:%|percent|per cent)?\s*(?:or|and)\s+(more|above|over|higher|greater|less|below|"
                       r"under|lower|fewer)\b", re.IGNORECASE)
_AFTER_ZH = re.compile(r"^[万亿千百]*[^\d\s，,。；;、：:（）()“”\"]{0,4}?(以上|以下|以内|余)")
_AFTER_SENSE = {"more": ">=", "above": ">=", "over": ">=", "higher": ">=", "greater": ">=", "以上": ">=", "余": ">=",
                "less": "<=", "below": "<=", "under": "<=", "lower": "<=", "fewer": "<=", "以下": "<=", "以内": "<="}


def _word_before(text: str) -> tuple[str, str] | None:
    """The bound phrase ``text`` ends with (a currency sign may stand between): (phrase, sense)."""
    text = _CURRENCY.sub("", text).rstrip()
    lowered = text.lower()
    for word, sense in _BEFORE_ORDER:
        if lowered.endswith(word):
            start = len(lowered) - len(word)
            if word.isascii() and start > 0 and lowered[start - 1].isalpha():
                continue  # "turnover", "moreover"
            return text[start:], sense
    return None


def _word_after(text: str) -> tuple[str, str] | None:
    for pattern in (_AFTER_EN, _AFTER_ZH):
        match = pattern.match(text)
        if match:
            return match.group(0).strip(), _AFTER_SENSE[match.group(1).lower()]
    return None


def stated_bound(quote: str, quoted: str) -> tuple[str, str] | None:
    """The bound the quote's words state for its number: (the words, ``>=`` or ``<=``), or None when
    no occurrence of the number has such words next to it, or occurrences disagree."""
    found = []
    for start, end in number_spans(quote, quoted):
        before, after = _word_before(quote[:start]), _word_after(quote[end:])
        senses = {w[1] for w in (before, after) if w}
        if len(senses) == 1:
            space = " " if before and before[0].isascii() else ""
            words = f"{before[0]}{space}{quoted}" if before else f"{quoted}{after[0]}"
            found.append((words, senses.pop()))
    senses = {s for _, s in found}
    return found[0] if len(senses) == 1 else None


_SENSE_WORDS = {">=": "a lower bound (at least)", "<=": "an upper bound (at most)"}


def comparator_words(frame: pd.DataFrame) -> list[Problem]:
    """Rows whose quote states a bound next to the number that their comparator contradicts: the
    opposite bound, or an exact (``=``) or approximate (``~``) figure."""
    problems = []
    for index, comparator, quote, quoted in zip(frame.index, frame["comparator"], frame["quote"], frame["quoted_value"]):
        if comparator not in (">=", "<=", "=", "~"):
            continue
        stated = stated_bound(quote, quoted)
        if stated is not None and stated[1] != comparator:
            problems.append((frame.attrs["file"], index + 2, "comparator",
                             f"comparator '{comparator}' contradicts the quote: '{stated[0]}' states "
                             f"{_SENSE_WORDS[stated[1]]}, comparator '{stated[1]}'"))
    return problems


# --- direction -----------------------------------------------------------------------------------

#: What a pledge's comparator commits to: +1 up (at least, increase), -1 down.
_COMMITS = {">=": 1, "increase": 1, "<=": -1, "decrease": -1}
_DIRECTION_SIGN = {"higher_is_better": 1, "lower_is_better": -1}


def _range_caps(pledges: pd.DataFrame) -> pd.Series:
    """Pledges that are one end of a range (the same document, place and year pledge ``>=`` and ``<=``)."""
    keys = [pledges[k] for k in ("indicator_id", "geography", "source_id", "target_year")]
    comparator = pledges["comparator"]
    has = {c: (comparator == c).groupby(keys, dropna=False).transform("any") for c in (">=", "<=")}
    return has[">="] & has["<="] & comparator.isin([">=", "<="])


def direction_and_pledges(indicators: pd.DataFrame, pledges: pd.DataFrame, skip=frozenset()) -> list[Problem]:
    """Indicators whose direction is the opposite of what every one of their pledges commits to.

    ``skip`` holds pledge indexes already reported (a comparator its quote contradicts)."""
    sign = pledges["comparator"].map(_COMMITS)
    usable = sign.notna() & ~_range_caps(pledges) & ~pledges.index.isin(list(skip))
    committed = pledges[usable].assign(_sign=sign[usable])
    problems = []
    rows = {ind: i for i, ind in zip(indicators.index, indicators["indicator_id"])}
    for ind, group in committed.groupby("indicator_id", sort=True):
        index = rows.get(ind)
        if index is None:
            continue
        direction = indicators.at[index, "direction"]
        wanted = _DIRECTION_SIGN.get(direction)
        if wanted is None or not (group["_sign"] == -wanted).all():
            continue
        first = group.index[0]
        problems.append((indicators.attrs["file"], index + 2, "direction",
                         f"direction '{direction}' contradicts its pledges: {len(group)} pledge(s) commit to "
                         f"{'a decrease' if wanted > 0 else 'an increase'} (e.g. pledges.csv row {first + 2}, "
                         f"comparator '{pledges.at[first, 'comparator']}')"))
    return problems


# --- years -----------------------------------------------------------------------------------------

#: A plan period in a title: "(2021-2025)", "2021—2025年".
PERIOD = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})\s*[-–—－~至到]\s*((?:19|20)[0-9]{2})(?![0-9])")


def _year_votes(frames: dict[str, pd.DataFrame], published: pd.Series) -> list[tuple]:
    """Every year a row states, with whether its source's publication year allows it:
    (source_id, file, row, field, year, publication year, agrees)."""
    from .schema import ACHIEVED_STATUSES

    votes = []
    pledges = frames["pledges"]
    year = pledges["source_id"].map(published)
    for index, source, target, baseline, pub in zip(pledges.index, pledges["source_id"], pledges["target_year"],
                                                    pledges["baseline_year"], year):
        if pd.isna(pub):
            continue
        votes.append((source, pledges.attrs["file"], index + 2, "target_year", int(target), int(pub), target >= pub))
        if pd.notna(baseline):
            votes.append((source, pledges.attrs["file"], index + 2, "baseline_year", int(baseline), int(pub),
                          baseline <= pub))
    obs = frames["observations"]
    year = obs["source_id"].map(published)
    achieved = obs["status"].isin(ACHIEVED_STATUSES)
    for index, source, y, pub, ok in zip(obs.index, obs["source_id"], obs["year"], year, achieved):
        if ok and pd.notna(pub):
            votes.append((source, obs.attrs["file"], index + 2, "year", int(y), int(pub), y <= pub))
    return votes


_ROW_MESSAGES = {
    "target_year": "target year {year} is before the year its source '{source}' was published ({date})",
    "baseline_year": "baseline year {year} is after the publication of its source '{source}' ({date})",
    "year": "year {year} is after the publication of its source '{source}' ({date})",
}


def years_and_publication(frames: dict[str, pd.DataFrame]) -> list[Problem]:
    """Target years before, and baseline or achieved years after, the source's publication.

    When the source's own date is to blame, one problem on ``sources.csv`` instead: the plan period
    in its title starts after it, or two or more of its rows disagree with it while one other date
    would agree with every row (one edit, not several, mends it)."""
    sources = frames["sources"]
    dates = sources.set_index("source_id")["published"]
    votes = _year_votes(frames, dates.dt.year)
    problems, blamed = [], set()
    for index, source, title, title_en, date in zip(sources.index, sources["source_id"], sources["title"],
                                                    sources["title_en"], sources["published"]):
        if pd.isna(date):
            continue
        mine = [v for v in votes if v[0] == source]
        why = _title_period_after(title, title_en, date.year) or _rows_disagree(mine)
        if why is not None:
            blamed.add(source)
            problems.append((sources.attrs["file"], index + 2, "published",
                             f"publication date {date.date()} contradicts the source's own figures: {why}"))
    for source, file, row, field, year, _, agrees in votes:
        if not agrees and source not in blamed:
            message = _ROW_MESSAGES[field].format(year=year, source=source, date=dates[source].date())
            problems.append((file, row, field, message))
    return problems


def _rows_disagree(votes: list[tuple]) -> str | None:
    """Why a source's date is wrong rather than its rows: two or more rows disagree with it, and some
    publication year agrees with all of them (None otherwise)."""
    wrong = [v for v in votes if not v[6]]
    if len(wrong) < 2:
        return None
    earliest = max((v[4] for v in votes if v[3] != "target_year"), default=None)
    latest = min((v[4] for v in votes if v[3] == "target_year"), default=None)
    if earliest is not None and latest is not None and earliest > latest:
        return None
    v = wrong[0]
    span = (f"in {earliest}" if earliest == latest else f"from {earliest}" if latest is None
            else f"by {latest}" if earliest is None else f"between {earliest} and {latest}")
    return (f"{len(wrong)} of its rows state years that need a publication {span} "
            f"(e.g. {v[1]} row {v[2]}, {v[3]} {v[4]})")


def _title_period_after(title, title_en, year: int) -> str | None:
    for text in (title, title_en):
        match = PERIOD.search(text) if isinstance(text, str) else None
        if match and int(match.group(1)) > year:
            return f"the plan period {match.group(0)} in its title starts after it"
    return None


# --- magnitude words ------------------------------------------------------------------------------

#: A magnitude word right after a number, and the factor it stands for (千 before 瓦, 米 or 克 is a
#: unit prefix, not a magnitude; a hyphenated "trillion-level" or "billion-yuan" is an adjective).
MAGNITUDES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "万亿": 1e12, "千亿": 1e11,
              "百亿": 1e10, "十亿": 1e9, "亿": 1e8, "千万": 1e7, "百万": 1e6, "十万": 1e5, "万": 1e4, "千": 1e3}
_MAGNITUDE_EN = re.compile(r"^\s+(thousand|million|billion|trillion)(?![-\w])", re.IGNORECASE)
_MAGNITUDE_ZH = re.compile(r"^[多余]?(万亿|千亿|百亿|十亿|亿|千万|百万|十万|万|千(?![瓦米克卡焦帕]))")

#: Per unit, what one unit is in the quotes' own terms (one billion yuan is 1e9 yuan; one GW is a
#: million kilowatts, as the documents count capacity; hectares from mu are a declared unit factor).
#: Units whose quotes count otherwise (tonnes from jin and kg) are not checked.
UNIT_MAGNITUDE = {"yuan": 1, "billion yuan": 1e9, "billion usd": 1e9, "count": 1, "persons": 1, "TEU (10,000)": 1e4,
                  "billion cubic meters": 1e9, "billion kWh": 1e9, "GW": 1e6, "km": 1, "hectares": 1,
                  "yuan per kWh": 1}


def magnitude_word(quote: str, quoted: str) -> tuple[str, float] | None:
    """The magnitude word right after the quoted number (the first occurrence that has one)."""
    for _, end in number_spans(quote, quoted):
        rest = quote[end:]
        match = _MAGNITUDE_EN.match(rest) or _MAGNITUDE_ZH.match(rest)
        if match:
            word = match.group(1)
            return word, MAGNITUDES[word.lower()]
    return None


def _allowed_factor(ratio: float) -> bool:
    from .schema import UNIT_FACTORS

    return math.isfinite(ratio) and ratio != 0 and any(abs(abs(ratio) / f - 1) < 1e-6 for f in UNIT_FACTORS)


def magnitude_words(frame: pd.DataFrame) -> list[Problem]:
    """Rows whose ``scale`` contradicts the magnitude word next to the quoted number."""
    problems = []
    for index, quote, quoted, scale, unit in zip(frame.index, frame["quote"], frame["quoted_value"], frame["scale"],
                                                 frame["unit"]):
        base = UNIT_MAGNITUDE.get(unit)
        found = magnitude_word(quote, quoted) if base is not None else None
        if found is None:
            continue
        word, factor = found
        expected = factor / base
        if not _allowed_factor(scale / expected):
            problems.append((frame.attrs["file"], index + 2, "scale",
                             f"scale {scale:g} contradicts '{quoted}{' ' if word.isascii() else ''}{word}' in the quote: "
                             f"{word} in {unit} is a scale of {expected:g}"))
    return problems


# --- measure and unit -----------------------------------------------------------------------------

#: The units each measure may be expressed in (None: any unit but those of :data:`NOT_FOR`); a ratio
#: may also be any unit "per" something (per 1,000 persons, yuan per kWh).
UNITS_FOR = {"growth": {"%", "percentage points"}, "share": {"%"}, "ratio": {"ratio", "%"}}
NOT_FOR = {"level": {"%", "percentage points"}}
_MEASURE_WORDS = {"growth": "a growth rate", "share": "a share", "ratio": "a ratio", "level": "a level"}


def _unit_fits(measure: str, unit: str) -> bool:
    allowed = UNITS_FOR.get(measure)
    if measure == "ratio" and isinstance(unit, str) and re.search(r"(^|\s)per\s", unit):
        return True
    return (allowed is None or unit in allowed) and unit not in NOT_FOR.get(measure, set())


def measure_and_unit(indicators: pd.DataFrame) -> list[Problem]:
    """Indicators whose ``measure`` contradicts their unit (a growth rate in yuan, a level in %)."""
    problems = []
    for index, measure, unit in zip(indicators.index, indicators["measure"], indicators["unit"]):
        allowed = UNITS_FOR.get(measure)
        if not _unit_fits(measure, unit):
            also = " or a unit per something" if measure == "ratio" else ""
            where = f"is expressed in {' or '.join(sorted(allowed))}{also}" if allowed else f"is not expressed in {unit}"
            problems.append((indicators.attrs["file"], index + 2, "measure",
                             f"measure '{measure}' contradicts unit '{unit}': {_MEASURE_WORDS[measure]} {where}"))
    return problems


# --- duplicate pledges ----------------------------------------------------------------------------

_SAME_PLEDGE = ["source_id", "indicator_id", "geography", "target_year", "comparator", "target_value"]


def duplicate_pledges(pledges: pd.DataFrame) -> list[Problem]:
    """A pledge recorded twice under two ids: the second row is reported, naming the first."""
    keys = pledges[_SAME_PLEDGE].astype("string").fillna("")
    first = {}
    problems = []
    for index, key, pid in zip(pledges.index, map(tuple, keys.to_numpy()), pledges["pledge_id"]):
        if key in first:
            row = first[key]
            problems.append((pledges.attrs["file"], index + 2, "pledge_id",
                             f"pledge '{pid}' repeats pledge '{pledges.at[row, 'pledge_id']}' (row {row + 2}): same "
                             "source, indicator, place, year, comparator and value"))
        else:
            first[key] = index
    return problems


# --- targets far from their series ---------------------------------------------------------------

#: A target more than this many times every achieved figure of its series (or less than its
#: inverse) is a slip (a scale off by a power of ten), unless its note explains it.
FAR_FACTOR = 8.0


def far_targets(frames: dict[str, pd.DataFrame], current: pd.DataFrame) -> list[Problem]:
    """Targets of levels, shares, ratios and flows far from every current achieved figure of their series."""
    from .schema import JUMP_WORDS

    measures = frames["indicators"].set_index("indicator_id")["measure"]
    levels = current[current["value"] > 0].groupby(["indicator_id", "geography"])["value"]
    low, high = levels.min(), levels.max()
    pledges = frames["pledges"]
    problems = []
    for index, ind, place, target, note in zip(pledges.index, pledges["indicator_id"], pledges["geography"],
                                               pledges["target_value"], pledges["note"]):
        if measures.get(ind) not in ("level", "share", "ratio", "flow") or not (target > 0) or (ind, place) not in low.index:
            continue
        lo, hi = low[(ind, place)], high[(ind, place)]
        factor = target / hi if target > hi else lo / target
        if factor <= FAR_FACTOR or (isinstance(note, str) and JUMP_WORDS.search(note)):
            continue
        side = f"{factor:.3g} times the highest" if target > hi else f"1/{factor:.3g} of the lowest"
        problems.append((pledges.attrs["file"], index + 2, "target_value",
                         f"target {target:g} is {side} achieved figure of its series ({ind}, {place}: "
                         f"{lo:g} to {hi:g}); a scale slip? a note must explain a target so far from its series"))
    return problems


# --- everything ------------------------------------------------------------------------------------


def check(frames: dict[str, pd.DataFrame]) -> list[Problem]:
    """Every rule of this module but the series rule and provenance (see the module docstring)."""
    pledges, obs, indicators = frames["pledges"], frames["observations"], frames["indicators"]
    worded = comparator_words(pledges)
    contradicted = {row - 2 for _, row, _, _ in worded}
    return [
        *worded,
        *comparator_words(obs),
        *direction_and_pledges(indicators, pledges, skip=contradicted),
        *years_and_publication(frames),
        *magnitude_words(pledges),
        *magnitude_words(obs),
        *measure_and_unit(indicators),
        *duplicate_pledges(pledges),
    ]


# --- provenance ------------------------------------------------------------------------------------


def provenance(sources: pd.DataFrame, tables: list[pd.DataFrame], seeds: Path) -> list[Problem]:
    """Quotes against the seed documents in ``seeds``: each document named exists and has its
    sha256, and every quote of a row citing it is in its text, character for character."""
    problems, texts = [], {}
    for index, source, name, digest in zip(sources.index, sources["source_id"], sources["document"],
                                           sources["sha256"]):
        if not isinstance(name, str):
            continue
        path = seeds / name
        if not path.is_file():
            problems.append((sources.attrs["file"], index + 2, "document",
                             f"document '{name}' not found in the seed documents ({seeds})"))
            continue
        raw = path.read_bytes()
        if isinstance(digest, str) and hashlib.sha256(raw).hexdigest() != digest:
            problems.append((sources.attrs["file"], index + 2, "sha256",
                             f"sha256 is not that of the document '{name}' (the text changed, or the digest is wrong)"))
        texts[source] = raw.decode("utf-8", errors="replace")
    for frame in tables:
        for index, source, quote in zip(frame.index, frame["source_id"], frame["quote"]):
            text = texts.get(source)
            if text is not None and isinstance(quote, str) and quote not in text:
                problems.append((frame.attrs["file"], index + 2, "quote",
                                 f"quote is not verbatim in its source document '{source}' "
                                 f"(it matches up to {_verbatim_prefix(quote, text)!r})"))
    return problems


def _verbatim_prefix(quote: str, text: str) -> str:
    """The longest start of ``quote`` found in ``text`` (to show where a quote departs), cut to 40."""
    low, high = 0, len(quote)
    while low < high:
        middle = (low + high + 1) // 2
        if quote[:middle] in text:
            low = middle
        else:
            high = middle - 1
    shown = quote[:low]
    return shown if len(shown) <= 40 else "..." + shown[-40:]
