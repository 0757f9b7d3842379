"""Service coverage (issue 20): the optional Aksi-6 "data cakupan layanan" input (cakupan_layanan.csv), its
rules, and its section on progress and evaluation pages, with and without the data; the evaluation summary
counts the services with the other indicators."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from support import section_text, validate_folder

from ranpasti.ingest.schema import TABLES
from ranpasti.pages import open_context, service_coverage, summary
from ranpasti.reference import indicators as ind

ROOT = Path(__file__).resolve().parents[1]



def _html(section) -> str:
    return "".join(part.html() for part in section)



def test_the_input_is_declared_once_with_every_service_of_perpres_72():
    spec = TABLES["cakupan_layanan"]
    assert not spec.required_file and spec.key == ("kode_desa", "tahun")
    labels = {i.key for i in ind.SERVICE_INDICATORS}
    assert labels == {"bumil_kek_pmt", "bumil_ttd90", "remaja_putri_ttd", "asi_eksklusif", "mpasi",
                      "balita_dipantau", "imunisasi_dasar", "air_minum_layak", "sanitasi_layak"}
    targets = {i.key: {y: v for y, v, _ in i.targets} for i in ind.SERVICE_INDICATORS}
    assert targets["bumil_kek_pmt"] == {2024: 90} and targets["imunisasi_dasar"] == {2024: 90}
    assert targets["remaja_putri_ttd"] == {2024: 58}  # Perpres; BKKBN's 80% is kept beside it in the source
    assert "80%" in ind.INDICATORS["remaja_putri_ttd"].targets[0][2]
    assert targets["air_minum_layak"] == {}  # no sourced target: "Tidak ada target", never an invented one
    readme = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    assert "cakupan_layanan" in readme and "bumil_kek_pmt" in readme


def test_served_above_sasaran_is_refused_naming_file_row_and_column(data):
    c = pd.read_csv(data / "cakupan_layanan.csv", dtype=str, keep_default_na=False)
    c.loc[4, "anak_idl"] = str(int(c.loc[4, "bayi_12_23"]) + 3)
    c.to_csv(data / "cakupan_layanan.csv", index=False)
    code, out = validate_folder(data)
    assert code == 1 and "Data TIDAK valid" in out
    line = next(ln for ln in out.splitlines() if "cakupan_layanan.csv, baris 6" in ln)
    assert "kolom anak_idl" in line and "tidak boleh melebihi sasarannya" in line


def test_a_negative_count_and_a_duplicate_desa_year_are_refused(data):
    c = pd.read_csv(data / "cakupan_layanan.csv", dtype=str, keep_default_na=False)
    c.loc[0, "balita"] = "-5"
    c = pd.concat([c, c.iloc[[7]]], ignore_index=True)
    c.to_csv(data / "cakupan_layanan.csv", index=False)
    code, out = validate_folder(data)
    assert code == 1
    assert any("cakupan_layanan.csv, baris 2" in ln and "kolom balita" in ln for ln in out.splitlines()), out
    assert any("cakupan_layanan.csv" in ln and "ganda" in ln.lower() for ln in out.splitlines()), out


def test_only_some_services_may_be_given(data, tmp_path):
    c = pd.read_csv(data / "cakupan_layanan.csv", dtype=str, keep_default_na=False)
    c[["kode_desa", "tahun", "balita", "balita_dipantau"]].to_csv(data / "cakupan_layanan.csv", index=False)
    code, out = validate_folder(data)
    assert code == 0, out
    ctx = open_context("16.06", kind="evaluasi", tahun=2024, data_dir=data, cache_dir=tmp_path / "cache")
    text = section_text(service_coverage(ctx))
    assert "tidak ada data untuk 8 layanan" in text
    assert re.search(r"Balita dipantau tumbuh kembang [\d.,]+% 80%", text), text


def test_section_figures_are_the_sums_over_the_units_desa(tmp_path):
    ctx = open_context("16.06.01", kind="evaluasi", tahun=2024, data_dir=ROOT / "data", cache_dir=tmp_path / "c")
    rows = pd.read_csv(ROOT / "data" / "cakupan_layanan.csv", dtype={"kode_desa": str})
    mine = rows[rows["kode_desa"].str.startswith("16.06.01.") & (rows["tahun"] == 2024)]
    html = _html(service_coverage(ctx))
    assert "Cakupan layanan Kecamatan Sekayu tahun 2024" in html
    for i in ind.SERVICE_INDICATORS:
        value = 100 * mine[i.numerator].sum() / mine[i.denominator].sum()
        shown = f"{value:.1f}".replace(".", ",") + "%"
        assert f">{i.label}<" in html and shown in html, (i.key, shown)
    assert "Tidak ada target" in html  # water and sanitation: no sourced target


@pytest.mark.slow
def test_without_the_file_the_section_says_so_in_one_line_never_zero(data, tmp_path):
    (data / "cakupan_layanan.csv").unlink()
    assert validate_folder(data)[0] == 0
    for kw in ({}, {"kind": "evaluasi", "tahun": 2024}):
        ctx = open_context("16.05", data_dir=data, cache_dir=tmp_path / "cache", **kw)
        section = service_coverage(ctx)
        assert len(section) == 1 and "belum disediakan" in section_text(section) and "0%" not in section_text(section)
        assert "rp-table" not in _html(section)
    ctx = open_context("16.05", kind="evaluasi", tahun=2024, data_dir=data, cache_dir=tmp_path / "cache")
    assert "Cakupan layanan" not in section_text(summary(ctx))


@pytest.mark.slow
def test_the_evaluation_summary_counts_services_with_the_others(tmp_path):
    ctx = open_context("16.06.01", kind="evaluasi", tahun=2024, data_dir=ROOT / "data", cache_dir=tmp_path / "c")
    text = section_text(summary(ctx))
    m = re.search(r"mencapai target pada (\d+) dari (\d+) indikator pendampingan", text)
    s = re.search(r"target tercapai pada (\d+) dari (\d+) layanan yang bertarget; seluruhnya (\d+) dari (\d+) "
                  r"indikator yang bertarget", text)
    assert m and s, text
    assert int(s[2]) == 7  # the seven services with a 2024 target
    assert int(s[3]) == int(m[1]) + int(s[1]) and int(s[4]) == int(m[2]) + int(s[2])
    section = section_text(service_coverage(ctx))
    assert f"mencapai target pada {s[1]} dari 7 layanan yang bertarget" in section  # the section agrees


def test_progress_page_shows_the_latest_year_with_service_data(tmp_path):
    ctx = open_context("16.05", data_dir=ROOT / "data", cache_dir=tmp_path / "c")  # October 2026: no 2026 yet
    text = section_text(service_coverage(ctx))
    assert "tahun 2025" in text and "Belum ada target cakupan layanan untuk tahun 2025" in text


def test_krs_in_the_poorest_deciles_are_a_highlighted_figure(tmp_path):
    from ranpasti.pages import krs_profile

    ctx = open_context("16.05", data_dir=ROOT / "data", cache_dir=tmp_path / "c")
    rekap = pd.read_csv(ROOT / "data" / "krs_rekap.csv", dtype={"kode_kecamatan": str})
    mine = rekap[rekap["kode_kecamatan"].str.startswith("16.05.")]
    mine = mine[mine["tahun"] == mine["tahun"].max()]
    poorest = int(mine["kesejahteraan_1"].sum() + mine["kesejahteraan_2"].sum())
    pct = f"{100 * poorest / mine['total_krs'].sum():.1f}".replace(".", ",")
    text = section_text(krs_profile(ctx))
    assert f"{poorest:,}".replace(",", ".") + f" KRS ({pct}%)" in text and "desil 1–2" in text, text[:600]
