"""Who may log in: people with passwords and machines with long-lived API tokens.

A directory port (`UserDirectory`), a JSON-file adapter (`users.json` in the data dir, mode 0600) and an
in-memory fake. Passwords are kept as argon2id hashes (api.passwords); a user's `stamp` changes when
their password is set, and every token issued before carries the old one, so a new password ends
them. Machine tokens (`owt_<id>_<secret>`) are shown once, at creation; only a SHA-256 digest of the
secret is kept (the secret is 256 random bits, so a slow hash would add nothing), with the token's
name, role, creator, optional expiry and revocation.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import os
import re
import secrets
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from api.errors import ApiError
from api.passwords import DUMMY_HASH, hash_password, verify_and_update
from api.security import Principal, Role

TOKEN_PREFIX = "owt_"  # noqa: S105 - the form of a machine token, not a secret
_PRESENTED = re.compile(r"owt_([0-9a-f]{12})_([A-Za-z0-9_-]{43})")
USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,99}")
TOKEN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}")


class DirectoryError(ApiError, ValueError):
    """A user or token cannot be saved as asked (a bad name, an unknown token); the message says why."""


@dataclass(frozen=True)
class User:
    """A login: name, role, password hash (never the password) and the stamp of the current password."""

    username: str
    role: Role
    password_hash: str
    stamp: str = ""


@dataclass(frozen=True)
class ApiToken:
    """A machine's long-lived bearer token, as kept: never the secret, only its digest."""

    id: str
    name: str
    role: Role
    digest: str
    created_at: datetime
    created_by: str
    expires_at: datetime | None = None
    revoked_at: datetime | None = None
    revoked_by: str | None = None

    def active(self, now: datetime) -> bool:
        """Whether the token lets its bearer in at `now`."""
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)

    @property
    def username(self) -> str:
        """The name its requests act under in the audit log: token:<name>."""
        return f"token:{self.name}"


class UserDirectory(Protocol):
    """Looks users and machine tokens up, checks passwords, and keeps them."""

    def authenticate(self, username: str, password: str) -> Principal | None:
        """The principal if the password is right, else None (an outdated hash is upgraded on the way)."""
        ...

    def role_of(self, username: str) -> Role | None:
        """The user's current role, or None if the user no longer exists."""
        ...

    def stamp_of(self, username: str) -> str | None:
        """A value that changes whenever the user's password does (None if the user no longer exists)."""
        ...

    def users(self) -> list[User]:
        """All users, by name."""
        ...

    def add(self, username: str, role: Role, password: str) -> User:
        """Add a user or replace their role and password."""
        ...

    def set_role(self, username: str, role: Role) -> User:
        """Change an existing user's role (their tokens end: they carry the old role)."""
        ...

    def remove(self, username: str) -> bool:
        """Remove a user; False if there was none."""
        ...

    def create_token(
        self, name: str, role: Role, *, created_by: str, now: datetime, expires_at: datetime | None = None
    ) -> tuple[ApiToken, str]:
        """A new machine token and its secret form, which is never shown again."""
        ...

    def tokens(self) -> list[ApiToken]:
        """Every machine token, revoked ones too, newest first."""
        ...

    def revoke_token(self, token_id: str, *, revoked_by: str, now: datetime) -> ApiToken:
        """Revoke a token (DirectoryError if unknown); revoking twice keeps the first revocation."""
        ...

    def token_principal(self, presented: str, now: datetime) -> Principal | None:
        """The principal of an active machine token presented as a bearer, else None."""
        ...


