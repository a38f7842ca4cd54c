"""InfluxDB line protocol on `lineprotocol/…` or Telegraf's `telegraf/<host>/<plugin>`: measurement `environment`.

The device is the `device` tag, or — as Telegraf sends it — the `host` tag when there is no `device` tag.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from sensors.decoders.base import Decoder, Sample
from sensors.decoders.fields import Fields
from sensors.decoders.topics import roots_for, split_root
from sensors.errors import DecodeError
from sensors.quantities import QUANTITIES
from sensors.reading import from_epoch_ns
from sensors.site import Site

ROOTS = ("lineprotocol", "telegraf")  # ours, and Telegraf's MQTT output default; the site file's [topics] may differ
MEASUREMENT = "environment"

# Which characters a backslash escapes in each element (docs.influxdata.com line protocol, "Special characters");
# a backslash before any other character is a literal backslash.
_MEASUREMENT_ESCAPES = frozenset(", \\")
_KEY_ESCAPES = frozenset(",= \\")

# re.ASCII: \d would otherwise take other scripts' digits, which line protocol does not.
_FLOAT = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?", re.ASCII)
_INTEGER = re.compile(r"-?\d+i", re.ASCII)
_UINTEGER = re.compile(r"\d+u", re.ASCII)
_BOOLEANS = {"t": True, "T": True, "true": True, "True": True, "TRUE": True}
_BOOLEANS |= {"f": False, "F": False, "false": False, "False": False, "FALSE": False}
_INT64 = 2**63
_TIMESTAMP = re.compile(r"-?\d{1,19}", re.ASCII)


@dataclass(frozen=True)
class Point:
    """One parsed line: measurement, tags, fields (float, int, str or bool) and optional ns timestamp."""

    line: int
    measurement: str
    tags: tuple[tuple[str, str], ...]
    fields: tuple[tuple[str, float | int | str | bool], ...]
    timestamp_ns: int | None


class LineProtocolDecoder:
    """Decodes one or more lines per message; lines of other measurements are skipped."""

    name = "line-protocol"

    def __init__(self, roots: tuple[str, ...] = ROOTS) -> None:
        """Own the topics under `roots` (default `lineprotocol/` and Telegraf's `telegraf/`)."""
        self.roots = roots

    def bind(self, site: Site) -> Decoder:
        """Devices are named in the payload, not the topic: only the topic roots come from the site."""
        return LineProtocolDecoder(roots_for(site, self.name, ROOTS))

    def topic_filters(self, site_id: str) -> tuple[str, ...]:
        """Everything under the topic roots."""
        return tuple(f"{root}/#" for root in self.roots)

    def matches(self, topic: str) -> bool:
        """Topics under a root."""
        return split_root(topic, self.roots) is not None

    def decode(self, topic: str, payload: bytes) -> list[Sample]:
        """One sample per `environment` line; a syntax error anywhere rejects the whole message.

        Whole, because the message then becomes one dead letter that can be replayed once it is fixed.
        """
        try:
            text = payload.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DecodeError(f"payload is not UTF-8 (byte 0x{payload[exc.start]:02x} at offset {exc.start})") from exc
        points = parse_lines(text)
        measurements = sorted({p.measurement for p in points})
        samples = [_sample(p) for p in points if p.measurement == MEASUREMENT]
        if not samples:
            found = f" (found: {', '.join(repr(m) for m in measurements[:5])})" if measurements else ""
            raise DecodeError(f"no line with measurement {MEASUREMENT!r}{found}")
        return samples


def _sample(point: Point) -> Sample:
    tags = dict(point.tags)
    device = tags.get("device", tags.get("host"))  # Telegraf tags every point with its `host`
    if device is None:
        raise DecodeError(f"line {point.line}: no `device` tag (or Telegraf's `host`): it names the device")
    fields = Fields()
    counts = Counter(key for key, _ in point.fields)
    for key, value in point.fields:
        if key not in QUANTITIES and not (key == "battery_pct" and counts[key] == 1):
            fields.ignore(key)
        elif counts[key] > 1:
            # Which of two values is meant cannot be known; neither is kept.
            fields.reject(key, key, "given more than once in one line")
        elif key == "battery_pct":
            fields.battery(value, key)
        elif isinstance(value, bool):
            fields.reject(key, key, f"expected a number, got the boolean {str(value).lower()}")
        elif isinstance(value, str):
            fields.reject(key, key, "expected a number, got a string field")
        else:
            fields.add(key, value, key)
    ts = from_epoch_ns(point.timestamp_ns) if point.timestamp_ns is not None else None
    return fields.sample(device, ts, zone=tags.get("zone"), site=tags.get("site"))


def parse_lines(text: str) -> list[Point]:
    """Every point in line-protocol text; blank lines and `#` comments are skipped."""
    points = []
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.removesuffix("\r").lstrip(" \t")
        if not line or line.startswith("#"):
            continue
        try:
            points.append(_Parser(line).point(number))
        except _SyntaxError as exc:
            raise DecodeError(f"line {number}: {exc}") from None
    return points


class _SyntaxError(ValueError):
    pass


class _Parser:
    """A cursor over one line."""

    def __init__(self, line: str) -> None:
        self.line = line
        self.pos = 0

    def point(self, number: int) -> Point:
        measurement = self._name(_MEASUREMENT_ESCAPES, stop=", ", what="measurement")
        tags: list[tuple[str, str]] = []
        while self._peek() == ",":
            self.pos += 1
            key = self._name(_KEY_ESCAPES, stop=",= ", what="tag key")
            self._expect("=", f"'=' after tag key {key!r}")
            value = self._name(_KEY_ESCAPES, stop=",= ", what=f"value of tag {key!r}")
            if any(k == key for k, _ in tags):
                raise _SyntaxError(f"tag {key!r} given twice")
            tags.append((key, value))
        self._expect(" ", "a space before the fields")
        fields = [self._field()]
        while self._peek() == ",":
            self.pos += 1
            fields.append(self._field())
        return Point(number, measurement, tuple(tags), tuple(fields), self._timestamp())

    def _field(self) -> tuple[str, float | int | str | bool]:
        key = self._name(_KEY_ESCAPES, stop=",= ", what="field key")
        self._expect("=", f"'=' after field key {key!r}")
        if self._peek() == '"':
            return key, self._string()
        start = self.pos
        while self.pos < len(self.line) and self.line[self.pos] not in ", ":
            self.pos += 1
        return key, _field_value(key, self.line[start : self.pos])

    def _timestamp(self) -> int | None:
        if self._peek() is None:
            return None
        self._expect(" ", "a space before the timestamp")
        rest = self.line[self.pos :].rstrip(" \t")
        if not rest:
            return None
        if not _TIMESTAMP.fullmatch(rest):
            raise _SyntaxError(f"timestamp {_clip(rest)!r} is not integer nanoseconds")
        value = int(rest)
        if not -_INT64 < value < _INT64:
            raise _SyntaxError(f"timestamp {rest} is outside the 64-bit range")
        return value

    def _name(self, escapes: frozenset[str], stop: str, what: str) -> str:
        out: list[str] = []
        line = self.line
        while self.pos < len(line) and line[self.pos] not in stop:
            char = line[self.pos]
            if char == "\\" and self.pos + 1 < len(line) and line[self.pos + 1] in escapes:
                char = line[self.pos + 1]
                self.pos += 1
            out.append(char)
            self.pos += 1
        if not out:
            raise _SyntaxError(f"empty {what} at column {self.pos + 1}")
        return "".join(out)

    def _string(self) -> str:
        self.pos += 1  # the opening quote
        out: list[str] = []
        line = self.line
        while self.pos < len(line):
            char = line[self.pos]
            if char == '"':
                self.pos += 1
                return "".join(out)
            if char == "\\" and self.pos + 1 < len(line) and line[self.pos + 1] in '"\\':
                char = line[self.pos + 1]
                self.pos += 1
            out.append(char)
            self.pos += 1
        raise _SyntaxError("string field value has no closing quote")

    def _peek(self) -> str | None:
        return self.line[self.pos] if self.pos < len(self.line) else None

    def _expect(self, char: str, what: str) -> None:
        if self._peek() != char:
            found = "the end of the line" if self._peek() is None else repr(self._peek())
            raise _SyntaxError(f"expected {what} at column {self.pos + 1}, found {found}")
        self.pos += 1


def _field_value(key: str, token: str) -> float | int | bool:
    if token in _BOOLEANS:
        return _BOOLEANS[token]
    if _INTEGER.fullmatch(token):
        value = int(token[:-1])
        if not -_INT64 <= value < _INT64:
            raise _SyntaxError(f"field {key!r}: integer {_clip(token)} is outside the 64-bit range")
        return value
    if _UINTEGER.fullmatch(token):
        value = int(token[:-1])
        if value >= 2 * _INT64:
            raise _SyntaxError(f"field {key!r}: unsigned integer {_clip(token)} is outside the 64-bit range")
        return value
    if _FLOAT.fullmatch(token):
        return float(token)  # may be inf for 1e999: Fields rejects it per key
    raise _SyntaxError(f"field {key!r}: {_clip(token)!r} is not a number, string or boolean")


def _clip(text: str) -> str:
    return text if len(text) <= 30 else text[:27] + "..."
