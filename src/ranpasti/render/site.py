"""Renderer-independent site steps that run after the pages: the same files whichever renderer made them.

The vendored scripts and styles, the region list for the home page jump box, the search and glossary pages,
the Pagefind
index over the finished folder (``search_index``) and the pruning of the build folder's render caches.
Its own module (not ``assets``, which serves single pages) so that ``incremental`` and ``search_index`` can
use page helpers without a cycle back to the finishing steps that use them.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from ..plan.sitemap import PageRecord
from ..reference.glossary import GLOSSARY_PAGE, terms
from ..reference.indicators import INDICATORS
from .assets import ASSETS, SEARCH_PAGE, SiteInfo, env
from .incremental import Previous
from .search_index import ShardRuns, build_index

CACHE_DAYS = 14  # cache entries unused for this long are removed at the end of a build


def copy_static(out: Path) -> None:
    shutil.copytree(ASSETS, out / "assets", dirs_exist_ok=True)


def region_entries(records: list[PageRecord]) -> list[dict]:
    """Every progress page's name (with its parent, names repeat across the country) and address."""
    entries = []
    for r in records:
        if r.kind != "progres" or not r.page:
            continue
        label = r.breadcrumbs[-1].label if r.breadcrumbs else r.title
        parent = r.breadcrumbs[-2].label if len(r.breadcrumbs) > 2 else ""
        entries.append({"t": f"{label}, {parent}" if parent else label, "u": r.page})
    return entries


def write_region_index(records: list[PageRecord], out: Path) -> None:
    """``assets/wilayah.json`` (and the same list as a script, which also loads from file://)."""
    text = json.dumps(region_entries(records), ensure_ascii=False, separators=(",", ":"))
    (out / "assets").mkdir(parents=True, exist_ok=True)
    (out / "assets" / "wilayah.json").write_text(text, encoding="utf-8")
    (out / "assets" / "wilayah.js").write_text(f"window.RP_WILAYAH={text};\n", encoding="utf-8")


def search_body(root: str) -> Markup:
    return Markup(env().get_template("search.html.j2").render(root=root))


def glossary_body(root: str) -> Markup:
    del root  # the glossary links nowhere but to itself
    return Markup(env().get_template("glossary.html.j2").render(terms=terms(), indicators=list(INDICATORS.values())))


@dataclass(frozen=True)
class StaticPage:
    """A page of the site that is not a notebook: the same in both renderers (Quarto renders its own copy)."""

    page: str
    title: str
    description: str
    crumb: str
    body: Callable[[str], Markup]  # the page body, given the link back to the site root


STATIC_PAGES = {p.page: p for p in (
    StaticPage(SEARCH_PAGE, "Cari halaman", "Cari halaman kemajuan dan evaluasi RAN PASTI.", "Cari", search_body),
    StaticPage(GLOSSARY_PAGE, "Daftar istilah", "Arti singkatan dan istilah di halaman RAN PASTI: KRS, TPK, catin, "
               "baduta, 4T, KEK, PMT, desil, Lokmin dan lainnya.", "Istilah", glossary_body),
)}


def header_flags(page: str) -> dict[str, bool]:
    """Which site-header link is the current page (and no search box on the search page itself)."""
    return {"search_page": page == SEARCH_PAGE, "glossary_page": page == GLOSSARY_PAGE}


def write_static_pages(site: SiteInfo, out: Path) -> None:
    """``cari/`` and ``istilah/`` in the built-in layout (the Quarto renderer renders its own from the same
    bodies)."""
    for p in STATIC_PAGES.values():
        folder = out / p.page
        folder.mkdir(parents=True, exist_ok=True)
        html = env().get_template("page.html.j2").render(
            title=p.title, description=p.description, version=site.version, root="../", page=p.page, charts=False,
            body=p.body("../"), body_index=False, **header_flags(p.page),
            crumbs=[{"label": "Indonesia", "href": "../"}, {"label": p.crumb, "href": "./"}], related=[],
            children=[], sample_banner=site.sample and p.page == SEARCH_PAGE, footer=Markup(""))
        (folder / "index.html").write_text(html, encoding="utf-8")


def prune_cache(build_dir: Path) -> None:
    """Drop cached downloads/bodies/SVGs unused for ``CACHE_DAYS`` (used ones are touched when read)."""
    limit = time.time() - CACHE_DAYS * 86400
    stamp_file = build_dir / "render-cache" / ".dipangkas"
    with contextlib.suppress(FileNotFoundError):
        if stamp_file.stat().st_mtime > time.time() - 86400:
            return  # pruned within the last day: not worth a stat of every cached file on each rebuild
    stamp_file.parent.mkdir(parents=True, exist_ok=True)
    stamp_file.touch()
    for base in (build_dir / "render-cache" / "unduhan", build_dir / "render-cache" / "html"):
        if not base.exists():
            continue
        for entry in base.iterdir():
            stamp = entry / ".lengkap" if entry.is_dir() else entry
            try:
                if stamp.stat().st_mtime < limit:
                    shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
            except FileNotFoundError:
                continue
    svg = build_dir / "svg-cache"
    if svg.exists():
        for f in svg.glob("*/*.svg"):
            if f.stat().st_mtime < limit:
                f.unlink(missing_ok=True)


def finish_site(records: list[PageRecord], site: SiteInfo, out: Path, static_pages: bool = True, jobs: int = 1,
                keys: dict[str, str] | None = None, previous: Previous | None = None,
                search: ShardRuns | None = None) -> dict[str, str]:
    """Site-wide steps both renderers run last (Pagefind indexes only the pages, so it may run alongside).

    ``keys`` (page → render key) and ``previous`` let unchanged search shards be reused; ``search``, when
    given, is the search indexing the renderer already started. Returns the shard keys for the manifest."""
    copy_static(out)
    write_region_index(records, out)
    if static_pages:
        write_static_pages(site, out)
    shard_keys = search.finish() if search is not None else build_index(records, out, jobs=jobs, keys=keys,
                                                                         previous=previous)
    prune_cache(site.build_dir)
    return shard_keys
