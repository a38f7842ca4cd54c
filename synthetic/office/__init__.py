"""A deterministic simulator of an office's sound, light and air, minute by minute, per device."""

from synthetic.office.publisher import native_payload, publish_live
from synthetic.office.simulator import COLUMNS, OfficeSimulator

__all__ = ["COLUMNS", "OfficeSimulator", "native_payload", "publish_live"]
