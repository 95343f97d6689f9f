"""The modals over the counter's screens: help (F1), the reminder before "patient suivant", the note on the
sheet, which answer to change, "Signaler"."""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, Optional

from rich import box
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from orient.ui import views
from orient.ui.screens.common import OneLineInput

if TYPE_CHECKING:
    from orient.ui.case import Case
    from orient.ui.screens.common import Host


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


class ReminderScreen(ModalScreen[None]):
    """F2 on an answer whose sheet went nowhere: the reminder holds every key but F2 (the app's: patient
    suivant all the same) and Échap (back to the answer). The next patient's place, typed at once,
    never reaches the answer's keys ("l" would have changed this patient's place, answers kept)."""

    BINDINGS = [Binding("escape", "dismiss", "Revenir à la réponse", id="reminder.close")]
    app: "Host"

    def compose(self) -> ComposeResult:
        keys = self.app.key_label
        box = Vertical(id="reminder-box", classes="panel")
        box.border_title = "Patient suivant ?"
        with box:
            yield Static(Text(self.app.counter.sheet_reminder() or "", style="bold"))
            yield Static(Text(f"{keys('app.next_patient', 'F2')} : patient suivant quand même · "
                              f"{keys('reminder.close', 'Échap')} : revenir à la réponse "
                              f"(puis {keys('answer.handout', 'f')} : la fiche)", style="italic"))


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
            yield OneLineInput(value=self.note, placeholder="ex. : rappeler si la fièvre dure plus de 3 jours",
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
