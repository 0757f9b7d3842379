"""Benchmark of the site build (not a test: it prints figures, it asserts nothing).

    python bench/bench.py                      # everything (about an hour on a 2-core machine)
    python bench/bench.py --skip-national      # no national build: part 3 on the full sample (parts 4, 5, 7 still run)
    python bench/bench.py --units 20 --skip-national
    python bench/bench.py --skip-naive         # every part without the naive runs (parts 1 and 7)
    python bench/bench.py --work DIR --rebuild-only   # part 3 again on the national site already in DIR
    python bench/bench.py --quarto-only        # part 4 on the sample only (about 2 minutes)
    python bench/bench.py --work DIR --quarto-national  # part 4 on the national site of part 2 (~1.5 h more)
    python bench/bench.py --validate-only --baseline 6d54162   # part 5: validation, against an older commit
    python bench/bench.py --ab-only --build-baseline 495b772   # part 6: whole sample build, against an older commit
    python bench/bench.py --phases-only          # part 7: CPU per page by phase on the sample, naive s/page beside it
    python bench/bench.py --phases-national      # part 7 on one province of the national data, projected

1. Naive vs ranpasti. ``--units`` pages (default 60) of the sample data, built twice:
   the naive way, one notebook at a time: ``papermill`` CLI (a cold kernel per notebook) then
   ``jupyter nbconvert --to html`` CLI; and with ``ranpasti build`` (library API, same pages, built-in
   renderer, ``--jobs`` workers, the default engine, a fresh build folder). Prints both times and the ratio.
2. National. Generates the whole-country synthetic data set (``scripts/generate_sample.py --scale
   national``: 514 kabupaten/kota, 7,285 kecamatan, ~3.8M desa-month rows over four years) and builds it
   from scratch: progress and evaluation pages (~31,200), built-in renderer. Prints pages, wall time,
   pages/s, CPU time and peak memory (sum of the RSS of the build's whole process tree, sampled; and getrusage).
3. One kecamatan changed. Changes one kecamatan's rows in ``pendampingan.csv`` and rebuilds: prints the
   time and how many pages were executed again (expected: that kecamatan's two pages, its kabupaten's two,
   its province and the national page). Runs on the national build, or on the full sample with
   ``--skip-national``.

4. Quarto vs built-in renderer. The full sample (89 pages) executed once, then rendered by each renderer
   from the same executed notebooks (render, downloads, Pagefind): prints s/page of each and their ratio,
   and how much of Quarto's time is Quarto itself. Then one kecamatan changed and the Quarto site
   republished (incremental: only the changed pages go through Quarto). With ``--quarto-national`` the same
   on the national site of part 2 (Quarto renders ~15,600 pages first: about an hour on 2 cores).
   Needs a ``quarto`` on PATH (``make bench`` puts the one of ``scripts/setup_quarto.sh`` there).

5. Validation. ``ranpasti validate`` on the sample and on the national data of part 2 (generated if the
   work folder has none), three runs each, wall time and peak memory; with ``--baseline REV`` the same
   runs of the code at git revision REV (a worktree) alternate with them, and the ratio is printed.
   ``--validate-only`` runs only this part.
6. Same-run A/B of the whole build. With ``--build-baseline REV``: the sample built from scratch (validate,
   params, every notebook, built-in renderer) by today's code and by the code at REV (a worktree, its own
   notebooks), alternating, twice each; prints wall times and the ratio. ``--ab-only`` runs only this part.
7. CPU per page by phase. The whole sample built from scratch (fresh params, cache and build folders, as
   after a fresh clone), with the CPU seconds of each phase (ingest, facts, params, execute, disclosure,
   charts, render, index, publish: ``ranpasti.run.cputime``) per page next to the wall time; and the naive way
   (part 1's) on ``--naive-pages`` of the same pages, so the machine's naive s/page and the ratio are from
   the same run. ``--phases-only`` runs only this part; ``--phases-national`` does the same for one province
   of the national data of part 2 (``--province``, default 16) and projects the whole country from its
   per-page figures. Parts 2 and 3 print their phases too.

Everything runs in a work folder (``--work``, default a temporary folder removed at the end). The
machine's load matters for wall times: CPU seconds are printed too, which do not depend on what else runs.
Targets on a 2-core machine: national site <= 30 min and <= 0.1 CPU-s per page; whole sample from scratch >= 30x
faster than the naive way; one-kecamatan rebuild <= 8 s; peak memory <= 3 GB; Quarto <= 0.6 s/page on the
sample; one kecamatan republished through Quarto on the national site <= 60 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import pandas as pd  # noqa: E402

from ranpasti.build import BuildOptions, build  # noqa: E402
from ranpasti.ingest.store import ingest  # noqa: E402
from ranpasti.plan.params import load_pages, params_path, write_params  # noqa: E402
from ranpasti.reference.regions import ancestors, load_regions  # noqa: E402
from ranpasti.run.executors import MemoryMonitor  # noqa: E402

NOTEBOOKS = ROOT / "notebooks"


def say(text: str = "") -> None:
    print(text, flush=True)


def tool(name: str) -> str:
    """A CLI from the running interpreter's environment (the venv's bin), else from PATH."""
    here = Path(sys.executable).parent / name
    found = str(here) if here.exists() else shutil.which(name)
    if not found:
        raise SystemExit(f"{name} tidak ditemukan (pip install -e '.[dev]')")
    return found


def copy_data(src: Path, dst: Path) -> Path:
    dst.mkdir(parents=True, exist_ok=True)
    for f in src.iterdir():
        if f.is_file():
            shutil.copy2(f, dst / f.name)
    return dst


def cpu_now() -> float:
    t = os.times()
    return t.user + t.system


class Timed:
    """Wall time, CPU of the whole process tree (sampled) and peak tree RSS of a block."""

    def __enter__(self):
        self.monitor = MemoryMonitor(interval=0.5)
        self.monitor.__enter__()
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start
        self.monitor.__exit__(*exc)
        self.cpu = self.monitor.cpu_seconds
        self.peak_mb = self.monitor.peak_mb


def log_with_time(start: float):
    def log(line: str) -> None:
        say(f"    [{time.perf_counter() - start:7.1f} s] {line}")
    return log


def say_phases(report, pages: int | None = None) -> float:
    """The build's CPU per phase (``report.phases``), in seconds and per page; returns CPU-s per page."""
    pages = pages or report.pages or 1
    total = sum(f["cpu"] for f in report.phases.values())
    say("    tahap      CPU s   CPU ms/halaman   dinding s   puncak MB")
    for name, f in report.phases.items():
        wall = "(di render)" if name == "charts" else f"{f['wall']:9.1f}"  # drawn by the render workers
        peak = f"{f['peak_mb']:9,.0f}" if f.get("peak_mb") else "        -"  # charts/index: inside render
        say(f"    {name:9} {f['cpu']:7.1f}   {f['cpu'] / pages * 1000:10.1f}   {wall:>9}   {peak}")
    say(f"    {'jumlah':9} {total:7.1f}   {total / pages * 1000:10.1f}      (target <= 100 ms/halaman)  "
        f"memori puncak {report.peak_mb:,.0f} MB (target <= 3.072)")
    return total / pages


