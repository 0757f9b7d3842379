"""The 8 aksi konvergensi (Kemendagri) of a kabupaten/kota for one year, from the optional
``aksi_konvergensi.csv``: whether each was carried out, its performance score and the document that shows it.

A kabupaten-level input: kabupaten progress pages show the latest year up to theirs, evaluation pages their
year. Without data, one line says it is not yet provided. The site itself is evidence for aksi 7
(pengukuran dan publikasi) and aksi 8 (reviu kinerja tahunan), and says so.
"""

from __future__ import annotations

import pandas as pd

from ..core import fmt
from ..core.display import Col, Section, Table, render_template
from ..ingest.schema import TABLES
from .common import kabupaten_duty, not_provided, source, yearly_rows
from .context import Context, memoised

TABLE = "aksi_konvergensi"
ACTIONS = TABLES[TABLE].column("aksi").choices  # declared once, in order (input.yml)


@memoised
def convergence_rows(ctx: Context) -> tuple[int | None, pd.DataFrame]:
    """(year, one row per aksi in declared order with status, score and evidence) for the page's kabupaten,
    or (None, empty) without data up to the page's year. Shared: copy before changing."""
    if ctx.level != "kabupaten":
        return None, pd.DataFrame()
    year, rows = yearly_rows(ctx, TABLE)
    if year is None:
        return None, rows
    mine = rows.set_index("aksi")
    frame = pd.DataFrame({"no": range(1, len(ACTIONS) + 1), "aksi": [a[0].upper() + a[1:] for a in ACTIONS]},
                         index=list(ACTIONS))
    frame["status"] = mine["status"].reindex(frame.index).fillna("tidak ada data")
    frame["nilai"] = pd.to_numeric(mine["nilai"], errors="coerce").reindex(frame.index) if "nilai" in mine \
        else float("nan")
    frame["bukti"] = mine["bukti"].reindex(frame.index).fillna("") if "bukti" in mine else ""
    return year, frame.reset_index(drop=True)


def convergence_actions(ctx: Context) -> Section:
    """The verdict (aksi done of 8, mean score), then the 8 aksi with status, score and evidence."""
    if ctx.level == "kecamatan":
        return kabupaten_duty(ctx, "Delapan aksi konvergensi")
    year, frame = convergence_rows(ctx)
    if year is None:
        return not_provided(ctx, "8 aksi konvergensi")
    counts = frame["status"].value_counts()
    scored = frame["nilai"].dropna()
    text = (f"Tahun {year}, {ctx.unit.label} menyelesaikan {int(counts.get('selesai', 0))} dari {len(ACTIONS)} aksi "
            "konvergensi")
    rest = [f"{int(counts[s])} {s}" for s in ("berjalan", "belum dimulai", "tidak ada data") if counts.get(s)]
    text += (f" ({', '.join(rest)})" if rest else "") + "."
    if len(scored):
        text += f" Nilai kinerja rata-rata {fmt.number(scored.mean(), 1)} dari {len(scored)} aksi yang dinilai."
    table = Table(frame, [Col("no", "No.", "int"), Col("aksi", "Aksi"), Col("status", "Status"),
                          Col("nilai", "Nilai kinerja", "num"), Col("bukti", "Dokumen bukti")],
                  name="aksi-konvergensi",
                  caption=f"Delapan aksi konvergensi {ctx.unit.label} tahun {year} (sumber: {source(TABLE)})",
                  note="Situs ini adalah bagian dari aksi 7 (pengukuran dan publikasi) dan aksi 8 (reviu kinerja "
                       "tahunan): angka kabupaten diterbitkan setiap bulan dan dievaluasi setiap Desember.")
    return Section(render_template("sections/summary.html.j2", text=text), table)
