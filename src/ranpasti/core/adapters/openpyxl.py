"""openpyxl: a read-only sheet streamed through openpyxl's own sheet parser, written against openpyxl 3.1
(``SUPPORTED``).

A read-only worksheet's public row iterator reads formulas as blank (a formula without a saved result then
passes as "Data valid"), returns a percent cell's 0.228 where the sheet shows 22.8%, and knows no merged
cells. Its parser (``openpyxl.worksheet._reader.WorkSheetParser``) reports all three while it streams the XML,
one row in memory at a time; openpyxl offers it only privately, with the workbook's private archive, sheet path,
shared strings, date formats and cell styles. ``SheetStream`` wraps that, and ``percent_styles`` reads the
workbook's cell styles. Everything else (writing workbooks, ``load_workbook``) uses openpyxl's public API.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from . import require

SUPPORTED = ">=3.1,<3.2"


def check(version: str | None = None) -> str:
    """The installed openpyxl's version, or ``UnsupportedVersion`` if this module was not written for it."""
    return require("openpyxl", "openpyxl", SUPPORTED, version)


def percent_styles(wb: Any) -> set[int]:
    """The cell styles whose number format shows a percent (``0%``, ``0.0%``): Excel stores 22.8% as 0.228."""
    check()
    from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE

    out = set()
    for i, style in enumerate(getattr(wb, "_cell_styles", [])):
        n = style.numFmtId
        custom = n - BUILTIN_FORMATS_MAX_SIZE
        code = BUILTIN_FORMATS.get(n, "") if custom < 0 else wb._number_formats[custom]
        if "%" in re.sub(r'"[^"]*"|\\.', "", code or ""):
            out.add(i)
    return out


class SheetStream:
    """(row number, [(column, value)]) for each row a read-only sheet's XML holds, streamed. ``percent``: the
    value of a number in a percent-styled cell (``percent_styles``); ``formulas``, when given, gets the (row,
    column) of every formula without a saved result. ``merged`` ("A2:A13", ...) is set once every row was read
    (the merges follow the cells in the XML)."""

    def __init__(self, ws: Any, percent: Callable[[float], Any],
                 formulas: list[tuple[int, int]] | None = None) -> None:
        self.ws, self.percent, self.formulas = ws, percent, formulas
        self.merged: list[str] = []

    def __iter__(self) -> Iterator[tuple[int, list[tuple[int, Any]]]]:
        check()
        from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

        ws, formulas, percent = self.ws, self.formulas, self.percent
        wb = ws.parent
        styles = percent_styles(wb)

        class Parser(WorkSheetParser):
            def parse_cell(self, element):
                cell = super().parse_cell(element)
                if formulas is not None and cell["value"] is None and element.find(FORMULA_TAG) is not None:
                    formulas.append((cell["row"], cell["column"]))
                if cell["style_id"] in styles and isinstance(cell["value"], int | float) \
                        and not isinstance(cell["value"], bool):
                    cell["value"] = percent(cell["value"])
                return cell

        with wb._archive.open(ws._worksheet_path) as src:  # a read-only sheet's XML
            parser = Parser(src, ws._shared_strings, data_only=True, epoch=wb.epoch, date_formats=wb._date_formats,
                            timedelta_formats=wb._timedelta_formats)
            for n, cells in parser.parse():
                yield n, [(c["column"], c["value"]) for c in cells if c["value"] is not None]
            self.merged = [str(r) for r in parser.merged_cells.mergeCell] if parser.merged_cells else []
