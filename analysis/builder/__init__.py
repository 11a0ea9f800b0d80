"""The build, one path: plan -> execute -> render -> publish, and the command line on top.

``plan`` decides what to build and checks the request and the data before anything is written;
``execute`` runs the themed notebooks with papermill in kernels and the indicator pages in the
workers' own IPython shell (``inprocess``), in worker processes (with ``kernels``, ``processes`` and
``lifeline`` for the kernels and the workers' lives), with each page's downloads written beside it
(``downloads``); ``render`` turns an executed notebook into a
reader's HTML; ``publish`` writes the explorer, links the reports to the pages, lists them on the
index and writes the corrections page; ``package`` makes the index's data package and verdicts;
``stamp`` is what each page says of the build that wrote it (version, commit, date) and when its
content last changed; ``store`` writes every file atomically under the lock and keeps the build
state, ``folders`` guards what the build may overwrite. ``runner``
chains the steps and ``cli`` is ``python -m analysis``. The top floor: it may import every floor
below, nothing imports it.
"""

import sys as _sys

# papermill and nbconvert import nbformat, which imports jsonschema, whose optional IRI-format checker
# (rfc3987_syntax, pulled in by Jupyter's dependencies) compiles a grammar on import: three seconds on a
# busy machine, for a check no notebook needs. Tell jsonschema it is absent before any module of the
# build imports them (runner, execute and render do at import time): a build with nothing to do stays fast.
_sys.modules.setdefault("rfc3987_syntax", None)
