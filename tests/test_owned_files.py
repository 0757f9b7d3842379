"""ranpasti deletes, replaces or writes into only what it made (issue 32, class 4), the cache is locked while a
build reads it (B23), and the small commands answer bad input with a message (B39, B40, B41, B58, B59).

Each B-item is reproduced as staff met it, with real folders; the property tests generate folder trees (staff
files, the data folder, leftovers of interrupted runs, symlinks, folders inside one another) and check that no
file ranpasti did not make is deleted or changed, whatever the command was pointed at.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import ROOT, copy_sample_data

from ranpasti.cli import main
from ranpasti.core import dirswap, owned

FAST = settings(max_examples=40, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}


def snapshot(root: Path) -> dict[str, str]:
    """Every file and link under ``root`` (links by target, never followed): what staff would miss."""
    found = {}
    for p in sorted(root.rglob("*")):
        rel = str(p.relative_to(root))
        if p.is_symlink():
            found[rel] = "-> " + os.readlink(p)
        elif p.is_file():
            found[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
    return found


def kept(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """Staff files (``before``) that are gone or changed in ``after``."""
    return [name for name, digest in before.items() if after.get(name) != digest]


def run(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output, result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def small_data(dest: Path) -> Path:
    """Musi Rawas 2024 from the sample (valid, ~2,400 rows): a report of it is written in a few seconds."""
    from support import csv_folder, musi_rawas_2024

    return csv_folder(dest, musi_rawas_2024())


def build_args(tmp: Path, out: Path, data: Path | None = None) -> list[object]:
    return ["build", "--data", data or tmp / "data", "--params", tmp / "params", "--build-dir", tmp / "build",
            "--cache", tmp / "cache", "--out", out, "--renderer", "builtin", "--jobs", 1]


# B28 -----------------------------------------------------------------------------------------------------


def test_b28_build_into_a_folder_with_other_files_is_refused_and_nothing_is_deleted(tmp_path):
    """B28: ``build --out`` a folder with staff's files deleted them all."""
    folder = tmp_path / "laporan-dinas"
    folder.mkdir()
    (folder / "surat.docx").write_bytes(b"surat penting")
    (folder / "foto").mkdir()
    (folder / "foto" / "kegiatan.jpg").write_bytes(b"\xff\xd8 foto")
    before = snapshot(tmp_path)
    code, out = run(*build_args(tmp_path, folder, copy_sample_data(tmp_path / "data")))
    assert code == 1, out
    assert f"{folder} berisi file yang bukan buatan ranpasti (foto, surat.docx)" in out, out
    assert "Tidak ada yang diubah" in out
    assert not kept(before, snapshot(tmp_path))
    assert not (tmp_path / "cache").exists()  # refused before validating anything


@pytest.mark.parametrize("where", ["data", ".", "data/situs", "params", "notebooks"])
def test_b28_build_into_the_data_folder_or_around_it_is_impossible(tmp_path, monkeypatch, where):
    """B28: ``--out data`` (or the project folder holding it, or a folder inside it) can never be the site."""
    monkeypatch.chdir(tmp_path)
    copy_sample_data(tmp_path / "data")
    (tmp_path / "params").mkdir()
    (tmp_path / "notebooks").mkdir()
    owned.mark(tmp_path / "data", "situs")  # even carrying the marker (copied there by hand) it is not a site
    before = snapshot(tmp_path)
    code, out = run("build", "--data", "data", "--params", "params", "--out", where, "--renderer", "builtin")
    assert code == 1, out
    shown = tmp_path if where == "." else where  # "." is named by where it leads
    assert f"--out {shown} " in out and "pilih folder lain" in out, out
    assert not kept(before, snapshot(tmp_path))


def test_b28_the_cache_is_never_put_in_place_of_the_data_folder(tmp_path):
    """``--cache data`` replaced the data folder with Parquet files (the same class as B28)."""
    data = copy_sample_data(tmp_path / "data")
    before = snapshot(tmp_path)
    for command in (["params", "--data", data, "--cache", data, "--params", tmp_path / "params"],
                    [*build_args(tmp_path, tmp_path / "site", data)[:7], "--cache", data, "--out", tmp_path / "site"]):
        code, out = run(*command)
        assert code == 1 and "--cache" in out and "folder data" in out, out
    assert not kept(before, snapshot(tmp_path))


def test_an_earlier_site_an_empty_folder_and_a_new_folder_are_accepted(tmp_path):
    """The rule refuses staff folders only: a site of an earlier version (its page manifest), an empty folder
    staff made for it, a folder not made yet are places to build."""
    from ranpasti.build import BuildOptions, check_places

    legacy = tmp_path / "lama"
    legacy.mkdir()
    (legacy / ".ranpasti-halaman.json").write_text('{"format": 1, "pages": {}}')
    (tmp_path / "kosong").mkdir()
    for out in (legacy, tmp_path / "kosong", tmp_path / "baru"):
        check_places(BuildOptions(data_dir=tmp_path / "data", params_dir=tmp_path / "params", out=out,
                                  build_dir=tmp_path / "build", cache_dir=tmp_path / "cache"))
    from ranpasti.render.incremental import MANIFEST

    assert MANIFEST in owned.LEGACY  # the manifest the renderers write is what an earlier site is known by


# B52 -----------------------------------------------------------------------------------------------------


def staff_backup(tmp_path: Path) -> Path:
    old = tmp_path / "site.old"
    old.mkdir()
    (old / "CADANGAN.txt").write_text("cadangan situs bulan lalu, jangan dihapus")
    (old / "index.html").write_text("<html>situs lama</html>")
    return old


def test_b52_a_staff_site_old_is_not_taken_for_an_interrupted_publish(tmp_path):
    """B52: with no site/, a staff ``site.old`` was renamed into site/ and its CADANGAN.txt deleted."""
    staff_backup(tmp_path)
    data = copy_sample_data(tmp_path / "data")
    (data / "pendampingan.csv").write_text("rusak\n")  # the build stops at validation, after recovery ran
    before = snapshot(tmp_path)
    code, out = run(*build_args(tmp_path, tmp_path / "site", data))
    assert code == 1, out
    assert not kept(before, snapshot(tmp_path))
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("exchange", [True, False])
def test_b52_publishing_beside_a_staff_site_old_never_touches_it(tmp_path, monkeypatch, exchange):
    """Where the atomic exchange is missing, publishing goes through ``site.old``: a staff folder there
    stops the publish with a message instead of being deleted; with the exchange it is not used at all."""
    if not exchange:
        monkeypatch.setattr(dirswap, "_exchange", lambda a, b: False)
    site = tmp_path / "site"
    site.mkdir()
    owned.mark(site, "situs")
    staff_backup(tmp_path)
    staging = tmp_path / "site.staging"
    staging.mkdir()
    owned.mark(staging, "situs")
    (staging / "index.html").write_text("baru")
    before = {k: v for k, v in snapshot(tmp_path).items() if k.startswith("site.old")}
    if exchange:
        dirswap.swap_into_place(staging, site, background=False)
        assert (site / "index.html").read_text() == "baru"
    else:
        with pytest.raises(owned.NotOwnedError, match=r"site\.old sudah ada dan bukan sisa build ranpasti"):
            dirswap.swap_into_place(staging, site, background=False)
    assert not kept(before, snapshot(tmp_path))


