"""Bluesky over the AT Protocol's XRPC HTTP API: the connector (`connector`, with httpx) and
what the platform is like (`profile`, imported eagerly: it needs no HTTP client; the rest on
use)."""

from __future__ import annotations

from typing import Any

from cmtui.sync.connectors.bluesky.profile import PROFILE

__all__ = ["PROFILE", "BlueskyConnector"]


def __getattr__(name: str) -> Any:
    if name == "BlueskyConnector":
        from cmtui.sync.connectors.bluesky import connector

        return connector.BlueskyConnector
    raise AttributeError(name)
