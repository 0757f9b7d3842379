"""Disclosure control: which published counts are masked, decided once per figure, and the audit that
proves no masked count can be worked out from everything else published.

Why one module: a desa with a handful of families targeted (KRS sasaran) could point to those families.
The masking used to be decided in each view (desa table, map, rapor), and each view missed what another one
published: the kecamatan card of a kecamatan where one desa reported, the map title, the annual rapor.
Here the decision is a function over a whole table of figures (a kabupaten's desa, kecamatan and its own
total for one period and basis), and every view reads the masked form of the same row.

The table (``FIGURE_COLUMNS``): one row per figure, ``kode`` (the unit), ``tingkat`` (``desa``,
``kecamatan``, ``kabupaten``), ``induk`` (the parent's code; a kabupaten's is ``""``), ``periode`` (a
month ``2024-12`` or a range ``2024-01..2024-12``), ``dasar`` (the basis: monthly sums or yearly reach),
``pembilang`` and ``penyebut`` (families accompanied, families targeted) and ``kecil``: a primary cell, small
on the families counted (see ``small_cells``).

The decision (``decide``):

* primary: every desa figure with ``kecil``; shown as ``< t``;
* complementary: while the audit finds a masked count narrower than the protection, the next desa of the
  same kecamatan (with at least ``t`` families) is masked too, in an order that depends on the desa's code
  only (never on its count: an order by size tells a reader the masked one is the smallest, which pinned
  it); when a kecamatan has no such desa left (one desa reported), the kecamatan's own total is masked, and
  then another kecamatan's total with one of its desa, until the audit passes.

The audit (``audit``) is a linear programme per kabupaten and period (HiGHS through ``scipy``): the
unknowns are the masked numerators and denominators; the constraints are every published exact figure
(parents are the sums of their children), the bounds the rule itself states (a primary cell has 1 to
``t - 1`` families, a complementary one at least ``t``; accompanied ≤ targeted). Minimising and maximising
each masked count gives the interval a reader can derive. The protection: every masked count of families
targeted spans at least ``protection`` whole numbers (default ``t - 1``: no narrower than the "< t" the page
states), and no masked count of families accompanied is pinned to one value (unless the published totals say
it is 0 for all of them).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import linprog

FIGURE_COLUMNS = ["kode", "tingkat", "induk", "periode", "dasar", "pembilang", "penyebut", "kecil"]
PRIMARY = "primer"
COMPLEMENTARY = "sekunder"
PARENT = "induk"
MASKED_WORD = "disamarkan"
_TOL = 1e-6


@dataclass(frozen=True)
class Rule:
    """The privacy threshold ``t`` (``batas_privasi_krs``) and the protection width (whole numbers a masked
    count must span for a reader; ``lebar_perlindungan_privasi``, default ``t - 1``)."""

    threshold: int = 5
    protection: int | None = None

    @property
    def width(self) -> int:
        return self.protection if self.protection is not None else max(self.threshold - 1, 1)

    def label(self, samar: str, periode: str = "") -> str:
        """What a view prints for a masked count: ``< 5`` for a month's small one, ``disamarkan`` otherwise
        (a figure over months may be masked for one small month while its sum is larger)."""
        return f"< {self.threshold}" if samar == PRIMARY and not is_range(periode) else MASKED_WORD


@dataclass(frozen=True)
class Breach:
    """A masked count a reader can narrow below the protection."""

    kode: str
    periode: str
    dasar: str
    what: str  # "sasaran" or "didampingi"
    low: float
    high: float
    pages: tuple[str, ...] = ()

    def message(self, rule: Rule) -> str:
        where = f" (halaman: {', '.join(self.pages[:5])})" if self.pages else ""
        return (f"angka {self.what} KRS wilayah {self.kode}, periode {self.periode} ({self.dasar}), disamarkan "
                f"tetapi bisa dihitung dari angka lain yang terbit: antara {_whole(self.low, up=True)} dan "
                f"{_whole(self.high, up=False)}, kurang dari {rule.width} kemungkinan{where}")


def _whole(x: float, up: bool) -> int | str:
    if not math.isfinite(x):
        return "tak terbatas"
    return math.ceil(x - _TOL) if up else math.floor(x + _TOL)


def small_cells(penyebut: pd.Series, monthly_small: pd.Series | None, threshold: int) -> pd.Series:
    """Primary cells, on the families counted: fewer than ``threshold`` (but some) families in the figure
    itself, or, for a figure over several months or a year, in any one month of it (``monthly_small``):
    twelve months of one family sum to 12, which is still one family."""
    small = (penyebut > 0) & (penyebut < threshold)
    if monthly_small is not None:
        small = small | monthly_small.reindex(penyebut.index, fill_value=False).astype(bool)
    return small.fillna(False).astype(bool)


def is_range(periode: str) -> bool:
    """A period over several months (``2024-01..2024-12``), not one month."""
    return ".." in str(periode)


def order_key(kode: str) -> int:
    """A desa's place in the complementary order: a hash of its code, so the order tells nothing of counts."""
    return int.from_bytes(hashlib.blake2b(kode.encode(), digest_size=8).digest(), "big")