def test_b52_a_staff_copy_of_the_site_named_site_old_is_not_deleted_either(tmp_path, monkeypatch):
    """A backup made with ``cp -r site site.old`` carries the site's marker; without the journal of a swap
    under way it is still staff's: recovery leaves it, and the fallback refuses to reuse its name."""
    monkeypatch.setattr(dirswap, "_exchange", lambda a, b: False)
    site = tmp_path / "site"
    site.mkdir()
    owned.mark(site, "situs")
    (site / "index.html").write_text("terbit")
    shutil.copytree(site, tmp_path / "site.old")
    (tmp_path / "site.old" / "CADANGAN.txt").write_text("cadangan")
    staging = tmp_path / "site.staging"
    staging.mkdir()
    owned.mark(staging, "situs")
    before = snapshot(tmp_path)
    with pytest.raises(owned.NotOwnedError, match="mungkin cadangan staf"):
        dirswap.swap_into_place(staging, site, background=False)
    assert snapshot(tmp_path) == before


def test_an_interrupted_publish_is_still_recovered(tmp_path, monkeypatch):
    """What recovery is for stays: a build killed between the fallback's two renames left only its own
    ``site.old`` and the journal; the next run puts it back."""
    site = tmp_path / "site"
    site.mkdir()
    owned.mark(site, "situs")
    (site / "index.html").write_text("terbit")
    site.rename(dirswap.old_of(site))
    dirswap.journal_of(site).write_text(f"{dirswap.JOURNAL_TEXT}: site.staging -> site\n")
    trash = tmp_path / ".site.dihapus-0123456789ab"
    trash.mkdir()
    owned.mark(trash, "dihapus")
    (trash / "sisa.html").write_text("x")
    dirswap.recover(site)
    assert (site / "index.html").read_text() == "terbit"
    assert not dirswap.old_of(site).exists() and not dirswap.journal_of(site).exists() and not trash.exists()


# B29, B30 ------------------------------------------------------------------------------------------------


def test_b29_templat_again_never_overwrites_the_filled_workbook(tmp_path):
    """B29: ``ranpasti templat`` a second time replaced the workbook staff had filled in."""
    out = tmp_path / "data" / "isian.xlsx"
    code, said = run("templat", "16.05", "--tahun", 2024, "--out", out)
    assert code == 0, said
    wb = openpyxl.load_workbook(out)
    wb["pendampingan"]["F3"] = 17  # staff fill a cell and save
    wb.save(out)
    filled = out.read_bytes()
    code, said = run("templat", "16.05", "--tahun", 2024, "--out", out)
    assert code == 0, said
    assert out.read_bytes() == filled
    second = out.with_name("isian-2.xlsx")
    assert f"CATATAN: {out} sudah ada dan tidak ditimpa" in said and f"ditulis ke {second}" in said, said
    assert f"Buku kerja ditulis: {second}" in said and second.exists()


@pytest.mark.parametrize("name", ["lokmin.csv", "lokmin.xlsx", "Pendampingan.xlsx", "konfigurasi.yml", "data"])
def test_b30_templat_never_writes_onto_an_input(tmp_path, name):
    """B30: ``templat --out data/lokmin.csv`` replaced the input with a workbook."""
    data = copy_sample_data(tmp_path / "data")
    before = snapshot(tmp_path)
    code, said = run("templat", "16.05", "--tahun", 2024, "--out", data / name)
    assert code == 1, said
    assert "Tidak ada file yang ditulis" in said, said
    assert not kept(before, snapshot(tmp_path)) and set(snapshot(tmp_path)) == set(before)


@pytest.mark.parametrize("tahun", [0, -1, 2015, 99999])
def test_b58_templat_refuses_a_year_out_of_range(tmp_path, tahun):
    """B58: ``templat --tahun 0`` silently made a workbook for the current year."""
    code, said = run("templat", "16.05", "--tahun", tahun, "--out", tmp_path / "t.xlsx")
    assert code == 1, said
    assert re.search(rf"--tahun {tahun} di luar 2016–\d{{4}}", said), said
    assert not (tmp_path / "t.xlsx").exists()


# B42, B49, B39 -------------------------------------------------------------------------------------------


def test_b42_validate_laporan_never_writes_over_an_input_or_into_the_data_folder(tmp_path):
    """B42: ``validate --laporan data/tpps.xlsx`` replaced the input with the report."""
    data = small_data(tmp_path / "data")
    for name in ("tpps.xlsx", "laporan.xlsx"):
        before = snapshot(tmp_path)
        code, said = run("validate", "--data", data, "--laporan", data / name)
        assert code == 1 and f"--laporan {data / name} ada di dalam folder data (--data)" in said, said
        assert snapshot(tmp_path) == before


@pytest.mark.slow
def test_b42_a_report_replaces_only_an_earlier_report(tmp_path):
    data = small_data(tmp_path / "data")
    staff = tmp_path / "hasil.xlsx"
    staff.write_bytes(b"workbook staff")
    code, said = run("validate", "--data", data, "--laporan", staff)
    assert code == 0, said
    assert staff.read_bytes() == b"workbook staff"
    report = tmp_path / "hasil-2.xlsx"
    assert f"ditulis ke {report}" in said and owned.is_report(report)
    first = report.stat().st_mtime_ns
    time.sleep(0.01)
    code, said = run("validate", "--data", data, "--laporan", report)  # the report of a second check
    assert code == 0 and "CATATAN" not in said and report.stat().st_mtime_ns != first, said
    assert not (tmp_path / "hasil-3.xlsx").exists()


