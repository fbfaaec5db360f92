"""A reply before it is sent: queueing it in the outbox with the decisions it carries (the
item opened), stored before anything is sent. How its text is counted, whom it addresses
and what it may carry are the platform's (its profile, cmtui.sync.connectors)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Mapping

from cmtui.errors import InputError
from cmtui.i18n import _, pgettext
from cmtui.media import check_for_account, payload_media
from cmtui.sync.connectors import profile_for
from cmtui.sync.connectors.base import Capability

if TYPE_CHECKING:
    from cmtui.store import Store


def length_problem(text: str, limits: Mapping, platform: str) -> str | None:
    """None if text can be posted within the account's limits, else a message (counted as
    the account's platform counts)."""
    return profile_for(platform).length_problem(text, limits)


def queue_reply(store: Store, item_id, text: str, *, language: str | None = None, visibility: str | None = None,
                content_warning: str | None = None, retry_op: int | None = None, media=None,
                alt_required: bool = True, who: str | None = None) -> int:
    """Queue a reply to an inbox item; return the outbox operation id. Raises InputError.
    retry_op: a failed reply to this item, sent again with the (edited) text instead.
    Works offline: the payload comes from the platform's profile, not a connection.
    media: model.Attachment (copies kept by cmtui.media.keep), checked for the platform.
    who: the person answering, kept with the operation (a teammate is told "answered by …")."""
    item = store.inbox.require(item_id)
    profile = profile_for(item["platform"])
    # i18n: completes "<platform> accounts cannot … from cmtui"
    profile.require(Capability.REPLY, pgettext("accounts cannot …", "reply"))
    profile.check_visibility(visibility)
    if language is not None and not re.fullmatch(r"[a-z]{2,3}", language):
        raise InputError(_("'{code}' is not a language code (two or three letters, like en or sl)").format(code=language))
    if not text.strip():
        raise InputError(_("the reply is empty"))
    if item["deleted_at"]:
        raise InputError(_("item {id} was deleted on {platform}; it cannot be answered").format(
            id=item["id"], platform=item["platform"]))
    account = store.accounts.require_id(item["account_id"])
    payload = profile.reply_payload(dict(item), text, account.limits, visibility=visibility, language=language,
                                    content_warning=content_warning)
    if media:
        check_for_account(media, account, alt_required=alt_required)
        payload["media"] = payload_media(media, store.media_dir())
    with store.transaction():
        if retry_op is not None:
            op = store.outbox.get(retry_op)
            if op is None or op["item_id"] != item["id"] or not store.outbox.retry(retry_op, payload, who):
                raise InputError(_("operation {op} is not a failed reply to item {id}").format(op=retry_op, id=item["id"]))
            op_id = retry_op
        else:
            op_id = store.outbox.enqueue(account.id, "reply", payload, item_id=item["id"], who=who)
        if item["state"] == "new":
            store.inbox.set_state(item["id"], "open")
    return op_id
