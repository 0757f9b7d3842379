"""Maps (issue 19): the committed boundaries, the map on every page kind as readers meet it in both built
sites, the build's warnings, and ``scripts/update_batas.py`` on a small source of the upstream's format."""

from __future__ import annotations

import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

from ranpasti.build import map_warnings
from ranpasti.pages import choropleth, open_context
from ranpasti.pages import maps as page_maps
from ranpasti.reference import batas
from ranpasti.reference.config import DEFAULT_BANDS, NO_TARGET_BAND
from ranpasti.reference.regions import load_regions

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ("16.05", "16.06", "18.13")
BAND_COLOURS = {b.label: b.color for b in (*DEFAULT_BANDS, NO_TARGET_BAND)}


class MapAreas(HTMLParser):
    """The map's areas as a reader's browser gets them: (href or None, accessible name, fill colour)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.areas: list[dict] = []
        self.in_map = 0
        self._link: dict | None = None
        self._path: dict | None = None
        self._title: list[str] | None = None
        self.maps = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "svg" and "rp-map-svg" in (a.get("class") or ""):
            self.in_map, self.maps = 1, self.maps + 1
            self.label = a.get("aria-label", "")
            return
        if not self.in_map:
            return
        if tag == "a":
            self._link = {"href": a.get("href"), "name": a.get("aria-label"), "fill": None}
        elif tag == "path" and a.get("fill") and a.get("class") != "background":
            if self._link is not None:
                self._link["fill"] = a["fill"]
            else:
                self._path = {"href": None, "name": None, "fill": a["fill"]}
        elif tag == "title":
            self._title = []

    def handle_data(self, data):
        if self._title is not None:
            self._title.append(data)

    def handle_endtag(self, tag):
        if not self.in_map:
            return
        if tag == "title" and self._title is not None:
            text = "".join(self._title)
            if self._path is not None:
                self._path["name"] = text
            elif self._link is not None:
                self._link["title"] = text
            self._title = None
        elif tag == "a" and self._link is not None:
            self.areas.append(self._link)
            self._link = None
        elif tag == "path" and self._path is not None:
            self.areas.append(self._path)
            self._path = None
        elif tag == "svg":
            self.in_map = 0


def areas_of(page: Path) -> MapAreas:
    parser = MapAreas()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser




# ---------------------------------------------------------------- the committed boundaries

def test_committed_boundaries_cover_the_country_within_budget():
    folder = ROOT / "data" / "wilayah" / "batas"
    files = {p.name: p.stat().st_size for p in folder.glob("*.topojson")}
    national = sum(size for name, size in files.items() if not name.startswith("desa-"))
    assert national <= 8_000_000 and max(files.values()) <= 1_000_000, files
    assert (folder / "LICENSE").exists() and "cahyadsn/wilayah_boundaries" in (folder / "README.md").read_text()
    regions = load_regions()
    wilayah = ROOT / "data" / "wilayah"
    assert set(batas.shapes(wilayah, "kabupaten", "")) == set(regions.kabupaten.index)  # all 514
    for kab in SAMPLE:
        assert set(batas.shapes(wilayah, "kecamatan", kab)) == set(regions.children(kab).index), kab
        desa = batas.shapes(wilayah, "desa", kab)
        assert len(desa) >= 0.95 * len(regions.desa_of(kab)), kab


def test_build_warns_about_units_without_a_shape_and_names_them():
    warnings = map_warnings(load_regions(), list(SAMPLE))
    # the upstream has no polygon for two desa of Musi Banyuasin (its notes.md lists them)
    assert any("16.06.02.2016 Epil Barat" in w and "desa-16.06" in w for w in warnings), warnings
    assert not any("kecamatan" in w and "tanpa batas" in w for w in warnings), warnings
    national = map_warnings(load_regions(), ["11.01"])
    assert any("batas desa belum ada untuk 1 kabupaten/kota (11.01)" in w for w in national), national


def test_map_warnings_are_remembered_until_what_they_check_changes(tmp_path, monkeypatch):
    """A rebuild does not decode every boundary file again for the same warnings; other kabupaten, or a
    damaged cache file, and they are checked again."""
    from ranpasti import build as build_module

    cache = tmp_path / "build" / "map-warnings.json"
    first = build_module.map_warnings_cached(load_regions(), list(SAMPLE), cache)
    assert first == map_warnings(load_regions(), list(SAMPLE)) and cache.exists()
    calls = []
    monkeypatch.setattr(build_module, "map_warnings", lambda regions, kab: calls.append(kab) or ["baru"])
    assert build_module.map_warnings_cached(load_regions(), list(SAMPLE), cache) == first and not calls
    assert build_module.map_warnings_cached(load_regions(), ["11.01"], cache) == ["baru"] and calls == [["11.01"]]
    cache.write_text("{rusak", encoding="utf-8")
    assert build_module.map_warnings_cached(load_regions(), ["11.01"], cache) == ["baru"] and len(calls) == 2


# ---------------------------------------------------------------- the pages

def test_every_kecamatan_is_a_linked_area_with_its_band_colour(site):
    regions = load_regions()
    for kab in SAMPLE:
        folder = site / regions.unit(kab).slug
        found = areas_of(folder / "index.html")
        assert found.maps == 1, kab
        linked = {a["name"].split(":")[0]: a for a in found.areas if a["href"]}
        assert set(linked) == set(regions.children(kab)["nama"]), kab  # every kecamatan, each once
        for name, area in linked.items():
            target = (folder / area["href"]).resolve() / "index.html"
            assert target.exists(), (kab, name, area["href"])
            status = area["name"].rsplit(", ", 1)[-1]
            assert area["fill"] == BAND_COLOURS[status], (kab, name, area)
            assert area["title"] == area["name"]  # the same words on hover
            # the kecamatan's own page says the same status for the same month
            assert status in target.read_text(encoding="utf-8"), (name, status)


def test_map_colours_match_the_comparison_table(site):
    """The map and the table under it never disagree: same month, same status per kecamatan."""
    page = site / "kabupaten-musi-rawas" / "index.html"
    html = page.read_text(encoding="utf-8")
    table = html[html.index('data-table="perbandingan-kecamatan"'):]
    table = table[:table.index("</table>")]
    for area in areas_of(page).areas:
        name, said = area["name"].split(": ", 1)
        status = said.rsplit(", ", 1)[-1]
        row = re.search(r"<tr[^>]*>(?:(?!</tr>).)*?>" + re.escape(name) + r"</a>(?:(?!</tr>).)*</tr>", table, re.S)
        assert row and status in row.group(0), (name, status)


def test_national_map_links_every_kabupaten_with_data(site):
    found = areas_of(site / "index.html")
    assert found.maps == 1
    assert len(found.areas) == 514  # every kabupaten/kota drawn
    linked = [a for a in found.areas if a["href"]]
    regions = load_regions()
    assert sorted(a["name"].split(":")[0] for a in linked) == sorted(regions.unit(k).nama for k in SAMPLE)
    for a in linked:
        assert (site / a["href"] / "index.html").exists(), a
    grey = [a for a in found.areas if not a["href"]]
    assert all(a["name"].endswith(": tidak ada data") and a["fill"] == page_maps.NO_DATA_FILL for a in grey)
    text = (site / "index.html").read_text(encoding="utf-8")
    assert batas.CREDIT in text


def test_province_and_evaluation_pages_have_the_map_for_their_period(site):
    prov = areas_of(site / "provinsi-sumatera-selatan" / "index.html")
    assert prov.maps == 1 and len(prov.areas) == len(load_regions().children("16"))
    evaluation = site / "kabupaten-musi-rawas" / "evaluasi-2024" / "index.html"
    found = areas_of(evaluation)
    assert found.maps == 1 and "tahun 2024" in found.label
    assert all(a["href"].endswith("/evaluasi-2024/") for a in found.areas if a["href"])
    assert batas.CREDIT in evaluation.read_text(encoding="utf-8")


def test_kecamatan_page_maps_its_desa_without_small_counts(site):
    page = site / "kabupaten-musi-rawas" / "tugumulyo" / "index.html"
    found = areas_of(page)
    assert found.maps == 1
    desa = load_regions().desa_of("16.05.01")
    assert len(found.areas) == len(desa)
    assert not any(a["href"] for a in found.areas)  # desa have no page of their own
    for a in found.areas:
        said = a["name"].split(": ", 1)[1]
        assert said in ("tidak ada data", "angka disamarkan") or re.fullmatch(r"[\d.,]+%, .+", said), a


def test_kabupaten_without_boundaries_gets_its_page_with_a_note(tmp_path, monkeypatch):
    """A kabupaten whose boundaries are missing renders without the map and says so in one line."""
    monkeypatch.setattr(batas, "batas_dir", lambda wilayah_dir: tmp_path / "none")
    batas._read.cache_clear()
    try:
        ctx = open_context("18.13", data_dir=ROOT / "data", cache_dir=tmp_path / "cache")
        section = page_maps.area_map(ctx)
        html = "".join(part.html() for part in section)
    finally:
        batas._read.cache_clear()
    assert "rp-map-svg" not in html
    assert "Peta tidak ditampilkan: batas wilayah kecamatan di Kabupaten Pesisir Barat belum tersedia." in html


def test_names_and_links_are_escaped_in_the_map():
    square = {"type": "Polygon", "coordinates": [[[100, 0], [100, 1], [101, 1], [101, 0], [100, 0]]]}
    other = {"type": "Polygon", "coordinates": [[[101, 0], [101, 1], [102, 1], [102, 0], [101, 0]]]}
    svg = choropleth.draw([
        choropleth.Area("99.01", '<script>alert(1)</script> "Desa": 5%', "#123456", "../a/", square),
        choropleth.Area("99.02", "B & C", "#654321", None, other)], "Peta <uji>")
    assert "<script" not in svg and "&lt;script&gt;" in svg
    assert 'href="../a/"' in svg and svg.count("<a ") == 1
    assert 'aria-label="Peta &lt;uji&gt;"' in svg
    assert "vega.github.io" not in svg and "role=\"graphics" not in svg


# ---------------------------------------------------------------- scripts/update_batas.py

def _row(kode: str, nama: str, rings: list) -> str:
    return f"\t('{kode}','{nama}',0,0,'{json.dumps(rings)}')"


def test_update_batas_converts_the_upstream_format(tmp_path, capsys):
    sys.path.insert(0, str(ROOT / "scripts"))
    import update_batas

    src = tmp_path / "src"
    (src / "db" / "kec").mkdir(parents=True)
    (src / "db" / "kel" / "99").mkdir(parents=True)
    (src / "LICENSE").write_text("MIT License (uji)\n")
    (src / "SOURCE-COMMIT").write_text("abc123 uji\n")
    sq = lambda x, y: [[[y, x], [y + 1, x], [y + 1, x + 1], [y, x + 1], [y, x]]]  # noqa: E731  [lat, lng]
    rows = [_row("99.01.01", "Satu", sq(100, 0)), _row("99.01.02", "Ma''u", sq(101, 0)),
            _row("99.02.01", "Pulau", [sq(103, 0), sq(105, 0)]),  # a polygon of two parts (depth 4)
            "\t('99.02.02','Rusak',0,0,'[[[abc]]]')"]
    (src / "db" / "kec" / "wilayah_boundaries_kec_99.sql").write_text(
        "/* header */\nINSERT INTO wilayah_boundaries(kode,nama,lat,lng,path) VALUES\n" + ",\n".join(rows) + ";\n")
    (src / "db" / "kel" / "99" / "wilayah_boundaries_kel_99.01.sql").write_text(
        "INSERT INTO wilayah_boundaries(kode,nama,lat,lng,path) VALUES\n"
        + _row("99.01.01.2001", "Desa A", [[[0, 100], [0.5, 100], [0.5, 100.5], [0, 100.5], [0, 100]]]) + ";\n")
    out = tmp_path / "batas"
    assert update_batas.main(["--sumber", str(src), "--keluar", str(out)]) == 0
    err = capsys.readouterr().err
    assert "1 baris tidak sesuai pola" in err  # the malformed row: reported, skipped
    wilayah = tmp_path  # batas.shapes reads <wilayah>/batas/
    batas._read.cache_clear()
    try:
        kec = batas.shapes(wilayah, "kecamatan", "99.01")
        assert set(kec) == {"99.01.01", "99.01.02"}
        topo = json.loads((out / "kecamatan-99.topojson").read_text())
        names = {g["properties"]["nama"] for g in topo["objects"]["kecamatan"]["geometries"]}
        assert names == {"Satu", "Ma'u", "Pulau"}
        assert batas.shapes(wilayah, "kecamatan", "99.02")["99.02.01"].geometry["type"] == "MultiPolygon"
        assert set(batas.shapes(wilayah, "kabupaten", "")) == {"99.01", "99.02"}  # dissolved from kecamatan
        assert set(batas.shapes(wilayah, "desa", "99.01")) == {"99.01.01.2001"}
    finally:
        batas._read.cache_clear()
    readme = (out / "README.md").read_text()
    assert "abc123" in readme and "cahyadsn/wilayah_boundaries" in readme
    assert (out / "LICENSE").read_text() == "MIT License (uji)\n"
