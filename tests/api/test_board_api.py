"""The improvement board and the site's devices through the API, on the field API's real records store."""

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest

from api.security import Role
from gateway.device_status import DeviceStatus, MemoryDeviceStatus
from tests.api.conftest import FIELD_NOW, FieldApi

ITEMS = "/api/v1/board/items"
MEETING = "/api/v1/board/meeting"
FIELD_TODAY = "2026-02-10"  # FIELD_NOW's date in Stockholm


@pytest.fixture
def clock(field_api: FieldApi) -> Iterator[Callable[[datetime], None]]:
    """Set the API's clock for one test; it is FIELD_NOW again afterwards."""

    def set_to(instant: datetime) -> None:
        field_api.services.now = lambda: instant

    yield set_to
    field_api.services.now = lambda: FIELD_NOW


def _post(field_api: FieldApi, role: Role = Role.FACILITIES, **fields: object):
    return field_api.client.post(ITEMS, json=fields, headers=field_api.headers[role])


def _patch(field_api: FieldApi, item_id: int, role: Role = Role.MANAGER, headers=None, **fields: object):
    return field_api.client.patch(
        f"{ITEMS}/{item_id}", json=fields, headers={**field_api.headers[role], **(headers or {})}
    )


def _history(field_api: FieldApi, item_id: int, role: Role = Role.HR) -> list[dict]:
    response = field_api.client.get(f"{ITEMS}/{item_id}/history", headers=field_api.headers[role])
    assert response.status_code == 200
    assert response.json()["item_id"] == item_id
    return response.json()["changes"]


def test_an_editor_puts_an_item_on_the_board(field_api):
    response = _post(field_api, title="Absorbers in z5", zone="z5", quantity="sound_dba", owner="create-test")
    assert response.status_code == 201, response.text
    item = response.json()
    assert response.headers["Location"] == f"{ITEMS}/{item['id']}"
    assert (item["title"], item["zone"], item["status"], item["owner"]) == (
        "Absorbers in z5",
        "z5",
        "proposed",
        "create-test",
    )
    assert (item["overdue"], item["follow_up_url"], item["done_on"]) == (False, None, None)
    assert datetime.fromisoformat(item["created_at"]) == FIELD_NOW  # the API's clock, not the machine's
    read = field_api.client.get(response.headers["Location"], headers=field_api.headers[Role.HR])
    assert read.status_code == 200
    assert read.json() == item
    assert read.headers["ETag"] == response.headers["ETag"]
    assert read.headers["Cache-Control"] == "private, no-cache"
    (created,) = _history(field_api, item["id"])
    assert (created["kind"], created["actor"], datetime.fromisoformat(created["at"])) == (
        "created",
        "facilities",
        FIELD_NOW,
    )
    assert created["initial"]["quantity"] == "sound_dba"


def test_edits_and_status_changes_are_in_the_history_with_who_and_when(field_api, clock):
    item = _post(field_api, title="Rebalance z3", zone="z3", action="ventilation_rebalancing").json()
    later = FIELD_NOW + timedelta(hours=2)
    clock(later)
    moved = _patch(field_api, item["id"], status="pågår", owner="Ola")
    assert moved.status_code == 200, moved.text
    assert (moved.json()["status"], moved.json()["owner"]) == ("in_progress", "Ola")
    assert datetime.fromisoformat(moved.json()["updated_at"]) == later
    done = _patch(field_api, item["id"], role=Role.ADMIN, status="done")
    assert (done.json()["status"], done.json()["done_on"]) == ("done", FIELD_TODAY)  # done today, site time
    # A done item with a zone and a date links to its measured effect instead of recomputing it.
    assert done.json()["follow_up_url"] == "/api/v1/evidence/follow-up?zone=z3"
    story = [(c["kind"], c["actor"], c["field"], c["old"], c["new"]) for c in _history(field_api, item["id"])]
    assert story == [
        ("created", "facilities", None, None, None),
        ("changed", "manager", "status", "proposed", "in_progress"),
        ("changed", "manager", "owner", None, "Ola"),
        ("changed", "admin", "status", "in_progress", "done"),
        ("changed", "admin", "done_on", None, FIELD_TODAY),
    ]
    assert [datetime.fromisoformat(c["at"]) for c in _history(field_api, item["id"])][1:] == [later] * 4
    reopened = _patch(field_api, item["id"], status="in_progress")
    assert (reopened.json()["done_on"], reopened.json()["follow_up_url"]) == (None, None)
    cleared = _patch(field_api, item["id"], owner=None)
    assert cleared.json()["owner"] is None
    assert _history(field_api, item["id"])[-1]["field"] == "owner"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"zone": "z99"}, "unknown zone 'z99': zones come from the site file"),
        ({"status": "maybe"}, "unknown status 'maybe'; use one of proposed, in_progress, done, rejected"),
        ({"quantity": "radon"}, "unknown quantity 'radon'"),
        ({"status": "done", "done_on": "2026-02-11"}, "done_on 2026-02-11 is in the future (today is 2026-02-10)"),
        ({"done_on": "2026-02-01"}, "done_on is only for items that are done"),
        ({"action": "Not A Key"}, "action must be a catalogue key"),
        ({"title": "   "}, "a title of 1 to 200 characters is required"),
    ],
)
def test_what_the_records_refuse_is_a_422_with_their_message(field_api, fields, message):
    created = _post(field_api, **{"title": "x", "owner": "refused-test", **fields})
    assert created.status_code == 422
    assert message in created.json()["detail"]
    item = _post(field_api, title="Valid card", owner="refused-test-edit").json()
    edited = _patch(field_api, item["id"], **fields)
    assert edited.status_code == 422
    assert message in edited.json()["detail"]
    assert len(_history(field_api, item["id"])) == 1  # nothing changed
    listing = field_api.client.get(ITEMS, params={"owner": "refused-test"}, headers=field_api.headers[Role.HR])
    assert listing.json()["total"] == 0


