"""Citizen feedback (synpunkter) per tertial: the figures of models.feedback on the imported feedback."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api import bounds
from api.deps import Authorized, RecordsDep, TodayDep
from api.frames import rows_of
from api.schemas_feedback import (
    FeedbackChannelPublic,
    FeedbackMonthPublic,
    FeedbackPeriodPublic,
    FeedbackReportPublic,
    FeedbackRowPublic,
)
from models.feedback import feedback_report
from models.goals import tertial_bounds

router = APIRouter(prefix="/feedback", tags=["feedback"])


@router.get("")
def feedback(
    records: RecordsDep,
    today: TodayDep,
    _: Authorized,
    year: Annotated[int | None, Query(description="the year (as in /goals/tertial/{year}); default this year")] = None,
    tertial: Annotated[
        int | None, Query(description="1 (Jan–Apr), 2 (May–Aug) or 3 (Sep–Dec); default: all three")
    ] = None,
) -> FeedbackReportPublic:
    """Feedback per tertial, department and category: counts, shares, failure demand, and a year earlier."""
    year = today.year if year is None else year
    if not bounds.FIRST_DAY.year <= year <= bounds.LAST_DAY.year:
        raise bounds.refuse(f"year must be between {bounds.FIRST_DAY.year} and {bounds.LAST_DAY.year}")
    if tertial is not None and tertial not in (1, 2, 3):
        raise bounds.refuse(f"tertial {tertial}: use 1 (Jan–Apr), 2 (May–Aug) or 3 (Sep–Dec), or leave it out")
    numbers = (1, 2, 3) if tertial is None else (tertial,)
    first = tertial_bounds(f"{year - 1}-T{numbers[0]}")[0]
    last = tertial_bounds(f"{year}-T{numbers[-1]}")[1]
    report = feedback_report(
        records.feedback_frame(first, last), year, numbers, covered=records.covered_periods("feedback")
    )
    return FeedbackReportPublic(
        year=report.year,
        tertials=list(report.tertials),
        periods=rows_of(FeedbackPeriodPublic, report.periods),
        summary=rows_of(FeedbackRowPublic, report.summary),
        months=rows_of(FeedbackMonthPublic, report.months),
        channels=rows_of(FeedbackChannelPublic, report.channels),
        notes=list(report.notes),
    )
