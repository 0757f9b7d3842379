"""The facts phase: every figure computed once, before any page runs (issue 33), one kabupaten at a time.

A page used to compute its own figures from the Parquet cache, section by section, so the same kecamatan
figure was computed again on every page that showed it, and could read differently from page to page. Here
each indicator is computed vectorised for every unit × period × basis and written as Parquet; pages select
rows. First slice: the pendampingan indicators (``pendampingan``), with the masking decision of the main
indicator on its rows (``samar``: made once per kabupaten-year, here, not in every page worker), by the
rules of statistical disclosure control in ``disclosure`` (which the build also uses to audit every
published figure across all pages).

Partitioned by kabupaten, because the whole country is tens of millions of rows: one part per kabupaten (its
desa and kecamatan rows) and one upper part (kabupaten, provinsi, nasional), so the build holds one
kabupaten's rows at a time and a page worker reads only the parts its page needs. Each part's file is named
by the content it comes from (``part_keys``): a change to one kabupaten rewrites its part and the upper one,
which is made from every kabupaten's share of it kept beside the parts (``INPUTS``), so only the changed
kabupaten's rows are read again. The batches run on the pages' workers when the build gives a mapper.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from ..core import caches
from ..core.files import sha256_bytes, write_atomically
from ..core.fingerprint import code_fingerprint
from ..core.frames import rows_at
from ..ingest.store import Store
from ..reference.regions import load_regions
from . import audit, lokmin, pendampingan, samar, wide
from .pendampingan import COLUMNS, KABUPATEN_LEVELS, UPPER, kabupaten_part, period, table, upper_part
from .samar import MAIN_INDICATOR, MASKED_BAND

__all__ = ["COLUMNS", "MAIN_INDICATOR", "MASKED_BAND", "UPPER", "Mapper", "audit", "build", "folder", "key", "load",
           "lokmin", "part_keys", "period", "published", "samar", "select", "shown", "table", "wide"]
shown = samar.shown

POINTER = "facts.json"  # in the cache folder: which parts the build wrote for this cache's content
KEPT = 2  # kabupaten parts kept per process: a worker runs one kabupaten's pages one after another


def key(store: Store) -> str:
    """The facts' key: what every page reads (``global_hash``: targets, configuration, the months present),
    each kabupaten's rows (``slice_hashes``) and the code, the one recipe of ``execute``'s page keys."""
    material = json.dumps([store.global_hash(), sorted(store.slice_hashes().items()), code_fingerprint()])
    return sha256_bytes(material.encode())


def part_keys(store: Store) -> dict[str, str]:
    """Each part's key: a kabupaten's part depends on its own rows (its slice hash), on what every page reads
    and on the code; the upper part on everything (``key``), since it sums and ranks all kabupaten."""
    slices, common = store.slice_hashes(), [store.global_hash(), code_fingerprint()]
    keys = {kab: sha256_bytes(json.dumps([kab, slices.get(kab, ""), *common]).encode())
            for kab in store.kabupaten_codes()}
    keys[UPPER] = key(store)
    return keys


def folder(build_dir: Path) -> Path:
    return Path(build_dir) / "facts" / "pendampingan"


def _compute(store: Store, name: str) -> pd.DataFrame:
    return upper_part(store) if name == UPPER else kabupaten_part(store, name)


# Runs ``fn(*args)`` for each ``args`` of a list and yields the results in any order: the pages' executor
# (``LocalExecutor.map``: the build's worker processes; ``DaskExecutor.map``: the cluster), or in this process.
Mapper = Callable[[Callable[..., Any], list[tuple]], Iterable[Any]]


def _here(fn: Callable[..., Any], tasks: list[tuple]) -> Iterator[Any]:
    return (fn(*args) for args in tasks)


def _write(part: pd.DataFrame, target: Path) -> None:
    staging = target.with_suffix(".tmp")
    part.to_parquet(staging, index=False)
    staging.replace(target)


# a worker's Store for the cache folder it is given (one cache content per build), so the tables a batch reads
# whole (jangkauan, targets, configuration) are read and split once per worker, not once per batch
_STORES = caches.table("facts.worker_store", 1)


def _store_key(cache_dir: str) -> tuple:
    st = (Path(cache_dir) / "manifest.json").stat()
    return (cache_dir, st.st_ino, st.st_mtime_ns, st.st_size)


def _worker_store(cache_dir: str) -> Store:
    return _STORES.get_or_make(_store_key(cache_dir), lambda: Store(Path(cache_dir), load_regions()))


INPUTS = "atas-masukan"  # under the facts folder: each kabupaten's share of the upper part, by its part's key


def _batch_task(cache_dir: str, codes: list[str], wanted: list[str], targets: dict[str, str],
                inputs: dict[str, tuple[str, str]]) -> None:
    """One batch, in a worker or here: the parts of its kabupaten in ``wanted`` written to ``targets``, and
    each kabupaten's share of the upper part (its own figures, its monthly sums: a few hundred rows) to
    ``inputs``, so the upper part is remade from files when another kabupaten changes."""
    found, everyone, sums = pendampingan.batch_parts(_worker_store(cache_dir), codes, wanted, upper=True)
    for name, part in found:
        _write(part, Path(targets[name]))
    for kode, (own_path, monthly_path) in inputs.items():
        own = everyone[everyone["kode"] == kode] if everyone is not None else pd.DataFrame()
        monthly = sums[sums["kode_desa"] == kode] if sums is not None else pd.DataFrame()
        _write(own.reset_index(drop=True), Path(own_path))
        _write(monthly.reset_index(drop=True), Path(monthly_path))


def _upper_inputs(paths: dict[str, tuple[Path, Path]]) -> tuple[list[pd.DataFrame], list[pd.DataFrame]]:
    """Every kabupaten's share of the upper part, in the order of their codes (a kabupaten without rows
    has none)."""
    own, monthly = [], []
    for kode in sorted(paths):
        mine, sums = (pd.read_parquet(p) for p in paths[kode])
        if len(sums):
            own.append(mine)
            monthly.append(sums)
    return own, monthly


def build(store: Store, build_dir: Path, mapper: Mapper | None = None) -> Path:
    """Write each part of the facts for ``store`` under ``build_dir`` unless that content's part is there
    already (parts whose key no longer describes the cache are removed), and point the cache at them, so the
    pages of the build read them instead of computing them in every worker.

    The batches of kabupaten (``pendampingan.batches``) run on ``mapper`` (the pages' workers: the national
    facts are minutes of CPU), each worker holding one batch at a time and writing its parts itself, with
    each kabupaten's share of the upper part (``INPUTS``, named by the kabupaten part's key); this process
    makes the upper part from those shares. A change to one kabupaten reads that kabupaten's rows only."""
    where = folder(build_dir)
    shares = where / INPUTS
    shares.mkdir(parents=True, exist_ok=True)
    keys = part_keys(store)
    paths = {name: where / f"{name}-{k}.parquet" for name, k in keys.items()}
    inputs = {name: (shares / f"{name}-{k}.sendiri.parquet", shares / f"{name}-{k}.bulanan.parquet")
              for name, k in keys.items() if name != UPPER}
    wanted = {name for name, target in paths.items() if name != UPPER and not target.exists()}
    upper = not paths[UPPER].exists()
    read = sorted(wanted | {k for k, pair in inputs.items() if upper and not all(p.exists() for p in pair)})
    if read:
        _STORES.put(_store_key(str(store.dir)), store)  # a batch run in this process reads the build's Store
        tasks = [(str(store.dir), codes, [k for k in codes if k in wanted], {k: str(paths[k]) for k in codes},
                  {k: tuple(map(str, inputs[k])) for k in codes}) for codes in pendampingan.batches(store, read)]
        for _ in (mapper or _here)(_batch_task, tasks):
            pass
    if upper:
        _write(pendampingan.upper_from(store, *_upper_inputs(inputs)), paths[UPPER])
    keep = set(paths.values()) | {p for pair in inputs.values() for p in pair}
    for old in [*where.glob("*.parquet"), *shares.glob("*.parquet"), *where.parent.glob("pendampingan-*.parquet")]:
        if old not in keep:  # (and the unsplit table of older builds)
            old.unlink(missing_ok=True)
    record = json.dumps({"key": key(store), "parts": {n: str(p.resolve()) for n, p in paths.items()}})
    write_atomically(store.dir / POINTER, lambda tmp: tmp.write_text(record, encoding="utf-8"))
    return where


