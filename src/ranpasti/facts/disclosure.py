"""Disclosure control: which published counts are masked, decided once per figure, and the audit that
proves no masked count can be worked out from everything else published.

Why one module: a desa with a handful of families targeted (KRS sasaran) could point to those families.
The masking used to be decided in each view (desa table, map, rapor), and each view missed what another one
published: the kecamatan card of a kecamatan where one desa reported, the map title, the annual rapor.
Then each period was decided and audited on its own, and a reader combined periods: a year minus eleven
published months gives the twelfth (issue 32, D1 and D2). Here the decision is a function over a whole
kabupaten-year of figures (its desa, kecamatan and its own total, for every month, every range of months a
page shows, and the year on both bases), and every view reads the masked form of the same row.

The table (``FIGURE_COLUMNS``): one row per figure, ``kode`` (the unit), ``tingkat`` (``desa``,
``kecamatan``, ``kabupaten``), ``induk`` (the parent's code; a kabupaten's is ``""``), ``periode`` (a
month ``2024-12`` or a range ``2024-01..2024-12``), ``dasar`` (the basis: ``SUM_BASIS``, counts summed over
the months of the period, or any other name for the year's reach, ``jangkauan``), ``pembilang`` and
``penyebut`` (families accompanied, families targeted) and ``kecil``: a primary cell, small on the families
counted (see ``small_cells``).

The decision (``decide``), per kabupaten and year:

* primary: every desa figure with ``kecil``; shown as ``< t``;
* closure: a unit masked in a month is masked in every period of that year containing the month, on every
  basis (``DERIVED``). So a figure over months that is published is the sum of published months of the same
  unit, and tells a reader nothing the months do not;
* complementary, while the joint audit finds a masked count narrower than the protection: in the period of
  that count, the next desa of the same kecamatan (with at least ``t`` families) is masked too, in an order
  that depends on the desa's code only (never on its count: an order by size tells a reader the masked one
  is the smallest, which pinned it); when a kecamatan has no such desa left (one desa reported), the
  kecamatan's own total is masked, and then another kecamatan's total with one of its desa; then the
  closure again, until the audit passes.

The audit (``audit``) is one linear programme per kabupaten and year (HiGHS through ``scipy``), split into
the parts that share no unknown. The unknowns are the desa × month counts (families targeted and accompanied)
of the year, and each desa's yearly reach. Every published exact figure is an equation: on ``SUM_BASIS`` the
sum of its unit's desa × month counts over its months; on reach the sum of its desa's reach. A reader is
assumed to know which desa reported in which month (the strongest reader; ``cells``), and these bounds:
counts are not negative; accompanied ≤ targeted; a desa's reach targeted (accompanied) is at least its
families targeted (accompanied) in any month of the year; the bounds the rule states (a primary month has 1
to ``t - 1`` families, a primary figure over months at least 1, a complementary one at least ``t``).
Minimising and maximising each masked count gives the interval a reader can derive.

The protection: every masked count that a reader cannot show to have at least ``t`` families targeted spans
at least ``protection`` whole numbers of families targeted (default ``t - 1``: no narrower than the "< t" the
page states), and its families accompanied are not pinned to one value (unless the published totals say it
is 0). A count a reader can show to be ``t`` or more (a complementary desa, a year that is large though one
of its months was small) is not a small count; the small months inside it are audited themselves.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import linprog
from scipy.sparse.csgraph import connected_components

FIGURE_COLUMNS = ["kode", "tingkat", "induk", "periode", "dasar", "pembilang", "penyebut", "kecil"]
PRIMARY = "primer"
COMPLEMENTARY = "sekunder"
PARENT = "induk"
DERIVED = "turunan"  # masked because the unit is masked in one of the period's months (the closure)
MASKED_WORD = "disamarkan"
SUM_BASIS = "rata-rata bulanan"  # indicators.BASIS_AVERAGE: counts are sums over the period's months
_TOL = 1e-6
_LEVEL_LEN = {"desa": 4, "kecamatan": 3, "kabupaten": 2}  # dot-separated parts of a code at each level


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


def span(periode: str) -> tuple[str, str]:
    """The first and last month of a period."""
    first, _, last = str(periode).partition("..")
    return first, last or first


def order_key(kode: str) -> int:
    """A desa's place in the complementary order: a hash of its code, so the order tells nothing of counts."""
    return int.from_bytes(hashlib.blake2b(kode.encode(), digest_size=8).digest(), "big")


