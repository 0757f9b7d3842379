"""Rewrite the generated sections of ``data/README.md`` (input columns, indicators) from the declarations.

``python scripts/gen_data_readme.py`` after changing ``src/ranpasti/definitions/*.yml``; ``--check`` exits 1
when the README is out of date (what the test does).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from ranpasti.ingest.docs import update_readme  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--readme", type=Path, default=ROOT / "data" / "README.md")
    ap.add_argument("--check", action="store_true", help="only report whether the README is out of date")
    args = ap.parse_args()
    changed = update_readme(args.readme, check=args.check)
    if args.check and changed:
        print(f"{args.readme} is out of date: run python scripts/gen_data_readme.py")
        return 1
    print(f"{args.readme}: {'updated' if changed else 'up to date'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
