"""The screens of the counter: where and when, one question at a time, the answer; help, note and change modals.

Screens only compose, read the case (`app.counter.case`) and post messages
(orient.ui.messages); the app hands them to the controller and tells the screens
to redraw. Keys typed in a burst are never lost: the fields of the first screen
pass on keys that reach them after the focus moved, and the question screen
holds the keys pressed while an answer is being taken into account.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Mapping, Optional, Protocol

from rich import box
from rich.table import Table
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Digits, Footer, Input, Static

from orient.facts import AGE_MAX, FactError, parse_fact_value
from orient.ui import messages, views
from orient.ui.moment import explain_when, parse_when

if TYPE_CHECKING:
    from orient.directory.gazetteer import CommuneMatch
    from orient.ui.case import Case
    from orient.ui.controller import Counter


class Host(Protocol):
    """What screens read from the app (they post messages for everything else)."""

    counter: "Counter"
    keymap: Mapping[str, str]
    cursor_blink: bool
    live_clock: bool
    home_dept: str
    key_label: Callable[[str, str], str]

SUGGESTIONS = 5
AGE_DIGITS = 3
PHONE_DIGITS = set("0123456789 +")


def large_phone(rec) -> bool:
    """A number to dial, shown in large digits."""
    return rec.action in ("call", "sms") and bool(rec.phone) and set(rec.phone) <= PHONE_DIGITS


def draw_situation(screen: Screen, case: "Case", at, period: str) -> None:
    """The situation line of the questions and the answer, fitted to the screen's width (padding 1 each side)."""
    line = screen.query_one("#situation", Static)
    line.update(views.situation(case.commune, at, period, case.commune_not_found, screen.app.home_dept,
                                width=screen.app.size.width - 2))


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


class Field(Input):
    """A field of the first screen that never drops a key typed in a burst (a paste, a fast typist).

    Keys reach a widget through its own queue: those typed right after Tab or Enter
    were routed here before the focus moved. Such a key is passed on, in order, to
    the field (or screen) that has the focus now. Tab and shift+Tab move the focus
    here, at once, in the order of the keys."""

    async def _on_key(self, event: events.Key) -> None:
        # Textual calls Input's own handler after this one, unless the default is prevented.
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

    def compose(self) -> ComposeResult:
        yield TitleBar("nouveau patient" if self.case is None else "changer le lieu ou l'heure")
        with Vertical(id="where-box", classes="panel"):
            yield Field(placeholder="Commune, code postal ou code INSEE (facultatif)", id="commune",
                        select_on_focus=False)
            yield Suggestions(id="suggestions")
        with Vertical(id="when-box", classes="panel"):
            yield Field(placeholder="maintenant — ou 22h, demain 8h, dimanche matin, noël 14h", id="when",
                        select_on_focus=False)
            yield Static(id="when-label")
        yield Static(Text("Entrée : valider (la commune marquée ▸) · Tab : changer l'heure · F1 : aide",
                          style="italic"), id="where-hint")
        yield Footer(compact=True)  # every key fits 60 columns

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
        if case.at is not None:
            when_field = self.query_one("#when", Field)
            with when_field.prevent(Input.Changed):
                when_field.value = views.typed_moment(case.at)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "commune":
            self.suggest(event.value.strip())
        elif event.input.id == "when":
            self.update_when()

    def suggest(self, typed: str) -> None:
        matches = self.app.counter.search_communes(typed, SUGGESTIONS) if typed else []
        self.query_one(Suggestions).show(matches, typed)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_validate()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.case is not None if action == "cancel" else True

    def action_cancel(self) -> None:
        """Opened from the answer: back to it, place and hour unchanged."""
        case = self.case
        if case is not None:
            self.post_message(messages.Start(case.commune, case.at, case.commune_not_found))

    def action_switch_field(self) -> None:
        self.focus_next(Field)

    def update_when(self) -> None:
        label = self.query_one("#when-label", Static)
        raw = self.query_one("#when", Input).value
        now = self.app.counter.now()
        try:
            when = explain_when(raw, now)
        except ValueError as exc:
            label.update(Text(f"✗ {exc}", style="bold"))
            label.add_class("error")
            return
        label.remove_class("error")
        moment = when.at if when else now
        prefix = "maintenant : " if when is None else "→ "
        note = f" ({when.note})" if when and when.note else ""
        label.update(Text.assemble(prefix, (views.short_moment(moment), "bold"), note, " — ",
                                   views.period_label(self.app.counter.period_of(moment))))

    def action_suggestion(self, step: int) -> None:
        self.query_one(Suggestions).move(step)

    def action_validate(self) -> None:
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
        try:
            at = parse_when(when_field.value, self.app.counter.now())
        except ValueError as exc:
            self.app.notify(str(exc), severity="error")
            when_field.focus()
            return
        # A place the gazetteer does not know never holds up the emergency question: the
        # questions start without distances, and the situation line says so.
        self.post_message(messages.Start(commune, at, not_found=typed if typed and match is None else ""))