def test_a_body_with_fields_the_board_does_not_have_is_refused(field_api):
    response = _post(field_api, title="x", colour="red")
    assert response.status_code == 422
    assert "colour" in response.json()["detail"]
    item = _post(field_api, title="Card").json()
    assert _patch(field_api, item["id"], created_at="2020-01-01T00:00:00Z").status_code == 422


def test_an_unknown_item_is_404(field_api):
    for response in (
        field_api.client.get(f"{ITEMS}/999999", headers=field_api.headers[Role.HR]),
        field_api.client.get(f"{ITEMS}/999999/history", headers=field_api.headers[Role.HR]),
        _patch(field_api, 999999, owner="x"),
    ):
        assert response.status_code == 404
        assert response.json()["detail"] == "no improvement item 999999"
    assert field_api.client.get(f"{ITEMS}/0", headers=field_api.headers[Role.HR]).status_code == 422


def test_hr_reads_the_board_but_may_not_change_it(field_api):
    item = _post(field_api, title="Light in z7", zone="z7", owner="hr-test").json()
    hr = field_api.headers[Role.HR]
    assert _post(field_api, Role.HR, title="HR's card", owner="hr-test").status_code == 403
    assert _patch(field_api, item["id"], Role.HR, title="Changed by HR").status_code == 403
    for path in (ITEMS, f"{ITEMS}/{item['id']}", f"{ITEMS}/{item['id']}/history", MEETING):
        assert field_api.client.get(path, headers=hr).status_code == 200, path
    listing = field_api.client.get(ITEMS, params={"owner": "hr-test"}, headers=hr).json()
    assert [i["title"] for i in listing["items"]] == ["Light in z7"]
    assert len(_history(field_api, item["id"])) == 1
    for role in (Role.MANAGER, Role.FACILITIES, Role.ADMIN):
        assert _patch(field_api, item["id"], role, owner=f"hr-test-{role.value}").status_code == 200
    assert field_api.client.get(ITEMS, headers={}).status_code == 401


