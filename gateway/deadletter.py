"""Dead letters: messages, or parts of them, that could not be stored, with the reason why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

# Payloads over the contract's limit are kept in part: enough to see what was sent.
KEPT_PAYLOAD_BYTES = 16 * 1024


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
        """A dead letter keeping at most KEPT_PAYLOAD_BYTES of the payload and its full size."""
        return cls(received_at, topic[:1024], payload[:KEPT_PAYLOAD_BYTES], reason, partial, len(payload))

    def payload_text(self) -> str:
        """The payload for display: UTF-8 where it decodes, escapes where it does not."""
        return self.payload.decode("utf-8", errors="backslashreplace")
