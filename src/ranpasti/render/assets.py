"""Renderer-independent page steps, so the Quarto site and the built-in site get the same files.

Per page: the CSV/Excel downloads of every table and the SVG fallbacks of charts (read from the executed
notebook's data bundles, never recomputed), a copy of the executed notebook (the audit record, with its
papermill metadata), the provenance footer and the navigation links. The site-wide steps that run after
the pages (static files, region list, search page and index, cache pruning) are in ``site``.

Downloads are cached in the build folder by the executed notebook's hash and SVGs by the spec's hash, both
with the package's source fingerprint (``SiteInfo.code``: an edit to a download writer is a new cache
entry, no constant to bump), so a rebuild only exports pages whose notebook or code changed; cached files
are hard-linked into the new site.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import os
import re
import time
import unicodedata
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from jinja2 import Environment, PackageLoader

from .. import SAMPLE_LABEL
from ..core import caches, fmt
from ..core.display import MIME_CHART, MIME_TABLE, MIME_VEGALITE
from ..core.files import link_or_copy, sha256_bytes
from ..core.fingerprint import source_fingerprint
from ..plan.sitemap import PageRecord
from ..reference import settings
from ..reference.urls import relative, root_prefix
from .context import RenderContext

ASSETS = Path(__file__).resolve().parents[1] / "assets"
SITE_NAME = "RAN PASTI — Kemajuan dan Evaluasi"
SEARCH_PAGE = "cari/"  # not a region slug: those start with provinsi-/kabupaten-/kota-
# px, width of the static chart images: drawn for a phone's column (360 px less margins, scaled by CSS), so
# their text stays at its designed size where most readers read; wider screens show them somewhat larger.
SVG_WIDTH = 360

# Indonesian d3 locales: the same objects are used by assets/charts.js in the browser.
FORMAT_LOCALE = {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["Rp", ""]}
TIME_FORMAT_LOCALE = {
    "dateTime": "%A, %e %B %Y %X", "date": "%d/%m/%Y", "time": "%H.%M.%S", "periods": ["", ""],
    "days": ["Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"],
    "shortDays": ["Min", "Sen", "Sel", "Rab", "Kam", "Jum", "Sab"],
    "months": fmt.BULAN,
    "shortMonths": fmt.BULAN_SINGKAT,
}
CHART_SCRIPT = "assets/charts.js"  # small; loads assets/vendor/vega*.js only when a reader asks for interaction


@dataclass(frozen=True)
class SiteInfo:
    """What page rendering needs from the build, small and picklable (sent once to each worker process)."""

    build_dir: Path
    version: str
    built_at: str  # already formatted (Indonesian)
    sample: bool
    files: tuple[dict, ...]  # input data files for the provenance footer
    notices: dict[str, str] = field(default_factory=dict)
    code: str = ""  # ``fingerprint.source_fingerprint()``, computed once in the build (workers do not rehash)
    build_paths: tuple[str, ...] = ()  # the build machine's folders, never published (``publishable_notebook``)


# Every page says, in its own head, that the browser may fetch nothing from outside the site (issue 32, B25):
# a value that reaches a page (a colour, a name) can then not make readers' browsers call another address,
# whatever it holds. Images may be data: URIs (SVG charts); styles may be inline (the bands' colours, which
# the settings schema keeps to #rrggbb); scripts only the site's own files, plus the inline scripts a
# renderer writes itself, each allowed by its hash (``content_security_policy``). Pagefind's search runs
# WebAssembly ('wasm-unsafe-eval'), and Vega compiles a chart's expressions with ``new Function`` ('unsafe-eval';
# vega-interpreter would avoid it, and is not vendored): neither can reach outside the site, which
# default-src, connect-src and img-src forbid.
CSP_SOURCES = {"default-src": "'self'", "img-src": "'self' data:", "style-src": "'self' 'unsafe-inline'",
               "script-src": "'self' 'unsafe-eval' 'wasm-unsafe-eval'", "connect-src": "'self'",
               "font-src": "'self' data:", "object-src": "'none'", "base-uri": "'none'",
               "form-action": "'self'", "frame-src": "'none'"}  # the jump box's form opens the search page
_INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*\btype=\"application/(?:ld\+)?json\")[^>]*>"
                            r"(.*?)</script>", re.DOTALL | re.IGNORECASE)


def content_security_policy(html: str = "") -> str:
    """The policy of a page: ``CSP_SOURCES``, with the hash of each inline script ``html`` holds."""
    sources = dict(CSP_SOURCES)
    hashes = sorted({"'sha256-" + base64.b64encode(hashlib.sha256(m.group(1).encode("utf-8")).digest()).decode()
                     + "'" for m in _INLINE_SCRIPT.finditer(html)})
    if hashes:
        sources["script-src"] += " " + " ".join(hashes)
    return "; ".join(f"{k} {v}" for k, v in sources.items())


def csp_meta(html: str = "") -> str:
    return f'<meta http-equiv="Content-Security-Policy" content="{content_security_policy(html)}">'


def site_info(ctx: RenderContext) -> SiteInfo:
    return SiteInfo(build_dir=Path(ctx.build_dir).resolve(), version=ctx.version,
                    built_at=fmt.datetime(ctx.built_at), sample=bool(ctx.store.config.sample),
                    files=tuple(source_files(ctx)), notices=dict(ctx.notices),
                    code=source_fingerprint(), build_paths=build_paths(ctx))


def build_paths(ctx: RenderContext) -> tuple[str, ...]:
    """The absolute paths of the build's folders (project, cache, build), longest first, as given and
    resolved: a notebook's parameters and papermill's metadata carry them (issue 32, B61)."""
    folders = [ctx.project_root, ctx.build_dir, ctx.store.dir]
    found: set[str] = set()
    for folder in folders:
        for form in (Path(folder).absolute(), Path(folder).resolve()):
            text = str(form).rstrip("/\\")
            if len(text) > 3:  # never "/" or "C:\\" alone
                found.add(text)
    return tuple(sorted(found, key=len, reverse=True))


# Parameters a page's params file gives (kode, bulan, catatan, ...): published as given. Every other parameter
# is the build's own (``data_dir``, ``cache_dir``: where this build's cache is) and is published as the
# notebook's own default, which is what a reader re-running the page from the project folder uses.
PAGE_PARAMETERS = frozenset().union(*(model.model_fields for model in settings.PARAMS_MODELS.values()))
# What only a build names: its temporary notebook names (``index.tmp-23816.ipynb``, a process id)
_TEMP_NAME = re.compile(rb"\.tmp-\d+")


def publishable_notebook(text: str) -> str:
    """The executed notebook as it may be published (issue 32, B61, D11): the parameters a reader would use
    to re-run the page, never the build's own folders or temporary names.

    The build's own parameters (not ``PAGE_PARAMETERS``) take the notebook's defaults (its cell tagged
    ``parameters``), in papermill's metadata and in the cell papermill injected (written anew by papermill's
    own translator); ``input_path`` is the project's ``notebooks/<name>.ipynb`` and ``output_path`` the
    published ``notebook.ipynb``. Before publishing, ``build_path_leak`` refuses any published file (this one
    too) that still names a build folder."""
    published = publishable_from(json.loads(text))
    return text if published is None else published


def publishable_from(nb: dict) -> str | None:
    """``publishable_notebook`` of the notebook its text parses to (``nb``, left as it is: the renderer has it
    parsed already), or None for a notebook without papermill's metadata (published as its text is)."""
    from papermill.translators import translate_parameters

    meta = nb.get("metadata", {}).get("papermill")
    if not isinstance(meta, dict):
        return None
    meta = dict(meta)  # what is changed below is copied first
    nb = {**nb, "metadata": {**nb["metadata"], "papermill": meta}}
    if isinstance(nb.get("cells"), list):
        nb["cells"] = [dict(cell) if isinstance(cell, dict) else cell for cell in nb["cells"]]
    defaults = notebook_defaults(nb)
    given = meta.get("parameters") or {}
    reader = {k: v for k, v in given.items() if k in PAGE_PARAMETERS}
    reader.update({k: defaults[k] for k in given if k not in PAGE_PARAMETERS and k in defaults})
    meta["parameters"] = reader
    meta["input_path"] = "notebooks/" + re.split(r"[/\\]", str(meta.get("input_path") or ""))[-1]
    meta["output_path"] = "notebook.ipynb"
    info = nb["metadata"].get("kernelspec", {})
    for cell in nb.get("cells", []):
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            cell["source"] = translate_parameters(info.get("name", "python3"), info.get("language", "python"),
                                                  reader, "Parameters")
    return json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def notebook_defaults(nb: dict) -> dict:
    """The values the notebook's cell tagged ``parameters`` assigns (``cache_dir = ".ranpasti/cache"``)."""
    import ast

    out: dict = {}
    for cell in nb.get("cells", []):
        if "parameters" not in cell.get("metadata", {}).get("tags", []):
            continue
        source = cell.get("source", "")
        for node in ast.parse("".join(source) if isinstance(source, list) else source).body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                try:
                    out[node.targets[0].id] = ast.literal_eval(node.value)
                except ValueError:
                    continue
    return out


