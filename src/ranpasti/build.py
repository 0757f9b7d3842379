"""``ranpasti build``: data → validated cache → facts → params → executed notebooks → site, published atomically.

The steps are library calls in order; the CLI only parses options and prints. Nothing is written to the
published folder until a complete site exists in a staging folder next to it: bad data, a failed page or an
interrupted build leave the previous site as it was.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from . import __version__, facts
from .core import owned, privacy
from .core.dirswap import recover, swap_into_place
from .core.display import MIME_FIGURES
from .core.errors import DisclosureRefused, PersonalDataRefused, RanpastiError, RenderFailed
from .core.files import sha256_bytes, write_atomically
from .core.fingerprint import code_fingerprint
from .core.lock import exclusive
from .facts import disclosure
from .ingest.store import Store, cache_lock, ingest, needs_ingest
from .plan.params import load_pages, write_params
from .plan.sitemap import build_sitemap, unlink_unpublished
from .reference import batas
from .reference.regions import Regions, load_regions
from .render import RenderContext, choose
from .render.assets import CHART_STAT, build_path_leak, build_paths
from .render.incremental import foreign_files
from .run.cputime import PhaseClock
from .run.execute import DEFAULT_ENGINE, Ledger, Result, execute, plan
from .run.executors import Executor, LocalExecutor, make_executor


@dataclass
class BuildOptions:
    data_dir: Path = Path("data")
    params_dir: Path = Path("params")
    out: Path = Path("site")
    build_dir: Path = Path("build")
    cache_dir: Path = Path(".ranpasti/cache")
    notebooks_dir: Path = Path("notebooks")
    renderer: str = "auto"
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    engine: str = DEFAULT_ENGINE
    executor: str = "local"  # or "dask" with scheduler="tcp://HOST:PORT" (see README, Cluster)
    scheduler: str | None = None
    force: bool = False
    allow_partial: bool = False
    # Library-only: build just these unit codes (tests, previews into a separate --out). Not a CLI option on
    # purpose: publishing a subset over the full site would remove every other page.
    only: tuple[str, ...] = ()


@dataclass
class BuildReport:
    pages: int = 0
    executed: int = 0
    skipped: int = 0
    failures: list[Result] = field(default_factory=list)
    renderer: str = ""
    reason: str = ""
    seconds: float = 0.0
    published: bool = False
    execution: dict = field(default_factory=dict)  # figures from execute(): wall, CPU, peak memory
    rendering: dict = field(default_factory=dict)  # figures from the renderer: pages rendered, reused
    notes: list[str] = field(default_factory=list)
    map_warnings: list[str] = field(default_factory=list)  # boundaries and reference regions that disagree
    phases: dict = field(default_factory=dict)  # phase -> {"wall": s, "cpu": s} (``phases.PhaseClock``)
    peak_mb: float = 0.0  # the whole process tree's peak resident memory over the build (sampled)


class BuildFailed(RanpastiError):
    def __init__(self, report: BuildReport, message: str):
        super().__init__(message)
        self.report = report


def _progress(total: int) -> Callable[[Result], None]:
    from tqdm import tqdm

    bar = tqdm(total=total, unit="halaman", desc="Menjalankan notebook", file=sys.stderr,
               disable=None, mininterval=0.5, smoothing=0.1)

    def update(r: Result) -> None:
        bar.update(1)
        if not r.ok:
            bar.write(f"GAGAL {r.page or '(beranda)'} [{r.kode}]: {r.error}")
        if bar.n >= total:
            bar.close()

    return update


def publish(staging: Path, out: Path) -> None:
    """Swap a complete staging folder into place (atomically where the OS allows)."""
    swap_into_place(staging, out, what="folder situs (--out)")


def check_places(opts: BuildOptions) -> None:
    """Refuse, before anything is written, folders the build would write into but must not (``owned``): a site
    folder that is not a previous site nor empty, and any of --out, --build-dir, --cache that is, holds or sits
    inside the data, params or notebooks folders, the program's source, or one another."""
    inputs = {"folder data (--data)": opts.data_dir, "folder params (--params)": opts.params_dir,
              "folder notebooks": opts.notebooks_dir, "kode program ranpasti": owned.src_folder()}
    places = {"--out": opts.out, "--build-dir": opts.build_dir, "--cache": opts.cache_dir}
    for option, folder in places.items():
        others = {f"folder {o}": f for o, f in places.items() if o != option}
        owned.refuse_overlap(folder, option, {**inputs, **others})
    owned.require_replaceable(opts.out, "folder situs (--out)")
    owned.require_replaceable(opts.build_dir, "folder build (--build-dir)")  # its files are overwritten
    owned.require_replaceable(opts.out.with_name(opts.out.name + ".staging"), "folder sementara situs")


