"""Drains the outbox into the store: batches, backoff with jitter, dead letters for what the store refuses."""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from datetime import UTC, datetime

from gateway.deadletter import DeadLetter
from gateway.errors import StoreRejectedError, StoreUnavailableError
from gateway.metrics import GatewayMetrics
from gateway.outbox import Outbox
from gateway.stores.port import ReadingStore
from sensors.reading import Reading

log = logging.getLogger(__name__)


class Flusher:
    """Moves readings from the outbox to the store; a reading leaves the outbox only once stored."""

    def __init__(
        self,
        outbox: Outbox,
        store: ReadingStore,
        metrics: GatewayMetrics,
        *,
        batch_size: int = 5000,
        max_backoff_s: float = 30.0,
    ) -> None:
        """Prepare; run() does the work until stopped."""
        self.outbox = outbox
        self.store = store
        self.metrics = metrics
        self.batch_size = batch_size
        self.max_backoff_s = max_backoff_s
        self.wake = threading.Event()
        self._backoff = 0.0
        self.last_error: str | None = None

    def run(self, stop: threading.Event, drain_timeout_s: float = 10.0) -> None:
        """Flush until `stop` is set, then try to drain what is left for up to drain_timeout_s."""
        while not stop.is_set():
            try:
                moved = self.flush_once()
            except StoreUnavailableError:
                stop.wait(self._next_backoff())
                continue
            except Exception as exc:  # an unexpected failure must not end the thread: nothing would flush
                self.last_error = f"{type(exc).__name__}: {exc}"
                log.exception("flushing failed unexpectedly; retrying")
                stop.wait(self._next_backoff())
                continue
            if moved == 0:
                self.wake.wait(0.5)
                self.wake.clear()
        deadline = time.monotonic() + drain_timeout_s
        while time.monotonic() < deadline:
            try:
                if self.flush_once() == 0:
                    return
            except StoreUnavailableError:
                time.sleep(min(self._next_backoff(), max(0.0, deadline - time.monotonic())))
        depth = self.outbox.depth()
        if depth:
            log.warning("stopping with %d readings still in the outbox; they are flushed on the next start", depth)

    def flush_once(self) -> int:
        """Write one batch; return how many readings left the outbox (stored or dead-lettered)."""
        batch = self.outbox.take(self.batch_size)
        if not batch.ids:
            return 0
        self._write(list(batch.ids), list(batch.readings), list(batch.received))
        self._backoff = 0.0
        self.last_error = None
        return len(batch.ids)

    def _write(self, ids: list[int], readings: list[Reading], received: list[float]) -> None:
        started = time.perf_counter()
        try:
            self.store.write(readings)
        except StoreRejectedError as exc:
            self.metrics.store_errors.labels("rejected").inc()
            if len(readings) == 1:
                self.outbox.reject(ids, [_letter(readings[0], exc.reason)])
                self.metrics.dead_letters.inc()
                log.warning("store rejected a reading of %s/%s: %s", readings[0].zone, readings[0].device, exc.reason)
                return
            # Find the culprits by halving: the rest of the batch must still be stored.
            half = len(readings) // 2
            self._write(ids[:half], readings[:half], received[:half])
            self._write(ids[half:], readings[half:], received[half:])
            return
        except StoreUnavailableError as exc:
            self.metrics.store_errors.labels("unavailable").inc()
            self.last_error = str(exc)
            raise
        self.metrics.flush_seconds.observe(time.perf_counter() - started)
        self.outbox.done(ids)
        self.metrics.readings_stored.inc(len(readings))
        now = time.time()
        for at in received:
            self.metrics.latency_seconds.observe(now - at)

    def _next_backoff(self) -> float:
        # Exponential with full jitter: many gateways must not hammer a recovering store in step.
        self._backoff = min(self.max_backoff_s, max(0.25, self._backoff * 2))
        delay = random.uniform(self._backoff / 2, self._backoff)
        log.warning("store unavailable (%s); retrying in %.1f s", self.last_error, delay)
        return delay


def _letter(reading: Reading, reason: str) -> DeadLetter:
    body = {"ts": reading.ts.isoformat(), **dict(reading.values)}
    topic = f"store:{reading.site}/{reading.zone}/{reading.device}"
    return DeadLetter.of(datetime.now(UTC), topic, json.dumps(body).encode(), f"store rejected: {reason}")
