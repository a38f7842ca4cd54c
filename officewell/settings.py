"""Typed settings from flags and OFFICEWELL_* environment variables; built in the entry point only."""

from __future__ import annotations

import ipaddress
import json
import math
import os
import re
from collections import Counter
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from models.targets import NKI_SCALE, NKI_TARGETS, TARGET_ANSWER_RATE, GoalTargets
from officewell.errors import SettingsError

PREFIX = "OFFICEWELL_"

ORIGIN = re.compile(r"https?://[^/?#\s]+")
# Secrets that appear in examples and tutorials: refusing them keeps a copied config from going live.
UNSAFE_SECRETS = frozenset({"changeme", "change-me", "secret", "password", "officewell", "admin", "test", "default"})


class Settings(BaseSettings):
    """Everything an officewell process can be configured with."""

    model_config = SettingsConfigDict(env_prefix=PREFIX, extra="forbid", frozen=True)

    data_dir: Path = Field(Path("officewell-data"), description="where the embedded stores live")
    site: Path | None = Field(None, description="the site file (site.toml)")
    store: str | None = Field(None, description="reading store URL; default: the embedded store in data_dir")
    records: str | None = Field(
        None, description="records database URL (sqlite:///… or postgresql+psycopg://…); default: data_dir/records.db"
    )
    mqtt: str = Field("mqtt://127.0.0.1:1883", description="MQTT broker URL")
    mqtt_protocol: Literal["3.1.1", "5"] = "3.1.1"
    mqtt_client_id: str | None = Field(
        None, description="stable MQTT client id for the persistent session; default officewell-gateway-SITE"
    )
    mqtt_share_group: str | None = Field(
        None, pattern=r"^[A-Za-z0-9_-]{1,64}$", description="shared-subscription group for scaled-out gateways"
    )
    mqtt_ca_file: Path | None = Field(None, description="CA bundle for mqtts:// brokers with a private CA")
    state_dir: Path | None = Field(None, description="the gateway's durable state; default: data_dir/state")
    outbox_max_mb: int = Field(1024, ge=1, le=1_048_576, description="disk quota of the gateway's outbox")
    metrics_port: int | None = Field(None, ge=0, le=65535, description="where `gateway` serves /metrics")
    language: Literal["sv", "en"] = Field(
        "sv", description="the pages' language for a visitor who has not chosen one (sv: Swedish, en: English)"
    )
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=0, le=65535)
    # NoDecode: the variables take a JSON list or plain commas (`_listed`), not only JSON as pydantic-settings would.
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="origins (https://host[:port]) whose pages may call the API; none by default"
    )
    forwarded_allow_ips: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["127.0.0.1", "::1"],
        description="proxies whose X-Forwarded-For and X-Forwarded-Proto `serve` believes (addresses, networks or *)",
    )
    secret_key: SecretStr | None = Field(None, description="signs login tokens; at least 32 characters")
    token_lifetime_min: int = Field(
        480, ge=5, le=7 * 24 * 60, description="how long a person's login token lasts, in minutes (8 hours)"
    )
    oidc_issuer: str | None = Field(
        None,
        description="OpenID Connect: the provider's issuer (Entra ID: https://login.microsoftonline.com/TENANT/v2.0)",
    )
    oidc_audience: str | None = Field(None, description="OpenID Connect: the audience tokens must carry (the app's id)")
    oidc_jwks_url: str | None = Field(
        None, description="OpenID Connect: the provider's key set (Entra ID: …/TENANT/discovery/v2.0/keys)"
    )
    oidc_role_claim: str = Field("roles", description="OpenID Connect: the claim that carries the role")
    oidc_username_claim: str = Field("preferred_username", description="OpenID Connect: the claim naming the user")
    oidc_role_map: dict[str, str] = Field(
        default_factory=dict,
        description='OpenID Connect: provider role → officewell role, JSON, e.g. {"Officewell.HR": "hr"}; '
        "required with OpenID Connect",
    )
    pseudonym_key: SecretStr | None = None
    influx_token: SecretStr | None = None
    evidence_file: Path | None = Field(
        None, description="the site's own research priors and units (default: models/data/evidence.toml)"
    )
    actions_file: Path | None = Field(
        None, description="the site's changes to the action catalogue (merged over models/data/actions.toml)"
    )
    sick_day_value_sek: float = Field(
        3000.0,
        gt=0,
        le=100_000,
        description="what one sick day costs the centre; a common Swedish rule of thumb is 10 % of a monthly salary",
    )
    handle_time_s: float = Field(300.0, gt=0, le=7200, description="mean handle time of a call (Erlang A)")
    patience_s: float = Field(120.0, gt=0, le=7200, description="mean time a caller waits before hanging up (Erlang A)")
    forecast_draws: int = Field(2000, ge=100, le=100_000, description="Monte Carlo draws of the risk forecast")
    forecast_queue: Literal["calibrate", "settings"] = Field(
        "calibrate",
        description="calibrate: patience and phone share fitted on history; settings: patience_s and phone_share",
    )
    phone_share: float = Field(
        0.9, gt=0, le=1, description="share of an available agent's time on the phone (forecast_queue=settings)"
    )
    training_days: int = Field(91, ge=0, le=730, description="days a new hire trains before a whole agent")
    training_start_capacity: float = Field(
        0.5, ge=0, le=1, description="share of an agent a new hire is worth on the first day (rising to 1)"
    )
    recruitment_days: int = Field(
        91, ge=0, le=730, description="days from a leaver's last day to an assumed replacement's first"
    )
    stand_in_fte: float = Field(1.0, gt=0, le=1, description="what an hourly-paid stand-in adds (scenarios)")
    max_age_days: int = Field(30, ge=1, le=3650, description="oldest reading timestamp the gateway accepts")
    alerts: bool = Field(
        True, description="evaluate environment alerts in `serve` (turn off on all but one server of a site)"
    )
    alert_webhook_url: str | None = Field(
        None, pattern=r"^https?://\S+$", description="POST each raised and cleared alert as JSON to this http(s) URL"
    )
    alert_webhook_secret: SecretStr | None = Field(
        None, description="signs webhook bodies (X-Officewell-Signature: sha256=HMAC); at least 32 characters"
    )
    alert_smtp_url: SecretStr | None = Field(
        None, description="e-mail alerts through smtp://[user:pass@]host[:port][?starttls=true] or smtps://…"
    )
    alert_email_from: str | None = Field(None, pattern=r"^[^\s@<>]+@[^\s@<>]+$", description="the alerts' sender")
    alert_email_to: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="who gets alert e-mails: addresses, commas or a JSON list"
    )
    alert_mqtt: str | None = Field(
        None, description="true: publish alerts to officewell/SITE/alerts on the OFFICEWELL_MQTT broker; or a topic"
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["text", "json"] = Field("text", description="json: one JSON object per line")
    # The centre's goals (contracts §6: defaults, configurable).
    answer_rate_target: float = Field(
        TARGET_ANSWER_RATE, gt=0, le=1, description="the weekly answer-rate goal as a share: 0.95 = 95 %"
    )
    nki_target_treatment: float = Field(
        NKI_TARGETS["treatment"], ge=NKI_SCALE[0], le=NKI_SCALE[1], description="NKI goal for treatment (1–5)"
    )
    nki_target_knowledge: float = Field(
        NKI_TARGETS["knowledge"], ge=NKI_SCALE[0], le=NKI_SCALE[1], description="NKI goal for knowledge (1–5)"
    )

    @field_validator("cors_origins", "forwarded_allow_ips", "alert_email_to", mode="before")
    @classmethod
    def _listed(cls, value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                try:
                    return json.loads(text)
                except json.JSONDecodeError as exc:
                    raise ValueError(f"not a JSON list ({exc}); or give the values separated by commas") from None
            return [part.strip() for part in text.split(",") if part.strip()]
        return value

    @field_validator("cors_origins")
    @classmethod
    def _origins(cls, value: list[str]) -> list[str]:
        # A browser sends Origin as scheme://host[:port]; CORS compares it as a string, so a path never matches.
        for origin in value:
            if origin != "*" and not ORIGIN.fullmatch(origin):
                raise ValueError(f"{origin!r} is not an origin: write scheme://host[:port], e.g. https://intra.example")
        return value

    @field_validator("forwarded_allow_ips")
    @classmethod
    def _proxies(cls, value: list[str]) -> list[str]:
        # uvicorn silently never matches what it cannot parse (and "*" only alone), so refuse it here.
        if "*" in value and len(value) > 1:
            raise ValueError("* trusts every address: give it alone or not at all")
        for proxy in value:
            if proxy == "*":
                continue
            try:
                parse = ipaddress.ip_network if "/" in proxy else ipaddress.ip_address
                parse(proxy)
            except ValueError:
                raise ValueError(f"{proxy!r} is not an IP address or network, e.g. 10.0.0.5 or 10.0.0.0/24") from None
        return value

    @field_validator("secret_key", "pseudonym_key", "alert_webhook_secret")
    @classmethod
    def _safe_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        problem = weakness(value.get_secret_value())
        if problem:
            raise ValueError(f"unsafe secret ({problem}): use `openssl rand -hex 32`")
        return value

    @field_validator("alert_email_to")
    @classmethod
    def _addresses(cls, value: list[str]) -> list[str]:
        for address in value:
            if not re.fullmatch(r"[^\s@<>,]+@[^\s@<>,]+", address):
                raise ValueError(f"{address[:80]!r} is not an e-mail address such as facilities@kommun.example")
        return value

    @field_validator("alert_mqtt")
    @classmethod
    def _alert_topic(cls, value: str | None) -> str | None:
        # true/false like a flag, anything else is a topic of one's own (no wildcards: it is published to).
        if value is None or value.strip().lower() in ("", "0", "false", "no", "off"):
            return None
        if value.strip().lower() in ("1", "true", "yes", "on"):
            return "true"
        if any(c in value for c in "+#\0") or value.startswith("$") or len(value.encode()) > 1024:
            raise ValueError("true, false, or a topic to publish to (no + or #, not starting with $)")
        return value

    @model_validator(mode="after")
    def _alerts_complete(self) -> Settings:
        if self.alert_smtp_url is not None:
            from officewell.alerting.mail import SmtpAddress

            try:
                SmtpAddress.parse(self.alert_smtp_url.get_secret_value())
            except ValueError as exc:
                raise ValueError(f"OFFICEWELL_ALERT_SMTP_URL: {exc}") from None
            if not (self.alert_email_from and self.alert_email_to):
                raise ValueError("e-mail alerts need OFFICEWELL_ALERT_EMAIL_FROM and OFFICEWELL_ALERT_EMAIL_TO")
        if self.alert_webhook_secret is not None and self.alert_webhook_url is None:
            raise ValueError("OFFICEWELL_ALERT_WEBHOOK_SECRET is set but OFFICEWELL_ALERT_WEBHOOK_URL is not")
        return self

    @model_validator(mode="after")
    def _oidc_complete(self) -> Settings:
        given = {
            "oidc_issuer": self.oidc_issuer,
            "oidc_audience": self.oidc_audience,
            "oidc_jwks_url": self.oidc_jwks_url,
        }
        if any(given.values()) and not all(given.values()):
            missing = ", ".join(PREFIX + k.upper() for k, v in given.items() if not v)
            raise ValueError(f"OpenID Connect needs the issuer, the audience and the key set URL: set {missing}")
        if self.oidc_jwks_url:
            url = urlsplit(self.oidc_jwks_url)
            # Keys fetched over plain http from elsewhere could be anyone's: then anyone could sign an admin token.
            local = url.scheme == "http" and url.hostname in ("127.0.0.1", "::1", "localhost")
            if url.scheme != "https" and not local:
                raise ValueError("OFFICEWELL_OIDC_JWKS_URL must be https:// (http only on this machine, for testing)")
        if self.oidc_issuer == "officewell":
            raise ValueError("OFFICEWELL_OIDC_ISSUER cannot be 'officewell', the issuer of officewell's own tokens")
        if self.oidc_issuer and not self.oidc_role_map:
            # The provider's role names may be shared with other applications: say which mean what here.
            raise ValueError(
                'OpenID Connect needs OFFICEWELL_OIDC_ROLE_MAP, e.g. {"Officewell.HR": "hr", "Officewell.Admin": '
                '"admin"}'
            )
        return self

    @property
    def store_url(self) -> str:
        """The reading store URL, defaulting to the embedded store in the data dir."""
        return self.store or f"sqlite:///{(self.data_dir / 'readings.db').resolve()}"

    @property
    def outbox_path(self) -> Path:
        """The gateway's outbox file, which also keeps the dead letters."""
        return (self.state_dir or self.data_dir / "state") / "outbox.db"

    @property
    def users_path(self) -> Path:
        """The users file."""
        return self.data_dir / "users.json"

    @property
    def goal_targets(self) -> GoalTargets:
        """The answer-rate and NKI targets the goal follow-up measures against."""
        return GoalTargets(
            answer_rate=self.answer_rate_target,
            nki={"treatment": self.nki_target_treatment, "knowledge": self.nki_target_knowledge},
        )


MIN_SECRET_LENGTH = 32
# The characters' frequencies understate a random string's bits: `openssl rand -hex 16` (128 bits) measures
# 96–125 by them (over 20 000 draws; 116 on average), so the bar is set below that, not at 128.
MIN_SECRET_BITS = 88


def weakness(secret: str) -> str | None:
    """Why a secret is too weak to sign tokens or key pseudonyms, or None if it looks random enough.

    Length alone is not enough: "changeme" four times or 32 × "a" are 32 characters. A secret is refused
    when it is short, a known example, a repetition of a shorter piece, or when its characters carry less
    than MIN_SECRET_BITS by their frequencies (Shannon entropy × length) or fewer than eight distinct ones.
    """
    if len(secret) < MIN_SECRET_LENGTH:
        return f"shorter than {MIN_SECRET_LENGTH} characters"
    lowered = secret.lower()
    for size in range(1, len(secret) // 2 + 1):
        if len(secret) % size == 0 and secret[:size] * (len(secret) // size) == secret:
            return "a shorter piece repeated"
    if any(word in lowered for word in UNSAFE_SECRETS if len(word) >= 6):
        return "it contains a well-known example secret"
    counts = Counter(secret)
    bits = -sum(n * math.log2(n / len(secret)) for n in counts.values())
    if bits < MIN_SECRET_BITS or len(counts) < 8:
        return "too few distinct random characters"
    return None


def build_settings(**flags: Any) -> Settings:
    """Settings from flags (those not None) over OFFICEWELL_* variables; unknown variables are errors."""
    known = {PREFIX + name.upper() for name in Settings.model_fields}
    unknown = sorted(k for k in os.environ if k.startswith(PREFIX) and k not in known)
    if unknown:
        raise SettingsError(f"unknown setting(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    try:
        return Settings(**{k: v for k, v in flags.items() if v is not None})
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            name = ".".join(str(p) for p in err["loc"])
            # Name a flag only where the command offers one: secrets, say, come from the environment only.
            variable = PREFIX + name.upper()
            where = f"flag --{name.replace('_', '-')} or {variable}" if name in flags else variable
            problems.append(f"{name} ({where}): {err['msg']}")
        raise SettingsError("; ".join(problems)) from exc


__all__ = ["PREFIX", "Settings", "SettingsError", "build_settings", "weakness"]