def build(opts: BuildOptions, log: Callable[[str], None] = print) -> BuildReport:
    """Run the whole pipeline under a lock on the site folder, the build folder and the cache (its pages read
    the cache until the site is published: ``params`` must not replace it meanwhile)."""
    check_places(opts)
    with exclusive(opts.out.with_name(f".{opts.out.name}.lock"), f"situs {opts.out}/"), \
            exclusive(opts.build_dir / "build.lock", f"folder build {opts.build_dir}/"), cache_lock(opts.cache_dir):
        if not owned.owned(opts.build_dir):
            owned.mark(opts.build_dir, "build")
        refuse_staff_files(opts.out)  # before minutes of notebooks, when the site's manifest can tell
        return _build(opts, log)


def refuse_staff_files(site: Path, staging: Path | None = None) -> None:
    """Stop the build, before anything is deleted, when the published ``site`` holds files no build wrote (a
    ``CNAME``, a verification file, a PDF staff dropped in a page's folder): publishing replaces the whole site
    and deletes the replaced one, so they would be lost. ``staging``: the new site, whose files count as the
    build's for a site whose manifest predates the list of site-wide files (``incremental.foreign_files``)."""
    if not owned.owned(site):
        return  # no site yet, an empty folder, or one ``check_places`` already refused
    found = foreign_files(site, staging)
    if not found:
        return
    more = f" dan {len(found) - owned.SHOWN} lainnya" if len(found) > owned.SHOWN else ""
    raise owned.NotOwnedError(
        f"{site}/ berisi {len(found)} file atau folder yang tidak ditulis ranpasti: "
        f"{', '.join(found[:owned.SHOWN])}{more}. Setiap build mengganti seluruh isi {site}/, jadi file itu akan "
        f"terhapus: build berhenti dan {site}/ TIDAK diubah. Pindahkan file itu keluar dari {site}/ (ke folder lain "
        "di luar folder situs), lalu jalankan lagi. Bila file itu harus ikut terbit (mis. CNAME), tambahkan di "
        f"langkah unggah: salin isi {site}/ ke tempat terbit, lalu salin file itu ke sana.")


def _build(opts: BuildOptions, log: Callable[[str], None]) -> BuildReport:
    start = time.perf_counter()
    recover(opts.out)  # a previous build killed mid-publish left only <site>.old
    report = BuildReport()
    clock = PhaseClock().start()
    try:
        with clock.phase("ingest"):
            regions = load_regions()
            workers = Workers(opts, _prewarm(opts, regions))
        try:
            return _build_with(opts, log, start, report, regions, workers, clock)
        finally:
            workers.close()  # nothing left to close once execute() has taken them
    finally:
        clock.stop()  # the figures go into the report whether the build published or failed
        report.phases, report.peak_mb = clock.figures(), clock.peak_mb
        if report.published:
            log(phase_line(report))


def _prewarm(opts: BuildOptions, regions: Regions) -> LocalExecutor | None:
    """Start the notebook workers while the changed data is validated: on a one-kecamatan rebuild the
    ~2 s of kernel start-up then overlaps ingest instead of following it. Only when the inputs changed
    (an unchanged rebuild usually runs nothing) and only as many workers as cores (a small run's size)."""
    workers = min(opts.jobs, os.cpu_count() or 1)
    if opts.executor != "local" or opts.engine != DEFAULT_ENGINE or workers < 2:
        return None
    if not needs_ingest(opts.data_dir, opts.cache_dir, regions):
        return None
    executor = LocalExecutor(workers=workers)
    executor.prewarm(opts.engine)
    return executor


