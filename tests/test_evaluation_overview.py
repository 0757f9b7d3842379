"""The nation's and each province's evaluation pages (``evaluasi-<tahun>/``, issue 34 point 1), on the sample
site built with both renderers: every kabupaten/kota with data is listed with exactly the figure its own
evaluation page shows, status counts add up, links go up and down between the levels, and the coverage is said
in words (never "Indonesia" for three kabupaten).
"""

from __future__ import annotations

import functools
import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from ranpasti.reference import indicators as ind
from ranpasti.reference.config import NO_DATA_BAND, NO_TARGET_BAND, Config
from ranpasti.reference.regions import load_regions

SAMPLE = {"16": ("16.05", "16.06"), "18": ("18.13",)}  # the sample's kabupaten/kota with data, by province
YEARS = (2023, 2024, 2025)  # the complete years of the sample (its data runs to October 2026)
LABELS = [i.label for i in ind.PENDAMPINGAN_INDICATORS] + [ind.label("kampung_kb")]


class Page(HTMLParser):
    """A page's tables (cell text and each cell's link), related links, children links and text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: dict[str, list[list[tuple[str, str | None]]]] = {}
        self.hrefs: list[str] = []
        self.text: list[str] = []
        self.h1: list[str] = []
        self._table: str | None = None
        self._row: list | None = None
        self._cell: list[str] | None = None
        self._href: str | None = None
        self._in_h1 = False
        self._sr = 0
        self._status: list[str] = []
        self.statuses: dict[str, list[list[str]]] = {}  # per table, per row: each cell's status words ("" none)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"])
            if self._cell is not None:
                self._href = a["href"]
        if tag == "table" and a.get("data-table"):
            self._table = a["data-table"]
            self.tables[self._table] = []
        if self._table and tag == "tr":
            self._row, self._statuses = [], []
        if self._row is not None and tag in ("td", "th"):
            self._cell, self._href, self._status = [], None, []
        if tag == "span" and "rp-sr" in (a.get("class") or ""):
            self._sr += 1  # the status words a screen reader hears after a coloured figure
        self._in_h1 = self._in_h1 or tag == "h1"

    def handle_endtag(self, tag):
        if tag == "span" and self._sr:
            self._sr -= 1
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append((" ".join("".join(self._cell).split()), self._href))
            self._statuses.append("".join(self._status).strip(" ()"))
            self._cell = None
        if tag == "tr" and self._row is not None and self._table:
            self.tables[self._table].append(self._row)
            self.statuses.setdefault(self._table, []).append(self._statuses)
            self._row = None
        if tag == "table":
            self._table = None
        if tag == "h1":
            self._in_h1 = False

    def handle_data(self, data):
        self.text.append(data)
        if self._in_h1:
            self.h1.append(data.strip())
        if self._cell is not None and not self._sr:
            self._cell.append(data)
        if self._cell is not None and self._sr:
            self._status.append(data)

    def table(self, name: str) -> list[dict[str, tuple[str, str | None]]]:
        """Rows as {header: (text, link)}."""
        rows = self.tables[name]
        head = [text for text, _ in rows[0]]
        return [dict(zip(head, row, strict=True)) for row in rows[1:]]

    def words(self) -> str:
        return " ".join(" ".join(self.text).split())


@functools.cache
def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def resolve(page: str, href: str) -> str:
    """The site folder a relative link from ``page`` (a folder, "" for the root) points at."""
    target = posixpath.normpath(posixpath.join("/" + page, href.split("#")[0])).strip("/")
    return target + "/" if target else ""


def overview_pages() -> list[tuple[str, str, int]]:
    """(page folder, unit code, year) of every nation and province evaluation the sample should have."""
    regions = load_regions()
    pages = [(f"evaluasi-{y}/", "ID", y) for y in YEARS]
    pages += [(f"{regions.unit(p).slug}/evaluasi-{y}/", p, y) for p in SAMPLE for y in YEARS]
    return pages


def kabupaten_of(kode: str) -> list[str]:
    return [k for p, kabs in SAMPLE.items() for k in kabs if kode in ("ID", p)]


def own_figures(site: Path, page: str) -> dict[str, str]:
    """A kabupaten evaluation page's annual figure per indicator, as its indicator table shows it."""
    rows = parse(site / page / "index.html").table("evaluasi-indikator")
    year = re.search(r"evaluasi-(\d{4})/$", page).group(1)
    return {r["Indikator"][0]: r[f"Capaian Jan–Des {year}"][0] for r in rows}


