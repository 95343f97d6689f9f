"""The facts of the public contract: names, allowed values, parsing.

A situation is a mapping fact name -> value; a fact not given is unknown.
"""

import re
from typing import Mapping, NamedTuple, Union

FactValue = Union[str, int]

RED_FLAGS = (
    "none", "chest_pain", "breathing", "stroke", "unconscious", "bleeding",
    "seizure", "anaphylaxis", "major_trauma", "suicidal",
)
YES_NO = ("yes", "no")

# name -> allowed values; None means an integer (age).
FACTS: dict[str, tuple[str, ...] | None] = {
    "red_flag": RED_FLAGS,
    "deaf": YES_NO,
    "need": ("consult", "medication", "find_gp", "dental", "mental_health", "poisoning", "minor_care"),
    "has_gp": YES_NO,
    "gp_reachable": YES_NO,
    "age": None,
    "can_travel": YES_NO,
    "has_prescription": YES_NO,
    "minor_problem": ("sore_throat", "cystitis", "wound", "tick_bite", "burn", "conjunctivitis"),
    "sex": ("female", "male"),
    "pregnant": YES_NO,
    "fever": YES_NO,
}

AGE_MAX = 130


class FactError(ValueError):
    """A fact name or value outside the contract; the message names what is allowed."""


def allowed_values_text(name: str) -> str:
    values = FACTS[name]
    return f"un entier de 0 à {AGE_MAX}" if values is None else ", ".join(values)


def parse_fact_value(name: str, raw: object) -> FactValue:
    if name not in FACTS:
        raise FactError(f"fait « {name} » inconnu ; faits connus : {', '.join(FACTS)}")
    values = FACTS[name]
    if values is None:
        text = str(raw).strip()
        # ASCII digits only: int() would also take "1_0", "٥٥" or "５".
        if not (isinstance(raw, int) and not isinstance(raw, bool)) and not re.fullmatch(r"[0-9]{1,4}", text):
            raise FactError(f"fait « {name} » : « {raw} » n'est pas valide ; valides : {allowed_values_text(name)}")
        try:
            age = int(text)
        except ValueError:
            raise FactError(f"fait « {name} » : « {raw} » n'est pas valide ; valides : {allowed_values_text(name)}") from None
        if not 0 <= age <= AGE_MAX:
            raise FactError(f"fait « {name} » : {age} est hors limites ; valides : {allowed_values_text(name)}")
        return age
    value = str(raw).strip().lower()
    if value not in values:
        raise FactError(f"fait « {name} » : « {raw} » n'est pas valide ; valides : {allowed_values_text(name)}")
    return value


# On the command line, where agents type in French: "deaf=oui" is deaf=yes (the rules and the
# journal keep the contract's words only).
_FRENCH_YES_NO = {"oui": "yes", "non": "no"}


def parse_fact_assignment(text: str) -> tuple[str, FactValue]:
    """Parse the CLI form NAME=VALUE (oui/non for yes/no)."""
    name, sep, raw = text.partition("=")
    name = name.strip()
    if not sep:
        raise FactError(f"« {text} » n'est pas de la forme NAME=VALUE ; faits connus : {', '.join(FACTS)}")
    if FACTS.get(name) == YES_NO:
        raw = _FRENCH_YES_NO.get(raw.strip().lower(), raw)
    return name, parse_fact_value(name, raw)


def combine_assignments(texts: list[str]) -> tuple[dict[str, FactValue], dict[str, list[FactValue]], list[str]]:
    """Parse repeated NAME=VALUE assignments; returns (facts, conflicts, errors).

    An assignment that does not parse is left out and its message put in `errors`.
    A fact given twice with the same value counts once; with different values it is a
    conflict and left out of `facts` — except red_flag when any given value is a vital
    sign: then that sign is kept (safety first; the caller warns)."""
    given: dict[str, list[FactValue]] = {}
    errors: list[str] = []
    for text in texts:
        try:
            name, value = parse_fact_assignment(text)
        except FactError as exc:
            errors.append(str(exc))
            continue
        values = given.setdefault(name, [])
        if value not in values:
            values.append(value)
    facts = {name: values[0] for name, values in given.items() if len(values) == 1}
    conflicts = {name: values for name, values in given.items() if len(values) > 1}
    vital = [value for value in conflicts.get("red_flag", []) if value != "none"]
    if vital:
        facts["red_flag"] = vital[0]
    return facts, conflicts, errors


