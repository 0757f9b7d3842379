"""Issue 33, item 1 (first slice): the facts phase computes every pendampingan figure once for the whole
cache, and each equals what the page library computes for that unit, period and basis."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from support import copy_sample_data, facts_built_on

from ranpasti import facts
from ranpasti.facts import disclosure, pendampingan
from ranpasti.ingest.store import Store, ingest
from ranpasti.pages.context import open_context
from ranpasti.reference import indicators as ind
from ranpasti.reference.config import Config
from ranpasti.reference.regions import load_regions

pytestmark = pytest.mark.slow  # computes the sample's facts (ingests the whole sample)

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


def _fresh(store: Store) -> Store:
    """A new ``Store`` on the same cache: nothing memoised (a new page worker)."""
    return Store(store.dir, load_regions())


@pytest.mark.parametrize("batch_rows", [1, 15_000, 10**9])  # a kabupaten, two, all of the sample's together
def test_parts_together_equal_the_whole_table(store, table, batch_rows, monkeypatch):
    """Partitioned by kabupaten (national scale): each kabupaten's desa and kecamatan rows, and the upper
    part's kabupaten, provinsi and nasional rows, computed on demand, are the whole table row for row, ranks
    among a province's kabupaten included, however many kabupaten are computed together."""
    monkeypatch.setattr(pendampingan, "BATCH_ROWS", batch_rows)
    fresh = _fresh(store)
    parts = [facts.load(fresh, name) for name in [*fresh.kabupaten_codes(), facts.UPPER]]
    assert set(parts[-1]["tingkat"]) == {"kabupaten", "provinsi", "nasional"}
    assert all(set(p["tingkat"]) <= {"desa", "kecamatan"} for p in parts[:-1])
    together = pd.concat(parts, ignore_index=True).sort_values(KEY).reset_index(drop=True)
    pd.testing.assert_frame_equal(together, table, check_exact=True)


@pytest.fixture(scope="module")
def built_facts(store, tmp_path_factory) -> tuple[Path, Path]:
    """The sample's facts written by ``facts.build`` into a build folder, once per module (the tests only read
    them, or build again with nothing to do): (build folder, what ``build`` returned)."""
    build_dir = tmp_path_factory.mktemp("facts-build")
    return build_dir, facts.build(store, build_dir)


def test_written_under_the_build_folder_keyed_by_content(store, table, built_facts):
    tmp_path, where = built_facts
    assert where == tmp_path / "facts" / "pendampingan"
    files = sorted(where.glob("*.parquet"))
    keys = facts.part_keys(store)
    assert sorted(p.name for p in files) == sorted(f"{n}-{k}.parquet" for n, k in keys.items())
    assert keys[facts.UPPER] == facts.key(store)
    stamps = {p: p.stat().st_mtime_ns for p in files}
    assert facts.build(store, tmp_path) == where  # same content: not computed again
    assert {p: p.stat().st_mtime_ns for p in where.glob("*.parquet")} == stamps
    written = pd.concat([pd.read_parquet(p) for p in files], ignore_index=True)
    pd.testing.assert_frame_equal(written.sort_values(KEY).reset_index(drop=True), table, check_exact=True,
                                  check_dtype=False)  # (Parquet reads strings back as pandas strings)


def test_select_reads_only_the_parts_it_needs(store, table, built_facts):
    fresh = _fresh(store)
    kab = fresh.kabupaten_codes()[0]
    periods = ["2025-01..2025-12", "2025-03"]
    got = facts.select(fresh, "kecamatan", kab, periods, ind.BASIS_AVERAGE)
    want = table[(table["tingkat"] == "kecamatan") & table["kode"].str.startswith(kab + ".")
                 & table["periode"].isin(periods) & (table["dasar"] == ind.BASIS_AVERAGE)]
    assert len(got) and len(got) == len(want)
    assert list(fresh.__dict__["_facts_memo"]["parts"]) == [kab]  # one kabupaten's part read, nothing else
    facts.select(fresh, "kabupaten", kab[:2], periods)
    assert list(fresh.__dict__["_facts_memo"]["parts"]) == [kab, facts.UPPER]
    for other in fresh.kabupaten_codes()[1:]:
        facts.select(fresh, "desa", other, periods)
    assert sum(n != facts.UPPER for n in fresh.__dict__["_facts_memo"]["parts"]) <= facts.KEPT


