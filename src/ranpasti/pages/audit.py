"""Audit kasus stunting (AKS) of a kabupaten/kota for one year, from the optional ``audit_kasus.csv``: the
rounds held (practice: at least two a year), cases audited, when the findings were disseminated, and each
expert recommendation with its follow-up status, the open ones first.

Kabupaten pages show it (the latest year up to the page's on a progress page, the page's year on an
evaluation page); a kecamatan page points to its kabupaten. Cases are counts only: the input's description
tells staff that no child or family is named, and the site's personal-data scan runs over these pages too.
"""

from __future__ import annotations

import pandas as pd

from ..core import fmt
from ..core.display import Col, Section, Table, render_template
from ..facts import audit as audit_facts
from .common import kabupaten_duty, not_provided, source, yearly_rows
from .context import Context, memoised

TABLE = "audit_kasus"
ROUNDS_EXPECTED = 2  # rounds a year, as practised (not a regulation: said as "dianjurkan")
STATUS_ORDER = {"belum dimulai": 0, "berjalan": 1, "selesai": 2}


@memoised
def audit_rows(ctx: Context) -> tuple[int | None, pd.DataFrame]:
    """(year, that year's recommendation rows) for the page's kabupaten, or (None, empty)."""
    if ctx.level != "kabupaten":
        return None, pd.DataFrame()
    return yearly_rows(ctx, TABLE)


def audit_cases(ctx: Context) -> Section:
    """The verdict (rounds held against two, cases, recommendations done), the rounds, the recommendations."""
    if ctx.level == "kecamatan":
        return kabupaten_duty(ctx, "Audit kasus stunting")
    year, rows = audit_rows(ctx)
    if year is None:
        return not_provided(ctx, "audit kasus stunting")
    rounds = audit_facts.rounds(rows)  # (a round without a dissemination date says "belum")
    rounds["putaran_teks"] = [f"Putaran {n}" for n in rounds["putaran"]]  # a card's title on a phone
    rounds["audit_teks"] = rounds["tanggal_audit"].map(fmt.date)
    rounds["diseminasi_teks"] = [fmt.date(d) if isinstance(d, str) and d else "belum" for d in rounds["diseminasi"]]
    done = int((rows["status"] == "selesai").sum())
    text = (f"Tahun {year}, {ctx.unit.label} mengadakan {len(rounds)} putaran audit kasus stunting (dianjurkan "
            f"sedikitnya {ROUNDS_EXPECTED} kali setahun) atas {fmt.number(rounds['kasus'].sum())} kasus; "
            f"{done} dari {len(rows)} rekomendasi sudah selesai ditindaklanjuti.")
    round_table = Table(rounds, [Col("putaran_teks", "Putaran"), Col("audit_teks", "Tanggal audit"),
                                 Col("kasus", "Kasus diaudit", "int"), Col("diseminasi_teks", "Diseminasi"),
                                 Col("rekomendasi", "Rekomendasi", "int"), Col("selesai", "Selesai", "int")],
                        name="aks-putaran",
                        caption=f"Putaran audit kasus stunting {ctx.unit.label} {year} (sumber: {source(TABLE)})")
    recs = rows.assign(urut=rows["status"].map(STATUS_ORDER)).sort_values(["urut", "putaran"], kind="stable")
    cols = [Col("putaran", "Putaran", "int"), Col("rekomendasi", "Rekomendasi"), Col("status", "Status")]
    if "penanggung_jawab" in recs:
        cols.insert(2, Col("penanggung_jawab", "Penanggung jawab"))
    rec_table = Table(recs, cols, name="aks-rekomendasi",
                      caption=f"Rekomendasi audit kasus stunting {year} dan tindak lanjutnya (yang belum selesai "
                              "lebih dulu)")
    return Section(render_template("sections/summary.html.j2", text=ctx.term_links(text)), round_table, rec_table)
