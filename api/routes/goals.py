"""Goal follow-up: weekly answer rate, NKI and the tertial report, against the targets from the settings."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query

from api import bounds
from api.deps import GoalReader, RecordsDep, SiteDep, TargetsDep, TodayDep
from api.frames import rows_of
from api.schemas import (
    IsoWeekPublic,
    NkiPublic,
    NkiResultPublic,
    PeriodRatePublic,
    TertialNkiPublic,
    TertialRatePublic,
    TertialReportPublic,
    TertialTeamRatePublic,
    TertialWeekPublic,
    WeeklyAnswerRatePublic,
    WeekRatePublic,
)
from models.goals import TOTAL, answer_rates, nki_follow_up, tertial_report, weekly_answer_rate

router = APIRouter(prefix="/goals", tags=["goals"])


def _local_days(tz: ZoneInfo, first: date, last: date) -> tuple[datetime, datetime]:
    """The instants from local midnight of `first` to local midnight after `last`."""
    return datetime.combine(first, time(), tz), datetime.combine(last + timedelta(days=1), time(), tz)


def _calendar(first: date, last: date) -> list[IsoWeekPublic]:
    """Every ISO week that holds a day of first..last, oldest first."""
    weeks = []
    week = IsoWeekPublic.containing(first)
    while week.start <= last:
        weeks.append(week)
        week = IsoWeekPublic.containing(week.start + timedelta(weeks=1))
    return weeks


@router.get("/answer-rate/weekly")
def weekly(
    site: SiteDep,
    today: TodayDep,
    targets: TargetsDep,
    records: RecordsDep,
    _: GoalReader,
    start: Annotated[date | None, Query(description="first day; default 12 weeks before end")] = None,
    end: Annotated[date | None, Query(description="last day; default today (site time)")] = None,
    weeks: Annotated[
        int | None,
        Query(ge=1, le=bounds.MAX_WEEKS, description="instead of start: the last N ISO weeks up to end, its own too"),
    ] = None,
    team: Annotated[str | None, Query(description="one answer group, or 'total' for the centre")] = None,
) -> WeeklyAnswerRatePublic:
    """Answer rate per ISO week and answer group, and for the whole centre ("total"), against the target."""
    if start is not None and weeks is not None:
        raise bounds.refuse("give start or weeks, not both")
    end = bounds.day(end, "end") if end else today
    if weeks is not None:
        start = IsoWeekPublic.containing(end).start - timedelta(weeks=weeks - 1)
    start = bounds.day(start, "start") if start else end - timedelta(weeks=12)
    if end < start:
        raise bounds.refuse("end is before start")
    bounds.check_weeks(start, end)
    calls = records.calls_frame(*_local_days(site.site.tz, start, end))
    rows = weekly_answer_rate(calls, targets.answer_rate, tz=site.site.timezone)
    if team is not None:
        rows = rows[rows["team"] == team]
    return WeeklyAnswerRatePublic(
        target=targets.answer_rate,
        start=start,
        end=end,
        calendar=_calendar(start, end),
        weeks=rows_of(WeekRatePublic, rows),
    )


@router.get("/nki")
def nki(targets: TargetsDep, records: RecordsDep, _: GoalReader) -> NkiPublic:
    """NKI per period, answer group and dimension against the targets (by default treatment 4.3, knowledge 4.0)."""
    results = nki_follow_up(records.nki_frame(), targets.nki)
    return NkiPublic(targets=dict(targets.nki), results=rows_of(NkiResultPublic, results))


@router.get("/tertial/{year}")
def tertial(year: int, site: SiteDep, targets: TargetsDep, records: RecordsDep, _: GoalReader) -> TertialReportPublic:
    """The tertial report's figures for a year (T1 Jan–Apr, T2 May–Aug, T3 Sep–Dec) and the whole year's."""
    if not bounds.FIRST_DAY.year <= year <= bounds.LAST_DAY.year:
        raise bounds.refuse(f"year must be between {bounds.FIRST_DAY.year} and {bounds.LAST_DAY.year}")
    first, last = date(year, 1, 1), date(year, 12, 31)
    calls = records.calls_frame(*_local_days(site.site.tz, first, last))
    tz = site.site.timezone
    report = tertial_report(calls, records.nki_frame(), year, targets.answer_rate, targets.nki, tz=tz)
    whole = answer_rates(calls, targets.answer_rate, tz, first, last)
    year_total = rows_of(PeriodRatePublic, whole[whole["team"] == TOTAL].assign(start=first, end=last))[0]
    return TertialReportPublic(
        year=report.year,
        target_answer_rate=report.target_answer_rate,
        nki_targets=dict(report.nki_targets),
        year_total=year_total,
        centre=rows_of(TertialRatePublic, report.centre),
        teams=rows_of(TertialTeamRatePublic, report.teams),
        weeks=rows_of(TertialWeekPublic, report.weeks),
        nki=rows_of(TertialNkiPublic, report.nki),
        notes=list(report.notes),
    )
