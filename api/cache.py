"""What the API keeps between requests: figures that change slowly, so that a page's calls stay fast.

- `Refreshed`: a value computed from the stores that may be a little old (sensor health's 7-day CO2
  baseline, its 2-hour flat lines). Computed on first use, kept for its time to live; after that the
  next caller still gets the kept value while one background thread computes the new one.
- `GoalFigures`: the goal routes' calls per local day and team (per year), their NKI rows and their
  answers, kept until the records' data version changes (RecordsStore.data_version): they change only when a file
  is imported, which another process may do.
- `AnalysisFigures`: the analysis (models.analysis) of each period asked for: recomputed when a file
  was imported since; after `ttl` (new readings) served as it is while one is recomputed behind.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Generic, TypeVar
from zoneinfo import ZoneInfo

import pandas as pd

from models.goals import daily_calls
from records.store import RecordsStore

if TYPE_CHECKING:  # the analysis loads with the first evidence request, not with the API
    from models.analysis import Analysis, Period

log = logging.getLogger(__name__)

T = TypeVar("T")


class Refreshed(Generic[T]):
    """A value of `compute(now)` kept for `ttl`; older (up to `stale_for`), it is served while refreshed behind.

    One computation runs at a time: a caller that finds none kept waits for the one under way (the
    warm-up's, say) rather than starting its own.
    """

    def __init__(self, compute: Callable[[datetime], T], ttl: timedelta, stale_for: timedelta, name: str) -> None:
        """Compute with `compute`; keep for `ttl`; serve up to `stale_for` old while a refresh runs."""
        self._compute = compute
        self._ttl = ttl
        self._stale_for = stale_for
        self._name = name
        self._changed = threading.Condition()
        self._value: tuple[datetime, T] | None = None
        self._computing = False
        self._thread: threading.Thread | None = None

    def get(self, now: datetime) -> T:
        """The value as of `now`, or at most `stale_for` older while a newer one is computed."""
        with self._changed:
            while True:
                kept = self._value
                age = None if kept is None else now - kept[0]
                if kept is not None and age is not None and timedelta(0) <= age <= self._ttl:
                    return kept[1]
                if kept is not None and age is not None and timedelta(0) <= age <= self._stale_for:
                    self._start(now)
                    return kept[1]
                if not self._computing:
                    # Nothing kept (or far too old, or the clock went back): compute now, in this request.
                    self._computing = True
                    break
                self._changed.wait()
        return self._run(now, background=False)  # type: ignore[return-value]

    def join(self, timeout_s: float) -> None:
        """Wait for a background computation under way (before the stores it reads are closed)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout_s)

    def _start(self, now: datetime) -> None:
        """Start one background computation (the caller holds the lock)."""
        if not self._computing:
            self._computing = True
            self._thread = threading.Thread(
                target=self._run, args=(now, True), name=f"refresh-{self._name}", daemon=True
            )
            self._thread.start()

    def _run(self, now: datetime, background: bool) -> T | None:
        value: T | None = None
        try:
            value = self._compute(now)
        except Exception:
            if not background:
                raise
            # A background refresh must not die silently, nor take the kept value along.
            log.exception("refreshing %s failed; the previous value is kept", self._name)
        finally:
            with self._changed:
                if value is not None:
                    self._value = (now, value)
                self._computing = False
                self._changed.notify_all()
        return value


class GoalFigures:
    """The goal routes' inputs and answers, valid until the records' data version changes."""

    def __init__(self, max_answers: int = 64) -> None:
        """Keep at most `max_answers` answers (the most recently used)."""
        self._lock = threading.Lock()  # guards the dicts
        self._loading = threading.Lock()  # one read of the records store at a time: parallel calls share it
        self._stamp: int | None = None
        self._years: dict[tuple[str, int], pd.DataFrame] = {}
        self._nki: pd.DataFrame | None = None
        self._answers: OrderedDict[Hashable, object] = OrderedDict()
        self._max_answers = max_answers

    def answer(self, records: RecordsStore, key: Hashable, compute: Callable[[], T]) -> T:
        """The answer kept under `key` since the last import, else `compute()`'s (kept)."""
        stamp = self._check(records)
        with self._lock:
            if (stamp, key) in self._answers:
                self._answers.move_to_end((stamp, key))
                kept: T = self._answers[(stamp, key)]  # type: ignore[assignment]
                return kept
        value = compute()
        with self._lock:
            if stamp == self._stamp:  # not if a file came in meanwhile: the answer may predate it
                self._answers[(stamp, key)] = value
                while len(self._answers) > self._max_answers:
                    self._answers.popitem(last=False)
        return value

    def calls(self, records: RecordsStore, tz: str, first: date, last: date) -> pd.DataFrame:
        """The calls of local days first..last, summed per day and team (models.goals.daily_calls)."""
        stamp = self._check(records)
        years = [self._year(records, stamp, tz, year) for year in range(first.year, last.year + 1)]
        frame = pd.concat(years, ignore_index=True) if len(years) > 1 else years[0]
        zone = ZoneInfo(tz)
        lo = pd.Timestamp(datetime.combine(first, time(), zone))
        hi = pd.Timestamp(datetime.combine(last + timedelta(days=1), time(), zone))
        return frame[(frame["interval_start"] >= lo) & (frame["interval_start"] < hi)].reset_index(drop=True)

    def nki(self, records: RecordsStore) -> pd.DataFrame:
        """Every NKI row of the records store."""
        stamp = self._check(records)
        with self._loading:
            with self._lock:
                if self._nki is not None and stamp == self._stamp:
                    return self._nki
            frame = records.nki_frame()
            with self._lock:
                if stamp == self._stamp:
                    self._nki = frame
            return frame

    def _year(self, records: RecordsStore, stamp: int | None, tz: str, year: int) -> pd.DataFrame:
        # One year of intervals at a time: some 400 000 rows for a dozen teams, summed to a few thousand.
        with self._loading:
            with self._lock:
                if (tz, year) in self._years and stamp == self._stamp:
                    return self._years[(tz, year)]
            zone = ZoneInfo(tz)
            start = datetime.combine(date(year, 1, 1), time(), zone)
            stop = datetime.combine(date(year + 1, 1, 1), time(), zone)
            frame = daily_calls(records.calls_frame(start, stop), tz)
            with self._lock:
                if stamp == self._stamp:
                    self._years[(tz, year)] = frame
            return frame

    def _check(self, records: RecordsStore) -> int | None:
        """The records' data version; everything kept is forgotten when a file came in (or rows were erased) since."""
        stamp = records.data_version()
        with self._lock:
            if stamp != self._stamp:
                self._stamp = stamp
                self._years.clear()
                self._nki = None
                self._answers.clear()
        return stamp


