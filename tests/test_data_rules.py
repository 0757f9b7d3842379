"""Every rule staff can break gets a Bahasa Indonesia message naming file, row, column and value; exit 1.

Each test copies the valid sample data, breaks it the way exports really break, and runs
``ranpasti validate`` as staff do. Spreadsheet rows: the header is row 1, the first data row is row 2.
What is unambiguous is accepted, normalised and reported as a note, and reaches the cache normalised.
"""

from __future__ import annotations

import codecs
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from support import BOMB

from ranpasti.cli import main
from ranpasti.core.fmt import number as fmt_number
from ranpasti.core.privacy import Found
from ranpasti.ingest.problems import DataError
from ranpasti.ingest.store import ingest

ROOT = Path(__file__).resolve().parents[1]


def read(d: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(d / f"{name}.csv", dtype=str, keep_default_na=False)


def write(d: Path, name: str, frame: pd.DataFrame) -> None:
    frame.to_csv(d / f"{name}.csv", index=False)


def run(d: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["validate", "--data", str(d)])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def fails_with(d: Path, *parts: str) -> str:
    code, out = run(d)
    assert code == 1, out
    line = next((ln for ln in out.splitlines() if all(p in ln for p in parts)), None)
    assert line, f"no message with {parts}:\n{out[:3000]}"
    assert "Data TIDAK valid" in out
    return line


# ---------------------------------------------------------------- refused


def test_sample_is_valid(data):
    code, out = run(data)
    assert code == 0 and "Data valid" in out


def test_unknown_desa_code(data):
    p = read(data, "pendampingan")
    p.loc[9, "kode_desa"] = "16.05.01.2999"
    write(data, "pendampingan", p)
    line = fails_with(data, "pendampingan.csv", "baris 11", "kolom kode_desa", '"16.05.01.2999"')
    assert "tidak ada di data wilayah Kemendagri" in line


def test_desa_outside_its_kecamatan(data):
    p = read(data, "pendampingan")
    p.insert(1, "kode_kecamatan", p["kode_desa"].str.slice(0, 8))
    p.loc[3, "kode_kecamatan"] = "16.05.02"
    write(data, "pendampingan", p)
    line = fails_with(data, "pendampingan.csv", "baris 5", "kolom kode_kecamatan", '"16.05.02"')
    assert "tidak berada di kecamatan 16.05.02" in line and "16.05.01" in line


def test_duplicate_desa_month(data):
    p = read(data, "pendampingan")
    p = pd.concat([p.iloc[:5], p.iloc[[2]], p.iloc[5:]], ignore_index=True)
    write(data, "pendampingan", p)
    line = fails_with(data, "pendampingan.csv", "baris 7", "baris ganda")
    assert "sudah ada di baris 4" in line


def test_duplicates_are_found_across_chunks_with_the_first_row_named(data):
    """Large files are checked in chunks: a repeat several chunks later still names the first row."""
    from ranpasti.ingest.validate import validate

    p = read(data, "pendampingan")
    p = pd.concat([p, p.iloc[[2, 40, 2]], p.iloc[[100]]], ignore_index=True)
    write(data, "pendampingan", p)
    n = len(p)
    report = validate(data, chunk_rows=1000).report
    dupes = sorted((e.row, e.message) for e in report.problems if "baris ganda" in e.message)
    # spreadsheet rows: header is row 1, so frame row i is row i + 2
    assert [(r, m.split("sudah ada di baris ")[1].split(".")[0]) for r, m in dupes] == [
        (n - 2, "4"), (n - 1, "42"), (n, "4"), (n + 1, "102")]


@pytest.mark.parametrize("bad", ["2024-13", "Maret", "2024/15", "x"])
def test_bad_month(data, bad):
    p = read(data, "pendampingan")
    p.loc[0, "bulan"] = bad
    write(data, "pendampingan", p)
    line = fails_with(data, "pendampingan.csv", "baris 2", "kolom bulan", f'"{bad}"')
    assert "bukan bulan yang bisa dibaca" in line and "YYYY-MM" in line


def test_future_month(data):
    p = read(data, "pendampingan")
    p.loc[0, "bulan"] = "2099-01"
    write(data, "pendampingan", p)
    assert "masa depan" in fails_with(data, "baris 2", "kolom bulan", '"2099-01"')


@pytest.mark.slow
def test_negative_and_non_numeric_counts(data):
    p = read(data, "pendampingan")
    p.loc[0, "krs_didampingi"] = "-3"
    p.loc[1, "bumil_sasaran"] = "dua puluh"
    p.loc[2, "tpk_jumlah"] = "2,5"
    p.loc[3, "baduta_sasaran"] = "0x10"  # Arrow's integer cast would read this as hexadecimal 16
    write(data, "pendampingan", p)
    assert "bukan angka" in fails_with(data, "baris 5", "kolom baduta_sasaran", '"0x10"')
    assert "negatif" in fails_with(data, "baris 2", "kolom krs_didampingi", '"-3"')
    assert "bukan angka" in fails_with(data, "baris 3", "kolom bumil_sasaran", '"dua puluh"')
    assert "bilangan bulat" in fails_with(data, "baris 4", "kolom tpk_jumlah")


@pytest.mark.parametrize("huge", ["100000000000000000000", "9223372036854775807", "1000001",
                                  "99999999999999999999999999"])
def test_implausibly_large_counts_are_refused_not_wrapped(data, huge):
    """A count past int64 wrapped to −9.223.372.036.854.775.808 on every page; past the bound it is refused."""
    p = read(data, "pendampingan")
    p.loc[4, "krs_sasaran"] = huge
    write(data, "pendampingan", p)
    line = fails_with(data, "baris 6", "kolom krs_sasaran", "terlalu besar", "1.000.000")
    assert "batas_jumlah" in line


@pytest.mark.slow
def test_a_huge_number_in_an_excel_cell_is_refused(data):
    # the first rows only: the bound is checked cell by cell (the whole table as .xlsx took 9 s to write and read)
    p = read(data, "pendampingan").head(20)
    frame = p.astype({c: "int64" for c in p.columns if c.endswith(("_sasaran", "_didampingi", "_terdaftar"))})
    frame["krs_sasaran"] = frame["krs_sasaran"].astype("float64")
    frame.loc[7, "krs_sasaran"] = 1e20  # a numeric Excel cell, as a mistyped formula result would be
    (data / "pendampingan.csv").unlink()
    frame.to_excel(data / "pendampingan.xlsx", index=False)
    fails_with(data, "pendampingan.xlsx", "baris 9", "kolom krs_sasaran", "terlalu besar")


def test_count_bounds_are_configurable_per_column(data):
    config = data / "konfigurasi.yml"
    config.write_text(config.read_text(encoding="utf-8") + "batas_jumlah: {bawaan: 2000000, tpk_jumlah: 3}\n",
                      encoding="utf-8")
    p = read(data, "pendampingan")
    p.loc[4, "krs_sasaran"] = "1500000"  # under the raised default: accepted
    p.loc[4, "krs_didampingi"] = "1000"
    write(data, "pendampingan", p)
    line = fails_with(data, "kolom tpk_jumlah", "terlalu besar", "lebih dari 3")
    assert "krs_sasaran" not in line


def test_numerator_above_denominator(data):
    p = read(data, "pendampingan")
    p.loc[4, "krs_sasaran"] = "10"
    p.loc[4, "krs_didampingi"] = "12"
    write(data, "pendampingan", p)
    line = fails_with(data, "pendampingan.csv", "baris 6", "kolom krs_didampingi", "12 > krs_sasaran 10")
    assert "tidak boleh melebihi sasarannya" in line


def test_missing_required_column(data):
    p = read(data, "pendampingan").drop(columns=["tpk_lapor"])
    write(data, "pendampingan", p)
    line = fails_with(data, "pendampingan.csv", "baris 1", "kolom wajib tidak ada: tpk_lapor")
    assert "data/README.md" in line


@pytest.mark.parametrize(("header", "column"), [
    ("nik", "nik"), ("nama", "nama"), ("alamat", "alamat"), ("tanggal_lahir", "tanggal_lahir"), ("no_kk", "no_kk"),
    # named as staff name them: any column whose words announce personal data, not only the exact names
    ("NIK Ibu", "nik_ibu"), ("nik_kepala_keluarga", "nik_kepala_keluarga"), ("no_identitas", "no_identitas"),
    ("N.I.K", "n_i_k"), ("no_telp", "no_telp"), ("nama_kader", "nama_kader"), ("Tempat/Tgl Lahir", "tempat_tgl_lahir"),
])
def test_personal_data_columns_are_refused(data, header, column):
    p = read(data, "pendampingan")
    p[header] = "x"
    write(data, "pendampingan", p)
    line = fails_with(data, "pendampingan.csv", f"kolom {column}", "data pribadi")
    assert "Hapus kolom ini" in line


@pytest.mark.parametrize("header", ["Nama Posyandu", "Jumlah KK", "jumlah RT", "bayi lahir", "keterangan"])
def test_aggregate_columns_with_such_words_are_only_ignored(data, header):
    p = read(data, "pendampingan")
    p[header] = "1"
    write(data, "pendampingan", p)
    code, out = run(data)
    assert code == 0 and "kolom tidak dikenal diabaikan" in out, out


def test_a_nik_in_an_ignored_column_is_refused_too(data):
    p = read(data, "pendampingan")
    p["keterangan"] = ""
    p.loc[5, "keterangan"] = "kk 1605 0112 0387 0002"
    write(data, "pendampingan", p)
    fails_with(data, "pendampingan.csv", "baris 7", "kolom keterangan", "NIK atau No. KK")


def kampung_kb_workbook_with(data: Path, sheet: str, rows: list[list[str]]) -> None:
    """``kampung_kb.csv`` moved into ``kampung_kb.xlsx``, with one more sheet of staff notes (``rows``)."""
    import openpyxl

    p = read(data, "kampung_kb")
    (data / "kampung_kb.csv").unlink()
    wb = openpyxl.Workbook()
    wb.active.title = "kampung_kb"
    wb.active.append(list(p.columns))
    for row in p.itertuples(index=False):
        wb.active.append(list(row))
    notes = wb.create_sheet(sheet)
    for row in rows:
        notes.append(row)
    wb.save(data / "kampung_kb.xlsx")


def test_a_nik_in_another_sheet_is_refused_whatever_its_header(data):
    kampung_kb_workbook_with(data, "Catatan", [["Keterangan"], ["rapat"], ["keluarga 1605011203870002"]])
    line = fails_with(data, "kampung_kb.xlsx", "baris 3", "lembar (sheet) 'Catatan'", "NIK atau No. KK")
    assert "160501…02" in line


@pytest.mark.parametrize("state", ["visible", "hidden", "veryHidden"])
def test_an_excel_sheet_with_personal_data_is_refused_hidden_or_not(data, state):
    import openpyxl

    p = read(data, "kampung_kb")
    (data / "kampung_kb.csv").unlink()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "kampung_kb"
    ws.append(list(p.columns))
    for row in p.itertuples(index=False):
        ws.append(list(row))
    other = wb.create_sheet("Daftar KRS")
    other.append(["NIK", "Nama Kepala Keluarga", "Alamat"])
    other.append(["1605011203870002", "x", "y"])
    other.sheet_state = state
    wb.save(data / "kampung_kb.xlsx")
    line = fails_with(data, "kampung_kb.xlsx", "lembar (sheet) 'Daftar KRS'", "data pribadi")
    assert ("(tersembunyi)" in line) == (state != "visible")
    assert "1605011203870002" not in run(data)[1]


@pytest.mark.slow
def test_nik_typed_into_lokmin_text_is_refused_without_echoing_it(data):
    lok = read(data, "lokmin")
    lok.loc[2, "masalah"] = "Keluarga NIK 1605011203870002 belum didampingi TPK"
    lok.loc[3, "rencana_tindak_lanjut"] = "Kunjungi KK: 1605014512870003, minggu depan"
    write(data, "lokmin", lok)
    line = fails_with(data, "lokmin.csv", "baris 4", "kolom masalah", "NIK atau No. KK")
    assert '"160501…02"' in line and "hapus nomor itu" in line
    fails_with(data, "lokmin.csv", "baris 5", "kolom rencana_tindak_lanjut", "NIK atau No. KK")
    assert "1605011203870002" not in run(data)[1]


FULL_WIDTH = "".join(chr(0xFF10 + int(d)) for d in "1605011203870002")


def full_width(text: str) -> str:
    return "".join(chr(0xFF10 + int(ch)) if ch.isdigit() else ch for ch in text)


@pytest.mark.parametrize("disguised", ["NIK 1605 0112 0387 0002", "NIK1605-0112-0387-0002x",
                                       "1605\u200b011203870002", FULL_WIDTH])
def test_a_disguised_nik_in_lokmin_text_is_refused(data, disguised):
    lok = read(data, "lokmin")
    lok.loc[2, "masalah"] = f"Keluarga {disguised} belum didampingi TPK"
    write(data, "lokmin", lok)
    line = fails_with(data, "lokmin.csv", "baris 4", "kolom masalah", "NIK atau No. KK")
    assert '"160501…02"' in line


@pytest.mark.slow
def test_a_phone_number_in_lokmin_text_is_refused_without_echoing_it(data):
    lok = read(data, "lokmin")
    lok.loc[2, "masalah"] = "Kader kurang; hubungi 0812-3456-7890 untuk jadwal"
    lok.loc[3, "rencana_tindak_lanjut"] = "Koordinasi dengan Bu Ani (+62 813 9876 5432)"
    write(data, "lokmin", lok)
    line = fails_with(data, "lokmin.csv", "baris 4", "kolom masalah", "nomor telepon")
    assert '"0812…7890"' in line and "tidak boleh terbit" in line and "tulis jabatan atau nama unit" in line
    fails_with(data, "lokmin.csv", "baris 5", "kolom rencana_tindak_lanjut", "nomor telepon")
    out = run(data)[1]
    assert "0812-3456-7890" not in out and "813 9876 5432" not in out


@pytest.mark.parametrize("disguised", ["081234567890", "62812345678901", "0812\u200b3456\u200b7890",
                                       full_width("0812-3456-7890")])
def test_a_disguised_phone_number_in_lokmin_text_is_refused(data, disguised):
    lok = read(data, "lokmin")
    lok.loc[2, "masalah"] = f"Hubungi {disguised}"
    write(data, "lokmin", lok)
    fails_with(data, "lokmin.csv", "baris 4", "kolom masalah", "nomor telepon")


@pytest.mark.slow
def test_a_phone_number_in_an_ignored_column_or_another_sheet_is_refused(data):
    p = read(data, "pendampingan")
    p["catatan_lain"] = ""  # ("kontak" is refused by its header: issue 32, B45)
    p.loc[5, "catatan_lain"] = "0812 3456 7890"
    write(data, "pendampingan", p)
    fails_with(data, "pendampingan.csv", "baris 7", "kolom catatan_lain", "nomor telepon")
    kampung_kb_workbook_with(data, "Kontak", [["Operator"], ["PKB Kecamatan, HP 0813-9876-5432"]])
    fails_with(data, "kampung_kb.xlsx", "baris 2", "lembar (sheet) 'Kontak'", "nomor telepon (0813…5432)")
    assert "0813-9876-5432" not in run(data)[1]


def test_site_scan_finds_disguised_numbers(tmp_path):
    from ranpasti.core.privacy import scan_site

    page = tmp_path / "a" / "index.html"
    page.parent.mkdir()
    page.write_text('<p title="3b38c2113c35066410653333">1.082 dari 1.097</p><td>16</td><td>05011203870002</td>')
    assert list(scan_site(tmp_path)) == []  # a digest, counts, and digits split across table cells
    for planted in ("NIK 1605 0112 0387 0002", "1.605.011.203.870.002", "1605\u200b011203870002"):
        page.write_text(f"<p>Keluarga {planted}</p>", encoding="utf-8")
        assert list(scan_site(tmp_path)) == [(page, Found("nik", "1605011203870002"))], planted


def test_site_scan_finds_phone_numbers_and_says_so(tmp_path):
    from ranpasti.core.privacy import scan_site

    page = tmp_path / "a" / "index.html"
    page.parent.mkdir()
    # what the site is made of: fractions, percentages, coordinates, counts, dates, codes, digests
    page.write_text('<svg><path d="M0,256.6666666666667h192.44680851071098v15.5h-192.44680851071098Z"/></svg>'
                    '<script type="application/json">{"nilai": 62.8571428571, "x": 0.0833333333333}</script>'
                    '<p title="3b38c2113c350664106533330812345678901aa">1.081.234 dari 1.097 (2024-08-12), '
                    'kode 16.05.08.2001</p><td>0812</td><td>3456 7890</td>')
    assert list(scan_site(tmp_path)) == []  # ... and digits split across table cells
    for planted, number in (("Bidan Ani HP 081234567890", "081234567890"),
                            ("hubungi 0812-3456-7890", "081234567890"),
                            ("WA +62 812 3456 7890", "+6281234567890"),
                            ("62812345678901", "62812345678901"),
                            ("0812\u200b3456\u200b7890", "081234567890"),
                            ("HP " + full_width("0812 3456 7890"), "081234567890")):
        page.write_text(f"<p>Penanggung jawab: {planted}</p>", encoding="utf-8")
        found = list(scan_site(tmp_path))
        assert found == [(page, Found("telepon", number))], planted
        assert found[0][1].what == "nomor telepon"


@pytest.mark.parametrize(("text", "found"), [
    ("Keluarga NIK 1605011203870002 belum didampingi", "1605011203870002"),
    ("no. KK: 3201014512870003.", "3201014512870003"),
    ("(1605011203870002)", "1605011203870002"),
    # staff text (issue 32, A7): a list's "1." or a digit glued to a NIK, and a NIK Excel cut to 15 digits
    ("x=1.1605011203870002", "1605011203870002"),
    ("2,1605011203870002", "1605011203870002"),
    ("16050112038700021", "1605011203870002"),
    ("1605011203870000", "1605011203870000"),  # serial 0000: the 16th digit Excel dropped
    # not personal data: inside a checksum, a run longer than 20 digits, or not NIK-shaped
    ("sha256 3b38c21160501120387000213c35", None),
    ("160501120387000212345", None),
    ("1605019913870001", None),  # month 13
    ("0005011203870001", None),  # no province 00
    # written to slip past a 16-digit check: grouped, glued to a word, hidden characters, other digits
    ("NIK 1605 0112 0387 0002", "1605011203870002"),
    ("16-05-01-120387-0002", "1605011203870002"),
    ("kk 1605.0112.0387.0002", "1605011203870002"),
    ("NIK1605011203870002", "1605011203870002"),
    ("1605011203870002a", "1605011203870002"),
    ("1605\u200b0112\u200d0387\u202e0002", "1605011203870002"),  # zero-width and bidi controls inside
    ("".join(chr(0xFF10 + int(d)) for d in "1605011203870002"), "1605011203870002"),  # full-width digits
    ("".join(chr(0x0660 + int(d)) for d in "1605011203870002"), "1605011203870002"),  # Arabic-Indic digits
    ("ada 3 1605011203870002 keluarga", "1605011203870002"),
    ("1.605.014.509.900.003", "1605014509900003"),  # a count column formatted with thousands dots
    # still not personal data
    ("Capaian 98,6%: 1.082 dari 1.097 (2024-12), kode 16.05.01.2001", None),
    ('data-sha256="3b38c2113c350664106533331605011203870002aa"', None),
])
def test_nik_shape(text, found):
    from ranpasti.core.privacy import find_nik

    assert find_nik(text) == found


@pytest.mark.parametrize(("text", "found"), [
    # Indonesian mobile numbers as staff type them
    ("Bidan Ani HP 081234567890", "081234567890"),
    ("hubungi 0812-3456-7890", "081234567890"),
    ("WA 0812.3456.7890 (Bu Ani)", "081234567890"),
    ("+62 812 3456 7890", "+6281234567890"),
    ("+62-812-3456-7890", "+6281234567890"),
    ("(+62) 812-3456-7890", "+6281234567890"),
    ("+62 (0)812 3456 7890", "+62081234567890"),  # the trunk 0 kept after the country code
    ("62812345678901", "62812345678901"),
    ("62 812 3456 7890", "6281234567890"),
    ("0812345678", "0812345678"),  # 10 digits, the shortest
    ("0812345678901", "0812345678901"),  # 13 digits, the longest
    ("HP0812345678, WA:081398765432", "0812345678"),  # glued to a word that is not hex
    ("Telp.081234567890.", "081234567890"),
    ("Posyandu Melati 2 0812 3456 7890", "081234567890"),  # after a small number, not part of it
    ("NIK 1605011203870002 HP 081234567890", "081234567890"),
    # written to slip past a check: hidden characters, other scripts' digits
    ("0812\u200b3456\u200d7890", "081234567890"),
    ("HP " + full_width("0812-3456-7890"), "081234567890"),
    ("+62 " + "".join(chr(0x0660 + int(d)) for d in "81234567890"), "+6281234567890"),
    # not a mobile number
    ("sha256 3b38c2113c35066410653333081234567890aa13c35", None),  # inside a hex digest
    ("id beef0812345678", "0812345678"), ("id 0812345678abcd", "0812345678"),  # glued to a word: read
    ("sha 3b38c2113c35beef0812345678", None),  # in a digest (letters and digits alternate): not a number
    ("a1b2c3d4-0812-3456-7890-123456789abc", None),  # inside a UUID
    ("x=0.0812345678901", None),  # a decimal fraction
    ("h192.44680851071098v15", None),  # a coordinate in a chart's path
    ("M0812.34,56.7", None),
    ('"nilai": 62.8571428571', None),  # a percentage: 62 and a dot are not +62
    ("Rp 62.812.345.678", None), ("62 812 345 678", None),  # amounts with thousands dots or spaces
    ("1.081.234", None), ("1.081.234.567.890", None),  # counts
    ("kode 16.05.08.2001", None),  # a Kemendagri code
    ("2024-08-12", None), ("08-12-2024 10-12-2024", None), ("08.15-09.30", None),  # dates and times
    ("1605081203870002", None),  # a NIK (refused as a NIK)
    ("1605 0812 0387 0002", None),  # a NIK in groups, one of them 0812
    ("0812", None), ("0812 345", None), ("0812-3456-7", None),  # too short
    ("08123456789012345", None), ("10812345678", None),  # a longer number
    ("0800 1234 5678", None),  # a toll-free service number
    ("0711 123456", None), ("(021) 5551234", None),  # landlines: not read (see privacy.py)
])
def test_phone_shape(text, found):
    from ranpasti.core.privacy import find_phone

    assert find_phone(text) == found


@pytest.mark.slow
def test_numbers_the_site_is_made_of_are_never_read_as_phone_numbers():
    """Seeded samples of what pages, charts and downloads hold: float fractions and percentages as JSON and
    SVG paths write them, counts and amounts with thousands dots, dates and times, digests, UUIDs, and every
    Kemendagri desa code with its name. (A bare 12-digit run such as 081220231630, a date and time written
    without separators, is read as a phone number: nothing tells them apart.)"""
    import hashlib
    import json
    import random
    import uuid

    from ranpasti.core.privacy import find_phone

    rng = random.Random(20)
    texts = []
    for _ in range(20_000):
        x = rng.random() * 10 ** rng.randint(-3, 9)
        texts += [json.dumps({"nilai": x, "y": -x}), f"M{x},{rng.random() * 500}h{x}v15.5Z",
                  fmt_number(x), fmt_number(x, 2), f"{x:.12f}", f"{x:e}"]
    for i in range(5_000):
        d = f"{rng.randint(2000, 2030)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        texts += [f"sha256 {hashlib.sha256(str(i).encode()).hexdigest()}", str(uuid.UUID(int=rng.getrandbits(128))),
                  f"{d} s/d {d}", f"{d}T08:{rng.randint(10, 59)}:12.345678Z", f"{d[8:]}-{d[5:7]}-{d[:4]} 08.15"]
    desa = pd.read_csv(ROOT / "data" / "wilayah" / "desa.csv", dtype=str, keep_default_na=False)
    texts += [" ".join(row) for row in desa.itertuples(index=False)]
    assert [t for t in texts if find_phone(t)] == []


