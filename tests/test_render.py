"""The built-in renderer and the renderer-independent site steps, on the sample site built once per session.

Checks the files a reader gets for every page of the URL scheme: the page itself (language, title, skip
link, breadcrumbs, links to the units below and to the evaluation), the downloads (CSV and Excel equal to the
notebook's table bundles, SVG fallbacks, the executed notebook), the provenance footer, the sample-data
banner, the vendored scripts (no CDN), the region list and the Pagefind index; plus the download writers and
``ranpasti serve`` on their own, and the per-page render time.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import shutil
import time
import urllib.error
import urllib.request
import zipfile
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from ranpasti.core.display import MIME_CHART, MIME_TABLE, MIME_VEGALITE
from ranpasti.ingest.store import Store
from ranpasti.pages import charts
from ranpasti.plan.params import load_pages
from ranpasti.plan.sitemap import build_sitemap
from ranpasti.reference.regions import load_regions
from ranpasti.reference.urls import page_dir, relative
from ranpasti.render import RENDERERS, RenderContext
from ranpasti.render.assets import (
    SiteInfo,
    build_path_leak,
    build_paths,
    outputs,
    publishable_notebook,
    read_notebook,
    table_csv,
    table_xlsx,
)
from ranpasti.render.builtin import render_page

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_KABUPATEN = ("16.05", "16.06", "18.13")


@pytest.fixture(scope="session")
def sample(sample_sites) -> dict:
    """The session's sample site built with the built-in renderer (conftest), and what its pages were built
    from. Tests here render into their own folders and never change that site."""
    built = sample_sites("builtin")
    opts = built["opts"]
    regions = load_regions()
    store = Store(opts.cache_dir, regions)
    specs = load_pages(opts.params_dir, store)
    executed = {s.page: opts.build_dir / "notebooks" / s.page / "index.ipynb" for s in specs}
    records = build_sitemap(specs, regions, executed)
    return {"site": opts.out, "opts": opts, "report": built["report"], "store": store, "records": records,
            "regions": regions}


@pytest.fixture(scope="session")
def site(sample) -> Path:
    return sample["site"]


class Parsed(HTMLParser):
    """The parts of a page the tests look at."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.sources: list[tuple[str, str]] = []  # (tag, src/href) of scripts, styles, images
        self.hrefs: list[str] = []
        self.crumbs: list[tuple[str, str]] = []  # (label, href)
        self.h1 = 0
        self.lang = None
        self.title = ""
        self.meta_description = None
        self.pagefind_body = 0
        self._nav = None
        self._a = None
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "title":
            self._in_title = True
        if tag == "meta" and a.get("name") == "description":
            self.meta_description = a.get("content")
        if tag == "h1":
            self.h1 += 1
        if "data-pagefind-body" in a:
            self.pagefind_body += 1
        if tag == "script" and a.get("src"):
            self.sources.append((tag, a["src"]))
        if tag in ("link", "img", "iframe", "source") and (a.get("href") or a.get("src")):
            self.sources.append((tag, a.get("href") or a.get("src")))
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"])
        if tag == "nav":
            self._nav = a.get("class") or ""
        if tag == "a" and self._nav and "crumbs" in self._nav:
            self._a = [a.get("href"), ""]

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        if tag == "nav":
            self._nav = None
        if tag == "a" and self._a is not None:
            self.crumbs.append((self._a[1].strip(), self._a[0]))
            self._a = None

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        if self._a is not None:
            self._a[1] += data


def parse(path: Path) -> Parsed:
    p = Parsed()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def expected_pages(regions) -> list[str]:
    """Every page of the documented URL scheme for the sample data (urls.py)."""
    pages = {page_dir(regions, "ID")}
    for kab in SAMPLE_KABUPATEN:
        for unit in (kab, *regions.children(kab).index):  # December evaluations of the complete years 2023–2025
            pages |= {page_dir(regions, unit), *(page_dir(regions, unit, "evaluasi", y) for y in (2023, 2024, 2025))}
        pages.add(page_dir(regions, kab[:2]))
    for unit in ("ID", *{kab[:2] for kab in SAMPLE_KABUPATEN}):  # the nation's and provinces' evaluations
        pages |= {page_dir(regions, unit, "evaluasi", y) for y in (2023, 2024, 2025)}
    return sorted(pages)


