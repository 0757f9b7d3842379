"""Reading YAML that staff write (``data/konfigurasi.yml``, ``data/judul_kolom.yml``, ``params/**.yml``):
untrusted input.

Safe loading alone is not enough: a few lines of anchors and aliases (the "billion laughs") expand to
gigabytes (128 s and a MemoryError were measured), and a broken file or an impossible date (``2025-02-30``)
raised a traceback. A regular expression over the text missed anchors written right after ``:`` (issue 32,
B37), so the decision is taken on the parser's own tokens: any anchor, alias, tag (``!!python/...``,
``!!merge``, ``!!binary``) or merge key (``<<:``) refuses the file before anything is built from it. Nothing
we write or document needs them. A file is also refused when it is larger than a configuration can be or
is not valid YAML. Every refusal names the file and the line.

What a plain scalar means is decided by one strict resolver (``_Loader``), not by YAML 1.1's implicit typing,
which changed values silently (issue 32, D9): ``1:00:00`` was 3600, ``0x12`` and ``022`` were 18, ``+5``
and ``1_000`` numbers, ``no``/``off``/``yes`` booleans. Here ``~``/``null``/empty is null, ``true``/``false``
a boolean, plain decimal digits (optional ``-``, no leading zero) an integer, the same with one ``.`` a
fraction, ``YYYY-MM-DD`` a date; every other plain scalar is text, which the schema then refuses with its
usual message. A key written twice in one mapping is refused at its second line (D6: the last one used to
win silently, so a generated ``terbit: true`` below ``terbit: false`` published the page), and so is any
line break other than LF or CRLF (D10: YAML also breaks lines at NEL, U+2028, U+2029 and a lone CR, which
editors show as one line).

``load_with_lines`` also returns, for every key path (``("ambang_capaian", 1, "warna")``), the line it is
written on, so that a schema error (``settings``) can say where to look.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, ClassVar

import yaml

from .errors import RanpastiError

# libyaml's safe loader when PyYAML has it (15,600 params files nationally: ~8 s pure Python, < 1 s libyaml)
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Lines = dict[tuple, int]  # key path -> 1-based line of its value

# The characters without which no anchor (&), alias (*), tag (!) or merge key (<<) can be written: a file
# with none of them is not scanned token by token (the check stays exact, the common case stays fast).
_EXPANDING_CHARS = ("&", "*", "!", "<<")


class YamlError(RanpastiError, ValueError):
    """A YAML file that cannot be used; the message names the file and says what to do."""


NESTING_MAX = 32  # levels of lists and mappings; no settings file needs more than a few
DIGITS_MAX = 30  # digits of a number; longer ones are refused before Python builds a huge int or an inf


class _Loader(SafeLoader):  # type: ignore[misc, valid-type]
    """The safe loader with one strict resolver (see the module's docstring), dates that do not exist and
    numbers too long refused at their line instead of a ValueError."""

    # our own, never YAML 1.1's (add_implicit_resolver would copy the parent's)
    yaml_implicit_resolvers: ClassVar[dict] = {}


for _tag, _pattern, _first in (
        ("null", r"^(?:~|null|)$", ["~", "n", ""]),
        ("bool", r"^(?:true|false)$", ["t", "f"]),
        ("int", r"^-?(?:0|[1-9][0-9]*)$", list("-0123456789")),
        ("float", r"^-?(?:0|[1-9][0-9]*)\.[0-9]+$", list("-0123456789")),
        ("timestamp", r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", list("0123456789"))):
    _Loader.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}", re.compile(_pattern), _first)

# Line breaks YAML knows besides LF and CRLF (a lone CR, NEL, LINE and PARAGRAPH SEPARATOR)
_OTHER_BREAKS = re.compile("\r(?!\n)|[\x85\u2028\u2029]")
_BREAK_NAMES = {"\r": "CR tanpa LF", "\x85": "NEL (U+0085)", "\u2028": "U+2028", "\u2029": "U+2029"}


def _timestamp(loader: Any, node: yaml.ScalarNode) -> dt.date:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError) as e:
        raise _BadScalar(node, f"tanggal {node.value!r} tidak ada di kalender. Tulis tanggal yang benar "
                               "(YYYY-MM-DD), mis. 2024-12-20.") from e


def _number(loader: Any, node: yaml.ScalarNode) -> int | float:
    if sum(c.isdigit() for c in node.value) > DIGITS_MAX:
        raise _BadScalar(node, f"angka {node.value[:12]}... terlalu panjang (lebih dari {DIGITS_MAX} angka). Tulis "
                               "angka yang masuk akal.")
    if node.tag.endswith(":int"):
        return int(node.value)
    return float(node.value)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)
_Loader.add_constructor("tag:yaml.org,2002:int", _number)
_Loader.add_constructor("tag:yaml.org,2002:float", _number)


class _BadScalar(Exception):
    def __init__(self, node: yaml.Node, message: str):
        super().__init__(message)
        self.node, self.message = node, message


def read_text(path: Path, max_bytes: int) -> str:
    """The file's text, or a ``YamlError`` naming it (not a regular file, too large, not UTF-8)."""
    try:
        if not path.is_file():
            raise YamlError(f"{path}: bukan file biasa (folder, pipa atau perangkat). Ganti dengan file YAML.")
        size = path.stat().st_size
        if size > max_bytes:
            raise YamlError(f"{path}: terlalu besar untuk file pengaturan ({size:,} byte; paling banyak "
                            f"{max_bytes:,}).".replace(",", "."))
        return path.read_bytes().decode("utf-8")  # line breaks as written (a lone CR is refused, not read as LF)
    except UnicodeDecodeError as e:
        raise YamlError(f"{path}: bukan teks UTF-8. Simpan ulang sebagai UTF-8.") from e
    except OSError as e:
        raise YamlError(f"{path}: tidak bisa dibaca ({e.strerror or type(e).__name__}).") from e


def refuse_expansion(text: str, path: Path | str) -> None:
    """Refuse anchors, aliases, tags and merge keys, decided on the parser's tokens (never on the text)."""
    if not any(c in text for c in _EXPANDING_CHARS):
        return
    previous: Any = None
    try:
        for token in yaml.scan(text, Loader=SafeLoader):
            line = token.start_mark.line + 1
            if isinstance(token, (yaml.AnchorToken, yaml.AliasToken)):
                raise YamlError(f"{path}, baris {line}: anchor atau alias YAML (&{token.value} atau "
                                f"*{token.value}) tidak diizinkan: isinya bisa berlipat menjadi gigabyte. Tulis "
                                "nilainya langsung, atau beri tanda kutip bila teksnya memang memuat & atau *.")
            if isinstance(token, yaml.TagToken):
                handle, suffix = token.value
                raise YamlError(f"{path}, baris {line}: tag YAML ({handle or ''}{suffix}) tidak diizinkan (file "
                                "pengaturan hanya berisi teks, angka, tanggal, true/false dan daftar). Hapus "
                                "tag itu, atau beri tanda kutip bila teksnya memang diawali !.")
            if (isinstance(token, yaml.ScalarToken) and token.plain and token.value == "<<"
                    and isinstance(previous, yaml.KeyToken)):
                raise YamlError(f"{path}, baris {line}: kunci gabungan YAML (<<:) tidak diizinkan. Tulis setiap "
                                "kunci langsung.")
            previous = token
    except yaml.YAMLError as e:
        raise _syntax_error(path, e, text) from e


def _syntax_error(path: Path | str, e: yaml.YAMLError, text: str = "") -> YamlError:
    mark = getattr(e, "problem_mark", None)
    where = f", baris {mark.line + 1}" if mark is not None else ""
    if isinstance(e, yaml.reader.ReaderError):  # a character YAML does not allow (a control character)
        where = f", baris {text.count(chr(10), 0, e.position) + 1}"
    problem = getattr(e, "problem", None) or str(e).splitlines()[0]
    return YamlError(f"{path}{where}: YAML tidak sah ({problem}). Perbaiki file ini.")


def refuse_other_breaks(text: str, path: Path | str) -> None:
    """Refuse a line break other than LF or CRLF: YAML breaks the line there, an editor shows one line."""
    found = _OTHER_BREAKS.search(text)
    if found:
        line = text.count("\n", 0, found.start()) + 1
        raise YamlError(f"{path}, baris {line}: memuat pemisah baris {_BREAK_NAMES[found.group()]} yang di editor "
                        "tampak sebagai satu baris, tetapi dibaca YAML sebagai baris baru. Hapus karakter itu "
                        "(ketik ulang baris ini) dan simpan dengan akhir baris biasa.")


def _refuse_duplicates(loader: Any, root: yaml.Node, path: Path | str) -> None:
    """Refuse, naming the line and the key: a key written twice in one mapping (at its second line), nesting
    deeper than ``NESTING_MAX``, a number longer than ``DIGITS_MAX`` digits."""
    stack: list[tuple[yaml.Node, tuple]] = [(root, ())]
    while stack:
        node, at = stack.pop()
        where = f"{path}, baris {node.start_mark.line + 1}: " + (f"kunci {_key_text(at)}: " if at else "")
        if len(at) > NESTING_MAX:  # named by its first key: the path itself is what is too long
            raise YamlError(f"{path}, baris {node.start_mark.line + 1}: kunci {_key_text(at[:1])}: bertingkat "
                            f"terlalu dalam (lebih dari {NESTING_MAX} tingkat daftar atau kumpulan). File "
                            "pengaturan tidak memerlukannya.")
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, int] = {}
            for key, value in node.value:
                line = key.start_mark.line + 1
                name = (key.tag, loader.construct_object(key)) if isinstance(key, yaml.ScalarNode) else None
                if name is None or not isinstance(name[1], (str, int, float, bool, dt.date, type(None))):
                    raise YamlError(f"{path}, baris {line}: kunci harus teks atau angka, bukan daftar atau "
                                    "kumpulan.")
                if name in seen:
                    raise YamlError(f"{path}, baris {line}: kunci {_key_text((*at, key.value))} sudah ditulis di "
                                    f"baris {seen[name]}. Setiap kunci hanya boleh ditulis sekali: hapus salah "
                                    "satunya (yang berlaku harus jelas, bukan yang terakhir).")
                seen[name] = line
                stack.append((value, (*at, key.value)))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, (*at, i)) for i, item in enumerate(node.value))
        elif node.tag.endswith((":int", ":float")) and sum(c.isdigit() for c in node.value) > DIGITS_MAX:
            raise YamlError(f"{where}angka {node.value[:12]}... terlalu panjang (lebih dari {DIGITS_MAX} angka). "
                            "Tulis angka yang masuk akal.")


