"""A loopback proxy in front of mastodon_mock for the live-feed fault tests
(tests/test_live_faults.py): it forwards every request, and on the streaming path forwards
the real stream event by event through `rewrite`, which may change, repeat, drop or add
events, or cut the connection in the middle of one — what the peer itself never does.

The instance's advertised streaming address names the proxy (the Host header is passed on),
so the connector streams through it as it would through a real reverse proxy."""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

import httpx

FORWARDED = ("authorization", "content-type", "accept", "host")
STREAM = "/api/v1/streaming/user/notification"


class Cut(Exception):
    """Raised by a rewrite: send these bytes, then close the connection."""

    def __init__(self, partial: bytes = b""):
        self.partial = partial


def passing(event: bytes, index: int) -> list[bytes]:
    """The default rewrite: each event (the bytes of one, its blank line included) as it is."""
    return [event]


class StreamProxy:
    def __init__(self, target: str, rewrite: Callable[[bytes, int], list[bytes]] = passing):
        """rewrite(event, index): what to send for the index-th event of a connection (the
        ":connected" comment is event 0); may raise Cut."""
        self.rewrite = rewrite
        self.cut_after: int | None = None  # close every stream after this many body bytes
        self.connects = 0  # streaming connections opened
        self.paths: list[str] = []  # every request's path, in order
        self._open: set[httpx.Response] = set()
        self._lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                with proxy._lock:
                    proxy.paths.append(self.path.split("?")[0])
                if self.path.split("?")[0] == STREAM:
                    return self._stream()
                return self._forward()

            def _headers(self) -> dict:
                return {k: v for k, v in self.headers.items() if k.lower() in FORWARDED}

            def _forward(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                answer = httpx.request(self.command, target + self.path, headers=self._headers(), content=body,
                                       timeout=60)
                self.send_response(answer.status_code)
                for name in ("Content-Type", "Link", "Retry-After"):
                    if name in answer.headers:
                        self.send_header(name, answer.headers[name])
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            do_PUT = do_POST = do_DELETE = _forward

            def _stream(self):
                with proxy._lock:
                    proxy.connects += 1
                client = httpx.Client(timeout=httpx.Timeout(60, read=None))
                try:
                    with client.stream("GET", target + self.path, headers=self._headers()) as answer:
                        with proxy._lock:
                            proxy._open.add(answer)
                        self.send_response(answer.status_code)
                        self.send_header("Content-Type", answer.headers.get("Content-Type", "text/plain"))
                        if "Retry-After" in answer.headers:
                            self.send_header("Retry-After", answer.headers["Retry-After"])
                        self.send_header("Connection", "close")  # the body ends when the connection does
                        self.end_headers()
                        self.close_connection = True
                        self._relay(answer)
                except (OSError, httpx.HTTPError):
                    pass
                finally:
                    with proxy._lock:
                        proxy._open = {a for a in proxy._open if not a.is_closed}
                    client.close()

            def _relay(self, answer: httpx.Response):
                buffer, index, sent = b"", 0, 0
                for chunk in answer.iter_raw():
                    buffer += chunk
                    while b"\n\n" in buffer:
                        event, buffer = buffer.split(b"\n\n", 1)
                        try:
                            out = b"".join(proxy.rewrite(event + b"\n\n", index))
                        except Cut as cut:
                            self._send(cut.partial)
                            return
                        index += 1
                        if proxy.cut_after is not None and sent + len(out) >= proxy.cut_after:
                            self._send(out[:max(0, proxy.cut_after - sent)])
                            return
                        self._send(out)
                        sent += len(out)

            def _send(self, data: bytes):
                self.wfile.write(data)
                self.wfile.flush()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        with self._lock:
            answers = list(self._open)
        for answer in answers:  # the upstream streams end with the proxy (a blocked read too)
            try:
                answer.extensions["network_stream"].get_extra_info("socket").shutdown(socket.SHUT_RDWR)
            except Exception:
                pass
