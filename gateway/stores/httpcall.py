"""HTTP calls to a store server, with transport failures and server errors turned into StoreUnavailableError."""

from __future__ import annotations

from typing import Any

import httpx

from gateway.errors import StoreUnavailableError

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)


def new_client(*, auth: tuple[str, str] | None = None, headers: dict[str, str] | None = None) -> httpx.Client:
    """A pooled client; one per store, shared by the gateway's and the API's threads."""
    return httpx.Client(auth=auth, headers=headers, timeout=DEFAULT_TIMEOUT, follow_redirects=False)


def call(client: httpx.Client, method: str, url: str, *, where: str, **kwargs: Any) -> httpx.Response:
    """Send one request; raise StoreUnavailableError for anything a retry later might fix.

    That is: no connection, a timeout, 5xx, 429, and 401/403 (credentials can be fixed without losing
    data, so the gateway keeps buffering). Every other status is returned for the caller to judge.
    """
    try:
        response = client.request(method, url, **kwargs)
    except httpx.TransportError as exc:
        raise StoreUnavailableError(f"{where}: cannot reach the server: {type(exc).__name__}: {exc}") from exc
    if response.status_code >= 500 or response.status_code == 429:
        raise StoreUnavailableError(f"{where}: server error {response.status_code}: {reason_of(response)}")
    if response.status_code in (401, 403):
        raise StoreUnavailableError(
            f"{where}: credentials refused ({response.status_code}): {reason_of(response)}; "
            "check the user and password (or token) in the store URL"
        )
    return response


def reason_of(response: httpx.Response) -> str:
    """The server's own explanation: the `error`/`message` of a JSON body, else the start of the text."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        for key in ("error", "message"):
            if isinstance(body.get(key), str):
                return str(body[key])
    text = response.text.strip()
    return text[:500] if text else response.reason_phrase
