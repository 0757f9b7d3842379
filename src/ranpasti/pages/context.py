"""One unit, one period: the loaded data every section of a page reads, and how a page gets it.

Every figure a section shows is computed here once per page and shared by the sections that show it: one
memo per ``Context`` (``memoised`` methods and properties, keyed by name and arguments). Figures that every
page of a kabupaten needs are computed once per kabupaten instead (``Store.kabupaten_memo``): a build runs a
kabupaten's kecamatan pages one after another in the same worker process.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
from markupsafe import Markup

from .. import facts
from ..core import caches, fmt
from ..facts import disclosure
from ..facts.disclosure import Rule
from ..ingest.store import NO_ROWS, Store, ingest, input_fingerprint, prefix_positions
from ..reference import asof
from ..reference import indicators as ind
from ..reference.config import Config
from ..reference.glossary import GLOSSARY_PAGE, link_terms
from ..reference.regions import Regions, Unit, ancestor, load_regions
from ..reference.urls import page_dir, relative

MAIN_INDICATOR = facts.MAIN_INDICATOR  # what rankings sort by and what privacy masks first
MASKED_BAND = facts.MASKED_BAND  # the status of a masked figure: its band would tell its range

_STORES = caches.table("pages.context.stores", 1)  # one cache folder at a time per process


def open_store(data_dir: str | Path = "data", cache_dir: str | Path = ".ranpasti/cache",
               regions: Regions | None = None) -> Store:
    """The cache for ``data_dir``; ingested here only when a notebook is run by hand without a build.

    A build passes ``data_dir=""``: its pages read the cache it validated (a snapshot of the inputs), never
    the data folder, which staff may be editing meanwhile (kernels re-ingested a file changed mid-build,
    several at once, and published pages from the transient data under the old data's key).

    A worker process renders thousands of pages from one cache: the ``Store`` (with the small tables and the
    config it has read) is reused while the cache folder is the same one. Ingest replaces the folder
    (rename), so a new manifest inode/mtime means a new ``Store``."""
    regions = regions or load_regions()
    cache_dir = Path(cache_dir)
    manifest = cache_dir / "manifest.json"
    snapshot = not data_dir  # a build: every page reads the cache it validated, whatever data/ holds now
    if snapshot and not manifest.exists():
        raise RuntimeError(f"cache data {cache_dir}/ tidak ada: jalankan `ranpasti build`, atau beri data_dir.")
    if manifest.exists():
        st = manifest.stat()
        key = (str(cache_dir.resolve()), st.st_ino, st.st_mtime_ns, st.st_size, id(regions))
        store = _STORES.get(key) or Store(cache_dir, regions)
        if snapshot or store.manifest.get("fingerprint") == input_fingerprint(Path(data_dir), regions):
            if key not in _STORES:
                _STORES.put(key, store, keep=regions)  # the key names ``regions`` by id
            return store
    store, _ = ingest(Path(data_dir), cache_dir, regions)
    return store


T = TypeVar("T")


def memoised(method: Callable[..., T]) -> Callable[..., T]:
    """Compute a ``Context`` method (or, under ``@property``, attribute) once per page.

    The page's single memo: several sections read the same figures, and the evaluation page asks for the
    same ones ~7 times. The key is the method's name and its positional arguments, so callers normalise
    defaults first (``capaian(level)`` and ``capaian(level, this_year)`` must be one entry). Results are
    shared: callers must not modify them (copy first)."""
    name = method.__name__

    @wraps(method)
    def wrapper(self: Context, *args: Any) -> T:
        key = (name, *args)
        memo = self._memo
        if key not in memo:
            memo[key] = method(self, *args)
        return memo[key]

    return wrapper


@dataclass
class Context:
    """One unit, one period: the data slice and settings every section of its page reads."""

    kode: str
    store: Store
    bulan: str  # reporting month (YYYY-MM)
    tahun: int
    kind: str = "progres"
    catatan: str = ""
    document: tuple[tuple[str, str], ...] = ()  # an evaluation report's cover block: (label, value), from params
    # the site's months after ``bulan`` that this unit's data does not have yet: its page shows its own latest
    # month (``open_context``) and says which months have not arrived
    behind: tuple[str, ...] = ()
    approval: tuple[tuple[str, str], ...] = ()  # its approval sheet: (kantor|jabatan|tempat|tanggal|tim, value)
    _memo: dict[tuple, Any] = field(default_factory=dict, repr=False, compare=False)
    _served: set[tuple[str, str]] = field(default_factory=set, repr=False, compare=False)
    _linked: set[str] = field(default_factory=set, repr=False, compare=False)  # glossary terms linked so far

    # ------------------------------------------------------------ the unit

    @property
    def regions(self) -> Regions:
        return self.store.regions

    @property
    def config(self) -> Config:
        return self.store.config

    @property
    @memoised
    def unit(self) -> Unit:
        return self.regions.unit(self.kode)

    @property
    def level(self) -> str:
        return self.unit.tingkat

    @property
    def own_code(self) -> str:
        """The unit's code in computed tables (the country's rows are coded ``ID``)."""
        return "ID" if self.level == "nasional" else self.kode

    @property
    def child_level(self) -> str:
        return {"nasional": "kabupaten", "provinsi": "kabupaten", "kabupaten": "kecamatan",
                "kecamatan": "desa"}[self.level]

    @property
    @memoised
    def page(self) -> str:
        return page_dir(self.regions, self.kode, self.kind, self.tahun)

    @property
    def glossary_link(self) -> str:
        """This page's link to the glossary page."""
        return relative(self.page, GLOSSARY_PAGE)

    def term_links(self, text: str) -> Markup:
        """``text`` with each glossary term linked where this page first uses it (the cards, the Kampung KB
        instruments, the audit, the evaluation's method): one set per page, so a term is linked once."""
        return link_terms(text, self.glossary_link, self._linked)

    def child_name(self, kode: str) -> str:
        if self.child_level == "desa":
            return self.regions.desa.at[kode, "nama"] if kode in self.regions.desa.index else kode
        return self.regions.unit(kode).nama

    def link(self, kode: str, kind: str = "progres") -> str:
        return relative(self.page, page_dir(self.regions, kode, kind, self.tahun))

    # ------------------------------------------------------------ data read

    @property
    @memoised
    def rows(self) -> pd.DataFrame:
        """Pendampingan rows of the unit: desa rows, or per-kabupaten sums above kabupaten level."""
        if self.level in ("nasional", "provinsi"):
            return self.store.agregat(self.kode)
        if self.level == "kecamatan":
            kab = self._kabupaten_rows
            return kab[kab["kode_kecamatan"] == self.kode]
        return self._kabupaten_rows

    @property
    def _kabupaten_rows(self) -> pd.DataFrame:
        return self._kabupaten_wide(("pendampingan",),
                                    lambda: self.store.pendampingan(ancestor(self.kode, "kabupaten")))

    @property
    def code_col(self) -> str:
        return "kode_kabupaten" if self.level in ("nasional", "provinsi") else "kode_desa"

    @property
    @memoised
    def targets(self) -> pd.DataFrame:
        return self.store.table("target")

    @property
    @memoised
    def _target_values(self) -> dict[str, float]:
        return ind.target_values(self.targets, self.tahun, self.kode, list(ind.INDICATORS))

    def target_of(self, key: str) -> float | None:
        """The indicator's target for the page's year and region (its kabupaten's, province's or the national
        one), or None when that year has none."""
        return self._target_values.get(key)

    @property
    @memoised
    def desa_ref(self) -> pd.DataFrame:
        return self.regions.desa_of(self.kode)

    def months_with_data(self) -> list[str]:
        """The months the unit's pendampingan data has (a kecamatan's: from its kabupaten's rows, once for
        the kabupaten's pages)."""
        if self.level != "kecamatan":
            return sorted(self.rows["bulan"].unique())
        return self._kabupaten_wide(("months", "kecamatan"), lambda: _months_by_kecamatan(
            self._kabupaten_rows)).get(self.kode, [])

    @memoised
    def reported(self, bulan: str) -> pd.DataFrame:
        """Each reference desa of the unit with whether it sent a report for ``bulan``
        (``indicators.reported``; once per page: the data notes and the findings both read it; shared: not to
        be modified); the desa that sent one read once per kabupaten and month."""
        if not self._in_kabupaten:
            return ind.reported(self.rows, self.desa_ref, bulan)
        kab = self._kabupaten_rows
        sent = self._kabupaten_wide(("sent", bulan), lambda: set(kab.loc[kab["bulan"] == bulan, "kode_desa"]))
        return ind.reported_by(sent, self.desa_ref)

    @property
    def as_of(self) -> str:
        """The day the page reads statuses at (ISO): the last day of its month, 31 December on an evaluation.
        Lokmin follow-ups and Kampung KB classes are shown as they stood then (``asof.py``, issue 34)."""
        return asof.month_end(self.bulan)

    def lokmin_rows(self) -> pd.DataFrame:
        """Lokmin follow-ups of the unit's meetings in the page's year, oldest first, each with its status on
        ``as_of`` and the kecamatan's name (a copy)."""
        return self._lokmin_rows().copy()

    @memoised
    def _lokmin_items(self) -> pd.DataFrame:
        """Every follow-up of the unit met by ``as_of``, with its status on that day and the kecamatan's name."""
        return self._named(self._as_of("lokmin", asof.lokmin_as_of))

    def _named(self, df: pd.DataFrame) -> pd.DataFrame:
        return df.assign(kecamatan=df["kode_kecamatan"].map(self.regions.kecamatan["nama"]))  # validated: all known

    @memoised
    def _lokmin_rows(self) -> pd.DataFrame:
        if self.level == "kecamatan":  # the kabupaten's year once, for its kecamatan pages: then this one's rows
            return self.store.inside(self.kabupaten_lokmin_rows(copy=False), self.kode)
        return _year_rows(self._lokmin_items(), self.tahun)

    def kabupaten_lokmin_rows(self, copy: bool = True) -> pd.DataFrame:
        """``lokmin_rows`` of the page's whole kabupaten (a copy unless ``copy`` is false: shared, not to be
        modified), made once for the pages inside it. A kecamatan's rows selected from them are its own rows
        in its own order: every item lies in one kecamatan, and the order (date, then kecamatan, stable) puts
        one kecamatan's items as they are among themselves."""
        whole = self._kabupaten_wide(("lokmin", "rows", self.as_of, self.tahun),
                                     lambda: _year_rows(self._kabupaten_lokmin(), self.tahun))
        return whole.copy() if copy else whole

    def _kabupaten_lokmin(self) -> pd.DataFrame:
        """The kabupaten's ``_lokmin_items``, once for its pages."""
        return self._kabupaten_wide(("lokmin", "items", self.as_of),
                                    lambda: self._named(self._kabupaten_as_of("lokmin", asof.lokmin_as_of)))

    def lokmin_open_earlier(self) -> pd.DataFrame:
        """Follow-ups from meetings of earlier years still not done on ``as_of``, oldest first, with the months
        past their deadline (``bulan_lewat``; a copy): listed on the evaluation page, not only counted."""
        return self._lokmin_open_earlier().copy()

    @memoised
    def _lokmin_open_earlier(self) -> pd.DataFrame:
        if self.level == "kecamatan":  # as ``_lokmin_rows``: the kabupaten's once, then this one's rows
            whole = self._kabupaten_wide(("lokmin", "earlier", self.as_of, self.tahun), lambda: (
                asof.open_from_earlier_years(self._kabupaten_lokmin(), self.tahun, self.as_of)))
            return self.store.inside(whole, self.kode).reset_index(drop=True)
        return asof.open_from_earlier_years(self._lokmin_items(), self.tahun, self.as_of)

    def kampung_rows(self) -> pd.DataFrame:
        """The unit's Kampung KB formed by the page's year, each with its class and instruments as they stood on
        ``as_of`` (a copy): the 2024 page shows 2024's classes, not today's."""
        return self._kampung_rows().copy()

    @memoised
    def _kampung_rows(self) -> pd.DataFrame:
        return self._as_of("kampung_kb", asof.kampung_as_of)

    def _as_of(self, name: str, as_of: Callable[[pd.DataFrame, str], pd.DataFrame]) -> pd.DataFrame:
        """Table ``name``'s statuses on ``as_of`` (``asof``), for this unit: read once per kabupaten and day and
        shared by the pages inside it (a kecamatan's rows selected from its kabupaten's), not once per page.
        The same rows in the same order: every item of these tables lies in one kecamatan, and selecting keeps
        the order of the kabupaten's."""
        if self.level in ("nasional", "provinsi"):
            return as_of(self.store.table(name, "" if self.level == "nasional" else self.kode), self.as_of)
        whole = self._kabupaten_as_of(name, as_of)
        return whole if self.level == "kabupaten" else self.store.inside(whole, self.kode).reset_index(drop=True)

    def _kabupaten_as_of(self, name: str, as_of: Callable[[pd.DataFrame, str], pd.DataFrame]) -> pd.DataFrame:
        """Table ``name``'s statuses on ``as_of`` for the page's whole kabupaten, once for its pages (shared)."""
        kab = ancestor(self.kode, "kabupaten")
        return self._kabupaten_wide((name, "as_of", self.as_of), lambda: as_of(self.store.table(name, kab), self.as_of))

    # ------------------------------------------------------------ indicators

    def year_to_date(self) -> tuple[str, str]:
        return (f"{self.tahun}-01", self.bulan)

    def capaian(self, level: str, months: tuple[str, str] | None = None, by_month: bool = False) -> pd.DataFrame:
        """Capaian at ``level`` over a month range (default January to the reporting month), with target and
        band (level = own level or children). Shared: not to be modified."""
        return self._capaian_at(level, months or self.year_to_date(), by_month)

    @property
    def _in_kabupaten(self) -> bool:
        """A kabupaten's page or one of its kecamatan pages: figures computed for the whole kabupaten once and
        shared (a build runs a kabupaten's own pages right before its kecamatan pages, on the same workers)."""
        return self.level in ("kabupaten", "kecamatan")

    @memoised
    def _capaian_at(self, level: str, months: tuple[str, str], by_month: bool) -> pd.DataFrame:
        if self._in_kabupaten:  # selected for the whole kabupaten once, then this unit's rows
            whole = self._kabupaten_wide(("capaian", level, months, by_month, self.tahun), lambda: (
                self._compute_capaian(self._kabupaten_rows, level, months, by_month)))
            periods = sorted(set(whole["bulan"])) if by_month and "bulan" in whole else [_period(months)]
            self._served.update((level, m) for m in periods)
            return self._inside(whole)
        return self._compute_capaian(self.rows, level, months, by_month)

    # ------------------------------------------------------------ disclosure control

    @property
    def disclosure_rule(self) -> Rule:
        return facts.samar.rule(self.store)

    def published_figures(self) -> pd.DataFrame:
        """The main indicator's figures this page read, as published (masked counts blank), with the
        decision's flags: the record the build's disclosure audit reads from every page."""
        if not self._in_kabupaten or not self._served:
            return pd.DataFrame(columns=[*disclosure.FIGURE_COLUMNS, "samar", "bawah", "atas"])
        kab = ancestor(self.kode, "kabupaten")
        frames = []
        for level, periode in sorted(self._served):
            d = facts.published(self.store, level, kab, periode)  # decided in the facts phase (``facts.samar``)
            frames.append(d if level == "kabupaten" else self._inside(d))
        return pd.concat(frames, ignore_index=True)

    def _compute_capaian(self, rows: pd.DataFrame, level: str, months: tuple[str, str],
                         by_month: bool) -> pd.DataFrame:
        """The figures at ``level`` over ``months`` (each month when ``by_month``), selected from the facts
        table (``facts``: computed once for the whole cache); computed here only for a period the facts do not
        hold (and never for a kabupaten's figures, whose masking is decided for the facts' periods only).
        Ordered as ``indicators.capaian`` orders them: indicator, then unit (then month); the main indicator's
        masked figures as published (``facts.shown``)."""
        if by_month:
            periods = sorted({m for m in self.store.months() if months[0] <= m <= months[1]})
        else:
            periods = [_period(months)]
        scope = ancestor(self.kode, "kabupaten") if self._in_kabupaten else self.kode
        found = facts.select(self.store, level, scope, periods, ind.BASIS_AVERAGE)
        covered = self._facts_cover(periods)
        if not covered and self._in_kabupaten and rows["bulan"].str.startswith(months[0][:4]).any():
            raise ValueError(f"periode {_period(months)} tidak diputuskan penyamarannya (disclosure): tambahkan "
                             "ke _decided_periods")
        if len(found) or not covered:
            return _as_capaian(found, by_month, self.disclosure_rule)
        rows = rows[(rows["bulan"] >= months[0]) & (rows["bulan"] <= months[1])]
        values = ind.capaian(rows, level, by_month=by_month, code_col=self.code_col)
        return ind.with_target(values, self.targets, self.tahun, self.config).assign(samar="")

    def _facts_cover(self, periods: list[str]) -> bool:
        """Whether the facts hold these periods (months, ranges from January, semester 2 of a year)."""
        return all(p in _period_names(int(p[:4])) for p in periods)

    def kabupaten_year(self) -> pd.DataFrame:
        """The page's kabupaten as a whole in the page's year, each indicator on its annual basis (``annual``):
        what a kecamatan evaluation compares its own annual figures with, on the same basis. Shared: not to
        be modified."""
        kab = ancestor(self.kode, "kabupaten")
        year = (f"{self.tahun}-01", f"{self.tahun}-12")
        self._served.add(("kabupaten", _period(year)))  # recorded for the audit like the page's own figures
        return self._kabupaten_wide(("annual", "kabupaten", self.tahun), lambda: self._compute_annual(
            self._kabupaten_rows, self.store.table(ind.REACH_TABLE, kab), "kabupaten", self.tahun))

    def own(self, months: tuple[str, str] | None = None, by_month: bool = False) -> pd.DataFrame:
        """The unit's own capaian rows (see ``capaian``). Shared: not to be modified."""
        return self._own(months or self.year_to_date(), by_month)

    @memoised
    def _own(self, months: tuple[str, str], by_month: bool) -> pd.DataFrame:
        df = self.capaian(self.level, months, by_month)
        return df[df["kode"] == self.own_code]

    def annual(self, level: str, tahun: int | None = None) -> pd.DataFrame:
        """A year (default the page's) at ``level`` (own level or children), each indicator on its annual basis:
        reach where jangkauan.csv is complete for the unit, else the monthly average (``indicators.annual``),
        with that year's target, band and ``dasar``. What an evaluation's summary, status column, rapor, gaps
        and change from last year all read, so they state one basis. Shared: not to be modified."""
        return self._annual_at(level, tahun or self.tahun)

    @memoised
    def _annual_at(self, level: str, tahun: int) -> pd.DataFrame:
        if self._in_kabupaten:  # computed for the whole kabupaten once, then this unit's rows
            kab = ancestor(self.kode, "kabupaten")
            year = (f"{tahun}-01", f"{tahun}-12")
            whole = self._kabupaten_wide(("annual", level, tahun), lambda: self._compute_annual(
                self._kabupaten_rows, self.store.table(ind.REACH_TABLE, kab), level, tahun))
            self._served.add((level, _period(year)))
            return self._inside(whole)
        reach = self.store.table(ind.REACH_TABLE, "" if self.level == "nasional" else self.kode)
        return self._compute_annual(self.rows, reach, level, tahun)

    def _compute_annual(self, rows: pd.DataFrame, reach: pd.DataFrame, level: str, tahun: int) -> pd.DataFrame:
        """A year at ``level`` from the facts table: each unit's reach figure where it has one for the
        indicator (``indicators.annual``'s rule, applied in ``facts``), else its monthly average; with the
        region whose target applies (``wilayah_target``).

        The same rule at every page: a province's or the nation's evaluation lists each kabupaten/kota on the
        basis its own evaluation page states (provinces and the nation themselves have only the monthly
        average)."""
        scope = ancestor(self.kode, "kabupaten") if self._in_kabupaten else self.kode
        year = facts.select(self.store, level, scope, [_period((f"{tahun}-01", f"{tahun}-12"))])
        if level in ("provinsi", "nasional"):
            year = year[year["dasar"] == ind.BASIS_AVERAGE]  # above a kabupaten: the monthly average only
        # reach sorts before the monthly average ("j" < "r"): the first row of each unit × indicator is its basis
        year = year.sort_values("dasar", kind="stable").drop_duplicates(["kode", "indikator"])
        return _as_capaian(year, False, self.disclosure_rule, keep=["dasar", "wilayah_target"])

    @property
    @memoised
    def own_annual(self) -> pd.DataFrame:
        """The unit's own row per indicator of ``annual``. Shared: not to be modified."""
        df = self.annual(self.level)
        return df[df["kode"] == self.own_code]

    def kampung(self, level: str, tahun: int | None = None) -> pd.DataFrame:
        """Kampung KB coverage at ``level`` at the end of ``tahun`` (default the page's year), with the page
        year's target and band (a copy)."""
        return self._kampung_at(level, tahun or self.tahun).copy()

    @memoised
    def _kampung_at(self, level: str, tahun: int) -> pd.DataFrame:
        if self._in_kabupaten:
            kab = ancestor(self.kode, "kabupaten")
            whole = self._kabupaten_wide(("kampung", level, tahun, self.tahun), lambda: self._compute_kampung(
                self.store.table("kampung_kb", kab), self.regions.desa_of(kab), level, tahun))
            return self._inside(whole)
        # national and province figures cover the kabupaten that report, as every other figure on those pages
        # does: Kampung KB over all 83,762 desa of the country read "0,6%, jauh dari target" for 3 reporting
        desa = self.desa_ref
        desa = desa[desa["kode_kabupaten"].isin(self.reporting_kabupaten())]
        return self._compute_kampung(self.store.table("kampung_kb", self.kode), desa, level, tahun)

    def reporting_kabupaten(self) -> list[str]:
        """The kabupaten/kota inside this unit whose pendampingan data is in (what its figures cover)."""
        codes = self.store.kabupaten_codes()
        return [k for k in codes if self.level == "nasional" or ancestor(k, self.level) == self.kode]

    def kabupaten_behind(self) -> list[tuple[str, str]]:
        """(kabupaten, its latest month) for each kabupaten/kota inside this unit whose data stops before the
        page's month: counted in the page's year, absent from its month's figures, so the page names them."""
        out = []
        for k in self.reporting_kabupaten():
            months = self.store.months(k)
            if months and months[-1] < self.bulan:
                out.append((k, months[-1]))
        return out

    def all_kabupaten(self) -> int:
        """How many kabupaten/kota this unit has in the reference (for "3 dari 514 kabupaten/kota")."""
        kab = self.regions.kabupaten
        return len(kab) if self.level == "nasional" else int(kab.index.str.startswith(self.kode + ".").sum())

    def _compute_kampung(self, kkb: pd.DataFrame, desa_ref: pd.DataFrame, level: str, tahun: int) -> pd.DataFrame:
        values = ind.kampung_kb(kkb, desa_ref, level, tahun)
        return ind.with_target(values, self.targets, self.tahun, self.config)

    def _kabupaten_wide(self, key: tuple, compute: Callable[[], T]) -> T:
        """A result for this unit's whole kabupaten, shared by its kecamatan pages (``Store.kabupaten_memo``)."""
        return self.store.kabupaten_memo(self.kode, key, compute)

    def _inside(self, whole: pd.DataFrame) -> pd.DataFrame:
        """Rows of a kabupaten-wide result that belong to this unit (its own row and its desa), in the
        result's order: taken by position from the result's rows grouped by code prefix (``prefix_positions``,
        the grouping ``Store.inside`` uses), made once per result and shared by the kabupaten's pages
        (comparing every code of the result with the kecamatan's, ~15 times a page, was ~10% of a kecamatan
        page's CPU). The memo entry holds the result itself, so its ``id`` names it while the entry lives."""
        if self.level == "kabupaten":
            return whole
        width = len(self.kode)
        _, groups = self._kabupaten_wide(("inside", id(whole), width),
                                         lambda: (whole, prefix_positions(whole["kode"], width)))
        return whole.take(groups.get(self.kode, NO_ROWS))


