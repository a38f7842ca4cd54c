"""Each notifier against a real receiver the test starts: an HTTP server, an SMTP server (aiosmtpd), Mosquitto."""

from __future__ import annotations

import hashlib
import hmac
import json
import ssl
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.policy import default as email_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from gateway.mqtt import BrokerAddress, make_client
from officewell.alerting.mail import SmtpAddress, SmtpNotifier
from officewell.alerting.mqtt import MqttNotifier, default_topic
from officewell.alerting.notify import AlertNotice, Dispatcher, NotifyError
from officewell.alerting.webhook import SIGNATURE_HEADER, TIMESTAMP_HEADER, WebhookNotifier, shown, signature
from records.alerts import Alert
from tests.conftest import Mosquitto, free_port
from tests.gateway.test_tls import make_certificates

T0 = datetime(2026, 2, 10, 8, 0, tzinfo=UTC)
SECRET = "4f9c2b7e1a3d5f8091c6e2b4a7d3f5e8c1b9a2d4"
ALERT = Alert(7, "z3", "co2_ppm", "high", 1000.0, 1180.0, 1240.0, T0 - timedelta(minutes=10), T0)
RAISED = AlertNotice("raised", "kc-main", ALERT, "Answer group 3", "Europe/Stockholm")


# --- the notice --------------------------------------------------------------------------------


def test_a_notice_in_words_and_as_json():
    assert RAISED.subject() == "[officewell kc-main] CO₂ too high in Answer group 3 (z3): 1180 ppm (limit 1000)"
    text = RAISED.text()
    assert "Beyond since: 2026-02-10 08:50 CET" in text
    assert "Peak: 1240 ppm" in text
    body = json.loads(RAISED.body())
    assert body["event"] == "raised"
    assert body["site"] == "kc-main"
    assert body["alert"]["raised_at"] == "2026-02-10T08:00:00Z"
    assert body["alert"]["cleared_at"] is None
    assert body["alert"]["unit"] == "ppm"
    cleared = AlertNotice("cleared", "kc-main", Alert(**{**ALERT.__dict__, "cleared_at": T0 + timedelta(hours=1)}))
    assert cleared.subject() == "[officewell kc-main] CO₂ back to normal in z3: peak 1240 ppm (limit 1000)"


# --- webhook -----------------------------------------------------------------------------------


