"""Ingest into InfluxDB, side by side with the Python MQTT client's own limit, in one run.

A separate process publishes N native messages at QoS 1 to a Mosquitto started here. We measure
  (i)   a bare paho-mqtt subscriber that only parses the JSON: the client's own limit;
  (ii)  the full gateway (decode, validate, durable outbox, acknowledge, flush) into a real InfluxDB 1.x;
  (iii) two gateways sharing the load through a shared subscription, against one;
and print messages/s and the ratios; then the ingest latency (from the moment the gateway received a
message to its readings accepted by InfluxDB) p50/p99 at a fixed rate, and the gateway's memory (RSS)
over a soak.

Usage: python benchmarks/ingest.py [--messages 50000] [--rate 5000] [--latency-seconds 20]
       [--soak-seconds 600]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import bare, start_publisher  # noqa: E402
from gateway.mqtt import BrokerAddress  # noqa: E402
from gateway.outbox import Outbox  # noqa: E402
from gateway.pipeline import Pipeline  # noqa: E402
from gateway.service import Gateway, GatewayOptions  # noqa: E402
from gateway.stores import open_store  # noqa: E402
from sensors.site import load_site  # noqa: E402
from tests.conftest import start_mosquitto  # noqa: E402
from tests.services import fresh_name, start_influxdb, stop_process  # noqa: E402

SITE = load_site(ROOT / "examples" / "site.toml")


def gateways(port: int, url: str, workdir: Path, count: int, tag: str) -> list[Gateway]:
    out = []
    for k in range(count):
        options = GatewayOptions(
            client_id=f"bench-{tag}-{k}", persistent_session=False, share_group="bench" if count > 1 else None
        )
        out.append(
            Gateway(
                Pipeline(SITE),
                open_store(url),
                Outbox(workdir / f"outbox-{tag}-{k}.db"),
                BrokerAddress("127.0.0.1", port),
                options,
            )
        )
    for gw in out:
        gw.start()
    return out


def full(port: int, url: str, n: int, workdir: Path, count: int, tag: str, offset_ms: int) -> float:
    gws = gateways(port, url, workdir, count, tag)
    proc, go = start_publisher(port, n, offset_ms=offset_ms)
    t0 = time.perf_counter()
    go.set()
    while sum(g.stats.received for g in gws) < n and time.perf_counter() - t0 < 900:
        time.sleep(0.01)
    for gw in gws:
        gw.wait_idle(900)
    elapsed = time.perf_counter() - t0
    proc.join()
    for gw in gws:
        gw.stop()
    return n / elapsed


def latency(port: int, url: str, rate: float, seconds: float, workdir: Path) -> tuple[float, float, int]:
    [gw] = gateways(port, url, workdir, 1, "latency")
    samples: list[float] = []
    original = gw.flusher._write  # measure at the moment the store accepted the batch

    def timed(ids, readings, received):  # type: ignore[no-untyped-def]
        original(ids, readings, received)
        now = time.time()
        samples.extend(now - at for at in received)

    gw.flusher._write = timed  # type: ignore[method-assign]
    n = int(rate * seconds)
    proc, go = start_publisher(port, n, rate=rate, offset_ms=20_000_000)
    go.set()
    proc.join()
    gw.wait_idle(300)
    gw.stop()
    samples.sort()
    return samples[len(samples) // 2], samples[int(len(samples) * 0.99)], len(samples)


def soak(port: int, url: str, seconds: float, workdir: Path, rate: float = 1000) -> list[tuple[float, float]]:
    """RSS of this process (the gateway runs in it) sampled over a soak at a steady rate."""
    [gw] = gateways(port, url, workdir, 1, "soak")
    n = int(rate * seconds)
    proc, go = start_publisher(port, n, rate=rate, offset_ms=30_000_000)
    go.set()
    t0 = time.perf_counter()
    points = []
    while proc.is_alive():
        points.append((time.perf_counter() - t0, rss_mb()))
        time.sleep(max(1.0, seconds / 20))
    gw.wait_idle(300)
    gw.stop()
    points.append((time.perf_counter() - t0, rss_mb()))
    return points


def rss_mb() -> float:
    with open(f"/proc/{os.getpid()}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=50_000)
    parser.add_argument("--rate", type=float, default=5000)
    parser.add_argument("--latency-seconds", type=float, default=20)
    parser.add_argument("--soak-seconds", type=float, default=600)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        broker = start_mosquitto(workdir / "mosquitto")
        influx = start_influxdb(workdir / "influxdb")
        try:
            url = influx.url(fresh_name("bench"))
            b = bare(broker.port, args.messages)
            one = full(broker.port, url, args.messages, workdir, 1, "one", 0)
            two = full(broker.port, url, args.messages, workdir, 2, "two", 10_000_000)
            print(f"{args.messages} native messages (5 quantities) at QoS 1, publisher in a separate process")
            print(f"  bare paho subscriber (parse only)   {b:>9,.0f} msg/s")
            print(f"  gateway -> InfluxDB 1.x             {one:>9,.0f} msg/s   ratio {one / b:.2f}")
            print(f"  2 gateways, shared subscription     {two:>9,.0f} msg/s   ratio {two / one:.2f} of one gateway")
            p50, p99, count = latency(broker.port, url, args.rate, args.latency_seconds, workdir)
            print(
                f"latency at {args.rate:,.0f} msg/s for {args.latency_seconds:g} s ({count} readings): "
                f"p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms"
            )
            if args.soak_seconds > 0:
                points = soak(broker.port, url, args.soak_seconds, workdir)
                first = points[len(points) // 4][1]
                print(
                    f"soak {args.soak_seconds:g} s at 1,000 msg/s: RSS "
                    + ", ".join(f"{m:.0f}" for _, m in points)
                    + f" MB; growth after warm-up {points[-1][1] - first:+.1f} MB; "
                    f"peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
                )
        finally:
            broker.process.terminate()
            stop_process(influx.process)


if __name__ == "__main__":
    main()
