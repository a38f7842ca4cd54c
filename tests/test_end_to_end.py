"""Simulator → Mosquitto → gateway → embedded store → API over HTTP, all real."""

import threading
import time
from datetime import UTC, datetime, timedelta
from datetime import time as dtime

import httpx
import pytest

from api.app import create_app
from api.deps import Services
from api.security import Role
from api.tokens import TokenSigner
from api.users import MemoryUserDirectory
from gateway.mqtt import BrokerAddress, make_client
from gateway.outbox import Outbox
from gateway.pipeline import Pipeline
from gateway.service import Gateway, GatewayOptions
from gateway.stores import SQLiteReadingStore
from synthetic.office import OfficeSimulator
from synthetic.office.publisher import publish_live
from tests.conftest import ServerThread

pytestmark = pytest.mark.mosquitto


def test_simulated_office_reaches_the_api(mosquitto, example_site, tmp_path):
    store = SQLiteReadingStore(tmp_path / "readings.db")
    outbox = Outbox(tmp_path / "outbox.db")
    letters = outbox.dead_letters
    address = BrokerAddress("127.0.0.1", mosquitto.port)
    gateway = Gateway(Pipeline(example_site), store, outbox, address, GatewayOptions(persistent_session=False))
    gateway.start()
    users = MemoryUserDirectory()
    users.add("fm", Role.FACILITIES, "facilities-pass")
    server = ServerThread(create_app(Services(example_site, store, letters, users, TokenSigner("e" * 40)))).start()

    simulator = OfficeSimulator(example_site, seed=7)
    # A clock fixed inside working hours (last week's Tuesday, 09:30 UTC) gives every zone people and calls.
    today = datetime.now(UTC).date()
    tuesday = today - timedelta(days=(today.weekday() - 1) % 7 or 7)
    instant = datetime.combine(tuesday, dtime(9, 30), tzinfo=UTC)
    expected = {d.id: simulator.values_at(d.id, instant) for d in example_site.devices}
    client = make_client(address)
    client.connect("127.0.0.1", mosquitto.port)
    client.loop_start()
    stop = threading.Event()
    sent: list[int] = []
    ticks = iter(range(3))

    def clock() -> datetime:
        # Three ticks, then stop: the publisher sends every device once per tick.
        if next(ticks, None) is None:
            stop.set()
        return instant

    thread = threading.Thread(
        target=lambda: sent.append(
            publish_live(simulator, client, example_site, interval_s=0.2, stop_event=stop, clock=clock)
        )
    )
    thread.start()
    thread.join(20)
    try:
        publishing = [d for d, v in expected.items() if v]
        assert sent
        assert sent[0] >= len(publishing) * 2
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and gateway.stats.received < sent[0]:
            time.sleep(0.05)
        assert gateway.stats.received == sent[0]
        assert gateway.wait_idle(10)
        assert letters.count() == 0
        # Redelivered identical readings (same device, same ts) are one point each.
        assert store.count(example_site.id) == len(publishing)

        with httpx.Client(base_url=server.url, timeout=10) as api:
            token = api.post("/api/v1/auth/token", data={"username": "fm", "password": "facilities-pass"}).json()
            api.headers["Authorization"] = f"Bearer {token['access_token']}"
            latest = {z["zone"]: z["values"] for z in api.get("/api/v1/latest").json()}
            for device in example_site.devices:
                if not expected[device.id]:
                    continue
                values = latest[device.zone]
                assert set(values) == set(expected[device.id])
                for key, value in expected[device.id].items():
                    assert values[key]["value"] == pytest.approx(value, abs=0.01)
                    assert values[key]["device"] == device.id
            raw = api.get(
                "/api/v1/readings",
                params={
                    "quantity": "co2_ppm",
                    "zone": "z3",
                    "start": (instant - timedelta(hours=1)).isoformat(),
                    "stop": (instant + timedelta(hours=1)).isoformat(),
                },
            ).json()
            assert [p["ts"] for p in raw["points"]] == (
                [instant.strftime("%Y-%m-%dT%H:%M:%SZ")] if expected["aq-03"] else []
            )
    finally:
        client.disconnect()
        client.loop_stop()
        gateway.stop()
        server.stop()
        store.close()
