"""Incremental builds: a page is redone only when what it reads changed, and the record of finished pages
survives a killed build.

One module fixture executes every sample page for real (warm engine, two workers). Each test works on a
copy of that project (data, cache, params, executed notebooks, ledger; relative data/cache paths as in a
real build, so the copies have the same keys) and re-plans after changing something.
"""

from __future__ import annotations

import hashlib
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
from papermill.engines import Engine, papermill_engines
from support import copy_sample_data

from ranpasti.ingest.store import ingest
from ranpasti.plan.params import load_pages, write_params
from ranpasti.reference.regions import load_regions
from ranpasti.reference.urls import page_dir
from ranpasti.run.execute import Ledger, execute, plan

pytestmark = pytest.mark.slow  # executes the whole sample

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
KEC = "16.05.03"  # a kecamatan of Musi Rawas (16.05), province Sumatera Selatan (16)
YEAR = 2024
YEARS = (2023, 2024, 2025)  # the sample's complete years: one evaluation page each


class NoExecEngine(Engine):
    """Writes the parameterized notebook without running it: for tests about *which* units run."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
        return nb_man.nb


papermill_engines.register("uji-tanpa-eksekusi", NoExecEngine)


def jobs_of(root: Path):
    store, _ = ingest(root / "data", root / "cache")
    specs = load_pages(root / "params", store)
    # relative data/cache paths, resolved in the kernel against cwd=root (as `ranpasti build` does)
    return plan(specs, store, NOTEBOOKS, root / "nb", Path("cache"))


def stale(root: Path) -> set[str]:
    ledger = Ledger(root / "ledger.jsonl")
    return {j.page for j in jobs_of(root) if not ledger.fresh(j)}


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("inkremental") / "proyek"
    copy_sample_data(root / "data")
    store, _ = ingest(root / "data", root / "cache")
    write_params(store, root / "params")
    jobs = jobs_of(root)
    results = execute(jobs, Ledger(root / "ledger.jsonl"), workers=2, cwd=root)
    assert [r.error for r in results if not r.ok] == []
    assert len(results) == len(jobs) > 80
    return root


@pytest.fixture
def project(built, tmp_path) -> Path:
    root = tmp_path / "proyek"
    shutil.copytree(built, root, symlinks=True)  # copy2 keeps mtimes: the cache stays valid
    return root


def all_pages(root: Path) -> set[str]:
    return {j.page for j in jobs_of(root)}


def test_nothing_changed_nothing_redone(project):
    assert stale(project) == set()
    results = execute(jobs_of(project), Ledger(project / "ledger.jsonl"), cwd=project)
    assert all(r.skipped for r in results)


def test_one_kecamatan_changed_redoes_exactly_its_chain(project):
    regions = load_regions()
    pend = pd.read_csv(project / "data" / "pendampingan.csv", dtype=str)
    row = pend.index[pend["kode_desa"].str.startswith(KEC + ".") & (pend["krs_didampingi"].astype(int) > 0)][0]
    pend.loc[row, "krs_didampingi"] = str(int(pend.loc[row, "krs_didampingi"]) - 1)
    pend.to_csv(project / "data" / "pendampingan.csv", index=False)
    kab, prov = KEC[:5], KEC[:2]
    # (the nation's and the province's evaluations list every kabupaten/kota's figures: keyed on all of them)
    expected = {page_dir(regions, KEC), page_dir(regions, kab), page_dir(regions, prov), page_dir(regions, "ID"),
                *(page_dir(regions, k, "evaluasi", y) for k in (KEC, kab, prov, "ID") for y in YEARS)}
    assert len(expected) == 16
    assert stale(project) == expected
    # and executing redoes exactly those, with the new numbers in them
    before = {p: sha(project / "nb" / p / "index.ipynb") for p in expected}
    results = execute(jobs_of(project), Ledger(project / "ledger.jsonl"), cwd=project)
    assert {r.page for r in results if not r.skipped} == expected
    assert all(r.ok for r in results)
    assert all(sha(project / "nb" / p / "index.ipynb") != before[p] for p in expected)
    assert stale(project) == set()


def test_sibling_kecamatan_and_other_kabupaten_untouched_by_lokmin_change(project):
    lok = pd.read_csv(project / "data" / "lokmin.csv", dtype=str)
    rows = lok.index[lok["kode_kecamatan"] == KEC]
    assert len(rows)
    lok.loc[rows[0], "rencana_tindak_lanjut"] = lok.loc[rows[0], "rencana_tindak_lanjut"] + " (diperbarui)"
    lok.to_csv(project / "data" / "lokmin.csv", index=False)
    changed = stale(project)
    regions = load_regions()
    assert page_dir(regions, KEC) in changed and page_dir(regions, "18.13") not in changed
    assert not any(p.startswith(page_dir(regions, "16.06")) for p in changed)  # Musi Banyuasin untouched


def test_target_change_redoes_everything(project):
    target = pd.read_csv(project / "data" / "target.csv", dtype=str)
    target.loc[target["indikator"] == "krs_didampingi", "target"] = "95"
    target.to_csv(project / "data" / "target.csv", index=False)
    assert stale(project) == all_pages(project)


def test_force_redoes_everything(project):
    jobs = jobs_of(project)
    ledger = Ledger(project / "ledger.jsonl")
    assert all(r.skipped for r in execute(jobs, ledger, engine="uji-tanpa-eksekusi", cwd=project))
    forced = execute(jobs, ledger, engine="uji-tanpa-eksekusi", cwd=project, force=True)
    assert len(forced) == len(jobs) and not any(r.skipped for r in forced) and all(r.ok for r in forced)


def test_ledger_line_cut_mid_write_is_tolerated(project):
    path = project / "ledger.jsonl"
    text = path.read_text()
    last = text.rstrip("\n").rsplit("\n", 1)[-1]
    path.write_text(text.rstrip("\n")[: -len(last) // 2])  # the last record cut in half, as by a kill
    ledger = Ledger(path)
    jobs = jobs_of(project)
    cut_page = next(p for p in all_pages(project) if f'"page": "{p}"' in last)
    assert {j.page for j in jobs if not ledger.fresh(j)} == {cut_page}
    results = execute(jobs, ledger, engine="uji-tanpa-eksekusi", cwd=project)
    assert [r.page for r in results if not r.skipped] == [cut_page]
    assert stale(project) == set()  # the next record started on a new line


def test_killed_build_keeps_finished_pages(project):
    # every key changes (new target), then a build is killed with SIGKILL after a few pages
    target = pd.read_csv(project / "data" / "target.csv", dtype=str)
    target.loc[target["indikator"] == "catin_didampingi", "target"] = "85"
    target.to_csv(project / "data" / "target.csv", index=False)
    jobs_of(project)  # ingest now, so the child only executes
    ledger_path = project / "ledger.jsonl"
    lines_before = len(ledger_path.read_text().splitlines())
    child = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        from pathlib import Path
        from ranpasti.run.execute import Ledger, execute, plan
        from ranpasti.plan.params import load_pages
        from ranpasti.ingest.store import ingest
        root = Path({str(project)!r})
        store, _ = ingest(root / "data", root / "cache")  # jobs_of(root), in the child
        jobs = plan(load_pages(root / "params", store), store, Path({str(NOTEBOOKS)!r}), root / "nb", Path("cache"))
        execute(jobs, Ledger(root / "ledger.jsonl"), workers=1, cwd=root)
        """)], cwd=project)
    try:
        deadline = time.monotonic() + 45
        while len(ledger_path.read_text().splitlines()) < lines_before + 3:
            assert child.poll() is None and time.monotonic() < deadline, "the build should still be running"
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait()
    ledger = Ledger(ledger_path)
    jobs = jobs_of(project)
    done = {j.page for j in jobs if ledger.fresh(j)}
    assert 3 <= len(done) < len(jobs)
    for page in done:  # what the ledger says is finished is a complete notebook
        assert (project / "nb" / page / "index.ipynb").stat().st_size > 1000
    results = execute(jobs, ledger, engine="uji-tanpa-eksekusi", cwd=project)
    assert {r.page for r in results if not r.skipped} == {j.page for j in jobs} - done


