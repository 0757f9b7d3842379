"""Indicators and inputs are declared once (``src/ranpasti/definitions``), and everything derives from that.

The central test adds an indicator the way a developer would: one entry in a copy of ``indikator.yml`` plus
two new columns in a copy of the sample data, nothing else. Validation then accepts the columns, refuses a
numerator above its denominator naming file, row and column, and the cache and ``capaian`` carry the new
indicator. These run ``ranpasti`` in a subprocess with ``RANPASTI_DEFINITIONS`` set, as the registries are
built at import.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from support import copy_sample_data

from ranpasti.ingest import docs, schema
from ranpasti.ingest.kinds import KINDS, CountKind
from ranpasti.reference import declarations
from ranpasti.reference import indicators as ind

ROOT = Path(__file__).resolve().parents[1]

NEW_INDICATOR = """
  - key: bumil_anemia_ttd
    name: Ibu hamil anemia yang mendapat tablet tambah darah
    label: Bumil anemia dapat TTD
    definition: Ibu hamil dengan anemia yang mendapat tablet tambah darah
    numerator: bumil_anemia_ttd
    denominator: bumil_anemia
    counted: ibu hamil anemia sasaran
    direction: naik
    unit: "%"
    source: Kemenkes, laporan puskesmas
    glossary: Ibu hamil dengan kadar hemoglobin rendah yang menerima tablet tambah darah.
    group: keluarga
    target: {value: 90, source: Perpres 72/2021}
"""


def _definitions(tmp_path: Path, entry: str) -> Path:
    d = tmp_path / "definitions"
    shutil.copytree(declarations.DEFAULT_DIR, d)
    with (d / declarations.INDICATOR_FILE).open("a", encoding="utf-8") as f:
        f.write(entry)
    return d


def _data(tmp_path: Path, extra: dict[str, list[int]] | None = None) -> Path:
    d = copy_sample_data(tmp_path / "data")
    if extra:
        p = pd.read_csv(d / "pendampingan.csv", dtype=str, keep_default_na=False)
        for col, values in extra.items():
            p[col] = values[: len(p)]
        p.to_csv(d / "pendampingan.csv", index=False)
    return d


def _new_columns(n: int) -> dict[str, list[int]]:
    den = [3 + (i * 7) % 11 for i in range(n)]
    return {"bumil_anemia": den, "bumil_anemia_ttd": [d // 2 + (i % 2) for i, d in enumerate(den)]}


def _ranpasti(defs: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, declarations.ENV_VAR: str(defs), "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run([sys.executable, "-m", "ranpasti", *args], env=env, capture_output=True, text=True,
                          timeout=300, cwd=ROOT)


_CAPAIAN = """
import json, sys
from pathlib import Path
from ranpasti.reference import indicators as ind
from ranpasti.ingest.store import ingest
store, _ = ingest(Path(sys.argv[1]), Path(sys.argv[2]))
kab = store.pendampingan("16.05")
out = ind.capaian(kab, "kabupaten", by_month=False)
agg = ind.capaian(store.agregat("ID"), "nasional", by_month=False, code_col="kode_kabupaten")
print(json.dumps({"kab": out.to_dict("records"), "nasional": agg.to_dict("records"),
                  "keys": [i.key for i in ind.PENDAMPINGAN_INDICATORS], "columns": list(kab.columns)}))
