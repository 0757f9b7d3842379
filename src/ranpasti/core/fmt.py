"""Indonesian number and date formats (1.234,5; 31 Desember 2024; "tidak ada data").

Kept apart from the pages so that every number on the site goes through one place; a missing value is
always written the same way, never as 0 or "nan".
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd

BULAN = [
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
]
BULAN_SINGKAT = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]
NO_DATA = "tidak ada data"
NO_TARGET = "belum ada target"  # a target nobody has set is not missing data: "Target: tidak ada data" misled


def is_missing(value: Any) -> bool:
    """None, NaN and pandas' NA all mean "no data" (a zero denominator gives NaN upstream)."""
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def exact(value: Any) -> Decimal:
    """The decimal a float stands for as written (its shortest repr: ``87.45`` is 87,45, not the binary
    87,4499999…), so that rounding it half-up gives what a person rounding the printed figure gets."""
    return value if isinstance(value, Decimal) else Decimal(repr(float(value)))


def half_up(value: Any, decimals: int = 1) -> Decimal:
    """``value`` rounded half-up to ``decimals`` places (87,45 → 87,5), never banker's rounding (Python's
    ``round`` and ``format`` round 0,125 to 0,12 and 87,45 to 87,4 on the binary value)."""
    return exact(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def shown(value: Any, target: Any = None, direction: str = "naik", decimals: int = 1) -> Decimal | None:
    """The one display rule for a percentage, applied by every view (cards, tables, downloads, charts, alt text,
    map titles): the unrounded ``value`` rounded half-up to ``decimals`` places. Where that would read as
    meeting a ``target`` the unrounded value misses (89,96 against 90 would read "90,0"), one more decimal at a
    time until it no longer does ("89,96"): the figure is never moved toward or away from the target, only
    written more precisely. Statuses are decided on the unrounded value, elsewhere. None for no data.

    Views keep the unrounded value and apply this once, where they write it: shown again, a figure that
    needed two places can round differently (14,0451 against a "turun" target of 14 is 14,05; 14,05 is 14,1)."""
    if is_missing(value):
        return None
    figure = exact(value)
    q = half_up(figure, decimals)
    if is_missing(target) or not figure.is_finite():
        return q
    goal = exact(target)
    down = direction == "turun"
    misses = figure > goal if down else figure < goal
    places = decimals
    while misses and (q <= goal if down else q >= goal):
        places += 1  # terminates: at the figure's own precision q equals the figure, which misses
        q = half_up(figure, places)
    return q


def shown_value(value: Any, target: Any = None, direction: str = "naik", decimals: int = 1) -> float:
    """``shown`` as a float (NaN for no data): what downloads and chart data carry, equal to the page's text."""
    q = shown(value, target, direction, decimals)
    return float("nan") if q is None else float(q)


def difference(now: Any, before: Any) -> float:
    """The difference of two shown figures (``shown``), exact: the three numbers on a row add up as read."""
    if is_missing(now) or is_missing(before):
        return float("nan")
    return float(exact(now) - exact(before))


def places(value: Any) -> int:
    """Decimal places of ``value`` as written (``89.96`` → 2): how many a shown figure needs."""
    if is_missing(value):
        return 0
    e = exact(value).normalize().as_tuple().exponent
    return max(0, -e) if isinstance(e, int) else 0


def text(q: Decimal) -> str:
    """A figure already rounded (``shown``, ``half_up``, or a difference of shown figures) in Indonesian notation,
    all its places kept: ``1234.50`` → ``1.234,50``."""
    written = f"{q:,f}"
    return written.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def number(value: Any, decimals: int = 0) -> str:
    """``1234.5`` → ``1.234,5``: dot for thousands, comma for decimals, rounded half-up."""
    if is_missing(value):
        return NO_DATA
    return text(half_up(value, decimals))


def percent(value: Any, decimals: int = 1, target: Any = None, direction: str = "naik") -> str:
    """A percentage as every view writes it (``shown``): ``87.48`` → ``87,5%``; ``89.96`` against 90 → ``89,96%``."""
    q = shown(value, target, direction, decimals)
    return NO_DATA if q is None else f"{text(q)}%"


def target(value: Any) -> str:
    """A target as it is set: ``90`` → ``90%``, ``18.8`` → ``18,8%``. Never rounded to a figure it is not (the
    RPJMN's 18,8% for 2025 read "19%" with a fixed zero decimals). No target: "belum ada target"."""
    if is_missing(value):
        return NO_TARGET
    decimals = next((d for d in (0, 1) if half_up(value, d) == exact(value)), 2)
    return f"{number(value, decimals)}%"


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
