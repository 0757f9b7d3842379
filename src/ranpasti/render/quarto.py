"""The Quarto renderer: a real Quarto website project over the executed notebooks.

Chosen by ``auto`` when a ``quarto`` ≥ 1.9 binary is on PATH. The project is generated into the build
folder from the repository's ``_quarto.yml``: every page is ``<page>/index.ipynb`` (the executed notebook
with a front-matter raw cell), so Quarto writes ``<page>/index.html`` — the same URLs as the built-in
renderer. Quarto is called through its CLI with ``--no-execute`` and its exit status is checked (the Python
``quarto.render`` ignores failures and executes by default). Designed around Quarto's limits at our
scale: no sidebar listing every page (navigation lives in each page's header block, not in a global
sidebar whose size makes rendering quadratic), Quarto's own search is off in favour of Pagefind, and the
render list is sharded into separate project copies when rendering in parallel, because concurrent
``quarto render`` processes on one project collide.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml
from markupsafe import Markup

from ..sitemap import PageRecord
from . import RenderContext, register
from .assets import env, finish_site, footer, nav, notebook_sha, place_page_files, read_notebook, source_files

MIN_VERSION = (1, 9)
PROJECT_TEMPLATE = Path(__file__).resolve().parents[3] / "_quarto.yml"
SHARD_PAGES = 2000  # pages per project copy when rendering in parallel

DEFAULT_PROJECT = {
    "project": {"type": "website", "output-dir": "_site"},
    "lang": "id",
    "execute": {"enabled": False},
    "website": {"title": "RAN PASTI — Kemajuan dan Evaluasi", "search": False,
                "navbar": {"left": [{"href": "index.ipynb", "text": "Beranda"},
                                    {"href": "cari/index.html", "text": "Cari"}]}},
    "format": {"html": {"theme": "none", "minimal": True, "html-math-method": "plain", "toc": False,
                        "css": ["assets/site.css"], "anchor-sections": False, "code-tools": False}},
}


def quarto_version() -> tuple[int, ...] | None:
    exe = shutil.which("quarto")
    if not exe:
        return None
    try:
        out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=60).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return None
    m = re.match(r"(\d+)\.(\d+)(?:\.(\d+))?", out)
    return tuple(int(x) for x in m.groups() if x is not None) if m else None


def project_config(render_list: list[str], output_dir: str) -> dict:
    """``_quarto.yml`` for one project copy: the repository template plus the explicit render list."""
    base = yaml.safe_load(PROJECT_TEMPLATE.read_text(encoding="utf-8")) if PROJECT_TEMPLATE.exists() else None
    config = json.loads(json.dumps(base or DEFAULT_PROJECT))
    config.setdefault("project", {})
    config["project"]["type"] = "website"
    config["project"]["output-dir"] = output_dir
    config["project"]["render"] = render_list
    config.setdefault("execute", {})["enabled"] = False
    config["lang"] = "id"
    return config


def front_matter(record: PageRecord, ctx: RenderContext, nb: dict, files: list[dict]) -> str:
    """Front matter of one page: title, description, and header/footer blocks with its navigation."""
    links = nav(record)
    head = env().get_template("quarto_header.html.j2").render(
        notice=ctx.notices.get(record.page), **links)
    foot = footer(record, nb, ctx, files)
    root = links["root"]
    scripts = "".join(f'<script defer src="{root}{s}"></script>' for s in (
        "assets/vendor/vega.min.js", "assets/vendor/vega-lite.min.js", "assets/vendor/vega-embed.min.js",
        "assets/charts.js"))
    meta = {
        "title": record.title,
        "description": record.description,
        "pagetitle": f"{record.title} · RAN PASTI",
        "include-in-header": {"text": scripts},
        "include-before-body": {"text": str(Markup(head))},
        "include-after-body": {"text": str(Markup(foot))},
    }
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n"


def page_notebook(record: PageRecord, ctx: RenderContext, files: list[dict]) -> dict:
    """The executed notebook as handed to Quarto: front matter first, data-only outputs kept (ignored)."""
    nb = read_notebook(record.notebook)
    cells = [c for c in nb["cells"] if "remove-cell" not in c.get("metadata", {}).get("tags", [])]
    raw = {"cell_type": "raw", "metadata": {}, "source": front_matter(record, ctx, nb, files)}
    nb["cells"] = [raw, *cells]
    return nb


def write_project(records: list[PageRecord], ctx: RenderContext, workdir: Path, output_dir: Path) -> list[str]:
    """Write one Quarto project copy for ``records``; return its render list."""
    files = source_files(ctx)
    render_list = []
    for r in records:
        target = workdir / r.page / "index.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(page_notebook(r, ctx, files), ensure_ascii=False), encoding="utf-8")
        render_list.append(f"{r.page}index.ipynb")
    shutil.copytree(Path(__file__).resolve().parents[1] / "assets", workdir / "assets", dirs_exist_ok=True)
    config = project_config(render_list, str(output_dir.resolve()))
    (workdir / "_quarto.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False),
                                         encoding="utf-8")
    return render_list


def run_quarto(workdir: Path) -> None:
    proc = subprocess.run(["quarto", "render", str(workdir), "--no-execute"], capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"quarto render gagal (status {proc.returncode}) di {workdir}:\n{proc.stderr[-3000:]}")


@register
class QuartoRenderer:
    name = "quarto"

    def available(self) -> tuple[bool, str]:
        version = quarto_version()
        if version is None:
            return False, "quarto tidak ada di PATH"
        text = ".".join(map(str, version))
        if version[:2] < MIN_VERSION:
            return False, f"quarto {text} terlalu lama (perlu ≥ {'.'.join(map(str, MIN_VERSION))})"
        return True, f"quarto {text} ditemukan di PATH"

    def prepare(self, records: list[PageRecord], ctx: RenderContext, out: Path) -> list[Path]:
        """Write the project copies (one per shard) and return their folders."""
        base = ctx.build_dir / "quarto"
        shutil.rmtree(base, ignore_errors=True)
        shards = [records[i:i + SHARD_PAGES] for i in range(0, len(records), SHARD_PAGES)] or [[]]
        dirs = []
        for n, shard in enumerate(shards):
            workdir = base / f"proyek-{n:03d}"
            write_project(shard, ctx, workdir, out)
            dirs.append(workdir)
        return dirs

    def render(self, records: list[PageRecord], ctx: RenderContext, out: Path) -> None:
        dirs = self.prepare(records, ctx, out)
        with ThreadPoolExecutor(max_workers=max(1, min(ctx.jobs, len(dirs)))) as pool:
            list(pool.map(run_quarto, dirs))
        for r in records:
            place_page_files(r, read_notebook(r.notebook), notebook_sha(r.notebook), ctx, out)
        finish_site(records, ctx, out)
