"""Turn text cells into typed values, vectorised, accepting what is unambiguous and flagging the rest.

Each parser returns ``(values, bad)``: the normalised column and a boolean mask of cells it could not read.
A parser that changed a readable but non-standard form (``Januari 2024`` → ``2024-01``) says so through
``changed``, so the build log can tell staff what was normalised.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from ..core import privacy
from ..core.fmt import BULAN, BULAN_SINGKAT

CODE_WIDTHS = (2, 2, 2, 4)  # provinsi . kabupaten . kecamatan . desa
LEVEL_PARTS = {"provinsi": 1, "kabupaten": 2, "kecamatan": 3, "desa": 4}

_MONTHS = {name.lower(): i + 1 for i, name in enumerate(BULAN)}
_MONTHS.update({name.lower(): i + 1 for i, name in enumerate(BULAN_SINGKAT)})
_MONTHS.update({"agt": 8, "ags": 8, "okt": 10, "nop": 11, "nov": 11, "des": 12, "pebruari": 2, "nopember": 11,
                "january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7, "august": 8,
                "october": 10, "december": 12, "mar": 3, "aug": 8, "oct": 10, "dec": 12})


@dataclass
class Parsed:
    values: pd.Series
    bad: pd.Series  # True where the text could not be read
    changed: pd.Series  # True where a readable non-standard form was normalised
    # why a bad cell could not be read, where a parser can say it better than the kind's own message ("" where
    # it cannot); None: every bad cell gets the kind's message
    why: pd.Series | None = None


def _result(values: pd.Series, bad: pd.Series, text: pd.Series, standard: pd.Series) -> Parsed:
    return Parsed(values, bad, ~bad & ~standard & (text != ""))


def kode(text: pd.Series, level: str) -> Parsed:
    """Kemendagri code at ``level``: accepts ``16.05.01``, ``160501`` (no dots) and ``16.5.1`` (zeros lost)."""
    parts_n = LEVEL_PARTS[level]
    widths = CODE_WIDTHS[:parts_n]
    s = text.str.strip()
    standard = s.str.fullmatch(r"\.".join(rf"\d{{{w}}}" for w in widths))
    digits_only = s.str.fullmatch(rf"\d{{{sum(widths)}}}")
    out = s.copy()
    # no dots: split by the fixed widths
    if digits_only.any():
        d = s[digits_only]
        pieces, pos = [], 0
        for w in widths:
            pieces.append(d.str.slice(pos, pos + w))
            pos += w
        out[digits_only] = pieces[0].str.cat(pieces[1:], sep=".")
    # dots with leading zeros lost (Excel turned 16.05 into 16.5): pad each part
    lost = ~standard & ~digits_only & s.str.fullmatch(r"\.".join([r"\d{1,4}"] * parts_n))
    if lost.any():
        split = s[lost].str.split(".", expand=True)
        fits = pd.Series(True, index=split.index)
        padded = []
        for i, w in enumerate(widths):
            col = split[i]
            fits &= col.str.len() <= w
            padded.append(col.str.zfill(w))
        joined = padded[0].str.cat(padded[1:], sep=".")
        out[lost & fits.reindex(s.index, fill_value=False)] = joined[fits]
        lost = lost & fits.reindex(s.index, fill_value=False)
    ok = standard | digits_only | lost
    bad = ~ok & (s != "")
    return _result(out.where(ok, s), bad, s, standard)


def shortened_codes(text: pd.Series, level: str) -> dict[object, list[str]]:
    """The cells of ``text`` written as a ``level`` code with zeros lost, each with every full code it may
    stand for: each part padded with leading zeros (16.5.1 → 16.05.01) and, for a code with one dot (which
    Excel takes for a decimal number and drops its trailing zeros: 18.10 → 18.1), the last part padded with
    trailing zeros too (18.1 → 18.01 or 18.10). Which ones exist is the reference regions' to say."""
    parts_n = LEVEL_PARTS[level]
    widths = CODE_WIDTHS[:parts_n]
    s = text.str.strip()
    standard = s.str.fullmatch(r"\.".join(rf"\d{{{w}}}" for w in widths)).fillna(False).astype(bool)
    short = ~standard & s.str.fullmatch(r"\.".join([r"[0-9]{1,4}"] * parts_n)).fillna(False).astype(bool)
    out: dict[object, list[str]] = {}
    for i, code in s[short].items():
        parts = code.split(".")
        if any(len(p) > w for p, w in zip(parts, widths, strict=True)):
            continue
        left = ".".join(p.zfill(w) for p, w in zip(parts, widths, strict=True))
        candidates = [left]
        if parts_n == 2 and len(parts[1]) < widths[1]:
            candidates.append(parts[0].zfill(widths[0]) + "." + parts[1].ljust(widths[1], "0"))
        out[i] = list(dict.fromkeys(candidates))
    return out