class Receiver:
    """An HTTP server on a free loopback port that keeps what is POSTed and answers with the next status."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.statuses: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(receiver.statuses.pop(0) if receiver.statuses else 204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/hooks/officewell?token=abc"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    server.thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()


def test_the_webhook_posts_json_with_a_signature_the_receiver_can_check(receiver: Receiver):
    WebhookNotifier(receiver.url, SECRET, clock=lambda: 1_770_710_400.0).send(RAISED)
    [(headers, body)] = receiver.requests
    assert headers["content-type"] == "application/json"
    assert headers[TIMESTAMP_HEADER.lower()] == "1770710400"
    expected = "sha256=" + hmac.new(SECRET.encode(), b"1770710400." + body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers[SIGNATURE_HEADER.lower()], expected)
    assert signature(SECRET, "1770710400", body) == expected
    assert json.loads(body)["alert"]["id"] == 7


def test_the_webhook_without_a_secret_sends_no_signature(receiver: Receiver):
    WebhookNotifier(receiver.url).send(RAISED)
    [(headers, _body)] = receiver.requests
    assert SIGNATURE_HEADER.lower() not in headers
    assert TIMESTAMP_HEADER.lower() not in headers


def test_a_refusing_or_absent_webhook_is_a_notify_error_without_the_query(receiver: Receiver):
    receiver.statuses = [500]
    with pytest.raises(NotifyError, match="answered 500") as caught:
        WebhookNotifier(receiver.url).send(RAISED)
    assert "token=abc" not in str(caught.value)
    with pytest.raises(NotifyError, match="ConnectError"):
        WebhookNotifier(f"http://127.0.0.1:{free_port()}/x", timeout_s=2).send(RAISED)
    assert shown("https://u:p@hooks.example:8443/a/b?token=x") == "https://hooks.example:8443/…"
    assert shown("https://hooks.slack.com/services/T000/B000/XXXXSECRET") == "https://hooks.slack.com/…"


def test_a_webhook_that_fails_at_first_gets_the_notice_on_a_retry(receiver: Receiver):
    receiver.statuses = [503, 502]
    dispatcher = Dispatcher((WebhookNotifier(receiver.url, SECRET),))
    dispatcher.submit(RAISED, T0)
    assert dispatcher.deliver(T0) == 0
    assert dispatcher.deliver(T0 + timedelta(minutes=1)) == 0
    assert dispatcher.deliver(T0 + timedelta(minutes=2)) == 0  # not due yet: 2 minutes after the second failure
    assert dispatcher.deliver(T0 + timedelta(minutes=3)) == 1
    assert len(receiver.requests) == 3
    assert dispatcher.pending == 0


# --- e-mail ------------------------------------------------------------------------------------


class Mailbox:
    """What an SMTP server received, and the logins it saw."""

    def __init__(self) -> None:
        self.messages: list[Any] = []
        self.logins: list[tuple[bytes, bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope)
        return "250 OK"

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, auth: Any) -> AuthResult:
        if isinstance(auth, LoginPassword):
            self.logins.append((auth.login, auth.password))
            if (auth.login, auth.password) == (b"alerts", b"s3cret pass"):
                return AuthResult(success=True)
        return AuthResult(success=False, handled=False)


def start_smtp(mailbox: Mailbox, **kwargs: Any) -> tuple[Controller, int]:
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    return controller, port


@pytest.fixture
def certificates(tmp_path: Path) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A server context with a certificate for 127.0.0.1 and a client context that trusts its CA."""
    make_certificates(tmp_path)
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(tmp_path / "server.crt", tmp_path / "server.key")
    return server, ssl.create_default_context(cafile=str(tmp_path / "ca.crt"))


def test_smtp_urls():
    assert SmtpAddress.parse("smtp://relay.kommun.example") == SmtpAddress("relay.kommun.example", 25)
    starttls = SmtpAddress.parse("smtp://alerts:p%40ss@mail.example:587?starttls=true")
    assert (starttls.port, starttls.security, starttls.username, starttls.password) == (
        587,
        "starttls",
        "alerts",
        "p@ss",
    )
    assert SmtpAddress.parse("smtps://u:p@mail.example").port == 465
    assert "p@ss" not in repr(starttls)
    with pytest.raises(ValueError, match="unencrypted") as caught:
        SmtpAddress.parse("smtp://alerts:hunter2@mail.example")
    assert "hunter2" not in str(caught.value)
    refused = {
        "http://mail.example": "use smtp://",
        "smtp://": "no host",
        "smtp://h?starttls=maybe": "true or false",
        "smtp://h?tls=1": "unknown SMTP URL parameter",
        "smtp://h:99999": "port",
    }
    for bad, why in refused.items():
        with pytest.raises(ValueError, match=why):
            SmtpAddress.parse(bad)


def test_e_mail_through_a_plain_relay():
    mailbox = Mailbox()
    controller, port = start_smtp(mailbox)
    try:
        notifier = SmtpNotifier(
            SmtpAddress("127.0.0.1", port),
            "officewell@kommun.example",
            ("fastighet@kommun.example", "it@kommun.example"),
        )
        notifier.send(RAISED)
    finally:
        controller.stop()
    [envelope] = mailbox.messages
    assert envelope.mail_from == "officewell@kommun.example"
    assert envelope.rcpt_tos == ["fastighet@kommun.example", "it@kommun.example"]
    message = message_from_bytes(envelope.original_content, policy=email_policy)
    assert message["Subject"] == RAISED.subject()
    assert "Peak: 1240 ppm" in message.get_content()


