"""The Quarto renderer: a real Quarto website project over the executed notebooks.

Chosen by ``auto`` when a ``quarto`` ≥ 1.9 binary is on PATH. The project is generated under
``<build>/quarto/`` from the repository's ``_quarto.yml``: every page is ``<page>/index.ipynb`` (the executed
notebook with a front-matter raw cell and raw HTML cells for the shared navigation and provenance footer),
so Quarto writes ``<page>/index.html``, the same URLs as the built-in renderer. Quarto is called through its
CLI with ``--no-execute`` and its exit status is checked (the Python ``quarto.render`` executes by default
and does not report failures). Afterwards the same steps as the built-in renderer run on the output
(downloads, SVG fallbacks, notebook copies, static assets, Pagefind), so both sites have the same files.

Designed around Quarto's limits at national scale (~15,600 pages):

* no sidebar listing every page (its render time grows quadratically): navigation is per page, from
  ``sitemap`` (breadcrumbs, children, related pages), rendered by the same templates as the built-in site;
* Quarto's search is off (its single ``search.json`` grows past 100 MB): Pagefind indexes the output;
* the render list is explicit and split into shards of ``SHARD_PAGES``, each a separate project copy with its
  own output folder, because concurrent ``quarto render`` processes on one project collide and a full render
  cleans its output folder. Shards render in parallel (``ctx.jobs`` quarto processes) and their outputs are
  merged into the staging folder.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

from ..sitemap import PageRecord
from . import RenderContext, register
from .assets import (
    ASSETS,
    SEARCH_PAGE,
    VENDOR_SCRIPTS,
    SiteInfo,
    env,
    file_sha,
    finish_site,
    footer,
    nav,
    place_page_files,
    read_notebook,
    reader_cells,
    sample_banner_needed,
    search_body,
    search_title,
    site_info,
)

MIN_VERSION = (1, 9)
PROJECT_TEMPLATE = Path(__file__).resolve().parents[3] / "_quarto.yml"  # the repository's documented config
SHARD_PAGES = 2000  # pages per project copy
OUTPUT_DIR = "_site"  # inside each project copy; merged into the staging folder after rendering

# Used when the package runs without its source tree (installed wheel): the same settings as _quarto.yml.
DEFAULT_PROJECT = {
    "project": {"type": "website", "output-dir": OUTPUT_DIR},
    "lang": "id",
    "execute": {"enabled": False, "echo": False, "warning": False, "error": False},
    "website": {
        "title": "RAN PASTI — Kemajuan dan Evaluasi",
        "favicon": "assets/favicon.svg",
        "search": False,
        "navbar": {"left": [{"href": "index.ipynb", "text": "Beranda"},
                            {"href": "cari/index.qmd", "text": "Cari"}]},
    },
    "format": {"html": {
        "theme": "default", "css": ["assets/site.css"], "html-math-method": "plain", "html-table-processing": "none",
        "toc": False, "anchor-sections": False, "code-tools": False, "notebook-links": False,
        "link-external-icon": False,
    }},
}


def quarto_version() -> tuple[int, ...] | None:
    """The version of the ``quarto`` on PATH, or None."""
    exe = shutil.which("quarto")
    if not exe:
        return None
    try:
        text = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=60).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return None
    m = re.match(r"(\d+)\.(\d+)(?:\.(\d+))?", text)
    return tuple(int(x) for x in m.groups() if x is not None) if m else None


def project_config(render_list: list[str]) -> dict:
    """``_quarto.yml`` of one project copy: the repository's template, the explicit render list, and the
    settings the site depends on enforced whatever the template says."""
    base = yaml.safe_load(PROJECT_TEMPLATE.read_text(encoding="utf-8")) if PROJECT_TEMPLATE.exists() else None
    config = copy.deepcopy(base or DEFAULT_PROJECT)
    project = config.setdefault("project", {})
    project.update({"type": "website", "output-dir": OUTPUT_DIR, "render": list(render_list)})
    config["lang"] = "id"
    config.setdefault("execute", {}).update({"enabled": False, "echo": False})
    website = config.setdefault("website", {})
    website["search"] = False
    website.pop("sidebar", None)
    html = config.setdefault("format", {}).setdefault("html", {})
    html["html-math-method"] = "plain"  # MathJax would come from a CDN
    return config


def raw_html(text: str) -> dict:
    return {"cell_type": "raw", "metadata": {"raw_mimetype": "text/html"}, "source": text}


def front_matter(record: PageRecord, root: str) -> str:
    """The page's YAML front matter: title, description, the vendored scripts, a skip link."""
    scripts = "".join(f'<script defer src="{root}{s}"></script>' for s in VENDOR_SCRIPTS)
    meta = {
        "title": record.title,
        "description": record.description,
        "include-in-header": {"text": scripts},
        "include-before-body": {"text": '<a class="rp-skip" href="#quarto-document-content">Langsung ke isi</a>'},
    }
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=10_000) + "---\n"


