"""Citizen feedback through the API: the upload of feedback.csv and GET /feedback, the tertial figures."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.deps import Services
from api.security import Role
from api.tokens import TokenSigner
from api.users import MemoryUserDirectory
from gateway.deadletter_log import MemoryDeadLetterLog
from gateway.stores import MemoryReadingStore
from models.feedback import feedback_report
from records.store import RecordsStore
from sensors.site import Site
from synthetic.centre import FeedbackParams
from synthetic.centre.feedback import draw_feedback, feedback_csv

PASSWORD = "feedback-tested-password"
NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # a Monday in 2026-T3; feedback is imported up to 1 November
START, END = date(2025, 1, 1), date(2026, 11, 1)


@dataclass
class FeedbackApi:
    """The app, its records store, and a bearer header per role."""

    client: TestClient
    records: RecordsStore
    headers: dict[Role, dict[str, str]]

    def get(self, role: Role, **params: object) -> tuple[int, dict]:
        """GET /api/v1/feedback as a role."""
        answer = self.client.get("/api/v1/feedback", params=params, headers=self.headers[role])
        return answer.status_code, answer.json()


@pytest.fixture(scope="module")
def feedback_api(example_site: Site, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FeedbackApi]:
    """Generated feedback from January 2025 to 1 November 2026, uploaded by an admin in two files."""
    directory: Path = tmp_path_factory.mktemp("feedback")
    records = RecordsStore.open(f"sqlite:///{directory / 'records.db'}", "b" * 40)
    users = MemoryUserDirectory()
    for role in Role:
        users.add(role.value, role, PASSWORD)
    services = Services(
        example_site,
        MemoryReadingStore(),
        MemoryDeadLetterLog(),
        users,
        TokenSigner("b" * 40),
        records=records,
        now=lambda: NOW,
    )
    client = TestClient(create_app(services))
    headers = {}
    for role in Role:
        token = client.post("/api/v1/auth/token", data={"username": role.value, "password": PASSWORD}).json()
        headers[role] = {"Authorization": f"Bearer {token['access_token']}"}
    api = FeedbackApi(client, records, headers)
    frame = draw_feedback(START, END, FeedbackParams(), seed=11)
    for first, last in ((START, date(2025, 12, 31)), (date(2026, 1, 1), END)):
        part = frame[frame["received_date"].between(pd.Timestamp(first), pd.Timestamp(last))]
        # The case system's export: the citizen's name and text beside the columns officewell reads.
        content = feedback_csv(part).assign(namn="Astrid Lindqvist", text="Ingen ringer tillbaka").to_csv(index=False)
        answer = client.post(
            "/api/v1/imports/feedback",
            files={"file": (f"synpunkter-{first.year}.csv", content.encode(), "text/csv")},
            headers=headers[Role.ADMIN],
        )
        assert answer.status_code == 201, answer.text
        body = answer.json()
        assert body["inserted"] == len(part)
        assert body["ignored_columns"] == ["namn", "text"]
        assert "nothing of these columns was read or stored" in body["notes"][0]
    try:
        yield api
    finally:
        client.close()
        records.close()


@pytest.mark.parametrize("role", [Role.MANAGER, Role.HR, Role.ADMIN])
def test_managers_hr_and_admin_read_the_feedback(feedback_api, role):
    status, body = feedback_api.get(role, year=2026, tertial=3)
    assert status == 200, body
    assert body["tertials"] == ["2026-T3"]


def test_facilities_may_not(feedback_api):
    status, body = feedback_api.get(Role.FACILITIES, year=2026)
    assert status == 403
    assert "facilities" in body["detail"]


def test_only_an_admin_uploads_feedback(feedback_api):
    for role in (Role.MANAGER, Role.HR, Role.FACILITIES):
        answer = feedback_api.client.post(
            "/api/v1/imports/feedback",
            files={"file": ("f.csv", b"received_date,department,category\n", "text/csv")},
            headers=feedback_api.headers[role],
        )
        assert answer.status_code == 403


def test_the_figures_are_the_models_on_the_stored_feedback(feedback_api):
    status, body = feedback_api.get(Role.MANAGER, year=2026, tertial=3)
    assert status == 200
    frame = feedback_api.records.feedback_frame()
    expected = feedback_report(frame, 2026, [3], covered=[(START, date(2025, 12, 31)), (date(2026, 1, 1), END)])
    summary = pd.DataFrame(body["summary"])
    assert len(summary) == len(expected.summary)
    pd.testing.assert_series_equal(summary["count"], expected.summary["count"], check_dtype=False)
    centre = summary[(summary["department"] == "total") & (summary["category"] == "total")].iloc[0]
    in_t3 = frame[frame["received_date"] >= pd.Timestamp("2026-09-01")]
    assert centre["count"] == len(in_t3)
    assert centre["failure_demand"] == int(in_t3["failure_demand"].sum())
    assert 0.2 < centre["failure_demand_share"] < 0.42
    assert centre["ci_low"] < centre["failure_demand_share"] < centre["ci_high"]
    # An upload covers its first to its last case: 2026-T3 up to the last case of the second file (about
    # 1 November), compared with the same days of 2025, a year earlier.
    last = in_t3["received_date"].max()
    days = (last - pd.Timestamp("2026-09-01")).days + 1
    (period,) = body["periods"]
    assert (period["covered_days"], period["compared_days"], period["previous_tertial"]) == (days, days, "2025-T3")
    then = frame[frame["received_date"].between(pd.Timestamp("2025-09-01"), last - pd.DateOffset(years=1))]
    assert (period["previous_count"], period["change"]) == (len(then), len(in_t3) - len(then))
    assert body["notes"] == [f"2026-T3: feedback is imported for {days} of its 122 days"]
    assert {m["month"] for m in body["months"]} == set(pd.period_range("2026-09", last, freq="M").astype(str))
    assert [c["channel"] for c in body["channels"]][-1] == "total"


def test_this_year_by_default(feedback_api):
    status, body = feedback_api.get(Role.HR)
    assert status == 200
    assert body["tertials"] == ["2026-T1", "2026-T2", "2026-T3"]
    first = body["periods"][0]
    assert (first["start"], first["end"], first["covered_days"], first["compared_days"]) == (
        "2026-01-01",
        "2026-04-30",
        120,
        120,
    )


def test_a_year_without_feedback_is_an_empty_answer_with_a_note(feedback_api):
    status, body = feedback_api.get(Role.MANAGER, year=2030, tertial=1)
    assert status == 200
    assert (body["summary"], body["months"], body["channels"]) == ([], [], [])
    assert body["notes"] == ["no feedback imported for 2030-T1"]


@pytest.mark.parametrize(
    ("params", "detail"),
    [
        ({"year": 1999}, "year must be between 2000 and 2100"),
        ({"year": 2026, "tertial": 4}, "tertial 4: use 1 (Jan–Apr), 2 (May–Aug) or 3 (Sep–Dec)"),
        ({"year": "2026-T3"}, "year (query)"),
    ],
)
def test_a_bad_period_is_a_422_that_says_why(feedback_api, params, detail):
    status, body = feedback_api.get(Role.MANAGER, **params)
    assert status == 422
    assert detail in body["detail"]
