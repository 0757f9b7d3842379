"""The renderer interface: page keys, reuse of the published site and its manifest, owned here once.

A renderer used to wire incremental publishing itself (keys, loading the previous manifest, linking
unchanged pages, writing the manifest); each new renderer would have had to repeat it, and one forgetting
a step publishes stale pages or none of the old ones. ``Renderer.render`` now does all of that and calls
``render_pages`` for the pages whose key changed: a renderer that only implements ``available`` and
``render_pages`` is incremental, indexed for search and finished like the others. A renderer whose site
needs more (Quarto: shared libraries, its own search page) overrides ``render_site``.

Registered by name (``register``), as papermill's engines are, so the CLI's ``--renderer`` choices come from
``RENDERERS`` rather than a list to keep in step.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from ..plan.sitemap import PageRecord
from .assets import SiteInfo, charts_counted, site_info
from .context import RenderContext
from .incremental import Previous, page_keys, write_manifest
from .search_index import ShardRuns
from .site import finish_site

RENDERERS: dict[str, type[Renderer]] = {}


def register(cls: type[Renderer]) -> type[Renderer]:
    """Class decorator: make a renderer choosable by its ``name`` (``--renderer NAME``)."""
    RENDERERS[cls.name] = cls
    return cls


class Renderer:
    """Turns executed notebooks into a complete static site in an empty staging folder."""

    name: ClassVar[str] = ""

    def available(self) -> tuple[bool, str]:
        """Whether this renderer can run here, and why (printed by the build)."""
        raise NotImplementedError

    def identity(self) -> str:
        """What makes this renderer's HTML besides the package source (e.g. its program's version): part of
        every page key, so a site made by one renderer is never reused by another."""
        return self.name

    def reusable(self, previous: Previous) -> bool:
        """Whether pages of the published site ``previous`` can be linked into a site of this renderer."""
        return True

    def render(self, records: list[PageRecord], ctx: RenderContext, out: Path) -> None:
        """Write the complete site for ``records`` into the empty folder ``out``, reusing unchanged pages of
        the published site (``ctx.previous``) and recording every page's key in the manifest."""
        site = site_info(ctx)
        out = out.resolve()
        previous = Previous() if ctx.force else Previous.load(ctx.previous)
        if previous.root is not None and not self.reusable(previous):
            previous = Previous()
        keys = page_keys(records, site, self.identity())
        files, shard_keys = self.render_site(records, ctx, site, out, keys, previous)
        write_manifest(out, {p: {"key": keys[p], "files": f} for p, f in files.items() if p in keys}, shard_keys)

    def render_site(self, records: list[PageRecord], ctx: RenderContext, site: SiteInfo, out: Path,
                    keys: dict[str, str], previous: Previous) -> tuple[dict[str, list[str]], dict[str, str]]:
        """Link unchanged pages, render the rest with ``render_pages``, finish the site; return the files of
        every page and the search shard keys (for the manifest). ``keys`` may be extended with pages of the
        renderer's own (they are then recorded too).

        The pages of the search shards that must be indexed again go first, then Pagefind runs on them in
        the background while the rest of the site (most of it, on a rebuild) is linked and rendered."""
        search = ShardRuns(records, out, keys, previous)
        first = [r for r in records if r.page in search.pages]
        rest = [r for r in records if r.page not in search.pages]
        files: dict[str, list[str]] = {}
        rendered = 0
        try:
            for group in (first, rest):
                if group is rest:
                    search.start(ctx.jobs)
                files.update(previous.link_pages({r.page: keys[r.page] for r in group}, out))
                todo = [r for r in group if r.page not in files]
                with charts_counted(ctx.stats):  # charts drawn in this process (pool workers report their own)
                    files.update(self.render_pages(todo, ctx, site, out))
                rendered += len(todo)
                ctx.stats.setdefault("rendered_pages", []).extend(r.page for r in todo)
        except BaseException:
            search.abandon()
            raise
        ctx.stats.update(pages_rendered=rendered, pages_reused=len(records) - rendered)
        shard_keys = finish_site(records, site, out, jobs=ctx.jobs, keys=keys, previous=previous, search=search)
        ctx.stats["index_wait_seconds"] = search.waited
        return files, shard_keys

    def render_pages(self, records: list[PageRecord], ctx: RenderContext, site: SiteInfo,
                     out: Path) -> dict[str, list[str]]:
        """Write ``records`` (their key changed, or there is no published site) into ``out``; return, per
        page, the names of the files written in its folder."""
        raise NotImplementedError
