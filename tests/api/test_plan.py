"""The floor plan routes: everyone reads it, admin saves a layout, which is kept in the records database."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.deps import Services
from api.security import Role
from api.tokens import TokenSigner
from api.users import MemoryUserDirectory
from gateway.deadletter_log import SQLiteDeadLetterLog
from gateway.stores.sqlite import SQLiteReadingStore
from records.layout_store import SqlLayoutStore
from records.store import RecordsStore
from sensors.site import Site

NOW = datetime(2027, 1, 12, 9, 30, tzinfo=UTC)
PASSWORD = "plan-tested-password"
URL = "/api/v1/site/plan"


@dataclass
class PlanApi:
    """The app under test, its services, and a bearer header per role."""

    client: TestClient
    services: Services
    headers: dict[Role, dict[str, str]]

    def get(self, role: Role = Role.FACILITIES) -> dict:
        answer = self.client.get(URL, headers=self.headers[role])
        assert answer.status_code == 200, answer.text
        return answer.json()

    def put(self, body: object, role: Role = Role.ADMIN):
        return self.client.put(URL, headers=self.headers[role], json=body)


def _api(site: Site, directory: Path, *, with_records: bool) -> Iterator[PlanApi]:
    store = SQLiteReadingStore(directory / "readings.db")
    records = RecordsStore.open(f"sqlite:///{directory / 'records.db'}", "p" * 40) if with_records else None
    users = MemoryUserDirectory()
    for role in Role:
        users.add(role.value, role, PASSWORD)
    services = Services(
        site,
        store,
        SQLiteDeadLetterLog(directory / "state.db"),
        users,
        TokenSigner("p" * 40),
        records=records,
        now=lambda: NOW,
    )
    client = TestClient(create_app(services))
    headers = {}
    for role in Role:
        token = client.post("/api/v1/auth/token", data={"username": role.value, "password": PASSWORD})
        headers[role] = {"Authorization": f"Bearer {token.json()['access_token']}"}
    try:
        yield PlanApi(client, services, headers)
    finally:
        client.close()
        store.close()
        if records is not None:
            records.close()


@pytest.fixture(scope="module")
def module_api(example_site: Site, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PlanApi]:
    """The API on the example site with a records store, once per module (logins cost a password hash each)."""
    yield from _api(example_site, tmp_path_factory.mktemp("plan"), with_records=True)


@pytest.fixture
def plan_api(module_api: PlanApi) -> PlanApi:
    """The module's API with no layout kept."""
    records = module_api.services.records
    assert records is not None
    SqlLayoutStore(records.engine).save_layout(module_api.services.site.id, {}, "test", NOW)
    return module_api


@pytest.fixture(scope="module")
def bare_api(example_site: Site, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PlanApi]:
    """The API on the example site without a records store."""
    yield from _api(example_site, tmp_path_factory.mktemp("bare"), with_records=False)


def zone_of(plan: dict, zone_id: str) -> dict:
    return next(z for z in plan["zones"] if z["zone"] == zone_id)


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_every_role_reads_the_site_files_plan(plan_api: PlanApi, example_site: Site, role: Role):
    plan = plan_api.get(role)
    assert (plan["width"], plan["height"]) == (1000, 600)
    assert (plan["updated_at"], plan["updated_by"]) == (None, None)
    assert [z["zone"] for z in plan["zones"]] == [z.id for z in example_site.zones]
    assert zone_of(plan, "z3") == {
        "zone": "z3", "name": "Svarsgrupp 3", "kind": "answer_group",
        "x": 800.0, "y": 0.0, "w": 200.0, "h": 200.0, "source": "site",
    }  # fmt: skip
    assert {z["source"] for z in plan["zones"]} == {"site"}


