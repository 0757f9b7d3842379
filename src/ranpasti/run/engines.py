"""``ranpasti-warm``: a papermill engine that runs every notebook of a worker process on one warm kernel.

A cold papermill run spends most of its ~2.5 s starting a kernel and importing pandas, Altair and the
package; the page itself is ~0.1 s of work. This engine keeps ONE kernel per worker process (module
level, so a process pool worker or a Dask worker reuses it across units), started once with the warm
imports loaded (``RANPASTI_WARM_IMPORTS``, default pandas, altair, ranpasti.pages). papermill has already
injected the parameters with its own parameterization when the engine is called, so the engine only runs
the cells, with papermill's own ``PapermillNotebookClient`` on the existing kernel (not owning it).

Isolation between units: before and after every notebook the kernel's user namespace is put back to the
snapshot taken after warm-up: names added by a unit are deleted, baseline names it rebound are restored
(imports done by the warm-up are modules in ``sys.modules`` and stay loaded), ``In``/``Out``/``_``
history is cleared, the execution counter restarts at 1 (executed notebooks number their cells exactly
like a cold run), ``sys.last_*`` is cleared and the working directory is set to the job's ``cwd``. This is
cheap (a few ms), unlike ``%reset -f``. What a unit changes inside imported modules (monkeypatching) is not
undone; the page notebooks do not do that.

Per-cell overhead: a page is ~0.05 s of pandas/Altair work, and Jupyter's machinery around it cost more than
that. Two things are trimmed, both measured and tested: papermill's writes of the output notebook before
and after every cell (only its final write is kept), and ipykernel's stream flushes when nothing was
written (each is a round trip to the kernel's I/O thread; ``adapters.ipykernel``).

Robustness: the kernel is recycled after ``RANPASTI_RECYCLE`` units (default 1000) and whenever anything
goes wrong: a dead kernel (``os._exit``, segfault, OOM kill), a cell timeout, or a failure of the engine
itself. The unit being run fails with an error output on the cell that was running
(``DeadKernelError: kernel mati saat menjalankan sel 3 ...``), and the next unit gets a fresh kernel.

Registered through the ``papermill.engine`` entry point (``pyproject.toml``), and also registered at import
time, so ``papermill.execute_notebook(..., engine_name="ranpasti-warm")`` works either way.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime
import logging
import os
import shutil
import tempfile
import threading
import time
from multiprocessing import util as mp_util
from typing import Any

import nbformat
from jupyter_core.utils import run_sync
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from ..core.errors import RanpastiError

# papermill is imported only at the end of this module and inside ``_engine_class``: importing papermill
# loads its entry points, which imports this module; the class is then served by ``__getattr__`` below.

log = logging.getLogger("ranpasti.run.engines")

ENGINE_NAME = "ranpasti-warm"
DEFAULT_RECYCLE = 1000
DEFAULT_WARM_IMPORTS = ("pandas", "altair", "ranpasti.pages")
HIST_ARGS = ["--HistoryManager.hist_file=:memory:"]  # as nbclient does: no SQLite history file per kernel

# Runs inside the kernel once after start: defines the module ``_ranpasti_warm`` (in sys.modules, not in
# the user namespace) holding the baseline snapshot and the reset function.
_KERNEL_MODULE = r'''
import builtins, os, sys
from IPython import get_ipython

_MISSING = object()
baseline = {}
baseline_builtins = {}


def warm(modules):
    from ranpasti.core.adapters.ipykernel import quiet_streams  # ipykernel's idle flushes skipped

    quiet_streams()
    for name in modules:
        __import__(name)
    ip = get_ipython()
    baseline.clear()
    baseline.update(ip.user_ns)
    baseline_builtins.clear()
    baseline_builtins.update(builtins.__dict__)


def _restore(ns, base):
    for k in [k for k in ns if k not in base]:
        del ns[k]
    for k, v in base.items():
        if ns.get(k, _MISSING) is not v:
            ns[k] = v


def reset(cwd=None):
    ip = get_ipython()
    _restore(ip.user_ns, baseline)
    _restore(builtins.__dict__, baseline_builtins)
    hm = ip.history_manager
    if hm is not None:
        hm.input_hist_parsed[:] = [""]
        hm.input_hist_raw[:] = [""]
        for name in ("output_hist", "outputs", "exceptions"):
            store = getattr(hm, name, None)
            if store is not None:
                store.clear()
    dh = ip.displayhook
    dh._ = dh.__ = dh.___ = ""
    ip.execution_count = 1
    ip.last_execution_result = None
    ip.last_execution_succeeded = True
    for name in ("last_type", "last_value", "last_traceback", "last_exc"):
        if hasattr(sys, name):
            delattr(sys, name)
    caches = sys.modules.get("ranpasti.core.caches")
    if caches is not None:  # what one page cached (``caches.PAGE``); the process caches stay for the next pages
        caches.reset(caches.PAGE)
    if cwd:
        os.chdir(cwd)
'''

_INSTALL = (
    "import sys as _rp_sys, types as _rp_types\n"
    "_rp_mod = _rp_types.ModuleType('_ranpasti_warm')\n"
    "exec(compile({src!r}, '<ranpasti-warm>', 'exec'), _rp_mod.__dict__)\n"
    "_rp_sys.modules['_ranpasti_warm'] = _rp_mod\n"
    "del _rp_sys, _rp_types, _rp_mod\n"
    "__import__('_ranpasti_warm').warm({modules!r})\n"
)


class WarmKernelError(RanpastiError, RuntimeError):
    """The warm kernel could not be started, warmed up or reset."""


def recycle_every() -> int:
    try:
        return max(1, int(os.environ.get("RANPASTI_RECYCLE", DEFAULT_RECYCLE)))
    except ValueError:
        return DEFAULT_RECYCLE


def warm_imports() -> tuple[str, ...]:
    raw = os.environ.get("RANPASTI_WARM_IMPORTS")
    if raw is None:
        return DEFAULT_WARM_IMPORTS
    return tuple(m.strip() for m in raw.split(",") if m.strip())


class WarmKernel:
    """One kernel process with its client, warmed up, reset between units."""

    def __init__(self, kernel_name: str, startup_timeout: float = 60):
        from jupyter_client.manager import AsyncKernelManager

        self.kernel_name = kernel_name
        self.units = 0
        self.started = time.perf_counter()
        self.kc: Any = None  # AsyncKernelClient of the thread that last connected
        self.thread: int | None = None
        self.cwd: str | None = None
        self.clean = False  # user namespace at the baseline (reset after the last unit succeeded)
        self.language_info: dict | None = None
        self.sockets: str | None = None
        if os.name == "posix":  # Unix sockets: local kernels only, faster than TCP on loopback, no open port
            self.sockets = tempfile.mkdtemp(prefix="rp-kernel-")
            self.km = AsyncKernelManager(kernel_name=kernel_name, transport="ipc",
                                         ip=os.path.join(self.sockets, "k"))
        else:  # pragma: no cover
            self.km = AsyncKernelManager(kernel_name=kernel_name)
        try:
            run_sync(self.km.start_kernel)(extra_arguments=list(HIST_ARGS), cwd=os.getcwd())
            client = self.connect(startup_timeout)
            self.run_silent(_INSTALL.format(src=_KERNEL_MODULE, modules=list(warm_imports())),
                            timeout=max(startup_timeout, 120))
            reply = run_sync(self._reply)(client.kernel_info(), startup_timeout)
            self.language_info = reply["content"]["language_info"]
        except BaseException:
            self.shutdown(now=True)
            raise
        self.clean = True
        self.warmup_seconds = time.perf_counter() - self.started

    def connect(self, timeout: float = 60) -> Any:
        """A client for the current thread (asyncio sockets belong to the thread's event loop)."""
        if self.kc is not None:
            self.kc.stop_channels()
        self.kc = self.km.client()
        self.kc.start_channels()
        run_sync(self.kc.wait_for_ready)(timeout=timeout)
        self.kc.allow_stdin = False
        self.thread = threading.get_ident()
        return self.kc

    def ensure_client(self) -> None:
        if self.thread != threading.get_ident():
            self.connect()

    def alive(self) -> bool:
        return bool(run_sync(self.km.is_alive)())

    def run_silent(self, code: str, timeout: float = 30) -> None:
        """Run code without history or output; raise ``WarmKernelError`` on error, death or timeout."""
        msg_id = self.kc.execute(code, silent=True, store_history=False, allow_stdin=False)
        content = run_sync(self._reply)(msg_id, timeout)["content"]
        if content.get("status") != "ok":
            raise WarmKernelError(f"{content.get('ename')}: {content.get('evalue')}")

    async def _reply(self, msg_id: str, timeout: float) -> dict:
        """The shell reply to ``msg_id`` (other replies are dropped)."""
        from queue import Empty

        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise WarmKernelError(f"kernel tidak menjawab dalam {timeout:.0f} detik")
            try:
                reply = await self.kc.get_shell_msg(timeout=min(remaining, 1.0))
            except Empty:
                if not await self.km.is_alive():
                    raise WarmKernelError("kernel mati") from None
                continue
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply

    def reset(self, cwd: str | None = None) -> None:
        """Back to the baseline namespace, in ``cwd``; skipped when already clean there (one call per unit)."""
        if self.clean and cwd == self.cwd:
            return
        self.clean = False
        self.run_silent(f"__import__('_ranpasti_warm').reset({cwd!r})", timeout=30)
        self.clean, self.cwd = True, cwd

    def shutdown(self, now: bool = False) -> None:
        """Stop the kernel: a shutdown request (``now``: SIGTERM then SIGKILL), never an interrupt first.

        ``KernelManager.shutdown_kernel`` interrupts the kernel before anything else, which makes every
        recycled kernel log "KeyboardInterrupt caught in kernel"; this does the same steps without it."""
        with contextlib.suppress(Exception):
            if self.kc is not None:
                self.kc.stop_channels()
        self.kc = None
        with contextlib.suppress(Exception):
            run_sync(self._shutdown)(now)
        if self.sockets:
            shutil.rmtree(self.sockets, ignore_errors=True)

    async def _shutdown(self, now: bool) -> None:
        km = self.km
        try:
            km.stop_restarter()
            if km.has_kernel:
                if not now and await km.is_alive():
                    await km.request_shutdown()
                    await km.finish_shutdown(waittime=4)
                else:
                    await km.finish_shutdown(waittime=0)  # SIGTERM, then SIGKILL
        finally:
            await km.cleanup_resources()


class _Pool:
    """The worker process's single warm kernel (one per process: workers are processes)."""

    def __init__(self):
        self.kernel: WarmKernel | None = None
        self.lock = threading.Lock()
        self.pid = os.getpid()
        self.started = 0  # kernels started by this process (tests and benchmarks read it)
        self._finalizer_registered = False

    def acquire(self, kernel_name: str, startup_timeout: float) -> WarmKernel:
        if self.pid != os.getpid():  # forked after a kernel was started: never share the parent's kernel
            self.kernel, self.pid, self.started = None, os.getpid(), 0
        k = self.kernel
        if k is not None and (k.kernel_name != kernel_name or k.units >= recycle_every() or not k.alive()):
            self.discard(now=k.units < recycle_every())
            k = None
        if k is None:
            k = self.kernel = WarmKernel(kernel_name, startup_timeout)
            self.started += 1
            self._register_finalizer()
            log.debug("warm kernel started in %.2fs (pid %s)", k.warmup_seconds, os.getpid())
        else:
            k.ensure_client()
        return k

    def discard(self, now: bool = True) -> None:
        k, self.kernel = self.kernel, None
        if k is not None:
            k.shutdown(now=now)

    def _register_finalizer(self) -> None:
        if not self._finalizer_registered:
            # multiprocessing children skip atexit; util.Finalize runs on their normal exit too
            mp_util.Finalize(self, _shutdown_all, exitpriority=10)
            atexit.register(_shutdown_all)
            self._finalizer_registered = True


POOL = _Pool()


def _shutdown_all() -> None:
    if POOL.pid == os.getpid():
        POOL.discard(now=True)


def shutdown() -> None:
    """Stop this process's warm kernel (it is restarted on the next notebook)."""
    with POOL.lock:
        POOL.discard(now=True)


def prewarm(kernel_name: str = "python3", startup_timeout: float = 60) -> None:
    """Start this process's warm kernel now, so the first notebook does not wait for it."""
    with POOL.lock:
        POOL.acquire(kernel_name, startup_timeout)


def kernels_started() -> int:
    return POOL.started


def _first_line(source: str) -> str:
    line = next((s.strip() for s in source.splitlines() if s.strip()), "")
    return line if len(line) <= 80 else line[:77] + "..."


def _mark_failure(nb_man, client, error: Exception, timeout) -> None:
    """Put the failure on the cell that was running, so papermill raises it like any cell error."""
    index = client.current_index if client.current_index is not None else 0
    cell = nb_man.nb.cells[index]
    count = client.code_cells_executed or None
    where = f"sel {count}" if count else f"sel #{index}"
    what = _first_line(cell.get("source", ""))
    if isinstance(error, CellTimeoutError):
        ename = "CellTimeoutError"
        evalue = (f"{where} ({what}) berjalan lebih dari {timeout} detik; kernel dihentikan, halaman berikutnya "
                  "memakai kernel baru")
    else:
        ename = "DeadKernelError"
        evalue = f"kernel mati saat menjalankan {where} ({what}); kernel dijalankan ulang untuk halaman berikutnya"
    if cell.get("cell_type") == "code":
        cell.execution_count = count
        cell.outputs.append(nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=[evalue]))
    nb_man.cell_exception(cell, cell_index=index, exception=error)
    nb_man.nb.metadata.papermill["exception"] = True


