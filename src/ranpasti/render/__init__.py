"""Renderers turn executed notebooks into the static site; registered by name, chosen by ``auto``.

Both renderers receive the same ``PageRecord`` list (URLs, titles, navigation from ``sitemap``) and the
same executed notebooks, and write into a staging folder; ``build`` publishes that folder only when it is
complete. ``auto`` picks Quarto when a new enough ``quarto`` binary is on PATH, the built-in one otherwise.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from ..sitemap import PageRecord
from ..store import Store


@dataclass
class RenderContext:
    store: Store
    build_dir: Path
    project_root: Path
    version: str
    built_at: dt.datetime
    jobs: int = 1
    notices: dict[str, str] = field(default_factory=dict)  # page → notice shown on it (e.g. last good version)
    previous: Path | None = None  # the published site: unchanged pages are reused from it (``incremental``)
    force: bool = False  # render every page again
    stats: dict = field(default_factory=dict)  # figures the renderer reports (pages rendered/reused)
    log: Callable[[str], None] = field(default=lambda _line: None)  # progress lines of a long render


class Renderer(Protocol):
    name: str

    def available(self) -> tuple[bool, str]:
        """Whether this renderer can run here, and why (printed by the build)."""

    def render(self, records: list[PageRecord], ctx: RenderContext, out: Path) -> None:
        """Write the complete site for ``records`` into the empty folder ``out``."""


RENDERERS: dict[str, type] = {}


def register(cls: type) -> type:
    RENDERERS[cls.name] = cls
    return cls


def choose(name: str = "auto") -> tuple[Renderer, str]:
    """The renderer to use and the reason, e.g. ``(QuartoRenderer, "quarto 1.9.1 ditemukan di PATH")``."""
    from . import builtin, quarto  # noqa: F401  (registration)

    if name != "auto":
        if name not in RENDERERS:
            raise ValueError(f"renderer tidak dikenal: {name} (pilihan: auto, {', '.join(sorted(RENDERERS))})")
        r = RENDERERS[name]()
        ok, why = r.available()
        if not ok:
            raise RuntimeError(f"renderer {name} tidak bisa dipakai: {why}")
        return r, f"dipilih dengan --renderer {name} ({why})"
    q = RENDERERS["quarto"]()
    ok, why = q.available()
    if ok:
        return q, f"otomatis: {why}"
    return RENDERERS["builtin"](), f"otomatis: {why}; memakai renderer bawaan (nbconvert)"
