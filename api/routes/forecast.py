"""Forecast: each answer group's and the centre's risk of missing the answer-rate goal, scenarios and backtests.

The forecast stands on the records up to its as-of day (default: the end of the last complete week of
imported calls) and on the analysis of the two years before it (kept in api/cache.py), and is kept
until the next import. Managers, HR and admin may read it (api.security.ACCESS): it says how many
agents each group is expected to have, never why anyone is away. A backtest takes minutes: the first
request starts it and gets 202 with Retry-After; asking again returns it once done.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Annotated, Any, cast

from fastapi import APIRouter, HTTPException, Query, Request, status
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from api import bounds
from api.audit import no_data_shown, people_covered
from api.deps import Authorized, RecordsDep, ServicesDep, TodayDep
from api.routes.evidence import analysis_of
from api.schemas_forecast import BacktestPublic, BacktestRunningPublic, ForecastPublic, ScenariosPublic
from models.errors import ModelInputError

if TYPE_CHECKING:
    from api.deps import Services
    from models.analysis import Analysis
    from models.forecast_backtest import ForecastBacktest
    from models.scenarios import Scenario
    from records.store import RecordsStore

router = APIRouter(prefix="/forecast", tags=["forecast"])

WeeksQuery = Annotated[int, Query(ge=1, le=26, description="weeks ahead, from the week after as_of")]
AsOfQuery = Annotated[
    date | None, Query(description="the last day of data to stand on; default: the end of the last complete week")
]
SCENARIO_HELP = "stand-in:TEAM:2027-W05[:2027-W06][:FTE], earlier-hire:TEAM:WEEKS or action:ZONE:ACTION:2027-W08"
ScenarioQuery = Annotated[list[str] | None, Query(max_length=5, description=SCENARIO_HELP)]
RETRY_AFTER_S = 30
HISTORY_DAYS = 731  # the analysis the forecast stands on covers the two years before as_of
MAX_SCENARIO_LENGTH = 200


@router.get("")
def forecast(
    request: Request,
    services: ServicesDep,
    records: RecordsDep,
    today: TodayDep,
    _: Authorized,
    weeks: WeeksQuery = 12,
    as_of: AsOfQuery = None,
    scenario: ScenarioQuery = None,
) -> ForecastPublic:
    """Per answer group and week, and for the centre: expected answer rate, p10–p90, P(below target), drivers.

    With `scenario` (repeatable, up to five), each is run against the baseline on the same random numbers.
    """
    body = _forecast(services, records, today, weeks, as_of, scenario)
    _covered(request, records, date.fromisoformat(body["as_of"]), weeks)
    return ForecastPublic(**body)


@router.get("/scenarios")
def scenarios(
    request: Request,
    services: ServicesDep,
    records: RecordsDep,
    today: TodayDep,
    _: Authorized,
    scenario: Annotated[list[str], Query(min_length=1, max_length=5, description=SCENARIO_HELP)],
    weeks: WeeksQuery = 12,
    as_of: AsOfQuery = None,
) -> ScenariosPublic:
    """Only the scenarios, each with its change in P(below target) and expected answer rate per affected week."""
    body = _forecast(services, records, today, weeks, as_of, scenario)
    _covered(request, records, date.fromisoformat(body["as_of"]), weeks)
    return ScenariosPublic(**{k: v for k, v in body.items() if k not in ("weeks", "environment")})


@router.get(
    "/backtest",
    response_model=BacktestPublic,
    responses={status.HTTP_202_ACCEPTED: {"model": BacktestRunningPublic, "description": "under way: ask again"}},
)
def backtest(
    request: Request,
    services: ServicesDep,
    records: RecordsDep,
    today: TodayDep,
    _: Authorized,
    origins: Annotated[
        int, Query(ge=2, le=104, description="weekly origins, the last one 8 weeks before as_of (its outcomes known)")
    ] = 26,
    as_of: AsOfQuery = None,
) -> BacktestPublic | JSONResponse:
    """Rolling-origin backtest at 1, 4 and 8 weeks: Brier skill against climatology and persistence, reliability,
    p10–p90 coverage, and the call volume's error against both naive forecasts.
    """  # noqa: D205 - one sentence over two lines
    if services.backtest is None:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "No forecast is configured on this server")
    day = _as_of(services, records, as_of)
    stamp = records.data_version()
    analysis = _analysis(services, records, today, day)
    run = services.backtest
    state, when, value = services.caches.backtests.poll(
        (stamp, day, origins), lambda: run(day, origins, analysis), services.now()
    )
    if state == "failed":
        if isinstance(value, ModelInputError):
            raise bounds.refuse(str(value))
        raise HTTPException(
            status.HTTP_500_INTERNAL_SERVER_ERROR,
            "The backtest failed (see the server log); it is tried again in a minute",
        )
    if state == "running":
        no_data_shown(request)
        running = BacktestRunningPublic(started_at=when)
        return JSONResponse(jsonable_encoder(running), status.HTTP_202_ACCEPTED, {"Retry-After": str(RETRY_AFTER_S)})
    done = cast("ForecastBacktest", value)
    _covered(request, records, day - timedelta(weeks=origins + 8), 8)
    return BacktestPublic(computed_at=when, **done.to_dict())


def _forecast(
    services: Services, records: RecordsStore, today: date, weeks: int, as_of: date | None, texts: list[str] | None
) -> dict[str, Any]:
    """The kept (or a new) forecast as the JSON of `officewell forecast --json`."""
    from models.scenarios import parse_scenario

    if services.forecast is None:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "No forecast is configured on this server")
    decisions: list[Scenario] = []
    for text in texts or []:
        if len(text) > MAX_SCENARIO_LENGTH:
            raise bounds.refuse(f"a scenario is at most {MAX_SCENARIO_LENGTH} characters")
        try:
            decisions.append(parse_scenario(text))
        except ModelInputError as exc:
            raise bounds.refuse(str(exc)) from exc
    day = _as_of(services, records, as_of)
    analysis = _analysis(services, records, today, day)
    run = services.forecast
    key = (day, weeks, tuple(decisions))
    try:
        made, result = services.caches.forecasts.get(
            records, key, lambda: run(day, weeks, tuple(decisions), analysis), services.now()
        )
    except ModelInputError as exc:
        raise bounds.refuse(str(exc)) from exc
    return result.to_dict(generated_at=made)


def _covered(request: Request, records: RecordsStore, as_of: date, weeks: int) -> None:
    # The absence history behind the rates (two years) up to the last week forecast: everyone rostered then.
    people_covered(
        request, records.people_between(as_of - timedelta(days=HISTORY_DAYS), as_of + timedelta(weeks=weeks))
    )


def _as_of(services: Services, records: RecordsStore, as_of: date | None) -> date:
    """The as-of day asked for, or the end of the last complete week of imported calls; 422 without any."""
    from models.forecast import default_as_of

    if as_of is not None:
        return bounds.day(as_of, "as_of")

    try:
        hours = services.site.site.working_hours
        return default_as_of(records.last_call_interval(), services.site.site.timezone, tuple(hours.days))
    except ModelInputError as exc:
        raise bounds.refuse(str(exc)) from exc


def _analysis(services: Services, records: RecordsStore, today: date, day: date) -> Analysis | None:
    """The kept analysis of the two years up to `day` (its environment results), or None without one."""
    if services.analyse is None:
        return None
    try:
        return analysis_of(services, records, today, None, day)[1]
    except ModelInputError:
        return None  # no roster or records for the analysis: the forecast says what is missing itself
