"""The effective floor plan: kept rectangles over the site file's, the rest placed in free space."""

from __future__ import annotations

from itertools import combinations

import pytest

from models.floor_plan import FloorPlan, PlacedZone, effective_plan
from records.layout_store import ZoneRect
from sensors.site import Site, ZonePlan, parse_site


def site_of(zones: str, plan: str = "") -> Site:
    return parse_site(f'[site]\nid = "s"\n{plan}\n{zones}')


def zones_toml(*specs: tuple[str, str]) -> str:
    """[[zones]] blocks: (id, extra TOML lines)."""
    return "\n".join(f'[[zones]]\nid = "{zone_id}"\n{extra}\n' for zone_id, extra in specs)


def inside(zone: PlacedZone, plan: FloorPlan) -> bool:
    return zone.x >= 0 and zone.y >= 0 and zone.x + zone.w <= plan.width and zone.y + zone.h <= plan.height


def test_the_example_site_is_drawn_from_its_file_without_overlaps(example_site: Site):
    plan = effective_plan(example_site, {})
    assert (plan.width, plan.height) == (1000, 600)
    assert [z.zone for z in plan.zones] == [z.id for z in example_site.zones]
    assert {z.source for z in plan.zones} == {"site"}
    assert not [(a.zone, b.zone) for a, b in combinations(plan.zones, 2) if a.overlaps(b)]
    assert all(inside(z, plan) for z in plan.zones)
    z3 = plan.zone("z3")
    assert z3 is not None
    assert (z3.name, z3.kind, z3.x, z3.y, z3.w, z3.h) == ("Svarsgrupp 3", "answer_group", 800, 0, 200, 200)
    assert plan.zone("nowhere") is None


def test_the_example_site_puts_each_zone_on_the_facade_its_window_faces(example_site: Site):
    plan = effective_plan(example_site, {})
    for zone in example_site.zones:
        placed = plan.zone(zone.id)
        assert placed is not None
        on = {
            "N": placed.y == 0,
            "S": placed.y + placed.h == plan.height,
            "W": placed.x == 0,
            "E": placed.x + placed.w == plan.width,
        }
        if zone.window is not None:
            assert on[zone.window], zone.id


def test_kept_rectangles_override_the_site_file(example_site: Site):
    plan = effective_plan(example_site, {"z1": ZoneRect(10, 20, 30, 40), "meeting": ZonePlan(x=1, y=2, w=3, h=4)})
    z1 = plan.zone("z1")
    assert z1 is not None
    assert (z1.x, z1.y, z1.w, z1.h, z1.source) == (10, 20, 30, 40, "stored")
    meeting = plan.zone("meeting")
    assert meeting is not None
    assert (meeting.x, meeting.source) == (1, "stored")
    assert plan.zone("z2").source == "site"  # type: ignore[union-attr]


def test_kept_rectangles_of_unknown_zones_or_beyond_the_plan_are_passed_over(example_site: Site):
    plan = effective_plan(example_site, {"gone": ZoneRect(0, 0, 10, 10), "z1": ZoneRect(900, 500, 200, 200)})
    assert [z.zone for z in plan.zones] == [z.id for z in example_site.zones]
    assert plan.zone("z1").source == "site"  # type: ignore[union-attr]


def test_zones_without_a_rectangle_are_placed_in_free_space_without_overlaps():
    site = site_of(
        zones_toml(
            ("a", "plan = { x = 0, y = 0, w = 500, h = 300 }"),
            ("b", 'name = "Bee"\nkind = "meeting_room"'),
            ("c", ""),
            ("d", ""),
        ),
        "plan = { width = 800, height = 400 }",
    )
    plan = effective_plan(site, {"c": ZoneRect(600, 0, 200, 100)})
    assert (plan.width, plan.height) == (800, 400)
    assert [(z.zone, z.source) for z in plan.zones] == [("a", "site"), ("b", "auto"), ("c", "stored"), ("d", "auto")]
    b = plan.zone("b")
    assert b is not None
    assert (b.name, b.kind) == ("Bee", "meeting_room")
    assert plan.zone("d").name == "d"  # type: ignore[union-attr]  # no name: its id
    assert not [(x.zone, y.zone) for x, y in combinations(plan.zones, 2) if x.overlaps(y)]
    assert all(inside(z, plan) for z in plan.zones)
    assert all(z.w > 0 and z.h > 0 for z in plan.zones)


