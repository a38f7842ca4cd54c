"""Import a year of 15-minute call intervals for 12 answer groups and the absences of 40 people.

Target: under 5 s on the embedded SQLite records store. The calls file has every 15-minute interval
of the year (365 x 96 x 12 = 420 480 rows, as a telephony export with the night's zero rows); the
absences come from the realistic centre generator (about 40 people over the year, with turnover).
For scale, the same run times pandas merely parsing the calls file: the import's share above that
is validation, pseudonymisation and the database.

Usage: python benchmarks/import_records.py [--store sqlite|postgresql+psycopg://...]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from records.importers import import_file  # noqa: E402
from records.store import RecordsStore  # noqa: E402
from sensors.site import load_site  # noqa: E402
from synthetic.centre import GeneratorConfig, generate_centre  # noqa: E402

SITE = load_site(ROOT / "examples" / "site.toml")


def calls_file(path: Path, year: int = 2025, seed: int = 1) -> int:
    rng = np.random.default_rng(seed)
    starts = pd.date_range(f"{year}-01-01", f"{year + 1}-01-01", freq="15min", inclusive="left", tz="Europe/Stockholm")
    teams = [f"team-{i}" for i in range(1, 13)]
    index = pd.MultiIndex.from_product([starts, teams], names=["interval_start", "team"]).to_frame(index=False)
    hour = index["interval_start"].dt.hour
    open_hours = ((hour >= 8) & (hour < 17) & (index["interval_start"].dt.day_of_week < 5)).to_numpy()
    offered = np.where(open_hours, rng.poisson(1.2, len(index)), 0)
    answered = rng.binomial(offered, 0.95)
    frame = index.assign(
        interval_start=index["interval_start"].map(lambda t: t.isoformat()),
        offered=offered,
        answered=answered,
        abandoned=offered - answered,
    )
    frame.to_csv(path, index=False)
    return len(frame)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", default="sqlite", help="sqlite (a fresh file) or a PostgreSQL URL")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        rows = calls_file(workdir / "calls.csv")
        centre = generate_centre(SITE, date(2025, 1, 1), date(2025, 12, 31), seed=3, config=GeneratorConfig().quick())
        files = centre.write_csv(workdir / "centre")
        people = centre.absences["employee_id"].nunique()
        url = f"sqlite:///{workdir / 'records.db'}" if args.store == "sqlite" else args.store
        store = RecordsStore.open(url, "b" * 40)

        t0 = time.perf_counter()
        pd.read_csv(workdir / "calls.csv")
        parse_only = time.perf_counter() - t0

        t0 = time.perf_counter()
        calls = import_file(store, "calls", workdir / "calls.csv", site=SITE)
        t_calls = time.perf_counter() - t0
        t0 = time.perf_counter()
        absences = import_file(store, "absences", files["absences"], site=SITE)
        t_absences = time.perf_counter() - t0
        store.close()
        total = t_calls + t_absences
        print(
            f"calls:    {calls.inserted:,} rows in {t_calls:.2f} s ({calls.inserted / t_calls:,.0f} rows/s); "
            f"pandas parsing alone {parse_only:.2f} s (import / parse = {t_calls / parse_only:.1f})"
        )
        print(f"absences: {absences.inserted:,} rows of {people} people in {t_absences:.2f} s")
        print(
            f"total:    {total:.2f} s for {rows:,} call rows and {people} people's absences "
            f"({'within' if total < 5 else 'OVER'} the 5 s target) on {store.dialect}"
        )


if __name__ == "__main__":
    main()
