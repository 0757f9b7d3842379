"""Generate the synthetic sample data (``data contoh (sintetis)``), deterministically.

The default writes the three regencies of the seed reports (Musi Rawas 16.05, Musi Banyuasin 16.06,
Pesisir Barat 18.13), every real desa, January 2023 to October 2026 (three complete years for the December
evaluations, and the current year so far), into ``data/``: this is the committed content of the default
data folder. ``--scale national`` writes all kabupaten/kota (about 84k desa, 3.9M desa-months) for
benchmarks, into another folder.

Values are plausible, not real: coverage grows through each year and from one year to the next, some
kecamatan lag, a few desa miss a report, Pesisir Barat's latest report is a month older than the others' (its
pages show its own latest month), and the KRS target is re-based after the August 2024 family census
(PK-24). The yearly reach (``jangkauan.csv``) is drawn from the monthly reports, and one kecamatan has none.
Lokmin follow-ups and Kampung KB classes are dated histories (``tanggal_status``, one row per change): follow-ups
closed in the year after their meeting, some still open, Kampung KB classes climbing over the years.
Only the published prevalence figures (SSGI/SKI) are real; they are copied from ``prevalensi-terbit.csv``
and the list below, each with where it was read (``rujukan``).
"""

from __future__ import annotations

import argparse
import sys
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from ranpasti.ingest.schema import TABLES  # noqa: E402
from ranpasti.reference.indicators import INDICATORS, PENDAMPINGAN_INDICATORS  # noqa: E402
from ranpasti.reference.regions import Regions, ancestors  # noqa: E402

SEED = 20240831  # the last day of PK-24
SAMPLE_KABUPATEN = ("16.05", "16.06", "18.13")
# jangkauan.csv leaves this kecamatan out (Ngaras, Pesisir Barat), so the sample site shows both annual bases:
# reach where the yearly figures are complete, the monthly average (so labelled) where they are not
NO_REACH_KECAMATAN = "18.13.10"
FIRST_YEAR, LAST_MONTH = 2023, "2026-10"  # three complete years and the current one up to its last report
# kabupaten whose latest monthly report is this many months older than LAST_MONTH (the sample only): real
# exports arrive at different times, and the site must show such a kabupaten at its own latest month
LATE_KABUPATEN = {"18.13": 1}  # Pesisir Barat: September 2026


def months_between(first_year: int, last_month: str) -> list[str]:
    """``YYYY-MM`` from January of ``first_year`` to ``last_month``."""
    return [f"{y}-{m:02d}" for y in range(first_year, int(last_month[:4]) + 1) for m in range(1, 13)
            if f"{y}-{m:02d}" <= last_month]


MONTHS = months_between(FIRST_YEAR, LAST_MONTH)

# Published prevalence (SSGI/SKI): every figure of ``prevalensi-terbit.csv`` (next to this script: SSGI 2021 and
# 2022 for every province and ~200 kabupaten/kota, SKI 2023 and SSGI 2024 where a copy was found, each row with
# where it was read), then the rows below, read from news pages for the sample's regions and not in that file.
# "ambigu": the source's figure is unclear; the pages list it but neither draw nor judge it.
PUBLISHED_FILE = Path(__file__).resolve().parent / "prevalensi-terbit.csv"
PREVALENSI_PUBLISHED = [
    # kode, tahun, sumber, prevalensi, keterangan, rujukan, status_angka
    ("ID", 2022, "SSGI", 21.6, "dikutip 2024-05-13", "kompas.com", "terbit"),
    ("ID", 2023, "SKI", 21.5, "SKI adalah survei lain dari SSGI; dikutip 2024-05-13", "kompas.com", "terbit"),
    ("16", 2023, "SKI", 20.3, "", "detik.com/sumbagsel d-7599058", "terbit"),
    ("16", 2024, "SSGI", 15.9, "daftar provinsi 2024", "databoks.katadata.co.id", "terbit"),
    ("18", 2024, "SSGI", 15.9, "daftar provinsi 2024", "databoks.katadata.co.id", "terbit"),
    ("16.05", 2021, "SSGI", 28.3, "angka perlu dicek ulang", "linggaupos.bacakoran.co 12191", "ambigu"),
    ("16.05", 2022, "SSGI", 25.4, "", "linggaupos.bacakoran.co 12191", "terbit"),
    ("16.05", 2023, "SKI", 21.9, "", "detik.com/sumbagsel d-7599058", "terbit"),
    ("16.06", 2021, "SSGI", 23.0, "", "dinkes.mubakab.go.id/web/detail/356", "terbit"),
    ("16.06", 2022, "SSGI", 17.7, "dikutip 2023-04-05", "regional.kompas.com", "terbit"),
    ("16.06", 2022, "e-PPGBM", 1.58, "data administratif, bukan survei", "dinkes.mubakab.go.id", "terbit"),
    ("16.06", 2023, "SKI", 16.5, "", "detik.com/sumbagsel d-7599058", "terbit"),
    ("18.13", 2021, "SSGI", 22.8, "", "radarlampung.disway.id 659416", "terbit"),
    ("18.13", 2023, "SKI", 16.1, "", "radarlambar.bacakoran.co 31444", "terbit"),
    ("18.13", 2024, "SSGI", 19.8, "angka ambigu di sumber", "radarlambar.bacakoran.co 31444", "ambigu"),
]


