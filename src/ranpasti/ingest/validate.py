"""Check staff data against the input specs and the reference regions, chunk by chunk.

Rules live here, one function per kind of fault, each wording its own message for staff. Validation is
streaming: a chunk is read, normalised, checked and handed to a sink (the Parquet cache writer), so a
200 MB export is checked in bounded memory. Only keys needed across chunks (desa-month for duplicates,
kecamatan seen) are kept.

Why hand-written rather than pandera/frictionless: the hard rules here are normalisation of Indonesian
exports and cross-references to Kemendagri codes, with messages in Bahasa Indonesia that name the
spreadsheet row; a schema library would cover only the easy type checks and still need this layer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..core import privacy
from ..core.files import link_or_copy
from ..core.yamlio import YamlError
from ..reference.config import Config, load_config
from ..reference.regions import Regions, ancestors, load_regions
from .headers import HeaderMap, header_map, load_mapping
from .kinds import CheckContext, TextKind, _known, _num, check_personal_text
from .names import NameIndex, name_key, name_levels
from .problems import Problem, Report, echo
from .readers import ROW, ReadError, Source, find_inputs, normalise_header, open_input
from .schema import TABLES, WELFARE_COLUMNS, TableSpec, personal_column

Sink = Callable[[str, pd.DataFrame], None]


@dataclass
class TableState:
    """What must be remembered across chunks of one table."""

    # duplicate detection across chunks: per chunk, the sorted 64-bit hashes of its row keys and their
    # spreadsheet rows (12 bytes per row; never merged, so no copy of everything seen so far)
    key_hashes: list[np.ndarray] = field(default_factory=list)
    key_rows: list[np.ndarray] = field(default_factory=list)
    key_files: list[str] = field(default_factory=list)  # the source of each entry of key_hashes/key_rows
    kecamatan: set[str] = field(default_factory=set)
    kabupaten: set[str] = field(default_factory=set)
    last_month: str = ""  # the latest ``bulan`` read (pendampingan's: the data's last month)


@dataclass
class Validation:
    report: Report
    sources: dict[str, Source]
    states: dict[str, TableState]
    mapping: dict[str, dict[str, str]] = field(default_factory=dict)  # the data folder's judul_kolom.yml


def _today() -> dt.date:
    return dt.date.today()


def validate(data_dir: Path, regions: Regions | None = None, sink: Sink | None = None,
             today: dt.date | None = None, chunk_rows: int | None = None,
             memo: ChunkMemo | None = None) -> Validation:
    """Validate every input in ``data_dir``; clean chunks go to ``sink(table_name, frame)``. With ``memo``,
    a chunk read exactly as one the previous ingest validated is not checked again (``ChunkMemo``)."""
    regions = regions or load_regions()
    today = today or _today()
    report = Report()
    sources: dict[str, Source] = {}
    states: dict[str, TableState] = {}
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        report.error(str(data_dir), "folder data tidak ditemukan. Periksa argumen --data.")
        return Validation(report, sources, states)
    config = Config()
    try:
        config = load_config(data_dir)
    except YamlError as e:  # "<path>, baris 4: …": said as every problem is ("konfigurasi.yml, baris 4: …")
        path, text = str(data_dir / "konfigurasi.yml"), str(e)
        where, _, message = text.removeprefix(path).partition(": ") if text.startswith(path) else ("", "", text)
        report.error("konfigurasi.yml" + where.rstrip(":"), message)
    mapping, problems = load_mapping(data_dir, {t.name: set(header_map(t).known()) for t in TABLES.values()})
    for problem in problems:
        report.add(problem)
    inputs, problems = find_inputs(data_dir, list(TABLES))
    for problem in problems:
        report.add(problem)
    names = NameIndex(regions)
    for spec in TABLES.values():
        found = inputs.get(spec.name, [])
        if not found:
            if spec.required_file and not any(p.file.startswith(spec.name + ".") for p in problems):
                report.error(f"{spec.name}.csv", f"file tidak ditemukan di {data_dir}. Setiap folder data harus "
                             f"berisi {spec.name}.csv atau {spec.name}.xlsx ({spec.title}), atau lembar "
                             f"'{spec.name}' di buku kerja Excel; lihat data/README.md.")
            continue
        state = TableState()
        states[spec.name] = state
        headers = header_map(spec, mapping)
        for ref in found:
            key = spec.name if ref.sheet is None else f"{spec.name}@{ref.path.name}"
            try:
                kwargs = {"chunk_rows": chunk_rows} if chunk_rows else {}
                source, chunks = open_input(ref, spec, headers, **kwargs)
                sources[key] = source
                header_ok = True
                for chunk in chunks:
                    if source.sheet and source.rows == 0 and _unfilled(spec, chunk):
                        # a workbook sheet nobody has filled yet (an optional input, or Lokmin later in the
                        # year): skipped, not refused for lacking the codes its empty name cells would give
                        report.note(f"{source.name}: lembar belum diisi, dilewati.")
                        continue
                    # a file's first chunk is always checked: it carries the header check
                    last_month = states["pendampingan"].last_month if "pendampingan" in states else ""
                    memo_key = (memo.key(spec, source, chunk, today, last_month)
                                if memo is not None and source.rows else None)
                    if memo_key and memo is not None and memo.replay(memo_key, spec, source, state, report, sink):
                        continue
                    said = _Recording(report) if memo_key else report
                    before = (len(state.key_hashes), set(state.kecamatan), set(state.kabupaten), source.rows,
                              state.last_month)
                    chunk = _identify(source, spec, chunk, names, said)
                    if source.rows == 0 and not _check_header(source, spec, chunk, report, headers):
                        header_ok = False
                        break
                    clean = _check_chunk(source, spec, chunk, state, regions, today, said, config, last_month)
                    if sink is not None and report.ok and clean is not None and len(clean):
                        sink(spec.name, clean)
                    if memo_key and memo is not None and isinstance(said, _Recording) and report.ok:
                        memo.record(memo_key, said, state, before, source.rows - before[3],
                                    clean if sink is not None and clean is not None and len(clean) else None)
            except ReadError as e:
                report.add(e.problem)
                continue
            for note in source.notes:
                report.note(note)
            if source.rows == 0 and key in sources and header_ok and not source.sheet:
                report.error(ref.path.name, "file tidak berisi satu baris data pun (hanya judul kolom atau kosong).")
    _check_cross(states, regions, report)
    return Validation(report, sources, states, mapping)


def _check_header(source: Source, spec: TableSpec, chunk: pd.DataFrame, report: Report,
                  headers: HeaderMap) -> bool:
    cols = [c for c in chunk.columns if c != ROW]
    known = headers.known()
    # by the header as staff wrote it, also when it is read as one of our columns (an alias, or a line of
    # judul_kolom.yml mapping "Nama Ibu Hamil" onto penanggung_jawab would publish names)
    personal = {c: kind for c in cols if c and (kind := personal_column(source.labels.get(c, c)))}
    for c, kind in personal.items():
        label = source.labels.get(c, c)
        mapped = (f" Judul \"{label}\" dipetakan ke kolom {c} (judul_kolom.yml), tetapi judulnya menyebut data "
                  "pribadi." if c in known and normalise_header(label) != c else "")
        report.error(source.name, f"kolom ini berisi data pribadi ({kind}) dan tidak boleh ada di "
                     f"folder data situs publik.{mapped} Hapus kolom ini dari file (cukup data agregat per desa).",
                     row=source.header_row, column=c)
    missing = [c.name for c in spec.columns if c.required and c.name not in cols]
    if missing:
        found = ", ".join(f"{echo(c)} (\"{echo(source.labels[c])}\")" if source.labels.get(c, c) != c else echo(c)
                          for c in cols)
        names = (f" Sebagai ganti kode_{spec.names}, boleh kolom nama wilayah: "
                 f"{', '.join(name_levels(spec.names))}." if spec.names and f"kode_{spec.names}" in missing else "")
        report.error(source.name, f"kolom wajib tidak ada: {', '.join(missing)}. Kolom yang ditemukan di baris "
                     f"{source.header_row}: {found or '(tidak ada)'}. Nama kolom seperti di data/README.md (nama lain "
                     f"yang dikenal juga tercantum di sana, atau tambahkan di judul_kolom.yml).{names}",
                     row=source.header_row)
    # an optional numerator without its (optional) denominator: nothing to divide it by
    lonely = [(n, d) for n, d in spec.ratios if n in cols and d not in cols and d not in missing]
    for num, den in lonely:
        report.error(source.name, f"kolom {num} ada tetapi kolom {den} tidak ada; {num} dibagi {den}, jadi "
                     f"tambahkan kolom {den} atau hapus kolom {num}.", row=source.header_row, column=num)
    dupes = sorted({c for c in cols if cols.count(c) > 1 and c})
    if dupes:
        report.error(source.name, f"nama kolom muncul lebih dari sekali: {', '.join(dupes)}.",
                     row=source.header_row)
    extra = [c for c in cols if c not in known and c not in personal and c and not c.startswith("unnamed")]
    if extra and not spec.extra_columns_ok:
        report.warn(source.name, f"kolom tidak dikenal diabaikan: {', '.join(extra)}.", row=source.header_row)
    return not (personal or missing or dupes or lonely)


def _check_chunk(source: Source, spec: TableSpec, chunk: pd.DataFrame, state: TableState, regions: Regions,
                 today: dt.date, report: Report, config: Config, last_month: str = "") -> pd.DataFrame | None:
    present = [c.name for c in spec.columns if c.name in chunk.columns]
    data = chunk[[ROW, *present]]
    # trailing or stray empty rows (Excel leaves them) are dropped silently, with a note
    empty = (data[present] == "").all(axis=1)
    if source.sheet:
        # a workbook made by ``ranpasti templat`` lists every desa × month; the rows not filled in yet (only
        # the place and period) are months not reported, not zeros
        entry = [c for c in present if c not in _IDENTITY and c not in spec.key]
        empty |= (data[entry] == "").all(axis=1) if entry else False
        if empty.any():
            report.note(f"{source.name}: {int(empty.sum())} baris yang belum diisi dilewati (hanya wilayah dan "
                        "periodenya, atau kosong).")
    elif empty.any():
        report.note(f"{source.name}: {int(empty.sum())} baris kosong dilewati.")
    data = data[~empty]
    if data.empty:
        return None
    source.rows += len(data)
    out = pd.DataFrame({ROW: data[ROW].to_numpy()}, index=data.index)
    rows = data[ROW]
    for col in spec.columns:
        if col.name not in data:
            if col.default is None:
                continue
            text = pd.Series(col.default, index=data.index)  # left out: the declared default, checked as given
        else:
            text = data[col.name].astype(str)
            if col.default is not None:
                text = text.where(text.str.strip() != "", col.default)
        kind = col.type
        unread = _unreadable_cells(source, col.name, rows, text, kind, report)
        if unread.any():
            text = text.where(~unread, "")
        blank = (text.str.strip() == "") & ~unread
        if col.required and blank.any():
            report.error_cells(source.name, col.name, rows[blank], [""] * int(blank.sum()),
                               f"sel kosong; harus diisi ({col.hint}).")
        parsed = kind.parse(text, col, source)
        kind.settle(text, parsed, regions)
        kind.inspect(text, parsed, col.name, rows, source, report)
        if parsed.bad.any():
            why = parsed.why if parsed.why is not None else pd.Series("", index=text.index)
            for reason, cells in why[parsed.bad].groupby(why[parsed.bad], sort=False):
                report.error_cells(source.name, col.name, rows[cells.index], text[cells.index],
                                   reason or kind.bad_message(col.hint))
        if parsed.changed.any():
            example = text[parsed.changed].iloc[0]
            result = parsed.values[parsed.changed].iloc[0]
            result = _num(result) if isinstance(result, float) else result
            report.note(f"{source.name} kolom {col.name}: {int(parsed.changed.sum())} nilai dinormalkan "
                        f"(mis. \"{echo(example)}\" → \"{echo(result)}\").")
        out[col.name] = parsed.values
    for extra in (c for c in chunk.columns if c != ROW and c not in spec.column_names):
        # ignored columns are not published, but the file is kept in the data folder: no NIK there either
        check_personal_text(source, extra, rows, chunk.loc[data.index, extra], report)
    _check_values(source, spec, out, regions, today, report, config)
    _check_status_dates(source, out, report, last_month)
    _check_names(source, spec, chunk.loc[data.index], out, regions, report)
    _check_duplicates(source, spec, out, state, report)
    _remember(spec, out, state)
    return out


_IDENTITY = ("kode_desa", "kode_kecamatan", "kabupaten", "kecamatan", "desa")

HIDDEN_CHARACTERS = ("berisi karakter tak terlihat (ditulis di sini sebagai <U+…>), biasanya terbawa saat menyalin "
                     "dari web atau aplikasi pesan; dengan karakter itu nilai yang tampak benar bisa dibaca lain. "
                     "Ketik ulang isi sel ini.")


def _all_ascii(text: pd.Series) -> bool:
    """Whether every cell is plain ASCII (nearly every code and count column): Arrow's check, no regex."""
    import pyarrow.compute as pc

    from .normalize import arrow_text

    return bool(pc.all(pc.string_is_ascii(arrow_text(text))).as_py() is not False)


