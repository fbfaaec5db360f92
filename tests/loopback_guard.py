"""Tests that must reach nothing but this machine: every name lookup for another host is
refused (and kept, for the test to assert there was none)."""

from __future__ import annotations

import socket

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def refuse_lookups(monkeypatch) -> list[str]:
    looked_up: list[str] = []
    real = socket.getaddrinfo

    def guarded(host, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name not in LOOPBACK:
            looked_up.append(name)
            raise socket.gaierror(socket.EAI_NONAME, "lookup refused by the test: not loopback")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", guarded)
    return looked_up
