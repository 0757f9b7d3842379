"""Keys over the code itself (issue 15): editing the package, not only releasing it, redoes what it changes.

``fingerprint`` hashes the package by content; these tests point it at a copy of ``src/ranpasti`` (the real
source tree is never modified) and edit the copy. The fingerprint then changes as it would after an edit of
the real file, and a build without ``--force`` must execute and/or render the affected pages again. For the
template test the site's templates are also read from the copy, so the published HTML itself shows the edit.
The last test copies the checkout (package, notebooks, data and data/wilayah) and builds it in a new process
importing the copy, so edits of real files reach the published pages end to end. Both build tests start from
a copy of the few-unit project built once per test run (``built_project``): its first build is shared.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from jinja2 import Environment, FileSystemLoader
from support import INCREMENTAL_UNITS as UNITS
from support import copy_built, copy_project

from ranpasti.build import build
from ranpasti.core import fingerprint
from ranpasti.ingest.store import needs_ingest
from ranpasti.reference.regions import load_regions
from ranpasti.render import assets, builtin, site

pytestmark = pytest.mark.slow  # builds the site

PACKAGE = fingerprint.ROOT  # the package folder the fingerprint hashes


@pytest.fixture
def package(tmp_path, monkeypatch) -> Path:
    """A copy of the package that ``fingerprint`` hashes instead of the real one."""
    copy = tmp_path / "paket" / "ranpasti"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    monkeypatch.setattr(fingerprint, "ROOT", copy)
    fingerprint.forget()
    yield copy
    fingerprint.forget()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    fingerprint.forget()  # a new build is a new process: it hashes the package again


def test_fingerprint_scopes(package):
    code, source = fingerprint.code_fingerprint(), fingerprint.source_fingerprint()
    assert code != source
    # compiled files and caches are not source
    (package / "__pycache__").mkdir()
    (package / "__pycache__" / "pages.cpython-311.pyc").write_bytes(b"\0")
    fingerprint.forget()
    assert (fingerprint.code_fingerprint(), fingerprint.source_fingerprint()) == (code, source)
    # a template is rendering: the source changes, what notebooks compute does not
    edit(package / "templates" / "footer.html.j2", "</", "<!-- ubah --></")
    assert fingerprint.code_fingerprint() == code and fingerprint.source_fingerprint() != source
    source = fingerprint.source_fingerprint()
    # ...but a section template is rendered inside the notebooks: it changes what they show
    code = fingerprint.code_fingerprint()
    edit(package / "templates" / "sections" / "cards.html.j2", "<", "<!-- ubah --><")
    assert fingerprint.code_fingerprint() != code and fingerprint.source_fingerprint() != source
    code, source = fingerprint.code_fingerprint(), fingerprint.source_fingerprint()
    # a label in the page library changes both
    edit(package / "core" / "fmt.py", '"Januari"', '"Jan-uari"')
    assert fingerprint.code_fingerprint() != code and fingerprint.source_fingerprint() != source


def test_fingerprint_is_computed_once_per_process():
    """Per build, not per page: the package is hashed once however often a key asks (its cost, ~10 ms, is
    in the README; timings belong to bench/, not tests)."""
    fingerprint.forget()
    first = fingerprint.source_fingerprint()
    for _ in range(1000):
        assert fingerprint.source_fingerprint() == first
        fingerprint.code_fingerprint()
    assert fingerprint._digests.cache_info().misses == 1


def test_code_and_template_edits_redo_affected_pages_without_force(tmp_path, package, monkeypatch, built_project):
    shared = built_project("incremental")
    opts, first = copy_project(shared, tmp_path, monkeypatch), shared["report"]
    quiet = lambda _m: None  # noqa: E731
    assert first.executed == first.pages == 32 and first.rendering["pages_rendered"] == 32
    again = build(opts, log=quiet)
    assert again.executed == 0 and again.rendering["pages_rendered"] == 0

    # an edit to the page library (a month label): the validated cache, every notebook and every page redone
    edit(package / "core" / "fmt.py", '"Januari"', '"Jan-uari"')
    assert needs_ingest(opts.data_dir, opts.cache_dir, load_regions())
    code = build(opts, log=quiet)
    assert code.executed == 32 and code.rendering["pages_rendered"] == 32
    assert not needs_ingest(opts.data_dir, opts.cache_dir, load_regions())

    # an edit to a template: no notebook runs again, every page is rendered again and shows the edit
    templates = package / "templates"
    monkeypatch.setattr(assets, "env", _env_from(templates))
    for module in (builtin, site):
        monkeypatch.setattr(module, "env", assets.env)
    edit(templates / "footer.html.j2", "</", "<!-- templat-diubah --></")
    tpl = build(opts, log=quiet)
    assert tpl.executed == 0 and tpl.rendering["pages_rendered"] == 32 and tpl.rendering["pages_reused"] == 0
    pages = [p for p in opts.out.rglob("index.html") if not p.parent.name.startswith(("cari", "istilah", "pagefind"))]
    assert len(pages) >= 32 and all("templat-diubah" in p.read_text(encoding="utf-8") for p in pages)

    # an edit to rendering code only: no notebook runs again, every page is rendered again
    edit(package / "render" / "assets.py", "SVG_WIDTH = 360", "SVG_WIDTH = 360  # diubah")
    render = build(opts, log=quiet)
    assert render.executed == 0 and render.rendering["pages_rendered"] == 32

    # and nothing changed: nothing redone
    last = build(opts, log=quiet)
    assert last.executed == 0 and last.rendering["pages_rendered"] == 0


def _env_from(folder: Path):
    def env() -> Environment:
        e = Environment(loader=FileSystemLoader(folder), autoescape=True, trim_blocks=True, lstrip_blocks=True)
        e.globals.update(site_name=assets.SITE_NAME, sample_label=assets.SAMPLE_LABEL)
        return e

    return env


BUILD = """
import json, sys
from pathlib import Path
from ranpasti.build import BuildOptions, build
# the relative paths of `ranpasti build` run in the project folder (the current one)
report = build(BuildOptions(data_dir=Path("data"), params_dir=Path("params"), out=Path("site"),
                            build_dir=Path("build"), cache_dir=Path("cache"), notebooks_dir=Path("notebooks"),
                            renderer="builtin", jobs=1, only=tuple(sys.argv[2:])), log=lambda _m: None)
