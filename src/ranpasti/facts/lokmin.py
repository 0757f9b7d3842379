"""Lokmin counts a page's follow-up section prints: follow-ups per month and status, the open ones per
problem, meetings held per kecamatan. Computed from the year's Lokmin rows the section already reads
(``evaluation._lokmin_year``: how a follow-up's status is read stays there), so the section only selects and
formats (issue 33: no groupby, merge or pivot in a section)."""

from __future__ import annotations

import pandas as pd


def status_per_month(rows: pd.DataFrame) -> pd.DataFrame:
    """Follow-ups per meeting month (``bulan``) and ``status``: columns ``bulan``, ``status``, ``jumlah``."""
    return rows.groupby(["bulan", "status"]).size().rename("jumlah").reset_index()


def open_by_problem(pending: pd.DataFrame) -> pd.DataFrame:
    """The open follow-ups (``pending``) per problem (``masalah``): how many, how many past their deadline
    (``lewat``), the kecamatan and the people responsible named once each; most overdue first."""
    grouped = pending.groupby("masalah").agg(
        jumlah=("masalah", "size"), lewat=("lewat", "sum"),
        kecamatan=("kecamatan", lambda s: ", ".join(sorted(set(s)))),
        penanggung_jawab=("penanggung_jawab", lambda s: ", ".join(sorted({v for v in s if v})))).reset_index()
    return grouped.sort_values(["lewat", "jumlah"], ascending=False)


def meetings_held(rows: pd.DataFrame) -> pd.Series:
    """Meetings held per kecamatan (``kode_kecamatan``): distinct meeting dates, however many follow-ups
    each meeting recorded."""
    return rows.drop_duplicates(["kode_kecamatan", "tanggal"]).groupby("kode_kecamatan").size()