def test_every_page_of_the_url_scheme_is_a_complete_html_page(sample, site):
    pages = expected_pages(sample["regions"])
    assert len(pages) == 184 and sorted(r.page for r in sample["records"]) == pages
    titles = {r.page: r.title for r in sample["records"]}
    for page in pages:
        html = (site / page / "index.html").read_text(encoding="utf-8")
        p = parse(site / page / "index.html")
        assert p.lang == "id", page
        assert p.title.startswith(titles[page]), (page, p.title)
        assert p.meta_description, page
        assert p.h1 == 1, (page, p.h1)  # one heading 1: the notebook's own
        assert p.pagefind_body == 1, page
        assert 'href="#isi"' in html and 'id="isi"' in html, page  # skip link and its target
        assert 'role="search"' in html, page  # the search box in the header
        # nothing of the notebook's machinery: no code, prompts, tracebacks, anchors, MathJax
        for leftover in ("input_area", "jp-InputArea", "Traceback", "anchor-link", "MathJax", "prompt"):
            assert leftover not in html, (page, leftover)


def test_navigation_matches_the_sitemap(sample, site):
    for r in sample["records"]:
        p = parse(site / r.page / "index.html")
        assert [c[0] for c in p.crumbs] == [c.label for c in r.breadcrumbs], r.page
        assert [c[1] for c in p.crumbs[:-1]] == [relative(r.page, c.page) for c in r.breadcrumbs[:-1]], r.page
        for link in [*r.children, *r.related]:
            assert relative(r.page, link.page) in p.hrefs, (r.page, link.page)


def test_kabupaten_links_to_every_kecamatan_and_its_evaluation(sample, site):
    regions = sample["regions"]
    for kab in SAMPLE_KABUPATEN:
        folder = page_dir(regions, kab)
        hrefs = parse(site / folder / "index.html").hrefs
        for kec in regions.children(kab).index:
            assert relative(folder, page_dir(regions, kec)) in hrefs, (kab, kec)
        assert "evaluasi-2024/" in hrefs
        # and every progress page links to its evaluation, which links back
        for kec in regions.children(kab).index:
            kec_page = page_dir(regions, kec)
            assert "evaluasi-2024/" in parse(site / kec_page / "index.html").hrefs
            assert "../" in parse(site / kec_page / "evaluasi-2024" / "index.html").hrefs


def test_downloads_equal_the_notebook_bundles(sample, site):
    from openpyxl import load_workbook

    tables = charts = 0
    opts = sample["opts"]
    ctx = RenderContext(store=sample["store"], build_dir=opts.build_dir, project_root=ROOT, version="0",
                        built_at=dt.datetime(2024, 12, 31, tzinfo=dt.timezone.utc), jobs=1)
    paths = build_paths(ctx)
    for r in sample["records"]:
        folder = site / r.page
        nb = read_notebook(r.notebook)
        # the audit record, unchanged but for the build machine's folders (issue 32, B61)
        published = (folder / "notebook.ipynb").read_text(encoding="utf-8")
        assert published == publishable_notebook(r.notebook.read_text(encoding="utf-8"))
        assert str(sample["opts"].cache_dir.resolve()) not in published
        assert build_path_leak(published.encode("utf-8"), paths) is None  # D11: no folder name, no temp name
        assert json.loads((folder / "notebook.ipynb").read_text(encoding="utf-8"))["metadata"]["papermill"][
            "parameters"]["kode"] == r.kode
        for out in outputs(nb):
            data = out.get("data", {})
            if MIME_TABLE in data:
                b = data[MIME_TABLE]
                raw = (folder / f"{b['name']}.csv").read_bytes()
                assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
                rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
                assert rows[0] == b["columns"]
                assert rows[1:] == [["" if v is None else str(v) for v in row] for row in b["rows"]], b["name"]
                ws = load_workbook(folder / f"{b['name']}.xlsx", read_only=True).active
                cells = [list(row) for row in ws.iter_rows(values_only=True)]
                assert cells[0] == b["columns"]
                assert cells[1:] == [list(row) for row in b["rows"]], b["name"]
                tables += 1
            if MIME_CHART in data:  # every chart is a static SVG beside its page
                svg = (folder / f"{data[MIME_CHART]['name']}.svg").read_text(encoding="utf-8")
                assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
                assert MIME_VEGALITE in data
                charts += 1
    assert tables > 300 and charts > 20, (tables, charts)