# ---------------------------------------------------------------- part 1


def pick_pages(store, params_dir: Path, n: int):
    """``n`` pages: kecamatan pages (progress + evaluation of each kecamatan), plus the national page if odd."""
    specs = [s for s in load_pages(params_dir, store) if s.publish]
    by_kode: dict[str, list] = {}
    for s in specs:
        by_kode.setdefault(s.kode, []).append(s)
    chosen: list = []
    for kode in sorted(k for k in by_kode if k.count(".") == 2):
        if len(chosen) + len(by_kode[kode]) > n:
            break
        chosen += by_kode[kode]
    if len(chosen) < n and "ID" in by_kode:
        chosen += by_kode["ID"]
    return chosen


def naive(specs, params_dir: Path, data: Path, cache: Path, work: Path) -> float:
    papermill, jupyter = tool("papermill"), tool("jupyter")
    out = work / "naive"
    out.mkdir(parents=True)
    start = time.perf_counter()
    for i, spec in enumerate(specs):
        executed = out / f"{i:04d}.ipynb"
        subprocess.run([papermill, str(NOTEBOOKS / f"{spec.notebook}.ipynb"), str(executed),
                        "-f", str(params_path(params_dir, spec.page, spec.kind, spec.tahun)),
                        "-p", "data_dir", str(data), "-p", "cache_dir", str(cache),
                        "-k", "python3", "--no-progress-bar", "--cwd", str(ROOT)],
                       check=True, capture_output=True)
        subprocess.run([jupyter, "nbconvert", "--to", "html", "--no-input", str(executed)],
                       check=True, capture_output=True)
        if i == 0 or (i + 1) % 10 == 0:
            say(f"    naive: {i + 1}/{len(specs)} ({time.perf_counter() - start:.0f} s)")
    return time.perf_counter() - start


