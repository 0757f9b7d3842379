"""``json.dumps(value, indent=1, ensure_ascii=False, sort_keys=True)``, the same text, about three times faster.

How the published ``notebook.ipynb`` is written (``assets.publishable_notebook``): a page's notebook is ~230 kB of
JSON, and with an ``indent`` the standard library encodes in Python, one generator step per value (~4 ms a page,
more than a tenth of the render phase). This writes the same layout with one Python call per list or object and
the standard library's own C string encoder for every string (keys too), ``float.__repr__`` and ``int.__repr__``
for numbers, as ``json.encoder`` does: the text is the same character for character (tests compare the two on
executed notebooks and on generated values). Anything but the plain types ``json.loads`` makes (a subclass, a key
that is not a string) goes to ``json.dumps`` itself.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring  # the C encoder where the interpreter has it (ensure_ascii=False)

_INFINITY = float("inf")
_CONTAINERS = frozenset((dict, list, tuple))


class _Other(Exception):
    """A value of a type this module does not write: ``json.dumps`` writes the whole value."""


def dumps(value: object) -> str:
    """``json.dumps(value, indent=1, ensure_ascii=False, sort_keys=True)``."""
    parts: list[str] = []
    try:
        _write(value, "\n", parts.append)
    except _Other:
        return json.dumps(value, indent=1, ensure_ascii=False, sort_keys=True)
    return "".join(parts)


def _scalar(value: object) -> str:
    """A string, number, true, false or null as ``json.encoder`` writes it; ``_Other`` for anything else."""
    kind = type(value)
    if kind is str:
        return encode_basestring(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if kind is int:
        return int.__repr__(value)
    if kind is float:
        if value != value:
            return "NaN"
        if value == _INFINITY:
            return "Infinity"
        if value == -_INFINITY:
            return "-Infinity"
        return float.__repr__(value)
    raise _Other


def _write(value: object, newline: str, out) -> None:
    """``value`` at the depth whose line breaks are ``newline`` ("\\n" and one space per level)."""
    kind = type(value)
    if kind is dict:
        if not value:
            out("{}")
            return
        inner = newline + " "
        separator = "," + inner
        lead = "{" + inner
        for key in sorted(value):  # the keys are unique strings: the order of sorted(value.items())
            if type(key) is not str:
                raise _Other
            item = value[key]
            kind = type(item)
            if kind is dict or kind is list or kind is tuple:
                out(lead + encode_basestring(key) + ": ")
                _write(item, inner, out)
            else:
                out(lead + encode_basestring(key) + ": " + _scalar(item))
            lead = separator
        out(newline + "}")
    elif kind is list or kind is tuple:
        if not value:
            out("[]")
            return
        inner = newline + " "
        separator = "," + inner
        if all(type(item) is str for item in value):  # a cell's source or a text output: its lines
            out("[" + inner + separator.join(map(encode_basestring, value)) + newline + "]")
            return
        if not any(type(item) in _CONTAINERS for item in value):  # a table's row
            out("[" + inner + separator.join(map(_scalar, value)) + newline + "]")
            return
        lead = "[" + inner
        for item in value:
            kind = type(item)
            if kind is dict or kind is list or kind is tuple:
                out(lead)
                _write(item, inner, out)
            else:
                out(lead + _scalar(item))
            lead = separator
        out(newline + "]")
    else:
        out(_scalar(value))