def test_b49_a_report_copied_into_the_data_folder_is_skipped_with_a_note(tmp_path):
    """B49: a ``--laporan`` report left in data/ was read as data (2,076 errors)."""
    data = small_data(tmp_path / "data")
    report = tmp_path / "laporan.xlsx"
    assert run("validate", "--data", data, "--laporan", report)[0] == 0
    shutil.copy2(report, data / "laporan.xlsx")
    code, said = run("validate", "--data", data)
    assert code == 0, said
    assert "laporan.xlsx: ini laporan pemeriksaan buatan `ranpasti validate --laporan`, bukan data" in said
    assert "[GALAT]" not in said


def test_b49_a_report_under_an_input_name_is_not_read_as_that_input(tmp_path):
    """Saved by hand as ``lokmin.xlsx`` the report is still not data: the Lokmin data is missing, an error."""
    data = small_data(tmp_path / "data")
    report = tmp_path / "laporan.xlsx"
    assert run("validate", "--data", data, "--laporan", report)[0] == 0
    (data / "lokmin.csv").unlink()
    shutil.copy2(report, data / "lokmin.xlsx")
    code, said = run("validate", "--data", data)
    assert code == 1
    assert ("[GALAT] lokmin.xlsx: ini laporan pemeriksaan buatan `ranpasti validate --laporan`, bukan data, jadi "
            "tidak dibaca.") in said and "Data lokmin sendiri tidak ada" in said, said
    assert said.count("[GALAT]") == 1, said


@pytest.mark.slow
def test_b39_control_characters_in_lokmin_text_are_shown_escaped_in_the_report(tmp_path):
    """B39: a vertical tab (\\x0b) in a Lokmin problem crashed ``validate --laporan`` (IllegalCharacterError)."""
    data = small_data(tmp_path / "data")
    text = (data / "lokmin.csv").read_text(encoding="utf-8")
    text = text.replace("Banyak keluarga berisiko", "Banyak\x0bkeluarga\x1fberisiko", 1)
    (data / "lokmin.csv").write_text(text, encoding="utf-8")
    report = tmp_path / "laporan.xlsx"
    code, said = run("validate", "--data", data, "--laporan", report)
    assert code in (0, 1) and f"Laporan Excel ditulis: {report}" in said, said
    cells = [c.value for ws in openpyxl.load_workbook(report).worksheets for row in ws.iter_rows() for c in row]
    assert "Banyak\\x0bkeluarga\\x1fberisiko tanpa jamban sehat" in cells


# B23 -----------------------------------------------------------------------------------------------------


def hold(lock_code: str) -> subprocess.Popen:
    """Another process (as a running build is) holding a lock until killed."""
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(lock_code)], stdout=subprocess.PIPE, text=True,
                              env=ENV)
    assert holder.stdout.readline().strip() == "locked"
    return holder


@contextlib.contextmanager
def cache_held(cache: Path) -> Iterator[subprocess.Popen]:
    """Another process holding the cache's lock for the ``with`` block (killed at its end)."""
    holder = hold(f"""
        import time
        from ranpasti.ingest.store import cache_lock
        with cache_lock({str(cache)!r}):
            print("locked", flush=True)
            time.sleep(60)
        """)
    try:
        yield holder
    finally:
        holder.kill()
        holder.wait()


def test_b23_params_never_replaces_the_cache_a_build_is_reading(tmp_path):
    """B23: ``ranpasti params --cache C`` during a build on C swapped other data in, and the build published it
    under its own checksum. A build holds the cache's lock from start to publish: params is refused."""
    data = copy_sample_data(tmp_path / "data")
    cache = tmp_path / "cache"
    with cache_held(cache) as holder:
        code, said = run("params", "--data", data, "--cache", cache, "--params", tmp_path / "params")
        assert code == 1
        assert f"proses ranpasti lain sedang berjalan untuk cache {cache}/ (PID {holder.pid}" in said, said
        assert not cache.exists() and not (tmp_path / "params").exists()
    code, said = run("params", "--data", data, "--cache", cache, "--params", tmp_path / "params")
    assert code == 0, said  # the kernel released the lock with the process


def test_b23_a_build_takes_the_cache_lock_for_its_whole_run(tmp_path):
    """The other side: while anything holds the cache (params validating into it, another build), a build
    does not start on it."""
    data = copy_sample_data(tmp_path / "data")
    cache = tmp_path / "cache"
    with cache_held(cache) as holder:
        code, said = run(*build_args(tmp_path, tmp_path / "site", data))
        assert code == 1 and f"untuk cache {cache}/ (PID {holder.pid}" in said, said
        assert not (tmp_path / "site").exists() and not (tmp_path / "build" / "notebooks").exists()


