"""The "quand ?" field: a moment as an agent types it, in French.

Accepted (case and accents ignored):
- empty, "maintenant": now;
- a time: "22h", "22h30", "22:30", "8 h", "midi", "minuit" — the next such time
  (today, or tomorrow when it is already more than 30 minutes past);
- a day then a time: "demain 8h", "aujourd'hui 14h", "samedi 14h" (the next
  Saturday, today included), "28/11 14h", "28/11/2026 14h00";
- "ce soir" (today 21h), "cette nuit" (the next 2h);
- ISO 8601 as on the command line: "2026-11-28T14:00".
No Textual here.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timedelta
from typing import Optional

from orient.vocabulary import to_paris

WEEKDAY_NAMES = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
HELP = "écrivez par exemple 22h, demain 8h, samedi 14h, 28/11 14h ou laissez vide pour maintenant"
GRACE = timedelta(minutes=30)

_TIME = re.compile(r"^(\d{1,2})\s*(?:h|:)\s*(\d{2})?$|^(\d{1,2})$")
_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})(?:/(\d{2}|\d{4}))?$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.strip().lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", text.replace("’", "'"))


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


def parse_when(text: str, now: datetime) -> Optional[datetime]:
    """The moment typed, in Paris time; None means now. Raises ValueError with a French message."""
    now = to_paris(now)
    raw = text.strip()
    folded = _fold(raw)
    if folded in ("", "maintenant", "now", "tout de suite"):
        return None
    if _ISO.match(raw):
        from orient.periods import parse_moment  # the CLI's own ISO parsing

        try:
            return parse_moment(raw)
        except ValueError:
            raise ValueError(f"date non comprise : « {raw} » ; {HELP}") from None
    if folded == "ce soir":
        return _at(now.date(), time(21, 0))
    if folded == "cette nuit":
        candidate = _at(now.date(), time(2, 0))
        return candidate if candidate >= now - GRACE else candidate + timedelta(days=1)

    day: Optional[date] = None
    rest = folded
    words = folded.split(" ", 1)
    head, tail = words[0], (words[1] if len(words) > 1 else "")
    if head in ("aujourd'hui", "aujourdhui"):
        day, rest = now.date(), tail
    elif head == "demain":
        day, rest = now.date() + timedelta(days=1), tail
    elif head in WEEKDAY_NAMES:
        ahead = (WEEKDAY_NAMES.index(head) - now.weekday()) % 7
        day, rest = now.date() + timedelta(days=ahead), tail
    else:
        m = _DATE.match(head)
        if m:
            d, mo, y = int(m.group(1)), int(m.group(2)), m.group(3)
            year = now.year if y is None else (int(y) + 2000 if len(y) == 2 else int(y))
            try:
                day = date(year, mo, d)
            except ValueError:
                raise ValueError(f"date impossible : « {head} » ; {HELP}") from None
            rest = tail
    rest = rest.strip()
    if rest.startswith("a "):  # "demain à 8h"
        rest = rest[2:].strip()

    if day is not None and rest in ("soir", "ce soir"):
        return _at(day, time(21, 0))
    t = _parse_time(rest) if rest else None
    if t is None:
        if day is not None and not rest:
            raise ValueError(f"précisez l'heure : « {raw} 14h » par exemple ; {HELP}")
        raise ValueError(f"heure non comprise : « {raw} » ; {HELP}")
    if day is not None:
        return _at(day, t)
    candidate = _at(now.date(), t)
    return candidate if candidate >= now - GRACE else candidate + timedelta(days=1)
