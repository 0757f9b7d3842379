"""Issue 33, item 1 (first slice): the facts phase computes every pendampingan figure once for the whole
cache, and each equals what the page library computes for that unit, period and basis."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ranpasti import facts
from ranpasti import indicators as ind
from ranpasti.config import Config
from ranpasti.regions import load_regions
from ranpasti.store import Store, ingest

ROOT = Path(__file__).resolve().parents[1]
KEY = ["tingkat", "kode", "periode", "indikator", "dasar"]


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Store:
    cache = tmp_path_factory.mktemp("facts") / "cache"
    store, _ = ingest(ROOT / "data", cache)
    return store


@pytest.fixture(scope="module")
def table(store) -> pd.DataFrame:
    return facts.table(store)


def test_one_row_per_unit_indicator_period_and_basis(table):
    assert not table.duplicated(KEY).any()
    assert set(table["tingkat"]) == {"desa", "kecamatan", "kabupaten", "provinsi", "nasional"}
    year = table[table["periode"] == "2025-01..2025-12"]
    assert {ind.BASIS_AVERAGE, ind.BASIS_REACH} <= set(year["dasar"])
    assert set(table.loc[table["tingkat"].isin(["provinsi", "nasional"]), "dasar"]) == {ind.BASIS_AVERAGE}


@pytest.mark.parametrize("level", ["desa", "kecamatan", "kabupaten"])
@pytest.mark.parametrize("months", [("2025-03", "2025-03"), ("2025-01", "2025-10"), ("2024-07", "2024-12")])
def test_facts_equal_the_library(store, table, level, months):
    """Σ numerator ÷ Σ denominator over the months, with the target and band of ``with_target``."""
    rows = store.pendampingan("16.05")
    rows = rows[(rows["bulan"] >= months[0]) & (rows["bulan"] <= months[1])]
    year = int(months[0][:4])
    expected = ind.with_target(ind.capaian(rows, level, by_month=False), store.table("target"), year, Config())
    periode = months[0] if months[0] == months[1] else f"{months[0]}..{months[1]}"
    got = table[(table["tingkat"] == level) & (table["periode"] == periode) & (table["dasar"] == ind.BASIS_AVERAGE)
                & table["kode"].str.startswith("16.05")].set_index(["kode", "indikator"])
    want = expected.set_index(["kode", "indikator"])
    assert len(got) == len(want)
    got = got.reindex(want.index)
    for col in ("pembilang", "penyebut", "nilai", "target", "capaian_target"):
        np.testing.assert_allclose(got[col].to_numpy(float), want[col].to_numpy(float), equal_nan=True)
    assert (got["band"].to_numpy() == want["band"].to_numpy()).all()


def test_reach_rows_equal_the_annual_rule(store, table):
    rows = store.pendampingan("16.06")
    rows = rows[rows["bulan"].str.startswith("2025-")]
    reach = store.table(ind.REACH_TABLE, "16.06")
    want = ind.annual(rows, reach[reach["tahun"] == 2025], "kecamatan")
    want = want[want["dasar"] == ind.BASIS_REACH].set_index(["kode", "indikator"])
    got = table[(table["tingkat"] == "kecamatan") & (table["periode"] == "2025-01..2025-12")
                & (table["dasar"] == ind.BASIS_REACH) & table["kode"].str.startswith("16.06")]
    got = got.set_index(["kode", "indikator"]).reindex(want.index)
    assert len(want)
    np.testing.assert_allclose(got["nilai"].to_numpy(float), want["nilai"].to_numpy(float))


def test_rank_ties_shared_and_change_on_the_same_basis(table):
    kec = table[(table["tingkat"] == "kecamatan") & (table["periode"] == "2025-01..2025-12")
                & (table["indikator"] == "krs_didampingi") & (table["induk"] == "16.05")]
    for _, group in kec.groupby("dasar"):
        ranked = group.dropna(subset=["nilai"]).sort_values("nilai", ascending=False)
        assert ranked["peringkat"].iloc[0] == 1
        assert (ranked["nilai"].rank(ascending=False, method="min").to_numpy() == ranked["peringkat"].to_numpy()).all()
    before = table.set_index(KEY)["nilai"]
    for r in kec.dropna(subset=["nilai_sebelumnya"]).itertuples():
        assert r.nilai_sebelumnya == before[("kecamatan", r.kode, "2024-01..2024-12", r.indikator, r.dasar)]


def test_written_under_the_build_folder_keyed_by_content(store, tmp_path):
    first = facts.build(store, tmp_path)
    assert first.parent == tmp_path / "facts" and facts.key(store) in first.name
    assert facts.build(store, tmp_path) == first  # same content: not computed again
    assert len(pd.read_parquet(first)) == len(facts.load(store, tmp_path))
    assert list(facts.load(Store(store.dir, load_regions())).columns) == facts.COLUMNS  # on demand, no build
