"""The counter application: `orient` with no arguments.

A thin layer over `orient()`: the app holds one `Case` (where, when, facts,
answer), re-runs `orient()` after every answer and shows the result. Tests
build `OrientApp(knowledge, at=...)` directly; `run_app()` is the command.
"""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Mapping, Optional

from textual.app import App
from textual.binding import Binding

from orient.facts import FactValue
from orient.periods import PARIS, classify, to_paris
from orient.render.handout import PRINTER_ENV, build_handout, default_handout_dir, save_handout, send_to_printer
from orient.ui.case import Case
from orient.ui.keymap import default_keymap_path, load_keymap
from orient.ui.screens import AnswerScreen, HelpScreen, NoteScreen, QuestionScreen, WhereScreen

if TYPE_CHECKING:
    from orient.answer import Answer
    from orient.directory.gazetteer import Commune, CommuneMatch
    from orient.orientation import Knowledge

AT_ENV = "ORIENT_AT"  # a fixed moment for the whole session (demos, training, tests)

KEY_NAMES = {
    "escape": "Échap", "enter": "Entrée", "backspace": "⌫", "question_mark": "?", "tab": "Tab",
    "up": "↑", "down": "↓", "left": "←", "right": "→", "space": "Espace", "delete": "Suppr",
    "pageup": "PgPréc", "pagedown": "PgSuiv", "home": "Début", "end": "Fin",
}

SCREEN_TITLES = {
    WhereScreen: "où et quand",
    QuestionScreen: "questions",
    AnswerScreen: "réponse",
    NoteScreen: "note sur la fiche",
}


def key_name(key: str) -> str:
    """French display of one Textual key name: 'escape' → 'Échap', 'ctrl+q' → 'Ctrl+Q'."""
    *modifiers, last = key.split("+")
    shown = KEY_NAMES.get(last, last.upper() if len(last) > 1 or modifiers else last)
    return "+".join([m.capitalize() for m in modifiers] + [shown])


