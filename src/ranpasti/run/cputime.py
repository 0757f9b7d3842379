"""Where a build's time goes: wall and CPU seconds per phase, for the benchmark and the build's last line.

Why CPU and not only wall time: a build's wall time depends on the machine and on what else it runs; the
CPU seconds a phase costs per page do not, so they are the figure a target can be stated in (issue 21:
≤ 0.1 CPU-s per page nationally). The CPU is the whole process tree's (workers, the fork server, Pagefind),
sampled by ``executors.MemoryMonitor`` and read at every phase boundary.

Two phases run inside others and are split out of them:
- ``index``: Pagefind runs in background processes while pages are rendered; its processes are told apart
  by their command line, and their CPU is the index phase wherever it fell.
- ``charts``: the static SVG charts are drawn by the render workers (``render.assets.chart_svg``); each
  worker adds up the CPU it spent in vl-convert and the renderer reports the sum, which is taken out of
  ``render``. (The maps are drawn by the notebooks and are part of ``execute``.)
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from .executors import MemoryMonitor

PHASES = ("ingest", "facts", "params", "execute", "disclosure", "charts", "render", "index", "publish")
INSIDE = {"charts": "render", "index": "render"}  # run inside another phase and taken out of it


@dataclass
class Phase:
    wall: float = 0.0
    cpu: float = 0.0
    peak_mb: float = 0.0  # the process tree's peak resident memory while the phase ran (sampled)


@dataclass
class PhaseClock:
    interval: float = 0.2
    phases: dict[str, Phase] = field(default_factory=dict)
    monitor: MemoryMonitor | None = None

    def start(self) -> PhaseClock:
        self.monitor = MemoryMonitor(interval=self.interval)
        self.monitor.__enter__()
        return self

    def stop(self) -> None:
        """Stop sampling and settle the index's CPU (its processes' own, wherever it fell)."""
        if self.monitor is not None:
            self.monitor.__exit__(None, None, None)
            self.phases["index"] = Phase(self.phases.get("index", Phase()).wall, self.monitor.cpu_seconds_of("index"))

    def _cpu(self, window: bool = False) -> float:
        assert self.monitor is not None
        mb = self.monitor.sample()
        if window:
            self.monitor.new_window(mb)
        return self.monitor.cpu_seconds_of("")

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        """Time the block as ``name`` (phases named twice add up)."""
        wall, cpu = time.perf_counter(), self._cpu(window=True)
        try:
            yield
        finally:
            done = self.phases.setdefault(name, Phase())
            done.wall += time.perf_counter() - wall
            done.cpu += self._cpu() - cpu
            assert self.monitor is not None
            done.peak_mb = max(done.peak_mb, self.monitor.window_peak_mb)

    def inside(self, name: str, cpu: float, wall: float = 0.0) -> None:
        """CPU and wall seconds that phase ``INSIDE[name]`` spent on ``name``: moved out of it. (The index's
        CPU is its own processes' and never counted in rendering; its wall is what rendering waited for it.)"""
        parent = self.phases.setdefault(INSIDE[name], Phase())
        own = self.phases.setdefault(name, Phase())
        own.cpu += cpu
        own.wall += wall
        parent.cpu -= cpu
        parent.wall -= wall

    @property
    def peak_mb(self) -> float:
        return self.monitor.peak_mb if self.monitor is not None else 0.0

    def figures(self) -> dict[str, dict[str, float]]:
        """Phase -> {"wall": s, "cpu": s, "peak_mb": MB}, in pipeline order (phases that did not run are left
        out). A phase run inside another (``INSIDE``) has no peak of its own: its parent's is the one."""
        return {name: {"wall": round(max(p.wall, 0.0), 3), "cpu": round(max(p.cpu, 0.0), 3),
                       "peak_mb": round(p.peak_mb, 1)}
                for name in PHASES if (p := self.phases.get(name)) is not None}
