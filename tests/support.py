"""Shared set-up of the tests that is not a fixture: paths, the sample data copied for a test to break, the
CLI's validation as staff run it, small notebooks for the engine tests, and the few-unit builds the build,
publishing and code-key tests start from. Test modules import from here, never from each other or conftest.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from dataclasses import replace
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from ranpasti.build import BuildOptions
from ranpasti.reference.asof import kampung_as_of
from ranpasti.reference.regions import Regions
from ranpasti.run.jobs import Job

ROOT = Path(__file__).resolve().parents[1]
# The offline Quarto kit of this workplace; `make test` installs it into .tools/quarto (scripts/setup_quarto.sh)
QUARTO_KIT = ROOT.parent / "shared" / "tools" / "quarto"
RENDERERS = ("builtin", "quarto")


def require_quarto() -> None:
    """Skip (with the reason) where no Quarto can be had; fail where it could and is missing."""
    from ranpasti.render.quarto import QuartoRenderer

    ok, why = QuartoRenderer().available()
    if ok:
        return
    if QUARTO_KIT.is_dir():
        pytest.fail(f"Quarto is not usable ({why}) although the kit {QUARTO_KIT} is here: run `make test`, "
                    "which installs it (scripts/setup_quarto.sh)")
    pytest.skip(f"no real Quarto here ({why}) and no kit at {QUARTO_KIT}: Quarto tests skipped")


def section_text(section) -> str:
    """A page section's words as a reader sees them: markup dropped, white space folded."""
    return " ".join(re.sub(r"<[^>]+>", " ", "".join(part.html() for part in section)).split())


def validate_folder(d: Path) -> tuple[int, str]:
    """``ranpasti validate --data d`` as staff run it: (exit code, what it printed), never a traceback."""
    from click.testing import CliRunner

    from ranpasti.cli import main

    result = CliRunner().invoke(main, ["validate", "--data", str(d)])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def refused_cells(data: Path, table: str, cells: dict[tuple[int, str], str]) -> tuple[dict, str]:
    """Type ``cells`` ((row index, column) -> text) into ``data/<table>.csv`` and validate it as staff do; it
    must be refused. Returns the line naming each cell (file row = index + 2; "" if none) and the output."""
    import pandas as pd

    rows = pd.read_csv(data / f"{table}.csv", dtype=str, keep_default_na=False)
    for (index, column), text in cells.items():
        rows.loc[index, column] = text
    rows.to_csv(data / f"{table}.csv", index=False)
    code, out = validate_folder(data)
    assert code == 1, out
    lines = {cell: next((ln for ln in out.splitlines() if f"{table}.csv, baris {cell[0] + 2}," in ln
                         and f"kolom {cell[1]}" in ln), "") for cell in cells}
    return lines, out


def copy_sample_data(dest: Path) -> Path:
    """The sample data folder's files (not ``data/wilayah``, which the package reads in place) copied into
    ``dest``, modification times kept: every test that builds from its own data starts here."""
    dest.mkdir(parents=True, exist_ok=True)
    for f in (ROOT / "data").iterdir():
        if f.is_file():
            shutil.copy2(f, dest / f.name)
    return dest


# ---------------------------------------------------------------- engine tests


def notebook(path: Path, *cells: str, params: str = "kode = 'x'") -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    p = nbformat.v4.new_code_cell(params)
    p.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# uji"), p, *(nbformat.v4.new_code_cell(c) for c in cells)]
    nbformat.write(nb, path)
    return path


def job(tmp_path: Path, nb: Path, name: str, **parameters) -> Job:
    """A unit; papermill injects its parameters as cell 2, so the notebook's own cells count from 3."""
    key = hashlib.sha256(name.encode()).hexdigest()
    return Job(name, name, nb, tmp_path / "out" / name / "index.ipynb", {"kode": name, **parameters}, key)


# ---------------------------------------------------------------- few-unit builds

