"""Tokens from the municipality's OpenID Connect provider (Entra ID, Keycloak, …), checked against its key set.

A token whose `iss` is the configured issuer is checked here: signature by the key of its `kid` from the
provider's JWKS (fetched by PyJWT's PyJWKClient and cached), an asymmetric algorithm only (RS/PS/ES —
never HS or `none`), the audience, expiry and not-before. The user's name comes from one claim
(`preferred_username` by default) and the role from another (`roles`: Entra ID's app roles), mapped by
`role_map` from the provider's values to officewell's roles. A token that maps to no role, or to more
than one, is refused: a person has one role here.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import jwt

from api.security import Principal, Role

log = logging.getLogger(__name__)

ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")


@dataclass(frozen=True)
class OidcConfig:
    """Where the provider's keys are and how its claims become a user and a role."""

    issuer: str
    audience: str
    jwks_url: str
    role_claim: str = "roles"
    username_claim: str = "preferred_username"
    role_map: Mapping[str, Role] = field(default_factory=lambda: MappingProxyType({r.value: r for r in Role}))
    leeway_s: int = 60  # clock skew between the provider and this server


class OidcVerifier:
    """Checks bearer tokens issued by the configured provider."""

    def __init__(self, config: OidcConfig, jwks: jwt.PyJWKClient | None = None) -> None:
        """Use `jwks` or a cached client of the config's JWKS URL."""
        self.config = config
        # The key set is cached for `lifespan` seconds and fetched again after: a key the provider withdraws stops
        # working then. (cache_keys=True would keep every key seen in an lru_cache until the process ends.)
        self._jwks = jwks or jwt.PyJWKClient(config.jwks_url, cache_keys=False, lifespan=300, timeout=5)

    def verify(self, token: str, now: float | None = None) -> Principal | None:
        """The principal of a valid token of the provider, else None (the reason is logged at INFO)."""
        try:
            key = self._jwks.get_signing_key_from_jwt(token)
            claims = jwt.decode(
                token,
                key.key,
                algorithms=list(ALGORITHMS),
                audience=self.config.audience,
                issuer=self.config.issuer,
                leeway=self.config.leeway_s,
                options={"require": ["iss", "aud", "exp"], "verify_exp": now is None},
            )
        except jwt.PyJWKClientError as exc:
            log.warning("OIDC: could not get the provider's signing key: %s", exc)
            return None
        except jwt.PyJWTError as exc:
            log.info("OIDC: token refused: %s", exc)
            return None
        if now is not None and int(claims["exp"]) + self.config.leeway_s <= now:
            return None
        username = claims.get(self.config.username_claim)
        if not isinstance(username, str) or not username or len(username) > 100:
            log.info("OIDC: token has no usable %r claim", self.config.username_claim)
            return None
        if username.startswith("token:"):  # the audit log's name for machine tokens: no person may take it
            log.info("OIDC: refused the username %r", username[:100])
            return None
        role = self.role_of(claims.get(self.config.role_claim))
        return None if role is None else Principal(username, role, via="oidc")

    def role_of(self, value: object) -> Role | None:
        """The one officewell role the claim's value(s) map to, or None (none, or several)."""
        values = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        roles = {self.config.role_map[v] for v in values if isinstance(v, str) and v in self.config.role_map}
        if len(roles) != 1:
            log.info("OIDC: the %r claim maps to %d roles; exactly one is needed", self.config.role_claim, len(roles))
            return None
        return roles.pop()


def role_map_of(raw: Mapping[str, str]) -> Mapping[str, Role]:
    """A role map from settings (provider value → role name), checked: ValueError names an unknown role."""
    mapped: dict[str, Role] = {}
    for value, role in raw.items():
        try:
            mapped[value] = Role(role)
        except ValueError:
            raise ValueError(
                f"OIDC role map: {value!r} maps to unknown role {role!r}; use one of "
                + ", ".join(r.value for r in Role)
            ) from None
    return MappingProxyType(mapped)
