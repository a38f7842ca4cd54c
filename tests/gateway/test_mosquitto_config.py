"""The hardened Mosquitto example configuration works as documented (auth, ACL, persistence)."""

import re
import shutil
import subprocess
import threading
import time
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest

from gateway.mqtt import BrokerAddress, make_client
from tests.conftest import ROOT, free_port, wait_for_port

pytestmark = pytest.mark.mosquitto
DEPLOY = ROOT / "deploy" / "mosquitto"


@pytest.fixture
def hardened(tmp_path: Path):
    passwd = shutil.which("mosquitto_passwd")
    if passwd is None:
        pytest.fail("mosquitto_passwd is not installed: run scripts/install-system-deps.sh")
    port = free_port()
    conf = (DEPLOY / "mosquitto.conf").read_text()
    # Same settings, but a loopback test port without TLS, and files in the test's directory.
    conf = re.sub(r"^listener .*$|^certfile .*$|^keyfile .*$|^tls_version .*$", "", conf, flags=re.M)
    conf = conf.replace("per_listener_settings false", f"per_listener_settings false\nlistener {port} 127.0.0.1")
    conf = conf.replace("/etc/mosquitto/officewell.passwd", str(tmp_path / "passwd"))
    conf = conf.replace("/etc/mosquitto/officewell.acl", str(DEPLOY / "officewell.acl"))
    conf = conf.replace("/var/lib/mosquitto/", f"{tmp_path}/")
    conf = conf.replace("log_dest syslog", "log_dest stderr")
    # Tests may run as root; Mosquitto would then switch to the `mosquitto` user, who cannot read tmp_path.
    conf += "\nuser root\n"
    (tmp_path / "mosquitto.conf").write_text(conf)
    for i, user in enumerate(("gateway", "aq-01", "alerts", "zigbee2mqtt")):
        create = ["-c"] if i == 0 else []
        subprocess.run(
            [passwd, *create, "-b", str(tmp_path / "passwd"), user, f"{user}-secret"], check=True, capture_output=True
        )
    proc = subprocess.Popen(["mosquitto", "-c", str(tmp_path / "mosquitto.conf")], stderr=subprocess.PIPE)
    wait_for_port(port)
    yield port
    proc.terminate()
    proc.wait(10)


def connect(port: int, user: str | None, password: str | None) -> tuple[mqtt.Client, list]:
    address = BrokerAddress("127.0.0.1", port, username=user, password=password)
    client = make_client(address)
    results: list = []
    done = threading.Event()

    def on_connect(_c, _u, _f, reason, _p):  # type: ignore[no-untyped-def]
        results.append(reason)
        done.set()

    client.on_connect = on_connect
    client.connect("127.0.0.1", port)
    client.loop_start()
    done.wait(5)
    return client, results


def test_anonymous_and_wrong_passwords_are_refused(hardened):
    for user, password in ((None, None), ("gateway", "wrong")):
        client, results = connect(hardened, user, password)
        client.loop_stop()
        assert results, "no answer to CONNECT"
        assert results[0].is_failure, results


def test_devices_publish_only_their_own_topic(hardened):
    gateway, results = connect(hardened, "gateway", "gateway-secret")
    assert results
    assert not results[0].is_failure
    received: list[str] = []
    gateway.on_message = lambda _c, _u, msg: received.append(msg.topic)
    gateway.subscribe("$share/officewell/officewell/#", qos=1)
    time.sleep(0.3)
    device, results = connect(hardened, "aq-01", "aq-01-secret")
    assert results
    assert not results[0].is_failure
    device.publish("officewell/kc-main/z1/aq-01", b'{"co2_ppm": 600}', qos=1).wait_for_publish(5)
    device.publish("officewell/kc-main/z2/aq-02", b'{"co2_ppm": 600}', qos=1).wait_for_publish(5)
    time.sleep(0.5)
    for client in (gateway, device):
        client.disconnect()
        client.loop_stop()
    assert received == ["officewell/kc-main/z1/aq-01"], "the device's write to another device's topic is dropped"


def _listen(port: int, user: str, topic: str) -> tuple[mqtt.Client, list[str]]:
    """A client of `user` subscribed to `topic`, once the broker has acknowledged it, and what it receives."""
    client, results = connect(port, user, f"{user}-secret")
    assert results
    assert not results[0].is_failure, results
    received: list[str] = []
    subscribed = threading.Event()
    client.on_message = lambda _c, _u, msg: received.append(msg.topic)
    client.on_subscribe = lambda *_: subscribed.set()
    client.subscribe(topic, qos=1)
    assert subscribed.wait(10), "no SUBACK"
    return client, received


def _arrived(received: list[str], expected: list[str], timeout_s: float = 10.0) -> list[str]:
    """What arrived once the expected topics have (or the time is up), after a moment for anything else."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and not all(t in received for t in expected):
        time.sleep(0.05)
    time.sleep(0.5)  # what should not arrive would be here by now: the broker delivers in order
    return list(received)


def _close(*clients: mqtt.Client) -> None:
    for client in clients:
        client.disconnect()
        client.loop_stop()


def test_alerts_go_from_the_officewell_login_to_the_alert_consumer_only(hardened):
    consumer, to_consumer = _listen(hardened, "alerts", "officewell/#")  # asks for all: gets only what it may read
    gateway, _ = connect(hardened, "gateway", "gateway-secret")
    gateway.publish("officewell/kc-main/alerts", b'{"event": "raised"}', qos=1).wait_for_publish(5)
    device, _ = connect(hardened, "aq-01", "aq-01-secret")
    device.publish("officewell/kc-main/alerts", b'{"event": "forged"}', qos=1).wait_for_publish(5)
    device.publish("officewell/kc-main/z1/aq-01", b'{"co2_ppm": 600}', qos=1).wait_for_publish(5)
    # The consumer cannot pose as a device, nor write an alert itself.
    consumer.publish("officewell/kc-main/z1/aq-01", b'{"co2_ppm": 9999}', qos=1).wait_for_publish(5)
    consumer.publish("officewell/kc-main/alerts", b'{"event": "forged"}', qos=1).wait_for_publish(5)
    arrived = _arrived(to_consumer, ["officewell/kc-main/alerts"])
    _close(consumer, gateway, device)
    assert arrived == ["officewell/kc-main/alerts"], "one alert, from the officewell login; no readings"


def test_a_bridge_publishes_under_its_own_prefix_only(hardened):
    gateway, received = _listen(hardened, "gateway", "#")
    bridge, _ = connect(hardened, "zigbee2mqtt", "zigbee2mqtt-secret")
    bridge.publish("zigbee2mqtt/0x00158d0001a2b3c4", b'{"temperature": 21.5}', qos=1).wait_for_publish(5)
    bridge.publish("officewell/kc-main/z1/aq-01", b'{"co2_ppm": 9999}', qos=1).wait_for_publish(5)
    bridge.publish("officewell/kc-main/alerts", b'{"event": "forged"}', qos=1).wait_for_publish(5)
    arrived = _arrived(received, ["zigbee2mqtt/0x00158d0001a2b3c4"])
    _close(gateway, bridge)
    assert arrived == ["zigbee2mqtt/0x00158d0001a2b3c4"]
