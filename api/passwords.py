"""Password hashing: argon2id through pwdlib; the scrypt hashes of earlier versions still verify and are upgraded.

The argon2id parameters are OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): a check costs about
60 ms and 19 MiB here, like the scrypt it replaces, so the login throttle's bound on concurrent checks
keeps its meaning. A hash records its parameters, so raising them later upgrades each user at their next
login (`verify_and_update`).
"""

from __future__ import annotations

import hashlib
import hmac

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

_HASHER = PasswordHash((Argon2Hasher(time_cost=2, memory_cost=19456, parallelism=1),))
_LEGACY = "scrypt$"


def hash_password(password: str) -> str:
    """A salted argon2id hash in PHC form ($argon2id$v=19$m=…), self-describing."""
    return _HASHER.hash(password)


def verify_and_update(password: str, stored: str) -> tuple[bool, str | None]:
    """Whether the password matches, and a new hash to store when the old one is outdated (scrypt, weaker argon2)."""
    if stored.startswith(_LEGACY):
        return (True, hash_password(password)) if _verify_scrypt(password, stored) else (False, None)
    try:
        valid, updated = _HASHER.verify_and_update(password, stored)
    except Exception:
        return False, None
    return valid, updated if valid else None


def verify_password(password: str, stored: str) -> bool:
    """Whether the password matches a stored hash (argon2id, or the scrypt of earlier versions)."""
    return verify_and_update(password, stored)[0]


def _verify_scrypt(password: str, stored: str) -> bool:
    # Hashes written by officewell 0.1's api.security.hash_password: scrypt$n$r$p$salt$digest (hex).
    try:
        _scheme, n, r, p, salt, digest = stored.split("$")
        candidate = hashlib.scrypt(
            password.encode(), salt=bytes.fromhex(salt), dklen=32, n=int(n), r=int(r), p=int(p), maxmem=64 << 20
        )
    except ValueError:
        return False
    return hmac.compare_digest(candidate.hex(), digest)


# Spent on an unknown username, so that a wrong name and a wrong password take the same time.
DUMMY_HASH = hash_password("officewell-dummy-password")
