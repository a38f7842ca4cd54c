"""Schemathesis against the live OpenAPI schema, every operation as every role (and with no token at all).

Each (operation, role) is one test: a handful of valid and invalid cases, seeded, checked as
tests/support/fuzzing.py says (no 5xx but a 503 problem, the status listed, the body and content type as
documented, every error a problem, the role matrix). The app is this module's own, on its own stores,
because fuzzing writes: users, tokens, board items, imports. Longer runs: scripts/fuzz_api.py.

Two answers fuzzing seldom provokes are asked for directly: the 400 of a body that cannot be read, and
the 304 of the ETag middleware; and a board item's and a user's life walks through 201, 200, 304, 204,
404 and 409.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from schemathesis import Response
from schemathesis.core.failures import FailureGroup
from schemathesis.schemas import BaseSchema

from api.security import Role
from sensors.site import Site
from tests.support.fuzzing import (
    ANONYMOUS,
    HTTP_METHODS,
    Tally,
    build_fuzz_app,
    checks_for,
    fuzz_operation,
    lifespans_stopped,
    operations,
)

pytestmark = pytest.mark.fuzz

MAX_EXAMPLES = 15  # per operation and admitted role (a quarter for a refused one): about a minute on 2 cores
ROLES = [role.value for role in Role] + [ANONYMOUS]
API = "/api/v1"
MULTIPART = "multipart/form-data; boundary=x"
ONE_FILE = b'--x\r\nContent-Disposition: form-data; name="file"; filename="r.csv"\r\n\r\na\r\n--x--\r\n'


@dataclass
class Fuzzed:
    """The module's app, its loaded schema and a bearer header per role."""

    app: Any
    schema: BaseSchema
    headers: dict[str, dict[str, str]]


@pytest.fixture(scope="module")
def fuzzed(example_site: Site, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fuzzed]:
    """The schema as the app serves it at /openapi.json, loaded through ASGI; the evidence and forecast configured."""
    # The forecast with few draws: its first answer takes seconds, the rest come from the kept one or are 422s.
    built = build_fuzz_app(example_site, tmp_path_factory.mktemp("fuzz"), analyse=True, forecast_draws=100)
    try:
        with lifespans_stopped():
            schema = schemathesis.openapi.from_asgi("/openapi.json", built.app)
            yield Fuzzed(built.app, schema, built.headers)
    finally:
        built.close()


UNREADABLE = {"multipart/form-data": b"--x\r\nNone--x--\r\n"}  # else a byte that is not UTF-8


def _path_parameters(template: str, url: str) -> dict[str, str]:
    """The values a URL gives its path template's parameters: ("/zones/{zone_id}", "/zones/z1") -> zone_id z1."""
    segments = zip(template.split("/"), url.split("?")[0].split("/"), strict=True)
    return {name[1:-1]: value for name, value in segments if name.startswith("{")}


def body_operations(schema: BaseSchema) -> list[tuple[str, str, str]]:
    """Every operation that reads a body: (method, path, its first media type)."""
    raw = schema.raw_schema
    return [
        (method.upper(), path, next(iter(operation["requestBody"]["content"])))
        for path, item in raw["paths"].items()
        for method, operation in item.items()
        if method in HTTP_METHODS and "requestBody" in operation
    ]


# -- the tests ------------------------------------------------------------------------------------------


def test_every_operation_of_the_schema_is_fuzzed(fuzzed: Fuzzed) -> None:
    """The operations fuzzed (the role matrix, login, health) are exactly those the schema serves."""
    raw = fuzzed.schema.raw_schema
    served = {(m.upper(), p) for p, item in raw["paths"].items() for m in item if m in HTTP_METHODS}
    assert served == set(operations())


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path"), operations(), ids=[f"{m}:{p}" for m, p in operations()])
def test_operation_as_role(fuzzed: Fuzzed, method: str, path: str, role: str) -> None:
    """Valid and invalid cases of one operation as one role pass every check."""
    fuzz_operation(fuzzed.schema, method, path, role, fuzzed.headers[role], MAX_EXAMPLES, Tally())


