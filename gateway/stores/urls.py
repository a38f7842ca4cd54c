"""Parsing of the InfluxDB store URLs (contracts §7) into checked settings."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from gateway.errors import StoreURLError

DEFAULT_PORT = 8086
_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


@dataclass(frozen=True)
class InfluxV1Target:
    """Where an `influxdb://` store lives."""

    base_url: str
    database: str
    retention_policy: str | None = None
    username: str | None = None
    password: str | None = None

    @property
    def where(self) -> str:
        """The URL without credentials, for messages."""
        rp = f"?rp={self.retention_policy}" if self.retention_policy else ""
        return f"influxdb store {self.base_url}/{self.database}{rp}"


@dataclass(frozen=True)
class InfluxV2Target:
    """Where an `influxdb2://` store lives."""

    base_url: str
    bucket: str
    org: str

    @property
    def where(self) -> str:
        """The URL without the token, for messages."""
        return f"influxdb2 store {self.base_url}/{self.bucket}?org={self.org}"


def parse_influx_v1(url: str) -> InfluxV1Target:
    """`influxdb://[user:pass@]host:port/DATABASE[?rp=RP][&tls=true]`."""
    base, name, params = _split(url, "influxdb", "DATABASE", {"rp", "tls"})
    parts = urlsplit(url)
    user = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    if password is not None and not user:
        raise StoreURLError(f"{_safe(url)}: a password needs a user name (influxdb://USER:PASSWORD@host:port/DB)")
    rp = params.get("rp")
    if rp == "":
        raise StoreURLError(f"{_safe(url)}: ?rp= is empty; leave it out to use the database's default policy")
    return InfluxV1Target(base, name, rp, user, password)


def parse_influx_v2(url: str) -> InfluxV2Target:
    """`influxdb2://host:port/BUCKET?org=ORG[&tls=true]`."""
    base, name, params = _split(url, "influxdb2", "BUCKET", {"org", "tls"})
    if urlsplit(url).username or urlsplit(url).password:
        raise StoreURLError(
            f"{_safe(url)}: influxdb2 URLs carry no user or password; the token comes from OFFICEWELL_INFLUX_TOKEN"
        )
    org = params.get("org")
    if not org:
        raise StoreURLError(f"{_safe(url)}: name the organisation, e.g. influxdb2://host:8086/{name}?org=ORG")
    return InfluxV2Target(base, name, org)


def _split(url: str, scheme: str, what: str, allowed: set[str]) -> tuple[str, str, dict[str, str]]:
    parts = urlsplit(url)
    example = f"{scheme}://host:8086/{what}"
    if not parts.hostname:
        raise StoreURLError(f"{_safe(url)}: give a host, e.g. {example}")
    try:
        port = parts.port or DEFAULT_PORT
    except ValueError as exc:
        raise StoreURLError(f"{_safe(url)}: bad port: {exc}") from exc
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise StoreURLError(f"{_safe(url)}: name the {what.lower()}, e.g. {example}")
    if "/" in name:
        raise StoreURLError(f"{_safe(url)}: the {what.lower()} name {name!r} must not contain '/'")
    raw = parse_qs(parts.query, keep_blank_values=True, strict_parsing=False)
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise StoreURLError(
            f"{_safe(url)}: unknown option(s) {', '.join(unknown)}; known: {', '.join(sorted(allowed))}"
        )
    params = {key: values[-1] for key, values in raw.items()}
    tls = params.pop("tls", "false").lower()
    if tls not in _TRUE | _FALSE:
        raise StoreURLError(f"{_safe(url)}: tls must be true or false, not {tls!r}")
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    base = f"{'https' if tls in _TRUE else 'http'}://{host}:{port}"
    return base, name, params


def masked(url: str) -> str:
    """The URL with any password replaced by ***, for output and logs."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:  # not a URL we could take apart: show no part of it that might be a secret
        return url.split("@", 1)[-1] if "@" in url else url
    if password is None:
        return url
    netloc = parts.netloc.replace(f":{password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()


def _safe(url: str) -> str:
    """The URL with any password masked, quoted, for error messages."""
    return repr(masked(url))
