"""Sections of the December evaluation pages (kabupaten, kecamatan): the year against its targets.

Annual capaian is each indicator's declared basis (``indicators.annual``): reach (accompanied at least once
in the year ÷ the year's sasaran) where jangkauan.csv is complete for the unit, else the monthly average
(Σ January–December ÷ Σ January–December). The summary, the status column, the rapor and the gaps all read
``Context.annual``, and every figure names its basis ("Dasar"), so an evaluator signs one stated basis. The
December figures stand beside them because many programmes are judged on the year's last month.
"""

from __future__ import annotations

import pandas as pd

from .. import facts
from ..core import fmt
from ..core.display import Bar, BarTable, Col, Section, Table, render_template
from ..core.frames import records
from ..facts import disclosure
from ..reference import indicators as ind
from ..reference.regions import ancestor
from .audit import ROUNDS_EXPECTED, audit_rows
from .common import empty, source
from .context import MAIN_INDICATOR, Context, memoised
from .convergence import convergence_rows
from .services import service_values
from .tpps import decree_count, has_decree, kecamatan_teams, tpps_rows

STATUS_ORDER = ["selesai", "berjalan", "belum dimulai"]
KAMPUNG_BASIS = "akhir tahun"  # Kampung KB: desa with one formed by the end of the year

BASIS_REACH_TEXT = (f"{ind.BASIS_REACH.capitalize()} = keluarga/orang yang didampingi sedikitnya sekali dalam setahun "
                    "÷ sasaran setahun, masing-masing dihitung sekali (rekap tahunan Tim Pendamping Keluarga).")
BASIS_AVERAGE_TEXT = (f"{ind.BASIS_AVERAGE.capitalize()} = Σ didampingi Januari–Desember ÷ Σ sasaran "
                      "Januari–Desember (laporan bulanan Tim Pendamping Keluarga): yang didampingi tiap bulan "
                      "terhitung tiap bulan, jadi "
                      "kolom didampingi dan sasaran menjumlahkan 12 laporan bulanan.")


def _year(ctx: Context, tahun: int | None = None) -> tuple[str, str]:
    tahun = tahun or ctx.tahun
    return (f"{tahun}-01", f"{tahun}-12")


def _annual_shown(ctx: Context, tahun: int) -> pd.DataFrame:
    """The unit's annual capaian per indicator in ``tahun`` (pendampingan and Kampung KB), unrounded, NaN where
    there is no data, with its basis (``dasar``) and that year's target: shown against it (``fmt.shown``), last
    year's column here reads exactly as last year's page."""
    values = ctx.annual(ctx.level, tahun)
    values = values[values["kode"] == ctx.own_code][["kode", "indikator", "nilai", "dasar"]]
    kkb = ctx.kampung(ctx.level, tahun)
    kkb = kkb[kkb["kode"] == ctx.kode]
    if len(kkb) and tahun >= _first_year(ctx):
        values = pd.concat([values, kkb[["kode", "indikator", "nilai"]].assign(dasar=KAMPUNG_BASIS)],
                           ignore_index=True)
    that_year = ind.with_target(values, ctx.targets, tahun, ctx.config)
    return pd.DataFrame({"nilai": that_year["nilai"].to_numpy(dtype="float64"), "dasar": that_year["dasar"].to_numpy(),
                         "target": that_year["target"].to_numpy(dtype="float64")}, index=that_year["indikator"])


def _first_year(ctx: Context) -> int:
    months = ctx.months_with_data()
    return int(months[0][:4]) if months else ctx.tahun


def _with_change(ctx: Context, frame: pd.DataFrame) -> pd.DataFrame:
    """``sebelumnya`` (last year's annual figure, shown against last year's target ``target_sebelumnya`` as
    last year's page shows it) and ``perubahan``: the difference of the two figures as shown (``fmt.shown``),
    so the three numbers on a row always add up."""
    if ctx.tahun - 1 >= _first_year(ctx):
        prev = _annual_shown(ctx, ctx.tahun - 1).reindex(frame["key"])
    else:
        prev = pd.DataFrame({"nilai": float("nan"), "dasar": "", "target": float("nan")}, index=frame["key"])
    frame["sebelumnya"] = prev["nilai"].to_numpy(dtype="float64")
    frame["target_sebelumnya"] = prev["target"].to_numpy(dtype="float64")
    same = prev["dasar"].to_numpy() == frame["dasar"].to_numpy()  # a change only between figures on one basis
    now = [fmt.shown_value(v, t, a) for v, t, a in zip(frame["tahunan"], frame["target"], frame["arah"], strict=True)]
    before = [fmt.shown_value(v, t, a) for v, t, a in zip(frame["sebelumnya"], frame["target_sebelumnya"],
                                                           frame["arah"], strict=True)]
    frame["perubahan"] = [fmt.difference(n, b) if ok else float("nan") for n, b, ok in zip(now, before, same,
                                                                                          strict=True)]
    return frame


