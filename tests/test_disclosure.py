"""Disclosure control (issue 32, class 2): masking decided once per figure, proven by a linear-programming
audit over everything published. B13–B17 reproduced on a one-kabupaten copy of the sample, a generated
property over random small kecamatan tables, and a build the audit stops."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import ROOT, copy_sample_data

from ranpasti.build import BuildOptions, build, published_figures
from ranpasti.core.errors import DisclosureRefused
from ranpasti.facts import disclosure as dc

pytestmark = pytest.mark.slow  # builds an attacked copy of the sample

KAB = "18.13"  # Pesisir Barat: the smallest sample kabupaten
MONTH = "2026-09"  # Pesisir Barat's latest month (a month behind the sample): the one its kecamatan pages show
YEAR = 2025  # an evaluation year
B13_KEC, B14_KEC, B15_KEC, B17_KEC = "18.13.01", "18.13.02", "18.13.03", "18.13.04"
RULE = dc.Rule(5)


def _one_kabupaten(d: Path) -> None:
    """Keep only Pesisir Barat's rows (and rows for the province or the country) in every input."""
    for f in d.glob("*.csv"):
        rows = pd.read_csv(f, dtype=str, keep_default_na=False)
        code = next((c for c in rows.columns if c.startswith("kode")), None)
        if code is None:
            continue
        other = rows[code].str.match(r"^\d\d\.\d\d") & ~rows[code].str.startswith(KAB)
        rows[~other].to_csv(f, index=False)


def _set(pend: pd.DataFrame, desa: str, bulan: str, sasaran: int, didampingi: int) -> None:
    at = (pend["kode_desa"] == desa) & (pend["bulan"] == bulan)
    assert at.sum() == 1, (desa, bulan)
    pend.loc[at, ["krs_sasaran", "krs_didampingi"]] = [str(sasaran), str(didampingi)]


D1_KEC, D2_KEC = "18.13.06", "18.13.10"  # Pulau Pisang, Ngaras
D1_DESA = ("18.13.06.2001", "18.13.06.2002", "18.13.06.2004")
D2_DESA = "18.13.10.2005"
DEC = f"{YEAR}-12"


def _cross_period_attacks(pend: pd.DataFrame) -> pd.DataFrame:
    """D1 (a month against the year around it): in Pulau Pisang, 2001 has 4 families in December (3
    accompanied), 2002 reports only December (5, 4; its jangkauan for the year 5, 4), 2004 has 3 (2) in March.
    D2 (one reporting desa, against its own series): in Ngaras only 2005 reports in December, with 3 (2)."""
    a, b, c = D1_DESA
    pend = pend[~((pend["kode_desa"] == b) & pend["bulan"].str.startswith(f"{YEAR}-") & (pend["bulan"] != DEC))]
    pend = pend[~(pend["kode_desa"].str.startswith(D2_KEC + ".") & (pend["kode_desa"] != D2_DESA)
                  & (pend["bulan"] == DEC))].copy()
    pend = _put(pend, a, DEC, 4, 3)
    pend = _put(pend, b, DEC, 5, 4)
    pend = _put(pend, c, f"{YEAR}-03", 3, 2)
    return _put(pend, D2_DESA, DEC, 3, 2)


def _put(pend: pd.DataFrame, desa: str, bulan: str, sasaran: int, didampingi: int) -> pd.DataFrame:
    """``_set``, adding the row (the desa's other counts copied from its latest row) when the desa sent none."""
    if not ((pend["kode_desa"] == desa) & (pend["bulan"] == bulan)).any():
        row = pend[pend["kode_desa"] == desa].sort_values("bulan").tail(1).assign(bulan=bulan)
        pend = pd.concat([pend, row], ignore_index=True)
    _set(pend, desa, bulan, sasaran, didampingi)
    return pend


def _desa(pend: pd.DataFrame, kec: str) -> list[str]:
    return sorted(pend.loc[pend["kode_desa"].str.startswith(kec + ".") & (pend["bulan"] == MONTH), "kode_desa"])


