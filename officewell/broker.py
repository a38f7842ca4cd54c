"""An embedded MQTT 3.1.1 broker (amqtt) in its own thread, for the demo and for trying things out."""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
from concurrent.futures import Future
from typing import Any

log = logging.getLogger(__name__)


def port_is_free(host: str, port: int) -> bool:
    """Whether a TCP port can be bound on host right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class EmbeddedBroker:
    """amqtt listening on host:port, anonymous, in a background event loop."""

    def __init__(self, host: str, port: int) -> None:
        """Configure; start() opens the port."""
        self.host = host
        self.port = port
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="officewell-broker", daemon=True)
        self._broker: Any = None
        for name in ("amqtt", "transitions"):
            logging.getLogger(name).setLevel(logging.WARNING)

    def start(self, timeout_s: float = 10.0) -> None:
        """Start listening; raise OSError if the port cannot be bound."""
        self._thread.start()
        future: Future[None] = asyncio.run_coroutine_threadsafe(self._start(), self._loop)
        future.result(timeout_s)
        log.info("embedded MQTT broker listening on %s:%d", self.host, self.port)

    async def _start(self) -> None:
        from amqtt.broker import Broker

        config = {
            "listeners": {"default": {"type": "tcp", "bind": f"{self.host}:{self.port}"}},
            "plugins": {"amqtt.plugins.authentication.AnonymousAuthPlugin": {"allow_anonymous": True}},
        }
        self._broker = Broker(config)
        try:
            await self._broker.start()
        except Exception as exc:
            raise OSError(f"embedded MQTT broker could not listen on {self.host}:{self.port}: {exc}") from exc

    def stop(self, timeout_s: float = 10.0) -> None:
        """Shut the broker down and end its thread."""
        if self._broker is not None:
            try:
                asyncio.run_coroutine_threadsafe(self._broker.shutdown(), self._loop).result(timeout_s)
            except Exception:  # shutting down anyway; a half-closed broker must not block exit
                log.warning("embedded broker did not shut down cleanly", exc_info=True)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout_s)

    @property
    def url(self) -> str:
        """The broker's MQTT URL."""
        return f"mqtt://{self.host}:{self.port}"
