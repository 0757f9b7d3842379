"""Shared fixtures: the sample site built once per renderer (the built-in one and the real Quarto).

Both builds share parameters, the validated cache and the executed notebooks (the second build executes
nothing), so the renderers are compared on exactly the same notebooks.
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import re
import shutil
import socketserver
import threading
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import pytest

from ranpasti.build import BuildOptions, build
from ranpasti.run.jobs import Job

ROOT = Path(__file__).resolve().parents[1]
# The offline Quarto kit of this workplace; `make test` installs it into .tools/quarto (scripts/setup_quarto.sh)
QUARTO_KIT = ROOT.parent / "shared" / "tools" / "quarto"
RENDERERS = ("builtin", "quarto")


def require_quarto() -> None:
    """Skip (with the reason) where no Quarto can be had; fail where it could and is missing."""
    from ranpasti.render.quarto import QuartoRenderer

    ok, why = QuartoRenderer().available()
    if ok:
        return
    if QUARTO_KIT.is_dir():
        pytest.fail(f"Quarto is not usable ({why}) although the kit {QUARTO_KIT} is here: run `make test`, "
                    "which installs it (scripts/setup_quarto.sh)")
    pytest.skip(f"no real Quarto here ({why}) and no kit at {QUARTO_KIT}: Quarto tests skipped")


@pytest.fixture(scope="session")
def sample_sites(tmp_path_factory):
    """``sample_sites(renderer)``: the whole sample site built with that renderer (built on first use)."""
    tmp = tmp_path_factory.mktemp("sample")
    # the sample's own params (as `make site` reads them): the Musi Rawas 2025 report's approval sheet is set there
    shutil.copytree(ROOT / "params", tmp / "params")
    sites: dict[str, dict] = {}

    def get(renderer: str) -> dict:
        if renderer == "quarto":
            require_quarto()
        if renderer not in sites:
            opts = BuildOptions(data_dir=ROOT / "data", params_dir=tmp / "params", out=tmp / f"site-{renderer}",
                                build_dir=tmp / "build", cache_dir=tmp / "cache", notebooks_dir=ROOT / "notebooks",
                                renderer=renderer, jobs=2)
            logs: list[str] = []
            report = build(opts, log=logs.append)
            sites[renderer] = {"site": opts.out, "report": report, "cache": opts.cache_dir, "renderer": renderer,
                               "log": logs, "opts": opts}
        return sites[renderer]

    return get


@pytest.fixture(scope="module", params=RENDERERS)
def built(request, sample_sites) -> dict:
    """The sample site built with each renderer in turn: a module's tests run against both."""
    return sample_sites(request.param)


@pytest.fixture(scope="module")
def site(built) -> Path:
    return built["site"]


@pytest.fixture(scope="module")
def server(site):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = socketserver.ThreadingTCPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    if not Path("/usr/bin/chromium").exists():
        pytest.fail("Debian chromium is missing: run `make test` (scripts/setup_system.sh installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A fresh 360 px page that blocks every request leaving the machine and collects JavaScript errors."""
    context = browser.new_context(viewport={"width": 360, "height": 800})
    blocked: list[str] = []

    def route(r):
        host = urlsplit(r.request.url).hostname
        if host in ("127.0.0.1", "localhost"):
            return r.continue_()
        blocked.append(r.request.url)
        return r.abort()

    context.route("**/*", route)
    pg = context.new_page()
    pg.blocked = blocked
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.js_errors = errors
    yield pg
    context.close()


def section_text(section) -> str:
    """A page section's words as a reader sees them: markup dropped, white space folded."""
    return " ".join(re.sub(r"<[^>]+>", " ", "".join(part.html() for part in section)).split())


def validate_folder(d: Path) -> tuple[int, str]:
    """``ranpasti validate --data d`` as staff run it: (exit code, what it printed), never a traceback."""
    from click.testing import CliRunner

    from ranpasti.cli import main

    result = CliRunner().invoke(main, ["validate", "--data", str(d)])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def refused_cells(data: Path, table: str, cells: dict[tuple[int, str], str]) -> tuple[dict, str]:
    """Type ``cells`` ((row index, column) -> text) into ``data/<table>.csv`` and validate it as staff do; it
    must be refused. Returns the line naming each cell (file row = index + 2; "" if none) and the output."""
    import pandas as pd

    rows = pd.read_csv(data / f"{table}.csv", dtype=str, keep_default_na=False)
    for (index, column), text in cells.items():
        rows.loc[index, column] = text
    rows.to_csv(data / f"{table}.csv", index=False)
    code, out = validate_folder(data)
    assert code == 1, out
    lines = {cell: next((ln for ln in out.splitlines() if f"{table}.csv, baris {cell[0] + 2}," in ln
                         and f"kolom {cell[1]}" in ln), "") for cell in cells}
    return lines, out


def copy_sample_data(dest: Path) -> Path:
    """The sample data folder's files (not ``data/wilayah``, which the package reads in place) copied into
    ``dest``, modification times kept: every test that builds from its own data starts here."""
    dest.mkdir(parents=True, exist_ok=True)
    for f in (ROOT / "data").iterdir():
        if f.is_file():
            shutil.copy2(f, dest / f.name)
    return dest


@pytest.fixture
def data(tmp_path) -> Path:
    """A copy of the sample data folder, for a test to break as staff exports break."""
    return copy_sample_data(tmp_path / "data")


# ---------------------------------------------------------------- engine tests


def notebook(path: Path, *cells: str, params: str = "kode = 'x'") -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    p = nbformat.v4.new_code_cell(params)
    p.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# uji"), p, *(nbformat.v4.new_code_cell(c) for c in cells)]
    nbformat.write(nb, path)
    return path


def job(tmp_path: Path, nb: Path, name: str, **parameters) -> Job:
    """A unit; papermill injects its parameters as cell 2, so the notebook's own cells count from 3."""
    key = hashlib.sha256(name.encode()).hexdigest()
    return Job(name, name, nb, tmp_path / "out" / name / "index.ipynb", {"kode": name, **parameters}, key)
