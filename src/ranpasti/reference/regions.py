"""Reference regions (Kemendagri codes from ``idn-area-data``) and the hierarchy between them.

Every other module asks this one which desa belong to a kecamatan, what a unit is called and where its page
lives, so that codes and names are checked against one authority. Loaded once per process (the national
tables are ~84k rows, a few tens of milliseconds with pyarrow).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..core import caches, privacy
from ..core.files import sha256_bytes, sha256_file
from ..core.slugs import kabupaten_slug, provinsi_slug, sibling_slugs
from .batas import fingerprint as batas_fingerprint

LEVELS = ("nasional", "provinsi", "kabupaten", "kecamatan", "desa")


def default_wilayah_dir() -> Path:
    """``data/wilayah`` of the project checkout; the reference tables ship with the repository."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "data" / "wilayah"
        if (candidate / "desa.csv").exists():
            return candidate
    return Path.cwd() / "data" / "wilayah"


def level_of(code: str) -> str:
    """Kemendagri codes grow by one part per level: ``16`` → ``16.05`` → ``16.05.01`` → ``16.05.01.2001``."""
    if code in ("", "ID", "nasional"):
        return "nasional"
    return LEVELS[min(code.count(".") + 1, 4)]


# Kemendagri codes nest by prefix (``16.05.01.2001`` is in ``16.05.01``, in ``16.05``, in ``16``) and every
# part has a fixed width, so a unit's ancestor at a level is its first so many characters
CODE_LENGTH = {"provinsi": 2, "kabupaten": 5, "kecamatan": 8, "desa": 13}


def ancestor(code: str, level: str) -> str:
    """The code of the unit at ``level`` that ``code`` lies in (itself at its own level; ``ID`` at
    ``nasional``). The one place that knows codes nest by prefix: callers never cut ``code[:5]`` themselves.
    ``ValueError`` when ``code`` is above ``level`` (a kabupaten has no kecamatan ancestor)."""
    if level == "nasional":
        return "ID"
    own = level_of(code)
    if LEVELS.index(own) < LEVELS.index(level):
        raise ValueError(f"kode {code!r} ({own}) tidak berada di bawah tingkat {level}")
    return code[:CODE_LENGTH[level]]


def ancestors(codes: pd.Series, level: str) -> pd.Series:
    """``ancestor`` of every code of a Series at once (codes validated to be at or below ``level``)."""
    if level == "nasional":
        return pd.Series("ID", index=codes.index)
    return codes.str.slice(0, CODE_LENGTH[level])


# the column of a level's table that holds the code of the unit one level up
PARENT_COLUMN: dict[str, str | None] = {"provinsi": None, "kabupaten": "kode_provinsi",
                                        "kecamatan": "kode_kabupaten", "desa": "kode_kecamatan"}


@dataclass(frozen=True)
class Unit:
    kode: str
    nama: str
    tingkat: str
    slug: str
    parent: str | None

    @property
    def label(self) -> str:
        """Name as printed on a page: kecamatan and desa get their level in front."""
        if self.tingkat == "kecamatan":
            return f"Kecamatan {self.nama}"
        if self.tingkat == "provinsi":
            return f"Provinsi {self.nama}"
        if self.tingkat == "desa":
            return f"Desa/Kelurahan {self.nama}"
        return self.nama