class QuestionScreen(Screen):
    """The facts the rules need, one at a time, with the answer so far underneath."""

    BINDINGS = [
        Binding("escape", "back", "Retour", show=False, id="question.back"),  # in the question panel
        Binding("r", "show_answer", "Voir la réponse", id="question.answer"),
        Binding("o", "slot('yes')", "Répondre oui", show=False, id="question.yes"),
        Binding("n", "slot('no')", "Répondre non", show=False, id="question.no"),
        *[Binding(d, f"slot('{d}')", "Réponse numérotée, ou chiffre de l'âge", show=False,
                  id=f"question.choice_{d}") for d in views.DIGIT_SLOTS],
        Binding("question_mark", "skip", "Ne sait pas (au signe vital : le 15 d'abord)", show=False,
                id="question.skip"),
        Binding("enter", "confirm", "Valider l'âge tapé", show=False, id="question.confirm"),
        Binding("backspace", "erase", "Effacer le dernier chiffre", show=False, id="question.erase"),
    ]
    app: "Host"

    def __init__(self) -> None:
        super().__init__()
        self.age_digits = ""
        self.waiting = False  # an answer was posted and not yet taken into account
        self.held: list[tuple[str, tuple]] = []  # actions of keys pressed meanwhile, replayed in order

    def compose(self) -> ComposeResult:
        yield Static(id="situation", classes="situation")
        yield Static(id="question", classes="panel")
        with VerticalScroll(id="live-box", classes="panel"):
            yield Static(id="live-first")
            yield Digits("", id="live-digits")
            yield Static(id="live")
        yield Footer(compact=True)  # every key fits 60 columns

    def on_mount(self) -> None:
        self.query_one("#live-box").can_focus = False
        self.redraw()

    @property
    def current(self) -> Optional[str]:
        return self.app.counter.case.next_question()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        name = self.current
        if action in ("confirm", "erase"):
            return name == "age"
        if action == "skip":
            return name is not None
        if action == "show_answer":  # no answer to read out before the emergency question
            return self.app.counter.case.vital_asked
        if action == "slot" and parameters and parameters[0] in ("yes", "no"):
            return any(slot == parameters[0] for slot, _, _ in views.fact_choices(name)) if name else False
        return True

    def redraw(self) -> None:
        case = self.app.counter.case
        self.draw_situation()
        self.draw_question()
        live_box = self.query_one("#live-box")
        live_box.border_title = "Réponse (provisoire)" if not case.complete else "Réponse"
        live_box.set_class(case.emergency, "urgent")
        self.draw_live()
        self.refresh_bindings()
        self.waiting = False
        while self.held and not self.waiting:
            action, args = self.held.pop(0)
            getattr(self, action)(*args)

    def draw_situation(self) -> None:
        case = self.app.counter.case
        answer = case.answer
        at = answer.at if answer else self.app.counter.moment()
        draw_situation(self, case, at, answer.period if answer else self.app.counter.period_of(at))

    def on_resize(self, _event: events.Resize) -> None:
        self.draw_situation()

    def hold(self, action: str, *args) -> bool:
        """While an answer is being taken into account, keep the key's action for after."""
        if self.waiting:
            self.held.append((action, args))
        return self.waiting

    def post_answer(self, message) -> None:
        self.waiting = True
        self.post_message(message)

    def draw_live(self) -> None:
        """The answer so far; a vital emergency's number in large digits at once."""
        case = self.app.counter.case
        answer = case.answer
        if not case.vital_asked:
            # Nothing to read out before the emergency question has been asked.
            answer = None
        first = answer.recommendations[0] if answer and answer.recommendations else None
        big = first is not None and views.is_urgent(first, case.emergency) and large_phone(first)
        first_text = views.live_answer(answer, case.emergency, limit=1, more_hint=False)
        if case.vital_doubt and answer is not None:
            first_text = Text.assemble((answer.warnings[0] + "\n", "bold"), first_text)
        self.query_one("#live-first", Static).update(first_text)
        digits = self.query_one("#live-digits", Digits)
        digits.display = bool(big)
        digits.update(first.phone if big else "")
        rest = self.query_one("#live", Static)
        rest.display = bool(answer and len(answer.recommendations) > 1)
        rest.update(views.live_answer(answer, case.emergency, start=1) if rest.display else "")

    def draw_question(self) -> None:
        case = self.app.counter.case
        panel = self.query_one("#question", Static)
        name = self.current
        number = len(case.steps) + 1
        urgent = name == "red_flag"
        panel.set_class(urgent, "urgent")
        if name is None:
            panel.border_title = "Questions"
            panel.update(Text("Plus de question : la réponse est complète (r pour l'afficher)."))
            return
        text = Text()
        if urgent:
            panel.border_title = f"⚠ URGENCE VITALE ? — question {number}"
            text.append(" URGENCE VITALE ? ", style="bold reverse")
            text.append(" La personne a-t-elle, maintenant, l'un de ces signes ?", style="bold")
        else:
            panel.border_title = f"Question {number}"
            text.append(views.question_text(name), style="bold")
        if name == "age":
            shown = self.age_digits or ""
            text.append("\n\n Âge : ")
            text.append(f" {shown:<3} ", style="bold reverse")
            text.append(" ans")
            text.append(f"\n\n Tapez l'âge en chiffres puis {self.app.key_label('question.confirm', 'Entrée')}"
                        " (0 pour un bébé de moins d'un an).", style="italic")
        for slot, _value, label in views.fact_choices(name):
            text.append("\n ")
            text.append(f" {self.slot_key(slot)} ", style="bold reverse")
            text.append(f" {label}")
        hints = []
        if name == "red_flag":
            hints.append(f"{self.app.key_label('question.skip', '?')} : ne sait pas → le 15 d'abord")
        else:
            hints.append(f"{self.app.key_label('question.skip', '?')} : ne sait pas")
        hints.append(f"{self.app.key_label('question.back', 'Échap')} : question précédente")
        text.append("\n" + " · ".join(hints), style="italic")
        panel.update(text)

    def slot_key(self, slot: str) -> str:
        binding_id = {"yes": "question.yes", "no": "question.no"}.get(slot, f"question.choice_{slot}")
        return self.app.key_label(binding_id, {"yes": "o", "no": "n"}.get(slot, slot))

    # --- actions ---------------------------------------------------------------------------

    def action_slot(self, slot: str) -> None:
        if self.hold("action_slot", slot):
            return
        name = self.current
        if name is None:
            return
        if name == "age":
            if slot in views.DIGIT_SLOTS and len(self.age_digits) < AGE_DIGITS:
                self.age_digits += slot
                self.draw_question()
            return
        choices = views.fact_choices(name)
        chosen = [value for s, value, _ in choices if s == slot]
        if not chosen and slot in ("1", "2") and len(choices) == 2:  # digits work for o/n questions too
            chosen = [choices[int(slot) - 1][1]]
        if not chosen:
            self.app.bell()
            return
        self.post_answer(messages.Give(name, chosen[0]))

    def action_confirm(self) -> None:
        if self.hold("action_confirm"):
            return
        if self.current != "age" or not self.age_digits:
            return
        try:
            age = parse_fact_value("age", self.age_digits)
        except FactError:
            self.app.notify(f"Âge impossible : {self.age_digits} (de 0 à {AGE_MAX} ans).", severity="error")
            self.age_digits = ""
            self.draw_question()
            return
        self.age_digits = ""
        self.post_answer(messages.Give("age", age))

    def action_erase(self) -> None:
        if self.hold("action_erase"):
            return
        self.age_digits = self.age_digits[:-1]
        self.draw_question()

    def action_skip(self) -> None:
        if self.hold("action_skip"):
            return
        name = self.current
        if name is not None:
            self.age_digits = ""
            self.post_answer(messages.Skip(name))

    def action_back(self) -> None:
        if self.hold("action_back"):
            return
        self.age_digits = ""
        self.post_answer(messages.Back())

    def action_show_answer(self) -> None:
        if self.hold("action_show_answer"):
            return
        self.post_message(messages.ShowAnswer())


