"""How the build's processes end: together, whatever ends the build.

The build runs a fork server and worker processes forked from it; a themed report's worker runs a Jupyter kernel.
A killed build leaves none of them running:

* the fork server dies with the build (it imports :mod:`analysis.builder.lifeline`, which asks Linux to
  kill it when its parent dies, ``prctl(PR_SET_PDEATHSIG)``);
* each worker gets SIGTERM when the fork server dies (:func:`worker_init`), and on SIGTERM stops
  its kernel, if it has one, and leaves at once (:func:`on_terminate`);
* a kernel polls its parent and leaves within a second when the worker is gone (ipykernel's parent
  poller, armed by jupyter_client's ``JPY_PARENT_PID``).

SIGTERM to the build is an interruption like Ctrl-C (:func:`interrupt_on_sigterm`): the build stops
its workers (:func:`stop_pool`), keeps what it wrote and recorded, and says so.
"""

from __future__ import annotations

import os
import signal
import sys
import time

PR_SET_PDEATHSIG = 1


class Interrupted(KeyboardInterrupt):
    """The build was asked to stop (SIGTERM); ``signum`` says by which signal."""

    def __init__(self, signum: int = signal.SIGTERM):
        super().__init__(signum)
        self.signum = signum


def die_with_parent(signum: int = signal.SIGKILL) -> None:
    """Have the system send ``signum`` to this process when its parent dies (Linux; elsewhere nothing),
    and leave now if the parent is gone already."""
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(signum), 0, 0, 0)
    except (OSError, AttributeError):
        return
    if parent == 1 or os.getppid() != parent:
        os._exit(1)


_CLEANUP: list = []


def on_terminate(cleanup=None) -> None:
    """In a worker: on SIGTERM run ``cleanup`` (stop the kernel), then leave at once (exit 143)."""
    if cleanup is not None:
        _CLEANUP.append(cleanup)

    def leave(signum, frame):
        for step in _CLEANUP:
            try:
                step()
            except Exception:  # noqa: BLE001, S110 - leaving anyway
                pass
        os._exit(128 + signum)

    signal.signal(signal.SIGTERM, leave)


def worker_init(cleanup=None) -> None:
    """A worker of the build: SIGTERM when the fork server (its parent) dies, and leave on SIGTERM."""
    on_terminate(cleanup)
    die_with_parent(signal.SIGTERM)


def interrupt_on_sigterm() -> None:
    """In the build: SIGTERM raises :class:`Interrupted` (a KeyboardInterrupt), as Ctrl-C does."""

    def interrupt(signum, frame):
        raise Interrupted(signum)

    try:
        signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread (a build started from a thread): nothing to install
        pass


def stop_pool(pool, grace: float = 10.0) -> None:
    """Stop a ``ProcessPoolExecutor`` now: cancel what has not started, SIGTERM its workers (each
    stops its kernel), wait up to ``grace`` seconds, then kill what is left."""
    if pool is None:
        return
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        if process.is_alive():
            process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)
    deadline = time.monotonic() + grace
    for process in processes:
        process.join(max(0.1, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join(1)
