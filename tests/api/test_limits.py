"""Every answer is bounded, and odd but valid-looking input is a 422 that says why (issue 9, items 1 and 2)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from api import bounds
from api.security import Role
from tests.api.conftest import FIELD_NOW, FieldApi

READINGS = "/api/v1/readings"


def get(api: FieldApi, path: str, role: Role = Role.FACILITIES, **params: object) -> tuple[int, dict]:
    response = api.client.get(path, params=params, headers=api.headers[role])
    return response.status_code, response.json()


# ----- item 1: no answer the server cannot hold ------------------------------------------------


def test_the_quoted_request_is_refused_at_once_with_the_limit(field_api: FieldApi) -> None:
    # Issue 9: 600 569 one-second windows since 1970, 65 MB of JSON in 16.5 s, 1.1 GB of memory each.
    started = time.perf_counter()
    status, body = get(
        field_api, READINGS, quantity="co2_ppm", window="1s", start="2000-01-01T00:00:00Z", stop="2026-12-01T00:00:00Z"
    )
    assert time.perf_counter() - started < 2.0
    assert status == 422
    assert "at most 20,000 windows" in body["detail"]
    assert "choose a wider window, a shorter period or fewer zones" in body["detail"]
    # As quoted, from 1970: refused for the period before anything is read.
    status, body = get(
        field_api, READINGS, quantity="co2_ppm", window="1s", start="1970-01-01T00:00:00Z", stop="2026-12-01T00:00:00Z"
    )
    assert status == 422
    assert "start 1970-01-01T00:00:00+00:00 is outside the times the API serves" in body["detail"]


@pytest.mark.parametrize(
    ("window", "hours", "zones", "windows"),
    [
        ("1s", 24, ["z1"], 86_400),  # one zone, one day of seconds
        ("1m", 24, None, 1_440 * 14),  # every zone of the site: 20 160
        ("5m", 24 * 70, ["z1"], 20_160),  # ten weeks of five minutes
    ],
)
def test_windows_per_answer_are_bounded(field_api: FieldApi, window: str, hours: int, zones, windows: int) -> None:
    start = FIELD_NOW - timedelta(hours=hours)
    params = {"quantity": "co2_ppm", "window": window, "start": start.isoformat(), "stop": FIELD_NOW.isoformat()}
    status, body = get(field_api, READINGS, **params, **({"zone": zones} if zones else {}))
    assert status == 422, body
    assert f"that is {windows:,} windows" in body["detail"]


def test_answers_inside_the_limits_are_served(field_api: FieldApi) -> None:
    start = (FIELD_NOW - timedelta(hours=24)).isoformat()
    stop = FIELD_NOW.isoformat()
    # What the facilities page asks: 24 hours of 5-minute windows of one zone.
    status, body = get(field_api, READINGS, quantity="co2_ppm", zone="z1", window="5m", start=start, stop=stop)
    assert status == 200
    assert 280 <= len(body["windows"]) <= 289
    # 20 000 windows is allowed, 20 001 is not (one zone, minutes aligned to the epoch).
    for minutes, expected in ((20_000, 200), (20_001, 422)):
        start = (FIELD_NOW - timedelta(minutes=minutes)).isoformat()
        status, body = get(field_api, READINGS, quantity="co2_ppm", zone="z3", window="1m", start=start, stop=stop)
        assert status == expected, body
    assert len(body["detail"]) < 200


def test_window_sizes_are_bounded(field_api: FieldApi) -> None:
    for window in ("367d", "1000000000d", "99999999999999999999d"):
        status, body = get(field_api, READINGS, quantity="co2_ppm", window=window)
        assert status == 422, window
        assert "window" in body["detail"], window
    status, body = get(field_api, READINGS, quantity="co2_ppm", window="366d")
    assert status == 200


def test_raw_points_are_bounded_by_count_as_well_as_by_span(field_api: FieldApi, monkeypatch) -> None:
    # The store holds 575 points per zone over two days; with a limit of 1 000 three zones are too many.
    monkeypatch.setattr(bounds, "MAX_POINTS", 1_000)
    start = (FIELD_NOW - timedelta(days=3)).isoformat()
    status, body = get(field_api, READINGS, quantity="co2_ppm", start=start, stop=FIELD_NOW.isoformat())
    assert status == 422
    assert body["detail"].startswith("that is 1,725 raw points; an answer holds at most 1,000")
    status, body = get(field_api, READINGS, quantity="co2_ppm", zone="z2", start=start, stop=FIELD_NOW.isoformat())
    assert status == 200
    assert len(body["points"]) == 575


def test_aggregating_in_the_server_is_bounded(field_api: FieldApi, monkeypatch) -> None:
    monkeypatch.setattr(bounds, "MAX_READ", 1_000)
    params = {
        "quantity": "co2_ppm",
        "window": "1h",
        "start": (FIELD_NOW - timedelta(days=3)).isoformat(),
        "stop": FIELD_NOW.isoformat(),
    }
    for extra in ({"occupied": "true"}, {"percentile": 95}):
        status, body = get(field_api, READINGS, **params, **extra)
        assert status == 422, extra
        assert "at most 1,000 per request; this asks for 1,725" in body["detail"]
        status, body = get(field_api, READINGS, **params, **extra, zone="z1")
        assert status == 200, extra
    status, body = get(field_api, READINGS, **params, percentile=list(range(1, 12)))
    assert status == 422
    assert body["detail"] == "at most 10 percentiles per request, 11 asked"


def test_pages_of_dead_letters_are_bounded(field_api: FieldApi) -> None:
    status, body = get(field_api, "/api/v1/dead-letters", limit=1001)
    assert status == 422
    assert body["detail"] == "limit (query): Input should be less than or equal to 1000"
    status, body = get(field_api, "/api/v1/dead-letters", limit=2, offset=1)
    assert status == 200
    assert (body["total"], [d["reason"] for d in body["items"]]) == (3, ["not valid JSON 1", "not valid JSON 0"])


# ----- item 2: odd input is a 422 with a message, or an empty 200 -------------------------------


@pytest.mark.parametrize(
    ("params", "detail"),
    [
        ({"stop": "9999-12-31T00:00:00Z"}, "stop 9999-12-31T00:00:00+00:00 is outside the times the API serves"),
        ({"start": "0001-01-01T00:00:00Z", "window": "1h"}, "start 0001-01-01T00:00:00+00:00 is outside"),
        ({"start": "1600-01-01T00:00:00Z", "window": "1d"}, "start 1600-01-01T00:00:00+00:00 is outside"),
        ({"stop": "2262-06-01T00:00:00Z", "window": "1h"}, "stop 2262-06-01T00:00:00+00:00 is outside"),
        ({"stop": "2300-01-01T00:00:00Z", "window": "1h"}, "stop 2300-01-01T00:00:00+00:00 is outside"),
        ({"stop": "9999-12-31T23:00:00-23:00"}, "stop 9999-12-31T23:00:00-23:00 is outside"),
        ({"start": "0001-01-01T00:00:00+23:00"}, "start 0001-01-01T00:00:00+23:00 is outside"),
        ({"window": "1000000000d"}, "windows are 1 s to 366 days"),
        ({"start": "2026-01-01T00:00:00"}, "needs a UTC offset"),
        ({"stop": "not a time"}, "stop (query): Input should be a valid datetime"),
    ],
)
def test_odd_times_and_windows_are_422_with_a_message(field_api: FieldApi, params: dict, detail: str) -> None:
    status, body = get(field_api, READINGS, quantity="co2_ppm", **params)
    assert status == 422, body
    assert detail in body["detail"]


def test_odd_goal_periods_are_422_with_a_message(field_api: FieldApi) -> None:
    weekly = "/api/v1/goals/answer-rate/weekly"
    status, body = get(field_api, weekly, Role.MANAGER, start="0001-01-01", end="9999-12-31")
    assert status == 422
    assert body["detail"] == "end 9999-12-31 is outside the days the API serves: 2000-01-01 to 2100-12-31"
    status, body = get(field_api, weekly, Role.MANAGER, start="2000-01-01", end="2100-12-31")
    assert status == 422
    assert body["detail"] == "2000-01-01 to 2100-12-31 is more than 520 weeks; ask for at most 520 weeks at a time"
    status, body = get(field_api, weekly, Role.HR, weeks=521)
    assert status == 422
    assert body["detail"] == "weeks (query): Input should be less than or equal to 520"
    status, body = get(field_api, weekly, Role.HR, end="2100-12-31", weeks=520)
    assert status == 200
    assert len(body["calendar"]) == 520
    assert body["weeks"] == []  # the truth: no calls in those years
    status, body = get(field_api, "/api/v1/goals/tertial/99999999999999999999999", Role.ADMIN)
    assert status == 422
    assert body["detail"] == "year must be between 2000 and 2100"


def test_a_page_past_the_last_dead_letter_is_empty(field_api: FieldApi) -> None:
    for offset in (3, 10**6, 9_223_372_036_854_775_808, 10**40):
        status, body = get(field_api, "/api/v1/dead-letters", offset=offset)
        assert (status, body) == (200, {"total": 3, "limit": 100, "offset": offset, "items": []}), offset


def test_a_year_without_calls_is_an_empty_report(field_api: FieldApi) -> None:
    # The Goals page asks for the current year first; in January it has no calls yet.
    status, body = get(field_api, "/api/v1/goals/tertial/2027", Role.MANAGER)
    assert status == 200, body
    assert [t["tertial"] for t in body["centre"]] == ["2027-T1", "2027-T2", "2027-T3"]
    assert {(t["offered"], t["answer_rate"], t["met"]) for t in body["centre"]} == {(0, None, None)}
    assert (body["teams"], body["weeks"], body["nki"]) == ([], [], [])
    assert body["year_total"]["offered"] == 0
    assert body["notes"] == ["no calls offered in 2027-T1, 2027-T2, 2027-T3"]


def test_the_default_period_ends_at_the_api_clock(field_api: FieldApi) -> None:
    status, body = get(field_api, READINGS, quantity="co2_ppm", zone="z1", window="1h")
    assert status == 200
    assert datetime.fromisoformat(body["stop"]) == FIELD_NOW
    assert datetime.fromisoformat(body["start"]) == FIELD_NOW - timedelta(hours=24)
    assert FIELD_NOW.tzinfo is UTC
