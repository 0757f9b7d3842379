"""Personal numbers (NIK, No. KK, mobile numbers) are found by rule in every place text is published from:
the reader itself, validation of data (a Lokmin ``masalah``), params (``catatan``, ``tim_evaluasi``…),
``konfigurasi.yml``, reference names (``data/wilayah``) and the scan of every built file. Hypothesis
generates the numbers and their disguises (digit scripts, separators, grouping, letter O, glue), and the
values a site is made of (dates, times, codes, counts, fractions, rows of numbers) that must never be read
as one. Issue 32, class 1: B1–B12.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, assume, given, seed, settings
from hypothesis import strategies as st
from support import copy_sample_data, refused_cells

from ranpasti.core import privacy
from ranpasti.core.errors import PersonalDataRefused
from ranpasti.core.privacy import find_nik, find_personal, find_phone, scan_file
from ranpasti.ingest.store import ingest
from ranpasti.plan.params import ParamsError, load_pages, write_params
from ranpasti.reference.config import load_config
from ranpasti.reference.regions import Regions
from ranpasti.reference.settings import SettingsError

ROOT = Path(__file__).resolve().parents[1]
FAST = settings(max_examples=300, deadline=None, derandomize=True)
SLOW = settings(max_examples=3, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

NIK = "1813014506900003"  # Pesisir Barat, a woman born 05-06-1990 (day + 40), serial 0003
PHONE = "081234567890"

# ------------------------------------------------------------------------------------------ generated cases

PROVINSI = [11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53, 61, 62, 63, 64, 65,
            71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96]
# the zero of a run of ten digits in some of the scripts Unicode has, besides ASCII
ZEROS = [0x30, 0xFF10, 0x0660, 0x06F0, 0x0966, 0x09E6, 0x0A66, 0x0E50, 0x0ED0, 0x1040, 0x17E0, 0x1D7CE,
         0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E950]
SUPERSCRIPT, SUBSCRIPT = "⁰¹²³⁴⁵⁶⁷⁸⁹", "₀₁₂₃₄₅₆₇₈₉"
O_LETTERS = ["O", "o", "Ｏ", "О", "о", "Ο"]  # Latin, full-width, Cyrillic, Greek
SEPARATORS = [" ", "  ", "-", " - ", "–", " – ", "—", "−", ",", ", ", ":", ": ", "+", "#", "/", " / ", "_", ".",
              "\t", "\n", "\r\n", "\u200b", "\u200e", "\u2060", "\u00ad", "·", "•", "*", "~", "|", "'", '"',
              ") (", ")-(", "][", "\u00a0", "\u3000", "\u0301"]
PREFIXES = ["", "NIK ", "NIK", "NIK: ", "No. KK ", "nik=", "keluarga ", "(", "[", "HP ", "HP", "WA:", "Telp. ",
            "hubungi ", "«", "no.hp "]
SUFFIXES = ["", " belum didampingi", ".", ")", "]", ",", "a", "/Bu Ani", " (WA)", "»"]


@st.composite
def niks(draw) -> str:
    """A NIK or No. KK with the structure every real one has (province, kabupaten, kecamatan, day of birth
    or issue, +40 for women on a NIK, month, year, serial 0001–9999)."""
    day = draw(st.integers(1, 31)) + draw(st.sampled_from([0, 40]))
    return (f"{draw(st.sampled_from(PROVINSI)):02d}{draw(st.integers(1, 99)):02d}{draw(st.integers(1, 99)):02d}"
            f"{day:02d}{draw(st.integers(1, 12)):02d}{draw(st.integers(0, 99)):02d}{draw(st.integers(1, 9999)):04d}")


@st.composite
def phones(draw) -> tuple[str, str]:
    """A mobile number: (its digits as the reader returns them, how it starts as written)."""
    start = draw(st.sampled_from(["0", "62", "+62", "(+62)", "+62 (0)", "(0", "0062", "+0062", ""]))
    rest = f"8{draw(st.integers(1, 9))}" + "".join(draw(st.lists(st.sampled_from("0123456789"),
                                                                     min_size=8 if start == "" else 7, max_size=10)))
    assume(start or not rest.endswith("00000"))  # (a round amount of rupiah, 8500000000)
    digits = {"0": "0", "(0": "0", "62": "62", "+62": "+62", "(+62)": "+62", "+62 (0)": "+620", "0062": "0062",
              "+0062": "+0062", "": ""}[start] + rest
    return digits, start


ONE_LETTERS = ["l", "I"]  # A11: letters standing for 1 in a run of digits


def _digit(draw, d: str, glued_to_letter: bool) -> str:
    style = draw(st.integers(0, 4))
    if style == 0 and d == "0" and not glued_to_letter:
        return draw(st.sampled_from(O_LETTERS))
    if style == 0 and d == "1" and not glued_to_letter:
        return draw(st.sampled_from(ONE_LETTERS))
    if style == 1:
        return (SUPERSCRIPT if draw(st.booleans()) else SUBSCRIPT)[int(d)]
    return chr(draw(st.sampled_from(ZEROS)) + int(d))


@st.composite
def disguised(draw, digits: str, head: str = "") -> str:
    """``digits`` written to slip past a check: each digit in any script (or O for 0), in groups of any
    size joined by any separators, inside brackets, glued to words. ``head`` is written before them as is
    (a mobile number's "+62 (0)")."""
    prefix, suffix = draw(st.sampled_from(PREFIXES)), draw(st.sampled_from(SUFFIXES))
    cuts = sorted(draw(st.sets(st.integers(1, len(digits) - 1), max_size=len(digits) - 1)))
    groups = [digits[a:b] for a, b in zip([0, *cuts], [*cuts, len(digits)], strict=True)]
    text = head
    for n, group in enumerate(groups):
        if n:
            text += draw(st.sampled_from(SEPARATORS))
        written = ""
        for k, d in enumerate(group):
            at_edge = (n == 0 and k == 0 and not head and prefix[-1:].isalpha()) or (
                n == len(groups) - 1 and k == len(group) - 1 and suffix[:1].isalpha())
            written += _digit(draw, d, at_edge)
        if not any(c.isdigit() for c in written):  # l and I are read as 1 only beside a digit
            written = written.replace("l", "1").replace("I", "1")
        text += written
    assume(not two_values(text))
    if head or digits.startswith(("0", "8")):  # a mobile number (a NIK starts with a province, never a value's)
        assume(not STARTS_WITH_VALUE.match(ascii_shape(text)))
    return prefix + text + suffix


def ascii_shape(text: str) -> str:
    """The disguise with ASCII digits, to tell when it reads as two formatted values (see below)."""
    table = {c: "0" for c in O_LETTERS} | {c: "1" for c in ONE_LETTERS} | {
        ord(c): str(i) for i, c in enumerate(SUPERSCRIPT)} | {
        ord(c): str(i) for i, c in enumerate(SUBSCRIPT)}
    table |= {z + i: str(i) for z in ZEROS for i in range(10)}
    return text.translate({ord(k) if isinstance(k, str) else k: v for k, v in table.items()})


VALUE = re.compile(r"(?<![\d.,:/-])(?:\d{1,2}([-/. ])\d{1,2}\1\d{4}|\d{4}([-/. ])\d{1,2}\2\d{1,2}"
                   r"|\d{1,2}:\d\d(?::\d\d)?"
                   r"|\d{1,3}([.,])\d{3}(?:\3\d{3})+|\d\d\.\d\d\.\d\d\.\d{4})(?![\d.,:/-]?\d)")


# a date, time, month or Kemendagri code: a value of its own, never part of a NIK (A15)
OWN_VALUE = re.compile(r"(?<![\d.,:/-])(?:\d{1,2}([-/. ])\d{1,2}\1\d{4}|\d{4}([-/. ])\d{1,2}\2\d{1,2}"
                       r"|\d{1,2}:\d\d(?::\d\d)?|\d\d\.\d\d\.\d\d\.\d{4}|\d{4}[-/.]\d{1,2}|\d{1,2}[-/.]\d{4})"
                       r"(?![\d.,:/-]?\d)")


def two_values(text: str) -> bool:
    """The disguises the rule leaves alone: digits that read as two or more dates, times, counts or codes
    (a list of values such as "31/12/2024 12:30 - 14:00" is not a number), or that hold a date, time, month
    or code, a value of its own ("Desa 18.13.01.2001 (2024-05)"). Rare in generated cases."""
    shape = ascii_shape(text)
    return len(VALUE.findall(shape)) >= 2 or OWN_VALUE.search(shape) is not None


# ... and for a mobile number, digits that start with a date, a time, a count or a decimal ("0,81…", "08:15")
STARTS_WITH_VALUE = re.compile(r"\D*(?:\d{1,2}([-/. ])\d{1,2}\1\d{4}|\d{4}([-/. ])\d{1,2}\2\d{1,2}|\d{1,2}:\d\d"
                               r"|\d{1,3}([.,])\d{3}\3\d{3}|\d+[.,]\d+(?![.,]\d))")


@st.composite
def disguised_niks(draw) -> tuple[str, str]:
    nik = draw(niks())
    return "nik", nik, draw(disguised(nik))


@st.composite
def disguised_phones(draw) -> tuple[str, str]:
    digits, start = draw(phones())
    written = digits.removeprefix("+").removeprefix("00").removeprefix("62") if "62" in start else digits[1:]
    head = {"0": "", "(0": "(0", "62": "62", "+62": "+62", "(+62)": "(+62)", "+62 (0)": "+62 (0)", "0062": "0062 ",
            "+0062": "+0062-", "": ""}[start]
    if start in ("0", ""):
        written = digits
    return "telepon", digits, draw(disguised(written if start != "+62 (0)" else written[1:], head=head))


# ------------------------------------------------------------------------------------------ the reader


@FAST
@given(disguised_niks())
def test_a_nik_in_any_disguise_is_found(case):
    _, nik, text = case
    found = find_personal(text)
    assert found is not None and found.kind == "nik" and found.number == nik, (text, found)
    assert find_nik(text) == nik


@FAST
@given(disguised_phones())
def test_a_mobile_number_in_any_disguise_is_found(case):
    _, digits, text = case
    found = find_personal(text)
    assert found is not None and found.kind == "telepon", (text, found)
    assert found.number.lstrip("+") == digits.lstrip("+"), (text, found)
    assert found.masked == f"{found.number[:4]}…{found.number[-4:]}"


def dates():
    return st.tuples(st.integers(1, 31), st.integers(1, 12), st.integers(1950, 2035), st.sampled_from("-/."),
                     st.booleans()).map(lambda t: f"{t[2]}{t[3]}{t[1]:02d}{t[3]}{t[0]:02d}" if t[4]
                                        else f"{t[0]:02d}{t[3]}{t[1]:02d}{t[3]}{t[2]}")


def times():
    return st.tuples(st.integers(0, 23), st.integers(0, 59)).map(lambda t: f"{t[0]:02d}:{t[1]:02d}")


def codes():
    return st.tuples(st.sampled_from(PROVINSI), st.integers(1, 99), st.integers(1, 99), st.integers(1001, 2099)).map(
        lambda t: f"{t[0]}.{t[1]:02d}.{t[2]:02d}.{t[3]}")


def counts():
    return st.integers(1000, 10**13).map(lambda n: f"{n:,}".replace(",", "."))


def fractions():
    return st.floats(0, 1000, allow_nan=False).map(lambda x: f"{x:.1f}".replace(".", ",") + " %")


VALUES = st.one_of(dates(), times(), codes(), counts(), fractions())
JOINS = st.sampled_from([" ", ", ", " - ", " – ", "; ", " / ", "\n", " s/d "])


@FAST
@given(st.lists(VALUES, min_size=2, max_size=6), JOINS)
def test_lists_of_dates_times_codes_counts_and_fractions_are_not_personal_numbers(values, join):
    text = join.join(values)
    assert find_personal(text) is None, text


@FAST
@given(st.one_of(dates(), times(), codes(), counts(), fractions()))
def test_a_single_value_is_not_a_personal_number(value):
    assert find_personal(value) is None, value


@FAST
@given(st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=1, max_size=20))
def test_a_charts_floats_in_json_are_values_not_numbers_to_read(tmp_path_factory, values):
    """Floats as JSON writes them (16 significant digits, exponents) in a chart's data or a notebook."""
    folder = tmp_path_factory.mktemp("floats")
    (folder / "a.json").write_text(json.dumps({"data": {"values": [{"x": v, "y": -v} for v in values]}}))
    (folder / "a.html").write_text(f'<script type="application/json">{json.dumps(values)}</script>')
    assert scan_file(folder / "a.json") is None and scan_file(folder / "a.html") is None


