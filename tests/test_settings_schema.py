"""Every setting typed by one schema, never a traceback (issue 32, class 5), and the rules that came with it:
YAML that expands refused on the parser's tokens (B37), params under another name refused (B51), an
evaluation of a year without data named (B50), a renamed kecamatan's params moved or explained (class 4),
links to unpublished pages removed (B60), the build machine's folders never published (B61), and pages
that forbid outside requests (B25).

The schema tests generate their cases from the models themselves: every declared key of every file gets
values of the wrong type, and each must end in a message naming the file, the line and the key.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
import shutil
import typing
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError
from support import copy_sample_data, renamed_regions, validate_folder

from ranpasti.cli import main
from ranpasti.core.yamlio import YamlError, load_with_lines, parse_with_lines
from ranpasti.ingest.headers import load_mapping, normalise_header
from ranpasti.ingest.schema import personal_column
from ranpasti.ingest.store import ingest
from ranpasti.plan.params import ParamsError, load_pages, write_params
from ranpasti.plan.sitemap import unlink_unpublished
from ranpasti.reference import settings
from ranpasti.reference.config import load_config
from ranpasti.render.assets import build_path_leak, content_security_policy, publishable_notebook

ROOT = Path(__file__).resolve().parents[1]
FAST = hsettings(max_examples=100, deadline=None, derandomize=True,
                 suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("settings")
    store, _ = ingest(ROOT / "data", tmp / "cache")
    write_params(store, tmp / "params")
    return store, tmp / "params"


def refused(tmp_path: Path, text: str) -> str:
    path = tmp_path / "konfigurasi.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(YamlError) as err:  # SettingsError is a YamlError: validate reports both the same way
        load_config(tmp_path)
    return str(err.value)


# ------------------------------------------------------------------------------------------ konfigurasi.yml

KONFIGURASI = [
    # (B-item, file text, words the message must hold)
    ("B18", "data_contoh: true\nbatas_privasi_krs: true\n", ["baris 2", "'batas_privasi_krs'", "bilangan bulat"]),
    ("B18", "batas_privasi_krs: 2.9\n", ["baris 1", "'batas_privasi_krs'", "angka pecahan", "tertulis 2.9"]),
    ("B31", "batas_privasi_krs: lima\n", ["'batas_privasi_krs'", "tertulis 'lima'", "mis. batas_privasi_krs: 5"]),
    ("B32", "ambang_capaian: 5\n", ["'ambang_capaian'", "harus daftar"]),
    ("B32", "ambang_capaian:\n  - [100, Tercapai]\n", ["baris 2", "'ambang_capaian' (butir ke-1)"]),
    ("B33", "ambang_capaian:\n  - {min: 100, label: A, warna: '#18794e'}\n  - {min: 0, label: B}\n",
     ["baris 3", "(butir ke-2) › 'warna'", "wajib ada", "#rrggbb"]),
    ("B34", "ambang_capaian:\n  - {min: abc, label: A, warna: '#18794e'}\n", ["'min'", "tertulis 'abc'"]),
    ("B35", "data_contoh: false\nkapan: 2025-02-30\n", ["baris 2", "2025-02-30", "tidak ada di kalender"]),
    ("B53", "data_contoh: \"tidak\"\n", ["'data_contoh'", "true atau false", "tertulis 'tidak'"]),
    ("B53", "data_contoh: 1\n", ["'data_contoh'", "true atau false"]),
    ("B62", "batas_jumlah: {bawaan: banyak}\n", ["'batas_jumlah' › 'bawaan'", "tertulis 'banyak'"]),
    ("B62", "batas_jumlah: {bawaan: 0}\n", ["'bawaan'", "terlalu kecil"]),
    ("B25", "ambang_capaian:\n  - {min: 0, label: A, warna: \"#18794e;background-image:url(http://x.test/a)\"}\n",
     ["baris 2", "'warna'", "warna #rrggbb"]),
    ("B25", "ambang_capaian:\n  - {min: 0, label: A, warna: red}\n", ["'warna'", "bentuknya tidak sesuai"]),
    ("B11", "keterangan_sumber: 'Hubungi 0812-3456-7890'\n", ["'keterangan_sumber'", "0812…7890"]),
    ("-", "data_contoh: true\nwarna_tema: biru\n", ["baris 2", "'warna_tema'", "tidak dikenal", "data_contoh,"]),
]


@pytest.mark.parametrize("item,text,words", KONFIGURASI, ids=[f"{k[0]}-{i}" for i, k in enumerate(KONFIGURASI)])
def test_a_wrong_setting_in_konfigurasi_is_named_with_its_line(tmp_path, item, text, words):
    """B18, B25, B31–B35, B53, B62: each silently misread value or traceback is now one message naming the
    file, the line and the key, with what is allowed."""
    message = refused(tmp_path, text)
    assert "konfigurasi.yml" in message
    for word in words:
        assert word in message, (word, message)
    assert "0812-3456-7890" not in message  # a personal number is never echoed in full


def test_the_sample_configuration_is_read_as_before():
    config = load_config(ROOT / "data")
    assert config.sample is True and config.privacy_min_krs == 5
    assert [b.color for b in config.bands] == ["#18794e", "#6e5a00", "#a14a00", "#b42318"]
    assert config.bands[-1].min == float("-inf")


def test_validate_exits_1_with_the_message_and_no_traceback(tmp_path):
    """B31 through the command staff run: exit status 1, the file, line and key, no traceback."""
    data = copy_sample_data(tmp_path / "data")
    (data / "konfigurasi.yml").write_text("data_contoh: true\nbatas_privasi_krs: lima\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "--data", str(data)])
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit) and "Traceback" not in result.output
    assert "baris 2" in result.output and "batas_privasi_krs" in result.output


# ------------------------------------------------------------------------------------------ generated: every key

# A valid document of each model, and where a value is put for each of its keys (nested models included)
BASES: dict[type[BaseModel], dict] = {
    settings.Konfigurasi: {},
    settings.ProgressParams: {"kode": "16.05"},
    settings.EvaluationParams: {"kode": "16.05", "tahun": 2024},
}
BAND = {"min": 80, "label": "Hampir", "warna": "#6e5a00"}


def key_slots() -> list[tuple[type[BaseModel], tuple, str]]:
    """(model, path of the key in the document, key name) for every declared key, from the models."""
    slots = []
    for model in BASES:
        for name in model.model_fields:
            slots.append((model, (name,), name))
    for name in settings.BandSetting.model_fields:
        slots.append((settings.Konfigurasi, ("ambang_capaian", 0, name), name))
    slots.append((settings.Konfigurasi, ("batas_jumlah", "bawaan"), "bawaan"))
    return slots


SLOTS = key_slots()
ANY_VALUE = st.one_of(
    st.booleans(), st.integers(min_value=-10**15, max_value=10**15), st.floats(allow_nan=False),
    st.text(max_size=12), st.none(), st.dates(min_value=dt.date(1900, 1, 1)),
    st.lists(st.integers(), max_size=2), st.dictionaries(st.sampled_from(["a", "b"]), st.integers(), max_size=2))


def accepted(model: type[BaseModel], text: str) -> bool:
    """Whether the schema accepts ``text`` as the project reads it (``1.0e+16`` is text there, D9)."""
    try:
        model.model_validate(parse_with_lines(text, "f.yml")[0])
    except (ValidationError, YamlError):
        return False
    return True


def put(doc: dict, path: tuple, value) -> dict:
    doc = json.loads(json.dumps(doc))
    if path[0] == "ambang_capaian":
        doc["ambang_capaian"] = [dict(BAND)]
    if path[0] == "batas_jumlah":
        doc["batas_jumlah"] = {}
    at = doc
    for part in path[:-1]:
        at = at[part]
    at[path[-1]] = value
    return doc


@FAST
@given(slot=st.sampled_from(SLOTS), value=ANY_VALUE)
def test_any_wrong_value_of_any_key_is_a_message_naming_file_line_and_key(tmp_path_factory, slot, value):
    """Generated from the models: every declared key of konfigurasi.yml and of both params kinds, given a
    value of another type or out of range, is refused with the file, the key's line and its name, and never
    with another exception."""
    model, path, name = slot
    doc = put(BASES[model], path, value)
    text = "# baris pertama\n" + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    assume(not accepted(model, text))  # a value the schema accepts is not a case here
    folder = tmp_path_factory.mktemp("gen")
    file = folder / "setelan.yml"
    file.write_text(text, encoding="utf-8")
    with pytest.raises(YamlError) as err:
        settings.read(file, model)
    message = str(err.value)
    assert str(file) in message
    assert re.search(r", baris [2-9]\d*:", message), message  # the line of the key (after the comment line)
    assert f"'{name}'" in message, message


@hsettings(max_examples=30, deadline=None, derandomize=True,
           suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(slot=st.sampled_from([s for s in SLOTS if s[0] is settings.Konfigurasi]), value=ANY_VALUE)
def test_validate_exits_1_on_any_wrong_konfigurasi_value_without_traceback(tmp_path_factory, slot, value):
    """The same generated cases through ``ranpasti validate``: exit status 1, the key and its line in the
    output, no traceback."""
    model, path, name = slot
    doc = put(BASES[model], path, value)
    text = yaml.safe_dump(doc, allow_unicode=True)
    assume(not accepted(model, text))
    folder = tmp_path_factory.mktemp("data")
    (folder / "konfigurasi.yml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "--data", str(folder)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    assert re.search(rf"konfigurasi.yml, baris \d+: kunci [^\n]*'{re.escape(name)}'", result.output), result.output


@FAST
@given(value=ANY_VALUE, name=st.sampled_from(["pendampingan", "semua", "lokmin"]))
def test_judul_kolom_takes_only_text_to_text(tmp_path_factory, value, name):
    """judul_kolom.yml's shape is in the schema too: a header mapped onto anything but a column name is a
    message with its line."""
    assume(not isinstance(value, str))
    doc = {name: {"Judul Kolom": value}}
    file = tmp_path_factory.mktemp("gen") / "judul_kolom.yml"
    file.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    data, lines = load_with_lines(file)
    assume(not isinstance(data[name]["Judul Kolom"], str))  # 1.0e+16 is text when read (D9): a header of digits
    with pytest.raises(settings.SettingsError) as err:
        settings.check(settings.JudulKolom, data, file, lines, wrap=("sections",))
    assert "baris 2" in str(err.value) and "'Judul Kolom'" in str(err.value), str(err.value)


# ------------------------------------------------------------------------------------------ B37: YAML that expands

NAMES = st.from_regex(r"[A-Za-z0-9_-]{1,8}", fullmatch=True)
GAP = st.sampled_from(["", " ", "  ", "\t"])


@st.composite
def expanding_yaml(draw) -> str:
    """A document with an anchor, alias, tag or merge key written in one of many ways."""
    a, g1, g2 = draw(NAMES), draw(GAP), draw(GAP)
    forms = [
        f"x:{g1} &{a} [1, 2]\ny:{g2} *{a}\n",
        f"x: &{a}\n  - 1\ny: [*{a}, *{a}]\n",
        f"x: {{k:{g1} &{a} v, j: *{a}}}\n",
        f"- &{a} [lol, lol]\n- [*{a},*{a}]\n",
        f"&{a} x: 1\n",
        f"x: &{a} {{b: 1}}\ny:\n  <<: *{a}\n",
        "x: {<<: {b: 1}}\n",
        f"x:\n  <<:{g1} {{b: 1}}\n",
        "x: !!merge {b: 1}\n",
        f"x: !!python/object/apply:os.system [\"echo {a}\"]\n",
        "x: !!binary aGVsbG8=\n",
        f"x: !{a} 1\n",
        "--- !!map\nx: 1\n",
        f"%TAG !e! tag:example.com,2000:\n---\nx: !e!{a} 1\n",
    ]
    return draw(st.sampled_from(forms))


@FAST
@given(text=expanding_yaml(), lead=st.sampled_from(["", "# catatan\n", "kode: '16.05'\n"]))
def test_yaml_that_expands_is_refused_before_it_is_built_B37(text, lead):
    """B37: anchors and aliases in any spelling (right after ":", in flow style, on a key), tags and merge
    keys are refused by the parser's tokens, with the line; nothing is constructed."""
    with pytest.raises(YamlError) as err:
        parse_with_lines(lead + text, "params/x/index.yml")
    assert "params/x/index.yml, baris" in str(err.value)
    assert "tidak diizinkan" in str(err.value) or "YAML tidak sah" in str(err.value)


