"""`officewell analyze` over two years of 1-minute data for 12 zones, on the embedded store and on InfluxDB.

Set-up (not timed): two years of a generated centre (12 answer groups of three; with turnover some 40
people) imported into an SQLite records store by the real importers, and 728 days × 1440 minutes × 12
zones of five quantities (about 12.6 million points) written to a fresh SQLite reading store and to a
fresh InfluxDB 1.x started on a free port. Then, each in its own process (so that its peak memory is its
own), side by side:

- the floor: a bare pandas group-by of the same points (already in memory as arrays) into hourly means
  per zone and quantity — what the store's windowed reads replace;
- `analyze` (officewell.runners.analyze.run_analysis: windows from the store, records, exposure,
  associations with 999 zone shuffles, ranked actions) on the SQLite store, and on InfluxDB.

Printed: data size, wall time, peak resident memory and the ratio to the floor. Target: under 30 s and
2 GB each on a 2-core machine.

    .venv/bin/python benchmarks/analytics.py [--days 728] [--zones 12] [--skip-influx]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gateway.stores import open_store  # noqa: E402
from gateway.stores.batch import PointBatch  # noqa: E402
from records.importers import import_file  # noqa: E402
from records.store import RecordsStore  # noqa: E402
from sensors.site import Site, load_site  # noqa: E402
from synthetic.centre import generate_centre  # noqa: E402
from tests.conftest import free_port  # noqa: E402, F401 - loads tests.services the way pytest does
from tests.services import start_influxdb, stop_process  # noqa: E402

SITE = ROOT / "examples" / "site.toml"
KEY = "0d6f3b9a2c71e8f45a9b3c2d1e0f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f"  # a benchmark's key, random-looking
QUANTITIES = ("co2_ppm", "temperature_c", "humidity_pct", "sound_dba", "illuminance_lux")
DAY_CHUNK = 30  # days of points per write


def points(site: Site, first: date, days: int, zones: int, seed: int = 7):
    """Per chunk of days, a PointBatch of every zone's minutes: daytime CO₂ and sound when people are in."""
    rng = np.random.default_rng(seed)
    tz = site.site.tz
    ids = [z.id for z in site.zones if z.teams][:zones]
    for lo in range(0, days, DAY_CHUNK):
        n_days = min(DAY_CHUNK, days - lo)
        start = datetime.combine(first + timedelta(days=lo), clock(), tz)
        minutes = pd.date_range(start, periods=n_days * 1440, freq="min").tz_convert("UTC").as_unit("ns")
        local = minutes.tz_convert(tz)
        hour = local.hour.to_numpy() + local.minute.to_numpy() / 60
        people = ((hour >= 8) & (hour < 17) & (local.day_of_week.to_numpy() < 5)).astype(np.float64)
        n = len(minutes)
        for i, zone in enumerate(ids):
            values = {
                "co2_ppm": 430 + people * (300 + 40 * i) + rng.normal(0, 25, n),
                "temperature_c": 21.5 + 0.8 * people + rng.normal(0, 0.2, n),
                "humidity_pct": 35 + rng.normal(0, 2, n),
                "sound_dba": 38 + 14 * people + rng.normal(0, 2, n),
                "illuminance_lux": np.clip(40 + 430 * people + rng.normal(0, 30, n), 0, None),
            }
            device = site.devices_in(zone)[0].id
            yield PointBatch(
                site.id, minutes.asi8, np.full(n, zone, dtype=object), np.full(n, device, dtype=object), values
            )


