"""Alerting from the settings: the alert store, the notifiers they configure, and the loop that `serve` runs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from gateway.errors import GatewayError
from gateway.mqtt import BrokerAddress
from gateway.stores.port import ReadingStore
from officewell.alerting.notify import Dispatcher, Notifier, NotifyError
from officewell.alerting.watch import AlertWatch
from officewell.errors import SettingsError
from officewell.settings import Settings
from records.alert_store import SqlAlertStore
from records.alerts import AlertStore
from records.database import default_url
from records.store import RecordsStore
from sensors.site import Site


def alert_store_of(settings: Settings, records: RecordsStore | None = None) -> SqlAlertStore:
    """The alerts in the records database: the records store's engine if open, else the database the settings name.

    Alerts are room data: without the pseudonymisation key (no records store) the database is opened for
    them alone, and migrated.
    """
    if records is not None:
        return SqlAlertStore(records.engine)
    return SqlAlertStore.open(settings.records or default_url(settings.data_dir))


def notifiers_of(settings: Settings, site: Site) -> tuple[Notifier, ...]:
    """The notifiers the settings configure (webhook, e-mail, MQTT), in that order; none by default."""
    found: list[Notifier] = []
    try:
        if settings.alert_webhook_url:
            from officewell.alerting.webhook import WebhookNotifier

            secret = settings.alert_webhook_secret.get_secret_value() if settings.alert_webhook_secret else None
            found.append(WebhookNotifier(settings.alert_webhook_url, secret))
        if settings.alert_smtp_url is not None and settings.alert_email_from:
            from officewell.alerting.mail import SmtpAddress, SmtpNotifier

            address = SmtpAddress.parse(settings.alert_smtp_url.get_secret_value())
            found.append(SmtpNotifier(address, settings.alert_email_from, tuple(settings.alert_email_to)))
        if settings.alert_mqtt:
            from officewell.alerting.mqtt import MqttNotifier, default_topic

            topic = default_topic(site.id) if settings.alert_mqtt == "true" else settings.alert_mqtt
            broker = BrokerAddress.parse(settings.mqtt, ca_file=settings.mqtt_ca_file)
            found.append(MqttNotifier(broker, topic, protocol=settings.mqtt_protocol))
    except (ValueError, NotifyError, GatewayError) as exc:
        raise SettingsError(f"alert notifications: {exc}") from exc
    return tuple(found)


def watch_of(
    settings: Settings,
    site: Site,
    readings: ReadingStore,
    alerts: AlertStore,
    clock: Callable[[], datetime],
) -> AlertWatch:
    """The evaluation loop `serve` runs with the app, handing alerts to the configured notifiers."""
    return AlertWatch(site, readings, alerts, Dispatcher(notifiers_of(settings, site)), clock=clock)
