"""The improvement board: actions proposed for zones, with status, owner and due date; changes are audited.

An item that is done carries the local day it was done (`done_on`), which the action follow-up
(models.follow_up) compares before and after. The store reads no clock for it: callers pass `today`
(the site's local date), which becomes `done_on` when an item turns done without one, and bounds it:
a done_on may not lie in the future, nor before 2000. It may lie before the item was put on the board:
work done last month is registered after the fact, and its follow-up needs the real date. Leaving
"done" clears the date. `action` optionally names the catalogue action the item carries out.

Every item keeps its history (table improvement_changes): a "created" entry with the values it started
with, then one entry per field that changed — a status change, and the done_on it sets or clears, too —
with who and when. `changes_since` reads it for the weekly meeting: what is new, what changed, what is
overdue. Statuses are ITEM_STATUSES; the Swedish and plain-English words of the board (ny, pågår, klar,
avvisad; new, in progress) are accepted and stored as those.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, func, insert, select, update

from records.errors import InvalidRequestError, RecordsError, StaleItemError, UnknownItemError
from records.models import ITEM_STATUSES, ImprovementChange, ImprovementItem, Zone
from records.store import RecordsStore
from sensors.quantities import QUANTITY_KEYS

EDITABLE = ("title", "description", "zone", "quantity", "status", "owner", "due_date", "done_on", "action")
DONE = "done"
CLOSED = ("done", "rejected")  # an item in these is not overdue, whatever its due date
CREATED, CHANGED = "created", "changed"  # records.models.CHANGE_KINDS
ACTION_KEY = re.compile(r"[a-z][a-z0-9_]{0,63}")  # a catalogue key: ventilation_rebalancing, sound_absorbers
# Words people use on the board for the statuses, lower case: stored as the status itself.
STATUS_ALIASES: Mapping[str, str] = {
    "new": "proposed",
    "ny": "proposed",
    "föreslagen": "proposed",
    "in progress": "in_progress",
    "in-progress": "in_progress",
    "pågår": "in_progress",
    "pågående": "in_progress",
    "klar": "done",
    "avvisad": "rejected",
}
_COLUMN_OF = {"zone": "zone_id"}  # EDITABLE names whose column is called otherwise


@dataclass(frozen=True)
class Improvement:
    """A card on the improvement board."""

    id: int
    title: str
    description: str
    zone: str | None
    quantity: str | None
    status: str
    owner: str | None
    due_date: date | None
    created_at: datetime
    updated_at: datetime
    done_on: date | None = None
    action: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {
            "id": self.id,
            "title": self.title,
            "description": self.description,
            "zone": self.zone,
            "quantity": self.quantity,
            "status": self.status,
            "owner": self.owner,
            "due_date": self.due_date.isoformat() if self.due_date else None,
            "done_on": self.done_on.isoformat() if self.done_on else None,
            "action": self.action,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
        }

    @property
    def version(self) -> str:
        """A digest of everything the item holds: any change gives another (for ETags and safe edits)."""
        text = json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    def overdue(self, today: date) -> bool:
        """Whether its due date has passed (before `today`) while it is neither done nor rejected."""
        return self.due_date is not None and self.due_date < today and self.status not in CLOSED


@dataclass(frozen=True)
class HistoryEntry:
    """One entry of an item's history: its creation (with the values it started with), or one field changed."""

    id: int
    item_id: int
    at: datetime
    actor: str
    kind: str  # "created" or "changed"
    field: str | None = None  # the EDITABLE name that changed; None for "created"
    old: str | None = None  # values as text (dates ISO), None for none
    new: str | None = None
    initial: Mapping[str, str | None] | None = None  # "created": the values it started with (None: not known)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {
            "id": self.id,
            "item_id": self.item_id,
            "at": self.at.isoformat(),
            "actor": self.actor,
            "kind": self.kind,
            "field": self.field,
            "old": self.old,
            "new": self.new,
            "initial": None if self.initial is None else dict(self.initial),
        }


@dataclass(frozen=True)
class ItemPage:
    """One page of the board's items, oldest first, and how many items match in all."""

    items: tuple[Improvement, ...]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True)
class ChangedItem:
    """An item as it is now, and its changes of a period, oldest first."""

    item: Improvement
    changes: tuple[HistoryEntry, ...]


@dataclass(frozen=True)
class BoardChanges:
    """What the weekly meeting goes through: items new since an instant, items changed since, items overdue."""

    since: datetime
    today: date
    new: tuple[Improvement, ...]
    changed: tuple[ChangedItem, ...]
    overdue: tuple[Improvement, ...]


