"""Login under attack: throttling per user and address, bounded password checks, revocation, no caching, size limits."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.deps import Services
from api.security import Principal, Role
from api.throttle import LoginThrottle, ThrottledError, ThrottleRules
from api.tokens import TokenSigner
from api.users import MemoryUserDirectory
from gateway.deadletter_log import MemoryDeadLetterLog
from gateway.stores import MemoryReadingStore
from tests.conftest import ServerThread

PASSWORD = "the-right-password-42"


class Clock:
    """A hand-moved monotonic clock for the throttle."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class CountingDirectory(MemoryUserDirectory):
    """The directory's in-memory fake, counting how many password checks run at the same time."""

    def __init__(self) -> None:
        super().__init__()
        self._guard = threading.Lock()
        self.running = 0
        self.peak = 0

    def authenticate(self, username: str, password: str) -> Principal | None:
        with self._guard:
            self.running += 1
            self.peak = max(self.peak, self.running)
        try:
            return super().authenticate(username, password)
        finally:
            with self._guard:
                self.running -= 1


def make_services(example_site, users=None, throttle=None) -> Services:
    users = users or MemoryUserDirectory()
    users.add("anna", Role.HR, PASSWORD)
    return Services(
        example_site,
        MemoryReadingStore(),
        MemoryDeadLetterLog(),
        users,
        TokenSigner("8f2c1e9a7b3d5f40c6e2a9b1d7f3e5c8"),
        login_throttle=throttle or LoginThrottle(),
    )


def post_login(client, username: str, password: str, address: str = "testclient"):
    return client.post("/api/v1/auth/token", data={"username": username, "password": password})


def test_five_wrong_passwords_lock_the_user_even_against_the_right_one(example_site):
    clock = Clock()
    services = make_services(example_site, throttle=LoginThrottle(ThrottleRules(lock_s=30), clock=clock))
    client = TestClient(create_app(services))
    for _ in range(5):
        assert post_login(client, "anna", "guess").status_code == 401
    locked = post_login(client, "anna", PASSWORD)
    assert locked.status_code == 429
    assert locked.headers["Retry-After"] == "30"
    assert "Too many failed logins" in locked.json()["detail"]
    assert post_login(client, "Anna ", PASSWORD).status_code == 429, "spelling variants are one target"
    clock.now += 31
    assert post_login(client, "anna", PASSWORD).status_code == 200
    for _ in range(5):
        post_login(client, "anna", "guess")
    assert post_login(client, "anna", "guess").status_code == 429
    clock.now += 31
    assert post_login(client, "anna", "guess").status_code == 401
    again = post_login(client, "anna", PASSWORD)
    assert again.status_code == 429, "each failure beyond the limit doubles the lock"
    assert again.headers["Retry-After"] == "60"


def test_an_unknown_user_is_locked_the_same_way(example_site):
    client = TestClient(create_app(make_services(example_site)))
    answers = [post_login(client, "nobody", "guess") for _ in range(6)]
    assert [a.status_code for a in answers] == [401] * 5 + [429]
    assert answers[-1].json()["detail"] == "Too many failed logins: wait before trying again"


def test_one_address_trying_many_names_is_locked(example_site):
    client = TestClient(create_app(make_services(example_site)))
    codes = [post_login(client, f"user-{i}", "guess").status_code for i in range(21)]
    assert codes == [401] * 20 + [429]
    assert post_login(client, "anna", PASSWORD).status_code == 429, "the address is locked for every name"


def test_invented_names_do_not_grow_the_throttle_without_bound():
    clock = Clock()
    throttle = LoginThrottle(ThrottleRules(max_tracked=100, address_failures=10**9), clock=clock)
    for i in range(5000):
        throttle.failed(f"invented-{i}", "10.0.0.1")
    assert len(throttle._users._times) == 100


def test_password_checks_are_bounded():
    throttle = LoginThrottle(ThrottleRules(concurrent_checks=2, wait_for_check_s=0.05))
    with throttle.password_check(), throttle.password_check():
        started = time.monotonic()
        with pytest.raises(ThrottledError, match="busy"), throttle.password_check():
            pass
        assert time.monotonic() - started < 1
    with throttle.password_check():
        pass  # the slots are free again


def test_concurrent_logins_check_few_passwords_at_once(example_site):
    users = CountingDirectory()
    rules = ThrottleRules(concurrent_checks=3, wait_for_check_s=30, user_failures=10**6, address_failures=10**6)
    server = ServerThread(create_app(make_services(example_site, users, LoginThrottle(rules)))).start()
    try:

        def attempt(i: int) -> int:
            with httpx.Client(base_url=server.url, timeout=60) as client:
                return client.post("/api/v1/auth/token", data={"username": "anna", "password": f"g{i}"}).status_code

        with ThreadPoolExecutor(max_workers=40) as pool:
            codes = list(pool.map(attempt, range(40)))
    finally:
        server.stop()
    assert codes == [401] * 40
    assert users.peak <= 3
    assert users.peak >= 2, "the requests did overlap"


def test_a_new_password_ends_the_old_tokens(example_site):
    users = MemoryUserDirectory()
    services = make_services(example_site, users)
    client = TestClient(create_app(services))
    token = post_login(client, "anna", PASSWORD).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    users.add("anna", Role.HR, "a-brand-new-password-7")
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    fresh = post_login(client, "anna", "a-brand-new-password-7").json()["access_token"]
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {fresh}"}).status_code == 200


def test_the_token_response_is_not_cached(example_site):
    client = TestClient(create_app(make_services(example_site)))
    response = post_login(client, "anna", PASSWORD)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Pragma"] == "no-cache"


def test_a_huge_login_body_is_refused_before_it_is_read(example_site):
    server = ServerThread(create_app(make_services(example_site))).start()
    try:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            files = {"file": ("big.bin", b"x" * (5 << 20))}
            declared = client.post("/api/v1/auth/token", data={"username": "anna", "password": "x"}, files=files)
            assert declared.status_code == 413
            assert declared.json()["detail"] == "The request body is larger than this route takes (16 KiB)"
            assert declared.headers["content-type"] == "application/problem+json"

            def chunks():
                for _ in range(100):
                    yield b"username=anna&password=" + b"x" * 4096

            streamed = client.post(
                "/api/v1/auth/token",
                content=chunks(),
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
            assert streamed.status_code == 413
            assert "multipart" not in streamed.text
            assert "tmp" not in streamed.text
            ok = client.post("/api/v1/auth/token", data={"username": "anna", "password": PASSWORD})
            assert ok.status_code == 200
    finally:
        server.stop()
