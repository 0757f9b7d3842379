"""The pendampingan indicators for every unit × period × basis, vectorised, one kabupaten at a time.

Ratios are summed before they are divided (``indicators``): a unit's figure over a period is Σ numerator ÷
Σ denominator of its desa-month rows. Periods are what pages show: each month, each range from January to a
month (a progress page's year to date; to December, the year), and the second semester. The year also has
its reach basis where the jangkauan table is complete for the unit (``indicators.annual``'s rule). Status,
rank and change are decided on the unrounded value; showing it is ``fmt.shown``'s job, once, in the view.

Partitioned (national scale: 3.8 M desa-month rows would give tens of millions of rows in one process): a
kabupaten's part (``kabupaten_part``) holds its desa and kecamatan rows, whose siblings all lie inside it, so
their ranks are right; the upper part (``upper_part``) holds the kabupaten, provinsi and nasional rows, from
each kabupaten's own sums read one kabupaten at a time, so a kabupaten is ranked among all its province's.
``parts`` computes both reading each kabupaten once; ``table`` (every row at once) is what the parts
together must equal, kept for the test that says so.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from ..ingest.store import Store
from ..reference import indicators as ind
from ..reference.regions import CODE_LENGTH, ancestors
from . import samar

LEVELS = ("desa", "kecamatan", "kabupaten", "provinsi", "nasional")
KABUPATEN_LEVELS = ("desa", "kecamatan")  # in a kabupaten's part
UPPER_LEVELS = ("kabupaten", "provinsi", "nasional")  # in the upper part
BATCH_ROWS = 30_000  # desa-month rows computed together (``_batches``): ~4 kabupaten nationally
UPPER = "atas"  # the upper part's name; a kabupaten's part is named by its code
COLUMNS = ["tingkat", "kode", "induk", "periode", "indikator", "dasar", "pembilang", "penyebut", "nilai", "target",
           "arah", "sumber_target", "wilayah_target", "capaian_target", "band", "warna", "peringkat",
           "nilai_sebelumnya", "perubahan", *samar.DECISION]  # the decision: ``samar.attach``
PARENT = {"desa": "kecamatan", "kecamatan": "kabupaten", "kabupaten": "provinsi", "provinsi": "nasional"}


def period(first: str, last: str) -> str:
    """A period's key, as the disclosure decisions name it: the month, or ``first..last``."""
    return first if first == last else f"{first}..{last}"


def _rows(store: Store) -> pd.DataFrame:
    """Every desa-month row of the validated cache (each kabupaten's partition, read once)."""
    parts = [store.pendampingan(k) for k in store.kabupaten_codes()]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["kode_desa", "bulan"])


def _unit(kode_desa: pd.Series, level: str) -> pd.Series:
    return kode_desa if level == "desa" else ancestors(kode_desa, level)


def _sums(rows: pd.DataFrame, cols: list[str], levels: tuple[str, ...] = LEVELS) -> pd.DataFrame:
    """Σ of ``cols`` per unit × period for each of ``levels``: months, ranges from January, and semester 2.
    ``rows``' ``kode_desa`` may be a coarser code (a kabupaten's monthly sums), for the levels above it."""
    frames = []
    months = rows["bulan"]
    year = months.str.slice(0, 4)
    for level in levels:
        unit = _unit(rows["kode_desa"], level).rename("kode")
        monthly = rows[cols].astype("float64").groupby([unit, months.rename("bulan")], sort=True).sum()
        monthly = monthly.reset_index()
        frames.append(monthly.assign(periode=monthly["bulan"], tingkat=level))
        # ranges from January to each month of the year, the data's or not (a page asks for January–December
        # of a year whose data ends in October): a unit silent in a month keeps its sum
        for y in sorted(year.unique()):
            in_year = monthly[monthly["bulan"].str.startswith(f"{y}-")]
            ym = pd.Index([f"{y}-{m:02d}" for m in range(1, 13)], name="bulan")
            wide = in_year.set_index(["kode", "bulan"])[cols].unstack("bulan").reindex(
                columns=pd.MultiIndex.from_product([cols, ym]))
            seen = wide[cols[0]].notna().cumsum(axis=1) > 0
            cum = wide.fillna(0.0).T.groupby(level=0).cumsum().T  # per column, over months in order
            ranges = cum.stack("bulan")  # (kode, month) × cols, all months at once: no frame per month
            on = seen.stack().reindex(ranges.index).to_numpy(dtype=bool)
            ranges = ranges[on & (ranges.index.get_level_values("bulan") != ym[0])].reset_index()
            frames.append(ranges.assign(periode=f"{y}-01.." + ranges["bulan"], tingkat=level))
            second = in_year[in_year["bulan"] >= f"{y}-07"]
            if len(second):
                s2 = second.groupby("kode")[cols].sum().reset_index()
                frames.append(s2.assign(periode=period(f"{y}-07", f"{y}-12"), tingkat=level))
    out = pd.concat(frames, ignore_index=True)
    return out.drop(columns=["bulan"], errors="ignore")


