"""Dependencies' private parts are used only in ``ranpasti.core.adapters``, one module per dependency, and each
adapter refuses a version of its dependency it was not written for (issue 35, item 2).

Pins: every adapter accepts the installed version and refuses an unknown one with a message naming itself.
Boundary: no module outside ``ranpasti/core/adapters/`` imports a private module of papermill, nbclient, nbconvert,
ipykernel, jupyter_client, openpyxl or multiprocessing, touches a private attribute of a name imported from
them, or overrides a private method of a class imported from them (an AST walk over the package).
"""

from __future__ import annotations

import ast
import importlib.metadata
import shutil
import subprocess
from pathlib import Path

import pytest

from ranpasti.core import adapters
from ranpasti.core.adapters import ipykernel as ipykernel_adapter
from ranpasti.core.adapters import nbconvert as nbconvert_adapter
from ranpasti.core.adapters import openpyxl as openpyxl_adapter
from ranpasti.core.adapters import papermill as papermill_adapter
from ranpasti.core.adapters import quarto as quarto_adapter

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "ranpasti"
WATCHED = ("papermill", "nbclient", "nbconvert", "ipykernel", "jupyter_client", "openpyxl", "multiprocessing")
PINNED = [papermill_adapter, nbconvert_adapter, ipykernel_adapter, openpyxl_adapter]


@pytest.mark.parametrize("adapter", PINNED, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_installed_versions_are_supported(adapter):
    assert adapter.check()


@pytest.mark.parametrize("adapter", PINNED, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_an_unknown_version_is_refused_with_the_adapter_named(adapter, monkeypatch):
    monkeypatch.setattr(importlib.metadata, "version", lambda dist: "99.0.0")
    name = adapter.__name__.rsplit(".", 1)[-1]
    with pytest.raises(adapters.UnsupportedVersion, match=rf"99\.0\.0.*ranpasti\.core\.adapters\.{name}"):
        adapter.check()
    with pytest.raises(adapters.UnsupportedVersion):
        adapter.check("0.1")


def test_an_unknown_version_stops_the_private_path(monkeypatch):
    """Not just ``check``: the adapters' entry points refuse too, before touching anything private."""
    from traitlets.config import Config

    monkeypatch.setattr(importlib.metadata, "version", lambda dist: "99.0.0")
    with pytest.raises(adapters.UnsupportedVersion):
        nbconvert_adapter.site_exporter(Config())
    with pytest.raises(adapters.UnsupportedVersion):
        openpyxl_adapter.percent_styles(object())


def test_quarto_adapter_knows_the_installed_quarto_and_refuses_another(tmp_path):
    with pytest.raises(adapters.UnsupportedVersion, match=r"ranpasti\.core\.adapters\.quarto"):
        quarto_adapter.patch_nav_script(tmp_path, "1.10.0")
    script = tmp_path / quarto_adapter.NAV_SCRIPT
    script.parent.mkdir(parents=True)
    script.write_text("x; if (links[i].href) { y }", encoding="utf-8")
    assert quarto_adapter.patch_nav_script(tmp_path, "1.9.38")
    assert quarto_adapter.NAV_LINK_TEST[1] in script.read_text(encoding="utf-8")
    exe = shutil.which("quarto")
    if exe is None:
        pytest.skip("no quarto on PATH")
    installed = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=60).stdout.strip()
    assert quarto_adapter.check(installed)


# ---------------------------------------------------------------- the boundary


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _watched(module: str | None) -> bool:
    return bool(module) and module.split(".")[0] in WATCHED


def private_uses(source: str, filename: str = "<src>") -> list[str]:
    """Where ``source`` reaches into a watched dependency's private parts: ``line: what``."""
    tree = ast.parse(source, filename)
    found: list[str] = []
    bound: set[str] = set()  # names bound to a watched module or to something imported from one
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if _watched(alias.name):
                    if any(_private(part) for part in alias.name.split(".")):
                        found.append(f"{node.lineno}: import {alias.name}")
                    bound.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and _watched(node.module):
            assert node.module is not None
            if any(_private(part) for part in node.module.split(".")):
                found.append(f"{node.lineno}: from {node.module} import ...")
            for alias in node.names:
                if _private(alias.name):
                    found.append(f"{node.lineno}: from {node.module} import {alias.name}")
                bound.add(alias.asname or alias.name)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            chain, value = [node.attr], node.value
            while isinstance(value, ast.Attribute):
                chain.append(value.attr)
                value = value.value
            if isinstance(value, ast.Name) and value.id in bound and any(_private(a) for a in chain):
                found.append(f"{node.lineno}: {value.id}.{'.'.join(reversed(chain))}")
        elif isinstance(node, ast.ClassDef):
            bases = {b.id for b in node.bases if isinstance(b, ast.Name)}
            bases |= {b.value.id for b in node.bases if isinstance(b, ast.Attribute) and isinstance(b.value, ast.Name)}
            if bases & bound:
                for item in node.body:
                    if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and _private(item.name):
                        found.append(f"{item.lineno}: {node.name}.{item.name} overrides a private method")
    return sorted(set(found), key=lambda s: int(s.split(":")[0]))


def test_the_boundary_check_finds_each_kind_of_private_use():
    source = (
        "from openpyxl.worksheet._reader import WorkSheetParser\n"
        "import papermill._private\n"
        "from multiprocessing import forkserver\n"
        "pid = forkserver._forkserver._forkserver_pid\n"
        "from nbconvert import HTMLExporter\n"
        "class E(HTMLExporter):\n"
        "    def _preprocess(self, nb, resources):\n"
        "        return nb, resources\n"
        "    def from_notebook_node(self, nb):\n"
        "        return nb\n"
        "import nbformat\n"
        "nbformat._private = 1\n"  # not a watched package
    )
    found = private_uses(source)
    assert sorted({f.split(":")[0] for f in found}, key=int) == ["1", "2", "4", "7"], found


def test_no_module_outside_the_adapters_uses_a_dependencys_private_parts():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        if rel.parts[:2] == ("core", "adapters"):
            continue
        found += [f"{rel}:{where}" for where in private_uses(path.read_text(encoding="utf-8"), str(path))]
    assert not found, "private parts of dependencies outside ranpasti/core/adapters/:\n" + "\n".join(found)


def test_every_adapter_is_pinned():
    for path in sorted((PACKAGE / "core" / "adapters").glob("*.py")):
        if path.name == "__init__.py":
            continue
        text = path.read_text(encoding="utf-8")
        assert "SUPPORTED = " in text and "def check(" in text, f"{path.name}: no SUPPORTED/check"
