"""The desa table of a kecamatan page, and the privacy rules that mask its small counts.

Kept apart from the other sections because it is the one place where single desa, hence possibly single
families, appear: every count below ``privacy_min_krs`` is masked, and a second desa too when one masked
desa could be recovered from the kecamatan's totals.
"""

from __future__ import annotations

import pandas as pd

from .. import fmt
from .. import indicators as ind
from ..display import Col, Section, Table
from .context import MAIN_INDICATOR, Context


def _suppress(value: float, threshold: int) -> object:
    """Counts below the privacy threshold could point to one family: print ``< 5`` instead."""
    if fmt.is_missing(value):
        return value
    return f"< {threshold}" if 0 < value < threshold else value


def _secondary_suppression(rows: list[dict]) -> None:
    """Statistics offices' secondary suppression: the kecamatan's KRS totals are on the page, so one masked
    desa alone would be the total minus the others. Then the desa with the next smallest count is masked
    too ("disamarkan"): the difference gives only the two together."""
    primary = [r for r in rows if r["_small"]]
    if len(primary) != 1:
        return
    others = [r for r in rows if not r["_small"] and not fmt.is_missing(r["_sasaran"]) and r["_sasaran"] > 0]
    if not others:
        return
    second = min(others, key=lambda r: r["_sasaran"])
    second["n_krs_sasaran"] = second["n_krs_didampingi"] = second[MAIN_INDICATOR] = "disamarkan"


def desa_table(ctx: Context) -> Section:
    """Every desa of a kecamatan for the reporting month, non-reporting desa flagged; small counts masked."""
    rep = ind.reported(ctx.rows, ctx.desa_ref, ctx.bulan)
    month_rows = ctx.rows[ctx.rows["bulan"] == ctx.bulan]
    values = ind.capaian(month_rows, "desa", by_month=False) if len(month_rows) else pd.DataFrame(
        columns=["kode", "indikator", "pembilang", "penyebut", "nilai"])
    wide = values.pivot(index="kode", columns="indikator", values="nilai") if len(values) else pd.DataFrame()
    krs = values[values["indikator"] == MAIN_INDICATOR].set_index("kode") if len(values) else pd.DataFrame()
    t = ctx.config.privacy_min_krs
    rows = []
    for _, r in rep.iterrows():
        k = r["kode_desa"]
        row = {"nama": r["nama"], "melapor": "ya" if r["melapor"] else "TIDAK MELAPOR",
               "cls": "" if r["melapor"] else "rp-missing"}
        sasaran = krs["penyebut"].get(k, float("nan")) if len(krs) else float("nan")
        small = not fmt.is_missing(sasaran) and 0 < sasaran < t
        row["n_krs_sasaran"] = _suppress(sasaran, t)
        row["n_krs_didampingi"] = (f"< {t}" if small else
                                   (krs["pembilang"].get(k, float("nan")) if len(krs) else float("nan")))
        for i in ind.PENDAMPINGAN_INDICATORS:
            v = wide[i.key].get(k, float("nan")) if i.key in wide else float("nan")
            row[i.key] = "disamarkan" if small and i.key == MAIN_INDICATOR else v
        row["_sasaran"] = sasaran
        row["_small"] = small
        rows.append(row)
    _secondary_suppression(rows)
    frame = pd.DataFrame(rows).drop(columns=["_sasaran", "_small"], errors="ignore")
    cols = [Col("nama", "Desa/kelurahan"), Col("melapor", "Melapor"), Col("n_krs_sasaran", "KRS sasaran", "int"),
            Col("n_krs_didampingi", "KRS didampingi (keluarga)", "int")]
    cols += [Col(i.key, i.label, "pct") for i in ind.PENDAMPINGAN_INDICATORS]
    missing = int((~rep["melapor"]).sum())
    note = (f"{missing} dari {len(rep)} desa/kelurahan tidak mengirim laporan {fmt.month(ctx.bulan)} (baris bertanda). "
            f"Jumlah KRS di bawah {t} ditampilkan sebagai \"< {t}\" untuk melindungi keluarga; bila hanya satu "
            "desa begitu, satu desa lagi ikut disamarkan, agar angkanya tidak bisa dihitung dari jumlah kecamatan.")
    return Section(Table(frame, cols, name="desa", caption=f"Capaian setiap desa/kelurahan, {fmt.month(ctx.bulan)}",
                         note=note, row_class="cls"))
