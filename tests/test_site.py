"""The published sample site, built with each renderer (built-in and the real Quarto), as readers and
evaluators meet it: every test here runs against both sites.

Static checks read the files (URLs, navigation, links, downloads, provenance, no personal data); browser
checks open pages in headless Chromium (Debian's, driven by Playwright) with every non-localhost request
blocked, so charts, search and accessibility are tested offline.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pandas as pd
import pytest

from ranpasti.core import fmt
from ranpasti.core.privacy import SCANNED_SUFFIXES, Found, scan_site
from ranpasti.ingest.store import Store
from ranpasti.reference import indicators as ind
from ranpasti.reference.regions import load_regions
from ranpasti.render.assets import CHART_STAT

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
SAMPLE = ("16.05", "16.06", "18.13")




# the sample runs January 2023 to October 2026: a December evaluation for each complete year, none for 2026
EVALUATION_YEARS = (2023, 2024, 2025)


def expected_pages() -> list[str]:
    regions = load_regions()
    pages = ["", "provinsi-sumatera-selatan/", "provinsi-lampung/"]
    # the nation's and each province's evaluation across their kabupaten/kota, every complete year
    pages += [f"{p}evaluasi-{y}/" for p in pages for y in EVALUATION_YEARS]
    for kab in SAMPLE:
        k = regions.unit(kab).slug
        pages += [f"{k}/", *(f"{k}/evaluasi-{y}/" for y in EVALUATION_YEARS)]
        for kec in regions.children(kab)["slug"]:
            pages += [f"{k}/{kec}/", *(f"{k}/{kec}/evaluasi-{y}/" for y in EVALUATION_YEARS)]
    return pages


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str, str]] = []  # (tag, attr, value)
        self.text: list[str] = []
        self.crumbs: list[str] = []
        self._in_crumbs = 0
        self.tables: dict[str, list[list[str]]] = {}
        self._table: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for name in ("href", "src"):
            if a.get(name):
                self.links.append((tag, name, a[name]))
        if tag == "nav" and "crumbs" in (a.get("class") or ""):
            self._in_crumbs = 1
        if tag == "table" and a.get("data-table"):
            self._table = a["data-table"]
            self.tables[self._table] = []
        if self._table and tag == "tr":
            self._row = []
        if self._row is not None and tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "nav":
            self._in_crumbs = 0
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        if tag == "tr" and self._row is not None and self._table:
            self.tables[self._table].append(self._row)
            self._row = None
        if tag == "table":
            self._table = None

    def handle_data(self, data):
        self.text.append(data)
        if self._in_crumbs and data.strip():
            self.crumbs.append(data.strip())
        if self._cell is not None:
            self._cell.append(data)


@functools.cache
def parse(path: Path) -> Page:
    p = Page()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def test_build_reports_every_page_and_renderer(built):
    report = built["report"]
    assert report.renderer == built["renderer"] and report.published
    assert report.pages == len(expected_pages()) == 184
    assert not report.failures


def test_build_says_what_each_phase_cost(built):
    """The build's last line and its report: CPU seconds per phase, the figure issue 21's targets are in."""
    report = built["report"]
    phases = report.phases
    assert list(phases) == ["ingest", "facts", "params", "execute", "disclosure", "charts", "render", "index",
                            "publish"]
    assert phases["disclosure"]["cpu"] > 0.01, phases  # the audit of what the pages published (issue 32)
    assert all(fig["cpu"] >= 0 and fig["wall"] >= 0 for fig in phases.values())
    # every phase that did work on 184 pages shows it (a phase read as 0 would mean the clock missed it); the
    # second renderer's build reuses the first one's executed notebooks and chart images
    assert phases["execute"]["cpu"] > 1.0 if report.executed else phases["execute"]["cpu"] < 1.0, phases
    assert phases["charts"]["cpu"] == pytest.approx(report.rendering.get(CHART_STAT, 0), abs=0.01)
    if report.executed:  # a first build draws every chart
        assert phases["charts"]["cpu"] > 1.0, phases
    assert phases["index"]["cpu"] > 1.0 and phases["render"]["cpu"] > 0.1, phases
    assert 100 < report.peak_mb < 6000
    last = [line for line in built["log"] if line.startswith("CPU per tahap")]
    assert len(last) == 1 and "per halaman" in last[0] and "charts" in last[0], built["log"][-3:]


def test_executed_notebooks_are_valid_notebooks(built):
    """They are written without nbformat's validation (``jobs.write_notebook``): check them here, as Jupyter,
    nbconvert and Quarto will read them."""
    import nbformat

    opts = built["opts"]
    notebooks = sorted((opts.build_dir / "notebooks").rglob("index.ipynb"))
    assert len(notebooks) >= 184
    for path in notebooks[::7]:
        nbformat.validate(nbformat.read(path, as_version=4))


def test_every_documented_url_exists(site):
    for page in expected_pages():
        assert (site / page / "index.html").exists(), page
    assert (site / "cari" / "index.html").exists()


def test_breadcrumbs_province_kabupaten_kecamatan(site):
    crumbs = parse(site / "kabupaten-musi-rawas" / "tugumulyo" / "evaluasi-2024" / "index.html").crumbs
    assert crumbs == ["Indonesia", "Provinsi Sumatera Selatan", "Kabupaten Musi Rawas", "Kecamatan Tugumulyo",
                      "Evaluasi 2024"]
    for page in expected_pages()[1:]:
        assert parse(site / page / "index.html").crumbs[0] == "Indonesia", page


def test_kabupaten_links_to_all_its_kecamatan_and_its_evaluation(site):
    regions = load_regions()
    page = parse(site / "kabupaten-musi-rawas" / "index.html")
    hrefs = {v for _t, a, v in page.links if a == "href"}
    for slug in regions.children("16.05")["slug"]:
        assert f"{slug}/" in hrefs, slug
    assert "evaluasi-2024/" in hrefs
    kec = parse(site / "kabupaten-musi-rawas" / "tugumulyo" / "index.html")
    assert "evaluasi-2024/" in {v for _t, a, v in kec.links if a == "href"}


def test_no_broken_internal_link_and_no_external_script(site):
    broken, external = [], []
    for html in site.rglob("*.html"):
        if "pagefind" in html.parts:
            continue
        for tag, _attr, value in parse(html).links:
            url = urlsplit(value)
            if url.scheme in ("http", "https"):
                if tag in ("script", "link", "img"):
                    external.append((html, value))
                continue
            if url.scheme or value.startswith("#"):
                continue
            target = (html.parent / unquote(url.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append((str(html.relative_to(site)), value))
    assert not external, external[:5]
    assert not broken, broken[:10]


def _number(text: str) -> float | str | None:
    text = text.strip()
    if text in ("", "—", "tidak ada data", "belum ada target"):  # ("—": a survey year with no published figure)
        return None
    m = re.fullmatch(r"[-+]?[\d.]+(,\d+)?%?", text)  # a change says its sign: "+5,9"
    if not m:
        return text
    return float(text.rstrip("%").replace(".", "").replace(",", "."))


def test_csv_downloads_match_the_tables_shown(site):
    checked = 0
    for page in ("kabupaten-musi-rawas/", "kabupaten-musi-rawas/tugumulyo/", "kabupaten-pesisir-barat/evaluasi-2024/"):
        parsed = parse(site / page / "index.html")
        html = (site / page / "index.html").read_text(encoding="utf-8")
        for name, rows in parsed.tables.items():
            csv_path = site / page / f"{name}.csv"
            assert csv_path.exists() and (site / page / f"{name}.xlsx").exists(), (page, name)
            data = list(csv.reader(io.StringIO(csv_path.read_text(encoding="utf-8-sig"))))
            assert data[0] == rows[0], (page, name)
            assert len(data) == len(rows)
            for shown, downloaded in zip(rows[1:], data[1:], strict=True):
                for s, d in zip(shown, downloaded, strict=True):
                    sv = _number(s)
                    if isinstance(sv, str) and " (" in s:  # coloured cell: "72,6% (Tercapai)" for screen readers
                        head = _number(s.split(" (")[0])
                        sv = head if isinstance(head, float) else sv
                    if re.fullmatch(r"\[\d+\]", s):  # a reference to the note: the download has its text
                        assert f"{s} {d}." in html, (page, name, s, d)
                        continue
                    if "://" in d:  # a source cell: the page links each address under its host's name
                        d = re.sub(r"https?://([^/\s|]+)[^\s|]*", r"\1", d)
                    dv = None if d == "" else (float(d) if re.fullmatch(r"-?\d+(\.\d+)?", d) else d)
                    if isinstance(sv, float) and isinstance(dv, float):
                        assert sv == pytest.approx(dv, abs=0.051), (page, name, s, d)
                    else:
                        assert sv == dv, (page, name, s, d)
            checked += 1
    assert checked >= 10


def test_every_page_offers_its_notebook_and_provenance(site, built):
    store = Store(built["cache"], load_regions())
    sources = store.manifest["sources"]
    assert {s["file"] for s in sources.values()} >= {"pendampingan.csv", "lokmin.csv", "target.csv"}
    for page in expected_pages():
        html = (site / page / "index.html").read_text(encoding="utf-8")
        assert (site / page / "notebook.ipynb").exists()
        assert 'href="notebook.ipynb"' in html
        for s in sources.values():
            assert s["file"] in html and s["sha256"][:16] in html, (page, s["file"])
        assert "Dibangun" in html and "ranpasti" in html
        assert "Data contoh (sintetis)" in html, page


def test_no_personal_data_shaped_like_nik(site):
    # NIK/KK-shaped numbers and mobile numbers standing alone: not a run of digits inside a SHA-256 (the page
    # manifest and footers are full of them) or the fraction of a coordinate such as 1.3999999999999915
    assert list(scan_site(site)) == []
    assert sum(1 for f in site.rglob("*") if f.suffix in SCANNED_SUFFIXES) > 3 * len(expected_pages())


def test_site_scan_finds_a_planted_nik(tmp_path):
    (tmp_path / "a" / "pagefind").mkdir(parents=True)
    (tmp_path / "a" / "index.html").write_text('<p title="3b38c2113c35066410653333">ok 1,6050112038700021</p>')
    (tmp_path / "a" / "pagefind" / "x.json").write_text("1605011203870002")  # Pagefind's index is skipped
    assert list(scan_site(tmp_path)) == []
    (tmp_path / "a" / "tabel-1.csv").write_text("desa,catatan\nSukamaju,NIK 1605011203870002\n")
    assert list(scan_site(tmp_path)) == [(tmp_path / "a" / "tabel-1.csv", Found("nik", "1605011203870002"))]


# ---------------------------------------------------------------- in the browser


OVERVIEW = re.compile(r"(?:provinsi-[^/]+/)?evaluasi-\d{4}/")  # the evaluation of the nation or a province

PAGES = ["", "kabupaten-musi-rawas/", "kabupaten-musi-rawas/tugumulyo/", "kabupaten-musi-rawas/evaluasi-2024/",
         "kabupaten-pesisir-barat/way-krui/evaluasi-2024/"]


@pytest.mark.browser
@pytest.mark.parametrize("path", PAGES)
def test_every_chart_reads_without_javascript(browser, server, path):
    """A reader with JavaScript off (or not yet loaded) sees every chart: a static SVG image, sized before it
    arrives (no layout shift), with the chart's description as its text alternative; no Vega is fetched."""
    context = browser.new_context(viewport={"width": 360, "height": 800}, java_script_enabled=False)
    requested: list[str] = []
    context.on("request", lambda r: requested.append(r.url))
    pg = context.new_page()
    pg.goto(server + path)
    images = pg.locator("figure.rp-chart img.rp-static")
    count = pg.locator("figure.rp-chart").count()
    assert count >= 1 and images.count() == count
    for i in range(count):
        img = images.nth(i)
        img.scroll_into_view_if_needed()
        pg.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img.element_handle(), timeout=10000)
        assert img.get_attribute("width") and img.get_attribute("height"), "no size: the page would jump"
        assert len(img.get_attribute("alt")) > 20
        box = img.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360, box  # inside the phone's screen
    assert not [u for u in requested if "vega" in u], requested
    context.close()


