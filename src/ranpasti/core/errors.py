"""One root for every failure staff can cause or fix: ``RanpastiError``.

Why: the CLI must end a known failure (bad data, a bad params file, a locked site, a renderer that cannot
run, a page that failed) with its Bahasa Indonesia message and exit status 1, and show a traceback only
for a bug. When each module raised its own ``Exception``, ``RuntimeError`` or ``ValueError``, the CLI had
to list them, and catching ``RuntimeError``/``ValueError`` wholesale also turned real bugs into one-line
messages nobody could debug. As datasette and papermill do, every known failure subclasses one exception;
``cli`` catches it (and ``OSError``, explained by ``diskerrors``) and nothing else.

Subclasses that were ``RuntimeError``/``ValueError`` before keep those bases, so existing callers that
catch them still do.
"""

from __future__ import annotations


class RanpastiError(Exception):
    """A failure whose message tells staff what to do; never shown with a traceback."""


class UsageError(RanpastiError, ValueError):
    """An option that does not fit: an unknown renderer or executor, ``--scheduler`` without Dask."""


class RenderFailed(RanpastiError, RuntimeError):
    """The site could not be rendered or indexed (renderer unavailable, Quarto or Pagefind failed)."""


class DisclosureRefused(RanpastiError, RuntimeError):
    """A masked count could be worked out from what the pages publish; the site is left as it was."""


class PersonalDataRefused(RanpastiError, RuntimeError):
    """A NIK- or KK-shaped number would have been published; the site is left as it was."""
