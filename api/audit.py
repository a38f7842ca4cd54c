"""The audit of reads: who read absence-derived data, when, through which route, with which filters, about how many.

Written by `api.deps.authorize` after an audited route (api.access: `Door.audited`) answered, into the
records store's append-only audit log (database triggers refuse updates and deletes), inside the request:
an answer whose audit cannot be written is not sent. A route says how many people its answer covers by
setting `request.state.audit_people`; a route that does not is logged with `people: null`, and the
tests check that none forgets.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request

from api.security import Principal
from records.store import RecordsStore

READ = "read"
MAX_FILTER_CHARS = 200  # a filter's value as logged: enough to tell what was asked, not a place to store text
MAX_FILTER_KEYS = 30  # more than any route takes: the rest are dropped (and counted)
MAX_KEY_CHARS = 64


def people_covered(request: Request, people: int) -> None:
    """Record on the request how many people the answer's figures cover, for its audit entry."""
    request.state.audit_people = int(people)


def no_data_shown(request: Request) -> None:
    """Mark an answer of an audited route that shows no absence-derived data (e.g. "still running"): no entry."""
    request.state.audit_skip = True


def filters_of(request: Request) -> dict[str, str | list[str]]:
    """The query's parameters as logged: repeated ones as lists, keys and values cut, at most MAX_FILTER_KEYS."""
    found: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        found.setdefault(key[:MAX_KEY_CHARS], []).append(value[:MAX_FILTER_CHARS])
    kept = dict(list(found.items())[:MAX_FILTER_KEYS])
    filters: dict[str, str | list[str]] = {k: v[0] if len(v) == 1 else v[:MAX_FILTER_KEYS] for k, v in kept.items()}
    if len(found) > MAX_FILTER_KEYS:
        filters["…"] = f"{len(found) - MAX_FILTER_KEYS} more parameters"
    return filters


def audit_read(records: RecordsStore, principal: Principal, request: Request, route: str) -> None:
    """Append one `read` entry for an answered request of an audited route (unless it showed no data)."""
    if getattr(request.state, "audit_skip", False):
        return
    details: dict[str, Any] = {
        "role": principal.role.value,
        "via": principal.via,
        "path": request.scope["path"][:MAX_FILTER_CHARS],  # as the server decoded it: never raises
        "filters": filters_of(request),
        "people": getattr(request.state, "audit_people", None),
    }
    if principal.token_id is not None:
        details["token_id"] = principal.token_id
    records.audit(principal.username, READ, route, details)
