"""Execute page notebooks with papermill, in parallel, skipping pages whose inputs did not change.

Execution always goes through ``papermill.execute_notebook`` and its engine registry (``engine_name``), so
a faster engine plugs in by name. The default, ``ranpasti-inprocess`` (``inprocess.py``), runs each worker
process's notebooks on an IPython shell inside the worker, no kernel, and clears user state between units;
``ranpasti-warm`` (``engines.py``: one warm kernel per worker process) and ``nbclient`` (papermill's own: a
cold kernel per notebook) stay available. Units run on an executor (``executors.py``): a local process pool
(``--jobs``) or a Dask cluster (``executor="dask", scheduler="tcp://HOST:PORT"``); results stream back one
small record per unit, never notebooks.

Each page's output is written to a temporary file and renamed into place, so an interrupted build never
leaves a truncated notebook. A page whose key (parameters, notebook, the package's code by content
(``fingerprint.code_fingerprint``), what it reads of the data (``_Keys``), and what every page reads) matches
the last successful run is skipped; the record of successful runs is appended line by line (flushed per line,
fsynced at most once a second and at the end), so it survives a killed build; a line cut mid-write is ignored
and that page is simply redone.
"""

from __future__ import annotations

import json
import os
import resource
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TextIO

import pandas as pd

from .. import facts
from ..core import fmt
from ..core.errors import UsageError
from ..core.files import sha256_bytes, sha256_file
from ..core.fingerprint import code_fingerprint
from ..ingest.store import Store
from ..plan.params import PageSpec
from ..reference.indicators import regional_annual, with_target
from ..reference.regions import ancestor, level_of
from .executors import DEFAULT_EXECUTOR, MemoryMonitor, make_executor
from .jobs import DEFAULT_TIMEOUT, Job, Result, run_job

__all__ = ["DEFAULT_ENGINE", "DEFAULT_TIMEOUT", "Job", "Ledger", "Result", "execute", "plan", "run_job"]

DEFAULT_ENGINE = "ranpasti-inprocess"  # inprocess.InProcessEngine; "ranpasti-warm" = a warm kernel per worker
# (engines.WarmKernelEngine); "nbclient" = papermill's own, a cold kernel per notebook
LEVEL_ORDER = {"nasional": 0, "provinsi": 1, "kabupaten": 2}


def _run_order(job: Job) -> tuple:
    """The heaviest pages (national, provinces) first, so they do not finish last on one worker; then each
    kabupaten's own pages right before its kecamatan pages: the workers compute a kabupaten's figures once
    (``Store.kabupaten_memo``) and every page of it reuses them. Stable: the params order within a unit."""
    level = level_of(job.kode)
    if level in ("nasional", "provinsi"):
        return (LEVEL_ORDER[level], "", 0)
    return (2, ancestor(job.kode, "kabupaten"), LEVEL_ORDER.get(level, 3))


def plan(specs: Iterable[PageSpec], store: Store, notebooks_dir: Path, out_dir: Path, cache_dir: Path) -> list[Job]:
    """Jobs for the pages to publish, each with its incremental key (``_Keys``: what the page reads)."""
    specs = list(specs)
    global_hash = store.global_hash()
    code = code_fingerprint()  # once per build: the package as it is now, not its version number
    nb_sha = {p.stem: sha256_file(p) for p in notebooks_dir.glob("*.ipynb")}
    missing = sorted({spec.notebook for spec in specs if spec.publish} - set(nb_sha))
    if missing:
        raise UsageError(f"notebook {', '.join(f'{n}.ipynb' for n in missing)} tidak ada di folder {notebooks_dir}/: "
                         "jalankan ranpasti dari folder proyek (yang berisi notebooks/), atau kembalikan notebook itu.")
    keys = _Keys(store)
    jobs = []
    for spec in specs:
        if not spec.publish:
            continue
        parameters = {k: v for k, v in spec.params.items()}
        # data_dir "": the page reads the build's validated cache as it is (``pages.open_store``), so what it
        # computes is what its key below describes, even if the data folder changes during the build
        parameters.update({"data_dir": "", "cache_dir": str(cache_dir)})
        material = json.dumps([parameters, nb_sha[spec.notebook], code, global_hash, store.regions.fingerprint,
                               keys.reads(spec)], sort_keys=True, default=str)
        key = sha256_bytes(material)
        jobs.append(Job(spec.page, spec.kode, notebooks_dir / f"{spec.notebook}.ipynb",
                        out_dir / spec.page / "index.ipynb", parameters, key))
    return jobs


