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


class LineProtocolError(GatewayError, ValueError):
    """A reading cannot be written as line protocol without changing its meaning; the store adapters refuse it."""


class OutboxFullError(GatewayError):
    """The outbox reached its disk quota; the gateway stops acknowledging until the store catches up."""


class GatewayConfigError(GatewayError, ValueError):
    """The gateway's options cannot work together (a persistent session without a client id, say)."""


class InvalidRequestError(GatewayError, ValueError):
    """A call into the gateway was given arguments it cannot act on (a naive time, say); the message says which."""


class StoreQueryError(InvalidRequestError):
    """A store read asks what no store can answer: an unknown quantity, a naive or reversed range, a bad window.

    Raised before anything is sent to the store; the API answers 422 with the message.
    """
