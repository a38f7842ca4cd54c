"""The site's floor plan as drawn: every zone's rectangle, from the kept layout, the site file or placed here.

`effective_plan(site, stored)` takes the site file and the rectangles an admin saved (records.layout_store)
and gives each zone one rectangle, in plan units (x, y the top left corner; x to the right, y down):

- `stored`: the saved rectangle, if it is for a zone of the site and lies inside the plan (a layout saved
  before the site file's plan shrank, or for a zone since removed, is passed over);
- `site`: else the zone's `plan` in the site file;
- `auto`: else a cell of a grid over the plan that overlaps none of the zones placed so far, row by row from
  the top left. The grid starts at 6 × 6 cells and its cells are halved (four times at most) until every
  such zone finds a free one; if the plan has no room left even then (it is covered edge to edge), they are
  laid over the whole plan in a grid, overlapping the others.

No I/O: the caller reads the site file and the store.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, Protocol

from sensors.site import PlanSize, Site, fits

Source = Literal["stored", "site", "auto"]
GRID = 6  # cells per side of the first grid the automatic placement tries
HALVINGS = 4  # how often it halves the cells before giving up on a free one (6 × 2⁴ = 96 cells a side)
PAD = 0.05  # of a cell, kept free on each side of an automatically placed zone


class Rect(Protocol):
    """A rectangle in plan units (records.layout_store.ZoneRect and sensors.site.ZonePlan are ones)."""

    @property
    def x(self) -> float:
        """The left edge."""
        ...

    @property
    def y(self) -> float:
        """The top edge."""
        ...

    @property
    def w(self) -> float:
        """The width."""
        ...

    @property
    def h(self) -> float:
        """The height."""
        ...


@dataclass(frozen=True)
class PlacedZone:
    """A zone where it is drawn: id, name (its id if it has none), kind, rectangle, and where the rectangle is from."""

    zone: str
    name: str
    kind: str
    x: float
    y: float
    w: float
    h: float
    source: Source

    def overlaps(self, other: PlacedZone) -> bool:
        """Whether the two rectangles share some area (touching edges do not)."""
        return _overlap((self.x, self.y, self.w, self.h), (other.x, other.y, other.w, other.h))


@dataclass(frozen=True)
class FloorPlan:
    """The plan's size and every zone of the site on it, in the site file's order."""

    width: float
    height: float
    zones: tuple[PlacedZone, ...]

    def zone(self, zone_id: str) -> PlacedZone | None:
        """The placed zone with this id, or None."""
        return next((z for z in self.zones if z.zone == zone_id), None)


Box = tuple[float, float, float, float]  # x, y, w, h


def effective_plan(site: Site, stored: Mapping[str, Rect]) -> FloorPlan:
    """Every zone of the site on its floor plan: the kept rectangle, else the site file's, else a free cell."""
    size = site.site.plan
    chosen: dict[str, tuple[Box, Source]] = {}
    for zone in site.zones:
        kept = stored.get(zone.id)
        if kept is not None and fits(kept.x, kept.y, kept.w, kept.h, size):
            chosen[zone.id] = ((kept.x, kept.y, kept.w, kept.h), "stored")
        elif zone.plan is not None:
            chosen[zone.id] = ((zone.plan.x, zone.plan.y, zone.plan.w, zone.plan.h), "site")
    unplaced = [z.id for z in site.zones if z.id not in chosen]
    if unplaced:
        boxes = _free_cells(size, [box for box, _ in chosen.values()], len(unplaced))
        chosen |= {zone_id: (box, "auto") for zone_id, box in zip(unplaced, boxes, strict=True)}
    return FloorPlan(
        width=size.width,
        height=size.height,
        zones=tuple(
            PlacedZone(z.id, z.name or z.id, z.kind, *chosen[z.id][0], source=chosen[z.id][1]) for z in site.zones
        ),
    )


def _free_cells(size: PlanSize, taken: list[Box], count: int) -> list[Box]:
    """`count` cells of the first grid (6 × 6, then ever finer) that overlap nothing taken, row by row."""
    for level in range(HALVINGS + 1):
        cells = _grid(size, GRID * 2**level)
        found: list[Box] = []
        for cell in cells:
            if not any(_overlap(cell, box) for box in [*taken, *found]):
                found.append(cell)
                if len(found) == count:
                    return found
    # No room left: a plan covered edge to edge. Draw them anyway, over the others.
    side = 1
    while side * side < count:
        side += 1
    return _grid(size, side)[:count]


def _grid(size: PlanSize, per_side: int) -> list[Box]:
    """The cells of a per_side × per_side grid over the plan, row by row, each inset by PAD of its size."""
    cell_w, cell_h = size.width / per_side, size.height / per_side
    pad_w, pad_h = cell_w * PAD, cell_h * PAD
    return [
        (col * cell_w + pad_w, row * cell_h + pad_h, cell_w - 2 * pad_w, cell_h - 2 * pad_h)
        for row in range(per_side)
        for col in range(per_side)
    ]


def _overlap(a: Box, b: Box) -> bool:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    return ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah
