"""The map section: the page's children (kabupaten, kecamatan or desa) coloured by the headline indicator's
status band, each a link to its page.

The numbers are the ones the page's comparison table prints (the month's capaian on progress pages, the
year's on evaluation pages, the same rows and bands), so the map and the table never disagree; the table is
the map's text alternative. Boundaries come from ``batas`` and are drawn by ``choropleth``; a unit without a
boundary is named under the map, a page whose children have none gets a one-line note instead of a map.
"""

from __future__ import annotations

import pandas as pd
from markupsafe import Markup

from ..core import fmt
from ..core.display import Section, render_template
from ..reference import batas
from ..reference import indicators as ind
from ..reference.config import NO_DATA_BAND
from . import choropleth
from .common import band_domain
from .context import MAIN_INDICATOR, Context

# On a map the badges' one grey for "no data" and "no target" would make the two look alike: an area
# without data is light grey (nothing there), one with a figure but no target keeps the badge's dark grey.
NO_DATA_FILL = "#d4d8de"
MASKED = ("Angka disamarkan (sasaran kecil)", "#9aa3ad")
LEVEL_WORDS = {"kabupaten": "kabupaten/kota", "kecamatan": "kecamatan", "desa": "desa/kelurahan"}


def _values(ctx: Context) -> pd.DataFrame:
    """The children's headline figures: the month's on a progress page, the year's on an evaluation page."""
    monthly = ctx.kind != "evaluasi"
    df = ctx.capaian(ctx.child_level, (ctx.bulan, ctx.bulan)) if monthly else ctx.annual(ctx.child_level)
    return df[df["indikator"] == MAIN_INDICATOR].set_index("kode")


def _percent(row: pd.Series) -> str:
    """A child's figure in the map's title as every view shows it: against its own target (``fmt.shown``)."""
    return fmt.percent(row["nilai"], target=row.get("target"), direction=str(row.get("arah") or "naik"))


def _children(ctx: Context) -> pd.DataFrame:
    """Every unit the map should show: all the reference units under the page's unit (not only those with
    data: an area without a report is part of the picture, drawn grey)."""
    if ctx.level == "nasional":
        return ctx.regions.kabupaten
    if ctx.level == "provinsi":
        return ctx.regions.kabupaten[ctx.regions.kabupaten["kode_provinsi"] == ctx.kode]
    return ctx.regions.children(ctx.kode)


def area_map(ctx: Context) -> Section:
    """The map of the page's children (see the module's docstring)."""
    level = ctx.child_level
    words = LEVEL_WORDS[level]
    children = _children(ctx)
    shapes = batas.shapes(ctx.regions.dir, level, "" if ctx.level == "nasional" else ctx.kode)
    label = ind.label(MAIN_INDICATOR)
    if not shapes:
        return Section(render_template("sections/map.html.j2", svg=None, unit=ctx.unit.label, words=words))
    values = _values(ctx)
    domain, colors = band_domain(ctx)
    color = dict(zip(domain, colors, strict=True))
    kind = "evaluasi" if ctx.kind == "evaluasi" else "progres"
    areas: list[choropleth.Area] = []
    counts: dict[str, int] = {}
    missing: list[str] = []
    # a kabupaten behind the page's month has a page (at its own month): linked, grey, and said so
    behind = dict(ctx.kabupaten_behind()) if level == "kabupaten" and ctx.kind != "evaluasi" else {}
    for kode in children.index:
        name = ctx.child_name(kode)
        if kode not in shapes:
            missing.append(name)
            continue
        row = values.loc[kode] if kode in values.index else None
        if row is not None and row.get("samar"):  # the decision every view reads (disclosure)
            band, fill, said = MASKED[0], MASKED[1], "angka disamarkan"
        elif row is None or fmt.is_missing(row["nilai"]):
            band, fill, said = NO_DATA_BAND.label, NO_DATA_FILL, "tidak ada data"
            if kode in behind:
                said = f"data {fmt.month(ctx.bulan)} belum masuk (terakhir {fmt.month(behind[kode])})"
        else:
            band = str(row["band"])
            fill, said = color.get(band, NO_DATA_BAND.color), f"{_percent(row)}, {band}"
        href = ctx.link(kode, kind) if level != "desa" and (row is not None or kode in behind) else None
        counts[band] = counts.get(band, 0) + 1
        areas.append(choropleth.Area(kode, f"{name}: {said}", fill, href, shapes[kode].geometry, name))
    if not areas:
        return Section(render_template("sections/map.html.j2", svg=None, unit=ctx.unit.label, words=words))
    period = f"tahun {ctx.tahun}" if ctx.kind == "evaluasi" else fmt.month(ctx.bulan)
    title = f"Peta {label} per {words}, {period}"
    fills = {**color, NO_DATA_BAND.label: NO_DATA_FILL, MASKED[0]: MASKED[1]}
    legend = [{"label": b, "color": fills[b], "count": counts[b]} for b in [*domain, MASKED[0]] if b in counts]
    svg = Markup(choropleth.draw(areas, title))  # markup written by choropleth's XML writer, names escaped
    return Section(render_template("sections/map.html.j2", svg=svg, title=title, legend=legend, missing=missing,
                                   words=words, unit=ctx.unit.label, linked=level != "desa",
                                   credit=batas.CREDIT, credit_url=batas.CREDIT_URL))
