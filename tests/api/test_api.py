from datetime import UTC, datetime, time, timedelta

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.deps import Services
from api.security import Role, TokenSigner
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
    return Services(example_site, store, letters, users, TokenSigner("k" * 40), device_status=MemoryDeviceStatus(seen))


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


def test_site_has_name_timezone_and_hours(client):
    site = client.get("/api/v1/site", headers=login(client, Role.HR)).json()
    assert site == {
        "id": "kc-main",
        "name": "Kundcenter",
        "timezone": "Europe/Stockholm",
        "working_hours": {"start": "08:00", "end": "17:00", "days": [1, 2, 3, 4, 5]},
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
    assert set(health) == {d for d in [f"aq-{i:02d}" for i in range(1, 13)] + ["aq-meeting", "aq-break"]}
    assert health["aq-01"]["status"] == "ok"
    assert health["aq-03"]["problems"] == ["battery 9 %"]
    assert health["aq-02"]["problems"] == ["never heard from"]
    assert client.get("/api/v1/sensors/health", headers=login(client, Role.MANAGER)).status_code == 403


def test_a_token_dies_with_its_users_role(client, services):
    headers = login(client, Role.HR)
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    services.users.add("hr", Role.FACILITIES, PASSWORDS[Role.HR])  # HR's role changed
    assert client.get("/api/v1/me", headers=headers).status_code == 401


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
    assert client.get("/test/store-query").json() == {"detail": "window must be positive, got 0:00:00"}
    assert client.get("/test/store-query").status_code == 422
    response = client.get("/test/model-input")
    assert (response.status_code, response.json()) == (422, {"detail": "interval_minutes must be positive"})
    assert client.get("/test/built-in").status_code == 500  # only the packages' own input errors are the client's
