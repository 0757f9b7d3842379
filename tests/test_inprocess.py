"""The ``ranpasti-inprocess`` papermill engine (the default): notebooks run on an IPython shell inside the
worker, produce the notebooks a kernel would, keep units apart, and a failing, hanging or crashing unit fails
alone with a message naming its cell."""

from __future__ import annotations

import json
import os
from pathlib import Path

import nbformat
import papermill as pm
import pytest
from support import job, notebook

from ranpasti.run import engines, inprocess
from ranpasti.run.execute import DEFAULT_ENGINE, run_job
from ranpasti.run.executors import LocalExecutor

pytestmark = pytest.mark.slow  # starts notebook worker processes

ENGINE = inprocess.ENGINE_NAME


@pytest.fixture(autouse=True)
def no_kernels():
    yield
    engines.shutdown()  # the comparison test starts a warm kernel


def outputs(path: Path) -> list:
    """The code cells' outputs and counts, without what differs between any two runs (ids, timings)."""
    nb = nbformat.read(path, 4)
    return [(c.execution_count, c.outputs) for c in nb.cells if c.cell_type == "code"]


def test_in_process_engine_is_the_default_and_registered_with_papermill():
    from importlib.metadata import entry_points

    from papermill.engines import papermill_engines

    assert DEFAULT_ENGINE == ENGINE
    assert papermill_engines.get_engine(ENGINE) is inprocess.InProcessEngine
    assert any(e.name == ENGINE for e in entry_points(group="papermill.engine"))


def test_notebook_is_the_one_a_kernel_writes(tmp_path):
    """Streams, rich displays, a last expression, numpy numbers and NaN, stderr, our tables: a kernel's outputs."""
    nb = notebook(tmp_path / "sama.ipynb",
                  "import sys, math\nimport numpy as np\nfrom IPython.display import HTML, Markdown, display\n"
                  "print('satu'); print('dua')\ndisplay(HTML('<b>tiga</b>'), Markdown('*empat*'))\n"
                  "print('lima', file=sys.stderr)\n{'angka': np.float64(1.5), 'kosong': math.nan, 'kode': kode}",
                  "import pandas as pd\nfrom ranpasti.core.display import Col, Table\n"
                  "Table(pd.DataFrame({'a': [1.5, float('nan')]}), [Col('a', 'A', 'pct')], name='t', caption='c')",
                  "x = 3\nx * 2;",
                  "%%capture tertangkap\nprint('tersembunyi')",
                  "    tertangkap.stdout  # an indented cell and a cell magic: IPython's transformations still apply",
                  "from ranpasti.core.display import Section, HTML as H\nSection(H('<p>bagian</p>'), H('<p>dua</p>'))")
    warm = run_job(job(tmp_path / "warm", nb, "u", kode="K"), engines.ENGINE_NAME, str(tmp_path))
    here = run_job(job(tmp_path / "here", nb, "u", kode="K"), ENGINE, str(tmp_path))
    assert warm.ok and here.ok, (warm.error, here.error)
    assert outputs(here.output) == outputs(warm.output)
    cells = outputs(here.output)
    assert [n for n, _ in cells] == [1, 2, 3, 4, 5, 6, 7, 8]  # a kernel's counts: injected parameters are 2
    assert cells[2][1][0]["text"] == "satu\ndua\n" and cells[2][1][-1]["output_type"] == "execute_result"
    assert cells[4][1] == []  # a trailing semicolon hides the value, as in Jupyter
    assert cells[5][1] == [] and cells[6][1][0]["data"]["text/plain"] == "'tersembunyi\\n'"
    assert nbformat.read(here.output, 4).metadata["language_info"]["name"] == "python"


def test_units_do_not_see_each_others_variables_but_keep_imports(tmp_path):
    a = notebook(tmp_path / "a.ipynb", "rahasia_a = kode * 3\nimport json as modul_a\nrahasia_a",
                 "get_ipython = None", "import builtins; builtins.bocor = 'dari A'")
    b = notebook(tmp_path / "b.ipynb",
                 "import pandas as pd\nassert get_ipython() is not None\n"
                 "assert len(Out) == 0 and len(In) == 4, (len(Out), len(In))  # '' and this unit's 3 cells\n"
                 "import builtins\n"
                 "[n for n in ('rahasia_a', 'modul_a', 'bocor') if n in globals() or hasattr(builtins, n)]")
    assert run_job(job(tmp_path, a, "a"), ENGINE, str(tmp_path)).ok
    r = run_job(job(tmp_path, b, "b"), ENGINE, str(tmp_path))
    assert r.ok, r.error
    assert outputs(r.output)[-1][1][0]["data"]["text/plain"] == "[]"


