"""What the screens ask of the app: Textual messages, handled by the app with the `Counter`.

Screens only compose, read the case and post these; they never call the app.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Optional

from textual.message import Message

from orient.facts import FactValue

if TYPE_CHECKING:
    from orient.directory.gazetteer import Commune


class Start(Message):
    """Where and when are known: ask the questions (a case already answered keeps its answers)."""

    def __init__(self, commune: Optional["Commune"], at: Optional[datetime], not_found: str = "",
                 hour_not_understood: str = "") -> None:
        super().__init__()
        self.commune = commune
        self.at = at
        self.not_found = not_found
        self.hour_not_understood = hour_not_understood


class Give(Message):
    def __init__(self, name: str, value: FactValue) -> None:
        super().__init__()
        self.name = name
        self.value = value


class Skip(Message):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name


class Back(Message):
    """Escape on a question: undo the last answer, or go back to where and when."""


class ShowAnswer(Message):
    pass


class LeaveAnswer(Message):
    pass


class Change(Message):
    """From the answer: change the hour ("when"), the place ("where") or one answer (a fact's name)."""

    def __init__(self, what: str) -> None:
        super().__init__()
        self.what = what


class ChooseAnswerToChange(Message):
    pass


class Handout(Message):
    pass


class EditNote(Message):
    pass


class CopyNumber(Message):
    """Copy the number of rank 1 alone (to paste it in a phone or a softphone)."""


class Report(Message):
    """"Signaler": open the dialog to report a wrong line of the answer (a directory entry)."""