# ---------------------------------------------------------------- the decision


def decide(figures: pd.DataFrame, rule: Rule) -> pd.DataFrame:
    """``figures`` with ``samar`` ("" or ``PRIMARY``/``COMPLEMENTARY``/``PARENT``), ``bawah`` and ``atas``
    (the bounds a reader knows of a masked count of families). Vectorised for the primary cells; the
    complementary search runs only in the groups (kabupaten × period × basis) that have a primary cell."""
    out = figures.reset_index(drop=True).copy()
    out["samar"] = np.where(out["kecil"].astype(bool) & (out["tingkat"] == "desa"), PRIMARY, "")
    _set_bounds(out, rule)
    groups = out.loc[out["samar"] != "", ["periode", "dasar", "_kab"]].drop_duplicates()
    for periode, dasar, kab in groups.itertuples(index=False):
        idx = out.index[(out["periode"] == periode) & (out["dasar"] == dasar) & (out["_kab"] == kab)]
        _complete(out, idx, rule)
    return out.drop(columns=["_kab"])


def _set_bounds(out: pd.DataFrame, rule: Rule) -> None:
    kab = np.where(out["tingkat"] == "kabupaten", out["kode"],
                   np.where(out["tingkat"] == "kecamatan", out["induk"], out["induk"].str.rsplit(".", n=1).str[0]))
    out["_kab"] = kab
    out["bawah"] = np.where(out["samar"] == PRIMARY, 1.0, np.where(out["samar"] == COMPLEMENTARY,
                                                                  float(rule.threshold), 0.0))
    # a primary cell over one month has fewer than t families; one over months or a year (small in some
    # month) may have more in sum: a reader knows only that it has some
    single = ~out["periode"].map(is_range).astype(bool)
    out["atas"] = np.where((out["samar"] == PRIMARY) & single, rule.threshold - 1.0, np.inf)


def _complete(out: pd.DataFrame, idx: pd.Index, rule: Rule) -> None:
    """Add complementary cells to one group until its audit passes (or nothing is left to add)."""
    group = out.loc[idx]
    for _ in range(len(group) + 2):
        breaches = _audit_group(out.loc[idx], rule)
        if not breaches:
            return
        group = out.loc[idx]
        kode = breaches[0].kode
        row = group[group["kode"] == kode].iloc[0]
        kec = row["induk"] if row["tingkat"] == "desa" else row["kode"]
        if not (_mask_next_desa(out, group, kec, rule) or _mask_parent(out, group, kec)
                or _mask_other_kecamatan(out, group, rule)):
            return  # nothing left: the build's audit names it


def _eligible(group: pd.DataFrame, kec: str, rule: Rule) -> pd.DataFrame:
    cand = group[(group["tingkat"] == "desa") & (group["induk"] == kec) & (group["samar"] == "")
                 & (group["penyebut"] >= rule.threshold)]
    return cand.iloc[np.argsort([order_key(k) for k in cand["kode"]], kind="stable")]


