"""The exceptions of the sensors package."""


class SensorsError(Exception):
    """Base of every error raised by the sensors package."""


class SiteFileError(SensorsError):
    """The site file is missing, unreadable or describes an impossible site; the message says where."""


class DecodeError(SensorsError):
    """A payload could not be decoded; the message is the dead-letter reason."""