def part1(args, work: Path) -> None:
    say(f"== 1. {args.units} halaman: cara naif (papermill CLI + nbconvert CLI) vs ranpasti build")
    data = copy_data(ROOT / "data", work / "sample" / "data")
    cache = work / "sample" / "cache"
    store, _ = ingest(data, cache)
    params = work / "sample" / "params"
    write_params(store, params)
    specs = pick_pages(store, params, args.units)
    kodes = tuple(sorted({s.kode for s in specs}))
    say(f"    {len(specs)} halaman ({len(kodes)} wilayah), data contoh, cache sudah di-ingest")
    with Timed() as ours:
        report = build(BuildOptions(data_dir=data, params_dir=params, out=work / "p1" / "site",
                                    build_dir=work / "p1" / "build", cache_dir=cache, renderer="builtin",
                                    jobs=args.jobs, only=kodes), log=lambda s: None)
    assert report.pages == len(specs) and report.executed == len(specs), (report.pages, report.executed)
    say(f"    ranpasti build: {ours.seconds:.1f} s ({ours.seconds / len(specs):.3f} s/halaman, "
        f"jobs={args.jobs}; CPU {ours.cpu:.0f} s = {ours.cpu / len(specs):.3f} s/halaman)")
    if args.skip_naive:
        say("    cara naif dilewati (--skip-naive)")
        return
    with Timed() as slow:
        naive(specs, params, data, cache, work)
    say(f"    cara naif:      {slow.seconds:.1f} s ({slow.seconds / len(specs):.2f} s/halaman; "
        f"CPU {slow.cpu:.0f} s)")
    say(f"    RASIO: {slow.seconds / ours.seconds:.1f}x lebih cepat (target >= 25x)")


# ---------------------------------------------------------------- parts 2 and 3


def national(args, work: Path) -> tuple[BuildOptions, Path]:
    say("== 2. Situs nasional dari nol (progres + evaluasi, renderer bawaan)")
    root = work / "national"
    data = root / "data"
    start = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "scripts" / "generate_sample.py"), "--scale", "national",
                    "--out", str(data)], check=True, capture_output=True)
    with open(data / "pendampingan.csv", encoding="utf-8") as f:
        rows = sum(1 for _ in f) - 1
    say(f"    data sintetis nasional dibuat dalam {time.perf_counter() - start:.0f} s "
        f"({rows:,} baris pendampingan)")
    opts = BuildOptions(data_dir=data, params_dir=root / "params", out=root / "site", build_dir=root / "build",
                        cache_dir=root / "cache", renderer="builtin", jobs=args.jobs)
    with Timed() as t:
        report = build(opts, log=log_with_time(time.perf_counter()))
    pages = report.pages
    say(f"    HALAMAN: {pages:,}  WAKTU: {t.seconds:.0f} s ({t.seconds / 60:.1f} menit, target <= 30)  "
        f"{pages / t.seconds:.1f} halaman/s")
    parent = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    say(f"    CPU: {t.cpu:.0f} s ({t.cpu / pages:.3f} s/halaman)  MEMORI PUNCAK: {t.peak_mb:,.0f} MB "
        f"(jumlah RSS semua proses build)  maxrss induk {parent:,.0f} MB")
    say_phases(report)
    return opts, data


def sample_from_scratch(args, root: Path) -> tuple[BuildOptions, Path, object, Timed]:
    """The whole sample built into fresh folders under ``root`` (as after a fresh clone)."""
    data = copy_data(ROOT / "data", root / "data")
    opts = BuildOptions(data_dir=data, params_dir=root / "params", out=root / "site", build_dir=root / "build",
                        cache_dir=root / "cache", renderer="builtin", jobs=args.jobs)
    with Timed() as t:
        report = build(opts, log=lambda s: None)
    return opts, data, report, t


def sample_full(args, work: Path) -> tuple[BuildOptions, Path]:
    say("== 3a. Situs contoh lengkap (dasar untuk bagian 3)")
    opts, data, report, t = sample_from_scratch(args, work / "sample3")
    say(f"    {report.pages} halaman dalam {t.seconds:.1f} s (CPU {t.cpu:.0f} s, puncak {t.peak_mb:,.0f} MB)")
    return opts, data