def test_a_site_without_any_plan_gets_a_grid_of_the_default_size():
    site = site_of(zones_toml(*[(f"z{n}", "") for n in range(40)]))  # more than the first grid's 36 cells
    plan = effective_plan(site, {})
    assert (plan.width, plan.height) == (1000, 600)
    assert {z.source for z in plan.zones} == {"auto"}
    assert not [(a.zone, b.zone) for a, b in combinations(plan.zones, 2) if a.overlaps(b)]
    assert all(inside(z, plan) for z in plan.zones)
    first, second = plan.zones[0], plan.zones[1]
    assert (first.x, first.y) < (10, 10)  # row by row from the top left
    assert second.y == first.y
    assert second.x > first.x


def test_small_gaps_are_found_by_finer_grids():
    # Everything taken but a strip at the bottom right: the 6 × 6 grid's cells are too big for it.
    site = site_of(
        zones_toml(
            ("big", "plan = { x = 0, y = 0, w = 1000, h = 560 }"),
            ("left", "plan = { x = 0, y = 560, w = 900, h = 40 }"),
            ("free", ""),
        )
    )
    plan = effective_plan(site, {})
    free = plan.zone("free")
    assert free is not None
    assert free.source == "auto"
    assert free.x >= 900
    assert free.y >= 560
    assert inside(free, plan)
    assert not any(free.overlaps(z) for z in plan.zones if z.zone != "free")


def test_a_covered_plan_still_draws_every_zone():
    site = site_of(zones_toml(("all", "plan = { x = 0, y = 0, w = 1000, h = 600 }"), ("x", ""), ("y", "")))
    plan = effective_plan(site, {})
    assert [z.source for z in plan.zones] == ["site", "auto", "auto"]
    assert all(inside(z, plan) and z.w > 0 for z in plan.zones)
    assert not plan.zones[1].overlaps(plan.zones[2])


def test_the_same_input_gives_the_same_plan(example_site: Site):
    kept = {"z1": ZoneRect(10, 20, 30, 40)}
    assert effective_plan(example_site, kept) == effective_plan(example_site, kept)


@pytest.mark.parametrize(
    ("zones", "plan", "message"),
    [
        ("plan = { x = 900, y = 0, w = 200, h = 100 }", "", "zone 'z': its plan rectangle .* beyond the floor plan"),
        ("plan = { x = 0, y = 0, w = 100, h = 100 }", "plan = { width = 50 }", "zone 'z'.*50 wide"),
        ("plan = { x = 0, y = 0, w = 0, h = 100 }", "", r"zones\[0\]\.plan\.w"),
        ("plan = { x = -1, y = 0, w = 1, h = 100 }", "", r"zones\[0\]\.plan\.x"),
        ("plan = { x = 0, y = 0, w = 1, h = 1, label_at = 3 }", "", r"zones\[0\]\.plan\.label_at: unknown key"),
        ("", "plan = { width = 1001 }", r"site\.plan\.width"),
        ("", "plan = { width = nan }", r"site\.plan\.width"),
    ],
)
def test_the_site_file_refuses_plans_that_cannot_be_drawn(zones, plan, message):
    from sensors.errors import SiteFileError

    with pytest.raises(SiteFileError, match=message):
        site_of(zones_toml(("z", zones)), plan)


def test_a_site_with_a_plan_is_written_out_and_read_back_the_same(example_site: Site):
    from sensors.site import dump_site

    assert parse_site(dump_site(example_site)) == example_site
