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
