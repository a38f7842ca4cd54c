"""Response and request models of the environment alerts."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from records.alerts import NOTE_MAX


class AlertPublic(BaseModel):
    """An environment alert: where, what, how far beyond, from when to when, and who acknowledged it."""

    id: int
    zone: str
    zone_name: str = Field(description="the zone's name in the site file (its id if it has none)")
    quantity: str = Field(description="the quantity key, e.g. co2_ppm")
    label: str = Field(description="the quantity's name, e.g. CO₂")
    unit: str
    side: Literal["high", "low"] = Field(description="high: too high is bad (CO₂, sound); low: too low (light)")
    threshold: float = Field(description="the action level: the acceptable band's edge in force when raised")
    value: float = Field(description="the value when it was raised")
    peak: float = Field(description="the worst value while it was open")
    since: datetime = Field(description="when the zone went beyond the threshold")
    raised_at: datetime = Field(description="when the alert was raised (the minimum duration after `since`)")
    cleared_at: datetime | None = Field(description="when it cleared by itself; null while open")
    open: bool
    acknowledged_by: str | None
    acknowledged_at: datetime | None
    note: str | None


class AlertsPublic(BaseModel):
    """One page of alerts, newest raised first, and how many match in all."""

    items: list[AlertPublic]
    total: int
    limit: int
    offset: int


class AlertAck(BaseModel):
    """An acknowledgement: an optional note (what was done, a ticket number)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"note": "Ventilation called, #4711"}]})

    note: str | None = Field(None, max_length=NOTE_MAX, description=f"up to {NOTE_MAX} characters")


class AlertRulePublic(BaseModel):
    """One alert rule: the quantity and side it watches, today's action level, its deadband and durations."""

    key: str = Field(description="the rule's name, quantity:side, e.g. co2_ppm:high")
    quantity: str = Field(description="the quantity key, e.g. co2_ppm")
    label: str = Field(description="the quantity's name, e.g. CO₂")
    unit: str
    side: Literal["high", "low"] = Field(description="high: too high is bad (CO₂, sound); low: too low (light)")
    threshold: float | None = Field(
        description="the action level in force this month at the site (the acceptable band's edge); null: none"
    )
    deadband: float = Field(description="how far back past the threshold a value must be to count towards clearing")
    raise_after_min: float = Field(description="minutes beyond the threshold, in occupied hours, before it raises")
    clear_after_min: float = Field(description="minutes back by more than the deadband before it clears")
    why: str = Field(description="why this deadband and these durations (English)")
