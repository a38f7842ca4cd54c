"""Fuzz the API with schemathesis, every operation as every role, longer than CI does; print a summary.

The checks are tests/api/test_schema_fuzz.py's (tests/support/fuzzing.py): no 5xx but a 503 problem, the
status listed by the operation, content type and body as documented, every error a problem (RFC 9457),
the role matrix (401 without a token, 403 for a role the route does not admit). Failures are collected,
not stopped at, and printed once per operation and message with a curl command to reproduce.

In process (default): the API of the test module on real SQLite stores with a generated centre, in a
temporary directory, with the evidence's analysis (`--no-models` to leave it and the forecast out: then
they answer 503). Against a running server: `--url` with one login per role (`--login ROLE:USER:PASSWORD`,
or `--demo-json` of `officewell demo`). The fuzzer writes — users, tokens, board items, imports — so
point it at a throwaway server, never at one with data that matters.

    .venv/bin/python scripts/fuzz_api.py [--max-examples 100] [--seed N] [--roles admin,hr] [--path readings]
    .venv/bin/python scripts/fuzz_api.py --demo-json officewell-demo/demo.json
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import re
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import schemathesis  # noqa: E402
from schemathesis.schemas import BaseSchema  # noqa: E402

from api.access import PREFIX  # noqa: E402
from api.security import Role  # noqa: E402
from tests.support.fuzzing import (  # noqa: E402
    ANONYMOUS,
    ROLE_USERS,
    Tally,
    build_fuzz_app,
    fuzz_operation,
    lifespans_stopped,
    operations,
)

SITE = ROOT / "examples" / "site.toml"
# What a run fuzzes: the schema, a bearer header per role, and the users the run's tokens belong to.
Source = tuple[BaseSchema, dict[str, dict[str, str]], frozenset[str]]


@contextmanager
def in_process(models: bool) -> Iterator[Source]:
    """The test module's app in a temporary directory: its schema, a header per role, the users to protect."""
    from sensors.site import load_site

    with tempfile.TemporaryDirectory(prefix="officewell-fuzz-") as tmp, lifespans_stopped():
        built = build_fuzz_app(load_site(SITE), Path(tmp), analyse=models, forecast_draws=100 if models else None)
        try:
            schema = schemathesis.openapi.from_asgi("/openapi.json", built.app)
            yield schema, built.headers, ROLE_USERS
        finally:
            built.close()


@contextmanager
def remote(url: str, logins: dict[str, tuple[str, str]]) -> Iterator[Source]:
    """A running server: its schema, a header per role (by logging in once each), the users to protect."""
    headers: dict[str, dict[str, str]] = {ANONYMOUS: {}}
    with httpx.Client(base_url=url, timeout=30) as client:
        for role, (username, password) in logins.items():
            answer = client.post(f"{PREFIX}/auth/token", data={"username": username, "password": password})
            answer.raise_for_status()
            headers[role] = {"Authorization": f"Bearer {answer.json()['access_token']}"}
    yield (
        schemathesis.openapi.from_url(f"{url.rstrip('/')}/openapi.json"),
        headers,
        frozenset(u for u, _ in logins.values()),
    )


def logins_of(args: argparse.Namespace) -> tuple[str | None, dict[str, tuple[str, str]]]:
    """The URL and (username, password) per role from --demo-json and --login."""
    url = args.url
    logins: dict[str, tuple[str, str]] = {}
    if args.demo_json:
        info = json.loads(args.demo_json.read_text(encoding="utf-8"))
        url = url or info["url"]
        logins |= {user["role"]: (user["username"], user["password"]) for user in info["users"]}
    for text in args.login:
        role, username, password = text.split(":", 2)
        logins[Role(role).value] = (username, password)
    return url, logins


