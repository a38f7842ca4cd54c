"""The store on both backends: migrations reach head, and the schema matches the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from records.database import current_revision, head_revision
from records.models import Base
from records.store import RecordsStore
from tests.records.conftest import KEY


def test_migrations_reach_head_and_match_the_models(empty_url):
    store = RecordsStore.open(empty_url, KEY)
    assert current_revision(store.engine) == head_revision()
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []
    store.close()


def test_opening_twice_is_harmless(empty_url):
    first = RecordsStore.open(empty_url, KEY)
    first.audit("tester", "hello", "x")
    first.close()
    second = RecordsStore.open(empty_url, KEY)
    assert [e.action for e in second.audit_log()] == ["hello"]
    second.close()


def test_board_items_made_before_revision_0002_keep_working(empty_url):
    from datetime import UTC, date, datetime

    from alembic import command
    from alembic.config import Config
    from sqlalchemy import insert, inspect, text

    from records import board
    from records.database import MIGRATIONS, make_engine
    from records.models import ImprovementItem, Zone, table_of

    engine = make_engine(empty_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
    assert current_revision(engine) == "0001"
    at = datetime(2026, 1, 5, 9, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(insert(table_of(Zone)).values(id="z3", name="Answer group 3"))
        # The columns of revision 0001 only: what an older version wrote.
        conn.execute(
            insert(table_of(ImprovementItem)).values(
                title="Old card", description="", zone_id="z3", status="done", created_at=at, updated_at=at
            )
        )
    engine.dispose()
    store = RecordsStore.open(empty_url, KEY)
    assert current_revision(store.engine) == head_revision()
    [old] = board.list_items(store)
    assert (old.title, old.status, old.done_on, old.action) == ("Old card", "done", None, None)
    dated = board.update_item(store, old.id, actor="maria", done_on=date(2026, 1, 7), today=date(2026, 2, 1))
    assert dated.done_on == date(2026, 1, 7)
    store.close()
    engine = make_engine(empty_url)
    with engine.begin() as conn:  # and back: the downgrade drops the two columns and keeps the card
        config.attributes["connection"] = conn
        command.downgrade(config, "0001")
    with engine.connect() as conn:
        columns = {c["name"] for c in inspect(conn).get_columns("improvement_items")}
        assert {"done_on", "action"}.isdisjoint(columns)
        assert conn.execute(text("SELECT title FROM improvement_items")).scalars().all() == ["Old card"]
    engine.dispose()