def _unreadable_cells(source: Source, column: str, rows: pd.Series, text: pd.Series, kind, report: Report) -> pd.Series:
    """Cells that cannot be read as written, whatever their kind, each refused with why: a formula without a
    saved result or a merged cell (said by the reader, ``Source.unreadable``), and, in codes, counts, dates and
    choices, invisible characters (free text drops them with a note: it is published as words, not read)."""
    out = pd.Series(False, index=text.index)
    flagged = source.unreadable.get(column)
    if flagged:
        at = rows.map(flagged).dropna()
        for reason, cells in at.groupby(at, sort=False):
            report.error_cells(source.name, column, rows[cells.index], text[cells.index], reason)
        out[at.index] = True
    if not isinstance(kind, TextKind) and not _all_ascii(text):
        hidden = text.str.contains(privacy.FORMAT.pattern, regex=True).fillna(False).astype(bool) & ~out
        if hidden.any():
            report.error_cells(source.name, column, rows[hidden], text[hidden], HIDDEN_CHARACTERS)
            out |= hidden
    return out


def _unfilled(spec: TableSpec, chunk: pd.DataFrame) -> bool:
    """Whether a workbook chunk has nothing typed in: only the places and periods the workbook pre-fills."""
    entry = [c for c in chunk.columns if c != ROW and c not in _IDENTITY and c not in spec.key]
    return bool(entry) and bool((chunk[entry].fillna("").astype(str) == "").all(axis=None))


