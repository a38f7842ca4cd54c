"""GET /api/v1/alerts and POST /api/v1/alerts/{id}/ack on a real records database."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from api.app import create_app
from api.deps import Services
from api.security import Role
from api.tokens import TokenSigner
from api.users import MemoryUserDirectory
from gateway.deadletter_log import MemoryDeadLetterLog
from gateway.stores import MemoryReadingStore
from records.alert_store import SqlAlertStore
from records.alerts import AlertKey, NewAlert
from records.store import RecordsStore
from sensors.site import Site

NOW = datetime(2026, 2, 10, 9, 30, tzinfo=UTC)
PASSWORD = "alerts-tested-password"


@dataclass
class AlertsApi:
    client: TestClient
    alerts: SqlAlertStore
    records: RecordsStore
    headers: dict[Role, dict[str, str]]


@pytest.fixture
def api(example_site: Site, tmp_path: Path) -> Iterator[AlertsApi]:
    records = RecordsStore.open(f"sqlite:///{tmp_path / 'records.db'}", "a" * 40)
    alerts = SqlAlertStore(records.engine)
    users = MemoryUserDirectory()
    for role in Role:
        users.add(role.value, role, PASSWORD)
    services = Services(
        example_site, MemoryReadingStore(), MemoryDeadLetterLog(), users, TokenSigner("a" * 40),
        records=records, alerts=alerts, now=lambda: NOW,
    )  # fmt: skip
    client = TestClient(create_app(services))
    headers = {}
    for role in Role:
        token = client.post("/api/v1/auth/token", data={"username": role.value, "password": PASSWORD})
        headers[role] = {"Authorization": f"Bearer {token.json()['access_token']}"}
    yield AlertsApi(client, alerts, records, headers)
    client.close()
    records.close()


def raise_one(alerts: SqlAlertStore, zone: str = "z3", quantity: str = "co2_ppm", minutes_ago: int = 30) -> int:
    at = NOW - timedelta(minutes=minutes_ago)
    new = NewAlert(zone, quantity, "high", 1000.0, 1150.0, 1200.0, at - timedelta(minutes=10), at)
    return alerts.raise_alert(new).id


def test_every_role_lists_the_open_alerts_with_names_and_units(api: AlertsApi):
    alert_id = raise_one(api.alerts)
    for role in Role:
        answer = api.client.get("/api/v1/alerts", headers=api.headers[role])
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert (body["total"], body["limit"], body["offset"]) == (1, 100, 0)
        [item] = body["items"]
        assert item["id"] == alert_id
        assert item["zone_name"] == "Svarsgrupp 3"
        assert (item["label"], item["unit"], item["side"]) == ("CO₂", "ppm", "high")
        assert item["open"] is True
        assert item["cleared_at"] is None


def test_filters_by_state_and_zone_and_pages(api: AlertsApi):
    first = raise_one(api.alerts, "z1", minutes_ago=50)
    api.alerts.clear_alert(AlertKey("z1", "co2_ppm", "high"), NOW - timedelta(minutes=20), 1300.0)
    raise_one(api.alerts, "z1", "sound_dba", minutes_ago=40)
    raise_one(api.alerts, "z2", minutes_ago=10)
    facilities = api.headers[Role.FACILITIES]

    def ids(query: str) -> list[int]:
        answer = api.client.get(f"/api/v1/alerts?{query}", headers=facilities)
        assert answer.status_code == 200, answer.text
        return [item["id"] for item in answer.json()["items"]]

    assert len(ids("")) == 2  # open by default
    assert ids("state=cleared") == [first]
    assert len(ids("state=all")) == 3
    assert len(ids("state=all&zone=z1")) == 2
    paged = api.client.get("/api/v1/alerts?state=all&limit=1&offset=1", headers=facilities).json()
    assert paged["total"] == 3
    assert len(paged["items"]) == 1
    assert api.client.get("/api/v1/alerts?state=all&offset=50", headers=facilities).json()["items"] == []


@pytest.mark.parametrize(
    ("query", "status"),
    [("state=closed", 422), ("limit=0", 422), ("limit=501", 422), ("offset=-1", 422), ("zone=nowhere", 404)],
)
def test_a_bad_query_is_a_problem(api: AlertsApi, query: str, status: int):
    answer = api.client.get(f"/api/v1/alerts?{query}", headers=api.headers[Role.FACILITIES])
    assert answer.status_code == status
    assert answer.headers["content-type"].startswith("application/problem+json")


def test_facilities_acknowledge_once_with_a_note_and_it_is_audited(api: AlertsApi):
    alert_id = raise_one(api.alerts)
    answer = api.client.post(
        f"/api/v1/alerts/{alert_id}/ack",
        headers=api.headers[Role.FACILITIES],
        json={"note": "Fastighetsjouren ringd, ärende 4711"},
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["acknowledged_by"] == "facilities"
    assert body["acknowledged_at"].startswith("2026-02-10T09:30:00")
    assert body["note"] == "Fastighetsjouren ringd, ärende 4711"
    assert body["open"] is True  # acknowledging does not clear it
    [entry] = api.records.audit_log(action="alert_ack")
    assert (entry.actor, entry.resource) == ("facilities", f"alert:{alert_id}")
    again = api.client.post(f"/api/v1/alerts/{alert_id}/ack", headers=api.headers[Role.ADMIN])
    assert again.status_code == 409
    assert again.headers["content-type"].startswith("application/problem+json")
    assert "acknowledged by facilities" in again.json()["detail"]
    # It still clears by itself, acknowledged as it is.
    cleared = api.alerts.clear_alert(AlertKey("z3", "co2_ppm", "high"), NOW + timedelta(minutes=20), 1200.0)
    assert cleared is not None
    assert cleared.acknowledged_by == "facilities"


def test_no_acknowledgement_is_kept_without_its_audit_entry(api: AlertsApi):
    alert_id = raise_one(api.alerts)
    with api.records.engine.begin() as conn:  # the database itself refuses the audit entry
        conn.execute(
            text("CREATE TRIGGER audit_full BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'disk full'); END")
        )
    answer = api.client.post(f"/api/v1/alerts/{alert_id}/ack", headers=api.headers[Role.FACILITIES])
    assert answer.status_code == 503, answer.text
    kept = api.alerts.get(alert_id)
    assert kept is not None
    assert kept.acknowledged_at is None  # the acknowledgement went back with the entry
    with api.records.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER audit_full"))
    again = api.client.post(f"/api/v1/alerts/{alert_id}/ack", headers=api.headers[Role.FACILITIES])
    assert again.status_code == 200, again.text
    assert [e.resource for e in api.records.audit_log(action="alert_ack")] == [f"alert:{alert_id}"]


def test_ack_without_a_body_and_of_a_cleared_alert(api: AlertsApi):
    alert_id = raise_one(api.alerts)
    api.alerts.clear_alert(AlertKey("z3", "co2_ppm", "high"), NOW, 1200.0)
    answer = api.client.post(f"/api/v1/alerts/{alert_id}/ack", headers=api.headers[Role.ADMIN])
    assert answer.status_code == 200, answer.text
    assert answer.json()["note"] is None
    assert answer.json()["open"] is False


@pytest.mark.parametrize("role", [Role.HR, Role.MANAGER])
def test_hr_and_managers_may_read_but_not_acknowledge(api: AlertsApi, role: Role):
    alert_id = raise_one(api.alerts)
    answer = api.client.post(f"/api/v1/alerts/{alert_id}/ack", headers=api.headers[role], json={"note": "x"})
    assert answer.status_code == 403
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert api.alerts.get(alert_id).acknowledged_by is None


def test_acknowledging_an_unknown_alert_or_with_a_bad_body_is_a_problem(api: AlertsApi):
    facilities = api.headers[Role.FACILITIES]
    assert api.client.post("/api/v1/alerts/424242/ack", headers=facilities).status_code == 404
    alert_id = raise_one(api.alerts)
    too_long = api.client.post(f"/api/v1/alerts/{alert_id}/ack", headers=facilities, json={"note": "x" * 1001})
    assert too_long.status_code == 422
    unknown_field = api.client.post(f"/api/v1/alerts/{alert_id}/ack", headers=facilities, json={"by": "someone"})
    assert unknown_field.status_code == 422
    assert api.alerts.get(alert_id).acknowledged_by is None


def test_without_an_alert_store_the_routes_say_so(example_site: Site):
    users = MemoryUserDirectory()
    users.add("fm", Role.FACILITIES, PASSWORD)
    services = Services(example_site, MemoryReadingStore(), MemoryDeadLetterLog(), users, TokenSigner("b" * 40))
    client = TestClient(create_app(services))
    token = client.post("/api/v1/auth/token", data={"username": "fm", "password": PASSWORD}).json()["access_token"]
    answer = client.get("/api/v1/alerts", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 503


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_every_role_reads_the_rules_with_this_months_action_levels(api: AlertsApi, role: Role):
    from models.alerts import RULES

    answer = api.client.get("/api/v1/alerts/rules", headers=api.headers[role])
    assert answer.status_code == 200, answer.text
    rules = {r["key"]: r for r in answer.json()}
    assert list(rules) == [r.key for r in RULES]  # the table, in its order
    co2 = rules["co2_ppm:high"]
    assert (co2["label"], co2["unit"], co2["side"], co2["threshold"]) == ("CO₂", "ppm", "high", 1000)
    assert (co2["deadband"], co2["raise_after_min"], co2["clear_after_min"]) == (50, 10, 10)
    assert "ventilation" in co2["why"]
    # 10 February at the site: the heating season's temperatures; light is a low rule.
    assert (rules["temperature_c:low"]["threshold"], rules["temperature_c:high"]["threshold"]) == (20, 24)
    assert rules["illuminance_lux:low"]["side"] == "low"
    assert rules["illuminance_lux:low"]["threshold"] == 300