@pytest.mark.slow
def test_b23_a_params_run_in_a_real_second_process_during_a_real_build_is_refused(tmp_path):
    """Two real ``ranpasti`` processes: a build (slowed where it reads the cache, after ingest) and params."""
    data = copy_sample_data(tmp_path / "data")
    cache = tmp_path / "cache"
    started = tmp_path / "dimulai"
    build = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import pathlib, sys, time
        import ranpasti.build as b
        real = b._plan
        def slow(*a, **k):
            pathlib.Path({str(started)!r}).touch()
            time.sleep(8)
            return real(*a, **k)
        b._plan = slow
        from ranpasti.cli import main
        sys.argv = ["ranpasti", *{[str(a) for a in build_args(tmp_path, tmp_path / 'site', data)]!r}]
        main()
        """)], env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 120
        while not started.exists():
            assert build.poll() is None and time.monotonic() < deadline, build.stdout.read()
            time.sleep(0.1)
        manifest = (cache / "manifest.json").read_bytes()
        params = subprocess.run([sys.executable, "-m", "ranpasti", "params", "--data", str(tmp_path / "lain"),
                                 "--cache", str(cache), "--params", str(tmp_path / "p2")],
                                env=ENV, capture_output=True, text=True)
        assert params.returncode == 1 and "proses ranpasti lain sedang berjalan untuk cache" in params.stderr, params
        assert (cache / "manifest.json").read_bytes() == manifest
    finally:
        build.kill()
        build.wait()


# B40, B41, B59 -------------------------------------------------------------------------------------------


def a_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<html>beranda</html>")
    return site


def test_b40_serve_on_a_port_in_use_is_a_message(tmp_path):
    """B40: ``serve`` on a port another program listens on was a traceback."""
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, said = run("serve", "--dir", a_site(tmp_path), "--port", port)
    assert code == 1
    assert f"port {port} sudah dipakai program lain" in said and "--port" in said, said


@pytest.mark.parametrize("port", ["99999", "-1", "65536", "delapan"])
def test_b41_serve_refuses_a_port_that_cannot_exist(tmp_path, port):
    """B41: ``serve --port 99999`` was a traceback (OverflowError)."""
    code, said = run("serve", "--dir", a_site(tmp_path), "--port", port)
    assert code == 2 and "--port" in said, said


def test_b59_a_nul_byte_in_the_path_is_a_bad_request_without_a_traceback(tmp_path):
    """B59: ``GET /%00`` wrote a traceback (ValueError: embedded null byte) into serve's log."""
    site = a_site(tmp_path)
    server = subprocess.Popen([sys.executable, "-m", "ranpasti", "serve", "--dir", str(site), "--port", "0"],
                              env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        port = int(re.search(r":(\d+)/", server.stdout.readline()).group(1))
        statuses = []
        for path in ("/%00", "/index.html%00.png", "/a/%00/b", "/%2e%2e/%00", "/"):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", path)
            statuses.append(conn.getresponse().status)
            conn.close()
    finally:
        server.terminate()
        _, log = server.communicate(timeout=10)
    assert statuses == [400, 400, 400, 400, 200], statuses
    assert "Traceback" not in log and "null" not in log, log


# Property tests ------------------------------------------------------------------------------------------

STAFF = {"surat.docx": b"surat", "CADANGAN.txt": b"cadangan", "index.html": b"<html>punya staf</html>",
         "pendampingan.csv": b"kode_desa,bulan\n", ".tersembunyi": b"x"}
ROLES = ("site", "site.old", "site.staging", ".site.dihapus-staf", ".site.sedang-ditukar", ".site.lock",
         "lain")
KINDS = ("absent", "staff", "empty", "ours", "link-to-data", "file")


@st.composite
def trees(draw):
    """A project folder as staff leave it: the data folder, and under each name ranpasti uses beside a site
    something made by staff, by ranpasti, an empty folder, a file, a link into the data folder, or nothing."""
    layout = {role: draw(st.sampled_from(KINDS)) for role in ROLES}
    files = draw(st.lists(st.sampled_from(sorted(STAFF)), min_size=1, max_size=3, unique=True))
    nested = draw(st.sampled_from(["", "sub", "sub/dalam"]))
    exchange = draw(st.booleans())
    return layout, files, nested, exchange


def make_tree(root: Path, layout: dict[str, str], files: list[str], nested: str) -> None:
    data = root / "data"  # staff's data (broken: a build that validates stops there, after recovery ran)
    data.mkdir()
    (data / "pendampingan.csv").write_text("kode_desa,bulan\nrusak\n")
    (data / "konfigurasi.yml").write_text("judul: Situs kami\n")
    for role, kind in layout.items():
        path = root / role
        if kind == "absent":
            continue
        if kind == "file":
            path.write_bytes(b"file staf bernama " + role.encode())
        elif kind == "link-to-data":
            path.symlink_to(data)
        else:
            path.mkdir()
            if kind == "ours":
                owned.mark(path, "situs")
            if kind in ("staff", "ours"):
                folder = path / nested
                folder.mkdir(parents=True, exist_ok=True)
                for name in files:
                    (folder / name).write_bytes(STAFF[name])


@FAST
@given(tree=trees(), out=st.sampled_from(["site", "data", "lain", "site/dalam", "data/situs", "."]),
       build_dir=st.sampled_from(["build", "lain", "site", "data/build"]))
def test_property_build_never_deletes_or_changes_what_ranpasti_did_not_make(tmp_path_factory, monkeypatch, tree,
                                                                          out, build_dir):
    """Whatever ``ranpasti build --out`` is pointed at, among whatever staff and interrupted runs left beside
    it, every file ranpasti did not make is still there, unchanged, afterwards."""
    import ranpasti.build

    layout, files, nested, exchange = tree
    root = tmp_path_factory.mktemp("proyek")
    make_tree(root, layout, files, nested)
    monkeypatch.chdir(root)
    if not exchange:
        monkeypatch.setattr(dirswap, "_exchange", lambda a, b: False)

    def pages(opts, log, start, report, regions, warm, clock):
        """The build's own staging and publishing, with a one-page site instead of validation, notebooks and
        rendering (seconds per example otherwise)."""
        ranpasti.build.stage_and_publish(opts, lambda s: (s / "index.html").write_text("situs baru"),
                                         lambda s: None, clock)
        report.published = True
        return report

    monkeypatch.setattr(ranpasti.build, "_build_with", pages)
    before = staff_files(root, layout)
    code, said = run("build", "--data", "data", "--params", "params", "--build-dir", build_dir, "--cache", "cache",
                     "--out", out, "--renderer", "builtin", "--jobs", 1)
    lost = kept(before, snapshot(root))
    assert not lost, (lost, said)
    if code == 0:
        assert (root / out / "index.html").read_text() == "situs baru"
    else:
        assert code == 1 and "GAGAL: " in said, said  # refused with a message


def staff_files(root: Path, layout: dict[str, str]) -> dict[str, str]:
    """The tree's files but those inside folders it gave ranpasti's marker (which ranpasti may replace)."""
    ours = {role for role, kind in layout.items() if kind == "ours"}
    return {k: v for k, v in snapshot(root).items() if k.split("/")[0] not in ours}


@FAST
@given(tree=trees())
def test_property_publishing_replaces_only_the_projects_folders(tmp_path_factory, monkeypatch, tree):
    """The publish step itself (recovery, the exchange or its two-rename fallback, the deletion of the
    replaced version) on the same generated trees: staff files survive; when the site is replaced, it is
    by the new one."""
    layout, files, nested, exchange = tree
    root = tmp_path_factory.mktemp("terbit")
    make_tree(root, layout, files, nested)
    if not exchange:
        monkeypatch.setattr(dirswap, "_exchange", lambda a, b: False)
    before = staff_files(root, layout)
    new = root / "baru"
    new.mkdir()
    owned.mark(new, "situs")
    (new / "index.html").write_text("situs baru")
    try:
        dirswap.swap_into_place(new, root / "site", background=False)
        assert (root / "site" / "index.html").read_text() == "situs baru"
    except owned.NotOwnedError as e:
        assert str(root) in str(e)  # the refusal names what it left alone
    assert not kept(before, snapshot(root))


@FAST
@given(existing=st.sampled_from(["none", "staff", "report", "link-to-input", "dir", "staff-2"]),
       place=st.sampled_from(["outside", "data", "data/sub", "link-into-data"]),
       replaces=st.booleans())
def test_property_a_new_file_never_replaces_one_ranpasti_did_not_make(tmp_path_factory, existing, place, replaces):
    """``owned.write_file`` (templat, ``--laporan``): at whatever name, beside whatever file, inside or outside
    the data folder, a file staff made is never written over and the data folder never written into."""
    root = tmp_path_factory.mktemp("tulis")
    data = copy_sample_data(root / "data")
    (root / "luar").mkdir()
    (root / "masuk").symlink_to(data)
    folder = {"outside": root / "luar", "data": data, "data/sub": data / "sub", "link-into-data": root / "masuk"}[place]
    folder.mkdir(exist_ok=True)
    out = folder / "hasil.xlsx"
    if existing in ("staff", "staff-2"):
        out.write_bytes(b"isian staf")
        if existing == "staff-2":
            out.with_name("hasil-2.xlsx").write_bytes(b"isian staf kedua")
    elif existing == "report":
        wb = openpyxl.Workbook()
        owned.mark_report(wb)
        wb.save(out)
    elif existing == "link-to-input":
        out.symlink_to(data / "lokmin.csv")
    elif existing == "dir":
        out.mkdir()
    before = {k: v for k, v in snapshot(root).items() if not (existing == "report" and k.endswith("luar/hasil.xlsx"))}

    def write(tmp: Path) -> None:
        tmp.write_bytes(b"buatan ranpasti")

    protected = {"folder data": data}
    try:
        path, note = owned.write_file(out, write, "--laporan", protected, replaces=owned.is_report if replaces else
                                      (lambda _p: False))
    except owned.NotOwnedError:
        assert place != "outside" or existing == "link-to-input"  # the link leads into the data folder
    else:
        assert place == "outside" and existing != "link-to-input" and path.read_bytes() == b"buatan ranpasti"
        assert (path == out) == (existing == "none" or (existing == "report" and replaces)), (path, note)
        assert bool(note) == (path != out)
    assert not kept(before, snapshot(root))


TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)
OPTIONS = st.one_of(
    st.integers(min_value=-10**6, max_value=10**6).map(str), TEXT, st.sampled_from(["", "0", "2024", "1e3", "-"]))


