"""One unit of work and how it runs: ``Job`` in, ``Result`` out, ``run_job`` in a worker process.

Its own module because both sides need it: ``execute`` plans jobs and hands them to an executor, and the
executors (``executors``) run ``run_job`` in their workers and build ``Result`` records for units whose
worker died. With these in ``execute``, the two modules imported each other (inside functions, to dodge
the cycle at import time); now both import this one and neither imports the other's caller.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

DEFAULT_TIMEOUT = 600  # seconds per cell


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


def run_job(job: Job, engine: str, cwd: str, timeout: int = DEFAULT_TIMEOUT) -> Result:
    """Execute one notebook; never raises (a failure is a Result naming the cell and the error).

    Runs in a worker process (local pool or Dask worker) and returns only a small ``Result``: the executed
    notebook goes to ``job.output`` (written by the worker, so that path must be shared with the parent).
    """
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    from . import engines, inprocess  # noqa: F401  (register their engines even without the entry points)

    start = time.perf_counter()
    job.output.parent.mkdir(parents=True, exist_ok=True)
    tmp = job.output.with_suffix(f".tmp-{os.getpid()}.ipynb")
    failed = job.output.with_suffix(".gagal.ipynb")
    try:
        pm.execute_notebook(str(job.notebook), str(tmp), parameters=job.parameters, engine_name=engine,
                            kernel_name="python3", cwd=cwd, progress_bar=False, log_output=False,
                            execution_timeout=timeout, request_save_on_cell_execute=False)
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
