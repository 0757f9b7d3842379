"""Numbers that identify a person: the 16-digit NIK, the family card number (No. KK) and mobile numbers.

Personal-data *columns* are refused by name in ``schema.py``; this module finds the same numbers typed into
text (a Lokmin ``masalah``, a ``catatan`` in params, ``keterangan_sumber`` in konfigurasi.yml, a desa name
in the reference data, a cell of another sheet) and in every file the build is about to publish. ONE
reader (``find_personal``) serves all of them, so they agree on what such a number looks like, and it reads
a number by rule, not by the disguises seen so far:

* **The text is read as it shows** (``_readable``, the one normalisation step every reader shares, so
  validation and the scan agree): character references (``&#49;``) and percent-escapes (``%31``) decoded;
  every digit ASCII; l and I read as 1 inside a run of digits and O-like letters, except where they touch
  a word's other letters ("l8l3O145…"; "|" stays a separator, S and B stay letters); a run of 8 or more number words,
  Indonesian or English, joined by anything but letters, read as digits ("nol delapan satu dua …").
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
  kecamatan · day (+40 for women) · month · year · serial (``_STRUCTURE``; a serial 0000 too: Excel keeps
  15 significant digits, and a cut NIK still identifies). Every real NIK and KK passes; a random run passes
  about one time in forty. A single run of 17 to 20 digits is read 16 at a time (a digit glued to a NIK);
  a "decimal" whose fraction has 10 digits or more may hold a NIK ("1.1813014506900003") in what staff
  wrote; in what the build wrote (the pre-publish scan) it is a float's digits, never a NIK.
* **A mobile number** is whole groups reading ``08`` then 8 to 11 more digits, or the country code
  ``62`` (written ``+62``, ``62``, ``0062``, ``+0062``, ``(+62)``…) and ``8`` (optionally the trunk 0 kept:
  ``+62 (0)812``)
  then 8 to 11 more: 10 to 13 digits after the country code is dropped, however grouped ("0812-3456-7890",
  "(0812) 3456 7890", "08-12-3456-7890", "0 8 1 2 3 4 5 6 7 8 9 0"). The subscriber part starts 8[1-9]:
  080x are service numbers. A number that lost its leading 0 (Excel drops it from 081234567890 in a General
  cell) is whole groups reading ``8[1-9]`` and 8 to 10 more digits, not a decimal's part nor a round amount
  (ending 00000). Landlines are not read (an area code and 5 to 8 digits is the shape of too many
  other numbers; an office's landline is public anyway).

* **Part of a number** (7 digits or more, any grouping) right after a word that announces one (NIK, No. KK,
  KTP, HP, WA, telepon, hubungi…, declared once in ``definitions/kata_nomor_pribadi.txt``) is refused too:
  the rest may sit in the next cell or row ("NIK 1813 0145" | "0690 0003"). Six digits are at most a NIK's
  region code, public. A formatted value there (a count, a date) is that value.
* **Every message** a command prints or writes goes through ``mask_all`` last (``Problem``, the CLI's
  ``say``): a key, file, column or header name echoed back holds what staff typed.

What is *not* a personal number is just as much a rule, since the site is full of numbers and a loose "any
separator" reading would glue neighbours: **formatted values** are read first and stay one value: a date
(d/m/yyyy, yyyy-m-d with one separator among ``- / .`` or a space, a real day and month, year 1900–2099), a
time (h:mm[:ss]), a count with thousands separators (1.234.567), a desa code (16.05.01.2001) and a decimal
(two groups joined by one "." or ","). A personal number never starts inside one of them (on a decimal's
fraction, a count's later groups), never spans two dates, times, counts or codes (that is a list of values:
"31/12/2024 12:30 - 14:00"), never takes a digit from a date, month (2024-05, 05/2024), time or dotted
Kemendagri code, values of their own ("Desa 18.13.01.2001 (2024-05)"), and a mobile number never starts
with one ("62.857…", "0,812…", "Rp
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

import bisect
import csv
import html
import io
import re
import unicodedata
import urllib.parse
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from . import caches
from .errors import PersonalDataRefused

# Kemendagri province codes, including the ones old NIKs still carry after the 2022 Papua split.
_PROVINSI = "1[1-9]|21|3[1-6]|5[1-3]|6[1-5]|7[1-6]|8[12]|9[1-6]"
_DAY = "0[1-9]|[12][0-9]|3[01]|4[1-9]|[56][0-9]|7[01]"
_MONTH = "0[1-9]|1[0-2]"
_STRUCTURE = re.compile(rf"(?:{_PROVINSI})[0-9]{{4}}(?:{_DAY})(?:{_MONTH})[0-9]{{2}}[0-9]{{4}}")
_PHONE = re.compile(r"(?:0|(?:00)?620?)8[1-9][0-9]{7,10}")
# A2: a mobile number that lost its leading 0 (Excel keeps 081234567890 typed in a General cell as 81234567890)
_BARE_PHONE = re.compile(r"8[1-9][0-9]{8,10}")

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
SCANNED_SUFFIXES = (".html", ".csv", ".json", ".ipynb", ".svg", ".xml", ".txt", ".xlsx")

# letters read as a zero inside a run of digits, besides the ones NFKC makes "O" or "o" (full-width,
# mathematical): Cyrillic and Greek capital and small O, the ideographic zero
_ZERO_LOOKALIKES = "\u041e\u043e\u039f\u03bf\u3007"


@caches.memo(1)
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


@caches.memo(1)
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


# Character references and percent-encoding are read as the characters they stand for, by every reader
# alike (validation of a Lokmin cell, a setting, the scan of a built page: "&#49;&#56;…" is a browser's
# "18…", "%31%38…" a link's).
_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")
# Letters that stand for digits inside a run that already has digits (besides the O of zero, read by the
# chain): l and I for 1 ("l8l3O145…", "I8I3…"), only in a run of digits and these letters, and not where
# they touch a word's other letters ("Il", "NIK" stay words). "|" stays a separator: it joins groups
# ("0812|3456") as often as it stands for a 1, and both readings cannot be taken at once. S for 5 and B for
# 8 are not read: the codes and words of a page ("B1", "5S") would turn into numbers.
_LETTER_DIGIT_HINT = re.compile(r"[0-9][OolI]*[lI]|[lI][OolI]*[0-9]")
_ONE = str.maketrans("lI", "11")
# Digits written as words, 8 or more in a run (only a number is said digit by digit): Indonesian and English.
NUMBER_WORDS = {"nol": "0", "kosong": "0", "satu": "1", "dua": "2", "tiga": "3", "empat": "4", "lima": "5",
                "enam": "6", "tujuh": "7", "delapan": "8", "sembilan": "9", "zero": "0", "one": "1", "two": "2",
                "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9"}
_WORD = "(?:" + "|".join(NUMBER_WORDS) + ")"
_NUMBER_WORD = re.compile(rf"(?<![^\W\d_]){_WORD}(?![^\W\d_])", re.I)
# searched in the lower-cased text, case-sensitive and without look-behind: 6 times faster on a page
_NUMBER_WORDS = re.compile(rf"{_WORD}(?:[\W\d_]+{_WORD}){{7,}}")
# what makes a text worth reading although it has few digits (a cheap first look, RE2-compatible for Arrow)
DISGUISE_HINT = r"&#|%3[0-9]|(?i:\b" + _WORD + r"\b)"


# ------------------------------------------------------------------------- the same reading, faster on a page
# A built page is ~200,000 characters, and Python's regular expressions step through it once per pattern; most
# of those passes find nothing (no number words, no l beside a digit, no keyword before a number). On a long
# text these passes go to RE2 (Arrow's, a dependency already; ~10 times faster), in two ways that keep the
# reading exactly as it is (tests/test_personal_numbers.py checks both against Python's engine):
# * the same pattern, where it has only ASCII classes and literals and no look-around: RE2 and Python then take
#   the same leftmost-first matches (``_re2_sub``, ``_re2_search``);
# * a looser pattern that matches wherever the exact one could (``_re2_may``): only its "no match" is used,
#   to skip the exact pass; a match runs Python's pattern as before.
_RE2_MIN_CHARS = 4096  # shorter texts (a cell, a setting) stay with Python's engine: no Arrow call per value
# The only character besides A-Z that ``str.lower`` makes an ASCII letter (the Kelvin sign, "k"); a test checks
# it against this Python's Unicode data. A looser pattern's letters match it too.
_LOWERS_TO_ASCII = {"k": "\\x{212A}"}


def _re2_array(text: str):
    """``text`` as a one-value Arrow array, or None where Python's engine reads it: a short text, or one
    UTF-8 cannot hold (a lone surrogate from a JSON escape). The last one is kept: a page's text usually goes
    through several passes unchanged."""
    if len(text) < _RE2_MIN_CHARS:
        return None
    return _RE2_LAST.get_or_make(id(text), lambda: _arrow_text(text), keep=text)


def _arrow_text(text: str):
    import pyarrow as pa

    try:
        return pa.array([text], pa.large_string())
    except (UnicodeError, pa.ArrowException):
        return None


_RE2_LAST = caches.table("core.privacy.re2_last", 1, caches.PAGE)  # the last long text (a page's), by identity


def _re2_search(pattern: re.Pattern[str], text: str) -> bool:
    """``pattern.search(text) is not None``: by RE2 on a long text (``pattern`` RE2-exact, see above)."""
    values = _re2_array(text)
    if values is None:
        return pattern.search(text) is not None
    import pyarrow.compute as pc

    return bool(pc.match_substring_regex(values, pattern.pattern)[0].as_py())


def _re2_may(loose: str, text: str) -> bool:
    """False only when ``text`` is long and RE2 finds no match of ``loose``, a pattern that matches wherever the
    exact one it stands for could: the exact pass is then skipped, as it would find nothing."""
    values = _re2_array(text)
    if values is None:
        return True
    import pyarrow.compute as pc

    return bool(pc.match_substring_regex(values, loose)[0].as_py())


def _re2_sub(pattern: re.Pattern[str], replacement: str, text: str) -> str:
    """``pattern.sub(replacement, text)`` (a literal replacement): by RE2 on a long text (``pattern``
    RE2-exact, see above)."""
    values = _re2_array(text)
    if values is None:
        return pattern.sub(replacement, text)
    import pyarrow.compute as pc

    return str(pc.replace_substring_regex(values, pattern.pattern, replacement)[0].as_py())


def _letters_any_case(word: str) -> str:
    """An RE2 pattern matching ``word`` (ASCII letters) in any case, and every character ``str.lower`` makes
    one of its letters: where the lower-cased text has ``word``, the text has a match."""
    return "".join(f"[{ch}{ch.upper()}{_LOWERS_TO_ASCII.get(ch, '')}]" for ch in word)


# Loose: a run of 8 number words in the text, in any case (what ``_NUMBER_WORDS`` finds in its lower case);
# anything but an ASCII letter or the Kelvin sign between them (the exact pattern allows only non-letters).
_LOOSE_WORD = "(?:" + "|".join(_letters_any_case(w) for w in NUMBER_WORDS) + ")"
_LOOSE_NUMBER_WORDS = rf"{_LOOSE_WORD}(?:[^a-zA-Z\x{{212A}}]+{_LOOSE_WORD}){{7,}}"


def _readable(text: str) -> str:
    """The one normalisation step every reader shares: character references and percent-escapes decoded,
    every digit ASCII (``_translated``), l and I inside a run of digits read as 1, number words as digits."""
    text = _decoded(text)
    if _re2_search(_LETTER_DIGIT_HINT, text):
        text = _letter_digits(text)
    return _spoken_digits(text)


def _decoded(text: str) -> str:
    """``_readable``'s first steps: character references and percent-escapes decoded, every digit ASCII."""
    if "&" in text:
        text = html.unescape(text)
    if "%" in text and _PERCENT.search(text):
        text = urllib.parse.unquote(text, errors="replace")
    return _translated(text)


