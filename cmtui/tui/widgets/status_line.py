"""The status line under every screen: a crisis alert when there is one, sync state per
account, the outbox, items overdue for an answer, the team's counts (assigned to you, to
approve), last sync."""

from __future__ import annotations

from datetime import timedelta

from rich.text import Text
from textual.widget import Widget

from cmtui import l10n
from cmtui.i18n import _, ngettext, pgettext
from cmtui.model import SyncState
from cmtui.sync.states import state_word
from cmtui.triage.response import overdue_cutoff
from cmtui.tui.fitting import Part, fit_parts, join_parts
from cmtui.tui.widgets.live_marks import live_forms, live_statuses
from cmtui.tui.widgets.team_counts import TeamCounts, words as team_words

STATE_STYLE = {SyncState.IDLE: "green", SyncState.SYNCING: "cyan", SyncState.OFFLINE: "yellow",
               SyncState.ERROR: "bold red"}


# What a narrow terminal keeps longest: what waits to go out and who waits for an answer,
# then a crisis, then the accounts (each shrinks to its mark and name first), last sync.
KEEP_COUNTS, KEEP_CRISIS, KEEP_ACCOUNT, KEEP_LAST_SYNC = 100, 90, 50, 20
GROUP = "  │  "


def _account_forms(account, live=None) -> tuple[Text, Text]:
    """(in words, shorter) for one account; an error stays in words in both. An idle account
    with a live feed says how its new items arrive instead (live, connecting, polling)."""
    if account.offline:  # no connection by design: nothing to worry about
        # i18n: status line: an account planned offline, not connected by design
        return (Text(_("○ {account} no connection").format(account=account.name), style="dim"),
                Text(f"○ {account.name}", style="dim"))
    if live is not None and account.sync_state == SyncState.IDLE:
        return live_forms(account.name, live)
    style = STATE_STYLE.get(account.sync_state, "")
    short = Text.assemble(("● ", style), account.name)
    full = short.copy()
    full.append(f" {state_word(account.sync_state)}", style=style or "dim")
    return full, full if account.sync_state == "error" else short


def accounts_part(accounts, live: dict | None = None) -> Part:
    """All accounts as one part, so that they shrink together: each in words, then each by
    its mark and name, then the first few and how many more ("+2"), then only how many.
    Accounts in error come first and keep their words; none goes missing without a count."""
    ordered = sorted(accounts, key=lambda a: a.sync_state != "error" or a.offline)
    forms = [_account_forms(a, (live or {}).get(a.name)) for a in ordered]
    errors = sum(1 for a in ordered if a.sync_state == "error" and not a.offline)
    gap = "  "
    shown = [Text(gap).join(f[0] for f in forms), Text(gap).join(f[1] for f in forms)]
    for k in range(len(forms) - 1, 0, -1):
        shown.append(Text.assemble(Text(gap).join(f[1] for f in forms[:k]), (f" +{len(forms) - k}", "dim")))
    count = Text(ngettext("{n} account", "{n} accounts", len(forms)).format(n=l10n.number(len(forms))), style="dim")
    if errors:
        # i18n: status line, after "5 accounts": how many of them are in error
        count.append(" " + ngettext("({n} in error)", "({n} in error)", errors).format(n=l10n.number(errors)),
                     style="bold red")
    shown.append(count)
    # An error stays in words longer than a calm state does.
    return Part.of(shown[0], KEEP_CRISIS if errors else KEEP_ACCOUNT, *shown[1:], lead=GROUP)


def _with_dim_field(message: str, when: str) -> Text:
    """A translated message whose {when} field is shown dim (the words around it are not)."""
    before, _field, after = message.partition("{when}")
    return Text.assemble(before, (when, "dim"), after)


def _signature(parts: list[Part]) -> tuple:
    """What a line of parts shows (rich's Text equality leaves out a Text's own style)."""
    return tuple((part.lead, part.priority, tuple((form.plain, str(form.style), tuple(form.spans))
                                                  for form in part.forms)) for part in parts)


