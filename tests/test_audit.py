"""Audit kasus stunting (issue 20): the optional kabupaten-level input, its rules, and its section with and
without data; the evaluation summary counts its rounds and recommendations."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from support import refused_cells, section_text, validate_folder

from ranpasti.pages import audit_cases, open_context, summary

ROOT = Path(__file__).resolve().parents[1]




def test_rounds_cases_and_recommendations_are_counted_from_the_file(tmp_path):
    rows = pd.read_csv(ROOT / "data" / "audit_kasus.csv", dtype={"kode_kabupaten": str})
    mine = rows[(rows["kode_kabupaten"] == "16.06") & (rows["tahun"] == 2025)]
    ctx = open_context("16.06", data_dir=ROOT / "data", cache_dir=tmp_path / "c")  # October 2026: latest is 2025
    text = section_text(audit_cases(ctx))
    cases = mine.groupby("putaran")["kasus_diaudit"].max().sum()
    done = (mine["status"] == "selesai").sum()
    assert (f"Tahun 2025, Kabupaten Musi Banyuasin mengadakan {mine['putaran'].nunique()} putaran audit kasus "
            f"stunting (dianjurkan sedikitnya 2 kali setahun) atas {cases} kasus; {done} dari {len(mine)} "
            "rekomendasi sudah selesai ditindaklanjuti.") in text
    recs = text[text.index("Penanggung jawab Status"):]
    statuses = re.findall(r"\b(belum dimulai|berjalan|selesai)\b", recs)
    assert statuses == sorted(statuses, key=["belum dimulai", "berjalan", "selesai"].index)  # open ones first


@pytest.mark.slow
def test_the_summary_counts_rounds_and_follow_up(tmp_path):
    rows = pd.read_csv(ROOT / "data" / "audit_kasus.csv", dtype={"kode_kabupaten": str})
    mine = rows[(rows["kode_kabupaten"] == "16.05") & (rows["tahun"] == 2024)]
    ctx = open_context("16.05", kind="evaluasi", tahun=2024, data_dir=ROOT / "data", cache_dir=tmp_path / "c")
    text = section_text(summary(ctx))
    assert (f"Audit kasus stunting: {mine['putaran'].nunique()} putaran (dianjurkan sedikitnya 2); "
            f"{(mine['status'] == 'selesai').sum()} dari {len(mine)} rekomendasi selesai ditindaklanjuti.") in text


@pytest.mark.slow
def test_without_the_file_one_line_and_a_kecamatan_points_to_its_kabupaten(data, tmp_path):
    (data / "audit_kasus.csv").unlink()
    assert validate_folder(data)[0] == 0
    ctx = open_context("16.05", kind="evaluasi", tahun=2024, data_dir=data, cache_dir=tmp_path / "c")
    said = section_text(audit_cases(ctx))
    assert "Data audit kasus stunting Kabupaten Musi Rawas tahun 2024 belum disediakan." in said
    assert "Audit kasus stunting:" not in section_text(summary(ctx))
    kec = open_context("16.05.01", kind="evaluasi", tahun=2024, data_dir=data, cache_dir=tmp_path / "c")
    assert 'href="../../evaluasi-2024/"' in "".join(p.html() for p in audit_cases(kec))


def test_bad_rows_are_refused_naming_row_and_column(data):
    lines, out = refused_cells(data, "audit_kasus", {(0, "status"): "tuntas", (1, "tanggal_audit"): "31-02-2024",
                                                     (2, "kasus_diaudit"): "-3"})
    for cell, line in lines.items():
        assert line, (cell, out)


def test_a_phone_number_for_the_person_in_charge_is_refused(data):
    lines, out = refused_cells(data, "audit_kasus", {(0, "penanggung_jawab"): "Bidan Ani HP 081234567890"})
    line = lines[0, "penanggung_jawab"]
    assert '"0812…7890"' in line and "nomor telepon" in line and "tulis jabatan" in line, out
    assert "081234567890" not in out

