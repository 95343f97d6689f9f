"""One patient's case at the counter: where, when, the facts given so far, the answer.

Plain data, no Textual. The app holds exactly one `Case`; "patient suivant"
replaces it with a new one, so nothing of the previous patient survives.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Optional

from orient.answer import Answer
from orient.facts import FactValue
from orient.render.labels import EMERGENCY_KINDS  # noqa: F401 (its home; imported from here before)

if TYPE_CHECKING:  # the gazetteer is only needed for the type
    from orient.directory.gazetteer import Commune



@dataclass
class Case:
    commune: Optional["Commune"] = None
    at: Optional[datetime] = None  # a moment typed by the agent; None means "now"
    commune_not_found: str = ""  # a place typed that the gazetteer does not know (answer without distances)
    hour_not_understood: str = ""  # an hour typed that could not be read (answer for now, said on screen)
    facts: dict[str, FactValue] = field(default_factory=dict)
    steps: list[str] = field(default_factory=list)  # questions answered or skipped, in order (for Escape)
    skipped: set[str] = field(default_factory=set)  # "ne sait pas": left unknown, not asked again
    note: str = ""  # free note for the patient's sheet, typed by the agent
    answer: Optional[Answer] = None
    vital_doubt: bool = False  # "?" on the vital sign: in doubt, the 15 first
    quietly_skipped: set[str] = field(default_factory=set)  # skipped by the controller: cannot change rank 1
    asked_again: str = ""  # the answer being changed from the answer screen: always asked

    def next_question(self) -> Optional[str]:
        """The first fact the rules still need that was neither given nor skipped. Without an
        answer (orient() failed), still the vital sign: it never waits for the engine."""
        if self.answer is None:
            return "red_flag" if "red_flag" not in self.facts and "red_flag" not in self.skipped else None
        for name in self.answer.missing:
            if name not in self.facts and name not in self.skipped:
                return name
        return None

    @property
    def complete(self) -> bool:
        return self.answer is not None and self.next_question() is None

    @property
    def emergency(self) -> bool:
        """A vital emergency sign was reported (the engine says so once it has answered; before its
        first answer, the fact itself), or the agent does not know ("?": the 15 first)."""
        if self.vital_doubt:
            return True
        if self.answer is not None:
            return self.answer.emergency
        return self.facts.get("red_flag") not in (None, "none")

    @property
    def vital_asked(self) -> bool:
        """The vital-sign question was answered, "?" included: an answer can be read out."""
        return self.vital_doubt or "red_flag" in self.facts

    def give(self, name: str, value: FactValue) -> None:
        self.skipped.discard(name)
        self.facts[name] = value
        if name in self.steps:
            self.steps.remove(name)
        self.steps.append(name)

    def skip(self, name: str) -> None:
        self.facts.pop(name, None)
        self.skipped.add(name)
        if name in self.steps:
            self.steps.remove(name)
        self.steps.append(name)

    def back(self) -> Optional[str]:
        """Undo the last answer (or skip); returns the fact it concerned, None when nothing was asked."""
        if not self.steps:
            return None
        name = self.steps.pop()
        self.facts.pop(name, None)
        self.skipped.discard(name)
        self.quietly_skipped.discard(name)
        return name
