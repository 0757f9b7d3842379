"""The sections of every page, as functions of one loaded ``Context``.

A notebook opens a context for its unit and period and calls one function per section; each returns a
``Section`` (``core/display.py``: its display objects in order), so every notebook cell is just the call. All
numbers come from ``indicators``; nothing is computed in a notebook, so the same section looks and counts
the same on every page, and tests can call these functions directly. Markup is in
``templates/sections/``.

Modules, by concern: ``context`` (the data a page reads, memoised once per page), ``common`` (header,
cards, data notes: on every page), ``progress`` (monthly progress pages), ``evaluation`` (December
evaluation pages of a kabupaten or kecamatan), ``overview`` (the nation's and each province's December
evaluation across their kabupaten/kota), ``desa`` (the desa table and its privacy suppression),
``prevalence`` (published survey figures against each year's target), ``services`` (service coverage of
the Perpres 72/2021 interventions), ``convergence`` (the 8 aksi konvergensi), ``tpps`` (the teams and
their meetings), ``audit`` (audit kasus stunting), ``findings`` (what an evaluation found wrong, listed by
Kesenjangan), ``approval`` (the approval sheet an office signs), ``maps`` (the map section) over
``choropleth`` (the inline SVG map), and ``charts`` (every Altair chart of the site). Notebooks use this
package's names (``from ranpasti import pages as p``), re-exported here.

Why a stage of its own: a page is presentation only. It selects and formats rows of the facts (``facts``),
and never reads a workbook, runs a notebook or renders HTML of the site.
"""

from __future__ import annotations

import pandas as pd

from ..core.display import Figures, Section
from .approval import approval
from .audit import audit_cases
from .common import cards, data_notes, header
from .context import MAIN_INDICATOR, Context, open_context, open_store
from .convergence import convergence_actions
from .desa import desa_table
from .evaluation import (
    STATUS_ORDER,
    desa_annex,
    evaluation_table,
    lokmin_annex,
    lokmin_followup,
    method,
    regional_comparison,
    scorecard,
    semesters,
    summary,
)
from .findings import gaps
from .maps import area_map
from .overview import header as overview_header
from .overview import method as overview_method
from .overview import ranking, rapor, status_counts, three_years
from .overview import summary as overview_summary
from .prevalence import prevalence
from .progress import comparison, kampung_kb, krs_profile, lokmin, overview_table, trends
from .services import service_coverage
from .tpps import tpps


def published_figures(ctx: Context) -> Section:
    """The page's last, hidden cell: the figures under disclosure control it published, for the build's audit
    across all pages (``Context.published_figures``)."""
    return Section(Figures(ctx.published_figures()))


# Text columns as pandas' ``str`` dtype held in Python objects rather than Arrow arrays, in every process that
# computes pages. A page filters, joins and reshapes hundreds of small frames; on Arrow-backed text each of
# those is a pyarrow ``take`` per column (~50 µs of call overhead), on Python-backed text a numpy take. Same
# dtype, same missing value (NaN), same results (the executed notebooks are byte-identical); a kecamatan page
# costs ~25% less. Validation (``store``, ``normalize``) works on either and keeps Arrow's speed on big files:
# the build process does not import this package.
pd.set_option("mode.string_storage", "python")

__all__ = [
    "MAIN_INDICATOR",
    "STATUS_ORDER",
    "Context",
    "Section",
    "approval",
    "area_map",
    "audit_cases",
    "cards",
    "comparison",
    "convergence_actions",
    "data_notes",
    "desa_annex",
    "desa_table",
    "evaluation_table",
    "gaps",
    "header",
    "kampung_kb",
    "krs_profile",
    "lokmin",
    "lokmin_annex",
    "lokmin_followup",
    "method",
    "open_context",
    "open_store",
    "overview_header",
    "overview_method",
    "overview_summary",
    "overview_table",
    "prevalence",
    "published_figures",
    "ranking",
    "rapor",
    "regional_comparison",
    "scorecard",
    "semesters",
    "service_coverage",
    "status_counts",
    "summary",
    "three_years",
    "tpps",
    "trends",
]
