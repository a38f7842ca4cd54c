"""Real office data (UCI Occupancy Detection) replayed through Mosquitto, checked through the API."""

import time
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
from fastapi.testclient import TestClient

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
from models.occupancy import OccupiedHours
from sensors.site import load_site
from tests.conftest import ROOT, UCI_DIR
from tests.support.uci import COLUMNS, load_uci, native_messages, whole_weeks_to

pytestmark = pytest.mark.mosquitto


def test_replayed_office_data_matches_the_file(mosquitto, tmp_path):
    if not UCI_DIR.exists():
        pytest.fail(f"the shared data set is missing: {UCI_DIR}")
    site = load_site(ROOT / "tests" / "fixtures" / "uci_site.toml")
    data = load_uci(UCI_DIR)
    assert len(data) == 20_560
    now = pd.Timestamp(datetime.now(UTC))
    shift = whole_weeks_to(data, now - pd.Timedelta(hours=1))
    messages = native_messages(data, shift, "mons", "office", "uci-room")

    store = SQLiteReadingStore(tmp_path / "readings.db")
    outbox = Outbox(tmp_path / "outbox.db")
    letters = outbox.dead_letters
    gateway = Gateway(
        Pipeline(site),
        store,
        outbox,
        BrokerAddress("127.0.0.1", mosquitto.port),
        GatewayOptions(persistent_session=False),
    )
    gateway.start()
    publisher = make_client(BrokerAddress("127.0.0.1", mosquitto.port))
    publisher.max_inflight_messages_set(1000)
    publisher.max_queued_messages_set(0)
    publisher.connect("127.0.0.1", mosquitto.port)
    publisher.loop_start()
    try:
        infos = [publisher.publish(topic, payload, qos=1) for topic, payload in messages]
        for info in infos:
            info.wait_for_publish(60)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and store.count("mons") < len(data):
            time.sleep(0.1)
    finally:
        publisher.disconnect()
        publisher.loop_stop()
        gateway.stop()
    assert letters.count() == 0, [s.letter.reason for s in letters.recent(5)]
    assert store.count("mons") == len(data)

    users = MemoryUserDirectory()
    users.add("fm", Role.FACILITIES, "facilities-pass")
    client = TestClient(create_app(Services(site, store, letters, users, TokenSigner("u" * 40))))
    token = client.post("/api/v1/auth/token", data={"username": "fm", "password": "facilities-pass"}).json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    start = (data["ts"].min() + shift).floor("h")
    stop = data["ts"].max() + shift + pd.Timedelta(minutes=1)
    shifted = data.assign(hour=(data["ts"] + shift).dt.floor("h"))
    for quantity in COLUMNS.values():
        body = client.get(
            "/api/v1/readings",
            headers=headers,
            params={
                "quantity": quantity,
                "zone": "office",
                "window": "1h",
                "start": start.isoformat(),
                "stop": stop.isoformat(),
            },
        ).json()
        got = pd.DataFrame(body["windows"])
        got["ts"] = pd.to_datetime(got["ts"], utc=True)
        expected = shifted.groupby("hour")[quantity].agg(["mean", "min", "max", "count"]).reset_index()
        assert got["count"].sum() == len(data)
        assert got["ts"].tolist() == expected["hour"].tolist()
        assert got["count"].tolist() == expected["count"].tolist()
        assert got["mean"].to_numpy() == pytest.approx(expected["mean"].to_numpy(), rel=1e-9)
        assert got["max"].to_numpy() == pytest.approx(expected["max"].to_numpy(), rel=1e-12)

    # Occupied hours only (the site's 08:00-17:00 on weekdays, Belgian time), with the 95th percentile.
    shifted_ts = data["ts"] + shift
    hours = site.site.working_hours
    in_hours = OccupiedHours(site.site.tz, hours.start, hours.end, tuple(hours.days)).at(shifted_ts)
    body = client.get(
        "/api/v1/readings",
        headers=headers,
        params={
            "quantity": "co2_ppm",
            "window": "1h",
            "occupied": "true",
            "percentile": [95],
            "start": start.isoformat(),
            "stop": stop.isoformat(),
        },
    ).json()
    got = pd.DataFrame(body["windows"])
    expected = shifted[in_hours.to_numpy()].groupby("hour")["co2_ppm"]
    assert got["count"].sum() == int(in_hours.sum())
    assert got["count"].tolist() == expected.count().tolist()
    assert [w["percentiles"]["p95"] for w in body["windows"]] == pytest.approx(expected.quantile(0.95).tolist())

    # The newest values are the file's last row.
    latest = client.get("/api/v1/zones/office/latest", headers=headers).json()["values"]
    last = data.iloc[-1]
    assert latest["co2_ppm"]["value"] == pytest.approx(last["co2_ppm"])
    assert latest["illuminance_lux"]["ts"].startswith((last["ts"] + shift).strftime("%Y-%m-%dT%H:%M"))
    store.close()
    assert timedelta(days=7) <= shift