def test_on_demand_computes_only_the_part_asked(store, monkeypatch):
    """A notebook run by hand (no build: the cache points nowhere) computes its kabupaten's part only."""
    fresh = _fresh(store)
    fresh.__dict__["_facts_memo"] = {"paths": {}}
    monkeypatch.setattr(facts, "upper_part", lambda s: pytest.fail("upper part computed"))
    kab = fresh.kabupaten_codes()[0]
    assert len(facts.select(fresh, "desa", kab, ["2025-03"]))
    assert list(facts.load(fresh, kab).columns) == facts.COLUMNS


def test_a_changed_kabupaten_rewrites_its_part_and_the_upper_one_only(store, tmp_path, monkeypatch):
    where = facts.build(store, tmp_path)
    before = {p.name for p in where.glob("*.parquet")}
    changed = store.kabupaten_codes()[0]
    slices = {**store.slice_hashes(), changed: "another content"}
    monkeypatch.setattr(type(store), "slice_hashes", lambda self: slices)
    shares = {p.name for p in (where / facts.INPUTS).glob("*.parquet")}
    upper_before = pd.read_parquet(next(where.glob(f"{facts.UPPER}-*.parquet")))
    read = []
    real = pendampingan.batch_parts

    def batch(s: Store, codes: list[str], wanted: list[str], upper: bool):
        read.append((tuple(codes), tuple(wanted)))
        return real(s, codes, wanted, upper)

    monkeypatch.setattr(pendampingan, "batch_parts", batch)
    facts.build(store, tmp_path)
    after = {p.name for p in where.glob("*.parquet")}
    # only the changed kabupaten's rows are read: the upper part is remade from every other kabupaten's share
    assert read == [((changed,), (changed,))]
    shares_after = {p.name for p in (where / facts.INPUTS).glob("*.parquet")}
    assert {n.split("-")[0] for n in shares ^ shares_after} == {changed}
    upper_after = pd.read_parquet(next(where.glob(f"{facts.UPPER}-*.parquet")))
    pd.testing.assert_frame_equal(upper_after, upper_before, check_exact=True)  # (its rows did not change)
    gone, new = {n.split("-")[0] for n in before - after}, {n.split("-")[0] for n in after - before}
    assert gone == new == {changed, facts.UPPER}


def test_parts_computed_on_worker_processes_are_the_same_files(store, tmp_path, monkeypatch):
    """The build spreads the batches over the pages' workers (``LocalExecutor.map``, real processes): every
    part they write, and the upper part made from their shares, is the one computed here."""
    from ranpasti.run.executors import LocalExecutor

    facts_built_on(LocalExecutor(workers=2), store, tmp_path, monkeypatch)


SMALL_DESA = "16.05.01.2003"  # given 3 families targeted (2 accompanied) in December 2024 below
MAIN = facts.MAIN_INDICATOR


@pytest.fixture(scope="module")
def small_store(tmp_path_factory) -> Store:
    """The sample with one small desa-month: what the masking decision is about."""
    d = copy_sample_data(tmp_path_factory.mktemp("small") / "data")
    pend = pd.read_csv(d / "pendampingan.csv", dtype=str, keep_default_na=False)
    at = (pend["kode_desa"] == SMALL_DESA) & (pend["bulan"] == "2024-12")
    assert at.sum() == 1
    pend.loc[at, ["krs_sasaran", "krs_didampingi"]] = ["3", "2"]
    pend.to_csv(d / "pendampingan.csv", index=False)
    store, _ = ingest(d, d.parent / "cache")
    return store


