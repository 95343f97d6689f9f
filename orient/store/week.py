"""Opening hours as a weekly table, computed when the store is built: the first orientation
of a process then classifies a kind's hundreds of hours strings (open, unknown, closed)
without parsing them.

Only plain weekly strings get a table: weekdays, times, `24/7`, `off`, `unknown` and public
holidays (`PH`) — no months, dates, weeks, years or comments, checked by their characters
(a year is digits alone: no run of three digits is allowed).
The table is the states over a reference week without a public holiday, and must be the
same over two other such weeks of the year, else there is none. It is read only on an
ordinary day (`ordinary_day`): not a public holiday, not the day after one (a `PH 22:00-02:00`
runs past midnight), not a bridge day with the setting, in the years where the Code du
travail's calendar and the parser's are the same (2008–2076). A service's full status (its
French label, "ouvert, ferme à 19h") comes from its table too when every day up to the next
change is ordinary (`status_from_table`): an answer then needs no parser at all. Everywhere
else, and for every other string, `orient.directory.hours` parses as before. The tests
compare the two on thousands of queries (`tests/test_store.py`).
"""

from __future__ import annotations

import bisect
import json
import re
from functools import lru_cache
from datetime import date, datetime, timedelta
from typing import Optional

_PLAIN = re.compile(r"^(?:Mo|Tu|We|Th|Fr|Sa|Su|PH|off|closed|open|unknown|24/7|[0-9:,;+\- ])+$")
# A year ("2026 Mo-Fr 08:00-18:00", "…; 2027 off", "2026+ …") is written with digits alone: a run
# of three digits or more is never a time (at most two), and the reference weeks are all in 2026.
_YEAR = re.compile(r"[0-9]{3}")
REFERENCE_MONDAYS = (date(2026, 1, 12), date(2026, 6, 15), date(2026, 10, 19))  # ordinary weeks
# A table starts with the mark [-TABLE_FORMAT, null]. A shared server holds the tables of the
# orient that loaded it, maybe another version with other rules for which strings get one: a
# table without this orient's mark is not read (the string is parsed). Readers before the
# mark skip it (no minute of the week is negative).
TABLE_FORMAT = 2


