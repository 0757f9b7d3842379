"""CPU per page of each section the notebooks call, on the sample, to see what new content costs.

    python bench/sections.py                    # every section of every notebook, sample pages
    python bench/sections.py --only area_map service_coverage tpps convergence_actions audit_cases

Not a test: it prints figures and asserts nothing. Each page's context is opened fresh (as a build's worker
does for a new page), its sections are called in the notebook's order, and each call's CPU time is recorded;
a section's median over the pages of a kind is its cost per page of that kind. The national estimate
multiplies by the number of pages of each kind in the country (514 kabupaten and 7,285 kecamatan, each with
a progress page and three evaluation years).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from ranpasti import pages as p  # noqa: E402
from ranpasti.reference.regions import load_regions  # noqa: E402

KINDS = {  # page kind: (notebook, open_context keywords)
    "kabupaten": ("kabupaten", {}),
    "kecamatan": ("kecamatan", {}),
    "evaluasi kabupaten": ("evaluasi", {"kind": "evaluasi", "tahun": 2024}),
    "evaluasi kecamatan": ("evaluasi", {"kind": "evaluasi", "tahun": 2024}),
}
NATIONAL_PAGES = {"kabupaten": 514, "kecamatan": 7285, "evaluasi kabupaten": 514 * 3, "evaluasi kecamatan": 7285 * 3}


def calls(notebook: str) -> list[str]:
    """The sections a notebook calls as ``p.name(ctx)``, in order (a call with other arguments is left out)."""
    nb = json.loads((ROOT / "notebooks" / f"{notebook}.ipynb").read_text(encoding="utf-8"))
    cells = ["".join(c["source"]).strip() for c in nb["cells"] if c["cell_type"] == "code"]
    return [m[1] for m in (re.fullmatch(r"p\.(\w+)\(ctx\)", c) for c in cells) if m]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", nargs="*", help="section names to report (default: all)")
    ap.add_argument("--kecamatan", type=int, default=12, help="kecamatan pages per kind to time")
    args = ap.parse_args()
    regions = load_regions()
    data, cache = ROOT / "data", ROOT / ".ranpasti" / "cache"
    units = {"kabupaten": ["16.05", "16.06", "18.13"],
             "kecamatan": [k for kab in ("16.05", "16.06", "18.13") for k in regions.children(kab).index][
                 :: max(1, 40 // args.kecamatan)]}
    costs: dict[str, dict[str, list[float]]] = {}
    for kind, (notebook, kw) in KINDS.items():
        for kode in units["kecamatan" if "kecamatan" in kind else "kabupaten"]:
            ctx = p.open_context(kode, data_dir=data, cache_dir=cache, **kw)
            for name in calls(notebook):
                t = time.process_time()
                getattr(p, name)(ctx)
                costs.setdefault(kind, {}).setdefault(name, []).append(time.process_time() - t)
    wanted = set(args.only or [])
    total_new = 0.0
    for kind, sections in costs.items():
        print(f"\n{kind} ({len(next(iter(sections.values())))} pages): median CPU ms per section")
        page = 0.0
        for name, values in sections.items():
            ms = statistics.median(values) * 1000
            page += ms
            if not wanted or name in wanted:
                print(f"  {name:24} {ms:7.1f}")
                if wanted:
                    total_new += ms / 1000 * NATIONAL_PAGES[kind]
        print(f"  {'all sections':24} {page:7.1f}")
    if wanted:
        print(f"\nnational estimate for {', '.join(sorted(wanted))}: {total_new / 60:.1f} CPU-minutes "
              f"({total_new / 120:.1f} min wall on 2 cores)")
        print("  an upper bound: every kecamatan page is counted with the sample's desa map, while nationally only "
              "the three sample kabupaten have desa boundaries (the others' kecamatan pages show a one-line note)")


if __name__ == "__main__":
    main()
