"""The sample site rendered by the real Quarto is the same site as the built-in renderer's, page by page.

Same URLs, the same visible headings and numbers, the same tables, downloads, breadcrumbs, sample banner,
provenance footer and header search box; nothing Quarto-specific leaking into the page (front matter as
text, headings glued to paragraphs, duplicated scripts, cell metadata, CDN scripts, search.json). The browser
tests of ``test_site`` (charts draw offline, Pagefind finds a kecamatan, accessibility) run on both sites.
"""

from __future__ import annotations

import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import pytest

SKIP_TEXT = {"script", "style", "noscript", "template"}
NUMBER = re.compile(r"\d[\d.]*(?:,\d+)?%?")


class Visible(HTMLParser):
    """What a reader sees of a page, in order: headings, numbers, tables, breadcrumbs, banner, forms."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.headings: list[tuple[str, str]] = []
        self.numbers: list[str] = []
        self.crumbs: list[str] = []
        self.tables: dict[str, list[list[str]]] = {}
        self.footer_rows: list[list[str]] = []
        self.banner = 0
        self.search_forms: list[str] = []
        self.scripts: list[str] = []
        self.title = ""
        self.description = ""
        self._in_title = False
        self._stack: list[str] = []
        self._skip = 0
        self._heading: list[str] | None = None
        self._crumbs = 0
        self._footer = 0
        self._table: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "meta" and a.get("name") == "description":
            self.description = a.get("content", "")
        if tag in ("br", "img", "input", "meta", "link", "hr", "source"):
            return
        if tag == "title":
            self._in_title = True
        self._stack.append(tag)
        if tag in SKIP_TEXT:
            self._skip += 1
            if tag == "script" and a.get("src"):
                self.scripts.append(a["src"])
        if tag in ("h1", "h2", "h3"):
            self._heading = []
        if tag == "nav" and "rp-crumbs" in classes:
            self._crumbs = len(self._stack)
        if tag == "footer" and "rp-provenance" in classes:
            self._footer = len(self._stack)
        if "rp-sample" in classes:
            self.banner += 1
        if tag == "form" and "rp-search" in classes:
            self.search_forms.append(a.get("action", ""))
        if tag == "table" and a.get("data-table"):
            self._table = a["data-table"]
            self.tables[self._table] = []
        if tag == "tr" and (self._table or self._footer):
            self._row = []
        if self._row is not None and tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        if tag not in self._stack:
            return
        while self._stack:
            open_tag = self._stack.pop()
            depth = len(self._stack) + 1
            if open_tag in SKIP_TEXT:
                self._skip -= 1
            if open_tag in ("h1", "h2", "h3") and self._heading is not None:
                self.headings.append((open_tag, " ".join("".join(self._heading).split())))
                self._heading = None
            if open_tag == "nav" and self._crumbs == depth:
                self._crumbs = 0
            if open_tag == "footer" and self._footer == depth:
                self._footer = 0
            if open_tag in ("td", "th") and self._cell is not None and self._row is not None:
                self._row.append(" ".join("".join(self._cell).split()))
                self._cell = None
            if open_tag == "tr" and self._row is not None:
                (self.tables[self._table] if self._table else self.footer_rows).append(self._row)
                self._row = None
            if open_tag == "table":
                self._table = None
            if open_tag == tag:
                break

    def handle_data(self, data):
        if self._in_title:
            self.title += data
            return
        if self._skip:
            return
        if self._heading is not None:
            self._heading.append(data)
        if self._crumbs and data.strip():
            self.crumbs.append(data.strip())
        if self._cell is not None:
            self._cell.append(data)
        if not self._footer:
            self.numbers += NUMBER.findall(data)


def visible(path: Path) -> Visible:
    v = Visible()
    v.feed(path.read_text(encoding="utf-8"))
    return v


@pytest.fixture(scope="module")
def sites(sample_sites) -> dict:
    return {"builtin": sample_sites("builtin"), "quarto": sample_sites("quarto")}


def pages(site: Path) -> set[str]:
    skip = ("site_libs", "pagefind", "pagefind-wilayah", "assets")
    return {str(p.parent.relative_to(site)) for p in site.rglob("index.html") if p.parts[len(site.parts)] not in skip}


def test_same_urls(sites):
    builtin, quarto = pages(sites["builtin"]["site"]), pages(sites["quarto"]["site"])
    assert builtin == quarto
    assert len(quarto) == 186  # 184 pages, the search page and the glossary
    assert sites["quarto"]["report"].renderer == "quarto" and sites["quarto"]["report"].published


def test_same_headings_numbers_tables_crumbs_and_banner_on_every_page(sites):
    for page in sorted(pages(sites["builtin"]["site"])):
        b = visible(sites["builtin"]["site"] / page / "index.html")
        q = visible(sites["quarto"]["site"] / page / "index.html")
        assert q.headings == b.headings, page  # no heading glued to the paragraph after it
        assert q.numbers == b.numbers, page  # every number outside the footer, in the same order
        assert q.tables == b.tables, page
        assert q.crumbs == b.crumbs and q.crumbs, page
        # the sample-data banner on every page with figures (the search page's too); the glossary has none
        assert q.banner == b.banner >= (0 if page == "istilah" else 1), page
        assert len([h for h in q.headings if h[0] == "h1"]) == 1, page  # Quarto adds no title of its own
        assert q.title.startswith(b.title.split(" · ")[0] + " – "), (page, q.title)  # "<title> – <site>"
        assert q.description == b.description and q.description, page


def test_same_provenance_footer(sites):
    for page in sorted(pages(sites["builtin"]["site"]) - {"cari", "istilah"}):
        b = visible(sites["builtin"]["site"] / page / "index.html")
        q = visible(sites["quarto"]["site"] / page / "index.html")
        assert q.footer_rows == b.footer_rows and len(q.footer_rows) >= 4, page  # files, SHA-256, dates, rows
        html = (sites["quarto"]["site"] / page / "index.html").read_text(encoding="utf-8")
        assert 'href="notebook.ipynb"' in html and "Dibangun" in html, page


def test_same_downloads_byte_for_byte(sites):
    checked = 0
    for page in sorted(pages(sites["builtin"]["site"]) - {"cari", "istilah"}):
        b_dir, q_dir = sites["builtin"]["site"] / page, sites["quarto"]["site"] / page
        b_files = {f.name for f in b_dir.iterdir() if f.is_file() and f.name != "index.html" and f.name[0] != "."}
        q_files = {f.name for f in q_dir.iterdir() if f.is_file() and f.name != "index.html" and f.name[0] != "."}
        assert q_files == b_files and "notebook.ipynb" in q_files, page
        for name in b_files:
            assert hashlib.sha256((q_dir / name).read_bytes()).digest() == \
                hashlib.sha256((b_dir / name).read_bytes()).digest(), (page, name)
            checked += 1
    assert checked > 500


def test_header_search_box_on_every_page(sites):
    site = sites["quarto"]["site"]
    for page in sorted(pages(site) - {"cari", "istilah"}):
        forms = visible(site / page / "index.html").search_forms
        assert len(forms) == 1, page
        base = f"http://x/{page}/" if page != "." else "http://x/"
        assert urljoin(base, forms[0]) == "http://x/cari/index.html", page


def test_nothing_quarto_specific_leaks_into_the_pages(sites):
    site = sites["quarto"]["site"]
    assert not (site / "search.json").exists()  # Pagefind is the search
    assert (site / "site_libs").is_dir()
    for page in sorted(pages(site)):
        path = site / page / "index.html"
        html = path.read_text(encoding="utf-8")
        assert "data-quarto-private" not in html and "pagetitle:" not in html and "include-in-header" not in html
        assert "cdn.jsdelivr.net" not in html and "require.min.js" not in html, page
        scripts = visible(path).scripts
        assert len(scripts) == len(set(scripts)), page  # each script once
        assert ("rp-chart" in html) == any(s.endswith("charts.js") for s in scripts), page
        assert not any("vega" in s for s in scripts), page  # Vega only when a reader asks for it
    assert sites["quarto"]["report"].rendering["warnings"] == []  # no "Unable to resolve link target"
    # nothing to warn about but the sample's boundaries (two desa the upstream has no polygon for: test_maps)
    assert not any("peringatan" in line and "[peringatan peta]" not in line for line in sites["quarto"]["log"])

