"""Work that runs beside the API while it serves (the alert evaluation loop): started with the app, stopped with it."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Protocol

log = logging.getLogger(__name__)


class Background(Protocol):
    """A loop in its own thread that the app starts as it starts and stops (joined) as it stops."""

    name: str

    def start(self) -> None:
        """Start the loop (a no-op if it runs already)."""
        ...

    def stop(self, timeout_s: float) -> None:
        """Stop the loop and wait up to `timeout_s` for it to finish its round."""
        ...


def start_all(jobs: Sequence[Background]) -> None:
    """Start every job; one that fails to start is logged and the others still start."""
    for job in jobs:
        try:
            job.start()
        except Exception:
            log.exception("could not start %s", job.name)


def stop_all(jobs: Sequence[Background], timeout_s: float) -> None:
    """Stop every job, each waited for up to `timeout_s`."""
    for job in jobs:
        job.stop(timeout_s)
