"""Issue 16: the December evaluation's annual capaian on one stated basis per figure.

BKKBN judges pendampingan on reach (families or persons accompanied at least once in the year ÷ the year's
sasaran); the monthly reports only give an average monthly coverage. Reach comes from the optional
``jangkauan.csv`` and is used for a unit and indicator only when every desa of the unit that reported that
year has the figures; otherwise the page shows the monthly average and says so. These tests read what a
reader sees (the executed evaluation notebook's tables and text, or a section's table as offered for download)
and compare it with the CSV files.

The sample leaves Ngaras (18.13.10) out of jangkauan.csv; here one desa of Lais (16.06.02) loses its row and
one desa of Sanga Desa (16.06.05) leaves its catin figures blank.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pandas as pd
import papermill as pm
import pytest
from click.testing import CliRunner
from support import copy_sample_data

from ranpasti import pages as p
from ranpasti.cli import main
from ranpasti.core import fmt
from ranpasti.core.display import MIME_TABLE, Section
from ranpasti.ingest.store import ingest
from ranpasti.reference import indicators as ind

pytestmark = pytest.mark.slow  # executes evaluation notebooks

ROOT = Path(__file__).resolve().parents[1]
YEAR = 2024
FULL_KEC = "16.05.01"  # Tugumulyo: every desa has its jangkauan row
NO_REACH_KEC = "18.13.10"  # Ngaras: no jangkauan rows in the sample
PARTIAL_KEC = "16.06.02"  # Lais: one reporting desa without a jangkauan row (below)
BLANK_KEC = "16.06.05"  # Sanga Desa: one desa with its catin figures left blank (below)
REACH = [i for i in ind.PENDAMPINGAN_INDICATORS if i.annual == "reach"]
AVERAGE = [i for i in ind.PENDAMPINGAN_INDICATORS if i.annual != "reach"]


def _first_desa(reach: pd.DataFrame, kec: str) -> str:
    return sorted(reach.loc[reach["kode_desa"].str.startswith(kec + "."), "kode_desa"])[0]


@pytest.fixture(scope="module")
def reach_data(tmp_path_factory) -> Path:
    d = copy_sample_data(tmp_path_factory.mktemp("data"))
    j = pd.read_csv(d / "jangkauan.csv", dtype=str, keep_default_na=False)
    j = j[j["kode_desa"] != _first_desa(j, PARTIAL_KEC)]
    j.loc[j["kode_desa"] == _first_desa(j, BLANK_KEC), ["catin_terdaftar", "catin_didampingi"]] = ""
    j.to_csv(d / "jangkauan.csv", index=False)
    return d


@pytest.fixture(scope="module")
def reach_cache(reach_data, tmp_path_factory) -> Path:
    cache = tmp_path_factory.mktemp("cache") / "c"
    ingest(reach_data, cache)
    return cache


def run_evaluation(kode: str, data_dir: Path, cache_dir: Path, tmp_path: Path) -> nbformat.NotebookNode:
    out = tmp_path / f"evaluasi-{kode}.ipynb"
    pm.execute_notebook(str(ROOT / "notebooks" / "evaluasi.ipynb"), str(out),
                        parameters={"kode": kode, "tahun": YEAR, "data_dir": str(data_dir),
                                    "cache_dir": str(cache_dir)},
                        cwd=str(ROOT), progress_bar=False, kernel_name="python3")
    nb = nbformat.read(out, 4)
    for o in _outputs(nb):
        assert o["output_type"] != "error", o
        assert not (o["output_type"] == "stream" and o.get("name") == "stderr"), o.get("text")
    return nb


def _outputs(nb) -> list[dict]:
    return [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]


def _html(nb) -> str:
    return "\n".join(o.get("data", {}).get("text/html", "") for o in _outputs(nb))


def _words(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _table(bundles, name: str) -> pd.DataFrame:
    for b in bundles:
        if b and b["name"] == name:
            return pd.DataFrame(b["rows"], columns=b["columns"])
    raise AssertionError(f"table {name} not on the page")


def nb_table(nb, name: str) -> pd.DataFrame:
    return _table((o.get("data", {}).get(MIME_TABLE) for o in _outputs(nb)), name)


def section_table(section: Section, name: str) -> pd.DataFrame:
    return _table((x.extra().get(MIME_TABLE) for x in section), name)


def _monthly(data_dir: Path, prefix: str) -> pd.DataFrame:
    pend = pd.read_csv(data_dir / "pendampingan.csv", dtype={"kode_desa": str})
    return pend[pend["kode_desa"].str.startswith(prefix + ".") & pend["bulan"].str.startswith(str(YEAR))]


def _yearly(data_dir: Path, prefix: str) -> pd.DataFrame:
    j = pd.read_csv(data_dir / "jangkauan.csv", dtype={"kode_desa": str})
    return j[j["kode_desa"].str.startswith(prefix + ".") & (j["tahun"] == YEAR)]


def _pct(frame: pd.DataFrame, i: ind.Indicator) -> float:
    return frame[i.numerator].sum() / frame[i.denominator].sum() * 100


def _assert_row(row: pd.Series, value: float, basis: str) -> None:
    assert row["Dasar"] == basis, row.to_dict()
    shown = fmt.shown_value(value, row["Target"])  # the one display rule: exactly what the counts give
    assert row[f"Capaian Jan–Des {YEAR}"] == pytest.approx(shown, abs=1e-9), row.to_dict()


def _context(kode: str, cache: Path) -> p.Context:
    return p.open_context(kode, tahun=YEAR, kind="evaluasi", data_dir="", cache_dir=cache)


# ---------------------------------------------------------------- what a reader sees


def test_a_kecamatan_with_every_desas_reach_shows_reach(reach_data, reach_cache, tmp_path):
    nb = run_evaluation(FULL_KEC, reach_data, reach_cache, tmp_path)
    yearly, monthly = _yearly(reach_data, FULL_KEC), _monthly(reach_data, FULL_KEC)
    assert yearly["kode_desa"].nunique() == monthly["kode_desa"].nunique() > 5
    shown = nb_table(nb, "evaluasi-indikator").set_index("Indikator")
    for i in REACH:  # Σ accompanied at least once ÷ Σ the year's sasaran, from jangkauan.csv
        row = shown.loc[i.label]
        _assert_row(row, _pct(yearly, i), "jangkauan setahun")
        assert row["Didampingi atau dilayani (setahun)"] == yearly[i.numerator].sum()
        assert row["Sasaran (setahun)"] == yearly[i.denominator].sum()
        assert _pct(yearly, i) != pytest.approx(_pct(monthly, i), abs=0.05)  # a different figure than before
    for i in AVERAGE:  # TPK reporting: a monthly rate, always the average
        _assert_row(shown.loc[i.label], _pct(monthly, i), "rata-rata bulanan")
    # each desa of the rapor on its own jangkauan row
    desa = nb_table(nb, "rapor-desa")
    assert set(desa["Dasar"]) == {"jangkauan setahun"} and len(desa) == len(yearly)
    from ranpasti.reference.regions import load_regions

    names = load_regions().desa["nama"]
    krs = ind.INDICATORS["krs_didampingi"]
    for r in yearly.itertuples():
        value = getattr(r, krs.numerator) / getattr(r, krs.denominator) * 100
        cell = desa.loc[desa["Desa"] == names[r.kode_desa], krs.label].iloc[0]
        assert cell == "disamarkan" or cell == pytest.approx(value, abs=0.05)
    text = _words(_html(nb))
    assert "menurut capaian tahunan (rata-rata bulanan untuk TPK melapor, jangkauan setahun untuk indikator " \
           "lainnya; lihat Metode)" in text
    said = re.search(r"mencapai target pada (\d+) dari (\d+) indikator", text)
    pend = shown.loc[[i.label for i in ind.PENDAMPINGAN_INDICATORS]]
    rated = pend[~pend["Status"].isin(["Tidak ada data", "Tidak ada target"])]
    assert (int(said.group(1)), int(said.group(2))) == ((rated["Status"] == "Tercapai").sum(), len(rated))
    method = text[text.index("Capaian tahunan memakai"):]
    assert "Jangkauan setahun = jumlah keluarga atau orang yang didampingi/dilayani sedikitnya sekali" in method
    assert "Rata-rata bulanan = jumlah yang didampingi/dilayani Januari–Desember" in method


def test_a_kecamatan_without_reach_rows_shows_the_monthly_average_so_labelled(reach_data, reach_cache):
    ctx = _context(NO_REACH_KEC, reach_cache)
    monthly = _monthly(reach_data, NO_REACH_KEC)
    assert _yearly(reach_data, NO_REACH_KEC).empty and len(monthly)
    shown = section_table(p.evaluation_table(ctx), "evaluasi-indikator").set_index("Indikator")
    for i in ind.PENDAMPINGAN_INDICATORS:
        _assert_row(shown.loc[i.label], _pct(monthly, i), "rata-rata bulanan")
        assert shown.loc[i.label, "Didampingi atau dilayani (setahun)"] == monthly[i.numerator].sum()
    assert "rata-rata bulanan untuk semua indikator" in _words(p.summary(ctx)[0].html())
    assert set(section_table(p.scorecard(ctx), "rapor-desa")["Dasar"]) == {"rata-rata bulanan"}
    # its kabupaten is not complete either: the monthly average, while the other kecamatan keep their reach
    kab = _context(NO_REACH_KEC[:5], reach_cache)
    shown = section_table(p.evaluation_table(kab), "evaluasi-indikator").set_index("Indikator")
    krs = ind.INDICATORS["krs_didampingi"]
    _assert_row(shown.loc[krs.label], _pct(_monthly(reach_data, NO_REACH_KEC[:5]), krs), "rata-rata bulanan")
    rapor = section_table(p.scorecard(kab), "rapor-kecamatan").set_index("Kecamatan")
    assert rapor.loc["Ngaras", "Dasar"] == "rata-rata bulanan"
    assert set(rapor.drop(index="Ngaras")["Dasar"]) == {"jangkauan setahun"}
    # issue 33: the kecamatan are ranked on the kabupaten's own basis only (here the monthly average); those on
    # reach are listed after them, each saying why, never ranked beside them
    ranks = rapor["Peringkat (KRS didampingi, rata-rata bulanan)"]
    assert ranks["Ngaras"] == 1 and ranks.index[0] == "Ngaras"
    assert set(ranks.drop(index="Ngaras")) == {"tidak diperingkat (jangkauan setahun)"}
    # the lowest kecamatan are named with their figure, and its basis when it is not the kabupaten's
    assert re.search(r"\(\d+,\d%, jangkauan setahun\)", _words(p.summary(kab)[0].html()))


def test_one_reporting_desa_without_its_row_means_the_monthly_average_for_its_units(reach_data, reach_cache):
    ctx = _context(PARTIAL_KEC, reach_cache)
    yearly, monthly = _yearly(reach_data, PARTIAL_KEC), _monthly(reach_data, PARTIAL_KEC)
    assert monthly["kode_desa"].nunique() == yearly["kode_desa"].nunique() + 1
    shown = section_table(p.evaluation_table(ctx), "evaluasi-indikator").set_index("Indikator")
    for i in REACH:  # a sum over the other desa only would not be the kecamatan's reach
        _assert_row(shown.loc[i.label], _pct(monthly, i), "rata-rata bulanan")
    desa = section_table(p.scorecard(ctx), "rapor-desa")
    assert (desa["Dasar"] == "jangkauan setahun").sum() == len(yearly)
    assert (desa["Dasar"] == "rata-rata bulanan").sum() == 1


def test_a_blank_figure_means_the_monthly_average_for_that_indicator_only(reach_data, reach_cache):
    ctx = _context(BLANK_KEC, reach_cache)
    yearly, monthly = _yearly(reach_data, BLANK_KEC), _monthly(reach_data, BLANK_KEC)
    shown = section_table(p.evaluation_table(ctx), "evaluasi-indikator").set_index("Indikator")
    for i in REACH:
        if i.key == "catin_didampingi":
            _assert_row(shown.loc[i.label], _pct(monthly, i), "rata-rata bulanan")
        else:
            _assert_row(shown.loc[i.label], _pct(yearly, i), "jangkauan setahun")
    summary = _words(p.summary(ctx)[0].html())
    assert ("menurut capaian tahunan (rata-rata bulanan untuk Catin didampingi dan TPK melapor, jangkauan setahun "
            "untuk indikator lainnya; lihat Metode)") in summary
    desa = section_table(p.scorecard(ctx), "rapor-desa")
    assert (desa["Dasar"] == "jangkauan setahun; rata-rata bulanan: Catin didampingi").sum() == 1


def test_without_the_reach_file_the_evaluation_builds_on_the_monthly_average(data, tmp_path):
    (data / "jangkauan.csv").unlink()
    result = CliRunner().invoke(main, ["validate", "--data", str(data)])
    assert result.exit_code == 0 and "Data valid" in result.output, result.output
    nb = run_evaluation("16.06", data, tmp_path / "cache", tmp_path)
    shown = nb_table(nb, "evaluasi-indikator").set_index("Indikator")
    monthly = _monthly(data, "16.06")
    for i in ind.PENDAMPINGAN_INDICATORS:
        _assert_row(shown.loc[i.label], _pct(monthly, i), "rata-rata bulanan")
    assert set(nb_table(nb, "rapor-kecamatan")["Dasar"]) == {"rata-rata bulanan"}
    assert "menurut capaian tahunan (rata-rata bulanan untuk semua indikator; lihat Metode)" in _words(_html(nb))


# ---------------------------------------------------------------- the input, validated like the others


def _validate(d: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["validate", "--data", str(d)])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_reach_above_its_sasaran_is_refused_naming_file_row_and_column(data):
    j = pd.read_csv(data / "jangkauan.csv", dtype=str, keep_default_na=False)
    j.loc[2, "krs_didampingi"] = str(int(j.loc[2, "krs_sasaran"]) + 1)
    j.to_csv(data / "jangkauan.csv", index=False)
    code, out = _validate(data)
    assert code == 1 and "Data TIDAK valid" in out
    line = next(ln for ln in out.splitlines() if "jangkauan.csv, baris 4" in ln)
    assert "kolom krs_didampingi" in line and f"> krs_sasaran {j.loc[2, 'krs_sasaran']}" in line
    assert "tidak boleh melebihi sasarannya" in line


def test_reach_columns_are_optional_but_a_numerator_needs_its_denominator(data):
    j = pd.read_csv(data / "jangkauan.csv", dtype=str, keep_default_na=False)
    keep = ["kode_desa", "tahun", "krs_sasaran", "krs_didampingi"]
    j[keep].to_csv(data / "jangkauan.csv", index=False)  # only the KRS figures: valid
    code, out = _validate(data)
    assert code == 0, out
    j[[*keep, "catin_didampingi"]].to_csv(data / "jangkauan.csv", index=False)
    code, out = _validate(data)
    line = next(ln for ln in out.splitlines() if "kolom catin_didampingi" in ln)
    assert code == 1 and "jangkauan.csv, baris 1" in line and "kolom catin_terdaftar tidak ada" in line


def test_reach_columns_come_from_each_indicators_annual_basis():
    from ranpasti.ingest.schema import TABLES

    spec = TABLES[ind.REACH_TABLE]
    counts = [c for c in spec.columns if c.kind == "count"]
    assert {c.name for c in counts} == {x for i in REACH for x in (i.numerator, i.denominator)}
    assert not spec.required_file and not any(c.required for c in counts)
    assert set(spec.ratios) == {(i.numerator, i.denominator) for i in REACH}
    assert [i.key for i in AVERAGE] == ["tpk_lapor"]
