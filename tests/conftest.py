"""Shared fixtures: the example site, a generated centre in real stores, a real Mosquitto broker, a live API server."""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import uvicorn

from sensors.site import Site, load_site

if TYPE_CHECKING:
    from tests.support.centre import CentreStores

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EXAMPLE_SITE = ROOT / "examples" / "site.toml"
UCI_DIR = SHARED / "data" / "uci-occupancy"


def free_port() -> int:
    """A loopback TCP port that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, timeout_s: float = 10.0) -> None:
    """Block until something accepts connections on 127.0.0.1:port."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout_s} s")


@pytest.fixture(scope="session")
def example_site() -> Site:
    """The example site shipped in examples/site.toml."""
    return load_site(EXAMPLE_SITE)


@pytest.fixture(scope="session")
def centre_stores(example_site: Site, tmp_path_factory: pytest.TempPathFactory) -> Iterator[CentreStores]:
    """A year of a generated centre (CO₂ effect planted, Milton's 1.217 per +100 ppm) in SQLite stores; read only."""
    from gateway.stores import open_store
    from tests.support.centre import CENTRE_END, CENTRE_START, CentreStores, import_centre, readings_of

    directory = tmp_path_factory.mktemp("centre-stores")
    centre, records = import_centre(example_site, directory, CENTRE_START, CENTRE_END, seed=3, co2_rr=1.217)
    store = open_store(f"sqlite:///{directory / 'readings.db'}")
    store.write_batch(readings_of(example_site, centre, CENTRE_START, CENTRE_END))
    yield CentreStores(centre, records, store, CENTRE_START, CENTRE_END, directory)
    store.close()
    records.close()


@dataclass
class Mosquitto:
    """A running Mosquitto broker started for the tests."""

    port: int
    process: subprocess.Popen[bytes]
    config: Path

    @property
    def url(self) -> str:
        """Its MQTT URL."""
        return f"mqtt://127.0.0.1:{self.port}"


def start_mosquitto(workdir: Path, port: int | None = None) -> Mosquitto:
    """Start a real Mosquitto on a free loopback port; fail loudly if it is not installed."""
    binary = shutil.which("mosquitto") or ("/usr/sbin/mosquitto" if Path("/usr/sbin/mosquitto").exists() else None)
    if binary is None:
        pytest.fail("mosquitto is not installed: run scripts/install-system-deps.sh (Debian package mosquitto)")
    port = port or free_port()
    workdir.mkdir(parents=True, exist_ok=True)
    config = workdir / "mosquitto.conf"
    config.write_text(
        f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
        "max_queued_messages 100000\nmax_inflight_messages 0\nlog_dest stderr\nlog_type error\n"
    )
    process = subprocess.Popen([binary, "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for_port(port)
    except TimeoutError:
        process.kill()
        _, err = process.communicate()
        pytest.fail(f"mosquitto did not start on port {port}: {err.decode(errors='replace')}")
    return Mosquitto(port, process, config)


@pytest.fixture
def mosquitto(tmp_path: Path) -> Iterator[Mosquitto]:
    """A fresh Mosquitto for one test."""
    broker = start_mosquitto(tmp_path / "mosquitto")
    yield broker
    broker.process.terminate()
    broker.process.wait(10)


class ServerThread:
    """uvicorn serving an ASGI app in a background thread on a free port."""

    def __init__(self, app: object) -> None:
        """Prepare; start() serves."""
        self.port = free_port()
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))  # type: ignore[arg-type]
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        """Base URL."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ServerThread:
        """Serve and wait until ready."""
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise TimeoutError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        """Stop serving."""
        self.server.should_exit = True
        self.thread.join(10)


# Session-scoped InfluxDB and VictoriaMetrics servers, for every test that asks for them.
from tests.services import influxdb_server, victoria_metrics  # noqa: E402, F401
