"""The package's import structure: the import-linter contracts in pyproject.toml hold, and no module takes
part in an import cycle, counting imports inside functions (a cycle hidden in a function body is still a
cycle: the two modules cannot be understood, tested or replaced one without the other).
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]


def cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    edges = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in sorted(graph.modules)}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in edges:
        if module not in index:
            visit(module)
    return sorted(found)


def test_cycle_finder_sees_a_function_level_cycle():
    graph = grimp.ImportGraph()
    for a, b in (("p.a", "p.b"), ("p.b", "p.c"), ("p.c", "p.a"), ("p.c", "p.d")):
        graph.add_import(importer=a, imported=b, line_number=1, line_contents="from . import x")
    assert cycles(graph) == [["p.a", "p.b", "p.c"]]


def test_no_import_cycles_in_the_package():
    graph = grimp.build_graph("ranpasti", cache_dir=None, exclude_type_checking_imports=False)
    assert "ranpasti.render.builtin" in graph.modules  # the real package, all of it
    assert cycles(graph) == []


def test_import_linter_contracts_hold():
    """``lint-imports`` as CI would run it (no cache written into the working tree)."""
    exe = Path(sys.executable).with_name("lint-imports")
    assert exe.exists(), "import-linter is a test dependency: pip install -e .[dev]"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.run([str(exe), "--no-cache", "--config", str(ROOT / "pyproject.toml")], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 broken" in proc.stdout


@pytest.mark.slow
def test_the_package_type_checks():
    """mypy over the package as configured in pyproject.toml (libraries without type information are Any)."""
    proc = subprocess.run([sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"),
                           "--cache-dir", os.devnull], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Success: no issues found" in proc.stdout


RESHAPING = {"groupby", "merge", "pivot", "pivot_table"}  # what a section leaves to the facts (issue 33)


def reshaping_calls(source: str) -> list[tuple[int, str]]:
    """(line, name) of each groupby, merge or pivot in ``source`` (a method, ``pd.merge`` or a bare name):
    code only, read from the syntax tree, so a comment or a docstring that names one is not counted."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in RESHAPING:
            found.append((node.lineno, node.attr))
        elif isinstance(node, ast.Name) and node.id in RESHAPING:
            found.append((node.lineno, node.id))
    return found


@pytest.mark.parametrize("source, expected", [
    ("counts = df.groupby('bulan').size()", [(1, "groupby")]),
    ("wide = pd.merge(a, b)\nw = a.pivot_table(index='k')", [(1, "merge"), (2, "pivot_table")]),
    ('# a groupby + iloc would be slower\nx = 1  # merge(\n"""pivot"""', []),
])
def test_reshaping_finder_reads_code_not_comments(source, expected):
    assert sorted(reshaping_calls(source)) == expected


def test_sections_select_and_format_only():
    """Issue 33: a section selects rows of the facts and formats them; any grouping, join or pivot is
    computed in ``ranpasti.facts`` (once per cache, or as a function of the rows the section holds)."""
    pages = ROOT / "src" / "ranpasti" / "pages"
    found = sorted(f"{path.name}:{line} {name}" for path in sorted(pages.glob("*.py"))
                   for line, name in reshaping_calls(path.read_text(encoding="utf-8")))
    assert not found, f"groupby/merge/pivot in pages/ (move it to ranpasti.facts): {found}"


def test_every_module_of_the_package_lies_in_a_layer():
    """The layout by stage (issue 35): each top-level module or package of ``ranpasti`` is named in the layers
    contract, and the contract names nothing that does not exist, so a new module has to be given a stage."""
    import pkgutil
    import re

    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    block = re.search(r'^type = "layers"\n(?:[^\n]*\n)*?layers = \[\n((?:[^\n]*\n)*?)\]', text, re.M)
    assert block, "the layers contract in pyproject.toml"
    layers = re.findall(r'^\s*"([^"]+)",', block.group(1), re.M)
    named = {name for layer in layers for name in re.split(r"\s*[|:]\s*", layer.strip())}
    present = {m.name for m in pkgutil.iter_modules([str(ROOT / "src" / "ranpasti")])}
    assert 1 < len(layers) <= 8
    assert named == present


def test_the_import_finder_sees_every_imported_module():
    """(the finder below, on a sample): every module an import names, inside functions too"""
    found = imported_modules("import test_a\nfrom test_b import x\ndef f():\n    from conftest import y\n"
                             "from support import z\nimport ranpasti.build\n")
    assert sorted(found) == ["conftest", "ranpasti.build", "support", "test_a", "test_b"]


def imported_modules(source: str) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.append(node.module)
    return names


def test_no_test_module_imports_another_test_module_or_conftest():
    """Shared set-up lives in conftest.py fixtures or tests/support.py: a test module that imports another runs
    (and breaks with) the other's module-level code, and pytest does not mean conftest.py to be imported."""
    tests = ROOT / "tests"
    bad = [f"{f.name} imports {m}" for f in sorted(tests.glob("*.py"))
           for m in imported_modules(f.read_text(encoding="utf-8"))
           if m.split(".")[0].startswith("test_") or m.split(".")[0] == "conftest"]
    assert not bad, bad


def test_every_test_module_says_what_behaviour_it_pins():
    """Each tests/test_*.py opens with a docstring: what behaviour its tests pin, for whoever breaks one."""
    missing = [f.name for f in sorted((ROOT / "tests").glob("test_*.py"))
               if len(ast.get_docstring(ast.parse(f.read_text(encoding="utf-8"))) or "") < 40]
    assert not missing, missing
