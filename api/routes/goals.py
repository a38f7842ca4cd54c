"""Goal follow-up: weekly answer rate, NKI and the tertial report, against the targets from the settings."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Query

from api import bounds
from api.deps import Authorized, RecordsDep, Services, ServicesDep, TodayDep
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
from models.targets import GoalTargets
from records.store import RecordsStore

router = APIRouter(prefix="/goals", tags=["goals"])


def _calendar(first: date, last: date) -> list[IsoWeekPublic]:
    """Every ISO week that holds a day of first..last, oldest first."""
    weeks = []
    week = IsoWeekPublic.containing(first)
    while week.start <= last:
        weeks.append(week)
        week = IsoWeekPublic.containing(week.start + timedelta(weeks=1))
    return weeks


def _targets_key(targets: GoalTargets) -> tuple[object, ...]:
    return (targets.answer_rate, tuple(sorted(targets.nki.items())))


# ----- the figures, kept until the next import (api/cache.py); the routes and the warm-up ask these --------


def weekly_figures(
    services: Services, records: RecordsStore, start: date, end: date, team: str | None
) -> WeeklyAnswerRatePublic:
    """The weekly answer rate of local days start..end (one team, or "total", or all)."""
    tz, targets, figures = services.site.site.timezone, services.targets, services.caches.goals

    def compute() -> WeeklyAnswerRatePublic:
        rows = weekly_answer_rate(figures.calls(records, tz, start, end), targets.answer_rate, tz=tz)
        if team is not None:
            rows = rows[rows["team"] == team]
        return WeeklyAnswerRatePublic(
            target=targets.answer_rate,
            start=start,
            end=end,
            calendar=_calendar(start, end),
            weeks=rows_of(WeekRatePublic, rows),
        )

    return figures.answer(records, ("weekly", tz, start, end, team, _targets_key(targets)), compute)


def nki_figures(services: Services, records: RecordsStore, team: str | None) -> NkiPublic:
    """NKI against the targets (one team, or "total", or all)."""
    targets, figures = services.targets, services.caches.goals

    def compute() -> NkiPublic:
        results = nki_follow_up(figures.nki(records), targets.nki)
        if team is not None:
            results = results[results["team"] == team]
        return NkiPublic(targets=dict(targets.nki), results=rows_of(NkiResultPublic, results))

    return figures.answer(records, ("nki", team, _targets_key(targets)), compute)


def tertial_figures(services: Services, records: RecordsStore, year: int, with_weeks: bool) -> TertialReportPublic:
    """The tertial report of a year."""
    tz, targets, figures = services.site.site.timezone, services.targets, services.caches.goals
    first, last = date(year, 1, 1), date(year, 12, 31)

    def compute() -> TertialReportPublic:
        calls = figures.calls(records, tz, first, last)
        report = tertial_report(calls, figures.nki(records), year, targets.answer_rate, targets.nki, tz=tz)
        whole = answer_rates(calls, targets.answer_rate, tz, first, last)
        year_total = rows_of(PeriodRatePublic, whole[whole["team"] == TOTAL].assign(start=first, end=last))[0]
        return TertialReportPublic(
            year=report.year,
            target_answer_rate=report.target_answer_rate,
            nki_targets=dict(report.nki_targets),
            year_total=year_total,
            centre=rows_of(TertialRatePublic, report.centre),
            teams=rows_of(TertialTeamRatePublic, report.teams),
            weeks=rows_of(TertialWeekPublic, report.weeks) if with_weeks else [],
            nki=rows_of(TertialNkiPublic, report.nki),
            notes=list(report.notes),
        )

    return figures.answer(records, ("tertial", tz, year, with_weeks, _targets_key(targets)), compute)


# ----- the routes -----------------------------------------------------------------------------------


@router.get("/answer-rate/weekly")
def weekly(
    services: ServicesDep,
    today: TodayDep,
    records: RecordsDep,
    _: Authorized,
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
    return weekly_figures(services, records, start, end, team)


@router.get("/nki")
def nki(
    services: ServicesDep,
    records: RecordsDep,
    _: Authorized,
    team: Annotated[str | None, Query(description="one answer group, or 'total' for the centre")] = None,
) -> NkiPublic:
    """NKI per period, answer group and dimension against the targets (by default treatment 4.3, knowledge 4.0)."""
    return nki_figures(services, records, team)


@router.get("/tertial/{year}")
def tertial(
    year: int,
    services: ServicesDep,
    records: RecordsDep,
    _: Authorized,
    with_weeks: Annotated[
        bool, Query(description="false leaves out the year's rows per ISO week and team (`weeks`: then empty)")
    ] = True,
) -> TertialReportPublic:
    """The tertial report's figures for a year (T1 Jan–Apr, T2 May–Aug, T3 Sep–Dec) and the whole year's."""
    if not bounds.FIRST_DAY.year <= year <= bounds.LAST_DAY.year:
        raise bounds.refuse(f"year must be between {bounds.FIRST_DAY.year} and {bounds.LAST_DAY.year}")
    return tertial_figures(services, records, year, with_weeks)