def test_the_masking_decision_is_on_the_facts_rows_and_pages_only_read_it(small_store, monkeypatch):
    """Decided once when the kabupaten's part is computed (here on demand, as for a notebook run by hand):
    the small desa-month is primary ("< 5" on the page), every period of 2024 containing December is masked
    with it on both bases (a year minus eleven published months would give December back), and another
    desa of the kecamatan hides it from the kecamatan's total. A page then reads the decision: it never
    decides (``disclosure.decide`` fails here once the part is computed)."""
    fresh = _fresh(small_store)
    fresh.__dict__["_facts_memo"] = {"paths": {}}
    part = facts.load(fresh, "16.05")
    main = part[part["indikator"] == MAIN]
    month = main[(main["kode"] == SMALL_DESA) & (main["periode"] == "2024-12")].iloc[0]
    assert (month["samar"], bool(month["kecil"]), month["bawah"], month["atas"]) == (disclosure.PRIMARY, True, 1, 4)
    year = main[(main["kode"] == SMALL_DESA) & (main["periode"] == "2024-01..2024-12")]
    assert set(year["dasar"]) == {ind.BASIS_AVERAGE, ind.BASIS_REACH} and (year["samar"] != "").all()
    before = main[(main["kode"] == SMALL_DESA) & (main["periode"] == "2024-01..2024-11")]
    assert len(before) and (before["samar"] == "").all()  # months before December: nothing to hide
    december = main[(main["periode"] == "2024-12") & main["kode"].str.startswith("16.05.01.")]
    assert (december["samar"] == disclosure.COMPLEMENTARY).any()
    other = part[(part["kode"] == SMALL_DESA) & (part["indikator"] != MAIN)]
    assert len(other) and (other["samar"] == "").all()  # only the main indicator is masked

    monkeypatch.setattr(disclosure, "decide", lambda *a, **k: pytest.fail("a page decided the masking"))
    ctx = open_context("16.05.01", bulan="2024-12", store=fresh)
    desa = ctx.capaian("desa", ("2024-12", "2024-12"))
    shown = desa[(desa["kode"] == SMALL_DESA) & (desa["indikator"] == MAIN)].iloc[0]
    assert shown["samar"] == "< 5" and np.isnan(shown["penyebut"]) and np.isnan(shown["nilai"])
    assert shown["band"] == facts.MASKED_BAND[0]
    annual = ctx.annual("desa", 2024)
    assert (annual.loc[(annual["kode"] == SMALL_DESA) & (annual["indikator"] == MAIN), "samar"] == "disamarkan").all()
    record = ctx.published_figures()
    mine = record[(record["kode"] == SMALL_DESA) & (record["periode"] == "2024-12")].iloc[0]
    assert mine["samar"] == disclosure.PRIMARY and np.isnan(mine["penyebut"])  # what the audit reads


def test_a_kabupaten_reads_its_own_file_of_each_small_table(store):
    """Ingest writes every small table with a kabupaten code per kabupaten too: a kabupaten's (and its
    kecamatan's) rows are read from its file, so a page worker never holds the national table, and they are
    the national table's rows of that kabupaten, in the table's order."""
    split = [n for n in ("lokmin", "kampung_kb", "cakupan_layanan", "jangkauan", "krs_rekap")
             if (store.dir / n).is_dir()]
    assert split == ["lokmin", "kampung_kb", "cakupan_layanan", "jangkauan", "krs_rekap"]
    worker = _fresh(store)
    got = {(n, k): worker.table(n, k) for n in split for k in [*worker.kabupaten_codes(), "99.99"]}
    kecamatan = {n: worker.table(n, worker.kabupaten_codes()[0] + ".01") for n in split}
    assert not set(split) & set(worker.__dict__.get("_tables", {}))  # no national table read
    for name in split:
        whole = _fresh(store).table(name)
        for kab in worker.kabupaten_codes():
            want = whole[whole["kode_kabupaten"] == kab].reset_index(drop=True)
            pd.testing.assert_frame_equal(got[(name, kab)].reset_index(drop=True), want, check_exact=True)
        assert got[(name, "99.99")].empty and list(got[(name, "99.99")].columns) == list(whole.columns)
        first = worker.kabupaten_codes()[0] + ".01"
        want = whole[whole[next(c for c in ("kode_desa", "kode_kecamatan") if c in whole)].str.startswith(first)]
        pd.testing.assert_frame_equal(kecamatan[name].reset_index(drop=True), want.reset_index(drop=True))