@FAST
@given(text=st.text(alphabet="&*!<> abcxyz:#-", max_size=20))
def test_the_same_characters_in_quoted_text_are_kept(text):
    """The check reads tokens, not characters: & * ! and << inside quoted text are text."""
    data, _ = parse_with_lines(f"catatan: {json.dumps(text)}\n", "f.yml")
    assert data == {"catatan": text}


def test_a_billion_laughs_is_refused_at_once():
    lines = ["a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]"]
    lines += [f"{chr(98 + i)}:&{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]" for i in range(8)]
    with pytest.raises(YamlError, match="baris 1"):
        parse_with_lines("\n".join(lines) + "\n", "konfigurasi.yml")


# ------------------------------------------------------------------------------------------ params

PAGE = Path("kabupaten-musi-rawas") / "tugumulyo" / "index.yml"
EVAL = Path("kabupaten-musi-rawas") / "tugumulyo" / "evaluasi-2024.yml"


def params_copy(sample, tmp_path: Path) -> Path:
    copy = tmp_path / "params"
    shutil.copytree(sample[1], copy)
    return copy


@pytest.mark.parametrize("value,words", [
    ("2025-02-30", ["2025-02-30", "tidak ada di kalender"]),
    ("'2025-02-30'", ["'tanggal_evaluasi'", "tidak ada di kalender"]),
    ("'20-12-2024'", ["'tanggal_evaluasi'", "harus tanggal"]),
])
def test_an_impossible_evaluation_date_is_a_message_B36(sample, tmp_path, value, words):
    copy = params_copy(sample, tmp_path)
    path = copy / EVAL
    text = path.read_text(encoding="utf-8")
    head, body = text.split("kode:", 1)
    path.write_text(head + f"tanggal_evaluasi: {value}\nkode:" + body, encoding="utf-8")
    with pytest.raises(ParamsError) as err:
        load_pages(copy, sample[0])
    message = str(err.value)
    assert f"{path}, baris {head.count(chr(10)) + 1}:" in message
    for word in words:
        assert word in message, (word, message)


