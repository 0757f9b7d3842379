"""Published prevalence on the pages (issue 34, points 4 and 7): real SSGI/SKI figures with their sources,
judged against the target of their own year, gaps said in words, and a chart that draws no target as a line.

Sections are called on a cache of the sample data (what a notebook cell calls); one test reads the built
site's chart image.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
import vl_convert
from support import copy_sample_data, refused_cells, section_text, validate_folder

from ranpasti import pages as p
from ranpasti.core.display import Chart, Table
from ranpasti.facts import prevalensi as fp
from ranpasti.ingest.store import ingest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    data = copy_sample_data(tmp_path_factory.mktemp("data"))
    out = tmp_path_factory.mktemp("cache") / "c"
    ingest(data, out)
    return out


def section(cache: Path, kode: str, **kw) -> p.Section:
    return p.prevalence(p.open_context(kode, data_dir="", cache_dir=cache, **kw))


def table(sec, name: str) -> Table:
    found = [x for x in sec if isinstance(x, Table) and x.name == name]
    found += [x.table for x in sec if isinstance(x, Chart) and x.table is not None and x.table.name == name]
    assert found, [getattr(x, "name", type(x).__name__) for x in sec]
    return found[0]


def rows(t: Table, key: str) -> dict[str, dict[str, str]]:
    """The table as a reader sees it: the cell of every column by its header, rows by the ``key`` column."""
    out = {}
    for r in t._rows():
        cells = {c.header: "".join(text for text, _ in cell["parts"]) if cell["parts"] else cell["text"]
                 for c, cell in zip(t.cols, r["cells"], strict=True)}
        out[str(cells[key])] = cells
    return out


def test_a_province_page_shows_its_published_ssgi_2022_figure_with_its_source(cache):
    sec = section(cache, "16")
    year = rows(table(sec, "prevalensi-tahunan"), "Tahun")["2022"]
    assert (year["Survei"], year["Prevalensi"]) == ("SSGI", "18,6%")
    assert year["Sumber angka"].startswith("SSGI 2022, Kemenkes; via ") and "databoks.katadata.co.id" in year[
        "Sumber angka"]
    html = "".join(x.html() for x in sec)
    # the address from the data is the link; the site's name its text
    assert re.search(r'<a href="https://databoks\.katadata\.co\.id/[^"]*daftar-prevalensi-balita-stunting[^"]*" '
                     r'rel="noopener noreferrer nofollow">databoks\.katadata\.co\.id</a>', html)
    # and the national page lists every province with its SSGI 2022 figure
    national = rows(table(section(cache, "ID"), "prevalensi-wilayah"), "Provinsi")
    published = pd.read_csv(ROOT / "data" / "prevalensi.csv", dtype={"kode_wilayah": str})
    ssgi22 = published[(published["tahun"] == 2022) & (published["sumber"] == "SSGI")
                       & (published["kode_wilayah"].str.len() == 2) & (published["kode_wilayah"] != "ID")]
    assert len(national) == 38 and len(ssgi22) == 34
    for kode, value in zip(ssgi22["kode_wilayah"], ssgi22["prevalensi"], strict=True):
        nama = p.open_store("", cache).regions.unit(kode).nama
        assert national[nama]["SSGI 2022"] == f"{value:.1f}%".replace(".", ","), nama
    assert "sebelum pemekaran 2022" in national["Papua"]["Catatan"]  # 2021–2022 Papua is the larger province


def test_a_province_with_no_published_figure_for_a_year_says_so(cache):
    """Bengkulu has SSGI 2021 and 2022 figures but none for SKI 2023 or SSGI 2024: its row shows the gap and its
    own series says "tidak ada angka terbit"; the national page names the provinces SSGI 2024 covers."""
    sec = section(cache, "17")  # Bengkulu: no pendampingan data, yet a published series
    series = rows(table(sec, "prevalensi-tahunan"), "Tahun")
    assert series["2022"]["Prevalensi"] == "19,8%"
    assert (series["2023"]["Prevalensi"], series["2023"]["Penilaian"]) == ("—", "tidak ada angka terbit")
    assert series["2025"]["Penilaian"] == "tidak ada survei"
    national = section(cache, "ID")
    assert rows(table(national, "prevalensi-wilayah"), "Provinsi")["Bengkulu"]["SKI 2023"] == "—"
    gaps = re.search(r"Tidak ada angka terbit untuk [^.]*\.", section_text(national)).group(0)
    assert gaps == ("Tidak ada angka terbit untuk 20 dari 38 provinsi (tanda — di tabel) pada SKI 2023; untuk semua "
                    "provinsi kecuali Sumatera Barat, Sumatera Selatan, Lampung, Bali dan Nusa Tenggara Timur pada "
                    "SSGI 2024.")
    # Papua Selatan did not exist in 2021–2022: not a missing figure (it is in Papua's), said in its row
    assert "belum berdiri" in rows(table(national, "prevalensi-wilayah"), "Provinsi")["Papua Selatan"]["Catatan"]
    kab = section_text(p.prevalence(p.open_context("16.05", kind="evaluasi", tahun=2024, data_dir="",
                                                   cache_dir=cache)))
    assert "Tidak ada angka terbit untuk Kabupaten Musi Rawas pada SSGI 2024." in kab


def test_the_prevalence_verdict_uses_the_target_of_that_year(cache):
    """Sumatera Selatan's SSGI 2024 15,9% is judged against 2024's 14% (not met), never against 2025's 18,8%
    (which it would meet); 2025 has no survey, and says so, with its own target."""
    y2024 = section_text(section(cache, "16", bulan="2024-12"))
    assert y2024.startswith("Prevalensi stunting Provinsi Sumatera Selatan menurut SSGI 2024: 15,9%, target "
                            "nasional 2024 14%: belum tercapai.")
    y2025 = section_text(section(cache, "16", bulan="2025-12"))
    assert y2025.startswith("2025: tidak ada survei prevalensi stunting (SSGI/SKI) tahun ini; target nasional "
                            "2025: 18,8%. Angka survei terakhir yang dinilai: SSGI 2024: 15,9%, target nasional "
                            "2024 14%: belum tercapai.")
    assert "Target berubah pada 2025: 18,8% (RPJMN 2025–2029), lebih tinggi daripada target 2024 (14%" in y2025
    # each year of the series against its own year's target, decided on the figure
    series = rows(table(section(cache, "ID"), "prevalensi-tahunan"), "Tahun")
    assert [(series[y]["Target tahun itu"], series[y]["Penilaian"]) for y in ("2021", "2024", "2025", "2026")] == [
        ("21,1%", "belum tercapai"), ("14%", "belum tercapai"), ("18,8%", "tidak ada survei"),
        ("tidak ada target", "tidak ada survei")]


def test_a_figure_meeting_its_year_target_is_met_and_an_uncertain_copy_is_not_judged():
    prev = pd.DataFrame({"kode_wilayah": ["X", "X", "X", "ID"], "tahun": [2023, 2024, 2025, 2025],
                         "sumber": ["SKI", "SSGI", "SSGI", "SSGI"], "prevalensi": [15.9, 13.0, 18.8, 19.0],
                         "status_angka": ["terbit", "ambigu", "terbit", "terbit"]})
    targets = pd.DataFrame({"indikator": fp.INDICATOR, "kode_wilayah": "ID", "tahun": [2023, 2024, 2025],
                            "target": [16.0, 14.0, 18.8], "arah": "turun", "sumber": ["a", "b", "c"]})
    s = fp.series(prev, targets, "X", 2026).set_index("tahun")
    assert list(s["status"]) == [fp.MET, fp.UNCERTAIN_FIGURE, fp.MET, fp.NO_SURVEY]  # 18,8 on 18,8: met
    assert [c["tahun"] for c in fp.target_changes(s.reset_index())] == [2025]


def test_the_chart_draws_each_years_target_as_its_own_mark(cache):
    sec = section(cache, "16.05")
    chart = next(x for x in sec if isinstance(x, Chart))
    spec = chart.spec()
    marks = {layer["data"]["name"]: layer["mark"]["type"] for layer in spec["layer"] if "data" in layer}
    target_marks = [layer["mark"]["type"] for layer in spec["layer"] if layer["data"]["name"] == "target"]
    assert target_marks == ["tick"] and marks["utama"] in ("line", "point")  # no line through the targets
    drawn = {r["tahun_s"]: r["target"] for r in spec["datasets"]["target"]}
    assert drawn == {"2021": 21.1, "2022": 18.4, "2023": 16.0, "2024": 14.0, "2025": 18.8}
    # SKI 2023 is a series of its own (not joined to SSGI), the uncertain 2021 copy is not drawn
    points = spec["datasets"]["utama"]
    assert {r["seri"] for r in points if r["sumber"] == "SKI"}.isdisjoint(
        {r["seri"] for r in points if r["sumber"] == "SSGI"})
    assert not [r for r in points if r["wilayah"] == "Kabupaten Musi Rawas" and r["tahun_s"] == "2021"]
    assert "Tidak digambar karena angkanya ambigu di sumber: Kabupaten Musi Rawas SSGI 2021" in chart.description
    svg = vl_convert.vegalite_to_svg({**spec, "width": 640})
    # five target marks (short black bars), and no black path: a target line would be one
    assert len(re.findall(r'<path[^>]*fill="#111827"', svg)) == 5, svg.count("#111827")
    assert not re.search(r'<path[^>]*stroke="#111827"[^>]*d="M[^"]*L', svg)


def test_published_figures_carry_no_synthetic_label_and_the_sample_rows_do(cache):
    kec = section(cache, "16.05.01")
    figures = rows(table(kec, "prevalensi"), "Rujukan")
    assert not [k for k in figures if k.startswith(("SSGI", "SKI")) and "sintetis" in k]
    words = section_text(kec)
    eppgbm = re.search(r"Angka e-PPGBM \((.*?)\) adalah", words).group(1).split("; ")
    # the kecamatan's e-PPGBM figures are the sample's own, and say so; Musi Banyuasin's 2022 one is published
    assert all(e.endswith("(data contoh, sintetis)") for e in eppgbm if e.startswith("Kecamatan Tugumulyo"))
    assert len([e for e in eppgbm if e.startswith("Kecamatan Tugumulyo")]) == 4
    muba = section_text(section(cache, "16.06"))
    assert "Kabupaten Musi Banyuasin 2022: 1,58%" in muba and "sintetis" not in muba


def test_a_rujukan_with_another_scheme_is_refused_and_plain_words_stay_text(tmp_path):
    data = copy_sample_data(tmp_path / "data")
    lines, _ = refused_cells(data, "prevalensi", {(0, "rujukan"): "javascript:alert(1)",
                                                  (1, "rujukan"): "https://contoh.id/a | data:text/html,x",
                                                  (2, "rujukan"): "https://contoh .id/spasi"})
    assert all(lines.values()) and all("https://" in line for line in lines.values()), lines


def test_an_old_prevalence_file_without_the_new_columns_stays_valid(tmp_path):
    data = copy_sample_data(tmp_path / "data")
    prev = pd.read_csv(data / "prevalensi.csv", dtype=str, keep_default_na=False)
    prev[["kode_wilayah", "tahun", "sumber", "prevalensi", "keterangan"]].to_csv(data / "prevalensi.csv", index=False)
    code, out = validate_folder(data)
    assert code == 0, out
    cache = tmp_path / "cache"
    ingest(data, cache)
    words = section_text(section(cache, "16", bulan="2024-12"))
    assert "menurut SSGI 2024: 15,9%, target nasional 2024 14%: belum tercapai." in words
    assert "(ambigu)" not in words  # nothing said uncertain that the file did not say


@pytest.mark.browser
def test_the_province_prevalence_reads_on_a_phone(page, server):
    """At 360 px: the sources, the series and the regions' table fit the screen (a long address wraps), the
    chart's image is drawn, and a source is a link to where the figure was read."""
    page.goto(server + "provinsi-sumatera-selatan/")
    img = page.locator('img[src="prevalensi.svg"]')
    img.scroll_into_view_if_needed()
    page.wait_for_function("() => document.querySelector('img[src=\"prevalensi.svg\"]').naturalWidth > 0")
    seen = page.evaluate("""() => {
      const out = [];
      for (const name of ['prevalensi-tahunan', 'prevalensi-wilayah']) {
        const table = document.querySelector(`table[data-table="${name}"]`);
        for (const cell of table.querySelectorAll('tbody td, tbody th')) {
          const box = cell.getBoundingClientRect();
          out.push({name, left: box.left, right: box.right, text: cell.textContent.slice(0, 40)});
        }
      }
      const links = [...document.querySelectorAll('table[data-table="prevalensi-tahunan"] a')].map(a => a.href);
      return {cells: out, links, page: document.documentElement.scrollWidth};
    }""")
    assert seen["cells"] and all(c["left"] >= 0 and c["right"] <= 360 for c in seen["cells"]), [
        c for c in seen["cells"] if c["right"] > 360]
    assert seen["page"] <= 360
    assert seen["links"] and all(link.startswith("https://") for link in seen["links"])
