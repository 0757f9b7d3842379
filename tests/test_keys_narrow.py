"""Honest, narrow page keys (issue 33, point 4): a change to one desa's count re-executes the pages that read it,
and no others: that kecamatan's, its kabupaten's, its province's and the nation's pages for the periods that
show it, never an evaluation of an earlier year.

One real build (``build.build``, the built-in renderer) of a few units of two provinces, then two edits to the
data, each followed by a rebuild; what a build re-executed is read from its ledger (``build/ledger.jsonl``: one
line appended per page executed). That build starts from a copy of the few-unit project built once per test
run (``built_project("incremental")``, 8 of these 11 units): it executes the 3 units the shared one lacks, and
only those. The masking part of the keys is checked on plans alone (no execution).
"""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd
import pytest
from support import INCREMENTAL_UNITS, copy_project, copy_sample_data

from ranpasti.build import BuildOptions, build
from ranpasti.ingest.store import MASKED_INDICATOR, ingest
from ranpasti.plan.params import load_pages, write_params
from ranpasti.reference.regions import load_regions
from ranpasti.reference.urls import page_dir
from ranpasti.run.execute import plan

pytestmark = pytest.mark.slow  # executes the sample's pages

ROOT = Path(__file__).resolve().parents[1]
KEC = "16.05.03"  # Muara Kelingi, Musi Rawas (16.05), Sumatera Selatan (16)
SIBLINGS = ("16.05.01", "16.05.08")
UNITS = ("ID", "16", "18", "16.05", KEC, *SIBLINGS, "16.06", "16.06.01", "18.13", "18.13.01")
YEARS = (2023, 2024, 2025)  # the sample's years with a December: one evaluation page each
LATEST = "2026-10"  # the sample's latest month: what the progress pages show
# (numerator, denominator) of the indicators a small edit may touch without touching the masked one's counts
EDITABLE = (("catin_didampingi", "catin_terdaftar"), ("bumil_didampingi", "bumil_sasaran"),
            ("baduta_didampingi", "baduta_sasaran"), ("pascasalin_didampingi", "pascasalin_sasaran"))


def pages(*units: str, years: tuple[int, ...] = (), progress: bool = True) -> set[str]:
    regions = load_regions()
    out = {page_dir(regions, u) for u in units} if progress else set()
    return out | {page_dir(regions, u, "evaluasi", y) for u in units for y in years}


def ledger_lines(opts: BuildOptions) -> list[str]:
    path = opts.build_dir / "ledger.jsonl"
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def rebuild(opts: BuildOptions) -> tuple[set[str], int]:
    """Build again; the pages it executed (the ledger's new lines) and how many it published."""
    before = len(ledger_lines(opts))
    report = build(opts, log=lambda _m: None)
    assert report.published and not report.failures
    executed = {json.loads(line)["page"] for line in ledger_lines(opts)[before:]}
    assert len(executed) == report.executed
    return executed, report.pages


def notebook(opts: BuildOptions, page: str) -> str:
    return (opts.build_dir / "notebooks" / page / "index.ipynb").read_text(encoding="utf-8")


def shown(num: float, den: float) -> tuple[str, str]:
    """A percentage rounded half-up to one and to two decimals: what any page could show of it."""
    value = Decimal(repr(float(100 * num / den)))
    return (str(value.quantize(Decimal("0.1"), ROUND_HALF_UP)), str(value.quantize(Decimal("0.01"), ROUND_HALF_UP)))


def invisible_edit(pend: pd.DataFrame, year: int) -> tuple[str, str, int]:
    """An indicator and a ±1 edit to one of KEC's desa in ``year`` that leaves every annual figure of that year
    outside KEC as shown (its kabupaten's, province's and the nation's, on the monthly-average basis) unchanged
    at one and two decimals: so no page outside the chain shows a changed figure. Computed from the CSV."""
    rows = pend[pend["bulan"].str.startswith(f"{year}-")]
    for num, den in EDITABLE:
        for delta in (-1, 1):
            steady = True
            for prefix in ("16.05.", "16.", ""):
                inside = rows[rows["kode_desa"].str.startswith(prefix)]
                n, d = inside[num].astype(float).sum(), inside[den].astype(float).sum()
                steady &= shown(n, d) == shown(n + delta, d)
            if steady:
                return num, den, delta
    raise AssertionError(f"no edit of {year} leaves the figures outside {KEC} as shown")


