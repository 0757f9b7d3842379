"""Indicators against hand-computed values, formats, and the reference regions for the whole country."""

from __future__ import annotations

import datetime as dt
import math
import re

import numpy as np
import pandas as pd
import pytest

from ranpasti.core import fmt
from ranpasti.core.slugs import slugify
from ranpasti.reference import indicators as ind
from ranpasti.reference.config import Config
from ranpasti.reference.regions import ancestor, ancestors, load_regions

# Two kecamatan, three desa, two months. Hand arithmetic in the comments.
PEND = pd.DataFrame({
    "kode_desa": ["16.05.01.2001", "16.05.01.2002", "16.05.02.2001"] * 2,
    "bulan": ["2024-01"] * 3 + ["2024-02"] * 3,
    "krs_sasaran": [10, 30, 0, 10, 30, 20],
    "krs_didampingi": [5, 15, 0, 8, 27, 10],
    **{c: [0] * 6 for c in ("catin_terdaftar", "catin_didampingi", "bumil_sasaran", "bumil_didampingi",
                            "pascasalin_sasaran", "pascasalin_didampingi", "pascasalin_kb", "baduta_sasaran",
                            "baduta_didampingi", "tpk_jumlah", "tpk_lapor")},
})
KRS = [i for i in ind.PENDAMPINGAN_INDICATORS if i.key == "krs_didampingi"]


def values(frame: pd.DataFrame) -> dict:
    return {tuple(r[:-1]): r[-1] for r in frame.itertuples(index=False)}


def test_monthly_capaian_sums_before_dividing():
    out = ind.capaian(PEND, "kecamatan", by_month=True, indicators=KRS)
    v = values(out[["kode", "bulan", "nilai"]])
    assert v[("16.05.01", "2024-01")] == pytest.approx(50.0)  # (5 + 15) / (10 + 30), not mean(50%, 50%)
    assert v[("16.05.01", "2024-02")] == pytest.approx(87.5)  # (8 + 27) / 40
    assert math.isnan(v[("16.05.02", "2024-01")])  # 0 / 0: no data, not 0% and not an error
    assert v[("16.05.02", "2024-02")] == pytest.approx(50.0)  # 10 / 20


def test_annual_capaian_sums_over_months_and_desa():
    out = ind.capaian(PEND, "kabupaten", by_month=False, indicators=KRS)
    row = out.iloc[0]
    assert (row["kode"], row["pembilang"], row["penyebut"]) == ("16.05", 65, 100)  # 5+15+0+8+27+10 / 10+30+0+10+30+20
    assert row["nilai"] == pytest.approx(65.0)
    kec = values(ind.capaian(PEND, "kecamatan", by_month=False, indicators=KRS)[["kode", "nilai"]])
    assert kec[("16.05.01",)] == pytest.approx(55 / 80 * 100)
    assert kec[("16.05.02",)] == pytest.approx(50.0)


def test_zero_denominator_everywhere_is_no_data():
    zero = PEND.assign(krs_sasaran=0, krs_didampingi=0)
    out = ind.capaian(zero, "provinsi", by_month=False, indicators=KRS)
    assert out["nilai"].isna().all()
    assert fmt.percent(out["nilai"].iloc[0]) == "tidak ada data"


def test_kampung_kb_coverage():
    desa = pd.DataFrame({"nama": ["a", "b", "c", "d"], "kode_kecamatan": ["16.05.01"] * 2 + ["16.05.02"] * 2},
                        index=["16.05.01.2001", "16.05.01.2002", "16.05.02.2001", "16.05.02.2002"])
    kkb = pd.DataFrame({"kode_desa": ["16.05.01.2001", "16.05.02.2001", "16.05.02.2002"],
                        "tahun_terbentuk": [2020, 2022, 2025]})
    out = values(ind.kampung_kb(kkb, desa, "kecamatan", 2024)[["kode", "nilai"]])
    assert out[("16.05.01",)] == pytest.approx(50.0)  # 1 of 2
    assert out[("16.05.02",)] == pytest.approx(50.0)  # 2025 is after the year evaluated
    kab = ind.kampung_kb(kkb, desa, "kabupaten", 2025)
    assert kab["nilai"].iloc[0] == pytest.approx(75.0)


TARGETS = pd.DataFrame({"indikator": ["krs_didampingi", "prevalensi_stunting", "krs_didampingi"],
                        "tahun": [2023, 2024, 2024], "target": [80.0, 14.0, 90.0], "arah": ["naik", "turun", "naik"],
                        "sumber": ["t2023", "RPJMN", "t2024"]})