class Workers:
    """The pages' executor, started ahead of the pages: by ``_prewarm`` while the data is validated, or by the
    facts phase when it has several batches of kabupaten to spread over the workers (``facts.build``'s
    mapper). ``execute`` then runs the pages on the same workers (``take``)."""

    def __init__(self, opts: BuildOptions, executor: Executor | None) -> None:
        self.opts, self.executor = opts, executor

    def map(self, fn: Callable[..., Any], tasks: list[tuple]) -> Iterator[Any]:
        if len(tasks) < 2 or self.opts.jobs < 2:  # one batch (a one-kabupaten change): here, no worker start-up
            return (fn(*args) for args in tasks)
        if self.executor is None:
            self.executor = make_executor(self.opts.executor, workers=self.opts.jobs, scheduler=self.opts.scheduler)
        return self.executor.map(fn, tasks, engine=self.opts.engine)

    def take(self) -> Executor | None:
        executor, self.executor = self.executor, None
        return executor

    def close(self) -> None:
        if (executor := self.take()) is not None:
            executor.close()


def _build_with(opts: BuildOptions, log: Callable[[str], None], start: float, report: BuildReport, regions: Regions,
                workers: Workers, clock: PhaseClock) -> BuildReport:
    with clock.phase("ingest"):
        store, vreport = ingest(opts.data_dir, opts.cache_dir, regions)
    with clock.phase("facts"):  # every figure once for the whole cache, before any page (``facts``) and before
        # the keys, which read what a kecamatan evaluation shows of its kabupaten; on the pages' workers
        facts.build(store, opts.build_dir, workers.map)
    with clock.phase("params"):
        specs, jobs = _plan(opts, log, report, regions, store, vreport)
    renderer, reason = choose(opts.renderer)
    report.renderer, report.reason = renderer.name, reason
    log(f"Renderer: {renderer.name} — {reason}")
    ledger = Ledger(opts.build_dir / "ledger.jsonl")
    with clock.phase("execute"):
        results = execute(jobs, ledger, engine=opts.engine, workers=opts.jobs, cwd=Path.cwd(), force=opts.force,
                          on_result=_progress(len(jobs)), executor=opts.executor, scheduler=opts.scheduler,
                          stats=report.execution, prewarmed=workers.take())
    report.skipped = sum(r.skipped for r in results)
    report.executed = sum(not r.skipped for r in results)
    report.failures = sorted((r for r in results if not r.ok), key=lambda r: r.page)
    ex = report.execution
    log(f"Notebook: {report.executed} dijalankan, {report.skipped} tidak berubah (dilewati), "
        f"{len(report.failures)} gagal; {ex.get('seconds', 0):.1f} detik, memori puncak "
        f"{ex.get('peak_tree_rss_mb', 0):.0f} MB ({opts.executor}, {opts.engine}, {ex.get('workers', opts.jobs)} "
        "pekerja).")
    if report.failures and not opts.allow_partial:
        report.seconds = time.perf_counter() - start
        raise BuildFailed(report, _failure_text(report, opts))
    executed = {r.page: r.output for r in results if r.ok or r.output.exists()}
    ok_pages = {r.page for r in results if r.ok}
    notices = {r.page: "Halaman ini gagal dibangun ulang pada build terakhir; yang tampil adalah versi terakhir "
               "yang berhasil." for r in report.failures if r.output.exists()}
    executed = {p: o for p, o in executed.items() if p in ok_pages or p in notices}
    records = build_sitemap(specs, regions, executed)
    with clock.phase("disclosure"):
        _refuse_disclosure(records, store, opts, report)
    ctx = RenderContext(store=store, build_dir=opts.build_dir, project_root=Path.cwd(), version=__version__,
                        built_at=dt.datetime.now(dt.timezone.utc), jobs=opts.jobs, notices=notices,
                        previous=opts.out if opts.out.is_dir() else None, force=opts.force, log=log)
    rendering = time.perf_counter()

    def render(staging: Path) -> None:
        renderer.render(records, ctx, staging)
        clock.inside("charts", ctx.stats.get(CHART_STAT, 0.0))
        clock.inside("index", 0.0, wall=ctx.stats.get("index_wait_seconds", 0.0))

    def check(staging: Path) -> None:
        published = {r.page for r in records}
        unlink_unpublished(staging, published, {s.page for s in specs} - published)
        _refuse_personal_numbers(staging, ctx.stats.get("rendered_pages", []), opts)
        _refuse_build_paths(staging, ctx.stats.get("rendered_pages", []), build_paths(ctx), opts)

    stage_and_publish(opts, render, check, clock)
    report.published = True
    report.rendering = ctx.stats
    for warning in ctx.stats.get("warnings", []):
        log(f"[peringatan {renderer.name}] {warning}")
    report.seconds = time.perf_counter() - start
    reused = (f"; {ctx.stats['pages_rendered']} dirender, {ctx.stats['pages_reused']} tidak berubah (ditautkan dari "
              "situs sebelumnya)" if "pages_reused" in ctx.stats else "")
    log(f"Situs lengkap ditulis ke {opts.out}/ ({len(records)} halaman{reused}; render dan indeks "
        f"{time.perf_counter() - rendering:.1f} detik, total {report.seconds:.1f} detik).")
    if report.failures:
        raise BuildFailed(report, _failure_text(report, opts, published=True))
    return report


