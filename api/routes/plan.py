"""The site's floor plan: every role reads it (room data); admin places the zones (api.access).

The plan's size and each zone's default rectangle come from the site file; an admin's layout, kept in the
records database (records.layout_store), overrides them, and zones with neither are placed in free space
(models.floor_plan). Without a records store the plan is the site file's and it cannot be changed (503).
A saved layout replaces the one before as a whole, in one transaction with its entry in the audit log.
The answer carries a strong ETag: a save sent with it in If-Match is refused (412) when another
admin saved since, so that nobody overwrites a layout they have not seen; a save without If-Match replaces
whatever is kept.
"""

from __future__ import annotations

import hashlib
from typing import Annotated, Any

from fastapi import APIRouter, Header, HTTPException, Response, status
from sqlalchemy import Connection

from api.deps import Authorized, NowDep, ServicesDep, SiteDep
from api.etag import NOT_MODIFIED, POLLED_CACHE_CONTROL, if_match_versions, if_none_matches
from api.problems import Problem
from api.schemas_plan import FloorPlanCreate, FloorPlanPublic, PlanZonePublic
from models.floor_plan import FloorPlan, effective_plan
from records.errors import StaleLayoutError
from records.layout_store import SqlLayoutStore, StoredLayout, ZoneRect
from sensors.site import Site, fits

router = APIRouter(prefix="/site", tags=["site"])

NO_STORE = (
    "The floor plan cannot be changed: no records store is configured on this server, and layouts are kept "
    "there (set OFFICEWELL_PSEUDONYM_KEY to enable records); the plan shown is the site file's"
)
IfMatch = Annotated[
    str | None, Header(description="the plan's ETag as read: the save is refused (412) if another was saved since")
]
PUT_ERRORS: dict[int | str, dict[str, Any]] = {
    412: {"model": Problem, "description": "If-Match names a layout another save has replaced: read the plan again"},
    422: {"model": Problem, "description": "a zone unknown, given twice, or beyond the plan: the detail names it"},
    503: {"model": Problem, "description": "no records store is configured, or it is unavailable"},
}


def _public(plan: FloorPlan, kept: StoredLayout) -> FloorPlanPublic:
    return FloorPlanPublic(
        width=plan.width,
        height=plan.height,
        zones=[
            PlanZonePublic(zone=z.zone, name=z.name, kind=z.kind, x=z.x, y=z.y, w=z.w, h=z.h, source=z.source)
            for z in plan.zones
        ],
        updated_at=kept.updated_at,
        updated_by=kept.updated_by,
    )


def _etag(public: FloorPlanPublic) -> str:
    """A strong tag of the answer: it changes with every save (who and when are in it) and with the site file."""
    return '"' + hashlib.sha256(public.model_dump_json().encode()).hexdigest()[:32] + '"'


def _answer(public: FloorPlanPublic, if_none_match: str | None = None) -> Response:
    etag = _etag(public)
    headers = {"ETag": etag, "Cache-Control": POLLED_CACHE_CONTROL}
    if if_none_match is not None and if_none_matches(if_none_match, etag):
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    return Response(public.model_dump_json(), media_type="application/json", headers=headers)


def _refusal(site: Site, body: FloorPlanCreate) -> str | None:
    """Why the layout cannot be saved (unknown or repeated zones, rectangles beyond the plan), or None."""
    ids = [z.zone for z in body.zones]
    unknown = sorted({i for i in ids if site.zone(i) is None})
    if unknown:
        known = ", ".join(z.id for z in site.zones)
        return f"unknown zone {', '.join(repr(i) for i in unknown)}: the site's zones are {known}"
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        return f"zone {', '.join(repr(i) for i in twice)} given more than once: place each zone once"
    size = site.site.plan
    for z in body.zones:
        if not fits(z.x, z.y, z.w, z.h, size):
            return (
                f"zone {z.zone!r}: the rectangle (x {z.x:g}, y {z.y:g}, w {z.w:g}, h {z.h:g}) reaches beyond "
                f"the floor plan, {size.width:g} wide and {size.height:g} high"
            )
    return None


@router.get("/plan", response_model=FloorPlanPublic, responses={304: NOT_MODIFIED})
def plan(
    services: ServicesDep,
    site: SiteDep,
    _: Authorized,
    if_none_match: Annotated[str | None, Header(description="the ETag of an earlier answer: 304 if unchanged")] = None,
) -> Response:
    """Every zone on the site's floor plan: the admin's layout where kept, else the site file's, else placed free."""
    kept = StoredLayout() if services.records is None else SqlLayoutStore(services.records.engine).stored(site.id)
    return _answer(_public(effective_plan(site, kept.rects), kept), if_none_match)


@router.put("/plan", response_model=FloorPlanPublic, responses=PUT_ERRORS)
def save_plan(
    body: FloorPlanCreate,
    services: ServicesDep,
    site: SiteDep,
    now: NowDep,
    principal: Authorized,
    if_match: IfMatch = None,
) -> Response:
    """Replace the kept layout as a whole: the zones sent are drawn there, every other one as the site file says."""
    records = services.records
    if records is None:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, NO_STORE)
    refusal = _refusal(site, body)
    if refusal is not None:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, refusal)
    details: dict[str, object] = {"zones": sorted(z.zone for z in body.zones)}
    if principal.token_id is not None:
        details["token_id"] = principal.token_id  # which token, should two have had one name

    def audit(conn: Connection) -> None:  # in the save's transaction: no layout without its entry
        records.audit(principal.username, "plan_save", f"plan:{site.id}", details, conn=conn)

    rects = {z.zone: ZoneRect(z.x, z.y, z.w, z.h) for z in body.zones}
    layouts = SqlLayoutStore(records.engine)
    expected = None
    versions = if_match_versions(if_match)
    if versions is not None:
        current = layouts.stored(site.id)
        if _etag(_public(effective_plan(site, current.rects), current)).strip('"') not in versions:
            raise HTTPException(status.HTTP_412_PRECONDITION_FAILED, _changed(current))
        expected = current.version  # the store checks it again in the save's transaction
    try:
        kept = layouts.save_layout(site.id, rects, principal.username, now, expected_version=expected, also=audit)
    except StaleLayoutError as exc:
        raise HTTPException(status.HTTP_412_PRECONDITION_FAILED, str(exc)) from exc
    return _answer(_public(effective_plan(site, kept.rects), kept))


def _changed(current: StoredLayout) -> str:
    """Why an If-Match is refused: the plan is not the one it names (another save, or the site file changed)."""
    if current.updated_at is None:
        return "the floor plan is not the one read (it is the site file's plan now): read it again"
    return (
        f"the floor plan is not the one read: it was last saved by {current.updated_by} at "
        f"{current.updated_at.isoformat(timespec='seconds')}; read it again"
    )
