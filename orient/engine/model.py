"""The engine's data: compiled rules (in) and outcomes (out).

Records are NamedTuples, not dataclasses: every `orient ask` defines them, and dataclasses
compile each class's methods at import (docs/architecture.md, "Start-up").
"""

from types import MappingProxyType
from typing import Any, Mapping, NamedTuple, Optional

from orient.answer import TraceStep
from orient.engine.conditions import Cond


class Selector(NamedTuple):
    """A place the directory chooses: nearest open services of a kind first."""

    kind: str
    capabilities: tuple[str, ...] = ()
    limit: int = 1
    open_now: bool = False


class Outcome(NamedTuple):
    """One recommendation the rules want, before the directory resolves it."""

    rule: str
    kind: str
    action: str
    why: str
    sources: list[str]
    priority: int
    service_id: Optional[str] = None
    select: Optional[Selector] = None
    advice: list[str] = ()  # evaluate() gives each outcome lists of its own
    # Every rule that asked for this recommendation (the first is `rule`); duplicates
    # from several rules are merged into one outcome.
    rules: list[str] = ()
    # `why` outside the directory's area (rules' `why_outside_area`); None: `why` holds everywhere.
    why_outside_area: Optional[str] = None
    # The line's title when no directory entry names it (rules' `name`); None: the kind's name.
    name: Optional[str] = None


class Evaluation(NamedTuple):
    outcomes: list[Outcome]  # ordered, rank 1 first
    missing: list[str]  # facts to ask, red_flag first
    trace: list[TraceStep]
    # An exclusive rule fired: a vital emergency, rank 1 is the 15 (or the 114). No default: whoever
    # builds an Evaluation must say it (a forgotten flag would hide an emergency from the screens).
    emergency: bool


class Text(NamedTuple):
    """A French text, with its placeholders found at load time."""

    template: str
    placeholders: tuple[str, ...] = ()


class Recommendation(NamedTuple):
    kind: str
    action: str
    why: Text
    priority: int
    service_id: Optional[str]
    select: Optional[Selector]
    advice: tuple[Text, ...]
    line: int
    why_outside_area: Optional[Text] = None  # replaces `why` outside the directory's area
    name: Optional[Text] = None  # the title of a line without a directory entry

    @property
    def key(self) -> tuple:
        """What makes two recommendations the same advice to the patient: the same
        kind and action, and the same fixed service or the same selector."""
        if self.service_id is not None:
            return (self.kind, self.action, "service", self.service_id)
        if self.select is not None:
            return (self.kind, self.action, "select", tuple(sorted(self.select.capabilities)), self.select.open_now)
        if self.name is not None:  # a named line says something of its own: never merged into another
            return (self.kind, self.action, "name", self.name.template)
        return (self.kind, self.action)


class Example(NamedTuple):
    name: str
    facts: dict[str, Any]
    period: str
    at: Any  # datetime
    expect: tuple[str, ...]
    missing: tuple[str, ...]
    fires: bool
    line: int


class Rule(NamedTuple):
    id: str
    title: str
    when: Cond
    recommendations: tuple[Recommendation, ...]
    priority: int
    sources: tuple[str, ...]
    note: Optional[str]
    ask: tuple[str, ...]
    exclusive: bool
    examples: tuple[Example, ...]
    path: str
    line: int
    order: int = 0
    # facts the rule depends on (through references too), in asking order
    facts: tuple[str, ...] = ()
    ask_rank: Mapping[str, int] = MappingProxyType({})
    # A doctors' duty (PDSA) rule: on a bridge day (R6315-1 setting) it sees the holiday period;
    # every other rule (pharmacies, dentists, centres) sees the calendar.
    pdsa: bool = False


class RuleSet:
    __slots__ = ("rules", "definitions", "paths")

    def __init__(self, rules: list[Rule], definitions: dict[str, Cond], paths: list[str]) -> None:
        self.rules = rules
        self.definitions = definitions
        self.paths = paths

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RuleSet) and (self.rules, self.definitions, self.paths) == (
            other.rules, other.definitions, other.paths)

    def __repr__(self) -> str:
        return f"RuleSet({len(self.rules)} rules, {len(self.definitions)} definitions)"

    def get(self, rule_id: str) -> Optional[Rule]:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        return None

    def __iter__(self):
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)
