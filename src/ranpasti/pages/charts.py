"""Altair charts for the pages, one function per kind of chart: the only chart definitions of the site.

Charts take already-computed tables (from ``indicators``) and never compute numbers themselves; labels and
tooltips carry Indonesian-formatted text so what a reader hovers matches what tables print.

Which charts (issue 33, the decision asked for in issue 21). A page kind carries at most two Vega charts
plus its map (the map is ``choropleth``'s own SVG, not Vega):

============  ============================  ==========================================================
page kind     Vega charts before            Vega charts now
============  ============================  ==========================================================
nasional      tren, peringkat, prevalensi   ``trend``, ``prevalence``
provinsi      tren, peringkat, prevalensi   ``trend``, ``prevalence``
kabupaten     tren, peringkat, krs-faktor,  ``trend``, ``prevalence``
              krs-kesejahteraan, prevalensi
kecamatan     tren, krs-faktor,             ``trend``, ``prevalence``
              krs-kesejahteraan, prevalensi
evaluasi      prevalensi, semester,         ``prevalence``
              lokmin-status
============  ============================  ==========================================================

The two that stay are the two that are lines over time, which no table says as well: the monthly capaian
of every indicator against its target (nine series of up to twelve months) and the prevalence surveys over
the years with the change of survey and each year's target (a mark per year, never a line: a target is set
for its year). Every other chart was bars of a handful of figures that the page printed in a table anyway;
those are now the table itself with a bar in the cell (``display.BarTable``: CSS widths, no script, nothing
to draw at build time), which reads better on a
phone, prints, and is read out by a screen reader as the numbers it shows: the KRS factors and welfare
deciles, the two semesters, the Lokmin follow-ups per month by status, and the ranking of the children
(now the bars of the comparison table, whose rows, names and statuses it repeated beside the map).

Drawing a chart to SVG (vl-convert) costs 20-70 CPU-ms, most of it Vega measuring text to fit labels
into a width. So no chart asks Vega to fit text: every limit is ``0`` (the theme below), and a label
that could be too long is shortened here, in pandas, before Vega sees it (``fit``). The budget is 25
CPU-ms of charts per page on average (``bench/bench.py --phases-only``).

Speed at national scale: building an Altair chart object costs ~30 ms, and there are ~15,600 pages. So each
chart *shape* (kind, title, domains, targets) is defined with Altair over named datasets (``alt.NamedData``)
and converted to a Vega-Lite dict once per process (``caches.memo``); a page then only binds its own rows into
the spec's top-level ``datasets``. The spec is standard Vega-Lite either way.
"""

from __future__ import annotations

import json

import altair as alt
import pandas as pd

from ..core import caches, fmt

WIDTH = "container"
# Arial-metric fonts first: vl-convert lays out the static images with its bundled Liberation Sans (fast: a
# font it has to look up, such as DejaVu Sans, made every image 2-3 times slower), and a browser draws them
# with Liberation/Arimo/Arial or, on Android, Roboto, all of the same width, so labels fit as measured.
FONT = "Liberation Sans, Arimo, Arial, Helvetica, Roboto, system-ui, sans-serif"
PALETTE = ("#1f5fa8", "#c2410c", "#0f766e", "#7e22ce", "#a16207", "#be123c", "#334155")
THEME = "ranpasti"
MAIN, EXTRA = alt.NamedData("utama"), alt.NamedData("tambahan")


@alt.theme.register(THEME, enable=True)
def _theme() -> alt.theme.ThemeConfig:
    """Site-wide chart style as an Altair theme, merged into every spec."""
    return {
        "config": {
            "font": FONT,
            "autosize": {"type": "fit-x", "contains": "padding"},
            # no text fitting in Vega (limits 0): labels arrive fitted (``fit``)
            "axis": {"labelFontSize": 12, "titleFontSize": 12, "grid": True, "gridColor": "#e5e7eb",
                     "labelLimit": 0, "titleLimit": 0},
            "legend": {"orient": "bottom", "direction": "vertical", "labelFontSize": 12, "titleFontSize": 12,
                       "labelLimit": 0, "titleLimit": 0},
            "header": {"labelLimit": 0, "titleLimit": 0},
            "axisX": {"labelOverlap": True},
            "padding": {"left": 4, "right": 8, "top": 6, "bottom": 4},
            "view": {"stroke": None},
        }
    }


# A capaian axis on a 360 px image: three labels, so "80" and "100" never run together ("80100").
PERCENT_AXIS = alt.Axis(values=[0, 50, 100])

# The most characters a label may have where it is drawn, for the 360 px image at 12 px (Liberation Sans
# averages ~6.5 px a character, bold ~7): a trend panel's title over its 128 px panel and half the 18 px
# gap (the longest indicator today, "Ibu pascasalin didampingi", has 25), a legend line across the image.
PANEL_CHARS = 25
LEGEND_CHARS = 44


