"""Reading YAML that staff write (``data/konfigurasi.yml``, ``params/**.yml``): untrusted input.

Safe loading alone is not enough: a few lines of anchors and aliases (the "billion laughs") expand to
gigabytes (128 s and a MemoryError were measured), and a broken file raised a traceback. Here a file is
refused, with its name and line, when it is larger than a configuration can be, uses anchors or aliases
(nothing we write or document needs them), or is not valid YAML.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from .errors import RanpastiError

# libyaml's safe loader when PyYAML has it (15,600 params files nationally: ~8 s pure Python, < 1 s libyaml)
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# an anchor (&name) or alias (*name) where YAML reads one: after a space, line start or flow punctuation
_ANCHOR = re.compile(r"(?:^|[\s\[{,])[&*][^\s,\[\]{}]")


class YamlError(RanpastiError, ValueError):
    """A YAML file that cannot be used; the message names the file and says what to do."""


def load_untrusted(path: Path, max_bytes: int = 256 * 1024):
    """The parsed content of ``path``, or a ``YamlError`` naming it."""
    path = Path(path)
    try:
        if not path.is_file():
            raise YamlError(f"{path}: bukan file biasa (folder, pipa atau perangkat). Ganti dengan file YAML.")
        size = path.stat().st_size
        if size > max_bytes:
            raise YamlError(f"{path}: terlalu besar untuk file pengaturan ({size:,} byte; paling banyak "
                            f"{max_bytes:,}).".replace(",", "."))
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise YamlError(f"{path}: bukan teks UTF-8. Simpan ulang sebagai UTF-8.") from e
    except OSError as e:
        raise YamlError(f"{path}: tidak bisa dibaca ({e.strerror or type(e).__name__}).") from e
    for n, line in enumerate(text.splitlines(), start=1):
        stripped = line.split("#", 1)[0] if "'" not in line and '"' not in line else line
        if _ANCHOR.search(stripped):
            raise YamlError(f"{path}, baris {n}: anchor atau alias YAML (& atau *) tidak diizinkan. Tulis "
                            "nilainya langsung, atau beri tanda kutip bila teksnya memang memuat & atau *.")
    try:
        return yaml.load(text, Loader=SafeLoader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f", baris {mark.line + 1}" if mark is not None else ""
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise YamlError(f"{path}{where}: YAML tidak sah ({problem}). Perbaiki file ini.") from e
