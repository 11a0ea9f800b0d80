"""The message catalogs' upkeep: what ``make catalog`` extracts, and the check that they are whole.

The notebooks' words are messages too: each Markdown cell is one message (its whole text, so a
translator sees the paragraph), and the code cells are read by Babel's Python extractor, which
finds the ``_()`` calls in them. :func:`translated_cell` puts a Markdown cell in the reader's
language when a report is rendered.
"""

from __future__ import annotations

import json

from babel.messages.extract import extract_python

from ..data import i18n

#: Cells a reader never sees (the template's explanation for whoever opens it): not translated.
HIDDEN_TAGS = ("remove-cell", "remove_cell")


def hidden(cell: dict) -> bool:
    return any(tag in HIDDEN_TAGS for tag in cell.get("metadata", {}).get("tags", []))


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def extract_notebook(fileobj, keywords, comment_tags, options):
    """Babel extractor for ``.ipynb`` files: Markdown cells whole, ``_()`` calls in code cells."""
    import io

    notebook = json.load(fileobj)
    for number, cell in enumerate(notebook.get("cells", []), start=1):
        if hidden(cell):
            continue
        text = _source(cell)
        if cell.get("cell_type") == "markdown" and text.strip():
            yield number, None, text, [f"Markdown cell {number}"]
        elif cell.get("cell_type") == "code" and "_(" in text:
            code = io.BytesIO(text.encode("utf-8"))
            for _line, funcname, message, comments in extract_python(code, keywords, comment_tags, options):
                yield number, funcname, message, comments


def translated_cell(text: str, lang: str) -> str:
    """A Markdown cell's text in ``lang`` (itself in English, or where the catalog lacks it)."""
    with i18n.language(lang):
        return i18n._(text)


def untranslated(lang: str) -> list[str]:
    """Messages of the catalog of ``lang`` with no translation, or only a fuzzy one."""
    from babel.messages.pofile import read_po

    with i18n.catalog_path(lang).open("rb") as fh:
        catalog = read_po(fh, locale=i18n.LOCALES[lang])
    return [str(m.id) for m in catalog if m.id and (m.fuzzy or not (all(m.string) if isinstance(m.string, tuple)
                                                                      else m.string))]
