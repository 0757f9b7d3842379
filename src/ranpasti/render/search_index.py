"""The Pagefind search index in shards by province, merged in the browser.

Why shards: Pagefind has no incremental mode, and indexing the national site (~15,600 pages, ~900 MB of
HTML) took ~110 s on two cores, on every build, even after a one-kecamatan change. Each province's pages
(its kabupaten/kota folders) get their own index under ``pagefind-wilayah/<kode provinsi>/``; the national
and province overview pages form the primary index under ``pagefind/`` (which also holds Pagefind's UI).
A shard whose pages did not change is linked from the published site (``incremental``); the others are
indexed in parallel. The search page merges every shard (Pagefind's ``mergeIndex``); the list is
``assets/pencarian.js``. Big provinces are split into runs of kabupaten of ~500 pages
(``35-1/``, ``35-2/``...; Jawa Timur's ~1,400 pages took ~7 s as one shard): 51 shards nationally.

Numeric table cells are left out of the index: numbers are not what people search for, and they made up
half the indexing time and index size. Names (row headers), text cells and prose stay searchable.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..core import caches
from ..core.errors import RenderFailed
from ..core.files import sha256_bytes
from ..plan.sitemap import PageRecord
from ..reference.regions import ancestor
from .incremental import Previous

PRIMARY = "pagefind"
SHARDS_DIR = "pagefind-wilayah"
SHARD_LIST = "assets/pencarian.js"
SHARD_PAGES = 500  # ~2.5 s of indexing; Jawa Timur (~1,400 pages) becomes 3 shards
EXCLUDE = ("td.k-int", "td.k-pct", "td.k-num", "td.k-pctband", "td.k-band")


def shards(records: list[PageRecord], limit: int = SHARD_PAGES) -> dict[str, list[PageRecord]]:
    """Index folder → its pages. The country and provinces go to the primary index; each province's
    kabupaten/kota (with their kecamatan) to its own shard, split into consecutive runs of kabupaten of at
    most about ``limit`` pages (``35-1``, ``35-2``, ...) when the province is bigger than that."""
    primary = [r for r in records if r.kode == "ID" or r.spec.level == "provinsi"]
    by_kab: dict[str, list[PageRecord]] = {}
    for r in records:
        if r.kode != "ID" and r.spec.level != "provinsi":
            by_kab.setdefault(ancestor(r.kode, "kabupaten"), []).append(r)
    runs: dict[str, list[list[PageRecord]]] = {}
    for kab in sorted(by_kab):
        prov_runs = runs.setdefault(ancestor(kab, "provinsi"), [[]])
        if prov_runs[-1] and len(prov_runs[-1]) + len(by_kab[kab]) > limit:
            prov_runs.append([])
        prov_runs[-1].extend(by_kab[kab])
    out: dict[str, list[PageRecord]] = {PRIMARY: primary}
    for prov, prov_runs in sorted(runs.items()):
        for n, run in enumerate(prov_runs, 1):
            out[f"{SHARDS_DIR}/{prov}" if len(prov_runs) == 1 else f"{SHARDS_DIR}/{prov}-{n}"] = run
    if not primary and len(out) > 1:  # a partial build without the national page: one shard leads
        first = sorted(k for k in out if k != PRIMARY)[0]
        out[PRIMARY] = out.pop(first)
    return out


def glob_for(folder: str, pages: list[PageRecord]) -> str:
    """Pagefind's ``--glob`` for a shard: the exact pages of the primary, the kabupaten folders otherwise."""
    if folder == PRIMARY:
        items = sorted(f"{r.page}index.html" for r in pages)
    else:
        items = sorted({f"{r.page.split('/')[0]}/**/index.html" for r in pages})
    if not items:
        return "index.html"
    return items[0] if len(items) == 1 else "{" + ",".join(items) + "}"


@caches.memo(1)
def pagefind_version() -> str:
    """Part of every shard key (asked once per shard: ~52 times a national build)."""
    try:
        from importlib.metadata import version

        return version("pagefind")
    except Exception:
        return "?"