def _table(hours, monday: date) -> Optional[list[tuple[int, Optional[bool]]]]:
    from opening_hours import State

    start = datetime(monday.year, monday.month, monday.day)
    end = start + timedelta(days=7)
    out: list[tuple[int, Optional[bool]]] = []
    moment = start
    while moment < end:
        raw = hours.state(moment)[0]
        state = True if raw == State.OPEN else False if raw == State.CLOSED else None
        if not out or out[-1][1] is not state:
            out.append((int((moment - start).total_seconds() // 60), state))
        following = hours.next_change(moment)
        if following is None or following <= moment:
            break
        moment = following
    return out


def weekly_table(text: Optional[str]) -> Optional[str]:
    """The JSON weekly table of a plain weekly hours string, else None."""
    if text is None or not _PLAIN.match(text) or _YEAR.search(text):
        return None
    from orient.directory.hours import HoursError, parse_hours

    try:
        hours = parse_hours(text)
        tables = [_table(hours, monday) for monday in REFERENCE_MONDAYS]
    except (HoursError, ValueError, OverflowError):
        return None
    if any(t != tables[0] for t in tables[1:]) or not tables[0]:
        return None
    return json.dumps([[-TABLE_FORMAT, None], *tables[0]], separators=(",", ":"))


class WeekReader:
    """`is_open(week_json)` at one moment (Paris wall clock), the tables decoded once."""

    def __init__(self, local: datetime):
        self.minute = local.weekday() * 1440 + local.hour * 60 + local.minute

    @classmethod
    def at_minute(cls, minute: int) -> "WeekReader":
        reader = cls.__new__(cls)
        reader.minute = minute
        return reader

    def is_open(self, week: str) -> Optional[bool]:
        minutes, states = _decoded(week)
        return states[bisect.bisect_right(minutes, self.minute) - 1]


def decode_tables(weeks: list[Optional[str]]) -> list[Optional[tuple[list[int], list[Optional[bool]]]]]:
    """`_decoded` of each table (None for no table or another format), in one JSON call for all
    (when the store is built: `orient.store.sqlite.week_change_rows`)."""
    try:
        tables = json.loads("[" + ",".join(w or "null" for w in weeks) + "]")
    except ValueError:  # a damaged table: decode them one by one, the damaged one parsed as a string
        return [_decoded_or_none(w) for w in weeks]
    return [(([m for m, _ in t], [state for _, state in t]) if t and t[0] == [-TABLE_FORMAT, None] else None)
            for t in tables]


def _decoded_or_none(week: Optional[str]):
    try:
        return _decoded(week) if week else None
    except (ValueError, TypeError):
        return None


def own_table(week: Optional[str]) -> bool:
    """Whether `week` is a weekly table of this orient's format (see TABLE_FORMAT)."""
    return bool(week) and _decoded(week) is not None


@lru_cache(maxsize=8192)
def _decoded(week: str) -> Optional[tuple[list[int], list[Optional[bool]]]]:
    """A weekly table as (the minutes its states start at, the states), decoded once per process;
    None for a table of another format."""
    table = json.loads(week)
    if not table or table[0] != [-TABLE_FORMAT, None]:
        return None
    return [m for m, _ in table], [state for _, state in table]


# The years where the parser's calendar of public holidays (the one `PH` follows) is the Code du
# travail's (tests/test_store.py compares them day by day): it also counts the Pentecost Monday
# of 2005–2007, and knows none after 2076.
SAME_CALENDARS = (2008, 2076)


def ordinary_day(day: date, bridge_days: bool) -> bool:
    """A day the weekly tables describe: in SAME_CALENDARS, not a public holiday nor the day
    after one (a `PH 22:00-02:00` runs past midnight), not a bridge day with the setting."""
    from orient.periods import is_bridge_day, public_holiday

    if not SAME_CALENDARS[0] <= day.year <= SAME_CALENDARS[1]:
        return False
    if public_holiday(day) is not None or public_holiday(day - timedelta(days=1)) is not None:
        return False
    return not (bridge_days and is_bridge_day(day))


def reader_at(local: datetime, bridge_days: bool) -> Optional[WeekReader]:
    """The weekly tables' reader at this Paris wall-clock moment, or None when the day is not
    an ordinary one (see the module docstring): then the strings are parsed."""
    return WeekReader(local) if ordinary_day(local.date(), bridge_days) else None


def status_from_table(week: str, local: datetime, bridge_days: bool):
    """The `HoursStatus` that `orient.directory.hours.hours_status` gives, read from the weekly
    table at this Paris wall-clock moment; None (parse the string) when a day up to the next
    change is not ordinary, or the state never changes within the week (the parser looks 62
    days ahead, past holidays)."""
    from orient.directory.hours import ALWAYS_OPEN_LABEL, UNKNOWN_LABEL, when
    from orient.directory.model import HoursStatus

    decoded = _decoded(week)
    if decoded is None:
        return None
    minutes, states = decoded[0][1:], decoded[1][1:]  # without the format mark
    if len(set(states)) < 2:
        return None
    now = local.weekday() * 1440 + local.hour * 60 + local.minute
    i = bisect.bisect_right(minutes, now) - 1  # -1: before the first change, the week's last state
    state = states[i]
    ahead = [m for m in minutes if m > now] + [m + 7 * 1440 for m in minutes]
    following = [m for m in ahead if states[minutes.index(m % (7 * 1440))] is not state]
    change = local + timedelta(minutes=following[0] - now)
    day = local.date()
    while day <= change.date():
        if not ordinary_day(day, bridge_days):
            return None
        day += timedelta(days=1)
    from orient.vocabulary import PARIS

    aware = change.replace(tzinfo=PARIS)
    if state is True:
        return HoursStatus(True, f"ouvert, ferme {when(change, local)}", aware)
    if state is False:
        return HoursStatus(False, f"fermé, ouvre {when(change, local)}", aware)
    return HoursStatus(None, UNKNOWN_LABEL, aware)
