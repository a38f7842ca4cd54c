"""The LayoutStore contract, run against the in-memory fake, SQLite and a real PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from records.errors import StaleLayoutError
from records.layout_store import LayoutStore, MemoryLayoutStore, SqlLayoutStore, StoredLayout, ZoneRect
from records.store import RecordsStore
from tests.records.conftest import KEY, PostgresServer

T0 = datetime(2027, 1, 12, 9, 0, tzinfo=UTC)
SITE = "kc-main"
FIRST = {"z1": ZoneRect(200, 420, 140, 180), "meeting": ZoneRect(400.5, 240.25, 200, 140)}


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def layouts(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LayoutStore]:
    """An empty layout store on each backend."""
    if request.param == "memory":
        yield MemoryLayoutStore()
        return
    if request.param == "sqlite":
        store = SqlLayoutStore.open(f"sqlite:///{tmp_path / 'records.db'}")
        yield store
        store.close()
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    url = server.create_database()
    store = SqlLayoutStore.open(url)
    yield store
    store.close()
    server.drop_database(url)


def test_nothing_is_kept_at_first(layouts: LayoutStore):
    assert layouts.layout(SITE) == {}
    assert layouts.stored(SITE) == StoredLayout()
    assert layouts.stored(SITE).updated_at is None


def test_a_saved_layout_reads_back_with_who_and_when(layouts: LayoutStore):
    layouts.save_layout(SITE, FIRST, "anna", T0)
    assert layouts.layout(SITE) == FIRST
    kept = layouts.stored(SITE)
    assert dict(kept.rects) == FIRST
    assert kept.updated_by == "anna"
    assert kept.updated_at == T0
    assert kept.updated_at.utcoffset() == timedelta(0)


def test_a_save_replaces_the_whole_layout_of_its_site_only(layouts: LayoutStore):
    layouts.save_layout(SITE, FIRST, "anna", T0)
    layouts.save_layout("branch", {"z1": ZoneRect(0, 0, 10, 10)}, "olle", T0)
    second = {"z2": ZoneRect(340, 420, 140, 180), "z1": ZoneRect(0, 0, 100, 100)}
    layouts.save_layout(SITE, second, "fatima", T0 + timedelta(hours=1))
    assert layouts.layout(SITE) == second  # meeting is gone, z1 moved, z2 added
    assert layouts.stored(SITE).updated_by == "fatima"
    assert layouts.stored(SITE).updated_at == T0 + timedelta(hours=1)
    assert layouts.layout("branch") == {"z1": ZoneRect(0, 0, 10, 10)}
    assert layouts.stored("branch").updated_by == "olle"


def test_an_empty_save_keeps_nothing(layouts: LayoutStore):
    layouts.save_layout(SITE, FIRST, "anna", T0)
    layouts.save_layout(SITE, {}, "anna", T0 + timedelta(minutes=1))
    assert layouts.stored(SITE) == StoredLayout()


def test_an_instant_in_another_zone_is_kept_as_the_same_instant(layouts: LayoutStore):
    local = T0.astimezone(timezone(timedelta(hours=1)))
    layouts.save_layout(SITE, FIRST, "anna", local)
    assert layouts.stored(SITE).updated_at == T0


def test_what_is_not_a_layout_is_refused_and_changes_nothing(layouts: LayoutStore):
    layouts.save_layout(SITE, FIRST, "anna", T0)
    with pytest.raises(ValueError, match="naive"):
        layouts.save_layout(SITE, {"z1": ZoneRect(0, 0, 1, 1)}, "anna", datetime(2027, 1, 12, 9))  # noqa: DTZ001
    with pytest.raises(ValueError, match="zone id"):
        layouts.save_layout(SITE, {"z" * 65: ZoneRect(0, 0, 1, 1)}, "anna", T0)
    with pytest.raises(ValueError, match="site id"):
        layouts.save_layout("", {}, "anna", T0)
    assert layouts.layout(SITE) == FIRST


@pytest.mark.parametrize(
    "values", [(0, 0, 0, 10), (0, 0, 10, -1), (-1, 0, 10, 10), (0, float("nan"), 10, 10), (0, 0, float("inf"), 1)]
)
def test_a_rectangle_has_a_size_and_finite_corners(values):
    with pytest.raises(ValueError, match="rectangle"):
        ZoneRect(*values)


def test_two_writers_saving_at_once_leave_one_whole_layout(layouts: LayoutStore):
    layouts.save_layout(SITE, FIRST, "anna", T0)
    # Each writer places a different set of zones: a mix of two would show zones of both.
    saves = {f"w{n}": {f"z{n}-{k}": ZoneRect(n, k, 1 + n, 1 + k) for k in range(4)} for n in range(6)}
    errors: list[BaseException] = []

    def save(by: str) -> None:
        try:
            layouts.save_layout(SITE, saves[by], by, T0 + timedelta(minutes=1))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=save, args=(by,)) for by in saves]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    kept = layouts.stored(SITE)
    assert kept.updated_by in saves
    assert dict(kept.rects) == saves[kept.updated_by]


def test_a_save_based_on_an_older_version_is_refused_and_changes_nothing(layouts: LayoutStore):
    empty = layouts.stored(SITE).version
    layouts.save_layout(SITE, FIRST, "anna", T0, expected_version=empty)  # based on the site file's plan
    first = layouts.stored(SITE)
    assert first.version != empty
    assert layouts.stored(SITE).version == first.version  # the same layout read again: the same version
    moved = {"z1": ZoneRect(10, 10, 140, 180)}
    saved = layouts.save_layout(SITE, moved, "fatima", T0 + timedelta(minutes=5), expected_version=first.version)
    second = layouts.stored(SITE)
    assert saved == second  # the save answers with the layout it kept
    assert second.version not in (empty, first.version)
    # Anna saves again from the layout she read: Fatima's is kept, and the error says whose it is.
    with pytest.raises(StaleLayoutError, match=r"saved by fatima at 2027-01-12T09:05:00\+00:00"):
        layouts.save_layout(SITE, FIRST, "anna", T0 + timedelta(minutes=6), expected_version=first.version)
    assert layouts.stored(SITE) == second
    # Back to the site file's plan, and a save based on the layout before is refused as well.
    layouts.save_layout(SITE, {}, "fatima", T0 + timedelta(minutes=7), expected_version=second.version)
    assert layouts.stored(SITE).version == empty
    with pytest.raises(StaleLayoutError, match="reset to the site file"):
        layouts.save_layout(SITE, moved, "anna", T0 + timedelta(minutes=8), expected_version=second.version)
    assert layouts.stored(SITE) == StoredLayout()


def test_of_two_saves_based_on_one_version_at_once_one_is_kept_and_the_other_refused(layouts: LayoutStore):
    layouts.save_layout(SITE, FIRST, "anna", T0)
    base = layouts.stored(SITE).version
    saves = {f"w{n}": {f"z{n}": ZoneRect(n, n, 10, 10)} for n in range(4)}
    outcome: dict[str, str] = {}

    def save(by: str) -> None:
        try:
            layouts.save_layout(SITE, saves[by], by, T0 + timedelta(minutes=1), expected_version=base)
            outcome[by] = "kept"
        except StaleLayoutError:
            outcome[by] = "refused"

    threads = [threading.Thread(target=save, args=(by,)) for by in saves]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    kept = [by for by, what in outcome.items() if what == "kept"]
    assert len(outcome) == len(saves)
    assert len(kept) == 1, outcome
    assert layouts.stored(SITE).updated_by == kept[0]
    assert dict(layouts.stored(SITE).rects) == saves[kept[0]]


def test_the_sql_store_shares_the_records_database(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'records.db'}"
    layouts = SqlLayoutStore.open(url)  # without the pseudonymisation key: layouts are room data
    layouts.save_layout(SITE, FIRST, "anna", T0)
    layouts.close()
    records = RecordsStore.open(url, KEY)
    shared = SqlLayoutStore(records.engine)
    assert shared.layout(SITE) == FIRST
    shared.close()  # not its engine: the records store still works
    assert records.teams() == []
    records.close()


def test_the_migration_goes_down_and_up_again(empty_url: str):
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import inspect

    from records.database import MIGRATIONS, current_revision, head_revision, make_engine

    SqlLayoutStore.open(empty_url).close()
    engine = make_engine(empty_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0005")
    with engine.connect() as conn:
        assert not inspect(conn).has_table("zone_layouts")
        assert inspect(conn).has_table("alerts")
    engine.dispose()
    store = SqlLayoutStore.open(empty_url)
    assert current_revision(store.engine) == head_revision()
    store.save_layout(SITE, FIRST, "anna", T0)
    assert store.layout(SITE) == FIRST
    store.close()


def test_the_sql_save_runs_what_goes_with_it_in_its_own_transaction(records_url: str):
    from sqlalchemy import Connection, func, select

    from records.layout_store import LAYOUTS

    store = SqlLayoutStore.open(records_url)
    store.save_layout(SITE, FIRST, "anna", T0)

    def fail(_conn: Connection) -> None:
        raise RuntimeError("the audit entry could not be written")

    with pytest.raises(RuntimeError, match="audit entry"):
        store.save_layout(SITE, {}, "olle", T0 + timedelta(minutes=1), also=fail)
    assert store.layout(SITE) == FIRST  # rolled back with it
    assert store.stored(SITE).updated_by == "anna"
    seen: list[int] = []

    def count(conn: Connection) -> None:  # sees the rows just written, before they are committed
        seen.append(conn.execute(select(func.count()).select_from(LAYOUTS)).scalar_one())

    store.save_layout(SITE, {"z9": ZoneRect(1, 2, 3, 4)}, "olle", T0, also=count)
    assert seen == [1]
    assert store.layout(SITE) == {"z9": ZoneRect(1, 2, 3, 4)}
    store.close()
