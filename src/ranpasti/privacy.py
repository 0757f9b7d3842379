"""Numbers that identify a person: the 16-digit NIK, the family card number (No. KK) and mobile numbers.

Personal-data *columns* are refused by name in ``schema.py``; this module finds the same numbers typed into
text (a Lokmin ``masalah``, a ``catatan`` in params, ``keterangan_sumber`` in konfigurasi.yml, a desa name
in the reference data, a cell of another sheet) and in every file the build is about to publish. ONE
reader (``find_personal``) serves all of them, so they agree on what such a number looks like, and it reads
a number by rule, not by the disguises seen so far:

* **A digit** is every character Unicode gives a digit value (``unicodedata.digit``: ASCII, full-width,
  Arabic-Indic, Devanagari, Bengali, Thai, mathematical bold/double-struck/monospace, superscripts,
  subscripts, circled digits…), and the letter O (any O that NFKC makes "O"/"o", and the Cyrillic, Greek and
  ideographic ones) where it sits in a run of digits: "O812…", "1813 O145…". An O touching a word's other
  letters stays a letter ("NO", "Polo2").
* **A separator** is any run of characters that are neither letters nor digits: spaces, tabs, line breaks,
  every dash and minus, dots, commas, colons, ``+ # / _``, brackets, quotes, zero-width and bidi characters,
  combining marks. Digit groups joined by separators form one *chain*; a letter ends it.
* **A NIK or No. KK** is 16 digits made of consecutive whole groups of a chain (any grouping: 16, 8+8,
  6+10, 4×4, single digits…) with a NIK's structure, which a No. KK shares: province code · kabupaten ·
  kecamatan · day (+40 for women) · month · year · serial, never 0000 (``_STRUCTURE``). Every real NIK and
  KK passes; a random run passes about one time in forty.
* **A mobile number** is whole groups reading ``08`` then 8 to 11 more digits, or the country code
  ``62`` (written ``+62``, ``62``, ``(+62)``…) and ``8`` (optionally the trunk 0 kept: ``+62 (0)812``)
  then 8 to 11 more: 10 to 13 digits after the country code is dropped, however grouped ("0812-3456-7890",
  "(0812) 3456 7890", "08-12-3456-7890", "0 8 1 2 3 4 5 6 7 8 9 0"). The subscriber part starts 8[1-9]:
  080x are service numbers. Landlines are not read (an area code and 5 to 8 digits is the shape of too many
  other numbers; an office's landline is public anyway).

What is *not* a personal number is just as much a rule, since the site is full of numbers and a loose "any
separator" reading would glue neighbours: **formatted values** are read first and stay one value: a date
(d/m/yyyy, yyyy-m-d with one separator among ``- / .`` or a space, a real day and month, year 1900–2099), a
time (h:mm[:ss]), a count with thousands separators (1.234.567), a desa code (16.05.01.2001) and a decimal
(two groups joined by one "." or ","). A personal number never starts inside one of them (on a decimal's
fraction, a count's later groups), never spans two dates, times, counts or codes (that is a list of values:
"31/12/2024 12:30 - 14:00"), and a mobile number never starts with one ("62.857…", "0,812…", "Rp
62.812.345.678", "08-12-2024 10:00"; "62 812 345 678" is a count grouped by spaces). Digests and UUIDs are
identifiers, not numbers: a hex string of 20+ characters alternating letters and digits, or a UUID, is
read as a word. And the *structure of a file* is respected, never weakened into text: the scan reads a
CSV cell by cell, JSON value by value (a number with a fraction or exponent is a chart's float, never a
NIK typed into a count), markup with every tag's name as a word between texts (inline tags such as
``<b>`` do not split a number, as a reader would not see them) and a chart's geometry attributes left out,
so values that merely sit next to each other in a row, an array or a table are never glued into one number.

The rule's limit, by design: digits that read as two formatted values (a NIK typed "31/01/2001 12:30…")
or a mobile number that starts like a date, time, count or decimal ("08:12 3456 7890") are read as those
values; the property tests generate every other disguise.
"""

from __future__ import annotations

import csv
import functools
import html
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import PersonalDataRefused

