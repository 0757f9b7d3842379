"""Column kinds as objects: how a kind of column is parsed, checked, worded for staff and stored.

Before, each of these was a parallel ``if kind == ...`` switch (``validate._parse``, ``validate._bad_message``,
the per-kind checks in ``validate._check_values``, the dtype choice in ``store._typed``): a new kind meant
finding all four. Here one object per kind holds all of it, and ``KINDS`` maps the names used in the input
declarations (``definitions/input.yml``) to them. Messages are exactly those the validator always gave.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Protocol

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..core import caches, fmt, privacy
from ..reference import urls
from . import normalize

if TYPE_CHECKING:
    from ..reference.config import Config
    from ..reference.regions import Regions
    from .problems import Report


class ColumnView(Protocol):
    """What a kind reads of a ``schema.Column``. A protocol, not an import: schema imports this module, and an
    import back (even for annotations only) would make the two one unit that cannot be read alone."""

    @property
    def name(self) -> str: ...

    @property
    def choices(self) -> tuple[str, ...]: ...


class SourceView(Protocol):
    """What a kind reads of a ``readers.Source`` (readers imports schema, which imports this module)."""

    @property
    def name(self) -> str: ...

    @property
    def indonesian_numbers(self) -> bool: ...


@dataclass
class CheckContext:
    """What a kind's value checks may consult: the file being checked and the world around it."""

    name: str  # the file name staff see (``pendampingan.csv``)
    rows: pd.Series  # spreadsheet row of each value
    regions: Regions
    today: dt.date
    report: Report
    config: Config


class Kind:
    """One kind of column. Subclasses override what differs; the defaults are free text's."""

    name: ClassVar[str] = "text"
    what: ClassVar[str] = "tidak sah"  # the first half of the "could not read" message
    dtype: ClassVar[str] = "str"  # how the cache stores it: "int64", "float64" or "str"
    hint: ClassVar[str] = ""  # what a valid value looks like, when a column's declaration gives none
    # the normaliser of a kind that needs nothing but the text (codes, months, dates, years, free text)
    reader: ClassVar[Callable[..., normalize.Parsed]] = staticmethod(normalize.free_text)

    def parse(self, text: pd.Series, column: ColumnView, source: SourceView) -> normalize.Parsed:
        """Text cells → typed values, with the unreadable and the normalised cells marked."""
        return type(self).reader(text)

    def inspect(self, text: pd.Series, parsed: normalize.Parsed, column: str, rows: pd.Series, source: SourceView,
                report: Report) -> None:
        """Checks on the cells as written, before unreadable cells are reported (may clear ``parsed.bad``)."""

    def bad_message(self, hint: str) -> str:
        return f"{self.what}; seharusnya {hint}."

    def check(self, values: pd.Series, column: ColumnView, ctx: CheckContext) -> None:
        """Checks on the parsed values (range, known codes, not in the future)."""

    def settle(self, text: pd.Series, parsed: normalize.Parsed, regions: Regions) -> None:
        """Readings that need the reference regions to be certain (a code Excel shortened); may mark cells
        bad with why (``parsed.why``)."""


class TextKind(Kind):
    name = "text"
    document = False  # a document number ("0856/123/2024"): its "/"-joined segments with a year are not a phone

    def inspect(self, text: pd.Series, parsed: normalize.Parsed, column: str, rows: pd.Series, source: SourceView,
                report: Report) -> None:
        check_personal_text(source, column, rows, parsed.values, report, document=self.document)


class DocumentNumberKind(TextKind):
    """A letter's or decree's number (``nomor_sk``): text, whose segments joined by "/" with a year among
    them are read as the document's number, not a phone number."""

    name = "nomor_dokumen"
    document = True


class RujukanKind(TextKind):
    """Where a published figure was read (``prevalensi.csv``): web addresses or names of sources, several
    separated by ``|``. Shown on public pages, an address as a link: so a part naming any scheme but
    http(s) (``javascript:``, ``data:``) or a broken address is refused here, never published."""

    name = "rujukan"

    def check(self, values: pd.Series, column: ColumnView, ctx: CheckContext) -> None:
        bad = values.map(lambda v: isinstance(v, str) and any(urls.unsafe_address(p) for p in urls.source_parts(v)))
        if bad.any():
            ctx.report.error_cells(ctx.name, column.name, ctx.rows[bad], values[bad],
                                   "alamat rujukan harus alamat web utuh yang diawali https:// atau http:// "
                                   "(tanpa spasi), atau nama sumber tanpa alamat; pisahkan beberapa sumber dengan |.")


LEVEL_NAMES = {"provinsi": "provinsi", "kabupaten": "kabupaten/kota", "kecamatan": "kecamatan", "desa": "desa"}


