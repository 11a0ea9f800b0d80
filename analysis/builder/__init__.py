"""The build, one path: plan -> execute -> render -> publish, and the command line on top.

``plan`` decides what to build and checks the request and the data before anything is written;
``execute`` runs notebooks and indicator pages with papermill in worker processes (with
``kernels``, ``processes`` and ``lifeline`` for the kernels and the workers' lives), with each
page's downloads written beside it (``downloads``); ``render`` turns an executed notebook into a
reader's HTML; ``publish`` writes the explorer, links the reports to the pages and lists them on
the index, whose data package and verdicts are made by ``package``; ``store`` writes every file atomically under
the lock and keeps the build state, ``folders`` guards what the build may overwrite. ``runner``
chains the steps and ``cli`` is ``python -m analysis``. The top floor: it may import every floor
below, nothing imports it.
"""
