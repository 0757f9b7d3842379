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
import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..core import fmt, owned, privacy
from ..core.errors import RanpastiError
from ..core.files import sha256_file
from .headers import Header, HeaderMap, find_header, header_map, normalise_header
from .problems import Problem, echo
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
    # cells that cannot be read as they are, and why (a workbook's formula without a saved result, a merged
    # cell): column → {spreadsheet row → message}; the validator refuses them instead of reading them blank
    unreadable: dict[str, dict[int, str]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """How messages name it: the file, and the sheet when one workbook holds several inputs."""
        return f"{self.path.name} lembar {self.sheet}" if self.sheet else self.path.name

    @property
    def indonesian_numbers(self) -> bool:
        """`;`-separated exports come from Indonesian-locale Excel: 1.234,5 means one thousand and more."""
        return self.sep == ";"


INPUT_SUFFIXES = (".csv", ".xlsx")
# what else the data folder holds by design: read by other parts (configuration, header mapping, the
# reference regions), or documentation
HELPER_FILES = ("konfigurasi.yml", "judul_kolom.yml", "readme.md", "wilayah")


def find_input(data_dir: Path, name: str) -> Path | None:
    """``name.csv`` or ``name.xlsx`` in the data folder, in any case (``tpps.CSV``: Windows and Excel do not tell
    case apart, so neither do we); two of them (``tpps.csv`` and ``tpps.xlsx``) are ambiguous and refused."""
    wanted = {f"{name}{suffix}" for suffix in INPUT_SUFFIXES}
    found = sorted(p for p in Path(data_dir).iterdir() if p.name.lower() in wanted and
                   (p.exists() or p.is_symlink()))
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
    renamed = [f"\"{echo(label)}\" → {c}" for c, label in source.labels.items()
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
    # the sniffed head holds at most SNIFF_BYTES, so no field in it is longer: a long free-text cell in the first
    # rows is not a fault of the file (the validator holds free text to its own length)
    csv.field_size_limit(max(csv.field_size_limit(), SNIFF_BYTES))
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
    first = source.header_row + 1
    lines = 0  # line breaks inside quoted fields so far: a record's first line is its row number plus these
    try:
        reader = pd.read_csv(
            source.path, sep=source.sep, encoding=source.encoding, dtype=str, keep_default_na=False,
            skiprows=header_idx, chunksize=chunk_rows, skip_blank_lines=False, engine="c",
            na_values=[], on_bad_lines="error",
        )
        for chunk in reader:
            if not source.columns:
                width = len(chunk.columns)
                source.columns = (header.columns + [f"unnamed_{i}" for i in range(width)])[:width]
            chunk.columns = source.columns
            chunk = chunk.fillna("")
            chunk.insert(0, ROW, range(first, first + len(chunk)))
            first += len(chunk)
            lines += _refuse_swallowed_rows(source, chunk, lines)
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


def _refuse_swallowed_rows(source: Source, chunk: pd.DataFrame, before: int) -> int:
    """Refuse a quoted field that swallowed whole rows of the file: a stray ``"`` opens a quote that a later
    one closes, and every line between is read as text of one cell, silently fewer rows. A line break inside a
    field is otherwise kept (Excel's Alt+Enter in a cell is written so); what gives a stray quote away is a
    line inside the field (neither its first nor its last) that is a complete row of the file, as many fields
    as the header. Returns the line breaks inside this chunk's fields, so the next chunk's lines are right."""
    columns = [c for c in chunk.columns if c != ROW]
    broken = [c for c in columns if chunk[c].str.contains("\n", regex=False).any()]
    if not broken:
        return 0
    width = len(columns)
    breaks = sum(chunk[c].str.count("\n") for c in broken)
    start = chunk[ROW] + breaks.cumsum().shift(fill_value=0) + before  # each record's first physical line
    for c in broken:
        for i in chunk.index[chunk[c].str.contains("\n", regex=False)]:
            inner = chunk.at[i, c].split("\n")[1:-1]
            if any(len(next(csv.reader([ln], delimiter=source.sep), [])) == width for ln in inner):
                opened = int(start[i])
                closed = opened + int(breaks[i])
                raise ReadError(Problem(
                    source.name, f"kolom {c}: tanda kutip (\") dibuka di baris {opened} dan baru ditutup di baris "
                    f"{closed}, jadi baris-baris di antaranya terbaca sebagai isi satu sel (baris data hilang). "
                    "Hapus tanda kutip yang tidak berpasangan, atau tutup kutipnya di baris yang sama.", row=opened))
    return int(breaks.sum())


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


# A workbook is a zip of XML files. Its sheets are checked by their unpacked size before anything is parsed:
# a 100 MB sheet of "1 1 1" took 3.8 GB and ended in MemoryError. 64 MiB of sheet XML is about two million
# filled cells, ten times a province's monthly pendampingan; larger data belongs in a CSV, which is streamed.
MAX_SHEET_BYTES = 64 << 20
MAX_WORKBOOK_BYTES = 256 << 20
FORMULA_WITHOUT_RESULT = ("sel berisi rumus (formula) tanpa hasil tersimpan: file ini disimpan oleh program yang tidak "
                          "menghitung rumus, jadi nilainya tidak diketahui (bukan kosong, bukan 0). Buka file di Excel "
                          "atau LibreOffice lalu simpan ulang (rumus dihitung saat disimpan), atau ketik angkanya.")


def _merged_message(ref: str) -> str:
    return (f"sel ini bagian dari sel gabungan (merge) {ref}: nilainya hanya ada di sel pertama gabungan, jadi sel ini "
            "terbaca kosong. Pisahkan gabungan (Unmerge / Pisahkan Sel) dan isi setiap baris.")


def _sheet_names(zf) -> dict[str, str]:
    """Zip member → the sheet's name as staff see it (from the workbook's own small index files)."""
    import posixpath
    import xml.etree.ElementTree as ET

    try:
        book = ET.fromstring(zf.read("xl/workbook.xml"))
        rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ET.ParseError):
        return {}
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    out = {}
    for sheet in book.iter():
        if sheet.tag.endswith("}sheet"):
            rid = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
            target = targets.get(rid, "")
            member = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            out[member] = sheet.get("name", "")
    return out


def _refuse_too_large(path: Path) -> None:
    """Refuse a workbook whose parts would unpack to more than a sheet can sensibly hold, before parsing."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            big = next((i for i in infos if i.file_size > MAX_SHEET_BYTES), None)
            total = sum(i.file_size for i in infos)
            if big is None and total <= MAX_WORKBOOK_BYTES:
                return
            names = _sheet_names(zf)
    except (zipfile.BadZipFile, OSError) as e:
        raise ReadError(Problem(path.name, f"file Excel rusak atau terpotong ({type(e).__name__}). Buka di Excel "
                                "lalu simpan ulang sebagai .xlsx.")) from e
    if big is not None:
        what = f"lembar (sheet) '{names[big.filename]}'" if big.filename in names else f"bagian {big.filename}"
        size = big.file_size
    else:
        what, size = "isi buku kerja ini", total
    raise ReadError(Problem(path.name, f"{what} berukuran {fmt.number(size // (1 << 20))} MB setelah dibuka; paling "
                            f"besar {MAX_SHEET_BYTES >> 20} MB per lembar dan {MAX_WORKBOOK_BYTES >> 20} MB per buku "
                            "kerja (termasuk lembar tersembunyi), jadi tidak dibaca. Hapus lembar yang tidak dipakai, "
                            "atau simpan data besar sebagai CSV."))


@dataclass
class SheetCells:
    """A sheet as read: the text of every row from row 1 (empty rows included), and the cells that cannot be
    read as they are."""

    rows: list[list[str]]
    formulas: list[tuple[int, int]]  # (row, column), from 1: formulas without a saved result
    merged: list[tuple[int, int, int, int, str]]  # min row, min column, max row, max column, "A2:A13"


def _stream_sheet(ws, formulas: list[tuple[int, int]] | None = None):
    """(row number, [(column, value)]) for each row the sheet's XML holds, streamed: memory stays that of one
    row whatever the sheet's size. openpyxl's own sheet parser (``adapters.openpyxl``), reading the saved
    results of formulas, with the formulas that have none noted in ``formulas`` (read as blank they passed as
    "Data valid"), and percent-styled numbers as Excel shows them. Its ``merged`` is set once the whole sheet
    is read."""
    from ..core.adapters.openpyxl import SheetStream

    return SheetStream(ws, as_percent, formulas)


def as_percent(value: float) -> str:
    """A number from a percent-formatted cell, as Excel shows it: 0.228 → ``22.8%``. A workbook cell is read as
    it looks on screen, so staff's 22.8% is 22.8 in a percent column, and a share typed into a count column is
    refused as a share (its ``%``), never read as 0.228."""
    shown = round(float(value) * 100, 9)
    return f"{int(shown)}%" if shown.is_integer() else f"{shown!r}%"


def read_sheet(ws, width: int | None = None) -> SheetCells:
    """Every row of a sheet as text, ``width`` columns at most (None: as wide as the first 30 rows' filled
    cells, which the caller refuses past ``MAX_COLUMNS``)."""
    from openpyxl.utils.cell import range_boundaries

    formulas: list[tuple[int, int]] = []
    rows: list[list[str]] = []
    stream = _stream_sheet(ws, formulas)
    for n, cells in stream:
        while len(rows) < n - 1:
            rows.append([])
        if width is None and n > TITLE_ROWS_READ:
            width = max((len(r) for r in rows), default=0)
        limit = width if width is not None else 16_384  # Excel's last column: the caller refuses past MAX_COLUMNS
        row = [""] * min(max((c for c, _ in cells), default=0), limit)
        for c, v in cells:
            if c <= limit:
                row[c - 1] = _cell_text(v)
        while row and not row[-1]:
            row.pop()
        rows.append(row)
    merged = []
    for ref in stream.merged:
        c0, r0, c1, r1 = range_boundaries(ref)
        merged.append((r0, c0, r1, c1, ref))
    return SheetCells(rows, formulas, merged)


TITLE_ROWS_READ = 30  # the rows whose filled cells set a sheet's width (header rows are looked for among them)


def _refuse_personal_sheets(source: Source, wb, read: list) -> None:
    """A workbook in the data folder is published data's source: a sheet holding personal data (hidden or
    not, other than the ones read) is refused as a whole, naming the sheet and the column. ``read``: the
    sheet(s) read as inputs, checked with their table's own rules. Every row of every other sheet is read,
    streamed (no row limit to hide past: a NIK at row 20,001, a personal header at row 31)."""
    from .schema import personal_column

    for ws in wb.worksheets:
        if any(ws.title == r.title for r in read):
            continue  # its header is checked with the table's own rules
        hidden = " (tersembunyi)" if ws.sheet_state != "visible" else ""
        for n, cells in _stream_sheet(ws):
            for _, value in cells:
                text = str(value)
                found = privacy.find_personal(text)
                if found:
                    fix = "hapus lembar itu." if found.kind == "nik" else "hapus nomor itu (atau lembar itu)."
                    raise ReadError(Problem(source.name, f"lembar (sheet) '{ws.title}'{hidden} berisi {found.what} "
                                            f"({found.masked}). File di folder data situs publik tidak boleh "
                                            f"memuat data pribadi, juga di lembar lain: {fix}", row=n))
                # a header-like cell (a few words); a sentence of instructions is not a column name
                kind = personal_column(text) if isinstance(value, str) and len(text.split()) <= 5 else None
                if kind:
                    raise ReadError(Problem(source.name, f"lembar (sheet) '{ws.title}'{hidden} berisi kolom data "
                                            f"pribadi '{text}' ({kind}). File di folder data situs publik tidak "
                                            "boleh memuat data pribadi, juga di lembar lain: hapus lembar itu, "
                                            "atau simpan lembar data saja ke file baru.", row=n))


def load_workbook(path: Path):
    """An Excel workbook opened for streaming (read-only: a sheet is parsed when it is read, one row at a
    time), after its size is checked; or a message saying it cannot be read."""
    import openpyxl

    _refuse_too_large(path)
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
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
    problems += _unread_files(data_dir, names)
    for path in sorted(p for p in Path(data_dir).iterdir() if p.suffix.lower() == ".xlsx"):
        if path.stem.lower() in names or path.name.startswith(("~$", ".")):
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


def _unread_files(data_dir: Path, names: list[str]) -> list[Problem]:
    """A warning for every file of the data folder that nothing reads (an input's file, a workbook's sheets,
    the helper files): a misnamed export (``pendampingan 2024.csv``, ``tpps.xls``) must not be left out
    silently."""
    out = []
    inputs = {f"{n}{s}" for n in names for s in INPUT_SUFFIXES}
    for path in sorted(Path(data_dir).iterdir()):
        lower = path.name.lower()
        if lower in inputs or lower in HELPER_FILES or lower.endswith(".xlsx") or path.name.startswith(("~$", ".")):
            continue
        if path.is_dir() and not path.is_symlink():
            why = "folder ini tidak dibaca: data dibaca dari file di folder data itu sendiri (dan data/wilayah)."
        elif path.suffix.lower() in (".xls", ".xlsm", ".ods", ".numbers"):
            why = (f"format {path.suffix} tidak dibaca. Buka di Excel/LibreOffice lalu simpan sebagai .xlsx (atau CSV) "
                   "dengan nama datanya, mis. pendampingan.xlsx.")
        else:
            why = (f"file ini tidak dibaca: namanya bukan nama data ({', '.join(f'{n}.csv' for n in names[:3])}, …; "
                   "daftar lengkap di data/README.md). Bila berisi data, ganti namanya; bila tidak, pindahkan dari "
                   "folder data.")
        out.append(Problem(path.name, why, severity="peringatan"))
    return out


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
    """``open_table`` for an input wherever it is (its own file or a workbook's sheet). This is the readers'
    boundary: whatever a parser raises on a malformed file, opening or reading it, leaves here as a Problem
    naming the file (``unreadable``), never as a traceback."""
    try:
        if ref.sheet is None:
            source, chunks = open_table(ref.path, spec, chunk_rows, headers)
        else:
            source = Source(path=ref.path, size=ref.path.stat().st_size, sha256=file_sha256(ref.path),
                            sheet=ref.sheet)
            chunks = _excel_chunks(source, spec, headers, ref.workbook)
    except READ_ERRORS as e:
        raise ReadError(unreadable(ref.path.name, e)) from e
    return source, _guarded(source, chunks)


# What the parsers underneath raise on a malformed file (pandas, the csv module, the zip and XML layers of a
# workbook, a decoder): each is a fault of the file, reported as such at the readers' boundary.
READ_ERRORS: tuple[type[BaseException], ...] = (
    pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error, UnicodeError, ValueError, KeyError, IndexError,
    TypeError, OSError, EOFError, zipfile.BadZipFile, ET.ParseError, zlib.error)


def unreadable(name: str, error: BaseException) -> Problem:
    """The message for a file a parser gave up on: the file, the line where the parser says, what to do."""
    if isinstance(error, pd.errors.EmptyDataError):
        return Problem(name, "file kosong: tidak ada judul kolom maupun data (hanya baris kosong atau tanda BOM). "
                       "Ekspor ulang datanya.")
    text = str(error)
    m = re.search(r"\bline\s+(\d+)", text)
    detail = echo(text.splitlines()[0][:160]) if text.strip() else "-"
    return Problem(name, f"file ini tidak bisa dibaca sebagai tabel ({type(error).__name__}: {detail}). Buka file "
                   "di Excel atau LibreOffice, periksa tanda kutip, pemisah kolom dan baris kosong di atas judul "
                   "kolom, lalu simpan ulang sebagai CSV UTF-8 atau .xlsx.",
                   row=int(m.group(1)) if m else None)


def _guarded(source: Source, chunks: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    try:
        yield from chunks
    except READ_ERRORS as e:
        raise ReadError(unreadable(source.name, e)) from e


def _excel_chunks(source: Source, spec: TableSpec, headers: HeaderMap, wb=None) -> Iterator[pd.DataFrame]:
    source.encoding, source.sep = "xlsx", "xlsx"
    own = wb is None
    wb = wb if wb is not None else load_workbook(source.path)
    if source.sheet:
        ws = wb[source.sheet]
    else:
        ws = wb[spec.name] if spec.name in wb.sheetnames else wb.worksheets[0]
        _refuse_personal_sheets(source, wb, [ws])
        if len(wb.worksheets) > 1:
            source.notes.append(f"{source.name}: dibaca dari lembar (sheet) '{ws.title}'.")
    try:
        sheet = read_sheet(ws)
    except Exception as e:  # a damaged sheet part: openpyxl and the XML parser raise many types
        raise ReadError(Problem(source.name, f"lembar (sheet) '{ws.title}' rusak ({type(e).__name__}). Buka di Excel "
                                "lalu simpan ulang sebagai .xlsx.")) from e
    finally:
        if own:
            wb.close()  # a read-only workbook keeps its file open until closed
    # the used width from the title and header rows: Excel often marks whole formatted rows as used, out to
    # column XFD, which would make every row 16,384 empty cells
    used = max((len(row) for row in sheet.rows[:TITLE_ROWS_READ]), default=0)
    _refuse_too_wide(source, used)
    rows = [row[:used] for row in sheet.rows]
    # merged cells of the header rows: (row, first column) → last column, both from 0, to join two header rows
    spans = {(r0 - 1, c0 - 1): c1 - 1 for r0, c0, _, c1, _ in sheet.merged if r0 <= TITLE_ROWS_READ}
    header = _header(source, rows[:TITLE_ROWS_READ], headers, spans)
    source.columns = header.columns
    body = rows[header.index + 1:]
    width = len(source.columns)
    first = source.header_row + 1  # the sheet row of the first data row
    _mark_unreadable(source, sheet, first, width)
    frame = pd.DataFrame([(r + [""] * width)[:width] for r in body], columns=source.columns, dtype=str)
    frame.insert(0, ROW, range(first, first + len(frame)))
    return iter([frame])


def _mark_unreadable(source: Source, sheet: SheetCells, first: int, width: int) -> None:
    """The data cells that read blank but are not: formulas without a saved result, and every cell of a merge
    but its first (a merge's value is stored once); the validator refuses them with that reason."""
    def mark(row: int, column: int, message: str) -> None:
        if row >= first and column <= width and source.columns[column - 1]:
            source.unreadable.setdefault(source.columns[column - 1], {})[row] = message

    for row, column in sheet.formulas:
        mark(row, column, FORMULA_WITHOUT_RESULT)
    for r0, c0, r1, c1, ref in sheet.merged:
        if r1 < first:
            continue  # a merged title or header cell
        for row in range(max(r0, first), min(r1, len(sheet.rows)) + 1):
            for column in range(c0, min(c1, width) + 1):
                if (row, column) != (r0, c0):
                    mark(row, column, _merged_message(ref))
