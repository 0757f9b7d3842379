"""Quarto: its ``quarto-nav.js`` made to leave SVG links alone, written against Quarto 1.9 (``SUPPORTED``).

Quarto 1.9's quarto-nav.js rewrites the href of every <a> on the page as a string
(``links[i].href.replace(/\\/index\\.html/, "/")``). An <a> inside an inline SVG, as every area of the maps
is, has an SVGAnimatedString there, so the script stopped with a TypeError on every page with a map. Quarto
has no option, filter or format setting that leaves the script out or changes that loop, and the maps' links
must stay <a> elements inside their SVG (keyboard and screen-reader access), so the one line is edited in the
rendered site's copy of the script: only string hrefs are rewritten. Where the line is not found, nothing is
changed (and the browser tests' check for script errors says so); a Quarto outside ``SUPPORTED`` is refused.
"""

from __future__ import annotations

from pathlib import Path

from . import require

SUPPORTED = ">=1.9,<1.10"
NAV_SCRIPT = Path("quarto-nav") / "quarto-nav.js"
NAV_LINK_TEST = ("if (links[i].href) {", 'if (typeof links[i].href === "string") {  // ranpasti: not SVG links')


def check(version: str) -> str:
    """``version`` (the ``quarto`` on PATH, "1.9.38"), or ``UnsupportedVersion`` if this module does not know it."""
    return require("quarto", "quarto", SUPPORTED, version)


def patch_nav_script(libs: Path, version: str) -> bool:
    """Make ``libs``' quarto-nav.js leave SVG links alone (see above); True if the file was patched."""
    check(version)
    path = libs / NAV_SCRIPT
    if not path.is_file():
        return False
    text = path.read_text(encoding="utf-8")
    old, new = NAV_LINK_TEST
    if old not in text:
        return new in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return True