def _long(sums: pd.DataFrame) -> pd.DataFrame:
    """One row per unit × period × indicator, on the monthly-average basis."""
    frames = []
    for i in ind.PENDAMPINGAN_INDICATORS:
        num = sums[i.numerator] if i.numerator in sums else pd.Series(0.0, index=sums.index)
        den = sums[i.denominator] if i.denominator in sums else pd.Series(0.0, index=sums.index)
        frames.append(pd.DataFrame({"tingkat": sums["tingkat"], "kode": sums["kode"], "periode": sums["periode"],
                                    "indikator": i.key, "pembilang": num.to_numpy(), "penyebut": den.to_numpy()}))
    out = pd.concat(frames, ignore_index=True)
    out["nilai"] = ind.ratio(out["pembilang"], out["penyebut"])
    out["dasar"] = ind.BASIS_AVERAGE
    return out


def _reach(store: Store, rows: pd.DataFrame, levels: tuple[str, ...] = ("desa", "kecamatan", "kabupaten"),
           kabupaten: list[str] | None = None) -> pd.DataFrame:
    """The year's reach figures (``indicators.annual``'s completeness rule) at ``levels`` (of desa, kecamatan
    and kabupaten: above, only the monthly average), from the jangkauan rows of ``kabupaten`` (default all)."""
    if kabupaten is None:
        reach = store.table(ind.REACH_TABLE)
    else:
        slices = [store.table(ind.REACH_TABLE, k) for k in kabupaten]
        reach = pd.concat(slices, ignore_index=True) if slices else store.table(ind.REACH_TABLE).iloc[:0]
    if reach.empty:
        return pd.DataFrame()
    frames = []
    year = rows["bulan"].str.slice(0, 4)
    for y in sorted(year.unique()):
        pend, r = rows[year == y], reach[reach["tahun"] == int(y)]
        if r.empty:
            continue
        for level in levels:
            a = ind.annual(pend, r, level)
            a = a[a["dasar"] == ind.BASIS_REACH]
            frames.append(a.assign(tingkat=level, periode=period(f"{y}-01", f"{y}-12")))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _targets(values: pd.DataFrame, store: Store) -> pd.DataFrame:
    """Each row's target for its period's year (``indicators.with_target``: own kabupaten, province, nation)."""
    frames = []
    years = values["periode"].str.slice(0, 4)
    targets = store.table("target")
    for y in sorted(years.unique()):
        part = values[years == y]
        frames.append(ind.with_target(part, targets, int(y), store.config))
    out = pd.concat(frames, ignore_index=True)
    # the region of the target that applies, none where no target is set (a blank target names no region)
    out["wilayah_target"] = np.where(out["target"].isna().to_numpy(), "", out["wilayah_target"].to_numpy(object))
    return out


def _columns(rows: pd.DataFrame) -> list[str]:
    return sorted({c for i in ind.PENDAMPINGAN_INDICATORS for c in (i.numerator, i.denominator) if c in rows})


def _values(store: Store, rows: pd.DataFrame, levels: tuple[str, ...],
            kabupaten: list[str] | None = None) -> pd.DataFrame:
    """The unit × period × indicator figures at ``levels`` of ``rows`` (monthly average, and reach where the
    unit's jangkauan is complete), before targets, parents, ranks and change."""
    values = _long(_sums(rows, _columns(rows), levels))
    reach_levels = tuple(lv for lv in levels if lv in ("desa", "kecamatan", "kabupaten"))
    reach = _reach(store, rows, reach_levels, kabupaten) if reach_levels else pd.DataFrame()
    if len(reach):
        values = pd.concat([values, reach[values.columns]], ignore_index=True)
    return values


