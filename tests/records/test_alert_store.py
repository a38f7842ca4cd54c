"""The AlertStore contract, run against the in-memory fake, SQLite and a real PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from records.alert_store import SqlAlertStore
from records.alerts import Alert, AlertKey, AlertStore, MemoryAlertStore, NewAlert
from records.errors import AlreadyAcknowledgedError, UnknownAlertError
from records.store import RecordsStore
from tests.records.conftest import KEY, PostgresServer

T0 = datetime(2026, 2, 10, 8, 0, tzinfo=UTC)
CO2 = AlertKey("z1", "co2_ppm", "high")


def new(zone: str = "z1", quantity: str = "co2_ppm", side: str = "high", minute: int = 0) -> NewAlert:
    at = T0 + timedelta(minutes=minute)
    return NewAlert(zone, quantity, side, 1000.0, 1100.0, 1150.0, at - timedelta(minutes=10), at)


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def alerts(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[AlertStore]:
    """An empty alert store on each backend."""
    if request.param == "memory":
        yield MemoryAlertStore()
        return
    if request.param == "sqlite":
        store = SqlAlertStore.open(f"sqlite:///{tmp_path / 'records.db'}")
        yield store
        store.close()
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    url = server.create_database()
    store = SqlAlertStore.open(url)
    yield store
    store.close()
    server.drop_database(url)


def test_a_raised_alert_is_open_with_what_it_was_raised_with(alerts: AlertStore):
    alert = alerts.raise_alert(new())
    assert alert.is_open
    assert alert.key == CO2
    assert (alert.threshold, alert.value, alert.peak) == (1000.0, 1100.0, 1150.0)
    assert alert.since == T0 - timedelta(minutes=10)
    assert alert.raised_at == T0
    assert alert.since.tzinfo is not None
    assert alert.raised_at.utcoffset() == timedelta(0)
    assert (alert.cleared_at, alert.acknowledged_by, alert.acknowledged_at, alert.note) == (None, None, None, None)
    assert alerts.get(alert.id) == alert
    assert alerts.open_alerts() == [alert]


def test_at_most_one_alert_is_open_per_zone_quantity_and_side(alerts: AlertStore):
    first = alerts.raise_alert(new())
    again = alerts.raise_alert(new(minute=5))
    assert again == first
    low = alerts.raise_alert(new(side="low"))
    other_zone = alerts.raise_alert(new(zone="z2"))
    assert len({first.id, low.id, other_zone.id}) == 3
    assert [a.id for a in alerts.open_alerts()] == [first.id, low.id, other_zone.id]
    # raise_new says which call made it: None while one is open for the key, a new one once it cleared.
    assert alerts.raise_new(new(minute=6)) is None
    alerts.clear_alert(CO2, T0 + timedelta(minutes=30), 1200.0)
    made = alerts.raise_new(new(minute=40))
    assert made is not None
    assert made.id not in {first.id, low.id, other_zone.id}
    assert made.raised_at == T0 + timedelta(minutes=40)


def test_peaks_and_clearing(alerts: AlertStore):
    alert = alerts.raise_alert(new())
    alerts.record_peak(CO2, 1400.0)
    assert alerts.get(alert.id).peak == 1400.0
    cleared = alerts.clear_alert(CO2, T0 + timedelta(hours=1), 1450.0)
    assert cleared is not None
    assert cleared.id == alert.id
    assert cleared.cleared_at == T0 + timedelta(hours=1)
    assert cleared.peak == 1450.0
    assert not cleared.is_open
    assert alerts.open_alerts() == []
    assert alerts.clear_alert(CO2, T0 + timedelta(hours=2), 1.0) is None  # none open: nothing happens
    alerts.record_peak(CO2, 9999.0)
    assert alerts.get(alert.id).peak == 1450.0
    # After clearing, the same key can be raised again: a new alert.
    second = alerts.raise_alert(new(minute=120))
    assert second.id != alert.id
    assert second.is_open


def test_acknowledging_once_and_only_once_and_it_still_clears(alerts: AlertStore):
    alert = alerts.raise_alert(new())
    done = alerts.acknowledge(alert.id, "fatima", T0 + timedelta(minutes=3), "Ventilation called, ticket 4711")
    assert (done.acknowledged_by, done.acknowledged_at, done.note) == (
        "fatima",
        T0 + timedelta(minutes=3),
        "Ventilation called, ticket 4711",
    )
    assert done.is_open
    with pytest.raises(AlreadyAcknowledgedError, match="fatima"):
        alerts.acknowledge(alert.id, "olle", T0 + timedelta(minutes=4))
    with pytest.raises(UnknownAlertError):
        alerts.acknowledge(999_999, "olle", T0)
    cleared = alerts.clear_alert(CO2, T0 + timedelta(minutes=30), 1200.0)
    assert cleared is not None
    assert cleared.acknowledged_by == "fatima"
    assert cleared.note.startswith("Ventilation")


def test_what_goes_with_an_acknowledgement_sees_it_and_undoes_it_when_it_fails(alerts: AlertStore):
    alert = alerts.raise_alert(new())
    seen: list[Alert] = []

    def refuse(_conn: object, done: Alert) -> None:
        seen.append(done)
        raise RuntimeError("the audit log refused the entry")

    with pytest.raises(RuntimeError, match="audit log refused"):
        alerts.acknowledge(alert.id, "fatima", T0 + timedelta(minutes=3), "ticket 4711", also=refuse)
    assert [(a.id, a.acknowledged_by, a.note) for a in seen] == [(alert.id, "fatima", "ticket 4711")]
    kept = alerts.get(alert.id)
    assert kept is not None
    assert (kept.acknowledged_by, kept.acknowledged_at, kept.note) == (None, None, None)
    # Nothing half-done: the next acknowledgement goes through, and runs its companion once.
    done = alerts.acknowledge(alert.id, "olle", T0 + timedelta(minutes=5), also=lambda _c, a: seen.append(a))
    assert done.acknowledged_by == "olle"
    assert len(seen) == 2
    with pytest.raises(AlreadyAcknowledgedError):
        alerts.acknowledge(alert.id, "fatima", T0 + timedelta(minutes=6), also=lambda _c, a: seen.append(a))
    assert len(seen) == 2  # not run for a refused acknowledgement


def test_a_cleared_alert_can_be_acknowledged_without_a_note(alerts: AlertStore):
    alert = alerts.raise_alert(new())
    alerts.clear_alert(CO2, T0 + timedelta(minutes=30), 1200.0)
    done = alerts.acknowledge(alert.id, "fatima", T0 + timedelta(hours=1))
    assert done.note is None
    assert done.cleared_at is not None


def test_pages_by_state_and_zone_newest_first(alerts: AlertStore):
    for minute in range(5):
        alerts.raise_alert(new(zone=f"z{minute % 2}", minute=minute))  # z0, z1, z0 (same key: no), …
    made = alerts.page("all")
    assert made.total == 2  # z0 and z1: the others were open already
    alerts.clear_alert(AlertKey("z0", "co2_ppm", "high"), T0 + timedelta(minutes=10), 1100.0)
    for minute in range(20, 25):
        alerts.raise_alert(new(zone="z0", quantity="sound_dba", minute=minute))
        alerts.clear_alert(AlertKey("z0", "sound_dba", "high"), T0 + timedelta(minutes=minute, seconds=30), 60.0)
    everything = alerts.page("all", limit=100)
    assert everything.total == 7
    raised = [a.raised_at for a in everything.items]
    assert raised == sorted(raised, reverse=True)
    assert alerts.page("open").total == 1
    assert alerts.page("open").items[0].zone == "z1"
    cleared = alerts.page("cleared", zone="z0", limit=2, offset=1)
    assert cleared.total == 6
    assert len(cleared.items) == 2
    assert all(a.zone == "z0" and not a.is_open for a in cleared.items)
    assert cleared.items[0] == alerts.page("cleared", zone="z0").items[1]
    assert alerts.page("all", offset=100).items == ()
    assert alerts.page("all", offset=100).total == 7
    assert alerts.page("all", zone="nowhere").total == 0
    assert alerts.get(123_456) is None


def test_two_writers_raising_the_same_alert_open_one(alerts: AlertStore):
    made: list[int] = []
    errors: list[BaseException] = []

    def raise_one() -> None:
        try:
            if (alert := alerts.raise_new(new())) is not None:
                made.append(alert.id)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=raise_one) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    [alert] = alerts.page("all").items
    assert made == [alert.id]  # one writer made it and is told so; the others are told it was open already
    assert alerts.raise_alert(new(minute=3)) == alert


def test_two_writers_clearing_the_same_alert_clear_it_once(alerts: AlertStore):
    alert = alerts.raise_alert(new())
    cleared: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def clear_one(n: int) -> None:
        try:
            start.wait(10)
            done = alerts.clear_alert(CO2, T0 + timedelta(minutes=30 + n), 1200.0 + n)
            if done is not None:
                cleared.append(n)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=clear_one, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert len(cleared) == 1  # one writer cleared it and is told so: only it sends the notice
    kept = alerts.get(alert.id)
    assert kept is not None
    assert kept.cleared_at == T0 + timedelta(minutes=30 + cleared[0])  # the one told is the one kept
    assert kept.peak == 1200.0 + cleared[0]


def test_the_sql_store_shares_the_records_database(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'records.db'}"
    alerts = SqlAlertStore.open(url)  # without the pseudonymisation key: alerts are room data
    alert = alerts.raise_alert(new())
    alerts.close()
    records = RecordsStore.open(url, KEY)
    shared = SqlAlertStore(records.engine)
    assert shared.get(alert.id) == alert
    shared.close()  # not its engine: the records store still works
    assert records.teams() == []
    records.close()


def test_the_migration_goes_down_and_up_again(empty_url: str):
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import inspect

    from records.database import MIGRATIONS, current_revision, head_revision, make_engine

    SqlAlertStore.open(empty_url).close()
    engine = make_engine(empty_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0004")
    with engine.connect() as conn:
        assert not inspect(conn).has_table("alerts")
    engine.dispose()
    store = SqlAlertStore.open(empty_url)
    assert current_revision(store.engine) == head_revision()
    assert store.raise_alert(new()).is_open
    store.close()
