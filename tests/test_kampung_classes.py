"""Kampung KB class and instruments (issue 20): optional columns of kampung_kb.csv, their rules, and the
section with and without them."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from click.testing import CliRunner
from support import section_text

from ranpasti.cli import main
from ranpasti.pages import kampung_kb, open_context

ROOT = Path(__file__).resolve().parents[1]



def test_classes_and_instruments_are_counted_from_the_file(tmp_path):
    ctx = open_context("16.05.01", data_dir=ROOT / "data", cache_dir=tmp_path / "c")
    kkb = pd.read_csv(ROOT / "data" / "kampung_kb.csv", dtype=str, keep_default_na=False)
    # a dated history (issue 34): each Kampung KB's latest row, an undated one standing from the year formed
    kkb["dated"] = kkb["tanggal_status"].where(kkb["tanggal_status"] != "", kkb["tahun_terbentuk"] + "-01-01")
    kkb = kkb[kkb["dated"] <= "2026-10-31"].sort_values("dated", kind="stable")
    kkb = kkb.drop_duplicates("kode_desa", keep="last")
    mine = kkb[kkb["kode_desa"].str.startswith("16.05.01.")]
    text = section_text(kampung_kb(ctx))
    for c in ("dasar", "berkembang", "mandiri", "berkelanjutan"):
        assert re.search(rf"{c.capitalize()} {(mine['klasifikasi'] == c).sum()} ", text), (c, text[-600:])
    assert re.search(rf"Belum diklasifikasi {(mine['klasifikasi'] == '').sum()} ", text)
    up = mine["klasifikasi"].isin(["mandiri", "berkelanjutan"]).sum()
    assert f"{up} dari {len(mine)} Kampung KB" in text and "sudah mandiri atau berkelanjutan" in text
    assert re.search(rf"Dashat \(Dapur Sehat Atasi Stunting\) {(mine['dashat'] == 'ya').sum()} ", text)
    assert re.search(rf"Rumah DataKu paripurna {(mine['rumah_dataku'] == 'paripurna').sum()} ", text)
    assert "keadaan pada 31 Oktober 2026" in text  # the day the classes are read at (the page's month), said


def test_without_the_class_columns_the_section_says_so(data, tmp_path):
    kkb = pd.read_csv(data / "kampung_kb.csv", dtype=str, keep_default_na=False)
    kkb[["kode_desa", "tahun_terbentuk"]].drop_duplicates("kode_desa").to_csv(data / "kampung_kb.csv", index=False)
    result = CliRunner().invoke(main, ["validate", "--data", str(data)])
    assert result.exit_code == 0, result.output
    text = section_text(kampung_kb(open_context("16.05", data_dir=data, cache_dir=tmp_path / "c")))
    assert "Klasifikasi Kampung KB (dasar, berkembang, mandiri, berkelanjutan) belum disediakan" in text
    assert "Cakupan Kampung KB per kecamatan" in text  # the coverage is still there


def test_an_unknown_class_is_refused_naming_file_row_and_column(data):
    kkb = pd.read_csv(data / "kampung_kb.csv", dtype=str, keep_default_na=False)
    kkb.loc[3, "klasifikasi"] = "maju"
    kkb.loc[5, "klasifikasi"] = "Mandiri"  # capitals: accepted as mandiri
    kkb.to_csv(data / "kampung_kb.csv", index=False)
    result = CliRunner().invoke(main, ["validate", "--data", str(data)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    line = next(ln for ln in result.output.splitlines() if "kampung_kb.csv, baris 5" in ln)
    assert "kolom klasifikasi" in line and "maju" in line
    assert not any("baris 7" in ln and "kampung_kb" in ln for ln in result.output.splitlines())
