"""Text as it looks, in plain ASCII letters: how column headers (and ``judul_kolom.yml``'s keys) are compared.

Why: a header is personal by its words ("Nama Ibu Hamil"), and a word written with a look-alike letter (a
Cyrillic ``а``, a Greek ``ν``, full-width or mathematical letters, a letter with a combining mark) read as
another word: "Nаma Ibu Hamil" passed the header check and the names were published (issue 32, D7).
``skeleton`` folds text the way a reader sees it, in this order: Unicode compatibility forms (full-width,
mathematical letters) and combining marks dropped (NFKD); then each remaining non-ASCII character to its
ASCII look-alike from Unicode TR39's confusables data (``confusable_homoglyphs``: Cyrillic ``р`` is ``p``,
as it looks, not ``r`` as it is transliterated); then whatever has no look-alike transliterated
(``anyascii``). ASCII text is returned as it is.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from anyascii import anyascii
from confusable_homoglyphs.confusables import confusables_data


@lru_cache(maxsize=4096)
def _char(c: str) -> str:
    """The ASCII look-alike of ``c``; where it has several (Greek ``Ι`` looks like ``I``, ``l`` and ``1``), the
    one its transliteration agrees with, so letters stay letters."""
    spelled = anyascii(c)
    shapes = [h.get("c", "") for h in confusables_data.get(c, ())]
    shapes = [s for s in shapes if s and s.isascii() and s.isprintable()]
    agreeing = [s for s in shapes if s.lower() == spelled.lower()]
    return (agreeing or shapes or [spelled])[0]


def readings(text: str) -> tuple[str, ...]:
    """``text`` as it looks (``skeleton``) and, when that differs, as it is spelled (``anyascii`` after the
    same folding): TR39 reads Greek ``Ι`` as ``l``, transliteration reads Cyrillic ``р`` as ``r``; a check
    that must not be passed by a look-alike asks both."""
    if text.isascii():
        return (text,)
    shaped = skeleton(text)
    spelled = anyascii(_folded(text))
    return (shaped,) if spelled == shaped else (shaped, spelled)


def _folded(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text)
    return "".join(c for c in folded if not unicodedata.combining(c) and unicodedata.category(c) != "Me")


@lru_cache(maxsize=65536)
def skeleton(text: str) -> str:
    """``text`` in the ASCII letters it looks like (``"Nаma"`` with a Cyrillic ``а`` is ``"Nama"``)."""
    if text.isascii():
        return text
    return "".join(c if c.isascii() else _char(c) for c in _folded(text))
