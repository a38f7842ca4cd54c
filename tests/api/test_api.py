from datetime import UTC, datetime, time, timedelta

import numpy as np
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.deps import Services
from api.security import Area, Role
from api.tokens import TokenSigner
from api.users import MemoryUserDirectory
from gateway.deadletter import DeadLetter
from gateway.deadletter_log import MemoryDeadLetterLog
from gateway.device_status import DeviceStatus, MemoryDeviceStatus
from gateway.stores import MemoryReadingStore
from models.staffing import interval_offsets
from sensors.reading import Reading

NOW = datetime.now(UTC).replace(microsecond=0)
PASSWORDS = {role: f"{role.value}-password-123" for role in Role}


@pytest.fixture
def services(example_site):
    users = MemoryUserDirectory()
    for role, password in PASSWORDS.items():
        users.add(role.value, role, password)
    store = MemoryReadingStore()
    store.write(
        [
            Reading(
                "kc-main",
                "z1",
                "aq-01",
                NOW - timedelta(minutes=m),
                {"co2_ppm": 600 + m, "temperature_c": 22.0 + m / 100},
            )
            for m in range(120)
        ]
        + [Reading("kc-main", "z3", "aq-03", NOW - timedelta(minutes=1), {"co2_ppm": 1250, "sound_dba": 57.0})]
    )
    letters = MemoryDeadLetterLog()
    letters.add([DeadLetter.of(NOW, "officewell/kc-main/z1/aq-01", b"{oops", "not valid JSON: Expecting ...")])
    seen = [
        DeviceStatus("native", "aq-01", "z1", NOW - timedelta(hours=2), NOW, 120, None),
        DeviceStatus("native", "aq-03", "z3", NOW - timedelta(hours=2), NOW - timedelta(minutes=1), 120, 9.0),
    ]
    strangers = [
        DeviceStatus("native", "rogue-01", "z1", NOW - timedelta(hours=1), NOW - timedelta(minutes=5), 7, None)
    ]
    status = MemoryDeviceStatus(seen, strangers)
    # The clock is pinned to the data's: a loaded machine must not turn "5 min ago" into "6 min ago".
    return Services(example_site, store, letters, users, TokenSigner("k" * 40), device_status=status, now=lambda: NOW)


@pytest.fixture
def client(services):
    return TestClient(create_app(services))


def login(client, role: Role) -> dict[str, str]:
    response = client.post("/api/v1/auth/token", data={"username": role.value, "password": PASSWORDS[role]})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["role"] == role.value
    return {"Authorization": f"Bearer {body['access_token']}"}


def test_healthz_needs_no_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/site",
        "/api/v1/zones",
        "/api/v1/quantities",
        "/api/v1/latest",
        "/api/v1/zones/z1/latest",
        "/api/v1/readings?quantity=co2_ppm",
        "/api/v1/dead-letters",
        "/api/v1/me",
    ],
)
def test_api_v1_needs_a_token(client, path):
    assert client.get(path).status_code == 401
    assert client.get(path, headers={"Authorization": "Bearer forged.token"}).status_code == 401


def test_wrong_password_is_401(client):
    response = client.post("/api/v1/auth/token", data={"username": "hr", "password": "nope"})
    assert response.status_code == 401
    assert response.json()["detail"] == "Wrong username or password"


def test_expired_token_is_401(client, services):
    from api.security import Principal

    token = services.tokens.issue(Principal("hr", Role.HR), now=0)
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_site_has_name_timezone_and_hours(client, services):
    # 23:30 UTC on New Year's Eve is already 1 January in Stockholm: the site's date and ISO week count.
    services.now = lambda: datetime(2025, 12, 31, 23, 30, tzinfo=UTC)
    site = client.get("/api/v1/site", headers=login(client, Role.HR)).json()
    assert site == {
        "id": "kc-main",
        "name": "Kundcenter",
        "timezone": "Europe/Stockholm",
        "working_hours": {"start": "08:00", "end": "17:00", "days": [1, 2, 3, 4, 5]},
        "today": "2026-01-01",
        "current_week": {"week": "2026-W01", "start": "2025-12-29", "end": "2026-01-04"},
    }


