"""Page parameters: one YAML file per page under ``params/``, laid out like the site's URLs.

``params/kabupaten-musi-rawas/tugumulyo/index.yml`` holds the parameters of the page
``site/kabupaten-musi-rawas/tugumulyo/index.html``; papermill reads each file as-is (``papermill -f``).
Files are generated from the units present in the data and never overwritten, so staff can edit them:
add a ``catatan`` shown on the page, or set ``terbit: false`` to leave a page out.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from . import privacy
from .regions import level_of
from .store import Store
from .urls import page_dir

# libyaml's safe loader/dumper when PyYAML has it (its wheels do): a national build reads ~15,600 params
# files, which takes ~8 s with the pure-Python parser and under 1 s with libyaml. Same safety, same output.
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
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
    if kind == "evaluasi":
        return params_dir / page.removesuffix(f"evaluasi-{tahun}/") / f"evaluasi-{tahun}.yml"
    return params_dir / page / "index.yml"


def planned_pages(store: Store) -> list[tuple[str, str, int | None, dict]]:
    """Every (kode, kind, tahun, params) the data supports: country, provinces, kabupaten, kecamatan."""
    regions = store.regions
    kabs = store.kabupaten_codes()
    years = sorted({int(m[:4]) for m in store.months()})
    out: list[tuple[str, str, int | None, dict]] = [("ID", "progres", None, {"kode": "ID", "bulan": None})]
    for prov in sorted({k[:2] for k in kabs}):
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
    for kode, kind, tahun, params in planned_pages(store):
        page = page_dir(store.regions, kode, kind, tahun)
        path = params_path(params_dir, page, kind, tahun)
        if path.exists() and not overwrite:
            kept += 1
            continue
        unit = store.regions.unit(kode)
        label = "Evaluasi " + str(tahun) + " " if kind == "evaluasi" else ""
        body = {**params, "catatan": "", "terbit": True}
        head = (f"# Halaman: site/{page}index.html ({label}{unit.label})\n"
                "# Dibuat oleh `ranpasti params`. Boleh diubah: catatan (tampil di halaman), terbit (false = tidak\n"
                "# diterbitkan), bulan (\"YYYY-MM\"; kosong = bulan terakhir di data).\n")
        path.parent.mkdir(parents=True, exist_ok=True)
        text = yaml.dump(body, Dumper=SafeDumper, allow_unicode=True, sort_keys=False)
        path.write_text(head + text, encoding="utf-8")
        written += 1
    return written, kept


class ParamsError(Exception):
    pass


def load_pages(params_dir: Path, store: Store) -> list[PageSpec]:
    """Read every params file; its location must match the page its ``kode`` belongs to."""
    pages = []
    for path in sorted(params_dir.rglob("*.yml")):
        rel = path.relative_to(params_dir)
        try:
            params = yaml.load(path.read_text(encoding="utf-8"), Loader=SafeLoader) or {}
        except yaml.YAMLError as e:
            raise ParamsError(f"{path}: YAML tidak sah ({e}). Perbaiki atau hapus file ini lalu jalankan "
                              "`ranpasti params`.") from e
        if not isinstance(params, dict) or "kode" not in params:
            raise ParamsError(f"{path}: harus berisi setidaknya `kode: ...`.")
        kode = str(params["kode"])
        params["kode"] = kode
        kind = "evaluasi" if path.stem.startswith("evaluasi-") else "progres"
        tahun = int(path.stem.removeprefix("evaluasi-")) if kind == "evaluasi" else None
        try:
            expected = page_dir(store.regions, kode, kind, tahun)
        except (KeyError, ValueError) as e:
            raise ParamsError(f"{path}: kode {kode!r} bukan wilayah yang dikenal untuk halaman ini ({e}).") from e
        if params_path(Path("."), expected, kind, tahun) != Path(".") / rel:
            raise ParamsError(f"{path}: kode {kode} adalah halaman {expected or '(beranda)'}, bukan file ini. "
                              "Pindahkan file atau perbaiki kodenya.")
        if kind == "evaluasi" and int(params.get("tahun", tahun)) != tahun:
            raise ParamsError(f"{path}: tahun di dalam file ({params.get('tahun')}) tidak sama dengan nama file.")
        nik = privacy.find_nik(str(params.get("catatan") or ""))
        if nik:
            raise ParamsError(f"{path}: catatan berisi nomor berbentuk NIK atau No. KK ({privacy.mask(nik)}). "
                              "Catatan tampil di situs publik: hapus nomor itu.")
        notebook = "evaluasi" if kind == "evaluasi" else NOTEBOOK_OF_LEVEL[level_of(kode)]
        pages.append(PageSpec(expected, notebook, params, path, kode, kind, tahun))
    return pages
