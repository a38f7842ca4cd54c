"""The improvement board: items with zone, status, owner and due date; their history; the weekly meeting's view.

Every role reads the board; manager, facilities and admin propose and edit (api.access.ROUTES). Each
change is the logged-in user's, at the API's clock, and goes into the item's history (records.board).
The list carries an ETag for dashboards that poll it (If-None-Match → 304); an item's ETag is its
version, and an edit sent with If-Match is refused with 412 when the item changed in the meantime.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import date, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Header, HTTPException, Path, Query, Request, Response, status

from api import bounds
from api.deps import NowDep, PrincipalDep, RecordsDep, TodayDep
from api.etag import if_match_versions, if_none_matches
from api.schemas_board import (
    BoardChangedItemPublic,
    BoardChangePublic,
    BoardHistoryPublic,
    BoardItemCreate,
    BoardItemPublic,
    BoardItemsPublic,
    BoardItemUpdate,
    BoardMeetingPublic,
)
from records import board
from records.board import HistoryEntry, Improvement
from records.errors import RecordsError, StaleItemError, StoreError, UnknownItemError
from records.store import RecordsStore

router = APIRouter(prefix="/board", tags=["board"])

MEETING_WEEK = timedelta(days=7)  # the meeting's default: what happened since a week ago
NOT_CACHED = "private, no-cache"
ItemId = Annotated[int, Path(ge=1, le=2_147_483_647, description="the item's id")]
IfMatch = Annotated[str | None, Header(description="the item's ETag: the edit is refused (412) if it changed since")]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "no item has this id"}}


@contextmanager
def _answering() -> Iterator[None]:
    """The records' errors as answers: no such item 404, changed meanwhile 412, else 422 (store down: 503, app-wide)."""
    try:
        yield
    except UnknownItemError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc
    except StaleItemError as exc:
        raise HTTPException(status.HTTP_412_PRECONDITION_FAILED, str(exc)) from exc
    except StoreError:
        raise  # the app's handler answers 503 (api/problems.py)
    except RecordsError as exc:  # an unknown zone or status, a done_on in the future, …
        raise bounds.refuse(str(exc)) from exc


def _public(item: Improvement, today: date) -> BoardItemPublic:
    """An item as the API sends it: overdue as of `today`, and a done one's link to its follow-up."""
    follow_up = None
    if item.status == board.DONE and item.zone is not None and item.done_on is not None:
        follow_up = f"/api/v1/evidence/follow-up?zone={quote(item.zone)}"
    return BoardItemPublic(**asdict(item), overdue=item.overdue(today), follow_up_url=follow_up)


def _change(entry: HistoryEntry) -> BoardChangePublic:
    fields = asdict(entry)
    fields.pop("item_id")
    return BoardChangePublic(**fields)


def _etag(item: Improvement) -> str:
    return f'"{item.version}"'


@router.get("/items", response_model=BoardItemsPublic, responses={304: {"description": "unchanged since the ETag"}})
def items(
    records: RecordsDep,
    today: TodayDep,
    principal: PrincipalDep,
    zone: Annotated[str | None, Query(max_length=64, description="one zone's items")] = None,
    item_status: Annotated[str | None, Query(alias="status", max_length=32, description="one status")] = None,
    owner: Annotated[str | None, Query(max_length=100, description="one owner's items")] = None,
    limit: Annotated[int, Query(ge=1, le=500, description="items per page")] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000, description="how many of the oldest to skip")] = 0,
    if_none_match: Annotated[str | None, Header(description="the ETag of an earlier answer: 304 if unchanged")] = None,
) -> Response:
    """The board's items, oldest first, a page at a time, with the total; the ETag changes with the content."""
    with _answering():
        page = board.page_items(records, zone=zone, status=item_status, owner=owner, limit=limit, offset=offset)
    body = BoardItemsPublic(
        items=[_public(i, today) for i in page.items], total=page.total, limit=page.limit, offset=page.offset
    ).model_dump_json()
    etag = f'"{hashlib.sha256(body.encode()).hexdigest()[:32]}"'
    headers = {"ETag": etag, "Cache-Control": NOT_CACHED}
    if if_none_match is not None and if_none_matches(if_none_match, etag):  # weakly: W/"x" stands for "x"
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    return Response(body, media_type="application/json", headers=headers)


