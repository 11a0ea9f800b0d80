"""The language of the words the project generates: English, or Simplified Chinese.

One message catalog per language, read with Babel from ``analysis/locale/<locale>/LC_MESSAGES/
messages.po`` (``make catalog`` extracts the messages from the code and the notebooks and merges
them into it). English is the source language: its words are the messages themselves.

The language is a setting of the process (a notebook's ``language`` parameter sets it, through
:func:`set_language`); :func:`language` sets it for a ``with`` block. Text from the dataset is never
translated: quotes stay in their source's language, names come from their own columns.
"""

from __future__ import annotations

import io
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from gettext import GNUTranslations, NullTranslations
from pathlib import Path

#: The editions: a BCP 47 tag each (what ``lang`` and ``hreflang`` say), English first.
LANGUAGES = ("en", "zh-Hans")
DEFAULT = "en"

#: Babel's locale for each language (its folder under ``analysis/locale``).
LOCALES = {"en": "en", "zh-Hans": "zh_Hans"}

#: Where the catalogs live, and the template ``make catalog`` extracts.
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
TEMPLATE = LOCALE_DIR / "messages.pot"
DOMAIN = "messages"

_current: ContextVar[str] = ContextVar("zjcp_language", default=DEFAULT)


def check_language(lang) -> str:
    """``lang`` if it is one of :data:`LANGUAGES`; otherwise a one-line ValueError."""
    if lang not in LANGUAGES:
        raise ValueError(f"language {lang!r}: expected one of {', '.join(LANGUAGES)}")
    return lang


def current() -> str:
    """The language words are generated in now."""
    return _current.get()


def is_chinese() -> bool:
    return current() == "zh-Hans"


def set_language(lang: str) -> None:
    """Generate every word in ``lang`` from now on (in this process)."""
    _current.set(check_language(lang))


@contextmanager
def language(lang: str):
    """Generate the words of a ``with`` block in ``lang``."""
    token = _current.set(check_language(lang))
    try:
        yield
    finally:
        _current.reset(token)


def catalog_path(lang: str) -> Path:
    return LOCALE_DIR / LOCALES[check_language(lang)] / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(lang: str) -> NullTranslations:
    """The catalog of ``lang``, compiled in memory from its ``.po`` file (English: no catalog)."""
    if check_language(lang) == DEFAULT:
        return NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with catalog_path(lang).open("rb") as fh:
        catalog = read_po(fh, locale=LOCALES[lang])
    buffer = io.BytesIO()
    write_mo(buffer, catalog)  # fuzzy entries are left out, as msgfmt leaves them out
    buffer.seek(0)
    return GNUTranslations(buffer)


def _(message: str) -> str:
    """``message`` in the current language (itself when the catalog has no translation)."""
    return translations(current()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural message for ``n``, in the current language."""
    return translations(current()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` in a context (the same English word meaning two things)."""
    return translations(current()).pgettext(context, message)


def N_(message: str) -> str:
    """Mark ``message`` for the catalog without translating it here (it is translated where shown)."""
    return message
