"""Fault injection at a steady publish rate: nothing lost, nothing doubled.

The gateway runs as `officewell gateway` in its own process with a persistent session and a durable
outbox; Mosquitto runs with persistence. After each fault the store must hold exactly the readings
published: counts and values compared.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from gateway.mqtt import BrokerAddress, make_client
from gateway.stores import open_store
from tests.conftest import EXAMPLE_SITE, Mosquitto, free_port, start_mosquitto
from tests.services import fresh_name

pytestmark = pytest.mark.mosquitto

RATE = 200  # messages per second


def persistent_mosquitto(workdir: Path, port: int) -> Mosquitto:
    """Mosquitto that keeps sessions and queued messages across a restart."""
    broker = start_mosquitto(workdir, port)
    broker.process.terminate()
    broker.process.wait(10)
    store = workdir / "persist"
    store.mkdir(exist_ok=True)
    # Run as root (in CI), Mosquitto would switch to the `mosquitto` user, who cannot write the test's folder: the
    # session would not survive the restart, and the test would pass or fail on which client reconnects first.
    broker.config.write_text(
        broker.config.read_text().replace("persistence false", "persistence true")
        + f"persistence_location {store}/\nautosave_interval 1\nuser root\n"
    )
    return restart(broker)


def restart(broker: Mosquitto) -> Mosquitto:
    """Start Mosquitto again with the same config and port."""
    process = subprocess.Popen(
        ["mosquitto", "-c", str(broker.config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    from tests.conftest import wait_for_port

    wait_for_port(broker.port)
    return Mosquitto(broker.port, process, broker.config)


@dataclass
class Publisher:
    """Publishes numbered native messages at a steady rate with QoS 1 until stopped."""

    port: int
    sent: list[tuple[str, datetime, float]] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        client = make_client(BrokerAddress("127.0.0.1", self.port), "fault-publisher", clean_session=False)
        client.max_queued_messages_set(0)
        client.connect_async("127.0.0.1", self.port)
        client.loop_start()
        t0 = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1)
        i = 0
        infos = []
        backlog: list[tuple[str, str]] = []  # like a real device: keep what could not be sent yet
        next_at = time.monotonic()
        while not self.stop.is_set() or backlog:
            if not self.stop.is_set():
                zone = 1 + i % 12
                device = f"aq-{zone:02d}"
                ts = t0 + timedelta(milliseconds=i)
                value = 400.0 + (i % 5000) / 10
                backlog.append(
                    (
                        f"officewell/kc-main/z{zone}/{device}",
                        json.dumps({"ts": ts.isoformat(), "seq": i, "co2_ppm": value}),
                    )
                )
                self.sent.append((device, ts, value))
                i += 1
            while backlog and client.is_connected():
                info = client.publish(*backlog[0], qos=1)
                if info.rc != 0:
                    break
                infos.append(info)
                backlog.pop(0)
            next_at += 1 / RATE
            time.sleep(max(0.0, next_at - time.monotonic()))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not all(info.is_published() for info in infos):
            time.sleep(0.05)
        client.disconnect()
        client.loop_stop()
        assert all(info.is_published() for info in infos), "the broker never acknowledged some messages"


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[dict[str, object]]:
    port = free_port()
    broker = persistent_mosquitto(tmp_path / "mosquitto", port)
    state = {"broker": broker, "tmp": tmp_path, "url": f"sqlite:///{tmp_path / 'readings.db'}"}
    yield state
    current = state["broker"]
    assert isinstance(current, Mosquitto)
    if current.process.poll() is None:
        current.process.terminate()
        current.process.wait(10)


def start_gateway(tmp_path: Path, port: int, url: str) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OFFICEWELL_")}
    env["OFFICEWELL_MQTT_CLIENT_ID"] = "fault-gateway"
    exe = Path(sys.executable).with_name("officewell")
    log = (tmp_path / "gateway.log").open("ab")
    proc = subprocess.Popen(
        [
            str(exe),
            "gateway",
            "--site",
            str(EXAMPLE_SITE),
            "--mqtt",
            f"mqtt://127.0.0.1:{port}",
            "--store",
            url,
            "--state-dir",
            str(tmp_path / "state"),
            "--data-dir",
            str(tmp_path),
        ],
        stdout=log,
        stderr=log,
        env=env,
    )
    return proc


def wait_for_log(path: Path, text: str, times: int, timeout_s: float = 30) -> None:
    """Wait until `text` appears `times` times in a log file."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if path.exists() and path.read_text(errors="replace").count(text) >= times:
            return
        time.sleep(0.05)
    raise TimeoutError(f"{text!r} not logged {times} times in {path}")


