"""The durable outbox and its flusher, with the store port's in-memory fake standing in for a store."""

import sqlite3
import threading
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone

import pytest

from gateway.deadletter import DeadLetter
from gateway.deadletter_log import SQLiteDeadLetterLog
from gateway.errors import OutboxFullError, StoreRejectedError, StoreUnavailableError
from gateway.flusher import Flusher
from gateway.metrics import GatewayMetrics
from gateway.outbox import Outbox
from gateway.stores import MemoryReadingStore
from sensors.reading import Reading

T0 = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


def readings(n: int, start: int = 0) -> list[Reading]:
    return [
        Reading("kc-main", "z1", "aq-01", T0 + timedelta(seconds=i), {"co2_ppm": 500.0 + i})
        for i in range(start, start + n)
    ]


class FlakyStore(MemoryReadingStore):
    """The in-memory store, unavailable for its first `failures` writes, refusing readings over `refuse_above`."""

    def __init__(self, failures: int = 0, refuse_above: float | None = None) -> None:
        super().__init__()
        self.failures = failures
        self.refuse_above = refuse_above
        self.calls = 0

    def write(self, batch: Sequence[Reading]) -> None:
        self.calls += 1
        if self.failures > 0:
            self.failures -= 1
            raise StoreUnavailableError("connection refused")
        if self.refuse_above is not None and any(r.values["co2_ppm"] > self.refuse_above for r in batch):
            raise StoreRejectedError(
                f'partial write: field type conflict: input field "co2_ppm" (above {self.refuse_above})'
            )
        super().write(batch)


def test_commit_take_done_and_reopen(tmp_path):
    path = tmp_path / "outbox.db"
    outbox = Outbox(path)
    letter = DeadLetter.of(T0, "officewell/kc-main/z1/aq-01", b"{", "not valid JSON")
    outbox.commit(readings(3), [letter])
    outbox.close()
    again = Outbox(path)
    batch = again.take(2)
    assert [r.values["co2_ppm"] for r in batch.readings] == [500.0, 501.0]
    assert batch.readings[0].ts == T0
    again.done(batch.ids)
    assert again.depth() == 1
    # Dead letters live in the same file, readable by the API's log.
    assert SQLiteDeadLetterLog(path).recent()[0].letter.reason == "not valid JSON"


def test_quota_refuses_new_readings_but_not_dead_letters(tmp_path):
    outbox = Outbox(tmp_path / "outbox.db", max_bytes=64 * 1024)
    refused = None
    for i in range(200):
        try:
            outbox.commit(readings(50, i * 50), [])
        except OutboxFullError as exc:
            refused = exc
            break
    assert refused is not None
    assert "quota 65536" in str(refused)
    with pytest.raises(OutboxFullError):
        outbox.commit(readings(1, 99_999), [])
    depth = outbox.depth()
    outbox.commit([], [DeadLetter.of(T0, "t", b"x", "why")])  # dead letters still go in
    assert outbox.depth() == depth
    while (batch := outbox.take(1000)).ids:
        outbox.done(batch.ids)
    outbox.commit(readings(5), [])  # space again once flushed
    assert outbox.depth() == 5


def test_flusher_retries_until_the_store_is_back(tmp_path):
    outbox = Outbox(tmp_path / "outbox.db")
    outbox.commit(readings(12_000), [])
    store = FlakyStore(failures=3)
    flusher = Flusher(outbox, store, GatewayMetrics(), max_backoff_s=0.05)
    stop = threading.Event()
    thread = threading.Thread(target=flusher.run, args=(stop,))
    thread.start()
    deadline = datetime.now(UTC) + timedelta(seconds=20)
    while outbox.depth() and datetime.now(UTC) < deadline:
        threading.Event().wait(0.05)
    stop.set()
    flusher.wake.set()
    thread.join(10)
    assert outbox.depth() == 0
    assert store.count("kc-main") == 12_000
    assert store.calls == 3 + 3  # three failures, then batches of 5000, 5000 and 2000


def test_a_rejected_reading_becomes_a_dead_letter_and_the_rest_is_stored(tmp_path):
    outbox = Outbox(tmp_path / "outbox.db")
    outbox.commit(readings(100), [])
    store = FlakyStore(refuse_above=598.5)  # only the last reading (599 ppm) is refused
    flusher = Flusher(outbox, store, GatewayMetrics())
    assert flusher.flush_once() == 100
    assert store.count("kc-main") == 99
    assert outbox.depth() == 0
    [stored] = outbox.dead_letters.recent()
    assert stored.letter.reason.startswith("store rejected: partial write: field type conflict")
    assert stored.letter.topic == "store:kc-main/z1/aq-01"
    assert b'"co2_ppm": 599.0' in stored.letter.payload


def test_metrics_render_in_prometheus_format(tmp_path):
    outbox = Outbox(tmp_path / "outbox.db")
    metrics = GatewayMetrics()
    metrics.watch_outbox(outbox.depth, outbox.used_bytes)
    outbox.commit(readings(7), [])
    Flusher(outbox, MemoryReadingStore(), metrics).flush_once()
    text = metrics.render().decode()
    assert "officewell_readings_stored_total 7.0" in text
    assert "officewell_outbox_depth 0.0" in text
    assert "officewell_flush_seconds_count 1.0" in text
    assert "officewell_ingest_latency_seconds_bucket" in text


