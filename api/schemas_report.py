"""Response model of the tertial report's JSON (`GET /reports/tertial/{period}?format=json`, `report --json`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, Field


class ReportMessagePublic(BaseModel):
    """A note or statement: its catalog key, its parameters and the sentence in the report's language."""

    key: str = Field(examples=["note.absence_privacy"])
    params: dict[str, Any]
    text: str


class ReportSectionPublic(BaseModel):
    """One section: its figures, statements and notes, and how complete its data is."""

    key: str = Field(examples=["goals", "environment", "absence", "risk", "board", "feedback", "improvements"])
    title: str = Field(examples=["Måluppfyllelse"])
    available: bool = Field(description="false when its results could not be made (the notes say why)")
    completeness: float | None = Field(description="share of the data the section should rest on (0–1); null: n/a")
    figures: dict[str, Any] = Field(description="the section's figures: shares 0–1, dates ISO, missing numbers null")
    statements: list[ReportMessagePublic]
    notes: list[ReportMessagePublic]


class ReportSitePublic(BaseModel):
    """The site the report is about."""

    id: str
    name: str


class ReportTargetsPublic(BaseModel):
    """The goals the report measures against."""

    answer_rate: float
    nki: dict[str, float]


class TertialPeriodReportPublic(BaseModel):
    """The period report of one tertial as figures (models.report.TertialReport)."""

    period: str = Field(examples=["2026-T3"])
    start: date
    end: date
    data_until: date = Field(description="the last day with figures: the tertial's last, or yesterday while it runs")
    in_progress: bool
    site: ReportSitePublic
    generated_at: str
    lang: str = Field(examples=["sv", "en"])
    targets: ReportTargetsPublic
    sections: list[ReportSectionPublic]