def _memo(store: Store) -> dict:
    """Per ``Store`` (one cache content; ``pages.open_store`` keeps one per process)."""
    return store.__dict__.setdefault("_facts_memo", {})


def _written(store: Store, build_dir: Path | None) -> dict[str, Path]:
    """Where each part was written: under ``build_dir``, or where the cache points if it describes this
    content; none when nothing was built (a notebook run by hand)."""
    memo = _memo(store)
    if "paths" not in memo:
        if build_dir is not None:
            memo["paths"] = {n: folder(build_dir) / f"{n}-{k}.parquet" for n, k in part_keys(store).items()}
        else:
            pointer = store.dir / POINTER
            record = json.loads(pointer.read_text(encoding="utf-8")) if pointer.exists() else {}
            ok = record.get("key") == key(store) and "parts" in record
            memo["paths"] = {n: Path(p) for n, p in record["parts"].items()} if ok else {}
    return memo["paths"]


def load(store: Store, name: str, build_dir: Path | None = None) -> pd.DataFrame:
    """One part of the facts (a kabupaten code, or ``UPPER``): the file the build wrote, else computed here
    on demand, that part only."""
    return _kept(store, name, build_dir)[0]


def _kept(store: Store, name: str, build_dir: Path | None = None) -> tuple[pd.DataFrame, dict, dict]:
    """A part, its split by level and kabupaten, and (filled by ``published``) its audit record by level,
    kabupaten and period, kept per process: the upper part, and the last ``KEPT`` kabupaten parts (a worker
    runs a kabupaten's pages one after another: ``execute._run_order``)."""
    kept: OrderedDict[str, tuple[pd.DataFrame, dict, dict]] = _memo(store).setdefault("parts", OrderedDict())
    if name in kept:
        kept.move_to_end(name)
        return kept[name]
    written = _written(store, build_dir).get(name)
    part = pd.read_parquet(written) if written is not None and written.exists() else _compute(store, name)
    # by position: the parts are sorted by level and code, so each group is a slice (no copy)
    positions = part.groupby([part["tingkat"], part["kode"].str.slice(0, 5)], sort=False).indices
    groups = {k: rows_at(part, p) for k, p in positions.items()}
    kept[name] = (part, groups, {})
    if name != UPPER and sum(n != UPPER for n in kept) > KEPT:
        kept.pop(next(n for n in kept if n != UPPER))
    return kept[name]