def test_admin_saves_a_layout_and_everyone_sees_it_stored(plan_api: PlanApi):
    body = {
        "zones": [
            {"zone": "z1", "x": 10, "y": 20, "w": 30.5, "h": 40},
            {"zone": "break", "x": 0, "y": 0, "w": 5, "h": 5},
        ]
    }
    saved = plan_api.put(body)
    assert saved.status_code == 200, saved.text
    assert saved.json()["updated_by"] == "admin"
    for role in Role:
        plan = plan_api.get(role)
        assert plan == saved.json()
        assert zone_of(plan, "z1") == {
            "zone": "z1", "name": "Svarsgrupp 1", "kind": "answer_group",
            "x": 10.0, "y": 20.0, "w": 30.5, "h": 40.0, "source": "stored",
        }  # fmt: skip
        assert zone_of(plan, "break")["source"] == "stored"
        assert zone_of(plan, "z2")["source"] == "site"
        assert datetime.fromisoformat(plan["updated_at"]) == NOW
        assert plan["updated_by"] == "admin"
    # The next save replaces the whole layout: z1 is back where the site file puts it.
    again = plan_api.put({"zones": [{"zone": "z2", "x": 1, "y": 1, "w": 1, "h": 1}]})
    assert again.status_code == 200, again.text
    plan = plan_api.get()
    assert zone_of(plan, "z1")["source"] == "site"
    assert zone_of(plan, "z1")["x"] == 200
    assert zone_of(plan, "z2")["source"] == "stored"
    # An empty layout: the site file's plan again.
    assert plan_api.put({"zones": []}).status_code == 200
    plan = plan_api.get()
    assert {z["source"] for z in plan["zones"]} == {"site"}
    assert plan["updated_at"] is None


def test_a_saved_layout_is_in_the_audit_log(plan_api: PlanApi):
    assert plan_api.put({"zones": [{"zone": "z1", "x": 10, "y": 20, "w": 30, "h": 40}]}).status_code == 200
    records = plan_api.services.records
    assert records is not None
    [entry] = records.audit_log(limit=1, action="plan_save")
    assert (entry.actor, entry.resource, entry.details) == ("admin", "plan:kc-main", {"zones": ["z1"]})
    assert entry.at.tzinfo is not None


def test_the_layout_is_kept_in_the_records_database(plan_api: PlanApi):
    assert plan_api.put({"zones": [{"zone": "meeting", "x": 1, "y": 2, "w": 3, "h": 4}]}).status_code == 200
    records = plan_api.services.records
    assert records is not None
    kept = SqlLayoutStore(records.engine).stored("kc-main")
    assert set(kept.rects) == {"meeting"}
    assert kept.updated_at == NOW


@pytest.mark.parametrize("role", [Role.FACILITIES, Role.HR, Role.MANAGER], ids=lambda r: r.value)
def test_only_admin_saves_a_layout(plan_api: PlanApi, role: Role):
    answer = plan_api.put({"zones": [{"zone": "z1", "x": 10, "y": 20, "w": 30, "h": 40}]}, role)
    assert answer.status_code == 403
    assert role.value in answer.json()["detail"]
    assert plan_api.get()["updated_at"] is None


@pytest.mark.parametrize(
    ("zones", "named"),
    [
        ([{"zone": "z99", "x": 1, "y": 1, "w": 1, "h": 1}], "unknown zone 'z99'"),
        ([{"zone": "z1", "x": 1, "y": 1, "w": 1, "h": 1}] * 2, "'z1' given more than once"),
        ([{"zone": "z4", "x": 900, "y": 0, "w": 200, "h": 100}], "zone 'z4': the rectangle .* beyond the floor plan"),
        ([{"zone": "z4", "x": 0, "y": 550, "w": 10, "h": 100}], "zone 'z4'"),
        ([{"zone": "z5", "x": 0, "y": 0, "w": 0, "h": 100}], r"zones 0 w \(body\)"),
        ([{"zone": "z5", "x": -1, "y": 0, "w": 1, "h": 100}], r"zones 0 x \(body\)"),
        ([{"zone": "z5", "x": 0, "y": 0, "w": 1, "h": 1, "colour": "red"}], r"zones 0 colour \(body\)"),
    ],
)  # fmt: skip
def test_a_layout_that_cannot_be_drawn_is_refused_naming_the_zone(plan_api: PlanApi, zones: list, named: str):
    import re

    plan_api.put({"zones": [{"zone": "z1", "x": 10, "y": 20, "w": 30, "h": 40}]})
    before = plan_api.get()
    answer = plan_api.put({"zones": zones})
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert re.search(named, answer.json()["detail"]), answer.json()["detail"]
    assert plan_api.get() == before  # nothing of it saved


