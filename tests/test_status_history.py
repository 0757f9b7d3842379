"""Statuses as at 31 December (issue 34, point 3): Lokmin follow-ups and Kampung KB classes given as a dated
history (``tanggal_status``, one row per change) are shown on each year's page as they stood at that year's
end; a later status never rewrites a closed year; earlier years' open follow-ups are listed; a bad date is
refused naming file, row and column; files without the column read as before."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from support import copy_sample_data, refused_cells, section_text, validate_folder

from ranpasti.pages import gaps, kampung_kb, lokmin, lokmin_annex, lokmin_followup, open_context

TUGUMULYO = "16.05.01"
MEETING = {"kode_kecamatan": TUGUMULYO, "tahap": "Tahap 6: evaluasi RAN PASTI Desember",
           "penanggung_jawab": "PKB Kecamatan"}


def lokmin_rows(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame([{**MEETING, **r} for r in rows],
                        columns=["kode_kecamatan", "tanggal", "tahap", "masalah", "rencana_tindak_lanjut", "status",
                                 "penanggung_jawab", "tenggat", "tanggal_status"]).fillna("")


# a follow-up of a December 2025 meeting, started in December and closed in January 2026; one of a 2024
# meeting still running at the end of 2025 and closed in February 2026; one of 2025 done within the year
HISTORY = lokmin_rows(
    {"tanggal": "2024-03-10", "masalah": "Kader TPK berganti dan belum dilatih",
     "rencana_tindak_lanjut": "Pelatihan ulang TPK di kecamatan", "status": "belum dimulai", "tenggat": "2024-05-10"},
    {"tanggal": "2024-03-10", "masalah": "Kader TPK berganti dan belum dilatih",
     "rencana_tindak_lanjut": "Pelatihan ulang TPK di kecamatan", "status": "berjalan", "tenggat": "2024-05-10",
     "tanggal_status": "2024-06-03"},
    {"tanggal": "2024-03-10", "masalah": "Kader TPK berganti dan belum dilatih",
     "rencana_tindak_lanjut": "Pelatihan ulang TPK di kecamatan", "status": "selesai", "tenggat": "2024-05-10",
     "tanggal_status": "2026-02-14"},
    {"tanggal": "2025-12-08", "masalah": "Sasaran catin belum terdata",
     "rencana_tindak_lanjut": "Pendataan catin bersama KUA", "status": "berjalan", "tenggat": "2026-01-31",
     "tanggal_status": "2025-12-15"},
    {"tanggal": "2025-12-08", "masalah": "Sasaran catin belum terdata",
     "rencana_tindak_lanjut": "Pendataan catin bersama KUA", "status": "selesai", "tenggat": "2026-01-31",
     "tanggal_status": "2026-01-20"},
    {"tanggal": "2025-05-14", "masalah": "Posyandu tanpa timbangan",
     "rencana_tindak_lanjut": "Pengadaan timbangan dari dana desa", "status": "selesai", "tenggat": "2025-08-14",
     "tanggal_status": "2025-07-01"},
)


@pytest.fixture
def history(tmp_path) -> Path:
    data = copy_sample_data(tmp_path / "data")
    HISTORY.to_csv(data / "lokmin.csv", index=False)
    return data


def test_the_2025_evaluation_shows_each_follow_up_as_at_31_december_2025(history, tmp_path):
    code, out = validate_folder(history)
    assert code == 0, out
    ctx = open_context(TUGUMULYO, kind="evaluasi", tahun=2025, data_dir=history, cache_dir=tmp_path / "c")
    text = section_text(lokmin_followup(ctx))
    # 2 follow-ups of 2025: the one closed in January 2026 was still running on 31 December 2025
    assert "2 rencana tindak lanjut: 1 selesai, 1 berjalan, 0 belum dimulai (status pada 31 Desember 2025)" in text
    assert re.search(r"Tindak lanjut Lokmin yang belum selesai pada akhir 2025.*Sasaran catin belum terdata.*"
                     r"berjalan", text), text
    # the December 2025 progress page reads it on the same day
    december = open_context(TUGUMULYO, bulan="2025-12", data_dir=history, cache_dir=tmp_path / "c")
    assert re.search(r"Sasaran catin belum terdata Pendataan catin bersama KUA berjalan",
                     section_text(lokmin(december)))


@pytest.mark.slow
def test_an_earlier_years_open_follow_up_is_listed_with_months_overdue(history, tmp_path):
    ctx = open_context(TUGUMULYO, kind="evaluasi", tahun=2025, data_dir=history, cache_dir=tmp_path / "c")
    text = section_text(lokmin_followup(ctx))
    assert "1 tindak lanjut dari Lokmin tahun sebelumnya masih belum selesai pada 31 Desember 2025" in text
    row = re.search(r"Tindak lanjut Lokmin tahun sebelumnya yang belum selesai pada 31 Desember 2025.*?"
                    r"Pertemuan Kegiatan Penanggung jawab Tenggat Status Lewat tenggat (.*?) Unduh", text)
    assert row, text
    # 10 May 2024 to 31 December 2025: 19 whole months; closed only in February 2026, so open here
    assert row.group(1) == "10 Maret 2024 Pelatihan ulang TPK di kecamatan PKB Kecamatan 10 Mei 2024 berjalan 19 bulan"
    assert ("1 tindak lanjut Lokmin dari tahun sebelumnya (2024) masih belum selesai pada 31 Desember 2025"
            in section_text(gaps(ctx)))
    # on the 2024 page it was running too, 7 months past its deadline, and not yet an earlier year's
    ctx24 = open_context(TUGUMULYO, kind="evaluasi", tahun=2024, data_dir=history, cache_dir=tmp_path / "c")
    text24 = section_text(lokmin_followup(ctx24))
    assert "1 rencana tindak lanjut: 0 selesai, 1 berjalan, 0 belum dimulai" in text24
    assert "tahun sebelumnya" not in text24


def test_the_kabupaten_lists_its_kecamatans_open_follow_ups_of_earlier_years(history, tmp_path):
    """In the annex of a kabupaten's report (dozens of rows), said in its Lokmin section."""
    ctx = open_context("16.05", kind="evaluasi", tahun=2025, data_dir=history, cache_dir=tmp_path / "c")
    assert "(daftarnya di Lampiran)" in section_text(lokmin_followup(ctx))
    text = section_text(lokmin_annex(ctx))
    assert ("Pertemuan Kecamatan Kegiatan Penanggung jawab Tenggat Status Lewat tenggat 10 Maret 2024 Tugumulyo "
            "Pelatihan ulang TPK di kecamatan") in text


