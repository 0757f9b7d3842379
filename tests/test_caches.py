"""Every cache of the package is owned by ``ranpasti.core.caches`` (issue 35, item 3): registered, bounded, cleared
by ``reset``, with a page's caches cleared by the engines' reset between pages.

Registered: no ``functools.lru_cache``/``functools.cache`` and no module-level mapping filled by functions
outside ``caches.py``, except the registries listed in ``NOT_CACHES`` (what they hold is the program, not
results). Bounded: every registered cache has a finite bound, and a full table or memo drops its least
recently used entry. ``reset`` empties every cache; ``reset(PAGE)`` only the page's.
"""

from __future__ import annotations

import ast
import gc
import importlib
import pkgutil
import re
import weakref
from pathlib import Path

import pytest

import ranpasti
from ranpasti.core import caches

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "ranpasti"

# Module-level mappings filled at run time that are registries or state, not caches of results
NOT_CACHES = {
    ("run/executors.py", "EXECUTORS"): "executor classes by name (registered by decorator at import)",
    ("render/base.py", "RENDERERS"): "renderer classes by name (registered by decorator at import)",
    ("reference/indicators.py", "INDICATORS"): "the declared indicators (filled at import from indikator.yml)",
    ("ingest/schema.py", "TABLES"): "the declared input tables (filled at import from input.yml)",
    ("run/engines.py", "_CLASSES"): "the engine class, defined once (papermill loads it mid-import)",
    ("run/inprocess.py", "_STATE"): "this process's IPython shell and engine class: the engine itself",
    ("core/lock.py", "_held"): "the lock files this process holds (re-entrancy counts): state, not results",
    ("render/builtin.py", "_worker"): "a render pool worker's arguments (site, output folder)",
}
NOT_CACHE_GLOBALS = {("run/executors.py", "_BARRIER"): "a pool worker's barrier handle"}


def all_modules() -> list[str]:
    """Every module of the package, imported (so every cache is registered)."""
    names = []
    for info in pkgutil.walk_packages(ranpasti.__path__, "ranpasti."):
        if info.name.endswith("__main__"):
            continue
        importlib.import_module(info.name)
        names.append(info.name)
    return names


def test_no_cache_outside_the_caches_module():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel == "core/caches.py":
            continue
        text = path.read_text(encoding="utf-8")
        for n, line in enumerate(text.splitlines(), 1):
            if re.search(r"\blru_cache\b|functools\.cache\b|^\s*@cache\b|from functools import .*\bcache\b", line):
                found.append(f"{rel}:{n}: {line.strip()}")
        tree = ast.parse(text, rel)
        mappings = set()
        for node in tree.body:
            target, value = None, None
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                target, value = node.targets[0].id, node.value
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                target, value = node.target.id, node.value
            empty_dict = isinstance(value, ast.Dict) and not value.keys
            made = isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in (
                "dict", "OrderedDict", "defaultdict", "WeakValueDictionary", "WeakKeyDictionary")
            if target and (empty_dict or made):
                mappings.add(target)
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for inner in ast.walk(node):
                    filled = None
                    if isinstance(inner, ast.Subscript) and isinstance(inner.ctx, ast.Store) \
                            and isinstance(inner.value, ast.Name):
                        filled = inner.value.id
                    elif isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute) \
                            and isinstance(inner.func.value, ast.Name) \
                            and inner.func.attr in ("setdefault", "update", "__setitem__"):
                        filled = inner.func.value.id
                    if filled in mappings and (rel, filled) not in NOT_CACHES:
                        found.append(f"{rel}:{inner.lineno}: module-level mapping {filled} filled at run time")
                    if isinstance(inner, ast.Global):
                        found += [f"{rel}:{inner.lineno}: global {name}" for name in inner.names
                                  if (rel, name) not in NOT_CACHE_GLOBALS]
    assert not found, "caches not owned by ranpasti.core.caches (use caches.memo or caches.table):\n" + "\n".join(
        sorted(set(found)))