def _kabupaten_of(frame: pd.DataFrame) -> np.ndarray:
    """The kabupaten of each desa, kecamatan or kabupaten row: its own code, its parent's, or its parent's
    parent (a desa's: the part of its kecamatan's code before the last dot)."""
    tingkat, induk = frame["tingkat"].to_numpy(object), frame["induk"].astype(object)
    out = np.where(tingkat == "kabupaten", frame["kode"].to_numpy(object), induk.to_numpy(object))
    far = (tingkat != "kabupaten") & (tingkat != "kecamatan")
    if far.any():  # split once per distinct parent, not per row
        where, parents = pd.factorize(induk[far])
        out[far] = np.array([p.rsplit(".", 1)[0] if isinstance(p, str) else p for p in parents],
                               dtype=object)[where]
    return out


# ---------------------------------------------------------------- the decision


def decide(figures: pd.DataFrame, rule: Rule, cells: pd.DataFrame | None = None) -> pd.DataFrame:
    """``figures`` with ``samar`` ("" or ``PRIMARY``/``COMPLEMENTARY``/``PARENT``/``DERIVED``), ``bawah`` and
    ``atas`` (the bounds a reader knows of a masked count of families). ``cells``: the desa × month reports
    (``kode_desa``, ``bulan``) the figures sum, what a reader is assumed to know reported (default: every
    desa named, every month). Vectorised for the primary cells; the closure and the complementary search run
    only in the kabupaten-years that have a primary cell."""
    out = figures.reset_index(drop=True).copy()
    out["samar"] = np.where(out["kecil"].astype(bool) & (out["tingkat"] == "desa"), PRIMARY, "")
    _set_bounds(out, rule)
    groups = out.loc[out["samar"] != "", ["_kab", "_tahun"]].drop_duplicates()
    for kab, tahun in groups.itertuples(index=False):
        idx = out.index[(out["_kab"] == kab) & (out["_tahun"] == tahun)]
        _complete(out, idx, rule, _cells_of(cells, kab, tahun))
    return out.drop(columns=["_kab", "_tahun"])


def _set_bounds(out: pd.DataFrame, rule: Rule) -> None:
    out["_kab"] = _kabupaten_of(out)
    out["_tahun"] = out["periode"].astype(str).str.slice(0, 4)
    out["bawah"] = np.where(out["samar"] == PRIMARY, 1.0, np.where(out["samar"] == COMPLEMENTARY,
                                                                  float(rule.threshold), 0.0))
    # a primary cell over one month has fewer than t families; one over months or a year (small in some
    # month) may have more in sum: a reader knows only that it has some
    single = ~out["periode"].map(is_range).astype(bool)
    out["atas"] = np.where((out["samar"] == PRIMARY) & single, rule.threshold - 1.0, np.inf)


def _cells_of(cells: pd.DataFrame | None, kab: str, tahun: str) -> pd.DataFrame | None:
    if cells is None:
        return None
    at = cells["kode_desa"].str.startswith(kab + ".") & cells["bulan"].str.startswith(f"{tahun}-")
    return cells.loc[at, ["kode_desa", "bulan"]]


def _complete(out: pd.DataFrame, idx: pd.Index, rule: Rule, cells: pd.DataFrame | None) -> None:
    """Close, audit, add complementary cells, in one kabupaten-year, until its audit passes (or nothing is
    left to add: the build's audit then names the count). Intervals of parts a step did not change are
    reused (``solved``)."""
    solved: dict = {}
    for _ in range(len(idx) + 2):
        _close(out, idx)
        breaches = _audit_group(out.loc[idx], rule, cells, first=True, solved=solved)
        if not breaches:
            return
        if not _remedy(out, idx, breaches[0], rule):
            return


