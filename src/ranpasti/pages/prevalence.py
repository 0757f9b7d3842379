"""The prevalence section of every page: published survey figures, judged honestly against each year's target.

What is decided (which survey measured a year, which figure is uncertain, which target applied, met or not)
is ``facts.prevalensi``'s; here it is put in words, tables and the chart. Every figure names where it was read
("SSGI 2022, Kemenkes; via databoks.katadata.co.id"), an address from the input becoming a link only when it
is a whole http(s) address (``urls.web_address``), anything else shown as text.
"""

from __future__ import annotations

import math

import pandas as pd

from ..core import fmt
from ..core.display import Chart, Col, Section, Table, render_template
from ..facts import prevalensi as fp
from ..reference.urls import site_of, source_parts, web_address
from . import charts
from .common import empty
from .context import Context

MISSING = "—"  # a survey with no published figure for a region, in a table (said in words beside it)
LISTED = 10  # up to this many regions are named in a sentence; more are counted


def prevalence(ctx: Context) -> Section:
    """The unit's (or the nearest unit above's) survey figure for the page's year against that year's target,
    its series, the units above it in a chart, the provinces (national page) or kabupaten/kota (province page)
    side by side, and e-PPGBM kept apart."""
    prev = ctx.store.table("prevalensi")
    prev = prev[prev["tahun"].astype(int) <= ctx.tahun]
    chain = ["ID", *[u.kode for u in ctx.regions.lineage(ctx.kode)]] if ctx.level != "nasional" else ["ID"]
    names = {k: _name(ctx, k) for k in chain}
    d = prev[prev["kode_wilayah"].isin(chain)].copy()
    if d.empty:
        return Section(empty("Prevalensi stunting: tidak ada data untuk wilayah ini."))
    d["status_angka"] = fp.status_of(d)
    surveyed = d[d["sumber"].isin(fp.SURVEYS)]
    # the unit judged: this one if a survey measured it, else the nearest above (surveys do not reach kecamatan)
    subject = next((k for k in reversed(chain) if k in set(surveyed["kode_wilayah"])), ctx.own_code)
    # what is the same on every page of a kabupaten for the year (the series, the chart of the units from the
    # kabupaten up) is made once for them all: a kecamatan page adds only its own sentence and e-PPGBM figures
    upper = chain if ctx.level != "kecamatan" or subject == ctx.kode else chain[:-1]

    def shared() -> tuple[pd.DataFrame, list[str], Table, Chart | Table]:
        by_year = fp.series(prev, ctx.targets, subject, ctx.tahun)
        above = d[d["kode_wilayah"].isin(upper)]
        figures = (_chart(ctx, above, names, by_year) if (above["sumber"].isin(fp.SURVEYS)).any()
                   else _figures_table(above, names))
        return by_year, _target_words(ctx, by_year), _series_table(names[subject], by_year), figures

    by_year, notes, series_table, figures = (
        ctx._kabupaten_wide(("prevalensi", ctx.tahun, tuple(upper), subject), shared)
        if ctx.level in ("kabupaten", "kecamatan") else shared())
    out = Section(render_template("sections/prevalence_lead.html.j2",
                                  lead=_verdict(ctx, subject, names, by_year), notes=notes),
                  series_table, figures)
    if ctx.level in ("nasional", "provinsi"):
        out.extend(_regions(ctx, prev))
    admin = d[d["sumber"] == "e-PPGBM"].sort_values(["kode_wilayah", "tahun"])
    if not admin.empty:
        out.append(render_template("sections/eppgbm_note.html.j2", rows="; ".join(
            f"{names[r.kode_wilayah]} {r.tahun}: {fmt.percent(r.prevalensi, 2)}"
            + (" (data contoh, sintetis)" if r.status_angka == "sintetis" else "") for r in admin.itertuples())))
    return out


# ---------------------------------------------------------------- words


def _name(ctx: Context, kode: str) -> str:
    return "Indonesia" if kode == "ID" else ctx.regions.unit(kode).label


def _target_scope(ctx: Context, wilayah: str) -> str:
    return "target nasional" if wilayah in ("ID", "") else f"target {_name(ctx, wilayah)}"


def _judged(ctx: Context, row: pd.Series) -> str:
    """"SSGI 2024: 15,9%, target nasional 2024 14%: belum tercapai" for a figure judged against its year's."""
    return (f"{row['sumber']} {row['tahun']}: {fmt.percent(row['prevalensi'])}, "
            f"{_target_scope(ctx, row['wilayah_target'])} {row['tahun']} {fmt.target(row['target'])}: "
            f"{row['status']}")


