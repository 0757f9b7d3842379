"""Execute page notebooks with papermill, in parallel, skipping pages whose inputs did not change.

Execution always goes through ``papermill.execute_notebook`` and its engine registry (``engine_name``), so
a faster engine plugs in by name. Each page's output is written to a temporary file and renamed into place,
so an interrupted build never leaves a truncated notebook. A page whose key (parameters, notebook,
package version, its data slice, and what every page reads) matches the last successful run is skipped;
the record of successful runs is appended line by line, so it survives a killed build.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

from . import __version__
from .params import PageSpec
from .store import Store

DEFAULT_ENGINE = "nbclient"  # papermill's own engine: a cold kernel per notebook


@dataclass(frozen=True)
class Job:
    page: str
    kode: str
    notebook: Path
    output: Path
    parameters: dict
    key: str


@dataclass(frozen=True)
class Result:
    page: str
    kode: str
    ok: bool
    seconds: float
    output: Path
    error: str = ""
    skipped: bool = False


def file_sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def unit_hash(kode: str, slices: dict[str, str]) -> str:
    """A unit's data hash: its own slice, or all kabupaten slices under a province or the country."""
    if kode in slices:
        return slices[kode]
    prefix = "" if kode == "ID" else kode + "."
    parts = sorted(f"{k}={v}" for k, v in slices.items() if len(k) == 5 and k.startswith(prefix))
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def plan(specs: Iterable[PageSpec], store: Store, notebooks_dir: Path, out_dir: Path, data_dir: Path,
         cache_dir: Path) -> list[Job]:
    """Jobs for the pages to publish, each with its incremental key."""
    slices = store.slice_hashes()
    global_hash = store.global_hash()
    nb_sha = {p.stem: file_sha(p) for p in notebooks_dir.glob("*.ipynb")}
    jobs = []
    for spec in specs:
        if not spec.publish:
            continue
        parameters = {k: v for k, v in spec.params.items()}
        parameters.update({"data_dir": str(data_dir), "cache_dir": str(cache_dir)})
        material = json.dumps([parameters, nb_sha[spec.notebook], __version__, global_hash,
                               unit_hash(spec.kode, slices)], sort_keys=True, default=str)
        key = hashlib.sha256(material.encode()).hexdigest()
        jobs.append(Job(spec.page, spec.kode, notebooks_dir / f"{spec.notebook}.ipynb",
                        out_dir / spec.page / "index.ipynb", parameters, key))
    return jobs


class Ledger:
    """Append-only record of successful executions: page → key. Survives interruption line by line."""

    def __init__(self, path: Path):
        self.path = path
        self.done: dict[str, str] = {}
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                try:
                    entry = json.loads(line)
                except json.JSONDecodeError:
                    continue  # a line cut by a kill: ignore it, the page is simply redone
                self.done[entry["page"]] = entry["key"]

    def fresh(self, job: Job) -> bool:
        return self.done.get(job.page) == job.key and job.output.exists()

    def record(self, job: Job) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(json.dumps({"page": job.page, "key": job.key}) + "\n")
            f.flush()
            os.fsync(f.fileno())
        self.done[job.page] = job.key


def run_job(job: Job, engine: str, cwd: str, timeout: int = 600) -> Result:
    """Execute one notebook; never raises (a failure is a Result naming the cell and the error)."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    start = time.perf_counter()
    job.output.parent.mkdir(parents=True, exist_ok=True)
    tmp = job.output.with_suffix(f".tmp-{os.getpid()}.ipynb")
    failed = job.output.with_suffix(".gagal.ipynb")
    try:
        pm.execute_notebook(str(job.notebook), str(tmp), parameters=job.parameters, engine_name=engine,
                            kernel_name="python3", cwd=cwd, progress_bar=False, log_output=False,
                            execution_timeout=timeout)
    except PapermillExecutionError as e:
        if tmp.exists():
            os.replace(tmp, failed)
        return Result(job.page, job.kode, False, time.perf_counter() - start, job.output,
                      f"sel {e.exec_count or e.cell_index}: {e.ename}: {e.evalue}".strip())
    except Exception as e:  # kernel died, timeout, unreadable notebook: the page fails, the build goes on
        if tmp.exists():
            os.replace(tmp, failed)
        return Result(job.page, job.kode, False, time.perf_counter() - start, job.output,
                      f"{type(e).__name__}: {e}".strip())
    os.replace(tmp, job.output)
    failed.unlink(missing_ok=True)
    return Result(job.page, job.kode, True, time.perf_counter() - start, job.output)


def execute(jobs: list[Job], ledger: Ledger, engine: str = DEFAULT_ENGINE, workers: int = 1, cwd: Path | None = None,
            force: bool = False, on_result: Callable[[Result], None] | None = None) -> list[Result]:
    """Run the jobs that are not fresh; return a result for every job (skipped ones included)."""
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
    if not todo:
        return results
    by_page = {j.page: j for j in todo}

    def finish(r: Result) -> None:
        if r.ok:
            ledger.record(by_page[r.page])
        results.append(r)
        if on_result:
            on_result(r)

    if workers <= 1:
        for job in todo:
            finish(run_job(job, engine, cwd_s))
        return results
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("forkserver")) as pool:
        futures = [pool.submit(run_job, job, engine, cwd_s) for job in todo]
        for fut in as_completed(futures):
            finish(fut.result())
    return results