def _close(out: pd.DataFrame, idx: pd.Index) -> None:
    """A unit masked in a month is masked in every period of the year that contains the month, on every
    basis: the published months of a unit then sum to every published figure over months of it."""
    group = out.loc[idx]
    masked = group[(group["samar"] != "") & ~group["periode"].map(is_range).astype(bool)]
    if masked.empty:
        return
    months = masked.groupby("kode")["periode"].agg(lambda s: sorted(set(s)))
    ranges = group[(group["samar"] == "") & group["periode"].map(is_range).astype(bool)
                   & group["kode"].isin(months.index)]
    hit = [i for i, kode, periode in zip(ranges.index, ranges["kode"], ranges["periode"], strict=True)
           if any(span(periode)[0] <= m <= span(periode)[1] for m in months[kode])]
    if hit:
        out.loc[hit, ["samar", "bawah", "atas"]] = [DERIVED, 0.0, np.inf]


def _remedy(out: pd.DataFrame, idx: pd.Index, breach: Breach, rule: Rule) -> bool:
    """One more masked figure in the breach's period and basis: the next desa of its kecamatan, else the
    kecamatan's total, else another kecamatan's total with one of its desa; when nothing is left there (a
    figure over months), the same in each of its months, first to last."""
    whole = out.loc[idx]
    row = whole[(whole["kode"] == breach.kode) & (whole["periode"] == breach.periode)].iloc[0]
    kec = row["induk"] if row["tingkat"] == "desa" else row["kode"]
    first, last = span(breach.periode)
    periods = [(breach.periode, breach.dasar)] + [(m, SUM_BASIS) for m in _months(breach.periode)
                                                   if is_range(breach.periode) and first <= m <= last]
    for periode, dasar in periods:
        group = whole[(whole["periode"] == periode) & (whole["dasar"] == dasar)]
        if (_mask_next_desa(out, group, kec, rule) or _mask_parent(out, group, kec)
                or _mask_other_kecamatan(out, group, rule)):
            return True
    return False


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


def audit(published: pd.DataFrame, rule: Rule, cells: pd.DataFrame | None = None) -> list[Breach]:
    """Every masked count a reader can narrow below the protection, from ``published``: rows of
    ``FIGURE_COLUMNS`` plus ``samar``, ``bawah``, ``atas`` (and optionally ``halaman``, the pages showing the
    row), masked counts NaN. ``cells``: the desa × month reports (``kode_desa``, ``bulan``), which a reader is
    assumed to know (default: every desa named in the kabupaten, every month of its periods). The same figure
    on several pages is one figure; if any page shows it exactly, it is exact. One joint linear programme per
    kabupaten and year, only where a masked figure exists."""
    pub = published.copy()
    if "halaman" not in pub:
        pub["halaman"] = ""
    pub["_shown"] = pub["samar"] == ""
    key = ["kode", "tingkat", "periode", "dasar"]
    # the pages to name: those showing a figure exactly where another masks it (the leak), else all
    pub = pub.sort_values("_shown", ascending=False, kind="stable")
    exact = pub[pub["_shown"]].groupby(key)["halaman"].agg(lambda s: tuple(sorted({p for p in s if p})))
    pages = pub.groupby(key)["halaman"].agg(lambda s: tuple(sorted({p for p in s if p})))
    pages.update(exact)
    # a figure the decision masks, shown exactly by some page: a leak whatever else is published (its small
    # count is then known; the rest of the audit goes on with it known)
    both = pub.groupby(key)["_shown"].agg(["any", "all"])
    leaked = both[both["any"] & ~both["all"]].index
    breaches: list[Breach] = []
    if len(leaked):
        seen = pub[pub["_shown"]].set_index(key).loc[leaked].reset_index().drop_duplicates(key)
        for r in seen.itertuples(index=False):
            if 0 < r.penyebut < rule.threshold or r.penyebut != r.penyebut:
                breaches.append(Breach(r.kode, r.periode, r.dasar, "sasaran", r.penyebut, r.penyebut,
                                       exact.get((r.kode, r.tingkat, r.periode, r.dasar), ())))
    # exact wins over masked: a figure shown on one page is known whatever another page does
    pub = pub.drop_duplicates(key)
    pub = pub.drop(columns=["halaman"]).merge(pages.rename("halaman").reset_index(), on=key, how="left")
    pub["_kab"] = _kabupaten_of(pub)
    pub["_tahun"] = pub["periode"].astype(str).str.slice(0, 4)
    hidden = pub.loc[~pub["_shown"], ["_kab", "_tahun"]].drop_duplicates()
    for kab, tahun in hidden.itertuples(index=False):
        group = pub[(pub["_kab"] == kab) & (pub["_tahun"] == tahun)]
        breaches += _audit_group(group, rule, _cells_of(cells, kab, tahun))
    return breaches


