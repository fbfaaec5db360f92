"""Bluesky over the AT Protocol's XRPC HTTP API, with httpx (no SDK: a handful of calls,
and start-up stays light).

A pass is one listNotifications request when nothing is new: verify answers from the
account context, and the figures and post counters are read again only when due (see
notifications.Mark). A pull without verify first is one between passes (the engine's short
poll): it reads no counters, and leaves any activity it saw owed to the next pass. A post's record key is made from its outbox idempotency key (tid), and
looked up before it is created, so a send retried after a time-out or a crash is one post.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from datetime import datetime, timedelta
from typing import AsyncIterator

import httpx

from cmtui.errors import InputError
from cmtui.i18n import _
from cmtui.model import iso, utcnow
from cmtui.sync.connectors.base import (
    AccountContext, AccountInfo, AccountRef, Connector, Limits, OwnPost, PermanentError, Posted, PostRequest,
    PullPage, RemoteItem, SignIn, TransientError,
)
from cmtui.sync.connectors.bluesky import notifications, session, text, tid
from cmtui.sync.connectors.bluesky.http import Refused, Xrpc, normalize_pds, scrub
from cmtui.sync.connectors.bluesky.media import images_embed
from cmtui.sync.connectors.bluesky.notifications import ACTIVITY, Mark, obj, when
from cmtui.sync.connectors.bluesky.profile import PROFILE
from cmtui.sync.connectors.bluesky.uris import POST, AtUri, web_url

log = logging.getLogger("cmtui.sync")

PAGE = 50  # notifications per page (the API allows 100; most passes need far fewer)
MAX_PAGES = 200  # a backfill reads at most this many pages
FEED_PAGES = 10  # author feed pages read for our posts' counters
FIGURES_EVERY = timedelta(hours=1)  # followers and post counters: at most this often without news
BLOCK = "app.bsky.graph.block"
THREADGATE = "app.bsky.feed.threadgate"
LIKE, REPOST = "app.bsky.feed.like", "app.bsky.feed.repost"
REASONS = {c: f"com.atproto.moderation.defs#reason{c.capitalize()}" for c in
           ("spam", "violation", "misleading", "sexual", "rude", "other")}
_LANG = re.compile(r"^[a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{1,8})*$")
_HANDLE = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$")


def _created_now(clock) -> str:
    """createdAt as Bluesky's clients write it (milliseconds, Z)."""
    now = clock()  # read once: two readings could straddle a second
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


