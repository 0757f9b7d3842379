"""What staff drop into the data folder: one ``TableSpec`` per input file, kept in a registry.

The specs are built from the declarations (``definitions/input.yml``, plus the numerator and denominator
columns of the indicators in ``definitions/indikator.yml``): the validator, the cache writer and
``data/README.md`` (``docs.py``) all read them, so a new column is declared once. A column's kind names a
``kinds.Kind``, which parses, checks and stores it.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import declarations
from .declarations import Declarations
from .kinds import Kind, kind

# Column names that would carry personal data (NIK, names, addresses, birth dates, family card numbers).
# Refused outright: nothing below desa level is ever published, and such a file should not even be stored.
PERSONAL_COLUMNS = {
    "nik": "NIK", "no_nik": "NIK", "nomor_nik": "NIK",
    "nama": "nama orang", "nama_lengkap": "nama orang", "nama_ibu": "nama orang", "nama_anak": "nama orang",
    "nama_balita": "nama orang", "nama_kepala_keluarga": "nama orang", "nama_kk": "nama orang",
    "nama_suami": "nama orang", "nama_istri": "nama orang",
    "alamat": "alamat", "alamat_lengkap": "alamat", "rt": "alamat (RT)", "rw": "alamat (RW)",
    "tanggal_lahir": "tanggal lahir", "tgl_lahir": "tanggal lahir", "tempat_tanggal_lahir": "tanggal lahir",
    "ttl": "tanggal lahir",
    "no_kk": "nomor KK", "nomor_kk": "nomor KK", "kk": "nomor KK", "no_kartu_keluarga": "nomor KK",
    "no_hp": "nomor telepon", "telepon": "nomor telepon",
}

# The same, recognised by the words in a column's name, whatever surrounds them ("NIK Ibu",
# "nik_kepala_keluarga", "N.I.K", "no_telp", "nama_kader"): a column is refused when one of its words is
# one of these. "nama" names a person unless the next word names a place, a team or a thing.
PERSONAL_WORDS = {
    "nik": "NIK", "ktp": "NIK", "identitas": "nomor identitas", "nkk": "nomor KK",
    "alamat": "alamat", "ttl": "tanggal lahir",
    "telp": "nomor telepon", "tlp": "nomor telepon", "telepon": "nomor telepon", "telpon": "nomor telepon",
    "hp": "nomor telepon", "ponsel": "nomor telepon", "wa": "nomor telepon", "whatsapp": "nomor telepon",
    "email": "alamat email", "surel": "alamat email",
}
# Words that are personal only in context: "Jumlah KK" counts families, "bayi lahir" births, "jumlah RT"
# neighbourhoods; "No. KK", "tanggal lahir", "RT" alone are personal.
CONTEXT_WORDS = {"kk": ("nomor KK", {"no", "nomor", "nmr"}), "rt": ("alamat (RT)", {"no", "nomor", "alamat"}),
                 "rw": ("alamat (RW)", {"no", "nomor", "alamat"}),
                 "lahir": ("tanggal lahir", {"tanggal", "tgl", "tempat", "tmp", "tpt"})}
NOT_A_PERSON = {"desa", "kelurahan", "kecamatan", "kabupaten", "kota", "provinsi", "wilayah", "kegiatan", "posyandu",
                "tim", "tpk", "kampung", "indikator", "program", "instansi", "opd", "sumber", "file", "lembaga",
                "puskesmas", "dusun", "lembar"}


def personal_column(name: str) -> str | None:
    """What personal data a (normalised) column name announces, or None. Single letters are read together,
    so ``n_i_k`` (from "N.I.K") is ``nik``."""
    if name in PERSONAL_COLUMNS:
        return PERSONAL_COLUMNS[name]
    words = [w for w in name.split("_") if w]
    if len(words) > 1 and all(len(w) == 1 for w in words):
        words = ["".join(words)]
    for i, w in enumerate(words):
        if w in PERSONAL_WORDS:
            return PERSONAL_WORDS[w]
        if w in CONTEXT_WORDS and (len(words) == 1 or (i and words[i - 1] in CONTEXT_WORDS[w][1])):
            return CONTEXT_WORDS[w][0]
        if w == "nama" and (i + 1 == len(words) or words[i + 1] not in NOT_A_PERSON):
            return "nama orang"
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
