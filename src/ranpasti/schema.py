"""What staff drop into the data folder: one ``TableSpec`` per input file, kept in a registry.

The specs are data, not code paths: the validator, the cache writer and ``data/README.md`` all read them,
so a new column is declared once. A column's kind names a ``kinds.Kind``, which parses, checks and stores it.
"""

from __future__ import annotations

from dataclasses import dataclass

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

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


TABLES: dict[str, TableSpec] = {}


def register(spec: TableSpec) -> TableSpec:
    TABLES[spec.name] = spec
    return spec


PENDAMPINGAN_PAIRS = (
    ("krs_didampingi", "krs_sasaran"),
    ("catin_didampingi", "catin_terdaftar"),
    ("bumil_didampingi", "bumil_sasaran"),
    ("pascasalin_didampingi", "pascasalin_sasaran"),
    ("pascasalin_kb", "pascasalin_sasaran"),
    ("baduta_didampingi", "baduta_sasaran"),
    ("tpk_lapor", "tpk_jumlah"),
)

_COUNT_HINT = "bilangan bulat 0 atau lebih"

register(TableSpec(
    name="pendampingan",
    title="Laporan pendampingan bulanan per desa",
    description="Satu baris per desa per bulan, dari laporan TPK (Elsimil) yang direkap OPD KB.",
    columns=(
        Column("kode_desa", "kode_desa", hint="kode Kemendagri desa, mis. 16.05.01.2001"),
        Column("kode_kecamatan", "kode_kecamatan", required=False, hint="kode kecamatan, mis. 16.05.01"),
        Column("bulan", "bulan", hint="bulan laporan YYYY-MM, mis. 2024-03"),
        *(Column(c, "count", hint=_COUNT_HINT) for c in (
            "krs_sasaran", "krs_didampingi", "catin_terdaftar", "catin_didampingi", "bumil_sasaran",
            "bumil_didampingi", "pascasalin_sasaran", "pascasalin_didampingi", "pascasalin_kb",
            "baduta_sasaran", "baduta_didampingi", "tpk_jumlah", "tpk_lapor")),
    ),
    key=("kode_desa", "bulan"),
    ratios=PENDAMPINGAN_PAIRS,
))

register(TableSpec(
    name="kampung_kb",
    title="Kampung KB per desa",
    description="Desa/kelurahan yang sudah membentuk Kampung Keluarga Berkualitas, dengan tahun terbentuk.",
    columns=(
        Column("kode_desa", "kode_desa", hint="kode Kemendagri desa, mis. 16.05.01.2001"),
        Column("tahun_terbentuk", "tahun", hint="tahun empat angka, mis. 2022"),
    ),
    key=("kode_desa",),
))

register(TableSpec(
    name="lokmin",
    title="Lokakarya mini (Lokmin) kecamatan",
    description="Satu baris per masalah yang dibahas di Lokmin kecamatan dan rencana tindak lanjutnya.",
    columns=(
        Column("kode_kecamatan", "kode_kecamatan", hint="kode kecamatan, mis. 16.05.01"),
        Column("tanggal", "tanggal", hint="tanggal pertemuan YYYY-MM-DD, mis. 2024-03-14"),
        Column("tahap", "text", hint="tahap Lokmin, mis. 'Tahap 2: target pendampingan'"),
        Column("masalah", "text", hint="masalah prioritas yang ditemukan"),
        Column("rencana_tindak_lanjut", "text", hint="aksi yang disepakati"),
        Column("status", "choice", choices=("selesai", "berjalan", "belum dimulai"),
               hint="salah satu dari: selesai, berjalan, belum dimulai"),
    ),
))

register(TableSpec(
    name="prevalensi",
    title="Prevalensi stunting balita",
    description="Angka prevalensi stunting (% balita) per wilayah dan tahun, dengan sumbernya.",
    columns=(
        Column("kode_wilayah", "kode_wilayah", hint="'ID' untuk nasional atau kode Kemendagri wilayah"),
        Column("tahun", "tahun", hint="tahun empat angka"),
        Column("sumber", "choice", choices=("SSGI", "SKI", "e-PPGBM"), hint="SSGI, SKI atau e-PPGBM"),
        Column("prevalensi", "percent", hint="persen 0–100, mis. 21,9"),
        Column("keterangan", "text", required=False, hint="catatan sumber (judul/tautan berita)"),
    ),
    key=("kode_wilayah", "tahun", "sumber"),
))

register(TableSpec(
    name="target",
    title="Target indikator",
    description="Target tahunan tiap indikator, arahnya (naik/turun) dan sumber penetapannya.",
    columns=(
        Column("indikator", "indikator", hint="nama indikator dari daftar di data/README.md"),
        Column("tahun", "tahun", hint="tahun empat angka"),
        Column("target", "percent", hint="persen 0–100"),
        Column("arah", "choice", choices=("naik", "turun"), hint="naik (makin tinggi makin baik) atau turun"),
        Column("sumber", "text", hint="dasar penetapan target, mis. Perpres 72/2021"),
    ),
    key=("indikator", "tahun"),
))

_REKAP_COUNTS = (
    "jumlah_keluarga", "jumlah_keluarga_sasaran", "kesejahteraan_1", "kesejahteraan_2", "kesejahteraan_3",
    "kesejahteraan_4", "kesejahteraan_lebih_4", "total_krs", "tidak_berisiko", "baduta", "balita", "pus",
    "pus_hamil", "air_minum_tidak_layak", "jamban_tidak_layak", "terlalu_muda", "terlalu_tua",
    "terlalu_dekat", "terlalu_banyak",
)
WELFARE_COLUMNS = ("kesejahteraan_1", "kesejahteraan_2", "kesejahteraan_3", "kesejahteraan_4",
                   "kesejahteraan_lebih_4")

register(TableSpec(
    name="krs_rekap",
    title="Rekapitulasi keluarga berisiko stunting (KRS) per kecamatan",
    description="Rekap BKKBN 'Rekapitulasi KRS berdasarkan wilayah' hasil Pendataan Keluarga per kecamatan.",
    columns=(
        Column("kode_kecamatan", "kode_kecamatan", hint="kode kecamatan, mis. 16.05.01"),
        Column("tahun", "tahun", hint="tahun pendataan, mis. 2024"),
        *(Column(c, "count", hint=_COUNT_HINT) for c in _REKAP_COUNTS),
    ),
    key=("kode_kecamatan", "tahun"),
    ratios=(("jumlah_keluarga_sasaran", "jumlah_keluarga"), ("total_krs", "jumlah_keluarga_sasaran")),
))
