"""A build ended from outside leaves nothing running (issue 14, item 12).

SIGTERM (a CI cancel, ``timeout``) or SIGKILL (``kill -9``, the out-of-memory killer) to the build's own
process left its forkserver, pool workers and warm kernels running indefinitely. Every process the build
starts inherits a marker in its environment; after the build is ended, none may be left.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from support import copy_sample_data

pytestmark = pytest.mark.slow  # starts and kills real builds

ROOT = Path(__file__).resolve().parents[1]
MARK = "RANPASTI_UJI_PROSES"


def marked(value: str) -> list[int]:
    """Live processes (not zombies) carrying the marker."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if f"{MARK}={value}".encode() not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            pids.append(int(entry.name))
    return pids


def started_build(tmp_path: Path) -> tuple[subprocess.Popen, str]:
    data = copy_sample_data(tmp_path / "data")
    value = uuid.uuid4().hex
    env = {**os.environ, MARK: value}
    proc = subprocess.Popen(
        [sys.executable, "-m", "ranpasti", "build", "--data", str(data), "--out", str(tmp_path / "site"),
         "--params", str(tmp_path / "params"), "--build-dir", str(tmp_path / "build"),
         "--cache", str(tmp_path / "cache"), "--renderer", "builtin", "--jobs", "2"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline:  # until the notebooks run: workers and kernels are up
        executed = list((tmp_path / "build" / "notebooks").rglob("index.ipynb")) \
            if (tmp_path / "build" / "notebooks").exists() else []
        if len(executed) >= 3:
            return proc, value
        if proc.poll() is not None:
            pytest.fail(f"the build ended before its notebooks ran (status {proc.returncode})")
        time.sleep(0.2)
    proc.kill()
    pytest.fail("the build's notebooks did not start within 120 s")


def left_after(value: str, seconds: float = 20) -> list[int]:
    deadline = time.time() + seconds
    while time.time() < deadline:
        left = marked(value)
        if not left:
            return []
        time.sleep(0.5)
    return marked(value)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_a_build_ended_from_outside_leaves_no_process(tmp_path, sig):
    proc, value = started_build(tmp_path)
    assert len(marked(value)) >= 4  # the build, the forkserver, workers, kernels
    proc.send_signal(sig)
    proc.wait(timeout=60)
    assert proc.returncode != 0
    left = left_after(value)
    for pid in left:  # do not leave them to the next test either
        os.kill(pid, signal.SIGKILL)
    assert left == [], [Path(f"/proc/{p}/cmdline").read_bytes()[:120] for p in left if Path(f"/proc/{p}").exists()]
    assert not (tmp_path / "site" / "index.html").exists()  # nothing half-published
