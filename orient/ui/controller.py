"""The counter's controller: one patient's case, its transitions and side effects, without Textual.

Screens post messages (orient.ui.messages); the app hands them to the `Counter`,
which changes the `Case`, re-runs `orient()`, writes the sheet, records the
journal and clears what the patient leaves behind. What only a terminal can do
(notifications, the clipboard) is given to it as two plain callables, so that
every transition is tested with plain pytest.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Mapping, Optional

from orient.facts import FACTS, FactValue
from orient.oserrors import french_os_error
from orient.periods import classify, to_paris
from orient.render.handout import build_handout, default_handout_dir, save_handout, send_to_printer
from orient.ui.case import Case
from orient.ui.moment import When, explain_when
from orient.vocabulary import from_wall_clock, wall_clock

if TYPE_CHECKING:
    from orient.answer import Answer, Recommendation
    from orient.directory.gazetteer import Commune, CommuneMatch
    from orient.orientation import Knowledge

Notify = Callable[..., None]  # notify(message, severity="information", timeout=...)

DOUBT_LINE = "En cas de doute, appelez le 15."
DESK_ENV = "ORIENT_DESK_MODE"  # "comptoir" (the patient stands at the desk) or "telephone" (default: the contract's rule)
COUNTER_DESK = "comptoir"
CALL_15_YOURSELF = ("Appelez le 15 vous-même, maintenant : la personne est devant vous. "
                    "Le 114 (SMS) lui servira plus tard.")
# Ages tried to see whether the age would change rank 1 (a child, a teenager, an adult, an old person).
AGES_TRIED = (1, 10, 16, 40, 80)


def _ignore(*_args, **_kwargs) -> None:
    return None


def desk_setting(environ: Optional[Mapping[str, str]] = None) -> tuple[str, Optional[str]]:
    """($ORIENT_DESK_MODE as "comptoir" or "telephone", a French problem or None). Unknown: the phone line's rule."""
    env = os.environ if environ is None else environ
    raw = env.get(DESK_ENV, "").strip().lower()
    value = {"comptoir": COUNTER_DESK, "counter": COUNTER_DESK, "guichet": COUNTER_DESK,
             "telephone": "telephone", "téléphone": "telephone", "phone": "telephone", "": "telephone"}.get(raw)
    if value is None:
        return "telephone", f"{DESK_ENV}={raw!r} inconnu : « comptoir » ou « telephone » ; pris : telephone"
    return value, None