def test_an_evaluation_for_a_year_without_data_is_named_B50(sample, tmp_path):
    copy = params_copy(sample, tmp_path)
    path = copy / EVAL.with_name("evaluasi-2019.yml")
    path.write_text("kode: '16.05.01'\ntahun: 2019\n", encoding="utf-8")
    with pytest.raises(ParamsError) as err:
        load_pages(copy, sample[0])
    assert str(path) in str(err.value) and "baris 2" in str(err.value)
    assert "tidak punya bulan Desember 2019" in str(err.value) and "Hapus file ini" in str(err.value)


@pytest.mark.parametrize("name", ["index.yaml", "INDEX.YML", "index.Yml", "evaluasi-2024.YAML"])
def test_params_under_another_yaml_name_are_refused_not_ignored_B51(sample, tmp_path, name):
    """B51: ``index.yaml`` with ``terbit: false`` was ignored and the page published."""
    copy = params_copy(sample, tmp_path)
    (copy / PAGE.with_name(name)).write_text("kode: '16.05.01'\nterbit: false\n", encoding="utf-8")
    with pytest.raises(ParamsError) as err:
        load_pages(copy, sample[0])
    assert name in str(err.value) and ".yml (huruf kecil)" in str(err.value)


@pytest.mark.slow
def test_build_and_params_exit_1_on_a_bad_params_file(sample, tmp_path):
    """B51 and B36 through the commands: exit status 1, a message, no traceback, no site."""
    data = copy_sample_data(tmp_path / "data")
    params = params_copy(sample, tmp_path)
    (params / PAGE.with_name("index.yaml")).write_text("kode: '16.05.01'\nterbit: false\n", encoding="utf-8")
    runner = CliRunner()
    for args in (["params"], ["build", "--out", str(tmp_path / "site"), "--build-dir", str(tmp_path / "build"),
                              "--renderer", "builtin"]):
        result = runner.invoke(main, [args[0], "--data", str(data), "--cache", str(tmp_path / "cache"),
                                      "--params", str(params), *args[1:]])
        assert result.exit_code == 1, result.output
        assert isinstance(result.exception, SystemExit), result.exception
        assert "index.yaml" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "site").exists()


# ------------------------------------------------------------------------------------------ a renamed kecamatan


def test_a_renamed_kecamatan_moves_untouched_params_and_explains_edited_ones(sample, tmp_path):
    """Class 4: after a rename in data/wilayah, the build went on failing on the old folder. Params the
    project wrote and nobody changed move with the page; an edited one stays, its new place is not filled
    with a default (its terbit: false would be lost), and load_pages warns instead of failing."""
    store, _ = sample
    params = params_copy(sample, tmp_path)
    edited = params / EVAL
    edited.write_text(edited.read_text(encoding="utf-8").replace("terbit: true", "terbit: false"), encoding="utf-8")
    new = dataclasses.replace(store, regions=renamed_regions(tmp_path, "16.05.01", "Tugu Mulyo Raya"))
    new_folder = params / "kabupaten-musi-rawas" / "tugu-mulyo-raya"
    moved: list[str] = []
    write_params(new, params, log=moved.append)
    assert not (params / PAGE).exists() and (new_folder / "index.yml").exists()
    assert any(str(params / PAGE) in m and "dipindahkan" in m for m in moved), moved
    assert "kode: 16.05.01" in (new_folder / "index.yml").read_text(encoding="utf-8")
    assert edited.exists() and not (new_folder / "evaluasi-2024.yml").exists()
    warnings: list[str] = []
    pages = load_pages(params, new, warn=warnings.append)
    assert any(s.page == "kabupaten-musi-rawas/tugu-mulyo-raya/" for s in pages)
    assert not any(s.page.startswith("kabupaten-musi-rawas/tugu-mulyo-raya/evaluasi-2024") for s in pages)
    [warning] = [w for w in warnings if str(edited) in w]
    assert str(new_folder / "evaluasi-2024.yml") in warning and "pindahkan" in warning