def _finish(store: Store, values: pd.DataFrame) -> pd.DataFrame:
    """Targets, parents, ranks among the siblings present and change from a year earlier: every sibling of a
    row must be in ``values`` for its rank to be right."""
    if values.empty:
        return pd.DataFrame(columns=COLUMNS)
    values = _targets(values, store)
    values["induk"] = _parents(values)
    values["peringkat"] = _rank(values)
    values = _change(values)
    values = values[COLUMNS[:-len(samar.DECISION)]]  # (``samar.attach`` adds the decision)
    return values.sort_values(["tingkat", "kode", "periode", "indikator", "dasar"]).reset_index(drop=True)


def table(store: Store) -> pd.DataFrame:
    """The whole facts table (``COLUMNS``) at once: every kabupaten's rows in memory together, so only for the
    test that the parts (``kabupaten_part``, ``upper_part``) equal it; builds and pages use the parts."""
    rows = _rows(store)
    if rows.empty:
        return pd.DataFrame(columns=COLUMNS)
    values = _values(store, rows, LEVELS)
    return samar.attach(_finish(store, values), samar.decide(rows, values, samar.rule(store)))


def kabupaten_part(store: Store, kode: str) -> pd.DataFrame:
    """The desa and kecamatan rows of kabupaten ``kode``, from its rows alone (``store.pendampingan``)."""
    return next(part for _, part in parts(store, [kode], upper=False))


def upper_part(store: Store) -> pd.DataFrame:
    """The kabupaten, provinsi and nasional rows (``parts``, the upper part alone)."""
    return next(part for _, part in parts(store, [], upper=True))


def batches(store: Store, codes: list[str]) -> list[list[str]]:
    """``codes`` in batches of a few kabupaten (at least ``BATCH_ROWS`` desa-month rows, or the rest), counted
    from the files' metadata: each step's fixed cost (reach, targets, a frame per level and year) is paid per
    batch, not per kabupaten, while memory stays bounded by a batch. A batch is the unit of work a facts
    worker takes (``facts.build``)."""
    out: list[list[str]] = []
    batch: list[str] = []
    rows = 0
    for kode in codes:
        batch.append(kode)
        rows += store.pendampingan_rows(kode)
        if rows >= BATCH_ROWS:
            out.append(batch)
            batch, rows = [], 0
    if batch:
        out.append(batch)
    return out


def batch_parts(store: Store, codes: list[str], wanted: list[str], upper: bool
                ) -> tuple[list[tuple[str, pd.DataFrame]], pd.DataFrame | None, pd.DataFrame | None]:
    """One batch (``codes``, read together): the parts of its kabupaten in ``wanted``, and, when the upper part
    is to be made (``upper``), what it needs of the batch: its kabupaten's own figures and their monthly sums
    (one row per kabupaten and month)."""
    frames = [store.pendampingan(k) for k in codes]
    rows = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["kode_desa", "bulan"])
    asked = set(wanted)
    mine = [k for k in codes if k in asked]
    kab = rows["kode_desa"].str.slice(0, CODE_LENGTH["kabupaten"]) if len(rows) else pd.Series(dtype=object)
    everyone = _values(store, rows, ("kabupaten",), codes) if upper and len(rows) else None
    found: list[tuple[str, pd.DataFrame]] = []
    if mine:
        whole = len(mine) == len(codes)
        inside = rows if whole else rows[kab.isin(mine).to_numpy()]
        if len(inside):
            values = _values(store, inside, KABUPATEN_LEVELS, mine)
            totals = everyone if whole and everyone is not None else _values(store, inside, ("kabupaten",), mine)
            decided = samar.decide(inside, pd.concat([values, totals], ignore_index=True), samar.rule(store))
            done = samar.attach(_finish(store, values), decided)
        else:
            done = pd.DataFrame(columns=COLUMNS)
        split = dict(iter(done.groupby(done["kode"].str.slice(0, CODE_LENGTH["kabupaten"]), sort=False)))
        found = [(k, split[k].reset_index(drop=True) if k in split else pd.DataFrame(columns=COLUMNS)) for k in mine]
    if everyone is None:
        return found, None, None
    sums = rows[_columns(rows)].astype("float64").groupby([kab.rename("kode_desa"), rows["bulan"]], sort=True)
    return found, everyone, sums.sum().reset_index()


