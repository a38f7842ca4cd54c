"""A tiny scripted HTTP server, for the answers real servers cannot be made to give on demand."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

Answer = tuple[int, dict[str, str], bytes]

INFLUX_1 = {"X-Influxdb-Version": "1.8.10", "X-Influxdb-Build": "OSS"}
INFLUX_2 = {"X-Influxdb-Version": "v2.7.11", "X-Influxdb-Build": "OSS"}
INFLUX_3 = {"X-Influxdb-Version": "3.1.0", "X-Influxdb-Build": "Core"}


def json_answer(status: int, body: object, headers: dict[str, str] | None = None) -> Answer:
    return status, {"Content-Type": "application/json", **(headers or {})}, json.dumps(body).encode()


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    body: bytes
    headers: dict[str, str]


@dataclass
class FakeServer:
    """Answers (METHOD, path) from `routes`; 404 otherwise. Records every request."""

    routes: dict[tuple[str, str], Answer]
    seen: list[Seen] = field(default_factory=list)

    def __post_init__(self) -> None:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                fake.seen.append(Seen(self.command, parts.path, parse_qs(parts.query), body, dict(self.headers)))
                status, headers, payload = fake.routes.get((self.command, parts.path), (404, {}, b"404 page not found"))
                if status == 204:
                    payload = b""
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = _answer

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()

    @property
    def hostport(self) -> str:
        return f"127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)
