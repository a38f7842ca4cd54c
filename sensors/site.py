"""The site file (`site.toml`, contracts §4): zones, devices, the site's working hours and its floor plan."""

from __future__ import annotations

import re
import tomllib
from datetime import time
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import tomli_w
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from sensors.errors import SiteFileError

SEGMENT = re.compile(r"[A-Za-z0-9_-]{1,64}")  # use fullmatch: `$` would accept a trailing newline

Segment = Annotated[str, Field(pattern=f"^{SEGMENT.pattern}$")]  # pydantic's regex: `$` is the very end


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WorkingHours(_Strict):
    """When the site is occupied: local start and end time and ISO weekdays (1 = Monday)."""

    start: time = time(8, 0)
    end: time = time(17, 0)
    days: tuple[int, ...] = (1, 2, 3, 4, 5)

    @field_validator("days")
    @classmethod
    def _weekdays(cls, days: tuple[int, ...]) -> tuple[int, ...]:
        bad = [d for d in days if not 1 <= d <= 7]
        if bad:
            raise ValueError(f"weekdays are 1 (Monday) to 7 (Sunday), got {bad}")
        return days

    @model_validator(mode="after")
    def _order(self) -> WorkingHours:
        if self.end <= self.start:
            raise ValueError(f"end {self.end} must be after start {self.start}")
        return self


PLAN_MAX = 1000.0  # the largest coordinate of the floor plan, in plan units


class PlanSize(_Strict):
    """The floor plan's size in plan units (`[site] plan = { width = 1000, height = 600 }`); x runs right, y down."""

    width: float = Field(default=1000.0, gt=0, le=PLAN_MAX, allow_inf_nan=False)
    height: float = Field(default=600.0, gt=0, le=PLAN_MAX, allow_inf_nan=False)


class ZonePlan(_Strict):
    """Where a zone is drawn on the floor plan: a rectangle in plan units, its top left corner at (x, y)."""

    x: float = Field(ge=0, le=PLAN_MAX, allow_inf_nan=False)
    y: float = Field(ge=0, le=PLAN_MAX, allow_inf_nan=False)
    w: float = Field(gt=0, le=PLAN_MAX, allow_inf_nan=False)
    h: float = Field(gt=0, le=PLAN_MAX, allow_inf_nan=False)

    def fits_in(self, size: PlanSize) -> bool:
        """Whether the rectangle lies inside a plan of this size."""
        return fits(self.x, self.y, self.w, self.h, size)


def fits(x: float, y: float, w: float, h: float, size: PlanSize) -> bool:
    """Whether the rectangle (x, y, w, h) lies inside a plan of this size (a rounding error's slack allowed)."""
    slack = 1e-9 * PLAN_MAX
    return x >= 0 and y >= 0 and w > 0 and h > 0 and x + w <= size.width + slack and y + h <= size.height + slack


class SiteInfo(_Strict):
    """The [site] table."""

    id: Segment
    name: str = ""
    timezone: str = "Europe/Stockholm"
    working_hours: WorkingHours = WorkingHours()
    latitude: float = Field(59.33, ge=-90, le=90)
    longitude: float = Field(18.07, ge=-180, le=180)
    plan: PlanSize = PlanSize()

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {name!r} (use an IANA name such as Europe/Stockholm)") from exc
        return name

    @property
    def tz(self) -> ZoneInfo:
        """The site's time zone."""
        return ZoneInfo(self.timezone)


ZoneKind = Literal["answer_group", "meeting_room", "break_room", "office", "other"]
Orientation = Literal["N", "NE", "E", "SE", "S", "SW", "W", "NW"]


class Zone(_Strict):
    """A zone: a room or part of one, monitored by one or more devices.

    The physical fields describe the room for the simulator and for action costs; all are optional.
    """

    id: Segment
    name: str = ""
    teams: tuple[str, ...] = ()
    kind: ZoneKind = "office"
    capacity: int = Field(3, ge=0, le=500, description="people the zone seats")
    area_m2: float = Field(30.0, gt=0, le=10_000)
    height_m: float = Field(2.7, gt=0, le=20)
    ventilation_lps: float = Field(
        45.0, gt=0, le=100_000, description="outdoor air supplied during working hours, litres per second"
    )
    window: Orientation | None = None
    plan: ZonePlan | None = Field(None, description="where the zone is drawn on the site's floor plan")

    @property
    def volume_m3(self) -> float:
        """Air volume of the zone."""
        return self.area_m2 * self.height_m


class Device(_Strict):
    """A sensor device and the zone it sits in; `id` is what its own format calls it."""

    id: str = Field(min_length=1, max_length=256)
    zone: Segment
    format: str = Field("native", description="a format of the decoder registry (sensors.decoders.DECODERS)")
    interval_s: float = Field(60, gt=0, le=86_400, description="how often the device reports, in seconds")

    @field_validator("format")
    @classmethod
    def _registered_format(cls, name: str) -> str:
        # The decoder registry is the one list of formats; imported here because the decoders import the site.
        from sensors.decoders import DECODERS

        if name not in DECODERS:
            raise ValueError(f"unknown format {name!r}; known: {', '.join(DECODERS)}")
        return name

    @model_validator(mode="after")
    def _native_id_fits_a_topic(self) -> Device:
        # A native device's id is a topic segment (contracts §2): any other id could never match a message.
        if self.format == "native" and not SEGMENT.fullmatch(self.id):
            raise ValueError(
                f"native device id {self.id!r} must be 1–64 letters, digits, '_' or '-' "
                "(it is a segment of its MQTT topic)"
            )
        return self


