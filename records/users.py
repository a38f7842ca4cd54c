"""Logins kept in the records database: username, role and password hash (never a password)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, insert, select, update

from records.errors import RecordsError
from records.models import ROLES, User
from records.store import RecordsStore


@dataclass(frozen=True)
class UserRecord:
    """A stored login."""

    username: str
    role: str
    password_hash: str
    created_at: datetime


def save_user(store: RecordsStore, username: str, role: str, password_hash: str, *, actor: str) -> UserRecord:
    """Add a user or replace their role and hash; the hash must come from api.passwords.hash_password."""
    if not username or len(username) > 100:
        raise RecordsError("a username of 1 to 100 characters is required")
    if role not in ROLES:
        raise RecordsError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
    if password_hash.count("$") < 2:
        # A self-describing hash ('scheme$…$…'): refusing anything else keeps a plain password out of the table.
        raise RecordsError("password_hash must be a hash made by api.passwords.hash_password, not a password")
    with store.writing() as conn:
        existing = conn.execute(select(User.id).where(User.username == username)).first()
        if existing is None:
            conn.execute(
                insert(User).values(
                    username=username, role=role, password_hash=password_hash, created_at=datetime.now(UTC)
                )
            )
        else:
            conn.execute(update(User).where(User.username == username).values(role=role, password_hash=password_hash))
        action = "user_add" if existing is None else "user_update"
        store.audit(actor, action, f"user:{username}", {"role": role}, conn=conn)
    found = get_user(store, username)
    assert found is not None
    return found


def get_user(store: RecordsStore, username: str) -> UserRecord | None:
    """The user with this name, or None."""
    with store.reading() as conn:
        row = conn.execute(select(User).where(User.username == username)).first()
    return None if row is None else UserRecord(row.username, row.role, row.password_hash, row.created_at)


def list_users(store: RecordsStore) -> list[UserRecord]:
    """All users by name."""
    with store.reading() as conn:
        rows = conn.execute(select(User).order_by(User.username)).all()
    return [UserRecord(r.username, r.role, r.password_hash, r.created_at) for r in rows]


def delete_user(store: RecordsStore, username: str, *, actor: str) -> bool:
    """Remove a user; False if there was none."""
    with store.writing() as conn:
        gone = conn.execute(delete(User).where(User.username == username)).rowcount > 0
        if gone:
            store.audit(actor, "user_delete", f"user:{username}", {}, conn=conn)
    return gone
