"""The gateway against a real Mosquitto: messages flow into the store; bad ones are dead letters."""

import json
import time
from datetime import UTC, datetime, timedelta

import paho.mqtt.client as mqtt
import pytest

from gateway.mqtt import BrokerAddress, make_client
from gateway.outbox import Outbox
from gateway.pipeline import Pipeline
from gateway.service import Gateway, GatewayOptions
from gateway.stores import SQLiteReadingStore

pytestmark = pytest.mark.mosquitto


@pytest.fixture
def running(mosquitto, example_site, tmp_path):
    store = SQLiteReadingStore(tmp_path / "readings.db")
    outbox = Outbox(tmp_path / "outbox.db")
    letters = outbox.dead_letters
    gateway = Gateway(
        Pipeline(example_site),
        store,
        outbox,
        BrokerAddress("127.0.0.1", mosquitto.port),
        GatewayOptions(persistent_session=False),
    )
    gateway.start()
    publisher = make_client(BrokerAddress("127.0.0.1", mosquitto.port))
    publisher.connect("127.0.0.1", mosquitto.port)
    publisher.loop_start()
    yield gateway, store, letters, publisher
    publisher.disconnect()
    publisher.loop_stop()
    gateway.stop()
    store.close()


def publish_all(client: mqtt.Client, messages: list[tuple[str, bytes]]) -> None:
    infos = [client.publish(topic, payload, qos=1) for topic, payload in messages]
    for info in infos:
        info.wait_for_publish(10)


def test_valid_and_invalid_messages_all_accounted_for(running):
    gateway, store, letters, publisher = running
    now = datetime.now(UTC).replace(microsecond=0)
    good = [
        (
            f"officewell/kc-main/z{1 + i % 12}/aq-{1 + i % 12:02d}",
            json.dumps({"ts": (now - timedelta(seconds=i)).isoformat(), "co2_ppm": 500 + i}).encode(),
        )
        for i in range(300)
    ]
    bad = [
        ("officewell/kc-main/z1/aq-01", b"{broken"),
        ("officewell/kc-main/z1/aq-01", b"\xff\xfe"),
        ("officewell/kc-main/z1/aq-01", b'{"co2_ppm": 1e9}'),
        ("officewell/kc-main/zz/aq-01", b'{"co2_ppm": 500}'),
        ("officewell/kc-main/z1/aq-01", b"x" * 20_000),
    ]
    # Interleave: bad messages must not block the good ones behind them.
    publish_all(publisher, bad[:2] + good[:150] + bad[2:] + good[150:])
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and (store.count("kc-main") < 300 or letters.count() < 5):
        time.sleep(0.05)
    assert store.count("kc-main") == 300
    assert letters.count() == 5
    reasons = " | ".join(s.letter.reason for s in letters.recent())
    for expected in ("not valid JSON", "not UTF-8", "outside the plausible range", "unknown zone", "16384-byte"):
        assert expected in reasons
    assert gateway.stats.received == 305
    values = store.series("kc-main", "co2_ppm", now - timedelta(hours=1), now + timedelta(minutes=1))["value"]
    assert sorted(values.tolist()) == [500.0 + i for i in range(300)]


def test_redelivered_messages_are_stored_once(running):
    _, store, _, publisher = running
    payload = json.dumps({"ts": datetime.now(UTC).isoformat(), "seq": 7, "co2_ppm": 777}).encode()
    publish_all(publisher, [("officewell/kc-main/z2/aq-02", payload)] * 3)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and store.count("kc-main") < 1:
        time.sleep(0.05)
    time.sleep(0.5)
    assert store.count("kc-main") == 1
