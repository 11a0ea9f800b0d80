"""What a page says about the build that wrote it, and when its content last changed.

* :class:`Stamp`: the dataset's version (``analysis.__version__``, the version in ``pyproject.toml``),
  the commit of the project (``git rev-parse --short HEAD``, ``-dirty`` when the working tree differs
  from it, ``unknown`` outside git or without git: never a failed build) and the build's date. Read
  once per build; a page keeps the stamp of the build that wrote it (a cached page is not rewritten).
* :func:`cite`: a page with the citation at its end (:mod:`analysis.present.citation`).
* :func:`last_updated`: the date a page's content last changed. The build records, per report, page
  and site page, the sha256 of what the page shows (its HTML without the citation) and that date;
  a page written again with the same content keeps its date.
"""

from __future__ import annotations

import datetime
import hashlib
import subprocess
from dataclasses import dataclass

from ..data import paths

#: How long git may take to answer (a slow disk, a huge repository): then the commit is unknown.
GIT_TIMEOUT = 10


@dataclass(frozen=True)
class Stamp:
    version: str
    commit: str
    built: str  # ISO date


def current(today: datetime.date | None = None) -> Stamp:
    """The stamp of a build starting now."""
    from .. import __version__

    return Stamp(__version__, commit(), (today or datetime.date.today()).isoformat())


def _git(*args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(paths.ROOT), *args], capture_output=True, text=True,
                              timeout=GIT_TIMEOUT, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def commit() -> str:
    """The project's commit, short, ``-dirty`` if the working tree differs from it; ``unknown`` when the
    project is not a git working tree of its own (a copy inside another repository is not)."""
    top = _git("rev-parse", "--show-toplevel")
    if not top:
        return "unknown"
    try:
        if not paths.ROOT.samefile(top):
            return "unknown"
    except OSError:
        return "unknown"
    head = _git("rev-parse", "--short", "HEAD")
    if not head:
        return "unknown"
    status = _git("status", "--porcelain")
    return head + ("-dirty" if status else "") if status is not None else head


def content_sha256(html: str) -> str:
    """The sha256 of what a page shows (its HTML before the citation is added)."""
    return hashlib.sha256(html.encode("utf-8")).hexdigest()


def last_updated(previous: dict | None, content: str, built: str) -> str:
    """The page's last-updated date: the one recorded with ``previous`` (a state record) when the page
    showed the same content then, else ``built`` (this build's date)."""
    previous = previous or {}
    if previous.get("content_sha256") == content and previous.get("updated"):
        return previous["updated"]
    return built


def record(previous: dict | None) -> dict:
    """The content hash and last-updated date of a state record (``{}`` when it has none): carried to
    the record of a page that was not rewritten (cached, or failed with its earlier page kept)."""
    previous = previous or {}
    kept = previous.get("kept") or {}
    source = previous if previous.get("content_sha256") else kept
    return {k: source[k] for k in ("content_sha256", "updated") if source.get(k)}


def cite(html: str, stamp: Stamp | None, previous: dict | None, where: str = "on this page") -> tuple[str, dict]:
    """``html`` with the citation of ``stamp`` at its end, and what to record of it (the sha256 of the
    content shown, the last-updated date); ``html`` as it is without a stamp."""
    if stamp is None:
        return html, {}
    from ..present.citation import footer, insert

    content = content_sha256(html)
    updated = last_updated(previous, content, stamp.built)
    return (insert(html, footer(stamp.version, stamp.commit, stamp.built, updated, where)),
            {"content_sha256": content, "updated": updated})
