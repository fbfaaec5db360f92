"""The Accounts screen's dialogs: add (or re-authorise) an account, and the authorization
code of a platform's sign-in flow. The fields come from the platform's profile (its
options: server, user, places), so no platform is named here."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Select, Static

from cmtui.accounts_setup import sign_in_kind
from cmtui.errors import CmtuiError
from cmtui.i18n import N_, _
from cmtui.sync.connectors import PLATFORMS, profile_for

HOW_OFFLINE, HOW_TOKEN, HOW_AUTHORIZE = "offline", "token", "authorize"


@dataclass(frozen=True)
class AccountAnswer:
    """What the dialog was given: the token is held only until the add is done."""

    platform: str
    name: str
    how: str  # offline, token, authorize
    values: dict[str, str] = field(default_factory=dict)  # the profile's options, by role
    secret: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Prefill:
    """Re-authorising: the account's platform and name (fixed) and what it has."""

    platform: str
    name: str
    values: dict[str, str] = field(default_factory=dict)
    offline: bool = False


class AccountDialog(ModalScreen[AccountAnswer | None]):
    CSS_PATH = Path(__file__).with_name("account_dialog.tcss")
    BINDINGS = [
        Binding("escape", "dismiss(None)", N_("Cancel"), id="account_dialog.cancel"),
        Binding("ctrl+s", "submit", N_("Add"), id="account_dialog.submit"),
    ]

    def __init__(self, prefill: Prefill | None = None, check: Callable[[AccountAnswer], object] | None = None):
        super().__init__()
        self.prefill = prefill
        self.check = check  # the checks that need no request: a refusal keeps the dialog and what was typed
        self.platform = prefill.platform if prefill else PLATFORMS[0]

    def compose(self) -> ComposeResult:
        fixed = self.prefill is not None
        title = _("Re-authorise {name}").format(name=self.prefill.name) if self.prefill else _("Add an account")
        with Vertical(id="account-form"):
            yield Static(Text(title, style="bold"))
            yield Label(_("Platform"))
            yield Select([(profile_for(p).label, p) for p in PLATFORMS], value=self.platform, allow_blank=False,
                         id="account-platform", disabled=fixed, compact=True)
            yield Label(_("Name"))
            yield Input(self.prefill.name if self.prefill else "", placeholder=_("a short name: letters, digits, . _ -"),
                        id="account-name", disabled=fixed, compact=True)
            yield Vertical(id="account-options")
            with RadioSet(id="account-how"):
                if not fixed:
                    yield RadioButton(_("offline (plan only, connect later)"), id="how-offline")
                yield RadioButton(_("a token (pasted)"), value=True, id="how-token")
                yield RadioButton(_("sign in in the browser (a code to paste)"), id="how-authorize")
            yield Input(placeholder=_("the token (not shown, never stored in the database)"), password=True,
                        id="account-token", compact=True)
            with Horizontal(id="account-buttons"):
                yield Button(_("Re-authorise") if fixed else _("Add"), variant="primary", id="account-submit")
                yield Button(_("Cancel"), id="account-cancel")
            # i18n: ctrl+s and esc are key names: keep them as they are.
            yield Static(Text(_("ctrl+s: add · esc: cancel"), style="dim"))

    async def on_mount(self) -> None:
        await self._show_options()
        self.query_one("#account-name" if self.prefill is None else "#account-token", Input).focus()

    async def _show_options(self) -> None:
        """The platform's own fields (its profile's options), and the ways it signs in."""
        box = self.query_one("#account-options", Vertical)
        await box.remove_children()
        profile = profile_for(self.platform)
        given = self.prefill.values if self.prefill else {}
        fields = []
        for option in profile.options:
            if option.role == "token_env":
                continue
            word = profile.option_label(option.role)
            listed = option.role in ("places", "support_places")
            if option.required:
                hint = _("{field}, comma-separated").format(field=word) if listed else word
            else:
                hint = (_("{field} (optional), comma-separated") if listed else _("{field} (optional)")).format(
                    field=word)
            fields += [Label(word[:1].upper() + word[1:]),
                       Input(given.get(option.role, ""), placeholder=hint, id=f"option-{option.role}", compact=True)]
        await box.mount_all(fields)
        self.query_one("#how-authorize", RadioButton).display = sign_in_kind(self.platform) == "authorize"
        self._how_changed()

    async def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "account-platform" and event.value != self.platform:
            self.platform = str(event.value)
            await self._show_options()

    def on_radio_set_changed(self, _event: RadioSet.Changed) -> None:
        self._how_changed()

    def _how_changed(self) -> None:
        how = self.how()
        self.query_one("#account-token", Input).display = how == HOW_TOKEN

    def how(self) -> str:
        pressed = self.query_one("#account-how", RadioSet).pressed_button
        chosen = (pressed.id or "how-token").removeprefix("how-") if pressed is not None else HOW_TOKEN
        if chosen == HOW_AUTHORIZE and not self.query_one("#how-authorize", RadioButton).display:
            return HOW_TOKEN
        return chosen

    def answer(self) -> AccountAnswer:
        values = {box.id.removeprefix("option-"): box.value.strip()
                  for box in self.query("#account-options Input").results(Input) if box.id and box.value.strip()}
        how = self.how()
        secret = self.query_one("#account-token", Input).value.strip() if how == HOW_TOKEN else None
        return AccountAnswer(self.platform, self.query_one("#account-name", Input).value.strip(), how, values, secret)

    def action_submit(self) -> None:
        answer = self.answer()
        if not answer.name:
            self.notify(_("Give the account a name."), severity="warning")
            return
        if answer.how == HOW_TOKEN and not answer.secret:
            self.notify(_("Paste the token, or choose another way."), severity="warning")
            return
        if self.check is not None:
            try:
                self.check(answer)
            except CmtuiError as exc:
                self.notify(str(exc), title=_("Not added"), severity="error", markup=False)
                return
        self.dismiss(answer)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "account-submit":
            self.action_submit()
        else:
            self.dismiss(None)


class AuthorizeDialog(ModalScreen[str]):
    """Where to approve cmtui (opened in the browser when there is one), and the code the
    platform then shows, pasted here. Dismisses with the code ("" on esc: nothing is added)."""

    CSS_PATH = Path(__file__).with_name("account_dialog.tcss")
    BINDINGS = [Binding("escape", "dismiss('')", N_("Cancel"), id="authorize.cancel")]

    def __init__(self, url: str):
        super().__init__()
        self.url = url

    def compose(self) -> ComposeResult:
        with Vertical(id="authorize-form"):
            yield Static(Text(_("Open this address, sign in and approve cmtui:"), style="bold"))
            yield Static(Text(self.url), id="authorize-url")  # from the server: shown literally
            yield Input(placeholder=_("then paste the authorization code here"), id="authorize-code", compact=True)
            # i18n: enter and esc are key names: keep them as they are.
            yield Static(Text(_("enter: done · esc: cancel"), style="dim"))

    def on_mount(self) -> None:
        self.query_one("#authorize-code", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip())
