"""Passwords, signed bearer tokens and roles."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from api.errors import WeakSecretError


class Role(StrEnum):
    """Who a user is at the centre; decides what the API shows them."""

    FACILITIES = "facilities"
    HR = "hr"
    MANAGER = "manager"
    ADMIN = "admin"


class Area(StrEnum):
    """A part of the API that roles are let into as a whole."""

    ENVIRONMENT = "environment"  # rooms, not people: zones, quantities, readings
    GATEWAY = "gateway"  # dead letters and sensor health
    GOALS = "goals"  # answer rates and NKI per answer group: operations data, not personal data
    EVIDENCE = "evidence"  # associations, exposure, actions, follow-up: pooled over the centre
    TEAM_ABSENCE = "team_absence"  # sick leave of one answer group (three people): health data (standards.md)
    FORECAST = "forecast"  # risk of missing the goal per group: agents available (never why), scenarios, backtests


# Who may see what (admin sees everything). The routes' dependencies and the pages both read this table.
ACCESS: Mapping[Area, frozenset[Role]] = MappingProxyType(
    {
        Area.ENVIRONMENT: frozenset({Role.FACILITIES, Role.HR, Role.MANAGER}),
        Area.GATEWAY: frozenset({Role.FACILITIES}),
        Area.GOALS: frozenset({Role.MANAGER, Role.HR}),
        Area.EVIDENCE: frozenset({Role.FACILITIES, Role.HR, Role.MANAGER}),
        Area.TEAM_ABSENCE: frozenset({Role.HR}),
        Area.FORECAST: frozenset({Role.MANAGER, Role.HR}),
    }
)


def areas_of(role: Role) -> list[Area]:
    """The areas a role may see, in the table's order."""
    return [area for area, roles in ACCESS.items() if role is Role.ADMIN or role in roles]


def may_see(role: Role, area: Area) -> bool:
    """Whether the role may see the area (admin sees everything)."""
    return role is Role.ADMIN or role in ACCESS[area]


@dataclass(frozen=True)
class Principal:
    """The user a request acts for; `stamp` ties a token to the password it was issued for."""

    username: str
    role: Role
    stamp: str = field(default="", compare=False)


_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def hash_password(password: str) -> str:
    """A salted scrypt hash, self-describing so parameters can change later."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    """Whether the password matches a hash made by hash_password (constant time)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        candidate = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), dklen=32, n=int(n), r=int(r), p=int(p))
    except ValueError:
        return False
    return hmac.compare_digest(candidate.hex(), digest)


class TokenSigner:
    """Issues and checks HMAC-signed bearer tokens carrying the username, role and expiry."""

    def __init__(self, secret: str, lifetime_s: int = 8 * 3600) -> None:
        """Sign with `secret` (at least 32 characters, else WeakSecretError); tokens live `lifetime_s` seconds."""
        if len(secret) < 32:
            raise WeakSecretError("the token secret must be at least 32 characters")
        self._key = secret.encode()
        self.lifetime_s = lifetime_s

    def issue(self, principal: Principal, now: float | None = None, *, stamp: str = "") -> str:
        """A token for the principal; `stamp` (the user's password stamp) makes a new password end it."""
        issued = int(now if now is not None else time.time())
        claims = {"sub": principal.username, "role": principal.role.value, "exp": issued + self.lifetime_s}
        body = json.dumps(claims | {"stp": stamp})
        payload = base64.urlsafe_b64encode(body.encode()).rstrip(b"=")
        return f"{payload.decode()}.{self._sign(payload)}"

    def verify(self, token: str, now: float | None = None) -> Principal | None:
        """The principal of a valid, unexpired token, else None."""
        try:
            payload, signature = token.split(".")
        except ValueError:
            return None
        # Compare bytes: compare_digest refuses non-ASCII str, and a forged token must be a 401, not a 500.
        if not hmac.compare_digest(self._sign(payload.encode()).encode(), signature.encode("utf-8", "replace")):
            return None
        try:
            claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
            if claims["exp"] < (now if now is not None else time.time()):
                return None
            return Principal(str(claims["sub"]), Role(claims["role"]), str(claims.get("stp", "")))
        except (ValueError, KeyError, TypeError):
            return None

    def _sign(self, payload: bytes) -> str:
        mac = hmac.new(self._key, payload, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()
