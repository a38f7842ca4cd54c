"""Two gateways share the load through an MQTT shared subscription; every message is stored once."""

import json
import time
from datetime import UTC, datetime, timedelta

import pytest

from gateway.mqtt import BrokerAddress, make_client
from gateway.outbox import Outbox
from gateway.pipeline import Pipeline
from gateway.service import Gateway, GatewayOptions
from gateway.stores import SQLiteReadingStore

pytestmark = pytest.mark.mosquitto


@pytest.mark.parametrize("protocol", ["3.1.1", "5"])
def test_two_gateways_split_the_messages(mosquitto, example_site, tmp_path, protocol):
    db = tmp_path / "readings.db"
    address = BrokerAddress("127.0.0.1", mosquitto.port)
    gateways = []
    for name in ("a", "b"):
        options = GatewayOptions(client_id=f"gw-{name}", protocol=protocol, share_group="officewell")
        gateways.append(
            Gateway(Pipeline(example_site), SQLiteReadingStore(db), Outbox(tmp_path / f"{name}.db"), address, options)
        )
    for gw in gateways:
        gw.start()
    assert gateways[0].topic_filters() == ["$share/officewell/officewell/kc-main/+/+"]
    publisher = make_client(address)
    publisher.connect("127.0.0.1", mosquitto.port)
    publisher.loop_start()
    t0 = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1)
    n = 2000
    try:
        infos = [
            publisher.publish(
                f"officewell/kc-main/z{1 + i % 12}/aq-{1 + i % 12:02d}",
                json.dumps({"ts": (t0 + timedelta(milliseconds=i)).isoformat(), "co2_ppm": 500 + i % 100}),
                qos=1,
            )
            for i in range(n)
        ]
        for info in infos:
            info.wait_for_publish(30)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and sum(g.stats.received for g in gateways) < n:
            time.sleep(0.05)
        for gw in gateways:
            assert gw.wait_idle(30)
    finally:
        publisher.disconnect()
        publisher.loop_stop()
        for gw in gateways:
            gw.stop()
    shares = [g.stats.received for g in gateways]
    assert sum(shares) == n, shares
    assert min(shares) > n * 0.2, f"both gateways took part: {shares}"
    store = SQLiteReadingStore(db)
    assert store.count("kc-main") == n
    store.close()