@pytest.fixture(scope="module")
def attacked(tmp_path_factory) -> dict:
    """The attack pass's data: B13 (one desa of a kecamatan reports, 3 and 2), B14 (1 beside 5), B15 (3 beside
    5 and another 5), B17 (1 family every month of a year) on a copy of Pesisir Barat, built with the built-in
    renderer."""
    tmp = tmp_path_factory.mktemp("disclosure")
    d = copy_sample_data(tmp / "data")
    _one_kabupaten(d)
    pend = pd.read_csv(d / "pendampingan.csv", dtype=str, keep_default_na=False)
    b13 = _desa(pend, B13_KEC)
    pend = pend[~(pend["kode_desa"].isin(b13[1:]) & (pend["bulan"] == MONTH))].copy()
    _set(pend, b13[0], MONTH, 3, 2)
    b14 = _desa(pend, B14_KEC)
    _set(pend, b14[0], MONTH, 1, 1)
    _set(pend, b14[1], MONTH, 5, 3)
    b15 = _desa(pend, B15_KEC)
    _set(pend, b15[0], MONTH, 3, 1)
    _set(pend, b15[1], MONTH, 5, 4)
    _set(pend, b15[2], MONTH, 5, 2)
    b17 = _desa(pend, B17_KEC)[0]
    for m in range(1, 13):
        _set(pend, b17, f"{YEAR}-{m:02d}", 1, 1)
    pend = _cross_period_attacks(pend)
    pend.to_csv(d / "pendampingan.csv", index=False)
    reach = pd.read_csv(d / "jangkauan.csv", dtype=str, keep_default_na=False)
    at = (reach["kode_desa"] == b17) & (reach["tahun"] == str(YEAR))
    reach.loc[at, ["krs_sasaran", "krs_didampingi"]] = ["1", "1"]
    at = (reach["kode_desa"] == D1_DESA[1]) & (reach["tahun"] == str(YEAR))
    reach.loc[at, ["krs_sasaran", "krs_didampingi"]] = ["5", "4"]
    reach.to_csv(d / "jangkauan.csv", index=False)
    for slug, kode in (("pulau-pisang", D1_KEC), ("ngaras", D2_KEC)):  # their progress pages for December 2025
        params = tmp / "params" / "kabupaten-pesisir-barat" / slug
        params.mkdir(parents=True)
        (params / "index.yml").write_text(f"kode: {kode}\nbulan: '{DEC}'\ncatatan: ''\nterbit: true\n",
                                          encoding="utf-8")
    opts = BuildOptions(data_dir=d, params_dir=tmp / "params", out=tmp / "site", build_dir=tmp / "build",
                        cache_dir=tmp / "cache", notebooks_dir=ROOT / "notebooks", renderer="builtin", jobs=2)
    logs: list[str] = []
    report = build(opts, log=logs.append)
    return {"opts": opts, "report": report, "site": opts.out, "b13": b13[0], "b14": b14[:2], "b15": b15[:3],
            "b17": b17, "logs": logs}


def _site_text(site: Path, under: str) -> str:
    """Every published file of a page folder (HTML, CSV, the executed notebook) as one text."""
    parts = []
    for f in sorted((site / under).rglob("*")):
        if f.is_file() and f.suffix in (".html", ".csv", ".ipynb", ".json", ".svg"):
            parts.append(f.read_text(encoding="utf-8", errors="replace"))
    return "\n".join(parts)


def _page(site: Path, kode: str, kind: str = "") -> Path:
    """The folder of a region's progress page (or of ``kind``, e.g. ``evaluasi-2025``), by its injected params."""
    for nb in sorted(site.rglob("notebook.ipynb")):
        if (kind and kind not in nb.parent.name) or (not kind and "evaluasi-" in nb.parent.name):
            continue
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        injected = "".join(next(("".join(c["source"]) for c in cells
                                 if "injected-parameters" in c.get("metadata", {}).get("tags", [])), ""))
        if f'kode = "{kode}"' in injected:
            return nb.parent
    raise AssertionError(f"no page for {kode}")