def code_level(code: str, regions: Regions) -> tuple[str, str] | None:
    """(level, name) of a well-formed code known to the reference regions at whatever level, else None."""
    parts = code.split(".")
    if not all(p.isdigit() and len(p) == w for p, w in zip(parts, normalize.CODE_WIDTHS, strict=False)) \
            or not 1 <= len(parts) <= 4:
        return None
    level = ("provinsi", "kabupaten", "kecamatan", "desa")[len(parts) - 1]
    table = getattr(regions, level)
    return (level, str(table.at[code, "nama"])) if code in table.index else None


def wrong_level(code: str, regions: Regions, wanted: str) -> str:
    """The message for a known code of another level than a column takes ("" when it is not one): "not in
    the reference regions" would send staff looking for a code that is there."""
    found = code_level(code, regions)
    if found is None:
        return ""
    level, nama = found
    return (f"ini kode {LEVEL_NAMES[level]} ({nama}), padahal kolom ini berisi kode {wanted}. Isi kode {wanted} "
            "(lihat data/README.md), atau pindahkan baris ini ke data yang dicatat per " + LEVEL_NAMES[level] + ".")


class KodeKind(Kind):
    """A Kemendagri code of one level, known to the reference regions."""

    def __init__(self, level: str, unknown: str) -> None:
        self.name = f"kode_{level}"  # type: ignore[misc]
        self.what = f"bukan kode {level} yang sah"  # type: ignore[misc]
        self.level = level
        self.unknown = unknown

    def parse(self, text: pd.Series, column: ColumnView, source: SourceView) -> normalize.Parsed:
        return normalize.kode(text, self.level)

    def settle(self, text: pd.Series, parsed: normalize.Parsed, regions: Regions) -> None:
        """A code with zeros lost is read only when exactly one reference code fits it. Excel drops a number's
        trailing zeros (kode_kabupaten 18.10 typed into a number cell shows 18.1) and staff drop leading ones
        (16.5.1): "18.1" may be 18.01 or 18.10, both real, so it is refused naming both, never padded to one."""
        reference = getattr(regions, self.level).index
        short = normalize.shortened_codes(text, self.level)
        why = parsed.why if parsed.why is not None else pd.Series("", index=text.index, dtype=object)
        for i, candidates in short.items():
            known = [c for c in candidates if c in reference]
            if len(known) == 1:
                parsed.values.at[i] = known[0]
            elif len(known) > 1:
                table = getattr(regions, self.level)
                names = " atau ".join(f"{c} ({table.at[c, 'nama']})" for c in known)
                parsed.bad.at[i] = True
                parsed.changed.at[i] = False
                why.at[i] = (f"kode ini terpotong (angka nol hilang, biasanya karena Excel membacanya sebagai angka): "
                             f"bisa berarti {names}. Tulis kode lengkap dengan format sel Teks, mis. {known[-1]}.")
        for i in parsed.bad[parsed.bad & (why == "")].index:
            why.at[i] = wrong_level(str(text.at[i]).strip(), regions, LEVEL_NAMES[self.level])
        parsed.why = why

    def check(self, values: pd.Series, column: ColumnView, ctx: CheckContext) -> None:
        known = _known(values, getattr(ctx.regions, self.level).index)
        if (~known).any():
            ctx.report.error_cells(ctx.name, column.name, ctx.rows[~known], values[~known], self.unknown)


class KodeWilayahKind(Kind):
    name = "kode_wilayah"
    what = "bukan kode wilayah yang sah"
    reader = staticmethod(normalize.kode_wilayah)

    def check(self, values: pd.Series, column: ColumnView, ctx: CheckContext) -> None:
        r = ctx.regions
        known = (values == "ID") | _known(values, r.provinsi.index) | _known(values, r.kabupaten.index) | \
            _known(values, r.kecamatan.index)
        if (~known).any():
            _report_unknown(values[~known], column, ctx, "nasional (ID), provinsi, kabupaten/kota atau kecamatan",
                            "kode wilayah tidak ada di data wilayah Kemendagri.")


class BulanKind(Kind):
    name = "bulan"
    what = "bukan bulan yang bisa dibaca"
    reader = staticmethod(normalize.bulan)

    def check(self, values: pd.Series, column: ColumnView, ctx: CheckContext) -> None:
        future = (values != "") & (values > f"{ctx.today:%Y-%m}")
        if future.any():
            ctx.report.error_cells(ctx.name, column.name, ctx.rows[future], values[future],
                                   f"bulan di masa depan (hari ini {ctx.today:%Y-%m-%d}); periksa tahun/bulannya.")


class TenggatKind(Kind):
    """A date that may lie in the future: a deadline (``tenggat``)."""

    name = "tenggat"
    what = "bukan tanggal yang bisa dibaca"
    reader = staticmethod(normalize.tanggal)


