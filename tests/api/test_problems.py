"""Every error of the API is RFC 9457 problem details, and OpenAPI says so."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, HTTPException
from fastapi.testclient import TestClient

from api import problems
from api.app import create_app
from api.deps import Services
from api.problems import MEDIA_TYPE, Problem
from api.security import Role
from api.tokens import TokenSigner
from api.users import MemoryUserDirectory
from gateway.deadletter_log import MemoryDeadLetterLog
from gateway.errors import InvalidRequestError, StoreUnavailableError
from gateway.stores import MemoryReadingStore
from models.errors import ModelInputError
from sensors.site import Site

PASSWORD = "problem-details-2026"
SECRET_TEXT = "password=hunter2 at /srv/officewell/records.db"  # what an exception must never show a client


@pytest.fixture(scope="module")
def app(example_site: Site) -> FastAPI:
    """The app, plus a few routes that raise what the real ones may raise."""
    users = MemoryUserDirectory()
    for role in (Role.FACILITIES, Role.HR):
        users.add(role.value, role, PASSWORD)
    services = Services(example_site, MemoryReadingStore(), MemoryDeadLetterLog(), users, TokenSigner("p" * 40))
    app = create_app(services)

    @app.get("/test/store-down")
    def store_down() -> None:
        raise StoreUnavailableError("connection refused")

    @app.get("/test/store-query")
    def store_query() -> None:
        raise InvalidRequestError("window must be positive, got 0:00:00")

    @app.get("/test/model-input")
    def model_input() -> None:
        raise ModelInputError("interval_minutes must be positive")

    @app.get("/test/bug")
    def bug() -> None:
        raise RuntimeError(SECRET_TEXT)

    @app.get("/test/no-detail")
    def no_detail() -> None:
        raise HTTPException(409, {"why": "a structured detail"})

    return app


@pytest.fixture(scope="module")
def client(app: FastAPI) -> TestClient:
    """The default client, which raises what the server raises: the catch-all answers instead of raising."""
    return TestClient(app)


def login(client: TestClient, role: Role) -> dict[str, str]:
    response = client.post("/api/v1/auth/token", data={"username": role.value, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def problem_of(response: httpx.Response, status: int) -> dict[str, Any]:
    """The problem document of `response`, after checking it is one and of `status`."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == MEDIA_TYPE
    body = response.json()
    Problem.model_validate(body)  # the shape OpenAPI promises
    assert body["status"] == status
    assert body["instance"] == response.request.url.raw_path.decode().split("?")[0]
    return body


def test_a_missing_token_is_a_401_problem_with_its_challenge(client: TestClient) -> None:
    response = client.get("/api/v1/site")
    body = problem_of(response, 401)
    assert body == {
        "type": "about:blank",
        "title": "Unauthorized",
        "status": 401,
        "detail": "Not logged in or the session expired",
        "instance": "/api/v1/site",
    }
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_a_wrong_password_and_a_role_without_access(client: TestClient) -> None:
    wrong = client.post("/api/v1/auth/token", data={"username": "hr", "password": "wrong"})
    assert problem_of(wrong, 401)["detail"] == "Wrong username or password"
    assert wrong.headers["WWW-Authenticate"] == "Bearer"
    forbidden = problem_of(client.get("/api/v1/dead-letters", headers=login(client, Role.HR)), 403)
    assert forbidden["title"] == "Forbidden"
    assert "'hr' may not see this" in forbidden["detail"]


def test_a_locked_login_is_a_429_problem_with_retry_after(example_site: Site) -> None:
    users = MemoryUserDirectory()
    services = Services(example_site, MemoryReadingStore(), MemoryDeadLetterLog(), users, TokenSigner("q" * 40))
    client = TestClient(create_app(services))
    answers = [client.post("/api/v1/auth/token", data={"username": "nobody", "password": "x"}) for _ in range(6)]
    body = problem_of(answers[-1], 429)
    assert (body["title"], body["detail"]) == ("Too Many Requests", "Too many failed logins: wait before trying again")
    assert int(answers[-1].headers["Retry-After"]) >= 1


def test_malformed_parameters_list_each_field(client: TestClient) -> None:
    headers = login(client, Role.FACILITIES)
    response = client.get("/api/v1/dead-letters", params={"limit": 5000, "offset": "x"}, headers=headers)
    body = problem_of(response, 422)
    assert body["type"] == "/problems/validation"
    assert body["title"] == "Malformed request"
    # The sentence the API always sent stays, for the pages and the scripts that read `detail`.
    assert "limit (query): Input should be less than or equal to 1000" in body["detail"]
    assert "offset (query): Input should be a valid integer" in body["detail"]
    fields = {(e["in"], e["name"]): e["message"] for e in body["errors"]}
    assert set(fields) == {("query", "limit"), ("query", "offset")}
    assert fields[("query", "limit")] == "Input should be less than or equal to 1000"


def test_a_missing_form_field_is_named_in_the_body(client: TestClient) -> None:
    body = problem_of(client.post("/api/v1/auth/token", data={"username": "hr"}), 422)
    assert {"in": "body", "name": "password", "message": "Field required"} in body["errors"]


