"""Write deploy/grafana/dashboards/officewell-facilities.json from the quantity table (sensors/quantities.py).

The dashboard mirrors the facilities page for sites that run Grafana on their InfluxDB: per zone the
latest value of every quantity, coloured by its comfort bands, and 24-hour charts of 5-minute means with
the bands as threshold areas. Thresholds, units and precision come from the quantity table and the band
colours from the page's style sheet, so they cannot drift from what officewell shows; a test checks that
the committed JSON is this script's output.

    python deploy/grafana/build_dashboard.py          # rewrite the JSON
    python deploy/grafana/build_dashboard.py --check  # exit 1 if the committed JSON is out of date
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sensors.quantities import QUANTITIES, Band, Quantity

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
OUTPUT = HERE / "dashboards" / "officewell-facilities.json"
STYLE_SHEET = ROOT / "dashboards" / "static" / "style.css"

MEASUREMENT = "environment"  # contracts §3: tags site, zone, device; one field per quantity
DATASOURCE_UID = "officewell-influxdb"  # provisioning/datasources/officewell.yaml
DASHBOARD_UID = "officewell-facilities"
CHART_INTERVAL = "5m"  # the facilities page charts 5-minute means; Grafana widens it for longer ranges
GRID_WIDTH = 24
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
NO_BAND = "none"

Step = tuple[float | None, str]  # (from this value up, colour); the first step's value is None (−∞)


@dataclass(frozen=True)
class Variant:
    """One quantity with the bands in force in some months (temperature has two: heating season, summer)."""

    quantity: Quantity
    months: frozenset[int]
    steps: tuple[Step, ...]
    seasonal: bool

    @property
    def title(self) -> str:
        """The panel title: the quantity's label, and the months whose bands it shows if they vary."""
        return f"{self.quantity.label} · {month_span(self.months)} bands" if self.seasonal else self.quantity.label

    @property
    def slug(self) -> str:
        """A stable id part: the key, and the first month if the bands vary by season."""
        return f"{self.quantity.key}-m{min(self.months)}" if self.seasonal else self.quantity.key


def band_colours(style_sheet: Path = STYLE_SHEET) -> dict[str, str]:
    """The facilities page's band colours (`--good`, `--acceptable`, `--act`, `--none` in style.css)."""
    css = style_sheet.read_text(encoding="utf-8")
    colours: dict[str, str] = {}
    for name in (*(band.value for band in Band), NO_BAND):
        found = re.search(rf"--{name}:\s*(#[0-9a-fA-F]{{6}})\s*;", css)
        if found is None:
            raise SystemExit(f"{style_sheet}: no colour --{name}")
        colours[name] = found.group(1).lower()
    return colours


def threshold_steps(quantity: Quantity, month: int, colours: dict[str, str]) -> tuple[Step, ...]:
    """Grafana threshold steps that colour every value as `quantity.band(value, month)` does.

    Grafana gives a value the colour of the last step whose value is ≤ it. The bands are closed
    intervals, so a band that ends at a limit (CO₂ ≤ 800 ppm good) is followed by a step at the next
    float above the limit, and one that starts there (≥ 500 lx good) by a step at the limit itself.
    """
    if not quantity.bands:
        return ((None, colours[NO_BAND]),)
    limits = sorted(
        {x for b in quantity.bands if not b.months or month in b.months for x in (b.low, b.high) if math.isfinite(x)}
    )

    def colour(value: float) -> str:
        band = quantity.band(value, month)
        return colours[band.value if band else NO_BAND]

    if not limits:
        return ((None, colour(0.0)),)
    steps: list[Step] = [(None, colour(limits[0] - 1))]
    for i, limit in enumerate(limits):
        above = (limit + limits[i + 1]) / 2 if i + 1 < len(limits) else limit + 1
        for value, shade in ((limit, colour(limit)), (math.nextafter(limit, math.inf), colour(above))):
            if shade != steps[-1][1]:
                steps.append((value, shade))
    return tuple(steps)


def month_span(months: Iterable[int]) -> str:
    """Months as a cyclic range ('Oct–Apr', 'May–Sep'), or listed if they are not contiguous."""
    chosen = sorted(set(months))
    if len(chosen) == 12:
        return "all year"
    starts = [m for m in chosen if (m - 2) % 12 + 1 not in chosen]
    if len(starts) != 1:
        return ", ".join(MONTH_NAMES[m - 1] for m in chosen)
    first = starts[0]
    last = (first + len(chosen) - 2) % 12 + 1
    return MONTH_NAMES[first - 1] if first == last else f"{MONTH_NAMES[first - 1]}–{MONTH_NAMES[last - 1]}"


