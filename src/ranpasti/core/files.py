"""The few file primitives every step shares: SHA-256 of a file or of bytes, and link-or-copy.

Why one module: content hashes are the keys of the validated cache, of page execution and of page
rendering; written in several places they drifted (one read whole files into memory, one streamed), and a
key is only as honest as the hash under it. Linking is how the build reuses cached downloads and the
published site's unchanged pages without using space twice; every caller needs the same fallback (copy when
the link crosses file systems) and the same refusal to write through an existing link.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path

BLOCK = 1 << 20  # bytes read at a time: a national CSV is hashed without holding it in memory


def sha256_bytes(data: bytes | str) -> str:
    """Hex SHA-256 of ``data`` (text is encoded as UTF-8)."""
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


def sha256_file(path: Path | str) -> str:
    """Hex SHA-256 of a file's content, read in blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(BLOCK), b""):
            h.update(block)
    return h.hexdigest()


def link_or_copy(src: Path | str, dst: Path | str, replace: bool = False) -> None:
    """Hard-link ``src`` to ``dst`` (no extra space), copy when a link is impossible (another file system).

    A missing ``src`` raises ``FileNotFoundError`` (callers treat it as "render again"). An existing
    ``dst`` raises ``FileExistsError`` unless ``replace``: then it is unlinked first, so the new file is a
    new inode and a file linked from the published site is never written through."""
    try:
        os.link(src, dst)
    except FileExistsError:
        if not replace:
            raise
        os.unlink(dst)
        link_or_copy(src, dst)
    except FileNotFoundError:
        raise
    except OSError:
        shutil.copyfile(src, dst)


def link_tree(src: Path, dst: Path) -> None:
    """Link every file of the folder ``src`` into ``dst`` (created), as ``link_or_copy`` does per file."""
    if src.is_dir():
        shutil.copytree(src, dst, copy_function=lambda s, d: link_or_copy(s, d, replace=True), dirs_exist_ok=True)


def write_atomically(out: Path | str, write: Callable[[Path], object]) -> Path:
    """``write(tmp)`` into a hidden file beside ``out``, then rename it over ``out``: a reader (Excel, a build)
    never sees half a file, and an error leaves the previous one."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    try:
        write(tmp)
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    return out


def write_new(out: Path | str, write: Callable[[Path], object]) -> Path:
    """``write_atomically`` that never replaces: the finished file is hard-linked to ``out``, which fails with
    ``FileExistsError`` when anything (a file staff made meanwhile, a link) already has that name."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{uuid.uuid4().hex[:12]}.tmp")  # a name no one else has
    try:
        write(tmp)
        try:
            os.link(tmp, out)
        except FileExistsError:
            raise
        except OSError:  # a file system without hard links: the check and the rename are two steps there
            if os.path.lexists(out):
                raise FileExistsError(errno.EEXIST, "sudah ada", str(out)) from None
            os.rename(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out