def test_e_mail_with_starttls_and_a_login(certificates):
    server_tls, client_tls = certificates
    mailbox = Mailbox()
    controller, port = start_smtp(
        mailbox, tls_context=server_tls, require_starttls=True, authenticator=mailbox.authenticate
    )
    try:
        address = SmtpAddress.parse(f"smtp://alerts:s3cret%20pass@127.0.0.1:{port}?starttls=true")
        SmtpNotifier(address, "officewell@kommun.example", ("f@kommun.example",), ssl_context=client_tls).send(RAISED)
        wrong = SmtpAddress.parse(f"smtp://alerts:wrong@127.0.0.1:{port}?starttls=true")
        with pytest.raises(NotifyError, match="SMTPAuthenticationError") as caught:
            SmtpNotifier(wrong, "officewell@kommun.example", ("f@kommun.example",), ssl_context=client_tls).send(RAISED)
        assert "wrong" not in str(caught.value)
        # The system's CAs do not know the test CA: the certificate is refused, nothing is sent.
        with pytest.raises(NotifyError, match="SSLCertVerificationError"):
            SmtpNotifier(address, "officewell@kommun.example", ("f@kommun.example",)).send(RAISED)
    finally:
        controller.stop()
    assert len(mailbox.messages) == 1
    assert mailbox.logins[0] == (b"alerts", b"s3cret pass")


def test_e_mail_over_implicit_tls(certificates):
    server_tls, client_tls = certificates
    mailbox = Mailbox()
    # aiosmtpd does not count TLS from the first byte as TLS for AUTH: the connection is encrypted all the same.
    controller, port = start_smtp(
        mailbox, ssl_context=server_tls, authenticator=mailbox.authenticate, auth_require_tls=False
    )
    try:
        address = SmtpAddress.parse(f"smtps://alerts:s3cret%20pass@127.0.0.1:{port}")
        SmtpNotifier(address, "officewell@kommun.example", ("f@kommun.example",), ssl_context=client_tls).send(RAISED)
    finally:
        controller.stop()
    assert len(mailbox.messages) == 1


def test_no_smtp_server_is_a_notify_error():
    notifier = SmtpNotifier(SmtpAddress("127.0.0.1", free_port()), "a@b.example", ("c@d.example",), timeout_s=2)
    with pytest.raises(NotifyError, match="ConnectionRefusedError"):
        notifier.send(RAISED)


# --- MQTT --------------------------------------------------------------------------------------


@pytest.mark.mosquitto
def test_mqtt_publishes_the_notice_at_qos_1(mosquitto: Mosquitto):
    received: list[mqtt.MQTTMessage] = []
    subscribed = threading.Event()
    listener = make_client(BrokerAddress("127.0.0.1", mosquitto.port), "alerts-listener")
    listener.on_subscribe = lambda *args: subscribed.set()
    listener.on_message = lambda _c, _u, message: received.append(message)
    listener.on_connect = lambda client, *args: client.subscribe(default_topic("kc-main"), qos=1)
    listener.connect("127.0.0.1", mosquitto.port)
    listener.loop_start()
    try:
        assert subscribed.wait(10)
        broker = BrokerAddress.parse(mosquitto.url)
        MqttNotifier(broker, default_topic("kc-main")).send(RAISED)
        deadline = time.monotonic() + 10
        while not received and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        listener.disconnect()
        listener.loop_stop()
    [message] = received
    assert message.topic == "officewell/kc-main/alerts"
    assert message.qos == 1
    assert not message.retain
    assert json.loads(message.payload)["alert"]["zone"] == "z3"


def test_mqtt_without_a_broker_is_a_notify_error():
    broker = BrokerAddress("127.0.0.1", free_port())
    with pytest.raises(NotifyError, match="ConnectionRefusedError"):
        MqttNotifier(broker, "officewell/kc-main/alerts", timeout_s=2).send(RAISED)