# Kemendagri province codes, including the ones old NIKs still carry after the 2022 Papua split.
_PROVINSI = "1[1-9]|21|3[1-6]|5[1-3]|6[1-5]|7[1-6]|8[12]|9[1-6]"
_DAY = "0[1-9]|[12][0-9]|3[01]|4[1-9]|[56][0-9]|7[01]"
_MONTH = "0[1-9]|1[0-2]"
_STRUCTURE = re.compile(rf"(?:{_PROVINSI})[0-9]{{4}}(?:{_DAY})(?:{_MONTH})[0-9]{{2}}(?!0000)[0-9]{{4}}")
_PHONE = re.compile(r"(?:0|620?)8[1-9][0-9]{7,10}")

# Characters that do not show but can sit inside a number or a word: Unicode's format characters (category
# Cf: soft hyphen, zero-width space and joiners, bidi controls, BOM, tags). Free text drops them
# (normalize.free_text); the reader needs no list: they are neither letters nor digits, so separators.
# A test checks FORMAT_RANGES against this Python's Unicode data.
FORMAT_RANGES = ((0x00AD, 0x00AD), (0x0600, 0x0605), (0x061C, 0x061C), (0x06DD, 0x06DD), (0x070F, 0x070F),
                 (0x0890, 0x0891), (0x08E2, 0x08E2), (0x180E, 0x180E), (0x200B, 0x200F), (0x202A, 0x202E),
                 (0x2060, 0x2064), (0x2066, 0x206F), (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB), (0x110BD, 0x110BD),
                 (0x110CD, 0x110CD), (0x13430, 0x13438), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A),
                 (0xE0001, 0xE0001), (0xE0020, 0xE007F))


def _char_class(ranges: tuple[tuple[int, int], ...]) -> str:
    return "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)


FORMAT = re.compile(f"[{_char_class(FORMAT_RANGES)}]")

# what the built site holds that staff text or data could reach
SCANNED_SUFFIXES = (".html", ".csv", ".json", ".ipynb", ".svg", ".xml", ".txt")

# letters read as a zero inside a run of digits, besides the ones NFKC makes "O" or "o" (full-width,
# mathematical): Cyrillic and Greek capital and small O, the ideographic zero
_ZERO_LOOKALIKES = "\u041e\u043e\u039f\u03bf\u3007"


@functools.cache
def _translation() -> dict[int, str]:
    """Every character the reader takes for a digit, as its ASCII digit; every O-like letter as "O".
    Built from this Python's Unicode data on first use (~0.3 s), so no script is left out by a list."""
    table: dict[int, str] = {}
    for code in range(0x80, 0x110000):
        ch = chr(code)
        value = unicodedata.digit(ch, None)
        if value is not None:
            table[code] = str(value)
        elif unicodedata.category(ch) in ("Lu", "Ll") and unicodedata.normalize("NFKC", ch) in ("O", "o"):
            table[code] = "O"
    for ch in _ZERO_LOOKALIKES:
        table[ord(ch)] = "O"
    return table


@functools.cache
def _digit_class() -> str:
    codes = sorted({*range(0x30, 0x3A), ord("O"), ord("o"), *_translation()})
    ranges: list[tuple[int, int]] = []
    for c in codes:
        if ranges and ranges[-1][1] == c - 1:
            ranges[-1] = (ranges[-1][0], c)
        else:
            ranges.append((c, c))
    return f"[{_char_class(tuple(ranges))}]"


def __getattr__(name: str) -> str:
    """``DIGIT_CLASS``: a regular-expression class of every character the reader counts as a digit (for a
    cheap "at least 10 of them" pass over a column, in Python's or Arrow's regular expressions). Made on
    first use from ``_translation``."""
    if name == "DIGIT_CLASS":
        return _digit_class()
    raise AttributeError(name)


def normalise(text: str) -> str:
    """Text as it reads, for parsing numbers: NFKC (full-width digits and letters become ASCII), without
    format characters (zero-width spaces and joiners, bidi controls, soft hyphens), every digit as ASCII."""
    if text.isascii():
        return text
    text = FORMAT.sub("", unicodedata.normalize("NFKC", text))
    return "".join(str(unicodedata.digit(ch)) if ch.isdigit() and not ch.isascii() else ch for ch in text)


# ---------------------------------------------------------------------------------------------- the reader

