"""Put a complete folder in place of the published one without a moment where neither exists.

On Linux, ``renameat2(RENAME_EXCHANGE)`` swaps two directory entries in one atomic step, so readers and a
killed build see either the old site or the new one. Elsewhere (or on file systems without it) the
fallback is two renames, and ``recover`` puts ``<name>.old`` back if a build died between them.

The replaced version is renamed out of the way at once and deleted by a detached process: the national site
has ~260,000 files (mostly hard links), and deleting them took ~7 s of every build for nothing the user
waits for. A deletion that was interrupted is finished by the next build.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import subprocess
import sys
import uuid
from pathlib import Path

from . import owned

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    return fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0


def old_of(target: Path) -> Path:
    return target.with_name(target.name + ".old")


def journal_of(target: Path) -> Path:
    """Written before the fallback's two renames, removed after: only while it exists is ``<name>.old`` the
    project's previous version (a staff folder of that name is never taken for it)."""
    return target.with_name(f".{target.name}.sedang-ditukar")


JOURNAL_TEXT = "ranpasti: pertukaran situs sedang berjalan"


def _our_journal(journal: Path) -> bool:
    """The journal the fallback wrote (a file of that name staff made is left alone)."""
    if journal.is_symlink() or not journal.is_file():
        return False
    try:
        return journal.read_text(encoding="utf-8", errors="replace").startswith(JOURNAL_TEXT)
    except OSError:
        return False


def trash_prefix(target: Path) -> str:
    return f".{target.name}.dihapus-"


def recover(target: Path) -> None:
    """A build killed between the two fallback renames left only ``<name>.old``: restore it. Finish
    deleting replaced versions whose background deletion did not complete. Only what the project made is
    touched: ``<name>.old`` while the journal says a swap was under way and it carries the marker, trash
    folders carrying the marker (or left empty by a deletion that removed it last)."""
    old, journal = old_of(target), journal_of(target)
    if _our_journal(journal):
        if owned.owned(old):
            if not os.path.lexists(target):
                old.rename(target)
            else:
                discard(old, target, background=False)  # killed after the second rename: the new one is in place
        journal.unlink()
    if target.parent.is_dir():
        for leftover in target.parent.glob(trash_prefix(target) + "*"):
            if owned.owned(leftover):
                owned.remove(leftover)
            elif leftover.is_dir() and not leftover.is_symlink():
                with contextlib.suppress(OSError):
                    leftover.rmdir()  # only when empty: a deletion interrupted after its marker


def discard(path: Path, target: Path, background: bool = True) -> None:
    """Delete a replaced version (the project's: it carries the marker): renamed aside at once, removed by a
    detached process."""
    if not path.exists():
        return
    if not owned.replaceable(path):
        raise owned.NotOwnedError(f"{path} bukan buatan ranpasti; tidak dihapus.")
    trash = target.with_name(f"{trash_prefix(target)}{uuid.uuid4().hex[:12]}")
    path.rename(trash)
    owned.mark(trash, "dihapus")  # a version made before the marker existed: the next run may finish it
    if not background:
        owned.remove(trash)
        return
    subprocess.Popen([sys.executable, *owned.remove_code(trash)], start_new_session=True,
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def swap_into_place(staging: Path, target: Path, background: bool = True, what: str = "tujuan") -> None:
    """Replace ``target`` with the complete folder ``staging`` (made and marked by the project); the previous
    content is deleted after. ``target`` must be the project's own (``owned.require_replaceable``)."""
    owned.require_replaceable(target, what)
    recover(target)
    if target.exists() and _exchange(staging, target):
        discard(staging, target, background)  # staging now holds the previous version
        return
    if not os.path.lexists(target):
        staging.rename(target)  # nothing to replace: one rename
        return
    old, journal = old_of(target), journal_of(target)
    if os.path.lexists(old):  # recover() consumed the project's own: this one is someone else's (a backup)
        raise owned.NotOwnedError(f"{old} sudah ada dan bukan sisa build ranpasti (mungkin cadangan staf). ranpasti "
                                  "tidak menghapus atau menimpanya, dan memerlukan nama itu untuk mengganti "
                                  f"{target.name}: ganti nama atau pindahkan folder itu, lalu jalankan lagi. "
                                  f"{target.name} tidak diubah.")
    if os.path.lexists(journal) and not _our_journal(journal):
        raise owned.NotOwnedError(f"{journal} sudah ada dan bukan buatan ranpasti; tidak ditimpa. Ganti nama atau "
                                  "pindahkan file itu, lalu jalankan lagi.")
    journal.write_text(f"{JOURNAL_TEXT}: {staging} -> {target}\n", encoding="utf-8")
    target.rename(old)
    staging.rename(target)
    discard(old, target, background)
    journal.unlink(missing_ok=True)