def edit(opts: BuildOptions, month: str, num: str, den: str, delta: int) -> None:
    """``delta`` added to ``num`` of the first of KEC's desa in ``month`` where it stays a valid count."""
    path = opts.data_dir / "pendampingan.csv"
    pend = pd.read_csv(path, dtype=str)
    after = pend[num].astype(int) + delta
    mine = (pend["kode_desa"].str.startswith(KEC + ".") & (pend["bulan"] == month) & (after >= 0)
            & (after <= pend[den].astype(int)))
    row = pend.index[mine][0]
    pend.loc[row, num] = str(int(pend.loc[row, num]) + delta)
    pend.to_csv(path, index=False)


@pytest.fixture(scope="module")
def shared_project(tmp_path_factory, built_project) -> tuple[Path, BuildOptions]:
    """A copy of the shared few-unit project, built for ``UNITS`` (its options relative to its folder, as
    ``ranpasti build`` run there): (folder, options). The module's tests edit it in turn."""
    shared = built_project("incremental")
    added = tuple(u for u in UNITS if u not in INCREMENTAL_UNITS)
    assert set(INCREMENTAL_UNITS) <= set(UNITS) and added == (KEC, "16.06", "16.06.01")
    tmp = tmp_path_factory.mktemp("kunci")
    with pytest.MonkeyPatch.context() as mp:
        opts = replace(copy_project(shared, tmp, mp), only=UNITS, jobs=2)
        executed, total = rebuild(opts)
    # the pages of the units the shared build lacks are executed, and only those: the shared units' pages
    # (the nation's and the provinces' among them) read what they read before
    assert executed == pages(*added, years=YEARS) and total == len(pages(*UNITS, years=YEARS))
    return tmp / "proyek", opts


@pytest.fixture
def project(shared_project, monkeypatch) -> BuildOptions:
    """The module's project, made the current directory (its options are relative to it)."""
    root, opts = shared_project
    monkeypatch.chdir(root)
    return opts


def test_latest_month_changed_redoes_its_progress_chain_only(project):
    """One desa's October 2026 count: the progress pages of its kecamatan, kabupaten, province and the
    nation, which show October 2026; not the 2023–2025 evaluations, not the sibling kecamatan, not Lampung."""
    opts = project
    pend = pd.read_csv(opts.data_dir / "pendampingan.csv", dtype=str)
    num, den, delta = invisible_edit(pend, 2026)
    before = notebook(opts, page_dir(load_regions(), KEC))
    edit(opts, LATEST, num, den, delta)
    executed, _ = rebuild(opts)
    assert executed == pages(KEC, "16.05", "16", "ID")
    assert notebook(opts, page_dir(load_regions(), KEC)) != before  # (it shows the new count)
    # built again with nothing changed: nothing re-executed
    assert rebuild(opts)[0] == set()


def test_a_2024_change_redoes_the_2024_and_later_pages_of_its_chain(project):
    """A 2024 count: the 2024 and 2025 evaluations and the progress pages of the kecamatan, its kabupaten, the
    province and the nation (whose evaluations list every kabupaten); never 2023's evaluations, nor the
    siblings' or other kabupaten's evaluations (the edit leaves every figure they show from outside as it was
    shown)."""
    opts = project
    pend = pd.read_csv(opts.data_dir / "pendampingan.csv", dtype=str)
    num, den, delta = invisible_edit(pend, 2024)
    page = page_dir(load_regions(), KEC, "evaluasi", 2024)
    before = notebook(opts, page)
    edit(opts, "2024-05", num, den, delta)
    executed, _ = rebuild(opts)
    assert executed == pages(KEC, "16.05", "16", "ID", years=(2024, 2025))
    assert notebook(opts, page) != before


def keys_of(root: Path) -> dict[str, str]:
    store, _ = ingest(root / "data", root / "cache")
    return {j.page: j.key for j in plan(load_pages(root / "params", store), store, ROOT / "notebooks",
                                        root / "nb", Path("cache"))}


