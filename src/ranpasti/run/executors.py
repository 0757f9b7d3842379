"""Where page notebooks run: a local process pool, or a Dask distributed cluster. Registered by name.

Both take the jobs to run and yield one ``Result`` per job as units finish (streaming: only small
``Result`` records cross back to the parent, never notebooks, and only a bounded window of jobs is in
flight at a time). Both run the same function, ``jobs.run_job``, in long-lived worker processes, so the
engines' per-process state (the in-process shell, or ``ranpasti-warm``'s kernel) stays warm across units.

``local``
    ``workers`` processes from a ``forkserver`` pool on this machine (``workers <= 1`` with a kernel engine
    runs in this process; the in-process engine always runs in a worker, never in the build). A worker that
    dies (a page that ends its process, the OOM killer) breaks the pool: a new pool is started and the
    units that were in flight run again one at a time, so the one that ends its process on its own is
    reported as failed and the others are published.

``dask``
    ``scheduler="tcp://HOST:PORT"`` (or a ``distributed.Client``; none starts a ``LocalCluster`` with
    ``workers`` single-threaded worker processes). Workers must have this package installed, and the
    notebooks, the data/cache folders and the build folder must be visible to every worker at the SAME
    absolute paths (one machine, or a shared filesystem such as NFS): each worker writes the executed
    notebook itself to ``job.output``. Start workers with ``--nthreads 1`` (papermill changes the process's
    working directory while a notebook runs, and a worker holds one kernel).
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, as_completed, wait
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from typing import Any, ClassVar, Protocol

from ..core.errors import RanpastiError, UsageError
from .jobs import Job, Result, run_job

DEFAULT_EXECUTOR = "local"
EXECUTORS: dict[str, Any] = {}  # name → executor class (constructed with workers=, scheduler=)


def register(cls: Any) -> Any:
    EXECUTORS[cls.name] = cls
    return cls


class Executor(Protocol):
    name: str

    def run(self, jobs: Iterable[Any], engine: str, cwd: str, timeout: int) -> Iterator[Any]:
        """Yield a ``Result`` for every job, in completion order."""

    def map(self, fn: Callable[..., Any], tasks: list[tuple], engine: str | None = None) -> Iterator[Any]:
        """Yield ``fn(*args)`` for each ``args`` of ``tasks``, in completion order, on the same workers that run
        the pages (the build's facts phase: ``facts.build``). ``engine``: the one the pages will run with,
        so a local pool started here is the one they use."""

    def close(self) -> None:
        """Release workers and connections."""

    def worker_stats(self) -> list[dict]:
        """Per worker process: pid, peak RSS (MB), kernels started; empty when unknown."""


def names() -> list[str]:
    """What ``--executor`` accepts: every registered executor."""
    return sorted(EXECUTORS)


def make_executor(name: str = "local", workers: int = 1, scheduler: Any = None) -> Executor:
    if name not in EXECUTORS:
        raise UsageError(f"executor tidak dikenal: {name} (pilihan: {', '.join(sorted(EXECUTORS))})")
    if name != "dask" and scheduler is not None:
        raise UsageError("--scheduler hanya berlaku dengan --executor dask")
    return EXECUTORS[name](workers=workers, scheduler=scheduler)


def _failed(job: Job, seconds: float, error: str) -> Result:
    return Result(job.page, job.kode, False, seconds, job.output, error)


def worker_info() -> dict:
    """Run inside a worker: its pid, peak RSS (self and its finished kernels), kernels and in-process shells
    started (each engine warms once per worker)."""
    import resource

    from . import engines, inprocess

    kb = 1024.0
    return {"pid": os.getpid(),
            "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / kb,
            "kernels_maxrss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / kb,
            "kernels_started": engines.kernels_started(), "shells_started": inprocess.shells_started()}


def _in_process(engine: str) -> bool:
    """Whether ``engine`` runs notebooks in the worker's own process. The engine modules are imported here, not
    at the top: they bring IPython and papermill, ~0.3 s more at the start of every ``ranpasti`` command."""
    from .inprocess import ENGINE_NAME

    return engine == ENGINE_NAME


def _recycle_every() -> int:
    from .engines import recycle_every

    return recycle_every()


_BARRIER: Any = None  # per worker: the pool's barrier, so a call can be made once on every worker


def _preload(engine: str | None, barrier: Any, build_pid: int | None = None) -> None:
    """Pool initializer: import the heavy modules once per worker and, when asked, warm ``engine`` (its kernel
    or its in-process shell: the engine class's ``prewarm``).

    Warming here rather than in submitted tasks makes it happen once in *every* worker: a task can be picked
    up twice by the worker that started first. A kernel that fails to start is left for the first unit to
    retry, so its error is reported against that unit instead of breaking the pool."""
    global _BARRIER
    _BARRIER = barrier
    if build_pid is not None:
        from .lifeline import watch_build

        watch_build(build_pid)  # never outlive the build (SIGKILL, OOM kill): see ``lifeline``
    from papermill.engines import papermill_engines

    from . import engines, inprocess  # noqa: F401  (both register their engines)

    if engine:
        with contextlib.suppress(Exception):  # an unknown engine is reported by the first unit, not here
            warm = getattr(papermill_engines.get_engine(engine), "prewarm", None)  # papermill's have none
            if warm is not None:
                warm()


def _worker_info_once() -> dict:
    """Pool task: wait until every worker holds one of these, so each worker answers exactly once."""
    _BARRIER.wait(timeout=30)
    return worker_info()


def _started() -> None:
    """Pool task that does nothing: submitting one per worker makes the pool start all its processes."""


@register
class LocalExecutor:
    name = "local"

    def __init__(self, workers: int = 1, scheduler: Any = None):
        self.workers = max(1, int(workers))
        self.window = self.workers * 4
        self._stats: dict[int, dict] = {}
        self._pool: ProcessPoolExecutor | None = None  # started early by ``prewarm``
        self._engine: str | None = None  # what the prewarmed pool was warmed for

    def _new_pool(self, engine: str, warm: bool = False) -> ProcessPoolExecutor:
        ctx = get_context("forkserver")
        # a worker running notebooks in its own process is replaced now and then, as a warm kernel is, so
        # memory a page leaves behind cannot build up over a national build
        recycle = _recycle_every() if _in_process(engine) else None
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx, initializer=_preload,
                                   initargs=(engine if warm else None, ctx.Barrier(self.workers), os.getpid()),
                                   max_tasks_per_child=recycle)

    def prewarm(self, engine: str) -> None:
        """Start the workers and warm ``engine`` in each now, while the caller does other work (a rebuild
        validates its data meanwhile): for a run of a few units, start-up is most of the time."""
        if self.workers > 1 and self._pool is None:
            self._engine = engine
            self._pool = self._new_pool(engine, warm=True)
            for _ in range(self.workers):  # the pool starts a process per submitted task while none is idle
                self._pool.submit(_started)

    def run(self, jobs: Iterable[Any], engine: str, cwd: str, timeout: int) -> Iterator[Any]:
        if self._pool is not None and self._engine != engine:  # prewarmed for another engine
            self.close()
        if self.workers <= 1 and not _in_process(engine):  # never the build's own process: a page could end it
            for job in jobs:
                yield run_job(job, engine, cwd, timeout)
            self._stats[os.getpid()] = worker_info()
            return
        queue = deque(jobs)
        suspects: deque = deque()  # units running when a worker died: retried one at a time to find which
        while queue or suspects:
            broken = False
            pool, self._pool = self._pool or self._new_pool(engine), None
            running: dict[Any, tuple[Job, float]] = {}
            alone: Job | None = None  # the suspect running by itself: if the pool breaks now, it is the cause
            try:
                while queue or suspects or running:
                    if suspects:
                        if not running and not broken:
                            alone = suspects.popleft()
                            running[pool.submit(run_job, alone, engine, cwd, timeout)] = (alone, time.perf_counter())
                    else:
                        while queue and len(running) < self.window and not broken:
                            job = queue.popleft()
                            running[pool.submit(run_job, job, engine, cwd, timeout)] = (job, time.perf_counter())
                    if not running:
                        break
                    done, _ = wait(running, return_when=FIRST_COMPLETED)
                    for fut in done:
                        job, start = running.pop(fut)
                        try:
                            yield fut.result()
                        except BrokenProcessPool:
                            broken = True
                            if alone is not None and job is alone:
                                yield _failed(alone, time.perf_counter() - start,
                                              "proses pekerja berhenti mendadak saat menjalankan halaman ini "
                                              "(kehabisan memori?)")
                            else:
                                suspects.append(job)
                        except Exception as e:  # pickling or other pool failure: this unit fails, others go on
                            yield _failed(job, time.perf_counter() - start, f"{type(e).__name__}: {e}")
                    if broken and not running:
                        break
                if not broken:
                    self._collect(pool)
            finally:
                pool.shutdown(wait=True, cancel_futures=True)

    def map(self, fn: Callable[..., Any], tasks: list[tuple], engine: str | None = None) -> Iterator[Any]:
        if self.workers <= 1:
            yield from (fn(*args) for args in tasks)
            return
        if self._pool is None or (engine is not None and self._engine not in (None, engine)):
            self.close()
            self._pool, self._engine = self._new_pool(engine or ""), engine
        futures = [self._pool.submit(fn, *args) for args in tasks]
        try:
            for fut in as_completed(futures):
                yield fut.result()
        except BrokenProcessPool as e:
            self.close()
            raise RanpastiError("proses pekerja berhenti mendadak saat menghitung angka wilayah (kehabisan "
                               "memori?): kurangi --jobs lalu jalankan lagi") from e
        finally:
            for fut in futures:
                fut.cancel()

    def _collect(self, pool: ProcessPoolExecutor) -> None:
        """Ask each worker for its figures (exactly one call per worker, held at a barrier; best effort)."""
        try:
            futures = [pool.submit(_worker_info_once) for _ in range(self.workers)]
            for f in futures:
                info = f.result(timeout=30)
                self._stats[info["pid"]] = info
        except Exception:
            pass

    def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:  # prewarmed, never used
            pool.shutdown(wait=True, cancel_futures=True)

    def worker_stats(self) -> list[dict]:
        return list(self._stats.values())


@register
class DaskExecutor:
    name = "dask"

    def __init__(self, workers: int = 1, scheduler: Any = None):
        from distributed import Client, LocalCluster

        self.cluster = None
        if scheduler is None:
            self.cluster = LocalCluster(n_workers=max(1, int(workers)), threads_per_worker=1, processes=True,
                                        dashboard_address=None)
            self.client = Client(self.cluster)
            self.owns_client = True
        elif isinstance(scheduler, str):
            self.client = Client(scheduler)
            self.owns_client = True
        else:  # an existing distributed.Client
            self.client, self.owns_client = scheduler, False
        self._stats: list[dict] = []

    def run(self, jobs: Iterable[Any], engine: str, cwd: str, timeout: int) -> Iterator[Any]:
        from distributed import as_completed

        threads = sum(self.client.nthreads().values()) or 1
        window = max(4, threads * 4)
        queue = deque(jobs)
        meta: dict[str, tuple[Any, float]] = {}
        batch = uuid.uuid4().hex[:8]

        def submit() -> Any:
            job = queue.popleft()
            key = f"ranpasti-{batch}-{len(meta)}"
            meta[key] = (job, time.perf_counter())
            return self.client.submit(run_job, job, engine, cwd, timeout, key=key, pure=False)

        initial = [submit() for _ in range(min(window, len(queue)))]
        ac = as_completed(initial)
        for fut in ac:
            job, start = meta.pop(fut.key)
            try:
                yield fut.result()
            except Exception as e:  # KilledWorker, a worker lost mid-unit, cancelled: this unit fails
                yield _failed(job, time.perf_counter() - start, f"{type(e).__name__}: {e}")
            finally:
                fut.release()
            if queue:
                ac.add(submit())
        try:
            self._stats = list(self.client.run(worker_info).values())
        except Exception:
            self._stats = []

    def map(self, fn: Callable[..., Any], tasks: list[tuple], engine: str | None = None) -> Iterator[Any]:
        from distributed import as_completed as done_in_turn

        futures = self.client.map(fn, *zip(*tasks, strict=True), pure=False) if tasks else []
        for fut in done_in_turn(futures):
            yield fut.result()
            fut.release()

    def close(self) -> None:
        if self.owns_client:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()

    def worker_stats(self) -> list[dict]:
        return self._stats


class MemoryMonitor:
    """Peak resident memory of this process and all its descendants (workers, kernels), sampled.

    ``getrusage`` only knows finished children one at a time (and forkserver workers are grandchildren: the
    fork server's children); a build's memory is the sum of the parent, the workers and their kernels running
    together, so this samples the process tree with psutil. It also sums the CPU time the tree used while it
    ran (``cpu_seconds``): a figure that does not depend on what else the machine is doing. Each process is
    counted once, and processes whose command line holds a word of ``LABELS`` (the search indexer, which runs
    beside rendering) are kept apart in ``cpu_seconds_of`` so a build can say which phase their CPU belongs to.
    """

    LABELS: ClassVar[dict[str, str]] = {"index": "pagefind"}  # label -> word in the command line

    def __init__(self, interval: float = 0.5, on_sample: Callable[[float], None] | None = None):
        self.interval = interval
        self.peak_mb = 0.0
        self.window_peak_mb = 0.0  # the peak since ``new_window`` (a build phase's own peak)
        self.on_sample = on_sample
        self._stop: threading.Event | None = None
        self._thread: threading.Thread | None = None
        self._cpu: dict[tuple[int, float], float] = {}
        self._base: dict[tuple[int, float], float] = {}
        self._label: dict[tuple[int, float], str] = {}
        self._lock = threading.Lock()  # the sampling thread and a caller's ``sample`` (a phase boundary)

    @property
    def cpu_seconds(self) -> float:
        return sum(v - self._base.get(k, 0.0) for k, v in self._cpu.items())

    def cpu_seconds_of(self, label: str) -> float:
        """CPU of the processes carrying ``label`` (``""``: every other process)."""
        return sum(v - self._base.get(k, 0.0) for k, v in self._cpu.items() if self._label.get(k, "") == label)

    def _label_of(self, p) -> str:
        try:
            line = " ".join(p.cmdline())
        except Exception:
            return ""
        return next((label for label, word in self.LABELS.items() if word in line), "")

    def new_window(self, start_mb: float) -> None:
        """Start a new ``window_peak_mb`` from ``start_mb`` (the sample taken at a phase boundary: which phase
        the build's peak fell in)."""
        with self._lock:
            self.window_peak_mb = start_mb

    def sample(self) -> float:
        import psutil

        with self._lock:
            total = 0
            me = psutil.Process()
            first = not self._cpu
            seen = set()
            for p in [me, *me.children(recursive=True)]:  # forkserver workers: the fork server's children
                if p.pid in seen:
                    continue
                seen.add(p.pid)
                try:
                    with p.oneshot():
                        total += p.memory_info().rss
                        t = p.cpu_times()
                        key = (p.pid, p.create_time())
                        if key not in self._label:
                            self._label[key] = self._label_of(p)
                        self._cpu[key] = t.user + t.system
                        if first:
                            self._base[key] = self._cpu[key]
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    continue
            mb = total / 2**20
            self.peak_mb = max(self.peak_mb, mb)
            self.window_peak_mb = max(self.window_peak_mb, mb)
        if self.on_sample:
            self.on_sample(mb)
        return mb

    def __enter__(self) -> MemoryMonitor:
        stop = self._stop = threading.Event()

        def loop() -> None:
            while not stop.wait(self.interval):
                with contextlib.suppress(Exception):
                    self.sample()

        self.sample()
        thread = self._thread = threading.Thread(target=loop, name="ranpasti-memory", daemon=True)
        thread.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._stop is not None and self._thread is not None:
            self._stop.set()
            self._thread.join(timeout=5)
        with contextlib.suppress(Exception):
            self.sample()