def fit(text: str, chars: int) -> str:
    """``text`` shortened to ``chars`` characters, an ellipsis last, at a word's end where there is one in
    the last third: what Vega's ``labelLimit`` did by measuring, done once here (the table under the chart
    has the full text)."""
    if len(text) <= chars:
        return text
    cut = text[: chars - 1]
    space = cut.rfind(" ")
    if space >= 2 * chars // 3:
        cut = cut[:space]
    return cut.rstrip(" ,.;:–-") + "…"


def records(df: pd.DataFrame) -> list[dict]:
    """JSON-safe rows: NaN → null (a gap in a line, never a zero), numpy scalars → plain numbers."""
    return json.loads(df.to_json(orient="records", force_ascii=False))


def _spec(chart: alt.TopLevelMixin, height: int, title: str) -> dict:
    """The figure's caption carries the title (and the description for screen readers): none inside the
    chart, where a long title would squeeze the plot on a 360 px phone. ``title`` stays in the cache key."""
    del title
    return chart.properties(width=WIDTH, height=height).to_dict(validate=False)


def _bind(template: dict, main: pd.DataFrame, extra: pd.DataFrame | None = None) -> dict:
    """A page's spec: the cached template (shared, never mutated) with this page's rows as datasets."""
    spec = dict(template)
    spec["datasets"] = {"utama": records(main), "tambahan": records(extra) if extra is not None else []}
    return spec


# ---------------------------------------------------------------- trend


def shown(df: pd.DataFrame, value: str = "nilai") -> tuple[list[float], list[str]]:
    """A chart's percentages as the page shows them (``fmt.shown``, against each row's ``target`` and ``arah``
    where the frame has them): the data the marks and tooltips carry, so a tooltip reads as the table."""
    n = len(df)
    targets = df["target"].tolist() if "target" in df else [None] * n
    arah = df["arah"].tolist() if "arah" in df else ["naik"] * n
    values = df[value].tolist()
    return ([fmt.shown_value(v, t, str(a or "naik")) for v, t, a in zip(values, targets, arah, strict=True)],
            [fmt.percent(v, target=t, direction=str(a or "naik")) for v, t, a in zip(values, targets, arah,
                                                                                   strict=True)])


@caches.memo(256)
def _trend(labels: tuple[str, ...], months: tuple[str, ...], title: str) -> dict:
    x = alt.X("bulan_label:O", sort=list(months), title=None,
              axis=alt.Axis(labelAngle=0, values=[months[0], months[-1]] if len(months) > 1 else list(months)))
    y = alt.Y("nilai:Q", title=None, scale=alt.Scale(domain=[0, 100]), axis=PERCENT_AXIS)
    base = alt.Chart(MAIN)
    # a month without data is a gap in the line, never a zero and never bridged
    line = base.mark_line(point=alt.OverlayMarkDef(size=22), strokeWidth=2, color=PALETTE[0],
                          invalid="break-paths-show-domains").encode(
        x=x, y=y, tooltip=[alt.Tooltip("label:N", title="Indikator"), alt.Tooltip("bulan_label:N", title="Bulan"),
                           alt.Tooltip("nilai_teks:N", title="Capaian"), alt.Tooltip("target_teks:N", title="Target")])
    rule = base.mark_rule(strokeDash=[5, 3], strokeWidth=1.5, color="#111827").encode(y="mean(target):Q")
    panels = alt.layer(line, rule).properties(width=TREND_PANEL_WIDTH, height=80).facet(
        facet=alt.Facet("label:N", title=None, sort=list(labels), header=alt.Header(labelFontSize=12,
                                                                                    labelFontWeight="bold")),
        columns=2, spacing={"row": 14, "column": 18})
    del title  # the figure's caption carries it
    spec = panels.to_dict(validate=False)
    spec["autosize"] = {"type": "pad"}  # panels have a fixed width: "fit" does not apply to a facet
    return spec


TREND_PANEL_WIDTH = 128  # two panels side by side in the 360 px image


def trend(monthly: pd.DataFrame, targets: dict[str, float | None], title: str) -> dict:
    """Monthly capaian, January → reporting month, one small panel per indicator with its own dashed target
    line (small multiples: on a phone, several indicators in one plot and their targets drawn on top of each
    other read as one unlabelled line).

    ``monthly`` has ``bulan, label, nilai``; months with no data are gaps, not zeros; ``targets`` maps a label
    to its target for the year (None: no line in that panel).
    """
    df = monthly[["bulan", "label", "nilai"] + (["arah"] if "arah" in monthly else [])].copy()
    df["bulan_label"] = df["bulan"].map(lambda b: fmt.BULAN_SINGKAT[int(b[5:7]) - 1])  # the year is in the caption
    df["target"] = df["label"].map(lambda k: None if fmt.is_missing(targets.get(k)) else targets.get(k))
    df["nilai"], df["nilai_teks"] = shown(df)
    df = df.drop(columns=["arah"], errors="ignore")
    df["target_teks"] = df["target"].map(fmt.target)
    fitted = {label: fit(label, PANEL_CHARS) for label in dict.fromkeys(df["label"])}
    if len(set(fitted.values())) == len(fitted):  # two labels cut alike would draw as one panel: keep them whole
        df["label"] = df["label"].map(fitted)
    labels = tuple(dict.fromkeys(df["label"]))
    months = tuple(fmt.BULAN_SINGKAT[int(b[5:7]) - 1] for b in sorted(set(df["bulan"])))
    return _bind(_trend(labels, months, title), df)


