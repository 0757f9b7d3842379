"""Issue 34 points 6 and 8 on the built sample site, with each renderer: the words a reader sees.

Wording faults are checked as classes over every page's text, not as the instances the issue found: a year
glued to the number after it ("pada 2025.133 rencana", Jinja's trim_blocks eating a line break), a sentence or
a bracket glued to the next word ("tercatat).Selain itu"), a missing target written as missing data ("Target:
tidak ada data"), the poorest deciles together called extreme poverty. Each scanner is shown to catch a
planted fault first, so a scan that passes has looked.

A kabupaten whose latest report is older than the site's month (Pesisir Barat stops at September 2026 in the
sample) shows its own month with a notice, on its page, its kecamatan pages and its province's; the pages above
it name it as behind.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from ranpasti.reference import glossary

_BLOCK = {"p", "div", "td", "th", "li", "h1", "h2", "h3", "h4", "dd", "dt", "tr", "section", "header", "br",
          "caption", "figcaption", "summary", "ul", "ol", "table", "main", "nav", "footer", "details", "dl"}


class _Text(HTMLParser):
    """A page's words as a reader sees them: scripts, styles and SVG left out, a line break at every block."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "svg", "template"):
            self._skip += 1
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "svg", "template"):
            self._skip -= 1
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data.replace("\n", " "))  # a line break in the markup is a space to a reader


def page_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return "\n".join(" ".join(line.split()) for line in "".join(parser.parts).splitlines() if line.strip())


# faults in the text a reader sees
TEXT_FAULTS = {
    "a year glued to the number after it": re.compile(r"(?<![\d.,])(?:19|20)\d\d\.\d"),
    "a sentence or bracket glued to the next word": re.compile(r"(?:[a-z]{2}|\))[.)][A-Z][a-z]"),
    "'tidak ada data' for a target": re.compile(r"\b[Tt]arget:?[^\S\n]{0,2}tidak ada data"),  # on one line
    # P3KE: desil 1 is miskin ekstrem, desil 2 miskin; "ekstrem" said of desil 1–2 without naming desil 1 alone
    "desil 1–2 together called extreme poverty": re.compile(r"[Dd]esil 1[–-]2(?:(?![Dd]esil 1\b)[^.;]){0,60}ekstrem"),
}
# the same in markup: a table's target cell, a chart's target label
HTML_FAULTS = {
    "'tidak ada data' in a target column": re.compile(r'data-label="Target[^"]*">tidak ada data<'),
    "'tidak ada data' as a chart's target": re.compile(r'"target_teks":\s*"tidak ada data"'),
}


def faults(html: str) -> list[tuple[str, str]]:
    """(class, excerpt) for every wording fault in a page."""
    text = page_text(html)
    found = [(name, text[max(0, m.start() - 50):m.end() + 30]) for name, pattern in TEXT_FAULTS.items()
             for m in pattern.finditer(text)]
    found += [(name, html[max(0, m.start() - 80):m.end() + 10]) for name, pattern in HTML_FAULTS.items()
              for m in pattern.finditer(html)]
    return found


def test_the_scan_catches_each_class_and_passes_good_text():
    planted = {
        "a year glued to the number after it": "<p>12 dari 12 pertemuan diadakan pada 2025.133 rencana</p>",
        "a sentence or bracket glued to the next word": "<p>0 belum dimulai (status tercatat).Selain itu, 2</p>",
        "'tidak ada data' for a target": "<p>Target: tidak ada data</p>",
        "desil 1–2 together called extreme poverty": "<p>(desil 1–2, tempat kemiskinan ekstrem dihitung)</p>",
        "'tidak ada data' in a target column": '<td class="k-target" data-label="Target">tidak ada data</td>',
        "'tidak ada data' as a chart's target": '<script>{"target_teks":"tidak ada data"}</script>',
    }
    for name, html in planted.items():
        assert name in {n for n, _ in faults(html)}, name
    good = ("<p>diadakan pada 2025.</p><p>133 rencana tindak lanjut (status tercatat). Selain itu, 1.234,5 keluarga "
            "s.d. Oktober 2026; target 90%, belum ada target; desil 1 adalah keluarga miskin ekstrem, desil 2 "
            "keluarga miskin. Kunjungi kompas.com atau Perpres 72/2021.</p>"
            '<td data-label="Target">belum ada target</td><td data-label="Capaian">tidak ada data</td>')
    assert faults(good) == []


