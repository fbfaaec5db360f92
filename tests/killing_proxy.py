"""A loopback proxy in front of a real server for the crash tests: when `victim` (a pid) is
set, the first request `kills` matches reaches the server, then the victim is SIGKILLed
before it hears the answer — the send happened, the sender never knew."""

from __future__ import annotations

import os
import signal
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

import httpx

FORWARDED = ("authorization", "content-type", "accept", "atproto-proxy")


class KillingProxy:
    def __init__(self, target: str, kills: Callable[[str, str], bool]):
        """kills(method, path): whether this request is the one the victim dies after."""
        self.victim: int | None = None
        self.killed = threading.Event()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _forward(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k: v for k, v in self.headers.items() if k.lower() in FORWARDED}
                answer = httpx.request(self.command, target + self.path, headers=headers, content=body, timeout=60)
                if proxy.victim and kills(self.command, self.path):
                    os.kill(proxy.victim, signal.SIGKILL)
                    proxy.victim = None
                    proxy.killed.set()
                    self.close_connection = True
                    return
                self.send_response(answer.status_code)
                self.send_header("Content-Type", answer.headers.get("Content-Type", "application/json"))
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            do_GET = do_PUT = do_POST = do_DELETE = _forward

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
