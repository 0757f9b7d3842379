"""Issue 32, class 3 and its neighbours: a number, code, date or header is read only when its reading is
certain; anything else is refused with file, row, column and what to fix, and nothing staff typed is echoed
in a form that hides what it is (a NIK in full, an invisible character).

Each B-item is reproduced as staff meet it, through ``ranpasti validate``; the classes are generated with
Hypothesis: malformed counts, personal-data headers in any wording, shortened codes, hidden characters.
"""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import refused_cells, validate_folder

from ranpasti.ingest import normalize, readers
from ranpasti.ingest.names import NAME_HEADERS
from ranpasti.ingest.problems import Problem
from ranpasti.ingest.schema import TABLES, personal_column
from ranpasti.reference.declarations import load

FAST = settings(max_examples=200, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture])
NIK = "1605011203870002"


def read(d: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(d / f"{name}.csv", dtype=str, keep_default_na=False)


def line_with(out: str, *parts: str) -> str:
    line = next((ln for ln in out.splitlines() if all(p in ln for p in parts)), "")
    assert line, f"no line with {parts}:\n{out[:3000]}"
    return line


def refused(d: Path, *parts: str) -> str:
    code, out = validate_folder(d)
    assert code == 1 and "Data TIDAK valid" in out, out
    return line_with(out, *parts)


def to_workbook(d: Path, name: str, frame: pd.DataFrame, path: Path | None = None) -> tuple[openpyxl.Workbook, Path]:
    """``frame`` as sheet ``name`` of a new workbook (saved by the caller, after its own changes)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = name
    ws.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        ws.append(list(row))
    return wb, path or d / f"{name}.xlsx"


# ---------------------------------------------------------------- counts (B19, B26, B57)


def test_b19_a_comma_grouped_count_in_a_semicolon_file_is_refused_not_read_as_2(data):
    p = read(data, "pendampingan")
    p.loc[0, "krs_sasaran"] = "2,000"
    (data / "pendampingan.csv").write_text(p.to_csv(index=False, sep=";"), encoding="utf-8")
    line = refused(data, "pendampingan.csv", "baris 2", "kolom krs_sasaran", '"2,000"')
    assert "ribuan" in line and "desimal" in line and "2000" in line


@pytest.mark.parametrize(("cell", "words"), [("4 5", "spasi"), ("150%", "%"), ("2,5", "bilangan bulat"),
                                             ("+5", "bukan angka"), ("12.0", "bilangan bulat")])
def test_b26_b57_a_count_that_is_not_plain_digits_is_refused_with_why(data, cell, words):
    lines, _ = refused_cells(data, "pendampingan", {(3, "krs_didampingi"): cell})
    assert f'"{cell}"' in lines[(3, "krs_didampingi")] and words in lines[(3, "krs_didampingi")]


def test_b57_a_day_that_is_not_in_the_calendar_is_refused(data):
    lines, _ = refused_cells(data, "pendampingan", {(0, "bulan"): "2025-02-30"})
    assert "bukan bulan yang bisa dibaca" in lines[(0, "bulan")]
    lines, _ = refused_cells(data, "lokmin", {(1, "tanggal"): "2025-02-30", (2, "tenggat"): "31/04/2024"})
    assert all("bukan tanggal yang bisa dibaca" in line for line in lines.values()), lines


SEPARATORS = [",", ".", " ", "\u00a0", "%", "+", "-", "'", "_"]
CELL = st.lists(st.one_of(st.text("0123456789", min_size=1, max_size=4), st.sampled_from(SEPARATORS)),
                min_size=1, max_size=7).map("".join)


@FAST
@given(cells=st.lists(CELL, min_size=1, max_size=40), indonesian=st.booleans())
def test_a_count_is_read_only_in_its_documented_forms(cells, indonesian):
    """Any mix of digits, separators, spaces, signs and %: read exactly when it is digits (a leading minus is
    read and then refused as negative) or, in a `;` file, dots between groups of three; refused otherwise."""
    parsed = normalize.count(pd.Series([*cells, "x"]), indonesian)
    for i, cell in enumerate(cells):
        text = cell.strip()
        plain = re.fullmatch(r"-?[0-9]+", text)
        grouped = indonesian and re.fullmatch(r"-?[0-9]{1,3}(\.[0-9]{3})+", text)
        if text == "":
            assert not parsed.bad[i]
        elif plain or grouped:
            assert not parsed.bad[i] and parsed.values[i] == int(text.replace(".", "")), cell
        else:
            assert parsed.bad[i], cell


@FAST
@given(st.lists(st.integers(min_value=0, max_value=10**12), min_size=1, max_size=40))
def test_a_well_formed_count_is_read_exactly(numbers):
    grouped = [f"{n:,}".replace(",", ".") for n in numbers]
    assert normalize.count(pd.Series([str(n) for n in numbers] + ["x"]), False).values[:-1].tolist() == numbers
    assert normalize.count(pd.Series([*grouped, "x"]), True).values[:-1].tolist() == numbers


# ---------------------------------------------------------------- codes (B20, B54, B55, B27)


def test_b20_a_code_excel_shortened_is_refused_when_two_codes_fit(data):
    a = read(data, "aksi_konvergensi")
    row = a.index[a["kode_kabupaten"] == "18.13"][0]
    lines, _ = refused_cells(data, "aksi_konvergensi", {(row, "kode_kabupaten"): "18.1"})
    line = lines[(row, "kode_kabupaten")]
    assert "18.01" in line and "18.10" in line and "terpotong" in line


def test_a_shortened_code_is_read_when_only_one_code_fits(data):
    a = read(data, "aksi_konvergensi")
    a.loc[a["kode_kabupaten"] == "16.05", "kode_kabupaten"] = "16.5"  # 16.50 does not exist
    a.to_csv(data / "aksi_konvergensi.csv", index=False)
    code, out = validate_folder(data)
    assert code == 0 and "16.5" in out and "dinormalkan" in out, out


@FAST
@given(st.data())
def test_a_shortened_kabupaten_code_is_never_padded_to_a_guess(data):
    """Excel keeps a code typed into a number cell as a decimal: 18.10 → 18.1. Read only when exactly one
    reference code fits, and then as that code."""
    from ranpasti.ingest.kinds import KINDS
    from ranpasti.reference.regions import load_regions

    regions = load_regions()
    code = data.draw(st.sampled_from(list(regions.kabupaten.index)))
    shown = str(float(code))  # what Excel displays
    kind = KINDS["kode_kabupaten"]
    text = pd.Series([shown])
    parsed = normalize.kode(text, "kabupaten")
    kind.settle(text, parsed, regions)
    fits = {c for c in {code, code[:3] + shown.split(".")[1].zfill(2)} if c in regions.kabupaten.index}
    if len(fits) == 1:
        assert not parsed.bad[0] and parsed.values[0] == code
    else:
        assert parsed.bad[0] and all(c in parsed.why[0] for c in fits)


def test_b54_an_invisible_character_in_a_code_is_refused_and_shown(data):
    p = read(data, "pendampingan")
    code = p.loc[4, "kode_desa"]
    lines, out = refused_cells(data, "pendampingan", {(4, "kode_desa"): code[:5] + "\u200b" + code[5:]})
    line = lines[(4, "kode_desa")]
    assert f'"{code[:5]}<U+200B>{code[5:]}"' in line and "tak terlihat" in line
    assert "\u200b" not in out


@FAST
@given(char=st.sampled_from([chr(c) for a, b in __import__("ranpasti.core.privacy").core.privacy.FORMAT_RANGES
                             for c in range(a, b + 1)][:80]),
       at=st.integers(min_value=0, max_value=13))
def test_any_format_character_in_a_value_is_echoed_visibly(char, at):
    value = "16.05.01.2001"[:at] + char + "16.05.01.2001"[at:]
    shown = str(Problem("x.csv", "m", value=value))
    assert char not in shown and f"<U+{ord(char):04X}>" in shown


def test_b55_a_code_of_the_wrong_level_says_its_level(data):
    p = read(data, "prevalensi")
    desa = read(data, "pendampingan").loc[0, "kode_desa"]
    lines, _ = refused_cells(data, "prevalensi", {(len(p) - 1, "kode_wilayah"): desa})
    line = lines[(len(p) - 1, "kode_wilayah")]
    assert "kode desa" in line and "tidak ada di data wilayah" not in line
    lines, _ = refused_cells(data, "aksi_konvergensi", {(0, "kode_kabupaten"): "16.05.01"})
    assert "ini kode kecamatan" in lines[(0, "kode_kabupaten")]


def test_b27_a_desa_name_that_is_not_the_codes_is_refused(data):
    from ranpasti.reference.regions import load_regions

    regions = load_regions()
    p = read(data, "pendampingan")
    p.insert(1, "desa", [f"Desa {regions.desa.at[c, 'nama'].upper()}" for c in p["kode_desa"]])  # tolerated
    mine = p.loc[6, "kode_desa"]
    other = next(c for c in regions.desa.index if c.startswith(mine[:8]) and c != mine)
    p.loc[6, "desa"] = regions.desa.at[other, "nama"]
    p.to_csv(data / "pendampingan.csv", index=False)
    line = refused(data, "pendampingan.csv", "baris 8", "kolom desa")
    assert p.loc[6, "kode_desa"] in line and "tidak sama" in line
    _, out = validate_folder(data)
    assert out.count("tidak sama") == 1, out


# ---------------------------------------------------------------- workbooks (B21, B47, B48, B38, B43, B44)


def tpps_workbook(data: Path) -> tuple[openpyxl.Workbook, Path]:
    t = read(data, "tpps")
    (data / "tpps.csv").unlink()
    return to_workbook(data, "tpps", t)


def test_b21_b47_a_formula_without_a_saved_result_is_refused_with_that_reason(data):
    wb, path = tpps_workbook(data)
    ws = wb["tpps"]
    ws["G3"] = "=B3*0+24"  # jumlah_anggota, required (B47); openpyxl saves no result, as scripts do
    ws["C4"] = "=\"SK \"&B4"  # nomor_sk, optional (B21: read blank, "Data valid")
    wb.save(path)
    code, out = validate_folder(data)
    assert code == 1, out
    for row, column in ((3, "jumlah_anggota"), (4, "nomor_sk")):
        line = line_with(out, "tpps.xlsx", f"baris {row}", f"kolom {column}")
        assert "rumus (formula) tanpa hasil tersimpan" in line and "sel kosong" not in line


def test_b48_merged_data_cells_are_named_as_merged(data):
    wb, path = tpps_workbook(data)
    wb["tpps"].merge_cells("E5:E7")  # ketua, the same position over three rows
    wb.save(path)
    code, out = validate_folder(data)
    assert code == 1
    for row in (6, 7):
        line = line_with(out, "tpps.xlsx", f"baris {row}", "kolom ketua")
        assert "sel gabungan (merge) E5:E7" in line and "sel kosong" not in line


def kampung_kb_with_sheet(data: Path, title: str, rows, state: str = "hidden") -> Path:
    wb, path = to_workbook(data, "kampung_kb", read(data, "kampung_kb"))
    (data / "kampung_kb.csv").unlink()
    ws = wb.create_sheet(title)
    for row in rows:
        ws.append(row)
    ws.sheet_state = state
    wb.save(path)
    return path


@pytest.mark.slow
def test_b38_a_sheet_too_large_is_refused_by_its_size_before_it_is_read(data, monkeypatch):
    monkeypatch.setattr(readers, "MAX_SHEET_BYTES", 1 << 20)  # the rule at a test's scale: 1 MiB
    kampung_kb_with_sheet(data, "Arsip", ([f"1 1 {i}"] * 10 for i in range(20_000)))
    read_sheets = []
    monkeypatch.setattr(readers, "read_sheet", lambda *a, **k: read_sheets.append(a))
    line = refused(data, "kampung_kb.xlsx", "lembar (sheet) 'Arsip'", "MB")
    assert "paling besar 1 MB" in line and not read_sheets


@pytest.mark.slow
def test_b43_a_nik_anywhere_in_a_hidden_sheet_is_refused(data):
    rows = [["Keterangan"]] + [["rapat"]] * 20_000 + [[f"keluarga {NIK}"]]
    kampung_kb_with_sheet(data, "Arsip", rows)
    line = refused(data, "kampung_kb.xlsx", "baris 20002", "lembar (sheet) 'Arsip' (tersembunyi)")
    assert "160501…02" in line and NIK not in validate_folder(data)[1]


def test_b44_a_personal_header_far_down_a_hidden_sheet_is_refused(data):
    rows = [["catatan rapat"]] * 30 + [["No", "Nomor Induk Kependudukan", "Jumlah"]]
    kampung_kb_with_sheet(data, "Rekap", rows)
    refused(data, "kampung_kb.xlsx", "baris 31", "lembar (sheet) 'Rekap' (tersembunyi)", "data pribadi")


# ---------------------------------------------------------------- Lokmin read twice (B22)


def test_b22_the_same_lokmin_rows_in_two_files_are_refused_naming_both(data):
    lok = read(data, "lokmin")
    wb, _ = to_workbook(data, "lokmin", lok.iloc[:3])
    wb.save(data / "rekap-kecamatan.xlsx")
    line = refused(data, "lokmin.csv", "baris 2", "baris ganda")
    assert "rekap-kecamatan.xlsx lembar lokmin baris 2" in line or "lokmin.csv baris 2" in line
    _, out = validate_folder(data)
    assert out.count("baris ganda") == 3, out


def test_two_alike_lokmin_rows_in_one_file_are_still_allowed(data):
    lok = read(data, "lokmin")
    pd.concat([lok, lok.iloc[[0]]]).to_csv(data / "lokmin.csv", index=False)
    code, out = validate_folder(data)
    assert code == 0, out


# ---------------------------------------------------------------- personal headers (B24, B45)

B45 = ["Nomor Induk Kependudukan", "Nomor Kartu Keluarga", "Kepala Keluarga", "No. Handphone", "Domisili",
       "Tanggal Kelahiran", "Name", "Phone", "Date of birth", "Nama2 Sasaran"]


@pytest.mark.parametrize("header", B45)
def test_b45_a_personal_column_in_any_wording_is_an_error(data, header):
    p = read(data, "pendampingan")
    p[header] = "x"
    p.to_csv(data / "pendampingan.csv", index=False)
    line = refused(data, "pendampingan.csv", "baris 1", "data pribadi")
    assert line.startswith("[GALAT]")


@pytest.mark.parametrize("header", ["Nama Ibu Hamil", "NAMAIBUHAMIL"])
def test_b24_a10_a_personal_header_mapped_onto_our_column_is_refused(data, header):
    """B24, and A10 (``lokmin: {NAMAIBUHAMIL: penanggung_jawab}``, run together, was accepted and the names
    published): a header that names people, mapped by judul_kolom.yml onto a column the site shows."""
    (data / "judul_kolom.yml").write_text(f'lokmin:\n  "{header}": penanggung_jawab\n', encoding="utf-8")
    lok = read(data, "lokmin").rename(columns={"penanggung_jawab": header})
    lok.to_csv(data / "lokmin.csv", index=False)
    line = refused(data, "lokmin.csv", "baris 1", "kolom penanggung_jawab", "data pribadi")
    assert header in line


CONCEPTS = {  # wordings of each kind of personal column, as forms write them
    "NIK": ["NIK", "N.I.K", "No KTP", "Nomor Induk Kependudukan", "No. Induk Kependudukan", "National ID",
            "ID Number", "Nomor Identitas", "NIK Ibu"],
    "KK": ["No KK", "Nomor Kartu Keluarga", "No. K.K", "Family Card Number", "NKK"],
    "nama": ["Nama", "Nm", "Name", "Full Name", "Nama Lengkap", "Nama Ibu", "Nama Kepala Keluarga", "Kepala Keluarga",
             "Nama Balita", "Mother's Name", "Head of Household"],
    "telepon": ["No HP", "No. HP/WA", "Nomor Handphone", "Telp", "Telepon", "Phone", "Mobile Number", "WhatsApp",
                "Kontak", "No. Telp.", "Hand Phone"],
    "alamat": ["Alamat", "Domisili", "Address", "Tempat Tinggal", "RT", "No. RT", "Alamat Lengkap"],
    "lahir": ["Tanggal Lahir", "Tgl Lahir", "Tgl. Kelahiran", "Date of Birth", "DOB", "Birthday", "Tempat/Tgl Lahir",
              "TTL", "Place of Birth", "Tanggal Kelahiran"],
    "email": ["Email", "E-mail", "Surel"],
}


def styled(words: str, style: str, sep: str) -> str:
    if style == "upper":
        return words.upper().replace(" ", sep)
    if style == "lower":
        return words.lower().replace(" ", sep)
    if style == "camel":
        return "".join(w[:1].upper() + w[1:] for w in words.split())
    return words.replace(" ", sep)


@FAST
@given(concept=st.sampled_from(sorted(CONCEPTS)), data=st.data(),
       style=st.sampled_from(["as is", "upper", "lower", "camel"]), sep=st.sampled_from([" ", "_", ".", "-", "  "]),
       suffix=st.sampled_from(["", "2", " *", " (wajib)", " Ibu", " Suami", ":", " 1"]))
def test_personal_headers_are_refused_in_any_wording(concept, data, style, sep, suffix):
    wording = data.draw(st.sampled_from(CONCEPTS[concept]))
    header = styled(wording, style, sep) + suffix
    assert personal_column(header), header


def declared_headers() -> list[str]:
    decl = load()
    out = [c.name for t in decl.tables for c in t.columns] + [a for t in decl.tables for c in t.columns
                                                               for a in c.aliases]
    out += [a for v in (decl.aliases or {}).values() for a in v] + [h for v in NAME_HEADERS.values() for h in v]
    out += [name for spec in TABLES.values() for name in spec.column_names]
    return sorted(set(out))


def test_every_declared_header_and_alias_is_accepted():
    """The rule must not refuse our own words: every column name and alias the declarations give."""
    assert [h for h in declared_headers() if personal_column(h)] == []


@FAST
@given(st.sampled_from(["Jumlah KK", "Jumlah Kepala Keluarga", "jumlah RT", "bayi lahir", "Nama Posyandu",
                        "Nama Desa", "Village name", "Number of families", "KK Jamban Sehat", "Nomor SK",
                        "Jumlah Kelahiran", "Nama Kegiatan", "Keterangan", "Total KK", "KK Sasaran",
                        "Kelahiran Bayi", "RT Sasaran Dashat"]),
       st.sampled_from(["as is", "upper", "lower", "camel"]), st.sampled_from([" ", "_", "."]))
def test_aggregate_headers_with_such_words_are_not_personal(header, style, sep):
    assert personal_column(styled(header, style, sep)) is None


# ---------------------------------------------------------------- echo masked (B46)


@pytest.mark.parametrize(("table", "column"), [("pendampingan", "kode_desa"), ("pendampingan", "krs_sasaran"),
                                               ("pendampingan", "bulan"), ("lokmin", "tanggal"),
                                               ("lokmin", "kode_kecamatan"), ("tpps", "kode_unit")])
def test_b46_a_nik_typed_into_a_code_count_or_date_is_echoed_masked(data, table, column):
    lines, out = refused_cells(data, table, {(2, column): NIK})
    assert "160501…02" in lines[(2, column)] and NIK not in out


@FAST
@given(before=st.text(max_size=8), after=st.text(max_size=8),
       sep=st.sampled_from(["", " ", "-", "."]))
def test_no_problem_ever_shows_a_whole_nik(before, after, sep):
    nik = sep.join([NIK[:4], NIK[4:8], NIK[8:12], NIK[12:]])
    shown = str(Problem("x.csv", "m", row=2, column="c", value=before + " " + nik + " " + after))
    assert NIK not in re.sub(r"\D", "", shown) or "160501…02" in shown
    assert nik not in shown


# ---------------------------------------------------------------- files in the data folder (B56)


@pytest.mark.parametrize("name", ["tpps.CSV", "TPPS.csv", "tpps.Csv"])
def test_b56_an_input_in_upper_case_is_read(data, name):
    t = read(data, "tpps")
    t.loc[1, "rapat"] = "banyak"
    (data / "tpps.csv").unlink()
    t.to_csv(data / name, index=False)
    refused(data, name, "baris 3", "kolom rapat", '"banyak"')


def test_b56_a_file_nothing_reads_is_named(data):
    (data / "tpps.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (data / "pendampingan 2024.csv").write_text("kode_desa,bulan\n", encoding="utf-8")
    code, out = validate_folder(data)
    assert code == 0, out
    assert "format .xls tidak dibaca" in line_with(out, "tpps.xls", "PERINGATAN")
    assert "tidak dibaca" in line_with(out, "pendampingan 2024.csv", "PERINGATAN")


def test_b46_a_nik_in_other_digits_is_masked_in_notes_too(data):
    """Full-width digits are read as the digits they show, with a note giving an example: the example is
    masked like every echoed value."""
    wide = "".join(chr(0xFF10 + int(d)) for d in NIK)
    lines, out = refused_cells(data, "pendampingan", {(2, "krs_sasaran"): wide})
    assert "160501…02" in lines[(2, "krs_sasaran")]
    assert NIK not in out and wide not in out


# ---------------------------------------------------------------- attack pass 2: class 3 again (A3 … A17)


def sheet_of(data: Path, table: str, cells: dict[tuple[int, str], tuple[object, str | None]],
             head: int | None = None) -> Path:
    """``data/<table>.csv`` (its first ``head`` rows) moved into ``<table>.xlsx`` as Excel would hold it
    (numbers as numbers), with ``cells`` ((row index, column) -> (value, number format)) typed in."""
    frame = read(data, table).iloc[:head]
    wb, path = to_workbook(data, table, frame.map(lambda v: int(v) if v.isdigit() and v[:1] != "0" else v))
    ws = wb.active
    for (index, column), (value, number_format) in cells.items():
        cell = ws.cell(row=index + 2, column=list(frame.columns).index(column) + 1, value=value)
        if number_format:
            cell.number_format = number_format
    wb.save(path)
    (data / f"{table}.csv").unlink()
    return path


def read_back(data: Path, table: str) -> pd.DataFrame:
    """What validation hands on for ``table`` (the frame the cache would store)."""
    from ranpasti.ingest.validate import validate

    got: list[pd.DataFrame] = []
    validate(data, sink=lambda name, frame: got.append(frame) if name == table else None)
    return pd.concat(got)


def test_a3_a_percent_formatted_cell_is_read_as_excel_shows_it(data):
    """A3: 0.228 formatted ``0.0%`` shows 22.8% and is read 22.8 (was 0.228, 100 times too small)."""
    sheet_of(data, "prevalensi", {(0, "prevalensi"): (0.228, "0.0%"), (1, "prevalensi"): (0.2, "0%")})
    code, out = validate_folder(data)
    assert code == 0, out
    assert '"22.8%" → "22.8"' in out
    frame = read_back(data, "prevalensi")
    assert list(frame["prevalensi"].iloc[:2]) == [22.8, 20.0]


def test_a3_a_share_typed_into_a_count_cell_formatted_as_percent_is_refused(data):
    sheet_of(data, "tpps", {(0, "rapat"): (0.5, "0%")})
    line = refused(data, "tpps.xlsx", "kolom rapat")
    assert "50%" in line and "bukan persen" in line


@FAST
@given(value=st.floats(min_value=0, max_value=10, allow_nan=False).map(lambda v: round(v, 4)),
       number_format=st.sampled_from(["0%", "0.0%", "0.00%", "#,##0.0%", '0.0"%"', "0.0", "General"]))
def test_a_workbook_number_is_read_as_excel_shows_it(tmp_path, value, number_format):
    """The class of A3: a number's reading follows its format's percent sign, and only a real one (a quoted
    "%" is text Excel prints after the number, the value is not multiplied)."""
    wb = openpyxl.Workbook()
    wb.active["A1"] = value
    wb.active["A1"].number_format = number_format
    path = tmp_path / "p.xlsx"
    wb.save(path)
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    (text,), = readers.read_sheet(book.active).rows
    book.close()
    if "%" in number_format and '"%"' not in number_format:
        assert text.endswith("%") and float(text[:-1]) == pytest.approx(value * 100)
    else:
        assert float(text) == pytest.approx(value)


@pytest.mark.parametrize("month", ["2024.1", "2024.10", "2023.5"])
def test_a4_a_month_written_as_a_decimal_is_refused(data, month):
    """A4: ``2024.10`` in Excel is the number 2024.1, read as January; any YYYY.M month is refused."""
    lines, _ = refused_cells(data, "pendampingan", {(3, "bulan"): month})
    assert "angka desimal" in lines[(3, "bulan")] and "2024-10" in lines[(3, "bulan")]


def test_a4_a_month_excel_holds_as_a_number_is_refused(data):
    sheet_of(data, "pendampingan", {(3, "bulan"): (2024.1, None)}, head=40)
    line = refused(data, "pendampingan.xlsx", "baris 5", "kolom bulan")
    assert "angka desimal" in line


@pytest.mark.parametrize(("column", "text"), [("bulan", "0224-01"), ("bulan", "1024-01"), ("bulan", "1899-01")])
def test_a16_a_month_in_an_implausible_year_is_refused(data, column, text):
    lines, _ = refused_cells(data, "pendampingan", {(1, column): text})
    assert "rentang yang masuk akal (2000–" in lines[(1, column)]


def test_a16_a_date_in_an_implausible_year_or_from_a_serial_below_1_is_refused(data):
    import datetime

    sheet_of(data, "lokmin", {(1, "tanggal"): ("0202-03-05", None),
                              (2, "tanggal"): (datetime.datetime(1899, 12, 25), "yyyy-mm-dd")})
    code, out = validate_folder(data)
    assert code == 1
    for row in (3, 4):
        assert "rentang yang masuk akal" in line_with(out, f"lokmin.xlsx, baris {row},", "kolom tanggal")


def test_a16_a_slash_date_the_column_does_not_order_is_refused_naming_both_readings(data):
    """A16: ``3/5/2023`` is 3 May to Indonesia and 5 March to an en-US Excel: refused, both readings named."""
    lines, _ = refused_cells(data, "lokmin", {(4, "tanggal"): "3/5/2023"})
    assert "3 Mei 2023 atau 5 Maret 2023" in lines[(4, "tanggal")]


@pytest.mark.parametrize(("other", "expected"), [("13/5/2023", "2023-05-03"), ("5/13/2023", "2023-03-05")])
def test_a16_the_columns_other_dates_decide_the_order(data, other, expected):
    lok = read(data, "lokmin")
    lok.loc[4, "tanggal"], lok.loc[5, "tanggal"] = "3/5/2023", other
    if "tanggal_status" in lok:  # (the moved meetings' statuses: as at their own dates, not an earlier one)
        lok.loc[[4, 5], "tanggal_status"] = ""
    lok.to_csv(data / "lokmin.csv", index=False)
    code, out = validate_folder(data)
    assert code == 0, out
    assert read_back(data, "lokmin")["tanggal"].iloc[4] == expected


@FAST
@given(days=st.lists(st.dates(min_value=__import__("datetime").date(2000, 1, 1),
                              max_value=__import__("datetime").date(2026, 12, 31)), min_size=1, max_size=12),
       month_first=st.booleans(), sep=st.sampled_from(["/", "-", "."]))
def test_a_day_and_month_written_as_numbers_are_read_right_or_refused(days, month_first, sep):
    """The class of A16: whatever order a column writes, no date is read as another day."""
    text = [f"{d.month}{sep}{d.day}{sep}{d.year}" if month_first else f"{d.day}{sep}{d.month}{sep}{d.year}"
            for d in days]
    parsed = normalize.tanggal(pd.Series(text, dtype=object).astype(str))
    for d, value, bad in zip(days, parsed.values, parsed.bad, strict=True):
        assert bad or value == d.isoformat(), (text, value)
        assert bad or d.day == d.month or max(d.day, d.month) > 12 or any(
            max(e.day, e.month) > 12 for e in days), text


@settings(FAST, max_examples=50)
@given(st.lists(st.tuples(st.integers(min_value=0, max_value=9999), st.integers(min_value=1, max_value=12)),
                min_size=1, max_size=30))
def test_no_month_or_date_outside_the_plausible_years_is_read(dates):
    """The years of A16: 0224, 1024, 1899 (an Excel serial of 0 or below) and 2099 are never read."""
    ok = pd.Series([normalize.FIRST_YEAR <= y <= normalize.last_year() for y, _ in dates])
    for parse, form in ((normalize.bulan, "{y:04d}-{m:02d}"), (normalize.bulan, "{m}/{y:04d}"),
                        (normalize.tanggal, "{y:04d}-{m:02d}-01"), (normalize.tanggal, "13/{m}/{y:04d}")):
        text = pd.Series([form.format(y=y, m=m) for y, m in dates], dtype=object).astype(str)
        assert list(parse(text).bad) == list(~ok), list(text)


def stray_quotes(data: Path, opened: int, closed: int) -> None:
    """A ``"`` typed at the start of ``masalah`` on file line ``opened`` and at its end on line ``closed``."""
    import csv

    lines = (data / "lokmin.csv").read_text(encoding="utf-8").split("\n")
    column = lines[0].split(",").index("masalah")
    for n, edit in ((opened, lambda t: '"' + t), (closed, lambda t: t + '"')):
        row = next(csv.reader([lines[n - 1]]))
        row[column] = edit(row[column].replace('"', "'"))
        lines[n - 1] = ",".join(f'"{f}"' if "," in f and i != column else f for i, f in enumerate(row))
    (data / "lokmin.csv").write_text("\n".join(lines), encoding="utf-8")


def test_a8_a_stray_quote_that_swallows_rows_is_refused_naming_its_lines(data):
    """A8: a quote opened on line 370 and closed on 375 made rows 371-374 one cell: 381 rows read, "Data valid"."""
    stray_quotes(data, 370, 375)
    line = refused(data, "lokmin.csv, baris 370", "kolom masalah")
    assert "dibuka di baris 370" in line and "ditutup di baris 375" in line


def test_a8_a_line_break_typed_in_a_cell_is_still_read(data):
    """Excel's Alt+Enter in a cell is written as a quoted field over two lines: kept, read, valid."""
    lok = read(data, "lokmin")
    lok.loc[3, "masalah"] = "Sasaran belum diperbarui,\\nterutama di dusun 2,\\ndan dusun 3"
    lok.to_csv(data / "lokmin.csv", index=False)
    code, out = validate_folder(data)
    assert code == 0, out
    assert "terutama di dusun 2" in read_back(data, "lokmin")["masalah"].iloc[3]


@FAST
@given(opened=st.integers(min_value=2, max_value=30), span=st.integers(min_value=2, max_value=8))
def test_a_quote_that_swallows_whole_rows_is_never_read(tmp_path_factory, opened, span):
    """The class of A8, at the reader: whichever lines a stray pair of quotes encloses, the file is refused
    or every one of its rows is read."""
    d = tmp_path_factory.mktemp("q")
    lines = (Path(__file__).parents[1] / "data" / "lokmin.csv").read_text(encoding="utf-8").split("\n")[:40]
    (d / "lokmin.csv").write_text("\n".join(lines), encoding="utf-8")
    stray_quotes(d, opened, opened + span)
    try:
        _, chunks = readers.open_table(d / "lokmin.csv", TABLES["lokmin"])
        rows = sum(len(c) for c in chunks)
    except readers.ReadError as e:
        assert f"dibuka di baris {opened}" in e.problem.message or "kolom" in e.problem.message
    else:
        assert rows == len([ln for ln in lines[1:] if ln]), rows


@pytest.mark.parametrize("content", [b"\xef\xbb\xbf\r\n", b"\n", b'"', b"\xef\xbb\xbf", b"\r\n\r\n"])
def test_a9_a_csv_that_is_only_a_bom_a_line_break_or_a_quote_is_a_message(data, content):
    """A9: these were pandas tracebacks (EmptyDataError, ParserError)."""
    (data / "tpps.csv").write_bytes(content)
    line = refused(data, "tpps.csv")
    assert line.startswith("[GALAT] tpps.csv")


def test_a9_a_free_text_cell_over_the_limit_is_refused_not_a_traceback(data):
    """A9: a Lokmin cell over 131,072 characters was ``_csv.Error: field larger than field limit``."""
    lines, _ = refused_cells(data, "lokmin", {(0, "masalah"): "x" * 140_000, (5, "masalah"): "y" * 5_001})
    assert all("teks terlalu panjang" in line for line in lines.values()), lines


CSVISH = st.lists(st.one_of(st.sampled_from(['"', '""', ",", ";", "\t", "\n", "\r\n", "\r", "\ufeff", " ", "a", "1",
                                             "kode_kecamatan", "masalah", "tanggal,tahap", "\x00", "é"]),
                            st.text(max_size=5), st.just("z" * 140_000)), max_size=25)


@settings(FAST, max_examples=60)
@given(parts=CSVISH, encoding=st.sampled_from(["utf-8", "utf-16", "cp1252"]))
def test_any_csvish_bytes_are_read_or_refused_never_a_traceback(tmp_path_factory, parts, encoding):
    """The class of A9 at the readers' boundary: any bytes are rows or a Problem naming the file."""
    d = tmp_path_factory.mktemp("b")
    (d / "lokmin.csv").write_bytes("".join(parts).encode(encoding, errors="replace"))
    found, problems = readers.find_inputs(d, ["lokmin"])
    for ref in found.get("lokmin", []):
        try:
            _, chunks = readers.open_input(ref, TABLES["lokmin"], readers.header_map(TABLES["lokmin"]))
            for _ in chunks:
                pass
        except readers.ReadError as e:
            problems.append(e.problem)
    assert all(p.file == "lokmin.csv" for p in problems)


@pytest.mark.slow
@settings(FAST, max_examples=8)
@given(parts=CSVISH)
def test_any_csvish_file_gets_a_message_from_validate_never_a_traceback(tmp_path_factory, parts):
    """The class of A9 as staff meet it: ``ranpasti validate`` on any such file exits 0 or 1, no traceback
    (``validate_folder`` asserts it), and names the file when it refuses."""
    d = tmp_path_factory.mktemp("v")
    (d / "lokmin.csv").write_bytes("".join(parts).encode("utf-8", errors="replace"))
    code, out = validate_folder(d)
    assert code in (0, 1)
    assert "lokmin.csv" in out


A10 = ["NAMAIBUHAMIL", "namaibu", "NAMALENGKAP", "Nama\u0301", "Na\u0301ma", "RT/RW", "No BPJS", "No. JKN", "Nomor KIS",
       "No RM", "Narahubung", "CP", "Nomor Rekam Medis", "Contact Person"]


@pytest.mark.parametrize("header", A10)
def test_a10_a_personal_header_run_together_accented_or_of_health_insurance_is_refused(header):
    assert personal_column(header), header


def test_a10_a_run_together_personal_header_in_a_file_is_refused(data):
    p = read(data, "pendampingan")
    p["NAMAIBUHAMIL"] = "x"
    p.to_csv(data / "pendampingan.csv", index=False)
    refused(data, "pendampingan.csv", "baris 1", "kolom namaibuhamil", "data pribadi (nama orang)")




@pytest.mark.parametrize("header", ["NAMADESA", "namakecamatan", "NAMAPOSYANDU", "namaprogramkegiatan",
                                    "JUMLAHKK", "Jumlah peserta BPJS", "Cakupan JKN", "nikah", "notulen", "tahap"])
def test_a10_run_together_headers_of_places_programmes_and_counts_are_not_personal(header):
    assert personal_column(header) is None, header


def accented(words: str, at: int) -> str:
    """A combining acute accent after one letter of ``words`` (what a phone keyboard slips in)."""
    letters = [i for i, c in enumerate(words) if c.isalpha()]
    i = letters[at % len(letters)] + 1 if letters else 0
    return words[:i] + "\u0301" + words[i:]


@FAST
@given(concept=st.sampled_from(sorted(CONCEPTS)), data=st.data(), at=st.integers(min_value=0, max_value=30),
       joined=st.sampled_from(["", "upper", "lower"]), suffix=st.sampled_from(["", "2", "(wajib)", "IBU", "SUAMI"]))
def test_personal_headers_are_refused_run_together_or_accented(concept, data, at, joined, suffix):
    """The class of A10: a personal header written without spaces (NAMAIBUHAMIL) or with an accent (Namá)."""
    # (a wording ending in a letter written apart, "No. K.K", cannot take a word run onto it: "K.KIBU")
    wording = data.draw(st.sampled_from([w for w in CONCEPTS[concept] if "'" not in w and w[-2:-1].isalpha()]))
    header = styled(wording, joined, "") + suffix if joined else f"{accented(wording, at)} {suffix.title()}"
    assert personal_column(header), header


@FAST
@given(header=st.sampled_from(["Jumlah KK", "Jumlah Kepala Keluarga", "Nama Posyandu", "Nama Desa", "Nama Kegiatan",
                               "Total KK", "Nama Program", "Nama Kecamatan", "Jumlah Peserta BPJS", "Nama Tim"]),
       joined=st.sampled_from(["upper", "lower"]))
def test_run_together_aggregate_headers_are_not_personal(header, joined):
    assert personal_column(styled(header, joined, "")) is None


def test_a17_the_same_lokmin_rows_retyped_in_other_case_or_spacing_are_refused(data):
    """A17: rows of lokmin.csv in a workbook sheet with ``masalah`` in other capitals or doubled spaces passed."""
    lok = read(data, "lokmin").iloc[:3].copy()
    lok["masalah"] = [lok["masalah"].iloc[0].upper(), lok["masalah"].iloc[1].replace(" ", "  "),
                      "\uff24" + lok["masalah"].iloc[2][1:] if lok["masalah"].iloc[2][:1] == "D"
                      else lok["masalah"].iloc[2].lower()]
    wb, _ = to_workbook(data, "lokmin", lok)
    wb.save(data / "rekap-kecamatan.xlsx")
    _, out = validate_folder(data)
    assert out.count("baris ganda") == 3, out


@FAST
@given(st.lists(st.sampled_from(["upper", "lower", "title", "spaces", "tab", "nfkc"]), min_size=1, max_size=3))
def test_texts_that_read_alike_compare_alike(changes):
    """The class of A17: a row retyped with other capitals, spacing or compatibility forms is the same row."""
    from ranpasti.ingest.validate import _comparable

    text = "Data sasaran KRS belum diperbarui"
    changed = text
    for change in changes:
        changed = {"upper": str.upper, "lower": str.lower, "title": str.title,
                   "spaces": lambda t: t.replace(" ", "  "), "tab": lambda t: " \t" + t.replace(" ", "\t") + " ",
                   "nfkc": lambda t: t.replace("K", "\uff2b")}[change](changed)
    assert _comparable(pd.Series([text])).iloc[0] == _comparable(pd.Series([changed])).iloc[0]