def test_a_found_phone_is_echoed_masked():
    from ranpasti.core.privacy import find_personal, mask_phone

    assert mask_phone("081234567890") == "0812…7890"
    found = find_personal("hubungi 0812-3456-7890")
    assert found is not None and found.kind == "telepon" and found.masked == "0812…7890"
    assert found.what == "nomor telepon"
    both = find_personal("NIK 1605011203870002 HP 081234567890")
    assert both is not None and both.kind == "nik" and both.masked == "160501…02"


@pytest.mark.slow
def test_krs_recap_consistency(data):
    r = read(data, "krs_rekap")
    r.loc[0, "tidak_berisiko"] = str(int(r.loc[0, "tidak_berisiko"]) + 1)  # total + tidak ≠ sasaran
    r.loc[1, "kesejahteraan_2"] = str(int(r.loc[1, "kesejahteraan_2"]) + 7)  # Σ kesejahteraan ≠ total
    r.loc[2, "jumlah_keluarga"] = "1"  # sasaran > jumlah keluarga
    write(data, "krs_rekap", r)
    assert "harus sama dengan jumlah_keluarga_sasaran" in fails_with(data, "krs_rekap.csv", "baris 2",
                                                                     "kolom total_krs")
    assert "harus sama dengan total_krs" in fails_with(data, "krs_rekap.csv", "baris 3", "kesejahteraan")
    fails_with(data, "krs_rekap.csv", "baris 4", "kolom jumlah_keluarga_sasaran")