print(json.dumps({"executed": report.executed, "rendered": report.rendering["pages_rendered"],
                  "pages": report.pages}))
"""


def build_copy(root: Path) -> dict:
    """``ranpasti build`` of the project copy at ``root`` in a new process importing the copied package, as
    staff would run it after editing their checkout (its kernels import the copy too)."""
    # the copy first; what the environment had after it (e.g. where the engines' entry points are declared)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(root / "src"), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.run([sys.executable, "-c", BUILD, str(root), *UNITS], cwd=root, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_real_edits_of_a_checkout_copy_are_published_without_force(tmp_path, built_project):
    """A copy of the checkout (package, notebooks, data with data/wilayah): edit the package's month label
    and a kecamatan's name in data/wilayah, run the build as staff would, and the published pages say so."""
    src = PACKAGE.parent
    root = tmp_path / "checkout"
    shutil.copytree(src / "ranpasti", root / "src" / "ranpasti", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(src.parent / "data", root / "data")
    shutil.copytree(src.parent / "notebooks", root / "notebooks")
    # its first build: the shared one of the same units from the same files (cache, params, executed notebooks,
    # site copied with their times), so this copy's own build, importing the copied package, redoes nothing
    shared = built_project("incremental")
    assert shared["units"] == UNITS
    first = shared["report"]
    assert first.executed == first.pages == first.rendering["pages_rendered"] == 32
    for folder in ("cache", "params", "build", "site"):
        copy_built(shared["root"], root / folder, folder)
    same = build_copy(root)
    assert same["pages"] == 32 and same["executed"] == same["rendered"] == 0
    page = root / "site" / "kabupaten-musi-rawas" / "index.html"
    kecamatan = root / "site" / "kabupaten-musi-rawas" / "jayaloka" / "index.html"
    assert "Oktober 2026" in page.read_text(encoding="utf-8")  # the latest month of the sample

    # a label in the package (the month name every page shows)
    edit(root / "src" / "ranpasti" / "core" / "fmt.py", '"Oktober"', '"Oktobre"')
    code = build_copy(root)
    assert code["executed"] == code["rendered"] == 32
    assert "Oktobre 2026" in page.read_text(encoding="utf-8")

    # a kecamatan renamed in the reference data (same address: only the letters' case changes)
    edit(root / "data" / "wilayah" / "kecamatan.csv", ",Jayaloka", ",JayaLoka")
    names = build_copy(root)
    assert names["executed"] == names["rendered"] == 32
    assert "JayaLoka" in kecamatan.read_text(encoding="utf-8") and "JayaLoka" in page.read_text(encoding="utf-8")

    again = build_copy(root)
    assert again["executed"] == again["rendered"] == 0
