"""The renderer interface: a renderer that only renders pages gets incremental publishing for free, and
the command line offers whatever the registries hold.
"""

from __future__ import annotations

import html
import json
from dataclasses import replace
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner
from support import incremental_options as setup

from ranpasti.build import build
from ranpasti.cli import main
from ranpasti.core.errors import RanpastiError, UsageError
from ranpasti.render import RENDERERS, Renderer, choose, names
from ranpasti.render.incremental import MANIFEST
from ranpasti.run import executors

pytestmark = pytest.mark.slow  # builds the site


class PlainRenderer(Renderer):
    """The least a renderer does: write each changed page; no keys, no manifest, no linking of its own."""

    name = "polos"
    calls: ClassVar[list[list[str]]] = []

    def available(self) -> tuple[bool, str]:
        return True, "untuk uji"

    def render_pages(self, records, ctx, site, out: Path) -> dict[str, list[str]]:
        type(self).calls.append([r.page for r in records])
        for r in records:
            (out / r.page).mkdir(parents=True, exist_ok=True)
            page = f"<html><head><title>{html.escape(r.title)}</title></head><body><main>{r.page}</main></body></html>"
            (out / r.page / "index.html").write_text(page, encoding="utf-8")
        return {r.page: ["index.html"] for r in records}


def test_a_renderer_that_only_renders_pages_is_incremental(tmp_path, monkeypatch):
    monkeypatch.setitem(RENDERERS, PlainRenderer.name, PlainRenderer)
    PlainRenderer.calls.clear()
    assert PlainRenderer.name in names()
    opts = replace(setup(tmp_path), renderer=PlainRenderer.name)
    first = build(opts, log=lambda _m: None)
    assert first.renderer == "polos" and first.rendering["pages_rendered"] == first.pages == 32
    manifest = json.loads((opts.out / MANIFEST).read_text(encoding="utf-8"))
    assert len(manifest["pages"]) == 32 and manifest["shards"]  # keys and search index by the base class
    assert (opts.out / "assets" / "wilayah.json").exists()  # site-wide finishing too
    again = build(opts, log=lambda _m: None)
    assert again.rendering["pages_rendered"] == 0 and again.rendering["pages_reused"] == 32
    assert PlainRenderer.calls[-1] == []  # nothing asked of the renderer: every page linked


def test_cli_choices_come_from_the_registries(monkeypatch):
    monkeypatch.setitem(RENDERERS, PlainRenderer.name, PlainRenderer)
    monkeypatch.setitem(executors.EXECUTORS, "uji", executors.LocalExecutor)
    out = CliRunner().invoke(main, ["build", "--help"]).output
    assert "polos" in out and "uji" in out and "builtin" in out and "dask" in out


def test_unknown_names_are_usage_errors_under_the_root_exception():
    for call in (lambda: choose("tidak-ada"), lambda: executors.make_executor("tidak-ada")):
        try:
            call()
        except UsageError as e:
            assert isinstance(e, RanpastiError) and isinstance(e, ValueError) and "tidak dikenal" in str(e)
        else:
            raise AssertionError("no error")