def test_empty_and_header_only_files(data):
    (data / "kampung_kb.csv").write_bytes(b"")
    (data / "lokmin.csv").write_text("kode_kecamatan,tanggal,tahap,masalah,rencana_tindak_lanjut,status\n")
    assert "kosong" in fails_with(data, "kampung_kb.csv")
    assert "tidak berisi satu baris data" in fails_with(data, "lokmin.csv")


def test_missing_file(data):
    (data / "target.csv").unlink()
    assert "file tidak ditemukan" in fails_with(data, "target.csv")


def test_wrong_encoding(data):
    text = (data / "lokmin.csv").read_text(encoding="utf-8")
    (data / "lokmin.csv").write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    line = fails_with(data, "lokmin.csv", "UTF-16")
    assert "CSV UTF-8" in line


def test_truncated_file(data):
    raw = (data / "lokmin.csv").read_text(encoding="utf-8")
    (data / "lokmin.csv").write_text(raw[:5000] + ',"masalah yang terpotong di tengah', encoding="utf-8")
    assert "terpotong" in fails_with(data, "lokmin.csv")


def test_kecamatan_without_any_rows(data):
    p = read(data, "pendampingan")
    p = p[~p["kode_desa"].str.startswith("16.05.03.")]
    write(data, "pendampingan", p)
    line = fails_with(data, "pendampingan.csv", "kecamatan 16.05.03")
    assert "tidak punya satu baris pun" in line