class BlueskyConnector(Connector):
    platform = "bluesky"
    profile = PROFILE  # its capabilities too (Connector.__init_subclass__)

    # -- adding an account ---------------------------------------------------------------
    @classmethod
    def normalize_server(cls, url: str) -> str:
        return normalize_pds(url)

    @classmethod
    def normalize_user(cls, user: str) -> str:
        handle = user.strip().removeprefix("@").lower()
        if handle.startswith("did:") or _HANDLE.match(handle):
            return handle
        raise InputError(_("'{user}' is not a Bluesky handle (like name.bsky.social)").format(user=scrub(user, 100)))

    @classmethod
    async def token_login(cls, server: str, user: str | None, secret: str,  # type: ignore[override]
                          timeout: float) -> SignIn:  # (the base allows a coroutine function)
        """The variable holds an app password: open a session with it (createSession)."""
        if not user:
            raise InputError(_("Bluesky needs --user (the handle) to sign in with an app password"))
        http = Xrpc(normalize_pds(server), None, timeout=timeout, clock=utcnow)
        try:
            return await session.create(http, user.strip().removeprefix("@"), secret)
        finally:
            await http.close()

    @classmethod
    def sign_out(cls, server: str, signed: SignIn, timeout: float) -> None:
        """deleteSession with the refresh JWT (best effort, never raises)."""
        if not signed.refresh:
            return
        try:
            httpx.post(f"{normalize_pds(server)}/xrpc/com.atproto.server.deleteSession",
                       headers={"Authorization": f"Bearer {signed.refresh}"}, timeout=timeout)  # i18n: not shown
        except (httpx.HTTPError, InputError):
            log.warning("could not end the new session on %s", server)

    def __init__(self, server: str, token: str, *, timeout: float = 30.0, account: AccountContext | None = None,
                 clock=utcnow, transport: httpx.AsyncBaseTransport | None = None):
        self.server = normalize_pds(server)
        self.context = account or AccountContext()
        self.me: str | None = self.context.remote_id
        self.handle: str = self.context.handle or ""
        self.clock = clock
        self.http = Xrpc(self.server, token, timeout=timeout, clock=clock, transport=transport)
        self.http.expires = session.expires_at(token)
        self.http.renew = self._renew
        self.host = self.http.host
        self._mark = Mark()  # as the last pull left it
        self._stats_due = True  # own_posts reads the feed (a pull may say it need not)
        self._pass = False  # verify was called: this pull is a pass's, own_posts follows it

    @property
    def requests(self) -> int:  # counted where they are sent
        return self.http.requests

    @requests.setter
    def requests(self, value: int) -> None:
        self.http.requests = value

    async def close(self) -> None:
        await self.http.close()

    # -- the session ---------------------------------------------------------------------
    def use_session(self, signed: SignIn, save) -> None:
        super().use_session(signed, save)
        self.http.token, self.http.expires = signed.token, session.expires_at(signed.token)

    async def _renew(self) -> None:
        """A new session from the refresh JWT, stored before its token is used."""
        signed = await session.refresh(self.http, self.session.refresh if self.session else None)
        self.save_session(signed)
        self.http.token, self.http.expires = signed.token, session.expires_at(signed.token)

    # -- who we are ----------------------------------------------------------------------
    async def _whoami(self) -> str:
        if self.me is None:
            body = await self.http.query("com.atproto.server.getSession")
            if not isinstance(body.get("did"), str):
                raise TransientError(_("malformed session from {host}").format(host=self.host))
            self.me, self.handle = body["did"], str(body.get("handle") or body["did"])
        return self.me

    async def _profile(self) -> dict:
        return await self.http.query("app.bsky.actor.getProfile", {"actor": await self._whoami()})

    def _info(self, profile: dict) -> AccountInfo:
        try:
            return AccountInfo(remote_id=str(profile["did"]), acct=str(profile.get("handle") or profile["did"]),
                               display_name=str(profile.get("displayName") or ""),
                               followers=notifications.count(profile.get("followersCount")),
                               following=notifications.count(profile.get("followsCount")),
                               posts=notifications.count(profile.get("postsCount")))
        except (KeyError, TypeError):
            raise TransientError(_("malformed profile from {host}").format(host=self.host)) from None

    async def verify(self) -> AccountInfo:
        self._pass = True  # (a pull without it is one between passes: see _last)
        if self.context.remote_id:  # known: the figures come with the pull (audience)
            return AccountInfo(remote_id=self.context.remote_id, acct=self.context.handle or self.context.remote_id,
                               display_name="", followers=0, following=0, posts=0)
        info = self._info(await self._profile())
        self.handle = info.acct
        self._mark = replace(self._mark, followers=info.followers, following=info.following, posts=info.posts,
                             profile_at=iso(self.clock()))
        return info

    async def audience(self, info: AccountInfo) -> AccountInfo:
        """The figures the pull read or remembered; read now when it had none."""
        if self._mark.followers is None:
            try:
                fresh = self._info(await self._profile())
            except Refused:  # not indexed yet: nobody has seen it, so nobody follows it yet
                return info
            self._mark = replace(self._mark, followers=fresh.followers, following=fresh.following,
                                 posts=fresh.posts, profile_at=iso(self.clock()))
        return replace(info, followers=self._mark.followers or 0, following=self._mark.following,
                       posts=self._mark.posts)

    async def limits(self) -> Limits:
        return Limits(max_chars=PROFILE.max_chars, url_weight=0)

    async def lookup(self, handle: str) -> AccountRef:
        name = handle.strip().removeprefix("@").lower()
        try:
            body = await self.http.query("com.atproto.identity.resolveHandle", {"handle": name})
        except Refused as exc:
            raise PermanentError(_("no Bluesky account @{handle} ({reason})").format(
                handle=scrub(name, 100), reason=exc.code or exc.status), exc.status) from None
        if not isinstance(body.get("did"), str):
            raise TransientError(_("malformed answer from {host} ({what})").format(host=self.host, what="resolveHandle"))
        return AccountRef(remote_id=body["did"], handle=name)

    # -- pulling -------------------------------------------------------------------------
    def _due(self, stamp: str | None) -> bool:
        at = when(stamp)
        return at is None or at <= self.clock() - FIGURES_EVERY

    async def pull(self, cursor: str | None, since: datetime) -> AsyncIterator[PullPage]:
        """Pages back to the saved mark (or the horizon); the last one carries the new mark."""
        previous = Mark.from_text(cursor)
        stop_at = when(previous.at) if previous else None
        stop_uri = previous.uri if previous else None
        newest: tuple[str, str] | None = None
        reasons: set[str] = set()
        page_cursor: str | None = None
        page = PullPage()

        def met(at: datetime, uri) -> bool:
            """The horizon, or the last pass's newest (the same time with another uri is read
            again: stored once)."""
            return at < since or (stop_at is not None and (at < stop_at or (at == stop_at and uri == stop_uri)))

        for number in range(MAX_PAGES):
            params = {"limit": str(PAGE), **({"cursor": page_cursor} if page_cursor else {})}
            body = await self.http.query("app.bsky.notification.listNotifications", params)
            batch = [n for n in (body.get("notifications") or []) if isinstance(n, dict)]
            page, reached = PullPage(), False
            for entry in batch:
                at = when(entry.get("indexedAt"))
                if at is None:
                    continue
                if newest is None and isinstance(entry.get("uri"), str):
                    newest = (str(entry["indexedAt"]), entry["uri"])
                if met(at, entry.get("uri")):
                    reached = True
                    break
                self._add(page, entry)
                reasons.add(str(entry.get("reason")))
            following = body.get("cursor")
            if reached or not batch or not isinstance(following, str) or following == page_cursor:
                break
            if number == MAX_PAGES - 1:
                log.info("%s: notifications read back %d pages; older ones are left", self.host, MAX_PAGES)
                break
            yield page
            page_cursor = following
        yield await self._last(page, previous, newest, reasons)

    async def _last(self, page: PullPage, previous: Mark | None, newest: tuple[str, str] | None,
                    reasons: set[str]) -> PullPage:
        """The pass's last page with the new mark: figures read again when due or a follow
        came; post counters flagged for own_posts when due or something touched our posts."""
        mark = replace(previous) if previous else Mark()
        if newest:
            mark.at, mark.uri = newest
        if mark.followers is None or "follow" in reasons or self._due(mark.profile_at):
            try:
                info = self._info(await self._profile())
            except Refused as exc:  # an account the AppView has not indexed yet: figures next time
                log.info("%s: no profile yet (%s)", self.host, exc)
            else:
                mark.followers, mark.following, mark.posts = info.followers, info.following, info.posts
                mark.profile_at = iso(self.clock())
        owed = mark.stats_owed or bool(reasons & ACTIVITY)
        self._stats_due = owed or self._due(mark.stats_at)
        if not self._pass:  # a pull between passes (the engine's short poll) reads no counters:
            mark.stats_owed = owed or None  # the next pass owes them
        elif self._stats_due:
            mark.stats_at, mark.stats_owed = iso(self.clock()), None
        self._mark = mark
        page.cursor, page.final = mark.to_text(), True
        return page

    def _add(self, page: PullPage, entry: dict) -> None:
        try:
            value = notifications.read(entry)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            # One broken entry must not block the stream for good: skip it, say so.
            log.warning("%s: skipped a malformed notification (%s)", self.host, type(exc).__name__)
            return
        if isinstance(value, RemoteItem):
            page.items.append(value)
        elif value is not None:
            page.events.append(value)

    async def own_posts(self, account_remote_id: str, since: datetime) -> list[OwnPost]:
        """Our posts' counters from the author feed (only when the pull found them due)."""
        if not self._stats_due:
            return []
        posts: list[OwnPost] = []
        params = {"actor": account_remote_id, "filter": "posts_with_replies", "limit": "100"}
        for _page in range(FEED_PAGES):
            body = await self.http.query("app.bsky.feed.getAuthorFeed", params)
            feed = [f for f in (body.get("feed") or []) if isinstance(f, dict)]
            older = False
            for entry in feed:
                view = entry.get("post")
                if entry.get("reason") or not isinstance(view, dict):  # a repost of ours: not our post
                    continue
                try:
                    post = notifications.own_post(view)
                except (KeyError, TypeError, ValueError, AttributeError):
                    log.warning("%s: skipped a malformed post in our feed", self.host)
                    continue
                if (view.get("author") or {}).get("did") != account_remote_id:
                    continue
                if post.created_at < iso(since):
                    older = True
                    continue
                posts.append(post)
            following = body.get("cursor")
            if older or not feed or not isinstance(following, str):
                break
            params["cursor"] = following
        return posts

    # -- threads -------------------------------------------------------------------------
    def _uri(self, remote_id: str) -> AtUri:
        try:
            return AtUri.parse(remote_id)
        except ValueError:
            raise PermanentError(_("'{id}' is not a Bluesky post address (at://...)").format(id=scrub(remote_id, 200)),
                                 404) from None

    async def thread(self, remote_id: str) -> list[RemoteItem]:
        """The parents chain and the replies, oldest first."""
        self._uri(remote_id)
        body = await self.http.query("app.bsky.feed.getPostThread",
                                     {"uri": remote_id, "depth": "10", "parentHeight": "40"})
        found: dict[str, tuple[datetime, RemoteItem]] = {}

        def take(node, walk_replies: bool) -> None:
            if not isinstance(node, dict) or not isinstance(node.get("post"), dict):
                return  # a notFoundPost / blockedPost says nothing to show
            try:
                view = node["post"]
                kind = "reply" if notifications.reply_parent(view["record"]) else "mention"
                item = notifications.post_item(view, kind)
                # ordered by the full time (several posts share a second), the earlier claim
                moment = min(t for t in (when(view["record"].get("createdAt")), when(view.get("indexedAt")))
                             if t is not None)
                found.setdefault(item.remote_id, (moment, item))
            except (KeyError, TypeError, ValueError, AttributeError):
                log.warning("%s: skipped a malformed post in a thread", self.host)
            if walk_replies:
                for reply in node.get("replies") or []:
                    take(reply, True)

        root = body.get("thread")
        take(root, True)
        parent = root.get("parent") if isinstance(root, dict) else None
        for _page in range(100):
            if not isinstance(parent, dict):
                break
            take(parent, False)
            parent = parent.get("parent")
        return [item for _, item in sorted(found.values(), key=lambda pair: (pair[0], pair[1].remote_id))]

    # -- publishing ----------------------------------------------------------------------
    async def _record(self, uri: AtUri) -> dict | None:
        """{uri, cid, value} of a record, None when there is none."""
        try:
            return await self.http.query("com.atproto.repo.getRecord",
                                         {"repo": uri.repo, "collection": uri.collection, "rkey": uri.rkey})
        except Refused as exc:
            if exc.code == "RecordNotFound" or exc.status == 404:
                return None
            raise

    async def _reply_refs(self, parent_id: str) -> dict:
        parent = await self._record(self._uri(parent_id))
        if parent is None or not isinstance(parent.get("cid"), str):
            raise PermanentError(_("the post this answers no longer exists"), 404)
        parent_ref = {"uri": str(parent.get("uri") or parent_id), "cid": parent["cid"]}
        root = obj(obj(obj(parent.get("value")).get("reply")).get("root"))
        if isinstance(root.get("uri"), str) and isinstance(root.get("cid"), str):
            return {"root": {"uri": root["uri"], "cid": root["cid"]}, "parent": parent_ref}
        return {"root": parent_ref, "parent": parent_ref}

    async def _facets(self, body: str) -> list[dict]:
        """Facets for the text; a handle that does not resolve stays plain text."""
        spans = text.spans(body)
        dids: dict[str, str] = {}
        for handle in {s.value for s in spans if s.kind == "mention"}:
            try:
                dids[handle] = (await self.lookup(handle)).remote_id
            except PermanentError:
                log.info("%s: @%s did not resolve; left as plain text", self.host, scrub(handle, 100))
        return text.facets(body, spans, dids)

    async def publish(self, post: PostRequest) -> Posted:
        problem = PROFILE.length_problem(post.text, {})
        if problem:
            raise PermanentError(_("not posted: {problem}").format(problem=problem), 400)
        me = await self._whoami()
        rkey = tid.from_key(post.idempotency_key)
        uri = AtUri(me, POST, rkey)
        if (existing := await self._record(uri)) is not None:  # sent before: a retry after a time-out or a crash
            created = when(obj(existing.get("value")).get("createdAt"))
            return Posted(remote_id=str(uri), url=web_url(self.handle or me, str(uri)),
                          created_at=iso(created) if created else None)
        record: dict = {"$type": POST, "text": post.text, "createdAt": _created_now(self.clock)}
        if post.language and _LANG.match(post.language):
            record["langs"] = [post.language]
        if facets := await self._facets(post.text):
            record["facets"] = facets
        if post.in_reply_to_remote_id:
            record["reply"] = await self._reply_refs(post.in_reply_to_remote_id)
        if post.media:
            record["embed"] = await images_embed(self.http, post.media)
        answer = await self.http.procedure("com.atproto.repo.createRecord",
                                           {"repo": me, "collection": POST, "rkey": rkey, "record": record})
        made = str(answer.get("uri") or uri)
        return Posted(remote_id=made, url=web_url(self.handle or me, made), created_at=iso(self.clock()))

    async def delete(self, remote_id: str) -> None:
        uri = self._uri(remote_id)
        await self.http.procedure("com.atproto.repo.deleteRecord",
                                  {"repo": await self._whoami(), "collection": uri.collection, "rkey": uri.rkey})

    # -- moderation ----------------------------------------------------------------------
    async def mute(self, account_remote_id: str) -> None:
        await self.http.procedure("app.bsky.graph.muteActor", {"actor": account_remote_id})

    async def block(self, account_remote_id: str) -> None:
        """A block record (public, as blocks are on Bluesky). Its key is made from the DID, so
        blocking again (a retry, a second click) finds it rather than making another."""
        me = await self._whoami()
        uri = AtUri(me, BLOCK, tid.from_key(f"block {account_remote_id}"))
        if await self._record(uri) is not None:
            return
        await self.http.procedure("com.atproto.repo.createRecord", {
            "repo": me, "collection": BLOCK, "rkey": uri.rkey,
            "record": {"$type": BLOCK, "subject": account_remote_id, "createdAt": _created_now(self.clock)}})

    async def report(self, account_remote_id: str, status_ids: list[str], comment: str = "",
                     category: str | None = None, forward: bool = False) -> str:
        """createReport about the first post given (else the account), to the account's
        labeler (option `labeler`: a DID) or, without one, to the PDS's own report service."""
        reason = REASONS[PROFILE.report_category(category)]
        if status_ids:
            found = await self._record(self._uri(status_ids[0]))
            if found is None or not isinstance(found.get("cid"), str):
                raise PermanentError(_("the reported post no longer exists"), 404)
            subject: dict = {"$type": "com.atproto.repo.strongRef", "uri": status_ids[0], "cid": found["cid"]}
        else:
            subject = {"$type": "com.atproto.admin.defs#repoRef", "did": account_remote_id}
        labeler = self.context.options.get("labeler")
        headers = {"atproto-proxy": f"{labeler}#atproto_labeler"} if isinstance(labeler, str) and labeler else None
        body = {"reasonType": reason, "subject": subject, **({"reason": comment[:2000]} if comment else {})}
        answer = await self.http.procedure("com.atproto.moderation.createReport", body, headers=headers)
        return str(answer.get("id") or "")

    async def remove(self, remote_id: str, reason: str = "") -> None:
        """Hide a reply in a thread we started (the root's threadgate, its other rules kept)."""
        me = await self._whoami()
        found = await self._record(self._uri(remote_id))
        root_uri = obj(obj(obj(obj(found).get("value")).get("reply")).get("root")).get("uri")
        try:
            root = AtUri.parse(str(root_uri))
        except ValueError:
            root = None
        if root is None or root.repo != me:
            raise PermanentError(_("Bluesky hides only replies in a thread this account started"), 400)
        gate_uri = AtUri(me, THREADGATE, root.rkey)
        gate = await self._record(gate_uri)
        current = dict(obj(gate).get("value") or {}) or {
            "$type": THREADGATE, "post": str(root), "createdAt": _created_now(self.clock)}
        hidden = [u for u in current.get("hiddenReplies") or [] if isinstance(u, str)]
        if remote_id in hidden:
            return
        current["hiddenReplies"] = [*hidden, remote_id]
        body = {"repo": me, "collection": THREADGATE, "rkey": root.rkey, "record": current}
        if gate:  # only over the version read: a change made meanwhile is not lost
            await self.http.procedure("com.atproto.repo.putRecord", {**body, "swapRecord": gate.get("cid")})
        else:
            await self.http.procedure("com.atproto.repo.createRecord", body)

    # -- likes and shares --
    # A like or a repost is a record of ours (subject: the post's uri and cid). Its key is made
    # from the outbox key and looked up first, as posts are: a retry finds it, never makes two.
    # The receipt is the record's uri; taking it back deletes that record.
    async def _subject_record(self, collection: str, remote_id: str, key: str) -> str:
        me = await self._whoami()
        uri = AtUri(me, collection, tid.from_key(key))
        if await self._record(uri) is not None:
            return str(uri)
        post = await self._record(self._uri(remote_id))
        if post is None or not isinstance(post.get("cid"), str):
            raise PermanentError(_("the post no longer exists"), 404)
        record = {"$type": collection, "subject": {"uri": str(post.get("uri") or remote_id), "cid": post["cid"]},
                  "createdAt": _created_now(self.clock)}
        await self.http.procedure("com.atproto.repo.createRecord",
                                  {"repo": me, "collection": collection, "rkey": uri.rkey, "record": record})
        return str(uri)

    async def _delete_record(self, receipt: str | None, collection: str) -> None:
        if not receipt:
            return  # nothing was made (the like never reached the PDS)
        uri = self._uri(receipt)
        if uri.collection != collection:
            raise PermanentError(_("'{id}' is not a {collection} record").format(id=scrub(receipt, 200), collection=collection),
                                 400)
        await self.http.procedure("com.atproto.repo.deleteRecord",
                                  {"repo": await self._whoami(), "collection": collection, "rkey": uri.rkey})

    async def like(self, remote_id: str, key: str) -> str | None:
        return await self._subject_record(LIKE, remote_id, key)

    async def unlike(self, remote_id: str, receipt: str | None = None) -> None:
        await self._delete_record(receipt, LIKE)

    async def share(self, remote_id: str, key: str) -> str | None:
        return await self._subject_record(REPOST, remote_id, key)

    async def unshare(self, remote_id: str, receipt: str | None = None) -> None:
        await self._delete_record(receipt, REPOST)