class _Keys:
    """What a page reads of the data, for its key: narrow, so a change re-executes only the pages that show it.

    - **Its own rows**: every table's rows of the units inside the page's unit (``Store.year_hashes``: a
      row-hash sum per unit and year, written at ingest), of the years up to the page's year only. A year's
      evaluation compares with earlier years, never later ones; a progress page of month M shows its year up
      to M and earlier years' yearly inputs. Rows without a year count for every page.
    - **What it shows from outside**, as shown: a kabupaten evaluation its province's and the country's annual
      figures (``_Regional``); a kecamatan evaluation its kabupaten's annual figures (``_kabupaten_year``).
    - **The masking decision** of a kecamatan page's kabupaten, made per kabupaten-year (secondary suppression
      can move between kecamatan of one kabupaten): its inputs for each year up to the page's where some
      denominator is small enough for anything to be masked (``Store.masking_inputs``); elsewhere nothing is.

    Everything is grouped once per build, then each page is a few dictionary look-ups.
    """

    def __init__(self, store: Store):
        self.store = store
        months = store.months()
        self.latest_year = int(months[-1][:4]) if months else 0
        hashes = store.year_hashes()
        codes = hashes["kode"].astype(str)
        frames = []
        for width in (8, 5, 2, 0):  # the row's kecamatan, kabupaten, province and the country
            inside = codes.str.len() >= width
            unit = codes[inside].str.slice(0, width) if width else pd.Series("ID", index=codes.index)
            frames.append(pd.DataFrame({"unit": unit.to_numpy(), "tahun": hashes.loc[inside, "tahun"].to_numpy(),
                                        "h": hashes.loc[inside, "h"].to_numpy(dtype="uint64")}))
        units = pd.concat(frames, ignore_index=True).groupby(["unit", "tahun"], sort=True)["h"].sum()
        self.units: dict[str, list[tuple[int, str]]] = {}
        for (unit, tahun), h in units.items():
            self.units.setdefault(str(unit), []).append((int(tahun), str(int(h))))
        masking = store.masking_inputs()
        threshold = store.config.privacy_min_krs
        self.masking: dict[str, list[tuple[int, str]]] = {}
        for kab, tahun, h, kecil in masking[["kode_kabupaten", "tahun", "h", "kecil"]].itertuples(index=False):
            if kecil == kecil and kecil < threshold:  # (NaN: no denominator above 0 at all)
                self.masking.setdefault(kab, []).append((int(tahun), str(int(h))))
        self.regional = _Regional(store)
        self._kabupaten: dict[int, dict[str, list]] = {}

    def year(self, spec: PageSpec) -> int:
        """The last year the page shows: its evaluation year, or its reporting month's year."""
        if spec.kind == "evaluasi" and spec.tahun is not None:
            return int(spec.tahun)
        bulan = spec.params.get("bulan")
        return int(str(bulan)[:4]) if bulan else self.latest_year

    def reads(self, spec: PageSpec) -> list:
        year = self.year(spec)
        own = [(t, h) for t, h in self.units.get(spec.kode, []) if t <= year]
        outside: list = []
        if level_of(spec.kode) == "kecamatan":
            kab = ancestor(spec.kode, "kabupaten")
            outside.append([(t, h) for t, h in sorted(self.masking.get(kab, [])) if t <= year])
            if spec.kind == "evaluasi":
                outside.append(self._kabupaten_year(kab, year))
        outside.append(self.regional.shown(spec))
        return [year, own, outside]

    def _kabupaten_year(self, kab: str, year: int) -> list:
        """A kabupaten's annual figures as a kecamatan evaluation shows them (``Context.kabupaten_year``): the
        facts' kabupaten rows of the year on the basis the page uses (reach where the kabupaten has it, else
        the monthly average), as shown (``fmt.percent`` against the kabupaten's target). The facts are read from
        where the build's facts phase wrote them (computed here for a plan made without one)."""
        if year not in self._kabupaten:
            upper = facts.load(self.store, facts.UPPER)
            rows = upper[(upper["tingkat"] == "kabupaten") & (upper["periode"] == f"{year}-01..{year}-12")]
            # reach sorts before the monthly average ("j" < "r"), as in ``Context._compute_annual``
            rows = rows.sort_values("dasar", kind="stable").drop_duplicates(["kode", "indikator"])
            self._kabupaten[year] = {
                kode: sorted((r.indikator, r.dasar, fmt.percent(r.nilai, target=r.target, direction=r.arah))
                             for r in group.itertuples()) for kode, group in rows.groupby("kode")}
        return self._kabupaten[year].get(kab, [])


