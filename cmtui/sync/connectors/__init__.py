"""Platform connectors, one package each, chosen by platform name from the registry.

A connector is imported when first asked for, so start-up pays only for the platforms in use.
A connector package exposes its PROFILE without importing its HTTP client: profile_for reads
it there, so the composer and the CLI learn what a platform is like at no start-up cost.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from cmtui.sync.connectors.base import Connector, PlatformProfile

# platform name -> "package:class" (or the class itself); `cmtui account add PLATFORM` takes
# its choices from here.
REGISTRY: dict[str, str | type[Connector]] = {
    "mastodon": "cmtui.sync.connectors.mastodon:MastodonConnector",
    "matrix": "cmtui.sync.connectors.matrix:MatrixConnector",
    "bluesky": "cmtui.sync.connectors.bluesky:BlueskyConnector",
}
PLATFORMS = tuple(REGISTRY)
DEFAULT_PLATFORM = PLATFORMS[0]  # the platform of made-up communities (the demo, cmtui generate)


def _target(platform: str) -> str | type[Connector]:
    target = REGISTRY.get(platform)
    if target is None:
        from cmtui.errors import CmtuiError
        from cmtui.i18n import _

        raise CmtuiError(_("no connector for platform '{platform}' (known: {known})").format(
            platform=platform, known=", ".join(REGISTRY)))
    return target


def connector_class(platform: str) -> type[Connector]:
    """The connector class for a platform name (an unknown name is a clear error)."""
    target = _target(platform)
    if not isinstance(target, str):
        return target
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def profile_for(platform: str) -> PlatformProfile:
    """What a platform is like, without loading its connector's HTTP client."""
    target = _target(platform)
    if not isinstance(target, str):
        return target.profile
    return importlib.import_module(target.partition(":")[0]).PROFILE


def default_platform() -> str:
    """The platform assumed where a caller names none (the first registered)."""
    return next(iter(REGISTRY))


def connector_for(platform: str, server: str, token: str, **options) -> Connector:
    build: Callable[..., Connector] = connector_class(platform)  # each connector takes (server, token, ...)
    return build(server, token, **options)
