"""Build the sample site from two git revisions and say whether the two sites are byte-identical.

    python scripts/compare_sites.py main layout            # exit 0: identical; 1: files differ; 2: a build failed
    python scripts/compare_sites.py --keep --jobs 2 A B

Why: a change that claims to change no output (a move of modules, a refactor) is checked on the whole sample
site, every page, download and asset, not on what the tests happen to look at.

Each revision is cloned (``git clone --shared``, nothing of the current tree is touched) into a temporary
folder and built there from scratch with the built-in renderer (``--renderer builtin``: no Quarto version in
the result), its own ``data/``, ``params/`` and ``notebooks/``, and ``PYTHONPATH`` pointing at its own
``src/``. The interpreter is this one (``--python`` to change it): the same libraries for both builds.

The papermill engines are found through entry points, which the environment's installed metadata of
ranpasti names by module (``ranpasti.run.inprocess:…`` or ``ranpasti.run.inprocess:…``, whichever tree was
installed). So that each revision's engines load from that revision's modules, each build gets a
``ranpasti-<version>.dist-info`` of its own, written from its ``pyproject.toml``, ahead of site-packages on
``PYTHONPATH`` (the first distribution of a name on the path is the one read).

Then every file of the two ``site/`` trees is compared byte for byte; files only in one tree and files whose
bytes differ are printed. Two kinds of file are compared with a documented part left out (``NORMALISED``),
and only that part:

- ``notebook.ipynb`` (each page's executed notebook, published for download): papermill writes the wall
  times of the run (``start_time``, ``end_time``, ``duration``) and gives the cell it injects with the page's
  parameters a fresh random ``id`` on every run, so two builds of the *same* revision differ there too.
- ``.ranpasti-halaman.json`` (the site's manifest of pages, for the next build's reuse): each page's ``key``
  and each search shard's key are hashes that include the code fingerprint, which hashes every file of the
  package by its path and content; a change to any module (or its place) changes them by design, so that a
  published page built by other code is never reused. The list of pages and files stays compared.
- ``*.html``: the footer says when the site was built, to the minute (``Dibangun 7 Desember 2026 pukul
  19.45 WIB``); two builds that straddle a minute differ there, so that one moment is left out.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

REPO = Path(__file__).resolve().parents[1]

PAPERMILL_TIMES = ("start_time", "end_time", "duration")


def _notebook(data: bytes) -> object:
    """An executed notebook without papermill's run times and the random id of its injected-parameters cell."""
    nb = json.loads(data)
    for meta in [nb.get("metadata", {}), *(c.get("metadata", {}) for c in nb.get("cells", []))]:
        for key in PAPERMILL_TIMES:
            meta.get("papermill", {}).pop(key, None)
    for cell in nb.get("cells", []):
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            cell.pop("id", None)
    return nb


def _manifest(data: bytes) -> object:
    """The site's manifest without the keys (hashes over the code fingerprint) of its pages and search shards."""
    manifest = json.loads(data)
    for page in manifest.get("pages", {}).values():
        page.pop("key", None)
    manifest["shards"] = sorted(manifest.get("shards", {}))
    return manifest


BUILT_AT = re.compile(rb"Dibangun [^<]*? pukul \d\d\.\d\d WIB")


def _html(data: bytes) -> bytes:
    """A page without the moment of the build in its footer."""
    return BUILT_AT.sub(b"Dibangun (waktu build)", data)


# Relative path (a regular expression, matched in full) -> (what is compared instead of the bytes, the reason).
NORMALISED: dict[str, tuple[Callable[[bytes], object], str]] = {
    r"(.*/)?notebook\.ipynb": (_notebook, "notebook.ipynb: papermill's run times and the random id of the "
                                          "injected-parameters cell left out (they differ on every run)"),
    r".*\.html": (_html, "*.html: the moment of the build in the footer left out (differs between builds)"),
    r"\.ranpasti-halaman\.json": (_manifest, ".ranpasti-halaman.json: page and search-shard keys left out "
                                              "(hashes over the code fingerprint, which the code's files change)"),
}