class _Regional:
    """What a kabupaten evaluation shows of its province and the country (``pages.regional_comparison``), as
    shown (``fmt.shown`` against each region's own target) and the number of kabupaten/kota behind it. Part of
    that page's key, so the page is redone when a figure it shows changes, and not for every change of data
    elsewhere in the country."""

    def __init__(self, store: Store):
        self.store = store
        self._agregat: pd.DataFrame | None = None  # read once, at the first kabupaten evaluation
        self._years: dict[int, dict[str, list]] = {}

    def agregat(self) -> pd.DataFrame:
        """The per-kabupaten monthly sums, read once per plan."""
        if self._agregat is None:
            self._agregat = self.store.agregat("ID")
        return self._agregat

    def shown(self, spec: PageSpec) -> list:
        if spec.kind != "evaluasi" or level_of(spec.kode) != "kabupaten" or spec.tahun is None:
            return []
        if spec.tahun not in self._years:
            values = with_target(regional_annual(self.agregat(), spec.tahun), self.store.table("target"), spec.tahun,
                                 self.store.config)
            self._years[spec.tahun] = {
                kode: sorted((r.indikator, fmt.percent(r.nilai, target=r.target, direction=r.arah),
                              int(r.n_kabupaten)) for r in group.itertuples())
                for kode, group in values.groupby("kode")}
        year = self._years[spec.tahun]
        return [year.get(ancestor(spec.kode, "provinsi"), []), year.get("ID", [])]


