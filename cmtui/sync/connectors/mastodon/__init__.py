"""Mastodon and compatible servers: the REST connector (`connector`), the OAuth flow an
account is added with (`oauth`) and the statuses' HTML read as plain text (`html`)."""

from __future__ import annotations

from cmtui.sync.connectors.mastodon.connector import MastodonConnector, normalize_instance, report_from_api

__all__ = ["MastodonConnector", "normalize_instance", "report_from_api"]
