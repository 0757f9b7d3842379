"""Shared fixtures: the sample site built once per renderer (the built-in one and the real Quarto).

Both builds share parameters, the validated cache and the executed notebooks (the second build executes
nothing), so the renderers are compared on exactly the same notebooks.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import socketserver
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from support import RENDERERS, ROOT, copy_sample_data, require_quarto

from ranpasti.build import BuildOptions, build


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


@pytest.fixture
def data(tmp_path) -> Path:
    """A copy of the sample data folder, for a test to break as staff exports break."""
    return copy_sample_data(tmp_path / "data")