class Ledger:
    """Append-only record of successful executions: page → key. Survives interruption line by line."""

    SYNC_EVERY = 1.0  # seconds between fsyncs; every line is flushed to the OS at once (survives a kill)

    def __init__(self, path: Path):
        self.path = path
        self.done: dict[str, str] = {}
        self._file: TextIO | None = None
        self._synced = 0.0
        self.lines = 0
        if path.exists():
            with open(path, encoding="utf-8", errors="replace") as f:
                for line in f:
                    self.lines += 1
                    try:
                        entry = json.loads(line)
                        self.done[entry["page"]] = entry["key"]
                    except (json.JSONDecodeError, KeyError, TypeError):
                        continue  # a line cut by a kill: ignore it, the page is simply redone

    def fresh(self, job: Job) -> bool:
        return self.done.get(job.page) == job.key and job.output.exists()

    def record(self, job: Job) -> None:
        if self._file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            cut = _ends_mid_line(self.path)
            self._file = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 (kept open across records)
            if cut:
                self._file.write("\n")  # a previous build was killed mid-line: start on a fresh line
        f = self._file
        f.write(json.dumps({"page": job.page, "key": job.key}) + "\n")
        f.flush()
        self.lines += 1
        now = time.monotonic()
        if now - self._synced >= self.SYNC_EVERY:
            os.fsync(f.fileno())
            self._synced = now
        self.done[job.page] = job.key

    def sync(self) -> None:
        """fsync and close the file (reopened on the next record)."""
        if self._file is not None:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            self._file = None

    def compact(self) -> None:
        """Rewrite the file with one line per page when it has grown with superseded lines (atomic)."""
        self.sync()
        if self.lines <= 2 * len(self.done) + 1000:
            return
        tmp = self.path.with_suffix(f".tmp-{os.getpid()}")
        with open(tmp, "w", encoding="utf-8") as f:
            for page, key in self.done.items():
                f.write(json.dumps({"page": page, "key": key}) + "\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)
        self.lines = len(self.done)


def _ends_mid_line(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            f.seek(-1, os.SEEK_END)
            return f.read(1) != b"\n"
    except OSError:  # missing or empty
        return False


SMALL_RUN = 50  # units; below this a local run uses at most one worker per core


def execute(jobs: list[Job], ledger: Ledger, engine: str = DEFAULT_ENGINE, workers: int = 1, cwd: Path | None = None,
            force: bool = False, on_result: Callable[[Result], None] | None = None, *,
            executor: str = DEFAULT_EXECUTOR, scheduler=None, timeout: int = DEFAULT_TIMEOUT,
            stats: dict | None = None, prewarmed=None) -> list[Result]:
    """Run the jobs that are not fresh; return a result for every job (skipped ones included).

    ``executor``: ``"local"`` (``workers`` processes on this machine) or ``"dask"`` (``scheduler`` is
    ``"tcp://HOST:PORT"`` or a ``distributed.Client``; none starts a local cluster of ``workers``).
    ``stats``, when given, is filled with figures of the run: executed/skipped counts, wall seconds, peak
    memory of the whole process tree (MB), per-worker peak RSS and kernels started.
    ``prewarmed``: an executor started ahead (``LocalExecutor.prewarm``, or the facts phase's); it is used
    when it is of the kind asked for (and, local, has the number of workers this run wants), else closed.
    """
    cwd_s = str(cwd or Path.cwd())
    results: list[Result] = []
    todo = []
    for job in jobs:
        if not force and ledger.fresh(job):
            r = Result(job.page, job.kode, True, 0.0, job.output, skipped=True)
            results.append(r)
            if on_result:
                on_result(r)
        else:
            todo.append(job)
    start = time.perf_counter()
    if stats is not None:
        stats.update(executed=len(todo), skipped=len(results), executor=executor, engine=engine, workers=workers)
    if not todo:
        if prewarmed is not None:
            prewarmed.close()
        if stats is not None:
            stats.update(seconds=0.0, peak_tree_rss_mb=0.0, cpu_seconds=0.0, workers_info=[], **peak_rss())
        return results
    todo.sort(key=_run_order)
    by_page = {j.page: j for j in todo}
    ledger.compact()
    if executor == "local" and len(todo) < SMALL_RUN:
        # More workers than cores pays off only over many units (one worker's waits fill another's); for a
        # handful (a one-kecamatan rebuild runs 6) each extra worker is one more ~2 CPU-second kernel start.
        workers = max(1, min(workers, len(todo), os.cpu_count() or 1))
    if prewarmed is not None and (prewarmed.name != executor
                                  or (executor == "local" and len(todo) >= SMALL_RUN and prewarmed.workers != workers)):
        prewarmed.close()
        prewarmed = None
    runner = prewarmed or make_executor(executor, workers=workers, scheduler=scheduler)
    if stats is not None:
        stats["prewarmed"] = prewarmed is not None
        workers_known = getattr(runner, "workers", None)  # a Dask cluster's size is not known up front
        if isinstance(workers_known, int):
            stats["workers"] = workers_known
    monitor = MemoryMonitor()
    try:
        with monitor:
            for r in runner.run(todo, engine, cwd_s, timeout):
                if r.ok:
                    ledger.record(by_page[r.page])
                results.append(r)
                if on_result:
                    on_result(r)
    finally:
        ledger.sync()
        info = runner.worker_stats()
        runner.close()
    if stats is not None:
        stats.update(seconds=time.perf_counter() - start, peak_tree_rss_mb=monitor.peak_mb,
                     cpu_seconds=monitor.cpu_seconds, workers_info=info, **peak_rss())
    return results


def peak_rss() -> dict[str, float]:
    """Peak RSS in MB from ``getrusage``: this process, and the largest finished child process."""
    kb = 1024.0  # ru_maxrss is in KiB on Linux
    return {"self_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / kb,
            "children_maxrss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / kb}