def test_all_errors_reported_at_once(data):
    p = read(data, "pendampingan")
    p.loc[0, "krs_didampingi"] = "-1"
    p.loc[1, "bulan"] = "bulan lalu"
    write(data, "pendampingan", p)
    lok = read(data, "lokmin")
    lok.loc[2, "status"] = "mungkin"
    write(data, "lokmin", lok)
    t = read(data, "target")
    t.loc[0, "target"] = "150"
    write(data, "target", t)
    code, out = run(data)
    assert code == 1
    for needle in ("pendampingan.csv, baris 2", "pendampingan.csv, baris 3", "lokmin.csv, baris 4",
                   "target.csv, baris 2"):
        assert needle in out, needle
    assert "4 galat" in out


@pytest.mark.slow
def test_excel_with_merged_two_row_header_is_read_as_its_columns(data, tmp_path):
    """The Elsimil recap's header: a merged "KRS" over "Sasaran" and "Didampingi (KK)", a title row above,
    a vertically merged "Kode Desa", staff's own words for the rest."""
    from openpyxl import Workbook

    p = read(data, "pendampingan")
    (data / "pendampingan.csv").unlink()
    wb = Workbook()
    ws = wb.active
    groups = [("KRS", ["Sasaran", "Didampingi (KK)"], ["krs_sasaran", "krs_didampingi"]),
              ("Catin", ["Terdaftar", "Didampingi"], ["catin_terdaftar", "catin_didampingi"]),
              ("Ibu Hamil", ["Sasaran", "Didampingi"], ["bumil_sasaran", "bumil_didampingi"]),
              ("Ibu Pascasalin", ["Sasaran", "Didampingi", "ber-KB"],
               ["pascasalin_sasaran", "pascasalin_didampingi", "pascasalin_kb"]),
              ("Baduta", ["Sasaran", "Didampingi"], ["baduta_sasaran", "baduta_didampingi"]),
              ("TPK", ["Jumlah", "Lapor"], ["tpk_jumlah", "tpk_lapor"])]
    ws.append(["REKAP PENDAMPINGAN KELUARGA 2024"])
    upper, lower, columns = ["Kode Desa", "Bulan Laporan"], [None, None], ["kode_desa", "bulan"]
    for top, subs, cols in groups:
        upper += [top] + [None] * (len(subs) - 1)
        lower += subs
        columns += cols
    ws.append(upper)
    ws.append(lower)
    ws.merge_cells("A2:A3")
    ws.merge_cells("B2:B3")
    col = 3
    for _top, subs, _cols in groups:
        if len(subs) > 1:
            ws.merge_cells(start_row=2, start_column=col, end_row=2, end_column=col + len(subs) - 1)
        col += len(subs)
    for row in p[columns].itertuples(index=False):
        ws.append([row[0], row[1], *(int(v) for v in row[2:])])
    wb.save(data / "pendampingan.xlsx")
    code, out = run(data)
    assert code == 0, out
    assert "judul kolom dua baris (baris 2 dan 3) digabung" in out
    assert '"KRS / Didampingi (KK)" → krs_didampingi' in out
    store, _ = ingest(data, tmp_path / "cache")
    got = pd.concat([store.pendampingan(k) for k in store.kabupaten_codes()])
    got = got.sort_values(["kode_desa", "bulan"]).reset_index(drop=True)
    want = p.sort_values(["kode_desa", "bulan"]).reset_index(drop=True)
    assert len(got) == len(want)
    assert got["krs_didampingi"].tolist() == want["krs_didampingi"].astype(int).tolist()
    assert got["tpk_lapor"].tolist() == want["tpk_lapor"].astype(int).tolist()