class Counter:
    """One counter session: the current patient's `case` and what can be done with it."""

    def __init__(self, knowledge: "Knowledge", clock: Callable[[], datetime], *, home_dept: str = "32",
                 handout_dir: Optional[Path] = None, notify: Notify = _ignore,
                 notify_from_thread: Optional[Notify] = None, copy: Callable[[str], None] = _ignore,
                 desk: str = "telephone", corrections_path: Optional[Path] = None) -> None:
        self.knowledge = knowledge
        self.corrections_path = corrections_path  # None: orient.corrections.default_path()
        self.desk = desk  # at a counter, the agent calls the 15 for a deaf patient standing there
        self.clock = clock
        self.home_dept = home_dept
        self.handout_dir = handout_dir
        self.notify = notify
        self.notify_from_thread = notify_from_thread or notify  # the journal warns from its own thread
        self.copy = copy
        self.case = Case()
        self.last_handout: Optional[tuple[Path, Path]] = None  # this patient's sheet files
        self.sheet_copied = False  # this patient's sheet is in the clipboard
        self.sheet_printed = False  # this patient's sheet went to a printer
        self.sheet_text = ""  # the last sheet produced, as printed

    # --- time, places ----------------------------------------------------------------------

    def now(self) -> datetime:
        return to_paris(self.clock())

    def moment(self) -> datetime:
        """The moment of this orientation: the one typed, else now."""
        return self.case.at or self.now()

    def period_of(self, at: datetime, commune: Optional["Commune"]) -> str:
        """The period of care at `at` in `commune` (none typed: at the desk): overseas on the patient's
        own clock, as orient() reads it."""
        clock = wall_clock(at, commune.dept if commune is not None else self.home_dept)
        return classify(clock or at, bridge_days=getattr(self.knowledge, "bridge_days", True))

    def desk_time(self, at: datetime) -> datetime:
        """`at` as the desk's wall clock shows it (what the screens say, what its agent types): Paris's,
        or an overseas desk's own (`--home-dept 971`)."""
        return wall_clock(at, self.home_dept) or at

    def search_communes(self, typed: str, limit: int) -> list["CommuneMatch"]:
        return self.knowledge.gazetteer.search(typed, limit=limit, home_dept=self.home_dept)

    def read_when(self, typed: str) -> tuple[datetime, Optional[When]]:
        """The hour field read at the counter's clock: (now, the moment understood — None for now).
        Raises ValueError with a French message and an example when it cannot be read."""
        now = self.now()
        when = explain_when(typed, self.desk_time(now))  # typed on the desk's own clock
        if when is not None:
            when.at = from_wall_clock(when.at, self.home_dept)
        return now, when

    def situation(self) -> tuple[datetime, str]:
        """The moment and period the case is shown at: its answer's, else the moment typed (or now)."""
        answer = self.case.answer
        at = answer.at if answer else self.moment()
        return at, answer.period if answer else self.period_of(at, self.case.commune)

    # --- the case --------------------------------------------------------------------------

    def orient_case(self) -> None:
        case = self.case
        case.answer = self._orient(case.facts)

    def _orient(self, facts: dict) -> Optional["Answer"]:
        from orient.orientation import orient

        case = self.case
        try:
            answer = orient(self.knowledge, facts, self.moment(), case.commune, desk_dept=self.home_dept)
        except Exception as exc:  # the counter must keep working; the agent sees what failed
            self.notify(f"Erreur du moteur d'orientation : {exc}. En cas de doute : le 15.",
                        severity="error", timeout=15)
            return None
        deaf = facts.get("deaf") == "yes"
        if case.vital_doubt:
            answer = doubt_first(answer, deaf=deaf and self.desk != COUNTER_DESK)
        if deaf and self.desk == COUNTER_DESK and case.emergency:
            answer = put_first(answer, ("emergency_15", "sms_114"), CALL_15_YOURSELF)
        return answer

    def start(self, commune: Optional["Commune"], at: Optional[datetime], not_found: str = "",
              hour_not_understood: str = "") -> None:
        """Where and when: a new case, or the same case moved to another place or hour (answers kept)."""
        self.case.commune = commune
        self.case.at = at
        self.case.commune_not_found = not_found
        self.case.hour_not_understood = hour_not_understood
        self.orient_case()
        self._skip_what_does_not_matter()

    def give(self, name: str, value: FactValue) -> None:
        self.case.give(name, value)
        if name == "red_flag":
            self.case.vital_doubt = False
        self.orient_case()
        self._skip_what_does_not_matter()

    def skip(self, name: str) -> None:
        """"Ne sait pas". On the vital sign, doubt is an answer: the 15 first. After a doubt,
        only the questions whose answer would change rank 1 are still asked."""
        self.case.skip(name)
        if name == "red_flag":
            self.case.vital_doubt = True
        self.orient_case()
        self._skip_what_does_not_matter()

    def back(self) -> bool:
        """Undo the last answer; False when none was left (back to where and when)."""
        name = self.case.back()
        if name is None:
            self.case.answer = None
            return False
        while self.case.steps and self.case.steps[-1] in self.case.quietly_skipped:
            self.case.back()  # questions skipped by the controller go with the answer before them
        if name == "red_flag":
            self.case.vital_doubt = False
        self.orient_case()
        return True

    def leave_answer(self) -> None:
        """Escape on the answer: back to the questions, undoing the last answer."""
        if self.case.complete:
            self.back()

    def edit(self, name: str) -> None:
        """Ask one answer again, the others kept."""
        case = self.case
        case.facts.pop(name, None)
        case.skipped.discard(name)
        case.quietly_skipped.discard(name)
        if name in case.steps:
            case.steps.remove(name)
        if name == "red_flag":
            case.vital_doubt = False
        case.asked_again = name
        self.orient_case()

    def _skip_what_does_not_matter(self) -> None:
        """After a "ne sait pas" (other than the vital sign), skip the questions whose answer
        cannot change what comes first — the 15 stays first while the vital sign is in doubt."""
        case = self.case
        if not (case.skipped - {"red_flag"}) and not case.vital_doubt:
            return
        for _ in range(len(FACTS)):
            name = case.next_question()
            if name is None or name in ("red_flag", "deaf") or name == case.asked_again:
                return  # the deaf question changes the number itself: always asked
            if self._changes_rank1(name):
                return
            case.skip(name)
            case.quietly_skipped.add(name)
            self.orient_case()

    def _changes_rank1(self, name: str) -> bool:
        answer = self.case.answer
        if answer is None or not answer.recommendations:
            return True
        first = _identity(answer.recommendations[0])
        values = FACTS.get(name) or AGES_TRIED
        for value in values:
            other = self._orient({**self.case.facts, name: value})
            if other is None or not other.recommendations or _identity(other.recommendations[0]) != first:
                return True
        return False

    # --- the patient's sheet ---------------------------------------------------------------

    def handout_folder(self) -> Path:
        return self.handout_dir or default_handout_dir()

    def produce_handout(self) -> Optional[Path]:
        """Copy the sheet to the clipboard and save it (text and HTML); the text file, or None."""
        answer = self.case.answer
        if answer is None or not answer.recommendations:
            self.notify("Pas encore de réponse à mettre sur la fiche.", severity="warning")
            return None
        handout = build_handout(answer, self.case.note, desk_dept=self.home_dept)
        self.sheet_text = handout.to_text()
        copied_now = False  # this time: an earlier copy of this patient's sheet says nothing of this one
        try:
            self.copy(self.sheet_text)
            self.sheet_copied = copied_now = True
            copied = "Fiche copiée"
        except Exception:  # noqa: BLE001 — a clipboard that fails never stops the sheet
            copied = "Presse-papiers indisponible : fiche non copiée"
        try:
            txt, html = save_handout(handout, self.handout_folder())
        except OSError as exc:  # said in French: no "[Errno 13] Permission denied" at a counter
            self.notify(f"{copied}, mais non enregistrée : {french_os_error(exc)}", severity="error", timeout=10)
            return None
        self.last_handout = (txt, html)
        # Short and brief: the toast must not hide the answer the agent is reading out.
        self.notify(f"{copied} et enregistrée ({txt.parent})." if copied_now else
                    f"{copied} ; elle est enregistrée ({txt.parent}).", timeout=4)
        return txt

    def copy_first_number(self) -> Optional[str]:
        """Copy rank 1's number alone; the number, or None when rank 1 has none."""
        answer = self.case.answer
        first = answer.recommendations[0] if answer and answer.recommendations else None
        if first is None or not first.phone:
            self.notify("Pas de numéro à copier pour la première réponse.", severity="warning", timeout=4)
            return None
        self.copy(first.phone)
        self.sheet_copied = True  # the clipboard holds something of this patient: cleared at F2
        self.notify(f"Numéro copié : {first.phone}", timeout=3)
        return first.phone

    def print_job(self, path: Path) -> Callable[[], Optional[str]]:
        """Printing the sheet just produced, to run in a worker (it may wait PRINT_TIMEOUT_S for a printer).
        Its text is taken now and lp reads it on its standard input: "patient suivant" never waits for
        the printer and deletes the files at once. Returns the French status to show, maybe None; one
        that comes after "patient suivant" says it is the previous patient's."""
        text, case = self.sheet_text, self.case

        def job() -> Optional[str]:
            status = send_to_printer(path, text=text)
            if case is not self.case:
                return f"du patient précédent : {status}" if status else None
            if status and status.startswith(("imprimée", "ouverte")):
                self.sheet_printed = True
            return status

        return job

    def set_note(self, note: str) -> None:
        self.case.note = note.strip()

    # --- "Signaler": a line of the answer is wrong ------------------------------------------

    def report_lines(self) -> list["Recommendation"]:
        """The answer's lines to choose from in "Signaler"; none (and the agent told so) when no line
        is a directory entry."""
        answer = self.case.answer
        lines = list(answer.recommendations) if answer else []
        if not any(rec.service_id for rec in lines):
            self.notify("Aucune ligne de cette réponse n'est une entrée de l'annuaire : rien à signaler.",
                        severity="warning", timeout=5)
            return []
        return lines

    def report_line(self, rank: int, kind: str, text: str = "") -> Optional[int]:
        """Store a desk's report on one line of the answer (orient.corrections); its id, or None.
        Only the desk, the entry, the problem, the agent's short text and the minute are kept —
        nothing about the patient. A store that cannot be written never holds up the orientation."""
        job = self.report_job(rank, kind, text)
        return job(self.notify) if job is not None else None

    def report_job(self, rank: int, kind: str, text: str = "") -> Optional[Callable[[Notify], Optional[int]]]:
        """The line checked now; the writing of the report, to run in a worker (a locked or slow store,
        a shared server out of reach: it may wait seconds), saying how it went through `notify`."""
        from orient import corrections

        answer = self.case.answer
        line = [r for r in (answer.recommendations if answer else ()) if r.rank == rank]
        if not line:
            self.notify(f"Pas de ligne {rank} dans la réponse.", severity="warning", timeout=4)
            return None
        rec = line[0]
        if not rec.service_id:
            self.notify(f"« {rec.name} » n'est pas une entrée de l'annuaire : cette ligne ne peut pas être "
                        "signalée.", severity="warning", timeout=6)
            return None
        now = self.now()

        def job(notify: Notify) -> Optional[int]:
            try:
                correction_id = corrections.report(corrections.desk_id(), rec.service_id, kind, text, now,
                                                   path=self.corrections_path)
            except corrections.CorrectionError as exc:
                notify(f"Signalement refusé : {exc}", severity="error", timeout=8)
                return None
            except (OSError, sqlite3.Error) as exc:
                reason = (french_os_error(exc) if isinstance(exc, OSError)
                          else "base des signalements occupée ou illisible")
                notify(f"Signalement non enregistré ({reason}). L'orientation continue ; "
                       "signalez-le plus tard ou au coordinateur.", severity="error", timeout=8)
                return None
            label = corrections.KINDS.get(kind, kind)
            if correction_id is None:  # the shared server is out of reach: kept on this desk (outbox)
                notify(f"Signalement gardé sur ce poste : {rec.name} — {label}. Il partira vers le serveur "
                       "dès son retour ; un coordinateur le vérifiera.", timeout=6)
            else:
                notify(f"Signalement enregistré : {rec.name} — {label}. Un coordinateur le vérifiera.", timeout=5)
            return correction_id

        return job

    # --- closing a case --------------------------------------------------------------------

    def close_case(self) -> None:
        """Record a completed orientation in the anonymous journal, once, when the case is closed."""
        case = self.case
        if case.answer is None or not case.complete or not case.steps:
            return
        record_in_journal(case.answer, dict(case.facts), self.notify_from_thread)

    def sheet_reminder(self) -> Optional[str]:
        """A reminder before "patient suivant" when an answer was given but its sheet went nowhere."""
        if self.case.answer is None or not self.case.complete or self.sheet_copied or self.sheet_printed:
            return None
        return "La fiche de ce patient n'a été ni imprimée ni copiée."

    def forget_patient(self) -> list[str]:
        """Remove what this patient left behind (sheet files, clipboard) and start a new case.
        Returns French problems, if any; never raises."""
        problems: list[str] = []
        for path in self.last_handout or ():
            try:
                path.unlink(missing_ok=True)
            except OSError as exc:
                problems.append(f"Fiche du patient précédent non effacée : {french_os_error(exc)}")
        if self.sheet_copied:
            self.copy("")
        self.last_handout = None
        self.sheet_text = ""
        self.sheet_copied = self.sheet_printed = False
        self.case = Case()
        return problems