def page_notebook(record: PageRecord, site: SiteInfo) -> dict:
    """The executed notebook as handed to Quarto: front matter, the shared navigation, the outputs readers see
    (no hidden cells, stderr or data-only bundles), the children links and the provenance footer."""
    nb = read_notebook(record.notebook)
    links = nav(record)
    cells = reader_cells(nb)
    body_text = json.dumps(cells, ensure_ascii=False)
    head = env().get_template("_nav.html.j2").render(
        notice=site.notices.get(record.page), sample_banner=sample_banner_needed(site, body_text), **links)
    tail = env().get_template("_children.html.j2").render(**links) + footer(record, nb, site)
    if links["home"]:  # jump box right after the page's own header block, as in the built-in site
        first = next((i for i, c in enumerate(cells) if c["cell_type"] == "code"), -1) + 1
        cells.insert(first, raw_html(env().get_template("jump.html.j2").render(root=links["root"])))
    front = {"cell_type": "raw", "metadata": {}, "source": front_matter(record, links["root"])}
    out = {**nb, "cells": [front, raw_html(head), *cells, raw_html(tail)]}
    if links["home"]:
        out["cells"].append(raw_html(f'<script src="{links["root"]}assets/jump.js"></script>'))
    return out


def search_page() -> str:
    body = search_body("../")
    return f'---\ntitle: "Cari halaman"\ndescription: "Cari halaman kemajuan dan evaluasi RAN PASTI."\n---\n\n' \
           f"```{{=html}}\n{body}\n```\n"


def write_project(records: list[PageRecord], site: SiteInfo, workdir: Path, with_search: bool,
                  link_targets: list[PageRecord]) -> list[str]:
    """Write one project copy rendering ``records``; return its render list.

    ``link_targets`` (the home page) are written too but not rendered, so the navbar's links resolve in
    every shard."""
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    render_list = []
    for r in [*records, *(t for t in link_targets if t not in records)]:
        target = workdir / r.page / "index.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(page_notebook(r, site), ensure_ascii=False), encoding="utf-8")
        if r in records:
            render_list.append(f"{r.page}index.ipynb")
    (workdir / SEARCH_PAGE).mkdir(parents=True, exist_ok=True)
    (workdir / SEARCH_PAGE / "index.qmd").write_text(search_page(), encoding="utf-8")
    if with_search:
        render_list.append(f"{SEARCH_PAGE}index.qmd")
    shutil.copytree(ASSETS, workdir / "assets")
    config = project_config(render_list)
    (workdir / "_quarto.yml").write_text(
        "# Generated by ranpasti from the repository's _quarto.yml; do not edit (rewritten on every build).\n"
        + yaml.safe_dump(config, allow_unicode=True, sort_keys=False, width=10_000), encoding="utf-8")
    return render_list


def run_quarto(workdir: Path) -> None:
    """``quarto render <project> --no-execute``; a non-zero exit fails the build with Quarto's own message."""
    proc = subprocess.run(["quarto", "render", str(workdir), "--no-execute"], capture_output=True, text=True)
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout)[-3000:]
        raise RuntimeError(f"quarto render gagal (status {proc.returncode}) untuk {workdir}:\n{tail}")


