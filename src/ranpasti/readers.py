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

from . import fmt, privacy
from .errors import RanpastiError
from .files import sha256_file
from .problems import Problem
from .schema import TableSpec

CHUNK_ROWS = 100_000
CHUNK_CELLS = 2_000_000  # a chunk's rows × columns: a wide file gets shorter chunks, memory stays bounded
MAX_COLUMNS = 300  # no staff form has more; 10,000 columns took 2 GB and minutes before being refused
SNIFF_BYTES = 1 << 20
ROW = "_baris"


class ReadError(RanpastiError):
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


file_sha256 = sha256_file  # the name store.py imports (one helper: ``files``)


@dataclass
class Survey:
    """What one pass over every byte of a text file shows, before pandas reads it.

    A sniff of the first MiB cannot choose the encoding of a file whose first accented letter comes later,
    nor see a NUL byte further down; reading the whole file once (it is read for its SHA-256 anyway) can.
    Offsets are in bytes, lines count from 1 as a text editor or spreadsheet shows them.
    """

    sha256: str = ""
    utf8_error: int | None = None  # offset of the first byte that is not UTF-8
    non_ascii_before_error: bool = False  # valid UTF-8 letters (é, ’) appear before that offset
    nul: int | None = None  # offset of the first NUL byte
    lines_at: dict[int, int] = field(default_factory=dict)  # offset → its line, for the offsets above


def survey(path: Path) -> Survey:
    out = Survey()
    h = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = lines = 0
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
            if out.nul is None and b"\x00" in block:
                at = block.index(b"\x00")
                out.nul = offset + at
                out.lines_at[out.nul] = lines + block.count(b"\n", 0, at) + 1
            if out.utf8_error is None and (not block.isascii() or decoder.getstate()[0]):
                pending = len(decoder.getstate()[0])
                try:
                    if not decoder.decode(block).isascii():
                        out.non_ascii_before_error = True
                except UnicodeDecodeError as e:
                    at = max(0, e.start - pending)
                    out.utf8_error = offset + at
                    out.lines_at[out.utf8_error] = lines + block.count(b"\n", 0, at) + 1
                    out.non_ascii_before_error = out.non_ascii_before_error or not block[:at].isascii()
            lines += block.count(b"\n")
            offset += len(block)
    if out.utf8_error is None:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:  # the file ends inside a multi-byte letter
            out.utf8_error = offset - 1
            out.lines_at[out.utf8_error] = lines + 1
    out.sha256 = h.hexdigest()
    return out


def _is_cp1252(path: Path) -> int | None:
    """Offset of the first byte Windows-1252 leaves undefined, or None when the whole file is Windows-1252."""
    decoder = codecs.getincrementaldecoder("cp1252")()
    offset = 0
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as e:
                return offset + e.start
            offset += len(block)
    return None


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
    if path.stat().st_size == 0:
        raise ReadError(Problem(path.name, "file kosong (0 byte). Ekspor ulang datanya."))
    if path.suffix.lower() == ".xlsx":
        source = Source(path=path, size=path.stat().st_size, sha256=file_sha256(path))
        return source, _excel_chunks(source, spec)
    found = survey(path)
    source = Source(path=path, size=path.stat().st_size, sha256=found.sha256)
    with open(path, "rb") as f:
        head = f.read(SNIFF_BYTES)
    if head[:2] == b"PK":
        raise ReadError(Problem(path.name, "file ini sebenarnya file Excel (.xlsx) dengan nama .csv. "
                                "Ganti ekstensinya menjadi .xlsx atau simpan ulang sebagai CSV UTF-8."))
    return source, _csv_chunks(source, spec, head, found, chunk_rows)


