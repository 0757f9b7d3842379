"""Regenerate data/wilayah/batas/ (boundaries for the maps) from cahyadsn/wilayah_boundaries (MIT).

Why a script: the boundaries are data we redistribute, transformed (simplified, made topological, quantized),
so anyone must be able to reproduce the committed files from the upstream and see exactly what was done.

Usage::

    python scripts/update_batas.py                    # from ../shared/batas (this workplace's copy)
    python scripts/update_batas.py --sumber DIR       # a checkout of the upstream (DIR/db/kec/*.sql, ...)
    python scripts/update_batas.py --unduh            # git clone the upstream first (needs internet)

What it writes (TopoJSON, features sorted by code, properties ``kode`` and ``nama``):

- ``kecamatan-<provinsi>.topojson``: the kecamatan of one province (object ``kecamatan``); a kabupaten's
  outline is the union of its kecamatan, so the two levels always agree;
- ``kabupaten.topojson``: every kabupaten/kota of the country (object ``kabupaten``), dissolved from the
  kecamatan and simplified for the national and province maps;
- ``desa-<kabupaten>.topojson``: the desa of each kabupaten the source has desa polygons for (object ``desa``);
- ``README.md`` (source, commit, credit, what was changed) and ``LICENSE`` (the upstream's).

The source is untrusted text: rows are read with one strict pattern (a code of the right shape, a name, a JSON
path of numbers), nothing in it is evaluated, and a row that does not match is reported and skipped.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import topojson
from shapely import make_valid, unary_union
from shapely.geometry import MultiPolygon, Polygon, mapping
from shapely.geometry.base import BaseGeometry

UPSTREAM = "https://github.com/cahyadsn/wilayah_boundaries"
ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "wilayah" / "batas"
DEFAULT_SOURCE = ROOT.parent / "shared" / "batas"
CREDIT = "Batas wilayah: cahyadsn/wilayah_boundaries (MIT), indikatif, bukan batas resmi"
MAX_FILE = 1_000_000  # bytes: the budget of one committed file
MAX_TOTAL = 8_000_000  # bytes: the budget of kabupaten + kecamatan for the whole country

# Simplification tolerances in degrees (1° ≈ 111 km). Kecamatan are drawn on a kabupaten page about 340 px
# wide (a kabupaten is ~1–2°: ~0.005° per pixel), kabupaten on a province page (~5°: ~0.015°/px) and
# the national page (~46°: ~0.13°/px); desa on a kecamatan page (~0.2°: ~0.0006°/px).
TOLERANCE = {"kecamatan": 0.001, "kabupaten": 0.01, "desa": 0.0002}
# Quantization: the grid each file's coordinates are snapped to (per file's extent).
QUANTIZE = {"kecamatan": 10_000, "kabupaten": 10_000, "desa": 10_000}
# Slivers between neighbouring kecamatan (the upstream digitised each one separately) would leave thousands
# of specks inside a dissolved kabupaten; closing by this much (degrees, ~300 m) removes them.
CLOSE = 0.003

CODE = {"kecamatan": r"\d{2}\.\d{2}\.\d{2}", "desa": r"\d{2}\.\d{2}\.\d{2}\.\d{4}"}
ROW_START = re.compile(r"^\s*\(\s*'", re.M)
# one row of an INSERT: ('kode','nama',lat,lng,'path'); a quote inside a name is doubled ('Ma''u') or escaped
ROW = re.compile(r"\(\s*'(?P<kode>[0-9.]{8,13})'\s*,\s*'(?P<nama>(?:[^'\\]|\\.|''){1,120})'\s*,\s*(?P<lat>-?[\d.]+)\s*,"
                 r"\s*(?P<lng>-?[\d.]+)\s*,\s*'(?P<path>\[[\[\]0-9.,\s\-eE]*\])'")


def rows(path: Path, level: str) -> Iterator[tuple[str, str, BaseGeometry]]:
    """(code, name, geometry) for each row of one SQL file; rows that are not well-formed are reported."""
    text = path.read_text(encoding="utf-8", errors="replace")
    code = re.compile(CODE[level])
    started, read = len(ROW_START.findall(text)), 0
    for m in ROW.finditer(text):
        read += 1
        kode, nama = m["kode"], m["nama"].replace("''", "'").replace("\\'", "'")
        if not code.fullmatch(kode):
            continue  # another level's row (the files of a level hold only that level; this is a guard)
        try:
            geom = geometry(json.loads(m["path"]))
        except (ValueError, TypeError, IndexError) as e:
            print(f"  {path.name}: {kode} {nama}: bentuk tidak terbaca ({e}); dilewati", file=sys.stderr)
            continue
        if geom is None or geom.is_empty:
            print(f"  {path.name}: {kode} {nama}: bentuk kosong; dilewati", file=sys.stderr)
            continue
        yield kode, nama, geom
    if read < started:
        print(f"  {path.name}: {started - read} baris tidak sesuai pola (kode, nama, lat, lng, path); dilewati",
              file=sys.stderr)


def geometry(path: list) -> BaseGeometry | None:
    """The area of one ``path``: rings of [lat, lng] pairs, or polygons of rings; combined even-odd (a ring
    inside another is a hole, a ring outside is another part), which is how the upstream draws them."""
    rings = [r for poly in path for r in poly] if isinstance(path[0][0][0], list) else path
    area: BaseGeometry | None = None
    for ring in rings:
        if len(ring) < 4:
            continue
        part = make_valid(Polygon([(float(lng), float(lat)) for lat, lng in ring]))
        area = part if area is None else area.symmetric_difference(part)
    return polygonal(area) if area is not None else None


def polygonal(geom: BaseGeometry) -> BaseGeometry:
    """Only the polygons of a geometry (make_valid and set operations can leave lines and points)."""
    if isinstance(geom, Polygon | MultiPolygon):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if isinstance(g, Polygon | MultiPolygon)]
    return unary_union(parts) if parts else Polygon()


def dissolve(parts: list[BaseGeometry]) -> BaseGeometry:
    """A kabupaten from its kecamatan: their union, closed over the slivers between them."""
    union = unary_union(parts)
    return polygonal(union.buffer(CLOSE, join_style="mitre").buffer(-CLOSE, join_style="mitre"))


def topology(features: list[tuple[str, str, BaseGeometry]], name: str, level: str) -> bytes:
    """Compact TopoJSON of ``features``: shared borders stored once and simplified once (no gaps or overlaps
    between neighbours), coordinates quantized and delta-encoded."""
    collection = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"kode": k, "nama": n}, "geometry": mapping(g)}
        for k, n, g in sorted(features, key=lambda f: f[0])]}
    topo = topojson.Topology(collection, object_name=name, prequantize=False, topoquantize=QUANTIZE[level],
                             toposimplify=TOLERANCE[level], prevent_oversimplify=True)
    data = json.loads(topo.to_json())
    data.pop("bbox", None)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def write(path: Path, data: bytes, written: dict[str, int]) -> None:
    path.write_bytes(data)
    written[path.name] = len(data)


def readme(source: Path, written: dict[str, int], counts: dict[str, int]) -> str:
    commit = (source / "SOURCE-COMMIT").read_text(encoding="utf-8").strip() if (source / "SOURCE-COMMIT").exists() \
        else "(tidak diketahui)"
    sizes = "\n".join(f"| `{name}` | {size / 1000:,.0f} KB |" for name, size in sorted(written.items()))
    return f"""# Batas wilayah (boundaries for the maps)

