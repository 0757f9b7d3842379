"""``ranpasti validate --laporan FILE.xlsx``: the problems of a validation, marked on a copy of each input.

Staff fix their data in Excel, not in a terminal. The report has a "Ringkasan" sheet (every problem: file,
row, column, value, what to do; then the notes) and a sheet per input file (or workbook sheet) that copies
it as it was read, at the row numbers the messages use: each problem cell is coloured (red for an error,
yellow for a warning) with its message as a cell comment. The console output is unchanged.

A large input (a national export) is not copied whole: beyond ``FULL_COPY_ROWS`` data rows only the rows
with a problem are, each with its row number in the first column, as in every copy.
"""

from __future__ import annotations

import datetime as dt
import numbers
from collections import defaultdict
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..core import fmt, owned, privacy
from ..core.errors import RanpastiError
from .headers import header_map
from .problems import Problem
from .readers import ROW, InputRef, ReadError, Source, load_workbook, open_input
from .schema import TABLES
from .validate import Validation

FULL_COPY_ROWS = 20_000
MAX_COMMENTS = 5_000  # per sheet: beyond it cells are coloured only (Excel slows down with more notes)
FILLS = {"galat": PatternFill("solid", fgColor="F4B6B6"), "peringatan": PatternFill("solid", fgColor="FCE8A6")}
SEVERITY = {"galat": "Galat (harus diperbaiki)", "peringatan": "Peringatan"}


def protected(data_dir: Path) -> dict[str, Path]:
    """Where a report is never written: among the inputs it reports on (it would be read as data, or replace
    one), or into the program."""
    return {"folder data (--data)": Path(data_dir), "kode program ranpasti": owned.src_folder()}


def check_out(out: Path, data_dir: Path) -> None:
    """Refuse a report path before validating (a national validation takes minutes): not .xlsx, or in a folder
    the project owns or reads (the data folder, a site, params: ``owned.refuse_project_folder``)."""
    if out.suffix.lower() != ".xlsx":
        raise LaporanError(f"--laporan harus file .xlsx (diberi {out}).")
    owned.refuse_project_folder(out, "--laporan", protected(data_dir))


class LaporanError(RanpastiError):
    pass


def write_report(result: Validation, out: Path, data_dir: Path) -> tuple[Path, str]:
    """Write the report of ``result`` (a validation of ``data_dir``) as ``out``, atomically; return where it went
    and a note for staff. Only an earlier report is replaced: a file staff made keeps its name and the report
    takes the next free one (``owned.write_file``); the workbook is marked so the reader never takes it for
    data."""
    check_out(out, data_dir)
    report = result.report
    wb = Workbook()
    owned.mark_report(wb)
    summary = wb.active
    summary.title = "Ringkasan"
    by_file: dict[str, list[Problem]] = defaultdict(list)
    for p in report.marked:
        by_file[p.file].append(p)
    _summary(summary, result, data_dir)
    used = {"Ringkasan"}
    books: dict[Path, object] = {}  # a workbook holding several inputs is loaded once, not once per sheet
    for key, source in result.sources.items():
        spec = TABLES[key.split("@")[0]]
        ws = wb.create_sheet(_title(spec.name, used))
        _copy(ws, source, spec, result, by_file.get(source.name, []), books)
    return owned.write_file(out, wb.save, "--laporan", protected(data_dir), replaces=owned.is_report)


def _append(ws, values: list) -> int:
    """A row of staff's own values, as text: openpyxl writes a string starting with "=" as a formula, and a
    cell of an input ("=HYPERLINK(…)") must not become one in the report staff open in Excel."""
    cells = []
    for value in values:
        cell = Cell(ws, value=visible(value))
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"
        cells.append(cell)
    ws.append(cells)  # not values then ``ws[ws.max_row]``: max_row scans every cell (40 s for 3,000 rows)
    return cells[0].row


def visible(value):
    """A value as the report shows it: a personal number masked (``masked``), and text with the control
    characters a worksheet cannot hold (a vertical tab pasted into a Lokmin problem) written as ``\\x0b``, so
    staff see where they are instead of the report failing."""
    value = masked(value)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub(lambda m: f"\\x{ord(m.group()):02x}", value)
    return value


def masked(value):
    """The value, or in place of one holding a NIK, No. KK or mobile number the masked form the messages echo
    (``privacy.find_personal``): a report is a file staff pass around and may leave anywhere, so it carries no
    personal number in full; its red cell and comment still show where the number is."""
    if isinstance(value, bool) or not isinstance(value, str | numbers.Real):
        return value
    number = float(value) if not isinstance(value, str) else 0.0
    text = value if isinstance(value, str) else str(int(number)) if number.is_integer() else str(value)
    found = privacy.find_personal(text)
    if found is None:
        return value
    return f"[disamarkan: {found.what} {found.masked}]"


