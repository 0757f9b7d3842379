"""Sections of the monthly progress pages (nasional, provinsi, kabupaten, kecamatan).

Each takes the page's ``Context`` and returns a ``Section``; which of them a page shows, and in what order,
is its notebook's choice (``notebooks/<level>.ipynb``).
"""

from __future__ import annotations

import pandas as pd

from .. import facts
from ..core import fmt
from ..core.display import Bar, BarTable, Chart, Col, Section, Table, render_template
from ..core.frames import records
from ..ingest.schema import TABLES
from ..reference import indicators as ind
from . import charts
from .common import as_at, empty, period_label, source
from .context import MAIN_INDICATOR, Context
from .desa import desa_table


def trends(ctx: Context) -> Section:
    """Every indicator's monthly capaian, January → reporting month, as small panels (one per indicator, its
    target dashed) in one chart: one image to draw and to download instead of one per indicator group."""
    monthly = ctx.own(by_month=True)
    keys = [i.key for i in ind.PENDAMPINGAN_INDICATORS]
    df = monthly[monthly["indikator"].isin(keys)].copy()
    df["urut"] = df["indikator"].map(keys.index)
    df = df.sort_values(["urut", "bulan"], kind="stable")
    df["label"] = df["indikator"].map(ind.label)
    targets = {ind.label(k): ctx.target_of(k) for k in keys}
    df["target"] = df["label"].map(targets)
    title = f"Capaian bulanan {ctx.tahun} per indikator"
    table = Table(df.assign(bulan_teks=df["bulan"].map(fmt.month)),
                  [Col("label", "Indikator"), Col("bulan_teks", "Bulan"), Col("pembilang", "Didampingi", "int"),
                   Col("penyebut", "Sasaran", "int"),
                   Col("nilai", "Capaian", "pct", target="target", direction="arah"),
                   Col("target", "Target", "target")],
                  name="tren", caption=f"{title}: angka di balik grafik")
    desc = ("Satu panel per indikator; garis putus-putus adalah target tahun ini. "
            + _trend_description(df, targets))
    return Section(Chart(charts.trend(df[["bulan", "label", "nilai", "arah"]], targets, title), name="tren",
                         title=title, description=desc, key="garis putus-putus: target tahun ini", table=table))


def _trend_description(df: pd.DataFrame, targets: dict) -> str:
    series: dict[str, list[dict]] = {}
    for r in records(df[["label", "bulan", "nilai", "arah"]]):  # plain rows: cheaper than grouping + iloc
        points = series.setdefault(r["label"], [])
        if not fmt.is_missing(r["nilai"]):
            points.append(r)
    parts = []
    for label, points in series.items():
        if not points:
            parts.append(f"{label}: tidak ada data")
            continue
        first, last = points[0], points[-1]
        target = targets.get(label)
        parts.append(f"{label} dari {fmt.percent(first['nilai'], target=target, direction=first['arah'])} "
                     f"({fmt.month(first['bulan'])}) menjadi "
                     f"{fmt.percent(last['nilai'], target=target, direction=last['arah'])} "
                     f"({fmt.month(last['bulan'])}), "
                     + (fmt.NO_TARGET if fmt.is_missing(target) else f"target {fmt.target(target)}"))
    return "; ".join(parts) + "."


