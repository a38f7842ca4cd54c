"""Throughput of the embedded path, side by side in one run, and the time to backfill 30 days.

For each broker (the demo's embedded amqtt, and Mosquitto if installed) a separate process publishes
N native messages at QoS 1 and we time how fast they are taken in by
  (i)  a bare paho-mqtt subscriber that only parses the JSON: the Python client's own limit here;
  (ii) the officewell gateway: decode, validate, store in the embedded SQLite store, then acknowledge.
Prints messages/s of both and their ratio. Then backfills 30 days of the example site into a fresh
embedded store and prints the time.

Usage: python benchmarks/embedded_path.py [--messages 20000]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import bare, start_publisher  # noqa: E402
from gateway.mqtt import BrokerAddress  # noqa: E402
from gateway.outbox import Outbox  # noqa: E402
from gateway.pipeline import Pipeline  # noqa: E402
from gateway.service import Gateway, GatewayOptions  # noqa: E402
from gateway.stores import SQLiteReadingStore  # noqa: E402
from officewell.broker import EmbeddedBroker, free_port  # noqa: E402
from sensors.site import load_site  # noqa: E402

SITE = load_site(ROOT / "examples" / "site.toml")


def full(port: int, n: int, workdir: Path) -> float:
    store = SQLiteReadingStore(workdir / f"readings-{port}.db")
    gateway = Gateway(
        Pipeline(SITE),
        store,
        Outbox(workdir / f"outbox-{port}.db"),
        BrokerAddress("127.0.0.1", port),
        GatewayOptions(persistent_session=False),
    )
    gateway.start()
    proc, go = start_publisher(port, n)
    t0 = time.perf_counter()
    go.set()
    while gateway.stats.received < n and time.perf_counter() - t0 < 600:
        time.sleep(0.01)
    gateway.wait_idle(600)
    elapsed = time.perf_counter() - t0
    proc.join()
    stored = store.count("kc-main")
    gateway.stop()
    store.close()
    if stored != n:
        raise SystemExit(f"gateway stored {stored} of {n} messages")
    return n / elapsed


def start_mosquitto(workdir: Path) -> tuple[subprocess.Popen[bytes], int] | None:
    binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    if not Path(binary).exists():
        return None
    port = free_port()
    conf = workdir / "mosquitto.conf"
    conf.write_text(
        f"listener {port} 127.0.0.1\nallow_anonymous true\nmax_queued_messages 1000000\nmax_inflight_messages 0\n"
    )
    proc = subprocess.Popen([binary, "-c", str(conf)], stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    return proc, port


def backfill_30_days(workdir: Path) -> tuple[float, int]:
    from synthetic.office import OfficeSimulator

    store = SQLiteReadingStore(workdir / "backfill.db")
    sim = OfficeSimulator(SITE, seed=42)
    stop = datetime.now(UTC).replace(second=0, microsecond=0)
    t0 = time.perf_counter()
    n = sim.backfill(store, stop - timedelta(days=30), stop)
    elapsed = time.perf_counter() - t0
    store.close()
    return elapsed, n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=20_000)
    args = parser.parse_args()
    n = args.messages
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        rows = []
        broker = EmbeddedBroker("127.0.0.1", free_port())
        broker.start()
        try:
            b = bare(broker.port, n)
            g = full(broker.port, n, workdir)
        finally:
            broker.stop()
        rows.append(("embedded amqtt", b, g))
        mosq = start_mosquitto(workdir)
        if mosq:
            proc, port = mosq
            try:
                b = bare(port, n)
                g = full(port, n, workdir)
            finally:
                proc.terminate()
                proc.wait()
            rows.append(("mosquitto", b, g))
        print(f"{n} native messages at QoS 1, publisher in a separate process")
        print(f"{'broker':<16}{'bare paho msg/s':>18}{'gateway msg/s':>16}{'ratio':>8}")
        for name, b, g in rows:
            print(f"{name:<16}{b:>18,.0f}{g:>16,.0f}{g / b:>8.2f}")
        seconds, readings = backfill_30_days(workdir)
        print(
            f"backfill: 30 days x {len(SITE.devices)} devices at 1 min = {readings:,} readings "
            f"in {seconds:.1f} s ({readings / seconds:,.0f} readings/s)"
        )


if __name__ == "__main__":
    main()
