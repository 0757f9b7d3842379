"""One build at a time per site folder: a second build refuses with a clear message instead of racing.

``fcntl.flock`` is released by the kernel when the holding process dies, even by ``kill -9`` or power
loss, so a stale lock can never block the next build; the PID and start time in the file are only there to
tell staff which build is running.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
from contextlib import contextmanager
from pathlib import Path

from .errors import RanpastiError


class LockedError(RanpastiError, RuntimeError):
    """Another build holds the site or build folder."""


@contextmanager
def exclusive(path: Path, what: str):
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = Path(path).read_text(encoding="utf-8").strip() or "tidak diketahui"
            raise LockedError(f"build lain sedang berjalan untuk {what} ({holder}). Tunggu sampai selesai, lalu "
                              "jalankan lagi. (Kunci dilepas otomatis bila build itu berhenti.)") from None
        os.ftruncate(fd, 0)
        os.write(fd, f"PID {os.getpid()}, mulai {dt.datetime.now():%Y-%m-%d %H:%M:%S}".encode())
        yield
    finally:
        os.close(fd)
