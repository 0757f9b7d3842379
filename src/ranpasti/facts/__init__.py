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

from ..files import sha256_bytes
from ..fingerprint import code_fingerprint
from ..store import Store
from .pendampingan import COLUMNS, table

__all__ = ["COLUMNS", "build", "key", "load", "path", "table"]

_MEMO: dict[str, pd.DataFrame] = {}


def key(store: Store) -> str:
    """The facts' key: what every page reads (``global_hash``: targets, configuration, the months present),
    each kabupaten's rows (``slice_hashes``) and the code, the one recipe of ``execute``'s page keys."""
    material = json.dumps([store.global_hash(), sorted(store.slice_hashes().items()), code_fingerprint()])
    return sha256_bytes(material.encode())


def path(store: Store, build_dir: Path) -> Path:
    return Path(build_dir) / "facts" / f"pendampingan-{key(store)}.parquet"


def build(store: Store, build_dir: Path) -> Path:
    """Write the facts table for ``store`` under ``build_dir`` unless that content's table is there already;
    older tables are removed (their key no longer describes the cache)."""
    target = path(store, build_dir)
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_suffix(".tmp")
    table(store).to_parquet(staging, index=False)
    staging.replace(target)
    for old in target.parent.glob("pendampingan-*.parquet"):
        if old != target:
            old.unlink(missing_ok=True)
    return target


def load(store: Store, build_dir: Path | None = None) -> pd.DataFrame:
    """The facts of ``store``: the build's table when it wrote one, else computed here on demand (a notebook
    run by hand, without a build), once per process and cache content."""
    k = key(store)
    if k not in _MEMO:
        written = path(store, build_dir) if build_dir is not None else None
        _MEMO.clear()
        _MEMO[k] = pd.read_parquet(written) if written is not None and written.exists() else table(store)
    return _MEMO[k]