# ---------------------------------------------------------------- prevalence


@caches.memo(256)
def _prevalence(wilayah: tuple[str, ...], years: tuple[str, ...], series_break: bool, has_target: bool,
                target_name: str, title: str) -> dict:
    color = alt.Color("wilayah:N", title="Wilayah",
                      scale=alt.Scale(domain=list(wilayah), range=list(PALETTE[: len(wilayah)])))
    # every year from the first survey to the page's, a year without a survey an empty column (not skipped)
    x = alt.X("tahun_s:O", title="Tahun", scale=alt.Scale(domain=list(years)), axis=alt.Axis(labelAngle=0))
    base = alt.Chart(MAIN).encode(x=x, y=alt.Y("prevalensi:Q", title="Prevalensi stunting (%)"), color=color)
    # one line per region and survey: SSGI years joined, SKI 2023 (another survey) a point of its own
    lines = base.mark_line(strokeWidth=2).encode(detail="seri:N")
    points = base.mark_point(size=90, filled=True).encode(
        # above the plot, in one line: beside the region legend under it, the labels collided at 360 px
        shape=alt.Shape("sumber:N", title="Sumber", legend=alt.Legend(orient="top", direction="horizontal")),
        tooltip=[alt.Tooltip("wilayah:N", title="Wilayah"), alt.Tooltip("tahun_s:N", title="Tahun"),
                 alt.Tooltip("sumber:N", title="Sumber"), alt.Tooltip("teks:N", title="Prevalensi")])
    layers = [lines, points]
    if has_target:  # each year's target a mark of its own, never a line: a target is set for its year
        target = alt.Chart(alt.NamedData("target")).encode(x=x, y="target:Q")
        layers.append(target.mark_tick(color="#111827", thickness=2, size=22).encode(
            tooltip=[alt.Tooltip("tahun_s:N", title="Tahun"), alt.Tooltip("teks:N", title=target_name)]))
    if series_break:  # a dotted rule at 2023, named at the foot of the chart, clear of the lines above
        rule = alt.Chart(EXTRA).encode(x="tahun_s:O")
        layers.append(rule.mark_rule(strokeDash=[2, 3], color="#6b7280"))
        layers.append(rule.mark_text(baseline="bottom", dy=-4, color="#374151", fontSize=11).encode(
            y=alt.value(252), text="teks:N"))
    return _spec(alt.layer(*layers), 260, title)


def prevalence(df: pd.DataFrame, title: str, targets: dict[int, float] | None = None,
               years: tuple[int, ...] = (), target_name: str = "Target nasional") -> dict:
    """Prevalence over time per wilayah: survey source as point shape, one line per region and survey (SKI
    2023, another survey, is not joined to SSGI), the 2023 change of survey marked, and each year's target
    (``targets``: year → %) as a short black bar at that year, so a target set lower or higher by a new plan
    never reads as a line rising or falling. ``years``: the axis (empty: the years of ``df``). ``df`` holds
    only what may be drawn as fact (an uncertain copy is left out by the caller)."""
    d = df[["wilayah", "tahun", "sumber", "prevalensi"]].copy()
    d["wilayah"] = d["wilayah"].map(lambda w: fit(w, LEGEND_CHARS))
    d["teks"] = d["prevalensi"].map(fmt.percent)
    d["tahun_s"] = d["tahun"].astype(str)
    d["seri"] = d["wilayah"] + " · " + d["sumber"]
    axis = tuple(str(y) for y in sorted(set(years) | set(d["tahun"].astype(int))))
    series_break = "2023" in set(d["tahun_s"]) and bool((d["sumber"] == "SKI").any())
    brk = pd.DataFrame({"tahun_s": ["2023"], "teks": ["SKI: survei lain"]}) if series_break else None
    tdf = pd.DataFrame([{"tahun_s": str(y), "target": v, "teks": fmt.target(v)}
                        for y, v in sorted((targets or {}).items())])
    spec = _bind(_prevalence(tuple(dict.fromkeys(d["wilayah"])), axis, series_break, not tdf.empty, target_name,
                             title), d, brk)
    spec["datasets"]["target"] = records(tdf)
    return spec
