"""GET /api/v1/actions: the action catalogue as the server loaded it, with a site's override merged in."""

from __future__ import annotations

import secrets
import tomllib
from importlib import resources
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.security import Role
from api.users import MemoryUserDirectory
from gateway.deadletter_log import MemoryDeadLetterLog
from gateway.stores import MemoryReadingStore
from officewell.settings import SettingsError, build_settings
from officewell.wiring import services_of
from sensors.site import Site

SECRET = secrets.token_hex(20)
PASSWORD = "catalogue-tested-password"
OVERRIDE = """
[acoustic_absorbers]
cost = { low = 111, high = 222, per = "m2" }

[ventilation_rebalancing]
enabled = false

[plants]
name = "Plants on every desk"
name_sv = "Växter på varje skrivbord"
quantity = "humidity_pct"
effect = { kind = "unmeasured" }
effect_note = "Pleasant; no measured effect on humidity at office densities."
cost = { low = 300, high = 600, per = "workstation" }
cost_note = "Our own quote."
lead_time_weeks = 1
lifetime_years = 3
sources = ["Our facilities team, 2026"]
"""


def _client(site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, override: str | None) -> TestClient:
    monkeypatch.setenv("OFFICEWELL_SECRET_KEY", SECRET)
    monkeypatch.setenv("OFFICEWELL_ALERTS", "false")
    if override is not None:
        path = tmp_path / "actions.toml"
        path.write_text(override, encoding="utf-8")
        monkeypatch.setenv("OFFICEWELL_ACTIONS_FILE", str(path))
    settings = build_settings(data_dir=tmp_path)
    settings.outbox_path.parent.mkdir(parents=True, exist_ok=True)
    users = MemoryUserDirectory()
    for role in Role:
        users.add(role.value, role, PASSWORD)
    services = services_of(settings, site, MemoryReadingStore(), users=users, dead_letters=MemoryDeadLetterLog())
    return TestClient(create_app(services))


def _get(client: TestClient, role: Role) -> list[dict]:
    token = client.post("/api/v1/auth/token", data={"username": role.value, "password": PASSWORD}).json()
    answer = client.get("/api/v1/actions", headers={"Authorization": f"Bearer {token['access_token']}"})
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_every_role_reads_the_shipped_catalogue(example_site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    shipped = tomllib.loads(resources.files("models").joinpath("data/actions.toml").read_text(encoding="utf-8"))
    with _client(example_site, tmp_path, monkeypatch, None) as client:
        for role in Role:
            actions = _get(client, role)
            assert [a["key"] for a in actions] == list(shipped)  # the file's order
    absorbers = next(a for a in actions if a["key"] == "acoustic_absorbers")
    row = shipped["acoustic_absorbers"]
    assert (absorbers["name"], absorbers["name_sv"], absorbers["quantity"]) == (
        row["name"], row["name_sv"], row["quantity"]
    )  # fmt: skip
    assert (absorbers["cost_low_sek"], absorbers["cost_high_sek"], absorbers["cost_per"]) == (
        row["cost"]["low"], row["cost"]["high"], row["cost"]["per"]
    )  # fmt: skip
    assert absorbers["effect_kind"] == row["effect"]["kind"]
    assert absorbers["sources"] == row["sources"]


def test_a_sites_override_changes_drops_and_adds_actions(
    example_site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    with _client(example_site, tmp_path, monkeypatch, OVERRIDE) as client:
        actions = {a["key"]: a for a in _get(client, Role.FACILITIES)}
    assert "ventilation_rebalancing" not in actions
    assert (actions["acoustic_absorbers"]["cost_low_sek"], actions["acoustic_absorbers"]["cost_high_sek"]) == (111, 222)
    assert actions["plants"]["name_sv"] == "Växter på varje skrivbord"
    assert list(actions)[-1] == "plants"


def test_a_broken_override_stops_the_server_as_it_starts(
    example_site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from models.errors import ModelsError
    from officewell.errors import OfficewellError

    with pytest.raises((OfficewellError, ModelsError, SettingsError), match="actions"):
        _client(example_site, tmp_path, monkeypatch, "[plants]\nquantity = 'co2_ppm'\n")