def test_glossary_page_explains_the_terms_and_pages_link_to_it(site):
    glossary = (site / "istilah" / "index.html").read_text(encoding="utf-8")
    anchors = set(re.findall(r'<dt id="([^"]+)"', glossary))
    assert {"krs", "catin", "tpk", "baduta", "4t", "kek", "pmt", "desil", "lokmin", "kampung-kb"} <= anchors
    assert {f"indikator-{k}" for k in ind.INDICATORS} <= anchors  # the indicators' explanations too
    for page in ("kabupaten-musi-rawas/", "kabupaten-musi-rawas/tugumulyo/", ""):
        html = (site / page / "index.html").read_text(encoding="utf-8")
        links = re.findall(r'<a class="rp-term" href="([^"#]+)#([^"]+)">', html)
        assert ("krs" in {a for _, a in links}), page  # "KRS" in the first card links to its meaning
        assert len(links) == len({a for _, a in links}), page  # each term linked once, where first met
        for href, anchor in links:
            assert (site / page / href / "index.html").resolve() == (site / "istilah" / "index.html").resolve()
            assert anchor in anchors, (page, anchor)
        assert 'href="' + ("../" * page.count("/")) + 'istilah/index.html"' in html  # in the site's menu


@pytest.mark.browser
def test_interactive_chart_only_when_asked(page, server):
    """Vega (~830 KB) is fetched only when a reader presses "Grafik interaktif"; it then draws in place of the
    image and keeps the Indonesian description (not "Vega visualization")."""
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(server + "kabupaten-musi-rawas/")
    page.wait_for_load_state("load")
    assert not [u for u in requested if "vega" in u], requested
    fig = page.locator("figure.rp-chart").first
    alt = fig.locator("img.rp-static").get_attribute("alt")
    fig.locator("button.rp-interactive").click()
    fig.locator(".rp-vega svg").wait_for(timeout=15000)
    assert [u for u in requested if u.endswith("vega-embed.min.js")]
    assert fig.locator("img.rp-static").is_hidden()
    assert fig.locator(".rp-vega").get_attribute("aria-label") == alt
    assert fig.locator(".rp-vega [aria-label='Vega visualization']").count() == 0
    assert not page.js_errors
    assert not page.blocked, page.blocked  # nothing tried to reach a CDN