_TOTAL_ROW = r"^\s*(?:jumlah|total|grand total|sub ?total)\b"
_TOTAL_FIRST = list("jtgsJTGS \t")


def _identify(source: Source, spec: TableSpec, chunk: pd.DataFrame, names: NameIndex,
              report: Report) -> pd.DataFrame:
    """Rows that name their place instead of giving its code get the code from the reference regions; total
    rows ("JUMLAH", "Total Kecamatan") that staff forms carry at the bottom are dropped."""
    level = spec.names
    if not level:
        return chunk
    code = f"kode_{level}"
    cols = [c for c in (code, *name_levels(level)) if c in chunk.columns]
    if not cols:
        return chunk
    blank_code = chunk[code].str.strip() == "" if code in chunk else pd.Series(True, index=chunk.index)
    total = pd.Series(False, index=chunk.index)
    for c in cols:
        # a cheap first-letter test before the pattern: national files have millions of codes and no totals
        maybe = chunk[c].str.slice(0, 1).isin(_TOTAL_FIRST)
        if maybe.any():
            total |= maybe & chunk[c].str.contains(_TOTAL_ROW, case=False, regex=True)
    if total.any() and code in chunk.columns:
        total &= blank_code | chunk[code].str.contains(_TOTAL_ROW, case=False, regex=True)
    if total.any():
        report.note(f"{source.name}: {int(total.sum())} baris jumlah/total dilewati (dihitung ulang dari baris "
                    "desa/kecamatan).")
        chunk = chunk[~total]
        blank_code = blank_code[~total]
    if level not in chunk.columns:
        return chunk
    todo = blank_code & (chunk[level].str.strip() != "")
    if not todo.any():
        return chunk
    if "kabupaten" not in chunk.columns:
        report.error(source.name, f"baris yang memakai nama {level} (tanpa {code}) perlu kolom kabupaten: nama "
                     f"{level} dicari di dalam kabupatennya. Tambahkan kolom kabupaten, atau isi {code}.",
                     row=source.header_row, column=level)
        return chunk[~todo]
    levels = [c for c in name_levels(level) if c in chunk.columns]
    given = chunk.loc[todo, levels].apply(lambda s: s.str.strip())
    codes = pd.Series("", index=given.index, dtype=object)
    failed: dict[tuple[str, str, str], list[int]] = {}
    for combo, rows in given.groupby(levels, sort=False).groups.items():
        place = dict(zip(levels, combo if isinstance(combo, tuple) else (combo,), strict=True))
        found, column, problem = _resolve(names, place, level)
        if found:
            codes.loc[rows] = found
        else:
            value = place[column]
            failed.setdefault((column, value, problem), []).extend(chunk.loc[rows, ROW].tolist())
    for (column, value, problem), rows in failed.items():
        if privacy.find_personal(value):  # a NIK or phone typed into a place name: said masked, as in free text
            check_personal_text(source, column, pd.Series(rows), pd.Series([value] * len(rows)), report)
            continue
        report.error_cells(source.name, column, rows, [value] * len(rows),
                           f"{problem}. Periksa ejaan nama, atau isi kolom {code}.")
    ok = codes != ""
    chunk = chunk.copy()
    if code not in chunk.columns:
        chunk.insert(1, code, "")
    chunk.loc[codes.index[ok], code] = codes[ok]
    if ok.any():
        report.note(f"{source.name}: {int(ok.sum())} baris dikenali dari nama wilayah ({code} diisi dari data "
                    "wilayah Kemendagri).")
    bad = codes.index[~ok]
    return chunk.drop(index=bad) if len(bad) else chunk


