"""Sections of the evaluation pages of the nation and of each province (``evaluasi-<tahun>/`` at the root and
under ``provinsi-*/``): every kabupaten/kota with data in the unit, side by side for the year.

Why a page of its own: each kabupaten's verdict uses its own targets and basis (Musi Rawas its own targets and
reach, Musi Banyuasin the province's targets for some indicators, Pesisir Barat none and the monthly average),
so "6 dari 7" on one page and "3 dari 4" on another cannot be compared without a view that sets them together
and says, per row, on which basis and against whose target each figure stands.

One figure per kabupaten, indicator and year, and it is the figure that kabupaten's own evaluation page shows:
``Context.annual("kabupaten")`` (reach where the kabupaten's jangkauan is complete, else the monthly average,
from the facts), against the target that applies to it (its own, else its province's, else the national one:
``wilayah_target``), shown by the one display rule (``fmt.shown``). Kabupaten totals are never masked (the
disclosure decision masks desa and kecamatan figures only), so no masked figure can appear here. Rankings are
made only among kabupaten on the same basis. The unit's coverage is said in words: the figures cover the
kabupaten/kota whose data came in, never "Indonesia" or the whole province.

Sections select rows and format them; the figures are the facts'.
"""

from __future__ import annotations

import pandas as pd

from ..core import fmt
from ..core.display import Bar, BarTable, Col, Section, Table, render_template
from ..core.frames import records
from ..reference import indicators as ind
from ..reference.config import NO_DATA_BAND, NO_TARGET_BAND
from ..reference.regions import ancestor
from .common import band_domain
from .context import MAIN_INDICATOR, Context, memoised
from .evaluation import band_rules

# the indicators set side by side over three years: the headline (families at risk) and the two ends of the
# first 1,000 days the programme follows (brides-to-be before, children under two after)
THREE_YEAR_INDICATORS = (MAIN_INDICATOR, "catin_didampingi", "baduta_didampingi")
KAMPUNG_BASIS = "akhir tahun"  # Kampung KB: desa with one formed by the end of the year (as the kabupaten page)
YEARS_SHOWN = 3


def _keys() -> list[str]:
    """Every indicator a kabupaten's evaluation table shows: the pendampingan ones, then Kampung KB."""
    return [i.key for i in ind.PENDAMPINGAN_INDICATORS] + ["kampung_kb"]


def _region_word(ctx: Context, kode: str, short: bool = False) -> str:
    """Whose target: "kabupaten/kota sendiri", the province (by name, or ``short``: "provinsi", where the row
    names its province already), or "nasional"."""
    if not kode:
        return ""
    if kode == "ID":
        return "nasional"
    if len(kode) == 2:
        return "provinsi" if short else ctx.regions.unit(kode).label
    return "sendiri" if short else "kabupaten/kota sendiri"


def _coverage(ctx: Context) -> tuple[int, int]:
    """(kabupaten/kota with data in the unit, kabupaten/kota the unit has)."""
    return len(ctx.reporting_kabupaten()), ctx.all_kabupaten()


def coverage_sentence(ctx: Context) -> str:
    """"3 kabupaten/kota dengan data dari 514 kabupaten/kota di Indonesia": what every figure here covers."""
    n, total = _coverage(ctx)
    where = "di Indonesia" if ctx.level == "nasional" else f"di {ctx.unit.label}"
    return (f"{fmt.number(n)} kabupaten/kota dengan data dari {fmt.number(total)} kabupaten/kota {where}; "
            "kabupaten/kota lain belum mengirim data dan tidak dinilai di sini.")


@memoised
def _year_rows(ctx: Context, tahun: int) -> pd.DataFrame:
    """Every kabupaten/kota with data in the unit × indicator in ``tahun``: the figure, basis, target, region of
    the target and status its own evaluation page shows (pendampingan from the facts, Kampung KB at the end of
    the year). A kabupaten without a figure for an indicator has a row with no value ("Tidak ada data").
    Shared: not to be modified."""
    cols = ["kode", "indikator", "nilai", "dasar", "target", "arah", "sumber_target", "wilayah_target",
            "capaian_target", "band", "warna"]
    frames = [ctx.annual("kabupaten", tahun)[cols]]
    keys = [i.key for i in ind.PENDAMPINGAN_INDICATORS]
    if tahun == ctx.tahun:  # Kampung KB as the page's year ends (earlier years: the main indicators only)
        frames.append(ctx.kampung("kabupaten", tahun).assign(dasar=KAMPUNG_BASIS)[cols])
        keys = _keys()
    found = {(r["kode"], r["indikator"]): r for r in records(pd.concat(frames))}
    rows = []
    for kode in ctx.reporting_kabupaten():
        for key in keys:
            r = found.get((kode, key))
            if r is None or fmt.is_missing(r["nilai"]):
                r = {"kode": kode, "indikator": key, "nilai": float("nan"), "dasar": "",
                     "target": float("nan") if r is None else r["target"],
                     "arah": ind.INDICATORS[key].direction, "sumber_target": "" if r is None else r["sumber_target"],
                     "wilayah_target": "" if r is None else r["wilayah_target"], "capaian_target": float("nan"),
                     "band": NO_DATA_BAND.label, "warna": NO_DATA_BAND.color}
            rows.append(dict(r))
    frame = pd.DataFrame(rows, columns=cols)
    frame["target"] = frame["target"].astype("float64")
    return frame


