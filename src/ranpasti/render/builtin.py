"""The built-in renderer: nbconvert's HTMLExporter in-process, inside the site's Jinja2 page template.

Used when Quarto is not installed (and by the tests). One exporter serves every page (inputs hidden, no
prompts, no MathJax, no CDN); its body HTML is cached by the executed notebook's hash, so a rebuild only
re-exports pages whose notebook changed. Pages are rendered in worker processes for ``--jobs > 1``.
"""

from __future__ import annotations

import copy
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from markupsafe import Markup

from ..display import MIME_CHART, MIME_TABLE, MIME_VEGALITE
from ..sitemap import PageRecord
from . import RenderContext, register
from .assets import env, finish_site, footer, nav, notebook_sha, place_page_files, read_notebook, source_files

DATA_ONLY = (MIME_TABLE, MIME_CHART, MIME_VEGALITE)  # carried for downloads, not shown as such
TEMPLATE_VERSION = "1"

_exporter = None


def exporter():
    """One HTMLExporter per process, configured once."""
    global _exporter
    if _exporter is None:
        from nbconvert import HTMLExporter
        from traitlets.config import Config

        c = Config()
        c.TagRemovePreprocessor.enabled = True
        c.TagRemovePreprocessor.remove_cell_tags = {"remove-cell"}
        c.HTMLExporter.exclude_input = True
        c.HTMLExporter.exclude_input_prompt = True
        c.HTMLExporter.exclude_output_prompt = True
        c.HTMLExporter.anchor_link_text = ""
        _exporter = HTMLExporter(config=c, template_name="basic")
    return _exporter


def shown(nb: dict) -> dict:
    """What readers see: no stderr streams, no data-only bundles, no empty code cells."""
    import nbformat
    from nbformat.v4.rwbase import rejoin_lines

    nb = copy.deepcopy(nb)
    cells = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            outs = []
            for o in cell.get("outputs", []):
                if o.get("output_type") == "stream" and o.get("name") == "stderr":
                    continue
                if "data" in o:
                    o["data"] = {k: v for k, v in o["data"].items() if k not in DATA_ONLY}
                outs.append(o)
            if not outs:
                continue
            cell["outputs"] = outs
        cells.append(cell)
    nb["cells"] = cells
    return rejoin_lines(nbformat.from_dict(nb))  # on disk, sources and outputs are lists of lines


def body_html(nb: dict, sha: str, cache_dir: Path) -> str:
    path = cache_dir / f"{sha}-{TEMPLATE_VERSION}.html"
    if path.exists():
        return path.read_text(encoding="utf-8")
    body, _ = exporter().from_notebook_node(shown(nb))
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(body, encoding="utf-8")
    tmp.replace(path)
    return body


def render_page(record: PageRecord, ctx: RenderContext, out: Path, files: list[dict]) -> None:
    nb = read_notebook(record.notebook)
    sha = notebook_sha(record.notebook)
    body = body_html(nb, sha, ctx.build_dir / "render-cache" / "html")
    place_page_files(record, nb, sha, ctx, out)
    links = nav(record)
    extra_head, scripts = None, []
    if record.page == "":
        body = body.replace("</header>", "</header>\n" + JUMP_BOX, 1)
        scripts = ["assets/jump.js"]
    html = env().get_template("page.html.j2").render(
        title=record.title, description=record.description, version=ctx.version, charts="rp-chart" in body,
        extra_head=extra_head, notice=ctx.notices.get(record.page), index=True, body=Markup(body),
        footer=Markup(footer(record, nb, ctx, files)), scripts=scripts, **links)
    (out / record.page / "index.html").write_text(html, encoding="utf-8")


JUMP_BOX = """\
<form class="rp-jump" id="rp-jump" role="search" data-root="" data-pagefind-ignore="all">
<label for="rp-jump-input"><strong>Lompat ke wilayah:</strong> ketik nama kabupaten/kota atau kecamatan</label><br>
<input id="rp-jump-input" name="wilayah" list="rp-jump-list" autocomplete="off" placeholder="mis. Musi Rawas">
<datalist id="rp-jump-list"></datalist>
<button type="submit">Buka</button>
<span id="rp-jump-msg" role="status"></span>
</form>
"""

_worker: dict = {}


def _init(ctx: RenderContext, out: Path, files: list[dict]) -> None:
    _worker.update(ctx=ctx, out=out, files=files)


def _render_chunk(records: list[PageRecord]) -> int:
    for r in records:
        render_page(r, _worker["ctx"], _worker["out"], _worker["files"])
    return len(records)


@register
class BuiltinRenderer:
    name = "builtin"

    def available(self) -> tuple[bool, str]:
        return True, "nbconvert HTMLExporter di dalam proses"

    def render(self, records: list[PageRecord], ctx: RenderContext, out: Path) -> None:
        files = source_files(ctx)
        if ctx.jobs <= 1 or len(records) < 50:
            for r in records:
                render_page(r, ctx, out, files)
        else:
            chunks = [records[i::ctx.jobs * 4] for i in range(ctx.jobs * 4)]
            with ProcessPoolExecutor(max_workers=ctx.jobs, mp_context=get_context("fork"),
                                     initializer=_init, initargs=(ctx, out, files)) as pool:
                sum(pool.map(_render_chunk, chunks))
        finish_site(records, ctx, out)
