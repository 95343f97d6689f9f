"""The contract's words, once: Paris time, the periods of care, the service kinds and capabilities
with their French labels, the settings' "off" values, and the dated parameters with their reference.

A base module: it imports nothing of orient, so every layer may use it (tests/test_layering.py).
"""

from datetime import date, datetime, timezone
from typing import NamedTuple
from zoneinfo import ZoneInfo

# --- Paris time -------------------------------------------------------------------------------

PARIS = ZoneInfo("Europe/Paris")


def to_paris(at: datetime) -> datetime:
    """An aware moment in Paris time; a naive one is read as Paris local time.

    A naive time in the spring-forward gap (02:30 on the last Sunday of March) is
    shifted forward (03:30); an ambiguous one (02:30 on the last Sunday of October)
    takes its first occurrence (summer time)."""
    try:
        if at.tzinfo is None or at.tzinfo.utcoffset(at) is None:
            local = at.replace(tzinfo=PARIS, fold=0)
            return local.astimezone(timezone.utc).astimezone(PARIS)
        return at.astimezone(PARIS)
    except OverflowError:  # the first or last representable moments: keep the wall time
        return at.replace(tzinfo=PARIS)


# Overseas départements keep their own clocks: there the period of care is read on the patient's
# wall clock, not on Paris's (4 am in Guadeloupe is 9 am in Paris: no GP's office is open).
OVERSEAS_ZONES = {"971": ZoneInfo("America/Guadeloupe"), "972": ZoneInfo("America/Martinique"),
                  "973": ZoneInfo("America/Cayenne"), "974": ZoneInfo("Indian/Reunion"),
                  "976": ZoneInfo("Indian/Mayotte")}


def wall_clock(at: datetime, dept: str) -> datetime | None:
    """The patient's wall clock in an overseas département, as the Paris-time moment that shows
    the same day and hour (what `orient.periods.classify` and the rules' texts read); None where
    the clock is Paris's. (A wall time in Paris's spring gap moves one hour on, as any naive one.)"""
    zone = OVERSEAS_ZONES.get(dept)
    if zone is None:
        return None
    return to_paris(at.astimezone(zone).replace(tzinfo=None))


def from_wall_clock(shown: datetime, dept: str) -> datetime:
    """The moment (Paris time) at which an overseas département's wall clock shows the day and hour of
    `shown` (as `wall_clock` gives it): an hour typed at a desk there. Unchanged where the clock is Paris's."""
    zone = OVERSEAS_ZONES.get(dept)
    if zone is None:
        return shown
    return to_paris(shown.replace(tzinfo=None).replace(tzinfo=zone))


# --- periods of care (contract; R6315-1 CSP) ------------------------------------------------

PERIODS = ("weekday_day", "saturday_morning", "pdsa_evening", "pdsa_night", "pdsa_weekend", "pdsa_holiday")

# Three wordings, one per place a period is shown:
# the answer's heading (text output, counter UI)
PERIOD_LABELS = {
    "weekday_day": "en semaine, en journée (cabinets ouverts)",
    "saturday_morning": "samedi matin",
    "pdsa_evening": "en soirée (permanence des soins)",
    "pdsa_night": "en nuit profonde (après minuit)",
    "pdsa_weekend": "le week-end (permanence des soins)",
    "pdsa_holiday": "jour férié ou pont (permanence des soins)",
}

# the same, short: the counter's situation line at 80 columns (with a département shown)
PERIOD_SHORT_LABELS = {
    "weekday_day": "semaine, journée",
    "saturday_morning": "samedi matin",
    "pdsa_evening": "soirée (garde)",
    "pdsa_night": "nuit (après minuit)",
    "pdsa_weekend": "week-end (garde)",
    "pdsa_holiday": "férié ou pont (garde)",
}

# the rules' {moment} placeholder, when no better name (Dimanche, a holiday's name) applies
PERIOD_MOMENTS = {
    "weekday_day": "En semaine, en journée",
    "saturday_morning": "Samedi matin",
    "pdsa_evening": "Ce soir",
    "pdsa_night": "Cette nuit",
    "pdsa_weekend": "Ce week-end",
    "pdsa_holiday": "Jour férié",
}