def test_chart_images_are_what_vega_lite_draws_from_each_pages_own_spec(sample, site):
    """Charts are drawn from a Vega spec compiled once per chart and given each page's rows
    (``assets.vega_with_data``): every image must be what vl-convert draws from that page's own Vega-Lite spec."""
    import vl_convert

    from ranpasti.render.assets import FORMAT_LOCALE, SVG_WIDTH, TIME_FORMAT_LOCALE

    drawn = set()
    for r in sample["records"][::3]:
        for out in outputs(read_notebook(r.notebook)):
            data = out.get("data", {})
            if MIME_CHART not in data:
                continue
            spec = {**data[MIME_VEGALITE], "config": {**data[MIME_VEGALITE].get("config", {}), "aria": False}}
            if spec.get("width") == "container":
                spec["width"] = SVG_WIDTH
            expected = vl_convert.vegalite_to_svg(spec, format_locale=FORMAT_LOCALE,
                                                  time_format_locale=TIME_FORMAT_LOCALE, allowed_base_urls=[])
            name = data[MIME_CHART]["name"]
            assert (site / r.page / f"{name}.svg").read_text(encoding="utf-8") == expected, (r.page, name)
            drawn.add(name)
    assert drawn == {"tren", "prevalensi"}, drawn  # every kind of chart the site has (charts.py)


def test_svg_fallbacks_use_indonesian_number_format(site):
    svg = (site / "kabupaten-musi-rawas" / "prevalensi.svg").read_text(encoding="utf-8")
    labels = re.findall(r">([\d.,]+)</text>", svg)
    assert labels and not any(re.fullmatch(r"\d{1,3}(,\d{3})+", x) for x in labels), labels
    assert not any(re.fullmatch(r"\d+\.\d", x) for x in labels), labels  # no "12.5": a decimal comma


def _spec(site: Path, page: str, name: str) -> dict:
    html = (site / page / "index.html").read_text(encoding="utf-8")
    m = re.search(rf'id="grafik-{re.escape(name)}".*?class="rp-spec">(.*?)</script>', html, re.S)
    assert m, (page, name)
    return json.loads(m.group(1))


def test_charts_are_legible_on_a_phone(site):
    """What a reader of the 360 px image would trip over: four targets drawn as one line; a panel's title
    cut or run into its neighbour's."""
    trend = _spec(site, "kabupaten-musi-rawas/tugumulyo/", "tren")
    rows = trend["datasets"]["utama"]
    with_target = {r["label"] for r in rows if r.get("target") is not None}
    svg = (site / "kabupaten-musi-rawas" / "tugumulyo" / "tren.svg").read_text(encoding="utf-8")
    assert len(with_target) >= 6 and svg.count('stroke-dasharray="5,3"') == len(with_target)  # a line each
    titles = {r["label"] for r in rows}
    assert all(len(t) <= charts.PANEL_CHARS for t in titles), titles  # fitted to the panel before Vega
    assert all(f">{escape(t, quote=False)}</text>" in svg for t in titles), titles  # and drawn whole, as given


def test_labels_are_fitted_before_vega_never_by_it():
    """Vega fits no text (its limits are 0: measuring labels to cut them was most of a chart's CPU); a long
    label is shortened before, at a word, and never two alike into one."""
    assert charts.fit("Ibu pascasalin didampingi", charts.PANEL_CHARS) == "Ibu pascasalin didampingi"
    cut = charts.fit("Provinsi Kepulauan Bangka Belitung dan sekitarnya yang panjang", charts.LEGEND_CHARS)
    assert len(cut) <= charts.LEGEND_CHARS and cut.endswith("…") and cut.removesuffix("…") in (
        "Provinsi Kepulauan Bangka Belitung dan sekitarnya yang panjang")
    assert charts.fit("Satuduatigaempatlimaenamtujuhdelapansembilan", 10) == "Satuduati…"
    monthly = pd.DataFrame({"bulan": ["2024-01"] * 2, "label": ["Sama sampai di sini lalu A",
                                                               "Sama sampai di sini lalu B"], "nilai": [1.0, 2.0]})
    labels = {r["label"] for r in charts.trend(monthly, {}, "t")["datasets"]["utama"]}
    assert len(labels) == 2  # cut alike they would be one panel: kept whole instead


