"""The exceptions of the gateway package."""


class GatewayError(Exception):
    """Base of every error raised by the gateway package."""


class StoreURLError(GatewayError, ValueError):
    """A store URL is malformed or names an unknown kind of store."""


class StoreUnavailableError(GatewayError):
    """The store cannot be reached or refused to work; the caller should buffer and retry."""


class StoreRejectedError(GatewayError):
    """The store refused the data itself (HTTP 400, a partial write): retrying the same data cannot help.

    `reason` is the server's own explanation; the outbox turns the rejected readings into dead letters.
    """

    def __init__(self, reason: str) -> None:
        """Keep the server's reason."""
        super().__init__(reason)
        self.reason = reason


class OutboxFullError(GatewayError):
    """The outbox reached its disk quota; the gateway stops acknowledging until the store catches up."""
