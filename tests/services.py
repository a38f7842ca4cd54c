"""Session fixtures that start real time-series servers: InfluxDB 1.x (`influxd`) and VictoriaMetrics.

Each runs once per test session on free loopback ports with its own temporary data directory.
Import the fixtures into a test module (`from tests.services import influxdb_server  # noqa: F401`).
A missing binary fails the tests (never skips them): run scripts/install-system-deps.sh.
"""

from __future__ import annotations

import itertools
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import free_port

_names = itertools.count(1)
# Servers by kind, started at most once per process even if several modules register the fixtures.
_running: dict[str, Any] = {}


def fresh_name(prefix: str = "officewell_test") -> str:
    """A database/bucket name not used before in this session."""
    return f"{prefix}_{next(_names)}"


def _binary(name: str, package: str) -> str:
    found = shutil.which(name) or next((p for p in (f"/usr/bin/{name}", f"/usr/sbin/{name}") if Path(p).exists()), None)
    if found is None:
        pytest.fail(f"{name} is not installed: run scripts/install-system-deps.sh (Debian package {package})")
    return found


def _wait_until_ready(process: subprocess.Popen[bytes], url: str, ok: int, log: Path, what: str) -> None:
    """Poll `url` until it answers `ok`; fail with the server's log if it exits or takes over 30 s."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{what} exited with {process.returncode}: {log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(url, timeout=1).status_code == ok:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    process.kill()
    pytest.fail(f"{what} did not answer {url} within 30 s: {log.read_text(errors='replace')[-2000:]}")


def stop_process(process: subprocess.Popen[bytes]) -> None:
    """Terminate a server, killing it if it does not stop within 15 s."""
    process.terminate()
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


@dataclass
class InfluxDB1:
    """A running InfluxDB 1.x started for the tests."""

    port: int
    process: subprocess.Popen[bytes]
    workdir: Path

    @property
    def base_url(self) -> str:
        """Its HTTP address."""
        return f"http://127.0.0.1:{self.port}"

    def url(self, database: str, *, rp: str | None = None, user: str | None = None, password: str | None = None) -> str:
        """An influxdb:// store URL for one database."""
        auth = f"{user}:{password}@" if user else ""
        return f"influxdb://{auth}127.0.0.1:{self.port}/{database}" + (f"?rp={rp}" if rp else "")

    def query(self, statement: str, *, database: str | None = None, auth: tuple[str, str] | None = None) -> Any:
        """Run InfluxQL (POST, so that it may change things); return the JSON answer."""
        data = {"q": statement, **({"db": database} if database else {})}
        response = httpx.post(f"{self.base_url}/query", data=data, params={"epoch": "ns"}, auth=auth, timeout=10)
        response.raise_for_status()
        return response.json()

    def write_lines(self, database: str, lines: str) -> httpx.Response:
        """Write raw line protocol, bypassing the store."""
        return httpx.post(
            f"{self.base_url}/write", params={"db": database, "precision": "ns"}, content=lines, timeout=10
        )

    def drop(self, database: str) -> None:
        """Drop a test database."""
        self.query(f'DROP DATABASE "{database}"')


def start_influxdb(workdir: Path, *, auth: bool = False) -> InfluxDB1:
    """Start influxd on free loopback ports (HTTP and the 8088 backup/RPC port) with its own data dirs."""
    binary = _binary("influxd", "influxdb")
    workdir.mkdir(parents=True, exist_ok=True)
    port, rpc_port = free_port(), free_port()
    config = workdir / "influxdb.conf"
    config.write_text(
        f"""reporting-disabled = true
bind-address = "127.0.0.1:{rpc_port}"
[meta]
  dir = "{workdir / "meta"}"
[data]
  dir = "{workdir / "data"}"
  wal-dir = "{workdir / "wal"}"
  query-log-enabled = false
[monitor]
  store-enabled = false
[http]
  bind-address = "127.0.0.1:{port}"
  auth-enabled = {"true" if auth else "false"}
  log-enabled = false
[continuous_queries]
  enabled = false
[logging]
  level = "error"
  suppress-logo = true
"""
    )
    log = workdir / "influxd.log"
    with log.open("wb") as sink:
        process = subprocess.Popen([binary, "-config", str(config)], stdout=sink, stderr=subprocess.STDOUT)
    _wait_until_ready(process, f"http://127.0.0.1:{port}/ping", 204, log, "influxd")
    return InfluxDB1(port, process, workdir)


