"""The reports' index page: scorecard, the verdict on one target year, each report's build status
and run time, and which pledge statuses moved since the previous build.

Rendered with Jinja2 with autoescaping on (no Markdown), so text from the dataset (names, notes) and
error messages appear as inert text; a Content-Security-Policy forbids any script. Each report's row
shows the parameters it was built with, and a page built for another ``as_of_year`` than the rest
(a failed rebuild's kept report) is marked as not part of the scorecard.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
import pandas as pd
from markupsafe import Markup

from ..data import formats, i18n
from ..data.i18n import N_, _, pgettext
from ..method.progress import (
    DEFAULTS,
    STATUS_COLORS,
    STATUSES,
    achieved_observations,
    default_as_of,
    progress_table,
    status_counts,
)
from . import tables
from .words import indicator_name, place, source_title, status_labels

VERDICT_YEAR = 2025

#: The pages' Content-Security-Policy (a ``<meta http-equiv>``): no script of any kind, nothing loaded
#: from anywhere but the page itself (images and fonts are embedded as ``data:`` URLs).
CONTENT_SECURITY_POLICY = ("default-src 'none'; script-src 'none'; object-src 'none'; base-uri 'none'; "
                           "form-action 'none'; img-src data:; font-src data:; style-src 'unsafe-inline'")


def script_policy(script: str) -> str:
    """The same policy for a page that runs one inline script of its own (the pledge explorer): that
    script only, named by its sha256 (no ``'unsafe-inline'``, nothing else may run)."""
    import base64
    import hashlib

    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return CONTENT_SECURITY_POLICY.replace("script-src 'none'", f"script-src 'sha256-{digest}'")

_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=True,
)
_ENV.add_extension("jinja2.ext.i18n")
_ENV.install_gettext_callables(i18n._, i18n.ngettext, newstyle=True, pgettext=i18n.pgettext)

#: How each report was built (the index's "Build" column), in words.
BUILD_WORDS = {"ok": N_("ok"), "failed": N_("failed"), "cached": N_("cached"), "not built": N_("not built")}


def build_word(status) -> str:
    """A report's build status in words (an unknown one as it is)."""
    status = str(status)
    return _(BUILD_WORDS[status]) if status in BUILD_WORDS else status


def count(n) -> str:
    """A count in a sentence: ``1,234`` (Chinese: ``1234``; ``12.3万`` from 100,000)."""
    return formats.number(n, "count") if i18n.is_chinese() else f"{n:,}"


def status_changes(table: pd.DataFrame, previous: dict[str, str]) -> list[dict]:
    """Pledges whose status differs from ``previous`` (pledge_id -> status)."""
    changes = []
    now = dict(zip(table["pledge_id"], table["status"].astype(str)))
    info = table.set_index("pledge_id")
    for pid in sorted(set(now) | set(previous)):
        was, cur = previous.get(pid), now.get(pid)
        if was != cur:
            row = info.loc[pid] if pid in info.index else None
            changes.append({
                "pledge_id": pid,
                "name": row["name"] if row is not None else "",
                "geography": row["geography"] if row is not None else "",
                "target_year": int(row["target_year"]) if row is not None else "",
                "was": was,
                "now": cur,
            })
    return changes


def _shown_changes(dataset, table: pd.DataFrame, previous: dict[str, str]) -> list[dict]:
    """:func:`status_changes` as the index shows them: in Chinese, each indicator by its Chinese name."""
    changes = status_changes(table, previous)
    if i18n.is_chinese():
        indicators = dict(zip(table["pledge_id"], table["indicator_id"]))
        for change in changes:
            if change["pledge_id"] in indicators:
                change["name"] = indicator_name(dataset, indicators[change["pledge_id"]], change["name"])
    return changes


def as_of_year(dataset, as_of: int | None = None) -> int:
    """The year the index assesses the pledges as of: ``as_of``, else the dataset's default."""
    return int(as_of) if as_of is not None else default_as_of(dataset)


def render(dataset, entries: list[dict], previous: dict[str, str], as_of: int | None = None,
           verdict_year: int = VERDICT_YEAR, indicator_pages: list[dict] | None = None,
           failed_pages: dict[str, str] | None = None, downloads: tuple[str, ...] = (),
           table=None) -> tuple[str, dict[str, str]]:
    """Return (HTML of the index page, pledge_id -> status for the next comparison).

    ``indicator_pages`` (id, name, name_zh, theme, file per page that exists, and the error of a page
    whose last build failed) adds the link to the pledge explorer and a list of the indicator pages;
    ``failed_pages`` (indicator id -> error) lists the pages whose last build failed; ``downloads``
    (the data package zip and the verdicts CSV, paths in the folder) adds a "Download the data" section.
    ``table`` is ``progress_table(dataset, as_of=...)`` for this ``as_of`` when the caller has it already.
    """
    as_of = as_of_year(dataset, as_of)
    table = progress_table(dataset, as_of=as_of) if table is None else table
    counts = status_counts(table, "theme")
    counts.index = [(_("All themes") if t == "total" else _(tables.theme_label(t))) for t in counts.index]
    score_statuses = [s for s in counts.columns if s != "total"]
    scorecard = [(theme, row.to_dict()) for theme, row in counts.iterrows()]
    due = table[table["target_year"] == verdict_year]["status"].astype(str).value_counts()
    verdict = [(s, int(due[s])) for s in STATUSES if s in due.index]
    seeded = dataset.sources["document"].notna()
    labels = status_labels()
    page = _ENV.get_template("index.html.j2").render(
        lang=i18n.current(),
        chinese=i18n.is_chinese(),
        csp=CONTENT_SECURITY_POLICY,
        n_pledges=len(table),
        n_observations=len(achieved_observations(dataset, as_of)),
        n_sources=len(dataset.sources),
        n_corrections=len(dataset.corrections) if dataset.corrections is not None else 0,
        n_seed_sources=int(seeded.sum()),
        as_of=as_of,
        verdict_year=verdict_year,
        verdict=verdict,
        entries=entries,
        scorecard=scorecard,
        score_statuses=score_statuses,
        status_colors=STATUS_COLORS,
        status_labels=labels,
        first_build=not previous,
        changes=_shown_changes(dataset, table, previous) if previous else [],
        place=place,
        source_names=pgettext("list", "; ").join(source_title(s) or "" for _id, s in dataset.sources[seeded].iterrows()),
        definitions=tables.status_definitions(),
        bound_tolerance=f"{DEFAULTS['rules'].bound_tolerance:.0%}",
        table_css=Markup(tables.CSS),
        font_stack=Markup(tables.FONT_STACK),
        indicator_pages=indicator_pages or [],
        failed_pages=failed_pages or {},
        overview=next((e for e in entries if e.get("name") == "00-overview" and e.get("has_report")), None),
        theme_label=lambda theme: _(tables.THEME_LABELS.get(theme, theme)),
        build_word=build_word,
        year=formats.year,
        count=count,
        downloads={Path(name).name: name for name in downloads},
    )
    return page, dict(zip(table["pledge_id"], table["status"].astype(str)))