# ------------------------------------------------------------------------------------------ B60, B61, B25


def test_links_to_pages_left_out_are_unwrapped_not_written_through_B60(tmp_path):
    site = tmp_path / "site"
    kab, kec, gone = site / "kab", site / "kab" / "a", site / "kab" / "b"
    for folder in (kab, kec):
        folder.mkdir(parents=True)
    html = ('<nav><a href="a/">A</a> <a href="b/">B</a> <a href="../">Beranda</a> <a href="b/data.csv">csv</a></nav>'
            '<svg><a href="b/" aria-label="B"><path d="M0"/></a><a href="a/"><path d="M1"/></a></svg>'
            '<table><tr><td><a href="b/evaluasi-2024/">Evaluasi</a></td></tr></table>')
    (kab / "index.html").write_text(html, encoding="utf-8")
    (kec / "index.html").write_text('<a href="../b/">B</a><a href="../">Kab</a>', encoding="utf-8")
    published_copy = tmp_path / "previous.html"
    os.link(kab / "index.html", published_copy)  # a page hard-linked from the published site
    changed = unlink_unpublished(site, {"kab/", "kab/a/"}, {"kab/b/", "kab/b/evaluasi-2024/"})
    assert changed == 2
    out = (kab / "index.html").read_text(encoding="utf-8")
    assert 'href="b/"' not in out and 'href="b/evaluasi-2024/"' not in out
    assert 'href="a/"' in out and 'href="../"' in out and 'href="b/data.csv"' in out
    assert '<path d="M0"/>' in out and ">Evaluasi<" in out
    assert 'href="../b/"' not in (kec / "index.html").read_text(encoding="utf-8")
    assert published_copy.read_text(encoding="utf-8") == html  # the published file was not written through
    assert gone.exists() is False


def papermill_notebook(cache: str, output: str) -> dict:
    """A notebook as papermill leaves it for a page (its own defaults, the injected cell, its metadata)."""
    defaults = 'kode = "16"  # kode\ndata_dir = "data"  # folder data\ncache_dir = ".ranpasti/cache"  # cache\n'
    injected = f'# Parameters\nkode = "16.05"\ndata_dir = ""\ncache_dir = "{cache}"\n'
    return {"cells": [{"cell_type": "code", "metadata": {"tags": ["parameters"]}, "source": defaults},
                      {"cell_type": "code", "metadata": {"tags": ["injected-parameters"]}, "source": injected},
                      {"cell_type": "code", "metadata": {}, "source": "x = 1", "outputs": []}],
            "metadata": {"kernelspec": {"name": "python3", "language": "python"},
                         "papermill": {"parameters": {"kode": "16.05", "data_dir": "", "cache_dir": cache},
                                       "input_path": "/home/staf/proyek/notebooks/kecamatan.ipynb",
                                       "output_path": output}}}


def test_a_published_notebook_carries_the_parameters_a_reader_reruns_it_with_B61_D11():
    """B61, D11: the build's own folders, their names and its temporary names (a process id) never reach a
    published notebook; it carries the notebook's defaults, with which README's papermill command re-runs
    the page from the project folder."""
    cache = "/home/staf/proyek/B-cache2"
    nb = papermill_notebook(cache, "/home/staf/proyek/B-build2/notebooks/index.tmp-23816.ipynb")
    text = publishable_notebook(json.dumps(nb))
    assert "/home/staf" not in text and "B-cache2" not in text and "tmp-23816" not in text
    published = json.loads(text)
    papermill = published["metadata"]["papermill"]
    assert papermill["parameters"] == {"kode": "16.05", "data_dir": "data", "cache_dir": ".ranpasti/cache"}
    assert (papermill["input_path"], papermill["output_path"]) == ("notebooks/kecamatan.ipynb", "notebook.ipynb")
    injected = "".join(published["cells"][1]["source"])
    assert 'cache_dir = ".ranpasti/cache"' in injected and 'kode = "16.05"' in injected
    assert build_path_leak(text.encode(), (cache,)) is None


@pytest.mark.parametrize("leak", ['"cache_dir": "…/B-cache2"',
                                  '"output_path": "…/B-build2/notebooks/index.tmp-23816.ipynb"',
                                  '"output_path": "index.tmp-23816.ipynb"', '"x": "/home/staf/proyek/B-cache2/a"',
                                  '"x": "C:\\\\staf\\\\B-cache2"'])
def test_the_pre_publish_check_knows_a_build_folder_by_its_path_and_its_name_D11(leak):
    paths = ("/home/staf/proyek/B-cache2", "/home/staf/proyek/B-build2", "C:\\staf\\B-cache2")
    assert build_path_leak(("{" + leak + "}").encode(), paths) is not None, leak
    assert build_path_leak(b'{"cache_dir": ".ranpasti/cache", "data_dir": "data"}', paths) is None


def test_the_policy_allows_nothing_from_outside():
    policy = content_security_policy('<script>var a = 1;</script><script src="x.js"></script>'
                                     '<script type="application/json">{}</script>')
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'self'"
    for name in ("img-src", "style-src", "script-src", "connect-src", "font-src"):
        assert not re.search(r"https?:|\*|\bdata:\s*$", directives[name].replace("data:", "")), directives[name]
    assert directives["script-src"].count("'sha256-") == 1  # the inline script by its hash, the JSON not at all


def _html_pages(site: Path) -> list[Path]:
    return [p for p in site.rglob("*.html") if "pagefind" not in p.parts and "site_libs" not in p.parts]