def test_a_bad_cell_under_a_two_row_header_is_named_by_its_sheet_row(data):
    from openpyxl import Workbook

    (data / "kampung_kb.csv").unlink()
    wb = Workbook()
    ws = wb.active
    ws.append(["Kode", "Kampung KB"])
    ws.append(["Desa", "Tahun Terbentuk"])
    ws.append(["16.05.01.2001", 2020])
    ws.append(["16.05.01.2002", "dua ribu"])
    wb.save(data / "kampung_kb.xlsx")
    line = fails_with(data, "kampung_kb.xlsx, baris 4, kolom tahun_terbentuk")
    assert "dua ribu" in line


# ---------------------------------------------------------------- accepted, normalised, reported


def test_excel_with_merged_title_row_is_accepted(data, tmp_path):
    from openpyxl import Workbook

    # one row per desa (the sample's file is a dated history: several rows per desa need tanggal_status)
    kkb = read(data, "kampung_kb").drop_duplicates("kode_desa")
    (data / "kampung_kb.csv").unlink()
    wb = Workbook()
    ws = wb.active
    ws.append(["REKAP KAMPUNG KB 2024", None])
    ws.merge_cells("A1:B1")
    ws.append(["kode_desa", "tahun_terbentuk"])
    for r in kkb.itertuples():
        ws.append([r.kode_desa, int(r.tahun_terbentuk)])
    ws.append([None, None])  # trailing empty rows Excel leaves behind
    ws.append([None, None])
    wb.save(data / "kampung_kb.xlsx")
    code, out = run(data)
    assert code == 0, out
    assert "1 baris judul di atas nama kolom dilewati" in out
    store, _ = ingest(data, tmp_path / "cache")
    assert len(store.table("kampung_kb")) == len(kkb)


