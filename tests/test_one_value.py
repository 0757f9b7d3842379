"""One figure, one value: every percentage of the sample site read back from every page and download.

Pins issue 33's first "done when": across all pages (cards, map titles) and all CSV downloads of the built
sample, a unit × indicator × period × basis has exactly one value, and a page states one annual figure per
unit and indicator (one basis). The figures are read the way a reader or an auditor meets them, from the
published files, not from the code that wrote them, so a page that computes, rounds or masks a figure its own
way is caught wherever it shows it.
"""

from __future__ import annotations

import csv
import html
import re
from collections import defaultdict
from pathlib import Path

import pytest

from ranpasti.reference import indicators as ind
from ranpasti.reference.regions import load_regions
from ranpasti.reference.urls import page_dir

MONTHS = {name: n for n, name in enumerate(
    ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
     "November", "Desember"], start=1)}
LABELS = {ind.label(k): k for k in ind.INDICATORS}
PERCENT = re.compile(r"^-?\d+(?:[.,]\d+)?$")

Key = tuple[str, str, str, str]  # unit, indicator, period, basis


class Figures:
    """Every figure read, by key, with where each value was read."""

    def __init__(self) -> None:
        self.seen: dict[Key, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        self.loose: list[tuple[tuple[str, str, str], str, str, str]] = []  # annual figures whose basis is implied
        self.bases: dict[tuple[str, str, str, str], set[str]] = defaultdict(set)  # (page, unit, ind, year) → bases

    def add(self, unit: str, indicator: str, period: str, basis: str, value: str, where: str) -> None:
        value = value.strip().replace(",", ".")
        if indicator not in LABELS.values() or not PERCENT.match(value):
            return  # masked, "tidak ada data", "tidak sebanding (...)": not a figure
        self.seen[(unit, indicator, period, basis)][value].append(where)
        if len(period) == 4 and basis in (ind.BASIS_REACH, ind.BASIS_AVERAGE):
            self.bases[(where.split(" ")[0], unit, indicator, period)].add(basis)


class Site:
    """Path ↔ unit for the sample's pages, and names ↔ codes below a unit."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.regions = regions = load_regions()
        self.pages: dict[str, tuple[str, str, int | None]] = {}
        self._children: dict[tuple[str, str], str] = {}
        sample = [k for k in regions.kabupaten.index
                  if (root / page_dir(regions, k)).joinpath("index.html").exists()]
        assert sample, "no kabupaten page in the built site"
        codes = {"ID", *(k[:2] for k in sample), *sample}
        codes |= set(regions.kecamatan.index[regions.kecamatan["kode_kabupaten"].isin(sample)])
        for kode in codes:
            self.pages[page_dir(regions, kode, "progres")] = (kode, "progres", None)
            for year in range(2020, 2031):
                try:
                    self.pages[page_dir(regions, kode, "evaluasi", year)] = (kode, "evaluasi", year)
                except ValueError:  # (a level without evaluation pages)
                    break

    def child(self, parent: str, name: str) -> str:
        """The unit called ``name`` directly below ``parent`` (desa: ``Desa (Kecamatan)`` below a kabupaten)."""
        key = (parent, name.strip())
        if key not in self._children:
            self._children[key] = self._child(*key)
        return self._children[key]

    def _child(self, parent: str, name: str) -> str:
        r = self.regions
        if parent == "ID" or len(parent) == 2:
            kab = r.kabupaten[(r.kabupaten["nama"] == name) & r.kabupaten.index.str.startswith(
                "" if parent == "ID" else parent + ".")]
            return kab.index[0] if len(kab) == 1 else f"?{parent}:{name}"
        if len(parent) == 5:
            m = re.fullmatch(r"(.+) \((.+)\)", name)
            if m:  # a desa in a kabupaten-wide table
                return self.child(self.child(parent, m.group(2)), m.group(1))
            kec = r.kecamatan[(r.kecamatan["kode_kabupaten"] == parent) & (r.kecamatan["nama"] == name)]
            return kec.index[0] if len(kec) == 1 else f"?{parent}:{name}"
        desa = r.desa[(r.desa["kode_kecamatan"] == parent) & (r.desa["nama"] == name)]
        return desa.index[0] if len(desa) == 1 else f"desa {parent}:{name}"  # (a name twice: one key for both)

    def ancestor_named(self, kode: str, header: str) -> str | None:
        """Which of ``kode`` and its ancestors a comparison column is headed with."""
        chain = [kode]
        while chain[-1] != "ID":
            chain.append(chain[-1].rsplit(".", 1)[0] if "." in chain[-1] else "ID")
        for k in chain:
            if k == "ID":
                if header.strip() == "Indonesia":
                    return k
            elif header.strip().endswith(self.regions.unit(k).nama):
                return k
        return None


def _month(text: str) -> str:
    name, year = text.split()
    return f"{year}-{MONTHS[name]:02d}"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _text(page: Path) -> str:
    t = page.read_text(encoding="utf-8")
    t = re.sub(r"<script.*?</script>|<style.*?</style>", " ", t, flags=re.S)
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", t).split()))


def read_site(root: Path) -> tuple[Figures, Site]:
    site, figures = Site(root), Figures()
    for index in sorted(root.rglob("index.html")):
        rel = index.parent.relative_to(root).as_posix()
        page = "" if rel == "." else rel + "/"
        if page not in site.pages:
            continue
        kode, kind, year = site.pages[page]
        month = None
        where = lambda name, page=page: f"{page} {name}"  # noqa: E731
        text = _text(index)
        if kind == "progres":
            m = re.search(r"Bulan laporan: (\w+ \d{4})", text)
            assert m, f"{page}: no reporting month"
            month = _month(m.group(1))
            _cards(figures, text, kode, month, where("kartu"))
        _map_titles(figures, site, index, text, kode, year, month, where("peta"))
        for csv_path in sorted(index.parent.glob("*.csv")):
            _download(figures, site, csv_path, kode, year, month, where(csv_path.name))
    return figures, site


def _cards(figures: Figures, text: str, kode: str, month: str, where: str) -> None:
    start, end = text.find("Capaian bulan laporan"), text.find("Capaian = jumlah")
    for label, value in re.findall(r"(" + "|".join(map(re.escape, LABELS)) + r") (\d+(?:,\d+)?)%",
                                   text[start:end]):
        figures.add("ID" if kode == "ID" else kode, LABELS[label], month, "bulan", value, where)


def _map_titles(figures: Figures, site: Site, index: Path, text: str, kode: str, year: int | None,
                month: str | None, where: str) -> None:
    m = re.search(r"Peta (.+?) per [\w/]+, (tahun (\d{4})|(\w+ \d{4}))", text)
    if not m or m.group(1) not in LABELS:
        return
    key = LABELS[m.group(1)]
    for name, value in re.findall(r"<title>([^<:]+): (\d+(?:,\d+)?)%", index.read_text(encoding="utf-8")):
        unit = site.child(kode, html.unescape(name))
        if m.group(3):  # an annual map: on the page's basis for that unit, which the tables state
            figures.loose.append(((unit, key, m.group(3)), value.replace(",", "."), where, kode))
        else:
            figures.add(unit, key, _month(m.group(4)), "bulan", value, where)


def _download(figures: Figures, site: Site, path: Path, kode: str, year: int | None, month: str | None,
              where: str) -> None:
    name, rows = path.stem, _rows(path)
    if not rows:
        return
    cols = list(rows[0])
    if name == "evaluasi-indikator":
        for r in rows:
            key = LABELS.get(r["Indikator"], "")
            basis = r.get("Dasar", "")
            for c in cols:
                if c.startswith("Capaian Jan–Des ") or re.fullmatch(r"Capaian \d{4}", c):
                    figures.add(kode, key, c[-4:], basis, r[c], where)
                elif re.fullmatch(r"Capaian Des \d{4}", c):
                    figures.add(kode, key, f"{c[-4:]}-12", "bulan", r[c], where)
    elif name == "perbandingan-wilayah":
        for r in rows:
            for c in cols[2:]:
                unit = site.ancestor_named(kode, c)
                assert unit, f"{where}: column {c!r} names no unit above {kode}"
                figures.add(unit, LABELS.get(r["Indikator"], ""), str(year), r["Dasar"], r[c], where)
    elif name in ("rapor-kecamatan", "rapor-desa"):
        for r in rows:
            unit = site.child(kode, r[cols[0]])
            for c in cols:
                if c in LABELS:
                    figures.add(unit, LABELS[c], str(year), r["Dasar"], r[c], where)
    elif name == "semester":
        for r in rows:
            for c, half in ((cols[1], "S1"), (cols[2], "S2")):
                figures.add(kode, LABELS.get(r["Indikator"], ""), f"{year}-{half}", "semester", r[c], where)
    elif name in ("desa", "perbandingan-kecamatan", "perbandingan-kabupaten") and month:
        for r in rows:
            unit = site.child(kode, r[cols[0]])
            for c in cols:
                if c in LABELS:
                    figures.add(unit, LABELS[c], month, "bulan", r[c], where)
    elif name == "peringkat-kabupaten":  # a nation's or province's evaluation: each kabupaten's headline
        for r in rows:
            unit = site.child(kode, r[cols[0]])
            for c in cols:
                m = re.fullmatch(r"(.+) (\d{4})", c)
                if m and m.group(1) in LABELS:
                    figures.add(unit, LABELS[m.group(1)], m.group(2), r["Dasar"], r[c], where)
    elif name == "tiga-tahun":  # the same, three years side by side (a basis per year where they differ)
        for r in rows:
            unit = site.child(kode, r[cols[0]])
            bases = dict(re.findall(r"(\d{4}): ([^;]+)", r["Dasar"]))
            for c in cols:
                if re.fullmatch(r"\d{4}", c):
                    figures.add(unit, LABELS.get(r["Indikator"], ""), c, bases.get(c, r["Dasar"]), r[c], where)
    elif name == "tren":
        for r in rows:
            figures.add(kode, LABELS.get(r["Indikator"], ""), _month(r["Bulan"]), "bulan", r["Capaian"], where)


@pytest.fixture(scope="module")
def figures(sample_sites) -> tuple[Figures, Site]:
    return read_site(sample_sites("builtin")["site"])


def test_the_reader_finds_figures_everywhere(figures):
    """The check is only as good as its reading: it must find figures at every level, in every kind of file."""
    found, _ = figures
    wheres = {w.split(" ")[1] for values in found.seen.values() for ws in values.values() for w in ws}
    for name in ("kartu", "peta", "evaluasi-indikator.csv", "perbandingan-wilayah.csv", "rapor-kecamatan.csv",
                 "rapor-desa.csv", "semester.csv", "desa.csv", "perbandingan-kecamatan.csv",
                 "perbandingan-kabupaten.csv", "tren.csv", "peringkat-kabupaten.csv", "tiga-tahun.csv"):
        assert name in wheres, f"no figure read from any {name}"
    units = {k[0] for k in found.seen}
    assert "ID" in units and any(len(u) == 2 for u in units) and any(len(u) == 5 for u in units)
    assert any(len(u) == 8 for u in units) and any(len(u) == 13 for u in units)
    unresolved = sorted(u for u in units if u.startswith("?"))
    assert not unresolved, f"names the reader could not place: {unresolved[:5]}"
    assert sum(len(v) for v in found.seen.values()) > 5000


def test_one_value_per_unit_indicator_period_basis(figures):
    found, _ = figures
    clashes = []
    for key, values in found.seen.items():
        if len(values) > 1:
            clashes.append(f"{key}: " + "; ".join(f"{v} in {', '.join(sorted(set(w))[:3])}"
                                                  for v, w in sorted(values.items())))
    assert not clashes, f"{len(clashes)} figures read differently on different pages:\n" + "\n".join(clashes[:15])


def test_one_annual_basis_per_unit_and_indicator_on_a_page(figures):
    found, _ = figures
    mixed = [f"{page}: {unit} {key} {year}: {sorted(b)}" for (page, unit, key, year), b in found.bases.items()
             if len(b) > 1]
    assert not mixed, "a page states two annual figures for one indicator:\n" + "\n".join(mixed[:15])


def test_annual_map_titles_read_the_tables_figure(figures):
    """An evaluation map's title shows the unit's annual figure on the basis the page's tables state."""
    found, _ = figures
    wrong = []
    for (unit, key, year), value, where, _page in found.loose:
        shown = {v for (u, k, p, b), values in found.seen.items() if (u, k, p) == (unit, key, year)
                 and b in (ind.BASIS_REACH, ind.BASIS_AVERAGE) for v in values}
        if value not in shown:
            wrong.append(f"{where}: {unit} {key} {year} = {value}, tables: {sorted(shown)}")
    assert found.loose, "no annual map title read"
    assert not wrong, "\n".join(wrong[:15])


def test_a_figure_read_two_ways_is_caught(figures, tmp_path):
    """The check fails when one copy of a figure differs: the kabupaten's desa rapor, one value moved 0,1."""
    _, site = figures
    original = next(site.root.glob("kabupaten-*/evaluasi-*/rapor-desa.csv"))
    kab = site.pages[original.parent.relative_to(site.root).as_posix() + "/"]
    lines = original.read_text(encoding="utf-8-sig").splitlines()
    cells = lines[1].split(",")
    i = next(n for n, c in enumerate(cells) if PERCENT.match(c))
    cells[i] = f"{float(cells[i]) - 0.1:.1f}"
    tampered = tmp_path / "rapor-desa.csv"
    tampered.write_text("\n".join([lines[0], ",".join(cells)]), encoding="utf-8")
    check = Figures()
    for path in (original, tampered):
        _download(check, site, path, kab[0], kab[2], None, f"x {path}")
    assert sum(len(v) > 1 for v in check.seen.values()) == 1
