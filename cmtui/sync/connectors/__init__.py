"""Platform connectors, one package each, chosen by platform name from the registry.

A connector is imported when first asked for, so start-up pays only for the platforms in use.
"""

from __future__ import annotations

import importlib

# platform name -> "module:class"; `cmtui account add PLATFORM` takes its choices from here.
REGISTRY: dict[str, str] = {
    "mastodon": "cmtui.sync.connectors.mastodon.connector:MastodonConnector",
}
PLATFORMS = tuple(REGISTRY)
DEFAULT_PLATFORM = PLATFORMS[0]  # the platform of made-up communities (the demo, cmtui generate)


def connector_class(platform: str):
    """The connector class for a platform name (an unknown name is a clear error)."""
    target = REGISTRY.get(platform)
    if target is None:
        from cmtui.errors import CmtuiError

        raise CmtuiError(f"no connector for platform '{platform}' (known: {', '.join(PLATFORMS)})")
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def connector_for(platform: str, instance: str, token: str, **options):
    return connector_class(platform)(instance, token, **options)