def stage_and_publish(opts: BuildOptions, render: Callable[[Path], None], check: Callable[[Path], None],
                      clock: PhaseClock) -> None:
    """Render the site into a staging folder the build makes and marks beside ``--out`` (``render``), check it
    (``check``), and swap it into place; on any failure the staging folder goes and ``--out`` is as it was."""
    staging = opts.out.with_name(opts.out.name + ".staging")
    owned.clear(staging, "folder sementara situs")  # left by a build killed while rendering
    try:
        with clock.phase("render"):
            staging.mkdir(parents=True)
            owned.mark(staging, "situs")  # published with the site: the next build knows it may replace it
            render(staging)
        with clock.phase("publish"):
            check(staging)
            if os.path.lexists(opts.out):
                refuse_staff_files(opts.out, staging)  # a file staff added while the build ran
            publish(staging, opts.out)
    except BaseException as e:
        # a half-written site must not stay beside the real one: on a full disk it holds the space that the
        # next build needs, and it is never published
        if os.path.lexists(staging) and owned.replaceable(staging):
            owned.remove(staging)
        if isinstance(e, OSError) and e.filename is None:
            e.filename = str(opts.out)
        raise


def phase_line(report: BuildReport) -> str:
    """The build's last line: CPU seconds per phase (what a page costs whatever the machine's speed)."""
    parts = [f"{name} {fig['cpu']:.1f}" for name, fig in report.phases.items()]
    total = sum(fig["cpu"] for fig in report.phases.values())
    per_page = f"; {total / report.pages:.3f} per halaman" if report.pages else ""
    top = max(report.phases.items(), key=lambda item: item[1].get("peak_mb", 0.0), default=None)
    where = f" (tahap {top[0]})" if top and top[1].get("peak_mb") else ""
    return (f"CPU per tahap (detik): {', '.join(parts)}; jumlah {total:.1f}{per_page}; memori puncak "
            f"{report.peak_mb:.0f} MB{where}.")


def _plan(opts: BuildOptions, log: Callable[[str], None], report: BuildReport, regions: Regions, store: Store,
          vreport) -> tuple[list, list]:
    """Params, page specs, map checks and the jobs to run, with their keys (the ``params`` phase)."""
    report.notes = vreport.notes
    for note in vreport.notes:
        log(f"[catatan data] {note}")
    written, _kept = write_params(store, opts.params_dir, log=log)
    if written:
        log(f"{written} file parameter baru ditulis ke {opts.params_dir}/")
    specs = load_pages(opts.params_dir, store, cache_file=opts.build_dir / "params-cache.pickle",
                       warn=lambda text: log(f"[peringatan params] {text}"))
    report.map_warnings = map_warnings_cached(regions, store.kabupaten_codes(), opts.build_dir / "map-warnings.json")
    for warning in report.map_warnings:
        log(f"[peringatan peta] {warning}")
    if opts.only:
        specs = [s for s in specs if s.kode in opts.only]
    jobs = plan(specs, store, opts.notebooks_dir, opts.build_dir / "notebooks", opts.cache_dir)
    report.pages = len(jobs)
    return specs, jobs


