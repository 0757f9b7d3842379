"""Every RAN PASTI indicator, computed the same way for any unit and period.

Ratios are summed before they are divided: a kecamatan's capaian for a month is Σ numerator ÷ Σ denominator
over its desa, never a mean of desa percentages, and an annual capaian sums over months too. A zero
denominator gives NaN ("tidak ada data"), never 0%. Everything is vectorised over a long table
(unit × period × indicator) so one call serves a kecamatan page or the whole country.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..core import caches
from . import declarations
from .config import Config
from .declarations import Declarations
from .regions import CODE_LENGTH, ancestors


@dataclass(frozen=True)
class Indicator:
    """One indicator as the pages use it; built from its entry in ``definitions/indikator.yml``."""

    key: str
    label: str
    group: str
    numerator: str
    denominator: str
    table: str = "pendampingan"
    description: str = ""  # the definition: one sentence saying what is counted
    name: str = ""  # full Bahasa name
    direction: str = "naik"  # naik (higher is better) | turun (lower is better)
    unit: str = "%"
    source: str = ""  # institution and report the numbers come from
    glossary: str = ""
    optional: bool = False  # its columns may be missing from the input (then shown as no data)
    target: float | None = None  # reference target (sample target.csv, README)
    target_source: str = ""
    targets: tuple[tuple[int, float, str], ...] = ()  # (year, value, source) declared: the sample target.csv
    annual: str = "average"  # reach | average: the basis of the evaluation's annual capaian (``annual``)
    counted: str = ""  # who the denominator counts, in public words (cards: "123 dari 456 ibu hamil sasaran")


INDICATORS: dict[str, Indicator] = {}


def register(ind: Indicator) -> Indicator:
    INDICATORS[ind.key] = ind
    return ind


def indicators_from(decl: Declarations) -> dict[str, Indicator]:
    """Indicators built from the declarations, in declaration order (the order pages show them)."""
    return {d.key: Indicator(d.key, d.label, d.group, d.numerator, d.denominator, table=d.table,
                             description=d.definition, name=d.name, direction=d.direction, unit=d.unit,
                             source=d.source, glossary=d.glossary, optional=d.optional,
                             target=d.target, target_source=d.target_source, targets=d.targets, annual=d.annual,
                             counted=d.counted)
            for d in decl.indicators}


_DECLARATIONS = declarations.load()
GROUPS = dict(_DECLARATIONS.groups)
for _ind in indicators_from(_DECLARATIONS).values():
    register(_ind)

PENDAMPINGAN_INDICATORS = [i for i in INDICATORS.values() if i.table == "pendampingan"]
SERVICE_TABLE = "cakupan_layanan"  # Perpres 72/2021 Lampiran A services, yearly per desa (Aksi 6)
SERVICE_INDICATORS = [i for i in INDICATORS.values() if i.table == SERVICE_TABLE]
REACH_TABLE = "jangkauan"  # the yearly reach figures (input.yml: ``indicator_columns: reach``)
# how a page names the basis of an annual figure (``annual``'s column ``dasar``)
BASIS_REACH = "jangkauan setahun"
BASIS_AVERAGE = "rata-rata bulanan"
UNIT_CODE_LENGTH = CODE_LENGTH  # kept for callers; ``regions`` owns how codes nest


def unit_codes(kode_desa: pd.Series, level: str) -> pd.Series:
    """The code of the unit at ``level`` that each desa belongs to (``regions.ancestors``)."""
    return ancestors(kode_desa, level)


def ratio(num: pd.Series | np.ndarray, den: pd.Series | np.ndarray) -> np.ndarray:
    """Percent, NaN where the denominator is 0: no target group is "no data", not 0%."""
    num = np.asarray(num, dtype="float64")
    den = np.asarray(den, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / den * 100.0, np.nan)


def capaian(pend: pd.DataFrame, level: str, by_month: bool = True,
            indicators: list[Indicator] | None = None, code_col: str = "kode_desa") -> pd.DataFrame:
    """Long table ``kode, [bulan], indikator, pembilang, penyebut, nilai`` for units at ``level``.

    ``pend`` is any slice of pendampingan (one kecamatan, one kabupaten, the whole country), or the
    per-kabupaten aggregate with ``code_col="kode_kabupaten"``; sums are taken over the rows and, when
    ``by_month`` is False, over the months in the slice too.
    """
    indicators = indicators or PENDAMPINGAN_INDICATORS
    cols = sorted({c for i in indicators for c in (i.numerator, i.denominator)})
    codes = unit_codes(pend[code_col], level) if level != "desa" else pend[code_col]
    keys = [codes.to_numpy()] + ([pend["bulan"].to_numpy()] if by_month else [])
    names = ["kode", "bulan"] if by_month else ["kode"]
    # an optional indicator's columns may be absent from the data: NaN sums to 0 → 0/0 → "tidak ada data"
    frame = pend[cols] if all(c in pend for c in cols) else pend.reindex(columns=cols)
    sums = frame.astype("float64").groupby(keys, sort=True).sum()
    sums.index.names = names
    n, k = len(sums), len(indicators)
    num = np.concatenate([sums[i.numerator].to_numpy() for i in indicators]) if n else np.empty(0)
    den = np.concatenate([sums[i.denominator].to_numpy() for i in indicators]) if n else np.empty(0)
    out = sums.index.to_frame(index=False).iloc[np.tile(np.arange(n), k)].reset_index(drop=True)
    out["indikator"] = np.repeat([i.key for i in indicators], n)
    out["pembilang"] = num
    out["penyebut"] = den
    out["nilai"] = ratio(num, den)
    return out


def regional_annual(agregat: pd.DataFrame, tahun: int) -> pd.DataFrame:
    """Annual capaian (Σ Jan–Dec ÷ Σ Jan–Dec) of every province and of the country (``ID``) in ``tahun``, from
    the per-kabupaten monthly sums, with ``n_kabupaten``: how many kabupaten/kota sent data that year (the
    figure covers only those). The comparison columns of a kabupaten's evaluation, and their page key."""
    rows = agregat[agregat["bulan"].str.startswith(f"{tahun}-")]
    prov = capaian(rows, "provinsi", by_month=False, code_col="kode_kabupaten")
    nat = capaian(rows.assign(kode_nasional="ID"), "desa", by_month=False, code_col="kode_nasional")
    out = pd.concat([prov, nat], ignore_index=True)
    counts = rows.groupby(ancestors(rows["kode_kabupaten"], "provinsi"))["kode_kabupaten"].nunique()
    counts["ID"] = rows["kode_kabupaten"].nunique()
    out["n_kabupaten"] = out["kode"].map(counts).fillna(0).astype(int)
    return out