def published_prevalence() -> pd.DataFrame:
    """The published figures, in ``prevalensi.csv``'s columns: the file's rows first (where a figure is in both,
    the values agree and the file names the full address), then the sample's own."""
    columns = TABLES["prevalensi"].column_names
    f = pd.read_csv(PUBLISHED_FILE, dtype=str, keep_default_na=False)
    rows = pd.DataFrame({"kode_wilayah": f["kode_wilayah"], "tahun": f["tahun"].astype(int), "sumber": f["survei"],
                         "prevalensi": f["prevalensi"].astype(float), "keterangan": f["catatan"],
                         "rujukan": f["rujukan"], "status_angka": "terbit"})[columns]
    extra = pd.DataFrame(PREVALENSI_PUBLISHED, columns=columns)
    key = ["kode_wilayah", "tahun", "sumber"]
    seen = set(map(tuple, rows[key].itertuples(index=False)))
    extra = extra[[tuple(k) not in seen for k in extra[key].itertuples(index=False)]]
    return pd.concat([rows, extra], ignore_index=True)


# RAN PASTI's national pendampingan targets end in 2024. A region sets its own for later years (RPJMD/RAD):
# the sample shows one province's and one kabupaten's, clearly marked as invented, so the pages show a
# kabupaten target, a province target and "tidak ada target" (Pesisir Barat, Lampung) side by side.
SAMPLE_REGION_TARGETS = {
    ("16", "Contoh target provinsi (sintetis): ganti dengan target RAD Provinsi Sumatera Selatan"):
        {"krs_didampingi": 85, "bumil_didampingi": 85, "baduta_didampingi": 85, "tpk_lapor": 95},
    ("16.05", "Contoh target kabupaten (sintetis): ganti dengan target RAD Kabupaten Musi Rawas"):
        {"krs_didampingi": 80, "catin_didampingi": 75, "bumil_didampingi": 80, "pascasalin_didampingi": 75,
         "baduta_didampingi": 80, "kb_pascasalin": 55, "tpk_lapor": 90, "kampung_kb": 100},
}


def _targets(last_month: str = LAST_MONTH) -> list[tuple[str, str, int, str, str, str]]:
    """(indikator, kode_wilayah, tahun, target, arah, sumber): every declared target (national), then the
    sample's regional ones for the years after 2024."""
    rows = [(i.key, "ID", year, f"{value:g}", i.direction, source)
            for i in INDICATORS.values() for year, value, source in i.targets]
    for (kode, source), values in SAMPLE_REGION_TARGETS.items():
        for year in range(2025, int(last_month[:4]) + 1):
            rows += [(key, kode, year, f"{value:g}", INDICATORS[key].direction, source)
                     for key, value in values.items()]
    return rows


LOKMIN_TAHAP = [
    (3, "Tahap 1: sosialisasi sasaran dan strategi RAN PASTI"),
    (5, "Tahap 2: besaran target pendampingan KRS per desa"),
    (7, "Tahap 3: desain Kampung KB"),
    (9, "Tahap 4: kinerja TPK"),
    (11, "Tahap 5: aksi di desa"),
    (12, "Tahap 6: evaluasi RAN PASTI Desember"),
]
PROBLEMS = [
    ("Sebagian TPK belum melapor rutin lewat Elsimil karena sinyal lemah",
     "Korlap KB menjadwalkan input laporan bersama di kantor desa setiap tanggal 5"),
    ("Calon pengantin mendaftar ke KUA kurang dari 3 bulan sebelum menikah",
     "KUA dan penyuluh KB menyosialisasikan Elsimil pada bimbingan perkawinan"),
    ("Cakupan KB pascapersalinan rendah di desa yang jauh dari puskesmas",
     "Bidan desa menawarkan KB saat kunjungan nifas; puskesmas menambah stok implan"),
    ("Data sasaran KRS belum diperbarui setelah verval semester",
     "Manajer data memutakhirkan sasaran KRS hasil verval bersama kader"),
    ("Banyak keluarga berisiko tanpa jamban sehat",
     "Usulan bantuan jamban sehat dimasukkan ke APBDes melalui rembuk stunting desa"),
    ("Ibu hamil KEK belum semua mendapat makanan tambahan",
     "Puskesmas dan PKK menyalurkan PMT lokal lewat posyandu"),
    ("Kader TPK berganti dan belum dilatih",
     "Pelatihan ulang TPK oleh PKB di tingkat kecamatan"),
    ("Rumah Data Kampung KB belum diisi", "Pendamping Kampung KB mengisi Rumah DataKu setiap bulan"),
    ("Pendampingan baduta belum menjangkau dusun terpencil",
     "Jadwal kunjungan rumah TPK diatur bergilir per dusun"),
]


def _kabupaten_list(regions: Regions, scale: str) -> list[str]:
    if scale == "national":
        return sorted(regions.kabupaten.index)
    return list(SAMPLE_KABUPATEN)


