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

from . import fmt, owned, privacy
from .errors import RanpastiError
from .files import sha256_file
from .headers import Header, HeaderMap, find_header, header_map, normalise_header
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
    sheet: str | None = None  # the sheet of a workbook holding several inputs (``ranpasti templat``)
    labels: dict[str, str] = field(default_factory=dict)  # column → the header as staff wrote it
    rows: int = 0  # data rows read (set by validation)

    @property
    def name(self) -> str:
        """How messages name it: the file, and the sheet when one workbook holds several inputs."""
        return f"{self.path.name} lembar {self.sheet}" if self.sheet else self.path.name

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
        _check_in_folder(data_dir, path)
    return found[0] if found else None


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


def _header(source: Source, rows: list[list[str]], headers: HeaderMap,
            spans: dict[tuple[int, int], int] | None = None) -> Header:
    """Where the header is, and what it says; title rows above it are skipped, two header rows joined."""
    found = find_header(rows, headers, spans)
    if found is None:  # no recognisable header: the first row, so the message lists what it holds
        first = rows[0] if rows else []
        found = Header(0, [headers.column(c) for c in first], [str(c) for c in first])
    skipped = found.index + 1 - found.rows
    if skipped and not source.sheet:  # a workbook's sheets have our own title row: nothing to tell
        source.notes.append(f"{source.name}: {skipped} baris judul di atas nama kolom dilewati.")
    if found.rows == 2:
        source.notes.append(f"{source.name}: judul kolom dua baris (baris {found.index} dan {found.index + 1}) "
                            "digabung.")
    source.header_row = found.index + 1
    source.labels = {c: label for c, label in zip(found.columns, found.labels, strict=True) if c}
    renamed = [f"\"{label}\" → {c}" for c, label in source.labels.items()
               if c != normalise_header(label) and c in headers.known()]
    if renamed:
        source.notes.append(f"{source.name}: judul kolom dibaca sebagai {'; '.join(renamed[:12])}"
                            f"{' …' if len(renamed) > 12 else ''}.")
    return found


def open_table(path: Path, spec: TableSpec, chunk_rows: int = CHUNK_ROWS,
               headers: HeaderMap | None = None) -> tuple[Source, Iterator[pd.DataFrame]]:
    """Sniff a file and return its description and an iterator of text chunks (a workbook's sheet: ``open_input``)."""
    headers = headers or header_map(spec)
    if path.stat().st_size == 0:
        raise ReadError(Problem(path.name, "file kosong (0 byte). Ekspor ulang datanya."))
    if path.suffix.lower() == ".xlsx":
        source = Source(path=path, size=path.stat().st_size, sha256=file_sha256(path))
        return source, _excel_chunks(source, spec, headers)
    found = survey(path)
    source = Source(path=path, size=path.stat().st_size, sha256=found.sha256)
    with open(path, "rb") as f:
        head = f.read(SNIFF_BYTES)
    if head[:2] == b"PK":
        raise ReadError(Problem(path.name, "file ini sebenarnya file Excel (.xlsx) dengan nama .csv. "
                                "Ganti ekstensinya menjadi .xlsx atau simpan ulang sebagai CSV UTF-8."))
    return source, _csv_chunks(source, headers, head, found, chunk_rows)


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