def upper_from(store: Store, own: list[pd.DataFrame], monthly: list[pd.DataFrame]) -> pd.DataFrame:
    """The upper part from every batch's kabupaten figures (``own``) and monthly sums (``monthly``): provinces
    and the nation summed from the monthly sums (counts: the same sums, exactly), a kabupaten ranked among all
    its province's."""
    if not monthly:
        return pd.DataFrame(columns=COLUMNS)
    cols = sorted(set().union(*(m.columns for m in monthly)) - {"bulan", "kode_desa"})
    above = _long(_sums(pd.concat(monthly, ignore_index=True), cols, ("provinsi", "nasional")))
    return samar.attach(_finish(store, pd.concat([*own, above], ignore_index=True)), None)


def parts(store: Store, kabupaten: list[str], upper: bool) -> Iterator[tuple[str, pd.DataFrame]]:
    """The parts of ``kabupaten`` (a batch's as soon as they are computed, so one batch is in memory at a
    time), then the upper part (``upper``, named ``UPPER``), reading each kabupaten's desa-month rows once, in
    this process (``facts.build`` runs the same batches on the pages' workers).

    A kabupaten's desa and kecamatan are ranked among siblings that all lie in it, so a batch is ranked as
    well as the whole; its masking decision (``samar``) is made here too, over its desa, kecamatan and own
    total, once per kabupaten-year. The upper part needs every kabupaten: each batch's rows are reduced to its
    kabupaten's own figures and monthly sums (``batch_parts``), from which ``upper_from`` makes it."""
    own, monthly = [], []
    for codes in batches(store, store.kabupaten_codes() if upper else sorted(set(kabupaten))):
        found, everyone, sums = batch_parts(store, codes, kabupaten, upper)
        yield from found
        if everyone is not None:
            own.append(everyone)
            monthly.append(sums)
    if upper:
        yield UPPER, upper_from(store, own, monthly)


def _parents(values: pd.DataFrame) -> pd.Series:
    """The code of each row's parent unit (``ID`` above a province, "" for the country)."""
    out = pd.Series("", index=values.index, dtype=object)
    for level, parent in PARENT.items():
        on = values["tingkat"] == level
        out[on] = "ID" if parent == "nasional" else values.loc[on, "kode"].str.slice(0, CODE_LENGTH[parent])
    return out


def _rank(values: pd.DataFrame) -> pd.Series:
    """Rank among siblings (same parent, level, period, indicator and basis) on the unrounded value, best
    first (highest, or lowest for ``turun``), ties shared; no rank without a value."""
    better = np.where(values["arah"] == "turun", -values["nilai"], values["nilai"])
    keys = [values["tingkat"], values["induk"], values["periode"], values["indikator"], values["dasar"]]
    return pd.Series(better, index=values.index).groupby(keys).rank(ascending=False, method="min")


def _a_year_later(periode: str) -> str:
    """``2024-03`` → ``2025-03``; ``2024-01..2024-06`` → ``2025-01..2025-06``."""
    return "..".join(f"{int(month[:4]) + 1}{month[4:]}" for month in periode.split(".."))


def _change(values: pd.DataFrame) -> pd.DataFrame:
    """The same unit's, indicator's and basis' figure a year earlier over the same months, and the change."""
    previous = values[["tingkat", "kode", "periode", "indikator", "dasar", "nilai"]].copy()
    # a period a year later, worked out once per distinct period (a few hundred) and spread to the rows
    where, periods = pd.factorize(previous["periode"].astype(object))
    previous["periode"] = np.array([_a_year_later(p) for p in periods], dtype=object)[where]
    previous = previous.rename(columns={"nilai": "nilai_sebelumnya"})
    out = values.merge(previous, on=["tingkat", "kode", "periode", "indikator", "dasar"], how="left")
    out["perubahan"] = out["nilai"] - out["nilai_sebelumnya"]
    return out
