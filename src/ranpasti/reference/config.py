"""Settings staff may change without touching code: achievement bands, privacy threshold, sample flag.

Read from ``konfigurasi.yml`` in the data folder, typed by its schema (``settings.Konfigurasi``); anything
missing falls back to the defaults below, which follow the regional-dashboard convention described in
``domain.md`` (no official RAN PASTI scheme exists).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import settings


@dataclass(frozen=True)
class Band:
    min: float
    label: str
    color: str  # background of the badge; all pass WCAG AA with white text


DEFAULT_BANDS = (
    Band(100, "Tercapai", "#18794e"),
    Band(80, "Hampir tercapai", "#6e5a00"),
    Band(60, "Perlu perhatian", "#a14a00"),
    Band(float("-inf"), "Jauh dari target", "#b42318"),
)
NO_DATA_BAND = Band(float("nan"), "Tidak ada data", "#5c6370")
NO_TARGET_BAND = Band(float("nan"), "Tidak ada target", "#5c6370")  # a value, but no target set for that year


@dataclass(frozen=True)
class Config:
    bands: tuple[Band, ...] = DEFAULT_BANDS
    sample: bool = False
    privacy_min_krs: int = 5
    privacy_protection: int | None = None  # whole numbers a masked count spans for a reader (None: threshold - 1)
    source_note: str = ""
    lokmin_per_year: int = 12  # Lokmin meetings a kecamatan is expected to hold in a year (monthly)
    count_limit: int = 1_000_000  # most a count may be in one row (a desa's month, a kecamatan's year)
    count_limits: dict[str, int] = field(default_factory=dict)  # per column, overriding ``count_limit``
    extra: dict = field(default_factory=dict)

    def limit(self, column: str) -> int:
        return self.count_limits.get(column, self.count_limit)

    def band(self, capaian_target: float | None) -> Band:
        if capaian_target is None or capaian_target != capaian_target:
            return NO_DATA_BAND
        return next(b for b in self.bands if capaian_target >= b.min)


COUNT_LIMIT_MAX = settings.COUNT_LIMIT_MAX


def load_config(data_dir: Path) -> Config:
    """``konfigurasi.yml`` read through its schema (``settings.Konfigurasi``): a wrong value is a message
    naming the file, line and key, never a silent default or a traceback."""
    path = Path(data_dir) / "konfigurasi.yml"
    doc = settings.read(path, settings.Konfigurasi, missing_ok=True)
    bands: tuple[Band, ...] = DEFAULT_BANDS
    if doc.ambang_capaian:
        items = sorted(doc.ambang_capaian, key=lambda b: -b.min)
        bands = tuple(Band(b.min, b.label, b.warna) for b in items)
        bands = (*bands[:-1], Band(float("-inf"), bands[-1].label, bands[-1].color))
    limits = dict(doc.batas_jumlah)
    return Config(
        bands=bands,
        count_limit=limits.pop("bawaan", Config.count_limit),
        count_limits=limits,
        sample=doc.data_contoh,
        privacy_min_krs=doc.batas_privasi_krs,
        privacy_protection=doc.lebar_perlindungan_privasi,
        source_note=doc.keterangan_sumber,
        lokmin_per_year=doc.lokmin_per_tahun,
        extra=doc.model_dump(mode="json"),
    )
