"""Roles, the areas of the API they may enter, and the principal a request acts for."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType


class Role(StrEnum):
    """Who a user is at the centre; decides what the API shows them."""

    FACILITIES = "facilities"
    HR = "hr"
    MANAGER = "manager"
    ADMIN = "admin"


class Area(StrEnum):
    """A part of the API that roles are let into as a whole; each route belongs to one (api.access.ROUTES)."""

    SIGNED_IN = "signed_in"  # who am I: every logged-in user
    ENVIRONMENT = "environment"  # rooms, not people: zones, quantities, readings
    GATEWAY = "gateway"  # devices, dead letters and sensor health
    GOALS = "goals"  # answer rates and NKI per answer group: operations data, not personal data
    EVIDENCE = "evidence"  # associations, exposure, actions, follow-up: pooled over the centre
    TEAM_ABSENCE = "team_absence"  # sick leave of one answer group (three people): health data (standards.md)
    ABSENCE = "absence"  # absence per group and period: every group for HR, groups of five or more for the others
    FORECAST = "forecast"  # risk of missing the goal per group: agents available (never why), scenarios, backtests
    BOARD = "board"  # the improvement board, read
    BOARD_EDIT = "board_edit"  # the improvement board: propose, edit, change status
    ALERTS_ACK = "alerts_ack"  # acknowledge an environment alert (reading them is ENVIRONMENT: room data)
    REPORTS = "reports"  # the tertial period report
    AUDIT = "audit"  # who read absence-derived data, and what they changed
    ADMIN = "admin"  # users, machine tokens, imports, retention


_ALL = frozenset(Role)
# Who may enter which area, admin written out like everyone else. The role matrix (api.access.ROUTES) puts
# every route in one area; the routes' dependency, the pages, the docs and the tests all read these two tables.
ACCESS: Mapping[Area, frozenset[Role]] = MappingProxyType(
    {
        Area.SIGNED_IN: _ALL,
        Area.ENVIRONMENT: _ALL,
        Area.GATEWAY: frozenset({Role.FACILITIES, Role.ADMIN}),
        Area.GOALS: frozenset({Role.MANAGER, Role.HR, Role.ADMIN}),
        Area.EVIDENCE: _ALL,
        Area.TEAM_ABSENCE: frozenset({Role.HR, Role.ADMIN}),
        Area.ABSENCE: _ALL,
        Area.FORECAST: frozenset({Role.MANAGER, Role.HR, Role.ADMIN}),
        Area.BOARD: _ALL,
        Area.BOARD_EDIT: frozenset({Role.MANAGER, Role.FACILITIES, Role.ADMIN}),
        Area.ALERTS_ACK: frozenset({Role.FACILITIES, Role.ADMIN}),
        Area.REPORTS: frozenset({Role.MANAGER, Role.HR, Role.ADMIN}),
        Area.AUDIT: frozenset({Role.HR, Role.ADMIN}),
        Area.ADMIN: frozenset({Role.ADMIN}),
    }
)


def areas_of(role: Role) -> list[Area]:
    """The areas a role may see, in the table's order."""
    return [area for area, roles in ACCESS.items() if role in roles]


def may_see(role: Role, area: Area) -> bool:
    """Whether the role may enter the area."""
    return role in ACCESS[area]


@dataclass(frozen=True)
class Principal:
    """The user a request acts for.

    `stamp` ties a password login's token to the password it was issued for; `via` says how the user
    proved who they are: "password" (our own JWT), "oidc" (the municipality's provider) or "api-token"
    (a machine token, whose id is `token_id`).
    """

    username: str
    role: Role
    stamp: str = field(default="", compare=False)
    via: str = field(default="password", compare=False)
    token_id: str | None = field(default=None, compare=False)
