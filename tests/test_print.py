"""The December evaluation as an office prints and signs it (issue 34, point 5).

Printed to A4 by headless Chromium from each renderer's site and read back with poppler's ``pdftotext``:
how many pages come before the annexes, that no heading is left alone at a page's foot, that a status shown
as colour is also written in words, that the map names its areas on paper and gives no tapping hints, and
that the approval sheet set in the sample's params is there. On screen, the main table fits 1280 px.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

PAGE = "kabupaten-musi-rawas/evaluasi-2025/"
BEFORE_ANNEX = {"builtin": 8, "quarto": 9}  # A4 pages before "Lampiran", the limit per renderer


def _pdftotext(pdf: Path, page: int | None = None) -> str:
    if not shutil.which("pdftotext"):
        pytest.fail("poppler-utils is missing: run `make test` (scripts/setup_system.sh installs it)")
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(["pdftotext", "-layout", *pages, str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout


@pytest.fixture(scope="module")
def printed(built, server, browser, tmp_path_factory) -> dict:
    """The evaluation page printed to A4 (as a reader's "Print → Save as PDF" does), page by page."""
    pdf = tmp_path_factory.mktemp("print") / "evaluasi.pdf"
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(server + PAGE, wait_until="networkidle")
    headings = [h.strip() for h in page.locator("main h2, main h3").all_inner_texts()]
    page.pdf(path=str(pdf), format="A4", prefer_css_page_size=True)
    context.close()
    count = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True,
                                                             text=True, check=True).stdout).group(1))
    pages = [_pdftotext(pdf, n) for n in range(1, count + 1)]
    return {"pages": pages, "headings": [h for h in headings if h], "renderer": built["renderer"]}


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def test_the_report_before_its_annexes_fits_the_page_limit(printed):
    pages = printed["pages"]
    annex = next((n for n, text in enumerate(pages) if "Lampiran" in _lines(text)), None)
    assert annex is not None, "no page starts the annexes (a line reading 'Lampiran')"
    limit = BEFORE_ANNEX[printed["renderer"]]
    assert annex <= limit, f"{annex} A4 pages before the annexes ({printed['renderer']}), at most {limit}"


def test_no_heading_is_left_alone_at_the_foot_of_a_page(printed):
    headings = set(printed["headings"])
    alone = [(n + 1, _lines(text)[-1]) for n, text in enumerate(printed["pages"][:-1])
             if _lines(text) and _lines(text)[-1] in headings]
    assert not alone, f"a heading ends a page, its content on the next: {alone}"


def test_status_is_written_in_words_on_paper(printed):
    """The rapor colours each cell by status; on paper each figure also says it (a copy may be grey)."""
    text = " ".join(printed["pages"])
    worded = len(re.findall(r"\d,\d%\s*\((?:Tercapai|Hampir tercapai|Perlu perhatian|Jauh dari target)\)", text))
    assert worded >= 14 * 7, f"only {worded} rapor figures carry their status in words on paper"


def test_the_printed_map_names_its_areas_and_gives_no_tapping_hints(printed, built, server, browser):
    text = " ".join(printed["pages"])
    assert "ketuk" not in text.lower(), "a printed page tells the reader to tap"
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(server + PAGE, wait_until="networkidle")
    names = page.locator("#peta .rp-map-labels text").all_text_contents()
    assert "Tugumulyo" in names and len(names) == 14, names
    assert not page.locator("#peta .rp-map-labels").is_visible(), "names over the map on screen"
    page.emulate_media(media="print")
    assert page.locator("#peta .rp-map-labels").is_visible(), "the printed map has no names"
    context.close()


def test_the_approval_sheet_from_the_params_is_printed(printed):
    text = " ".join(" ".join(_lines(p)) for p in printed["pages"])
    assert "Disahkan oleh" in text and "Kepala Dinas" in text
    assert "Dinas Pengendalian Penduduk dan Keluarga Berencana Kabupaten Musi Rawas" in text
    assert "Muara Beliti, 27 Januari 2026" in text
    assert "NIP" in text  # a line to write on, never a number from the data


def test_the_main_table_fits_1280_px(built, server, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(server + PAGE, wait_until="networkidle")
    wide = page.evaluate("""() => [...document.querySelectorAll('table.rp-table')].slice(0, 2).map(t => {
        const box = t.closest('.rp-table-wrap') || t.parentElement;
        return [t.dataset.table, box.scrollWidth, box.clientWidth]; })""")
    context.close()
    assert wide and all(scroll <= client + 1 for _, scroll, client in wide), wide
