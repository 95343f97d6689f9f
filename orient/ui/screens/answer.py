"""The answer: rank 1 large and first, then the others; "pourquoi ?" and the keys to edit the case."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Digits, Static

from orient.ui import messages, views
from orient.ui.screens.common import KeysFooter, draw_situation, large_phone

if TYPE_CHECKING:
    from orient.ui.screens.common import Host


# The answer's keys, by the name their binding posts (`post('…')`): the app's controller acts on each.
_KEY_MESSAGES = {"handout": messages.Handout, "note": messages.EditNote, "back": messages.LeaveAnswer,
                 "change": messages.Change, "copy_number": messages.CopyNumber,
                 "choose_change": messages.ChooseAnswerToChange, "report": messages.Report}


class AnswerScreen(Screen):
    """The ranked answer: rank 1 large and first, then the others; "pourquoi ?" on demand."""

    BINDINGS = [
        Binding("p", "toggle_why", "Pourquoi ?", show=False, id="answer.why"),  # in the hint line
        Binding("f", "post('handout')", "Fiche", id="answer.handout"),  # short: the footer fits 60 columns
        Binding("escape", "post('back')", "Retour", show=False, id="answer.back"),
        Binding("n", "post('note')", "Ajouter une note à la fiche", show=False, id="answer.note"),
        Binding("h", "post('change', 'when')", "Changer l'heure", show=False, id="answer.change_when"),
        Binding("l", "post('change', 'where')", "Changer le lieu", show=False, id="answer.change_where"),
        Binding("c", "post('choose_change')", "Changer une réponse", show=False, id="answer.change_answer"),
        Binding("y", "post('copy_number')", "Copier le numéro seul", show=False, id="answer.copy_number"),
        Binding("s", "post('report')", "Signaler une erreur de l'annuaire", show=False, id="answer.report"),
    ]
    app: "Host"

    def compose(self) -> ComposeResult:
        yield Static(id="situation", classes="situation")
        with VerticalScroll(id="answer-scroll"):
            with Vertical(id="rank1", classes="panel"):
                yield Static(id="rank1-head")
                yield Digits("", id="rank1-digits")
                yield Static(id="rank1-details")
            # Under rank 1, never above it: on a small terminal a few warnings filled the screen
            # and pushed the 15 out of view.
            yield Static(id="warnings")
            yield Static(id="others")
            yield Static(id="missing")
            yield Static(id="why")
            yield Static(id="answer-hint")
        yield KeysFooter(compact=True)  # every key fits 60 columns

    def on_mount(self) -> None:
        self.redraw()
        self.query_one("#answer-scroll").focus()

    def redraw(self) -> None:
        case = self.app.counter.case
        answer = case.answer
        if answer is None:
            return
        draw_situation(self, self.app.counter)
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
        if self.app.counter.case.answer is not None:
            draw_situation(self, self.app.counter)

    def action_toggle_why(self) -> None:
        why = self.query_one("#why", Static)
        why.toggle_class("shown")
        if why.has_class("shown"):
            self.call_after_refresh(why.scroll_visible, top=True, animate=False)

    def action_post(self, name: str, *args: str) -> None:
        """Each other key of the answer is a message to the app, whose controller acts on it."""
        self.post_message(_KEY_MESSAGES[name](*args))
