"""The first screen: where is the patient, and when; its fields never drop a key typed in a burst."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Static

from orient.ui import messages, views
from orient.ui.screens.common import KeysFooter, OneLineInput

if TYPE_CHECKING:
    from orient.directory.gazetteer import CommuneMatch
    from orient.ui.case import Case
    from orient.ui.screens.common import Host

SUGGESTIONS = 5


class TitleBar(Static):
    """One line: the tool and what this screen is for."""

    def __init__(self, title: str) -> None:
        super().__init__(Text.assemble(("orient", "bold"), "  ·  ", title), classes="titlebar")


class Suggestions(Static):
    """The gazetteer's best matches for the typed commune; ▸ marks the one Enter takes."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.matches: list["CommuneMatch"] = []
        self.index = 0
        self.typed = ""  # the text these matches are for

    def show(self, matches: list["CommuneMatch"], typed: str) -> None:
        self.matches = matches
        self.index = 0
        self.typed = typed
        self.redraw(typed)

    def move(self, step: int) -> None:
        if self.matches:
            self.index = (self.index + step) % len(self.matches)
            self.redraw(None)

    @property
    def selected(self) -> Optional["CommuneMatch"]:
        return self.matches[self.index] if self.matches else None

    def redraw(self, typed: Optional[str]) -> None:
        if not self.matches:
            if typed:
                self.update(Text(f"Aucune commune ne correspond à « {typed} » : corrigez, ou Entrée "
                                 "pour continuer sans distances.", style="bold"))
            else:
                self.update(Text("Tapez le début du nom : les communes s'affichent ici. "
                                 "Vide : continuer sans commune.", style="italic"))
            return
        text = Text()
        for i, match in enumerate(self.matches):
            commune = match.commune
            if i:
                text.append("\n")
            chosen = i == self.index
            text.append("▸ " if chosen else "  ", style="bold")
            text.append(commune.name, style="bold reverse" if chosen else "bold")
            postcodes = ", ".join(commune.postcodes[:2])
            text.append(f"  {postcodes}  (dép. {commune.dept})" if postcodes else f"  (dép. {commune.dept})")
        self.update(text)


class Field(OneLineInput):
    """A field of the first screen that never drops a key typed in a burst (a paste, a fast typist).

    Keys reach a widget through its own queue: those typed right after Tab or Enter
    were routed here before the focus moved. Such a key is passed on, in order, to
    the field (or screen) that has the focus now. Tab and shift+Tab move the focus
    here, at once, in the order of the keys."""

    async def _on_key(self, event: events.Key) -> None:
        # Textual calls Input's own handler after this one, unless the default is prevented.
        screen = self.screen
        if isinstance(screen, WhereScreen) and screen.leaving and event is not screen.enter_key:
            # Enter was taken: the key is for the questions ("auch⏎2"), on screen or on their way.
            event.stop()
            event.prevent_default()
            screen.pass_on(event.key, event.character)
            return
        focused = self.app.focused
        if focused is not self:
            event.stop()
            event.prevent_default()
            target = focused if isinstance(focused, Field) else self.app.screen
            target.post_message(events.Key(event.key, event.character))
        elif event.key in ("tab", "shift+tab"):
            event.stop()
            event.prevent_default()
            fields = list(self.screen.query(Field))
            step = 1 if event.key == "tab" else -1
            # At once (focus() waits for the next turn), so that the keys after Tab follow it.
            self.screen.set_focus(fields[(fields.index(self) + step) % len(fields)], scroll_visible=False)
        elif event.key == "enter" and isinstance(screen, WhereScreen):
            # Input's own Enter validates (this very event comes back once more, from the app, to be
            # taken by Input's binding): what follows is for the questions.
            screen.leaving = True
            screen.enter_key = event


