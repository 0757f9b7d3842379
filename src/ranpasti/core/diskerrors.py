"""What to tell staff when the computer, not their data, stops a run: a full disk, a read-only folder.

These arrive as ``OSError`` from anywhere (pyarrow writing the cache, the renderer writing pages, the lock
file beside the site). Staff cannot act on a traceback; they can act on "the disk holding X is full, free
some space" or "X cannot be written: ask whoever manages this computer". Each message names the path and
says that the published site was left as it was, which the build guarantees by writing elsewhere first.
"""

from __future__ import annotations

import errno
from pathlib import Path

FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
NOT_WRITABLE = {errno.EROFS, errno.EACCES, errno.EPERM}


def _where(err: OSError) -> str:
    name = err.filename
    if name is None:
        return ""
    return f" ({Path(str(name))})"


def explain(err: OSError, site: Path | None = None) -> str:
    """One Bahasa Indonesia paragraph for an ``OSError`` that ended a run."""
    code = err.errno
    if code is None and "No space left" in str(err):  # pyarrow's OSError carries the errno in its text only
        code = errno.ENOSPC
    kept = f" Situs di {site}/ TIDAK diubah." if site is not None else ""
    if code in FULL:
        return (f"Ruang disk habis{_where(err)}. Kosongkan ruang di disk itu (hapus file yang tidak dipakai, "
                "misalnya unduhan atau salinan data lama), lalu jalankan lagi. File setengah jadi dari proses ini "
                f"sudah dihapus.{kept}")
    if code in NOT_WRITABLE:
        return (f"Folder atau file tidak bisa ditulis{_where(err)}: disk hanya-baca (read-only) atau tidak ada "
                "izin menulis. Pilih folder lain (--out, --build-dir, --cache) atau minta pengelola komputer "
                f"memberi izin tulis, lalu jalankan lagi.{kept}")
    if code == errno.ENOENT:
        return f"File atau folder tidak ditemukan{_where(err)}. Periksa nama folder lalu jalankan lagi.{kept}"
    return f"Kesalahan sistem berkas: {err.strerror or err}{_where(err)}. Periksa disk lalu jalankan lagi.{kept}"
