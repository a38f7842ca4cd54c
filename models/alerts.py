"""Environment alerts: the rules as data, and a state machine per zone and rule that raises and clears them.

**Thresholds** come from the quantity table (`sensors/quantities.py`): a value beyond the edge of the
*acceptable* band in force in the site-local month is in the ACT band, and that edge is the action level
(CO₂ 1000 ppm, sound 55 dB(A) — AFS 2005:16's action level —, illuminance 300 lx, temperature 20 and
24 °C in the heating season, 20 and 26 °C in summer, …). A quantity without bands has no rule.

**Hysteresis.** An alert is raised once every sample of a run lies beyond the threshold (above it for a
`high` rule, below it for a `low` one such as light) for at least `raise_after`, and cleared once every
sample of a run lies back by more than the deadband (below threshold − deadband for `high`, above
threshold + deadband for `low`) for at least `clear_after`. A value between the threshold and the deadband
neither raises nor clears, so a value hovering at the threshold does not flap.

**Occupied hours.** The bands are for people at work: a run towards raising counts only samples taken in
occupied hours (a dark office at night is no alert). Clearing counts every sample: CO₂ falling after
the working day clears its alert, a dark room stays open until the morning's light clears it.

**Stale data neither raises nor clears.** A gap longer than `stale_after` between two samples (or from
the last sample to now, `expire`) ends the run under way: nothing is known about the gap, so it cannot
count towards "beyond for 10 minutes" nor towards "back for 10 minutes". An open alert stays open while
its sensor is silent: the room may still be bad, and sensor health reports the silent device.

Samples must come in time order; one not later than the last is ignored. Pure: no clock, no I/O.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Literal

from sensors.quantities import QUANTITIES, Band

Side = Literal["high", "low"]  # high: too high is bad (CO₂, sound); low: too low is bad (light)
SIDES: tuple[Side, ...] = ("high", "low")
STALE_AFTER = timedelta(minutes=10)  # no sample for this long: the run under way ends (ten missed minutes)


@dataclass(frozen=True)
class AlertRule:
    """One rule: a quantity, the side that is bad, the deadband (in the quantity's unit) and the two durations."""

    quantity: str
    side: Side
    deadband: float
    raise_after: timedelta
    clear_after: timedelta
    why: str = ""

    @property
    def key(self) -> str:
        """The rule's name, e.g. `co2_ppm:high`."""
        return f"{self.quantity}:{self.side}"

    def threshold(self, month: int) -> float | None:
        """The action level in a month (1–12): the acceptable band's edge on this side; None without one."""
        rows = [
            b
            for b in QUANTITIES[self.quantity].bands
            if b.band is Band.ACCEPTABLE and (not b.months or month in b.months)
        ]
        edges = [b.high if self.side == "high" else b.low for b in rows]
        finite = [e for e in edges if math.isfinite(e)]
        if not finite:
            return None
        return max(finite) if self.side == "high" else min(finite)

    def beyond(self, value: float, threshold: float) -> bool:
        """Whether a value is past the action level (in the ACT band on this side)."""
        return value > threshold if self.side == "high" else value < threshold

    def back(self, value: float, threshold: float) -> bool:
        """Whether a value is back by more than the deadband, so that it counts towards clearing."""
        if self.side == "high":
            return value < threshold - self.deadband
        return value > threshold + self.deadband

    def worse(self, value: float, than: float) -> bool:
        """Whether `value` is further on the bad side than `than` (a new peak)."""
        return value > than if self.side == "high" else value < than


def _minutes(n: int) -> timedelta:
    return timedelta(minutes=n)


# One row per quantity with bands and side that can be bad. Deadbands are a little above what a typical
# sensor resolves and its noise (CO₂ ±30–50 ppm, temperature ±0.3 °C, humidity ±2–3 %RH), so noise alone
# cannot clear an alert; durations are how long a state must last to be a room's, not a moment's.
RULES: tuple[AlertRule, ...] = (
    AlertRule(
        "co2_ppm", "high", 50.0, _minutes(10), _minutes(10),
        "a breath near the sensor or a door moves CO₂ for a minute; ten minutes above 1000 ppm is the ventilation",
    ),
    AlertRule(
        "temperature_c", "high", 0.5, _minutes(15), _minutes(15),
        "temperature moves slowly; half a degree is beyond a sensor's ±0.3 °C",
    ),
    AlertRule(
        "temperature_c", "low", 0.5, _minutes(15), _minutes(15),
        "as above, for a room too cold (the heating season's 20 °C)",
    ),
    AlertRule(
        "humidity_pct", "high", 3.0, _minutes(30), _minutes(30),
        "humidity drifts over hours; 3 %RH is beyond a sensor's ±2–3 %RH",
    ),
    AlertRule(
        "humidity_pct", "low", 3.0, _minutes(30), _minutes(30),
        "dry winter air; as above",
    ),
    AlertRule(
        "sound_dba", "high", 2.0, _minutes(15), _minutes(15),
        "a laugh or a delivery lifts a minute's LAeq; a quarter of an hour above 55 dB(A) is the room",
    ),
    AlertRule(
        "illuminance_lux", "low", 50.0, _minutes(15), _minutes(15),
        "a passing cloud dims daylight for minutes; 50 lx keeps a lamp switched on from clearing it at once",
    ),
    AlertRule(
        "pm25_ugm3", "high", 2.0, _minutes(30), _minutes(30),
        "particles come in gusts (cleaning, traffic outside); half an hour is an exposure",
    ),
)  # fmt: skip


@dataclass(frozen=True)
class Sample:
    """One value of a zone's quantity at an instant; `occupied` whether people were expected at work then."""

    ts: datetime
    value: float
    occupied: bool = True


@dataclass(frozen=True)
class OpenAlert:
    """What a machine knows of its alert while it is open (rebuilt from the store's open alerts at start)."""

    since: datetime
    raised_at: datetime
    threshold: float
    value: float
    peak: float


@dataclass(frozen=True)
class Raised:
    """An alert raised at `at`: the zone was beyond `threshold` from `since`; `value` now, `peak` the worst."""

    zone: str
    rule: AlertRule
    value: float
    threshold: float
    since: datetime
    at: datetime
    peak: float


@dataclass(frozen=True)
class Peaked:
    """An open alert's value went further beyond than ever before."""

    zone: str
    rule: AlertRule
    peak: float
    at: datetime


@dataclass(frozen=True)
class Cleared:
    """An alert cleared at `at` (raised from `since`), with the value then and its peak."""

    zone: str
    rule: AlertRule
    value: float
    since: datetime
    at: datetime
    peak: float


AlertEvent = Raised | Peaked | Cleared


@dataclass(frozen=True)
class _Run:
    """A run of samples on one side: when it started and its worst value."""

    start: datetime
    extreme: float


class AlertMachine:
    """The alert state of one zone under one rule: feed it samples in time order, it yields events."""

    def __init__(
        self,
        zone: str,
        rule: AlertRule,
        *,
        tz: tzinfo = UTC,
        stale_after: timedelta = STALE_AFTER,
        open_alert: OpenAlert | None = None,
    ) -> None:
        """A machine for `zone` under `rule`; months are read in `tz`; `open_alert` resumes one kept in a store."""
        self.zone = zone
        self.rule = rule
        self.tz = tz
        self.stale_after = stale_after
        self._open = open_alert
        self._run: _Run | None = None
        self._last: datetime | None = None
        self._thresholds: dict[int, float | None] = {}  # per month: the table is read once

    @property
    def open_alert(self) -> OpenAlert | None:
        """The open alert, or None while the zone is fine."""
        return self._open

    @property
    def last_ts(self) -> datetime | None:
        """The instant of the last sample taken."""
        return self._last

    @property
    def pending_since(self) -> datetime | None:
        """When the run towards raising (or clearing) began; None when none is under way."""
        return None if self._run is None else self._run.start

    def expire(self, now: datetime) -> None:
        """End the run under way if no sample came for longer than `stale_after` (stale: neither raise nor clear)."""
        if self._last is not None and now - self._last > self.stale_after:
            self._run = None

    def feed(self, sample: Sample) -> list[AlertEvent]:
        """Take one sample (later than the last, else ignored); the events it causes, in order."""
        if (self._last is not None and sample.ts <= self._last) or not math.isfinite(sample.value):
            return []
        if self._last is not None and sample.ts - self._last > self.stale_after:
            self._run = None  # nothing is known about the gap: a run cannot span it
        self._last = sample.ts
        month = sample.ts.astimezone(self.tz).month
        if month not in self._thresholds:
            self._thresholds[month] = self.rule.threshold(month)
        threshold = self._thresholds[month]
        if threshold is None:
            self._run = None
            return []
        if self._open is None:
            return self._towards_raising(sample, threshold)
        return self._towards_clearing(sample, threshold)

    def _towards_raising(self, sample: Sample, threshold: float) -> list[AlertEvent]:
        rule = self.rule
        if not (sample.occupied and rule.beyond(sample.value, threshold)):
            self._run = None
            return []
        run = self._run
        if run is None:
            run = _Run(sample.ts, sample.value)
        elif rule.worse(sample.value, run.extreme):
            run = replace(run, extreme=sample.value)
        self._run = run
        if sample.ts - run.start < rule.raise_after:
            return []
        self._run = None
        self._open = OpenAlert(run.start, sample.ts, threshold, sample.value, run.extreme)
        return [Raised(self.zone, rule, sample.value, threshold, run.start, sample.ts, run.extreme)]

    def _towards_clearing(self, sample: Sample, threshold: float) -> list[AlertEvent]:
        rule, alert = self.rule, self._open
        assert alert is not None
        events: list[AlertEvent] = []
        if rule.worse(sample.value, alert.peak):
            alert = replace(alert, peak=sample.value)
            self._open = alert
            events.append(Peaked(self.zone, rule, sample.value, sample.ts))
        if not rule.back(sample.value, threshold):
            self._run = None
            return events
        if self._run is None:
            self._run = _Run(sample.ts, sample.value)
        if sample.ts - self._run.start < rule.clear_after:
            return events
        self._run = None
        self._open = None
        events.append(Cleared(self.zone, rule, sample.value, alert.since, sample.ts, alert.peak))
        return events


def rule_of(quantity: str, side: str) -> AlertRule | None:
    """The rule for a quantity and side in RULES, or None."""
    return next((r for r in RULES if r.quantity == quantity and r.side == side), None)


__all__ = [
    "RULES",
    "SIDES",
    "STALE_AFTER",
    "AlertEvent",
    "AlertMachine",
    "AlertRule",
    "Cleared",
    "OpenAlert",
    "Peaked",
    "Raised",
    "Sample",
    "Side",
    "rule_of",
]