def add_item(
    store: RecordsStore,
    title: str,
    *,
    actor: str,
    description: str = "",
    zone: str | None = None,
    quantity: str | None = None,
    status: str = "proposed",
    owner: str | None = None,
    due_date: date | None = None,
    done_on: date | None = None,
    action: str | None = None,
    today: date | None = None,
    at: datetime | None = None,
) -> Improvement:
    """Put a new card on the board; one added as done was done `today` unless `done_on` is given.

    `at` is the instant of the change (default: the clock): it becomes created_at and the history's time.
    """
    fields = {
        "title": title,
        "description": description,
        "zone": zone,
        "quantity": quantity,
        "status": status,
        "owner": owner,
        "due_date": due_date,
        "action": action,
    }
    now = _instant(at, "at")
    with store.writing() as conn:
        values = _checked(conn, fields)
        status = values["status"]
        given = {"done_on": done_on} if done_on is not None else {}
        values["done_on"] = _done_on(given, status, None, was_done=False, today=today, item="a new item")
        item_id = conn.execute(
            insert(ImprovementItem).values(**values, created_at=now, updated_at=now).returning(ImprovementItem.id)
        ).scalar_one()
        item = _get(conn, item_id)
        initial = {name: _text(value) for name, value in _fields(item).items()}
        conn.execute(
            insert(ImprovementChange).values(
                item_id=item_id, at=now, actor=actor[:100], kind=CREATED, new_value=json.dumps(initial)
            )
        )
        details: dict[str, Any] = {"title": item.title, "status": status}
        if values["done_on"] is not None:
            details["done_on"] = values["done_on"].isoformat()
        if values["action"] is not None:
            details["action"] = values["action"]
        store.audit(actor, "board_add", f"improvement:{item_id}", details, conn=conn)
        return item


def update_item(
    store: RecordsStore,
    item_id: int,
    *,
    actor: str,
    today: date | None = None,
    at: datetime | None = None,
    expected_version: str | None = None,
    **changes: Any,
) -> Improvement:
    """Change some fields of a card (EDITABLE); an item turning done was done `today` unless `done_on` is given.

    `today` is the site's local date, needed whenever done_on is set: it becomes the date of an item
    that turns done without one, and a given done_on must not lie after it. `at` is the instant of the
    change (default: the clock). With `expected_version` (an Improvement.version read earlier), an item
    that changed since is left alone: StaleItemError. Each field that changes gets a history entry; a
    change that changes nothing writes nothing.
    """
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise RecordsError(f"cannot change {', '.join(unknown)}; editable: {', '.join(EDITABLE)}")
    now = _instant(at, "at")
    with store.writing() as conn:
        current = _get(conn, item_id, lock=True)
        if expected_version is not None and expected_version != current.version:
            raise StaleItemError(
                f"item {item_id} changed since version {expected_version} was read (it is at {current.version} "
                "now): read it again and redo the edit"
            )
        values = _checked(conn, {k: v for k, v in changes.items() if k != "done_on"})
        status = values.get("status", current.status)
        done_on = _done_on(
            changes,
            status,
            current.done_on,
            was_done=current.status == DONE,
            today=today,
            item=f"item {item_id}",
        )
        if done_on != current.done_on:
            values["done_on"] = done_on
        before = _fields(current)
        asked = {name: values[column] for name in EDITABLE if (column := _COLUMN_OF.get(name, name)) in values}
        if all(before[name] == value for name, value in asked.items()):
            return current  # nothing changes: nothing is written, the history and the audit log stay as they are
        conn.execute(update(ImprovementItem).where(ImprovementItem.id == item_id).values(**values, updated_at=now))
        item = _get(conn, item_id)
        after = _fields(item)
        history = [
            {
                "item_id": item_id,
                "at": now,
                "actor": actor[:100],
                "kind": CHANGED,
                "field": name,
                "old_value": _text(before[name]),
                "new_value": _text(after[name]),
            }
            for name in EDITABLE
            if before[name] != after[name]
        ]
        if history:
            conn.execute(insert(ImprovementChange), history)
        shown = {k: v.isoformat() if isinstance(v, date) else v for k, v in changes.items() if k != "description"}
        if done_on != current.done_on:  # set or cleared by the status change: the audit says so too
            shown["done_on"] = done_on.isoformat() if done_on is not None else None
        store.audit(actor, "board_update", f"improvement:{item_id}", shown, conn=conn)
        return item


