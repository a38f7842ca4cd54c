"""Typed dependencies: the services a route needs and the principal a request acts for."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordBearer

from api.access import door_of
from api.audit import audit_read
from api.background import Background
from api.cache import Caches
from api.oidc import OidcVerifier
from api.security import Principal
from api.throttle import LoginThrottle
from api.tokens import TokenSigner, issuer_of
from api.users import TOKEN_PREFIX, UserDirectory
from gateway.deadletter_log import DeadLetterLog
from gateway.device_status import DeviceStatusLog
from gateway.stores.port import ReadingStore
from models.occupancy import OccupiedHours
from models.targets import GoalTargets
from records.alerts import AlertStore
from records.store import RecordsStore
from sensors.site import Site

if TYPE_CHECKING:
    from models.actions import ActionSpec
    from models.analysis import Analysis, Period
    from models.forecast import Forecast
    from models.forecast_backtest import ForecastBacktest
    from models.scenarios import Scenario

    # as-of day, weeks, scenarios, the analysis of the two years before (its environment results; None: none)
    ForecastFn = Callable[[date, int, tuple[Scenario, ...], Analysis | None], Forecast]
    BacktestFn = Callable[[date, int, Analysis | None], ForecastBacktest]


def utc_now() -> datetime:
    """The real time, timezone-aware: the default clock of the API."""
    return datetime.now(UTC)


@dataclass
class Services:
    """Everything the API reads from, built once by the entry point.

    `now` is the API's clock (tests pin it); `targets` the goals from the settings; `caches` what the API
    keeps between requests (api/cache.py); `analyse` runs the analysis of a period (models.analysis),
    reading the stores: the entry point builds it, with the evidence and action catalogue it loaded;
    `forecast` and `backtest` run the risk forecast (models.forecast) with the settings' knobs;
    `alerts` keeps the environment alerts; `actions` is the action catalogue as loaded (GET /actions);
    `background` is what runs beside the API (the alert loop).
    """

    site: Site
    store: ReadingStore
    dead_letters: DeadLetterLog
    users: UserDirectory
    tokens: TokenSigner
    status: Callable[[], dict[str, Any]] = field(default=lambda: {})
    metrics: Callable[[], bytes] | None = None
    device_status: DeviceStatusLog | None = None
    records: RecordsStore | None = None
    login_throttle: LoginThrottle = field(default_factory=LoginThrottle)
    targets: GoalTargets = field(default_factory=GoalTargets)
    now: Callable[[], datetime] = field(default=utc_now)
    caches: Caches = field(default_factory=Caches)
    analyse: Callable[[Period], Analysis] | None = None
    forecast: ForecastFn | None = None
    backtest: BacktestFn | None = None
    oidc: OidcVerifier | None = None
    alerts: AlertStore | None = None
    actions: tuple[ActionSpec, ...] = ()
    background: tuple[Background, ...] = ()

    def today(self) -> date:
        """Today's date at the site (its local time), by the API's clock."""
        return self.now().astimezone(self.site.site.tz).date()


def get_services(request: Request) -> Services:
    """The services the app was created with."""
    services: Services = request.app.state.services
    return services


oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)

ServicesDep = Annotated[Services, Depends(get_services)]


def occupied_hours(site: Site) -> OccupiedHours:
    """The site's occupied hours: its working hours on its working days, public holidays closed."""
    hours = site.site.working_hours
    return OccupiedHours(site.site.tz, hours.start, hours.end, tuple(hours.days))


def site_of(services: ServicesDep) -> Site:
    """The site this server serves."""
    return services.site


def now_of(services: ServicesDep) -> datetime:
    """The current instant by the API's clock (timezone-aware)."""
    return services.now()


def today_of(services: ServicesDep) -> date:
    """Today's date in the site's local time, by the API's clock."""
    return services.today()


def targets_of(services: ServicesDep) -> GoalTargets:
    """The goals the follow-up measures against (from the settings)."""
    return services.targets


SiteDep = Annotated[Site, Depends(site_of)]
NowDep = Annotated[datetime, Depends(now_of)]
TodayDep = Annotated[date, Depends(today_of)]
TargetsDep = Annotated[GoalTargets, Depends(targets_of)]


def current_principal(services: ServicesDep, token: Annotated[str | None, Depends(oauth2)]) -> Principal:
    """The principal of the bearer token — ours, the OIDC provider's or a machine's; 401 without a valid one."""
    principal = bearer_principal(services, token) if token else None
    if principal is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "Not logged in or the session expired", {"WWW-Authenticate": "Bearer"}
        )
    return principal


def bearer_principal(services: Services, token: str) -> Principal | None:
    """Who a bearer token stands for, by its form: a machine token, a JWT of the OIDC provider, or one of ours."""
    if token.startswith(TOKEN_PREFIX):
        return services.users.token_principal(token, services.now())
    if services.oidc is not None and issuer_of(token) == services.oidc.config.issuer:
        # The provider decides who someone is and which role they have; its tokens are short-lived.
        return services.oidc.verify(token)
    principal = services.tokens.verify(token)
    # Our tokens outlive neither their user, nor a change of role, nor a new password: check the directory now.
    if principal is not None and (
        services.users.role_of(principal.username) is not principal.role
        or services.users.stamp_of(principal.username) != principal.stamp
    ):
        return None
    return principal


PrincipalDep = Annotated[Principal, Depends(current_principal)]


def authorize(request: Request, services: ServicesDep, principal: PrincipalDep) -> Iterator[Principal]:
    """Let the request through if the role matrix lets the principal's role through its route; audit what must be.

    Installed on every /api/v1 router, so a route cannot forget it. 403 for a role the route's row does not
    admit. After an audited route answered, its read is appended to the audit log before the answer goes out.
    """
    route = request.scope.get("route")
    path = getattr(route, "path_format", None) or request.scope["path"]
    door = door_of(request.method, path)
    if door is None:  # create_app refuses to start with a route missing from the matrix; this is the last guard
        raise HTTPException(status.HTTP_403_FORBIDDEN, "This route has no row in the role matrix")
    if principal.role not in door.roles:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            f"The role {principal.role.value!r} may not see this; allowed: "
            + ", ".join(sorted(r.value for r in door.roles)),
        )
    yield principal
    if door.audited and services.records is not None:
        audit_read(services.records, principal, request, f"{request.method} {path}")


Authorized = Annotated[Principal, Depends(authorize, scope="function")]


def records_of(services: ServicesDep) -> RecordsStore:
    """The records store; 503 when this server has none configured."""
    if services.records is None:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            "No records store is configured on this server (set OFFICEWELL_PSEUDONYM_KEY to enable records)",
        )
    return services.records


RecordsDep = Annotated[RecordsStore, Depends(records_of)]