def build_path_leak(data: bytes, paths: tuple[str, ...]) -> str | None:
    """What of the build machine a published file names, or None: one of its folders (``paths``) as an
    absolute path (as written or JSON-escaped), in the cut form ``…/<folder name>``, or a temporary name of
    the build (``.tmp-<process id>``)."""
    cut = _CUT.encode("utf-8") in data  # (each search below is a pass over the file: only the ones that can hit)
    for path in paths:
        for form in {path, json.dumps(path)[1:-1]}:
            if form.encode("utf-8") in data:
                return form
        name = _CUT + re.split(r"[/\\]", path)[-1]
        if cut and name.encode("utf-8") in data:
            return name
    found = _TEMP_NAME.search(data) if b".tmp-" in data else None
    return found.group().decode("ascii") if found else None


_CUT = "…/"  # how a shortened path starts


@caches.memo(1)
def env() -> Environment:
    """The site's templates, compiled once per process."""
    e = Environment(loader=PackageLoader("ranpasti", "templates"), autoescape=True, trim_blocks=True,
                    lstrip_blocks=True)
    e.globals.update(site_name=SITE_NAME, sample_label=SAMPLE_LABEL, csp=content_security_policy())
    return e


def read_notebook(path: Path) -> dict:
    """The executed notebook as plain JSON (no schema validation: papermill wrote it, and this is hot)."""
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def outputs(nb: dict):
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            yield from cell.get("outputs", [])


