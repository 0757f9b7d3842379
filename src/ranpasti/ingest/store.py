"""The validated-data cache: Parquet files written from staff inputs, read by every page.

Why a cache: pages are built per unit (up to ~15,600 of them), and each must read only its own slice.
Ingest validates and converts in one streaming pass into a staging folder, then swaps it in whole, so a
failed validation never leaves a half-written cache. ``pendampingan`` is partitioned by kabupaten (one
file each), and a per-kabupaten monthly aggregate serves the national and province pages. The manifest
records each source file's checksum: it is the provenance shown on every page, and an unchanged set of
inputs skips ingest entirely.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..core import caches, owned
from ..core.dirswap import swap_into_place
from ..core.fingerprint import code_fingerprint
from ..core.frames import rows_at
from ..core.lock import exclusive
from ..reference.config import load_config
from ..reference.regions import Regions, ancestor, ancestors, level_of, load_regions
from .problems import DataError, Report
from .readers import ROW, file_sha256
from .schema import TABLES
from .validate import ChunkMemo, validate

T = TypeVar("T")

CACHE_FORMAT = 2  # 2: the small tables written per kabupaten too (``_split_by_kabupaten``)
COUNT_COLUMNS = [c.name for c in TABLES["pendampingan"].columns if c.kind == "count"]
CONFIG_FILES = ("konfigurasi.yml", "judul_kolom.yml")
KEPT_KABUPATEN_ROWS = 24  # kabupaten tables kept taken (``Store._kabupaten_rows``): ~3 kabupaten's of each table


def input_fingerprint(data_dir: Path, regions: Regions) -> dict:
    """Checksums of everything that decides the cache's content (inputs, config, regions, code version).

    By content, not size and modification time: a file edited to the same size with its time restored
    (or copied with ``cp -p``) was not validated again, and the site was built from the old cache while
    ``validate`` refused the file. Hashing the national inputs takes ~0.2 s."""
    files = {}
    for path in sorted(Path(data_dir).iterdir()):
        if path.is_file() and (path.suffix.lower() in (".csv", ".xlsx") or path.name in CONFIG_FILES):
            stat = path.stat()
            files[path.name] = {"size": stat.st_size, "sha256": _content_sha(str(path), stat.st_ino, stat.st_size,
                                                                             stat.st_mtime_ns, stat.st_ctime_ns)}
    return {"format": CACHE_FORMAT, "code": code_fingerprint(), "files": files, "wilayah": regions.fingerprint}


@caches.memo(64)
def _content_sha(path: str, _ino: int, _size: int, _mtime: int, _ctime: int) -> str:
    """A file's SHA-256, remembered within one process for the same inode, size and times (``needs_ingest``
    and ``ingest`` both ask; ctime changes with any write, whatever the modification time says)."""
    return file_sha256(Path(path))


class _Sink:
    """Writes validated chunks to staging Parquet files, one writer per table."""

    def __init__(self, staging: Path):
        self.staging = staging
        self.writers: dict[str, pq.ParquetWriter] = {}

    def __call__(self, name: str, frame: pd.DataFrame) -> None:
        frame = _typed(name, frame)
        table = pa.Table.from_pandas(frame, preserve_index=False)
        if name not in self.writers:
            self.writers[name] = pq.ParquetWriter(self.staging / f"{name}.staged.parquet", table.schema)
        self.writers[name].write_table(table.cast(self.writers[name].schema))

    def close(self) -> None:
        for w in self.writers.values():
            w.close()


def _typed(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    spec = TABLES[name]
    out = {}
    for col in frame.columns:
        column = spec.column(col) if col in spec.column_names else None  # None: the row number
        dtype = column.type.dtype if column else "int64"
        if dtype == "int64" and column and not column.required:
            dtype = "float64"  # an optional count may be left blank: not known (NaN), which is not 0
        if dtype == "int64":
            values = frame[col]
            # validation bounds counts (config.COUNT_LIMIT_MAX at most); never let a value wrap around
            largest = values.abs().max() if len(values) else 0
            if largest >= 2**53:
                raise ValueError(f"{name}.{col}: nilai terlalu besar untuk disimpan ({largest:.0f})")
            out[col] = values.astype("int64")
        else:
            out[col] = frame[col].astype(dtype)
    out = pd.DataFrame(out)
    if "kode_desa" in out:
        out["kode_kecamatan"] = ancestors(out["kode_desa"], "kecamatan")
        out["kode_kabupaten"] = ancestors(out["kode_desa"], "kabupaten")
    elif "kode_kecamatan" in out:
        out["kode_kabupaten"] = ancestors(out["kode_kecamatan"], "kabupaten")
    return out


def _current_manifest(data_dir: Path, cache_dir: Path, regions: Regions) -> dict | None:
    """The cache's manifest when it was made from exactly these inputs, else None."""
    try:
        old = json.loads((Path(cache_dir) / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return old if old.get("fingerprint") == input_fingerprint(Path(data_dir), regions) else None


def needs_ingest(data_dir: Path, cache_dir: Path, regions: Regions) -> bool:
    """True when the inputs differ from what the cache was made from (``ingest`` will do work)."""
    return _current_manifest(data_dir, cache_dir, regions) is None


def ingest(data_dir: Path, cache_dir: Path, regions: Regions | None = None, force: bool = False,
           today: dt.date | None = None) -> tuple[Store, Report]:
    """Validate ``data_dir`` into ``cache_dir``; raise ``DataError`` (cache untouched) when data is bad."""
    data_dir, cache_dir = Path(data_dir), Path(cache_dir)
    owned.refuse_overlap(cache_dir, "--cache", {"folder data": data_dir, "kode program ranpasti": owned.src_folder()})
    with cache_lock(cache_dir):
        regions = regions or load_regions()
        old = None if force else _current_manifest(data_dir, cache_dir, regions)
        if old is not None:
            return Store(cache_dir, regions), Report(notes=list(old.get("notes", [])))
        fingerprint = input_fingerprint(data_dir, regions)
        owned.require_replaceable(cache_dir, "folder cache (--cache)")
        staging = cache_dir.with_name(cache_dir.name + ".staging")
        owned.clear(staging, "folder sementara cache")
        staging.mkdir(parents=True)
        owned.mark(staging, "cache")
        try:
            return _ingest_into(staging, data_dir, cache_dir, regions, fingerprint, today, reuse=not force)
        except BaseException as e:
            if staging.exists():
                owned.remove(staging)  # bad data, a full disk or Ctrl+C: no half cache left behind
            if isinstance(e, OSError) and e.filename is None:
                e.filename = str(cache_dir)  # pyarrow's write errors name no file: the message should
            raise


def cache_lock(cache_dir: Path):
    """The cache's lock (``lock.exclusive``, beside it): held while ``ingest`` writes it and by a build for its
    whole run, so ``params`` or a second build never replaces the data a running build is publishing."""
    cache_dir = Path(cache_dir)
    return exclusive(cache_dir.with_name(f".{cache_dir.name}.lock"), f"cache {cache_dir}/")


MEMO = "chunks"  # the cache's folder of ``validate.ChunkMemo`` entries


def _memo_context(fingerprint: dict) -> str:
    """What besides a chunk's cells decides its checks: the code, the reference regions and the data folder's
    configuration files (not the other inputs: each chunk is keyed by its own cells)."""
    config = {name: f for name, f in fingerprint["files"].items() if name in CONFIG_FILES}
    return json.dumps([CACHE_FORMAT, fingerprint["code"], fingerprint["wilayah"], config], sort_keys=True)


def _ingest_into(staging: Path, data_dir: Path, cache_dir: Path, regions: Regions, fingerprint: dict,
                 today: dt.date | None, reuse: bool = True) -> tuple[Store, Report]:
    sink = _Sink(staging)
    old = cache_dir / MEMO if reuse and owned.owned(cache_dir) and (cache_dir / MEMO).is_dir() else None
    memo = ChunkMemo(old, staging / MEMO, _memo_context(fingerprint))
    try:
        result = validate(data_dir, regions=regions, sink=sink, today=today, memo=memo)
    finally:
        sink.close()
    if not result.report.ok:
        raise DataError(result.report)
    _finalise(staging, regions)
    sources = {name: {"file": s.name, "sha256": s.sha256, "size": s.size, "encoding": s.encoding,
                      "sep": s.sep, "rows": s.rows,
                      "modified": dt.datetime.fromtimestamp(s.path.stat().st_mtime, dt.timezone.utc).isoformat()}
               for name, s in result.sources.items()}
    manifest = {"fingerprint": fingerprint, "sources": sources, "notes": result.report.notes,
                "created": dt.datetime.now(dt.timezone.utc).isoformat(), "data_dir": str(data_dir.resolve())}
    (staging / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8")
    config_src = data_dir / "konfigurasi.yml"
    if config_src.exists():
        shutil.copyfile(config_src, staging / "konfigurasi.yml")
    swap_into_place(staging, cache_dir, background=False, what="folder cache (--cache)")  # small; tests look beside it
    return Store(cache_dir, regions), result.report


def _finalise(staging: Path, regions: Regions) -> None:
    """Partition pendampingan by kabupaten, write aggregates and per-unit slice hashes."""
    for staged in staging.glob("*.staged.parquet"):
        name = staged.name.removesuffix(".staged.parquet")
        if name != "pendampingan":
            staged.rename(staging / f"{name}.parquet")
            _split_by_kabupaten(staging / f"{name}.parquet", staging / name)
    staged = staging / "pendampingan.staged.parquet"
    part_dir = staging / "pendampingan"
    part_dir.mkdir()
    if staged.exists():
        # one streaming pass: rows go to one file per kabupaten, monthly sums are accumulated per batch
        source = pq.ParquetFile(staged)
        writers: dict[str, pq.ParquetWriter] = {}
        partial, hashed, yearly, masking = [], [], [], []
        try:
            for batch in source.iter_batches(batch_size=200_000):
                frame = batch.to_pandas()
                # here, not by reading the parts back; labelled by part (kabupaten code), as the parts were
                hashed.append(_row_hash_sums(frame, frame["kode_kabupaten"].to_numpy()))
                yearly.append(_year_hash_sums(frame, "pendampingan"))
                masking.append(_masking_inputs(frame, "pendampingan"))
                for kab, part in _kabupaten_slices(pa.Table.from_batches([batch])):
                    if kab not in writers:
                        writers[kab] = pq.ParquetWriter(part_dir / f"{kab}.parquet", part.schema)
                    writers[kab].write_table(part.cast(writers[kab].schema))
                present = [c for c in COUNT_COLUMNS if c in frame]  # an optional indicator's may be absent
                sums = frame.groupby(["kode_kabupaten", "bulan"])[present].sum()
                sums["desa_melapor"] = frame.groupby(["kode_kabupaten", "bulan"]).size()
                partial.append(sums)
        finally:
            for w in writers.values():
                w.close()
        agg = pd.concat(partial).groupby(level=[0, 1]).sum().reset_index()
        agg.to_parquet(staging / "agregat_kabupaten.parquet", index=False)
        staged.unlink()
        _write_slice_hashes(staging, pd.concat(hashed).groupby(level=[0, 1]).sum(), yearly, masking)
    else:
        _write_slice_hashes(staging)


def _split_by_kabupaten(path: Path, folder: Path) -> None:
    """A small table's rows of each kabupaten in a file of its own (``folder/<kabupaten>.parquet``, in the
    table's order), beside the whole table: a page worker reads its kabupaten's rows from there and never
    holds the national table (Lokmin alone is ~300 MB nationally, in every worker). Tables without a
    kabupaten code (TPPS names its unit at any level) are only whole."""
    table = pq.read_table(path)
    if "kode_kabupaten" not in table.column_names:
        return
    folder.mkdir()
    for kab, part in _kabupaten_slices(table):
        pq.write_table(part, folder / f"{kab}.parquet")


def _kabupaten_slices(table: pa.Table) -> Iterator[tuple[str, pa.Table]]:
    """``table``'s rows of each kabupaten, in the table's order: split in Arrow, a stable sort by kabupaten
    then zero-copy slices (no pandas round trip per kabupaten, which cost more than writing the 514 files)."""
    table = table.take(pc.sort_indices(table, [("kode_kabupaten", "ascending")]))
    counts = {c["values"]: c["counts"] for c in pc.value_counts(table.column("kode_kabupaten")).to_pylist()}
    offset = 0
    for kab in sorted(k for k in counts if k is not None):  # the sorted table's order (ASCII codes; nulls,
        yield kab, table.slice(offset, counts[kab])  # which validation never lets through, would sort last)
        offset += counts[kab]


def _row_hash_sums(df: pd.DataFrame, table) -> pd.Series:
    """Sum of the row hashes per kecamatan (order-free, so batches add up): (kode, tabel) → uint64."""
    h = pd.util.hash_pandas_object(df.drop(columns=[ROW], errors="ignore"), index=False).to_numpy()
    frame = pd.DataFrame({"kode": df["kode_kecamatan"].to_numpy(), "tabel": table, "h": h})
    return frame.groupby(["kode", "tabel"])["h"].sum()


YEAR_FILE = "slice_hash_tahun.parquet"  # (kode, tabel, tahun) → h: what page keys read (``execute.plan``)
MASKING_FILE = "samar_masukan.parquet"  # (kode_kabupaten, tahun) → the masking decision's inputs
# The indicator whose counts are masked (``pages.context.MAIN_INDICATOR``, which the execution layer cannot
# import): its desa figures decide the masking of every figure of a kabupaten-year.
MASKED_INDICATOR = "krs_didampingi"
# A row's year: the first of these columns a table has (pendampingan's month, a yearly table's year, a Lokmin
# meeting's date, the year a Kampung KB was formed). A page of year Y reads rows of years up to Y only.
YEAR_COLUMNS = ("bulan", "tahun", "tanggal", "tahun_terbentuk")
ALL_YEARS = 0  # the year of a row without one (or of a table without a year column): read by every page


def _salt(table: str) -> int:
    """A number per table, mixed into its row-hash sums, so equal rows of two tables do not cancel out."""
    return int(hashlib.sha1(table.encode()).hexdigest()[:15], 16)


def _row_years(df: pd.DataFrame) -> np.ndarray:
    """Each row's year (``YEAR_COLUMNS``), ``ALL_YEARS`` where it has none."""
    col = next((c for c in YEAR_COLUMNS if c in df), None)
    if col is None:
        return np.full(len(df), ALL_YEARS, dtype="int64")
    values = df[col]
    if col in ("bulan", "tanggal"):
        values = values.astype("string").str.slice(0, 4)
    return pd.to_numeric(values, errors="coerce").fillna(ALL_YEARS).astype("int64").to_numpy()


def _unit_column(df: pd.DataFrame) -> str | None:
    """The column naming the smallest unit (kecamatan or above) a row belongs to: a page reads the rows of the
    units inside it. None: a table every page reads whole (targets, prevalence)."""
    return next((c for c in ("kode_kecamatan", "kode_kabupaten", "kode_unit") if c in df), None)


def _year_hash_sums(df: pd.DataFrame, table: str) -> pd.Series:
    """Sum of the row hashes per unit and year (order-free, so batches add up): (kode, tabel, tahun) → uint64.
    A unit is a kecamatan, or a kabupaten for rows about the kabupaten itself (aksi, audit, its TPPS)."""
    col = _unit_column(df)
    assert col is not None
    codes = df[col].astype("string")
    if col == "kode_unit":  # a TPPS of a kecamatan or a kabupaten; anything finer counts for its kecamatan
        codes = codes.where(codes.str.len() <= 8, codes.str.slice(0, 8))
    h = pd.util.hash_pandas_object(df.drop(columns=[ROW], errors="ignore"), index=False).to_numpy()
    frame = pd.DataFrame({"kode": codes.to_numpy(dtype=object), "tabel": table, "tahun": _row_years(df), "h": h})
    return frame.groupby(["kode", "tabel", "tahun"])["h"].sum()


def _masking_inputs(df: pd.DataFrame, table: str) -> pd.DataFrame | None:
    """What the masking decision of a kabupaten-year reads (``disclosure.decide`` through the pages): the
    masked indicator's numerator and denominator of every desa row, with its desa and period. Per
    (kode_kabupaten, tahun): ``h``, the sum of those rows' hashes; ``kecil``, the smallest denominator above 0
    (a decision masks nothing unless some denominator is below the threshold). None: not such a table."""
    from ..reference.indicators import INDICATORS

    main = INDICATORS[MASKED_INDICATOR]
    if "kode_desa" not in df or main.denominator not in df or main.numerator not in df:
        return None
    period = "bulan" if "bulan" in df else "tahun"
    h = pd.util.hash_pandas_object(df[["kode_desa", period, main.numerator, main.denominator]], index=False)
    den = pd.to_numeric(df[main.denominator], errors="coerce")
    frame = pd.DataFrame({"kode_kabupaten": df["kode_kabupaten"].to_numpy(), "tahun": _row_years(df),
                          "h": h.to_numpy() ^ np.uint64(_salt(table)),
                          "kecil": den.where(den > 0).to_numpy(dtype="float64")})
    return frame.groupby(["kode_kabupaten", "tahun"]).agg(h=("h", "sum"), kecil=("kecil", "min")).reset_index()


def _write_masking(staging: Path, frames: list[pd.DataFrame | None]) -> None:
    """``MASKING_FILE``: per kabupaten-year the masking inputs (``_masking_inputs``), summed over the
    pendampingan batches and jangkauan."""
    present = [f for f in frames if f is not None and len(f)]
    if not present:
        return
    out = pd.concat(present, ignore_index=True).groupby(["kode_kabupaten", "tahun"]).agg(
        h=("h", "sum"), kecil=("kecil", "min")).reset_index()
    out["h"] = out["h"].astype("uint64")
    out.to_parquet(staging / MASKING_FILE, index=False)


def _write_slice_hashes(staging: Path, pendampingan: pd.Series | None = None,
                        pendampingan_years: list[pd.Series] | None = None,
                        pendampingan_masking: list[pd.DataFrame | None] | None = None) -> None:
    """A content hash per kecamatan and kabupaten over every table's rows (what the facts' keys compare), and
    per unit and year (``YEAR_FILE``: what a page's key reads, the rows of its units up to its year), and the
    masking decision's inputs per kabupaten-year (``MASKING_FILE``)."""
    frames = [] if pendampingan is None else [pendampingan]
    yearly = list(pendampingan_years or [])
    masking: list[pd.DataFrame | None] = list(pendampingan_masking or [])
    global_parts = []
    for path in sorted(staging.glob("*.parquet")):
        if path.name.startswith(("agregat", "slice_hash", "samar_")):
            continue
        df = pd.read_parquet(path)
        if _unit_column(df) is None:
            # target, prevalensi: every page reads them whole, so they belong to the global hash
            h = pd.util.hash_pandas_object(df.drop(columns=[ROW], errors="ignore"), index=False)
            global_parts.append(f"{path.stem}:{int(h.astype('uint64').sum())}")
            continue
        yearly.append(_year_hash_sums(df, path.stem))
        masking.append(_masking_inputs(df, path.stem))
        if "kode_kecamatan" not in df:
            # aksi, audit, TPPS: no part of the facts (which key on ``slice_hash``); pages key on ``YEAR_FILE``
            continue
        frames.append(_row_hash_sums(df, path.stem))
    if "agregat_kabupaten.parquet" in {p.name for p in staging.iterdir()}:
        months = sorted(pd.read_parquet(staging / "agregat_kabupaten.parquet", columns=["bulan"])["bulan"].unique())
        global_parts.append("bulan:" + ",".join(months))
    (staging / "global_hash.txt").write_text(hashlib.sha256("|".join(global_parts).encode()).hexdigest())
    _write_masking(staging, masking)
    if yearly:
        per_year = pd.concat(yearly).groupby(level=[0, 1, 2]).sum().rename("h").reset_index()
        per_year["h"] = per_year["h"].astype("uint64") ^ per_year["tabel"].map(_salt).astype("uint64")
        per_year.to_parquet(staging / YEAR_FILE, index=False)
    if not frames:
        return
    per = pd.concat(frames).groupby(level=[0, 1]).sum().rename("h").reset_index()
    per["h"] = per["h"].astype("uint64")
    per["h"] = per["tabel"].map(_salt).astype("uint64") ^ per["h"]
    kec = per.groupby("kode")["h"].sum()
    kab = kec.groupby(ancestors(kec.index.to_series(), "kabupaten")).sum()
    hashes = pd.concat([kec, kab[~kab.index.isin(kec.index)]])
    pd.DataFrame({"kode": hashes.index, "hash": hashes.to_numpy().astype("uint64").astype(str)}).to_parquet(
        staging / "slice_hash.parquet", index=False)


def _finest_column(df: pd.DataFrame) -> str:
    """The column that places a row of a small table in a region: its finest code (a desa's where it has one)."""
    return next(c for c in ("kode_desa", "kode_kecamatan", "kode_kabupaten", "kode_unit") if c in df)


# a table (by id, kept alive by the entry), its code column and a prefix length → prefix → row positions
_PREFIX_POSITIONS = caches.table("ingest.store.prefix_positions", 64)
NO_ROWS = np.array([], dtype=np.intp)  # ``rows.take(NO_ROWS)``: none of the rows, their columns kept


def prefix_positions(codes: pd.Series, width: int) -> dict[str, np.ndarray]:
    """The positions of the rows whose code starts with each ``width``-character prefix (a shorter code is
    its own prefix: it starts with no longer one): ``rows.take(groups.get(kode, NO_ROWS))`` is
    ``rows[codes.str.startswith(kode)]`` for any ``kode`` of that width, in the rows' order."""
    groups: dict[str, list[int]] = {}
    for position, code in enumerate(codes.astype(str).tolist()):
        if len(code) >= width:
            groups.setdefault(code[:width], []).append(position)
    return {prefix: np.array(positions, dtype=np.intp) for prefix, positions in groups.items()}


@dataclass
class Store:
    """Read access to one ingested cache; every read returns only the slice a page needs."""

    dir: Path
    regions: Regions

    @cached_property
    def manifest(self) -> dict:
        return json.loads((self.dir / "manifest.json").read_text(encoding="utf-8"))

    @cached_property
    def config(self):
        return load_config(self.dir)

    @cached_property
    def _tables(self) -> dict[str, pd.DataFrame]:
        return {}

    def _empty(self, name: str) -> pd.DataFrame:
        """``name``'s columns and types, no rows (a kabupaten with none), from the whole table's schema."""
        path = self.dir / f"{name}.parquet"
        return (pq.read_schema(path).empty_table().to_pandas() if path.exists()
                else pd.DataFrame(columns=[c.name for c in TABLES[name].columns]))

    def _small(self, name: str) -> pd.DataFrame:
        """Whole small tables, read once per Store (a page asks for lokmin or targets several times)."""
        if name not in self._tables:
            path = self.dir / f"{name}.parquet"
            self._tables[name] = (pd.read_parquet(path) if path.exists()
                                  else pd.DataFrame(columns=[c.name for c in TABLES[name].columns]))
        return self._tables[name]

    def table(self, name: str, kode: str = "ID") -> pd.DataFrame:
        """Rows of ``name`` inside unit ``kode`` (for lokmin/krs_rekap/kampung_kb/target/prevalensi)."""
        if kode in ("ID", "") or name in ("target", "prevalensi"):
            return self._small(name)
        if level_of(kode) == "provinsi":
            df = self._small(name)
            return df[df[_finest_column(df)].str.startswith(kode)]
        part = self._kabupaten_rows(name, ancestor(kode, "kabupaten"))
        return part if level_of(kode) == "kabupaten" else self.inside(part, kode)

    @staticmethod
    def inside(rows: pd.DataFrame, kode: str) -> pd.DataFrame:
        """The rows of a kabupaten's table (or of a result with its columns) inside unit ``kode``: the one rule
        ``table`` and the pages selecting from a kabupaten-wide result share (a code starting with ``kode``).
        Taken by position, in the rows' order, from the rows grouped by their codes' first ``len(kode)``
        characters, made once per table and code length: every kecamatan page selects from the same
        kabupaten tables several times."""
        column = _finest_column(rows)
        groups = _PREFIX_POSITIONS.get_or_make((id(rows), len(rows), column, len(kode)),
                                               lambda: prefix_positions(rows[column], len(kode)), keep=rows)
        return rows.take(groups.get(kode, NO_ROWS))

    @cached_property
    def _kabupaten_positions(self) -> dict[str, dict[str, np.ndarray]]:
        return {}

    @cached_property
    def _kabupaten_kept(self) -> OrderedDict[tuple[str, str], pd.DataFrame]:
        return OrderedDict()

    def _kabupaten_rows(self, name: str, kabupaten: str) -> pd.DataFrame:
        """``name``'s rows of ``kabupaten``, kept for the latest kabupaten asked (``KEPT_KABUPATEN_ROWS``
        tables: a worker runs a kabupaten's pages one after another, each asking several times). Read from
        the kabupaten's own file where ingest wrote one (``_split_by_kabupaten``), so a page worker never
        holds the national table; else taken from the national table's rows grouped by kabupaten once per
        Store (``core.frames.rows_at``: a slice where the rows lie together)."""
        kept = self._kabupaten_kept
        if (name, kabupaten) in kept:
            kept.move_to_end((name, kabupaten))
            return kept[(name, kabupaten)]
        if (self.dir / name).is_dir():
            path = self.dir / name / f"{kabupaten}.parquet"
            rows = pd.read_parquet(path) if path.exists() else self._empty(name)
        else:
            df = self._small(name)
            if name not in self._kabupaten_positions:
                groups = df.groupby(ancestors(df[_finest_column(df)], "kabupaten"), sort=False)
                self._kabupaten_positions[name] = groups.indices
            positions = self._kabupaten_positions[name].get(kabupaten)
            rows = df.iloc[:0] if positions is None else rows_at(df, positions)
        kept[(name, kabupaten)] = rows
        while len(kept) > KEPT_KABUPATEN_ROWS:
            kept.popitem(last=False)
        return rows

    def pendampingan_rows(self, kode: str) -> int:
        """How many desa-month rows kabupaten ``kode`` has, from its file's metadata (nothing else is read)."""
        path = self.dir / "pendampingan" / f"{kode}.parquet"
        return pq.read_metadata(path).num_rows if path.exists() else 0

    def pendampingan(self, kode: str) -> pd.DataFrame:
        """Desa-month rows of a kecamatan or kabupaten; only that kabupaten's file is read."""
        level = level_of(kode)
        if level in ("nasional", "provinsi"):
            raise ValueError("gunakan agregat() untuk tingkat provinsi/nasional")
        path = self.dir / "pendampingan" / f"{ancestor(kode, 'kabupaten')}.parquet"
        if not path.exists():
            return pd.DataFrame(columns=["kode_desa", "bulan", *COUNT_COLUMNS])
        filters = [("kode_kecamatan", "=", kode)] if level == "kecamatan" else None
        return pd.read_parquet(path, filters=filters)

    def kabupaten_memo(self, kode: str, key: tuple, compute: Callable[[], T]) -> T:
        """A result computed once for the kabupaten of ``kode`` and shared by the pages inside it.

        A build runs a kabupaten's kecamatan pages one after another in the same worker processes, and each
        needs the same kabupaten-wide figures (capaian of every kecamatan and desa, with targets): computing
        them once per kabupaten instead of once per page removes most of a kecamatan page's pandas work.
        Only the latest kabupaten is kept, so memory stays flat over a national build. Results are shared:
        callers must not modify them."""
        kab = ancestor(kode, "kabupaten")
        memo = self.__dict__.setdefault("_kabupaten_memo", {})
        if memo.get("kabupaten") != kab:
            memo.clear()
            memo["kabupaten"] = kab
        if key not in memo:
            memo[key] = compute()
        return memo[key]

    def agregat(self, kode: str = "ID") -> pd.DataFrame:
        """Per-kabupaten monthly sums, for national and province pages (no desa rows read)."""
        path = self.dir / "agregat_kabupaten.parquet"
        df = pd.read_parquet(path)
        return df if kode in ("ID", "") else df[df["kode_kabupaten"].str.startswith(kode)]

    def kabupaten_codes(self) -> list[str]:
        return sorted(p.stem for p in (self.dir / "pendampingan").glob("*.parquet"))

    def months(self, kode: str = "ID") -> list[str]:
        """The months with pendampingan data: in the whole data (the site's months), or those ``kode``'s
        kabupaten sent (every kabupaten inside a province), since exports arrive at different times and a unit
        behind the site's latest month is shown at its own."""
        if "_months" not in self.__dict__:  # read once per Store (every page asks)
            sent = pd.read_parquet(self.dir / "agregat_kabupaten.parquet", columns=["kode_kabupaten", "bulan"])
            self.__dict__["_months"] = sorted(sent["bulan"].unique())
            self.__dict__["_sent"] = sent
        if kode in ("ID", ""):
            return list(self.__dict__["_months"])
        sent = self.__dict__["_sent"]
        level = level_of(kode)
        inside = (sent["kode_kabupaten"].str.startswith(kode + ".") if level == "provinsi"
                  else sent["kode_kabupaten"] == ancestor(kode, "kabupaten"))
        return sorted(sent.loc[inside, "bulan"].unique())

    def global_hash(self) -> str:
        """Hash of what every page reads (targets, prevalence, the months present, config, notes)."""
        path = self.dir / "global_hash.txt"
        extra = json.dumps([self.manifest.get("notes", []), self.config.extra], sort_keys=True, default=str)
        base = path.read_text() if path.exists() else ""
        return hashlib.sha256((base + extra).encode()).hexdigest()

    def slice_hashes(self) -> dict[str, str]:
        path = self.dir / "slice_hash.parquet"
        if not path.exists():
            return {}
        df = pd.read_parquet(path)
        return dict(zip(df["kode"], df["hash"], strict=True))

    def year_hashes(self) -> pd.DataFrame:
        """Row-hash sums per unit, table and year (``YEAR_FILE``): kode, tabel, tahun, h (uint64). Empty for a
        cache written before they existed (then every page's key changes once, which is safe)."""
        path = self.dir / YEAR_FILE
        if not path.exists():
            return pd.DataFrame({"kode": pd.Series(dtype=object), "tabel": pd.Series(dtype=object),
                                 "tahun": pd.Series(dtype="int64"), "h": pd.Series(dtype="uint64")})
        return pd.read_parquet(path)

    def masking_inputs(self) -> pd.DataFrame:
        """The masking decision's inputs per kabupaten-year (``MASKING_FILE``): kode_kabupaten, tahun, h and
        kecil (the smallest denominator above 0)."""
        path = self.dir / MASKING_FILE
        if not path.exists():
            return pd.DataFrame(columns=["kode_kabupaten", "tahun", "h", "kecil"])
        return pd.read_parquet(path)
