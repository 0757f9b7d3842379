"""TPPS (Tim Percepatan Penurunan Stunting) of a kabupaten/kota and its kecamatan for one year, from the
optional ``tpps.csv``: whether each team has its decree (SK), who chairs it (a position, never a person),
its members by unsur, and how many times it met.

On a kabupaten page: its own team in one sentence, then every kecamatan's team (a kecamatan without a row
is listed as "tidak ada data"). On a kecamatan page: its team in one sentence and its unsur. The latest year
up to the page's on a progress page, the page's year on an evaluation page; without data, one line.
"""

from __future__ import annotations

import pandas as pd

from ..core import fmt
from ..core.display import Col, Section, Table, render_template
from .common import not_provided, source, yearly_rows
from .context import Context, memoised

TABLE = "tpps"


@memoised
def tpps_rows(ctx: Context) -> tuple[int | None, pd.DataFrame]:
    """(year, the rows of the page's unit and the units inside it for that year), or (None, empty)."""
    if ctx.level not in ("kabupaten", "kecamatan"):
        return None, pd.DataFrame()
    year, rows = yearly_rows(ctx, TABLE)
    if year is None:
        return None, rows
    return year, rows.set_index("kode_unit")


def _given(row: pd.Series, col: str) -> str:
    value = row.get(col, "")
    return "" if fmt.is_missing(value) else str(value).strip()


def has_decree(row: pd.Series) -> bool:
    """Whether a team's row names its SK (a blank number: formed without a decree yet)."""
    return bool(_given(row, "nomor_sk"))


def _unsur(row: pd.Series | None) -> list[str]:
    """A team's unsur, as listed (separated by semicolons)."""
    return [u.strip() for u in _given(row, "unsur").split(";") if u.strip()] if row is not None else []


def kecamatan_teams(ctx: Context, rows: pd.DataFrame) -> pd.DataFrame:
    """Every kecamatan of the page's kabupaten with its team's row for the year (blank without one): the
    section's table and the evaluation summary count the same teams."""
    kec = ctx.regions.children(ctx.kode)
    return pd.DataFrame({"nama": kec["nama"]}, index=kec.index).join(rows, how="left")


def decree_count(frame: pd.DataFrame) -> int:
    """How many of ``frame``'s teams have an SK."""
    return sum(has_decree(r) for _, r in frame.iterrows())


def _sentence(name: str, row: pd.Series) -> str:
    """"TPPS Kecamatan Tugumulyo: SK nomor 12/SK/KEC/2024 (3 Februari 2024), diketuai Camat, 9 anggota dari 6
    unsur, 3 rapat tahun ini." """
    sk, when = _given(row, "nomor_sk"), _given(row, "tanggal_sk")
    decree = f"SK nomor {sk}" + (f" ({fmt.date(when)})" if when else "") if sk else "belum ada SK pembentukan"
    unsur = _unsur(row)
    members = f"{fmt.number(row['jumlah_anggota'])} anggota" + (f" dari {len(unsur)} unsur" if unsur else "")
    return f"TPPS {name}: {decree}, diketuai {_given(row, 'ketua') or 'tidak disebut'}, {members}, " \
           f"{fmt.number(row['rapat'])} rapat."


def tpps(ctx: Context) -> Section:
    """The page's TPPS (and its kecamatan's on a kabupaten page) for one year."""
    year, rows = tpps_rows(ctx)
    if year is None:
        return not_provided(ctx, "TPPS")
    own = rows.loc[ctx.kode] if ctx.kode in rows.index else None
    text = (f"Tahun {year}. " + (_sentence(ctx.unit.label, own) if own is not None
                                 else f"TPPS {ctx.unit.label}: tidak ada data."))
    parts: list = []
    if ctx.level == "kecamatan":
        unsur = _unsur(own)
        if unsur:
            text += " Unsur anggota: " + ", ".join(unsur) + "."
        return Section(render_template("sections/summary.html.j2", text=text))
    frame = kecamatan_teams(ctx, rows)
    frame["sk"] = [(_given(r, "nomor_sk") or "belum ada SK") if not fmt.is_missing(r.get("ketua")) else "tidak ada data"
                   for _, r in frame.iterrows()]
    with_sk = decree_count(frame)
    reported = int(frame["ketua"].notna().sum())
    met = pd.to_numeric(frame["rapat"], errors="coerce")
    text += (f" Kecamatan: {with_sk} dari {len(frame)} TPPS kecamatan punya SK pembentukan; "
             f"{int((met > 0).sum())} mengadakan rapat tahun ini (rata-rata {fmt.number(met.mean(), 1)} rapat)"
             + (f"; {len(frame) - reported} kecamatan tanpa data" if reported < len(frame) else "") + ".")
    parts.append(render_template("sections/summary.html.j2", text=text))
    parts.append(Table(frame.reset_index(drop=True),
                       [Col("nama", "Kecamatan"), Col("sk", "SK pembentukan"), Col("ketua", "Ketua"),
                        Col("jumlah_anggota", "Anggota", "int"), Col("rapat", "Rapat", "int"),
                        Col("unsur", "Unsur anggota")],
                       name="tpps-kecamatan",
                       caption=f"TPPS kecamatan di {ctx.unit.label}, {year} (sumber: {source(TABLE)})"))
    return Section(*parts)