def evaluation_table(ctx: Context) -> Section:
    """Annual (Jan–Dec) and December capaian per indicator against the year's target, with band, and the
    change against the year before."""
    frame = _indicator_rows(ctx).copy()
    last = ctx.tahun - 1
    # each source once under the table, a reference in its rows (the downloads keep the text): a long source
    # in every row made each row eight lines tall on paper and on a phone
    sources = list(dict.fromkeys(v for v in frame["sumber_target"] if v))
    frame["sumber_ref"] = [f"[{sources.index(v) + 1}]" if v else "" for v in frame["sumber_target"]]
    listed = " ".join(f"[{n}] {v}." for n, v in enumerate(sources, 1))
    cols = [Col("label", "Indikator"), Col("tahunan", f"Capaian Jan–Des {ctx.tahun}", "pct", target="target",
                                           direction="arah"), Col("dasar", "Dasar", "word"),
            Col("target", "Target", "target"), Col("capaian_target", "Capaian vs target", "pct", target=100),
            Col("band", "Status", "band"),
            Col("sebelumnya", f"Capaian {last}", "pct", target="target_sebelumnya", direction="arah"),
            Col("target_sebelumnya", f"Target {last}", "target"),
            Col("perubahan", f"Perubahan dari {last} (poin)", "change"),
            Col("pembilang", "Didampingi atau dilayani (setahun)", "int"), Col("penyebut", "Sasaran (setahun)", "int"),
            Col("desember", f"Capaian Des {ctx.tahun}", "pct", target="target", direction="arah"),
            Col("sumber_ref", "Sumber target", "word", download="sumber_target")]
    return Section(Table(frame, cols, name="evaluasi-indikator",
                         caption=f"Capaian indikator RAN PASTI {ctx.tahun} terhadap target ({ctx.unit.label})",
                         note=f"Capaian tahunan menurut kolom Dasar. {BASIS_REACH_TEXT} {BASIS_AVERAGE_TEXT} "
                              "Status dihitung pada dasar yang tertulis. Capaian vs target = capaian ÷ target × 100 "
                              "(dibalik untuk indikator yang makin rendah makin baik). Perubahan = capaian "
                              f"{ctx.tahun} − capaian {last} (dasar yang sama), dalam poin persen."
                              + _target_changes(frame, ctx.tahun)
                              + (f" Sumber target: {listed}" if listed else "")))


def _target_changes(frame: pd.DataFrame, tahun: int) -> str:
    """A target that differs from last year's, said in words: a status can change because the target did
    (KRS "Hampir tercapai" against 90 in 2024, "Tercapai" against 80 in 2025)."""
    said = []
    for r in records(frame):
        now, before = r["target"], r["target_sebelumnya"]
        if fmt.is_missing(now) and fmt.is_missing(before):
            continue
        if fmt.is_missing(before):
            said.append(f"{r['label']} mendapat target {fmt.target(now)} mulai {tahun}")
        elif fmt.is_missing(now):
            said.append(f"{r['label']} tidak punya target untuk {tahun} ({tahun - 1}: {fmt.target(before)})")
        elif now != before:
            way = "naik" if now > before else "turun"
            said.append(f"target {r['label']} {way} dari {fmt.target(before)} ({tahun - 1}) menjadi "
                        f"{fmt.target(now)} ({tahun})")
    if not said:
        return ""
    text = "; ".join(said)
    return f" Target berubah: {text[0].upper()}{text[1:]}."


@memoised
def _indicator_rows(ctx: Context) -> pd.DataFrame:
    """One row per indicator: the year's figures unrounded with the target and direction they are shown against
    (``fmt.shown``, by the table's columns; statuses are decided unrounded), last year's as shown, and the
    change of the figures as shown. Once per page: the table and the summary's sentence on the change both read
    it (shared: copy before changing)."""
    annual = ctx.own_annual.set_index("indikator").to_dict("index")  # plain dicts: 9 lookups, not 9 Series
    dec = ctx.own((f"{ctx.tahun}-12", f"{ctx.tahun}-12")).set_index("indikator")["nilai"].to_dict()
    nan = float("nan")
    rows = []
    for i in ind.PENDAMPINGAN_INDICATORS:
        a = annual.get(i.key)
        rows.append({
            "key": i.key,
            "label": i.label,
            "tahunan": a["nilai"] if a is not None else nan,
            "dasar": a["dasar"] if a is not None else ind.BASIS_AVERAGE,
            "pembilang": a["pembilang"] if a is not None else nan,
            "penyebut": a["penyebut"] if a is not None else nan,
            "desember": dec.get(i.key, nan),
            "target": ctx.target_of(i.key),
            "arah": a["arah"] if a is not None else i.direction,
            "capaian_target": a["capaian_target"] if a is not None else nan,
            "band": a["band"] if a is not None else "Tidak ada data",
            "warna": a["warna"] if a is not None else "#5c6370",
            "sumber_target": a["sumber_target"] if a is not None else "",
        })
    kkb = ctx.kampung(ctx.level)
    kkb = kkb[kkb["kode"] == ctx.kode]
    if len(kkb):
        k = kkb.iloc[0]
        rows.append({"key": "kampung_kb", "label": ind.label("kampung_kb"), "tahunan": k["nilai"],
                     "dasar": KAMPUNG_BASIS,  # desa with a Kampung KB formed by the end of the year
                     "pembilang": k["pembilang"], "penyebut": k["penyebut"], "desember": k["nilai"],
                     "target": k["target"], "arah": k["arah"], "capaian_target": k["capaian_target"], "band": k["band"],
                     "warna": k["warna"], "sumber_target": k["sumber_target"]})
    frame = pd.DataFrame(rows)
    frame["target"] = frame["target"].astype("float64")
    return _with_change(ctx, frame)