def test_prevalence_chart_draws_the_target_its_caption_names(site):
    html = (site / "kabupaten-musi-rawas" / "index.html").read_text(encoding="utf-8")
    spec = _spec(site, "kabupaten-musi-rawas/", "prevalensi")
    caption = re.search(r'id="grafik-prevalensi">\s*<figcaption>(.*?)</figcaption>', html, re.S).group(1)
    drawn = {r["tahun_s"]: r["teks"] for r in spec["datasets"]["target"]}
    assert "target nasional" in caption and drawn
    alt = re.search(r'<img class="rp-static" src="prevalensi.svg"[^>]*alt="([^"]*)"', html).group(1)
    for year, text in drawn.items():
        assert f"{year}: {text}" in alt  # the text alternative names each target the chart draws


def test_no_cdn_anywhere(site):
    pages = [p for p in site.rglob("*.html") if "pagefind" not in p.relative_to(site).parts]
    assert len(pages) == 186  # 184 pages, the search page and the glossary
    for page in pages:
        for tag, src in parse(page).sources:
            assert not re.match(r"(https?:)?//", src), (page, tag, src)
            if tag in ("script", "link"):
                target = (page.parent / src.split("?")[0]).resolve()
                assert target.exists(), (page, src)


def test_vendored_libraries_with_licences(site):
    vendor = site / "assets" / "vendor"
    for lib in ("vega", "vega-lite", "vega-embed"):
        js = vendor / f"{lib}.min.js"
        assert 10_000 < js.stat().st_size < 1_000_000, lib
        assert (vendor / f"{lib}.LICENSE").read_text(encoding="utf-8").strip(), lib
    charts = (site / "assets" / "charts.js").read_text(encoding="utf-8")
    assert 'decimal: ","' in charts and 'thousands: "."' in charts and "Desember" in charts
    assert 'renderer: "svg"' in charts and "actions: false" in charts


def test_sample_banner_and_provenance_on_every_page(sample, site):
    sources = sample["store"].manifest["sources"]
    for r in sample["records"]:
        html = (site / r.page / "index.html").read_text(encoding="utf-8")
        assert "Data contoh (sintetis)" in html, r.page
        footer = html[html.index('class="rp-provenance"'):]
        for s in sources.values():
            assert s["file"] in footer and s["sha256"][:16] in footer and s["sha256"] in footer, (r.page, s["file"])
        assert f"notebooks/{r.spec.notebook}.ipynb" in footer
        # parameters are in the notebook download, not in words a reader cannot use (issue 18)
        assert "terbit=" not in footer and "bulan=None" not in footer
        assert 'href="notebook.ipynb"' in footer
        assert re.search(r"Dibangun \d{1,2} (Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|"
                         r"November|Desember) \d{4} pukul \d\d\.\d\d WIB", footer), r.page
        assert "ranpasti " in footer
    assert "Data contoh (sintetis)" in (site / "cari" / "index.html").read_text(encoding="utf-8")


def test_home_page_jump_box_and_region_list(sample, site):
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'id="rp-jump"' in home and 'list="rp-jump-list"' in home and "assets/jump.js" in home
    entries = json.loads((site / "assets" / "wilayah.json").read_text(encoding="utf-8"))
    progress = {r.page for r in sample["records"] if r.kind == "progres" and r.page}
    assert {e["u"] for e in entries} == progress
    assert all((site / e["u"] / "index.html").exists() for e in entries)
    assert any(e["t"] == "Kecamatan Tugumulyo, Kabupaten Musi Rawas" for e in entries)
    js = (site / "assets" / "wilayah.js").read_text(encoding="utf-8")
    assert js.startswith("window.RP_WILAYAH=")


def test_search_titles_name_the_kabupaten_of_a_kecamatan(site):
    html = (site / "kabupaten-musi-rawas" / "tugumulyo" / "index.html").read_text(encoding="utf-8")
    assert 'data-pagefind-meta="title:Kecamatan Tugumulyo, Kabupaten Musi Rawas — Kemajuan RAN PASTI"' in html