def vital_sign_typed_wrong(texts: list[str]) -> bool:
    """A red_flag given with a value that is not understood, or under a misspelt name
    (`RED_FLAG`, `red-flag`), other than none: the person may have meant a vital sign."""
    for text in texts:
        name, sep, raw = text.partition("=")
        if not sep or re.sub(r"[\s_-]", "", name.lower()) != "redflag":
            continue
        value = raw.strip().lower()
        if value != "none" and (name.strip() != "red_flag" or value not in RED_FLAGS):
            return True
    return False


def validate_facts(facts: Mapping[str, object]) -> dict[str, FactValue]:
    return {name: parse_fact_value(name, value) for name, value in facts.items()}


class FactQuestion(NamedTuple):
    """How to ask a fact in French, for the UI and the text output."""

    question: str
    choices: tuple[tuple[str, str], ...]  # (value, French label)


QUESTIONS: dict[str, FactQuestion] = {
    "red_flag": FactQuestion(
        "Signe d'urgence vitale ?",
        (
            ("none", "Aucun"),
            ("chest_pain", "Douleur dans la poitrine"),
            ("breathing", "Difficulté à respirer"),
            ("stroke", "Signes d'AVC (visage, bras, parole)"),
            ("unconscious", "Perte de connaissance"),
            ("bleeding", "Hémorragie"),
            ("seizure", "Convulsions"),
            ("anaphylaxis", "Allergie grave (gonflement, malaise)"),
            ("major_trauma", "Traumatisme grave"),
            ("suicidal", "Danger suicidaire immédiat"),
        ),
    ),
    "deaf": FactQuestion("La personne peut-elle téléphoner (entendre, parler) ?", (("no", "Oui, elle peut appeler"), ("yes", "Non : sourde, malentendante ou ne peut pas parler"))),
    "need": FactQuestion(
        "De quoi a-t-elle besoin ?",
        (
            ("consult", "Voir un médecin rapidement"),
            ("medication", "Un médicament, une pharmacie"),
            ("minor_care", "Petit problème (gorge, cystite, plaie, tique, brûlure, œil)"),
            ("find_gp", "Trouver un médecin traitant"),
            ("dental", "Dentiste"),
            ("mental_health", "Aide psychologique"),
            ("poisoning", "Intoxication, empoisonnement"),
        ),
    ),
    "has_gp": FactQuestion("A-t-elle un médecin traitant ?", (("yes", "Oui"), ("no", "Non"))),
    "gp_reachable": FactQuestion("Le médecin traitant peut-il être joint maintenant ?", (("yes", "Oui"), ("no", "Non"))),
    "age": FactQuestion("Quel âge a le patient ?", ()),
    "can_travel": FactQuestion("Peut-elle se déplacer (seule ou accompagnée) ?", (("yes", "Oui"), ("no", "Non"))),
    "has_prescription": FactQuestion("A-t-elle une ordonnance ?", (("yes", "Oui"), ("no", "Non"))),
    "minor_problem": FactQuestion(
        "Quel problème ?",
        (
            ("sore_throat", "Mal de gorge"),
            ("cystitis", "Cystite (brûlures urinaires)"),
            ("wound", "Petite plaie"),
            ("tick_bite", "Piqûre de tique"),
            ("burn", "Brûlure légère"),
            ("conjunctivitis", "Conjonctivite"),
        ),
    ),
    "sex": FactQuestion("Sexe du patient ?", (("female", "Femme"), ("male", "Homme"))),
    "pregnant": FactQuestion("Enceinte ?", (("yes", "Oui"), ("no", "Non"))),
    "fever": FactQuestion("Fièvre (plus de 38 °C) ?", (("yes", "Oui"), ("no", "Non"))),
}