# FastAPI answers a JSON body that is not UTF-8, and multipart that does not parse, with 400 before the route
# runs; api/problems.py lists that 400 on every operation that reads a body.
def test_an_unreadable_body_is_answered_as_documented(fuzzed: Fuzzed) -> None:
    """Every operation that reads a body answers one it cannot read as its schema says."""
    client = TestClient(fuzzed.app)  # not entered: schemathesis already runs the app's lifespan
    admin = fuzzed.headers["admin"]
    operations_with_body = body_operations(fuzzed.schema)
    wrong = []
    for method, path, media_type in operations_with_body:
        url = re.sub(r"\{[^}]+\}", "1", path)  # the body is read before any parameter is
        content_type = media_type + ("; boundary=x" if media_type.startswith("multipart/") else "")
        answer = client.request(
            method, url, content=UNREADABLE.get(media_type, b"\x80"), headers={**admin, "Content-Type": content_type}
        )
        case = fuzzed.schema[path][method].Case(path_parameters=_path_parameters(path, url))
        try:
            case.validate_response(answer, checks=checks_for("admin"), headers=admin)
        except FailureGroup:
            wrong.append(f"{method} {path}: {answer.status_code} {answer.text[:80]}")
    assert operations_with_body
    assert wrong == []


# api/etag.py answers If-None-Match with 304 on every polled GET, and lists that 304 in the schema.
def test_every_304_is_documented(fuzzed: Fuzzed) -> None:
    """Each GET that answers with an ETag answers its If-None-Match by a 304 its operation lists (fuzzing seldom asks).

    Parameterless GETs as admin (who may see all of them): the answer's ETag sent back must get a 304 the
    schema documents, or a 200 again (an answer that changed meanwhile).
    """
    admin = fuzzed.headers["admin"]
    tagged: list[str] = []
    wrong: list[str] = []
    for method, path in operations():
        operation = fuzzed.schema[path][method]
        if method != "GET" or "{" in path or any(p.is_required for p in operation.query):
            continue
        first = operation.Case().call(headers=admin)
        etags = first.headers.get("etag") or []
        if first.status_code != 200 or not etags:
            continue
        etag = etags[0]
        tagged.append(path)
        case = operation.Case(headers={"If-None-Match": etag})
        again = case.call(headers=admin)
        try:
            case.validate_response(again, checks=checks_for("admin"), headers=admin)
        except FailureGroup as exc:
            wrong.append(f"{path}: {again.status_code}: " + "; ".join(str(failure.title) for failure in exc.exceptions))
    assert tagged, "no GET answered with an ETag"
    assert wrong == []


def test_created_unchanged_and_removed_are_answered_as_documented(fuzzed: Fuzzed) -> None:
    """201, 200, 304, 204, 404 and 409, which fuzzing rarely gets: a board item, its list's ETag, a user's life."""
    admin = fuzzed.headers["admin"]

    def call(method: str, path: str, **parts: Any) -> Response:
        case = fuzzed.schema[path][method].Case(**parts)
        response = case.call(headers=admin)
        case.validate_response(response, checks=checks_for("admin"), headers=admin)
        return response

    item = {"title": "Open the windows at lunch", "zone": "z1"}
    assert call("POST", f"{API}/board/items", body=item, media_type="application/json").status_code == 201
    etag = call("GET", f"{API}/board/items").headers["etag"][0]
    assert call("GET", f"{API}/board/items", headers={"If-None-Match": etag}).status_code == 304
    user = {"path_parameters": {"username": "round-trip"}}
    body = {"role": "hr", "password": "a long passphrase"}
    assert call("PUT", f"{API}/users/{{username}}", body=body, media_type="application/json", **user).status_code == 201
    body = {"role": "manager"}
    assert call("PUT", f"{API}/users/{{username}}", body=body, media_type="application/json", **user).status_code == 200
    assert call("DELETE", f"{API}/users/{{username}}", **user).status_code == 204
    assert call("DELETE", f"{API}/users/{{username}}", **user).status_code == 404
    assert call("DELETE", f"{API}/users/{{username}}", path_parameters={"username": "admin"}).status_code == 409
