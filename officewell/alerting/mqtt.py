"""The MQTT notifier: publish each notice's JSON to `officewell/<site>/alerts` (or a topic of one's own) at QoS 1.

A connection per notice: alerts are rare, and a broker that went away meanwhile costs nothing. The
notice counts as delivered once the broker acknowledged it (PUBACK); it is not retained.
"""

from __future__ import annotations

import secrets
import threading

from gateway.mqtt import BrokerAddress, ProtocolVersion, make_client
from officewell.alerting.notify import AlertNotice, NotifyError

TIMEOUT_S = 10.0


def default_topic(site: str) -> str:
    """The alerts topic of a site."""
    return f"officewell/{site}/alerts"


class MqttNotifier:
    """Publishes notices to one topic on one broker."""

    name = "mqtt"

    def __init__(
        self, broker: BrokerAddress, topic: str, *, protocol: ProtocolVersion = "3.1.1", timeout_s: float = TIMEOUT_S
    ) -> None:
        """Publish to `topic` on `broker`."""
        self.broker = broker
        self.topic = topic
        self._protocol = protocol
        self._timeout = timeout_s

    def send(self, notice: AlertNotice) -> None:
        """Publish the notice at QoS 1 and wait for the broker's acknowledgement; NotifyError if none comes."""
        where = f"mqtt {self.broker.url()} topic {self.topic}"
        client = make_client(self.broker, f"officewell-alerts-{secrets.token_hex(4)}", self._protocol)
        connected = threading.Event()
        refused: list[str] = []

        def on_connect(_c: object, _u: object, _f: object, reason: object, _p: object = None) -> None:
            if getattr(reason, "is_failure", False):
                refused.append(str(reason))
            connected.set()

        client.on_connect = on_connect
        try:
            client.connect(self.broker.host, self.broker.port, keepalive=30)
        except (OSError, ValueError) as exc:
            raise NotifyError(f"{where}: {exc.__class__.__name__}") from exc
        client.loop_start()
        try:
            if not connected.wait(self._timeout):
                raise NotifyError(f"{where}: no answer to CONNECT within {self._timeout:g} s")
            if refused:
                raise NotifyError(f"{where}: the broker refused the connection ({refused[0]})")
            info = client.publish(self.topic, notice.body(), qos=1)
            info.wait_for_publish(self._timeout)
            if not info.is_published():
                raise NotifyError(f"{where}: no PUBACK within {self._timeout:g} s")
        except (RuntimeError, ValueError) as exc:
            raise NotifyError(f"{where}: {exc.__class__.__name__}: {exc}") from exc
        finally:
            client.disconnect()
            client.loop_stop()