def test_b13_lone_desa_not_in_the_kecamatan_card(attacked):
    """B13: the only desa of a kecamatan that reported (3 families, 2 accompanied): the desa table masks it,
    and the kecamatan's own card (and the kabupaten page's row for it) no longer says "2 dari 3"."""
    page = _page(attacked["site"], B13_KEC)
    html = (page / "index.html").read_text(encoding="utf-8")
    assert "2 dari 3" not in html
    cards = html[html.index('class="rp-cards"'):]
    assert re.search(r'aria-label="KRS didampingi">(?:(?!</section>).)*rp-value">disamarkan', cards, re.S)
    everything = _site_text(attacked["site"], page.parent.relative_to(attacked["site"]).as_posix())
    for leak in ("KRS didampingi,September 2026,2,3", "2 dari 3 keluarga"):
        assert leak not in everything
    kec = pd.read_csv(page.parent / "perbandingan-kecamatan.csv", dtype=str, keep_default_na=False)
    assert "66.7" not in kec.iloc[:, 1].tolist() + kec.iloc[:, 2].tolist()


@pytest.mark.parametrize("which", ["b14", "b15"])
def test_b14_b15_totals_do_not_pin_masked_desa(attacked, which):
    """B14 (1 beside 5: total − visible = 6 pinned both) and B15 (3 beside 5 and another 5: the rule "next
    smallest" pinned both): the desa table published, read back from the CSV download, with the kecamatan's
    card total, leaves every masked desa an interval of at least the protection width."""
    kec = {"b14": B14_KEC, "b15": B15_KEC}[which]
    page = _page(attacked["site"], kec)
    table = pd.read_csv(page / "desa.csv", dtype=str, keep_default_na=False)
    sasaran = table["KRS sasaran"]
    masked = sasaran.isin(["< 5", "disamarkan"])
    assert masked.sum() >= 2
    assert (sasaran[masked] == "< 5").any()
    figures = published_figures([_record(page)])
    mine = figures[(figures["periode"] == MONTH)]
    assert dc.audit(mine, RULE) == []
    # and the reader's arithmetic: total minus the visible rows is not one masked desa's count
    visible = pd.to_numeric(sasaran[~masked].str.replace(".", "", regex=False), errors="coerce").sum()
    total = mine[(mine["tingkat"] == "kecamatan")]["penyebut"].iloc[0]
    assert total - visible >= masked.sum() * 1 + 4


def test_b16_map_title_of_a_masked_desa(attacked):
    """B16: the map's title (SVG <title>, aria-label) of a masked desa says "angka disamarkan", no value."""
    for kec in (B13_KEC, B14_KEC, B15_KEC):
        html = (_page(attacked["site"], kec) / "index.html").read_text(encoding="utf-8")
        titles = re.findall(r"<title>([^<]*)</title>|aria-label=\"([^\"]*)\"", html)
        said = [a or b for a, b in titles]
        masked = [t for t in said if "disamarkan" in t]
        assert masked, "a masked desa is on the map"
        assert not any(re.search(r"\d+,\d%", t) for t in masked)


def test_b17_one_family_every_month_masked_in_the_year(attacked):
    """B17: a desa with 1 family every month is masked monthly and in the year (rapor, kabupaten annex, map):
    twelve months of 1 family sum to 12 but are still one family."""
    site = attacked["site"]
    pages = [p.parent for p in site.rglob("notebook.ipynb") if f"evaluasi-{YEAR}" in str(p)]
    assert pages
    checked = 0
    for page in pages:
        figures = published_figures([_record(page)])
        if figures.empty:
            continue
        mine = figures[figures["kode"] == attacked["b17"]]
        if len(mine):
            checked += 1
            assert (mine["samar"] != "").all(), page
            assert mine["penyebut"].isna().all()
    assert checked >= 2  # its kecamatan's evaluation and its kabupaten's annex
    from ranpasti.reference.regions import load_regions

    name = load_regions().desa.at[attacked["b17"], "nama"]
    rapor = [p / "rapor-desa.csv" for p in pages if (p / "rapor-desa.csv").exists()]
    seen = 0
    for f in rapor:
        rows = pd.read_csv(f, dtype=str, keep_default_na=False)
        mine = rows[rows.iloc[:, 0].str.startswith(name)]
        if len(mine):
            seen += 1
            assert (mine["KRS didampingi"] == "disamarkan").all(), f
    assert seen >= 2  # the kecamatan's rapor and the kabupaten's annex
    for page in pages:
        html = (page / "index.html").read_text(encoding="utf-8")
        for title in re.findall(r"<title>([^<]*)</title>", html):
            assert not (title.startswith(name + ":") and "%" in title), title


