"""French wording shared by the text output, the UI and the handout."""

from __future__ import annotations

from datetime import datetime

from orient.vocabulary import PERIOD_LABELS  # noqa: F401 (the heading wording, re-exported)

# Rank-1 kinds that mean "vital emergency" when a red flag was reported (or is in doubt).
EMERGENCY_KINDS = frozenset({"emergency_15", "emergency_112", "sms_114", "suicide_3114"})

ACTION_VERBS = {"call": "Appeler", "sms": "Écrire (SMS, visio, tchat)", "go": "Aller à", "info": "À savoir"}

WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")


def french_moment(at: datetime) -> str:
    """'samedi 28 novembre 2026, 14h00'."""
    return f"{WEEKDAYS[at.weekday()]} {at.day} {MONTHS[at.month - 1]} {at.year}, {at.hour}h{at.minute:02d}"


def french_km(distance_km: float | None) -> str:
    if distance_km is None:
        return ""
    return f"{distance_km:.1f} km".replace(".", ",")


# Human titles of the source documents (../shared/seeds/README.md), for "Pourquoi ?" and the sheet.
SOURCE_TITLES = {
    "000_9b2cbc01bfa1af61.txt": "Synthèse CNR Santé, Auch 2022",
    "001_846b13afdb72a381.txt": "Département du Gers, Centre départemental de santé, 2021",
    "002_32aa825581a4170d.txt": "Presse régionale, déserts médicaux en Occitanie, 2023–2025",
    "003_7796c99b738dd133.txt": "Mission Dites 32, 2024",
    "004_71724a389badb80b.txt": "Synthèse CNR Santé Occitanie",
    "R6315-1 CSP": "Code de la santé publique, article R6315-1",
}


def source_title(source: str) -> str:
    """A source as a person reads it: '000_9b2cbc01bfa1af61.txt II' → 'Synthèse CNR Santé, Auch 2022 (II)';
    'facts.md: Numbers — hit-fm-radio (CH Auch 2022)' → 'hit-fm-radio (CH Auch 2022)'."""
    if source.startswith("facts.md:") and " — " in source:
        source = source.split(" — ", 1)[1]
    for name, title in SOURCE_TITLES.items():
        if source == name:
            return title
        if source.startswith(name):
            rest = source[len(name):].strip()
            if rest.startswith("(") and rest.endswith(")"):
                rest = rest[1:-1]
            return f"{title} ({rest})" if rest else title
    return source
