"""The store beyond imports: site teams, empty frames, the append-only audit log, the board and users."""

from datetime import UTC, date, datetime

import pandas as pd
import pytest
from sqlalchemy import text

from api.passwords import hash_password
from api.security import Role
from records import board, users
from records.errors import RecordsError, StoreError
from records.frames import ABSENCE_COLUMNS, CALL_COLUMNS, NKI_COLUMNS, STAFF_COLUMNS
from records.importers import import_file
from records.models import ROLES


def test_site_teams_and_zones_are_synced(store, example_site):
    store.sync_site(example_site)
    store.sync_site(example_site)  # idempotent
    teams = {t for z in example_site.zones for t in z.teams}
    assert set(store.teams()) == teams
    assert store.zone_teams()["z1"] == ("team-1",)


def test_empty_frames_have_the_documented_columns_and_types(store):
    absences, staff, calls, nki = store.absences_frame(), store.staff_frame(), store.calls_frame(), store.nki_frame()
    assert list(absences.columns) == ABSENCE_COLUMNS
    assert list(staff.columns) == STAFF_COLUMNS
    assert list(calls.columns) == CALL_COLUMNS
    assert list(nki.columns) == NKI_COLUMNS
    assert str(calls["interval_start"].dtype) == "datetime64[ns, UTC]"
    assert str(absences["start_date"].dtype) == "datetime64[ns]"
    assert str(calls["abandoned"].dtype) == "Int64"


def test_audit_log_is_append_only(store):
    store.audit("anna", "export", "report:T1", {"rows": 3})
    entry = store.audit_log()[0]
    assert (entry.actor, entry.action, entry.resource, entry.details) == ("anna", "export", "report:T1", {"rows": 3})
    assert entry.at.tzinfo is not None
    assert abs((datetime.now(UTC) - entry.at).total_seconds()) < 60
    for statement in ("UPDATE audit_log SET actor = 'mallory'", "DELETE FROM audit_log"):
        with pytest.raises(StoreError, match="append-only"), store.writing() as conn:
            conn.execute(text(statement))
    assert [e.actor for e in store.audit_log()] == ["anna"]


def test_audit_log_lists_newest_first_and_filters(store):
    for i in range(3):
        store.audit("anna", "a" if i % 2 == 0 else "b", f"r{i}")
    assert [e.resource for e in store.audit_log()] == ["r2", "r1", "r0"]
    assert [e.resource for e in store.audit_log(action="a", limit=1)] == ["r2"]


def test_improvement_board(store, example_site):
    store.sync_site(example_site)
    item = board.add_item(
        store, "Raise ventilation in z3", actor="maria", zone="z3", quantity="co2_ppm", due_date=date(2027, 2, 1)
    )
    assert (item.status, item.zone, item.quantity) == ("proposed", "z3", "co2_ppm")
    moved = board.update_item(store, item.id, actor="maria", status="in_progress", owner="facilities")
    assert (moved.status, moved.owner) == ("in_progress", "facilities")
    assert moved.updated_at >= item.updated_at
    assert [i.id for i in board.list_items(store, status="in_progress")] == [item.id]
    assert board.list_items(store, zone="z1") == []
    with pytest.raises(RecordsError, match="unknown status"):
        board.update_item(store, item.id, actor="maria", status="maybe")
    with pytest.raises(RecordsError, match="unknown zone"):
        board.add_item(store, "x", actor="maria", zone="z99")
    with pytest.raises(RecordsError, match="unknown quantity"):
        board.add_item(store, "x", actor="maria", quantity="radon")
    assert [e.action for e in store.audit_log()] == ["board_update", "board_add"]
    assert item.to_dict()["due_date"] == "2027-02-01"


def _created_on(store, item_id: int, day: date) -> None:
    """Backdate an item's creation (the store takes the clock for created_at, so a test sets it by hand)."""
    from sqlalchemy import update

    from records.models import ImprovementItem

    with store.writing() as conn:
        created = datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)
        conn.execute(update(ImprovementItem).where(ImprovementItem.id == item_id).values(created_at=created))