class OrientApp(App[int]):
    CSS_PATH = "orient.tcss"
    TITLE = "orient"
    SUB_TITLE = "orientation des patients"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        Binding("f1", "help", "Aide", id="app.help"),
        Binding("f2", "next_patient", "Patient suivant", priority=True, id="app.next_patient"),
        Binding("ctrl+q", "quit", "Quitter", show=False, priority=True, id="app.quit"),
    ]

    def __init__(self, knowledge: "Knowledge", *, at: Optional[datetime] = None,
                 clock: Optional[Callable[[], datetime]] = None, home_dept: Optional[str] = None,
                 handout_dir: Optional[Path] = None, cursor_blink: bool = True,
                 keymap: Optional[Mapping[str, str]] = None, notices: Iterable[str] = ()) -> None:
        super().__init__()
        self.knowledge = knowledge
        if clock is None:
            clock = (lambda: at) if at is not None else (lambda: datetime.now(PARIS))
        self.clock = clock
        self.live_clock = at is None
        self.home_dept = home_dept or "32"
        self.handout_dir = handout_dir
        self.cursor_blink = cursor_blink
        self.keymap: dict[str, str] = dict(keymap or {})
        self.notices = list(notices)
        self.case = Case()
        self.last_handout: Optional[tuple[Path, Path]] = None  # this patient's sheet files
        self.sheet_copied = False  # this patient's sheet is in the terminal's clipboard

    # --- time, places ----------------------------------------------------------------------

    def now(self) -> datetime:
        return to_paris(self.clock())

    def moment(self) -> datetime:
        """The moment of this orientation: the one typed, else now."""
        return self.case.at or self.now()

    def period_of(self, at: datetime) -> str:
        return classify(at, bridge_days=getattr(self.knowledge, "bridge_days", True))

    def search_communes(self, typed: str, limit: int) -> list["CommuneMatch"]:
        return self.knowledge.gazetteer.search(typed, limit=limit, home_dept=self.home_dept)

    # --- keys ------------------------------------------------------------------------------

    def on_mount(self) -> None:
        if self.keymap:
            self.set_keymap(self.keymap)
        for notice in self.notices:
            self.notify(notice, severity="warning", timeout=10)
        self.push_screen(WhereScreen())

    @classmethod
    def binding_ids(cls) -> list[str]:
        ids = []
        for owner in (cls, WhereScreen, QuestionScreen, AnswerScreen, HelpScreen, NoteScreen):
            for binding in owner.BINDINGS:
                if isinstance(binding, Binding) and binding.id:
                    ids.append(binding.id)
        return ids

    def key_label(self, binding_id: str, default: str) -> str:
        """How to name, in a sentence, the key currently bound to binding_id."""
        keys = self.keymap.get(binding_id)
        if not keys:
            return default
        return key_name(keys.split(",")[0].strip())

    def get_key_display(self, binding: Binding) -> str:
        if binding.key_display:
            return binding.key_display
        return key_name(binding.key)

    def help_rows(self) -> list[tuple[str, str, str]]:
        """(keys, description, id) of the screen's active bindings — ours only, same action grouped."""
        rows: dict[tuple[str, str], list[str]] = {}
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if not binding.id or not binding.description or binding.id.startswith("help."):
                continue
            group = binding.id.rsplit("_", 1)[0] if binding.id.startswith("question.choice_") else binding.id
            rows.setdefault((binding.description, group), []).append(self.get_key_display(binding))
        # active_bindings runs from the focused widget up to the app: the screen's keys come first.
        return [(" ".join(keys), description, group + ("_N" if group == "question.choice" else ""))
                for (description, group), keys in rows.items()]

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
            return
        title = SCREEN_TITLES.get(type(self.screen), "touches")
        self.push_screen(HelpScreen(title, self.help_rows()))

    # --- the case --------------------------------------------------------------------------

    def orient_case(self) -> None:
        from orient.orientation import orient

        case = self.case
        try:
            case.answer = orient(self.knowledge, case.facts, self.moment(), case.commune)
        except Exception as exc:  # the counter must keep working; the agent sees what failed
            self.notify(f"Erreur du moteur d'orientation : {exc}. En cas de doute : le 15.",
                        severity="error", timeout=15)

    def start_case(self, commune: Optional["Commune"], at: Optional[datetime], not_found: str = "") -> None:
        self.case.commune = commune
        self.case.at = at
        self.case.commune_not_found = not_found
        self.orient_case()
        self.push_screen(QuestionScreen())
        self.call_after_refresh(self._advance)

    def give(self, name: str, value: FactValue) -> None:
        self.case.give(name, value)
        self.orient_case()
        self._advance()

    def skip(self, name: str) -> None:
        self.case.skip(name)
        self.orient_case()
        self._advance()

    def _advance(self) -> None:
        """Redraw the questions; once none is left, show the answer."""
        question = self._question_screen()
        if question is not None:
            question.redraw()
        if self.case.complete and isinstance(self.screen, QuestionScreen):
            self.push_screen(AnswerScreen())

    def _question_screen(self) -> Optional[QuestionScreen]:
        for screen in reversed(self.screen_stack):
            if isinstance(screen, QuestionScreen):
                return screen
        return None

    def go_back(self) -> None:
        """Escape on a question: undo the last answer, or go back to where/when."""
        if self.case.back() is None:
            self.case.answer = None
            self.pop_screen()
            return
        self.orient_case()
        self._advance()

    def show_answer(self) -> None:
        if self.case.answer is None:
            return
        if not isinstance(self.screen, AnswerScreen):
            self.push_screen(AnswerScreen())

    def leave_answer(self) -> None:
        """Escape on the answer: back to the questions, undoing the last answer when it completed the case."""
        was_complete = self.case.complete
        self.pop_screen()
        if was_complete and self.case.back() is not None:
            self.orient_case()
        question = self._question_screen()
        if question is not None:
            question.redraw()

    # --- the patient's sheet ---------------------------------------------------------------

    def handout_folder(self) -> Path:
        return self.handout_dir or default_handout_dir()

    def produce_handout(self) -> None:
        answer = self.case.answer
        if answer is None or not answer.recommendations:
            self.notify("Pas encore de réponse à mettre sur la fiche.", severity="warning")
            return
        handout = build_handout(answer, self.case.note)
        text = handout.to_text()
        self.copy_to_clipboard(text)
        self.sheet_copied = True
        try:
            txt, html = save_handout(handout, self.handout_folder())
        except OSError as exc:
            self.notify(f"Fiche copiée, mais non enregistrée : {exc}", severity="error", timeout=10)
            return
        self.last_handout = (txt, html)
        self.notify(f"Fiche enregistrée : {txt} (+ .html), copiée dans le presse-papiers.", timeout=8)
        if os.environ.get(PRINTER_ENV, "").strip():
            self.run_worker(lambda: self._send_to_printer(txt), thread=True, group="print", exit_on_error=False)

    def _send_to_printer(self, path: Path) -> None:
        status = send_to_printer(path)
        if status:
            severity = "error" if status.startswith("impression impossible") else "information"
            self.call_from_thread(self.notify, f"Fiche {status}", severity=severity, timeout=8)

    def edit_note(self) -> None:
        def saved(note: Optional[str]) -> None:
            if note is not None:
                self.case.note = note.strip()
                self.produce_handout()

        self.push_screen(NoteScreen(self.case.note), saved)

    # --- closing a case --------------------------------------------------------------------

    def close_case(self) -> None:
        """Record a completed orientation in the anonymous journal, once, when the case is closed."""
        case = self.case
        if case.answer is None or not case.complete or not case.steps:
            return
        record_in_journal(case.answer, dict(case.facts), self._notify_from_thread)

    def _notify_from_thread(self, *args, **kwargs) -> None:
        self.call_from_thread(self.notify, *args, **kwargs)

    def on_unmount(self) -> None:
        from orient import journal

        journal.wait_for_pending()  # bounded: the rows of the last patients are not lost

    async def forget_patient(self) -> list[str]:
        """Remove what this patient left behind: the sheet files (the note may name them) and the
        sheet in the clipboard. Returns French problems, if any; never raises."""
        problems: list[str] = []
        for worker in list(self.workers):
            if worker.group == "print" and not worker.is_finished:
                try:  # lp must have read the sheet before it goes
                    await worker.wait()
                except Exception:  # noqa: BLE001 — a failed print was already reported
                    pass
        for path in self.last_handout or ():
            try:
                path.unlink(missing_ok=True)
            except OSError as exc:
                problems.append(f"Fiche du patient précédent non effacée : {exc}")
        self.last_handout = None
        if self.sheet_copied:
            self.copy_to_clipboard("")  # the terminal's clipboard (OSC 52) and the app's copy
        self.sheet_copied = False
        self._clipboard = ""
        return problems

    async def action_next_patient(self) -> None:
        """Forget everything about this patient: new case, new screens, no sheet, no notification left."""
        self.close_case()
        problems = await self.forget_patient()
        self.case = Case()
        self.clear_notifications()
        while len(self.screen_stack) > 1:
            await self.pop_screen()
        await self.push_screen(WhereScreen())
        for problem in problems:
            self.notify(problem, severity="error", timeout=10)

    async def action_quit(self) -> None:
        self.close_case()
        await self.forget_patient()
        self.exit(0)


