"""Open now: OpenStreetMap `opening_hours` evaluated at a moment, in Paris time, in French.

Every expression is parsed once per process (`parse_hours` is cached) and built
with `country="FR"`: without it the parser ignores `PH` (public holidays) and
reports Christmas morning as open.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Callable, Optional

from orient.directory.model import HoursStatus
from orient.vocabulary import PARIS

UNKNOWN_LABEL = "horaires à vérifier"
ALWAYS_OPEN_LABEL = "ouvert 24h/24"
UNKNOWN = HoursStatus(open=None, label=UNKNOWN_LABEL, next_change=None)
ALWAYS = "24/7"  # what the parser says of it at every moment, without the parser (tests/test_hours.py)
ALWAYS_OPEN = HoursStatus(open=True, label=ALWAYS_OPEN_LABEL, next_change=None)

WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")


class HoursError(ValueError):
    """An `opening_hours` value the parser refuses; the message is the parser's."""


# How far ahead the next opening or closing is looked for: beyond it a service is "ouvert
# 24h/24" or "fermé" without a date. Unbounded, "Mo-Su 00:00-24:00" costs seconds per status.
NEXT_CHANGE_HORIZON = timedelta(days=62)


@lru_cache(maxsize=None)
def parse_hours(text: str):
    """The parsed expression (an `opening_hours.OpeningHours`), in its normal form when the
    parser has one ("Mo-Su 00:00-24:00" is "24/7"); raises HoursError."""
    from opening_hours import OpeningHours

    try:
        parsed = OpeningHours(text, country="FR")
    except Exception as exc:  # opening_hours.ParserError and friends
        raise HoursError(_parser_message(exc)) from None
    try:
        return OpeningHours(str(parsed.normalize()), country="FR")
    except Exception:  # noqa: BLE001 — no normal form: the expression as written
        return parsed


def next_change(oh, local: datetime) -> Optional[datetime]:
    """The next moment the state changes, within NEXT_CHANGE_HORIZON (None beyond)."""
    horizon = local + NEXT_CHANGE_HORIZON
    try:
        _start, end, _state, _comment = next(oh.intervals(local, horizon))
    except (StopIteration, ValueError, OverflowError):
        return None
    return None if end is None or end >= horizon else end


def hours_error(text: str) -> Optional[str]:
    """The parser's message when `text` does not parse, else None."""
    try:
        parse_hours(text)
    except HoursError as exc:
        return str(exc)
    return None


def _parser_message(exc: Exception) -> str:
    """The parser's caret drawing, on one line: "at column 4: expected wday"."""
    text = str(exc)
    where = re.search(r"-->\s*(\d+):(\d+)", text)
    expected = re.search(r"^\s*=\s*(.+)$", text, re.MULTILINE)
    parts = []
    if where:
        parts.append(f"at column {where.group(2)}")
    if expected:
        parts.append(expected.group(1).strip())
    if not parts:
        first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
        parts.append(first)
    return ": ".join(parts)


def paris_naive(at: datetime) -> datetime:
    """The Paris wall-clock time of `at` (naive means already Paris time)."""
    if at.tzinfo is not None:
        at = at.astimezone(PARIS)
    return at.replace(tzinfo=None, second=0, microsecond=0)


def hours_status(text: Optional[str], at: datetime, *, bridge_days: bool = True) -> HoursStatus:
    """Whether a service with these hours is open at `at`, with a French label.

    With `bridge_days` (the R6315-1 setting, on by default), a bridge day follows the
    service's public-holiday (`PH`) rules, as the periods of care do; OSM syntax
    cannot say "bridge day" itself.
    """
    if text is None:
        return UNKNOWN
    if text == ALWAYS:  # the national lines: no need to load the parser (~12 ms of an `orient ask`)
        return ALWAYS_OPEN
    local = paris_naive(at)
    if bridge_days and _is_bridge_day(local.date()):
        text = holiday_reading(text)
    return _status_at(text, local)


def open_checker(at: datetime, *, bridge_days: bool = True) -> Callable[[Optional[str]], Optional[bool]]:
    """`is_open(text)`, equal to `hours_status(text, at, bridge_days=...).open` but about ten
    times cheaper (no next change, no label): ranking classifies every distinct string
    with it and asks the full status only of the services it returns."""
    local = paris_naive(at)
    bridge = bridge_days and _is_bridge_day(local.date())

    def is_open(text: Optional[str]) -> Optional[bool]:
        if text is None:
            return None
        if text == ALWAYS:
            return True
        from opening_hours import State  # only when a string is parsed: not for tables, not for 24/7

        if bridge:
            text = holiday_reading(text)
        try:
            state = parse_hours(text).state(local)[0]
        except HoursError:
            return None
        return True if state == State.OPEN else False if state == State.CLOSED else None

    return is_open


