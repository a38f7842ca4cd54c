"""ETags for what the dashboards poll: an unchanged answer costs a 304 and no body.

For a GET under /api/v1 answered 200 with JSON, from a route whose reads are not audited (room data,
goals, the board: api.access), the middleware adds a weak ETag of the body and `Cache-Control: private,
no-cache` (a browser may keep it but asks every time), and answers `If-None-Match` with the same tag by
304. Answers carrying absence-derived data keep `no-store` (api/headers.py) and no ETag: nothing of them
stays in a cache, and each read is audited anyway. A route that sets its own ETag (the board) keeps it.
The answer is still computed — the saving is the bytes and the page's work, not the server's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.access import PREFIX, door_of

POLLED_CACHE_CONTROL = "private, no-cache"
MAX_TAGGED_BYTES = 8 << 20  # bigger answers go out untagged rather than held in memory twice


NOT_MODIFIED = {
    "description": "Not Modified: `If-None-Match` named the answer's current ETag; no body (RFC 9110 §15.4.5)"
}


def install(app: FastAPI) -> None:
    """Add the middleware, and list its 304 on every GET it tags in the OpenAPI schema."""
    app.add_middleware(ETagMiddleware)
    generate: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        schema = generate()
        for path, item in schema.get("paths", {}).items():
            door = door_of("GET", path) if "get" in item else None
            if door is not None and not door.audited:
                item["get"].setdefault("responses", {}).setdefault("304", NOT_MODIFIED)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


class ETagMiddleware:
    """ASGI middleware adding ETags to polled JSON answers and answering matching If-None-Match with 304."""

    def __init__(self, app: ASGIApp) -> None:
        """Wrap `app`."""
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Hold a tagged route's answer until its body is whole, then send it, or a 304, with its ETag."""
        if scope["type"] != "http" or scope["method"] != "GET" or not scope["path"].startswith(PREFIX + "/"):
            await self.app(scope, receive, send)
            return
        wanted = Headers(scope=scope).get("if-none-match")
        start: Message | None = None
        chunks: list[bytes] = []
        size = 0
        passing = False  # not ours to tag: pass every message on as it comes

        async def tagging(message: Message) -> None:
            nonlocal start, size, passing
            if passing:
                await send(message)
                return
            if message["type"] == "http.response.start":
                headers = Headers(raw=message["headers"])
                if not _taggable(scope, message["status"], headers):
                    passing = True
                    await send(message)
                    return
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > MAX_TAGGED_BYTES:
                passing = True
                await send(start)
                await send({"type": "http.response.body", "body": b"".join(chunks), "more_body": True})
                if not message.get("more_body", False):
                    await send({"type": "http.response.body", "body": b""})
                return
            if message.get("more_body", False):
                return
            body = b"".join(chunks)
            tag = 'W/"' + hashlib.sha256(body).hexdigest()[:32] + '"'
            headers = MutableHeaders(scope=start)
            headers["ETag"] = tag
            headers["Cache-Control"] = POLLED_CACHE_CONTROL
            headers.append("Vary", "Authorization")  # a role's answer is not another role's
            if wanted is not None and tag in _tags(wanted):
                del headers["content-length"]
                del headers["content-type"]
                start["status"] = 304
                await send(start)
                await send({"type": "http.response.body", "body": b""})
                return
            await send(start)
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, tagging)


def _taggable(scope: Scope, status: int, headers: Headers) -> bool:
    if status != 200 or "etag" in headers or "cache-control" in headers:
        return False
    if not headers.get("content-type", "").startswith("application/json"):
        return False
    route = scope.get("route")
    door = door_of("GET", getattr(route, "path_format", "")) if route is not None else None
    return door is not None and not door.audited


def _tags(header: str) -> set[str]:
    """The tags an If-None-Match names (weak or strong alike, RFC 9110 §13.1.2's weak comparison)."""
    tags = {t.strip() for t in header.split(",")}
    return tags | {t.removeprefix("W/") for t in tags} | {"W/" + t for t in tags if not t.startswith("W/")}


def if_match_versions(header: str | None) -> list[str] | None:
    """The versions an If-Match header names, unquoted (None: absent or `*`, any version will do).

    If-Match compares strongly (RFC 9110 §13.1.1): a weak tag is kept as sent, so it matches no version.
    """
    if header is None:
        return None
    tags = [tag.strip() for tag in header.split(",") if tag.strip()]
    if "*" in tags:
        return None
    return [t[1:-1] if len(t) >= 2 and t[0] == t[-1] == '"' else t for t in tags]


def if_none_matches(header: str, etag: str) -> bool:
    """Whether an If-None-Match header names this ETag, or `*` (weak comparison: W/"x" stands for "x")."""
    return bool(_tags(header) & {etag, "*"})