def test_every_page_carries_the_policy_and_no_build_path_B25_B61(built):
    """Both renderers: every page forbids outside requests in its head; no published file (notebooks,
    downloads, pages) names the build's folders (the sample is built under a temporary folder)."""
    site = built["site"]
    for page in _html_pages(site):
        head = page.read_text(encoding="utf-8").split("</head>", 1)[0]
        assert 'http-equiv="Content-Security-Policy"' in head, page
    opts = built["opts"]
    needles = {str(Path(p).resolve()).encode() for p in (opts.cache_dir, opts.build_dir, opts.params_dir)}
    needles.add(str(site.parent.resolve()).encode())
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".ipynb", ".html", ".json", ".csv", ".js"):
            data = path.read_bytes()
            assert not any(n in data for n in needles), path
    names = {("…/" + Path(p).resolve().name).encode() for p in (opts.cache_dir, opts.build_dir)}
    for path in site.rglob("*.ipynb"):  # D11: nor their names or a temporary notebook's name
        data = path.read_bytes()
        assert not any(n in data for n in names) and not re.search(rb"\.tmp-\d+", data), path
    nb = json.loads((site / "kabupaten-musi-rawas" / "notebook.ipynb").read_text(encoding="utf-8"))
    papermill = nb["metadata"]["papermill"]
    assert papermill["parameters"]["cache_dir"] == ".ranpasti/cache" and papermill["parameters"]["data_dir"] == "data"
    assert (papermill["input_path"], papermill["output_path"]) == ("notebooks/kabupaten.ipynb", "notebook.ipynb")


@pytest.mark.browser
def test_a_page_makes_no_outside_request_even_with_a_hostile_style_B25(built, tmp_path):
    """A colour that carried CSS (B25) made readers' browsers call another address. Even if such a value
    reached a page, its policy blocks the request; the charts button still draws its chart."""
    import functools
    import http.server
    import threading
    from urllib.parse import urlsplit

    from playwright.sync_api import sync_playwright

    site = built["site"]
    page_dir = site / "kabupaten-musi-rawas"
    html = (page_dir / "index.html").read_text(encoding="utf-8")
    hostile = html.replace("</main>", '<div style="background-image:url(http://example.test/a.png);width:9px;'
                                      'height:9px"></div><img src="http://example.test/b.png" alt=""></main>', 1)
    assert hostile != html
    (page_dir / "uji-csp.html").write_text(hostile, encoding="utf-8")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *a: None  # type: ignore[attr-defined]
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    outside: list[str] = []
    errors: list[str] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
            context = browser.new_context()
            context.route("**/*", lambda r: r.continue_() if urlsplit(r.request.url).hostname == "127.0.0.1"
                          else (outside.append(r.request.url), r.abort()))
            pg = context.new_page()
            pg.on("pageerror", lambda e: errors.append(str(e)))
            pg.goto(base + "kabupaten-musi-rawas/uji-csp.html")
            pg.wait_for_load_state("load")
            pg.wait_for_timeout(500)
            assert outside == [], outside
            pg.goto(base + "kabupaten-musi-rawas/")
            fig = pg.locator("figure.rp-chart").first
            fig.locator("button.rp-interactive").click()
            fig.locator(".rp-vega svg").wait_for(timeout=20000)
            browser.close()
    finally:
        httpd.shutdown()
        (page_dir / "uji-csp.html").unlink()
    assert outside == [] and errors == [], (outside, errors)


def test_the_schema_declares_what_staff_are_told(sample):
    """Every declared key says what is allowed (the messages quote it)."""
    for model in (settings.Konfigurasi, settings.ProgressParams, settings.EvaluationParams, settings.BandSetting):
        for name, field in model.model_fields.items():
            assert field.description, (model.__name__, name)
    assert typing.get_type_hints(settings.Konfigurasi)


@pytest.mark.slow
def test_a_page_set_not_to_publish_is_linked_from_no_page_B60(tmp_path):
    """B60 through a build: Tugumulyo set ``terbit: false`` is not built, and its kabupaten's table, map and
    navigation no longer link to it (they gave a 404); its siblings stay linked."""
    from support import few_units_options as setup_failures

    from ranpasti.build import build

    opts = dataclasses.replace(setup_failures(tmp_path), only=("16.05", "16.05.01", "16.05.02"))
    store, _ = ingest(opts.data_dir, opts.cache_dir)
    write_params(store, opts.params_dir)
    hidden = opts.params_dir / PAGE
    hidden.write_text(hidden.read_text(encoding="utf-8").replace("terbit: true", "terbit: false"), encoding="utf-8")
    build(opts, log=lambda _m: None)
    assert not (opts.out / "kabupaten-musi-rawas" / "tugumulyo" / "index.html").exists()
    html = (opts.out / "kabupaten-musi-rawas" / "index.html").read_text(encoding="utf-8")
    assert not re.search(r'href="(\./)?tugumulyo/"', html)
    assert "Tugumulyo" in html  # still named in its row and on the map, only not linked
    sibling = store.regions.unit("16.05.02").slug
    assert f'href="{sibling}/"' in html
    # D12: nor from the kabupaten's published notebook (map, rapor and table outputs) or its images
    kab = opts.out / "kabupaten-musi-rawas"
    notebook = (kab / "notebook.ipynb").read_text(encoding="utf-8")
    assert not re.search(r'href=\\"(\./)?tugumulyo/', notebook) and f'href=\\"{sibling}/' in notebook
    for image in kab.glob("*.svg"):
        assert not re.search(r'href="(\./)?tugumulyo/', image.read_text(encoding="utf-8")), image


# ------------------------------------------------------------------------------------------ D6: a key twice

def settings_files(tmp_path: Path) -> dict[str, typing.Callable[[str], Path]]:
    """Each kind of settings file, written with a text and read as the project reads it."""
    def konfigurasi(text: str) -> Path:
        (tmp_path / "konfigurasi.yml").write_text(text, encoding="utf-8")
        load_config(tmp_path)
        return tmp_path / "konfigurasi.yml"

    def params(text: str) -> Path:
        (tmp_path / "index.yml").write_text(text, encoding="utf-8")
        settings.read(tmp_path / "index.yml", settings.ProgressParams)
        return tmp_path / "index.yml"

    def judul_kolom(text: str) -> Path:
        (tmp_path / "judul_kolom.yml").write_text(text, encoding="utf-8")
        _, problems = load_mapping(tmp_path, {"lokmin": {"penanggung_jawab"}})
        if problems:
            raise YamlError(problems[0].message)
        return tmp_path / "judul_kolom.yml"

    return {"konfigurasi": konfigurasi, "params": params, "judul_kolom": judul_kolom}


