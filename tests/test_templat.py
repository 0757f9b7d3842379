"""Staff bring their own data: the workbook of ``ranpasti templat``, names instead of codes, the Excel report.

The workbook is filled as staff would (typing into the white cells of each sheet, picking kecamatan by name
on the Lokmin sheet) with the sample's own numbers for Musi Rawas 2024, and the site built from it must equal
the one built from the same numbers as CSV files (built once for the module: ``csv_pages``).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from support import GLOBAL_FILES as GLOBAL
from support import ROOT, copy_sample_data, csv_folder, musi_rawas_2024

from ranpasti.build import BuildOptions, build
from ranpasti.ingest.schema import TABLES
from ranpasti.ingest.validate import validate
from ranpasti.pages import open_context
from ranpasti.reference.regions import load_regions

pytestmark = pytest.mark.slow  # builds sites from workbooks

KAB = "16.05"
YEAR = 2024


def make(out: Path, kab: str = KAB, year: int = YEAR) -> Path:
    done = subprocess.run([sys.executable, "-m", "ranpasti", "templat", kab, "--tahun", str(year), "--out", str(out)],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return out


def number(v: str):
    return int(v) if re.fullmatch(r"\d+", v) else v


def fill(path: Path, frames: dict[str, pd.DataFrame]) -> None:
    """Type the sample's values into the workbook's white cells, row by row, as staff would."""
    wb = openpyxl.load_workbook(path)
    regions = load_regions()
    for name, frame in frames.items():
        ws = wb[name]
        header = [c.value for c in ws[2]]
        col = {h: i + 1 for i, h in enumerate(header)}
        if name == "lokmin":  # no pre-filled rows: the kecamatan is picked by name
            for r, row in enumerate(frame.itertuples(index=False), start=3):
                values = row._asdict()
                ws.cell(row=r, column=col["kecamatan"], value=regions.kecamatan.at[values["kode_kecamatan"], "nama"])
                for h, v in values.items():
                    if h in col and h != "kecamatan" and v != "":
                        ws.cell(row=r, column=col[h], value=v)
            continue
        ident = next(h for h in ("kode_desa", "kode_kecamatan") if h in col)
        period = next((h for h in ("bulan", "tahun") if h in col and h in frame), None)
        where = {}
        for r in range(3, ws.max_row + 1):
            key = (ws.cell(row=r, column=col[ident]).value,
                   str(ws.cell(row=r, column=col[period]).value) if period else None)
            where[key] = r
        for row in frame.itertuples(index=False):
            values = row._asdict()
            r = where[(values[ident], values[period] if period else None)]
            for h, v in values.items():
                if h in col and h not in (ident, period, "kode_kecamatan") and v != "":
                    ws.cell(row=r, column=col[h], value=number(v))
    wb.save(path)


def pages(site: Path) -> dict[str, str]:
    """Every page's content as a reader sees it, without the provenance footer (file names and checksums
    differ by design) and the normalisation notes (which name the workbook's sheets)."""
    out = {}
    for f in sorted(site.rglob("index.html")):
        html = f.read_text(encoding="utf-8")
        html = html.split('class="rp-provenance"')[0]
        html = re.sub(r"<li><strong>(Sumber|Normalisasi data):</strong>.*?</li>", "", html, flags=re.S)
        out[str(f.relative_to(site))] = html
    return out


def site_from(data: Path, tmp: Path) -> Path:
    opts = BuildOptions(data_dir=data, params_dir=tmp / "params", out=tmp / "site", build_dir=tmp / "build",
                        cache_dir=tmp / "cache", notebooks_dir=ROOT / "notebooks", renderer="builtin", jobs=2)
    build(opts, log=lambda _m: None)
    return opts.out


def test_workbook_has_every_desa_of_the_kabupaten_with_locked_codes_and_validation(tmp_path):
    path = make(tmp_path / "mr.xlsx")
    regions = load_regions()
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[0] == "Petunjuk" and {"pendampingan", "jangkauan", "kampung_kb", "lokmin",
                                                "krs_rekap"} <= set(wb.sheetnames)
    ws = wb["pendampingan"]
    header = [c.value for c in ws[2]]
    codes = [ws.cell(row=r, column=1).value for r in range(3, ws.max_row + 1)]
    want = sorted(regions.desa.index[regions.desa.kode_kabupaten == KAB])
    assert sorted(set(codes)) == want and len(codes) == 12 * len(want)
    months = {ws.cell(row=r, column=header.index("bulan") + 1).value for r in range(3, ws.max_row + 1)}
    assert months == {f"{YEAR}-{m:02d}" for m in range(1, 13)}
    assert ws.protection.sheet and ws.cell(row=3, column=1).protection.locked
    entry = header.index("krs_didampingi") + 1
    letter = openpyxl.utils.get_column_letter(entry)
    assert ws.column_dimensions[letter].protection.locked is False  # white cells: staff type here
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    rule = rules[f"{letter}3:{letter}{ws.max_row}"]
    sasaran = openpyxl.utils.get_column_letter(header.index("krs_sasaran") + 1)
    assert rule.type == "custom" and f"<={sasaran}3" in rule.formula1  # didampingi ≤ sasaran
    lokmin = wb["lokmin"]
    kinds = {dv.type for dv in lokmin.data_validations.dataValidation}
    assert {"list", "date"} <= kinds  # kecamatan and status from a list, dates as dates
    # a status date (issue 34): not before the row's meeting (or the year its Kampung KB was formed), not later
    # than today, refused while typing as validate refuses it
    for sheet, since, check in (("lokmin", "tanggal", ">="), ("kampung_kb", "tahun_terbentuk", "YEAR(")):
        ws = wb[sheet]
        header = [c.value for c in ws[2]]
        at = openpyxl.utils.get_column_letter(header.index("tanggal_status") + 1)
        own = openpyxl.utils.get_column_letter(header.index(since) + 1)
        rule = next(dv for dv in ws.data_validations.dataValidation if str(dv.sqref).startswith(f"{at}3:"))
        assert "TODAY()" in rule.formula1 and f"{own}3" in rule.formula1 and check in rule.formula1, rule.formula1


@pytest.fixture(scope="module")
def csv_pages(tmp_path_factory) -> dict[str, str]:
    """``pages`` of the site built from Musi Rawas 2024 as CSV files, what the workbook and the names must give."""
    tmp = tmp_path_factory.mktemp("csv")
    return pages(site_from(csv_folder(tmp / "csv", musi_rawas_2024()), tmp / "a"))


def test_filled_workbook_builds_the_same_pages_as_the_csv_files(tmp_path, csv_pages):
    frames = musi_rawas_2024()
    data = tmp_path / "xlsx"
    data.mkdir()
    for name in GLOBAL:
        shutil.copy2(ROOT / "data" / name, data / name)
    fill(make(data / "templat-16.05-musi-rawas-2024.xlsx"), frames)
    result = validate(data)
    assert result.report.ok, result.report.render()
    assert any("dikenali dari nama wilayah" in n for n in result.report.notes)  # the Lokmin kecamatan
    from_xlsx = site_from(data, tmp_path / "b")
    a, b = csv_pages, pages(from_xlsx)
    assert set(a) == set(b) and len(a) > 20
    differ = [p for p in a if a[p] != b[p]]
    assert not differ, differ[:5]


def test_names_instead_of_codes_give_the_same_pages(tmp_path, csv_pages):
    """Names as staff write them: prefixes, capitals, extra spaces; the code found is what the pages use."""
    frames = musi_rawas_2024()
    regions = load_regions()
    named = {}
    for name, frame in frames.items():
        frame = frame.copy()
        if "kode_desa" in frame:
            desa = regions.desa.loc[frame.kode_desa]
            frame.insert(0, "Kabupaten", "Kab. Musi Rawas")
            frame.insert(1, "Kecamatan", ["KEC. " + regions.kecamatan.at[k, "nama"].upper()
                                          for k in desa.kode_kecamatan])
            frame.insert(2, "Desa/Kelurahan", [("Desa " if i % 2 else "kel.  ") + n.lower()
                                               for i, n in enumerate(desa.nama)])
            frame = frame.drop(columns=[c for c in ("kode_desa", "kode_kecamatan") if c in frame])
        elif "kode_kecamatan" in frame:
            frame.insert(0, "Nama Kabupaten", "KABUPATEN MUSI RAWAS")
            frame.insert(1, "Nama Kecamatan", [regions.kecamatan.at[k, "nama"] for k in frame.kode_kecamatan])
            frame = frame.drop(columns=["kode_kecamatan"])
        named[name] = frame
    from_names = site_from(csv_folder(tmp_path / "names", named), tmp_path / "b")
    a, b = csv_pages, pages(from_names)
    assert set(a) == set(b)
    differ = [p for p in a if a[p] != b[p]]
    assert not differ, differ[:5]


def test_an_unknown_desa_name_is_named_with_suggestions(tmp_path):
    frames = musi_rawas_2024()
    regions = load_regions()
    p = frames["pendampingan"].copy()
    desa = regions.desa.loc[p.kode_desa]
    p.insert(0, "kabupaten", "Musi Rawas")
    p.insert(1, "kecamatan", [regions.kecamatan.at[k, "nama"] for k in desa.kode_kecamatan])
    p.insert(2, "desa", list(desa.nama))
    p = p.drop(columns=[c for c in ("kode_desa", "kode_kecamatan") if c in p])
    first = p.index[p.desa == "B. Srikaton"][0]
    p.loc[p.desa == "B. Srikaton", "desa"] = "Bangun Srikatonn"
    frames["pendampingan"] = p
    data = csv_folder(tmp_path / "d", frames)
    out = subprocess.run([sys.executable, "-m", "ranpasti", "validate", "--data", str(data)], capture_output=True,
                         text=True, cwd=ROOT)
    assert out.returncode == 1
    line = next(ln for ln in out.stdout.splitlines() if "Bangun Srikatonn" in ln)
    row = list(p.index).index(first) + 2
    assert f"pendampingan.csv, baris {row}, kolom desa" in line
    assert "tidak ada di data wilayah" in line and "B. Srikaton (16.05.01.1001)" in line
    assert "Traceback" not in out.stdout + out.stderr


@pytest.mark.parametrize("name, why", [("Bogor", "Kabupaten Bogor atau Kota Bogor"),
                                       ("Musi Rawass", "Kabupaten Musi Rawas (16.05)")])
def test_an_ambiguous_or_misspelt_kabupaten_is_not_guessed(tmp_path, name, why):
    frames = musi_rawas_2024()
    r = frames["krs_rekap"].copy()
    r.insert(0, "kabupaten", name)
    r.insert(1, "kecamatan", "Tugumulyo")
    frames["krs_rekap"] = r.drop(columns=["kode_kecamatan"])
    result = validate(csv_folder(tmp_path / "d", frames))
    assert not result.report.ok
    assert any(p.column == "kabupaten" and why in p.message for p in result.report.problems), \
        result.report.render()


def test_several_kabupaten_workbooks_are_read_together_and_a_row_in_two_is_refused(tmp_path):
    data = tmp_path / "d"
    data.mkdir()
    for name in GLOBAL:
        shutil.copy2(ROOT / "data" / name, data / name)
    fill(make(data / "mr.xlsx"), musi_rawas_2024())
    fill(make(data / "muba.xlsx", "16.06"), musi_rawas_2024("16.06"))
    result = validate(data)
    assert result.report.ok, result.report.render()
    assert result.states["pendampingan"].kabupaten == {"16.05", "16.06"}
    assert {s.name for s in result.sources.values()} >= {"mr.xlsx lembar pendampingan", "muba.xlsx lembar lokmin"}
    shutil.copy2(data / "mr.xlsx", data / "mr-salinan.xlsx")  # the same workbook saved twice
    result = validate(data)
    line = next(str(p) for p in result.report.problems if "baris ganda" in str(p))
    assert line.startswith("[GALAT] mr.xlsx lembar") and "sudah ada di mr-salinan.xlsx lembar" in line


def test_laporan_marks_each_problem_cell_with_its_message(tmp_path):
    data = tmp_path / "d"
    data.mkdir()
    for name in GLOBAL:
        shutil.copy2(ROOT / "data" / name, data / name)
    frames = musi_rawas_2024()
    book = make(data / "mr.xlsx")
    fill(book, frames)
    wb = openpyxl.load_workbook(book)
    ws = wb["pendampingan"]
    header = [c.value for c in ws[2]]
    didampingi, sasaran = header.index("krs_didampingi") + 1, header.index("krs_sasaran") + 1
    ws.cell(row=7, column=didampingi, value=ws.cell(row=7, column=sasaran).value + 5)  # more than sasaran
    ws.cell(row=9, column=didampingi, value="banyak")
    lokmin = wb["lokmin"]
    status = [c.value for c in lokmin[2]].index("status") + 1
    lokmin.cell(row=4, column=status, value="sudah")
    wb.save(book)
    report = tmp_path / "laporan.xlsx"
    out = subprocess.run([sys.executable, "-m", "ranpasti", "validate", "--data", str(data), "--laporan", str(report)],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 1, out.stdout + out.stderr
    assert "mr.xlsx lembar pendampingan, baris 7, kolom krs_didampingi" in out.stdout  # the console as before
    marked = openpyxl.load_workbook(report)
    summary = [r for r in marked["Ringkasan"].iter_rows(values_only=True) if r[0] and r[1]]
    assert {(r[0], r[1], r[2]) for r in summary} >= {("mr.xlsx lembar pendampingan", 7, "krs_didampingi"),
                                                     ("mr.xlsx lembar pendampingan", 9, "krs_didampingi"),
                                                     ("mr.xlsx lembar lokmin", 4, "status")}

    def cell(sheet: str, row: int, column: str):
        ws = marked[sheet]
        names = [c.value for c in ws[2]]
        at = next(r for r in range(3, ws.max_row + 1) if ws.cell(row=r, column=1).value == row)
        return ws.cell(row=at, column=names.index(column) + 1)

    over = cell("pendampingan", 7, "krs_didampingi")
    assert over.fill.fgColor.rgb.endswith("F4B6B6") and "lebih besar dari krs_sasaran" in over.comment.text
    assert "bukan angka" in cell("pendampingan", 9, "krs_didampingi").comment.text
    assert "selesai, berjalan, belum dimulai" in cell("lokmin", 4, "status").comment.text
    fine = cell("pendampingan", 8, "krs_didampingi")
    assert fine.comment is None and fine.fill.fill_type is None


@pytest.mark.parametrize("written, level, expected", [
    ("Desa B. Srikaton", "desa", "bsrikaton"),
    ("KEL.  b.srikaton", "desa", "bsrikaton"),
    ("Sukakarya II", "desa", "sukakarya2"),
    ("Sei Lilin", "desa", "sungaililin"),
    ("Tj. Raja", "desa", "tanjungraja"),
    ("Kec. Tugu Mulyo", "kecamatan", "tugumulyo"),
    ("Kab. Musi Rawas", "kabupaten", "musirawas"),
    ("Kota Lubuklinggau", "kabupaten", "kotalubuklinggau"),
])
def test_place_names_compare_by_a_key_tolerant_of_prefixes_case_spacing_and_variants(written, level, expected):
    from ranpasti.ingest.names import name_key

    assert name_key(written, level) == expected


def test_a_header_mapping_file_reads_headers_nobody_could_guess(tmp_path):
    frames = musi_rawas_2024()
    frames["pendampingan"] = frames["pendampingan"].rename(columns={"krs_sasaran": "Jml KRS Beresiko",
                                                                    "krs_didampingi": "KRS Dikunjungi TPK"})
    data = csv_folder(tmp_path / "d", frames)
    result = validate(data)
    assert any(p.column == "krs_sasaran" or "krs_sasaran" in p.message for p in result.report.problems)
    (data / "judul_kolom.yml").write_text('pendampingan:\n  "Jml KRS Beresiko": krs_sasaran\n'
                                          'semua:\n  "KRS Dikunjungi TPK": krs_didampingi\n', encoding="utf-8")
    result = validate(data)
    assert result.report.ok, result.report.render()
    assert any('"Jml KRS Beresiko" → krs_sasaran' in n for n in result.report.notes)
    (data / "judul_kolom.yml").write_text('pendampingan:\n  "Jml KRS Beresiko": krs_sasaram\n', encoding="utf-8")
    result = validate(data)
    line = next(str(p) for p in result.report.problems if p.file == "judul_kolom.yml")
    assert "'krs_sasaram' tidak ada di pendampingan" in line


def test_templat_and_laporan_refuse_bad_arguments_with_a_message(tmp_path):
    bad = subprocess.run([sys.executable, "-m", "ranpasti", "templat", "16.99", "--out", str(tmp_path / "x.xlsx")],
                         capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode == 1 and "kode kabupaten/kota '16.99' tidak ada" in bad.stderr
    assert "Traceback" not in bad.stderr and not (tmp_path / "x.xlsx").exists()
    bad = subprocess.run([sys.executable, "-m", "ranpasti", "validate", "--laporan", str(tmp_path / "l.csv")],
                         capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode == 2 and "--laporan harus file .xlsx" in bad.stderr


def test_laporan_never_turns_a_staff_value_into_a_formula(tmp_path):
    frames = musi_rawas_2024()
    lokmin = frames["lokmin"].copy()
    lokmin.iloc[0, lokmin.columns.get_loc("status")] = '=HYPERLINK("http://contoh.invalid","klik")'
    frames["lokmin"] = lokmin
    data = csv_folder(tmp_path / "d", frames)
    report = tmp_path / "laporan.xlsx"
    out = subprocess.run([sys.executable, "-m", "ranpasti", "validate", "--data", str(data), "--laporan", str(report)],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 1
    book = openpyxl.load_workbook(report)
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert len(cells) >= 2 and all(c.data_type == "s" for c in cells)  # the summary's value and the copy


@pytest.mark.parametrize(("planted", "number", "said"), [
    ("Srikaton 1605014107900001", "1605014107900001", "berbentuk NIK"),
    ("Srikaton HP 081234567890", "081234567890", "nomor telepon"),
], ids=["nik", "telepon"])
def test_a_nik_typed_into_a_place_name_is_refused_and_never_echoed(tmp_path, planted, number, said):
    frames = musi_rawas_2024()
    regions = load_regions()
    p = frames["pendampingan"].copy()
    desa = regions.desa.loc[p.kode_desa]
    p.insert(0, "kabupaten", "Musi Rawas")
    p.insert(1, "kecamatan", [regions.kecamatan.at[k, "nama"] for k in desa.kode_kecamatan])
    p.insert(2, "desa", list(desa.nama))
    p = p.drop(columns=[c for c in ("kode_desa", "kode_kecamatan") if c in p])
    p.iloc[0, 2] = planted
    frames["pendampingan"] = p
    data = csv_folder(tmp_path / "d", frames)
    out = subprocess.run([sys.executable, "-m", "ranpasti", "validate", "--data", str(data)],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 1
    assert number not in out.stdout + out.stderr
    assert "pendampingan.csv, baris 2, kolom desa" in out.stdout and said in out.stdout


def test_workbook_has_the_kabupatens_own_inputs_prefilled_and_they_read_back(tmp_path):
    """Issue 20: TPPS (the kabupaten and each kecamatan), the 8 aksi konvergensi and the audit's
    recommendations get sheets too, their codes locked with the place's name as the cell's comment; what staff
    type is read back like any input, and the rows left empty are skipped."""
    data = copy_sample_data(tmp_path / "data")
    for name in ("tpps.csv", "aksi_konvergensi.csv", "audit_kasus.csv"):  # from the workbook only
        (data / name).unlink()
    path = make(data / "templat-16.05-musi-rawas-2024.xlsx")
    wb = openpyxl.load_workbook(path)
    kecamatan = load_regions().children(KAB)
    tpps = wb["tpps"]
    codes = [tpps.cell(row=r, column=1).value for r in range(3, tpps.max_row + 1)]
    assert codes == [KAB, *kecamatan.index]
    assert tpps.cell(row=4, column=1).comment.text.startswith(f"Kecamatan {kecamatan['nama'].iloc[0]}")
    assert tpps.cell(row=3, column=1).protection.locked and tpps.protection.sheet
    aksi = wb["aksi_konvergensi"]
    header = [c.value for c in aksi[2]]
    listed = [aksi.cell(row=r, column=header.index("aksi") + 1).value for r in range(3, aksi.max_row + 1)]
    assert listed == list(TABLES["aksi_konvergensi"].column("aksi").choices)
    assert wb["audit_kasus"].max_row >= 3 + 30
    # staff fill the kabupaten's team, one kecamatan's and two aksi; the rest stays empty
    col = {h: i + 1 for i, h in enumerate(c.value for c in tpps[2])}
    for r, (ketua, anggota, rapat) in ((3, ("Wakil Bupati", 25, 4)), (4, ("Camat", 9, 3))):
        tpps.cell(row=r, column=col["ketua"], value=ketua)
        tpps.cell(row=r, column=col["jumlah_anggota"], value=anggota)
        tpps.cell(row=r, column=col["rapat"], value=rapat)
    for r in (3, 4):
        aksi.cell(row=r, column=header.index("status") + 1, value="selesai")
    wb.save(path)
    result = validate(data)
    assert result.report.ok, result.report.render()
    ctx = open_context(KAB, kind="evaluasi", tahun=YEAR, data_dir=data, cache_dir=tmp_path / "cache")
    from ranpasti.pages import convergence_actions
    from ranpasti.pages import tpps as tpps_section

    text = " ".join(re.sub(r"<[^>]+>", " ", "".join(p.html() for p in tpps_section(ctx))).split())
    assert "TPPS Kabupaten Musi Rawas: belum ada SK pembentukan, diketuai Wakil Bupati, 25 anggota, 4 rapat." in text
    assert f"{len(kecamatan) - 1} kecamatan tanpa data" in text
    text = " ".join(re.sub(r"<[^>]+>", " ", "".join(p.html() for p in convergence_actions(ctx))).split())
    assert "menyelesaikan 2 dari 8 aksi konvergensi (6 tidak ada data)" in text