def regional_comparison(ctx: Context) -> Section:
    """The unit's annual capaian beside the units above it: a kabupaten beside its province and the country
    (figures over the kabupaten/kota that sent data, said so), a kecamatan beside its kabupaten. Kept to
    these pairs on purpose: a kecamatan's page would otherwise change with any data in the country.

    One annual figure per indicator per page (issue 33): the unit's column is its indicator table's figure,
    on that table's basis; a unit above without a figure on that basis (provinces and the country have only
    the monthly average) is not set beside it, the cell says why. Musi Rawas' KRS didampingi 2025 read
    96,4 % (reach) in the table and 76,2 % (monthly average) here, on the same page."""
    mine = ctx.own_annual
    columns = [(ctx.unit.label, mine)]
    notes = []
    if ctx.level == "kabupaten":
        regional = ind.regional_annual(ctx.store.agregat("ID"), ctx.tahun).assign(dasar=ind.BASIS_AVERAGE)
        for kode in (ancestor(ctx.kode, "provinsi"), "ID"):
            r = regional[regional["kode"] == kode]
            name = "Indonesia" if kode == "ID" else ctx.regions.unit(kode).label
            columns.append((name, _with_own_target(ctx, r)))
            n = int(r["n_kabupaten"].iloc[0]) if len(r) else 0
            notes.append(f"{name}: dari {fmt.number(n)} kabupaten/kota yang mengirim data {ctx.tahun}")
    elif ctx.level == "kecamatan":
        kab = ctx.kabupaten_year()
        columns.append((ctx.regions.unit(ancestor(ctx.kode, "kabupaten")).label, _with_own_target(ctx, kab)))
    else:
        return Section()
    keys = [i.key for i in ind.PENDAMPINGAN_INDICATORS]
    own_basis = mine.set_index("indikator")["dasar"].reindex(keys).fillna(ind.BASIS_AVERAGE)
    frame = pd.DataFrame({"label": [i.label for i in ind.PENDAMPINGAN_INDICATORS],
                          "dasar": own_basis.to_numpy(dtype=object)})
    cols = [Col("label", "Indikator"), Col("dasar", "Dasar", "word")]
    apart = False
    for n, (name, values) in enumerate(columns):  # each figure shown against its own unit's target, as elsewhere
        by = values.set_index("indikator").reindex(keys)
        figures = pd.Series(by["nilai"].to_numpy(dtype="float64"), dtype=object)
        basis = by["dasar"].fillna(ind.BASIS_AVERAGE).to_numpy(dtype=object)
        other = (basis != own_basis.to_numpy(dtype=object)) & by["nilai"].notna().to_numpy()
        if n and other.any():  # never set beside the unit's figure on another basis
            apart = True
            figures[other] = [f"tidak sebanding ({b})" for b in basis[other]]
        frame[f"w{n}"] = figures.to_numpy()
        frame[f"t{n}"] = by["target"].to_numpy(dtype="float64")
        frame[f"a{n}"] = by["arah"].fillna("naik").to_numpy(dtype=object)
        cols.append(Col(f"w{n}", name, "pct", target=f"t{n}", direction=f"a{n}"))
    note = ("Setiap baris memakai dasar tabel capaian di atas (kolom Dasar), jadi angka wilayah ini sama dengan "
            "angka di tabel itu.")
    if apart:
        note += (f" Wilayah di atasnya yang tidak punya angka pada dasar itu (provinsi dan nasional hanya punya "
                 f"{ind.BASIS_AVERAGE}) ditulis \"tidak sebanding\" dengan dasarnya, tidak dibandingkan.")
    note += (" " + "; ".join(notes) + ".") if notes else ""
    return Section(Table(frame, cols, name="perbandingan-wilayah", note=note,
                         caption=f"Capaian tahunan {ctx.tahun}: {ctx.unit.label} dibandingkan wilayah di atasnya"))


def _with_own_target(ctx: Context, values: pd.DataFrame) -> pd.DataFrame:
    """``values`` (``kode, indikator, nilai``) with the target of each row's own unit for the page's year, the
    one its figure is shown against on every page (``fmt.shown``): Indonesia's figure read 68,4 on one
    kabupaten's page and 68,5 on another's when each page rounded it toward its own target."""
    keep = ["kode", "indikator", "nilai"] + (["dasar"] if "dasar" in values else [])
    return ind.with_target(values[keep], ctx.targets, ctx.tahun, ctx.config)


def scorecard(ctx: Context) -> Section:
    """Every child unit × every indicator, annual capaian coloured by band."""
    return Section(_rapor(ctx, ctx.child_level))


def desa_annex(ctx: Context) -> Section:
    """A kabupaten evaluation's per-desa detail: every desa's annual capaian, as an annex (small desa masked
    as on the kecamatan pages). A kecamatan's page has its desa in the rapor already."""
    if ctx.level != "kabupaten":
        return Section()
    return Section(_rapor(ctx, "desa", collapsed=True,
                          caption=f"Lampiran: rapor capaian tahunan {ctx.tahun} setiap desa/kelurahan"))


def _row_basis(bases: dict[str, str]) -> str:
    """One unit's basis across the indicators that may use reach (``annual: reach``): one basis, or reach
    with the exceptions named (the monthly-average-only indicators are said once, in the caption)."""
    keys = [i.key for i in ind.PENDAMPINGAN_INDICATORS if i.annual == "reach"]
    average = [ind.label(k) for k in keys if bases.get(k) != ind.BASIS_REACH]  # no figure: nothing on reach
    if not average:
        return ind.BASIS_REACH
    if len(average) == len(keys):
        return ind.BASIS_AVERAGE
    return f"{ind.BASIS_REACH}; {ind.BASIS_AVERAGE}: {', '.join(average)}"


def _always_average() -> str:
    """The labels of the pendampingan indicators whose annual capaian is always the monthly average."""
    return ", ".join(i.label for i in ind.PENDAMPINGAN_INDICATORS if i.annual != "reach")