class WhereScreen(Screen):
    """First screen: where is the patient, and when (now unless told otherwise).

    Opened again from the answer (`case` given), it shows the place and hour of the
    case and puts the cursor on the one to change ("where" or "when")."""

    BINDINGS = [
        Binding("enter", "validate", "Valider", id="where.validate"),
        Binding("down", "suggestion(1)", "Choisir", key_display="↑↓", id="where.next_suggestion"),
        Binding("up", "suggestion(-1)", "Choisir (remonter)", show=False, id="where.previous_suggestion"),
        # Tab itself is handled by the fields (in the order of the keys); listed for F1 and the keymap.
        Binding("tab", "switch_field", "Commune/heure", show=False, id="where.switch_field"),
        Binding("escape", "cancel", "Garder le lieu et l'heure", show=False, id="where.cancel"),
    ]
    app: "Host"

    def __init__(self, case: Optional["Case"] = None, focus: str = "where") -> None:
        super().__init__()
        self.case = case
        self.focus_on = focus
        self.leaving = False  # Enter taken: the keys typed from now on are for the questions
        self.started = False  # the questions were asked for (once: "auch⏎⏎" starts them once)
        self.handed_over = False  # the questions are on screen
        self.enter_key: Optional[events.Key] = None  # the Enter that validated, let through to Input
        self.held_keys: list[tuple[str, Optional[str]]] = []  # typed after Enter, before the questions

    def pass_on(self, key: str, character: Optional[str]) -> None:
        """A key typed after Enter: held until the questions are on screen, then typed again there
        (through the app, as the terminal's own keys: the order typed is kept)."""
        if self.handed_over and self.app.screen is not self:
            self.app.post_message(events.Key(key, character))
        else:
            self.held_keys.append((key, character))

    def hand_over(self) -> None:
        """The questions are on screen: the keys held since Enter go to them."""
        self.handed_over = True
        for key, character in self.held_keys:
            self.app.post_message(events.Key(key, character))
        self.held_keys.clear()

    def compose(self) -> ComposeResult:
        yield TitleBar("nouveau patient" if self.case is None else "changer le lieu ou l'heure")
        with Vertical(id="where-box", classes="panel"):
            yield Field(placeholder="Commune, code postal ou code INSEE (facultatif)", id="commune",
                        select_on_focus=False, joiner=", ")  # a pasted address: "rue…, 32000 Auch, France"
            yield Suggestions(id="suggestions")
        with Vertical(id="when-box", classes="panel"):
            yield Field(placeholder="maintenant — ou 22h, demain 8h, dimanche matin, noël 14h", id="when",
                        select_on_focus=False)
            yield Static(id="when-label")
        yield Static(Text("Entrée : valider (la commune marquée ▸) · Tab : changer l'heure · F1 : aide",
                          style="italic"), id="where-hint")
        yield KeysFooter(compact=True)  # every key fits 60 columns

    def on_mount(self) -> None:
        for field in self.query(Field):  # once mounted: set before, the setting did not apply
            field.cursor_blink = self.app.cursor_blink
        self.query_one("#where-box").border_title = "Où est le patient ?"
        self.query_one("#when-box").border_title = "Quand ?"
        self.query_one(Suggestions).show([], "")
        if self.case is not None:
            self.prefill(self.case)
        self.update_when()
        self.query_one("#when" if self.focus_on == "when" else "#commune", Field).focus()
        if self.app.live_clock:
            self.set_interval(30, self.update_when)

    def prefill(self, case: "Case") -> None:
        commune_field = self.query_one("#commune", Field)
        with commune_field.prevent(Input.Changed):
            commune_field.value = case.commune.name if case.commune else case.commune_not_found
        if case.commune is not None:  # the place already chosen stays chosen, even a far homonym
            self.query_one(Suggestions).show([views.chosen_match(case.commune)], commune_field.value)
        if case.at is not None or case.hour_not_understood:
            when_field = self.query_one("#when", Field)
            with when_field.prevent(Input.Changed):
                when_field.value = (views.typed_moment(self.app.counter.desk_time(case.at)) if case.at is not None
                                    else case.hour_not_understood)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "commune":
            self.suggest(event.value.strip())
        elif event.input.id == "when":
            self.update_when()

    def suggest(self, typed: str) -> None:
        matches = self.app.counter.search_communes(typed, SUGGESTIONS) if typed else []
        self.query_one(Suggestions).show(matches, typed)
        self.update_when()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_validate()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.case is not None if action == "cancel" else True

    def action_cancel(self) -> None:
        """Opened from the answer: back to it, place and hour unchanged."""
        case = self.case
        if case is not None:
            self.post_message(messages.Start(case.commune, case.at, case.commune_not_found, case.hour_not_understood))

    def action_switch_field(self) -> None:
        self.focus_next(Field)

    def update_when(self) -> None:
        label = self.query_one("#when-label", Static)
        raw = self.query_one("#when", Input).value
        try:
            now, when = self.app.counter.read_when(raw)
        except ValueError as exc:
            label.update(Text(f"✗ {exc}", style="bold"))
            label.add_class("error")
            return
        label.remove_class("error")
        moment = when.at if when else now
        prefix = "maintenant : " if when is None else "→ "
        note = f" ({when.note})" if when and when.note else ""
        place = self.query_one(Suggestions).selected  # overseas, the period is on the place's clock
        period = self.app.counter.period_of(moment, place.commune if place else None)
        shown = views.short_moment(self.app.counter.desk_time(moment))  # the desk's clock (overseas: its own)
        label.update(Text.assemble(prefix, (shown, "bold"), note, " — ",
                                   views.period_label(period)))

    def action_suggestion(self, step: int) -> None:
        self.query_one(Suggestions).move(step)
        self.update_when()

    def action_validate(self) -> None:
        if self.started:
            return
        self.started = self.leaving = True
        commune_field = self.query_one("#commune", Input)
        when_field = self.query_one("#when", Input)
        commune = None
        typed = commune_field.value.strip()
        suggestions = self.query_one(Suggestions)
        if suggestions.typed != typed:  # typed faster than the suggestions followed: search now
            self.suggest(typed)
        match = suggestions.selected if typed else None
        if match is not None:
            commune = match.commune
        # Neither a place the gazetteer does not know nor an hour that cannot be read holds up the
        # emergency question: the questions start (without distances, or for now), and the situation
        # line says so (Échap to correct).
        hour_not_understood = ""
        try:
            _now, when = self.app.counter.read_when(when_field.value)
        except ValueError as exc:
            self.notify(str(exc), severity="error")
            when, hour_not_understood = None, when_field.value.strip()
        at = when.at if when else None
        self.post_message(messages.Start(commune, at, not_found=typed if typed and match is None else "",
                                         hour_not_understood=hour_not_understood))