"""


def _capaian(defs: Path, data: Path, cache: Path) -> dict:
    env = {**os.environ, declarations.ENV_VAR: str(defs), "PYTHONPATH": str(ROOT / "src")}
    r = subprocess.run([sys.executable, "-c", _CAPAIAN, str(data), str(cache)], env=env, capture_output=True,
                       text=True, timeout=300, cwd=ROOT)
    assert r.returncode == 0, r.stderr[-3000:]
    return json.loads(r.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- derived from the declarations


def test_readme_matches_declarations():
    """Fails when data/README.md drifts from the declarations: run python scripts/gen_data_readme.py."""
    text = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    assert docs.rewrite(text, docs.sections()) == text, "data/README.md is out of date: run scripts/gen_data_readme.py"


def test_schema_and_indicators_come_from_the_declarations():
    decl = declarations.load()
    assert [i.key for i in decl.indicators] == list(ind.INDICATORS)
    assert decl.groups == ind.GROUPS
    pend = schema.TABLES["pendampingan"]
    for i in ind.PENDAMPINGAN_INDICATORS:
        assert (i.numerator, i.denominator) in pend.ratios
        assert pend.column(i.numerator).kind == pend.column(i.denominator).kind == "count"
        assert i.direction in ("naik", "turun") and i.unit and i.source and i.glossary
    # each denominator followed by its numerators: the column order of staff's exports and the sample
    header = pd.read_csv(ROOT / "data" / "pendampingan.csv", nrows=0).columns
    assert [c for c in pend.column_names if c in header] == list(header)
    assert pend.ratios == schema.PENDAMPINGAN_PAIRS


def test_kinds_are_objects():
    assert isinstance(KINDS["count"], CountKind)
    for spec in schema.TABLES.values():
        for col in spec.columns:
            assert col.type is KINDS[col.kind]
            assert col.type.bad_message(col.hint).endswith(f"seharusnya {col.hint}.")
    assert KINDS["count"].dtype == "int64" and KINDS["percent"].dtype == "float64" and KINDS["text"].dtype == "str"


def test_a_broken_declaration_is_named(tmp_path):
    d = _definitions(tmp_path, NEW_INDICATOR.replace("group: keluarga", "group: tidak_ada"))
    with pytest.raises(declarations.DeclarationError, match=r"bumil_anemia_ttd.*tidak_ada"):
        declarations.load(d)


# ---------------------------------------------------------------- a new indicator: one entry plus data


@pytest.mark.slow
def test_new_indicator_is_one_entry_plus_data(tmp_path):
    defs = _definitions(tmp_path, NEW_INDICATOR)
    decl = declarations.load(defs)
    tables = schema.tables_from(decl)
    pend = tables["pendampingan"]
    assert pend.column_names[-2:] == ["bumil_anemia", "bumil_anemia_ttd"]
    assert ("bumil_anemia_ttd", "bumil_anemia") in pend.ratios and pend.column("bumil_anemia").required
    new = ind.indicators_from(decl)["bumil_anemia_ttd"]
    assert (new.label, new.group, new.target) == ("Bumil anemia dapat TTD", "keluarga", 90.0)
    assert "| `bumil_anemia_ttd` | yes | bilangan bulat 0 atau lebih |" in docs.inputs_markdown(tables.values())
    assert "`bumil_anemia_ttd` ÷ `bumil_anemia`" in docs.indicators_markdown(ind.indicators_from(decl).values())

    n = len(pd.read_csv(ROOT / "data" / "pendampingan.csv", usecols=["bulan"]))
    cols = _new_columns(n)
    data = _data(tmp_path, cols)
    r = _ranpasti(defs, "validate", "--data", str(data))
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert "Data valid" in r.stdout

    # capaian for the new indicator, from the cache: Σ numerator ÷ Σ denominator
    got = _capaian(defs, data, tmp_path / "cache")
    assert "bumil_anemia_ttd" in got["keys"] and {"bumil_anemia", "bumil_anemia_ttd"} <= set(got["columns"])
    frame = pd.read_csv(data / "pendampingan.csv", dtype={"kode_desa": str})
    mine = frame[frame["kode_desa"].str.startswith("16.05.")]
    row = next(r for r in got["kab"] if r["indikator"] == "bumil_anemia_ttd")
    assert row["pembilang"] == mine["bumil_anemia_ttd"].sum() and row["penyebut"] == mine["bumil_anemia"].sum()
    assert row["nilai"] == pytest.approx(mine["bumil_anemia_ttd"].sum() / mine["bumil_anemia"].sum() * 100)
    national = next(r for r in got["nasional"] if r["indikator"] == "bumil_anemia_ttd")
    assert national["pembilang"] == frame["bumil_anemia_ttd"].sum()

    # numerator above its denominator: refused, naming file, spreadsheet row and column
    p = pd.read_csv(data / "pendampingan.csv", dtype=str, keep_default_na=False)
    p.loc[4, "bumil_anemia"], p.loc[4, "bumil_anemia_ttd"] = "3", "5"
    p.to_csv(data / "pendampingan.csv", index=False)
    r = _ranpasti(defs, "validate", "--data", str(data))
    assert r.returncode == 1
    line = next(ln for ln in r.stdout.splitlines() if "kolom bumil_anemia_ttd" in ln)
    assert "pendampingan.csv, baris 6" in line and '"5 > bumil_anemia 3"' in line
    assert "tidak boleh melebihi sasarannya" in line

    # a required indicator's columns missing from the file: refused as a missing required column
    p.drop(columns=["bumil_anemia", "bumil_anemia_ttd"]).to_csv(data / "pendampingan.csv", index=False)
    r = _ranpasti(defs, "validate", "--data", str(data))
    assert r.returncode == 1 and "kolom wajib tidak ada: bumil_anemia, bumil_anemia_ttd" in r.stdout


@pytest.mark.slow
def test_optional_indicator_columns_may_be_missing(tmp_path):
    optional = NEW_INDICATOR.replace("    group: keluarga\n", "    group: keluarga\n    optional: true\n")
    defs = _definitions(tmp_path, optional)
    assert not schema.tables_from(declarations.load(defs))["pendampingan"].column("bumil_anemia").required
    data = _data(tmp_path)  # the sample as it is: no bumil_anemia columns
    r = _ranpasti(defs, "validate", "--data", str(data))
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    got = _capaian(defs, data, tmp_path / "cache")
    row = next(r for r in got["kab"] if r["indikator"] == "bumil_anemia_ttd")
    assert math.isnan(row["nilai"]) and row["penyebut"] == 0  # shown as "tidak ada data", never 0 %
    national = next(r for r in got["nasional"] if r["indikator"] == "bumil_anemia_ttd")
    assert math.isnan(national["nilai"])
    krs = next(r for r in got["kab"] if r["indikator"] == "krs_didampingi")
    assert krs["nilai"] > 0

    # present, the optional columns are validated like any other
    n = len(pd.read_csv(data / "pendampingan.csv", usecols=["bulan"]))
    cols = _new_columns(n)
    cols["bumil_anemia_ttd"][2] = cols["bumil_anemia"][2] + 1
    cols["bumil_anemia"][7] = -1
    p = pd.read_csv(data / "pendampingan.csv", dtype=str, keep_default_na=False)
    for c, v in cols.items():
        p[c] = v
    p.to_csv(data / "pendampingan.csv", index=False)
    r = _ranpasti(defs, "validate", "--data", str(data))
    assert r.returncode == 1
    assert any("baris 4" in ln and "kolom bumil_anemia_ttd" in ln for ln in r.stdout.splitlines()), r.stdout[-2000:]
    assert any("baris 9" in ln and "kolom bumil_anemia" in ln and "angka negatif" in ln for ln in r.stdout.splitlines())


@pytest.mark.slow
def test_sample_generator_follows_the_declarations(tmp_path):
    """The generator writes a declared indicator's columns with no change of its own, and the rest of the
    sample stays byte-identical (the new columns draw from their own random generator)."""
    defs = _definitions(tmp_path, NEW_INDICATOR)
    out = tmp_path / "sample"
    env = {**os.environ, declarations.ENV_VAR: str(defs), "PYTHONPATH": str(ROOT / "src")}
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "generate_sample.py"), "--out", str(out)], env=env,
                       capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert r.returncode == 0, r.stderr[-3000:]
    for f in out.iterdir():
        if f.name not in ("pendampingan.csv", "target.csv"):
            assert f.read_bytes() == (ROOT / "data" / f.name).read_bytes(), f.name
    new = pd.read_csv(out / "pendampingan.csv", dtype=str, keep_default_na=False)
    old = pd.read_csv(ROOT / "data" / "pendampingan.csv", dtype=str, keep_default_na=False)
    assert list(new.columns) == [*old.columns, "bumil_anemia", "bumil_anemia_ttd"]
    pd.testing.assert_frame_equal(new[old.columns], old)
    assert (new["bumil_anemia_ttd"].astype(int) <= new["bumil_anemia"].astype(int)).all()
    targets = pd.read_csv(out / "target.csv")
    assert set(targets.loc[targets["indikator"] == "bumil_anemia_ttd", "target"]) == {90}
    r = _ranpasti(defs, "validate", "--data", str(out))
    assert r.returncode == 0, r.stdout[-3000:]


def test_an_indicator_judged_on_reach_gets_its_yearly_columns(tmp_path):
    """``annual: reach`` is the one line that puts an indicator's two columns into jangkauan.csv (optional,
    numerator ≤ denominator checked); any other basis is refused, naming the indicator."""
    reach = NEW_INDICATOR.replace("    group: keluarga\n", "    group: keluarga\n    annual: reach\n")
    tables = schema.tables_from(declarations.load(_definitions(tmp_path / "a", reach)))
    yearly = tables[ind.REACH_TABLE]
    assert yearly.column_names[-2:] == ["bumil_anemia", "bumil_anemia_ttd"]
    assert not yearly.column("bumil_anemia").required and ("bumil_anemia_ttd", "bumil_anemia") in yearly.ratios
    assert "Bumil anemia dapat TTD" in yearly.column("bumil_anemia_ttd").hint
    assert "bumil_anemia" not in schema.TABLES[ind.REACH_TABLE].column_names  # the package's own: unchanged
    broken = _definitions(tmp_path / "b", reach.replace("annual: reach", "annual: setahun"))
    with pytest.raises(declarations.DeclarationError, match=r"bumil_anemia_ttd.*annual"):
        declarations.load(broken)