@pytest.mark.slow
def test_indonesian_export_semicolons_decimal_commas_bom_months_and_codes(data, tmp_path):
    p = read(data, "pendampingan")
    assert list(p.loc[:1, "bulan"]) == ["2023-01", "2023-02"]  # the sample's first rows, written as staff do
    p.loc[0, "bulan"] = "Januari 2023"
    p.loc[1, "bulan"] = "02/2023"
    p.loc[2, "kode_desa"] = p.loc[2, "kode_desa"].replace(".", "")  # 1605011001: no dots
    expected_code = read(data, "pendampingan").loc[3, "kode_desa"]
    parts = expected_code.split(".")
    p.loc[3, "kode_desa"] = ".".join(str(int(x)) for x in parts)  # 16.5.1.1001: Excel ate the zeros
    p.loc[4, "krs_sasaran"] = "1.234"  # thousands dot in an Indonesian-locale file
    text = p.to_csv(index=False, sep=";")
    (data / "pendampingan.csv").write_bytes(codecs.BOM_UTF8 + text.encode("utf-8"))
    prev = read(data, "prevalensi")
    prev.loc[0, "prevalensi"] = prev.loc[0, "prevalensi"].replace(".", ",")
    (data / "prevalensi.csv").write_text(prev.to_csv(index=False, sep=";"), encoding="utf-8")
    lok = read(data, "lokmin")
    lok.loc[0, "masalah"] = "Kader posyandu di desa Café belum dilatih"
    (data / "lokmin.csv").write_bytes(lok.to_csv(index=False).encode("cp1252"))
    code, out = run(data)
    assert code == 0, out
    for note in ("BOM UTF-8", "Windows-1252", 'kolom bulan: 2 nilai dinormalkan (mis. "Januari 2023" → "2023-01")',
                 "kolom kode_desa: 2 nilai dinormalkan", "kolom krs_sasaran"):
        assert note in out, note
    store, _ = ingest(data, tmp_path / "cache")
    rows = store.pendampingan(expected_code[:8])
    assert expected_code in set(rows["kode_desa"])
    assert {"2023-01", "2023-02"} <= set(store.pendampingan(p.loc[0, "kode_desa"][:8])["bulan"])
    assert 1234 in set(store.pendampingan(read(data, "kampung_kb").iloc[0, 0][:5])["krs_sasaran"]) or \
        1234 in set(store.pendampingan("16.05")["krs_sasaran"])
    assert "Café" in set(store.table("lokmin")["masalah"].str.slice(0, 60)) or \
        any("Café" in m for m in store.table("lokmin")["masalah"])
    assert float(store.table("prevalensi")["prevalensi"].iloc[0]) == float(prev.loc[0, "prevalensi"].replace(",", "."))


RSS_PROBE = """
import resource, sys
from ranpasti.reference.regions import load_regions
from ranpasti.ingest.validate import validate
regions = load_regions()
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
result = validate(sys.argv[1], regions=regions, chunk_rows=100_000, sink=lambda name, frame: None)
assert result.report.ok, result.report.render()[:2000]
print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) * 1024)
"""


@pytest.mark.slow
def test_large_file_is_streamed_in_bounded_memory(tmp_path):
    """A national export (~1M rows, ~52 MB) and the same with twice the months (~104 MB): validation memory
    must not grow with the file — it reads 100k-row chunks and keeps 12 bytes per row for duplicates."""
    import subprocess
    import sys

    sys.path.insert(0, str(ROOT / "scripts"))
    from generate_sample import generate

    one, two = tmp_path / "satu", tmp_path / "dua"
    generate(one, scale="national", first_year=2024, last_month="2024-12")  # one year, ~1M rows
    shutil.copytree(one, two)
    # the same rows again as 2023's: each line's month (its second field, the only one with a "-") moved a
    # year back, as bytes (reading and writing 1M rows with pandas took longer than validating them)
    header, rows = (one / "pendampingan.csv").read_bytes().split(b"\n", 1)
    assert header.split(b",")[:2] == [b"kode_desa", b"bulan"] and rows.count(b",2024-") == rows.count(b"\n")
    with open(two / "pendampingan.csv", "ab") as f:
        f.write(rows.replace(b",2024-", b",2023-"))
    growth = {}
    for d in (one, two):
        out = subprocess.run([sys.executable, "-c", RSS_PROBE, str(d)], capture_output=True, text=True, cwd=ROOT)
        assert out.returncode == 0, out.stderr[-2000:]
        growth[d] = int(out.stdout.strip().splitlines()[-1])
    extra_bytes = (two / "pendampingan.csv").stat().st_size - (one / "pendampingan.csv").stat().st_size
    assert extra_bytes > 45_000_000
    # the second file is 50 MB bigger; validation memory may grow by the duplicate index only
    assert growth[two] - growth[one] < 0.4 * extra_bytes, (growth, extra_bytes)


