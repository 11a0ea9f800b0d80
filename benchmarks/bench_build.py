"""Benchmark: the full report build against the naive way, and a rebuild with nothing changed.

Measured in one run, on the shipped data, into temporary folders:

* naive: for each notebook, the ``papermill`` command line, then ``jupyter nbconvert --to html``, one
  after the other;
* full build: ``python -m analysis build --force`` (parallel workers, rendering in process);
* no-change rerun: ``python -m analysis build`` again.

Goals: full build at most 0.35x the naive way; no-change rerun under 2 seconds.

    python benchmarks/bench_build.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from analysis import paths


def timed(cmd: list[str], env: dict | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    bindir = Path(sys.executable).parent
    notebooks = sorted(paths.notebooks_dir().glob("[0-9][0-9]-*.ipynb"))
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        naive = 0.0
        for nb in notebooks:
            executed = tmp / "naive" / nb.name
            executed.parent.mkdir(exist_ok=True)
            naive += timed([str(bindir / "papermill"), str(nb), str(executed), "-k", "python3", "--no-progress-bar",
                            "--cwd", str(nb.parent)])
            naive += timed([str(bindir / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)])
        env = dict(os.environ, ZJCP_REPORTS_DIR=str(tmp / "reports"), ZJCP_BUILD_DIR=str(tmp / "build"))
        build = [sys.executable, "-m", "analysis", "build", "--quiet"]
        full = timed(build + ["--force"], env)
        rerun = min(timed(build, env) for _ in range(3))
    print(f"{len(notebooks)} notebooks, {os.cpu_count()} cores")
    print(f"naive (papermill CLI + nbconvert CLI, one by one): {naive:6.1f} s")
    print(f"full build (python -m analysis build --force):      {full:6.1f} s  = {full / naive:.2f}x naive "
          f"(goal <= 0.35x: {'met' if full / naive <= 0.35 else 'missed'})")
    print(f"no-change rerun (python -m analysis build):         {rerun:6.2f} s  "
          f"(goal < 2 s: {'met' if rerun < 2 else 'missed'})")


if __name__ == "__main__":
    main()
