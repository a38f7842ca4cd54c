"""The exceptions of the gateway package."""


class GatewayError(Exception):
    """Base of every error raised by the gateway package."""


class StoreURLError(GatewayError, ValueError):
    """A store URL is malformed or names an unknown kind of store."""


class StoreUnavailableError(GatewayError):
    """The store cannot be reached or refused to work; the caller should buffer and retry."""
