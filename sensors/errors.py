"""The exceptions of the sensors package."""


class SensorsError(Exception):
    """Base of every error raised by the sensors package."""


class SiteFileError(SensorsError):
    """The site file is missing, unreadable or describes an impossible site; the message says where."""


class DecodeError(SensorsError):
    """A payload could not be decoded; the message is the dead-letter reason."""


class InvalidReadingError(SensorsError, ValueError):
    """A Reading cannot be made from what it was given (a naive timestamp); the message says which."""


class UnknownFormatError(SensorsError, KeyError):
    """No decoder is registered under a format name; the message names the known formats."""

    def __str__(self) -> str:
        # KeyError's own str() is the repr of its argument; show the message as it was written.
        return str(self.args[0]) if self.args else ""


class FieldError(SensorsError, ValueError):
    """A value is not a number officewell can read; the message says why."""


class UnitError(SensorsError, ValueError):
    """A value's unit cannot be turned into its quantity's unit; the message says why."""
