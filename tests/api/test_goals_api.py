"""Goal follow-up through the API, on a records store filled by the real importers from a generated centre."""

from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.deps import Services
from api.security import Role
from api.tokens import TokenSigner
from api.users import MemoryUserDirectory
from gateway.deadletter_log import MemoryDeadLetterLog
from gateway.stores import MemoryReadingStore
from models.targets import GoalTargets
from records.importers import import_file
from records.store import RecordsStore
from synthetic.centre import GeneratorConfig, generate_centre

START, END = date(2025, 1, 1), date(2025, 12, 31)


@pytest.fixture(scope="module")
def records(example_site, tmp_path_factory):
    directory = tmp_path_factory.mktemp("centre")
    centre = generate_centre(example_site, START, END, seed=5, config=GeneratorConfig().quick())
    files = centre.write_csv(directory)
    store = RecordsStore.open(f"sqlite:///{directory / 'records.db'}", "p" * 40)
    for kind in ("staff", "absences", "calls", "nki"):
        import_file(store, kind, files[kind], site=example_site)
    yield store, centre
    store.close()


@pytest.fixture
def services(example_site, records):
    users = MemoryUserDirectory()
    for role in Role:
        users.add(role.value, role, f"{role.value}-password")
    return Services(
        example_site, MemoryReadingStore(), MemoryDeadLetterLog(), users, TokenSigner("g" * 40), records=records[0]
    )


@pytest.fixture
def client(services):
    return TestClient(create_app(services))


def headers(client, role: Role) -> dict[str, str]:
    token = client.post("/api/v1/auth/token", data={"username": role.value, "password": f"{role.value}-password"})
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


def test_weekly_answer_rate_matches_the_generated_calls(client, records):
    body = client.get(
        "/api/v1/goals/answer-rate/weekly",
        params={"start": "2025-03-03", "end": "2025-03-30"},
        headers=headers(client, Role.MANAGER),
    ).json()
    total = [w for w in body["weeks"] if w["team"] == "total"]
    assert [w["week"] for w in total] == ["2025-W10", "2025-W11", "2025-W12", "2025-W13"]
    calls = records[1].calls
    local = calls["interval_start"].dt.tz_convert("Europe/Stockholm")
    march = calls[(local >= "2025-03-03") & (local < "2025-03-31")]
    assert sum(w["offered"] for w in total) == int(march["offered"].sum())
    assert sum(w["answered"] for w in total) == int(march["answered"].sum())
    for week in total:
        assert week["met"] == (week["answer_rate"] >= 0.95)


def test_tertial_report_and_nki(client):
    report = client.get("/api/v1/goals/tertial/2025", headers=headers(client, Role.HR)).json()
    assert [t["tertial"] for t in report["centre"]] == ["2025-T1", "2025-T2", "2025-T3"]
    nki = client.get("/api/v1/goals/nki", headers=headers(client, Role.ADMIN)).json()["results"]
    dimensions = {r["dimension"] for r in nki}
    assert {"treatment", "knowledge"} <= dimensions
    treatment = [r for r in nki if r["dimension"] == "treatment" and r["team"] == "total"]
    assert all(r["target"] == 4.3 for r in treatment)


def test_goal_follow_up_is_not_for_facilities(client):
    assert client.get("/api/v1/goals/nki", headers=headers(client, Role.FACILITIES)).status_code == 403
    assert client.get("/api/v1/goals/tertial/1999", headers=headers(client, Role.MANAGER)).status_code == 422


def test_weeks_have_one_shape_on_every_route(client):
    """A week row is the same on the weekly route and in the tertial report: ISO date, ints, null for NaN."""
    manager = headers(client, Role.MANAGER)
    weekly = client.get(
        "/api/v1/goals/answer-rate/weekly", params={"start": "2025-03-03", "end": "2025-03-30"}, headers=manager
    ).json()
    report = client.get("/api/v1/goals/tertial/2025", headers=manager).json()
    in_report = {(w["team"], w["week"]): w for w in report["weeks"]}
    assert weekly["weeks"]
    for week in weekly["weeks"]:
        assert date.fromisoformat(week["week_start"]).weekday() == 0  # a plain ISO date, a Monday
        assert in_report[(week["team"], week["week"])] == {**week, "tertial": "2025-T1"}
    assert all(len(w["week_start"]) == 10 for w in report["weeks"])
    assert all(len(t["start"]) == 10 and len(t["end"]) == 10 for t in report["centre"])
    nki = client.get("/api/v1/goals/nki", headers=manager).json()["results"]
    assert all(len(r["period_start"]) == 10 for r in nki)
    no_target = [r for r in nki if r["dimension"] == "overall"]
    assert no_target
    assert {(r["target"], r["met"], r["gap"]) for r in no_target} == {(None, None, None)}  # NaN/NA as null


