"""Evidence: which physical change, in which zone, goes with short-term sick leave and the answer rate.

The routes serve slices of one analysis per period (models.analysis, computed by the entry point's
`analyse` and kept in api/cache.py until the next import). What a role sees follows standards.md
"Privacy": associations and exposure are pooled over the centre or are room data; the actions are
ranked on each answer group's own sick days only for those who may see a group's absence (HR, admin),
on the centre's average for everyone else; a follow-up's sick leave of a group under five people is
withheld from everyone else.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import pandas as pd
from fastapi import APIRouter, HTTPException, Query, Request, status

from api import bounds
from api.audit import people_covered
from api.deps import Authorized, RecordsDep, ServicesDep, TodayDep
from api.frames import rows_of
from api.schemas_evidence import (
    ActionPublic,
    ActionsPublic,
    AnalysisDataPublic,
    AssociationPublic,
    AssociationsPublic,
    ExposurePublic,
    ExposureSummaryPublic,
    ExposureWeekPublic,
    FollowUpPublic,
    FollowUpsPublic,
    PeriodPublic,
)
from api.security import Area, may_see
from models.errors import ModelInputError
from sensors.quantities import QUANTITIES

if TYPE_CHECKING:
    from models.analysis import Analysis

router = APIRouter(prefix="/evidence", tags=["evidence"])

SinceQuery = Annotated[
    date | None, Query(description="first day (rounded to its ISO week's Monday); default two years back")
]
UntilQuery = Annotated[date | None, Query(description="last day (rounded to its week's Sunday); default last Sunday")]
ZoneQuery = Annotated[str | None, Query(max_length=64, description="one zone's id")]
QuantityQuery = Annotated[str | None, Query(max_length=64, description="one quantity's key, e.g. co2_ppm")]


def analysis_of(
    services: ServicesDep, records: RecordsDep, today: date, since: date | None, until: date | None
) -> tuple[datetime, Analysis]:
    """The kept analysis of the period asked for (computed on first use after an import); 503 without one."""
    from models.analysis import default_period  # the analysis loads with the first evidence request

    if services.analyse is None:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "No analysis is configured on this server")
    for value, name in ((since, "since"), (until, "until")):
        if value is not None:
            bounds.day(value, name)
    try:
        period = default_period(today, since, until)
    except ModelInputError as exc:
        raise bounds.refuse(str(exc)) from exc  # also a period of more than five years (models.analysis.MAX_WEEKS)
    return services.caches.analyses.get(records, period, services.analyse, services.now())


def _counts_for(row: dict[str, Any], shown: bool) -> dict[str, Any]:
    """An association's row with its count of sick spells or days left out unless the reader may see them."""
    if shown or row["outcome"] == "answer_rate":
        return row
    return row | {"events": None}


def _check_key(value: str | None, known: set[str], what: str) -> None:
    if value is not None and value not in known:
        raise bounds.refuse(f"unknown {what} {value[:64]!r}; known: {', '.join(sorted(known))}")


def _base(analysis: Analysis, computed_at: datetime) -> dict[str, object]:
    return {
        "period": PeriodPublic(start=analysis.period.start, end=analysis.period.end),
        "computed_at": computed_at,
        "data": AnalysisDataPublic(**analysis.data),
        "notes": list(analysis.notes),
    }


@router.get("/associations")
def associations(
    request: Request,
    services: ServicesDep,
    records: RecordsDep,
    today: TodayDep,
    principal: Authorized,
    since: SinceQuery = None,
    until: UntilQuery = None,
    quantity: QuantityQuery = None,
    outcome: Annotated[
        str | None, Query(max_length=64, description="short_term_sick_spells, short_term_sick_days or answer_rate")
    ] = None,
) -> AssociationsPublic:
    """Every association tested, best supported first: the site's own estimate, the research prior, the two combined.

    Each is pooled over every answer group (team and week fixed effects), so every role with the evidence
    area sees them all; but the count of sick spells or days behind one (`events`) is HR's and admin's only:
    where only one zone measures a quantity it is one group's, and two counts differ by a group's weeks.
    """
    _check_key(quantity, set(QUANTITIES), "quantity")
    _check_key(outcome, {"short_term_sick_spells", "short_term_sick_days", "answer_rate"}, "outcome")
    computed_at, analysis = analysis_of(services, records, today, since, until)
    people_covered(request, records.people_between(analysis.period.start, analysis.period.end))
    counts_shown = may_see(principal.role, Area.TEAM_ABSENCE)
    rows = [
        AssociationPublic(**_counts_for(a.to_dict(), counts_shown))
        for a in analysis.associations
        if (quantity is None or a.quantity == quantity) and (outcome is None or a.outcome == outcome)
    ]
    return AssociationsPublic(**_base(analysis, computed_at), associations=rows)  # type: ignore[arg-type]