def _check_names(source: Source, spec: TableSpec, chunk: pd.DataFrame, out: pd.DataFrame, regions: Regions,
                 report: Report) -> None:
    """A row that gives both a code and a place name must name the place the code is: "16.05.01.2001" with
    "Desa Sukamaju" when that code is Desa Bumi Agung is a typo in one of the two, and which one cannot be
    known. Names are compared as ``names.name_key`` compares them (case, spacing, "Desa"/"Kel."/"Kab."
    prefixes, common abbreviations), never more loosely."""
    level = spec.names
    if not level or f"kode_{level}" not in out:
        return
    code_col = f"kode_{level}"
    codes = out[code_col].astype(str)
    for name_level in name_levels(level):
        if name_level not in chunk.columns:
            continue
        given = chunk[name_level].astype(str).str.strip()
        table = getattr(regions, name_level)
        at = ancestors(codes, name_level) if name_level != level else codes
        mask = (given != "") & at.isin(table.index)
        if not mask.any():
            continue
        pairs = pd.DataFrame({"code": at[mask], "given": given[mask]})
        for (code, name), group in pairs.groupby(["code", "given"], sort=False):
            ref = str(table.at[code, "nama"])
            key, ref_key = name_key(name, name_level), name_key(ref, name_level)
            explicit = name.lower().startswith(("kab ", "kab.", "kabupaten"))
            if key == ref_key or (name_level == "kabupaten" and ref_key == "kota" + key and not explicit):
                continue  # "Lubuklinggau" for Kota Lubuklinggau, as names.NameIndex reads it
            report.error_cells(source.name, name_level, out.loc[group.index, ROW], [name] * len(group),
                               f"nama {name_level} ini tidak sama dengan nama untuk {code_col} "
                               f"{echo(out.at[group.index[0], code_col])} di data wilayah Kemendagri: kode {code} "
                               f"adalah {ref}. Salah satunya keliru; periksa kode dan nama {name_level} di baris ini.")