class TanggalKind(TenggatKind):
    """A date that has passed: when a Lokmin meeting was held."""

    name = "tanggal"

    def check(self, values: pd.Series, column: ColumnView, ctx: CheckContext) -> None:
        future = (values != "") & (values > ctx.today.isoformat())
        if future.any():
            ctx.report.error_cells(ctx.name, column.name, ctx.rows[future], values[future],
                                   "tanggal di masa depan; Lokmin yang dicatat harus sudah berlangsung.")


class StatusDateKind(TenggatKind):
    """The date a status was recorded (``tanggal_status``): several rows of one item make its history, and a
    year's evaluation reads the latest dated on or before 31 December (``asof.py``). A status is recorded
    when it changes, so the date has passed."""

    name = "tanggal_status"

    def check(self, values: pd.Series, column: ColumnView, ctx: CheckContext) -> None:
        future = (values != "") & (values > ctx.today.isoformat())
        if future.any():
            ctx.report.error_cells(ctx.name, column.name, ctx.rows[future], values[future],
                                   f"tanggal status di masa depan (hari ini {ctx.today:%Y-%m-%d}); tulis tanggal "
                                   "status itu benar-benar dicatat, bukan rencana.")


class TahunKind(Kind):
    name = "tahun"
    what = "bukan tahun yang sah"
    dtype = "int64"
    reader = staticmethod(normalize.tahun)


class NumberKind(Kind):
    """Numbers as the file's locale writes them (1.234,5 in a `;`-separated Indonesian export)."""

    what = "bukan angka"

    def parse(self, text: pd.Series, column: ColumnView, source: SourceView) -> normalize.Parsed:
        return normalize.number(text, source.indonesian_numbers)


class CountKind(NumberKind):
    """A whole number of people, families or teams: 0 or more, below the configured limit."""

    name = "count"
    dtype = "int64"
    hint = "bilangan bulat 0 atau lebih"

    def parse(self, text: pd.Series, column: ColumnView, source: SourceView) -> normalize.Parsed:
        return normalize.count(text, source.indonesian_numbers)

    def check(self, values: pd.Series, column: ColumnView, ctx: CheckContext) -> None:
        name, rows, col = ctx.name, ctx.rows, column.name
        neg = values < 0
        if neg.any():
            ctx.report.error_cells(name, col, rows[neg], values[neg].map(_num),
                                   "angka negatif; jumlah harus 0 atau lebih.")
        limit = ctx.config.limit(col)
        big = values > limit
        if big.any():  # also what would wrap around as a 64-bit integer (1e20 → −9.223.372.036.854.775.808)
            ctx.report.error_cells(name, col, rows[big], values[big].map(_num),
                                   f"terlalu besar untuk satu baris (lebih dari {fmt.number(limit)}). Periksa "
                                   "angkanya (salah ketik, atau bukan jumlah); bila memang benar, naikkan "
                                   f"batas_jumlah: {{{col}: ...}} di data/konfigurasi.yml.")
        frac = values.notna() & (values % 1 != 0)
        if frac.any():
            ctx.report.error_cells(name, col, rows[frac], values[frac].map(_num),
                                   "bukan bilangan bulat; jumlah orang/keluarga harus bilangan bulat.")


class PercentKind(NumberKind):
    name = "percent"
    dtype = "float64"

    def check(self, values: pd.Series, column: ColumnView, ctx: CheckContext) -> None:
        out_range = values.notna() & ~values.between(0, 100)
        if out_range.any():
            ctx.report.error_cells(ctx.name, column.name, ctx.rows[out_range], values[out_range].map(_num),
                                   "persen harus antara 0 dan 100.")


class ChoiceKind(Kind):
    """One of a column's declared choices."""

    name = "choice"
    what = "bukan pilihan yang sah"

    def choices(self, column: ColumnView) -> tuple[str, ...]:
        return column.choices

    def parse(self, text: pd.Series, column: ColumnView, source: SourceView) -> normalize.Parsed:
        return normalize.choice(text, self.choices(column))


class IndikatorKind(ChoiceKind):
    """The key of a declared indicator (``target.csv``): the choices are the indicator registry."""

    name = "indikator"
    what = "bukan nama indikator yang dikenal"

    def choices(self, column: ColumnView) -> tuple[str, ...]:
        from ..reference.indicators import INDICATORS

        return tuple(INDICATORS)


class KodeUnitKind(Kind):
    """A kabupaten/kota or kecamatan code (a team that exists at both levels, like TPPS)."""

    name = "kode_unit"
    what = "bukan kode kabupaten/kota atau kecamatan yang sah"
    reader = staticmethod(normalize.kode_wilayah)

    def check(self, values: pd.Series, column: ColumnView, ctx: CheckContext) -> None:
        known = _known(values, ctx.regions.kabupaten.index) | _known(values, ctx.regions.kecamatan.index)
        if (~known).any():
            _report_unknown(values[~known], column, ctx, "kabupaten/kota atau kecamatan",
                            "harus kode kabupaten/kota (mis. 16.05) atau kecamatan (mis. 16.05.01) yang ada "
                            "di data wilayah Kemendagri.")


