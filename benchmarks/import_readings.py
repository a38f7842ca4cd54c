"""`officewell import readings` on a year of 1-minute data for 12 zones, against a bare pandas read of the same file.

Writes the CSV (ts, zone, device, five quantities; about 6.3 million rows) once into a temporary folder,
then in one run: (i) pandas.read_csv of the file with numeric columns — the floor, no checks, no store;
(ii) the import's checks alone (--dry-run); (iii) the full import into a fresh embedded store; (iv) the
same file again (idempotent: the points are upserted over themselves). Peak memory of each is its own
process's.

    .venv/bin/python benchmarks/import_readings.py [--days 365] [--zones 12]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SITE = ROOT / "examples" / "site.toml"


def write_csv(path: Path, days: int, zones: int) -> int:
    """A year of plausible 1-minute readings for `zones` answer groups (aq-01 … in z1 …)."""
    rng = np.random.default_rng(7)
    minutes = pd.date_range("2025-01-01", periods=days * 1440, freq="min", tz="UTC")
    ts = minutes.strftime("%Y-%m-%dT%H:%M:%SZ").to_numpy()
    rows = 0
    with path.open("w", encoding="utf-8") as fh:
        fh.write("ts,zone,device,co2_ppm,temperature_c,humidity_pct,sound_dba,illuminance_lux\n")
        for z in range(1, zones + 1):
            n = len(ts)
            frame = pd.DataFrame(
                {
                    "ts": ts,
                    "zone": f"z{z}",
                    "device": f"aq-{z:02d}",
                    "co2_ppm": np.round(600 + 200 * np.abs(np.sin(np.arange(n) / 300)) + rng.normal(0, 8, n)),
                    "temperature_c": np.round(22 + rng.normal(0, 0.3, n), 2),
                    "humidity_pct": np.round(35 + rng.normal(0, 2, n), 1),
                    "sound_dba": np.round(50 + rng.normal(0, 3, n), 1),
                    "illuminance_lux": np.round(np.clip(450 + rng.normal(0, 60, n), 0, None), 1),
                }
            )
            frame.to_csv(fh, header=False, index=False, lineterminator="\n")
            rows += n
    return rows


def measure(code: str) -> tuple[float, float]:
    """Run `code` in a fresh Python; return its wall time (s) and peak RSS (MB)."""
    script = (
        "import resource, time, sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "t = time.perf_counter()\n"
        f"{code}\n"
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True).stdout
    seconds, peak = out.strip().splitlines()[-1].split()
    return float(seconds), float(peak)


def main() -> None:
    """Write the file, then time the floor and the import side by side."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--zones", type=int, default=12)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "history.csv"
        started = time.perf_counter()
        rows = write_csv(path, args.days, args.zones)
        size_mb = path.stat().st_size / 1e6
        print(f"{rows:,} rows ({args.days} days × {args.zones} zones at 1 min), {size_mb:.0f} MB CSV "
              f"(written in {time.perf_counter() - started:.0f} s)")  # fmt: skip
        db = Path(tmp) / "readings.db"
        floor = measure(
            f"import pandas as pd\npd.read_csv({str(path)!r}, dtype={{'zone': str, 'device': str}}, engine='c')"
        )
        load = (
            "from pathlib import Path\n"
            "from gateway.history import import_history\n"
            "from gateway.stores import SQLiteReadingStore\n"
            "from sensors.site import load_site\n"
            f"site = load_site({str(SITE)!r})\n"
            f"store = SQLiteReadingStore(Path({str(db)!r}))\n"
        )
        check = measure(load + f"import_history(Path({str(path)!r}), site, store, dry_run=True)")
        full = measure(load + f"import_history(Path({str(path)!r}), site, store)")
        again = measure(load + f"import_history(Path({str(path)!r}), site, store)")
        print(f"  pandas.read_csv (floor)        {floor[0]:6.1f} s   peak {floor[1]:5.0f} MB")
        for label, (seconds, peak) in (("import --dry-run (checks)", check), ("import into SQLite", full),
                                       ("the same file again", again)):  # fmt: skip
            print(f"  {label:<30} {seconds:6.1f} s   peak {peak:5.0f} MB   ratio to the floor {seconds / floor[0]:.1f}")
        print(f"  points/s into SQLite: {rows / full[0]:,.0f}; store file {db.stat().st_size / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
