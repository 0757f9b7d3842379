"""What staff drop into the data folder: one ``TableSpec`` per input file, kept in a registry.

The specs are built from the declarations (``definitions/input.yml``, plus the numerator and denominator
columns of the indicators in ``definitions/indikator.yml``): the validator, the cache writer and
``data/README.md`` (``docs.py``) all read them, so a new column is declared once. A column's kind names a
``kinds.Kind``, which parses, checks and stores it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..core import caches
from ..reference import declarations
from ..reference.declarations import Declarations
from . import lookalike
from .kinds import Kind, kind

# Column headers that announce personal data (NIK, No. KK, names, phone numbers, addresses, birth dates): refused
# outright, nothing below desa level is ever published and such a file should not even be stored. The words
# are declared in ``definitions/kolom_pribadi.yml`` (read there how a header is read); the rule is here.
PERSONAL_HEADERS = declarations.personal_vocabulary()


def header_words(header: object) -> list[str]:
    """A header as the vocabulary reads it: its words, folded, abbreviations written out, phrases as one word.
    Look-alike letters are read as the ASCII letters they look like (``lookalike.skeleton``, issue 32 D7)."""
    return _words(lookalike.skeleton(unicodedata.normalize("NFKC", str(header))))


def _words(text: str) -> list[str]:
    vocab = PERSONAL_HEADERS
    # accents dropped (Namá, Nāma are nama): decomposed, marks removed, composed again
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", re.sub(r"([a-z])([A-Z])", r"\1 \2", text)).lower()
    words: list[str] = []
    letters = ""
    for w in (part for run in re.findall(r"[a-z]+", text) for part in split_compound(run)):
        if len(w) == 1:
            letters += w  # letters written apart are one word: N.I.K, K K
            continue
        if letters:
            words.append(letters)
            letters = ""
        words.append(w)
    if letters:
        words.append(letters)
    words = [vocab.abbreviations.get(w, w) for w in words]
    for phrase, word in vocab.phrases:  # longest first
        n = len(phrase)
        i = 0
        while i + n <= len(words):
            if tuple(words[i:i + n]) == phrase:
                words[i:i + n] = [word]
            i += 1
    return words


def split_compound(word: str) -> list[str]:
    """A header word written without spaces or capitals (NAMAIBUHAMIL, namalengkap, NOBPJS) as the words of
    the vocabulary it is made of. A word the vocabulary knows stays whole; one made entirely of its words is
    split into them; one that starts with ``nama`` is ``nama`` and the rest, the rest split off after a word of
    ``not_a_person`` when it starts with one (NAMADESAX = nama desa x: a place, not a person's name)."""
    known = PERSONAL_HEADERS.known
    if word in known or len(word) < 4:
        return [word]
    parts = _segments(word, known)
    if parts:
        return parts
    if word.startswith("nama"):
        rest = word[4:]
        head = next((w for w in sorted(PERSONAL_HEADERS.not_a_person, key=len, reverse=True)
                     if rest.startswith(w)), "")
        return ["nama", *([head, rest[len(head):]] if head and rest[len(head):] else [rest])]
    return [word]


@caches.memo(4096)
def _segments(word: str, known: frozenset[str]) -> list[str] | None:
    """``word`` as a sequence of known words, fewest pieces first, or None."""
    best: list[list[str] | None] = [[]] + [None] * len(word)
    for end in range(1, len(word) + 1):
        for start in range(max(0, end - 24), end - 1):
            before = best[start]
            if before is not None and word[start:end] in known:
                candidate = [*before, word[start:end]]
                current = best[end]
                if current is None or len(candidate) < len(current):
                    best[end] = candidate
    return best[-1] if best[-1] and len(best[-1]) > 1 else None


def personal_column(header: object) -> str | None:
    """What personal data a column header announces (as written or normalised), or None. A header with
    look-alike letters is read both as it looks and as it is spelled (``lookalike.readings``): personal if
    either reading is."""
    for reading in lookalike.readings(unicodedata.normalize("NFKC", str(header))):
        found = _personal(_words(reading))
        if found:
            return found
    return None


def _personal(words: list[str]) -> str | None:
    vocab = PERSONAL_HEADERS
    present = set(words)
    counting = bool(present & vocab.counting)
    for i, w in enumerate(words):
        if w == "nama":
            neighbours = set(words[max(0, i - 1):i] + words[i + 1:i + 2])
            if not neighbours & vocab.not_a_person:
                return vocab.personal["nama"]
        elif w in vocab.personal:
            return vocab.personal[w]
        elif w in vocab.in_context and not counting:
            what, context = vocab.in_context[w]
            if present - vocab.qualifiers == {w} or present & context:
                return what
    return None


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # kode_desa | kode_kecamatan | kode_wilayah | bulan | tahun | count | percent | text | tanggal | choice
    required: bool = True
    choices: tuple[str, ...] = ()
    hint: str = ""  # what a valid value looks like, shown to staff in messages
    default: str | None = None  # an optional column's value when the file leaves it out or blank
    aliases: tuple[str, ...] = ()  # staff's own headers for this column, as written in their forms

    @property
    def type(self) -> Kind:
        """The kind object that parses, checks, words messages for and stores this column."""
        return kind(self.kind)


@dataclass(frozen=True)
class TableSpec:
    name: str
    title: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()  # columns that identify a row; duplicates are refused
    ratios: tuple[tuple[str, str], ...] = ()  # (numerator, denominator): numerator ≤ denominator
    required_file: bool = True
    description: str = ""
    extra_columns_ok: bool = False
    names: str | None = None  # "desa" | "kecamatan": the code may be given as region names (``names.py``)
    source: str = ""  # who produces the numbers, in public words: what a page cites

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


TABLES: dict[str, TableSpec] = {}


def register(spec: TableSpec) -> TableSpec:
    TABLES[spec.name] = spec
    return spec


def tables_from(decl: Declarations) -> dict[str, TableSpec]:
    """TableSpecs built from the declarations (``definitions/input.yml`` with the indicators' columns)."""
    return {t.name: TableSpec(
        name=t.name, title=t.title, description=t.description, key=t.key, ratios=t.ratios,
        required_file=t.required_file, names=t.names, source=t.source,
        columns=tuple(Column(c.name, c.kind, c.required, c.choices, c.hint or kind(c.kind).hint, c.default,
                             c.aliases) for c in t.columns),
    ) for t in decl.tables}


for _spec in tables_from(declarations.load()).values():
    register(_spec)

# numerator ≤ denominator pairs of pendampingan, derived from the indicators (kept for callers)
PENDAMPINGAN_PAIRS = TABLES["pendampingan"].ratios
WELFARE_COLUMNS = ("kesejahteraan_1", "kesejahteraan_2", "kesejahteraan_3", "kesejahteraan_4",
                   "kesejahteraan_lebih_4")