def test_a_dotted_count_in_a_comma_file_is_refused_not_read_as_a_decimal(data):
    """Issue 14, item 11: "2.000" became 2 (100 % instead of 0,1 %) while "1.234" was refused."""
    p = read(data, "pendampingan")
    p.loc[0, "krs_sasaran"] = "2.000"
    p.loc[1, "bumil_sasaran"] = "12.500"
    write(data, "pendampingan", p)
    line = fails_with(data, "baris 2", "kolom krs_sasaran", '"2.000"')
    assert "ribuan" in line and "2000" in line
    fails_with(data, "baris 3", "kolom bumil_sasaran", "ribuan")


@pytest.mark.slow
def test_full_width_and_arabic_indic_digits_are_read_as_the_digits_they_show(data, tmp_path):
    p = read(data, "pendampingan")
    full = p.loc[0, "krs_sasaran"]
    p.loc[0, "krs_sasaran"] = "".join(chr(0xFF10 + int(d)) for d in full)
    p.loc[1, "krs_sasaran"] = "".join(chr(0x0660 + int(d)) for d in p.loc[1, "krs_sasaran"])
    p.loc[2, "tpk_jumlah"] = "\uff11\uff12x"  # not a number: a message with file, row, column, no crash
    write(data, "pendampingan", p)
    line = fails_with(data, "baris 4", "kolom tpk_jumlah", "bukan angka")
    assert "Traceback" not in line
    p.loc[2, "tpk_jumlah"] = read(data, "pendampingan").loc[3, "tpk_jumlah"]
    p.loc[2, "tpk_lapor"] = "0"
    write(data, "pendampingan", p)
    code, out = run(data)
    assert code == 0, out
    assert "kolom krs_sasaran" in out and "dinormalkan" in out
    store, _ = ingest(data, tmp_path / "cache")
    kode = p.loc[0, "kode_desa"]
    rows = store.pendampingan(kode[:5])
    got = rows.loc[(rows["kode_desa"] == kode) & (rows["bulan"] == p.loc[0, "bulan"]), "krs_sasaran"]
    assert got.tolist() == [int(full)]


def test_invisible_characters_are_removed_from_free_text(data, tmp_path):
    """Issue 14, item 15: bidi overrides and zero-width characters were published as typed."""
    lok = read(data, "lokmin")
    original = lok.loc[2, "masalah"]
    lok.loc[2, "masalah"] = "\u202e" + original[:5] + "\u200b" + original[5:] + "\u2066"
    write(data, "lokmin", lok)
    code, out = run(data)
    assert code == 0 and "kolom masalah" in out and "dinormalkan" in out, out
    store, _ = ingest(data, tmp_path / "cache")
    texts = store.table("lokmin")["masalah"]
    assert original in set(texts)
    assert not texts.str.contains("[\u200b\u202e\u2066]", regex=True).any()


@pytest.mark.parametrize(("content", "words"), [
    ("data_contoh: true\nambang_capaian: [\n", ["konfigurasi.yml", "YAML tidak sah", "baris"]),
    (BOMB, ["konfigurasi.yml", "anchor atau alias"]),
    ("- sebuah\n- daftar\n", ["konfigurasi.yml", "nama: nilai"]),
])
def test_a_broken_configuration_is_a_message_not_a_traceback(data, content, words):
    """Issue 14, item 14: a broken konfigurasi.yml raised a traceback; an alias bomb ran 128 s into a
    MemoryError. Both are refused at once, naming the file."""
    (data / "konfigurasi.yml").write_text(content, encoding="utf-8")
    fails_with(data, *words)  # refused before any alias is expanded (expanding one ran 128 s into a MemoryError)


def test_a_fifo_or_folder_named_like_a_data_file_is_refused_without_hanging(data):
    (data / "lokmin.csv").unlink()
    os.mkfifo(data / "lokmin.csv")  # opening it to read would wait forever for a writer
    fails_with(data, "lokmin.csv", "bukan file biasa")
    (data / "lokmin.csv").unlink()
    (data / "lokmin.csv").mkdir()
    fails_with(data, "lokmin.csv", "bukan file biasa")


def test_a_link_out_of_the_data_folder_is_refused_and_its_content_never_echoed(data, tmp_path):
    secret = tmp_path / "rahasia.txt"
    secret.write_text("isi-rahasia-baris-pertama,x\n1,2\n", encoding="utf-8")
    (data / "lokmin.csv").unlink()
    (data / "lokmin.csv").symlink_to(secret)
    line = fails_with(data, "lokmin.csv", "tautan (symlink) ke luar folder data")
    assert "isi-rahasia" not in run(data)[1] and "isi-rahasia" not in line


# ---------------------------------------------------------------- the whole file, not its first MiB

FILLER = "catatan panjang " * 250  # 4,000 characters of an extra, ignored column


def padded_lokmin(data: Path) -> pd.DataFrame:
    """lokmin with an ignored column long enough that its last rows lie past the first MiB."""
    lok = read(data, "lokmin")
    lok["catatan_internal"] = FILLER
    assert len(lok.to_csv(index=False)) > (1 << 20) + 50_000
    return lok


@pytest.mark.slow
def test_windows_1252_is_recognised_when_the_first_accent_is_past_the_first_mebibyte(data, tmp_path):
    """Issue 14, item 15: the encoding was chosen from the first MiB, so this valid file was refused with
    a wrong row number."""
    lok = padded_lokmin(data)
    last = len(lok) - 1
    lok.loc[last, "masalah"] = "Kader posyandu di desa Café belum dilatih"
    (data / "lokmin.csv").write_bytes(lok.to_csv(index=False).encode("cp1252"))
    code, out = run(data)
    assert code == 0, out
    assert f"dibaca sebagai Windows-1252 (bukan UTF-8), mulai baris {last + 2}" in out
    store, _ = ingest(data, tmp_path / "cache")
    assert "Kader posyandu di desa Café belum dilatih" in set(store.table("lokmin")["masalah"])


