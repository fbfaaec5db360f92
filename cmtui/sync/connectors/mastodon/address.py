"""A Mastodon server's address as the user may type it, made the one form cmtui stores."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from cmtui.errors import InputError
from cmtui.i18n import _

_HOST = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$|^[0-9a-f:.]+$")


def normalize_instance(url: str) -> str:
    """https://host[:port] for an instance URL; plain http only on this machine (loopback)."""
    raw = url.strip()
    if "://" not in raw:
        raw = "https://" + raw
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(_("'{url}' is not an instance URL (try https://mastodon.example)").format(url=url))
    host = parts.hostname
    try:
        parts.port  # an out-of-range or non-numeric port raises here
    except ValueError:
        raise InputError(_("'{url}' has a bad port number").format(url=url)) from None
    if not _HOST.match(host):
        raise InputError(_("'{url}' is not an instance URL (try https://mastodon.example)").format(url=url))
    loopback = host == "localhost"
    try:
        loopback = loopback or ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    if parts.scheme == "http" and not loopback:
        raise InputError(_("'{url}' uses plain http: tokens would travel unencrypted; use https").format(url=url))
    if parts.path not in ("", "/") or parts.query:
        raise InputError(_("'{url}' has a path; give the instance's address only ({address})").format(
            url=url, address=f"https://{parts.netloc}"))
    return f"{parts.scheme}://{parts.netloc}"
