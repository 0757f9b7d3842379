"""The approval sheet (lembar pengesahan) of a December evaluation: what an office signs.

An evaluation is a document an office puts its name to, not only a web page: the sheet names the office,
the position that approves, the place and the date (from the page's params, ``pengesahan_*``), and leaves
lines for the signature, the official's name and NIP to be written by hand on the printed copy. Names and
staff numbers are never taken from params: they are personal data, and the site publishes none.
"""

from __future__ import annotations

from ..core import fmt
from ..core.display import Section, render_template
from .context import Context

BLANK = "……………………"  # a field the printed copy fills in by hand


def approval(ctx: Context) -> Section:
    """The sheet, with blanks for what the params do not give (an office can print and fill it)."""
    a = dict(ctx.approval)
    place, date = a.get("tempat") or BLANK, fmt.date(a["tanggal"]) if a.get("tanggal") else BLANK
    return Section(render_template(
        "sections/approval.html.j2", title=f"Laporan evaluasi RAN PASTI tahun {ctx.tahun}, {ctx.unit.label}",
        team=a.get("tim") or BLANK, office=a.get("kantor") or BLANK, position=a.get("jabatan") or BLANK,
        place=place, date=date, complete=bool(a.get("kantor") and a.get("jabatan"))))