def _name(ctx: Context, kode: str) -> str:
    return ctx.regions.unit(kode).label


def _link(ctx: Context, kode: str) -> tuple[str, str]:
    """A kabupaten's name, linking to its evaluation page of the same year."""
    return (_name(ctx, kode), ctx.link(kode, "evaluasi"))


def header(ctx: Context) -> Section:
    """The page title, the year and what the figures cover, the sample-data warning and the staff note."""
    name = "ringkasan nasional" if ctx.level == "nasional" else ctx.unit.label
    period = (f"Capaian tahunan Januari–Desember {ctx.tahun} setiap kabupaten/kota dengan data, terhadap target "
              f"yang berlaku baginya. {coverage_sentence(ctx)}")
    return Section(render_template("sections/header.html.j2", kicker=f"Evaluasi RAN PASTI tahun {ctx.tahun}",
                                   title=f"Evaluasi {ctx.tahun} — {name}", period=period, sample=ctx.config.sample,
                                   catatan=ctx.catatan, document=ctx.document, verdict=""))


def _counts(ctx: Context) -> tuple[list[str], list[str], list[dict]]:
    """Per indicator, how many kabupaten/kota are in each status (band labels, colours, one dict per indicator
    with ``label`` and a count per band)."""
    domain, colors = band_domain(ctx)
    rows = _year_rows(ctx, ctx.tahun)
    out = []
    for key in _keys():
        bands = rows.loc[rows["indikator"] == key, "band"]
        counts = {f"b{n}": int((bands == b).sum()) for n, b in enumerate(domain)}
        out.append({"key": key, "label": ind.label(key), **counts, "jumlah": len(bands)})
    return domain, colors, out


def _count_words(domain: list[str], row: dict) -> str:
    """"Tercapai: 2, Hampir tercapai: 1" (the statuses that occur, in the bands' order)."""
    return ", ".join(f"{b}: {fmt.number(row[f'b{n}'])}" for n, b in enumerate(domain) if row[f"b{n}"])


def summary(ctx: Context) -> Section:
    """The year in a few sentences: the coverage, then per indicator how many kabupaten/kota reached their target
    and which were furthest from it."""
    n, _ = _coverage(ctx)
    if not n:
        return Section(render_template("sections/summary.html.j2",
                                       text=f"Belum ada kabupaten/kota dengan data di {ctx.unit.label}."))
    domain, _, counts = _counts(ctx)
    parts = [coverage_sentence(ctx).rstrip(".") + "."]
    main = next(c for c in counts if c["key"] == MAIN_INDICATOR)
    parts.append(f"{ind.label(MAIN_INDICATOR)} {ctx.tahun}: {_count_words(domain, main)}.")
    rows = _year_rows(ctx, ctx.tahun)
    rated = rows.dropna(subset=["capaian_target"])
    met = int((rated["capaian_target"] >= 100).sum())
    parts.append(f"Semua indikator dihitung: {fmt.number(met)} dari {fmt.number(len(rated))} angka kabupaten/kota "
                 "yang bertarget mencapai targetnya (satu angka per kabupaten/kota dan indikator).")
    untargeted = rows[rows["band"] == NO_TARGET_BAND.label]
    if len(untargeted):
        parts.append(f"{fmt.number(len(untargeted))} angka belum punya target tahun {ctx.tahun} (tidak ada target "
                     "kabupaten/kota, provinsi maupun nasional), jadi belum dinilai.")
    bases = rows[rows["indikator"] == MAIN_INDICATOR]["dasar"]
    if bases.nunique() > 1:
        parts.append("Dasar capaian tahunan berbeda antarkabupaten/kota (kolom Dasar), jadi peringkat dibuat "
                     "hanya di antara kabupaten/kota dengan dasar yang sama.")
    return Section(render_template("sections/summary.html.j2", text=" ".join(parts)))