def _resolve(names: NameIndex, given: dict[str, str], level: str) -> tuple[str | None, str, str]:
    """(code, column at fault, why not) for one combination of place names."""
    kab = names.kabupaten(given.get("kabupaten", ""))
    if not kab.code:
        return None, "kabupaten", kab.problem
    kec_code = None
    if given.get("kecamatan"):
        kec = names.kecamatan(kab.code, given["kecamatan"])
        if not kec.code:
            return None, "kecamatan", kec.problem
        kec_code = kec.code
    if level == "kecamatan":
        return (kec_code, "", "") if kec_code else (None, "kecamatan", "nama kecamatan kosong")
    desa = names.desa(kab.code, given["desa"], kec_code)
    return (desa.code, "", "") if desa.code else (None, "desa", desa.problem)


def _check_values(source: Source, spec: TableSpec, out: pd.DataFrame, regions: Regions, today: dt.date,
                  report: Report, config: Config) -> None:
    name, rows = source.name, out[ROW]
    ctx = CheckContext(name, rows, regions, today, report, config)
    for col in spec.columns:
        if col.name in out:
            col.type.check(out[col.name], col, ctx)
    # a desa reported under a kecamatan it does not belong to (moved, or a typo in one of the two codes)
    if "kode_desa" in out and "kode_kecamatan" in out:
        desa_ok = _known(out["kode_desa"], regions.desa.index) & (out["kode_desa"] != "")
        ref = out.loc[desa_ok, "kode_desa"].map(regions.desa["kode_kecamatan"])
        given = out.loc[desa_ok, "kode_kecamatan"]
        # a kecamatan code that is not one is reported by its own check (and is not repeated in a message)
        moved = (given != "") & (ref != given) & _known(given, regions.kecamatan.index)
        if moved.any():
            for r, d, g, f in zip(rows[desa_ok][moved], out.loc[desa_ok, "kode_desa"][moved], given[moved],
                                  ref[moved], strict=True):
                report.error(name, f"desa {d} ({regions.desa.at[d, 'nama']}) tidak berada di kecamatan {g}; "
                             f"menurut data wilayah Kemendagri desa ini ada di kecamatan {f} "
                             f"({regions.kecamatan.at[f, 'nama']}). Perbaiki kode_kecamatan atau kode_desa.",
                             row=int(r), column="kode_kecamatan", value=g)
    for num, den in spec.ratios:
        if num in out and den in out:
            over = out[num] > out[den]
            if over.any():
                report.error_cells(name, num, rows[over],
                                   [f"{_num(a)} > {den} {_num(b)}" for a, b in
                                    zip(out.loc[over, num], out.loc[over, den], strict=True)],
                                   f"lebih besar dari {den} pada baris yang sama; yang didampingi/dilayani "
                                   "tidak boleh melebihi sasarannya.")
    if spec.name == "krs_rekap" and "total_krs" in out:
        _check_rekap(name, out, report)


def _check_rekap(name: str, out: pd.DataFrame, report: Report) -> None:
    rows = out[ROW]
    total = out["total_krs"] + out["tidak_berisiko"]
    bad = total != out["jumlah_keluarga_sasaran"]
    if bad.any():
        report.error_cells(name, "total_krs", rows[bad],
                           [f"{_num(a)} + {_num(b)} ≠ {_num(c)}" for a, b, c in zip(
                               out.loc[bad, "total_krs"], out.loc[bad, "tidak_berisiko"],
                               out.loc[bad, "jumlah_keluarga_sasaran"], strict=True)],
                           "total_krs + tidak_berisiko harus sama dengan jumlah_keluarga_sasaran.")
    welfare = out[list(WELFARE_COLUMNS)].sum(axis=1)
    bad = welfare != out["total_krs"]
    if bad.any():
        report.error_cells(name, "kesejahteraan_1", rows[bad],
                           [f"jumlah {_num(a)} ≠ total_krs {_num(b)}" for a, b in
                            zip(welfare[bad], out.loc[bad, "total_krs"], strict=True)],
                           "jumlah kesejahteraan_1 sampai kesejahteraan_lebih_4 harus sama dengan total_krs.")
    for col in ("air_minum_tidak_layak", "jamban_tidak_layak", "terlalu_muda", "terlalu_tua", "terlalu_dekat",
                "terlalu_banyak"):
        bad = out[col] > out["total_krs"]
        if bad.any():
            report.error_cells(name, col, rows[bad], out.loc[bad, col].map(_num),
                               "faktor risiko tidak boleh lebih dari total_krs (tiap KRS dihitung sekali "
                               "per faktor).")


