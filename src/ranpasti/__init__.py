"""RAN PASTI progress and evaluation pages, built from parameterized notebooks.

The package holds every computation; notebooks only call it, so one fix reaches every page.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ranpasti")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+src"

SAMPLE_LABEL = "data contoh (sintetis)"
