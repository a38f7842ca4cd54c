"""Response models of the API (pydantic), one per thing a client reads.

As in the FastAPI full-stack template, a `…Base` holds the fields several shapes share and a `…Public`
is what a route answers. Dates are ISO dates, instants RFC 3339 with an offset, missing numbers null.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, Field

from api.problems import Problem
from api.security import Area
from models.goals import iso_week
from sensors.quantities import Band

# ----- errors, login, health ---------------------------------------------------------------------


# Errors are RFC 9457 problem details (api/problems.py); the old name stays for code that still declares it.
ErrorPublic = Problem


class MePublic(BaseModel):
    """The logged-in user, the role, and the parts of the API the role may see."""

    username: str
    role: str
    areas: list[Area]


class TokenPublic(MePublic):
    """The OAuth2 token response, plus who logged in."""

    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth2 token type, not a secret
    expires_in: int = Field(description="seconds until the token expires (RFC 6749 §5.1)")


class GatewayHealthPublic(BaseModel):
    """The counters of the gateway running in this process."""

    connected: bool
    received: int
    readings_committed: int
    dead_letters: int
    outbox_depth: int
    outbox_full: bool
    store_error: str | None
    threads_alive: bool


class HealthPublic(BaseModel):
    """Liveness: "degraded" (with a 503) when a gateway in this process stopped taking messages."""

    status: Literal["ok", "degraded"]
    site: str
    gateway: GatewayHealthPublic | None = None


# ----- the site, its zones and the quantity table ------------------------------------------------


class BandBase(BaseModel):
    """A stretch [low, high] of a quantity's values and its comfort band; null = unbounded."""

    band: Band
    low: float | None
    high: float | None


class BandPublic(BandBase):
    """One band row of the quantity table; `months` empty = all year."""

    months: list[int]


class BandRangePublic(BandBase):
    """A piece of the value axis between two limits in force, with the band its values get: a chart's area."""


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
    current_bands: list[BandPublic] = Field(description="the band rows in force in the site's current month")


class WorkingHoursPublic(BaseModel):
    """When the site is occupied, in its local time."""

    start: str
    end: str
    days: list[int]


class IsoWeekPublic(BaseModel):
    """An ISO week of the site's calendar: its label ("2026-W03", ISO year) and its Monday to Sunday."""

    week: str = Field(examples=["2026-W03"])
    start: date
    end: date

    @classmethod
    def containing(cls, day: date) -> IsoWeekPublic:
        """The ISO week a day lies in."""
        monday = day - timedelta(days=day.weekday())
        return cls(week=iso_week(day), start=monday, end=monday + timedelta(days=6))


class SitePublic(BaseModel):
    """The site: name, time zone, working hours, and its calendar now (local date and ISO week)."""

    id: str
    name: str
    timezone: str
    working_hours: WorkingHoursPublic
    today: date = Field(description="today's date in the site's local time")
    current_week: IsoWeekPublic = Field(description="the ISO week holding today (site time)")


class ZonePublic(BaseModel):
    """A zone of the site."""

    id: str
    name: str
    kind: str
    teams: list[str]
    devices: list[str]


# ----- readings ----------------------------------------------------------------------------------


class ValueBase(BaseModel):
    """A measured value, when and by which device, and its band (by the site-local month)."""

    ts: datetime
    device: str
    value: float
    band: Band | None = Field(description="comfort band by the quantity table; null: the quantity has none")
    occupied: bool = Field(
        description="taken in the site's occupied hours (working hours on a working day, not a public holiday): "
        "the comfort bands apply to those only; outside them the value is shown as unoccupied, not as a fault"
    )


class LatestValuePublic(ValueBase):
    """The newest value of a quantity in a zone, with its comfort band."""

    unit: str


class ZoneLatestPublic(BaseModel):
    """A zone's newest values by quantity key."""

    zone: str
    name: str
    values: dict[str, LatestValuePublic]


class PointPublic(ValueBase):
    """A raw value."""

    zone: str


