"""The desa table of a kecamatan page: the one place where single desa, hence possibly single families,
appear month by month. Which counts are masked is not decided here: the figures come masked from
``Context.capaian`` (``disclosure``: the same decision the cards, the map and the rapor read).
"""

from __future__ import annotations

import pandas as pd

from .. import disclosure, facts, fmt
from .. import indicators as ind
from ..display import Col, Section, Table
from .context import MAIN_INDICATOR, Context


def desa_table(ctx: Context) -> Section:
    """Every desa of a kecamatan for the reporting month, non-reporting desa flagged; small counts masked."""
    rep = ind.reported(ctx.rows, ctx.desa_ref, ctx.bulan)
    values = ctx.capaian("desa", (ctx.bulan, ctx.bulan))
    wide = facts.wide.by_indicator(values, ["nilai", "target", "arah"])
    krs = values[values["indikator"] == MAIN_INDICATOR].set_index("kode") if len(values) else pd.DataFrame()
    t = ctx.config.privacy_min_krs
    nan = float("nan")
    rows = []
    for _, r in rep.iterrows():
        k = r["kode_desa"]
        row = {"nama": r["nama"], "melapor": "ya" if r["melapor"] else "TIDAK MELAPOR",
               "cls": "" if r["melapor"] else "rp-missing"}
        masked = str(krs["samar"].get(k, "")) if len(krs) else ""
        row["n_krs_sasaran"] = masked or (krs["penyebut"].get(k, nan) if len(krs) else nan)
        row["n_krs_didampingi"] = masked or (krs["pembilang"].get(k, nan) if len(krs) else nan)
        for i in ind.PENDAMPINGAN_INDICATORS:
            v = wide["nilai"][i.key].get(k, nan) if ("nilai", i.key) in wide else nan
            row[i.key] = disclosure.MASKED_WORD if masked and i.key == MAIN_INDICATOR else v
            # each figure is shown against its own target (``fmt.shown``), as on every other view
            row[f"target_{i.key}"] = wide["target"][i.key].get(k, nan) if ("target", i.key) in wide else nan
            row[f"arah_{i.key}"] = wide["arah"][i.key].get(k, i.direction) if ("arah", i.key) in wide else i.direction
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
