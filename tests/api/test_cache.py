"""What the API keeps between requests (issue 9, item 12).

Goal figures until the next import; sensor health's slow parts for a while, refreshed behind the requests.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from api.app import create_app
from api.cache import Caches, Refreshed
from api.security import Role
from api.warmup import warm
from records.importers import import_file
from sensors.reading import Reading
from tests.api.conftest import FIELD_NOW, FieldApi

T0 = datetime(2026, 2, 10, 9, 0, tzinfo=UTC)


def wait_for(condition, timeout_s: float = 10.0) -> None:
    """Poll until `condition()` holds (a background thread is at work), failing after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "the condition did not come true"
        time.sleep(0.01)


# ----- Refreshed -----------------------------------------------------------------------------------


def test_a_refreshed_value_is_kept_for_its_time_to_live() -> None:
    computed: list[datetime] = []
    value = Refreshed(lambda at: computed.append(at) or len(computed), timedelta(minutes=1), timedelta(minutes=10), "n")
    assert value.get(T0) == 1
    assert value.get(T0 + timedelta(seconds=59)) == 1
    assert computed == [T0]
    # Far too old, or a clock that went back: computed again at once, in the request.
    assert value.get(T0 + timedelta(hours=1)) == 2
    assert value.get(T0) == 3
    assert computed == [T0, T0 + timedelta(hours=1), T0]


def test_an_old_value_is_served_while_one_refresh_runs_behind() -> None:
    release = threading.Event()
    calls: list[datetime] = []

    def compute(at: datetime) -> str:
        calls.append(at)
        if len(calls) > 1:
            release.wait(10)
        return f"as of {at:%H:%M}"

    value = Refreshed(compute, timedelta(minutes=1), timedelta(minutes=10), "slow")
    assert value.get(T0) == "as of 09:00"
    later = T0 + timedelta(minutes=2)
    # Past its time to live: the old value at once, however slow the new one is, and one refresh only.
    assert [value.get(later) for _ in range(5)] == ["as of 09:00"] * 5
    wait_for(lambda: len(calls) == 2)
    release.set()
    wait_for(lambda: value.get(later) == "as of 09:02")
    assert len(calls) == 2


def test_a_failed_refresh_keeps_the_old_value() -> None:
    attempts: list[datetime] = []

    def compute(at: datetime) -> int:
        attempts.append(at)
        if len(attempts) == 2:
            raise OSError("the store went away")
        return len(attempts)

    value = Refreshed(compute, timedelta(minutes=1), timedelta(minutes=10), "flaky")
    assert value.get(T0) == 1
    assert value.get(T0 + timedelta(minutes=2)) == 1  # starts the refresh, which fails
    wait_for(lambda: len(attempts) == 2)
    wait_for(lambda: value.get(T0 + timedelta(minutes=3)) == 3)  # the next one is tried, and kept


# ----- the goal figures: until the next import -----------------------------------------------------


