"""What a notebook cell shows: cards, tables and charts as rich-display objects.

Each object emits ``text/html`` (what both renderers and Jupyter show) and, for tables and charts, a
``application/vnd.ranpasti.*+json`` bundle with the underlying data. The renderers read that bundle to
write the CSV/Excel downloads and SVG fallbacks next to the page, so the Quarto site and the built-in site
get the same files from the same executed notebook.

All text goes through Jinja2 autoescaping: staff free text (Lokmin problems, notes) can never become markup,
and JSON inside ``<script>`` is escaped so ``</script>`` in a value cannot close the tag.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from jinja2 import Environment, PackageLoader, Template
from markupsafe import Markup

from . import fmt
from .frames import records

MIME_TABLE = "application/vnd.ranpasti.table+json"
MIME_CHART = "application/vnd.ranpasti.chart+json"
MIME_VEGALITE = "application/vnd.vegalite.v6+json"  # Altair 6 writes Vega-Lite 6
MIME_FIGURES = "application/vnd.ranpasti.figures+json"  # what a page published of masked figures (audit)

# Section markup lives in ``templates/sections/`` (autoescaped like everything here). Not reloaded on change:
# a worker process renders thousands of pages and would otherwise stat each template file at every use.
_env = Environment(loader=PackageLoader("ranpasti", "templates"), autoescape=True, trim_blocks=True,
                   lstrip_blocks=True, auto_reload=False)


def safe_json(obj: Any) -> Markup:
    """JSON safe inside HTML ``<script>``: ``<``, ``>``, ``&`` and line separators are \\u-escaped."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=str)
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                    ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return Markup(text)


