"""What the ingest benchmarks share: a publisher in its own process and a bare paho subscriber."""

from __future__ import annotations

import json
import multiprocessing as mp
import threading
import time
from datetime import UTC, datetime, timedelta

from gateway.mqtt import BrokerAddress, make_client


def publish(port: int, n: int, rate: float, go: mp.synchronize.Event, offset_ms: int) -> None:  # type: ignore[name-defined]
    """Publish n messages, as fast as possible (rate 0) or at a fixed rate; each carries its send time."""
    client = make_client(BrokerAddress("127.0.0.1", port))
    client.max_inflight_messages_set(1000)
    client.max_queued_messages_set(0)
    client.connect("127.0.0.1", port)
    client.loop_start()
    go.wait()
    t0 = datetime.now(UTC) - timedelta(days=1)  # distinct past timestamps per phase via offset_ms
    start = time.perf_counter()
    infos = []
    for i in range(n):
        zone = 1 + i % 12
        body = {
            "ts": (t0 + timedelta(milliseconds=offset_ms + i)).isoformat(),
            "seq": i,
            "sent": time.time(),
            "co2_ppm": 600 + i % 400,
            "temperature_c": 21.5,
            "humidity_pct": 35.0,
            "sound_dba": 52.0,
            "illuminance_lux": 480.0,
        }
        infos.append(client.publish(f"officewell/kc-main/z{zone}/aq-{zone:02d}", json.dumps(body), qos=1))
        if rate:
            delay = start + (i + 1) / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
    for info in infos:
        info.wait_for_publish(300)
    client.disconnect()
    client.loop_stop()


def start_publisher(port: int, n: int, rate: float = 0, offset_ms: int = 0) -> tuple[mp.Process, mp.synchronize.Event]:  # type: ignore[name-defined]
    go = mp.Event()
    proc = mp.Process(target=publish, args=(port, n, rate, go, offset_ms))
    proc.start()
    time.sleep(1.0)
    return proc, go


def bare(port: int, n: int) -> float:
    received = 0
    done = threading.Event()

    def on_message(_c, _u, msg):  # type: ignore[no-untyped-def]
        nonlocal received
        json.loads(msg.payload)
        received += 1
        if received >= n:
            done.set()

    client = make_client(BrokerAddress("127.0.0.1", port))
    client.on_message = on_message
    ready = threading.Event()
    client.on_subscribe = lambda *a: ready.set()
    client.on_connect = lambda c, *a: c.subscribe("officewell/kc-main/+/+", qos=1)
    client.connect("127.0.0.1", port)
    client.loop_start()
    ready.wait(10)
    proc, go = start_publisher(port, n)
    t0 = time.perf_counter()
    go.set()
    done.wait(900)
    elapsed = time.perf_counter() - t0
    proc.join()
    client.disconnect()
    client.loop_stop()
    return received / elapsed