_GROUP = re.compile(r"[0-9Oo]+")  # on the translated text: digits, and O where it stands for 0
# a chain of at least 10 digit-like characters joined by runs of anything but letters and digits (so short
# numbers, most of a page's, never reach Python code)
_CHAIN = re.compile(r"[0-9Oo](?=(?:[\W_]*[0-9Oo]){9})(?:[0-9Oo]|[\W_]+(?=[0-9Oo]))*")
_NOT_DIGIT = re.compile(r"[^0-9Oo]+")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_HEX_TOKEN = re.compile(r"(?<![0-9A-Za-z])[0-9a-fA-F]{20,}(?![0-9A-Za-z])")
_HEX_LETTERS = frozenset("abcdefABCDEF")  # what a digest or UUID glues to a run of digits
_HEX_RUNS = re.compile(r"[0-9]+|[a-fA-F]+")
_DIGIT_LIKE = "0123456789Oo"
_MIN_DIGITS = 10  # the shortest personal number: a mobile number, 08 and 8 digits


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _translated(text: str) -> str:
    """``text`` with every digit as ASCII and every O-like letter as "O" (translated only where it holds one:
    a page's few non-ASCII characters are mostly punctuation)."""
    if text.isascii():
        return text
    table = _translation()
    if any(ord(ch) in table for ch in set(_NON_ASCII.findall(text))):
        return text.translate(table)
    return text


def _identifier(m: re.Match[str]) -> str:
    """A digest is read as a word (its digits are not a number); a number glued to a word made of the
    letters a-f ("cafe1605…", "ade0812…") is still read: a digest alternates letters and digits."""
    token = m.group()
    return "x" * len(token) if len(_HEX_RUNS.findall(token)) >= 4 else token


@dataclass
class _Chain:
    """Digit groups joined by separators, with what their separators make of them."""

    digits: list[str]  # each group's digits, ASCII, O read as 0
    seps: list[str]  # seps[i]: the characters between group i and group i + 1
    plus: list[bool]  # a "+" right before group i (how a country code is written)


def _without_identifiers(text: str) -> str:
    """``text`` with its UUIDs and digests made words (see ``_identifier``)."""
    if "-" in text:
        text = _UUID.sub(lambda m: "x" * len(m.group()), text)
    return _HEX_TOKEN.sub(_identifier, text)


def _chains(text: str, markup: bool = False) -> Iterator[_Chain]:
    """The chains of ``text`` holding at least 10 digits. Only around such a chain is the text looked at
    for identifiers (a UUID, a digest around the chain): most of a page has none."""
    if len(text) < _MIN_DIGITS:
        return
    text = _translated(text)
    pos, clean_until = 0, 0
    while (m := _CHAIN.search(text, pos)) is not None:
        lo, hi = m.span()
        a, b = max(0, lo - 64), hi + 64
        if b > clean_until and (text[lo - 1:lo] in _HEX_LETTERS or text[hi:hi + 1] in _HEX_LETTERS):
            near = text[a:b]
            if ("-" in near and _UUID.search(near)) or _HEX_TOKEN.search(near):
                text = text[:a] + _without_identifiers(near) + text[b:]  # as long as it was
                clean_until = b
                continue
        pos = hi
        if markup and _in_geometry(text, lo):
            continue
        # an O touching a word's letters is a letter
        while text[lo] in "Oo" and lo and text[lo - 1].isalpha():
            lo += 1
        while text[hi - 1] in "Oo" and hi < len(text) and text[hi].isalpha():
            hi -= 1
        part = text[lo:hi]
        if len(_NOT_DIGIT.sub("", part)) < _MIN_DIGITS:
            continue
        chain = _Chain([], [], [])
        end = 0
        for g in _GROUP.finditer(part):
            start = g.start()
            if chain.digits:
                chain.seps.append(part[end:start])
            chain.digits.append(g.group().replace("O", "0").replace("o", "0"))
            before = text[lo + start - 2:lo + start] if lo + start >= 2 else text[:lo + start]
            chain.plus.append(before.endswith("+") or before == "+(")
            end = g.end()
        if chain.digits:
            yield chain


def _valid_date(day: str, month: str, year: str) -> bool:
    return 1 <= int(day) <= 31 and 1 <= int(month) <= 12 and 1900 <= int(year) <= 2099