def merge_tree(src: Path, dst: Path) -> None:
    """Move ``src``'s contents into ``dst`` (renames; files already there, e.g. site_libs, are kept)."""
    dst.mkdir(parents=True, exist_ok=True)
    for entry in src.iterdir():
        target = dst / entry.name
        if not target.exists():
            os.replace(entry, target)
        elif entry.is_dir() and target.is_dir():
            merge_tree(entry, target)


_MAIN = re.compile(r"<main\b([^>]*)>")
_EXTERNAL = re.compile(r"<(?:script|link|img)\b[^>]*\b(?:src|href)=\"(https?:)?//[^\"]*\"", re.I)
_NAV_HREF = re.compile(r'href="((?:\.\./)*)index\.ipynb"')


def finish_page(path: Path, record_title: str | None) -> list[str]:
    """Mark the page body for Pagefind, fix notebook links Quarto left unresolved, return external sources."""
    html = path.read_text(encoding="utf-8")
    if record_title is not None and "data-pagefind-body" not in html:
        title = record_title.replace('"', "&quot;")
        html = _MAIN.sub(lambda m: f'<main{m.group(1)} data-pagefind-body data-pagefind-meta="title:{title}">',
                         html, count=1)
    html = _NAV_HREF.sub(lambda m: f'href="{m.group(1)}index.html"', html)
    path.write_text(html, encoding="utf-8")
    return [m.group(0) for m in _EXTERNAL.finditer(html)]


@register
class QuartoRenderer:
    name = "quarto"

    def available(self) -> tuple[bool, str]:
        version = quarto_version()
        if version is None:
            return False, "quarto tidak ada di PATH"
        text = ".".join(map(str, version))
        if version[:2] < MIN_VERSION:
            return False, f"quarto {text} di PATH terlalu lama (perlu ≥ {'.'.join(map(str, MIN_VERSION))})"
        return True, f"quarto {text} ditemukan di PATH"

    def prepare(self, records: list[PageRecord], ctx: RenderContext, out: Path,
                site: SiteInfo | None = None) -> list[Path]:
        """Write the project copies (one per shard of ``SHARD_PAGES``) and return their folders."""
        site = site or site_info(ctx)
        base = Path(ctx.build_dir) / "quarto"
        shutil.rmtree(base, ignore_errors=True)
        shards = [records[i:i + SHARD_PAGES] for i in range(0, len(records), SHARD_PAGES)] or [[]]
        home = [r for r in records if r.page == ""]
        dirs = []
        for n, shard in enumerate(shards):
            workdir = base / f"proyek-{n:03d}"
            write_project(shard, site, workdir, with_search=n == 0, link_targets=home)
            dirs.append(workdir)
        return dirs

    def render(self, records: list[PageRecord], ctx: RenderContext, out: Path) -> None:
        site = site_info(ctx)
        dirs = self.prepare(records, ctx, out, site)
        with ThreadPoolExecutor(max_workers=max(1, min(ctx.jobs, len(dirs)))) as pool:
            list(pool.map(run_quarto, dirs))  # re-raises the first failure
        for d in dirs:
            merge_tree(d / OUTPUT_DIR, out)
        external = []
        for r in records:
            page = out / r.page / "index.html"
            if not page.exists():
                raise RuntimeError(f"quarto tidak menulis {r.page}index.html")
            external += finish_page(page, search_title(r))
            place_page_files(r, read_notebook(r.notebook), file_sha(r.notebook), site, out)
        external += finish_page(out / SEARCH_PAGE / "index.html", None)
        if external:
            raise RuntimeError("Situs Quarto memuat skrip/gaya dari luar (harus bekerja tanpa CDN): "
                               + "; ".join(sorted(set(external))[:5]))
        finish_site(records, site, out, search_page=False, jobs=ctx.jobs)
