"""What the Quarto renderer hands to Quarto, and how it runs Quarto: project files, the reader notebooks,
shards, and a failing Quarto stopping the build. The rendered site itself is compared with the built-in
one in ``test_quarto_site`` (real Quarto).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
import yaml
from support import require_quarto

from ranpasti import __version__
from ranpasti.core.display import MIME_CHART, MIME_TABLE, MIME_VEGALITE
from ranpasti.ingest.store import ingest
from ranpasti.plan.params import load_pages, write_params
from ranpasti.plan.sitemap import build_sitemap
from ranpasti.reference.urls import relative
from ranpasti.render import RenderContext
from ranpasti.render.assets import nav
from ranpasti.render.quarto import (
    BLOCKS_FILE,
    DESCRIPTION_TOKEN,
    TITLE_TOKEN,
    QuartoRenderer,
    plan_shards,
    project_config,
)
from ranpasti.run.execute import Ledger, execute, plan

pytestmark = pytest.mark.slow  # runs the real Quarto

ROOT = Path(__file__).resolve().parents[1]
UNITS = ("ID", "16", "16.05", "16.05.01")


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("quarto")
    store, _ = ingest(ROOT / "data", tmp / "cache")
    write_params(store, tmp / "params")
    specs = [s for s in load_pages(tmp / "params", store) if s.kode in UNITS]
    jobs = plan(specs, store, ROOT / "notebooks", tmp / "build" / "notebooks", tmp / "cache")
    results = execute(jobs, Ledger(tmp / "build" / "ledger.jsonl"), workers=1, cwd=ROOT)
    assert all(r.ok for r in results), [r.error for r in results if not r.ok]
    records = build_sitemap(specs, store.regions, {r.page: r.output for r in results})
    ctx = RenderContext(store=store, build_dir=tmp / "build", project_root=ROOT, version=__version__,
                        built_at=dt.datetime(2025, 1, 2, 3, 4, tzinfo=dt.timezone.utc))
    copies = QuartoRenderer().prepare(records, ctx)
    return {"records": records, "dirs": list(copies), "ctx": ctx, "tmp": tmp}


def test_project_is_a_website_that_never_executes(project):
    assert len(project["dirs"]) == 1
    config = yaml.safe_load((project["dirs"][0] / "_quarto.yml").read_text(encoding="utf-8"))
    assert config["project"]["type"] == "website"
    assert config["lang"] == "id"
    assert config["execute"]["enabled"] is False and config["execute"]["echo"] is False
    # Pagefind instead of one huge search.json: in Quarto 1.9 only the top-level key stops it
    assert config["search"] is False and config["website"]["search"] is False
    assert "sidebar" not in config["website"]  # a sidebar of every page makes rendering quadratic
    assert "navbar" not in config["website"]  # the site's own header (with its search box) is on every page
    html = config["format"]["html"]
    assert html["html-math-method"] == "plain"  # no MathJax from a CDN
    assert html["title-block-style"] == "none"
    assert "assets/site.css" in html["css"] and (project["dirs"][0] / "assets" / "site.css").exists()
    # each project copy renders into its own folder, merged into the staging folder afterwards
    assert config["project"]["output-dir"] == "_site"


def test_project_starts_from_the_repository_quarto_yml():
    repo = yaml.safe_load((ROOT / "_quarto.yml").read_text(encoding="utf-8"))
    assert repo["project"]["type"] == "website" and repo["lang"] == "id"
    assert repo["execute"]["enabled"] is False and repo["search"] is False and repo["website"]["search"] is False
    config = project_config(["index.ipynb"])
    assert config["website"]["title"] == repo["website"]["title"]
    assert config["format"]["html"]["css"] == repo["format"]["html"]["css"]
    assert config["project"]["render"] == ["index.ipynb"]


def test_pages_are_split_across_cores_each_exactly_once():
    records = [f"p{i}" for i in range(89)]
    two = plan_shards(records, jobs=2)
    assert len(two) == 2 and sorted(p for s in two for p in s) == sorted(records)
    assert abs(len(two[0]) - len(two[1])) <= 1  # balanced
    assert len(plan_shards(records[:5], jobs=2)) == 1  # a few pages: one Quarto process (start-up costs ~2.5 s)
    assert len(plan_shards([f"p{i}" for i in range(15_600)], jobs=2)) == 16  # at most SHARD_PAGES per process


def test_render_list_covers_every_page_at_the_builtin_urls(project):
    config = yaml.safe_load((project["dirs"][0] / "_quarto.yml").read_text(encoding="utf-8"))
    expected = sorted(f"{r.page}index.ipynb" for r in project["records"])
    assert sorted(config["project"]["render"]) == sorted([*expected, "cari/index.qmd", "istilah/index.qmd"])
    for entry in expected:
        assert (project["dirs"][0] / entry).exists(), entry  # <page>/index.ipynb → <page>/index.html


def test_reader_notebooks_hold_what_readers_see_as_lines(project):
    for record in project["records"]:
        nb = json.loads((project["dirs"][0] / record.page / "index.ipynb").read_text(encoding="utf-8"))
        first, rest = nb["cells"][0], nb["cells"][1:]
        assert first["cell_type"] == "raw" and first["source"][0] == "---\n"
        meta = yaml.safe_load("".join(first["source"]).split("---")[1])
        # pagetitle, not title: Quarto would add a second h1; the notebook's header block is the title
        # tokens, put back after Quarto: nothing from (reference) data goes through Quarto's Markdown
        assert meta["pagetitle"] == TITLE_TOKEN and "title" not in meta
        assert meta["description"] == DESCRIPTION_TOKEN
        for cell in nb["cells"]:  # nbformat's list of lines: Quarto joins one-string sources without breaks
            assert isinstance(cell["source"], list) and all(line.endswith("\n") for line in cell["source"][:-1])
        # no code cells, so no outputs from which Quarto would add require.js and jQuery from a CDN
        assert {c["cell_type"] for c in rest} == {"markdown"}
        # HTML blocks are markers: Quarto passes raw HTML through unchanged, and leaving 60-90 KB of it out of
        # pandoc's reader, Quarto's Lua filters and its WASM HTML parser saves a third of Quarto's time per page
        blocks = json.loads((project["dirs"][0] / record.page / BLOCKS_FILE).read_text(encoding="utf-8"))
        markers = [c for c in rest if "data-rp-blok" in "".join(c["source"])]
        assert len(markers) == len(blocks) >= 3
        text = "".join(blocks) + "".join("".join(c["source"]) for c in rest)
        assert "Remah roti" in text  # breadcrumbs, as in the built-in site
        for link in [*record.children, *record.related]:
            assert f'href="{relative(record.page, link.page)}"' in text
        assert 'href="notebook.ipynb"' in text and "rp-provenance" in text  # footer
        assert not {MIME_TABLE, MIME_CHART, MIME_VEGALITE} & set(text.split('"'))
        root = nav(record)["root"]
        head = meta.get("include-in-header", {}).get("text", "")
        assert (f'src="{root}assets/charts.js"' in head) == ("rp-chart" in text)  # only where there are charts
        assert "vega" not in head  # Vega is loaded when a reader asks for an interactive chart
    home = json.loads((project["dirs"][0] / BLOCKS_FILE).read_text(encoding="utf-8"))
    assert any('id="rp-jump"' in block for block in home)


def break_page(monkeypatch, page: str) -> None:
    """Give Quarto front matter it cannot parse for one page, as a broken input would."""
    import ranpasti.render.quarto as q

    original = q.reader_notebook

    def broken(record, site):
        nb, html = original(record, site)
        if record.page == page:
            nb["cells"][0]["source"] = ["---\n", "pagetitle: [tidak ditutup\n", "---\n"]
        return nb, html

    monkeypatch.setattr(q, "reader_notebook", broken)


def test_a_failing_quarto_stops_at_the_first_copy_and_publishes_nothing(project, tmp_path, monkeypatch):
    require_quarto()
    import ranpasti.render.quarto as q

    break_page(monkeypatch, "")  # the home page: the first page of the first copy
    monkeypatch.setattr(q, "SHARD_PAGES", 2)
    ctx = dataclasses.replace(project["ctx"], build_dir=tmp_path / "build", jobs=1)
    out = tmp_path / "site"
    out.mkdir()
    with pytest.raises(RuntimeError, match="quarto render gagal") as err:
        QuartoRenderer().render(project["records"], ctx, out)
    assert "proyek-000" in str(err.value) and "pagetitle" in str(err.value)  # Quarto's own message
    copies = sorted((tmp_path / "build" / "quarto").iterdir())
    assert len(copies) == -(-len(project["records"]) // 2)  # two pages a copy
    assert not any((c / "_site").exists() for c in copies[1:])  # the other copies never ran
    assert list(out.iterdir()) == []  # nothing was merged into the staging folder


def test_a_failing_copy_stops_the_copies_running_beside_it(project, tmp_path, monkeypatch):
    require_quarto()
    import subprocess
    import time

    import ranpasti.render.quarto as q

    # a healthy copy of 60 pages (half a minute of Quarto) beside a copy that fails at once
    healthy = tmp_path / "sehat"
    render = q.write_project(project["records"], q.site_info(project["ctx"]), healthy, [])
    pages = [p for p in render if p != "index.ipynb"]
    for i in range(10):
        for page in pages:
            shutil.copytree(healthy / Path(page).parent, healthy / f"salinan-{i}" / Path(page).parent,
                            dirs_exist_ok=True)
    config = yaml.safe_load((healthy / "_quarto.yml").read_text(encoding="utf-8"))
    config["project"]["render"] += [f"salinan-{i}/{p}" for i in range(10) for p in pages]
    (healthy / "_quarto.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    broken = tmp_path / "rusak"
    broken.mkdir()
    (broken / "_quarto.yml").write_text("project:\n  type: website\n  render: [index.qmd]\n")
    (broken / "index.qmd").write_text("---\npagetitle: [tidak ditutup\n---\n\nteks\n")
    runs = q.QuartoRuns(jobs=2)
    started = time.perf_counter()
    with pytest.raises(q.QuartoFailed, match="rusak"):
        runs.run([healthy, broken], lambda _d: None)
    elapsed = time.perf_counter() - started
    left = subprocess.run(["pgrep", "-f", str(healthy)], capture_output=True, text=True).stdout.split()
    assert not left, "the other copy's Quarto (or its pandoc) is still running"
    rendered = list((healthy / q.OUTPUT_DIR).rglob("index.html")) if (healthy / q.OUTPUT_DIR).exists() else []
    assert len(rendered) < len(config["project"]["render"]), f"the other copy ran to its end ({elapsed:.1f} s)"


def test_quarto_warnings_reach_the_build_report(project, tmp_path, monkeypatch):
    """A real warning is reported, not buried: the footer's links to notebook.ipynb no longer reach Quarto
    (they are in the HTML blocks), which warned "Unable to resolve link target" 89 times a sample build."""
    require_quarto()
    import ranpasti.render.quarto as q

    original = q.reader_notebook

    def with_dead_link(record, site):
        nb, html = original(record, site)
        if record.page == "":
            nb["cells"].append({"cell_type": "markdown", "metadata": {}, "source": ["[lihat](tidak-ada.qmd)\n"]})
        return nb, html

    monkeypatch.setattr(q, "reader_notebook", with_dead_link)
    ctx = dataclasses.replace(project["ctx"], build_dir=tmp_path / "build", jobs=1)
    (tmp_path / "site").mkdir()
    QuartoRenderer().render(project["records"], ctx, tmp_path / "site")
    assert ctx.stats["warnings"] == ["Unable to resolve link target: tidak-ada.qmd"]


def test_titles_from_reference_data_are_shown_as_they_are_never_run(project, tmp_path, monkeypatch):
    """Region names are untrusted reference data: Markdown, HTML or a Quarto shortcode in one is text."""
    require_quarto()
    import html as htmlmod

    monkeypatch.setenv("RP_RAHASIA", "nilai-rahasia-lingkungan")
    odd = "Kecamatan {{< env RP_RAHASIA >}} *Uji* <b>x</b> [t](u) $1$ — Kemajuan"
    records = [dataclasses.replace(r, title=odd, description=odd) if r.page == "kabupaten-musi-rawas/" else r
               for r in project["records"]]
    ctx = dataclasses.replace(project["ctx"], build_dir=tmp_path / "build", jobs=1)
    (tmp_path / "site").mkdir()
    QuartoRenderer().render(records, ctx, tmp_path / "site")
    page = (tmp_path / "site" / "kabupaten-musi-rawas" / "index.html").read_text(encoding="utf-8")
    assert "nilai-rahasia-lingkungan" not in page
    title = page.split("<title>")[1].split("</title>")[0]
    assert htmlmod.unescape(title).startswith(odd), title
    assert f'<meta name="description" content="{htmlmod.escape(odd, quote=True)}">' in page
