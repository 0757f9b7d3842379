"""What the Quarto renderer hands to Quarto: a website project with the same pages and URLs.

Quarto itself cannot be installed here (its PyPI package downloads the binary at install time), so the
project files are checked directly; ``quarto render`` runs only where a quarto binary is on PATH.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
import yaml

from ranpasti import __version__
from ranpasti.display import MIME_CHART, MIME_TABLE, MIME_VEGALITE
from ranpasti.execute import Ledger, execute, plan
from ranpasti.params import load_pages, write_params
from ranpasti.render import RenderContext
from ranpasti.render.assets import HIDDEN_TAGS, nav
from ranpasti.render.quarto import QuartoRenderer, project_config, quarto_version
from ranpasti.sitemap import build_sitemap
from ranpasti.store import ingest
from ranpasti.urls import relative

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
    assert config["execute"]["enabled"] is False and config["execute"]["echo"] is False
    assert config["website"]["navbar"]["left"][0]["text"] == "Beranda"
    assert config["website"].get("search") is False  # Pagefind instead of one huge search.json
    assert "sidebar" not in config["website"]  # a sidebar of every page makes rendering quadratic
    html = config["format"]["html"]
    assert html["html-math-method"] == "plain"  # no MathJax from a CDN
    assert "assets/site.css" in html["css"] and (project["dirs"][0] / "assets" / "site.css").exists()
    # each project copy renders into its own folder, merged into the staging folder afterwards
    assert config["project"]["output-dir"] == "_site"


def test_project_starts_from_the_repository_quarto_yml():
    repo = yaml.safe_load((ROOT / "_quarto.yml").read_text(encoding="utf-8"))
    assert repo["project"]["type"] == "website" and repo["lang"] == "id"
    assert repo["execute"]["enabled"] is False and repo["website"]["search"] is False
    config = project_config(["index.ipynb"])
    assert config["website"]["title"] == repo["website"]["title"]
    assert config["format"]["html"]["css"] == repo["format"]["html"]["css"]
    assert config["project"]["render"] == ["index.ipynb"]


def test_large_sites_are_sharded_into_separate_project_copies(project, tmp_path, monkeypatch):
    import ranpasti.render.quarto as q

    monkeypatch.setattr(q, "SHARD_PAGES", 2)
    ctx = dataclasses.replace(project["ctx"], build_dir=tmp_path)
    dirs = QuartoRenderer().prepare(project["records"], ctx, project["out"])
    lists = [yaml.safe_load((d / "_quarto.yml").read_text(encoding="utf-8"))["project"]["render"] for d in dirs]
    pages = [p for lst in lists for p in lst if p.endswith(".ipynb")]
    assert len(dirs) == -(-len(project["records"]) // 2)
    assert sorted(pages) == sorted(f"{r.page}index.ipynb" for r in project["records"])  # each page exactly once
    assert sum("cari/index.qmd" in lst for lst in lists) == 1
    assert all((d / "index.ipynb").exists() for d in dirs)  # the navbar's home link resolves in every copy


def test_render_list_covers_every_page_at_the_builtin_urls(project):
    config = yaml.safe_load((project["dirs"][0] / "_quarto.yml").read_text(encoding="utf-8"))
    expected = sorted(f"{r.page}index.ipynb" for r in project["records"])
    assert sorted(config["project"]["render"]) == sorted([*expected, "cari/index.qmd"])  # and the search page
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
        root = nav(record)["root"]
        assert f'src="{root}assets/vendor/vega.min.js"' in meta["include-in-header"]["text"]
        assert 'class="rp-skip"' in meta["include-before-body"]["text"]
        head, tail = nb["cells"][1], nb["cells"][-1 if record.page else -2]
        assert head["cell_type"] == tail["cell_type"] == "raw"
        assert head["metadata"]["raw_mimetype"] == tail["metadata"]["raw_mimetype"] == "text/html"
        assert "Remah roti" in head["source"]  # breadcrumbs, as in the built-in site
        for crumb in record.breadcrumbs:
            assert crumb.label in head["source"]
        for link in [*record.children, *record.related]:
            assert f'href="{relative(record.page, link.page)}"' in head["source"] + tail["source"]
        assert 'href="notebook.ipynb"' in tail["source"] and "rp-provenance" in tail["source"]  # footer
        assert not any(HIDDEN_TAGS & set(c.get("metadata", {}).get("tags", [])) for c in nb["cells"])
        outputs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]
        assert outputs, "executed outputs are handed over; Quarto must not execute"
        for o in outputs:  # only what readers see: no stderr, no data-only bundles Quarto might try to show
            assert o.get("name") != "stderr" and o["output_type"] != "error"
            assert not set(o.get("data", {})) & {MIME_TABLE, MIME_CHART, MIME_VEGALITE}
    home = json.loads((project["dirs"][0] / "index.ipynb").read_text(encoding="utf-8"))
    assert any('id="rp-jump"' in c["source"] for c in home["cells"] if c["cell_type"] == "raw")


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
        html = (out / record.page / "index.html").read_text(encoding="utf-8")
        assert 'lang="id"' in html and "data-pagefind-body" in html and "Remah roti" in html, record.page
        assert (out / record.page / "notebook.ipynb").exists(), record.page
    assert (out / "pagefind" / "pagefind.js").exists() and (out / "cari" / "index.html").exists()
    assert not (out / "search.json").exists()


FAKE_QUARTO = '''#!{python}
"""Stand-in for the quarto CLI: the renderer's plumbing (shards, merge, page files, Pagefind), not Quarto."""
import json, sys, yaml
from pathlib import Path
if sys.argv[1] == "--version":
    print("1.9.0")
    sys.exit(0)
