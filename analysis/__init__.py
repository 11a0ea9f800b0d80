"""Track Zhejiang's Common Prosperity pledges against what was achieved.

Load the validated dataset with :func:`load`; see the modules ``progress``, ``trends``, ``lineage``
and ``plots`` for the analysis, and ``run`` for building the reports.
"""

from __future__ import annotations

__all__ = ["HEADLINE", "DataValidationError", "Dataset", "coverage", "load", "summary"]
__version__ = "0.1.0"


def __getattr__(name: str):
    # imported on first use, so that the command line starts fast when there is nothing to do
    if name in ("HEADLINE", "coverage"):
        # the module analysis.coverage is callable: analysis.coverage(dataset, ...) runs the function
        import importlib

        module = importlib.import_module(".coverage", __name__)
        return module if name == "coverage" else module.HEADLINE
    if name in __all__:
        from . import data

        return getattr(data, name)
    raise AttributeError(f"module 'analysis' has no attribute {name!r}")