def _decode_choice(source: Source, head: bytes, found: Survey) -> str:
    """UTF-8 when every byte is UTF-8; Windows-1252 when the file is plain ASCII up to its first non-UTF-8
    byte and Windows-1252 throughout (an older Excel's "CSV"); anything else is refused, naming the line."""
    sample = head[:4096]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or sample.count(b"\x00") * 8 > len(sample):
        raise ReadError(Problem(source.name, "file ini bukan teks CSV yang bisa dibaca (UTF-16 atau biner). "
                                "Di Excel pilih Simpan Sebagai → 'CSV UTF-8 (dipisahkan koma)'."))
    if found.nul is not None:
        raise ReadError(Problem(source.name, "baris ini berisi byte NUL (karakter kosong tak terlihat), tanda file "
                                "rusak atau tersambung dengan file biner. Hapus karakter itu (atau ekspor ulang "
                                "file) lalu simpan lagi sebagai 'CSV UTF-8'.", row=found.lines_at[found.nul]))
    bom = head.startswith(codecs.BOM_UTF8)
    if found.utf8_error is None:
        if bom:
            source.notes.append(f"{source.name}: tanda BOM UTF-8 di awal file diabaikan.")
        return "utf-8-sig" if bom else "utf-8"
    line = found.lines_at[found.utf8_error]
    if bom or found.non_ascii_before_error:
        raise ReadError(Problem(source.name, "penyandian (encoding) berubah di tengah file: sampai sebelum baris "
                                "ini UTF-8, di baris ini bukan. Biasanya karena dua file digabung. Simpan ulang "
                                "seluruh file sebagai 'CSV UTF-8'.", row=line))
    bad = _is_cp1252(source.path)
    if bad is not None:
        with open(source.path, "rb") as f:
            f.seek(bad)
            byte = f.read(1)[0]
        raise ReadError(Problem(source.name, "penyandian (encoding) file tidak dikenali: bukan UTF-8 dan bukan "
                                f"Windows-1252 (byte 0x{byte:02X}). Simpan ulang sebagai 'CSV UTF-8'.", row=line))
    source.notes.append(f"{source.name}: dibaca sebagai Windows-1252 (bukan UTF-8), mulai baris {line} ada huruf "
                        "seperti é; sudah dikonversi.")
    return "cp1252"


def _csv_chunks(source: Source, spec: TableSpec, head: bytes, found: Survey,
                chunk_rows: int) -> Iterator[pd.DataFrame]:
    source.encoding = _decode_choice(source, head, found)
    text = head.decode(source.encoding, errors="replace")
    lines = text.splitlines()[:30]
    counts = {sep: sum(line.count(sep) for line in lines[:5]) for sep in (",", ";", "\t")}
    source.sep = max(counts, key=lambda sep: counts[sep])
    rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=source.sep))
    header_idx = _find_header(rows, spec)
    if header_idx is None:
        header_idx = 0
    if header_idx:
        source.notes.append(f"{source.name}: {header_idx} baris judul di atas nama kolom dilewati.")
    source.header_row = header_idx + 1
    width = len(rows[header_idx]) if rows else 0
    _refuse_too_wide(source, width)
    return _iter_csv(source, header_idx, max(1, min(chunk_rows, CHUNK_CELLS // max(width, 1))))


def _refuse_too_wide(source: Source, width: int) -> None:
    if width > MAX_COLUMNS:
        raise ReadError(Problem(source.name, f"baris judul punya {fmt.number(width)} kolom; paling banyak "
                                f"{MAX_COLUMNS}. Simpan hanya kolom yang dipakai (lihat data/README.md) ke file "
                                "baru.", row=source.header_row))


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
    # the used width from the title and header rows: Excel often marks whole formatted rows as used, out to
    # column XFD, which would make every row 16,384 empty cells
    head = [[_cell_text(v) for v in row] for row in ws.iter_rows(max_row=30, values_only=True)]
    used = max((max((i + 1 for i, v in enumerate(row) if v), default=0) for row in head), default=0)
    _refuse_too_wide(source, used)
    rows = [[_cell_text(v) for v in row] for row in ws.iter_rows(max_col=max(used, 1), values_only=True)]
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
