"""Renderers turn executed notebooks into the static site; registered by name, chosen by ``auto``.

Every renderer receives the same ``PageRecord`` list (URLs, titles, navigation from ``sitemap``) and the
same executed notebooks, and writes into a staging folder; ``build`` publishes that folder only when it is
complete. The interface and the registry are in ``base`` (a renderer subclasses ``Renderer`` and gets page
keys, reuse of the published site and the manifest from it); this module imports the renderers so that they
register, and chooses one. ``auto`` picks Quarto when a new enough ``quarto`` binary is on PATH, the
built-in one otherwise.
"""

from __future__ import annotations

from ..core.errors import RenderFailed, UsageError
from . import builtin, quarto  # noqa: F401  (registration)
from .base import RENDERERS, Renderer, register
from .context import RenderContext

AUTO = "auto"

__all__ = ["AUTO", "RENDERERS", "RenderContext", "Renderer", "choose", "names", "register"]


def names() -> list[str]:
    """What ``--renderer`` accepts: ``auto`` and every registered renderer."""
    return [AUTO, *sorted(RENDERERS)]


def choose(name: str = AUTO) -> tuple[Renderer, str]:
    """The renderer to use and the reason, e.g. ``(QuartoRenderer, "quarto 1.9.1 ditemukan di PATH")``."""
    if name != AUTO:
        if name not in RENDERERS:
            raise UsageError(f"renderer tidak dikenal: {name} (pilihan: {', '.join(names())})")
        r = RENDERERS[name]()
        ok, why = r.available()
        if not ok:
            raise RenderFailed(f"renderer {name} tidak bisa dipakai: {why}")
        return r, f"dipilih dengan --renderer {name} ({why})"
    q = RENDERERS["quarto"]()
    ok, why = q.available()
    if ok:
        return q, f"otomatis: {why}"
    return RENDERERS["builtin"](), f"otomatis: {why}; memakai renderer bawaan (nbconvert)"
