"""The directory's plain data: services, their opening status, a placed service.

The vocabularies (kinds, capabilities, precisions) are closed lists: the loader
and `orient check` refuse anything else and name the valid values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Optional

# The contract's service kinds (../shared/docs/contract.md), in its order.
CONTRACT_KINDS: dict[str, str] = {
    "emergency_15": "SAMU – Centre 15",
    "emergency_112": "numéro d'urgence européen",
    "sms_114": "urgence par SMS, visio ou tchat (personnes sourdes ou ne pouvant pas parler)",
    "suicide_3114": "numéro national de prévention du suicide",
    "pdsa_3966": "permanence des soins Occitanie (Allô docteur)",
    "duty_doctor_116117": "numéro national du médecin de garde",
    "sas": "service d'accès aux soins",
    "gp": "médecin traitant",
    "centre_sante": "centre de santé, centre territorial de santé et ses antennes",
    "msp": "maison de santé pluriprofessionnelle",
    "urgences": "service d'urgences d'un hôpital",
    "pharmacie": "pharmacie aux heures d'ouverture",
    "pharmacie_garde": "pharmacie de garde, ou le 3237 quand le tour de garde est inconnu",
    "antipoison": "centre antipoison",
    "dentiste_garde": "urgences dentaires",
    "cmp": "centre médico-psychologique",
    "cpam": "Assurance Maladie",
    "teleconsultation": "téléconsultation",
}

# Kinds added by the directory (a compatible extension of the contract): places a
# counter agent must be able to find by name, which no rule selects by kind.
EXTRA_KINDS: dict[str, str] = {
    "hopital": "hôpital sans service d'urgences (ex-hôpital local, hôpital psychiatrique)",
    "planning_familial": "centre de planification et d'éducation familiale",
    "sos_medecins": "SOS Médecins",
    "cpts": "communauté professionnelle territoriale de santé (organisation, pas un lieu de soins)",
}

KINDS: dict[str, str] = {**CONTRACT_KINDS, **EXTRA_KINDS}

# What a service offers, beyond its kind. Closed list; French text for screens.
CAPABILITIES: dict[str, str] = {
    "no_gp_priority": "reçoit en priorité les patients sans médecin traitant",
    "regulated_by_15": "accès régulé : appelez le 15 avant de vous déplacer",
    "walk_in": "sans rendez-vous",
    "unscheduled_slots": "créneaux de soins non programmés",
    "home_visits": "visites à domicile",
    "teleconsultation": "téléconsultation",
    "24_7": "24h/24, 7j/7",
    "sms": "joignable par SMS",
    "video_call": "joignable en visio",
    "chat": "joignable par tchat",
    "premium_rate": "appel payant (surtaxé)",
    "smur": "SMUR (équipe mobile d'urgence)",
    "psychiatry": "psychiatrie",
    "new_patients": "peut devenir médecin traitant",
}

PRECISIONS = ("address", "commune")


@dataclass(frozen=True)
class Service:
    id: str
    name: str
    kind: str
    commune: Optional[str]  # INSEE code
    address: Optional[str]
    lat: Optional[float]
    lon: Optional[float]
    precision: Optional[str]  # "address" | "commune" | None
    phones: tuple[str, ...]  # E.164 ("+33561777447") or short numbers ("15", "116117")
    opening_hours: Optional[str]  # OSM syntax; None = unknown
    walk_in_hours: Optional[str]
    capabilities: frozenset[str]
    sources: tuple[str, ...]
    verified: Optional[date]
    note: Optional[str]
    path: str
    line: int
    url: Optional[str] = None
    source_date: Optional[date] = None  # date of the source the entry was taken from (not a check)

    @property
    def located(self) -> bool:
        return self.lat is not None and self.lon is not None


@dataclass(frozen=True)
class HoursStatus:
    open: Optional[bool]  # None = unknown
    label: str  # "ouvert, ferme à 18h", "fermé, ouvre lundi à 8h", "horaires à vérifier", "ouvert 24h/24"
    next_change: Optional[datetime]


@dataclass(frozen=True)
class Placed:
    service: Service
    distance_km: Optional[float]
    status: HoursStatus