def kode_wilayah(text: pd.Series) -> Parsed:
    """Any level, or ``ID`` for the whole country; only the standard dotted form (levels are ambiguous)."""
    s = text.str.strip()
    national = s.str.upper().isin(["ID", "INDONESIA", "NASIONAL"])
    standard = s.str.fullmatch(r"\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?")
    out = s.where(~national, "ID")
    bad = ~(standard | national) & (s != "")
    return _result(out, bad, s, standard | (s == "ID"))


# The years a date of this programme can have: none before 2000 (RAN PASTI, its data and its deadlines are
# this century; "0224-01", "1024-01", an Excel serial 0 or below read as 1899 are typos), none past the year
# after next (a Lokmin deadline may lie ahead, not decades ahead). The one range every month and date is held
# to; a month or meeting date in the future is refused besides, by its kind.
FIRST_YEAR = 2000


def last_year() -> int:
    return date.today().year + 2


def year_why(years: pd.Series) -> pd.Series:
    """Why each year outside the plausible range is refused (in the future, or before the programme)."""
    future = f"tahun di masa depan, di luar rentang yang masuk akal ({FIRST_YEAR}–{last_year()}); periksa tahunnya."
    past = (f"tahun di luar rentang yang masuk akal ({FIRST_YEAR}–{last_year()}); periksa tahunnya (salah ketik, atau "
            "sel Excel berisi angka 0 atau negatif yang terbaca sebagai tanggal 1899/1900).")
    return pd.Series(np.where(years > last_year(), future, past), index=years.index, dtype=object)


# "2024.10" typed into Excel is the number 2024.1: read, it would be January. A month written as a decimal
# number is never read; the dot form is refused with how to write it.
DECIMAL_MONTH = r"\d{4}\.\d{1,2}"
DECIMAL_MONTH_WHY = ("bulan ditulis sebagai angka desimal (YYYY.M): Excel menyimpan 2024.10 sebagai 2024.1, jadi "
                     "Oktober dan Januari tidak bisa dibedakan. Tulis 2024-10 (atau Oktober 2024), dan format selnya "
                     "sebagai Teks.")


def bulan(text: pd.Series) -> Parsed:
    """Reporting month as ``YYYY-MM``; accepts ``Januari 2024``, ``01/2024``, ``2024/1`` and Excel dates; never
    ``2024.1`` (``DECIMAL_MONTH``) and never a year outside ``FIRST_YEAR``..``last_year()``."""
    standard = text.str.fullmatch(r"\d{4}-(0[1-9]|1[0-2])")
    standard &= pd.to_numeric(text.str.slice(0, 4), errors="coerce").between(FIRST_YEAR, last_year())
    if standard.all():
        return Parsed(text, pd.Series(False, index=text.index), pd.Series(False, index=text.index))
    rest = ~standard
    sub = _bulan_slow(text[rest])
    values = text.copy()
    values[rest] = sub.values
    bad = pd.Series(False, index=text.index)
    bad[rest] = sub.bad
    changed = pd.Series(False, index=text.index)
    changed[rest] = sub.changed
    why = pd.Series("", index=text.index, dtype=object)
    why[rest] = sub.why
    return Parsed(values, bad, changed, why)