def _title(name: str, used: set[str]) -> str:
    title, n = name[:28], 2
    while title in used:
        title, n = f"{name[:24]} ({n})", n + 1
    used.add(title)
    return title


def _summary(ws, result: Validation, data_dir: Path) -> None:
    report = result.report
    warnings = sum(p.severity == "peringatan" for p in report.marked)
    _append(ws, [f"Laporan pemeriksaan data RAN PASTI — folder {data_dir}"])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([f"Diperiksa {fmt.datetime(dt.datetime.now(dt.timezone.utc))}. " + (
        "Data valid: tidak ada galat." if report.ok else
        f"Data TIDAK valid: {report.error_count} galat. Perbaiki sel berwarna merah di lembar tiap file, lalu "
        "periksa lagi.") + (f" {warnings} peringatan (kuning)." if warnings else "")])
    if len(report.marked) < report.error_count:
        ws.append([f"Hanya {len(report.marked)} masalah pertama yang ditandai; perbaiki lalu periksa lagi."])
    ws.append([])
    ws.append(["File", "Baris", "Kolom", "Nilai", "Masalah", "Jenis"])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for p in sorted(report.marked, key=lambda p: (p.file, p.row or 0)):
        row = _append(ws, [p.file, p.row, p.column, p.value, p.message, SEVERITY.get(p.severity, p.severity)])
        ws.cell(row=row, column=6).fill = FILLS.get(p.severity, FILLS["galat"])
    if report.notes:
        ws.append([])
        ws.append(["Catatan (data sudah dinormalkan, tidak perlu diperbaiki)"])
        ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
        for note in report.notes:
            _append(ws, [note])
    for letter, width in zip("ABCDEF", (34, 8, 22, 22, 90, 22), strict=True):
        ws.column_dimensions[letter].width = width
    for row in ws.iter_rows(min_row=5, min_col=5, max_col=5):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    ws.page_setup.orientation = "landscape"  # printed: every column on the page's width
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0


def _copy(ws, source: Source, spec, result: Validation, problems: list[Problem], books: dict[Path, object]) -> None:
    """The input as read, at its own row numbers, its problem cells coloured and commented."""
    cells: dict[int, dict[str | None, list[Problem]]] = defaultdict(lambda: defaultdict(list))
    for p in problems:
        if p.row is not None:
            cells[p.row][p.column].append(p)
    try:
        if source.sheet and source.path not in books:
            books[source.path] = load_workbook(source.path)
        wb = books.get(source.path) if source.sheet else None
        copy, chunks = open_input(InputRef(source.path, source.sheet, wb), spec, header_map(spec, result.mapping))
        whole = source.rows <= FULL_COPY_ROWS
        frames = list(chunks) if whole else list(_problem_rows(chunks, cells))  # read here: a ReadError is caught
    except ReadError:
        _append(ws, [f"{source.name}: file ini tidak bisa dibaca ulang; lihat Ringkasan."])
        return
    columns = copy.columns
    _append(ws, [f"{source.name} — " + ("salinan lengkap" if whole else
                                       f"hanya baris bermasalah (file ini {source.rows} baris)")
               + ". Sel merah: galat; kuning: peringatan; arahkan kursor ke sel untuk membaca catatannya."])
    _append(ws, ["baris", *(copy.labels.get(c, c) for c in columns)])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    index = {c: n for n, c in enumerate(columns, start=2)}
    comments = 0
    for frame in frames:
        for values in frame[[ROW, *columns]].itertuples(index=False):
            row = int(values[0])
            at_row = _append(ws, [row, *values[1:]])
            for column, found in cells.get(row, {}).items():
                at = _column_of(column, columns)
                n = index.get(at, 1) if at else 1
                cell = ws.cell(row=at_row, column=n)
                worst = "galat" if any(p.severity == "galat" for p in found) else "peringatan"
                cell.fill = FILLS[worst]
                if comments < MAX_COMMENTS:
                    text = "\n".join(dict.fromkeys(visible(p.message) for p in found))[:2000]
                    cell.comment = Comment(text, "ranpasti")
                    comments += 1
    ws.freeze_panes = "B3"
    for n in range(1, len(columns) + 2):
        ws.column_dimensions[get_column_letter(n)].width = 8 if n == 1 else 16


def _problem_rows(chunks, cells):
    for frame in chunks:
        yield frame[frame[ROW].isin(list(cells))]


def _column_of(column: str | None, columns: list[str]) -> str | None:
    """The sheet column a problem names: itself, the first of a key ("kode_desa,bulan"), or the place names
    a code was looked up from."""
    if column is None:
        return None
    for name in column.split(","):
        if name in columns:
            return name
    if column.startswith("kode_"):
        return next((c for c in ("desa", "kecamatan", "kabupaten") if c in columns), None)
    return None
