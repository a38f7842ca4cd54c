"""Privacy, route by route from the role matrix: no answer group's absence for managers and facilities.

Not directly, not as a difference of two allowed figures, not in an export or the audit log.

standards.md "Privacy": answer groups have three people; views for managers and facilities show absence only for
groups of at least five, and suppress a second group wherever a hidden one could be worked out by subtraction.
"""

from __future__ import annotations

from typing import Any

import pytest

from api.access import PREFIX, ROUTES
from api.security import Role
from tests.api.test_roles import url_of

# Fields that count a group's absence, in any answer of the API.
ABSENCE_FIELDS = {
    "spells",
    "sick_days",
    "sick_days_per_fte",
    "events",
    "short_term_sick_spells",
    "short_term_sick_days",
    "sick_leave_before",
    "sick_leave_after",
}
CENTRE = {None, "total", "centre"}
RESTRICTED = (Role.MANAGER, Role.FACILITIES)
GETS = sorted(path for (method, path), door in ROUTES.items() if method == "GET")


def group_absence(body: Any, where: str = "") -> list[str]:
    """Where in an answer a named answer group carries a non-null absence figure."""
    found = []
    if isinstance(body, dict):
        team = body.get("team")
        if team not in CENTRE and isinstance(team, str):
            found += [f"{where}.{k}" for k in ABSENCE_FIELDS if body.get(k) is not None]
        for key, value in body.items():
            found += group_absence(value, f"{where}.{key}")
    elif isinstance(body, list):
        for n, value in enumerate(body):
            found += group_absence(value, f"{where}[{n}]")
    return found


@pytest.mark.parametrize("role", RESTRICTED, ids=[r.value for r in RESTRICTED])
@pytest.mark.parametrize("path", GETS)
def test_no_route_shows_a_restricted_role_a_groups_absence(field_api, role, path):
    door = ROUTES[("GET", path)]
    answer = field_api.client.get(url_of(path), headers=field_api.headers[role])
    if role not in door.roles:
        assert answer.status_code == 403
        return
    if answer.status_code != 200 or not answer.headers["content-type"].startswith("application/json"):
        return  # a 404 for the test's made-up id, or a service this test's server lacks: nothing shown
    assert group_absence(answer.json()) == [], f"{role.value} sees group absence at GET {PREFIX}{path}"


def test_the_scanner_finds_what_hr_may_see(field_api):
    # The same scan on HR's answer finds the groups' figures: it would catch a leak.
    answer = field_api.client.get("/api/v1/absence", headers=field_api.headers[Role.HR])
    assert group_absence(answer.json()) != []


@pytest.mark.parametrize("period", ["week", "month"])
def test_no_group_follows_from_the_centre_minus_the_groups_shown(field_api, period):
    params = {"period": period, "since": "2026-01-01", "until": "2026-02-09"}
    body = field_api.client.get("/api/v1/absence", headers=field_api.headers[Role.MANAGER], params=params).json()
    for centre in body["centre"]:
        rows = [r for r in body["teams"] if r["period_start"] == centre["period_start"]]
        hidden = [r for r in rows if r["suppressed"]]
        # Either the centre is hidden too, or at least two groups are: a difference names nobody.
        assert centre["spells"] is None or len(hidden) != 1


def test_weekly_and_monthly_views_side_by_side_leave_no_group_to_subtract(field_api):
    headers = field_api.headers[Role.MANAGER]
    span = {"since": "2026-01-05", "until": "2026-02-01"}
    weeks = field_api.client.get("/api/v1/absence", headers=headers, params=span | {"period": "week"}).json()
    months = field_api.client.get("/api/v1/absence", headers=headers, params=span | {"period": "month"}).json()
    hidden_weeks = {(r["team"], r["period_start"][:7]) for r in weeks["teams"] if r["suppressed"]}
    for month in months["teams"]:
        # A group's month is shown only if each of its weeks in that month is: month − weeks reveals nothing.
        assert month["suppressed"] or (month["team"], month["period_start"][:7]) not in hidden_weeks
    # With twelve groups of three, the manager sees none of them, in either view.
    assert all(r["suppressed"] for r in weeks["teams"] + months["teams"])


def test_the_audit_log_and_its_export_are_closed_to_managers_and_facilities(field_api):
    for role in RESTRICTED:
        for path in ("/api/v1/audit", "/api/v1/audit.csv"):
            assert field_api.client.get(path, headers=field_api.headers[role]).status_code == 403
