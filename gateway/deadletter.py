"""Dead letters: messages, or parts of them, that could not be stored, with the reason why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sensors.text import safe_text

# Payloads over the contract's limit are kept in part: enough to see what was sent.
KEPT_PAYLOAD_BYTES = 16 * 1024
# A topic of 60 000 characters or a reason quoting one would flood the log and the page: both are capped, and
# control characters are escaped so that a topic cannot forge a line where it is shown or logged.
KEPT_TOPIC_CHARS = 512
KEPT_REASON_CHARS = 1024


@dataclass(frozen=True)
class DeadLetter:
    """A rejected message (or the rejected part of a partly good one) and why it was rejected."""

    received_at: datetime
    topic: str
    payload: bytes
    reason: str
    partial: bool = False
    payload_size: int = 0

    @classmethod
    def of(cls, received_at: datetime, topic: str, payload: bytes, reason: str, *, partial: bool = False) -> DeadLetter:
        """A dead letter: at most KEPT_PAYLOAD_BYTES of the payload (and its size), topic and reason made safe."""
        return cls(
            received_at,
            safe_text(topic, KEPT_TOPIC_CHARS),
            payload[:KEPT_PAYLOAD_BYTES],
            safe_text(reason, KEPT_REASON_CHARS),
            partial,
            len(payload),
        )

    def payload_text(self) -> str:
        """The payload for display: UTF-8 where it decodes, escapes where it does not."""
        return self.payload.decode("utf-8", errors="backslashreplace")
