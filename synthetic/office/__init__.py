"""A deterministic simulator of an office's sound, light and air, minute by minute, per device."""

from synthetic.office.changes import ZoneChange
from synthetic.office.filters import FilterLoading
from synthetic.office.publisher import native_payload, publish_live
from synthetic.office.simulator import COLUMNS, OfficeSimulator

__all__ = ["COLUMNS", "FilterLoading", "OfficeSimulator", "ZoneChange", "native_payload", "publish_live"]
