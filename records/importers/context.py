"""What validating one file needs to know: the site's teams and time zone, the key, the file's header."""

from __future__ import annotations

import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from records.importers.columns import HeaderMap, normalise_name
from records.pseudonym import Pseudonymiser, normalise_id
from sensors.site import Site

_DIGITS = re.compile(r"(\d+)")


@dataclass(frozen=True)
class Context:
    """The facts one import is checked against."""

    file_name: str
    teams: dict[str, str]  # normalised name -> the site's team id
    tz: ZoneInfo
    pseudonymiser: Pseudonymiser
    headers: HeaderMap
    hidden: frozenset[str]  # normalised employee ids of this file: never shown in a message

    @classmethod
    def of(
        cls, file_name: str, site: Site, pseudonymiser: Pseudonymiser, headers: HeaderMap, raw_ids: frozenset[str]
    ) -> Context:
        """The context of a file imported for a site."""
        teams = {normalise_name(team): team for zone in site.zones for team in zone.teams}
        return cls(file_name, teams, site.site.tz, pseudonymiser, headers, raw_ids)

    def label(self, column: str) -> str:
        """The column as the file names it."""
        return self.headers.label(column)

    def has(self, column: str) -> bool:
        """Whether the file has this column."""
        return column in self.headers.index

    def show(self, value: object) -> str:
        """A cell value fit for an error message: quoted, shortened, and never an employee id."""
        text = str(value)
        norm = normalise_id(text)
        if norm in self.hidden or any(len(h) >= 4 and h in norm for h in self.hidden):
            return "(value not shown: it contains an employee id)"
        return repr(text if len(text) <= 40 else text[:37] + "...")

    def known_teams(self) -> str:
        """The site's teams, for a message."""
        # Natural order: team-2 before team-10.
        names = sorted(set(self.teams.values()), key=lambda t: [int(p) if p.isdigit() else p for p in _DIGITS.split(t)])
        return ", ".join(names[:15]) + (f" … ({len(names)} in all)" if len(names) > 15 else "")
