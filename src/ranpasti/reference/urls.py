"""The site's URL scheme, in one place (documented in the README; never change a published address).

    index.html                                              national overview
    provinsi-<slug>/index.html                              province overview
    <kabupaten-slug>/index.html                             kabupaten progress
    <kabupaten-slug>/<kecamatan-slug>/index.html            kecamatan progress
    <kabupaten-slug>/evaluasi-<tahun>/index.html            kabupaten December evaluation
    <kabupaten-slug>/<kecamatan-slug>/evaluasi-<tahun>/     kecamatan December evaluation
    evaluasi-<tahun>/index.html                             national evaluation (every kabupaten/kota with data)
    provinsi-<slug>/evaluasi-<tahun>/index.html             province evaluation (its kabupaten/kota with data)

Paths here are folders relative to the site root, with a trailing slash (or "" for the root); links
between pages are always relative, so the site works from any sub-path (GitHub Pages project sites).
"""

from __future__ import annotations

import posixpath
import re

from .regions import Regions, level_of


def page_dir(regions: Regions, kode: str, kind: str = "progres", tahun: int | None = None) -> str:
    """Folder of a page: ``kind`` is ``progres`` or ``evaluasi`` (which needs ``tahun``). Every level has an
    evaluation: a kabupaten's or kecamatan's own, and the nation's and each province's across their
    kabupaten/kota."""
    level = level_of(kode)
    base = "" if level == "nasional" else regions.path(kode) + "/"
    if kind == "evaluasi":
        if tahun is None:
            raise ValueError(f"evaluasi perlu tahun: {kode}")
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


# ------------------------------------------------------------------ addresses from the inputs

# An address read from an input file (``prevalensi.csv``'s ``rujukan``) becomes a link only when it is a whole
# web address: http(s), a host of letters, digits, dots and hyphens, then no space, quote or angle bracket.
# Anything else is shown as text (escaped): a ``javascript:`` or ``data:`` address must never reach an href.
_WEB_ADDRESS = re.compile(r"(?i:https?)://[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::\d{1,5})?(?:[/?#][^\s<>\"'`\\]*)?")
_SCHEME = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+.-]*):")
SOURCE_SEPARATOR = "|"


def web_address(text: str) -> str | None:
    """``text`` as a link target when it is a whole http(s) address, else None (then it is shown as text)."""
    text = text.strip()
    return text if _WEB_ADDRESS.fullmatch(text) else None


def unsafe_address(text: str) -> bool:
    """A part of a ``rujukan`` cell that names a scheme other than http(s) (``javascript:``, ``data:``,
    ``file:``), or an http(s) address that is not a whole one: refused at validation, so a page never has
    to decide what such a text means. Plain words ("GitHub owner/name@commit:path") are fine."""
    m = _SCHEME.match(text)
    if not m:
        return False
    return m.group(1).lower() not in ("http", "https") or web_address(text) is None


def source_parts(text: str) -> list[str]:
    """The sources of one ``rujukan`` cell (several where copies agree, separated by ``|``)."""
    return [part.strip() for part in str(text).split(SOURCE_SEPARATOR) if part.strip()]


def site_of(address: str) -> str:
    """The host of a web address without ``www.``, what a credit line names (``databoks.katadata.co.id``)."""
    host = address.split("://", 1)[1].split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    return host.removeprefix("www.")
