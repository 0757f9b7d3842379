"""Put a complete folder in place of the published one without a moment where neither exists.

On Linux, ``renameat2(RENAME_EXCHANGE)`` swaps two directory entries in one atomic step, so readers and a
killed build see either the old site or the new one. Elsewhere (or on file systems without it) the
fallback is two renames, and ``recover`` puts ``<name>.old`` back if a build died between them.
"""

from __future__ import annotations

import ctypes
import os
import shutil
from pathlib import Path

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


def recover(target: Path) -> None:
    """A build killed between the two fallback renames left only ``<name>.old``: restore it."""
    old = old_of(target)
    if not target.exists() and old.exists():
        old.rename(target)


def swap_into_place(staging: Path, target: Path) -> None:
    """Replace ``target`` with the complete folder ``staging``; the previous content is deleted after."""
    recover(target)
    if target.exists() and _exchange(staging, target):
        shutil.rmtree(staging, ignore_errors=True)  # staging now holds the previous version
        return
    old = old_of(target)
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)
