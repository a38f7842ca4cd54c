"""Imports by upload: every kind of file lands as with `officewell import`, whole or not at all, for admins only."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.deps import Services
from api.limits import IMPORT_BODY_BYTES
from api.schemas_imports import ImportSummaryPublic, ReadingsImportPublic
from api.security import Role
from api.tokens import TokenSigner
from api.users import MemoryUserDirectory
from gateway.deadletter_log import SQLiteDeadLetterLog
from gateway.history import HistorySummary
from gateway.stores.sqlite import SQLiteReadingStore
from records.importers.summary import ImportSummary
from records.store import RecordsStore
from sensors.site import Site
from synthetic.centre import GeneratorConfig, generate_centre
from tests.conftest import ROOT, ServerThread
from tests.records.xlsx_files import absences_xlsx

PASSWORD = "imports-tested-password"
READINGS_FIXTURES = ROOT / "tests" / "fixtures" / "readings"
KINDS = ("staff", "absences", "calls", "nki")  # the roster first: absences are checked against it
TABLES = {"staff": "staff", "absences": "absences", "calls": "call_intervals", "nki": "nki_results"}


@dataclass
class ImportsApi:
    """An app on fresh stores, an admin's and an HR user's bearer header."""

    client: TestClient
    services: Services
    records: RecordsStore
    readings: SQLiteReadingStore
    admin: dict[str, str]
    hr: dict[str, str]

    def upload(
        self, kind: str, name: str, content: bytes, *, headers: dict[str, str] | None = None, **form: str
    ) -> tuple[int, dict]:
        """POST one file as multipart/form-data; the status and the JSON answer."""
        response = self.client.post(
            f"/api/v1/imports/{kind}",
            files={"file": (name, content, "text/csv")},
            data=form or None,
            headers=self.admin if headers is None else headers,
        )
        return response.status_code, response.json()

    def rows(self, kind: str) -> int:
        """Rows of the kind's table in the records store."""
        return self.records.counts()[TABLES[kind]]