def wait_for_count(url: str, expected: int, timeout_s: float = 60) -> int:
    store = open_store(url)
    deadline = time.monotonic() + timeout_s
    count = store.count("kc-main")
    while count < expected and time.monotonic() < deadline:
        time.sleep(0.2)
        count = store.count("kc-main")
    time.sleep(1.0)  # anything doubled or late would show now
    count = store.count("kc-main")
    store.close()
    return count


def check_exact(url: str, sent: list[tuple[str, datetime, float]]) -> None:
    store = open_store(url)
    start = min(ts for _, ts, _ in sent) - timedelta(seconds=1)
    stop = max(ts for _, ts, _ in sent) + timedelta(seconds=1)
    frame = store.series("kc-main", "co2_ppm", start, stop)
    store.close()
    got = sorted(zip(frame["device"], [t.to_pydatetime() for t in frame["ts"]], frame["value"], strict=True))
    missing = sorted(set(sent) - set(got))
    assert not missing, f"{len(missing)} missing, first {missing[:3]}, last {missing[-3:]}"
    assert len(got) == len(sent)
    assert got == sorted(sent)


def run_scenario(stack: dict[str, object], fault) -> None:  # type: ignore[no-untyped-def]
    tmp, url = stack["tmp"], stack["url"]
    broker = stack["broker"]
    assert isinstance(tmp, Path)
    assert isinstance(url, str)
    assert isinstance(broker, Mosquitto)
    gateway = start_gateway(tmp, broker.port, url)
    publisher = Publisher(broker.port)
    thread = threading.Thread(target=publisher.run)
    try:
        wait_for_log(tmp / "gateway.log", "subscribed to", 1)  # its persistent session exists from now on
        thread.start()
        time.sleep(2.0)
        gateway = fault(stack, gateway) or gateway
        time.sleep(2.0)
        publisher.stop.set()
        thread.join(90)
        wait_for_count(url, len(publisher.sent))
        check_exact(url, publisher.sent)
    finally:
        publisher.stop.set()
        gateway.send_signal(signal.SIGTERM)
        try:
            gateway.wait(30)
        except subprocess.TimeoutExpired:
            gateway.kill()


def test_gateway_killed_mid_batch_loses_nothing(stack):
    def kill_and_restart(state, gateway):  # type: ignore[no-untyped-def]
        gateway.send_signal(signal.SIGKILL)
        gateway.wait(10)
        time.sleep(1.0)
        broker = state["broker"]
        return start_gateway(state["tmp"], broker.port, state["url"])

    run_scenario(stack, kill_and_restart)


def test_mosquitto_restart_loses_nothing(stack):
    def restart_broker(state, gateway):  # type: ignore[no-untyped-def]
        broker = state["broker"]
        broker.process.terminate()
        broker.process.wait(10)
        saved = state["tmp"] / "mosquitto" / "persist" / "mosquitto.db"
        assert saved.is_file(), f"Mosquitto saved no sessions at its stop: nothing in {saved.parent}"
        time.sleep(1.0)
        state["broker"] = restart(broker)
        return gateway

    run_scenario(stack, restart_broker)


def test_influxdb_stopped_for_ten_seconds_loses_nothing(stack, influxdb_server):
    database = fresh_name()
    stack["url"] = influxdb_server.url(database)

    def freeze_influxdb(_state, gateway):  # type: ignore[no-untyped-def]
        influxdb_server.process.send_signal(signal.SIGSTOP)
        try:
            time.sleep(10)
        finally:
            influxdb_server.process.send_signal(signal.SIGCONT)
        return gateway

    try:
        run_scenario(stack, freeze_influxdb)
    finally:
        influxdb_server.drop(database)