# what a dated status (``tanggal_status``) may not precede, per input: the item's own date, said in words
STATUS_SINCE = {"tanggal": "tanggal pertemuan Lokmin", "tahun_terbentuk": "tahun Kampung KB terbentuk"}


def _check_status_dates(source: Source, out: pd.DataFrame, report: Report, last_month: str) -> None:
    """A status history (issue 34) is read as at 31 December of each year, so its dates decide what each year's
    page shows: a status dated before the item existed (before its Lokmin meeting, before the year its
    Kampung KB was formed) is a typo that would rewrite a year the item was not in, and is refused; one dated
    after the data's last month is read by no page yet, which staff are told (a warning: it is not wrong)."""
    if "tanggal_status" not in out:
        return
    dated = out["tanggal_status"].astype(str)
    rows = out[ROW]
    for since, what in STATUS_SINCE.items():
        if since not in out:
            continue
        if since == "tahun_terbentuk":  # a year: its first day
            own = pd.to_numeric(out[since], errors="coerce").map(lambda y: f"{int(y):04d}-01-01" if y == y else "")
        else:
            own = out[since].fillna("").astype(str)
        early = (dated != "") & (own != "") & (dated < own)
        if early.any():
            report.error_cells(source.name, "tanggal_status", rows[early], dated[early],
                               f"tanggal status sebelum {what} di baris yang sama; status hanya bisa dicatat "
                               f"sesudahnya. Periksa tanggal_status (atau kolom {since}) di baris ini.")
    if last_month:
        later = (dated != "") & (dated.str.slice(0, 7) > last_month)
        if later.any():
            first = int(rows[later].iloc[0])
            report.warn(source.name, f"{int(later.sum())} status bertanggal sesudah bulan terakhir data "
                        f"pendampingan ({last_month}), yang pertama di baris {first}: belum ada halaman yang "
                        "membacanya sampai laporan bulan itu masuk. Bila tanggalnya salah ketik, perbaiki.",
                        row=first, column="tanggal_status", value=str(dated[later].iloc[0]))


def _remember(spec: TableSpec, out: pd.DataFrame, state: TableState) -> None:
    if "bulan" in out:
        months = out["bulan"].astype(str)
        latest = str(months[months != ""].max()) if (months != "").any() else ""
        state.last_month = max(state.last_month, latest)
    for col in ("kode_kecamatan", "kode_desa"):
        if col in out:
            kec = ancestors(out[col], "kecamatan")
            state.kecamatan.update(kec.unique())
            state.kabupaten.update(ancestors(kec, "kabupaten").unique())


def _comparable(text: pd.Series) -> pd.Series:
    """Text as two copies of one row compare: NFKC, case folded, every run of white space one space, trimmed."""
    folded = text.map(lambda t: unicodedata.normalize("NFKC", t).casefold())
    return folded.str.replace(r"\s+", " ", regex=True).str.strip()


