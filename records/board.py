"""The improvement board: actions proposed for zones, with status, owner and due date; changes are audited.

An item that is done carries the local day it was done (`done_on`), which the action follow-up
(models.follow_up) compares before and after. The store reads no clock for it: callers pass `today`
(the site's local date), which becomes `done_on` when an item turns done without one, and bounds it:
a done_on may not lie in the future, nor before 2000. It may lie before the item was put on the board:
work done last month is registered after the fact, and its follow-up needs the real date. Leaving
"done" clears the date. `action` optionally names the catalogue action the item carries out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from records.errors import InvalidRequestError, RecordsError
from records.models import ITEM_STATUSES, ImprovementItem, Zone
from records.store import RecordsStore
from sensors.quantities import QUANTITY_KEYS

EDITABLE = ("title", "description", "zone", "quantity", "status", "owner", "due_date", "done_on", "action")
DONE = "done"
ACTION_KEY = re.compile(r"[a-z][a-z0-9_]{0,63}")  # a catalogue key: ventilation_rebalancing, sound_absorbers


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
) -> Improvement:
    """Put a new card on the board; one added as done was done `today` unless `done_on` is given."""
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
    now = datetime.now(UTC)
    with store.writing() as conn:
        values = _checked(conn, fields)
        given = {"done_on": done_on} if done_on is not None else {}
        values["done_on"] = _done_on(given, status, None, was_done=False, today=today, item="a new item")
        item_id = conn.execute(
            insert(ImprovementItem).values(**values, created_at=now, updated_at=now).returning(ImprovementItem.id)
        ).scalar_one()
        details: dict[str, Any] = {"title": title, "status": status}
        if values["done_on"] is not None:
            details["done_on"] = values["done_on"].isoformat()
        if values["action"] is not None:
            details["action"] = values["action"]
        store.audit(actor, "board_add", f"improvement:{item_id}", details, conn=conn)
        return _get(conn, item_id)


def update_item(
    store: RecordsStore, item_id: int, *, actor: str, today: date | None = None, **changes: Any
) -> Improvement:
    """Change some fields of a card (EDITABLE); an item turning done was done `today` unless `done_on` is given.

    `today` is the site's local date, needed whenever done_on is set: it becomes the date of an item
    that turns done without one, and a given done_on must not lie after it.
    """
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise RecordsError(f"cannot change {', '.join(unknown)}; editable: {', '.join(EDITABLE)}")
    with store.writing() as conn:
        current = _get(conn, item_id)
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
        conn.execute(
            update(ImprovementItem).where(ImprovementItem.id == item_id).values(**values, updated_at=datetime.now(UTC))
        )
        shown = {k: v.isoformat() if isinstance(v, date) else v for k, v in changes.items() if k != "description"}
        if done_on != current.done_on:  # set or cleared by the status change: the audit says so too
            shown["done_on"] = done_on.isoformat() if done_on is not None else None
        store.audit(actor, "board_update", f"improvement:{item_id}", shown, conn=conn)
        return _get(conn, item_id)


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


def list_items(store: RecordsStore, *, zone: str | None = None, status: str | None = None) -> list[Improvement]:
    """Cards on the board, oldest first, optionally of one zone or status."""
    query = select(ImprovementItem).order_by(ImprovementItem.id)
    if zone is not None:
        query = query.where(ImprovementItem.zone_id == zone)
    if status is not None:
        query = query.where(ImprovementItem.status == status)
    with store.reading() as conn:
        return [_item(row) for row in conn.execute(query)]


def _checked(conn: Connection, fields: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, value in fields.items():
        if name == "title":
            title = str(value or "").strip()
            if not title or len(title) > 200:
                raise RecordsError("a title of 1 to 200 characters is required")
            values["title"] = title
        elif name == "status":
            if value not in ITEM_STATUSES:
                raise RecordsError(f"unknown status {value!r}; use one of {', '.join(ITEM_STATUSES)}")
            values["status"] = value
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
            if value is not None and not isinstance(value, date):
                raise RecordsError("due_date must be a date")
            values["due_date"] = value
        elif name == "action":
            if value is not None and (not isinstance(value, str) or not ACTION_KEY.fullmatch(value)):
                raise RecordsError(
                    f"action must be a catalogue key such as 'ventilation_rebalancing' (a lower-case letter, then "
                    f"letters, digits or _, at most 64), got {value!r}"
                )
            values["action"] = value
    return values


def _get(conn: Connection, item_id: int) -> Improvement:
    row = conn.execute(select(ImprovementItem).where(ImprovementItem.id == item_id)).first()
    if row is None:
        raise RecordsError(f"no improvement item {item_id}")
    return _item(row)


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
