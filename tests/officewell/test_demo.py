"""`officewell demo` as a user runs it: a separate process, real sockets, mosquitto_pub from outside."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway.stores import open_store
from officewell.runners.demo import choose_port
from sensors.site import load_site
from tests.conftest import free_port
from tests.services import fresh_name

pytestmark = pytest.mark.mosquitto


def officewell_command() -> list[str]:
    exe = Path(sys.executable).with_name("officewell")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "officewell"]


@dataclass
class Demo:
    """A running `officewell demo` process and what it announced."""

    proc: subprocess.Popen[bytes]
    info: dict[str, Any]
    log: Path
    ready_after_s: float

    def login(self, role: str) -> httpx.Client:
        """An API client logged in as the demo user of a role."""
        user = next(u for u in self.info["users"] if u["role"] == role)
        api = httpx.Client(base_url=self.info["url"], timeout=10)
        token = api.post("/api/v1/auth/token", data={"username": user["username"], "password": user["password"]})
        api.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        return api


@contextmanager
def running_demo(tmp_path: Path, *args: str, ready_within_s: float = 60) -> Iterator[Demo]:
    """Start `officewell demo ARGS --data-dir tmp/demo` as a user would; wait for demo.json; kill if left running."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OFFICEWELL_")}
    data_dir, log_path = tmp_path / "demo", tmp_path / "demo.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen([*officewell_command(), "demo", *args, "--data-dir", str(data_dir)],
                                stdout=log, stderr=subprocess.STDOUT, env=env)  # fmt: skip
    try:
        started = time.monotonic()
        while not (data_dir / "demo.json").exists():
            assert proc.poll() is None, log_path.read_text()
            assert time.monotonic() - started < ready_within_s, (
                f"demo.json did not appear within {ready_within_s} s\n" + log_path.read_text()
            )
            time.sleep(0.2)
        info = json.loads((data_dir / "demo.json").read_text())
        yield Demo(proc, info, log_path, time.monotonic() - started)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_busy_default_port_falls_back_to_a_free_one():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        busy = sock.getsockname()[1]
        chosen = choose_port(None, busy, "127.0.0.1", "MQTT")
        assert chosen != busy
        with pytest.raises(OSError, match=f"port {busy} on 127.0.0.1 is already in use"):
            choose_port(busy, 1883, "127.0.0.1", "MQTT")


