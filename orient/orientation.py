"""One orientation: situation -> rules -> directory -> ranked answer.

`orient()` is the single call behind `orient ask`, the counter UI, the handout
and the benchmark. It never imports Textual.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Mapping, NamedTuple, Optional

from orient import paths
from orient.answer import Answer, CommuneRef, Recommendation
from orient.directory import Placed, Service
from orient.directory.gazetteer import Commune, Gazetteer, default_gazetteer
from orient.directory.geo import haversine_km
from orient.directory.fixed import checked_at_load
from orient.directory.phones import format_phone
from orient.engine.evaluate import evaluate
from orient.engine.model import Evaluation, Outcome
from orient.periods import classify
from orient.vocabulary import KIND_NAMES, STALE_AFTER_DAYS, to_paris, wall_clock

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
# ... or say in words that none is known (never a line that silently vanishes). Each of these
# becomes an `info` line; `orient check` warns on a selector with neither a place nor a text.
NO_PLACE_TEXT = {
    "cmp": "Aucun CMP n'est répertorié ici : le médecin traitant, ou le standard du Centre hospitalier "
           "du Gers, indique le centre médico-psychologique (CMP) de votre secteur.",
    "msp": "Aucune maison de santé avec des créneaux sans rendez-vous n'est répertoriée ici : "
           "le 15 (service d'accès aux soins) trouve une réponse si aucun médecin ne peut vous recevoir.",
    "centre_sante": "Aucun centre de santé joignable n'est répertorié près de ce lieu.",
    "urgences": "Aucun service d'urgences n'est répertorié près de ce lieu : le 15 décide où aller.",
}
# ... or, when the patient's place is not known (no commune, or one not found: it may be far away or
# abroad), what to say instead of a place that would only be the first of the file, not the nearest.
NO_COMMUNE_TEXT = {
    "urgences": "Lieu non précisé : aucun service d'urgences n'est indiqué, le 15 décide où aller et envoie "
                "les secours si besoin.",
}
# A service of the directory offered outside its area only this close to the patient: a
# border commune (Landes, Hautes-Pyrénées, Lot-et-Garonne…) keeps the Gers services a short drive
# away, never one at the other end of the country (docs/directory-format.md, "Area").
LOCAL_REACH_KM = 30.0
# Départements of the ex-Midi-Pyrénées where the 3966 exists (facts.md: "Where the 3966 applies");
# its hours are known for the Gers only.
PDSA_3966_DEPTS = frozenset({"09", "12", "31", "32", "46", "65", "81", "82"})
OUT_OF_AREA_3966 = ("Les horaires du 3966 ne sont connus que pour le Gers : s'il ne répond pas, "
                    "appelez le 116 117 ou le 15.")
# The national duty-doctor line's why where it replaces the 3966 (outside its départements).
NATIONAL_WHY = {
    "duty_doctor_116117": "Hors des heures des cabinets, le 116 117 (numéro national de la garde médicale) "
                          "vous oriente vers le médecin de garde ; en cas de doute, le 15.",
}
# NO_PLACE_TEXT outside the directory's area, where it names the area's own services.
NO_PLACE_TEXT_OUTSIDE_AREA = {
    "cmp": "Aucun CMP n'est répertorié ici : le médecin traitant indique le centre médico-psychologique "
           "(CMP) de votre secteur.",
}
# The doctors' duty lines read their hours as the doctors' duty rules (`pdsa: true` in rules/)
# see the period: a bridge day is a holiday for them.
NATIONAL_116117_ID = "garde-116117"
PDSA_KINDS = frozenset({"pdsa_3966", "duty_doctor_116117", "sos_medecins"})
# The patient's own practitioner: the number is the patient's, not the directory's.
OWN_PRACTITIONER = ("gp", "dentiste")
NO_PHONE_ADVICE = "Adresse et horaires à confirmer : pas de numéro connu."
CLOSING_SOON = timedelta(minutes=30)
# What to do once a line or place closes, by kind (closing-soon advice).
AFTER_CLOSING = {
    "pdsa_3966": "appelez le 15",
    "pharmacie": "la pharmacie de garde (3237.fr, gratuit)",
    "centre_sante": "le 3966 le soir, ou le 15",
    "msp": "le 3966 le soir, ou le 15",
}
DO_NOT_GO = "Ne vous y rendez pas par vos propres moyens : le 15 décide."
CALL_15_FIRST = "Appelez le 15 avant de vous déplacer."
# A line to call that the directory says is closed at this moment (the rules and the hours
# disagree, e.g. the 3966 on a bridge day): never the only way out.
CLOSED_NOW_CALL_15 = "Indiqué fermé à cette heure : s'il ne répond pas, appelez le 15."


class Knowledge(NamedTuple):
    """Rules, directory and gazetteer, loaded once per process."""

    rules: RuleSet
    directory: Directory
    gazetteer: Gazetteer
    bridge_days: bool = True

    @classmethod
    def load(cls, rules_dir: Optional[Path] = None, directory_dir: Optional[Path] = None,
             *, bridge_days: bool = True, database: Optional[str] = None, store: bool = True) -> "Knowledge":
        """The rules and directory of these folders (default: the embedded ones), read from
        the store compiled from them when their files did not change (orient.cache), else
        from the YAML; or from the shared server `database` / $ORIENT_DATABASE_URL.
        `store=False`: read and checked from the YAML alone (no store, no server)."""
        from orient.cache import build_parts, load_knowledge_parts

        gazetteer = default_gazetteer()
        rules_dir = Path(rules_dir) if rules_dir else paths.rules_dir()
        directory_dir = Path(directory_dir) if directory_dir else paths.directory_dir()
        if store:
            rules, directory = load_knowledge_parts(rules_dir, directory_dir, gazetteer, database=database)
        else:
            rules, directory = build_parts(rules_dir, directory_dir, gazetteer)
        return cls(rules=rules, directory=directory, gazetteer=gazetteer, bridge_days=bridge_days)


def orient(knowledge: Knowledge, facts: Mapping[str, object], at: datetime,
           commune: Optional[Commune] = None, *, desk_dept: Optional[str] = None) -> Answer:
    """`desk_dept`: without a commune, the département of the desk the patient is taken to be at (a
    counter's `--home-dept`): its clock, and whether it is in the directory's area. A commune wins."""
    at = to_paris(at)
    # The rules see the patient's own clock (overseas: not Paris's); hours and the answer keep `at`.
    dept = commune.dept if commune is not None else desk_dept
    local = wall_clock(at, dept) if dept else None
    clock = local or at
    period = classify(clock, bridge_days=knowledge.bridge_days)
    evaluation = _evaluate(knowledge, facts, period, clock)
    warnings: list[str] = []
    area = _AreaView(knowledge, commune, dept)
    if area.outside:
        warnings.append(area.warning())
    if local is not None:
        where = f"à {commune.name}" if commune is not None else f"du département {dept}"
        warnings.append(f"Heure locale {where} : {_hour(local)} ({_hour(at)} à Paris) : "
                        "la réponse suit l'heure locale.")
    recommendations: list[Recommendation] = []
    seen: set[tuple[str, str]] = set()
    for outcome in evaluation.outcomes:
        for rec in area.adapt(_resolve(knowledge, outcome, at, commune, warnings), at):
            # The same service from two rules (or a selector and its fallback): keep the first, higher ranked.
            key = ("service", rec.service_id) if rec.service_id else (rec.kind, rec.name)
            if key in seen:
                continue
            seen.add(key)
            recommendations.append(rec)
    _first_actionable(recommendations)
    recommendations = [rec._replace(rank=rank) for rank, rec in enumerate(recommendations, start=1)]
    notice = getattr(knowledge.directory, "notice", None)  # e.g. the shared server lost: a local copy
    if notice:
        warnings.append(notice)
    return Answer(
        at=at,
        period=period,
        commune=_commune_ref(commune),
        missing=list(evaluation.missing),
        recommendations=recommendations,
        warnings=warnings,
        trace=list(evaluation.trace),
        emergency=evaluation.emergency,
    )


def _hour(moment: datetime) -> str:
    return f"{moment.hour}h{moment.minute:02d}"


def _evaluate(knowledge: Knowledge, facts: Mapping[str, object], period: str, at: datetime) -> Evaluation:
    """The rules at this moment. On a bridge day only the doctors' duty (PDSA) rules see the
    holiday period: pharmacies, dentists and centres keep their ordinary day (issue 9)."""
    return evaluate(knowledge.rules, facts, classify(at, bridge_days=False), at, pdsa_period=period)


class _AreaView:
    """Where the patient is, seen from the directory's area (`directory/area.yaml`)."""

    def __init__(self, knowledge: Knowledge, commune: Optional[Commune], dept: Optional[str] = None):
        area = knowledge.directory.area
        self.knowledge = knowledge
        self.commune = commune
        self.area = area
        self.dept = commune.dept if commune is not None else dept  # no commune: the desk's département
        self.outside = bool(area) and self.dept is not None and self.dept not in area

    def warning(self) -> str:
        c = self.commune
        known = ", ".join(sorted(self.area))
        if c is None:  # a desk outside the area, no commune typed: nothing local can be placed
            return (f"Poste hors du territoire de l'annuaire (département {self.dept}, l'annuaire connaît le "
                    f"département {known}) et commune non précisée : seuls les numéros nationaux sont donnés. "
                    f"Donnez la commune du patient pour les services à moins de {LOCAL_REACH_KM:.0f} km.")
        return (f"Lieu hors du territoire de l'annuaire : {c.name} ({c.dept}), alors que l'annuaire connaît "
                f"le département {known}. Vérifiez le lieu. Les services locaux n'y sont pas connus : "
                f"seuls les numéros nationaux et les services à moins de {LOCAL_REACH_KM:.0f} km sont donnés.")

    def adapt(self, recs: list[Recommendation], at: datetime) -> list[Recommendation]:
        if not self.outside:
            return recs
        out = []
        for rec in recs:
            if rec.distance_km is not None:
                if rec.distance_km > LOCAL_REACH_KM:
                    continue  # a place the patient cannot reasonably reach
                out.append(rec)  # a Gers service within reach: its Gers texts are right
                continue
            if self.commune is None and rec.commune_name:
                continue  # a place in the area, the patient's own unknown: it may be 6,000 km away
            if rec.why_outside_area is not None:  # the rules say what holds outside the area
                rec = rec._replace(why=rec.why_outside_area)
            if rec.kind == "pdsa_3966":
                if self.dept not in PDSA_3966_DEPTS:
                    rec = _national_116117(self.knowledge, rec, at)
                else:
                    rec.advice.insert(0, OUT_OF_AREA_3966)
            out.append(rec)
        return out


def _national_116117(knowledge: Knowledge, rec: Recommendation, at: datetime) -> Recommendation:
    """Outside the 3966's départements, the national duty-doctor line instead: the 116 117's own
    entry (its hours, sources and freshness), never the 3966's carried over."""
    advice = [a for a in rec.advice if "3966" not in a and a != CLOSED_NOW_CALL_15]
    service = knowledge.directory.get(NATIONAL_116117_ID)
    if service is None or not service.phones:  # a directory without it: the number, "à vérifier"
        return rec._replace(kind="duty_doctor_116117", name="116 117 – médecin de garde (numéro national)",
                            phone="116 117", service_id=None, why=NATIONAL_WHY["duty_doctor_116117"],
                            hours="horaires à vérifier", open_now=None, advice=advice, service_sources=[],
                            verified=None, to_verify=True, source_date=None)
    placed = _unplaced(knowledge, service, at)
    if placed.status.open is False:
        advice.insert(0, CLOSED_NOW_CALL_15)
    return rec._replace(kind="duty_doctor_116117", name=service.name, phone=format_phone(service.phones[0]),
                        service_id=service.id, why=NATIONAL_WHY["duty_doctor_116117"], hours=placed.status.label,
                        open_now=placed.status.open, advice=advice, service_sources=list(service.sources),
                        verified=service.verified.isoformat() if service.verified else None,
                        to_verify=_to_verify(service, placed, at.date()),
                        source_date=service.source_date.isoformat() if service.source_date else None)


def actionable(rec: Recommendation) -> bool:
    """Something the patient can do: a number to dial, a place to find, or their own doctor."""
    if rec.action in ("call", "sms"):
        return bool(rec.phone) or rec.kind in OWN_PRACTITIONER
    if rec.action == "go":
        return bool(rec.address or rec.commune_name)
    return False


def _nearest_pharmacy(rec: Recommendation) -> bool:
    """The pharmacy line while the directory has no pharmacies: the nearest one, found by
    the patient (3237.fr) — the answer itself, though no number is known."""
    return rec.kind == "pharmacie" and NO_PLACE_ADVICE["pharmacie"] in rec.advice


def _first_actionable(recs: list[Recommendation]) -> None:
    """Rank 1 is always something to do: the first actionable line moves up when an
    information line came first (never the deaf relay, whose first line says how to call)."""
    if not recs or actionable(recs[0]) or (recs[0].kind == "sms_114" and recs[0].phone) or _nearest_pharmacy(recs[0]):
        return
    for i, rec in enumerate(recs):
        if actionable(rec):
            recs.insert(0, recs.pop(i))
            return


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
        return [_from_service(knowledge, outcome, _unplaced(knowledge, service, at, commune), at)]
    if outcome.select is None:  # e.g. the patient's own GP: no directory entry
        return [_bare(outcome)]

    selector = outcome.select
    near = (commune.lat, commune.lon) if commune else None
    if near is None and selector.kind in NO_COMMUNE_TEXT:
        return [_bare(outcome)._replace(action="info", why=NO_COMMUNE_TEXT[selector.kind])]
    if selector.kind == "pharmacie_garde":
        placed = directory.on_duty_pharmacies(commune.code if commune else None, at)[: selector.limit]
    else:
        placed = directory.select(selector.kind, near=near, at=at, capabilities=selector.capabilities,
                                  limit=selector.limit, bridge_days=_bridge_days(knowledge, selector.kind))
        if selector.open_now:
            placed = [p for p in placed if p.status.open is not False]
    if placed:
        return [_from_service(knowledge, outcome, p, at) for p in placed]

    if selector.kind in NO_PLACE_ADVICE:
        bare = _bare(outcome)
        if bare.action == "call":
            bare = bare._replace(action="info")  # no number to dial: say where to find one
        bare.advice.append(NO_PLACE_ADVICE[selector.kind])
        return [bare]
    fallback_id = FALLBACK_SERVICE.get(selector.kind)
    fallback = directory.get(fallback_id) if fallback_id else None
    if fallback is not None:
        return [_from_service(knowledge, outcome, _unplaced(knowledge, fallback, at), at, action="call")]
    if selector.kind in NO_PLACE_TEXT:
        return [_bare(outcome)._replace(action="info", why=NO_PLACE_TEXT[selector.kind],
                                        why_outside_area=NO_PLACE_TEXT_OUTSIDE_AREA.get(selector.kind))]
    return []


def _unplaced(knowledge: Knowledge, service: Service, at: datetime, commune: Optional[Commune] = None) -> Placed:
    """A fixed service: its hours at the moment; a distance only when it is a place (the CHS)."""
    distance = None
    if commune is not None and service.located:
        distance = round(haversine_km(commune.lat, commune.lon, service.lat, service.lon), 1)
    return Placed(service, distance, knowledge.directory.status(service, at,
                                                                bridge_days=_bridge_days(knowledge, service.kind)))


def _bridge_days(knowledge: Knowledge, kind: str) -> bool:
    """Bridge days (R6315-1) are about doctors' duty: a pharmacy's, a dentist's or a centre's
    hours are its own `opening_hours`, never turned into public-holiday hours."""
    return knowledge.bridge_days and kind in PDSA_KINDS


def _bare(outcome: Outcome) -> Recommendation:
    return Recommendation(
        rank=0, kind=outcome.kind, action=outcome.action, name=outcome.name or _kind_name(outcome.kind), rule=outcome.rule,
        why=outcome.why, sources=list(outcome.sources), advice=list(outcome.advice),
        why_outside_area=outcome.why_outside_area,
    )


def _from_service(knowledge: Knowledge, outcome: Outcome, placed: Placed, at: datetime,
                  action: Optional[str] = None) -> Recommendation:
    service: Service = placed.service
    commune = knowledge.gazetteer.get(service.commune) if service.commune else None
    advice = list(outcome.advice)
    action = action or outcome.action
    if ("regulated_by_15" in service.capabilities or service.kind == "urgences") and CALL_15_FIRST not in advice:
        advice.insert(0, CALL_15_FIRST)
    if action in ("call", "sms") and placed.status.open is False:
        advice.insert(0, CLOSED_NOW_CALL_15)
    if action == "call" and not service.phones:
        action = "info"  # never "Appeler" without a number
        advice.insert(0, NO_PHONE_ADVICE)
    closing = _closing_soon(outcome.kind, placed, at)
    if closing:
        advice.insert(0, closing)
    return Recommendation(
        rank=0,
        kind=outcome.kind,
        action=action,
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
        source_date=service.source_date.isoformat() if service.source_date else None,
        why_outside_area=outcome.why_outside_area,
    )


def _closing_soon(kind: str, placed: Placed, at: datetime) -> Optional[str]:
    """Within 30 minutes of closing, what to do after: "Ferme bientôt (à minuit) : ensuite, appelez le 15."."""
    status = placed.status
    if status.open is not True or status.next_change is None:
        return None
    if status.next_change - at > CLOSING_SOON:
        return None
    after = AFTER_CLOSING.get(kind, "le 15")
    when = status.label.removeprefix("ouvert, ferme ").strip()
    return f"Ferme bientôt ({when}) : ensuite, {after}."


def _to_verify(service: Service, placed: Placed, today: date) -> bool:
    if service.verified is None:
        # Never checked with the service; but a fixed number's phone and hours are checked against
        # facts.md at every load (orient/directory/fixed.py): the 15 is not "à vérifier".
        stale = not checked_at_load(service.id, service.opening_hours)
    else:  # a recorded check ages, fixed number or not
        stale = (today - service.verified).days > STALE_AFTER_DAYS
    return stale or placed.status.open is None or not service.phones


def _kind_name(kind: str) -> str:
    return KIND_NAMES.get(kind, kind)


def selectors_without_answer(rules: "RuleSet", directory: "Directory") -> list:
    """`orient check`: a rule's selector that no directory entry can ever satisfy (kind and
    capabilities) and that has no text for "none found" — that line would silently vanish."""
    from orient.problems import Problem

    problems = []
    for rule in rules.rules:
        for rec in rule.recommendations:
            selector = rec.select
            if selector is None:
                continue
            wanted = frozenset(selector.capabilities)
            if any(wanted <= s.capabilities for s in directory.of_kind(selector.kind)):
                continue
            if selector.kind in NO_PLACE_ADVICE or selector.kind in NO_PLACE_TEXT or selector.kind in FALLBACK_SERVICE:
                continue
            caps = f" with {', '.join(sorted(wanted))}" if wanted else ""
            problems.append(Problem(rule.path, rec.line, (
                f"rule '{rule.id}': no directory entry of kind '{selector.kind}'{caps} and no text for when "
                f"none is found: the line would vanish from every answer (add entries, or a NO_PLACE_TEXT "
                f"in orient/orientation.py)"), "warning"))
    return problems