def test_an_error_fails_its_unit_naming_the_cell_and_the_next_unit_runs(tmp_path):
    bad = notebook(tmp_path / "bad.ipynb", "1 / 0", "print('tidak pernah')")
    ok = notebook(tmp_path / "ok.ipynb", "'baik'")
    r = run_job(job(tmp_path, bad, "bad"), ENGINE, str(tmp_path))
    assert not r.ok and r.error.startswith("sel 3: ZeroDivisionError"), r.error
    failed = nbformat.read(tmp_path / "out" / "bad" / "index.gagal.ipynb", 4)
    assert failed.cells[-1].outputs == []  # cells after the error are not run
    assert run_job(job(tmp_path, ok, "ok"), ENGINE, str(tmp_path)).ok


def test_hanging_cell_times_out_and_the_next_unit_runs(tmp_path):
    hang = notebook(tmp_path / "hang.ipynb", "import time\nwhile True:\n    time.sleep(0.05)")
    ok = notebook(tmp_path / "ok.ipynb", "'baik'")
    r = run_job(job(tmp_path, hang, "hang"), ENGINE, str(tmp_path), timeout=1)
    assert not r.ok and r.error.startswith("sel 3: CellTimeout: sel berjalan lebih dari 1 detik"), r.error
    assert run_job(job(tmp_path, ok, "ok"), ENGINE, str(tmp_path)).ok


BOTH = pytest.mark.parametrize("engine", [ENGINE, engines.ENGINE_NAME])  # in process, and on a warm kernel


@BOTH
def test_working_directory_follows_each_job(tmp_path, engine):
    nb = notebook(tmp_path / "cwd.ipynb", "import os\nos.getcwd()")
    for name in ("satu", "dua"):
        d = tmp_path / name
        d.mkdir()
        out = pm.execute_notebook(str(nb), str(tmp_path / f"{name}.ipynb"), engine_name=engine,
                                  progress_bar=False, cwd=str(d))
        assert out.cells[-1].outputs[0]["data"]["text/plain"] == repr(str(d))


@BOTH
def test_printed_and_displayed_output_keep_their_order(tmp_path, engine):
    """The warm kernel skips stream flushes when nothing was written, the in-process engine writes streams
    into the cell as they come: what was written still comes first."""
    nb = notebook(tmp_path / "urut.ipynb",
                  "import sys\nfrom IPython.display import HTML, display\n"
                  "display(HTML('<p>satu</p>'))\nprint('dua')\ndisplay(HTML('<p>tiga</p>'))\n"
                  "print('empat', file=sys.stderr)\ndisplay(HTML('<p>lima</p>'))\nprint('enam')")
    result = run_job(job(tmp_path, nb, "urut"), engine, str(tmp_path))
    assert result.ok, result.error
    out = nbformat.read(result.output, 4).cells[-1].outputs
    seen = [o["data"]["text/html"] if o["output_type"] == "display_data" else o["text"] for o in out]
    assert seen == ["<p>satu</p>", "dua\n", "<p>tiga</p>", "empat\n", "<p>lima</p>", "enam\n"]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_unit_that_ends_its_process_fails_alone_and_the_build_goes_on(tmp_path, workers):
    """Notebooks run inside worker processes, never the build's own (even with one worker): a unit that ends
    its process fails after one retry with a message, and every other unit is published."""
    crash = notebook(tmp_path / "crash.ipynb", "import os; os._exit(3)")
    ok = notebook(tmp_path / "ok.ipynb", "import os\nos.getpid()")
    jobs = [job(tmp_path, ok, "ok1"), job(tmp_path, crash, "crash"), job(tmp_path, ok, "ok2"),
            job(tmp_path, ok, "ok3")]
    executor = LocalExecutor(workers=workers)
    try:
        results = {r.page: r for r in executor.run(jobs, ENGINE, str(tmp_path), 60)}
    finally:
        executor.close()
    assert not results["crash"].ok and "berhenti mendadak" in results["crash"].error
    assert all(results[n].ok for n in ("ok1", "ok2", "ok3")), [r.error for r in results.values()]
    pids = {json.loads(outputs(results[n].output)[-1][1][0]["data"]["text/plain"]) for n in ("ok1", "ok2", "ok3")}
    assert os.getpid() not in pids


@pytest.mark.parametrize("first", ["ranpasti.run.inprocess", "ranpasti.run.engines", "papermill"])
def test_engines_register_once_whatever_is_imported_first(first):
    """papermill loads its entry points while it is first imported, which imports our engine modules mid-import:
    each engine class must still exist once, be the one papermill runs, and the in-process engine extend it."""
    import subprocess
    import sys

    code = (f"import {first}\nfrom papermill.engines import papermill_engines as r\n"
            "from ranpasti.run import engines, inprocess\n"
            "assert r.get_engine('ranpasti-inprocess') is inprocess.InProcessEngine\n"
            "assert r.get_engine('ranpasti-warm') is engines.WarmKernelEngine\n"
            "assert issubclass(inprocess.InProcessEngine, engines.WarmKernelEngine)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