def _verdict(ctx: Context, subject: str, names: dict[str, str], by_year: pd.DataFrame) -> str:
    """One sentence on the page's year: that year's figure against that year's target, or why it cannot be
    judged (no survey that year, no figure published for the unit, an uncertain copy), then the latest figure
    that was judged."""
    name, year = names[subject], ctx.tahun
    row = by_year[by_year["tahun"] == year].iloc[0]
    lead = "" if subject == ctx.own_code else (
        f"Survei SSGI/SKI tidak mengukur {names[ctx.own_code]}; angka yang dinilai adalah angka {name}. ")
    status = row["status"]
    if status in (fp.MET, fp.NOT_MET):
        return f"{lead}Prevalensi stunting {name} menurut {_judged(ctx, row)}."
    if status == fp.NO_TARGET:
        return (f"{lead}Prevalensi stunting {name} menurut {row['sumber']} {year}: "
                f"{fmt.percent(row['prevalensi'])}; tidak ada target prevalensi untuk {year}.")
    if status == fp.UNCERTAIN_FIGURE:
        now = (f"{lead}Angka {row['sumber']} {year} untuk {name} ({fmt.percent(row['prevalensi'])}) ambigu di "
               "sumbernya, jadi tidak dinilai dan tidak digambar.")
    elif status == fp.NO_FIGURE:
        now = f"{lead}Tidak ada angka terbit untuk {name} pada {row['sumber']} {year}."
    else:
        target = "" if math.isnan(row["target"]) else (
            f"; {_target_scope(ctx, row['wilayah_target'])} {year}: {fmt.target(row['target'])}")
        now = f"{lead}{year}: tidak ada survei prevalensi stunting (SSGI/SKI) tahun ini{target}."
    earlier = by_year[(by_year["tahun"] < year) & by_year["status"].isin([fp.MET, fp.NOT_MET])]
    if earlier.empty:
        return now
    return f"{now} Angka survei terakhir yang dinilai: {_judged(ctx, earlier.iloc[-1])}."


def _target_words(ctx: Context, by_year: pd.DataFrame) -> list[str]:
    """Each year's target in words, and a change of plan said as one (never left to a line to suggest)."""
    notes = []
    scopes = {w for w in by_year["wilayah_target"] if w}
    scope = _target_scope(ctx, scopes.pop()) if len(scopes) == 1 else "target"
    listed = "; ".join(f"{r.tahun}: {fmt.target(r.target)}" if not math.isnan(r.target) else
                       f"{r.tahun}: tidak ada target" for r in by_year.itertuples())
    notes.append(f"Setiap tahun dinilai terhadap targetnya sendiri ({scope.removeprefix('target ')}): {listed}.")
    for c in fp.target_changes(by_year):
        notes.append(f"Target berubah pada {c['tahun']}: {fmt.target(c['target'])} ({c['sumber']}), lebih tinggi "
                     f"daripada target {c['sebelum_tahun']} ({fmt.target(c['sebelum'])}, {c['sebelum_sumber']}). "
                     f"Target {c['tahun']} ditetapkan oleh rencana yang baru; grafik menggambar target tiap tahun "
                     "sendiri-sendiri, tidak sebagai garis yang naik.")
    return notes


def _credit(sumber: str, tahun: int, rujukan: str, status: str) -> tuple[tuple[str, str | None], ...]:
    """"SSGI 2022, Kemenkes; via <databoks.katadata.co.id>": the survey credited, then each page it was read
    from, a whole http(s) address as a link (its site as the text), anything else as text."""
    if status == "sintetis":
        return (("data contoh (sintetis)", None),)
    who = f"{sumber} {tahun}, Kemenkes" if sumber in fp.SURVEYS else sumber
    parts: list[tuple[str, str | None]] = [(who, None)]
    for i, part in enumerate(source_parts(rujukan)):
        parts.append(("; via " if i == 0 else ", ", None))
        address = web_address(part)
        parts.append((site_of(address), address) if address else (part, None))
    return tuple(parts)


# ---------------------------------------------------------------- tables and chart


