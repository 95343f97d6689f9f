"""The fixed numbers the rules name: they must be in the directory, exactly as facts.md says.

A SAMU entry whose phone was edited to a local number, or a `numbers.yaml` renamed and
so not read, would give "Appeler le 05 61 …" or a rank 1 without a phone for a vital
emergency. The directory reader refuses an entry of these ids that differs from the facts;
`missing_fixed_problems` refuses rules that name an id the directory does not hold.
"""

from typing import Callable, Iterable, NamedTuple, Optional

from orient.problems import Problem

FACTS_NUMBERS = "../shared/docs/facts.md, Numbers"


class FixedNumber(NamedTuple):
    kind: str
    phone: str                # as the directory stores it (orient.directory.phones.normalize_phone)
    always_open: bool         # facts.md says 24/7
    hours: Optional[str] = None  # the hours facts.md gives, when they are not 24/7 (see checked_at_load)


# facts.md, "Numbers (all free unless said)". The 3966 and the 116 117 have hours that
# depend on the organisation (not 24/7 in the facts): only their number is fixed here.
FIXED_NUMBERS: dict[str, FixedNumber] = {
    "samu-15": FixedNumber("emergency_15", "15", True),
    "urgence-112": FixedNumber("emergency_112", "112", True),
    "urgence-114": FixedNumber("sms_114", "114", True),
    "suicide-3114": FixedNumber("suicide_3114", "3114", True),
    # Gers: nights 20h–24h, weekends from Saturday 12h, Sundays and public holidays (CH Auch 2022).
    "pdsa-3966": FixedNumber("pdsa_3966", "3966", False, "Mo-Fr 20:00-24:00; Sa 12:00-24:00; Su,PH 08:00-24:00"),
    "garde-116117": FixedNumber("duty_doctor_116117", "116117", False),
    "resogardes-3237": FixedNumber("pharmacie_garde", "3237", True),
    "sos-medecins-3624": FixedNumber("sos_medecins", "3624", True),
    "antipoison-toulouse": FixedNumber("antipoison", "+33561777447", True),
    # facts.md, SAS: reached through the 15; in the Gers the Centre 15 and the SAS run 24/7 (ARS, May 2025).
    "sas-gers": FixedNumber("sas", "15", True),
}
# Needed whatever the rules say: the emergency answer and the duty-pharmacy fallback.
ALWAYS_NEEDED = ("samu-15", "urgence-114", "resogardes-3237")
ALWAYS_OPEN = "24/7"


def fixed_entry_problems(service_id: str, kind: Optional[str], phones: tuple[str, ...],
                         opening_hours: Optional[str]) -> list[str]:
    """What differs from the facts for an entry of a fixed id (empty when it matches)."""
    fixed = FIXED_NUMBERS.get(service_id)
    if fixed is None:
        return []
    problems = []
    if kind != fixed.kind:
        problems.append(f"fixed number '{service_id}' must have kind '{fixed.kind}' ({FACTS_NUMBERS}), not '{kind}'")
    if tuple(phones) != (fixed.phone,):
        shown = ", ".join(phones) or "none"
        problems.append(f"fixed number '{service_id}' must have exactly the phone {fixed.phone} "
                        f"({FACTS_NUMBERS}); found: {shown}")
    if fixed.always_open and (opening_hours or "").strip() != ALWAYS_OPEN:
        problems.append(f"fixed number '{service_id}' is open 24/7 ({FACTS_NUMBERS}): opening_hours must be "
                        f"\"{ALWAYS_OPEN}\", not {opening_hours!r}")
    return problems


def checked_at_load(service_id: Optional[str], opening_hours: Optional[str]) -> bool:
    """True for a fixed number whose phone is checked against facts.md at every load (an entry
    that differs is refused) and whose hours are the facts' own (24/7 checked at load; the
    3966's Gers hours compared here): what the answer shows is what the facts say. Hours
    edited away from the facts (a local change) are not: they need a `verified` date."""
    fixed = FIXED_NUMBERS.get(service_id or "")
    if fixed is None:
        return False
    return fixed.always_open or (fixed.hours is not None and (opening_hours or "").strip() == fixed.hours)


def missing_fixed_problems(ruleset, has_service: Callable[[str], bool], directory_folder: str) -> list[Problem]:
    """One problem per fixed id that the rules (or the emergency answer) need and the
    directory lacks, at the rule line that names it."""
    needed: dict[str, tuple[str, Optional[int], str]] = {}
    for service_id in ALWAYS_NEEDED:
        needed[service_id] = (directory_folder, None, "the emergency answer")
    for rule in _rules(ruleset):
        for rec in rule.recommendations:
            if rec.service_id and rec.service_id not in needed:
                needed[rec.service_id] = (rule.path, rec.line, f"rule '{rule.id}'")
    problems = []
    for service_id, (path, line, who) in needed.items():
        if has_service(service_id):
            continue
        fixed = FIXED_NUMBERS.get(service_id)
        number = f" (phone {fixed.phone})" if fixed else ""
        problems.append(Problem(path, line, f"{who} needs the directory entry '{service_id}'{number}, which is not in "
                                            f"{directory_folder} (expected in numbers.yaml)"))
    return problems


def _rules(ruleset) -> Iterable:
    return getattr(ruleset, "rules", ())