def slug_name(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class Rich:
    """Base: subclasses provide ``html()`` and optionally ``extra()`` (more mimetypes)."""

    def html(self) -> str:
        raise NotImplementedError

    def text(self) -> str:
        return re.sub(r"<[^>]+>", " ", self.html())[:500]

    def extra(self) -> dict:
        return {}

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/html": self.html(), "text/plain": self.text(), **self.extra()}


@dataclass
class HTML(Rich):
    """Markup built by this package's own templates (never raw staff text)."""

    markup: str

    def html(self) -> str:
        return self.markup


def template(name: str) -> Template:
    """A template of ``templates/`` by name (``sections/cards.html.j2``). Markup lives in template files
    only, never in Python strings, so all of it is in one place and autoescaped the same way; compiled once
    per process (the environment's cache), as a worker process renders thousands of pages with them."""
    return _env.get_template(name)


def render_template(name: str, **context: Any) -> HTML:
    """A template of ``templates/`` rendered as display markup (see ``template``)."""
    return HTML(template(name).render(**context))


class Section(list[Rich]):
    """What every page section returns: its display objects in order (possibly none).

    One type for every section, so a notebook cell is always just the call (``p.trends(ctx)``): as the
    cell's last expression IPython calls ``_ipython_display_``, which shows each part as its own output,
    as the renderers expect (one table or chart bundle per output, read for the downloads)."""

    def __init__(self, *parts: Rich) -> None:
        super().__init__(parts)

    def _ipython_display_(self) -> None:
        """Each part's bundle published as it is: what ``display`` would publish for it (its
        ``_repr_mimebundle_``, no metadata), without asking IPython's ten formatters of every part for a
        representation it does not have (~3% of a page's CPU); anything else through ``display``."""
        from IPython.display import display, publish_display_data

        for part in self:
            if isinstance(part, Rich):
                publish_display_data(part._repr_mimebundle_(), metadata={})
            else:
                display(part)


@dataclass
class Figures(Rich):
    """A page's record of the figures under disclosure control it published (masked counts blank), read by
    the build's audit across every page (``disclosure.audit``); readers never see it (its cell is hidden)."""

    frame: pd.DataFrame

    def html(self) -> str:
        return ""

    def extra(self) -> dict:
        rows = records(self.frame)
        for r in rows:  # every gap (NaN, NaT, NA) as null, and infinity too: JSON has none
            for k, v in r.items():
                if v is pd.NaT or (isinstance(v, float) and (v != v or v in (float("inf"), float("-inf")))):
                    r[k] = None
        return {MIME_FIGURES: {"rows": rows}}


# ---------------------------------------------------------------- tables


@dataclass(frozen=True)
class Col:
    key: str
    header: str
    # text | word (short text: no reading width) | int | pct | target | num | change (signed) | band | bool | link
    # | pctband | links (a sequence of (text, href or None): words and links in one cell, e.g. a source credit
    # naming several pages)
    kind: str = "text"
    decimals: int = 1
    download: str | None = None  # another column of the frame for the downloads (a reference shown, its text kept)
    # a percentage (pct, pctband) is shown against its own target (``fmt.shown``): the column of the frame
    # holding each row's target, or a fixed one (100 for "capaian vs target"), and the direction ("naik",
    # "turun", or a column holding it)
    target: str | float | None = None
    direction: str = "naik"

    def rule(self, row: dict) -> tuple[Any, str]:
        """The target and direction this column's percentage in ``row`` is shown against."""
        target = row.get(self.target) if isinstance(self.target, str) else self.target
        direction = self.direction if self.direction in ("naik", "turun") else row.get(self.direction) or "naik"
        return target, str(direction)


def _change_places(value: Any, decimals: int) -> int:
    """A change is the difference of two shown figures: one place, or two when a figure needed two."""
    return max(decimals, min(fmt.places(value), decimals + 1))


def cell_text(value: Any, kind: str, decimals: int = 1, target: Any = None, direction: str = "naik") -> str:
    if isinstance(value, str) and kind in ("int", "pct", "target", "num", "change"):
        return value  # already suppressed or annotated ("< 5")
    if kind == "target":
        return fmt.target(value)
    if kind == "change":
        return fmt.change(value, _change_places(value, decimals))
    if kind == "int":
        return fmt.number(value, 0)
    if kind == "pct":
        return fmt.percent(value, decimals, target, direction)
    if kind == "num":
        return fmt.number(value, decimals)
    if kind == "bool":
        return "ya" if value else "tidak"
    return "" if fmt.is_missing(value) else str(value)


def _download_value(value: Any, kind: str, decimals: int, target: Any = None, direction: str = "naik") -> Any:
    """A cell as the CSV/XLSX downloads carry it: the figure the page shows (``fmt.shown``), as a number."""
    if isinstance(value, str) or fmt.is_missing(value):
        return None if fmt.is_missing(value) else value
    if kind == "target":
        return float(fmt.half_up(value, 2))
    if kind in ("pct", "pctband"):
        return fmt.shown_value(value, target, direction, decimals)
    if kind == "num":
        return float(fmt.half_up(value, decimals))
    if kind == "change":
        return float(fmt.half_up(value, _change_places(value, decimals)))
    if kind == "int":
        return int(fmt.half_up(value, 0))
    if kind == "bool":
        return "ya" if value else "tidak"
    if kind == "link":
        return value[0]
    if kind == "links":  # the addresses themselves: a download has no link text to click
        return "".join(href or text for text, href in value)
    return value


NUMERIC_KINDS = ("int", "pct", "target", "num", "change", "pctband")
WIDE_COLUMNS = 9  # a table of this many columns is "wide" (rp-wide): Quarto gives it the page's width


@dataclass
class Table(Rich):
    """An accessible table whose shown values are also offered as CSV and Excel downloads."""

    frame: pd.DataFrame
    cols: Sequence[Col]
    name: str
    caption: str
    note: str = ""
    row_class: str | None = None  # column of ``frame`` holding a CSS class per row (e.g. not reported)
    download: bool = True
    collapsed: bool = False  # an annex: closed under its caption until opened (printed open)
    _dicts: list[dict] | None = field(default=None, repr=False)

    def _records(self) -> list[dict]:
        """The frame's rows as plain dicts, once: ``iterrows`` builds a Series per row, which cost more than
        the rest of a kecamatan page's tables together."""
        if self._dicts is None:
            self._dicts = records(self.frame)
        return self._dicts

    def _rows(self) -> list[dict]:
        """Every cell as a dict with all the keys the template reads (read as ``cell["text"]``: Jinja tries an
        attribute first on ``cell.text``, and the failed lookup on a dict cost ~10 ms on a desa table)."""
        rows = []
        for r in self._records():
            cells = []
            for at, c in enumerate(self.cols):
                v = r[c.key]
                # ``first`` and ``label`` (the column's header): the template reads them from the cell, not
                # from Jinja's ``loop``, whose bookkeeping per cell was a third of rendering a table
                cell = {"kind": c.kind, "text": "", "band": False, "href": None, "color": None, "title": "",
                        "bar": None, "parts": None, "first": at == 0, "label": c.header}
                if c.kind == "band":
                    cell.update(text=str(v), band=True, color=r.get("warna", "#5c6370"))
                elif c.kind == "link":
                    cell.update(text=v[0], href=v[1])
                elif c.kind == "links":
                    cell["parts"] = list(v)
                elif c.kind == "pctband":
                    color = r.get(f"warna_{c.key}")
                    cell.update(text=cell_text(v, "pct", c.decimals, *c.rule(r)),
                                color=None if fmt.is_missing(color) else color,
                                title=r.get(f"band_{c.key}", ""))
                elif c.kind == "pct":
                    cell["text"] = cell_text(v, c.kind, c.decimals, *c.rule(r))
                else:
                    cell["text"] = cell_text(v, c.kind, c.decimals)
                if isinstance(v, str) and len(v) > 12 and c.kind in NUMERIC_KINDS:
                    cell["kind"] = "word"  # words in a figure's place ("tidak sebanding (…)") may wrap
                cells.append(cell)
            rows.append({"cells": cells, "cls": r[self.row_class] if self.row_class else ""})
        return rows

    def records(self) -> list[list[Any]]:
        # a percentage's target and direction are read per row; no other kind has one
        cols = [(c.download or c.key, c.kind, c.decimals, c if c.kind in ("pct", "pctband") else None)
                for c in self.cols]
        return [[_download_value(r[key], kind, decimals, *c.rule(r)) if c is not None
                 else _download_value(r[key], kind, decimals) for key, kind, decimals, c in cols]
                for r in self._records()]

    def html(self) -> str:
        return template("sections/table.html.j2").render(
            name=self.name, caption=self.caption, cols=self.cols, rows=self._rows(), note=self.note,
            download=self.download, collapsed=self.collapsed, wide=len(self.cols) >= WIDE_COLUMNS)

    def text(self) -> str:
        return f"{self.caption} ({len(self.frame)} baris)"

    def extra(self) -> dict:
        if not self.download:
            return {}
        return {MIME_TABLE: {"name": self.name, "caption": self.caption,
                             "columns": [c.header for c in self.cols], "rows": self.records()}}


# ---------------------------------------------------------------- tables with inline bars


BAR_COLOR = "#1f5fa8"  # charts.PALETTE[0]: a bar reads as the charts' blue


@dataclass(frozen=True)
class Bar:
    """The bar a ``BarTable`` draws in one column's cells, under the cell's number.

    ``keys``: the frame's columns drawn in it, stacked left to right in that order (default: the column's own
    value); ``colors``: one per key, or ``color_key``: a column of the frame holding each row's colour (a
    status band's); ``full``: the value of a bar as wide as its cell (100 for a percentage; None: the table's
    longest bar); ``mark``: a value drawn as a thin dark line across the bar (a target)."""

    keys: tuple[str, ...] = ()
    colors: tuple[str, ...] = (BAR_COLOR,)
    color_key: str | None = None
    full: float | None = 100.0
    mark: float | None = None


def _bar_number(value: Any) -> float | None:
    """A value a bar can be drawn for: a finite non-negative number; masked text ("< 5") and gaps draw none."""
    if isinstance(value, str) or fmt.is_missing(value):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _width(value: float, full: float) -> float:
    """A bar's width in % of its cell, clipped to the cell (a reach above 100 % fills it)."""
    return round(min(100.0, max(0.0, 100 * value / full)), 1)


@dataclass
class BarTable(Table):
    """A table whose figures are also drawn as bars inside their cells (CSS widths, no script, no image): the
    replacement of a small bar chart that reads better on a phone and costs nothing to draw.

    The number stays the cell's text (read by screen readers, copied, searched, printed, downloaded as
    before); the bar beside it is decoration (``aria-hidden``), so the table says everything without it.
    On a phone each row is the table's usual card, every bar across its card under its number; on paper the
    bars print in their colours. ``bars`` maps a column's key to its ``Bar``; a stacked bar names its parts
    in a legend above the table (their columns' headers)."""

    bars: dict[str, Bar] = field(default_factory=dict)

    def _rows(self) -> list[dict]:
        rows = super()._rows()
        records = self._records()
        for at, c in enumerate(self.cols):
            bar = self.bars.get(c.key)
            if bar is None:
                continue
            keys = bar.keys or (c.key,)
            parts = [[_bar_number(r.get(k)) for k in keys] for r in records]
            totals = [sum(v for v in p if v is not None) if any(v is not None for v in p) else None for p in parts]
            full = bar.full or max((t for t in totals if t is not None), default=0.0)
            mark = None if bar.mark is None or fmt.is_missing(bar.mark) or not full else _width(bar.mark, full)
            for row, r, values, total in zip(rows, records, parts, totals, strict=True):
                if total is None or not full:
                    continue  # no figure, no bar (an empty track would read as zero)
                colors = [r.get(bar.color_key) or BAR_COLOR] if bar.color_key else list(bar.colors)
                segments = [{"width": _width(v, full), "color": colors[n % len(colors)]}
                            for n, v in enumerate(values) if v]
                row["cells"][at]["bar"] = {"segments": segments, "mark": mark}
        return rows

    def legend(self) -> list[dict]:
        """The parts of the stacked bars, by name (their columns' headers) and colour."""
        headers = {c.key: c.header for c in self.cols}
        return [{"name": headers.get(k, k), "color": bar.colors[n % len(bar.colors)]}
                for bar in self.bars.values() if len(bar.keys) > 1 for n, k in enumerate(bar.keys)]

    def html(self) -> str:
        return template("sections/table.html.j2").render(
            name=self.name, caption=self.caption, cols=self.cols, rows=self._rows(), note=self.note,
            download=self.download, collapsed=self.collapsed, legend=self.legend(),
            wide=len(self.cols) >= WIDE_COLUMNS)


# ---------------------------------------------------------------- charts

@dataclass
class Chart(Rich):
    """An Altair chart: a static SVG on the site (drawn at build time from the same spec), interactive Vega on
    request, its data as a table for screen readers."""

    chart: Any  # a Vega-Lite spec dict (from ``charts``) or an Altair chart
    name: str
    title: str
    description: str = ""  # the full text alternative: the image's alt, read by screen readers
    table: Table | None = None
    key: str = ""  # how to read the chart, in a line under its title ("garis putus-putus: target")
    _spec: dict | None = field(default=None, repr=False)

    def spec(self) -> dict:
        """The Vega-Lite spec, computed once. Not re-validated against the schema here: that costs more than
        the rest of a page, and the chart builders are validated by the test suite instead."""
        if self._spec is None:
            self._spec = self.chart if isinstance(self.chart, dict) else self.chart.to_dict(validate=False)
        return self._spec

    def html(self) -> str:
        table = Markup(self.table.html()) if self.table is not None else ""
        return template("sections/chart.html.j2").render(
            name=self.name, title=self.title, description=self.description, key=self.key,
            spec=safe_json(self.spec()), table=table)

    def text(self) -> str:
        return f"Grafik: {self.title}"

    def extra(self) -> dict:
        spec = self.spec()
        # the spec travels once as Vega-Lite (Jupyter draws it); the chart bundle only names the files
        out = {MIME_VEGALITE: spec, MIME_CHART: {"name": self.name, "title": self.title}}
        if self.table is not None:
            out.update(self.table.extra())
        return out