# a kabupaten and three of its kecamatan: the build, failure and safety tests' own builds
FAILURE_UNITS = ("16.05", "16.05.01", "16.05.08", "16.05.09")
# the nation, two provinces, a kabupaten of each and some kecamatan: incremental publishing's builds
INCREMENTAL_UNITS = ("ID", "16", "16.05", "16.05.01", "16.05.08", "18", "18.13", "18.13.01")


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` by its path and content hash."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def few_units_options(tmp: Path) -> BuildOptions:
    """A build of ``FAILURE_UNITS`` from copies of the sample data and notebooks under ``tmp``, one worker."""
    data = copy_sample_data(tmp / "data")
    shutil.copytree(ROOT / "notebooks", tmp / "notebooks")
    return BuildOptions(data_dir=data, params_dir=tmp / "params", out=tmp / "site", build_dir=tmp / "build",
                        cache_dir=tmp / "cache", notebooks_dir=tmp / "notebooks", renderer="builtin", jobs=1,
                        only=FAILURE_UNITS)


def incremental_options(tmp: Path, renderer: str = "builtin") -> BuildOptions:
    """``few_units_options`` over ``INCREMENTAL_UNITS`` (two provinces) with ``renderer``."""
    if renderer == "quarto":
        require_quarto()
    return replace(few_units_options(tmp), only=INCREMENTAL_UNITS, renderer=renderer)


# ---------------------------------------------------------------- few-unit projects built once per test run

# the projects the ``built_project`` fixture (conftest) builds: name -> units
PROJECTS = {"incremental": INCREMENTAL_UNITS, "failures": FAILURE_UNITS}


def project_options(units: tuple[str, ...], renderer: str = "builtin", jobs: int = 1) -> BuildOptions:
    """A build of ``units`` of the project folder that is the current directory, with the relative paths of
    ``ranpasti build`` run there (data/, params/, site/, build/, cache/, notebooks/). A page's key holds its
    cache folder as written, so a copy of a built project elsewhere, built from there, has the same keys: its
    pages are as fresh as the original's."""
    if renderer == "quarto":
        require_quarto()
    return BuildOptions(data_dir=Path("data"), params_dir=Path("params"), out=Path("site"),
                        build_dir=Path("build"), cache_dir=Path("cache"), notebooks_dir=Path("notebooks"),
                        renderer=renderer, jobs=jobs, only=units)


def new_project(root: Path) -> Path:
    """A project folder ``root`` holding copies of the sample data and the notebooks, nothing built."""
    copy_sample_data(root / "data")
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    return root


def copy_project(built: dict, tmp: Path, monkeypatch, renderer: str = "builtin", site: bool = True) -> BuildOptions:
    """A copy under ``tmp`` of a project ``built_project`` built (with its site, or without one: ``site``),
    made the current directory (``monkeypatch.chdir``); its options for ``renderer``. Copies keep
    modification times, so the validated cache, the executed notebooks and the site stay fresh: a test starts
    where the shared first build ended and changes only its own copy."""
    root = tmp / "proyek"
    skip = set() if site else {"site", ".site.lock"}

    def ignore(folder: str, names: list[str]) -> list[str]:
        return [n for n in names if n in skip and Path(folder) == built["root"]]

    copy_built(built["root"], root, ignore=ignore)
    monkeypatch.chdir(root)
    return project_options(built["units"], renderer=renderer)


def copy_built(project: Path, dest: Path, folder: str = "", ignore=None) -> None:
    """``project/folder`` (a built project, or one folder of it) copied to ``dest``, times kept, but its
    executed notebooks (``build/notebooks/**.ipynb``) hard-linked: the renderer knows an executed notebook by
    its inode and times (``render.incremental.notebook_stamp``), so a copy would re-render every page. A build
    replaces an executed notebook (``os.replace``), never writes into it, so the original stays as it was.
    A replaced version its build left to a background deletion (``.site.dihapus-…``: ``core.dirswap``) is not
    copied: it is not the project's state, and it may vanish while being copied."""
    def copy(src: str, dst: str) -> None:
        if Path(src).relative_to(project).parts[:2] == ("build", "notebooks") and src.endswith(".ipynb"):
            os.link(src, dst)
        else:
            shutil.copy2(src, dst)

    def skip(where: str, names: list[str]) -> list[str]:
        trash = [n for n in names if ".dihapus-" in n and n.startswith(".")]
        return trash + (list(ignore(where, names)) if ignore else [])

    shutil.copytree(project / folder, dest, symlinks=True, ignore=skip, copy_function=copy)


# ---------------------------------------------------------------- small data sets

# A konfigurasi.yml (or params file) of nested aliases: expanded, it is 9**9 items (an "alias bomb").
BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n" + "".join(
    f"{chr(99 + i)}: &{chr(99 + i)} [{', '.join([f'*{chr(98 + i)}'] * 9)}]\n" for i in range(7))


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


# files every data folder holds whatever its rows
GLOBAL_FILES = ("target.csv", "prevalensi.csv", "konfigurasi.yml")


def sample_table(name: str) -> pd.DataFrame:
    return pd.read_csv(ROOT / "data" / f"{name}.csv", dtype=str, keep_default_na=False)


def musi_rawas_2024(kab: str = "16.05", year: int = 2024) -> dict[str, pd.DataFrame]:
    """The sample's rows of Musi Rawas (or another sample kabupaten) for 2024, per input."""
    KAB, YEAR = kab, year  # the filters below read as test_templat's
    p = sample_table("pendampingan")
    j = sample_table("jangkauan")
    k = sample_table("kampung_kb")
    lm = sample_table("lokmin")
    r = sample_table("krs_rekap")
    return {
        "pendampingan": p[p.kode_desa.str.startswith(KAB + ".") & p.bulan.str.startswith(str(YEAR))],
        "jangkauan": j[j.kode_desa.str.startswith(KAB + ".") & (j.tahun == str(YEAR))],
        # a year's workbook holds one row per desa: its Kampung KB as it stood at the end of that year
        "kampung_kb": kampung_as_of(k[k.kode_desa.str.startswith(KAB + ".")], f"{YEAR}-12-31"),
        "lokmin": lm[lm.kode_kecamatan.str.startswith(KAB + ".") & lm.tanggal.str.startswith(str(YEAR))],
        "krs_rekap": r[r.kode_kecamatan.str.startswith(KAB + ".") & (r.tahun == str(YEAR))],
    }


def csv_folder(dest: Path, frames: dict[str, pd.DataFrame]) -> Path:
    dest.mkdir(parents=True)
    for name in GLOBAL_FILES:
        shutil.copy2(ROOT / "data" / name, dest / name)
    for name, frame in frames.items():
        frame.to_csv(dest / f"{name}.csv", index=False)
    return dest


def facts_built_on(runner, store, tmp_path: Path, monkeypatch) -> None:
    """Build ``store``'s facts here and with ``runner.map`` (an executor: its workers compute the kabupaten
    batches, a batch per kabupaten), and assert both wrote the same part files, the upper part included."""
    from ranpasti import facts
    from ranpasti.facts import pendampingan

    monkeypatch.setattr(pendampingan, "BATCH_ROWS", 1)  # a batch per kabupaten: three tasks for two workers
    here = facts.build(store, tmp_path / "here")
    sent: list[int] = []

    def mapper(fn, tasks):
        sent.append(len(tasks))
        return runner.map(fn, tasks)

    try:
        there = facts.build(store, tmp_path / "workers", mapper)
    finally:
        runner.close()
    assert sent == [len(store.kabupaten_codes())] and sent[0] >= 2
    names = sorted(p.name for p in here.glob("*.parquet"))
    assert names == sorted(p.name for p in there.glob("*.parquet")) and len(names) == sent[0] + 1
    for name in names:
        pd.testing.assert_frame_equal(pd.read_parquet(here / name), pd.read_parquet(there / name), check_exact=True)
