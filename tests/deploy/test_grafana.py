"""The Grafana files in deploy/grafana: generated from the quantity table, and every query answered by InfluxDB 1.x."""

from __future__ import annotations

import importlib.util
import json
import math
import re
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from types import ModuleType
from typing import Any

import httpx
import pytest
import yaml  # type: ignore[import-untyped]  # PyYAML (through amqtt) ships no stubs

from gateway.stores import open_store
from officewell.settings import PREFIX
from sensors.quantities import QUANTITIES, Quantity
from sensors.reading import Reading
from tests.conftest import ROOT
from tests.services import InfluxDB1, fresh_name

GRAFANA = ROOT / "deploy" / "grafana"
DASHBOARD = GRAFANA / "dashboards" / "officewell-facilities.json"
DATASOURCES = GRAFANA / "provisioning" / "datasources" / "officewell.yaml"
PROVIDERS = GRAFANA / "provisioning" / "dashboards" / "officewell.yaml"
OPERATIONS = ROOT / "docs" / "operations.md"

SITE = "kc-main"
ZONES = ("z1", "z2")
HOURS = 6
STEP = timedelta(minutes=5)


def load_builder() -> ModuleType:
    """deploy/grafana/build_dashboard.py as a module (deploy/ is not a package)."""
    path = GRAFANA / "build_dashboard.py"
    spec = importlib.util.spec_from_file_location("officewell_grafana_build", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


builder = load_builder()


def committed() -> dict[str, Any]:
    return json.loads(DASHBOARD.read_text(encoding="utf-8"))


def all_panels(panels: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every panel, including those inside (collapsed) rows."""
    for panel in panels:
        yield panel
        yield from all_panels(panel.get("panels", []))


def panels_of(kind: str) -> list[dict[str, Any]]:
    return [p for p in all_panels(committed()["panels"]) if p["type"] == kind]


def quantity_of(panel: dict[str, Any]) -> Quantity:
    (target,) = panel["targets"]
    found = re.match(r'SELECT \w+\("(\w+)"\)', target["query"])
    assert found, target["query"]
    return QUANTITIES[found.group(1)]


def grafana_colour(steps: list[dict[str, Any]], value: float) -> str:
    """The colour Grafana gives a value: the last step whose value is ≤ it (getActiveThreshold in @grafana/data)."""
    active = steps[0]
    for step in steps[1:]:
        if value >= step["value"]:
            active = step
        else:
            break
    return str(active["color"])


# -- the dashboard is the script's output, and its colours are the quantity table's bands ---------------------


def test_committed_dashboard_is_what_the_script_writes() -> None:
    assert DASHBOARD.read_text(encoding="utf-8") == builder.render(), (
        "deploy/grafana/dashboards/officewell-facilities.json is out of date: "
        "run .venv/bin/python deploy/grafana/build_dashboard.py"
    )
    assert builder.main(["--check"]) == 0


def test_rendering_is_deterministic() -> None:
    assert builder.render() == builder.render(builder.build())


def test_every_quantity_has_a_stat_and_a_chart_in_its_units_and_precision() -> None:
    for kind in ("stat", "timeseries"):
        panels = panels_of(kind)
        assert {quantity_of(p).key for p in panels} == set(QUANTITIES), kind
        for panel in panels:
            quantity = quantity_of(panel)
            defaults = panel["fieldConfig"]["defaults"]
            assert defaults["unit"] == f"suffix:{quantity.unit}"
            assert defaults["decimals"] == quantity.decimals
            assert panel["title"].startswith(quantity.label)


def test_thresholds_colour_every_value_as_the_quantity_table_bands_it() -> None:
    colours = builder.band_colours()
    variants = {v.title: v for q in QUANTITIES.values() for v in builder.variants(q, colours)}
    checked = 0
    for panel in panels_of("stat") + panels_of("timeseries"):
        quantity = quantity_of(panel)
        variant = variants[panel["title"]]
        assert variant.quantity is quantity
        steps = panel["fieldConfig"]["defaults"]["thresholds"]["steps"]
        assert steps[0]["value"] is None
        limits = sorted({x for b in quantity.bands for x in (b.low, b.high) if math.isfinite(x)})
        samples = {quantity.minimum, quantity.maximum}
        for limit in limits:
            samples |= {limit, math.nextafter(limit, -math.inf), math.nextafter(limit, math.inf), limit - 0.5}
            samples |= {limit + 0.5, limit + 10**-quantity.decimals, limit - 10**-quantity.decimals}
        for month in variant.months:
            for value in sorted(samples):
                band = quantity.band(value, month)
                expected = colours[band.value if band else "none"]
                assert grafana_colour(steps, value) == expected, (panel["title"], month, value)
                checked += 1
    assert checked > 1000


def test_seasonal_bands_get_one_panel_per_season() -> None:
    titles = [p["title"] for p in panels_of("stat")]
    assert "Temperature · Oct–Apr bands" in titles
    assert "Temperature · May–Sep bands" in titles
    assert "CO₂" in titles  # bands that hold all year: no months in the title


def test_bands_are_drawn_as_areas_on_the_charts() -> None:
    for panel in panels_of("timeseries"):
        style = panel["fieldConfig"]["defaults"]["custom"]["thresholdsStyle"]["mode"]
        assert style == ("area" if quantity_of(panel).bands else "off"), panel["title"]
        assert panel["interval"] == "5m"  # the facilities page's 5-minute means


def test_month_spans_wrap_around_the_new_year() -> None:
    assert builder.month_span({10, 11, 12, 1, 2, 3, 4}) == "Oct–Apr"
    assert builder.month_span(range(5, 10)) == "May–Sep"
    assert builder.month_span(range(1, 13)) == "all year"
    assert builder.month_span({1, 3}) == "Jan, Mar"
    assert builder.month_span({7}) == "Jul"


# -- provisioning ---------------------------------------------------------------------------------------------


def test_the_data_source_is_influxql_from_environment_variables() -> None:
    (source,) = yaml.safe_load(DATASOURCES.read_text(encoding="utf-8"))["datasources"]
    assert source["type"] == "influxdb"
    assert source["uid"] == builder.DATASOURCE_UID
    assert source["jsonData"]["version"] == "InfluxQL"
    expanded = [source["url"], source["user"], source["jsonData"]["dbName"], source["secureJsonData"]["password"]]
    names = [re.fullmatch(r"\$\{(\w+)\}", value) for value in expanded]
    assert all(names), expanded
    for name in (m.group(1) for m in names if m):
        # officewell refuses unknown OFFICEWELL_* variables, so Grafana's must not look like its own.
        assert not name.startswith(PREFIX), name
        assert name in OPERATIONS.read_text(encoding="utf-8"), f"docs/operations.md does not mention {name}"


def test_the_dashboard_defaults_to_the_provisioned_data_source() -> None:
    dashboard = committed()
    (choice,) = [v for v in dashboard["templating"]["list"] if v["type"] == "datasource"]
    assert (choice["query"], choice["current"]["value"]) == ("influxdb", builder.DATASOURCE_UID)
    for panel in all_panels(dashboard["panels"]):
        for target in panel.get("targets", []):
            assert target["datasource"] == {"type": "influxdb", "uid": "${datasource}"}


def test_the_dashboard_provider_reads_the_documented_folder() -> None:
    (provider,) = yaml.safe_load(PROVIDERS.read_text(encoding="utf-8"))["providers"]
    assert provider["type"] == "file"
    path = provider["options"]["path"]
    docs = OPERATIONS.read_text(encoding="utf-8")
    assert f"deploy/grafana/dashboards:{path}" in docs
    assert "deploy/grafana/provisioning:/etc/grafana/provisioning" in docs


# -- every query of the dashboard against a real InfluxDB 1.x, written through officewell's own store ----------


def reading_values(zone_index: int, i: int) -> dict[str, float]:
    """Plausible values of every quantity, drifting across the bands."""
    wave = math.sin(i / 7 + zone_index)
    values = {
        "co2_ppm": 700 + 250 * wave,
        "temperature_c": 22 + 2 * wave,
        "humidity_pct": 40 + 15 * wave,
        "sound_dba": 50 + 6 * wave,
        "sound_max_dba": 65 + 8 * wave,
        "illuminance_lux": 450 + 200 * wave,
        "tvoc_ppb": 300 + 100 * wave,
        "pm25_ugm3": 10 + 5 * wave,
    }
    assert set(values) == set(QUANTITIES), "a quantity was added: give it test values"
    return {key: round(value, 2) for key, value in values.items()}


@pytest.fixture
def readings_db(influxdb_server: InfluxDB1) -> Iterator[str]:
    """A database with HOURS of 5-minute readings of every quantity in two zones, written by the influxdb:// store."""
    database = fresh_name("officewell_grafana")
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    readings = [
        Reading(SITE, zone, f"aq-{z + 1:02d}", now - i * STEP, reading_values(z, i))
        for z, zone in enumerate(ZONES)
        for i in range(HOURS * 60 // 5)
    ]
    store = open_store(influxdb_server.url(database))
    try:
        store.write(readings)
    finally:
        store.close()
    yield database
    influxdb_server.drop(database)


def regex_escape(value: str) -> str:
    """How Grafana's InfluxDB data source escapes a multi-value variable's value inside /…/."""
    return re.sub(r"[\\^$*+?.()|\[\]{}/]", lambda m: "\\" + m.group(0), value)


def interpolate(query: str, zones: tuple[str, ...]) -> str:
    """Replace Grafana's macros and variables as Grafana would for the last 24 hours; fail on any other."""
    escaped = [regex_escape(z) for z in zones]
    values = {
        "timeFilter": "time > now() - 24h",
        "__interval": "5m",
        "site": SITE,  # single-valued: inserted as it is
        "zone": escaped[0] if len(escaped) == 1 else f"({'|'.join(escaped)})",  # multi-valued: a regex group
    }

    def replace(match: re.Match[str]) -> str:
        name = next(group for group in match.groups() if group)
        assert name in values, f"the query uses ${name}, which this test does not know how to fill in: {query}"
        return values[name]

    filled = re.sub(r"\$\{(\w+)\}|\$(\w+)|\[\[(\w+)\]\]", replace, query)
    assert not re.search(r"\$\w|\[\[", filled), filled
    return filled


def run(server: InfluxDB1, database: str, statement: str) -> list[dict[str, Any]]:
    """Run one InfluxQL statement as Grafana does (GET /query, epoch=ms); return its series."""
    response = httpx.get(f"{server.base_url}/query", params={"db": database, "q": statement, "epoch": "ms"}, timeout=10)
    assert response.status_code == 200, (statement, response.text)
    (result,) = response.json()["results"]
    assert "error" not in result, (statement, result["error"])
    series: list[dict[str, Any]] = result.get("series", [])
    assert series, f"no rows for {statement}"
    assert all(s["values"] for s in series), f"no rows for {statement}"
    return series


def test_every_query_of_the_dashboard_returns_rows(influxdb_server: InfluxDB1, readings_db: str) -> None:
    dashboard = committed()
    variables = [v for v in dashboard["templating"]["list"] if v["type"] == "query"]
    targets = [(p, t) for p in all_panels(dashboard["panels"]) for t in p.get("targets", [])]
    assert len(variables) == 2
    assert len(targets) == len(panels_of("stat")) + len(panels_of("timeseries"))
    ran = 0

    # Template variables: the site, then the site's zones.
    for variable in variables:
        series = run(influxdb_server, readings_db, interpolate(variable["query"], ZONES))
        values = sorted(row[1] for s in series for row in s["values"])  # SHOW TAG VALUES: key, value
        assert values == ([SITE] if variable["name"] == "site" else sorted(ZONES)), variable["name"]
        ran += 1

    for panel, target in targets:
        quantity = quantity_of(panel)
        if panel["type"] == "stat":
            # The zone row repeats per zone: each copy asks for one zone's newest value.
            for index, zone in enumerate(ZONES):
                (newest,) = run(influxdb_server, readings_db, interpolate(target["query"], (zone,)))
                ((_, latest),) = newest["values"]
                assert latest == reading_values(index, 0)[quantity.key], (panel["title"], zone)
                ran += 1
        else:
            # Charts: one series per selected zone, all zones ("All") or one.
            for zones in (ZONES, *((z,) for z in ZONES)):
                series = run(influxdb_server, readings_db, interpolate(target["query"], zones))
                assert sorted(s["tags"]["zone"] for s in series) == sorted(zones), panel["title"]
                for s in series:
                    means = [row[1] for row in s["values"] if row[1] is not None]
                    assert len(means) >= HOURS * 12 - 1, (panel["title"], len(means))  # 5-minute windows
                    assert all(quantity.minimum <= m <= quantity.maximum for m in means)
                ran += 1
    assert ran == 2 + len(panels_of("stat")) * len(ZONES) + len(panels_of("timeseries")) * (len(ZONES) + 1)


def test_interpolation_fails_on_a_macro_it_does_not_know() -> None:
    with pytest.raises(AssertionError, match=r"\$__range"):
        interpolate('SELECT last("co2_ppm") FROM "environment" WHERE $__range', ZONES)