@pytest.mark.slow
@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(command=st.sampled_from(["templat", "serve", "validate", "params", "build"]),
       values=st.lists(OPTIONS, min_size=3, max_size=3),
       use=st.lists(st.booleans(), min_size=3, max_size=3))
def test_property_bad_options_are_messages_never_tracebacks(tmp_path_factory, monkeypatch, command, values, use):
    """Any value for any option of templat, serve, validate, params and build: a message and exit 1 or 2 (or
    success), never a traceback. The server is started and stopped at once (``serve_forever`` returns); the
    data folder is empty, so params and build stop at validation."""
    import ranpasti.serve

    root = tmp_path_factory.mktemp("opsi")
    monkeypatch.chdir(root)
    a_site(root)
    (root / "data").mkdir()
    monkeypatch.setattr(ranpasti.serve.PreviewServer, "serve_forever", lambda self: None)
    names = {"templat": ["--tahun", "--out", "--data"], "serve": ["--port", "--dir", "--port"],
             "validate": ["--data", "--laporan", "--data"], "params": ["--data", "--cache", "--params"],
             "build": ["--out", "--build-dir", "--jobs"]}[command]
    args = [command] + (["16.05" if use[0] else values[0]] if command == "templat" else [])
    for name, value, on in zip(names, values, use, strict=True):
        if on:
            args += [name, value]
    result = CliRunner().invoke(main, args)
    assert result.exit_code in (0, 1, 2), (args, result.output, result.exception)
    assert "Traceback" not in result.output, (args, result.output)
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), (
        args, result.exception)
    for leftover in (root / "data").iterdir():  # nothing but a workbook or a report the command announced
        assert leftover.suffix == ".xlsx" and str(leftover.name) in result.output, (args, leftover)


def test_the_marker_alone_does_not_make_a_link_or_a_file_the_projects(tmp_path):
    data = copy_sample_data(tmp_path / "data")
    owned.mark(data, "situs")
    link = tmp_path / "site"
    link.symlink_to(data)
    assert owned.owned(data) and not owned.owned(link) and not owned.replaceable(link)
    (tmp_path / "berkas").write_text("x")
    assert not owned.replaceable(tmp_path / "berkas")
    with pytest.raises(owned.NotOwnedError, match="tautan"):
        owned.require_replaceable(link, "folder situs (--out)")


@pytest.mark.parametrize("kind", ["staff-file", "link"])
def test_a_lock_file_name_taken_by_staff_is_not_written_over(tmp_path, kind):
    from ranpasti.core.lock import exclusive

    lock, target = tmp_path / ".site.lock", tmp_path / "catatan.txt"
    target.write_text("catatan staf")
    if kind == "link":
        lock.symlink_to(target)
    else:
        lock.write_text("catatan staf")
    with pytest.raises(owned.NotOwnedError, match="tidak"), exclusive(lock, "situs"):
        pass
    assert target.read_text() == "catatan staf" and (kind == "link" or lock.read_text() == "catatan staf")


# serve: paths outside the site or not in normal form (D13) ---------------------------------------------------


def served_site(tmp_path: Path) -> Path:
    site = a_site(tmp_path)
    (site / "kabupaten-pesisir-barat").mkdir()
    (site / "kabupaten-pesisir-barat" / "index.html").write_text("<html>kab</html>")
    return site


def request(base: str, path: str) -> tuple[int, str | None]:
    host, port = base.removeprefix("http://").rstrip("/").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    conn.putrequest("GET", path, skip_host=False, skip_accept_encoding=True)
    conn.endheaders()
    response = conn.getresponse()
    location = response.getheader("Location")
    response.read()
    conn.close()
    return response.status, location


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    from ranpasti.serve import serve_in_thread

    server, base = serve_in_thread(served_site(tmp_path_factory.mktemp("serve")))
    yield base
    server.shutdown()
    server.server_close()


OUTSIDE = ["/\\10.255.255.1.invalid/../kabupaten-pesisir-barat", "//10.255.255.1.invalid/..",
           "/%5c10.255.255.1.invalid/../kabupaten-pesisir-barat", "/x/../kabupaten-pesisir-barat",
           "/./kabupaten-pesisir-barat", "/kabupaten-pesisir-barat//", "/%2e%2e/etc/passwd",
           "/kabupaten-pesisir-barat/..", "http://evil.test/kabupaten-pesisir-barat"]


