"""Typed dependencies: the services a route needs and the principal a request acts for."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordBearer

from api.security import Principal, Role, TokenSigner
from api.throttle import LoginThrottle
from api.users import UserDirectory
from gateway.deadletter_log import DeadLetterLog
from gateway.device_status import DeviceStatusLog
from gateway.stores.port import ReadingStore
from records.store import RecordsStore
from sensors.site import Site


@dataclass
class Services:
    """Everything the API reads from, built once by the entry point."""

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


def get_services(request: Request) -> Services:
    """The services the app was created with."""
    services: Services = request.app.state.services
    return services


oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)

ServicesDep = Annotated[Services, Depends(get_services)]


def current_principal(services: ServicesDep, token: Annotated[str | None, Depends(oauth2)]) -> Principal:
    """The principal of the bearer token; 401 without a valid one."""
    principal = services.tokens.verify(token) if token else None
    # A token outlives neither its user, nor a change of role, nor a new password: check the directory as it is now.
    if principal is not None and (
        services.users.role_of(principal.username) is not principal.role
        or services.users.stamp_of(principal.username) != principal.stamp
    ):
        principal = None
    if principal is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "Not logged in or the session expired", {"WWW-Authenticate": "Bearer"}
        )
    return principal


PrincipalDep = Annotated[Principal, Depends(current_principal)]


def require(*roles: Role) -> Callable[[Principal], Principal]:
    """A dependency admitting only the given roles (admin always): 403 for the others."""
    allowed = {*roles, Role.ADMIN}

    def check(principal: PrincipalDep) -> Principal:
        if principal.role not in allowed:
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                f"The role {principal.role.value!r} may not see this; allowed: "
                + ", ".join(sorted(r.value for r in allowed)),
            )
        return principal

    return check


# Environment data (rooms, not people) is open to every role.
EnvironmentReader = Annotated[Principal, Depends(require(Role.FACILITIES, Role.HR, Role.MANAGER))]
GatewayOperator = Annotated[Principal, Depends(require(Role.FACILITIES))]
# Answer rates and NKI per answer group are operations data, not personal data.
GoalReader = Annotated[Principal, Depends(require(Role.MANAGER, Role.HR))]


def records_of(services: ServicesDep) -> RecordsStore:
    """The records store; 503 when this server has none configured."""
    if services.records is None:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            "No records store is configured on this server (set OFFICEWELL_PSEUDONYM_KEY to enable records)",
        )
    return services.records


RecordsDep = Annotated[RecordsStore, Depends(records_of)]
