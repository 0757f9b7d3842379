"""Altair charts for the pages, one function per kind of chart.

Charts take already-computed tables (from ``indicators``) and never compute numbers themselves; labels and
tooltips carry Indonesian-formatted text so what a reader hovers matches what tables print.

Speed at national scale: building an Altair chart object costs ~30 ms, a page has several, and there are
~15,600 pages. So each chart *shape* (kind, title, domains, targets) is defined with Altair over named
datasets (``alt.NamedData``) and converted to a Vega-Lite dict once per process (``lru_cache``); a page then
only binds its own rows into the spec's top-level ``datasets``. The spec is standard Vega-Lite either way.
"""

from __future__ import annotations

import json
from functools import lru_cache

import altair as alt
import pandas as pd

from . import fmt

WIDTH = "container"
FONT = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"
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
            "axis": {"labelFontSize": 12, "titleFontSize": 12, "grid": True, "gridColor": "#e5e7eb"},
            "legend": {"orient": "bottom", "direction": "vertical", "labelFontSize": 12, "titleFontSize": 12,
                       "labelLimit": 300},
            "axisX": {"labelOverlap": True},
            "view": {"stroke": None},
        }
    }


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


@lru_cache(maxsize=512)
def _trend(labels: tuple[str, ...], months: tuple[str, ...], has_targets: bool, title: str,
           colors: tuple[str, ...]) -> dict:
    color = alt.Color("label:N", title="Indikator", scale=alt.Scale(domain=list(labels), range=list(colors)))
    x = alt.X("bulan_label:O", sort=list(months), title=None, axis=alt.Axis(labelAngle=0))
    lines = alt.Chart(MAIN).mark_line(point=True, strokeWidth=2.5).encode(
        x=x, y=alt.Y("nilai:Q", title="Capaian (%)", scale=alt.Scale(domain=[0, 100])), color=color,
        tooltip=[alt.Tooltip("label:N", title="Indikator"), alt.Tooltip("bulan_label:N", title="Bulan"),
                 alt.Tooltip("nilai_teks:N", title="Capaian")],
    )
    layers = [lines]
    if has_targets:
        layers.append(alt.Chart(EXTRA).mark_rule(strokeDash=[6, 4], strokeWidth=1.5).encode(
            y="target:Q", color=color,
            tooltip=[alt.Tooltip("label:N", title="Indikator"), alt.Tooltip("target_teks:N", title="Target")]))
    return _spec(alt.layer(*layers), 260, title)


def trend(monthly: pd.DataFrame, targets: dict[str, float | None], title: str,
          colors: dict[str, str] | None = None) -> dict:
    """Monthly capaian per indicator, January → reporting month, with dashed target lines.

    ``monthly`` has ``bulan, label, nilai``; months with no data are gaps, not zeros. ``colors`` maps a label
    to its line colour (each indicator's ``color`` in ``definitions/indikator.yml``); a label without one
    takes the palette colour of its position.
    """
    df = monthly[["bulan", "label", "nilai"]].copy()
    df["bulan_label"] = df["bulan"].map(lambda b: fmt.BULAN_SINGKAT[int(b[5:7]) - 1])  # the year is in the caption
    df["nilai_teks"] = df["nilai"].map(fmt.percent)
    labels = tuple(dict.fromkeys(df["label"]))
    tdf = pd.DataFrame([{"label": k, "target": v, "target_teks": fmt.target(v)}
                        for k, v in targets.items() if k in labels and not fmt.is_missing(v)])
    colors = colors or {}
    line_colors = tuple(colors.get(label) or PALETTE[n % len(PALETTE)] for n, label in enumerate(labels))
    template = _trend(labels, tuple(dict.fromkeys(df["bulan_label"])), not tdf.empty, title, line_colors)
    return _bind(template, df, tdf if not tdf.empty else None)


# ---------------------------------------------------------------- ranking


