"""The ``ranpasti-warm`` papermill engine: units share a warm kernel but never each other's variables, and a
crashing or hanging unit fails alone while the next one gets a fresh kernel."""

from __future__ import annotations

import nbformat
import papermill as pm
import pytest
from support import job, notebook

from ranpasti.run import engines
from ranpasti.run.execute import run_job

pytestmark = pytest.mark.slow  # starts Jupyter kernels

ENGINE = "ranpasti-warm"


@pytest.fixture(autouse=True)
def fresh_engine(monkeypatch):
    monkeypatch.delenv("RANPASTI_RECYCLE", raising=False)
    engines.shutdown()
    yield
    engines.shutdown()


def test_warm_engine_is_registered_with_papermill():
    from papermill.engines import papermill_engines

    assert papermill_engines.get_engine(ENGINE) is engines.WarmKernelEngine


def test_units_do_not_see_each_others_variables_but_keep_imports(tmp_path):
    a = notebook(tmp_path / "a.ipynb",
                 "rahasia_a = kode * 3\nimport json as modul_a\nrahasia_a",
                 "get_ipython = None  # rebinding a name that exists after warm-up",
                 "import builtins; builtins.bocor = 'dari A'")
    b = notebook(tmp_path / "b.ipynb",
                 "from ranpasti import pages as p\nimport pandas as pd, altair as alt\n"
                 "assert p.open_context and len(pd.DataFrame({'a': [1]})) == 1\n"
                 "assert get_ipython() is not None\n"
                 "assert len(Out) == 0 and len(In) == 4, (len(Out), len(In))  # this unit's 3 cells only\n"
                 "assert not any('rahasia' + '_a' in s for s in In)  # A's inputs are gone, A left _i4, _i5:\n"
                 "assert not [n for n in dir() if n.startswith('_i') and n[2:].isdigit() and int(n[2:]) > 3]\n"
                 "import builtins; assert not hasattr(builtins, 'bocor')\n"
                 "assert kode == 'b'\n"
                 "'lihat'",
                 "modul_a",
                 "print('tidak sampai di sini')")
    c = notebook(tmp_path / "c.ipynb", "rahasia_a")
    started = engines.kernels_started()
    ra = run_job(job(tmp_path, a, "a"), ENGINE, str(tmp_path))
    assert ra.ok, ra.error
    assert engines.kernels_started() == started + 1
    rb = run_job(job(tmp_path, b, "b"), ENGINE, str(tmp_path))
    rc = run_job(job(tmp_path, c, "c"), ENGINE, str(tmp_path))
    assert engines.kernels_started() == started + 1, "all three units ran on the same warm kernel"
    # B: imports and a fresh namespace worked (cell 3), then A's module alias is gone (cell 4)
    assert not rb.ok
    assert rb.error == "sel 4: NameError: name 'modul_a' is not defined", rb.error
    out = nbformat.read(tmp_path / "out" / "b" / "index.gagal.ipynb", 4)
    code = [cell for cell in out.cells if cell.cell_type == "code"]
    assert [cell.execution_count for cell in code[:4]] == [1, 2, 3, 4]  # counts restart at 1 every unit
    assert code[2].outputs[0]["data"]["text/plain"] == "'lihat'"
    assert not rc.ok and "NameError" in rc.error and "rahasia_a" in rc.error


def test_papermill_api_with_engine_name(tmp_path):
    nb = notebook(tmp_path / "n.ipynb", "hasil = kode + '!'\nhasil")
    started = engines.kernels_started()
    for kode in ("satu", "dua"):
        out = pm.execute_notebook(str(nb), str(tmp_path / f"{kode}.ipynb"), parameters={"kode": kode},
                                  engine_name=ENGINE, progress_bar=False, cwd=str(tmp_path))
        assert out.cells[-1].outputs[0]["data"]["text/plain"] == repr(kode + "!")
        # papermill's own parameterization: the injected cell follows the parameters cell
        assert "injected-parameters" in out.cells[2].metadata.tags
    assert engines.kernels_started() == started + 1