def _letter_digits(text: str) -> str:
    """``text`` with l and I read as 1 in every run of digits and O, o, l, I that holds a digit, except where
    they touch a word's other letters (looked at only around a letter beside a digit: a page has few)."""
    out, at, n = [], 0, len(text)
    for m in _LETTER_DIGIT_HINT.finditer(text):
        lo, hi = m.span()
        if lo < at:
            continue
        while lo > at and text[lo - 1] in _RUN_CHARS:
            lo -= 1
        while hi < n and text[hi] in _RUN_CHARS:
            hi += 1
        if lo and text[lo - 1].isalpha():  # a letter touching a word's letters stays one ("NIKl8…" reads 8…)
            while lo < hi and text[lo] in "OolI":
                lo += 1
        if hi < n and text[hi].isalpha():
            while hi > lo and text[hi - 1] in "OolI":
                hi -= 1
        run = text[lo:hi]
        if not any(c.isdigit() for c in run):
            continue
        out += [text[at:lo], run.translate(_ONE)]
        at = hi
    return "".join(out) + text[at:] if out else text


_RUN_CHARS = frozenset("0123456789OolI")


def _spoken_digits(text: str) -> str:
    """``text`` with every run of 8 or more number words (joined by anything but letters) as digits."""
    if not _re2_may(_LOOSE_NUMBER_WORDS, text):
        return text
    low = text.lower()
    if len(low) != len(text):  # a character whose lower case is longer ("İ"): read as is
        low = text
    out, at, pos = [], 0, 0
    while (m := _NUMBER_WORDS.search(low, pos)) is not None:
        lo, hi = m.span()
        if lo and low[lo - 1].isalpha():  # the first word ends a longer one ("kedua"): from the next one
            pos = lo + 1
            continue
        while hi < len(low) and low[hi].isalpha():  # the last word starts a longer one ("limapuluh")
            hi = max(low.rfind(ch, lo, hi) for ch in " \t\n-,.;:/")
        words = text[lo:hi]
        out += [text[at:lo], _NUMBER_WORD.sub(lambda w: NUMBER_WORDS[w.group().lower()], words)]
        at = pos = max(hi, lo + 1)
    return "".join(out) + text[at:] if out else text


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