Generated by `scripts/update_batas.py` from **cahyadsn/wilayah_boundaries** ({UPSTREAM}),
MIT licence (see `LICENSE` in this folder), upstream commit `{commit}`.
Do not edit by hand: run the script again.

Credit shown under every map: "{CREDIT}". The upstream does not document where its geometry
was digitised from; the official source is BIG's Rupabumi Indonesia. The maps are indicative.

What was changed:

- [lat, lng] pairs swapped to [lng, lat]; rings combined even-odd into polygons and made valid (shapely);
- kabupaten/kota dissolved from their kecamatan and closed over the slivers between them ({CLOSE}°); the
  upstream's separate kabupaten polygons are not used, so the two levels always agree;
- borders shared between neighbours simplified once (Douglas-Peucker; {TOLERANCE['kecamatan']}° for
  kecamatan, {TOLERANCE['kabupaten']}° for kabupaten, {TOLERANCE['desa']}° for desa) and quantized
  (python `topojson`).

Codes are Kepmendagri codes in dotted form, as in `data/wilayah/*.csv`.
Contents: {counts['kecamatan']:,} kecamatan, {counts['kabupaten']:,} kabupaten/kota, {counts['desa']:,} desa.

| file | size |
|---|---|
{sizes}
"""


def download() -> Path:
    """A shallow clone of the upstream in a temporary folder (the user's internet, git on PATH)."""
    if shutil.which("git") is None:
        sys.exit("git tidak ada: pasang git, atau unduh repositori secara manual lalu pakai --sumber FOLDER.")
    tmp = Path(tempfile.mkdtemp(prefix="batas-"))
    done = subprocess.run(["git", "clone", "--depth", "1", UPSTREAM, str(tmp / "src")], check=False)
    if done.returncode != 0:
        sys.exit(f"Gagal mengunduh {UPSTREAM} (perlu internet). Unduh manual lalu pakai --sumber FOLDER.")
    head = subprocess.run(["git", "-C", str(tmp / "src"), "log", "-1", "--format=%H %cd"], capture_output=True,
                          text=True, check=False).stdout.strip()
    (tmp / "src" / "SOURCE-COMMIT").write_text(head + "\n", encoding="utf-8")
    return tmp / "src"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sumber", type=Path, default=DEFAULT_SOURCE, help="folder with db/kec, db/kel (upstream)")
    ap.add_argument("--unduh", action="store_true", help="clone the upstream from GitHub first")
    ap.add_argument("--keluar", type=Path, default=OUT, help="output folder (default data/wilayah/batas)")
    args = ap.parse_args(argv)
    source = download() if args.unduh else args.sumber
    kec_dir, kel_dir = source / "db" / "kec", source / "db" / "kel"
    if not kec_dir.is_dir():
        sys.exit(f"{kec_dir} tidak ada: --sumber harus menunjuk ke salinan wilayah_boundaries (berisi db/kec).")
    out = args.keluar
    staging = out.with_name(out.name + ".baru")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    written: dict[str, int] = {}
    counts = {"kecamatan": 0, "kabupaten": 0, "desa": 0}
    kabupaten: dict[str, list[BaseGeometry]] = {}
    for sql in sorted(kec_dir.glob("wilayah_boundaries_kec_*.sql")):
        features = list(rows(sql, "kecamatan"))
        if not features:
            continue
        prov = features[0][0][:2]
        for kode, _, geom in features:
            kabupaten.setdefault(kode[:5], []).append(geom)
        write(staging / f"kecamatan-{prov}.topojson", topology(features, "kecamatan", "kecamatan"), written)
        counts["kecamatan"] += len(features)
        print(f"kecamatan {prov}: {len(features)} kecamatan, {written[f'kecamatan-{prov}.topojson'] / 1000:,.0f} KB")
    dissolved = [(kode, "", dissolve(parts)) for kode, parts in kabupaten.items()]
    write(staging / "kabupaten.topojson", topology(dissolved, "kabupaten", "kabupaten"), written)
    counts["kabupaten"] = len(dissolved)
    print(f"kabupaten: {len(dissolved)}, {written['kabupaten.topojson'] / 1000:,.0f} KB")
    for sql in sorted(kel_dir.glob("**/wilayah_boundaries_kel_*.sql")) if kel_dir.is_dir() else []:
        features = list(rows(sql, "desa"))
        for kab in sorted({k[:5] for k, _, _ in features}):
            mine = [f for f in features if f[0].startswith(kab + ".")]
            name = f"desa-{kab}.topojson"
            write(staging / name, topology(mine, "desa", "desa"), written)
            counts["desa"] += len(mine)
            print(f"desa {kab}: {len(mine)} desa, {written[name] / 1000:,.0f} KB")
    total = sum(size for name, size in written.items() if not name.startswith("desa-"))
    too_big = [name for name, size in written.items() if size > MAX_FILE]
    licence = source / "LICENSE"
    if licence.exists():
        shutil.copyfile(licence, staging / "LICENSE")
    (staging / "README.md").write_text(readme(source, written, counts), encoding="utf-8")
    print(f"kabupaten + kecamatan: {total / 1e6:.2f} MB (anggaran {MAX_TOTAL / 1e6:.0f} MB)")
    if too_big or total > MAX_TOTAL:
        shutil.rmtree(staging)
        sys.exit(f"Melebihi anggaran: {', '.join(too_big) or 'jumlah seluruhnya'}; naikkan toleransi penyederhanaan.")
    if out.exists():
        shutil.rmtree(out)
    staging.rename(out)
    print(f"Ditulis: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