def test_pagefind_index_covers_every_page(sample, site):
    """One index per province plus the primary one (country, provinces): together, every page once."""
    counts = {}
    for entry_file in site.glob("pagefind*/**/pagefind-entry.json"):
        entry = json.loads(entry_file.read_text(encoding="utf-8"))
        assert set(entry["languages"]) == {"id"}
        counts[str(entry_file.parent.relative_to(site))] = entry["languages"]["id"]["page_count"]
    assert set(counts) == {"pagefind", "pagefind-wilayah/16", "pagefind-wilayah/18"}
    assert sum(counts.values()) == len(sample["records"])
    assert (site / "pagefind" / "pagefind-ui.js").exists()
    search = (site / "cari" / "index.html").read_text(encoding="utf-8")
    assert "../pagefind/pagefind-ui.js" in search and 'id="search"' in search and "assets/pencarian.js" in search


def test_a_notice_is_shown_on_its_page(sample, tmp_path):
    record = next(r for r in sample["records"] if r.page == "kabupaten-musi-rawas/tugumulyo/")
    opts = sample["opts"]
    site = SiteInfo(build_dir=opts.build_dir, version="0", built_at="1 Januari 2025", sample=True, files=(),
                    notices={record.page: "Halaman ini versi terakhir yang berhasil."})
    render_page(record, site, tmp_path)
    html = (tmp_path / record.page / "index.html").read_text(encoding="utf-8")
    assert 'class="rp-notice"' in html and "versi terakhir yang berhasil" in html


def test_render_pool_writes_the_same_pages_as_rendering_in_process(sample, tmp_path, monkeypatch):
    """Large runs render in a process pool, small ones in the build's own process: same files either way."""
    from ranpasti.render import builtin

    opts, records = sample["opts"], sample["records"]
    ctx = RenderContext(store=sample["store"], build_dir=opts.build_dir, project_root=ROOT, version="0",
                        built_at=dt.datetime(2024, 12, 31, tzinfo=dt.timezone.utc), jobs=2, force=True)
    trees = {}
    for label, pool_min in (("proses", 10**9), ("pool", 1)):
        monkeypatch.setattr(builtin, "POOL_MIN_PAGES", pool_min)
        out = tmp_path / label
        out.mkdir()
        RENDERERS["builtin"]().render(records, ctx, out)
        trees[label] = {str(f.relative_to(out)): f.read_bytes() for f in out.rglob("*")
                        if f.is_file() and not f.relative_to(out).parts[0].startswith("pagefind")}
    assert len(trees["pool"]) > 20 * len(records) // 2
    assert trees["pool"] == trees["proses"]


def test_the_render_cache_gives_the_pages_rendering_from_scratch_gives(sample, tmp_path):
    """Re-rendering from the body/download cache and after deleting it write the same site (how fast each
    is, is bench part 4's business)."""
    opts, records = sample["opts"], sample["records"]
    ctx = RenderContext(store=sample["store"], build_dir=opts.build_dir, project_root=ROOT, version="0",
                        built_at=dt.datetime(2024, 12, 31, tzinfo=dt.timezone.utc), jobs=1, force=True)
    renderer = RENDERERS["builtin"]()
    trees = {}
    for label in ("cached", "no body/download cache"):
        if label != "cached":
            shutil.rmtree(opts.build_dir / "render-cache")
        out = tmp_path / label.replace("/", "-")
        out.mkdir()
        renderer.render(records, ctx, out)
        # the page manifest records this build (its keys and times), not what a reader sees
        trees[label] = {str(f.relative_to(out)): f.read_bytes() for f in out.rglob("*")
                        if f.is_file() and not f.relative_to(out).parts[0].startswith(("pagefind", "."))}
    assert (tmp_path / "cached" / "kabupaten-musi-rawas" / "index.html").exists()
    assert trees["cached"] == trees["no body/download cache"]


# ---------------------------------------------------------------- download writers


