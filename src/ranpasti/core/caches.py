"""Every cache of the package: the process caches (in memory) and the build caches (files under ``build/``).

Process caches
--------------
Each is registered here under its name (``module.function`` for a memoised function), with a size bound:

- ``memo(maxsize)``: a function memoised on its arguments (``functools.lru_cache`` underneath: hashable
  arguments, least recently used entry dropped past ``maxsize``);
- ``table(name, maxsize)``: a bounded mapping (least recently used entry dropped past ``maxsize``), for a cache
  whose key is not simply a function's arguments (``get_or_make``).

One key recipe: a key is made of the values the cached result depends on (arguments, a path with its size
and modification time, codes), compared by value. The exception is an object that cannot be compared by
value cheaply (a pandas table or index, a shape's geometry): it enters a key by ``id()``, and the entry then
keeps that object alive (``get_or_make(..., keep=obj)``), so its ``id`` cannot be reused by another object
while the entry exists.

Scopes: a ``PROCESS`` cache holds results that cannot change while the process lives (code, package files,
content-addressed inputs): a worker keeps them across pages, which is what makes a warm worker fast. A
``PAGE`` cache holds what one page made: the warm kernel's and the in-process engine's reset between pages
(``engines._KERNEL_MODULE``) calls ``reset(PAGE)``. ``reset()`` clears every cache (tests; a process whose
package files changed, with ``fingerprint.forget``).

Build caches
------------
Files under the build folder (``--build-dir``) that a later build reuses instead of recomputing. ``build_path``
names one from its cache's name and key parts with one recipe (``key``: the SHA-256 of the parts in order):

- ``render-cache/html``: a page's body HTML (builtin renderer), by executed notebook and source fingerprint
  (named by ``key``);
- ``render-cache/unduhan``: a page's download files, by executed notebook and source fingerprint
  (``build_path``);
- ``svg-cache``: chart images, by chart spec and source fingerprint (``<key[:2]>/<key>.svg``, its own recipe);
- ``params-cache.pickle``: the parsed page parameters, by the params files and the cache's content (one file);
- ``map-warnings.json``: the boundary files' warnings, by the boundary files and the kabupaten codes (one file);
- ``facts``: the facts tables (Parquet), by the validated cache's content and the code fingerprint (its own
  part keys, ``facts.part_keys``);
- ``notebooks``: the executed notebooks, one per page, whose keys are kept in ``ledger.jsonl``.

The first two are named by this module's recipe. The other five keep theirs for now: two are single files
whose key is stored inside them, the facts' part keys and the ledger's page keys are read by other code
(``facts``, ``execute``, the incremental tests), and the SVG cache is sharded by its key's first two characters;
moving them renames files every existing build folder holds (each would be recomputed once).
"""

from __future__ import annotations

import functools
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

PROCESS = "process"
PAGE = "page"
SCOPES = (PROCESS, PAGE)

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class Memoized(Protocol, Generic[T_co]):
    """What ``memo`` returns: the function, with ``functools.lru_cache``'s ``cache_clear`` and ``cache_info``."""

    def __call__(self, *args: Any, **kwargs: Any) -> T_co: ...

    def cache_clear(self) -> None: ...

    def cache_info(self) -> Any: ...


class Table:
    """A bounded mapping: the least recently used entry goes past ``maxsize``. Thread-safe."""

    def __init__(self, name: str, maxsize: int, scope: str = PROCESS) -> None:
        if maxsize < 1:
            raise ValueError(f"cache {name}: maxsize must be at least 1")
        self.name, self.maxsize, self.scope = name, maxsize, scope
        self._data: OrderedDict[Hashable, tuple[Any, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, default: Any = None) -> Any:
        with self._lock:
            entry = self._data.get(key)
            if entry is None:
                return default
            self._data.move_to_end(key)
            return entry[0]

    def put(self, key: Hashable, value: Any, keep: Any = None) -> None:
        """Store ``value`` under ``key``; ``keep``: the objects a key names by ``id()``, kept alive with it."""
        with self._lock:
            self._data[key] = (value, keep)
            self._data.move_to_end(key)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)

    def get_or_make(self, key: Hashable, make: Callable[[], Any], keep: Any = None) -> Any:
        """The value under ``key``, made by ``make()`` and stored when missing."""
        missing = object()
        value = self.get(key, missing)
        if value is missing:
            value = make()
            self.put(key, value, keep)
        return value

    def __contains__(self, key: Hashable) -> bool:
        return key in self._data

    def __len__(self) -> int:
        return len(self._data)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    def size(self) -> int:
        return len(self._data)


class Memo:
    """A registered memoised function (``memo``): its ``functools.lru_cache`` wrapper and its bound."""

    def __init__(self, name: str, maxsize: int, scope: str, wrapper: Any) -> None:
        self.name, self.maxsize, self.scope, self.wrapper = name, maxsize, scope, wrapper

    def clear(self) -> None:
        self.wrapper.cache_clear()

    def size(self) -> int:
        return self.wrapper.cache_info().currsize


REGISTRY: dict[str, Table | Memo] = {}
_REGISTER = threading.Lock()


def _register(cache: Table | Memo) -> None:
    if cache.scope not in SCOPES:
        raise ValueError(f"cache {cache.name}: scope must be one of {SCOPES}")
    with _REGISTER:
        REGISTRY[cache.name] = cache  # a module imported again (importlib.reload) replaces its own caches


def table(name: str, maxsize: int, scope: str = PROCESS) -> Table:
    """A new registered bounded mapping named ``name``."""
    t = Table(name, maxsize, scope)
    _register(t)
    return t


def memo(maxsize: int, name: str | None = None, scope: str = PROCESS) -> Callable[[Callable[..., T]], Memoized[T]]:
    """Decorator: the function memoised on its arguments, ``maxsize`` results at most, registered as ``name``
    (default ``module.qualname``, without ``ranpasti.``). The wrapper keeps ``cache_clear``/``cache_info``."""
    if maxsize < 1:
        raise ValueError("maxsize must be at least 1")

    def decorate(fn: Callable[..., T]) -> Memoized[T]:
        wrapper = functools.lru_cache(maxsize=maxsize)(fn)
        _register(Memo(name or f"{fn.__module__.removeprefix('ranpasti.')}.{fn.__qualname__}", maxsize, scope, wrapper))
        return wrapper

    return decorate


def reset(scope: str | None = None) -> None:
    """Clear every registered cache, or those of ``scope`` (``PAGE`` between pages)."""
    for cache in list(REGISTRY.values()):
        if scope is None or cache.scope == scope:
            cache.clear()


def sizes() -> dict[str, tuple[int, int]]:
    """Each cache's (entries, bound)."""
    return {name: (cache.size(), cache.maxsize) for name, cache in REGISTRY.items()}


# ---------------------------------------------------------------- build caches


def key(parts: Iterable[Any]) -> str:
    """The one key recipe of build caches: the SHA-256 of the parts, in order, as JSON text."""
    text = json.dumps([str(p) for p in parts], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


BUILD_CACHES = ("render-cache/html", "render-cache/unduhan", "svg-cache", "params-cache.pickle",
                "map-warnings.json", "facts", "notebooks")


def build_path(build_dir: str | Path, name: str, parts: Iterable[Any], suffix: str = "") -> Path:
    """Where the build cache ``name`` keeps the entry for ``parts``: ``build_dir/name/<key(parts)><suffix>``."""
    return Path(build_dir) / name / f"{key(parts)}{suffix}"
