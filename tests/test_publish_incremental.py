"""Incremental publishing: a rebuild renders (and indexes for search) only the pages whose notebook or
navigation changed; every other page is taken unchanged from the published site, which stays untouched.

Builds are restricted to a few units of two provinces (``BuildOptions.only``) to stay quick, and start from
a copy of that project as built once per test run (``built_project``): its first build is shared.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import replace

import pandas as pd
import pytest
from support import INCREMENTAL_UNITS, RENDERERS, copy_project, snapshot

from ranpasti.build import build
from ranpasti.render.incremental import MANIFEST

pytestmark = pytest.mark.slow  # builds the site, with Quarto too

UNITS = INCREMENTAL_UNITS
CHANGED = "16.05.08"


def built_time(html: str) -> str:
    return re.search(r"Dibangun ([^<]*?) dengan ranpasti", html).group(1)


@pytest.fixture(scope="module")
def quarto_over_builtin(tmp_path_factory, built_project) -> dict:
    """The shared few-unit project (built with the built-in renderer) built again with Quarto, once per module:
    {"root", "units", "report"} as ``built_project`` gives them. Same pages, same data, only the renderer
    changed: Quarto renders every page (a site of the other renderer is never reused) from the notebooks
    executed once. The Quarto rebuild test starts from it, and the other-renderer test checks it; tests never
    change it: they copy it (``support.copy_project``). (A Quarto build with no site at all is the sample's,
    ``sample_sites("quarto")``.)"""
    shared = built_project("incremental")
    tmp = tmp_path_factory.mktemp("quarto-over-builtin")
    with pytest.MonkeyPatch.context() as mp:
        opts = copy_project(shared, tmp, mp, renderer="quarto")
        report = build(opts, log=lambda _m: None)
    return {"root": tmp / "proyek", "units": shared["units"], "report": report}


@pytest.mark.parametrize("renderer", RENDERERS)
def test_rebuild_renders_only_changed_pages_and_reuses_the_rest(tmp_path, monkeypatch, built_project, renderer,
                                                                request):
    # builtin: the shared first build is this one; quarto: its notebooks (executed once), every page rendered by
    # Quarto (nothing reused of the built-in site)
    shared = (built_project("incremental") if renderer == "builtin"
              else request.getfixturevalue("quarto_over_builtin"))
    opts, first = copy_project(shared, tmp_path, monkeypatch, renderer=renderer), shared["report"]
    assert first.renderer == renderer
    assert first.rendering["pages_rendered"] == first.pages == 32 and first.rendering["pages_reused"] == 0
    published = snapshot(opts.out)
    manifest = json.loads((opts.out / MANIFEST).read_text(encoding="utf-8"))
    # (Quarto renders the search page too, so it is reused like a page)
    assert len(set(manifest["pages"]) - {"cari/", "istilah/"}) == 32
    assert set(manifest["shards"]) == {"pagefind", "pagefind-wilayah/16", "pagefind-wilayah/18"}

    # nothing changed: every page and every search shard reused, the site identical file by file
    again = build(opts, log=lambda _m: None)
    assert again.executed == 0 and again.rendering["pages_rendered"] == 0 and again.rendering["pages_reused"] == 32
    assert snapshot(opts.out) == published

    # one kecamatan's count of the latest month changed: the progress pages of its chain (which show that month)
    # are executed and rendered again, nothing else: no evaluation of an earlier year (issue 33, narrow keys)
    pend = pd.read_csv(opts.data_dir / "pendampingan.csv", dtype=str)
    latest = pend["bulan"] == pend["bulan"].max()  # the month the progress pages show: their text changes
    rows = pend.index[pend["kode_desa"].str.startswith(CHANGED + ".") & (pend["krs_didampingi"].astype(int) > 0)
                      & latest]
    pend.loc[rows[0], "krs_didampingi"] = str(int(pend.loc[rows[0], "krs_didampingi"]) - 1)
    pend.to_csv(opts.data_dir / "pendampingan.csv", index=False)
    # (with two workers: they are started and warmed while the changed data is validated)
    third = build(replace(opts, jobs=2), log=lambda _m: None)
    assert third.executed == 4 and third.rendering["pages_rendered"] == 4
    if (os.cpu_count() or 1) >= 2:
        assert third.execution["prewarmed"] and third.execution["workers"] == 2
        workers = third.execution["workers_info"]
        assert [w["shells_started"] for w in workers] == [1, 1]  # warmed once each, in the worker itself
        assert [w["kernels_started"] for w in workers] == [0, 0]
    now = snapshot(opts.out)
    changed = {f for f in now if now[f] != published.get(f)}
    changed_pages = {f.rsplit("/", 1)[0] if "/" in f else "" for f in changed if f.endswith("index.html")}
    chain = {"", "provinsi-sumatera-selatan", "kabupaten-musi-rawas", "kabupaten-musi-rawas/jayaloka"}
    assert {p for p in changed_pages if not p.startswith(("pagefind", "cari"))} == chain
    # Lampung's pages and search shard were not touched, Sumatera Selatan's shard was re-indexed
    assert not any(f.startswith(("kabupaten-pesisir-barat/", "pagefind-wilayah/18/")) for f in changed)
    assert any(f.startswith("pagefind-wilayah/16/") for f in changed)
    # a reused page keeps the footer of the build that made it; a re-rendered one has its own
    kept = (opts.out / "kabupaten-pesisir-barat" / "index.html").read_text(encoding="utf-8")
    redone = (opts.out / "kabupaten-musi-rawas" / "index.html").read_text(encoding="utf-8")
    assert "Dibangun" in kept and "saat halaman ini dibangun" in kept and built_time(redone)

    # --force renders everything again
    forced = build(replace(opts, force=True), log=lambda _m: None)
    assert forced.rendering["pages_rendered"] == 32 and forced.rendering["pages_reused"] == 0


def test_a_site_of_the_other_renderer_is_never_reused(tmp_path, monkeypatch, built_project, quarto_over_builtin):
    shared = built_project("incremental")  # built with the built-in renderer
    assert shared["report"].renderer == "builtin"
    # the same project built again with Quarto (the module fixture's build): same pages, same data, only the
    # renderer changed
    report = quarto_over_builtin["report"]
    assert report.renderer == "quarto"
    assert report.rendering["pages_rendered"] == 32 and report.rendering["pages_reused"] == 0
    opts = copy_project(quarto_over_builtin, tmp_path, monkeypatch, renderer="quarto")
    assert "quarto-" in (opts.out / "kabupaten-musi-rawas" / "index.html").read_text(encoding="utf-8")
    back = build(replace(opts, renderer="builtin"), log=lambda _m: None)
    assert back.rendering["pages_rendered"] == 32
    assert "renderer bawaan" in (opts.out / "kabupaten-musi-rawas" / "index.html").read_text(encoding="utf-8")


def test_a_reused_page_with_a_missing_file_is_rendered_again(tmp_path, monkeypatch, built_project):
    opts = copy_project(built_project("incremental"), tmp_path, monkeypatch)
    (opts.out / "kabupaten-musi-rawas" / "index.html").unlink()  # someone deleted a file by hand
    report = build(opts, log=lambda _m: None)
    assert report.rendering["pages_rendered"] == 1
    assert (opts.out / "kabupaten-musi-rawas" / "index.html").exists()


def test_search_finds_pages_of_every_province_shard(built_project):
    site = built_project("incremental")["root"] / "site"  # only read
    shards = (site / "assets" / "pencarian.js").read_text(encoding="utf-8")
    assert '"pagefind-wilayah/16/"' in shards and '"pagefind-wilayah/18/"' in shards
    counts = {}
    for entry in site.glob("pagefind*/**/pagefind-entry.json"):
        data = json.loads(entry.read_text(encoding="utf-8"))
        counts[str(entry.parent.relative_to(site))] = sum(v["page_count"] for v in data["languages"].values())
    # the national and the 2 province pages, each with its 3 evaluation years, in the primary; each province's
    # units in its own shard
    assert counts == {"pagefind": 3 * 4, "pagefind-wilayah/16": 12, "pagefind-wilayah/18": 8}


def test_big_provinces_are_split_into_shards_of_whole_kabupaten():
    from types import SimpleNamespace

    from ranpasti.render.search_index import shards

    def rec(kode: str, level: str):
        return SimpleNamespace(kode=kode, spec=SimpleNamespace(level=level), page=kode)

    records = [rec("ID", "nasional"), rec("35", "provinsi")]
    for kab in ("35.01", "35.02", "35.03"):  # 1 + 9 pages each
        records += [rec(kab, "kabupaten")] + [rec(f"{kab}.{i:02d}", "kecamatan") for i in range(1, 10)]
    records += [rec("36.01", "kabupaten")]
    got = {k: [r.kode for r in v] for k, v in shards(records, limit=20).items()}
    assert got["pagefind"] == ["ID", "35"]
    assert [k for k in got if k != "pagefind"] == ["pagefind-wilayah/35-1", "pagefind-wilayah/35-2",
                                                   "pagefind-wilayah/36"]
    assert {k[:5] for k in got["pagefind-wilayah/35-1"]} == {"35.01", "35.02"}  # a kabupaten is never split
    assert {k[:5] for k in got["pagefind-wilayah/35-2"]} == {"35.03"}