class MemoryUserDirectory:
    """Users and tokens held in memory: the port's fake and the base of the file adapter."""

    def __init__(self, users: list[User] | None = None) -> None:
        """Start with these users."""
        self._users = {u.username: u for u in users or []}
        self._tokens: dict[str, ApiToken] = {}

    def add(self, username: str, role: Role, password: str) -> User:
        """Add or replace a user: a new password means a new stamp."""
        if not USERNAME.fullmatch(username):
            raise DirectoryError("a username is 1 to 100 letters, digits or . _ @ - (starting with a letter or digit)")
        user = User(username, role, hash_password(password), secrets.token_hex(8))
        self._users[username] = user
        return user

    def set_role(self, username: str, role: Role) -> User:
        """Change a user's role (their tokens end); DirectoryError if there is no such user."""
        user = self._users.get(username)
        if user is None:
            raise DirectoryError(f"no user {username[:100]!r}")
        # A new stamp: tokens issued for the old role end, and giving the role back does not revive them.
        self._users[username] = changed = replace(user, role=role, stamp=secrets.token_hex(8))
        return changed

    def remove(self, username: str) -> bool:
        """Remove a user; False if there was none."""
        return self._users.pop(username, None) is not None

    def users(self) -> list[User]:
        """All users, by name."""
        return sorted(self._users.values(), key=lambda u: u.username)

    def role_of(self, username: str) -> Role | None:
        """The user's current role, or None."""
        user = self._users.get(username)
        return user.role if user else None

    def stamp_of(self, username: str) -> str | None:
        """The stamp of the user's current password, or None."""
        user = self._users.get(username)
        return stamp_of(user) if user else None

    def authenticate(self, username: str, password: str) -> Principal | None:
        """Check the password against the stored hash; store an upgraded hash when the old one is outdated."""
        user = self._users.get(username)
        if user is None:
            # Spend the same time as a wrong password, so names cannot be probed by timing.
            verify_and_update(password, DUMMY_HASH)
            return None
        valid, upgraded = verify_and_update(password, user.password_hash)
        if not valid:
            return None
        if upgraded is not None:
            # Same password, stronger hash: the stamp stays, so the user's other sessions go on.
            self._upgrade(user, replace(user, password_hash=upgraded, stamp=stamp_of(user)))
        return Principal(user.username, user.role, stamp_of(user))

    def _upgrade(self, old: User, new: User) -> None:
        if self._users.get(old.username) == old:
            self._users[old.username] = new

    def create_token(
        self, name: str, role: Role, *, created_by: str, now: datetime, expires_at: datetime | None = None
    ) -> tuple[ApiToken, str]:
        """A new machine token; the secret form is returned once and only its digest is kept."""
        if not TOKEN_NAME.fullmatch(name):
            raise DirectoryError("a token name is 1 to 64 letters, digits, spaces or . _ - (e.g. 'nightly HR import')")
        if expires_at is not None and expires_at <= now:
            raise DirectoryError("a token's expiry must lie in the future")
        if any(t.name == name and t.revoked_at is None for t in self._tokens.values()):
            # Its requests are audited as token:<name>: two live tokens of one name could not be told apart.
            raise DirectoryError(f"a token named {name!r} exists: revoke it first or choose another name")
        token_id = secrets.token_hex(6)
        secret = secrets.token_urlsafe(32)
        token = ApiToken(token_id, name, role, _digest(secret), now, created_by, expires_at)
        self._tokens[token_id] = token
        return token, f"{TOKEN_PREFIX}{token_id}_{secret}"

    def tokens(self) -> list[ApiToken]:
        """Every machine token, newest first."""
        return sorted(self._tokens.values(), key=lambda t: t.created_at, reverse=True)

    def revoke_token(self, token_id: str, *, revoked_by: str, now: datetime) -> ApiToken:
        """Revoke a token; DirectoryError if there is none with this id."""
        token = self._tokens.get(token_id)
        if token is None:
            raise DirectoryError(f"no token {token_id[:32]!r}")
        if token.revoked_at is None:
            token = self._tokens[token_id] = replace(token, revoked_at=now, revoked_by=revoked_by)
        return token

    def token_principal(self, presented: str, now: datetime) -> Principal | None:
        """The principal of an active machine token, else None."""
        match = _PRESENTED.fullmatch(presented)
        token = self._tokens.get(match.group(1)) if match else None
        if match is None or token is None:
            return None
        if not hmac.compare_digest(token.digest, _digest(match.group(2))) or not token.active(now):
            return None
        return Principal(token.username, token.role, via="api-token", token_id=token.id)