def measure(code: str) -> tuple[float, float]:
    """Run `code` in a fresh Python; return its wall time (s) and peak RSS (MB).

    The peak is the process's VmHWM: getrusage's ru_maxrss survives exec, so a child started by this
    (large) process would report this process's peak instead of its own.
    """
    script = (
        "import re, time, sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "t = time.perf_counter()\n"
        f"{code}\n"
        "hwm = int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))\n"
        "print(time.perf_counter() - t, hwm / 1024)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-3000:])
    seconds, peak = result.stdout.strip().splitlines()[-1].split()
    return float(seconds), float(peak)


def floor_code(arrays: Path) -> str:
    """A bare pandas group-by of the points (loaded from .npy, outside the timing) into hourly means."""
    return (
        "import numpy as np, pandas as pd\n"
        f"a = np.load({str(arrays)!r})\n"
        "frame = pd.DataFrame({k: a[k] for k in a.files})\n"
        "t = time.perf_counter()\n"  # the load is set-up: time the group-by only
        "frame['hour'] = frame['ts'] // 3_600_000_000_000\n"
        "means = frame.groupby(['zone', 'hour'])[[c for c in frame.columns if c not in ('ts', 'zone', 'hour')]]"
        ".agg(['mean', 'count'])\n"
        "assert len(means) > 0\n"
    )


def analyze_code(store_url: str, records_url: str, first: date, last: date) -> str:
    """`analyze` as the CLI runs it, on the given stores."""
    return (
        "from datetime import date\n"
        "from gateway.stores import open_store\n"
        "from models.analysis import Period\n"
        "from officewell.runners.analyze import load_catalogue, load_evidence, run_analysis\n"
        "from records.store import RecordsStore\n"
        "from sensors.site import load_site\n"
        f"site = load_site({str(SITE)!r})\n"
        f"store = open_store({store_url!r})\n"
        f"records = RecordsStore.open({records_url!r}, {KEY!r})\n"
        f"period = Period(date.fromisoformat({first.isoformat()!r}), date.fromisoformat({last.isoformat()!r}))\n"
        "found = run_analysis(site, store, records, load_evidence(), period, catalogue=load_catalogue())\n"
        "assert found.associations and found.data['exposure_completeness'] > 0.9, found.data\n"
    )


def main() -> None:
    """Set up the data, then time the floor and analyze on both stores side by side."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=int, default=728, help="days of 1-minute data (728: 104 whole weeks)")
    parser.add_argument("--zones", type=int, default=12)
    parser.add_argument("--skip-influx", action="store_true")
    args = parser.parse_args()
    site = load_site(SITE)
    first = date(2024, 12, 2)  # a Monday
    last = first + timedelta(days=args.days - 1)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        started = time.perf_counter()
        centre = generate_centre(site, first, last, seed=11)
        files = centre.write_csv(work / "centre")
        records_url = f"sqlite:///{work / 'records.db'}"
        records = RecordsStore.open(records_url, KEY)
        for kind in ("staff", "absences", "calls"):  # what analyze reads
            import_file(records, kind, files[kind], site=site)
        records.close()
        people = centre.staff["employee_id"].nunique()
        print(f"records: {people} people, {len(centre.absences):,} absences, {len(centre.calls):,} call intervals "
              f"({time.perf_counter() - started:.0f} s)")  # fmt: skip

        sqlite_url = f"sqlite:///{work / 'readings.db'}"
        influx = None if args.skip_influx else start_influxdb(work / "influxdb")
        stores = {"SQLite": open_store(sqlite_url)}
        if influx is not None:
            stores["InfluxDB"] = open_store(influx.url("analytics"))
        columns: dict[str, list[np.ndarray]] = {"ts": [], "zone": [], **{q: [] for q in QUANTITIES}}
        count = 0
        started = time.perf_counter()
        for batch in points(site, first, args.days, args.zones):
            for store in stores.values():
                store.write_batch(batch)
            columns["ts"].append(batch.ts_ns)
            columns["zone"].append(batch.zone.astype(str))
            for q in QUANTITIES:
                columns[q].append(batch.values[q])
            count += len(batch)
        for store in stores.values():
            store.close()
        arrays = work / "points.npz"
        np.savez(arrays, **{k: np.concatenate(v) for k, v in columns.items()})
        del columns
        print(f"readings: {count:,} points × {len(QUANTITIES)} quantities ({args.days} days × {args.zones} zones at "
              f"1 min) into {', '.join(stores)} ({time.perf_counter() - started:.0f} s); SQLite file "
              f"{(work / 'readings.db').stat().st_size / 1e9:.2f} GB")  # fmt: skip

        try:
            floor = measure(floor_code(arrays))
            results = {"pandas group-by (floor)": floor}
            results["analyze on SQLite"] = measure(analyze_code(sqlite_url, records_url, first, last))
            if influx is not None:
                results["analyze on InfluxDB"] = measure(
                    analyze_code(influx.url("analytics"), records_url, first, last)
                )
        finally:
            if influx is not None:
                stop_process(influx.process)
        print(f"\n{'':<26} {'wall':>8} {'peak RSS':>10} {'ratio to floor':>15}")
        for label, (seconds, peak) in results.items():
            print(f"{label:<26} {seconds:7.1f}s {peak:8.0f}MB {seconds / floor[0]:14.1f}x")
        print("\ntarget: analyze under 30 s and 2 GB on this 2-core machine")


if __name__ == "__main__":
    main()
