"""Renderer-independent site steps, so the Quarto site and the built-in site get the same files.

For each page: the CSV/Excel downloads of every table and SVG fallbacks of charts (both read from the
executed notebook's data bundles, never recomputed), a copy of the executed notebook (the audit record),
and the provenance footer. For the site: vendored scripts and styles, the region list for the jump box,
the search page, and the Pagefind index over the finished folder.

Downloads and SVGs are cached in the build folder by the executed notebook's hash: a page whose notebook
did not change is not re-exported, only linked into the new site.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, PackageLoader

from .. import fmt
from ..display import MIME_CHART, MIME_TABLE, MIME_VEGALITE
from ..sitemap import PageRecord
from ..urls import relative, root_prefix
from . import RenderContext

ASSETS = Path(__file__).resolve().parents[1] / "assets"
SHOWN_PARAMS = ("kode", "bulan", "tahun", "catatan", "terbit")


@lru_cache(maxsize=1)
def env() -> Environment:
    return Environment(loader=PackageLoader("ranpasti", "templates"), autoescape=True, trim_blocks=True,
                       lstrip_blocks=True)


def read_notebook(path: Path) -> dict:
    """The executed notebook as plain JSON (no schema validation: papermill wrote it, and this is hot)."""
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def notebook_sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def outputs(nb: dict):
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            yield from cell.get("outputs", [])


def page_folder(out: Path, record: PageRecord) -> Path:
    folder = out / record.page
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# ---------------------------------------------------------------- downloads


def table_csv(bundle: dict) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(bundle["columns"])
    for row in bundle["rows"]:
        writer.writerow(["" if v is None else v for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")  # BOM: Excel opens UTF-8 correctly


def table_xlsx(bundle: dict) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=bundle["name"][:31])
    ws.append(bundle["columns"])
    for row in bundle["rows"]:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def export_files(nb: dict, cache: Path) -> list[Path]:
    """Write this notebook's downloads into ``cache`` (once per notebook hash); return the files."""
    done = cache / ".lengkap"
    if done.exists():
        return sorted(p for p in cache.iterdir() if p.name != ".lengkap")
    cache.mkdir(parents=True, exist_ok=True)
    files = []
    for out in outputs(nb):
        data = out.get("data", {})
        if MIME_TABLE in data:
            bundle = data[MIME_TABLE]
            for suffix, writer in ((".csv", table_csv), (".xlsx", table_xlsx)):
                path = cache / f"{bundle['name']}{suffix}"
                path.write_bytes(writer(bundle))
                files.append(path)
        if MIME_CHART in data and data[MIME_CHART].get("svg") and MIME_VEGALITE in data:
            path = cache / f"{data[MIME_CHART]['name']}.svg"
            path.write_text(svg_of(data[MIME_VEGALITE], cache.parent.parent / "svg"), encoding="utf-8")
            files.append(path)
    done.touch()
    return files


def svg_of(spec: dict, svg_cache: Path) -> str:
    """SVG fallback through vl-convert, cached by the spec's hash (identical charts are drawn once)."""
    key = hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()
    path = svg_cache / f"{key}.svg"
    if path.exists():
        return path.read_text(encoding="utf-8")
    import vl_convert

    svg = vl_convert.vegalite_to_svg(spec)
    svg_cache.mkdir(parents=True, exist_ok=True)
    path.write_text(svg, encoding="utf-8")
    return svg


def link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)


def place_page_files(record: PageRecord, nb: dict, sha: str, ctx: RenderContext, out: Path) -> None:
    """Downloads and the executed notebook next to the page (hard links from the cache when possible)."""
    folder = page_folder(out, record)
    cache = ctx.build_dir / "render-cache" / "unduhan" / sha
    for f in export_files(nb, cache):
        link_or_copy(f, folder / f.name)
    link_or_copy(record.notebook, folder / "notebook.ipynb")


# ---------------------------------------------------------------- provenance


def source_files(ctx: RenderContext) -> list[dict]:
    files = []
    for _name, s in sorted(ctx.store.manifest.get("sources", {}).items()):
        files.append({"file": s["file"], "sha256": s["sha256"], "rows": fmt.number(s.get("rows")),
                      "modified": fmt.date(s["modified"]) if s.get("modified") else ""})
    return files


