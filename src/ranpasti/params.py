"""Page parameters: one YAML file per page under ``params/``, laid out like the site's URLs.

``params/kabupaten-musi-rawas/tugumulyo/index.yml`` holds the parameters of the page
``site/kabupaten-musi-rawas/tugumulyo/index.html``; papermill reads each file as-is (``papermill -f``).
Files are generated from the units present in the data and never overwritten, so staff can edit them:
add a ``catatan`` shown on the page, or set ``terbit: false`` to leave a page out.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import pickle
import re
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from . import privacy
from .errors import RanpastiError
from .regions import ancestor, level_of
from .store import Store
from .urls import page_dir
from .yamlio import YamlError, load_untrusted

# libyaml's dumper when PyYAML has it (its wheels do); files are read by ``yamlio`` (libyaml's loader too)
SafeDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

NOTEBOOK_OF_LEVEL = {"nasional": "nasional", "provinsi": "provinsi", "kabupaten": "kabupaten",
                     "kecamatan": "kecamatan"}


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
    """Every (kode, kind, tahun, params) the data supports: country, provinces, kabupaten, kecamatan."""
    regions = store.regions
    kabs = store.kabupaten_codes()
    # a December evaluation for every year whose December is in the data; the current year waits for it
    years = sorted({int(m[:4]) for m in store.months() if m.endswith("-12")})
    out: list[tuple[str, str, int | None, dict]] = [("ID", "progres", None, {"kode": "ID", "bulan": None})]
    for prov in sorted({ancestor(k, "provinsi") for k in kabs}):
        out.append((prov, "progres", None, {"kode": prov, "bulan": None}))
    for kab in kabs:
        kecs = sorted(regions.children(kab).index)
        for kode in [kab, *kecs]:
            out.append((kode, "progres", None, {"kode": kode, "bulan": None}))
            for year in years:
                out.append((kode, "evaluasi", year, {"kode": kode, "tahun": year}))
    return out


def write_params(store: Store, params_dir: Path, overwrite: bool = False) -> tuple[int, int]:
    """Write missing params files; return (written, kept). Existing files are kept: they may be edited."""
    written = kept = 0
    existing = {rel for rel, _, _ in _yml_files(params_dir)} if params_dir.is_dir() else set()
    for kode, kind, tahun, params in planned_pages(store):
        page = page_dir(store.regions, kode, kind, tahun)
        rel = _params_rel(page, kind, tahun)
        path = params_dir / rel
        if rel in existing and not overwrite:
            kept += 1
            continue
        unit = store.regions.unit(kode)
        label = "Evaluasi " + str(tahun) + " " if kind == "evaluasi" else ""
        body = {**params, "catatan": "", "terbit": True}
        head = (f"# Halaman: site/{page}index.html ({label}{unit.label})\n"
                "# Dibuat oleh `ranpasti params`. Boleh diubah: catatan (tampil di halaman), terbit (false = tidak\n"
                "# diterbitkan), bulan (\"YYYY-MM\"; kosong = bulan terakhir di data).\n"
                + ("# Sampul laporan (boleh ditambahkan): tim_evaluasi, tanggal_evaluasi (YYYY-MM-DD), disahkan_oleh;\n"
                   "# tulis lembaga/jabatan, bukan nama orang.\n" if kind == "evaluasi" else ""))
        path.parent.mkdir(parents=True, exist_ok=True)
        text = yaml.dump(body, Dumper=SafeDumper, allow_unicode=True, sort_keys=False)
        path.write_text(head + text, encoding="utf-8")
        written += 1
    return written, kept


class ParamsError(RanpastiError):
    pass


# The keys a params file may hold, per kind of page. Papermill writes every key it is given into the
# notebook's parameters cell as ``key = value`` code, so a key is never passed on unchecked: an unknown or
# non-identifier key (``"x = __import__('os').system(...) #"``) would be code that runs.
ALLOWED_KEYS = {"progres": ("kode", "bulan", "catatan", "terbit"),
                "evaluasi": ("kode", "tahun", "catatan", "terbit", "tim_evaluasi", "tanggal_evaluasi",
                             "disahkan_oleh")}
# An evaluation report's cover block: offices and positions, not people's names (the page is public)
DOCUMENT_KEYS = ("tim_evaluasi", "disahkan_oleh")
DOCUMENT_MAX = 200
_DATE = re.compile(r"\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])")
CATATAN_MAX = 2000  # characters of a page note
_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def check_params(path: Path, params: dict, kind: str, store: Store) -> dict:
    """The params of one file, typed and checked; a ``ParamsError`` naming the file and key otherwise.

    ``terbit: tidak`` or ``terbit: 'false'`` is a string, and ``bool("tidak")`` published the page: only
    YAML's true/false are accepted. ``bulan`` must be a month the data has (a page for a month without data
    showed every desa as not reporting)."""
    allowed = ALLOWED_KEYS[kind]
    for key in params:
        if key not in allowed:
            raise ParamsError(f"{path}: kunci {str(key)!r} tidak dikenal. Yang boleh di file ini: "
                              f"{', '.join(allowed)}. Hapus kunci itu.")
    out = dict(params)
    kode = params.get("kode")
    if isinstance(kode, bool) or not isinstance(kode, (str, int)):
        raise ParamsError(f"{path}: kode harus teks dalam tanda kutip, mis. kode: \"16.05.01\" (tertulis {kode!r}).")
    out["kode"] = str(kode)
    if "terbit" in params and not isinstance(params["terbit"], bool):
        raise ParamsError(f"{path}: terbit harus true atau false (tertulis {params['terbit']!r}).")
    catatan = params.get("catatan")
    if catatan is not None and not isinstance(catatan, str):
        raise ParamsError(f"{path}: catatan harus teks (tertulis {type(catatan).__name__}).")
    if isinstance(catatan, str) and len(catatan) > CATATAN_MAX:
        raise ParamsError(f"{path}: catatan terlalu panjang ({len(catatan)} karakter, paling banyak {CATATAN_MAX}).")
    if kind == "progres" and params.get("bulan") is not None:
        bulan = params["bulan"]
        if not isinstance(bulan, str) or not _MONTH.fullmatch(bulan):
            raise ParamsError(f"{path}: bulan harus \"YYYY-MM\" dalam tanda kutip, mis. bulan: \"2024-06\", "
                              f"atau kosong untuk bulan terakhir di data (tertulis {bulan!r}).")
        months = store.months()
        if bulan not in months:
            raise ParamsError(f"{path}: data tidak punya bulan {bulan} (data: {months[0]} s.d. {months[-1]}). "
                              "Perbaiki bulan atau kosongkan.")
    if kind == "evaluasi":
        tahun = params.get("tahun")
        if isinstance(tahun, bool) or not isinstance(tahun, int):
            raise ParamsError(f"{path}: tahun harus angka tahun, mis. tahun: 2024 (tertulis {tahun!r}).")
        for key in DOCUMENT_KEYS:
            value = params.get(key)
            if value is not None and (not isinstance(value, str) or len(value) > DOCUMENT_MAX):
                raise ParamsError(f"{path}: {key} harus teks paling banyak {DOCUMENT_MAX} karakter, mis. "
                                  f"\"Kepala DPPKB Kabupaten ...\" (jabatan, bukan nama orang).")
        when = params.get("tanggal_evaluasi")
        if isinstance(when, dt.date):  # YAML reads 2024-12-20 as a date
            out["tanggal_evaluasi"] = when.isoformat()
        elif when not in (None, "") and not (isinstance(when, str) and _DATE.fullmatch(when)):
            raise ParamsError(f"{path}: tanggal_evaluasi harus tanggal YYYY-MM-DD, mis. 2024-12-20 "
                              f"(tertulis {when!r}).")
    return out


def _yml_files(params_dir: Path) -> list[tuple[str, int, int]]:
    """(relative path, size, mtime_ns) of every params file, sorted; scandir is ~5× faster than rglob."""
    found = []

    def walk(folder: str, prefix: str) -> None:
        with os.scandir(folder) as entries:
            for e in entries:
                if e.is_dir(follow_symlinks=False):  # a linked folder could loop back on itself
                    walk(e.path, prefix + e.name + "/")
                elif e.name.endswith(".yml"):
                    st = e.stat()
                    found.append((prefix + e.name, st.st_size, st.st_mtime_ns))

    walk(str(params_dir), "")
    return sorted(found)


def _read_params(path: Path) -> dict:
    try:
        params = load_untrusted(path, max_bytes=64 * 1024) or {}
    except YamlError as e:
        raise ParamsError(f"{e} Atau hapus file ini lalu jalankan `ranpasti params`.") from e
    if not isinstance(params, dict) or "kode" not in params:
        raise ParamsError(f"{path}: harus berisi setidaknya `kode: ...`.")
    return params


def _has_data(kabs: frozenset[str], kode: str) -> bool:
    """Whether the data covers the unit: its kabupaten/kota (or, for a province, one of them) has rows."""
    if kode == "ID":
        return True
    if level_of(kode) == "provinsi":
        return any(ancestor(k, "provinsi") == kode for k in kabs)
    return ancestor(kode, "kabupaten") in kabs


def load_pages(params_dir: Path, store: Store, cache_file: Path | None = None) -> list[PageSpec]:
    """Read every params file; its location must match the page its ``kode`` belongs to.

    With ``cache_file`` the parsed YAML of each file is kept between builds, keyed by size and
    modification time (as make and git do): a national rebuild reads ~15,600 files, of which staff edited
    a handful, and re-parsing them all costs more than the one-kecamatan page it rebuilds. The checks
    below run on every file every time; only the parsing is saved."""
    cached: dict[str, tuple[int, int, dict]] = {}
    if cache_file is not None and cache_file.exists():
        with contextlib.suppress(Exception):  # a damaged or older cache is only a slower build
            cached = pickle.loads(cache_file.read_bytes())
    fresh: dict[str, tuple[int, int, dict]] = {}
    racy = time.time_ns() - 2_000_000_000
    kabs = frozenset(store.kabupaten_codes())
    pages = []
    for rel_name, size, mtime in _yml_files(params_dir):
        path = params_dir / rel_name
        stem = rel_name.rsplit("/", 1)[-1].removesuffix(".yml")
        hit = cached.get(rel_name)
        params = dict(hit[2]) if hit and hit[:2] == (size, mtime) else _read_params(path)
        if mtime < racy:  # as git does: a file changed just now might change again within the same tick
            fresh[rel_name] = (size, mtime, dict(params))
        kind = "evaluasi" if stem.startswith("evaluasi-") else "progres"
        params = check_params(path, params, kind, store)
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
        for key, text in privacy.texts_in(params):  # every text (catatan, tim_evaluasi, …): all are published
            found = privacy.find_personal(text)
            if found:
                raise ParamsError(f"{path}: {key} berisi {found.what} ({found.masked}). Teks ini tampil di situs "
                                  f"publik{found.fix}")
        if not _has_data(kabs, kode):
            raise ParamsError(f"{path}: data tidak punya baris untuk {store.regions.unit(kode).label} ({kode}). "
                              "Hapus file ini, atau tambahkan datanya.")
        notebook = "evaluasi" if kind == "evaluasi" else NOTEBOOK_OF_LEVEL[level_of(kode)]
        pages.append(PageSpec(expected, notebook, params, path, kode, kind, tahun))
    if cache_file is not None and fresh != cached:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache_file.with_suffix(".tmp")
        tmp.write_bytes(pickle.dumps(fresh, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, cache_file)
    return pages