class Regions:
    """Lookup tables for the whole country, indexed by code."""

    FILES = ("provinsi.csv", "kabupaten.csv", "kecamatan.csv", "desa.csv")

    def __init__(self, wilayah_dir: Path | None = None):
        d = Path(wilayah_dir or default_wilayah_dir())
        self.dir = d
        # what the reference data is, by content: part of the validated cache's key and of every page's
        # key, so a renamed kecamatan re-validates and re-executes (its old name stayed on its kabupaten page)
        # (the map boundaries of ``batas/`` included: a redrawn border re-draws the pages' maps)
        self.fingerprint = sha256_bytes("\0".join([*(f"{name}={sha256_file(d / name)}" for name in self.FILES),
                                                    batas_fingerprint(d)]))
        def read(name: str) -> pd.DataFrame:
            table = pd.read_csv(d / name, dtype=str, keep_default_na=False, engine="pyarrow")
            return _refuse_personal(d / name, table)

        prov = read("provinsi.csv")
        prov["slug"] = prov["nama"].map(provinsi_slug)
        kab = read("kabupaten.csv")
        kab["slug"] = kab["nama"].map(kabupaten_slug)
        kec = read("kecamatan.csv")
        kec["slug"] = sibling_slugs(kec["nama"], kec["kode"], kec["kode_kabupaten"])
        desa = read("desa.csv")
        desa["kode_kabupaten"] = ancestors(desa["kode_kecamatan"], "kabupaten")
        # sorted by code: the units inside a unit are then one contiguous block (see ``inside``)
        self.provinsi = prov.set_index("kode").sort_index()
        self.kabupaten = kab.set_index("kode").sort_index()
        self.kecamatan = kec.set_index("kode").sort_index()
        self.desa = desa.set_index("kode").sort_index()
        self._units: dict[str, Unit] = {}
        self._levels_made: set[str] = set()  # levels whose units are all in ``_units``

    def parent(self, u: Unit) -> Unit:
        """The unit one level up (a province's is the country's)."""
        if u.parent is None:
            raise KeyError(f"{u.kode} tidak punya wilayah induk")
        return self.unit(u.parent)

    def unit(self, kode: str) -> Unit:
        """The unit for a code at any level; ``KeyError`` with the code when it does not exist.

        Memoised (units are immutable; a page asks for the same units many times)."""
        u = self._units.get(kode)
        if u is None:
            u = self._units[kode] = self._unit(kode)
        return u

    def _unit(self, kode: str) -> Unit:
        tingkat = level_of(kode)
        if tingkat == "nasional":
            return Unit("ID", "Indonesia", "nasional", "", None)
        if tingkat != "desa":
            if tingkat not in self._levels_made:
                # the first lookup at a level makes every unit of it at once: one row at a time through
                # ``.loc`` cost ~0.2 ms, ~1.7 s for the national site's 7,800 page units
                self._units.update(self._level_units(tingkat))
                self._levels_made.add(tingkat)
            if kode not in self._units:
                raise KeyError(kode)
            return self._units[kode]
        if kode not in self.desa.index:  # 83,000 desa, rarely asked for one by one: not made at once
            raise KeyError(kode)
        row = self.desa.loc[kode]
        return Unit(kode, row["nama"], tingkat, "", row[PARENT_COLUMN[tingkat]])

    def _level_units(self, tingkat: str) -> dict[str, Unit]:
        table = getattr(self, tingkat)
        parent_col = PARENT_COLUMN[tingkat]
        parents = table[parent_col] if parent_col and parent_col in table else [None] * len(table)
        return {k: Unit(k, n, tingkat, sl, p) for k, n, sl, p in zip(table.index, table["nama"], table["slug"],
                                                                    parents, strict=True)}

    def lineage(self, kode: str) -> list[Unit]:
        """Units from the province down to ``kode`` (for breadcrumbs)."""
        chain = []
        current: str | None = kode
        while current:
            u = self.unit(current)
            chain.append(u)
            current = u.parent
        return chain[::-1]

    def desa_of(self, kode: str) -> pd.DataFrame:
        """All reference desa inside a unit (any level), so "no report" can be told from "no desa"."""
        if level_of(kode) == "nasional":
            return self.desa
        return inside(self.desa, kode)

    def children(self, kode: str) -> pd.DataFrame:
        """Direct children of a unit, with their slugs."""
        tingkat = level_of(kode)
        if tingkat == "nasional":
            return self.provinsi
        child = LEVELS[LEVELS.index(tingkat) + 1]
        return inside(getattr(self, child), kode)

    def path(self, kode: str) -> str:
        """Folder of a unit's progress page under the site root (``kabupaten-musi-rawas/tugumulyo``)."""
        u = self.unit(kode)
        if u.tingkat == "nasional":
            return ""
        if u.tingkat == "provinsi":
            return u.slug
        if u.tingkat == "kabupaten":
            return u.slug
        if u.tingkat == "kecamatan":
            return f"{self.parent(u).slug}/{u.slug}"
        raise ValueError(f"desa tidak punya halaman sendiri: {kode}")


def _refuse_personal(path: Path, table: pd.DataFrame) -> pd.DataFrame:
    """Reference names are published on every page: a NIK or phone number in one (a desa name edited by
    hand) is refused, naming the file, row and column. (Codes are checked for their shape elsewhere.)"""
    for column in (c for c in table.columns if not c.startswith("kode")):
        found = privacy.find_in_column(table[column].tolist())
        if found:
            privacy.refuse_personal(table[column].iloc[found[0]], f"{path} baris {found[0] + 2}, kolom {column}")
    return table


@caches.memo(8)
def load_regions(wilayah_dir: str | None = None) -> Regions:
    return Regions(Path(wilayah_dir) if wilayah_dir else None)


SEARCH_KEYS_KEPT = 8  # the reference tables (provinsi … desa) of a process or two: a short-lived table passed
# here by mistake can never pile up
_SEARCH_KEYS = caches.table("reference.regions.search_keys", SEARCH_KEYS_KEPT)


def _search_keys(table: pd.DataFrame) -> np.ndarray:
    """The table's codes as a NumPy array of Python strings, made once per table. pandas' ``searchsorted``
    on an Arrow-backed index converts the whole index to NumPy on every call: 3 ms for the 83,762 desa, on
    every page (~7% of a kecamatan page). The entry holds the table, so its ``id`` cannot be reused."""
    return _SEARCH_KEYS.get_or_make(id(table), lambda: np.asarray(table.index.astype(object)), keep=table)


def inside(table: pd.DataFrame, kode: str) -> pd.DataFrame:
    """Rows of a code-sorted table whose code starts with ``kode.``: a binary search for the block
    (``"."`` is followed by ``"/"`` in ASCII), not a string scan of all 83,762 desa on every page."""
    lo, hi = np.searchsorted(_search_keys(table), [kode + ".", kode + "/"])
    return table.iloc[lo:hi]
