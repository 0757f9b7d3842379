"""Executing the page notebooks: which pages need running (``execute``), on which workers (``executors``,
local or Dask), with which papermill engine (``engines``: a warm kernel; ``inprocess``: an IPython shell in
the worker), one page at a time (``jobs``), stopping when the parent dies (``lifeline``), and the CPU a
build spends in each of its phases (``cputime``).

Why apart from rendering: executed notebooks are the contract between the two; a renderer reads them and
never runs one, so either side can change alone.
"""
