"""Statuses as they stood on a date: the Lokmin follow-ups and the Kampung KB classes of a dated history.

``lokmin.csv`` and ``kampung_kb.csv`` may hold several rows per item, one per change, each dated by
``tanggal_status`` (issue 34). A page reads every item as it stood at the end of its period: an evaluation
on 31 December of its year, a progress page on the last day of its month. The latest status dated on or
before that day wins, so a status recorded in 2026 never rewrites the 2025 evaluation, which an evaluator
signed as it stood. A row without ``tanggal_status`` (every file written before the column existed) is the
status at the item's own date: a Lokmin follow-up's at its meeting, a Kampung KB's from the year it was
formed; a file without dates therefore reads exactly as before, its one status everywhere.

Pages call these functions through ``pages.context.Context``; nothing here knows a page.
"""

from __future__ import annotations

import calendar
import unicodedata

import numpy as np
import pandas as pd

# what identifies one Lokmin follow-up across the rows of its history: the meeting and what it agreed
LOKMIN_ITEM = ("kode_kecamatan", "tanggal", "tahap", "masalah", "rencana_tindak_lanjut")
DONE = "selesai"
# a follow-up met by the date but whose every status was recorded after it: nothing says it had started
NO_STATUS_YET = "belum dimulai"
KAMPUNG_STATE = ("klasifikasi", "rumah_dataku", "dashat", "bkb")  # what a Kampung KB's history records


def month_end(bulan: str) -> str:
    """``"2025-12"`` → ``"2025-12-31"``: the day a page's statuses are read at."""
    year, month = int(bulan[:4]), int(bulan[5:7])
    return f"{bulan[:7]}-{calendar.monthrange(year, month)[1]:02d}"


def _fold(text: pd.Series) -> pd.Series:
    """Text as two rows of one item compare (as the validator compares Lokmin rows from two files): a history
    row retyped with other capitals or spacing is the same follow-up."""
    folded = text.fillna("").astype(str).map(lambda t: unicodedata.normalize("NFKC", t).casefold())
    return folded.str.replace(r"\s+", " ", regex=True).str.strip()


def _dated(df: pd.DataFrame, own: pd.Series) -> pd.Series:
    """Each row's status date: its ``tanggal_status``, else the item's own date ``own``."""
    given = df["tanggal_status"].fillna("").astype(str) if "tanggal_status" in df else pd.Series("", index=df.index)
    return given.where(given.str.strip() != "", own)


def _latest(df: pd.DataFrame, item: pd.Series, dated: pd.Series, as_of: str) -> tuple[pd.DataFrame, pd.Series]:
    """Per item, the row with the latest status dated on or before ``as_of`` (two on one day: the one later in
    the file), and which items have none."""
    order = pd.Series(np.arange(len(df)), index=df.index)
    known = dated <= as_of
    frame = pd.DataFrame({"item": item, "dated": dated, "order": order})
    latest = frame[known].sort_values(["dated", "order"]).drop_duplicates("item", keep="last")
    first = frame.drop_duplicates("item", keep="first")
    unknown = first[~first["item"].isin(latest["item"])]
    return df.loc[latest.index], unknown.index.to_series()


def lokmin_as_of(lok: pd.DataFrame, as_of: str) -> pd.DataFrame:
    """One row per Lokmin follow-up whose meeting was on or before ``as_of`` (ISO date), with the status it had
    on that day and the date that status was recorded (``tanggal_status``, the meeting's when undated). A
    follow-up whose every status was recorded later had none yet: it is read as ``NO_STATUS_YET``, open,
    never as the later status. Rows in the order of their first mention."""
    df = lok[lok["tanggal"].astype(str) <= as_of] if len(lok) else lok
    columns = [*lok.columns, *(["tanggal_status"] if "tanggal_status" not in lok.columns else [])]
    if df.empty:
        return pd.DataFrame(columns=columns)
    item = pd.Series(pd.util.hash_pandas_object(pd.DataFrame({c: _fold(df[c]) for c in LOKMIN_ITEM}), index=False)
                     .to_numpy(), index=df.index)
    dated = _dated(df, df["tanggal"].astype(str))
    latest, unknown = _latest(df, item, dated, as_of)
    out = latest.assign(tanggal_status=dated[latest.index])
    if len(unknown):
        pending = df.loc[unknown.index].assign(status=NO_STATUS_YET, tanggal_status="")
        out = pd.concat([out, pending])
    first = item.drop_duplicates(keep="first")
    rank = pd.Series(np.arange(len(first)), index=first.to_numpy())
    out = out.iloc[np.argsort(rank[item[out.index]].to_numpy(), kind="stable")]
    return out[columns].reset_index(drop=True)


def months_overdue(tenggat: pd.Series, as_of: str) -> pd.Series:
    """Whole months from each deadline to ``as_of`` (0 in the deadline's own month); NaN without a deadline or
    before it."""
    when = pd.to_datetime(tenggat.fillna("").astype(str), format="%Y-%m-%d", errors="coerce")
    end = pd.Timestamp(as_of)
    months = (end.year - when.dt.year) * 12 + (end.month - when.dt.month) - (end.day < when.dt.day).astype(int)
    return months.where(when < end).astype("float64")


def open_from_earlier_years(items: pd.DataFrame, tahun: int, as_of: str) -> pd.DataFrame:
    """Follow-ups of meetings before ``tahun`` still not done on ``as_of`` (``items`` from ``lokmin_as_of``),
    with ``bulan_lewat``: months past their deadline on that day. Oldest meeting first."""
    earlier = items[(items["tanggal"].astype(str).str.slice(0, 4) < str(tahun)) & (items["status"] != DONE)]
    earlier = earlier.assign(bulan_lewat=months_overdue(earlier["tenggat"] if "tenggat" in earlier
                                                        else pd.Series("", index=earlier.index), as_of))
    return earlier.sort_values(["tanggal", "kode_kecamatan"], kind="stable").reset_index(drop=True)


def kampung_as_of(kkb: pd.DataFrame, as_of: str) -> pd.DataFrame:
    """One row per desa whose Kampung KB was formed by the year of ``as_of``, with its class and instruments as
    last recorded on or before ``as_of`` (an undated row: from the year it was formed). A Kampung KB whose
    every record is dated later has no class yet on that day: its state columns are blank (not classified),
    never the later class."""
    columns = [*kkb.columns, *(["tanggal_status"] if "tanggal_status" not in kkb.columns else [])]
    if kkb.empty:
        return pd.DataFrame(columns=columns)
    formed = pd.to_numeric(kkb["tahun_terbentuk"], errors="coerce")
    df = kkb[formed <= int(as_of[:4])]
    if df.empty:
        return pd.DataFrame(columns=columns)
    own = formed[df.index].map(lambda y: f"{int(y):04d}-01-01")
    dated = _dated(df, own)
    item = df["kode_desa"].astype(str)
    latest, unknown = _latest(df, item, dated, as_of)
    out = latest.assign(tanggal_status=dated[latest.index])
    if len(unknown):
        blank = {c: "" for c in KAMPUNG_STATE if c in df.columns}
        out = pd.concat([out, df.loc[unknown.index].assign(tanggal_status="", **blank)])
    return out.sort_values("kode_desa", kind="stable")[columns].reset_index(drop=True)
