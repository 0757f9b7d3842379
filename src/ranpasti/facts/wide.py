"""Facts rows laid out one column per indicator: the shape a table of units (a rapor, a comparison, the
desa table) prints, so that its section selects and formats without reshaping (issue 33: no groupby, merge
or pivot in a section)."""

from __future__ import annotations

import pandas as pd


def by_indicator(values: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """``values`` (one row per unit × indicator, as ``Context.capaian`` and ``Context.annual`` give them) with
    one row per unit (``kode``) and columns (``column``, indicator) for each of ``columns``; empty (with
    those two column levels) when ``values`` is."""
    if values.empty:
        return pd.DataFrame(columns=pd.MultiIndex.from_arrays([[], []]))
    return values.pivot(index="kode", columns="indikator", values=columns)