class AnalysisFigures:
    """Each period's analysis with the time it was computed: one computation at a time, the last few kept.

    A file imported, a person erased, a purge or a board edit since (the records' data version changed)
    makes a kept analysis useless:
    the next caller computes a new one and waits for it. One merely older than `ttl` (readings came in
    since) is served while a background thread computes its successor.
    """

    def __init__(self, ttl: timedelta = timedelta(hours=6), max_periods: int = 4) -> None:
        """Keep at most `max_periods` analyses, each fresh for `ttl`."""
        self._ttl = ttl
        self._max = max_periods
        self._lock = threading.Lock()  # guards the dict
        self._computing = threading.Lock()  # analyses are heavy: one at a time, and never twice the same
        self._kept: OrderedDict[Period, tuple[int | None, datetime, Analysis]] = OrderedDict()
        self._thread: threading.Thread | None = None

    def get(
        self, records: RecordsStore, period: Period, compute: Callable[[Period], Analysis], now: datetime
    ) -> tuple[datetime, Analysis]:
        """The analysis of `period` and when it was computed (computing it if none since the last import)."""
        stamp = records.data_version()
        kept = self._fresh(period, stamp)
        if kept is not None:
            if now - kept[0] > self._ttl:
                self._refresh_behind(records, period, compute, now)
            return kept
        with self._computing:
            kept = self._fresh(period, stamp)  # another caller may have computed it meanwhile
            if kept is not None:
                return kept
            return self._compute(stamp, period, compute, now)

    def join(self, timeout_s: float) -> None:
        """Wait for a background computation under way."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout_s)

    def _fresh(self, period: Period, stamp: int | None) -> tuple[datetime, Analysis] | None:
        with self._lock:
            kept = self._kept.get(period)
            if kept is None or kept[0] != stamp:
                return None
            self._kept.move_to_end(period)
            return kept[1], kept[2]

    def _compute(
        self, stamp: int | None, period: Period, compute: Callable[[Period], Analysis], now: datetime
    ) -> tuple[datetime, Analysis]:
        analysis = compute(period)
        with self._lock:
            self._kept[period] = (stamp, now, analysis)
            self._kept.move_to_end(period)
            while len(self._kept) > self._max:
                self._kept.popitem(last=False)
        return now, analysis

    def _refresh_behind(
        self, records: RecordsStore, period: Period, compute: Callable[[Period], Analysis], now: datetime
    ) -> None:
        if not self._computing.acquire(blocking=False):
            return  # one is under way already

        def run() -> None:
            try:
                self._compute(records.data_version(), period, compute, now)
            except Exception:
                log.exception("refreshing the analysis of %s failed; the previous one is kept", period)
            finally:
                self._computing.release()

        self._thread = threading.Thread(target=run, name="refresh-analysis", daemon=True)
        self._thread.start()


class ForecastFigures:
    """Forecasts kept per request (as-of day, weeks, scenarios) until the records' data version changes.

    A forecast takes seconds (thousands of Monte Carlo draws): one is computed at a time, the last few
    kept; a kept one is served at once, never behind a computation under way.
    """

    def __init__(self, max_kept: int = 16) -> None:
        """Keep at most `max_kept` forecasts."""
        self._max = max_kept
        self._lock = threading.Lock()  # guards the dict
        self._computing = threading.Lock()  # forecasts are heavy: one at a time
        self._kept: OrderedDict[Hashable, tuple[datetime, object]] = OrderedDict()

    def get(self, records: RecordsStore, key: Hashable, compute: Callable[[], T], now: datetime) -> tuple[datetime, T]:
        """The forecast under `key` since the last import, else `compute()`'s (kept), with when it was made."""
        full = (records.data_version(), key)
        kept = self._kept_value(full)
        if kept is not None:
            return kept  # type: ignore[return-value]
        with self._computing:
            kept = self._kept_value(full)  # another caller may have computed it meanwhile
            if kept is not None:
                return kept  # type: ignore[return-value]
            value = compute()
            with self._lock:
                self._kept[full] = (now, value)
                while len(self._kept) > self._max:
                    self._kept.popitem(last=False)
            return now, value

    def _kept_value(self, full: Hashable) -> tuple[datetime, object] | None:
        with self._lock:
            if full not in self._kept:
                return None
            self._kept.move_to_end(full)
            return self._kept[full]


