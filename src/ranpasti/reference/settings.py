"""The schema of every file of settings staff write, declared once: ``data/konfigurasi.yml``, the params
files (``params/**/index.yml``, ``evaluasi-<tahun>.yml``) and ``data/judul_kolom.yml``.

Why: each file used to be read key by key with ``int(...)``, ``bool(...)`` and ``float(...)``, so
``batas_privasi_krs: true`` became 1 and ``2.9`` became 2, ``data_contoh: "tidak"`` was true, ``lima``, a
band without ``warna``, ``min: abc`` or an impossible date ended in a traceback, and a colour could carry
CSS that made readers' browsers fetch an outside address (issue 32, class 5). Here each file is a pydantic
model in strict mode with unknown keys refused; a wrong value of any key, in any file, becomes one message
in Bahasa Indonesia naming the file, the line, the key, the value written (masked when it is a personal
number) and what is allowed (``explain``). New keys are added here, with their ``description`` (what staff
are told is allowed), and nowhere else.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import types
import typing
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from ..core import privacy
from ..core.yamlio import Lines, YamlError, load_with_lines

COUNT_LIMIT_MAX = 10**12  # a count above this is never plausible and no longer exact as a float
CATATAN_MAX = 2000  # characters of a page note
DOCUMENT_MAX = 200  # characters of an evaluation cover's office or position
SOURCE_NOTE_MAX = 2000


class SettingsError(YamlError):
    """A settings file whose content does not fit its schema; the message names file, line and key."""


# ------------------------------------------------------------------------------------------ value types


def _public(text: str | None) -> str | None:
    """Text shown on the public site holds no personal number (NIK/KK, mobile)."""
    found = privacy.find_personal(text or "")
    if found:
        fix = "hapus nomor itu" if found.kind == "nik" else privacy.PHONE_FIX
        raise ValueError(f"berisi {found.what} ({found.masked}); teks ini tampil di situs publik: {fix}")
    return text


def _code(value: Any) -> str:
    """A region code as text; a bare number (``kode: 16``) is read as its digits, never a bool or float."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError("kode harus teks dalam tanda kutip")
    return str(value)


NUMBER_MAX = 10**12  # any number of a setting; bounded before it is made a float (a huge int overflows)


def _number(value: Any) -> float:
    """A number within ``NUMBER_MAX``, decided on the value as written (D8: ``min: 1`` and 400 zeros was an
    OverflowError in ``float``)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("harus angka")
    if not (math.isfinite(value) if isinstance(value, float) else True) or abs(value) > NUMBER_MAX:
        raise ValueError(f"angka terlalu besar (paling besar {NUMBER_MAX:,})".replace(",", "."))
    return float(value)


def _date(value: Any) -> str | None:
    """A date as ``YYYY-MM-DD`` text: YAML's own date, or quoted text that is a real calendar date."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            raise ValueError("tanggal itu tidak ada di kalender") from None
    raise ValueError("harus tanggal")


PublicText = Annotated[str, AfterValidator(_public)]
Code = Annotated[str, BeforeValidator(_code)]
Number = Annotated[float, BeforeValidator(_number)]
Colour = Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")]
Month = Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
Date = Annotated[str | None, BeforeValidator(_date)]
ColumnName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


# ------------------------------------------------------------------------------------------ konfigurasi.yml


class BandSetting(_Strict):
    min: Number = Field(description="angka persen capaian terendah pita ini, mis. min: 80")
    label: Annotated[str, Field(min_length=1, max_length=60)] = Field(
        description="nama pita dalam tanda kutip, mis. label: \"Hampir tercapai\"")
    warna: Colour = Field(description="warna #rrggbb (enam angka heksadesimal), mis. warna: \"#18794e\"")


