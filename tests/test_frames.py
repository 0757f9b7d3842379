"""``core.frames.records`` gives exactly what pandas' ``to_dict("records")`` gives, for any table a page may
show: the same keys, values and Python types (a float where pandas gives a float, None where it gives None),
so a table, a sentence or a download reads the same whichever builds its rows. Generated tables mix every
column type the pages use: numbers with gaps, nullable integers, strings with gaps (NumPy and Arrow),
booleans, dates, categories and object columns holding NumPy scalars, ``pd.NA`` and ``NaT``."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from ranpasti.core.frames import records

OBJECTS = st.sampled_from([None, pd.NA, pd.NaT, float("nan"), np.float64(1.5), np.int64(3), np.bool_(True), True,
                           0, 2.25, "teks", "", np.datetime64("2024-01-01"), np.timedelta64(3, "D"),
                           ("nama", "../a/")])


def column(kind: str, n: int, draw) -> pd.Series:
    if kind == "float":
        return pd.Series(draw(st.lists(st.one_of(st.floats(allow_infinity=False), st.just(float("nan"))),
                                       min_size=n, max_size=n)), dtype="float64")
    if kind == "int":
        return pd.Series(draw(st.lists(st.integers(-10**6, 10**6), min_size=n, max_size=n)), dtype="int64")
    if kind == "Int64":
        return pd.Series(draw(st.lists(st.one_of(st.none(), st.integers(-99, 99)), min_size=n, max_size=n)),
                         dtype="Int64")
    if kind in ("str", "string[pyarrow]", "string"):
        return pd.Series(draw(st.lists(st.one_of(st.none(), st.text(max_size=5)), min_size=n, max_size=n)),
                         dtype=kind)
    if kind == "bool":
        return pd.Series(draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype="bool")
    if kind == "date":
        return pd.Series(pd.to_datetime(draw(st.lists(st.one_of(st.none(), st.dates().map(str)), min_size=n,
                                                      max_size=n)), format="%Y-%m-%d"))
    if kind == "category":
        return pd.Series(draw(st.lists(st.sampled_from(["a", "b", None]), min_size=n, max_size=n)), dtype="category")
    return pd.Series(draw(st.lists(OBJECTS, min_size=n, max_size=n)), dtype=object)


KINDS = ["float", "int", "Int64", "str", "string[pyarrow]", "string", "bool", "date", "category", "object"]


@st.composite
def tables(draw) -> pd.DataFrame:
    n = draw(st.integers(0, 6))
    kinds = draw(st.lists(st.sampled_from(KINDS), min_size=0, max_size=8))
    return pd.DataFrame({f"c{i}": column(kind, n, draw) for i, kind in enumerate(kinds)}, index=range(n))


def _same(a: object, b: object) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return a is b or bool(a == b)


@settings(max_examples=300, deadline=None)
@given(tables())
def test_records_are_pandas_records(frame: pd.DataFrame) -> None:
    expected, got = frame.to_dict("records"), records(frame)
    assert len(got) == len(expected)
    for want, row in zip(expected, got, strict=True):
        assert list(row) == list(want)
        for key in want:
            assert _same(row[key], want[key]), (key, row[key], want[key], frame.dtypes[key])
