"""Read staff exports (CSV or Excel) into chunks of text, whatever their encoding, separator or title rows.

Staff files come from Excel, Elsimil and e-PPGBM exports: UTF-8 with or without BOM, Windows-1252, `,` or
`;` separated, sometimes with title rows above the header. Everything is read as text here; turning text
into numbers, months and codes is ``normalize.py``'s job, so a bad cell becomes a message, not a crash.
Chunks keep the spreadsheet row number of each record (column ``_baris``) for the messages.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import privacy
from .problems import Problem
from .schema import TableSpec

CHUNK_ROWS = 100_000
SNIFF_BYTES = 1 << 20
ROW = "_baris"


class ReadError(Exception):
    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


@dataclass
class Source:
    """One input file as found on disk: what provenance and messages need to say about it."""

    path: Path
    encoding: str = "utf-8"
    sep: str = ","
    header_row: int = 1
    columns: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sha256: str = ""
    size: int = 0

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def indonesian_numbers(self) -> bool:
        """`;`-separated exports come from Indonesian-locale Excel: 1.234,5 means one thousand and more."""
        return self.sep == ";"


def find_input(data_dir: Path, name: str) -> Path | None:
    """``name.csv`` or ``name.xlsx`` in the data folder (both present is ambiguous and refused)."""
    found = [p for p in (data_dir / f"{name}.csv", data_dir / f"{name}.xlsx") if p.exists()]
    if len(found) > 1:
        raise ReadError(Problem(found[0].name, f"ada dua file untuk data yang sama ({found[0].name} dan "
                                f"{found[1].name}). Simpan satu saja di folder data."))
    for path in found:
        if not path.resolve().is_relative_to(Path(data_dir).resolve()):
            # its content would be echoed in messages and published: only files of the data folder are read
            raise ReadError(Problem(path.name, "file ini tautan (symlink) ke luar folder data. Salin file "
                                    "aslinya ke folder data."))
        if not path.is_file():
            raise ReadError(Problem(path.name, "bukan file biasa (folder, pipa/FIFO atau perangkat). Ganti "
                                    "dengan file CSV atau Excel."))
    return found[0] if found else None


def normalise_header(name: object) -> str:
    text = str(name).replace("\ufeff", "").strip().lower()
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _find_header(rows: list[list[str]], spec: TableSpec) -> int | None:
    """Index of the first row that names at least half of the required columns (title rows come first)."""
    required = {c.name for c in spec.columns if c.required}
    for i, row in enumerate(rows):
        names = {normalise_header(c) for c in row}
        if len(required & names) * 2 >= len(required):
            return i
    return None


def open_table(path: Path, spec: TableSpec, chunk_rows: int = CHUNK_ROWS) -> tuple[Source, Iterator[pd.DataFrame]]:
    """Sniff a file and return its description and an iterator of text chunks."""
    source = Source(path=path, size=path.stat().st_size, sha256=file_sha256(path))
    if source.size == 0:
        raise ReadError(Problem(path.name, "file kosong (0 byte). Ekspor ulang datanya."))
    with open(path, "rb") as f:
        head = f.read(SNIFF_BYTES)
    if path.suffix.lower() == ".xlsx" or head[:2] == b"PK":
        if path.suffix.lower() != ".xlsx":
            raise ReadError(Problem(path.name, "file ini sebenarnya file Excel (.xlsx) dengan nama .csv. "
                                    "Ganti ekstensinya menjadi .xlsx atau simpan ulang sebagai CSV UTF-8."))
        return source, _excel_chunks(source, spec)
    return source, _csv_chunks(source, spec, head, chunk_rows)


def _decode_choice(source: Source, head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE) or b"\x00" in head:
        raise ReadError(Problem(source.name, "file ini bukan teks CSV yang bisa dibaca (UTF-16 atau biner). "
                                "Di Excel pilih Simpan Sebagai → 'CSV UTF-8 (dipisahkan koma)'."))
    if head.startswith(codecs.BOM_UTF8):
        source.notes.append(f"{source.name}: tanda BOM UTF-8 di awal file diabaikan.")
        return "utf-8-sig"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as e:
        if e.start > len(head) - 4 and len(head) == SNIFF_BYTES:
            return "utf-8"  # a multi-byte character cut by the sniff window
    try:
        head.decode("cp1252")
    except UnicodeDecodeError as e:
        raise ReadError(Problem(source.name, "penyandian (encoding) file tidak dikenali: bukan UTF-8 dan bukan "
                                f"Windows-1252 (byte 0x{head[e.start]:02X}). Simpan ulang sebagai "
                                "'CSV UTF-8'.")) from e
    source.notes.append(f"{source.name}: dibaca sebagai Windows-1252 (bukan UTF-8); huruf seperti é dikonversi.")
    return "cp1252"


def _csv_chunks(source: Source, spec: TableSpec, head: bytes, chunk_rows: int) -> Iterator[pd.DataFrame]:
    source.encoding = _decode_choice(source, head)
    text = head.decode(source.encoding, errors="replace")
    lines = text.splitlines()[:30]
    counts = {sep: sum(line.count(sep) for line in lines[:5]) for sep in (",", ";", "\t")}
    source.sep = max(counts, key=counts.get)
    rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=source.sep))
    header_idx = _find_header(rows, spec)
    if header_idx is None:
        header_idx = 0
    if header_idx:
        source.notes.append(f"{source.name}: {header_idx} baris judul di atas nama kolom dilewati.")
    source.header_row = header_idx + 1
    return _iter_csv(source, header_idx, chunk_rows)


def _iter_csv(source: Source, header_idx: int, chunk_rows: int) -> Iterator[pd.DataFrame]:
    reader = pd.read_csv(
        source.path, sep=source.sep, encoding=source.encoding, dtype=str, keep_default_na=False,
        skiprows=header_idx, chunksize=chunk_rows, skip_blank_lines=False, engine="c",
        na_values=[], on_bad_lines="error",
    )
    first = source.header_row + 1
    try:
        for chunk in reader:
            if not source.columns:
                source.columns = [normalise_header(c) for c in chunk.columns]
            chunk.columns = source.columns
            chunk = chunk.fillna("")
            chunk.insert(0, ROW, range(first, first + len(chunk)))
            first += len(chunk)
            yield chunk
    except UnicodeDecodeError as e:
        raise ReadError(Problem(source.name, f"penyandian berubah di tengah file (sekitar baris {first}): "
                                "sebagian bukan UTF-8. Simpan ulang seluruh file sebagai 'CSV UTF-8'.")) from e
    except pd.errors.ParserError as e:
        msg = str(e)
        m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", msg)
        if m:
            line = int(m.group(2)) + header_idx
            raise ReadError(Problem(source.name, f"baris ini punya {m.group(3)} kolom, padahal judul kolom punya "
                                    f"{m.group(1)}. Periksa pemisah ({source.sep!r}) atau tanda kutip di baris "
                                    "ini.", row=line)) from e
        if "EOF" in msg:
            raise ReadError(Problem(source.name, "file terpotong: tanda kutip tidak ditutup sebelum akhir file. "
                                    "Ekspor ulang file secara lengkap.")) from e
        raise ReadError(Problem(source.name, f"file CSV tidak bisa dibaca ({msg}).")) from e
    except pd.errors.EmptyDataError as e:
        raise ReadError(Problem(source.name, "file kosong: tidak ada judul kolom maupun data.")) from e


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


OTHER_SHEET_ROWS = 20_000  # rows of a workbook's other sheets read for personal data


def _refuse_personal_sheets(source: Source, wb, read) -> None:
    """A workbook in the data folder is published data's source: a sheet holding personal data (hidden or
    not, other than the one read) is refused as a whole, naming the sheet and the column."""
    from .schema import personal_column

    for ws in wb.worksheets:
        if ws is read:
            continue  # its header is checked with the table's own rules
        for n, row in enumerate(ws.iter_rows(max_row=OTHER_SHEET_ROWS, values_only=True), start=1):
            for value in row:
                if value is None:
                    continue
                nik = privacy.find_nik(str(value))
                if nik:
                    raise ReadError(Problem(source.name, f"lembar (sheet) '{ws.title}' berisi nomor berbentuk NIK "
                                            f"atau No. KK ({privacy.mask(nik)}). File di folder data situs publik "
                                            "tidak boleh memuat data pribadi, juga di lembar lain: hapus lembar "
                                            "itu.", row=n))
                kind = personal_column(normalise_header(value)) if n <= 30 else None
                if kind:
                    hidden = " (tersembunyi)" if ws.sheet_state != "visible" else ""
                    raise ReadError(Problem(source.name, f"lembar (sheet) '{ws.title}'{hidden} berisi kolom data "
                                            f"pribadi '{value}' ({kind}). File di folder data situs publik tidak "
                                            "boleh memuat data pribadi, juga di lembar lain: hapus lembar itu, "
                                            "atau simpan lembar data saja ke file baru."))


def _excel_chunks(source: Source, spec: TableSpec) -> Iterator[pd.DataFrame]:
    import openpyxl

    source.encoding, source.sep = "xlsx", "xlsx"
    try:
        wb = openpyxl.load_workbook(source.path, data_only=True)
    except Exception as e:  # openpyxl raises many types for damaged files
        raise ReadError(Problem(source.name, f"file Excel rusak atau terpotong ({type(e).__name__}). "
                                "Buka di Excel lalu simpan ulang sebagai .xlsx.")) from e
    ws = wb[spec.name] if spec.name in wb.sheetnames else wb.worksheets[0]
    _refuse_personal_sheets(source, wb, ws)
    if len(wb.worksheets) > 1:
        source.notes.append(f"{source.name}: dibaca dari lembar (sheet) '{ws.title}'.")
    rows = [[_cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
    header_idx = _find_header(rows[:30], spec)
    merged = [r for r in ws.merged_cells.ranges if r.min_row <= (header_idx or 30) + 1]
    if header_idx is None or any(r.min_row <= header_idx + 1 < r.max_row + 1 and r.max_row > r.min_row
                                 for r in merged):
        where = ", ".join(str(r) for r in merged[:5])
        if merged:
            raise ReadError(Problem(source.name, f"judul kolom memakai sel gabungan (merged cells: {where}). "
                                    "Buat satu baris judul berisi nama kolom persis seperti di data/README.md, "
                                    "tanpa sel gabungan, lalu simpan ulang.", row=(header_idx or 0) + 1))
        header_idx = 0
    if header_idx:
        source.notes.append(f"{source.name}: {header_idx} baris judul di atas nama kolom dilewati.")
    source.header_row = header_idx + 1
    source.columns = [normalise_header(c) for c in rows[header_idx]]
    body = rows[header_idx + 1:]
    width = len(source.columns)
    frame = pd.DataFrame([(r + [""] * width)[:width] for r in body], columns=source.columns, dtype=str)
    frame.insert(0, ROW, range(source.header_row + 1, source.header_row + 1 + len(frame)))
    return iter([frame])