def test_a_follow_up_first_recorded_after_the_year_is_not_done_that_year(history, tmp_path):
    rows = lokmin_rows({"tanggal": "2025-12-20", "masalah": "Data KRS ganda", "rencana_tindak_lanjut": "Verval data",
                        "status": "selesai", "tenggat": "2026-01-20", "tanggal_status": "2026-01-10"})
    rows.to_csv(history / "lokmin.csv", index=False)
    ctx = open_context(TUGUMULYO, kind="evaluasi", tahun=2025, data_dir=history, cache_dir=tmp_path / "c")
    assert "1 rencana tindak lanjut: 0 selesai, 0 berjalan, 1 belum dimulai" in section_text(lokmin_followup(ctx))


def test_kampung_kb_classes_on_each_years_page_are_that_years(tmp_path):
    data = copy_sample_data(tmp_path / "data")
    kkb = pd.read_csv(data / "kampung_kb.csv", dtype=str, keep_default_na=False)
    desa = sorted(kkb.loc[kkb["kode_desa"].str.startswith(TUGUMULYO + "."), "kode_desa"].unique())[:3]
    fixture = pd.DataFrame([
        # one Kampung KB climbs from dasar (undated: from the year it was formed) to mandiri
        (desa[0], "2019", "dasar", "belum ada", "tidak", "ya", ""),
        (desa[0], "2019", "berkembang", "sederhana", "tidak", "ya", "2024-06-01"),
        (desa[0], "2019", "mandiri", "lengkap", "ya", "ya", "2025-03-01"),
        # one classified only in 2025
        (desa[1], "2023", "", "belum ada", "tidak", "tidak", ""),
        (desa[1], "2023", "berkelanjutan", "paripurna", "ya", "ya", "2025-11-30"),
        # one without a date at all: as given, every year from 2024
        (desa[2], "2024", "dasar", "sederhana", "ya", "tidak", ""),
    ], columns=["kode_desa", "tahun_terbentuk", "klasifikasi", "rumah_dataku", "dashat", "bkb", "tanggal_status"])
    fixture.to_csv(data / "kampung_kb.csv", index=False)
    code, out = validate_folder(data)
    assert code == 0, out

    def classes(tahun: int) -> str:
        ctx = open_context(TUGUMULYO, kind="evaluasi", tahun=tahun, data_dir=data, cache_dir=tmp_path / "c")
        return section_text(kampung_kb(ctx))

    assert re.search(r"Dasar 1 .*Berkembang 0 .*Mandiri 0 .*Berkelanjutan 0 .*Belum diklasifikasi 1 ", classes(2023))
    t24 = classes(2024)
    assert "keadaan pada 31 Desember 2024" in t24
    assert re.search(r"Dasar 1 .*Berkembang 1 .*Mandiri 0 .*Berkelanjutan 0 .*Belum diklasifikasi 1 ", t24), t24
    assert re.search(r"Dasar 1 .*Berkembang 0 .*Mandiri 1 .*Berkelanjutan 1 .*Belum diklasifikasi 0 ", classes(2025))
    assert "2 dari 3 Kampung KB (66,7%) sudah mandiri atau berkelanjutan" in classes(2025)


