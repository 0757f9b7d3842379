"""Staff free text and page parameters can never become markup or code on a page.

Every free-text field staff control (Lokmin tahap, masalah, rencana tindak lanjut; the ``catatan`` page
parameter) is filled with script, attribute-breaking, Markdown and LaTeX payloads; the executed notebook's
HTML must show them as inert text. A ``catatan`` crafted to break out of the injected parameters cell must
stay a string.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pandas as pd
import papermill as pm
import pytest
from support import copy_sample_data

from ranpasti.ingest.store import ingest

pytestmark = pytest.mark.slow  # executes and renders pages

ROOT = Path(__file__).resolve().parents[1]
PAYLOADS = [
    "<script>alert('xss')</script>",
    '"><img src=x onerror=alert(1)>',
    "[klik](javascript:alert(1)) **tebal**",
    "$\\href{javascript:alert(1)}{x}$ $$\\unicode{x}$$",
    "</script><script>alert(2)</script>",
]
BREAKOUT = 'x"\nimport pathlib; pathlib.Path("PWNED").write_text("1")\n"'


@pytest.fixture(scope="module")
def executed(tmp_path_factory) -> tuple[str, Path]:
    tmp = tmp_path_factory.mktemp("xss")
    data = copy_sample_data(tmp / "data")
    lok = pd.read_csv(data / "lokmin.csv", dtype=str)
    rows = lok["kode_kecamatan"] == "16.05.01"
    for i, idx in enumerate(lok.index[rows]):
        for col in ("tahap", "masalah", "rencana_tindak_lanjut"):
            lok.loc[idx, col] = PAYLOADS[(i + len(col)) % len(PAYLOADS)]
    lok.to_csv(data / "lokmin.csv", index=False)
    cache = tmp / "cache"
    ingest(data, cache)
    outputs = []
    for nb, params in (("kecamatan", {"kode": "16.05.01", "bulan": "2024-12"}),
                       ("evaluasi", {"kode": "16.05.01", "tahun": 2024}),
                       ("kabupaten", {"kode": "16.05", "bulan": "2024-12"})):
        out = tmp / f"{nb}.ipynb"
        pm.execute_notebook(str(ROOT / "notebooks" / f"{nb}.ipynb"), str(out), cwd=str(tmp), progress_bar=False,
                            parameters={**params, "data_dir": str(data), "cache_dir": str(cache),
                                        "catatan": PAYLOADS[0] + BREAKOUT})
        node = nbformat.read(out, 4)
        outputs += [o.get("data", {}).get("text/html", "") for c in node.cells if c.cell_type == "code"
                    for o in c.get("outputs", [])]
    return "\n".join(outputs), tmp


class _Dom(HTMLParser):
    """Collects what a browser would see: text, elements and attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.scripts: list[dict] = []
        self.attrs: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts.append(dict(attrs))
        for name, value in attrs:
            self.attrs.append((tag, name, value or ""))

    def handle_data(self, data):
        self.text.append(data)


def test_payloads_are_shown_as_text_not_markup(executed):
    page, _ = executed
    dom = _Dom()
    dom.feed(page)
    text = "".join(dom.text)
    for payload in PAYLOADS:
        assert payload in text, f"payload not shown as text: {payload}"
    # the only scripts are our inert JSON chart specs; no handler attributes; no javascript: URLs
    assert all(s.get("type") == "application/json" for s in dom.scripts)
    assert not [a for a in dom.attrs if a[1].lower().startswith("on")]
    assert not [a for a in dom.attrs if a[2].strip().lower().startswith("javascript:")]


def test_script_json_cannot_be_closed_by_data(executed):
    page, _ = executed
    for block in re.findall(r'<script type="application/json" class="rp-spec">(.*?)</script>', page, re.S):
        assert "<" not in block, "a '<' inside chart JSON could close the script tag"


def test_parameter_cannot_become_code(executed):
    page, tmp = executed
    assert not (tmp / "PWNED").exists()
    dom = _Dom()
    dom.feed(page)
    assert 'pathlib.Path("PWNED")' in "".join(dom.text)  # shown as the note's text instead