_TOKEN_REACH = 128  # how far a window is widened to take in the whole of a UUID or digest it cuts


def _token_edges(text: str, a: int, b: int) -> tuple[int, int]:
    """``(a, b)`` widened so that neither end cuts a word, UUID or digest in two: a digest cut by the window
    is not seen as one (half of it made a word, the rest read as digits: a SHA-256 shown twice side by side
    published "8846670907" as a phone number)."""
    floor, ceiling = max(0, a - _TOKEN_REACH), min(len(text), b + _TOKEN_REACH)
    while a > floor and (text[a - 1].isalnum() or text[a - 1] == "-"):
        a -= 1
    while b < ceiling and (text[b].isalnum() or text[b] == "-"):
        b += 1
    return a, b


def _chains(text: str, markup: bool = False) -> Iterator[_Chain]:
    """The chains of ``text`` (already ``_readable``) holding at least 10 digits. Only around such a chain is
    the text looked at for identifiers (a UUID, a digest around the chain): most of a page has none."""
    if len(text) < _MIN_DIGITS:
        return
    regions = _chain_regions(text)
    pos, clean_until = 0, 0
    while (m := _next_chain(text, pos, regions)) is not None:
        lo, hi = m.span()
        a, b = _token_edges(text, max(0, lo - 64), hi + 64)
        if b > clean_until:
            near = text[a:b]
            hexed = text[lo - 1:lo] in _HEX_LETTERS or text[hi:hi + 1] in _HEX_LETTERS
            if ("-" in near and _UUID.search(near)) or (hexed and _HEX_TOKEN.search(near)):
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
        digits = _NOT_DIGIT.sub("", text[lo:hi])
        if len(digits) < _MIN_DIGITS or not _may_hold_number(digits):
            continue
        chain = _chain_at(text, lo, hi)
        if chain.digits:
            yield chain