@lru_cache(maxsize=512)
def _ranking(title: str, has_target: bool, height: int, band_domain: tuple[str, ...],
             band_range: tuple[str, ...]) -> dict:
    bars = alt.Chart(MAIN).mark_bar().encode(
        y=alt.Y("nama:N", sort="-x", title=None, axis=alt.Axis(labelLimit=160)),
        x=alt.X("nilai:Q", title="Capaian (%)", scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("band:N", title="Capaian vs target",
                        scale=alt.Scale(domain=list(band_domain), range=list(band_range))),
        tooltip=[alt.Tooltip("nama:N", title="Wilayah"), alt.Tooltip("nilai_teks:N", title="Capaian"),
                 alt.Tooltip("band:N", title="Status")],
    )
    layers = [bars]
    if has_target:
        layers.append(alt.Chart(EXTRA).mark_rule(strokeDash=[6, 4], color="#111827").encode(x="target:Q"))
    return _spec(alt.layer(*layers), height, title)


def ranking(df: pd.DataFrame, title: str, target: float | None, band_domain: list[str],
            band_range: list[str]) -> dict:
    """Horizontal bars of units ranked by capaian, coloured by achievement band."""
    d = df[["nama", "nilai", "band"]].copy()
    d["nilai_teks"] = d["nilai"].map(fmt.percent)
    has_target = target is not None and not fmt.is_missing(target)
    template = _ranking(title, has_target, max(120, 22 * len(d)), tuple(band_domain), tuple(band_range))
    return _bind(template, d, pd.DataFrame({"target": [target]}) if has_target else None)


# ---------------------------------------------------------------- bars


@lru_cache(maxsize=256)
def _bars(category: str, value: str, title: str, x_title: str, color: str, height: int) -> dict:
    chart = alt.Chart(MAIN).mark_bar(color=color).encode(
        y=alt.Y(f"{category}:N", sort=None, title=None, axis=alt.Axis(labelLimit=220)),
        x=alt.X(f"{value}:Q", title=x_title),
        tooltip=[alt.Tooltip(f"{category}:N", title="Kategori"), alt.Tooltip("teks:N", title="Jumlah")],
    )
    return _spec(chart, height, title)


def bars(df: pd.DataFrame, category: str, value: str, title: str, x_title: str, color: str = "#1f5fa8") -> dict:
    """Simple horizontal bars (risk factors, welfare groups): each bar is its own count, never summed."""
    d = df[[category, value]].copy()
    d["teks"] = d[value].map(fmt.number)
    return _bind(_bars(category, value, title, x_title, color, max(120, 28 * len(d))), d)


# ---------------------------------------------------------------- prevalence


@lru_cache(maxsize=256)
def _prevalence(wilayah: tuple[str, ...], series_break: bool, title: str) -> dict:
    color = alt.Color("wilayah:N", title="Wilayah",
                      scale=alt.Scale(domain=list(wilayah), range=list(PALETTE[: len(wilayah)])))
    base = alt.Chart(MAIN).encode(x=alt.X("tahun_s:O", title="Tahun", axis=alt.Axis(labelAngle=0)),
                                  y=alt.Y("prevalensi:Q", title="Prevalensi stunting (%)"), color=color)
    lines = base.mark_line(strokeWidth=2).encode(detail="wilayah:N")
    points = base.mark_point(size=90, filled=True).encode(
        shape=alt.Shape("sumber:N", title="Sumber"),
        tooltip=[alt.Tooltip("wilayah:N", title="Wilayah"), alt.Tooltip("tahun_s:N", title="Tahun"),
                 alt.Tooltip("sumber:N", title="Sumber"), alt.Tooltip("teks:N", title="Prevalensi")])
    layers = [lines, points]
    if series_break:
        layers.append(alt.Chart(EXTRA).mark_rule(strokeDash=[2, 3], color="#6b7280").encode(x="tahun_s:O"))
        layers.append(alt.Chart(EXTRA).mark_text(dy=-6, align="left", dx=4, color="#374151", fontSize=11).encode(
            x="tahun_s:O", y=alt.value(8), text="teks:N"))
    return _spec(alt.layer(*layers), 260, title)


def prevalence(df: pd.DataFrame, title: str) -> dict:
    """Prevalence over time per wilayah; survey source as point shape, the SSGI→SKI 2023 break marked."""
    d = df[["wilayah", "tahun", "sumber", "prevalensi"]].copy()
    d["teks"] = d["prevalensi"].map(fmt.percent)
    d["tahun_s"] = d["tahun"].astype(str)
    series_break = "2023" in set(d["tahun_s"]) and bool((d["sumber"] == "SKI").any())
    brk = pd.DataFrame({"tahun_s": ["2023"], "teks": ["SKI 2023: survei berbeda"]}) if series_break else None
    return _bind(_prevalence(tuple(dict.fromkeys(d["wilayah"])), series_break, title), d, brk)


# ---------------------------------------------------------------- grouped bars, status


@lru_cache(maxsize=256)
def _grouped(category: str, group: str, value: str, groups: tuple[str, ...], title: str, height: int) -> dict:
    chart = alt.Chart(MAIN).mark_bar().encode(
        y=alt.Y(f"{category}:N", sort=None, title=None, axis=alt.Axis(labelLimit=200)),
        yOffset=alt.YOffset(f"{group}:N", sort=list(groups)),
        x=alt.X(f"{value}:Q", title="Capaian (%)", scale=alt.Scale(domain=[0, 100])),
        color=alt.Color(f"{group}:N", title=None, scale=alt.Scale(domain=list(groups),
                                                                   range=list(PALETTE[: len(groups)]))),
        tooltip=[alt.Tooltip(f"{category}:N", title="Indikator"), alt.Tooltip(f"{group}:N", title="Periode"),
                 alt.Tooltip("teks:N", title="Capaian")],
    )
    return _spec(chart, height, title)


def grouped(df: pd.DataFrame, category: str, group: str, value: str, title: str) -> dict:
    """Grouped bars, e.g. semester 1 vs semester 2 per indicator."""
    d = df[[category, group, value]].copy()
    d["teks"] = d[value].map(fmt.percent)
    groups = tuple(dict.fromkeys(d[group]))
    return _bind(_grouped(category, group, value, groups, title, max(160, 40 * d[category].nunique())), d)


STATUS_ORDER = ("selesai", "berjalan", "belum dimulai")


@lru_cache(maxsize=256)
def _status(months: tuple[str, ...], title: str) -> dict:
    chart = alt.Chart(MAIN).mark_bar().encode(
        x=alt.X("bulan_label:O", sort=list(months), title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("jumlah:Q", title="Jumlah rencana tindak lanjut"),
        color=alt.Color("status:N", title="Status", scale=alt.Scale(domain=list(STATUS_ORDER),
                                                                   range=["#18794e", "#a16207", "#b42318"])),
        order=alt.Order("urut:Q"),
        tooltip=[alt.Tooltip("bulan_label:N", title="Bulan"), alt.Tooltip("status:N", title="Status"),
                 alt.Tooltip("jumlah:Q", title="Jumlah")],
    )
    return _spec(chart, 220, title)


def stacked_status(df: pd.DataFrame, title: str) -> dict:
    """Lokmin follow-up actions per month by status."""
    d = df[["bulan", "status", "jumlah", "urut"]].copy()
    d["bulan_label"] = d["bulan"].map(lambda b: fmt.BULAN_SINGKAT[int(b[5:7]) - 1])
    return _bind(_status(tuple(dict.fromkeys(d["bulan_label"])), title), d)