DUPLICATES = [
    ("params", "kode: '16.05'\nterbit: false  # JANGAN terbitkan\ncatatan: ''\nterbit: true\n", 4, "'terbit'", 2),
    ("konfigurasi", "batas_privasi_krs: 5\nketerangan_sumber: x\nbatas_privasi_krs: 1\n", 3, "'batas_privasi_krs'", 1),
    ("konfigurasi", "ambang_capaian:\n  - {min: 80, label: A, warna: '#18794e', min: 0}\n", 2, "'min'", 2),
    ("judul_kolom", "lokmin:\n  Penanggung: penanggung_jawab\nlokmin:\n  PJ: penanggung_jawab\n", 3, "'lokmin'", 1),
]


@pytest.mark.parametrize("kind,text,line,key,first", DUPLICATES)
def test_a_key_written_twice_is_refused_at_its_second_line_D6(tmp_path, kind, text, line, key, first):
    """D6: the last of two equal keys won silently (a generated ``terbit: true`` under ``terbit: false``
    published the page; a second ``batas_privasi_krs`` lowered the masking)."""
    with pytest.raises(YamlError) as err:
        settings_files(tmp_path)[kind](text)
    assert f"baris {line}: kunci " in str(err.value) and key in str(err.value), str(err.value)
    assert f"sudah ditulis di baris {first}" in str(err.value), str(err.value)


KEYS = st.from_regex(r"[a-z][a-z_]{0,6}", fullmatch=True)
SCALARS = st.one_of(st.integers(-1000, 1000), st.booleans(), st.text("abc xyz", max_size=5), st.none())


@st.composite
def mapping_with_a_duplicate(draw) -> tuple[str, int]:
    """A YAML document (block or flow mappings, nested) in which one mapping has a key twice; and the line
    of the second."""
    lines: list[str] = []
    target = draw(st.integers(0, 3))  # which mapping gets the duplicate

    def block(depth: int, index: list[int]) -> None:
        me = index[0]
        index[0] += 1
        keys = draw(st.lists(KEYS, min_size=1, max_size=4, unique=True))
        for i, key in enumerate(keys):
            nested = depth < 2 and draw(st.booleans())
            if nested:
                lines.append("  " * depth + f"{key}:")
                block(depth + 1, index)
            else:
                lines.append("  " * depth + f"{key}: {json.dumps(draw(SCALARS))}")
            if me == target and i == len(keys) - 1:
                again = draw(st.sampled_from(keys))
                lines.append("  " * depth + f"{again}: {json.dumps(draw(SCALARS))}")
                lines.append(f"#@{len(lines)}")

    index = [0]
    block(0, index)
    if not any(ln.startswith("#@") for ln in lines):  # the chosen mapping was not made: the top one then
        top = [ln.split(":")[0] for ln in lines if ln[:1].isalpha()]
        lines.append(f"{draw(st.sampled_from(top))}: 1")
        lines.append(f"#@{len(lines)}")
    marker = next(ln for ln in lines if ln.startswith("#@"))
    return "\n".join(lines) + "\n", int(marker[2:])


@FAST
@given(case=mapping_with_a_duplicate())
def test_any_key_twice_at_any_depth_is_refused_at_its_line_D6(case):
    text, line = case
    with pytest.raises(YamlError) as err:
        parse_with_lines(text, "setelan.yml")
    assert f"setelan.yml, baris {line}: kunci " in str(err.value) and "sudah ditulis" in str(err.value)


# ------------------------------------------------------------------------------------------ D9: one strict resolver

IMPLICIT = [  # (written, what YAML 1.1 made of it)
    ("1:00:00", 3600), ("0x5", 5), ("0b101", 5), ("+5", 5), ("1_000", 1000), ("022", 18), ("0o12", 10),
    ("1e3", 1000.0), (".5", 0.5), (".inf", float("inf")), ("yes", True), ("no", False), ("on", True),
    ("off", False), ("Yes", True), ("TRUE", True), ("y", "y"), ("=", "="), ("NULL", None), ("Null", None),
    ("2024-06-01 10:00:00", None), ("1.", 1.0), ("-0x1", -1),
]


@pytest.mark.parametrize("written,old", IMPLICIT)
def test_yaml_1_1_forms_are_text_that_the_schema_refuses_D9(tmp_path, written, old):
    """D9: ``1:00:00`` was 3600, ``0x5`` and ``022`` numbers, ``yes``/``off`` booleans: now text, refused by
    the key's usual message wherever a number or true/false is wanted."""
    assert parse_with_lines(f"a: {written}\n", "f.yml")[0] == {"a": written}
    message = refused(tmp_path, f"batas_privasi_krs: {written}\n")
    assert "'batas_privasi_krs': harus bilangan bulat, bukan teks" in message, message
    message = refused(tmp_path, f"data_contoh: {written}\n")
    assert "'data_contoh': harus true atau false, bukan teks" in message, message


@pytest.mark.parametrize("written", ["022", "0x12", "018", "16.05.01"])
def test_a_code_is_read_as_written_D9(tmp_path, written):
    """D9: ``kode: 022`` and ``kode: 0x12`` were both the code "18"; a code is the text written."""
    (tmp_path / "index.yml").write_text(f"kode: {written}\n", encoding="utf-8")
    assert settings.read(tmp_path / "index.yml", settings.ProgressParams).kode == written


STRICT = {"int": r"-?(0|[1-9][0-9]*)", "float": r"-?(0|[1-9][0-9]*)\.[0-9]+", "bool": r"true|false",
          "null": r"~|null|", "date": r"[0-9]{4}-[0-9]{2}-[0-9]{2}"}


@hsettings(max_examples=300, deadline=None, derandomize=True)
@given(word=st.text(alphabet="0123456789+-_.:xXbBoOeEyYnNtTrRuUfFaAlLsS~", max_size=10))
def test_a_plain_scalar_is_text_unless_it_has_a_strict_form_D9(word):
    """Generated plain scalars: any value that is not text has one of the strict forms and reads back as
    written (no sexagesimal, hexadecimal, octal, signs, underscores, yes/no/on/off)."""
    try:
        value = parse_with_lines(f"a: {word}\n", "f.yml")[0]
    except YamlError:
        return  # not valid YAML at all (e.g. "- x" or ": "): named with its line, not read
    if not isinstance(value, dict) or "a" not in value:
        return
    got = value["a"]
    if isinstance(got, str):
        assert got == word.strip() or not word.strip()
    elif isinstance(got, bool):
        assert re.fullmatch(STRICT["bool"], word)
    elif got is None:
        assert re.fullmatch(STRICT["null"], word.strip())
    elif isinstance(got, int):
        assert re.fullmatch(STRICT["int"], word) and got == int(word)
    elif isinstance(got, float):
        assert re.fullmatch(STRICT["float"], word) and got == float(word)
    else:
        assert re.fullmatch(STRICT["date"], word), (word, got)