def test_targets_come_from_the_services(client, services):
    """The settings' targets, through Services, decide every target and verdict the goals routes send."""
    services.targets = GoalTargets(answer_rate=0.9, nki={"treatment": 4.5, "knowledge": 3.0})
    manager = headers(client, Role.MANAGER)
    weekly = client.get(
        "/api/v1/goals/answer-rate/weekly", params={"start": "2025-01-01", "end": "2025-12-31"}, headers=manager
    ).json()
    assert weekly["target"] == 0.9
    rated = [w for w in weekly["weeks"] if w["answer_rate"] is not None]
    assert all(w["met"] == (w["answer_rate"] >= 0.9) for w in rated)
    assert any(0.9 <= w["answer_rate"] < 0.95 for w in rated), "some weeks meet 90 % but not 95 %"
    assert all(w["gap_pp"] == pytest.approx(100 * (w["answer_rate"] - 0.9)) for w in rated)
    nki = client.get("/api/v1/goals/nki", headers=manager).json()
    assert nki["targets"] == {"treatment": 4.5, "knowledge": 3.0}
    for row in nki["results"]:
        if row["dimension"] in nki["targets"]:
            assert row["target"] == nki["targets"][row["dimension"]]
            assert row["met"] == (row["score"] >= row["target"])
    report = client.get("/api/v1/goals/tertial/2025", headers=manager).json()
    assert report["target_answer_rate"] == 0.9
    assert report["nki_targets"] == {"treatment": 4.5, "knowledge": 3.0}
    assert all(t["met"] == (t["answer_rate"] >= 0.9) for t in report["centre"])
    year = report["year_total"]
    assert (year["start"], year["end"]) == ("2025-01-01", "2025-12-31")
    assert year["offered"] == sum(t["offered"] for t in report["centre"])
    assert year["answer_rate"] == pytest.approx(year["answered"] / year["offered"])
    assert year["met"] == (year["answer_rate"] >= 0.9)


def test_the_last_n_weeks_and_their_calendar(client):
    manager = headers(client, Role.MANAGER)
    body = client.get(
        "/api/v1/goals/answer-rate/weekly", params={"weeks": 3, "end": "2025-03-19"}, headers=manager
    ).json()
    assert (body["start"], body["end"]) == ("2025-03-03", "2025-03-19")
    assert body["calendar"] == [
        {"week": "2025-W10", "start": "2025-03-03", "end": "2025-03-09"},
        {"week": "2025-W11", "start": "2025-03-10", "end": "2025-03-16"},
        {"week": "2025-W12", "start": "2025-03-17", "end": "2025-03-23"},
    ]
    # Weeks without any calls are in the calendar, not among the rows: the centre's data end in 2025.
    body = client.get(
        "/api/v1/goals/answer-rate/weekly", params={"weeks": 4, "end": "2026-01-14"}, headers=manager
    ).json()
    assert [w["week"] for w in body["calendar"]] == ["2025-W52", "2026-W01", "2026-W02", "2026-W03"]
    assert {w["week"] for w in body["weeks"]} == {"2025-W52", "2026-W01"}
    both = client.get("/api/v1/goals/answer-rate/weekly", params={"weeks": 4, "start": "2025-03-03"}, headers=manager)
    assert both.status_code == 422
    assert "not both" in both.json()["detail"]


def test_today_is_the_api_clocks_date_at_the_site(client, services):
    # 23:30 UTC on 18 March is 00:30 on 19 March in Stockholm.
    services.now = lambda: datetime(2025, 3, 18, 23, 30, tzinfo=UTC)
    body = client.get("/api/v1/goals/answer-rate/weekly", headers=headers(client, Role.MANAGER)).json()
    assert (body["start"], body["end"]) == ("2024-12-25", "2025-03-19")
    site = client.get("/api/v1/site", headers=headers(client, Role.MANAGER)).json()
    assert site["today"] == "2025-03-19"
    assert site["current_week"] == {"week": "2025-W12", "start": "2025-03-17", "end": "2025-03-23"}
