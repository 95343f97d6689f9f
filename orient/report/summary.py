"""What the report counts from the journal (orient/journal.py), and the directory's freshness."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Optional

from orient.commands.stats import _range
from orient.vocabulary import PERIODS, STALE_AFTER_DAYS

# Needs a local place answers; for the others (poisoning) a phone line is the right answer.
LOCAL_NEEDS = ("consult", "find_gp", "dental", "mental_health", "medication", "minor_care")
# Kinds that name a local place; pharmacie_garde is the 3237 as often as a pharmacy of the rota,
# and the journal keeps kinds, not services: it is counted with the phone lines.
LOCAL_KINDS = ("centre_sante", "msp", "urgences", "pharmacie", "cmp", "hopital", "planning_familial")
EMERGENCY_KINDS = ("emergency_15", "sms_114", "emergency_112", "suicide_3114", "antipoison")
# What is missing when nothing local came for a need.
MISSING_SERVICE = {
    "consult": "pas de médecin ni de centre joignable sur place",
    "find_gp": "pas de médecin traitant disponible",
    "dental": "pas de dentiste de garde connu",
    "mental_health": "pas de CMP connu",
    "medication": "pas de pharmacie connue",
    "minor_care": "pas de pharmacie connue",
}


@dataclass
class JournalSummary:
    total: int = 0
    by_period: dict[str, int] = field(default_factory=dict)
    by_hour: dict[int, int] = field(default_factory=dict)  # 0..23, Paris time
    by_need: dict[Optional[str], int] = field(default_factory=dict)
    no_local_by_need: dict[str, int] = field(default_factory=dict)
    no_local_by_commune: dict[str, int] = field(default_factory=dict)
    by_commune: dict[str, int] = field(default_factory=dict)


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"  # fixed identifiers of this module, not input


NO_LOCAL = (
    f"json_extract(facts, '$.need') IN {_in(LOCAL_NEEDS)} "
    f"AND coalesce(first_kind, '') NOT IN {_in(EMERGENCY_KINDS)} "
    f"AND NOT EXISTS (SELECT 1 FROM json_each(orientation.kinds) WHERE value IN {_in(LOCAL_KINDS)})"
)


def summarise_journal(conn: Optional[sqlite3.Connection], since: Optional[date] = None,
                      until: Optional[date] = None) -> JournalSummary:
    """Counts of the journal in the range; conn=None is an empty journal."""
    summary = JournalSummary()
    if conn is None:
        return summary
    where, params = _range(since, until)

    def grouped(column: str, extra: str = "") -> dict[Any, int]:
        condition = " AND ".join(c for c in (where, extra) if c)
        sql = (f"SELECT {column} AS k, count(*) FROM orientation"
               f"{' WHERE ' + condition if condition else ''} GROUP BY k")
        return {k: int(n) for k, n in conn.execute(sql, params)}

    summary.by_period = {p: n for p, n in grouped("period").items() if p in PERIODS}
    summary.total = sum(grouped("1").values())
    summary.by_hour = {int(h): n for h, n in grouped("substr(hour, 12, 2)").items() if str(h).isdigit()}
    summary.by_need = grouped("json_extract(facts, '$.need')")
    summary.no_local_by_need = grouped("json_extract(facts, '$.need')", NO_LOCAL)
    summary.no_local_by_commune = {c: n for c, n in grouped("commune", NO_LOCAL).items() if c}
    summary.by_commune = {c: n for c, n in grouped("commune").items() if c}
    return summary


@dataclass(frozen=True)
class ToVerify:
    id: str
    name: str
    commune: Optional[str]
    reasons: tuple[str, ...]


def entries_to_verify(services: Any, today: date) -> list[ToVerify]:
    """Local entries the answer shows as "à vérifier", with why (unchecked, stale, no hours, no phone)."""
    found = []
    for service in services:
        if not service.commune:
            continue
        reasons = []
        if service.verified is None:
            reasons.append("jamais vérifiée")
        elif (today - service.verified).days > STALE_AFTER_DAYS:
            reasons.append(f"vérifiée le {service.verified.strftime('%d/%m/%Y')}, il y a plus de 12 mois")
        if service.opening_hours is None:
            reasons.append("horaires inconnus")
        if not service.phones:
            reasons.append("pas de téléphone")
        if reasons:
            found.append(ToVerify(service.id, service.name, service.commune, tuple(reasons)))
    return found