class AnswerScreen(Screen):
    """The ranked answer: rank 1 large and first, then the others; "pourquoi ?" on demand."""

    BINDINGS = [
        Binding("p", "toggle_why", "Pourquoi ?", show=False, id="answer.why"),  # in the hint line
        Binding("f", "handout", "Fiche", id="answer.handout"),  # short: the footer fits 60 columns
        Binding("escape", "back", "Retour", show=False, id="answer.back"),
        Binding("n", "note", "Ajouter une note à la fiche", show=False, id="answer.note"),
        Binding("h", "change('when')", "Changer l'heure", show=False, id="answer.change_when"),
        Binding("l", "change('where')", "Changer le lieu", show=False, id="answer.change_where"),
        Binding("c", "choose_change", "Changer une réponse", show=False, id="answer.change_answer"),
        Binding("y", "copy_number", "Copier le numéro seul", show=False, id="answer.copy_number"),
        Binding("s", "report", "Signaler une erreur de l'annuaire", show=False, id="answer.report"),
    ]
    app: "Host"

    def compose(self) -> ComposeResult:
        yield Static(id="situation", classes="situation")
        yield Static(id="warnings")
        with VerticalScroll(id="answer-scroll"):
            with Vertical(id="rank1", classes="panel"):
                yield Static(id="rank1-head")
                yield Digits("", id="rank1-digits")
                yield Static(id="rank1-details")
            yield Static(id="others")
            yield Static(id="missing")
            yield Static(id="why")
            yield Static(id="answer-hint")
        yield Footer(compact=True)  # every key fits 60 columns

    def on_mount(self) -> None:
        self.redraw()
        self.query_one("#answer-scroll").focus()

    def redraw(self) -> None:
        case = self.app.counter.case
        answer = case.answer
        if answer is None:
            return
        draw_situation(self, case, answer.at, answer.period)
        warnings = self.query_one("#warnings", Static)
        warnings.display = bool(answer.warnings)
        warnings.update(Text("\n".join(f"⚠ {w}" for w in answer.warnings), style="bold"))

        recs = answer.recommendations
        rank1 = self.query_one("#rank1")
        head = self.query_one("#rank1-head", Static)
        digits = self.query_one("#rank1-digits", Digits)
        details = self.query_one("#rank1-details", Static)
        if not recs:
            rank1.remove_class("urgent")
            rank1.border_title = "Réponse"
            head.update(Text("Aucune orientation trouvée pour cette situation. "
                             "En cas de doute sur la gravité : le 15.", style="bold"))
            digits.display = False
            details.update("")
        else:
            first = recs[0]
            urgent = views.is_urgent(first, case.emergency)
            rank1.set_class(urgent, "urgent")
            rank1.border_title = "⚠ URGENCE — À FAIRE TOUT DE SUITE" if urgent else "1 — À faire d'abord"
            head.update(Text(views.headline(first, urgent), style="bold"))
            big = large_phone(first)
            digits.display = bool(big)
            digits.update(first.phone if big else "")
            lines = Text()
            for i, (line, style) in enumerate(views.detail_lines(first)):
                if i:
                    lines.append("\n")
                lines.append(line, style=views.LINE_STYLES.get(style, ""))
            if first.why:
                lines.append(("\n" if lines.plain else "") + first.why, style="italic")
            details.update(lines)

        others = Text()
        for rec in recs[1:]:
            if others.plain:
                others.append("\n\n")
            others.append_text(views.recommendation_text(rec, emergency=case.emergency))
        others_widget = self.query_one("#others", Static)
        others_widget.display = bool(recs[1:])
        others_widget.update(others)

        missing = views.missing_text(answer, case.skipped | set(case.facts))
        missing_widget = self.query_one("#missing", Static)
        missing_widget.display = missing is not None
        missing_widget.update(missing or "")

        self.query_one("#why", Static).update(views.why_text(answer))
        keys = self.app.key_label
        self.query_one("#answer-hint", Static).update(Text(
            f"{keys('answer.change_when', 'h')} changer l'heure · {keys('answer.change_where', 'l')} le lieu · "
            f"{keys('answer.change_answer', 'c')} une réponse · {keys('answer.why', 'p')} pourquoi ? · "
            f"{keys('answer.handout', 'f')} fiche patient · {keys('answer.copy_number', 'y')} copier le numéro · "
            f"{keys('answer.note', 'n')} note sur la fiche · {keys('answer.report', 's')} signaler une erreur · "
            f"{keys('app.next_patient', 'F2')} patient suivant", style="italic"))

    def on_resize(self, _event: events.Resize) -> None:
        answer = self.app.counter.case.answer
        if answer is not None:
            draw_situation(self, self.app.counter.case, answer.at, answer.period)

    def action_toggle_why(self) -> None:
        why = self.query_one("#why", Static)
        why.toggle_class("shown")
        if why.has_class("shown"):
            self.call_after_refresh(why.scroll_visible, top=True, animate=False)

    def action_handout(self) -> None:
        self.post_message(messages.Handout())

    def action_note(self) -> None:
        self.post_message(messages.EditNote())

    def action_back(self) -> None:
        self.post_message(messages.LeaveAnswer())

    def action_change(self, what: str) -> None:
        self.post_message(messages.Change(what))

    def action_copy_number(self) -> None:
        self.post_message(messages.CopyNumber())

    def action_choose_change(self) -> None:
        self.post_message(messages.ChooseAnswerToChange())

    def action_report(self) -> None:
        self.post_message(messages.Report())