def status_counts(ctx: Context) -> Section:
    """How many kabupaten/kota are in each status, per indicator: "Tercapai: 2, Hampir tercapai: 1, …", as a
    table whose bar stacks the statuses."""
    domain, colors, counts = _counts(ctx)
    frame = pd.DataFrame(counts)
    frame["teks"] = [_count_words(domain, r) for r in counts]
    n = len(ctx.reporting_kabupaten())
    # the statuses no indicator has are left out (said in the note): on a phone each indicator is a card with a
    # line per column, and six lines of which four read 0 hid the two that matter
    shown = [i for i, _ in enumerate(domain) if i == 0 or any(r[f"b{i}"] for r in counts)]
    keys = tuple(f"b{i}" for i in shown)
    cols = [Col("label", "Indikator"), *(Col(f"b{i}", domain[i], "int") for i in shown),
            Col("jumlah", "Kabupaten/kota", "int")]
    absent = [domain[i] for i in range(len(domain)) if i not in shown]
    return Section(BarTable(frame, cols, name="status-kabupaten",
                            caption=f"Status kabupaten/kota per indikator, {ctx.tahun} ({fmt.number(n)} "
                                    "kabupaten/kota dengan data)",
                            bars={"jumlah": Bar(keys=keys, colors=tuple(colors[i] for i in shown),
                                                full=float(n) or None)},
                            note="Batang: kabupaten/kota menurut status. Setiap kabupaten/kota dinilai pada "
                                 "capaian tahunan dan dasar yang tertulis di halaman evaluasinya sendiri, terhadap "
                                 "target yang berlaku baginya (lihat Metode)."
                                 + (f" Tidak ada kabupaten/kota berstatus {', '.join(absent)}." if absent else "")))


def _target_words(ctx: Context, row: dict, short: bool = False) -> str:
    if fmt.is_missing(row["target"]):
        return "tidak ada target"
    return _region_word(ctx, str(row["wilayah_target"]), short)


def ranking(ctx: Context) -> Section:
    """The kabupaten/kota ranked on the headline indicator for the year, each against its own target, ranked
    only among those on the same basis (the basis with more kabupaten/kota first), linking to their evaluation
    pages."""
    rows = _year_rows(ctx, ctx.tahun)
    main = rows[rows["indikator"] == MAIN_INDICATOR].copy()
    if main.empty:
        return Section()
    has = main["nilai"].notna()
    sizes = main.loc[has, "dasar"].value_counts()
    order = {b: n for n, b in enumerate(sorted(sizes.index, key=lambda b: (-sizes[b], b)))}
    main["_grup"] = main["dasar"].map(order).fillna(len(order))
    direction = ind.INDICATORS[MAIN_INDICATOR].direction
    main["_v"] = main["nilai"] if direction != "turun" else -main["nilai"]
    main = main.sort_values(["_grup", "_v", "kode"], ascending=[True, False, True])
    ranks = pd.Series(float("nan"), index=main.index)
    for basis in order:  # ranked within one basis only (issue 33: never beside a figure on another basis)
        on = has & (main["dasar"] == basis)
        ranks[on] = main.loc[on, "_v"].rank(ascending=False, method="min")
    main["peringkat"] = [f"{int(r)} dari {int(sizes[b])}" if r == r else "—"
                         for r, b in zip(ranks, main["dasar"], strict=True)]
    main["nama"] = [_link(ctx, k) for k in main["kode"]]
    main["dasar_teks"] = main["dasar"].replace("", fmt.NO_DATA)
    plain = records(main)
    sources = list(dict.fromkeys(v for v in main["sumber_target"] if v))
    # one column for the target, whose it is and its source (a reference; the source's text under the table and
    # in the downloads): four columns made the table scroll sideways at 1280 px
    refs = [f" [{sources.index(r['sumber_target']) + 1}]" if r["sumber_target"] else "" for r in plain]
    main["target_teks"] = [f"{fmt.target(r['target'])}, {_target_words(ctx, r, short=True)}{ref}"
                           if not fmt.is_missing(r["target"]) else "tidak ada target"
                           for r, ref in zip(plain, refs, strict=True)]
    main["target_unduh"] = [f"{fmt.target(r['target'])}; target {_target_words(ctx, r)}; {r['sumber_target']}"
                            if not fmt.is_missing(r["target"]) else "tidak ada target" for r in plain]
    label = ind.label(MAIN_INDICATOR)
    cols = [Col("nama", "Kabupaten/kota", "link")]  # (its province: in the table of bases and targets below)
    # short texts as the numeric kinds set them (no wrap, no 14rem text column each): five text columns made
    # the national ranking scroll sideways at 1280 px
    cols += [Col("peringkat", "Peringkat", "int"),
             Col("nilai", f"{label} {ctx.tahun}", "pct", target="target", direction="arah"),
             Col("dasar_teks", "Dasar"), Col("band", "Status", "band"),
             Col("target_teks", "Target", "target", download="target_unduh")]
    listed = " ".join(f"[{n}] {v}." for n, v in enumerate(sources, 1))
    return Section(BarTable(
        main, cols, name="peringkat-kabupaten",
        caption=f"Peringkat kabupaten/kota menurut {label}, capaian tahunan {ctx.tahun}",
        bars={"nilai": Bar(color_key="warna")},
        note=f"Batang: {label} (0–100%), warna menurut status terhadap target kabupaten/kota itu. Peringkat "
             "dibuat hanya di antara kabupaten/kota dengan dasar yang sama (jangkauan setahun dan rata-rata "
             "bulanan tidak sebanding): \"1 dari 2\" adalah urutan di antara kabupaten/kota dengan dasar itu. Target: "
             "target kabupaten/kota sendiri bila ada, lalu provinsinya, lalu nasional."
             + (f" Sumber target: {listed}" if listed else "")))


