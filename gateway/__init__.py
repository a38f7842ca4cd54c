"""MQTT gateways: decode and validate readings, store them, dead-letter what cannot be stored.

The errors and the dead letters load with the package; the rest (paho, pydantic, the stores' pandas)
loads on first use. The reading stores are `gateway.stores`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import lazy_loader

from gateway.deadletter import DeadLetter
from gateway.deadletter_log import DeadLetterLog, MemoryDeadLetterLog, SQLiteDeadLetterLog
from gateway.errors import (
    GatewayConfigError,
    GatewayError,
    InvalidRequestError,
    LineProtocolError,
    OutboxFullError,
    StoreQueryError,
    StoreRejectedError,
    StoreUnavailableError,
    StoreURLError,
)

if TYPE_CHECKING:
    from gateway.device_status import DeviceStatus, DeviceStatusLog, MemoryDeviceStatus, SQLiteDeviceStatus
    from gateway.flusher import Flusher
    from gateway.metrics import GatewayMetrics
    from gateway.mqtt import BrokerAddress, make_client
    from gateway.outbox import Outbox
    from gateway.pipeline import MAX_PAYLOAD_BYTES, DeviceSeen, Limits, Pipeline
    from gateway.service import Gateway, GatewayOptions

# The heavier modules load the first time one of their public names is asked for.
__getattr__, _, _ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "device_status": ["DeviceStatus", "DeviceStatusLog", "MemoryDeviceStatus", "SQLiteDeviceStatus"],
        "flusher": ["Flusher"],
        "metrics": ["GatewayMetrics"],
        "mqtt": ["BrokerAddress", "make_client"],
        "outbox": ["Outbox"],
        "pipeline": ["MAX_PAYLOAD_BYTES", "DeviceSeen", "Limits", "Pipeline"],
        "service": ["Gateway", "GatewayOptions"],
    },
)


__all__ = [
    "MAX_PAYLOAD_BYTES",
    "BrokerAddress",
    "DeadLetter",
    "DeadLetterLog",
    "DeviceSeen",
    "DeviceStatus",
    "DeviceStatusLog",
    "Flusher",
    "Gateway",
    "GatewayConfigError",
    "GatewayError",
    "GatewayMetrics",
    "GatewayOptions",
    "InvalidRequestError",
    "Limits",
    "LineProtocolError",
    "MemoryDeadLetterLog",
    "MemoryDeviceStatus",
    "Outbox",
    "OutboxFullError",
    "Pipeline",
    "SQLiteDeadLetterLog",
    "SQLiteDeviceStatus",
    "StoreQueryError",
    "StoreRejectedError",
    "StoreURLError",
    "StoreUnavailableError",
    "make_client",
]
