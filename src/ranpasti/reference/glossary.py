"""The site's glossary: terms in plain Bahasa Indonesia (``definitions/istilah.yml``), shown on the page
``istilah/`` and linked from where pages use them.

The terms are declared once, with the words that link to them; the indicators' own explanations
(``glossary`` in ``indikator.yml``) are listed on the same page, so a reader meets one definition per term.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup, escape

from ..core import caches
from ..core.yamlio import YamlError, load_untrusted

GLOSSARY_FILE = Path(__file__).parents[1] / "definitions" / "istilah.yml"
GLOSSARY_PAGE = "istilah/"  # a site folder, not a region slug (those start with provinsi-/kabupaten-/kota-)
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class Term:
    id: str
    istilah: str
    arti: str
    kepanjangan: str = ""
    sumber: str = ""
    cari: tuple[str, ...] = ()


@caches.memo(1)
def terms() -> tuple[Term, ...]:
    """Every term, in the file's order."""
    raw = load_untrusted(GLOSSARY_FILE) or {}
    out = []
    for n, entry in enumerate(raw.get("istilah") or [], 1):
        if not isinstance(entry, dict) or not _ID.match(str(entry.get("id", ""))) or not entry.get("arti"):
            raise YamlError(f"{GLOSSARY_FILE}: istilah ke-{n} harus punya id (huruf kecil, angka, -) dan arti.")
        words = entry.get("cari") or [entry["istilah"]]
        out.append(Term(id=str(entry["id"]), istilah=str(entry["istilah"]), arti=" ".join(str(entry["arti"]).split()),
                        kepanjangan=str(entry.get("kepanjangan", "")), sumber=str(entry.get("sumber", "")),
                        cari=tuple(str(w) for w in words)))
    if len({t.id for t in out}) != len(out):
        raise YamlError(f"{GLOSSARY_FILE}: ada id istilah yang dipakai dua kali.")
    return tuple(out)


@caches.memo(1)
def _pattern() -> tuple[re.Pattern, dict[str, str]]:
    """One whole-word pattern of every linking word (longest first: "KB pascapersalinan" before "pascasalin")."""
    owner = {w: t.id for t in terms() for w in t.cari}
    words = sorted(owner, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, words)) + r")(?![\w-])"), owner


def link_terms(text: str, href: str, seen: set[str]) -> Markup:
    """``text`` as HTML with the first use of each glossary term linked to its entry on the glossary page
    (``href``: the page's link to ``istilah/``). ``seen`` holds the terms already linked on the page and
    is updated, so a term is linked once, where the reader first meets it, not in every card."""
    pattern, owner = _pattern()
    out, at = [], 0
    for m in pattern.finditer(text):
        term = owner[m.group(1)]
        if term in seen:
            continue
        seen.add(term)
        out += [escape(text[at:m.start()]),
                Markup('<a class="rp-term" href="{}#{}">{}</a>').format(href, term, m.group(1))]
        at = m.end()
    out.append(escape(text[at:]))
    return Markup("").join(out)
