"""Text as it looks, in plain ASCII letters: how column headers (and ``judul_kolom.yml``'s keys) are compared.

Why: a header is personal by its words ("Nama Ibu Hamil"), and a word written with a look-alike letter (a
Cyrillic ``а``, a Greek ``ν``, full-width or mathematical letters, a letter with a combining mark) read as
another word: "Nаma Ibu Hamil" passed the header check and the names were published (issue 32, D7).
``skeleton`` folds text the way a reader sees it, in this order: Unicode compatibility forms (full-width,
mathematical letters) and combining marks dropped (NFKD); then each remaining non-ASCII character to its
ASCII look-alike from Unicode TR39's confusables data (``confusable_homoglyphs``: Cyrillic ``р`` is ``p``,
as it looks, not ``r`` as it is transliterated); then whatever has no look-alike transliterated
(``anyascii``). ASCII text is returned as it is. ``i``, ``I``, ``l`` and ``1`` look alike in ASCII itself,
so the personal-header check asks every reading of their look-alikes (``readings``); ``headers`` looks
headers up by ``skeleton``.
"""

from __future__ import annotations

import itertools
import unicodedata

from anyascii import anyascii
from confusable_homoglyphs.confusables import confusables_data

from ..core import caches


@caches.memo(4096)
def _char(c: str) -> str:
    """The ASCII look-alike of ``c``. Where its transliteration is an ASCII letter that itself looks like that
    look-alike (Cyrillic ``І`` is spelled ``I``, which TR39 confuses with ``l``), the transliteration: a
    letter that looks like ``I`` stays ``I``, not ``l``."""
    spelled = anyascii(c)
    shapes = [h.get("c", "") for h in confusables_data.get(c, ())]
    shapes = [s for s in shapes if s and s.isascii() and s.isprintable()]
    if not shapes:
        return spelled
    alike = {spelled.lower(), *(h.get("c", "").lower() for h in confusables_data.get(spelled, ()))}
    return spelled if any(s.lower() in alike for s in shapes) else shapes[0]


# Letters that look alike in ASCII itself: a look-alike of one of them may be meant as any of them
_STROKES = frozenset("iIl1|")
STROKES_MAX = 8  # look-alikes of a stroke read each way (2**8 readings); beyond, all as l and all as i


def readings(text: str) -> tuple[str, ...]:
    """``text`` as it looks (``skeleton``), with TR39's shapes alone, with each look-alike of a single stroke
    (``i``, ``I``, ``l``, ``1``: Cyrillic ``ӏ`` and ``і``, Greek ``ι``) read as ``l`` and as ``i``. A check
    that no look-alike may pass asks every reading. Never as spelled alone: Cyrillic ``ѕ`` is spelled ``dz``
    and "Nama Deѕa" would read as a person's name."""
    if text.isascii():
        return (text,)
    folded = _folded(text)
    shapes = [c if c.isascii() else _shape(c) for c in folded]
    strokes = [i for i, c in enumerate(folded) if not c.isascii() and (shapes[i] in _STROKES
                                                                        or skeleton(c) in _STROKES)]
    choices = (list(itertools.product("li", repeat=len(strokes))) if len(strokes) <= STROKES_MAX
               else [("l",) * len(strokes), ("i",) * len(strokes)])
    out = [skeleton(text), "".join(shapes)]
    for choice in choices:
        read = list(shapes)
        for i, stroke in zip(strokes, choice, strict=True):
            read[i] = stroke
        out.append("".join(read))
    return tuple(dict.fromkeys(out))


@caches.memo(4096)
def _shape(c: str) -> str:
    shapes = [h.get("c", "") for h in confusables_data.get(c, ())]
    return next((s for s in shapes if s and s.isascii() and s.isprintable()), anyascii(c))


def _folded(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text)
    return "".join(c for c in folded if not unicodedata.combining(c) and unicodedata.category(c) != "Me")


@caches.memo(65536)
def skeleton(text: str) -> str:
    """``text`` in the ASCII letters it looks like (``"Nаma"`` with a Cyrillic ``а`` is ``"Nama"``)."""
    if text.isascii():
        return text
    return "".join(c if c.isascii() else _char(c) for c in _folded(text))
