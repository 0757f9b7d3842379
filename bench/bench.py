"""Benchmark of the site build (not a test: it prints figures, it asserts nothing).

    python bench/bench.py                      # everything (about an hour on a 2-core machine)
    python bench/bench.py --skip-national      # parts 1 and 3 on the sample data only (a few minutes)
    python bench/bench.py --units 20 --skip-national
    python bench/bench.py --skip-naive         # parts 2 and 3 only
    python bench/bench.py --work DIR --rebuild-only   # part 3 again on the national site already in DIR

1. Naive vs ranpasti. ``--units`` pages (default 60) of the sample data, built twice:
   the naive way, one notebook at a time: ``papermill`` CLI (a cold kernel per notebook) then
   ``jupyter nbconvert --to html`` CLI; and with ``ranpasti build`` (library API, same pages, built-in
   renderer, ``--jobs`` workers, warm kernels, a fresh build folder). Prints both times and the ratio.
2. National. Generates the whole-country synthetic data set (``scripts/generate_sample.py --scale
   national``: 514 kabupaten/kota, 7,285 kecamatan, ~1M desa-month rows) and builds it from scratch:
   progress and evaluation pages (~15,600), built-in renderer. Prints pages, wall time, pages/s, CPU time
   and peak memory (sum of the RSS of the build's whole process tree, sampled; and getrusage).
3. One kecamatan changed. Changes one kecamatan's rows in ``pendampingan.csv`` and rebuilds: prints the
   time and how many pages were executed again (expected: that kecamatan's two pages, its kabupaten's two,
   its province and the national page). Runs on the national build, or on the full sample with
   ``--skip-national``.

Everything runs in a work folder (``--work``, default a temporary folder removed at the end). The
machine's load matters for wall times: CPU seconds are printed too, which do not depend on what else runs.
Targets on a 2-core machine: ratio >= 25x; national site <= 30 min; one-kecamatan rebuild <= 15 s.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import pandas as pd  # noqa: E402

from ranpasti.build import BuildOptions, build  # noqa: E402
from ranpasti.executors import MemoryMonitor  # noqa: E402
from ranpasti.params import load_pages, params_path, write_params  # noqa: E402
from ranpasti.store import ingest  # noqa: E402

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
    return opts, data


def sample_full(args, work: Path) -> tuple[BuildOptions, Path]:
    say("== 3a. Situs contoh lengkap (dasar untuk bagian 3)")
    root = work / "sample3"
    data = copy_data(ROOT / "data", root / "data")
    opts = BuildOptions(data_dir=data, params_dir=root / "params", out=root / "site", build_dir=root / "build",
                        cache_dir=root / "cache", renderer="builtin", jobs=args.jobs)
    with Timed() as t:
        report = build(opts, log=lambda s: None)
    say(f"    {report.pages} halaman dalam {t.seconds:.1f} s (CPU {t.cpu:.0f} s, puncak {t.peak_mb:,.0f} MB)")
    return opts, data


def change_one_kecamatan(data: Path) -> str:
    path = data / "pendampingan.csv"
    pend = pd.read_csv(path, dtype=str, keep_default_na=False)
    kec = pend["kode_desa"].str.slice(0, 8)
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
    say(f"    WAKTU: {t.seconds:.1f} s (target <= 15)  DIJALANKAN ULANG: {report.executed} halaman "
        f"(diharapkan 6), tidak berubah: {report.skipped}  CPU {t.cpu:.0f} s  puncak {t.peak_mb:,.0f} MB")
    r = report.rendering
    if r:
        say(f"    DIRENDER ULANG: {r.get('pages_rendered')} halaman, ditautkan dari situs sebelumnya: "
            f"{r.get('pages_reused')}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=60, help="halaman untuk perbandingan naif (bawaan 60)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="pekerja (bawaan: jumlah core)")
    ap.add_argument("--skip-naive", action="store_true", help="lewati cara naif di bagian 1")
    ap.add_argument("--skip-national", action="store_true", help="lewati situs nasional (bagian 3 di data contoh)")
    ap.add_argument("--work", type=Path, help="folder kerja (bawaan: folder sementara, dihapus di akhir)")
    ap.add_argument("--rebuild-only", action="store_true",
                    help="hanya bagian 3, pada situs nasional yang sudah dibangun di --work (bagian 2 sebelumnya)")
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="ranpasti-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    say(f"ranpasti bench {dt.datetime.now():%Y-%m-%d %H:%M} · {os.cpu_count()} core · jobs={args.jobs} · "
        f"beban {os.getloadavg()[0]:.1f} · folder {work}")
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
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