def _key_text(at: tuple) -> str:
    """``'ambang_capaian' (butir ke-1) › 'min'``, as the schema's messages name a key."""
    parts: list[str] = []
    for part in at:
        if isinstance(part, int) and parts:
            parts[-1] += f" (butir ke-{part + 1})"
        else:
            parts.append(repr(part))
    return " › ".join(parts)


def parse_with_lines(text: str, path: Path | str) -> tuple[Any, Lines]:
    """The document in ``text`` and the line of every key path in it (after ``refuse_other_breaks``,
    ``refuse_expansion`` and ``_refuse_duplicates``), read with the strict resolver."""
    refuse_other_breaks(text, path)
    refuse_expansion(text, path)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        _refuse_duplicates(loader, node, path)
        data = loader.construct_document(node)
        lines: Lines = {}
        _record(loader, node, (), lines)
    except _BadScalar as e:
        raise YamlError(f"{path}, baris {e.node.start_mark.line + 1}: {e.message}") from e
    except yaml.YAMLError as e:
        raise _syntax_error(path, e, text) from e
    finally:
        loader.dispose()
    return data, lines


def _record(loader: Any, node: yaml.Node, at: tuple, lines: Lines) -> None:
    lines[at] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            # the key as the document holds it (``2024:`` is the number 2024); the document was built already
            name = key.value if key.tag.endswith(":str") else loader.construct_object(key)
            child = (*at, name if isinstance(name, (str, int, float, bool)) else str(name))
            _record(loader, value, child, lines)
            lines[child] = key.start_mark.line + 1  # the key's line (where staff look for it)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _record(loader, item, (*at, i), lines)


def load_with_lines(path: Path, max_bytes: int = 256 * 1024) -> tuple[Any, Lines]:
    """The parsed content of ``path`` and its key lines, or a ``YamlError`` naming the file and line."""
    path = Path(path)
    return parse_with_lines(read_text(path, max_bytes), path)


def load_untrusted(path: Path, max_bytes: int = 256 * 1024) -> Any:
    """The parsed content of ``path``, or a ``YamlError`` naming it."""
    return load_with_lines(path, max_bytes)[0]
