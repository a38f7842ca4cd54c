"""Absence per team and period through the API: every team for HR and admin, no answer group for the others."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.access import ROUTES, Door
from api.app import create_app
from api.deps import Services
from api.security import Area, Role
from api.tokens import TokenSigner
from api.users import MemoryUserDirectory
from gateway.deadletter_log import SQLiteDeadLetterLog
from gateway.stores.sqlite import SQLiteReadingStore
from models.absence import short_term_spells
from records.importers import import_file
from records.store import RecordsStore
from sensors.site import Site
from tests.api.conftest import FIELD_NOW, FIELD_PASSWORD, FieldApi

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


# ----- a period's figures, whatever range is asked ----------------------------------------------------

EDGE_STAFF = "employee_id,team,start_date,end_date,fte\n" + "".join(
    f"EMP-{t}00{k}-K,team-{t},2024-01-01,,1\n" for t in (1, 2, 3) for k in (1, 2, 3)
)
EDGE_ABSENCES = (
    "employee_id,team,start_date,end_date,reason,extent_pct\n"
    "EMP-1001-K,team-1,2025-11-20,2025-11-30,sick,100\n"  # 11 days up to the block edge (1 December 2025) …
    "EMP-1001-K,team-1,2025-12-03,2025-12-10,sick,100\n"  # … ill again 3 days later: 19 sick days, long-term
    "EMP-2002-K,team-2,2025-11-03,2025-11-04,sick,100\n"  # a short spell in November
    "EMP-3001-K,team-3,2025-10-28,2025-11-03,sick,100\n"  # a short spell from October: 3 November days
)


@pytest.fixture(scope="module")
def edge_api(example_site: Site, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FieldApi]:
    """Three groups of three and the reviewer's spell across the block edge of 1 December 2025, nothing else."""
    directory = tmp_path_factory.mktemp("edge")
    store = SQLiteReadingStore(directory / "readings.db")
    records = RecordsStore.open(f"sqlite:///{directory / 'records.db'}", "e" * 40)
    for kind, text in (("staff", EDGE_STAFF), ("absences", EDGE_ABSENCES)):
        import_file(records, kind, content=text.encode(), file_name=f"{kind}.csv", site=example_site)
    users = MemoryUserDirectory()
    for role in (Role.HR, Role.MANAGER):
        users.add(role.value, role, FIELD_PASSWORD)
    services = Services(
        example_site,
        store,
        SQLiteDeadLetterLog(directory / "state.db"),
        users,
        TokenSigner("e" * 40),
        records=records,
        now=lambda: FIELD_NOW,
    )
    client = TestClient(create_app(services))
    headers = {}
    for role in (Role.HR, Role.MANAGER):
        token = client.post("/api/v1/auth/token", data={"username": role.value, "password": FIELD_PASSWORD})
        headers[role] = {"Authorization": f"Bearer {token.json()['access_token']}"}
    try:
        yield FieldApi(client, services, headers)
    finally:
        client.close()
        store.close()
        records.close()


def rows_by_period(body: Any) -> dict[tuple[str, str], dict[str, Any]]:
    """Every team and centre row of an answer, by (period_start, team)."""
    return {(row["period_start"], row["team"]): row for row in [*body["teams"], *body["centre"]]}


@pytest.mark.parametrize("role", [Role.HR, Role.MANAGER])
def test_a_spell_across_a_block_edge_counts_the_same_whatever_range_is_asked(edge_api: FieldApi, role: Role) -> None:
    # The reviewer's case: asked for November alone, the December rows of team-1's spell used not to be read,
    # and November counted 11 days of a short spell; asked up to December, none.
    ranges = [
        ("2025-11-01", "2025-11-30"),
        ("2025-11-01", "2025-12-31"),
        ("2025-09-01", "2025-11-30"),
        ("2025-10-15", "2026-02-10"),
    ]
    novembers = []
    for since, until in ranges:
        rows = rows_by_period(get(edge_api, role, period="month", since=since, until=until))
        novembers.append({team: row for (start, team), row in rows.items() if start == "2025-11-01"})
    assert all(other == novembers[0] for other in novembers[1:])
    total = novembers[0]["total"]
    assert (total["suppressed"], total["spells"], total["sick_days"]) == (False, 1, 5.0)
    if role == Role.HR:
        assert novembers[0]["team-1"]["sick_days"] == 0.0  # the 19-day spell is long-term
    else:
        assert all(novembers[0][f"team-{t}"]["suppressed"] for t in (1, 2, 3))


EDGE_DAY = st.integers(-75, 75).map(lambda k: date(2025, 12, 1) + timedelta(days=k))  # around the block edge


# At most 106 days: the latest start (14 February 2026) then ends on 31 May 2026, inside the range compared with.
@given(st.sampled_from(["week", "month"]), EDGE_DAY, st.integers(0, 106), st.sampled_from([Role.HR, Role.MANAGER]))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_every_period_reads_the_same_in_any_range_around_a_block_edge(
    edge_api: FieldApi, period: str, since: date, days: int, role: Role
) -> None:
    until = since + timedelta(days=days)
    asked = rows_by_period(get(edge_api, role, period=period, since=since.isoformat(), until=until.isoformat()))
    around = rows_by_period(get(edge_api, role, period=period, since="2025-06-01", until="2026-05-31"))
    assert asked == {key: around[key] for key in asked}