# Every personal number a chain can yield is a run of its digits (consecutive whole groups, joined) in which a NIK
# (``_STRUCTURE``) or the 8[1-9] and 7 more digits that every mobile number holds (``_PHONE``, ``_BARE_PHONE``) is
# found: a chain whose digits, joined, hold neither yields nothing, whatever its separators make of its groups
# (most chains of a page: times, dates, periods, desa codes). Only those are skipped, before the groups are read.
_MOBILE_CORE = re.compile(r"8[1-9][0-9]{7}")


def _may_hold_number(digits: str) -> bool:
    """Whether the digits of a chain (digits and O, separators left out) may hold a NIK or a mobile number."""
    if "O" in digits or "o" in digits:
        digits = digits.replace("O", "0").replace("o", "0")
    return _MOBILE_CORE.search(digits) is not None or _STRUCTURE.search(digits) is not None


# Where a chain can be, as RE2 finds it in a long text: a run of 10 or more digits and O joined by anything but
# ASCII letters and digits. A chain's separators (neither letters nor digits) are among those, so every chain of
# the text lies inside one such region, and stays inside it while ``_chains`` makes identifiers words (x's).
_CHAIN_REGION = re.compile(r"[0-9Oo](?:[^0-9A-Za-z]*[0-9Oo]){9,}")


def _chain_regions(text: str) -> tuple[list[int], list[int]] | None:
    """``(starts, ends)`` of the regions of ``text`` where a chain can be (sorted), or None: search it all."""
    values = _re2_array(text)
    if values is None:
        return None
    import pyarrow.compute as pc

    pieces = pc.split_pattern_regex(values, _CHAIN_REGION.pattern)[0].as_py()
    starts: list[int] = []
    ends: list[int] = []
    at = 0
    for piece in pieces[:-1]:  # a region after each piece but the last: where it starts, where it ends
        start = at + len(piece)
        region = _CHAIN_REGION.match(text, start)  # the same pattern, at a known place: its end
        if region is None:
            return None
        starts.append(start)
        ends.append(at := region.end())
    return (starts, ends) if at + len(pieces[-1]) == len(text) else None


def _next_chain(text: str, pos: int, regions: tuple[list[int], list[int]] | None) -> re.Match[str] | None:
    """``_CHAIN.search(text, pos)``, looking only inside ``regions`` (see ``_chain_regions``)."""
    if regions is None:
        return _CHAIN.search(text, pos)
    starts, ends = regions
    for k in range(bisect.bisect_right(ends, pos), len(ends)):
        m = _CHAIN.search(text, max(starts[k], pos), ends[k])
        if m is not None:
            return m
    return None


def _chain_at(text: str, lo: int, hi: int) -> _Chain:
    """The groups of ``text[lo:hi]`` and what joins them."""
    part = text[lo:hi]
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
    return chain


def _valid_date(day: str, month: str, year: str) -> bool:
    return 1 <= int(day) <= 31 and 1 <= int(month) <= 12 and 1900 <= int(year) <= 2099


@dataclass
class _Values:
    """What the separators of a chain make of its groups (see the module's docstring)."""

    inner: set[int]  # groups that continue a formatted value: a personal number never starts there
    value_of: dict[int, int]  # group -> the date, time, count or code it is part of (numbered)
    starts: set[int]  # groups that start a date, time, count or decimal: a mobile number never starts there
    own: set[int]  # groups of a code, date, month or time: a value of its own, never part of a personal number
    fraction: set[int]  # a decimal's long fraction: may hold a NIK, never starts a mobile number


def _values(chain: _Chain, generated: bool = False) -> _Values:
    """``generated``: the text is what the build wrote (the pre-publish scan), where a long fraction is a
    float's digits (a chart's 0.1605011203870002): staff text was read strictly before it got there."""
    v = _Values(set(), {}, set(), set(), set())
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
            # the fraction; one of 10+ digits may be a NIK after a list's "1." ("1.1813014506900003"), read
            # as one, but never a phone number (a float's digits: "76.0869565217")
            (v.inner if sizes[1] < 10 or generated else v.fraction).add(j)
        elif c in "-/." and len(groups) == 2 and (
                (sizes == [4, 2] and _valid_date("1", *reversed(groups)))
                or (sizes[0] <= 2 and sizes[1] == 4 and _valid_date("1", *groups))):
            kind = "date"  # a month: 2024-05, 05/2024
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
            if kind in ("date", "code"):
                v.own.update(range(i, j + 1))
        i = j
    return v