def test_dead_kernel_fails_that_unit_only_and_next_gets_fresh_kernel(tmp_path):
    ok = notebook(tmp_path / "ok.ipynb", "x = 1 + 1\nx")
    crash = notebook(tmp_path / "crash.ipynb", "y = 2", "import os; os._exit(1)", "print('tidak pernah')")
    assert run_job(job(tmp_path, ok, "ok1"), ENGINE, str(tmp_path)).ok
    started = engines.kernels_started()
    r = run_job(job(tmp_path, crash, "crash"), ENGINE, str(tmp_path))
    assert not r.ok
    assert r.error.startswith("sel 4: DeadKernelError: kernel mati saat menjalankan sel 4"), r.error
    assert "os._exit(1)" in r.error  # the cell is named by its count and its code
    assert (tmp_path / "out" / "crash" / "index.gagal.ipynb").exists()
    assert not (tmp_path / "out" / "crash" / "index.ipynb").exists()
    after = run_job(job(tmp_path, ok, "ok2"), ENGINE, str(tmp_path))
    assert after.ok, after.error
    assert engines.kernels_started() == started + 1


def test_hanging_cell_times_out_and_kernel_is_replaced(tmp_path):
    hang = notebook(tmp_path / "hang.ipynb", "import time; time.sleep(120)")
    ok = notebook(tmp_path / "ok.ipynb", "'baik'")
    r = run_job(job(tmp_path, hang, "hang"), ENGINE, str(tmp_path), timeout=2)
    assert not r.ok and "CellTimeoutError" in r.error and "time.sleep(120)" in r.error, r.error
    started = engines.kernels_started()
    assert run_job(job(tmp_path, ok, "ok"), ENGINE, str(tmp_path)).ok
    assert engines.kernels_started() == started + 1


def test_ordinary_errors_keep_the_warm_kernel(tmp_path):
    bad = notebook(tmp_path / "bad.ipynb", "1 / 0")
    ok = notebook(tmp_path / "ok.ipynb", "'baik'")
    assert run_job(job(tmp_path, ok, "ok1"), ENGINE, str(tmp_path)).ok
    started = engines.kernels_started()
    r = run_job(job(tmp_path, bad, "bad"), ENGINE, str(tmp_path))
    assert not r.ok and r.error.startswith("sel 3: ZeroDivisionError"), r.error
    assert run_job(job(tmp_path, ok, "ok2"), ENGINE, str(tmp_path)).ok
    assert engines.kernels_started() == started


def test_kernel_recycled_every_n_units(tmp_path, monkeypatch):
    monkeypatch.setenv("RANPASTI_RECYCLE", "2")
    nb = notebook(tmp_path / "n.ipynb", "import os\nos.getpid()")
    started = engines.kernels_started()
    pids = []
    for i in range(3):
        r = run_job(job(tmp_path, nb, f"u{i}"), ENGINE, str(tmp_path))
        assert r.ok, r.error
        out = nbformat.read(r.output, 4)
        pids.append(out.cells[-1].outputs[0]["data"]["text/plain"])
    assert pids[0] == pids[1] != pids[2]
    assert engines.kernels_started() == started + 2


@pytest.mark.parametrize("long_cell", [False, True])
def test_output_notebook_is_written_at_the_end_unless_a_cell_runs_long(tmp_path, long_cell):
    """The engine skips papermill's per-cell and start/completion writes (papermill writes the finished
    notebook itself), but a cell longer than ``autosave_cell_every`` is saved as papermill would save it."""
    out = tmp_path / "out.ipynb"
    nb = notebook(tmp_path / "nb.ipynb",
                  f"import time; time.sleep({1.3 if long_cell else 0})",
                  "import os; print('ada' if os.path.exists(keluaran) else 'belum')",
                  params="keluaran = ''")
    engines.prewarm("python3")  # kernel start-up is not part of the run being timed
    pm.execute_notebook(str(nb), str(out), parameters={"keluaran": str(out)}, engine_name=ENGINE,
                        kernel_name="python3", progress_bar=False, autosave_cell_every=1)
    seen = nbformat.read(out, 4).cells[-1].outputs[0]["text"].strip()
    assert seen == ("ada" if long_cell else "belum")