def test_a_body_without_zones_is_refused(plan_api: PlanApi):
    answer = plan_api.put({})
    assert answer.status_code == 422
    assert "zones" in answer.json()["detail"]


def test_without_a_records_store_the_plan_is_the_site_files_and_cannot_be_saved(bare_api: PlanApi):
    plan = bare_api.get(Role.HR)
    assert {z["source"] for z in plan["zones"]} == {"site"}
    assert plan["updated_at"] is None
    answer = bare_api.put({"zones": [{"zone": "z1", "x": 10, "y": 20, "w": 30, "h": 40}]})
    assert answer.status_code == 503
    assert "no records store is configured" in answer.json()["detail"]


def test_zones_the_site_file_does_not_place_are_placed_automatically(
    plan_api: PlanApi, example_site: Site, monkeypatch: pytest.MonkeyPatch
):
    zones = tuple(z.model_copy(update={"plan": None}) if z.id == "meeting" else z for z in example_site.zones)
    monkeypatch.setattr(plan_api.services, "site", example_site.model_copy(update={"zones": zones}))
    meeting = zone_of(plan_api.get(), "meeting")
    assert meeting["source"] == "auto"
    assert meeting["x"] >= 0
    assert meeting["y"] >= 0
    assert meeting["x"] + meeting["w"] <= 1000
    assert meeting["y"] + meeting["h"] <= 600


def test_the_plan_carries_an_etag(plan_api: PlanApi):
    first = plan_api.client.get(URL, headers=plan_api.headers[Role.FACILITIES])
    tag = first.headers["ETag"]
    same = plan_api.client.get(URL, headers=plan_api.headers[Role.FACILITIES] | {"If-None-Match": tag})
    assert same.status_code == 304
    plan_api.put({"zones": [{"zone": "z1", "x": 10, "y": 20, "w": 30, "h": 40}]})
    changed = plan_api.client.get(URL, headers=plan_api.headers[Role.FACILITIES] | {"If-None-Match": tag})
    assert changed.status_code == 200


def test_a_save_based_on_a_plan_someone_else_has_saved_over_is_refused(plan_api: PlanApi):
    admin = plan_api.headers[Role.ADMIN]
    records = plan_api.services.records
    assert records is not None
    entries = len(records.audit_log(action="plan_save"))
    read = plan_api.client.get(URL, headers=admin)
    tag = read.headers["ETag"]
    assert not tag.startswith("W/")  # a strong tag: If-Match compares strongly
    first = {"zones": [{"zone": "z1", "x": 10, "y": 20, "w": 30, "h": 40}]}
    saved = plan_api.client.put(URL, headers=admin | {"If-Match": tag}, json=first)
    assert saved.status_code == 200, saved.text
    newer = saved.headers["ETag"]
    assert newer != tag
    assert plan_api.client.get(URL, headers=admin).headers["ETag"] == newer  # the save's answer is the plan read
    # A second admin's edit began from the plan before that save: refused, naming whose save is kept.
    other = {"zones": [{"zone": "z2", "x": 1, "y": 1, "w": 5, "h": 5}]}
    late = plan_api.client.put(URL, headers=admin | {"If-Match": tag}, json=other)
    assert late.status_code == 412, late.text
    assert late.headers["content-type"].startswith("application/problem+json")
    assert "saved by admin at 2027-01-12T09:30:00" in late.json()["detail"]
    assert zone_of(plan_api.get(), "z1")["source"] == "stored"
    assert zone_of(plan_api.get(), "z2")["source"] == "site"  # nothing of the refused save
    assert len(records.audit_log(action="plan_save")) == entries + 1  # the refused save left no entry
    # Read again, it goes through; a weak tag never matches; `*` and no If-Match at all take any plan.
    assert plan_api.client.put(URL, headers=admin | {"If-Match": f"W/{newer}"}, json=other).status_code == 412
    assert plan_api.client.put(URL, headers=admin | {"If-Match": f'"x", {newer}'}, json=other).status_code == 200
    assert plan_api.client.put(URL, headers=admin | {"If-Match": "*"}, json=first).status_code == 200
    assert plan_api.put(other).status_code == 200
    assert zone_of(plan_api.get(), "z2")["source"] == "stored"
