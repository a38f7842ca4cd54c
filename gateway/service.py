"""The running gateway: MQTT in, through the pipeline, into the durable outbox, then into the store.

Threads: paho's network thread only queues messages; the intake thread decodes a batch, commits its
readings and dead letters to the outbox in one transaction and only then acknowledges the batch's
QoS 1 messages; the flusher thread drains the outbox into the store. A full queue blocks paho's
thread and a full outbox blocks acknowledgements: backpressure on the broker, never loss.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode

from gateway.deadletter import DeadLetter
from gateway.errors import GatewayConfigError, OutboxFullError, StoreUnavailableError
from gateway.flusher import Flusher
from gateway.metrics import GatewayMetrics
from gateway.mqtt import BrokerAddress, ProtocolVersion, make_client
from gateway.outbox import Outbox
from gateway.pipeline import DeviceSeen, Pipeline
from gateway.stores.port import ReadingStore
from sensors.reading import Reading

log = logging.getLogger(__name__)

SESSION_EXPIRY_S = 7 * 24 * 3600  # MQTT 5: how long the broker keeps our queue while we are away


@dataclass
class GatewayStats:
    """Counters a person or /healthz can read."""

    received: int = 0
    readings_committed: int = 0
    dead_letters: int = 0
    ignored_keys: int = 0
    connected: bool = False
    outbox_full: bool = False
    last_message_at: datetime | None = None
    unregistered: int = 0  # samples from devices the site file does not list (a count: names are not kept)


@dataclass(frozen=True)
class _Message:
    topic: str
    payload: bytes
    received_at: datetime
    mid: int
    qos: int
    generation: int  # which connection delivered it: an ack is only valid on that connection


@dataclass(frozen=True)
class GatewayOptions:
    """How the gateway talks to the broker and batches its work."""

    client_id: str | None = None
    protocol: ProtocolVersion = "3.1.1"
    persistent_session: bool = True
    share_group: str | None = None
    batch_size: int = 5000
    queue_size: int = 20_000


class Gateway:
    """Subscribes to the site's topics and stores what arrives; acknowledges only what is durable."""

    def __init__(
        self,
        pipeline: Pipeline,
        store: ReadingStore,
        outbox: Outbox,
        broker: BrokerAddress,
        options: GatewayOptions | None = None,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        """Prepare the gateway; nothing connects until start()."""
        self.options = options or GatewayOptions()
        if self.options.persistent_session and not self.options.client_id:
            raise GatewayConfigError("a persistent session needs a stable client id (settings: mqtt_client_id)")
        self.pipeline = pipeline
        self.store = store
        self.outbox = outbox
        self.dead_letters = outbox.dead_letters
        self.broker = broker
        self.stats = GatewayStats()
        self.metrics = GatewayMetrics()
        self.metrics.watch_outbox(outbox.depth, outbox.used_bytes)
        self.flusher = Flusher(outbox, store, self.metrics, batch_size=self.options.batch_size)
        self._clock = clock
        self._queue: queue.Queue[_Message] = queue.Queue(maxsize=self.options.queue_size)
        self._stop_intake = threading.Event()
        self._stop_flush = threading.Event()
        self._subscribed = threading.Event()
        self._generation = 0
        self._intake = threading.Thread(target=self._work, name="officewell-intake", daemon=True)
        self._flush = threading.Thread(
            target=self.flusher.run, args=(self._stop_flush,), name="officewell-flush", daemon=True
        )
        self._client = make_client(
            broker, self.options.client_id, self.options.protocol, clean_session=not self.options.persistent_session
        )
        self._client.manual_ack_set(True)
        self._client.on_connect = self._on_connect
        self._client.on_disconnect = self._on_disconnect
        self._client.on_subscribe = self._on_subscribe
        self._client.on_message = self._on_message

    def start(self, wait_s: float = 10.0) -> None:
        """Connect, subscribe and start working; raise ConnectionError if the broker is not reached in time."""
        self._flush.start()
        self._intake.start()
        properties = None
        if self.options.protocol == "5":
            properties = Properties(PacketTypes.CONNECT)
            properties.SessionExpiryInterval = SESSION_EXPIRY_S if self.options.persistent_session else 0
        self._client.connect_async(
            self.broker.host,
            self.broker.port,
            keepalive=30,
            clean_start=not self.options.persistent_session
            if self.options.protocol == "5"
            else mqtt.MQTT_CLEAN_START_FIRST_ONLY,
            properties=properties,
        )
        self._client.loop_start()
        if not self._subscribed.wait(wait_s):
            self.stop(flush_timeout_s=0)
            raise ConnectionError(f"no subscription at {self.broker.url()} within {wait_s:g} s")

    def stop(self, flush_timeout_s: float = 10.0) -> None:
        """Stop taking messages, commit what is queued, disconnect, then flush the outbox for a while."""
        self._stop_intake.set()
        if self._intake.is_alive():
            self._intake.join(30)
        self._client.disconnect()
        self._client.loop_stop()
        self._stop_flush.set()
        self.flusher.wake.set()
        if self._flush.is_alive():
            self._flush.join(flush_timeout_s + 5)

    def wait_idle(self, timeout_s: float = 10.0) -> bool:
        """Wait until everything received is committed and flushed (for tests and shutdown)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._queue.unfinished_tasks == 0 and self.outbox.depth() == 0:
                return True
            time.sleep(0.02)
        return False

    def threads_alive(self) -> bool:
        """Whether the intake and flush threads are running (for health checks)."""
        return self._intake.is_alive() and self._flush.is_alive()

    def topic_filters(self) -> list[str]:
        """What the gateway subscribes to, with the shared-subscription prefix when scaled out."""
        filters = self.pipeline.topic_filters()
        group = self.options.share_group
        return [f"$share/{group}/{f}" for f in filters] if group else filters

    # paho callbacks run on its network thread: keep them short.
    def _on_connect(self, client: mqtt.Client, _u: object, flags: object, reason: ReasonCode, _p: object) -> None:
        if reason.is_failure:
            log.error("broker %s refused the connection: %s", self.broker.url(), reason)
            return
        # Message ids restart on a new connection: acks still queued for the old one must not be sent.
        self._generation += 1
        self.stats.connected = True
        self.metrics.connected.set(1)
        # Subscribe on every connect, even with a session present: a broker that lost it must not
        # leave the gateway silent.
        filters = [(f, 1) for f in self.topic_filters()]
        client.subscribe(filters)
        log.info(
            "connected to %s (session present: %s), subscribing to %s",
            self.broker.url(),
            getattr(flags, "session_present", None),
            [f for f, _ in filters],
        )

    def _on_subscribe(self, _c: mqtt.Client, _u: object, _mid: int, reasons: list[ReasonCode], _p: object) -> None:
        failed = [r for r in reasons if r.is_failure]
        if failed:
            log.error("broker refused subscriptions: %s", failed)
        else:
            log.info("subscribed to %d topic filter(s)", len(reasons))
            self._subscribed.set()

    def _on_disconnect(self, _c: mqtt.Client, _u: object, _f: object, reason: ReasonCode, _p: object) -> None:
        self.stats.connected = False
        self.metrics.connected.set(0)
        if not self._stop_intake.is_set():
            log.warning("disconnected from %s (%s); reconnecting", self.broker.url(), reason)

    def _on_message(self, _c: mqtt.Client, _u: object, message: mqtt.MQTTMessage) -> None:
        self._queue.put(
            _Message(message.topic, bytes(message.payload), self._clock(), message.mid, message.qos, self._generation)
        )

    def _work(self) -> None:
        while not (self._stop_intake.is_set() and self._queue.empty()):
            batch = self._take_batch()
            if batch:
                self._process(batch)

    def _take_batch(self) -> list[_Message]:
        try:
            first = self._queue.get(timeout=0.1)
        except queue.Empty:
            return []
        batch = [first]
        while len(batch) < self.options.batch_size:
            try:
                batch.append(self._queue.get_nowait())
            except queue.Empty:
                break
        return batch

    def _process(self, batch: list[_Message]) -> None:
        readings: list[Reading] = []
        received: list[float] = []
        letters: list[DeadLetter] = []
        seen: list[DeviceSeen] = []
        for msg in batch:
            outcome = self.pipeline.handle(msg.topic, msg.payload, msg.received_at)
            readings.extend(outcome.readings)
            received.extend([msg.received_at.timestamp()] * len(outcome.readings))
            letters.extend(outcome.dead_letters)
            seen.extend(outcome.seen)
            self.stats.ignored_keys += outcome.ignored_keys
            self.stats.unregistered += len(outcome.unregistered_devices)
            self.metrics.unregistered.inc(len(outcome.unregistered_devices))
        self._commit(readings, letters, received, seen)
        # Acknowledge only now: what the broker forgets is on disk in the outbox.
        for msg in batch:
            # A message from an earlier connection is redelivered by the broker; acking its old id on the
            # new connection could confirm a different, not yet stored message.
            if msg.qos > 0 and msg.generation == self._generation:
                self._client.ack(msg.mid, msg.qos)
            self._queue.task_done()
        self.flusher.wake.set()
        self.stats.received += len(batch)
        self.stats.readings_committed += len(readings)
        self.stats.dead_letters += len(letters)
        self.stats.last_message_at = batch[-1].received_at
        self.metrics.received.inc(len(batch))
        self.metrics.readings_committed.inc(len(readings))
        self.metrics.dead_letters.inc(len(letters))
        for letter in letters:
            log.info("dead letter on %s: %s", letter.topic, letter.reason)

    def _commit(
        self, readings: list[Reading], letters: list[DeadLetter], received: list[float], seen: list[DeviceSeen]
    ) -> None:
        delay = 0.1
        while True:
            try:
                self.outbox.commit(readings, letters, received, seen)
                if self.stats.outbox_full:
                    log.warning("outbox below its quota again; acknowledging messages")
                self.stats.outbox_full = False
                return
            except OutboxFullError as exc:
                if not self.stats.outbox_full:
                    self.metrics.outbox_full.inc()
                    log.error(
                        "OUTBOX FULL: %s. Not acknowledging: the broker holds new messages until the store catches up.",
                        exc,
                    )
                self.stats.outbox_full = True
            except StoreUnavailableError as exc:
                log.error("cannot write the outbox (%s); retrying", exc)
            time.sleep(delay)
            delay = min(delay * 2, 5.0)
