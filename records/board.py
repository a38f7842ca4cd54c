"""The improvement board: actions proposed for zones, with status, owner and due date; changes are audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from records.errors import RecordsError
from records.models import ITEM_STATUSES, ImprovementItem, Zone
from records.store import RecordsStore
from sensors.quantities import QUANTITY_KEYS

EDITABLE = ("title", "description", "zone", "quantity", "status", "owner", "due_date")


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
) -> Improvement:
    """Put a new card on the board."""
    fields = {
        "title": title,
        "description": description,
        "zone": zone,
        "quantity": quantity,
        "status": status,
        "owner": owner,
        "due_date": due_date,
    }
    now = datetime.now(UTC)
    with store.writing() as conn:
        values = _checked(conn, fields)
        item_id = conn.execute(
            insert(ImprovementItem).values(**values, created_at=now, updated_at=now).returning(ImprovementItem.id)
        ).scalar_one()
        store.audit(actor, "board_add", f"improvement:{item_id}", {"title": title, "status": status}, conn=conn)
        return _get(conn, item_id)


def update_item(store: RecordsStore, item_id: int, *, actor: str, **changes: Any) -> Improvement:
    """Change some fields of a card (title, description, zone, quantity, status, owner, due_date)."""
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise RecordsError(f"cannot change {', '.join(unknown)}; editable: {', '.join(EDITABLE)}")
    with store.writing() as conn:
        _get(conn, item_id)
        values = _checked(conn, changes)
        conn.execute(
            update(ImprovementItem).where(ImprovementItem.id == item_id).values(**values, updated_at=datetime.now(UTC))
        )
        shown = {k: v.isoformat() if isinstance(v, date) else v for k, v in changes.items() if k != "description"}
        store.audit(actor, "board_update", f"improvement:{item_id}", shown, conn=conn)
        return _get(conn, item_id)


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
    )
