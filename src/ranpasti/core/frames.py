"""A table's rows as plain Python values, the shape templates and sentences read; a table's rows by position
without a copy where they lie together.

Why a module: a page turns ~15 small tables into rows (its own tables, its sentences), and pandas'
``to_dict("records")`` builds them a row at a time through ``itertuples``, a Series per column per call: on
a rapor of ~45 columns that was ~6% of an evaluation page's CPU. ``records`` builds them a column at a time
and gives the very same values (checked against pandas in ``tests/test_frames.py``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

_NUMERIC_KINDS = frozenset("biuf")  # numpy bool, int, uint, float: ``tolist`` gives what iterating gives


def _native(value: object) -> object:
    """A value of an object or extension column as ``to_dict`` boxes it: numpy scalars as Python ones,
    ``pd.NA`` as None, everything else as it is."""
    if value is pd.NA:
        return None
    if isinstance(value, np.generic):
        if isinstance(value, np.datetime64):
            return pd.Timestamp(value)
        if isinstance(value, np.timedelta64):  # (a NumPy integer too: tested first)
            return pd.Timedelta(value)
        if isinstance(value, np.bool_):
            return bool(value)
        if isinstance(value, np.integer):
            return int(value)
        if isinstance(value, np.floating):
            return float(value)
    return value


def records(frame: pd.DataFrame) -> list[dict]:
    """``frame.to_dict("records")``: one dict per row, column name → value, the same values and types."""
    columns = frame.columns.tolist()
    if not columns:  # rows without columns: one empty dict each
        return [{} for _ in range(len(frame))]
    values = []
    for _, series in frame.items():
        dtype = series.dtype
        if isinstance(dtype, np.dtype) and dtype.kind in _NUMERIC_KINDS:
            values.append(series.to_numpy().tolist())
        else:
            values.append([_native(v) for v in series])
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


def rows_at(frame: pd.DataFrame, positions: np.ndarray) -> pd.DataFrame:
    """``frame.take(positions)`` (positions ascending, as a groupby's ``indices`` gives them), as a slice of
    ``frame`` when they are one run of rows: a slice shares ``frame``'s memory (copy-on-write), where ``take``
    copies. Why: a worker keeps national tables split by kabupaten and facts parts split by level; as copies
    these doubled a page worker's memory on national data (~1 GB of 2.1)."""
    if len(positions) and positions[-1] - positions[0] + 1 == len(positions):
        return frame.iloc[positions[0]:positions[-1] + 1]
    return frame.take(positions)