@pytest.mark.parametrize("path", OUTSIDE)
def test_d13_serve_answers_a_path_outside_or_not_normal_with_404_never_a_redirect(preview, path):
    """D13: ``GET /\\10.255.255.1.invalid/../kabupaten-pesisir-barat`` was a 301 to
    ``/\\10.255.255.1.invalid/../kabupaten-pesisir-barat/``, which a client may follow to another host."""
    status, location = request(preview, path)
    assert (status, location) == (404, None), (path, status, location)


def test_d13_a_folder_is_still_redirected_to_itself_with_its_slash(preview):
    assert request(preview, "/kabupaten-pesisir-barat") == (301, "/kabupaten-pesisir-barat/")
    assert request(preview, "/kabupaten-pesisir-barat/")[0] == 200
    assert request(preview, "/kabupaten-pesisir-barat/?q=../x")[0] == 200


SEGMENTS = st.sampled_from(["kabupaten-pesisir-barat", "index.html", "..", ".", "", "\\", "%5c", "%2e%2e", "%2f",
                            "evil.test", "%2F%2F", "a\\b", "%00", "x"])


@settings(max_examples=200, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.lists(SEGMENTS, min_size=1, max_size=5))
def test_d13_any_redirect_stays_on_the_site_in_normal_form(preview, parts):
    """Generated request paths: a redirect's Location is always one ``/`` then a normal path of this site
    (no backslash, no empty, ``.`` or ``..`` segment); a path not in normal form is never served."""
    import posixpath
    import urllib.parse

    path = "/" + "/".join(parts)
    status, location = request(preview, path)
    if location is not None:
        decoded = urllib.parse.unquote(location)
        assert location.startswith("/") and not location.startswith("//"), (path, location)
        inner = decoded.removesuffix("/")
        assert "\\" not in decoded and "//" not in decoded and (not inner or posixpath.normpath(inner) == inner)
    decoded = "/" + urllib.parse.unquote(path).lstrip("/")  # http.server itself reads leading // as one /
    inner = decoded.removesuffix("/")
    if "\\" in decoded or "//" in decoded or (inner and posixpath.normpath(inner) != inner):
        assert status in (400, 404), (path, status)


# D3: staff files in the params folder ---------------------------------------------------------------------


def kecamatan_params(params: Path) -> Path:
    """A kecamatan page's params file written by ``ranpasti params`` (the first, by path)."""
    return sorted(p for p in params.glob("kabupaten-*/*/index.yml"))[0]


def test_d3_params_never_moves_or_deletes_a_staff_archive_or_notes_in_the_params_folder(tmp_path):
    """D3: ``ranpasti params`` deleted a staff copy of a page's params kept in ``arsip/ngaras-lama/`` and a
    ``catatan-rapat.yml`` holding a comment and valid-looking params (judged "unedited" on parsed values, and
    any folder that is no page's taken for a renamed kecamatan), removed ``arsip/``, and said the copy was
    "dipindahkan" to a file that already existed."""
    data = small_data(tmp_path / "data")
    params = tmp_path / "params"
    args = ("params", "--data", data, "--params", params, "--cache", tmp_path / "cache")
    assert run(*args)[0] == 0
    page = kecamatan_params(params)
    kode = re.search(r"^kode: (\S+)$", page.read_text(encoding="utf-8"), re.M).group(1)
    (params / "arsip" / "kec-lama").mkdir(parents=True)
    shutil.copy2(page, params / "arsip" / "kec-lama" / "index.yml")
    (params / "arsip" / "catatan-rapat.yml").write_text(
        f"# catatan rapat staf, jangan dihapus\nkode: '{kode}'\nbulan: null\ncatatan: ''\nterbit: true\n")
    before = snapshot(params)
    code, said = run(*args)
    assert code == 0, said
    assert snapshot(params) == before, said  # nothing moved, deleted or written
    assert "dipindahkan ke" not in said.replace("boleh dipindahkan ke luar", ""), said  # nothing claimed moved
    assert "ditulis ranpasti dan belum pernah diubah" not in said, said
    for staff in ("arsip/kec-lama/index.yml", "arsip/catatan-rapat.yml"):
        assert f"[peringatan params] {params / staff}: file ini tidak di tempat halaman mana pun" in said, said
        assert "tidak dipindahkan atau dihapus" in said


def test_d3_a_file_that_was_the_projects_is_moved_only_while_its_bytes_are_unchanged(tmp_path):
    """The rule underneath: a params file is the project's when the params folder's record holds the hash of
    exactly its bytes at exactly its place. A copy elsewhere, a comment added, a folder staff made are not."""
    from ranpasti.ingest.store import ingest
    from ranpasti.plan import params as params_module

    data = small_data(tmp_path / "data")
    store, _ = ingest(data, tmp_path / "cache")
    params = tmp_path / "params"
    params_module.write_params(store, params)
    record = params_module.load_record(params)
    page = kecamatan_params(params)
    rel = page.relative_to(params).as_posix()
    assert record.files[rel] == hashlib.sha256(page.read_bytes()).hexdigest()
    assert rel.rsplit("/", 1)[0] in record.folders
    elsewhere = params / "salinan" / "index.yml"
    elsewhere.parent.mkdir()
    shutil.copy2(page, elsewhere)
    [stale] = params_module.stale_files(params, store)
    assert stale.rel == "salinan/index.yml" and not stale.unedited  # same bytes, another place: staff's
    page.write_text(page.read_text(encoding="utf-8") + "# disunting staf\n", encoding="utf-8")
    assert params_module.load_record(params).files[rel] != hashlib.sha256(page.read_bytes()).hexdigest()


# D4: staff files inside the published site -----------------------------------------------------------------


def fake_pipeline(monkeypatch, pages: dict[str, list[str]]) -> None:
    """``ranpasti build`` with its own checks, staging and publishing, but a site of ``pages`` (page → file
    names) written as a renderer writes one, manifest included, instead of validation and notebooks."""
    import ranpasti.build
    from ranpasti.render.incremental import write_manifest

    def render(staging: Path) -> None:
        for page, names in pages.items():
            (staging / page).mkdir(parents=True, exist_ok=True)
            for name in names:
                (staging / page / name).write_text(f"{page}{name} baru")
        (staging / "assets").mkdir(exist_ok=True)
        (staging / "assets" / "site.css").write_text("body {}")
        write_manifest(staging, {p: {"key": "k", "files": n} for p, n in pages.items()}, {})

    def pipeline(opts, log, start, report, regions, warm, clock):
        ranpasti.build.stage_and_publish(opts, render, lambda s: None, clock)
        report.published = True
        return report

    monkeypatch.setattr(ranpasti.build, "_build_with", pipeline)


