"""The exceptions of the synthetic package (the office simulator and the centre generator)."""


class SyntheticError(Exception):
    """Base of every error raised by the synthetic package."""


class SyntheticInputError(SyntheticError, ValueError):
    """The simulator or the generator was given what it cannot use (a naive time, a reversed range, a bad seed)."""


class NotInSiteError(SyntheticError, KeyError):
    """A device or zone was asked for that the site does not have; the message names it and the site."""

    def __str__(self) -> str:
        # KeyError's own str() is the repr of its argument; show the message as it was written.
        return str(self.args[0]) if self.args else ""