def test_the_list_has_an_etag_and_answers_304_while_it_is_unchanged(field_api):
    item = _post(field_api, title="Polled card", owner="etag-test").json()
    query = {"owner": "etag-test"}
    manager = field_api.headers[Role.MANAGER]
    first = field_api.client.get(ITEMS, params=query, headers=manager)
    assert first.status_code == 200
    assert first.headers["Cache-Control"] == "private, no-cache"
    etag = first.headers["ETag"]
    assert etag.startswith('"')
    assert etag.endswith('"')
    again = field_api.client.get(ITEMS, params=query, headers={**manager, "If-None-Match": etag})
    assert (again.status_code, again.content, again.headers["ETag"]) == (304, b"", etag)
    weak = field_api.client.get(ITEMS, params=query, headers={**manager, "If-None-Match": f'"other", W/{etag}'})
    assert weak.status_code == 304
    other_page = field_api.client.get(ITEMS, params={**query, "limit": 5}, headers={**manager, "If-None-Match": etag})
    assert other_page.status_code == 200  # another page (its limit is in the answer) is another content
    _patch(field_api, item["id"], status="in_progress")
    changed = field_api.client.get(ITEMS, params=query, headers={**manager, "If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert changed.json()["items"][0]["status"] == "in_progress"


def test_if_match_refuses_an_edit_of_an_item_that_changed_meanwhile(field_api):
    item = _post(field_api, title="Meeting edit", owner="if-match-test")
    etag = item.headers["ETag"]
    item_id = item.json()["id"]
    first = _patch(field_api, item_id, headers={"If-Match": etag}, status="in_progress")
    assert first.status_code == 200
    assert first.headers["ETag"] != etag
    stale = _patch(field_api, item_id, role=Role.FACILITIES, headers={"If-Match": etag}, status="rejected")
    assert stale.status_code == 412
    assert "changed since" in stale.json()["detail"]
    current = field_api.client.get(f"{ITEMS}/{item_id}", headers=field_api.headers[Role.HR])
    assert current.json()["status"] == "in_progress"
    assert current.headers["ETag"] == first.headers["ETag"]
    weak = _patch(field_api, item_id, headers={"If-Match": f"W/{current.headers['ETag']}"}, owner="weak")
    assert weak.status_code == 412  # If-Match compares strongly
    either = _patch(field_api, item_id, headers={"If-Match": f"{etag}, {current.headers['ETag']}"}, owner="either")
    assert either.status_code == 200
    anything = _patch(field_api, item_id, headers={"If-Match": "*"}, owner="any")
    assert anything.status_code == 200
    assert [c["new"] for c in _history(field_api, item_id) if c["field"] == "owner"] == ["either", "any"]


def test_pages_carry_the_total_and_filters(field_api):
    for n in range(5):
        _post(field_api, title=f"Page card {n}", owner="page-test", zone="z2" if n % 2 else "z4")
    hr = field_api.headers[Role.HR]
    body = field_api.client.get(ITEMS, params={"owner": "page-test", "limit": 2, "offset": 1}, headers=hr).json()
    assert [i["title"] for i in body["items"]] == ["Page card 1", "Page card 2"]
    assert (body["total"], body["limit"], body["offset"]) == (5, 2, 1)
    past = field_api.client.get(ITEMS, params={"owner": "page-test", "offset": 50}, headers=hr).json()
    assert (past["items"], past["total"]) == ([], 5)
    z2 = field_api.client.get(ITEMS, params={"owner": "page-test", "zone": "z2", "status": "ny"}, headers=hr).json()
    assert [i["title"] for i in z2["items"]] == ["Page card 1", "Page card 3"]
    default = field_api.client.get(ITEMS, params={"owner": "page-test"}, headers=hr).json()
    assert (default["limit"], default["offset"]) == (100, 0)
    for params in ({"limit": 0}, {"limit": 501}, {"offset": -1}, {"offset": 1_000_001}):
        response = field_api.client.get(ITEMS, params=params, headers=hr)
        assert response.status_code == 422, params
    unknown = field_api.client.get(ITEMS, params={"zone": "z99"}, headers=hr)
    assert (unknown.status_code, "unknown zone 'z99'" in unknown.json()["detail"]) == (422, True)


def test_the_meeting_sees_what_is_new_changed_and_overdue(field_api, clock):
    monday = datetime(2027, 5, 3, 6, 0, tzinfo=UTC)  # long after the other tests' changes at FIELD_NOW
    clock(monday - timedelta(days=10))
    old = _post(field_api, title="Meeting: old, edited", owner="meeting-test").json()
    late = _post(field_api, title="Meeting: old, late", owner="meeting-test", due_date="2027-04-30").json()
    _post(field_api, title="Meeting: old, due today", owner="meeting-test", due_date="2027-05-03")
    _post(field_api, title="Meeting: late but rejected", owner="meeting-test", status="rejected",
          due_date="2027-04-01")  # fmt: skip
    clock(monday - timedelta(days=2))
    _patch(field_api, old["id"], status="in_progress")
    clock(monday - timedelta(days=1))
    _post(field_api, title="Meeting: new", owner="meeting-test", zone="z1")
    clock(monday)
    hr = field_api.headers[Role.HR]
    view = field_api.client.get(MEETING, headers=hr).json()
    assert datetime.fromisoformat(view["since"]) == monday - timedelta(days=7)  # default: a week back
    assert (datetime.fromisoformat(view["until"]), view["today"]) == (monday, "2027-05-03")
    assert [i["title"] for i in view["new"]] == ["Meeting: new"]
    assert [
        (c["item"]["title"], [(e["actor"], e["field"], e["new"]) for e in c["changes"]]) for c in view["changed"]
    ] == [("Meeting: old, edited", [("manager", "status", "in_progress")])]
    overdue = [i for i in view["overdue"] if i["owner"] == "meeting-test"]
    assert [(i["id"], i["overdue"]) for i in overdue] == [(late["id"], True)]
    since = (monday - timedelta(days=1, hours=1)).isoformat()
    narrow = field_api.client.get(MEETING, params={"since": since}, headers=hr).json()
    assert ([i["title"] for i in narrow["new"]], narrow["changed"]) == (["Meeting: new"], [])
    naive = field_api.client.get(MEETING, params={"since": "2027-05-01T00:00:00"}, headers=hr)
    assert naive.status_code == 422
    assert "since needs a UTC offset" in naive.json()["detail"]


@pytest.fixture
def statuses(field_api: FieldApi) -> Iterator[Callable[[MemoryDeviceStatus | None], None]]:
    """Replace the gateway's device status for one test."""
    kept = field_api.services.device_status

    def use(log: MemoryDeviceStatus | None) -> None:
        field_api.services.device_status = log

    yield use
    field_api.services.device_status = kept


def test_facilities_sees_the_sites_devices_and_when_they_were_heard(field_api, example_site, statuses):
    heard = FIELD_NOW - timedelta(minutes=1)
    silent = FIELD_NOW - timedelta(hours=1)
    statuses(
        MemoryDeviceStatus(
            [
                DeviceStatus("native", "aq-01", "z1", FIELD_NOW - timedelta(days=1), heard, 1440, 87.0),
                DeviceStatus("native", "aq-02", "z2", FIELD_NOW - timedelta(days=1), silent, 1380, None),
            ]
        )
    )
    response = field_api.client.get("/api/v1/devices", headers=field_api.headers[Role.FACILITIES])
    assert response.status_code == 200
    devices = response.json()
    assert [(d["id"], d["zone"], d["format"]) for d in devices] == [
        (d.id, d.zone, d.format) for d in example_site.devices
    ]
    by_id = {d["id"]: d for d in devices}
    assert by_id["aq-01"]["status"] == "reporting"
    assert (datetime.fromisoformat(by_id["aq-01"]["last_seen"]), by_id["aq-01"]["battery_pct"]) == (heard, 87.0)
    assert by_id["aq-01"]["messages"] == 1440
    assert by_id["aq-01"]["zone_name"] == example_site.zone("z1").name
    assert by_id["aq-02"]["status"] == "stale"  # an hour without a word from a one-minute sensor
    assert by_id["aq-03"]["status"] == "never_heard"
    assert by_id["aq-03"]["last_seen"] is None
    statuses(None)
    unknown = field_api.client.get("/api/v1/devices", headers=field_api.headers[Role.ADMIN]).json()
    assert {d["status"] for d in unknown} == {"unknown"}  # no gateway status on this server: not "never heard"


@pytest.mark.parametrize("role", [Role.HR, Role.MANAGER])
def test_devices_are_for_facilities_and_admin_only(field_api, role):
    response = field_api.client.get("/api/v1/devices", headers=field_api.headers[role])
    assert response.status_code == 403
    assert "may not see this" in response.json()["detail"]


def test_the_board_is_in_the_openapi_schema(field_api):
    paths = field_api.client.get("/openapi.json").json()["paths"]
    assert set(paths["/api/v1/board/items"]) == {"get", "post"}
    assert set(paths["/api/v1/board/items/{item_id}"]) == {"get", "patch"}
    assert "412" in paths["/api/v1/board/items/{item_id}"]["patch"]["responses"]
    assert "/api/v1/board/meeting" in paths


def test_a_failing_records_store_is_a_503_that_shows_no_sql(field_api, monkeypatch):
    from records import board
    from records.errors import StoreError

    def broken(*_args: object, **_kwargs: object) -> None:
        raise StoreError("(psycopg.OperationalError) connection to 10.0.0.5 refused; SELECT * FROM improvements")

    monkeypatch.setattr(board, "page_items", broken)
    answer = field_api.client.get(ITEMS, headers=field_api.headers[Role.HR])
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "10"
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["detail"] == "The records store is unavailable; try again shortly"
    assert "SELECT" not in answer.text