@dataclass
class _Values:
    """What the separators of a chain make of its groups (see the module's docstring)."""

    inner: set[int]  # groups that continue a formatted value: a personal number never starts there
    value_of: dict[int, int]  # group -> the date, time, count or code it is part of (numbered)
    starts: set[int]  # groups that start a date, time, count or decimal: a mobile number never starts there


def _values(chain: _Chain) -> _Values:
    v = _Values(set(), {}, set())
    seps, lens, n = chain.seps, [len(d) for d in chain.digits], len(chain.digits)
    i = 0
    while i < n - 1:
        c = seps[i]
        if len(c) != 1 or c not in ".,-/: ":
            i += 1
            continue
        j = i
        while j < n - 1 and seps[j] == c:
            j += 1
        groups, sizes = chain.digits[i:j + 1], lens[i:j + 1]  # the run: groups i..j joined by c
        kind = None
        if c in ".," and len(groups) >= 3 and 1 <= sizes[0] <= 3 and all(s == 3 for s in sizes[1:]):
            kind = "count"
            v.starts.add(i)
        elif c in ".," and len(groups) == 2:
            v.starts.add(i)
            v.inner.add(j)  # the fraction
        elif c == "." and sizes == [2, 2, 2, 4]:
            kind = "code"
        elif c in "-/. " and len(groups) == 3 and (
                (sizes[0] <= 2 and sizes[1] <= 2 and sizes[2] == 4 and _valid_date(*groups))
                or (sizes[0] == 4 and sizes[1] <= 2 and sizes[2] <= 2 and _valid_date(*reversed(groups)))):
            kind = "date"
        elif c == ":" and len(groups) in (2, 3) and sizes[0] <= 2 and int(groups[0]) <= 23 and all(
                s == 2 and int(g) <= 59 for s, g in zip(sizes[1:], groups[1:], strict=True)):
            kind = "date"  # a time: read as a date is
        if kind is not None:
            v.inner.update(range(i + 1, j + 1))
            v.value_of.update((k, i) for k in range(i, j + 1))
            if kind == "date":
                v.starts.add(i)
        i = j
    return v


def _niks(chain: _Chain, v: _Values) -> Iterator[tuple[int, int, str]]:
    """``(first group, last group, digits)`` of every NIK-shaped number in the chain."""
    n = len(chain.digits)
    for i in range(n):
        if i in v.inner:
            continue
        digits, spanned = "", set()
        for j in range(i, n):
            digits += chain.digits[j]
            if j in v.value_of:
                spanned.add(v.value_of[j])
            if len(digits) >= 16 or len(spanned) > 1:
                break
        if len(digits) == 16 and len(spanned) <= 1 and _STRUCTURE.fullmatch(digits):
            yield i, j, digits


def _phones(chain: _Chain, v: _Values, taken: set[int]) -> Iterator[str]:
    """Every mobile number in the chain (its digits, "+" kept), outside the groups of a NIK (``taken``)."""
    n = len(chain.digits)
    for i in range(n):
        first = chain.digits[i]
        if i in v.inner or i in v.starts or i in taken or not first.startswith(("0", "6")):
            continue
        digits, sizes, longest = "", [], None
        for j in range(i, n):
            if j in taken:
                break
            digits += chain.digits[j]
            sizes.append(len(chain.digits[j]))
            if len(digits) > 15:  # +62 (0) 8xx and 11 more
                break
            if _PHONE.fullmatch(digits) and not (
                    first == "62" and not chain.plus[i] and len(sizes) > 2 and set(sizes[1:]) == {3}):
                longest = digits  # ("62 812 345 678" above: a count grouped in thousands by spaces)
        if longest:
            yield ("+" if chain.plus[i] else "") + longest


def _found(text: str, markup: bool = False) -> Iterator[Found]:
    for chain in _chains(text, markup):
        v = _values(chain)
        taken: set[int] = set()
        for i, j, nik in _niks(chain, v):
            taken.update(range(i, j + 1))
            yield Found("nik", nik)
        for phone in _phones(chain, v, taken):
            yield Found("telepon", phone)