def test_files_without_tanggal_status_read_as_before(history, tmp_path):
    old = HISTORY.drop(columns="tanggal_status").iloc[[0, 3, 5]]  # one row per follow-up, its only status
    old.to_csv(history / "lokmin.csv", index=False)
    kkb = pd.read_csv(history / "kampung_kb.csv", dtype=str, keep_default_na=False)
    kkb = kkb.drop(columns="tanggal_status").drop_duplicates("kode_desa", keep="last")
    kkb.to_csv(history / "kampung_kb.csv", index=False)
    code, out = validate_folder(history)
    assert code == 0, out
    ctx = open_context(TUGUMULYO, kind="evaluasi", tahun=2025, data_dir=history, cache_dir=tmp_path / "c")
    text = section_text(lokmin_followup(ctx))
    assert "2 rencana tindak lanjut: 1 selesai, 1 berjalan, 0 belum dimulai" in text
    assert "1 tindak lanjut dari Lokmin tahun sebelumnya masih belum selesai" in text  # "belum dimulai" of 2024
    mine = kkb[kkb["kode_desa"].str.startswith(TUGUMULYO + ".") & (kkb["tahun_terbentuk"].astype(int) <= 2024)]
    ctx24 = open_context(TUGUMULYO, kind="evaluasi", tahun=2024, data_dir=history, cache_dir=tmp_path / "c")
    shown = section_text(kampung_kb(ctx24))
    for c in ("dasar", "berkembang", "mandiri", "berkelanjutan"):
        assert re.search(rf"{c.capitalize()} {(mine['klasifikasi'] == c).sum()} ", shown), (c, shown)


@pytest.mark.parametrize("value, words", [
    ("2023-03-01", "tanggal status sebelum tanggal pertemuan Lokmin"),  # the row's meeting is 2023-03-05
    ("2027-06-01", "tanggal status di masa depan"),  # today is checked, not only the year
    ("31/02/2025", "bukan tanggal yang bisa dibaca"),
])
def test_a_bad_lokmin_status_date_is_refused_naming_file_row_and_column(tmp_path, value, words):
    data = copy_sample_data(tmp_path / "data")
    lok = pd.read_csv(data / "lokmin.csv", dtype=str, keep_default_na=False)
    assert lok.loc[0, "tanggal"] == "2023-03-05"
    lines, out = refused_cells(data, "lokmin", {(0, "tanggal_status"): value})
    assert words in lines[(0, "tanggal_status")], out


def test_a_kampung_kb_status_before_it_was_formed_or_twice_undated_is_refused(tmp_path):
    data = copy_sample_data(tmp_path / "data")
    kkb = pd.read_csv(data / "kampung_kb.csv", dtype=str, keep_default_na=False)
    formed = int(kkb.loc[0, "tahun_terbentuk"])
    lines, out = refused_cells(data, "kampung_kb", {(0, "tanggal_status"): f"{formed - 1}-12-31"})
    assert "tanggal status sebelum tahun Kampung KB terbentuk" in lines[(0, "tanggal_status")], out
    kkb = pd.concat([kkb, kkb.iloc[[0]].assign(tanggal_status="", klasifikasi="mandiri")])
    kkb.to_csv(data / "kampung_kb.csv", index=False)
    code, out = validate_folder(data)
    assert code == 1
    line = next(ln for ln in out.splitlines() if f"kampung_kb.csv, baris {len(kkb) + 1}" in ln)
    assert "kolom kode_desa,tanggal_status" in line and "baris ganda" in line


def test_a_status_after_the_datas_last_month_is_accepted_with_a_warning(tmp_path):
    data = copy_sample_data(tmp_path / "data")
    lok = pd.read_csv(data / "lokmin.csv", dtype=str, keep_default_na=False)
    last = pd.read_csv(data / "pendampingan.csv", dtype=str, usecols=["bulan"])["bulan"].max()
    lok.loc[4, "tanggal_status"] = "2026-11-20"
    assert last < "2026-11"
    lok.to_csv(data / "lokmin.csv", index=False)
    code, out = validate_folder(data)
    assert code == 0, out
    line = next(ln for ln in out.splitlines() if "[PERINGATAN] lokmin.csv, baris 6, kolom tanggal_status" in ln)
    assert f"sesudah bulan terakhir data pendampingan ({last})" in line