@pytest.mark.parametrize("early", ["utf-8 letter", "utf-8 BOM"])
def test_a_file_whose_encoding_changes_midway_is_refused_naming_the_line(data, early):
    lok = padded_lokmin(data)
    last = len(lok) - 1
    if early == "utf-8 letter":
        lok.loc[0, "masalah"] = "Sosialisasi di balai desa – belum semua hadir"  # an en dash, UTF-8
    head = codecs.BOM_UTF8 if early == "utf-8 BOM" else b""
    text = lok.to_csv(index=False)
    cut = text.rindex("\n", 0, len(text) - 1) + 1  # the last row, appended by a Windows program
    rest = text[cut:].replace(lok.loc[last, "masalah"], "Desa Café")
    (data / "lokmin.csv").write_bytes(head + text[:cut].encode("utf-8") + rest.encode("cp1252"))
    line = fails_with(data, "lokmin.csv", f"baris {last + 2}", "berubah di tengah file")
    assert "CSV UTF-8" in line


@pytest.mark.parametrize("where", ["past the first MiB", "in a small file"])
def test_a_nul_byte_anywhere_is_refused_with_its_line(data, tmp_path, where):
    """Issue 14, item 15: a NUL past the first MiB was published raw."""
    lok = padded_lokmin(data) if where == "past the first MiB" else read(data, "lokmin")
    row = len(lok) - 2 if where == "past the first MiB" else 3
    lok.loc[row, "masalah"] = "Timbangan rusak\x00 di posyandu"
    (data / "lokmin.csv").write_bytes(lok.to_csv(index=False).encode("utf-8"))
    line = fails_with(data, "lokmin.csv", f"baris {row + 2}", "byte NUL")
    assert "ekspor ulang" in line
    with pytest.raises(DataError):
        ingest(data, tmp_path / "cache")
    assert not (tmp_path / "cache.staging").exists()


def test_a_utf16_file_is_still_named_as_such(data):
    text = (data / "lokmin.csv").read_text(encoding="utf-8")
    (data / "lokmin.csv").write_bytes(text.encode("utf-16-le"))  # no BOM: every other byte is NUL
    assert "CSV UTF-8" in fails_with(data, "lokmin.csv", "UTF-16 atau biner")


@pytest.mark.slow
def test_a_csv_with_thousands_of_columns_is_refused_at_its_header(data):
    """Issue 14, item 15: 10,000 extra columns took 2 GB and 279 s before the file was accepted."""
    p = read(data, "pendampingan").head(50)
    wide = pd.concat([p, pd.DataFrame({f"x{i}": [""] * len(p) for i in range(10_000)})], axis=1)
    write(data, "pendampingan", wide)
    line = fails_with(data, "pendampingan.csv", "baris 1", "10.015 kolom")
    assert "paling banyak 300" in line


@pytest.mark.slow
def test_an_excel_sheet_is_as_wide_as_its_used_columns(data, tmp_path):
    """A wide header is refused in Excel too; a sheet whose formatting runs to column XFD (Excel marks the
    whole row as used) is read as wide as the columns that hold something."""
    from openpyxl import Workbook
    from openpyxl.styles import PatternFill

    kkb = read(data, "kampung_kb").drop_duplicates("kode_desa")  # one row per desa: no history columns here
    (data / "kampung_kb.csv").unlink()
    wb = Workbook()
    ws = wb.active
    ws.append(["kode_desa", "tahun_terbentuk"])
    for r in kkb.itertuples():
        ws.append([r.kode_desa, int(r.tahun_terbentuk)])
    ws.cell(row=1, column=16_384).fill = PatternFill("solid", fgColor="FFFF00")
    wb.save(data / "kampung_kb.xlsx")
    assert ws.max_column == 16_384
    code, out = run(data)
    assert code == 0, out
    store, _ = ingest(data, tmp_path / "cache")
    assert len(store.table("kampung_kb")) == len(kkb)
    for i in range(3, 400):
        ws.cell(row=1, column=i, value=f"kolom_{i}")
    wb.save(data / "kampung_kb.xlsx")
    assert "paling banyak 300" in fails_with(data, "kampung_kb.xlsx", "399 kolom")


@pytest.mark.slow
def test_targets_without_a_region_are_national_and_an_unknown_region_is_refused(data, tmp_path):
    """target.csv's kode_wilayah is optional (a file without it, or a blank cell, is national: ``ID``);
    a region code that does not exist is refused naming its row."""
    t = read(data, "target")
    old = t[t["kode_wilayah"] == "ID"].drop(columns=["kode_wilayah"])  # a file from before regions existed
    write(data, "target", old)
    code, out = run(data)
    assert code == 0, out
    store, _ = ingest(data, tmp_path / "cache")
    assert set(store.table("target")["kode_wilayah"]) == {"ID"}
    t.loc[0, "kode_wilayah"] = ""
    t.loc[1, "kode_wilayah"] = "99.99"
    write(data, "target", t)
    assert "tidak ada di data wilayah" in fails_with(data, "target.csv", "baris 3", "kolom kode_wilayah")
    code, out = run(data)
    assert "baris 2, kolom kode_wilayah" not in out  # blank: national


def test_one_declared_set_of_hidden_characters_is_unicodes_format_characters():
    """Free text, NIK detection and the output scan read the same declared set (privacy.FORMAT_RANGES);
    it must be every format character (Cf) of this Python's Unicode data, or a new one could hide a digit."""
    import unicodedata

    from ranpasti.core import privacy

    declared = {c for a, b in privacy.FORMAT_RANGES for c in range(a, b + 1)}
    assert declared == {c for c in range(0x110000) if unicodedata.category(chr(c)) == "Cf"}
    hidden = "".join(chr(c) for c in sorted(declared))
    assert privacy.FORMAT.sub("", f"a{hidden}b") == "ab"
    # and the reader reads past every one of them: not a letter, so a separator
    assert all(privacy.find_nik(f"1605{chr(c)}011203870002") == "1605011203870002" for c in declared)