def shard_key(folder: str, pages: list[PageRecord], keys: dict[str, str] | None) -> str | None:
    if keys is None or any(r.page not in keys for r in pages):
        return None
    material = json.dumps([pagefind_version(), EXCLUDE, folder, sorted((r.page, keys[r.page]) for r in pages)])
    return sha256_bytes(material)


@caches.memo(1)
def pagefind_program() -> list[str]:
    """The command that runs Pagefind: its program itself, as ``python -m pagefind`` finds it and then runs it in
    its own place (``pagefind.__main__``: the same program, the same arguments). Started directly, each shard
    saves a Python start-up (~60 ms of CPU: a national build indexes 51 shards). ``python -m pagefind`` where
    the package cannot say (it then reports the missing program itself)."""
    try:
        from pagefind.service import get_executable

        found = get_executable()
    except Exception:
        found = None
    if found is None:
        return [sys.executable, "-m", "pagefind"]
    return [str(Path(found).resolve().absolute())]


def run_pagefind(out: Path, folder: str, glob: str) -> None:
    """Index one shard; a failure fails the build (the site is never published without its search)."""
    cmd = [*pagefind_program(), "--site", str(out), "--glob", glob, "--output-subdir", folder,
           "--force-language", "id", "--quiet"]
    for selector in EXCLUDE:
        cmd += ["--exclude-selectors", selector]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0 or not (out / folder / "pagefind-entry.json").exists():
        tail = (proc.stderr or proc.stdout)[-2000:]
        raise RenderFailed(f"Pagefind gagal membuat indeks pencarian {folder}/ (status {proc.returncode}):\n{tail}")


class ShardRuns:
    """The shards to index in one build: unchanged ones are linked from the published site at once, the
    others run in background threads once their pages are in place (``start``), so the builtin renderer
    links the rest of the site while Pagefind works; ``finish`` waits and writes the shard list."""

    def __init__(self, records: list[PageRecord], out: Path, keys: dict[str, str] | None = None,
                 previous: Previous | None = None):
        previous = previous or Previous()
        self.out = out
        self.groups = shards(records)
        self.todo: list[tuple[str, str, str | None]] = []
        self.done: dict[str, str] = {}
        self.pages: set[str] = set()  # pages the shards to index need in place before ``start``
        self._pool: ThreadPoolExecutor | None = None
        self._runs: list = []
        self.waited = 0.0  # wall seconds ``finish`` waited for Pagefind after the pages were rendered
        for folder, pages in self.groups.items():
            key = shard_key(folder, pages, keys)
            if key is not None and previous.link_shard(folder, key, out):
                self.done[folder] = key
                continue
            shutil.rmtree(out / folder, ignore_errors=True)
            self.todo.append((folder, glob_for(folder, pages), key))
            self.pages.update(r.page for r in pages)

    def start(self, jobs: int = 1) -> None:
        self._pool = ThreadPoolExecutor(max_workers=max(1, jobs))
        self._runs = [self._pool.submit(run_pagefind, self.out, folder, glob) for folder, glob, _k in self.todo]

    def abandon(self) -> None:
        """The build failed: let running Pagefind processes end before the staging folder goes."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def finish(self) -> dict[str, str]:
        if self._pool is None:
            self.start()
        pool = self._pool
        assert pool is not None  # start() made it
        start = time.perf_counter()
        try:
            for run in self._runs:
                run.result()  # a failed shard fails the build
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            self.waited = time.perf_counter() - start
        self.done.update({folder: key for folder, _g, key in self.todo if key is not None})
        merged = sorted(f for f in self.groups if f != PRIMARY)
        (self.out / SHARD_LIST).parent.mkdir(parents=True, exist_ok=True)
        (self.out / SHARD_LIST).write_text(f"window.RP_PENCARIAN={json.dumps([f + '/' for f in merged])};\n",
                                           encoding="utf-8")
        return self.done


def build_index(records: list[PageRecord], out: Path, jobs: int = 1, keys: dict[str, str] | None = None,
                previous: Previous | None = None) -> dict[str, str]:
    """Index every shard (reusing unchanged ones); write the shard list; return shard → key."""
    runs = ShardRuns(records, out, keys, previous)
    runs.start(jobs)
    return runs.finish()