SITE_PAGES = {"": ["index.html"], "kabupaten-x/": ["index.html", "data.csv"], "kabupaten-x/kec-a/": ["index.html"]}


def fake_build(root: Path) -> tuple[int, str]:
    return run("build", "--data", root / "data", "--params", root / "params", "--build-dir", root / "build",
               "--cache", root / "cache", "--out", root / "site", "--renderer", "builtin", "--jobs", 1)


@pytest.mark.parametrize("manifest", ["now", "earlier-version"])
def test_d4_staff_files_in_the_published_site_stop_the_build_before_anything_is_deleted(tmp_path, monkeypatch,
                                                                                        manifest):
    """D4: a ``CNAME``, a ``google1234.html`` and ``kabupaten-x/laporan-staf.pdf`` staff put in site/ were deleted
    silently by the next build (exit 0): only the site's marker was checked. A site's files are its manifest's
    (pages and site-wide files); anything else stops the build, named, before anything changes. A manifest of
    an earlier version (no list of site-wide files) is judged against the new site at publishing."""
    (tmp_path / "data").mkdir()
    fake_pipeline(monkeypatch, SITE_PAGES)
    assert fake_build(tmp_path)[0] == 0
    site = tmp_path / "site"
    if manifest == "earlier-version":
        from ranpasti.render.incremental import MANIFEST, OTHER

        data = json.loads((site / MANIFEST).read_text())
        del data[OTHER]
        (site / MANIFEST).write_text(json.dumps(data))
    staff = {"CNAME": "situs.example.go.id", "google1234.html": "verifikasi",
             "kabupaten-x/laporan-staf.pdf": "%PDF staf"}
    for name, text in staff.items():
        (site / name).write_text(text)
    before = snapshot(site)
    code, said = fake_build(tmp_path)
    assert code == 1, said
    assert (f"{site}/ berisi 3 file atau folder yang tidak ditulis ranpasti: CNAME, google1234.html, "
            f"kabupaten-x/laporan-staf.pdf.") in said, said
    assert "TIDAK diubah" in said and "Pindahkan file itu keluar" in said and "langkah unggah" in said
    assert snapshot(site) == before
    for n in range(4):  # the first few are named, the rest counted
        (site / f"staf-{n}.txt").write_text("x")
    code, said = fake_build(tmp_path)
    assert code == 1 and "berisi 7 file atau folder" in said and "dan 2 lainnya" in said, said
    for name in [*staff, *(f"staf-{n}.txt" for n in range(4))]:
        (site / name).rename(tmp_path / name.replace("/", "-"))  # moved out, as the message says
    code, said = fake_build(tmp_path)
    assert code == 0, said
    assert (site / "kabupaten-x" / "index.html").read_text() == "kabupaten-x/index.html baru"


# D5: reports never inside the project's folders, never with a personal number in full ---------------------


@pytest.mark.slow
def test_d5_a_report_or_a_workbook_is_never_written_into_a_folder_the_project_owns_or_reads(tmp_path, monkeypatch):
    """D5 (a): ``validate --laporan site/laporan2.xlsx`` wrote the report into the published site (deployed with
    it, unseen by the pre-publish scan), and into the params folder too. One rule (``owned.refuse_project_folder``)
    for both commands: no folder the project made (site, staging, build, cache), no params folder, and none of
    the default folders of the project."""
    monkeypatch.chdir(tmp_path)
    data = small_data(tmp_path / "data")
    assert run("params", "--data", data, "--params", tmp_path / "P", "--cache", tmp_path / "C")[0] == 0
    for name, kind in (("site", "situs"), ("hasil-build", "build"), ("simpanan", "cache")):
        (tmp_path / name).mkdir()
        owned.mark(tmp_path / name, kind)
    (tmp_path / "notebooks").mkdir()
    before = snapshot(tmp_path)
    places = ["site/laporan2.xlsx", "site/kabupaten-x/laporan.xlsx", "hasil-build/l.xlsx", "simpanan/l.xlsx",
              "P/laporan.xlsx", "P/kabupaten-musi-rawas/l.xlsx", "notebooks/l.xlsx", "params/l.xlsx"]
    for place in places:
        code, said = run("validate", "--data", data, "--laporan", place)
        assert code == 1 and f"--laporan {place}" in said and "Tidak ada yang diubah" in said, (place, said)
        code, said = run("templat", "16.05", "--tahun", 2024, "--out", place)
        assert code == 1 and f"--out {place}" in said and "Tidak ada yang diubah" in said, (place, said)
    assert snapshot(tmp_path) == before
    code, said = run("templat", "16.05", "--tahun", 2024, "--out", "data/templat-16.05.xlsx")
    assert code == 0 and (tmp_path / "data" / "templat-16.05.xlsx").exists(), said  # its documented place


@pytest.mark.slow
def test_d5_the_reports_copy_of_a_cell_masks_a_personal_number_as_the_messages_do(tmp_path):
    """D5 (b): the report's copy of a Lokmin cell held the full NIK (the screen message masked it). The copy now
    shows it masked as the message does; the cell is still red and its comment says what to fix."""
    data = small_data(tmp_path / "data")
    nik = "1813014506900003"
    text = (data / "lokmin.csv").read_text(encoding="utf-8")
    text = text.replace("Banyak keluarga berisiko", f"Banyak keluarga NIK {nik[:8]} {nik[8:]} berisiko", 1)
    text = text.replace("Banyak keluarga berisiko", "Hubungi 0812-3456-7890 keluarga berisiko", 1)
    (data / "lokmin.csv").write_text(text, encoding="utf-8")
    report = tmp_path / "laporan.xlsx"
    code, said = run("validate", "--data", data, "--laporan", report)
    assert code == 1 and "181301…03" in said and nik not in said, said
    import zipfile

    with zipfile.ZipFile(report) as z:
        xml = "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    assert not re.search(r"1813014506900003|18130145\D{0,3}06900003|0812\D?3456\D?7890", xml), "full number"
    ws = openpyxl.load_workbook(report)["lokmin"]
    [cell] = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "181301…03" in c.value]
    assert cell.value == "[disamarkan: nomor berbentuk NIK atau No. KK 181301…03]"
    assert cell.fill.fgColor.rgb.endswith("F4B6B6") and cell.comment and "NIK atau No. KK" in cell.comment.text
    assert any(isinstance(c.value, str) and "0812…7890" in c.value for row in ws.iter_rows() for c in row)


