"""The shared demo stack (tests/dashboards/stack.py) answers every page's first calls with data, at its fixed now."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from api.security import Role
from tests.dashboards.stack import PASSWORDS, DemoStack

# What the pages ask for first; each must answer 200 with something to show. `key` names the list that must
# not be empty (None: the answer itself).
SCENARIO = "stand-in:team-3:2026-W49:2026-W50"
ENDPOINTS: list[tuple[str, dict[str, Any], str | None]] = [
    ("/latest", {}, None),
    ("/readings", {"quantity": "co2_ppm", "zone": "z3"}, "points"),
    ("/evidence/exposure", {}, "weeks"),
    ("/evidence/associations", {}, "associations"),
    ("/evidence/actions", {}, "actions"),
    ("/evidence/follow-up", {}, "follow_ups"),
    ("/forecast", {}, "weeks"),
    ("/forecast/scenarios", {"scenario": SCENARIO}, "scenarios"),
    ("/absence", {}, "teams"),
    ("/board/items", {}, "items"),
    ("/board/meeting", {}, "new"),
    ("/feedback", {"year": 2026, "tertial": 3}, "summary"),
    ("/alerts", {}, "items"),
    ("/alerts/rules", {}, None),
    ("/actions", {}, None),
    ("/goals/answer-rate/weekly", {}, "weeks"),
]


@pytest.fixture(scope="module")
def admin(demo_stack: DemoStack) -> dict[str, str]:
    """An admin's bearer header."""
    res = httpx.post(
        f"{demo_stack.url}/api/v1/auth/token",
        data={"username": Role.ADMIN.value, "password": PASSWORDS[Role.ADMIN]},
        timeout=30,
    )
    res.raise_for_status()
    return {"Authorization": f"Bearer {res.json()['access_token']}"}


def test_the_stack_is_built_at_its_fixed_now(demo_stack: DemoStack, capsys: pytest.CaptureFixture[str]) -> None:
    with capsys.disabled():
        print(f"\ndemo stack built in {demo_stack.timings.get('total')} s: {dict(demo_stack.timings)}")
    assert demo_stack.today.isoformat() == "2026-11-18"
    assert demo_stack.now.isoformat() == "2026-11-18T10:00:00+01:00"
    assert demo_stack.services.today() == demo_stack.today
    assert set(demo_stack.passwords) == set(Role)


def test_every_role_logs_in(demo_stack: DemoStack) -> None:
    for role, password in demo_stack.passwords.items():
        res = httpx.post(
            f"{demo_stack.url}/api/v1/auth/token", data={"username": role.value, "password": password}, timeout=30
        )
        assert res.status_code == 200, (role, res.text)
        assert res.json()["role"] == role.value


@pytest.mark.parametrize(("path", "params", "key"), ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
def test_the_pages_first_calls_answer_with_data(
    demo_stack: DemoStack, admin: dict[str, str], path: str, params: dict[str, Any], key: str | None
) -> None:
    res = httpx.get(f"{demo_stack.url}/api/v1{path}", params=params, headers=admin, timeout=300)
    assert res.status_code == 200, res.text[:500]
    body = res.json()
    shown = body if key is None else body[key]
    assert shown, f"{path}: {key or 'the answer'} is empty"


def test_the_site_says_today_is_the_stacks(demo_stack: DemoStack, admin: dict[str, str]) -> None:
    site = httpx.get(f"{demo_stack.url}/api/v1/site", headers=admin, timeout=30).json()
    assert site["today"] == "2026-11-18"


def test_the_board_and_the_alert_are_as_planted(demo_stack: DemoStack, admin: dict[str, str]) -> None:
    items = httpx.get(f"{demo_stack.url}/api/v1/board/items", headers=admin, timeout=30).json()["items"]
    # The board page's tests add items to the shared stack: the three planted ones are the first three made.
    items = sorted(items, key=lambda i: i["id"])[:3]
    items.sort(key=lambda i: ["done", "in_progress", "proposed"].index(i["status"]))
    assert [(i["status"], i["zone"], i["overdue"]) for i in items] == [
        ("done", "z3", False),
        ("in_progress", "z5", True),
        ("proposed", "z1", False),
    ]
    assert items[0]["done_on"] == "2026-05-04"
    assert items[0]["follow_up_url"] == "/api/v1/evidence/follow-up?zone=z3"
    meeting = httpx.get(f"{demo_stack.url}/api/v1/board/meeting", headers=admin, timeout=30).json()
    assert "z1" in [i["zone"] for i in meeting["new"]]
    assert "z5" in [i["zone"] for i in meeting["overdue"]]
    alerts = httpx.get(f"{demo_stack.url}/api/v1/alerts", headers=admin, timeout=30).json()
    assert ("z3", "co2_ppm", True) in [(a["zone"], a["quantity"], a["open"]) for a in alerts["items"]]


def test_every_sensor_was_heard_from(demo_stack: DemoStack, admin: dict[str, str]) -> None:
    health = httpx.get(f"{demo_stack.url}/api/v1/sensors/health", headers=admin, timeout=60).json()
    assert {h["device"] for h in health} == {d.id for d in demo_stack.site.devices}
    assert [h["device"] for h in health if h["stale"] or h["last_seen"] is None] == []
    assert all(h["messages_per_hour"] > 0 for h in health)