def _is_bridge_day(day: date) -> bool:
    from orient.periods import is_bridge_day

    return is_bridge_day(day)


_SELECTOR = re.compile(r"^\s*([A-Za-z]{2}(?:\s*[,-]\s*[A-Za-z]{2})*)\s+(.+)$")


@lru_cache(maxsize=None)
def holiday_reading(text: str) -> str:
    """The hours of a public holiday as an every-day rule: "Mo-Fr 20:00-24:00; Su,PH 08:00-24:00"
    gives "Mo-Su 08:00-24:00"; hours without a `PH` rule are returned unchanged."""
    holiday_rules = []
    for rule in text.split(";"):
        match = _SELECTOR.match(rule)
        if match and "PH" in re.split(r"\s*[,-]\s*", match.group(1)):
            holiday_rules.append(f"Mo-Su {match.group(2).strip()}")
    if not holiday_rules:
        return text
    reading = "; ".join(holiday_rules)
    try:
        parse_hours(reading)
    except HoursError:
        return text
    return reading


@lru_cache(maxsize=65536)
def _status_at(text: str, local: datetime) -> HoursStatus:
    from opening_hours import State

    try:
        oh = parse_hours(text)
    except HoursError:
        return UNKNOWN
    state, _comment = oh.state(local)
    change = next_change(oh, local)
    if change is not None:
        change = change.replace(tzinfo=None)
    aware_change = change.replace(tzinfo=PARIS) if change is not None else None
    if state == State.OPEN:
        if change is None:
            return HoursStatus(True, ALWAYS_OPEN_LABEL, None)
        return HoursStatus(True, f"ouvert, ferme {when(change, local)}", aware_change)
    if state == State.CLOSED:
        if change is None:
            return HoursStatus(False, "fermé", None)
        return HoursStatus(False, f"fermé, ouvre {when(change, local)}", aware_change)
    return HoursStatus(None, UNKNOWN_LABEL, aware_change)


def format_hour(t: datetime) -> str:
    """8h, 12h30, minuit."""
    if t.hour == 0 and t.minute == 0:
        return "minuit"
    return f"{t.hour}h" if t.minute == 0 else f"{t.hour}h{t.minute:02d}"


def when(change: datetime, now: datetime) -> str:
    """"à 18h", "demain à 8h", "lundi à 8h", "le 2 janvier à 8h"; midnight ends the day before."""
    day = change.date()
    if change.hour == 0 and change.minute == 0:
        # "ferme à minuit" belongs to the day that ends.
        day = day - timedelta(days=1)
        if day == now.date():
            return "à minuit"
        return f"{_day(day, now.date())} à minuit"
    if day == now.date():
        return f"à {format_hour(change)}"
    return f"{_day(day, now.date())} à {format_hour(change)}"


def _day(day: date, today: date) -> str:
    delta = (day - today).days
    if delta == 1:
        return "demain"
    if 1 < delta < 7:
        return WEEKDAYS[day.weekday()]
    first = "1er" if day.day == 1 else str(day.day)
    label = f"le {first} {MONTHS[day.month - 1]}"
    if day.year != today.year:
        label += f" {day.year}"
    return label


def clear_caches() -> None:
    parse_hours.cache_clear()
    _status_at.cache_clear()


class ServiceHours:
    """The opening status of a service, as every directory (in memory or a store) gives it."""

    def status(self, service, at: datetime, *, bridge_days: bool = True) -> HoursStatus:
        return hours_status(service.opening_hours, at, bridge_days=bridge_days)

    def walk_in_status(self, service, at: datetime, *, bridge_days: bool = True) -> HoursStatus:
        return hours_status(service.walk_in_hours, at, bridge_days=bridge_days)


def duty_status(end: datetime, at: datetime) -> HoursStatus:
    """A pharmacy on duty until `end`, seen from `at` ("de garde jusqu'à demain 9h")."""
    end = end.astimezone(PARIS)
    return HoursStatus(True, f"de garde jusqu'à {_until(end, at)}", end)


def _until(end: datetime, at: datetime) -> str:
    """"9h", "demain 8h", "samedi 9h", "05/12 9h": when a duty ends, seen from `at`."""
    now = at.astimezone(PARIS) if at.tzinfo else at
    hour = format_hour(end)
    day = end.date() - timedelta(days=1) if hour == "minuit" else end.date()
    days = (day - now.date()).days
    if days <= 0:
        return hour
    if days == 1:
        return f"demain {hour}"
    if days < 7:
        return f"{WEEKDAYS[day.weekday()]} {hour}"
    return f"{day.strftime('%d/%m')} {hour}"
