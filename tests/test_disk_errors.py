"""A full disk or a read-only folder ends a run with a message, never a traceback, and leaves nothing
half-written behind: the published site stays as it was and the space a failed build took is given back.

These run on real small file systems (tmpfs) mounted in a private mount namespace (``unshare -m``), so the
errors come from the kernel as staff would meet them. That needs root (CI runs as root); elsewhere they
are skipped with the reason.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ranpasti.core.owned import MARKER

pytestmark = pytest.mark.slow  # builds on a small file system

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def mounts(tmp_path_factory) -> None:
    probe = tmp_path_factory.mktemp("probe")
    if os.geteuid() != 0 or not shutil.which("unshare"):
        pytest.skip("needs root and unshare to mount a small tmpfs in a private mount namespace")
    done = subprocess.run(["unshare", "-m", "sh", "-c", f"mount -t tmpfs -o size=64k tmpfs {probe}"],
                          capture_output=True, text=True)
    if done.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")


def in_namespace(script: str) -> str:
    """Run a shell script in a private mount namespace (its mounts vanish with it); stdout+stderr."""
    done = subprocess.run(["unshare", "-m", "sh", "-c", script], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)
    return done.stdout + done.stderr


def ranpasti(*args: object) -> str:
    return " ".join([sys.executable, "-m", "ranpasti", *(str(a) for a in args)])


def old_site(folder: Path) -> str:
    """A site a previous build published: its page and the marker the build leaves (``owned.MARKER``)."""
    return (f"mkdir -p {folder} && echo 'situs lama yang sudah terbit' > {folder}/index.html && "
            f"echo '{{}}' > {folder}/{MARKER}")


def test_a_full_disk_while_writing_the_site_is_a_message_and_the_half_site_is_removed(mounts, sample_sites,
                                                                                      tmp_path):
    """Issue 14, item 14: ``OSError 28`` was a traceback and the staging folder stayed, filling the disk."""
    built = sample_sites("builtin")["opts"]
    disk = tmp_path / "disk"
    disk.mkdir()
    out = in_namespace(f"""
        mount -t tmpfs -o size=3m tmpfs {disk}
        {old_site(disk / "site")}
        {ranpasti("build", "--data", built.data_dir, "--params", built.params_dir, "--build-dir", built.build_dir,
                  "--cache", built.cache_dir, "--out", disk / "site", "--renderer", "builtin", "--jobs", 2)}
        echo "status=$?"
        echo "isi: $(cat {disk}/site/index.html)"
        echo "folder: $(ls -A {disk} | tr '\\n' ' ')"
        echo "terpakai: $(du -sk {disk} | cut -f1) KB"
    """)
    assert "status=1" in out, out
    assert "Ruang disk habis" in out and "TIDAK diubah" in out, out
    assert "Traceback" not in out, out
    assert "isi: situs lama yang sudah terbit" in out
    assert "folder: .site.lock site " in out, out  # no site.staging left
    used = int(out.split("terpakai: ")[1].split()[0])
    assert used < 100, out  # the space the failed build took is free again


def test_a_full_disk_while_validating_into_the_cache_is_a_message_and_no_half_cache_is_left(mounts, tmp_path, data):
    disk = tmp_path / "disk"
    disk.mkdir()
    site = tmp_path / "site"
    out = in_namespace(f"""
        {old_site(site)}
        mount -t tmpfs -o size=48k tmpfs {disk}
        {ranpasti("build", "--data", data, "--params", tmp_path / "params", "--build-dir", tmp_path / "build",
                  "--cache", disk / "cache", "--out", site, "--renderer", "builtin", "--jobs", 1)}
        echo "status=$?"
        echo "folder: $(ls -A {disk} | tr '\\n' ' ')."
        {ranpasti("params", "--data", data, "--params", tmp_path / "params", "--cache", disk / "cache")}
        echo "status=$?"
    """)
    assert out.count("status=1") == 2, out
    assert out.count(f"Ruang disk habis ({disk / 'cache'})") == 2 and "Traceback" not in out, out
    assert "folder: ." in out, out  # neither cache.staging nor a half cache
    assert (site / "index.html").read_text().strip() == "situs lama yang sudah terbit"
    assert not (tmp_path / "build" / "notebooks").exists()  # stopped before running any notebook


@pytest.mark.parametrize("read_only", ["out", "build-dir", "cache"])
def test_a_read_only_folder_is_a_message_naming_it(mounts, tmp_path, data, read_only):
    """Issue 14, item 14: a read-only site folder was a traceback (from the lock file beside it)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    folders = {"out": tmp_path / "site", "build-dir": tmp_path / "build", "cache": tmp_path / "cache"}
    folders[read_only] = disk / read_only
    out = in_namespace(f"""
        mount -t tmpfs -o size=1m tmpfs {disk}
        {old_site(folders["out"])}
        mount -o remount,ro {disk}
        {ranpasti("build", "--data", data, "--params", tmp_path / "params", "--renderer", "builtin", "--jobs", 1,
                  *(a for k, v in folders.items() for a in (f"--{k}", v)))}
        echo "status=$?"
        echo "isi: $(cat {folders["out"]}/index.html)"
    """)
    assert "status=1" in out, out
    assert "tidak bisa ditulis" in out and str(disk) in out and "Traceback" not in out, out
    assert "isi: situs lama yang sudah terbit" in out
