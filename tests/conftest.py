"""Shared fixtures: the sample site built once per renderer (the built-in one and the real Quarto), and
the few-unit projects the build, publishing and code-key tests start from, built once (``built_project``).

Both sample builds share parameters, the validated cache and the executed notebooks (the second build
executes nothing), so the renderers are compared on exactly the same notebooks.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import http.server
import os
import pickle
import shutil
import socketserver
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from support import PROJECTS, RENDERERS, ROOT, copy_sample_data, new_project, project_options, require_quarto

from ranpasti.build import BuildOptions, build

# A test that reads the whole sample site (built once per test run: minutes) or drives a browser is slow whatever
# its module says; the rest are marked slow where they are (a build of their own, Quarto, > ~5 s).
SLOW_FIXTURES = frozenset({"sample_sites", "built", "site", "server", "browser", "page", "built_project"})

# The modules that take longest (minutes of one pytest-xdist process), run first. Each process takes the next
# module when it is nearly done with its own (``--dist loadfile --no-loadscope-reorder``: in this order, not
# xdist's most-tests-first, which left the few-test builds of a minute each for the end), so the two finish
# together instead of one running a long module alone at the end. test_site first: it builds the sample sites
# (both renderers) that a dozen later modules read, while the other process builds a few-unit project.
# (The order of their measured times, December 2026; test_publish_incremental builds the shared few-unit project.)
LONGEST_FIRST = ("test_site", "test_publish_incremental", "test_data_rules", "test_templat", "test_code_keys",
                 "test_incremental", "test_facts", "test_keys_narrow", "test_build_safety", "test_pages",
                 "test_disclosure", "test_build_failures", "test_render", "test_quarto_project", "test_owned_files",
                 "test_architecture", "test_orphans", "test_engine", "test_settings_schema", "test_personal_numbers",
                 "test_dask")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if SLOW_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    # a stable sort: each module's tests stay together and in the order pytest gave them
    items.sort(key=lambda item: rank.get(item.path.stem, len(rank)))


@contextlib.contextmanager
def locked(path: Path):
    """An exclusive lock on ``path`` (created), held for the block: one pytest-xdist worker at a time."""
    with open(path, "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def sample_sites(tmp_path_factory):
    """``sample_sites(renderer)``: the whole sample site built with that renderer (built on first use).

    Built once per test run: under pytest-xdist the first worker that needs a renderer's site builds it into the
    workers' common temporary folder, under a lock, and the others read what it built."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    tmp = shared / "sample"
    sites: dict[str, dict] = {}

    def get(renderer: str) -> dict:
        if renderer == "quarto":
            require_quarto()
        if renderer not in sites:
            with locked(shared / "sample.lock"):
                done = tmp / f"site-{renderer}.pickle"
                if done.exists():  # another worker built it
                    sites[renderer] = pickle.loads(done.read_bytes())
                    return sites[renderer]
                if not (tmp / "params").exists():
                    # the sample's own params (as `make site` reads them): the Musi Rawas 2025 report's approval
                    # sheet is set there
                    shutil.copytree(ROOT / "params", tmp / "params")
                opts = BuildOptions(data_dir=ROOT / "data", params_dir=tmp / "params", out=tmp / f"site-{renderer}",
                                    build_dir=tmp / "build", cache_dir=tmp / "cache",
                                    notebooks_dir=ROOT / "notebooks", renderer=renderer, jobs=2)
                logs: list[str] = []
                report = build(opts, log=logs.append)
                sites[renderer] = {"site": opts.out, "report": report, "cache": opts.cache_dir,
                                   "renderer": renderer, "log": logs, "opts": opts}
                done.write_bytes(pickle.dumps(sites[renderer]))
        return sites[renderer]

    return get


@pytest.fixture(scope="session")
def built_project(tmp_path_factory):
    """``built_project(name)``: a few-unit project of ``support.PROJECTS`` built once per test run (the
    built-in renderer, relative paths: ``support.project_options``): {"root", "units", "report"}.

    As ``sample_sites``: under pytest-xdist the first worker that needs it builds it, under a lock, into the
    workers' common temporary folder. Tests never change it: they copy it (``support.copy_project``)."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    made: dict[str, dict] = {}

    def get(name: str) -> dict:
        if name not in made:
            root, done = shared / f"proyek-{name}", shared / f"proyek-{name}.pickle"
            with locked(shared / f"proyek-{name}.lock"):
                if not done.exists():
                    shutil.rmtree(root, ignore_errors=True)  # left by a worker whose build failed
                    new_project(root)
                    with contextlib.chdir(root):
                        report = build(project_options(PROJECTS[name], jobs=2), log=lambda _m: None)
                    done.write_bytes(pickle.dumps(report))
            made[name] = {"root": root, "units": PROJECTS[name], "report": pickle.loads(done.read_bytes())}
        return made[name]

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
