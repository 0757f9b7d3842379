"""Failures and interruptions never publish a half-built site, and the next build recovers.

Builds here are restricted to a few units (``BuildOptions.only``) to stay quick; the behaviour is the
same for the whole country. Each test starts from a copy of the few-unit project built once per test run
(``built_project``): the first build is shared.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest
from support import FAILURE_UNITS, copy_project, snapshot
from support import few_units_options as setup

from ranpasti.build import BuildFailed, build

pytestmark = pytest.mark.slow  # builds the site

UNITS = FAILURE_UNITS
FAILING = "16.05.08"


def break_notebook(nb_dir: Path, kode: str) -> None:
    """Make kecamatan.ipynb fail for one unit, as a bug or bad data slice would."""
    path = nb_dir / "kecamatan.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    at = next(i for i, c in enumerate(nb["cells"]) if "parameters" in c.get("metadata", {}).get("tags", []))
    source = f'if kode == "{kode}":\n    raise RuntimeError("gagal sengaja")'
    nb["cells"].insert(at + 1, {"cell_type": "code", "execution_count": None, "id": "gagal-sengaja", "metadata": {},
                                "outputs": [], "source": source})
    path.write_text(json.dumps(nb), encoding="utf-8")


def test_failed_unit_keeps_site_then_allow_partial_shows_last_good_version(tmp_path, monkeypatch, built_project):
    opts = copy_project(built_project("failures"), tmp_path, monkeypatch)  # built once: a published site
    first = snapshot(opts.out)
    break_notebook(opts.notebooks_dir, FAILING)

    with pytest.raises(BuildFailed) as err:
        build(opts, log=lambda _m: None)
    text = str(err.value)
    assert f"[{FAILING}]" in text and "gagal sengaja" in text and "sel" in text
    assert "TIDAK diubah" in text
    assert snapshot(opts.out) == first  # nothing published
    assert err.value.report.executed >= 3  # the other units were still built
    assert len(err.value.report.failures) == 1

    opts.allow_partial = True
    with pytest.raises(BuildFailed) as err:  # still a non-zero exit
        build(opts, log=lambda _m: None)
    assert err.value.report.published
    from ranpasti.reference.regions import load_regions

    regions = load_regions()
    failed_page = opts.out / regions.path(FAILING) / "index.html"
    html = failed_page.read_text(encoding="utf-8")
    assert "gagal dibangun ulang" in html  # visible notice
    assert regions.unit(FAILING).label in html  # the last good version is shown
    ok_page = (opts.out / regions.path("16.05.01") / "index.html").read_text(encoding="utf-8")
    assert "gagal dibangun ulang" not in ok_page


def _csvs(site: Path) -> dict[str, str]:
    return {k: v for k, v in snapshot(site).items() if k.endswith(".csv")}


def test_killed_build_leaves_site_and_resumes_to_the_same_site(tmp_path, monkeypatch, built_project):
    shared = built_project("failures")
    assert shared["units"] == UNITS
    opts = copy_project(shared, tmp_path / "a", monkeypatch)  # built once: a published site
    published = snapshot(opts.out)
    # new data arrives: every page must be redone
    pend = pd.read_csv(opts.data_dir / "pendampingan.csv", dtype=str)
    pend["krs_didampingi"] = (pend["krs_didampingi"].astype(int) * 0.9).astype(int).astype(str)
    pend.to_csv(opts.data_dir / "pendampingan.csv", index=False)

    script = textwrap.dedent(f"""
        from pathlib import Path
        from ranpasti.build import BuildOptions, build
        build(BuildOptions(data_dir=Path({str(opts.data_dir)!r}), params_dir=Path({str(opts.params_dir)!r}),
              out=Path({str(opts.out)!r}), build_dir=Path({str(opts.build_dir)!r}),
              cache_dir=Path({str(opts.cache_dir)!r}), notebooks_dir=Path({str(opts.notebooks_dir)!r}),
              renderer="builtin", jobs=1, only={UNITS!r}), log=print)
        """)
    # in the project folder: its options are relative to it, so the child's pages have this build's keys
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=Path.cwd(), start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ledger = opts.build_dir / "ledger.jsonl"
    lines_before = len(ledger.read_text().splitlines())
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(ledger.read_text().splitlines()) < lines_before + 2:
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGKILL)  # like a power cut: the build and its kernels die at once
    proc.wait()
    assert len(ledger.read_text().splitlines()) >= lines_before + 2, "the build was killed mid-way"
    assert snapshot(opts.out) == published  # the published site is intact

    report = build(opts, log=lambda _m: None)  # resumes: finished pages are not redone
    assert report.skipped >= 2 and report.published

    fresh = setup(tmp_path / "b")
    shutil.copy(opts.data_dir / "pendampingan.csv", fresh.data_dir / "pendampingan.csv")
    build(fresh, log=lambda _m: None)
    assert set(snapshot(opts.out)) == set(snapshot(fresh.out))
    assert _csvs(opts.out) == _csvs(fresh.out)  # same numbers as an uninterrupted build