def annual(pend: pd.DataFrame, reach: pd.DataFrame, level: str, indicators: list[Indicator] | None = None,
           code_col: str = "kode_desa") -> pd.DataFrame:
    """A year's capaian per unit at ``level``, each indicator on its declared basis where the data supports it:
    ``capaian``'s long table (``by_month=False``) with a column ``dasar`` (``BASIS_REACH`` or ``BASIS_AVERAGE``).

    Why: Σ monthly didampingi ÷ Σ monthly sasaran is an average monthly coverage (a family accompanied every
    month counts twelve times), while BKKBN judges most pendampingan indicators on reach: families or persons
    accompanied at least once in the year ÷ the year's sasaran. Monthly reports cannot give reach, so it comes
    from the optional yearly table (``jangkauan``), and only where it is complete: an indicator with
    ``annual: reach`` uses reach for a unit when the unit has jangkauan figures for it (numerator and
    denominator both filled) and every desa of the unit that sent a pendampingan report that year has them.
    Reach is then Σ numerator ÷ Σ denominator over the unit's jangkauan rows. Anything less (a missing desa, a
    blank cell, no file) would mix the two bases in one sum, so the unit falls back to the monthly average,
    and the page says which basis each figure uses. Indicators with ``annual: average`` (TPK reporting, a
    monthly rate) always use the monthly average.

    ``pend`` holds the year's desa-month rows of the unit(s), ``reach`` the same year's jangkauan rows. Above
    kabupaten level (``code_col="kode_kabupaten"``: the monthly aggregate) there is only the monthly average.
    """
    indicators = indicators or PENDAMPINGAN_INDICATORS
    out = capaian(pend, level, by_month=False, indicators=indicators, code_col=code_col)
    out["dasar"] = BASIS_AVERAGE
    mine = [i for i in indicators if i.annual == "reach"]
    if not mine or reach.empty or code_col != "kode_desa":
        return out
    rows = reach.set_index("kode_desa")
    # which desa have an indicator's figures: both its columns present in the file and filled in that row
    has = pd.DataFrame({i.key: (rows[i.numerator].notna() & rows[i.denominator].notna())
                        if i.numerator in rows and i.denominator in rows else False for i in mine}, index=rows.index)
    sent = pd.Index(pend["kode_desa"].unique())
    lacking = (~has.reindex(sent, fill_value=False)).groupby(_unit_of(sent, level)).sum()
    present = has.groupby(_unit_of(has.index, level)).sum()
    complete = (present > 0) & (lacking.reindex(present.index, fill_value=0) == 0)
    frames = []
    for i in mine:
        units = complete.index[complete[i.key].to_numpy()]
        if not len(units):
            continue
        figures = rows.loc[has[i.key].to_numpy(), [i.numerator, i.denominator]].astype("float64")
        sums = figures.groupby(_unit_of(figures.index, level)).sum().reindex(units)
        frames.append(pd.DataFrame({"kode": units, "indikator": i.key, "pembilang": sums[i.numerator].to_numpy(),
                                    "penyebut": sums[i.denominator].to_numpy()}))
    if not frames:
        return out
    reached = pd.concat(frames, ignore_index=True)
    reached["nilai"] = ratio(reached["pembilang"], reached["penyebut"])
    reached["dasar"] = BASIS_REACH
    # the reach rows replace their unit's monthly average (a unit with jangkauan rows only is added)
    keep = ~pd.MultiIndex.from_frame(out[["kode", "indikator"]]).isin(
        pd.MultiIndex.from_frame(reached[["kode", "indikator"]]))
    merged = pd.concat([out[keep], reached[out.columns]], ignore_index=True)
    order = {k: n for n, k in enumerate(i.key for i in indicators)}
    return merged.sort_values(["indikator", "kode"], key=lambda s: s.map(order) if s.name == "indikator" else s,
                              kind="stable").reset_index(drop=True)