def _rapor(ctx: Context, level: str, collapsed: bool = False, caption: str = "") -> Table:
    values = ctx.annual(level)
    by_key = facts.wide.by_indicator(values, ["nilai", "warna", "band", "dasar", "target", "arah"])
    units = by_key.index
    kind = "evaluasi" if level == "kecamatan" else None
    if kind:
        names: list = [(ctx.child_name(k), ctx.link(k, kind)) for k in units]
    elif level == "desa" and ctx.level == "kabupaten":  # desa names repeat across kecamatan: name both
        desa = ctx.regions.desa
        names = [f"{desa.at[k, 'nama']} ({ctx.regions.unit(ancestor(k, 'kecamatan')).nama})" if k in desa.index
                 else k for k in units]
    else:
        names = [ctx.child_name(k) for k in units]
    columns: dict[str, object] = {"nama": names}
    for i in ind.PENDAMPINGAN_INDICATORS:  # one frame made at once: 45 columns set one by one cost ~4 ms a page
        for prefix, figure in (("", "nilai"), ("warna_", "warna"), ("band_", "band"), ("target_", "target"),
                               ("arah_", "arah")):
            column = by_key.get((figure, i.key))  # one column of the pivot (not a sub-table per figure)
            columns[f"{prefix}{i.key}"] = [None] * len(units) if column is None else column
    frame = pd.DataFrame(columns, index=units)
    bases = by_key["dasar"].reindex(frame.index)
    frame["dasar"] = [_row_basis(b) for b in records(bases)]
    masked = values[(values["indikator"] == MAIN_INDICATOR) & (values["samar"] != "")].set_index("kode")["samar"]
    if len(masked):  # the decision every view reads (disclosure), at any level (a kecamatan's own total too)
        frame[MAIN_INDICATOR] = frame[MAIN_INDICATOR].astype(object)
        frame.loc[masked.index.intersection(frame.index), MAIN_INDICATOR] = disclosure.MASKED_WORD
    cols = [Col("nama", level.capitalize(), "link" if kind else "text")]
    if level == "kecamatan":  # ranked on the programme's main indicator (desa counts may be masked)
        # only on the basis of the page's own figure (issue 33): a kecamatan on another basis is listed after
        # the ranked ones, its rank cell saying why, never ranked beside them
        own = ctx.own_annual.set_index("indikator")["dasar"]
        basis = own.get(MAIN_INDICATOR, ind.BASIS_AVERAGE)
        main_basis = bases[MAIN_INDICATOR] if MAIN_INDICATOR in bases else pd.Series(basis, index=frame.index)
        apart = (main_basis.reindex(frame.index) != basis).to_numpy() & frame[MAIN_INDICATOR].notna().to_numpy()
        value = pd.to_numeric(frame[MAIN_INDICATOR], errors="coerce")
        rank = value.where(~apart).rank(ascending=False, method="min").astype(object)
        rank[apart] = [f"tidak diperingkat ({b})" for b in main_basis.reindex(frame.index)[apart]]
        frame["peringkat"] = rank
        frame["_apart"] = apart
        frame = frame.assign(_v=value).sort_values(["_apart", "_v"], ascending=[True, False]).drop(columns="_v")
        cols.append(Col("peringkat", f"Peringkat ({ind.label(MAIN_INDICATOR)}, {basis})", "int"))
        before = ctx.annual(level, ctx.tahun - 1)
        before = before[before["indikator"] == MAIN_INDICATOR].set_index("kode")
        now = values[values["indikator"] == MAIN_INDICATOR].set_index("kode")["dasar"]
        same = before["dasar"].reindex(frame.index) == now.reindex(frame.index)  # only figures on one basis
        # the difference of the two figures as shown (``fmt.shown``, each against its year's target)
        shown_before = pd.Series([fmt.shown_value(v, t, a) for v, t, a in zip(
            before["nilai"], before["target"], before["arah"], strict=True)], index=before.index, dtype="float64")
        shown_now = [fmt.shown_value(v, t, a) for v, t, a in zip(
            pd.to_numeric(frame[MAIN_INDICATOR], errors="coerce"), frame[f"target_{MAIN_INDICATOR}"],
            frame[f"arah_{MAIN_INDICATOR}"], strict=True)]
        change = [fmt.difference(n, b) for n, b in zip(shown_now, shown_before.reindex(frame.index), strict=True)]
        frame["perubahan"] = pd.Series(change, index=frame.index, dtype="float64").where(same)
        cols.append(Col("perubahan", f"{ind.label(MAIN_INDICATOR)}: perubahan dari {ctx.tahun - 1} (poin)",
                        "change"))
    cols += [Col(i.key, i.label, "pctband", target=f"target_{i.key}", direction=f"arah_{i.key}")
             for i in ind.PENDAMPINGAN_INDICATORS]
    cols.append(Col("dasar", "Dasar", "word"))
    always = _always_average()
    if level != "kecamatan":
        frame = frame.sort_values(MAIN_INDICATOR, key=lambda s: pd.to_numeric(s, errors="coerce"), ascending=False)
    return Table(frame, cols, name=f"rapor-{level}", collapsed=collapsed,
                 caption=caption or f"Rapor capaian tahunan {ctx.tahun} setiap {level} "
                                    "(warna = status terhadap target)",
                 note="Kolom Dasar: jangkauan setahun atau rata-rata bulanan (lihat Metode); status dihitung pada "
                      "dasar yang tertulis, dan angka dengan dasar berbeda tidak sebanding langsung."
                      + (f" {always} selalu rata-rata bulanan." if always else ""))


