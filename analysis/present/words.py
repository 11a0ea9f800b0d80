"""Words the site's pages and charts share, in the current language (:mod:`analysis.data.i18n`):
the statuses, the places, the trend models, an indicator's name and a source's title.

The English words are the ones the code always showed (``STATUS_LABELS``, the dataset's
``geography``, ``name`` and ``title_en``); in Chinese the statuses, places and models come from
the catalog, and names and titles from their own columns of the dataset (never translated).
"""

from __future__ import annotations

from ..data import i18n
from ..data.i18n import _, pgettext
from ..method.progress import STATUS_LABELS


def _catalog_marks() -> None:  # pragma: no cover - never called: what `make catalog` reads
    """The places and trend models shown (each a message with its context)."""
    for _word in (pgettext("place", "Zhejiang"), pgettext("place", "Jiaxing"), pgettext("place", "Jiashan"),
                  pgettext("place", "Jiaxing Port"), pgettext("place", "Hangzhou"), pgettext("place", "Wenzhou"),
                  pgettext("place", "Yunhe County"), pgettext("place", "Ningbo Qianwan New District"),
                  pgettext("place", "Ningbo-Zhoushan Port"),
                  pgettext("trend model", "linear"), pgettext("trend model", "log")):
        pass


def status_label(status) -> str:
    """A status as a reader reads it: ``on track`` / 基本符合预期."""
    status = str(status)
    return _(STATUS_LABELS.get(status, status.replace("_", " ")))


def status_labels() -> dict[str, str]:
    """Every status id -> its words in the current language."""
    return {s: status_label(s) for s in STATUS_LABELS}


def place(geography) -> str:
    """A place (``geography``) in the current language (a place without a translation as it is)."""
    if not isinstance(geography, str) or not geography:
        return geography  # (a missing place stays missing; the empty message is the catalog's header)
    return pgettext("place", geography)


def model(name) -> str:
    """A trend model's name (``linear``, ``log``) in the current language."""
    return pgettext("trend model", str(name))


def indicator_name(dataset, indicator_id, english) -> str:
    """The indicator's name: ``english`` (the ``name`` shown today), or ``name_zh`` in Chinese."""
    if i18n.is_chinese():
        zh = dataset.indicators.set_index("indicator_id")["name_zh"].get(indicator_id)
        if isinstance(zh, str) and zh:
            return zh
    return english


def source_title(source) -> str | None:
    """A source's title as shown (a row of ``sources``): ``title_en``, or in Chinese the original ``title``."""
    if i18n.is_chinese() and isinstance(source.get("title"), str):
        return source["title"]
    return source["title_en"] if isinstance(source.get("title_en"), str) else None


def sentences(*parts: str) -> str:
    """Sentences one after another: a space between them in English, none in Chinese."""
    return ("" if i18n.is_chinese() else " ").join(p for p in parts if p)
