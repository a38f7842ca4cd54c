"""The forecast routes on a generated year in real stores: who may read them, scenarios, kept forecasts, backtests."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.deps import Services
from api.security import Role
from api.tokens import TokenSigner
from api.users import MemoryUserDirectory
from gateway.deadletter_log import MemoryDeadLetterLog
from models.forecast_backtest import ForecastBacktest
from officewell.settings import Settings
from officewell.wiring import backtest_of, forecast_of
from tests.api.test_evidence_api import Counting

NOW = datetime(2026, 1, 2, 12, tzinfo=UTC)  # the last complete week of the imported calls ends 2025-12-28


class CountingForecast:
    """The wiring's forecast, counting its runs."""

    def __init__(self, inner) -> None:
        self.inner, self.runs = inner, 0

    def __call__(self, *args):
        self.runs += 1
        return self.inner(*args)


@pytest.fixture(scope="module")
def forecast_fn(example_site, centre_stores):
    return CountingForecast(forecast_of(Settings(forecast_draws=300), example_site, centre_stores.records))


def make_client(example_site, centre_stores, **services):
    users = MemoryUserDirectory()
    for role in Role:
        users.add(role.value, role, f"{role.value}-password")
    built = Services(
        example_site, centre_stores.store, MemoryDeadLetterLog(), users, TokenSigner("f" * 40),
        records=centre_stores.records, analyse=Counting(example_site, centre_stores), now=lambda: NOW, **services,
    )  # fmt: skip
    return TestClient(create_app(built))


@pytest.fixture(scope="module")
def client(example_site, centre_stores, forecast_fn):
    backtest = backtest_of(Settings(forecast_draws=300), example_site, centre_stores.records)
    with make_client(example_site, centre_stores, forecast=forecast_fn, backtest=backtest) as client:
        yield client


def headers(client, role: Role) -> dict[str, str]:
    token = client.post("/api/v1/auth/token", data={"username": role.value, "password": f"{role.value}-password"})
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


def test_managers_hr_and_admin_read_the_forecast_and_facilities_do_not(client, forecast_fn):
    for role in (Role.MANAGER, Role.HR, Role.ADMIN):
        response = client.get("/api/v1/forecast", params={"weeks": 2}, headers=headers(client, role))
        assert response.status_code == 200, (role, response.text)
        body = response.json()
        assert body["as_of"] == "2025-12-28"
        assert body["first_week"] == "2026-W01"
        assert len(body["weeks"]) == 2 * 13
        assert {"week", "team", "expected_answer_rate", "p10", "p90", "p_below_target", "drivers"} <= set(
            body["weeks"][0]
        )
        assert body["data"]["environment_used"] is True  # the kept analysis's environment results
        assert len(body["weeks"][0]["expected_offered_by_day"]) == body["weeks"][0]["open_days"]
        assert len(body["intraday_profile"]) == 36
        assert len(body["queue"]["phone_share_by_interval"]) == 36
    assert forecast_fn.runs == 1  # kept until the next import: the other roles got the same forecast
    assert client.get("/api/v1/forecast", headers=headers(client, Role.FACILITIES)).status_code == 403
    assert client.get("/api/v1/forecast").status_code == 401


def test_scenarios_are_run_against_the_baseline(client):
    params = {"weeks": 2, "scenario": ["stand-in:team-3:2026-W02", "earlier-hire:team-5:2"]}
    body = client.get("/api/v1/forecast/scenarios", params=params, headers=headers(client, Role.MANAGER)).json()
    assert "weeks" not in body
    stand_in, hire = body["scenarios"]
    assert stand_in["description"] == "a stand-in in group team-3 in 2026-W02"
    assert stand_in["weeks"]
    assert all(w["week"] == "2026-W02" for w in stand_in["weeks"])
    assert all(w["p_below_change"] <= 0 for w in stand_in["weeks"])
    assert hire["reason"].startswith("group team-5 has no start ahead")
    assert hire["reason_code"] == "no_start"