def get_item(store: RecordsStore, item_id: int) -> Improvement:
    """One card; UnknownItemError when there is none with this id."""
    with store.reading() as conn:
        return _get(conn, item_id)


def item_history(store: RecordsStore, item_id: int) -> list[HistoryEntry]:
    """A card's history, oldest first: its creation, then one entry per field changed; UnknownItemError if none."""
    query = select(ImprovementChange).where(ImprovementChange.item_id == item_id).order_by(ImprovementChange.id)
    with store.reading() as conn:
        _get(conn, item_id)
        return [_entry(row) for row in conn.execute(query)]


def changes_since(store: RecordsStore, since: datetime, *, today: date) -> BoardChanges:
    """For the weekly meeting: items made at or after `since`, the others changed since, and those overdue `today`.

    A changed item comes with its changes since then; overdue items (due before today, neither done nor
    rejected) are listed earliest due first, whether or not they changed.
    """
    since = _instant(since, "since")
    touched = select(ImprovementChange.item_id).where(ImprovementChange.kind == CHANGED, ImprovementChange.at >= since)
    with store.reading() as conn:
        new = [_item(r) for r in conn.execute(_items().where(ImprovementItem.created_at >= since))]
        fresh = {item.id for item in new}
        edited = [_item(r) for r in conn.execute(_items().where(ImprovementItem.id.in_(touched)))]
        entries: dict[int, list[HistoryEntry]] = {}
        rows = conn.execute(
            select(ImprovementChange)
            .where(ImprovementChange.kind == CHANGED, ImprovementChange.at >= since)
            .order_by(ImprovementChange.id)
        )
        for row in rows:
            entries.setdefault(row.item_id, []).append(_entry(row))
        overdue = conn.execute(
            select(ImprovementItem)
            .where(ImprovementItem.due_date < today, ImprovementItem.status.not_in(CLOSED))
            .order_by(ImprovementItem.due_date, ImprovementItem.id)
        )
        return BoardChanges(
            since=since,
            today=today,
            new=tuple(new),
            changed=tuple(ChangedItem(i, tuple(entries[i.id])) for i in edited if i.id not in fresh),
            overdue=tuple(_item(r) for r in overdue),
        )


EARLIEST_DONE_ON = date(2000, 1, 1)  # a typo guard, not a rule: nothing the follow-up reads lies earlier


def _done_on(
    changes: dict[str, Any],
    status: str,
    current: date | None,
    *,
    was_done: bool,
    today: date | None,
    item: str,
) -> date | None:
    """The item's done_on after a change of its status and/or done_on, checked against `today`."""
    if status != DONE:
        if changes.get("done_on") is not None:
            raise RecordsError(f"done_on is only for items that are done; {item} is {status!r}")
        return None  # leaving "done" clears the date: the item is not done any more
    if "done_on" in changes:
        value = changes["done_on"]
        if value is None:
            raise RecordsError(f"{item} is done and needs the date it was done; to undo it, change its status")
    elif was_done:
        return current  # unchanged (an item done before done_on existed keeps none until someone sets it)
    else:
        value = today
    if today is None:
        raise InvalidRequestError(f"setting the done_on of {item} needs today's date: pass today= (the site's date)")
    # A datetime is a date too, but done_on is a day: refuse it rather than cut the time off silently.
    if isinstance(value, datetime) or not isinstance(value, date):
        raise RecordsError(f"done_on must be a date (YYYY-MM-DD), got {value!r}")
    if value > today:
        raise RecordsError(f"done_on {value.isoformat()} is in the future (today is {today.isoformat()})")
    if value < EARLIEST_DONE_ON:
        raise RecordsError(f"done_on {value.isoformat()} is before {EARLIEST_DONE_ON.isoformat()}: check the year")
    return value


def list_items(
    store: RecordsStore, *, zone: str | None = None, status: str | None = None, owner: str | None = None
) -> list[Improvement]:
    """Cards on the board, oldest first, optionally of one zone, status or owner."""
    with store.reading() as conn:
        return [_item(row) for row in conn.execute(_items().where(*_filters(conn, zone, status, owner)))]


