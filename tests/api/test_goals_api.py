"""Goal follow-up through the API, on a records store filled by the real importers from a generated centre."""

from datetime import date

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.deps import Services
from api.security import Role, TokenSigner
from api.users import MemoryUserDirectory
from gateway.deadletter_log import MemoryDeadLetterLog
from gateway.stores import MemoryReadingStore
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
def client(example_site, records):
    users = MemoryUserDirectory()
    for role in Role:
        users.add(role.value, role, f"{role.value}-password")
    services = Services(
        example_site, MemoryReadingStore(), MemoryDeadLetterLog(), users, TokenSigner("g" * 40), records=records[0]
    )
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
