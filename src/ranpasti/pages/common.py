"""Sections on every page, progress or evaluation: the header, the headline cards and the data notes.

Also the small helpers every section module uses, so a period or an empty section reads the same on every
page.
"""

from __future__ import annotations

import pandas as pd

from ..core import fmt
from ..core.display import HTML, Section, render_template
from ..core.frames import records
from ..ingest.schema import TABLES
from ..reference import indicators as ind
from ..reference.config import NO_DATA_BAND, NO_TARGET_BAND
from ..reference.regions import ancestor
from .context import Context


def period_label(months: tuple[str, str]) -> str:
    """``Desember 2024`` for one month, ``Januari 2024–Juni 2024`` for a range."""
    return fmt.month(months[0]) if months[0] == months[1] else f"{fmt.month(months[0])}–{fmt.month(months[1])}"


def as_at(ctx: Context) -> str:
    """When a figure counted at the end of the page's year stands (Kampung KB formed by then): "akhir 2025" on an
    evaluation, "s.d. Oktober 2026" on a progress page, whose data ends with its month ("akhir 2026" on an
    October page claimed a December not yet reported)."""
    return f"akhir {ctx.tahun}" if ctx.kind == "evaluasi" else f"s.d. {fmt.month(ctx.bulan)}"


def empty(text: str) -> HTML:
    """The one sentence a section shows when it has nothing to show."""
    return render_template("sections/empty.html.j2", text=text)


def yearly_rows(ctx: Context, table: str) -> tuple[int | None, pd.DataFrame]:
    """An optional yearly input's rows for the page: its year on an evaluation page, the latest year up to
    the page's on a progress page; ``(None, empty)`` when the unit has none. One rule for every such input
    (service coverage, TPPS, aksi konvergensi, audit kasus stunting), so their sections agree on the year."""
    rows = ctx.store.table(table, "" if ctx.level == "nasional" else ctx.kode)
    if rows.empty:
        return None, rows
    years = rows["tahun"].astype(int)
    upto = years[years <= ctx.tahun]
    year = ctx.tahun if ctx.kind == "evaluasi" else (int(upto.max()) if len(upto) else None)
    if year is None or not (years == year).any():
        return None, rows.iloc[:0]
    return year, rows[years == year]


def not_provided(ctx: Context, what: str) -> Section:
    """The one line an optional input's section shows without data: never an error, never 0%."""
    when = f"tahun {ctx.tahun}" if ctx.kind == "evaluasi" else f"s.d. tahun {ctx.tahun}"
    return Section(empty(f"Data {what} {ctx.unit.label} {when} belum disediakan."))


def kabupaten_duty(ctx: Context, what: str) -> Section:
    """A kecamatan page's pointer to a duty of its kabupaten (the aksi konvergensi, audit kasus stunting)."""
    kab = ancestor(ctx.kode, "kabupaten")
    return Section(render_template("sections/kabupaten_duty.html.j2", what=what,
                                   kabupaten=ctx.regions.unit(kab).label,
                                   href=ctx.link(kab, "evaluasi" if ctx.kind == "evaluasi" else "progres")))


def band_domain(ctx: Context) -> tuple[list[str], list[str]]:
    """Band labels and colours in order, "no target" and "no data" last: the map's one colour scale (a band
    missing here would draw its areas with no colour at all)."""
    bands = [*ctx.config.bands, NO_TARGET_BAND, NO_DATA_BAND]
    return [b.label for b in bands], [b.color for b in bands]