@pytest.fixture(scope="module")
def centre_files(example_site: Site, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """Five weeks of a generated centre, as the contract's CSV files."""
    centre = generate_centre(example_site, date(2026, 1, 1), date(2026, 2, 9), seed=3, config=GeneratorConfig().quick())
    paths = centre.write_csv(tmp_path_factory.mktemp("centre"))
    return {kind: path.read_bytes() for kind, path in paths.items()}


@pytest.fixture
def api(example_site: Site, tmp_path: Path) -> Iterator[ImportsApi]:
    """Empty records and reading stores of its own: uploads change them."""
    readings = SQLiteReadingStore(tmp_path / "readings.db")
    records = RecordsStore.open(f"sqlite:///{tmp_path / 'records.db'}", "i" * 40)
    users = MemoryUserDirectory()
    users.add("admin", Role.ADMIN, PASSWORD)
    users.add("hr", Role.HR, PASSWORD)
    services = Services(
        example_site,
        readings,
        SQLiteDeadLetterLog(tmp_path / "state.db"),
        users,
        TokenSigner("i" * 40),
        records=records,
    )
    client = TestClient(create_app(services))
    headers = {}
    for name in ("admin", "hr"):
        token = client.post("/api/v1/auth/token", data={"username": name, "password": PASSWORD}).json()
        headers[name] = {"Authorization": f"Bearer {token['access_token']}"}
    try:
        yield ImportsApi(client, services, records, readings, headers["admin"], headers["hr"])
    finally:
        client.close()
        readings.close()
        records.close()


def test_every_kind_of_file_lands_and_is_listed(api: ImportsApi, centre_files: dict[str, bytes]) -> None:
    for kind in KINDS:
        status, body = api.upload(kind, f"{kind}.csv", centre_files[kind])
        assert status == 201, body
        # The keys of `officewell import KIND FILE --json`: ImportSummary.to_dict, the same serialisation.
        assert set(body) == set(ImportSummaryPublic.model_fields) == _cli_keys()
        assert (body["kind"], body["file_name"], body["imported"], body["dry_run"]) == (
            kind,
            f"{kind}.csv",
            True,
            False,
        )
        assert body["inserted"] == body["rows"] == len(centre_files[kind].decode().splitlines()) - 1
        assert api.rows(kind) == body["inserted"]
    batches = api.records.import_batches()
    assert [(b.kind, b.actor) for b in batches] == [(kind, "admin") for kind in KINDS]
    entries = api.records.audit_log(action="import")
    assert {(e.actor, e.resource) for e in entries} == {("admin", f"{kind}:{kind}.csv") for kind in KINDS}

    response = api.client.get("/api/v1/imports", headers=api.admin, params={"limit": 2, "offset": 1})
    assert response.status_code == 200
    page = response.json()
    assert page["total"] == 4
    assert [item["kind"] for item in page["items"]] == ["calls", "absences"]  # newest first
    calls = page["items"][0]
    assert (calls["actor"], calls["file_name"], calls["rows"]) == ("admin", "calls.csv", api.rows("calls"))
    first_call = centre_files["calls"].decode().splitlines()[1][:10]
    assert calls["period_start"] == first_call  # the first day of the generated calls, site time
    assert set(calls) >= {"sha256", "inserted", "replaced", "period_end", "imported_at"}
    only = api.client.get("/api/v1/imports", headers=api.admin, params={"kind": "nki"}).json()
    assert (only["total"], [i["kind"] for i in only["items"]]) == (1, ["nki"])
    past = api.client.get("/api/v1/imports", headers=api.admin, params={"offset": 10_000_000}).json()
    assert past == {"items": [], "total": 4, "limit": 100, "offset": 10_000_000}


def test_the_same_file_again_changes_nothing(api: ImportsApi, centre_files: dict[str, bytes]) -> None:
    status, first = api.upload("calls", "calls.csv", centre_files["calls"])
    assert status == 201
    status, again = api.upload("calls", "calls-again.csv", centre_files["calls"])
    assert status == 200, again
    assert (again["skipped_as_duplicate_file"], again["imported"], again["inserted"]) == (True, False, 0)
    assert again["batch_id"] == first["batch_id"]
    assert api.rows("calls") == first["inserted"]
    assert len(api.records.import_batches()) == 1


def test_a_bad_date_in_row_7_names_row_and_column_and_stores_nothing(
    api: ImportsApi, centre_files: dict[str, bytes]
) -> None:
    assert api.upload("staff", "staff.csv", centre_files["staff"])[0] == 201
    before = api.records.counts()
    lines = centre_files["absences"].decode().splitlines()
    cells = lines[6].split(",")  # row 7 as a spreadsheet shows it: the header is row 1
    cells[2] = "2026-02-30"
    lines[6] = ",".join(cells)
    response = api.client.post(
        "/api/v1/imports/absences",
        files={"file": ("franvaro.csv", "\n".join(lines).encode(), "text/csv")},
        headers=api.admin,
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert {"type", "title", "status", "detail", "instance", "problems"} <= set(body)
    assert (body["status"], body["instance"], body["file"]) == (422, "/api/v1/imports/absences", "franvaro.csv")
    assert body["detail"].startswith("franvaro.csv was refused and nothing of it was stored: 1 problem")
    assert "row 7, column start_date" in body["detail"]
    [problem] = body["problems"]
    assert (problem["row"], problem["column"]) == (7, "start_date")
    assert "2026-02-30" in problem["message"]
    assert (body["total_problems"], body["more"]) == (1, 0)
    assert api.records.counts() == before | {"audit_log": before["audit_log"] + 1}  # the refusal, noted
    [refusal] = api.records.audit_log(action="import_rejected")
    assert (refusal.actor, refusal.resource) == ("admin", "absences:franvaro.csv")


def test_swapped_columns_are_refused_with_every_row_counted(api: ImportsApi, centre_files: dict[str, bytes]) -> None:
    header, *rows = centre_files["calls"].decode().splitlines()
    assert header == "interval_start,team,offered,answered,abandoned"
    swapped = "interval_start,offered,team,answered,abandoned"  # the team names land in `offered`
    status, body = api.upload("calls", "calls.csv", "\n".join([swapped, *rows]).encode())
    assert status == 422
    # Two per row: a team name is not a number of calls, and a number is no team.
    assert body["total_problems"] == 2 * len(rows)
    assert (len(body["problems"]), body["more"]) == (50, 2 * len(rows) - 50)  # the first 50 by row, and a count
    first, second = body["problems"][:2]
    assert (first["row"], first["column"], first["message"]) == (2, "offered", "'team-1' is not a number")
    assert (second["row"], second["column"]) == (2, "team")
    assert body["detail"].endswith(f"{2 * len(rows)} problems, the first in row 2, column offered")
    assert api.rows("calls") == 0
    assert api.records.import_batches() == []


def test_a_dry_run_stores_nothing(api: ImportsApi, centre_files: dict[str, bytes]) -> None:
    # As a query parameter, and as a form field.
    for params, form in (({"dry_run": "true"}, {}), ({}, {"dry_run": "true"})):
        response = api.client.post(
            "/api/v1/imports/staff",
            params=params,
            data=form or None,
            files={"file": ("staff.csv", centre_files["staff"], "text/csv")},
            headers=api.admin,
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["dry_run"], body["imported"], body["batch_id"]) == (True, False, None)
        assert body["inserted"] == 36
        assert api.rows("staff") == 0
    assert api.records.import_batches() == []
    status, body = api.upload("staff", "staff.csv", centre_files["staff"], dry_run="maybe")
    assert status == 422
    assert "dry_run" in body["detail"]


def test_readings_land_in_the_reading_store(api: ImportsApi, example_site: Site) -> None:
    good = (READINGS_FIXTURES / "history_good.csv").read_bytes()
    status, dry = api.upload("readings", "history.csv", good, dry_run="true")
    assert (status, dry["dry_run"], dry["points"]) == (200, True, 5)
    assert api.readings.count(example_site.id) == 0
    status, body = api.upload("readings", "history.csv", good)
    assert status == 201, body
    # The keys of `officewell import readings FILE --json`, but the store's URL.
    assert set(body) == set(ReadingsImportPublic.model_fields) == set(_history_keys())
    assert (body["file"], body["rows"], body["points"], body["zones"]) == ("history.csv", 5, 5, ["z1", "z2"])
    assert api.readings.count(example_site.id) == 5
    assert api.upload("readings", "history.csv", good)[0] == 201
    assert api.readings.count(example_site.id) == 5, "importing the same file again changes nothing"
    [entry, _] = api.records.audit_log(action="import_readings")
    assert (entry.actor, entry.resource, entry.details["points"]) == ("admin", "readings:history.csv", 5)

    status, refused = api.upload("readings", "broken.csv", (READINGS_FIXTURES / "history_broken.csv").read_bytes())
    assert status == 422
    found = {(p["row"], p["column"]) for p in refused["problems"]}
    assert {(3, "zone"), (4, "device"), (7, "co2_ppm"), (8, "ts")} <= found
    assert refused["total_problems"] == 10
    assert api.readings.count(example_site.id) == 5


def test_an_xlsx_export_is_imported_like_the_cli_does(api: ImportsApi) -> None:
    response = api.client.post(
        "/api/v1/imports/absences",
        # A browser may send the whole Windows path: only the file's own name is kept.
        files={"file": ("C:\\Exporter\\frånvaro.xlsx", absences_xlsx(), "application/octet-stream")},
        headers=api.admin,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["file_name"], body["encoding"], body["inserted"]) == ("frånvaro.xlsx", "xlsx", 3)
    assert api.rows("absences") == 3


def test_only_admins_import_and_the_file_is_not_read_before(api: ImportsApi, centre_files: dict[str, bytes]) -> None:
    status, body = api.upload("staff", "staff.csv", centre_files["staff"], headers=api.hr)
    assert status == 403
    assert "'hr'" in body["detail"]
    assert api.client.get("/api/v1/imports", headers=api.hr).status_code == 403
    assert api.upload("readings", "r.csv", b"ts,zone,device,co2_ppm\n", headers=api.hr)[0] == 403
    assert api.upload("nki", "nki.csv", centre_files["nki"], headers={})[0] == 401
    # A body that is no form at all: refused for the role before it is parsed (that would be a 400).
    garbage = {"Content-Type": "multipart/form-data; boundary=x"}
    assert api.client.post("/api/v1/imports/staff", content=b"--y\r\n", headers=api.hr | garbage).status_code == 403
    assert api.client.post("/api/v1/imports/staff", content=b"--y\r\n", headers=api.admin | garbage).status_code == 400
    assert api.rows("staff") == 0


def test_an_upload_without_a_file_or_of_an_unknown_kind_is_422(api: ImportsApi) -> None:
    response = api.client.post("/api/v1/imports/staff", data={"dry_run": "true"}, headers=api.admin)
    assert response.status_code == 422
    assert "form field 'file'" in response.json()["detail"]
    status, body = api.upload("feelings", "f.csv", b"a,b\n1,2\n")
    assert status == 422
    assert "kind" in body["detail"]


def test_the_goal_figures_see_an_uploaded_file_at_once(api: ImportsApi, centre_files: dict[str, bytes]) -> None:
    # The goal routes keep their figures until the records' data version moves (api/cache.py).
    before = api.client.get("/api/v1/goals/nki", headers=api.admin, params={"team": "total"})
    assert before.status_code == 200
    assert before.json()["results"] == []
    assert api.upload("nki", "nki.csv", centre_files["nki"])[0] == 201
    after = api.client.get("/api/v1/goals/nki", headers=api.admin, params={"team": "total"}).json()
    assert after["results"], "the kept answer from before the import was not served again"


def test_a_file_over_the_limit_is_refused_before_it_is_read(api: ImportsApi) -> None:
    assert IMPORT_BODY_BYTES == 50 << 20
    server = ServerThread(api.client.app).start()
    try:
        # Declares 60 MiB and sends 1 KiB: the answer comes at once, without waiting for the rest.
        started = time.monotonic()
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as conn:
            head = (
                "POST /api/v1/imports/calls HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Authorization: {api.admin['Authorization']}\r\n"
                "Content-Type: multipart/form-data; boundary=x\r\n"
                f"Content-Length: {60 << 20}\r\n\r\n"
            )
            conn.sendall(head.encode() + b"x" * 1024)
            answer = _read_all(conn)
        assert time.monotonic() - started < 5
        status_line, _, rest = answer.partition(b"\r\n")
        assert b" 413 " in status_line
        assert b"(50 MiB); import bigger files on the server with `officewell import KIND FILE`" in rest
    finally:
        server.stop()
    # Sent without a length, it is counted as it arrives and refused once past the limit.
    big = b"interval_start,team,offered,answered,abandoned\n" + b"0" * IMPORT_BODY_BYTES
    status, body = api.upload("calls", "calls.csv", big)
    assert status == 413
    assert "50 MiB" in body["detail"]
    assert api.records.import_batches() == []


def _read_all(conn: socket.socket) -> bytes:
    chunks = []
    while chunk := conn.recv(65536):
        chunks.append(chunk)
        if b"\r\n\r\n" in b"".join(chunks) and b"}" in chunk:
            break
    return b"".join(chunks)


def _cli_keys() -> set[str]:
    """The keys `officewell import KIND FILE --json` prints."""
    summary = ImportSummary("calls", "c.csv", "0", 0, 0, 0, 0, None, None, (), False, False, "utf-8", ",", (), None, 0)
    return set(summary.to_dict())


def _history_keys() -> set[str]:
    """The keys `officewell import readings FILE --json` prints, but `store`."""
    return set(HistorySummary("h.csv", 0, 0, {}, (), (), None, None, False, 0.0).to_dict())


def test_one_import_at_a_time_the_next_waits_then_is_told_to_retry(
    api: ImportsApi, centre_files: dict[str, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    from api.routes import imports

    monkeypatch.setattr(imports, "IMPORT_WAIT_S", 0.2)
    assert imports._IMPORTING.acquire(timeout=1)  # an import under way
    try:
        status, body = api.upload("nki", "nki.csv", centre_files["nki"])
    finally:
        imports._IMPORTING.release()
    assert status == 429
    assert body["detail"] == "Another import is running: try again in a minute"
    assert api.rows("nki") == 0
    status, _ = api.upload("nki", "nki.csv", centre_files["nki"])
    assert status == 201
