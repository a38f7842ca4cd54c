"""Text that came from outside (a topic, a payload, a device name) made safe to log, store and show."""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, and the Unicode line and paragraph separators: each could start a new log line
# or a terminal escape sequence.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def safe_text(text: str, limit: int = 2000) -> str:
    """The text with control characters escaped (a newline shows as backslash-n), cut at `limit` with a note."""
    escaped = _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
    if len(escaped) > limit:
        return f"{escaped[:limit]}… ({len(escaped) - limit} more characters)"
    return escaped
