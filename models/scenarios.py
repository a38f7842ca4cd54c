"""What a manager can decide, as data: a stand-in, an earlier hire, an action done, each run against the baseline.

A scenario names what changes; models.forecast runs it beside the baseline on the same random numbers
(common random numbers), so the difference is the decision's, not the dice's. `parse_scenario` reads
the compact form the CLI and the API take:

- `stand-in:TEAM:2027-W05[:2027-W06][:FTE]` — an hourly-paid stand-in in group TEAM in those weeks
  (FTE default: the settings' stand-in capacity);
- `earlier-hire:TEAM:N` — the group's next start (a hire in the roster, or the replacement assumed after
  the recruitment gap) N weeks earlier;
- `action:ZONE:ACTION:2027-W08` — catalogue action ACTION in zone ZONE done by the start of that week.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from models.errors import ModelInputError

WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def week_monday(text: str) -> date:
    """The Monday of an ISO week written "2027-W05"; ModelInputError names the text otherwise."""
    match = WEEK.match(text.strip())
    if match is None:
        raise ModelInputError(f"{text!r} is not an ISO week like 2027-W05")
    try:
        return date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
    except ValueError as exc:
        raise ModelInputError(f"{text!r} is not a week of that year") from exc


def iso_week(monday: date) -> str:
    """The ISO week of a day, written like 2027-W05."""
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class StandIn:
    """An hourly-paid stand-in in `team` on every open day of the weeks first_week … last_week (Mondays)."""

    team: str
    first_week: date
    last_week: date
    fte: float | None = None  # None: the settings' stand-in capacity

    kind = "stand_in"

    def describe(self) -> str:
        """In words."""
        weeks = (
            iso_week(self.first_week)
            if self.first_week == self.last_week
            else (f"{iso_week(self.first_week)}–{iso_week(self.last_week)}")
        )
        fte = "" if self.fte is None else f" ({self.fte:g} FTE)"
        return f"a stand-in{fte} in group {self.team} in {weeks}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "kind": self.kind,
            "team": self.team,
            "first_week": iso_week(self.first_week),
            "last_week": iso_week(self.last_week),
            "fte": self.fte,
        }


@dataclass(frozen=True)
class EarlierHire:
    """The group's next start `weeks` weeks earlier (not before the forecast's first day)."""

    team: str
    weeks: int

    kind = "earlier_hire"

    def describe(self) -> str:
        """In words."""
        return f"group {self.team}'s next hire {self.weeks} week{'s' if self.weeks != 1 else ''} earlier"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {"kind": self.kind, "team": self.team, "weeks": self.weeks}


@dataclass(frozen=True)
class ActionDone:
    """Catalogue action `action` in `zone`, done by the Monday `by_week` (its effect from that week on)."""

    zone: str
    action: str
    by_week: date

    kind = "action"

    def describe(self) -> str:
        """In words."""
        return f"{self.action} in zone {self.zone} done by {iso_week(self.by_week)}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {"kind": self.kind, "zone": self.zone, "action": self.action, "by_week": iso_week(self.by_week)}


Scenario = StandIn | EarlierHire | ActionDone


def parse_scenario(text: str) -> Scenario:
    """A scenario from its compact form (see the module doc); ModelInputError says what is wrong."""
    parts = [p.strip() for p in text.split(":")]
    kind = parts[0].lower()
    if kind == "stand-in" and 3 <= len(parts) <= 5:
        first = week_monday(parts[2])
        last = week_monday(parts[3]) if len(parts) > 3 and parts[3] else first
        fte = _number(parts[4], text) if len(parts) > 4 else None
        return stand_in(parts[1], first, last, fte)
    if kind == "earlier-hire" and len(parts) == 3:
        return earlier_hire(parts[1], _whole(parts[2], text))
    if kind == "action" and len(parts) == 4:
        return ActionDone(_name(parts[1], "zone", text), _name(parts[2], "action", text), week_monday(parts[3]))
    raise ModelInputError(
        f"{text!r} is not a scenario: use stand-in:TEAM:2027-W05[:2027-W06][:FTE], earlier-hire:TEAM:WEEKS or "
        "action:ZONE:ACTION:2027-W08"
    )


def stand_in(team: str, first_week: date, last_week: date, fte: float | None = None) -> StandIn:
    """A checked StandIn."""
    if last_week < first_week:
        raise ModelInputError(f"the stand-in's last week {iso_week(last_week)} is before its first")
    if fte is not None and not 0 < fte <= 1:
        raise ModelInputError(f"a stand-in's FTE lies in (0, 1], got {fte:g}")
    return StandIn(_name(team, "team", team), first_week, last_week, fte)


def earlier_hire(team: str, weeks: int) -> EarlierHire:
    """A checked EarlierHire."""
    if not 1 <= weeks <= 52:
        raise ModelInputError(f"an earlier hire moves a start 1–52 weeks, got {weeks}")
    return EarlierHire(_name(team, "team", team), weeks)


def _name(value: str, what: str, text: str) -> str:
    if not value:
        raise ModelInputError(f"{text!r}: the {what} is missing")
    return value


def _number(value: str, text: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise ModelInputError(f"{text!r}: {value!r} is not a number") from None


def _whole(value: str, text: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ModelInputError(f"{text!r}: {value!r} is not a whole number of weeks") from None
