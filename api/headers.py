"""Hardening headers on every answer, and CORS only for the origins an operator lists.

The product pages (/facilities, /goals) load only their own scripts and styles from /static, so their
Content-Security-Policy allows nothing inline. The API documentation pages (/docs, /redoc) are rendered by
FastAPI with an inline script (Swagger UI's start-up) and by libraries that inject `<style>` elements:
those two routes send their own, relaxed policy (`docs_policy`), which allows their inline scripts by hash
and inline styles. A route that sets its own Content-Security-Policy or Cache-Control keeps it.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Sequence

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Nothing from elsewhere, nothing inline, in no frame, no <base>, forms only to this server, no plugins.
LOCKDOWN = "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"
PAGE_POLICY = f"default-src 'self'; {LOCKDOWN}"
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",  # for browsers that predate frame-ancestors
    # No page links elsewhere, and the pages' paths and query strings (zones, dates) are nobody else's business.
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000"  # a year; includeSubDomains and preload are the domain owner's choice, at the proxy
CORS_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
CORS_HEADERS = ("Authorization", "Content-Type", "If-None-Match")
CORS_EXPOSED = ("ETag", "Retry-After")
CORS_MAX_AGE_S = 600
_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)


def install(app: FastAPI, cors_origins: Sequence[str] = ()) -> None:
    """Add CORS (only for `cors_origins`, if any) and then the hardening headers, outermost of all middleware."""
    if cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(cors_origins),
            allow_methods=list(CORS_METHODS),
            allow_headers=list(CORS_HEADERS),
            expose_headers=list(CORS_EXPOSED),
            allow_credentials=False,  # the API's credential is a bearer header, never a cookie
            max_age=CORS_MAX_AGE_S,
        )
    app.add_middleware(SecurityHeadersMiddleware)


def docs_policy(page: HTMLResponse) -> HTMLResponse:
    """`page` with a policy that allows its own inline scripts (by hash) and inline styles; for /docs and /redoc."""
    hashes = " ".join(f"'sha256-{_sha256(script)}'" for script in _INLINE_SCRIPT.findall(bytes(page.body)))
    # Redoc's styled-components and Swagger UI add <style> elements at run time: no hash can name those.
    page.headers["Content-Security-Policy"] = (
        f"default-src 'self'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
        f"img-src 'self' data:; worker-src 'self' blob:; {LOCKDOWN}"
    )
    return page


class SecurityHeadersMiddleware:
    """ASGI middleware that adds the hardening headers to every answer, HSTS only to those over https."""

    def __init__(self, app: ASGIApp) -> None:
        """Wrap `app`."""
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, adding the headers to the answer's start."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # uvicorn sets the scheme from X-Forwarded-Proto only for a proxy it trusts (forwarded_allow_ips).
        https = scope.get("scheme") == "https"

        async def send_hardened(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers.setdefault(name, value)
                headers.setdefault("Content-Security-Policy", PAGE_POLICY)
                if https:
                    headers.setdefault("Strict-Transport-Security", HSTS)
                if _is_json(headers.get("content-type", "")):
                    # Answers carry personal and operational data: no browser or proxy cache keeps them.
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, send_hardened)


def _is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


def _sha256(script: bytes) -> str:
    return base64.b64encode(hashlib.sha256(script).digest()).decode()
