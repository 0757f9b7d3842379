"""``ranpasti serve``: preview the built site on this computer only (127.0.0.1), with the standard library.

Pagefind and the region list are fetched by the browser, which needs http:// rather than file://.
"""

from __future__ import annotations

import functools
import http.server
from pathlib import Path
from typing import ClassVar


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                                                ".js": "text/javascript", ".json": "application/json"}

    def log_message(self, format: str, *args) -> None:
        pass


def serve(site_dir: Path, port: int = 8000) -> None:
    handler = functools.partial(_Handler, directory=str(Path(site_dir).resolve()))
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as httpd:
        print(f"Pratinjau: http://127.0.0.1:{httpd.server_address[1]}/  (Ctrl-C untuk berhenti)")
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            print("Berhenti.")