# ------------------------------------------------------------------------------------------ D10: other line breaks

@pytest.mark.parametrize("brk", ["\x85", "\u2028", "\u2029", "\r"])
def test_a_line_break_an_editor_does_not_show_is_refused_D10(tmp_path, brk):
    """D10: ``keterangan_sumber: "a"<NEL>batas_privasi_krs: 1`` looks like one line and set the threshold."""
    message = refused(tmp_path, f'data_contoh: false\nketerangan_sumber: "a"{brk}batas_privasi_krs: 1\n')
    assert "konfigurasi.yml, baris 2:" in message and "pemisah baris" in message, message


@FAST
@given(lines=st.lists(st.sampled_from(["a: 1", "b: teks", "# catatan", "c: [1, 2]", "d: 'x y'"]), min_size=1,
                      max_size=6),
       at=st.integers(0, 200), brk=st.sampled_from(["\x85", "\u2028", "\u2029", "\r"]), crlf=st.booleans())
def test_any_other_line_break_anywhere_is_refused_at_its_line_D10(lines, at, brk, crlf):
    text = ("\r\n" if crlf else "\n").join(lines) + "\n"
    at = at % (len(text) + 1)
    if crlf and 0 < at < len(text) and text[at - 1] == "\r":
        at -= 1  # never between the CR and LF of a CRLF
    spoiled = text[:at] + brk + text[at:]
    assume(not (brk == "\r" and text[at:at + 1] == "\n"))  # that is a CRLF
    with pytest.raises(YamlError) as err:
        parse_with_lines(spoiled, "f.yml")
    assert f"f.yml, baris {spoiled.count(chr(10), 0, at) + 1}:" in str(err.value), str(err.value)


def test_crlf_files_are_read_as_before():
    assert parse_with_lines("a: 1\r\nb: x\r\n", "f.yml")[0] == {"a": 1, "b": "x"}


# ------------------------------------------------------------------------------------------ D8: no traceback, ever

def test_a_huge_number_is_a_message_not_an_overflow_D8(tmp_path):
    """D8: ``min: 1`` followed by 400 zeros was an OverflowError in the schema's number check."""
    message = refused(tmp_path, "ambang_capaian: [{min: 1" + "0" * 400 + ', label: "x", warna: "#112233"}]\n')
    assert "baris 1" in message and "'min'" in message and "terlalu panjang" in message, message
    message = refused(tmp_path, "ambang_capaian: [{min: 10000000000000000000, label: x, warna: '#112233'}]\n")
    assert "'min': angka terlalu besar" in message, message
    with pytest.raises(settings.SettingsError) as err:  # the schema itself, given a huge int by any caller
        settings.check(settings.Konfigurasi, {"ambang_capaian": [{**BAND, "min": 10**5000}],
                                              "batas_privasi_krs": -10**5000}, "k.yml")
    assert "terlalu besar" in str(err.value) and "terlalu kecil" in str(err.value)


ODD_SCALARS = st.sampled_from(["1:00:00", "0x5", "+5", "1_000", "022", "yes", "off", ".inf", "-.inf", ".nan",
                               "1e400", "~", "", "'", "\\", "\x00", "\ufeff", "2025-02-30", "9999-99-99", "<<",
                               "&a", "*a", "!!str", "- x", "? x", "{", "[", "%", "@", "`", "|", ">", "#"])
WILD = st.recursive(
    st.one_of(ANY_VALUE, st.integers(min_value=10**20, max_value=10**400), st.integers(max_value=-10**20),
              st.floats(), ODD_SCALARS, st.text(max_size=6)),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.one_of(KEYS, st.integers(-3, 3)), inner, max_size=3)),
    max_leaves=60)