def semesters(ctx: Context) -> Section:
    """Semester 1 (Jan–Jun) against semester 2 (Jul–Dec) per indicator."""
    s1 = ctx.own((f"{ctx.tahun}-01", f"{ctx.tahun}-06")).set_index("indikator")["nilai"]
    s2 = ctx.own((f"{ctx.tahun}-07", f"{ctx.tahun}-12")).set_index("indikator")["nilai"]
    rows = [{"label": i.label, "s1": s1.get(i.key, float("nan")), "s2": s2.get(i.key, float("nan")),
             "target": ctx.target_of(i.key), "arah": i.direction} for i in ind.PENDAMPINGAN_INDICATORS]
    frame = pd.DataFrame(rows)
    frame["target"] = frame["target"].astype("float64")
    frame["selisih"] = [fmt.difference(fmt.shown_value(b, t, a), fmt.shown_value(f, t, a))  # of the figures shown
                        for f, b, t, a in zip(frame["s1"], frame["s2"], frame["target"], frame["arah"], strict=True)]
    # each semester's bar under its figure, on one 0–100% scale: on a phone the two sit one above the other
    table = BarTable(frame, [Col("label", "Indikator"),
                             Col("s1", "Semester 1 (Jan–Jun)", "pct", target="target", direction="arah"),
                             Col("s2", "Semester 2 (Jul–Des)", "pct", target="target", direction="arah"),
                             Col("selisih", "Perubahan (poin)", "change")],
                     name="semester", bars={"s1": Bar(colors=(SEMESTER_COLORS[0],)),
                                            "s2": Bar(colors=(SEMESTER_COLORS[1],))},
                     caption=f"Kemajuan antarsemester {ctx.tahun} (rata-rata bulanan setiap semester)",
                     note="Batang: capaian setiap semester pada skala 0–100%.")
    return Section(table)


@memoised
def _lokmin_year(ctx: Context) -> pd.DataFrame:
    """The year's Lokmin rows with display columns, and which follow-ups are still open or past deadline.
    Once per page (the follow-up section and the annex both show it; shared: not to be modified); a
    kecamatan's selected from its kabupaten's, made once for the kabupaten's pages (every column is made row
    by row, so a kecamatan's rows read as if made alone)."""
    if ctx.level == "kecamatan":
        return ctx.store.inside(_kabupaten_lokmin_year(ctx), ctx.kode)
    return _lokmin_columns(ctx.lokmin_rows(), ctx.tahun)


def _kabupaten_lokmin_year(ctx: Context) -> pd.DataFrame:
    """``_lokmin_year`` of the page's whole kabupaten, once for the pages inside it (shared)."""
    return ctx._kabupaten_wide(("lokmin_year", ctx.as_of, ctx.tahun),
                               lambda: _lokmin_columns(ctx.kabupaten_lokmin_rows(), ctx.tahun))


def _lokmin_columns(df: pd.DataFrame, tahun: int) -> pd.DataFrame:
    """``df`` (Lokmin rows of one year, a copy) with the display columns of ``_lokmin_year``."""
    for column in ("penanggung_jawab", "tenggat"):  # optional columns of lokmin.csv
        if column not in df:
            df[column] = ""
    df["bulan"] = df["tanggal"].str.slice(0, 7)  # ISO dates: the month
    df["tanggal_teks"] = df["tanggal"].map(fmt.date)
    df["tenggat_teks"] = df["tenggat"].map(lambda d: fmt.date(d) if d else "")
    df["terbuka"] = df["status"] != "selesai"
    df["lewat"] = df["terbuka"] & (df["tenggat"] != "") & (df["tenggat"] < f"{tahun}-12-31")
    df["keterangan"] = df["lewat"].map({True: "lewat tenggat", False: ""})
    df["cls"] = df["lewat"].map({True: "rp-missing", False: ""})
    df["urut"] = df["status"].map({s: i for i, s in enumerate(STATUS_ORDER)})
    return df


def _open_items(ctx: Context, df: pd.DataFrame, name: str, caption: str, collapsed: bool = False) -> Table:
    pending = df[df["terbuka"]].sort_values(["lewat", "urut", "tanggal"], ascending=[False, True, True])
    where = [Col("kecamatan", "Kecamatan")] if ctx.level != "kecamatan" else []
    return Table(pending, [Col("tanggal_teks", "Pertemuan"), *where, Col("masalah", "Masalah"),
                           Col("rencana_tindak_lanjut", "Tindak lanjut"), Col("penanggung_jawab", "Penanggung jawab"),
                           Col("tenggat_teks", "Tenggat"), Col("status", "Status"), Col("keterangan", "Keterangan")],
                 name=name, row_class="cls", caption=caption, collapsed=collapsed)