def test_audit_passes_over_the_whole_attacked_site(attacked):
    """Everything the attacked site publishes, across all its pages, passes the audit (the build did it too,
    before rendering: it would have stopped otherwise)."""
    assert attacked["report"].published
    figures = published_figures([_record(p.parent) for p in attacked["site"].rglob("notebook.ipynb")])
    assert (figures["samar"] != "").any()
    assert dc.audit(figures, RULE) == []


def test_the_audit_stops_a_build_when_a_view_leaks(attacked, monkeypatch):
    """The audit can fail: a page that publishes a masked desa's exact count (injected here into the pages'
    record) stops the build with a message naming the unit and the page; the site stays as it was."""
    import ranpasti.build as b

    real = b.published_figures
    before = (attacked["site"] / "index.html").read_bytes()

    def leaking(records):
        figures = real(records)
        leak = figures[(figures["samar"] == dc.PRIMARY) & (figures["periode"] == MONTH)].head(1).copy()
        assert len(leak)
        leak["samar"], leak["pembilang"], leak["penyebut"] = "", 2.0, 3.0
        leak["halaman"] = "halaman-bocor/"
        return pd.concat([figures, leak], ignore_index=True)

    monkeypatch.setattr(b, "published_figures", leaking)
    with pytest.raises(DisclosureRefused) as err:
        build(attacked["opts"], log=lambda _: None)
    text = str(err.value)
    assert "Audit penyamaran gagal" in text and "TIDAK diubah" in text
    assert re.search(r"wilayah 18\.13\.03\.\d+, periode 2026-09 .*\(halaman: [^)]+\)", text), text
    assert (attacked["site"] / "index.html").read_bytes() == before


class _Rec:
    def __init__(self, page: Path):
        self.notebook = page / "notebook.ipynb"
        self.page = page.name


def _record(page: Path) -> _Rec:
    return _Rec(page)


# ---------------------------------------------------------------- generated cases


def _table(kecamatan: list[list[tuple[int, int]]], periode: str = "2024-12") -> pd.DataFrame:
    """A kabupaten of the generated kecamatan plus one ordinary one, as the figures table."""
    kecamatan = [*kecamatan, [(60, 30), (45, 20), (80, 41)]]
    rows = []
    for k, desa in enumerate(kecamatan, 1):
        kec = f"16.05.{k:02d}"
        for j, (d, n) in enumerate(desa):
            rows.append({"kode": f"{kec}.{2001 + j}", "tingkat": "desa", "induk": kec, "pembilang": n,
                         "penyebut": d})
        rows.append({"kode": kec, "tingkat": "kecamatan", "induk": "16.05", "pembilang": sum(n for _, n in desa),
                     "penyebut": sum(d for d, _ in desa)})
    kec_rows = [r for r in rows if r["tingkat"] == "kecamatan"]
    rows.append({"kode": "16.05", "tingkat": "kabupaten", "induk": "",
                 "pembilang": sum(r["pembilang"] for r in kec_rows), "penyebut": sum(r["penyebut"] for r in kec_rows)})
    f = pd.DataFrame(rows).assign(periode=periode, dasar="rata-rata bulanan")
    f[["pembilang", "penyebut"]] = f[["pembilang", "penyebut"]].astype(float)
    f["kecil"] = dc.small_cells(f["penyebut"], None, RULE.threshold) & (f["tingkat"] == "desa")
    return f[dc.FIGURE_COLUMNS]