@pytest.mark.browser
def test_pagefind_finds_a_kecamatan(page, server):
    page.goto(server + "cari/")
    urls = page.evaluate("""async () => {
        const pf = await import('../pagefind/pagefind.js');
        for (const shard of window.RP_PENCARIAN) { await pf.mergeIndex('../' + shard); }
        const r = await pf.search('Tugumulyo');
        return Promise.all(r.results.slice(0, 5).map(async x => (await x.data()).url));
    }""")
    assert any(u.rstrip("/").endswith("kabupaten-musi-rawas/tugumulyo") or
               u.endswith("kabupaten-musi-rawas/tugumulyo/index.html") for u in urls), urls
    page.fill("#search input", "Tugumulyo")
    page.wait_for_selector(".pagefind-ui__result-link", timeout=10000)
    links = page.eval_on_selector_all(".pagefind-ui__result-link", "els => els.map(e => e.href)")
    assert any("kabupaten-musi-rawas/tugumulyo" in u for u in links), links
    # a kecamatan of the other province: its index (another shard) is merged into the same search
    page.fill("#search input", "Ngambur")
    page.wait_for_function("""() => [...document.querySelectorAll('.pagefind-ui__result-link')]
                               .some(a => a.href.includes('kabupaten-pesisir-barat/ngambur'))""", timeout=10000)