def _unit_of(kode_desa: pd.Index, level: str) -> np.ndarray:
    """The code of the unit at ``level`` of each desa code (the code itself at desa level), for grouping."""
    codes = pd.Series(kode_desa, dtype=object)
    return (codes if level == "desa" else unit_codes(codes, level)).to_numpy()


def reported(pend: pd.DataFrame, desa_ref: pd.DataFrame, bulan: str) -> pd.DataFrame:
    """Each reference desa of the unit with whether it sent a report for ``bulan`` (missing rows = no report)."""
    return reported_by(set(pend.loc[pend["bulan"] == bulan, "kode_desa"]), desa_ref)


def reported_by(sent: set, desa_ref: pd.DataFrame) -> pd.DataFrame:
    """``reported`` from the codes of the desa that sent a report (``sent``: any superset of those among
    ``desa_ref``, e.g. a whole kabupaten's)."""
    out = pd.DataFrame({"kode_desa": desa_ref.index, "nama": desa_ref["nama"].to_numpy(),
                        "kode_kecamatan": desa_ref["kode_kecamatan"].to_numpy()})
    out["melapor"] = out["kode_desa"].isin(sent)
    return out


def kampung_kb(kkb: pd.DataFrame, desa_ref: pd.DataFrame, level: str, tahun: int) -> pd.DataFrame:
    """Kampung KB coverage at the end of ``tahun``: desa with a Kampung KB formed by then ÷ all desa."""
    formed = set(kkb.loc[kkb["tahun_terbentuk"] <= tahun, "kode_desa"])
    codes = pd.Series(desa_ref.index.to_numpy())
    frame = pd.DataFrame({"kode": unit_codes(codes, level) if level != "desa" else codes,
                          "pembilang": codes.isin(formed).astype(float), "penyebut": 1.0})
    out = frame.groupby("kode").sum().reset_index()
    out["indikator"] = "kampung_kb"
    out["nilai"] = ratio(out["pembilang"], out["penyebut"])
    return out[["kode", "indikator", "pembilang", "penyebut", "nilai"]]