@router.get("/exposure")
def exposure(
    services: ServicesDep,
    records: RecordsDep,
    today: TodayDep,
    _: Authorized,
    since: SinceQuery = None,
    until: UntilQuery = None,
    zone: ZoneQuery = None,
    quantity: QuantityQuery = None,
) -> ExposurePublic:
    """Occupied-hours exposure per zone and ISO week (mean, 95th percentile, band hours, completeness) and its summary.

    A week with data for less than half its occupied hours is "missing": it has no mean and is never
    counted as a good week.
    """
    _check_key(zone, {z.id for z in services.site.zones}, "zone")
    _check_key(quantity, set(QUANTITIES), "quantity")
    computed_at, analysis = analysis_of(services, records, today, since, until)
    weeks = analysis.exposure
    if not weeks.empty:
        keep = pd.Series(True, index=weeks.index)
        if zone is not None:
            keep &= weeks["zone"] == zone
        if quantity is not None:
            keep &= weeks["quantity"] == quantity
        weeks = weeks[keep].sort_values(["zone", "quantity", "week_start"])
    summary = [
        row
        for row in analysis.exposure_summary()
        if (zone is None or row["zone"] == zone) and (quantity is None or row["quantity"] == quantity)
    ]
    return ExposurePublic(
        **_base(analysis, computed_at),  # type: ignore[arg-type]
        summary=[ExposureSummaryPublic(**row) for row in summary],
        weeks=rows_of(ExposureWeekPublic, weeks) if not weeks.empty else [],
    )


@router.get("/actions")
def actions(
    request: Request,
    services: ServicesDep,
    records: RecordsDep,
    today: TodayDep,
    principal: Authorized,
    since: SinceQuery = None,
    until: UntilQuery = None,
    zone: ZoneQuery = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="at most this many, best first")] = 100,
) -> ActionsPublic:
    """Every zone × action ranked: exposure now and after, sick days avoided, answer-rate gain, cost and confidence.

    HR and admin get the actions ranked on each answer group's own short-term sick days; the other roles
    on the centre's average, since an answer group of three people's sick days would identify them.
    """
    _check_key(zone, {z.id for z in services.site.zones}, "zone")
    computed_at, analysis = analysis_of(services, records, today, since, until)
    people_covered(request, records.people_between(analysis.period.start, analysis.period.end))
    own = may_see(principal.role, Area.TEAM_ABSENCE)
    baseline, ranked = analysis.ranked_actions(team_rates=own)
    rows = [row for row in ranked if zone is None or row["zone"] == zone][:limit]
    return ActionsPublic(
        **_base(analysis, computed_at),  # type: ignore[arg-type]
        baseline=baseline,
        actions=[ActionPublic(**row) for row in rows],
    )


@router.get("/follow-up")
def follow_ups(
    request: Request,
    services: ServicesDep,
    records: RecordsDep,
    today: TodayDep,
    principal: Authorized,
    since: SinceQuery = None,
    until: UntilQuery = None,
    zone: ZoneQuery = None,
) -> FollowUpsPublic:
    """Each improvement-board item done with a zone and a date: exposure, sick leave and answer rate before and after.

    A difference in differences against the other zones, with an interval and a plain statement when the
    data cannot tell yet. The sick leave of an answer group under five people is shown to HR and admin
    only; the other roles see that it is withheld, and why.
    """
    _check_key(zone, {z.id for z in services.site.zones}, "zone")
    computed_at, analysis = analysis_of(services, records, today, since, until)
    people_covered(request, records.people_between(analysis.period.start, analysis.period.end))
    shown = may_see(principal.role, Area.TEAM_ABSENCE)
    rows = [
        FollowUpPublic(**f.to_dict(small_groups=shown))
        for f in analysis.follow_ups
        if zone is None or f.follow_up.zone == zone
    ]
    return FollowUpsPublic(
        **_base(analysis, computed_at),  # type: ignore[arg-type]
        small_groups_shown=shown,
        follow_ups=rows,
    )
