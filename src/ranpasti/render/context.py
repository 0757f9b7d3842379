"""What a renderer is given besides the pages: the build's store, folders, notices and previous site.

A module of its own, below every renderer module, so page helpers (``assets``) can read it without
importing the renderer registry (``render/__init__``), which imports the renderers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..ingest.store import Store


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