def lokmin_followup(ctx: Context) -> Section:
    """Lokmin as follow-up management: meetings held against the number expected, the follow-ups not yet
    done first (a kecamatan's one by one, past their deadline first; a kabupaten's grouped by problem, the
    detail in the annex), and the status per month. The year's full lists are in ``lokmin_annex``."""
    df = _lokmin_year(ctx)
    # earlier years' open follow-ups, one by one: in the body of a kecamatan's report (a few rows), in the
    # annex of a kabupaten's (dozens: 52 for Musi Rawas 2025 pushed the printed report past its page limit)
    carried = _carried_table(ctx) if ctx.level == "kecamatan" else None
    if df.empty:
        return Section(empty("Lokmin: tidak ada pertemuan tercatat tahun ini."), *([carried] if carried else []))
    counts = facts.lokmin.status_per_month(df)
    total = df["status"].value_counts().reindex(STATUS_ORDER, fill_value=0)
    meetings = _lokmin_meetings(ctx)
    parts: list = [render_template(
        "sections/lokmin_summary.html.j2", n=len(df), y=ctx.tahun, s=total["selesai"], b=total["berjalan"],
        x=total["belum dimulai"], late=int(df["lewat"].sum()), held=int(meetings["diadakan"].sum()),
        expected=int(meetings["diharapkan"].sum()), per_year=ctx.config.lokmin_per_year, units=len(meetings),
        level=ctx.level, carried=len(ctx.lokmin_open_earlier()), as_of=fmt.date(ctx.as_of),
        carried_where="di bawah" if ctx.level == "kecamatan" else "di Lampiran")]
    if carried:
        parts.append(carried)
    if ctx.level != "kecamatan":
        parts.append(Table(meetings, [Col("nama", "Kecamatan"), Col("diadakan", "Pertemuan diadakan", "int"),
                                      Col("diharapkan", "Diharapkan", "int"), Col("persen", "Capaian", "pct")],
                           name="lokmin-pertemuan", caption=f"Pertemuan Lokmin {ctx.tahun} per kecamatan"))
    if df["terbuka"].any() and ctx.level == "kecamatan":
        parts.append(_open_items(ctx, df, "lokmin-belum-selesai", f"Tindak lanjut Lokmin yang belum selesai pada "
                                 f"akhir {ctx.tahun} (lewat tenggat lebih dulu)"))
    elif df["terbuka"].any():
        pending = df[df["terbuka"]]
        grouped = facts.lokmin.open_by_problem(pending)
        parts.append(Table(grouped, [Col("masalah", "Masalah"), Col("jumlah", "Belum selesai", "int"),
                                     Col("lewat", "Lewat tenggat", "int"), Col("penanggung_jawab", "Penanggung jawab"),
                                     Col("kecamatan", "Kecamatan")],
                           name="lokmin-belum-selesai-per-masalah",
                           caption=f"Tindak lanjut Lokmin yang belum selesai pada akhir {ctx.tahun}, per masalah "
                                   "(rinciannya di Lampiran)"))
    parts.append(_status_table(counts))
    return Section(*parts)


STATUS_COLORS = ("#18794e", "#a16207", "#b42318")  # selesai, berjalan, belum dimulai: as the status words read
SEMESTER_COLORS = ("#1f5fa8", "#c2410c")


def _status_table(counts: pd.DataFrame) -> BarTable:
    """The follow-ups of each month's meetings by status: one row per month (the month's counts of
    ``counts``, laid out side by side), a bar of the month's follow-ups stacked by status, on the scale of
    the busiest month."""
    months: dict[str, dict] = {}
    for r in records(counts):
        row = months.setdefault(r["bulan"], {"bulan_teks": fmt.month(r["bulan"]), **dict.fromkeys(STATUS_ORDER, 0)})
        row[r["status"]] = r["jumlah"]
    frame = pd.DataFrame([months[m] for m in sorted(months)])
    frame["jumlah"] = frame[STATUS_ORDER].sum(axis=1)
    cols = [Col("bulan_teks", "Bulan"), *(Col(s, s.capitalize(), "int") for s in STATUS_ORDER),
            Col("jumlah", "Jumlah", "int")]
    return BarTable(frame, cols, name="lokmin-status", caption="Status tindak lanjut Lokmin per bulan pertemuan",
                    bars={"jumlah": Bar(keys=tuple(STATUS_ORDER), colors=STATUS_COLORS, full=None)},
                    note="Batang: tindak lanjut bulan itu menurut status, pada skala bulan dengan tindak lanjut "
                         "terbanyak.")


def _carried_table(ctx: Context, number: int | None = None) -> Table | None:
    """Follow-ups of earlier years' Lokmin still not done on 31 December (issue 34): listed one by one, not
    only counted, since they are what the next year's plan must carry; the longest overdue first."""
    df = ctx.lokmin_open_earlier()
    if df.empty:
        return None
    if "penanggung_jawab" not in df:
        df["penanggung_jawab"] = ""
    df["tanggal_teks"] = df["tanggal"].map(fmt.date)
    df["tenggat_teks"] = df["tenggat"].map(lambda d: fmt.date(d) if d else "tanpa tenggat") if "tenggat" in df \
        else "tanpa tenggat"
    df["lewat_teks"] = df["bulan_lewat"].map(lambda m: "" if m != m else f"{fmt.number(m)} bulan")
    df["cls"] = df["bulan_lewat"].map(lambda m: "" if m != m else "rp-missing")
    df = df.sort_values("bulan_lewat", ascending=False, kind="stable")
    where = [Col("kecamatan", "Kecamatan")] if ctx.level != "kecamatan" else []
    return Table(df, [Col("tanggal_teks", "Pertemuan"), *where, Col("rencana_tindak_lanjut", "Kegiatan"),
                      Col("penanggung_jawab", "Penanggung jawab"), Col("tenggat_teks", "Tenggat"),
                      Col("status", "Status"), Col("lewat_teks", "Lewat tenggat")],
                 name="lokmin-tahun-sebelumnya", row_class="cls", collapsed=number is not None,
                 caption=(f"Lampiran {number}: t" if number is not None else "T")
                 + f"indak lanjut Lokmin tahun sebelumnya yang belum selesai pada {fmt.date(ctx.as_of)} "
                 "(paling lama lewat tenggat lebih dulu)")


