"""``ranpasti templat``: an Excel workbook made for one kabupaten and year, which staff fill and drop into the
data folder as it is.

Staff keep their data in Excel; typing our column names and dotted codes was the first wall an office hit.
The workbook has a sheet per input that identifies places (every table in ``input.yml`` with ``names``, so
an input added later gets its sheet without touching this module), pre-filled with what staff should not
type: every desa (or kecamatan) of the kabupaten with its code and names, and the months or year. Those
cells are locked; every entry cell has Excel data validation from the column's declaration (whole numbers
≥ 0, a numerator not above its denominator, a choice from its list, a date), so most mistakes are refused
while typing. Sheets are named after their input: ``validate`` and ``build`` read them from any workbook in
the data folder (``readers.find_inputs``); rows left unfilled are months not reported, not zeros.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..core import owned
from ..core.errors import RanpastiError
from ..reference.regions import Regions
from .schema import TABLES, Column, TableSpec

LOKMIN_ROWS = 300  # empty rows offered in an input without a place × period grid (one row per problem)
OPEN_ROWS = 40  # rows offered per year in a kabupaten input of one row per item (audit recommendations)
# Inputs about the kabupaten's own bodies (no ``names``: a team or an assessment is not a desa or kecamatan):
# their code column and the places it is pre-filled with (the kabupaten; the kabupaten and its kecamatan)
REGIONAL = {"kode_kabupaten": "kabupaten", "kode_unit": "unit"}
FIRST_YEAR = 2016  # Kampung KB began in 2016; no year of these inputs is earlier
LOCKED_FILL = PatternFill("solid", fgColor="E8EEF4")
HEADER_FILL = PatternFill("solid", fgColor="1F5FA8")
UNLOCKED = Protection(locked=False)
TAHAP = ("Tahap 1: sosialisasi sasaran dan strategi RAN PASTI", "Tahap 2: besaran target pendampingan KRS per desa",
         "Tahap 3: desain Kampung KB", "Tahap 4: kinerja TPK", "Tahap 5: aksi di desa",
         "Tahap 6: evaluasi RAN PASTI Desember")
LISTS = "daftar"  # the hidden sheet holding the drop-down lists


class TemplateError(RanpastiError):
    pass


@dataclass(frozen=True)
class Place:
    kode: str
    kecamatan: str
    desa: str = ""


def default_path(data_dir: Path, kabupaten: str, slug: str, tahun: int) -> Path:
    return Path(data_dir) / f"templat-{kabupaten}-{slug.removeprefix('kabupaten-')}-{tahun}.xlsx"


def check_out(out: Path) -> None:
    """Refuse an ``--out`` the data reader would take for an input of its own (``lokmin.xlsx``, ``tpps.csv``:
    the workbook's guide sheet would be read as the data), or that is not an Excel workbook."""
    if out.suffix.lower() != ".xlsx":
        raise TemplateError(f"--out {out}: buku kerja templat harus berakhiran .xlsx, misalnya "
                            "templat-16.05-2025.xlsx. Tidak ada file yang ditulis.")
    if out.stem.strip().lower() in TABLES:
        raise TemplateError(f"--out {out}: nama {out.stem} adalah nama file data {out.stem} sendiri, jadi templat itu "
                            f"akan dibaca sebagai data (atau menimpanya). Beri nama lain, misalnya "
                            f"templat-{out.stem}.xlsx. Tidak ada file yang ditulis.")


def make_workbook(kabupaten: str, tahun: int, regions: Regions, out: Path) -> tuple[Path, str]:
    """Write the workbook for ``kabupaten`` and ``tahun`` as a new file at ``out`` (atomically); return where it
    went and a note for staff. A file already at ``out`` (a workbook staff may have filled) is never replaced:
    the new one takes the next free name (``owned.write_file``)."""
    check_out(Path(out))
    kabupaten = kabupaten.strip()
    if kabupaten not in regions.kabupaten.index:
        raise TemplateError(f"kode kabupaten/kota {kabupaten!r} tidak ada di data wilayah Kemendagri; tulis kode "
                            "bertitik seperti 16.05 (lihat data/wilayah/kabupaten.csv).")
    if not FIRST_YEAR <= tahun <= dt.date.today().year + 1:
        raise TemplateError(f"--tahun {tahun} di luar {FIRST_YEAR}–{dt.date.today().year + 1}: tulis tahun data "
                            f"empat angka, misalnya --tahun {dt.date.today().year}. Tidak ada file yang ditulis.")
    name = str(regions.kabupaten.at[kabupaten, "nama"])
    kecamatan = regions.kecamatan[regions.kecamatan["kode_kabupaten"] == kabupaten].sort_index()
    desa = regions.desa[regions.desa["kode_kabupaten"] == kabupaten].sort_index()
    kec_names = kecamatan["nama"].to_dict()
    places = {"kabupaten": [Place(kabupaten, name)],
              "unit": [Place(kabupaten, name), *(Place(k, f"Kecamatan {n}") for k, n in kec_names.items())],
              "kecamatan": [Place(k, str(n)) for k, n in kec_names.items()],
              "desa": [Place(k, str(kec_names.get(row.kode_kecamatan, "")), str(row.nama))
                       for k, row in zip(desa.index, desa.itertuples(), strict=True)]}
    wb = Workbook()
    guide = wb.active
    guide.title = "Petunjuk"
    lists = wb.create_sheet(LISTS)
    lists.sheet_state = "hidden"
    lists_at = _write_lists(lists, [str(n) for n in kec_names.values()])
    sheets = [spec for spec in TABLES.values() if spec.names or _regional(spec)]
    for spec in sheets:
        ws = wb.create_sheet(spec.name)
        _fill_sheet(ws, spec, name, tahun, places[str(spec.names or _regional(spec))], lists_at)
    _write_guide(guide, name, kabupaten, tahun, sheets)
    # the data folder is where a workbook is filled in and read back (its default place), so it is not refused
    # here; every other folder the project owns or reads is (``owned.refuse_project_folder``)
    protected = {"kode program ranpasti": owned.src_folder()}
    defaults = tuple(name for name in owned.DEFAULT_FOLDERS if name != "folder data")
    return owned.write_file(Path(out), wb.save, "--out", protected, defaults=defaults)


def _write_lists(ws, kecamatan: list[str]) -> dict[str, str]:
    """The drop-down lists, one column each, as ranges the validations refer to."""
    columns = {"kecamatan": kecamatan, "tahap": list(TAHAP)}
    at = {}
    for n, (key, values) in enumerate(columns.items(), start=1):
        letter = get_column_letter(n)
        ws.cell(row=1, column=n, value=key)
        for r, v in enumerate(values, start=2):
            ws.cell(row=r, column=n, value=v)
        at[key] = f"{LISTS}!${letter}$2:${letter}${len(values) + 1}"
    return at


def _regional(spec: TableSpec) -> str | None:
    """``kabupaten`` or ``unit`` for an input keyed by a kabupaten's (or its kecamatan's) own code, else None."""
    return None if spec.names else REGIONAL.get(spec.key[0])


def _regional_rows(spec: TableSpec, places: list[Place], tahun: int) -> list[dict[str, str | int]]:
    """A regional input's rows: each place × year, × each choice of a key column that has choices (the 8
    aksi), or ``OPEN_ROWS`` rows for one row per item (an audit's recommendations). ``_nama`` is the place's
    name, shown as the code cell's comment (not a column: the file keeps only the declared ones)."""
    code = spec.key[0]
    rows: list[dict[str, str | int]] = [{code: p.kode, "_nama": p.kecamatan, "tahun": tahun} for p in places]
    for col in spec.key[2:]:
        if spec.column(col).choices:
            rows = [{**r, col: c} for r in rows for c in spec.column(col).choices]
    if any(not spec.column(col).choices for col in spec.key[2:]):
        rows = [dict(r) for r in rows for _ in range(OPEN_ROWS)]
    return rows


def _rows(spec: TableSpec, places: list[Place], tahun: int) -> list[dict[str, str | int]]:
    """The pre-filled identification of each row: place × month, place × year, place, or none."""
    if _regional(spec):
        return _regional_rows(spec, places, tahun)
    level = spec.names
    code = f"kode_{level}"
    base: list[dict[str, str | int]] = [
        {code: p.kode, "kecamatan": p.kecamatan, **({"desa": p.desa} if level == "desa" else {})} for p in places]
    if "bulan" in spec.key:
        return [{**b, "bulan": f"{tahun}-{m:02d}"} for b in base for m in range(1, 13)]
    if "tahun" in spec.key:
        return [{**b, "tahun": tahun} for b in base]
    if code in spec.key:
        return base
    return []


def _columns(spec: TableSpec, prefilled: bool) -> list[tuple[str, Column | None]]:
    """Sheet columns in order: the code and names (locked), the period, then every entry column. The code
    column of a sheet without pre-filled places is left out: staff pick the kecamatan by name."""
    if _regional(spec):
        return [(c.name, c) for c in spec.columns]
    level = spec.names
    ident: list[tuple[str, Column | None]] = []
    if prefilled:
        ident.append((f"kode_{level}", spec.column(f"kode_{level}")))
    ident.append(("kabupaten", None))
    ident.append(("kecamatan", None))
    if level == "desa":
        ident.append(("desa", None))
    skip = {f"kode_{level}", "kode_kecamatan"}
    return ident + [(c.name, c) for c in spec.columns if c.name not in skip]


def _fill_sheet(ws, spec: TableSpec, kabupaten: str, tahun: int, places: list[Place],
                lists_at: dict[str, str]) -> None:
    rows = _rows(spec, places, tahun)
    prefilled = bool(rows)
    columns = _columns(spec, prefilled)
    locked = {name for name, _ in columns if name in {f"kode_{spec.names}", "kabupaten", "kecamatan", "desa"}}
    if _regional(spec):  # the code, the year and a key column pre-filled with its choices
        locked = {spec.key[0], "tahun", *(k for k in spec.key[2:] if spec.column(k).choices)}
    if prefilled:
        locked |= {k for k in ("bulan", "tahun") if k in spec.key}
    else:
        locked = {"kabupaten"}
        rows = [{} for _ in range(LOKMIN_ROWS)]
    ws.append([f"{spec.title} — {kabupaten}, {tahun}. Isi sel putih; sel biru sudah terisi dan dikunci."])
    ws.append([name for name, _ in columns])
    bold = Font(bold=True, color="FFFFFF")
    for n, (name, col) in enumerate(columns, start=1):
        cell = ws.cell(row=2, column=n)
        cell.font, cell.fill = bold, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if col is not None and col.hint:
            cell.comment = Comment(f"{col.hint}{'' if col.required else ' (boleh kosong)'}", "ranpasti")
        lengths = [len(str(v.get(name, ""))) for v in rows[:2000]] + ([len(kabupaten)] if name == "kabupaten" else [])
        wordy = col is not None and col.kind in ("text", "nomor_dokumen")
        wide = 40 if wordy else 24 if name == "kecamatan" and not prefilled else 12
        ws.column_dimensions[get_column_letter(n)].width = max(wide, min(36, max([len(name) + 4, *lengths]) + 2))
    # only the pre-filled cells are written; an entry column is unlocked as a whole (its column style, which
    # Excel gives every cell not written): a national kabupaten's 10,000 rows × 13 counts stay unwritten
    # cells, not 130,000 styled ones (6 s → under 3 s for the largest kabupaten)
    filled = [(n, name) for n, (name, _) in enumerate(columns, start=1) if name in locked]
    for r, values in enumerate(rows, start=3):
        for n, name in filled:
            cell = ws.cell(row=r, column=n, value=kabupaten if name == "kabupaten" else values.get(name))
            cell.fill = LOCKED_FILL
            if n == 1 and values.get("_nama"):
                cell.comment = Comment(str(values["_nama"]), "ranpasti")
    last = len(rows) + 2
    for n, (name, _) in enumerate(columns, start=1):
        if name not in locked:
            ws.column_dimensions[get_column_letter(n)].protection = UNLOCKED
    _validations(ws, spec, columns, locked, last, tahun, lists_at, prefilled)
    ws.freeze_panes = ws.cell(row=3, column=1 + sum(1 for name, _ in columns if name in locked))
    ws.auto_filter.ref = f"A2:{get_column_letter(len(columns))}{last}"
    ws.protection.sheet = True
    ws.protection.autoFilter = False  # filtering and resizing stay allowed on the protected sheet
    ws.protection.sort = False
    ws.protection.formatColumns = False
    # one row per item (a Lokmin problem, an audit recommendation): staff may need more rows than offered
    ws.protection.insertRows = not prefilled or any(k in spec.key for k in ("putaran",))
    ws.page_setup.orientation = "landscape"  # printed for checking: every column on the page's width
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.print_title_rows = "2:2"


def _validations(ws, spec: TableSpec, columns: list[tuple[str, Column | None]], locked: set[str], last: int,
                 tahun: int, lists_at: dict[str, str], prefilled: bool) -> None:
    letters = {name: get_column_letter(n) for n, (name, _) in enumerate(columns, start=1)}
    denominator = {num: den for num, den in spec.ratios}

    def add(name: str, dv: DataValidation) -> None:
        dv.error_title = "Isian tidak sah"
        dv.showErrorMessage = True
        ws.add_data_validation(dv)
        dv.add(f"{letters[name]}3:{letters[name]}{last}")

    if not prefilled:
        add("kecamatan", DataValidation(type="list", formula1=lists_at["kecamatan"], allow_blank=True,
                                        error="Pilih kecamatan dari daftar."))
    for name, col in columns:
        if col is None or name in locked:
            continue
        cell = f"{letters[name]}3"
        kind = col.kind
        if kind == "count":
            den = denominator.get(name)
            if den in letters:
                dv = DataValidation(type="custom", allow_blank=True,
                                    formula1=f"AND({cell}=INT({cell}),{cell}>=0,{cell}<={letters[den]}3)",
                                    error=f"Bilangan bulat 0 atau lebih, tidak lebih dari {den} di baris yang sama.")
            else:
                dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                                    error="Bilangan bulat 0 atau lebih.")
            add(name, dv)
        elif kind == "percent":
            add(name, DataValidation(type="decimal", operator="between", formula1="0", formula2="100",
                                     allow_blank=True, error="Persen 0 sampai 100."))
        elif kind == "tahun":
            add(name, DataValidation(type="whole", operator="between", formula1=str(FIRST_YEAR),
                                     formula2=str(tahun), allow_blank=True,
                                     error=f"Tahun empat angka, {FIRST_YEAR}–{tahun}."))
        elif kind in ("tanggal", "tenggat"):
            upper = f"DATE({tahun},12,31)" if kind == "tanggal" else f"DATE({tahun + 5},12,31)"
            add(name, DataValidation(type="date", operator="between", formula1=f"DATE({tahun - 1},1,1)",
                                     formula2=upper, allow_blank=True,
                                     error="Tanggal (mis. 14/03/2024), dalam tahun ini."))
        elif kind == "tanggal_status":
            add(name, _status_date_validation(cell, letters))
        elif kind == "choice":
            add(name, DataValidation(type="list", formula1='"' + ",".join(col.choices) + '"', allow_blank=True,
                                     error=f"Pilih salah satu: {', '.join(col.choices)}."))
        elif name == "tahap":
            dv = DataValidation(type="list", formula1=lists_at["tahap"], allow_blank=True)
            dv.showErrorMessage = False  # the stages are a vocabulary; other text is allowed
            ws.add_data_validation(dv)
            dv.add(f"{letters[name]}3:{letters[name]}{last}")


