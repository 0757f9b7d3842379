"""``ranpasti-inprocess``: a papermill engine that runs a worker's notebooks on an IPython shell inside the
worker process itself, with no kernel and no messaging.

Why: on the national build (31,000 pages with four years of data) a kecamatan page is ~0.18 s of pandas,
Jinja2 and Altair work, and a Jupyter kernel around it costs as much again: every cell is a round trip
between the worker (papermill, nbclient) and the kernel over ZeroMQ, every output is serialised, sent,
parsed and rebuilt as a notebook output, and each worker is two processes competing for two cores
(measured: 0.36 CPU-s per page through a warm kernel, 0.23 in process). This engine keeps papermill's API
and its own parts (parameterisation, the execution manager and its ``papermill`` cell metadata, error
reporting and the output notebook) and replaces only the kernel: an ``InteractiveShell`` of IPython (the
same shell a kernel runs) whose display publisher, display hook, streams and traceback hook write
nbformat outputs straight into the running cell. Each bundle is packed and unpacked with
``jupyter_client``'s own JSON packer, so an output is exactly what a kernel would have sent.

Isolation between units is the warm kernel's (``engines``): after warm-up the user namespace is snapshotted
and put back before and after every notebook, the execution counter restarts at 1, history is cleared and
the working directory is the job's. A cell longer than the execution timeout is interrupted (``SIGALRM``,
main thread only: a ProcessPool worker runs its task there) and fails its page. A notebook that kills its
process (``os._exit``, a segfault, the OOM killer) takes the worker with it: the local executor starts a
new pool and runs the units that were in flight one at a time, so only that unit fails (``executors``),
which is why a build never runs this engine in its own process. Memory is bounded by recycling each worker
after ``RANPASTI_RECYCLE`` units (``executors``).

Use ``ranpasti-warm`` (a kernel per worker) where cells must not share the worker's process, e.g. on Dask
workers that run tasks in threads.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import sys
import threading
import types
from typing import Any

from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.interactiveshell import InteractiveShell
from jupyter_client.session import json_packer, json_unpacker
from nbformat import from_dict
from traitlets import Type
from traitlets.config import Config

# ``engines`` (and through it papermill) is imported only at the end of this module: importing papermill loads
# its entry points, which import this module; the class is then served by ``__getattr__`` below.

ENGINE_NAME = "ranpasti-inprocess"


class CellTimeout(Exception):
    """Raised inside a cell that ran longer than the execution timeout."""


def _wire(obj: Any) -> Any:
    """``obj`` as a kernel would deliver it: through jupyter_client's packer (numpy numbers, dates, NaN)."""
    return json_unpacker(json_packer(obj))


def _wire_bundle(bundle: dict) -> dict:
    """A mime bundle as a kernel would deliver it. Text values pass as they are (the packer would return
    them unchanged, after escaping and parsing every character of a page's HTML)."""
    return {mime: value if isinstance(value, str) else _wire(value) for mime, value in bundle.items()}


def _new_output(output_type: str, **fields: Any) -> Any:
    """An output as ``nbformat.v4.new_output`` makes it, without its schema validation per output (~10% of a
    page's CPU): every output here is built from a kernel's message shape by the lines below."""
    if output_type in ("display_data", "execute_result"):
        fields = {"data": {}, "metadata": {}, **fields}
    if output_type == "execute_result":
        fields.setdefault("execution_count", None)
    return from_dict({"output_type": output_type, **fields})