def test_ledger_compacts_superseded_lines(tmp_path):
    from ranpasti.run.execute import Job

    path = tmp_path / "ledger.jsonl"
    ledger = Ledger(path)
    out = tmp_path / "x.ipynb"
    out.write_text("{}")
    for i in range(1500):
        ledger.record(Job("p", "k", out, out, {}, f"key{i}"))
    ledger.compact()
    assert len(path.read_text().splitlines()) == 1
    assert Ledger(path).done == {"p": "key1499"}


def test_params_cache_sees_every_edit(project):
    """Parsed params are cached between builds; an edited, added or removed file is read again."""
    store, _ = ingest(project / "data", project / "cache")
    cache = project / "build" / "params-cache.pickle"
    first = load_pages(project / "params", store, cache_file=cache)
    assert cache.exists() and load_pages(project / "params", store, cache_file=cache) == first
    edited = project / "params" / "kabupaten-musi-rawas" / "index.yml"
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.replace("catatan: ''", "catatan: Data Juni menyusul"), encoding="utf-8")
    (project / "params" / "kabupaten-musi-rawas" / "evaluasi-2024.yml").unlink()
    again = {s.page: s for s in load_pages(project / "params", store, cache_file=cache)}
    assert again["kabupaten-musi-rawas/"].params["catatan"] == "Data Juni menyusul"
    assert "kabupaten-musi-rawas/evaluasi-2024/" not in again and len(again) == len(first) - 1
    # same size, newer time: still read again
    same_size = text.replace("terbit: true", "terbit: false").replace("# Halaman", "#Halaman")
    assert len(same_size) == len(text)
    edited.write_text(same_size, encoding="utf-8")
    spec = {s.page: s for s in load_pages(project / "params", store, cache_file=cache)}["kabupaten-musi-rawas/"]
    assert spec.params["terbit"] is False and spec.params["catatan"] == "" and not spec.publish