def test_every_cache_is_registered_and_bounded():
    all_modules()
    assert len(caches.REGISTRY) >= 30  # the 2026-12 count: 38
    for name, cache in caches.REGISTRY.items():
        assert isinstance(cache.maxsize, int) and 1 <= cache.maxsize <= 65536, name
        assert cache.scope in caches.SCOPES, name
    # what the issue named, each under its module's name
    for name in ("pages.charts._trend", "pages.charts._prevalence", "pages.context.stores", "pages.choropleth.outlines",
                 "reference.regions.search_keys", "ingest.kinds.value_sets", "run.jobs.input_notebooks",
                 "render.builtin.exporter"):
        assert name in caches.REGISTRY, name


def test_reset_empties_every_cache_and_a_page_reset_only_the_pages():
    from ranpasti.core import fingerprint, privacy
    from ranpasti.ingest import lookalike
    from ranpasti.reference import glossary, regions

    all_modules()
    fingerprint.library_versions()
    glossary.terms()
    lookalike.skeleton("Nаma")
    privacy.mask_all("telepon 081234567890")
    regions.load_regions()
    kept = caches.table("test.kept", 2)
    page = caches.table("test.page", 2, caches.PAGE)
    try:
        kept.put("a", 1)
        page.put("a", 1)
        caches.reset(caches.PAGE)
        assert len(page) == 0 and len(kept) == 1
        assert caches.sizes()["core.fingerprint.library_versions"][0] == 1
        caches.reset()
        assert all(size == 0 for size, _ in caches.sizes().values()), {
            n: s for n, s in caches.sizes().items() if s[0]}
    finally:
        caches.REGISTRY.pop("test.kept")
        caches.REGISTRY.pop("test.page")


def test_bounds_hold_and_the_least_recently_used_goes_first():
    t = caches.table("test.bounded", 3)
    calls = []

    @caches.memo(2, name="test.memo")
    def square(x):
        calls.append(x)
        return x * x

    try:
        for k in range(10):
            t.put(k, k)
        assert len(t) == 3 and list(t._data) == [7, 8, 9]
        assert t.get(7) == 7  # used: now the most recent
        t.put(10, 10)
        assert 7 in t and 8 not in t
        assert t.get_or_make(11, lambda: "made") == "made" and t.get_or_make(11, lambda: "again") == "made"
        for x in (1, 2, 1, 3, 1):
            square(x)
        assert calls == [1, 2, 3] and caches.sizes()["test.memo"] == (2, 2)
    finally:
        caches.REGISTRY.pop("test.bounded")
        caches.REGISTRY.pop("test.memo")
    with pytest.raises(ValueError):
        caches.table("test.zero", 0)


def test_an_identity_key_keeps_its_object_alive_while_its_entry_lives():
    class Table:  # like a pandas table: compared by identity here
        pass

    t = caches.table("test.identity", 1)
    try:
        obj = Table()
        ref = weakref.ref(obj)
        t.get_or_make(id(obj), lambda: "value", keep=obj)
        del obj
        gc.collect()
        assert ref() is not None  # its id cannot be reused while the entry exists
        t.put("other", 1)  # the entry is dropped: the object may go
        gc.collect()
        assert ref() is None
    finally:
        caches.REGISTRY.pop("test.identity")


def test_the_in_process_engines_reset_between_pages_clears_the_page_caches():
    from ranpasti.run import inprocess

    inprocess.shell()
    page = caches.table("test.engine_page", 2, caches.PAGE)
    kept = caches.table("test.engine_kept", 2)
    try:
        page.put("a", 1)
        kept.put("a", 1)
        inprocess._STATE["module"].reset(None)  # what the engine runs before and after every notebook
        assert len(page) == 0 and len(kept) == 1
    finally:
        caches.REGISTRY.pop("test.engine_page")
        caches.REGISTRY.pop("test.engine_kept")


def test_build_cache_paths_have_one_recipe(tmp_path):
    a = caches.build_path(tmp_path, "svg-cache", ["abc", "code1"], ".svg")
    assert a == caches.build_path(tmp_path, "svg-cache", ("abc", "code1"), ".svg")
    assert a.parent == tmp_path / "svg-cache" and a.suffix == ".svg" and len(a.stem) == 64
    assert a != caches.build_path(tmp_path, "svg-cache", ["code1", "abc"], ".svg")  # parts in order
    assert a.stem == caches.key(["abc", "code1"])