@dataclass
class _Row:
    """One linear relation over the unknowns: ``lo ≤ Σ coef·x ≤ hi`` (``lo == hi``: an equation)."""

    cols: np.ndarray
    coef: np.ndarray
    lo: float
    hi: float
    link: bool = False  # a reach ≥ month bound: dropped if the data contradict it (the reader's guess is wrong)


def _audit_group(group: pd.DataFrame, rule: Rule, cells: pd.DataFrame | None, first: bool = False,
                 solved: dict | None = None) -> list[Breach]:
    """One kabupaten × year (every period and basis in it): the interval of each masked count, by LP."""
    group = group.reset_index(drop=True)
    masked = (group["samar"] != "").to_numpy()
    if not masked.any():
        return []
    lp = _Programme(group, cells, {} if solved is None else solved)
    out: list[Breach] = []
    order = sorted(np.flatnonzero(masked & (group["tingkat"] != "kabupaten").to_numpy()),
                   key=lambda i: (is_range(group.at[i, "periode"]), group.at[i, "periode"], group.at[i, "dasar"],
                                  group.at[i, "kode"]))  # months first: the remedy starts where counts are
    for i in map(int, order):
        r = group.loc[i]
        d_lo, d_hi = lp.interval(i, "d")
        if math.isnan(d_lo):  # infeasible: the published figures contradict the rule; treat as disclosed
            out.append(Breach(r["kode"], r["periode"], r["dasar"], "sasaran", d_lo, d_hi, _pages(r)))
        elif d_lo >= rule.threshold - _TOL:
            continue  # a reader can show it is not a small count
        elif _count(d_lo, d_hi) < rule.width:
            out.append(Breach(r["kode"], r["periode"], r["dasar"], "sasaran", d_lo, d_hi, _pages(r)))
        else:
            n_lo, n_hi = lp.interval(i, "n")
            if math.isnan(n_lo) or (_count(n_lo, n_hi) < 2 and n_hi > _TOL):
                out.append(Breach(r["kode"], r["periode"], r["dasar"], "didampingi", n_lo, n_hi, _pages(r)))
        if out and first:
            return out
    return out