def _bulan_slow(text: pd.Series) -> Parsed:
    s = text.str.strip()
    standard = s.str.fullmatch(r"\d{4}-(0[1-9]|1[0-2])")
    year = pd.Series(np.nan, index=s.index)
    month = pd.Series(np.nan, index=s.index)

    def take(mask: pd.Series, y: pd.Series, m: pd.Series) -> None:
        free = mask & year.isna()
        year[free] = pd.to_numeric(y[free], errors="coerce")
        month[free] = pd.to_numeric(m[free], errors="coerce")

    iso = s.str.extract(r"^(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2})(?:[ T][\d:.]+)?)?$")
    # a day, when given, must be a day of that month: "2025-02-30" is a typo, not February
    real = iso[2].isna() | real_dates(iso[0], iso[1], iso[2])
    take(iso[0].notna() & real, iso[0], iso[1])
    mmyyyy = s.str.extract(r"^(\d{1,2})[-/.](\d{4})$")
    take(mmyyyy[0].notna(), mmyyyy[1], mmyyyy[0])
    named = s.str.lower().str.extract(r"^([a-z]+)[\s\-/.,]+(\d{4})$")
    named_month = named[0].map(_MONTHS)
    take(named_month.notna(), named[1], named_month)
    decimal = s.str.fullmatch(DECIMAL_MONTH).fillna(False).astype(bool)
    year[decimal] = np.nan
    in_range = year.between(FIRST_YEAR, last_year())
    valid = in_range & month.between(1, 12)
    out = pd.Series("", index=s.index, dtype=object)
    out[valid] = (year[valid].astype(int).astype(str) + "-"
                  + month[valid].astype(int).astype(str).str.zfill(2))
    bad = ~valid & (s != "")
    why = pd.Series("", index=s.index, dtype=object)
    out_of_range = bad & year.notna() & ~in_range
    why[out_of_range] = year_why(year[out_of_range])
    why[bad & decimal] = DECIMAL_MONTH_WHY
    parsed = _result(out.astype(str), bad, s, standard)
    parsed.why = why
    return parsed


def real_dates(year: pd.Series, month: pd.Series, day: pd.Series) -> pd.Series:
    """Whether each (year, month, day) text triple is a day of the calendar (``2025-02-30`` is not): the one
    rule every date and month with a day is held to."""
    text = year.fillna("") + "-" + month.fillna("").str.zfill(2) + "-" + day.fillna("").str.zfill(2)
    return pd.to_datetime(text, format="%Y-%m-%d", errors="coerce").notna()


def tanggal(text: pd.Series) -> Parsed:
    """Meeting date as ``YYYY-MM-DD``; accepts ``14/03/2024`` (day first, as Indonesia writes) and names.
    Only real calendar days (``2025-02-30`` is refused, never moved to March)."""
    s = text.str.strip()
    standard = s.str.fullmatch(r"\d{4}-\d{2}-\d{2}")
    # an Excel date cell reads as "2024-03-14T00:00:00": the time of day is dropped, nothing else is
    iso_text = s.str.extract(r"^(\d{4}-\d{2}-\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")[0]
    iso = pd.to_datetime(iso_text, format="%Y-%m-%d", errors="coerce")
    dmy = pd.to_datetime(s.str.replace(r"[.\-]", "/", regex=True), format="%d/%m/%Y", errors="coerce")
    named = s.str.lower().str.extract(r"^(\d{1,2})\s+([a-z]+)\s+(\d{4})$")
    named_m = named[1].map(_MONTHS)
    named_dt = pd.to_datetime(
        named[2] + "-" + named_m.astype("Int64").astype(str).str.zfill(2) + "-" + named[0].str.zfill(2),
        format="%Y-%m-%d", errors="coerce")
    value = iso.fillna(dmy).fillna(named_dt)
    why = pd.Series("", index=s.index, dtype=object)
    order, ambiguous = _day_month_order(s, why)
    if order == "%m/%d/%Y":  # the column writes month first (a part over 12 in second place)
        mdy = pd.to_datetime(s.str.replace(r"[.\-]", "/", regex=True), format=order, errors="coerce")
        value = iso.fillna(mdy).fillna(named_dt)
    value[ambiguous] = pd.NaT
    late = value.notna() & ~value.dt.year.between(FIRST_YEAR, last_year())
    why[late] = year_why(value.dt.year[late])
    value[late] = pd.NaT
    out = value.dt.strftime("%Y-%m-%d").fillna("")
    bad = value.isna() & (s != "")
    parsed = _result(out, bad, s, standard)
    parsed.why = why
    return parsed


