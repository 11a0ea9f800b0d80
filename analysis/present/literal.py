"""Text from the dataset shown literally: never read as Markdown or HTML. Imports nothing of the project."""

from __future__ import annotations

import string

#: Characters that mean something to Markdown or HTML: every ASCII punctuation character.
_LITERAL = {ord(c): f"&#{ord(c)};" for c in string.punctuation}


def escape(text: str) -> str:
    """Text from the dataset, made literal for both Markdown and HTML.

    Every ASCII punctuation character (``[]()*_`#<>!|~&"'`` and the others) becomes a numeric
    character reference such as ``&#91;``: CommonMark and HTML both show the character itself and
    neither reads it as syntax, so no dataset text can make a link, an emphasis, a heading, a table
    or a tag, whichever of the two renderers it goes through. The reports make no link from
    dataset text (``sources.url`` is shown as text, and validated as ``http(s)://`` on load).
    """
    return str(text).translate(_LITERAL)