def _mask_next_desa(out: pd.DataFrame, group: pd.DataFrame, kec: str, rule: Rule) -> bool:
    cand = _eligible(group, kec, rule)
    if cand.empty:
        return False
    i = cand.index[0]
    out.loc[i, ["samar", "bawah", "atas"]] = [COMPLEMENTARY, float(rule.threshold), np.inf]
    return True


def _mask_parent(out: pd.DataFrame, group: pd.DataFrame, kec: str) -> bool:
    rows = group[(group["tingkat"] == "kecamatan") & (group["kode"] == kec) & (group["samar"] == "")]
    if rows.empty:
        return False
    out.loc[rows.index, ["samar", "bawah", "atas"]] = [PARENT, 0.0, np.inf]
    return True


def _mask_other_kecamatan(out: pd.DataFrame, group: pd.DataFrame, rule: Rule) -> bool:
    """Another kecamatan's total and one of its desa, so the kabupaten's total no longer gives back a
    masked kecamatan's."""
    kec = group[(group["tingkat"] == "kecamatan") & (group["samar"] == "")]
    for k in sorted(kec["kode"], key=order_key):
        cand = _eligible(group, k, rule)
        if cand.empty:
            continue
        out.loc[kec.index[kec["kode"] == k], ["samar", "bawah", "atas"]] = [PARENT, 0.0, np.inf]
        out.loc[cand.index[0], ["samar", "bawah", "atas"]] = [COMPLEMENTARY, float(rule.threshold), np.inf]
        return True
    return False


def masked_view(decided: pd.DataFrame) -> pd.DataFrame:
    """What is published of each figure: masked counts blanked (NaN), the rest as they are."""
    pub = decided.copy()
    hidden = pub["samar"] != ""
    pub.loc[hidden, ["pembilang", "penyebut"]] = np.nan
    return pub


# ---------------------------------------------------------------- the audit


def audit(published: pd.DataFrame, rule: Rule) -> list[Breach]:
    """Every masked count a reader can narrow below the protection, from ``published``: rows of
    ``FIGURE_COLUMNS`` plus ``samar``, ``bawah``, ``atas`` (and optionally ``halaman``, the pages showing the
    row), masked counts NaN. The same figure on several pages is one figure; if any page shows it exactly, it
    is exact. Linear programmes only where a masked figure exists."""
    pub = published.copy()
    if "halaman" not in pub:
        pub["halaman"] = ""
    pub["_shown"] = pub["samar"] == ""
    key = ["kode", "tingkat", "periode", "dasar"]
    # the pages to name: those showing a figure exactly where another masks it (the leak), else all
    pub = pub.sort_values("_shown", ascending=False)
    exact = pub[pub["_shown"]].groupby(key)["halaman"].agg(lambda s: tuple(sorted({p for p in s if p})))
    pages = pub.groupby(key)["halaman"].agg(lambda s: tuple(sorted({p for p in s if p})))
    pages.update(exact)
    # exact wins over masked: a figure shown on one page is known whatever another page does
    pub = pub.drop_duplicates(key)
    pub = pub.drop(columns=["halaman"]).merge(pages.rename("halaman").reset_index(), on=key, how="left")
    kab = np.where(pub["tingkat"] == "kabupaten", pub["kode"],
                   np.where(pub["tingkat"] == "kecamatan", pub["induk"], pub["induk"].str.rsplit(".", n=1).str[0]))
    pub["_kab"] = kab
    breaches: list[Breach] = []
    hidden = pub.loc[~pub["_shown"], ["periode", "_kab"]].drop_duplicates()
    for periode, k in hidden.itertuples(index=False):
        group = pub[(pub["periode"] == periode) & (pub["_kab"] == k)]
        breaches += _audit_group(group, rule)
    return breaches