class WindowPublic(BaseModel):
    """An aggregation window of one zone, labelled by its start; `band` is the band of its mean."""

    ts: datetime
    zone: str
    mean: float
    min: float
    max: float
    count: int
    band: Band | None
    occupied: bool = Field(description="the window overlaps the site's occupied hours, where the bands apply")
    percentiles: dict[str, float] | None = Field(
        None, description='asked percentiles by name on the 0–100 scale: "p95", "p0.5", "p99.9"'
    )


class ReadingsPublic(BaseModel):
    """Readings of one quantity over a period: raw points, or windows when a window was asked for.

    `limits` and `band_ranges` are the quantity's bands in force in the site-local month of `stop`,
    for drawing thresholds and coloured areas.
    """

    quantity: str
    unit: str
    start: datetime
    stop: datetime
    window_s: float | None
    limits: list[float]
    band_ranges: list[BandRangePublic]
    points: list[PointPublic] | None = None
    windows: list[WindowPublic] | None = None


# ----- the gateway -------------------------------------------------------------------------------


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
    """A page of dead letters, newest first: like every list of the API, `items` with `total`, `limit` and `offset`."""

    total: int
    limit: int
    offset: int
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
    battery_low: bool
    problems: list[str]


# ----- goals -------------------------------------------------------------------------------------


class AnswerRateBase(BaseModel):
    """Calls offered and answered, the answer rate (null without calls) and how it stands against the target."""

    offered: int
    answered: int
    answer_rate: float | None
    met: bool | None = Field(description="null when nothing was offered")
    gap_pp: float | None = Field(description="100 · (rate − target): negative below target")


class WeekRatePublic(AnswerRateBase):
    """One ISO week of an answer group ("total" = the centre)."""

    week: str = Field(examples=["2026-W03"])
    week_start: date
    team: str


class WeeklyAnswerRatePublic(BaseModel):
    """The weekly answer rate over start..end; `calendar` lists every ISO week of the period, with or without calls."""

    target: float
    start: date
    end: date
    calendar: list[IsoWeekPublic]
    weeks: list[WeekRatePublic]


class NkiScoreBase(BaseModel):
    """A response-weighted NKI score of a team ("total" = the centre) and dimension against its target."""

    team: str
    dimension: str
    score: float | None
    responses: int
    target: float | None = Field(description="null: no target for this dimension")
    met: bool | None
    gap: float | None


class NkiResultPublic(NkiScoreBase):
    """NKI of one survey period."""

    period_start: date
    period_end: date


class NkiPublic(BaseModel):
    """NKI per period, team and dimension, and the targets (by dimension) they are measured against."""

    targets: dict[str, float]
    results: list[NkiResultPublic]


class PeriodRatePublic(AnswerRateBase):
    """The centre's answer rate over a period of days."""

    start: date
    end: date


class TertialRatePublic(PeriodRatePublic):
    """The centre (or a team) in one tertial, with the weeks that met the target."""

    tertial: str = Field(examples=["2026-T1"])
    weeks: int
    weeks_met: int
    weeks_met_share: float | None


class TertialTeamRatePublic(TertialRatePublic):
    """An answer group in one tertial."""

    team: str


class TertialWeekPublic(WeekRatePublic):
    """An ISO week of the year, with the tertial that holds its Thursday."""

    tertial: str


class TertialNkiPublic(NkiScoreBase):
    """NKI of a tertial, response-weighted over its periods."""

    tertial: str


class TertialReportPublic(BaseModel):
    """The tertial report of a year (T1 Jan–Apr, T2 May–Aug, T3 Sep–Dec) and the centre's whole year so far."""

    year: int
    target_answer_rate: float
    nki_targets: dict[str, float]
    year_total: PeriodRatePublic
    centre: list[TertialRatePublic]
    teams: list[TertialTeamRatePublic]
    weeks: list[TertialWeekPublic]
    nki: list[TertialNkiPublic]
    notes: list[str]
