"""Kemendagri codes from the place names staff write: "Kab. Musi Rawas", "Kec. Tugumulyo", "Desa B. Srikaton".

Staff forms name places; few carry the dotted Kemendagri code. A desa is looked for within its kabupaten
(and its kecamatan when given, which tells apart two desa of the same name), a kecamatan within its
kabupaten, a kabupaten in the whole country. Names are compared by a key that ignores case, spacing and
punctuation, the prefixes "Desa", "Kel.", "Kelurahan", "Kec.", "Kabupaten", "Kab." (but not "Kota":
Kabupaten Bogor and Kota Bogor are two places), Roman numerals (II = 2) and common abbreviations (Sei =
Sungai, Tj = Tanjung, Sp = Simpang). An unknown or ambiguous name is never guessed: the caller reports it
with the closest reference names.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import cached_property

from ..reference.regions import Regions, inside

# the place-name columns a table with ``names`` (input.yml) may carry, and the headers read as each
NAME_HEADERS: dict[str, tuple[str, ...]] = {
    "kabupaten": ("kabupaten", "nama_kabupaten", "kabupaten_kota", "kab_kota", "nama_kabupaten_kota", "kab"),
    "kecamatan": ("kecamatan", "nama_kecamatan", "kec"),
    "desa": ("desa", "nama_desa", "desa_kelurahan", "kelurahan", "nama_desa_kelurahan", "nama_kelurahan",
             "desa_kel", "nama_desa_kel"),
}
LEVELS = ("kabupaten", "kecamatan", "desa")

PREFIXES = {
    "kabupaten": ("kabupaten", "kab"),
    "kecamatan": ("kecamatan", "kec", "distrik"),
    "desa": ("desa", "kelurahan", "kel", "ds", "dsa"),
}
ABBREVIATIONS = {"sei": "sungai", "sg": "sungai", "sungei": "sungai", "tj": "tanjung", "tg": "tanjung",
                 "tanjong": "tanjung", "sp": "simpang", "smp": "simpang", "kp": "kampung", "kpg": "kampung",
                 "bk": "bukit", "gn": "gunung", "krg": "karang", "kt": "kota", "pd": "padang", "psr": "pasar",
                 "ps": "pasar", "dsn": "dusun", "mk": "muara", "kab": "kabupaten"}
ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5", "vi": "6", "vii": "7", "viii": "8", "ix": "9",
         "x": "10", "xi": "11", "xii": "12"}
OLD_SPELLING = (("oe", "u"), ("dj", "j"))


def name_levels(level: str) -> tuple[str, ...]:
    """The name columns that identify a place of ``level``: its own and those above it."""
    return LEVELS[: LEVELS.index(level) + 1]


def name_key(name: str, level: str) -> str:
    """The comparison key of a place name (see the module docstring); "" for a blank name."""
    text = str(name).lower()
    for old, new in OLD_SPELLING:
        text = text.replace(old, new)
    words = [w for w in re.split(r"[^a-z0-9]+", text) if w]
    while len(words) > 1 and words[0] in PREFIXES[level]:
        words = words[1:]
    if level == "kabupaten" and words and words[0] == "kota":
        words = ["kota", *words[1:]]
    words = [ROMAN.get(w, ABBREVIATIONS.get(w, w)) if i or len(words) == 1 or w not in ROMAN else w
             for i, w in enumerate(words)]
    return "".join(words)


@dataclass
class Found:
    code: str | None
    problem: str = ""  # why no code: unknown (with the closest names) or ambiguous (with the candidates)


@dataclass
class NameIndex:
    """Reference names by key, built per kabupaten when first asked (a validation touches few kabupaten)."""

    regions: Regions
    _desa: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    _kecamatan: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    @cached_property
    def _kabupaten(self) -> dict[str, list[str]]:
        return self._build(self.regions.kabupaten, "kabupaten")

    def kabupaten(self, name: str) -> Found:
        key = name_key(name, "kabupaten")
        codes = self._kabupaten.get(key)
        explicit = re.match(r"\s*(kabupaten|kab)\b", str(name).lower()) is not None
        twin = self._kabupaten.get("kota" + key) if not key.startswith("kota") else None
        if codes and twin and not explicit:
            kota = self._name("kabupaten", twin[0])
            return Found(None, f"nama ini bisa berarti {self._name('kabupaten', codes[0])} atau {kota}; tulis "
                         "\"Kabupaten ...\" atau \"Kota ...\"")
        return self._one(codes or twin if not codes and not explicit else codes, "kabupaten", name, None)

    def kecamatan(self, kabupaten: str, name: str) -> Found:
        index = self._kecamatan.get(kabupaten)
        if index is None:
            index = self._kecamatan[kabupaten] = self._build(inside(self.regions.kecamatan, kabupaten), "kecamatan")
        return self._one(index.get(name_key(name, "kecamatan")), "kecamatan", name, kabupaten)

    def desa(self, kabupaten: str, name: str, kecamatan: str | None = None) -> Found:
        index = self._desa.get(kabupaten)
        if index is None:
            index = self._desa[kabupaten] = self._build(inside(self.regions.desa, kabupaten), "desa")
        codes = index.get(name_key(name, "desa")) or []
        if kecamatan:
            codes = [c for c in codes if c.startswith(kecamatan + ".")]
        return self._one(codes, "desa", name, kecamatan or kabupaten)

    @staticmethod
    def _build(table, level: str) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for code, nama in table["nama"].items():
            out.setdefault(name_key(nama, level), []).append(code)
        return out

    def _name(self, level: str, code: str) -> str:
        return str(getattr(self.regions, level).at[code, "nama"])

    def _one(self, codes: list[str] | None, level: str, name: str, within: str | None) -> Found:
        """The one code found, or why not; ``within``: the area whose names are suggested (None: the country)."""
        if codes and len(codes) == 1:
            return Found(codes[0])
        if codes:
            where = "; ".join(f"{self._name(level, c)} ({c}{self._parent_of(level, c)})" for c in codes[:5])
            return Found(None, f"nama ini cocok dengan lebih dari satu {level}: {where}. Isi kolom kode atau "
                         f"{'kecamatan' if level == 'desa' else 'kabupaten'} untuk membedakannya")
        return Found(None, self._unknown(level, name, within))

    def _parent_of(self, level: str, code: str) -> str:
        if level != "desa":
            return ""
        kec = code.rsplit(".", 1)[0]
        return f", Kec. {self._name('kecamatan', kec)}"

    def _unknown(self, level: str, name: str, within: str | None) -> str:
        """Only for a name not found: the reference names of the area, compared for the closest three."""
        table = getattr(self.regions, level)
        pool = table if within is None else inside(table, within)
        names = {str(n): c for c, n in pool["nama"].items()}
        keys = {name_key(n, level): n for n in names}
        close = difflib.get_close_matches(name_key(name, level), list(keys), n=3, cutoff=0.6)
        hint = (f"; yang paling mirip: {', '.join(f'{keys[k]} ({names[keys[k]]})' for k in close)}" if close
                else "")
        return f"{level} dengan nama ini tidak ada di data wilayah Kemendagri{hint}"
