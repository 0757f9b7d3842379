"""Indonesian number and date formats (1.234,5; 31 Desember 2024; "tidak ada data").

Kept apart from the pages so that every number on the site goes through one place; a missing value is
always written the same way, never as 0 or "nan".
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd

BULAN = [
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
]
BULAN_SINGKAT = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]
NO_DATA = "tidak ada data"


def is_missing(value: Any) -> bool:
    """None, NaN and pandas' NA all mean "no data" (a zero denominator gives NaN upstream)."""
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def number(value: Any, decimals: int = 0) -> str:
    """``1234.5`` → ``1.234,5``: dot for thousands, comma for decimals."""
    if is_missing(value):
        return NO_DATA
    text = f"{float(value):,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def percent(value: Any, decimals: int = 1) -> str:
    if is_missing(value):
        return NO_DATA
    return f"{number(value, decimals)}%"


def target(value: Any) -> str:
    """A target as it is set: ``90`` → ``90%``, ``18.8`` → ``18,8%``. Never rounded to a figure it is not (the
    RPJMN's 18,8% for 2025 read "19%" with a fixed zero decimals)."""
    if is_missing(value):
        return NO_DATA
    decimals = next((d for d in (0, 1) if abs(round(float(value), d) - float(value)) < 1e-9), 2)
    return percent(value, decimals)


def change(value: Any, decimals: int = 1) -> str:
    """``8.25`` → ``+8,3``, ``-1.0`` → ``-1,0``, ``0`` → ``0,0``: a difference always says its direction."""
    if is_missing(value):
        return NO_DATA
    text = number(abs(value), decimals)
    if text.strip("0,") == "":
        return text
    return ("+" if value > 0 else "-") + text


def month(period: str, short: bool = False) -> str:
    """``"2024-03"`` → ``"Maret 2024"``."""
    year, m = period.split("-")
    names = BULAN_SINGKAT if short else BULAN
    return f"{names[int(m) - 1]} {year}"


def date(value: dt.date | dt.datetime | str) -> str:
    """``2024-12-31`` → ``31 Desember 2024``."""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return f"{value.day} {BULAN[value.month - 1]} {value.year}"


WIB = dt.timezone(dt.timedelta(hours=7), "WIB")


def datetime(value: dt.datetime) -> str:
    """A moment in Western Indonesian Time, as readers here tell the time: ``1 Desember 2026 pukul 13.47 WIB``.
    A naive value is taken as UTC (what the build records)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    value = value.astimezone(WIB)
    return f"{date(value)} pukul {value:%H.%M} WIB"
