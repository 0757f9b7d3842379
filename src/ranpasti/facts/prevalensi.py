"""Stunting prevalence as facts: each unit's published series against each year's target, and the figures
of many regions side by side, decided here so that a page only words them.

Prevalence is not counted from the inputs but copied from the Ministry of Health's surveys (SSGI; SKI in
2023, a different survey) through public pages (``prevalensi.csv``'s ``rujukan``). So the honest questions a
page must answer are: which survey measured this unit in a year; was a figure published for it; is the copy
certain (``status_angka``: an ``ambigu`` figure is listed, never drawn or judged); and what target applied in
*that* year (a target is a decision for its year: the RPJMN 2025–2029 set 18,8 % for 2025 after 14 % for 2024,
which is a new plan, not a rise to be read off a line).
"""

from __future__ import annotations

import math
from itertools import pairwise

import pandas as pd

from ..reference.indicators import INDICATORS
from ..reference.regions import CODE_LENGTH, level_of

INDICATOR = "prevalensi_stunting"
SURVEYS = ("SSGI", "SKI")  # Kemenkes surveys; e-PPGBM (administrative weighing) is kept apart
UNCERTAIN = "ambigu"

# Before the 2022 split, Papua (91) and Papua Barat (92) also covered today's 93–96: their 2021–2022 figures
# are of those larger provinces, and say so where they stand beside later years.
SPLIT_YEAR = 2022
SPLIT_FROM = {"93": "91", "94": "91", "95": "91", "96": "92"}
SPLIT_PARENTS = {"91": "Papua", "92": "Papua Barat"}

# the status a year's figure gets, in the words of the page
MET, NOT_MET = "tercapai", "belum tercapai"
NO_SURVEY, NO_FIGURE, UNCERTAIN_FIGURE, NO_TARGET = ("tidak ada survei", "tidak ada angka terbit",
                                                     "angka ambigu, tidak dinilai", "tidak ada target")


def surveys(prev: pd.DataFrame) -> list[tuple[int, str]]:
    """Every (year, survey) the data holds a survey figure for, anywhere: the surveys that exist."""
    s = prev[prev["sumber"].isin(SURVEYS)]
    return sorted({(int(y), str(n)) for y, n in zip(s["tahun"], s["sumber"], strict=True)})


def survey_label(tahun: int, sumber: str) -> str:
    return f"{sumber} {tahun}"


def status_of(prev: pd.DataFrame) -> pd.Series:
    """Each row's ``status_angka`` (an old file without the column: every figure as published)."""
    if "status_angka" not in prev:
        return pd.Series("terbit", index=prev.index, dtype=object)
    return prev["status_angka"].fillna("terbit").replace("", "terbit")


def split_note(kode: str, tahun: int) -> str:
    """What a reader must know about a province figure from before the Papua split ('' for any other)."""
    if tahun > SPLIT_YEAR:
        return ""
    if kode in SPLIT_PARENTS:
        return "provinsi sebelum pemekaran 2022 (mencakup wilayah Papua Selatan, Papua Tengah, Papua " \
               "Pegunungan dan Papua Barat Daya kini)" if kode == "91" else \
               "provinsi sebelum pemekaran 2022 (mencakup wilayah Papua Barat Daya kini)"
    if kode in SPLIT_FROM:
        return f"belum berdiri: wilayahnya termasuk angka {SPLIT_PARENTS[SPLIT_FROM[kode]]} sebelum pemekaran 2022"
    return ""


def targets_by_year(targets: pd.DataFrame, kode: str, years: range) -> pd.DataFrame:
    """The prevalence target that applies to ``kode`` in each year: its kabupaten's, else its province's, else
    the national one, never an earlier year's (``indicators.with_target``'s rule). Columns ``tahun, target,
    sumber_target, wilayah_target`` (the code of the region that set it; NaN target where none)."""
    return pd.DataFrame(_targets(targets, kode, years), columns=["tahun", "target", "sumber_target", "wilayah_target"])


def _targets(targets: pd.DataFrame, kode: str, years: range) -> list[dict]:
    """``targets_by_year``'s rows as dicts: a few dozen target rows, looked up in Python (a page asks once; a
    boolean filter per year and region cost more than the rest of the section)."""
    t = targets[targets["indikator"] == INDICATOR]
    held = {(str(k), int(y)): (float(v), "" if pd.isna(src) else str(src))
            for k, y, v, src in zip(t["kode_wilayah"], t["tahun"], t["target"], t["sumber"], strict=True)}
    lengths = [n for n in (CODE_LENGTH["kabupaten"], CODE_LENGTH["provinsi"]) if kode != "ID" and len(kode) >= n]
    scopes = [kode[:n] for n in lengths] + ["ID"]
    rows = []
    for year in years:
        scope = next((sc for sc in scopes if (sc, year) in held), None)
        value, source = held[(scope, year)] if scope else (math.nan, "")
        rows.append({"tahun": year, "target": value, "sumber_target": source, "wilayah_target": scope or ""})
    return rows