def test_zones_lists_the_site(client):
    zones = client.get("/api/v1/zones", headers=login(client, Role.MANAGER)).json()
    assert [z["id"] for z in zones][:3] == ["z1", "z2", "z3"]
    assert len(zones) == 14
    assert zones[0]["teams"] == ["team-1"]
    assert zones[0]["devices"] == ["aq-01"]


def test_latest_has_values_with_bands(client):
    headers = login(client, Role.FACILITIES)
    z1 = client.get("/api/v1/zones/z1/latest", headers=headers).json()
    assert z1["values"]["co2_ppm"]["value"] == 600.0
    assert z1["values"]["co2_ppm"]["band"] == "good"
    assert z1["values"]["co2_ppm"]["unit"] == "ppm"
    everything = {z["zone"]: z for z in client.get("/api/v1/latest", headers=headers).json()}
    assert everything["z3"]["values"]["co2_ppm"]["band"] == "act"
    assert everything["z3"]["values"]["sound_dba"]["band"] == "act"
    assert everything["z2"]["values"] == {}
    assert client.get("/api/v1/zones/nope/latest", headers=headers).status_code == 404


def test_readings_raw_and_windowed(client):
    headers = login(client, Role.HR)
    start = (NOW - timedelta(hours=1)).isoformat()
    stop = (NOW + timedelta(minutes=1)).isoformat()
    raw = client.get(
        "/api/v1/readings", params={"quantity": "co2_ppm", "zone": "z1", "start": start, "stop": stop}, headers=headers
    ).json()
    assert len(raw["points"]) == 61
    assert raw["unit"] == "ppm"
    assert raw["window_s"] is None
    hourly = client.get(
        "/api/v1/readings",
        params={
            "quantity": "co2_ppm",
            "zone": "z1",
            "window": "1h",
            "start": (NOW - timedelta(hours=3)).isoformat(),
            "stop": stop,
        },
        headers=headers,
    ).json()
    assert sum(w["count"] for w in hourly["windows"]) == 120
    assert hourly["window_s"] == 3600


@pytest.mark.parametrize(
    ("params", "status", "detail"),
    [
        ({"quantity": "radon"}, 422, "unknown quantity 'radon'"),
        ({"quantity": "co2_ppm", "zone": "z99"}, 404, "No zone 'z99'"),
        ({"quantity": "co2_ppm", "window": "5 parsecs"}, 422, "window '5 parsecs'"),
        ({"quantity": "co2_ppm", "start": "2026-01-10T00:00:00Z", "stop": "2026-01-01T00:00:00Z"}, 422, "before start"),
        ({"quantity": "co2_ppm", "start": "2026-01-01T00:00:00Z", "stop": "2026-03-01T00:00:00Z"}, 422, "add a window"),
        ({"quantity": "co2_ppm", "start": "2026-01-01T00:00:00"}, 422, "needs a UTC offset"),
        ({"quantity": "co2_ppm", "percentile": 95}, 422, "percentiles need a window"),
        ({"quantity": "co2_ppm", "percentile": 100, "window": "1h"}, 422, "between 0 and 100"),
    ],
)
def test_bad_queries_say_what_is_wrong(client, params, status, detail):
    response = client.get("/api/v1/readings", params=params, headers=login(client, Role.FACILITIES))
    assert response.status_code == status
    assert detail in response.json()["detail"]


def test_dead_letters_for_facilities_and_admin_only(client):
    body = client.get("/api/v1/dead-letters", headers=login(client, Role.FACILITIES)).json()
    assert body["total"] == 1
    assert (body["limit"], body["offset"]) == (100, 0)  # every list pages alike
    assert body["items"][0]["reason"].startswith("not valid JSON")
    assert body["items"][0]["payload"] == "{oops"
    assert client.get("/api/v1/dead-letters", headers=login(client, Role.ADMIN)).status_code == 200
    forbidden = client.get("/api/v1/dead-letters", headers=login(client, Role.HR))
    assert forbidden.status_code == 403
    assert "'hr' may not see this" in forbidden.json()["detail"]


def test_quantities_carry_bands_and_references(client):
    quantities = {q["key"]: q for q in client.get("/api/v1/quantities", headers=login(client, Role.HR)).json()}
    assert quantities["co2_ppm"]["bands"][0] == {"band": "good", "low": None, "high": 800.0, "months": []}
    assert "own speech" in quantities["sound_dba"]["reference"]


