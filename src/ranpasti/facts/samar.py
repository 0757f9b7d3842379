"""The masking decision (``disclosure.decide``) in the facts phase: made once per kabupaten-year, when the
kabupaten's part is computed, from the facts' own figures of the main indicator, and stored on those rows.

It used to be made inside the page workers (~0.3 CPU-s per kabupaten-year, recomputing the main indicator
with ``indicators.capaian`` period by period), once per worker that ran a page of the kabupaten. Here each
main-indicator row of the facts carries its decision: ``kecil`` (a primary cell), ``samar`` (``""`` or the
kind: ``primer``, ``sekunder``, ``induk``, ``turunan``) and ``bawah``/``atas`` (the bounds a reader knows of
a masked count), so every view (tables, map titles, rapor, cards, downloads, the audit's record) reads the
masked form of the same row (``shown``, ``published``).

The decision covers a kabupaten's desa, kecamatan and its own total, every period the facts hold (months,
ranges from January, semester 2, the year on both bases): the facts' periods are the periods pages publish.
A kabupaten's total is never masked by the rule (only desa are primary or complementary, only kecamatan are
masked as a parent, and the closure follows a unit masked in a month), so the upper part's rows carry the
decision of a shown figure (``DEFAULTS``); ``pendampingan.table`` decides every level at once and the parts
must equal it, which checks that.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..ingest.store import Store
from ..reference import indicators as ind
from ..reference.regions import CODE_LENGTH
from . import disclosure
from .disclosure import Rule

MAIN_INDICATOR = "krs_didampingi"  # what rankings sort by and what privacy masks first
MASKED_BAND = ("Disamarkan", "#9aa3ad")  # the status of a masked figure: its band would tell its range
DECISION = ["kecil", "samar", "bawah", "atas"]  # the columns the decision adds to every facts row
DEFAULTS = {"kecil": False, "samar": "", "bawah": 0.0, "atas": np.inf}  # a shown figure (and any other indicator)
DECIDED_LEVELS = ("desa", "kecamatan", "kabupaten")
_KEY = ["tingkat", "kode", "periode", "dasar"]


def rule(store: Store) -> Rule:
    return Rule(store.config.privacy_min_krs, store.config.privacy_protection)


def figures(rows: pd.DataFrame, values: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """The main indicator's figures of ``values`` (facts values at desa, kecamatan and kabupaten level) as
    ``disclosure.FIGURE_COLUMNS``: a desa figure is primary (``kecil``) when it has fewer than ``threshold``
    (but some) families, or when any month of its period had (``rows``: the desa-month rows it sums)."""
    main = ind.INDICATORS[MAIN_INDICATOR]
    out = values[(values["indikator"] == MAIN_INDICATOR) & values["tingkat"].isin(DECIDED_LEVELS)]
    out = out[["kode", "tingkat", "periode", "dasar", "pembilang", "penyebut"]].reset_index(drop=True)
    kode = out["kode"]
    out["induk"] = np.where(out["tingkat"] == "desa", kode.str.slice(0, CODE_LENGTH["kecamatan"]),
                            np.where(out["tingkat"] == "kecamatan", kode.str.slice(0, CODE_LENGTH["kabupaten"]), ""))
    desa = out["tingkat"] == "desa"
    small = pd.Series(False, index=out.index)
    if main.denominator in rows:
        den = rows[main.denominator].astype("float64")
        months = rows.loc[(den > 0) & (den < threshold), ["kode_desa", "bulan"]].drop_duplicates()
        if len(months):
            parts = out.loc[desa, "periode"].str.partition("..")
            first, last = parts[0], parts[2].where(parts[2] != "", parts[0])
            spans = pd.DataFrame({"kode_desa": out.loc[desa, "kode"], "first": first, "last": last})
            hit = spans.reset_index().merge(months, on="kode_desa")
            hit = hit[(hit["bulan"] >= hit["first"]) & (hit["bulan"] <= hit["last"])]
            small.loc[hit["index"].unique()] = True
    out["kecil"] = disclosure.small_cells(out["penyebut"], small, threshold) & desa
    return out[disclosure.FIGURE_COLUMNS]


def decide(rows: pd.DataFrame, values: pd.DataFrame, threshold_rule: Rule) -> pd.DataFrame:
    """``disclosure.decide`` over every kabupaten-year of ``values``, a reader knowing which desa reported in
    which month (``rows``' desa-months)."""
    cells = rows[["kode_desa", "bulan"]].drop_duplicates()
    return disclosure.decide(figures(rows, values, threshold_rule.threshold), threshold_rule, cells)


def attach(finished: pd.DataFrame, decided: pd.DataFrame | None) -> pd.DataFrame:
    """``finished`` facts rows with the decision columns: the main indicator's from ``decided`` (the rows of
    ``decide``), every other row those of a shown figure."""
    out = finished.assign(**DEFAULTS)
    if decided is None or decided.empty or out.empty:
        return out
    found = decided.set_index(_KEY)[DECISION]
    main = (out["indikator"] == MAIN_INDICATOR).to_numpy()
    at = found.reindex(pd.MultiIndex.from_frame(out.loc[main, _KEY]))  # (a row without a decision: shown)
    out.loc[main, "samar"] = at["samar"].fillna("").to_numpy(dtype=object)
    out.loc[main, "kecil"] = at["kecil"].fillna(False).to_numpy(dtype=bool)
    out.loc[main, "bawah"] = at["bawah"].fillna(0.0).to_numpy(dtype="float64")
    out.loc[main, "atas"] = at["atas"].fillna(np.inf).to_numpy(dtype="float64")
    out["kecil"] = out["kecil"].astype(bool)
    return out


def shown(rows: pd.DataFrame, threshold_rule: Rule, period: pd.Series | None = None) -> pd.DataFrame:
    """What a view prints of facts rows (a copy): masked figures without count, percentage or status (their
    band would tell their range), ``samar`` the label (``< 5``, ``disamarkan``; ``Rule.label``), "" when shown.
    ``period``: each row's period, when ``rows`` no longer has ``periode``."""
    out = rows.copy()
    kind = out["samar"].fillna("").astype(str) if "samar" in out else pd.Series("", index=out.index)
    hidden = (kind != "").to_numpy()
    if not hidden.any():
        out["samar"] = ""
        return out
    periode = (period if period is not None else out["periode"]).astype(str)
    single = ~periode.str.contains("..", regex=False).to_numpy()
    label = np.where((kind == disclosure.PRIMARY).to_numpy() & single, f"< {threshold_rule.threshold}",
                     disclosure.MASKED_WORD)
    out["samar"] = np.where(hidden, label, "")
    out.loc[hidden, [c for c in ("pembilang", "penyebut", "nilai", "capaian_target") if c in out]] = np.nan
    if "band" in out:
        out.loc[hidden, "band"] = MASKED_BAND[0]
    if "warna" in out:
        out.loc[hidden, "warna"] = MASKED_BAND[1]
    return out


def published(rows: pd.DataFrame) -> pd.DataFrame:
    """The audit's record of main-indicator facts rows as published (``disclosure.masked_view``: masked
    counts blank), in the decision's columns (a kabupaten's ``induk`` is "", as ``disclosure`` names it)."""
    out = rows.loc[rows["indikator"] == MAIN_INDICATOR,
                   [*disclosure.FIGURE_COLUMNS, "samar", "bawah", "atas"]].reset_index(drop=True)
    out["induk"] = out["induk"].where(out["tingkat"] != "kabupaten", "")
    out["kecil"] = out["kecil"].astype(bool)
    return disclosure.masked_view(out)
