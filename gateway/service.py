"""The running gateway: MQTT messages in, through the pipeline, into the store and the dead-letter log."""

from __future__ import annotations

import logging
import queue
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import paho.mqtt.client as mqtt
from paho.mqtt.reasoncodes import ReasonCode

from gateway.deadletter import DeadLetter
from gateway.deadletter_log import DeadLetterLog
from gateway.errors import StoreUnavailableError
from gateway.mqtt import BrokerAddress, ProtocolVersion, make_client
from gateway.pipeline import Pipeline
from gateway.stores.port import ReadingStore
from sensors.reading import Reading

log = logging.getLogger(__name__)


@dataclass
class GatewayStats:
    """Counters a person or /healthz can read; updated by the worker thread only."""

    received: int = 0
    readings_stored: int = 0
    dead_letters: int = 0
    ignored_keys: int = 0
    store_errors: int = 0
    connected: bool = False
    last_message_at: datetime | None = None
    unregistered_devices: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class _Message:
    topic: str
    payload: bytes
    received_at: datetime
    mid: int
    qos: int


class Gateway:
    """Subscribes to the site's topics and stores what arrives; acknowledges only what is stored.

    paho's network thread only queues messages; a worker thread decodes, writes a batch, and then
    acknowledges its QoS 1 messages, so the broker redelivers anything not yet stored. A full queue
    blocks the network thread, which is backpressure on the broker rather than loss.
    """

    def __init__(
        self,
        pipeline: Pipeline,
        store: ReadingStore,
        dead_letters: DeadLetterLog,
        broker: BrokerAddress,
        *,
        client_id: str | None = None,
        protocol: ProtocolVersion = "3.1.1",
        batch_size: int = 5000,
        queue_size: int = 20_000,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        """Prepare the gateway; nothing connects until start()."""
        self.pipeline = pipeline
        self.store = store
        self.dead_letters = dead_letters
        self.broker = broker
        self.stats = GatewayStats()
        self._clock = clock
        self._batch_size = batch_size
        self._queue: queue.Queue[_Message] = queue.Queue(maxsize=queue_size)
        self._stop = threading.Event()
        self._subscribed = threading.Event()
        self._worker = threading.Thread(target=self._work, name="officewell-gateway", daemon=True)
        self._client = make_client(broker, client_id, protocol)
        self._client.manual_ack_set(True)
        self._client.on_connect = self._on_connect
        self._client.on_disconnect = self._on_disconnect
        self._client.on_subscribe = self._on_subscribe
        self._client.on_message = self._on_message

    def start(self, wait_s: float = 10.0) -> None:
        """Connect, subscribe and start working; raise if the broker cannot be reached in time."""
        self._worker.start()
        self._client.connect_async(self.broker.host, self.broker.port, keepalive=30)
        self._client.loop_start()
        if not self._subscribed.wait(wait_s):
            self.stop()
            raise ConnectionError(f"no subscription at {self.broker.url()} within {wait_s:g} s")

    def stop(self, timeout_s: float = 10.0) -> None:
        """Stop taking messages, store what is queued, then disconnect."""
        self._stop.set()
        if self._worker.is_alive():
            self._worker.join(timeout_s)
        self._client.disconnect()
        self._client.loop_stop()

    def wait_idle(self, timeout_s: float = 10.0) -> bool:
        """Wait until every queued message has been handled (for tests and shutdown)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._queue.unfinished_tasks == 0:
                return True
            time.sleep(0.02)
        return False

    # paho callbacks run on its network thread: keep them short.
    def _on_connect(self, client: mqtt.Client, _u: object, _f: object, reason: ReasonCode, _p: object) -> None:
        if reason.is_failure:
            log.error("broker %s refused the connection: %s", self.broker.url(), reason)
            return
        self.stats.connected = True
        # Subscribe on every connect: a broker that lost the session must not leave us silent.
        filters = [(f, 1) for f in self.pipeline.topic_filters()]
        client.subscribe(filters)
        log.info("connected to %s, subscribing to %s", self.broker.url(), [f for f, _ in filters])

    def _on_subscribe(self, _c: mqtt.Client, _u: object, _mid: int, reasons: list[ReasonCode], _p: object) -> None:
        failed = [r for r in reasons if r.is_failure]
        if failed:
            log.error("broker refused subscriptions: %s", failed)
        else:
            self._subscribed.set()

    def _on_disconnect(self, _c: mqtt.Client, _u: object, _f: object, reason: ReasonCode, _p: object) -> None:
        self.stats.connected = False
        if not self._stop.is_set():
            log.warning("disconnected from %s (%s); paho reconnects", self.broker.url(), reason)

    def _on_message(self, _c: mqtt.Client, _u: object, message: mqtt.MQTTMessage) -> None:
        self._queue.put(_Message(message.topic, bytes(message.payload), self._clock(), message.mid, message.qos))

    def _work(self) -> None:
        while not (self._stop.is_set() and self._queue.empty()):
            batch = self._take_batch()
            if batch:
                self._process(batch)

    def _take_batch(self) -> list[_Message]:
        try:
            first = self._queue.get(timeout=0.2)
        except queue.Empty:
            return []
        batch = [first]
        while len(batch) < self._batch_size:
            try:
                batch.append(self._queue.get_nowait())
            except queue.Empty:
                break
        return batch

    def _process(self, batch: list[_Message]) -> None:
        readings: list[Reading] = []
        letters: list[DeadLetter] = []
        for msg in batch:
            outcome = self.pipeline.handle(msg.topic, msg.payload, msg.received_at)
            readings.extend(outcome.readings)
            letters.extend(outcome.dead_letters)
            self.stats.ignored_keys += outcome.ignored_keys
            self.stats.unregistered_devices.update(outcome.unregistered_devices)
        delay = 0.5
        while True:
            try:
                self.store.write(readings)
                self.dead_letters.add(letters)
                break
            except StoreUnavailableError as exc:
                # Keep the batch and retry: unacknowledged messages stay with the broker meanwhile.
                self.stats.store_errors += 1
                if self._stop.is_set() and delay >= 4:
                    log.error(
                        "stopping with %d messages not stored; they stay unacknowledged at the broker", len(batch)
                    )
                    for _ in batch:
                        self._queue.task_done()
                    return
                log.warning("store unavailable, retrying in %.1f s: %s", delay, exc)
                time.sleep(delay * (0.5 + random.random()))
                delay = min(delay * 2, 30.0)
        for msg in batch:
            if msg.qos > 0:
                self._client.ack(msg.mid, msg.qos)
            self._queue.task_done()
        self.stats.received += len(batch)
        self.stats.readings_stored += len(readings)
        self.stats.dead_letters += len(letters)
        self.stats.last_message_at = batch[-1].received_at
        for letter in letters:
            log.info("dead letter on %s: %s", letter.topic, letter.reason)