def _csv_chunks(source: Source, headers: HeaderMap, head: bytes, found: Survey,
                chunk_rows: int) -> Iterator[pd.DataFrame]:
    source.encoding = _decode_choice(source, head, found)
    text = head.decode(source.encoding, errors="replace")
    lines = text.splitlines()[:30]
    counts = {sep: sum(line.count(sep) for line in lines[:5]) for sep in (",", ";", "\t")}
    source.sep = max(counts, key=lambda sep: counts[sep])
    rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=source.sep))
    header = _header(source, rows, headers)
    width = len(header.columns)
    _refuse_too_wide(source, width)
    return _iter_csv(source, header, max(1, min(chunk_rows, CHUNK_CELLS // max(width, 1))))


def _refuse_too_wide(source: Source, width: int) -> None:
    if width > MAX_COLUMNS:
        raise ReadError(Problem(source.name, f"baris judul punya {fmt.number(width)} kolom; paling banyak "
                                f"{MAX_COLUMNS}. Simpan hanya kolom yang dipakai (lihat data/README.md) ke file "
                                "baru.", row=source.header_row))


def _iter_csv(source: Source, header: Header, chunk_rows: int) -> Iterator[pd.DataFrame]:
    header_idx = header.index
    reader = pd.read_csv(
        source.path, sep=source.sep, encoding=source.encoding, dtype=str, keep_default_na=False,
        skiprows=header_idx, chunksize=chunk_rows, skip_blank_lines=False, engine="c",
        na_values=[], on_bad_lines="error",
    )
    first = source.header_row + 1
    try:
        for chunk in reader:
            if not source.columns:
                width = len(chunk.columns)
                source.columns = (header.columns + [f"unnamed_{i}" for i in range(width)])[:width]
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


def _refuse_personal_sheets(source: Source, wb, read: list) -> None:
    """A workbook in the data folder is published data's source: a sheet holding personal data (hidden or
    not, other than the ones read) is refused as a whole, naming the sheet and the column. ``read``: the
    sheet(s) read as inputs, checked with their table's own rules."""
    from .schema import personal_column

    for ws in wb.worksheets:
        if any(ws is r for r in read):
            continue  # its header is checked with the table's own rules
        for n, row in enumerate(ws.iter_rows(max_row=min(OTHER_SHEET_ROWS, ws.max_row), values_only=True), start=1):
            for value in row:
                if value is None:
                    continue
                found = privacy.find_personal(str(value))
                if found:
                    fix = "hapus lembar itu." if found.kind == "nik" else "hapus nomor itu (atau lembar itu)."
                    raise ReadError(Problem(source.name, f"lembar (sheet) '{ws.title}' berisi {found.what} "
                                            f"({found.masked}). File di folder data situs publik tidak boleh "
                                            f"memuat data pribadi, juga di lembar lain: {fix}", row=n))
                # a header-like cell (a few words); a sentence of instructions is not a column name
                short = n <= 30 and len(str(value).split()) <= 4
                kind = personal_column(normalise_header(value)) if short else None
                if kind:
                    hidden = " (tersembunyi)" if ws.sheet_state != "visible" else ""
                    raise ReadError(Problem(source.name, f"lembar (sheet) '{ws.title}'{hidden} berisi kolom data "
                                            f"pribadi '{value}' ({kind}). File di folder data situs publik tidak "
                                            "boleh memuat data pribadi, juga di lembar lain: hapus lembar itu, "
                                            "atau simpan lembar data saja ke file baru."))


def load_workbook(path: Path):
    """An Excel workbook, or a message saying it cannot be read."""
    import openpyxl

    try:
        return openpyxl.load_workbook(path, data_only=True)
    except Exception as e:  # openpyxl raises many types for damaged files
        raise ReadError(Problem(path.name, f"file Excel rusak atau terpotong ({type(e).__name__}). "
                                "Buka di Excel lalu simpan ulang sebagai .xlsx.")) from e


@dataclass
class InputRef:
    """Where one input is: its own file (``pendampingan.csv``), or a sheet of a workbook holding several
    (``ranpasti templat``'s, named anything, one sheet per input named after it)."""

    path: Path
    sheet: str | None = None
    workbook: object = None  # the loaded workbook, shared by its sheets


def find_inputs(data_dir: Path, names: list[str]) -> tuple[dict[str, list[InputRef]], list[Problem]]:
    """Every input in the data folder: ``NAME.csv``/``NAME.xlsx`` per input, and the sheets named after an
    input in any other workbook (several kabupaten's or years' workbooks are read together). A workbook
    with no such sheet is reported, not guessed at."""
    found: dict[str, list[InputRef]] = {name: [] for name in names}
    problems: list[Problem] = []
    for name in names:
        try:
            path = find_input(data_dir, name)
        except ReadError as e:
            problems.append(e.problem)
            continue
        if path is not None and not _report(path, problems, name):
            found[name].append(InputRef(path))
    for path in sorted(Path(data_dir).glob("*.xlsx")):
        if path.stem in names or path.name.startswith(("~$", ".")):
            continue  # an input's own file (above), or Excel's lock file of an open workbook
        if _report(path, problems):
            continue
        try:
            _check_in_folder(data_dir, path)
            wb = load_workbook(path)
        except ReadError as e:
            problems.append(e.problem)
            continue
        sheets = [ws for ws in wb.worksheets if normalise_header(ws.title) in names]
        if not sheets:
            problems.append(Problem(path.name, f"buku kerja ini tidak punya lembar bernama {', '.join(names)}, "
                                    "jadi tidak dibaca. Beri nama lembar sesuai datanya (seperti buatan "
                                    "`ranpasti templat`), atau simpan sebagai NAMA_DATA.xlsx.",
                                    severity="peringatan"))
            continue
        try:
            _refuse_personal_sheets(Source(path=path), wb, sheets)
        except ReadError as e:
            problems.append(e.problem)
            continue
        for ws in sheets:
            found[normalise_header(ws.title)].append(InputRef(path, ws.title, wb))
    return found, problems


def _report(path: Path, problems: list[Problem], name: str = "") -> bool:
    """True (with a note) for a ``validate --laporan`` report copied into the data folder: its sheets copy the
    inputs with row numbers added, and read as data they doubled every row and gave thousands of errors.
    Under an input's own name (``name``) the input itself is then missing: an error, not a note."""
    if path.suffix.lower() != ".xlsx" or not owned.is_report(path):
        return False
    missing = (f" Data {name} sendiri tidak ada: simpan sebagai {name}.csv atau {name}.xlsx." if name else "")
    problems.append(Problem(path.name, "ini laporan pemeriksaan buatan `ranpasti validate --laporan`, bukan data, "
                            "jadi tidak dibaca. Pindahkan dari folder data (perbaikannya dibuat di file data "
                            f"aslinya).{missing}", severity="galat" if name else "peringatan"))
    return True


def _check_in_folder(data_dir: Path, path: Path) -> None:
    if not path.resolve().is_relative_to(Path(data_dir).resolve()):
        raise ReadError(Problem(path.name, "file ini tautan (symlink) ke luar folder data. Salin file aslinya ke "
                                "folder data."))
    if not path.is_file():
        raise ReadError(Problem(path.name, "bukan file biasa (folder, pipa/FIFO atau perangkat). Ganti dengan "
                                "file CSV atau Excel."))


def open_input(ref: InputRef, spec: TableSpec, headers: HeaderMap,
               chunk_rows: int = CHUNK_ROWS) -> tuple[Source, Iterator[pd.DataFrame]]:
    """``open_table`` for an input wherever it is (its own file or a workbook's sheet)."""
    if ref.sheet is None:
        return open_table(ref.path, spec, chunk_rows, headers)
    source = Source(path=ref.path, size=ref.path.stat().st_size, sha256=file_sha256(ref.path), sheet=ref.sheet)
    return source, _excel_chunks(source, spec, headers, ref.workbook)


def _excel_chunks(source: Source, spec: TableSpec, headers: HeaderMap, wb=None) -> Iterator[pd.DataFrame]:
    source.encoding, source.sep = "xlsx", "xlsx"
    wb = wb if wb is not None else load_workbook(source.path)
    if source.sheet:
        ws = wb[source.sheet]
    else:
        ws = wb[spec.name] if spec.name in wb.sheetnames else wb.worksheets[0]
        _refuse_personal_sheets(source, wb, [ws])
        if len(wb.worksheets) > 1:
            source.notes.append(f"{source.name}: dibaca dari lembar (sheet) '{ws.title}'.")
    # the used width from the title and header rows: Excel often marks whole formatted rows as used, out to
    # column XFD, which would make every row 16,384 empty cells
    # not past the last row: iter_rows on a normal worksheet creates the cells it visits
    head = [[_cell_text(v) for v in row] for row in ws.iter_rows(max_row=min(30, ws.max_row), values_only=True)]
    used = max((max((i + 1 for i, v in enumerate(row) if v), default=0) for row in head), default=0)
    _refuse_too_wide(source, used)
    rows = [[_cell_text(v) for v in row] for row in ws.iter_rows(max_col=max(used, 1), values_only=True)]
    # merged cells of the header rows: (row, first column) → last column, both from 0, to join two header rows
    spans = {(r.min_row - 1, r.min_col - 1): r.max_col - 1 for r in ws.merged_cells.ranges if r.min_row <= 30}
    header = _header(source, rows[:30], headers, spans)
    source.columns = header.columns
    body = rows[header.index + 1:]
    width = len(source.columns)
    frame = pd.DataFrame([(r + [""] * width)[:width] for r in body], columns=source.columns, dtype=str)
    frame.insert(0, ROW, range(source.header_row + 1, source.header_row + 1 + len(frame)))
    return iter([frame])
