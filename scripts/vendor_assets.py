"""Vendor the browser libraries the site and the tests load, from the npm registry, at pinned versions.

Why vendored: the published charts must draw offline and without any CDN, and the browser tests run
with the network blocked. Each library keeps its licence file beside it. Re-run after changing a pin:

    python scripts/vendor_assets.py
"""

from __future__ import annotations

import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SITE_VENDOR = ROOT / "src" / "ranpasti" / "assets" / "vendor"
TEST_VENDOR = ROOT / "tests" / "vendor"

# package, version, files to copy (from the package root), destination
PINS = [
    ("vega", "6.4.0", ["build/vega.min.js", "LICENSE"], SITE_VENDOR),
    ("vega-lite", "6.4.1", ["build/vega-lite.min.js", "LICENSE"], SITE_VENDOR),  # Altair 6 writes VL 6.4.1
    ("vega-embed", "7.3.0", ["build/vega-embed.min.js", "LICENSE"], SITE_VENDOR),
    ("axe-core", "4.10.3", ["axe.min.js", "LICENSE"], TEST_VENDOR),
]


def fetch(name: str, version: str, files: list[str], dest: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", f"{name}@{version}", "--silent"], cwd=tmp, check=True,
                       stdout=subprocess.DEVNULL)
        tgz = next(Path(tmp).glob("*.tgz"))
        with tarfile.open(tgz) as tar:
            tar.extractall(tmp, filter="data")
        dest.mkdir(parents=True, exist_ok=True)
        for f in files:
            src = Path(tmp) / "package" / f
            target = dest / (f"{name}.LICENSE" if f == "LICENSE" else src.name)
            shutil.copyfile(src, target)
            print(f"{name}@{version}: {target.relative_to(ROOT)} ({target.stat().st_size // 1024} KiB)")


def main() -> None:
    for name, version, files, dest in PINS:
        fetch(name, version, files, dest)


if __name__ == "__main__":
    main()