def with_target(values: pd.DataFrame, targets: pd.DataFrame, tahun: int, config: Config) -> pd.DataFrame:
    """Add ``target, arah, sumber_target, wilayah_target`` (the region whose target it is, "" for none),
    ``capaian_target, band`` (capaian vs target, reversed for ``turun``).

    The target is the one set for that very year: a target is a decision for its year (RAN PASTI's
    pendampingan targets end in 2024; the RPJMN 2025–2029 sets new prevalence targets), so an older one is
    never carried forward; a value without a target has band "Tidak ada target". For each unit the most
    specific target applies: its kabupaten's (RPJMD/RAD), else its province's, else the national one (``ID``).
    """
    from .config import NO_TARGET_BAND

    table = _targets_of_year(targets, tahun)
    out = values.copy()
    # looked up once per distinct indicator and kabupaten prefix (which decides all three lookups), then
    # spread to the rows by position: a kabupaten's facts are ~10^5 rows of a few dozen such pairs
    keys, key_of = pd.factorize(out["indikator"].astype(object))
    prefixes, prefix_of = pd.factorize(out["kode"].astype(str).str.slice(0, CODE_LENGTH["kabupaten"]).astype(object))
    where, pairs = pd.factorize(keys.astype(np.int64) * max(len(prefix_of), 1) + prefixes)
    found = [_most_specific(table, key_of[p // len(prefix_of)], prefix_of[p % len(prefix_of)]) for p in pairs]
    out["target"] = _spread(found, where, 0, np.nan, "float64")
    arah = _spread(found, where, 1, None, object)
    out["arah"] = np.where(pd.isna(arah), _directions(out["indikator"]).to_numpy(object), arah)
    out["sumber_target"] = _spread(found, where, 2, "", object)
    out["wilayah_target"] = _spread(found, where, 3, "", object)
    naik = (out["arah"] != "turun").to_numpy()
    nilai, target = out["nilai"].to_numpy(dtype="float64"), out["target"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        ct = np.where(naik, nilai / target * 100.0, target / nilai * 100.0)
    ct[np.isnan(nilai) | np.isnan(target)] = np.nan
    out["capaian_target"] = ct
    band, warna = bands(ct, config)
    no_target = ~np.isnan(nilai) & np.isnan(target)
    out["band"] = np.where(no_target, NO_TARGET_BAND.label, band).astype(object)
    out["warna"] = np.where(no_target, NO_TARGET_BAND.color, warna).astype(object)
    return out


def _spread(found: list[tuple | None], where: np.ndarray, i: int, empty: Any, dtype: Any) -> np.ndarray:
    """Item ``i`` of each distinct lookup (``empty`` where none was found), given to every row by position."""
    return np.array([h[i] if h else empty for h in found], dtype=dtype)[where] if found else np.array([], dtype)


# the targets table (by id, kept alive by the entry) and year → its lookup: a page asks for it ~6 times
_TARGETS_OF_YEAR = caches.table("reference.indicators.targets_of_year", 32)


def _targets_of_year(targets: pd.DataFrame, tahun: int) -> dict[tuple[str, str], tuple[float, Any, str]]:
    """(indikator, region code) → (target, arah, sumber) for the targets set for ``tahun`` (a few dozen rows:
    looked up per distinct indicator and kabupaten, not merged per row). Made once per targets table and
    year (the store's table is one object for every page of a worker); shared: not to be modified."""
    return _TARGETS_OF_YEAR.get_or_make((id(targets), len(targets), tahun),
                                        lambda: _targets_lookup(targets, tahun), keep=targets)


def _targets_lookup(targets: pd.DataFrame, tahun: int) -> dict[tuple[str, str], tuple[float, Any, str]]:
    t = targets[targets["tahun"] == tahun]
    regions = t["kode_wilayah"] if "kode_wilayah" in t else pd.Series("ID", index=t.index)
    out = {}
    for key, region, value, arah, sumber in zip(t["indikator"], regions, pd.to_numeric(t["target"], errors="coerce"),
                                                t["arah"], t["sumber"], strict=True):
        out[(str(key), str(region))] = (float(value), None if pd.isna(arah) else arah,
                                        "" if pd.isna(sumber) else sumber)
    return out


def target_values(targets: pd.DataFrame, tahun: int, kode: str, keys: list[str]) -> dict[str, float]:
    """Indicator → the target ``with_target`` gives unit ``kode`` for ``tahun`` (its kabupaten's, province's or
    the national one), for the indicators of ``keys`` that have one: what a page reads per indicator, looked
    up without making a table of its nine rows."""
    table = _targets_of_year(targets, tahun)
    found = {key: _most_specific(table, key, kode) for key in keys}
    return {key: float(h[0]) for key, h in found.items() if h is not None and h[0] == h[0]}


def _most_specific(table: dict, key: str, kode: str) -> tuple | None:
    """The unit's kabupaten's target, else its province's, else the national one (``ID``), with the code of
    the region it comes from (a page names it: "target provinsi")."""
    for length in (CODE_LENGTH["kabupaten"], CODE_LENGTH["provinsi"]):
        if len(kode) >= length and (key, kode[:length]) in table:
            return (*table[(key, kode[:length])], kode[:length])
    found = table.get((key, "ID"))
    return (*found, "ID") if found else None


def _directions(keys: pd.Series) -> pd.Series:
    """Each indicator's declared direction (``naik``/``turun``), for rows without a target to say it."""
    return keys.map({k: i.direction for k, i in INDICATORS.items()}).astype(object).fillna("naik")


def bands(capaian_target: np.ndarray, config: Config) -> tuple[np.ndarray, np.ndarray]:
    """Band label and colour for each capaian-vs-target value (vectorised ``Config.band``)."""
    from .config import NO_DATA_BAND

    v = np.asarray(capaian_target, dtype="float64")
    conds = [np.isnan(v)] + [v >= b.min for b in config.bands]
    labels = np.select(conds, [NO_DATA_BAND.label] + [b.label for b in config.bands], NO_DATA_BAND.label)
    colors = np.select(conds, [NO_DATA_BAND.color] + [b.color for b in config.bands], NO_DATA_BAND.color)
    return labels.astype(object), colors.astype(object)


def label(key: str) -> str:
    return INDICATORS[key].label