@st.composite
def _desa_counts(draw) -> tuple[int, int]:
    d = draw(st.one_of(st.integers(0, 6), st.integers(0, 60)))
    return d, draw(st.integers(0, d))


KECAMATAN = st.lists(st.lists(_desa_counts(), min_size=1, max_size=6), min_size=1, max_size=3)


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(KECAMATAN)
def test_every_masked_count_keeps_its_protection(kecamatan):
    """Any small kecamatan table (tiny desa, one-desa kecamatan, ties, zeros): after the decision, the LP
    audit over the published figures finds every masked count spanning at least the protection width, and
    every small desa is masked."""
    decided = dc.decide(_table(kecamatan), RULE)
    assert (decided.loc[decided["kecil"], "samar"] == dc.PRIMARY).all()
    assert dc.audit(dc.masked_view(decided), RULE) == []


def test_the_audit_finds_b14_and_b15_under_the_old_rule():
    """The old rule (mask the next smallest desa) leaves B14 and B15 recoverable, and the audit says so."""
    for desa in ([(1, 1), (5, 3)], [(3, 1), (5, 4), (5, 2)]):
        f = _table([desa])
        old = dc.decide(f.assign(kecil=False), RULE)
        old.loc[old["kecil"] | f["kecil"], ["samar", "bawah", "atas"]] = [dc.PRIMARY, 1.0, 4.0]
        second = f[(f["tingkat"] == "desa") & (f["induk"] == "16.05.01") & ~f["kecil"]]["penyebut"].idxmin()
        old.loc[second, ["samar", "bawah", "atas"]] = [dc.COMPLEMENTARY, 5.0, 5.0]  # ≤ the smallest visible
        assert dc.audit(dc.masked_view(old), RULE)


def test_published_record_is_json(attacked):
    """The record each page carries is plain JSON (no NaN, no infinity) in its hidden last cell."""
    nb = json.loads((_page(attacked["site"], B13_KEC) / "notebook.ipynb").read_text(encoding="utf-8"))
    assert any("application/vnd.ranpasti.figures+json" in o.get("data", {})
               for c in nb["cells"] for o in c.get("outputs", []))


# ---------------------------------------------------------------- across periods (D1, D2)


def _count_of(text: str) -> float:
    """A count as a CSV download prints it ("4.628" or "4628"), NaN when blank or masked."""
    return float(pd.to_numeric(str(text).replace(".", "").replace(",", ""), errors="coerce"))


def _figures_of(site: Path) -> pd.DataFrame:
    return published_figures([_record(p.parent) for p in site.rglob("notebook.ipynb")])


def test_d1_month_against_its_year(attacked):
    """D1: Pulau Pisang in December 2025: 2001 (4 families) primary, 2002 (5, reporting only in December)
    complementary; in the year 2001 and 2004 (3 in March) are small. The December desa table, the kecamatan's
    December total and 2002's yearly figure pinned 2001 at 4 (9 − 5). Now 2002 is masked in every period that
    contains December (the year on both bases, the second semester), wherever published, and the attacker's
    arithmetic over the published files leaves 2001 its protection."""
    site = attacked["site"]
    page = _page(site, D1_KEC)
    table = pd.read_csv(page / "desa.csv", dtype=str, keep_default_na=False)
    from ranpasti.reference.regions import load_regions

    names = load_regions().desa["nama"]
    a, b, _ = D1_DESA
    row = {n: r for n, r in zip(table.iloc[:, 0], table.to_dict("records"), strict=True)}
    assert row[names[a]]["KRS sasaran"] == "< 5"
    assert row[names[b]]["KRS sasaran"] in ("< 5", "disamarkan")
    masked = table["KRS sasaran"].isin(["< 5", "disamarkan"])
    tren = pd.read_csv(page / "tren.csv", dtype=str, keep_default_na=False)
    dec = tren[(tren["Indikator"] == "KRS didampingi") & (tren["Bulan"] == "Desember 2025")]
    total = _count_of(dec["Sasaran"].iloc[0])
    hidden = total - table.loc[~masked, "KRS sasaran"].map(_count_of).sum()  # 2001 + 2002 (+ any other masked)
    figures = _figures_of(site)
    yearly = figures[(figures["kode"] == b) & figures["periode"].map(dc.is_range) & (figures["samar"] == "")
                     & figures["periode"].str.endswith("..2025-12")]
    assert yearly.empty, yearly  # 2002 over any period with December: masked on every page
    # no exact figure of 2002 around December: the attacker's bound on it is only "≥ 5" (complementary), so
    # 2001 = hidden − 2002 keeps 1..4 (before: 2002 ≤ its yearly 5 gave 2001 ≥ hidden − 5 = 4 exactly)
    low, high = 1.0, min(4.0, hidden - 5)
    assert dc._count(low, high) >= RULE.width
    assert dc.audit(figures, RULE) == []


