"""A whole API on real SQLite stores, with readings, dead letters and a generated centre, for every role."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.deps import Services
from api.security import Role
from api.tokens import TokenSigner
from api.users import MemoryUserDirectory
from gateway.deadletter import DeadLetter
from gateway.deadletter_log import SQLiteDeadLetterLog
from gateway.device_status import SQLiteDeviceStatus
from gateway.stores.sqlite import SQLiteReadingStore
from records.alert_store import SqlAlertStore
from records.importers import import_file
from records.store import RecordsStore
from sensors.reading import Reading
from sensors.site import Site
from synthetic.centre import GeneratorConfig, generate_centre

# The API's clock: a Tuesday morning in February; readings cover the two days before it.
FIELD_NOW = datetime(2026, 2, 10, 9, 30, tzinfo=UTC)
FIELD_PASSWORD = "field-tested-password"


@dataclass
class FieldApi:
    """The app under test, its services, and a bearer header per role."""

    client: TestClient
    services: Services
    headers: dict[Role, dict[str, str]]


@pytest.fixture(scope="module")
def field_api(example_site: Site, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FieldApi]:
    """Readings every 5 minutes in three zones, a few dead letters, and two months of a generated centre."""
    directory = tmp_path_factory.mktemp("field")
    store = SQLiteReadingStore(directory / "readings.db")
    store.write(
        [
            Reading(example_site.id, zone, f"aq-0{n}", FIELD_NOW - timedelta(minutes=5 * k), {"co2_ppm": 500.0 + k})
            for n, zone in enumerate(("z1", "z2", "z3"), start=1)
            for k in range(1, 2 * 288)
        ]
    )
    letters = SQLiteDeadLetterLog(directory / "state.db")
    topic = "officewell/kc-main/z1/aq-01"
    letters.add([DeadLetter.of(FIELD_NOW, topic, b"{", f"not valid JSON {n}") for n in range(3)])
    centre = generate_centre(example_site, date(2026, 1, 1), date(2026, 2, 9), seed=3, config=GeneratorConfig().quick())
    files = centre.write_csv(directory / "centre")
    records = RecordsStore.open(f"sqlite:///{directory / 'records.db'}", "f" * 40)
    for kind in ("staff", "absences", "calls", "nki"):
        import_file(records, kind, files[kind], site=example_site)
    users = MemoryUserDirectory()
    for role in Role:
        users.add(role.value, role, FIELD_PASSWORD)
    services = Services(
        example_site,
        store,
        letters,
        users,
        TokenSigner("f" * 40),
        device_status=SQLiteDeviceStatus(directory / "state.db"),
        records=records,
        now=lambda: FIELD_NOW,
        alerts=SqlAlertStore(records.engine),
    )
    client = TestClient(create_app(services))
    headers = {}
    for role in Role:
        token = client.post("/api/v1/auth/token", data={"username": role.value, "password": FIELD_PASSWORD})
        headers[role] = {"Authorization": f"Bearer {token.json()['access_token']}"}
    try:
        yield FieldApi(client, services, headers)
    finally:
        client.close()
        store.close()
        records.close()
