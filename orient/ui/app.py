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

from orient.periods import PARIS
from orient.ui import messages
from orient.ui.case import Case
from orient.ui.controller import Counter, answered, desk_setting
from orient.ui.keymap import default_keymap_path, key_label, key_name, load_keymap
from orient.ui.screens.answer import AnswerScreen
from orient.ui.screens.dialogs import ChangeScreen, HelpScreen, NoteScreen, ReminderScreen, ReportScreen
from orient.ui.screens.questions import QuestionScreen
from orient.ui.screens.where import WhereScreen

if TYPE_CHECKING:
    from orient.orientation import Knowledge

AT_ENV = "ORIENT_AT"  # a fixed moment for the whole session (demos, training, tests)

SCREEN_TITLES = {
    WhereScreen: "où et quand",
    QuestionScreen: "questions",
    AnswerScreen: "réponse",
    NoteScreen: "note sur la fiche",
    ChangeScreen: "changer une réponse",
    ReportScreen: "signaler une erreur",
    ReminderScreen: "patient suivant ?",
}


class OrientApp(App[int]):
    """Pushes the screens and hands their messages to the `Counter`; nothing of a case lives here."""

    CSS_PATH = "orient.tcss"
    TITLE = "orient"
    SUB_TITLE = "orientation des patients"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        Binding("f1", "help", "Aide", id="app.help"),
        Binding("f2", "next_patient", "Patient suivant", priority=True, id="app.next_patient"),
        Binding("ctrl+q", "quit", "Quitter", priority=True, id="app.quit"),
    ]

    def __init__(self, knowledge: "Knowledge", *, at: Optional[datetime] = None,
                 clock: Optional[Callable[[], datetime]] = None, home_dept: Optional[str] = None,
                 handout_dir: Optional[Path] = None, cursor_blink: bool = True,
                 keymap: Optional[Mapping[str, str]] = None, notices: Iterable[str] = (),
                 desk: str = "telephone") -> None:
        super().__init__()
        if clock is None:
            clock = (lambda: at) if at is not None else (lambda: datetime.now(PARIS))
        self.live_clock = at is None
        self.home_dept = home_dept or "32"
        self.cursor_blink = cursor_blink
        self.keymap: dict[str, str] = dict(keymap or {})
        self.notices = list(notices)
        self.counter = Counter(knowledge, clock, home_dept=self.home_dept, handout_dir=handout_dir,
                               notify=self.notify, notify_from_thread=self._notify_from_thread,
                               copy=self.copy_to_clipboard, desk=desk)
        self.reminded = False  # "patient suivant" already reminded that the sheet went nowhere

    @property
    def case(self) -> Case:
        return self.counter.case

    @property
    def last_handout(self) -> Optional[tuple[Path, Path]]:
        return self.counter.last_handout

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
        for owner in (cls, WhereScreen, QuestionScreen, AnswerScreen, HelpScreen, NoteScreen, ChangeScreen,
                      ReportScreen, ReminderScreen):
            for binding in owner.BINDINGS:
                if isinstance(binding, Binding) and binding.id:
                    ids.append(binding.id)
        return ids

    def key_label(self, binding_id: str, default: str) -> str:
        """How to name, in a sentence, the key currently bound to binding_id."""
        return key_label(self.keymap, binding_id, default)

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

    def action_help_quit(self) -> None:
        """Ctrl+C: Textual's own hint is in English; the counter says it in French."""
        self.notify(f"Pour quitter orient : {self.key_label('app.quit', 'Ctrl+Q')}.", title="Quitter ?")

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
            return
        title = SCREEN_TITLES.get(type(self.screen), "touches")
        self.push_screen(HelpScreen(title, self.help_rows()))

    # --- the screens' messages -------------------------------------------------------------

    def on_start(self, message: messages.Start) -> None:
        where = self.screen if isinstance(self.screen, WhereScreen) else None
        self.counter.start(message.commune, message.at, message.not_found, message.hour_not_understood)
        questions = QuestionScreen()
        self.push_screen(questions)
        if where is not None:
            where.hand_over()  # the keys typed right after Enter ("auch⏎2")
        self.call_after_refresh(self._advance)

    def on_give(self, message: messages.Give) -> None:
        self.counter.give(message.name, message.value)
        self._advance()

    def on_skip(self, message: messages.Skip) -> None:
        self.counter.skip(message.name)
        self._advance()

    def on_back(self, _message: messages.Back) -> None:
        if not self.counter.back():
            self.pop_screen()
            return
        self._advance()

    def on_show_answer(self, _message: messages.ShowAnswer) -> None:
        if self.case.answer is not None and not isinstance(self.screen, AnswerScreen):
            self.push_screen(AnswerScreen())

    def on_leave_answer(self, _message: messages.LeaveAnswer) -> None:
        self.counter.leave_answer()
        self.pop_screen()
        self._advance()

    def on_change(self, message: messages.Change) -> None:
        """From the answer: the hour, the place or one answer again, the other answers kept."""
        if message.what in ("where", "when"):
            self._back_to_start()
            self.push_screen(WhereScreen(self.case, focus=message.what))
            return
        self.counter.edit(message.what)
        self._back_to_start()
        self.push_screen(QuestionScreen())
        self.call_after_refresh(self._advance)

    def on_choose_answer_to_change(self, _message: messages.ChooseAnswerToChange) -> None:
        names = answered(self.case)
        if names:
            self.push_screen(ChangeScreen(names, self.case), self._changed)

    def _changed(self, name: Optional[str]) -> None:
        if name:
            self.post_message(messages.Change(name))

    def on_handout(self, _message: messages.Handout) -> None:
        txt = self.counter.produce_handout()
        if txt is not None:  # a printer if there is one, else the browser's print dialog, else where it is
            job = self.counter.print_job(txt)
            self.run_worker(lambda: self._print_sheet(job), thread=True, group="print", exit_on_error=False)

    def _print_sheet(self, job: Callable[[], Optional[str]]) -> None:
        status = job()
        if status:
            failed = "impression impossible" in status
            message = f"Fiche {'' if status.startswith('du ') else ': ' if failed else ''}{status}"
            self.call_from_thread(self.notify, message, severity="error" if failed else "information", timeout=8)

    def on_copy_number(self, _message: messages.CopyNumber) -> None:
        self.counter.copy_first_number()

    def on_edit_note(self, _message: messages.EditNote) -> None:
        def saved(note: Optional[str]) -> None:
            if note is not None:
                self.counter.set_note(note)
                self.post_message(messages.Handout())

        self.push_screen(NoteScreen(self.case.note), saved)

    def on_report(self, _message: messages.Report) -> None:
        """"Signaler": a line of the answer that a directory entry got wrong; never holds up the orientation."""
        from orient.corrections import KINDS, TEXT_LIMIT

        lines = self.counter.report_lines()
        if not lines:
            return

        def chosen(report: Optional[tuple[int, str, str]]) -> None:
            job = self.counter.report_job(*report) if report is not None else None
            if job is not None:  # in a worker: a locked store or a lost server never holds up the counter
                self.run_worker(lambda: job(self._notify_from_thread), thread=True, group="report",
                                exit_on_error=False)

        self.push_screen(ReportScreen(lines, KINDS, TEXT_LIMIT), chosen)

    def _back_to_start(self) -> None:
        while len(self.screen_stack) > 2:
            self.pop_screen()

    def _advance(self) -> None:
        """Redraw the questions; once none is left, show the answer."""
        for screen in reversed(self.screen_stack):
            if isinstance(screen, QuestionScreen):
                screen.redraw()
                break
        if self.case.complete and isinstance(self.screen, QuestionScreen):
            self.push_screen(AnswerScreen())
        elif isinstance(self.screen, AnswerScreen):
            self.screen.redraw()

    # --- closing a case --------------------------------------------------------------------

    def _notify_from_thread(self, *args, **kwargs) -> None:
        self.call_from_thread(self.notify, *args, **kwargs)

    def on_unmount(self) -> None:
        from orient import journal

        journal.wait_for_pending()  # bounded: the rows of the last patients are not lost

    async def _forget_patient(self) -> list[str]:
        # No wait for a printer: lp was given the sheet's text, the files can go now (Counter.print_job).
        problems = self.counter.forget_patient()
        self._clipboard = ""
        return problems

    async def action_next_patient(self) -> None:
        """Forget everything about this patient: new case, new screens, no sheet, no notification left.
        Once, when the sheet was neither printed nor copied, a reminder first."""
        reminder = self.counter.sheet_reminder()
        if reminder and not self.reminded:
            self.reminded = True  # F2 again (in the reminder) goes on; Échap back to the answer reminds again

            def back_to_the_answer(_result: None) -> None:
                self.reminded = False

            await self.push_screen(ReminderScreen(), back_to_the_answer)
            return
        self.reminded = False
        self.counter.close_case()
        problems = await self._forget_patient()
        self.clear_notifications()
        while len(self.screen_stack) > 1:
            await self.pop_screen()
        await self.push_screen(WhereScreen())
        for problem in problems:
            self.notify(problem, severity="error", timeout=10)

    async def action_quit(self) -> None:
        self.counter.close_case()
        await self._forget_patient()
        self.exit(0)


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
    desk, desk_problem = desk_setting()
    app = OrientApp(knowledge, at=at, home_dept=home_dept, keymap=keymap, desk=desk,
                    notices=[*problems, *([desk_problem] if desk_problem else [])])
    result = app.run()
    return int(result or 0)