_CLASSES: dict[str, type] = {}


def _engine_class() -> type:
    """Define the engine class once (its base classes come from papermill)."""
    if "engine" in _CLASSES:
        return _CLASSES["engine"]
    from ..core.adapters import papermill as pm

    pmb = pm.engine_bases()  # may import papermill, and so load its entry points: this module among them
    # (the classes below subclass papermill's, untyped: mypy cannot name a base held by a local variable)
    merge_kwargs, remove_args = pmb.merge_kwargs, pmb.remove_args

    if "engine" in _CLASSES:  # defined meanwhile: importing papermill loaded its entry points, and so this class
        return _CLASSES["engine"]

    class _WarmClient(pmb.PapermillNotebookClient):  # type: ignore[name-defined]
        """papermill's client on a warm kernel; remembers which cell runs (to name it if the kernel dies)."""

        current_index: int | None = None
        language_info: dict | None = None

        def execute_cell(self, cell, cell_index, *args, **kwargs):
            self.current_index = cell_index
            return super().execute_cell(cell, cell_index, *args, **kwargs)

        def execute(self, **kwargs):
            if self.language_info is None:  # pragma: no cover - warm kernels always know it
                return super().execute(**kwargs)
            # papermill's execute, minus a kernel_info round trip per notebook: the kernel's is cached
            self.reset_execution_trackers()
            with self.setup_kernel(**kwargs):
                self.papermill_execute_cells()
                self.nb.metadata["language_info"] = nbformat.from_dict(self.language_info)
                self.set_widgets_metadata()
            return self.nb

    class _Manager(pmb.NotebookExecutionManager):  # type: ignore[name-defined]
        """papermill's execution manager, writing the output notebook once, at the end.

        papermill re-serialises the whole notebook to disk before and after every cell (~40 writes of a
        growing ~150 kB notebook per page: ~0.1 s, as much as the page's own work), and once more when the
        notebook completes, right before ``papermill.execute_notebook`` writes the same notebook again. Our
        output path is a temporary file renamed into place only when the run ends, so intermediate writes are
        never read: only papermill's final write is kept. A cell running longer than ``autosave_cell_every``
        seconds is still saved, as papermill would, and so is the notebook when the engine itself fails
        (papermill then writes nothing)."""

        _in_cell = False
        _autosaving = False
        _quiet = True  # the start write and the completion write are left to papermill, unless the run fails

        def cell_start(self, cell, cell_index=None, **kwargs):
            self._in_cell = True
            try:
                super().cell_start(cell, cell_index, **kwargs)
            finally:
                self._in_cell = False

        def cell_complete(self, cell, cell_index=None, **kwargs):
            # papermill reads back the start time it wrote with dateutil's parser (~1 ms a cell, a tenth of a
            # kecamatan page in process): the same duration is computed here with ``fromisoformat``
            meta = cell.metadata.papermill
            start, meta["start_time"] = meta.get("start_time"), None
            self._in_cell = True
            try:
                super().cell_complete(cell, cell_index, **kwargs)
            finally:
                self._in_cell = False
                meta["start_time"] = start
            if start:
                end = datetime.datetime.fromisoformat(meta["end_time"])
                meta["duration"] = (end - datetime.datetime.fromisoformat(start)).total_seconds()

        def save(self, **kwargs):
            if self._autosaving:  # papermill's time-based rule found a save due in a long cell
                return super().save(**kwargs)
            if self._in_cell:
                self._autosaving = True
                try:
                    self.autosave_cell()  # calls save() again when a save is due
                finally:
                    self._autosaving = False
                return None
            return None if self._quiet else super().save(**kwargs)

    class WarmKernelEngine(pmb.NBClientEngine):  # type: ignore[name-defined]
        """papermill engine: the worker process's warm kernel, user state cleared between notebooks."""

        prewarm = staticmethod(prewarm)

        @classmethod
        def execute_notebook(cls, nb, kernel_name, output_path=None, progress_bar=True, log_output=False,
                             autosave_cell_every=30, **kwargs):
            # ``Engine.execute_notebook`` with the quieter manager above
            nb_man = _Manager(nb, output_path=output_path, progress_bar=progress_bar, log_output=log_output,
                              autosave_cell_every=autosave_cell_every)
            nb_man.notebook_start()
            try:
                cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
            except BaseException:
                nb_man._quiet = False  # papermill will not write: keep what ran, as its own engine does
                raise
            finally:
                nb_man.cleanup_pbar()
                nb_man.notebook_complete()
            return nb_man.nb

        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                     stderr_file=None, start_timeout=60, execution_timeout=None, **kwargs):
            kwargs = remove_args(["input_path"], **kwargs)
            safe_kwargs = remove_args(["timeout", "startup_timeout"], **kwargs)
            final_kwargs = merge_kwargs(safe_kwargs, timeout=execution_timeout or kwargs.get("timeout"),
                                        startup_timeout=start_timeout, kernel_name=kernel_name, log=log,
                                        log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file)
            cwd = os.getcwd()  # papermill has chdir'ed to the job's cwd
            with POOL.lock:
                try:
                    kernel = POOL.acquire(kernel_name, start_timeout)
                    kernel.reset(cwd)
                except Exception:
                    POOL.discard(now=True)
                    raise
                client = _WarmClient(nb_man, km=kernel.km, **final_kwargs)
                client.kc = kernel.kc
                client.language_info = kernel.language_info
                kernel.clean = False
                try:
                    client.execute()
                except (DeadKernelError, CellTimeoutError) as e:
                    POOL.discard(now=True)
                    _mark_failure(nb_man, client, e, execution_timeout)
                    return nb_man.nb
                except BaseException:
                    POOL.discard(now=True)
                    raise
                kernel.units += 1
                try:
                    kernel.reset(cwd)  # release the unit's objects now, not at the next unit
                except Exception:
                    POOL.discard(now=True)
                else:
                    if kernel.units >= recycle_every():
                        POOL.discard(now=False)
            return nb_man.nb

    WarmKernelEngine.__module__ = __name__
    WarmKernelEngine.__qualname__ = "WarmKernelEngine"
    _CLASSES["engine"] = WarmKernelEngine
    return WarmKernelEngine


def __getattr__(name: str):
    if name == "WarmKernelEngine":  # papermill loading its entry points while this module is importing
        return _engine_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


WarmKernelEngine = _engine_class()


def _register() -> None:
    # available even when the package is used without its entry point installed (e.g. from a source tree)
    from papermill.engines import papermill_engines

    papermill_engines.register(ENGINE_NAME, WarmKernelEngine)


_register()
