"""papermill: a page's execution step by step, and the base classes of ranpasti's engines.

Public API used elsewhere: ``papermill.execute_notebook`` with a registered engine (``register``), and
``PapermillExecutionError``. This module holds what papermill does not offer publicly, written against
papermill 2.6-2.7 (``SUPPORTED``):

- ``execute``: ``papermill.execute_notebook`` with its own functions from ``papermill.execute``,
  ``papermill.parameterize`` and ``papermill.iorw``, minus two costs per unit: the input notebook is parsed
  once per worker (``load_input``; papermill parses it again for every unit: 31,000 parses of five files on a
  national build), and the executed notebook is written by the caller without a second schema validation.
  ``execute_public`` is the same run through ``papermill.execute_notebook`` (``RANPASTI_PAPERMILL=public``),
  kept to measure the difference (``bench/bench.py --phases-only``, sample site, 2 cores, 2026-12-07, two
  rounds: execute 234.5 and 214.3 CPU ms/page against 182.6-201.4 on this path; total 414.9 and 400.3 against
  342.9-388.0: +3% to +21%, ~+10% on average, over the 5% a switch may cost).
- ``engine_bases``: papermill's ``NBClientEngine``, ``NotebookExecutionManager``, ``PapermillNotebookClient``
  and its kwargs helpers, which the warm and in-process engines subclass (``engines``, ``inprocess``).

Importing papermill loads its ``papermill.engine`` entry points, which import ``ranpasti.run.engines`` and
``ranpasti.run.inprocess``: papermill is imported here only inside functions, so that ``engine_bases`` is defined
before papermill's first import (which may come from ``engine_bases`` itself, while those modules import).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from . import require

SUPPORTED = ">=2.6,<2.8"


def check(version: str | None = None) -> str:
    """The installed papermill's version, or ``UnsupportedVersion`` if this module was not written for it."""
    return require("papermill", "papermill", SUPPORTED, version)


check()


def load_input(path: str | Path) -> Any:
    """A notebook read and validated as papermill reads its input (with papermill's metadata added)."""
    from papermill.iorw import load_notebook_node

    return load_notebook_node(str(path))


def public() -> bool:
    """``RANPASTI_PAPERMILL=public``: execute through ``papermill.execute_notebook`` itself."""
    return os.environ.get("RANPASTI_PAPERMILL", "") == "public"


def execute(nb: Any, parameters: dict, engine: str, *, input_path: str, output_path: str, cwd: str,
            timeout: int) -> Any:
    """Run ``nb`` (the parsed input, not modified: ``parameterize_notebook`` copies it) with ``parameters`` on
    ``engine`` in ``cwd``; the executed notebook. Raises ``PapermillExecutionError`` for a failed cell, with the
    notebook marked as papermill marks it written to ``output_path`` first; otherwise the caller writes it."""
    from papermill.engines import papermill_engines
    from papermill.execute import prepare_notebook_metadata, raise_for_execution_errors, remove_error_markers
    from papermill.parameterize import parameterize_notebook
    from papermill.utils import chdir

    nb = parameterize_notebook(nb, parameters, kernel_name="python3", engine_name=engine)  # a deep copy
    nb = remove_error_markers(prepare_notebook_metadata(nb, input_path, output_path))
    with chdir(cwd):
        nb = papermill_engines.execute_notebook_with_engine(
            engine, nb, input_path=input_path, output_path=None, kernel_name="python3", progress_bar=False,
            log_output=False, start_timeout=60, execution_timeout=timeout)
    raise_for_execution_errors(nb, output_path)  # writes the marked notebook to ``output_path``, then raises
    return nb


def execute_public(parameters: dict, engine: str, *, input_path: str, output_path: str, cwd: str,
                   timeout: int) -> None:
    """The same run through ``papermill.execute_notebook``, which reads ``input_path`` and writes
    ``output_path`` itself (indented, validated again)."""
    import papermill

    papermill.execute_notebook(input_path, output_path, parameters, engine_name=engine, kernel_name="python3",
                               progress_bar=False, log_output=False, start_timeout=60, execution_timeout=timeout,
                               cwd=cwd)


def engine_bases() -> Any:
    """What an engine subclasses or calls: papermill's engine (``NBClientEngine``), execution manager
    (``NotebookExecutionManager``), notebook client (``PapermillNotebookClient``) and kwargs helpers
    (``merge_kwargs``, ``remove_args``), as attributes."""
    from types import SimpleNamespace

    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, NotebookExecutionManager
    from papermill.utils import merge_kwargs, remove_args

    return SimpleNamespace(PapermillNotebookClient=PapermillNotebookClient, NBClientEngine=NBClientEngine,
                           NotebookExecutionManager=NotebookExecutionManager, merge_kwargs=merge_kwargs,
                           remove_args=remove_args)
