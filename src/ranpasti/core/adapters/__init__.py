"""Where ranpasti uses a dependency's private parts: one module per dependency, each pinned to the versions it
was written for.

The rest of the package uses dependencies through their public APIs only (``tests/test_adapters.py`` walks
the source and says so). Where a private part is the only way to a measured gain, it lives in this package,
in the module named after its dependency, whose ``SUPPORTED`` is the range of versions its code was read
against. ``require`` compares the installed version with it the first time the adapter is used, and refuses an
unknown one with a message naming the adapter to re-read, instead of breaking silently on a minor upgrade.

- ``papermill``: a page's execution step by step (input parsed once per worker, output written without a
  second validation), and the base classes of the engines (``NBClientEngine``, its execution manager).
- ``nbconvert``: the site's HTML exporter (no BeautifulSoup pass, no per-preprocessor validation, no copy).
- ``ipykernel``: a kernel's stdout/stderr flushed only when something was written.
- ``openpyxl``: a read-only sheet streamed through openpyxl's own sheet parser (saved formula results, percent
  styles, merged cells).
- ``quarto``: Quarto 1.9's ``quarto-nav.js`` made to leave SVG links alone.

This package is the bottom layer: it imports nothing of ranpasti but ``errors``.
"""

from __future__ import annotations

import importlib.metadata

from packaging.specifiers import SpecifierSet
from packaging.version import Version

from ..errors import RanpastiError


class UnsupportedVersion(RanpastiError, RuntimeError):
    """A dependency's installed version is not one its adapter was written for."""


def installed(dist: str) -> str:
    """The installed version of distribution ``dist`` (tests replace ``importlib.metadata.version``)."""
    return importlib.metadata.version(dist)


def require(adapter: str, dist: str, supported: str, version: str | None = None) -> str:
    """``dist``'s version (installed, or ``version``), if ``supported`` holds it; else ``UnsupportedVersion``."""
    version = installed(dist) if version is None else version
    if Version(version) not in SpecifierSet(supported):
        raise UnsupportedVersion(
            f"{dist} {version} terpasang, tetapi ranpasti.core.adapters.{adapter} ditulis untuk {dist}{supported}: "
            f"pasang versi itu (pip install '{dist}{supported}'), atau baca ulang adaptor itu terhadap {dist} "
            f"{version} lalu perluas SUPPORTED-nya.")
    return version