class Konfigurasi(_Strict):
    """``data/konfigurasi.yml``; every key may be left out (its default applies)."""

    data_contoh: bool = Field(False, description="true atau false (tanpa tanda kutip)")
    keterangan_sumber: Annotated[PublicText, Field(max_length=SOURCE_NOTE_MAX)] = Field(
        "", description=f"teks keterangan sumber data, paling banyak {SOURCE_NOTE_MAX} karakter, tanpa nomor "
                        "pribadi")
    ambang_capaian: Annotated[list[BandSetting], Field(min_length=1, max_length=12)] | None = Field(
        None, description="daftar pita, masing-masing {min: angka, label: \"teks\", warna: \"#rrggbb\"}")
    batas_privasi_krs: Annotated[int, Field(ge=1, le=1000)] = Field(
        5, description="bilangan bulat 1 s.d. 1000 tanpa koma, mis. batas_privasi_krs: 5")
    lebar_perlindungan_privasi: Annotated[int, Field(ge=1, le=1000)] | None = Field(
        None, description="bilangan bulat 1 s.d. 1000: berapa banyak bilangan bulat yang harus tetap mungkin bagi "
                          "angka yang disamarkan (kosong: batas_privasi_krs - 1)")
    batas_jumlah: dict[ColumnName, Annotated[int, Field(ge=1, le=COUNT_LIMIT_MAX)]] = Field(
        default_factory=dict, description="nama kolom (atau bawaan): bilangan bulat 1 s.d. 10^12, mis. "
                                          "batas_jumlah: {bawaan: 1000000, krs_sasaran: 50000}")
    lokmin_per_tahun: Annotated[int, Field(ge=1, le=366)] = Field(
        12, description="bilangan bulat 1 s.d. 366, mis. lokmin_per_tahun: 12")


# ------------------------------------------------------------------------------------------ params files


class ProgressParams(_Strict):
    """A monthly progress page's params file (``index.yml``)."""

    kode: Code = Field(description="kode wilayah dalam tanda kutip, mis. kode: \"16.05.01\"")
    bulan: Month | None = Field(None, description="bulan \"YYYY-MM\" dalam tanda kutip, mis. bulan: \"2024-06\", "
                                                  "atau kosong untuk bulan terakhir di data")
    catatan: Annotated[PublicText, Field(max_length=CATATAN_MAX)] | None = Field(
        None, description=f"teks paling banyak {CATATAN_MAX} karakter, tanpa nomor pribadi")
    terbit: bool = Field(True, description="true atau false (tanpa tanda kutip)")


_DOCUMENT = Field(None, description=f"teks paling banyak {DOCUMENT_MAX} karakter, mis. \"Kepala DPPKB Kabupaten "
                                    "...\" (lembaga/jabatan, bukan nama orang, tanpa nomor pribadi)")


class EvaluationParams(_Strict):
    """A December evaluation page's params file (``evaluasi-<tahun>.yml``)."""

    kode: Code = Field(description="kode wilayah dalam tanda kutip, mis. kode: \"16.05.01\"")
    tahun: Annotated[int, Field(ge=2000, le=2100)] = Field(description="angka tahun, mis. tahun: 2024")
    catatan: Annotated[PublicText, Field(max_length=CATATAN_MAX)] | None = Field(
        None, description=f"teks paling banyak {CATATAN_MAX} karakter, tanpa nomor pribadi")
    terbit: bool = Field(True, description="true atau false (tanpa tanda kutip)")
    tim_evaluasi: Annotated[PublicText, Field(max_length=DOCUMENT_MAX)] | None = _DOCUMENT
    tanggal_evaluasi: Date = Field(None, description="tanggal YYYY-MM-DD yang ada di kalender, mis. 2024-12-20")
    disahkan_oleh: Annotated[PublicText, Field(max_length=DOCUMENT_MAX)] | None = _DOCUMENT
    # the approval sheet (lembar pengesahan): office, position, place, date; names and NIP are written by hand
    pengesahan_kantor: Annotated[PublicText, Field(max_length=DOCUMENT_MAX)] | None = Field(
        None, description=f"nama kantor, paling banyak {DOCUMENT_MAX} karakter, mis. \"Dinas PPKB Kabupaten ...\"")
    pengesahan_jabatan: Annotated[PublicText, Field(max_length=DOCUMENT_MAX)] | None = Field(
        None, description=f"jabatan yang mengesahkan (bukan nama orang), paling banyak {DOCUMENT_MAX} karakter, "
                          "mis. \"Kepala Dinas\"")
    pengesahan_tempat: Annotated[PublicText, Field(max_length=100)] | None = Field(
        None, description="nama tempat penandatanganan, paling banyak 100 karakter, mis. \"Muara Beliti\"")
    pengesahan_tanggal: Date = Field(None, description="tanggal YYYY-MM-DD yang ada di kalender, mis. 2026-01-15")


