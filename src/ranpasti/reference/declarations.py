"""Indicators and input tables, declared once as data (``definitions/indikator.yml``, ``definitions/input.yml``).

Why: adding one indicator used to touch 6–8 files (the schema's column list, the numerator/denominator
pairs, the indicator registry, chart colours, the README's column tables, the sample generator), each
repeating the column names. Like Our World in Data's etl metadata, an indicator's name, label, definition,
columns, direction, unit, source, glossary text and chart group now sit in one entry, and ``schema``,
``indicators``, ``docs`` and ``scripts/generate_sample.py`` derive from it.

The files are the package's own (trusted), read with the project's safe YAML loader all the same; nothing in
them is executed. ``RANPASTI_DEFINITIONS`` (a folder holding both files) points elsewhere, so a test can
add an indicator to a copy without touching the package.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..core import caches
from ..core.yamlio import load_untrusted

DEFAULT_DIR = Path(__file__).resolve().parents[1] / "definitions"
ENV_VAR = "RANPASTI_DEFINITIONS"
INDICATOR_FILE = "indikator.yml"
INPUT_FILE = "input.yml"
DIRECTIONS = ("naik", "turun")
# an indicator's annual capaian: "reach" (accompanied at least once in the year ÷ the year's sasaran, from the
# yearly table with ``indicator_columns: reach`` where the data has it, else the monthly average) or "average"
# (Σ monthly numerator ÷ Σ monthly denominator: a monthly rate by nature, like TPK reporting)
ANNUAL_BASES = ("reach", "average")

_INDICATOR_KEYS = {"key", "name", "label", "definition", "numerator", "denominator", "direction", "unit",
                   "source", "glossary", "group", "table", "optional", "target", "annual", "counted"}
_INDICATOR_REQUIRED = ("key", "name", "label", "definition", "numerator", "denominator", "direction", "unit",
                       "source", "group")
_TABLE_KEYS = {"title", "description", "key", "columns", "indicator_columns", "ratios", "required_file", "names",
               "source"}
_COLUMN_KEYS = {"name", "kind", "required", "hint", "choices", "default", "aliases"}
# ``names`` of a table: the level whose code may be given as region names instead (names.py)
NAME_LEVELS = ("desa", "kecamatan")


class DeclarationError(ValueError):
    """A declaration file that cannot be used; the message names the file and the entry."""


@dataclass(frozen=True)
class IndicatorDecl:
    key: str
    name: str
    label: str
    definition: str
    numerator: str
    denominator: str
    direction: str  # naik (higher is better) | turun (lower is better)
    unit: str
    source: str
    group: str
    glossary: str = ""
    table: str = "pendampingan"
    optional: bool = False
    target: float | None = None  # reference target, for the sample target.csv and the README
    target_source: str = ""
    targets: tuple[tuple[int, float, str], ...] = ()  # (year, value, source) of every declared target
    annual: str = "average"  # ANNUAL_BASES: how the evaluation's annual capaian is computed
    counted: str = ""  # who the denominator counts, in public words ("keluarga berisiko stunting sasaran")


@dataclass(frozen=True)
class ColumnDecl:
    name: str
    kind: str
    required: bool = True
    hint: str = ""  # "" means the kind's own hint
    choices: tuple[str, ...] = ()
    default: str | None = None  # an optional column's value when the file leaves it out or blank
    aliases: tuple[str, ...] = ()  # staff's own headers for this column ("Jumlah KRS Sasaran")


@dataclass(frozen=True)
class TableDecl:
    name: str
    title: str
    description: str
    columns: tuple[ColumnDecl, ...]  # declared and derived (indicator) columns, in file order
    key: tuple[str, ...] = ()
    ratios: tuple[tuple[str, str], ...] = ()  # declared and derived (indicator) rules
    required_file: bool = True
    names: str | None = None  # "desa" | "kecamatan": the code column may be given as region names instead
    source: str = ""  # who produces these numbers, in public words (pages cite it, not the file name)


@dataclass(frozen=True)
class Declarations:
    directory: Path
    groups: dict[str, str]
    indicators: tuple[IndicatorDecl, ...]
    tables: tuple[TableDecl, ...]
    aliases: dict[str, tuple[str, ...]] | None = None  # indicator columns' staff headers (indikator.yml)

    def table(self, name: str) -> TableDecl:
        return next(t for t in self.tables if t.name == name)


PERSONAL_FILE = "kolom_pribadi.yml"


@dataclass(frozen=True)
class PersonalVocabulary:
    """``definitions/kolom_pribadi.yml``: the words of column headers that announce personal data."""

    abbreviations: dict[str, str]  # word as written → word as read
    phrases: tuple[tuple[tuple[str, ...], str], ...]  # words → one word, longest first
    personal: dict[str, str]  # word → what it announces
    in_context: dict[str, tuple[str, frozenset[str]]]  # word → (what, words that make it personal)
    counting: frozenset[str]
    not_a_person: frozenset[str]
    qualifiers: frozenset[str]  # words that leave a word of ``in_context`` alone ("RT (wajib)", "KK Ibu")
    known: frozenset[str] = frozenset()  # every word above and of ``words``: what a run-together header splits into


@caches.memo(1)
def personal_vocabulary() -> PersonalVocabulary:
    """The package's own vocabulary (never ``$RANPASTI_DEFINITIONS``: what is personal is not a setting)."""
    path = DEFAULT_DIR / PERSONAL_FILE
    doc = load_untrusted(path) or {}
    try:
        abbreviations = {v: str(k) for k, vs in doc["abbreviations"].items() for v in vs}
        if not all(isinstance(v, str) for v in abbreviations):  # YAML reads a bare no as false: quote it
            raise DeclarationError(f"{path}: setiap singkatan harus teks (tulis \"no\" dengan tanda kutip).")

        def read(text: str) -> tuple[str, ...]:
            return tuple(abbreviations.get(w, w) for w in str(text).split())

        phrases = tuple(sorted(((read(k), str(v)) for k, v in doc["phrases"].items()), key=lambda p: -len(p[0])))
        in_context = {str(k): (str(v[0]), frozenset(map(str, v[1]))) for k, v in doc["in_context"].items()}
        personal = {str(k): str(v) for k, v in doc["personal"].items()}
        counting, not_a_person = frozenset(map(str, doc["counting"])), frozenset(map(str, doc["not_a_person"]))
        qualifiers = frozenset(map(str, doc["qualifiers"]))
        known = {*abbreviations, *abbreviations.values(), *personal, *in_context, *counting, *not_a_person,
                 *qualifiers, *map(str, doc.get("words") or [])}
        known |= {w for words, _ in phrases for w in words} | {w for _, ws in in_context.values() for w in ws}
        return PersonalVocabulary(abbreviations, phrases, personal, in_context, counting, not_a_person, qualifiers,
                                  frozenset(w for w in known if len(w) > 1))
    except (KeyError, TypeError, IndexError, AttributeError) as e:
        raise DeclarationError(f"{path}: harus berisi abbreviations, phrases, personal, in_context, counting, "
                               f"not_a_person dan qualifiers ({e}).") from e


