"""How the build starts Jupyter kernels: on Unix sockets of their own, with time to start.

Over TCP, jupyter_client picks free ports by opening and closing them, and a kernel binds them later:
two kernels started at once by two build workers can pick the same port, and one of them then fails
with "Address already in use" (a report failed that way in CI). Over IPC every kernel binds sockets
under a path no other kernel uses, so there is nothing to race for; the sockets are removed when the
kernel shuts down.
"""

from __future__ import annotations

import os
import tempfile
import uuid

from jupyter_client.manager import AsyncKernelManager

#: Seconds a new kernel has to answer its first request. Papermill's default (60 s) is short for the
#: first kernels on a new machine, which build their caches while others start beside them on 2 cores;
#: the notebook's own timeout still bounds the whole execution.
KERNEL_START_TIMEOUT = 300


#: Longest socket path used (the system's limit is 107 bytes on Linux, 103 on macOS; ipykernel adds "-1").
MAX_SOCKET_PATH = 96


def ipc_address() -> str | None:
    """A socket path prefix no other kernel uses (ipykernel appends ``-1`` ... ``-5``), in the temporary
    folder, else in ``/tmp`` when that path would be too long for a socket; None where neither serves
    (or the system has no Unix sockets): the kernel then uses TCP."""
    if os.name != "posix":
        return None
    name = f"zjcp-kernel-{uuid.uuid4().hex[:16]}"
    for folder in (tempfile.gettempdir(), "/tmp"):
        path = os.path.join(folder, name)
        if len(path.encode()) + 2 <= MAX_SOCKET_PATH and os.access(folder, os.W_OK):
            return path
    return None


def ipc_settings() -> dict:
    """Keyword arguments for a kernel manager: IPC on its own path, or nothing (TCP) where it cannot."""
    address = ipc_address()
    return {"transport": "ipc", "ip": address} if address else {}


class IpcKernelManager(AsyncKernelManager):
    """The kernel manager papermill's engine uses for the themed reports (see :func:`ipc_settings`)."""

    def __init__(self, **kwargs):
        for key, value in ipc_settings().items():
            kwargs.setdefault(key, value)
        super().__init__(**kwargs)
