"""The action catalogue: the physical changes officewell ranks, as the server loaded them (everyone: room data).

The catalogue ships as models/data/actions.toml and a site may override it (OFFICEWELL_ACTIONS_FILE); the
wiring reads both once as the server starts. Which action would help which zone, and by how much, is the
evidence route's (`GET /evidence/actions`): this one lists the catalogue itself, without any analysis.
"""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import Authorized, ServicesDep
from api.schemas_evidence import CatalogueActionPublic

router = APIRouter(prefix="/actions", tags=["evidence"])


@router.get("")
def catalogue(services: ServicesDep, _: Authorized) -> list[CatalogueActionPublic]:
    """Every action of the catalogue, in its order: names, the quantity it moves, effect, cost and sources."""
    return [
        CatalogueActionPublic(
            key=a.key,
            name=a.name,
            name_sv=a.name_sv,
            quantity=a.quantity,
            effect_kind=a.effect.kind,
            effect_note=a.effect_note,
            cost_low_sek=a.cost.low,
            cost_high_sek=a.cost.high,
            cost_per=a.cost.per,
            cost_note=a.cost_note,
            lead_time_weeks=a.lead_time_weeks,
            lifetime_years=a.lifetime_years,
            sources=list(a.sources),
        )
        for a in services.actions
    ]
