"""Request size limits, enforced before a body is read: a 200 MB upload to the login form is refused at once.

The limit per path is data (`BODY_LIMITS`); everything else gets `DEFAULT_BODY_BYTES`. A request that
declares a longer Content-Length is answered 413 without reading a byte of it; a chunked body is counted
as it arrives and refused as soon as it passes the limit.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from fastapi import HTTPException, status
from starlette.types import ASGIApp, Message, Receive, Scope, Send

DEFAULT_BODY_BYTES = 1 << 20  # 1 MiB: the API takes forms and small JSON bodies, no file uploads
BODY_LIMITS: Mapping[str, int] = {
    "/api/v1/auth/token": 16 << 10,  # a username and a password
}


class BodyTooLargeError(HTTPException):
    """The body is over the path's limit (raised while it arrives; FastAPI answers it as a 413)."""

    def __init__(self, limit: int) -> None:
        """Say the limit."""
        super().__init__(status.HTTP_413_CONTENT_TOO_LARGE, _detail(limit))


class BodyLimitMiddleware:
    """ASGI middleware that refuses bodies over the limit of their path."""

    def __init__(
        self, app: ASGIApp, default: int = DEFAULT_BODY_BYTES, limits: Mapping[str, int] = BODY_LIMITS
    ) -> None:
        """Wrap `app`."""
        self.app = app
        self.default = default
        self.limits = dict(limits)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refuse a declared or arriving body over the limit; pass everything else on."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limits.get(scope["path"], self.default)
        declared = _content_length(scope)
        if declared is not None and (declared < 0 or declared > limit):
            await _refuse(send, limit)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLargeError(limit)
            return message

        await self.app(scope, counted, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return -1
    return None


def _detail(limit: int) -> str:
    size = f"{limit >> 20} MiB" if limit >= 1 << 20 else f"{limit >> 10} KiB"
    return f"The request body is larger than this route takes ({size})"


async def _refuse(send: Send, limit: int) -> None:
    body = json.dumps({"detail": _detail(limit)}).encode()
    headers: list[Any] = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    # Connection: close — the client may still be sending the body we will not read.
    headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})
