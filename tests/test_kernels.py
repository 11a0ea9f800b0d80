"""The build's kernels run on Unix sockets of their own: two started at once cannot race for a port."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from jupyter_client import KernelManager

from analysis.builder import kernels
from analysis.builder.kernels import IpcKernelManager, ipc_address


def test_report_kernels_use_ipc_on_a_path_of_their_own():
    a, b = IpcKernelManager(kernel_name="python3"), IpcKernelManager(kernel_name="python3")
    assert a.transport == b.transport == "ipc"
    assert os.path.isabs(a.ip) and a.ip != b.ip  # "kernel-ipc" in the working directory would be shared


def test_kernels_started_at_once_both_answer_and_leave_no_socket_behind():
    def run(_):
        km = KernelManager(kernel_name="python3", transport="ipc", ip=ipc_address())
        km.start_kernel()
        try:
            kc = km.blocking_client()
            kc.start_channels()
            kc.wait_for_ready(timeout=120)
            reply = kc.execute_interactive("x = 6 * 7", timeout=60)
            kc.stop_channels()
            return km.ip, reply["content"]["status"]
        finally:
            km.shutdown_kernel(now=True)

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(run, range(4)))
    assert [status for _, status in results] == ["ok"] * 4
    assert len({ip for ip, _ in results}) == 4
    for ip, _ in results:
        assert not glob.glob(ip + "-*"), ip
    assert ip.startswith(tempfile.gettempdir())


def test_a_socket_path_too_long_for_the_system_falls_back_to_tmp(monkeypatch, tmp_path):
    deep = tmp_path / ("d" * 90)
    deep.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(deep))
    address = ipc_address()
    assert address.startswith("/tmp/zjcp-kernel-") and len(address) + 2 <= kernels.MAX_SOCKET_PATH
    monkeypatch.setattr(tempfile, "tempdir", "/tmp")
    assert ipc_address().startswith("/tmp/zjcp-kernel-")


def test_a_build_leaves_no_kernel_socket_behind(tmp_path):
    # a page worker leaves through os._exit: its kernel was never shut down, only noticed its parent had
    # gone, and left its sockets behind (five per kernel); reports and pages both checked
    temp = Path(tempfile.mkdtemp(prefix="zk", dir="/tmp"))
    try:
        env = dict(os.environ, TMPDIR=str(temp), ZJCP_REPORTS_DIR=str(tmp_path / "reports"),
                   ZJCP_BUILD_DIR=str(tmp_path / "build"))
        result = subprocess.run([sys.executable, "-m", "analysis", "build", "--quiet", "--only", "gdp",
                                 "--only", "01-income-gap"], env=env, capture_output=True, text=True, timeout=600,
                                check=False)
        assert result.returncode == 0, result.stderr
        assert (tmp_path / "reports" / "indicators" / "gdp.html").is_file()
        assert (tmp_path / "reports" / "01-income-gap.html").is_file()
        assert not list(temp.glob("zjcp-kernel-*"))
    finally:
        shutil.rmtree(temp, ignore_errors=True)