def test_capaian_vs_target_both_directions():
    vals = pd.DataFrame({"kode": ["x", "y"], "indikator": ["krs_didampingi", "prevalensi_stunting"],
                         "nilai": [72.0, 21.0]})
    out = ind.with_target(vals, TARGETS, 2024, Config()).set_index("indikator")
    assert out.loc["krs_didampingi", "capaian_target"] == pytest.approx(80.0)  # 72 / 90 × 100
    assert out.loc["prevalensi_stunting", "capaian_target"] == pytest.approx(14 / 21 * 100)  # reversed: lower is better
    assert out.loc["krs_didampingi", "sumber_target"] == "t2024"


def test_a_year_without_its_own_target_has_none():
    """Issue 16: 2025 silently got 2024's 14 %. A target is for its year; none is carried forward."""
    vals = pd.DataFrame({"kode": ["x"], "indikator": ["krs_didampingi"], "nilai": [60.0]})
    out = ind.with_target(vals, TARGETS, 2023, Config())
    assert out["target"].iloc[0] == 80.0 and out["capaian_target"].iloc[0] == pytest.approx(75.0)
    later = ind.with_target(vals, TARGETS, 2026, Config())
    assert math.isnan(later["target"].iloc[0]) and math.isnan(later["capaian_target"].iloc[0])
    assert later["band"].iloc[0] == "Tidak ada target" and later["arah"].iloc[0] == "naik"


def test_the_most_specific_target_of_a_region_applies():
    """A kabupaten's RPJMD/RAD target beats its province's, which beats the national one (``ID``)."""
    targets = pd.DataFrame({"indikator": ["krs_didampingi"] * 3, "kode_wilayah": ["ID", "16", "16.05"],
                            "tahun": [2024] * 3, "target": [90.0, 85.0, 95.0], "arah": ["naik"] * 3,
                            "sumber": ["nasional", "RAD Sumsel", "RPJMD Musi Rawas"]})
    vals = pd.DataFrame({"kode": ["16.05.01", "16.05", "16.06.02", "18.13", "ID"], "indikator": "krs_didampingi",
                         "nilai": 80.0})
    out = ind.with_target(vals, targets, 2024, Config())
    assert list(out["target"]) == [95.0, 95.0, 85.0, 90.0, 90.0]
    assert list(out["sumber_target"]) == ["RPJMD Musi Rawas", "RPJMD Musi Rawas", "RAD Sumsel", "nasional",
                                          "nasional"]


def test_the_sample_targets_follow_the_rpjmn(tmp_path):
    """2023 on the RPJMN 2020–2024 path (16, not 14), 2025 at 18,8 % and 2029 at 14,2 % (RPJMN 2025–2029);
    RAN PASTI's pendampingan targets end in 2024: after it a kabupaten has its own target (Musi Rawas), its
    province's (Musi Banyuasin, Sumatera Selatan) or none (Pesisir Barat, Lampung)."""
    from pathlib import Path

    from ranpasti.ingest.store import ingest

    store, _ = ingest(Path(__file__).resolve().parents[1] / "data", tmp_path / "cache")
    targets = store.table("target")

    def at(kode: str, year: int) -> pd.DataFrame:
        rows = pd.DataFrame({"kode": kode, "indikator": ["prevalensi_stunting", "krs_didampingi"], "nilai": 20.0})
        return ind.with_target(rows, targets, year, Config()).set_index("indikator")

    got = {year: at("18.13", year) for year in (2023, 2024, 2025, 2026, 2029)}
    assert [got[y].loc["prevalensi_stunting", "target"] for y in (2023, 2024, 2025, 2029)] == [16.0, 14.0, 18.8, 14.2]
    assert got[2025].loc["prevalensi_stunting", "sumber_target"] == "RPJMN 2025–2029"
    assert got[2024].loc["krs_didampingi", "target"] == 90.0
    for year in (2025, 2026):
        assert got[year].loc["krs_didampingi", "band"] == "Tidak ada target"
        assert at("16.05", year).loc["krs_didampingi", "target"] == 80.0  # the kabupaten's own
        assert at("16.06", year).loc["krs_didampingi", "target"] == 85.0  # its province's
        assert at("16.06.01", year).loc["krs_didampingi", "target"] == 85.0  # a kecamatan: the nearest above it
    assert got[2026].loc["prevalensi_stunting", "band"] == "Tidak ada target"


@pytest.mark.parametrize(("value", "band"), [
    (100.0, "Tercapai"), (130.0, "Tercapai"), (99.99, "Hampir tercapai"), (80.0, "Hampir tercapai"),
    (79.99, "Perlu perhatian"), (60.0, "Perlu perhatian"), (59.9, "Jauh dari target"), (0.0, "Jauh dari target"),
    (float("nan"), "Tidak ada data"),
])
def test_bands_at_the_thresholds(value, band):
    labels, _colors = ind.bands(np.array([value]), Config())
    assert labels[0] == band
    assert Config().band(value).label == band


