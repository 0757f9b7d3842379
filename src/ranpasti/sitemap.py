"""The site's pages and the navigation between them, computed once for both renderers.

Breadcrumbs (Indonesia → provinsi → kabupaten → kecamatan), links from each unit to the units below it and
from each progress page to its evaluations come from here, so the Quarto site and the built-in site cannot
disagree about what links where.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .params import PageSpec
from .regions import Regions, level_of


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
    records = []
    for s in sorted(built.values(), key=lambda s: (s.page.count("/"), s.page)):
        unit = regions.unit(s.kode)
        label = "Indonesia" if s.kode == "ID" else unit.label
        if unit.tingkat == "kecamatan":  # kecamatan names repeat across the country: name the kabupaten too
            label = f"{unit.label}, {regions.unit(unit.parent).nama}"
        if s.kind == "evaluasi":
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
        children = _children(s, regions, progress)
        related = []
        if s.kind == "progres":
            related = [Link(f"Evaluasi Desember {e.tahun}", e.page) for e in sorted(evals.get(s.kode, []),
                                                                                    key=lambda e: e.tahun or 0)]
        elif s.kode in progress:
            related = [Link(f"Kemajuan bulanan {label}", progress[s.kode])]
        records.append(PageRecord(s, executed[s.page], title, desc, crumbs, children, related))
    return records


def _children(s: PageSpec, regions: Regions, progress: dict[str, str]) -> list[Link]:
    if s.kind != "progres":
        return []
    level = level_of(s.kode)
    if level == "nasional":  # provinces only: the national table already lists every kabupaten
        codes = sorted(k for k in progress if level_of(k) == "provinsi")
    elif level == "provinsi":
        codes = sorted(k for k in progress if level_of(k) == "kabupaten" and k.startswith(s.kode + "."))
    elif level == "kabupaten":
        codes = sorted(k for k in progress if level_of(k) == "kecamatan" and k.startswith(s.kode + "."))
    else:
        codes = []
    return [Link(regions.unit(k).label, progress[k]) for k in codes]
