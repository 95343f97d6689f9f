"""The ranked answer: what to do first, second, third, with the why and sources.

Plain data, rendered by the CLI (text or JSON), the terminal UI and the handout. Records are
NamedTuples, not dataclasses: every `orient ask` defines them, and dataclasses compile each
class's methods at import (docs/architecture.md, "Start-up"); `_replace` gives a changed copy.
"""

from datetime import datetime
from typing import Any, NamedTuple, Optional

from orient.textsafe import CONTROL, printable

ACTIONS = ("call", "sms", "go", "info")


def _printable_value(value: Any) -> Any:
    """Second line of defence (the loaders refuse them): no control character from the data
    reaches a screen, a terminal or a sheet, whichever renders the answer."""
    if isinstance(value, str):
        return printable(value) if CONTROL.search(value) else value
    if isinstance(value, (list, tuple)) and any(isinstance(v, str) and CONTROL.search(v) for v in value):
        return type(value)(printable(v) if isinstance(v, str) else v for v in value)
    return value


def _without_control(values: tuple) -> bool:
    """Whether no text among `values` (or in a list of them) holds a control character: one search
    over them all, as nearly every record is clean (an answer makes hundreds)."""
    texts = []
    for value in values:
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, (list, tuple)):
            texts.extend(v for v in value if isinstance(v, str))
    return CONTROL.search("".join(texts)) is None


class _Printable:
    """Mixed into a NamedTuple: every instance, new or `_replace`d, is without control characters."""

    __slots__ = ()

    def __new__(cls, *args: Any, **kwargs: Any):
        item = super().__new__(cls, *args, **kwargs)
        return item if _without_control(item) else tuple.__new__(cls, [_printable_value(value) for value in item])

    @classmethod
    def _make(cls, iterable: Any):
        # The NamedTuple's `_make` skips __new__.
        return cls(*iterable)

    def _replace(self, /, **changes: Any):
        # The fields kept were cleaned when `self` was made: only the changed ones are looked at.
        values = [_printable_value(changes.pop(name)) if name in changes else value
                  for name, value in zip(self._fields, self)]
        if changes:
            raise ValueError(f"Got unexpected field names: {list(changes)!r}")
        return tuple.__new__(type(self), values)


class _RecommendationFields(NamedTuple):
    rank: int
    kind: str
    action: str
    name: str
    rule: str
    why: str
    sources: list[str]
    phone: Optional[str] = None  # French display format: "15", "05 61 77 74 47"
    service_id: Optional[str] = None
    distance_km: Optional[float] = None
    open_now: Optional[bool] = None
    # Extensions to the contract (documented in the README).
    address: Optional[str] = None
    commune_name: Optional[str] = None
    hours: Optional[str] = None  # "ouvert, ferme à 18h" / "fermé, ouvre lundi à 8h" / "horaires à vérifier"
    advice: list[str] = ()  # "appelez le 15 avant de vous déplacer", ...
    service_sources: list[str] = ()  # where the directory entry comes from
    verified: Optional[str] = None  # ISO date the entry was last checked
    to_verify: bool = False  # unknown or stale data: shown as "à vérifier"
    source_date: Optional[str] = None  # ISO date of the source an entry was taken from ("source du …")
    # Internal, not in the JSON: the why shown outside the directory's area (rules' `why_outside_area`).
    why_outside_area: Optional[str] = None


class Recommendation(_Printable, _RecommendationFields):
    __slots__ = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "kind": self.kind,
            "action": self.action,
            "name": self.name,
            "phone": self.phone,
            "service_id": self.service_id,
            "distance_km": self.distance_km,
            "open_now": self.open_now,
            "rule": self.rule,
            "why": self.why,
            "sources": list(self.sources),
            "address": self.address,
            "commune_name": self.commune_name,
            "hours": self.hours,
            "advice": list(self.advice),
            "service_sources": list(self.service_sources),
            "verified": self.verified,
            "to_verify": self.to_verify,
            "source_date": self.source_date,
        }


class CommuneRef(NamedTuple):
    code: str
    name: str
    lat: float
    lon: float
    dept: Optional[str] = None

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "lat": self.lat, "lon": self.lon, "dept": self.dept}


class _TraceStepFields(NamedTuple):
    rule: str
    title: str
    facts: dict[str, Any]
    period: str
    sources: list[str]
    note: Optional[str] = None


class TraceStep(_Printable, _TraceStepFields):
    """One rule that fired, on which facts; becomes the "pourquoi ?"."""

    __slots__ = ()

    def to_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "title": self.title, "facts": dict(self.facts), "period": self.period,
                "sources": list(self.sources), "note": self.note}


class Answer(NamedTuple):
    at: datetime
    period: str
    commune: Optional[CommuneRef]
    missing: list[str]
    recommendations: list[Recommendation]
    warnings: list[str] = ()  # orient() gives a list of its own (commands add to it)
    trace: list[TraceStep] = ()
    # A vital emergency: the engine fired an exclusive rule (the 15, or the 114, first). Read by the
    # UI and the CLI; not in to_json(), which stays the contract's answer.
    emergency: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "period": self.period,
            "commune": self.commune.to_json() if self.commune else None,
            "missing": list(self.missing),
            "recommendations": [r.to_json() for r in self.recommendations],
            "warnings": list(self.warnings),
            "trace": [t.to_json() for t in self.trace],
        }