def _months_by_kecamatan(rows: pd.DataFrame) -> dict[str, list[str]]:
    """Kecamatan → the months its rows have, in order."""
    months: dict[str, set[str]] = {}
    pairs = rows[["kode_kecamatan", "bulan"]].drop_duplicates()
    for kode, bulan in zip(pairs["kode_kecamatan"].tolist(), pairs["bulan"].tolist(), strict=True):
        months.setdefault(kode, set()).add(bulan)
    return {kode: sorted(found) for kode, found in months.items()}


def _year_rows(items: pd.DataFrame, tahun: int) -> pd.DataFrame:
    """Lokmin items of meetings in ``tahun``, by date, then kecamatan (stable: as listed within a day)."""
    df = items[items["tanggal"].str.slice(0, 4) == str(tahun)]  # ISO dates: the year
    return df.sort_values(["tanggal", "kode_kecamatan"], kind="stable")


_CAPAIAN = ["kode", "indikator", "pembilang", "penyebut", "nilai", "target", "arah", "sumber_target",
            "capaian_target", "band", "warna", "samar"]
_ORDER = {i.key: n for n, i in enumerate(ind.PENDAMPINGAN_INDICATORS)}


def _as_capaian(rows: pd.DataFrame, by_month: bool, rule: Rule, keep: list[str] | None = None) -> pd.DataFrame:
    """Facts rows in the shape and order of ``indicators.capaian`` + ``with_target`` (what sections read),
    masked figures as published (``facts.shown``: ``samar`` the label)."""
    rows = facts.shown(rows, rule)
    out = rows.rename(columns={"periode": "bulan"}) if by_month else rows
    cols = ["kode", "bulan", *_CAPAIAN[1:]] if by_month else list(_CAPAIAN)
    out = out[cols + (keep or [])].assign(_o=out["indikator"].map(_ORDER))
    order = ["_o", "kode", "bulan"] if by_month else ["_o", "kode"]
    return out.sort_values(order, kind="stable").drop(columns="_o").reset_index(drop=True)