def _check_duplicates(source: Source, spec: TableSpec, out: pd.DataFrame, state: TableState, report: Report) -> None:
    """Rows whose key was already seen, in this chunk or an earlier one; memory is 16 bytes per row.

    A table without a key (Lokmin: one row per problem discussed, two alike are allowed) is keyed by all its
    columns, and only a row read from another file is refused: the same rows in lokmin.csv and a workbook's
    lokmin sheet would count every problem twice. Such rows are compared in one folded form (``_comparable``):
    a copy retyped with other capitals or doubled spaces is still the same problem."""
    keyless = not spec.key
    key = list(spec.key) if spec.key else spec.column_names
    # an optional key column (kampung_kb's tanggal_status) left out or blank is a value of its own: two rows
    # of one desa without a date are two states at one time, refused as two rows with the same date are
    required = [k for k in key if keyless or spec.column(k).required]
    if not keyless and not all(k in out for k in required):
        return
    keyed = pd.DataFrame({k: out[k].astype(str) if k in out else "" for k in key}, index=out.index)
    keyed = keyed.replace("nan", "")
    if keyless:  # rows from two files compared as read, not as typed: letter case, spaces, compatibility forms
        keyed = keyed.apply(_comparable)
    complete = ((keyed[required] != "").all(axis=1) if not keyless else (keyed != "").any(axis=1)).to_numpy()
    hashes = pd.util.hash_pandas_object(keyed, index=False).to_numpy()[complete]
    rows = out[ROW].to_numpy()[complete]
    first_row = np.full(len(hashes), -1, dtype="int64")
    # searched in sorted order: ~8x faster than random probes (cache-friendly), the same answer
    by_hash = np.argsort(hashes, kind="stable")
    queries = hashes[by_hash]
    first_file = np.full(len(hashes), -1, dtype="int64")
    for n, (seen_h, seen_r) in enumerate(zip(state.key_hashes, state.key_rows, strict=True)):  # earlier chunks
        pos = np.clip(np.searchsorted(seen_h, queries), 0, len(seen_h) - 1)
        hit = (seen_h[pos] == queries) & (first_row[by_hash] < 0)
        first_row[by_hash[hit]] = seen_r[pos[hit]]
        first_file[by_hash[hit]] = n
    in_chunk = pd.Series(hashes).duplicated().to_numpy() & (first_row < 0)
    if in_chunk.any() and not keyless:  # seen earlier in this chunk
        firsts = pd.Series(rows, index=hashes).groupby(level=0).min()
        first_row[in_chunk] = firsts.loc[hashes[in_chunk]].to_numpy()
    if keyless:  # only what another file holds
        same_file = np.array([n >= 0 and state.key_files[n] == source.name for n in first_file], dtype=bool)
        first_row[same_file] = -1
    dup = first_row >= 0
    text = keyed[complete][dup].agg(" / ".join, axis=1).to_numpy() if dup.any() else []
    for r, value, first, n in zip(rows[dup], text, first_row[dup], first_file[dup], strict=True):
        other = state.key_files[n] if n >= 0 else source.name
        where = f"baris {first}" if other == source.name else f"{other} baris {first}"
        if keyless:
            report.error_cells(source.name, None, [r], [value[:80]],
                               f"baris ganda: baris yang sama persis sudah ada di {where}, jadi data ini terbaca dua "
                               f"kali dari dua file. Simpan setiap baris di satu file saja (hapus dari {other} atau "
                               f"dari {source.name}).")
            continue
        report.error_cells(source.name, ",".join(spec.key), [r], [value],
                           f"baris ganda: kombinasi {' + '.join(spec.key)} ini sudah ada di {where}. Hapus "
                           f"salah satu (satu baris per {' per '.join(spec.key)}).")
    new = ~dup & ~pd.Series(hashes).duplicated().to_numpy()
    if not new.any():
        return  # every key of this chunk was seen before: nothing to remember
    order = np.argsort(hashes[new], kind="stable")
    state.key_hashes.append(hashes[new][order])
    state.key_rows.append(rows[new].astype("int32")[order])
    state.key_files.append(source.name)


def _check_cross(states: dict[str, TableState], regions: Regions, report: Report) -> None:
    """Every kecamatan of a kabupaten that reports must report: a whole missing kecamatan is a broken export."""
    pend = states.get("pendampingan")
    if pend is None or not pend.kabupaten:
        return
    kec = regions.kecamatan
    absent = kec.index.str.slice(0, 5).isin(list(pend.kabupaten)) & ~kec.index.isin(list(pend.kecamatan))
    for kec_code in sorted(kec.index[absent]):
        report.error("pendampingan.csv", f"kecamatan {kec_code} ({kec.at[kec_code, 'nama']}) di "
                     f"{regions.unit(kec_code[:5]).nama} tidak punya satu baris pun, padahal kecamatan lain di "
                     "kabupaten ini ada. Tambahkan baris desa-desanya (isi 0 bila memang tidak ada kegiatan) atau "
                     "periksa filter ekspor.", column="kode_desa")


def header_names(columns: list[str]) -> list[str]:
    return [normalise_header(c) for c in columns]


class _Recording(Report):
    """A report that passes everything on to ``inner`` and remembers what one chunk said, so that
    ``ChunkMemo`` can say it again, identically, when the same chunk is read next time (a note the report
    already held is remembered too: it is deduplicated again on replay, where earlier chunks may differ)."""

    def __init__(self, inner: Report):
        super().__init__()
        self.inner = inner
        self.said_notes: list[str] = []
        self.said_problems: list[Problem] = []
        self.errors = 0

    def add(self, problem: Problem) -> None:
        self.errors += problem.severity == "galat"
        self.said_problems.append(problem)
        self.inner.add(problem)

    def error_cells(self, file: str, column: str | None, rows, values, message: str) -> None:
        self.errors += 1
        self.inner.error_cells(file, column, rows, values, message)

    def note(self, text: str) -> None:
        self.said_notes.append(text)
        self.inner.note(text)

    @property
    def ok(self) -> bool:
        return self.inner.ok


