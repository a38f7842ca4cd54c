"""Which server a store URL points at: InfluxDB 1.x/2.x/3.x (from `GET /ping`) or VictoriaMetrics."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import httpx

from gateway.errors import StoreURLError
from gateway.stores.httpcall import call

Product = Literal["influxdb", "victoriametrics"]

_VM_VERSION = re.compile(r'^vm_app_version\{version="([^"]*)", short_version="([^"]*)"\}', re.MULTILINE)


@dataclass(frozen=True)
class ServerInfo:
    """What answered: product, version text and build (OSS, Cloud, Core, …)."""

    product: Product
    version: str = ""
    build: str = ""

    @property
    def major(self) -> int | None:
        """The major version number, if the version text has one."""
        match = re.match(r"v?(\d+)", self.version)
        return int(match.group(1)) if match else None

    def describe(self) -> str:
        """E.g. `InfluxDB 1.6.7 (OSS)` or `VictoriaMetrics v1.79.5`."""
        name = "InfluxDB" if self.product == "influxdb" else "VictoriaMetrics"
        text = f"{name} {self.version or '(version unknown)'}"
        return f"{text} ({self.build})" if self.build else text


def probe(client: httpx.Client, base_url: str, *, where: str) -> ServerInfo:
    """Ask `GET /ping` who answers; fall back to VictoriaMetrics' `/metrics`; StoreURLError for anything else."""
    ping = call(client, "GET", f"{base_url}/ping", where=where)
    version = ping.headers.get("X-Influxdb-Version", "")
    if version:
        # 1.x and 2.x answer 204 with the headers; 3.x answers 200 with the same headers and a JSON body.
        return ServerInfo("influxdb", version, ping.headers.get("X-Influxdb-Build", ""))
    if ping.status_code == 200 and ping.headers.get("content-type", "").startswith("application/json"):
        body = _json(ping)
        if isinstance(body.get("version"), str):
            return ServerInfo("influxdb", str(body["version"]), str(body.get("build", "")))
    if ping.status_code == 204:
        # VictoriaMetrics answers /ping with 204 and no InfluxDB headers; its /metrics names it.
        metrics = call(client, "GET", f"{base_url}/metrics", where=where)
        if metrics.status_code == 200 and (found := _VM_VERSION.search(metrics.text)):
            return ServerInfo("victoriametrics", found.group(2) or found.group(1))
    server = ping.headers.get("server", "")
    found_text = f"GET /ping answered {ping.status_code} {ping.reason_phrase}" + (f" from {server!r}" if server else "")
    raise StoreURLError(f"{where}: not an InfluxDB server ({found_text}, without an X-Influxdb-Version header)")


def _json(response: httpx.Response) -> dict[str, object]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
