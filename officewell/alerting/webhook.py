"""The webhook notifier: POST each notice as JSON, signed with HMAC-SHA256 when a shared secret is set.

With a secret, the request carries `X-Officewell-Timestamp` (Unix seconds) and `X-Officewell-Signature:
sha256=HEX`, the HMAC-SHA256 of `TIMESTAMP.BODY` under the secret; the receiver recomputes it over the raw
body, compares in constant time, and refuses old timestamps (a replayed request).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import httpx

from officewell.alerting.notify import AlertNotice, NotifyError

TIMESTAMP_HEADER = "X-Officewell-Timestamp"
SIGNATURE_HEADER = "X-Officewell-Signature"
TIMEOUT_S = 10.0


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header's value for a body sent at `timestamp`: `sha256=` and the hex HMAC."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def shown(url: str) -> str:
    """The URL as logs may show it: scheme, host and port only (Slack's, Teams' and Discord's paths are secrets)."""
    parts = urlsplit(url)
    host = parts.hostname or "?"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}/…" if parts.path not in ("", "/") else f"{parts.scheme}://{host}{port}"


class WebhookNotifier:
    """POSTs notices to one http(s) URL; any answer but 2xx is a failure (retried by the dispatcher)."""

    name = "webhook"

    def __init__(
        self,
        url: str,
        secret: str | None = None,
        *,
        timeout_s: float = TIMEOUT_S,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """Post to `url`, signing with `secret` if given; `clock` gives the timestamp (seconds)."""
        if urlsplit(url).scheme not in ("http", "https"):
            raise NotifyError(f"webhook {shown(url)}: use an http:// or https:// URL")
        self.url = url
        self._secret = secret
        self._timeout = timeout_s
        self._clock = clock

    def send(self, notice: AlertNotice) -> None:
        """POST the notice's JSON; NotifyError unless the answer is 2xx."""
        body = notice.body()
        headers = {"Content-Type": "application/json", "User-Agent": "officewell-alerts"}
        if self._secret:
            stamp = str(int(self._clock()))
            headers[TIMESTAMP_HEADER] = stamp
            headers[SIGNATURE_HEADER] = signature(self._secret, stamp, body)
        try:
            answer = httpx.post(self.url, content=body, headers=headers, timeout=self._timeout)
        except httpx.HTTPError as exc:
            raise NotifyError(f"webhook {shown(self.url)}: {exc.__class__.__name__}") from exc
        if not answer.is_success:
            raise NotifyError(f"webhook {shown(self.url)} answered {answer.status_code}")