def directory() -> Path:
    """Where the declarations are read from: ``$RANPASTI_DEFINITIONS`` when set, else the package's."""
    env = os.environ.get(ENV_VAR, "").strip()
    return Path(env) if env else DEFAULT_DIR


def load(folder: Path | str | None = None) -> Declarations:
    """The declarations in ``folder`` (default ``directory()``), read once per folder per process."""
    return _load(Path(folder or directory()).resolve())


@caches.memo(8)
def _load(folder: Path) -> Declarations:
    ind_path, in_path = folder / INDICATOR_FILE, folder / INPUT_FILE
    ind_doc = load_untrusted(ind_path) or {}
    in_doc = load_untrusted(in_path) or {}
    if not isinstance(ind_doc, dict) or not isinstance(in_doc, dict):
        raise DeclarationError(f"{folder}: {INDICATOR_FILE} dan {INPUT_FILE} harus berisi pemetaan (mapping).")
    groups = {str(k): str(v) for k, v in (ind_doc.get("groups") or {}).items()}
    entries = ind_doc.get("indicators") or []
    indicators = tuple(_indicator(ind_path, i, entry, groups) for i, entry in enumerate(entries))
    keys = [i.key for i in indicators]
    if len(set(keys)) != len(keys):
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        raise DeclarationError(f"{ind_path}: indikator ganda: {', '.join(dupes)}.")
    aliases = _aliases(ind_path, ind_doc.get("aliases"))
    tables = tuple(_table(in_path, name, entry, indicators, aliases) for name, entry in in_doc.items())
    names = {t.name for t in tables}
    for i in indicators:
        if i.table not in names:
            raise DeclarationError(f"{ind_path}, indikator {i.key}: tabel {i.table!r} tidak ada di {INPUT_FILE}.")
    return Declarations(folder, groups, indicators, tables, aliases)


