"""The report's message catalogs (sv.toml, en.toml) and number and date formats by Babel.

A catalog is a TOML file of texts under dotted keys ("section.goals.title"); [format] holds the locale and
the Babel patterns. A message's parameters are formatted by how their names end (see sv.toml's header),
so the model that makes a message names its kind and the catalog words it:

    _pct 0.941 → "94,1 %"    _pp 1.2 → "1,2"     _num 4.15 → "4,2"     _int 39241 → "39 241"
    _date "2026-12-01" → "1 december 2026"       _week "2026-11-23" → "v. 48 2026"    _pct0 0.5 → "50 %"
    _key "nki.treatment" → "bemötande"           _keys → several, joined    _items → a list by its template
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from functools import cache
from importlib import resources
from typing import Any, Literal

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

Lang = Literal["sv", "en"]
LANGS: tuple[Lang, ...] = ("sv", "en")
DASH = "–"


class Catalog:
    """One language's texts and formats."""

    def __init__(self, lang: str, texts: Mapping[str, str]) -> None:
        """The catalog of `lang` with its flattened texts."""
        self.lang = lang
        self.texts = dict(texts)
        self.locale = self.texts["format.locale"]

    def __getitem__(self, key: str) -> str:
        """The text of `key`, unformatted."""
        return self.texts[key]

    def t(self, key: str, **params: object) -> str:
        """The text of `key` with its {placeholders} filled in with already formatted values."""
        text = self.texts[key]
        return text.format(**params) if params else text

    def message(self, key: str, params: Mapping[str, Any]) -> str:
        """A report Message's sentence: each parameter formatted by its name's ending, then filled in."""
        formatted = {name: self.param(key, name, value) for name, value in params.items()}
        return self.texts[key].format(**formatted)

    def param(self, key: str, name: str, value: Any) -> str:
        """One parameter of message `key`, formatted by how its name ends."""
        if value is None:
            return DASH
        if isinstance(value, Mapping) and set(value) >= set(LANGS):
            return str(value[self.lang])  # a name given in both languages
        if name.endswith("_items"):
            template = f"{key}_{name}"
            return self.join([self.message(template, item) for item in value])
        if name.endswith("_keys"):
            return self.join([self.texts.get(k, k) for k in value])
        if isinstance(value, list | tuple):
            return self.join([str(v) for v in value])
        return self._scalar(name, value)

    def _scalar(self, name: str, value: Any) -> str:
        if name.endswith("_pct") and name.startswith(("target", "threshold")):
            return self.goal_percent(value)
        if name.endswith("_pct0"):
            return self.percent(value, whole=True)
        kinds: dict[str, Callable[[Any], str]] = {
            "_pct": self.percent,
            "_pp": self.points,
            "_num": self.decimal,
            "_int": self.integer,
            "_date": self.long_date,
            "_week": self.week_of_year,
        }
        for ending, formatter in kinds.items():
            if name.endswith(ending):
                return formatter(value)
        if name.endswith("_key"):
            return self.texts.get(str(value), str(value))
        return str(value)

    # ----- numbers and dates ---------------------------------------------------------------------------

    def percent(self, share: float | None, *, whole: bool = False) -> str:
        """A share (0.941) as a percentage in the catalog's pattern ("94,1 %")."""
        if share is None:
            return DASH
        pattern = self.texts["format.percent_whole" if whole else "format.percent"]
        return str(format_percent(share, pattern, locale=self.locale))

    def goal_percent(self, share: float) -> str:
        """A target or threshold: a whole percentage when it is one ("95 %"), else with its decimal."""
        return self.percent(share, whole=round(share * 100, 6).is_integer())

    def points(self, value: float | None, *, signed: bool = True) -> str:
        """Percentage points with one decimal, signed ("−1,2")."""
        if value is None:
            return DASH
        text = self.decimal(abs(value), 2 if 0 < abs(value) < 0.095 else 1)
        if not signed or round(value, 1) == 0:
            return text
        return ("+" if value > 0 else "−") + text

    def decimal(self, value: float | None, digits: int = 1) -> str:
        """A number with `digits` (0, 1 or 2) decimals ("4,2")."""
        if value is None:
            return DASH
        pattern = self.texts[{0: "format.integer", 2: "format.decimal2"}.get(digits, "format.decimal")]
        return str(format_decimal(value, pattern, locale=self.locale))

    def signed(self, value: float | None, digits: int = 1) -> str:
        """A change with its sign and `digits` decimals ("+12", "−0,4")."""
        if value is None:
            return DASH
        text = self.decimal(abs(value), digits)
        if round(value, digits) == 0:
            return text
        return ("+" if value > 0 else "−") + text

    def integer(self, value: float | None) -> str:
        """A whole number with the locale's grouping ("39 241")."""
        if value is None:
            return DASH
        return str(format_decimal(round(float(value)), self.texts["format.integer"], locale=self.locale))

    def long_date(self, value: date | str | None) -> str:
        """A date in words ("1 december 2026")."""
        if value is None:
            return DASH
        return str(format_date(_day(value), self.texts["format.date"], locale=self.locale))

    def month(self, value: date | str) -> str:
        """A month and year ("september 2025")."""
        return str(format_date(_day(value), self.texts["format.month"], locale=self.locale))

    def week(self, value: date | str | None) -> str:
        """The ISO week of a day ("v. 48"); both locales count weeks the ISO way (Monday first, four days)."""
        if value is None:
            return DASH
        return str(format_date(_day(value), self.texts["format.week"], locale=self.locale))

    def week_of_year(self, value: date | str | None) -> str:
        """The ISO week of a day with its ISO year ("v. 1 2026"), for sentences."""
        if value is None:
            return DASH
        return str(format_date(_day(value), self.texts["format.week_year"], locale=self.locale))

    def join(self, parts: Sequence[str]) -> str:
        """Parts joined as a list in words ("a, b och c")."""
        if len(parts) <= 1:
            return "".join(parts)
        return self.texts["format.list_separator"].join(parts[:-1]) + self.texts["format.list_last"] + parts[-1]


@cache
def catalog(lang: str) -> Catalog:
    """The catalog of `lang` ("sv" or "en"), read once."""
    if lang not in LANGS:
        raise ValueError(f"no report texts in {lang!r}: use {' or '.join(LANGS)}")
    text = resources.files("api.report_render").joinpath(f"{lang}.toml").read_text(encoding="utf-8")
    return Catalog(lang, flatten(tomllib.loads(text)))


def flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """A TOML document's nested tables as dotted keys."""
    out: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out |= flatten(value, name + ".")
        else:
            out[name] = str(value)
    return out


def _day(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)
