"""Accounts (key 5): each account's state, last sync, last error, rate-limit pause and unsent
operations; add one (offline, with a token, or through the platform's sign-in flow),
re-authorise one, remove one after a yes.

The add is cmtui.accounts_setup's, the very code `cmtui account add` runs: checked against
the store here, the platform asked in a worker thread (no request on the app's loop), the
result stored back on the app's thread. A failure is a notification and stores nothing."""

from __future__ import annotations

import asyncio
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from cmtui.accounts_setup import (AccountRow, Credential, Plan, Verified, add_offline, check_offline, overview,
                                  prepare, removal, remove_account, save, verify)
from cmtui import l10n
from cmtui.errors import CmtuiError
from cmtui.i18n import N_, _, ngettext, pgettext
from cmtui.model import parse_iso
from cmtui.sync.connectors import profile_for
from cmtui.text import one_line
from cmtui.tui.fitting import cell
from cmtui.tui.messages import DataChanged
from cmtui.tui.screens.base import ModeScreen
from cmtui.tui.widgets.key_lists import KeyTable
from cmtui.sync.states import state_word as sync_state_word


def heading(name: str) -> str:
    """A column's heading as shown (COLUMNS' names are keys); each fits its column's width."""
    # i18n: the Accounts table's column headings: each at most as long as its column (name 16,
    # platform 10, server 26, state 13, last sync 13, paused until 16, outbox 6, last error 30)
    shown = {"name": pgettext("accounts column", "name"), "platform": pgettext("accounts column", "platform"),
             "server": pgettext("accounts column", "server"), "state": pgettext("accounts column", "state"),
             "last sync": pgettext("accounts column", "last sync"),
             "paused until": pgettext("accounts column", "paused until"),
             "outbox": pgettext("accounts column", "outbox"), "last error": pgettext("accounts column", "last error")}
    return shown.get(name, name)


# (name, width): the names are keys, shown through heading()
COLUMNS = (("name", 16), ("platform", 10), ("server", 26), ("state", 13),
           ("last sync", 13), ("paused until", 16), ("outbox", 6), ("last error", 30))  # i18n: not shown
STATE_STYLES = {"error": "bold red", "offline": "yellow", "syncing": "cyan", "not connected": "dim"}