def _series_table(name: str, by_year: pd.DataFrame) -> Table:
    t = by_year.copy()
    t["survei"] = t["sumber"].where(t["sumber"] != "", fp.NO_SURVEY)
    t["angka"] = [fmt.percent(v) if not math.isnan(v) else MISSING for v in t["prevalensi"]]
    t["target"] = t["target"].astype(object).where(t["target"].notna(), "tidak ada target")
    t["catatan"] = [", ".join(x for x in (k, n) if x) for k, n in zip(t["keterangan"], t["catatan_wilayah"],
                                                                       strict=True)]
    t["rujukan_sumber"] = [_credit(s, y, r, a) if s and a else (("", None),) for s, y, r, a in
                           zip(t["sumber"], t["tahun"], t["rujukan"], t["status_angka"], strict=True)]
    return Table(t, [Col("tahun", "Tahun"), Col("survei", "Survei"),
                     Col("angka", "Prevalensi", "num", download="prevalensi"),
                     Col("target", "Target tahun itu", "target"), Col("status", "Penilaian"),
                     Col("sumber_target", "Sumber target"), Col("rujukan_sumber", "Sumber angka", "links"),
                     Col("catatan", "Catatan")],
                 name="prevalensi-tahunan",
                 caption=f"Prevalensi stunting balita {name} per tahun, terhadap target tahun itu",
                 note="Penilaian memakai angka sebelum dibulatkan; makin rendah makin baik. SKI 2023 adalah "
                      "survei lain dari SSGI, jadi angkanya tidak sepenuhnya sebanding.")


def _figures_table(d: pd.DataFrame, names: dict[str, str]) -> Table:
    """Every figure of the unit and the units above, with its source: the chart's numbers and more."""
    t = d.sort_values(["kode_wilayah", "tahun", "sumber"]).copy()
    t["wilayah"] = t["kode_wilayah"].map(names)
    t["catatan"] = [", ".join(x for x in (_text(k), fp.split_note(w, int(y)),
                                          "angka ambigu: tidak digambar, tidak dinilai" if a == fp.UNCERTAIN else "")
                              if x)
                    for k, w, y, a in zip(_column(t, "keterangan"), t["kode_wilayah"], t["tahun"], t["status_angka"],
                                          strict=True)]
    t["angka"] = [f"{fmt.number(v, 2 if s == 'e-PPGBM' else 1)}" + (" (ambigu)" if a == fp.UNCERTAIN else "")
                  for v, s, a in zip(t["prevalensi"], t["sumber"], t["status_angka"], strict=True)]
    t["rujukan_sumber"] = [_credit(s, int(y), _text(r), a) for s, y, r, a in
                           zip(t["sumber"], t["tahun"], _column(t, "rujukan"), t["status_angka"], strict=True)]
    return Table(t, [Col("wilayah", "Wilayah"), Col("tahun", "Tahun"), Col("sumber", "Sumber"),
                     Col("angka", "Prevalensi (%)", "num", 2, download="prevalensi"),  # e-PPGBM has two places
                     Col("rujukan_sumber", "Rujukan", "links"),
                     Col("catatan", "Catatan")],
                 name="prevalensi", caption="Prevalensi stunting balita menurut sumber, dengan rujukannya")


def _chart(ctx: Context, d: pd.DataFrame, names: dict[str, str], by_year: pd.DataFrame) -> Chart:
    """Only what may be drawn as fact: survey figures whose copy is certain; each year's target a mark."""
    surveyed = d[d["sumber"].isin(fp.SURVEYS)]
    drawn = surveyed[surveyed["status_angka"] == "terbit"].assign(
        wilayah=lambda f: f["kode_wilayah"].map(names)).sort_values(["kode_wilayah", "tahun"])
    left_out = surveyed[surveyed["status_angka"] == fp.UNCERTAIN]
    targets = {int(y): float(v) for y, v in zip(by_year["tahun"], by_year["target"], strict=True) if not math.isnan(v)}
    scopes = {w for w in by_year["wilayah_target"] if w}
    scope = _target_scope(ctx, scopes.pop()) if len(scopes) == 1 else "target"
    said = ("Tanda hitam pendek: " + scope + " tiap tahun, masing-masing untuk tahunnya sendiri ("
            + "; ".join(f"{y}: {fmt.target(v)}" for y, v in sorted(targets.items())) + "). ") if targets else ""
    gaps = [str(y) for y, s in zip(by_year["tahun"], by_year["status"], strict=True) if s == fp.NO_SURVEY]
    no_survey = f"Tidak ada survei pada {', '.join(gaps)}. " if gaps else ""
    unsure = ("Tidak digambar karena angkanya ambigu di sumber: " + "; ".join(
        f"{names[r.kode_wilayah]} {r.sumber} {r.tahun} ({fmt.percent(r.prevalensi)})" for r in left_out.itertuples())
        + ". ") if not left_out.empty else ""
    return Chart(charts.prevalence(drawn, "Prevalensi stunting balita (survei)", targets,
                                   years=tuple(int(y) for y in by_year["tahun"]),
                                   target_name=scope[:1].upper() + scope[1:]),
                 name="prevalensi", title="Prevalensi stunting balita (survei SSGI/SKI)",
                 description=f"{said}{no_survey}SKI 2023 adalah survei yang berbeda dari SSGI: titiknya tidak "
                             f"disambung dengan garis SSGI, dan garis titik-titik di 2023 menandai pergantian "
                             f"survei. {unsure}".strip(),
                 key=(f"tanda hitam pendek: {scope} tiap tahun; " if targets else "")
                 + "garis titik-titik di 2023: SKI, survei lain",
                 table=_figures_table(d, names))


