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
