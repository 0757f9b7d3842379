"""CPU per page of the execute phase alone, on the sample, and the same against another revision, paired.

    python bench/execute.py                         # this tree: every sample page, twice, CPU ms per page
    python bench/execute.py --pages 'evaluasi-'     # only the pages whose address matches the pattern
    python bench/execute.py --profile out.prof      # and a cProfile of the second round (pstats file)
    python bench/execute.py --against df9b3a5       # this tree and revision REV side by side, 3 pairs

Not a test: it prints figures and asserts nothing. Why a bench of its own: the build's own ``execute`` phase
adds the workers' start-up and is measured over two processes, and on a machine that other work shares, two
builds minutes apart differ by 20-30%. Here every page is run through papermill and the default in-process
engine in one process, one after another (a worker's life: kabupaten-wide figures shared by its pages), the
first round warming the caches and the second measured. ``--against`` runs the other revision's code
(a ``git worktree`` of it) *at the same time* as this tree's, each with its own copy of the validated
cache and of the executed notebooks, so both meet the same contention; the ratio of each pair is the
figure to read. It also says whether the two revisions' executed notebooks have the same outputs (a
change meant to make pages cheaper must not change them).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_pages(root: Path, out: Path, cache: Path, pattern: str, profile: str | None) -> None:
    """In this process (``--child``): plan the sample's pages of the tree ``root`` (its data, params and
    notebooks) and execute them twice; print the rounds."""
    from ranpasti import facts
    from ranpasti.ingest.store import ingest
    from ranpasti.plan.params import load_pages
    from ranpasti.reference.regions import load_regions
    from ranpasti.run import inprocess
    from ranpasti.run.execute import plan
    from ranpasti.run.jobs import run_job

    os.chdir(root)
    store, _ = ingest(root / "data", cache, load_regions())
    facts.build(store, out / "build")  # what a build does before executing: the pages read the facts' files
    jobs = [j for j in plan(load_pages(root / "params", store), store, root / "notebooks", out / "notebooks", cache)
            if re.search(pattern, j.page)]
    inprocess.prewarm()
    for round_ in (1, 2):
        profiler = None
        if profile and round_ == 2:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        start = time.process_time()
        for job in jobs:
            result = run_job(job, inprocess.ENGINE_NAME, str(root))
            if not result.ok:
                sys.exit(f"{job.page}: {result.error}")
        cpu = time.process_time() - start
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(profile)
        print(json.dumps({"round": round_, "pages": len(jobs), "cpu": cpu}), flush=True)


def outputs(folder: Path) -> dict[str, list]:
    """Every executed notebook's cell outputs, by page (papermill's timings and cell ids left out)."""
    return {str(p.relative_to(folder)): [c.get("outputs") for c in json.loads(p.read_text(encoding="utf-8"))["cells"]]
            for p in sorted(folder.rglob("index.ipynb"))}


def child(src: Path, work: Path, pattern: str, profile: str | None = None) -> subprocess.Popen:
    """This bench as a child process running the tree of ``src`` (its code, data, params and notebooks), with
    its own copy of the validated cache and its own output folder."""
    cache = work / "cache"
    if not cache.exists():
        shutil.copytree(ROOT / ".ranpasti" / "cache", cache)
    args = [sys.executable, __file__, "--child", str(work), "--root", str(src.parent), "--pages", pattern]
    args += ["--profile", profile] if profile else []
    return subprocess.Popen(args, env={**os.environ, "PYTHONPATH": str(src)}, stdout=subprocess.PIPE, text=True)


def measured(proc: subprocess.Popen) -> tuple[int, float]:
    out, _ = proc.communicate()
    if proc.returncode:
        sys.exit(f"gagal (status {proc.returncode})")
    last = json.loads(out.strip().splitlines()[-1])
    return last["pages"], last["cpu"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", default="", help="only pages whose address matches this regular expression")
    ap.add_argument("--profile", help="write a cProfile of the measured round to this file")
    ap.add_argument("--against", help="git revision to compare with, run side by side in pairs")
    ap.add_argument("--pairs", type=int, default=3)
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        run_pages(args.root, args.child, args.child / "cache", args.pages, args.profile)
        return
    if not (ROOT / ".ranpasti" / "cache" / "manifest.json").exists():
        sys.exit("jalankan `ranpasti build` (atau make site) dulu: cache data belum ada")
    with tempfile.TemporaryDirectory(prefix="bench-execute-") as tmp:
        work = Path(tmp)
        if not args.against:
            pages, cpu = measured(child(ROOT / "src", work / "now", args.pages, args.profile))
            print(f"execute: {pages} halaman, {cpu:.2f} CPU-s, {1000 * cpu / pages:.1f} ms per halaman")
            return
        tree = work / "against"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--force", str(tree), args.against],
                       check=True, capture_output=True)
        try:
            for n in range(1, args.pairs + 1):
                now = child(ROOT / "src", work / "now", args.pages)
                then = child(tree / "src", work / "then", args.pages)
                (pages, cpu_now), (_, cpu_then) = measured(now), measured(then)
                print(f"pasangan {n}: sekarang {1000 * cpu_now / pages:.1f} ms, {args.against} "
                      f"{1000 * cpu_then / pages:.1f} ms per halaman; RASIO {cpu_now / cpu_then:.2f}", flush=True)
            same = outputs(work / "now" / "notebooks") == outputs(work / "then" / "notebooks")
            print(f"keluaran notebook {'SAMA' if same else 'BERBEDA'} pada {pages} halaman")
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], capture_output=True)


if __name__ == "__main__":
    main()
