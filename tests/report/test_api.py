"""GET /api/v1/reports/tertial/{period}: the PDF for managers, HTML and JSON; audited, kept, not for facilities."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.deps import Services
from api.security import Role
from api.tokens import TokenSigner
from api.users import MemoryUserDirectory
from gateway.deadletter_log import MemoryDeadLetterLog
from officewell.settings import Settings
from tests.report.conftest import NOW, Kept

URL = "/api/v1/reports/tertial/2025-T3"


@pytest.fixture(scope="module")
def client(example_site, report_stores, report_analyse, report_forecast):
    users = MemoryUserDirectory()
    for role in Role:
        users.add(role.value, role, f"{role.value}-password")
    services = Services(
        example_site, report_stores.store, MemoryDeadLetterLog(), users, TokenSigner("r" * 40),
        records=report_stores.records, analyse=report_analyse, forecast=report_forecast, now=lambda: NOW,
        targets=Settings().goal_targets,
    )  # fmt: skip
    with TestClient(create_app(services)) as client:
        yield client


def headers(client: TestClient, role: Role) -> dict[str, str]:
    token = client.post("/api/v1/auth/token", data={"username": role.value, "password": f"{role.value}-password"})
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


def test_a_manager_downloads_the_pdf(client, report_stores):
    answer = client.get(URL, headers=headers(client, Role.MANAGER))
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["content-disposition"] == 'attachment; filename="periodrapport-2025-T3.pdf"'
    assert answer.headers["cache-control"] == "no-store"
    assert answer.content.startswith(b"%PDF")
    [entry] = [e for e in report_stores.records.audit_log(action="read") if "reports" in e.resource]
    assert entry.actor == "manager"
    assert entry.details["people"] > 30  # the centre's roster over the two years the figures stand on
    assert entry.details["filters"] == {}


def test_facilities_may_not_read_it(client):
    answer = client.get(URL, headers=headers(client, Role.FACILITIES))
    assert answer.status_code == 403
    assert "facilities" in answer.json()["detail"]


def test_json_and_html_for_hr_and_admin(client):
    body = client.get(URL, params={"format": "json", "lang": "en"}, headers=headers(client, Role.HR))
    assert body.status_code == 200, body.text
    report = body.json()
    assert report["lang"] == "en"
    assert report["sections"][0]["title"] == "Goal fulfilment"
    assert next(s for s in report["sections"] if s["key"] == "absence")["figures"]["scope"] == "centre"
    page = client.get(URL, params={"format": "html"}, headers=headers(client, Role.ADMIN))
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert "script-src" not in page.headers["content-security-policy"]
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert "Måluppfyllelse" in page.text


def test_the_analysis_and_forecast_are_the_kept_ones_and_a_report_is_kept(client, report_analyse, report_forecast):
    before = (report_analyse.runs, report_forecast.runs)
    for _ in range(2):
        answer = client.get(URL, params={"format": "json"}, headers=headers(client, Role.MANAGER))
        assert answer.status_code == 200
    assert (report_analyse.runs, report_forecast.runs) == before  # nothing computed again


@pytest.mark.parametrize(
    ("period", "detail"),
    [("2025-T4", "is not a tertial"), ("2026-T2", "has not begun"), ("1999-T3", "lies outside 2000–2100")],
)
def test_a_bad_period_is_a_422_that_says_why(client, period, detail):
    answer = client.get(f"/api/v1/reports/tertial/{period}", headers=headers(client, Role.MANAGER))
    assert answer.status_code == 422
    assert detail in answer.json()["detail"]


def test_an_unknown_format_or_language_is_a_422(client):
    for params in ({"format": "docx"}, {"lang": "de"}):
        assert client.get(URL, params=params, headers=headers(client, Role.MANAGER)).status_code == 422


def test_the_route_has_its_row_in_the_matrix():
    from api.access import ROUTES
    from api.security import Area

    door = ROUTES[("GET", "/reports/tertial/{period}")]
    assert door.area is Area.REPORTS
    assert door.audited
    assert door.roles == {Role.MANAGER, Role.HR, Role.ADMIN}


def test_kept_reuses_by_key():
    calls = Kept(lambda x, y: x + y, lambda x, _y: x)
    assert (calls(1, 2), calls(1, 5), calls.runs) == (3, 3, 1)
