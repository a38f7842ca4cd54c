"""Logging set-up: readable lines for people, or one JSON object per line for log collectors."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Literal

from sensors.text import safe_text

LogFormat = Literal["text", "json"]

_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}

# A logged value can come from outside (an MQTT topic, a file name): a newline in it would forge a log line
# and a 60 000-character topic would make a 60 000-character one.
MAX_MESSAGE_CHARS = 2000


class SafeTextFormatter(logging.Formatter):
    """The text format with every message made safe: one record is always exactly one line."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        """Format the record with its message escaped and capped."""
        record.message = safe_text(record.message, MAX_MESSAGE_CHARS)
        return super().formatMessage(record)


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, and any `extra=` fields."""

    def format(self, record: logging.LogRecord) -> str:
        """Render the record as a JSON line."""
        body = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": safe_text(record.getMessage(), MAX_MESSAGE_CHARS),
        }
        body.update(
            {k: safe_text(v) if isinstance(v, str) else v for k, v in vars(record).items() if k not in _STANDARD}
        )
        if record.exc_info:
            body["exception"] = self.formatException(record.exc_info)
        return json.dumps(body, default=str, ensure_ascii=False)


def configure_logging(level: str, fmt: LogFormat = "text") -> None:
    """Send logs to stderr at `level`, as text lines or JSON lines."""
    handler = logging.StreamHandler()
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(SafeTextFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