class _Cell:
    """Where the running cell's outputs go (one per cell, set on the shell before it runs)."""

    def __init__(self) -> None:
        self.outputs: list = []
        self.display_ids: dict[str, list[int]] = {}

    def stream(self, name: str, text: str) -> None:
        last = self.outputs[-1] if self.outputs else None
        if last is not None and last.output_type == "stream" and last.name == name:
            last.text += text  # what nbclient does with consecutive stream messages
        else:
            self.outputs.append(_new_output("stream", name=name, text=text))

    def display(self, kind: str, data: dict, metadata: dict | None, transient: dict | None = None,
                update: bool = False, **extra: Any) -> None:
        output = _new_output(kind, data=_wire_bundle(data), metadata=_wire(metadata or {}), **extra)
        display_id = (transient or {}).get("display_id")
        if update and display_id in self.display_ids:  # update_display(): replace where it was shown
            for index in self.display_ids[display_id]:
                self.outputs[index] = _new_output("display_data", data=output.data, metadata=output.metadata)
            return
        if display_id:
            self.display_ids.setdefault(display_id, []).append(len(self.outputs))
        self.outputs.append(output)

    def clear(self) -> None:
        self.outputs.clear()
        self.display_ids.clear()


class _Stream(io.TextIOBase):
    """``sys.stdout``/``sys.stderr`` while a cell runs: text becomes the cell's stream output, in order with
    its displays."""

    def __init__(self, shell: _Shell, name: str) -> None:
        self.shell, self.name = shell, name

    encoding = "utf-8"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:
        if text:
            self.shell.cell.stream(self.name, str(text))
        return len(text)


class _Publisher(DisplayPublisher):
    def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs) -> None:
        self.shell.cell.display("display_data", data, metadata, transient, update)

    def clear_output(self, wait: bool = False) -> None:
        self.shell.cell.clear()  # ``wait`` only delays a kernel's clear until the next output arrives


class _Hook(DisplayHook):
    """A cell's last expression as ``execute_result`` (objects with ``_ipython_display_`` publish instead)."""

    shell: _Shell  # set by IPython (the shell that owns this hook)

    def start_displayhook(self) -> None:
        pass

    def write_output_prompt(self) -> None:
        pass

    def write_format_data(self, format_dict, md_dict=None) -> None:
        self.shell.cell.display("execute_result", format_dict, md_dict, execution_count=self.prompt_count)

    def finish_displayhook(self) -> None:
        pass


class _Shell(InteractiveShell):
    """IPython's shell writing outputs into ``self.cell`` instead of a terminal or a kernel's sockets."""

    cell: _Cell = _Cell()
    display_pub_class = Type(_Publisher)
    displayhook_class = Type(_Hook)

    def _showtraceback(self, etype, evalue, stb) -> None:
        self.cell.outputs.append(_new_output("error", ename=str(etype.__name__), evalue=str(evalue),
                                            traceback=list(stb)))

    def enable_gui(self, gui=None) -> None:  # no event loop to hook into
        pass

    def transform_cell(self, raw_cell: str) -> str:
        """IPython's input transformations (magics, ``!`` shell escapes, ``?`` help, prompts, indentation)
        tokenize every cell, ~0.6 ms each; a cell that cannot hold any of them is already Python."""
        if plain_python(raw_cell):
            return raw_cell if raw_cell.endswith("\n") else raw_cell + "\n"
        return super().transform_cell(raw_cell)


def plain_python(cell: str) -> bool:
    """No ``%``, ``!`` or ``?`` anywhere, no ``>>>`` or ``In [`` prompt, and the first line not indented:
    nothing IPython would transform (a false "no" only costs the transformation)."""
    if any(mark in cell for mark in ("%", "!", "?", ">>>", "In [")):
        return False
    first = next((line for line in cell.splitlines() if line.strip()), "")
    return not first[:1].isspace()


_STATE: dict[str, Any] = {}
_LOCK = threading.Lock()


def shell() -> _Shell:
    """This process's shell, created and warmed (``RANPASTI_WARM_IMPORTS``) on first use."""
    if "shell" not in _STATE:
        config = Config()
        config.HistoryManager.enabled = False  # no SQLite history: counters restart at 1 for every unit
        sh = _Shell.instance(config=config, colors="nocolor")
        module = types.ModuleType("_ranpasti_warm")
        exec(compile(engines._KERNEL_MODULE, "<ranpasti-warm>", "exec"), module.__dict__)  # the kernel's reset
        sys.modules["_ranpasti_warm"] = module
        module.warm(engines.warm_imports())
        _STATE["shell"], _STATE["module"] = sh, module
    return _STATE["shell"]