@pytest.fixture(scope="session")
def influxdb_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InfluxDB1]:
    """One InfluxDB 1.x for the session; tests use fresh databases (see fresh_name)."""
    yield from _shared("influxdb", lambda: start_influxdb(tmp_path_factory.mktemp("influxdb")))


@dataclass
class VictoriaMetrics:
    """A running single-node VictoriaMetrics started for the tests."""

    port: int
    process: subprocess.Popen[bytes]
    workdir: Path
    org: str = "officewell"
    token: str = "test-token"  # VictoriaMetrics ignores it; the influxdb2 store requires one

    @property
    def base_url(self) -> str:
        """Its HTTP address."""
        return f"http://127.0.0.1:{self.port}"

    def url(self, bucket: str) -> str:
        """An influxdb2:// store URL for one bucket."""
        return f"influxdb2://127.0.0.1:{self.port}/{bucket}?org={self.org}"

    def force_flush(self) -> None:
        """Make everything written so far searchable now instead of within about a second."""
        httpx.get(f"{self.base_url}/internal/force_flush", timeout=10).raise_for_status()

    def delete_all(self) -> None:
        """Delete every series, so that a test starts empty (v1.79 ignores the bucket)."""
        response = httpx.post(
            f"{self.base_url}/api/v1/admin/tsdb/delete_series", data={"match[]": '{__name__=~".+"}'}, timeout=10
        )
        response.raise_for_status()


def start_victoria_metrics(workdir: Path, extra_flags: Sequence[str] = ()) -> VictoriaMetrics:
    """Start VictoriaMetrics on a free loopback port, tuned for exact, immediately readable test data."""
    binary = _binary("victoria-metrics", "victoria-metrics")
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    flags = [
        f"-storageDataPath={workdir / 'data'}",
        f"-httpListenAddr=127.0.0.1:{port}",
        "-retentionPeriod=100y",  # test readings have fixed dates; the default month would drop them
        "-dedup.minScrapeInterval=1ms",  # the same timestamp written twice is one sample
        "-search.latencyOffset=0s",  # recent samples are not held back from queries
        "-search.disableCache",  # no stale rollup results between tests
        "-loggerLevel=ERROR",
        *extra_flags,
    ]
    log = workdir / "victoria-metrics.log"
    with log.open("wb") as sink:
        process = subprocess.Popen([binary, *flags], stdout=sink, stderr=subprocess.STDOUT)
    _wait_until_ready(process, f"http://127.0.0.1:{port}/health", 200, log, "victoria-metrics")
    return VictoriaMetrics(port, process, workdir)


@pytest.fixture(scope="session")
def victoria_metrics(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VictoriaMetrics]:
    """One VictoriaMetrics for the session; call delete_all() for an empty start."""
    yield from _shared("victoria-metrics", lambda: start_victoria_metrics(tmp_path_factory.mktemp("vm")))


def _shared(kind: str, start: Callable[[], Any]) -> Iterator[Any]:
    """Start a server once per process; stop it when the first registering fixture is torn down (session end)."""
    if kind not in _running:
        _running[kind] = start()
    yield _running[kind]
    server = _running.pop(kind, None)
    if server is not None:
        stop_process(server.process)


class FlushAfterWrite:
    """A store wrapper for tests on VictoriaMetrics: every write is made searchable before returning.

    VictoriaMetrics makes new samples searchable after about a second; production code does not
    wait for that, but the contract tests read right after writing.
    """

    def __init__(self, store: Any, server: VictoriaMetrics) -> None:
        """Wrap `store`; flush `server` after each write."""
        self._store = store
        self._server = server

    def write(self, readings: Any) -> None:
        """Write, then flush."""
        self._store.write(readings)
        self._server.force_flush()

    def write_batch(self, batch: Any, progress: Any = None) -> None:
        """Write a batch, then flush."""
        self._store.write_batch(batch, progress)
        self._server.force_flush()

    def write_batches(self, batches: Any, progress: Any = None) -> None:
        """Write batches, then flush (also after a failure: what was written must be visible)."""
        try:
            self._store.write_batches(batches, progress)
        finally:
            self._server.force_flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)