def _pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("index.html") if not p.relative_to(site).parts[0].startswith("pagefind"))


def test_no_page_of_the_site_has_a_wording_fault(site):
    found = []
    pages = _pages(site)
    for path in pages:
        found += [(path.relative_to(site).as_posix(), name, excerpt)
                  for name, excerpt in faults(path.read_text(encoding="utf-8"))]
    assert len(pages) > 150
    assert not found, found[:10]


def _progress_pages(site: Path) -> list[tuple[Path, str]]:
    """(page, its text) for every progress page: those with a reporting month."""
    out = []
    for path in _pages(site):
        text = page_text(path.read_text(encoding="utf-8"))
        if "Bulan laporan: " in text:
            out.append((path, text))
    return out


def test_a_progress_page_never_claims_the_end_of_a_year_it_has_not_reached(site):
    """"(akhir 2026)" stood on an October card: a progress page gives its own month, and the end of a year only
    in December."""
    pages = _progress_pages(site)
    assert len(pages) >= 40
    for path, text in pages:
        month, year = re.search(r"Bulan laporan: (\w+) (\d{4})", text).groups()
        if month != "Desember":
            assert f"akhir {year}" not in text, (path, text[text.index(f"akhir {year}") - 80:][:160])
            assert f"s.d. {month} {year})" in text, path  # the Kampung KB card's own period


CARD = re.compile(r'<section class="rp-card" aria-label="[^"]*">.*?class="rp-value">([^<]*)<.*?'
                  r'class="rp-badge"[^>]*>([^<]*)<', re.S)


def test_a_verdict_counts_the_indicators_without_a_target_aside(site):
    """"mencapai target pada 4 dari 4 indikator" while 4 more cards had no target: every progress page's verdict
    counts the judged cards and names the others."""
    checked = 0
    for path, text in _progress_pages(site):
        html = path.read_text(encoding="utf-8")
        verdict = re.search(r"mencapai target pada (\d+) dari (\d+) indikator yang bertarget, \w+ \d{4}"
                            r"(?:; (\d+) indikator lain belum punya target)?\.", text)
        if not verdict:
            continue
        cards = CARD.findall(html)
        judged = [band for value, band in cards if band not in ("Tidak ada data", "Tidak ada target")]
        untargeted = [band for value, band in cards if band == "Tidak ada target" and value != "tidak ada data"]
        assert int(verdict[1]) == judged.count("Tercapai") and int(verdict[2]) == len(judged), (path, verdict[0])
        assert int(verdict[3] or 0) == len(untargeted), (path, verdict[0], cards)
        checked += 1
    assert checked >= 10


def _text(site: Path, page: str) -> str:
    return page_text((site / page / "index.html").read_text(encoding="utf-8"))


@pytest.mark.parametrize("page", ["kabupaten-pesisir-barat/", "kabupaten-pesisir-barat/ngaras/",
                                  "kabupaten-pesisir-barat/way-krui/"])
def test_a_unit_behind_the_site_shows_its_own_latest_month(site, page):
    """Pesisir Barat's reports stop at September 2026, the others' at October: its pages show September with
    a notice naming October, not a page where every desa reads "tidak melapor"."""
    text = _text(site, page)
    assert "Bulan laporan: September 2026 · tren Januari–September 2026." in text
    assert re.search(r"Data Oktober 2026 (Kabupaten|Kecamatan|Provinsi) [\w ]+ belum masuk; halaman ini menampilkan "
                     r"September 2026, bulan terakhir yang datanya sudah masuk\.", text), text[:1500]
    assert "belum ada laporan pendampingan" not in text
    missing = re.search(r"Desa/kelurahan tanpa laporan September 2026: (tidak ada|(\d+) dari (\d+)\b)", text)
    assert missing, text[text.find("Desa/kelurahan tanpa"):][:300]
    if missing[2]:
        assert int(missing[2]) < int(missing[3]) / 4, missing[0]  # a few desa, not all of them
    assert "Oktober 2026" not in text.replace("Data Oktober 2026", "")  # no figure of a month it has not sent
    said = re.findall(r'data-label="Melapor">([^<]*)<', (site / page / "index.html").read_text(encoding="utf-8"))
    assert said.count("TIDAK MELAPOR") <= len(said) / 4, said  # a kecamatan's desa table: they reported


