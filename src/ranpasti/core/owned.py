"""What the project made, and so may delete or replace: the one rule every command that removes or overwrites
files goes through.

Why a rule and not checks per command: ``build --out`` deleted a staff folder it was pointed at, ``templat``
and ``validate --laporan`` wrote over workbooks staff had filled in, and the recovery of an interrupted publish
renamed a staff ``site.old`` into the site. Each had its own idea of "ours". Here there is one: a folder is the
project's when it carries the marker file the project writes into every folder it makes (``mark``), or the
manifest a site or cache of an earlier version already carried; a workbook is a report of the project when its
document properties say so (``mark_report``). Everything else is staff's: never deleted, renamed, replaced or
written into, and a folder that holds or sits inside the data, params or notebooks folders or the program's
source cannot be a place to write at all (``refuse_overlap``).
"""

from __future__ import annotations

import json
import os
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

from .errors import RanpastiError
from .files import write_atomically, write_new

MARKER = ".ranpasti-dibuat"  # in every folder the project makes: site, cache, their staging and trash copies
PARAMS_RECORD = ".ranpasti-params.json"  # in a params folder: the files ``ranpasti params`` wrote (``params``)
# Folders made before the marker existed, recognised by the manifest each already carried (a site by its page
# manifest, render.incremental.MANIFEST; a validated cache by store's manifest) and the key it always held.
LEGACY = {".ranpasti-halaman.json": "pages", "manifest.json": "fingerprint"}
LOCK_TEXT = re.compile(r"PID \d+, mulai ")  # what a lock file of ``lock.exclusive`` holds
LEGACY_LOCK = "build.lock"  # a build folder made before the marker existed holds its lock file
REPORT_CATEGORY = "ranpasti: laporan pemeriksaan data"  # the document property marking a --laporan workbook
SHOWN = 5  # names of staff files quoted in a refusal


class NotOwnedError(RanpastiError):
    """A command would delete, replace or write into something the project did not make."""


def mark(folder: Path, kind: str) -> None:
    """Say that ``folder`` (just made by the project) is the project's: it may be replaced or deleted later."""
    text = json.dumps({"dibuat_oleh": "ranpasti", "jenis": kind,
                       "catatan": "Folder ini dibuat ranpasti dan boleh dihapus atau diganti olehnya."})
    (Path(folder) / MARKER).write_text(text + "\n", encoding="utf-8")


def _regular_file(path: Path) -> bool:
    return path.is_file() and not path.is_symlink()


