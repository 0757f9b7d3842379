"""The site's URL scheme, in one place (documented in the README; never change a published address).

    index.html                                              national overview
    provinsi-<slug>/index.html                              province overview
    <kabupaten-slug>/index.html                             kabupaten progress
    <kabupaten-slug>/<kecamatan-slug>/index.html            kecamatan progress
    <kabupaten-slug>/evaluasi-<tahun>/index.html            kabupaten December evaluation
    <kabupaten-slug>/<kecamatan-slug>/evaluasi-<tahun>/     kecamatan December evaluation

Paths here are folders relative to the site root, with a trailing slash (or "" for the root); links
between pages are always relative, so the site works from any sub-path (GitHub Pages project sites).
"""

from __future__ import annotations

import posixpath

from .regions import Regions, level_of


def page_dir(regions: Regions, kode: str, kind: str = "progres", tahun: int | None = None) -> str:
    """Folder of a page: ``kind`` is ``progres`` or ``evaluasi`` (which needs ``tahun``)."""
    level = level_of(kode)
    base = "" if level == "nasional" else regions.path(kode) + "/"
    if kind == "evaluasi":
        if level not in ("kabupaten", "kecamatan") or tahun is None:
            raise ValueError(f"evaluasi hanya untuk kabupaten/kecamatan dengan tahun: {kode}")
        return f"{base}evaluasi-{tahun}/"
    return base


def relative(from_dir: str, to_dir: str) -> str:
    """Relative link from one page folder to another (``../tugumulyo/``); ``./`` for the same page."""
    rel = posixpath.relpath("/" + to_dir, "/" + (from_dir or "."))
    rel = "./" if rel == "." else rel + "/"
    return rel.replace("//", "/")


def root_prefix(page: str) -> str:
    """``../..`` style prefix from a page folder back to the site root ('' at the root)."""
    depth = page.strip("/").count("/") + 1 if page.strip("/") else 0
    return "/".join([".."] * depth)
