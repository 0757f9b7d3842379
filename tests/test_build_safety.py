"""A build never damages the published site: bad data and a concurrent build both leave ``site/`` as it was."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from ranpasti.cli import main

ROOT = Path(__file__).resolve().parents[1]


def snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def project(tmp_path: Path) -> dict[str, Path]:
    data = tmp_path / "data"
    data.mkdir()
    for f in (ROOT / "data").iterdir():
        if f.is_file():
            shutil.copy(f, data / f.name)
    site = tmp_path / "site"
    (site / "kabupaten-musi-rawas").mkdir(parents=True)
    (site / "index.html").write_text("<html><body>situs lama yang sudah terbit</body></html>")
    (site / "kabupaten-musi-rawas" / "index.html").write_text("<html><body>halaman lama</body></html>")
    return {"data": data, "site": site, "build": tmp_path / "build", "cache": tmp_path / "cache",
            "params": tmp_path / "params"}


def build_args(p: dict[str, Path]) -> list[str]:
    return ["build", "--data", str(p["data"]), "--out", str(p["site"]), "--build-dir", str(p["build"]),
            "--cache", str(p["cache"]), "--params", str(p["params"]), "--renderer", "builtin", "--jobs", "1"]


def test_bad_data_stops_build_and_leaves_site_untouched(tmp_path):
    p = project(tmp_path)
    before = snapshot(p["site"])
    pend = pd.read_csv(p["data"] / "pendampingan.csv", dtype=str)
    pend.loc[4, "krs_didampingi"] = "-3"
    pend.to_csv(p["data"] / "pendampingan.csv", index=False)
    result = CliRunner().invoke(main, build_args(p))
    assert result.exit_code == 1
    assert "pendampingan.csv, baris 6, kolom krs_didampingi" in result.output
    assert "Situs tidak diubah" in result.output
    assert "Traceback" not in result.output
    assert snapshot(p["site"]) == before
    assert not (tmp_path / "site.staging").exists()
    assert not (p["build"] / "notebooks").exists()  # nothing was executed from bad data


def test_nik_in_a_page_note_stops_build_and_leaves_site_untouched(tmp_path):
    p = project(tmp_path)
    before = snapshot(p["site"])
    runner = CliRunner()
    assert runner.invoke(main, ["params", "--data", str(p["data"]), "--cache", str(p["cache"]),
                                "--params", str(p["params"])]).exit_code == 0
    note = p["params"] / "kabupaten-musi-rawas" / "index.yml"
    note.write_text(note.read_text(encoding="utf-8").replace("catatan: ''", "catatan: Ibu NIK 1605014512870003"),
                    encoding="utf-8")
    result = runner.invoke(main, build_args(p))
    assert result.exit_code == 1, result.output
    assert f"{note}: catatan berisi nomor berbentuk NIK" in result.output
    assert "1605014512870003" not in result.output
    assert snapshot(p["site"]) == before


def test_second_build_on_same_site_refuses(tmp_path):
    p = project(tmp_path)
    before = snapshot(p["site"])
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import time
        from pathlib import Path
        from ranpasti.lock import exclusive
        with exclusive(Path({str(p['site'].with_name('.site.lock'))!r}), "situs"):
            print("locked", flush=True)
            time.sleep(60)
        """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        result = CliRunner().invoke(main, build_args(p))
        assert result.exit_code == 1
        assert "build lain sedang berjalan" in result.output
        assert f"PID {holder.pid}" in result.output
        assert snapshot(p["site"]) == before
    finally:
        holder.kill()
        holder.wait()
    # a lock whose holder died (even by kill -9) never blocks the next build
    from ranpasti.lock import exclusive

    start = time.monotonic()
    with exclusive(p["site"].with_name(".site.lock"), "situs"):
        assert time.monotonic() - start < 1
    assert os.path.exists(p["site"].with_name(".site.lock"))
