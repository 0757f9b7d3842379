"""Page parameters: one YAML file per page under ``params/``, laid out like the site's URLs.

``params/kabupaten-musi-rawas/tugumulyo/index.yml`` holds the parameters of the page
``site/kabupaten-musi-rawas/tugumulyo/index.html``; papermill reads each file as-is (``papermill -f``).
Files are generated from the units present in the data and never overwritten, so staff can edit them:
add a ``catatan`` shown on the page, or set ``terbit: false`` to leave a page out.
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..core import owned
from ..core.errors import RanpastiError
from ..core.files import sha256_bytes, write_atomically
from ..core.yamlio import Lines, YamlError, load_with_lines
from ..ingest.store import Store
from ..reference import settings
from ..reference.regions import ancestor, level_of
from ..reference.urls import page_dir

# libyaml's dumper when PyYAML has it (its wheels do); files are read by ``yamlio`` (libyaml's loader too)
SafeDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

NOTEBOOK_OF_LEVEL = {"nasional": "ringkasan", "provinsi": "ringkasan", "kabupaten": "kabupaten",
                     "kecamatan": "kecamatan"}
# an evaluation page's notebook by level: a kabupaten's or kecamatan's own year, or the nation's and a province's
# year across their kabupaten/kota (one notebook for both: the same cells)
EVALUATION_NOTEBOOK_OF_LEVEL = {"nasional": "evaluasi-ringkasan", "provinsi": "evaluasi-ringkasan",
                                "kabupaten": "evaluasi", "kecamatan": "evaluasi"}


@dataclass(frozen=True)
class PageSpec:
    """A page to build: which notebook, with which parameters, published where."""

    page: str  # site folder, "" for the root
    notebook: str  # notebook name without .ipynb
    params: dict
    params_file: Path
    kode: str
    kind: str  # progres | evaluasi
    tahun: int | None

    @property
    def level(self) -> str:
        return level_of(self.kode)

    @property
    def publish(self) -> bool:
        return bool(self.params.get("terbit", True))


def params_path(params_dir: Path, page: str, kind: str, tahun: int | None) -> Path:
    return params_dir / _params_rel(page, kind, tahun)


def _params_rel(page: str, kind: str, tahun: int | None) -> str:
    if kind == "evaluasi":
        return page.removesuffix(f"evaluasi-{tahun}/") + f"evaluasi-{tahun}.yml"
    return page + "index.yml"


def planned_pages(store: Store) -> list[tuple[str, str, int | None, dict]]:
    """Every (kode, kind, tahun, params) the data supports: country, provinces, kabupaten, kecamatan, each
    with its progress page and an evaluation page per complete year."""
    regions = store.regions
    kabs = store.kabupaten_codes()
    # a December evaluation for every year whose December is in the data; the current year waits for it
    years = evaluation_years(store)
    out: list[tuple[str, str, int | None, dict]] = [("ID", "progres", None, {"kode": "ID", "bulan": None})]
    out += [("ID", "evaluasi", year, {"kode": "ID", "tahun": year}) for year in years]
    for prov in sorted({ancestor(k, "provinsi") for k in kabs}):
        out.append((prov, "progres", None, {"kode": prov, "bulan": None}))
        out += [(prov, "evaluasi", year, {"kode": prov, "tahun": year}) for year in years]
    for kab in kabs:
        kecs = sorted(regions.children(kab).index)
        for kode in [kab, *kecs]:
            out.append((kode, "progres", None, {"kode": kode, "bulan": None}))
            for year in years:
                out.append((kode, "evaluasi", year, {"kode": kode, "tahun": year}))
    return out


def write_params(store: Store, params_dir: Path, overwrite: bool = False,
                 log: Callable[[str], None] | None = None) -> tuple[int, int]:
    """Write missing params files; return (written, kept). Existing files are kept: they may be edited.

    Every file written is recorded, with its bytes' hash, in the params folder's record (``RECORD``), and so
    is every folder made for one. A file left at a place no page has any more (a kecamatan renamed in
    ``data/wilayah``, so its slug and folder changed) is moved with its page only when the record says the
    project wrote it and its bytes are still those (``stale_files``): anything else there, staff's archive
    copies, notes or edited files, stays where it is, its page's place is not filled with a default (that
    would publish a page staff had set ``terbit: false``, or drop their ``catatan``), and ``load_pages``
    names it. A move never replaces a file, and a folder goes only when the project made it and it is empty."""
    written = kept = 0
    existing = {rel for rel, _, _ in _yml_files(params_dir)} if params_dir.is_dir() else set()
    planned = planned_pages(store)
    record = load_record(params_dir)
    # a params folder written before the record existed: its files still exactly as this version writes them
    # are recorded once (bytes compared whole: an edit, even a comment, leaves a file staff's)
    adopting = bool(existing) and not os.path.lexists(params_dir / RECORD)
    before = (dict(record.files), set(record.folders))
    reserved: set[str] = set()
    for stale in stale_files(params_dir, store, existing, planned, record):
        if stale.unedited and not overwrite:
            gone = params_dir / stale.rel
            gone.unlink()
            record.files.pop(stale.rel, None)
            _remove_empty_folders(params_dir, gone.parent, record)
            existing.discard(stale.rel)
            if log is None:
                continue
            if stale.target in existing:
                log(f"{gone} dihapus: file itu ditulis ranpasti dan belum pernah diubah, dan halamannya (nama "
                    f"wilayah di data/wilayah berubah) sudah memakai {params_dir / stale.target}.")
            else:
                log(f"{gone} dipindahkan ke {params_dir / stale.target} (nama wilayah di data/wilayah berubah; "
                    "file itu ditulis ranpasti dan belum pernah diubah).")
        else:
            reserved.add(stale.target)
    for kode, kind, tahun, params in planned:
        page = page_dir(store.regions, kode, kind, tahun)
        rel = _params_rel(page, kind, tahun)
        path = params_dir / rel
        if (rel in existing and not overwrite) or (rel in reserved and rel not in existing):
            kept += rel in existing
            if adopting and rel in existing:
                _adopt(params_dir, rel, _written_text(store, page, kode, kind, tahun, params), record)
            continue
        _make_folders(params_dir, path.parent, record)
        text = _written_text(store, page, kode, kind, tahun, params)
        path.write_text(text, encoding="utf-8")
        record.files[rel] = sha256_bytes(text)
        written += 1
    if adopting or (record.files, set(record.folders)) != before:
        save_record(params_dir, record)
    return written, kept


# The params folder's record of what ``write_params`` wrote: only these files (while their bytes are unchanged)
# and folders are ever moved or removed by the project. Not a ``.yml`` file, so never read as params.
RECORD = owned.PARAMS_RECORD


@dataclass
class Record:
    files: dict[str, str]  # relative path -> SHA-256 of the bytes written
    folders: list[str]  # relative paths of the folders made for them


def load_record(params_dir: Path) -> Record:
    """The record, or an empty one (none yet, or damaged: then nothing counts as the project's, which only
    means a renamed kecamatan's params wait for staff instead of moving)."""
    try:
        data = json.loads((params_dir / RECORD).read_text(encoding="utf-8"))
        files = {str(k): str(v) for k, v in data["file"].items()}
        return Record(files, [str(f) for f in data["folder"]])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return Record({}, [])


def save_record(params_dir: Path, record: Record) -> None:
    text = json.dumps({"dibuat_oleh": "ranpasti",
                       "catatan": "Catatan file parameter yang ditulis `ranpasti params` (isi tiap file sebagai "
                                  "SHA-256). Jangan diubah: hanya file di sini yang boleh dipindahkan ranpasti.",
                       "file": dict(sorted(record.files.items())), "folder": sorted(set(record.folders))},
                      ensure_ascii=False, indent=1)
    write_atomically(params_dir / RECORD, lambda tmp: tmp.write_text(text + "\n", encoding="utf-8"))


def _adopt(params_dir: Path, rel: str, text: str, record: Record) -> None:
    with contextlib.suppress(OSError):
        if (params_dir / rel).read_bytes() == text.encode("utf-8"):
            record.files[rel] = sha256_bytes(text)


def _make_folders(root: Path, folder: Path, record: Record) -> None:
    """Make ``folder`` (under ``root``), recording each folder made: only those may be removed again."""
    root.mkdir(parents=True, exist_ok=True)
    missing = []
    while folder != root and not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for made in reversed(missing):
        made.mkdir(parents=True, exist_ok=True)
        record.folders.append(made.relative_to(root).as_posix())


def _default_body(params: dict) -> dict:
    """What ``write_params`` writes for a page (also how an unedited file is recognised)."""
    return {**params, "catatan": "", "terbit": True}


def _written_text(store: Store, page: str, kode: str, kind: str, tahun: int | None, params: dict) -> str:
    unit = store.regions.unit(kode)
    label = "Evaluasi " + str(tahun) + " " if kind == "evaluasi" else ""
    head = (f"# Halaman: site/{page}index.html ({label}{unit.label})\n"
            "# Dibuat oleh `ranpasti params`. Boleh diubah: catatan (tampil di halaman), terbit (false = tidak\n"
            "# diterbitkan), bulan (\"YYYY-MM\"; kosong = bulan terakhir di data).\n"
            + ("# Sampul laporan (boleh ditambahkan): tim_evaluasi, tanggal_evaluasi (YYYY-MM-DD), disahkan_oleh;\n"

               "# tulis lembaga/jabatan, bukan nama orang.\n" if kind == "evaluasi" else ""))
    return head + yaml.dump(_default_body(params), Dumper=SafeDumper, allow_unicode=True, sort_keys=False)


@dataclass(frozen=True)
class StaleFile:
    """A params file at a place that is no page any more, the place its ``kode``'s page has now, and whether
    the project wrote it and nobody changed it since (``unedited``: only then may it be moved)."""

    rel: str
    target: str
    unedited: bool


def stale_files(params_dir: Path, store: Store, existing: set[str] | None = None,
                planned: list | None = None, record: Record | None = None) -> list[StaleFile]:
    """Params files in a folder that is no page's (a renamed kecamatan's old slug, or a folder of staff's own)
    whose ``kode`` is a page today. Unreadable or invalid files are left to ``load_pages``, which names their
    problem.

    ``unedited`` is decided on the file's bytes, never on its parsed values (a staff comment, an archive copy
    of a page's file, a note that happens to hold valid params are all staff's): the record says the project
    wrote exactly these bytes at exactly this place (``_written_by_project``)."""
    if not params_dir.is_dir():
        return []
    existing = existing if existing is not None else {rel for rel, _, _ in _yml_files(params_dir)}
    planned = planned if planned is not None else planned_pages(store)
    record = record if record is not None else load_record(params_dir)
    defaults = {}
    for kode, kind, tahun, params in planned:
        defaults[_params_rel(page_dir(store.regions, kode, kind, tahun), kind, tahun)] = params
    folders = {rel.rsplit("/", 1)[0] if "/" in rel else "" for rel in defaults}
    out = []
    for rel in sorted(existing - defaults.keys()):
        folder = rel.rsplit("/", 1)[0] if "/" in rel else ""
        if folder in folders:
            continue  # a page's own folder: a file there is judged by load_pages
        stem = rel.rsplit("/", 1)[-1].removesuffix(".yml")
        kind = "evaluasi" if stem.startswith("evaluasi-") else "progres"
        try:
            params = load_with_lines(params_dir / rel, max_bytes=PARAMS_MAX_BYTES)[0]
            tahun = int(stem.removeprefix("evaluasi-")) if kind == "evaluasi" else None
            kode = str(params["kode"])
            target = _params_rel(page_dir(store.regions, kode, kind, tahun), kind, tahun)
        except (YamlError, KeyError, ValueError, TypeError):
            continue
        if target in defaults:
            out.append(StaleFile(rel, target, _written_by_project(params_dir, rel, record)))
    return out


def _written_by_project(params_dir: Path, rel: str, record: Record) -> bool:
    """Whether the file at ``rel`` holds exactly the bytes ``write_params`` recorded writing there."""
    try:
        data = (params_dir / rel).read_bytes()
    except OSError:
        return False
    return record.files.get(rel) == sha256_bytes(data)


def _remove_empty_folders(root: Path, folder: Path, record: Record) -> None:
    """Remove ``folder`` and its parents up to ``root`` while each is empty and one the project made."""
    while folder != root and folder.is_relative_to(root):
        rel = folder.relative_to(root).as_posix()
        if rel not in record.folders:
            return
        try:
            folder.rmdir()
        except OSError:
            return
        record.folders = [f for f in record.folders if f != rel]
        folder = folder.parent


class ParamsError(RanpastiError):
    pass


# The keys a params file may hold, per kind of page, are the fields of its schema (``settings``). Papermill
# writes every key it is given into the notebook's parameters cell as ``key = value`` code, so a key is never
# passed on unchecked: an unknown or non-identifier key (``"x = __import__('os').system(...) #"``) would be
# code that runs.
ALLOWED_KEYS = {kind: tuple(model.model_fields) for kind, model in settings.PARAMS_MODELS.items()}
DOCUMENT_KEYS = ("tim_evaluasi", "disahkan_oleh", "pengesahan_kantor", "pengesahan_jabatan",
                 "pengesahan_tempat")  # an evaluation's cover and approval sheet: offices and positions, not names
CATATAN_MAX = settings.CATATAN_MAX


def check_params(path: Path, params: dict, kind: str, store: Store, lines: Lines | None = None) -> dict:
    """The params of one file, typed by its schema (``settings.PARAMS_MODELS``) and checked against the
    data; a ``ParamsError`` naming the file, line and key otherwise.

    ``terbit: tidak`` or ``terbit: 'false'`` is a string, and ``bool("tidak")`` published the page: only
    YAML's true/false are accepted. ``bulan`` must be a month the data has (a page for a month without data
    showed every desa as not reporting); an evaluation's ``tahun`` a year whose December the data has."""
    if lines is None:  # parsed from the cache: the lines are read again only to explain a problem
        try:
            return check_params(path, params, kind, store, {})
        except ParamsError:
            lines = _lines_of(path)
    try:
        model = settings.check(settings.PARAMS_MODELS[kind], params, path, lines)
    except settings.SettingsError as e:
        raise ParamsError(str(e)) from None
    out = model.model_dump(exclude_unset=True)
    if kind == "progres" and out.get("bulan") is not None:
        months = store.months()
        if out["bulan"] not in months:
            raise ParamsError(f"{path}{_at(lines, 'bulan')}: data tidak punya bulan {out['bulan']} (data: "
                              f"{months[0]} s.d. {months[-1]}). Perbaiki bulan atau kosongkan.")
    if kind == "evaluasi" and out["tahun"] not in evaluation_years(store):
        months = store.months()
        raise ParamsError(f"{path}{_at(lines, 'tahun')}: data tidak punya bulan Desember {out['tahun']}, jadi "
                          f"evaluasi tahun itu tidak bisa dibuat (data: {months[0]} s.d. {months[-1]}). Hapus "
                          "file ini, atau tambahkan data tahun itu.")
    return out


def evaluation_years(store: Store) -> list[int]:
    """The years an evaluation page can be made for: those whose December is in the data."""
    return sorted({int(m[:4]) for m in store.months() if m.endswith("-12")})


def _at(lines: Lines | None, key: str) -> str:
    line = (lines or {}).get((key,))
    return f", baris {line}" if line else ""


def _lines_of(path: Path) -> Lines:
    try:
        return load_with_lines(path, max_bytes=PARAMS_MAX_BYTES)[1]
    except YamlError:
        return {}


PARAMS_MAX_BYTES = 64 * 1024
_YAML_NAME = re.compile(r".*\.ya?ml", re.IGNORECASE)


def _yml_files(params_dir: Path) -> list[tuple[str, int, int]]:
    """(relative path, size, mtime_ns) of every params file, sorted; scandir is ~5× faster than rglob.

    A YAML file under another spelling (``index.yaml``, ``INDEX.YML``) is refused rather than skipped: a
    page whose ``terbit: false`` sat in ``index.yaml`` was published (issue 32, B51)."""
    found = []

    def walk(folder: str, prefix: str) -> None:
        with os.scandir(folder) as entries:
            for e in entries:
                if e.is_dir(follow_symlinks=False):  # a linked folder could loop back on itself
                    walk(e.path, prefix + e.name + "/")
                elif e.name.endswith(".yml"):
                    st = e.stat()
                    found.append((prefix + e.name, st.st_size, st.st_mtime_ns))
                elif _YAML_NAME.fullmatch(e.name):
                    stem = e.name.rsplit(".", 1)[0]
                    raise ParamsError(f"{e.path}: file parameter harus bernama *.yml (huruf kecil), jadi file ini "
                                      f"tidak akan dibaca. Ganti namanya menjadi {stem.lower()}.yml (bila file itu "
                                      "sudah ada, pindahkan isinya ke sana), lalu hapus file ini.")

    walk(str(params_dir), "")
    return sorted(found)


def _read_params(path: Path) -> tuple[dict, Lines]:
    try:
        params, lines = load_with_lines(path, max_bytes=PARAMS_MAX_BYTES)
    except YamlError as e:
        raise ParamsError(f"{e} Atau hapus file ini lalu jalankan `ranpasti params`.") from e
    if not isinstance(params, dict) or "kode" not in params:
        raise ParamsError(f"{path}: harus berisi setidaknya `kode: ...`.")
    return params, lines


def _has_data(kabs: frozenset[str], kode: str) -> bool:
    """Whether the data covers the unit: its kabupaten/kota (or, for a province, one of them) has rows."""
    if kode == "ID":
        return True
    if level_of(kode) == "provinsi":
        return any(ancestor(k, "provinsi") == kode for k in kabs)
    return ancestor(kode, "kabupaten") in kabs


def load_pages(params_dir: Path, store: Store, cache_file: Path | None = None,
               warn: Callable[[str], None] | None = None) -> list[PageSpec]:
    """Read every params file; its location must match the page its ``kode`` belongs to.

    With ``cache_file`` the parsed YAML of each file is kept between builds, keyed by size and
    modification time (as make and git do): a national rebuild reads ~15,600 files, of which staff edited
    a handful, and re-parsing them all costs more than the one-kecamatan page it rebuilds. The checks
    below run on every file every time; only the parsing is saved.

    A file edited by staff and left behind by a renamed kecamatan (``stale_files``) does not stop the build:
    ``warn`` says which file, where its page is now and what to do, and that page waits for it."""
    cached: dict[str, tuple[int, int, dict]] = {}
    if cache_file is not None and cache_file.exists():
        with contextlib.suppress(Exception):  # a damaged or older cache is only a slower build
            cached = pickle.loads(cache_file.read_bytes())
    fresh: dict[str, tuple[int, int, dict]] = {}
    racy = time.time_ns() - 2_000_000_000
    kabs = frozenset(store.kabupaten_codes())
    pages = []
    stale = {f.rel: f for f in stale_files(params_dir, store)}
    for rel_name, size, mtime in _yml_files(params_dir):
        if rel_name in stale:
            _warn_stale(params_dir, stale[rel_name], warn)
            continue
        path = params_dir / rel_name
        stem = rel_name.rsplit("/", 1)[-1].removesuffix(".yml")
        hit = cached.get(rel_name)
        lines: Lines | None = None
        if hit and hit[:2] == (size, mtime):
            params = dict(hit[2])
        else:
            params, lines = _read_params(path)
        if mtime < racy:  # as git does: a file changed just now might change again within the same tick
            fresh[rel_name] = (size, mtime, dict(params))
        kind = "evaluasi" if stem.startswith("evaluasi-") else "progres"
        params = check_params(path, params, kind, store, lines)
        kode = params["kode"]
        tahun = int(stem.removeprefix("evaluasi-")) if kind == "evaluasi" else None
        try:
            expected = page_dir(store.regions, kode, kind, tahun)
        except (KeyError, ValueError) as e:
            raise ParamsError(f"{path}: kode {kode!r} bukan wilayah yang dikenal untuk halaman ini ({e}).") from e
        if _params_rel(expected, kind, tahun) != rel_name:
            raise ParamsError(f"{path}: kode {kode} adalah halaman {expected or '(beranda)'}, bukan file ini. "
                              "Pindahkan file atau perbaiki kodenya.")
        if kind == "evaluasi" and int(str(params.get("tahun") or tahun)) != tahun:
            raise ParamsError(f"{path}: tahun di dalam file ({params.get('tahun')}) tidak sama dengan nama file.")
        if not _has_data(kabs, kode):
            raise ParamsError(f"{path}: data tidak punya baris untuk {store.regions.unit(kode).label} ({kode}). "
                              "Hapus file ini, atau tambahkan datanya.")
        level = level_of(kode)
        notebook = EVALUATION_NOTEBOOK_OF_LEVEL[level] if kind == "evaluasi" else NOTEBOOK_OF_LEVEL[level]
        pages.append(PageSpec(expected, notebook, params, path, kode, kind, tahun))
    if cache_file is not None and fresh != cached:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache_file.with_suffix(".tmp")
        tmp.write_bytes(pickle.dumps(fresh, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, cache_file)
    return pages


def warn_stale_files(params_dir: Path, store: Store, warn: Callable[[str], None]) -> None:
    """Name every params file left where no page is (what ``write_params`` did not move): ``ranpasti params``
    says so as the build does."""
    for stale in stale_files(params_dir, store):
        _warn_stale(params_dir, stale, warn)


def _warn_stale(params_dir: Path, stale: StaleFile, warn: Callable[[str], None] | None) -> None:
    if warn is None:
        return
    target = params_dir / stale.target
    if target.exists():
        todo = (f"{target} sudah ada; bila ada suntingan di file ini (catatan, terbit, sampul) yang "
                "masih perlu, salin ke sana. File ini boleh dipindahkan ke luar folder params atau dihapus")
    else:
        todo = (f"periksa isinya lalu pindahkan ke {target}; sampai itu, halamannya tidak diterbitkan (agar "
                "terbit: false dan catatan di file itu tidak hilang)")
    warn(f"{params_dir / stale.rel}: file ini tidak di tempat halaman mana pun, dan file parameter halaman "
         f"kodenya adalah {target} (mungkin nama wilayah di data/wilayah berubah). ranpasti hanya memindahkan file "
         f"parameter yang ditulisnya sendiri dan belum diubah, jadi file ini tidak dipindahkan atau dihapus: {todo}.")
