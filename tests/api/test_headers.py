"""Hardening headers on every answer, HSTS only over https, and CORS closed unless origins are listed."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from api import headers
from api.app import create_app
from api.deps import Services
from api.tokens import TokenSigner
from api.users import MemoryUserDirectory
from gateway.deadletter_log import MemoryDeadLetterLog
from gateway.stores import MemoryReadingStore
from sensors.site import Site

INTRANET = "https://intranet.example"


def services_of(site: Site) -> Services:
    return Services(site, MemoryReadingStore(), MemoryDeadLetterLog(), MemoryUserDirectory(), TokenSigner("h" * 40))


@pytest.fixture(scope="module")
def app(example_site: Site) -> FastAPI:
    """The app as `serve` builds it without CORS, and a route that sets its own Cache-Control."""
    app = create_app(services_of(example_site))

    @app.get("/test/cached")
    def cached() -> JSONResponse:
        return JSONResponse({"ok": True}, headers={"Cache-Control": "max-age=60"})

    return app


@pytest.mark.parametrize("path", ["/healthz", "/api/v1/site", "/facilities", "/goals", "/static/style.css", "/nope"])
def test_every_answer_is_hardened(app: FastAPI, path: str) -> None:
    response = TestClient(app).get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response.headers["Content-Security-Policy"] == headers.PAGE_POLICY
    assert "Strict-Transport-Security" not in response.headers, "plain http: HSTS would be ignored, and is wrong"


def test_the_product_pages_allow_nothing_inline(app: FastAPI) -> None:
    policy = TestClient(app).get("/facilities").headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives == {
        "default-src": "'self'",
        "frame-ancestors": "'none'",
        "base-uri": "'none'",
        "form-action": "'self'",
        "object-src": "'none'",
    }
    assert "unsafe" not in policy


def test_hsts_only_over_https(app: FastAPI) -> None:
    response = TestClient(app, base_url="https://testserver").get("/healthz")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_hsts_behind_a_trusted_proxy_only(app: FastAPI) -> None:
    # What `serve` runs: uvicorn believes X-Forwarded-Proto only from forwarded_allow_ips.
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "192.0.2.7"}
    trusted = TestClient(ProxyHeadersMiddleware(app, trusted_hosts=["testclient"]))  # type: ignore[arg-type]
    assert trusted.get("/healthz", headers=forwarded).headers["Strict-Transport-Security"] == "max-age=31536000"
    stranger = TestClient(ProxyHeadersMiddleware(app, trusted_hosts=["127.0.0.1"]))  # type: ignore[arg-type]
    assert "Strict-Transport-Security" not in stranger.get("/healthz", headers=forwarded).headers


def test_json_answers_are_not_cached_unless_the_route_says_otherwise(app: FastAPI) -> None:
    client = TestClient(app)
    assert client.get("/healthz").headers["Cache-Control"] == "no-store"
    assert client.get("/api/v1/site").headers["Cache-Control"] == "no-store"  # a 401 problem
    assert client.get("/test/cached").headers["Cache-Control"] == "max-age=60"
    assert "Cache-Control" not in client.get("/metrics").headers  # text, and no personal data


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_the_docs_pages_allow_their_own_inline_scripts_by_hash(app: FastAPI, path: str) -> None:
    response = TestClient(app).get(path)
    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    scripts = re.findall(r"<script>(.*?)</script>", response.text, re.DOTALL)
    hashes = [f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in scripts]
    assert directives["script-src"].split() == ["'self'", *hashes]
    assert len(hashes) == (1 if path == "/docs" else 0)
    assert directives["frame-ancestors"] == "'none'"
    assert "validator.swagger.io" not in response.text


def test_cors_is_closed_by_default(app: FastAPI) -> None:
    client = TestClient(app)
    response = client.get("/healthz", headers={"Origin": INTRANET})
    assert "access-control-allow-origin" not in response.headers
    preflight = client.options("/api/v1/site", headers={"Origin": INTRANET, "Access-Control-Request-Method": "GET"})
    assert "access-control-allow-origin" not in preflight.headers


def test_cors_answers_the_listed_origins_only(example_site: Site) -> None:
    client = TestClient(create_app(services_of(example_site), cors_origins=[INTRANET]))
    allowed = client.get("/api/v1/site", headers={"Origin": INTRANET})
    assert allowed.status_code == 401
    assert allowed.headers["access-control-allow-origin"] == INTRANET
    assert set(allowed.headers["access-control-expose-headers"].split(", ")) == {"ETag", "Retry-After"}
    assert "access-control-allow-credentials" not in allowed.headers
    assert allowed.headers["X-Content-Type-Options"] == "nosniff"
    other = client.get("/api/v1/site", headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in other.headers
    preflight = client.options(
        "/api/v1/site",
        headers={
            "Origin": INTRANET,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization, if-none-match",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == INTRANET
    assert set(preflight.headers["access-control-allow-methods"].split(", ")) == set(headers.CORS_METHODS)
    assert {"Authorization", "If-None-Match"} <= set(preflight.headers["access-control-allow-headers"].split(", "))
    assert preflight.headers["X-Frame-Options"] == "DENY", "preflights pass the hardening middleware too"
    refused = client.options(
        "/api/v1/site", headers={"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "GET"}
    )
    assert refused.status_code == 400
    assert "access-control-allow-origin" not in refused.headers