class FileUserDirectory(MemoryUserDirectory):
    """Users and tokens kept in a JSON file (`users.json` in the data dir), written atomically with mode 0600.

    The file is read again whenever it changed, so `officewell user add` takes effect in a running server.
    The file of officewell 0.1 (a list of users) is read as it is and written in the new form on first change.
    """

    def __init__(self, path: Path) -> None:
        """Load the users from `path` if it exists."""
        self.path = Path(path)
        self._lock = threading.RLock()
        self._lock_path = self.path.with_name(self.path.name + ".lock")
        self._loaded: int | None = None
        super().__init__([])
        self._reload()

    def _reload(self, *, force: bool = False) -> None:
        try:
            mtime = self.path.stat().st_mtime_ns
        except FileNotFoundError:
            return
        if mtime == self._loaded and not force:
            return
        data = json.loads(self.path.read_text(encoding="utf-8"))
        rows, tokens = (data, []) if isinstance(data, list) else (data.get("users", []), data.get("tokens", []))
        self._users = {
            r["username"]: User(r["username"], Role(r["role"]), r["password_hash"], r.get("stamp", "")) for r in rows
        }
        self._tokens = {t["id"]: _token_of(t) for t in tokens}
        self._loaded = mtime

    def _read(self) -> None:
        with self._lock:
            self._reload()

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """Read the file as it is, change it, save it: one writer at a time across processes (CLI and server).

        The lock file's flock serialises writers in every process; the file is replaced atomically, so
        readers never see half a file. If the change or the save fails, memory goes back to the file.
        """
        with self._lock:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                self._reload(force=True)  # another process may have written within the same mtime tick
                users, tokens = dict(self._users), dict(self._tokens)
                try:
                    yield
                    self._save()
                except BaseException:
                    self._users, self._tokens = users, tokens
                    raise
            finally:
                os.close(fd)  # closing releases the flock

    def authenticate(self, username: str, password: str) -> Principal | None:
        """Check the password against the file as it is now."""
        self._read()
        return super().authenticate(username, password)

    def _upgrade(self, old: User, new: User) -> None:
        # Only over the hash that was checked: a password set meanwhile (`officewell user add`) wins.
        with self._writing():
            if self._users.get(old.username) == old:
                super()._upgrade(old, new)

    def role_of(self, username: str) -> Role | None:
        """The user's role as the file says now."""
        self._read()
        return super().role_of(username)

    def stamp_of(self, username: str) -> str | None:
        """The user's password stamp as the file says now."""
        self._read()
        return super().stamp_of(username)

    def users(self) -> list[User]:
        """All users as the file says now."""
        self._read()
        return super().users()

    def tokens(self) -> list[ApiToken]:
        """Every machine token as the file says now."""
        self._read()
        return super().tokens()

    def token_principal(self, presented: str, now: datetime) -> Principal | None:
        """The principal of an active machine token as the file says now."""
        self._read()
        return super().token_principal(presented, now)

    def add(self, username: str, role: Role, password: str) -> User:
        """Add or replace a user and save the file."""
        with self._writing():
            return super().add(username, role, password)

    def set_role(self, username: str, role: Role) -> User:
        """Change a user's role and save the file."""
        with self._writing():
            return super().set_role(username, role)

    def remove(self, username: str) -> bool:
        """Remove a user and save the file."""
        with self._writing():
            return super().remove(username)

    def create_token(
        self, name: str, role: Role, *, created_by: str, now: datetime, expires_at: datetime | None = None
    ) -> tuple[ApiToken, str]:
        """Create a machine token and save the file."""
        with self._writing():
            return super().create_token(name, role, created_by=created_by, now=now, expires_at=expires_at)

    def revoke_token(self, token_id: str, *, revoked_by: str, now: datetime) -> ApiToken:
        """Revoke a machine token and save the file."""
        with self._writing():
            return super().revoke_token(token_id, revoked_by=revoked_by, now=now)

    def _save(self) -> None:
        data = {
            "version": 2,
            "users": [
                {"username": u.username, "role": u.role.value, "password_hash": u.password_hash, "stamp": stamp_of(u)}
                for u in super().users()
            ],
            "tokens": [_token_row(t) for t in super().tokens()],
        }
        # A temporary file of this writer's own (never shared), flushed to disk, then put in place atomically.
        fd, tmp = tempfile.mkstemp(prefix=self.path.name + ".", suffix=".tmp", dir=self.path.parent)
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, indent=2)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self._loaded = self.path.stat().st_mtime_ns


def stamp_of(user: User) -> str:
    """The user's password stamp: the stored one, or (files of 0.1) a digest of the password hash."""
    return user.stamp or password_stamp(user.password_hash)


def password_stamp(password_hash: str) -> str:
    """A short digest of a password hash (the stamp of users saved before stamps were stored)."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _token_row(token: ApiToken) -> dict[str, Any]:
    def when(value: datetime | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "id": token.id,
        "name": token.name,
        "role": token.role.value,
        "digest": token.digest,
        "created_at": token.created_at.isoformat(),
        "created_by": token.created_by,
        "expires_at": when(token.expires_at),
        "revoked_at": when(token.revoked_at),
        "revoked_by": token.revoked_by,
    }


def _token_of(row: dict[str, Any]) -> ApiToken:
    def when(value: str | None) -> datetime | None:
        return datetime.fromisoformat(value) if value else None

    return ApiToken(
        row["id"],
        row["name"],
        Role(row["role"]),
        row["digest"],
        datetime.fromisoformat(row["created_at"]),
        row["created_by"],
        when(row.get("expires_at")),
        when(row.get("revoked_at")),
        row.get("revoked_by"),
    )