def variants(quantity: Quantity, colours: dict[str, str]) -> list[Variant]:
    """The quantity once per distinct set of bands over the year, earliest months first."""
    by_steps: dict[tuple[Step, ...], set[int]] = {}
    for month in range(1, 13):
        by_steps.setdefault(threshold_steps(quantity, month, colours), set()).add(month)
    seasonal = len(by_steps) > 1
    found = [Variant(quantity, frozenset(months), steps, seasonal) for steps, months in by_steps.items()]
    return sorted(found, key=lambda v: min(v.months))


def band_text(quantity: Quantity, months: frozenset[int]) -> str:
    """The bands in force in these months, as the panel description lists them."""
    lines = []
    for limits in quantity.bands:
        if limits.months and not months <= limits.months:
            continue
        low = "" if math.isinf(limits.low) else f"≥ {limits.low:g}"
        high = "" if math.isinf(limits.high) else f"≤ {limits.high:g}"
        lines.append(f"{limits.band.value}: {' and '.join(x for x in (low, high) if x)} {quantity.unit}")
    lines.append("act: anything else")
    return "; ".join(lines)


def description(variant: Variant) -> str:
    """Panel help text: the reference, the bands shown, and what Grafana cannot show."""
    quantity = variant.quantity
    parts = [quantity.reference.rstrip(".") + "."] if quantity.reference else []
    if quantity.bands:
        parts.append(f"Bands ({month_span(variant.months)}): {band_text(quantity, variant.months)}.")
        parts.append(
            "The bands apply to occupied hours; unlike the facilities page, Grafana colours values outside "
            "working hours too."
        )
    else:
        parts.append("No comfort reference for this quantity.")
    return " ".join(parts)


def _where() -> str:
    return f'FROM "{MEASUREMENT}" WHERE "site" =~ /^$site$/ AND "zone" =~ /^$zone$/ AND $timeFilter'


def latest_query(key: str) -> str:
    """InfluxQL for a zone's newest value of one quantity in the dashboard's time range."""
    return f'SELECT last("{key}") AS "{key}" {_where()}'


def series_query(key: str) -> str:
    """InfluxQL for the windowed means of one quantity, one series per zone."""
    return f'SELECT mean("{key}") AS "{key}" {_where()} GROUP BY time($__interval), "zone" fill(null)'


def _datasource() -> dict[str, str]:
    return {"type": "influxdb", "uid": "${datasource}"}


def _thresholds(steps: tuple[Step, ...]) -> dict[str, Any]:
    return {"mode": "absolute", "steps": [{"color": colour, "value": value} for value, colour in steps]}


def _target(query: str, *, alias: str = "") -> dict[str, Any]:
    target: dict[str, Any] = {"refId": "A", "datasource": _datasource(), "rawQuery": True, "query": query}
    if alias:
        target["alias"] = alias
    target["resultFormat"] = "time_series"
    return target


def stat_panel(variant: Variant, grid: dict[str, int]) -> dict[str, Any]:
    """A stat panel: one zone's latest value (the row repeats per zone), its background the band's colour."""
    quantity = variant.quantity
    return {
        "type": "stat",
        "title": variant.title,
        "description": description(variant),
        "datasource": _datasource(),
        "gridPos": grid,
        "fieldConfig": {
            "defaults": {
                "unit": f"suffix:{quantity.unit}",
                "decimals": quantity.decimals,
                "noValue": "–",
                "color": {"mode": "thresholds"},
                "thresholds": _thresholds(variant.steps),
            },
            "overrides": [],
        },
        "options": {
            "reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
            "colorMode": "background",
            "graphMode": "none",
            "justifyMode": "center",
            "orientation": "auto",
            "textMode": "value",
        },
        "targets": [_target(latest_query(quantity.key))],
    }


def series_panel(variant: Variant, grid: dict[str, int]) -> dict[str, Any]:
    """A time series panel: every selected zone's means of one quantity, the bands drawn as areas behind."""
    quantity = variant.quantity
    return {
        "type": "timeseries",
        "title": variant.title,
        "description": description(variant),
        "datasource": _datasource(),
        "gridPos": grid,
        "interval": CHART_INTERVAL,
        "fieldConfig": {
            "defaults": {
                "unit": f"suffix:{quantity.unit}",
                "decimals": quantity.decimals,
                "color": {"mode": "palette-classic"},
                "thresholds": _thresholds(variant.steps),
                "custom": {
                    "drawStyle": "line",
                    "lineWidth": 2,
                    "fillOpacity": 0,
                    "showPoints": "never",
                    "spanNulls": False,
                    "thresholdsStyle": {"mode": "area" if quantity.bands else "off"},
                },
            },
            "overrides": [],
        },
        "options": {
            "legend": {"displayMode": "list", "placement": "bottom", "showLegend": True},
            "tooltip": {"mode": "multi", "sort": "none"},
        },
        "targets": [_target(series_query(quantity.key), alias="$tag_zone")],
    }