def test_d2_one_reporting_desa_against_its_own_series(attacked):
    """D2: in Ngaras only 2005 reports in December 2025 (3 families, 2 accompanied). The December card was
    masked but January–November (tren.csv) and the year (evaluasi-indikator.csv) gave December by
    subtraction. Now every Ngaras figure containing December is masked on every page (year, second
    semester), and the subtraction over the published files has no year to start from."""
    site = attacked["site"]
    page = _page(site, D2_KEC)
    tren = pd.read_csv(page / "tren.csv", dtype=str, keep_default_na=False)
    krs = tren[(tren["Indikator"] == "KRS didampingi") & tren["Bulan"].str.endswith("2025")]
    assert len(krs) == 12
    assert krs["Sasaran"].iloc[-1] == "" and krs["Didampingi"].iloc[-1] == ""  # December: masked
    eleven = krs["Sasaran"].iloc[:-1].map(_count_of)
    assert eleven.notna().all()
    evaluation = _page(site, D2_KEC, "evaluasi-2025")
    ev = pd.read_csv(evaluation / "evaluasi-indikator.csv", dtype=str, keep_default_na=False)
    year = ev[ev["Indikator"] == "KRS didampingi"].iloc[0]
    assert _count_of(year["Sasaran (setahun)"]) != _count_of(year["Sasaran (setahun)"])  # blank: NaN
    semester = pd.read_csv(evaluation / "semester.csv", dtype=str, keep_default_na=False)
    assert semester.loc[semester["Indikator"] == "KRS didampingi", "Semester 2 (Jul–Des)"].iloc[0] == ""
    figures = _figures_of(site)
    mine = figures[(figures["kode"] == D2_KEC) & figures["periode"].str.endswith("2025-12")]
    assert len(mine) and (mine["samar"] != "").all(), mine  # December, the year, the 2nd semester: masked
    assert dc.audit(figures, RULE) == []


