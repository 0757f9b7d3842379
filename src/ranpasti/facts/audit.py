"""Audit kasus stunting rounds of a kabupaten-year: one row per round (``putaran``) from the
recommendation rows of ``audit_kasus.csv``, which repeat each round's date, cases and dissemination, so the
section prints them without grouping (issue 33: no groupby, merge or pivot in a section)."""

from __future__ import annotations

import pandas as pd


def rounds(rows: pd.DataFrame) -> pd.DataFrame:
    """Per round, in order: its audit date, cases audited (the largest a row states), dissemination date
    (``tanggal_diseminasi``, "" when the optional column is absent), recommendations and how many are done."""
    if "tanggal_diseminasi" not in rows:
        rows = rows.assign(tanggal_diseminasi="")
    return (rows.groupby("putaran", sort=True)
            .agg(tanggal_audit=("tanggal_audit", "first"), kasus=("kasus_diaudit", "max"),
                 diseminasi=("tanggal_diseminasi", "first"), rekomendasi=("rekomendasi", "size"),
                 selesai=("status", lambda s: int((s == "selesai").sum())))
            .reset_index())
