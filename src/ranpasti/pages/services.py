"""Service coverage (cakupan layanan): the specific and sensitive interventions of Perpres 72/2021 Lampiran A
as staff keep them in the Aksi-6 "data cakupan layanan" (``cakupan_layanan.csv``, one row per desa per year).

An optional input: without it a page says in one line that the data is not yet provided, never 0%. Figures
are Σ served ÷ Σ sasaran over the unit's desa for one year (the page's year on an evaluation page, the latest
year up to the page's on a progress page), against the year's target where one is set (``target.csv``,
declared in ``indikator.yml``), in the evaluator's order: the verdict, then the figures against target.
"""

from __future__ import annotations

import pandas as pd

from ..core import fmt
from ..core.display import Col, Section, Table, render_template
from ..core.frames import records
from ..reference import indicators as ind
from .common import not_provided, source, yearly_rows
from .context import Context, memoised


@memoised
def service_values(ctx: Context) -> tuple[int | None, pd.DataFrame]:
    """(year, one row per service indicator of the page's unit with target and band), or (None, empty) when
    the unit has no service data up to the page's year. Shared: copy before changing."""
    year, rows = yearly_rows(ctx, ind.SERVICE_TABLE)
    if year is None:
        return None, rows
    rows = rows.assign(kode_unit=ctx.kode)
    values = ind.capaian(rows, "desa", by_month=False, indicators=ind.SERVICE_INDICATORS, code_col="kode_unit")
    return year, ind.with_target(values, ctx.targets, year, ctx.config)


def service_coverage(ctx: Context) -> Section:
    """The unit's service coverage for one year: one sentence, then every service against its target."""
    year, values = service_values(ctx)
    if year is None:
        return not_provided(ctx, "cakupan layanan (Aksi 6)")
    frame = values.copy()
    frame["label"] = frame["indikator"].map(ind.label)
    frame["dilayani"] = frame["pembilang"].where(frame["penyebut"] > 0)
    frame["sasaran"] = frame["penyebut"].where(frame["penyebut"] > 0)
    rows = records(values)  # the sentence from plain rows: a dozen services, read a few times
    has = [r for r in rows if not fmt.is_missing(r["capaian_target"])]
    reached = [r for r in has if r["capaian_target"] >= 100]
    no_data = [r for r in rows if fmt.is_missing(r["nilai"])]
    untargeted = len(frame) - len(has) - len(no_data)
    if len(has):
        sentence = f"Tahun {year}, {ctx.unit.label} mencapai target pada {len(reached)} dari {len(has)} layanan yang " \
                   "bertarget" + (f"; {untargeted} layanan lain tanpa target" if untargeted else "")
    else:
        sentence = (f"Belum ada target cakupan layanan untuk tahun {year} (target Perpres 72/2021 berlaku s.d. 2024; "
                    "target daerah bisa ditambahkan), jadi statusnya belum dinilai")
    sentence += f"; tidak ada data untuk {len(no_data)} layanan" if len(no_data) else ""
    below = [r for r in has if r["capaian_target"] < 100]
    if below:  # the first of the lowest, in the services' order
        r = min(below, key=lambda r: r["capaian_target"])
        sentence += (f". Paling jauh dari target: {ind.label(r['indikator'])}, "
                     f"{fmt.percent(r['nilai'], target=r['target'], direction=r['arah'])} terhadap target "
                     f"{fmt.target(r['target'])}")
    table = Table(frame, [Col("label", "Layanan"), Col("nilai", "Cakupan", "pct", target="target", direction="arah"),
                          Col("target", "Target", "target"),
                          Col("band", "Status", "band"), Col("dilayani", "Mendapat layanan", "int"),
                          Col("sasaran", "Sasaran", "int"), Col("sumber_target", "Sumber target")],
                  name="cakupan-layanan",
                  caption=f"Cakupan layanan {ctx.unit.label} tahun {year} (sumber: {source(ind.SERVICE_TABLE)})",
                  note="Cakupan = jumlah yang mendapat layanan ÷ jumlah sasaran, dijumlahkan atas semua desa yang "
                       "datanya masuk. Layanan tanpa target ditulis \"Tidak ada target\"; target daerah bisa "
                       "ditambahkan di target.csv.")
    return Section(render_template("sections/summary.html.j2", text=sentence + "."), table)