class ChunkMemo:
    """What each chunk of the previous ingest said and produced, by the chunk's exact content.

    Why: a change to one kecamatan's rows of a national CSV made ingest parse and check all 3.8 million
    rows again (~30 s), although every other chunk was read exactly as before. A chunk's result depends
    only on its cells as read (with their spreadsheet rows, so messages name the same rows), how its file
    was read (name, encoding, separator, headers), the code, the reference regions, the configuration and
    the day (``context``); under one key the checks give the same notes, the same clean rows and the same
    keys. What spans chunks is still checked every time: a replayed chunk's keys are compared with every
    key read before it (a duplicate across chunks or files sends the chunk through the full checks, which
    word the message), and its kecamatan count for ``_check_cross``. A file's first chunk, which carries
    the header check, is always checked.

    Entries are read from ``old`` (the cache being replaced, never written) and written, or hard-linked
    when reused, into ``new`` (inside the staging cache): they are swapped in with the cache they made,
    and a failed ingest leaves the previous ones."""

    def __init__(self, old: Path | None, new: Path, context: str):
        self.old, self.new, self.context = old, new, context
        new.mkdir(parents=True, exist_ok=True)
        self.replayed = 0

    def key(self, spec: TableSpec, source: Source, chunk: pd.DataFrame, today: dt.date, last_month: str = "") -> str:
        """``last_month``: the data's last month, which a dated status is checked against."""
        about = json.dumps([self.context, today.isoformat(), last_month, spec.name, source.name, source.encoding,
                            source.sep,
                            source.sheet, source.labels, list(chunk.columns), source.unreadable],
                           sort_keys=True, default=str)
        cells = pd.util.hash_pandas_object(chunk, index=False).to_numpy()
        return hashlib.sha256(about.encode() + cells.tobytes()).hexdigest()

    def replay(self, key: str, spec: TableSpec, source: Source, state: TableState, report: Report,
               sink: Sink | None) -> bool:
        """Say and produce what the chunk ``key`` did last time; False (nothing done) when it cannot be."""
        if self.old is None:
            return False
        try:
            meta = json.loads((self.old / f"{key}.json").read_text(encoding="utf-8"))
            with np.load(self.old / f"{key}.npz") as saved:
                hashes, rows = saved["h"], saved["r"]
        except (OSError, ValueError, KeyError):
            return False
        keyless = not spec.key
        for n, seen in enumerate(state.key_hashes):
            if len(seen) == 0 or (keyless and state.key_files[n] == source.name):
                continue  # a keyless table refuses only rows another file holds
            pos = np.clip(np.searchsorted(seen, hashes), 0, len(seen) - 1)
            if (seen[pos] == hashes).any():
                return False  # a duplicate of an earlier chunk: the full checks say where
        clean = None
        if meta["clean"] and sink is not None:
            try:
                clean = pd.read_parquet(self.old / f"{key}.parquet")
            except (OSError, ValueError):
                return False
        for text in meta["notes"]:
            report.note(text)
        source.rows += meta["rows"]
        state.kecamatan.update(meta["kecamatan"])
        state.kabupaten.update(meta["kabupaten"])
        state.last_month = max(state.last_month, meta.get("last_month", ""))
        if meta["appended"]:
            state.key_hashes.append(hashes)
            state.key_rows.append(rows)
            state.key_files.append(source.name)
        if clean is not None and sink is not None and report.ok:
            sink(spec.name, clean)
        for suffix in ("json", "npz", "parquet"):
            if (self.old / f"{key}.{suffix}").exists():
                link_or_copy(self.old / f"{key}.{suffix}", self.new / f"{key}.{suffix}", replace=True)
        self.replayed += 1
        return True

    def record(self, key: str, said: _Recording, state: TableState, before: tuple, rows: int,
               clean: pd.DataFrame | None) -> None:
        """Remember what the chunk ``key`` said and produced: only a chunk that said no more than notes (a
        problem's words are masked once, when it is made, and are not remade from what was stored)."""
        if said.errors or said.said_problems:
            return
        appended = len(state.key_hashes) > before[0]
        hashes = state.key_hashes[-1] if appended else np.empty(0, dtype="uint64")
        key_rows = state.key_rows[-1] if appended else np.empty(0, dtype="int32")
        np.savez(self.new / f"{key}.npz", h=hashes, r=key_rows)
        if clean is not None:
            clean.to_parquet(self.new / f"{key}.parquet", index=False)
        meta = {"notes": said.said_notes,
                "rows": rows, "appended": appended, "clean": clean is not None,
                "kecamatan": sorted(state.kecamatan - before[1]), "kabupaten": sorted(state.kabupaten - before[2]),
                "last_month": state.last_month if state.last_month != before[4] else ""}
        (self.new / f"{key}.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