def page_items(
    store: RecordsStore,
    *,
    zone: str | None = None,
    status: str | None = None,
    owner: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> ItemPage:
    """One page of the cards, oldest first, optionally of one zone, status or owner, with the total that match."""
    if limit < 1 or offset < 0:
        raise InvalidRequestError(f"a page needs limit >= 1 and offset >= 0, got limit={limit}, offset={offset}")
    with store.reading() as conn:
        where = _filters(conn, zone, status, owner)
        total = conn.execute(select(func.count()).select_from(ImprovementItem).where(*where)).scalar_one()
        rows = conn.execute(_items().where(*where).limit(limit).offset(offset))
        return ItemPage(tuple(_item(row) for row in rows), int(total), limit, offset)


def _items() -> Any:
    return select(ImprovementItem).order_by(ImprovementItem.id)


def _filters(conn: Connection, zone: str | None, status: str | None, owner: str | None) -> list[ColumnElement[bool]]:
    """The conditions of a listing; an unknown zone or status is refused like in an edit."""
    where: list[ColumnElement[bool]] = []
    if zone is not None:
        where.append(ImprovementItem.zone_id == _checked(conn, {"zone": zone})["zone_id"])
    if status is not None:
        where.append(ImprovementItem.status == _checked(conn, {"status": status})["status"])
    if owner is not None:
        where.append(ImprovementItem.owner == owner)
    return where


def _checked(conn: Connection, fields: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, value in fields.items():
        if name == "title":
            title = str(value or "").strip()
            if not title or len(title) > 200:
                raise RecordsError("a title of 1 to 200 characters is required")
            values["title"] = title
        elif name == "status":
            status = STATUS_ALIASES.get(value.strip().lower(), value) if isinstance(value, str) else value
            if status not in ITEM_STATUSES:
                raise RecordsError(f"unknown status {value!r}; use one of {', '.join(ITEM_STATUSES)}")
            values["status"] = status
        elif name == "quantity":
            if value is not None and value not in QUANTITY_KEYS:
                raise RecordsError(f"unknown quantity {value!r}; use one of {', '.join(QUANTITY_KEYS)}")
            values["quantity"] = value
        elif name == "zone":
            if value is not None and conn.execute(select(Zone.id).where(Zone.id == value)).first() is None:
                raise RecordsError(f"unknown zone {value!r}: zones come from the site file")
            values["zone_id"] = value
        elif name == "description":
            values["description"] = str(value or "")
        elif name == "owner":
            values["owner"] = None if value is None else str(value)[:100]
        elif name == "due_date":
            if value is not None and (isinstance(value, datetime) or not isinstance(value, date)):
                raise RecordsError(f"due_date must be a date (YYYY-MM-DD), got {value!r}")
            values["due_date"] = value
        elif name == "action":
            if value is not None and (not isinstance(value, str) or not ACTION_KEY.fullmatch(value)):
                raise RecordsError(
                    f"action must be a catalogue key such as 'ventilation_rebalancing' (a lower-case letter, then "
                    f"letters, digits or _, at most 64), got {value!r}"
                )
            values["action"] = value
    return values


def _get(conn: Connection, item_id: int, *, lock: bool = False) -> Improvement:
    query = select(ImprovementItem).where(ImprovementItem.id == item_id)
    # PostgreSQL: lock the row until the edit commits, so that two edits of one version cannot both pass.
    row = conn.execute(query.with_for_update() if lock else query).first()
    if row is None:
        raise UnknownItemError(f"no improvement item {item_id}")
    return _item(row)


def _fields(item: Improvement) -> dict[str, Any]:
    return {name: getattr(item, name) for name in EDITABLE}


def _text(value: Any) -> str | None:
    """A field's value as the history keeps it: None stays None, dates are ISO, the rest str()."""
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


def _instant(value: datetime | None, name: str) -> datetime:
    if value is None:
        return datetime.now(UTC)
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise InvalidRequestError(f"{name} must be a timezone-aware datetime, got {value!r}")
    return value.astimezone(UTC)


def _entry(row: Any) -> HistoryEntry:
    initial = json.loads(row.new_value) if row.kind == CREATED and row.new_value is not None else None
    return HistoryEntry(
        id=row.id,
        item_id=row.item_id,
        at=row.at,
        actor=row.actor,
        kind=row.kind,
        field=row.field,
        old=row.old_value,
        new=None if row.kind == CREATED else row.new_value,
        initial=initial,
    )


def _item(row: Any) -> Improvement:
    return Improvement(
        id=row.id,
        title=row.title,
        description=row.description,
        zone=row.zone_id,
        quantity=row.quantity,
        status=row.status,
        owner=row.owner,
        due_date=row.due_date,
        created_at=row.created_at,
        updated_at=row.updated_at,
        done_on=row.done_on,
        action=row.action,
    )
