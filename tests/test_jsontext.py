"""``render.jsontext.dumps``: the published notebook's text, written faster, is json.dumps's character for character."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ranpasti.render.jsontext import dumps


def stdlib(value: object) -> str:
    return json.dumps(value, indent=1, ensure_ascii=False, sort_keys=True)


scalars = (st.none() | st.booleans() | st.integers() | st.integers(min_value=-(10**40), max_value=10**40)
           | st.floats(allow_nan=True, allow_infinity=True) | st.text() | st.just(-0.0))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=5) | st.tuples(inner, inner)
                      | st.dictionaries(st.text(max_size=6), inner, max_size=5), max_leaves=40)


@settings(max_examples=600, deadline=None)
@given(values)
def test_same_text_as_json_dumps(value):
    assert dumps(value) == stdlib(value)


class Count(int):
    pass


class Word(str):
    pass


@pytest.mark.parametrize("value", [{"a": Count(3)}, [Word("x"), 1], {1: 2, 3: 4}, {True: 1}, {None: 1},
                                   {"a": {"b": [1.5, Word("y")]}}, {2.5: "x"}])
def test_other_types_go_to_json_dumps(value):
    assert dumps(value) == stdlib(value)


def test_keys_json_dumps_refuses_are_refused():
    with pytest.raises(TypeError):
        dumps({1: 2, "a": 3})  # keys that cannot be sorted together
    with pytest.raises(TypeError):
        dumps({"a": object()})


def test_notebooks_of_the_project():
    """The project's notebooks (what the published notebooks look like, before execution) as json.dumps writes them."""
    found = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
    assert found
    for path in found:
        nb = json.loads(path.read_text(encoding="utf-8"))
        assert dumps(nb) == stdlib(nb), path
