"""Who may log in: a user directory port, a JSON-file adapter and an in-memory fake."""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from api.security import Principal, Role, hash_password, verify_password


@dataclass(frozen=True)
class User:
    """A login: name, role and password hash (never the password)."""

    username: str
    role: Role
    password_hash: str


class UserDirectory(Protocol):
    """Looks users up and checks their passwords."""

    def authenticate(self, username: str, password: str) -> Principal | None:
        """The principal if the password is right, else None."""
        ...

    def role_of(self, username: str) -> Role | None:
        """The user's current role, or None if the user no longer exists."""
        ...

    def stamp_of(self, username: str) -> str | None:
        """A value that changes whenever the user's password does (None if the user no longer exists)."""
        ...


class MemoryUserDirectory:
    """Users held in memory: the port's fake and the demo's directory."""

    def __init__(self, users: list[User] | None = None) -> None:
        """Start with these users."""
        self._users = {u.username: u for u in users or []}

    def add(self, username: str, role: Role, password: str) -> User:
        """Add or replace a user."""
        user = User(username, role, hash_password(password))
        self._users[username] = user
        return user

    def users(self) -> list[User]:
        """All users."""
        return list(self._users.values())

    def role_of(self, username: str) -> Role | None:
        """The user's current role, or None."""
        user = self._users.get(username)
        return user.role if user else None

    def stamp_of(self, username: str) -> str | None:
        """A digest of the stored password hash: a new password (new salt) gives a new stamp."""
        user = self._users.get(username)
        return password_stamp(user.password_hash) if user else None

    def authenticate(self, username: str, password: str) -> Principal | None:
        """Check the password against the stored hash."""
        user = self._users.get(username)
        if user is None:
            # Spend the same time as a wrong password, so names cannot be probed by timing.
            verify_password(password, _DUMMY_HASH)
            return None
        return Principal(user.username, user.role) if verify_password(password, user.password_hash) else None


class FileUserDirectory(MemoryUserDirectory):
    """Users kept in a JSON file (`users.json` in the data dir), written with mode 0600.

    The file is read again whenever it changed, so `officewell user add` takes effect in a running server.
    """

    def __init__(self, path: Path) -> None:
        """Load the users from `path` if it exists."""
        self.path = Path(path)
        self._lock = threading.Lock()
        self._loaded: int | None = None
        super().__init__([])
        self._reload()

    def _reload(self) -> None:
        try:
            mtime = self.path.stat().st_mtime_ns
        except FileNotFoundError:
            return
        if mtime == self._loaded:
            return
        rows = json.loads(self.path.read_text(encoding="utf-8"))
        self._users = {r["username"]: User(r["username"], Role(r["role"]), r["password_hash"]) for r in rows}
        self._loaded = mtime

    def authenticate(self, username: str, password: str) -> Principal | None:
        """Check the password against the file as it is now."""
        with self._lock:
            self._reload()
        return super().authenticate(username, password)

    def role_of(self, username: str) -> Role | None:
        """The user's role as the file says now."""
        with self._lock:
            self._reload()
        return super().role_of(username)

    def stamp_of(self, username: str) -> str | None:
        """The user's password stamp as the file says now."""
        with self._lock:
            self._reload()
        return super().stamp_of(username)

    def add(self, username: str, role: Role, password: str) -> User:
        """Add or replace a user and save the file."""
        with self._lock:
            self._reload()
            user = super().add(username, role, password)
            self._save()
        return user

    def _save(self) -> None:
        rows = [{"username": u.username, "role": u.role.value, "password_hash": u.password_hash} for u in self.users()]
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(rows, fh, indent=2)
        tmp.replace(self.path)


def password_stamp(password_hash: str) -> str:
    """A short digest of a password hash, carried in tokens (the hash itself never leaves the server)."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


_DUMMY_HASH = hash_password("officewell-dummy")