def test_facilities_page_is_served(client):
    response = client.get("/", follow_redirects=True)
    assert response.status_code == 200
    assert "<html" in response.text.lower()


def test_sensor_health_for_facilities(client):
    health = {
        h["device"]: h for h in client.get("/api/v1/sensors/health", headers=login(client, Role.FACILITIES)).json()
    }
    assert set(health) == {d for d in [f"aq-{i:02d}" for i in range(1, 13)] + ["aq-meeting", "aq-break", "rogue-01"]}
    rogue = health["rogue-01"]
    assert rogue["status"] == "unregistered"
    assert rogue["zone"] == "z1"
    assert rogue["problems"] == [
        "not in the site file: its 7 message(s) went to the dead letters (last 5 min ago); "
        "add it to the site file to store its readings"
    ]
    assert health["aq-01"]["status"] == "ok"
    assert health["aq-03"]["problems"] == ["battery 9 %"]
    assert health["aq-03"]["battery_low"] is True
    assert health["aq-01"]["battery_low"] is False
    assert health["aq-02"]["problems"] == ["never heard from"]
    assert client.get("/api/v1/sensors/health", headers=login(client, Role.MANAGER)).status_code == 403


def test_a_token_dies_with_its_users_role(client, services):
    headers = login(client, Role.HR)
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    services.users.add("hr", Role.FACILITIES, PASSWORDS[Role.HR])  # HR's role changed
    assert client.get("/api/v1/me", headers=headers).status_code == 401


@pytest.mark.parametrize(("page", "asset"), [("/docs", "swagger-ui-bundle.js"), ("/redoc", "redoc.standalone.js")])
def test_api_docs_work_offline(client, page, asset):
    html = client.get(page).text
    assert "cdn." not in html
    assert "fonts.googleapis" not in html
    src = next(part.split('"')[1] for part in html.split("src=")[1:] if asset in part)
    assert src.startswith("/static/vendor/")
    script = client.get(src)
    assert script.status_code == 200
    assert len(script.content) > 500_000


# ----- percentiles on one 0–100 scale ------------------------------------------------------------


def test_percentiles_are_on_one_0_to_100_scale(client, services):
    day = datetime(2026, 1, 10, 8, tzinfo=UTC)
    values = [600.0 + m for m in range(120)]
    services.store.write(
        [Reading("kc-main", "z2", "aq-02", day + timedelta(minutes=m), {"co2_ppm": v}) for m, v in enumerate(values)]
    )
    asked = [1, 0.5, 50, 95, 99.9]
    body = client.get(
        "/api/v1/readings",
        params={
            "quantity": "co2_ppm",
            "zone": "z2",
            "window": "1d",
            "start": "2026-01-10T00:00:00Z",
            "stop": "2026-01-11T00:00:00Z",
            "percentile": asked,
        },
        headers=login(client, Role.FACILITIES),
    ).json()
    [window] = body["windows"]
    got = window["percentiles"]
    assert list(got) == ["p1", "p0.5", "p50", "p95", "p99.9"]
    for p, name in zip(asked, got, strict=True):
        assert got[name] == pytest.approx(np.percentile(values, p)), name
    assert got["p0.5"] < got["p1"] < got["p50"] < got["p95"] < got["p99.9"] < window["max"]  # p1 is not the maximum


@pytest.mark.parametrize("p", [0, 100, -5, 150, "nan"])
def test_percentiles_outside_the_scale_are_refused_with_the_scale(client, p):
    response = client.get(
        "/api/v1/readings",
        params={"quantity": "co2_ppm", "window": "1h", "percentile": [95, p]},
        headers=login(client, Role.FACILITIES),
    )
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "0–100 scale" in detail
    assert "between 0 and 100" in detail


# ----- bands from the quantity table, by the site-local month ------------------------------------


@pytest.fixture
def seasonal(services):
    """23.5 °C in z1 over the last days of January and of July 2026 (heating season vs summer)."""
    readings = [
        Reading("kc-main", "z1", "aq-01", day + timedelta(hours=h), {"temperature_c": 23.5})
        for day in (datetime(2026, 1, 30, tzinfo=UTC), datetime(2026, 7, 30, tzinfo=UTC))
        for h in range(0, 48)
    ]
    services.store.write(readings)
    return services


