"""The InfluxDB HTTP v1 API store (`influxdb://`): line protocol to /write, InfluxQL to /query.

Tested against InfluxDB 1.6.7 (Debian's `influxd`, started by tests/services.py). The same API is
served by InfluxDB 2.x (through a DBRP mapping) and 3.x; those were not available to test against:
there the database is not created on open (2.x/3.x have no CREATE DATABASE; the bucket/mapping must
exist), and `count`'s nested subquery is the InfluxQL feature most likely to differ.

Design notes (why the queries look the way they do):

- `latest`: one `SELECT last("q") AS "value", "device" … GROUP BY "zone"` per quantity, all sent in
  one request. A single selector may be combined with a tag, which yields the device of exactly the
  chosen point; InfluxDB answers `last()` from the newest shard, so this stays cheap as data grows.
- `count`: InfluxDB counts per field (`count(*)` gives one count per field), but a point is a
  distinct site/zone/device/time whatever fields it has. The query unions every quantity field into
  one column `x` (one raw subquery per field, grouped by zone and device so the series stay apart),
  takes `max(x)` per 1 ns bucket (= per point; `fill(none)` emits only buckets with data) and
  counts those. Exact, computed server-side, one number returned.
- `windows`: `GROUP BY time(Nns), "zone" fill(none)`; InfluxDB aligns windows to the epoch and
  labels each with its start, like the other stores. On 1.x, windows of whole quarter hours come from
  the server-made 15-minute rollup (gateway/stores/influx_rollup.py), refreshed after every write.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import httpx
import numpy as np

from gateway.errors import StoreRejectedError, StoreUnavailableError, StoreURLError
from gateway.stores import influx_rollup as rollup
from gateway.stores import influxql as q
from gateway.stores.batch import PointBatch
from gateway.stores.frames import RawRow, RowSource, Selection, WindowRow
from gateway.stores.httpcall import call, new_client, reason_of
from gateway.stores.lineprotocol import MEASUREMENT, batch_body, write_body
from gateway.stores.port import LatestValue
from gateway.stores.probe import ServerInfo, probe
from gateway.stores.urls import InfluxV1Target, parse_influx_v1
from sensors.quantities import QUANTITY_KEYS
from sensors.reading import Reading, from_epoch_ns

# The widest time range InfluxDB 1.x accepts (influxql.MinNanoTime / MaxNanoTime).
MIN_TIME_NS = -9_223_372_036_854_775_806
MAX_TIME_NS = 9_223_372_036_854_775_806

# One row of a /query answer: statement id, the series' tags, and the row keyed by column name.
Row = tuple[int, dict[str, str], dict[str, Any]]


class InfluxV1ReadingStore(RowSource):
    """Readings in an InfluxDB database over the HTTP v1 API; safe to share between threads."""

    def __init__(self, target: InfluxV1Target) -> None:
        """Connect, check that an InfluxDB answers, and create the database if missing (1.x)."""
        self.target = target
        auth = (target.username, target.password or "") if target.username else None
        self._http = new_client(auth=auth)
        try:
            self.server = self._check_server()
            self._prepare_database()
        except BaseException:
            self._http.close()
            raise
        self._from = self._measurement(MEASUREMENT)
        self._rollup_from = self._measurement(rollup.MEASUREMENT)
        self._hours_from = self._measurement(rollup.HOURS)
        # SELECT … INTO exists on 1.x only; 2.x and 3.x read the points as before.
        self.rolls_up = self.server.major == 1
        if self.rolls_up:
            self._prepare_rollup()

    @classmethod
    def from_url(cls, url: str) -> InfluxV1ReadingStore:
        """Open the store an `influxdb://` URL names."""
        return cls(parse_influx_v1(url))

    # -- writing --------------------------------------------------------------------------------

    def write(self, readings: Sequence[Reading]) -> None:
        """Write readings in one request; a point with the same tags and time merges its fields.

        Raises StoreRejectedError (with the server's reason) when the data itself is refused: a
        reading line protocol cannot carry, HTTP 400 (parse errors, field type conflicts, partial
        writes). InfluxDB has no transactions: after a partial write some points are stored, which
        is harmless because writing a point again is idempotent.
        """
        if not readings:
            return
        body = write_body(readings)  # a reading line protocol cannot carry is refused before anything is sent
        by_site: dict[str, list[int]] = {}
        zones: dict[str, set[str]] = {}
        for reading in readings:
            by_site.setdefault(reading.site, []).append(reading.ts_ns)
            zones.setdefault(reading.site, set()).add(reading.zone)
        try:
            self._post(body)
        except StoreRejectedError:
            # A partial write keeps some points: they are rolled up too (as write_batches does), if the
            # server answers; the caller must see the write's own error either way.
            with contextlib.suppress(StoreUnavailableError):
                self._roll_up({site: rollup.spans(times) for site, times in by_site.items()}, zones)
            raise
        self._roll_up({site: rollup.spans(times) for site, times in by_site.items()}, zones)

    atomic_batches = False  # InfluxDB has no transactions: a failed bulk write may be partly stored

    def write_batch(self, batch: PointBatch, progress: Callable[[int], None] | None = None) -> None:
        """Write the batch in requests of CHUNK points (idempotent: a retried request merges into the same points)."""
        self.write_batches([batch], progress)

    def write_batches(self, batches: Iterable[PointBatch], progress: Callable[[int], None] | None = None) -> None:
        """Write each batch as it comes, in requests of CHUNK points; not atomic (see atomic_batches)."""
        done = 0
        touched: dict[str, list[PointBatch]] = {}
        try:
            for batch in batches:
                touched.setdefault(batch.site, []).append(batch)
                for chunk in batch.chunks():
                    body = batch_body(chunk)
                    if body:
                        self._post(body)
                    done += len(chunk)
                    if progress is not None:
                        progress(done)
        except BaseException:
            # What did get stored (a partial write keeps some points) is rolled up too, if the server
            # answers; the caller must see the write's own error either way.
            with contextlib.suppress(StoreUnavailableError):
                self._roll_up_batches(touched)
            raise
        # Once over all the batches: an import's zones come one batch each.
        self._roll_up_batches(touched)

    def _roll_up_batches(self, touched: dict[str, list[PointBatch]]) -> None:
        """Roll up the quarter hours and zones of these batches (none when there are none)."""
        spans = {site: rollup.spans(np.concatenate([b.ts_ns for b in batches])) for site, batches in touched.items()}
        zones = {site: {str(z) for b in batches for z in set(b.zone.tolist())} for site, batches in touched.items()}
        if any(spans.values()):
            self._roll_up(spans, zones)

    def _post(self, body: str) -> None:
        params = {"db": self.target.database, "precision": "ns"}
        if self.target.retention_policy:
            params["rp"] = self.target.retention_policy
        where = self.target.where
        response = call(self._http, "POST", f"{self.target.base_url}/write", where=where, params=params, content=body)
        if response.status_code in (200, 204):
            return
        reason = reason_of(response)
        if response.status_code in (400, 413, 422):
            raise StoreRejectedError(f"{response.status_code}: {reason}")
        raise StoreUnavailableError(f"{where}: write answered {response.status_code}: {reason}")

    # -- reading --------------------------------------------------------------------------------

    def latest(self, site: str) -> list[LatestValue]:
        """Per zone and quantity, the most recent value (one `last()` statement per quantity)."""
        statements = [
            f"SELECT last({q.ident(key)}) AS {q.ident('value')}, {q.ident('device')} FROM {self._from} "  # noqa: S608
            f"WHERE {q.tag_equals('site', site)} GROUP BY {q.ident('zone')}"
            for key in QUANTITY_KEYS
        ]
        found = []
        for statement_id, tags, row in self._select(";".join(statements)):
            if row.get("value") is None:
                continue
            key = QUANTITY_KEYS[statement_id]
            found.append(LatestValue(tags["zone"], key, float(row["value"]), from_epoch_ns(row["time"]), row["device"]))
        return sorted(found, key=lambda lv: (lv.zone, lv.quantity))

    def raw_rows(self, selection: Selection) -> list[RawRow]:
        """The stored values of the selection."""
        field = q.ident(selection.quantity)
        statement = (
            f"SELECT {field} AS {q.ident('value')} FROM {self._from} "  # noqa: S608
            f"WHERE {self._where(selection)} GROUP BY {q.ident('zone')}, {q.ident('device')}"
        )
        return [
            (row["time"], tags["zone"], tags["device"], float(row["value"]))
            for _, tags, row in self._select(statement)
            if row.get("value") is not None
        ]

    def window_rows(self, selection: Selection, width_ns: int) -> list[WindowRow]:
        """Mean, min, max and count per zone and epoch-aligned window, aggregated by InfluxDB."""
        field = q.ident(selection.quantity)
        if self.rolls_up and rollup.serves_hours(width_ns, selection.start_ns, selection.stop_ns):
            statement = rollup.hour_rows_statement(selection.quantity, self._hours_from, self._where(selection))
        elif self.rolls_up and rollup.serves(width_ns, selection.start_ns, selection.stop_ns):
            statement = rollup.window_statement(selection.quantity, width_ns, self._rollup_from, self._where(selection))
        else:
            statement = (
                f"SELECT mean({field}) AS {q.ident('mean')}, min({field}) AS {q.ident('min')}, "  # noqa: S608
                f"max({field}) AS {q.ident('max')}, count({field}) AS {q.ident('count')} FROM {self._from} "
                f"WHERE {self._where(selection)} "
                f"GROUP BY time({q.duration(width_ns)}), {q.ident('zone')} fill(none)"
            )
        rows = [(tags["zone"], row) for _, tags, row in self._select(statement) if row.get("count")]
        return [
            (row["time"], zone, row["total"] / row["count"] if "total" in row else row["mean"], row["min"], row["max"],
             int(row["count"]))
            for zone, row in rows
        ]  # fmt: skip

    def count(self, site: str) -> int:
        """How many points (distinct zone/device/time) a site has, whatever fields each point has."""
        x = q.ident("x")
        per_field = ", ".join(
            f"(SELECT {q.ident(key)} AS {x} FROM {self._from} WHERE {q.tag_equals('site', site)} "  # noqa: S608
            f"GROUP BY {q.ident('zone')}, {q.ident('device')})"
            for key in QUANTITY_KEYS
        )
        statement = (
            f"SELECT count({x}) FROM (SELECT max({x}) AS {x} FROM {per_field} "  # noqa: S608
            f"WHERE time >= {MIN_TIME_NS} AND time <= {MAX_TIME_NS} "
            f"GROUP BY time(1ns), {q.ident('zone')}, {q.ident('device')} fill(none))"
        )
        return sum(int(row["count"]) for _, _, row in self._select(statement) if row.get("count") is not None)

    def close(self) -> None:
        """Close the HTTP connections."""
        self._http.close()

    # -- helpers --------------------------------------------------------------------------------

    def _where(self, selection: Selection) -> str:
        where = f"{q.tag_equals('site', selection.site)} AND {q.time_range(selection.start_ns, selection.stop_ns)}"
        if selection.zones:
            where += f" AND {q.tag_in('zone', selection.zones)}"
        return where

    def _measurement(self, name: str) -> str:
        # Qualify with the retention policy only when the URL names one; otherwise the default applies.
        if self.target.retention_policy:
            return f"{q.ident(self.target.database)}.{q.ident(self.target.retention_policy)}.{q.ident(name)}"
        return q.ident(name)

    def _into(self, measurement: str = rollup.MEASUREMENT) -> str:
        # INTO needs the database named; `db..m` is the database's default retention policy.
        rp = q.ident(self.target.retention_policy) if self.target.retention_policy else ""
        return f"{q.ident(self.target.database)}.{rp}.{q.ident(measurement)}"

    def _roll_up(self, spans_by_site: dict[str, list[tuple[int, int]]], zones: dict[str, set[str]]) -> None:
        """Recompute the rollup of these quarter hours and zones from the points, a few statements per request."""
        statements = [
            statement
            for site, spans in spans_by_site.items()
            for statement in rollup.into_statements(site, sorted(zones[site]), self._from, self._into(), spans)
        ]
        self._run_into(statements)
        hours = [
            statement
            for site, spans in spans_by_site.items()
            for statement in rollup.hour_statements(
                site, sorted(zones[site]), self._rollup_from, self._into(rollup.HOURS), spans
            )
        ]
        self._run_into(hours)  # from the quarter hours just made

    def _run_into(self, statements: list[str]) -> None:
        for lo in range(0, len(statements), rollup.STATEMENTS_PER_REQUEST):
            self._command(";".join(statements[lo : lo + rollup.STATEMENTS_PER_REQUEST]), database=True)

    def _prepare_rollup(self) -> None:
        """Roll up a database written before the rollup existed (or whose rebuild was cut short), then mark it."""
        marker = self._measurement(rollup.MARKER)
        if any(True for _ in self._select(f"SELECT * FROM {marker} LIMIT 1")):  # noqa: S608 - quoted name
            return
        weeks = self._select(rollup.filled_weeks_statement(self._from, MIN_TIME_NS, MAX_TIME_NS))
        starts = sorted({int(row["time"]) for _, _, row in weeks})
        periods = [(week, week + rollup.SPAN_NS) for week in starts]
        self._run_into(rollup.into_statements(None, None, self._from, self._into(), periods))
        self._run_into(rollup.hour_statements(None, None, self._rollup_from, self._into(rollup.HOURS), periods))
        # Stamped now, not at 1970: a retention policy shorter than the epoch's age would refuse the point.
        # (When the policy expires it, the next open rolls up again: slow, but right.)
        self._post(f"{rollup.MARKER} complete=true {time.time_ns()}")

    def _select(self, statement: str) -> Iterator[Row]:
        """Run read statements; yield every row of every series, chunk by chunk."""
        params = {"db": self.target.database, "q": statement, "epoch": "ns", "chunked": "true", "chunk_size": "10000"}
        response = self._query("GET", params)
        for line in response.text.splitlines():
            if not line.strip():
                continue
            for result in _results(json.loads(line), self.target.where):
                statement_id = int(result.get("statement_id", 0))
                for series in result.get("series", []):
                    columns = series["columns"]
                    tags = series.get("tags") or {}
                    for values in series.get("values", []):
                        yield statement_id, tags, dict(zip(columns, values, strict=True))

    def _command(self, statement: str, *, database: bool = False) -> list[dict[str, Any]]:
        """Run a statement that changes the server (POST, as InfluxDB requires); return its results."""
        params = {"q": statement, "db": self.target.database} if database else {"q": statement}
        response = self._query("POST", params)
        return _results(response.json(), self.target.where)

    def _show(self, statement: str) -> list[str]:
        """The first column of a SHOW statement's rows."""
        response = self._query("GET", {"q": statement, "db": self.target.database})
        names: list[str] = []
        for result in _results(response.json(), self.target.where):
            for series in result.get("series", []):
                names.extend(str(values[0]) for values in series.get("values", []))
        return names

    def _query(self, method: str, params: dict[str, str]) -> httpx.Response:
        where = self.target.where
        url = f"{self.target.base_url}/query"
        # Statements travel as form data on POST so that long ones never hit URL length limits.
        if method == "POST":
            response = call(self._http, "POST", url, where=where, data=params)
        else:
            response = call(self._http, "GET", url, where=where, params=params)
        if response.status_code != 200:
            raise StoreUnavailableError(f"{where}: query answered {response.status_code}: {reason_of(response)}")
        return response

    def _check_server(self) -> ServerInfo:
        where = self.target.where
        server = probe(self._http, self.target.base_url, where=where)
        if server.product == "victoriametrics":
            raise StoreURLError(
                f"{where}: found {server.describe()}, which accepts InfluxDB writes but answers no InfluxQL "
                "queries; use influxdb2://host:port/BUCKET?org=ORG for it"
            )
        if server.major not in (1, 2, 3):
            raise StoreURLError(f"{where}: found {server.describe()}; this store speaks to InfluxDB 1.x, 2.x and 3.x")
        return server

    def _prepare_database(self) -> None:
        if self.server.major != 1:
            # 2.x and 3.x have no CREATE DATABASE over InfluxQL: the bucket (and its DBRP mapping) must exist.
            return
        db = self.target.database
        if db not in self._show("SHOW DATABASES"):
            try:
                self._command(f"CREATE DATABASE {q.ident(db)}")
            except StoreUnavailableError as exc:
                raise StoreUnavailableError(
                    f"{self.target.where}: database {db!r} does not exist and could not be created ({exc}); "
                    f"create it as an admin (CREATE DATABASE {q.ident(db)}) or give the user admin rights"
                ) from exc
        rp = self.target.retention_policy
        if rp:
            policies = self._show(f"SHOW RETENTION POLICIES ON {q.ident(db)}")
            if rp not in policies:
                raise StoreURLError(
                    f"{self.target.where}: retention policy {rp!r} does not exist on {db!r} "
                    f"(it has: {', '.join(policies) or 'none'})"
                )


def _results(body: object, where: str) -> list[dict[str, Any]]:
    """The `results` of a /query answer; StoreUnavailableError naming the server's error if any failed."""
    if not isinstance(body, dict):
        raise StoreUnavailableError(f"{where}: unexpected answer to a query: {str(body)[:200]}")
    if "error" in body:
        raise StoreUnavailableError(f"{where}: query failed: {body['error']}")
    results: list[dict[str, Any]] = body.get("results", [])
    for result in results:
        if "error" in result:
            raise StoreUnavailableError(f"{where}: query failed: {result['error']}")
    return results
