"""The role matrix, route by route: generated from api.access.ROUTES, so a new route without a row fails here."""

from __future__ import annotations

import pytest

from api import access
from api.access import PREFIX, PUBLIC, ROUTES, MatrixError, check_routes, matrix
from api.app import create_app
from api.security import ACCESS, Area, Role

# A value for each path parameter: real where the fixture has one, harmless otherwise.
PATH_VALUES = {
    "zone_id": "z1",
    "year": "2026",
    "username": "nobody-here",
    "token_id": "0123456789ab",
    "item_id": "999999",
    "alert_id": "999999",
    "kind": "absences",
    "period": "2026-T3",
}
CASES = [(method, path, role) for (method, path) in sorted(ROUTES) for role in Role]


def url_of(path: str) -> str:
    """The route's path with its parameters filled in."""
    for name, value in PATH_VALUES.items():
        path = path.replace("{" + name + "}", value)
    assert "{" not in path, f"add a value for the parameter of {path} to PATH_VALUES"
    return PREFIX + path


@pytest.mark.parametrize(("method", "path", "role"), CASES, ids=[f"{m} {p} {r.value}" for m, p, r in CASES])
def test_each_route_lets_in_exactly_the_roles_of_its_row(field_api, method, path, role):
    door = ROUTES[(method, path)]
    # An empty JSON body: a role let in gets past the door and then a 4xx for the body, never a 401 or 403.
    answer = field_api.client.request(method, url_of(path), headers=field_api.headers[role], json={})
    if role in door.roles:
        assert answer.status_code not in (401, 403), answer.text
        assert answer.status_code < 500 or answer.status_code == 503, answer.text
    else:
        assert answer.status_code == 403, answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert role.value in answer.json()["detail"]


@pytest.mark.parametrize(("method", "path"), sorted(ROUTES), ids=[f"{m} {p}" for m, p in sorted(ROUTES)])
def test_each_route_wants_a_login(field_api, method, path):
    answer = field_api.client.request(method, url_of(path), json={})
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"] == "Bearer"


def test_every_area_has_admin_and_every_role_has_a_way_in():
    assert all(Role.ADMIN in roles for roles in ACCESS.values())
    assert set(ACCESS) == set(Area)
    for role in Role:
        assert any(role in door.roles for door in ROUTES.values()), role


def test_health_data_stays_behind_its_doors():
    # standards.md "Privacy": one answer group's absence is HR's (and admin's), and who read it is too.
    assert ACCESS[Area.TEAM_ABSENCE] == {Role.HR, Role.ADMIN}
    assert ACCESS[Area.AUDIT] == {Role.HR, Role.ADMIN}
    assert ACCESS[Area.ADMIN] == {Role.ADMIN}
    audited = {path for (_m, path), door in ROUTES.items() if door.audited}
    assert {"/forecast", "/evidence/associations", "/evidence/follow-up"} <= audited


def test_the_app_does_not_start_with_a_route_missing_from_the_matrix(example_site, monkeypatch, field_api):
    smaller = dict(ROUTES)
    del smaller[("GET", "/dead-letters")]
    monkeypatch.setattr(access, "ROUTES", smaller)
    with pytest.raises(MatrixError, match="GET /api/v1/dead-letters has no row"):
        create_app(field_api.services)


def test_the_app_does_not_start_with_a_row_for_no_route(monkeypatch, field_api):
    monkeypatch.setattr(access, "ROUTES", dict(ROUTES) | {("GET", "/nowhere"): access.Door(Area.GOALS)})
    with pytest.raises(MatrixError, match="names GET /api/v1/nowhere, which no route serves"):
        create_app(field_api.services)


def test_check_routes_ignores_what_is_outside_the_api():
    rows = {(m, PREFIX + p) for m, p in ROUTES} | {(m, PREFIX + p) for m, p in PUBLIC}
    check_routes(rows | {("GET", "/healthz"), ("GET", "/facilities")})


def test_the_printed_matrix_has_a_row_per_route_and_a_column_per_role():
    rows = matrix()
    assert len(rows) == len(ROUTES)
    first = rows[0]
    assert set(first) == {"method", "path", "area", "audited"} | {r.value for r in Role}
    forecast = next(r for r in rows if r["path"] == "/api/v1/forecast")
    assert forecast["manager"] is True
    assert forecast["facilities"] is False
    assert forecast["audited"] is True