def test_a_province_all_of_whose_kabupaten_are_behind_shows_their_month(site):
    text = _text(site, "provinsi-lampung/")
    assert "Bulan laporan: September 2026 · tren Januari–September 2026." in text
    assert ("Data Oktober 2026 Provinsi Lampung belum masuk; halaman ini menampilkan September 2026, bulan terakhir "
            "yang datanya sudah masuk.") in text
    assert "belum ada laporan pendampingan" not in text and "Oktober 2026" not in text.replace("Data Oktober", "")


def test_units_up_to_date_and_the_pages_above_say_who_is_behind(site):
    mura = _text(site, "kabupaten-musi-rawas/")
    assert "Bulan laporan: Oktober 2026" in mura and "belum masuk; halaman ini" not in mura
    for page, covered in (("", 2),):
        text = _text(site, page)
        assert "Bulan laporan: Oktober 2026" in text
        assert (f"Data Oktober 2026 belum masuk dari Kabupaten Pesisir Barat (data terakhir September 2026), jadi "
                f"angka Oktober 2026 mencakup {covered} kabupaten/kota.") in text
    text = _text(site, "")
    assert ("Belum ada data Oktober 2026 dari Kabupaten Pesisir Barat (data terakhir September 2026; halamannya "
            "menampilkan bulan itu).") in text  # under the ranking it is absent from
    html = (site / "index.html").read_text(encoding="utf-8")
    area = [a for a in re.findall(r"<a\b[^>]*>", html) if "Kabupaten Pesisir Barat: " in a]
    assert len(area) == 1 and "data Oktober 2026 belum masuk (terakhir September 2026)" in area[0], area
    assert re.search(r'href="kabupaten-pesisir-barat/(index\.html)?"', area[0]), area  # its map area opens its page
    sumsel = _text(site, "provinsi-sumatera-selatan/")
    assert "Bulan laporan: Oktober 2026" in sumsel and "Pesisir Barat" not in sumsel


NEW_TERMS = ("jangkauan-setahun", "rata-rata-bulanan", "aks", "dashat", "rumah-dataku", "bkb", "verval")


def test_the_glossary_explains_the_evaluation_terms_with_their_source(site):
    html = (site / "istilah" / "index.html").read_text(encoding="utf-8")
    entries = dict(re.findall(r'<dt id="([^"]+)">(.*?)</dd>', html, re.S))
    terms = {t.id: t for t in glossary.terms()}
    for term in NEW_TERMS:
        assert term in entries, term
        entry = page_text(entries[term])
        assert terms[term].istilah in entry and "Sumber: " in entry, entry
        assert len(entry.split()) >= 20, entry  # said in words, not a bare expansion
    assert "Dapur Sehat Atasi Stunting" in page_text(entries["dashat"])
    assert "Verifikasi dan validasi" in page_text(entries["verval"])


@pytest.mark.parametrize(("page", "expected"), [
    ("kabupaten-musi-rawas/evaluasi-2025/", {"jangkauan-setahun", "rata-rata-bulanan", "aks"}),
    ("kabupaten-musi-rawas/", {"rumah-dataku", "dashat", "bkb", "aks"}),
])
def test_pages_link_the_terms_where_they_use_them(site, page, expected):
    html = (site / page / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<a class="rp-term" href="([^"#]+)#([^"]+)">([^<]+)</a>', html)
    anchors = [a for _, a, _ in links]
    assert expected <= set(anchors), (page, anchors)
    assert len(anchors) == len(set(anchors)), page  # each term linked once, where the reader first meets it
    for href, _, _ in links:
        assert (site / page / href).resolve() in {(site / "istilah").resolve(),
                                                  (site / "istilah" / "index.html").resolve()}
