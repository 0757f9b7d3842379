"""One ranpasti process at a time per site, build or cache folder: a second one refuses with a clear message
instead of racing (a ``params`` that replaced the cache during a build had the build publish other data).

``fcntl.flock`` is released by the kernel when the holding process dies, even by ``kill -9`` or power
loss, so a stale lock can never block the next build; the PID and start time in the file are only there to
tell staff which build is running.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import os
from contextlib import contextmanager
from pathlib import Path

from .errors import RanpastiError
from .owned import LOCK_TEXT, NotOwnedError


class LockedError(RanpastiError, RuntimeError):
    """Another ranpasti process holds the site, build or cache folder."""


_held: dict[str, int] = {}  # lock files this process holds, with how many ``exclusive`` blocks hold each


@contextmanager
def exclusive(path: Path, what: str):
    """Hold the lock file ``path`` for the block, or raise ``LockedError`` naming ``what`` and who holds it.

    Re-entrant within a process: the build holds the cache's lock for its whole run (its pages read the
    cache until it publishes) and calls ``ingest``, which takes the same lock for any other caller."""
    key = str(Path(path).resolve())
    if _held.get(key):
        _held[key] += 1
        try:
            yield
        finally:
            _held[key] -= 1
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    except OSError as e:
        if e.errno != errno.ELOOP:
            raise
        raise NotOwnedError(f"{path} adalah tautan (symlink), bukan berkas kunci ranpasti; tidak ditulis. Hapus "
                            "tautan itu lalu jalankan lagi.") from None
    try:
        content = os.read(fd, 200).decode("utf-8", errors="replace").strip()
        if content and not LOCK_TEXT.match(content):  # a staff file that happens to have the lock's name
            raise NotOwnedError(f"{path} sudah ada dan bukan berkas kunci ranpasti; tidak ditimpa. Ganti nama atau "
                                "pindahkan file itu, lalu jalankan lagi.")
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = content or "tidak diketahui"
            raise LockedError(f"proses ranpasti lain sedang berjalan untuk {what} ({holder}). Tunggu sampai "
                              "selesai, lalu jalankan lagi. (Kunci dilepas otomatis bila proses itu berhenti.)"
                              ) from None
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)  # past what was read above
        os.write(fd, f"PID {os.getpid()}, mulai {dt.datetime.now():%Y-%m-%d %H:%M:%S}".encode())
        _held[key] = 1
        try:
            yield
        finally:
            del _held[key]
    finally:
        os.close(fd)