def change_one_kecamatan(data: Path) -> str:
    path = data / "pendampingan.csv"
    pend = pd.read_csv(path, dtype=str, keep_default_na=False)
    kec = ancestors(pend["kode_desa"], "kecamatan")
    target = sorted(kec.unique())[len(kec.unique()) // 2]
    rows = pend.index[(kec == target) & (pend["krs_didampingi"].astype(int) > 0)]
    pend.loc[rows[0], "krs_didampingi"] = str(int(pend.loc[rows[0], "krs_didampingi"]) - 1)
    pend.to_csv(path, index=False)
    return target


def part3(opts: BuildOptions, data: Path) -> None:
    kode = change_one_kecamatan(data)
    say(f"== 3. Satu kecamatan berubah ({kode}: satu baris pendampingan.csv), build ulang")
    with Timed() as t:
        report = build(opts, log=log_with_time(time.perf_counter()))
    say(f"    WAKTU: {t.seconds:.1f} s (target <= 8)  DIJALANKAN ULANG: {report.executed} halaman "
        f"(diharapkan 6), tidak berubah: {report.skipped}  CPU {t.cpu:.0f} s  puncak {t.peak_mb:,.0f} MB")
    say("    " + "  ".join(f"{name} {f['wall']:.1f} s" for name, f in report.phases.items()) + " (dinding per tahap)")
    r = report.rendering
    if r:
        say(f"    DIRENDER ULANG: {r.get('pages_rendered')} halaman, ditautkan dari situs sebelumnya: "
            f"{r.get('pages_reused')}")


# ---------------------------------------------------------------- part 4


def clear_render_caches(build_dir: Path) -> None:
    """Both renderers start without cached page bodies, downloads or SVGs (the notebooks stay executed)."""
    for name in ("render-cache", "svg-cache"):
        shutil.rmtree(build_dir / name, ignore_errors=True)


def part4(args, work: Path, root: Path | None = None) -> None:
    """Quarto against the built-in renderer on the same executed notebooks, then a one-kecamatan republish."""
    from ranpasti.render.quarto import QuartoRenderer

    ok, why = QuartoRenderer().available()
    if not ok:
        say(f"== 4. Quarto dilewati: {why}")
        return
    national_site = root is not None
    root = root or work / "sample4"
    say(f"== 4. Renderer Quarto vs bawaan ({'situs nasional' if national_site else 'situs contoh lengkap'}; {why})")
    data = root / "data" if national_site else copy_data(ROOT / "data", root / "data")
    base = BuildOptions(data_dir=data, params_dir=root / "params", out=root / "site", build_dir=root / "build",
                        cache_dir=root / "cache", jobs=args.jobs)
    if not national_site:
        with Timed() as t:
            report = build(replace(base, renderer="builtin"), log=lambda s: None)
        say(f"    notebook dijalankan sekali: {report.executed} halaman, {t.seconds:.1f} s")
        clear_render_caches(base.build_dir)
        with Timed() as b:  # the built-in renderer from the same notebooks, into a fresh folder
            build(replace(base, renderer="builtin", out=root / "site-bawaan"), log=lambda s: None)
        pages = report.pages
        say(f"    BAWAAN: {b.seconds:.1f} s = {b.seconds / pages:.3f} s/halaman (render, unduhan, Pagefind)")
    quarto = replace(base, renderer="quarto", out=root / "site-quarto")
    clear_render_caches(base.build_dir)
    with Timed() as q:
        report = build(quarto, log=log_with_time(time.perf_counter()) if national_site else (lambda s: None))
    pages, r = report.pages, report.rendering
    say(f"    QUARTO: {q.seconds:.1f} s = {q.seconds / pages:.3f} s/halaman (target <= 0,6 di data contoh); "
        f"quarto render {r.get('quarto_seconds', 0):.1f} s dalam {r.get('quarto_processes', 0)} proses, "
        f"sisanya {q.seconds - r.get('quarto_seconds', 0):.1f} s; CPU {q.cpu:.0f} s, puncak {q.peak_mb:,.0f} MB")
    if not national_site:
        say(f"    RASIO Quarto/bawaan: {q.seconds / b.seconds:.1f}x")
    kode = change_one_kecamatan(data)
    with Timed() as t:
        report = build(quarto, log=lambda s: None)
    r = report.rendering
    say(f"    SATU KECAMATAN ({kode}) DITERBITKAN ULANG LEWAT QUARTO: {t.seconds:.1f} s"
        f"{' (target <= 60)' if national_site else ''}; dijalankan {report.executed}, dirender "
        f"{r.get('pages_rendered')}, ditautkan {r.get('pages_reused')}; quarto render "
        f"{r.get('quarto_seconds', 0):.1f} s")


# ---------------------------------------------------------------- part 5


def national_data(work: Path) -> Path:
    data = work / "national" / "data"
    if not (data / "pendampingan.csv").exists():
        subprocess.run([sys.executable, str(ROOT / "scripts" / "generate_sample.py"), "--scale", "national",
                        "--out", str(data)], check=True, capture_output=True)
    return data


def cli_from(src: Path) -> str:
    """``python -c`` code running ``ranpasti``'s command line from the package in ``src`` (a baseline's)."""
    return f"import sys; sys.path.insert(0, {str(src)!r}); from ranpasti.cli import main; main()"


def timed_validate(src: Path, data: Path) -> tuple[float, float, int]:
    """Wall seconds, peak RSS (MB, sampled every 20 ms: the child's ``ru_maxrss`` would include this bench's
    own memory at fork) and exit status of ``ranpasti validate`` run from the code in ``src``."""
    import psutil

    code = cli_from(src)
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code, "validate", "--data", str(data)], cwd=src.parent,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    watched = psutil.Process(proc.pid)
    while proc.poll() is None:
        try:
            peak = max(peak, watched.memory_info().rss)
        except psutil.NoSuchProcess:
            break
        time.sleep(0.02)
    return time.perf_counter() - start, peak / 2**20, proc.wait()