# `orient stats`, with the hours each period covers
PERIOD_HOURS = {
    "weekday_day": "semaine, journée (8h-20h)",
    "saturday_morning": "samedi matin (8h-12h)",
    "pdsa_evening": "soirée (20h-24h)",
    "pdsa_night": "nuit (0h-8h)",
    "pdsa_weekend": "week-end (samedi 12h-20h, dimanche 8h-20h)",
    "pdsa_holiday": "jour férié ou pont (8h-20h)",
}

assert set(PERIOD_LABELS) == set(PERIOD_SHORT_LABELS) == set(PERIOD_MOMENTS) == set(PERIOD_HOURS) == set(PERIODS)

# --- service kinds and capabilities ---------------------------------------------------------

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

# The kinds a rule may give: the contract's, and the patient's usual dentist ("dentiste", like "gp"
# for the médecin traitant: no directory entry).
RULE_KINDS = (*CONTRACT_KINDS, "dentiste")

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

# Short names of the kinds, for the counts of `orient stats`.
KIND_LABELS = {
    "emergency_15": "SAMU - Centre 15",
    "emergency_112": "112, numéro d'urgence européen",
    "sms_114": "114, urgence par SMS ou visio",
    "suicide_3114": "3114, prévention du suicide",
    "pdsa_3966": "3966, médecin de garde (Allô docteur)",
    "duty_doctor_116117": "116 117, médecin de garde",
    "sas": "service d'accès aux soins (SAS)",
    "gp": "médecin traitant",
    "centre_sante": "centre de santé",
    "msp": "maison de santé (MSP)",
    "urgences": "service d'urgences",
    "pharmacie": "pharmacie",
    "pharmacie_garde": "pharmacie de garde",
    "antipoison": "centre antipoison",
    "dentiste_garde": "dentiste de garde",
    "cmp": "centre médico-psychologique (CMP)",
    "cpam": "Assurance Maladie (CPAM)",
    "teleconsultation": "téléconsultation",
}

# What a recommendation is called when it names no particular service.
KIND_NAMES = {
    "gp": "Votre médecin traitant",
    "sas": "Service d'accès aux soins (SAS) par le 15",
    "pharmacie": "Une pharmacie ouverte",
    "pharmacie_garde": "La pharmacie de garde",
    "centre_sante": "Un centre de santé",
    "msp": "Une maison de santé",
    "urgences": "Un service d'urgences",
    "cmp": "Un centre médico-psychologique (CMP)",
    "dentiste": "Votre dentiste habituel",
    "dentiste_garde": "Pas de garde dentaire connue",
    "teleconsultation": "Une téléconsultation",
}

# --- settings and data age --------------------------------------------------------------------

# What turns a setting off (ORIENT_JOURNAL, ORIENT_CACHE): "ORIENT_CACHE=off".
OFF_VALUES = frozenset({"off", "0", "no", "false", "non", "none", "disabled"})
# A directory entry checked longer ago than this is shown "à vérifier".
STALE_AFTER_DAYS = 365

# --- dated parameters --------------------------------------------------------------------------


class DutyFees(NamedTuple):
    """The pharmacy duty fee per prescription, by time of day (the rules' {fee} placeholder)."""

    night: str  # 0h–6h
    evening_and_early: str  # 20h–24h and 6h–8h
    sunday_and_holiday: str  # Sundays and public holidays, 8h–20h
    other: str  # any other moment
    reference: str
    dated: date  # the date of the arrêté


DUTY_FEES = DutyFees(
    night="20 €", evening_and_early="10 €", sunday_and_holiday="6 €", other="2 €",
    reference="avenant 1 à la convention pharmaceutique 2022, arrêté du 5 juillet 2024 "
              "(../shared/docs/facts.md, Pharmacies)",
    dated=date(2024, 7, 5),
)
