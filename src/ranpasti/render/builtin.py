"""The built-in renderer: nbconvert's HTMLExporter in-process, inside the site's Jinja2 page template.

Used when Quarto is not installed (and by the tests). Pages whose inputs did not change since the published
site are linked from it, not rendered (``base.Renderer``: this module only renders pages). One exporter per
process serves every page (inputs hidden, no prompts, no anchor links, no MathJax, no CDN, stderr dropped);
its body HTML is cached by the executed notebook's hash and the package's source fingerprint, so a rebuild
only re-exports pages whose notebook or code changed. With ``jobs > 1`` pages are rendered by forked worker
processes, each with its own exporter and compiled templates.

Speed (the national site has ~15,600 pages): nbconvert's ``HTMLExporter.from_notebook_node`` re-parses its
whole output with BeautifulSoup to add alt text to images and ``tabindex`` to every output; on these pages
that costs ~4x the export itself. ``adapters.nbconvert.site_exporter`` skips that pass (every image here already
has alt text, and focusable non-interactive outputs only add tab stops) and the per-preprocessor schema
validation.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from multiprocessing import get_context
from pathlib import Path

from markupsafe import Markup

from ..core import caches
from ..core.adapters import nbconvert
from ..core.errors import RenderFailed
from ..core.files import sha256_file
from ..plan.sitemap import PageRecord
from .assets import (
    CHART_STAT,
    SiteInfo,
    add_chart_cpu,
    charts_counted,
    env,
    footer,
    jump_box_at,
    nav,
    place_page_files,
    read_notebook,
    reader_cells,
    sample_banner_needed,
    search_title,
    size_charts,
)
from .base import Renderer, register
from .context import RenderContext


@caches.memo(1)
def exporter():
    """One exporter per process, configured once (``adapters.nbconvert``: no BeautifulSoup pass)."""
    from traitlets.config import Config

    c = Config()
    c.HTMLExporter.exclude_input = True
    c.HTMLExporter.exclude_input_prompt = True
    c.HTMLExporter.exclude_output_prompt = True
    c.HTMLExporter.exclude_anchor_links = True  # empty "¶" links are unlabeled links for screen readers
    c.HTMLExporter.exclude_raw = True
    c.HTMLExporter.mathjax_url = ""
    c.HTMLExporter.require_js_url = ""
    c.HTMLExporter.widget_renderer_url = ""
    c.HTMLExporter.jupyter_widgets_base_url = ""
    return nbconvert.site_exporter(c)


def shown(nb: dict):
    """What readers see (``assets.reader_cells``), as the notebook node nbconvert expects: built fresh for one
    export (``nbformat.from_dict`` copies every list and object), so it is exported as it is, not deep-copied
    again first (``_fresh_node``)."""
    import nbformat

    return _fresh_node()(nbformat.from_dict({**nb, "cells": reader_cells(nb)}))


@caches.memo(1)
def _fresh_node() -> type:
    """A notebook node that is its own deep copy. ``Exporter.from_notebook_node`` deep-copies the notebook it is
    given before its preprocessors change it (~1 ms a page, a tenth of the export); the node ``shown`` makes is
    used by that one export only, so the preprocessors may change it instead."""
    from nbformat import NotebookNode

    class FreshNotebook(NotebookNode):
        def __deepcopy__(self, memo):
            return self

    return FreshNotebook


def body_html(nb: dict, sha: str, cache_dir: Path, code: str = "") -> str:
    """The notebook's body HTML (outputs and Markdown), cached by notebook hash and source fingerprint."""
    path = cache_dir / f"{caches.key([sha, code])}.html"  # ``caches.build_path``'s recipe
    if path.exists():
        os.utime(path)
        return path.read_text(encoding="utf-8")
    body, _ = exporter().from_notebook_node(shown(nb))
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(body, encoding="utf-8")
    tmp.replace(path)
    return body


def with_jump_box(body: str, root: str) -> str:
    """The home page's region jump box, after the headline cards (``assets.jump_box_at``)."""
    box = env().get_template("jump.html.j2").render(root=root)
    at = jump_box_at(body)
    if at < 0:
        return box + body
    return body[:at] + "\n" + box + body[at:]


def render_page(record: PageRecord, site: SiteInfo, out: Path) -> list[str]:
    """Write the page and its files into ``out``; return the names of the files in the page folder."""
    nb = read_notebook(record.notebook)
    sha = sha256_file(record.notebook)
    body = body_html(nb, sha, site.build_dir / "render-cache" / "html", site.code)
    files = place_page_files(record, nb, sha, site, out)
    body = size_charts(body, out / record.page)
    links = nav(record)
    if links["home"]:
        body = with_jump_box(body, links["root"])
    html = env().get_template("page.html.j2").render(
        title=record.title, search_title=search_title(record), description=record.description,
        version=site.version, charts="rp-chart" in body,
        notice=site.notices.get(record.page), body_index=True, body=Markup(body),
        sample_banner=sample_banner_needed(site, body), footer=Markup(footer(record, site)), **links)
    (out / record.page / "index.html").write_text(html, encoding="utf-8")
    return ["index.html", *files]


_worker: dict = {}

# Below this many pages, rendering here beats starting a pool: its workers take ~0.6 s to start and import
# nbconvert, and a page renders in ~12 ms (measured on 2 cores: 60 pages 1.14 s here vs 1.52 s with two
# workers; 89 pages 1.47 s vs 1.53 s).
POOL_MIN_PAGES = 150


def _init(site: SiteInfo, out: Path) -> None:
    _worker.update(site=site, out=out)


def _render_chunk(records: list[PageRecord]) -> tuple[dict[str, list[str]], float]:
    """The chunk's pages, and the CPU its charts took (``phases``: reported apart from rendering)."""
    tally: dict = {}
    with charts_counted(tally):
        files = {r.page: render_page(r, _worker["site"], _worker["out"]) for r in records}
    return files, tally[CHART_STAT]


@register
class BuiltinRenderer(Renderer):
    name = "builtin"

    def available(self) -> tuple[bool, str]:
        return True, "nbconvert HTMLExporter di dalam proses"

    def identity(self) -> str:
        return self.name  # nbconvert's version is in the source fingerprint (``fingerprint.LIBRARIES``)

    def render_pages(self, records: list[PageRecord], ctx: RenderContext, site: SiteInfo,
                     out: Path) -> dict[str, list[str]]:
        files: dict[str, list[str]] = {}
        if ctx.jobs <= 1 or len(records) < POOL_MIN_PAGES:
            for r in records:
                files[r.page] = render_page(r, site, out)
        else:
            # Worker processes come from a fresh forkserver, not a fork of this process: a fork would
            # inherit the threads of vl-convert's runtime (or the build's) in whatever state they are.
            # Interleaved chunks: neighbouring pages (one kabupaten's) cost alike, so workers stay balanced.
            n = ctx.jobs * 8
            absolute = [replace(r, notebook=Path(r.notebook).resolve()) for r in records]
            chunks = [absolute[i::n] for i in range(n)]
            with ProcessPoolExecutor(max_workers=ctx.jobs, mp_context=get_context("forkserver"),
                                     initializer=_init, initargs=(site, out)) as pool:
                for part, charts in pool.map(_render_chunk, chunks):
                    files.update(part)
                    add_chart_cpu(ctx.stats, charts)
            if len(files) != len(records):
                raise RenderFailed(f"renderer bawaan: {len(files)} dari {len(records)} halaman ditulis")
        return files
