"""Altair charts for the pages, one function per kind of chart.

Charts take already-computed tables (from ``indicators``) and never compute numbers themselves; labels and
tooltips carry Indonesian-formatted text so what a reader hovers matches what tables print.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from . import fmt

alt.data_transformers.disable_max_rows()

WIDTH = "container"
FONT = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"
PALETTE = ["#1f5fa8", "#c2410c", "#0f766e", "#7e22ce", "#a16207", "#be123c", "#334155"]


def _base(chart: alt.TopLevelMixin, height: int = 260) -> alt.TopLevelMixin:
    return (chart.properties(width=WIDTH, height=height)
            .configure(font=FONT, autosize={"type": "fit-x", "contains": "padding"})
            .configure_axis(labelFontSize=12, titleFontSize=12, grid=True, gridColor="#e5e7eb")
            .configure_legend(orient="bottom", labelFontSize=12, titleFontSize=12, columns=2, labelLimit=260)
            .configure_view(stroke=None))


def trend(monthly: pd.DataFrame, targets: dict[str, float], title: str) -> alt.TopLevelMixin:
    """Monthly capaian per indicator, January → reporting month, with dashed target lines.

    ``monthly`` has ``bulan, label, nilai``; months with no data are gaps, not zeros.
    """
    df = monthly.copy()
    df["bulan_label"] = df["bulan"].map(lambda b: fmt.month(b, short=True))
    df["nilai_teks"] = df["nilai"].map(fmt.percent)
    order = list(dict.fromkeys(df["bulan_label"]))
    labels = list(dict.fromkeys(df["label"]))
    color = alt.Color("label:N", title="Indikator", scale=alt.Scale(domain=labels, range=PALETTE[: len(labels)]))
    x = alt.X("bulan_label:O", sort=order, title=None, axis=alt.Axis(labelAngle=0))
    lines = alt.Chart(df).mark_line(point=True, strokeWidth=2.5).encode(
        x=x, y=alt.Y("nilai:Q", title="Capaian (%)", scale=alt.Scale(domain=[0, 100])), color=color,
        tooltip=[alt.Tooltip("label:N", title="Indikator"), alt.Tooltip("bulan_label:N", title="Bulan"),
                 alt.Tooltip("nilai_teks:N", title="Capaian")],
    )
    tdf = pd.DataFrame([{"label": k, "target": v, "target_teks": fmt.percent(v, 0)}
                        for k, v in targets.items() if k in labels and not fmt.is_missing(v)])
    layers = [lines]
    if not tdf.empty:
        layers.append(alt.Chart(tdf).mark_rule(strokeDash=[6, 4], strokeWidth=1.5).encode(
            y="target:Q", color=color,
            tooltip=[alt.Tooltip("label:N", title="Indikator"), alt.Tooltip("target_teks:N", title="Target")]))
    return _base(alt.layer(*layers).properties(title=title))


def ranking(df: pd.DataFrame, title: str, target: float | None, band_domain: list[str],
            band_range: list[str]) -> alt.TopLevelMixin:
    """Horizontal bars of units ranked by capaian, coloured by achievement band."""
    d = df.copy()
    d["nilai_teks"] = d["nilai"].map(fmt.percent)
    height = max(120, 22 * len(d))
    bars = alt.Chart(d).mark_bar().encode(
        y=alt.Y("nama:N", sort="-x", title=None, axis=alt.Axis(labelLimit=160)),
        x=alt.X("nilai:Q", title="Capaian (%)", scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("band:N", title="Capaian vs target", scale=alt.Scale(domain=band_domain, range=band_range)),
        tooltip=[alt.Tooltip("nama:N", title="Wilayah"), alt.Tooltip("nilai_teks:N", title="Capaian"),
                 alt.Tooltip("band:N", title="Status")],
    )
    layers = [bars]
    if target is not None and not fmt.is_missing(target):
        layers.append(alt.Chart(pd.DataFrame({"target": [target]})).mark_rule(
            strokeDash=[6, 4], color="#111827").encode(x="target:Q"))
    return _base(alt.layer(*layers).properties(title=title), height=height)


def bars(df: pd.DataFrame, category: str, value: str, title: str, x_title: str,
         color: str = "#1f5fa8") -> alt.TopLevelMixin:
    """Simple horizontal bars (risk factors, welfare groups): each bar is its own count, never summed."""
    d = df.copy()
    d["teks"] = d[value].map(fmt.number)
    chart = alt.Chart(d).mark_bar(color=color).encode(
        y=alt.Y(f"{category}:N", sort=None, title=None, axis=alt.Axis(labelLimit=220)),
        x=alt.X(f"{value}:Q", title=x_title),
        tooltip=[alt.Tooltip(f"{category}:N", title="Kategori"), alt.Tooltip("teks:N", title="Jumlah")],
    )
    return _base(chart.properties(title=title), height=max(120, 28 * len(d)))


def prevalence(df: pd.DataFrame, title: str) -> alt.TopLevelMixin:
    """Prevalence over time per wilayah; survey source as point shape, the SSGI→SKI 2023 break marked."""
    d = df.copy()
    d["teks"] = d["prevalensi"].map(fmt.percent)
    d["tahun_s"] = d["tahun"].astype(str)
    wilayah = list(dict.fromkeys(d["wilayah"]))
    color = alt.Color("wilayah:N", title="Wilayah", scale=alt.Scale(domain=wilayah, range=PALETTE[: len(wilayah)]))
    base = alt.Chart(d).encode(x=alt.X("tahun_s:O", title="Tahun", axis=alt.Axis(labelAngle=0)),
                               y=alt.Y("prevalensi:Q", title="Prevalensi stunting (%)"), color=color)
    lines = base.mark_line(strokeWidth=2).encode(detail="wilayah:N")
    points = base.mark_point(size=90, filled=True).encode(
        shape=alt.Shape("sumber:N", title="Sumber"),
        tooltip=[alt.Tooltip("wilayah:N", title="Wilayah"), alt.Tooltip("tahun_s:N", title="Tahun"),
                 alt.Tooltip("sumber:N", title="Sumber"), alt.Tooltip("teks:N", title="Prevalensi")])
    layers = [lines, points]
    if "2023" in set(d["tahun_s"]) and (d["sumber"] == "SKI").any():
        brk = pd.DataFrame({"tahun_s": ["2023"], "teks": ["SKI 2023: survei berbeda"]})
        layers.append(alt.Chart(brk).mark_rule(strokeDash=[2, 3], color="#6b7280").encode(x="tahun_s:O"))
        layers.append(alt.Chart(brk).mark_text(dy=-6, align="left", dx=4, color="#374151", fontSize=11).encode(
            x="tahun_s:O", y=alt.value(8), text="teks:N"))
    return _base(alt.layer(*layers).properties(title=title))


def grouped(df: pd.DataFrame, category: str, group: str, value: str, title: str) -> alt.TopLevelMixin:
    """Grouped bars, e.g. semester 1 vs semester 2 per indicator."""
    d = df.copy()
    d["teks"] = d[value].map(fmt.percent)
    groups = list(dict.fromkeys(d[group]))
    chart = alt.Chart(d).mark_bar().encode(
        y=alt.Y(f"{category}:N", sort=None, title=None, axis=alt.Axis(labelLimit=200)),
        yOffset=alt.YOffset(f"{group}:N", sort=groups),
        x=alt.X(f"{value}:Q", title="Capaian (%)", scale=alt.Scale(domain=[0, 100])),
        color=alt.Color(f"{group}:N", title=None, scale=alt.Scale(domain=groups, range=PALETTE[: len(groups)])),
        tooltip=[alt.Tooltip(f"{category}:N", title="Indikator"), alt.Tooltip(f"{group}:N", title="Periode"),
                 alt.Tooltip("teks:N", title="Capaian")],
    )
    return _base(chart.properties(title=title), height=max(160, 40 * d[category].nunique()))


def stacked_status(df: pd.DataFrame, title: str) -> alt.TopLevelMixin:
    """Lokmin follow-up actions per month by status."""
    order = ["selesai", "berjalan", "belum dimulai"]
    d = df.copy()
    d["bulan_label"] = d["bulan"].map(lambda b: fmt.month(b, short=True))
    chart = alt.Chart(d).mark_bar().encode(
        x=alt.X("bulan_label:O", sort=list(dict.fromkeys(d["bulan_label"])), title=None,
                axis=alt.Axis(labelAngle=0)),
        y=alt.Y("jumlah:Q", title="Jumlah rencana tindak lanjut"),
        color=alt.Color("status:N", title="Status", scale=alt.Scale(domain=order,
                                                                   range=["#18794e", "#a16207", "#b42318"])),
        order=alt.Order("urut:Q"),
        tooltip=[alt.Tooltip("bulan_label:N", title="Bulan"), alt.Tooltip("status:N", title="Status"),
                 alt.Tooltip("jumlah:Q", title="Jumlah")],
    )
    return _base(chart.properties(title=title), height=220)