class HelpScreen(ModalScreen[None]):
    """F1: the keys of the screen underneath, generated from its bindings."""

    BINDINGS = [Binding("escape,f1", "close", "Fermer l'aide", id="help.close")]

    def __init__(self, title: str, rows: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self.help_title = title
        self.rows = rows

    def compose(self) -> ComposeResult:
        table = Table(box=box.SIMPLE_HEAD, expand=True, pad_edge=False, show_edge=False)
        table.add_column("Touche", style="bold", no_wrap=True)
        table.add_column("Action", ratio=1)
        table.add_column("Identifiant", style="dim", no_wrap=True)
        for keys, description, binding_id in self.rows:
            table.add_row(keys, description, binding_id)
        with Vertical(id="help-box", classes="panel"):
            with VerticalScroll(id="help-scroll"):
                yield Static(views.help_flow(), id="help-flow")
                yield Static(table, id="help-table")
                yield Static(views.help_hours(), id="help-hours")
            yield Static(Text("Échap ou F1 : fermer · changer une touche : keymap.toml avec son "
                              "identifiant (docs/ui.md)", style="italic"), id="help-hint")

    def on_mount(self) -> None:
        self.query_one("#help-box").border_title = f"Aide — {self.help_title}"
        self.query_one("#help-scroll").focus()

    def action_close(self) -> None:
        self.dismiss(None)


class NoteScreen(ModalScreen[Optional[str]]):
    """A free note for the patient's sheet; Enter saves it and produces the sheet."""

    BINDINGS = [Binding("escape", "cancel", "Annuler la note", id="note.cancel")]
    app: "Host"

    def __init__(self, note: str) -> None:
        super().__init__()
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(id="note-box", classes="panel"):
            yield Static(Text("Note imprimée sur la fiche (facultative). N'y mettez de données personnelles "
                              "que si le patient le souhaite.", style="italic"))
            yield Input(value=self.note, placeholder="ex. : rappeler si la fièvre dure plus de 3 jours",
                        id="note", max_length=300)
            yield Static(Text("Entrée : enregistrer et produire la fiche · Échap : annuler", style="italic"))

    def on_mount(self) -> None:
        self.query_one("#note-box").border_title = "Note pour la fiche"
        note = self.query_one("#note", Input)
        note.cursor_blink = self.app.cursor_blink  # once mounted, so that it applies
        note.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ChangeScreen(ModalScreen[Optional[str]]):
    """From the answer: which answer to change (a digit); the others are kept."""

    BINDINGS = [
        Binding("escape", "cancel", "Annuler", id="change.cancel"),
        *[Binding(d, f"pick({i})", "Changer cette réponse", show=False, id=f"change.pick_{d}")
          for i, d in enumerate(views.DIGIT_SLOTS)],
    ]

    def __init__(self, names: list[str], case: "Case") -> None:
        super().__init__()
        self.names = names[: len(views.DIGIT_SLOTS)]
        self.case = case

    def compose(self) -> ComposeResult:
        text = Text()
        for slot, name in zip(views.DIGIT_SLOTS, self.names):
            if text.plain:
                text.append("\n")
            text.append(f" {slot} ", style="bold reverse")
            text.append(f" {views.question_text(name)} ")
            text.append(views.given_label(self.case, name), style="bold")
        with Vertical(id="change-box", classes="panel"):
            yield Static(text)
            yield Static(Text("Chiffre : reposer cette question (les autres réponses sont gardées) · Échap : annuler",
                              style="italic"))

    def on_mount(self) -> None:
        self.query_one("#change-box").border_title = "Changer une réponse"

    def action_pick(self, index: int) -> None:
        if index < len(self.names):
            self.dismiss(self.names[index])

    def action_cancel(self) -> None:
        self.dismiss(None)


REPORT_WARNING = ("Rien sur le patient : pas de nom, pas de données de santé. Seuls le comptoir, "
                  "la ligne signalée, le problème et l'heure sont gardés.")


class ReportScreen(ModalScreen[Optional[tuple[int, str, str]]]):
    """"Signaler": which line of the answer is wrong (rank 1, or the first directory entry, marked),
    then what is wrong, then — for "autre" — a short text. Returns (rank, kind, text) or None."""

    BINDINGS = [
        Binding("escape", "cancel", "Annuler le signalement", id="report.cancel"),
        Binding("enter", "validate", "Signaler la ligne marquée ▸", id="report.validate"),
        Binding("down", "move(1)", "Ligne suivante", key_display="↑↓", id="report.next_line"),
        Binding("up", "move(-1)", "Ligne précédente", show=False, id="report.previous_line"),
        *[Binding(d, f"pick({i})", "Choisir cette ligne, puis ce problème", show=False, id=f"report.pick_{d}")
          for i, d in enumerate(views.DIGIT_SLOTS)],
    ]
    app: "Host"

    def __init__(self, lines: list, kinds: Mapping[str, str], text_limit: int) -> None:
        super().__init__()
        self.lines = lines[: len(views.DIGIT_SLOTS)]  # the answer's recommendations
        self.kinds = list(kinds.items())
        self.text_limit = text_limit
        self.step = "line"  # then "kind", then "text" for "autre"
        reportable = [i for i, rec in enumerate(self.lines) if rec.service_id]
        self.index = reportable[0] if reportable else 0
        self.kind = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="report-box", classes="panel"):
            yield Static(id="report-body")
            yield Input(placeholder="ex. : le cabinet a fermé en octobre", id="report-text",
                        max_length=self.text_limit, disabled=True)  # no focus until "autre"
            yield Static(Text(REPORT_WARNING, style="italic"), id="report-warning")
            yield Static(id="report-hint")

    def on_mount(self) -> None:
        self.query_one("#report-box").border_title = "Signaler une erreur de l'annuaire"
        self.query_one("#report-text", Input).cursor_blink = self.app.cursor_blink
        self.redraw()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("move", "validate"):
            return self.step == "line"
        return action != "pick" or self.step in ("line", "kind")

    def redraw(self, problem: str = "") -> None:
        body = Text()
        if self.step == "line":
            body.append("Quelle ligne de la réponse est fausse ?", style="bold")
            for i, rec in enumerate(self.lines):
                chosen = i == self.index
                body.append("\n" + ("▸ " if chosen else "  "), style="bold")
                body.append(f" {views.DIGIT_SLOTS[i]} ", style="bold reverse")
                body.append(f" {rec.name}", style="bold" if chosen else "")
                if not rec.service_id:
                    body.append("  (hors annuaire)", style="dim")
            hint = "Chiffre ou ↑↓ puis Entrée : la ligne · Échap : annuler"
        else:
            rec = self.lines[self.index]
            body.append(f"Ligne {self.index + 1} : {rec.name}", style="bold")
            if self.step == "kind":
                body.append("\nQu'est-ce qui ne va pas ?")
                for slot, (_kind, label) in zip(views.DIGIT_SLOTS, self.kinds):
                    body.append("\n ")
                    body.append(f" {slot} ", style="bold reverse")
                    body.append(f" {label}")
                hint = "Chiffre : le problème · Échap : annuler"
            else:
                body.append("\nAutre : précisez en quelques mots.")
                hint = "Entrée : envoyer · Échap : annuler"
        field = self.query_one("#report-text", Input)
        field.display = self.step == "text"
        field.disabled = self.step != "text"
        if self.step == "text":
            field.focus()
        self.query_one("#report-body", Static).update(body)
        self.query_one("#report-hint", Static).update(
            Text.assemble((problem + "\n", "bold") if problem else "", (hint, "italic")))
        self.refresh_bindings()

    def action_move(self, step: int) -> None:
        if self.lines:
            self.index = (self.index + step) % len(self.lines)
            self.redraw()

    def action_pick(self, index: int) -> None:
        if self.step == "line":
            if index < len(self.lines):
                self.index = index
                self.action_validate()
        elif self.step == "kind" and index < len(self.kinds):
            self.kind = self.kinds[index][0]
            if self.kind == "other":
                self.step = "text"
                self.redraw()
            else:
                self.dismiss((self.lines[self.index].rank, self.kind, ""))

    def action_validate(self) -> None:
        rec = self.lines[self.index] if self.lines else None
        if rec is None or not rec.service_id:
            name = rec.name if rec else "Cette ligne"
            self.app.bell()
            self.redraw(f"« {name} » n'est pas une entrée de l'annuaire : elle ne peut pas être signalée.")
            return
        self.step = "kind"
        self.redraw()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not event.value.strip():
            self.redraw("Précisez en quelques mots ce qui ne va pas (ou Échap).")
            return
        self.dismiss((self.lines[self.index].rank, self.kind, event.value))

    def action_cancel(self) -> None:
        self.dismiss(None)
