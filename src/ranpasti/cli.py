"""``ranpasti``: the command staff run. A thin layer over the library; every command's work is a library call.

Errors staff can cause end as a Bahasa Indonesia message and exit status 1, never a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .problems import DataError
from .regions import load_regions
from .validate import validate as validate_data

DEFAULT_DATA = Path("data")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ranpasti")
def main() -> None:
    """Situs kemajuan dan evaluasi RAN PASTI per kabupaten dan kecamatan."""


@main.command()
@click.option("--data", "data_dir", type=click.Path(path_type=Path), default=DEFAULT_DATA, show_default=True,
              help="Folder data masukan.")
def validate(data_dir: Path) -> None:
    """Periksa file data; tampilkan setiap masalah dengan file, baris dan kolomnya."""
    result = validate_data(data_dir, regions=load_regions())
    click.echo(result.report.render())
    sys.exit(0 if result.report.ok else 1)


def fail(err: DataError) -> None:
    click.echo(err.report.render(), err=True)
    sys.exit(1)
