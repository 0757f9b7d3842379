"""What the maps cost per page, by page kind, on the sample data, and what that comes to nationally.

    python bench/maps.py            # uses (or builds) the validated cache in .ranpasti/cache

Not a test: it prints figures and asserts nothing. CPU time of ``pages.area_map`` alone (the section's
data, the boundaries, the drawing through vl-convert and the SVG clean-up), measured in this process, with
the page's other figures computed first so only the map is timed. National estimate: the number of pages
of each kind in the country times that kind's median (kecamatan pages without desa boundaries draw nothing:
the source has desa for the three sample kabupaten only).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from ranpasti.pages import area_map, open_context  # noqa: E402
from ranpasti.reference import batas  # noqa: E402
from ranpasti.reference.regions import load_regions  # noqa: E402

SAMPLE = ("16.05", "16.06", "18.13")
YEARS = 4  # progress + three evaluation years per unit, as the national build has


def cpu(fn) -> tuple[float, int]:
    t = time.process_time()
    section = fn()
    return time.process_time() - t, len("".join(part.html() for part in section))


def main() -> None:
    regions = load_regions()
    data, cache = ROOT / "data", ROOT / ".ranpasti" / "cache"
    rows: list[tuple[str, float, int]] = []
    t = time.process_time()
    for f in sorted((regions.dir / "batas").glob("kecamatan-*.topojson")):
        batas._read(f, "kecamatan")
    decode = (time.process_time() - t) / 38
    batas._read.cache_clear()
    for kode, kind in [("ID", "nasional"), ("ID", "nasional (lagi)"), ("16", "provinsi")]:
        ctx = open_context(kode, data_dir=data, cache_dir=cache)
        ctx.capaian(ctx.child_level, (ctx.bulan, ctx.bulan))
        rows.append((kind, *cpu(lambda ctx=ctx: area_map(ctx))))
    for kab in SAMPLE:
        for kind, extra in [("kabupaten", {}), ("evaluasi kabupaten", {"kind": "evaluasi", "tahun": 2024})]:
            ctx = open_context(kab, data_dir=data, cache_dir=cache, **extra)
            ctx.annual("kecamatan") if extra else ctx.capaian("kecamatan", (ctx.bulan, ctx.bulan))
            rows.append((kind, *cpu(lambda ctx=ctx: area_map(ctx))))
        for kec in regions.children(kab).index:
            ctx = open_context(kec, data_dir=data, cache_dir=cache)
            ctx.capaian("desa", (ctx.bulan, ctx.bulan))
            rows.append(("kecamatan (peta desa)", *cpu(lambda ctx=ctx: area_map(ctx))))
    print(f"decoding one province's kecamatan file: {decode * 1000:.0f} ms CPU (once per worker and province)")
    print(f"{'page kind':24} {'pages':>5} {'median ms':>10} {'max ms':>8} {'HTML KB':>8}")
    by_kind: dict[str, list[tuple[float, int]]] = {}
    for kind, seconds, size in rows:
        by_kind.setdefault(kind, []).append((seconds, size))
    for kind, values in by_kind.items():
        times = [v[0] for v in values]
        print(f"{kind:24} {len(values):5} {statistics.median(times) * 1000:10.0f} {max(times) * 1000:8.0f} "
              f"{statistics.median(v[1] for v in values) / 1000:8.1f}")
    kab = statistics.median(v[0] for k in ("kabupaten", "evaluasi kabupaten") for v in by_kind[k])
    provinces = len(regions.provinsi)
    national = (len(regions.kabupaten) * YEARS * kab + provinces * decode * 2  # each worker decodes each file
                + provinces * by_kind["provinsi"][0][0] + by_kind["nasional"][0][0])
    print(f"national estimate: {len(regions.kabupaten)} kabupaten x {YEARS} pages x {kab * 1000:.0f} ms + "
          f"province decodes + province/national maps = {national / 60:.1f} CPU-minutes "
          f"({national / 120:.1f} min wall on 2 cores)")


if __name__ == "__main__":
    main()
