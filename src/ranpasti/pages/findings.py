"""What an evaluation found wrong, declared by the section that shows it, and listed in full by Kesenjangan.

"Kesenjangan untuk rencana tahun berikutnya" used to be written from two of the page's sections, so it said
"semua indikator bertarget tercapai" on a page that showed TPPS without meetings, aksi still running and
overdue follow-ups. Here every section that can show a shortfall registers a finder (``@finder``): a
function from the page's context to its findings, computed from the same rows the section shows. Kesenjangan
lists every finding of every finder, most serious first, each with who is to act where the data says so.

Severity (``Finding.rank``, lower first): an annual indicator far from its target, then what is overdue
(recommendations not started, follow-ups past their deadline, this year's and earlier years'), then indicators
nearly at target and duties not done (TPPS without SK or meetings, aksi not finished, Lokmin meetings below the
number expected), then coverage and reporting (services below target, desa below target, desa that did not
report in December).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from ..core import fmt
from ..core.display import Section, render_template
from ..core.frames import records
from ..reference import indicators as ind
from .audit import audit_rows
from .context import Context, memoised
from .convergence import convergence_rows
from .evaluation import _indicator_rows, _lagging, _lokmin_meetings, _lokmin_year
from .services import service_values
from .tpps import has_decree, kecamatan_teams, tpps_rows

FAR, OVERDUE, NEAR, DUTY, COVERAGE = range(5)  # severity ranks, most serious first
BAND_RANK = {"Jauh dari target": FAR, "Perlu perhatian": FAR, "Hampir tercapai": NEAR}


@dataclass(frozen=True)
class Finding:
    rank: int
    text: str
    owner: str = ""  # who is to act, where the data names them
    section: str = ""  # the section of the page that shows it (set from the finder's registration)


Finder = Callable[[Context], list[Finding]]
FINDERS: list[tuple[str, Finder]] = []  # (section, finder), in the page's order; a section may have several


def finder(section: str) -> Callable[[Finder], Finder]:
    """Register a finder of ``section``: Kesenjangan lists what it returns, naming that section."""
    def register(fn: Finder) -> Finder:
        FINDERS.append((section, fn))
        return fn
    return register


@memoised
def findings(ctx: Context) -> list[Finding]:
    """Every finding of every section of the page, most serious first (then in the page's order)."""
    found = [replace(f, section=section) for section, fn in FINDERS for f in fn(ctx)]
    return sorted(found, key=lambda f: f.rank)


def _names(names: list[str], at_most: int = 6) -> str:
    shown = ", ".join(names[:at_most])
    return shown + (f" dan {len(names) - at_most} lainnya" if len(names) > at_most else "")


def _owners(values: list) -> str:
    return ", ".join(sorted({str(v).strip() for v in values if isinstance(v, str) and v.strip()}))


@finder("Capaian indikator terhadap target")
def _indicators(ctx: Context) -> list[Finding]:
    out = []
    rows = _indicator_rows(ctx).sort_values("capaian_target", kind="stable")
    for r in records(rows):
        if r["band"] not in BAND_RANK:
            continue
        shown = fmt.shown(r["tahunan"], r["target"], r["arah"])
        gap = abs(fmt.exact(r["target"]) - shown) if shown is not None else None
        out.append(Finding(BAND_RANK[r["band"]], f"{r['label']} ({r['dasar']}): "
                           f"{fmt.percent(r['tahunan'], target=r['target'], direction=r['arah'])}, "
                           f"kurang {fmt.text(gap) if gap is not None else fmt.NO_DATA} poin dari target "
                           f"{fmt.target(r['target'])} ({r['band'].lower()})."))
    return out


@finder("Capaian indikator terhadap target")
def _untargeted(ctx: Context) -> list[Finding]:
    rows = _indicator_rows(ctx)
    none = [r["label"] for r in records(rows) if fmt.is_missing(r["target"])]
    if not none:
        return []
    return [Finding(COVERAGE, f"{len(none)} indikator tanpa target untuk {ctx.tahun}, jadi belum dinilai: "
                              f"{_names(none, 9)}.")]


def _below(ctx: Context, frame, level: str, names) -> list[Finding]:
    """One finding per level: how many units are below each indicator's target, the lowest named."""
    parts = []
    by_indicator: dict[str, list[dict]] = {}  # the frame's rows per indicator, in the frame's order
    for r in records(frame):
        by_indicator.setdefault(r["indikator"], []).append(r)
    for i in ind.PENDAMPINGAN_INDICATORS:
        rows = [r for r in by_indicator.get(i.key, [])
                if not fmt.is_missing(r["capaian_target"]) and r["capaian_target"] < 100 and not r.get("samar")]
        if rows:
            lowest = min(rows, key=lambda r: r["capaian_target"])
            parts.append(f"{i.label} {len(rows)} (terendah: {names(lowest['kode'])})")
    if not parts:
        return []
    return [Finding(COVERAGE, f"{level[0].upper()}{level[1:]} di bawah target tahun {ctx.tahun}: "
                              + "; ".join(parts) + ".")]


@finder("Rapor wilayah")
def _children_below(ctx: Context) -> list[Finding]:
    _, child = _lagging(ctx)
    return _below(ctx, child, ctx.child_level, ctx.child_name)


@finder("Lampiran")
def _desa_below(ctx: Context) -> list[Finding]:
    if ctx.level != "kabupaten":
        return []
    desa = ctx.desa_ref["nama"]
    return _below(ctx, ctx.annual("desa"), "desa/kelurahan", lambda k: desa.get(k, k))


@finder("Cakupan layanan (Aksi 6)")
def _services(ctx: Context) -> list[Finding]:
    year, values = service_values(ctx)
    if year is None:
        return []
    out = []
    for r in records(values.sort_values("capaian_target")):
        if fmt.is_missing(r["capaian_target"]) or r["capaian_target"] >= 100:
            continue
        out.append(Finding(COVERAGE, f"Cakupan layanan {ind.label(r['indikator'])} {year}: "
                                     f"{fmt.percent(r['nilai'], target=r['target'], direction=r['arah'])} terhadap "
                                     f"target {fmt.target(r['target'])} ({str(r['band']).lower()})."))
    return out


@finder("Tim Percepatan Penurunan Stunting (TPPS)")
def _tpps(ctx: Context) -> list[Finding]:
    year, rows = tpps_rows(ctx)
    if year is None or ctx.level not in ("kabupaten", "kecamatan"):
        return []
    out = []
    own = rows.loc[ctx.kode] if ctx.kode in rows.index else None
    if own is not None and not has_decree(own):
        out.append(Finding(DUTY, f"TPPS {ctx.unit.label} belum punya SK pembentukan ({year}).",
                           owner=str(own.get("ketua") or "")))
    if own is not None and not fmt.is_missing(own.get("rapat")) and int(own["rapat"]) == 0:
        out.append(Finding(DUTY, f"TPPS {ctx.unit.label} tidak mengadakan rapat pada {year}.",
                           owner=str(own.get("ketua") or "")))
    if ctx.level == "kabupaten":
        teams = records(kecamatan_teams(ctx, rows))
        reported = [t for t in teams if not fmt.is_missing(t.get("ketua"))]
        no_sk = [t["nama"] for t in reported if not has_decree(t)]
        idle = [t["nama"] for t in reported if not fmt.is_missing(t.get("rapat")) and int(t["rapat"]) == 0]
        missing = [t["nama"] for t in teams if fmt.is_missing(t.get("ketua"))]
        if no_sk:
            out.append(Finding(DUTY, f"{len(no_sk)} TPPS kecamatan belum punya SK pembentukan ({year}): "
                                     f"{_names(no_sk)}.", owner="Camat (ketua TPPS kecamatan)"))
        if idle:
            out.append(Finding(DUTY, f"{len(idle)} TPPS kecamatan tidak mengadakan rapat pada {year}: "
                                     f"{_names(idle)}.", owner="Camat (ketua TPPS kecamatan)"))
        if missing:
            out.append(Finding(COVERAGE, f"Tidak ada data TPPS {year} untuk {len(missing)} kecamatan: "
                                         f"{_names(missing)}."))
    return out


@finder("Delapan aksi konvergensi")
def _aksi(ctx: Context) -> list[Finding]:
    year, frame = convergence_rows(ctx)
    if year is None:
        return []
    out = []
    for r in records(frame):
        if r["status"] != "selesai":
            out.append(Finding(DUTY, f"Aksi konvergensi {r['no']} ({r['aksi']}) {year}: {r['status']}."))
    return out


@finder("Audit kasus stunting")
def _audit(ctx: Context) -> list[Finding]:
    year, rows = audit_rows(ctx)
    if year is None:
        return []
    out = []
    for r in records(rows.sort_values(["putaran"], kind="stable")):
        if r["status"] == "selesai":
            continue
        since = f" sejak audit {fmt.date(r['tanggal_audit'])}" if r.get("tanggal_audit") else ""
        rank = OVERDUE if r["status"] == "belum dimulai" else DUTY
        out.append(Finding(rank, f"Rekomendasi audit kasus stunting putaran {r['putaran']} {r['status']}{since}: "
                                 f"{r['rekomendasi']}.", owner=str(r.get("penanggung_jawab") or "")))
    return out


@finder("Tindak lanjut Lokmin sepanjang tahun")
def _lokmin(ctx: Context) -> list[Finding]:
    df = _lokmin_year(ctx)
    out = []
    if len(df):
        meetings = _lokmin_meetings(ctx)
        held, expected = int(meetings["diadakan"].sum()), int(meetings["diharapkan"].sum())
        if held < expected:
            short = [r["nama"] for r in records(meetings) if r["diadakan"] < r["diharapkan"]]
            where = f"; di bawah jumlah itu: {_names(short)}" if ctx.level != "kecamatan" else ""
            out.append(Finding(DUTY, f"Lokmin {ctx.tahun}: {held} dari {expected} pertemuan yang diharapkan "
                                     f"({ctx.config.lokmin_per_year} setahun per kecamatan){where}."))
        pending = df[df["terbuka"]]
        late, due = pending[pending["lewat"]], pending[~pending["lewat"]]
        if len(late):
            out.append(Finding(OVERDUE, f"{len(late)} tindak lanjut Lokmin {ctx.tahun} lewat tenggat dan belum "
                                        f"selesai pada {fmt.date(ctx.as_of)}.",
                               owner=_owners(list(late["penanggung_jawab"]))))
        if len(due):
            out.append(Finding(DUTY, f"{len(due)} tindak lanjut Lokmin {ctx.tahun} belum selesai pada "
                                     f"{fmt.date(ctx.as_of)} (tenggatnya belum lewat).",
                               owner=_owners(list(due["penanggung_jawab"]))))
    carried = ctx.lokmin_open_earlier()
    if len(carried):
        years = sorted({str(t)[:4] for t in carried["tanggal"]})
        out.append(Finding(OVERDUE, f"{len(carried)} tindak lanjut Lokmin dari tahun sebelumnya "
                                    f"({', '.join(years)}) masih belum selesai pada {fmt.date(ctx.as_of)}.",
                           owner=_owners(list(carried.get("penanggung_jawab", [])))))
    return out


@finder("Catatan data")
def _reporting(ctx: Context) -> list[Finding]:
    if ctx.level not in ("kabupaten", "kecamatan"):
        return []
    month = f"{ctx.tahun}-12"
    rep = ctx.reported(month)
    missing = list(rep.loc[~rep["melapor"], "nama"])
    if not missing:
        return []
    return [Finding(COVERAGE, f"{len(missing)} dari {len(rep)} desa/kelurahan tidak mengirim laporan "
                              f"{fmt.month(month)}: {_names(missing)}.", owner="Tim Pendamping Keluarga desa")]


def gaps(ctx: Context) -> Section:
    """"Kesenjangan untuk rencana tahun berikutnya": every finding of the page, most serious first, with who is
    to act; "nothing found" only when no section found anything."""
    found = findings(ctx)
    return Section(render_template("sections/gaps.html.j2", items=found, tahun=ctx.tahun))
