"""Request and response models of the improvement board: items, their history and the weekly meeting's view."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

STATUS_HELP = "proposed, in_progress, done or rejected (also: new, ny, pågår, klar, avvisad)"


class BoardItemBase(BaseModel):
    """The fields of an item that people edit."""

    title: str = Field(max_length=200, description="1 to 200 characters")
    description: str = Field("", max_length=10_000)
    zone: str | None = Field(None, max_length=64, description="a zone of the site")
    quantity: str | None = Field(None, max_length=32, description="the quantity it is about, e.g. co2_ppm")
    status: str = Field("proposed", max_length=32, description=STATUS_HELP)
    owner: str | None = Field(None, max_length=100)
    due_date: date | None = None
    done_on: date | None = Field(None, description="the local day it was done (done items only; default today)")
    action: str | None = Field(None, max_length=64, description="a catalogue action's key, e.g. sound_absorbers")


class BoardItemCreate(BoardItemBase):
    """A new item: a title, the rest optional."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "title": "Rebalance the ventilation in the open office",
                    "description": "CO2 above 1000 ppm most afternoons since the new desks.",
                    "zone": "z1",
                    "quantity": "co2_ppm",
                    "owner": "facilities",
                    "due_date": "2027-02-26",
                    "action": "ventilation_rebalancing",
                }
            ]
        },
    )


class BoardItemUpdate(BaseModel):
    """A partial edit: only the fields sent change (null clears one that may be empty)."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"status": "in_progress", "owner": "anna"}]}
    )

    title: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=10_000)
    zone: str | None = Field(None, max_length=64)
    quantity: str | None = Field(None, max_length=32)
    status: str | None = Field(None, max_length=32, description=STATUS_HELP)
    owner: str | None = Field(None, max_length=100)
    due_date: date | None = None
    done_on: date | None = None
    action: str | None = Field(None, max_length=64)


class BoardItemPublic(BoardItemBase):
    """An item on the board, whether it is overdue, and where a done one's measured effect is."""

    id: int
    created_at: datetime
    updated_at: datetime
    overdue: bool = Field(description="due before today (site time) and neither done nor rejected")
    follow_up_url: str | None = Field(
        description="a done item with a zone and a date: its follow-up (exposure, sick leave, answer rate)"
    )


class BoardItemsPublic(BaseModel):
    """One page of the board's items, oldest first, and how many match in all."""

    items: list[BoardItemPublic]
    total: int
    limit: int
    offset: int


class BoardChangePublic(BaseModel):
    """One entry of an item's history: its creation, or one field changed, by whom and when."""

    id: int
    at: datetime
    actor: str
    kind: Literal["created", "changed"]
    field: str | None = Field(description="the field that changed; null for created")
    old: str | None = Field(description="the value before, as text (dates ISO); null for none")
    new: str | None = Field(description="the value after, as text; null for none")
    initial: dict[str, str | None] | None = Field(
        description="created: the values it started with (null for items made before the history was kept)"
    )


class BoardHistoryPublic(BaseModel):
    """An item's history, oldest first."""

    item_id: int
    changes: list[BoardChangePublic]


class BoardChangedItemPublic(BaseModel):
    """An item as it is now, with its changes since the meeting's instant."""

    item: BoardItemPublic
    changes: list[BoardChangePublic]


class BoardMeetingPublic(BaseModel):
    """The weekly meeting's view: items new since an instant, the others changed since, and those overdue."""

    since: datetime
    until: datetime = Field(description="now, by the server's clock")
    today: date = Field(description="today at the site: items due before it are overdue")
    new: list[BoardItemPublic]
    changed: list[BoardChangedItemPublic]
    overdue: list[BoardItemPublic] = Field(description="earliest due first, changed or not")