# Property tests of D3 and D4 -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def params_world(tmp_path_factory):
    """Musi Rawas 2024 validated once, its params as ``ranpasti params`` writes them, and the same store after a
    Kemendagri rename of Tugumulyo (16.05.01): the params folder's two lives."""
    import dataclasses

    from support import renamed_regions

    from ranpasti.ingest.store import ingest
    from ranpasti.plan.params import write_params

    tmp = tmp_path_factory.mktemp("params-dunia")
    store, _ = ingest(small_data(tmp / "data"), tmp / "cache")
    write_params(store, tmp / "params")
    renamed = dataclasses.replace(store, regions=renamed_regions(tmp, "16.05.01", "Tugu Mulyo Raya"))
    return store, renamed, tmp / "params"


PARAM_FOLDERS = ("", "arsip", "arsip/lama", "kabupaten-musi-rawas", "kabupaten-musi-rawas/tugumulyo",
                 "kabupaten-musi-rawas/tugu-mulyo-raya", "kabupaten-musi-rawas/baru", "kabupaten-musi-rawas/bts-ulu")
PARAM_NAMES = ("index.yml", "evaluasi-2024.yml", "catatan.yml", "salinan.yml", "x.txt", ".tersembunyi")


@st.composite
def staff_params(draw):
    """Staff files anywhere in the params folder: copies of the project's own files (byte for byte, or with a
    comment), valid-looking params for a kode of the data, or any text."""
    files = {}
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        path = f"{draw(st.sampled_from(PARAM_FOLDERS))}/{draw(st.sampled_from(PARAM_NAMES))}".lstrip("/")
        content = draw(st.one_of(
            st.tuples(st.just("salinan"), st.sampled_from(["kabupaten-musi-rawas/tugumulyo/index.yml",
                                                           "kabupaten-musi-rawas/tugumulyo/evaluasi-2024.yml",
                                                           "kabupaten-musi-rawas/index.yml", "index.yml"]),
                      st.sampled_from(["", "# catatan staf\n"])),
            st.tuples(st.just("params"), st.sampled_from(["16.05", "16.05.01", "16.05.02", "ID"]),
                      st.sampled_from(["", "# rapat\n"])),
            st.tuples(st.just("teks"), st.text(max_size=40), st.just(""))))
        files[path] = content
    return files


@FAST
@given(staff=staff_params(), renamed=st.booleans(), twice=st.booleans())
def test_property_params_never_moves_deletes_or_changes_a_staff_file(params_world, tmp_path_factory, staff, renamed,
                                                                    twice):
    """D3's class: whatever staff keep in the params folder (any subfolder, any content, valid-looking params and
    exact copies of the project's own files included), ``write_params`` (``ranpasti params`` and every build),
    with or without a renamed kecamatan, leaves each of their files as it was. Files staff changed count as
    theirs too. Only the project's unchanged files move with a renamed page."""
    from ranpasti.plan.params import write_params

    store, renamed_store, pristine = params_world
    params = tmp_path_factory.mktemp("params") / "params"
    shutil.copytree(pristine, params)
    for rel, (kind, what, extra) in staff.items():
        path = params / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if kind == "salinan":
            data = (pristine / what).read_bytes() + extra.encode()
        elif kind == "params":
            data = f"{extra}kode: '{what}'\nbulan: null\ncatatan: ''\nterbit: true\n".encode()
        else:
            data = what.encode("utf-8", "surrogatepass")
        if path.exists() and path.read_bytes() == data:
            data += b"# disunting staf\n"  # the project's own file, edited: staff's now
        path.write_bytes(data)
    before = {rel: (params / rel).read_bytes() for rel in staff}
    for _ in range(2 if twice else 1):
        write_params(renamed_store if renamed else store, params)
    lost = [rel for rel, data in before.items() if not (params / rel).is_file() or (params / rel).read_bytes() != data]
    assert not lost, lost
    if renamed and "kabupaten-musi-rawas/tugumulyo/index.yml" not in staff:
        # the project's own unchanged file did leave the renamed page's old place
        assert not (params / "kabupaten-musi-rawas/tugumulyo/index.yml").exists()


SITE_STAFF_FOLDERS = ("", "kabupaten-x/", "kabupaten-x/kec-a/", "assets/", "unduhan/", "unduhan/lama/")
SITE_STAFF_NAMES = ("CNAME", "google1234.html", "laporan-staf.pdf", ".htaccess", "robots.txt", "index2.html",
                    "data-lama.csv")


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(staff=st.dictionaries(st.tuples(st.sampled_from(SITE_STAFF_FOLDERS), st.sampled_from(SITE_STAFF_NAMES)),
                             st.binary(max_size=30), min_size=1, max_size=8),
       earlier=st.booleans(), exchange=st.booleans())
def test_property_staff_files_in_a_published_site_survive_the_next_build(tmp_path_factory, monkeypatch, staff,
                                                                         earlier, exchange):
    """D4's class: files staff put anywhere in a published site (top, a page's folder, assets, a folder of their
    own), under any name, with a manifest of this version or an earlier one: the next build is refused naming
    them (the first, and the count), and the site is exactly as it was."""
    from ranpasti.render.incremental import MANIFEST, OTHER

    root = tmp_path_factory.mktemp("situs-staf")
    (root / "data").mkdir()
    fake_pipeline(monkeypatch, SITE_PAGES)
    if not exchange:
        monkeypatch.setattr(dirswap, "_exchange", lambda a, b: False)
    assert fake_build(root)[0] == 0
    site = root / "site"
    if earlier:
        data = json.loads((site / MANIFEST).read_text())
        del data[OTHER]
        (site / MANIFEST).write_text(json.dumps(data))
    for (folder, name), data in staff.items():
        (site / folder).mkdir(parents=True, exist_ok=True)
        (site / folder / name).write_bytes(data)
    before = snapshot(site)
    code, said = fake_build(root)
    assert code == 1, said
    assert snapshot(site) == before
    named = sorted({f"{folder}{name}" if (folder, name) in staff and folder not in ("unduhan/", "unduhan/lama/")
                    else "unduhan/" for folder, name in staff})
    assert f"berisi {len(named)} file atau folder yang tidak ditulis ranpasti: {named[0]}" in said, (named, said)