def test_a_done_item_carries_the_day_it_was_done(store, example_site):
    store.sync_site(example_site)
    item = board.add_item(store, "Rebalance z3", actor="maria", zone="z3", action="ventilation_rebalancing")
    assert (item.done_on, item.action) == (None, "ventilation_rebalancing")
    _created_on(store, item.id, date(2026, 2, 2))
    done = board.update_item(store, item.id, actor="maria", status="done", today=date(2026, 3, 4))
    assert (done.status, done.done_on) == ("done", date(2026, 3, 4))  # today, from the caller
    moved = board.update_item(store, item.id, actor="ola", done_on=date(2026, 3, 2), today=date(2026, 3, 9))
    assert moved.done_on == date(2026, 3, 2)
    renamed = board.update_item(store, item.id, actor="ola", title="Rebalance z3 to 45 l/s")
    assert renamed.done_on == date(2026, 3, 2)  # other edits keep it, and need no date
    assert renamed.to_dict()["done_on"] == "2026-03-02"
    assert renamed.to_dict()["action"] == "ventilation_rebalancing"
    reopened = board.update_item(store, item.id, actor="ola", status="in_progress")
    assert reopened.done_on is None  # not done any more
    again = board.update_item(
        store, item.id, actor="maria", status="done", done_on=date(2026, 3, 3), today=date(2026, 3, 10)
    )
    assert again.done_on == date(2026, 3, 3)
    assert [i.id for i in board.list_items(store, status="done")] == [item.id]
    log = [(e.action, e.actor, dict(e.details)) for e in reversed(store.audit_log())]
    assert log[0] == ("board_add", "maria", {"title": "Rebalance z3", "status": "proposed",
                                             "action": "ventilation_rebalancing"})  # fmt: skip
    assert [d.get("done_on", "-") for _, _, d in log[1:]] == ["2026-03-04", "2026-03-02", "-", None, "2026-03-03"]


def test_an_item_added_as_done_is_done_today_unless_told(store, example_site):
    store.sync_site(example_site)
    today = datetime.now(UTC).date()  # the store stamps created_at from the clock, so today must be real here
    item = board.add_item(store, "Absorbers in z5", actor="maria", zone="z5", status="done", today=today)
    assert item.done_on == today
    assert store.audit_log()[0].details["done_on"] == today.isoformat()
    given = board.add_item(store, "Screens in z6", actor="maria", status="done", done_on=today, today=today)
    assert given.done_on == today


def test_bad_done_dates_and_actions_are_refused_and_change_nothing(store, example_site):
    store.sync_site(example_site)
    item = board.add_item(store, "Rebalance z3", actor="maria", zone="z3")
    _created_on(store, item.id, date(2026, 2, 2))
    cases = [
        ({"status": "done", "done_on": date(2026, 3, 11), "today": date(2026, 3, 10)}, "2026-03-11 is in the future"),
        ({"status": "done", "done_on": date(1999, 12, 31), "today": date(2026, 3, 10)},
         "done_on 1999-12-31 is before 2000-01-01"),
        ({"done_on": date(2026, 3, 1), "today": date(2026, 3, 10)}, "only for items that are done; .* 'proposed'"),
        ({"status": "done", "done_on": datetime(2026, 3, 1, tzinfo=UTC), "today": date(2026, 3, 10)},
         "must be a date"),
        ({"status": "done"}, "needs today's date"),
        ({"action": "Ventilation rebalancing!"}, "catalogue key"),
        ({"action": "x" * 65}, "catalogue key"),
    ]  # fmt: skip
    for kwargs, message in cases:
        with pytest.raises(RecordsError, match=message):
            board.update_item(store, item.id, actor="maria", **kwargs)
    with pytest.raises(RecordsError, match="in the future"):
        board.add_item(store, "x", actor="maria", status="done", done_on=date(2026, 3, 11), today=date(2026, 3, 10))
    done = board.update_item(store, item.id, actor="maria", status="done", today=date(2026, 3, 10))
    with pytest.raises(RecordsError, match="needs the date it was done"):
        board.update_item(store, item.id, actor="maria", done_on=None)
    assert board.list_items(store) == [done]  # nothing half-written
    # Work done before the card was put on the board is registered with its real date.
    earlier = board.update_item(store, item.id, actor="maria", done_on=date(2026, 1, 20), today=date(2026, 3, 10))
    assert earlier.done_on == date(2026, 1, 20)
    assert [e.action for e in store.audit_log()] == ["board_update", "board_update", "board_add"]