class StatusLine(Widget):
    """A few small aggregates of the store, fitted to its width by priority
    (cmtui.tui.fitting) whenever it is drawn. No timer of its own: it re-reads when the store
    changed (the screen's DataChanged, the app's check of its own writes each second) and
    when the app's clock ticks (each minute: the overdue count moves on with time), and it
    repaints only when what it shows changed."""

    DEFAULT_CSS = """
    StatusLine { height: 1; background: $panel; color: $text; padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None):
        super().__init__(id=id)
        self._parts: list[Part] = []
        self._read_at: tuple | None = None  # the app's status_key() when last read

    def on_mount(self) -> None:
        # Filled in right after the first frame: the list is what the user waits for.
        self.call_after_refresh(self.refresh_status)

    def render(self) -> Text:
        return join_parts(fit_parts(self._parts, self.content_size.width or 10**6))

    def catch_up(self) -> None:
        """Shown again: re-read if the store or the clock moved on while it was hidden."""
        if self._read_at != self.app.status_key():
            self.refresh_status()

    def refresh_status(self) -> None:
        self._read_at = self.app.status_key()
        parts = self._read_parts()
        if _signature(parts) != _signature(self._parts):
            self._parts = parts
            self.refresh()

    def _read_parts(self) -> list[Part]:
        store = self.app.store
        parts: list[Part] = []
        marker = self.app.crisis_watch.marker  # set by the app's crisis watch
        if marker:
            parts.append(Part.of(Text(f"⚠ {marker}", style="bold red"), KEEP_CRISIS,
                                 Text(_("⚠ crisis"), style="bold red"), lead=GROUP))
        accounts = store.accounts.list()
        if not accounts:
            message = _("no accounts yet ({command})")
            command = "cmtui account add"  # i18n: not shown
            parts.append(Part.of(Text(message.format(command=command),
                                      style="dim"), KEEP_ACCOUNT, Text(_("no accounts yet"), style="dim"), lead=GROUP))
        if accounts:  # (with how each one's new items arrive now: live, connecting, polling every N s)
            parts.append(accounts_part(accounts, live_statuses(self.app)))
        counts = store.outbox.counts()
        waiting, failed = counts["pending"] + counts["sending"], counts["failed"]
        # i18n: status line: the outbox (operations waiting to be sent)
        outbox = Text(_("outbox") + " ")
        # i18n: status line: outbox operations waiting to be sent
        outbox.append(ngettext("{n} pending", "{n} pending", waiting).format(n=l10n.number(waiting)),
                      style="bold" if counts["pending"] else "dim")
        if failed:
            # i18n: status line: outbox operations the server refused
            outbox.append(" " + ngettext("{n} failed", "{n} failed", failed).format(n=l10n.number(failed)),
                          style="bold red")
        short = Text(f"✉ {l10n.number(waiting)}" + (f" ✗{l10n.number(failed)}" if failed else ""),
                     style="bold" if counts["pending"] or failed else "dim")
        parts.append(Part.of(outbox, KEEP_COUNTS, short, lead=GROUP))
        # Overdue: past the response target and unanswered (kept counts minus the few
        # recent items: ~3 ms on a million, fine each minute and after a change).
        target = timedelta(minutes=self.app.settings.response_target_minutes)
        overdue = store.inbox.overdue_count(overdue_cutoff(self.app.now(), target))
        # i18n: status line: inbox items past the response target, still unanswered
        parts.append(Part.of(Text(ngettext("{n} overdue", "{n} overdue", overdue).format(n=l10n.number(overdue)),
                                  style="bold red" if overdue else "dim"), KEEP_COUNTS, lead=GROUP))
        team = TeamCounts.of(self.app)
        team.request()  # recounted off the UI thread after a change; the last counts meanwhile
        mine = team_words(team.current)
        if mine is not None:
            parts.append(Part.of(mine, KEEP_COUNTS, lead=GROUP))
        last = max((a.last_sync_at for a in accounts if a.last_sync_at), default=None)
        when = self.app.format_time(last) if last else pgettext("last sync", "never")
        parts.append(Part.of(_with_dim_field(_("last sync {when}"), when), KEEP_LAST_SYNC,
                             _with_dim_field(_("synced {when}"), when), lead=GROUP))
        return parts