@FAST
@given(st.binary(min_size=32, max_size=32), st.binary(min_size=16, max_size=16), st.integers(0, 80))
def test_digests_and_uuids_shown_side_by_side_are_words(tmp_path_factory, digest, uid, gap):
    """The provenance table shows each input's SHA-256 twice (an attribute and a title) and cut to 16
    characters; pages carry UUIDs. A reading window that cut a digest in two once published "8846670907"
    from one as a phone number and failed a build at random (the digest changes with the data)."""
    import uuid

    sha, u = digest.hex(), str(uuid.UUID(bytes=uid))
    html = (f'<code class="rp-sha" data-sha256="{sha}" title="SHA-256 lengkap: {sha}">{sha[:16]}</code>'
            f'{" " * gap}<div id="{u}">{u}</div><p>{u},{u}</p>')
    folder = tmp_path_factory.mktemp("digests")
    (folder / "a.html").write_text(html, encoding="utf-8")
    assert scan_file(folder / "a.html") is None, html
    assert find_personal(f"{sha} {sha} {u}-{u}") is None


@FAST
@given(st.lists(st.one_of(codes(), st.integers(0, 10**6).map(str), st.floats(0, 10**4).map(lambda x: f"{x:.1f}"),
                          dates()), min_size=3, max_size=12))
