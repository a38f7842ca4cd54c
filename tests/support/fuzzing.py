"""Schemathesis fuzzing of the API as every role: the app to fuzz, the checks, and one operation's run.

Shared by tests/api/test_schema_fuzz.py (small, seeded, in CI) and scripts/fuzz_api.py (longer runs, in
process or against a running server). The checks are stricter than schemathesis' defaults, because
api/problems.py gives every operation a `default` response (a problem), which would let any status pass:

- no 5xx, except a 503 that is a problem (a service this server has not configured answers 503 by design);
- the status is one the operation lists itself, not only through `default`;
- the content type is documented and the body validates against the schema (schemathesis' own checks);
- every 4xx and 5xx is `application/problem+json` with `type`, `title`, `status` (the response's) and `detail`;
- the role matrix holds: a role the route's door does not admit gets 403, no token at all gets 401.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import hypothesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import strategies as st
from schemathesis import Case, GenerationMode, Response
from schemathesis.core.failures import FailureGroup
from schemathesis.schemas import APIOperation, BaseSchema
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
)

from api.access import PREFIX, PUBLIC, ROUTES
from api.security import Role
from sensors.site import Site

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_MEMBERS = {"type": str, "title": str, "status": int, "detail": str}
# The clock of the fuzzed API: a Tuesday morning in February, readings cover the two days before it.
FUZZ_NOW = datetime(2026, 2, 10, 9, 30, tzinfo=UTC)
FUZZ_PASSWORD = "fuzz-tested-password"
# Operations outside /api/v1: no role matrix, no login.
UNPROTECTED = (("GET", "/healthz"), ("GET", "/metrics"))
# Errors documented as something other than a problem, on purpose; each needs its reason.
NOT_PROBLEMS = {
    # Prometheus scrapes /metrics and reads text; the schema documents this 404 as text/plain.
    ("GET", "/metrics", 404),
}
ANONYMOUS = "anonymous"
# Names the example site and the generated centre have, for parameters the schema leaves as any string.
KNOWN_GOOD: dict[str, Any] = {
    "zone": "z1",
    "zone_id": "z1",
    "quantity": "co2_ppm",
    "team": "team-1",
    "outcome": "short_term_sick_days",
    "year": 2026,
    "window": "5m",
    "item_id": 1,  # the board's first item, which fuzzing POST /board/items (run before it) creates
}
ROLE_USERS = frozenset(role.value for role in Role)  # build_fuzz_app names each role's user after it
HTTP_METHODS = frozenset({"get", "put", "post", "delete", "patch", "head", "options", "trace"})


def operations() -> list[tuple[str, str]]:
    """Every operation the API serves in its schema (method, full path): the role matrix, login, health."""
    found = {(m, PREFIX + p) for m, p in ROUTES} | {(m, PREFIX + p) for m, p in PUBLIC} | set(UNPROTECTED)
    return sorted(found, key=lambda op: (op[1], op[0]))


def door_roles(method: str, path: str) -> frozenset[Role] | None:
    """The roles the role matrix admits to an operation; None for an operation that needs no login."""
    door = ROUTES.get((method, path.removeprefix(PREFIX)))
    return door.roles if door is not None else None


# -- the app ---------------------------------------------------------------------------------------------


@dataclass
class FuzzApp:
    """An API on real SQLite stores with a generated centre, and a bearer header per role."""

    app: Any
    headers: dict[str, dict[str, str]]  # role name -> Authorization header; "anonymous" -> none
    close: Callable[[], None]


def build_fuzz_app(site: Site, directory: Path, *, analyse: bool = False, forecast_draws: int | None = None) -> FuzzApp:
    """The field_api fixture's API (tests/api/conftest.py), built in `directory` for fuzzing to write to.

    Fuzzing writes (users, tokens, board items, imports), so it gets stores of its own. A role's user is
    named after the role and protected from the fuzzer by `protect_principals`. Without `analyse` the
    evidence routes, and without `forecast_draws` the forecast's, answer 503 (not configured); the
    backtest, which runs for minutes in the background, is never configured.
    """
    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.deps import Services
    from api.tokens import TokenSigner
    from api.users import MemoryUserDirectory
    from gateway.deadletter import DeadLetter
    from gateway.deadletter_log import SQLiteDeadLetterLog
    from gateway.device_status import SQLiteDeviceStatus
    from gateway.stores.sqlite import SQLiteReadingStore
    from records.importers import import_file
    from records.store import RecordsStore
    from sensors.reading import Reading
    from synthetic.centre import GeneratorConfig, generate_centre

    store = SQLiteReadingStore(directory / "readings.db")
    store.write(
        [
            Reading(site.id, zone, f"aq-0{n}", FUZZ_NOW - timedelta(minutes=5 * k), {"co2_ppm": 500.0 + k})
            for n, zone in enumerate(("z1", "z2", "z3"), start=1)
            for k in range(1, 2 * 288)
        ]
    )
    letters = SQLiteDeadLetterLog(directory / "state.db")
    letters.add([DeadLetter.of(FUZZ_NOW, "officewell/kc-main/z1/aq-01", b"{", f"not valid JSON {n}") for n in range(3)])
    centre = generate_centre(site, date(2026, 1, 1), date(2026, 2, 9), seed=3, config=GeneratorConfig().quick())
    files = centre.write_csv(directory / "centre")
    records = RecordsStore.open(f"sqlite:///{directory / 'records.db'}", "f" * 40)
    for kind in ("staff", "absences", "calls", "nki"):
        import_file(records, kind, files[kind], site=site)
    users = MemoryUserDirectory()
    for role in Role:
        users.add(role.value, role, FUZZ_PASSWORD)
    services = Services(
        site,
        store,
        letters,
        users,
        TokenSigner("f" * 40),
        device_status=SQLiteDeviceStatus(directory / "state.db"),
        records=records,
        now=lambda: FUZZ_NOW,
    )
    if analyse or forecast_draws:
        from officewell.settings import Settings
        from officewell.wiring import analysis_of, forecast_of

        settings = Settings.model_validate({"forecast_draws": forecast_draws} if forecast_draws else {})
        services.analyse = analysis_of(settings, site, store, records) if analyse else None
        services.forecast = forecast_of(settings, site, records) if forecast_draws else None
    app = create_app(services)
    headers: dict[str, dict[str, str]] = {ANONYMOUS: {}}
    client = TestClient(app)  # not entered: the lifespan (the warm-up) starts once, with schemathesis' first call
    for role in Role:
        answer = client.post(f"{PREFIX}/auth/token", data={"username": role.value, "password": FUZZ_PASSWORD})
        answer.raise_for_status()
        headers[role.value] = {"Authorization": f"Bearer {answer.json()['access_token']}"}
    client.close()

    def close() -> None:
        store.close()
        records.close()

    return FuzzApp(app, headers, close)


# -- the checks ------------------------------------------------------------------------------------------


def _content_type(response: Response) -> str:
    values = response.headers.get("content-type") or [""]
    return values[0].split(";")[0].strip().lower()


def _problem_members(response: Response) -> list[str]:
    """What is wrong with a problem's body: missing or mistyped members, a status that is not the response's."""
    try:
        body = json.loads(response.content)
    except ValueError:
        return ["the body is not JSON"]
    if not isinstance(body, dict):
        return ["the body is not a JSON object"]
    wrong = [f"`{name}` missing or not a {kind.__name__}" for name, kind in PROBLEM_MEMBERS.items()
             if not isinstance(body.get(name), kind)]  # fmt: skip
    if isinstance(body.get("status"), int) and body["status"] != response.status_code:
        wrong.append(f"`status` is {body['status']}, the response's {response.status_code}")
    return wrong


def _is_problem(response: Response) -> bool:
    return _content_type(response) == PROBLEM_MEDIA_TYPE and not _problem_members(response)


def no_server_error(ctx: Any, response: Response, case: Case) -> bool | None:
    """No 5xx, except a 503 problem: a service this server has not configured answers so by design."""
    if response.status_code >= 500 and not (response.status_code == 503 and _is_problem(response)):
        raise AssertionError(f"Server error {response.status_code}: {response.content[:300]!r}")
    return None


def documented_status(ctx: Any, response: Response, case: Case) -> bool | None:
    """The status is listed by the operation itself: `default` (any problem, api/problems.py) does not count."""
    listed = [code for code in case.operation.responses.status_codes if code != "default"]
    code = str(response.status_code)
    if not any(c == code or (c[1:].upper() == "XX" and c[0] == code[0]) for c in listed):
        raise AssertionError(f"Undocumented status {code}; the operation lists {', '.join(listed)}")
    return None


def problem_details(ctx: Any, response: Response, case: Case) -> bool | None:
    """Every 4xx and 5xx is application/problem+json with type, title, status and detail (RFC 9457)."""
    if response.status_code < 400:
        return None
    if (case.operation.method.upper(), case.operation.path, response.status_code) in NOT_PROBLEMS:
        return None
    kind = _content_type(response)
    if kind != PROBLEM_MEDIA_TYPE:
        raise AssertionError(
            f"{response.status_code} answered as {kind or 'no content type'}, not {PROBLEM_MEDIA_TYPE}"
        )
    wrong = _problem_members(response)
    if wrong:
        raise AssertionError(f"{response.status_code} is not a problem: " + "; ".join(wrong))
    return None


def role_matrix(role: str) -> Callable[[Any, Response, Case], bool | None]:
    """The check that `role` gets 401 (no token) or 403 (a door it may not pass) where the matrix says so."""

    def check(ctx: Any, response: Response, case: Case) -> bool | None:
        roles = door_roles(case.operation.method.upper(), case.operation.path)
        if roles is None:
            return None
        if _before_login(response):
            return None
        if role == ANONYMOUS and response.status_code != 401:
            raise AssertionError(f"No token, yet {response.status_code} instead of 401")
        if role != ANONYMOUS and Role(role) not in roles and response.status_code != 403:
            raise AssertionError(f"The role {role!r} is not admitted, yet got {response.status_code} instead of 403")
        return None

    check.__name__ = "role_matrix"
    return check


def _before_login(response: Response) -> bool:
    """Whether the answer came before any login was asked for: FastAPI reads the body before the dependencies.

    The body limit (413) answers before a route is chosen; a body that cannot be decoded is a 400, and one
    that is not JSON a 422 naming only the body, both before the route's dependencies (the login) run.
    """
    if response.status_code in (400, 413):
        return True
    if response.status_code != 422:
        return False
    try:
        errors = json.loads(response.content).get("errors") or []
    except (ValueError, AttributeError):
        return False
    return bool(errors) and all(error.get("in") == "body" for error in errors)


SCHEMA_CHECKS = (content_type_conformance, response_schema_conformance, response_headers_conformance)


def checks_for(role: str) -> list[Callable[[Any, Response, Case], bool | None]]:
    """Every check a response as `role` must pass."""
    return [no_server_error, documented_status, *SCHEMA_CHECKS, problem_details, role_matrix(role)]


# -- one operation's run --------------------------------------------------------------------------------


def protect_principals(case: Case, usernames: frozenset[str]) -> None:
    """Keep the fuzzer off the users whose tokens the run acts with: a new role or password would end them."""
    name = case.path_parameters.get("username") if case.path_parameters else None
    if isinstance(name, str) and name in usernames:
        case.path_parameters["username"] = f"fuzz-{name}"


@dataclass
class Failure:
    """One failed case: which operation, as whom, the request and what the checks said."""

    operation: str
    role: str
    request: str
    message: str


@dataclass
class Tally:
    """What a run did: calls and failures per (operation, role)."""

    calls: dict[tuple[str, str], int] = field(default_factory=dict)
    statuses: dict[str, Counter[int]] = field(default_factory=dict)  # operation -> status -> answers
    failures: list[Failure] = field(default_factory=list)
    # Cases valid by the schema that the API refused with 422: constraints the schema does not declare.
    refused_valid: Counter[tuple[str, str]] = field(default_factory=Counter)
    seconds: float = 0.0

    def count(self, operation: str, role: str, case: Case, response: Response) -> None:
        """One more call of `operation` as `role`, and what it was answered."""
        self.calls[(operation, role)] = self.calls.get((operation, role), 0) + 1
        self.statuses.setdefault(operation, Counter())[response.status_code] += 1
        positive = case.meta is not None and case.meta.generation.mode is GenerationMode.POSITIVE
        if positive and response.status_code == 422 and not _before_login(response):
            try:
                detail = str(json.loads(response.content).get("detail", ""))
            except (ValueError, AttributeError):
                detail = ""
            # Values vary from case to case; what was refused, and why, does not.
            self.refused_valid[(operation, re.sub(r"'[^']*'|\d+", "…", detail)[:160])] += 1


def strategy(operation: APIOperation) -> st.SearchStrategy[Case]:
    """Valid and invalid cases of an operation, and valid ones with known names where it takes a zone or the like.

    The schema declares zones, quantities, teams and years as bare strings and integers, so a valid case
    almost never names one the site has and is refused (422) before the route does its work; a third of the
    cases name real ones, so the answers of the routes' real work are checked too.
    """
    modes = [operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)]
    path = {p.name: KNOWN_GOOD[p.name] for p in operation.path_parameters if p.name in KNOWN_GOOD}
    query = {p.name: KNOWN_GOOD[p.name] for p in operation.query if p.name in KNOWN_GOOD}
    if path or query:
        modes.append(operation.as_strategy(GenerationMode.POSITIVE, path_parameters=path, query=query))
    return st.one_of(modes)


def fuzz_settings(max_examples: int, *, derandomize: bool = True) -> hypothesis.settings:
    """Small, reproducible runs: no deadline, no example database, no complaint about a slow generator."""
    return hypothesis.settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=derandomize,
        database=None,
        phases=(Phase.explicit, Phase.generate),  # no shrinking: the failing request is reported as sent
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
        print_blob=False,
    )


def fuzz_operation(
    schema: BaseSchema,
    method: str,
    path: str,
    role: str,
    headers: Mapping[str, str],
    max_examples: int,
    tally: Tally,
    *,
    raise_first: bool = True,
    seed: int | None = None,
    protected: frozenset[str] = ROLE_USERS,
    tolerated: Collection[tuple[str, str, int]] = (),
) -> None:
    """Fuzz one operation as `role`; raise at the first failure (pytest) or collect them all in `tally`.

    A role the matrix refuses gets a quarter of the examples: every answer is the same 401 or 403 before
    any parameter is read. Without a `seed` the run is derandomized (the same cases every run); the
    `protected` users are the ones the run's tokens belong to. An answer whose (method, path, status) is
    `tolerated` — a known gap of the schema, checked on its own — skips the schema's checks, not the others.
    """
    operation = schema[path][method]
    roles = door_roles(method, path)
    refused = roles is not None and (role == ANONYMOUS or Role(role) not in roles)
    examples = max(2, max_examples // 4) if refused else max_examples
    checks = checks_for(role)
    relaxed = [no_server_error, problem_details, role_matrix(role)]
    label = f"{method} {path}"

    @fuzz_settings(examples, derandomize=seed is None)
    @given(case=strategy(operation))
    def run(case: Case) -> None:
        protect_principals(case, protected)
        response = case.call(headers=dict(headers))
        tally.count(label, role, case, response)
        known_gap = (method, path, response.status_code) in tolerated
        try:
            case.validate_response(response, checks=relaxed if known_gap else checks, headers=dict(headers))
        except (Exception, FailureGroup) as exc:  # a FailureGroup is a BaseExceptionGroup: not an Exception
            if raise_first:
                raise
            tally.failures.append(Failure(label, role, case.as_curl_command(headers=dict(headers)), str(exc)))

    if seed is not None:
        run = hypothesis.seed(seed)(run)
    started = time.perf_counter()
    try:
        run()
    finally:
        tally.seconds += time.perf_counter() - started


@contextmanager
def lifespans_stopped() -> Iterator[None]:
    """Stop the apps' lifespans schemathesis started for in-process calls, at the end, before their stores close."""
    from schemathesis.python import asgi

    try:
        yield
    finally:
        asgi.shutdown_lifespans()
