"""TPPS (issue 20): the optional kabupaten/kecamatan team input, its rules, and its section with and without
data; the evaluation summary counts the teams with a decree."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from support import refused_cells, section_text, validate_folder

from ranpasti.pages import open_context, summary, tpps

ROOT = Path(__file__).resolve().parents[1]




def _rows() -> pd.DataFrame:
    return pd.read_csv(ROOT / "data" / "tpps.csv", dtype=str, keep_default_na=False)


@pytest.mark.slow
def test_a_kabupaten_page_lists_every_kecamatan_team(tmp_path):
    rows = _rows()
    year = rows[rows["tahun"] == "2024"]
    kec = year[year["kode_unit"].str.startswith("16.05.")]
    ctx = open_context("16.05", kind="evaluasi", tahun=2024, data_dir=ROOT / "data", cache_dir=tmp_path / "c")
    text = section_text(tpps(ctx))
    own = year[year["kode_unit"] == "16.05"].iloc[0]
    assert f"TPPS Kabupaten Musi Rawas: SK nomor {own['nomor_sk']}" in text and "diketuai Wakil Bupati" in text
    with_sk = (kec["nomor_sk"] != "").sum()
    assert f"Kecamatan: {with_sk} dari 14 TPPS kecamatan punya SK pembentukan" in text
    for name in ("Tugumulyo", "Muara Lakitan", "Selangit"):
        assert name in text
    said = re.search(r"TPPS Kabupaten Musi Rawas: ber-SK, (\d+) rapat; (\d+) dari 14 TPPS kecamatan ber-SK\.",
                     section_text(summary(ctx)))
    assert said and said[1] == own["rapat"] and int(said[2]) == with_sk


@pytest.mark.slow
def test_a_kecamatan_without_a_decree_says_so(data, tmp_path):
    rows = pd.read_csv(data / "tpps.csv", dtype=str, keep_default_na=False)
    at = rows.index[(rows["kode_unit"] == "16.05.01") & (rows["tahun"] == "2024")][0]
    rows.loc[at, ["nomor_sk", "tanggal_sk"]] = ""
    rows.to_csv(data / "tpps.csv", index=False)
    assert validate_folder(data)[0] == 0
    ctx = open_context("16.05.01", kind="evaluasi", tahun=2024, data_dir=data, cache_dir=tmp_path / "c")
    assert "TPPS Kecamatan Tugumulyo: belum ada SK pembentukan, diketuai Camat" in section_text(tpps(ctx))
    assert "TPPS Kecamatan Tugumulyo: belum ber-SK" in section_text(summary(ctx))


def test_without_the_file_one_line(data, tmp_path):
    (data / "tpps.csv").unlink()
    assert validate_folder(data)[0] == 0
    for kode in ("16.05", "16.05.01"):
        ctx = open_context(kode, data_dir=data, cache_dir=tmp_path / "c")
        text = section_text(tpps(ctx))
        assert text.startswith("Data TPPS") and "belum disediakan" in text


def test_a_province_code_or_a_negative_count_is_refused(data):
    lines, out = refused_cells(data, "tpps", {(0, "kode_unit"): "16", (1, "rapat"): "-1"})
    for cell, line in lines.items():
        assert line, (cell, out)


def test_a_phone_number_for_the_chair_is_refused(data):
    lines, out = refused_cells(data, "tpps", {(0, "ketua"): "Wakil Bupati (ajudan: +62 812-3456-7890)"})
    line = lines[0, "ketua"]
    assert '"+628…7890"' in line and "nomor telepon" in line, out

