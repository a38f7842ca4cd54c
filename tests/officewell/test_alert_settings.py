"""The alert settings: what they accept and refuse, the notifiers they build, and the loop `serve` runs."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from api.users import MemoryUserDirectory
from gateway.deadletter_log import MemoryDeadLetterLog
from gateway.stores import MemoryReadingStore
from officewell.alerting.mail import SmtpNotifier
from officewell.alerting.mqtt import MqttNotifier
from officewell.alerting.setup import notifiers_of
from officewell.alerting.watch import AlertWatch
from officewell.alerting.webhook import WebhookNotifier
from officewell.settings import SettingsError, build_settings
from officewell.wiring import services_of
from records.alert_store import SqlAlertStore
from sensors.site import Site

SECRET = secrets.token_hex(20)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    import os

    for key in list(os.environ):
        if key.startswith("OFFICEWELL_"):
            monkeypatch.delenv(key)


def test_no_notifier_by_default(example_site: Site):
    settings = build_settings()
    assert settings.alerts is True
    assert notifiers_of(settings, example_site) == ()


def test_every_notifier_from_the_environment(monkeypatch, example_site: Site):
    monkeypatch.setenv("OFFICEWELL_ALERT_WEBHOOK_URL", "https://hooks.kommun.example/officewell")
    monkeypatch.setenv("OFFICEWELL_ALERT_WEBHOOK_SECRET", SECRET)
    monkeypatch.setenv("OFFICEWELL_ALERT_SMTP_URL", "smtp://alerts:pw@mail.kommun.example:587?starttls=true")
    monkeypatch.setenv("OFFICEWELL_ALERT_EMAIL_FROM", "officewell@kommun.example")
    monkeypatch.setenv("OFFICEWELL_ALERT_EMAIL_TO", "fastighet@kommun.example, it@kommun.example")
    monkeypatch.setenv("OFFICEWELL_ALERT_MQTT", "true")
    monkeypatch.setenv("OFFICEWELL_MQTT", "mqtt://broker.kommun.example:1884")
    webhook, mail, mqtt = notifiers_of(build_settings(), example_site)
    assert isinstance(webhook, WebhookNotifier)
    assert isinstance(mail, SmtpNotifier)
    assert mail.recipients == ("fastighet@kommun.example", "it@kommun.example")
    assert (mail.address.port, mail.address.security) == (587, "starttls")
    assert isinstance(mqtt, MqttNotifier)
    assert mqtt.topic == "officewell/kc-main/alerts"
    assert (mqtt.broker.host, mqtt.broker.port) == ("broker.kommun.example", 1884)


@pytest.mark.parametrize(
    ("value", "topic"), [("false", None), ("0", None), ("on", "true"), ("site/alarms", "site/alarms")]
)
def test_alert_mqtt_is_a_flag_or_a_topic(monkeypatch, value: str, topic: str | None):
    monkeypatch.setenv("OFFICEWELL_ALERT_MQTT", value)
    assert build_settings().alert_mqtt == topic


@pytest.mark.parametrize(
    ("variables", "why"),
    [
        ({"OFFICEWELL_ALERT_MQTT": "officewell/+/alerts"}, "no \\+ or #"),
        ({"OFFICEWELL_ALERT_WEBHOOK_URL": "ftp://example/x"}, "alert_webhook_url"),
        ({"OFFICEWELL_ALERT_WEBHOOK_URL": "https://h.example/x", "OFFICEWELL_ALERT_WEBHOOK_SECRET": "short"}, "unsafe"),
        ({"OFFICEWELL_ALERT_WEBHOOK_SECRET": SECRET}, "WEBHOOK_URL is not"),
        ({"OFFICEWELL_ALERT_SMTP_URL": "smtp://mail.example"}, "OFFICEWELL_ALERT_EMAIL_FROM"),
        (
            {
                "OFFICEWELL_ALERT_SMTP_URL": "smtp://u:hunter2@mail.example",
                "OFFICEWELL_ALERT_EMAIL_FROM": "a@b.example",
                "OFFICEWELL_ALERT_EMAIL_TO": "c@d.example",
            },
            "unencrypted",
        ),
        ({"OFFICEWELL_ALERT_EMAIL_TO": "not an address"}, "not an e-mail address"),
    ],
)
def test_bad_alert_settings_are_refused_with_a_reason(monkeypatch, variables: dict[str, str], why: str):
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=why) as caught:
        build_settings()
    assert "hunter2" not in str(caught.value)


def test_serve_runs_the_loop_on_the_records_database_unless_turned_off(monkeypatch, tmp_path: Path, example_site):
    monkeypatch.setenv("OFFICEWELL_SECRET_KEY", SECRET)
    settings = build_settings(data_dir=tmp_path)
    settings.outbox_path.parent.mkdir(parents=True)
    parts = {"users": MemoryUserDirectory(), "dead_letters": MemoryDeadLetterLog()}
    services = services_of(settings, example_site, MemoryReadingStore(), **parts)
    assert isinstance(services.alerts, SqlAlertStore)
    assert (tmp_path / "records.db").exists()  # alerts are room data: no pseudonymisation key needed
    [watch] = services.background
    assert isinstance(watch, AlertWatch)
    assert watch.alerts is services.alerts
    services.alerts.close()
    monkeypatch.setenv("OFFICEWELL_ALERTS", "false")
    quiet = services_of(build_settings(data_dir=tmp_path), example_site, MemoryReadingStore(), **parts)
    assert quiet.background == ()
    assert quiet.alerts is not None  # the routes still list and acknowledge
    quiet.alerts.close()
