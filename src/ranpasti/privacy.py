"""Numbers that identify a person: the 16-digit NIK, the family card number (No. KK) and mobile numbers.

Personal-data *columns* are refused by name in ``schema.py``; this module catches the same numbers typed
into free text (a Lokmin ``masalah`` such as "keluarga NIK 1605…", a ``penanggung_jawab`` such as "Bidan Ani
HP 0812…", a ``catatan`` in params), where no column name gives them away. One reader per kind of number
(``find_nik``, ``find_phone``) serves validation, params and the scan of the built site, so the three agree
on what such a number looks like.

A bare "16 digits" test is not enough on a site full of SHA-256 checksums and float fractions: a hex
digest holds a run of 16 decimal digits often enough to fail a national build by chance. So a match must
stand alone (not inside a word, hex string or decimal fraction) *and* have a NIK's structure, which a
No. KK shares: province code (2) · kabupaten (2) · kecamatan (2) · day of birth, +40 for women (2) ·
month (2) · year (2) · serial (4, never 0000). Every real NIK and KK number passes; random runs rarely do.

Phone numbers: only Indonesian *mobile* numbers are read, by their shape: ``08`` and 8 to 11 more digits,
or the country code (``+62``, ``62``, ``(+62)``) in place of the leading 0 (``+62 812…``, ``62812…``),
in groups joined by a space, dash or dot. The site is full of numbers that share a few digits with one
(fractions such as ``0.0833…``, percentages such as ``62.857…``, counts such as ``1.081.234``, dates,
Kemendagri codes, digests, coordinates in chart paths), so a mobile number must stand alone: not after a
digit, a decimal point or a thousands dot, not glued to a hex string, not in the middle of a grouped NIK.
Landline numbers (``0711 123456``, ``(021) 5551234``) are not read: an area code and 5 to 8 digits is
the shape of too many other numbers (years and counts, SK numbers, codes) to refuse on sight, and an
office's landline is usually public anyway.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# Kemendagri province codes, including the ones old NIKs still carry after the 2022 Papua split.
_PROVINSI = "1[1-9]|21|3[1-6]|5[1-3]|6[1-5]|7[1-6]|8[12]|9[1-6]"
_DAY = "0[1-9]|[12][0-9]|3[01]|4[1-9]|[56][0-9]|7[01]"
_MONTH = "0[1-9]|1[0-2]"

# Characters that do not show but can sit inside a number or a word: Unicode's format characters (category
# Cf: soft hyphen, zero-width space and joiners, bidi controls, BOM, tags), and the digits people use besides
# 0-9 (full-width, Arabic-Indic, Persian). Declared once: free text drops the first (normalize.free_text),
# NIK detection reads past them and reads the digits (normalise), validation and the output scan use them to
# pick what is worth reading whole. A test checks FORMAT_RANGES against this Python's Unicode data.
FORMAT_RANGES = ((0x00AD, 0x00AD), (0x0600, 0x0605), (0x061C, 0x061C), (0x06DD, 0x06DD), (0x070F, 0x070F),
                 (0x0890, 0x0891), (0x08E2, 0x08E2), (0x180E, 0x180E), (0x200B, 0x200F), (0x202A, 0x202E),
                 (0x2060, 0x2064), (0x2066, 0x206F), (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB), (0x110BD, 0x110BD),
                 (0x110CD, 0x110CD), (0x13430, 0x13438), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A),
                 (0xE0001, 0xE0001), (0xE0020, 0xE007F))
OTHER_DIGIT_RANGES = ((0xFF10, 0xFF19), (0x0660, 0x0669), (0x06F0, 0x06F9))


def _char_class(ranges: tuple[tuple[int, int], ...]) -> str:
    return "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)


def _bytes_pattern(ranges: tuple[tuple[int, int], ...]) -> re.Pattern[bytes]:
    """The same characters as UTF-8 byte sequences, grouped by their leading bytes (a fast byte-level pass)."""
    tails: dict[bytes, set[int]] = {}
    for a, b in ranges:
        for code in range(a, b + 1):
            raw = chr(code).encode("utf-8")
            tails.setdefault(raw[:-1], set()).add(raw[-1])
    parts = [re.escape(head) + b"[" + b"".join(re.escape(bytes([t])) for t in sorted(ends)) + b"]"
             for head, ends in sorted(tails.items())]
    return re.compile(b"|".join(parts))


FORMAT = re.compile(f"[{_char_class(FORMAT_RANGES)}]")
DIGIT_CLASS = f"[0-9{_char_class(OTHER_DIGIT_RANGES)}]"  # any digit a NIK can be written in

# what the built site holds that staff text or data could reach
SCANNED_SUFFIXES = (".html", ".csv", ".json", ".ipynb", ".svg", ".xml", ".txt")


# Digits as people write them down to hide or format a number: in groups joined by a space, dash, dot,
# slash or underscore ("1605 0112 0387 0002", "16.05.01-120387-0002"), full-width (NFKC makes them ASCII),
# in another script's digits (Arabic-Indic), with zero-width or bidi control characters inside, glued to
# a word ("NIK1605…", "…0002a").
_CHAIN = re.compile(r"\d(?:[ \-./_]{1,2}\d|\d)*")
_HEX_TOKEN = re.compile(r"(?<![0-9A-Za-z])[0-9a-fA-F]{20,}(?![0-9A-Za-z])")  # digests: never a NIK
_STRUCTURE = re.compile(rf"(?:{_PROVINSI})\d{{4}}(?:{_DAY})(?:{_MONTH})\d{{2}}(?!0000)\d{{4}}")
_SPLIT = re.compile(r"[ \-/_]{1,2}")  # where a chain may hold two numbers (not at a dot: decimals, thousands)


def normalise(text: str) -> str:
    """Text as it reads: NFKC (full-width digits and letters become ASCII), without format characters
    (zero-width spaces and joiners, bidi controls, soft hyphens), every decimal digit as ASCII."""
    if text.isascii():
        return text
    text = FORMAT.sub("", unicodedata.normalize("NFKC", text))
    return "".join(str(unicodedata.digit(ch)) if ch.isdigit() and not ch.isascii() else ch for ch in text)


def _groups(chain: str) -> list[str | None]:
    """A chain's numbers: split at spaces, dashes, slashes and underscores; a part with two or more dots is
    one number (thousands dots, or a NIK written with dots), a part with one dot is a decimal (None: never
    part of a NIK)."""
    out: list[str | None] = []
    for part in _SPLIT.split(chain):
        dots = part.count(".")
        out.append(None if dots == 1 else part.replace(".", ""))
    return out


def find_nik(text: str) -> str | None:
    """The first NIK- or KK-shaped number in ``text`` (as its 16 digits), or None.

    Within a chain of digit groups, a NIK is either one number of exactly 16 digits, or consecutive short
    groups (1 to 6 digits each, as people group a NIK: 4-4-4-4, 2-2-2-6-4) of 16 digits in all. Decimals
    (one dot: ``1.1605011203870002``, or a decimal comma) are never part of one; a count printed with
    thousands dots (``1.605.014.509.900.003``) is read whole."""
    if sum(ch.isdigit() for ch in text) < 16:  # the common case, and cheap
        return None
    text = _HEX_TOKEN.sub(" ", normalise(text))
    for m in _CHAIN.finditer(text):
        before, after = text[max(0, m.start() - 2):m.start()], text[m.end():m.end() + 2]
        if re.fullmatch(r"\d,", before) or re.fullmatch(r",\d", after):
            continue  # a decimal comma: part of a number such as 2,1605011203870002
        groups = _groups(m.group(0))
        for i, first in enumerate(groups):
            if first is None:
                continue
            if len(first) == 16:
                if _STRUCTURE.fullmatch(first):
                    return first
                continue
            digits = ""
            for g in groups[i:]:
                if g is None or len(g) > 6:
                    break
                digits += g
                if len(digits) >= 16:
                    break
            if len(digits) == 16 and _STRUCTURE.fullmatch(digits):
                return digits
    return None


def mask(number: str) -> str:
    """How a found number is echoed back to staff: enough to find it in their file, not the whole number."""
    return number[:6] + "…" + number[-2:]


# Where a mobile number starts: the trunk 0 of "08…", or the country code written "+62", "(+62)", "(62)" or
# "62", then at most a space or dash (never a dot: "62.857…" is a percentage) and sometimes the trunk 0 kept
# ("+62 (0)812…", "+62 0812…"). The subscriber part starts 8[1-9]: 080x are toll-free and premium service
# numbers, not a person's.
_PHONE = re.compile(r"(?P<cc>\+62|\(\+?62\)|62)[ \-]?(?:\(0\)[ \-]?|0)?(?=8[1-9])|0(?=8[1-9])")
_PHONE_REST = re.compile(r"8[1-9][0-9]*(?:[ .\-][0-9]+)*")  # digit groups joined by one space, dash or dot
_NUMBER = re.compile(r"[0-9]+")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_HEX = frozenset("0123456789abcdefABCDEF")
_IN_CHAIN = frozenset("0123456789 -./_")  # what a grouped number (a NIK, a date, a code) is made of


def _glued(text: str, start: int, step: int) -> str:
    """The ASCII letters and digits touching ``text`` at ``start`` going left (step -1) or right (step 1)."""
    i = start
    while 0 <= i < len(text) and text[i].isascii() and text[i].isalnum():
        i += step
    return text[i + 1:start + 1] if step < 0 else text[start:i]


def _chain(text: str, start: int, end: int) -> str:
    """The grouped number around ``text[start:end]``: digits and the marks that join their groups."""
    while start > 0 and text[start - 1] in _IN_CHAIN:
        start -= 1
    while end < len(text) and text[end] in _IN_CHAIN:
        end += 1
    return text[start:end]


def _phone_at(text: str, m: re.Match[str]) -> str | None:
    """The mobile number whose prefix ``m`` matched, as written without its separators, or None where the
    prefix is part of something else."""
    start, cc = m.start(), m.group("cc")
    before = text[start - 1] if start else ""
    if before.isdigit() or (before in (".", ",") and not (start > 1 and text[start - 2].isalpha())):
        return None  # inside a longer number, a decimal fraction (0.0812…, .0812…), a count (1.081.234), a code
    if cc == "62" and before in ("+", "("):
        return None  # "+62…" and "(62)…" are read from their first character
    glued = _glued(text, start - 1, -1) if text[start].isdigit() else ""
    if glued and set(glued) <= _HEX:
        return None  # the tail of a hex string ("HP0812…" is read: H and P are not hex)
    rest = _PHONE_REST.match(text, m.end())
    if rest is None:
        return None
    # the subscriber number: the digit groups after the prefix until there are 9 digits (the first group
    # at least 2: "08 12 2024" is a date), and at most 12: a longer run is another number
    digits, end, sizes = "", rest.start(), set()
    for group in _NUMBER.finditer(rest.group()):
        if digits and len(group.group()) < 2:
            break
        digits += group.group()
        sizes.add(len(group.group()))
        end = rest.start() + group.end()
        if len(digits) >= 9:
            break
    if not 9 <= len(digits) <= 12:
        return None
    if cc == "62" and sizes == {3}:
        return None  # "62 858 590 800": a count grouped in thousands by spaces, not 62 and a number
    glued = _glued(text, end, 1)
    if glued and set(glued) <= _HEX:
        return None  # the head of a hex string
    chain = _chain(text, start, end)
    if len(chain) >= 16 and find_nik(chain):
        return None  # digits of a NIK written in groups ("1605 0812 0387 0002"): refused as a NIK
    prefix = "+" if text[start] == "+" or text[start:start + 2] == "(+" else ""
    return prefix + "".join(ch for ch in text[start:m.end()] if ch.isdigit()) + digits


def find_phone(text: str) -> str | None:
    """The first Indonesian mobile number in ``text`` (its digits as written, "+" kept), or None.

    ``08`` and 8 to 11 more digits, or ``+62``/``62``/``(+62)`` and ``8`` and 8 to 11 more, in groups
    joined by a space, dash or dot ("0812-3456-7890", "+62 812 3456 7890", "62812345678901"), read past
    hidden characters and in other scripts' digits as ``find_nik`` is. It must stand alone: not inside a
    longer number, a decimal fraction, a thousands-dotted count, a code, a hex string or a grouped NIK."""
    if sum(ch.isdigit() for ch in text) < 10 or ("8" not in text and text.isascii()):
        return None
    text = normalise(text)
    if "8" not in text:
        return None
    text = _UUID.sub(" ", _HEX_TOKEN.sub(" ", text))
    pos = 0
    while (m := _PHONE.search(text, pos)) is not None:
        found = _phone_at(text, m)
        if found:
            return found
        pos = m.start() + 1
    return None


# what staff are told to do with a phone number in published text (validation and params say it alike)
PHONE_FIX = ("nomor telepon pribadi tidak boleh terbit: hapus nomornya; tulis jabatan atau nama unit saja (mis. "
             "'Bidan Desa', 'PKB Kecamatan').")


def mask_phone(number: str) -> str:
    """A found phone number as echoed back: its first and last four digits."""
    return number[:4] + "…" + number[-4:]


_CANDIDATE = re.compile(rb"[0-9][0-9 \-./_]{15,}")  # a run that may hold 16 digits however grouped (fast)
# a run that may hold a mobile number's subscriber part; it starts with a literal, which Python's regular
# expressions find far faster than a class (~10x on the sample site): its prefix is looked at afterwards
_PHONE_CANDIDATE = re.compile(rb"8[1-9][0-9 .\-]{7,}")
_PHONE_PREFIXES = (b"0", b"62", b")", b"62 ", b"62-", b") ", b")-")  # what comes before that 8: see _PHONE
# what makes a file worth reading whole, as UTF-8 bytes: other digits, and format characters
_UNUSUAL = _bytes_pattern(FORMAT_RANGES + OTHER_DIGIT_RANGES)
_TAG = re.compile(r"<[^>]*>")


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


def find_personal(text: str) -> Found | None:
    """The first NIK or No. KK in ``text``, else its first mobile number, else None."""
    nik = find_nik(text)
    if nik:
        return Found("nik", nik)
    phone = find_phone(text)
    return Found("telepon", phone) if phone else None


_IN_WORD = frozenset(b"0123456789.,ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def _around(data: bytes, m: re.Match[bytes]) -> list[str]:
    """The text around a candidate, as the readers judge it: 40 bytes either side, and further left to the
    start of the word or number it is in, up to 200 bytes (a mobile number's candidate starts at its 8: a
    fraction such as 192.44680851071098 cut just before its 0 would read as one)."""
    lo, hi = max(0, m.start() - 40), m.end() + 40
    stop = max(0, m.start() - 200)
    while lo > stop and data[lo - 1] in _IN_WORD:
        lo -= 1
    return _TAG.split(data[lo:hi].decode("utf-8", errors="replace"))


def scan_file(path: Path) -> Found | None:
    """The first NIK-shaped or mobile number in a file, in any of the forms ``find_nik`` and ``find_phone``
    read; markup is read as text between tags (a number split across two table cells is two numbers). A
    cheap byte-level pass finds the few places worth reading: 16 ASCII digits in a chain, a mobile number's
    prefix and 9 digits, or other digits at all."""
    data = path.read_bytes()
    if _UNUSUAL.search(data, 3 if data.startswith(b"\xef\xbb\xbf") else 0):  # (a CSV's BOM is expected)
        parts = _TAG.split(data.decode("utf-8", errors="replace"))
        niks, phones = parts, parts
    else:
        niks = [part for m in _CANDIDATE.finditer(data) if len(m.group().translate(None, b" -./_")) >= 16
                for part in _around(data, m)]
        phones = [part for m in _PHONE_CANDIDATE.finditer(data)
                  if data[max(0, m.start() - 3):m.start()].endswith(_PHONE_PREFIXES)
                  and len(m.group().translate(None, b" .-")) >= 9 for part in _around(data, m)]
    for part in niks:
        nik = find_nik(part)
        if nik:
            return Found("nik", nik)
    for part in phones:
        phone = find_phone(part)
        if phone:
            return Found("telepon", phone)
    return None


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