def _day_month_order(s: pd.Series, why: pd.Series) -> tuple[str | None, pd.Series]:
    """A date written with its day and month as numbers (``3/5/2023``) is read in the order the column's other
    values show: a first part over 12 means day first (Indonesia's order), a second part over 12 month first
    (an en-US Excel's). When the column does not decide (or shows both), a date whose day and month are both
    12 or less and differ is refused naming its two readings (in ``why``), never guessed. Returns the order
    the column shows (None: undecided) and the cells refused."""
    parts = s.str.extract(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
    a = pd.to_numeric(parts[0], errors="coerce")
    b = pd.to_numeric(parts[1], errors="coerce")
    day_first, month_first = bool((a > 12).any()), bool((b > 12).any())
    if day_first != month_first:
        return ("%d/%m/%Y" if day_first else "%m/%d/%Y"), pd.Series(False, index=s.index)
    ambiguous = (parts[0].notna() & (a <= 12) & (b <= 12) & (a != b)).fillna(False).astype(bool)
    for i in s.index[ambiguous]:
        d, m, y = int(a[i]), int(b[i]), parts.at[i, 2]
        why[i] = (f"tanggal ini bisa dibaca dua cara: {d} {BULAN[m - 1]} {y} atau {m} {BULAN[d - 1]} {y} (Excel "
                  "berbahasa Inggris menulis bulan lebih dulu), dan tanggal lain di kolom ini tidak memastikannya. "
                  f"Tulis YYYY-MM-DD, mis. {y}-{m:02d}-{d:02d} untuk {d} {BULAN[m - 1]} {y}.")
    return None, ambiguous


# ASCII digits only ([0-9], not \d): Python's \d also matches full-width and Arabic-Indic digits, which
# then passed as "plain" numbers and failed later with no file, row or column named.
_ID_THOUSANDS = r"[0-9]{1,3}(?:\.[0-9]{3})+(?:,[0-9]+)?"
_EN_THOUSANDS = r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?"


def number(text: pd.Series, indonesian: bool) -> Parsed:
    """Decimal number; ``1.234,5`` in Indonesian-locale files, decimal comma ``21,9`` accepted everywhere.

    Plain numbers (nearly every cell) take a vectorised fast path; only the rest go through the regex
    normalisation, which pandas runs per element.
    """
    whole = _all_whole_numbers(text)
    if whole is not None:  # the usual column: every cell a plain whole number, one Arrow cast, no regex
        no = pd.Series(False, index=text.index)
        return Parsed(whole, no, no.copy())
    # in Indonesian-locale files a dot groups thousands (1.234), so only dot-free numbers are "plain" there
    plain = text.str.fullmatch(r"-?[0-9]+" if indonesian else r"-?[0-9]+(\.[0-9]+)?")
    values = _plain_to_float(text.where(plain, None))
    bad = pd.Series(False, index=text.index)
    changed = pd.Series(False, index=text.index)
    rest = ~plain & (text != "")
    if rest.any():
        sub = _number_slow(text[rest], indonesian)
        values[rest] = sub.values
        bad[rest] = sub.bad
        changed[rest] = sub.changed
    return Parsed(values, bad, changed)


def _all_whole_numbers(text: pd.Series) -> pd.Series | None:
    """The column as floats when every cell is ``-?[0-9]+``, else None (then the cell-by-cell rules run).

    Arrow's string→int64 cast refuses blanks, spaces, signs other than ``-``, decimals and separators,
    but reads ``0x10`` as hexadecimal: columns holding an ``x`` are left to the full rules."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        arr = arrow_text(text)
        if arr.null_count or pc.any(pc.match_substring(arr, "x", ignore_case=True)).as_py():
            return None
        ints = pc.cast(arr, pa.int64())
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return None
    return pd.Series(ints.to_numpy(zero_copy_only=False).astype("float64"), index=text.index)


def dotted_thousands(text: pd.Series) -> pd.Series:
    """Cells written like ``2.000`` (a dot before each three digits), which a comma-separated file would
    read as a decimal. Arrow's vectorised matching, and the regex only where a dot occurs at all: this runs
    on every count cell of the national data."""
    import pyarrow.compute as pc

    arr = arrow_text(text)
    if not pc.any(pc.match_substring(arr, ".")).as_py():
        return pd.Series(False, index=text.index)
    found = pc.match_substring_regex(arr, r"^\s*-?[0-9]{1,3}(?:\.[0-9]{3})+\s*$")
    return pd.Series(pc.fill_null(found, False).to_numpy(zero_copy_only=False), index=text.index)


def arrow_text(text: pd.Series):
    """A text column as an Arrow string array: zero-copy when it is Arrow-backed already, missing as null."""
    import pyarrow as pa

    if hasattr(text.array, "__arrow_array__"):
        return pa.array(text.array)
    return pa.array(text.to_numpy(dtype=object), type=pa.string(), from_pandas=True)


def _plain_to_float(text: pd.Series) -> pd.Series:
    """Strings already known to be plain numbers (or missing) as floats. pyarrow's cast is ~50x faster than
    ``pd.to_numeric`` on strings: ~1 s per million cells, ~11 s for the national file's count columns."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        arr = pc.cast(pa.array(text.to_numpy(dtype=object), type=pa.string(), from_pandas=True), pa.float64())
        return pd.Series(arr.to_numpy(zero_copy_only=False), index=text.index, dtype="float64")
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pd.to_numeric(text, errors="coerce").astype("float64")


def _number_slow(text: pd.Series, indonesian: bool) -> Parsed:
    # full-width or other scripts' digits, zero-width characters: read as the digits they show (a note
    # says so); the patterns below then see ASCII digits only
    text = text.astype(object).map(lambda t: privacy.normalise(t) if isinstance(t, str) else t)
    # only the cell's ends are trimmed: a space inside ("4 5", "2 1,9") makes it two numbers, not one
    s = text.str.strip().str.rstrip("%").str.strip()
    standard = s.str.fullmatch(r"-?[0-9]+(\.[0-9]+)?").astype(bool)
    cleaned = s.copy()
    comma_decimal = s.str.fullmatch(r"-?[0-9]+,[0-9]+").astype(bool)
    cleaned[comma_decimal] = s[comma_decimal].str.replace(",", ".", regex=False)
    if indonesian:
        grouped = s.str.fullmatch("-?" + _ID_THOUSANDS).astype(bool)
        cleaned[grouped] = s[grouped].str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:
        grouped = s.str.fullmatch("-?" + _EN_THOUSANDS).astype(bool)
        cleaned[grouped] = s[grouped].str.replace(",", "", regex=False)
    values = pd.to_numeric(cleaned.where(standard | comma_decimal | grouped, None), errors="coerce")
    bad = values.isna() & (s != "")
    return Parsed(values.astype("float64"), bad, ~bad & (s != ""))


# What a count may look like, and why anything else is refused. A count is read only when its reading is
# certain: digits (in any script: full-width and Arabic-Indic read as the digits they show), a leading minus
# (refused later with its own message) and, in a `;`-separated (Indonesian-locale) file only, dots between
# groups of three (1.234.567), where a decimal would be written with a comma. Everything else is refused
# with what is wrong, never guessed: "2,000" (two thousand in an English export, two in an Indonesian one),
# "2.000" in a comma-separated file, "4 5" (one number or two?), "150%" (a share, not a count), decimals.
COUNT_WHY = {
    "dotted": "titik di sini bisa berarti ribuan (2.000 = dua ribu) atau desimal. Tulis jumlah tanpa titik, mis. 2000.",
    "comma": "koma di sini bisa berarti ribuan (2,000 = dua ribu) atau desimal (2,000 = dua). Tulis jumlah tanpa "
             "pemisah, mis. 2000.",
    "space": "ada spasi di antara angka, jadi tidak jelas satu angka atau dua (4 5 = 45 atau 4 dan 5?). Tulis "
             "satu bilangan bulat tanpa spasi.",
    "percent": "berisi tanda %; kolom ini jumlah orang/keluarga/tim, bukan persen. Tulis jumlahnya.",
    "decimal": "bukan bilangan bulat; jumlah orang/keluarga harus bilangan bulat tanpa desimal.",
}
_COUNT_SHAPES = (  # (pattern, reason), the first that matches decides; "" = read
    (r"-?[0-9]+", ""),
    (r"-?[0-9]{1,3}(?:\.[0-9]{3})+", "dotted"),  # read in `;` files (below)
    (r"-?[0-9]{1,3}(?:,[0-9]{3})+", "comma"),
    (r".*[0-9].*%.*|.*%.*[0-9].*", "percent"),
    (r"[-+]?[0-9]+(?:[\s\u00a0\u202f]+[0-9]+)+", "space"),
    (r"-?[0-9]*[.,][0-9]+", "decimal"),
)


def count(text: pd.Series, indonesian: bool) -> Parsed:
    """A whole number of people, families or teams, as ``COUNT_WHY`` says (sign and size are checked by the
    validator, which words those messages)."""
    whole = _all_whole_numbers(text)
    no = pd.Series(False, index=text.index)
    if whole is not None:  # the usual column: every cell plain digits, one Arrow cast, no regex
        return Parsed(whole, no, no.copy())
    s = text.astype(object).map(lambda t: privacy.normalise(t) if isinstance(t, str) else "").str.strip()
    why = pd.Series("", index=text.index, dtype=object)
    shape = pd.Series("other", index=text.index, dtype=object)
    shape[s == ""] = ""
    for pattern, reason in _COUNT_SHAPES:
        hit = (shape == "other") & s.str.fullmatch(pattern).fillna(False).astype(bool)
        shape[hit] = reason
    if indonesian:
        shape[shape == "dotted"] = ""  # 1.234 in an Indonesian export: one thousand two hundred thirty-four
    read = shape == ""
    values = pd.to_numeric(s.where(read & (s != ""), None).str.replace(".", "", regex=False),
                           errors="coerce").astype("float64")
    bad = ~read
    why[bad] = shape[bad].map(lambda r: COUNT_WHY.get(r, ""))
    plain = s.str.fullmatch(r"-?[0-9]+").fillna(False).astype(bool)
    changed = read & (s != "") & (~plain | (s != text.astype(str)))
    return Parsed(values, bad, changed, why)


# The longest free-text cell read (a Lokmin problem, an action, a name of a team): a page shows a few lines of
# it; a longer cell is a paste gone wrong (a whole file in one cell, rows swallowed by a stray quote).
MAX_TEXT_CHARS = 5_000
TOO_LONG = (f"teks terlalu panjang: lebih dari {MAX_TEXT_CHARS:,} karakter dalam satu sel".replace(",", ".")
            + ". Biasanya tanda kutip (\") yang tidak ditutup menelan baris-baris berikutnya, atau satu file "
            "tertempel ke satu sel. Periksa sel ini; ringkas teksnya.")


def free_text(text: pd.Series) -> Parsed:
    """Free text as typed, trimmed, without invisible format characters (zero-width spaces and joiners,
    bidi overrides): published, they can hide a number from checks or reverse how a line reads. Longer
    than ``MAX_TEXT_CHARS``: refused."""
    s = text.str.strip()
    cleaned = s.str.replace(privacy.FORMAT, "", regex=True)
    long = (cleaned.str.len() > MAX_TEXT_CHARS).fillna(False).astype(bool)
    why = pd.Series("", index=s.index, dtype=object)
    why[long] = TOO_LONG
    return Parsed(cleaned.where(~long, ""), long, ((cleaned != s).fillna(False) & ~long).astype(bool),
                  why if long.any() else None)


def tahun(text: pd.Series) -> Parsed:
    s = text.str.strip().str.replace(r"\.0$", "", regex=True)
    values = pd.to_numeric(s.where(s.str.fullmatch(r"\d{4}"), None), errors="coerce")
    bad = ~values.between(FIRST_YEAR, FIRST_YEAR + 100) & (s != "")  # a year of data or of a target (up to 2045)
    return _result(values, bad, s, pd.Series(True, index=s.index))


def choice(text: pd.Series, choices: tuple[str, ...]) -> Parsed:
    """Case-insensitive match to the canonical spelling."""
    s = text.str.strip()
    canon = {c.lower(): c for c in choices}
    out = s.str.lower().map(canon)
    bad = out.isna() & (s != "")
    return _result(out.fillna(s), bad, s, s.isin(choices))