# A run of up to this many digits is read 16 at a time (every window): a NIK with a digit or a few glued to it
# (a list's number, a key pressed twice: "11813014506900003"). A longer run is another identifier (an
# account, a digest's digits), and each more window is one more chance in forty of a random match.
_GLUED_MAX = 20


def _niks(chain: _Chain, v: _Values) -> Iterator[tuple[int, int, str]]:
    """``(first group, last group, digits)`` of every NIK-shaped number in the chain."""
    n = len(chain.digits)
    for i in range(n):
        group = chain.digits[i]
        if 16 < len(group) <= _GLUED_MAX and i not in v.inner:
            nik = next((m.group(1) for m in _WINDOWS.finditer(group)), None)
            if nik:
                yield i, i, nik
                continue
        if i in v.inner or i in v.own:
            continue
        digits, spanned = "", set()
        for j in range(i, n):
            if j in v.own:
                break
            digits += chain.digits[j]
            if j in v.value_of:
                spanned.add(v.value_of[j])
            if len(digits) >= 16 or len(spanned) > 1:
                break
        if len(digits) == 16 and len(spanned) <= 1 and _STRUCTURE.fullmatch(digits):
            yield i, j, digits


_WINDOWS = re.compile(f"(?=({_STRUCTURE.pattern}))")


def _documents(chain: _Chain) -> set[int]:
    """Groups of a document number: segments joined by "/" of which one is a year ("0856/123/2024",
    "440/0812/2024/123"). Read so only in a column declared to hold document numbers (``document``)."""
    out: set[int] = set()
    n, i = len(chain.digits), 0
    while i < n:
        j = i
        while j < n - 1 and chain.seps[j].strip() == "/":
            j += 1
        if j > i and any(len(g) == 4 and 1900 <= int(g) <= 2099 for g in chain.digits[i:j + 1]):
            out.update(range(i, j + 1))
        i = j + 1
    return out


def _phones(chain: _Chain, v: _Values, taken: set[int]) -> Iterator[str]:
    """Every mobile number in the chain (its digits, "+" kept), outside the groups of a NIK (``taken``)."""
    n = len(chain.digits)
    for i in range(n):
        first = chain.digits[i]
        if i in v.inner or i in v.starts or i in v.own or i in v.fraction or i in taken or not first.startswith(
                ("0", "6", "8")):
            continue
        bare = first.startswith("8")  # lost its 0: whole groups 8[1-9] and 8 to 10 more, no longer number
        if bare and (i and chain.seps[i - 1] in (".", ",")):
            continue
        digits, sizes, longest = "", [], None
        for j in range(i, n):
            if j in taken or j in v.own:
                break
            digits += chain.digits[j]
            sizes.append(len(chain.digits[j]))
            if len(digits) > 17:  # +0062 (0) 8xx and 11 more
                break
            if bare:
                if _BARE_PHONE.fullmatch(digits) and not digits.endswith("00000") and (
                        j == n - 1 or chain.seps[j] not in (".", ",")):
                    longest = digits  # (a round amount of rupiah, 8500000000, is not a phone)
            elif _PHONE.fullmatch(digits) and not (
                    first == "62" and not chain.plus[i] and len(sizes) > 2 and set(sizes[1:]) == {3}):
                longest = digits  # ("62 812 345 678" above: a count grouped in thousands by spaces)
        if longest:
            yield ("+" if chain.plus[i] and not bare else "") + longest


