"""Platform connectors. One module per platform; `connector_for` picks it by name."""

from __future__ import annotations

PLATFORMS = ("mastodon",)  # the names `cmtui account add PLATFORM` accepts


def connector_for(platform: str, instance: str, token: str, **options):
    if platform == "mastodon":
        from cmtui.sync.connectors.mastodon import MastodonConnector

        return MastodonConnector(instance, token, **options)
    from cmtui.errors import CmtuiError

    raise CmtuiError(f"no connector for platform '{platform}' (known: {', '.join(PLATFORMS)})")