def record_in_journal(answer: "Answer", facts: dict, notify: Callable[..., None]) -> None:
    """Best effort, in the background: the journal is optional and must never break or slow
    the counter (orient.journal.record_in_background)."""
    from orient import journal

    def warn(message: str) -> None:
        notify(f"Journal anonyme : {message}", severity="warning", timeout=8)

    journal.record_in_background(answer, facts, on_error=warn)


def fixed_moment(environ: Optional[Mapping[str, str]] = None) -> Optional[datetime]:
    """$ORIENT_AT, ISO 8601 (Paris time when no offset), or None for the live clock."""
    env = os.environ if environ is None else environ
    raw = env.get(AT_ENV, "").strip()
    if not raw:
        return None
    from orient.periods import parse_moment

    return parse_moment(raw)


def run_app(home_dept: Optional[str] = None) -> int:
    from orient.commands import load_knowledge

    try:
        at = fixed_moment()
    except ValueError as exc:
        print(f"orient: {AT_ENV}: {exc}", file=sys.stderr)
        return 2
    knowledge = load_knowledge("orient")
    keymap, problems = load_keymap(default_keymap_path(), OrientApp.binding_ids())
    app = OrientApp(knowledge, at=at, home_dept=home_dept, keymap=keymap, notices=problems)
    result = app.run()
    return int(result or 0)
