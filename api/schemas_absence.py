"""Response models of the absence route: short-term sick leave per team and week or month, suppressed by role."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field


class AbsenceRowPublic(BaseModel):
    """One team's (or the centre's, team "total") short-term sick leave in one ISO week or calendar month."""

    team: str
    period_start: date
    period_end: date
    headcount: int | None = Field(description="people employed in the team on some day of the period; null if hidden")
    fte_days: float | None = Field(description="person-time: FTE × calendar days employed")
    spells: int | None = Field(description="short-term sick spells (at most 14 sick days) starting in the period")
    sick_days: float | None = Field(description="FTE-weighted calendar days of short-term sick leave in the period")
    sick_days_per_fte: float | None = Field(description="sick_days per full-time equivalent employed")
    suppressed: bool = Field(description="true: the figures are withheld from this role (see `rules`)")
    reason: Literal["small_group", "complementary"] | None = Field(
        description="small_group: under 5 people on some day of its block; complementary: hidden so that no "
        "hidden group can be worked out by subtraction"
    )


class AbsenceDataPublic(BaseModel):
    """What the figures rest on."""

    people: int = Field(description="distinct people employed or sick behind the figures shown")
    teams: int = Field(description="teams listed")
    periods: int
    records_from: date | None = Field(description="the first absence day on record; earlier periods have none")
    records_until: date | None = Field(description="the last day the imported absence files cover")
    complete_periods: int = Field(description="periods wholly inside records_from..records_until")
    completeness: float | None = Field(description="complete_periods / periods")


class AbsencePublic(BaseModel):
    """Short-term sick leave per team and period, and the centre's, as the reader's role may see it."""

    period: Literal["week", "month"]
    since: date = Field(description="the first day of the first period")
    until: date = Field(description="the last day of the last period")
    view: Literal["full", "restricted"] = Field(description="full: HR and admin, every team; restricted: the others")
    rules: str = Field(description="the privacy rule applied, in plain words")
    centre: list[AbsenceRowPublic] = Field(description="the whole centre, one row per period")
    teams: list[AbsenceRowPublic] = Field(description="one row per team and period")
    data: AbsenceDataPublic
