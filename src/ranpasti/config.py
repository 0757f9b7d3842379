"""Settings staff may change without touching code: achievement bands, privacy threshold, sample flag.

Read from ``konfigurasi.yml`` in the data folder; anything missing falls back to the defaults below, which
follow the regional-dashboard convention described in ``domain.md`` (no official RAN PASTI scheme exists).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import privacy
from .yamlio import YamlError, load_untrusted


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


# A count above this is never plausible and no longer exact as a float: the configured bounds stop here.
COUNT_LIMIT_MAX = 10**12


def _whole(value, default: int) -> int:
    """A configured whole number as written, or ``default`` when it is not one."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _limit(value) -> int:
    """A configured bound, as a whole number in [1, COUNT_LIMIT_MAX] (else the default)."""
    return min(max(_whole(value, Config.count_limit), 1), COUNT_LIMIT_MAX)


def _positive(value, default: int) -> int:
    """A configured whole number of at least 1 (else the default)."""
    n = _whole(value, default)
    return n if n >= 1 else default


def load_config(data_dir: Path) -> Config:
    path = Path(data_dir) / "konfigurasi.yml"
    raw = load_untrusted(path) if path.exists() or path.is_symlink() else {}
    raw = raw or {}
    if not isinstance(raw, dict):
        raise YamlError(f"{path}: harus berisi pengaturan `nama: nilai`, bukan {type(raw).__name__}.")
    privacy.refuse_personal_in(raw, str(path))  # keterangan_sumber, labels…: published on every page
    bands: tuple[Band, ...] = DEFAULT_BANDS
    if raw.get("ambang_capaian"):
        items = sorted(raw["ambang_capaian"], key=lambda b: -float(b.get("min", float("-inf"))))
        bands = tuple(Band(float(b.get("min", float("-inf"))), str(b["label"]), str(b["warna"])) for b in items)
        bands = (*bands[:-1], Band(float("-inf"), bands[-1].label, bands[-1].color))
    limits = raw.get("batas_jumlah") or {}
    limits = {str(k): _limit(v) for k, v in limits.items()} if isinstance(limits, dict) else {}
    return Config(
        bands=bands,
        count_limit=limits.pop("bawaan", Config.count_limit),
        count_limits=limits,
        sample=bool(raw.get("data_contoh", False)),
        privacy_min_krs=int(raw.get("batas_privasi_krs", 5)),
        privacy_protection=(int(raw["lebar_perlindungan_privasi"]) if raw.get("lebar_perlindungan_privasi")
                            is not None else None),
        source_note=str(raw.get("keterangan_sumber", "")),
        lokmin_per_year=_positive(raw.get("lokmin_per_tahun"), Config.lokmin_per_year),
        extra=raw,
    )