@pytest.mark.parametrize(
    ("month", "band", "limits", "ranges"),
    [
        (
            1,
            "acceptable",
            [20, 21, 23, 24],
            [("act", None, 20), ("acceptable", 20, 21), ("good", 21, 23), ("acceptable", 23, 24), ("act", 24, None)],
        ),
        (
            7,
            "good",
            [20, 21, 25, 26],
            [("act", None, 20), ("acceptable", 20, 21), ("good", 21, 25), ("acceptable", 25, 26), ("act", 26, None)],
        ),
    ],
)
def test_windows_and_points_carry_their_band_and_the_limits_in_force(client, seasonal, month, band, limits, ranges):
    headers = login(client, Role.FACILITIES)
    start = datetime(2026, month, 30, 6, tzinfo=UTC)
    params = {"quantity": "temperature_c", "zone": "z1", "start": start.isoformat()}
    params["stop"] = (start + timedelta(hours=12)).isoformat()
    windowed = client.get("/api/v1/readings", params={**params, "window": "1h"}, headers=headers).json()
    assert len(windowed["windows"]) == 12
    assert {w["band"] for w in windowed["windows"]} == {band}
    assert windowed["limits"] == limits
    assert [(r["band"], r["low"], r["high"]) for r in windowed["band_ranges"]] == ranges
    raw = client.get("/api/v1/readings", params=params, headers=headers).json()
    assert {p["band"] for p in raw["points"]} == {band}
    assert raw["limits"] == limits


def test_a_window_takes_the_band_of_its_own_local_month(client, seasonal):
    # 30 April 22:00 UTC is already May in Stockholm: summer bands, where 23.5 °C is good.
    seasonal.store.write(
        [
            Reading("kc-main", "z1", "aq-01", datetime(2026, 4, 30, hour, 30, tzinfo=UTC), {"temperature_c": 23.5})
            for hour in (21, 22)
        ]
    )
    body = client.get(
        "/api/v1/readings",
        params={
            "quantity": "temperature_c",
            "zone": "z1",
            "window": "1h",
            "start": "2026-04-30T21:00:00Z",
            "stop": "2026-04-30T23:00:00Z",
        },
        headers=login(client, Role.FACILITIES),
    ).json()
    assert [w["band"] for w in body["windows"]] == ["acceptable", "good"]


def test_quantities_without_bands_have_no_band(client, services):
    services.store.write([Reading("kc-main", "z1", "aq-01", NOW - timedelta(minutes=1), {"tvoc_ppb": 120.0})])
    body = client.get(
        "/api/v1/readings", params={"quantity": "tvoc_ppb", "zone": "z1"}, headers=login(client, Role.FACILITIES)
    ).json()
    assert [p["band"] for p in body["points"]] == [None]
    assert body["limits"] == []
    assert body["band_ranges"] == []


def test_current_bands_and_default_stop_follow_the_api_clock(client, services):
    headers = login(client, Role.HR)
    services.now = lambda: datetime(2026, 7, 15, 12, tzinfo=UTC)
    summer = {q["key"]: q for q in client.get("/api/v1/quantities", headers=headers).json()}
    assert [b["high"] for b in summer["temperature_c"]["current_bands"]] == [25.0, 26.0]
    assert len(summer["temperature_c"]["bands"]) == 4  # all rows, all year
    assert summer["co2_ppm"]["current_bands"] == summer["co2_ppm"]["bands"]
    body = client.get("/api/v1/readings", params={"quantity": "co2_ppm"}, headers=headers).json()
    assert body["stop"] == "2026-07-15T12:00:00Z"
    assert body["limits"] == [800.0, 1000.0]
    services.now = lambda: datetime(2026, 1, 15, 12, tzinfo=UTC)
    winter = {q["key"]: q for q in client.get("/api/v1/quantities", headers=headers).json()}
    assert [b["high"] for b in winter["temperature_c"]["current_bands"]] == [23.0, 24.0]


# ----- who may see what, health, and the schema ---------------------------------------------------


