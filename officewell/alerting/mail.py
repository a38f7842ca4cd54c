"""The e-mail notifier: one plain-text message per notice over SMTP (stdlib smtplib).

`smtp://[user:pass@]host[:port][?starttls=true]` (port 25 by default; STARTTLS upgrades the connection
before logging in) or `smtps://[user:pass@]host[:port]` (TLS from the start, port 465). A password is
never sent over an unencrypted connection: a URL with one needs `starttls=true` or `smtps://`.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Literal
from urllib.parse import parse_qs, unquote, urlsplit

from officewell.alerting.notify import AlertNotice, NotifyError
from sensors.text import safe_text

TIMEOUT_S = 10.0
TRUE = ("1", "true", "yes", "on")
FALSE = ("0", "false", "no", "off")


@dataclass(frozen=True)
class SmtpAddress:
    """Where to hand mail over and how: host, port, login, and `none`, `starttls` or `tls` (smtps)."""

    host: str
    port: int
    security: Literal["none", "starttls", "tls"] = "none"
    username: str | None = None
    password: str | None = field(default=None, repr=False)

    @classmethod
    def parse(cls, url: str) -> SmtpAddress:
        """Parse an smtp:// or smtps:// URL; ValueError says what is wrong (never repeating the password)."""
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps"):
            raise ValueError("use smtp://[user:pass@]host[:port][?starttls=true] or smtps://…")
        if not parts.hostname:
            raise ValueError("the SMTP URL has no host")
        try:
            port = parts.port
        except ValueError:
            raise ValueError("the SMTP URL's port is not a number from 0 to 65535") from None
        query = {k: v[-1].lower() for k, v in parse_qs(parts.query).items()}
        unknown = sorted(set(query) - {"starttls"})
        if unknown:
            raise ValueError(f"unknown SMTP URL parameter(s) {', '.join(unknown)}; known: starttls")
        starttls = query.get("starttls", "false")
        if starttls not in TRUE + FALSE:
            raise ValueError("starttls must be true or false")
        if parts.scheme == "smtps":
            security: Literal["none", "starttls", "tls"] = "tls"
        else:
            security = "starttls" if starttls in TRUE else "none"
        username = unquote(parts.username) if parts.username else None
        password = unquote(parts.password) if parts.password is not None else None
        if password is not None and security == "none":
            raise ValueError("a password would cross the network unencrypted: add ?starttls=true or use smtps://")
        return cls(parts.hostname, port or (465 if security == "tls" else 25), security, username, password)


class SmtpNotifier:
    """Mails each notice from `sender` to `recipients` through one SMTP server."""

    name = "e-mail"

    def __init__(
        self,
        address: SmtpAddress,
        sender: str,
        recipients: tuple[str, ...],
        *,
        ssl_context: ssl.SSLContext | None = None,
        timeout_s: float = TIMEOUT_S,
    ) -> None:
        """Send through `address`; TLS verifies against `ssl_context` (default: the system's CAs)."""
        if not recipients:
            raise NotifyError("e-mail: no recipients")
        self.address = address
        self.sender = sender
        self.recipients = recipients
        self._context = ssl_context
        self._timeout = timeout_s

    def message(self, notice: AlertNotice) -> EmailMessage:
        """The message for a notice: subject, sender, recipients, date, id and the notice's text."""
        message = EmailMessage()
        message["Subject"] = safe_text(notice.subject(), 200)
        message["From"] = self.sender
        message["To"] = ", ".join(self.recipients)
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2] or None)
        message.set_content(notice.text())
        return message

    def send(self, notice: AlertNotice) -> None:
        """Hand the message to the server; NotifyError if it cannot be (connection, TLS, login or refusal)."""
        a = self.address
        context = self._context or ssl.create_default_context()
        try:
            if a.security == "tls":
                server: smtplib.SMTP = smtplib.SMTP_SSL(a.host, a.port, timeout=self._timeout, context=context)
            else:
                server = smtplib.SMTP(a.host, a.port, timeout=self._timeout)
            with server:
                if a.security == "starttls":
                    server.starttls(context=context)
                if a.username:
                    server.login(a.username, a.password or "")
                server.send_message(self.message(notice))
        except (smtplib.SMTPException, OSError) as exc:
            why = safe_text(str(exc), 300) if isinstance(exc, smtplib.SMTPResponseException) else ""
            raise NotifyError(f"e-mail via {a.host}:{a.port}: {exc.__class__.__name__} {why}".strip()) from exc
