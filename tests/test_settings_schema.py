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
from conftest import copy_sample_data
from hypothesis import HealthCheck, assume, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from ranpasti import settings
from ranpasti.cli import main
from ranpasti.config import load_config
from ranpasti.params import ParamsError, load_pages, write_params
from ranpasti.regions import Regions
from ranpasti.render.assets import content_security_policy, publishable_notebook
from ranpasti.sitemap import unlink_unpublished
from ranpasti.store import ingest
from ranpasti.yamlio import YamlError, load_with_lines, parse_with_lines

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
    try:
        model.model_validate(doc)
        assume(False)  # a value the schema accepts is not a case here
    except ValidationError:
        pass
    folder = tmp_path_factory.mktemp("gen")
    file = folder / "setelan.yml"
    file.write_text("# baris pertama\n" + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
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
    try:
        model.model_validate(doc)
        assume(False)
    except ValidationError:
        pass
    folder = tmp_path_factory.mktemp("data")
    (folder / "konfigurasi.yml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
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


def renamed_regions(tmp_path: Path, kode: str, new_name: str) -> Regions:
    """A copy of data/wilayah in which one kecamatan has a new name (a Kemendagri rename)."""
    src = ROOT / "data" / "wilayah"
    dest = tmp_path / "wilayah"
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("batas"))
    os.symlink(src / "batas", dest / "batas")
    kec = dest / "kecamatan.csv"
    lines = kec.read_text(encoding="utf-8").splitlines()
    lines = [f"{kode},{ln.split(',')[1]},{new_name}" if ln.startswith(kode + ",") else ln for ln in lines]
    kec.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return Regions(dest)


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


def test_a_published_notebook_names_no_build_folder_B61():
    cache = "/home/staf/proyek/.ranpasti/cache"
    nb = {"cells": [{"source": f'cache_dir = "{cache}"\n'}],
          "metadata": {"papermill": {"parameters": {"cache_dir": cache},
                                     "input_path": "/home/staf/proyek/notebooks/kecamatan.ipynb"}}}
    text = publishable_notebook(json.dumps(nb), (cache, "/home/staf/proyek"))
    assert "/home/staf" not in text
    assert json.loads(text)["metadata"]["papermill"]["parameters"]["cache_dir"] == "…/cache"


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
    nb = json.loads((site / "kabupaten-musi-rawas" / "notebook.ipynb").read_text(encoding="utf-8"))
    assert nb["metadata"]["papermill"]["parameters"]["cache_dir"] == "…/cache"


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


def test_a_page_set_not_to_publish_is_linked_from_no_page_B60(tmp_path):
    """B60 through a build: Tugumulyo set ``terbit: false`` is not built, and its kabupaten's table, map and
    navigation no longer link to it (they gave a 404); its siblings stay linked."""
    from test_build_failures import setup as setup_failures

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