def lokmin_annex(ctx: Context) -> Section:
    """The annex of an evaluation: the year's Lokmin follow-ups in full (closed on screen, printed open at the
    end of the report, each with its download)."""
    df = _lokmin_year(ctx)
    carried = _carried_table(ctx, number=1) if ctx.level != "kecamatan" else None
    if df.empty:
        return Section(*([carried] if carried else [empty(
            "Tidak ada lampiran: tidak ada pertemuan Lokmin tercatat tahun ini.")]))
    parts: list = [carried] if carried else []
    if ctx.level != "kecamatan" and df["terbuka"].any():
        parts.append(_open_items(ctx, df, "lokmin-belum-selesai", f"Lampiran {len(parts) + 1}: tindak lanjut "
                                 f"Lokmin yang belum selesai pada akhir {ctx.tahun}, lewat tenggat lebih dulu",
                                 collapsed=True))
    where = [Col("kecamatan", "Kecamatan")] if ctx.level != "kecamatan" else []
    number = len(parts) + 1
    parts.append(Table(df, [Col("tanggal_teks", "Tanggal"), *where, Col("tahap", "Tahap"), Col("masalah", "Masalah"),
                            Col("rencana_tindak_lanjut", "Tindak lanjut"), Col("penanggung_jawab", "Penanggung jawab"),
                            Col("tenggat_teks", "Tenggat"), Col("status", "Status")],
                       name="lokmin-tindak-lanjut", collapsed=True,
                       caption=f"Lampiran {number}: semua tindak lanjut Lokmin {ctx.tahun}, urut tanggal "
                               f"(sumber: {source('lokmin')})"))
    return Section(*parts)


@memoised
def _lokmin_meetings(ctx: Context) -> pd.DataFrame:
    """Meetings held (distinct dates) per kecamatan of the unit in the page's year (``_lokmin_year``) against
    ``lokmin_per_tahun`` a year: a kecamatan that held none is listed with 0. Once per page (the follow-up
    section and the findings read it; shared: not to be modified); a kecamatan's count read from its
    kabupaten's, counted once for the kabupaten's pages."""
    if ctx.level == "kecamatan":
        codes = [ctx.kode]
        held = ctx._kabupaten_wide(("lokmin_held", ctx.as_of, ctx.tahun),
                                   lambda: facts.lokmin.meetings_held(_kabupaten_lokmin_year(ctx)))
    else:
        kec = ctx.regions.kecamatan
        codes = sorted(k for k in kec.index if k.startswith(ctx.kode + ".")) if ctx.kode != "ID" else sorted(kec.index)
        held = facts.lokmin.meetings_held(_lokmin_year(ctx))
    out = pd.DataFrame({"kode": codes})
    out["nama"] = out["kode"].map(ctx.child_name if ctx.level != "kecamatan" else lambda _k: ctx.unit.label)
    out["diadakan"] = out["kode"].map(held).fillna(0).astype(int)
    out["diharapkan"] = ctx.config.lokmin_per_year
    out["persen"] = out["diadakan"] / out["diharapkan"] * 100
    return out.sort_values(["persen", "nama"])


def _lagging(ctx: Context) -> tuple[pd.DataFrame, pd.DataFrame]:
    return ctx.own_annual, ctx.annual(ctx.child_level)


def _basis_phrase(rows: list[dict]) -> str:
    """The bases of ``rows`` in one phrase: "jangkauan setahun untuk semua indikator", or the basis of fewer
    indicators named with them and the other for the rest."""
    by: dict[str, list[str]] = {}
    for r in rows:
        by.setdefault(r["dasar"], []).append(r["indikator"])
    if len(by) <= 1:
        return f"{next(iter(by)) if by else ind.BASIS_AVERAGE} untuk semua indikator"
    minor, major = sorted(by, key=lambda b: (len(by[b]), b))
    return f"{minor} untuk {_and([ind.label(k) for k in by[minor]])}, {major} untuk indikator lainnya"