def test_reference_data_change_redoes_everything(project, tmp_path):
    """Reference regions are in every page's key (issue 14, item 13): a renamed desa (its name is on its
    kecamatan's page, in tables and charts above it) re-validates the data and re-executes every page."""
    from ranpasti.reference.regions import Regions

    wilayah = tmp_path / "wilayah"
    shutil.copytree(ROOT / "data" / "wilayah", wilayah)
    desa = pd.read_csv(wilayah / "desa.csv", dtype=str, keep_default_na=False)
    desa.loc[desa["kode_kecamatan"] == KEC, "nama"] = desa["nama"] + " Baru"
    desa.to_csv(wilayah / "desa.csv", index=False)
    regions = Regions(wilayah)
    assert regions.fingerprint != load_regions().fingerprint
    store, _ = ingest(project / "data", project / "cache", regions=regions)
    jobs = plan(load_pages(project / "params", store), store, NOTEBOOKS, project / "nb", Path("cache"))
    ledger = Ledger(project / "ledger.jsonl")
    assert {j.page for j in jobs if not ledger.fresh(j)} == all_pages(project)


def test_a_kabupaten_evaluation_is_redone_when_the_province_or_national_figure_it_shows_changes(tmp_path):
    """A kabupaten's evaluation shows its province's and the country's annual figures (issue 16). Its key
    holds those figures as shown: another kabupaten's small edit that leaves them as shown does not redo it;
    an edit that changes them redoes that year's evaluation of every kabupaten, and no other year's."""
    root = tmp_path / "proyek"
    shutil.copytree(ROOT / "data", root / "data", ignore=shutil.ignore_patterns("wilayah"))
    store, _ = ingest(root / "data", root / "cache")
    write_params(store, root / "params")
    keys = {j.page: j.key for j in jobs_of(root)}
    mura = {y: page_dir(load_regions(), "16.05", "evaluasi", y) for y in YEARS}
    path = root / "data" / "pendampingan.csv"
    pend = pd.read_csv(path, dtype=str)
    lampung = pend["kode_desa"].str.startswith("18.13.") & (pend["bulan"].str.slice(0, 4) == "2024")
    row = pend.index[lampung & (pend["krs_didampingi"].astype(int) > 0)][0]
    pend.loc[row, "krs_didampingi"] = str(int(pend.loc[row, "krs_didampingi"]) - 1)  # one family less: 0,0 poin
    pend.to_csv(path, index=False)
    small = {j.page: j.key for j in jobs_of(root)}
    assert all(small[p] == keys[p] for p in mura.values())
    assert small[page_dir(load_regions(), "18.13", "evaluasi", 2024)] != keys[page_dir(load_regions(), "18.13",
                                                                                       "evaluasi", 2024)]
    pend.loc[lampung, "krs_didampingi"] = "0"  # Pesisir Barat's 2024 reports lost: the national figure drops
    pend.to_csv(path, index=False)
    big = {j.page: j.key for j in jobs_of(root)}
    assert big[mura[2024]] != keys[mura[2024]]
    assert big[mura[2023]] == keys[mura[2023]] and big[mura[2025]] == keys[mura[2025]]


def test_pages_run_national_and_provinces_first_then_each_kabupaten_before_its_kecamatan(project):
    """Each kabupaten's own pages run right before its kecamatan pages, so the figures the workers compute
    for the kabupaten (``Store.kabupaten_memo``) serve all of them; national and province pages first."""
    results = execute(jobs_of(project), Ledger(project / "urutan.jsonl"), engine="uji-tanpa-eksekusi",
                      cwd=project, force=True)
    codes = [r.kode for r in results]
    levels = [len(k) for k in codes]  # ID 2, provinsi 2, kabupaten 5, kecamatan 8
    first = levels.index(5)
    assert all(n == 2 for n in levels[:first]) and codes[0] == "ID"
    groups = [k[:5] for k in codes[first:]]
    assert groups == sorted(groups)  # kabupaten after kabupaten, never interleaved
    for kab in set(groups):
        mine = [k for k in codes[first:] if k.startswith(kab)]
        assert mine[: len(YEARS) + 1] == [kab] * (len(YEARS) + 1)  # its progress page and evaluations first