def select(store: Store, level: str, scope: str, periods: list[str], basis: str | None = None) -> pd.DataFrame:
    """The facts rows at ``level`` inside unit ``scope`` ("" or ``ID``: the country) for ``periods`` (and
    ``basis``), reading only the parts they lie in: the scope's kabupaten for desa and kecamatan, else the
    upper part."""
    scope = "" if scope == "ID" else scope
    if level in KABUPATEN_LEVELS:
        names = [scope[:5]] if len(scope) >= 5 else [k for k in store.kabupaten_codes() if k.startswith(scope)]
    else:
        names = [UPPER]
    found = [g for name in names for (lv, prefix), g in _kept(store, name)[1].items()
             if lv == level and prefix.startswith(scope[:5])]
    if not found:
        return pd.DataFrame(columns=COLUMNS)
    rows = pd.concat(found) if len(found) > 1 else found[0]
    if len(scope) > 5:
        rows = rows[(rows["kode"] == scope) | rows["kode"].str.startswith(scope + ".")]
    on = rows["periode"].isin(periods)
    if basis is not None:
        on &= rows["dasar"] == basis
    return rows[on]


def published(store: Store, level: str, kabupaten: str, periode: str) -> pd.DataFrame:
    """The audit's record of kabupaten ``kabupaten``'s main-indicator figures at ``level`` (desa, kecamatan
    or the kabupaten itself) over ``periode``, as published (masked counts blank; ``samar.published``), with
    the decision's flags: what ``Context.published_figures`` records of every page. Split by period once
    per part and kabupaten (a page records a dozen periods)."""
    _, groups, split = _kept(store, kabupaten if level in KABUPATEN_LEVELS else UPPER)
    if (level, kabupaten) not in split:
        rows = groups.get((level, kabupaten))
        if rows is None:
            split[(level, kabupaten)] = {}
        else:
            record = samar.published(rows[rows["kode"] == kabupaten] if level == "kabupaten" else rows)
            split[(level, kabupaten)] = dict(iter(record.groupby("periode", sort=False)))
    found = split[(level, kabupaten)].get(periode)
    return found if found is not None else _NO_RECORD


_NO_RECORD = pd.DataFrame(columns=[*samar.disclosure.FIGURE_COLUMNS, "samar", "bawah", "atas"])
