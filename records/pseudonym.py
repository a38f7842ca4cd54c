"""Employee ids become keyed hashes on import; the raw id never reaches storage, logs or messages."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata
from collections.abc import Iterable

from pydantic import SecretStr

from records.errors import InvalidRequestError, MissingPseudonymKeyError

KEY_VARIABLE = "OFFICEWELL_PSEUDONYM_KEY"
MIN_KEY_LENGTH = 32
PSEUDONYM_LENGTH = 64  # hex digits of HMAC-SHA256

_SPACE = re.compile(r"\s+")
_PSEUDONYM = re.compile(r"^[0-9a-f]{64}$")


def normalise_id(raw: str) -> str:
    """The canonical form of an employee id: NFKC, no whitespace, upper case (so ' e-12 ' == 'E-12')."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", raw)).upper()


def is_pseudonym(value: str) -> bool:
    """Whether a string has the shape of a pseudonym (64 lower-case hex digits)."""
    return bool(_PSEUDONYM.match(value))


class Pseudonymiser:
    """HMAC-SHA256 of normalised employee ids under a secret key; holds the key, never shows it."""

    def __init__(self, key: SecretStr | str | None, *, generated_for_demo: bool = False) -> None:
        raw = key.get_secret_value() if isinstance(key, SecretStr) else key
        if not raw:
            raise MissingPseudonymKeyError(
                f"no pseudonymisation key: set {KEY_VARIABLE} to at least {MIN_KEY_LENGTH} random characters "
                "(e.g. `openssl rand -hex 32`) and keep it: the same key must be used for every import"
            )
        if len(raw) < MIN_KEY_LENGTH:
            raise MissingPseudonymKeyError(f"{KEY_VARIABLE} is too short: use at least {MIN_KEY_LENGTH} characters")
        self._key = raw.encode("utf-8")
        self.generated_for_demo = generated_for_demo

    @classmethod
    def for_demo(cls) -> Pseudonymiser:
        """A pseudonymiser with a fresh random key: only the demo may do this (its data is synthetic)."""
        return cls(secrets.token_hex(32), generated_for_demo=True)

    def __repr__(self) -> str:
        return f"Pseudonymiser(key=***, generated_for_demo={self.generated_for_demo})"

    def pseudonym(self, raw_id: str) -> str:
        """The pseudonym of one raw employee id."""
        normalised = normalise_id(raw_id)
        if not normalised:
            raise InvalidRequestError("an empty employee id has no pseudonym")
        return hmac.new(self._key, normalised.encode("utf-8"), hashlib.sha256).hexdigest()

    def pseudonyms(self, raw_ids: Iterable[str]) -> dict[str, str]:
        """Pseudonyms of many raw ids, each distinct id hashed once."""
        return {raw: self.pseudonym(raw) for raw in set(raw_ids)}