SITE_WIDE = ("index.html", "assets/wilayah.json", "assets/wilayah.js", "cari/index.html")


def map_warnings_cached(regions: Regions, kabupaten: list[str], cache: Path) -> list[str]:
    """``map_warnings``, remembered in the build folder while the reference regions, the boundaries (both in
    ``regions.fingerprint``), the kabupaten with data and the code are the same: nationally it decodes every
    province's boundaries (~2.4 s), on every build, for the same lines."""
    key = sha256_bytes(json.dumps([regions.fingerprint, sorted(kabupaten), code_fingerprint()]))
    try:
        saved = json.loads(cache.read_text(encoding="utf-8"))
        if saved.get("key") == key and isinstance(saved.get("warnings"), list):
            return [str(w) for w in saved["warnings"]]
    except (OSError, ValueError, AttributeError):
        pass  # no cache yet, or a damaged one: compute again
    warnings = map_warnings(regions, kabupaten)
    text = json.dumps({"key": key, "warnings": warnings}, ensure_ascii=False)
    with contextlib.suppress(OSError):  # a cache that cannot be written only costs the next build 2 s
        write_atomically(cache, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return warnings


def map_warnings(regions: Regions, kabupaten: list[str]) -> list[str]:
    """Where the maps' boundaries and the reference regions disagree, for the maps this build draws: the
    country's kabupaten/kota, and the kecamatan and desa of every kabupaten in the data. Kabupaten with no
    desa boundaries at all (most of the country: the source has desa for a few) are one line, not hundreds."""
    checks = [("kabupaten", "", regions.kabupaten["nama"])]
    no_desa = []
    for kab in kabupaten:
        checks.append(("kecamatan", kab, regions.children(kab)["nama"]))
        if batas.shapes(regions.dir, "desa", kab):
            checks.append(("desa", kab, regions.desa_of(kab)["nama"]))
        else:
            no_desa.append(kab)
    found = [batas.coverage_warning(regions.dir, level, parent, names.to_dict()) for level, parent, names in checks]
    warnings = [w for w in found if w]
    if no_desa:
        shown = ", ".join(no_desa[:20]) + (f" dan {len(no_desa) - 20} lainnya" if len(no_desa) > 20 else "")
        warnings.append(f"batas desa belum ada untuk {len(no_desa)} kabupaten/kota ({shown}): halaman "
                        "kecamatannya tampil tanpa peta desa, dengan catatan.")
    return warnings


def published_figures(records: list) -> pd.DataFrame:
    """Every page's record of the figures under disclosure control it published (its hidden last cell,
    ``pages.published_figures``), with the page named: what the audit reads."""
    frames = []
    for record in records:
        try:
            nb = json.loads(Path(record.notebook).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # a page without its notebook is not published
        for cell in nb.get("cells", []):
            for out in cell.get("outputs", []):
                bundle = out.get("data", {}).get(MIME_FIGURES)
                if bundle and bundle.get("rows"):
                    frames.append(pd.DataFrame(bundle["rows"]).assign(halaman=record.page or "(beranda)"))
    if not frames:
        return pd.DataFrame()
    figures = pd.concat(frames, ignore_index=True)
    for col in ("bawah", "atas"):
        figures[col] = pd.to_numeric(figures[col], errors="coerce")
    figures["atas"] = figures["atas"].fillna(float("inf"))  # JSON carries no infinity
    figures["samar"] = figures["samar"].fillna("")
    return figures


def _reports(store: Store, figures: pd.DataFrame) -> pd.DataFrame:
    """Which desa reported in which month, in every kabupaten with a masked figure: what the audit assumes a
    reader knows (the desa table says who reported; the strongest reader is the safe one to audit against)."""
    hidden = figures[figures["samar"] != ""]
    kabupaten = sorted({".".join(str(k).split(".")[:2]) for k in hidden["kode"]})
    frames = [store.pendampingan(k)[["kode_desa", "bulan"]].drop_duplicates() for k in kabupaten]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["kode_desa", "bulan"])


def _refuse_disclosure(records: list, store: Store, opts: BuildOptions, report: BuildReport) -> None:
    """Before anything is rendered: the linear-programming audit over every figure under disclosure control
    that the pages publish, across pages (a kecamatan's figures are on its own page, its kabupaten's and the
    evaluations). Any masked count a reader could narrow below the protection stops the build."""
    figures = published_figures(records)
    if figures.empty:
        return
    rule = disclosure.Rule(store.config.privacy_min_krs, store.config.privacy_protection)
    breaches = disclosure.audit(figures, rule, _reports(store, figures))
    if breaches:
        shown = "\n".join(f"- {b.message(rule)}" for b in breaches[:10])
        more = f"\n- dan {len(breaches) - 10} lainnya" if len(breaches) > 10 else ""
        raise DisclosureRefused(
            f"Audit penyamaran gagal: {len(breaches)} angka yang disamarkan bisa dihitung kembali.\n{shown}{more}\n"
            "Periksa angka KRS desa tersebut di data/ (desa dengan sasaran sangat kecil di kecamatan atau "
            f"kabupaten yang kecil). Situs di {opts.out}/ TIDAK diubah.")


def _refuse_personal_numbers(staging: Path, pages: list[str], opts: BuildOptions) -> None:
    """The last check before publishing: no NIK- or KK-shaped number and no mobile number in what this build
    wrote (every file of each page rendered now, and the site-wide lists). Validation refuses them in every
    input it knows of; this catches the ones it cannot (a number typed into a count column, a configuration
    text, a name in reference data). Pages reused from the published site were checked when they were
    published."""
    paths = {staging / name: None for name in SITE_WIDE}
    for page in pages:
        folder = staging / page
        if folder.is_dir():
            paths.update((f, None) for f in folder.iterdir() if f.is_file())
    for path, found in privacy.scan_paths(paths, jobs=opts.jobs):
        raise PersonalDataRefused(
            f"{path.relative_to(staging)} akan memuat {found.what} ({found.masked}). "
            "Data pribadi tidak boleh terbit: cari nomor itu di data/ (kolom angka, nama wilayah, "
            f"konfigurasi.yml) atau di params/, hapus, lalu bangun lagi. Situs di {opts.out}/ TIDAK diubah.")


def _refuse_build_paths(staging: Path, pages: list[str], paths: tuple[str, ...], opts: BuildOptions) -> None:
    """The build machine's folders are never published (issue 32, B61, D11): notebooks are published through
    ``publishable_notebook``; this refuses any file of a page rendered now that still names one, as a path
    or by its name (``build_path_leak``)."""
    for page in pages:
        folder = staging / page
        for path in sorted(folder.iterdir()) if folder.is_dir() else ():
            hit = build_path_leak(path.read_bytes(), paths) if path.is_file() else None
            if hit is not None:
                raise RenderFailed(f"{path.relative_to(staging)} akan memuat alamat folder komputer build "
                                   f"({hit}); alamat itu tidak boleh terbit. Laporkan ke pengelola ranpasti. Situs "
                                   f"di {opts.out}/ TIDAK diubah.")


def _failure_text(report: BuildReport, opts: BuildOptions, published: bool = False) -> str:
    lines = [f"{len(report.failures)} halaman gagal:"]
    lines += [f"  - {r.page or '(beranda)'} [{r.kode}]: {r.error}" for r in report.failures]
    lines.append("Notebook yang gagal disimpan sebagai *.gagal.ipynb di build/notebooks/ untuk diperiksa.")
    if published:
        lines.append("Dengan --allow-partial, halaman lain diterbitkan; halaman yang gagal menampilkan versi "
                     "terakhir yang berhasil (bila ada) dengan pemberitahuan.")
    else:
        lines.append(f"Situs di {opts.out}/ TIDAK diubah. Perbaiki lalu jalankan lagi, atau pakai --allow-partial.")
    return "\n".join(lines)
