"""The sections of every page, as functions of one loaded ``Context``.

A notebook opens a context for its unit and period and calls one function per section; each returns a
display object (``display.py``). All numbers come from ``indicators``; nothing is computed in a notebook,
so the same section looks and counts the same on every page, and tests can call these functions directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from . import charts, fmt
from . import indicators as ind
from .config import Config
from .display import HTML, Chart, Col, Rich, Table, render
from .regions import Regions, Unit, load_regions
from .store import Store, ingest, input_fingerprint
from .urls import page_dir, relative

MAIN_INDICATOR = "krs_didampingi"
STATUS_ORDER = ["selesai", "berjalan", "belum dimulai"]


_STORES: dict[tuple, Store] = {}


def open_store(data_dir: str | Path = "data", cache_dir: str | Path = ".ranpasti/cache",
               regions: Regions | None = None) -> Store:
    """The cache for ``data_dir``; ingested here only when a notebook is run by hand without a build.

    A build passes ``data_dir=""``: its pages read the cache it validated (a snapshot of the inputs), never
    the data folder, which staff may be editing meanwhile (kernels re-ingested a file changed mid-build,
    several at once, and published pages from the transient data under the old data's key).

    A warm kernel renders thousands of pages from one cache: the ``Store`` (with the small tables and the
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
                _STORES.clear()  # one cache at a time per process
                _STORES[key] = store
            return store
    store, _ = ingest(Path(data_dir), cache_dir, regions)
    return store


@dataclass
class Context:
    """One unit, one period: the data slice and settings every section of its page reads."""

    kode: str
    store: Store
    bulan: str  # reporting month (YYYY-MM)
    tahun: int
    kind: str = "progres"
    catatan: str = ""
    _cache: dict = field(default_factory=dict)

    @property
    def regions(self) -> Regions:
        return self.store.regions

    @property
    def config(self) -> Config:
        return self.store.config

    @cached_property
    def unit(self) -> Unit:
        return self.regions.unit(self.kode)

    @property
    def level(self) -> str:
        return self.unit.tingkat

    @property
    def child_level(self) -> str:
        return {"nasional": "kabupaten", "provinsi": "kabupaten", "kabupaten": "kecamatan",
                "kecamatan": "desa"}[self.level]

    @cached_property
    def page(self) -> str:
        return page_dir(self.regions, self.kode, self.kind, self.tahun)

    @cached_property
    def rows(self) -> pd.DataFrame:
        """Pendampingan rows of the unit: desa rows, or per-kabupaten sums above kabupaten level."""
        if self.level in ("nasional", "provinsi"):
            return self.store.agregat(self.kode)
        if self.level == "kecamatan":
            return self._kabupaten_rows[self._kabupaten_rows["kode_kecamatan"] == self.kode]
        return self.store.pendampingan(self.kode)

    @property
    def _kabupaten_rows(self) -> pd.DataFrame:
        return self.store.kabupaten_memo(self.kode, ("pendampingan",), lambda: self.store.pendampingan(self.kode[:5]))

    @property
    def code_col(self) -> str:
        return "kode_kabupaten" if self.level in ("nasional", "provinsi") else "kode_desa"

    def year_rows(self, months: tuple[str, str] | None = None) -> pd.DataFrame:
        lo, hi = months or (f"{self.tahun}-01", self.bulan)
        r = self.rows
        return r[(r["bulan"] >= lo) & (r["bulan"] <= hi)]

    @cached_property
    def targets(self) -> pd.DataFrame:
        return self.store.table("target")

    @cached_property
    def _target_values(self) -> dict[str, float]:
        t = self.targets[self.targets["tahun"] <= self.tahun].sort_values("tahun", kind="stable")
        return {str(k): float(v) for k, v in zip(t["indikator"], t["target"], strict=True)}  # latest year wins

    def target_of(self, key: str) -> float | None:
        """The indicator's target for the page's year (the latest earlier one if the year has none)."""
        return self._target_values.get(key)

    @cached_property
    def desa_ref(self) -> pd.DataFrame:
        return self.regions.desa_of(self.kode)

    def capaian(self, level: str, months: tuple[str, str] | None = None, by_month: bool = False) -> pd.DataFrame:
        """Capaian at ``level`` over a month range, with target and band (level = own level or children).

        Memoised per page: several sections read the same figures, and the result is never mutated."""
        key = ("capaian", level, months or (f"{self.tahun}-01", self.bulan), by_month)
        if key not in self._cache:
            if self.level == "kecamatan":  # computed for the whole kabupaten once, then this kecamatan's rows
                whole = self.store.kabupaten_memo(self.kode, (*key, self.tahun),
                                                  lambda: self._capaian(self._kabupaten_rows, level, key[2], by_month))
                self._cache[key] = self._inside(whole)
            else:
                self._cache[key] = self._capaian(self.rows, level, key[2], by_month)
        return self._cache[key]

    def _capaian(self, rows: pd.DataFrame, level: str, months: tuple[str, str], by_month: bool) -> pd.DataFrame:
        rows = rows[(rows["bulan"] >= months[0]) & (rows["bulan"] <= months[1])]
        values = ind.capaian(rows, level, by_month=by_month, code_col=self.code_col)
        return ind.with_target(values, self.targets, self.tahun, self.config)

    def own(self, months: tuple[str, str] | None = None, by_month: bool = False) -> pd.DataFrame:
        key = ("own", months, by_month)  # memoised like ``capaian``: the evaluation page asks ~7 times
        if key not in self._cache:
            df = self.capaian(self.level, months, by_month)
            self._cache[key] = df[df["kode"] == ("ID" if self.level == "nasional" else self.kode)]
        return self._cache[key]

    def kampung(self, level: str) -> pd.DataFrame:
        key = ("kampung", level)
        if key not in self._cache:
            if self.level == "kecamatan":
                kab = self.kode[:5]
                whole = self.store.kabupaten_memo(self.kode, (*key, self.tahun), lambda: self._kampung(
                    self.store.table("kampung_kb", kab), self.regions.desa_of(kab), level))
                self._cache[key] = self._inside(whole)
            else:
                self._cache[key] = self._kampung(self.store.table("kampung_kb", self.kode), self.desa_ref, level)
        return self._cache[key].copy()

    def _kampung(self, kkb: pd.DataFrame, desa_ref: pd.DataFrame, level: str) -> pd.DataFrame:
        values = ind.kampung_kb(kkb, desa_ref, level, self.tahun)
        return ind.with_target(values, self.targets, self.tahun, self.config)

    def _inside(self, whole: pd.DataFrame) -> pd.DataFrame:
        """Rows of a kabupaten-wide result that belong to this unit (its own row and its desa)."""
        codes = whole["kode"]
        return whole[(codes == self.kode) | codes.str.startswith(self.kode + ".")]

    def child_name(self, kode: str) -> str:
        if self.child_level == "desa":
            return self.regions.desa.at[kode, "nama"] if kode in self.regions.desa.index else kode
        return self.regions.unit(kode).nama

    def link(self, kode: str, kind: str = "progres") -> str:
        return relative(self.page, page_dir(self.regions, kode, kind, self.tahun))

    def months_with_data(self) -> list[str]:
        return sorted(self.rows["bulan"].unique())


def open_context(kode: str, bulan: str | None = None, tahun: int | None = None, kind: str = "progres",
                 data_dir: str | Path = "data", cache_dir: str | Path = ".ranpasti/cache", catatan: str = "",
                 store: Store | None = None) -> Context:
    """Load a page's context. ``bulan=None`` means the latest month in the data (for ``tahun`` if given)."""
    store = store or open_store(data_dir, cache_dir)
    kode = "ID" if kode in ("", "nasional", None) else str(kode)
    store.regions.unit(kode)  # KeyError with the code if it does not exist
    months = store.months()
    if not months:
        raise ValueError("data pendampingan kosong")
    if kind == "evaluasi":
        tahun = int(tahun or months[-1][:4])
        bulan = f"{tahun}-12"
    elif bulan is None:
        in_year = [m for m in months if tahun is None or m.startswith(str(tahun))]
        bulan = (in_year or months)[-1]
    tahun = int(bulan[:4])
    return Context(kode=kode, store=store, bulan=str(bulan), tahun=tahun, kind=kind, catatan=catatan or "")


# ---------------------------------------------------------------- shared sections

_HEADER = """\
<header class="rp-page-head tex2jax_ignore mathjax_ignore">
<p class="rp-kicker">{{ kicker }}</p>
<h1>{{ title }}</h1>
<p class="rp-period">{{ period }}</p>
{% if sample %}<p class="rp-sample" role="note"><strong>Data contoh (sintetis).</strong> Angka pendampingan, Kampung KB,
Lokmin dan rekap KRS di halaman ini dibuat untuk peragaan, bukan data resmi. Hanya angka prevalensi SSGI/SKI yang
dikutip dari sumber terbit.</p>{% endif %}
{% if catatan %}<p class="rp-catatan" role="note"><strong>Catatan:</strong> {{ catatan }}</p>{% endif %}
</header>"""


def header(ctx: Context) -> Rich:
    if ctx.kind == "evaluasi":
        kicker = f"Evaluasi RAN PASTI tahun {ctx.tahun}"
        title = f"Evaluasi {ctx.tahun} — {ctx.unit.label}"
        period = f"Capaian tahunan Januari–Desember {ctx.tahun} dan capaian bulan Desember {ctx.tahun}."
    else:
        kicker = "Kemajuan RAN PASTI (Rencana Aksi Nasional Percepatan Penurunan Angka Stunting Indonesia)"
        title = ctx.unit.label if ctx.level != "nasional" else "Indonesia — ringkasan nasional"
        period = f"Bulan laporan: {fmt.month(ctx.bulan)} · tren Januari–{fmt.month(ctx.bulan)}."
    return render(_HEADER, kicker=kicker, title=title, period=period, sample=ctx.config.sample, catatan=ctx.catatan)


_CARDS = """\
<div class="rp-cards">
{% for c in cards %}<section class="rp-card" aria-label="{{ c.label }}">
<h3>{{ c.label }}</h3>
<p class="rp-value">{{ c.value }}</p>
<p class="rp-detail">{{ c.detail }}</p>
<p><span class="rp-badge" style="background:{{ c.color }}">{{ c.band }}</span>
{% if c.vs %}<span class="rp-vs">{{ c.vs }}</span>{% endif %}</p>
</section>
{% endfor %}
</div>
<p class="rp-note">{{ note }}</p>"""


def _card(row: pd.Series, detail: str) -> dict:
    target = row["target"]
    vs = ""
    if not fmt.is_missing(row["capaian_target"]):
        vs = f"{fmt.percent(row['capaian_target'])} dari target {fmt.percent(target, 0)}"
    elif not fmt.is_missing(target):
        vs = f"target {fmt.percent(target, 0)}"
    return {"label": ind.label(row["indikator"]), "value": fmt.percent(row["nilai"]), "detail": detail,
            "band": row["band"], "color": row["warna"], "vs": vs}


def cards(ctx: Context, months: tuple[str, str] | None = None, note: str | None = None) -> Rich:
    """Headline cards: each indicator for the period, its numerator/denominator and capaian vs target."""
    months = months or (ctx.bulan, ctx.bulan)
    own = ctx.own(months)
    items = []
    for key in [i.key for i in ind.PENDAMPINGAN_INDICATORS]:
        r = own[own["indikator"] == key]
        if r.empty:
            r = ind.with_target(pd.DataFrame([{"kode": ctx.kode, "indikator": key, "pembilang": 0.0,
                                               "penyebut": 0.0, "nilai": float("nan")}]),
                                ctx.targets, ctx.tahun, ctx.config)
        row = r.iloc[0]
        indicator = ind.INDICATORS[key]
        detail = (f"{fmt.number(row['pembilang'])} dari {fmt.number(row['penyebut'])} "
                  f"({indicator.denominator.replace('_', ' ')})")
        items.append(_card(row, detail))
    kkb = ctx.kampung(ctx.level)
    kkb = kkb[kkb["kode"] == ("ID" if ctx.level == "nasional" else ctx.kode)]
    if not kkb.empty:
        row = kkb.iloc[0]
        items.append(_card(row, f"{fmt.number(row['pembilang'])} dari {fmt.number(row['penyebut'])} desa/kelurahan "
                                f"(akhir {ctx.tahun})"))
    period = fmt.month(months[0]) if months[0] == months[1] else f"{fmt.month(months[0])}–{fmt.month(months[1])}"
    note = note or (f"Capaian = jumlah yang didampingi/dilayani ÷ jumlah sasaran, dijumlahkan atas semua desa untuk "
                    f"{period}. Sumber: pendampingan.csv dan kampung_kb.csv (lihat Catatan data).")
    return render(_CARDS, cards=items, note=note)


def trends(ctx: Context) -> list[Rich]:
    """One trend chart per indicator group, January → reporting month, target lines dashed."""
    monthly = ctx.own(by_month=True)
    out: list[Rich] = []
    groups: dict[str, list[str]] = {}
    for i in ind.PENDAMPINGAN_INDICATORS:
        groups.setdefault(i.group, []).append(i.key)
    for group, keys in groups.items():
        df = monthly[monthly["indikator"].isin(keys)].copy()
        df["label"] = df["indikator"].map(ind.label)
        targets = {ind.label(k): ctx.target_of(k) for k in keys}
        title = ind.GROUPS[group]
        table = Table(df.assign(bulan_teks=df["bulan"].map(fmt.month)),
                      [Col("bulan_teks", "Bulan"), Col("label", "Indikator"), Col("pembilang", "Didampingi", "int"),
                       Col("penyebut", "Sasaran", "int"), Col("nilai", "Capaian", "pct")],
                      name=f"tren-{group}", caption=f"{title}: capaian bulanan")
        desc = _trend_description(df, targets)
        colors = {ind.label(k): ind.INDICATORS[k].color for k in keys}
        out.append(Chart(charts.trend(df[["bulan", "label", "nilai"]], targets, title, colors), name=f"tren-{group}",
                         title=title, description=desc, table=table, svg=ctx.level in ctx.config.svg_fallback_levels))
    return out


def _trend_description(df: pd.DataFrame, targets: dict) -> str:
    series: dict[str, list[dict]] = {}
    for r in df[["label", "bulan", "nilai"]].to_dict("records"):  # plain rows: cheaper than groupby + iloc
        points = series.setdefault(r["label"], [])
        if not fmt.is_missing(r["nilai"]):
            points.append(r)
    parts = []
    for label, points in series.items():
        if not points:
            parts.append(f"{label}: tidak ada data")
            continue
        first, last = points[0], points[-1]
        parts.append(f"{label} dari {fmt.percent(first['nilai'])} ({fmt.month(first['bulan'])}) menjadi "
                     f"{fmt.percent(last['nilai'])} ({fmt.month(last['bulan'])}), target "
                     f"{fmt.percent(targets.get(label), 0)}")
    return "; ".join(parts) + "."


def _band_colors(ctx: Context) -> tuple[list[str], list[str]]:
    from .config import NO_DATA_BAND

    bands = [*ctx.config.bands, NO_DATA_BAND]
    return [b.label for b in bands], [b.color for b in bands]


def comparison(ctx: Context, months: tuple[str, str] | None = None, key: str = MAIN_INDICATOR) -> list[Rich]:
    """Children side by side for one indicator: a ranked chart and a table of every indicator."""
    months = months or (ctx.bulan, ctx.bulan)
    if ctx.child_level == "desa":
        return [desa_table(ctx)]
    level = ctx.child_level
    df = ctx.capaian(level, months)
    names = {k: ctx.child_name(k) for k in df["kode"].unique()}
    main = df[df["indikator"] == key].copy()
    main["nama"] = main["kode"].map(names)
    main = main.sort_values("nilai", ascending=False, na_position="last")
    wide = df.pivot(index="kode", columns="indikator", values="nilai")
    main = main.join(wide, on="kode", rsuffix="_w")
    kind = "evaluasi" if ctx.kind == "evaluasi" else "progres"
    main["tautan"] = [(names[k], ctx.link(k, kind)) for k in main["kode"]]
    domain, colors = _band_colors(ctx)
    label = ind.label(key)
    period = fmt.month(months[0]) if months[0] == months[1] else f"{fmt.month(months[0])}–{fmt.month(months[1])}"
    cols = [Col("tautan", level.capitalize(), "link"), Col("nilai", label, "pct"), Col("band", "Status", "band")]
    cols += [Col(i.key, i.label, "pct") for i in ind.PENDAMPINGAN_INDICATORS if i.key != key]
    table = Table(main, cols, name=f"perbandingan-{level}",
                  caption=f"Capaian setiap {level} di {ctx.unit.label}, {period} (urut menurut {label})")
    chart = Chart(charts.ranking(main[["nama", "nilai", "band"]], f"{label} per {level}, {period}",
                                 ctx.target_of(key), domain, colors),
                  name=f"peringkat-{level}", title=f"{label} per {level} — {period}",
                  description=_ranking_description(main, label), svg=ctx.level in ctx.config.svg_fallback_levels)
    return [chart, table]


def _ranking_description(main: pd.DataFrame, label: str) -> str:
    d = main.dropna(subset=["nilai"])
    if d.empty:
        return f"{label}: tidak ada data."
    top, low = d.iloc[0], d.iloc[-1]
    return (f"Tertinggi {top['nama']} ({fmt.percent(top['nilai'])}), terendah {low['nama']} "
            f"({fmt.percent(low['nilai'])}); {int((d['band'] == 'Tercapai').sum())} dari {len(main)} mencapai target.")


def _suppress(value: float, threshold: int) -> object:
    """Counts below the privacy threshold could point to one family: print ``< 5`` instead."""
    if fmt.is_missing(value):
        return value
    return f"< {threshold}" if 0 < value < threshold else value


def _secondary_suppression(rows: list[dict]) -> None:
    """Statistics offices' secondary suppression: the kecamatan's KRS totals are on the page, so one masked
    desa alone would be the total minus the others. Then the desa with the next smallest count is masked
    too ("disamarkan"): the difference gives only the two together."""
    primary = [r for r in rows if r["_small"]]
    if len(primary) != 1:
        return
    others = [r for r in rows if not r["_small"] and not fmt.is_missing(r["_sasaran"]) and r["_sasaran"] > 0]
    if not others:
        return
    second = min(others, key=lambda r: r["_sasaran"])
    second["n_krs_sasaran"] = second["n_krs_didampingi"] = second[MAIN_INDICATOR] = "disamarkan"


def desa_table(ctx: Context) -> Rich:
    """Every desa of a kecamatan for the reporting month, non-reporting desa flagged; small counts masked."""
    rep = ind.reported(ctx.rows, ctx.desa_ref, ctx.bulan)
    month_rows = ctx.rows[ctx.rows["bulan"] == ctx.bulan]
    values = ind.capaian(month_rows, "desa", by_month=False) if len(month_rows) else pd.DataFrame(
        columns=["kode", "indikator", "pembilang", "penyebut", "nilai"])
    wide = values.pivot(index="kode", columns="indikator", values="nilai") if len(values) else pd.DataFrame()
    krs = values[values["indikator"] == MAIN_INDICATOR].set_index("kode") if len(values) else pd.DataFrame()
    t = ctx.config.privacy_min_krs
    rows = []
    for _, r in rep.iterrows():
        k = r["kode_desa"]
        row = {"nama": r["nama"], "melapor": "ya" if r["melapor"] else "TIDAK MELAPOR",
               "cls": "" if r["melapor"] else "rp-missing"}
        sasaran = krs["penyebut"].get(k, float("nan")) if len(krs) else float("nan")
        small = not fmt.is_missing(sasaran) and 0 < sasaran < t
        row["n_krs_sasaran"] = _suppress(sasaran, t)
        row["n_krs_didampingi"] = (f"< {t}" if small else
                                   (krs["pembilang"].get(k, float("nan")) if len(krs) else float("nan")))
        for i in ind.PENDAMPINGAN_INDICATORS:
            v = wide[i.key].get(k, float("nan")) if i.key in wide else float("nan")
            row[i.key] = "disamarkan" if small and i.key == MAIN_INDICATOR else v
        row["_sasaran"] = sasaran
        row["_small"] = small
        rows.append(row)
    _secondary_suppression(rows)
    frame = pd.DataFrame(rows).drop(columns=["_sasaran", "_small"], errors="ignore")
    cols = [Col("nama", "Desa/kelurahan"), Col("melapor", "Melapor"), Col("n_krs_sasaran", "KRS sasaran", "int"),
            Col("n_krs_didampingi", "KRS didampingi (keluarga)", "int")]
    cols += [Col(i.key, i.label, "pct") for i in ind.PENDAMPINGAN_INDICATORS]
    missing = int((~rep["melapor"]).sum())
    note = (f"{missing} dari {len(rep)} desa/kelurahan tidak mengirim laporan {fmt.month(ctx.bulan)} (baris bertanda). "
            f"Jumlah KRS di bawah {t} ditampilkan sebagai \"< {t}\" untuk melindungi keluarga; bila hanya satu "
            "desa begitu, satu desa lagi ikut disamarkan, agar angkanya tidak bisa dihitung dari jumlah kecamatan.")
    return Table(frame, cols, name="desa", caption=f"Capaian setiap desa/kelurahan, {fmt.month(ctx.bulan)}",
                 note=note, row_class="cls")


_REKAP_FACTORS = [
    ("air_minum_tidak_layak", "Sumber air minum tidak layak"), ("jamban_tidak_layak", "Jamban tidak layak"),
    ("terlalu_muda", "4T: terlalu muda (istri < 20 th)"), ("terlalu_tua", "4T: terlalu tua"),
    ("terlalu_dekat", "4T: jarak kelahiran terlalu dekat (< 2 th)"),
    ("terlalu_banyak", "4T: terlalu banyak anak (> 3)"),
]
_WELFARE = [("kesejahteraan_1", "Desil 1"), ("kesejahteraan_2", "Desil 2"), ("kesejahteraan_3", "Desil 3"),
            ("kesejahteraan_4", "Desil 4"), ("kesejahteraan_lebih_4", "Desil > 4")]


def krs_profile(ctx: Context) -> list[Rich]:
    """KRS recap (Pendataan Keluarga): risk factors side by side (4T sub-counts overlap: never summed)."""
    rekap = ctx.store.table("krs_rekap", "" if ctx.level == "nasional" else ctx.kode)
    rekap = rekap[rekap["tahun"] <= ctx.tahun]
    if rekap.empty:
        return [HTML('<p class="rp-empty">Rekap KRS: tidak ada data untuk wilayah dan tahun ini.</p>')]
    year = int(rekap["tahun"].max())
    r = rekap[rekap["tahun"] == year]
    totals = r.drop(columns=["kode_kecamatan", "kode_kabupaten", "_baris", "tahun"], errors="ignore").sum()
    svg = ctx.level in ctx.config.svg_fallback_levels
    factors = pd.DataFrame([{"faktor": lbl, "jumlah": totals[c],
                             "persen": ind.ratio([totals[c]], [totals["total_krs"]])[0]} for c, lbl in _REKAP_FACTORS])
    welfare = pd.DataFrame([{"kelompok": lbl, "jumlah": totals[c],
                             "persen": ind.ratio([totals[c]], [totals["total_krs"]])[0]} for c, lbl in _WELFARE])
    summary = render("""<p class="rp-lead">Hasil Pendataan Keluarga {{ year }}: <strong>{{ krs }}</strong>
keluarga berisiko stunting (KRS) dari {{ sasaran }} keluarga sasaran ({{ pct }}); {{ keluarga }} keluarga terdata.
Satu keluarga bisa punya beberapa faktor risiko, jadi faktor di bawah tidak dijumlahkan.</p>""",
                     year=year, krs=fmt.number(totals["total_krs"]),
                     sasaran=fmt.number(totals["jumlah_keluarga_sasaran"]),
                     pct=fmt.percent(ind.ratio([totals["total_krs"]], [totals["jumlah_keluarga_sasaran"]])[0]),
                     keluarga=fmt.number(totals["jumlah_keluarga"]))
    t1 = Table(factors, [Col("faktor", "Faktor risiko"), Col("jumlah", "Jumlah KRS", "int"),
                         Col("persen", "% dari KRS", "pct")], name="krs-faktor",
               caption=f"Faktor risiko KRS {year} (sumber: krs_rekap.csv)")
    t2 = Table(welfare, [Col("kelompok", "Kelompok kesejahteraan"), Col("jumlah", "Jumlah KRS", "int"),
                         Col("persen", "% dari KRS", "pct")], name="krs-kesejahteraan",
               caption=f"KRS menurut kelompok kesejahteraan {year} (sumber: krs_rekap.csv)")
    c1 = Chart(charts.bars(factors, "faktor", "jumlah", f"Faktor risiko KRS {year}", "Jumlah KRS"), name="krs-faktor",
               title=f"Faktor risiko KRS {year}", description="Jumlah KRS per faktor risiko; tidak dijumlahkan.",
               table=t1, svg=svg)
    c2 = Chart(charts.bars(welfare, "kelompok", "jumlah", f"KRS menurut kesejahteraan {year}", "Jumlah KRS",
                           color="#0f766e"), name="krs-kesejahteraan",
               title=f"KRS menurut kelompok kesejahteraan {year}",
               description="Jumlah KRS per desil kesejahteraan.", table=t2, svg=svg)
    return [summary, c1, c2]


def prevalence(ctx: Context) -> list[Rich]:
    """Stunting prevalence of the unit and the units above it, source labelled, e-PPGBM kept apart."""
    prev = ctx.store.table("prevalensi")
    chain = ["ID", *[u.kode for u in ctx.regions.lineage(ctx.kode)]] if ctx.level != "nasional" else ["ID"]
    names = {k: ("Indonesia" if k == "ID" else ctx.regions.unit(k).label) for k in chain}
    d = prev[prev["kode_wilayah"].isin(chain) & (prev["tahun"] <= ctx.tahun)].copy()
    d["wilayah"] = d["kode_wilayah"].map(names)
    d = d.sort_values(["kode_wilayah", "tahun"])
    survey = d[d["sumber"].isin(["SSGI", "SKI"])]
    admin = d[d["sumber"] == "e-PPGBM"]
    out: list[Rich] = []
    svg = ctx.level in ctx.config.svg_fallback_levels
    table = Table(d, [Col("wilayah", "Wilayah"), Col("tahun", "Tahun"), Col("sumber", "Sumber"),
                      Col("prevalensi", "Prevalensi (%)", "num"), Col("keterangan", "Keterangan sumber")],
                  name="prevalensi", caption="Prevalensi stunting balita menurut sumber (prevalensi.csv)")
    if not survey.empty:
        out.append(Chart(charts.prevalence(survey, "Prevalensi stunting balita (survei)"), name="prevalensi",
                         title="Prevalensi stunting balita (survei SSGI/SKI)",
                         description="SKI 2023 adalah survei berbeda dari SSGI: garis putus menandai pergantian seri. "
                                     f"Target {ctx.tahun}: {fmt.percent(ctx.target_of('prevalensi_stunting'), 0)}.",
                         table=table, svg=svg))
    else:
        out.append(table)
    if not admin.empty:
        out.append(render('<p class="rp-note">Angka e-PPGBM ({{ rows }}) adalah data pengukuran administratif '
                          'posyandu, bukan survei; nilainya biasanya jauh lebih rendah dari SSGI/SKI dan tidak '
                          'boleh dibandingkan langsung.</p>',
                          rows="; ".join(f"{r.wilayah} {r.tahun}: {fmt.percent(r.prevalensi, 2)}"
                                         for r in admin.itertuples())))
    if d.empty:
        out = [HTML('<p class="rp-empty">Prevalensi stunting: tidak ada data untuk wilayah ini.</p>')]
    return out


def kampung_kb(ctx: Context) -> list[Rich]:
    """Kampung KB coverage: desa with a Kampung KB ÷ all desa, per child unit where there are children."""
    out: list[Rich] = []
    if ctx.child_level in ("kecamatan", "kabupaten"):
        df = ctx.kampung(ctx.child_level)
        df["nama"] = df["kode"].map(ctx.child_name)
        df = df.sort_values("nilai", ascending=False)
        out.append(Table(df, [Col("nama", ctx.child_level.capitalize()),
                              Col("pembilang", "Desa dengan Kampung KB", "int"),
                              Col("penyebut", "Jumlah desa/kelurahan", "int"), Col("nilai", "Cakupan", "pct"),
                              Col("band", "Status", "band")],
                         name="kampung-kb", caption=f"Cakupan Kampung KB per {ctx.child_level}, akhir {ctx.tahun} "
                                                    "(kampung_kb.csv; data wilayah Kemendagri)"))
    else:
        df = ctx.kampung("kecamatan")
        row = df.iloc[0] if len(df) else None
        if row is not None:
            out.append(render('<p class="rp-lead">{{ n }} dari {{ d }} desa/kelurahan ({{ p }}) sudah membentuk '
                              'Kampung KB pada akhir {{ y }}.</p>', n=fmt.number(row["pembilang"]),
                              d=fmt.number(row["penyebut"]), p=fmt.percent(row["nilai"]), y=ctx.tahun))
    return out


def _lokmin_rows(ctx: Context) -> pd.DataFrame:
    if "lokmin" not in ctx._cache:
        df = ctx.store.table("lokmin", "" if ctx.level == "nasional" else ctx.kode)
        df = df[df["tanggal"].str.slice(0, 4) == str(ctx.tahun)].copy()
        df["kecamatan"] = df["kode_kecamatan"].map(ctx.regions.kecamatan["nama"])  # validated: all present
        ctx._cache["lokmin"] = df.sort_values(["tanggal", "kode_kecamatan"])
    return ctx._cache["lokmin"].copy()


def lokmin(ctx: Context, limit: int = 10) -> list[Rich]:
    """The latest Lokmin meetings up to the reporting month: problems found and follow-up agreed."""
    df = _lokmin_rows(ctx)
    df = df[df["tanggal"].str.slice(0, 7) <= ctx.bulan]
    if df.empty:
        return [HTML('<p class="rp-empty">Lokmin: belum ada pertemuan tercatat untuk periode ini.</p>')]
    latest = df.sort_values("tanggal", ascending=False).head(limit).copy()
    latest["tanggal_teks"] = latest["tanggal"].map(fmt.date)
    cols = [Col("tanggal_teks", "Tanggal")]
    if ctx.level != "kecamatan":
        cols.append(Col("kecamatan", "Kecamatan"))
    cols += [Col("tahap", "Tahap"), Col("masalah", "Masalah prioritas"),
             Col("rencana_tindak_lanjut", "Rencana tindak lanjut"), Col("status", "Status")]
    return [Table(latest, cols, name="lokmin-terbaru",
                  caption=f"{len(latest)} pembahasan Lokmin terbaru s.d. {fmt.month(ctx.bulan)} (lokmin.csv)")]


_NOTES = """\
<section class="rp-data-notes">
<ul>
<li><strong>Periode data:</strong> {{ period }}.</li>
<li><strong>Desa/kelurahan tanpa laporan {{ month }}:</strong> {{ missing }}</li>
{% for n in notes %}<li><strong>Normalisasi data:</strong> {{ n }}</li>{% endfor %}
<li><strong>Sumber:</strong> laporan pendampingan TPK (pendampingan.csv), Kampung KB (kampung_kb.csv),
Lokmin (lokmin.csv), rekap KRS Pendataan Keluarga (krs_rekap.csv), prevalensi SSGI/SKI/e-PPGBM (prevalensi.csv),
target (target.csv),
data wilayah Kemendagri dari idn-area-data (ODbL). Rincian file dan checksum ada di kaki halaman.</li>
{% if source_note %}<li>{{ source_note }}</li>{% endif %}
</ul>
</section>"""


def data_notes(ctx: Context) -> Rich:
    months = ctx.months_with_data()
    period = f"{fmt.month(months[0])} – {fmt.month(months[-1])}" if months else "tidak ada data"
    if ctx.level in ("kabupaten", "kecamatan"):
        rep = ind.reported(ctx.rows, ctx.desa_ref, ctx.bulan)
        miss = rep[~rep["melapor"]]
        if miss.empty:
            missing = "tidak ada; semua desa melapor."
        else:
            shown = ", ".join(miss["nama"].head(30))
            more = f" dan {len(miss) - 30} lainnya" if len(miss) > 30 else ""
            missing = f"{len(miss)} dari {len(rep)}: {shown}{more}."
    else:
        a = ctx.rows[ctx.rows["bulan"] == ctx.bulan]
        sent = int(a["desa_melapor"].sum()) if len(a) else 0
        missing = f"{fmt.number(len(ctx.desa_ref) - sent)} dari {fmt.number(len(ctx.desa_ref))} desa/kelurahan."
    return render(_NOTES, period=period, month=fmt.month(ctx.bulan), missing=missing,
                  notes=ctx.store.manifest.get("notes", [])[:10], source_note=ctx.config.source_note)


# ---------------------------------------------------------------- overview (nasional, provinsi)


def overview_table(ctx: Context) -> list[Rich]:
    """Every kabupaten in the data under this unit with its headline capaian for the reporting month."""
    return comparison(ctx)


# ---------------------------------------------------------------- evaluation


def _year(ctx: Context) -> tuple[str, str]:
    return (f"{ctx.tahun}-01", f"{ctx.tahun}-12")


def evaluation_table(ctx: Context) -> Rich:
    """Annual (Jan–Dec) and December capaian per indicator against the year's target, with band."""
    annual = ctx.own(_year(ctx)).set_index("indikator")
    dec = ctx.own((f"{ctx.tahun}-12", f"{ctx.tahun}-12")).set_index("indikator")
    rows = []
    for i in ind.PENDAMPINGAN_INDICATORS:
        a = annual.loc[i.key] if i.key in annual.index else None
        d = dec.loc[i.key] if i.key in dec.index else None
        rows.append({
            "label": i.label,
            "tahunan": a["nilai"] if a is not None else float("nan"),
            "pembilang": a["pembilang"] if a is not None else float("nan"),
            "penyebut": a["penyebut"] if a is not None else float("nan"),
            "desember": d["nilai"] if d is not None else float("nan"),
            "target": ctx.target_of(i.key),
            "capaian_target": a["capaian_target"] if a is not None else float("nan"),
            "band": a["band"] if a is not None else "Tidak ada data",
            "warna": a["warna"] if a is not None else "#5c6370",
            "sumber_target": a["sumber_target"] if a is not None else "",
        })
    kkb = ctx.kampung(ctx.level)
    kkb = kkb[kkb["kode"] == ctx.kode]
    if len(kkb):
        k = kkb.iloc[0]
        rows.append({"label": ind.label("kampung_kb"), "tahunan": k["nilai"], "pembilang": k["pembilang"],
                     "penyebut": k["penyebut"], "desember": k["nilai"], "target": k["target"],
                     "capaian_target": k["capaian_target"], "band": k["band"], "warna": k["warna"],
                     "sumber_target": k["sumber_target"]})
    frame = pd.DataFrame(rows)
    cols = [Col("label", "Indikator"), Col("tahunan", f"Capaian Jan–Des {ctx.tahun}", "pct"),
            Col("pembilang", "Didampingi/dilayani (setahun)", "int"), Col("penyebut", "Sasaran (setahun)", "int"),
            Col("desember", f"Capaian Des {ctx.tahun}", "pct"), Col("target", "Target", "pct", 0),
            Col("capaian_target", "Capaian vs target", "pct"), Col("band", "Status", "band"),
            Col("sumber_target", "Sumber target")]
    return Table(frame, cols, name="evaluasi-indikator",
                 caption=f"Capaian indikator RAN PASTI {ctx.tahun} terhadap target ({ctx.unit.label})",
                 note="Capaian tahunan = Σ didampingi Januari–Desember ÷ Σ sasaran Januari–Desember. "
                      "Capaian vs target = capaian ÷ target × 100 (dibalik untuk indikator yang makin rendah "
                      "makin baik).")


def scorecard(ctx: Context) -> Rich:
    """Every child unit × every indicator, annual capaian coloured by band."""
    values = ctx.capaian(ctx.child_level, _year(ctx))
    wide = values.pivot(index="kode", columns="indikator", values="nilai")
    bands = values.pivot(index="kode", columns="indikator", values="warna")
    labels = values.pivot(index="kode", columns="indikator", values="band")
    kind = "evaluasi" if ctx.child_level == "kecamatan" else None
    frame = pd.DataFrame({"nama": [ctx.child_name(k) for k in wide.index]}, index=wide.index)
    if kind:
        frame["nama"] = [(ctx.child_name(k), ctx.link(k, kind)) for k in wide.index]
    for i in ind.PENDAMPINGAN_INDICATORS:
        frame[i.key] = wide.get(i.key)
        frame[f"warna_{i.key}"] = bands.get(i.key)
        frame[f"band_{i.key}"] = labels.get(i.key)
    if ctx.child_level == "desa":
        krs = values[values["indikator"] == MAIN_INDICATOR].set_index("kode")["penyebut"]
        small = krs.reindex(frame.index).between(0, ctx.config.privacy_min_krs, inclusive="neither")
        frame[MAIN_INDICATOR] = frame[MAIN_INDICATOR].astype(object)
        frame.loc[small, MAIN_INDICATOR] = "disamarkan"
    frame = frame.sort_values(MAIN_INDICATOR, key=lambda s: pd.to_numeric(s, errors="coerce"), ascending=False)
    cols = [Col("nama", ctx.child_level.capitalize(), "link" if kind else "text")]
    cols += [Col(i.key, i.label, "pctband") for i in ind.PENDAMPINGAN_INDICATORS]
    return Table(frame, cols, name=f"rapor-{ctx.child_level}",
                 caption=f"Rapor capaian tahunan {ctx.tahun} setiap {ctx.child_level} (warna = status terhadap target)")


def semesters(ctx: Context) -> list[Rich]:
    """Semester 1 (Jan–Jun) against semester 2 (Jul–Dec) per indicator."""
    s1 = ctx.own((f"{ctx.tahun}-01", f"{ctx.tahun}-06")).set_index("indikator")["nilai"]
    s2 = ctx.own((f"{ctx.tahun}-07", f"{ctx.tahun}-12")).set_index("indikator")["nilai"]
    rows = [{"label": i.label, "s1": s1.get(i.key, float("nan")), "s2": s2.get(i.key, float("nan"))}
            for i in ind.PENDAMPINGAN_INDICATORS]
    frame = pd.DataFrame(rows)
    frame["selisih"] = frame["s2"] - frame["s1"]
    table = Table(frame, [Col("label", "Indikator"), Col("s1", "Semester 1 (Jan–Jun)", "pct"),
                          Col("s2", "Semester 2 (Jul–Des)", "pct"), Col("selisih", "Perubahan (poin)", "num")],
                  name="semester", caption=f"Kemajuan antarsemester {ctx.tahun}")
    long = pd.concat([frame.assign(periode="Semester 1", nilai=frame["s1"]),
                      frame.assign(periode="Semester 2", nilai=frame["s2"])])[["label", "periode", "nilai"]]
    chart = Chart(charts.grouped(long, "label", "periode", "nilai", f"Semester 1 dan 2 tahun {ctx.tahun}"),
                  name="semester", title=f"Capaian semester 1 dan 2 tahun {ctx.tahun}",
                  description="; ".join(f"{r.label}: {fmt.percent(r.s1)} → {fmt.percent(r.s2)}"
                                        for r in frame.itertuples()),
                  table=table, svg=ctx.level in ctx.config.svg_fallback_levels)
    return [chart]


def lokmin_followup(ctx: Context) -> list[Rich]:
    """Lokmin follow-up actions through the year and their status at year end."""
    df = _lokmin_rows(ctx)
    if df.empty:
        return [HTML('<p class="rp-empty">Lokmin: tidak ada pertemuan tercatat tahun ini.</p>')]
    df["bulan"] = df["tanggal"].str.slice(0, 7)
    counts = df.groupby(["bulan", "status"]).size().rename("jumlah").reset_index()
    counts["urut"] = counts["status"].map({s: i for i, s in enumerate(STATUS_ORDER)})
    total = df["status"].value_counts().reindex(STATUS_ORDER, fill_value=0)
    summary = render('<p class="rp-lead">{{ n }} rencana tindak lanjut dari {{ m }} pertemuan Lokmin tahun {{ y }}: '
                     '{{ s }} selesai, {{ b }} berjalan, {{ x }} belum dimulai.</p>', n=len(df),
                     m=df[["kode_kecamatan", "tanggal"]].drop_duplicates().shape[0], y=ctx.tahun,
                     s=total["selesai"], b=total["berjalan"], x=total["belum dimulai"])
    df["tanggal_teks"] = df["tanggal"].map(fmt.date)
    cols = [Col("tanggal_teks", "Tanggal")]
    if ctx.level != "kecamatan":
        cols.append(Col("kecamatan", "Kecamatan"))
    cols += [Col("tahap", "Tahap"), Col("masalah", "Masalah"), Col("rencana_tindak_lanjut", "Tindak lanjut"),
             Col("status", "Status")]
    table = Table(df, cols, name="lokmin-tindak-lanjut", caption=f"Semua tindak lanjut Lokmin {ctx.tahun} (lokmin.csv)")
    status_table = Table(counts.assign(bulan_teks=counts["bulan"].map(fmt.month)),
                         [Col("bulan_teks", "Bulan"), Col("status", "Status"), Col("jumlah", "Jumlah", "int")],
                         name="lokmin-status", caption="Status tindak lanjut per bulan pertemuan")
    chart = Chart(charts.stacked_status(counts, "Status tindak lanjut Lokmin per bulan"), name="lokmin-status",
                  title="Status tindak lanjut Lokmin per bulan pertemuan",
                  description=f"{total['selesai']} selesai, {total['berjalan']} berjalan, "
                              f"{total['belum dimulai']} belum dimulai.", table=status_table,
                  svg=ctx.level in ctx.config.svg_fallback_levels)
    return [summary, chart, table]


def _lagging(ctx: Context) -> tuple[pd.DataFrame, pd.DataFrame]:
    annual = ctx.own(_year(ctx))
    child = ctx.capaian(ctx.child_level, _year(ctx))
    return annual, child


def summary(ctx: Context) -> Rich:
    """An automatically written paragraph: which indicators reached target, which lag most, and where."""
    annual, child = _lagging(ctx)
    has = annual.dropna(subset=["capaian_target"])
    reached = has[has["capaian_target"] >= 100]
    lag = has.sort_values("capaian_target").head(2)
    parts = [f"Sepanjang {ctx.tahun}, {ctx.unit.label} mencapai target pada {len(reached)} dari {len(has)} indikator "
             "pendampingan yang bertarget"]
    parts[0] += (": " + ", ".join(ind.label(k) for k in reached["indikator"]) + ".") if len(reached) else "."
    for r in lag.itertuples():
        if r.capaian_target >= 100:
            continue
        c = child[child["indikator"] == r.indikator].dropna(subset=["nilai"]).sort_values("nilai").head(3)
        where = ", ".join(f"{ctx.child_name(k)} ({fmt.percent(v)})" for k, v in zip(c["kode"], c["nilai"], strict=True))
        parts.append(f"{ind.label(r.indikator)} paling tertinggal: {fmt.percent(r.nilai)} terhadap target "
                     f"{fmt.percent(r.target, 0)} ({fmt.percent(r.capaian_target)} dari target)"
                     + (f"; terendah di {where}." if where else "."))
    missing = annual[annual["nilai"].isna()]
    if len(missing):
        parts.append("Tidak ada data untuk: " + ", ".join(ind.label(k) for k in missing["indikator"]) + ".")
    return render('<p class="rp-summary">{{ text }}</p>', text=" ".join(parts))


def gaps(ctx: Context) -> Rich:
    """Gaps to carry into next year's plan: indicators below target, worst units, open Lokmin actions."""
    annual, child = _lagging(ctx)
    items = []
    for r in annual.sort_values("capaian_target").itertuples():
        if fmt.is_missing(r.capaian_target) or r.capaian_target >= 100:
            continue
        c = child[(child["indikator"] == r.indikator) & child["nilai"].notna()]
        below = c[c["nilai"] < r.target] if not fmt.is_missing(r.target) else c
        names = ", ".join(ctx.child_name(k) for k in below.sort_values("nilai")["kode"].head(5))
        gap = fmt.number(r.target - r.nilai, 1)
        items.append(f"{ind.label(r.indikator)}: {fmt.percent(r.nilai)}, kurang {gap} poin "
                     f"dari target {fmt.percent(r.target, 0)}; {len(below)} {ctx.child_level} di bawah target"
                     + (f" (terendah: {names})" if names else "") + ".")
    lok = _lokmin_rows(ctx)
    open_actions = lok[lok["status"] != "selesai"]
    if len(open_actions):
        top = open_actions["masalah"].value_counts().head(3)
        items.append(f"{len(open_actions)} tindak lanjut Lokmin belum selesai pada akhir {ctx.tahun}; masalah yang "
                     "paling sering muncul: " + "; ".join(f"{m} ({n}×)" for m, n in top.items()) + ".")
    if not items:
        items.append("Semua indikator bertarget tercapai dan semua tindak lanjut Lokmin selesai.")
    return render('<ol class="rp-gaps">{% for i in items %}<li>{{ i }}</li>{% endfor %}</ol>', items=items)
