"""``ranpasti serve``: preview the built site on this computer (http://127.0.0.1:PORT).

Plain ``http.server`` bound to 127.0.0.1 only: nothing is reachable from the network. Pagefind search and
the region jump box fetch files, which browsers refuse from ``file://``; served like this they work offline.
"""

from __future__ import annotations

import functools
import http.server
import mimetypes
import posixpath
import sys
import threading
import urllib.parse
from pathlib import Path

HOST = "127.0.0.1"

# Types the site relies on; some systems' mime tables miss or mislabel them.
for ext, mime in ((".js", "text/javascript"), (".mjs", "text/javascript"), (".json", "application/json"),
                  (".svg", "image/svg+xml"), (".css", "text/css"), (".wasm", "application/wasm"),
                  (".pf_meta", "application/octet-stream"), (".pf_fragment", "application/octet-stream"),
                  (".pf_index", "application/octet-stream"), (".pf_filter", "application/octet-stream"),
                  (".ipynb", "application/x-ipynb+json"),
                  (".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                  (".csv", "text/csv; charset=utf-8")):
    mimetypes.add_type(mime, ext)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files like ``SimpleHTTPRequestHandler``; logs only failed requests."""

    def log_request(self, code="-", size="-") -> None:
        if str(getattr(code, "value", code)).startswith(("4", "5")):
            super().log_request(code, size)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-cache")  # a rebuild shows at once
        super().end_headers()

    def send_head(self):
        """Only a path already in its normal form inside the site is served (issue 32, D13); any other is "not
        found", never redirected. ``http.server`` answers a folder without its final ``/`` with a redirect to
        the path as sent plus ``/``: ``/\\host/../page`` became ``Location: /\\host/../page/``, which a client
        may follow to another host. A path the file system cannot name (``%00`` decodes to a NUL byte, which
        ``open`` refuses with a ``ValueError``) is a bad request, answered as such instead of a traceback."""
        refused = refusal(self.path)
        if refused is not None:
            self.send_error(refused, "Alamat tidak sah" if refused == 400 else "Halaman tidak ditemukan")
            return None
        try:
            return super().send_head()
        except ValueError:
            self.send_error(400, "Alamat tidak sah")
            return None

    def list_directory(self, path):
        """No directory listings: a folder without index.html is "not found", as on a static host."""
        self.send_error(404, "Halaman tidak ditemukan")
        return None


def refusal(request_path: str) -> int | None:
    """The status a request's path (query and fragment aside) is refused with, or None when it names a place
    inside the site in normal form. A control character (``%00``) is a bad request (400); a path that does not
    start with one ``/`` or, decoded, holds a backslash or an empty, ``.`` or ``..`` segment is not found
    (404): the redirects ``http.server`` makes (a folder's final ``/``) then stay on this site."""
    path = urllib.parse.unquote(request_path.split("?", 1)[0].split("#", 1)[0], errors="replace")
    if any(ord(c) < 32 or c == "\x7f" for c in path):
        return 400
    inner = path.removesuffix("/")
    if not path.startswith("/") or "//" in path or "\\" in path or (inner and posixpath.normpath(inner) != inner):
        return 404
    return None


class PreviewServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return  # the browser gave up on a request (navigated away): not an error of the site
        super().handle_error(request, client_address)


def make_server(site_dir: Path, port: int = 8000) -> PreviewServer:
    """A server for ``site_dir`` on 127.0.0.1:``port`` (0 picks a free port); not started."""
    handler = functools.partial(QuietHandler, directory=str(Path(site_dir).resolve()))
    return PreviewServer((HOST, port), handler)


def serve(site_dir: Path, port: int = 8000) -> None:
    """Serve until Ctrl+C."""
    server = make_server(site_dir, port)
    host, real_port = _address(server)
    print(f"Pratinjau situs {site_dir}/ di http://{host}:{real_port}/ (hanya komputer ini). Tekan Ctrl+C untuk "
          "berhenti.", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("\nBerhenti.")
    finally:
        server.server_close()


def serve_in_thread(site_dir: Path, port: int = 0) -> tuple[PreviewServer, str]:
    """Start a background server (tests, screenshots); returns it and its base URL. Stop with ``shutdown()``."""
    server = make_server(site_dir, port)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, real_port = _address(server)
    return server, f"http://{host}:{real_port}/"


def _address(server) -> tuple[str, int]:
    host, port = server.server_address[:2]
    return (host.decode() if isinstance(host, bytes) else str(host)), int(port)