def comparison(ctx: Context, months: tuple[str, str] | None = None, key: str = MAIN_INDICATOR) -> Section:
    """Children side by side for one indicator: a ranked chart and a table of every indicator (the desa
    table on a kecamatan page)."""
    months = months or (ctx.bulan, ctx.bulan)
    if ctx.child_level == "desa":
        return desa_table(ctx)
    level = ctx.child_level
    df = ctx.capaian(level, months)
    names = {k: ctx.child_name(k) for k in df["kode"].unique()}
    main = df[df["indikator"] == key].copy()
    main["nama"] = main["kode"].map(names)
    main = main.sort_values("nilai", ascending=False, na_position="last")
    wide = facts.wide.by_indicator(df, ["nilai", "target", "arah"])
    wide.columns = [k if v == "nilai" else f"{v}_{k}" for v, k in wide.columns]  # each shown on its own target
    main = main.join(wide, on="kode", suffixes=("", "_w"))
    kind = "evaluasi" if ctx.kind == "evaluasi" else "progres"
    main["tautan"] = [(names[k], ctx.link(k, kind)) for k in main["kode"]]
    label = ind.label(key)
    period = period_label(months)
    target = ctx.target_of(key)
    cols = [Col("tautan", level.capitalize(), "link"), Col("nilai", label, "pct", target="target", direction="arah"),
            Col("band", "Status", "band")]
    cols += [Col(i.key, i.label, "pct", target=f"target_{i.key}", direction=f"arah_{i.key}")
             for i in ind.PENDAMPINGAN_INDICATORS if i.key != key]
    marked = target is not None and not fmt.is_missing(target)
    key_text = (f"Batang: {label} (0–100%), warna menurut status"
                + (f"; garis hitam: target {fmt.target(target)}. " if marked else ". "))
    behind = ctx.kabupaten_behind() if level == "kabupaten" and ctx.kind != "evaluasi" else []
    late = "".join(f" Belum ada data {fmt.month(ctx.bulan)} dari {ctx.child_name(k)} (data terakhir {fmt.month(m)}; "
                   "halamannya menampilkan bulan itu)." for k, m in behind)  # absent from the ranking: say why
    # the ranking: bars in the table's own column (the figures, names and statuses it already prints), not a
    # chart of the same rows above it
    table = BarTable(main, cols, name=f"perbandingan-{level}",
                     caption=f"Capaian setiap {level} di {ctx.unit.label}, {period} (urut menurut {label})",
                     note=key_text + _ranking_description(main, label) + late,
                     bars={"nilai": Bar(color_key="warna", mark=target if marked else None)})
    return Section(table)


def _ranking_description(main: pd.DataFrame, label: str) -> str:
    d = main.dropna(subset=["nilai"])
    if d.empty:
        return f"{label}: tidak ada data."
    top, low = d.iloc[0], d.iloc[-1]
    met = f"{int((d['band'] == 'Tercapai').sum())} dari {len(main)} mencapai target."
    if len(d) == 1:  # "tertinggi X, terendah X" reads as a mistake
        return f"Hanya {top['nama']} yang punya data ({_percent(top)}); {met}"
    return f"Tertinggi {top['nama']} ({_percent(top)}), terendah {low['nama']} ({_percent(low)}); {met}"


def _percent(row: pd.Series) -> str:
    """A unit's figure as every view shows it: against its own target (``fmt.shown``)."""
    return fmt.percent(row["nilai"], target=row.get("target"), direction=str(row.get("arah") or "naik"))


def overview_table(ctx: Context) -> Section:
    """Every kabupaten in the data under this unit with its headline capaian for the reporting month."""
    return comparison(ctx)


_REKAP_FACTORS = [
    ("air_minum_tidak_layak", "Sumber air minum tidak layak"), ("jamban_tidak_layak", "Jamban tidak layak"),
    ("terlalu_muda", "4T: terlalu muda (istri < 20 th)"), ("terlalu_tua", "4T: terlalu tua"),
    ("terlalu_dekat", "4T: jarak kelahiran terlalu dekat (< 2 th)"),
    ("terlalu_banyak", "4T: terlalu banyak anak (> 3)"),
]
_WELFARE = [("kesejahteraan_1", "Desil 1"), ("kesejahteraan_2", "Desil 2"), ("kesejahteraan_3", "Desil 3"),
            ("kesejahteraan_4", "Desil 4"), ("kesejahteraan_lebih_4", "Desil > 4")]


def _poorest(totals: pd.Series) -> dict[str, str]:
    """KRS in welfare deciles 1–2 (the poorest fifth; P3KE calls decile 1 extreme poor, decile 2 poor): the seed
    reports from Musi Rawas and Musi Banyuasin tie stunting to it, so the recap's figure is shown on its own."""
    if not {"kesejahteraan_1", "kesejahteraan_2"} <= set(totals.index) or not totals["total_krs"]:
        return {}
    poorest = totals["kesejahteraan_1"] + totals["kesejahteraan_2"]
    return {"poorest": fmt.number(poorest), "poorest_pct": fmt.percent(ind.ratio([poorest], [totals["total_krs"]])[0])}


