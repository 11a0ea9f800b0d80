"""Command line: ``python -m analysis {validate,coverage,build,list} ...`` (``--help`` on each)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..data import paths

EXIT_FAILED_NOTEBOOK = 1
EXIT_BAD_INPUT = 2


def _validate(args: argparse.Namespace) -> int:
    import pandas as pd

    from ..data import dataset as data

    dataset = data.load(args.data_dir, provenance=True)
    notice = data.seeds_notice()
    if notice:
        print(f"warning: {notice}", file=sys.stderr)
    table = data.summary(dataset)
    with pd.option_context("display.width", 200, "display.max_columns", 20, "display.max_rows", 200):
        print(
            f"dataset valid: {len(dataset.pledges)} pledges, {len(dataset.observations)} current observations, "
            f"{len(dataset.indicators)} indicators, {len(dataset.sources)} sources, "
            f"{len(dataset.corrections)} corrections in the register (each checked against today's rows)"
        )
        print("rows per source x kind x theme:")
        print(table.to_string())
    return 0


def _coverage(args: argparse.Namespace) -> int:
    import pandas as pd

    from ..data.dataset import load
    from ..data.params import check_parameters
    from ..method.coverage import HEADLINE, coverage

    dataset = load(args.data_dir)
    try:
        for place in args.geography or []:
            check_parameters(dataset, geography=place)
        table = coverage(
            dataset,
            indicators=args.indicator or HEADLINE,
            geographies=args.geography or ["Zhejiang"],
            start=args.start,
            end=args.end,
        )
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    columns = ["indicator_id", "geography", "years", "expected", "covered", "missing", "sources"]
    with pd.option_context("display.width", 250, "display.max_colwidth", 80, "display.max_rows", 500):
        print(table[columns].to_string(index=False))
    return 0


def _list(args: argparse.Namespace) -> int:
    from .plan import declared_parameters, list_notebooks

    for nb in list_notebooks():
        params = ", ".join(f"{k}={v['default']} ({v['type']})" for k, v in declared_parameters(nb).items())
        print(f"{nb.stem}: {params}")
    return 0


def _edition(name: str) -> str:
    """The edition folder an outcome's name starts with ("" for English)."""
    first = name.split("/", 1)[0]
    return first if "/" in name and first != "indicators" else ""


def _is_page(name: str) -> bool:
    return name.removeprefix(_edition(name) + "/").startswith("indicators/") if _edition(name) else \
        name.startswith("indicators/")


def _build(args: argparse.Namespace) -> int:
    from .runner import build

    outcomes = build(
        output=args.output,
        wait=args.wait,
        only=args.only,
        raw_parameters=[tuple(p) for p in args.parameter or []],
        force=args.force,
        jobs=args.jobs,
        kernel=args.kernel,
        timeout=args.timeout,
        progress=not args.quiet,
        languages=args.language,
    )
    failed = [o for o in outcomes if o.status == "failed"]
    for o in outcomes:
        if _is_page(o.name) and o.status != "failed":
            continue  # one summary line for the pages below
        line = f"{o.name}: {o.status} ({o.seconds:.1f} s)"
        print(line + (f": {o.error}" if o.error else ""), file=sys.stderr if o.status == "failed" else sys.stdout)
    reports = Path(args.output).resolve() if args.output else paths.reports_dir()
    for folder in dict.fromkeys(_edition(o.name) for o in outcomes) or [""]:
        where = reports / folder if folder else reports
        pages = [o for o in outcomes if _is_page(o.name) and _edition(o.name) == folder]
        if pages:
            counts = {s: sum(o.status == s for o in pages) for s in ("ok", "cached", "failed")}
            print(f"indicator pages: {counts['ok']} built, {counts['cached']} unchanged, {counts['failed']} failed "
                  f"({where / 'indicators'})")
            print(f"pledge explorer: {where / 'pledges.html'}")
        print(f"index: {where / 'index.html'}")
    return EXIT_FAILED_NOTEBOOK if failed else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m analysis",
        description="Zhejiang Common Prosperity tracker: validate the dataset, build the HTML reports.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    v = sub.add_parser("validate", help="validate the dataset and print rows per source x kind x theme")
    v.add_argument("--data-dir", default=None, help="data folder (default: the shipped data/)")
    v.set_defaults(func=_validate)
    c = sub.add_parser(
        "coverage",
        help="years covered and missing in each official series (default: the headline indicators)",
    )
    c.add_argument("--indicator", action="append", metavar="ID", help="indicator id (repeatable)")
    c.add_argument("--geography", action="append", metavar="PLACE", help="place (repeatable; default Zhejiang)")
    c.add_argument("--start", type=int, default=2015, help="first year expected (default: 2015)")
    c.add_argument("--end", type=int, default=None, help="last year expected (default: latest observed)")
    c.add_argument("--data-dir", default=None, help="data folder (default: the shipped data/)")
    c.set_defaults(func=_coverage)
    ls = sub.add_parser("list", help="list the notebooks and their parameters")
    ls.set_defaults(func=_list)
    b = sub.add_parser(
        "build",
        help="main job: execute the notebooks with papermill and write HTML reports and an index",
        description="Execute the notebooks (several at once), render reader HTML into reports/, write "
        "reports/index.html. Unchanged notebooks are skipped. Exit 0 if all succeeded, 1 if a notebook "
        "failed (the others still run), 2 for a bad request or invalid data (nothing written).",
    )
    b.add_argument("--only", action="append", metavar="NAME",
                   help="build only this notebook or this indicator's page (an indicator_id; repeatable)")
    b.add_argument("-p", "--parameter", nargs=2, action="append", metavar=("KEY", "VALUE"),
                   help="parameter passed to every notebook that declares it (repeatable)")
    b.add_argument("--force", action="store_true", help="rebuild even if the inputs are unchanged")
    b.add_argument("--jobs", type=int, default=None, help="notebooks run at once (default: number of cores)")
    b.add_argument("--kernel", default="python3", help="Jupyter kernel the themed reports run in (default: python3); the indicator pages run in the build's own Python")
    b.add_argument("--timeout", type=int, default=600, help="seconds one notebook may run (default: 600)")
    b.add_argument("--output", metavar="DIR", default=None,
                   help="write the reports into DIR instead of reports/ (e.g. a build with other -p values), "
                        "with a build folder of its own")
    b.add_argument("--wait", action="store_true",
                   help="if another build is running on the same build folder, wait for it instead of refusing")
    b.add_argument("--language", action="append", metavar="LANG",
                   help="build only this edition: en or zh-Hans (repeatable; default: both)")
    b.add_argument("--quiet", action="store_true", help="no progress bar")
    b.set_defaults(func=_build)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    import signal

    from ..data.errors import DataValidationError
    from .processes import interrupt_on_sigterm
    from .store import BuildError

    if args.command == "build":
        interrupt_on_sigterm()  # SIGTERM stops the build as Ctrl-C does
    try:
        return args.func(args)
    except (DataValidationError, BuildError) as exc:
        for line in getattr(exc, "listed", None) or [str(exc)]:
            print(f"error: {line}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt as exc:
        print("error: interrupted; reports already written are kept", file=sys.stderr)
        return 128 + getattr(exc, "signum", signal.SIGINT)
