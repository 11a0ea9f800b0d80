"""The two editions of the site, English and Chinese, and the links between a page and its twin.

The English edition is the reports folder itself; the Chinese one is its ``zh-Hans/`` folder, with
the same page names. Every page says its language (``<html lang>``), names both editions in its head
the way the web marks translations (``<link rel="alternate" hreflang>``, itself included), and links
to its twin where a reader sees it, at the top of the page.
"""

from __future__ import annotations

import html as _html
import posixpath
import re

from ..data import i18n

#: The folder of each edition inside the reports folder ("" : the folder itself).
FOLDERS = {"en": "", "zh-Hans": "zh-Hans"}

#: What the link to an edition says, in that edition's own language.
NAMES = {"en": "English", "zh-Hans": "中文"}


def folder(lang: str) -> str:
    return FOLDERS[i18n.check_language(lang)]


def href(from_lang: str, page: str, to_lang: str) -> str:
    """The relative address, from ``page`` of the ``from_lang`` edition (its path inside its edition,
    e.g. ``indicators/gdp.html``), of the same page in ``to_lang``."""
    here = posixpath.dirname(posixpath.join(folder(from_lang), page)) or "."
    there = posixpath.join(folder(to_lang), page)
    return posixpath.relpath(there, here)


def head_links(lang: str, page: str, languages=i18n.LANGUAGES) -> str:
    """``<link rel="alternate" hreflang>`` for every edition of ``page`` (itself included)."""
    return "".join(f'<link rel="alternate" hreflang="{other}" href="{_html.escape(href(lang, page, other))}">'
                   for other in languages)


def switch(lang: str, page: str, languages=i18n.LANGUAGES) -> str:
    """The visible link to the page's twin(s), each named in its own language."""
    links = " ".join(
        f'<a href="{_html.escape(href(lang, page, other))}" hreflang="{other}" lang="{other}" '
        f'class="zt-edition">{NAMES[other]}</a>'
        for other in languages if other != lang)
    with i18n.language(lang):
        label = _html.escape(i18n._("This page in another language"))
    return (f'<nav class="zt-editions" aria-label="{label}" '
            f'style="text-align:right;font-size:0.95rem;margin:0.4rem 0">{links}</nav>')


_HTML_TAG = re.compile(r"<html\b[^>]*>", flags=re.I)


def mark(page_html: str, lang: str, page: str, languages=i18n.LANGUAGES) -> str:
    """``page_html`` marked as the ``lang`` edition of ``page``: its ``lang`` attribute and, when the
    page exists in other ``languages`` too, the alternate links in its head and the switch at the top
    of its body."""
    out, found = _HTML_TAG.subn(f'<html lang="{lang}">', page_html, count=1)
    if not found:
        raise ValueError(f"{page}: no <html> element to mark with its language")
    if tuple(languages) == (lang,):
        return out
    head = out.find("</head>")
    if head < 0:
        raise ValueError(f"{page}: no </head> for the links to its other editions")
    out = out[:head] + head_links(lang, page, languages) + "\n" + out[head:]
    body = re.search(r"<body\b[^>]*>", out, flags=re.I)
    if body is None:
        raise ValueError(f"{page}: no <body> for the link to its other editions")
    main = re.search(r"<main\b[^>]*>", out[body.end():], flags=re.I)
    at = body.end() + main.end() if main else body.end()
    return out[:at] + switch(lang, page, languages) + out[at:]