def _enough_digits(text: str) -> bool:
    """At least 10 characters that may be digits: no personal number has fewer (a cheap first look; an O
    counts wherever it is)."""
    if len(text) < _MIN_DIGITS:
        return False
    if sum(map(text.count, _DIGIT_LIKE)) >= _MIN_DIGITS:
        return True
    if text.isascii():
        return False
    return sum(map(_translated(text).count, _DIGIT_LIKE)) >= _MIN_DIGITS


def find_nik(text: str) -> str | None:
    """The first NIK- or KK-shaped number in ``text`` (its 16 digits), or None (see the module's rule)."""
    if not _enough_digits(text):
        return None
    return next((f.number for f in _found(text) if f.kind == "nik"), None)


def find_phone(text: str) -> str | None:
    """The first Indonesian mobile number in ``text`` that is not part of a NIK (its digits, with "+"
    where the country code was written so), or None."""
    if not _enough_digits(text):
        return None
    return next((f.number for f in _found(text) if f.kind == "telepon"), None)


def mask(number: str) -> str:
    """How a found number is echoed back to staff: enough to find it in their file, not the whole number."""
    return number[:6] + "…" + number[-2:]


# what staff are told to do with a phone number in published text (validation and params say it alike)
PHONE_FIX = ("nomor telepon pribadi tidak boleh terbit: hapus nomornya; tulis jabatan atau nama unit saja (mis. "
             "'Bidan Desa', 'PKB Kecamatan').")


def mask_phone(number: str) -> str:
    """A found phone number as echoed back: its first and last four digits."""
    return number[:4] + "…" + number[-4:]


@dataclass(frozen=True)
class Found:
    """A personal number found in text: a NIK or No. KK (``kind`` "nik") or a mobile number ("telepon")."""

    kind: str
    number: str

    @property
    def what(self) -> str:
        """The number's name in a message: "... akan memuat nomor telepon (0812…7890)"."""
        return "nomor telepon" if self.kind == "telepon" else "nomor berbentuk NIK atau No. KK"

    @property
    def masked(self) -> str:
        return mask_phone(self.number) if self.kind == "telepon" else mask(self.number)

    @property
    def fix(self) -> str:
        """What staff are told to do, after "Teks ini tampil di situs publik"."""
        return ": hapus nomor itu." if self.kind == "nik" else f" dan {PHONE_FIX}"


def find_personal(text: str) -> Found | None:
    """The first NIK or No. KK in ``text``, else its first mobile number, else None."""
    if not _enough_digits(text):
        return None
    return _first(_found(text))


def _first(found: Iterable[Found]) -> Found | None:
    """A NIK or No. KK first (the graver), else a mobile number."""
    found = list(found)
    return next((f for f in found if f.kind == "nik"), found[0] if found else None)


def refuse_personal(text: object, where: str) -> None:
    """Refuse a text that would be published (a setting, a name in reference data) when it holds a NIK, No.
    KK or mobile number: ``PersonalDataRefused`` names ``where`` (file, row or key) and echoes it masked."""
    found = find_personal(str(text)) if text is not None else None
    if found:
        raise PersonalDataRefused(f"{where} berisi {found.what} ({found.masked}). Teks ini tampil di situs "
                                  f"publik{found.fix}")


def texts_in(value: object, key: str = "") -> Iterator[tuple[str, str]]:
    """``(key path, text)`` for every text of a loaded YAML document (keys and values, at any depth, numbers
    as written): konfigurasi.yml and params are published in parts nobody lists in advance."""
    if isinstance(value, dict):
        for k, item in value.items():
            path = f"{key}.{k}" if key else str(k)
            yield path, str(k)
            yield from texts_in(item, path)
    elif isinstance(value, list | tuple):
        for n, item in enumerate(value, start=1):
            yield from texts_in(item, f"{key}[{n}]")
    elif isinstance(value, str | int) and not isinstance(value, bool):
        yield key, str(value)


def refuse_personal_in(value: object, where: str) -> None:
    """``refuse_personal`` for every text of a loaded YAML document, naming ``where`` (its file) and the key."""
    for key, text in texts_in(value):
        refuse_personal(text, f"{where}: {key}" if key else where)