@router.post("/items", status_code=status.HTTP_201_CREATED)
def create_item(
    body: BoardItemCreate,
    request: Request,
    response: Response,
    records: RecordsDep,
    now: NowDep,
    today: TodayDep,
    principal: PrincipalDep,
) -> BoardItemPublic:
    """Put an item on the board (201, with its Location and ETag); one made as done was done today unless told."""
    with _answering():
        item = board.add_item(records, actor=principal.username, today=today, at=now, **body.model_dump())
    response.headers["Location"] = request.url_for("board_item", item_id=item.id).path
    response.headers["ETag"] = _etag(item)
    return _public(item, today)


@router.get("/items/{item_id}", name="board_item", responses=NOT_FOUND)
def get_item(
    item_id: ItemId, response: Response, records: RecordsDep, today: TodayDep, principal: PrincipalDep
) -> BoardItemPublic:
    """One item; its ETag is the version an edit's If-Match names."""
    with _answering():
        item = board.get_item(records, item_id)
    response.headers["ETag"] = _etag(item)
    response.headers["Cache-Control"] = NOT_CACHED
    return _public(item, today)


@router.patch(
    "/items/{item_id}",
    responses={**NOT_FOUND, 412: {"description": "If-Match names a version the item has left: read it again"}},
)
def edit_item(
    item_id: ItemId,
    body: BoardItemUpdate,
    response: Response,
    records: RecordsDep,
    now: NowDep,
    today: TodayDep,
    principal: PrincipalDep,
    if_match: IfMatch = None,
) -> BoardItemPublic:
    """Change the fields sent (status too); each change goes into the item's history, with who and when."""
    changes = body.model_dump(exclude_unset=True)
    with _answering():
        expected = _expected_version(records, item_id, if_match)
        item = board.update_item(
            records, item_id, actor=principal.username, today=today, at=now, expected_version=expected, **changes
        )
    response.headers["ETag"] = _etag(item)
    return _public(item, today)


def _expected_version(records: RecordsStore, item_id: int, if_match: str | None) -> str | None:
    """The version an If-Match header asks the item to be at (None: any); a weak tag never matches."""
    versions = if_match_versions(if_match)
    if versions is None:
        return None  # any version, as long as the item exists
    if len(versions) > 1:  # one of several: the one it is at, if it is among them
        current = board.get_item(records, item_id).version
        return current if current in versions else versions[0]
    return versions[0] if versions else ""


@router.get("/items/{item_id}/history", responses=NOT_FOUND)
def history(item_id: ItemId, records: RecordsDep, principal: PrincipalDep) -> BoardHistoryPublic:
    """An item's history, oldest first: its creation, then each field changed, with who, when, from and to."""
    with _answering():
        entries = board.item_history(records, item_id)
    return BoardHistoryPublic(item_id=item_id, changes=[_change(e) for e in entries])


@router.get("/meeting")
def meeting(
    records: RecordsDep,
    now: NowDep,
    today: TodayDep,
    principal: PrincipalDep,
    since: Annotated[
        datetime | None, Query(description="with a UTC offset, e.g. 2026-03-02T08:00:00+01:00; default a week ago")
    ] = None,
) -> BoardMeetingPublic:
    """For the weekly meeting: items new since `since`, the others changed since (with their changes), the overdue."""
    start = bounds.instant(since, "since") if since is not None else now - MEETING_WEEK
    with _answering():
        view = board.changes_since(records, start, today=today)
    return BoardMeetingPublic(
        since=view.since,
        until=now,
        today=view.today,
        new=[_public(i, today) for i in view.new],
        changed=[
            BoardChangedItemPublic(item=_public(c.item, today), changes=[_change(e) for e in c.changes])
            for c in view.changed
        ],
        overdue=[_public(i, today) for i in view.overdue],
    )
