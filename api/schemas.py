"""Response models of the API (pydantic), one per thing a client reads."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class TokenPublic(BaseModel):
    """The OAuth2 token response, plus who logged in."""

    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth2 token type, not a secret
    username: str
    role: str


class MePublic(BaseModel):
    """The logged-in user."""

    username: str
    role: str


class BandPublic(BaseModel):
    """One band row of a quantity."""

    band: str
    low: float | None
    high: float | None
    months: list[int]


class QuantityPublic(BaseModel):
    """A quantity of the table, for labels, units and legends."""

    key: str
    label: str
    unit: str
    minimum: float
    maximum: float
    reference: str
    optional: bool
    decimals: int
    bands: list[BandPublic]


class WorkingHoursPublic(BaseModel):
    """When the site is occupied, in its local time."""

    start: str
    end: str
    days: list[int]


class SitePublic(BaseModel):
    """The site: name, time zone and working hours."""

    id: str
    name: str
    timezone: str
    working_hours: WorkingHoursPublic


class ZonePublic(BaseModel):
    """A zone of the site."""

    id: str
    name: str
    kind: str
    teams: list[str]
    devices: list[str]


class LatestValuePublic(BaseModel):
    """The newest value of a quantity in a zone, with its comfort band."""

    value: float
    unit: str
    ts: datetime
    device: str
    band: str | None


class ZoneLatestPublic(BaseModel):
    """A zone's newest values by quantity key."""

    zone: str
    name: str
    values: dict[str, LatestValuePublic]


class PointPublic(BaseModel):
    """A raw value."""

    ts: datetime
    zone: str
    device: str
    value: float


class WindowPublic(BaseModel):
    """An aggregation window of one zone."""

    ts: datetime
    zone: str
    mean: float
    min: float
    max: float
    count: int
    percentiles: dict[str, float] | None = None


class ReadingsPublic(BaseModel):
    """Readings of one quantity over a period: raw points, or windows when a window was asked for."""

    quantity: str
    unit: str
    start: datetime
    stop: datetime
    window_s: float | None
    points: list[PointPublic] | None = None
    windows: list[WindowPublic] | None = None


class DeadLetterPublic(BaseModel):
    """A rejected message and the reason."""

    id: int
    received_at: datetime
    topic: str
    reason: str
    partial: bool
    payload: str
    payload_size: int


class DeadLettersPublic(BaseModel):
    """A page of dead letters, newest first."""

    total: int
    items: list[DeadLetterPublic]


class SensorHealthPublic(BaseModel):
    """One device's health: last seen, rate, stale, flat-lined quantities, CO2 drift, battery."""

    device: str
    zone: str
    format: str
    status: str
    last_seen: datetime | None
    messages_per_hour: float
    expected_per_hour: float
    stale: bool
    flatlined: list[str]
    co2_baseline_ppm: float | None
    co2_drift: str | None
    battery_pct: float | None
    problems: list[str]