def find_in_column(values: list[str]) -> tuple[int, Found] | None:
    """The first ``(position, number)`` among many short texts (a column of names), read in one pass: the
    texts joined with a word between them, so no two touch; then the one holding it."""
    joined = " x ".join(values)
    if not _first(_found(joined)):
        return None
    for n, text in enumerate(values):
        found = find_personal(text)
        if found:
            return n, found
    return None


# Markup is read as a reader sees it, by a few whole-text substitutions (a page has thousands of tags: one
# Python step per tag would make the scan ten times slower): a tag's name is a word, so it ends a chain, except
# for the tags that do not split what a reader sees ("<b>1605</b>0112…", "<span class=x>…" read as one
# number), which are dropped (their attributes read after the text); attribute values are read as text (their
# names are words, so each value is a text of its own),
# except the ones that hold a chart's geometry (computed numbers, never anyone's text); an embedded document
# (a chart's JSON spec in a <script>) is read value by value.
_INLINE_NAMES = ("(?:a|abbr|b|bdi|bdo|br|cite|code|data|del|dfn|em|font|i|ins|kbd|mark|q|s|samp|small|span|"
                 "strong|sub|sup|time|tt|u|var|wbr)")
_INLINE_BARE = re.compile(rf"</?{_INLINE_NAMES}\s*/?>", re.I)
_INLINE_WITH_ATTRIBUTES = re.compile(rf"<{_INLINE_NAMES}(\s[^>]*)>", re.I)
_GEOMETRY = frozenset(("d", "points", "viewbox", "transform", "x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r",
                       "rx", "ry", "dx", "dy", "width", "height", "stroke-dasharray", "stroke-dashoffset",
                       "stroke-width", "font-size", "opacity", "fill-opacity", "stroke-opacity", "offset"))
_PATH_DATA = tuple(re.compile(f' {name}="[^"]*"') for name in ("d", "points", "transform", "viewBox"))
_ATTRIBUTE_NAME = re.compile(r"[\w:.-]+$")


def _in_geometry(text: str, at: int) -> bool:
    """Whether ``text[at]`` is inside a chart geometry attribute's value (``d="M0,256.66…"``)."""
    for quote in ('"', "'"):
        start = text.rfind("=" + quote, max(0, at - 200_000), at)
        if start >= 0 and text.find(quote, start + 2, at) < 0:
            name = _ATTRIBUTE_NAME.search(text, max(0, start - 40), start)
            return name is not None and name.group().lower() in _GEOMETRY
    return False


_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);?")
_SCRIPT = re.compile(r"(<script\b[^>]*>)(.*?)(</script\s*>)", re.S | re.I)
# JSON read value by value: each string and each number a text of its own, a notebook's text stored one
# line per item joined back into one text, escapes (\n, \t, \") read as the spaces they are. Only where a
# chain of 10 digits could be (the chains of the document read as plain text: a superset) is the document's
# structure worked out, by the quotes before it (a chart's data is thousands of values: one Python step per
# value would make the scan ten times slower).
_JSON_LINES = re.compile(r'\\n",\s*"')
_JSON_ESCAPES = ("\\\\", '\\"', "\\/", "\\b", "\\f", "\\n", "\\r", "\\t")  # the escaped backslash first
_JSON_UNICODE = re.compile(r"\\u(d[89abAB][0-9a-fA-F]{2})\\u(d[c-fC-F][0-9a-fA-F]{2})|\\u([0-9a-fA-F]{4})")
# a number with a fraction or an exponent: never a NIK typed into a count (that is a whole number), and the
# float a chart's data is full of (16 significant digits of one would be read as a NIK's one time in forty)
_JSON_FRACTION = re.compile(r"-?[0-9]+(?:\.[0-9]+)?[eE][-+]?[0-9]+|-?[0-9]+\.[0-9]+")
_JSON_STRUCTURE = str.maketrans(",:[]{}", "xxxxxx")


def _unicode_escape(m: re.Match[str]) -> str:
    if m.group(3):
        ch = chr(int(m.group(3), 16))
    else:
        ch = (chr(int(m.group(1), 16)) + chr(int(m.group(2), 16))).encode("utf-16", "surrogatepass").decode("utf-16")
    return " " if ch in "\"\\" else ch


def _entity_in_json(m: re.Match[str]) -> str:
    ch = html.unescape(m.group())
    return " " if ch in ('"', "\\") else ch