def part5(args, work: Path) -> None:
    say("== 5. Validasi (ranpasti validate), 3 kali per versi kode, bergantian")
    versions = {"sekarang": ROOT / "src"}
    tree = None
    if args.baseline:
        tree = work / "baseline"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--force", str(tree), args.baseline],
                       check=True, capture_output=True)
        versions[f"{args.baseline}"] = tree / "src"
    try:
        for label, data in (("contoh", ROOT / "data"), ("nasional", national_data(work))):
            with open(data / "pendampingan.csv", encoding="utf-8") as f:
                rows = sum(1 for _ in f) - 1
            runs: dict[str, list[tuple[float, float, int]]] = {v: [] for v in versions}
            for _ in range(3):
                for version, src in versions.items():
                    runs[version].append(timed_validate(src, data))
            medians = {}
            for version, got in runs.items():
                seconds = sorted(r[0] for r in got)
                medians[version] = seconds[1]
                say(f"    {label} ({rows:,} baris pendampingan), kode {version}: median {seconds[1]:.2f} s "
                    f"(runs {', '.join(f'{x:.2f}' for x in seconds)}), memori puncak "
                    f"{max(r[1] for r in got):,.0f} MB, status keluar {sorted({r[2] for r in got})}")
            if args.baseline:
                ratio = medians["sekarang"] / medians[args.baseline]
                say(f"    {label}: sekarang / {args.baseline} = {ratio:.3f} (target nasional <= 1,10)")
        templat_largest(work)
    finally:
        if tree is not None:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], capture_output=True)


def templat_largest(work: Path) -> None:
    """``ranpasti templat`` for the kabupaten with the most desa (the CLI as staff run it, start-up included),
    three runs; the issue's target is 5 s."""
    regions = load_regions()
    counts = regions.desa.groupby("kode_kabupaten").size()
    kab = str(counts.idxmax())
    times = []
    for n in range(3):
        out = work / f"templat-{n}.xlsx"
        with Timed() as t:
            subprocess.run([sys.executable, "-m", "ranpasti", "templat", kab, "--tahun", "2024", "--out", str(out)],
                           check=True, capture_output=True, cwd=ROOT)
        times.append(t.seconds)
    say(f"    templat {kab} ({regions.kabupaten.at[kab, 'nama']}, {counts.max()} desa, {12 * counts.max():,} baris "
        f"bulanan): median {sorted(times)[1]:.2f} s (runs {', '.join(f'{x:.2f}' for x in times)}; target <= 5), "
        f"{out.stat().st_size / 1e6:.1f} MB")


# ---------------------------------------------------------------- part 6


