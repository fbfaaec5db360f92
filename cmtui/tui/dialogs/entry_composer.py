"""`c` / `e` in the calendar: write or edit a post.

The text, a variant per target account where the wording differs, a live counter with each
account's limit (URLs at their weight), the time in words ("tomorrow 9:00", "fri 18:30") read
in the settings' timezone, a repeat rule, language, visibility, content warning, campaign
label and colour, internal notes. For an account whose platform posts to places (chat rooms) a
place picker (the account's places by name) stands where the visibility is, and the content
warning goes when the platform has none. Every field has a label; an empty field looks empty
(at most a dim "e.g. …" hint), and a new post starts with the settings' language and a
free posting slot ahead. ctrl+s saves (then what applies to the entry's state and the
settings: keep it, ask for approval, schedule it); ctrl+n suggests the account's best free hour of the
week (the best-time heatmap; else the next free posting slot); esc keeps what was typed
as a draft of the form, which comes back next time. A line holding only --- (ctrl+enter inserts
one) splits the post into the parts of a thread, each counted on its own; ctrl+o (or p outside
a text field) previews the post as its platform will show it."""

from __future__ import annotations

from pathlib import Path

from datetime import date, datetime, timedelta

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Select, Static, TextArea

from cmtui import l10n
from cmtui.errors import CmtuiError, InputError
from cmtui.i18n import N_, _, ngettext, pgettext
from cmtui.model import parse_iso
from cmtui.planning.threads import is_thread
from cmtui.planning.timeparse import parse_when
from cmtui.sync.connectors import default_platform, profile_for
from cmtui.sync.connectors.base import Capability
from cmtui.tui.dialogs.base import Dialog
from cmtui.model import status_name
from cmtui.tui.widgets.calendar_views import visibility_name
from cmtui.tui.widgets.media_field import MediaField
from cmtui.tui.widgets.thread_count import count_line, insert_separator
from cmtui.tui.widgets.conflict_marks import warn_conflicts
from cmtui.tui.widgets.repeat_field import CUSTOM, RepeatPresets, rule_words

COLOURS = ("magenta", "cyan", "green", "yellow", "red", "blue", "orange1", "purple")  # i18n: not shown


def colour_name(colour: str) -> str:
    """A campaign colour as the picker shows it (the stored value is the style's name)."""
    names = {
        "magenta": pgettext("colour", "magenta"), "cyan": pgettext("colour", "cyan"),
        "green": pgettext("colour", "green"), "yellow": pgettext("colour", "yellow"),
        "red": pgettext("colour", "red"), "blue": pgettext("colour", "blue"),
        "orange1": pgettext("colour", "orange"), "purple": pgettext("colour", "purple"),
    }
    return names.get(colour, colour)
SAVE_AFTER = 0.5


