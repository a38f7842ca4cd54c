"""The role matrix: every route of the API, the area it belongs to, and whether its answer is audited.

Written down once. `api.deps.authorize` enforces it on every request, `api.app.create_app` refuses to
start when a route has no row (or a row no route), the tests are generated from it (route × role), and
`officewell roles` / docs/roles.md print it. Who may enter an area is `api.security.ACCESS`.

`audited` marks the routes whose answer carries absence-derived data (sick leave, agents available,
anything computed from the absence file): each such read writes who, when, which route, its filters
and how many people it covers to the append-only audit log (standards.md "Privacy").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from api.security import ACCESS, Area, Role

PREFIX = "/api/v1"


@dataclass(frozen=True)
class Door:
    """One route's row: the area it belongs to and whether reading it is audited."""

    area: Area
    audited: bool = False

    @property
    def roles(self) -> frozenset[Role]:
        """The roles let through this door."""
        return ACCESS[self.area]


# (method, path under /api/v1) → door. Login itself needs no token and has no row here (PUBLIC).
ROUTES: Mapping[tuple[str, str], Door] = MappingProxyType(
    {
        ("GET", "/me"): Door(Area.SIGNED_IN),
        # Rooms, not people.
        ("GET", "/quantities"): Door(Area.ENVIRONMENT),
        ("GET", "/site"): Door(Area.ENVIRONMENT),
        ("GET", "/zones"): Door(Area.ENVIRONMENT),
        ("GET", "/latest"): Door(Area.ENVIRONMENT),
        ("GET", "/zones/{zone_id}/latest"): Door(Area.ENVIRONMENT),
        ("GET", "/readings"): Door(Area.ENVIRONMENT),
        # The floor plan: every zone drawn where it is; admin places them.
        ("GET", "/site/plan"): Door(Area.ENVIRONMENT),
        ("PUT", "/site/plan"): Door(Area.ADMIN),
        # Environment alerts are room data: everyone reads them; facilities (and admin) acknowledge them.
        ("GET", "/alerts"): Door(Area.ENVIRONMENT),
        ("GET", "/alerts/rules"): Door(Area.ENVIRONMENT),
        # The action catalogue: changes to rooms and what they cost, no one's data.
        ("GET", "/actions"): Door(Area.ENVIRONMENT),
        ("POST", "/alerts/{alert_id}/ack"): Door(Area.ALERTS_ACK),
        ("GET", "/sensors/health"): Door(Area.GATEWAY),
        ("GET", "/dead-letters"): Door(Area.GATEWAY),
        ("GET", "/devices"): Door(Area.GATEWAY),
        # Operations data per answer group: answer rates and NKI, not personal data.
        ("GET", "/goals/answer-rate/weekly"): Door(Area.GOALS),
        ("GET", "/goals/nki"): Door(Area.GOALS),
        ("GET", "/goals/tertial/{year}"): Door(Area.GOALS),
        # Citizen feedback per tertial, department and category: counts, no citizen's name, contact or text.
        ("GET", "/feedback"): Door(Area.REPORTS),
        # The tertial period report: the centre's sick leave (never a group's) and the forecast are in it, so audited.
        ("GET", "/reports/tertial/{period}"): Door(Area.REPORTS, audited=True),
        # Computed from the absence file: audited.
        ("GET", "/evidence/associations"): Door(Area.EVIDENCE, audited=True),
        ("GET", "/evidence/exposure"): Door(Area.EVIDENCE),
        ("GET", "/evidence/actions"): Door(Area.EVIDENCE, audited=True),
        ("GET", "/evidence/follow-up"): Door(Area.EVIDENCE, audited=True),
        ("GET", "/forecast"): Door(Area.FORECAST, audited=True),
        ("GET", "/forecast/scenarios"): Door(Area.FORECAST, audited=True),
        ("GET", "/forecast/backtest"): Door(Area.FORECAST, audited=True),
        ("GET", "/absence"): Door(Area.ABSENCE, audited=True),
        # The improvement board: everyone reads it; manager, facilities and admin propose, edit and move items.
        ("GET", "/board/items"): Door(Area.BOARD),
        ("POST", "/board/items"): Door(Area.BOARD_EDIT),
        ("GET", "/board/items/{item_id}"): Door(Area.BOARD),
        ("PATCH", "/board/items/{item_id}"): Door(Area.BOARD_EDIT),
        ("GET", "/board/items/{item_id}/history"): Door(Area.BOARD),
        ("GET", "/board/meeting"): Door(Area.BOARD),
        # Who may do what, and who read what.
        ("GET", "/audit"): Door(Area.AUDIT),
        ("GET", "/audit.csv"): Door(Area.AUDIT),
        ("GET", "/users"): Door(Area.ADMIN),
        ("PUT", "/users/{username}"): Door(Area.ADMIN),
        ("DELETE", "/users/{username}"): Door(Area.ADMIN),
        ("GET", "/tokens"): Door(Area.ADMIN),
        ("POST", "/tokens"): Door(Area.ADMIN),
        ("DELETE", "/tokens/{token_id}"): Door(Area.ADMIN),
        ("POST", "/records/purge"): Door(Area.ADMIN),
        ("POST", "/records/erase"): Door(Area.ADMIN),
        # Files in: HR, operations and sensor history, as `officewell import` takes them.
        ("GET", "/imports"): Door(Area.ADMIN),
        ("POST", "/imports/readings"): Door(Area.ADMIN),
        ("POST", "/imports/{kind}"): Door(Area.ADMIN),
    }
)
PUBLIC: frozenset[tuple[str, str]] = frozenset({("POST", "/auth/token")})


class MatrixError(RuntimeError):
    """The app's routes and the role matrix disagree: a route without a row, or a row without a route."""


def door_of(method: str, path: str) -> Door | None:
    """The row of a route given its method and path template, with or without the /api/v1 prefix; else None.

    FastAPI gives a route its own router's path ("/evidence/associations"): the /api/v1 of the router it is
    included in is not part of it (older FastAPI versions included it).
    """
    return ROUTES.get((method.upper(), path.removeprefix(PREFIX)))


def check_routes(routes: set[tuple[str, str]]) -> None:
    """Raise MatrixError unless the routes under /api/v1 (method, full path) are the matrix's rows and PUBLIC."""
    routes = {(m, p) for m, p in routes if p.startswith(PREFIX + "/")}
    rows = {(m, PREFIX + p) for m, p in ROUTES} | {(m, PREFIX + p) for m, p in PUBLIC}
    missing = sorted(routes - rows)
    stale = sorted(rows - routes)
    problems = [f"{m} {p} has no row in api.access.ROUTES" for m, p in missing]
    problems += [f"api.access.ROUTES names {m} {p}, which no route serves" for m, p in stale]
    if problems:
        raise MatrixError("; ".join(problems))


def matrix() -> list[dict[str, object]]:
    """The matrix as rows for docs and `officewell roles`: method, path, area, audited, and yes/no per role."""
    rows: list[dict[str, object]] = []
    for (method, path), door in sorted(ROUTES.items(), key=lambda item: (item[0][1], item[0][0])):
        row: dict[str, object] = {"method": method, "path": PREFIX + path, "area": door.area.value}
        row |= {"audited": door.audited} | {role.value: role in door.roles for role in Role}
        rows.append(row)
    return rows
