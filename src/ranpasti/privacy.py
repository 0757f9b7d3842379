"""Numbers that identify a person: the 16-digit NIK and the family card number (No. KK).

Personal-data *columns* are refused by name in ``schema.py``; this module catches the same numbers typed
into free text (a Lokmin ``masalah`` such as "keluarga NIK 1605…", a ``catatan`` in params), where no
column name gives them away. One pattern serves validation, params and the scan of the built site, so the
three agree on what a NIK looks like.

A bare "16 digits" test is not enough on a site full of SHA-256 checksums and float fractions: a hex
digest holds a run of 16 decimal digits often enough to fail a national build by chance. So a match must
stand alone (not inside a word, hex string or decimal fraction) *and* have a NIK's structure, which a
No. KK shares: province code (2) · kabupaten (2) · kecamatan (2) · day of birth, +40 for women (2) ·
month (2) · year (2) · serial (4, never 0000). Every real NIK and KK number passes; random runs rarely do.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

# Kemendagri province codes, including the ones old NIKs still carry after the 2022 Papua split.
_PROVINSI = "1[1-9]|21|3[1-6]|5[1-3]|6[1-5]|7[1-6]|8[12]|9[1-6]"
_DAY = "0[1-9]|[12][0-9]|3[01]|4[1-9]|[56][0-9]|7[01]"
_MONTH = "0[1-9]|1[0-2]"

NIK = re.compile(
    rf"(?<![0-9A-Za-z])(?<!\d[.,])"  # not inside a word, a hex digest or a decimal fraction
    rf"(?:{_PROVINSI})\d{{4}}(?:{_DAY})(?:{_MONTH})\d{{2}}(?!0000)\d{{4}}"
    rf"(?![0-9A-Za-z])(?![.,]\d)"
)
NIK_BYTES = re.compile(NIK.pattern.encode())

# what the built site holds that staff text or data could reach
SCANNED_SUFFIXES = (".html", ".csv", ".json", ".ipynb", ".svg", ".xml", ".txt")


def find_nik(text: str) -> str | None:
    """The first NIK- or KK-shaped number in ``text``, or None."""
    m = NIK.search(text)
    return m.group(0) if m else None


def mask(number: str) -> str:
    """How a found number is echoed back to staff: enough to find it in their file, not the whole number."""
    return number[:6] + "…" + number[-2:]


def scan_site(site: Path) -> Iterator[tuple[Path, str]]:
    """Every published file holding a NIK-shaped number (Pagefind's binary index is skipped: it is built
    from the HTML pages, which are scanned)."""
    for f in sorted(site.rglob("*")):
        skipped = any(p.startswith("pagefind") for p in f.relative_to(site).parts)
        if f.suffix in SCANNED_SUFFIXES and f.is_file() and not skipped:
            m = NIK_BYTES.search(f.read_bytes())
            if m:
                yield f, m.group(0).decode()