PARAMS_MODELS: dict[str, type[_Strict]] = {"progres": ProgressParams, "evaluasi": EvaluationParams}


# ------------------------------------------------------------------------------------------ judul_kolom.yml

HeaderMapping = dict[str, dict[str, str]]
_HEADERS_DESCRIPTION = ("bagian per data (mis. pendampingan:) atau semua:, masing-masing berisi baris "
                        "\"Judul kolom di file Anda\": nama_kolom (teks, judul angka diberi tanda kutip)")


class JudulKolom(BaseModel):
    """``data/judul_kolom.yml``: ``{input or "semua": {staff header: column}}`` (targets checked by headers)."""

    model_config = ConfigDict(strict=True, frozen=True)
    sections: dict[str, dict[str, Annotated[str, Field(min_length=1, max_length=200)]]] = Field(
        description=_HEADERS_DESCRIPTION)


# ------------------------------------------------------------------------------------------ reading and messages


def read(path: Path, model: type[BaseModel], max_bytes: int = 256 * 1024, missing_ok: bool = False) -> Any:
    """``path`` read and checked against ``model``; a ``SettingsError``/``YamlError`` naming file and line."""
    path = Path(path)
    if missing_ok and not (path.exists() or path.is_symlink()):
        return model.model_validate({})
    data, lines = load_with_lines(path, max_bytes)
    return check(model, {} if data is None else data, path, lines)


def check(model: type[BaseModel], data: Any, path: Path | str, lines: Lines | None = None,
          wrap: tuple[str, ...] = ()) -> Any:
    """``data`` (as read from ``path``) as a ``model``; else a ``SettingsError`` listing every problem.

    ``wrap`` names the model's field that holds the whole document (``JudulKolom.sections``)."""
    doc = data
    for key in reversed(wrap):
        doc = {key: doc}
    if not wrap and not isinstance(data, dict):
        raise SettingsError(f"{path}: harus berisi pengaturan `nama: nilai`, bukan {_kind(data)}.")
    try:
        return model.model_validate(doc)
    except ValidationError as e:
        raise SettingsError(explain(e, model, path, lines or {}, len(wrap))) from None


def explain(error: ValidationError, model: type[BaseModel], path: Path | str, lines: Lines, skip: int = 0,
            most: int = 10) -> str:
    """One line per problem: file, line, key, the value written (masked if personal) and what is allowed."""
    out = []
    for err in error.errors()[:most]:
        loc = tuple(err["loc"])
        where = loc[skip:]
        line = _line(lines, where)
        field = _field_at(model, loc)
        allowed = field.description if field is not None and field.description else ""
        problem = _problem(err, model, loc)
        key = _key_text(where) or "(isi file)"
        personal = err["type"] == "value_error" and privacy.find_personal(_plain(err.get("input")))
        written = "" if err["type"] == "missing" or personal else f" (tertulis {_shown(err.get('input'))})"
        at = f", baris {line}" if line else ""
        tail = f" Yang boleh: {allowed}." if allowed and err["type"] != "extra_forbidden" else ""
        out.append(f"{path}{at}: {key}: {problem}{written}.{tail}")
    if len(error.errors()) > most:
        out.append(f"{path}: ... dan {len(error.errors()) - most} masalah lain.")
    return "\n".join(out)


def _line(lines: Lines, loc: tuple) -> int | None:
    while True:
        if loc in lines:
            return lines[loc]
        if not loc:
            return None
        loc = loc[:-1]


def _key_text(loc: tuple) -> str:
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int) and parts:
            parts[-1] += f" (butir ke-{part + 1})"
        else:
            parts.append(repr(part) if isinstance(part, str) else str(part))
    return "kunci " + " › ".join(parts) if parts else ""


def _kind(value: Any) -> str:
    return {bool: "true/false", int: "bilangan bulat", float: "angka pecahan", str: "teks", list: "daftar",
            dict: "kumpulan `nama: nilai`", type(None): "kosong", dt.date: "tanggal",
            dt.datetime: "tanggal dan jam"}.get(type(value), type(value).__name__)