class Job(Generic[T]):
    """Long computations (backtests) run in the background, one at a time; results kept per key.

    A failure is kept for `retry_after` from the first poll that hears of it (every poll in that time
    does), then the next poll tries again.
    """

    def __init__(self, name: str, max_kept: int = 4, retry_after: timedelta = timedelta(minutes=1)) -> None:
        """A job called `name` (its thread's name) keeping `max_kept` results."""
        self._name = name
        self._max = max_kept
        self._retry_after = retry_after
        self._lock = threading.Lock()
        self._done: OrderedDict[Hashable, tuple[datetime, T]] = OrderedDict()
        self._failed: dict[Hashable, tuple[datetime | None, Exception]] = {}
        self._running: tuple[Hashable, datetime] | None = None
        self._thread: threading.Thread | None = None

    def poll(
        self, key: Hashable, compute: Callable[[], T], now: datetime
    ) -> tuple[str, datetime, T | Exception | None]:
        """("done", when, result), ("failed", when, error) or ("running", since, None); starts the run if none is."""
        with self._lock:
            if key in self._done:
                self._done.move_to_end(key)
                when, value = self._done[key]
                return "done", when, value
            failed = self._failed.get(key)
            if failed is not None and failed[0] is None:
                self._failed[key] = (now, failed[1])  # the window starts when someone hears of it
                return "failed", now, failed[1]
            if failed is not None and failed[0] is not None and timedelta(0) <= now - failed[0] <= self._retry_after:
                return "failed", failed[0], failed[1]
            if self._running is not None:
                running_key, since = self._running
                # Another key's run finishes first (one at a time); this key is started by a later poll.
                return "running", since if running_key == key else now, None
            self._failed.pop(key, None)
            self._running = (key, now)
            self._thread = threading.Thread(target=self._run, args=(key, compute, now), name=self._name, daemon=True)
            self._thread.start()
            return "running", now, None

    def join(self, timeout_s: float) -> None:
        """Wait for a run under way."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout_s)

    def _run(self, key: Hashable, compute: Callable[[], T], now: datetime) -> None:
        try:
            value = compute()
        except Exception as exc:
            log.warning("%s failed: %s", self._name, exc)
            with self._lock:
                self._failed[key] = (None, exc)
            return
        else:
            with self._lock:
                self._done[key] = (now, value)
                while len(self._done) > self._max:
                    self._done.popitem(last=False)
        finally:
            with self._lock:
                self._running = None  # also after a BaseException: the next poll may start again


KEPT_VALUES = 64


class Caches:
    """Everything the API keeps between requests, held by its Services."""

    def __init__(self) -> None:
        """Start empty."""
        self.goals = GoalFigures()
        self.analyses = AnalysisFigures()
        self.forecasts = ForecastFigures()
        self.backtests: Job[object] = Job("forecast-backtest")
        self._refreshed: dict[str, Refreshed[object]] = {}
        self._lock = threading.Lock()
        self._kept: dict[tuple[object, ...], object] = {}

    def kept(self, key: tuple[object, ...], compute: Callable[[], T]) -> T:
        """A small value computed once per `key` (which should hold the records' data version); a few are kept."""
        with self._lock:
            if key in self._kept:
                return self._kept[key]  # type: ignore[return-value]
        value = compute()
        with self._lock:
            if len(self._kept) >= KEPT_VALUES:
                self._kept.pop(next(iter(self._kept)))
            self._kept[key] = value
        return value

    def join(self, timeout_s: float) -> None:
        """Wait for the background refreshes under way, each up to `timeout_s`."""
        with self._lock:
            values = list(self._refreshed.values())
        for value in values:
            value.join(timeout_s)
        self.analyses.join(timeout_s)
        self.backtests.join(timeout_s)

    def refreshed(
        self, name: str, compute: Callable[[datetime], T], ttl: timedelta, stale_for: timedelta
    ) -> Refreshed[T]:
        """The Refreshed value called `name`, made with these arguments on first use."""
        with self._lock:
            if name not in self._refreshed:
                self._refreshed[name] = Refreshed(compute, ttl, stale_for, name)
            found: Refreshed[T] = self._refreshed[name]  # type: ignore[assignment]
            return found