def generate(out: Path, scale: str = "sample", seed: int = SEED, first_year: int = FIRST_YEAR,
             last_month: str = LAST_MONTH) -> dict[str, int]:
    """Write every input file into ``out``; a shorter period (``first_year``, ``last_month``) makes a smaller
    national file for tests."""
    months = months_between(first_year, last_month)
    regions = Regions()
    rng = np.random.default_rng(seed)
    kabs = _kabupaten_list(regions, scale)
    desa = regions.desa[regions.desa["kode_kabupaten"].isin(kabs)].sort_index()
    kec_codes = sorted(desa["kode_kecamatan"].unique())
    n_desa, n_month = len(desa), len(months)

    # kecamatan effect: most on track, ~1 in 6 lagging (the pages must show lagging units)
    kec_effect = pd.Series(rng.normal(0.0, 0.05, len(kec_codes)), index=kec_codes)
    laggards = rng.choice(len(kec_codes), size=max(1, len(kec_codes) // 6), replace=False)
    kec_effect.iloc[laggards] -= rng.uniform(0.18, 0.32, len(laggards))
    effect = kec_effect.reindex(desa["kode_kecamatan"]).to_numpy()[:, None] + rng.normal(0, 0.04, (n_desa, 1))
    size = rng.lognormal(0.0, 0.45, n_desa)[:, None]  # desa population scale
    month_ix = np.arange(n_month)[None, :]
    year_ix = np.array([int(m[:4]) - FIRST_YEAR for m in months])[None, :]
    moy = np.array([int(m[5:]) - 1 for m in months])[None, :]
    progress = 0.52 + 0.05 * year_ix + 0.34 * moy / 11  # coverage grows Jan → Dec, and from year to year

    def target(base: float, noise: float = 0.15) -> np.ndarray:
        lam = np.clip(base * size * rng.lognormal(0, noise, (n_desa, n_month)), 0, None)
        return rng.poisson(lam)

    def reached(den: np.ndarray, level: np.ndarray) -> np.ndarray:
        p = np.clip(level + rng.normal(0, 0.05, den.shape), 0.0, 1.0)
        return rng.binomial(den, p)

    krs_base = np.round(60 * size * rng.lognormal(0, 0.1, (n_desa, 1)))
    pk24 = np.array([m >= "2024-09" for m in months])[None, :]
    rebase = np.where(pk24, rng.uniform(0.72, 0.85, (n_desa, 1)), 1.0)  # PK-24 from September 2024
    rebase = rebase * (1.0 - 0.03 * year_ix)  # a little lower every year: verval removes families that left risk
    krs_sasaran = np.maximum(np.round(krs_base * rebase), 0).astype(int)
    krs_sasaran = np.broadcast_to(krs_sasaran, (n_desa, n_month)).copy()
    cover = progress + effect
    cols = {"krs_sasaran": krs_sasaran, "krs_didampingi": reached(krs_sasaran, cover + 0.05)}
    cols["catin_terdaftar"] = target(1.6, 0.4)
    cols["catin_didampingi"] = reached(cols["catin_terdaftar"], cover - 0.05)
    cols["bumil_sasaran"] = target(9)
    cols["bumil_didampingi"] = reached(cols["bumil_sasaran"], cover + 0.02)
    cols["pascasalin_sasaran"] = target(6)
    cols["pascasalin_didampingi"] = reached(cols["pascasalin_sasaran"], cover - 0.02)
    cols["pascasalin_kb"] = reached(cols["pascasalin_didampingi"], np.full((n_desa, n_month), 0.6)
                                    + effect + 0.15 * moy / 12 + 0.03 * year_ix)
    cols["baduta_sasaran"] = target(25)
    cols["baduta_didampingi"] = reached(cols["baduta_sasaran"], cover)
    cols["tpk_jumlah"] = np.broadcast_to(np.clip(np.round(size * 2.2), 1, 8).astype(int), (n_desa, n_month)).copy()
    cols["tpk_lapor"] = reached(cols["tpk_jumlah"], cover + 0.2)
    _declared_only(cols, seed, n_desa, n_month, size, cover)

    count_columns = [c.name for c in TABLES["pendampingan"].columns if c.kind == "count"]
    frame = pd.DataFrame({
        "kode_desa": np.repeat(desa.index.to_numpy(), n_month),
        "bulan": np.tile(months, n_desa),
        **{k: cols[k].reshape(-1) for k in count_columns},
    })
    # a few missing reports: ~1.5% of desa-months, and one desa per ~40 silent for the last three months
    missing = rng.random(len(frame)) < 0.015
    silent = rng.choice(n_desa, size=max(1, n_desa // 40), replace=False)
    silent_rows = (np.isin(np.repeat(np.arange(n_desa), n_month), silent)
                   & (np.tile(month_ix[0], n_desa) >= n_month - 3))
    frame = frame[~(missing | silent_rows)]
    if scale == "sample":  # drawn above like every other month, so the rest of the sample stays as it was
        late = np.zeros(len(frame), dtype=bool)
        for kab, behind in LATE_KABUPATEN.items():
            late |= (frame["kode_desa"].str.startswith(kab + ".") & (frame["bulan"] > months[-1 - behind])).to_numpy()
        frame = frame[~late]

    out.mkdir(parents=True, exist_ok=True)
    counts = {"pendampingan": len(frame)}
    frame.to_csv(out / "pendampingan.csv", index=False)

    # Kampung KB: Musi Rawas had every desa formed by 2022 (seed report); elsewhere 70–95%, 2017 to this year
    years = rng.integers(2017, int(last_month[:4]) + 1, n_desa)
    formed = rng.random(n_desa) < rng.uniform(0.7, 0.95)
    mura = (desa["kode_kabupaten"] == "16.05").to_numpy()
    years = np.where(mura, np.minimum(years, 2022), years)
    formed |= mura
    kkb = pd.DataFrame({"kode_desa": desa.index[formed], "tahun_terbentuk": years[formed]})
    _kampung_classes(kkb, int(last_month[:4]), seed)
    kkb = _kampung_history(kkb, last_month, seed)
    kkb.to_csv(out / "kampung_kb.csv", index=False)
    counts["kampung_kb"] = len(kkb)

    counts["lokmin"] = _lokmin(rng, kec_codes, kec_effect, first_year, last_month).pipe(
        _lokmin_history, last_month, seed).pipe(
        lambda df: (df.to_csv(out / "lokmin.csv", index=False), len(df))[1])
    counts["krs_rekap"] = _rekap(rng, frame, kec_codes).pipe(
        lambda df: (df.to_csv(out / "krs_rekap.csv", index=False), len(df))[1])
    counts["jangkauan"] = _jangkauan(frame, seed).pipe(
        lambda df: (df.to_csv(out / "jangkauan.csv", index=False), len(df))[1])
    counts["aksi_konvergensi"] = _aksi(kabs, first_year, last_month, seed).pipe(
        lambda df: (df.to_csv(out / "aksi_konvergensi.csv", index=False), len(df))[1])
    counts["tpps"] = _tpps(kabs, kec_codes, first_year, last_month, seed).pipe(
        lambda df: (df.to_csv(out / "tpps.csv", index=False), len(df))[1])
    counts["audit_kasus"] = _audit(kabs, first_year, last_month, seed).pipe(
        lambda df: (df.to_csv(out / "audit_kasus.csv", index=False), len(df))[1])
    counts["cakupan_layanan"] = _layanan(desa, size[:, 0], effect[:, 0], seed, first_year, last_month).pipe(
        lambda df: (df.to_csv(out / "cakupan_layanan.csv", index=False), len(df))[1])

    prev = published_prevalence()  # every region's: the national and province pages show them all
    eppgbm = []
    for kec in kec_codes:
        base = rng.uniform(3, 14)
        for year in range(2022, int(last_month[:4])):
            eppgbm.append((kec, year, "e-PPGBM", round(base * (1 - 0.12 * (year - 2022)), 2),
                           "data contoh (sintetis): angka e-PPGBM kecamatan", "", "sintetis"))
    prev = pd.concat([prev, pd.DataFrame(eppgbm, columns=prev.columns)], ignore_index=True)
    prev.to_csv(out / "prevalensi.csv", index=False)
    counts["prevalensi"] = len(prev)

    tgt = pd.DataFrame(_targets(last_month), columns=TABLES["target"].column_names)
    tgt.to_csv(out / "target.csv", index=False)
    counts["target"] = len(tgt)

    (out / "konfigurasi.yml").write_text(CONFIG_SAMPLE, encoding="utf-8")
    return counts


def _declared_only(cols: dict[str, np.ndarray], seed: int, n_desa: int, n_month: int, size: np.ndarray,
                   cover: np.ndarray) -> None:
    """Plausible numbers for indicators declared in ``definitions/indikator.yml`` that have no recipe above,
    so a new indicator needs no change here. Each draws from its own generator (seeded by its key), so
    the rest of the sample stays byte-identical."""
    for i in PENDAMPINGAN_INDICATORS:
        if i.numerator in cols and i.denominator in cols:
            continue
        rng = np.random.default_rng([seed, zlib.crc32(i.key.encode())])
        if i.denominator not in cols:
            lam = np.clip(10 * size * rng.lognormal(0, 0.15, (n_desa, n_month)), 0, None)
            cols[i.denominator] = rng.poisson(lam)
        den = cols[i.denominator]
        level = cover if i.direction == "naik" else 1.0 - cover
        cols[i.numerator] = rng.binomial(den, np.clip(level + rng.normal(0, 0.05, den.shape), 0.0, 1.0))


# Service coverage (cakupan_layanan.csv): sasaran per 100 of a desa's size and a typical coverage, from which each
# desa's figure scatters with its kecamatan's performance. Sasaran per desa per year, rough orders of magnitude
# for a desa of ~1,500 people.
LAYANAN_SAMPLE = {  # indicator key: (sasaran per unit of size, typical coverage)
    "bumil_kek_pmt": (3, 0.88), "bumil_ttd90": (28, 0.79), "remaja_putri_ttd": (120, 0.58),
    "asi_eksklusif": (14, 0.76), "mpasi": (40, 0.80), "balita_dipantau": (130, 0.84),
    "imunisasi_dasar": (26, 0.89), "air_minum_layak": (420, 0.86), "sanitasi_layak": (420, 0.74),
}


def _layanan(desa: pd.DataFrame, size: np.ndarray, effect: np.ndarray, seed: int, first_year: int,
             last_month: str) -> pd.DataFrame:
    """One row per desa per complete year (its December in the data), every declared service-coverage column;
    its own generator, so the other files stay byte-identical."""
    rng = np.random.default_rng([seed, 21])
    last_full = int(last_month[:4]) - (0 if last_month.endswith("-12") else 1)
    frames = []
    for year in range(first_year, last_full + 1):
        out = pd.DataFrame({"kode_desa": desa.index.to_numpy(), "tahun": year})
        for i in INDICATORS.values():
            if i.table != "cakupan_layanan":
                continue
            per_size, typical = LAYANAN_SAMPLE.get(i.key, (20, 0.75))
            if i.denominator not in out:
                out[i.denominator] = rng.poisson(np.clip(per_size * size, 1, None))
            level = np.clip(typical + 0.03 * (year - first_year) + effect + rng.normal(0, 0.05, len(out)), 0, 1)
            out[i.numerator] = rng.binomial(out[i.denominator].to_numpy(), level)
        frames.append(out)
    return pd.concat(frames, ignore_index=True)


AKSI_BUKTI = {  # synthetic document names for the sample (the words staff would write), by aksi
    "analisis situasi": "Dokumen analisis situasi {year}",
    "rencana kegiatan": "Rencana kegiatan konvergensi {year}",
    "rembuk stunting": "Berita acara rembuk stunting {year}",
    "peraturan bupati/wali kota": "Peraturan bupati tentang kewenangan desa dalam penurunan stunting",
    "pembinaan desa": "Laporan pembinaan kader pembangunan manusia {year}",
    "sistem manajemen data": "Laporan sistem manajemen data stunting {year}",
    "pengukuran dan publikasi": "Publikasi data stunting kabupaten {year}",
    "reviu kinerja tahunan": "Laporan reviu kinerja tahunan {year}",
}


def _aksi(kabs: list[str], first_year: int, last_month: str, seed: int) -> pd.DataFrame:
    """The 8 aksi konvergensi per kabupaten per complete year: most done, the later aksi of the year often still
    running, scores around 70-90. Its own generator, so the other files stay byte-identical."""
    rng = np.random.default_rng([seed, 41])
    last_full = int(last_month[:4]) - (0 if last_month.endswith("-12") else 1)
    rows = []
    for kab in kabs:
        skill = rng.uniform(-0.15, 0.1)
        for year in range(first_year, last_full + 1):
            for n, (aksi, bukti) in enumerate(AKSI_BUKTI.items()):
                done = rng.random() < 0.85 + skill - 0.04 * n + 0.05 * (year - first_year)
                status = "selesai" if done else ("berjalan" if rng.random() < 0.7 else "belum dimulai")
                score = np.clip(rng.normal(82 + 40 * skill, 6), 40, 100) if status != "belum dimulai" else None
                rows.append({"kode_kabupaten": kab, "tahun": year, "aksi": aksi, "status": status,
                             "nilai": "" if score is None else f"{score:.1f}",
                             "bukti": bukti.format(year=year) if status == "selesai" else ""})
    return pd.DataFrame(rows)


TPPS_KECAMATAN_UNSUR = ["Puskesmas", "Koordinator Lapangan KB", "Koramil", "Polsek", "KUA", "UPT Pendidikan",
                        "TP PKK"]
TPPS_KABUPATEN_UNSUR = ["Bappeda", "Dinas Kesehatan", "OPD KB", "Dinas PMD", "Dinas Sosial", "Dinas PUPR",
                        "Kementerian Agama", "TP PKK"]


def _tpps(kabs: list[str], kec_codes: list[str], first_year: int, last_month: str, seed: int) -> pd.DataFrame:
    """TPPS of each kabupaten and kecamatan per year (the current year too): most with a decree, a few
    kecamatan without one yet, a few with fewer unsur. Its own generator (other files unchanged)."""
    rng = np.random.default_rng([seed, 61])
    rows = []
    for year in range(first_year, int(last_month[:4]) + 1):
        months = 12 if year < int(last_month[:4]) else int(last_month[5:])
        for kab in kabs:
            rows.append({"kode_unit": kab, "tahun": year, "nomor_sk": f"{100 + int(rng.integers(0, 800))}/KPTS/{year}",
                         "tanggal_sk": f"{year}-01-{int(rng.integers(5, 28)):02d}", "ketua": "Wakil Bupati",
                         "unsur": "; ".join(TPPS_KABUPATEN_UNSUR), "jumlah_anggota": int(rng.integers(20, 35)),
                         "rapat": int(rng.integers(2, 5) * months / 12) + 1})
        for kec in kec_codes:
            has_sk = rng.random() < 0.85 + 0.04 * (year - first_year)
            unsur = [u for u in TPPS_KECAMATAN_UNSUR if rng.random() < 0.9]
            rows.append({"kode_unit": kec, "tahun": year,
                         "nomor_sk": f"{int(rng.integers(10, 99))}/SK/KEC/{year}" if has_sk else "",
                         "tanggal_sk": f"{year}-02-{int(rng.integers(1, 28)):02d}" if has_sk else "", "ketua": "Camat",
                         "unsur": "; ".join(unsur), "jumlah_anggota": len(unsur) + int(rng.integers(2, 6)),
                         "rapat": int(rng.integers(0, 5) * months / 12)})
    return pd.DataFrame(rows)


AKS_RECOMMENDATIONS = [
    ("PMT lokal untuk ibu hamil KEK yang ditemukan dalam audit", "Dinas Kesehatan"),
    ("Rujukan balita gizi buruk ke rumah sakit daerah tanpa biaya", "Dinas Kesehatan"),
    ("Bantuan jamban sehat untuk keluarga kasus yang belum punya jamban", "Dinas Perkim"),
    ("Pendampingan TPK setiap minggu untuk keluarga kasus", "OPD KB"),
    ("Bantuan sosial untuk keluarga kasus di desil 1", "Dinas Sosial"),
    ("Kelas ibu balita di posyandu desa kasus", "Puskesmas"),
]


def _audit(kabs: list[str], first_year: int, last_month: str, seed: int) -> pd.DataFrame:
    """Audit kasus stunting: two rounds a year per kabupaten (one in a few years), three or four
    recommendations each, the newer ones still in progress. Its own generator (other files unchanged)."""
    rng = np.random.default_rng([seed, 51])
    last_full = int(last_month[:4]) - (0 if last_month.endswith("-12") else 1)
    rows = []
    for kab in kabs:
        for year in range(first_year, last_full + 1):
            rounds = 1 if rng.random() < 0.25 else 2
            for r in range(1, rounds + 1):
                month = 5 if r == 1 else 10
                audit = f"{year}-{month:02d}-{int(rng.integers(3, 25)):02d}"
                spread = f"{year}-{month + 1:02d}-{int(rng.integers(3, 25)):02d}"
                cases = int(rng.integers(6, 20))
                for i in rng.choice(len(AKS_RECOMMENDATIONS), size=int(rng.integers(3, 5)), replace=False):
                    text, who = AKS_RECOMMENDATIONS[i]
                    late = year == last_full and r == rounds
                    status = "selesai" if rng.random() < (0.4 if late else 0.8) else (
                        "berjalan" if rng.random() < 0.7 else "belum dimulai")
                    rows.append({"kode_kabupaten": kab, "tahun": year, "putaran": r, "tanggal_audit": audit,
                                 "kasus_diaudit": cases, "tanggal_diseminasi": spread, "rekomendasi": text,
                                 "status": status, "penanggung_jawab": who})
    return pd.DataFrame(rows)


def _kampung_classes(kkb: pd.DataFrame, year: int, seed: int) -> None:
    """Class and instruments of each Kampung KB (Peraturan BKKBN 20/2023): older ones further along; a few not
    yet classified (blank). Its own generator, so the other columns and files stay byte-identical."""
    rng = np.random.default_rng([seed, 31])
    age = year - kkb["tahun_terbentuk"].to_numpy()
    step = np.clip(np.round(age / 3 + rng.normal(0, 0.8, len(kkb))), 0, 3).astype(int)
    kkb["klasifikasi"] = np.array(["dasar", "berkembang", "mandiri", "berkelanjutan"])[step]
    kkb.loc[rng.random(len(kkb)) < 0.05, "klasifikasi"] = ""
    data = np.clip(step + rng.integers(-1, 2, len(kkb)), 0, 3)
    kkb["rumah_dataku"] = np.array(["belum ada", "sederhana", "lengkap", "paripurna"])[data]
    kkb["dashat"] = np.where(rng.random(len(kkb)) < 0.35 + 0.15 * step, "ya", "tidak")
    kkb["bkb"] = np.where(rng.random(len(kkb)) < 0.6 + 0.1 * step, "ya", "tidak")


def _kampung_history(kkb: pd.DataFrame, last_month: str, seed: int) -> pd.DataFrame:
    """The classes and instruments of each Kampung KB as a dated history (issue 34): the state of the year it
    was formed (undated: read from that year on), then a row dated in each year its class or instruments
    changed, so the 2023, 2024 and 2025 pages show different classes. Each Kampung KB climbs as it ages, along
    the same path ``_kampung_classes`` drew for it; the last row is the state drawn there (its noise kept), so
    the state at ``last_month`` is unchanged. Its own generator: the other files stay byte-identical."""
    rng = np.random.default_rng([seed, 71])
    last_year, last_m = int(last_month[:4]), int(last_month[5:])
    classes = ["dasar", "berkembang", "mandiri", "berkelanjutan"]
    data_levels = ["belum ada", "sederhana", "lengkap", "paripurna"]
    rows = []
    for r in kkb.itertuples(index=False):
        formed = int(r.tahun_terbentuk)
        final = classes.index(r.klasifikasi) if r.klasifikasi else None
        final_data = data_levels.index(r.rumah_dataku)
        # the year each step above "dasar" was reached, somewhere in the Kampung KB's life so far
        reached = np.sort(rng.integers(formed, last_year + 1, size=final or 0))
        states: list[tuple[str, dict]] = []
        for year in range(formed, last_year + 1):
            if final is None:  # never classified: its instruments as drawn, all along
                state = {"klasifikasi": "", "rumah_dataku": r.rumah_dataku, "dashat": r.dashat, "bkb": r.bkb}
            else:
                step = int((reached <= year).sum())  # the final class by the last year
                state = {"klasifikasi": classes[step],
                         "rumah_dataku": data_levels[max(0, final_data - (final - step))],
                         "dashat": r.dashat if step == final else "tidak",
                         "bkb": r.bkb if step >= final - 1 else "tidak"}
            if states and state == states[-1][1]:
                continue
            if not states:
                dated = ""  # the state of the year it was formed: undated, read from that year on
            else:
                month = int(rng.integers(2, (last_m if year == last_year else 12) + 1))
                dated = f"{year}-{month:02d}-{int(rng.integers(1, 29)):02d}"
            states.append((dated, state))
        for dated, state in states:
            rows.append({"kode_desa": r.kode_desa, "tahun_terbentuk": formed, **state, "tanggal_status": dated})
    return pd.DataFrame(rows, columns=[*kkb.columns, "tanggal_status"])


def _jangkauan(pend: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Yearly reach per desa (jangkauan.csv) for every year of ``pend`` that has its December, from the monthly
    reports: for each indicator with ``annual: reach``, the year's sasaran is the largest monthly sasaran and
    the families or persons accompanied at least once lie between the busiest month's didampingi (no fewer
    than were seen in one month) and that sasaran. Drawn from its own generator, so the rest of the sample
    stays byte-identical; one kecamatan (``NO_REACH_KECAMATAN``) has no rows."""
    rng = np.random.default_rng([seed, 11])
    reach = [i for i in PENDAMPINGAN_INDICATORS if i.annual == "reach"]
    years = sorted({m[:4] for m in pend["bulan"] if m.endswith("-12")})
    rows = pend.assign(tahun=pend["bulan"].str.slice(0, 4))
    rows = rows[rows["tahun"].isin(years) & (ancestors(rows["kode_desa"], "kecamatan") != NO_REACH_KECAMATAN)]
    columns = [c.name for c in TABLES["jangkauan"].columns if c.kind == "count"]
    peak = rows.groupby(["kode_desa", "tahun"], sort=True)[columns].max()
    out = peak.index.to_frame(index=False)
    out["tahun"] = out["tahun"].astype(int)
    for i in reach:  # denominators first: a shared one (pascasalin_sasaran) is drawn once
        out[i.denominator] = peak[i.denominator].to_numpy()
    for i in reach:
        lo, hi = peak[i.numerator].to_numpy(), out[i.denominator].to_numpy()
        share = rng.uniform(0.15, 0.6, len(out))  # of those never seen in the busiest month, reached another time
        out[i.numerator] = lo + rng.binomial(hi - lo, share)
    return out[["kode_desa", "tahun", *columns]]


# who carries each problem's follow-up: an office or role, never a person's name (the page is public)
OWNERS = ["Korlap KB Kecamatan", "Penyuluh KB dan KUA", "Puskesmas", "PKB Kecamatan", "Pemerintah Desa",
          "Puskesmas dan PKK", "PKB Kecamatan", "Pendamping Kampung KB", "Koordinator TPK Desa"]  # per PROBLEMS


def _lokmin(rng: np.random.Generator, kec_codes: list[str], effect: pd.Series, first_year: int,
            last_month: str) -> pd.DataFrame:
    """The six Lokmin stages of every year up to the last month; the status is today's (at ``last_month``):
    older follow-ups are mostly done, a few stay open for years, which the evaluation must show."""
    rows = []
    last_y, last_m = int(last_month[:4]), int(last_month[5:])
    for year in range(first_year, last_y + 1):
        for kec in kec_codes:
            for month, tahap in LOKMIN_TAHAP:
                if (year, month) > (last_y, last_m):
                    continue
                day = int(rng.integers(5, 27))
                n_prob = 1 + int(rng.random() < 0.5 + (0.3 if effect[kec] < -0.1 else 0))
                for i in rng.choice(len(PROBLEMS), size=n_prob, replace=False):
                    masalah, rtl = PROBLEMS[i]
                    age = (last_y - year) * 12 + last_m - month
                    p_done = min(0.93, 0.15 * age + (0.1 if effect[kec] > -0.1 else -0.1))
                    r = rng.random()
                    status = "selesai" if r < p_done else ("berjalan" if r < p_done + 0.35 else "belum dimulai")
                    rows.append((kec, f"{year}-{month:02d}-{day:02d}", tahap, masalah, rtl, status, OWNERS[i]))
    frame = pd.DataFrame(rows, columns=["kode_kecamatan", "tanggal", "tahap", "masalah", "rencana_tindak_lanjut",
                                        "status", "penanggung_jawab"])
    # deadlines from their own generator, so the rest of the sample stays as it was: 1–3 months after the meeting
    months_later = np.random.default_rng(SEED + 7).integers(1, 4, size=len(frame))
    meeting = pd.to_datetime(frame["tanggal"])
    frame["tenggat"] = [(d + pd.DateOffset(months=int(m))).strftime("%Y-%m-%d")
                        for d, m in zip(meeting, months_later, strict=True)]
    return frame.sort_values(["tanggal", "kode_kecamatan"], kind="stable").reset_index(drop=True)


def _lokmin_history(frame: pd.DataFrame, last_month: str, seed: int) -> pd.DataFrame:
    """Each follow-up's status as a dated history (issue 34), ending in the status ``_lokmin`` drew for
    ``last_month``: started ("berjalan") a few days to a month after the meeting, done around its deadline (up
    to six weeks early or ten late, so follow-ups of October to December meetings are often closed in the next
    year); a follow-up still "belum dimulai" has its one undated row (its status at the meeting). No date falls
    after the data's last month. Its own generator: the other files stay byte-identical."""
    rng = np.random.default_rng([seed, 73])
    end = pd.Timestamp(asof_month_end(last_month))
    rows = []
    for r in frame.itertuples(index=False):
        meeting, due = pd.Timestamp(r.tanggal), pd.Timestamp(r.tenggat)
        base = r._asdict()
        if r.status == "belum dimulai":
            rows.append({**base, "tanggal_status": ""})
            continue
        started = min(meeting + pd.Timedelta(days=int(rng.integers(3, 31))), end)
        done = min(max(due + pd.Timedelta(days=int(rng.integers(-45, 76))), started + pd.Timedelta(days=7)), end)
        if r.status == "selesai" and done <= started:
            started = meeting
        if r.status == "berjalan" or rng.random() < 0.7:  # some are closed without a "berjalan" recorded first
            rows.append({**base, "status": "berjalan", "tanggal_status": f"{started:%Y-%m-%d}"})
        if r.status == "selesai":
            rows.append({**base, "status": "selesai", "tanggal_status": f"{done:%Y-%m-%d}"})
    out = pd.DataFrame(rows, columns=[*frame.columns, "tanggal_status"])
    return out.sort_values(["tanggal", "kode_kecamatan", "tanggal_status"], kind="stable").reset_index(drop=True)


def asof_month_end(bulan: str) -> str:
    """The last day of ``bulan`` (the package's rule, ``asof.month_end``)."""
    from ranpasti.reference.asof import month_end

    return month_end(bulan)


def _rekap(rng: np.random.Generator, pend: pd.DataFrame, kec_codes: list[str]) -> pd.DataFrame:
    """One KRS recap per kecamatan per complete year, from that September's KRS (PK-24 in 2024, the
    yearly verval otherwise)."""
    frames = []
    for year in sorted({int(b[:4]) for b in pend["bulan"] if b.endswith("-12")}):
        sept = pend[pend["bulan"] == f"{year}-09"].assign(kec=lambda d: ancestors(d["kode_desa"], "kecamatan"))
        frames.append(_rekap_year(rng, year, sept.groupby("kec")["krs_sasaran"].sum()
                                  .reindex(kec_codes, fill_value=0).to_numpy(), kec_codes))
    return pd.concat(frames, ignore_index=True)


def _rekap_year(rng: np.random.Generator, year: int, krs: np.ndarray, kec_codes: list[str]) -> pd.DataFrame:
    n = len(kec_codes)
    sasaran = np.round(krs / rng.uniform(0.35, 0.55, n)).astype(int)
    tidak = sasaran - krs
    keluarga = np.round(sasaran / rng.uniform(0.45, 0.65, n)).astype(int)
    shares = rng.dirichlet([4, 3, 2, 1, 0.5], n)
    welfare = np.floor(shares * krs[:, None]).astype(int)
    welfare[:, 0] += krs - welfare.sum(axis=1)
    frac = lambda lo, hi: np.round(krs * rng.uniform(lo, hi, n)).astype(int)  # noqa: E731
    return pd.DataFrame({
        "kode_kecamatan": kec_codes, "tahun": year, "jumlah_keluarga": keluarga,
        "jumlah_keluarga_sasaran": sasaran,
        "kesejahteraan_1": welfare[:, 0], "kesejahteraan_2": welfare[:, 1], "kesejahteraan_3": welfare[:, 2],
        "kesejahteraan_4": welfare[:, 3], "kesejahteraan_lebih_4": welfare[:, 4],
        "total_krs": krs, "tidak_berisiko": tidak,
        "baduta": frac(0.25, 0.4), "balita": frac(0.4, 0.6), "pus": frac(0.7, 0.9), "pus_hamil": frac(0.05, 0.12),
        "air_minum_tidak_layak": frac(0.1, 0.35), "jamban_tidak_layak": frac(0.2, 0.5),
        "terlalu_muda": frac(0.03, 0.1), "terlalu_tua": frac(0.1, 0.2), "terlalu_dekat": frac(0.05, 0.12),
        "terlalu_banyak": frac(0.1, 0.25),
    })[TABLES["krs_rekap"].column_names]


CONFIG_SAMPLE = """\
# Konfigurasi situs RAN PASTI (dibaca oleh `ranpasti build`).
# data_contoh: true menandai setiap halaman dengan "data contoh (sintetis)". Ganti ke false untuk data asli.
data_contoh: true
keterangan_sumber: >-
  Data contoh (sintetis) dibuat oleh scripts/generate_sample.py;
  hanya angka prevalensi SSGI/SKI yang asli.
# Ambang warna capaian terhadap target (persen capaian = realisasi / target x 100; dibalik untuk arah turun).
ambang_capaian:
  - {min: 100, label: "Tercapai", warna: "#18794e"}
  - {min: 80, label: "Hampir tercapai", warna: "#6e5a00"}
  - {min: 60, label: "Perlu perhatian", warna: "#a14a00"}
  - {min: 0, label: "Jauh dari target", warna: "#b42318"}
# Batas jumlah yang masuk akal untuk satu baris (satu desa satu bulan, atau satu kecamatan satu tahun);
# angka lebih besar ditolak saat validasi (salah ketik). Bawaan 1000000; boleh per kolom, mis.
# batas_jumlah: {bawaan: 1000000, krs_sasaran: 50000}
# Jumlah KRS di bawah angka ini ditampilkan sebagai "< 5" di halaman publik (melindungi keluarga).
batas_privasi_krs: 5
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "data")
    ap.add_argument("--scale", choices=("sample", "national"), default="sample")
    ap.add_argument("--seed", type=int, default=SEED)
    args = ap.parse_args()
    if args.scale == "national" and args.out.resolve() == (ROOT / "data").resolve():
        ap.error("--scale national menulis ~100 MB: pilih folder lain dengan --out")
    for name, n in generate(args.out, args.scale, args.seed).items():
        print(f"{name}: {n} baris")


if __name__ == "__main__":
    main()
