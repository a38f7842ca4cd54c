"""Absence per team and period through the API: every team for HR and admin, no answer group for the others."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pandas as pd
import pytest

from api.access import ROUTES, Door
from api.security import Area, Role
from models.absence import short_term_spells
from tests.api.conftest import FieldApi

RANGE = {"since": "2026-01-01", "until": "2026-02-09"}  # the generated centre's two months
TEAMS = {f"team-{k}" for k in range(1, 13)}  # twelve answer groups of three people
VALUES = ("headcount", "fte_days", "spells", "sick_days", "sick_days_per_fte")


def get(field_api: FieldApi, role: Role, **params: str) -> Any:
    answer = field_api.client.get("/api/v1/absence", params=params, headers=field_api.headers[role])
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_the_route_is_in_the_matrix_for_every_role_and_audited() -> None:
    assert ROUTES[("GET", "/absence")] == Door(Area.ABSENCE, audited=True)
    assert ROUTES[("GET", "/absence")].roles == frozenset(Role)


def test_it_needs_a_login(field_api: FieldApi) -> None:
    assert field_api.client.get("/api/v1/absence").status_code == 401


@pytest.mark.parametrize("role", [Role.HR, Role.ADMIN])
def test_hr_and_admin_see_every_team_with_its_numbers(field_api: FieldApi, role: Role) -> None:
    body = get(field_api, role, period="month", **RANGE)
    assert (body["view"], body["period"], body["since"], body["until"]) == ("full", "month", "2026-01-01", "2026-02-28")
    assert {row["team"] for row in body["teams"]} == TEAMS
    assert len(body["teams"]) == 12 * 2
    assert not any(row["suppressed"] for row in body["teams"])
    assert all(row["headcount"] >= 1 and row["spells"] is not None for row in body["teams"])
    teams = pd.DataFrame(body["teams"])
    centre = pd.DataFrame(body["centre"]).set_index("period_start")
    by_month = teams.groupby("period_start")[["spells", "sick_days", "fte_days"]].sum()
    assert by_month["spells"].to_dict() == centre["spells"].to_dict()
    assert by_month["sick_days"].to_numpy() == pytest.approx(centre["sick_days"].to_numpy())

    # Counted again from the records: the short-term spells that start in January.
    records = field_api.services.records
    assert records is not None
    spells = short_term_spells(records.absences_frame(date(2025, 9, 1), date(2026, 2, 28)))
    in_january = spells["start_date"].between(pd.Timestamp("2026-01-01"), pd.Timestamp("2026-01-31"))
    assert centre.loc["2026-01-01", "spells"] == int(in_january.sum())
    assert body["rules"].startswith("You see every answer group")


@pytest.mark.parametrize("role", [Role.MANAGER, Role.FACILITIES])
def test_managers_and_facilities_see_the_centre_but_no_answer_group(field_api: FieldApi, role: Role) -> None:
    full = {p: get(field_api, Role.HR, period=p, **RANGE) for p in ("week", "month")}
    shown = {p: get(field_api, role, period=p, **RANGE) for p in ("week", "month")}
    for period, body in shown.items():
        assert body["view"] == "restricted"
        assert "at least 5 people" in body["rules"]
        assert {row["team"] for row in body["teams"]} == TEAMS
        for row in body["teams"]:  # three people each: nothing of any group, not even its headcount
            assert row["suppressed"] is True
            assert row["reason"] in ("small_group", "complementary")
            assert all(row[value] is None for value in VALUES)
        # The centre is shown, with HR's figures…
        assert not any(row["suppressed"] for row in body["centre"])
        assert [r["spells"] for r in body["centre"]] == [r["spells"] for r in full[period]["centre"]]
        # …and total − shown groups is the sum of at least two hidden groups in every week and month.
        for start in {row["period_start"] for row in body["teams"]}:
            rows = [row for row in body["teams"] if row["period_start"] == start]
            assert sum(row["suppressed"] for row in rows) >= 2
            assert not any(row["spells"] is not None for row in rows)
    # Side by side: no group's month is shown while a week of it is hidden.
    shown_months = {(r["team"], r["period_start"]) for r in shown["month"]["teams"] if not r["suppressed"]}
    assert shown_months == set()


def test_the_team_filter_lists_one_group_and_keeps_the_centre(field_api: FieldApi) -> None:
    body = get(field_api, Role.MANAGER, period="week", team="team-3", **RANGE)
    assert {row["team"] for row in body["teams"]} == {"team-3"}
    assert all(row["suppressed"] for row in body["teams"])
    assert len(body["centre"]) == len(body["teams"]) == 7  # ISO weeks 2025-12-29 … 2026-02-09
    assert body["data"]["teams"] == 1


def test_data_says_how_many_people_the_figures_cover_and_the_read_is_audited(field_api: FieldApi) -> None:
    records = field_api.services.records
    assert records is not None
    staff = records.staff_frame(date(2026, 1, 1), date(2026, 2, 28))
    body = get(field_api, Role.HR, period="month", **RANGE)
    data = body["data"]
    assert isinstance(data["people"], int)
    assert data["people"] >= staff["employee"].nunique() >= 36
    assert (data["periods"], data["teams"]) == (2, 12)
    assert data["records_from"] is not None
    assert 0 <= data["complete_periods"] <= 2
    manager = get(field_api, Role.MANAGER, period="month", **RANGE)
    assert manager["data"]["people"] == data["people"]  # the centre's figures cover everyone

    entries, _ = records.audit_page(action="read", limit=1)
    entry = entries[0]
    assert (entry.actor, entry.resource) == ("manager", "GET /absence")
    assert entry.details["people"] == manager["data"]["people"]
    assert entry.details["filters"] == {"period": "month"} | RANGE


def test_the_defaults_are_the_last_twelve_months_up_to_today(field_api: FieldApi) -> None:
    body = get(field_api, Role.HR)
    assert (body["period"], body["since"], body["until"]) == ("month", "2025-02-01", "2026-02-28")
    weeks = get(field_api, Role.HR, period="week")
    assert date.fromisoformat(weeks["until"]) == date(2026, 2, 15)  # the Sunday of today's week (2026-02-10)
    assert date.fromisoformat(weeks["until"]) - date.fromisoformat(weeks["since"]) == timedelta(weeks=13, days=-1)


@pytest.mark.parametrize(
    ("params", "detail"),
    [
        ({"period": "day"}, "period (query)"),
        ({"since": "2026-02-01", "until": "2026-01-01"}, "before since"),
        ({"since": "2019-01-01", "until": "2026-02-01"}, "more than 5 years"),
        ({"until": "1999-12-31"}, "outside the days the API serves"),
        ({"since": "yesterday"}, "since (query)"),
        ({"team": "team-99"}, "unknown team"),
    ],
)
def test_bad_periods_and_ranges_are_422_with_a_sentence(
    field_api: FieldApi, params: dict[str, str], detail: str
) -> None:
    answer = field_api.client.get("/api/v1/absence", params=params, headers=field_api.headers[Role.HR])
    assert answer.status_code == 422
    assert detail in str(answer.json()["detail"])