def test_indonesian_formats():
    assert fmt.number(1234.5, 1) == "1.234,5"
    assert fmt.number(1234567) == "1.234.567"
    assert fmt.percent(72.5649) == "72,6%"
    assert fmt.percent(float("nan")) == fmt.number(None) == "tidak ada data"
    assert fmt.date(dt.date(2024, 12, 31)) == "31 Desember 2024"
    assert fmt.month("2024-08") == "Agustus 2024"


# ---------------------------------------------------------------- regions


def test_ancestor_of_a_code_at_each_level():
    """One helper for "the unit at this level that a code lies in" (no ``code[:5]`` cuts elsewhere)."""
    desa = "16.05.01.2001"
    assert [ancestor(desa, lv) for lv in ("nasional", "provinsi", "kabupaten", "kecamatan", "desa")] == [
        "ID", "16", "16.05", "16.05.01", desa]
    assert ancestor("16.05", "kabupaten") == "16.05"
    with pytest.raises(ValueError):
        ancestor("16.05", "kecamatan")  # a kabupaten lies in no kecamatan
    codes = pd.Series([desa, "35.01.02.2003"], index=[7, 9])
    assert ancestors(codes, "kecamatan").tolist() == ["16.05.01", "35.01.02"]
    assert ancestors(codes, "nasional").tolist() == ["ID", "ID"]
    assert ind.unit_codes(codes, "provinsi").index.tolist() == [7, 9]


def test_whole_country_counts():
    r = load_regions()
    assert len(r.provinsi) == 38
    assert len(r.kabupaten) == 514
    assert len(r.kecamatan) >= 7277
    assert len(r.desa) >= 83_700


def test_seed_regencies():
    r = load_regions()
    for kode, kec, desa in (("16.05", 14, 199), ("16.06", 15, 242), ("18.13", 11, 118)):
        assert len(r.children(kode)) == kec
        assert len(r.desa_of(kode)) == desa
    assert r.path("16.05.01") == "kabupaten-musi-rawas/tugumulyo"


def test_slugs_unique_ascii_and_prefixed_for_the_whole_country():
    r = load_regions()
    slugs = r.kabupaten["slug"]
    assert slugs.is_unique
    assert slugs.str.match(r"^(kabupaten|kota)-[a-z0-9-]+$").all()
    assert r.kecamatan.groupby("kode_kabupaten")["slug"].apply(lambda s: s.is_unique).all()
    assert r.kecamatan["slug"].str.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*").all()
    assert r.provinsi["slug"].str.startswith("provinsi-").all()
    # no kecamatan slug can collide with an evaluation page folder
    assert not r.kecamatan["slug"].str.fullmatch(r"evaluasi-\d{4}").any()


def test_slugify_is_deterministic():
    assert slugify("Kota Bandung") == "kota-bandung"
    assert slugify("Kabupaten Bandung") == "kabupaten-bandung"
    assert slugify("Lawe Sigala-Gala") == "lawe-sigala-gala"
    assert slugify("BTS. Ulu") == "bts-ulu"
    assert re.fullmatch(r"[a-z0-9-]+", slugify("Soka'an Ja\"an Café"))


def test_units_inside_a_unit_are_the_block_a_string_scan_finds():
    """``regions.inside`` binary-searches a copy of the codes it keeps per table: it must find exactly the rows
    a plain prefix scan finds, at every level, at the ends of a table, and for a code without children; and
    a stream of other tables must not make it keep them all."""
    from ranpasti.reference import regions as regions_module
    from ranpasti.reference.regions import inside, load_regions

    r = load_regions()
    cases = [(r.kabupaten, "16"), (r.kecamatan, "16.05"), (r.desa, "16.05.01"), (r.desa, r.kecamatan.index[0]),
             (r.desa, r.kecamatan.index[-1]), (r.desa, "99.99.99"), (r.kecamatan, "11"), (r.desa, "16.05.0")]
    for table, kode in cases:
        expected = table[table.index.str.startswith(kode + ".")]
        assert list(inside(table, kode).index) == list(expected.index), kode
    for n in range(3 * regions_module.SEARCH_KEYS_KEPT):
        other = pd.DataFrame({"nama": ["a", "b"]}, index=[f"{n}.1", f"{n}.2"])
        assert list(inside(other, str(n)).index) == [f"{n}.1", f"{n}.2"]
    assert len(regions_module._SEARCH_KEYS) <= regions_module.SEARCH_KEYS_KEPT