def _json_text(data: str) -> str:
    """A JSON document as text in which no two values touch: the structure between values (``, : [ ] {}``,
    outside strings) and every quote become words; a notebook's text stored one line per item is joined
    back into one text; escapes are read as what they stand for (digits of another script can hide in a
    ``\\u`` escape; ``\\n``, ``\\t`` are spaces); a number with a fraction is a value of its own. Done by
    whole-text operations: a chart's data is thousands of values, and one Python step per value would make
    the scan ten times slower."""
    if "&" in data:  # HTML in a notebook's output: its entities ("&#49;") read as what they stand for
        data = _ENTITY.sub(_entity_in_json, data)
    if "\\" in data:
        data = _JSON_LINES.sub("  ", data)
        if "\\u" in data:
            data = _JSON_UNICODE.sub(_unicode_escape, data)
        for escape in _JSON_ESCAPES:
            data = data.replace(escape, "  ")
    parts = data.split('"')
    outside = _JSON_FRACTION.sub(" x ", "\0".join(parts[::2])).translate(_JSON_STRUCTURE)
    parts[::2] = outside.split("\0")
    return " x ".join(parts)


def _markup_text(data: str) -> str:
    """An HTML, SVG or XML page as the text the reader reads (see above)."""
    if "<script" in data or "<SCRIPT" in data:
        data = _SCRIPT.sub(lambda m: f"{m.group(1)} x {_json_text(m.group(2))} x {m.group(3)}", data)
    for long_values in _PATH_DATA:  # the bulk of a chart's geometry, removed at once (literal search: fast)
        if long_values.pattern[:-7] in data:
            data = long_values.sub(" x ", data)
    attributes: list[str] = []
    data = _INLINE_BARE.sub("", _INLINE_WITH_ATTRIBUTES.sub(lambda m: attributes.append(m.group(1)) or "", data))
    data = " x ".join([data, *attributes])
    if "&" in data:
        data = _ENTITY.sub(lambda m: html.unescape(m.group()), data)
    return data


def _file_text(path: Path, data: str) -> str:
    """A published file's text, read by its structure (see the module's docstring)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows = csv.reader(io.StringIO(data.removeprefix("\ufeff"), newline=""))
        return " x ".join(" x ".join(row) for row in rows)  # each cell a value of its own
    if suffix in (".json", ".ipynb"):
        return _json_text(data)
    if suffix in _MARKUP_SUFFIXES:
        return _markup_text(data)
    return data


_MARKUP_SUFFIXES = (".html", ".htm", ".svg", ".xml")


def scan_file(path: Path) -> Found | None:
    """The first NIK-shaped or mobile number in a file, read by the file's structure with the one reader."""
    data = path.read_bytes().decode("utf-8", errors="replace")
    return _first(_found(_file_text(path, data), markup=path.suffix.lower() in _MARKUP_SUFFIXES))


def _scan_chunk(paths: list[Path]) -> list[tuple[Path, Found]]:
    found = []
    for f in paths:
        if f.suffix in SCANNED_SUFFIXES and f.is_file():
            number = scan_file(f)
            if number:
                found.append((f, number))
    return found


# Below this many files one process scans them (a national first build has ~250,000: ~3.5 GB, ~35 s of CPU).
POOL_MIN_FILES = 5000


def scan_paths(paths, jobs: int = 1) -> Iterator[tuple[Path, Found]]:
    """``(file, number)`` for every file holding a NIK-shaped or mobile number; with many files, in ``jobs``
    processes (the scan is CPU-bound regular expressions)."""
    paths = list(paths)
    if jobs <= 1 or len(paths) < POOL_MIN_FILES:
        yield from _scan_chunk(paths)
        return
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    chunks = [paths[i::jobs * 4] for i in range(jobs * 4)]
    with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("forkserver")) as pool:
        for found in pool.map(_scan_chunk, chunks):
            yield from found


def scan_site(site: Path) -> Iterator[tuple[Path, Found]]:
    """Every published file holding a NIK-shaped or mobile number (Pagefind's binary index is skipped: it is built
    from the HTML pages, which are scanned)."""
    files = (f for f in sorted(site.rglob("*"))
             if not any(p.startswith("pagefind") for p in f.relative_to(site).parts))
    yield from scan_paths(files)