def sha_of(rev: str) -> str:
    return subprocess.run(["git", "-C", str(REPO), "rev-parse", "--verify", f"{rev}^{{commit}}"], check=True,
                          capture_output=True, text=True).stdout.strip()


def checkout(sha: str, where: Path) -> None:
    subprocess.run(["git", "clone", "--quiet", "--shared", "--no-checkout", str(REPO), str(where)], check=True)
    subprocess.run(["git", "-C", str(where), "checkout", "--quiet", "--detach", sha], check=True)


def write_metadata(tree: Path, into: Path) -> None:
    """A dist-info naming the entry points of ``tree``'s pyproject.toml (see the module docstring)."""
    project = tomllib.loads((tree / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    info = into / f"{project['name']}-{project['version']}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {project['name']}\nVersion: {project['version']}\n",
                                   encoding="utf-8")
    lines = ["[console_scripts]", *(f"{k} = {v}" for k, v in project.get("scripts", {}).items()), ""]
    for group, points in project.get("entry-points", {}).items():
        lines += [f"[{group}]", *(f"{k} = {v}" for k, v in points.items()), ""]
    (info / "entry_points.txt").write_text("\n".join(lines), encoding="utf-8")


def build(tree: Path, python: str, jobs: int) -> tuple[Path, float]:
    meta = tree.parent / (tree.name + "-meta")
    write_metadata(tree, meta)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tree / "src"), str(meta)])}
    out = tree / "site"
    cmd = [python, "-m", "ranpasti", "build", "--renderer", "builtin", "--data", "data", "--params", "params",
           "--cache", ".ranpasti/cache", "--build-dir", "build", "--out", "site", "--jobs", str(jobs)]
    start = time.monotonic()
    proc = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True)
    took = time.monotonic() - start
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-4000:])
        raise SystemExit(f"build of {tree.name} failed (exit {proc.returncode})")
    return out, took


def files_of(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() or p.is_symlink()}


def compare(a: Path, b: Path) -> list[str]:
    """What differs between the two trees, one line each (``only in A: x``, ``only in B: x``, ``differs: x``)."""
    normalised = [(re.compile(p), f) for p, (f, _) in NORMALISED.items()]
    fa, fb = files_of(a), files_of(b)
    found = [f"only in A: {f}" for f in sorted(fa - fb)] + [f"only in B: {f}" for f in sorted(fb - fa)]
    for rel in sorted(fa & fb):
        pa, pb = a / rel, b / rel
        if pa.is_symlink() or pb.is_symlink():
            same = pa.is_symlink() and pb.is_symlink() and os.readlink(pa) == os.readlink(pb)
        else:
            same = filecmp.cmp(pa, pb, shallow=False)
            norm = next((f for p, f in normalised if p.fullmatch(rel)), None)
            if not same and norm is not None:
                same = norm(pa.read_bytes()) == norm(pb.read_bytes())
        if not same:
            found.append(f"differs: {rel}")
    return found


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("a", help="git revision A (e.g. main)")
    ap.add_argument("b", help="git revision B (e.g. layout)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--python", default=sys.executable, help="interpreter whose libraries both builds use")
    ap.add_argument("--keep", action="store_true", help="keep the temporary clones (their path is printed)")
    args = ap.parse_args()
    shas = sha_of(args.a), sha_of(args.b)
    work = Path(tempfile.mkdtemp(prefix="compare-sites-"))
    try:
        sites = []
        for label, rev, sha in (("A", args.a, shas[0]), ("B", args.b, shas[1])):
            tree = work / label
            checkout(sha, tree)
            site, took = build(tree, args.python, args.jobs)
            print(f"{label} = {rev} ({sha[:10]}): built in {took:.0f} s, {len(files_of(site))} files")
            sites.append(site)
        found = compare(*sites)
        for _, reason in NORMALISED.values():
            print(f"compared without: {reason}")
        if found:
            print("\n".join(found))
            print(f"{len(found)} file(s) differ between {args.a} and {args.b}")
            return 1
        print(f"the two sites are byte-identical ({len(files_of(sites[0]))} files)")
        return 0
    finally:
        if args.keep:
            print(f"kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