def _row_targets(ctx: Context, rows: list[dict]) -> str:
    """Whose targets a kabupaten's indicators stand against, grouped: "kabupaten/kota sendiri: semua" or
    "Provinsi Sumatera Selatan: KRS didampingi, …; tidak ada target: Catin didampingi, …"."""
    groups: dict[str, list[str]] = {}
    for r in rows:
        if fmt.is_missing(r["nilai"]) and fmt.is_missing(r["target"]):
            continue
        groups.setdefault(_target_words(ctx, r), []).append(ind.label(r["indikator"]))
    if len(groups) == 1:
        return f"{next(iter(groups))}: semua indikator"
    return "; ".join(f"{who}: {', '.join(labels)}" for who, labels in groups.items())


def _row_basis(rows: list[dict]) -> str:
    """One kabupaten's basis across its reach indicators (Kampung KB and the monthly-only ones aside)."""
    reach = {i.key for i in ind.PENDAMPINGAN_INDICATORS if i.annual == "reach"}
    bases = [r["dasar"] for r in rows if r["indikator"] in reach and r["dasar"]]
    if not bases:
        return fmt.NO_DATA
    if len(set(bases)) == 1:
        return bases[0]
    average = [ind.label(r["indikator"]) for r in rows if r["indikator"] in reach and r["dasar"] == ind.BASIS_AVERAGE]
    return f"{ind.BASIS_REACH}; {ind.BASIS_AVERAGE}: {', '.join(average)}"


def rapor(ctx: Context) -> Section:
    """Every kabupaten/kota × every indicator for the year, each cell the figure its own evaluation page shows,
    coloured by its status, with the row's basis and whose targets apply."""
    rows = _year_rows(ctx, ctx.tahun)
    keys = _keys()
    by_kab: dict[str, list[dict]] = {}
    for r in records(rows):
        by_kab.setdefault(r["kode"], []).append(r)
    out = []
    for kode, items in by_kab.items():
        record: dict = {"nama": _link(ctx, kode), "dasar": _row_basis(items), "target_dari": _row_targets(ctx, items)}
        for r in items:
            k = r["indikator"]
            record.update({k: r["nilai"], f"warna_{k}": r["warna"], f"band_{k}": r["band"],
                           f"target_{k}": r["target"], f"arah_{k}": r["arah"]})
        out.append(record)
    frame = pd.DataFrame(out)
    cols = [Col("nama", "Kabupaten/kota", "link")]
    cols += [Col(k, ind.label(k), "pctband", target=f"target_{k}", direction=f"arah_{k}") for k in keys]
    always = ", ".join(i.label for i in ind.PENDAMPINGAN_INDICATORS if i.annual != "reach")
    figures = Table(frame, cols, name="rapor-kabupaten",
                    caption=f"Rapor capaian tahunan {ctx.tahun} setiap kabupaten/kota (warna = status terhadap "
                            "target yang berlaku baginya)",
                    note="Setiap angka sama dengan angka di halaman evaluasi kabupaten/kota itu; dasar dan target "
                         "setiap kabupaten/kota ada di tabel berikut.")
    # the basis and whose targets in a table of their own: beside nine figures they made the rapor scroll
    # sideways at 1280 px and its rows many lines tall; on the nation's page each kabupaten's province too
    where = []
    if ctx.level == "nasional":
        frame["provinsi"] = [ctx.regions.unit(ancestor(k, "provinsi")).nama for k in by_kab]
        where = [Col("provinsi", "Provinsi")]
    basis = Table(frame, [Col("nama", "Kabupaten/kota", "link"), *where, Col("dasar", "Dasar"),
                          Col("target_dari", "Target dari")], name="rapor-dasar-target",
                  caption=f"Dasar capaian tahunan dan target yang berlaku, {ctx.tahun}",
                  note="Dasar: jangkauan setahun atau rata-rata bulanan (lihat Metode)"
                       + (f"; {always} selalu rata-rata bulanan, Kampung KB: desa dengan Kampung KB pada akhir "
                          "tahun" if always else "")
                       + ". Target dari: target kabupaten/kota sendiri bila ada, lalu provinsi, lalu nasional; "
                         "\"tidak ada target\": belum dinilai.")
    return Section(figures, basis)