def footer(record: PageRecord, nb: dict, ctx: RenderContext, files: list[dict]) -> str:
    params = nb.get("metadata", {}).get("papermill", {}).get("parameters", {}) or record.spec.params
    shown = [(k, "" if params.get(k) is None else params.get(k)) for k in SHOWN_PARAMS if k in params]
    return env().get_template("footer.html.j2").render(
        files=files, notebook=record.spec.notebook, params=shown, download=True, sample=ctx.store.config.sample,
        built_at=fmt.datetime(ctx.built_at), version=ctx.version)


# ---------------------------------------------------------------- navigation


def nav(record: PageRecord) -> dict:
    """Breadcrumbs and links of a page as relative hrefs (the site works from any sub-path)."""
    def href(page: str) -> str:
        return relative(record.page, page)

    children_title = {"nasional": "Wilayah", "provinsi": "Kabupaten/kota", "kabupaten": "Kecamatan"}.get(
        record.spec.level, "Wilayah")
    return {
        "root": (root_prefix(record.page) + "/") if record.page else "",
        "crumbs": [{"label": c.label, "href": href(c.page)} for c in record.breadcrumbs],
        "children": [{"label": c.label, "href": href(c.page)} for c in record.children],
        "related": [{"label": c.label, "href": href(c.page)} for c in record.related],
        "children_title": children_title,
    }


# ---------------------------------------------------------------- site-wide


def copy_static(out: Path) -> None:
    dest = out / "assets"
    shutil.copytree(ASSETS, dest, dirs_exist_ok=True)


def write_region_index(records: list[PageRecord], out: Path) -> None:
    """``assets/wilayah.json``: every progress page's name and address, for the home page jump box."""
    entries = [{"t": r.title.split(" — ")[0], "u": r.page} for r in records if r.kind == "progres" and r.page]
    (out / "assets").mkdir(parents=True, exist_ok=True)
    (out / "assets" / "wilayah.json").write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")


SEARCH_BODY = """\
<h1>Cari halaman</h1>
<p>Cari nama kabupaten/kota, kecamatan, desa, indikator atau masalah Lokmin. Pencarian berjalan di peramban Anda,
juga tanpa internet.</p>
<div id="search"></div>
<noscript><p>Pencarian memerlukan JavaScript. Gunakan daftar wilayah di <a href="../index.html">beranda</a>.</p>
</noscript>"""


def write_search_page(ctx: RenderContext, out: Path, files: list[dict]) -> None:
    from markupsafe import Markup

    folder = out / "cari"
    folder.mkdir(parents=True, exist_ok=True)
    head = Markup('<link rel="stylesheet" href="../pagefind/pagefind-ui.css">\n'
                  '<script src="../pagefind/pagefind-ui.js"></script>')
    html = env().get_template("page.html.j2").render(
        title="Cari", description="Cari halaman RAN PASTI", version=ctx.version, root="../", charts=False,
        extra_head=head, crumbs=[{"label": "Indonesia", "href": "../index.html"}, {"label": "Cari", "href": "./"}],
        notice=None, index=False, body=Markup(SEARCH_BODY), related=[], children=[], children_title="",
        footer=Markup(""), scripts=["assets/search.js"])
    (folder / "index.html").write_text(html, encoding="utf-8")
    (out / "assets" / "search.js").write_text(
        'window.addEventListener("DOMContentLoaded", function () {\n'
        '  new PagefindUI({element: "#search", showSubResults: true, showImages: false});\n});\n',
        encoding="utf-8")


def run_pagefind(out: Path) -> None:
    """Index the finished site with Pagefind (chunked, offline); a failure fails the build."""
    proc = subprocess.run([sys.executable, "-m", "pagefind", "--site", str(out), "--quiet"],
                          capture_output=True, text=True)
    if proc.returncode != 0 or not (out / "pagefind" / "pagefind.js").exists():
        raise RuntimeError(f"Pagefind gagal membuat indeks pencarian: {proc.stderr[-1500:] or proc.stdout[-1500:]}")


def finish_site(records: list[PageRecord], ctx: RenderContext, out: Path) -> None:
    """Site-wide steps both renderers run last, in this order."""
    copy_static(out)
    write_region_index(records, out)
    write_search_page(ctx, out, source_files(ctx))
    run_pagefind(out)