def test_demo_end_to_end(tmp_path):
    mosquitto_pub = shutil.which("mosquitto_pub")
    if mosquitto_pub is None:
        pytest.fail("mosquitto_pub is not installed: run scripts/install-system-deps.sh (mosquitto-clients)")
    port, mqtt_port = free_port(), free_port()
    # A year of older history is simulated before the demo is ready (some 30 s on an idle 2-core machine).
    with running_demo(tmp_path, "--port", str(port), "--mqtt-port", str(mqtt_port), ready_within_s=240) as demo:
        info = demo.info
        assert info["url"] == f"http://127.0.0.1:{port}"
        assert info["mqtt_url"] == f"mqtt://127.0.0.1:{mqtt_port}"
        assert sorted(u["role"] for u in info["users"]) == ["admin", "facilities", "hr", "manager"]
        # The demo's devices report every 5 s, and its site file says so (sensor health compares the two).
        assert {d.interval_s for d in load_site(info["site_file"]).devices} == {5.0}
        api = demo.login("facilities")

        zones = api.get("/api/v1/zones").json()
        assert len(zones) == 14
        latest = {z["zone"]: z["values"] for z in api.get("/api/v1/latest").json()}
        assert all(latest[z["id"]] for z in zones), "every zone has readings"
        history = api.get(
            "/api/v1/readings",
            params={"quantity": "co2_ppm", "zone": "z3", "window": "1d", "start": "2000-01-01T00:00:00Z"},
        ).json()["windows"]
        assert len(history) >= 395, "400 days of history: the last 30 at every minute, the rest as 15-minute means"

        year_ago = (datetime.now(UTC) - timedelta(days=380)).date().isoformat()
        weeks = demo.login("manager").get("/api/v1/goals/answer-rate/weekly", params={"start": year_ago}).json()
        total = [w for w in weeks["weeks"] if w["team"] == "total"]
        assert len(total) >= 53, "more than a year of centre history"
        assert {w["team"] for w in weeks["weeks"]} >= {f"team-{i}" for i in range(1, 13)}
        assert 0.85 < sum(w["answered"] for w in total) / sum(w["offered"] for w in total) <= 1.0
        assert api.get("/api/v1/goals/nki").status_code == 403, "facilities do not see goal follow-up"

        base = [mosquitto_pub, "-h", "127.0.0.1", "-p", str(mqtt_port), "-q", "1", "-t"]
        pub = [*base, "officewell/kc-main/z5/aq-05"]  # a device of the site file, as a real one would be
        sent = time.monotonic()
        message = json.dumps({"ts": datetime.now(UTC).isoformat(), "co2_ppm": 1357})
        subprocess.run([*pub, "-m", message], check=True, timeout=10)
        found = False
        while time.monotonic() - sent < 2.0 and not found:
            points = api.get("/api/v1/readings", params={"quantity": "co2_ppm", "zone": "z5"}).json()["points"]
            found = any(p["device"] == "aq-05" and p["value"] == 1357 for p in points)
            time.sleep(0.05)
        assert found, "a message published with mosquitto_pub is readable within 2 s"

        subprocess.run([*pub, "-m", "{co2: oops"], check=True, timeout=10)
        subprocess.run([*base, "officewell/kc-main/z5/probe", "-m", message], check=True, timeout=10)
        reasons: list[str] = []
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not (
            any("not valid JSON" in r for r in reasons)
            and any("unregistered native device 'probe'" in r for r in reasons)
        ):
            reasons = [d["reason"] for d in api.get("/api/v1/dead-letters").json()["items"]]
            time.sleep(0.1)
        assert any("not valid JSON" in r for r in reasons)
        assert any("unregistered native device 'probe'" in r for r in reasons), "the site file lists the devices"
        assert "officewell_unregistered_messages_total 1.0" in httpx.get(info["url"] + "/metrics").text

        # The evidence on the generated centre: computed in the background after start, waited for here.
        manager = demo.login("manager")
        manager.timeout = httpx.Timeout(300)
        found = manager.get("/api/v1/evidence/associations", params={"quantity": "co2_ppm"}).json()
        co2 = next(a for a in found["associations"] if a["outcome"] == "short_term_sick_spells" and a["lag_weeks"] == 0)
        assert co2["rate_ratio"] is not None, co2["reason"]
        assert co2["n"] > 0
        assert co2["combined"] is not None
        assert co2["prior"]["source"]
        assert found["data"]["teams"] == 12
        exposure = manager.get("/api/v1/evidence/exposure", params={"zone": "z3", "quantity": "co2_ppm"}).json()
        assert exposure["summary"][0]["weeks_with_data"] >= 50, "a year of weekly exposure"
        actions = manager.get("/api/v1/evidence/actions", params={"limit": 5}).json()
        assert actions["baseline"] == "the centre's average"
        assert len(actions["actions"]) == 5

        shared = {
            str(path.relative_to(tmp_path)): oct(path.stat().st_mode & 0o777)
            for path in [tmp_path / "demo", *(tmp_path / "demo").rglob("*")]
            if path.stat().st_mode & 0o077
        }
        assert shared == {}, "health data and secrets: files 0600, folders 0700"
        assert (tmp_path / "demo" / "records.db-wal").exists() or (tmp_path / "demo" / "records.db").exists()

        demo.proc.send_signal(signal.SIGINT)
        assert demo.proc.wait(20) == 0, demo.log.read_text()
        assert not (tmp_path / "demo" / "demo.json").exists(), "demo.json is removed when the demo stops"
        print(f"demo ready after {demo.ready_after_s:.1f} s")


def test_demo_moves_to_influxdb_with_one_flag(tmp_path, influxdb_server):
    database = fresh_name("demo")
    url = influxdb_server.url(database)
    args = ("--port", str(free_port()), "--mqtt-port", str(free_port()), "--days", "2", "--history-days", "0",
            "--store", url)  # fmt: skip
    try:
        with running_demo(tmp_path, *args, ready_within_s=90) as demo:
            store = open_store(url)
            assert store.count("kc-main") >= 2 * 1440 * 10, "two days of history went into InfluxDB"
            zones = {lv.zone for lv in store.latest("kc-main")}
            assert zones == {f"z{i}" for i in range(1, 13)} | {"meeting", "break"}
            store.close()
            assert all(z["values"] for z in demo.login("manager").get("/api/v1/latest").json())
            demo.proc.send_signal(signal.SIGINT)
            assert demo.proc.wait(30) == 0, demo.log.read_text()
    finally:
        influxdb_server.drop(database)