def shells_started() -> int:
    """How many shells this process has created (one at most: a worker warms once)."""
    return int("shell" in _STATE)


def prewarm(kernel_name: str = "python3", startup_timeout: float = 60) -> None:
    """Create and warm this process's shell now, so the first notebook does not wait for the imports."""
    with _LOCK:
        shell()


@contextlib.contextmanager
def _time_limit(seconds: float | None):
    """Interrupt the cell after ``seconds`` (main thread only; elsewhere cells run without a limit)."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise CellTimeout(f"sel berjalan lebih dari {seconds:g} detik (batas waktu sel)")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run_cell(sh: _Shell, source: str, timeout: float | None) -> tuple[list, int, bool]:
    """Run one cell's source; its outputs, execution count and whether it raised."""
    sh.cell = _Cell()
    count = sh.execution_count
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Stream(sh, "stdout"), _Stream(sh, "stderr")
    try:
        with _time_limit(timeout):
            result = sh.run_cell(source, store_history=True)
    finally:
        sys.stdout, sys.stderr = saved
    failed = result.error_before_exec is not None or result.error_in_exec is not None
    return sh.cell.outputs, count, failed


def _engine_class() -> type:
    """Define the engine class once (its base, the warm engine, brings papermill's quieter manager)."""
    if "engine" in _STATE:
        return _STATE["engine"]
    from papermill.exceptions import PapermillExecutionError

    from . import engines as warm_engines

    if "engine" in _STATE:  # defined meanwhile: importing papermill loaded its entry points, and so this class
        return _STATE["engine"]

    class InProcessEngine(warm_engines.WarmKernelEngine):
        """papermill engine: cells run on this process's IPython shell (see the module docstring)."""

        prewarm = staticmethod(prewarm)

        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                     stderr_file=None, start_timeout=60, execution_timeout=None, **kwargs):
            timeout = execution_timeout or kwargs.get("timeout")
            cwd = os.getcwd()  # papermill has chdir'ed to the job's cwd
            with _LOCK:
                sh = shell()
                module = _STATE["module"]
                module.reset(cwd)
                try:
                    for index, cell in enumerate(nb_man.nb.cells):
                        nb_man.cell_start(cell, index)
                        failed = False
                        if cell.cell_type == "code" and cell.source.strip():
                            cell.outputs, cell.execution_count, failed = run_cell(sh, cell.source, timeout)
                        if failed:
                            error = next((o for o in cell.outputs if o.output_type == "error"), None)
                            nb_man.cell_exception(cell, cell_index=index, exception=PapermillExecutionError(
                                index, cell.execution_count, cell.source, error.ename if error else "Error",
                                error.evalue if error else "", error.traceback if error else []))
                        nb_man.cell_complete(cell, cell_index=index)
                        if failed:
                            break
                finally:
                    sh.cell = _Cell()
                    module.reset(cwd)  # release the unit's objects now, not at the next unit
            nb_man.nb.metadata["language_info"] = _language_info()
            return nb_man.nb

    InProcessEngine.__module__ = __name__
    InProcessEngine.__qualname__ = "InProcessEngine"
    _STATE["engine"] = InProcessEngine
    return InProcessEngine


def _language_info() -> dict:
    """What ipykernel reports as the notebook's language (nbconvert and Quarto read it)."""
    import nbformat
    from ipykernel.ipkernel import IPythonKernel

    return nbformat.from_dict(IPythonKernel.language_info)


def __getattr__(name: str):
    if name == "InProcessEngine":  # papermill loading its entry points while this module is importing
        return _engine_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


from . import engines  # noqa: E402  (see the note at the top)

InProcessEngine = _engine_class()


def _register() -> None:
    from papermill.engines import papermill_engines

    papermill_engines.register(ENGINE_NAME, InProcessEngine)


_register()