class AccountsScreen(ModeScreen):
    CSS_PATH = Path(__file__).with_name("accounts.tcss")  # read when first shown
    TITLE_SUFFIX = N_("Accounts")
    BINDINGS = [
        Binding("a", "add", N_("Add"), id="accounts.add"),
        Binding("r", "reauthorise", N_("Re-authorise"), id="accounts.reauthorise"),
        Binding("D", "remove", N_("Remove"), id="accounts.remove"),
        Binding("enter", "details", N_("Details"), id="accounts.details"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, AccountRow] = {}

    def compose_body(self) -> ComposeResult:
        yield Static(id="accounts-summary")
        yield KeyTable(id="accounts-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="account-details")

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one("#accounts-table", KeyTable)
        for title, width in COLUMNS:
            table.add_column(heading(title), width=width)
        self.load()
        table.focus()

    def on_data_changed(self, _message: DataChanged) -> None:
        self.load()

    # -- the table --------------------------------------------------------------------------
    def load(self) -> None:
        rows = overview(self.store, self.app.now())
        self.rows = {row.name: row for row in rows}
        table = self.query_one("#accounts-table", KeyTable)
        table.refill(lambda: [table.add_row(*self._cells(row), key=row.name) for row in rows])
        unconnected = sum(1 for row in rows if row.offline)
        summary = ngettext("{n} account", "{n} accounts", len(rows)).format(n=l10n.number(len(rows)))
        if unconnected:
            # i18n: after "3 accounts": how many are planned offline, with no connection
            summary += ngettext(", {n} not connected (plan only)", ", {n} not connected (plan only)",
                                unconnected).format(n=l10n.number(unconnected))
        if not rows:
            summary += " · " + _("a: add one (offline to plan before the credentials arrive)")
        self.query_one("#accounts-summary", Static).update(Text(summary))
        self._show_details(self.selected(), refresh_only=True)

    def _cells(self, row: AccountRow) -> list[Text]:
        widths = dict(COLUMNS)
        paused = self.app.format_time(row.paused_until) if row.paused_until else ""
        return [cell(row.name, widths["name"]), cell(row.label, widths["platform"]),
                cell(row.server or "–", widths["server"]),
                cell(sync_state_word(row.state), widths["state"], STATE_STYLES.get(row.state, "")),
                cell(self._ago(row.last_sync_at), widths["last sync"]),
                cell(paused, widths["paused until"], "yellow"),
                cell(str(row.pending) if row.pending else "", widths["outbox"]),
                cell(row.last_error or "", widths["last error"], "red")]

    def _ago(self, stamp: str | None) -> str:
        when = parse_iso(stamp)
        if when is None:
            return pgettext("last sync", "never")
        ago = self.app.now() - when
        if ago.total_seconds() < 60:
            return pgettext("last sync", "just now")
        return l10n.relative(-ago, compact=True)

    def selected(self) -> AccountRow | None:
        key = self.query_one("#accounts-table", KeyTable).current_key()
        return self.rows.get(key) if key is not None else None

    def _chosen(self) -> AccountRow | None:
        row = self.selected()
        if row is None:
            self.notify(_("No account selected (a: add one)."), severity="warning")
        return row

    # -- details ----------------------------------------------------------------------------
    def action_details(self) -> None:
        row = self._chosen()
        if row is not None:
            self._show_details(row)

    def _show_details(self, row: AccountRow | None, refresh_only: bool = False) -> None:
        box = self.query_one("#account-details", Static)
        if refresh_only and not box.display:
            return
        if row is None:
            box.display = False
            return
        account = self.store.accounts.get(row.name)
        if account is None:
            box.display = False
            return
        lines = Text()
        lines.append(f"{account.name}", style="bold")
        lines.append(f" · {row.label}" + (f" · {account.server}" if account.server else "") + "\n")
        if account.offline:
            lines.append(_("Not connected: planned offline. r connects it (a token or the sign-in).") + "\n")
        else:
            # (what the platform said of itself: one plain line each, whatever it holds)
            lines.append(one_line(account.handle or "?") + (f" ({one_line(account.display_name)})"
                                                            if account.display_name else "")
                         # i18n: the account is an administrator of its server
                         + (" · " + _("admin") if account.is_admin else "") + "\n")
        if account.limits.get("max_chars"):
            limit = account.limits["max_chars"]
            lines.append(ngettext("Posts up to {n} character", "Posts up to {n} characters", limit).format(
                n=l10n.number(limit)) + "\n")
        if account.places:
            known = len(account.places)
            # i18n: places are chat rooms or channels the account knows
            lines.append(ngettext("{n} place known", "{n} places known", known).format(n=l10n.number(known)) + "\n")
        if row.last_error:
            lines.append(_("Last error: {error}").format(error=one_line(row.last_error)) + "\n", style="red")
        box.update(lines)
        box.display = True

    # -- add, re-authorise --------------------------------------------------------------------
    def action_add(self) -> None:
        from cmtui.tui.dialogs.account_dialog import AccountDialog

        self.app.push_screen(AccountDialog(check=self._check), self._answered)

    def action_reauthorise(self) -> None:
        from cmtui.tui.dialogs.account_dialog import AccountDialog, Prefill

        row = self._chosen()
        if row is None:
            return
        values = {"server": row.server} if row.server else {}
        if row.handle and any(o.role == "user" for o in profile_for(row.platform).options):
            values["user"] = row.handle  # the account it must stay (a token for another one is refused)
        self.app.push_screen(AccountDialog(Prefill(row.platform, row.name, values, row.offline), check=self._check),
                             self._answered)

    def _check(self, answer) -> None:
        """What the dialog checks before it closes (no request): CmtuiError keeps it open."""
        if answer.how == "offline":
            check_offline(self.store, answer.platform, answer.name, answer.values.get("server"))
        else:
            prepare(self.store, answer.platform, answer.name, answer.values, Credential(secret=answer.secret))

    def _answered(self, answer) -> None:
        if answer is None:
            return
        if answer.how == "offline":
            try:
                account = add_offline(self.store, answer.platform, answer.name, answer.values.get("server"))
            except CmtuiError as exc:
                self.notify(str(exc), title=_("Not added"), severity="error", markup=False)
                return
            self.notify(_("{account} added offline: plan for it, r connects it later").format(account=account.name),
                        markup=False)
            self._changed(account.name)
            return
        if answer.how == "token":
            credential = Credential(secret=answer.secret)
        else:
            credential = Credential(ask_code=self._ask_code_from_thread)
        try:
            plan = prepare(self.store, answer.platform, answer.name, answer.values, credential)
        except CmtuiError as exc:
            self.notify(str(exc), title=_("Not added"), severity="error", markup=False)
            return
        self.notify(_("Checking {account} with {server}…").format(account=plan.name, server=plan.server), timeout=3,
                    markup=False)
        self.verify_in_thread(plan, credential)

    @work(thread=True, exclusive=True, group="account-add", exit_on_error=False)
    def verify_in_thread(self, plan: Plan, credential: Credential) -> None:
        """The requests, off the app's loop; the store is written back on the app's thread."""
        try:
            verified = verify(plan, credential, float(self.app.settings.http_timeout_seconds))
        except CmtuiError as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        except Exception as exc:  # a bug must cost this add, not the app
            self.app.call_from_thread(self._failed, _("unexpected error: {error}").format(
                error=f"{type(exc).__name__}: {exc}")[:300])
            return
        self.app.call_from_thread(self._store_verified, verified)

    def _ask_code_from_thread(self, url: str) -> str:
        """The sign-in flow's prompt, asked from the worker thread: a dialog on the app's."""
        return self.app.call_from_thread(self._ask_code, url)

    async def _ask_code(self, url: str) -> str:
        from cmtui.tui.browser import open_in_browser
        from cmtui.tui.dialogs.account_dialog import AuthorizeDialog

        code: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self.app.push_screen(AuthorizeDialog(url), lambda answer: code.done() or code.set_result(answer or ""))
        open_in_browser(self.app, url)
        return await code

    def _failed(self, message: str) -> None:
        self.notify(message, title=_("Not added"), severity="error", markup=False, timeout=12)

    def _store_verified(self, verified: Verified) -> None:
        credentials = self._credentials()
        try:
            added = save(self.store, credentials, verified, float(self.app.settings.http_timeout_seconds))
        except CmtuiError as exc:
            self._failed(str(exc))
            return
        self.notify(added.summary(), title=pgettext("notification title", "Account"), markup=False, timeout=8)
        self._changed(added.name)
        self._start_syncing(credentials)

    def _credentials(self):
        engine = self.app.engine
        if engine is not None:
            return engine.credentials
        from cmtui.config import Credentials

        return Credentials()

    def _start_syncing(self, credentials) -> None:
        """A connected account syncs now: the running engine reads the accounts on each pass;
        without one (no account had a token at start) one starts, as at start-up."""
        app = self.app
        if app.engine is None:
            from cmtui.sync.engine import SyncEngine

            app.engine = SyncEngine(self.store, app.settings, credentials,
                                    timeout=float(app.settings.http_timeout_seconds))
            app.engine.on_change = lambda name: app.post_message(app.SyncChanged())
            app.sync_loop()
        else:
            app.action_sync_now()

    def _changed(self, name: str) -> None:
        self.load()
        table = self.query_one("#accounts-table", KeyTable)
        if name in self.rows:
            table.move_cursor(row=list(self.rows).index(name))
        self.app.post_message(self.app.SyncChanged())  # the other modes' account lists

    # -- remove -------------------------------------------------------------------------------
    def action_remove(self) -> None:
        from cmtui.tui.dialogs.ask import ConfirmDialog

        row = self._chosen()
        if row is None:
            return
        credentials = self._credentials()
        try:
            said = removal(self.store, credentials, row.name)
        except CmtuiError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                done = remove_account(self.store, credentials, row.name)
            except CmtuiError as exc:
                self.notify(str(exc), title=_("Not removed"), severity="error", markup=False)
                return
            self.notify(done.summary(), title=pgettext("notification title", "Account"), markup=False)
            self._changed(row.name)

        self.app.push_screen(ConfirmDialog(said.question()), answered)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """enter on the table (the table takes the key before the screen's binding)."""
        event.stop()
        self.action_details()

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._show_details(self.selected(), refresh_only=True)
