"""Track Zhejiang's Common Prosperity pledges against what was achieved.

Load the validated dataset with :func:`load`; see the modules for progress, trends and plots.
"""

from .data import Dataset, DataValidationError, load, summary

__all__ = ["Dataset", "DataValidationError", "load", "summary"]
__version__ = "0.1.0"
