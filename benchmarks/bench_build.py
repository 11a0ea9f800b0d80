"""Benchmark: the main job (the themed reports and every indicator page) against the naive way, and the
rebuild after one indicator's data rows change.

Measured in one run, on the shipped data, into temporary folders:

* naive: for a fixed sample of 20 indicator pages (every 27th id in sorted order), the ``papermill``
  command line on ``notebooks/indicator.ipynb`` with ``-p indicator_id ...``, then ``jupyter
  nbconvert --to html --no-input``, one after the other; cost per page = total / 20;
* full build: ``python -m analysis build --force`` (the themed reports and every indicator page, in both
  editions, English and Chinese); cost per page = total / (2 x (reports + pages)); and the English
  edition alone (``--language en``) for comparison;
* one-indicator rebuild: change a note on one observation of ``per_capita_disposable_income`` in a copy
  of the data, then ``python -m analysis build --only per_capita_disposable_income`` (its page in both
  editions; three times, each
  after a new change; the fastest is kept and all are printed): by the cache rule
  (a page's key = template + library code + that indicator's rows and cited sources + parameters +
  kernel) only that page is executed; the explorer, the index and the corrections page are rewritten;
* for information, the same change followed by a plain ``python -m analysis build``: the themed
  reports depend on every row, so they run again, and of the pages only the changed one;
* no-change rerun: ``python -m analysis build`` again.

Goals: full build under 180 s on 2 cores; per page under 0.1x the naive way; one-indicator rebuild
under 10 s; no-change rerun under 2 s.

    python benchmarks/bench_build.py
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from analysis.builder import plan
from analysis.data import paths

SAMPLE_STEP = 27
#: The one-indicator rebuild is timed this many times and the fastest run kept (the usual practice for
#: a short timing on a shared machine, where other work can only add time); every run is printed.
REPEAT = 3
CHANGED = "per_capita_disposable_income"


def timed(cmd: list[str], env: dict | None = None, check: bool = True) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=check, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def sample() -> list[str]:
    """The fixed sample of 20 indicator ids the naive way is timed on."""
    return sorted(plan.indicator_rows())[::SAMPLE_STEP][:20]


def change_one_indicator(data: Path) -> None:
    path = data / "observations.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header, rows = list(reader.fieldnames or []), list(reader)
    changed = [r for r in rows if r["indicator_id"] == CHANGED]
    assert changed, f"no observation of {CHANGED}"
    changed[0]["note"] = (changed[0]["note"] + " (re-checked)").strip()
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    bindir = Path(sys.executable).parent
    load_before = os.getloadavg()[0]  # other work on the machine only adds time: say how busy it was
    template = paths.notebooks_dir() / plan.TEMPLATE
    ids = sample()
    n_pages = len(plan.indicator_rows())
    n_reports = len(list(paths.notebooks_dir().glob("[0-9][0-9]-*.ipynb")))
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        naive = 0.0
        (tmp / "naive").mkdir()
        for ind in ids:
            executed = tmp / "naive" / f"{ind}.ipynb"
            naive += timed([str(bindir / "papermill"), str(template), str(executed), "-k", "python3",
                            "--no-progress-bar", "--cwd", str(template.parent), "-p", "indicator_id", ind])
            naive += timed([str(bindir / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)])
        naive_page = naive / len(ids)

        data = tmp / "data"
        shutil.copytree(paths.data_dir(), data)
        env = dict(os.environ, ZJCP_REPORTS_DIR=str(tmp / "reports"), ZJCP_BUILD_DIR=str(tmp / "build"),
                   ZJCP_DATA_DIR=str(data))
        build = [sys.executable, "-m", "analysis", "build", "--quiet"]
        english = timed(build + ["--force", "--language", "en"], env)  # the English edition alone
        full = timed(build + ["--force"], env)  # both editions
        rerun = min(timed(build, env) for _ in range(3))
        ones = []
        for _ in range(REPEAT):  # each time a new change, so each rebuild has the page to execute
            change_one_indicator(data)
            ones.append(timed(build + ["--only", CHANGED], env))
        one = min(ones)
        change_one_indicator(data)
        after_change = timed(build, env)
    per_page = full / (2 * (n_pages + n_reports))  # every report and page in two languages
    ratio = per_page / naive_page
    print(f"{n_reports} reports + {n_pages} indicator pages in each of 2 editions, {os.cpu_count()} cores, "
          f"load average before: {load_before:.2f}, after: {os.getloadavg()[0]:.2f}")
    print(f"naive (papermill CLI + nbconvert CLI, one by one, {len(ids)} sample pages): "
          f"{naive:6.1f} s = {naive_page:5.2f} s a page (all {n_pages} pages: ~{naive_page * n_pages / 60:.0f} min)")
    print(f"full build, English edition only (--force --language en): {english:6.1f} s")
    print(f"full build, both editions (python -m analysis build --force): {full:6.1f} s  "
          f"(goal < 180 s: {'met' if full < 180 else 'missed'})")
    print(f"per page in the full build: {per_page:5.3f} s = {ratio:.3f}x naive "
          f"(goal < 0.1x: {'met' if ratio < 0.1 else 'missed'})")
    print(f"one-indicator rebuild, both editions (build --only {CHANGED} after changing its rows): {one:5.1f} s  "
          f"(fastest of {', '.join(f'{t:.1f}' for t in ones)} s; goal < 10 s: {'met' if one < 10 else 'missed'})")
    print(f"plain build after changing one indicator's rows ({n_reports} reports + 1 page):  {after_change:5.1f} s")
    print(f"no-change rerun (python -m analysis build):         {rerun:6.2f} s  "
          f"(goal < 2 s: {'met' if rerun < 2 else 'missed'})")


if __name__ == "__main__":
    main()
