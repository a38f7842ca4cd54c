"""What the gateway rejected, and why."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import GatewayOperator, ServicesDep
from api.schemas import DeadLetterPublic, DeadLettersPublic

router = APIRouter(tags=["gateway"])


@router.get("/dead-letters")
def dead_letters(
    services: ServicesDep,
    _: GatewayOperator,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> DeadLettersPublic:
    """Rejected messages, newest first, with the reason and the payload as received."""
    log = services.dead_letters
    items = [
        DeadLetterPublic(
            id=s.id,
            received_at=s.letter.received_at,
            topic=s.letter.topic,
            reason=s.letter.reason,
            partial=s.letter.partial,
            payload=s.letter.payload_text(),
            payload_size=s.letter.payload_size,
        )
        for s in log.recent(limit, offset)
    ]
    return DeadLettersPublic(total=log.count(), items=items)