def part7(args, work: Path) -> None:
    say("== 7. CPU per halaman per tahap: situs contoh dari nol, dan cara naif pada halaman yang sama")
    root = work / "phases"
    opts, data, report, t = sample_from_scratch(args, root)
    say(f"    {report.pages} halaman dalam {t.seconds:.1f} s dinding (jobs={args.jobs})")
    say_phases(report)
    if args.skip_naive:
        return
    store, _ = ingest(data, opts.cache_dir)
    specs = pick_pages(store, opts.params_dir, args.naive_pages)
    with Timed() as slow:
        naive(specs, opts.params_dir, data, opts.cache_dir, root)
    per_page = slow.seconds / len(specs)
    say(f"    cara naif: {per_page:.2f} s/halaman ({len(specs)} halaman; mesin ini)")
    say(f"    RASIO situs contoh: {per_page * report.pages:.0f} s naif / {t.seconds:.1f} s = "
        f"{per_page * report.pages / t.seconds:.1f}x (target >= 30x)")


def part7_national(args, work: Path) -> None:
    """Part 7 on one province of the national data: the national per-page figures without a 1-hour build."""
    from ranpasti.reference.regions import load_regions as regions_of

    data = national_data(work)
    root = work / f"phases-{args.province}"
    r = regions_of()
    codes = tuple(k for table in (r.kabupaten, r.kecamatan) for k in table.index if k.startswith(args.province + "."))
    say(f"== 7n. CPU per halaman per tahap: provinsi {args.province} dari data nasional ({len(codes)} wilayah)")
    opts = BuildOptions(data_dir=data, params_dir=root / "params", out=root / "site", build_dir=root / "build",
                        cache_dir=root / "cache", renderer="builtin", jobs=args.jobs, only=codes)
    with Timed() as t:
        report = build(opts, log=lambda s: None)
    say(f"    {report.pages} halaman dalam {t.seconds:.1f} s dinding (jobs={args.jobs})")
    say_phases(report)
    once = sum(report.phases[p]["cpu"] for p in ("ingest", "params", "facts") if p in report.phases)
    per_page = sum(f["cpu"] for n, f in report.phases.items() if n not in ("ingest", "params", "facts")) / report.pages
    national_pages = len(load_pages(root / "params", ingest(data, root / "cache")[0]))
    cpu = once + per_page * national_pages
    say(f"    PROYEKSI NASIONAL: {national_pages:,} halaman x {per_page * 1000:.0f} ms + ingest/params {once:.0f} s = "
        f"{cpu:,.0f} CPU-s = {cpu / args.jobs / 60:.0f} menit pada {args.jobs} core bila CPU penuh (target <= 30)")


