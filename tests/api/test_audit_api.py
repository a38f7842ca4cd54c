"""The audit log through the API: reads of absence-derived data are logged; HR and admin read and export the log."""

from __future__ import annotations

import csv
import io

from api.security import Role


def reads(field_api, **filters):
    answer = field_api.client.get("/api/v1/audit", headers=field_api.headers[Role.HR], params=filters)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_a_read_of_absence_is_logged_with_who_what_and_how_many(field_api):
    before = reads(field_api, action="read", actor="manager")["total"]
    params = [("period", "month"), ("since", "2026-01-01"), ("until", "2026-01-31")]
    answer = field_api.client.get("/api/v1/absence", headers=field_api.headers[Role.MANAGER], params=params)
    assert answer.status_code == 200, answer.text
    page = reads(field_api, action="read", actor="manager")
    assert page["total"] == before + 1
    entry = page["items"][0]
    assert entry["resource"] == "GET /absence"
    assert entry["details"]["filters"] == {"period": "month", "since": "2026-01-01", "until": "2026-01-31"}
    assert entry["details"]["role"] == "manager"
    assert entry["details"]["via"] == "password"
    assert entry["details"]["people"] == answer.json()["data"]["people"]


def test_repeated_and_odd_filters_are_logged_whole_and_bounded(field_api):
    # FastAPI reads the last of a repeated scalar parameter; the log keeps what was sent, bounded.
    params = [("period", "week"), ("team", "team-2"), ("team", "team-1"), ("x" * 300, "y" * 500)]
    answer = field_api.client.get("/api/v1/absence", headers=field_api.headers[Role.HR], params=params)
    assert answer.status_code == 200, answer.text
    filters = reads(field_api, action="read", actor="hr")["items"][0]["details"]["filters"]
    assert filters["team"] == ["team-2", "team-1"]
    assert filters["x" * 64] == "y" * 200
    many = [(f"k{n}", "v") for n in range(40)]
    assert field_api.client.get("/api/v1/absence", headers=field_api.headers[Role.HR], params=many).status_code == 200
    logged = reads(field_api, action="read", actor="hr")["items"][0]["details"]["filters"]
    assert len(logged) == 31
    assert logged["…"] == "10 more parameters"


def test_reads_that_fail_are_not_logged(field_api):
    before = reads(field_api, action="read")["total"]
    bad = field_api.client.get("/api/v1/absence", headers=field_api.headers[Role.HR], params={"period": "decade"})
    assert bad.status_code == 422
    refused = field_api.client.get("/api/v1/forecast", headers=field_api.headers[Role.FACILITIES])
    assert refused.status_code == 403
    assert reads(field_api, action="read")["total"] == before


def test_only_hr_and_admin_read_the_log(field_api):
    for role in (Role.FACILITIES, Role.MANAGER):
        assert field_api.client.get("/api/v1/audit", headers=field_api.headers[role]).status_code == 403
        assert field_api.client.get("/api/v1/audit.csv", headers=field_api.headers[role]).status_code == 403
    assert field_api.client.get("/api/v1/audit", headers=field_api.headers[Role.ADMIN]).status_code == 200


def test_the_log_pages_and_filters(field_api):
    for _ in range(3):
        field_api.client.get("/api/v1/absence", headers=field_api.headers[Role.HR])
    everything = reads(field_api, limit=1000)
    first, second = reads(field_api, limit=2), reads(field_api, limit=2, offset=2)
    assert [e["id"] for e in first["items"] + second["items"]] == [e["id"] for e in everything["items"][:4]]
    assert first["total"] == everything["total"]
    ids = [e["id"] for e in everything["items"]]
    assert ids == sorted(ids, reverse=True)  # newest first
    newest = everything["items"][0]["at"]
    assert reads(field_api, since=newest)["total"] >= 1
    assert reads(field_api, until="2000-01-02T00:00:00Z")["total"] == 0
    naive = field_api.client.get(
        "/api/v1/audit", headers=field_api.headers[Role.HR], params={"since": "2026-01-01T00:00:00"}
    )
    assert naive.status_code == 422
    assert "UTC offset" in naive.json()["detail"]
    backwards = field_api.client.get(
        "/api/v1/audit",
        headers=field_api.headers[Role.HR],
        params={"since": "2026-02-01T00:00:00Z", "until": "2026-01-01T00:00:00Z"},
    )
    assert backwards.status_code == 422


def test_the_export_is_the_filtered_log_as_csv_with_formulas_defused(field_api):
    # An actor name that a spreadsheet would run as a formula (the OIDC provider's names are free text).
    field_api.services.records.audit('=HYPERLINK("http://evil")', "read", "GET /absence", {"people": 3})
    answer = field_api.client.get("/api/v1/audit.csv", headers=field_api.headers[Role.ADMIN])
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert len(rows) == reads(field_api)["total"]
    assert rows[0]["actor"] == '\'=HYPERLINK("http://evil")'
    only_reads = field_api.client.get(
        "/api/v1/audit.csv", headers=field_api.headers[Role.HR], params={"action": "read"}
    )
    assert {r["action"] for r in csv.DictReader(io.StringIO(only_reads.text))} == {"read"}


def test_retention_and_erasure_through_the_api_are_admins_and_audited(field_api):
    admin = field_api.headers[Role.ADMIN]
    # 100 years: nothing this young is deleted, but the run is real and audited.
    purge = field_api.client.post("/api/v1/records/purge", headers=admin, json={"months": 1200})
    assert purge.status_code == 200, purge.text
    assert purge.json()["absences_deleted"] == 0
    erase = field_api.client.post("/api/v1/records/erase", headers=admin, json={"employee_id": "NOBODY-0000"})
    assert erase.status_code == 200
    assert erase.json()["absences_deleted"] == 0
    assert len(erase.json()["subject"]) == 8
    neither = field_api.client.post("/api/v1/records/erase", headers=admin, json={})
    assert neither.status_code == 422
    assert "either the raw employee id or the pseudonym" in neither.json()["detail"]
    actions = [e["action"] for e in reads(field_api, limit=5)["items"]]
    assert {"retention_purge", "erase_person"} <= set(actions)
    assert "NOBODY-0000" not in str(reads(field_api, limit=5))
    assert (
        field_api.client.post("/api/v1/records/purge", headers=field_api.headers[Role.HR], json={}).status_code == 403
    )