def _plain(value: Any) -> str:
    """``str(value)``, but never of an integer too long for Python to write (that raises a ValueError)."""
    if isinstance(value, int) and abs(value) > 10**40:
        return ""
    return "" if value is None else str(value)


def _shown(value: Any) -> str:
    """The value as staff wrote it, short, with any personal number masked (messages reach logs and CI)."""
    if isinstance(value, (dict, list)):
        return _kind(value)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**40:
        return "angka yang sangat panjang"  # str() of a huge int is itself refused by Python
    text = str(value) if not isinstance(value, str) else value
    found = privacy.find_personal(text)
    if found:
        return f"teks yang memuat {found.what} {found.masked}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "kosong"
    text = text if len(text) <= 60 else text[:57] + "..."
    return repr(text) if isinstance(value, str) else text


def _problem(err: Any, model: type[BaseModel], loc: tuple) -> str:
    kind, ctx = err["type"], err.get("ctx") or {}
    if kind == "extra_forbidden":
        parent = _model_at(model, loc[:-1])
        names = ", ".join(parent.model_fields) if parent is not None else ""
        return f"kunci tidak dikenal; yang boleh: {names}. Hapus kunci itu atau perbaiki ejaannya" if names \
            else "kunci tidak dikenal"
    if kind in ("value_error", "assertion_error"):
        return str(ctx.get("error") or err["msg"]).removeprefix("Value error, ")
    value = err.get("input")
    if kind == "too_long" and isinstance(value, str):
        kind = "string_too_long"
    texts = {
        "missing": "wajib ada",
        "bool_type": f"harus true atau false, bukan {_kind(value)}",
        "int_type": f"harus bilangan bulat, bukan {_kind(value)}",
        "int_from_float": "harus bilangan bulat (tanpa koma)",
        "float_type": f"harus angka, bukan {_kind(value)}",
        "finite_number": "harus angka terhingga",
        "string_type": f"harus teks, bukan {_kind(value)}",
        "list_type": f"harus daftar (baris-baris diawali -), bukan {_kind(value)}",
        "dict_type": f"harus kumpulan `nama: nilai`, bukan {_kind(value)}",
        "model_type": f"harus kumpulan `nama: nilai`, bukan {_kind(value)}",
        "model_attributes_type": f"harus kumpulan `nama: nilai`, bukan {_kind(value)}",
        "greater_than_equal": f"terlalu kecil (paling kecil {ctx.get('ge')})",
        "greater_than": f"terlalu kecil (harus lebih dari {ctx.get('gt')})",
        "less_than_equal": f"terlalu besar (paling besar {ctx.get('le')})",
        "less_than": f"terlalu besar (harus kurang dari {ctx.get('lt')})",
        "string_pattern_mismatch": "bentuknya tidak sesuai",
        "string_too_long": f"terlalu panjang (paling banyak {ctx.get('max_length')} karakter)",
        "string_too_short": "tidak boleh kosong",
        "too_short": f"terlalu sedikit butir (paling sedikit {ctx.get('min_length')})",
        "too_long": f"terlalu banyak butir (paling banyak {ctx.get('max_length')})",
    }
    return texts.get(kind, f"tidak sah ({kind})")


def _unwrap(annotation: Any) -> Any:
    """The type inside ``Annotated[...]`` and ``X | None``."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation


def _walk(model: type[BaseModel], loc: tuple) -> tuple[Any, Any]:
    """(the field whose value holds ``loc``, the type at ``loc``) walking models, lists and dicts."""
    field, current = None, typing.cast(Any, model)
    for part in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            if part not in current.model_fields:
                return field, None
            field = current.model_fields[part]
            current = field.annotation
        elif typing.get_origin(current) in (list, tuple):
            current = typing.get_args(current)[0]
        elif typing.get_origin(current) is dict:
            current = typing.get_args(current)[1]
        else:
            return field, None
    return field, _unwrap(current)


def _field_at(model: type[BaseModel], loc: tuple) -> Any:
    return _walk(model, loc)[0]


def _model_at(model: type[BaseModel], loc: tuple) -> type[BaseModel] | None:
    found = _walk(model, loc)[1]
    return found if isinstance(found, type) and issubclass(found, BaseModel) else None
