"""Request and response models of the site's floor plan: each zone's rectangle, and an admin's new layout."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from sensors.site import PLAN_MAX

PLAN_ZONES_MAX = 1000  # zones in one layout: far more than a site has, few enough to check at once
UNITS = "plan units: x to the right and y down from the plan's top left corner"


class PlanZoneBase(BaseModel):
    """A zone's rectangle on the floor plan."""

    zone: str = Field(min_length=1, max_length=64, description="a zone id of the site file")
    x: float = Field(ge=0, le=PLAN_MAX, allow_inf_nan=False, description=f"the left edge, in {UNITS}")
    y: float = Field(ge=0, le=PLAN_MAX, allow_inf_nan=False, description="the top edge")
    w: float = Field(gt=0, le=PLAN_MAX, allow_inf_nan=False, description="the width")
    h: float = Field(gt=0, le=PLAN_MAX, allow_inf_nan=False, description="the height")


class PlanZoneCreate(PlanZoneBase):
    """Where to draw one zone: its id and a rectangle inside the plan."""

    model_config = ConfigDict(extra="forbid")


class FloorPlanCreate(BaseModel):
    """A new layout: the zones it places, each once; every other zone goes back to the site file's rectangle."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "zones": [
                        {"zone": "z1", "x": 200, "y": 420, "w": 140, "h": 180},
                        {"zone": "meeting", "x": 400, "y": 240, "w": 200, "h": 140},
                    ]
                }
            ]
        },
    )

    zones: list[PlanZoneCreate] = Field(
        max_length=PLAN_ZONES_MAX, description="the zones placed, each once (an empty list: the site file's plan)"
    )


class PlanZonePublic(PlanZoneBase):
    """A zone where the floor plan draws it, and where its rectangle comes from."""

    name: str = Field(description="the zone's name in the site file (its id if it has none)")
    kind: str = Field(description="answer_group, meeting_room, break_room, office or other")
    source: Literal["stored", "site", "auto"] = Field(
        description="stored: placed by an admin; site: the site file's `plan`; auto: placed in free space"
    )


class FloorPlanPublic(BaseModel):
    """The site's floor plan: its size and every zone on it, and who last saved a layout when."""

    width: float = Field(description="the plan's width in plan units (the site file's [site] plan)")
    height: float = Field(description="the plan's height in plan units")
    zones: list[PlanZonePublic] = Field(description="every zone of the site, in the site file's order")
    updated_at: datetime | None = Field(description="when the kept layout was saved; null: none is kept")
    updated_by: str | None = Field(description="who saved it; null: none is kept")
