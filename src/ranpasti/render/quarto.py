"""The Quarto renderer: a real Quarto website project over the executed notebooks.

Chosen by ``auto`` when a ``quarto`` ≥ 1.9 is on PATH. Each page is handed to Quarto as ``<page>/index.ipynb``,
so Quarto writes ``<page>/index.html``: the same URLs as the built-in renderer. The notebook handed over is
the *reader's* notebook (``reader_notebook``): front matter, the notebook's markdown cells, and for every run
of outputs readers see (and the shared navigation and provenance footer, from the same templates as the
built-in site) a raw HTML block. Quarto is called through its CLI with ``--no-execute`` and its exit status
is checked; then the same steps as the built-in renderer run (downloads, SVG fallbacks, notebook copies,
static assets, Pagefind), so both sites have the same files.

Why, measured with Quarto 1.9.38 (``quarto-cli`` source in brackets):

* no code cells with outputs: for any ``text/html`` or ``application/javascript`` output Quarto adds
  require.js and jQuery from cdn.jsdelivr.net (``src/core/jupyter/widgets.ts``); require.js then captures
  Vega's modules and no chart draws. Raw HTML blocks are passed through with nothing added;
* sources as lists of lines, as nbformat writes them: Quarto joins a single-string source's lines without
  their line breaks, which printed the front matter as text and glued headings to paragraphs;
* raw HTML blocks as markers (``marker_cell``), put back after Quarto (``fill_markers``): Quarto passes raw
  HTML through unchanged, and keeping 60-90 KB of it per page out of pandoc's Lua reader, Quarto's Lua
  filters and its WASM HTML parser cut Quarto's time for the sample from 33.1 s to 24.8 s on 2 cores;
* no ``title`` (``pagetitle`` instead) and markdown cells, not raw cells, around the first heading: Quarto
  would add a second h1, or take the first section heading as the page title;
* the site header (name, Beranda, search box) is added after Quarto: Quarto puts ``include-before-body``
  inside ``<main>``.

Scale: Quarto costs ~2.5 s to start a project render and ~0.5 s per page on one core (~0.37 s of it one
pandoc run with Quarto's Lua reader and filters, the same for an empty page). So pages are split into
project copies (``plan_shards``) rendered by ``ctx.jobs`` Quarto processes at once, at any size; the first
failing copy stops the others (``QuartoRuns``), and each copy's pages are checked for outside sources as soon
as it finishes. Publishing is incremental like the built-in renderer: pages whose key
(``incremental.page_keys`` with this renderer's identity: Quarto's version and the project configuration)
did not change are linked from the published site and not rendered.

Search is Pagefind (Quarto's ``search.json`` grows past 100 MB nationally, and ``website: search: false``
alone does not stop it in 1.9: the top-level ``search: false`` does). There is no sidebar of every page (its
render time grows quadratically) and no Quarto navbar: every page carries the site's own header, breadcrumbs
and links, from ``templates/``.
"""

from __future__ import annotations

import contextlib
import copy
import html as htmlmod
import json
import os
import re
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any

import yaml

from ..core import caches
from ..core.adapters import quarto as quarto_js
from ..core.errors import RenderFailed
from ..core.files import link_tree, sha256_bytes, sha256_file
from ..plan.sitemap import PageRecord
from .assets import (
    ASSETS,
    CHART_SCRIPT,
    SEARCH_PAGE,
    SiteInfo,
    charts_counted,
    csp_meta,
    env,
    footer,
    jump_box_at,
    nav,
    place_page_files,
    read_notebook,
    reader_cells,
    sample_banner_needed,
    search_title,
    site_info,
    size_charts,
)
from .base import Renderer, register
from .context import RenderContext
from .incremental import MANIFEST, Previous, page_key
from .search_index import ShardRuns
from .site import STATIC_PAGES, StaticPage, finish_site, header_flags