def header(ctx: Context) -> Section:
    """The page title, its period, the sample-data warning and the staff note (``catatan``)."""
    if ctx.kind == "evaluasi":
        kicker = f"Evaluasi RAN PASTI tahun {ctx.tahun}"
        title = f"Evaluasi {ctx.tahun} — {ctx.unit.label}"
        period = f"Capaian tahunan Januari–Desember {ctx.tahun} dan capaian bulan Desember {ctx.tahun}."
        verdict = ""
    else:
        kicker = "Kemajuan RAN PASTI, rencana aksi percepatan penurunan stunting"  # one line or two on a phone
        title = ctx.unit.label if ctx.level != "nasional" else "Indonesia — ringkasan nasional"
        period = f"Bulan laporan: {fmt.month(ctx.bulan)} · tren Januari–{fmt.month(ctx.bulan)}."
        verdict = monthly_verdict(ctx)
    return Section(render_template("sections/header.html.j2", kicker=kicker, title=title, period=period,
                                   sample=ctx.config.sample, catatan=ctx.catatan, document=ctx.document,
                                   verdict=verdict, behind=behind_notice(ctx)))


def behind_notice(ctx: Context) -> str:
    """Why a progress page shows an older month than the site: "Data Oktober 2026 Kabupaten Pesisir Barat belum
    masuk; halaman ini menampilkan September 2026, bulan terakhir yang datanya sudah masuk." Said at the top,
    so a reader comparing it with a page of the latest month knows the figures are a month older, not missing."""
    if not ctx.behind:
        return ""
    months = [fmt.month(m) for m in ctx.behind]
    missing = (months[0] if len(months) == 1 else " dan ".join(months) if len(months) == 2
               else f"{period_label((ctx.behind[0], ctx.behind[-1]))} ({len(months)} bulan)")
    return (f"Data {missing} {ctx.unit.label} belum masuk; halaman ini menampilkan {fmt.month(ctx.bulan)}, "
            "bulan terakhir yang datanya sudah masuk.")


def monthly_verdict(ctx: Context) -> str:
    """The progress page's answer in one sentence, on the first screen: "Tugumulyo mencapai target pada 7 dari
    8 indikator, Desember 2024." Counted from the same rows as the cards below it (the month's own capaian
    against the year's target, decided on the unrounded value), so the two never disagree."""
    own = ctx.own((ctx.bulan, ctx.bulan))
    rows = own[own["indikator"].isin([i.key for i in ind.PENDAMPINGAN_INDICATORS])]
    kkb = _own_kampung(ctx)  # the Kampung KB card
    has = pd.concat([rows, kkb])["capaian_target"].dropna() if len(kkb) else rows["capaian_target"].dropna()
    name = ctx.unit.label if ctx.level != "nasional" else "Indonesia"
    month = fmt.month(ctx.bulan)
    if rows.dropna(subset=["nilai"]).empty:
        return f"{name}: belum ada laporan pendampingan untuk {month}."
    if has.empty:
        return f"{name}: belum ada target untuk {ctx.tahun}; capaian {month} ada di bawah, belum dinilai."
    reached = int((has >= 100).sum())
    shown = len(rows.dropna(subset=["nilai"])) + len(kkb.dropna(subset=["nilai"]))
    # "4 dari 4 indikator" read as every indicator met while 4 others had no target: say those too
    untargeted = f"; {shown - len(has)} indikator lain belum punya target" if shown > len(has) else ""
    return f"{name} mencapai target pada {reached} dari {len(has)} indikator yang bertarget, {month}{untargeted}."


def _card(row: pd.Series | dict, detail: str) -> dict:
    target = row["target"]
    vs = ""
    if not fmt.is_missing(row["capaian_target"]):
        vs = f"{fmt.percent(row['capaian_target'], target=100)} dari target {fmt.target(target)}"
    elif not fmt.is_missing(target):
        vs = f"target {fmt.target(target)}"
    value = fmt.percent(row["nilai"], target=target, direction=str(row.get("arah") or "naik"))
    return {"label": ind.label(row["indikator"]), "value": value, "detail": detail,
            "band": row["band"], "color": row["warna"], "vs": vs}


def _own_kampung(ctx: Context) -> pd.DataFrame:
    """The unit's own Kampung KB row at the end of the page's year: its card, and its count in the verdict."""
    kkb = ctx.kampung(ctx.level)
    return kkb[kkb["kode"] == ctx.own_code]


