"""Login throttling: failures per user and per address lock further attempts for a while; few password checks at once.

A password check (argon2id) costs 19 MB and tens of milliseconds on purpose. Without limits, guessing is
only as slow as the server, and 200 concurrent wrong logins take a gigabyte. So:

- after `user_failures` wrong passwords for one username within `window_s`, that username is locked
  (whoever asks), and after `address_failures` from one client address, that address is locked; the lock
  lasts `lock_s` and doubles with every further failure, up to `max_lock_s`; a right password clears
  the username's failures;
- at most `concurrent_checks` passwords are checked at once; a request that cannot start one within
  `wait_for_check_s` is turned away (the server is busy, not the password wrong).

The counters live in memory, bounded to `max_tracked` usernames and addresses (the oldest are forgotten),
so invented usernames cannot grow them; several server processes each keep their own.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class ThrottleRules:
    """How many failures lock what for how long, and how many password checks may run at once."""

    user_failures: int = 5
    address_failures: int = 20
    window_s: float = 15 * 60
    lock_s: float = 30.0
    max_lock_s: float = 15 * 60
    concurrent_checks: int = 4
    wait_for_check_s: float = 2.0
    max_tracked: int = 10_000


class ThrottledError(Exception):
    """A login is refused before its password is checked; `retry_after_s` says when to try again."""

    def __init__(self, reason: str, retry_after_s: float) -> None:
        """Keep the reason and the wait."""
        super().__init__(reason)
        self.reason = reason
        self.retry_after_s = retry_after_s

    @property
    def retry_after(self) -> str:
        """The Retry-After header value: whole seconds, at least 1."""
        return str(max(1, math.ceil(self.retry_after_s)))


class _Failures:
    """Recent failure times per key, for a bounded number of keys."""

    def __init__(self, limit: int, rules: ThrottleRules) -> None:
        self._limit = limit
        self._rules = rules
        self._times: OrderedDict[str, list[float]] = OrderedDict()

    def add(self, key: str, now: float) -> None:
        times = [t for t in self._times.pop(key, []) if now - t < self._rules.window_s]
        times.append(now)
        self._times[key] = times
        while len(self._times) > self._rules.max_tracked:
            self._times.popitem(last=False)

    def clear(self, key: str) -> None:
        self._times.pop(key, None)

    def locked_for(self, key: str, now: float) -> float:
        """Seconds the key stays locked (0 when it is not)."""
        times = [t for t in self._times.get(key, []) if now - t < self._rules.window_s]
        extra = len(times) - self._limit
        if extra < 0:
            return 0.0
        lock = min(self._rules.lock_s * 2**extra, self._rules.max_lock_s)
        return max(0.0, times[-1] + lock - now)


class LoginThrottle:
    """Decides whether a login attempt may have its password checked, and counts the outcomes."""

    def __init__(self, rules: ThrottleRules | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        """Start with no failures."""
        self.rules = rules or ThrottleRules()
        self._clock = clock
        self._lock = threading.Lock()
        self._users = _Failures(self.rules.user_failures, self.rules)
        self._addresses = _Failures(self.rules.address_failures, self.rules)
        self._checks = threading.BoundedSemaphore(self.rules.concurrent_checks)

    def check_allowed(self, username: str, address: str) -> None:
        """Raise ThrottledError if the username or the address is locked just now."""
        now = self._clock()
        with self._lock:
            user_wait = self._users.locked_for(_user_key(username), now)
            address_wait = self._addresses.locked_for(address, now)
        if user_wait > 0 or address_wait > 0:
            # The same words whichever is locked: the answer must not tell whether a username exists.
            raise ThrottledError("Too many failed logins: wait before trying again", max(user_wait, address_wait))

    def failed(self, username: str, address: str) -> None:
        """Count a wrong password (or an unknown username) for both."""
        now = self._clock()
        with self._lock:
            self._users.add(_user_key(username), now)
            self._addresses.add(address, now)

    def succeeded(self, username: str) -> None:
        """A right password clears the username's failures (the address keeps its count)."""
        with self._lock:
            self._users.clear(_user_key(username))

    @contextmanager
    def password_check(self) -> Iterator[None]:
        """Hold one of the few password-check slots; ThrottledError if none frees up in time."""
        if not self._checks.acquire(timeout=self.rules.wait_for_check_s):
            raise ThrottledError("The server is busy checking other logins: try again in a moment", 1.0)
        try:
            yield
        finally:
            self._checks.release()


def _user_key(username: str) -> str:
    # "Anna" and "anna " are one target of guessing, whatever the directory makes of them.
    return username.strip().casefold()[:256]