class EntryComposer(Dialog):
    CSS_PATH = Path(__file__).with_name("entry_composer.tcss")  # read when first shown
    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save"), priority=True, id="entry.save"),
        Binding("ctrl+n", "queue", N_("Next free slot"), priority=True, id="entry.queue"),
        Binding("escape", "keep", N_("Keep as draft"), id="entry.keep"),
        Binding("ctrl+enter", "new_part", N_("New part"), priority=True, id="entry.new_part"),
        Binding("ctrl+o", "preview", N_("Preview"), priority=True, id="entry.preview"),
        Binding("p", "preview", N_("Preview"), show=False, id="entry.preview_p"),  # (a text field types p)
    ]

    def __init__(self, cmtui_app, entry=None, default_day: date | None = None, default_hour: int | None = None):
        super().__init__()
        self.cmtui = cmtui_app
        self.store = cmtui_app.store
        self.settings = cmtui_app.settings
        self.tz = self.settings.tzinfo()
        self.entry = entry
        self.context = f"entry:{entry['id']}" if entry is not None else "entry:new"
        self.accounts = {a.name: a for a in self.store.accounts.list()}
        # The visibilities of the platforms posted to (an entry has one visibility for all).
        self.default_profile = profile_for(default_platform())
        profiles = [self.default_profile, *(profile_for(a.platform) for a in self.accounts.values())]
        self.visibilities = tuple(dict.fromkeys(v for p in profiles for v in p.visibilities))
        self.variants: dict[str, str] = self.store.entries.variant_texts(entry["id"]) if entry is not None else {}
        self.default_day, self.default_hour = default_day, default_hour
        self._rule_check: tuple | None = None  # ((rule, start), what to say): the check runs once per change
        self._variant_for: str | None = None
        # (when value, why, not the account's own data) from ctrl+n, for the echo line
        self._suggested: tuple[str, str, bool] | None = None
        self._save_timer = None
        self._preset_start: datetime | None = None  # the start the presets' labels are for

    # -- the form -------------------------------------------------------------------------------
    def _initial(self) -> dict:
        """The form's values: a kept draft of the form first, else the entry, else defaults."""
        kept = self.store.drafts.get_form(self.context, self.app.settings.username)
        if kept is not None:
            return kept
        e = self.entry
        if e is None:
            from cmtui.planning.queue import default_time

            account = next(iter(self.accounts), "")
            when = (default_time(self.store, self.settings, account, self.default_day, self.cmtui.now(),
                                 self.default_hour).astimezone(self.tz) if self.default_day else None)
            return {"text": "", "account": account, "when": when.strftime("%Y-%m-%d %H:%M")
                    if when else "", "rrule": "", "language": self.settings.post_language() or "",
                    "visibility": self.default_profile.default_visibility, "cw": "", "place": "", "campaign": "",
                    "colour": COLOURS[0], "notes": "", "variants": {}, "then": "draft", "media": []}
        at = parse_iso(e["scheduled_at"])
        return {"text": e["text"], "account": e["account"] or "", "when":
                at.astimezone(self.tz).strftime("%Y-%m-%d %H:%M") if at else "", "rrule": e["rrule"] or "",
                "language": e["language"] or "", "visibility":
                e["visibility"] or self.default_profile.default_visibility,
                "cw": e["content_warning"] or "", "place": e["place"] or "", "campaign": e["campaign"] or "",
                "colour": e["campaign_color"] or COLOURS[0], "notes": e["notes"] or "",
                "variants": self.variants, "then": "keep", "media": self.store.entries.media(e)}

    def _then_options(self) -> list[tuple[str, str]]:
        """What may follow the save: only the steps the lifecycle (planning.entries) allows
        from the entry's state under the settings' approval rule."""
        approval = self.settings.approval_required
        if self.entry is None:
            return [(_("keep as draft"), "draft"), (_("only an idea"), "idea"),
                    (_("ask for approval"), "needs_approval") if approval else (_("schedule it"), "scheduled")]
        status = self.entry["status"]
        # i18n: what follows saving an edited post: it stays in its state ({status}: draft, scheduled…)
        options = [(_("keep it {status}").format(status=status_name(status)), "keep")]
        if approval and status in ("idea", "draft", "failed", "cancelled"):
            options.append((_("ask for approval"), "needs_approval"))
        if status not in ("scheduled", "published") and (not approval or status == "approved"):
            options.append((_("schedule it"), "scheduled"))
        return options

    def compose(self) -> ComposeResult:
        v = self._initial()
        self.variants = dict(v.get("variants") or {})
        title = (_("New post") if self.entry is None
                 else _("Edit post · {status}").format(status=status_name(self.entry["status"])))
        accounts = [(name, name) for name in self.accounts] + [(_("no account yet"), "")]
        with Vertical():
            yield Static(Text(title, style="bold"))
            with Horizontal(classes="row"):
                yield Static(_("account"), classes="label")
                yield Select(accounts, value=v["account"] if v["account"] in self.accounts or v["account"] == ""
                             else "", allow_blank=False, compact=True, id="entry-account")
                yield Static(_("when"), classes="label")
                yield Input(v["when"], compact=True, id="entry-when",
                            placeholder=_("e.g. tomorrow 9:00, fri 18:30, 2026-12-01 10:00 (empty: no time)"))
            yield Static(id="entry-when-read")
            yield Static(_("text"), classes="text-label")
            yield TextArea(v["text"], id="entry-text", soft_wrap=True, compact=True)
            yield Static(id="entry-count")
            with Horizontal(classes="row"):
                yield Static(_("variant for"), classes="label")
                yield Select([(name, name) for name in self.accounts], prompt=_("same text everywhere"),
                             compact=True, id="variant-account")
            yield TextArea("", id="variant-text", soft_wrap=True, compact=True)
            with Horizontal(classes="row"):
                yield Static(_("repeat"), classes="label")
                yield Input(v["rrule"], placeholder=_("e.g. {example}").format(example="FREQ=WEEKLY;BYDAY=MO,TH"),
                            compact=True, id="entry-rrule")
                yield RepeatPresets(None, self.tz, id="entry-repeat-preset")
                yield Static(_("language"), classes="label")
                yield Input(v["language"], placeholder=_("e.g. {example}").format(example="en"), compact=True,
                            max_length=3, id="entry-language")
            yield Static(id="entry-rule-words")
            yield Static(id="entry-rule-read")
            with Horizontal(classes="row"):
                yield Static(_("visibility"), classes="label", id="entry-visibility-label")
                yield Select([(visibility_name(x), x) for x in self.visibilities], value=v["visibility"],
                             allow_blank=False,
                             compact=True, id="entry-visibility")
                yield Static(_("place"), classes="label", id="entry-place-label")
                yield Select([], prompt=_("choose one"), compact=True, id="entry-place")
                yield Static(_("content warning"), classes="label", id="entry-cw-label")
                yield Input(v["cw"], compact=True, id="entry-cw")
            with Horizontal(classes="row"):
                yield Static(_("campaign"), classes="label")
                yield Input(v["campaign"], placeholder=_("e.g. {example}").format(example="launch-4.3"), compact=True,
                            id="entry-campaign")
                yield Static(_("colour"), classes="label")
                yield Select([(colour_name(c), c) for c in COLOURS],
                             value=v["colour"] if v["colour"] in COLOURS else COLOURS[0],
                             allow_blank=False, compact=True, id="entry-colour")
            with Horizontal(classes="row"):
                yield Static(_("notes"), classes="label")
                yield Input(v["notes"], placeholder=_("e.g. check the link first (for the team, never posted)"),
                            compact=True, id="entry-notes")
            yield MediaField(self.store, self.settings, v.get("media") or [], id="entry-media")
            with Horizontal(classes="row"):
                yield Static(_("then"), classes="label")
                options = self._then_options()
                yield Select(options, value=v.get("then") if v.get("then") in dict(map(reversed, options))
                             else options[0][1], allow_blank=False, compact=True, id="entry-then")
            yield Static(id="entry-error")
            yield Static(Text(_("ctrl+s save · ctrl+n free slot · ctrl+enter (or a line ---) new part"
                                " · ctrl+o preview · esc keep as draft"), style="dim"))

    def on_mount(self) -> None:
        self._show_platform(self._initial().get("place") or "")
        self.query_one("#entry-text", TextArea).focus()
        self._refresh_checks()

    def _account_profile(self):
        account = self.accounts.get(self._values()["account"])
        return account, profile_for(account.platform) if account is not None else None

    def _show_platform(self, place: str | None = None) -> None:
        """The fields the chosen account's platform has: its places instead of the visibility
        when it posts to places, a content warning only where there is one."""
        from cmtui.planning.platforms import postable_places

        account, profile = self._account_profile()
        label = profile.place_label if profile is not None else ""
        for widget in ("#entry-visibility-label", "#entry-visibility"):
            self.query_one(widget).display = not label
        for widget in ("#entry-place-label", "#entry-place"):
            self.query_one(widget).display = bool(label)
        for widget in ("#entry-cw-label", "#entry-cw"):
            self.query_one(widget).display = profile is None or profile.reply_content_warning
        self.query_one(MediaField).display = profile is None or Capability.MEDIA in profile.capabilities
        if label:
            self.query_one("#entry-place-label", Static).update(_(label))  # the platform's word: "room"
            picker = self.query_one("#entry-place", Select)
            keep = place if place is not None else picker.value
            options = [(Text(p.shown), p.id) for p in postable_places(account)]  # remote names: literal
            picker.set_options(options)
            if keep in {value for _, value in options}:
                picker.value = keep

    # -- live checks ------------------------------------------------------------------------------
    def _when(self) -> datetime | None:
        raw = self.query_one("#entry-when", Input).value.strip()
        return parse_when(raw, self.tz, self.cmtui.now()) if raw else None

    def _refresh_checks(self) -> None:
        read = Text()
        try:
            when = self._when()
            if when is not None:
                local = when.astimezone(self.tz)
                read.append(f"→ {l10n.long_day_time(local)} {local.strftime('%Z')}", style="dim")
                if when < self.cmtui.now():
                    read.append("  " + _("(in the past)"), style="yellow")
                if self._suggested and self._suggested[0] == self.query_one("#entry-when", Input).value:
                    read.append(f"  · {self._suggested[1]}", style="yellow" if self._suggested[2] else "dim")
        except InputError as exc:
            read.append(str(exc), style="red")
        self.query_one("#entry-when-read", Static).update(read)
        self._show_rule_words()
        note = self._rule_note()
        rule_read = self.query_one("#entry-rule-read", Static)
        rule_read.update(note)
        rule_read.display = bool(note.plain)  # no blank line under a rule that reads right
        text = self.query_one("#entry-text", TextArea).text
        count = Text()
        for name, account in self.accounts.items():
            count.append_text(count_line(name, self.variants.get(name) or text, account,
                                         variant=bool(self.variants.get(name))))
            count.append("   ")
        self.query_one("#entry-count", Static).update(count)

    def _show_rule_words(self) -> None:
        """The rule in words under it, and the presets' labels for the start."""
        try:
            when = self._when()
        except InputError:
            when = None
        if when != self._preset_start:
            self._preset_start = when
            self.query_one(RepeatPresets).follow(when)
        words = rule_words(self.query_one("#entry-rrule", Input).value, when, self.tz)
        shown = self.query_one("#entry-rule-words", Static)
        shown.update(words)
        shown.display = bool(words.plain)

    def _rule_note(self) -> Text:
        """Under the repeat rule: a warning when the start is not a date the rule gives (the
        start still posts, then the rule's dates follow), or why the rule cannot be read."""
        from cmtui.planning.recurrence import first_on_rule

        rule = self.query_one("#entry-rrule", Input).value.strip()
        if not rule:
            return Text()
        try:
            when = self._when()
        except InputError:
            when = None
        key = (rule, when)
        if self._rule_check is None or self._rule_check[0] != key:
            note = Text()
            try:
                first = first_on_rule(rule, when, self.tz) if when is not None else None
            except InputError as exc:
                note.append(str(exc), style="red")
            else:
                if first is not None:
                    start, first = when.astimezone(self.tz), first.astimezone(self.tz)
                    note.append("⚠ " + _("the start, {start}, is not a day this rule gives: the series posts then,"
                                         " and first as the rule says on {first} (move the start there to keep to"
                                         " the rule)").format(start=l10n.day(start), first=l10n.day_year_time(first)),
                                style="yellow")
            self._rule_check = (key, note)
        return self._rule_check[1]

    def _edited(self) -> None:
        """The input changed: an error about the old input no longer applies."""
        self.query_one("#entry-error", Static).update("")
        self._refresh_checks()

    def on_input_changed(self, event: Input.Changed) -> None:
        presets = self.query_one(RepeatPresets)
        if event.input.id == "entry-rrule" and presets.rule_for(self._preset_start) not in (None, event.value.strip()):
            presets.clear()  # typed over a preset: no longer that preset
        self._edited()
        self._schedule_keep()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if event.text_area.id == "variant-text" and self._variant_for:
            self.variants[self._variant_for] = event.text_area.text
        self._edited()
        self._schedule_keep()

    def on_select_changed(self, event: Select.Changed) -> None:
        self.query_one("#entry-error", Static).update("")
        if event.select.id == "entry-account":
            self._show_platform()
        if event.select.id == "entry-repeat-preset":
            self._use_preset(event.select)
        if event.select.id == "variant-account":
            area = self.query_one("#variant-text", TextArea)
            self._variant_for = event.value if isinstance(event.value, str) else None
            area.display = self._variant_for is not None
            area.load_text(self.variants.get(self._variant_for or "", ""))
        self._refresh_checks()

    # -- threads and the preview (cmtui.tui.widgets.thread_count, dialogs.post_preview) --------------
    def action_new_part(self) -> None:
        area = self.query_one("#variant-text" if self.focused is self.query_one("#variant-text") else "#entry-text",
                              TextArea)
        insert_separator(area)
        area.focus()

    def action_preview(self) -> None:
        from cmtui.tui.dialogs.post_preview import PostPreview, preview_of

        v = self._values()
        account, profile = self._account_profile()
        try:
            when = self._when() or self.cmtui.now()
        except InputError:
            when = self.cmtui.now()
        shown = l10n.day_year_time(when.astimezone(self.tz))
        cw = v["cw"] if profile is None or profile.reply_content_warning else ""
        self.app.push_screen(PostPreview(preview_of(v["text"], account, profile or self.default_profile, shown, cw,
                                                    v.get("media") or ())))
    def _use_preset(self, presets: RepeatPresets) -> None:
        """A preset fills the rule from the start; custom goes to the rule to write it."""
        rule_input = self.query_one("#entry-rrule", Input)
        try:
            rule = presets.rule_for(self._when())
        except InputError:
            rule = presets.rule_for(None)
        if rule is not None:
            rule_input.value = rule
        elif presets.value == CUSTOM:
            rule_input.focus()

    # -- keeping what was typed -------------------------------------------------------------------
    def _values(self) -> dict:
        q = self.query_one
        account, place = q("#entry-account", Select).value, q("#entry-place", Select).value
        return {
            "text": q("#entry-text", TextArea).text, "account": account if isinstance(account, str) else "",
            "when": q("#entry-when", Input).value, "rrule": q("#entry-rrule", Input).value,
            "language": q("#entry-language", Input).value, "visibility": q("#entry-visibility", Select).value,
            "cw": q("#entry-cw", Input).value, "place": place if isinstance(place, str) else "",
            "campaign": q("#entry-campaign", Input).value,
            "colour": q("#entry-colour", Select).value, "notes": q("#entry-notes", Input).value,
            "variants": {k: v for k, v in self.variants.items() if v.strip()},
            "then": q("#entry-then", Select).value, "media": q(MediaField).value,
        }

    def on_media_field_changed(self, _event: MediaField.Changed) -> None:
        self._edited()
        self._schedule_keep()

    def _schedule_keep(self) -> None:
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(SAVE_AFTER, self._keep_form)

    def _keep_form(self) -> None:
        self.store.drafts.save_form(self.context, self._values(), self.app.settings.username)

    def action_keep(self) -> None:
        if self._save_timer is not None:
            self._save_timer.stop()
        values = self._values()
        if values["text"].strip() or self.entry is not None:
            self._keep_form()
            self.cmtui.notify(_("Kept: the form comes back as you left it."), timeout=3)
        else:
            self.store.drafts.delete(self.context, self.app.settings.username)
        self.dismiss(None)

    # -- saving -------------------------------------------------------------------------------------
    def _show_error(self, message: str) -> None:
        self.query_one("#entry-error", Static).update(Text(message))

    def action_queue(self) -> None:
        """ctrl+n: the best free hour of the coming week from the account's best-time heatmap
        (its own posts, or a stated default pattern when they are too few); the account's
        next free posting slot when the heatmap suggests nothing."""
        from cmtui.metrics.best_time import HISTORY_WEEKS, MIN_POSTS, heatmap, suggest_times
        from cmtui.planning.entries import next_free_slot

        account = self._values()["account"]
        if not account:
            self._show_error(_("Pick an account first: posting slots are per account."))
            return
        now = self.cmtui.now()
        account_id = self.accounts[account].id
        try:
            heat = heatmap(self.store, account_id, now, self.tz)
            # Far enough ahead for the server to schedule it (it schedules nothing sooner).
            lead = profile_for(self.accounts[account].platform).server_schedule_lead or timedelta(0)
            slots = suggest_times(self.store, account_id, now + lead, n=1, tz=self.tz, now=now,
                                  heat=heat)
            if slots:
                at = slots[0]
                posts = heat["posts"]
                if heat["fallback"]:
                    note = ngettext("best time: a default pattern, not your data (only {n} post in {weeks} weeks,"
                                    " {needed} needed)",
                                    "best time: a default pattern, not your data (only {n} posts in {weeks} weeks,"
                                    " {needed} needed)", posts)
                else:
                    note = ngettext("best time from {n} post of the last {weeks} weeks",
                                    "best time from {n} posts of the last {weeks} weeks", posts)
                note = note.format(n=l10n.number(posts), weeks=l10n.number(HISTORY_WEEKS),
                                   needed=l10n.number(MIN_POSTS))
            else:
                at = next_free_slot(self.store, self.settings, account, now)
                note = _("the next free posting slot")
        except CmtuiError as exc:
            self._show_error(str(exc))
            return
        value = at.astimezone(self.tz).strftime("%Y-%m-%d %H:%M")
        self._suggested = (value, note, bool(slots and heat["fallback"]))
        self.query_one("#entry-when", Input).value = value
        self._refresh_checks()

    def action_save(self) -> None:
        from cmtui.planning import entries

        v = self._values()
        who = self.settings.username
        media = self.query_one(MediaField)
        problem = media.problem(self._account_profile()[0]) if media.display else None
        if problem:
            self.cmtui.notify(_("Not saved: {problem}").format(problem=problem), severity="error", timeout=6,
                              markup=False)
            return
        try:
            when = self._when()
            fields = dict(text=v["text"], account=v["account"] or None, when=when, rrule=v["rrule"].strip() or None,
                          language=v["language"].strip().lower() or None, visibility=v["visibility"],
                          content_warning=v["cw"].strip() or None, campaign=v["campaign"].strip() or None,
                          campaign_color=v["colour"] if v["campaign"].strip() else None, notes=v["notes"].strip(),
                          variants=v["variants"], media=v["media"] if media.display else [],
                          thread=is_thread(v["text"]))
            profile = self._account_profile()[1]
            if profile is not None and profile.place_label:  # (a place picked for another account goes)
                fields["place"] = v["place"] or None
            if profile is not None and not profile.reply_content_warning:
                fields["content_warning"] = None
            status = "idea" if v["then"] == "idea" else "draft"  # (a new entry's start)
            with self.store.transaction():  # the entry and what follows, or nothing
                now = self.cmtui.now()
                if self.entry is None:
                    entry_id = entries.create_entry(self.store, self.settings, status=status, who=who, now=now,
                                                    **fields)
                else:
                    entry_id = self.entry["id"]
                    entries.update_entry(self.store, self.settings, entry_id, who=who, now=now, **fields)
                if v["then"] == "needs_approval":
                    entries.submit_for_approval(self.store, self.settings, entry_id, who=who, now=now)
                elif v["then"] == "scheduled":
                    entries.schedule_entry(self.store, self.settings, entry_id, who=who, now=now)
        except CmtuiError as exc:
            self._show_error(str(exc))  # nothing stored; the form stays as typed
            return
        if self._save_timer is not None:
            self._save_timer.stop()
        self.store.drafts.delete(self.context, self.app.settings.username)
        warn_conflicts(self.cmtui, self.store, self.settings, entry_id)
        self.dismiss(entry_id)