MIN_VERSION = (1, 9)
PROJECT_TEMPLATE = Path(__file__).resolve().parents[3] / "_quarto.yml"  # the repository's documented config
OUTPUT_DIR = "_site"  # inside each project copy; moved into the staging folder after rendering
SITE_LIBS = "site_libs"  # Quarto's own scripts and styles (Bootstrap, quarto.js), shared by every page
SHARD_PAGES = 1000  # most pages per project copy (one Quarto process's memory and render list)
# Fewest pages worth a Quarto process of their own: a process costs ~2.5 s to start, a page ~0.5 s.
MIN_SHARD_PAGES = 8
SKIP_TARGET = "#quarto-document-content"  # Quarto's <main id>

# Used when the package runs without its source tree (installed wheel): the same settings as _quarto.yml.
DEFAULT_PROJECT = {
    "project": {"type": "website", "output-dir": OUTPUT_DIR},
    "lang": "id",
    "search": False,
    "execute": {"enabled": False, "echo": False, "warning": False, "error": False},
    "website": {"title": "RAN PASTI — Kemajuan dan Evaluasi", "favicon": "assets/favicon.svg", "search": False},
    "format": {"html": {
        "theme": "default", "css": ["assets/site.css"], "html-math-method": "plain", "html-table-processing": "none",
        "title-block-style": "none", "toc": False, "anchor-sections": False, "code-tools": False,
        "notebook-links": False, "link-external-icon": False,
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
    config: dict[str, Any] = copy.deepcopy(base or DEFAULT_PROJECT)
    project = config.setdefault("project", {})
    project.update({"type": "website", "output-dir": OUTPUT_DIR, "render": list(render_list)})
    config["lang"] = "id"
    config["search"] = False  # the top-level key is the one that stops search.json (Quarto 1.9)
    config.setdefault("execute", {}).update({"enabled": False, "echo": False})
    website = config.setdefault("website", {})
    website["search"] = False
    website.pop("sidebar", None)  # quadratic render time with thousands of pages
    website.pop("navbar", None)  # the site's own header is on every page (templates/_header.html.j2)
    html = config.setdefault("format", {}).setdefault("html", {})
    html["html-math-method"] = "plain"  # MathJax would come from a CDN
    html["title-block-style"] = "none"  # the notebook's own header block is the page title
    return config


def lines(text: str) -> list[str]:
    """A cell source as nbformat writes it (a list of lines with their breaks): Quarto 1.9 joins a
    single-string source's lines without the breaks."""
    return text.splitlines(keepends=True)


BLOCKS_FILE = "_blok.json"  # beside each page's notebook in a project copy: the HTML its markers stand for
_MARKER = re.compile(r'<div data-rp-blok="(\d+)"></div>')


WIDE_MARK = "rp-wide"  # the class display.Table gives a table of many columns (sections/table.html.j2)


def marker_cell(n: int, wide: bool = False) -> dict:
    """The marker of the page's ``n``-th HTML block, in a raw HTML block of a markdown cell. Not a raw cell:
    with raw cells first, Quarto 1.9 takes the first markdown heading ("Capaian bulan laporan") as the page
    title and turns it into an h1 at the top (``fixupFrontMatter`` in quarto-cli). A block holding a wide
    table (``display.WIDE_COLUMNS``) is set in Quarto's ``.column-screen-inset`` div: the screen's width
    instead of the text column's (800 px at 1280), so the evaluation's main table does not scroll sideways."""
    source = ["```{=html}\n", f'<div data-rp-blok="{n}"></div>\n', "```\n"]
    if wide:
        source = ["::: {.column-screen-inset}\n", *source, ":::\n"]
    return {"cell_type": "markdown", "metadata": {}, "source": source}


def output_html(output: dict) -> tuple[str, str] | None:
    """One output as ``("html", text)`` or ``("markdown", text)``, in nbconvert's display priority (what the
    built-in renderer shows for it); None for an output with nothing to show."""
    data = output.get("data")
    if data is None:  # stream (stdout: ``reader_cells`` already dropped stderr)
        text = output.get("text", "")
        return ("html", f'<pre class="rp-output">{htmlmod.escape(text)}</pre>') if text else None
    if "text/html" in data:
        return "html", data["text/html"]
    if "image/svg+xml" in data:
        return "html", data["image/svg+xml"]
    for mime in ("image/png", "image/jpeg"):
        if mime in data:
            return "html", f'<img src="data:{mime};base64,{"".join(data[mime]).strip()}" alt="Gambar keluaran">'
    if "text/markdown" in data:
        return "markdown", data["text/markdown"]
    if "text/plain" in data:
        return "html", f'<pre class="rp-output">{htmlmod.escape(data["text/plain"])}</pre>'
    return None


def reader_blocks(nb: dict) -> list[tuple[str, str]]:
    """What readers see, in order, as markdown and HTML blocks; adjacent HTML outputs joined into one."""
    blocks: list[tuple[str, str]] = []
    for cell in reader_cells(nb):
        kind = cell["cell_type"]
        if kind == "markdown":
            shown = [("markdown", cell["source"])]
        elif kind == "code":
            shown = [b for b in map(output_html, cell["outputs"]) if b is not None]
        else:
            continue  # raw cells are not shown (the built-in renderer excludes them too)
        for block in shown:
            if block[0] == "html" and blocks and blocks[-1][0] == "html":
                blocks[-1] = ("html", blocks[-1][1] + "\n" + block[1])
            else:
                blocks.append(block)
    return blocks


def with_jump_box(blocks: list[tuple[str, str]], root: str) -> list[tuple[str, str]]:
    """The home page's region jump box after the headline cards (``assets.jump_box_at``), as in the built-in
    site; after the header block when no block has cards."""
    box = env().get_template("jump.html.j2").render(root=root)
    for marker in ('class="rp-cards"', "</header>"):
        for i, (kind, text) in enumerate(blocks):
            if kind == "html" and marker in text:
                at = jump_box_at(text)
                return [*blocks[:i], ("html", text[:at] + "\n" + box + text[at:]), *blocks[i + 1:]]
    return [("html", box), *blocks]


# Page title and description go to Quarto as these tokens and are put in after it (``finish_page``): pandoc
# reads metadata strings as Markdown and Quarto resolves shortcodes in them, even escaped ones (a region
# name ``{{< env NAME >}}`` printed an environment variable in the page title). Region names are reference
# data: nothing from data goes through Quarto.
TITLE_TOKEN = "rpjudulhalaman"
DESCRIPTION_TOKEN = "rpdeskripsihalaman"


def front_matter(root: str, charts: bool) -> str:
    """The page's YAML front matter: ``pagetitle`` and description as tokens (no ``title``: the notebook's
    own header block is the page's only h1; with ``title`` Quarto adds a second), the chart scripts where
    there are charts."""
    meta: dict = {"pagetitle": TITLE_TOKEN, "description": DESCRIPTION_TOKEN}
    if charts:
        meta["include-in-header"] = {"text": f'<script defer src="{root}{CHART_SCRIPT}"></script>'}
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=10_000) + "---\n"


def site_header(root: str, home: bool, page: str = "") -> str:
    """The skip link and the site's header (name, Beranda, search box), as on built-in pages. Added after
    Quarto (``finish_page``): Quarto puts ``include-before-body`` inside ``<main>``, and a site header
    belongs before it."""
    header = env().get_template("_header.html.j2").render(root=root, home=home, **header_flags(page))
    return f'<a class="rp-skip" href="{SKIP_TARGET}">Langsung ke isi</a>\n{header}'


def reader_notebook(record: PageRecord, site: SiteInfo) -> tuple[dict, list[str]]:
    """The executed notebook as handed to Quarto, and the HTML blocks its markers stand for: front matter,
    the shared navigation, what readers see (no hidden cells, stderr, code or data-only bundles), the
    children links and the provenance footer."""
    nb = read_notebook(record.notebook)
    links = nav(record)
    blocks = reader_blocks(nb)
    body = "\n".join(text for kind, text in blocks if kind == "html")
    if links["home"]:
        blocks = with_jump_box(blocks, links["root"])
    head = env().get_template("_nav.html.j2").render(
        notice=site.notices.get(record.page), sample_banner=sample_banner_needed(site, body), **links)
    tail = env().get_template("_children.html.j2").render(**links) + footer(record, site)
    if links["home"]:
        tail += f'\n<script src="{links["root"]}assets/jump.js"></script>'
    front = front_matter(links["root"], "rp-chart" in body)
    cells = [{"cell_type": "raw", "metadata": {}, "source": lines(front)}]
    html: list[str] = []
    for kind, text in [("html", head), *blocks, ("html", tail)]:
        if kind == "html":
            cells.append(marker_cell(len(html), wide=WIDE_MARK in text))
            html.append(text)
        else:
            cells.append({"cell_type": "markdown", "metadata": {}, "source": lines(text)})
    meta = {k: nb["metadata"][k] for k in ("kernelspec", "language_info") if k in nb.get("metadata", {})}
    return {"cells": cells, "metadata": meta, "nbformat": 4, "nbformat_minor": 5}, html


def static_page(site: SiteInfo, page: StaticPage) -> str:
    """``cari/index.qmd`` or ``istilah/index.qmd``: the page with the same breadcrumbs as the built-in one."""
    crumbs = [{"label": "Indonesia", "href": "../"}, {"label": page.crumb, "href": "./"}]
    head = env().get_template("_nav.html.j2").render(
        crumbs=crumbs, sample_banner=site.sample and page.page == SEARCH_PAGE, related=[], children=[])
    front = front_matter("../", False)
    return f"{front}\n```{{=html}}\n{head}\n{page.body('../')}\n```\n"


def write_project(records: list[PageRecord], site: SiteInfo, workdir: Path, statics: list[str]) -> list[str]:
    """Write one project copy rendering ``records`` (and the ``statics`` pages); return its render list."""
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    render_list = []
    for r in records:
        folder = workdir / r.page
        folder.mkdir(parents=True, exist_ok=True)
        nb, html = reader_notebook(r, site)
        (folder / "index.ipynb").write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
        (folder / BLOCKS_FILE).write_text(json.dumps(html, ensure_ascii=False), encoding="utf-8")
        render_list.append(f"{r.page}index.ipynb")
    for page in statics:
        (workdir / page).mkdir(parents=True, exist_ok=True)
        (workdir / page / "index.qmd").write_text(static_page(site, STATIC_PAGES[page]), encoding="utf-8")
        render_list.append(f"{page}index.qmd")
    (workdir / "assets").mkdir()
    for name in ("site.css", "favicon.svg"):  # what _quarto.yml names; the rest is copied into the site after
        shutil.copyfile(ASSETS / name, workdir / "assets" / name)
    (workdir / "_quarto.yml").write_text(
        "# Generated by ranpasti from the repository's _quarto.yml; do not edit (rewritten on every build).\n"
        + yaml.safe_dump(project_config(render_list), allow_unicode=True, sort_keys=False, width=10_000),
        encoding="utf-8")
    return render_list


def plan_shards(records: list[PageRecord], jobs: int) -> list[list[PageRecord]]:
    """Pages per Quarto process: enough processes to use every core (each with at least
    ``MIN_SHARD_PAGES``), none over ``SHARD_PAGES``; interleaved, so each gets alike pages."""
    n = len(records)
    count = max(-(-n // SHARD_PAGES), min(jobs, n // MIN_SHARD_PAGES), 1)
    return [records[i::count] for i in range(count)]


# ---------------------------------------------------------------- running Quarto

_WARNING = re.compile(r"^\W*(?:\x1b\[[0-9;]*m)?WARN(?:ING)?:?\s*(.*?)(?:\x1b\[[0-9;]*m)?$", re.M)


class QuartoFailed(RenderFailed):
    pass


class QuartoRuns:
    """Quarto processes for the project copies, ``jobs`` at a time. The first copy that fails (Quarto's exit
    status, or ``check`` on its output) stops the others at once: a broken page is reported after its own
    copy, not after the whole site has rendered."""

    def __init__(self, jobs: int):
        self.jobs = max(1, jobs)
        self._procs: set[subprocess.Popen] = set()
        self._lock = threading.Lock()
        self._stopped = False
        self.warnings: list[str] = []

    def _run(self, workdir: Path) -> Path:
        with self._lock:
            if self._stopped:
                raise QuartoFailed("dihentikan")
            proc = subprocess.Popen(["quarto", "render", str(workdir), "--no-execute"], stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True, start_new_session=True)
            self._procs.add(proc)
        try:
            out, err = proc.communicate()
        finally:
            with self._lock:
                self._procs.discard(proc)
        if proc.returncode != 0:
            if self._stopped:
                raise QuartoFailed("dihentikan")
            tail = (err or out)[-3000:]
            raise QuartoFailed(f"quarto render gagal (status {proc.returncode}) untuk {workdir}:\n{tail}")
        with self._lock:
            self.warnings += [m.group(1).strip() for m in _WARNING.finditer(err + out)]
        return workdir

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            for proc in self._procs:  # Quarto and the pandoc/sass it started: one process group each
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(proc.pid, signal.SIGTERM)

    def run(self, workdirs: list[Path], done: Callable[[Path], None]) -> None:
        """Render every copy; ``done(workdir)`` runs (in this thread) as each one finishes, and may raise."""
        with ThreadPoolExecutor(max_workers=min(self.jobs, len(workdirs)) or 1) as pool:
            pending = {pool.submit(self._run, d) for d in workdirs}
            try:
                while pending:
                    finished, pending = wait(pending, return_when=FIRST_EXCEPTION)
                    for f in finished:
                        done(f.result())  # re-raises the copy's failure
            except BaseException:
                self.stop()
                for f in pending:
                    f.cancel()
                raise


# ---------------------------------------------------------------- after Quarto

_MAIN = re.compile(r"<main\b([^>]*)>")
_BODY = re.compile(r"<body\b[^>]*>")
_EXTERNAL = re.compile(
    r"<(?:script|link|img|iframe|source|video|audio|embed|object)\b[^>]*?\b(?:src|href|data|srcset)="
    r"[\"']?\s*(?:https?:)?//[^\"'\s>]*", re.I)
_CSS_EXTERNAL = re.compile(r"(?:@import\s+|url\()\s*[\"']?(?:https?:)?//[^\"')\s]*", re.I)


def fill_markers(html: str, blocks: list[str]) -> str:
    """Put each HTML block where Quarto left its marker; every block exactly once, or the page is refused."""
    used: list[int] = []

    def block(m: re.Match) -> str:
        n = int(m.group(1))
        if n >= len(blocks):
            raise QuartoFailed(f"penanda blok HTML {n} tidak dikenal")
        used.append(n)
        return blocks[n]

    html = _MARKER.sub(block, html)
    if sorted(used) != list(range(len(blocks))):
        raise QuartoFailed(f"Quarto tidak mempertahankan semua blok HTML halaman ({len(used)} dari {len(blocks)})")
    return html


_HEAD = re.compile(r"<head\b[^>]*>", re.IGNORECASE)


def finish_page(path: Path, header: str, title: tuple[str, str], search_title: str | None,
                blocks: list[str] | None = None) -> list[str]:
    """Put the page's title, description and HTML blocks in, add the site header, mark the page body for
    Pagefind; return the sources the page would load from outside the site."""
    html = path.read_text(encoding="utf-8")
    if TITLE_TOKEN not in html or DESCRIPTION_TOKEN not in html:
        raise QuartoFailed("Quarto tidak menulis judul atau deskripsi halaman")
    html = html.replace(TITLE_TOKEN, htmlmod.escape(title[0], quote=True)).replace(
        DESCRIPTION_TOKEN, htmlmod.escape(title[1], quote=True))
    if blocks is not None:
        html = fill_markers(html, blocks)
    html = _BODY.sub(lambda m: f"{m.group(0)}\n{header}", html, count=1)
    if search_title is not None:
        meta = htmlmod.escape(search_title, quote=True)
        html = _MAIN.sub(lambda m: f'<main{m.group(1)} data-pagefind-body data-pagefind-meta="title:{meta}">',
                         html, count=1)
    html = _HEAD.sub(lambda m: f"{m.group(0)}\n{csp_meta(html)}", html, count=1)  # first in <head>: covers all
    path.write_text(html, encoding="utf-8")
    return [m.group(0) for m in _EXTERNAL.finditer(html)] + [m.group(0) for m in _CSS_EXTERNAL.finditer(html)]


def external_in_libs(folder: Path) -> list[str]:
    """Quarto's own CSS loading fonts or styles from outside (a theme with web fonts would)."""
    found = []
    for css in folder.rglob("*.css"):
        found += [f"{css.name}: {m.group(0)}" for m in _CSS_EXTERNAL.finditer(css.read_text(encoding="utf-8",
                                                                                          errors="replace"))]
    return found


def merge_tree(src: Path, dst: Path) -> None:
    """Move ``src``'s contents into ``dst``. A file already there is replaced by a rename (a new inode: a
    file linked from the published site is never written through)."""
    dst.mkdir(parents=True, exist_ok=True)
    for entry in src.iterdir():
        target = dst / entry.name
        if entry.is_dir() and target.is_dir():
            merge_tree(entry, target)
        else:
            os.replace(entry, target)


@caches.memo(4)
def identity(version: tuple[int, ...]) -> str:
    """This renderer in page keys: Quarto's version and the project configuration."""
    config = json.dumps(project_config([]), sort_keys=True, ensure_ascii=False)
    return f"quarto {'.'.join(map(str, version))} {sha256_bytes(config)[:16]}"


@register
class QuartoRenderer(Renderer):
    name = "quarto"

    def available(self) -> tuple[bool, str]:
        version = quarto_version()
        if version is None:
            return False, "quarto tidak ada di PATH"
        text = ".".join(map(str, version))
        if version[:2] < MIN_VERSION:
            return False, f"quarto {text} di PATH terlalu lama (perlu ≥ {'.'.join(map(str, MIN_VERSION))})"
        return True, f"quarto {text} ditemukan di PATH"

    def prepare(self, records: list[PageRecord], ctx: RenderContext, site: SiteInfo | None = None,
                statics: list[str] | None = None) -> dict[Path, list[PageRecord]]:
        """Write the project copies for ``records``; return each copy's folder and pages."""
        site = site or site_info(ctx)
        base = Path(ctx.build_dir).resolve() / "quarto"
        shutil.rmtree(base, ignore_errors=True)
        copies = {}
        for n, shard in enumerate(plan_shards(records, ctx.jobs) if records else [[]]):
            workdir = base / f"proyek-{n:03d}"
            write_project(shard, site, workdir, list(STATIC_PAGES) if statics is None else statics if n == 0 else [])
            copies[workdir] = shard
        return copies

    def identity(self) -> str:
        return identity(quarto_version() or (0,))

    def reusable(self, previous: Previous) -> bool:
        # not a Quarto site: its pages cannot be reused here
        return previous.root is not None and (previous.root / SITE_LIBS).is_dir()

    def render_site(self, records: list[PageRecord], ctx: RenderContext, site: SiteInfo, out: Path,
                    keys: dict[str, str], previous: Previous) -> tuple[dict[str, list[str]], dict[str, str]]:
        """Quarto renders whole project copies (its own search page among them) and shares its libraries
        between pages, so it links and renders in its own order; keys and manifest stay ``Renderer``'s."""
        ident = self.identity()
        version = ".".join(map(str, quarto_version() or (0,)))  # what ``adapters.quarto`` was written for
        for page in STATIC_PAGES:
            keys[page] = page_key([ident, page, site.sample, site.code])
        search = ShardRuns(records, out, {p: k for p, k in keys.items() if p not in STATIC_PAGES}, previous)
        files = previous.link_pages(keys, out)
        todo = [r for r in records if r.page not in files]
        statics = [p for p in STATIC_PAGES if p not in files]
        if files and previous.root is not None:
            link_tree(previous.root / SITE_LIBS, out / SITE_LIBS)  # Quarto's libraries of the reused pages
        warnings: list[str] = []
        if todo or statics:
            copies = self.prepare(todo, ctx, site, statics=statics)
            runs = QuartoRuns(ctx.jobs)
            finished: list[Path] = []
            ctx.log(f"Quarto merender {len(todo)} halaman dalam {len(copies)} salinan proyek, "
                    f"{min(ctx.jobs, len(copies))} proses sekaligus (sekitar 0,5 detik per halaman per core).")

            def done(workdir: Path) -> None:
                rendered = workdir / OUTPUT_DIR
                for stray in ("search.json", "sitemap.xml", MANIFEST):
                    (rendered / stray).unlink(missing_ok=True)
                mine = {r.page: r for r in copies[workdir]}
                if "" not in mine:  # Quarto's redirect to the copy's first page, where the home page is not
                    (rendered / "index.html").unlink(missing_ok=True)
                external = external_in_libs(rendered / SITE_LIBS) if (rendered / SITE_LIBS).exists() else []
                quarto_js.patch_nav_script(rendered / SITE_LIBS, version)
                for page in rendered.rglob("index.html"):
                    rel = page.parent.relative_to(rendered).as_posix()
                    rel = "" if rel == "." else rel + "/"
                    record = mine.get(rel)
                    if record is None and rel not in STATIC_PAGES:
                        raise QuartoFailed(f"quarto menulis halaman yang tidak diminta: {rel}index.html")
                    if record is None:
                        header, blocks = site_header("../", home=False, page=rel), None
                        title = (STATIC_PAGES[rel].title, STATIC_PAGES[rel].description)
                    else:
                        links = nav(record)
                        header = site_header(links["root"], links["home"])
                        blocks = json.loads((workdir / rel / BLOCKS_FILE).read_text(encoding="utf-8"))
                        title = (record.title, record.description)
                    try:
                        found = finish_page(page, header, title, search_title(record) if record else None, blocks)
                    except QuartoFailed as e:
                        raise QuartoFailed(f"{rel}index.html: {e}") from None
                    external += [f"{rel}index.html: {e}" for e in found]
                if external:
                    raise QuartoFailed("Situs Quarto memuat skrip/gaya dari luar situs (harus bekerja tanpa CDN): "
                                       + "; ".join(sorted(set(external))[:5]))
                merge_tree(rendered, out)
                finished.append(workdir)
                if len(copies) > 1:
                    ctx.log(f"Quarto: salinan {len(finished)}/{len(copies)} selesai "
                            f"({sum(len(copies[d]) for d in finished)} halaman).")

            started = time.perf_counter()
            try:
                runs.run(list(copies), done)
            except QuartoFailed as e:
                raise RenderFailed(str(e)) from None
            warnings = runs.warnings
            ctx.stats.update(quarto_seconds=round(time.perf_counter() - started, 2), quarto_processes=len(copies))
        with charts_counted(ctx.stats):
            for r in todo:
                if not (out / r.page / "index.html").exists():
                    raise RenderFailed(f"quarto tidak menulis {r.page}index.html")
                files[r.page] = ["index.html", *place_page_files(r, read_notebook(r.notebook),
                                                                  sha256_file(r.notebook), site, out)]
                written = out / r.page / "index.html"
                written.write_text(size_charts(written.read_text(encoding="utf-8"), written.parent),
                                   encoding="utf-8")
        for page in statics:
            files[page] = ["index.html"]
        ctx.stats.update(pages_rendered=len(todo), pages_reused=len(records) - len(todo), warnings=warnings,
                         rendered_pages=[r.page for r in todo] + statics)
        search.start(ctx.jobs)
        shard_keys = finish_site(records, site, out, static_pages=False, jobs=ctx.jobs, search=search)
        ctx.stats["index_wait_seconds"] = search.waited
        return files, shard_keys
