"""Imported by the build's fork server (its preload list): the fork server dies with the build.

Without it, a build killed with SIGKILL left the fork server running, and with it every worker it
had forked (each holds the pipe whose end tells the fork server the build is gone) and their kernels.
See :mod:`analysis.builder.processes`.
"""

from .processes import die_with_parent

die_with_parent()