def _status_date_validation(cell: str, letters: dict[str, str]) -> DataValidation:
    """``tanggal_status``: a date that has passed and is not before the item's own date on the same row (the
    Lokmin meeting, the year the Kampung KB was formed), the rules ``validate`` refuses, said while typing."""
    rules = [f"ISNUMBER({cell})", f"{cell}<=TODAY()"]
    if "tanggal" in letters:
        rules.append(f"OR({letters['tanggal']}3=\"\",{cell}>={letters['tanggal']}3)")
        error = "Tanggal status (mis. 15/01/2025): tidak sebelum tanggal pertemuan dan tidak sesudah hari ini."
    elif "tahun_terbentuk" in letters:
        rules.append(f"OR({letters['tahun_terbentuk']}3=\"\",YEAR({cell})>={letters['tahun_terbentuk']}3)")
        error = "Tanggal status (mis. 31/12/2024): tidak sebelum tahun terbentuk dan tidak sesudah hari ini."
    else:
        error = "Tanggal status (mis. 31/12/2024), tidak sesudah hari ini."
    return DataValidation(type="custom", formula1=f"AND({','.join(rules)})", allow_blank=True, error=error)


def _write_guide(ws, name: str, kabupaten: str, tahun: int, sheets: list[TableSpec]) -> None:
    lines = [
        (f"Buku kerja data RAN PASTI — {name} ({kabupaten}), tahun {tahun}", True),
        ("Dibuat oleh `ranpasti templat`. Simpan file ini di folder data (data/) apa adanya; `ranpasti validate` "
         "dan `ranpasti build` membacanya tanpa langkah lain.", False),
        ("", False),
        ("Cara mengisi", True),
        ("1. Isi sel putih saja. Sel biru (kode, nama wilayah, bulan) sudah terisi dan dikunci agar tidak "
         "berubah.", False),
        ("2. Angka: bilangan bulat 0 atau lebih. Yang didampingi tidak boleh lebih dari sasarannya di baris "
         "yang sama; Excel menolak isian yang salah.", False),
        ("3. Bulan yang belum dilaporkan: biarkan seluruh barisnya kosong. Baris kosong dilewati, tidak dihitung "
         "0. Isi 0 bila memang tidak ada kegiatan.", False),
        ("4. Lokmin: satu baris per masalah. Pilih kecamatan dan status dari daftar; penanggung jawab ditulis "
         "sebagai jabatan atau lembaga, bukan orang. Bila status berubah, jangan timpa baris lama: tambahkan baris "
         "baru (pertemuan, masalah dan rencana yang sama) dengan status baru dan tanggal_status, tanggal "
         "perubahan itu dicatat. Evaluasi setiap tahun membaca status pada 31 Desember.", False),
        ("5. Kampung KB: isi hanya desa yang sudah punya Kampung KB: tahun terbentuk, lalu klasifikasi dan "
         "instrumennya seperti keadaannya pada tanggal_status (mis. 31/12/" + str(tahun) + "). Buku kerja tahun "
         "berikutnya mencatat keadaan tahun itu dengan tanggal_status tahun itu: satu baris per desa per "
         "tanggal, dan halaman setiap tahun membaca keadaan pada 31 Desember.", False),
        ("6. TPPS, aksi konvergensi dan audit kasus stunting (opsional): kode kabupaten/kecamatan sudah terisi; "
         "arahkan kursor ke kodenya untuk melihat nama wilayahnya. Audit: satu baris per rekomendasi; ketua dan "
         "penanggung jawab ditulis sebagai jabatan.", False),
        ("7. Jangan menambah data pribadi (NIK, No. KK, orang, alamat, telepon) di lembar mana pun: file ini "
         "menjadi sumber situs publik dan akan ditolak.", False),
        ("", False),
        ("Memeriksa", True),
        ("Jalankan: ranpasti validate --laporan laporan.xlsx. Setiap sel bermasalah diberi warna dan catatan "
         "(komentar) berisi apa yang harus diperbaiki; lembar Ringkasan mendaftar semuanya.", False),
        ("", False),
        ("Lembar data", True),
        *[(f"{spec.name}: {spec.title}.", False) for spec in sheets],
    ]
    for text, heading in lines:
        ws.append([text])
        if heading:
            ws.cell(row=ws.max_row, column=1).font = Font(bold=True, size=13 if ws.max_row == 1 else 11)
    ws.column_dimensions["A"].width = 100
    for (cell,) in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=1):
        cell.alignment = Alignment(wrap_text=True, vertical="top")
