"""MQTT connection settings from a URL, and paho-mqtt 2.x clients built from them."""

from __future__ import annotations

import ssl
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlsplit

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from gateway.errors import GatewayError

ProtocolVersion = Literal["3.1.1", "5"]


@dataclass(frozen=True)
class BrokerAddress:
    """Where the broker is and how to log in (contracts §7: `mqtt://[user:pass@]host[:port]`, `mqtts://`)."""

    host: str
    port: int
    tls: bool = False
    username: str | None = None
    password: str | None = None
    ca_file: Path | None = None

    @classmethod
    def parse(cls, url: str, ca_file: Path | None = None) -> BrokerAddress:
        """Parse an MQTT URL; raise GatewayError naming what is wrong."""
        parts = urlsplit(url)
        if parts.scheme not in ("mqtt", "mqtts"):
            raise GatewayError(f"MQTT URL {url!r}: scheme must be mqtt:// or mqtts://")
        if not parts.hostname:
            raise GatewayError(f"MQTT URL {url!r}: no host")
        tls = parts.scheme == "mqtts"
        try:
            port = parts.port or (8883 if tls else 1883)
        except ValueError as exc:
            raise GatewayError(f"MQTT URL {url!r}: bad port") from exc
        return cls(
            parts.hostname,
            port,
            tls,
            unquote(parts.username) if parts.username else None,
            unquote(parts.password) if parts.password else None,
            ca_file,
        )

    def url(self) -> str:
        """The URL without the password, for logs and demo.json."""
        user = f"{self.username}@" if self.username else ""
        return f"{'mqtts' if self.tls else 'mqtt'}://{user}{self.host}:{self.port}"


def make_client(
    address: BrokerAddress,
    client_id: str | None = None,
    protocol: ProtocolVersion = "3.1.1",
    *,
    clean_session: bool = True,
) -> mqtt.Client:
    """A paho-mqtt 2.x client (callback API v2) configured for the broker; not yet connected."""
    client_id = client_id or f"officewell-{uuid.uuid4().hex[:12]}"
    if protocol == "5":
        client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5)
    else:
        client = mqtt.Client(
            CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv311, clean_session=clean_session
        )
    if address.username:
        client.username_pw_set(address.username, address.password)
    if address.tls:
        context = ssl.create_default_context(cafile=str(address.ca_file) if address.ca_file else None)
        client.tls_set_context(context)
    client.reconnect_delay_set(min_delay=1, max_delay=30)
    return client