def _aliases(path: Path, raw: object) -> dict[str, tuple[str, ...]]:
    """``aliases: {column: [staff header, ...]}`` of indikator.yml: the headers of the indicator columns in
    the forms staff keep (Elsimil's recap, the Aksi-6 cakupan layanan form)."""
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not all(isinstance(v, list) for v in raw.values()):
        raise DeclarationError(f"{path}: aliases harus pemetaan kolom → daftar judul kolom.")
    return {str(k): tuple(str(x) for x in v) for k, v in raw.items()}


def _indicator(path: Path, n: int, entry: object, groups: dict[str, str]) -> IndicatorDecl:
    where = f"{path}, indikator ke-{n + 1}"
    if not isinstance(entry, dict):
        raise DeclarationError(f"{where}: harus berupa pemetaan (key: ..., label: ...).")
    where = f"{path}, indikator {entry.get('key', n + 1)}"
    unknown = sorted(set(entry) - _INDICATOR_KEYS)
    missing = [k for k in _INDICATOR_REQUIRED if k not in entry]
    if unknown or missing:
        raise DeclarationError(f"{where}: kunci tidak dikenal {unknown} / kunci wajib tidak ada {missing}.")
    if entry["direction"] not in DIRECTIONS:
        raise DeclarationError(f"{where}: direction harus naik atau turun, bukan {entry['direction']!r}.")
    if entry["group"] not in groups:
        raise DeclarationError(f"{where}: group {entry['group']!r} tidak ada di daftar groups.")
    targets = _targets(where, entry.get("target"))
    annual = str(entry.get("annual", "average"))
    if annual not in ANNUAL_BASES:
        raise DeclarationError(f"{where}: annual harus reach atau average, bukan {annual!r}.")
    if annual == "reach" and (not str(entry["denominator"]).strip()
                              or entry.get("table", "pendampingan") != "pendampingan"):
        # the fallback is the monthly average of pendampingan, so only its ratios have a reach
        raise DeclarationError(f"{where}: annual: reach hanya untuk indikator pendampingan bulanan (dengan "
                               "denominator).")
    if entry.get("table", "pendampingan") == "pendampingan" and str(entry["denominator"]).strip() \
            and not str(entry.get("counted", "")).strip():
        # the cards say "123 dari 456 <counted>": a column name there ("krs sasaran") is not public words
        raise DeclarationError(f"{where}: counted wajib untuk indikator pendampingan (siapa yang dihitung penyebutnya, "
                               "mis. 'ibu hamil sasaran').")
    fields = {k: str(entry[k]).strip() for k in _INDICATOR_REQUIRED}
    return IndicatorDecl(**fields, glossary=str(entry.get("glossary", "")).strip(),
                         table=str(entry.get("table", "pendampingan")), optional=bool(entry.get("optional", False)),
                         target=targets[0][1] if targets else None, target_source=targets[0][2] if targets else "",
                         targets=targets, annual=annual, counted=str(entry.get("counted", "")).strip())


RAN_PASTI_YEARS = (2023, 2024)  # a target declared without ``years`` is RAN PASTI's (Peraturan BKKBN 12/2021)


def _targets(where: str, raw: object) -> tuple[tuple[int, float, str], ...]:
    """``target: {value, source, years}`` or a list of them: a target is set for given years, by a source."""
    entries = raw if isinstance(raw, list) else [raw] if raw else []
    out = []
    for t in entries:
        if not isinstance(t, dict) or "value" not in t or set(t) - {"value", "source", "years"}:
            raise DeclarationError(f"{where}: target harus {{value, source, years}}, bukan {t!r}.")
        for year in t.get("years") or RAN_PASTI_YEARS:
            out.append((int(year), float(t["value"]), str(t.get("source", ""))))
    return tuple(sorted(out))


