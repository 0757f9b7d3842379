"""What the Quarto renderer hands to Quarto: a website project with the same pages and URLs.

Quarto itself cannot be installed here (its PyPI package downloads the binary at install time), so the
project files are checked directly; ``quarto render`` runs only where a quarto binary is on PATH.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
import yaml

from ranpasti import __version__
from ranpasti.execute import Ledger, execute, plan
from ranpasti.params import load_pages, write_params
from ranpasti.render import RenderContext
from ranpasti.render.quarto import QuartoRenderer, quarto_version
from ranpasti.sitemap import build_sitemap
from ranpasti.store import ingest

ROOT = Path(__file__).resolve().parents[1]
UNITS = ("ID", "16", "16.05", "16.05.01")


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("quarto")
    store, _ = ingest(ROOT / "data", tmp / "cache")
    write_params(store, tmp / "params")
    specs = [s for s in load_pages(tmp / "params", store) if s.kode in UNITS]
    jobs = plan(specs, store, ROOT / "notebooks", tmp / "build" / "notebooks", ROOT / "data", tmp / "cache")
    results = execute(jobs, Ledger(tmp / "build" / "ledger.jsonl"), workers=1, cwd=ROOT)
    assert all(r.ok for r in results), [r.error for r in results if not r.ok]
    records = build_sitemap(specs, store.regions, {r.page: r.output for r in results})
    ctx = RenderContext(store=store, build_dir=tmp / "build", project_root=ROOT, version=__version__,
                        built_at=dt.datetime(2025, 1, 2, 3, 4, tzinfo=dt.timezone.utc))
    out = tmp / "site"
    dirs = QuartoRenderer().prepare(records, ctx, out)
    return {"records": records, "dirs": dirs, "out": out, "ctx": ctx}


def test_project_is_a_website_that_never_executes(project):
    assert len(project["dirs"]) == 1
    config = yaml.safe_load((project["dirs"][0] / "_quarto.yml").read_text(encoding="utf-8"))
    assert config["project"]["type"] == "website"
    assert config["lang"] == "id"
    assert config["execute"]["enabled"] is False
    assert config["website"]["navbar"]
    assert config["website"].get("search") is False  # Pagefind instead of one huge search.json
    assert "sidebar" not in config["website"]  # a sidebar of every page makes rendering quadratic
    assert Path(config["project"]["output-dir"]) == project["out"].resolve()


def test_render_list_covers_every_page_at_the_builtin_urls(project):
    config = yaml.safe_load((project["dirs"][0] / "_quarto.yml").read_text(encoding="utf-8"))
    expected = sorted(f"{r.page}index.ipynb" for r in project["records"])
    assert sorted(config["project"]["render"]) == expected
    assert "kabupaten-musi-rawas/tugumulyo/evaluasi-2024/index.ipynb" in expected
    for entry in expected:
        assert (project["dirs"][0] / entry).exists(), entry  # <page>/index.ipynb → <page>/index.html


def test_each_page_has_front_matter_and_the_executed_outputs(project):
    for record in project["records"]:
        nb = json.loads((project["dirs"][0] / record.page / "index.ipynb").read_text(encoding="utf-8"))
        first = nb["cells"][0]
        assert first["cell_type"] == "raw"
        meta = yaml.safe_load(first["source"].split("---")[1])
        assert meta["title"] == record.title
        assert meta["description"] == record.description
        assert "Remah roti" in meta["include-before-body"]["text"]  # breadcrumbs
        assert "notebook.ipynb" in meta["include-after-body"]["text"]  # provenance footer
        assert "assets/vendor/vega.min.js" in meta["include-in-header"]["text"]
        assert not any("remove-cell" in c.get("metadata", {}).get("tags", []) for c in nb["cells"])
        outputs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]
        assert outputs, "executed outputs are handed over; Quarto must not execute"


def test_quarto_render_when_available(project):
    version = quarto_version()
    if version is None:
        pytest.skip("quarto binary not on PATH (cannot be installed offline); project files checked above")
    renderer = QuartoRenderer()
    ok, why = renderer.available()
    if not ok:
        pytest.skip(why)
    out = project["out"]
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    renderer.render(project["records"], project["ctx"], out)
    for record in project["records"]:
        assert (out / record.page / "index.html").exists(), record.page
