"""The InfluxDB v2 API store (`influxdb2://host:port/BUCKET?org=ORG`).

Writes: influxdb-client's write API in SYNCHRONOUS mode (no batching buffer: `write` returns only
once the server has answered), line protocol from gateway.stores.lineprotocol, nanosecond precision.

Reads depend on what `GET /ping` (and `/metrics`) shows at open:
- InfluxDB 2.x → Flux through influxdb-client (gateway.stores.flux).
- VictoriaMetrics → `/api/v1/export` and MetricsQL (gateway.stores.victoriametrics); it serves the
  v2 write endpoint but neither Flux nor InfluxQL.
- InfluxDB 3.x serves no Flux: refused with a pointer to `influxdb://` (InfluxQL over the v1 API);
  InfluxDB 1.x likewise.

What was tested against which server: the write path and the VictoriaMetrics read path against
VictoriaMetrics 1.79.5 (Debian `victoria-metrics`), by the store contract suite; the Flux read path
against no server (none available), only against a fake query API. On VictoriaMetrics two contract
properties cannot hold: timestamps are milliseconds (readings under 1 ms apart collapse), and
"last write wins" for a re-written point with a different value is not guaranteed by the server.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Protocol

import urllib3
from influxdb_client import InfluxDBClient
from influxdb_client.client.write_api import SYNCHRONOUS
from influxdb_client.rest import ApiException

from gateway.errors import StoreRejectedError, StoreUnavailableError, StoreURLError
from gateway.stores.batch import PointBatch
from gateway.stores.flux import FluxReader
from gateway.stores.frames import RawRow, RowSource, Selection, WindowRow
from gateway.stores.httpcall import new_client
from gateway.stores.lineprotocol import batch_body, write_body
from gateway.stores.port import LatestValue
from gateway.stores.probe import ServerInfo, probe
from gateway.stores.urls import InfluxV2Target, parse_influx_v2
from gateway.stores.victoriametrics import VictoriaMetricsReader
from sensors.reading import Reading

log = logging.getLogger(__name__)

_TIMEOUT_MS = 30_000


class Reader(Protocol):
    """The read half of the port as rows, as each server kind implements it."""

    def latest(self, site: str) -> list[LatestValue]:
        """Per zone and quantity, the most recent value."""
        ...

    def raw_rows(self, selection: Selection) -> Iterable[RawRow]:
        """The stored values of the selection."""
        ...

    def window_rows(self, selection: Selection, width_ns: int) -> Iterable[WindowRow]:
        """Mean, min, max and count per zone and epoch-aligned window."""
        ...

    def count(self, site: str) -> int:
        """Points of a site."""
        ...


class InfluxV2ReadingStore(RowSource):
    """Readings in an InfluxDB 2.x bucket (or a VictoriaMetrics) over the v2 API; safe to share between threads."""

    def __init__(self, target: InfluxV2Target, token: str) -> None:
        """Connect, find out which server answers, and choose the read path for it."""
        if not token:
            raise StoreURLError(f"{target.where}: no token; set OFFICEWELL_INFLUX_TOKEN")
        self.target = target
        self._http = new_client(headers={"Authorization": f"Token {token}"})
        self._client: InfluxDBClient | None = None
        try:
            self.server = probe(self._http, target.base_url, where=target.where)
            self._client = InfluxDBClient(url=target.base_url, token=token, org=target.org, timeout=_TIMEOUT_MS)
            self._reader = self._choose_reader(self.server, self._client)
        except BaseException:
            self.close()
            raise
        self._write_api = self._client.write_api(write_options=SYNCHRONOUS)
        log.info("%s: %s; reads via %s", target.where, self.server.describe(), type(self._reader).__name__)

    @classmethod
    def from_url(cls, url: str, token: str) -> InfluxV2ReadingStore:
        """Open the store an `influxdb2://` URL names."""
        return cls(parse_influx_v2(url), token)

    def write(self, readings: Sequence[Reading]) -> None:
        """Write readings in one request; StoreRejectedError carries the server's reason for refused data."""
        if readings:
            self._post(write_body(readings))

    atomic_batches = False  # InfluxDB has no transactions: a failed bulk write may be partly stored

    def write_batch(self, batch: PointBatch, progress: Callable[[int], None] | None = None) -> None:
        """Write the batch in requests of CHUNK points (idempotent: a retried request merges into the same points)."""
        self.write_batches([batch], progress)

    def write_batches(self, batches: Iterable[PointBatch], progress: Callable[[int], None] | None = None) -> None:
        """Write each batch as it comes, in requests of CHUNK points; not atomic (see atomic_batches)."""
        done = 0
        for batch in batches:
            for chunk in batch.chunks():
                body = batch_body(chunk)
                if body:
                    self._post(body)
                done += len(chunk)
                if progress is not None:
                    progress(done)

    def _post(self, body: str) -> None:
        with _mapped_errors(self.target.where, "write", rejectable=True):
            # A str record is sent as-is, at the API's default precision: nanoseconds, like to_lines().
            self._write_api.write(bucket=self.target.bucket, org=self.target.org, record=body)

    def latest(self, site: str) -> list[LatestValue]:
        """Per zone and quantity, the most recent value."""
        with _mapped_errors(self.target.where, "read"):
            return self._reader.latest(site)

    def raw_rows(self, selection: Selection) -> list[RawRow]:
        """The stored values of the selection, read the way the server allows."""
        with _mapped_errors(self.target.where, "read"):
            return list(self._reader.raw_rows(selection))

    def window_rows(self, selection: Selection, width_ns: int) -> list[WindowRow]:
        """Mean, min, max and count per zone and epoch-aligned window, read the way the server allows."""
        with _mapped_errors(self.target.where, "read"):
            return list(self._reader.window_rows(selection, width_ns))

    def count(self, site: str) -> int:
        """How many points (distinct site/zone/device/ts) the store holds for a site."""
        with _mapped_errors(self.target.where, "read"):
            return self._reader.count(site)

    def close(self) -> None:
        """Close the HTTP connections."""
        if self._client is not None:
            self._client.close()
        self._http.close()

    def _choose_reader(self, server: ServerInfo, client: InfluxDBClient) -> Reader:
        where = self.target.where
        if server.product == "victoriametrics":
            return VictoriaMetricsReader(self._http, self.target)
        if server.major == 2:
            return FluxReader(client.query_api(), self.target)
        if server.major == 3:
            raise StoreURLError(
                f"{where}: found {server.describe()}, which serves no Flux; use "
                "influxdb://USER:TOKEN@host:port/DATABASE (InfluxQL over the v1 API) instead"
            )
        raise StoreURLError(
            f"{where}: found {server.describe()}; influxdb2:// needs InfluxDB 2.x, use influxdb:// for it"
        )


@contextmanager
def _mapped_errors(where: str, action: str, *, rejectable: bool = False) -> Iterator[None]:
    """Turn influxdb-client's and urllib3's exceptions into the gateway's store errors."""
    try:
        yield
    except ApiException as exc:
        reason = _reason(exc)
        if rejectable and exc.status in (400, 413, 422):
            raise StoreRejectedError(f"{exc.status}: {reason}") from exc
        raise StoreUnavailableError(f"{where}: {action} answered {exc.status}: {reason}") from exc
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        raise StoreUnavailableError(f"{where}: cannot reach the server: {type(exc).__name__}: {exc}") from exc


def _reason(exc: ApiException) -> str:
    """The server's message from an ApiException: `message` of its JSON body, else the body or reason."""
    body = exc.body
    if isinstance(body, bytes):
        body = body.decode(errors="replace")
    if isinstance(body, str) and body.strip():
        try:
            parsed = json.loads(body)
        except ValueError:
            return body.strip()[:500]
        if isinstance(parsed, dict):
            for key in ("message", "error"):
                if isinstance(parsed.get(key), str):
                    return str(parsed[key])
        return body.strip()[:500]
    return str(exc.reason or exc.status)
