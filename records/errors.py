"""The records package's one exception hierarchy."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# Enough to fix a file in one go without flooding a terminal; the rest is counted.
MAX_REPORTED_ERRORS = 50


class RecordsError(Exception):
    """Something about HR, call or NKI records went wrong; the message says what and how to fix it."""


class MissingPseudonymKeyError(RecordsError):
    """No pseudonymisation key was configured, so employee ids cannot be stored safely."""


class InvalidRequestError(RecordsError, ValueError):
    """A call into the records package was given arguments it cannot act on (e.g. a malformed pseudonym)."""


class StoreError(RecordsError):
    """The records database cannot be opened, migrated or written."""


class UnknownItemError(RecordsError, LookupError):
    """No improvement item has the id asked for."""


class StaleItemError(RecordsError):
    """An improvement item changed since the version an edit was based on; re-read it and edit again."""


class StaleLayoutError(RecordsError):
    """The zone layout was saved by someone else since the version a save was based on (who, when: the message)."""


class UnknownAlertError(RecordsError, LookupError):
    """No environment alert has the id asked for."""


class AlreadyAcknowledgedError(RecordsError):
    """The environment alert was acknowledged already (by whom and when is in the message)."""


@dataclass(frozen=True)
class RowError:
    """One problem in an imported file: the row as the user sees it (header = row 1), the column and why."""

    row: int
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.reason}"

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready form."""
        return {"row": self.row, "column": self.column, "reason": self.reason}


class ImportRejected(RecordsError):
    """A file was refused as a whole; nothing of it was stored."""

    def __init__(self, file_name: str, errors: Sequence[RowError], total: int | None = None) -> None:
        self.file_name = file_name
        self.errors: tuple[RowError, ...] = tuple(errors)[:MAX_REPORTED_ERRORS]
        self.total = max(total if total is not None else len(errors), len(self.errors))
        super().__init__(self._message())

    @property
    def more(self) -> int:
        """How many errors were found beyond those listed."""
        return self.total - len(self.errors)

    def _message(self) -> str:
        noun = "error" if self.total == 1 else "errors"
        lines = [f"{self.file_name}: refused, nothing was imported ({self.total} {noun}):"]
        lines += [f"  {err}" for err in self.errors]
        if self.more:
            lines.append(f"  and {self.more} more")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready form for `--json` output and the API."""
        return {
            "file": self.file_name,
            "imported": False,
            "total_errors": self.total,
            "errors": [e.to_dict() for e in self.errors],
            "more": self.more,
        }
