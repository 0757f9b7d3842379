"""The Dask executor: units run on a distributed cluster (here a LocalCluster on loopback, two single-threaded
worker processes), each worker keeps its own warm kernel, and the workers write the executed notebooks."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from support import copy_sample_data, facts_built_on

from ranpasti.ingest.store import ingest
from ranpasti.plan.params import load_pages, write_params
from ranpasti.run.execute import Ledger, execute, plan

pytestmark = pytest.mark.slow  # runs a Dask cluster

distributed = pytest.importorskip("distributed")

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as c:
        yield c


def sample_jobs(tmp_path: Path):
    data = copy_sample_data(tmp_path / "data")
    store, _ = ingest(data, tmp_path / "cache")
    write_params(store, tmp_path / "params")
    jobs = plan(load_pages(tmp_path / "params", store), store, ROOT / "notebooks", tmp_path / "nb", tmp_path / "cache")
    pick = [j for j in jobs if j.notebook.stem == "kecamatan"][:4] + [j for j in jobs if j.kode == "16.05"]
    return pick


def test_dask_executor_runs_units_on_cluster_workers(cluster, tmp_path):
    jobs = sample_jobs(tmp_path)
    assert len(jobs) == 8  # four kecamatan pages, the kabupaten's progress and its three evaluations
    stats: dict = {}
    seen = []
    results = execute(jobs, Ledger(tmp_path / "ledger.jsonl"), executor="dask",
                      scheduler=cluster.scheduler_address, cwd=tmp_path, on_result=seen.append, stats=stats)
    assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
    assert [r.error for r in results if not r.ok] == []
    assert len(seen) == len(jobs) and not any(r.skipped for r in results)
    for job in jobs:  # written by the workers to the shared path
        nb = nbformat.read(job.output, 4)
        assert nb.metadata.papermill.parameters["kode"] == job.kode
        assert any(o.get("output_type") == "display_data" for c in nb.cells for o in c.get("outputs", []))
    # both workers took units, each on its own warm kernel (one kernel per worker, reused)
    workers = stats["workers_info"]
    assert len(workers) == 2
    assert sum(w["kernels_started"] for w in workers) <= 2
    assert all(w["maxrss_mb"] > 0 for w in workers)
    # the ledger was written by the parent: a second run skips everything
    again = execute(jobs, Ledger(tmp_path / "ledger.jsonl"), executor="dask", scheduler=cluster.scheduler_address,
                    cwd=tmp_path)
    assert all(r.skipped for r in again)


def test_dask_executor_reports_failures_without_stopping(cluster, tmp_path):
    jobs = sample_jobs(tmp_path)[:2]
    broken = tmp_path / "rusak.ipynb"
    nb = nbformat.read(jobs[0].notebook, 4)
    nb.cells.append(nbformat.v4.new_code_cell("raise RuntimeError('sengaja gagal')"))
    nbformat.write(nb, broken)
    jobs[0] = jobs[0].__class__(jobs[0].page, jobs[0].kode, broken, jobs[0].output, jobs[0].parameters, jobs[0].key)
    from distributed import Client

    with Client(cluster.scheduler_address) as client:  # an existing Client is accepted too
        results = execute(jobs, Ledger(tmp_path / "ledger.jsonl"), executor="dask", scheduler=client, cwd=tmp_path)
    by_page = {r.page: r for r in results}
    assert not by_page[jobs[0].page].ok and "sengaja gagal" in by_page[jobs[0].page].error
    assert by_page[jobs[1].page].ok


def test_facts_computed_on_cluster_workers_are_the_same_files(cluster, tmp_path, monkeypatch):
    """The build's facts phase on Dask (``DaskExecutor.map``): the cluster's workers compute the kabupaten
    batches and write their parts to the shared build folder; they are the files computed in-process."""
    from ranpasti.run.executors import DaskExecutor

    store, _ = ingest(copy_sample_data(tmp_path / "data"), tmp_path / "cache")
    facts_built_on(DaskExecutor(scheduler=cluster.scheduler_address), store, tmp_path, monkeypatch)