@pytest.mark.parametrize(
    ("role", "areas"),
    [
        (
            Role.FACILITIES,
            ["signed_in", "environment", "gateway", "evidence", "absence", "board", "board_edit", "alerts_ack"],
        ),
        (
            Role.HR,
            [
                *["signed_in", "environment", "goals", "evidence", "team_absence", "absence", "forecast"],
                *["board", "reports", "audit"],
            ],
        ),
        (
            Role.MANAGER,
            ["signed_in", "environment", "goals", "evidence", "absence", "forecast", "board", "board_edit", "reports"],
        ),
        (Role.ADMIN, [area.value for area in Area]),
    ],
)
def test_login_and_me_say_what_the_role_may_see(client, role, areas):
    token = client.post("/api/v1/auth/token", data={"username": role.value, "password": PASSWORDS[role]}).json()
    assert token["areas"] == areas
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token['access_token']}"}).json()
    assert me == {"username": role.value, "role": role.value, "areas": areas}
    # The areas are what the routes let in: a gateway route answers exactly those who have "gateway".
    gateway = client.get("/api/v1/dead-letters", headers={"Authorization": f"Bearer {token['access_token']}"})
    assert (gateway.status_code == 200) == ("gateway" in areas)


def test_healthz_says_degraded_with_503_when_the_gateway_threads_died(client, services):
    gateway = {
        "connected": True,
        "received": 5,
        "readings_committed": 5,
        "dead_letters": 0,
        "outbox_depth": 0,
        "outbox_full": False,
        "store_error": None,
        "threads_alive": True,
    }
    services.status = lambda: {"gateway": gateway}
    ok = client.get("/healthz")
    assert ok.status_code == 200
    assert ok.json() == {"status": "ok", "site": "kc-main", "gateway": gateway}
    services.status = lambda: {"gateway": {**gateway, "threads_alive": False}}
    degraded = client.get("/healthz")
    assert degraded.status_code == 503
    assert degraded.json()["status"] == "degraded"
    services.status = lambda: {}
    assert client.get("/healthz").json() == {"status": "ok", "site": "kc-main"}


def test_every_route_has_a_typed_response_in_the_openapi_schema(client):
    schema = client.get("/openapi.json").json()
    untyped = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if path == "/metrics":
                assert "text/plain; version=0.0.4; charset=utf-8" in operation["responses"]["200"]["content"]
                continue
            responses = operation["responses"]
            success = next(code for code in ("200", "201", "204") if code in responses)
            if success == "204":
                assert "content" not in responses["204"], f"{method.upper()} {path}: 204 has no body"
                continue
            content = responses[success]["content"]
            if "text/csv" in content:  # the audit log's export
                continue
            body = content["application/json"]["schema"]
            if not ("$ref" in body or "$ref" in body.get("items", {})):
                untyped.append(f"{method.upper()} {path}")
    assert untyped == []
    components = schema["components"]["schemas"]
    assert {"WeeklyAnswerRatePublic", "NkiPublic", "TertialReportPublic", "HealthPublic"} <= set(components)
    weekly = components["WeekRatePublic"]["properties"]
    assert weekly["week_start"] == {"type": "string", "format": "date", "title": "Week Start"}
    goals = schema["paths"]["/api/v1/goals/nki"]["get"]["responses"]
    assert {"401", "403"} <= set(goals)


def test_input_errors_of_the_stores_and_the_models_are_422_with_the_reason(services):
    app = create_app(services)

    @app.get("/test/store-query")
    def store_query() -> None:
        services.store.windows("kc-main", "co2_ppm", NOW, NOW + timedelta(hours=1), timedelta(0))

    @app.get("/test/model-input")
    def model_input() -> None:
        interval_offsets(time(8), time(17), interval_minutes=0)

    @app.get("/test/built-in")
    def built_in() -> None:
        raise ValueError("a bug, not a bad request")

    client = TestClient(app, raise_server_exceptions=False)
    assert client.get("/test/store-query").json()["detail"] == "window must be positive, got 0:00:00"
    assert client.get("/test/store-query").status_code == 422
    response = client.get("/test/model-input")
    assert (response.status_code, response.json()["detail"]) == (422, "interval_minutes must be positive")
    assert client.get("/test/built-in").status_code == 500  # only the packages' own input errors are the client's
