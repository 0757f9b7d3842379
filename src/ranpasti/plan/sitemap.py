"""The site's pages and the navigation between them, computed once for both renderers.

Breadcrumbs (Indonesia → provinsi → kabupaten → kecamatan), links from each unit to the units below it and
from each progress page to its evaluations come from here, so the Quarto site and the built-in site cannot
disagree about what links where; ``unlink_unpublished`` removes, before publishing, every link to a page the
site does not carry.
"""

from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..reference.regions import Regions, level_of
from .params import PageSpec


@dataclass
class Link:
    label: str
    page: str  # site folder ("" = root)


@dataclass
class PageRecord:
    spec: PageSpec
    notebook: Path  # the executed notebook
    title: str
    description: str
    breadcrumbs: list[Link] = field(default_factory=list)
    children: list[Link] = field(default_factory=list)
    related: list[Link] = field(default_factory=list)  # evaluation ↔ progress

    @property
    def page(self) -> str:
        return self.spec.page

    @property
    def kode(self) -> str:
        return self.spec.kode

    @property
    def kind(self) -> str:
        return self.spec.kind


def build_sitemap(specs: list[PageSpec], regions: Regions, executed: dict[str, Path]) -> list[PageRecord]:
    """Records for the pages that were executed, in site order (root first)."""
    built = {s.page: s for s in specs if s.page in executed}
    progress = {s.kode: s.page for s in built.values() if s.kind == "progres"}
    evals: dict[str, list[PageSpec]] = {}
    for s in built.values():
        if s.kind == "evaluasi":
            evals.setdefault(s.kode, []).append(s)
    below: dict[str, list[str]] = {}  # unit → the units one level below it that have a progress page
    for k in progress:
        if k != "ID":
            below.setdefault("ID" if level_of(k) == "provinsi" else k.rsplit(".", 1)[0], []).append(k)
    records = []
    for s in sorted(built.values(), key=lambda s: (s.page.count("/"), s.page)):
        unit = regions.unit(s.kode)
        label = "Indonesia" if s.kode == "ID" else unit.label
        if unit.tingkat == "kecamatan":  # kecamatan names repeat across the country: name the kabupaten too
            label = f"{unit.label}, {regions.parent(unit).nama}"
        if s.kind == "evaluasi" and unit.tingkat in ("nasional", "provinsi"):  # across their kabupaten/kota
            name = "ringkasan nasional" if s.kode == "ID" else label
            title = f"Evaluasi {s.tahun} — {name}"
            desc = (f"Evaluasi Desember RAN PASTI {s.tahun}, {name}: capaian tahunan setiap kabupaten/kota dengan "
                    "data terhadap targetnya, status, peringkat, peta.")
        elif s.kind == "evaluasi":
            title = f"Evaluasi {s.tahun} — {label}"
            desc = f"Evaluasi Desember RAN PASTI {s.tahun} {label}: capaian tahunan terhadap target, rapor, Lokmin."
        else:
            title = f"{label} — Kemajuan RAN PASTI" if s.kode != "ID" else "Kemajuan RAN PASTI — Indonesia"
            desc = f"Kemajuan pendampingan keluarga berisiko stunting (RAN PASTI) {label}: capaian, tren, Lokmin."
        crumbs = [Link("Indonesia", "")] if "" in built or s.page != "" else []
        if s.kode != "ID":
            for u in regions.lineage(s.kode):
                page = progress.get(u.kode)
                if page is not None:
                    crumbs.append(Link(u.label, page))
        if s.kind == "evaluasi":
            crumbs.append(Link(f"Evaluasi {s.tahun}", s.page))
        children = _children(s, regions, progress, below)
        related = []
        if s.kind == "progres":
            related = [Link(f"Evaluasi {e.tahun}", e.page) for e in sorted(evals.get(s.kode, []),
                                                                                    key=lambda e: e.tahun or 0)]
        else:  # the unit's monthly progress, the evaluation of the same year one level up, its other years
            related = [Link("Kemajuan bulanan", progress[s.kode])] if s.kode in progress else []  # the crumbs name it
            related += _evaluation_above(s, regions, evals)
            related += [Link(f"Evaluasi {e.tahun}", e.page) for e in sorted(evals.get(s.kode, []),
                                                                                    key=lambda e: e.tahun or 0)
                        if e.tahun != s.tahun]
            children = _evaluations_below(s, regions, evals, below)
        records.append(PageRecord(s, executed[s.page], title, desc, crumbs, children, related))
    return records