@pytest.mark.browser
def test_jump_box_goes_to_a_region(page, server):
    page.goto(server)
    page.fill("#rp-jump-input", "Kecamatan Tugumulyo")
    page.click("#rp-jump button")
    page.wait_for_url("**/kabupaten-musi-rawas/tugumulyo/", timeout=10000)


@pytest.mark.browser
def test_csv_download_matches_table_in_browser(page, server):
    page.goto(server + "kabupaten-musi-rawas/")
    shown = page.evaluate("""() => Array.from(
        document.querySelectorAll('table[data-table="perbandingan-kecamatan"] tr'))
        .map(tr => Array.from(tr.children).map(td => td.innerText.trim()))""")
    with page.expect_download() as info:
        page.click('#tabel-perbandingan-kecamatan a[href$=".csv"]')
    data = list(csv.reader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8-sig"))))
    assert data[0] == shown[0]
    assert [r[0] for r in data[1:]] == [r[0] for r in shown[1:]]
    for s, d in zip(shown[1:], data[1:], strict=True):
        assert _number(s[1]) == pytest.approx(float(d[1]), abs=0.051)


AXE = ROOT / "tests" / "vendor" / "axe.min.js"


@pytest.mark.browser
@pytest.mark.parametrize("path", PAGES[:4])
def test_no_serious_accessibility_violations(browser, server, path):
    """axe-core is the test's tool, injected into the page: the page's Content-Security-Policy (which allows
    no inline script) is bypassed for it alone, as a browser extension would be."""
    context = browser.new_context(viewport={"width": 360, "height": 800}, bypass_csp=True)
    page = context.new_page()
    page.goto(server + path)
    page.wait_for_timeout(500)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => await axe.run(document,
        {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})""")
    context.close()
    bad = [(v["id"], v["impact"], len(v["nodes"]), v["nodes"][0]["target"]) for v in result["violations"]
           if v["impact"] in ("serious", "critical")]
    assert not bad, bad


def _evaluation_rows(site: Path, page: str) -> dict[str, dict[str, str]]:
    rows = parse(site / page / "index.html").tables["evaluasi-indikator"]
    return {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}


def test_every_complete_year_has_an_evaluation_showing_the_change_from_the_year_before(site):
    """Issue 16: an evaluation for 2023, 2024 and 2025 (complete years), none for 2026 (data to October).
    Last year's column reads exactly as last year's page, and change = this year − last year as shown."""
    assert not list(site.rglob("evaluasi-2026"))
    for page in [p for p in expected_pages() if "/evaluasi-" in p and not OVERVIEW.fullmatch(p)]:
        year = int(page.rstrip("/").rsplit("-", 1)[1])
        rows = _evaluation_rows(site, page)
        html = (site / page / "index.html").read_text(encoding="utf-8")
        if year == EVALUATION_YEARS[0]:
            assert f"Belum ada data {year - 1} untuk dibandingkan" in html, page
            continue
        before = _evaluation_rows(site, page.replace(f"evaluasi-{year}", f"evaluasi-{year - 1}"))
        assert f"Dibanding {year - 1}, capaian membaik pada" in html, page
        for label, r in rows.items():
            now, last = _number(r[f"Capaian Jan–Des {year}"]), _number(r[f"Capaian {year - 1}"])
            assert last == _number(before[label][f"Capaian Jan–Des {year - 1}"]), (page, label)
            change = _number(r[f"Perubahan dari {year - 1} (poin)"])
            assert change == pytest.approx(now - last, abs=1e-9), (page, label, now, last, change)


def test_a_kabupaten_evaluation_stands_beside_its_province_and_the_country(site):
    """The province and national columns are Σ didampingi ÷ Σ sasaran over the year's rows of the kabupaten
    that sent data (computed here from pendampingan.csv), and the note says how many there are. Issue 33: one
    annual figure per indicator per page: the unit's column is its indicator table's figure, on that basis; on
    an indicator whose figure is reach, the province and the country (monthly average only) are not set beside
    it but say why."""
    pend = pd.read_csv(ROOT / "data" / "pendampingan.csv", dtype={"kode_desa": str, "bulan": str})
    for y in (2024, 2025):
        year = pend[pend["bulan"].str.startswith(f"{y}-")]
        page = f"kabupaten-musi-rawas/evaluasi-{y}/"
        table = parse(site / page / "index.html").tables["perbandingan-wilayah"]
        assert table[0] == ["Indikator", "Dasar", "Kabupaten Musi Rawas", "Provinsi Sumatera Selatan", "Indonesia"]
        own = _evaluation_rows(site, page)
        for row in table[1:]:
            assert row[1] == own[row[0]]["Dasar"], (page, row)
            assert row[2] == own[row[0]][f"Capaian Jan–Des {y}"], (page, row)  # one figure per indicator
            i = next(i for i in ind.PENDAMPINGAN_INDICATORS if i.label == row[0])
            for prefix, cell in zip(("16.", ""), row[3:], strict=True):
                rows = year[year["kode_desa"].str.startswith(prefix)]
                if row[1] == ind.BASIS_REACH:
                    assert cell == f"tidak sebanding ({ind.BASIS_AVERAGE})", (page, row)
                elif i.key == "krs_didampingi":
                    target = 90.0 if y == 2024 else None  # national target in 2024, none for the regions after
                    value = rows["krs_didampingi"].sum() / rows["krs_sasaran"].sum() * 100
                    assert cell == fmt.percent(value, target=target), (page, row)
    mura = parse(site / "kabupaten-musi-rawas" / "evaluasi-2025" / "index.html").tables["perbandingan-wilayah"]
    krs = next(r for r in mura if r[0] == "KRS didampingi")
    assert krs[1:3] == [ind.BASIS_REACH, "96,4%"]  # it read 76,2 % (monthly average) beside the table's 96,4 %
    html = (site / "kabupaten-musi-rawas" / "evaluasi-2024" / "index.html").read_text(encoding="utf-8")
    assert "Provinsi Sumatera Selatan: dari 2 kabupaten/kota yang mengirim data 2024" in html
    assert "Indonesia: dari 3 kabupaten/kota" in html
    kec = parse(site / "kabupaten-musi-rawas" / "tugumulyo" / "evaluasi-2024" / "index.html").tables
    assert kec["perbandingan-wilayah"][0] == ["Indikator", "Dasar", "Kecamatan Tugumulyo", "Kabupaten Musi Rawas"]


def test_targets_after_2024_are_the_regions_own_or_none(site):
    """RAN PASTI's national pendampingan targets end in 2024: in 2025 Musi Rawas is judged on its own (sample)
    target, Musi Banyuasin on its province's, and Pesisir Barat (no regional target) is not judged at all."""
    mura = _evaluation_rows(site, "kabupaten-musi-rawas/evaluasi-2025/")["KRS didampingi"]
    mura_html = (site / "kabupaten-musi-rawas" / "evaluasi-2025" / "index.html").read_text(encoding="utf-8")
    assert mura["Target"] == "80%" and f"{mura['Sumber target']} Contoh target kabupaten" in mura_html
    muba = _evaluation_rows(site, "kabupaten-musi-banyuasin/evaluasi-2025/")["KRS didampingi"]
    muba_html = (site / "kabupaten-musi-banyuasin" / "evaluasi-2025" / "index.html").read_text(encoding="utf-8")
    assert muba["Target"] == "85%" and f"{muba['Sumber target']} Contoh target provinsi" in muba_html
    pesibar = _evaluation_rows(site, "kabupaten-pesisir-barat/evaluasi-2025/")
    assert {r["Status"] for r in pesibar.values()} == {"Tidak ada target"}
    html = (site / "kabupaten-pesisir-barat" / "evaluasi-2025" / "index.html").read_text(encoding="utf-8")
    assert "Belum ada target indikator pendampingan untuk Kabupaten Pesisir Barat tahun 2025" in html
    assert "mencapai target pada 0 dari 0" not in html
    assert "2025: 18,8%)" in html  # prevalence: the RPJMN 2025–2029 target for 2025, drawn with the surveys


@pytest.mark.browser
@pytest.mark.parametrize("path", ["kabupaten-musi-rawas/", "kabupaten-musi-rawas/tugumulyo/",
                                  "kabupaten-musi-rawas/evaluasi-2024/"])
def test_no_table_hides_its_status_column_on_a_phone(page, server, path):
    """Issue 18: at 360 px the evaluation table showed 2 of 9 columns and the desa table 1 of 11 ("B. Srikaton |
    ya"). Rows are stacked as cards on a phone: every status cell is inside the screen, under its column name,
    and nothing is clipped sideways."""
    page.goto(server + path)
    checked = page.evaluate("""() => {
      const out = [];
      for (const table of document.querySelectorAll('table.rp-table')) {
        const heads = [...table.querySelectorAll('thead th')].map(th => th.textContent.trim());
        const at = heads.indexOf('Status');
        if (at < 1) continue;
        for (const tr of [...table.querySelectorAll('tbody tr')].slice(0, 20)) {
          const cell = tr.children[at];
          const box = cell.getBoundingClientRect();
          const label = getComputedStyle(cell, '::before').content;
          out.push({table: table.dataset.table, left: box.left, right: box.right, width: box.width, label});
        }
      }
      return {cells: out, page: document.documentElement.scrollWidth};
    }""")
    cells = checked["cells"]
    assert cells, f"no table with a Status column on {path}"
    for c in cells:
        assert c["width"] > 0 and c["left"] >= 0 and c["right"] <= 360, c
        assert "Status" in c["label"], c  # the column's name shown beside the value
    assert checked["page"] <= 360  # the page itself never scrolls sideways


# The tables that replaced bar charts (issue 33): page → table → (column with the bar, the columns stacked in
# it, the value of a full bar: None is the table's longest bar)
BAR_TABLES = {
    "kabupaten-musi-rawas/": {"krs-faktor": ("% dari KRS", None, 100.0),
                              "krs-kesejahteraan": ("% dari KRS", None, 100.0),
                              "perbandingan-kecamatan": ("KRS didampingi", None, 100.0)},
    "kabupaten-musi-rawas/tugumulyo/": {"krs-faktor": ("% dari KRS", None, 100.0)},
    "": {"perbandingan-kabupaten": ("KRS didampingi", None, 100.0)},
    "kabupaten-musi-rawas/evaluasi-2024/": {
        "semester": ("Semester 1 (Jan–Jun)", None, 100.0),
        "lokmin-status": ("Jumlah", ("Selesai", "Berjalan", "Belum dimulai"), None)},
}
BAR_CELL = re.compile(r'<td class="[^"]*rp-barcell" role="cell" data-label="([^"]+)">(.*?)</td>', re.S)


def _bar_rows(html: str, table: str) -> list[dict]:
    """Each row of a table: its cells' texts by column name, and its bars' segment widths (%) by column."""
    body = html[html.index(f'data-table="{table}"'):]
    body = body[:body.index("</table>")]
    rows = []
    for tr in re.findall(r'<tr role="row"[^>]*>(.*?)</tr>', body.split("<tbody>", 1)[1], re.S):
        texts = {label: re.sub(r"<[^>]+>", "", cell).strip()
                 for label, cell in re.findall(r'data-label="([^"]+)">(.*?)</td>', tr, re.S)}
        bars = {}
        for label, cell in BAR_CELL.findall(tr):
            assert '<span class="rp-bar" aria-hidden="true">' in cell, cell  # decoration: not read out
            bars[label] = [float(w) for w in re.findall(r'<span style="width:([\d.]+)%', cell)]
        rows.append({"texts": texts, "bars": bars})
    return rows


@pytest.mark.parametrize("page", list(BAR_TABLES))
def test_bar_tables_print_their_numbers_and_draw_bars_sized_by_them(site, page):
    """Issue 33: the KRS factors and deciles, the semesters, the Lokmin status per month and the ranking of
    the children are tables whose number is the cell's text and whose bar is as long as that number (a share
    of 100 %, or of the longest bar of the table); a cell without a figure has no bar."""
    html = (site / page / "index.html").read_text(encoding="utf-8")
    for table, (column, stacked, full) in BAR_TABLES[page].items():
        rows = _bar_rows(html, table)
        assert rows, (page, table)
        totals = [_number(r["texts"][column]) for r in rows]
        largest = full or max(t for t in totals if isinstance(t, float))
        drawn = 0
        for row, total in zip(rows, totals, strict=True):
            if not isinstance(total, float):
                assert column not in row["bars"], (page, table, row)
                continue
            parts = [_number(row["texts"][c]) for c in stacked] if stacked else [total]
            expected = [round(min(100.0, 100 * v / largest), 1) for v in parts if v]
            assert row["bars"][column] == pytest.approx(expected, abs=0.051), (page, table, row)
            drawn += 1
        assert drawn >= 2, (page, table)
        if stacked:  # the legend names the parts of the stacked bars
            legend = html[html.index(f'data-table="{table}"'):].split("</table>", 1)[1][:600]
            assert all(name in legend for name in stacked), legend


def test_each_page_kind_has_at_most_two_charts_and_its_map(site):
    """Issue 33: a page kind carries at most two Vega charts plus its map: the monthly trend and the
    prevalence on a progress page, the prevalence on an evaluation (charts.py says why)."""
    for page in expected_pages():
        html = (site / page / "index.html").read_text(encoding="utf-8")
        charts = re.findall(r'<figure class="rp-chart" id="grafik-([a-z-]+)"', html)
        # the nation's and provinces' evaluations rank kabupaten in tables with bars: no chart
        evaluation = ["prevalensi"] if "/evaluasi-" in page else ["tren", "prevalensi"]
        expected = [] if OVERVIEW.fullmatch(page) else evaluation
        assert charts == expected, (page, charts)
        assert html.count('class="rp-map"') == 1, page


def test_vega_fits_no_text(site):
    """Every spec leaves text as it is given (labels are fitted before, charts.fit): no limit Vega would
    measure text against, and nothing cut in the images."""
    import json

    def limits(node, path=""):
        if isinstance(node, dict):
            for k, v in node.items():
                if k.lower().endswith("limit") and not isinstance(v, dict):
                    yield f"{path}.{k}", v
                yield from limits(v, f"{path}.{k}")
        elif isinstance(node, list):
            for n, v in enumerate(node):
                yield from limits(v, f"{path}[{n}]")

    for page in ("", "kabupaten-musi-rawas/", "kabupaten-musi-rawas/tugumulyo/evaluasi-2025/"):
        html = (site / page / "index.html").read_text(encoding="utf-8")
        specs = [json.loads(m) for m in re.findall(r'class="rp-spec">(.*?)</script>', html, re.S)]
        assert specs, page
        for spec in specs:
            found = dict(limits(spec))
            assert found and set(found.values()) == {0}, (page, found)
            for part in ("axis", "legend", "header"):
                assert spec["config"][part]["labelLimit"] == 0, (page, part)
    for svg in site.rglob("*.svg"):
        if svg.name != "peta.svg" and "assets" not in svg.parts:
            assert "…</text>" not in svg.read_text(encoding="utf-8"), svg


@pytest.mark.browser
@pytest.mark.parametrize("path", ["kabupaten-musi-rawas/", "kabupaten-musi-rawas/evaluasi-2024/"])
def test_bars_fit_a_phone_under_their_numbers(page, server, path):
    """At 360 px every bar is inside the screen, across its card under its number, and as long as its
    width says; the screen reader hears the number alone."""
    page.goto(server + path)
    bars = page.evaluate("""() => [...document.querySelectorAll('td.rp-barcell')].map(td => {
      const bar = td.querySelector('.rp-bar'), box = bar.getBoundingClientRect();
      const range = document.createRange(); range.selectNodeContents(td.firstChild);
      const number = range.getBoundingClientRect();
      return {left: box.left, right: box.right, top: box.top, width: box.width, numberBottom: number.bottom,
              hidden: bar.getAttribute('aria-hidden'), text: td.innerText.trim(),
              parts: [...bar.children].filter(s => !s.classList.contains('rp-bar-mark'))
                       .map(s => [s.getBoundingClientRect().width, parseFloat(s.style.width)])};
    })""")
    assert len(bars) >= 10, path
    for b in bars:
        assert b["left"] >= 0 and b["right"] <= 360 and b["width"] > 200, b  # across the card
        assert b["top"] >= b["numberBottom"] - 1, b  # under the number
        assert b["hidden"] == "true" and re.fullmatch(r"[\d.,]+%?", b["text"]), b
        for drawn, said in b["parts"]:
            assert drawn == pytest.approx(b["width"] * said / 100, abs=1.5), b
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


@pytest.mark.browser
def test_every_scrolling_table_region_is_focusable_and_labelled(page, server):
    page.goto(server + "kabupaten-musi-rawas/evaluasi-2024/")
    regions = page.evaluate("""() => [...document.querySelectorAll('.rp-table-wrap')].map(w => ({
        tab: w.getAttribute('tabindex'), label: w.getAttribute('aria-label') || '', role: w.getAttribute('role')}))""")
    assert len(regions) >= 5
    assert all(r["tab"] == "0" and r["role"] == "region" and r["label"].strip() for r in regions), regions


@pytest.mark.browser
@pytest.mark.parametrize("path", ["", "kabupaten-musi-rawas/", "kabupaten-musi-rawas/tugumulyo/",
                                  "kabupaten-musi-rawas/evaluasi-2024/"])
def test_map_fits_a_phone_and_its_areas_are_reached_by_keyboard(page, server, path):
    """Issue 19: the map is on the phone's screen whole, with JavaScript or without, and a keyboard user
    tabs through its areas (each a link named with its figure) to open a kecamatan's page."""
    page.goto(server + path)
    box = page.locator("svg.rp-map-svg").bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 360 and box["height"] > 100, box
    links = page.locator("svg.rp-map-svg a")
    if path.endswith("tugumulyo/"):  # desa have no pages: named shapes, no links
        assert links.count() == 0 and page.locator("svg.rp-map-svg path title").count() > 10
        return
    assert links.count() >= 3
    for _ in range(120):  # Tab from the top of the page until the focus is on the map
        page.keyboard.press("Tab")
        name = page.evaluate("() => document.activeElement.closest('svg.rp-map-svg') && "
                             "document.activeElement.getAttribute('aria-label')")
        if name:
            break
    assert name and re.search(r": ([\d.,]+%, |tidak ada data)", name), name
    href = page.evaluate("() => document.activeElement.getAttribute('href')")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlsplit(page.url).path == urlsplit(urljoin(server + path, href)).path, (page.url, href)