def _period(months: tuple[str, str]) -> str:
    """A decision's period key: the month, or ``first..last``."""
    return months[0] if months[0] == months[1] else f"{months[0]}..{months[1]}"


def _decided_periods(tahun: int) -> list[tuple[str, str]]:
    """The periods a page may publish in ``tahun``: every month, every range from January (a progress page's
    year to date; the last is the year), and both semesters (an evaluation's comparison)."""
    months = [f"{tahun}-{m:02d}" for m in range(1, 13)]
    periods = [(m, m) for m in months] + [(months[0], m) for m in months[1:]]
    return [*periods, (months[6], months[11])]


@caches.memo(64)
def _period_names(tahun: int) -> frozenset[str]:
    """The names of ``_decided_periods(tahun)`` (``2025-03``, ``2025-01..2025-03``): the periods the masking
    decision covers, which are the periods the facts hold."""
    return frozenset(_period(m) for m in _decided_periods(tahun))


def open_context(kode: str, bulan: str | None = None, tahun: int | None = None, kind: str = "progres",
                 data_dir: str | Path = "data", cache_dir: str | Path = ".ranpasti/cache", catatan: str = "",
                 store: Store | None = None, tim_evaluasi: str = "", tanggal_evaluasi: str = "",
                 disahkan_oleh: str = "", pengesahan_kantor: str = "", pengesahan_jabatan: str = "",
                 pengesahan_tempat: str = "", pengesahan_tanggal: str = "") -> Context:
    """Load a page's context. ``bulan=None`` means the unit's latest month in the data (for ``tahun`` if given):
    a kabupaten whose latest export is older than the others' (and its kecamatan, and a province all of whose
    kabupaten are behind) shows that month, with the missing months named (``Context.behind``), rather than a
    month in which every desa reads "tidak melapor". ``tim_evaluasi``, ``tanggal_evaluasi`` and
    ``disahkan_oleh`` make an evaluation's cover block, the ``pengesahan_*`` its approval sheet
    (``pages.approval``)."""
    store = store or open_store(data_dir, cache_dir)
    kode = "ID" if kode in ("", "nasional", None) else str(kode)
    store.regions.unit(kode)  # KeyError with the code if it does not exist
    months = store.months()
    if not months:
        raise ValueError("data pendampingan kosong")
    behind: tuple[str, ...] = ()
    if kind == "evaluasi":
        tahun = int(tahun or months[-1][:4])
        bulan = f"{tahun}-12"
    elif bulan is None:
        site = [m for m in months if tahun is None or m.startswith(str(tahun))] or months
        own = [m for m in store.months(kode) if m in site] or site
        bulan = own[-1]
        behind = tuple(m for m in site if m > bulan)
    tahun = int(bulan[:4])
    document = tuple((label, value) for label, value in (
        ("Tim evaluasi", str(tim_evaluasi or "").strip()),
        ("Tanggal evaluasi", fmt.date(str(tanggal_evaluasi)) if tanggal_evaluasi else ""),
        ("Disahkan oleh", str(disahkan_oleh or "").strip())) if value)
    approval = tuple((key, str(value or "").strip()) for key, value in (
        ("tim", tim_evaluasi), ("kantor", pengesahan_kantor), ("jabatan", pengesahan_jabatan),
        ("tempat", pengesahan_tempat), ("tanggal", pengesahan_tanggal)) if str(value or "").strip())
    return Context(kode=kode, store=store, bulan=str(bulan), tahun=tahun, kind=kind, catatan=catatan or "",
                   document=document, behind=behind, approval=approval)
