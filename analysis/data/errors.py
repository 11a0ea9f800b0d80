"""The dataset's validation error (a light module: the command line imports it at start-up)."""

from __future__ import annotations

#: Characters of one problem line; a longer line is cut (a 10 MB cell never makes a 10 MB message).
LINE_LIMIT = 300

#: Problems listed in the message; more are counted in a last line.
PROBLEM_LIMIT = 20


class DataValidationError(ValueError):
    """The dataset breaks one of its rules.

    ``str()`` of the error is the first problem (and how many there are), on one line; ``listed``
    holds every problem, one line each, at most :data:`PROBLEM_LIMIT` and then a line counting the
    others (the command line prints them all). Each line is cut at :data:`LINE_LIMIT` characters.

    Attributes
    ----------
    file, row, field :
        Where the (first) problem is; ``row`` counts the header as row 1, ``None`` for a
        file-level problem.
    problems : list of str
        Every problem found, one line each.
    listed : list of str
        The lines to show (see above).
    """

    def __init__(self, problems: list[tuple[str, int | None, str | None, str]]):
        self.problems = [_format(*p) for p in problems]
        self.file, self.row, self.field, _ = problems[0]
        listed = self.problems[:PROBLEM_LIMIT]
        more = len(self.problems) - len(listed)
        if more:
            listed.append(f"{more} more problem{'s' if more > 1 else ''} not listed (the first {PROBLEM_LIMIT} are above)")
        self.listed = listed
        total = len(self.problems)
        super().__init__(self.problems[0] + (f" (1 of {total} problems)" if total > 1 else ""))


def visible(text: str) -> str:
    """``text`` with every invisible character escaped: control and format characters (a bidirectional
    override, a zero-width joiner), line and paragraph separators, spaces other than the plain one
    (``\u200d``, ``\n``), so that a message shows what a cell holds and cannot reorder the terminal."""
    import unicodedata

    out = []
    for ch in text:
        category = unicodedata.category(ch)
        if ch in _NAMED:
            out.append(_NAMED[ch])
        elif category[0] == "C" or category in ("Zl", "Zp") or (category == "Zs" and ch != " "):
            out.append(f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}")
        else:
            out.append(ch)
    return "".join(out)


_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _format(file: str, row: int | None, field: str | None, message: str) -> str:
    where = [file]
    if row is not None:
        where.append(f"row {row}")
    if field:
        where.append(f"field '{field}'")
    line = visible(", ".join(where) + f": {message}")  # one line, whatever a cell held, nothing invisible
    if len(line) > LINE_LIMIT:
        line = line[: LINE_LIMIT - 30].rstrip() + f"... ({len(line)} characters)"
    return line
