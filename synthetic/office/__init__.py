"""A deterministic simulator of an office's sound, light and air, minute by minute, per device."""

from synthetic.office.simulator import OfficeSimulator

__all__ = ["OfficeSimulator"]