def timed_build(root: Path, out: Path, jobs: int) -> tuple[float, int, float, int]:
    """Wall seconds, exit status, CPU seconds (the build and every kernel it ran) and pages published of
    ``ranpasti build`` of the sample, from scratch, by the code in ``root``. Per page, because the sample of
    one version may have more pages than the other's (issue 16 added two years of evaluations)."""
    src = root / "src"
    code = cli_from(src)
    env = {**os.environ, "PYTHONPATH": str(src)}  # the kernels import the same code
    shutil.rmtree(out, ignore_errors=True)
    with Timed() as t:  # CPU of the whole process tree: the build, its workers and their kernels
        done = subprocess.run([sys.executable, "-c", code, "build", "--data", str(root / "data"), "--out",
                               str(out / "site"), "--build-dir", str(out / "build"), "--cache", str(out / "cache"),
                               "--params", str(out / "params"), "--renderer", "builtin", "--jobs", str(jobs)],
                              cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    pages = sum(1 for _ in (out / "site").rglob("notebook.ipynb")) if (out / "site").is_dir() else 0
    return t.seconds, done.returncode, t.cpu, pages


def part6(args, work: Path) -> None:
    say(f"== 6. Situs contoh dari nol, kode sekarang vs {args.build_baseline}, bergantian, 2 kali")
    tree = work / "baseline-build"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--force", str(tree), args.build_baseline],
                   check=True, capture_output=True)
    try:
        runs: dict[str, list[tuple[float, int, float, int]]] = {"sekarang": [], args.build_baseline: []}
        for _ in range(2):
            runs["sekarang"].append(timed_build(ROOT, work / "ab-now", args.jobs))
            runs[args.build_baseline].append(timed_build(tree, work / "ab-base", args.jobs))
        best = {}
        for version, got in runs.items():
            pages = got[0][3]
            say(f"    kode {version}: {pages} halaman; "
                + ", ".join(f"{s:.1f} s (CPU {c:.0f} s)" for s, _, c, _ in got)
                + f" (status {sorted({r for _, r, _, _ in got})})")
            wall = min(s for s, _, _, _ in got) / max(pages, 1)
            cpu = min(c for _, _, c, _ in got) / max(pages, 1)
            best[version] = (wall, cpu)
            say(f"      terbaik per halaman: {wall:.3f} s, CPU {cpu:.3f} s")
        now, base = best["sekarang"], best[args.build_baseline]
        say(f"    rasio per halaman (sekarang / {args.build_baseline}): waktu {now[0] / base[0]:.3f}, "
            f"CPU {now[1] / base[1]:.3f}")
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], capture_output=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=60, help="halaman untuk perbandingan naif (bawaan 60)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="pekerja (bawaan: jumlah core)")
    ap.add_argument("--skip-naive", action="store_true", help="lewati cara naif di bagian 1")
    ap.add_argument("--skip-national", action="store_true", help="lewati situs nasional (bagian 3 di data contoh)")
    ap.add_argument("--work", type=Path, help="folder kerja (bawaan: folder sementara, dihapus di akhir)")
    ap.add_argument("--quarto-only", action="store_true", help="hanya bagian 4 (Quarto) pada data contoh")
    ap.add_argument("--quarto-national", action="store_true",
                    help="bagian 4 juga pada situs nasional bagian 2 (Quarto merender ~15.600 halaman)")
    ap.add_argument("--rebuild-only", action="store_true",
                    help="hanya bagian 3, pada situs nasional yang sudah dibangun di --work (bagian 2 sebelumnya)")
    ap.add_argument("--validate-only", action="store_true", help="hanya bagian 5 (validasi)")
    ap.add_argument("--ab-only", action="store_true", help="hanya bagian 6 (A/B build situs contoh)")
    ap.add_argument("--build-baseline", help="revisi git pembanding untuk bagian 6 (mis. 495b772)")
    ap.add_argument("--baseline", help="revisi git pembanding untuk bagian 5 (mis. 6d54162)")
    ap.add_argument("--phases-only", action="store_true", help="hanya bagian 7 (CPU per tahap, situs contoh)")
    ap.add_argument("--phases-national", action="store_true",
                    help="hanya bagian 7 pada satu provinsi data nasional, dengan proyeksi nasional")
    ap.add_argument("--province", default="16", help="provinsi untuk --phases-national (bawaan 16)")
    ap.add_argument("--naive-pages", type=int, default=10, help="halaman cara naif di bagian 7 (bawaan 10)")
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="ranpasti-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    say(f"ranpasti bench {dt.datetime.now():%Y-%m-%d %H:%M} · {os.cpu_count()} core · jobs={args.jobs} · "
        f"beban {os.getloadavg()[0]:.1f} · folder {work}")
    single = {"ab_only": part6, "validate_only": part5, "quarto_only": part4, "phases_only": part7,
              "phases_national": part7_national}  # one part, then clean up
    for flag, part in single.items():
        if getattr(args, flag):
            if flag == "ab_only" and not args.build_baseline:
                raise SystemExit("--ab-only butuh --build-baseline REV")
            try:
                part(args, work)
            finally:
                if not args.work:
                    shutil.rmtree(work, ignore_errors=True)
            return
    if args.rebuild_only:
        root = work / "national"
        if not (root / "site").is_dir():
            raise SystemExit(f"--rebuild-only: belum ada situs nasional di {root}/site (jalankan bagian 2 dulu)")
        opts = BuildOptions(data_dir=root / "data", params_dir=root / "params", out=root / "site",
                            build_dir=root / "build", cache_dir=root / "cache", renderer="builtin", jobs=args.jobs)
        # an unchanged rebuild first: it brings the site up to date with the code being measured
        with Timed() as t:
            report = build(opts, log=log_with_time(time.perf_counter()))
        say(f"    build tanpa perubahan data: {t.seconds:.1f} s ({report.executed} dijalankan)")
        part3(opts, root / "data")
        return
    try:
        part1(args, work)
        if args.skip_national:
            opts, data = sample_full(args, work)
        else:
            opts, data = national(args, work)
        part3(opts, data)
        part4(args, work)
        if args.quarto_national and not args.skip_national:
            part4(args, work, root=work / "national")
        part5(args, work)
        part7(args, work)
        if args.build_baseline:
            part6(args, work)
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
