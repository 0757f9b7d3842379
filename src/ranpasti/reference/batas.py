"""Boundaries for the maps: the committed TopoJSON of ``data/wilayah/batas/`` read as GeoJSON shapes by code.

The files come from ``scripts/update_batas.py`` (cahyadsn/wilayah_boundaries, MIT): ``kabupaten.topojson``
for the whole country, ``kecamatan-<provinsi>.topojson`` per province, ``desa-<kabupaten>.topojson`` where the
source has desa. They are reference data like ``data/wilayah/*.csv``: part of every page's key
(``fingerprint``), read once per process and only the file a page needs.

Boundaries are untrusted input too: a feature's code must have its level's shape and its geometry must be a
polygon; anything else is left out as if it had no shape (the map then says "batas tidak tersedia").
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core import caches
from ..core.files import sha256_file

CREDIT = "Batas wilayah: cahyadsn/wilayah_boundaries (MIT), indikatif, bukan batas resmi"
CREDIT_URL = "https://github.com/cahyadsn/wilayah_boundaries"
MAX_BYTES = 5_000_000  # a committed file is ≤ 1 MB; anything far larger is not ours
_CODE = {"kabupaten": re.compile(r"\d{2}\.\d{2}"), "kecamatan": re.compile(r"\d{2}\.\d{2}\.\d{2}"),
         "desa": re.compile(r"\d{2}\.\d{2}\.\d{2}\.\d{4}")}
_POLYGONAL = {"Polygon", "MultiPolygon"}


def batas_dir(wilayah_dir: Path) -> Path:
    return Path(wilayah_dir) / "batas"


def fingerprint(wilayah_dir: Path) -> str:
    """What the boundaries are, by content (file names and hashes): a changed shape re-draws every map."""
    d = batas_dir(wilayah_dir)
    if not d.is_dir():
        return ""
    return "\0".join(f"{p.name}={sha256_file(p)}" for p in sorted(d.glob("*.topojson")))


def file_for(level: str, parent: str) -> str:
    """The file holding the shapes of ``level`` under ``parent`` (a code, "" for the country)."""
    if level == "kabupaten":
        return "kabupaten.topojson"
    if level == "kecamatan":
        return f"kecamatan-{parent[:2]}.topojson"
    if level == "desa":
        return f"desa-{parent[:5]}.topojson"
    raise ValueError(f"tidak ada peta untuk tingkat {level}")


@dataclass(frozen=True)
class Shape:
    kode: str
    geometry: dict[str, Any]  # GeoJSON geometry, [lng, lat]


@caches.memo(8)
def _read(path: Path, level: str) -> dict[str, Shape]:
    """Every well-formed shape of one file, decoded from TopoJSON (arcs, quantization) by the ``topojson``
    library. Cached: a worker draws many pages from the same province's file."""
    from topojson.utils import serialize_as_geojson  # numpy and shapely: only where a map is drawn

    if not path.is_file() or path.stat().st_size > MAX_BYTES:
        return {}
    try:
        topo = json.loads(path.read_text(encoding="utf-8"))
        collection = serialize_as_geojson(topo, objectname=level, order="CW_CCW")  # d3-geo: exterior clockwise
    except (ValueError, KeyError, TypeError, IndexError):
        return {}
    shapes = {}
    for f in collection.get("features", []):
        kode = str((f.get("properties") or {}).get("kode", ""))
        geom = f.get("geometry") or {}
        if _CODE[level].fullmatch(kode) and geom.get("type") in _POLYGONAL:
            shapes[kode] = Shape(kode, geom)
    return shapes


def shapes(wilayah_dir: Path, level: str, parent: str) -> dict[str, Shape]:
    """The shapes of ``level`` inside ``parent`` ("" = the whole country), by code."""
    found = _read(batas_dir(wilayah_dir) / file_for(level, parent), level)
    if not parent:
        return dict(found)
    prefix = parent + "."
    return {k: s for k, s in found.items() if k.startswith(prefix)}


def coverage(wilayah_dir: Path, level: str, parent: str, codes: list[str]) -> tuple[list[str], list[str]]:
    """(codes without a shape, shapes without a code) for the units ``codes`` of ``level`` in ``parent``."""
    have = shapes(wilayah_dir, level, parent)
    wanted = set(codes)
    return sorted(wanted - set(have)), sorted(set(have) - wanted)


def coverage_warning(wilayah_dir: Path, level: str, parent: str, names: dict[str, str]) -> str | None:
    """One line for staff when the boundaries and the reference regions disagree under ``parent``: units
    drawn as "batas tidak tersedia" and shapes no unit has (``names``: the reference units, code → name).
    A warning, never an error: the map is drawn with what there is."""
    missing, extra = coverage(wilayah_dir, level, parent, list(names))
    if not missing and not extra:
        return None
    where = f"data/wilayah/batas/{file_for(level, parent)}"

    def listed(codes: list[str], named: bool) -> str:
        shown = ", ".join(f"{c} {names[c]}" if named else c for c in codes[:20])
        return shown + (f" dan {len(codes) - 20} lainnya" if len(codes) > 20 else "")

    parts = []
    if missing and len(missing) == len(names):
        parts.append(f"tidak ada batas {level} sama sekali (peta tidak ditampilkan)")
    elif missing:
        parts.append(f"{len(missing)} {level} tanpa batas (di peta: tidak tergambar, disebut di bawahnya): "
                     f"{listed(missing, True)}")
    if extra:
        parts.append(f"{len(extra)} bentuk dengan kode yang tidak ada di data wilayah (tidak dipakai): "
                     f"{listed(extra, False)}")
    return f"{where} untuk {parent or 'Indonesia'}: " + "; ".join(parts) + ". Perbarui dengan scripts/update_batas.py."