def test_bad_scenarios_and_limits_are_refused_with_a_reason(client):
    manager = headers(client, Role.MANAGER)
    bad = client.get("/api/v1/forecast", params={"scenario": "hire:team-1"}, headers=manager)
    assert bad.status_code == 422
    assert "is not a scenario" in bad.json()["detail"]
    assert client.get("/api/v1/forecast/scenarios", headers=manager).status_code == 422  # one at least
    assert client.get("/api/v1/forecast", params={"weeks": 27}, headers=manager).status_code == 422
    assert client.get("/api/v1/forecast", params={"as_of": "0001-01-01"}, headers=manager).status_code == 422
    early = client.get("/api/v1/forecast", params={"as_of": "2020-01-05"}, headers=manager)
    assert early.status_code == 422
    assert "import calls.csv" in early.json()["detail"]


def test_a_backtest_runs_in_the_background_and_says_why_it_cannot(client):
    hr = headers(client, Role.HR)
    first = client.get("/api/v1/forecast/backtest", params={"origins": 2}, headers=hr)
    assert first.status_code == 202
    assert first.headers["Retry-After"] == "30"
    deadline = time.monotonic() + 120
    while True:
        response = client.get("/api/v1/forecast/backtest", params={"origins": 2}, headers=hr)
        if response.status_code != 202 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    # One year of calls: not enough for a year before the first origin, and the reason says so.
    assert response.status_code == 422
    assert "a year of call history before its first origin" in response.json()["detail"]


def test_a_finished_backtest_is_served(example_site, centre_stores, forecast_fn):
    frame = pd.DataFrame(
        [{"horizon": 4, "n": 10, "share_below": 0.3, "brier": 0.1, "brier_climatology": 0.2, "brier_persistence": 0.3,
          "skill_vs_climatology": 0.5, "skill_vs_persistence": 0.667, "coverage_p10_p90": 0.8, "mae_pp": 1.5}]
    )  # fmt: skip
    reliability = pd.DataFrame([{"horizon": 4, "bin": "0–10 %", "n": 10, "mean_forecast": 0.05, "observed": 0.1}])
    volume = pd.DataFrame([{"horizon": 4, "n": 10, "mae_model": 12.0, "mae_seasonal_naive": 18.0,
                            "mae_recent_mean": 30.0, "band_coverage": 0.8}])  # fmt: skip
    done = ForecastBacktest(frame, reliability, volume, pd.DataFrame(), (date(2025, 6, 1), date(2025, 6, 8)), 0.95, 300)
    with make_client(example_site, centre_stores, forecast=forecast_fn, backtest=lambda *_: done) as client:
        admin = headers(client, Role.ADMIN)
        assert client.get("/api/v1/forecast/backtest", headers=admin).status_code == 202
        for _ in range(100):
            response = client.get("/api/v1/forecast/backtest", headers=admin)
            if response.status_code == 200:
                break
            time.sleep(0.05)
        body = response.json()
        assert body["horizons"][0]["skill_vs_climatology"] == 0.5
        assert body["origins"] == ["2025-06-01", "2025-06-08"]
        assert body["volume"][0]["mae_seasonal_naive"] == 18.0
        assert client.get("/api/v1/forecast/backtest", headers=headers(client, Role.FACILITIES)).status_code == 403


def test_a_forecast_read_is_audited_with_the_people_it_covers(client, centre_stores):
    records = centre_stores.records
    before = records.audit_page(action="read", limit=1)[1]
    answer = client.get("/api/v1/forecast", params={"weeks": 2}, headers=headers(client, Role.MANAGER))
    assert answer.status_code == 200
    entries, total = records.audit_page(action="read", limit=1)
    assert total == before + 1
    assert entries[0].actor == "manager"
    assert entries[0].resource == "GET /forecast"
    assert entries[0].details["filters"] == {"weeks": "2"}
    assert entries[0].details["people"] >= 36
