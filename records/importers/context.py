"""What validating one file needs to know: the site's teams and time zone, the key, the file's header."""

from __future__ import annotations

import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from records.importers.columns import HeaderMap, normalise_name
from records.pseudonym import Pseudonymiser, normalise_id
from sensors.site import Site

_DIGITS = re.compile(r"(\d+)")
# Cells that cannot be an employee id, so an error message may quote them even in a file of ids: dates and
# times, and short numbers such as an extent (50 %) or an FTE (0,75). Employee numbers have four digits or more.
_SAFE_TO_QUOTE = re.compile(
    r"\d{4}-\d{1,2}-\d{1,2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?|\d{1,2}[./]\d{1,2}[./]\d{2,4}"
    r"|[+-]?(?:\d{1,3}(?:[.,]\d{1,3})?|[.,]\d{1,3})\s?%?"
)
# A Swedish personal identity number (personnummer or samordningsnummer), with or without century and dash.
_PERSONNUMMER = re.compile(r"(?<!\d)(?:\d{2})?\d{6}[-+]?\d{4}(?!\d)")


@dataclass(frozen=True)
class Context:
    """The facts one import is checked against."""

    file_name: str
    teams: dict[str, str]  # normalised name -> the site's team id
    tz: ZoneInfo
    pseudonymiser: Pseudonymiser
    headers: HeaderMap
    hidden: frozenset[str]  # normalised employee ids of this file: never shown in a message
    id_bearing: bool = False  # the file has an employee_id column: quote only cells known not to be an id

    @classmethod
    def of(
        cls, file_name: str, site: Site, pseudonymiser: Pseudonymiser, headers: HeaderMap, raw_ids: frozenset[str]
    ) -> Context:
        """The context of a file imported for a site."""
        teams = {normalise_name(team): team for zone in site.zones for team in zone.teams}
        return cls(file_name, teams, site.site.tz, pseudonymiser, headers, raw_ids, "employee_id" in headers.index)

    def label(self, column: str) -> str:
        """The column as the file names it."""
        return self.headers.label(column)

    def has(self, column: str) -> bool:
        """Whether the file has this column."""
        return column in self.headers.index

    def show(self, value: object) -> str:
        """A cell value fit for an error message: quoted and shortened, or described when it may be an id.

        A row of an absence or roster file belongs to a person, and a swapped column puts an employee id or
        a personal identity number where a team or a date should be: such a row's cells are quoted only
        when they cannot be an id (dates, short numbers); otherwise the message describes the value's shape.
        """
        text = str(value)
        norm = normalise_id(text)
        if norm in self.hidden or any(len(h) >= 4 and h in norm for h in self.hidden):
            return "(value not shown: it contains an employee id)"
        if _PERSONNUMMER.search(text.replace(" ", "")):
            return "(value not shown: it looks like a personal identity number)"
        if self.id_bearing and not _SAFE_TO_QUOTE.fullmatch(text.strip()):
            return f"(value not shown: {shape_of(text)}; rows of this file belong to people)"
        return repr(text if len(text) <= 40 else text[:37] + "...")

    def known_teams(self) -> str:
        """The site's teams, for a message."""
        # Natural order: team-2 before team-10.
        names = sorted(set(self.teams.values()), key=lambda t: [int(p) if p.isdigit() else p for p in _DIGITS.split(t)])
        return ", ".join(names[:15]) + (f" … ({len(names)} in all)" if len(names) > 15 else "")


def shape_of(text: str) -> str:
    """What a value looks like without saying what it is: its length and kinds of characters."""
    kinds = [
        name
        for name, present in (
            ("letters", any(c.isalpha() for c in text)),
            ("digits", any(c.isdigit() for c in text)),
            ("spaces", any(c.isspace() for c in text)),
            ("other characters", any(not (c.isalnum() or c.isspace()) for c in text)),
        )
        if present
    ]
    what = " and ".join(kinds) if len(kinds) <= 2 else ", ".join(kinds[:-1]) + " and " + kinds[-1]
    return f"{len(text)} character{'s' if len(text) != 1 else ''}" + (f" of {what}" if what else "")
