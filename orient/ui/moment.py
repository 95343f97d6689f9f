"""The "quand ?" field: a moment as people say it at a counter, in French.

Accepted (case and accents ignored, "le", "à", "vers" optional):
- empty, "maintenant": now;
- a time: "22h", "22h30", "22:30", "8 h", "midi", "minuit" — the next such time
  (today, or tomorrow when it is already more than 30 minutes past); after a day, "minuit"
  and "24h" end that day ("samedi minuit": the night from Saturday to Sunday);
- a part of the day, which the preview line turns into an hour (DAY_PARTS):
  "matin" 9h, "midi" 12h, "après-midi" 15h, "soir" 21h, "nuit" 2h (the night after);
- a day, then a time or a part of the day: "aujourd'hui", "demain", "après-demain",
  a weekday or its abbreviation ("dimanche", "dim", "lun.": the next one, today
  included), "28/11", "28/11/2026", "25 décembre", "1er janvier 2027", "noël",
  "jour de l'an", "nouvel an" — the next such date; a day alone is taken at the
  current hour, and the preview line says so;
- "ce soir", "cette nuit"; "dans 2h", "dans 30 min", "dans 1h30", "dans 3 jours";
- ISO 8601 as on the command line: "2026-11-28T14:00".
Anything else is refused with a French message and an example. No Textual here.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timedelta
from typing import Optional

from orient.vocabulary import to_paris

WEEKDAY_NAMES = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTH_NAMES = ("janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre", "octobre",
               "novembre", "decembre")
MONTH_ABBREVIATIONS = {"janv": 1, "jan": 1, "fev": 2, "fevr": 2, "avr": 4, "juil": 7, "sept": 9, "sep": 9,
                       "oct": 10, "nov": 11, "dec": 12}
# What a part of the day means, said on the preview line: (hour, days after the day named).
DAY_PARTS = {"matin": (9, 0), "midi": (12, 0), "apres-midi": (15, 0), "soir": (21, 0), "nuit": (2, 1)}
DAY_PART_WORDS = {"apres midi": "apres-midi", "apresmidi": "apres-midi", "aprem": "apres-midi",
                  "aprem'": "apres-midi", "matinee": "matin", "soiree": "soir"}
_PART_LABELS = {"apres-midi": "après-midi"}
FEASTS = {"noel": (12, 25), "jour de l'an": (1, 1), "jour de lan": (1, 1), "nouvel an": (1, 1),
          "premier de l'an": (1, 1)}
HELP = ("écrivez par exemple 22h, demain 8h, dimanche matin, dim 3h, 25 décembre 14h, noël 14h, dans 2h "
        "ou laissez vide pour maintenant")
GRACE = timedelta(minutes=30)
MAX_DAYS_AHEAD = 800  # "dans 9999 jours" is a typo, not a moment to orient for

_TIME = re.compile(r"^(\d{1,2})\s*(?:h|:)\s*(\d{2})?$|^(\d{1,2})$")
_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})(?:/(\d{2}|\d{4}))?$")
_NAMED_DATE = re.compile(r"^(\d{1,2}|1er)\s+([a-z]+)\.?(?:\s+(\d{4}))?(?:\s+|$)")
_IN = re.compile(r"^dans\s+(\d{1,4})\s*(h|heures?|min|minutes?|mn|j|jours?)\s*(\d{2})?$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}")
_END_OF_DAY = re.compile(r"^(?:minuit|24\s*(?:h|:)\s*(?:00)?)$")
_FILLERS = re.compile(r"(?:^|\s)(?:le|a|vers|pour)(?=\s|$)")


class When:
    """A moment understood, and how: the note says what was assumed ("matin = 9h")."""

    def __init__(self, at: datetime, note: str = "") -> None:
        self.at = at
        self.note = note


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.strip().lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"\s+", " ", text.replace("’", "'"))
    for words, part in DAY_PART_WORDS.items():
        text = re.sub(rf"(?<![a-z]){re.escape(words)}(?![a-z])", part, text)
    return text.strip()


def _at(day: date, t: time) -> datetime:
    return to_paris(datetime.combine(day, t))


def _parse_time(text: str) -> Optional[time]:
    if text == "midi":
        return time(12, 0)
    if text == "minuit":
        return time(0, 0)
    m = _TIME.match(text)
    if not m:
        return None
    hour = int(m.group(1) or m.group(3))
    minute = int(m.group(2) or 0)
    if hour == 24 and minute == 0:
        hour = 0
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return time(hour, minute)


def _refuse(raw: str, what: str = "heure non comprise") -> ValueError:
    shown = "".join(c for c in raw if c.isprintable())[:40]
    return ValueError(f"{what} : « {shown} » ; {HELP}")


def _next_date(now: datetime, month: int, day: int, raw: str) -> date:
    """The next such date, today included (a date without its year)."""
    for year in (now.year, now.year + 1, now.year + 2, now.year + 3, now.year + 4):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue  # 29 February: the next leap year
        if candidate >= now.date():
            return candidate
    raise _refuse(raw, "date impossible")


def _month(word: str) -> Optional[int]:
    word = word.rstrip(".")
    if word in MONTH_NAMES:
        return MONTH_NAMES.index(word) + 1
    if word in MONTH_ABBREVIATIONS:
        return MONTH_ABBREVIATIONS[word]
    prefixed = [i for i, name in enumerate(MONTH_NAMES) if len(word) >= 3 and name.startswith(word)]
    return prefixed[0] + 1 if len(prefixed) == 1 else None


def _weekday(word: str) -> Optional[int]:
    word = word.rstrip(".")
    found = [i for i, name in enumerate(WEEKDAY_NAMES) if len(word) >= 3 and name.startswith(word)]
    return found[0] if len(found) == 1 else None


def _day(text: str, now: datetime, raw: str) -> tuple[Optional[date], str]:
    """(the day named at the start of text, the rest) — (None, text) when no day is named."""
    today = now.date()
    for feast, (month, day) in FEASTS.items():
        if text == feast or text.startswith(feast + " "):
            return _next_date(now, month, day, raw), text[len(feast):]
    head, _, tail = text.partition(" ")
    if head in ("aujourd'hui", "aujourdhui", "auj"):
        return today, tail
    if head == "demain":
        return today + timedelta(days=1), tail
    if head in ("apres-demain", "apres"):
        if head == "apres" and not tail.startswith("demain"):
            return None, text
        return today + timedelta(days=2), tail[len("demain"):] if head == "apres" else tail
    weekday = _weekday(head)
    if weekday is not None:
        return today + timedelta(days=(weekday - now.weekday()) % 7), tail
    m = _DATE.match(head)
    if m:
        d, mo, y = int(m.group(1)), int(m.group(2)), m.group(3)
        if y is None:  # as "2 janvier": the next such date ("2/1" typed in November is next January)
            return _next_date(now, mo, d, raw), tail
        year = int(y) + 2000 if len(y) == 2 else int(y)
        try:
            return date(year, mo, d), tail
        except ValueError:
            raise _refuse(raw, "date impossible") from None
    m = _NAMED_DATE.match(text)
    if m:
        month = _month(m.group(2))
        if month is not None:
            d = 1 if m.group(1) == "1er" else int(m.group(1))
            rest = text[m.end():]
            if m.group(3):
                try:
                    return date(int(m.group(3)), month, d), rest
                except ValueError:
                    raise _refuse(raw, "date impossible") from None
            return _next_date(now, month, d, raw), rest
    return None, text


def _relative(text: str, now: datetime, raw: str) -> Optional[When]:
    m = _IN.match(text)
    if not m:
        return None
    amount, unit, minutes = int(m.group(1)), m.group(2), m.group(3)
    if unit.startswith("h"):
        delta = timedelta(hours=amount, minutes=int(minutes or 0))
    elif minutes:
        raise _refuse(raw)
    elif unit.startswith("j"):
        delta = timedelta(days=amount)
    else:
        delta = timedelta(minutes=amount)
    if delta > timedelta(days=MAX_DAYS_AHEAD):
        raise _refuse(raw, "trop loin")
    return When(now + delta)


def explain_when(text: str, now: datetime) -> Optional[When]:
    """The moment typed and what was assumed, in Paris time; None means now.
    Raises ValueError with a French message and an example."""
    now = to_paris(now)
    raw = text.strip()
    folded = _fold(raw)
    if folded in ("", "maintenant", "now", "tout de suite", "de suite", "immediatement"):
        return None
    if _ISO.match(raw):
        from orient.periods import parse_moment  # the CLI's own ISO parsing

        try:
            return When(to_paris(parse_moment(raw)))
        except ValueError:
            raise _refuse(raw, "date non comprise") from None
    folded = _FILLERS.sub(" ", folded).strip()
    folded = re.sub(r"\s+", " ", folded)
    relative = _relative(folded, now, raw)
    if relative is not None:
        return _within_years(relative, raw)
    if folded == "cette nuit":
        folded = "nuit"  # the next night, the one under way included
    elif folded in ("ce soir", "ce matin", "cet apres-midi", "ce midi"):
        folded = "aujourd'hui " + folded.split(" ", 1)[1]
    try:
        return _within_years(_absolute(folded, now, raw), raw)
    except OverflowError:
        raise _refuse(raw, "date impossible") from None


def _within_years(when: When, raw: str) -> When:
    """The years `orient ask --at` accepts (public holidays and hours known): 9999 or 1999 is a typo."""
    from orient.periods import MAX_YEAR, MIN_YEAR

    if not MIN_YEAR <= when.at.year <= MAX_YEAR:
        raise _refuse(raw, f"année {when.at.year} hors de la plage acceptée ({MIN_YEAR} à {MAX_YEAR})")
    return when


def _absolute(folded: str, now: datetime, raw: str) -> When:

    day, rest = _day(folded, now, raw)
    rest = rest.strip()
    if day is None and rest:  # the time first: "14h demain", "matin dimanche"
        head, _, tail = rest.partition(" ")
        if tail:
            day, after = _day(tail, now, raw)
            if day is not None and not after.strip():
                rest = head
    if rest in DAY_PARTS:
        hour, later = DAY_PARTS[rest]
        if day is None:  # "matin" alone: the next one (the night under way included)
            at = _at(now.date(), time(hour))
            if at < now - GRACE:
                at = _at(now.date() + timedelta(days=1), time(hour))
            return When(at, f"{_PART_LABELS.get(rest, rest)} = {hour}h")
        at = _at(day + timedelta(days=later), time(hour))
        return When(at, f"{_PART_LABELS.get(rest, rest)} = {hour}h" + (" (la nuit qui suit)" if later else ""))
    t = _parse_time(rest) if rest else None
    if t is None:
        if day is not None and not rest:
            at = _at(day, now.time().replace(second=0, microsecond=0))
            return When(at, "heure non précisée : même heure que maintenant")
        raise _refuse(raw)
    if day is not None and _END_OF_DAY.match(rest):
        # "samedi minuit", "samedi 24h": the midnight that ends Saturday, not the one that starts it
        night = f"{WEEKDAY_NAMES[day.weekday()]} à {WEEKDAY_NAMES[(day.weekday() + 1) % 7]}"
        return When(_at(day + timedelta(days=1), t), f"minuit = fin de la journée : nuit de {night}")
    if day is not None:
        return When(_at(day, t))
    candidate = _at(now.date(), t)
    return When(candidate if candidate >= now - GRACE else candidate + timedelta(days=1))


def parse_when(text: str, now: datetime) -> Optional[datetime]:
    """The moment typed, in Paris time; None means now. Raises ValueError with a French message."""
    when = explain_when(text, now)
    return None if when is None else when.at
