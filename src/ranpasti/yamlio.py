"""Reading YAML that staff write (``data/konfigurasi.yml``, ``data/judul_kolom.yml``, ``params/**.yml``):
untrusted input.

Safe loading alone is not enough: a few lines of anchors and aliases (the "billion laughs") expand to
gigabytes (128 s and a MemoryError were measured), and a broken file or an impossible date (``2025-02-30``)
raised a traceback. A regular expression over the text missed anchors written right after ``:`` (issue 32,
B37), so the decision is taken on the parser's own tokens: any anchor, alias, tag (``!!python/...``,
``!!merge``, ``!!binary``) or merge key (``<<:``) refuses the file before anything is built from it. Nothing
we write or document needs them. A file is also refused when it is larger than a configuration can be or
is not valid YAML. Every refusal names the file and the line.

``load_with_lines`` also returns, for every key path (``("ambang_capaian", 1, "warna")``), the line it is
written on, so that a schema error (``settings``) can say where to look.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

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


class _Loader(SafeLoader):  # type: ignore[misc, valid-type]
    """The safe loader, with dates that do not exist refused at their line instead of a ValueError."""


def _timestamp(loader: Any, node: yaml.ScalarNode) -> dt.date:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError) as e:
        raise _BadScalar(node, f"tanggal {node.value!r} tidak ada di kalender. Tulis tanggal yang benar "
                               "(YYYY-MM-DD), mis. 2024-12-20.") from e


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


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
        return path.read_text(encoding="utf-8")
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
        raise _syntax_error(path, e) from e


def _syntax_error(path: Path | str, e: yaml.YAMLError) -> YamlError:
    mark = getattr(e, "problem_mark", None)
    where = f", baris {mark.line + 1}" if mark is not None else ""
    problem = getattr(e, "problem", None) or str(e).splitlines()[0]
    return YamlError(f"{path}{where}: YAML tidak sah ({problem}). Perbaiki file ini.")


def parse_with_lines(text: str, path: Path | str) -> tuple[Any, Lines]:
    """The document in ``text`` and the line of every key path in it (after ``refuse_expansion``)."""
    refuse_expansion(text, path)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        data = loader.construct_document(node)
        lines: Lines = {}
        _record(loader, node, (), lines)
    except _BadScalar as e:
        raise YamlError(f"{path}, baris {e.node.start_mark.line + 1}: {e.message}") from e
    except yaml.YAMLError as e:
        raise _syntax_error(path, e) from e
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