def series(prev: pd.DataFrame, targets: pd.DataFrame, kode: str, last_year: int) -> pd.DataFrame:
    """One row per year from the first survey in the data to ``last_year``: the unit's survey figure (if any),
    its source and certainty, that year's target and the verdict on that figure against that target.

    ``status``: ``tercapai`` / ``belum tercapai`` (decided on the unrounded figure; lower is better), ``tidak
    ada survei`` (no survey that year anywhere in the data), ``tidak ada angka terbit`` (a survey, but no
    figure for this unit), ``angka ambigu, tidak dinilai``, ``tidak ada target``."""
    held = surveys(prev)
    first = min((y for y, _ in held), default=last_year)
    surveyed = dict(held)
    own = prev[(prev["kode_wilayah"] == kode) & prev["sumber"].isin(SURVEYS)]
    figures = {int(r["tahun"]): r for r in own.assign(status_angka=status_of(own)).to_dict("records")}
    rows = []
    for row in _targets(targets, kode, range(first, last_year + 1)):
        year, target = row["tahun"], row["target"]
        hit = figures.get(year)
        row.update(sumber=surveyed.get(year, ""), prevalensi=math.nan, status_angka="", rujukan="", keterangan="",
                   catatan_wilayah=split_note(kode, year) if year in surveyed else "")
        if hit is not None:
            row.update(sumber=str(hit["sumber"]), prevalensi=float(hit["prevalensi"]),
                       status_angka=str(hit["status_angka"]), rujukan=_text(hit.get("rujukan")),
                       keterangan=_text(hit.get("keterangan")))
        if hit is None:
            status = NO_FIGURE if year in surveyed else NO_SURVEY
        elif row["status_angka"] == UNCERTAIN:
            status = UNCERTAIN_FIGURE
        elif math.isnan(target):
            status = NO_TARGET
        else:
            status = MET if row["prevalensi"] <= target else NOT_MET
        rows.append({**row, "status": status})
    return pd.DataFrame(rows)


def target_changes(by_year: pd.DataFrame) -> list[dict]:
    """Each year whose target moved against the indicator's direction from the previous year that had one (for
    prevalence, a *higher* target): a change of plan a reader must be told of in words, since a line joining
    the two would read as a rise. Each: ``tahun, target, sumber, sebelum_tahun, sebelum, sebelum_sumber``."""
    lower_is_better = INDICATORS[INDICATOR].direction == "turun"
    t = by_year.dropna(subset=["target"])
    out = []
    rows = list(t[["tahun", "target", "sumber_target"]].itertuples(index=False))
    for (y0, v0, s0), (y1, v1, s1) in pairwise(rows):
        if (v1 > v0) if lower_is_better else (v1 < v0):
            out.append({"tahun": int(y1), "target": float(v1), "sumber": s1, "sebelum_tahun": int(y0),
                        "sebelum": float(v0), "sebelum_sumber": s0})
    return out


def by_region(prev: pd.DataFrame, codes: list[str], last_year: int) -> pd.DataFrame:
    """The survey figures of ``codes`` side by side: one row per code, one column per survey up to ``last_year``
    (``SSGI 2021``, …; NaN where no figure was published), ``ambigu`` listing the uncertain ones and
    ``catatan_wilayah`` the Papua split. Rows in the order of ``codes``."""
    held = [(y, n) for y, n in surveys(prev) if y <= last_year]
    labels = [survey_label(y, n) for y, n in held]
    s = prev[prev["kode_wilayah"].isin(codes) & prev["sumber"].isin(SURVEYS)]
    s = s.assign(status_angka=status_of(s), survei=[survey_label(int(y), n) for y, n in zip(s["tahun"], s["sumber"],
                                                                                          strict=True)])
    s = s[s["survei"].isin(labels)]
    wide = s.pivot_table(index="kode_wilayah", columns="survei", values="prevalensi", aggfunc="first")
    wide = wide.reindex(index=codes, columns=labels)
    uncertain = s[s["status_angka"] == UNCERTAIN].groupby("kode_wilayah")["survei"].agg(", ".join)
    wide["ambigu"] = uncertain.reindex(codes).fillna("").to_numpy()
    wide["catatan_wilayah"] = [_region_note(k, held) for k in codes]
    return wide.rename_axis(index="kode", columns=None).reset_index()


def missing(wide: pd.DataFrame, labels: list[str]) -> dict[str, list[str]]:
    """For each survey label, the codes of ``by_region``'s table without a published figure (a province that
    did not exist yet is not missing a figure: its area is in its parent's, ``split_note``)."""
    out = {}
    for label in labels:
        year = int(label.rsplit(" ", 1)[1])
        out[label] = [k for k, v in zip(wide["kode"], wide[label], strict=True)
                      if math.isnan(v) and not (k in SPLIT_FROM and year <= SPLIT_YEAR)]
    return out


def _region_note(kode: str, held: list[tuple[int, str]]) -> str:
    years = [y for y, _ in held if split_note(kode, y)]
    if not years or level_of(kode) != "provinsi":
        return ""
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
    return f"{span}: {split_note(kode, years[0])}"


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)
