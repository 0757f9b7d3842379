"""The 8 aksi konvergensi (issue 20): the optional kabupaten-level input, its rules, and its section on
kabupaten progress and evaluation pages, with and without data; the evaluation summary counts the aksi."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from support import section_text, validate_folder

from ranpasti.pages import convergence_actions, open_context, summary

ROOT = Path(__file__).resolve().parents[1]




@pytest.mark.slow
def test_the_year_of_a_kabupaten_is_its_eight_aksi_in_order(tmp_path):
    ctx = open_context("16.06", kind="evaluasi", tahun=2024, data_dir=ROOT / "data", cache_dir=tmp_path / "c")
    rows = pd.read_csv(ROOT / "data" / "aksi_konvergensi.csv", dtype=str, keep_default_na=False)
    mine = rows[(rows["kode_kabupaten"] == "16.06") & (rows["tahun"] == "2024")]
    text = section_text(convergence_actions(ctx))
    done = (mine["status"] == "selesai").sum()
    assert f"Tahun 2024, Kabupaten Musi Banyuasin menyelesaikan {done} dari 8 aksi konvergensi" in text
    order = [m.group(1) for m in re.finditer(r"\b([1-8]) (Analisis situasi|Rencana kegiatan|Rembuk stunting|"
                                             r"Peraturan bupati/wali kota|Pembinaan desa|Sistem manajemen data|"
                                             r"Pengukuran dan publikasi|Reviu kinerja tahunan)\b", text)]
    assert order == [str(n) for n in range(1, 9)]
    mean = pd.to_numeric(mine["nilai"]).mean()
    assert f"Nilai kinerja rata-rata {mean:.1f}".replace(".", ",") in text
    assert "aksi 7 (pengukuran dan publikasi)" in text
    said = re.search(r"Aksi konvergensi: (\d) dari 8 selesai tahun ini\.", section_text(summary(ctx)))
    assert said and int(said[1]) == done


@pytest.mark.slow
def test_a_missing_aksi_reads_no_data_and_a_missing_file_one_line(data, tmp_path):
    rows = pd.read_csv(data / "aksi_konvergensi.csv", dtype=str, keep_default_na=False)
    rows = rows[~((rows["kode_kabupaten"] == "16.05") & (rows["tahun"] == "2024") & (rows["aksi"] == "pembinaan desa"))]
    rows.to_csv(data / "aksi_konvergensi.csv", index=False)
    assert validate_folder(data)[0] == 0
    ctx = open_context("16.05", kind="evaluasi", tahun=2024, data_dir=data, cache_dir=tmp_path / "c1")
    text = section_text(convergence_actions(ctx))
    assert "5 Pembinaan desa tidak ada data" in text and "1 tidak ada data" in text
    (data / "aksi_konvergensi.csv").unlink()
    assert validate_folder(data)[0] == 0
    for kw in ({}, {"kind": "evaluasi", "tahun": 2024}):
        ctx = open_context("16.05", data_dir=data, cache_dir=tmp_path / "c2", **kw)
        text = section_text(convergence_actions(ctx))
        assert "Data 8 aksi konvergensi Kabupaten Musi Rawas" in text and "belum disediakan" in text
        assert "Aksi konvergensi" not in section_text(summary(ctx)) if kw else True


def test_a_kecamatan_page_points_to_its_kabupaten(tmp_path):
    ctx = open_context("16.05.01", kind="evaluasi", tahun=2024, data_dir=ROOT / "data", cache_dir=tmp_path / "c")
    html = "".join(p.html() for p in convergence_actions(ctx))
    assert 'href="../../evaluasi-2024/"' in html and "Kabupaten Musi Rawas" in html


def test_unknown_aksi_status_or_kabupaten_is_refused_naming_row_and_column(data):
    rows = pd.read_csv(data / "aksi_konvergensi.csv", dtype=str, keep_default_na=False)
    rows.loc[1, "aksi"] = "aksi ke-9"
    rows.loc[2, "status"] = "sudah"
    rows.loc[3, "kode_kabupaten"] = "16.99"
    rows.loc[4, "nilai"] = "140"
    rows.to_csv(data / "aksi_konvergensi.csv", index=False)
    code, out = validate_folder(data)
    assert code == 1
    lines = out.splitlines()
    for row, col in ((3, "aksi"), (4, "status"), (5, "kode_kabupaten"), (6, "nilai")):
        assert any(f"aksi_konvergensi.csv, baris {row}" in ln and f"kolom {col}" in ln for ln in lines), (row, col, out)