def test_masking_inputs_reach_a_sibling_kecamatan_only_where_something_can_be_masked(tmp_path):
    """The masking decision is made per kabupaten-year: a sibling kecamatan's figures may be masked to protect
    another's small count. So a change to the masked indicator's counts is in every kecamatan page's key of
    that kabupaten from that year on, once the kabupaten-year has a count small enough to mask; a year
    without one (the sample's) masks nothing and leaves the siblings alone, and other indicators never reach
    them."""
    root = tmp_path / "proyek"
    copy_sample_data(root / "data")
    path = root / "data" / "pendampingan.csv"
    pend = pd.read_csv(path, dtype=str)
    store, _ = ingest(root / "data", root / "cache")
    write_params(store, root / "params")
    main = MASKED_INDICATOR
    assert main == "krs_didampingi"  # the pages' MAIN_INDICATOR: what the masking decides on

    def change(col: str, month: str) -> set[str]:
        before = keys_of(root)
        rows = pend.index[pend["kode_desa"].str.startswith(KEC + ".") & (pend["bulan"] == month)
                          & (pend[col].astype(int) > 1)]
        pend.loc[rows[0], col] = str(int(pend.loc[rows[0], col]) - 1)
        pend.to_csv(path, index=False)
        after = keys_of(root)
        return {p for p in after if after[p] != before.get(p)}

    sibling_2025 = pages(SIBLINGS[0], years=(2025,))
    chain = pages(KEC, "16.05", years=(2025,)) | pages("16", "ID")
    # the sample has no small count: a change to the masked indicator stays in its chain
    changed = change(main, "2025-03")
    assert chain <= changed and not changed & sibling_2025
    # a desa of another kecamatan with 3 families in March 2025: Musi Rawas 2025 can mask
    small = pend.index[pend["kode_desa"].str.startswith(SIBLINGS[1] + ".") & (pend["bulan"] == "2025-03")][0]
    pend.loc[small, ["krs_sasaran", "krs_didampingi"]] = ["3", "2"]
    pend.to_csv(path, index=False)
    keys_of(root)
    changed = change(main, "2025-03")
    assert sibling_2025 <= changed  # its 2025 evaluation and its progress page (2026 shows 2025's years too)
    assert not changed & pages(SIBLINGS[0], years=(2023, 2024), progress=False)  # earlier years: no small count
    assert not any(p.startswith(page_dir(load_regions(), "16.06")) for p in changed)  # nor another kabupaten
    # another indicator's count is not an input of the masking decision
    changed = change("catin_didampingi", "2025-03")
    assert not changed & sibling_2025


def test_rows_of_a_later_year_never_reach_an_earlier_evaluation(tmp_path):
    """Every input's rows by year, not only pendampingan's: a 2025 Lokmin meeting of the kecamatan changes the
    2025 evaluations and the progress pages of its chain, never the 2023 and 2024 evaluations."""
    root = tmp_path / "proyek"
    copy_sample_data(root / "data")
    store, _ = ingest(root / "data", root / "cache")
    write_params(store, root / "params")
    before = keys_of(root)
    lok = pd.read_csv(root / "data" / "lokmin.csv", dtype=str)
    row = lok.index[(lok["kode_kecamatan"] == KEC) & lok["tanggal"].str.startswith("2025")][0]
    lok.loc[row, "rencana_tindak_lanjut"] += " (diperbarui)"
    lok.to_csv(root / "data" / "lokmin.csv", index=False)
    after = keys_of(root)
    changed = {p for p in after if after[p] != before[p]}
    assert changed == pages(KEC, "16.05", "16", "ID", years=(2025,))


def test_a_kecamatan_evaluation_is_redone_when_its_kabupatens_figure_as_shown_changes(tmp_path):
    """A kecamatan evaluation shows its kabupaten's annual figures (``Context.kabupaten_year``): its key holds
    them as shown, so a sibling's change that moves one redoes that year's evaluation of every kecamatan of
    the kabupaten, and no other year's; the figure the page shows did change."""
    from ranpasti.pages import open_context

    root = tmp_path / "proyek"
    copy_sample_data(root / "data")
    store, _ = ingest(root / "data", root / "cache")
    write_params(store, root / "params")
    before = keys_of(root)

    def shown_tpk() -> float:
        ctx = open_context(SIBLINGS[0], tahun=2024, kind="evaluasi", data_dir=root / "data",
                           cache_dir=root / "cache")
        kab = ctx.kabupaten_year()
        return float(kab.loc[kab["indikator"] == "tpk_lapor", "nilai"].iloc[0])

    was = shown_tpk()
    path = root / "data" / "pendampingan.csv"
    pend = pd.read_csv(path, dtype=str)
    pend.loc[pend["kode_desa"].str.startswith(KEC + ".") & pend["bulan"].str.startswith("2024-"), "tpk_lapor"] = "0"
    pend.to_csv(path, index=False)  # Muara Kelingi's TPK sent no report in 2024: Musi Rawas' 2024 rate drops
    after = keys_of(root)
    changed = {p for p in after if after[p] != before[p]}
    assert pages(*SIBLINGS, years=(2024,), progress=False) <= changed
    assert not changed & pages(*SIBLINGS, years=(2023, 2025))  # their progress pages show no kabupaten figure
    assert round(shown_tpk(), 1) < round(was, 1)
