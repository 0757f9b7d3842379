"""Lighthouse (mobile) on the pages the public reads first, served gzip-compressed as GitHub Pages serves them.

    python bench/lighthouse.py                  # build the sample site into a temporary folder, then measure
    python bench/lighthouse.py --site site/     # measure a site already built
    python bench/lighthouse.py --runs 3         # median of three runs per page

Not a test: it prints figures and asserts nothing (machines are noisy; the targets are read off the table).
Lighthouse 12 comes from npm (installed once into ``.tools/lighthouse``, never a browser download) and
drives Debian's Chromium (``/usr/bin/chromium``) with its default mobile emulation: a mid-range phone,
4x slower CPU, slow 4G (simulated throttling). Targets (issue 18): performance >= 95, accessibility,
best practices and SEO 100, <= 150 KB transferred per page before the reader asks for interaction,
CLS < 0.05.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import ClassVar

ROOT = Path(__file__).resolve().parents[1]
TOOLS = ROOT / ".tools" / "lighthouse"
LIGHTHOUSE_VERSION = "12"
CHROMIUM = "/usr/bin/chromium"
PAGES = {
    "beranda": "",
    "provinsi": "provinsi-sumatera-selatan/",
    "kabupaten": "kabupaten-musi-rawas/",
    "kecamatan": "kabupaten-musi-rawas/tugumulyo/",
    "evaluasi kabupaten": "kabupaten-musi-rawas/evaluasi-2025/",
    "evaluasi kecamatan": "kabupaten-musi-rawas/tugumulyo/evaluasi-2025/",
}
COMPRESSED = {".html", ".css", ".js", ".svg", ".json", ".csv", ".txt", ".xml", ".ipynb"}


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Static files with gzip for text, keep-alive and a short cache lifetime, like GitHub Pages."""

    protocol_version = "HTTP/1.1"
    _cache: ClassVar[dict[Path, bytes]] = {}

    def log_message(self, *args) -> None:
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix not in COMPRESSED or "gzip" not in self.headers.get("Accept-Encoding", "") \
                or not path.is_file():
            return super().send_head()
        body = self._cache.get(path)
        if body is None:
            body = self._cache[path] = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")
        self.end_headers()
        return io.BytesIO(body)


def lighthouse() -> Path:
    """The Lighthouse CLI from npm, installed into ``.tools/lighthouse`` the first time."""
    cli = TOOLS / "node_modules" / ".bin" / "lighthouse"
    if not cli.exists():
        if shutil.which("npm") is None:
            sys.exit("npm tidak ada: pasang Node.js dan npm (paket Debian nodejs, npm) untuk mengukur Lighthouse.")
        subprocess.run(["npm", "install", "--prefix", str(TOOLS), "--no-audit", "--no-fund",
                        f"lighthouse@{LIGHTHOUSE_VERSION}"], check=True)
    return cli


def build_sample(work: Path) -> Path:
    out = work / "site"
    subprocess.run([sys.executable, "-m", "ranpasti", "build", "--renderer", "builtin", "--out", str(out),
                    "--build-dir", str(work / "build"), "--cache", str(work / "cache"), "--params",
                    str(work / "params")], check=True, cwd=ROOT)
    return out


def measure(cli: Path, url: str, work: Path) -> dict:
    report = work / "lh.json"
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    subprocess.run([str(cli), url, "--quiet", "--output=json", f"--output-path={report}",
                    "--only-categories=performance,accessibility,best-practices,seo",
                    "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"],
                   check=True, env=env, stdout=subprocess.DEVNULL)
    r = json.loads(report.read_text(encoding="utf-8"))
    audits = r["audits"]
    items = audits["network-requests"]["details"]["items"]
    return {
        "performance": r["categories"]["performance"]["score"] * 100,
        "accessibility": r["categories"]["accessibility"]["score"] * 100,
        "best-practices": r["categories"]["best-practices"]["score"] * 100,
        "seo": r["categories"]["seo"]["score"] * 100,
        "fcp_s": audits["first-contentful-paint"]["numericValue"] / 1000,
        "lcp_s": audits["largest-contentful-paint"]["numericValue"] / 1000,
        "tbt_ms": audits["total-blocking-time"]["numericValue"],
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "kb": sum(i.get("transferSize", 0) for i in items) / 1024,
        "requests": len(items),
        "failed": [a["title"] for k, a in audits.items()
                   if a.get("score") is not None and a["score"] < 1 and a.get("scoreDisplayMode") == "binary"][:6],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--site", type=Path, help="a site already built (default: build the sample)")
    ap.add_argument("--runs", type=int, default=1, help="runs per page; the median is printed")
    args = ap.parse_args()
    cli = lighthouse()
    with tempfile.TemporaryDirectory(prefix="rp-lighthouse-") as tmp:
        work = Path(tmp)
        site = args.site.resolve() if args.site else build_sample(work)
        handler = functools.partial(GzipHandler, directory=str(site))
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{httpd.server_address[1]}/"
        print(f"Lighthouse {LIGHTHOUSE_VERSION} (mobile, simulated slow 4G, 4x CPU), gzip, {args.runs} run(s) per "
              "page, median")
        print(f"{'halaman':<20}{'perf':>6}{'a11y':>6}{'BP':>5}{'SEO':>5}{'FCP s':>7}{'LCP s':>7}{'TBT ms':>8}"
              f"{'CLS':>7}{'KB':>7}{'req':>5}")
        try:
            for name, page in PAGES.items():
                runs = [measure(cli, base + page, work) for _ in range(args.runs)]
                med = {k: statistics.median(r[k] for r in runs) for k in runs[0] if k != "failed"}
                print(f"{name:<20}{med['performance']:>6.0f}{med['accessibility']:>6.0f}{med['best-practices']:>5.0f}"
                      f"{med['seo']:>5.0f}{med['fcp_s']:>7.2f}{med['lcp_s']:>7.2f}{med['tbt_ms']:>8.0f}"
                      f"{med['cls']:>7.3f}{med['kb']:>7.1f}{med['requests']:>5.0f}")
                if runs[0]["failed"]:
                    print(f"{'':<20}gagal: {'; '.join(runs[0]['failed'])}")
        finally:
            httpd.shutdown()


if __name__ == "__main__":
    main()