def cards(ctx: Context, months: tuple[str, str] | None = None, note: str | None = None) -> Section:
    """Headline cards: each indicator for the period, its numerator/denominator and capaian vs target."""
    months = months or (ctx.bulan, ctx.bulan)
    own: dict[str, dict] = {}
    for r in records(ctx.own(months)):  # the first row of each indicator, as plain values
        own.setdefault(r["indikator"], r)
    items = []
    for key in [i.key for i in ind.PENDAMPINGAN_INDICATORS]:
        row = own.get(key)
        if row is None:
            row = records(ind.with_target(pd.DataFrame([{"kode": ctx.kode, "indikator": key, "pembilang": 0.0,
                                                         "penyebut": 0.0, "nilai": float("nan")}]),
                                          ctx.targets, ctx.tahun, ctx.config))[0]
        indicator = ind.INDICATORS[key]
        if row.get("samar"):  # masked (disclosure): no count, no percentage, no status that tells its range
            items.append({"label": ind.label(key), "value": row["samar"], "band": row["band"], "color": row["warna"],
                          "detail": f"angka {indicator.counted} disamarkan agar keluarga tidak dapat dikenali",
                          "vs": ""})
            continue
        detail = f"{fmt.number(row['pembilang'])} dari {fmt.number(row['penyebut'])} {indicator.counted}"
        items.append(_card(row, detail))
    kkb = _own_kampung(ctx)
    if not kkb.empty:
        row = kkb.iloc[0]
        items.append(_card(row, f"{fmt.number(row['pembilang'])} dari {fmt.number(row['penyebut'])} desa/kelurahan "
                                f"({as_at(ctx)})"))
    note = note or (f"Capaian = jumlah yang didampingi/dilayani ÷ jumlah sasaran, dijumlahkan atas semua desa untuk "
                    f"{period_label(months)}. Sumber: {source('pendampingan')}; Kampung KB: {source('kampung_kb')} "
                    "(lihat Catatan data).")
    for item in items:  # each term linked to the glossary where the reader first meets it
        item["label_html"] = ctx.term_links(item["label"])
    if ctx.level in ("nasional", "provinsi"):
        note += (f" Semua angka di halaman ini mencakup {len(ctx.reporting_kabupaten())} dari {ctx.all_kabupaten()} "
                 "kabupaten/kota yang datanya sudah masuk; desa kabupaten/kota lain tidak dihitung.")
        behind = ctx.kabupaten_behind()
        if behind:
            late = ", ".join(f"{ctx.regions.unit(k).label} (data terakhir {fmt.month(m)})" for k, m in behind)
            note += (f" Data {fmt.month(ctx.bulan)} belum masuk dari {late}, jadi angka {fmt.month(ctx.bulan)} "
                     f"mencakup {len(ctx.reporting_kabupaten()) - len(behind)} kabupaten/kota.")
    return Section(render_template("sections/cards.html.j2", cards=items, note=note,
                                   screen_only=ctx.kind == "evaluasi"))


def source(table: str) -> str:
    """Who produces an input's numbers, in public words (``source`` in ``definitions/input.yml``): pages cite
    institutions, not file names."""
    return TABLES[table].source


def data_notes(ctx: Context) -> Section:
    """"Catatan data": the months in the data, the desa that did not report, normalisation notes, sources,
    and what each indicator means. The inputs and the glossary come from the declarations
    (``definitions/``), so a new indicator or input file is explained on every page without editing here."""
    months = ctx.months_with_data()
    period = f"{fmt.month(months[0])} – {fmt.month(months[-1])}" if months else "tidak ada data"
    if ctx.level in ("kabupaten", "kecamatan"):
        rep = ctx.reported(ctx.bulan)
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
    return Section(render_template("sections/data_notes.html.j2", period=period, month=fmt.month(ctx.bulan),
                               missing=missing, notes=ctx.store.manifest.get("notes", [])[:10],
                               source_note=ctx.config.source_note, inputs=list(TABLES.values()),
                               terms=list(ind.INDICATORS.values()), glossary=ctx.glossary_link))