def test_every_year_has_a_national_and_province_evaluation(site):
    for page, _kode, _year in overview_pages():
        assert (site / page / "index.html").exists(), page
    assert not (site / "evaluasi-2026").exists()  # 2026 has no December yet


def test_every_kabupaten_with_the_figure_its_own_page_shows(site):
    regions = load_regions()
    for page, kode, year in overview_pages():
        doc = parse(site / page / "index.html")
        rapor = doc.table("rapor-kabupaten")
        names = [r["Kabupaten/kota"][0] for r in rapor]
        assert sorted(names) == sorted(regions.unit(k).label for k in kabupaten_of(kode)), page
        for row in rapor:
            name, href = row["Kabupaten/kota"]
            own_page = resolve(page, href)
            assert own_page.endswith(f"evaluasi-{year}/") and (site / own_page / "index.html").exists(), href
            own = own_figures(site, own_page)
            for label in LABELS:
                assert row[label][0] == own[label], (page, name, label, row[label][0], own[label])
        ranking = doc.table("peringkat-kabupaten")
        main = ind.label("krs_didampingi")
        for row in ranking:
            own = own_figures(site, resolve(page, row["Kabupaten/kota"][1]))
            assert row[f"{main} {year}"][0] == own[main], (page, row)


def test_three_years_read_as_each_year_page(site):
    for page, _kode, year in overview_pages():
        rows = parse(site / page / "index.html").table("tiga-tahun")
        assert rows, page
        for row in rows:
            href = row["Kabupaten/kota"][1]
            for y in YEARS:
                if y > year or str(y) not in row:
                    continue
                own = own_figures(site, resolve(page, href).replace(f"evaluasi-{year}/", f"evaluasi-{y}/"))
                assert row[str(y)][0] == own[row["Indikator"][0]], (page, y, row)
        years = [h for h in rows[0] if re.fullmatch(r"\d{4}", h)]
        assert years == [str(y) for y in YEARS if year - 2 <= y <= year], page


def test_ranked_only_among_kabupaten_on_the_same_basis(site):
    doc = parse(site / "evaluasi-2025" / "index.html")
    ranking = doc.table("peringkat-kabupaten")
    by_basis: dict[str, list[tuple[int, int, float]]] = {}
    for row in ranking:
        rank, of = (int(n) for n in re.fullmatch(r"(\d+) dari (\d+)", row["Peringkat"][0]).groups())
        value = float(row["KRS didampingi 2025"][0].rstrip("%").replace(".", "").replace(",", "."))
        by_basis.setdefault(row["Dasar"][0], []).append((rank, of, value))
    assert set(by_basis) == {ind.BASIS_REACH, ind.BASIS_AVERAGE}  # Pesisir Barat has no reach figures
    for rows in by_basis.values():
        assert {of for _, of, _ in rows} == {len(rows)}
        assert [r for r, _, _ in sorted(rows, key=lambda x: -x[2])] == list(range(1, len(rows) + 1))


def test_status_counts_add_up_to_the_rapor(site):
    for page, kode, _year in overview_pages():
        doc = parse(site / page / "index.html")
        counts = doc.table("status-kabupaten")
        n = len(kabupaten_of(kode))
        bands = [t for t, _ in doc.tables["status-kabupaten"][0] if t not in ("Indikator", "Kabupaten/kota")]
        assert bands[0] == "Tercapai" and set(bands) <= {b.label for b in (*Config().bands, NO_TARGET_BAND,
                                                                             NO_DATA_BAND)}
        head = [t for t, _ in doc.tables["rapor-kabupaten"][0]]
        statuses = doc.statuses["rapor-kabupaten"][1:]  # each figure's status: the words a screen reader hears
        assert len(statuses) == n
        for row in counts:
            numbers = {b: int(row[b][0]) for b in bands}
            assert sum(numbers.values()) == int(row["Kabupaten/kota"][0]) == n, (page, row)
            column = head.index(row["Indikator"][0])
            shown = [cells[column] for cells in statuses]
            assert {b: shown.count(b) for b in bands} == numbers, (page, row["Indikator"][0], shown)
            assert set(shown) <= set(bands), (page, shown)  # a status left out of the table occurs nowhere


