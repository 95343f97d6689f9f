"""The words rules may use: service kinds, actions, fixed services, capabilities,
seed files, text placeholders, and the order in which facts are asked."""

from __future__ import annotations

from orient.answer import ACTIONS
from orient.facts import FACTS
from orient.vocabulary import CAPABILITIES as DIRECTORY_CAPABILITIES
from orient.vocabulary import PERIODS, RULE_KINDS

# The contract's service kinds (one list, the directory's), plus "dentiste": orient/vocabulary.py.
SERVICE_KINDS = RULE_KINDS
# Kinds that name the patient's own practitioner: no `service` and no `select`.
OWN_PRACTITIONER_KINDS = ("gp", "dentiste")

# Fixed numbers (directory/numbers.yaml) and the kinds a recommendation may give them.
FIXED_SERVICES: dict[str, tuple[str, ...]] = {
    "samu-15": ("emergency_15", "sas"),
    "urgence-112": ("emergency_112",),
    "urgence-114": ("sms_114",),
    "suicide-3114": ("suicide_3114",),
    "pdsa-3966": ("pdsa_3966",),
    "garde-116117": ("duty_doctor_116117",),
    "resogardes-3237": ("pharmacie_garde",),
    "sos-medecins-3624": ("duty_doctor_116117",),
    "antipoison-toulouse": ("antipoison",),
    "cpam-gers": ("cpam",),
    "chs-gers": ("cmp",),  # the psychiatric hospital's switchboard, the way to the sector's CMP
}

# Capabilities a selector may ask of directory services: the directory's closed list.
CAPABILITIES = tuple(DIRECTORY_CAPABILITIES)

# The source documents (../shared/seeds); a rule citing one names a section too.
SEEDS = (
    "000_9b2cbc01bfa1af61.txt",
    "001_846b13afdb72a381.txt",
    "002_32aa825581a4170d.txt",
    "003_7796c99b738dd133.txt",
    "004_71724a389badb80b.txt",
)

# Placeholders allowed in `why` and `advice` texts (see docs/rules-format.md).
PLACEHOLDERS = ("moment", "fee", "next_working_day", "problem")

# The order a person asks facts in, when the rules do not say otherwise.
ASK_ORDER = (
    "red_flag", "deaf", "need", "minor_problem", "age", "sex", "pregnant", "fever",
    "has_gp", "gp_reachable", "has_prescription", "can_travel",
)
assert set(ASK_ORDER) == set(FACTS), "ASK_ORDER must list every fact of the contract"
ASK_INDEX = {name: index for index, name in enumerate(ASK_ORDER)}

__all__ = [
    "ACTIONS", "ASK_INDEX", "ASK_ORDER", "CAPABILITIES", "FACTS", "FIXED_SERVICES",
    "OWN_PRACTITIONER_KINDS", "PERIODS", "PLACEHOLDERS", "SEEDS", "SERVICE_KINDS",
]
