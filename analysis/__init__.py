"""Track Zhejiang's Common Prosperity pledges against what was achieved.

The package is a house with four floors, each importing only the floors below it:

* :mod:`analysis.data`: paths, loading and validating the dataset, its errors, number formatting;
* :mod:`analysis.method`: the verdict engine (progress and its rules, the Eurostat method, totals
  over a period, trends, hindcasts, lineage, coverage);
* :mod:`analysis.present`: what a reader sees (tables, charts, sentences, the report card, the
  indicator page, the explorer, the index);
* :mod:`analysis.builder`: the build (plan -> execute -> render -> publish) and the command line.

This module is the public API a notebook starts from: :func:`load` the validated dataset
(:class:`Dataset`: the four tables and the corrections register, or :class:`DataValidationError`
naming file, row and field), :func:`summary`,
:func:`coverage` and the :data:`HEADLINE` indicators. Notebooks import the rest from its floor,
e.g. ``from analysis.method.progress import progress_table``; ``notebooks/06-your-own-question.ipynb``
shows the way. Cite it with ``CITATION.cff`` (version :data:`__version__`, the same as pyproject.toml's).
"""

from __future__ import annotations

__all__ = ["HEADLINE", "DataValidationError", "Dataset", "coverage", "load", "summary"]
__version__ = "0.1.0"


def __getattr__(name: str):
    # imported on first use, so that the command line starts fast when there is nothing to do
    if name in ("HEADLINE", "coverage"):
        # the module analysis.method.coverage is callable: analysis.method.coverage(dataset, ...) runs the function
        import importlib

        module = importlib.import_module(".method.coverage", __name__)
        return module if name == "coverage" else module.HEADLINE
    if name in __all__:
        from .data import dataset as data

        return getattr(data, name)
    raise AttributeError(f"module 'analysis' has no attribute {name!r}")
