"""One unit of work and how it runs: ``Job`` in, ``Result`` out, ``run_job`` in a worker process.

Its own module because both sides need it: ``execute`` plans jobs and hands them to an executor, and the
executors (``executors``) run ``run_job`` in their workers and build ``Result`` records for units whose
worker died. With these in ``execute``, the two modules imported each other (inside functions, to dodge
the cycle at import time); now both import this one and neither imports the other's caller.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from ..core import caches

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


# a worker's parsed input notebooks, by (path, mtime, size): the five page notebooks, with room for edits
_INPUTS = caches.table("run.jobs.input_notebooks", 16)


def _input_notebook(path: Path):
    """The input notebook, read and validated once per worker (papermill reads it again for every unit: on a
    national build that is 31,000 reads of five files). ``parameterize_notebook`` copies it before use. A
    notebook changed under a long-lived worker is read again; the other notebooks stay (a worker alternates
    between a kecamatan's progress and evaluation notebooks)."""
    from ..core.adapters import papermill as pm

    st = path.stat()
    return _INPUTS.get_or_make((str(path), st.st_mtime_ns, st.st_size), lambda: pm.load_input(path))


def execute_page(job: Job, engine: str, cwd: str, timeout: int, output: Path) -> None:
    """papermill's ``execute_notebook`` (``adapters.papermill.execute``: the input parsed once per worker), the
    executed notebook written without validating it against the schema again (its cells are the input's and
    its outputs the engine's own; validation was ~10% of a page's CPU) by ``write_notebook``. Raises
    papermill's ``PapermillExecutionError`` for a failed cell, after writing the notebook with the error
    marked."""
    from ..core.adapters import papermill as pm

    if pm.public():
        pm.execute_public(job.parameters, engine, input_path=str(job.notebook), output_path=str(output), cwd=cwd,
                          timeout=timeout)
        return
    nb = pm.execute(_input_notebook(job.notebook), job.parameters, engine, input_path=str(job.notebook),
                    output_path=str(output), cwd=cwd, timeout=timeout)
    write_notebook(nb, output)


def write_notebook(nb, path: Path) -> None:
    """The executed notebook as nbformat's writer would save it, but in one line: with ``indent`` Python's
    ``json`` falls back from its C encoder to the pure-Python one, which took ~10 ms per page on the
    national build. Strings stay whole (nbformat allows a string or a list of lines); no copy is made: the
    notebook is this unit's own and is not used after this."""
    from nbformat.v4.nbjson import strip_transient

    path.write_text(json.dumps(strip_transient(nb), sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n",
                    encoding="utf-8")


def run_job(job: Job, engine: str, cwd: str, timeout: int = DEFAULT_TIMEOUT) -> Result:
    """Execute one notebook; never raises (a failure is a Result naming the cell and the error).

    Runs in a worker process (local pool or Dask worker) and returns only a small ``Result``: the executed
    notebook goes to ``job.output`` (written by the worker, so that path must be shared with the parent).
    """
    from papermill.exceptions import PapermillExecutionError

    from . import engines, inprocess  # noqa: F401  (register their engines even without the entry points)

    start = time.perf_counter()
    job.output.parent.mkdir(parents=True, exist_ok=True)
    tmp = job.output.with_suffix(f".tmp-{os.getpid()}.ipynb")
    failed = job.output.with_suffix(".gagal.ipynb")
    try:
        execute_page(job, engine, cwd, timeout, tmp)
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
