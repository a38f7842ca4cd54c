"""What one request may ask for: the API's limits on periods, windows, points and pages.

Every answer is bounded before anything is read, so no query can make the server build an answer
it cannot hold. A request beyond a limit gets a 422 whose detail names the limit and what to ask
instead; the README's API section lists them all.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from fastapi import HTTPException, status

# Instants the readings routes accept (stores keep time as 64-bit nanoseconds: 1677–2262).
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2101, 1, 1, tzinfo=UTC)
# Days the goal routes accept (the tertial report's years, 2000–2100).
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)

MAX_RAW_SPAN = timedelta(days=7)  # raw points: at most a week…
MAX_POINTS = 50_000  # …and at most this many points (about 5 MB of JSON)
MAX_WINDOWS = 20_000  # windows per answer, over all its zones (about 3 MB of JSON)
MIN_WINDOW = timedelta(seconds=1)
MAX_WINDOW = timedelta(days=366)
MAX_READ = 200_000  # readings read into the server to aggregate there (occupied=true, percentiles)
MAX_PERCENTILES = 10
MAX_WEEKS = 520  # weekly answer rate: ten years of ISO weeks
MAX_PAGE = 1000  # dead letters per page

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # windows are aligned to the Unix epoch, as in the stores


def refuse(detail: str) -> HTTPException:
    """The 422 a request beyond a limit (or otherwise unprocessable) gets."""
    return HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail)


def instant(ts: datetime, name: str) -> datetime:
    """`ts` in UTC, if it has an offset and lies in the accepted range."""
    if ts.tzinfo is None:
        raise refuse(f"{name} needs a UTC offset, e.g. 2026-11-24T08:00:00Z")
    try:
        utc = ts.astimezone(UTC)
    except OverflowError:  # e.g. 9999-12-31T23:00-05:00 is past the year 9999 in UTC
        utc = None
    if utc is None or not EARLIEST <= utc <= LATEST:
        raise refuse(f"{name} {ts.isoformat()} is outside the times the API serves: {_range()}")
    return utc


def day(value: date, name: str) -> date:
    """`value`, if it lies in the days the goal routes accept."""
    if not FIRST_DAY <= value <= LAST_DAY:
        raise refuse(f"{name} {value.isoformat()} is outside the days the API serves: {FIRST_DAY} to {LAST_DAY}")
    return value


def window_count(start: datetime, stop: datetime, width: timedelta) -> int:
    """How many epoch-aligned windows of `width` hold an instant of [start, stop) (per zone)."""
    if stop <= start:
        return 0
    step = _us(width)
    return (_us(stop - _EPOCH) - 1) // step - _us(start - _EPOCH) // step + 1


def check_window(width: timedelta, text: str) -> timedelta:
    """`width`, if between MIN_WINDOW and MAX_WINDOW."""
    if not MIN_WINDOW <= width <= MAX_WINDOW:
        raise refuse(f"window {text!r}: windows are 1 s to {MAX_WINDOW.days} days (e.g. 30s, 5m, 1h, 1d)")
    return width


def check_windows(start: datetime, stop: datetime, width: timedelta, zones: int) -> None:
    """Refuse an answer of more than MAX_WINDOWS windows (zones × windows per zone)."""
    count = window_count(start, stop, width) * zones
    if count > MAX_WINDOWS:
        raise refuse(
            f"that is {count:,} windows ({zones} zones × {count // max(zones, 1):,}); an answer holds at most "
            f"{MAX_WINDOWS:,} windows: choose a wider window, a shorter period or fewer zones"
        )


def check_raw(start: datetime, stop: datetime) -> None:
    """Refuse raw points over more than MAX_RAW_SPAN."""
    if stop - start > MAX_RAW_SPAN:
        raise refuse(f"raw readings are limited to {MAX_RAW_SPAN.days} days; add a window such as 1h")


def check_points(count: int) -> None:
    """Refuse an answer of more than MAX_POINTS raw points."""
    if count > MAX_POINTS:
        raise refuse(
            f"that is {count:,} raw points; an answer holds at most {MAX_POINTS:,}: "
            "add a window such as 5m, or ask for a shorter period or fewer zones"
        )


def check_read(count: int) -> None:
    """Refuse aggregating more than MAX_READ readings in the server (the store aggregates plain windows itself)."""
    if count > MAX_READ:
        raise refuse(
            f"occupied=true and percentiles are computed from the readings themselves, at most {MAX_READ:,} "
            f"per request; this asks for {count:,}: choose a shorter period or fewer zones"
        )


def check_percentiles(count: int) -> None:
    """Refuse more than MAX_PERCENTILES percentiles."""
    if count > MAX_PERCENTILES:
        raise refuse(f"at most {MAX_PERCENTILES} percentiles per request, {count} asked")


def check_weeks(start: date, end: date) -> None:
    """Refuse a weekly answer rate over more than MAX_WEEKS weeks."""
    if (end - start).days >= MAX_WEEKS * 7:
        raise refuse(f"{start} to {end} is more than {MAX_WEEKS} weeks; ask for at most {MAX_WEEKS} weeks at a time")


def _range() -> str:
    return f"{EARLIEST:%Y-%m-%dT%H:%M:%SZ} to {LATEST:%Y-%m-%dT%H:%M:%SZ}"


def _us(span: timedelta) -> int:
    return (span.days * 86_400 + span.seconds) * 1_000_000 + span.microseconds
