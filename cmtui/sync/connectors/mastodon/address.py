"""A Mastodon server's address as the user may type it, made the one form cmtui stores."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from cmtui.errors import InputError

_HOST = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$|^[0-9a-f:.]+$")


def normalize_instance(url: str) -> str:
    """https://host[:port] for an instance URL; plain http only on this machine (loopback)."""
    raw = url.strip()
    if "://" not in raw:
        raw = "https://" + raw
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"'{url}' is not an instance URL (try https://mastodon.example)")
    host = parts.hostname
    try:
        parts.port  # an out-of-range or non-numeric port raises here
    except ValueError:
        raise InputError(f"'{url}' has a bad port number") from None
    if not _HOST.match(host):
        raise InputError(f"'{url}' is not an instance URL (try https://mastodon.example)")
    loopback = host == "localhost"
    try:
        loopback = loopback or ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    if parts.scheme == "http" and not loopback:
        raise InputError(f"'{url}' uses plain http: tokens would travel unencrypted; use https")
    if parts.path not in ("", "/") or parts.query:
        raise InputError(f"'{url}' has a path; give the instance's address only (https://{parts.netloc})")
    return f"{parts.scheme}://{parts.netloc}"
