"""Primitives every stage stands on, and nothing about RAN PASTI's data: errors, files written atomically or
marked as the program's own, the directory swap and the lock that make a build all-or-nothing, number and
date formatting, YAML with line numbers, slugs, the code fingerprint, the search for personal numbers and the
display objects a section returns.

Why a layer of their own: a stage can then be read, tested and replaced without the others, because all it
shares with them lives here and imports nothing above (the import-linter layers contract, pyproject.toml).
The swap and the lock are here rather than in a ``publish`` package because the validated cache (``ingest.store``)
publishes itself with them too, not only the site.
"""
