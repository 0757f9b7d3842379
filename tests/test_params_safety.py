"""Params files are untrusted input: typed and checked before any notebook runs (issue 14, items 7, 9, 13).

Papermill writes every key of a params file into the notebook as ``key = value`` code, so a crafted key
would run; a string ``terbit: tidak`` published the page; a month or region without data published a page
of empty cards. Each is refused with the file and the key named, and nothing is executed.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from support import few_units_options as setup_failures

from ranpasti.build import build
from ranpasti.ingest.store import ingest
from ranpasti.plan.params import ParamsError, load_pages, write_params

ROOT = Path(__file__).resolve().parents[1]
PAGE = Path("kabupaten-musi-rawas") / "tugumulyo" / "index.yml"
EVAL = Path("kabupaten-musi-rawas") / "tugumulyo" / "evaluasi-2024.yml"


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("params")
    store, _ = ingest(ROOT / "data", tmp / "cache")
    write_params(store, tmp / "params")
    return store, tmp / "params"


def edited(sample, tmp_path: Path, rel: Path, old: str, new: str) -> Path:
    params = sample[1]
    copy = tmp_path / "params"
    shutil.copytree(params, copy)
    path = copy / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (old, text)
    path.write_text(text.replace(old, new), encoding="utf-8")
    return copy


REFUSED = [
    # (file, text replaced, replacement, words the message must contain)
    (PAGE, "terbit: true", "\"x = __import__('os').system('touch DIJALANKAN') #\": 1\nterbit: true",
     ["kunci", "tidak dikenal", "Hapus kunci"]),
    (PAGE, "terbit: true", "terbit: true\ndata_dir: /etc", ["'data_dir'", "tidak dikenal"]),
    (PAGE, "terbit: true", "terbit: true\ntahun: 2024", ["'tahun'", "kode, bulan, catatan, terbit"]),
    (PAGE, "terbit: true", "terbit: tidak", ["'terbit': harus true atau false", "'tidak'"]),
    (PAGE, "terbit: true", "terbit: 'false'", ["'terbit': harus true atau false", "'false'"]),
    (PAGE, "terbit: true", "terbit: 0", ["'terbit': harus true atau false", "bukan bilangan bulat"]),
    (PAGE, "bulan: null", "bulan: '2099-01'", ["tidak punya bulan 2099-01", "2023-01 s.d. 2026-10"]),
    # YAML reads a date, not text
    (PAGE, "bulan: null", "bulan: 2024-06-01", ["'bulan': harus teks, bukan tanggal", "bulan \"YYYY-MM\""]),
    (PAGE, "bulan: null", "bulan: Juni", ["'bulan': bentuknya tidak sesuai", "bulan \"YYYY-MM\""]),
    (PAGE, "catatan: ''", "catatan: [1, 2]", ["'catatan': harus teks"]),
    (PAGE, "catatan: ''", "catatan: '" + "a" * 2001 + "'", ["'catatan': terlalu panjang"]),
    (EVAL, "tahun: 2024", "tahun: '2024'", ["'tahun': harus bilangan bulat, bukan teks", "angka tahun"]),
    (EVAL, "terbit: true", "terbit: true\nbulan: '2024-06'", ["'bulan'", "kode, tahun, catatan, terbit"]),
    (EVAL, "terbit: true", "terbit: true\ntanggal_evaluasi: 20 Desember",
     ["'tanggal_evaluasi': harus tanggal", "YYYY-MM-DD"]),
    (EVAL, "terbit: true", "terbit: true\ntim_evaluasi: [a, b]", ["'tim_evaluasi': harus teks", "bukan nama orang"]),
    (EVAL, "terbit: true", "terbit: true\ndisahkan_oleh: Kepala 1605011203870002", ["'disahkan_oleh': berisi nomor"]),
    (PAGE, "catatan: ''", "catatan: 'Pertanyaan: Bu Ani, 0812-3456-7890'",
     ["'catatan': berisi nomor telepon (0812…7890)", "tulis jabatan atau nama unit"]),
    (EVAL, "terbit: true", "terbit: true\ntim_evaluasi: 'Sekretariat TPPS, WA +62 813 9876 5432'",
     ["'tim_evaluasi': berisi nomor telepon (+628…5432)"]),
]


@pytest.mark.parametrize("rel,old,new,words", REFUSED, ids=[f"{r[0].name}:{r[2][:24]}" for r in REFUSED])
def test_a_bad_params_file_is_refused_naming_file_and_key(sample, tmp_path, rel, old, new, words):
    copy = edited(sample, tmp_path, rel, old, new)
    with pytest.raises(ParamsError) as err:
        load_pages(copy, sample[0])
    text = str(err.value)
    assert str(copy / rel) in text
    for word in words:
        assert word in text, (word, text)


def test_a_region_without_data_is_refused(sample, tmp_path):
    store, params = sample
    copy = tmp_path / "params"
    shutil.copytree(params, copy)
    other = copy / "kabupaten-lahat" / "index.yml"  # Lahat (16.04): a kabupaten the sample has no data for
    other.parent.mkdir()
    other.write_text("kode: '16.04'\nbulan: null\ncatatan: ''\nterbit: true\n", encoding="utf-8")
    with pytest.raises(ParamsError, match="data tidak punya baris untuk Kabupaten Lahat"):
        load_pages(copy, store)


def test_typed_values_are_kept(sample, tmp_path):
    copy = edited(sample, tmp_path, PAGE, "bulan: null\ncatatan: ''\nterbit: true",
                  "bulan: '2024-06'\ncatatan: Data Juni menyusul\nterbit: false")
    spec = {s.page: s for s in load_pages(copy, sample[0])}["kabupaten-musi-rawas/tugumulyo/"]
    assert spec.params == {"kode": "16.05.01", "bulan": "2024-06", "catatan": "Data Juni menyusul", "terbit": False}
    assert not spec.publish


def test_an_evaluation_cover_block_is_typed(sample, tmp_path):
    copy = edited(sample, tmp_path, EVAL, "terbit: true",
                  "terbit: true\ntim_evaluasi: Tim Evaluasi DPPKB\ntanggal_evaluasi: 2024-12-20\n"
                  "disahkan_oleh: Kepala DPPKB Kabupaten Musi Rawas")
    spec = {s.page: s for s in load_pages(copy, sample[0])}["kabupaten-musi-rawas/tugumulyo/evaluasi-2024/"]
    assert spec.params["tanggal_evaluasi"] == "2024-12-20"  # YAML's date, as the text the notebook takes
    assert spec.params["disahkan_oleh"] == "Kepala DPPKB Kabupaten Musi Rawas"


@pytest.mark.slow
def test_a_code_key_never_runs_in_a_build(tmp_path, monkeypatch):
    """The whole build stops at the params check, before any notebook: nothing is executed or published."""
    opts = replace(setup_failures(tmp_path), only=("16.05.01",))
    store, _ = ingest(opts.data_dir, opts.cache_dir)
    write_params(store, opts.params_dir)
    path = opts.params_dir / PAGE
    marker = tmp_path / "DIJALANKAN"
    key = f"x = __import__('pathlib').Path({str(marker)!r}).touch() #"
    path.write_text(path.read_text(encoding="utf-8") + f'"{key}": 1\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ParamsError, match="tidak dikenal"):
        build(opts, log=lambda _m: None)
    assert not marker.exists()
    assert not (opts.out / "index.html").exists()


def test_a_params_alias_bomb_or_broken_yaml_is_refused_at_once(sample, tmp_path):

    from support import BOMB

    copy = edited(sample, tmp_path, PAGE, "terbit: true", "terbit: true\n" + BOMB)
    with pytest.raises(ParamsError, match="anchor atau alias"):  # refused before anything is expanded
        load_pages(copy, sample[0])
    copy2 = edited(sample, tmp_path / "2", PAGE, "terbit: true", "terbit: [true")
    with pytest.raises(ParamsError, match=r"YAML tidak sah.*ranpasti params"):
        load_pages(copy2, sample[0])


def test_a_linked_folder_looping_back_is_not_followed(sample, tmp_path):
    copy = tmp_path / "params"
    shutil.copytree(sample[1], copy)
    (copy / "kabupaten-musi-rawas" / "putaran").symlink_to(copy, target_is_directory=True)
    pages = load_pages(copy, sample[0])  # no RecursionError: the link is not walked
    assert len(pages) == len(load_pages(sample[1], sample[0]))