DATA_ONLY = (MIME_TABLE, MIME_CHART, MIME_VEGALITE)  # carried for downloads, never shown as such
HIDDEN_TAGS = {"remove-cell", "parameters", "injected-parameters"}


def _text(v):
    return "".join(v) if isinstance(v, list) else v


def reader_cells(nb: dict) -> list[dict]:
    """The cells readers see, as new dicts (``nb`` is not changed): no cells tagged hidden, no stderr, no
    tracebacks, no data-only bundles, no code (inputs are never shown) and no code cells without output."""
    cells = []
    for cell in nb.get("cells", []):
        if HIDDEN_TAGS.intersection(cell.get("metadata", {}).get("tags", ())):
            continue
        if cell.get("cell_type") == "code":
            outs = []
            for o in cell.get("outputs", []):
                kind = o.get("output_type")
                if kind == "error" or (kind == "stream" and o.get("name") == "stderr"):
                    continue
                if "data" in o:
                    o = {**o, "data": {k: _text(v) for k, v in o["data"].items() if k not in DATA_ONLY}}
                elif "text" in o:
                    o = {**o, "text": _text(o["text"])}
                outs.append(o)
            if outs:
                cells.append({**cell, "source": "", "outputs": outs})
        else:
            cells.append({**cell, "source": _text(cell.get("source", ""))})
    return cells