def _year_table(kecamatan: list[list[list[tuple[int, int] | None]]], months: int,
                cross: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A kabupaten-year of the generated kecamatan (desa × months, ``None`` = no report) plus one ordinary
    kecamatan: every month's figures, the ranges from January, and the year; and the reports (cells)."""
    ordinary = [[(60 + m, 30) for m in range(months)], [(45, 20 + m) for m in range(months)]]
    kecamatan = [*kecamatan, ordinary]
    series = {}
    for k, desa in enumerate(kecamatan, 1):
        for j, counts in enumerate(desa):
            series[f"16.05.{k:02d}.{2001 + j}"] = counts
    cells = [(d, f"2024-{m + 1:02d}") for d, counts in series.items() for m in range(months) if counts[m]]
    rows = []
    periods = [(m, m) for m in range(months)] + ([(0, m) for m in range(1, months)] if cross else [])
    for first, last in periods:
        per = f"2024-{first + 1:02d}" if first == last else f"2024-{first + 1:02d}..2024-{last + 1:02d}"
        sums: dict[str, list[float]] = {}
        small: set[str] = set()
        for d, counts in series.items():
            got = [c for c in counts[first:last + 1] if c]
            if not got:
                continue
            small |= {d} if any(0 < c[0] < RULE.threshold for c in got) else set()
            for unit in (d, d[:8], d[:5]):
                s = sums.setdefault(unit, [0.0, 0.0])
                s[0] += sum(c[0] for c in got)
                s[1] += sum(c[1] for c in got)
        for unit, (den, num) in sums.items():
            level = {13: "desa", 8: "kecamatan", 5: "kabupaten"}[len(unit)]
            rows.append({"kode": unit, "tingkat": level, "induk": unit.rsplit(".", 1)[0] if level != "kabupaten"
                         else "", "periode": per, "dasar": dc.SUM_BASIS, "pembilang": num, "penyebut": den,
                         "kecil": level == "desa" and (unit in small or 0 < den < RULE.threshold)})
    return pd.DataFrame(rows)[dc.FIGURE_COLUMNS], pd.DataFrame(cells, columns=["kode_desa", "bulan"])


@st.composite
def _series(draw, months: int) -> list[tuple[int, int] | None]:
    out = []
    for _ in range(months):
        if draw(st.integers(0, 4)) == 0:
            out.append(None)  # no report that month
            continue
        d = draw(st.one_of(st.integers(0, 6), st.integers(0, 40)))
        out.append((d, draw(st.integers(0, d))))
    return out


@st.composite
def _kabupaten_year(draw):
    months = draw(st.integers(2, 4))
    kec = draw(st.lists(st.lists(_series(months), min_size=1, max_size=4), min_size=1, max_size=2))
    return kec, months


@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(_kabupaten_year())
def test_every_masked_count_keeps_its_protection_across_months(case):
    """Any small kabupaten-year (desa × months, months without a report, one-desa kecamatan, tiny counts),
    with every month, every range from January and the year published: after the one decision, the joint
    audit (all periods at once, the reports known) finds every masked count keeping its protection, every
    small desa-month is masked, and a published figure over months never has a masked month of its unit."""
    kec, months = case
    figures, cells = _year_table(kec, months)
    decided = dc.decide(figures, RULE, cells)
    assert (decided.loc[decided["kecil"], "samar"] != "").all()
    assert dc.audit(dc.masked_view(decided), RULE, cells) == []
    masked_months = decided[(decided["samar"] != "") & ~decided["periode"].map(dc.is_range)]
    shown_ranges = decided[(decided["samar"] == "") & decided["periode"].map(dc.is_range)]
    for kode, periode in zip(masked_months["kode"], masked_months["periode"], strict=True):
        assert not ((shown_ranges["kode"] == kode) & (shown_ranges["periode"].str.slice(0, 7) <= periode)
                    & (shown_ranges["periode"].str.slice(9) >= periode)).any()


def test_the_joint_audit_refuses_d1_and_d2_under_the_per_period_rule():
    """The per-period rule (each month and the year decided alone, as before) leaves D1 and D2 recoverable,
    and the joint audit says so; the one decision over the year does not."""
    d1 = [[(40, 30), (4, 3)], [None, (5, 4)], [(3, 2), (31, 31)], [(76, 70), (76, 75)]]  # 2001, 2002, 2004, 2003
    d2 = [[(300, 200), (3, 2)], [(280, 190), None], [(500, 400), None]]  # one desa in the last month
    for kec in ([d1], [d2]):
        figures, cells = _year_table(kec, 2)
        per_period = pd.concat([dc.decide(f, RULE) for _, f in figures.groupby("periode")], ignore_index=True)
        breaches = dc.audit(dc.masked_view(per_period), RULE, cells)
        assert breaches and any(b.kode.startswith("16.05.01") for b in breaches), breaches
        assert dc.audit(dc.masked_view(dc.decide(figures, RULE, cells)), RULE, cells) == []


def test_the_sum_basis_is_the_indicators_monthly_average():
    """The audit's equations read ``dasar`` by its name: it must be the one indicators.annual writes."""
    from ranpasti.reference import indicators

    assert indicators.BASIS_AVERAGE == dc.SUM_BASIS
