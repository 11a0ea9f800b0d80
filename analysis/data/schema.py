"""What the data package's values mean to the code: the tables and their keys, the statuses of an achieved figure,
how exact a comparator is, the kinds of evidence, the unit factors a scale may carry, and when a jump
in a series needs explaining. Imported by the loader and its rules; imports nothing of the project."""

from __future__ import annotations

import re

TABLES = ("sources", "indicators", "pledges", "observations")

#: The corrections register (``corrections.csv``): every correction made to a published figure, checked
#: against the four tables as they are today (:mod:`analysis.data.corrections`).
REGISTER = "corrections"

#: Each table's primary key (as ``datapackage.json`` declares it): a register row names a row by these
#: fields' values joined by :data:`KEY_SEPARATOR`.
ROW_KEYS = {
    "sources": ("source_id",),
    "indicators": ("indicator_id",),
    "pledges": ("pledge_id",),
    "observations": ("indicator_id", "geography", "year", "source_id"),
}
KEY_SEPARATOR = "|"

#: Statuses of an observation that count as an achieved figure (``expected`` is a forecast).
ACHIEVED_STATUSES = ("revised", "reported", "preliminary")
"""Statuses of achieved figures, in the order the current figure of a year is chosen."""

#: How exactly an observation states its figure: ``=`` the figure, ``~`` about, ``>=``/``<=`` a bound.
COMPARATOR_EXACTNESS = {"=": 0, "~": 1, ">=": 2, "<=": 2}

#: What the text behind a source is (``sources.kind``), in words, strongest evidence first.
EVIDENCE_KINDS = {
    "official": "the issuer's own publication",
    "official_copy": "an official document, read through a copy",
    "news": "a news report of official figures",
    "other": "other (unattributed, self-media or aggregator)",
}

#: Unit conversions a ``scale`` may carry besides a power of ten: factor -> what it converts.
UNIT_FACTORS = {
    1.0: "a power of ten (100 million yuan -> billion yuan, 10,000 persons -> persons, ...)",
    1 / 15: "mu -> hectares (1 mu = 1/15 ha)",
    0.5: "jin -> kg (1 jin = 0.5 kg)",
    12.0: "per month -> per year",
}

#: Year-on-year factor beyond which a figure in an official series is an error, unless its note
#: explains the jump (a note containing one of :data:`JUMP_WORDS`).
JUMP_FACTOR = 3.0
JUMP_WORDS = re.compile(r"jump|series break|break in the series|definition|redefin|rebas|change of scope|new scope",
                        re.IGNORECASE)