def _table(path: Path, name: str, entry: object, indicators: tuple[IndicatorDecl, ...],
           aliases: dict[str, tuple[str, ...]]) -> TableDecl:
    where = f"{path}, tabel {name}"
    if not isinstance(entry, dict) or set(entry) - _TABLE_KEYS:
        raise DeclarationError(f"{where}: kunci yang dikenal hanya {sorted(_TABLE_KEYS)}.")
    columns: list[ColumnDecl] = []
    for c in entry.get("columns") or []:
        if not isinstance(c, dict) or set(c) - _COLUMN_KEYS or "name" not in c or "kind" not in c:
            raise DeclarationError(f"{where}: kolom {c!r} harus punya name dan kind (kunci yang dikenal: "
                                   f"{sorted(_COLUMN_KEYS)}).")
        columns.append(ColumnDecl(str(c["name"]), str(c["kind"]), bool(c.get("required", True)),
                                  str(c.get("hint", "")), tuple(str(x) for x in c.get("choices") or ()),
                                  None if c.get("default") is None else str(c["default"]),
                                  tuple(str(x) for x in c.get("aliases") or ())))
    ratios = [tuple(map(str, r)) for r in entry.get("ratios") or []]
    mode = entry.get("indicator_columns")
    if mode not in (None, False, True, "reach"):
        raise DeclarationError(f"{where}: indicator_columns harus true atau reach, bukan {mode!r}.")
    if mode:
        derived, derived_ratios = _indicator_columns(name, indicators, {c.name for c in columns},
                                                     reach=mode == "reach")
        columns += [ColumnDecl(c.name, c.kind, c.required, c.hint, c.choices, c.default, aliases.get(c.name, ()))
                    for c in derived]
        ratios = derived_ratios + ratios
    names = [c.name for c in columns]
    if len(set(names)) != len(names):
        raise DeclarationError(f"{where}: kolom ganda: {sorted({n for n in names if names.count(n) > 1})}.")
    for num, den in ratios:
        if num not in names or den not in names:
            raise DeclarationError(f"{where}: rasio {num} ≤ {den} memakai kolom yang tidak dideklarasikan.")
    names_level = entry.get("names")
    if names_level is not None and names_level not in NAME_LEVELS:
        raise DeclarationError(f"{where}: names harus desa atau kecamatan, bukan {names_level!r}.")
    return TableDecl(name, str(entry.get("title", name)), str(entry.get("description", "")), tuple(columns),
                     tuple(str(k) for k in entry.get("key") or ()), tuple(ratios),  # type: ignore[arg-type]
                     bool(entry.get("required_file", True)), names_level, str(entry.get("source", "")).strip())


def _indicator_columns(table: str, indicators: tuple[IndicatorDecl, ...], declared: set[str],
                       reach: bool = False) -> tuple[list[ColumnDecl], list[tuple[str, str]]]:
    """The count columns of the indicators kept in ``table``: each denominator, then its numerators (in
    indicator order), which is the order staff's exports and the sample have always had. A column is
    optional only when every indicator using it is.

    ``reach``: the columns of every indicator whose annual basis is reach, under the same names as in the
    monthly table (staff know them) but holding the year's figures, each counted once; all optional, so an
    office that has only some of them fills in those."""
    if reach:
        mine = [i for i in indicators if i.annual == "reach"]
    else:
        mine = [i for i in indicators if i.table == table and i.denominator]
    order: list[str] = []
    ratios: list[tuple[str, str]] = []
    for den in dict.fromkeys(i.denominator for i in mine):
        order.append(den)
        for i in mine:
            if i.denominator == den:
                order.append(i.numerator)
                ratios.append((i.numerator, den))
    order = list(dict.fromkeys(c for c in order if c not in declared))
    if reach:
        return [ColumnDecl(c, "count", False, _reach_hint(c, mine)) for c in order], ratios
    required = {c: any(not i.optional for i in mine if c in (i.numerator, i.denominator)) for c in order}
    return [ColumnDecl(c, "count", required[c]) for c in order], ratios


def _reach_hint(column: str, indicators: list[IndicatorDecl]) -> str:
    """What a yearly reach column holds, in staff's words, from the indicators that use it."""
    numerator = next((i for i in indicators if i.numerator == column), None)
    if numerator is not None:
        return (f"{numerator.label}: yang didampingi/dilayani sedikitnya sekali dalam tahun itu, masing-masing "
                "dihitung sekali (bilangan bulat; kosong bila tidak diketahui)")
    labels = ", ".join(i.label for i in indicators if i.denominator == column)
    return (f"sasaran setahun untuk {labels}, masing-masing dihitung sekali (bilangan bulat; kosong bila tidak "
            "diketahui)")
