"""What the package's code is, by content: part of every cache key that code decides.

Why: keys used to carry ``__version__``, which changes only on a release. Editing ``pages.py``, a template
or a label and running ``ranpasti build`` re-executed nothing and re-rendered nothing: the site stayed
stale until someone remembered ``--force`` or a hand-bumped constant. As OWID's etl does for its steps, a
key now covers the code itself: every file of the package (Python modules, templates, assets, any data
file) hashed by content in sorted order, and the versions of the libraries that compute or render pages.

Two scopes, because rendering code cannot change what a notebook computes:

``code_fingerprint()``
    Everything except ``RENDER_ONLY`` (``render/``, ``templates/``, ``assets/``), but with the section
    templates of ``templates/sections/`` (rendered inside the notebooks): the key of page execution and of
    the validated cache. That notebooks and validation never import ``ranpasti.render``
    is an import-linter contract (``pyproject.toml``), so an edit to the style sheet does not re-execute
    15,600 notebooks.
``source_fingerprint()``
    Every file: the key of rendered pages, of the body HTML and download caches.

Each is computed once per process (measured: ~10 ms for the whole package, 1.3 MB, most of it the vendored
Vega scripts). ``ROOT`` is the folder hashed; tests point it at a copy of the package and call ``forget``.
"""

from __future__ import annotations

import hashlib
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from . import caches

ROOT = Path(__file__).resolve().parents[1]  # the package folder (this module is in core/)
RENDER_ONLY = ("render/", "templates/", "assets/")
# ...except the section templates: ``display`` renders them inside the notebooks, so they shape executed output
EXECUTED_TEMPLATES = "templates/sections/"
# Libraries whose upgrade can change a page's numbers, charts or HTML: part of both keys.
LIBRARIES = ("pandas", "numpy", "pyarrow", "altair", "vl-convert-python", "papermill", "nbclient", "nbconvert",
             "nbformat", "ipykernel", "jinja2", "markupsafe")
SKIPPED_SUFFIXES = (".pyc", ".pyo")
SKIPPED_DIRS = ("__pycache__",)


@caches.memo(8)
def _digests(root: str) -> tuple[tuple[str, str], ...]:
    """(relative path, SHA-256) of every file under ``root``, sorted by path."""
    base = Path(root)
    found = []
    for path in base.rglob("*"):
        rel = path.relative_to(base)
        if (not path.is_file() or path.suffix in SKIPPED_SUFFIXES
                or any(part in SKIPPED_DIRS or part.startswith(".") for part in rel.parts)):
            continue
        found.append((rel.as_posix(), hashlib.sha256(path.read_bytes()).hexdigest()))
    return tuple(sorted(found))


@caches.memo(1)
def library_versions() -> tuple[tuple[str, str], ...]:
    """The Python version and the installed versions of ``LIBRARIES`` (``-`` when one is missing)."""
    found = [("python", ".".join(map(str, sys.version_info[:3])))]
    for name in LIBRARIES:
        try:
            found.append((name, version(name)))
        except PackageNotFoundError:
            found.append((name, "-"))
    return tuple(found)


def _combine(scope: str, files: tuple[tuple[str, str], ...]) -> str:
    h = hashlib.sha256(scope.encode())
    for rel, digest in files:
        h.update(f"\0{rel}\0{digest}".encode())
    for name, ver in library_versions():
        h.update(f"\0{name}={ver}".encode())
    return h.hexdigest()


@caches.memo(8)
def _code(root: str) -> str:
    return _combine("code", tuple(f for f in _digests(root) if _executed(f[0])))


def _executed(rel: str) -> bool:
    """Whether a package file can change what a notebook or validation computes or shows."""
    return rel.startswith(EXECUTED_TEMPLATES) or not rel.startswith(RENDER_ONLY)


@caches.memo(8)
def _source(root: str) -> str:
    return _combine("source", _digests(root))


def code_fingerprint() -> str:
    """Key material for what notebooks and validation compute: the package minus its rendering parts."""
    return _code(str(ROOT))


def source_fingerprint() -> str:
    """Key material for rendered pages: every file of the package, and the library versions."""
    return _source(str(ROOT))


def forget() -> None:
    """Drop the per-process results (after ``ROOT`` or a file under it changed; tests only)."""
    for f in (_digests, _code, _source):
        f.cache_clear()
