"""Column specifications, header aliases (Swedish and English) and mapping a file's header onto them."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from records.importers.problems import Problems

_NON_WORD = re.compile(r"[^\w]+")
_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u"})


def normalise_name(text: str) -> str:
    """A header or enum value compared loosely: case, accents on å/ä/ö, spaces and punctuation do not matter."""
    text = unicodedata.normalize("NFKC", text).strip().strip("\ufeff").casefold()
    text = text.replace("%", " ").translate(_FOLD)
    return _NON_WORD.sub("_", text).strip("_")


@dataclass(frozen=True)
class ColumnSpec:
    """A column a kind of file has: its canonical name, accepted aliases and whether it must be present."""

    name: str
    aliases: tuple[str, ...] = ()
    required: bool = True

    def accepts(self) -> frozenset[str]:
        """Every normalised header that means this column."""
        return frozenset(normalise_name(n) for n in (self.name, *self.aliases))


@dataclass(frozen=True)
class HeaderMap:
    """Where each known column sits in the file and what the file calls it."""

    index: dict[str, int]
    header: dict[str, str]
    ignored: tuple[str, ...]

    def label(self, column: str) -> str:
        """The column as the user's file names it (for error messages)."""
        shown = self.header.get(column, column)
        return shown if normalise_name(shown) == column else f"{shown} ({column})"


def known_headers(specs: tuple[ColumnSpec, ...]) -> frozenset[str]:
    """All normalised headers of a kind (used to tell which delimiter splits the header sensibly)."""
    return frozenset().union(*(spec.accepts() for spec in specs))


def map_headers(headers: tuple[str, ...], specs: tuple[ColumnSpec, ...], problems: Problems) -> HeaderMap:
    """Match the file's header row against the specs; missing and repeated columns are row-1 errors."""
    index: dict[str, int] = {}
    shown: dict[str, str] = {}
    ignored: list[str] = []
    for position, header in enumerate(headers):
        key = normalise_name(header)
        spec = next((s for s in specs if key in s.accepts()), None)
        if spec is None:
            if header.strip():
                ignored.append(header.strip())
            continue
        if spec.name in index:
            problems.add(
                1, header, f"column {spec.name} appears twice (as {shown[spec.name]!r} and {header.strip()!r})"
            )
            continue
        index[spec.name] = position
        shown[spec.name] = header.strip()
    for spec in specs:
        if spec.required and spec.name not in index:
            also = ", ".join(spec.aliases[:6])
            problems.add(1, spec.name, f"missing column {spec.name!r}" + (f" (also accepted: {also})" if also else ""))
    return HeaderMap(index, shown, tuple(ignored))