class Site(_Strict):
    """A whole site file.

    `[topics]` sets, per device format, the topic roots its messages arrive under where the site's
    systems differ from the defaults (zigbee2mqtt's base_topic, Tasmota's prefix, Telegraf's topic), e.g.
    `line-protocol = ["telegraf", "lineprotocol"]` or `zigbee2mqtt = "z2m"`.
    """

    site: SiteInfo
    zones: tuple[Zone, ...] = Field(min_length=1)
    devices: tuple[Device, ...] = ()
    topics: dict[str, tuple[str, ...]] = Field(default_factory=dict)

    @field_validator("topics", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        if isinstance(value, dict):
            return {k: (v,) if isinstance(v, str) else v for k, v in value.items()}
        return value

    @field_validator("topics")
    @classmethod
    def _topic_roots(cls, topics: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        from sensors.decoders import DECODERS  # the registry imports the site module

        roots: dict[str, str] = {}
        for name, decoder in DECODERS.items():
            if name == "native" and name in topics:
                raise ValueError("the native format's topic is fixed (officewell/{site}/{zone}/{device})")
            if name not in topics:
                roots.update(dict.fromkeys(decoder.roots, name))
        for name, given in topics.items():
            if name not in DECODERS:
                raise ValueError(f"unknown format {name!r}; known: {', '.join(DECODERS)}")
            if not given:
                raise ValueError(f"{name}: give at least one topic root")
            for root in given:
                if not _TOPIC_ROOT.fullmatch(root):
                    raise ValueError(f"{name}: {root!r} is not a topic root (levels without +, # or a leading /)")
                clash = next((f for r, f in roots.items() if _nested(r, root) and f != name), None)
                if clash:
                    raise ValueError(f"{name}: topic root {root!r} overlaps {clash}'s topics")
                roots[root] = name
        return topics

    @model_validator(mode="after")
    def _references(self) -> Site:
        zone_ids = [z.id for z in self.zones]
        dupes = sorted({z for z in zone_ids if zone_ids.count(z) > 1})
        if dupes:
            raise ValueError(f"zone ids must be unique; repeated: {', '.join(dupes)}")
        size = self.site.plan
        for zone in self.zones:
            if zone.plan is not None and not zone.plan.fits_in(size):
                p = zone.plan
                raise ValueError(
                    f"zone {zone.id!r}: its plan rectangle (x {p.x:g}, y {p.y:g}, w {p.w:g}, h {p.h:g}) reaches "
                    f"beyond the floor plan, {size.width:g} wide and {size.height:g} high ([site] plan)"
                )
        seen: set[tuple[str, str]] = set()
        for i, device in enumerate(self.devices):
            if device.zone not in zone_ids:
                raise ValueError(
                    f"devices[{i}] ({device.id!r}) names zone {device.zone!r}, which is not among the zones "
                    f"({', '.join(zone_ids)})"
                )
            key = (device.format, device.id)
            if key in seen:
                raise ValueError(f"devices[{i}]: device {device.id!r} ({device.format}) is listed twice")
            seen.add(key)
        return self

    @property
    def id(self) -> str:
        """The site id, as used in topics and tags."""
        return self.site.id

    def zone(self, zone_id: str) -> Zone | None:
        """The zone with this id, or None."""
        return next((z for z in self.zones if z.id == zone_id), None)

    def device(self, device_format: str, device_id: str) -> Device | None:
        """The device of this format and id, or None."""
        return next((d for d in self.devices if d.format == device_format and d.id == device_id), None)

    def devices_in(self, zone_id: str) -> tuple[Device, ...]:
        """The devices placed in a zone."""
        return tuple(d for d in self.devices if d.zone == zone_id)


_TOPIC_ROOT = re.compile(r"[^/+#\x00]{1,64}(?:/[^/+#\x00]{1,64}){0,3}")


def _nested(a: str, b: str) -> bool:
    """Whether one topic root lies within the other (then messages could not be told apart)."""
    return a == b or a.startswith(b + "/") or b.startswith(a + "/")


def parse_site(text: str, source: str = "site.toml") -> Site:
    """Parse site-file text; every mistake raises SiteFileError naming the file and the field."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SiteFileError(f"{source}: not valid TOML: {exc}") from exc
    try:
        return Site.model_validate(data)
    except ValidationError as exc:
        raise SiteFileError(f"{source}: " + "; ".join(_describe(err) for err in exc.errors())) from exc


def load_site(path: str | Path) -> Site:
    """Read and parse a site file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise SiteFileError(f"{path}: site file not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise SiteFileError(f"{path}: cannot read the site file: {exc}") from exc
    return parse_site(text, str(path))


def dump_site(site: Site) -> str:
    """The site as site-file TOML that parse_site reads back to an equal Site (unset optional keys left out)."""
    return tomli_w.dumps(site.model_dump(mode="json", exclude_none=True))


def save_site(site: Site, path: str | Path) -> Path:
    """Write the site file atomically (a reader sees the old file or the new one, never half of one)."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(dump_site(site), encoding="utf-8")
    tmp.replace(path)
    return path


def _describe(err: object) -> str:
    assert isinstance(err, dict)
    loc = ""
    for part in err.get("loc", ()):
        loc += f"[{part}]" if isinstance(part, int) else (f".{part}" if loc else str(part))
    msg = str(err.get("msg", "invalid"))
    if err.get("type") == "extra_forbidden":
        msg = "unknown key (check its spelling against the site-file reference in the README)"
    elif err.get("type") == "missing":
        msg = "required but missing"
    return f"{loc or 'file'}: {msg}"