def krs_profile(ctx: Context) -> Section:
    """KRS recap (Pendataan Keluarga): risk factors side by side (4T sub-counts overlap: never summed)."""
    rekap = ctx.store.table("krs_rekap", "" if ctx.level == "nasional" else ctx.kode)
    rekap = rekap[rekap["tahun"] <= ctx.tahun]
    if rekap.empty:
        return Section(empty("Rekap KRS: tidak ada data untuk wilayah dan tahun ini."))
    year = int(rekap["tahun"].max())
    r = rekap[rekap["tahun"] == year]
    totals = r.drop(columns=["kode_kecamatan", "kode_kabupaten", "_baris", "tahun"], errors="ignore").sum()
    factors = pd.DataFrame([{"faktor": lbl, "jumlah": totals[c],
                             "persen": ind.ratio([totals[c]], [totals["total_krs"]])[0]} for c, lbl in _REKAP_FACTORS])
    welfare = pd.DataFrame([{"kelompok": lbl, "jumlah": totals[c],
                             "persen": ind.ratio([totals[c]], [totals["total_krs"]])[0]} for c, lbl in _WELFARE])
    summary = render_template("sections/krs_summary.html.j2", year=year, krs=fmt.number(totals["total_krs"]),
                          sasaran=fmt.number(totals["jumlah_keluarga_sasaran"]),
                          pct=fmt.percent(ind.ratio([totals["total_krs"]], [totals["jumlah_keluarga_sasaran"]])[0]),
                          keluarga=fmt.number(totals["jumlah_keluarga"]), **_poorest(totals))
    share = {"persen": Bar()}  # each bar: the share of all KRS (0–100%), so the two tables read alike
    t1 = BarTable(factors, [Col("faktor", "Faktor risiko"), Col("jumlah", "Jumlah KRS", "int"),
                            Col("persen", "% dari KRS", "pct")], name="krs-faktor", bars=share,
                  caption=f"Faktor risiko KRS {year} (sumber: {source('krs_rekap')})",
                  note="Batang: persen dari semua KRS. Satu keluarga bisa punya beberapa faktor, jadi angkanya "
                       "tidak dijumlahkan.")
    t2 = BarTable(welfare, [Col("kelompok", "Kelompok kesejahteraan"), Col("jumlah", "Jumlah KRS", "int"),
                            Col("persen", "% dari KRS", "pct")], name="krs-kesejahteraan", bars=share,
                  caption=f"KRS menurut kelompok kesejahteraan {year} (sumber: {source('krs_rekap')})",
                  note="Batang: persen dari semua KRS, per desil kesejahteraan (desil 1: 10% keluarga termiskin).")
    return Section(summary, t1, t2)


def kampung_kb(ctx: Context) -> Section:
    """Kampung KB coverage: desa with a Kampung KB ÷ all desa, per child unit where there are children."""
    if ctx.child_level in ("kecamatan", "kabupaten"):
        df = ctx.kampung(ctx.child_level)
        df["nama"] = df["kode"].map(ctx.child_name)
        df = df.sort_values("nilai", ascending=False)
        return Section(Table(df, [Col("nama", ctx.child_level.capitalize()),
                                  Col("pembilang", "Desa dengan Kampung KB", "int"),
                                  Col("penyebut", "Jumlah desa/kelurahan", "int"),
                                  Col("nilai", "Cakupan", "pct", target="target", direction="arah"),
                                  Col("band", "Status", "band")],
                             name="kampung-kb", caption=f"Cakupan Kampung KB per {ctx.child_level}, {as_at(ctx)} "
                                                        f"(sumber: {source('kampung_kb')}; jumlah desa: data wilayah "
                                                        "Kemendagri)"),
                       *kampung_classes(ctx))
    df = ctx.kampung("kecamatan")
    if df.empty:
        return Section()
    row = df.iloc[0]
    return Section(render_template("sections/kampung_kb_lead.html.j2", n=fmt.number(row["pembilang"]),
                               d=fmt.number(row["penyebut"]), p=_percent(row), when=as_at(ctx)),
                   *kampung_classes(ctx))


# declared once, in order, with kampung_kb.csv's columns (input.yml): Peraturan BKKBN 20/2023, lowest first
KAMPUNG_CLASSES = TABLES["kampung_kb"].column("klasifikasi").choices
RUMAH_DATAKU = tuple(c for c in TABLES["kampung_kb"].column("rumah_dataku").choices if c != "belum ada")


