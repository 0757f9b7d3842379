"""``ranpasti``: the command staff run. A thin layer over the library; every command's work is a library call.

Errors staff can cause end as a Bahasa Indonesia message and exit status 1, never a traceback: every such
error is a ``RanpastiError`` (``errors``), and a full disk or read-only folder an ``OSError`` explained by
``diskerrors``. Anything else is a bug and keeps its traceback. The ``--renderer`` and ``--executor``
choices are read from the registries (``render.RENDERERS``, ``executors.EXECUTORS``), so a renderer or
executor registered there is offered here without editing this file.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import click

from . import __version__
from .core.errors import RanpastiError
from .core.privacy import mask_all
from .ingest.problems import DataError
from .reference.regions import load_regions
from .run.executors import DEFAULT_EXECUTOR
from .run.executors import names as executor_names
from .run.lifeline import interrupt_on_sigterm


def say(message: object = "", err: bool = False) -> None:
    """Every line a command prints, with any personal number in it masked (``privacy.mask_all``): a key,
    a file or column name, a header echoed back holds what staff typed."""
    click.echo(mask_all(str(message)), err=err)


class RegistryChoice(click.Choice):
    """A ``click.Choice`` whose choices are a registry's names, read when first needed: the renderer
    registry imports the renderers, which ``ranpasti --help`` or ``ranpasti validate`` need not pay for."""

    def __init__(self, names: Callable[[], list[str]]):
        self._names = names
        super().__init__([])

    @property
    def choices(self) -> tuple[str, ...]:
        return tuple(self._names())

    @choices.setter
    def choices(self, _value) -> None:
        pass  # click.Choice.__init__ assigns the (empty) list given above


def renderer_names() -> list[str]:
    from .render import names

    return names()

class FilePath(click.Path):
    """``click.Path`` that refuses, as a usage error, a name no file system can hold: a NUL byte (``%00``,
    pasted from a web form) made every command a ``ValueError`` traceback."""

    def convert(self, value, param, ctx):
        if "\x00" in str(value):
            self.fail(f"{value!r}: nama file atau folder tidak boleh memuat karakter NUL (\\x00).", param, ctx)
        path = super().convert(value, param, ctx)
        if path.name in ("", "..") and isinstance(path, Path):  # "", ".", "..": named by where they lead
            path = path.resolve()  # (the site's lock and staging folders are named after the folder)
            if not path.name:
                self.fail(f"{value!r}: folder akar (/) tidak bisa dipakai di sini.", param, ctx)
        return path


PATH = FilePath(path_type=Path)
DEFAULT_DATA = Path("data")

data_option = click.option("--data", "data_dir", type=PATH, default=DEFAULT_DATA,
                           show_default=True, help="Folder data masukan (CSV/Excel).")
cache_option = click.option("--cache", "cache_dir", type=PATH, default=Path(".ranpasti/cache"),
                            show_default=True, help="Folder cache Parquet hasil validasi.")
params_option = click.option("--params", "params_dir", type=PATH, default=Path("params"),
                             show_default=True, help="Folder parameter halaman (YAML).")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ranpasti")
def main() -> None:
    """Situs kemajuan dan evaluasi RAN PASTI per kabupaten dan kecamatan."""


@main.command()
@data_option
@click.option("--laporan", "laporan", type=PATH, default=None,
              help="Tulis juga laporan Excel (.xlsx): salinan tiap file dengan sel bermasalah diwarnai dan diberi "
                   "catatan, dan lembar Ringkasan.")
def validate(data_dir: Path, laporan: Path | None) -> None:
    """Periksa file data; tampilkan setiap masalah dengan file, baris dan kolomnya."""
    from .ingest.validate import validate as validate_data

    if laporan is not None and laporan.suffix.lower() != ".xlsx":
        say(f"GAGAL: --laporan harus file .xlsx (diberi {laporan}).", err=True)
        sys.exit(2)
    note = ""
    try:
        if laporan is not None:
            from .ingest.laporan import check_out, write_report

            check_out(laporan, data_dir)  # before a validation that may take minutes
        result = validate_data(data_dir, regions=load_regions())
        if laporan is not None:
            laporan, note = write_report(result, laporan, data_dir)
    except RanpastiError as e:
        say(f"GAGAL: {e}", err=True)
        sys.exit(1)
    except OSError as e:
        system_fail(e)
    say(result.report.render())
    if note:
        say(f"CATATAN: {note}")
    if laporan is not None:
        say(f"Laporan Excel ditulis: {laporan} (sel bermasalah diwarnai, catatannya di komentar sel).")
    sys.exit(0 if result.report.ok else 1)


@main.command()
@click.argument("kode_kabupaten")
@click.option("--tahun", type=int, default=None, help="Tahun data, 2016 sampai tahun depan (bawaan: tahun ini).")
@click.option("--out", "out", type=PATH, default=None,
              help="File .xlsx yang ditulis (bawaan: templat-KODE-NAMA-TAHUN.xlsx di folder data).")
@data_option
def templat(kode_kabupaten: str, tahun: int | None, out: Path | None, data_dir: Path) -> None:
    """Buat buku kerja Excel untuk diisi: satu lembar per data, semua desa kabupaten sudah terisi."""
    import datetime as dt

    from .ingest.templat import default_path, make_workbook

    tahun = dt.date.today().year if tahun is None else tahun  # 0 is a wrong year, not "this year" (B58)
    try:
        regions = load_regions()  # (reference data is refused when it holds a personal number)
        if out is None:
            known = kode_kabupaten in regions.kabupaten.index
            slug = str(regions.kabupaten.at[kode_kabupaten, "slug"]) if known else ""
            out = default_path(data_dir, kode_kabupaten, slug, tahun)
        path, note = make_workbook(kode_kabupaten, tahun, regions, out)
    except RanpastiError as e:
        say(f"GAGAL: {e}", err=True)
        sys.exit(1)
    except OSError as e:
        system_fail(e)
    if note:
        say(f"CATATAN: {note}")
    say(f"Buku kerja ditulis: {path}. Isi sel putihnya, simpan di folder data, lalu jalankan "
               "`ranpasti validate` (tambahkan --laporan laporan.xlsx untuk laporan Excel).")


@main.command()
@data_option
@cache_option
@params_option
@click.option("--timpa", "overwrite", is_flag=True, help="Tulis ulang file yang sudah ada (suntingan hilang).")
def params(data_dir: Path, cache_dir: Path, params_dir: Path, overwrite: bool) -> None:
    """Buat file parameter untuk setiap halaman dari wilayah yang ada di data."""
    from .ingest.store import cache_lock, ingest
    from .plan.params import warn_stale_files, write_params

    try:
        with cache_lock(cache_dir):  # a build on this cache is reading it: wait for it, never replace its data
            store, _ = ingest(data_dir, cache_dir)
            written, kept = write_params(store, params_dir, overwrite=overwrite, log=say)
            warn_stale_files(params_dir, store, lambda text: say(f"[peringatan params] {text}"))
    except DataError as e:
        fail(e)
    except RanpastiError as e:
        say(f"GAGAL: {e}", err=True)
        sys.exit(1)
    except OSError as e:
        system_fail(e)
    say(f"{written} file parameter ditulis, {kept} sudah ada dan dipertahankan, di {params_dir}/.")


@main.command()
@data_option
@cache_option
@params_option
@click.option("--out", type=PATH, default=Path("site"), show_default=True,
              help="Folder situs hasil build.")
@click.option("--build-dir", type=PATH, default=Path("build"), show_default=True,
              help="Folder kerja: notebook hasil eksekusi dan catatan build.")
@click.option("--renderer", type=RegistryChoice(renderer_names), default="auto", show_default=True,
              help="Pembuat HTML situs (auto: Quarto bila ada di PATH, selain itu bawaan).")
@click.option("--jobs", "-j", type=int, default=os.cpu_count() or 1, show_default=True,
              help="Jumlah pekerja paralel.")
@click.option("--engine", default=None,
              help="Engine papermill (bawaan: ranpasti-inprocess; atau ranpasti-warm, nbclient).")
@click.option("--executor", type=RegistryChoice(executor_names), default=DEFAULT_EXECUTOR, show_default=True,
              help="Tempat notebook dijalankan: proses di komputer ini, atau klaster Dask.")
@click.option("--scheduler", default=None, help="Alamat scheduler Dask, tcp://HOST:8786 (dengan --executor dask).")
@click.option("--force", is_flag=True,
              help="Jalankan ulang semua notebook dan render ulang semua halaman walau datanya tidak berubah.")
@click.option("--allow-partial", is_flag=True,
              help="Terbitkan halaman yang berhasil walau ada yang gagal (tetap keluar dengan status 1).")
def build(data_dir: Path, cache_dir: Path, params_dir: Path, out: Path, build_dir: Path, renderer: str, jobs: int,
          engine: str | None, executor: str, scheduler: str | None, force: bool, allow_partial: bool) -> None:
    """Validasi data, jalankan notebook setiap halaman, dan tulis situs statis."""
    from .build import BuildOptions
    from .build import build as run_build
    from .run.execute import DEFAULT_ENGINE

    opts = BuildOptions(data_dir=data_dir, params_dir=params_dir, out=out, build_dir=build_dir, cache_dir=cache_dir,
                        renderer=renderer, jobs=max(1, jobs), engine=engine or DEFAULT_ENGINE, executor=executor,
                        scheduler=scheduler, force=force, allow_partial=allow_partial)
    try:
        interrupt_on_sigterm()  # a CI cancel or `timeout`: clean up as for Ctrl+C (see lifeline)
        run_build(opts, log=say)
    except DataError as e:
        fail(e)
    except RanpastiError as e:  # a failed page, a bad params file, a locked site, a renderer that cannot run
        say(f"BUILD GAGAL: {e}", err=True)
        sys.exit(1)
    except OSError as e:  # a full disk or a read-only folder, from wherever it was met
        system_fail(e, out)


@main.command()
@click.option("--dir", "site_dir", type=PATH, default=Path("site"), show_default=True,
              help="Folder situs yang sudah dibangun.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Nomor port 1–65535 (0: pilih port yang bebas).")
def serve(site_dir: Path, port: int) -> None:
    """Pratinjau situs yang sudah dibangun di http://127.0.0.1:PORT (hanya komputer ini)."""
    import errno

    from .serve import serve as run_serve

    if not (site_dir / "index.html").is_file():
        say(f"{site_dir}/index.html belum ada. Jalankan `ranpasti build` dahulu.", err=True)
        sys.exit(1)
    try:
        run_serve(site_dir, port)
    except OSError as e:
        if e.errno == errno.EADDRINUSE:
            other = port + 1 if 0 < port < 65535 else 8001
            say(f"GAGAL: port {port} sudah dipakai program lain (mungkin `ranpasti serve` yang masih "
                       f"berjalan). Tutup program itu, atau pilih port lain: ranpasti serve --port {other}.", err=True)
        elif e.errno in (errno.EACCES, errno.EPERM):
            say(f"GAGAL: port {port} hanya boleh dipakai administrator. Pilih port 1024 ke atas, misalnya "
                       "--port 8000.", err=True)
        else:
            system_fail(e)
        sys.exit(1)


def system_fail(err: OSError, site: Path | None = None) -> None:
    from .core.diskerrors import explain

    say(f"GAGAL: {explain(err, site)}", err=True)
    sys.exit(1)


def fail(err: DataError) -> None:
    say(err.report.render(), err=True)
    say("Situs tidak diubah. Perbaiki data lalu jalankan lagi.", err=True)
    sys.exit(1)
