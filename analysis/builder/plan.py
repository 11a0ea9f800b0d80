"""Step 1 of a build: what to build, checked before anything is written.

The themed notebooks (``NN-theme.ipynb``) and one page per indicator (``indicator.ipynb``
executed for every indicator with a pledge or an observation). A report or page whose inputs hash
to the value of its last successful run is not executed again; ``force`` rebuilds.

**Cache rule of a themed report**: the notebook, the data files (but the corrections register,
which no themed report shows), the library's code, its parameters and the kernel name.

**Cache rule of an indicator page**: the hash of the template notebook, the library's code
(``analysis/**/*.py`` and ``*.j2``), ``datapackage.json``, that indicator's own rows (its row in
``indicators.csv``, its pledges and its observations, every vintage), the rows of the sources those
cite, the corrections of all of these (``corrections.csv``), the page's parameters and the kernel
name; so changing one indicator's data rows, or correcting one, re-executes only that indicator's page. A page is up to date only with its downloads
(``indicators/<id>/``, :mod:`analysis.builder.downloads`): every file its last run recorded is there.

Everything a request can get wrong (names, parameters, the kernel, the folders, a mix of
``as_of_year`` in one folder) is refused here with a :class:`~analysis.builder.store.BuildError`.
"""

from __future__ import annotations

import ast
import csv
import hashlib
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..data import i18n, paths
from . import downloads, folders
from .store import BuildError, atomic_write, check_writable

KERNEL = "python3"
DEFAULT_TIMEOUT = 600


#: The longest time limit a notebook may be given (a day): beyond it a typo, not a wish.
MAX_TIMEOUT = 24 * 3600


TEMPLATE = "indicator.ipynb"
SUBDIR = "indicators"


@dataclass
class Outcome:
    name: str
    title: str = ""
    status: str = "ok"  # ok | failed | cached
    seconds: float = 0.0
    error: str = ""
    input_hash: str = ""
    parameters: dict = field(default_factory=dict)
    report_sha256: str = ""
    content_sha256: str = ""  # what the report shows (analysis.builder.stamp), and since when
    updated: str = ""


@dataclass
class Plan:
    """Pages to build (id -> key), pages already up to date, pages to remove."""

    todo: dict[str, str]
    cached: dict[str, str]
    remove: list[str]
    parameters: dict


# --- what to build ----------------------------------------------------------------------------


def list_notebooks() -> list[Path]:
    """The notebooks, in order (``NN-theme.ipynb``)."""
    return sorted(p for p in paths.notebooks_dir().glob("[0-9][0-9]-*.ipynb"))


def select(only: list[str] | None) -> list[Path]:
    """Notebooks named by ``only`` (``01-income-gap``, ``01-income-gap.ipynb`` or ``01``)."""
    notebooks = list_notebooks()
    if not only:
        return notebooks
    chosen = []
    for name in only:
        stem = Path(name).stem
        match = [p for p in notebooks if p.stem == stem or p.stem.split("-", 1)[0] == stem]
        if not match:
            names = ", ".join(p.stem for p in notebooks)
            raise BuildError(f"unknown notebook '{name}' (available: {names})")
        chosen += [p for p in match if p not in chosen]
    return chosen


def template() -> Path | None:
    """The template notebook, or None when the notebooks folder has none (no pages then)."""
    path = paths.notebooks_dir() / TEMPLATE
    return path if path.is_file() else None


def split_only(only: list[str] | None) -> tuple[list[str] | None, list[str] | None]:
    """Split ``--only`` names into notebook names and indicator ids (an indicator id is any name
    that is an indicator in ``indicators.csv`` and not a notebook). Returns (notebooks, indicators);
    None for a kind means nothing of that kind was named."""
    if not only:
        return None, None
    ids = indicator_ids()  # unreadable: every name is taken as a notebook's (and the data check says why)

    stems = {p.stem for p in list_notebooks()} | {p.stem.split("-", 1)[0] for p in list_notebooks()}
    notebooks = [n for n in only if Path(n).stem in stems or n not in ids]
    indicators = [n for n in only if n in ids and Path(n).stem not in stems]
    return notebooks or None, indicators or None


def select_all(only: list[str] | None) -> tuple[list[Path], list[str] | None]:
    """Notebooks and indicator ids named by ``only`` (all notebooks and every page when empty).

    The page list is None for every indicator, [] for none.
    """
    only_notebooks, only_pages = split_only(only)
    if only_pages and not only_notebooks:
        return [], only_pages
    notebooks = select(only_notebooks)
    if not notebooks:
        raise BuildError(f"no notebooks found in {paths.notebooks_dir()}")
    return notebooks, (only_pages or []) if only else None


