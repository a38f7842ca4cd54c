"""The exceptions of the api package."""


class ApiError(Exception):
    """Base of every error raised by the api package."""


class WeakSecretError(ApiError, ValueError):
    """The token secret is too short to sign bearer tokens safely."""
