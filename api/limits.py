"""Request size limits, enforced before a body is read: a 200 MB upload to the login form is refused at once.

The limit per path is data (`BODY_LIMITS`: a path, or a prefix ending in "/" for every path under it;
the path itself wins, then the longest prefix); everything else gets `DEFAULT_BODY_BYTES`. A request that
declares a longer Content-Length is answered 413 without reading a byte of it; a chunked body is counted
as it arrives and refused as soon as it passes the limit. The 413 says the limit, and `BODY_HINTS` what
to do instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from fastapi import HTTPException, status
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import problem_response

DEFAULT_BODY_BYTES = 1 << 20  # 1 MiB: forms and small JSON bodies; only the imports take files
# A year of call intervals for a dozen answer groups is some 4 MB; a year of 1-minute readings of 12 zones
# with every quantity some 400 MiB (about six weeks fit), too much to hold in one request: the CLI takes it.
IMPORT_BODY_BYTES = 50 << 20
BODY_LIMITS: Mapping[str, int] = {
    "/api/v1/auth/token": 16 << 10,  # a username and a password
    "/api/v1/imports/": IMPORT_BODY_BYTES,  # POST /api/v1/imports/{kind}: one file
}
# What a 413 tells the client to do instead, per key of BODY_LIMITS.
BODY_HINTS: Mapping[str, str] = {
    "/api/v1/imports/": "import bigger files on the server with `officewell import KIND FILE`",
}


class BodyTooLargeError(HTTPException):
    """The body is over the path's limit (raised while it arrives; FastAPI answers it as a 413)."""

    def __init__(self, limit: int, hint: str = "") -> None:
        """Say the limit (and what to do instead)."""
        super().__init__(status.HTTP_413_CONTENT_TOO_LARGE, _detail(limit, hint))


class BodyLimitMiddleware:
    """ASGI middleware that refuses bodies over the limit of their path."""

    def __init__(
        self,
        app: ASGIApp,
        default: int = DEFAULT_BODY_BYTES,
        limits: Mapping[str, int] = BODY_LIMITS,
        hints: Mapping[str, str] = BODY_HINTS,
    ) -> None:
        """Wrap `app`."""
        self.app = app
        self.default = default
        self.limits = dict(limits)
        self.hints = dict(hints)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refuse a declared or arriving body over the limit; pass everything else on."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        key = limit_key(scope["path"], self.limits)
        limit = self.default if key is None else self.limits[key]
        hint = "" if key is None else self.hints.get(key, "")
        declared = _content_length(scope)
        if declared is not None and (declared < 0 or declared > limit):
            await _refuse(scope, receive, send, limit, hint)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLargeError(limit, hint)
            return message

        await self.app(scope, counted, send)


def limit_key(path: str, keys: Iterable[str]) -> str | None:
    """The key of the limits that governs `path`: the path itself, else the longest prefix ending in "/" it has."""
    keys = list(keys)
    if path in keys:
        return path
    prefixes = [k for k in keys if k.endswith("/") and path.startswith(k)]
    return max(prefixes, key=len, default=None)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return -1
    return None


def _detail(limit: int, hint: str = "") -> str:
    size = f"{limit >> 20} MiB" if limit >= 1 << 20 else f"{limit >> 10} KiB"
    return f"The request body is larger than this route takes ({size})" + (f"; {hint}" if hint else "")


async def _refuse(scope: Scope, receive: Receive, send: Send, limit: int, hint: str = "") -> None:
    # Connection: close — the client may still be sending the body we will not read.
    answer = problem_response(413, _detail(limit, hint), scope["path"], headers={"Connection": "close"})
    await answer(scope, receive, send)