class _Programme:
    """The joint linear programme of one kabupaten-year: unknowns, relations, and the parts (connected
    components) that share no unknown, solved separately."""

    def __init__(self, group: pd.DataFrame, cells: pd.DataFrame | None, solved: dict):
        self.group = group
        self.solved = solved  # (part's relations, target) -> interval, shared by the steps of a decision
        desa_rows = group[group["tingkat"] == "desa"]
        if cells is None:  # every desa named × every month of the periods
            months = sorted({m for p in group["periode"] for m in _months(p)})
            desa = sorted(set(desa_rows["kode"]))
            cells = pd.DataFrame([(d, m) for d in desa for m in months], columns=["kode_desa", "bulan"])
        cells = cells.drop_duplicates().sort_values(["kode_desa", "bulan"]).reset_index(drop=True)
        self.cell_desa = cells["kode_desa"].to_numpy(dtype=object)
        self.cell_month = cells["bulan"].to_numpy(dtype=object)
        n_cells = len(cells)
        # the reach unknowns: every desa of a unit with a figure on a reach basis
        reach_units = group.loc[group["dasar"] != SUM_BASIS, "kode"]
        all_desa = sorted(set(self.cell_desa) | set(desa_rows["kode"]))
        reach_desa = [d for d in all_desa if any(d == u or d.startswith(u + ".") for u in set(reach_units))]
        self.reach_index = {d: n_cells + j for j, d in enumerate(reach_desa)}
        self.n_cells = n_cells
        self.n = n_cells + len(reach_desa)  # one block for families targeted, one for accompanied
        self.lb = np.zeros(2 * self.n)
        self.ub = np.full(2 * self.n, np.inf)
        self.rows: list[_Row] = []
        self._masked_rows: list[tuple[np.ndarray, float, float]] = []
        self._units: dict[tuple[str, str], np.ndarray] = {}
        self._prefix: dict[str, np.ndarray] = {}
        self.support: dict[int, np.ndarray] = {}
        self._build()
        self._split()

    # -- unknowns of a figure

    def _of_unit(self, level: str, kode: str) -> np.ndarray:
        key = (level, kode)
        if key not in self._units:
            if level not in self._prefix:
                parts = _LEVEL_LEN[level]
                self._prefix[level] = np.array([".".join(d.split(".")[:parts]) for d in self.cell_desa],
                                               dtype=object)
            self._units[key] = np.flatnonzero(self._prefix[level] == kode)
        return self._units[key]

    def _support(self, i: int) -> np.ndarray:
        """The unknowns (families targeted) whose sum figure ``i`` is."""
        kode, periode = self.kode[i], self.periode[i]
        if self.dasar[i] != SUM_BASIS:
            return np.array(sorted(j for d, j in self.reach_index.items() if d == kode or d.startswith(kode + ".")),
                            dtype=int)
        first, last = span(periode)
        at = self._of_unit(self.tingkat[i], kode)
        months = self.cell_month[at]
        return at[(months >= first) & (months <= last)]

    # -- relations

    def _build(self) -> None:
        g = self.group
        self.kode, self.tingkat = g["kode"].tolist(), g["tingkat"].tolist()
        self.periode, self.dasar = g["periode"].astype(str).tolist(), g["dasar"].tolist()
        induk = g["induk"].tolist()
        shown = (g["samar"] == "").tolist()
        d_val, n_val = g["penyebut"].to_numpy(dtype=float), g["pembilang"].to_numpy(dtype=float)
        bawah, atas = g["bawah"].to_numpy(dtype=float), g["atas"].to_numpy(dtype=float)
        for i in range(len(g)):
            self.support[i] = self._support(i)
        children: dict[tuple, list[int]] = {}
        for i in range(len(g)):
            children.setdefault((induk[i], self.periode[i], self.dasar[i]), []).append(i)
        shown_months: dict[str, set[str]] = {}  # the months a unit's own figure is published exactly
        for i in range(len(g)):
            if shown[i] and self.dasar[i] == SUM_BASIS and not is_range(self.periode[i]):
                shown_months.setdefault(self.kode[i], set()).add(self.periode[i])
        for i in range(len(g)):
            sup = self.support[i]
            if shown[i] and self.dasar[i] == SUM_BASIS and is_range(self.periode[i]) and \
                    set(self.cell_month[sup]) <= shown_months.get(self.kode[i], set()):
                continue  # the sum of the unit's own published months: it says nothing they do not
            if shown[i]:
                # a parent less its shown children (same period and basis): the same relation, over fewer
                # unknowns, so that parts that share nothing but a shown total stay apart
                kids = [k for k in children.get((self.kode[i], self.periode[i], self.dasar[i]), ()) if shown[k]]
                d, n = d_val[i], n_val[i]
                if kids:
                    sup = np.setdiff1d(sup, np.concatenate([self.support[k] for k in kids]))
                    d -= d_val[kids].sum()
                    n -= n_val[kids].sum()
                if len(sup) == 1 and not math.isnan(d):  # one unknown: a bound, fixed
                    self._fix(int(sup[0]), d, n)
                elif len(sup):
                    self.rows.append(_Row(sup, np.ones(len(sup)), d, d))
                    self.rows.append(_Row(sup + self.n, np.ones(len(sup)), n, n))
            else:
                lo, hi = bawah[i], atas[i]
                if len(sup) == 1:
                    j = int(sup[0])
                    self.lb[j] = max(self.lb[j], lo)
                    self.ub[j] = min(self.ub[j], hi)
                    self.ub[j + self.n] = min(self.ub[j + self.n], hi)
                elif len(sup) and (lo > 0 or math.isfinite(hi)):
                    self._masked_rows.append((sup, lo, hi))  # added once every unknown's own bound is known
        for sup, lo, hi in self._masked_rows:
            if self.lb[sup].sum() >= lo - _TOL and not math.isfinite(hi):
                continue  # implied: its unknowns' own bounds already say as much
            self.rows.append(_Row(sup, np.ones(len(sup)), lo, hi))
        for j in range(self.n):  # accompanied ≤ targeted
            self.rows.append(_Row(np.array([j + self.n, j]), np.array([1.0, -1.0]), -np.inf, 0.0))
        self.link_lb = np.zeros(2 * self.n)
        for d, r in self.reach_index.items():  # a desa's reach is at least any month of it
            for j in map(int, np.flatnonzero(self.cell_desa == d)):
                for a, b in ((r, j), (r + self.n, j + self.n)):
                    if self.lb[b] == self.ub[b]:  # a published month: a bound on the reach
                        self.link_lb[a] = max(self.link_lb[a], self.lb[b])
                    else:
                        self.rows.append(_Row(np.array([a, b]), np.array([1.0, -1.0]), 0.0, np.inf, link=True))

    def _fix(self, j: int, d: float, n: float) -> None:
        self.lb[j], self.ub[j] = max(self.lb[j], d), min(self.ub[j], d)
        self.lb[j + self.n], self.ub[j + self.n] = max(self.lb[j + self.n], n), min(self.ub[j + self.n], n)

    def _split(self) -> None:
        """Connected parts: unknowns linked by any relation."""
        size = 2 * self.n
        heads, tails = [np.arange(self.n)], [np.arange(self.n) + self.n]
        for row in self.rows:
            if len(row.cols) > 1:
                heads.append(np.repeat(row.cols[0], len(row.cols) - 1))
                tails.append(row.cols[1:])
        h, t = np.concatenate(heads), np.concatenate(tails)
        graph = sparse.coo_matrix((np.ones(len(h)), (h, t)), shape=(size, size))
        _, self.part = connected_components(graph, directed=False)
        self._cache: dict[tuple[int, bool], tuple] = {}

    def _matrices(self, part: int, links: bool) -> tuple:
        key = (part, links)
        if key not in self._cache:
            cols = np.flatnonzero(self.part == part)
            where = {c: k for k, c in enumerate(cols)}
            eq_r: list[int] = []
            eq_c: list[int] = []
            eq_v: list[float] = []
            eq_b: list[float] = []
            ub_r: list[int] = []
            ub_c: list[int] = []
            ub_v: list[float] = []
            ub_b: list[float] = []
            for row in self.rows:
                if self.part[row.cols[0]] != part or (row.link and not links):
                    continue
                local = [where[c] for c in row.cols]
                if row.lo == row.hi:
                    k = len(eq_b)
                    eq_r += [k] * len(local)
                    eq_c += local
                    eq_v += list(row.coef)
                    eq_b.append(row.lo)
                    continue
                if math.isfinite(row.hi):
                    k = len(ub_b)
                    ub_r += [k] * len(local)
                    ub_c += local
                    ub_v += list(row.coef)
                    ub_b.append(row.hi)
                if math.isfinite(row.lo):
                    k = len(ub_b)
                    ub_r += [k] * len(local)
                    ub_c += local
                    ub_v += [-c for c in row.coef]
                    ub_b.append(-row.lo)
            n = len(cols)
            a_eq = sparse.csr_matrix((eq_v, (eq_r, eq_c)), shape=(len(eq_b), n)) if eq_b else None
            a_ub = sparse.csr_matrix((ub_v, (ub_r, ub_c)), shape=(len(ub_b), n)) if ub_b else None
            lb = np.maximum(self.lb, self.link_lb) if links else self.lb
            bounds = [(lb[c], None if not math.isfinite(self.ub[c]) else self.ub[c]) for c in cols]
            sign = hashlib.blake2b(b"".join(
                [cols.tobytes(), lb[cols].tobytes(), self.ub[cols].tobytes(), np.array(eq_b).tobytes(),
                 np.array(ub_b).tobytes(), np.array(eq_c).tobytes(), np.array(ub_c).tobytes(),
                 np.array(eq_r).tobytes(), np.array(ub_r).tobytes(), np.array(ub_v).tobytes()])).hexdigest()
            self._cache[key] = (where, a_eq, eq_b or None, a_ub, ub_b or None, bounds, sign)
        return self._cache[key]

    def interval(self, i: int, what: str) -> tuple[float, float]:
        """The least and greatest value of figure ``i``'s families targeted (``d``) or accompanied (``n``)."""
        sup = self.support[i] + (self.n if what == "n" else 0)
        if not len(sup):
            return 0.0, 0.0
        lo = hi = 0.0
        for part in sorted(set(self.part[sup])):
            mine = sup[self.part[sup] == part]
            ends = self._solve(part, mine, links=True)
            if math.isnan(ends[0]):  # the reach ≥ month bounds do not hold in these data: a reader's wrong guess
                ends = self._solve(part, mine, links=False)
            if math.isnan(ends[0]):
                return math.nan, math.nan
            lo, hi = lo + ends[0], hi + ends[1]
        return lo, hi

    def _solve(self, part: int, mine: np.ndarray, links: bool) -> tuple[float, float]:
        where, a_eq, b_eq, a_ub, b_ub, bounds, sign = self._matrices(part, links)
        key = (sign, mine.tobytes())
        if key not in self.solved:
            self.solved[key] = self._linprog(where, a_eq, b_eq, a_ub, b_ub, bounds, mine)
        return self.solved[key]

    @staticmethod
    def _linprog(where, a_eq, b_eq, a_ub, b_ub, bounds, mine) -> tuple[float, float]:
        c = np.zeros(len(bounds))
        c[[where[j] for j in mine]] = 1.0
        ends = []
        for sign in (1.0, -1.0):
            res = linprog(sign * c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
            if res.status == 3:  # unbounded
                ends.append(-math.inf if sign > 0 else math.inf)
            elif res.status != 0:
                return math.nan, math.nan
            else:
                ends.append(sign * res.fun)
        return ends[0], ends[1]


def _months(periode: str) -> list[str]:
    first, last = span(periode)
    y0, m0 = int(first[:4]), int(first[5:7])
    y1, m1 = int(last[:4]), int(last[5:7])
    return [f"{y // 12:04d}-{y % 12 + 1:02d}" for y in range(y0 * 12 + m0 - 1, y1 * 12 + m1)]


def _pages(row: pd.Series) -> tuple[str, ...]:
    pages = row.get("halaman", ())
    return tuple(pages) if isinstance(pages, tuple | list) else ()


def _count(lo: float, hi: float) -> float:
    """Whole numbers in [lo, hi] (infinite when unbounded)."""
    if not math.isfinite(hi):
        return math.inf
    return math.floor(hi + _TOL) - math.ceil(lo - _TOL) + 1
