"""ipykernel: a kernel's stdout and stderr flushed only when something was written, written against
ipykernel 6.29-7.x (``SUPPORTED``).

ipykernel flushes stdout and stderr before every ``display()`` and after every cell, and each flush is a round
trip to its I/O thread even when nothing was written: ~40 per page, a tenth of the page's time on a warm
kernel. Written text sets the stream's private ``_flush_pending`` until the I/O thread sends it, so skipping the
flush when it is unset keeps print/display order (``tests/test_engine.py``). ipykernel has no option for this.
Runs inside the kernel (``engines._KERNEL_MODULE``'s ``warm``); a stream without the flag is flushed as before.
"""

from __future__ import annotations

import sys
from typing import Any

from . import require

SUPPORTED = ">=6.29,<8"


def check(version: str | None = None) -> str:
    """The installed ipykernel's version, or ``UnsupportedVersion`` if this module was not written for it."""
    return require("ipykernel", "ipykernel", SUPPORTED, version)


def flush_only_when_pending(stream: Any) -> None:
    """``stream.flush`` skipped while nothing written is waiting to be sent."""
    flush = stream.flush

    def flush_if_pending():
        if getattr(stream, "_flush_pending", True):
            flush()

    stream.flush = flush_if_pending


def quiet_streams() -> None:
    """In a kernel: ``flush_only_when_pending`` on its stdout and stderr (other streams are left alone)."""
    streams = [s for s in (sys.stdout, sys.stderr) if type(s).__module__ == "ipykernel.iostream"]
    if streams:
        check()
    for stream in streams:
        flush_only_when_pending(stream)
