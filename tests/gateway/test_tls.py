"""The gateway over mqtts:// with a private CA and a username/password, against a real Mosquitto."""

import json
import shutil
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from gateway.mqtt import BrokerAddress, make_client
from gateway.outbox import Outbox
from gateway.pipeline import Pipeline
from gateway.service import Gateway, GatewayOptions
from gateway.stores import SQLiteReadingStore
from tests.conftest import free_port, wait_for_port

pytestmark = pytest.mark.mosquitto


def make_certificates(directory: Path) -> None:
    """A private CA and a server certificate for 127.0.0.1, made with openssl."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.fail("openssl is not installed (Debian package openssl)")

    def run(*args: str) -> None:
        subprocess.run([openssl, *args], cwd=directory, check=True, capture_output=True)

    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=officewell test CA",
        "-keyout", "ca.key", "-out", "ca.crt")  # fmt: skip
    run("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", "server.key",
        "-out", "server.csr")  # fmt: skip
    (directory / "san.ext").write_text("subjectAltName = IP:127.0.0.1, DNS:localhost\n")
    run("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
        "-extfile", "san.ext", "-out", "server.crt")  # fmt: skip


@pytest.fixture
def tls_broker(tmp_path: Path):
    make_certificates(tmp_path)
    subprocess.run(["mosquitto_passwd", "-c", "-b", str(tmp_path / "passwd"), "gateway", "gw-secret"], check=True)
    port = free_port()
    (tmp_path / "mosquitto.conf").write_text(
        f"listener {port} 127.0.0.1\ncafile {tmp_path}/ca.crt\ncertfile {tmp_path}/server.crt\n"
        f"keyfile {tmp_path}/server.key\ntls_version tlsv1.2\nallow_anonymous false\n"
        f"password_file {tmp_path}/passwd\nuser root\nlog_dest stderr\n"
    )
    proc = subprocess.Popen(["mosquitto", "-c", str(tmp_path / "mosquitto.conf")], stderr=subprocess.PIPE)
    wait_for_port(port)
    yield port, tmp_path / "ca.crt"
    proc.terminate()
    proc.wait(10)


def test_gateway_over_tls_with_a_password(tls_broker, example_site, tmp_path):
    port, ca = tls_broker
    address = BrokerAddress.parse(f"mqtts://gateway:gw-secret@127.0.0.1:{port}", ca_file=ca)
    assert address.tls
    assert address.url() == f"mqtts://gateway@127.0.0.1:{port}"
    store = SQLiteReadingStore(tmp_path / "readings.db")
    gateway = Gateway(Pipeline(example_site), store, Outbox(tmp_path / "outbox.db"), address,
                      GatewayOptions(persistent_session=False))  # fmt: skip
    gateway.start()
    publisher = make_client(address)
    publisher.connect("127.0.0.1", port)
    publisher.loop_start()
    try:
        body = json.dumps({"ts": datetime.now(UTC).isoformat(), "co2_ppm": 640})
        publisher.publish("officewell/kc-main/z1/aq-01", body, qos=1).wait_for_publish(10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and store.count("kc-main") < 1:
            time.sleep(0.05)
        assert store.latest("kc-main")[0].value == 640.0
    finally:
        publisher.disconnect()
        publisher.loop_stop()
        gateway.stop()


def test_an_untrusted_broker_certificate_is_refused(tls_broker, example_site, tmp_path):
    port, _ = tls_broker
    # Without the private CA the system trust store cannot verify the broker: no connection, no data.
    address = BrokerAddress.parse(f"mqtts://gateway:gw-secret@127.0.0.1:{port}")
    gateway = Gateway(Pipeline(example_site), SQLiteReadingStore(tmp_path / "r.db"), Outbox(tmp_path / "o.db"),
                      address, GatewayOptions(persistent_session=False))  # fmt: skip
    with pytest.raises(ConnectionError, match="no subscription"):
        gateway.start(wait_s=3)