def _regions(ctx: Context, prev: pd.DataFrame) -> list:
    """The provinces (national page), or the province and those of its kabupaten/kota with a published figure
    (province page: most have none, named in a sentence instead of rows of dashes), side by side with every
    survey a column, and in words which have no published figure for which survey."""
    labels = [fp.survey_label(y, n) for y, n in fp.surveys(prev) if y <= ctx.tahun]
    if not labels:
        return []
    said = []
    if ctx.level == "nasional":
        what, head = "provinsi", "Provinsi"
        units = list(ctx.regions.provinsi.index)
        wide = fp.by_region(prev, units, ctx.tahun)
    else:
        what, head = "kabupaten/kota", "Wilayah"
        children = list(ctx.regions.children(ctx.kode).index)
        wide = fp.by_region(prev, [ctx.kode, *children], ctx.tahun)
        none = [k for k, n in zip(wide["kode"], wide[labels].notna().sum(axis=1), strict=True)
                if k != ctx.kode and n == 0]
        units = [k for k in children if k not in none]
        wide = wide[~wide["kode"].isin(none)]
        if none:
            said.append(f"Tidak ada angka terbit sama sekali untuk {len(none)} dari {len(children)} {what} di "
                        f"provinsi ini ({_names(ctx, none) if len(none) <= 2 * LISTED else 'tidak dicantumkan'}); "
                        "mereka tidak ada di tabel.")
    by_who: dict[str, list[str]] = {}
    for label, without in fp.missing(wide[wide["kode"].isin(units)], labels).items():
        if not without:
            continue
        if len(without) == len(units) and len(units) > 2:
            who = f"semua {len(units)} {what}" if ctx.level == "nasional" else f"semua {what} itu"
        elif len(without) <= LISTED:
            who = _names(ctx, without)
        elif len(units) - len(without) <= LISTED:
            who = f"semua {what} kecuali {_names(ctx, [k for k in units if k not in without])}"
        else:
            who = f"{len(without)} dari {len(units)} {what} (tanda {MISSING} di tabel)"
        by_who.setdefault(who, []).append(label)
    if by_who:
        clauses = [f"untuk {who} pada {_and(found)}" for who, found in by_who.items()]
        said.append("Tidak ada angka terbit " + "; ".join(clauses) + ".")
    elif units:
        said.append(f"Setiap {what} di tabel punya angka terbit untuk setiap survei.")
    t = wide.copy()
    t["nama"] = [ctx.regions.unit(k).nama if ctx.level == "nasional" else _name(ctx, k) for k in t["kode"]]
    for label in labels:  # the figure as published for the downloads, in words and marks for the page
        t[f"{label} (angka)"] = t[label]
        t[label] = [MISSING if math.isnan(v) else fmt.percent(v) + (" (ambigu)" if label in a.split(", ") else "")
                    for v, a in zip(t[label], t["ambigu"], strict=True)]
    t["catatan"] = [", ".join(x for x in (w, f"angka ambigu di sumbernya: {a}" if a else "") if x)
                    for w, a in zip(t["catatan_wilayah"], t["ambigu"], strict=True)]
    cols = [Col("nama", head), *[Col(label, label, "num", download=f"{label} (angka)") for label in labels],
            Col("catatan", "Catatan")]
    table = Table(t, cols,
                  name="prevalensi-wilayah",
                  caption=f"Prevalensi stunting balita per {what} menurut survei (angka terbit)",
                  note=f"{MISSING}: tidak ada angka terbit yang ditemukan untuk survei itu. SKI 2023 adalah survei "
                       "lain dari SSGI. Sumber: SSGI/SKI, Kemenkes, lewat halaman yang disebut di data "
                       "(kolom rujukan prevalensi.csv).")
    return [render_template("sections/prevalence_lead.html.j2", lead=said[0], notes=said[1:]), table]


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " dan " + words[-1]


def _names(ctx: Context, codes: list[str]) -> str:
    return _and([ctx.regions.unit(k).nama for k in codes])


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _column(t: pd.DataFrame, name: str) -> list:
    """An optional input column's values (an old file may not have it)."""
    return list(t[name]) if name in t else [""] * len(t)