def _report_unknown(values: pd.Series, column: ColumnView, ctx: CheckContext, wanted: str, unknown: str) -> None:
    """Codes a column does not take: a known code of another level said as such, the rest as unknown."""
    why = values.map(lambda c: wrong_level(str(c), ctx.regions, wanted))
    for reason, cells in why.groupby(why, sort=False):
        ctx.report.error_cells(ctx.name, column.name, ctx.rows[cells.index], values[cells.index], reason or unknown)


KINDS: dict[str, Kind] = {
    "kode_desa": KodeKind("desa", "kode desa tidak ada di data wilayah Kemendagri (data/wilayah/desa.csv). "
                                  "Periksa kodenya; desa hasil pemekaran baru perlu data wilayah terbaru."),
    "kode_kecamatan": KodeKind("kecamatan", "kode kecamatan tidak ada di data wilayah Kemendagri "
                                            "(data/wilayah/kecamatan.csv)."),
    "kode_kabupaten": KodeKind("kabupaten", "kode kabupaten/kota tidak ada di data wilayah Kemendagri "
                                            "(data/wilayah/kabupaten.csv)."),
    "kode_wilayah": KodeWilayahKind(),
    "kode_unit": KodeUnitKind(),
    "bulan": BulanKind(),
    "tanggal": TanggalKind(),
    "tenggat": TenggatKind(),
    "tanggal_status": StatusDateKind(),
    "tahun": TahunKind(),
    "count": CountKind(),
    "percent": PercentKind(),
    "choice": ChoiceKind(),
    "indikator": IndikatorKind(),
    "text": TextKind(),
    "nomor_dokumen": DocumentNumberKind(),
    "rujukan": RujukanKind(),
}


def kind(name: str) -> Kind:
    """The kind declared as ``name``; an unknown name is a mistake in the declarations, said plainly."""
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"jenis kolom tidak dikenal: {name!r} (yang dikenal: {', '.join(KINDS)})") from None


def check_personal_text(source: SourceView, column: str, rows: pd.Series, values: pd.Series, report: Report,
                        document: bool = False) -> None:
    """Free text is published as written, so a NIK, family card number or phone number typed into it would
    be too (``document``: the column holds document numbers, see ``privacy.find_personal``)."""
    values = values.astype(str)
    # a cheap pass first (Arrow's RE2 where the strings are Arrow's): 6 digits in any form (a part of a
    # number after "NIK", a mobile number has 10 to 13, a NIK 16), or digits written otherwise
    maybe = (values.str.count(privacy.DIGIT_CLASS) >= 6) | values.str.contains(privacy.DISGUISE_HINT, regex=True)
    if not maybe.any():
        return
    found = values[maybe.fillna(False).astype(bool)].map(lambda t: privacy.find_personal(t, document)).dropna()
    nik = found[found.map(lambda f: f.kind != "telepon")]
    if len(nik):
        report.error_cells(source.name, column, rows[nik.index], [f.masked for f in nik],
                           "berisi nomor berbentuk NIK atau No. KK (atau sebagiannya). Teks ini tampil di situs "
                           "publik: hapus nomor itu (sebut keluarga tanpa identitas, mis. 'satu keluarga di Desa X').")
    phone = found[found.map(lambda f: f.kind == "telepon")]
    if len(phone):
        report.error_cells(source.name, column, rows[phone.index], [f.masked for f in phone],
                           f"berisi nomor telepon. Teks ini tampil di situs publik dan {privacy.PHONE_FIX}")


_VALUE_SETS = caches.table("ingest.kinds.value_sets", 8)  # the reference indexes (regions' codes) of a process


def _value_set(reference: pd.Index) -> pa.Array:
    """The reference codes as an Arrow array, made once per index (83,000 desa codes: ~5 ms each time). The
    entry keeps the index alive, so its ``id`` cannot be reused."""
    return _VALUE_SETS.get_or_make(
        id(reference), lambda: pa.array(reference.to_numpy(dtype=object), type=pa.string()), keep=reference)


def _known(values: pd.Series, reference: pd.Index) -> pd.Series:
    """Arrow's hash lookup: ~10x faster than ``Index.get_indexer`` on 100k codes (and pandas' ``isin`` on
    Arrow strings is slower still)."""
    known = np.asarray(pc.is_in(normalize.arrow_text(values), value_set=_value_set(reference)))
    return pd.Series(known, index=values.index) | (values == "")


def _num(v: float) -> str:
    return str(int(v)) if pd.notna(v) and float(v).is_integer() else str(v)
