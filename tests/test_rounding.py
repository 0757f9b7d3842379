"""Issue 33, item 2: one rounding and one display rule for every percentage (``fmt.shown``).

A percentage is its unrounded value rounded half-up to one decimal; where that would read as meeting a target
the unrounded value misses, it is written with more decimals instead (89,96 against 90), never moved. The
same rule makes the page's text, the downloads and the charts, so an auditor recomputing a figure from the
counts beside it in a CSV finds exactly the figure published.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from pathlib import Path

import pandas as pd
from hypothesis import example, given
from hypothesis import strategies as st

from ranpasti.core import fmt
from ranpasti.reference import indicators as ind

percentages = st.floats(min_value=0, max_value=200, allow_nan=False, allow_infinity=False)
targets = st.one_of(st.none(), st.integers(0, 100).map(float), st.floats(0, 100).map(lambda v: round(v, 1)))


def _meets(figure: Decimal, target: Decimal, direction: str) -> bool:
    return figure <= target if direction == "turun" else figure >= target


@given(percentages, targets, st.sampled_from(["naik", "turun"]))
@example(89.96, 90.0, "naik")
@example(87.48, 90.0, "naik")
@example(87.45, None, "naik")
@example(14.01, 14.0, "turun")
@example(89.999999, 90.0, "naik")
def test_the_display_rule(value: float, target: float | None, direction: str) -> None:
    """Half-up on the figure as written; never reads as meeting a missed target; more places only when the
    fewer would read as meeting it. Shown again, a figure reads the same where higher is better (views keep the
    unrounded value and show it once: a "turun" figure that needed two places can round twice)."""
    q = fmt.shown(value, target, direction)
    exact = Decimal(repr(value))
    one = exact.quantize(Decimal("0.1"), rounding="ROUND_HALF_UP")
    places = max(1, -q.as_tuple().exponent)
    assert q == exact.quantize(Decimal(1).scaleb(-places), rounding="ROUND_HALF_UP")  # half-up, never moved
    if target is not None and not _meets(exact, Decimal(repr(target)), direction):
        assert not _meets(q, Decimal(repr(target)), direction)  # never reads as meeting a missed target
    if places > 1:  # one place more only where one fewer would read as meeting the target
        fewer = exact.quantize(Decimal(1).scaleb(-(places - 1)), rounding="ROUND_HALF_UP")
        assert target is not None and _meets(fewer, Decimal(repr(target)), direction)
    else:
        assert q == one
    if direction == "naik":
        assert fmt.shown(float(q), target, direction) == q
    assert fmt.percent(value, target=target, direction=direction) == fmt.text(q) + "%"


def test_half_up_not_bankers() -> None:
    assert fmt.percent(87.45) == "87,5%" and fmt.percent(0.25) == "0,3%"  # binary 87,4499… and 0,2 (even)
    assert fmt.number(2.5) == "3" and fmt.number(1234.45, 1) == "1.234,5"
    assert fmt.percent(87.48, target=90) == "87,5%"  # issue 33: was cut to "87,4"
    assert fmt.percent(89.96, target=90) == "89,96%" and fmt.percent(89.96) == "90,0%"
    assert fmt.shown_value(float("nan")) != fmt.shown_value(float("nan"))  # NaN: no data


# ---------------------------------------------------------------- the evaluation pages' downloads


LABELS = {i.label: i for i in ind.INDICATORS.values()}


def _number(cell: object) -> float | None:
    """A CSV cell as a number, None where it is text (masked, "tidak ada data") or empty."""
    try:
        value = float(str(cell))
    except ValueError:
        return None
    return None if math.isnan(value) else value


def _check(expected: Decimal | None, published: float | None, where: str) -> None:
    if expected is None or published is None:
        assert published is None or expected is None, where
        return
    assert Decimal(repr(published)) == expected, f"{where}: {published} ≠ {expected}"


def _recompute(page: Path) -> int:
    """Every percentage of an evaluation page's downloads that has its counts beside it, recomputed with the
    rule; returns how many were checked."""
    checked = 0
    for csv in sorted(page.glob("*.csv")):
        rows = pd.read_csv(csv, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        cols = list(rows.columns)
        value_col = next((c for c in cols if c.startswith("Capaian Jan–Des")), None)
        if value_col:  # evaluasi-indikator: the year's figure, % of target and the change
            for r in rows.to_dict("records"):
                i = LABELS[r["Indikator"]]
                num, den = _number(r["Didampingi atau dilayani (setahun)"]), _number(r["Sasaran (setahun)"])
                target = _number(r["Target"])
                if num is None or not den:
                    continue
                where = f"{csv} {i.label}"
                value = num / den * 100
                _check(fmt.shown(value, target, i.direction), _number(r[value_col]), where)
                if target:
                    vs = value / target * 100 if i.direction != "turun" else target / value * 100
                    _check(fmt.shown(vs, 100), _number(r["Capaian vs target"]), where + " vs target")
                last = next(c for c in cols if re.fullmatch(r"Capaian \d{4}", c))
                before, change = _number(r[last]), _number(r[f"Perubahan dari {last[-4:]} (poin)"])
                if before is not None and change is not None:
                    assert Decimal(repr(change)) == Decimal(repr(_number(r[value_col]))) - Decimal(repr(before)), where
                checked += 1
        elif csv.stem == "cakupan-layanan":
            for r in rows.to_dict("records"):
                i = LABELS[r["Layanan"]]
                num, den = _number(r["Mendapat layanan"]), _number(r["Sasaran"])
                if num is None or not den:
                    continue
                _check(fmt.shown(num / den * 100, _number(r["Target"]), i.direction), _number(r["Cakupan"]),
                       f"{csv} {i.label}")
                checked += 1
        elif csv.stem in ("kampung-kb", "lokmin-pertemuan"):  # no target column: no more places than it needs
            num_col, den_col, value_col = cols[1], cols[2], cols[3]
            for r in rows.to_dict("records"):
                num, den, published = _number(r[num_col]), _number(r[den_col]), _number(r[value_col])
                if num is None or not den or published is None:
                    continue
                places = max(1, fmt.places(published))
                assert places <= 2, (csv, r)
                _check(fmt.half_up(num / den * 100, places), published, f"{csv} {r[cols[0]]}")
                checked += 1
    return checked


def test_every_percentage_in_the_evaluation_downloads_recomputes_from_its_counts(sample_sites) -> None:
    """Issue 33, "Done when" 2: an auditor recomputing from the counts beside each percentage in the
    evaluation pages' CSV downloads finds exactly the published figure (it was cut, 0,1 off, everywhere)."""
    site = sample_sites("builtin")["site"]
    pages = sorted({p.parent for p in site.glob("**/evaluasi-*/evaluasi-indikator.csv")})
    assert pages
    checked = sum(_recompute(page) for page in pages)
    assert checked > 100
