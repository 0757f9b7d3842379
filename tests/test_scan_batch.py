"""The pre-publish scan reads files in batches (``privacy._scan_batch``): each file's answer must be the one reader's
answer for that file alone, whatever the other files of its batch hold (a hit in one text makes the batch look at
each text; no hit lets it skip a step for all)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ranpasti.core import privacy

# pieces that make numbers, disguises, keywords, identifiers, markup and the values that are not numbers
PIECES = ["0812", "3456", "7890", "1605011203870002", "16", "05", "2001", "1813014506900003", "62", "+62", "8", "81",
          "1", "0", "9", "2024", "12", "31", " ", "-", ".", ",", "/", ":", "\n", "x", "NIK", "nik ", "HP ", "WA:",
          "KK", "telepon ", "l", "I", "O", "o", "a", "f", "deadbeef", "&#49;", "&#56;", "&amp;", "%31", "%38", "satu ",
          "dua ", "nol ", "delapan ", "tiga ", "empat ", "lima ", "enam ", "tujuh ", "sembilan ", "<b>", "</b>",
          "<span class=x>", "</span>", "<td>", '"', '="', ' d="', ">", "Rp", "…", "\u0661", "\uff18", "\u212a",
          "12345678-1234-1234-1234-123456789012", "3f2a9c1b7e4d8a6b0c5e", "0.1605011203870002", "(", ")"]
SPARSE = [p for p in PIECES if sum(c.isdigit() for c in p) < 4]

texts = st.lists(st.sampled_from(PIECES) | st.sampled_from(SPARSE) | st.sampled_from(SPARSE), max_size=60).map("".join)


def alone(text: str, markup: bool) -> privacy.Found | None:
    """The reader on one text, as before batches: ``_readable`` then ``_found`` with every step."""
    return privacy._first(privacy._found(privacy._readable(text), markup=markup, generated=True))


@pytest.mark.parametrize("re2_min", [privacy._RE2_MIN_CHARS, 1])
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batch=st.lists(st.tuples(texts, st.booleans()), min_size=1, max_size=6))
def test_a_file_of_a_batch_reads_as_alone(batch, re2_min, monkeypatch):
    monkeypatch.setattr(privacy, "_RE2_MIN_CHARS", re2_min)  # 1: every pass on RE2's side too
    got = privacy._scan_batch([(Path(f"f{n}"), text, markup) for n, (text, markup) in enumerate(batch)])
    assert [found for _path, found in got] == [alone(text, markup) for text, markup in batch]


def test_a_number_beside_clean_files_is_found(tmp_path):
    """One file with a number among many without: found, and only there."""
    for n in range(40):
        (tmp_path / f"t{n}.csv").write_text("kode,nama\n16.05.01.2001,Desa Satu\n", encoding="utf-8")
    (tmp_path / "t17.html").write_text("<p>Hubungi <b>0812</b>-3456-7890</p>", encoding="utf-8")
    (tmp_path / "t30.csv").write_text("nik\nsatu enam nol lima nol satu satu dua nol tiga delapan tujuh nol nol nol "
                                      "dua\n", encoding="utf-8")
    found = privacy._scan_chunk(sorted(tmp_path.iterdir()))
    assert [(p.name, f.kind) for p, f in found] == [("t17.html", "telepon"), ("t30.csv", "nik")]