def _identity(rec: "Recommendation") -> tuple:
    return (rec.kind, rec.service_id, rec.phone)


def put_first(answer: "Answer", kinds: tuple[str, ...], warning: str) -> "Answer":
    """The engine's own recommendations of these kinds moved up, in this order, with a warning
    saying why first; ranks renumbered. Nothing is added or removed."""
    recs = list(answer.recommendations)
    for kind in reversed(kinds):
        found = [r for r in recs if r.kind == kind]
        if found:
            recs.remove(found[0])
            recs.insert(0, found[0])
    recs = [r._replace(rank=i) for i, r in enumerate(recs, 1)]
    warnings = [warning, *(w for w in answer.warnings if w != warning)]
    return answer._replace(recommendations=recs, warnings=warnings)


def doubt_first(answer: "Answer", deaf: bool = False) -> "Answer":
    """The vital sign in doubt: the 15 first (the 114 then the 15 for a deaf person), saying why."""
    return put_first(answer, ("sms_114", "emergency_15") if deaf else ("emergency_15",), DOUBT_LINE)


def record_in_journal(answer: "Answer", facts: dict, notify: Notify) -> None:
    """Best effort, in the background: the journal is optional and must never break or slow
    the counter (orient.journal.record_in_background)."""
    from orient import journal

    def warn(message: str) -> None:
        notify(f"Journal anonyme : {message}", severity="warning", timeout=8)

    journal.record_in_background(answer, facts, on_error=warn)


def answered(case: Case) -> Iterable[str]:
    """The facts the agent gave or skipped, in order (not those the controller skipped)."""
    return [name for name in case.steps if name not in case.quietly_skipped]
