"""Staff's column headers read as our column names: declared aliases, the data folder's own mapping file, and
two-row (merged) headers flattened.

Staff keep their data in the forms they were given (Elsimil's TPK recap, the Aksi-6 data cakupan layanan,
the PK-24 KRS recap): "Jumlah KRS Sasaran", "KRS Didampingi (KK)", a merged "KRS" cell over "Sasaran" and
"Didampingi". Making them re-key every header into ours was the first wall an office hit. Here a header is
normalised (case, spaces and punctuation do not matter), then looked up in, first, the data folder's
``judul_kolom.yml`` (headers we cannot guess), then the aliases declared with each column
(``definitions/input.yml``, ``definitions/indikator.yml``) and the place-name columns (``names.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..core.yamlio import YamlError, load_with_lines
from ..reference import settings
from . import lookalike
from .names import NAME_HEADERS, name_levels
from .problems import Problem
from .schema import TableSpec

MAPPING_FILE = "judul_kolom.yml"
ALL_TABLES = "semua"  # the mapping file's section that applies to every input
TITLE_ROWS = 30  # header rows are looked for among this many first rows


def normalise_header(name: object) -> str:
    """A header as it is looked up: look-alike letters as the ASCII letters they look like
    (``lookalike.skeleton``, so a header and a ``judul_kolom.yml`` key match as staff see them), lower case,
    every run of other characters one ``_``."""
    text = lookalike.skeleton(str(name).replace("\ufeff", "")).strip().lower()
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


@dataclass
class HeaderMap:
    """Normalised staff header → column name, for one input table."""

    spec: TableSpec
    names: dict[str, str] = field(default_factory=dict)

    def column(self, header: object) -> str:
        key = normalise_header(header)
        return self.names.get(key, key)

    def known(self) -> set[str]:
        """Every column this table reads (its own and, where it takes them, the place-name columns)."""
        known = set(self.spec.column_names)
        if self.spec.names:
            known |= set(name_levels(self.spec.names))
        return known

    def required(self) -> set[str]:
        return {c.name for c in self.spec.columns if c.required}

    def recognised(self, names: list[str]) -> int:
        """How many required columns a header row gives (the place names count for the code they replace)."""
        found = self.required() & set(names)
        code = f"kode_{self.spec.names}" if self.spec.names else None
        if code in self.required() and code not in found and self.spec.names in names:
            found.add(code)
        return len(found)


def header_map(spec: TableSpec, mapping: dict[str, dict[str, str]] | None = None) -> HeaderMap:
    names: dict[str, str] = {}
    if spec.names:
        for level in name_levels(spec.names):
            for alias in NAME_HEADERS[level]:
                names[normalise_header(alias)] = level
    for c in spec.columns:
        for alias in c.aliases:
            names[normalise_header(alias)] = c.name
    for section in (ALL_TABLES, spec.name):
        for header, column in (mapping or {}).get(section, {}).items():
            names[normalise_header(header)] = column
    return HeaderMap(spec, names)


def load_mapping(data_dir: Path, known: dict[str, set[str]]) -> tuple[dict[str, dict[str, str]], list[Problem]]:
    """The data folder's ``judul_kolom.yml``: ``{input or "semua": {staff header: column}}``. Every target is
    checked against the columns of its input (``known``: input → its columns), so a typo is a message, not a
    column silently not found; its shape (sections of text → text) is its schema, ``settings.JudulKolom``."""
    path = Path(data_dir) / MAPPING_FILE
    if not path.is_file():
        return {}, []
    try:
        doc, lines = load_with_lines(path)
        if doc is None:
            return {}, []
        doc = settings.check(settings.JudulKolom, doc, path, lines, wrap=("sections",)).sections
    except YamlError as e:  # the schema's messages too (settings.SettingsError): file, line, key
        return {}, [Problem(MAPPING_FILE, str(e))]
    problems: list[Problem] = []
    out: dict[str, dict[str, str]] = {}
    every = set().union(*known.values()) if known else set()
    for section, entries in doc.items():
        section = str(section)
        if section != ALL_TABLES and section not in known:
            problems.append(Problem(MAPPING_FILE, f"bagian '{section}' tidak dikenal; yang ada: {ALL_TABLES}, "
                                    f"{', '.join(sorted(known))}."))
            continue
        columns = every if section == ALL_TABLES else known[section]
        for header, column in entries.items():
            target = normalise_header(column)
            if target not in columns:
                problems.append(Problem(MAPPING_FILE, f"bagian '{section}', judul \"{header}\": kolom '{column}' "
                                        f"tidak ada di {'data mana pun' if section == ALL_TABLES else section}. "
                                        "Nama kolom yang benar ada di data/README.md."))
                continue
            out.setdefault(section, {})[str(header)] = target
    return out, problems


@dataclass
class Header:
    """Where a table's header is and what its columns are called, as found among the first rows."""

    index: int  # 0-based index of the (last) header row among the rows given
    columns: list[str]  # our column names, one per sheet column
    labels: list[str]  # the header text as staff wrote it (two rows joined with " / ")
    rows: int = 1  # 1, or 2 for a two-row header


def find_header(rows: list[list[str]], headers: HeaderMap,
                spans: dict[tuple[int, int], int] | None = None) -> Header | None:
    """The first row (or pair of rows) that names at least half of the required columns.

    A two-row header (a merged "KRS" over "Sasaran" and "Didampingi") is flattened column by column: the
    upper cell, carried across the columns its merged cell spans (``spans``: (row, column) of a merged cell's
    first cell → its last column; without it, as in a CSV, across the blank cells that follow), joined with
    the lower one. Each column keeps whichever of joined, lower or upper is a column we know."""
    need = len(headers.required())
    for i, row in enumerate(rows[:TITLE_ROWS]):
        single = [headers.column(c) for c in row]
        best = Header(i, single, [str(c) for c in row])
        score = _score(headers, single)
        if i + 1 < len(rows):
            pair = _two_rows(row, rows[i + 1], i, headers, spans)
            lower = _score(headers, [headers.column(c) for c in rows[i + 1]])
            if _score(headers, pair.columns) > max(score, lower):
                best, score = pair, _score(headers, pair.columns)
        if need and score[0] * 2 >= need:
            return best
    return None


def _score(headers: HeaderMap, columns: list[str]) -> tuple[int, int, int]:
    """Required columns given (place names standing for their code), then those given as themselves, then
    every column we know: "Kode" over "Desa" beats "Desa" alone."""
    return (headers.recognised(columns), len(headers.required() & set(columns)),
            len(headers.known() & set(columns)))


def _two_rows(upper: list[str], lower: list[str], i: int, headers: HeaderMap,
              spans: dict[tuple[int, int], int] | None) -> Header:
    width = max(len(upper), len(lower))
    upper = upper + [""] * (width - len(upper))
    lower = lower + [""] * (width - len(lower))
    carried = list(upper)
    if spans is not None:
        for (r, c), last in spans.items():
            if r == i and c < width:
                for j in range(c + 1, min(last + 1, width)):
                    carried[j] = upper[c]
    else:
        for j in range(1, width):
            if not upper[j] and carried[j - 1] and lower[j]:
                carried[j] = carried[j - 1]
    known = headers.known()
    columns, labels = [], []
    for top, bottom in zip(carried, lower, strict=True):
        joined = headers.column(f"{top} {bottom}") if top and bottom else headers.column(top or bottom)
        choices = [joined, headers.column(bottom), headers.column(top)]
        columns.append(next((c for c in choices if c in known), joined))
        labels.append(" / ".join(t for t in (top, bottom) if t))
    return Header(i + 1, columns, labels, rows=2)