def test_users_keep_hashes_only(store):
    assert set(ROLES) == {r.value for r in Role}  # records must not import api, so the list is repeated
    saved = users.save_user(store, "anna", "hr", hash_password("correct horse battery"), actor="admin")
    assert saved.role == "hr"
    assert saved.password_hash.startswith("$argon2id$")
    users.save_user(store, "anna", "manager", hash_password("another long password"), actor="admin")
    assert users.get_user(store, "anna").role == "manager"
    with pytest.raises(RecordsError, match="not a password"):
        users.save_user(store, "bo", "hr", "plain-password", actor="admin")
    with pytest.raises(RecordsError, match="unknown role"):
        users.save_user(store, "bo", "boss", hash_password("x" * 12), actor="admin")
    assert [u.username for u in users.list_users(store)] == ["anna"]
    assert users.delete_user(store, "anna", actor="admin") is True
    assert users.get_user(store, "anna") is None
    assert [e.action for e in store.audit_log()] == ["user_delete", "user_update", "user_add"]


def test_frames_filter_by_period_and_team(store, example_site):
    from records.importers import import_file
    from tests.records.support import GOOD

    import_file(store, "absences", GOOD / "absences_sv_cp1252.csv", site=example_site)
    january = store.absences_frame(start=date(2024, 1, 1), end=date(2024, 1, 31), teams=["team-1"])
    assert set(january["team"]) == {"team-1"}
    assert (january["start_date"] <= pd.Timestamp("2024-01-31")).all()
    assert (january["end_date"] >= pd.Timestamp("2024-01-01")).all()
    assert len(january) == 4
    with pytest.raises(ValueError, match="timezone-aware"):
        store.calls_frame(start=datetime(2024, 1, 1))  # noqa: DTZ001 - the point of the test


def test_the_database_file_is_private_even_if_an_older_version_made_it_readable(tmp_path):
    import os

    from records.store import RecordsStore
    from tests.records.conftest import KEY

    folder = tmp_path / "new" / "data"
    store = RecordsStore.open(f"sqlite:///{folder / 'records.db'}", KEY)
    store.close()
    assert (folder / "records.db").stat().st_mode & 0o777 == 0o600
    assert folder.stat().st_mode & 0o777 == 0o700
    old = tmp_path / "old.db"
    old.touch()
    os.chmod(old, 0o644)
    RecordsStore.open(f"sqlite:///{old}", KEY).close()
    assert old.stat().st_mode & 0o777 == 0o600


def test_the_data_version_changes_with_every_change_an_analysis_reads(store, example_site, tmp_path):
    """Imports, erasures, purges and board edits make kept figures stale; reading and re-importing do not."""
    from records.retention import erase_person, purge_absences

    assert store.data_version() is None
    calls = tmp_path / "calls.csv"
    calls.write_text("interval_start,team,offered,answered\n2026-03-02T09:00:00,team-1,10,9\n")
    import_file(store, "calls", calls, site=example_site)
    versions = [store.data_version()]
    import_file(store, "calls", calls, site=example_site)  # the same file again changes nothing
    assert store.data_version() == versions[-1]
    store.absences_frame()  # reading changes nothing
    assert store.data_version() == versions[-1]
    erase_person(store, raw_id="E1001", actor="admin")
    versions.append(store.data_version())
    purge_absences(store, 12, today=date(2026, 11, 30), actor="admin")
    versions.append(store.data_version())
    item = board.add_item(store, "Rebalance z3", actor="manager")
    versions.append(store.data_version())
    board.update_item(store, item.id, actor="manager", status="in_progress")
    versions.append(store.data_version())
    assert None not in versions
    assert versions == sorted(set(versions))  # each one newer than the one before
