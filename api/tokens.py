"""Bearer tokens for people: short-lived JWTs (RFC 7519) signed with HS256 by PyJWT.

Claims: `iss` "officewell", `aud` "officewell-api", `sub` the username, `role`, `stp` the user's password
stamp (a new password ends every token issued before it), `iat`, `exp` and a random `jti`. Only HS256
is accepted on this path: a token with `alg: none`, or signed with RS/ES (the "algorithm confusion" of a
public key used as an HMAC secret), is refused before its signature is looked at.
"""

from __future__ import annotations

import secrets
import time

import jwt

from api.errors import WeakSecretError
from api.security import Principal, Role

ISSUER = "officewell"
AUDIENCE = "officewell-api"
ALGORITHM = "HS256"
_REQUIRED = ["iss", "aud", "sub", "exp", "iat"]


class TokenSigner:
    """Issues and checks the HS256 JWTs of people who logged in with a password."""

    def __init__(self, secret: str, lifetime_s: int = 8 * 3600) -> None:
        """Sign with `secret` (at least 32 characters, else WeakSecretError); tokens live `lifetime_s` seconds."""
        if len(secret) < 32:
            raise WeakSecretError("the token secret must be at least 32 characters")
        self._key = secret
        self.lifetime_s = lifetime_s

    def issue(self, principal: Principal, now: float | None = None, *, stamp: str = "") -> str:
        """A token for the principal; `stamp` (the user's password stamp) makes a new password end it."""
        issued = int(now if now is not None else time.time())
        claims = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": principal.username,
            "role": principal.role.value,
            "stp": stamp,
            "iat": issued,
            "exp": issued + self.lifetime_s,
            "jti": secrets.token_urlsafe(12),
        }
        return jwt.encode(claims, self._key, algorithm=ALGORITHM)

    def verify(self, token: str, now: float | None = None) -> Principal | None:
        """The principal of a valid, unexpired token of ours, else None."""
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=[ALGORITHM],
                audience=AUDIENCE,
                issuer=ISSUER,
                # Expiry is checked below against `now`, so tests and the API's clock agree.
                options={"require": _REQUIRED, "verify_exp": False},
            )
            if int(claims["exp"]) <= (now if now is not None else time.time()):
                return None
            return Principal(str(claims["sub"]), Role(claims["role"]), str(claims.get("stp", "")), via="password")
        except (jwt.PyJWTError, KeyError, ValueError, TypeError):
            return None


def issuer_of(token: str) -> str | None:
    """The `iss` claim of a JWT without checking it (to pick the path that will check it), or None."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return None
    issuer = claims.get("iss") if isinstance(claims, dict) else None
    return issuer if isinstance(issuer, str) else None