def test_links_up_and_down_between_the_levels(site):
    regions = load_regions()
    for year in YEARS:
        national = f"evaluasi-{year}/"
        assert national in {resolve("", h) for h in parse(site / "index.html").hrefs}
        down = {resolve(national, h) for h in parse(site / national / "index.html").hrefs}
        for prov, kabs in SAMPLE.items():
            slug = regions.unit(prov).slug
            mine = f"{slug}/evaluasi-{year}/"
            assert mine in {resolve(f"{slug}/", h) for h in parse(site / slug / "index.html").hrefs}
            assert mine in down  # the nation's evaluation lists its provinces'
            links = {resolve(mine, h) for h in parse(site / mine / "index.html").hrefs}
            assert national in links  # up to the nation's
            for kab in kabs:
                kab_eval = f"{regions.unit(kab).slug}/evaluasi-{year}/"
                assert kab_eval in links and kab_eval in down  # down to each kabupaten's
                up = {resolve(kab_eval, h) for h in parse(site / kab_eval / "index.html").hrefs}
                assert mine in up, kab_eval  # and each kabupaten's up to its province's of the same year
    for page, _kode, _year in overview_pages():
        for href in parse(site / page / "index.html").hrefs:
            if re.match(r"[a-z]+:|#", href):
                continue
            target = resolve(page, href)
            assert (site / target / "index.html").exists() or (site / page / href).exists(), (page, href)


def test_coverage_in_words_never_indonesia_for_three_kabupaten(site):
    national = parse(site / "evaluasi-2025" / "index.html")
    assert " ".join(national.h1) == "Evaluasi 2025 — ringkasan nasional"
    assert "3 kabupaten/kota dengan data dari 514 kabupaten/kota di Indonesia" in national.words()
    province = parse(site / "provinsi-sumatera-selatan" / "evaluasi-2025" / "index.html")
    assert "2 kabupaten/kota dengan data dari 17 kabupaten/kota di Provinsi Sumatera Selatan" in province.words()
    for page, _kode, _year in overview_pages():
        doc = parse(site / page / "index.html")
        words = doc.words()
        assert "Indonesia" not in " ".join(doc.h1), page
        # no figure, table or verdict is Indonesia's: the country appears only as where the coverage is counted
        assert not re.search(r"Indonesia\s*(:|mencapai|\d)|(capaian|angka|target) Indonesia", words), page
        for rows in doc.tables.values():
            assert not any("Indonesia" in text for row in rows for text, _ in row), page


def test_target_source_named_per_row(site):
    ranking = parse(site / "evaluasi-2025" / "index.html").table("peringkat-kabupaten")
    target = {r["Kabupaten/kota"][0]: r["Target"][0] for r in ranking}
    assert target["Kabupaten Musi Rawas"].startswith("80%, sendiri")  # its own 2025 target
    assert target["Kabupaten Musi Banyuasin"].startswith("85%, provinsi")  # Sumatera Selatan's
    assert target["Kabupaten Pesisir Barat"] == "tidak ada target"  # none for 2025 (national ones end 2024)
    ranking24 = parse(site / "evaluasi-2024" / "index.html").table("peringkat-kabupaten")
    assert all(r["Target"][0].startswith("90%, nasional") for r in ranking24)


@pytest.mark.parametrize("page", ["evaluasi-2025/", "provinsi-lampung/evaluasi-2023/"])
def test_map_coloured_by_status_links_to_kabupaten_evaluations(site, page):
    html = (site / page / "index.html").read_text(encoding="utf-8")
    assert 'class="rp-map"' in html
    svg = html[html.index("<svg"):html.index("</svg>")]
    links = re.findall(r'<a href="([^"]+)" aria-label="([^"]+)"', svg)
    assert links, page
    for href, label in links:
        assert resolve(page, href).endswith(f"{page.rstrip('/').rsplit('/', 1)[-1]}/"), href
        assert re.search(r"\d+,\d%, (Tercapai|Hampir tercapai|Perlu perhatian|Jauh dari target|Tidak ada target)",
                         label), label
