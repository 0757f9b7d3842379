"""Reusing the published site: a page whose inputs did not change is hard-linked, not rendered again.

Why: at national scale (~15,600 pages) re-rendering every page and re-indexing the whole site took ~2.5
minutes after a one-kecamatan change, although six pages changed. The published site carries a manifest
(``.ranpasti-halaman.json``) with, per page, a key over everything its HTML depends on (the executed
notebook, title, navigation, notice, sample flag, and the package's source by content with the versions of the
libraries that render: ``fingerprint.source_fingerprint``) and the files
written for it; per search shard, a key over its pages. The next build links unchanged pages and shards
from the published site into the staging folder and renders only the rest.

A reused page keeps the provenance footer it was built with: its build time and the input files as they
were then. That is its true lineage: its executed notebook, hence every number on it, was computed then,
and its data slice has not changed since (otherwise the notebook would have been executed again).

Safety: the manifest is inside the site, so it is swapped in with the site it describes and can never
describe another one. Files are linked into a staging folder that starts empty and is never written in
place afterwards (a rendered page replaces a path, it does not write into a linked inode), so the published
site cannot be modified through a link. A page whose files are missing is simply rendered again.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ..core.files import link_or_copy, sha256_bytes
from ..core.fingerprint import source_fingerprint
from ..core.owned import MARKER
from ..plan.sitemap import PageRecord
from .assets import SiteInfo, search_title

MANIFEST = ".ranpasti-halaman.json"
FORMAT = 3  # 3: keys over the package source by content (``fingerprint``), no hand-bumped versions


def renderer_fingerprint() -> str:
    """Everything page HTML depends on besides the page itself: every file of the package (templates, render
    code, assets, the code that made the notebook's outputs) and the rendering libraries' versions. Hashed
    once per process (``fingerprint``)."""
    return f"{FORMAT}:{source_fingerprint()}"


def notebook_stamp(path: Path) -> str:
    """Identity of an executed notebook without reading it: executions replace the file (new inode, mtime)."""
    st = os.stat(path)
    return f"{st.st_ino}:{st.st_mtime_ns}:{st.st_size}"


def page_key(parts: list) -> str:
    material = json.dumps([renderer_fingerprint(), *parts], sort_keys=True, ensure_ascii=False, default=str)
    return sha256_bytes(material)


def page_keys(records: list[PageRecord], site: SiteInfo, renderer: str) -> dict[str, str]:
    """Per page, a key over everything its HTML depends on, including which renderer (and which version of
    it) made it: a site built by one renderer is never reused by the other. Not the build time and
    input-file list of the footer, which a reused page keeps from the build that made it."""
    def links(r: PageRecord) -> list:  # what ``nav`` makes the hrefs from (cheaper than the hrefs)
        return [[(link.label, link.page) for link in group] for group in (r.breadcrumbs, r.children, r.related)]

    return {r.page: page_key([renderer, notebook_stamp(r.notebook), r.page, r.spec.level, r.title,
                              r.description, search_title(r), links(r), site.sample, site.notices.get(r.page)])
            for r in records}


@dataclass
class Previous:
    """The published site's manifest (empty when there is no site, no manifest, or ``--force``)."""

    root: Path | None = None
    pages: dict[str, dict] = field(default_factory=dict)  # page → {"key": ..., "files": [...]}
    shards: dict[str, str] = field(default_factory=dict)  # search shard → key

    @classmethod
    def load(cls, site: Path | None) -> Previous:
        if site is None:
            return cls()
        try:
            data = json.loads((site / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        if data.get("format") != FORMAT:
            return cls()
        return cls(root=Path(site).resolve(), pages=data.get("pages", {}), shards=data.get("shards", {}))

    def link_page(self, page: str, key: str, out: Path) -> list[str] | None:
        """Link the page's files from the published site when its key matches; their names, else None."""
        entry = self.pages.get(page)
        if self.root is None or not entry or entry.get("key") != key:
            return None
        if any("/" in n or os.sep in n or n.startswith(".") for n in entry["files"]):
            return None  # only plain file names of the page folder are ever linked
        # plain string paths: this runs ~250,000 times on the national site, pathlib costs more than the links
        src, dst = os.path.join(self.root, page), os.path.join(out, page)
        os.makedirs(dst, exist_ok=True)
        done = []
        try:
            for name in entry["files"]:
                link_or_copy(os.path.join(src, name), os.path.join(dst, name), replace=True)
                done.append(name)
        except FileNotFoundError:
            for name in done:  # incomplete: the page is rendered again, from nothing
                os.unlink(os.path.join(dst, name))
            return None
        return list(entry["files"])

    def link_pages(self, keys: dict[str, str], out: Path, threads: int = 4) -> dict[str, list[str]]:
        """``link_page`` for many pages; file-system calls release the GIL, so threads overlap them."""
        if self.root is None:
            return {}
        pages = [p for p in keys if p in self.pages]
        # a few hundred pages per task: one future per page cost a third of the linking time nationally
        batches = [pages[i:i + 256] for i in range(0, len(pages), 256)]
        with ThreadPoolExecutor(max_workers=threads) as pool:
            linked = pool.map(lambda batch: [self.link_page(p, keys[p], out) for p in batch], batches)
            return {p: files for batch, got in zip(batches, linked, strict=True)
                    for p, files in zip(batch, got, strict=True) if files is not None}

    def link_shard(self, folder: str, key: str, out: Path) -> bool:
        """Link a search-index shard from the published site when its key matches."""
        if self.root is None or self.shards.get(folder) != key or not (self.root / folder).is_dir():
            return False
        shutil.copytree(self.root / folder, out / folder, copy_function=link_or_copy, dirs_exist_ok=False)
        return True


def write_manifest(out: Path, pages: dict[str, dict], shards: dict[str, str]) -> None:
    """Sorted, so the same site gives the same manifest however its pages were rendered. Besides the pages'
    files it lists every other file the build put in the site (``other``: assets, search, downloads, the
    marker), so that the next build can tell the site's files from any a person added (``foreign_files``)."""
    of_pages = {page + name for page, entry in pages.items() for name in entry["files"]}
    other = sorted(site_files(out) - of_pages - {MANIFEST})
    data = {"format": FORMAT, "pages": dict(sorted(pages.items())), "shards": dict(sorted(shards.items())),
            OTHER: other}
    (out / MANIFEST).write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


OTHER = "lain"  # the manifest's list of the site's files that belong to no page


def site_files(root: Path) -> set[str]:
    """Every file (and link) under ``root``, as paths relative to it with "/"; links are never followed."""
    found: set[str] = set()

    def walk(folder: str, prefix: str) -> None:
        with os.scandir(folder) as entries:
            for e in entries:
                if e.is_dir(follow_symlinks=False):
                    walk(e.path, prefix + e.name + "/")
                else:
                    found.add(prefix + e.name)

    walk(str(root), "")
    return found


def foreign_files(site: Path, new_site: Path | None = None) -> list[str] | None:
    """What lies in the published ``site`` that no build wrote: its files and folders outside its manifest
    (the pages' files and ``OTHER``), sorted; a folder of such things is named once, "folder/".

    A manifest of an earlier version has no ``OTHER``: then the files of ``new_site`` (the staging folder that
    replaces this one) count as the build's too, and without it the answer is None (not known yet)."""
    try:
        data = json.loads((site / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    data = data if isinstance(data, dict) else {}
    recorded: set[str] = {MANIFEST, MARKER}
    with contextlib.suppress(AttributeError, TypeError, KeyError):
        for page, entry in (data.get("pages") or {}).items():
            recorded.update(str(page) + str(name) for name in entry["files"])
    if isinstance(data.get(OTHER), list):
        recorded.update(str(name) for name in data[OTHER])
    elif new_site is None:
        return None
    else:
        recorded |= site_files(new_site)
    folders = {rel.rsplit("/", 1)[0] + "/" for rel in recorded if "/" in rel}
    folders |= {f[:i + 1] for f in list(folders) for i, c in enumerate(f) if c == "/"}
    found: list[str] = []

    def walk(folder: str, prefix: str) -> None:
        with os.scandir(folder) as entries:
            for e in sorted(entries, key=lambda e: e.name):
                rel = prefix + e.name
                if e.is_dir(follow_symlinks=False):
                    if rel + "/" in folders:
                        walk(e.path, rel + "/")
                    else:
                        found.append(rel + "/")
                elif rel not in recorded:
                    found.append(rel)

    walk(str(site), "")
    return sorted(found)