def kampung_classes(ctx: Context) -> list:
    """How far the unit's Kampung KB have come (class, Peraturan BKKBN 20/2023) and what they run (Rumah
    DataKu, Dashat, BKB), where kampung_kb.csv has those optional columns; else one line saying so. Each
    Kampung KB as it stood at the end of the page's period (``Context.kampung_rows``): the caption says when."""
    kkb = ctx.kampung_rows()

    def given(col: str) -> list[str]:  # a column's words, blank where not given (plain values: ~100 rows)
        return ["" if fmt.is_missing(v) or v is pd.NaT else str(v).strip() for v in kkb[col].tolist()] \
            if col in kkb else []

    classes = given("klasifikasi")
    if kkb.empty or not any(c != "" for c in classes):
        return [empty("Klasifikasi Kampung KB (dasar, berkembang, mandiri, berkelanjutan) belum disediakan di "
                      "data Kampung KB.")]
    n = len(kkb)
    rows = [{"kelas": c.capitalize(), "jumlah": classes.count(c)} for c in KAMPUNG_CLASSES]
    rows.append({"kelas": "Belum diklasifikasi", "jumlah": classes.count("")})
    frame = pd.DataFrame(rows)
    frame["persen"] = 100 * frame["jumlah"] / n
    up = sum(c in ("mandiri", "berkelanjutan") for c in classes)
    lead = (f"{fmt.number(up)} dari {fmt.number(n)} Kampung KB ({fmt.percent(100 * up / n)}) sudah mandiri atau "
            "berkelanjutan.")
    classes_table = Table(frame, [Col("kelas", "Klasifikasi"), Col("jumlah", "Kampung KB", "int"),
                                  Col("persen", "% dari Kampung KB", "pct")], name="kampung-kb-klasifikasi",
                          caption=f"Kampung KB menurut klasifikasi, {ctx.unit.label} (sumber: {source('kampung_kb')}; "
                                  f"keadaan pada {fmt.date(ctx.as_of)})")
    tools = []
    data = given("rumah_dataku")
    if any(d != "" for d in data):
        tools += [{"instrumen": f"Rumah DataKu {c}", "jumlah": data.count(c)} for c in RUMAH_DATAKU]
    for col, label in (("dashat", "Dashat (Dapur Sehat Atasi Stunting)"), ("bkb", "Bina Keluarga Balita (BKB)")):
        values = given(col)
        if any(v != "" for v in values):
            tools.append({"instrumen": label, "jumlah": values.count("ya")})
    parts: list = [render_template("sections/summary.html.j2", text=lead), classes_table]
    if tools:
        parts.append(render_template("sections/summary.html.j2", text=ctx.term_links(
            "Instrumen Kampung KB: Rumah DataKu (data penduduk dan keluarga desa), Dashat (dapur gizi untuk keluarga "
            "berisiko stunting) dan BKB (kelompok orang tua balita).")))
        t = pd.DataFrame(tools)
        t["persen"] = 100 * t["jumlah"] / n
        parts.append(Table(t, [Col("instrumen", "Instrumen"), Col("jumlah", "Kampung KB yang punya", "int"),
                               Col("persen", "% dari Kampung KB", "pct")], name="kampung-kb-instrumen",
                           caption=f"Instrumen Kampung KB, {ctx.unit.label} (keadaan pada {fmt.date(ctx.as_of)})"))
    return parts


def lokmin(ctx: Context, limit: int = 10) -> Section:
    """The latest Lokmin meetings up to the reporting month: problems found and follow-up agreed."""
    df = ctx.lokmin_rows()
    df = df[df["tanggal"].str.slice(0, 7) <= ctx.bulan]  # ISO dates: the month
    if df.empty:
        return Section(empty("Lokmin: belum ada pertemuan tercatat untuk periode ini."))
    latest = df.sort_values("tanggal", ascending=False, kind="stable").head(limit).copy()  # ties: as listed
    latest["tanggal_teks"] = latest["tanggal"].map(fmt.date)
    cols = [Col("tanggal_teks", "Tanggal")]
    if ctx.level != "kecamatan":
        cols.append(Col("kecamatan", "Kecamatan"))
    cols += [Col("tahap", "Tahap"), Col("masalah", "Masalah prioritas"),
             Col("rencana_tindak_lanjut", "Rencana tindak lanjut"), Col("status", "Status")]
    return Section(Table(latest, cols, name="lokmin-terbaru",
                         caption=f"{len(latest)} pembahasan Lokmin terbaru s.d. {fmt.month(ctx.bulan)} "
                                 f"(sumber: {source('lokmin')})"))