def three_years(ctx: Context) -> Section:
    """The main indicators over the page's year and the two before it, each year's figure as that year's
    evaluation page shows it (its basis, its year's target and status), so a change of target or basis is
    visible rather than hidden in one line. One row per kabupaten/kota and indicator, a column per year: nine
    columns of figures scrolled sideways at 1280 px."""
    years = [y for y in range(ctx.tahun - YEARS_SHOWN + 1, ctx.tahun + 1) if y >= _first_year(ctx)]
    per_year = {y: {(r["kode"], r["indikator"]): r for r in records(_year_rows(ctx, y))} for y in years}
    out = []
    for kode in ctx.reporting_kabupaten():
        for key in THREE_YEAR_INDICATORS:
            record: dict = {"nama": _link(ctx, kode), "indikator": ind.label(key)}
            bases = []
            for y in years:
                r = per_year[y].get((kode, key))
                c = f"y{y}"
                record.update({c: r["nilai"] if r else float("nan"), f"warna_{c}": r["warna"] if r else None,
                               f"band_{c}": r["band"] if r else NO_DATA_BAND.label,
                               f"target_{c}": r["target"] if r else float("nan"),
                               f"arah_{c}": r["arah"] if r else "naik"})
                bases.append((y, r["dasar"] if r and r["dasar"] else fmt.NO_DATA))
            if len({b for _, b in bases}) == 1:
                record["dasar"] = bases[0][1]
            else:
                record["dasar"] = "; ".join(f"{y}: {b}" for y, b in bases)
            record["target"] = "; ".join(f"{y}: {fmt.target(per_year[y][(kode, key)]['target'])}"
                                         if (kode, key) in per_year[y]
                                         and not fmt.is_missing(per_year[y][(kode, key)]["target"])
                                         else f"{y}: tidak ada" for y in years)
            out.append(record)
    frame = pd.DataFrame(out)
    cols = [Col("nama", "Kabupaten/kota", "link"), Col("indikator", "Indikator")]
    cols += [Col(f"y{y}", str(y), "pctband", target=f"target_y{y}", direction=f"arah_y{y}") for y in years]
    cols += [Col("target", "Target tiap tahun"), Col("dasar", "Dasar")]
    first = years[0]
    said = f"{first}–{ctx.tahun}" if len(years) > 1 else str(first)
    note = ("Setiap tahun seperti di halaman evaluasi tahun itu: dasarnya, target tahun itu dan statusnya (warna). "
            "Target bisa berubah antartahun, jadi status yang berubah belum tentu berarti capaian berubah.")
    if ctx.tahun - first + 1 < YEARS_SHOWN:
        note += f" Data sebelum {first} tidak ada."
    return Section(Table(frame, cols, name="tiga-tahun",
                         caption=f"Indikator utama {said} setiap kabupaten/kota (warna = status terhadap target "
                                 "tahun itu)", note=note))


def _first_year(ctx: Context) -> int:
    months = ctx.store.months()
    return int(months[0][:4]) if months else ctx.tahun


def method(ctx: Context) -> Section:
    """"Metode": the basis, the target rule, the status bands (from the configuration), the ranking rule, the
    rounding and what the figures cover."""
    bands = band_rules(ctx)
    n, total = _coverage(ctx)
    return Section(render_template("sections/overview_method.html.j2", tahun=ctx.tahun, bands=bands,
                                   reach_name=ind.BASIS_REACH, average_name=ind.BASIS_AVERAGE,
                                   n=fmt.number(n), total=fmt.number(total),
                                   where="Indonesia" if ctx.level == "nasional" else ctx.unit.label))
