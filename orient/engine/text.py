"""Placeholders in the French texts of the rules, filled at evaluation time.

- `{moment}`: "Samedi après-midi", "Dimanche", "Ce soir", "Cette nuit", "Lundi de Pâques (jour férié)", "Jour de pont"…
- `{fee}`: the pharmacy duty fee per prescription at that moment (`orient.vocabulary.DUTY_FEES`, with
  its reference): "10 €" 20h–24h and 6h–8h, "20 €" 0h–6h, "6 €" Sundays and public holidays 8h–20h, "2 €" otherwise.
- `{next_working_day}`: when a practice can be called: "aujourd'hui", "ce matin dès l'ouverture",
  "demain", "lundi 30 novembre".
- `{problem}`: the pharmacist-level problem, "Mal de gorge", "Cystite"… ("Ce petit problème" when unknown).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Mapping

from orient.engine.model import Text
from orient.periods import moment_label, public_holiday
from orient.vocabulary import DUTY_FEES, to_paris

_FIELD = re.compile(r"\{([^{}]*)\}")

WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")
PROBLEMS = {
    "sore_throat": "Mal de gorge",
    "cystitis": "Cystite",
    "wound": "Petite plaie",
    "tick_bite": "Piqûre de tique",
    "burn": "Brûlure légère",
    "conjunctivitis": "Conjonctivite",
}


def placeholders_of(template: str) -> tuple[list[str], str | None]:
    """(placeholder names, error) for a text; the error says why it cannot be formatted."""
    import string  # at load only (an answer reads the compiled rules)

    try:
        fields = [(name, spec, conversion) for _, name, spec, conversion in string.Formatter().parse(template)
                  if name is not None]
    except ValueError as exc:
        return [], f"variable mal formée ({exc}) ; écrire {{{{ et }}}} pour des accolades littérales"
    for name, spec, conversion in fields:
        # Only {name}: a format spec ({moment:d}, {moment:>99999999}), a conversion or an
        # attribute would crash or blow up the answer when the rule fires.
        if spec or conversion or not name.isidentifier():
            shown = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            return [], f"la variable « {shown} » ne prend ni format, ni conversion, ni attribut ; écrire {{{name.split('.')[0].split('[')[0]}}}"
    return [name for name, _, _ in fields], None


def make_text(template: str) -> Text:
    names, _ = placeholders_of(template)
    return Text(template, tuple(dict.fromkeys(names)))


def _is_working_day(d: date) -> bool:
    return d.weekday() < 5 and public_holiday(d) is None


def duty_fee(at: datetime) -> str:
    local = to_paris(at)
    hour = local.hour
    if hour >= 20 or 6 <= hour < 8:
        return DUTY_FEES.evening_and_early
    if hour < 6:
        return DUTY_FEES.night
    if local.weekday() == 6 or public_holiday(local.date()) is not None:
        return DUTY_FEES.sunday_and_holiday
    return DUTY_FEES.other


def next_working_day(period: str, at: datetime) -> str:
    if period == "weekday_day":
        return "aujourd'hui"
    local = to_paris(at)
    today = local.date()
    if local.hour < 8 and _is_working_day(today):
        return "ce matin dès l'ouverture"
    day = today + timedelta(days=1)
    for _ in range(15):
        if _is_working_day(day):
            break
        day += timedelta(days=1)
    if day == today + timedelta(days=1):
        return "demain"
    return f"{WEEKDAYS[day.weekday()]} {day.day}{'er' if day.day == 1 else ''} {MONTHS[day.month - 1]}"


class TextContext:
    """Fills placeholders for one evaluation; each value is computed once, when used."""

    __slots__ = ("period", "at", "facts", "_cache")

    def __init__(self, period: str, at: datetime, facts: Mapping):
        self.period = period
        self.at = at
        self.facts = facts
        self._cache: dict[str, str] = {}

    def value(self, name: str) -> str:
        if name not in self._cache:
            try:
                if name == "moment":
                    result = moment_label(self.period, self.at)
                elif name == "fee":
                    result = duty_fee(self.at)
                elif name == "next_working_day":
                    result = next_working_day(self.period, self.at)
                elif name == "problem":
                    result = PROBLEMS.get(self.facts.get("minor_problem"), "Ce petit problème")
                else:
                    result = ""
            except (OverflowError, ValueError):  # moments at the edge of the calendar
                result = ""
            self._cache[name] = result
        return self._cache[name]

    def render(self, text: Text) -> str:
        if not text.placeholders:
            return text.template
        return text.template.format_map({name: self.value(name) for name in text.placeholders})
