"""Matrix rooms over the client-server API: the connector (`connector`, with httpx) and what
the platform is like (`profile`, imported eagerly: it needs no HTTP client; the rest on use)."""

from __future__ import annotations

from typing import Any

from cmtui.sync.connectors.matrix.profile import PROFILE

__all__ = ["PROFILE", "MatrixConnector"]


def __getattr__(name: str) -> Any:
    if name == "MatrixConnector":
        from cmtui.sync.connectors.matrix import connector

        return connector.MatrixConnector
    raise AttributeError(name)
