"""A moment (Europe/Paris) -> the contract's period of care.

Article R6315-1 of the Code de la santé publique defines the permanence des soins
ambulatoires (PDSA): every day 20h-8h, Sundays and public holidays 8h-20h, and,
depending on local needs, Saturday from 12h, "le lundi lorsqu'il précède un jour
férié, le vendredi et le samedi lorsqu'ils suivent un jour férié" (bridge days).
In the Gers the weekend counts from Saturday 12h (CH Auch); bridge days are not
confirmed for the Gers, so they are a setting, on by default.

Public holidays are computed from the Code du travail (L3133-1) and Easter by
`orient.holidays_fr` (metropolitan France), never typed in.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from orient.holidays_fr import public_holidays
from orient.vocabulary import PARIS, PERIOD_MOMENTS, PERIODS, to_paris

__all__ = ["PARIS", "PERIODS", "classify", "is_bridge_day", "moment_label", "parse_moment", "public_holiday",
           "to_paris"]

DAY_START = time(8, 0)
SATURDAY_NOON = time(12, 0)
EVENING_START = time(20, 0)

_END_OF_DAY = re.compile(r"(?<=[T ])24:00(?::00(?:\.0+)?)?(?=$|[+\-zZ])")
_EXPECTED_FORM = (
    "date et heure attendues au format ISO 8601, par exemple 2026-11-28T14:00 "
    "(heure de Paris sans décalage) / expected an ISO 8601 date and time such as 2026-11-28T14:00"
)


def public_holiday(d: date) -> str | None:
    """The French name of the public holiday (Code du travail L3133-1) on `d`, or None."""
    if not 1 <= d.year <= 9999:
        return None
    return public_holidays(d.year).get(d)


def is_bridge_day(d: date) -> bool:
    """A bridge day of R6315-1: a Monday followed by a public holiday (Tuesday), or
    a Friday or Saturday that directly follows one (Friday after a Thursday holiday
    such as Ascension, Saturday after a Friday holiday). A public holiday itself is
    not a bridge day."""
    if public_holiday(d) is not None:
        return False
    weekday = d.weekday()
    try:
        if weekday == 0:
            return public_holiday(d + timedelta(days=1)) is not None
        if weekday in (4, 5):
            return public_holiday(d - timedelta(days=1)) is not None
    except OverflowError:  # date.min / date.max
        return False
    return False


# Moments orient can classify: public holidays are computed up to 2100, and a year like
# 0026 is a typo (it would give "fermé, ouvre le 31 décembre 1899").
MIN_YEAR, MAX_YEAR = 2000, 2100


def parse_moment(text: str) -> datetime:
    """ISO 8601 -> an aware datetime in Paris time. No offset means Paris local time.

    Raises ValueError naming the expected form."""
    raw = str(text).strip()
    if "T" not in raw.upper() and " " not in raw:
        raise ValueError(f"« {text} » : {_EXPECTED_FORM}")
    end_of_day = _END_OF_DAY.search(raw)  # ISO 8601's 24:00, the end of the day: the next day's 00:00
    try:
        parsed = datetime.fromisoformat(raw[:end_of_day.start()] + "00:00" + raw[end_of_day.end():] if end_of_day else raw)
    except ValueError:
        raise ValueError(f"« {text} » : {_EXPECTED_FORM}") from None
    if end_of_day:
        parsed += timedelta(days=1)
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:
        raise ValueError(f"« {text} » : l'année {parsed.year} est hors de la plage acceptée "
                         f"({MIN_YEAR} à {MAX_YEAR} : jours fériés et horaires connus)")
    return to_paris(parsed)


def classify(at: datetime, *, bridge_days: bool = True) -> str:
    """The period of an aware (or naive = Paris) moment, exact to the minute."""
    local = to_paris(at)
    clock = local.time()
    if clock >= EVENING_START:
        return "pdsa_evening"
    if clock < DAY_START:
        return "pdsa_night"
    day = local.date()
    if public_holiday(day) is not None:
        return "pdsa_holiday"
    if bridge_days and is_bridge_day(day):
        return "pdsa_holiday"
    weekday = day.weekday()
    if weekday == 6:
        return "pdsa_weekend"
    if weekday == 5:
        return "saturday_morning" if clock < SATURDAY_NOON else "pdsa_weekend"
    return "weekday_day"


def moment_label(period: str, at: datetime) -> str:
    """A short French label for the moment, used in the rules' texts:
    "Samedi après-midi", "Dimanche", "Ce soir", "Lundi de Pâques", "Jour de pont"…"""
    local = to_paris(at)
    if period == "pdsa_weekend":
        weekday = local.weekday()
        if weekday == 5:
            return "Samedi après-midi"
        if weekday == 6:
            return "Dimanche"
    if period == "pdsa_holiday":
        name = public_holiday(local.date())
        if name:
            return f"{name[0].upper()}{name[1:]} (jour férié)"
        if is_bridge_day(local.date()):
            return "Jour de pont"
    return PERIOD_MOMENTS.get(period, "Maintenant")