def _and(words: list[str]) -> str:
    """``A``, ``A dan B``, ``A, B dan C``."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} dan {words[-1]}"


def summary(ctx: Context) -> Section:
    """An automatically written paragraph: which indicators reached target, which lag most, and where."""
    annual, child = _lagging(ctx)
    mine = records(annual)  # the unit's nine indicators as plain rows
    has = [r for r in mine if not fmt.is_missing(r["capaian_target"])]
    reached = [r for r in has if r["capaian_target"] >= 100]
    lag = sorted(has, key=lambda r: r["capaian_target"])[:2]  # (stable, as pandas sorts a few rows)
    if not has:
        parts = [f"Belum ada target indikator pendampingan untuk {ctx.unit.label} tahun {ctx.tahun} (target nasional "
                 "RAN PASTI berakhir 2024; target daerah dari RPJMD/RAD dapat ditambahkan di target.csv), jadi "
                 "statusnya belum dinilai; capaian tahunannya ada di tabel di bawah."]
    else:
        basis = _basis_phrase(has)
        parts = [f"Sepanjang {ctx.tahun}, {ctx.unit.label} mencapai target pada {len(reached)} dari {len(has)} "
                 f"indikator pendampingan yang bertarget, menurut capaian tahunan ({basis}; lihat Metode)"]
        parts[0] += (": " + ", ".join(ind.label(r["indikator"]) for r in reached)) if reached else ""
        untargeted = sum(not fmt.is_missing(r["nilai"]) for r in mine) - len(has)
        parts[0] += f"; {untargeted} indikator lain belum punya target." if untargeted > 0 else "."
    year, services = service_values(ctx)  # the year's service coverage counts with the others, on its own basis
    rated = services.dropna(subset=["capaian_target"]) if year == ctx.tahun else services.iloc[:0]
    if len(rated):
        met = int((rated["capaian_target"] >= 100).sum())
        parts.append(f"Cakupan layanan (data Aksi 6, setahun): target tercapai pada {met} dari {len(rated)} layanan "
                     f"yang bertarget; seluruhnya {len(reached) + met} dari {len(has) + len(rated)} indikator "
                     "yang bertarget.")
    for r in lag:
        if r["capaian_target"] >= 100:
            continue
        c = child[child["indikator"] == r["indikator"]].dropna(subset=["nilai"]).sort_values("nilai").head(3)
        # a lower unit's figure on another basis than this unit's says so
        where = ", ".join(f"{ctx.child_name(k)} ({fmt.percent(v, target=t, direction=a)}"
                          f"{'' if b == r['dasar'] else ', ' + b})"
                          for k, v, b, t, a in zip(c["kode"], c["nilai"], c["dasar"], c["target"], c["arah"],
                                                   strict=True))
        parts.append(f"{ind.label(r['indikator'])} paling tertinggal ({r['dasar']}): "
                     f"{fmt.percent(r['nilai'], target=r['target'], direction=r['arah'])} "
                     f"terhadap target {fmt.target(r['target'])} ({fmt.percent(r['capaian_target'], target=100)} "
                     "dari target)"
                     + (f"; terendah di {where}." if where else "."))
    aksi_year, aksi = convergence_rows(ctx)
    if aksi_year == ctx.tahun:
        done = int((aksi["status"] == "selesai").sum())
        parts.append(f"Aksi konvergensi: {done} dari {len(aksi)} selesai tahun ini.")
    tpps_year, teams = tpps_rows(ctx)
    if tpps_year == ctx.tahun:
        if ctx.kode in teams.index:
            own = teams.loc[ctx.kode]
            said = f"TPPS {ctx.unit.label}: {'ber-SK' if has_decree(own) else 'belum ber-SK'}, " \
                   f"{fmt.number(own['rapat'])} rapat"
        else:
            said = f"TPPS {ctx.unit.label}: tanpa data"
        if ctx.level == "kabupaten":
            kecamatan = kecamatan_teams(ctx, teams)
            said += f"; {decree_count(kecamatan)} dari {len(kecamatan)} TPPS kecamatan ber-SK"
        parts.append(said + ".")
    aks_year, aks = audit_rows(ctx)
    if aks_year == ctx.tahun:
        parts.append(f"Audit kasus stunting: {aks['putaran'].nunique()} putaran (dianjurkan sedikitnya "
                     f"{ROUNDS_EXPECTED}); {int((aks['status'] == 'selesai').sum())} dari {len(aks)} rekomendasi "
                     "selesai ditindaklanjuti.")
    parts.append(_change_sentence(ctx))
    missing = [r["indikator"] for r in mine if fmt.is_missing(r["nilai"])]
    if missing:
        parts.append("Tidak ada data untuk: " + ", ".join(ind.label(k) for k in missing) + ".")
    return Section(render_template("sections/summary.html.j2", text=" ".join(parts)))


def _change_sentence(ctx: Context) -> str:
    """"Dibanding 2023, capaian membaik pada 6 dari 8 indikator; KRS didampingi 78,1% → 86,3% (+8,2 poin)."
    Better means up, or down for an indicator whose direction is ``turun``."""
    frame = _indicator_rows(ctx).dropna(subset=["perubahan"])
    last = ctx.tahun - 1
    if frame.empty:
        return f"Belum ada data {last} untuk dibandingkan."
    signs = [(-1 if ind.INDICATORS[r.key].direction == "turun" else 1) * r.perubahan for r in frame.itertuples()]
    better, same = sum(v > 0 for v in signs), sum(v == 0 for v in signs)
    text = f"Dibanding {last}, capaian membaik pada {better} dari {len(frame)} indikator"
    text += f" ({same} tetap)" if same else ""
    main = frame[frame["key"] == MAIN_INDICATOR]
    if len(main):
        m = main.iloc[0]
        before = fmt.percent(m["sebelumnya"], target=m["target_sebelumnya"], direction=m["arah"])
        now = fmt.percent(m["tahunan"], target=m["target"], direction=m["arah"])
        text += (f"; {ind.label(MAIN_INDICATOR)} {before} → {now} "
                 f"({fmt.change(m['perubahan'], max(1, fmt.places(m['perubahan'])))} poin)")
    return text + "."


def band_rules(ctx: Context) -> list[dict[str, str]]:
    """Each status band of the configuration with its rule in words (a changed threshold is explained as it
    is applied), for every page's Metode."""
    bands = []
    ordered = list(ctx.config.bands)
    for n, b in enumerate(ordered):
        if n == 0:
            rule = f"capaian vs target {fmt.number(b.min)}% atau lebih"
        elif b.min == float("-inf"):
            rule = f"di bawah {fmt.number(ordered[n - 1].min)}%"
        else:
            rule = f"{fmt.number(b.min)}% sampai di bawah {fmt.number(ordered[n - 1].min)}%"
        bands.append({"label": b.label, "rule": rule})
    return bands


def method(ctx: Context) -> Section:
    """"Metode": the two bases of the annual figures and when each applies, what the December cards are, the
    status bands (from the configuration, so a changed threshold is explained as it is applied), the target rule
    and the rounding."""
    bands = band_rules(ctx)
    reach = ", ".join(i.label for i in ind.PENDAMPINGAN_INDICATORS if i.annual == "reach")
    return Section(render_template("sections/method.html.j2", tahun=ctx.tahun, bands=bands, reach=reach,
                                   always_average=_always_average(),
                                   reach_name=ctx.term_links(ind.BASIS_REACH.capitalize()),
                                   average_name=ctx.term_links(ind.BASIS_AVERAGE.capitalize())))