def page_folder(out: Path, record: PageRecord) -> Path:
    folder = out / record.page
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


# ---------------------------------------------------------------- downloads


FORMULA_START = frozenset("=+-@\t\r")


def csv_cell(value):
    """A value as a CSV cell. Text that a spreadsheet would read as a formula (starting with = + - @, a tab
    or a carriage return, also in their full-width forms) gets a leading apostrophe, as OWASP advises
    against CSV injection: Lokmin text ``=HYPERLINK("http://…","klik")`` must open as text. Numbers stay
    numbers; the .xlsx download stores text as text and needs nothing."""
    if value is None:
        return ""
    if isinstance(value, str) and value and unicodedata.normalize("NFKC", value[0]) in FORMULA_START:
        return "'" + value
    return value


def table_csv(bundle: dict) -> bytes:
    """UTF-8 with BOM (Excel then reads the accents right), header row, the bundle's values (text that
    would be a formula neutralised: ``csv_cell``)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([csv_cell(c) for c in bundle["columns"]])
    for row in bundle["rows"]:
        writer.writerow([csv_cell(v) for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SHEET_ILLEGAL = re.compile(r"[\[\]:*?/\\]")
_XLSX_STATIC = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '</Types>'),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
        'Target="styles.xml"/></Relationships>'),
    "xl/styles.xml": (  # style 0: default; style 1: bold (header row)
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        '</styleSheet>'),
}


def _col(n: int) -> str:
    name = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        name = chr(65 + r) + name
    return name


def _xlsx_cell(ref: str, value, style: str = "") -> str:
    if value is None or (isinstance(value, float) and value != value):  # None, NaN: empty cell
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"{style}><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)) and abs(value) != float("inf"):
        return f'<c r="{ref}"{style}><v>{value!r}</v></c>'
    text = escape(_XML_ILLEGAL.sub("", str(value)))
    return f'<c r="{ref}" t="inlineStr"{style}><is><t xml:space="preserve">{text}</t></is></c>'


def table_xlsx(bundle: dict) -> bytes:
    """A one-sheet .xlsx with the same header and values as the CSV (numbers stay numbers).

    Written directly as SpreadsheetML rather than through openpyxl, which costs ~30 ms per table (about
    four times the budget of a whole page at national scale); the tests read every file back with openpyxl.
    """
    cols = [_col(i) for i in range(len(bundle["columns"]))]
    header = "".join(_xlsx_cell(f"{c}1", v, ' s="1"') for c, v in zip(cols, bundle["columns"], strict=True))
    rows = [f'<row r="1">{header}</row>']
    for n, row in enumerate(bundle["rows"], start=2):
        cells = "".join(_xlsx_cell(f"{c}{n}", v) for c, v in zip(cols, row, strict=True))
        rows.append(f'<row r="{n}">{cells}</row>')
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             f'<dimension ref="A1:{cols[-1] if cols else "A"}{len(rows)}"/>'
             '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
             'state="frozen"/></sheetView></sheetViews>'
             f'<sheetData>{"".join(rows)}</sheetData></worksheet>')
    title = escape(_SHEET_ILLEGAL.sub("-", bundle["name"])[:31] or "tabel", {'"': "&quot;"})
    workbook = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                f'<sheets><sheet name="{title}" sheetId="1" r:id="rId1"/></sheets></workbook>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        for name, text in (*_XLSX_STATIC.items(), ("xl/workbook.xml", workbook), ("xl/worksheets/sheet1.xml", sheet)):
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))  # reproducible bytes
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text)
    return buf.getvalue()


CHART_CPU = {"seconds": 0.0}  # this process's CPU in vl-convert: the build reports it as its own phase (``phases``)
CHART_STAT = "chart_cpu_seconds"  # where a renderer reports it (``RenderContext.stats``)


def add_chart_cpu(stats: dict, seconds: float) -> None:
    stats[CHART_STAT] = stats.get(CHART_STAT, 0.0) + seconds


@contextmanager
def charts_counted(stats: dict) -> Iterator[None]:
    """Add the CPU this process spends drawing charts inside the block to ``stats`` (``add_chart_cpu``)."""
    before = CHART_CPU["seconds"]
    try:
        yield
    finally:
        add_chart_cpu(stats, CHART_CPU["seconds"] - before)


@caches.memo(64)
def _compiled(shape: str) -> dict:
    """A chart's Vega spec compiled from its Vega-Lite spec without data (``shape``, JSON), once per process.

    Every page draws the same few charts (nine on the sample) with its own rows: Vega-Lite's compiler
    does not read the rows, so its output is reused and only the datasets' values change (~20% of a chart's
    CPU; the SVGs are byte-identical, checked in the tests)."""
    import vl_convert

    return vl_convert.vegalite_to_vega(json.loads(shape))


def vega_with_data(spec: dict) -> dict:
    """The Vega spec of a Vega-Lite ``spec`` whose data are named ``datasets`` (as ``charts`` writes them)."""
    datasets = spec.get("datasets", {})
    shape = json.dumps({**spec, "datasets": {name: [] for name in datasets}}, sort_keys=True)
    vega = dict(_compiled(shape))
    vega["data"] = [dict(entry, values=datasets[entry["name"]]) if entry.get("name") in datasets and "values" in entry
                    else entry for entry in vega.get("data", [])]
    return vega


def chart_svg(spec: dict, cache: Path, code: str = "") -> str:
    """The chart's static SVG through vl-convert (Indonesian formats, no network), cached by the spec's hash
    and the source fingerprint ``code``. ARIA attributes are left out: the image's ``alt`` and the data table
    are its text alternative, and per-mark labels only add bytes to an ``<img>``."""
    key = sha256_bytes(json.dumps(spec, sort_keys=True) + code)
    path = cache / key[:2] / f"{key}.svg"
    if path.exists():
        os.utime(path)
        return path.read_text(encoding="utf-8")
    import vl_convert

    spec = {**spec, "config": {**spec.get("config", {}), "aria": False}}
    if spec.get("width") == "container":  # no container outside a browser: draw at a phone's column width
        spec["width"] = SVG_WIDTH
    cpu = time.process_time()
    svg = vl_convert.vega_to_svg(vega_with_data(spec), format_locale=FORMAT_LOCALE,
                                 time_format_locale=TIME_FORMAT_LOCALE, allowed_base_urls=[])
    CHART_CPU["seconds"] += time.process_time() - cpu
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, svg.encode("utf-8"))
    return svg


def export_files(nb: dict, cache: Path, svg_cache: Path, code: str = "") -> list[Path]:
    """Write this notebook's downloads and chart images into ``cache`` (once per notebook hash); return the
    files."""
    done = cache / ".lengkap"
    if done.exists():
        os.utime(done)
        return sorted(p for p in cache.iterdir() if not p.name.startswith("."))
    cache.mkdir(parents=True, exist_ok=True)
    files = []
    for out in outputs(nb):
        data = out.get("data", {})
        if MIME_TABLE in data:
            bundle = data[MIME_TABLE]
            for suffix, writer in ((".csv", table_csv), (".xlsx", table_xlsx)):
                path = cache / f"{bundle['name']}{suffix}"
                write_atomic(path, writer(bundle))
                files.append(path)
        chart = data.get(MIME_CHART)
        if chart and MIME_VEGALITE in data:
            path = cache / f"{chart['name']}.svg"
            write_atomic(path, chart_svg(data[MIME_VEGALITE], svg_cache, code).encode("utf-8"))
            files.append(path)
    done.touch()
    return files


def place_page_files(record: PageRecord, nb: dict, sha: str, site: SiteInfo, out: Path) -> list[str]:
    """Downloads, chart images and the executed notebook next to the page; returns the file names."""
    folder = page_folder(out, record)
    cache = caches.build_path(site.build_dir, "render-cache/unduhan", [sha, site.code])
    names = []
    for f in export_files(nb, cache, site.build_dir / "svg-cache", site.code):
        link_or_copy(f, folder / f.name, replace=True)
        names.append(f.name)
    published = cache / "notebook.ipynb"
    if not published.exists():
        cache.mkdir(parents=True, exist_ok=True)
        text = publishable_from(nb)  # the notebook as read_notebook parsed it from the same file
        if text is None:
            text = record.notebook.read_text(encoding="utf-8")
        write_atomic(published, text.encode("utf-8"))
    link_or_copy(published, folder / "notebook.ipynb", replace=True)
    return [*names, "notebook.ipynb"]


_CHART_IMG = re.compile(r'data-rp-grafik="([^"]+)"')
_SVG_SIZE = re.compile(r'<svg\b[^>]*?\bwidth="([\d.]+)"[^>]*?\bheight="([\d.]+)"')


def size_charts(html: str, folder: Path) -> str:
    """Give each chart image on the page the size of its SVG (beside the page in ``folder``), so the browser
    reserves the space before the image arrives and nothing below it moves (no layout shift)."""

    def sized(m: re.Match) -> str:
        path = folder / f"{m.group(1)}.svg"
        try:
            with path.open(encoding="utf-8") as f:
                size = _SVG_SIZE.search(f.read(2048))
        except OSError:
            size = None
        if size is None:
            return m.group(0)
        w, h = (round(float(v)) for v in size.groups())
        return f'width="{w}" height="{h}"'

    return _CHART_IMG.sub(sized, html)


# ---------------------------------------------------------------- provenance


def jump_box_at(html: str) -> int:
    """Where the home page's region jump box goes in a block of page HTML: after the headline cards and their
    note, so the first screen of a phone shows the verdict and the first figures (issue 18); after the page
    header when the block has no cards; -1 when it has neither."""
    cards = html.find('class="rp-cards"')
    if cards >= 0:
        note = html.find('class="rp-note"', cards)
        end = html.find("</p>", note) if note >= 0 else -1
        if end >= 0:
            return end + len("</p>")
    at = html.find("</header>")
    return at + len("</header>") if at >= 0 else -1


def source_files(ctx: RenderContext) -> list[dict]:
    """The input data files of this build, from the store manifest (same for every page)."""
    files = []
    for _name, s in sorted(ctx.store.manifest.get("sources", {}).items()):
        files.append({"file": s["file"], "sha256": s["sha256"], "rows": fmt.number(s.get("rows")),
                      "modified": fmt.date(s["modified"]) if s.get("modified") else "tidak diketahui"})
    return files


def footer(record: PageRecord, site: SiteInfo) -> str:
    """The provenance footer of one page (HTML fragment, the same in both renderers)."""
    return env().get_template("footer.html.j2").render(
        files=site.files, notebook=record.spec.notebook, download=True,
        sample=site.sample, built_at=site.built_at, version=site.version)


# ---------------------------------------------------------------- navigation

CHILDREN_TITLE = {"nasional": "Provinsi dan kabupaten/kota", "provinsi": "Kabupaten/kota",
                  "kabupaten": "Kecamatan"}


def nav(record: PageRecord) -> dict:
    """Breadcrumbs and links of a page as relative hrefs (the site works from any sub-path)."""
    def href(page: str) -> str:
        return relative(record.page, page)

    prefix = root_prefix(record.page)
    return {
        "page": record.page,
        "root": prefix + "/" if prefix else "",
        "crumbs": [{"label": c.label, "href": href(c.page)} for c in record.breadcrumbs],
        "children": [{"label": c.label, "href": href(c.page)} for c in record.children],
        "related": [{"label": c.label, "href": href(c.page)} for c in record.related],
        "children_title": CHILDREN_TITLE.get(record.spec.level, "Wilayah"),
        "home": record.page == "",
    }


def search_title(record: PageRecord) -> str:
    """The page's title in search results. Kecamatan names repeat across the country; their titles already
    name the kabupaten/kota (``sitemap``), so search results are unambiguous."""
    return record.title


def sample_banner_needed(site: SiteInfo, body: str) -> bool:
    """The site adds the sample-data banner unless the notebook output already shows one."""
    return site.sample and "rp-sample" not in body