@hsettings(max_examples=200, deadline=None, derandomize=True,
           suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(slot=st.sampled_from(SLOTS), value=WILD, depth=st.integers(0, 40), raw=st.booleans())
def test_any_value_of_any_shape_is_read_or_named_never_a_traceback_D8(tmp_path_factory, slot, value, depth, raw):
    """Generated: huge integers, infinities, deep nests, odd scalars (YAML 1.1 forms, YAML's indicators,
    control characters) as any key's value, written by a YAML dumper or pasted raw: every file is read or
    refused with a ``YamlError`` naming the file and a line, never another exception."""
    model, path, _name = slot
    for _ in range(depth):
        value = [value]
    doc = put(BASES[model], path, value)
    file = tmp_path_factory.mktemp("wild") / "setelan.yml"
    if raw and isinstance(value, str) and len(path) == 1:  # the value pasted as staff would type it, unquoted
        rest = {k: v for k, v in doc.items() if k != path[0]}
        text = (yaml.safe_dump(rest, allow_unicode=True) if rest else "") + f"{path[0]}: {value}\n"
    else:
        text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    file.write_text(text, encoding="utf-8")
    try:
        settings.read(file, model)
    except YamlError as e:
        assert str(file) in str(e) and ("baris" in str(e) or "harus berisi" in str(e)), str(e)


# ------------------------------------------------------------------------------------------ D7: look-alike letters

LOOKALIKE = {  # a letter and what looks like it: Cyrillic, Greek, Armenian, Latin small capitals
    "a": "аα", "e": "еε", "o": "оοօ", "p": "рρ", "c": "сϲ", "x": "хχ", "y": "уγ", "i": "іι", "k": "κк",
    "n": "ո", "h": "һ", "s": "ѕ", "j": "ј", "l": "ӏ", "u": "υս", "v": "ν", "m": "м", "t": "т",
    "A": "АΑ", "B": "ВΒ", "E": "ЕΕ", "H": "НΗ", "I": "ІΙ", "K": "КΚ", "M": "МΜ", "N": "Ν", "O": "ОΟ",
    "P": "РΡ", "T": "ТΤ", "X": "ХΧ", "Y": "ҮΥ", "Z": "Ζ", "C": "СϹ", "S": "Ѕ", "J": "Ј",
}
COMBINING = "\u0300\u0301\u0302\u0308\u0323\u0331\u034f"
PERSONAL = ["Nama Ibu Hamil", "NIK", "No KK", "Alamat", "No HP", "Tanggal Lahir", "Nama Kepala Keluarga",
            "Telepon", "Nomor Induk Kependudukan", "Nama Lengkap", "Email", "Domisili", "Phone", "Address"]


def disguised_letter(c: str, how: str) -> str:
    import unicodedata

    if how == "script" and c in LOOKALIKE:
        return LOOKALIKE[c][0]
    if how == "script2" and c in LOOKALIKE:
        return LOOKALIKE[c][-1]
    if how == "fullwidth" and c.isascii() and c.isalnum():
        return chr(ord(c) + 0xFEE0)
    if how in ("bold", "italic", "script-math", "monospace") and c.isascii() and c.isalpha():
        style = {"bold": "BOLD", "italic": "ITALIC", "script-math": "BOLD SCRIPT", "monospace": "MONOSPACE"}[how]
        case = "CAPITAL" if c.isupper() else "SMALL"
        try:
            return unicodedata.lookup(f"MATHEMATICAL {style} {case} {c.upper()}")
        except KeyError:  # the few letters Unicode has elsewhere (italic h is the Planck constant)
            return c
    if how == "combining" and c.isalpha():
        return c + COMBINING[ord(c) % len(COMBINING)]
    return c


@st.composite
def disguised(draw, words: list[str]) -> tuple[str, str]:
    plain = draw(st.sampled_from(words))
    hows = st.sampled_from(["", "script", "script2", "fullwidth", "bold", "italic", "script-math", "monospace",
                            "combining"])
    text = "".join(disguised_letter(c, draw(hows)) for c in plain)
    assume(text != plain)
    return plain, text


@hsettings(max_examples=300, deadline=None, derandomize=True)
@given(case=disguised(PERSONAL))
def test_a_personal_header_with_look_alike_letters_is_still_personal_D7(case):
    """D7: "Nаma Ibu Hamil" with a Cyrillic а passed the header check. Generated: personal headers with
    letters swapped for Cyrillic, Greek, Armenian, full-width or mathematical look-alikes or given combining
    marks are read as the header they look like, and a judul_kolom.yml key matches the header as seen."""
    plain, text = case
    assert personal_column(text) is not None, (plain, text)
    assert same_look(normalise_header(text), normalise_header(plain)), (plain, text)


def same_look(a: str, b: str) -> bool:
    """Equal, but for the letters that look alike in ASCII itself (l, I, i, 1: a Cyrillic ``ӏ`` may be any)."""
    return re.sub("[il1]", "i", a) == re.sub("[il1]", "i", b)


@FAST
@given(case=disguised(["Nama Desa", "Jumlah KRS", "Kode Desa", "Jumlah Kepala Keluarga", "Bulan", "Sasaran"]))
def test_a_harmless_header_with_look_alike_letters_stays_harmless_D7(case):
    plain, text = case
    assert personal_column(text) is None, (plain, text)
    assert same_look(normalise_header(text), normalise_header(plain)), (plain, text)


def test_a_look_alike_personal_header_mapped_onto_our_column_is_refused_D7(tmp_path):
    """D7 through ``ranpasti validate``: the Cyrillic "Nаma Ibu Hamil" mapped onto penanggung_jawab was
    "Data valid" and the names were published."""
    import pandas as pd

    data = copy_sample_data(tmp_path / "data")
    header = "N\u0430ma Ibu Hamil"
    (data / "judul_kolom.yml").write_text(f'lokmin:\n  "{header}": penanggung_jawab\n', encoding="utf-8")
    lok = pd.read_csv(data / "lokmin.csv", dtype=str, keep_default_na=False)
    lok.rename(columns={"penanggung_jawab": header}).to_csv(data / "lokmin.csv", index=False)
    code, out = validate_folder(data)
    assert code == 1 and "Data TIDAK valid" in out, out
    assert any("lokmin.csv" in ln and "penanggung_jawab" in ln and "data pribadi" in ln for ln in out.splitlines()), out


# ------------------------------------------------------------------------------------------ D12: links in every file

def test_links_to_pages_left_out_are_unwrapped_in_notebooks_and_images_too_D12(tmp_path):
    """D12: with a page set ``terbit: false`` the HTML was clean but the kabupaten's published notebook (its
    map and rapor outputs, in JSON) and images still linked it."""
    site = tmp_path / "site"
    kab = site / "kab"
    kab.mkdir(parents=True)
    lines = ['<a href="b/evaluasi-2024/">Evaluasi\n', '</a> <a href="a/">A</a>\n',  # as nbformat splits lines
             '<svg><a href="../kab/b/"><path/></a></svg>']
    nb = {"cells": [{"outputs": [{"data": {"text/html": lines}}]}]}
    (kab / "notebook.ipynb").write_text(json.dumps(nb, indent=1), encoding="utf-8")
    (kab / "peta.svg").write_text('<svg><a xlink:href="b/"><path d="M0"/></a><a href="a/">A</a></svg>',
                                  encoding="utf-8")
    (kab / "data.csv").write_text('kode,tautan\n1,"<a href=""b/"">b</a>"\n', encoding="utf-8")
    changed = unlink_unpublished(site, {"kab/"}, {"kab/b/", "kab/b/evaluasi-2024/"})
    assert changed == 2
    text = (kab / "notebook.ipynb").read_text(encoding="utf-8")
    out = "".join(json.loads(text)["cells"][0]["outputs"][0]["data"]["text/html"])
    assert "b/evaluasi-2024/" not in out and "../kab/b/" not in out
    assert "Evaluasi" in out and '<a href="a/">A</a>' in out and "<path/>" in out
    svg = (kab / "peta.svg").read_text(encoding="utf-8")
    assert 'href="b/"' not in svg and '<path d="M0"/>' in svg and 'href="a/"' in svg
