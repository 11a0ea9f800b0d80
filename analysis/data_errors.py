"""The dataset's validation error (a light module: the command line imports it at start-up)."""

from __future__ import annotations


class DataValidationError(ValueError):
    """The dataset breaks one of its rules.

    Attributes
    ----------
    file, row, field :
        Where the (first) problem is; ``row`` counts the header as row 1, ``None`` for a
        file-level problem.
    problems : list of str
        Every problem found, one line each.
    """

    def __init__(self, problems: list[tuple[str, int | None, str | None, str]]):
        self.problems = [_format(*p) for p in problems]
        self.file, self.row, self.field, _ = problems[0]
        more = len(problems) - 1
        suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
        super().__init__(self.problems[0] + suffix)


def _format(file: str, row: int | None, field: str | None, message: str) -> str:
    where = [file]
    if row is not None:
        where.append(f"row {row}")
    if field:
        where.append(f"field '{field}'")
    return ", ".join(where) + f": {message}"