def _row(title: str, y: int, *, repeat: str = "", collapsed: bool = False) -> dict[str, Any]:
    row: dict[str, Any] = {"type": "row", "title": title, "collapsed": collapsed, "gridPos": _grid(0, y, 24, 1)}
    if repeat:
        row["repeat"] = repeat
    row["panels"] = []
    return row


def _grid(x: int, y: int, w: int, h: int) -> dict[str, int]:
    return {"x": x, "y": y, "w": w, "h": h}


def _lay_out(kind: str, chosen: list[Variant], y: int, per_line: int, height: int) -> list[dict[str, Any]]:
    width = GRID_WIDTH // per_line
    make = stat_panel if kind == "stat" else series_panel
    return [
        make(v, _grid((i % per_line) * width, y + (i // per_line) * height, width, height))
        for i, v in enumerate(chosen)
    ]


def _variables() -> list[dict[str, Any]]:
    def tag_values(name: str, label: str, query: str, *, multi: bool) -> dict[str, Any]:
        variable: dict[str, Any] = {
            "type": "query",
            "name": name,
            "label": label,
            "datasource": _datasource(),
            "query": query,
            "definition": query,
            "refresh": 1,
            "sort": 1,
            "multi": multi,
            "includeAll": multi,
            "hide": 0,
        }
        if multi:
            variable["current"] = {"selected": True, "text": ["All"], "value": ["$__all"]}
        return variable

    return [
        {
            "type": "datasource",
            "name": "datasource",
            "label": "InfluxDB",
            "query": "influxdb",
            "current": {"selected": True, "text": "officewell", "value": DATASOURCE_UID},
            "hide": 0,
        },
        tag_values("site", "Site", f'SHOW TAG VALUES FROM "{MEASUREMENT}" WITH KEY = "site"', multi=False),
        tag_values(
            "zone",
            "Zone",
            f'SHOW TAG VALUES FROM "{MEASUREMENT}" WITH KEY = "zone" WHERE "site" =~ /^$site$/',
            multi=True,
        ),
    ]


def build(colours: dict[str, str] | None = None) -> dict[str, Any]:
    """The dashboard as a JSON-ready dict, from the quantity table and the page's colours."""
    colours = colours or band_colours()
    core = [v for q in QUANTITIES.values() if not q.optional for v in variants(q, colours)]
    optional = [v for q in QUANTITIES.values() if q.optional for v in variants(q, colours)]

    panels: list[dict[str, Any]] = [_row("Zone $zone · latest values", 0, repeat="zone")]
    per_line = max(len(core), len(optional))
    panels += _lay_out("stat", core, 1, per_line, 4)
    panels += _lay_out("stat", optional, 5, per_line, 3)
    panels.append(_row("Last 24 hours · 5-minute means of the selected zones", 8))
    panels += _lay_out("series", core, 9, 2, 8)
    labels = ", ".join(dict.fromkeys(v.quantity.label for v in optional))
    optional_row = _row(f"Optional quantities · {labels}", 9 + 8 * math.ceil(len(core) / 2), collapsed=True)
    optional_row["panels"] = _lay_out("series", optional, optional_row["gridPos"]["y"] + 1, 2, 8)
    panels.append(optional_row)
    for number, panel in enumerate(_walk(panels), start=1):
        panel["id"] = number

    return {
        "id": None,
        "uid": DASHBOARD_UID,
        "title": "officewell · Facilities",
        "description": "Sound, light and air per zone against the comfort bands of officewell's quantity table. "
        "Generated by deploy/grafana/build_dashboard.py; do not edit by hand.",
        "tags": ["officewell"],
        "timezone": "browser",
        "editable": True,
        "graphTooltip": 1,
        "refresh": "1m",
        "schemaVersion": 39,
        "version": 1,
        "time": {"from": "now-24h", "to": "now"},
        "templating": {"list": _variables()},
        "annotations": {"list": []},
        "links": [],
        "panels": panels,
    }


def _walk(panels: list[dict[str, Any]]) -> Iterable[dict[str, Any]]:
    for panel in panels:
        yield panel
        yield from _walk(panel.get("panels", []))


def render(dashboard: dict[str, Any] | None = None) -> str:
    """The dashboard as the JSON text committed in the repository (stable key order, UTF-8, newline at the end)."""
    return json.dumps(dashboard if dashboard is not None else build(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the dashboard JSON, or with --check report whether the committed one is current."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed JSON differs")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT.relative_to(ROOT)} is out of date: run python {Path(__file__).relative_to(ROOT)}")
            return 1
        return 0
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
