"""The improvement board's history, its weekly-meeting query and its pages, on SQLite and PostgreSQL."""

from datetime import UTC, date, datetime, timedelta

import pytest

from records import board
from records.errors import InvalidRequestError, RecordsError, StaleItemError, UnknownItemError
from records.store import RecordsStore
from tests.records.conftest import KEY

MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # the weekly meeting's clock in these tests
TODAY = date(2026, 3, 9)


def _story(history):
    """An item's history as (kind, actor, field, old, new) rows."""
    return [(e.kind, e.actor, e.field, e.old, e.new) for e in history]


def test_an_item_starts_its_history_with_the_values_it_was_made_with(store, example_site):
    store.sync_site(example_site)
    item = board.add_item(
        store, "  Absorbers in z5 ", actor="maria", zone="z5", status="ny", due_date=date(2026, 4, 1), at=MONDAY
    )
    assert (item.title, item.status, item.created_at) == ("Absorbers in z5", "proposed", MONDAY)
    (created,) = board.item_history(store, item.id)
    assert (created.kind, created.actor, created.at, created.field, created.new) == (
        "created",
        "maria",
        MONDAY,
        None,
        None,
    )
    assert created.initial == {
        "title": "Absorbers in z5",  # as stored: trimmed, and the alias as the status it stands for
        "description": "",
        "zone": "z5",
        "quantity": None,
        "status": "proposed",
        "owner": None,
        "due_date": "2026-04-01",
        "done_on": None,
        "action": None,
    }
    assert created.to_dict()["at"] == MONDAY.isoformat()


def test_each_changed_field_gets_an_entry_with_who_and_when(store, example_site):
    store.sync_site(example_site)
    item = board.add_item(store, "Rebalance z3", actor="maria", zone="z3", at=MONDAY)
    later = MONDAY + timedelta(hours=1)
    moved = board.update_item(store, item.id, actor="ola", status="in_progress", owner="Ola", at=later)
    assert moved.updated_at == later
    done_at = MONDAY + timedelta(days=2)
    board.update_item(store, item.id, actor="maria", status="klar", today=TODAY, at=done_at)
    board.update_item(store, item.id, actor="ola", status="pågår", description="not yet", at=done_at)
    history = board.item_history(store, item.id)
    assert _story(history) == [
        ("created", "maria", None, None, None),
        ("changed", "ola", "status", "proposed", "in_progress"),
        ("changed", "ola", "owner", None, "Ola"),
        ("changed", "maria", "status", "in_progress", "done"),
        ("changed", "maria", "done_on", None, "2026-03-09"),  # set by the status change: in the history too
        ("changed", "ola", "description", "", "not yet"),
        ("changed", "ola", "status", "done", "in_progress"),
        ("changed", "ola", "done_on", "2026-03-09", None),  # cleared by leaving done
    ]
    assert [e.at for e in history] == [MONDAY, later, later, done_at, done_at, done_at, done_at, done_at]
    assert all(e.at.tzinfo is not None for e in history)
    assert [e.id for e in history] == sorted(e.id for e in history)
    # The audit log still gets one entry per call, as before.
    assert [e.action for e in store.audit_log()] == ["board_update"] * 3 + ["board_add"]


def test_a_change_that_changes_nothing_writes_nothing(store, example_site):
    store.sync_site(example_site)
    item = board.add_item(store, "Screens in z6", actor="maria", zone="z6", owner="Ola", at=MONDAY)
    same = board.update_item(store, item.id, actor="ola", owner="Ola", zone="z6", status="new")
    assert same == item
    assert same.version == item.version
    assert len(board.item_history(store, item.id)) == 1
    assert [e.action for e in store.audit_log()] == ["board_add"]


def test_an_edit_based_on_an_old_version_is_refused(store, example_site):
    store.sync_site(example_site)
    item = board.add_item(store, "CO2 in z1", actor="maria", zone="z1", at=MONDAY)
    first = board.update_item(store, item.id, actor="ola", owner="Ola", expected_version=item.version)
    assert first.version != item.version
    with pytest.raises(StaleItemError, match=f"item {item.id} changed since version {item.version}"):
        board.update_item(store, item.id, actor="maria", owner="Maria", expected_version=item.version)
    assert board.get_item(store, item.id).owner == "Ola"
    assert _story(board.item_history(store, item.id))[-1] == ("changed", "ola", "owner", None, "Ola")


def test_an_unknown_item_is_a_lookup_error(store):
    for call in (
        lambda: board.get_item(store, 404),
        lambda: board.item_history(store, 404),
        lambda: board.update_item(store, 404, actor="maria", owner="x"),
    ):
        with pytest.raises(UnknownItemError, match="no improvement item 404"):
            call()
    assert issubclass(UnknownItemError, RecordsError)  # callers catching RecordsError keep working


def test_the_instants_must_be_timezone_aware(store, example_site):
    store.sync_site(example_site)
    with pytest.raises(InvalidRequestError, match="at must be a timezone-aware datetime"):
        board.add_item(store, "x", actor="maria", at=datetime(2026, 3, 2, 8, 0))  # noqa: DTZ001
    with pytest.raises(InvalidRequestError, match="since must be a timezone-aware datetime"):
        board.changes_since(store, datetime(2026, 3, 2), today=TODAY)  # noqa: DTZ001
    assert board.list_items(store) == []