def test_csv_and_xlsx_writers_keep_values_and_types(tmp_path):
    from openpyxl import load_workbook

    bundle = {"name": "contoh/tabel:[1]", "caption": "c", "columns": ["Desa", "Jumlah", "Capaian (%)", "Catatan"],
              "rows": [["Dono Rejo", 12, 92.6, None], ["Suro <b>", 0, None, "< 5"], ['Kuta "Baru"', -3, 0.5, "a\x01b"]]}
    rows = list(csv.reader(io.StringIO(table_csv(bundle).decode("utf-8-sig"))))
    assert rows == [bundle["columns"], ["Dono Rejo", "12", "92.6", ""], ["Suro <b>", "0", "", "< 5"],
                    ['Kuta "Baru"', "-3", "0.5", "a\x01b"]]
    path = tmp_path / "t.xlsx"
    path.write_bytes(table_xlsx(bundle))
    assert zipfile.ZipFile(path).testzip() is None
    wb = load_workbook(path)
    ws = wb.active
    assert ws.title == "contoh-tabel--1-"  # characters Excel forbids in sheet names replaced
    got = [list(r) for r in ws.iter_rows(values_only=True)]
    assert got == [bundle["columns"], ["Dono Rejo", 12, 92.6, None], ["Suro <b>", 0, None, "< 5"],
                   ['Kuta "Baru"', -3, 0.5, "ab"]]
    assert ws["A1"].font.b and ws.freeze_panes == "A2"
    assert table_xlsx(bundle) == table_xlsx(bundle)  # reproducible bytes: unchanged pages stay unchanged


# ---------------------------------------------------------------- ranpasti serve


def test_serve_previews_the_site_on_localhost(site):
    from ranpasti.serve import serve_in_thread

    server, base = serve_in_thread(site)
    try:
        assert base.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(base + "kabupaten-musi-rawas/") as r:
            assert r.status == 200 and "Kabupaten Musi Rawas" in r.read().decode("utf-8")
        with urllib.request.urlopen(base + "assets/vendor/vega.min.js") as r:
            assert "javascript" in r.headers["Content-Type"] and r.read()
        with urllib.request.urlopen(base + "assets/wilayah.json") as r:
            assert json.loads(r.read())
        for folder in ("assets/", "assets/vendor/", "pagefind/"):  # no directory listings (issue 14, item 15)
            with pytest.raises(urllib.error.HTTPError) as err:
                urllib.request.urlopen(base + folder)
            assert err.value.code == 404
    finally:
        server.shutdown()
        server.server_close()



def test_render_cache_pruned_of_old_entries_at_most_daily(tmp_path):
    from ranpasti.render.site import CACHE_DAYS, prune_cache

    old = time.time() - (CACHE_DAYS + 1) * 86400
    svg = tmp_path / "svg-cache" / "ab"
    svg.mkdir(parents=True)
    (svg / "lama.svg").write_text("<svg/>")
    (svg / "baru.svg").write_text("<svg/>")
    html = tmp_path / "render-cache" / "html"
    html.mkdir(parents=True)
    (html / "lama.html").write_text("x")
    for f in (svg / "lama.svg", html / "lama.html"):
        os.utime(f, (old, old))
    prune_cache(tmp_path)
    assert sorted(p.name for p in svg.iterdir()) == ["baru.svg"]
    assert not (html / "lama.html").exists()
    (svg / "lama.svg").write_text("<svg/>")
    os.utime(svg / "lama.svg", (old, old))
    prune_cache(tmp_path)  # pruned less than a day ago: the stat of every cached file is skipped
    assert (svg / "lama.svg").exists()


def test_national_and_province_pages_say_what_their_figures_cover(site):
    """Issue 18: the national Kampung KB figure was over all 83.762 desa while KRS came from 3 kabupaten
    ("0,6%, Jauh dari target"). Every figure now covers the reporting kabupaten, and the page says how many."""
    from ranpasti.reference.regions import load_regions

    regions = load_regions()
    home = (site / "index.html").read_text(encoding="utf-8")
    assert f"mencakup 3 dari {len(regions.kabupaten)} kabupaten/kota yang datanya sudah masuk" in home
    sumsel = (site / "provinsi-sumatera-selatan" / "index.html").read_text(encoding="utf-8")
    n = int(regions.kabupaten.index.str.startswith("16.").sum())
    assert f"mencakup 2 dari {n} kabupaten/kota" in sumsel
    card = re.search(r'aria-label="Desa dengan Kampung KB">.*?rp-value">([^<]*)<.*?rp-detail">([^<]*)<', home, re.S)
    shown, detail = card.groups()
    desa = int(regions.desa["kode_kabupaten"].isin(["16.05", "16.06", "18.13"]).sum())
    assert detail.split(" dari ")[1].startswith(fmt_number(desa)), detail  # only the reporting kabupaten's desa
    assert float(shown.rstrip("%").replace(",", ".")) > 5  # not the diluted national share


def fmt_number(n: int) -> str:
    from ranpasti.core import fmt

    return fmt.number(n)