def test_a_failed_outbox_write_rolls_back_and_the_outbox_keeps_working(tmp_path):
    path = tmp_path / "outbox.db"
    outbox = Outbox(path)
    outbox.commit(readings(3), [])
    # Stand in for a full disk: make deletes from pending fail inside the transaction.
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TRIGGER no_delete BEFORE DELETE ON pending BEGIN SELECT RAISE(ABORT, 'disk full'); END")
    batch = outbox.take()
    with pytest.raises(StoreUnavailableError, match="disk full"):
        outbox.done(batch.ids)
    outbox.commit(readings(2, 10), [])  # the connection is not stuck in a transaction
    assert outbox.depth() == 5
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TRIGGER no_delete")
    outbox.done(outbox.take().ids)
    assert outbox.depth() == 0
    assert outbox.used_bytes() == 0


def test_dead_letters_do_not_count_against_the_quota_and_are_capped(tmp_path):
    outbox = Outbox(tmp_path / "outbox.db", max_bytes=64 * 1024, max_dead_letters=50)
    letter = DeadLetter.of(T0, "officewell/kc-main/z1/aq-01", b"x" * 16_000, "not valid JSON")
    for _ in range(200):
        outbox.commit([], [letter] * 3)
    outbox.commit(readings(10), [])  # 9.6 MB of dead letters, yet readings still fit
    assert outbox.depth() == 10
    assert outbox.dead_letters.count() <= 50 + 3 * 100


def test_the_flusher_survives_an_unexpected_error(tmp_path):
    outbox = Outbox(tmp_path / "outbox.db")
    outbox.commit(readings(5), [])

    class Broken(MemoryReadingStore):
        calls = 0

        def write(self, batch):
            Broken.calls += 1
            if Broken.calls == 1:
                raise RuntimeError("a bug in an adapter")
            super().write(batch)

    store = Broken()
    flusher = Flusher(outbox, store, GatewayMetrics(), max_backoff_s=0.05)
    stop = threading.Event()
    thread = threading.Thread(target=flusher.run, args=(stop,))
    thread.start()
    deadline = datetime.now(UTC) + timedelta(seconds=10)
    while outbox.depth() and datetime.now(UTC) < deadline:
        threading.Event().wait(0.05)
    stop.set()
    flusher.wake.set()
    thread.join(10)
    assert store.count("kc-main") == 5


def _abort_inserts_into(path, table: str) -> None:
    """Stand in for a failure (a full disk) at one table, inside the outbox's transaction."""
    with sqlite3.connect(path) as conn:
        conn.execute(
            f"CREATE TRIGGER abort_{table} BEFORE INSERT ON {table} BEGIN SELECT RAISE(ABORT, 'disk full'); END"
        )


def _allow_inserts_into(path, table: str) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute(f"DROP TRIGGER abort_{table}")


def test_readings_and_their_dead_letters_commit_together_or_not_at_all(tmp_path):
    path = tmp_path / "outbox.db"
    outbox = Outbox(path)
    letter = DeadLetter.of(T0, "officewell/kc-main/z1/aq-01", b'{"co2_ppm": "x"}', "co2_ppm: expected a number")
    for table in ("dead_letters", "pending"):  # the letters fail after the readings went in, then the other way
        _abort_inserts_into(path, table)
        with pytest.raises(StoreUnavailableError, match="disk full"):
            outbox.commit(readings(3), [letter])
        assert (outbox.depth(), outbox.used_bytes(), outbox.dead_letters.count()) == (0, 0, 0)
        _allow_inserts_into(path, table)
    outbox.commit(readings(3), [letter])
    assert (outbox.depth(), outbox.dead_letters.count()) == (3, 1)


def test_a_rejection_keeps_its_readings_unless_their_dead_letters_are_kept(tmp_path):
    path = tmp_path / "outbox.db"
    outbox = Outbox(path)
    outbox.commit(readings(2), [])
    batch = outbox.take()
    letter = DeadLetter.of(T0, "store:kc-main/z1/aq-01", b"{}", "store rejected: field type conflict")
    _abort_inserts_into(path, "dead_letters")
    with pytest.raises(StoreUnavailableError, match="disk full"):
        outbox.reject(batch.ids, [letter])
    assert (outbox.depth(), outbox.dead_letters.count()) == (2, 0)  # nothing lost, nothing half-written
    _allow_inserts_into(path, "dead_letters")
    outbox.reject(batch.ids, [letter])
    assert (outbox.depth(), outbox.used_bytes(), outbox.dead_letters.count()) == (0, 0, 1)


def test_the_outbox_and_the_log_write_one_row_format(tmp_path):
    path = tmp_path / "outbox.db"
    outbox = Outbox(path)
    letter = DeadLetter.of(datetime(2026, 11, 24, 9, 0, tzinfo=timezone(timedelta(hours=1))), "t", b"\xff{", "why")
    outbox.commit([], [letter])
    SQLiteDeadLetterLog(path).add([letter])
    first, second = (stored.letter for stored in outbox.dead_letters.recent())
    assert first == second == DeadLetter(T0, "t", b"\xff{", "why", False, 2)


def test_invented_device_names_cannot_grow_the_state(tmp_path):
    from gateway.device_status import MAX_UNREGISTERED
    from gateway.pipeline import DeviceSeen

    outbox = Outbox(tmp_path / "outbox.db")
    now = datetime(2026, 11, 30, 20, 0, tzinfo=UTC)
    for batch in range(20):
        seen = [
            DeviceSeen("native", f"rogue-{batch}-{i}", "z1", now + timedelta(seconds=batch * 100 + i), registered=False)
            for i in range(100)
        ]
        outbox.commit([], [], seen=[*seen, DeviceSeen("native", "aq-01", "z1", now + timedelta(seconds=batch))])
    strangers = outbox.device_status.unregistered()
    assert len(strangers) == MAX_UNREGISTERED
    assert strangers[0].device == "rogue-19-99", "the most recently heard are kept"
    assert [s.device for s in outbox.device_status.all()] == ["aq-01"]
    assert outbox.device_status.all()[0].messages == 20
    outbox.close()