def owned(folder: Path) -> bool:
    """True when ``folder`` is a real folder (not a link) the project made."""
    folder = Path(folder)
    if folder.is_symlink() or not folder.is_dir():
        return False
    if _regular_file(folder / MARKER):
        return True
    if _regular_file(folder / LEGACY_LOCK):
        try:
            if LOCK_TEXT.match((folder / LEGACY_LOCK).read_text(encoding="utf-8", errors="replace")):
                return True
        except OSError:
            pass
    for name, key in LEGACY.items():
        if _regular_file(folder / name):
            try:
                data = json.loads((folder / name).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if isinstance(data, dict) and key in data:
                return True
    return False


def _staff_files(folder: Path) -> list[str]:
    try:
        return sorted(p.name for p in folder.iterdir())
    except OSError:
        return []


def replaceable(path: Path) -> bool:
    """True when the project may put a folder of its own at ``path``: nothing is there, an empty real folder,
    or a folder the project made."""
    path = Path(path)
    if not os.path.lexists(path):
        return True
    if path.is_symlink() or not path.is_dir():
        return False
    return owned(path) or not _staff_files(path)


def require_replaceable(path: Path, what: str) -> None:
    """Refuse, naming ``what`` (the option or role of ``path``), unless the project may replace ``path``."""
    path = Path(path)
    if replaceable(path):
        return
    if path.is_symlink():
        found = "adalah tautan (symlink) ke tempat lain"
    elif not path.is_dir():
        found = "adalah sebuah file, bukan folder"
    else:
        names = _staff_files(path)
        more = f" dan {len(names) - SHOWN} lainnya" if len(names) > SHOWN else ""
        found = f"berisi file yang bukan buatan ranpasti ({', '.join(names[:SHOWN])}{more})"
    raise NotOwnedError(f"{path} {found}. ranpasti tidak menghapus atau menimpa apa pun yang tidak dibuatnya, "
                        f"jadi {path} tidak dipakai sebagai {what}. Pilih folder yang belum ada atau kosong (atau "
                        "situs/cache buatan ranpasti sebelumnya), atau pindahkan isinya dulu. Tidak ada yang diubah.")


def clear(path: Path, what: str) -> None:
    """Remove a folder the project made and left behind (a staging folder of an interrupted run); refuse when
    something else has that name."""
    path = Path(path)
    if not os.path.lexists(path):
        return
    require_replaceable(path, what)
    remove(path)


def remove(folder: Path) -> None:
    """Delete a folder the project made, its marker last: an interrupted deletion leaves a folder still
    recognised as the project's (finished by the next run), never an unmarked one that looks like staff's."""
    folder = Path(folder)
    if not replaceable(folder):
        raise NotOwnedError(f"{folder} bukan buatan ranpasti; tidak dihapus.")
    remove_tree(str(folder), MARKER)


def remove_tree(folder: str, marker: str) -> None:
    """``remove`` without the check, self-contained: ``swap.discard`` runs its source in a detached process."""
    import contextlib
    import os
    import shutil

    for entry in os.scandir(folder):
        if entry.name == marker:
            continue
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
    with contextlib.suppress(OSError):
        os.unlink(os.path.join(folder, marker))
    with contextlib.suppress(OSError):
        os.rmdir(folder)


def remove_code(folder: Path) -> list[str]:
    """The arguments of ``python`` that run ``remove_tree`` on ``folder`` (no import of this package needed)."""
    import inspect

    code = inspect.getsource(remove_tree) + "\nimport sys\nremove_tree(sys.argv[1], sys.argv[2])\n"
    return ["-c", code, str(folder), MARKER]


def refuse_overlap(path: Path, what: str, protected: dict[str, Path]) -> None:
    """Refuse ``path`` as a place the project writes (``what``: the option) when it is, holds or sits inside one of
    the ``protected`` folders (name → folder: the data folder, params, notebooks, the program's source)."""
    here = Path(path).resolve()
    for name, folder in protected.items():
        there = Path(folder).resolve()
        if here == there or there in here.parents or here in there.parents:
            relation = ("adalah" if here == there else "ada di dalam" if there in here.parents else "memuat")
            raise NotOwnedError(f"{what} {path} {relation} {name} ({folder}). ranpasti tidak menulis, mengganti "
                                f"atau menghapus di sana: pilih folder lain di luar {name}. Tidak ada yang diubah.")


# The folders a project has by default, relative to where ranpasti runs (the options' defaults): a report or a
# workbook is never written into them, even before the project has made or marked them.
DEFAULT_FOLDERS = {"folder data": "data", "folder params": "params", "folder notebooks": "notebooks",
                   "folder situs": "site", "folder build": "build", "folder cache": ".ranpasti"}


def refuse_project_folder(path: Path, what: str, protected: dict[str, Path],
                          defaults: tuple[str, ...] = tuple(DEFAULT_FOLDERS)) -> None:
    """Refuse ``path`` as the place of a file a command writes for staff (a ``--laporan`` report, a templat
    workbook) when it lies in a folder the project owns or reads: one it made (a site, its staging or trash,
    the build folder, the cache: ``owned``), a params folder (it holds ``PARAMS_RECORD``), the ``protected``
    folders of the command, or one of ``defaults`` (names of ``DEFAULT_FOLDERS``) under the working folder.

    Why every such folder: a report copies staff's cells, so one left in the site is published with the site,
    one in the params or data folder is read as input, and one in a folder the project made is deleted with it."""
    defaults_here = {f"{name} ({DEFAULT_FOLDERS[name]})": Path(DEFAULT_FOLDERS[name]) for name in defaults}
    refuse_overlap(path, what, {**protected, **defaults_here})
    here = Path(path).resolve()
    for folder in here.parents:
        if owned(folder) or _regular_file(folder / PARAMS_RECORD):
            kind = "folder params" if _regular_file(folder / PARAMS_RECORD) else "folder buatan ranpasti"
            raise NotOwnedError(f"{what} {path} ada di dalam {folder}, {kind} (situs, cache, build atau params yang "
                                "diganti, dihapus atau dibaca ranpasti). File untuk staf tidak ditulis di sana (di "
                                "situs ia ikut terbit, di params atau data ia dibaca sebagai masukan): pilih folder "
                                "lain. Tidak ada yang diubah.")


def next_free(path: Path) -> Path:
    """``path`` when nothing has that name, else ``stem-2.ext``, ``stem-3.ext``…: a new file never replaces one."""
    path = Path(path)
    n = 2
    candidate = path
    while os.path.lexists(candidate):
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
        n += 1
    return candidate


def write_file(out: Path, write: Callable[[Path], object], what: str, protected: dict[str, Path],
               replaces: Callable[[Path], bool] = lambda _path: False,
               defaults: tuple[str, ...] = tuple(DEFAULT_FOLDERS)) -> tuple[Path, str]:
    """Write a new file at ``out`` (``write(tmp)`` makes it) and return where it went, with a note for staff.

    ``out`` must lie outside the ``protected`` folders and every folder the project owns or reads
    (``refuse_project_folder``). Something already at ``out`` is
    replaced only when ``replaces`` says the project made it (an earlier report); otherwise the file goes to the
    next free name, ``stem-2.ext``…, and the note says so: nothing staff made is ever written over."""
    refuse_project_folder(out, what, protected, defaults)
    out = Path(out)
    if os.path.lexists(out) and not out.is_symlink() and out.is_file() and replaces(out):
        return write_atomically(out, write), ""
    candidate = out
    while True:
        candidate = next_free(candidate)
        try:
            write_new(candidate, write)
            break
        except FileExistsError:
            continue  # made by someone else between the check and the write: the next name
    note = "" if candidate == out else (f"{out} sudah ada dan tidak ditimpa (ranpasti tidak menimpa file yang "
                                        f"tidak dibuatnya): ditulis ke {candidate}.")
    return candidate, note


def mark_report(workbook) -> None:
    """Mark an openpyxl workbook as a ``validate --laporan`` report (kept by Excel when staff save it)."""
    workbook.properties.category = REPORT_CATEGORY
    workbook.properties.creator = "ranpasti"


def is_report(path: Path) -> bool:
    """True when the .xlsx at ``path`` is a report the project wrote (read from its document properties alone,
    without loading the workbook); False for anything else, a damaged file included (its reader says why)."""
    try:
        with zipfile.ZipFile(path) as z:
            core = z.read("docProps/core.xml").decode("utf-8", errors="replace")
    except (OSError, KeyError, zipfile.BadZipFile, ValueError):
        return False
    return REPORT_CATEGORY in core


def src_folder() -> Path:
    """The program's own source folder (never a place to write)."""
    return Path(__file__).resolve().parents[1]