def test_rows_arrays_and_tables_of_numbers_are_read_value_by_value(tmp_path_factory, cells):
    """A CSV row, a JSON array and an HTML table row hold neighbouring values a loose "any separator" reading
    would glue into one number: the scan reads each file by its structure."""
    folder = tmp_path_factory.mktemp("values")
    files = {
        "a.csv": ",".join(cells) + "\n",
        "a.json": json.dumps({"nilai": [float(c) if re.fullmatch(r"[\d.]+", c) and c.count(".") <= 1 else c
                                        for c in cells]}),
        "a.html": "<table><tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr></table>",
        "a.svg": "<svg>" + "".join(f'<text x="{i}">{c}</text>' for i, c in enumerate(cells)) + "</svg>",
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
        assert scan_file(folder / name) is None, (name, text)


# ------------------------------------------------------------------------------------------ every place


@FAST
@given(st.one_of(disguised_niks(), disguised_phones()), st.sampled_from(["html", "csv", "json", "ipynb", "svg"]))
def test_the_pre_publish_scan_finds_them_in_every_kind_of_file(tmp_path_factory, case, kind):
    _, number, text = case
    page = tmp_path_factory.mktemp("scan") / f"a.{kind}"
    if kind == "html":
        content = f"<html><body><p title=\"x\">Masalah: <b>{escape(text)}</b></p><td>12</td></body></html>"
    elif kind == "svg":
        content = f'<svg><path d="M0,1h2"/><title>{escape(text)}</title></svg>'
    elif kind == "csv":
        content = 'kode,masalah\n16.05.01,"' + text.replace('"', '""') + '"\n'
    elif kind == "json":
        content = json.dumps({"masalah": text, "n": [1, 2]})
    else:
        lines = text.splitlines(keepends=True) or [text]
        content = json.dumps({"cells": [{"outputs": [{"text": lines}]}]}, ensure_ascii=False, indent=1)
    page.write_text(content, encoding="utf-8")
    found = scan_file(page)
    assert found is not None and found.number.lstrip("+") == number.lstrip("+"), (kind, content, found)


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


@FAST
@given(st.one_of(disguised_niks(), disguised_phones()))
def test_konfigurasi_text_is_refused(tmp_path_factory, case):
    """B11: ``keterangan_sumber`` (published on every page) holding a NIK or phone stops loading, naming
    the file and key, the number masked."""
    kind, number, text = case
    folder = tmp_path_factory.mktemp("config")
    (folder / "konfigurasi.yml").write_text(yaml.safe_dump({"keterangan_sumber": text}, allow_unicode=True),
                                            encoding="utf-8")
    with pytest.raises((PersonalDataRefused, SettingsError)) as err:
        load_config(folder)
    message = str(err.value)
    assert "konfigurasi.yml" in message and "keterangan_sumber" in message, message
    assert f"berisi {masked(kind, number)}" in message
    assert number.lstrip("+") not in message.replace("+", "")


def found_what(masked: str) -> str:
    return "nomor telepon" if masked.startswith("08") else "nomor berbentuk NIK atau No. KK"


def masked(kind: str, number: str) -> str:
    """How a generated number is echoed: what it is and its ends."""
    found = privacy.Found(kind, number)
    return f"{found.what} ({found.masked})"


@pytest.fixture(scope="module")
def params_sample(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("params")
    store, _ = ingest(ROOT / "data", tmp / "cache")
    write_params(store, tmp / "params")
    return store, tmp / "params"


PAGE = Path("kabupaten-musi-rawas") / "tugumulyo" / "index.yml"
EVAL = Path("kabupaten-musi-rawas") / "tugumulyo" / "evaluasi-2024.yml"


def refused_params(sample, tmp_path: Path, rel: Path, old: str, new: str) -> str:
    copy = tmp_path / "params"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(sample[1], copy)
    path = copy / rel
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    with pytest.raises(ParamsError) as err:
        load_pages(copy, sample[0])
    return str(err.value)


@SLOW
@given(st.one_of(disguised_niks(), disguised_phones()))
def test_params_catatan_is_refused(params_sample, tmp_path, case):
    kind, number, text = case
    line = yaml.safe_dump({"catatan": text}, allow_unicode=True, width=10**6).strip()
    message = refused_params(params_sample, tmp_path, PAGE, "catatan: ''", line)
    assert "catatan" in message and f"berisi {masked(kind, number)}" in message


# The examples this test drew before its set-up moved to tests/support.py (derandomize seeds by the test's source):
# with the new source it drew a case the messages get wrong, kept below as its own (strictly expected to fail) test.
LOKMIN_SEED = int("1737346241437982388792659402446506964255556914568094357627265088294074853892102652295269698013576"
                  "359122557620049686")


def lokmin_rows_refused(data: Path, cases: list[tuple[str, str, str]]) -> None:
    """``cases`` (kind, number, text) typed into lokmin.csv's masalah, row by row: each row is refused with its
    own number, masked, and never the number itself."""
    lines, out = refused_cells(data, "lokmin", {(i, "masalah"): text for i, (_, _, text) in enumerate(cases)})
    for (row, _), line in lines.items():
        kind, number, _ = cases[row]
        found = privacy.Found(kind, number)
        assert found.masked in line and ("NIK atau No. KK" in line or "nomor telepon" in line), (cases[row], out)
        assert number.lstrip("+") not in line.replace("+", "")


def test_each_rows_message_masks_its_own_number_beside_a_mixed_script_phone(tmp_path):
    """Drawn by the generated cases below: the CLI's report (all messages in one text) gave every number the
    mask of the text's first one, so row 2's NIK read as row 3's phone (0879…0879)."""
    lokmin_rows_refused(copy_sample_data(tmp_path / "data"), [
        ("nik", "7370871211891398", "7 𝟯 7 O87l2ll8\U0001e959l398"),
        ("telepon", "0879654996", "[O８৭៩\xad₆၅४𝟗৯𝟨 belum didampingi")])


@pytest.mark.slow
@SLOW
@seed(LOKMIN_SEED)
@given(st.lists(st.one_of(disguised_niks(), disguised_phones()), min_size=8, max_size=8))
def test_lokmin_masalah_is_refused_row_by_row(tmp_path_factory, cases):
    lokmin_rows_refused(copy_sample_data(tmp_path_factory.mktemp("lokmin") / "data"), cases)


# ------------------------------------------------------------------------------------------ B1–B12


def in_script(digits: str, zero: int) -> str:
    return "".join(chr(zero + int(d)) for d in digits)


B1 = [in_script(NIK, z) for z in (0x0966, 0x09E6, 0x0E50, 0x1D7CE)] + [
    "".join(SUPERSCRIPT[int(d)] for d in NIK)]
B2 = [NIK[:15] + in_script(NIK[15], 0x1D7CE)]
B3 = ["1813 - 0145 - 0690 - 0003"]
B4 = [f"{NIK[:8]} {NIK[8:]}", f"{NIK[:6]} {NIK[6:]}", f"{NIK[:10]} {NIK[10:]}"]
B5 = [NIK[:8] + sep + NIK[8:] for sep in ("–", "−", ",", ", ", ":", "+", "#", " / ", "\t", "\n")]
B6 = ["(1813) 0145 0690 0003", "(1813) O145 O69O OOO3", "18l3 0145".replace("l", "1") + " O69O OOO3"]
B7 = ["(0812) 3456-7890", "0812 - 3456 - 7890", "0812/3456/7890", "0812_3456_7890", "0812–3456–7890",
      "+62 (812) 3456 7890", "O812-3456-7890", "08-12-3456-7890", "0 8 1 2 3 4 5 6 7 8 9 0"]
B8 = [in_script(PHONE, 0x1D7CE), in_script(PHONE, 0x0966)]


@pytest.mark.parametrize("text", B1 + B2 + B3 + B4 + B5 + B6, ids=lambda t: repr(t)[:30])
def test_b1_to_b6_nik_disguises_are_found(text):
    found = find_personal(f"keluarga NIK {text} belum didampingi")
    assert found == privacy.Found("nik", NIK)
    assert found.masked == "181301…03"


@pytest.mark.parametrize("text", B7 + B8, ids=lambda t: repr(t)[:30])
def test_b7_b8_mobile_disguises_are_found(text):
    found = find_phone(f"Bidan Ani {text}")
    assert found is not None and found.lstrip("+").endswith("81234567890")
    assert find_personal(text).masked.endswith("…7890")


def test_b1_b5_b7_in_a_lokmin_masalah_each_row_is_refused(data):
    texts = [f"keluarga NIK {t}" for t in B1 + B2 + B3 + B4 + B5 + B6] + [f"hubungi {t}" for t in B7 + B8]
    lines, out = refused_cells(data, "lokmin", {(i, "masalah"): t for i, t in enumerate(texts)})
    missing = [texts[row] for (row, _), line in lines.items() if not line]
    assert not missing, out
    assert all("181301…03" in line or "0812…7890" in line or "+628…7890" in line for line in lines.values())
    assert NIK not in out and "3456" not in out


@pytest.mark.parametrize(("rel", "old", "key"), [
    (PAGE, "catatan: ''", "catatan"),  # B9
    (EVAL, "terbit: true", "tim_evaluasi"),  # B10
    (EVAL, "terbit: true", "disahkan_oleh"),  # B10
])
@pytest.mark.parametrize(("text", "masked"), [("18130145 06900003", "181301…03"), ("(0812) 3456-7890", "0812…7890")])
def test_b9_b10_params_texts_are_refused(params_sample, tmp_path, rel, old, key, text, masked):
    new = f"catatan: '{text}'" if key == "catatan" else f"terbit: true\n{key}: 'Tim TPPS {text}'"
    message = refused_params(params_sample, tmp_path, rel, old, new)
    assert key in message and f"berisi {found_what(masked)} ({masked})" in message and str(rel) in message


def with_source(src: Path, dest: Path, text: str) -> None:
    """konfigurasi.yml with its ``keterangan_sumber`` (a folded block in the sample) replaced by ``text``:
    a key written twice is refused on its own, before what it holds is read."""
    lines = src.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("keterangan_sumber:"))
    end = next(i for i in range(at + 1, len(lines)) if not lines[i].startswith("  "))
    lines[at:end] = [f"keterangan_sumber: '{text}'"]
    dest.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize(("text", "masked"), [("18130145 06900003", "181301…03"), ("(0812) 3456-7890", "0812…7890")])
def test_b11_konfigurasi_keterangan_sumber_is_refused_and_scanned(tmp_path, text, masked):
    with_source(ROOT / "data" / "konfigurasi.yml", tmp_path / "konfigurasi.yml", f"Dinas, kontak {text}")
    with pytest.raises((PersonalDataRefused, SettingsError)) as err:
        load_config(tmp_path)
    assert "keterangan_sumber" in str(err.value) and f"berisi {found_what(masked)} ({masked})" in str(err.value)
    # and the last check before publishing finds it on a page (where the 52 files once went out)
    page = tmp_path / "index.html"
    page.write_text(f"<footer><p>Sumber: Dinas, kontak {text}</p></footer>", encoding="utf-8")
    assert scan_file(page).masked == masked


def test_b12_a_desa_name_holding_a_nik_is_refused_naming_file_and_row(tmp_path):
    wilayah = tmp_path / "wilayah"
    shutil.copytree(ROOT / "data" / "wilayah", wilayah)
    desa = pd.read_csv(wilayah / "desa.csv", dtype=str, keep_default_na=False)
    row = int(desa.index[desa["kode"].str.startswith("18.13")][0])
    desa.loc[row, "nama"] = "Pekon 1813 - 0145 - 0690 - 0003"
    desa.to_csv(wilayah / "desa.csv", index=False)
    with pytest.raises(PersonalDataRefused) as err:
        Regions(wilayah)
    assert f"desa.csv baris {row + 2}, kolom nama berisi nomor berbentuk NIK atau No. KK (181301…03)" in str(err.value)


def test_b12_validate_says_so_without_a_traceback(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from ranpasti.cli import main
    from ranpasti.reference import regions

    wilayah = tmp_path / "wilayah"
    shutil.copytree(ROOT / "data" / "wilayah", wilayah)
    lines = (wilayah / "desa.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    row = next(n for n, line in enumerate(lines) if line.startswith("18.13."))
    code, kecamatan, _ = lines[row].split(",")
    lines[row] = f"{code},{kecamatan},Pekon (1813) 0145-0690–0003\n"
    (wilayah / "desa.csv").write_text("".join(lines), encoding="utf-8")
    monkeypatch.setattr(regions, "default_wilayah_dir", lambda: wilayah)
    regions.load_regions.cache_clear()
    try:
        result = CliRunner().invoke(main, ["validate", "--data", str(ROOT / "data")])
    finally:
        regions.load_regions.cache_clear()
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert f"desa.csv baris {row + 1}, kolom nama berisi nomor berbentuk NIK atau No. KK (181301…03)" in result.output
    assert "1813014506900003" not in result.output


def test_b11_validate_stops_at_konfigurasi_before_anything_is_built(data):
    from click.testing import CliRunner

    from ranpasti.cli import main

    with_source(data / "konfigurasi.yml", data / "konfigurasi.yml", "Dinas PPKB, kontak (0812) 3456-7890")
    result = CliRunner().invoke(main, ["validate", "--data", str(data)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "konfigurasi.yml" in result.output and "keterangan_sumber" in result.output
    assert "berisi nomor telepon (0812…7890)" in result.output
    assert "3456-7890" not in result.output


@pytest.mark.parametrize(("name", "content"), [
    ("a.html", '<td><span class="n" title="t">1813</span>0145<a href="#x">0690</a> 0003</td>'),  # inline tags
    ("a.html", '<td><span title="NIK 1813 0145 0690 0003">x</span></td>'),  # an attribute is published
    ("a.html", "<p>&#49;&#56;&#x31;&#51; 0145 0690 0003</p>"),  # character references
    ("a.ipynb", json.dumps({"cells": [{"outputs": [{"data": {"text/html": ["<p>&#49;&#56;&#49;&#51;0145\n",
                                                                          "0690 0003</p>"]}}]}]})),
    ("a.json", json.dumps({"masalah": "NIK " + in_script(NIK, 0x0966)})),  # \\u escapes
    ("a.csv", f'kode,catatan\n16.05.01,"NIK {NIK[:8]},\n{NIK[8:]}"\n'),  # a comma and a line break in a cell
])
def test_the_scan_reads_markup_and_documents_as_a_reader_sees_them(tmp_path, name, content):
    (tmp_path / name).write_text(content, encoding="utf-8")
    assert scan_file(tmp_path / name) == privacy.Found("nik", NIK)


# ------------------------------------------------------------------------------------------ attack pass 2: A1–A15
# (the disguises of A1, A2 and A11 are in the generators above: "0062"/"+0062", a mobile number that lost its
# leading 0, l and I for 1)

KEYWORDS = ["NIK", "nik", "NKK", "KK", "No. KK", "no.kk", "KTP", "HP", "hp", "No HP", "WA", "Telp.", "telepon",
            "Ponsel", "hubungi", "Phone", "mobile", "Nomor Induk Kependudukan"]


@st.composite
def fragments(draw) -> tuple[str, str]:
    """A6: part of a NIK (7 to 15 of its digits) or of a mobile number, right after a word announcing it; the
    rest is in the next cell or row."""
    number = draw(st.one_of(niks(), phones().map(lambda p: p[0].lstrip("+"))))
    cut = draw(st.integers(7, min(15, len(number) - 1)))
    part = number[:cut] if draw(st.booleans()) else number[-cut:]
    sizes = draw(st.lists(st.integers(1, 5), min_size=1, max_size=4))
    groups, at = [], 0
    for size in [*sizes, len(part)]:
        if at < len(part):
            groups.append(part[at:at + size])
            at += size
    join = draw(st.sampled_from([" ", "-", " - ", "", "/", "\n", "\u2013"]))
    written = join.join(groups)
    assume(not OWN_VALUE.search(written) and not VALUE.search(written))
    before = draw(st.sampled_from(["", "(", ": ", "=", ". ", " #"]))
    return part, draw(st.sampled_from(["", "Keluarga A3 ", "… ("])) + draw(st.sampled_from(KEYWORDS)) + before + \
        written + draw(st.sampled_from(["", ")", " dst", " …"]))


@FAST
@given(fragments())
def test_a6_part_of_a_number_after_a_word_announcing_it_is_refused(case):
    part, text = case
    found = find_personal(text)
    assert found is not None, text
    assert part not in found.masked and part not in privacy.mask_all(f"baris 3: {text}")


@pytest.mark.parametrize("text", ["masalah: Keluarga A3 NIK 18130145", "… (NIK 1813 0145", "HP 812-3456",
                                  "No. KK: 1813 014", "hubungi 0812 3456"])
def test_a6_a_nik_split_across_cells_or_rows_is_refused_in_its_first_part(text):
    assert find_personal(text) is not None


@FAST
@given(st.sampled_from(KEYWORDS), st.one_of(counts().filter(lambda c: c.count(".") >= 2), dates(), times(),
                                             st.integers(0, 999999).map(str), fractions()),
       st.sampled_from([" ", ": ", " = "]))
def test_a6_a_keyword_before_a_count_date_or_short_number_is_not_a_fragment(keyword, value, join):
    assert find_personal(f"Jumlah {keyword}{join}{value} keluarga") is None


@FAST
@given(niks(), st.integers(0, 9), st.sampled_from(["{d}{nik}", "{nik}{d}", "{d}.{nik}", "{d}, {nik}", "{d}{d}{nik}"]))
def test_a7_a_nik_cut_by_excel_or_with_digits_glued_is_found(nik, d, shape):
    """A7: Excel keeps 15 significant digits (the serial's last digit becomes 0: still a NIK); a list's
    number before it, read as a "decimal" with a 16-digit fraction, or glued to it (runs up to 20 digits
    are read 16 at a time)."""
    assert find_nik(nik[:15] + "0") == nik[:15] + "0"
    assert find_nik(shape.format(d=d, nik=nik)) is not None


WORDS_ID = ["nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan"]
WORDS_EN = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


@FAST
@given(st.one_of(niks(), phones().map(lambda p: p[0].lstrip("+"))), st.sampled_from([WORDS_ID, WORDS_EN]),
       st.sampled_from([" ", "-", ", ", " - ", "  "]), st.sampled_from(["", "WA ", "NIK: ", "hubungi "]),
       st.booleans(), st.booleans())
def test_a12_digits_written_as_words_are_read(number, words, join, prefix, upper, kosong):
    spoken = [("kosong" if kosong and d == "0" and words is WORDS_ID else words[int(d)]) for d in number]
    text = prefix + join.join(w.upper() if upper else w for w in spoken)
    assert find_personal(text) is not None, text


@FAST
@given(st.one_of(disguised_niks(), disguised_phones()), st.sampled_from(["dec", "hex", "percent"]))
def test_a13_character_references_and_percent_escapes_are_read_alike_everywhere(tmp_path_factory, case, style):
    """A13: validation, settings and the scan read "&#49;" and "%31" as the digit they stand for."""
    kind, _, text = case
    escape = {"dec": lambda c: f"&#{ord(c)};", "hex": lambda c: f"&#x{ord(c):x};",
              "percent": lambda c: "".join(f"%{b:02X}" for b in c.encode())}[style]
    encoded = "".join(escape(c) if c.isdigit() else c for c in text)
    found = find_personal(encoded)
    assert found is not None and found.kind == kind, (encoded, found)
    page = tmp_path_factory.mktemp("a13") / "a.txt"
    page.write_text(encoded, encoding="utf-8")
    assert scan_file(page) == found


@pytest.mark.parametrize("message", [
    "konfigurasi.yml: kunci 1813014506900003: tidak sah", "kolom tidak dikenal diabaikan: catatan_1813014506900003",
    "lokmin 1813014506900003.csv tidak dibaca", "judul kolom 'HP 0812 3456 7890' di judul_kolom.yml",
    "lokmin 18130145&#48;6900003.csv", "kunci nol delapan satu dua tiga empat lima enam tujuh delapan"])
def test_a14_every_message_is_masked_at_the_end(message):
    from ranpasti.ingest.problems import Problem

    out = privacy.mask_all(message)
    assert find_personal(out) is None and "3456" not in out and "06900003" not in out, out
    assert find_personal(str(Problem(message, message))) is None


@FAST
@given(st.one_of(disguised_niks(), disguised_phones()), st.sampled_from(["kunci {} tidak dikenal", "file {}.csv",
                                                                         "kolom catatan_{} diabaikan", "{}"]))
def test_a14_mask_all_leaves_no_personal_number_in_any_message(case, shape):
    _, number, text = case
    out = privacy.mask_all(shape.format(text))
    assert find_personal(out) is None, (text, out)
    assert number.lstrip("+") not in out


def test_a14_cli_output_is_masked_where_it_leaves(data):
    from click.testing import CliRunner

    from ranpasti.cli import main

    (data / "lokmin.csv").rename(data / "lokmin 1813014506900003.csv")
    with (data / "konfigurasi.yml").open("a", encoding="utf-8") as f:
        f.write("\nkunci_1813014506900003: tidak sah\n")
    result = CliRunner().invoke(main, ["validate", "--data", str(data)])
    assert "Traceback" not in result.output and result.exit_code != 0
    assert "1813014506900003" not in result.output and "06900003" not in result.output, result.output


@FAST
@given(codes(), st.integers(2000, 2035), st.integers(1, 12), st.sampled_from(["{c} ({y}-{m:02d})", "{c} {y}-{m:02d}",
                                                                            "{c}, {m:02d}/{y}", "Desa {c} ({y}.{m})"]))
def test_a15_a_desa_code_beside_a_month_is_not_a_nik(code, year, month, shape):
    text = shape.format(c=code, y=year, m=month)
    assert find_personal(text) is None and privacy.mask_all(text) == text


@FAST
@given(st.integers(1, 999), st.integers(1, 9999), st.integers(1990, 2035), st.integers(1, 999), st.booleans(),
       st.sampled_from(["0856", "0812", "0813"]))
def test_a15_document_numbers_are_not_phone_numbers_in_a_document_column(a, b, year, c, lead, mobile):
    for text in (f"{mobile}/{b}/{year}", f"{a}/{mobile}/{year}/{c}", f"{mobile}/{a:03d}/{b}/{year}"):
        assert find_personal(text, document=True) is None, text
    assert find_personal("0812/3456/7890", document=True) is not None  # B7 still caught there


def test_a15_nomor_sk_holds_document_numbers_but_not_phone_numbers(data):
    """A15: ``nomor_sk`` is declared a document number (kinds.py, definitions/input.yml): "0856/123/2024" and
    "440/0812/2024/123" are read as SK numbers; a mobile number written with "/" is still refused (B7)."""
    lines, out = refused_cells(data, "tpps", {(0, "nomor_sk"): "0856/123/2024", (1, "nomor_sk"): "440/0812/2024/123",
                                              (2, "nomor_sk"): "0812/3456/7890"})
    assert lines[(0, "nomor_sk")] == "" and lines[(1, "nomor_sk")] == "", out
    assert "nomor telepon" in lines[(2, "nomor_sk")] and "0812…7890" in lines[(2, "nomor_sk")], out


# ------------------------------------------------------------------------------------------ the fast reading

# Real built pages of the sample (a kecamatan page, its notebook, an evaluation page, a chart): long texts, so
# the scan reads them with RE2's passes (privacy._RE2_MIN_CHARS); compared with Python's engine alone.
PAGES = {path.name.removesuffix(".gz"): gzip.decompress(path.read_bytes()).decode("utf-8")
         for path in sorted((ROOT / "tests" / "pages").glob("*.gz"))}
# characters where RE2 and Python could part: case folding (Kelvin sign, long s, dotted and dotless i), digits
# of other scripts, O-like letters, l and I, separators of every kind, a lone surrogate as a JSON escape
NOISE = st.sampled_from(["\u212a", "\u017f", "\u0130", "\u0131", "\u0660", "\uff10", "О", "l", "I", "O", "o", "1",
                         "0", "8", "6", ".", ",", "-", "+", "e", "E", ":", "/", " ", "\n", "\u200b", "\u00a0", "x",
                         "&#49;", "%31", "\\ud800", "\\u0031", '"', "<b>", "</span>", "kk", "HP ", "NIK", "lima"])
SPOKEN = st.lists(st.sampled_from(WORDS_ID + WORDS_EN + ["kosong", "SATU", "Nol"]), min_size=8, max_size=12).map(
    lambda words: " ".join(words))


@st.composite
def odd_fragments(draw) -> str:
    """A6's fragments with their zeros written O or o and the keyword in any case, the Kelvin sign for its K."""
    _, text = draw(fragments())
    text = "".join(draw(st.sampled_from("0Oo")) if ch == "0" else ch for ch in text)
    return "".join(draw(st.sampled_from([ch, ch.swapcase(), "\u212a"] if ch in "kK" else [ch, ch.swapcase()]))
                   if ch.isalpha() and ch.isascii() else ch for ch in text)


@contextlib.contextmanager
def reader(fast: bool):
    """The scan with RE2's passes on every text (``fast``), or with Python's engine alone."""
    saved = privacy._RE2_MIN_CHARS
    privacy._RE2_MIN_CHARS = 0 if fast else 10**12
    try:
        yield
    finally:
        privacy._RE2_MIN_CHARS = saved


def everything_found(path: Path) -> list:
    """Every number the scan's reader finds in a file, in order (not only the first)."""
    data = path.read_bytes().decode("utf-8", errors="replace")
    text = privacy._readable(privacy._file_text(path, data))
    return list(privacy._found(text, markup=path.suffix in privacy._MARKUP_SUFFIXES, generated=True))


@pytest.mark.slow
@settings(max_examples=120, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(PAGES)), st.lists(st.tuples(
    st.floats(0, 1), st.one_of(disguised_niks().map(lambda c: c[2]), disguised_phones().map(lambda c: c[2]),
                               fragments().map(lambda c: c[1]), odd_fragments(), SPOKEN,
                               st.lists(NOISE, max_size=6).map("".join))),
    min_size=1, max_size=4))
def test_the_fast_scan_reads_a_real_page_as_the_full_reader_does(tmp_path_factory, name, inserted):
    """Disguised numbers, fragments after keywords, number words and odd characters put anywhere in a real page
    (in its text, a tag, an attribute, a chart's JSON): RE2's passes find exactly what Python's engine finds,
    every number in the same order."""
    page = PAGES[name]
    for at, text in sorted(inserted, reverse=True):
        cut = int(at * len(page))
        page = page[:cut] + text + page[cut:]
    path = tmp_path_factory.mktemp("fast") / name
    path.write_text(page, encoding="utf-8", errors="surrogatepass")
    with reader(fast=False):
        slow = everything_found(path)
    with reader(fast=True):
        fast = everything_found(path)
        assert scan_file(path) == privacy._first(slow)
    assert fast == slow, (name, inserted)


@pytest.mark.slow
@settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["kecamatan.html", "evaluasi.html", "kecamatan.ipynb"]),
       st.one_of(disguised_niks(), disguised_phones(), odd_fragments().map(lambda t: ("potongan", "", t)),
                 SPOKEN.map(lambda t: ("", "", t))))
def test_a_number_in_a_real_pages_text_is_found_by_the_fast_scan(tmp_path_factory, name, case):
    """In a long page's visible text, the pre-publish scan with RE2's passes finds what Python's engine finds:
    a disguised number, a fragment after a keyword (its K the Kelvin sign, its 0 an O), number words."""
    kind, number, text = case
    page = PAGES[name]
    shown = escape(text) if name.endswith(".html") else json.dumps(text)[1:-1]
    at = page.index("</h1>")
    path = tmp_path_factory.mktemp("fast") / name
    path.write_text(page[:at] + " " + shown + " " + page[at:], encoding="utf-8")
    with reader(fast=False):
        slow = everything_found(path)
    with reader(fast=True):
        assert everything_found(path) == slow, text
        found = scan_file(path)
    if kind in ("nik", "telepon"):
        assert found is not None and found.number.lstrip("+") == number.lstrip("+"), (text, found)
    elif kind:
        assert found is not None, text


RE2_TEXT = st.lists(st.one_of(NOISE, st.sampled_from(["1.5e3", "-2.25", "3E-7", "12.", "0.1605011203870002", "1e",
                                                      "12:30:05.123+00:00", "O812", "l8l3", "2024-05"])),
                    max_size=200).map("".join)


@FAST
@given(RE2_TEXT)
def test_re2_takes_the_same_matches_as_python(text):
    """The patterns RE2 runs as they are find what Python's engine finds; the chain regions hold every chain."""
    with reader(fast=True):
        assert privacy._re2_sub(privacy._JSON_FRACTION, " x ", text) == privacy._JSON_FRACTION.sub(" x ", text)
        assert privacy._re2_search(privacy._LETTER_DIGIT_HINT, text) == bool(privacy._LETTER_DIGIT_HINT.search(text))
        regions = privacy._chain_regions(text)
        chains = [m.span() for m in privacy._CHAIN.finditer(text)]
        if regions is not None:
            assert [m.span() for m in privacy._CHAIN_REGION.finditer(text)] == list(zip(*regions, strict=True))
            assert all(any(s <= a and b <= t for s, t in zip(*regions, strict=True)) for a, b in chains)
            assert [m.span() for m in iter_chains(text, regions)] == chains


def iter_chains(text: str, regions):
    pos = 0
    while (m := privacy._next_chain(text, pos, regions)) is not None:
        yield m
        pos = m.end()


def test_the_only_letter_lower_case_makes_ascii_is_the_kelvin_sign():
    """The loose patterns (privacy._letters_any_case) list A-Z and the Kelvin sign for the letters of a lower-cased
    text: checked against this Python's Unicode data."""
    found = {chr(c) for c in range(0x80, 0x110000)
             if len(chr(c).lower()) == 1 and chr(c).lower().isascii() and chr(c).lower().isalpha()}
    assert found == {"\u212a"} and privacy._LOWERS_TO_ASCII == {"k": "\\x{212A}"}


@FAST
@given(st.lists(st.sampled_from(["\\", '"', "/", "b", "f", "n", "r", "t", "u", "x", "1", ",", ":", "[", "}", "é"]),
                max_size=60).map("".join))
def test_json_escapes_in_one_pass_read_as_one_at_a_time(text):
    """A JSON text's escapes read in one pass as they were read one kind at a time (the escaped backslash first)."""
    one_at_a_time = text
    for escape in ("\\\\", '\\"', "\\/", "\\b", "\\f", "\\n", "\\r", "\\t"):
        one_at_a_time = one_at_a_time.replace(escape, "  ")
    assert privacy._JSON_ESCAPES.sub("  ", text) == one_at_a_time


@pytest.mark.slow
@FAST
@given(st.one_of(disguised_niks(), disguised_phones()), st.booleans())
def test_excel_downloads_are_scanned_cell_by_cell(tmp_path_factory, case, as_number):
    """The pages' .xlsx downloads were never scanned (found by the speed pass of issue 33): a personal number
    in a text cell, or a NIK written as a number, is found in the workbook's cells."""
    import openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    kind, number, text = case
    assume(not ILLEGAL_CHARACTERS_RE.search(text))  # what Excel cannot hold is not in a download
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["kode", "nama", "nilai"])
    sheet.append(["16.05.01", int(number) if as_number and kind == "nik" else text, 12.5])
    path = tmp_path_factory.mktemp("xlsx") / "a.xlsx"
    book.save(path)
    assert scan_file(path) is not None, text


@pytest.mark.parametrize("text", ["İbu NIK 1813 0145", "Kepala İ NIK: 1813 0145 0690", "İİİ hubungi 0812 3456"])
def test_a_letter_whose_lower_case_is_longer_does_not_switch_the_keyword_rule_off(text):
    """"İ".lower() is two characters: a dotted capital I before a keyword hid the number's first part."""
    assert find_personal(text) is not None