if {fail}:
    print("ERROR: contoh kegagalan quarto", file=sys.stderr)
    sys.exit(1)
assert sys.argv[1] == "render" and sys.argv[3] == "--no-execute", sys.argv
d = Path(sys.argv[2])
cfg = yaml.safe_load((d / "_quarto.yml").read_text(encoding="utf-8"))
out = d / cfg["project"]["output-dir"]
for item in cfg["project"]["render"]:
    body = ""
    if item.endswith(".ipynb"):
        for c in json.loads((d / item).read_text(encoding="utf-8"))["cells"][1:]:
            body += c["source"] if c["cell_type"] == "raw" else ""
            body += "".join(o.get("data", {{}}).get("text/html", "") for o in c.get("outputs", []))
    up = "../" * item.count("/")
    target = (out / item).with_suffix(".html")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(f'<!DOCTYPE html><html lang="id"><head><title>t</title></head><body>'
                      f'<a href="{{up}}index.ipynb">Beranda</a><main class="content" id="quarto-document-content">'
                      f'{{body}}</main></body></html>', encoding="utf-8")
'''


def fake_quarto(tmp_path: Path, monkeypatch, fail: bool = False) -> None:
    import os
    import sys

    exe = tmp_path / "bin" / "quarto"
    exe.parent.mkdir()
    exe.write_text(FAKE_QUARTO.format(python=sys.executable, fail=fail), encoding="utf-8")
    exe.chmod(0o755)
    monkeypatch.setenv("PATH", f"{exe.parent}{os.pathsep}{os.environ['PATH']}")


def test_render_plumbing_with_a_stand_in_quarto(project, tmp_path, monkeypatch):
    import ranpasti.render.quarto as q

    fake_quarto(tmp_path, monkeypatch)
    monkeypatch.setattr(q, "SHARD_PAGES", 3)  # several project copies, rendered two at a time
    renderer = QuartoRenderer()
    assert renderer.available() == (True, "quarto 1.9.0 ditemukan di PATH")
    ctx = dataclasses.replace(project["ctx"], build_dir=tmp_path / "build", jobs=2)
    out = tmp_path / "site"
    out.mkdir()
    renderer.render(project["records"], ctx, out)
    for record in project["records"]:
        html = (out / record.page / "index.html").read_text(encoding="utf-8")
        assert "data-pagefind-body" in html and "Remah roti" in html and "index.ipynb" not in html
        assert (out / record.page / "notebook.ipynb").read_bytes() == record.notebook.read_bytes()
    assert (out / "cari" / "index.html").exists() and (out / "assets" / "vendor" / "vega.min.js").exists()
    assert (out / "pagefind" / "pagefind.js").exists() and (out / "assets" / "wilayah.json").exists()
    assert list(out.glob("kabupaten-musi-rawas/*.csv")) and list(out.glob("kabupaten-musi-rawas/*.xlsx"))


def test_quarto_failure_stops_the_build_with_its_message(project, tmp_path, monkeypatch):
    fake_quarto(tmp_path, monkeypatch, fail=True)
    ctx = dataclasses.replace(project["ctx"], build_dir=tmp_path / "build")
    (tmp_path / "site").mkdir()
    with pytest.raises(RuntimeError, match="contoh kegagalan quarto"):
        QuartoRenderer().render(project["records"], ctx, tmp_path / "site")


def test_old_quarto_is_not_used(tmp_path, monkeypatch):
    import os

    exe = tmp_path / "quarto"
    exe.write_text("#!/bin/sh\necho 1.8.26\n", encoding="utf-8")
    exe.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    ok, why = QuartoRenderer().available()
    assert not ok and "1.8.26" in why
