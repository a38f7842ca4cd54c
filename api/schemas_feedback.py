"""Response models of the feedback route: citizen feedback (synpunkter) per tertial, department and category."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field


class FeedbackMeasuresBase(BaseModel):
    """Cases of one row and how much of them was failure demand (onödig efterfrågan)."""

    count: int = Field(description="cases received")
    share: float | None = Field(description="part of the period's cases in the whole centre (0–1)")
    failure_demand: int = Field(description="cases tagged as failure demand")
    tagged: int = Field(description="cases tagged either way: the n of the failure-demand share")
    failure_demand_share: float | None = Field(description="failure_demand / tagged; null without tagged cases")
    ci_low: float | None = Field(description="Wilson 95 % interval of the failure-demand share, lower end")
    ci_high: float | None = Field(description="Wilson 95 % interval of the failure-demand share, upper end")
    untagged_share: float | None = Field(description="part of the cases without a failure-demand tag")


class FeedbackRowPublic(FeedbackMeasuresBase):
    """A department and category in one tertial ("total": every department or every category)."""

    tertial: str = Field(examples=["2026-T3"])
    department: str = Field(examples=["Socialförvaltningen", "total"])
    category: str = Field(examples=["complaint", "total"])
    compared_count: int | None = Field(description="cases on the days compared with a year earlier; null: none")
    previous_count: int | None = Field(description="cases on the same days a year earlier; null: no comparison")
    change: int | None = Field(description="compared_count − previous_count")


class FeedbackMonthPublic(FeedbackMeasuresBase):
    """A category ("total": all of them) in one month, for the whole centre."""

    month: str = Field(examples=["2026-09"])
    tertial: str
    category: str


class FeedbackChannelPublic(BaseModel):
    """How the cases of a tertial came in ("unknown": the export did not say; "total")."""

    tertial: str
    channel: str = Field(examples=["phone", "email", "web", "visit", "unknown", "total"])
    count: int
    share: float | None


class FeedbackPeriodPublic(BaseModel):
    """A tertial: its days, those with feedback imported, its cases, and the centre against a year earlier."""

    tertial: str
    start: date
    end: date
    days: int
    covered_days: int = Field(description="days an imported feedback file covers")
    count: int
    previous_tertial: str
    compared_days: int = Field(description="covered days whose date a year earlier is covered too")
    compared_count: int | None
    previous_count: int | None
    change: int | None


class FeedbackReportPublic(BaseModel):
    """Citizen feedback of a year's tertials (T1 Jan–Apr, T2 May–Aug, T3 Sep–Dec), each against a year earlier."""

    year: int
    tertials: list[str]
    periods: list[FeedbackPeriodPublic]
    summary: list[FeedbackRowPublic]
    months: list[FeedbackMonthPublic]
    channels: list[FeedbackChannelPublic]
    notes: list[str]
