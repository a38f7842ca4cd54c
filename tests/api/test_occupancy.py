"""Occupied hours through the API: the bands apply to working hours only (issue 9, item 9)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.deps import Services
from api.security import Role
from api.tokens import TokenSigner
from api.users import MemoryUserDirectory
from gateway.deadletter_log import MemoryDeadLetterLog
from gateway.stores.sqlite import SQLiteReadingStore
from sensors.reading import Reading

STOCKHOLM = ZoneInfo("Europe/Stockholm")
EVENING = datetime(2026, 11, 24, 20, 3, tzinfo=STOCKHOLM)  # a Tuesday, as in the issue
MORNING = datetime(2026, 11, 25, 10, 3, tzinfo=STOCKHOLM)  # the next working morning
CHRISTMAS = datetime(2026, 12, 25, 10, 3, tzinfo=STOCKHOLM)  # a Friday, juldagen


@pytest.fixture
def client(example_site, tmp_path):
    users = MemoryUserDirectory()
    users.add("facilities", Role.FACILITIES, "facilities-password")
    store = SQLiteReadingStore(tmp_path / "readings.db")
    # A dark room with the heating set back, read every 5 minutes from the morning to past the evening.
    start = datetime(2026, 11, 24, 6, 0, tzinfo=STOCKHOLM)
    store.write(
        [
            Reading(
                "kc-main",
                "z1",
                "aq-01",
                start + timedelta(minutes=5 * k),
                {"illuminance_lux": 2.0, "temperature_c": 18.5},
            )
            for k in range(12 * 15)
        ]
    )
    services = Services(example_site, store, MemoryDeadLetterLog(), users, TokenSigner("o" * 40), now=lambda: EVENING)
    client = TestClient(create_app(services))
    token = client.post("/api/v1/auth/token", data={"username": "facilities", "password": "facilities-password"})
    client.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
    yield client, store
    store.close()


def test_latest_values_say_whether_they_were_taken_in_occupied_hours(client) -> None:
    client, store = client
    z1 = client.get("/api/v1/zones/z1/latest").json()["values"]
    # 20:55: the bands still say what the value is, and `occupied` that they do not apply now.
    assert (z1["illuminance_lux"]["band"], z1["illuminance_lux"]["occupied"]) == ("act", False)
    assert (z1["temperature_c"]["band"], z1["temperature_c"]["occupied"]) == ("act", False)
    for instant, occupied in ((MORNING, True), (CHRISTMAS, False)):
        store.write([Reading("kc-main", "z1", "aq-01", instant, {"illuminance_lux": 2.0})])
        z1 = client.get("/api/v1/zones/z1/latest").json()["values"]
        assert z1["illuminance_lux"]["occupied"] is occupied, instant


def test_windows_and_points_say_whether_they_lie_in_occupied_hours(client) -> None:
    client, _ = client
    params = {"quantity": "illuminance_lux", "zone": "z1", "start": "2026-11-24T06:00:00+01:00"}
    params["stop"] = "2026-11-24T21:00:00+01:00"
    hourly = client.get("/api/v1/readings", params={**params, "window": "1h"}).json()["windows"]
    by_hour = {datetime.fromisoformat(w["ts"]).astimezone(STOCKHOLM).hour: w["occupied"] for w in hourly}
    assert by_hour == {h: 8 <= h < 17 for h in range(6, 21)}
    points = client.get("/api/v1/readings", params=params).json()["points"]
    assert sum(p["occupied"] for p in points) == 9 * 12
    assert {p["band"] for p in points} == {"act"}
    # occupied=true keeps the working hours only: 9 hours of 12 readings.
    kept = client.get("/api/v1/readings", params={**params, "window": "1d", "occupied": "true"}).json()["windows"]
    assert [(w["count"], w["occupied"]) for w in kept] == [(9 * 12, True)]
