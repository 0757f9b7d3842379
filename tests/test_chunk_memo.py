"""Re-ingest after a change to some rows replays the unchanged chunks (``validate.ChunkMemo``): the cache and
every message must be what a full validation gives."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from ranpasti.ingest import readers
from ranpasti.ingest.problems import DataError
from ranpasti.ingest.store import MEMO, ingest

pytestmark = pytest.mark.slow  # ingests the whole sample several times

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of ~1,000 rows, so the sample's pendampingan.csv is many chunks."""
    monkeypatch.setattr(readers, "CHUNK_CELLS", 16_000)


def _data(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    return data


def _partitions(cache: Path) -> dict[str, pd.DataFrame]:
    return {p.name: pd.read_parquet(p) for p in sorted((cache / "pendampingan").glob("*.parquet"))}


def test_a_changed_row_reingests_to_the_cache_a_full_ingest_makes(tmp_path, small_chunks):
    data = _data(tmp_path)
    ingest(data, tmp_path / "cache")
    assert len(list((tmp_path / "cache" / MEMO).glob("*.json"))) > 5
    path = data / "pendampingan.csv"
    pend = pd.read_csv(path, dtype=str, keep_default_na=False)
    at = pend.index[pend["krs_didampingi"].astype(int) > 0][len(pend) // 2]
    pend.loc[at, "krs_didampingi"] = str(int(pend.loc[at, "krs_didampingi"]) - 1)
    pend.to_csv(path, index=False)
    store, report = ingest(data, tmp_path / "cache")
    full, full_report = ingest(data, tmp_path / "full", force=True)
    assert report.notes == full_report.notes
    assert store.slice_hashes() == full.slice_hashes()
    mine, theirs = _partitions(tmp_path / "cache"), _partitions(tmp_path / "full")
    assert mine.keys() == theirs.keys()
    for name in mine:
        pd.testing.assert_frame_equal(mine[name], theirs[name])


def test_a_duplicate_of_an_unchanged_chunk_is_still_refused_with_the_same_message(tmp_path, small_chunks):
    data = _data(tmp_path)
    ingest(data, tmp_path / "cache")
    path = data / "pendampingan.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join([*lines, lines[3]]), encoding="utf-8")  # the third data row again, at the end
    with pytest.raises(DataError) as replayed:
        ingest(data, tmp_path / "cache")
    with pytest.raises(DataError) as full:
        ingest(data, tmp_path / "full", force=True)
    said = [str(p) for p in replayed.value.report.problems]
    assert said == [str(p) for p in full.value.report.problems]
    assert any("baris ganda" in s and "baris 4" in s for s in said)
