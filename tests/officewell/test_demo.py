"""`officewell demo` as a user runs it: a separate process, real sockets, mosquitto_pub from outside."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from gateway.stores import open_store
from officewell.demo import choose_port
from tests.conftest import free_port
from tests.services import fresh_name

pytestmark = pytest.mark.mosquitto


def officewell_command() -> list[str]:
    exe = Path(sys.executable).with_name("officewell")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "officewell"]


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
    port, mqtt_port, data_dir = free_port(), free_port(), tmp_path / "demo"
    env = {k: v for k, v in os.environ.items() if not k.startswith("OFFICEWELL_")}
    log_path = tmp_path / "demo.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [
                *officewell_command(),
                "demo",
                "--port",
                str(port),
                "--mqtt-port",
                str(mqtt_port),
                "--data-dir",
                str(data_dir),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
    try:
        started = time.monotonic()
        demo_json = data_dir / "demo.json"
        while not demo_json.exists():
            assert proc.poll() is None, log_path.read_text()
            assert time.monotonic() - started < 60, "demo.json did not appear within 60 s\n" + log_path.read_text()
            time.sleep(0.2)
        ready_after = time.monotonic() - started
        info = json.loads(demo_json.read_text())
        assert info["url"] == f"http://127.0.0.1:{port}"
        assert info["mqtt_url"] == f"mqtt://127.0.0.1:{mqtt_port}"
        assert sorted(u["role"] for u in info["users"]) == ["admin", "facilities", "hr", "manager"]

        facilities = next(u for u in info["users"] if u["role"] == "facilities")
        api = httpx.Client(base_url=info["url"], timeout=10)
        token = api.post(
            "/api/v1/auth/token", data={"username": facilities["username"], "password": facilities["password"]}
        ).json()["access_token"]
        api.headers["Authorization"] = f"Bearer {token}"

        zones = api.get("/api/v1/zones").json()
        assert len(zones) == 14
        latest = {z["zone"]: z["values"] for z in api.get("/api/v1/latest").json()}
        assert all(latest[z["id"]] for z in zones), "every zone has readings"
        history = api.get(
            "/api/v1/readings",
            params={"quantity": "co2_ppm", "zone": "z3", "window": "1d", "start": "2000-01-01T00:00:00Z"},
        ).json()["windows"]
        assert len(history) >= 30, "about 30 days of backfilled history"

        manager = next(u for u in info["users"] if u["role"] == "manager")
        manager_token = api.post(
            "/api/v1/auth/token", data={"username": manager["username"], "password": manager["password"]}
        ).json()["access_token"]
        year_ago = (datetime.now(UTC) - timedelta(days=380)).date().isoformat()
        weeks = api.get(
            "/api/v1/goals/answer-rate/weekly",
            params={"start": year_ago},
            headers={"Authorization": f"Bearer {manager_token}"},
        ).json()["weeks"]
        total = [w for w in weeks if w["team"] == "total"]
        assert len(total) >= 53, "more than a year of centre history"
        assert {w["team"] for w in weeks} >= {f"team-{i}" for i in range(1, 13)}
        assert 0.85 < sum(w["answered"] for w in total) / sum(w["offered"] for w in total) <= 1.0
        assert api.get("/api/v1/goals/nki").status_code == 403, "facilities do not see goal follow-up"

        now = datetime.now(UTC)
        sent = time.monotonic()
        subprocess.run(
            [
                mosquitto_pub,
                "-h",
                "127.0.0.1",
                "-p",
                str(mqtt_port),
                "-q",
                "1",
                "-t",
                "officewell/kc-main/z5/manual-probe",
                "-m",
                json.dumps({"ts": now.isoformat(), "co2_ppm": 1357}),
            ],
            check=True,
            timeout=10,
        )
        found = False
        while time.monotonic() - sent < 2.0 and not found:
            points = api.get("/api/v1/readings", params={"quantity": "co2_ppm", "zone": "z5"}).json()["points"]
            found = any(p["device"] == "manual-probe" and p["value"] == 1357 for p in points)
            time.sleep(0.05)
        assert found, "a message published with mosquitto_pub is readable within 2 s"

        subprocess.run(
            [
                mosquitto_pub,
                "-h",
                "127.0.0.1",
                "-p",
                str(mqtt_port),
                "-q",
                "1",
                "-t",
                "officewell/kc-main/z5/manual-probe",
                "-m",
                "{co2: oops",
            ],
            check=True,
            timeout=10,
        )
        reasons: list[str] = []
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not any("not valid JSON" in r for r in reasons):
            reasons = [d["reason"] for d in api.get("/api/v1/dead-letters").json()["items"]]
            time.sleep(0.1)
        assert any("not valid JSON" in r for r in reasons)

        proc.send_signal(signal.SIGINT)
        assert proc.wait(20) == 0, log_path.read_text()
        assert not demo_json.exists(), "demo.json is removed when the demo stops"
        print(f"demo ready after {ready_after:.1f} s")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_demo_moves_to_influxdb_with_one_flag(tmp_path, influxdb_server):
    database = fresh_name("demo")
    url = influxdb_server.url(database)
    port, mqtt_port, data_dir = free_port(), free_port(), tmp_path / "demo"
    env = {k: v for k, v in os.environ.items() if not k.startswith("OFFICEWELL_")}
    log_path = tmp_path / "demo.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [
                *officewell_command(),
                "demo",
                "--port",
                str(port),
                "--mqtt-port",
                str(mqtt_port),
                "--data-dir",
                str(data_dir),
                "--days",
                "2",
                "--store",
                url,
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
    try:
        started = time.monotonic()
        while not (data_dir / "demo.json").exists():
            assert proc.poll() is None, log_path.read_text()
            assert time.monotonic() - started < 90, log_path.read_text()
            time.sleep(0.2)
        info = json.loads((data_dir / "demo.json").read_text())
        store = open_store(url)
        assert store.count("kc-main") >= 2 * 1440 * 10, "two days of history went into InfluxDB"
        assert {lv.zone for lv in store.latest("kc-main")} == {f"z{i}" for i in range(1, 13)} | {"meeting", "break"}
        store.close()
        user = next(u for u in info["users"] if u["role"] == "manager")
        api = httpx.Client(base_url=info["url"], timeout=10)
        token = api.post("/api/v1/auth/token", data={"username": user["username"], "password": user["password"]})
        api.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        assert all(z["values"] for z in api.get("/api/v1/latest").json())
        proc.send_signal(signal.SIGINT)
        assert proc.wait(30) == 0, log_path.read_text()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        influxdb_server.drop(database)