def _audit_group(group: pd.DataFrame, rule: Rule) -> list[Breach]:
    """One kabupaten × period (every basis in it): the interval of each masked count, by LP."""
    group = group.reset_index(drop=True)
    masked = group["samar"] != ""
    if not masked.any():
        return []
    shown = ~masked
    n_var = int(masked.sum())
    var_of = {i: j for j, i in enumerate(group.index[masked])}  # row -> variable (d: j, n: n_var + j)
    eq_rows: list[np.ndarray] = []
    eq_rhs: list[float] = []
    ub_rows: list[np.ndarray] = []
    ub_rhs: list[float] = []
    for parent in group.index[group["tingkat"] != "desa"]:
        p = group.loc[parent]
        same = group[(group["induk"] == p["kode"]) & (group["dasar"] == p["dasar"])]
        if same.empty:
            continue
        # children published on another basis are unknown here, but not negative: then only an inequality
        others = group[(group["induk"] == p["kode"]) & (group["dasar"] != p["dasar"])]
        for col, offset in (("penyebut", 0), ("pembilang", n_var)):
            row = np.zeros(2 * n_var)
            rhs = 0.0
            for i in same.index:
                if shown[i]:
                    rhs -= float(group.at[i, col])
                else:
                    row[offset + var_of[i]] += 1.0
            if shown[parent]:
                rhs += float(p[col])
            else:
                row[offset + var_of[parent]] -= 1.0
            if not row.any():
                continue
            if others.empty:
                eq_rows.append(row)
                eq_rhs.append(rhs)
            else:
                ub_rows.append(row)
                ub_rhs.append(rhs)
    for j in range(n_var):  # accompanied ≤ targeted
        row = np.zeros(2 * n_var)
        row[n_var + j], row[j] = 1.0, -1.0
        ub_rows.append(row)
        ub_rhs.append(0.0)
    rows = group[masked]
    bounds = [(float(b), None if not math.isfinite(a) else float(a)) for b, a in zip(rows["bawah"], rows["atas"],
                                                                                       strict=True)]
    bounds += [(0.0, None if not math.isfinite(a) else float(a)) for a in rows["atas"]]
    a_eq = np.array(eq_rows) if eq_rows else None
    a_ub = np.array(ub_rows) if ub_rows else None
    out: list[Breach] = []
    for j, (_, r) in enumerate(rows.iterrows()):
        if r["tingkat"] == "kabupaten":
            continue
        d_lo, d_hi = _interval(j, a_eq, eq_rhs, a_ub, ub_rhs, bounds)
        n_lo, n_hi = _interval(n_var + j, a_eq, eq_rhs, a_ub, ub_rhs, bounds)
        if math.isnan(d_lo):  # infeasible: the published figures contradict the rule; treat as disclosed
            out.append(Breach(r["kode"], r["periode"], r["dasar"], "sasaran", d_lo, d_hi, _pages(r)))
            continue
        if _count(d_lo, d_hi) < rule.width:
            out.append(Breach(r["kode"], r["periode"], r["dasar"], "sasaran", d_lo, d_hi, _pages(r)))
        elif _count(n_lo, n_hi) < 2 and n_hi > _TOL:
            out.append(Breach(r["kode"], r["periode"], r["dasar"], "didampingi", n_lo, n_hi, _pages(r)))
    return out


def _pages(row: pd.Series) -> tuple[str, ...]:
    pages = row.get("halaman", ())
    return tuple(pages) if isinstance(pages, tuple | list) else ()


def _count(lo: float, hi: float) -> float:
    """Whole numbers in [lo, hi] (infinite when unbounded)."""
    if not math.isfinite(hi):
        return math.inf
    return math.floor(hi + _TOL) - math.ceil(lo - _TOL) + 1


def _interval(j: int, a_eq, b_eq, a_ub, b_ub, bounds) -> tuple[float, float]:
    c = np.zeros(len(bounds))
    ends = []
    for sign in (1.0, -1.0):
        c[j] = sign
        res = linprog(c, A_ub=a_ub, b_ub=b_ub or None, A_eq=a_eq, b_eq=b_eq or None, bounds=bounds,
                      method="highs")
        if res.status == 3:  # unbounded
            ends.append(-math.inf if sign > 0 else math.inf)
        elif res.status != 0:
            return math.nan, math.nan
        else:
            ends.append(sign * res.fun)
    return ends[0], ends[1]
