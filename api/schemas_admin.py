"""Schemas of users, machine tokens and the audit log: what admin manages and HR and admin read."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from api.security import Role

MIN_PASSWORD_LENGTH = 12  # as `officewell user add`


class Page(BaseModel):
    """Where a page of a list sits: every list of the API pages with `limit` and `offset` and says the `total`."""

    total: int = Field(description="how many items match the filters in all")
    limit: int
    offset: int


class UserPublic(BaseModel):
    """A login as admin sees it: never the password or its hash."""

    username: str
    role: Role


class UsersPublic(Page):
    """A page of users, by name."""

    items: list[UserPublic]


class UserPut(BaseModel):
    """A user to create or change: the role, and a password (required for a new user, optional to reset one)."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"role": "hr", "password": "a long passphrase of words"}]}
    )

    role: Role
    password: str | None = Field(None, min_length=MIN_PASSWORD_LENGTH, max_length=1024)


class ApiTokenBase(BaseModel):
    """What a machine token is for: a name saying which tool uses it, the role it acts with, and an optional end."""

    name: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$")
    role: Role
    expires_at: datetime | None = Field(None, description="when it stops working (timezone-aware); none: until revoked")


class ApiTokenCreate(ApiTokenBase):
    """A machine token to create."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"name": "nightly HR import", "role": "admin"}]}
    )


class ApiTokenPublic(ApiTokenBase):
    """A machine token as listed: never its secret."""

    id: str
    created_at: datetime
    created_by: str
    revoked_at: datetime | None
    revoked_by: str | None
    active: bool


class ApiTokenCreated(ApiTokenPublic):
    """A new machine token with its secret, shown this once: store it in the tool that uses it."""

    token: str = Field(description="the bearer token: `Authorization: Bearer owt_…`; not shown again")


class ApiTokensPublic(Page):
    """A page of machine tokens, newest first."""

    items: list[ApiTokenPublic]


class AuditEntryPublic(BaseModel):
    """One line of the audit log: who did or read what, when."""

    id: int
    at: datetime
    actor: str
    action: str = Field(description="`read` for a read of absence-derived data; imports, user changes, … otherwise")
    resource: str
    details: dict[str, Any]


class AuditPublic(Page):
    """A page of the audit log, newest first."""

    items: list[AuditEntryPublic]