def report(tally: Tally, covered: list[tuple[str, str]], seed: int, as_json: bool) -> None:
    """Operations × roles covered, calls, the status codes per operation, and each distinct failure once."""
    distinct: dict[tuple[str, str], list[str]] = {}
    for failure in tally.failures:
        first = next((line.strip() for line in failure.message.splitlines() if line.strip().startswith("- ")), "")
        key = (failure.operation, first or failure.message.splitlines()[0])
        distinct.setdefault(key, []).append(f"[{failure.role}] {failure.request}")
    calls = sum(tally.calls.values())
    operations_covered = {op for op, _ in covered}
    roles_covered = {role for _, role in covered}
    if as_json:
        summary = {
            "seed": seed,
            "operations": len(operations_covered),
            "roles": sorted(roles_covered),
            "pairs": len(covered),
            "calls": calls,
            "seconds": round(tally.seconds, 1),
            "failures": len(tally.failures),
            "distinct_failures": [
                {"operation": op, "check": check, "cases": len(requests), "example": requests[0]}
                for (op, check), requests in sorted(distinct.items())
            ],
            "statuses": {op: dict(sorted(c.items())) for op, c in sorted(tally.statuses.items())},
            "refused_valid": [
                {"operation": op, "detail": detail, "cases": n}
                for (op, detail), n in sorted(tally.refused_valid.items())
            ],
        }
        print(json.dumps(summary, indent=2))
        return
    print(f"{'operation':<48} statuses (answers)")
    for operation, counts in sorted(tally.statuses.items(), key=lambda item: item[0].split(" ", 1)[::-1]):
        print(f"{operation:<48} " + ", ".join(f"{code}×{n}" for code, n in sorted(counts.items())))
    if tally.refused_valid:
        print("\nValid by the schema, refused by the API (422): constraints the schema does not declare")
        for (operation, detail), n in sorted(tally.refused_valid.items()):
            print(f"  {operation}: {detail} (×{n})")
    print()
    for (operation, check), requests in sorted(distinct.items()):
        print(f"FAIL {operation}: {check} ({len(requests)} cases)\n    {requests[0][:600]}")
    print(
        f"\n{len(operations_covered)} operations × {len(roles_covered)} roles ({len(covered)} pairs), "
        f"{calls} calls in {tally.seconds:.0f} s, {len(tally.failures)} failures "
        f"({len(distinct)} distinct); seed {seed}"
    )


def main() -> None:
    """Fuzz every selected operation as every selected role and report."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max-examples", type=int, default=100, help="cases per operation and admitted role")
    parser.add_argument("--seed", type=int, help="hypothesis seed (default: a random one, printed)")
    parser.add_argument("--roles", default=",".join([*(r.value for r in Role), ANONYMOUS]), help="comma-separated")
    parser.add_argument("--path", default="", help="only operations whose 'METHOD /path' matches this regex")
    parser.add_argument("--url", help="a running server instead of the app in process")
    parser.add_argument("--demo-json", type=Path, help="the URL and logins of a running officewell demo")
    parser.add_argument("--login", action="append", default=[], help="ROLE:USERNAME:PASSWORD, once per role")
    parser.add_argument("--no-models", action="store_true", help="in process: no analysis and no forecast (503)")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = parser.parse_args()

    seed = args.seed if args.seed is not None else random.randrange(2**32)
    roles = [role for role in args.roles.split(",") if role]
    selected = [(m, p) for m, p in operations() if re.search(args.path, f"{m} {p}")]
    url, logins = logins_of(args)
    source = remote(url, logins) if url else in_process(not args.no_models)
    tally = Tally()
    covered: list[tuple[str, str]] = []
    started = time.perf_counter()
    logging.basicConfig(level=logging.ERROR)  # the app logs each refused import; the summary says enough
    with source as (schema, headers, protected):
        for method, path in selected:
            for role in roles:
                if role not in headers:
                    continue  # no login given for it
                fuzz_operation(
                    schema, method, path, role, headers[role], args.max_examples, tally,
                    raise_first=False, seed=seed, protected=protected,
                )  # fmt: skip
                covered.append((f"{method} {path}", role))
            if not args.json:
                print(f"{time.perf_counter() - started:6.0f} s  {method} {path}: {sum(tally.calls.values())} calls, "
                      f"{len(tally.failures)} failures so far", file=sys.stderr, flush=True)  # fmt: skip
    report(tally, covered, seed, args.json)
    sys.exit(1 if tally.failures else 0)


if __name__ == "__main__":
    main()
