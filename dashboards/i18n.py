"""The pages' message catalogs: one JSON file per language and page, read once, the same text for server and browser."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Literal, get_args

Language = Literal["sv", "en"]
LANGUAGES: tuple[Language, ...] = get_args(Language)
DEFAULT_LANGUAGE: Language = "sv"
# The locale each language formats numbers and dates in: `94,1 %`, `1 dec. 2026` in Swedish.
LOCALES: Mapping[Language, str] = MappingProxyType({"sv": "sv-SE", "en": "en-GB"})
CATALOG_DIR = Path(__file__).parent / "i18n"


class CatalogError(ValueError):
    """A catalog file is malformed, or the languages' catalogs do not hold the same keys."""


def is_language(value: str | None) -> bool:
    """Whether `value` names a language the pages are written in."""
    return value in LANGUAGES


@cache
def catalog(language: Language) -> Mapping[str, str]:
    """Every message of one language, keyed `<file>.<key>` (e.g. `common.login.title`)."""
    if language not in LANGUAGES:
        raise CatalogError(f"no catalog for language {language!r}; known: {', '.join(LANGUAGES)}")
    messages: dict[str, str] = {}
    for path in sorted((CATALOG_DIR / language).glob("*.json")):
        try:
            entries = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise CatalogError(f"{path}: line {exc.lineno}: {exc.msg}") from exc
        if not isinstance(entries, dict):
            raise CatalogError(f"{path}: a catalog is one JSON object of key → text")
        for key, text in entries.items():
            if not isinstance(text, str):
                raise CatalogError(f"{path}: {key!r} must be a string")
            messages[f"{path.stem}.{key}"] = text
    return MappingProxyType(messages)


def check_catalogs() -> None:
    """Raise CatalogError unless every language has exactly the keys of every other."""
    keys = {language: set(catalog(language)) for language in LANGUAGES}
    first, *others = LANGUAGES
    for other in others:
        missing = sorted(keys[first] - keys[other])
        extra = sorted(keys[other] - keys[first])
        if missing or extra:
            raise CatalogError(
                f"the {other} catalog lacks {missing[:10]} and has keys the {first} one lacks: {extra[:10]}"
            )


def translate(language: Language, key: str, /, **params: object) -> str:
    """The message `key` in `language` with `{name}` placeholders filled; an unknown key shows as itself."""
    text = catalog(language).get(key)
    if text is None:
        return key  # visible on the page and caught by the catalog tests, rather than an error page
    return text.format_map(params) if params else text
