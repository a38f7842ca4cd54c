"""The exceptions of the officewell wiring package (settings, CLI, demo)."""


class OfficewellError(Exception):
    """Base of every error raised by the wiring package."""


class SettingsError(OfficewellError):
    """The settings are incomplete, unknown or unsafe; the message says which and how to fix it."""


class SimulationError(OfficewellError):
    """The office simulator or the centre generator refused what it was asked; the message says what."""
