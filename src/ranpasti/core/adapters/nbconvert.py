"""nbconvert: the site's HTML exporter, written against nbconvert 7.16-7.17 (``SUPPORTED``).

``HTMLExporter.from_notebook_node`` re-parses its whole output with BeautifulSoup to add alt text to images and
``tabindex`` to every output: on these pages that costs ~4x the export itself, and it changes the HTML (every
image here already has alt text; focusable non-interactive outputs only add tab stops). nbconvert has no
option to skip it, so ``SiteExporter`` calls ``TemplateExporter.from_notebook_node`` after setting up the two
filters ``HTMLExporter`` would, which reads the exporter's private ``_init_resources`` and ``_nb_metadata``.
It also skips the schema validation after each preprocessor (``_validate_preprocessor``, ~10% of the export)
and the extra copy and normalisation of ``_preprocess`` (~4 ms a page): the notebook was built fresh and
valid by the caller. Public nbconvert is used everywhere else (``HTMLExporter``'s configuration traits).
"""

from __future__ import annotations

from typing import Any

from . import require

SUPPORTED = ">=7.16,<7.18"


def check(version: str | None = None) -> str:
    """The installed nbconvert's version, or ``UnsupportedVersion`` if this module was not written for it."""
    return require("nbconvert", "nbconvert", SUPPORTED, version)


def site_exporter(config: Any) -> Any:
    """An ``HTMLExporter`` with ``config`` and the ``basic`` template, without the passes above."""
    check()
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class SiteExporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):
            resources = self._init_resources(resources)
            self.register_filter("highlight_code", Highlight2HTML(pygments_lexer="python", parent=self))
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

        def _validate_preprocessor(self, nbc, preprocessor):
            return None  # the notebook is ours and already valid; validation is ~10% of the export

        def _preprocess(self, nb, resources):
            # nbconvert copies the notebook again here, and normalizes it, though ``from_notebook_node``
            # has just copied it and the caller built it fresh: ~4 ms a page, half the preprocessing
            for preprocessor in self._preprocessors:
                nb, resources = preprocessor(nb, resources)
            return nb, resources

    return SiteExporter(config=config, template_name="basic")