def _same_year(evals: dict[str, list[PageSpec]], kode: str, tahun: int | None) -> PageSpec | None:
    return next((e for e in evals.get(kode, []) if e.tahun == tahun), None)


def _evaluation_above(s: PageSpec, regions: Regions, evals: dict[str, list[PageSpec]]) -> list[Link]:
    """A kabupaten's evaluation links up to its province's of the same year (where the kabupaten stands among
    the province's), a province's to the nation's; a kecamatan's has its kabupaten's in the breadcrumbs."""
    level = level_of(s.kode)
    above = {"kabupaten": s.kode.split(".")[0], "provinsi": "ID"}.get(level)
    found = _same_year(evals, above, s.tahun) if above else None
    if above is None or found is None:
        return []
    name = "nasional" if above == "ID" else regions.unit(above).label
    return [Link(f"Evaluasi {s.tahun} {name}", found.page)]


def _evaluations_below(s: PageSpec, regions: Regions, evals: dict[str, list[PageSpec]],
                       below: dict[str, list[str]]) -> list[Link]:
    """The nation's evaluation lists its provinces' evaluations of the same year, a province's its kabupaten's
    (the page's tables link every kabupaten/kota too); none below."""
    if level_of(s.kode) not in ("nasional", "provinsi"):
        return []
    out = []
    for k in sorted(below.get(s.kode, [])):
        found = _same_year(evals, k, s.tahun)
        if found is not None:
            out.append(Link(f"{regions.unit(k).label}: evaluasi {s.tahun}", found.page))
    return out


def _children(s: PageSpec, regions: Regions, progress: dict[str, str], below: dict[str, list[str]]) -> list[Link]:
    """Links to the units one level below (for the country: provinces only, its table lists every
    kabupaten); none below kecamatan (desa have no pages)."""
    if s.kind != "progres" or level_of(s.kode) == "kecamatan":
        return []
    return [Link(regions.unit(k).label, progress[k]) for k in sorted(below.get(s.kode, []))]


# A link as the templates, tables and maps (SVG) write it: a relative href to a page folder (ending in "/").
# The quote may be escaped (``\"``): the same link inside a notebook's JSON (its HTML outputs).
_PAGE_LINK = re.compile(r'<a\b[^>]*?\bhref=(\\?")(?![a-z]+:|/|#)([^"#?\\]*/)\1[^>]*>(.*?)</a>', re.DOTALL)
# Published files that can hold such a link: pages, notebooks (their HTML outputs), images (maps, charts)
LINKING_SUFFIXES = (".html", ".ipynb", ".svg")


def unlink_unpublished(site: Path, published: set[str], dead: set[str]) -> int:
    """Unwrap every link, in any file of the ``published`` pages of ``site`` that can hold one (``.html``,
    the notebook's HTML outputs in ``.ipynb``, ``.svg``), to a ``dead`` page (a known page folder the site
    does not carry); returns how many files changed.

    The published set is the one source of truth for links (issue 32, B60, D12): a notebook links every unit
    below its own (tables, maps) without knowing which of them are published, a page reused from the
    previous site links what was published then, and a page with ``terbit: false`` or a failed page is
    still a known page folder. ``dead`` (known pages left out of this site) decides which files are read at
    all, so a build that leaves nothing out reads nothing. A changed file is written anew and renamed into
    place: files hard-linked from the published site or a cache are never written through."""
    if not dead:
        return 0
    needles = {(p.rstrip("/").rsplit("/", 1)[-1] + "/").encode() for p in dead}
    changed = 0
    for page in sorted(published):
        folder = site / page
        try:
            paths = sorted(p for p in folder.iterdir() if p.suffix.lower() in LINKING_SUFFIXES and p.is_file())
        except OSError:
            continue
        for path in paths:
            changed += _unlink_file(path, page, dead, needles)
    return changed


def _unlink_file(path: Path, page: str, dead: set[str], needles: set[bytes]) -> int:
    try:
        data = path.read_bytes()
    except OSError:
        return 0
    if not any(n in data for n in needles):
        return 0
    text = data.decode("utf-8")

    def unwrap(m: re.Match[str]) -> str:
        target = posixpath.normpath(posixpath.join("/" + page, m.group(2))).strip("/")
        target = target + "/" if target else ""
        return m.group(3) if target in dead else m.group(0)

    new = _PAGE_LINK.sub(unwrap, text)
    if new == text:
        return 0
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(new, encoding="utf-8")
    os.replace(tmp, path)
    return 1