def _keywords() -> list[str]:
    """``definitions/kata_nomor_pribadi.txt``: the words that announce a personal number."""
    path = Path(__file__).parents[1] / "definitions" / KEYWORDS_FILE
    lines = (line.split("#")[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line]


KEYWORDS_FILE = "kata_nomor_pribadi.txt"


@caches.memo(1)
def _keyword_before() -> re.Pattern[str]:
    """A keyword and the separators after it, ending where a number starts (searched backwards from the
    number, in the lower-cased text; the word's first edge is checked after)."""
    words = sorted(_keywords(), key=len, reverse=True)
    alternatives = "|".join(r"[\W_]*".join(map(re.escape, re.split(r"[\W_]+", w.lower()))) for w in words)
    return re.compile(rf"(?:{alternatives})[\W_]*$")


@caches.memo(1)
def _last_words() -> frozenset[str]:
    """The last word of every keyword (what ends right before a number that follows one)."""
    return frozenset(re.split(r"[\W_]+", w.lower())[-1] for w in _keywords())


@caches.memo(1)
def _loose_fragment() -> str | None:
    """Loose (see ``_re2_may``): what ``_fragments`` needs before it reports a number: a keyword (its words in
    any case, joined by anything but ASCII letters and digits; anything before it), then at most
    ``_KEYWORD_REACH`` characters that are no ASCII letter or digit, then 7 digits or O joined by such
    characters (a ``_FRAGMENT``). Its letters are those that lower-case to the keyword's (``_fragments``
    compares lower-cased text, character for character). None when a keyword's words are not ASCII letters
    and digits: then every text is read."""
    keywords = [re.split(r"[\W_]+", w.lower()) for w in _keywords()]
    if not all(word.isascii() and word.isalnum() for words in keywords for word in words):
        return None
    alternatives = "|".join("[^a-zA-Z0-9]*".join(_letters_any_case(word) for word in words) for words in keywords)
    return (rf"(?:{alternatives})[^a-zA-Z0-9]{{0,{_KEYWORD_REACH}}}"
            rf"[0-9Oo](?:[^a-zA-Z0-9]*[0-9Oo]){{{_MIN_FRAGMENT - 1}}}")


# a run of 7 digits and more (O for 0) joined by separators: a number that may follow a keyword
_FRAGMENT = re.compile(r"(?<![0-9Oo])[0-9Oo](?=(?:[\W_]*[0-9Oo]){6})(?:[0-9Oo]|[\W_]+(?=[0-9Oo]))*")
_KEYWORD_REACH = 40  # characters before a number in which its keyword ends


# digits after a keyword that make part of a NIK or a mobile number: 7, since 6 are at most a NIK's region
# code (public: the kecamatan's Kemendagri code), which is also what a masked echo ("181301…03") shows
_MIN_FRAGMENT = 7


def _fragments(text: str) -> Iterator[Found]:
    """Digits right after a word that announces a personal number ("NIK 1813 0145", "HP 812-3456-7"): part
    of one, even if the rest sits in the next cell. A formatted value there (a count "KK 1.234", a date)
    is that value: the digits are read up to the first group of one."""
    loose = _loose_fragment()
    if loose is not None and not _re2_may(loose, text):
        return
    keyword = _keyword_before()
    for number in _FRAGMENT.finditer(text):
        lo, hi = number.span()
        end = lo
        while end and not text[end - 1].isalnum() and lo - end < _KEYWORD_REACH:
            end -= 1
        start = end
        while start and text[start - 1].isalpha() and end - start < _KEYWORD_REACH:
            start -= 1
        if _lower(text[start:end]) not in _last_words():  # (most numbers follow no keyword: a cheap look)
            continue
        a = max(0, lo - _KEYWORD_REACH)
        before = _lower(text[a:lo])
        m = keyword.search(before) if len(before) == lo - a else None
        while m is not None and m.start() and before[m.start() - 1].isalpha():  # "Nikah", "ruwa"
            m = keyword.search(before, m.start() + 1)
        if m is None:
            continue
        cut = text.find("…", lo, hi)  # a number cut short ("181301…03", a masked echo) ends at the ellipsis
        chain = _chain_at(text, lo, hi if cut < 0 else cut)
        v = _values(chain)
        digits = ""
        for k, group in enumerate(chain.digits):
            if k in v.value_of or k in v.starts or k in v.inner:
                break
            digits += group
        if len(digits) >= _MIN_FRAGMENT:
            yield Found("potongan", digits)


def _found(text: str, markup: bool = False, document: bool = False, generated: bool = False,
           fragments: bool = True) -> Iterator[Found]:
    """Every personal number in ``text`` (already ``_readable``). ``fragments=False``: the caller knows that the
    text holds no match of ``_loose_fragment`` (``_scan_batch``), so ``_fragments`` would find nothing."""
    for chain in _chains(text, markup):
        v = _values(chain, generated)
        taken: set[int] = _documents(chain) if document else set()
        for i, j, nik in _niks(chain, v):
            taken.update(range(i, j + 1))
            yield Found("nik", nik)
        for phone in _phones(chain, v, taken):
            yield Found("telepon", phone)
    if fragments and _digit_like_at_least(text, _MIN_FRAGMENT):
        yield from _fragments(text)


def _digit_like_at_least(text: str, n: int) -> bool:
    """Whether ``text`` holds ``n`` digits or O (counted one kind at a time, stopping once there are enough: a
    page has that many zeros alone, and each count is a pass over it)."""
    total = 0
    for ch in _DIGIT_LIKE:
        total += text.count(ch)
        if total >= n:
            return True
    return False


def _enough_digits(text: str) -> bool:
    """At least 6 characters that may be digits, or a disguise that writes digits otherwise (a character
    reference, a percent-escape, a number word): no personal number has fewer (a cheap first look)."""
    if len(text) < _MIN_FRAGMENT:
        return False
    if _digit_like_at_least(text, _MIN_FRAGMENT):
        return True
    if text.isascii() and "&" not in text and "%" not in text and not _NUMBER_WORDS.search(text.lower()):
        return False
    return _digit_like_at_least(_readable(text), _MIN_FRAGMENT)


def find_nik(text: str) -> str | None:
    """The first NIK- or KK-shaped number in ``text`` (its 16 digits), or None (see the module's rule)."""
    if not _enough_digits(text):
        return None
    return next((f.number for f in _found(_readable(text)) if f.kind == "nik"), None)


def find_phone(text: str) -> str | None:
    """The first Indonesian mobile number in ``text`` that is not part of a NIK (its digits, with "+"
    where the country code was written so), or None."""
    if not _enough_digits(text):
        return None
    return next((f.number for f in _found(_readable(text)) if f.kind == "telepon"), None)


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
        return {"telepon": "nomor telepon", "potongan": "potongan nomor pribadi (angka sesudah kata NIK, KK, "
                "HP, WA, telepon…)"}.get(self.kind, "nomor berbentuk NIK atau No. KK")

    @property
    def masked(self) -> str:
        if self.kind == "potongan":  # a part of a number: its first two and last two digits only
            return self.number[:2] + "…" + self.number[-2:]
        return mask_phone(self.number) if self.kind == "telepon" else mask(self.number)

    @property
    def fix(self) -> str:
        """What staff are told to do, after "Teks ini tampil di situs publik"."""
        return ": hapus nomor itu." if self.kind == "nik" else f" dan {PHONE_FIX}"


def find_personal(text: str, document: bool = False) -> Found | None:
    """The first NIK or No. KK in ``text``, else its first mobile number, else a part of one after a word
    that announces it, else None. ``document``: the text is a document number (a column of that kind, such
    as ``nomor_sk``): digits joined by "/" with a year among them are its segments, not a phone number."""
    if not _enough_digits(text):
        return None
    return _first(_found(_readable(text), document=document))


def _first(found: Iterable[Found]) -> Found | None:
    """A NIK or No. KK first (the graver), else a mobile number, else a part of one."""
    found = list(found)
    for kind in ("nik", "telepon"):
        first = next((f for f in found if f.kind == kind), None)
        if first:
            return first
    return found[0] if found else None


@caches.memo(4096)
def mask_all(text: str) -> str:
    """``text`` with every personal number in it masked: the last step of every message a command prints or
    writes (``Problem``, the CLI's ``say``): a key of konfigurasi.yml, a column, header or file name echoed
    in a message holds what staff typed. Each run of digits that holds a personal number (or 6 digits of
    one) becomes the number's masked form; when that does not do (number words, references), every run of
    digits goes, and failing that the whole text is said to hold one."""
    if not _enough_digits(text):
        return text
    first = _first(_found(_readable(_CODE_POINT.sub(" ", text))))
    if first is None:
        return text
    masked = _RAW_RUN.sub(lambda m: _masked_run(m.group(), first) if _holds_personal(m.group()) else m.group(), text)
    for attempt in (masked, _RAW_RUN.sub("…", masked)):
        if _first(_found(_readable(_CODE_POINT.sub(" ", attempt)))) is None:
            return attempt
    return f"(pesan ini memuat {first.what}; disamarkan)"


# an invisible character a message shows by its code point (problems.visible: "1<U+0890>2001"): read as the
# separator it stands for, never as digits ("+0890" and the code after it read as a phone number)
_CODE_POINT = re.compile(r"<U\+[0-9A-F]{4,6}>")
# a run of digits (any script) and digit-like letters joined by anything but letters: what mask_all replaces
_RAW_RUN = re.compile(r"[\dOolI](?:[\dOolI]|[\W_]+(?=[\dOolI]))*")


# how a number is echoed once masked (``mask``, ``mask_phone``, a part's): left as it is when met again, so a
# block of many messages keeps each message's own mask
_MASKED_FORM = re.compile(r"\d{6}…\d{2}|\d{4}…\d{4}|\d{2}…\d{2}")


def _masked_run(run: str, first: Found) -> str:
    """A run of digits that holds a personal number, as echoed: its own number's mask (a text of many
    messages, such as the CLI's whole report, names many numbers, each in its own message), an already
    masked number as it is, and a part of a number that is no whole one by the text's first number's mask."""
    if _MASKED_FORM.fullmatch(run):
        return run
    own = _first(_found(_readable(_CODE_POINT.sub(" ", run))))
    return (own or first).masked


def _holds_personal(run: str) -> bool:
    digits = sum(ch.isdigit() for ch in run)
    return digits >= _MIN_FRAGMENT or (digits >= 2 and _first(_found(_readable(run))) is not None)


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
    if not _first(_found(_readable(joined))):
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
# where either of the two can match: an inline tag's name then a space, "/" or ">" (one pass instead of two over
# a text that has no inline tag: a spreadsheet's cells, a chart)
_INLINE_ANY = re.compile(rf"</?{_INLINE_NAMES}[\s/>]", re.I)
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
# the two-character escapes, read as two spaces in one pass: at each backslash the escape it starts (the escaped
# backslash included), left to right, as a JSON reader takes them
_JSON_ESCAPES = re.compile(r'\\[\\"/bfnrt]')
_JSON_UNICODE = re.compile(r"\\u(d[89abAB][0-9a-fA-F]{2})\\u(d[c-fC-F][0-9a-fA-F]{2})|\\u([0-9a-fA-F]{4})")
# a number with a fraction or an exponent: never a NIK typed into a count (that is a whole number), and the
# float a chart's data is full of (16 significant digits of one would be read as a NIK's one time in forty)
_JSON_FRACTION = re.compile(r"-?[0-9]+(?:\.[0-9]+)?[eE][-+]?[0-9]+|-?[0-9]+\.[0-9]+")
_JSON_STRUCTURE = ",:[]{}"  # each a word ("x") outside strings


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
        data = _JSON_ESCAPES.sub("  ", data)
    parts = data.split('"')
    outside = _re2_sub(_JSON_FRACTION, " x ", "\0".join(parts[::2]))
    for structure in _JSON_STRUCTURE:  # (str.translate steps through a non-ASCII text character by character)
        outside = outside.replace(structure, "x")
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

    def aside(m: re.Match[str]) -> str:  # an inline tag's attributes (a tooltip) are read after the page text
        attributes.append(m.group(1))
        return ""

    if _INLINE_ANY.search(data):
        data = _INLINE_BARE.sub("", _INLINE_WITH_ATTRIBUTES.sub(aside, data))
    data = " x ".join([data, *attributes])
    if "&" in data:
        data = _ENTITY.sub(lambda m: html.unescape(m.group()), data)
    return data


def _lower(text: str) -> str:
    """``text`` in lower case, one character for one ("İ".lower() is two: the keyword's position was lost and the
    rule for a number's first part switched off by a dotted capital I within reach)."""
    low = text.lower()
    return low if len(low) == len(text) else "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


# the parts of an Excel download that hold what a reader sees: its cells (shared strings and sheets)
_XLSX_PARTS = re.compile(r"xl/(?:sharedStrings|worksheets/[^/]+)\.xml")


def _xlsx_text(path: Path) -> str:
    """An Excel download's cells as markup text (every cell a value of its own between tags). A file that is
    not a readable workbook is read as bytes: nothing in it is skipped."""
    try:
        with zipfile.ZipFile(path) as book:
            return " x ".join(_markup_text(book.read(n).decode("utf-8", errors="replace"))
                              for n in book.namelist() if _XLSX_PARTS.fullmatch(n))
    except (zipfile.BadZipFile, OSError, KeyError):
        return path.read_bytes().decode("utf-8", errors="replace")


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
    return _scan_batch([(path, *_structured(path))])[0][1]


def _structured(path: Path) -> tuple[str, bool]:
    """A published file's text as the reader reads it (``_file_text``, ``_xlsx_text``), and whether it is markup."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _xlsx_text(path), True
    data = path.read_bytes().decode("utf-8", errors="replace")
    return _file_text(path, data), suffix in _MARKUP_SUFFIXES


# Many files are read together (``_scan_batch``) up to about this many characters: one RE2 pass over all of them
# tells which of the whole-text steps can be skipped for every one (each pass compiles its pattern anew: ~0.3-0.8 ms
# for the number words and the keyword pattern, more than reading a small file takes).
_BATCH_CHARS = 2_000_000


def _any_match(pattern: str, texts: list[str]) -> bool:
    """Whether one of ``texts`` holds a match of ``pattern`` (an RE2 pattern with no anchors, look-around or word
    boundaries, so a match in one text is a match in the texts joined: one pass over them all). True when RE2
    cannot read them (a lone surrogate: UTF-8 cannot hold it): the caller then looks at each text."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        values = pa.array(["\n".join(texts)], pa.large_string())
    except (UnicodeError, pa.ArrowException):
        return True
    return bool(pc.match_substring_regex(values, pattern)[0].as_py())


def _scan_batch(batch: list[tuple[Path, str, bool]]) -> list[tuple[Path, Found | None]]:
    """``(file, first number or None)`` for each ``(file, text, markup)`` (``_structured``): each text read by
    ``_readable`` and ``_found`` as one file alone is, except that a step every text of the batch would pass over
    (no l or I beside a digit, no run of number words, no keyword before a number: ``_any_match`` over them all)
    is not looked for in each."""
    texts = [_decoded(text) for _path, text, _markup in batch]
    if _any_match(_LETTER_DIGIT_HINT.pattern, texts):
        texts = [_letter_digits(t) if _re2_search(_LETTER_DIGIT_HINT, t) else t for t in texts]
    if _any_match(_LOOSE_NUMBER_WORDS, texts):
        texts = [_spoken_digits(t) for t in texts]
    loose = _loose_fragment()
    fragments = loose is None or _any_match(loose, texts)
    return [(path, _first(_found(text, markup=markup, generated=True, fragments=fragments)))
            for (path, _t, markup), text in zip(batch, texts, strict=True)]


def _scan_chunk(paths: list[Path]) -> list[tuple[Path, Found]]:
    found: list[tuple[Path, Found]] = []
    batch: list[tuple[Path, str, bool]] = []
    size = 0
    for f in paths:
        if f.suffix in SCANNED_SUFFIXES and f.is_file():
            batch.append((f, *_structured(f)))
            size += len(batch[-1][1])
            if size >= _BATCH_CHARS:
                found += [(path, number) for path, number in _scan_batch(batch) if number]
                batch, size = [], 0
    if batch:
        found += [(path, number) for path, number in _scan_batch(batch) if number]
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