def test_the_weekly_meeting_sees_what_is_new_changed_and_overdue(store, example_site):
    store.sync_site(example_site)
    week_ago = MONDAY - timedelta(days=7)
    old = board.add_item(store, "Old, edited", actor="maria", zone="z1", at=week_ago - timedelta(days=3))
    quiet = board.add_item(store, "Old, quiet", actor="maria", due_date=TODAY, at=week_ago - timedelta(days=3))
    late = board.add_item(store, "Old, late", actor="maria", due_date=date(2026, 3, 1), at=week_ago - timedelta(days=9))
    board.add_item(store, "Late but done", actor="maria", status="done", due_date=date(2026, 2, 1),
                   today=date(2026, 2, 10), at=week_ago - timedelta(days=20))  # fmt: skip
    board.add_item(store, "Late but rejected", actor="maria", status="rejected", due_date=date(2026, 2, 1),
                   at=week_ago - timedelta(days=20))  # fmt: skip
    board.update_item(store, old.id, actor="ola", owner="before the week", at=week_ago - timedelta(seconds=1))
    board.update_item(store, old.id, actor="ola", status="in_progress", at=week_ago + timedelta(days=1))
    board.update_item(store, late.id, actor="maria", title="Old, late (again)", at=week_ago + timedelta(days=2))
    fresh = board.add_item(store, "New this week", actor="ola", zone="z3", at=MONDAY - timedelta(days=1))
    board.update_item(store, fresh.id, actor="ola", owner="Ola", at=MONDAY - timedelta(hours=1))

    meeting = board.changes_since(store, week_ago, today=TODAY)
    assert (meeting.since, meeting.today) == (week_ago, TODAY)
    assert [i.title for i in meeting.new] == ["New this week"]
    assert [(c.item.title, [(e.actor, e.field, e.old, e.new) for e in c.changes]) for c in meeting.changed] == [
        ("Old, edited", [("ola", "status", "proposed", "in_progress")]),  # the owner change was before `since`
        ("Old, late (again)", [("maria", "title", "Old, late", "Old, late (again)")]),
    ]
    assert [i.title for i in meeting.overdue] == ["Old, late (again)"]  # due today is not overdue yet
    assert quiet.overdue(TODAY) is False
    assert meeting.overdue[0].overdue(TODAY) is True
    assert quiet.overdue(TODAY + timedelta(days=1)) is True
    later = board.changes_since(store, MONDAY, today=TODAY)
    assert (later.new, later.changed) == ((), ())


def test_pages_count_every_match_and_filters_refuse_unknown_values(store, example_site):
    store.sync_site(example_site)
    for n in range(7):
        board.add_item(store, f"Card {n}", actor="maria", zone="z2" if n % 2 else "z4", owner="Ola" if n < 3 else None)
    page = board.page_items(store, limit=3, offset=2)
    assert ([i.title for i in page.items], page.total, page.limit, page.offset) == (
        ["Card 2", "Card 3", "Card 4"],
        7,
        3,
        2,
    )
    assert board.page_items(store, zone="z2").total == 3
    assert [i.title for i in board.page_items(store, owner="Ola", zone="z4").items] == ["Card 0", "Card 2"]
    assert board.page_items(store, offset=50).items == ()
    assert board.page_items(store, offset=50).total == 7
    assert [i.title for i in board.list_items(store, status="new", owner="Ola")] == ["Card 0", "Card 1", "Card 2"]
    with pytest.raises(RecordsError, match="unknown zone 'z99'"):
        board.page_items(store, zone="z99")
    with pytest.raises(RecordsError, match="unknown status 'maybe'"):
        board.list_items(store, status="maybe")
    with pytest.raises(InvalidRequestError, match="limit >= 1"):
        board.page_items(store, limit=0)


def test_items_made_before_revision_0003_get_a_created_entry(empty_url):
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import insert, inspect

    from records.database import MIGRATIONS, make_engine
    from records.models import AuditLog, ImprovementItem, Zone, table_of

    engine = make_engine(empty_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0002")
    at = datetime(2026, 1, 5, 9, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(insert(table_of(Zone)).values(id="z3", name="Answer group 3"))
        for title in ("Audited card", "Card without an audit entry"):
            conn.execute(
                insert(table_of(ImprovementItem)).values(
                    title=title, description="", zone_id="z3", status="proposed", created_at=at, updated_at=at
                )
            )
        conn.execute(
            insert(table_of(AuditLog)).values(
                at=at, actor="maria", action="board_add", resource="improvement:1", details="{}"
            )
        )
    engine.dispose()
    store = RecordsStore.open(empty_url, KEY)
    first, second = board.list_items(store)
    assert [(e.kind, e.actor, e.at, e.initial) for e in board.item_history(store, first.id)] == [
        ("created", "maria", at, None)
    ]
    assert [(e.kind, e.actor) for e in board.item_history(store, second.id)] == [("created", "unknown")]
    board.update_item(store, first.id, actor="ola", status="in_progress")
    assert _story(board.item_history(store, first.id))[-1] == ("changed", "ola", "status", "proposed", "in_progress")
    store.close()
    engine = make_engine(empty_url)
    with engine.begin() as conn:  # and back: the history goes, the cards stay
        config.attributes["connection"] = conn
        command.downgrade(config, "0002")
    with engine.connect() as conn:
        assert "improvement_changes" not in inspect(conn).get_table_names()
        assert "improvement_items" in inspect(conn).get_table_names()
    engine.dispose()
