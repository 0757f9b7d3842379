"""Table downloads are safe to open (issue 14, item 8): text a spreadsheet would run as a formula is
neutralised in CSV (OWASP's advice: a leading apostrophe); the Excel file stores it as text."""

from __future__ import annotations

import csv
import io

import openpyxl

from ranpasti.render.assets import table_csv, table_xlsx

DANGEROUS = ['=HYPERLINK("http://contoh.invalid/x","klik")', "+62 812 0000", "-2+3", "@SUM(A1:A9)",
             "\t=1+1", "\r=1+1", "＝1+1", "＋1"]  # the last two full-width: NFKC makes them = and +
SAFE = ["Rapat TPPS", "1 = 1 (catatan)", "e-PPGBM", ""]


def bundle() -> dict:
    return {"name": "lokmin", "columns": ["masalah", "angka"],
            "rows": [[text, -5] for text in DANGEROUS] + [[text, 1.5] for text in SAFE] + [[None, None]]}


def test_csv_cells_that_would_be_formulas_start_with_an_apostrophe():
    rows = list(csv.reader(io.StringIO(table_csv(bundle()).decode("utf-8-sig"))))
    assert rows[0] == ["masalah", "angka"]
    for text, row in zip(DANGEROUS, rows[1:], strict=False):
        assert row[0] == "'" + text, row  # the text itself is kept whole after the apostrophe
        assert row[1] == "-5"  # numbers stay numbers, negative ones too
    for text, row in zip(SAFE, rows[1 + len(DANGEROUS):], strict=False):
        assert row[0] == text
    assert rows[-1] == ["", ""]


def test_xlsx_keeps_the_text_as_text_never_a_formula(tmp_path):
    path = tmp_path / "lokmin.xlsx"
    path.write_bytes(table_xlsx(bundle()))
    sheet = openpyxl.load_workbook(path).active
    for n, text in enumerate(DANGEROUS, start=2):
        cell = sheet.cell(row=n, column=1)
        assert cell.value.replace("\n", "\r") == text  # (XML reads a carriage return as a line feed)
        assert cell.data_type == "s", (text, cell.data_type)  # a string cell, not "f" (formula)
        assert sheet.cell(row=n, column=2).value == -5