def templates_due(page_only: list[str] | None) -> list[Path]:
    """The template, as a one-item list, when pages are to be built."""
    tpl = template()
    return [tpl] if tpl is not None and page_only != [] else []


def indicator_ids() -> set[str]:
    """Every indicator id in ``indicators.csv`` (read with the csv module, no validation)."""
    try:
        _, rows = _read("indicators.csv")
    except (OSError, ValueError, csv.Error):
        return set()
    return {r.get("indicator_id") for r in rows}


# --- parameters -------------------------------------------------------------------------------


def declared_parameters(notebook: Path) -> dict[str, dict]:
    """Parameters declared in the notebook's ``parameters`` cell: name -> {type, default, help}.

    Read with papermill, and remembered per notebook content in the build folder (papermill's import
    alone takes a second, and a build with nothing to do should not).
    """
    digest = hashlib.sha256(notebook.read_bytes()).hexdigest()
    cache_file = paths.build_dir() / "parameters.json"
    try:
        cache = json.loads(cache_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        cache = {}
    if not isinstance(cache, dict) or not all(isinstance(v, dict) for v in cache.values()):
        cache = {}  # not of the expected shape: read again
    if digest in cache:
        return cache[digest]
    import papermill

    found = papermill.inspect_notebook(str(notebook))
    declared = {k: {"type": _type_of(v), "default": v["default"], "help": v.get("help", "")} for k, v in found.items()}
    cache[digest] = declared
    try:
        atomic_write(cache_file, json.dumps(cache, indent=1, sort_keys=True))
    except OSError:
        pass  # an unwritable build folder is reported by the build itself
    return declared


def _type_of(spec: dict) -> str:
    """The declared type (an annotation), else the type of the default's literal."""
    declared = spec.get("inferred_type_name")
    if declared and declared != "None":
        return declared
    try:
        return type(ast.literal_eval(spec["default"])).__name__
    except (ValueError, SyntaxError):
        return "str"


def _coerce(name: str, raw: str, type_name: str):
    type_name = (type_name or "").lower()
    try:
        if type_name == "int":
            return int(raw)
        if type_name == "float":
            return float(raw)
        if type_name == "bool":
            lowered = raw.lower()
            if lowered not in ("true", "false", "1", "0", "yes", "no"):
                raise ValueError
            return lowered in ("true", "1", "yes")
        if type_name.startswith(("list", "dict", "tuple")):
            value = json.loads(raw)
            if type(value).__name__ != type_name.split("[")[0] and not (type_name == "tuple" and isinstance(value, list)):
                raise ValueError
            return value
        if type_name == "nonetype":
            return raw
    except (ValueError, json.JSONDecodeError):
        raise BuildError(f"parameter '{name}': expected {type_name}, got '{raw}'") from None
    return raw


def resolve_parameters(notebooks: list[Path], raw: list[tuple[str, str]]) -> dict[Path, dict]:
    """Per notebook, the parameters to inject (only those it declares), typed as it declares them."""
    declared = {nb: declared_parameters(nb) for nb in notebooks}
    known = set().union(*[set(d) for d in declared.values()]) if declared else set()
    for key, _ in raw:
        if key not in known:
            raise BuildError(f"unknown parameter '{key}' (the selected notebooks declare: {', '.join(sorted(known))})")
    out = {}
    for nb, params in declared.items():
        out[nb] = {k: _coerce(k, v, params[k]["type"]) for k, v in raw if k in params}
    return out


# --- the editions: English, and Chinese where a notebook can write it -------------------------


#: The parameter through which a notebook is told its edition's language.
LANGUAGE_PARAMETER = "language"


@dataclass
class Edition:
    """One language's share of a build: its notebooks, pages and parameters, and its folder inside the
    reports and build folders ("" for English: the folders themselves)."""

    language: str
    folder: str
    notebooks: list[Path]
    page_only: list[str] | None
    parameters: dict
    page_parameters: dict


def check_languages(languages) -> list[str]:
    """The editions asked for (``--language``), in the order of :data:`i18n.LANGUAGES`; all when None."""
    if languages is None:
        return list(i18n.LANGUAGES)
    unknown = [lang for lang in languages if lang not in i18n.LANGUAGES]
    if unknown or not languages:
        raise BuildError(f"language {unknown[0] if unknown else ''!r}: expected one of {', '.join(i18n.LANGUAGES)}")
    return [lang for lang in i18n.LANGUAGES if lang in languages]


def languages_of(notebook: Path) -> tuple[str, ...]:
    """The editions a notebook is built in: every language when it declares ``language``, else English."""
    return tuple(i18n.LANGUAGES) if LANGUAGE_PARAMETER in declared_parameters(notebook) else (i18n.DEFAULT,)


def site_languages() -> tuple[str, ...]:
    """The editions of the site's own pages (index, explorer, corrections): those of any notebook."""
    found = {lang for nb in [*list_notebooks(), *([template()] if template() else [])] for lang in languages_of(nb)}
    return tuple(lang for lang in i18n.LANGUAGES if lang in found) or (i18n.DEFAULT,)


def editions(languages, notebooks, page_only, parameters, page_parameters) -> list[Edition]:
    """What each asked-for edition builds. English builds everything as asked; another language builds
    the notebooks and pages that declare ``language``, with it set (an edition with none is skipped)."""
    if any(LANGUAGE_PARAMETER in p for p in [*parameters.values(), page_parameters]):
        raise BuildError(f"parameter {LANGUAGE_PARAMETER!r}: the edition is chosen with --language "
                         f"({', '.join(i18n.LANGUAGES)}), not with -p")
    out = []
    for lang in languages:
        if lang == i18n.DEFAULT:
            out.append(Edition(lang, "", notebooks, page_only, parameters, page_parameters))
            continue
        told = {LANGUAGE_PARAMETER: lang}
        nbs = [nb for nb in notebooks if lang in languages_of(nb)]
        tpl = template()
        pages = page_only if tpl is not None and lang in languages_of(tpl) else []
        if not nbs and not (pages is None or pages):
            continue
        folder = editions_folder(lang)
        out.append(Edition(lang, folder, nbs, pages, {nb: {**parameters[nb], **told} for nb in nbs},
                           {**page_parameters, **told}))
    return out


def editions_folder(lang: str) -> str:
    from ..present.editions import folder

    return folder(lang)


# --- checked before anything is written -------------------------------------------------------


def check_request(timeout, jobs, only, output) -> None:
    """The options alone: a time limit in range, at least one job, names (not paths) for ``--only``,
    and an output folder the build may write into (:func:`analysis.builder.folders.output_problem`)."""
    if timeout <= 0:
        raise BuildError(f"timeout must be a positive number of seconds, got {timeout}")
    if timeout > MAX_TIMEOUT:
        raise BuildError(f"timeout must be at most {MAX_TIMEOUT} seconds (a day), got {timeout}")
    if jobs is not None and jobs < 1:
        raise BuildError(f"jobs must be at least 1, got {jobs}")
    for name in only or []:
        if "/" in name or os.sep in name or name in (".", ".."):
            raise BuildError(f"--only takes a notebook name or an indicator id, not a path: '{name}'")
    if output is not None:
        problem = folders.output_problem(Path(output))
        if problem:
            raise BuildError(problem)


def check_page_parameters(page_parameters: dict) -> None:
    """``-p indicator_id``: each page sets its own, so the value would be ignored; an unknown
    indicator is named as such, a known one is pointed to ``--only``."""
    if "indicator_id" not in page_parameters:
        return
    value = page_parameters["indicator_id"]
    if value not in indicator_ids():
        raise BuildError(f"parameter indicator_id={value!r}: unknown indicator (not in indicators.csv)")
    raise BuildError(f"parameter indicator_id={value!r}: every page sets its own indicator_id; "
                     f"build this indicator's page with --only {value}")


def _check_kernel(kernel: str) -> None:
    from jupyter_client.kernelspec import KernelSpecManager

    specs = KernelSpecManager().find_kernel_specs()
    if kernel not in specs:
        raise BuildError(f"kernel '{kernel}' not found (installed kernels: {', '.join(sorted(specs)) or 'none'})")


def validate(parameters, page_only, page_parameters, page_plan, kernel, state, reports, build_dir, force):
    """Everything checked before anything is written: the dataset (validated), every notebook's and
    the pages' parameters, the kernel and the output folders. Returns the dataset and the page plan."""
    from ..data import dataset as data
    from ..data.params import check_parameters

    dataset = data.load(provenance=True)
    notice = data.seeds_notice()
    if notice:
        print(f"warning: {notice}", file=sys.stderr)
    page_template = [(template(), page_parameters)] if templates_due(page_only) else []
    for nb, params in [*parameters.items(), *page_template]:
        try:
            check_parameters(dataset, nb, **params)
        except ValueError as exc:
            raise BuildError(str(exc)) from None
    if page_plan is False:
        page_plan = pages_to_build(page_only, page_parameters, kernel, state, reports, force)
    _check_kernel(kernel)
    check_writable(reports)
    check_writable(build_dir)
    if (reports / SUBDIR).exists() and not (reports / SUBDIR).is_dir():
        raise BuildError(f"{reports / SUBDIR} is not a folder: the indicator pages cannot be written there; "
                         "move it away")
    return dataset, page_plan


# --- one as_of_year per folder ----------------------------------------------------------------


def effective_as_of(notebook: Path, params: dict):
    """The ``as_of_year`` a page is built with: injected, else the notebook's default (None if undeclared)."""
    if "as_of_year" in params:
        return params["as_of_year"]
    declared = declared_parameters(notebook).get("as_of_year")
    if declared is None:
        return None
    try:
        return ast.literal_eval(declared["default"])
    except (ValueError, SyntaxError):
        return declared["default"]


def shown_parameters(record: dict) -> dict:
    """The parameters of the report that stands in the folder for a state record."""
    return record["kept"]["parameters"] if "kept" in record else record.get("parameters", {})


def check_one_as_of(notebooks: list[Path], parameters: dict, state: dict, reports: Path,
                     page_only: list[str] | None = None, page_parameters: dict | None = None) -> None:
    """Refuse a build after which the folder's pages (themed reports and indicator pages) would not
    share one ``as_of_year``."""
    chosen = {nb.stem for nb in notebooks}
    years = {}
    for nb in list_notebooks():
        if nb.stem in chosen:
            params = parameters[nb]
        elif (reports / f"{nb.stem}.html").is_file() and nb.stem in state["notebooks"]:
            params = shown_parameters(state["notebooks"][nb.stem])
        else:
            continue
        year = effective_as_of(nb, params)
        if year is not None:
            years[nb.stem] = year
    years.update(_page_years(state, reports, page_only, page_parameters or {}))
    if len(set(years.values())) > 1:
        raise BuildError(f"the reports in {reports} would mix as_of_year ({_years_listed(years)}); build them all "
                         "with the same -p as_of_year, or write this build elsewhere with --output DIR")


def _page_years(state: dict, reports: Path, page_only: list[str] | None, page_parameters: dict) -> dict:
    """The ``as_of_year`` of every indicator page after this build: those it builds (``page_only``,
    None for all, [] for none) and those it leaves in the folder (their recorded parameters)."""
    tpl = template()
    if tpl is None:
        return {}
    years = {}
    if page_only != []:
        built = f"{SUBDIR}/{page_only[0]}" if page_only else "the indicator pages"
        years[built] = effective_as_of(tpl, page_parameters)
        for other in (page_only or [])[1:]:
            years[f"{SUBDIR}/{other}"] = years[built]
    if page_only is None:
        return years
    default = effective_as_of(tpl, {})
    for ind, record in sorted(state.get("pages", {}).items()):
        if ind in page_only or not (reports / SUBDIR / f"{ind}.html").is_file():
            continue
        recorded = record.get("parameters") if isinstance(record, dict) else None
        years[f"{SUBDIR}/{ind}"] = (recorded or {}).get("as_of_year", default)
    return years


def _years_listed(years: dict) -> str:
    """``name as of year`` for each page, the indicator pages of one year beyond the first counted."""
    shown, pages_seen = [], {}
    for name, year in years.items():
        if name.startswith(f"{SUBDIR}/"):
            pages_seen[year] = pages_seen.get(year, 0) + 1
            if pages_seen[year] > 1:
                continue
        shown.append(f"{name} as of {year}")
    more = [f"{n - 1} other indicator page{'s' if n > 2 else ''} as of {y}" for y, n in pages_seen.items() if n > 1]
    return ", ".join(shown + more)


def page_as_of(parameters: dict) -> int:
    """The as-of year the pages use: the one passed, else the template's default."""
    if "as_of_year" in parameters:
        return int(parameters["as_of_year"])

    return int(declared_parameters(template())["as_of_year"]["default"])


# --- what is up to date: the themed reports ---------------------------------------------------


#: The corrections register's file: not an input of the themed reports (none shows it), an input of
#: the corrections page and of the indicator pages whose rows it corrects.
REGISTER_FILE = "corrections.csv"


def inputs_digest() -> str:
    """Hash of everything every notebook depends on: data files (not the corrections register) and the
    library's code."""
    h = hashlib.sha256()
    for folder, pattern in ((paths.data_dir(), "*"), (paths.PACKAGE_DIR, "**/*.py"), (paths.PACKAGE_DIR, "**/*.j2")):
        for path in sorted(folder.glob(pattern)):
            if path.is_file() and not (folder == paths.data_dir() and path.name == REGISTER_FILE):
                h.update(str(path.relative_to(folder)).encode())
                h.update(path.read_bytes())
    return h.hexdigest()


def site_digest(common: str) -> str:
    """Hash of every input of the build: :func:`inputs_digest` and the corrections register (a build
    whose inputs all hash as the last validated ones has nothing to do)."""
    h = hashlib.sha256(common.encode())
    register = paths.data_dir() / REGISTER_FILE
    if register.is_file():
        h.update(register.read_bytes())
    return h.hexdigest()


def input_hash(notebook: Path, parameters: dict, kernel: str, common: str) -> str:
    h = hashlib.sha256()
    h.update(notebook.read_bytes())
    h.update(json.dumps(parameters, sort_keys=True, default=str).encode())
    h.update(kernel.encode())
    h.update(common.encode())
    return h.hexdigest()


def all_cached(notebooks, parameters, kernel, common, state, reports) -> list[Outcome] | None:
    """Outcomes if every notebook's inputs match its last successful run and the index exists, else None."""
    if not (reports / "index.html").is_file():
        return None
    outcomes = [cached_outcome(nb, parameters[nb], kernel, common, state, reports) for nb in notebooks]
    return None if any(o is None for o in outcomes) else outcomes


def cached_outcome(nb: Path, params: dict, kernel: str, common: str, state: dict, reports: Path) -> Outcome | None:
    """A ``cached`` outcome if the notebook's inputs match its last successful run and the report in
    the folder is the very one that run wrote (same sha256)."""
    before = state["notebooks"].get(nb.stem, {})
    digest = input_hash(nb, params, kernel, common)
    if before.get("input_hash") != digest or before.get("status") not in ("ok", "cached"):
        return None
    report = reports / f"{nb.stem}.html"
    try:
        if not before.get("report_sha256") or hashlib.sha256(report.read_bytes()).hexdigest() != before["report_sha256"]:
            return None
    except OSError:
        return None
    from .stamp import record

    return Outcome(nb.stem, before.get("title", ""), "cached", before.get("seconds", 0.0), "", digest, params,
                   before["report_sha256"], **record(before))


# --- what is up to date: the indicator pages --------------------------------------------------


def _read(name: str) -> tuple[list[str], list[dict]]:
    with (paths.data_dir() / name).open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def _row_bytes(header: list[str], row: dict) -> bytes:
    return json.dumps([row.get(k) for k in header], ensure_ascii=False).encode()


def indicator_rows() -> dict[str, dict]:
    """Per indicator with a pledge or an observation: its raw rows and the rows of the sources cited.

    Read with the csv module (no validation, no pandas), so a build with nothing to do stays fast;
    the build validates the dataset before anything is executed.
    """
    tables = {name: _read(f"{name}.csv") for name in ("sources", "indicators", "pledges", "observations")}
    sources = {r["source_id"]: _row_bytes(tables["sources"][0], r) for r in tables["sources"][1]}
    out: dict[str, dict] = {}
    for kind in ("pledges", "observations"):
        header, rows = tables[kind]
        for r in rows:
            entry = out.setdefault(r["indicator_id"], {"rows": [], "sources": set()})
            entry["rows"].append(kind.encode() + _row_bytes(header, r))
            entry["sources"].add(r["source_id"])
    header, rows = tables["indicators"]
    info = {r["indicator_id"]: _row_bytes(header, r) for r in rows}
    summed = {r["indicator_id"]: r.get("sum_of") for r in rows if r.get("sum_of")}
    own = {ind: (list(entry["rows"]), set(entry["sources"])) for ind, entry in out.items()}
    for ind, yearly in summed.items():  # a total over a period is judged on its yearly indicator's rows too
        if ind in out and yearly in own:
            out[ind]["rows"] += [b"summed" + row for row in own[yearly][0]]
            out[ind]["sources"] |= own[yearly][1]
    _add_corrections(out, tables["pledges"][1])
    for ind, entry in out.items():
        entry["indicator"] = info.get(ind, b"")
        entry["source_rows"] = [sources.get(s, s.encode()) for s in sorted(entry["sources"])]
    return out


def _add_corrections(out: dict[str, dict], pledges: list[dict]) -> None:
    """Add to each indicator's rows the corrections register's rows about its row, its pledges, its
    figures and the sources those cite (as :func:`analysis.data.corrections.of_indicator` picks them)."""
    path = paths.data_dir() / REGISTER_FILE
    if not path.is_file():
        return
    header, rows = _read(REGISTER_FILE)
    pledged = {r["pledge_id"]: r["indicator_id"] for r in pledges}
    citing: dict[str, list[str]] = {}
    for ind, entry in out.items():
        for source in entry["sources"]:
            citing.setdefault(source, []).append(ind)
    for r in rows:
        table, key = r.get("table"), r.get("row_key") or ""
        if table == "observations":
            owners = [key.split("|")[0]]
        elif table == "indicators":
            owners = [key]
        elif table == "pledges":
            owners = [pledged.get(key, "")]
        else:
            owners = citing.get(key, [])
        for ind in owners:
            if ind in out:
                out[ind]["rows"].append(b"correction" + _row_bytes(header, r))


def code_digest() -> str:
    """Hash of the library's code and the data package descriptor (what every page depends on)."""
    h = hashlib.sha256()
    for pattern in ("**/*.py", "**/*.j2"):
        for path in sorted(paths.PACKAGE_DIR.glob(pattern)):
            h.update(str(path.relative_to(paths.PACKAGE_DIR)).encode())
            h.update(path.read_bytes())
    descriptor = paths.data_dir() / "datapackage.json"
    if descriptor.is_file():
        h.update(descriptor.read_bytes())
    return h.hexdigest()


def page_key(template_bytes: bytes, code: str, rows: dict, parameters: dict, kernel: str) -> str:
    """The cache key of one page (see the module docstring for the rule)."""
    h = hashlib.sha256()
    for part in (template_bytes, code.encode(), rows["indicator"], *sorted(rows["rows"]), *rows["source_rows"],
                 json.dumps(parameters, sort_keys=True, default=str).encode(), kernel.encode()):
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()


def plan_pages(only: list[str] | None, parameters: dict, kernel: str, state: dict, reports: Path,
         force: bool = False) -> Plan | None:
    """Decide which indicator pages to execute. None when there is no template."""
    tpl = template()
    if tpl is None:
        return None
    rows = indicator_rows()
    wanted = sorted(rows) if only is None else [i for i in only if i in rows]
    template_bytes, code = tpl.read_bytes(), code_digest()
    before = state.get("pages", {})
    todo, cached = {}, {}
    folder = reports / SUBDIR
    for ind in wanted:
        params = dict(parameters, indicator_id=ind)
        key = page_key(template_bytes, code, rows[ind], params, kernel)
        prev = before.get(ind, {})
        if (not force and prev.get("input_hash") == key and prev.get("status") in ("ok", "cached")
                and (folder / f"{ind}.html").is_file()
                and downloads.complete(folder / downloads.folder_name(ind), prev.get("files"))):
            cached[ind] = key
        else:
            todo[ind] = key
    remove = sorted(written_pages(reports, state) - set(rows))
    return Plan(todo, cached, remove, parameters)


def pages_to_build(page_only, parameters, kernel, state, reports, force):
    if page_only == [] or template() is None:
        return None
    return plan_pages(page_only, parameters, kernel, state, reports, force)


def cached_page_outcomes(page_plan, state) -> list[Outcome]:
    """Outcomes of the pages as the build reports them (name ``indicators/<id>``)."""
    if page_plan is None:
        return []
    known = state.get("pages", {})
    return [Outcome(f"{SUBDIR}/{i}", known.get(i, {}).get("title", ""), "cached",
                    known.get(i, {}).get("seconds", 0.0), "", k, dict(page_plan.parameters, indicator_id=i))
            for i, k in page_plan.cached.items()]


def written_pages(reports: Path, state: dict) -> set[str]:
    """Indicator ids whose page in ``reports`` a build wrote: listed in the folder's manifest, or
    recorded in the build's state (a folder built before manifests)."""
    from .folders import written

    prefix = f"{SUBDIR}/"
    listed = {Path(name).stem for name in written(reports) if name.startswith(prefix) and name.endswith(".html")}
    return listed | set(state.get("pages", {}))