@pytest.fixture
def statements(field_api: FieldApi) -> Iterator[list[str]]:
    """Every SQL statement the records store runs while the test does."""
    seen: list[str] = []
    engine = field_api.services.records.engine  # type: ignore[union-attr]

    def record(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_goal_figures_are_read_once_per_import(field_api: FieldApi, statements: list[str], tmp_path: Path) -> None:
    manager = field_api.headers[Role.MANAGER]
    path = "/api/v1/goals/tertial/2026"
    first = field_api.client.get(path, headers=manager).json()
    assert any("call_intervals" in s for s in statements)
    statements.clear()
    weekly = field_api.client.get("/api/v1/goals/answer-rate/weekly", params={"weeks": 4}, headers=manager).json()
    assert field_api.client.get(path, headers=manager).json() == first
    # The same year's calls serve every route: only the records' data version (the newest audited change)
    # is asked for, nothing else is read.
    queries = [s for s in statements if s != "BEGIN"]
    assert queries
    assert all("max(audit_log.id)" in s for s in queries), queries
    assert weekly["weeks"]
    # A file comes in (here; another process's import shows the same way): the figures follow it.
    extra = tmp_path / "calls.csv"
    extra.write_text("interval_start,team,offered,answered\n2026-03-02T10:00:00,team-1,1000,0\n")  # after the centre
    import_file(field_api.services.records, "calls", extra, site=field_api.services.site)  # type: ignore[arg-type]
    statements.clear()
    after = field_api.client.get(path, headers=manager).json()
    assert any("call_intervals" in s for s in statements)
    assert after["year_total"]["offered"] == first["year_total"]["offered"] + 1000
    assert after["year_total"]["answered"] == first["year_total"]["answered"]


def test_the_goal_routes_send_only_what_was_asked(field_api: FieldApi) -> None:
    manager = field_api.headers[Role.MANAGER]
    everything = field_api.client.get("/api/v1/goals/nki", headers=manager).json()["results"]
    centre = field_api.client.get("/api/v1/goals/nki", params={"team": "total"}, headers=manager).json()["results"]
    assert centre == [r for r in everything if r["team"] == "total"]
    assert 0 < len(centre) < len(everything)
    report = field_api.client.get("/api/v1/goals/tertial/2026", headers=manager).json()
    short = field_api.client.get("/api/v1/goals/tertial/2026", params={"with_weeks": "false"}, headers=manager).json()
    assert report["weeks"]
    assert short == {**report, "weeks": []}


# ----- sensor health: slow parts kept, the gateway's status always fresh ----------------------------


def test_sensor_health_keeps_its_slow_parts_and_refreshes_them(field_api: FieldApi) -> None:
    services, facilities = field_api.services, field_api.headers[Role.FACILITIES]

    def health() -> dict[str, dict]:
        rows = field_api.client.get("/api/v1/sensors/health", headers=facilities).json()
        return {row["device"]: row for row in rows}

    now = FIELD_NOW + timedelta(days=1)  # past what other tests read
    services.now = lambda: now
    try:
        assert health()["aq-05"]["flatlined"] == []
        # aq-05 starts reading one value, over and over: a flat line, once sensor health looks again.
        services.store.write(
            [Reading("kc-main", "z5", "aq-05", now - timedelta(minutes=m), {"humidity_pct": 41.0}) for m in range(60)]
        )
        assert health()["aq-05"]["flatlined"] == []  # kept: a minute has not passed
        now += timedelta(minutes=2)
        assert health()["aq-05"]["flatlined"] == []  # served while the refresh runs behind
        wait_for(lambda: health()["aq-05"]["flatlined"] == ["humidity_pct"])
        assert "flat-lined: humidity_pct" in health()["aq-05"]["problems"]
    finally:
        services.now = lambda: FIELD_NOW


def test_the_first_visit_finds_its_figures_warm(field_api: FieldApi, statements: list[str]) -> None:
    # A server that just started: its own (empty) caches over the same stores.
    services = dataclasses.replace(field_api.services, caches=Caches())
    warm(services)
    assert any("call_intervals" in s for s in statements)
    statements.clear()
    client = TestClient(create_app(services))
    manager = {"Authorization": field_api.headers[Role.MANAGER]["Authorization"]}
    assert client.get("/api/v1/goals/tertial/2026", headers=manager).status_code == 200
    assert client.get("/api/v1/goals/nki", params={"team": "total"}, headers=manager).status_code == 200
    assert not [s for s in statements if "call_intervals" in s or "nki_results" in s], statements
    # The app does this on its own as it starts.
    statements.clear()
    with TestClient(create_app(dataclasses.replace(field_api.services, caches=Caches()))):
        wait_for(lambda: any("nki_results" in s for s in statements))


class _Version:
    """A records store as the caches see it: only its data version."""

    def __init__(self) -> None:
        self.version = 1

    def data_version(self) -> int:
        return self.version


def test_a_kept_forecast_is_served_while_another_is_computed() -> None:
    from api.cache import ForecastFigures

    figures, records, now = ForecastFigures(), _Version(), datetime(2026, 1, 2, tzinfo=UTC)
    assert figures.get(records, "a", lambda: "forecast a", now) == (now, "forecast a")  # type: ignore[arg-type]
    started, release = threading.Event(), threading.Event()

    def slow() -> str:
        started.set()
        release.wait(10)
        return "forecast b"

    worker = threading.Thread(target=figures.get, args=(records, "b", slow, now))
    worker.start()
    started.wait(10)
    began = time.monotonic()
    assert figures.get(records, "a", lambda: "again", now)[1] == "forecast a"  # type: ignore[arg-type]
    assert time.monotonic() - began < 1.0  # not behind b's computation
    release.set()
    worker.join(10)
    records.version = 2  # an import: the kept forecasts are stale
    assert figures.get(records, "a", lambda: "new a", now)[1] == "new a"  # type: ignore[arg-type]


def test_a_job_keeps_results_per_key_and_tries_a_failure_again_later() -> None:
    from api.cache import Job

    job: Job[str] = Job("test-job", retry_after=timedelta(minutes=1))
    now = datetime(2026, 1, 2, tzinfo=UTC)

    def wait_for(key: str, compute, at: datetime) -> tuple[str, object]:
        for _ in range(200):
            state, _, value = job.poll(key, compute, at)
            if state != "running":
                return state, value
            time.sleep(0.02)
        raise AssertionError("the job did not finish")

    assert job.poll("a", lambda: "result a", now)[0] == "running"
    assert wait_for("a", lambda: "other", now) == ("done", "result a")
    assert wait_for("b", lambda: "result b", now) == ("done", "result b")
    assert job.poll("a", lambda: "other", now)[:1] == ("done",)  # b's result did not push a's out
    calls = []

    def failing() -> str:
        calls.append(1)
        raise OSError("database is locked")

    state, error = wait_for("c", failing, now)
    assert state == "failed"
    assert isinstance(error, OSError)
    # Heard of at `now` (however long the run took): kept for a minute from then ...
    assert job.poll("c", failing, now + timedelta(seconds=30))[0] == "failed"
    assert len(calls) == 1
    assert wait_for("c", lambda: "result c", now + timedelta(minutes=2)) == ("done", "result c")  # ... then retried
    # A failure first heard of long after the run started still reports "failed" before it is retried.
    slow_calls = []

    def slow_failure() -> str:
        slow_calls.append(1)
        raise OSError("disk full")

    assert job.poll("d", slow_failure, now)[0] == "running"
    for _ in range(100):
        if slow_calls:
            break
        time.sleep(0.02)
    time.sleep(0.1)
    assert job.poll("d", slow_failure, now + timedelta(minutes=10))[0] == "failed"
    assert len(slow_calls) == 1
