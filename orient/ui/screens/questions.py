"""The questions: the facts the rules need, one at a time, with the answer so far underneath."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Digits, Static

from orient.facts import AGE_MAX, FactError, parse_fact_value
from orient.ui import messages, views
from orient.ui.screens.common import KeysFooter, draw_situation, large_phone

if TYPE_CHECKING:
    from orient.ui.screens.common import Host

AGE_DIGITS = 3


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
        # Never focused: a focused box scrolled the screen down to it, past the vital-sign question.
        with VerticalScroll(id="live-box", classes="panel", can_focus=False):
            yield Static(id="live-first")
            yield Digits("", id="live-digits")
            yield Static(id="live")
        yield KeysFooter(compact=True)  # every key fits 60 columns

    def on_mount(self) -> None:
        self.redraw()

    @property
    def current(self) -> Optional[str]:
        return self.app.counter.case.next_question()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.waiting:  # the question is about to change: the key is held, and checked when replayed
            return True
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
        draw_situation(self, self.app.counter)
        self.draw_question()
        live_box = self.query_one("#live-box")
        live_box.border_title = "Réponse (provisoire)" if not case.complete else "Réponse"
        live_box.set_class(case.emergency, "urgent")
        # In an emergency the 15 (or the 114) comes first on screen too, above the question still
        # asked: on a small terminal it stays in view instead of falling below the fold.
        question = self.query_one("#question")
        if case.emergency != (self.children.index(live_box) < self.children.index(question)):
            if case.emergency:
                self.move_child(live_box, before=question)
            else:
                self.move_child(live_box, after=question)
        self.draw_live()
        self.refresh_bindings()
        self.waiting = False
        while self.held and not self.waiting:
            action, args = self.held.pop(0)
            if self.check_action(action.removeprefix("action_"), args) is not False:
                getattr(self, action)(*args)

    def on_resize(self, _event: events.Resize) -> None:
        draw_situation(self, self.app.counter)

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
            self.notify(f"Âge impossible : {self.age_digits} (de 0 à {AGE_MAX} ans).", severity="error")
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
