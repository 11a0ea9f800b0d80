"""Execute a parameterised notebook in this process's IPython shell, as a kernel would, without one.

The indicator pages run one template hundreds of times. Through a Jupyter kernel each page paid for
messages between two processes (every display serialised, sent, parsed and validated) and for
papermill's and nbclient's bookkeeping: more than the page's own work. Here a build worker holds one
:class:`~IPython.core.interactiveshell.InteractiveShell` (the same shell ipykernel runs): the
parameters are injected by papermill's own :func:`~papermill.parameterize.parameterize_notebook`,
each code cell runs with :meth:`~IPython.core.interactiveshell.InteractiveShell.run_cell`, and
what it displays and prints is captured with IPython's
:class:`~IPython.utils.capture.capture_output` and stored as the cell's outputs, in nbformat's
own output nodes. The executed notebook is the one a kernel gives, with the same display data (the
same formatter made it), ready for nbconvert.

Between two notebooks the shell's namespace is emptied (:func:`fresh_namespace`); modules stay
imported, which is the point. A cell that raises stops the notebook with :class:`CellError`; a time
limit raises :class:`CellTimeout` from a ``SIGALRM`` (the caller's main thread).
"""

from __future__ import annotations

import contextvars
import copy
import signal
from contextlib import contextmanager

from nbformat import NotebookNode


class CellError(RuntimeError):
    """A code cell raised: its position among the notebook's code cells (from 1), its source, and
    the exception's name and message."""

    def __init__(self, number: int, source: str, ename: str, evalue: str):
        super().__init__(f"cell {number}: {ename}: {evalue}")
        self.number, self.source, self.ename, self.evalue = number, source, ename, evalue


class CellTimeout(Exception):
    """The notebook ran past its time limit."""


def shell():
    """This process's IPython shell (made on first use; ``display()`` publishes through it)."""
    from IPython.core.interactiveshell import InteractiveShell

    sh = InteractiveShell.instance(history_length=0)
    sh.history_manager.enabled = False
    return sh


def prepared(nb):
    """A copy of ``nb`` with the metadata papermill keeps on a notebook it executes (cell tags, the
    ``papermill`` section), so :func:`parameterize` can inject into it."""
    nb = copy.deepcopy(nb)
    nb.metadata.setdefault("papermill", {})
    for cell in nb.cells:
        cell.metadata.setdefault("tags", [])
    return nb


def parameterize(nb, parameters: dict):
    """``nb`` with ``parameters`` injected after its ``parameters`` cell, as papermill does (in
    Python: the shell runs Python, whatever kernel the notebook names)."""
    from papermill.parameterize import parameterize_notebook

    kernel = nb.metadata.get("kernelspec", {}).get("name") or "python3"
    return parameterize_notebook(nb, parameters, kernel_name=kernel, language="python")


def fresh_namespace(sh) -> None:
    """Empty the shell's namespace (as a new kernel's), closing any figure a notebook left open."""
    import sys

    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
    sh.user_ns.clear()
    sh.init_user_ns()


def _outputs(captured) -> list:
    """nbformat output nodes of what a cell printed (first) and displayed (in order), as
    ``nbformat.v4.new_output`` makes them but not validated one by one (that took longer than the
    page's tables; :func:`nbformat.validate` accepts the notebook, a test checks)."""
    outputs = []
    for name in ("stdout", "stderr"):
        text = getattr(captured, name)
        if text:
            outputs.append(NotebookNode(output_type="stream", name=name, text=text))
    for rich in captured.outputs:
        outputs.append(NotebookNode(output_type="display_data", data=NotebookNode(rich.data),
                                    metadata=NotebookNode(rich.metadata or {})))
    return outputs


@contextmanager
def _last_value_to(sh, captured):
    """A cell's last value (``Out``) displayed into ``captured`` as a kernel sends it, not printed:
    the shell installs its own display hook while a cell runs, over the one ``capture_output`` sets."""
    from IPython.core.displayhook import CapturingDisplayHook

    saved = sh.display_trap.hook
    sh.display_trap.hook = CapturingDisplayHook(shell=sh, outputs=captured._outputs)
    try:
        yield
    finally:
        sh.display_trap.hook = saved


def _alarm(signum, frame):
    raise CellTimeout()


def execute(nb, sh, timeout: int):
    """Run every code cell of ``nb`` (already parameterised) in ``sh``, in a fresh namespace, storing
    each cell's outputs and execution count in ``nb``; returns ``nb``.

    Raises :class:`CellError` for the first cell that raises, :class:`CellTimeout` after
    ``timeout`` seconds in all (the alarm is armed here: call from the main thread).
    """
    fresh_namespace(sh)
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(max(1, int(timeout)))
    try:
        # in a copy of this thread's context: a context variable a cell sets (the edition's language)
        # is the notebook's own, as in a kernel, and gone when it ends
        contextvars.copy_context().run(_cells, nb, sh)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    return nb


def _cells(nb, sh) -> None:
    from IPython.utils.capture import capture_output

    number = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        number += 1
        with capture_output() as captured, _last_value_to(sh, captured):
            result = sh.run_cell(cell.source, store_history=False)
        cell.outputs = _outputs(captured)
        cell.execution_count = number
        error = result.error_before_exec or result.error_in_exec
        if isinstance(error, CellTimeout):
            raise CellTimeout()
        if error is not None:
            raise CellError(number, cell.source, type(error).__name__, str(error))
