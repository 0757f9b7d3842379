"""The desa table of a kecamatan page: the one place where single desa, hence possibly single families,
appear month by month. Which counts are masked is not decided here: the figures come masked from
``Context.capaian`` (``disclosure``: the same decision the cards, the map and the rapor read).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .. import facts
from ..core import fmt
from ..core.display import Col, Section, Table
from ..facts import disclosure
from ..reference import indicators as ind
from .context import MAIN_INDICATOR, Context


def desa_table(ctx: Context) -> Section:
    """Every desa of a kecamatan for the reporting month, non-reporting desa flagged; small counts masked."""
    rep = ctx.reported(ctx.bulan)
    values = ctx.capaian("desa", (ctx.bulan, ctx.bulan))
    wide = facts.wide.by_indicator(values, ["nilai", "target", "arah"])
    krs = values[values["indikator"] == MAIN_INDICATOR].set_index("kode") if len(values) else pd.DataFrame()
    t = ctx.config.privacy_min_krs
    nan = float("nan")
    # Each column as a plain dict, looked up per desa: a pandas lookup per desa × indicator × column (``wide[
    # "nilai"][key].get(kode)``, through the MultiIndex) was ~0.1 s of a kecamatan page, half its sections'
    # CPU. ``dict(zip(...))`` keeps the numpy scalars ``Series.get`` returned, so the frame below is the same.
    def column(frame: pd.DataFrame, name: Any) -> dict:
        return dict(zip(frame.index, frame[name].to_numpy(), strict=True)) if len(frame) and name in frame else {}

    samar, sasaran, didampingi = (column(krs, c) for c in ("samar", "penyebut", "pembilang"))
    per_indicator = [(i, column(wide, ("nilai", i.key)), column(wide, ("target", i.key)),
                      column(wide, ("arah", i.key)) if ("arah", i.key) in wide else None)
                     for i in ind.PENDAMPINGAN_INDICATORS]
    rows = []
    for k, nama, melapor in zip(rep["kode_desa"], rep["nama"], rep["melapor"], strict=True):
        row = {"nama": nama, "melapor": "ya" if melapor else "TIDAK MELAPOR", "cls": "" if melapor else "rp-missing"}
        masked = str(samar.get(k, "")) if len(krs) else ""
        row["n_krs_sasaran"] = masked or sasaran.get(k, nan)
        row["n_krs_didampingi"] = masked or didampingi.get(k, nan)
        for i, nilai, target, arah in per_indicator:
            row[i.key] = disclosure.MASKED_WORD if masked and i.key == MAIN_INDICATOR else nilai.get(k, nan)
            # each figure is shown against its own target (``fmt.shown``), as on every other view
            row[f"target_{i.key}"] = target.get(k, nan)
            row[f"arah_{i.key}"] = arah.get(k, i.direction) if arah is not None else i.direction
        rows.append(row)
    frame = pd.DataFrame(rows)
    cols = [Col("nama", "Desa/kelurahan"), Col("melapor", "Melapor"), Col("n_krs_sasaran", "KRS sasaran", "int"),
            Col("n_krs_didampingi", "KRS didampingi (keluarga)", "int")]
    cols += [Col(i.key, i.label, "pct", target=f"target_{i.key}", direction=f"arah_{i.key}")
             for i in ind.PENDAMPINGAN_INDICATORS]
    missing = int((~rep["melapor"]).sum())
    note = (f"{missing} dari {len(rep)} desa/kelurahan tidak mengirim laporan {fmt.month(ctx.bulan)} (baris bertanda). "
            f"Jumlah KRS di bawah {t} ditampilkan sebagai \"< {t}\" untuk melindungi keluarga; desa lain ikut "
            "\"disamarkan\" bila perlu, agar angka itu tidak bisa dihitung dari jumlah kecamatan atau angka lain "
            "yang terbit.")
    return Section(Table(frame, cols, name="desa", caption=f"Capaian setiap desa/kelurahan, {fmt.month(ctx.bulan)}",
                         note=note, row_class="cls"))
