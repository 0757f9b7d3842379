"""``data/README.md``'s column and indicator tables, generated from the declarations.

Hand-kept tables drifted from the schema (three places per new column). Here the sections between
``<!-- BEGIN GENERATED: name -->`` and ``<!-- END GENERATED: name -->`` are written from ``schema.TABLES`` and
``indicators.INDICATORS`` (and the configuration keys from ``settings.Konfigurasi``);
``scripts/gen_data_readme.py`` rewrites them, and a test fails when the committed
README differs from what the declarations give.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from ..reference.indicators import Indicator
from .schema import TableSpec


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table_markdown(spec: TableSpec) -> str:
    """One input file: title, description, row key, its columns and its numerator ≤ denominator rules."""
    out = [f"### `{spec.name}.csv` — {spec.title}", ""]
    if spec.description:
        out += [spec.description, ""]
    if spec.source:
        out += [f"Pages cite it as: *{spec.source}*.", ""]
    if not spec.required_file:
        out += ["Optional file: a data folder without it is valid.", ""]
    if spec.key:
        out += [f"One row per **{' + '.join(spec.key)}** (duplicates are refused).", ""]
    out += ["| column | required | what it holds | staff headers also read as it |", "|---|---|---|---|"]
    for c in spec.columns:
        hint = c.hint
        if c.choices and ", ".join(c.choices) not in hint:
            hint = f"{hint} ({', '.join(c.choices)})"
        aliases = ", ".join(c.aliases)
        out.append(f"| `{c.name}` | {'yes' if c.required else 'no'} | {_cell(hint)} | {_cell(aliases)} |")
    if spec.names:
        from .names import NAME_HEADERS, name_levels

        levels = name_levels(spec.names)
        read_as = "; ".join(f"`{lvl}` ({', '.join(NAME_HEADERS[lvl][1:])})" for lvl in levels)
        out += ["", f"Instead of `kode_{spec.names}`, a row may name its place: {read_as}. The "
                f"{spec.names} is looked up within its kabupaten in the Kemendagri reference (case, spacing, "
                "punctuation and prefixes such as Desa/Kel./Kec./Kab. do not matter); an unknown or ambiguous name "
                "is an error naming the closest reference names."]
    if spec.ratios:
        rules = "; ".join(f"`{n}` ≤ `{d}`" for n, d in spec.ratios)
        out += ["", f"Numerator ≤ denominator: {rules}."]
    return "\n".join(out)


def inputs_markdown(tables: Iterable[TableSpec]) -> str:
    return "\n\n".join(table_markdown(t) for t in tables)


def indicators_markdown(indicators: Iterable[Indicator]) -> str:
    """The indicator list (the values of ``target.csv`` ``indikator``) with each one's metadata."""
    out = ["| `indikator` | label | definisi | pembilang ÷ penyebut | arah | satuan | sumber data | target acuan |",
           "|---|---|---|---|---|---|---|---|"]
    for i in indicators:
        ratio = f"`{i.numerator}` ÷ `{i.denominator}` ({i.table})" if i.denominator else f"`{i.numerator}` ({i.table})"
        if i.optional:
            ratio += ", opsional"
        arah = "naik (makin tinggi makin baik)" if i.direction == "naik" else "turun (makin rendah makin baik)"
        target = "; ".join(f"{year}: {value:g} ({source})" for year, value, source in i.targets)
        out.append(f"| `{i.key}` | {_cell(i.label)} | {_cell(i.description)} | {ratio} | {arah} | {_cell(i.unit)} "
                   f"| {_cell(i.source)} | {_cell(target)} |")
    glossary = [f"- **{i.label}**{f' ({i.name})' if i.name != i.label else ''}: {i.glossary}"
                for i in indicators if i.glossary]
    if glossary:
        out += ["", "Glosarium:", "", *glossary]
    return "\n".join(out)


def settings_markdown() -> str:
    """``konfigurasi.yml``'s keys from the settings schema (``settings.Konfigurasi``): what each accepts and its
    default, so the documented keys are the ones the schema accepts and nothing else."""
    from ..reference.settings import Konfigurasi

    out = ["| key | what it accepts | default |", "|---|---|---|"]
    for name, field in Konfigurasi.model_fields.items():
        default = field.get_default(call_default_factory=True)
        text = str(default).lower() if isinstance(default, bool) else str(default)
        shown = "—" if default in (None, "", {}, []) else f"`{text}`"
        out.append(f"| `{name}` | {_cell(field.description or '')} | {shown} |")
    return "\n".join(out)


def sections(tables: Iterable[TableSpec] | None = None,
             indicators: Iterable[Indicator] | None = None) -> dict[str, str]:
    """Generated content per marker name."""
    from ..reference.indicators import INDICATORS
    from .schema import TABLES

    tables = list(TABLES.values()) if tables is None else list(tables)
    indicators = list(INDICATORS.values()) if indicators is None else list(indicators)
    return {"inputs": inputs_markdown(tables), "indicators": indicators_markdown(indicators),
            "settings": settings_markdown()}


def rewrite(text: str, generated: dict[str, str]) -> str:
    """``text`` with each marked section replaced; a missing marker is an error, not a silent skip."""
    for name, body in generated.items():
        pattern = re.compile(rf"(<!-- BEGIN GENERATED: {name}\b[^\n]*-->).*?(<!-- END GENERATED: {name} -->)",
                             re.DOTALL)
        found = pattern.search(text)
        if not found:
            raise ValueError(f"README has no GENERATED: {name} markers")
        text = text[:found.start()] + found.group(1) + "\n" + body + "\n" + found.group(2) + text[found.end():]
    return text


def update_readme(path: Path, check: bool = False) -> bool:
    """Rewrite the generated sections of ``path``; True when it was (or, with ``check``, would be) changed."""
    text = path.read_text(encoding="utf-8")
    new = rewrite(text, sections())
    if new != text and not check:
        path.write_text(new, encoding="utf-8")
    return new != text
