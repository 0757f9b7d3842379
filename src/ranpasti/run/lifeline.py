"""The processes a build starts end with it, however it ends.

A build starts a forkserver and pool workers (and, with ``--engine ranpasti-warm``, a Jupyter kernel in each
worker; the default in-process engine starts none). Ended from outside (a CI cancel or ``timeout`` sends
SIGTERM; an out-of-memory kill or ``kill -9`` sends SIGKILL to the build alone), they were left running
indefinitely: a pool worker waits on a queue whose other end it holds itself. So:

* SIGTERM in the build becomes ``KeyboardInterrupt``: the normal clean-up runs (pools shut down, kernels
  stopped, the staging folder left for the next build to remove, the published site untouched);
* every pool worker watches the build's process and exits when it is gone, ending the forkserver that
  started it; a warm engine's kernel then ends itself (ipykernel leaves when its parent process changes).
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time

POLL_SECONDS = 1.0


def interrupt_on_sigterm() -> None:
    """Turn SIGTERM into ``KeyboardInterrupt`` in this (main) thread, so ``finally`` blocks run."""
    def handler(signum, frame):
        raise KeyboardInterrupt(f"sinyal {signal.Signals(signum).name}")

    signal.signal(signal.SIGTERM, handler)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def watch_build(build_pid: int) -> None:
    """In a pool worker: exit (and end the forkserver above it) as soon as the build process is gone."""
    def watch() -> None:
        while _alive(build_pid):
            time.sleep(POLL_SECONDS)
        parent = os.getppid()
        if parent not in (1, build_pid):  # the forkserver that forked this worker, orphaned too
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(parent, signal.SIGTERM)
        os._exit(1)

    threading.Thread(target=watch, name="ranpasti-lifeline", daemon=True).start()
