"""Response models of the site's devices."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

DeviceState = Literal["reporting", "stale", "never_heard", "unknown"]


class DevicePublic(BaseModel):
    """A device of the site file: where it sits, how it reports, and when the gateway last heard it."""

    id: str
    zone: str
    zone_name: str
    format: str = Field(description="the decoder that reads its messages (sensors.decoders), e.g. native, zigbee2mqtt")
    interval_s: float = Field(description="how often it reports, per the site file")
    status: DeviceState = Field(
        description="stale: nothing for more than three intervals; unknown: this server has no gateway status"
    )
    first_seen: datetime | None
    last_seen: datetime | None
    messages: int | None
    battery_pct: float | None