def test_a_request_beyond_a_limit_is_a_plain_422_problem(client: TestClient) -> None:
    headers = login(client, Role.FACILITIES)
    response = client.get("/api/v1/readings", params={"quantity": "co2_ppm", "window": "367d"}, headers=headers)
    body = problem_of(response, 422)
    assert (body["type"], body["title"]) == ("about:blank", "Unprocessable Content")
    assert body["detail"] == "window '367d': windows are 1 s to 366 days (e.g. 30s, 5m, 1h, 1d)"
    assert "errors" not in body


def test_unanswerable_requests_of_the_stores_and_models_are_422_problems(client: TestClient) -> None:
    assert problem_of(client.get("/test/store-query"), 422)["detail"] == "window must be positive, got 0:00:00"
    assert problem_of(client.get("/test/model-input"), 422)["detail"] == "interval_minutes must be positive"


def test_an_unavailable_store_is_a_503_problem_of_its_own_type(client: TestClient) -> None:
    response = client.get("/test/store-down")
    body = problem_of(response, 503)
    assert body["type"] == "/problems/store-unavailable"
    assert body["title"] == "Store unavailable"
    assert body["detail"] == "The reading store is unavailable: connection refused"
    assert response.headers["Retry-After"] == "10"


def test_unknown_paths_and_methods_are_problems(client: TestClient) -> None:
    missing = problem_of(client.get("/api/v1/no-such-thing"), 404)
    assert (missing["title"], missing["detail"], missing["instance"]) == (
        "Not Found",
        "Not Found",
        "/api/v1/no-such-thing",
    )
    assert (
        problem_of(client.get("/api/v1/zones/ z9/latest", headers=login(client, Role.FACILITIES)), 404)["instance"]
        == "/api/v1/zones/%20z9/latest"
    )
    wrong_method = client.delete("/api/v1/site")
    assert problem_of(wrong_method, 405)["title"] == "Method Not Allowed"
    assert wrong_method.headers["Allow"] == "GET"


def test_a_body_over_the_limit_is_a_413_problem(client: TestClient) -> None:
    declared = client.post("/api/v1/auth/token", content=b"x" * (17 << 10))
    body = problem_of(declared, 413)
    assert body["title"] == "Content Too Large"
    assert body["detail"] == "The request body is larger than this route takes (16 KiB)"
    assert declared.headers["Connection"] == "close"

    def chunks() -> Iterator[bytes]:
        for _ in range(20):
            yield b"username=hr&password=" + b"x" * 1024

    form = {"Content-Type": "application/x-www-form-urlencoded"}
    streamed = client.post("/api/v1/auth/token", content=chunks(), headers=form)
    assert problem_of(streamed, 413)["detail"] == body["detail"]


def test_an_unexpected_exception_is_a_500_problem_without_its_text(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="api.problems"):
        response = client.get("/test/bug")  # the default client would raise what the server re-raises
    body = problem_of(response, 500)
    assert body == {
        "type": "about:blank",
        "title": "Internal Server Error",
        "status": 500,
        "detail": problems.UNEXPECTED,
        "instance": "/test/bug",
    }
    assert "hunter2" not in response.text
    assert "RuntimeError" not in response.text
    assert response.headers["X-Content-Type-Options"] == "nosniff", "the 500 passes through the other middleware"
    logged = [r for r in caplog.records if r.name == "api.problems"]
    assert len(logged) == 1
    assert logged[0].exc_info is not None
    assert "GET '/test/bug'" in logged[0].getMessage()


def test_a_detail_that_is_not_a_sentence_is_made_one(client: TestClient) -> None:
    assert problem_of(client.get("/test/no-detail"), 409)["detail"] == '{"why": "a structured detail"}'


def test_the_problem_types_are_documented_at_their_uri(client: TestClient) -> None:
    for kind in problems.TYPES.values():
        page = client.get(kind.uri)
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/plain")
        assert page.text.startswith(kind.title)
    assert problem_of(client.get("/problems/no-such-type"), 404)["detail"] == "No problem type 'no-such-type'"


def test_openapi_declares_problem_json_for_every_error(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    wrong = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert "default" in responses, f"{method} {path}"
            for code, answer in responses.items():
                if code != "default" and int(code) < 400:
                    continue
                content = answer.get("content", {})
                if (path, code) in {("/healthz", "503"), ("/metrics", "404")}:
                    continue  # a health report, and Prometheus text: not errors of the request
                # Problem, or a problem with members of its own (a refused import file lists its rows).
                if list(content) != [MEDIA_TYPE] or "$ref" not in content[MEDIA_TYPE]["schema"]:
                    wrong.append(f"{method.upper()} {path} {code}: {sorted(content)}")
    assert wrong == []
    site = schema["paths"]["/api/v1/site"]["get"]["responses"]
    assert site["401"]["content"] == {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    components = schema["components"]["schemas"]
    assert "HTTPValidationError" not in components
    assert "ValidationError" not in components
    problem = components["Problem"]
    assert set(problem["required"]) == {"title", "status", "detail", "instance"}
    assert set(problem["properties"]) == {"type", "title", "status", "detail", "instance", "errors"}
    assert components["FieldProblem"]["required"] == ["in", "name", "message"]
