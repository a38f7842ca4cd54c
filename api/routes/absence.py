"""Absence: short-term sick leave per answer group and ISO week or calendar month, and for the whole centre.

Sick leave is health data and an answer group has three people (standards.md "Privacy"). HR and admin,
who may see a group's absence (api.security `Area.TEAM_ABSENCE`), get every figure ("full"). Every
other role gets the "restricted" view of models.absence_views: a group's figures only where it had at
least five people on every day of its calendar block, and a second group (or the centre) withheld where
a hidden figure could otherwise be worked out by subtraction, also between the weekly and the monthly
view (down to the days a week shares with a month). A period's figures are the same whatever range is
asked: spells are classified with the absences up to 70 days around it. Every read is audited with the
number of people its figures cover (api.access, api.audit).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request

from api import bounds
from api.audit import people_covered
from api.deps import Authorized, RecordsDep, TodayDep
from api.frames import rows_of
from api.schemas_absence import AbsenceDataPublic, AbsencePublic, AbsenceRowPublic
from api.security import Area, may_see
from models.absence_views import (
    MIN_GROUP_SIZE,
    AbsenceView,
    View,
    absence_view,
    data_window,
    period_bounds,
)
from records.store import RecordsStore

router = APIRouter(prefix="/absence", tags=["absence"])

MAX_YEARS = 5
MAX_DAYS = MAX_YEARS * 366  # since..until: at most five years
DEFAULT_PERIODS = {"week": timedelta(weeks=12), "month": timedelta(days=365)}  # since, unless given

FULL_RULES = (
    "You see every answer group's sick leave (HR and admin). An answer group has three people, so these "
    "figures identify people: they are health data; do not pass them on."
)
RESTRICTED_RULES = (
    f"Sick leave is health data. A group's figures are shown only where it had at least {MIN_GROUP_SIZE} "
    "people on every day of its block: the calendar is cut into blocks at each first of a month that is a "
    "Monday, so that no week and no month crosses two. Where the centre total is shown and only one group "
    "with people in it is hidden in a week or month, or in the days a week shares with a month, the smallest "
    "other group is hidden too (or the centre total, if none is left), so that no hidden figure can be worked "
    "out by subtracting the shown ones from the total, nor a week from its month."
)


def _range(period: Literal["week", "month"], since: date | None, until: date | None, today: date) -> tuple[date, date]:
    """since..until as asked (defaults: the last 12 weeks or 12 months up to today), checked against the limits."""
    until = bounds.day(until, "until") if until is not None else today
    since = bounds.day(since, "since") if since is not None else until - DEFAULT_PERIODS[period]
    if until < since:
        raise bounds.refuse(f"until {until} is before since {since}")
    if (until - since).days >= MAX_DAYS:
        raise bounds.refuse(
            f"{since} to {until} is more than {MAX_YEARS} years; ask for at most {MAX_YEARS} years at a time"
        )
    return since, until


def _data(view: AbsenceView, records: RecordsStore) -> AbsenceDataPublic:
    """How much the figures rest on: people covered, and which periods the imported absence files cover whole."""
    began = records.records_begin().get("absences")
    records_from = began if isinstance(began, date) else None
    ends = [b.period_end for b in records.import_batches("absences") if b.period_end is not None]
    records_until = max(ends) if ends else None
    periods = view.centre[["period_start", "period_end"]]
    complete = 0
    if records_from is not None and records_until is not None:
        first = periods["period_start"].dt.date >= records_from
        last = periods["period_end"].dt.date <= records_until
        complete = int((first & last).sum())
    return AbsenceDataPublic(
        people=view.people,
        teams=int(view.teams["team"].nunique()),
        periods=len(periods),
        records_from=records_from,
        records_until=records_until,
        complete_periods=complete,
        completeness=complete / len(periods) if len(periods) else None,
    )


@router.get("")
def absence(
    request: Request,
    records: RecordsDep,
    today: TodayDep,
    principal: Authorized,
    period: Annotated[Literal["week", "month"], Query(description="ISO weeks or calendar months")] = "month",
    since: Annotated[
        date | None, Query(description="first day, rounded to its period's first; default 12 weeks or months back")
    ] = None,
    until: Annotated[date | None, Query(description="last day, rounded to its period's last; default today")] = None,
    team: Annotated[str | None, Query(max_length=64, description="one answer group's rows only")] = None,
) -> AbsencePublic:
    """Short-term sick spells and days, sick days per FTE, person-time and headcount per team and period.

    And the centre's, per period. HR and admin see every team ("full"); the other roles see a team's figures
    only under the privacy rule in `rules` ("restricted"): withheld figures are null, with `suppressed` and a
    `reason`.
    """
    since, until = _range(period, since, until, today)
    first, last = period_bounds(since, period)[0], period_bounds(until, period)[1]
    view: View = "full" if may_see(principal.role, Area.TEAM_ABSENCE) else "restricted"
    if team is not None and team not in set(records.teams()):
        raise bounds.refuse(f"unknown team {team!r}")
    # Absences from well before to well after the days counted: every spell is classified with all its rows,
    # so a period's figures do not depend on the range asked for (models.absence_views.data_window).
    staff_days, absence_days = data_window(period, first, last, view)
    staff = records.staff_frame(*staff_days)
    absences = records.absences_frame(*absence_days)
    shown = absence_view(absences, staff, period, first, last, view, teams=None if team is None else [team])
    people_covered(request, shown.people)
    return AbsencePublic(
        period=period,
        since=shown.start,
        until=shown.end,
        view=view,
        rules=FULL_RULES if view == "full" else RESTRICTED_RULES,
        centre=rows_of(AbsenceRowPublic, shown.centre),
        teams=rows_of(AbsenceRowPublic, shown.teams),
        data=_data(shown, records),
    )
