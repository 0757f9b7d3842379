"""The facts phase: every figure computed once for the whole country, before any page runs (issue 33).

A page used to compute its own figures from the Parquet cache, section by section, so the same kecamatan
figure was computed again on every page that showed it, and could read differently from page to page. Here
each indicator is computed vectorised over the whole validated cache, for every unit × period × basis, and
written as one Parquet table keyed by the content of its inputs and the code (``key``); pages select rows.
First slice: the pendampingan indicators (``pendampingan.table``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ..files import sha256_bytes, write_atomically
from ..fingerprint import code_fingerprint
from ..store import Store
from .pendampingan import COLUMNS, period, table

__all__ = ["COLUMNS", "build", "key", "load", "path", "period", "select", "table"]

POINTER = "facts.json"  # in the cache folder: which facts table the build wrote for this cache's content


def key(store: Store) -> str:
    """The facts' key: what every page reads (``global_hash``: targets, configuration, the months present),
    each kabupaten's rows (``slice_hashes``) and the code, the one recipe of ``execute``'s page keys."""
    material = json.dumps([store.global_hash(), sorted(store.slice_hashes().items()), code_fingerprint()])
    return sha256_bytes(material.encode())


def path(store: Store, build_dir: Path) -> Path:
    return Path(build_dir) / "facts" / f"pendampingan-{key(store)}.parquet"


def build(store: Store, build_dir: Path) -> Path:
    """Write the facts table for ``store`` under ``build_dir`` unless that content's table is there already
    (older tables are removed: their key no longer describes the cache), and point the cache at it, so the
    pages of the build read it instead of computing it again in every worker."""
    target = path(store, build_dir)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = target.with_suffix(".tmp")
        table(store).to_parquet(staging, index=False)
        staging.replace(target)
        for old in target.parent.glob("pendampingan-*.parquet"):
            if old != target:
                old.unlink(missing_ok=True)
    record = json.dumps({"key": key(store), "path": str(target.resolve())})
    write_atomically(store.dir / POINTER, lambda tmp: tmp.write_text(record, encoding="utf-8"))
    return target


def _memo(store: Store) -> dict:
    """Per ``Store`` (one cache content; ``pages.open_store`` keeps one per process)."""
    return store.__dict__.setdefault("_facts_memo", {})


def load(store: Store, build_dir: Path | None = None) -> pd.DataFrame:
    """The facts of ``store``: the table the build wrote (``build_dir``, or where the cache points), else
    computed here on demand (a notebook run by hand, without a build), once per ``Store``."""
    memo = _memo(store)
    if "table" not in memo:
        k = key(store)
        written = path(store, build_dir) if build_dir is not None else _pointed(store, k)
        memo["table"] = pd.read_parquet(written) if written is not None and written.exists() else table(store)
    return memo["table"]


def _pointed(store: Store, k: str) -> Path | None:
    pointer = store.dir / POINTER
    if not pointer.exists():
        return None
    record = json.loads(pointer.read_text(encoding="utf-8"))
    return Path(record["path"]) if record.get("key") == k else None


def select(store: Store, level: str, scope: str, periods: list[str], basis: str | None = None) -> pd.DataFrame:
    """The facts rows at ``level`` inside unit ``scope`` ("" or ``ID``: the country) for ``periods`` (and
    ``basis``), from a split of the table made once per ``Store`` by level and kabupaten."""
    memo = _memo(store)
    if "parts" not in memo:
        t = load(store)
        memo["parts"] = {k: g for k, g in t.groupby([t["tingkat"], t["kode"].str.slice(0, 5)], sort=False)}
    parts: dict[tuple[str, str], pd.DataFrame] = memo["parts"]
    scope = "" if scope == "ID" else scope
    if len(scope) >= 5:
        found = [parts[(level, scope[:5])]] if (level, scope[:5]) in parts else []
    else:
        found = [g for (lv, prefix), g in parts.items() if lv == level and prefix.startswith(scope)]
    if not found:
        return pd.DataFrame(columns=COLUMNS)
    rows = pd.concat(found) if len(found) > 1 else found[0]
    if len(scope) > 5:
        rows = rows[(rows["kode"] == scope) | rows["kode"].str.startswith(scope + ".")]
    on = rows["periode"].isin(periods)
    if basis is not None:
        on &= rows["dasar"] == basis
    return rows[on]
