"""What text a cell may hold: nothing that restructures or reorders a page.

Checked on the raw text of every file (:func:`analysis.data.dataset._check_header`), before any other rule:

* no bidirectional control character (U+202A-U+202E, U+2066-U+2069, and the marks U+200E, U+200F,
  U+061C): it reorders the text shown after it, on a page or in a terminal;
* no control character (U+0000-U+001F, U+007F-U+009F) in any text field, but a line break or a tab
  in a field that may run over several lines (:data:`MULTI_LINE`: quotes, notes, descriptions);
* no line break (including U+2028, U+2029, U+0085) in a one-line field (ids, names, titles, issuers,
  units, ...), which would break a table row, a heading or a link;
* names, titles and issuers at most :data:`NAME_LIMIT` characters.

Error messages show such characters escaped (``\\u202e``; :func:`analysis.data.errors.visible`).
"""

from __future__ import annotations

import re

#: Fields that may run over several lines (a quote copied with its line break, a long note, and a
#: corrected value in the corrections register, which may be one of those).
MULTI_LINE = frozenset({"quote", "note", "description", "before", "after"})
#: Fields that name something, shown in headings, links and table cells, and their longest length.
NAMES = frozenset({"name", "name_zh", "title", "title_en", "issuer"})
NAME_LIMIT = 500

_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
_LINE_BREAK = re.compile("[\n\r\x0b\x0c\x85\u2028\u2029]")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def cell_problem(name: str, cell: str) -> str | None:
    """Why ``cell`` may not stand in field ``name`` (None when it may)."""
    bidi = _BIDI.search(cell)
    if bidi:
        return (f"{cell_text(cell)} holds a bidirectional control character (U+{ord(bidi.group()):04X}), which "
                "reorders the text shown around it; remove it")
    if name not in MULTI_LINE and _LINE_BREAK.search(cell):
        return f"{cell_text(cell)} holds a line break: field '{name}' is one line (it heads a row, a title or a link)"
    control = _CONTROL.search(cell.replace("\n", "").replace("\r", "").replace("\t", "") if name in MULTI_LINE else cell)
    if control:
        return f"{cell_text(cell)} holds a control character (U+{ord(control.group()):04X}); remove it"
    if name in NAMES and len(cell) > NAME_LIMIT:
        return f"{cell_text(cell)} is {len(cell)} characters long; a {name} has at most {NAME_LIMIT}"
    return None


def text_problems(file: str, resource: dict, header: list[str], rows: list[list[str]]) -> list[tuple]:
    """Every cell of the text fields of one file that :func:`cell_problem` refuses."""
    texts = {f["name"] for f in resource["schema"]["fields"] if f["type"] == "string"}
    problems = []
    for number, cells in enumerate(rows, start=2):
        for name, cell in zip(header, cells):
            if name in texts and cell:
                why = cell_problem(name, cell)
                if why:
                    problems.append((file, number, name, why))
    return problems


def cell_text(cell) -> str:
    """A cell quoted for an error message, cut to :data:`CELL_LIMIT` characters."""
    text = str(cell)
    if len(text) > CELL_LIMIT:
        text = text[:CELL_LIMIT] + f"... ({len(text)} characters)"
    return f"'{text}'"


#: Characters of a cell shown in an error message.
CELL_LIMIT = 80
