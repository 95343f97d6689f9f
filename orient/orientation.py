"""One orientation: situation -> rules -> directory -> ranked answer.

`orient()` is the single call behind `orient ask`, the counter UI, the handout
and the benchmark. It never imports Textual.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Mapping, Optional

from orient import paths
from orient.answer import Answer, CommuneRef, Recommendation
from orient.directory import Placed, Service
from orient.directory.gazetteer import Commune, Gazetteer, default_gazetteer
from orient.directory.phones import format_phone
from orient.engine.evaluate import evaluate
from orient.engine.model import Outcome
from orient.periods import PARIS, classify

if TYPE_CHECKING:  # the loaders (YAML) are imported only when the cache cannot answer
    from orient.directory import Directory
    from orient.engine import RuleSet

# When the directory has no place of a kind, the line that finds one.
FALLBACK_SERVICE = {"pharmacie_garde": "resogardes-3237"}
# ... or, in opening hours, what to tell instead of a place (never the paid duty line by day).
NO_PLACE_ADVICE = {
    "pharmacie": "Les pharmacies ne sont pas encore dans l'annuaire : la plus proche, "
                 "ou le site 3237.fr (gratuit) pour en trouver une.",
}
STALE_AFTER_DAYS = 365
CALL_15_FIRST = "Appelez le 15 avant de vous déplacer."
# A line to call that the directory says is closed at this moment (the rules and the hours
# disagree, e.g. the 3966 on a bridge day): never the only way out.
CLOSED_NOW_CALL_15 = "Indiqué fermé à cette heure : s'il ne répond pas, appelez le 15."


@dataclass
class Knowledge:
    """Rules, directory and gazetteer, loaded once per process."""

    rules: RuleSet
    directory: Directory
    gazetteer: Gazetteer
    bridge_days: bool = True

    @classmethod
    def load(cls, rules_dir: Optional[Path] = None, directory_dir: Optional[Path] = None,
             *, bridge_days: bool = True) -> "Knowledge":
        """The rules and directory of these folders (default: the embedded ones), read from
        the load cache when their files did not change (orient.cache), else from the YAML."""
        from orient.cache import load_knowledge_parts

        gazetteer = default_gazetteer()
        rules, directory = load_knowledge_parts(
            Path(rules_dir) if rules_dir else paths.rules_dir(),
            Path(directory_dir) if directory_dir else paths.directory_dir(),
            gazetteer,
        )
        return cls(rules=rules, directory=directory, gazetteer=gazetteer, bridge_days=bridge_days)


def to_paris(at: datetime) -> datetime:
    return at.replace(tzinfo=PARIS) if at.tzinfo is None else at.astimezone(PARIS)


def orient(knowledge: Knowledge, facts: Mapping[str, object], at: datetime,
           commune: Optional[Commune] = None) -> Answer:
    at = to_paris(at)
    period = classify(at, bridge_days=knowledge.bridge_days)
    evaluation = evaluate(knowledge.rules, facts, period, at)
    warnings: list[str] = []
    recommendations: list[Recommendation] = []
    seen: set[tuple[str, str]] = set()
    for outcome in evaluation.outcomes:
        for rec in _resolve(knowledge, outcome, at, commune, warnings):
            # The same service from two rules (or a selector and its fallback): keep the first, higher ranked.
            key = ("service", rec.service_id) if rec.service_id else (rec.kind, rec.name)
            if key in seen:
                continue
            seen.add(key)
            recommendations.append(rec)
    for rank, rec in enumerate(recommendations, start=1):
        rec.rank = rank
    return Answer(
        at=at,
        period=period,
        commune=_commune_ref(commune),
        missing=list(evaluation.missing),
        recommendations=recommendations,
        warnings=warnings,
        trace=list(evaluation.trace),
    )


def _commune_ref(commune: Optional[Commune]) -> Optional[CommuneRef]:
    if commune is None:
        return None
    return CommuneRef(code=commune.code, name=commune.name, lat=commune.lat, lon=commune.lon, dept=commune.dept)


def _resolve(knowledge: Knowledge, outcome: Outcome, at: datetime, commune: Optional[Commune],
             warnings: list[str]) -> list[Recommendation]:
    """Turn what a rule wants into concrete services; never invent one."""
    directory = knowledge.directory
    if outcome.service_id:
        service = directory.get(outcome.service_id)
        if service is None:
            warnings.append(f"Service « {outcome.service_id} » absent de l'annuaire (règle {outcome.rule}).")
            return [_bare(outcome)]
        return [_from_service(knowledge, outcome, _unplaced(knowledge, service, at), at)]
    if outcome.select is None:  # e.g. the patient's own GP: no directory entry
        return [_bare(outcome)]

    selector = outcome.select
    near = (commune.lat, commune.lon) if commune else None
    if selector.kind == "pharmacie_garde":
        placed = directory.on_duty_pharmacies(commune.code if commune else None, at)[: selector.limit]
    else:
        placed = directory.select(selector.kind, near=near, at=at, capabilities=selector.capabilities,
                                  limit=selector.limit, bridge_days=knowledge.bridge_days)
        if selector.open_now:
            placed = [p for p in placed if p.status.open is not False]
    if placed:
        return [_from_service(knowledge, outcome, p, at) for p in placed]

    if selector.kind in NO_PLACE_ADVICE:
        bare = _bare(outcome)
        bare.advice.append(NO_PLACE_ADVICE[selector.kind])
        return [bare]
    fallback_id = FALLBACK_SERVICE.get(selector.kind)
    fallback = directory.get(fallback_id) if fallback_id else None
    if fallback is not None:
        return [_from_service(knowledge, outcome, _unplaced(knowledge, fallback, at), at, action="call")]
    return []


def _unplaced(knowledge: Knowledge, service: Service, at: datetime) -> Placed:
    """A line to call: no distance, its hours at the moment."""
    return Placed(service, None, knowledge.directory.status(service, at, bridge_days=knowledge.bridge_days))


def _bare(outcome: Outcome) -> Recommendation:
    return Recommendation(
        rank=0, kind=outcome.kind, action=outcome.action, name=_kind_name(outcome.kind), rule=outcome.rule,
        why=outcome.why, sources=list(outcome.sources), advice=list(outcome.advice),
    )


def _from_service(knowledge: Knowledge, outcome: Outcome, placed: Placed, at: datetime,
                  action: Optional[str] = None) -> Recommendation:
    service: Service = placed.service
    commune = knowledge.gazetteer.get(service.commune) if service.commune else None
    advice = list(outcome.advice)
    if "regulated_by_15" in service.capabilities and CALL_15_FIRST not in advice:
        advice.insert(0, CALL_15_FIRST)
    if (action or outcome.action) in ("call", "sms") and placed.status.open is False:
        advice.insert(0, CLOSED_NOW_CALL_15)
    return Recommendation(
        rank=0,
        kind=outcome.kind,
        action=action or outcome.action,
        name=service.name,
        rule=outcome.rule,
        why=outcome.why,
        sources=list(outcome.sources),
        service_sources=list(service.sources),
        phone=format_phone(service.phones[0]) if service.phones else None,
        service_id=service.id,
        distance_km=placed.distance_km,
        open_now=placed.status.open,
        address=service.address,
        commune_name=commune.name if commune else None,
        hours=placed.status.label,
        advice=advice,
        verified=service.verified.isoformat() if service.verified else None,
        to_verify=_to_verify(service, placed, at.date()),
    )


def _to_verify(service: Service, placed: Placed, today: date) -> bool:
    stale = service.verified is None or (today - service.verified).days > STALE_AFTER_DAYS
    return stale or placed.status.open is None or not service.phones


KIND_NAMES = {
    "gp": "Votre médecin traitant",
    "sas": "Service d'accès aux soins (SAS) par le 15",
    "pharmacie": "Une pharmacie ouverte",
    "pharmacie_garde": "La pharmacie de garde",
    "centre_sante": "Un centre de santé",
    "msp": "Une maison de santé",
    "cmp": "Un centre médico-psychologique (CMP)",
    "dentiste": "Votre dentiste habituel",
    "dentiste_garde": "Garde dentaire",
    "teleconsultation": "Une téléconsultation",
}


def _kind_name(kind: str) -> str:
    return KIND_NAMES.get(kind, kind)
