"""Mastodon and compatible servers: the REST connector (`connector`), the OAuth flow an
account is added with (`oauth`), the server address as stored (`address`), the statuses' HTML
read as plain text (`html`) and what the platform is like (`profile`, imported eagerly: it
needs no HTTP client; the rest on use)."""

from __future__ import annotations

from typing import Any

from cmtui.sync.connectors.mastodon.profile import PROFILE

__all__ = ["PROFILE", "MastodonConnector", "normalize_instance", "report_from_api"]


def __getattr__(name: str) -> Any:
    if name in ("MastodonConnector", "normalize_instance", "report_from_api"):
        from cmtui.sync.connectors.mastodon import connector

        return getattr(connector, name)
    raise AttributeError(name)
