"""What the property tests draw: situations as the contract allows them, moments, places.

Hypothesis spends some 40 µs on each value a strategy draws: drawn as 24 values (a situation,
`st.one_of(st.none(), st.sampled_from(...))` per fact), 10 (a moment) and 2 (a commune), an example
cost 2 ms to draw, four times what `orient()` and the checks on its answer cost. Here an example
is one draw of random bytes (`examples`), decoded: 0.4 ms, Hypothesis's own cost of an example,
for the same values as often (each fact absent half of the time, each of its values equally
likely; moments uniform over the days and the hours, naive or aware, either fold, and around
every clock change; any place).

Each choice reads its own bytes, at the same place whatever the other choices (the alternatives of
`pick` are all decoded): Hypothesis shrinks a failing example's bytes towards zeros, which read as
the simplest example (no fact, the first moment, no place), one choice at a time.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import Callable, Sequence, TypeVar
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from orient.facts import FACTS
from orient.periods import PARIS

T = TypeVar("T")
UTC = timezone.utc


class Draw:
    """The choices of one example, read from its random bytes in order."""

    def __init__(self, data: bytes):
        self._data = data
        self._at = 0

    def below(self, n: int) -> int:
        """A number in range(n), each as likely as the others to within 1/256: one byte more than n needs."""
        size = ((n - 1).bit_length() + 7) // 8 + 1
        chunk = self._data[self._at:self._at + size]
        assert len(chunk) == size, "a part read more bytes than it did from zeros: decode every alternative"
        self._at += size
        return int.from_bytes(chunk, "big") % n

    @property
    def used(self) -> int:
        return self._at

    def pick(self, values: Sequence[T]) -> T:
        return values[self.below(len(values))]

    def maybe(self, values: Sequence[T]) -> T | None:
        """None (not known) half of the time, else one of the values."""
        i = self.below(2 * len(values))
        return None if i < len(values) else values[i - len(values)]


def _reader(parts: Sequence[Callable[[Draw], object]]) -> tuple[Callable[[Draw], tuple], int]:
    """What decodes one example from a Draw, and how many bytes it reads: the parts read as many
    bytes whatever the bytes are, as many as from zeros."""
    def read(draw: Draw) -> tuple:
        return tuple(part(draw) for part in parts)

    zeros = Draw(bytes(4096))
    read(zeros)
    return read, zeros.used


def examples(*parts: Callable[[Draw], object]) -> st.SearchStrategy[tuple]:
    """One example: a tuple of what each part decodes from the same random bytes, in turn.

    One draw, not one per part: Hypothesis's mutator copies a drawn value over another of the same
    strategy, and from parts drawn apart it would make several examples with the same situation
    (measured: 1,200 different situations in 3,000 examples, against 3,000 from one draw). No more
    bytes are drawn than the parts read (Hypothesis draws them one at a time)."""
    read, size = _reader(parts)
    return st.binary(min_size=size, max_size=size).map(lambda data: read(Draw(data)))


def batches(count: int, *parts: Callable[[Draw], object]) -> st.SearchStrategy[list[tuple]]:
    """`count` examples, each decoded from its own stretch of one draw of bytes, as `examples`.

    Hypothesis's own cost of an example (0.5 ms: its engine and the draw) is as much as orient()
    and the checks on the answer; a batch pays it once for `count` situations. A failing batch
    shrinks as an example does: the situations that pass become the simplest (zeros)."""
    read, size = _reader(parts)
    return st.binary(min_size=count * size, max_size=count * size).map(
        lambda data: [read(Draw(data[i * size:(i + 1) * size])) for i in range(count)])


# --- situations -------------------------------------------------------------------------------

# Age: the thresholds the rules use, or any age in range (half of the known ages each).
AGE_THRESHOLDS = (0, 1, 10, 11, 15, 16, 65, 66, 130)
VITAL_SIGNS = tuple(value for value in FACTS["red_flag"] if value != "none")


def age(draw: Draw) -> int | None:
    return draw.maybe((draw.pick(AGE_THRESHOLDS), draw.below(131)))


def situation(draw: Draw) -> dict:
    """Any subset of the facts, each with an allowed value."""
    facts = {name: age(draw) if values is None else draw.maybe(values) for name, values in FACTS.items()}
    return {name: value for name, value in facts.items() if value is not None}


def emergency(draw: Draw) -> dict:
    """Any situation with a vital sign: the invariant's case, drawn often."""
    return {**situation(draw), "red_flag": draw.pick(VITAL_SIGNS)}


def situation_or_emergency(draw: Draw) -> dict:
    return draw.pick((situation(draw), emergency(draw)))


# --- moments ----------------------------------------------------------------------------------

MICROSECONDS_A_DAY = 24 * 3600 * 10**6
FIRST_DAY, END_DAY = date(2025, 1, 1), date(2028, 12, 31)
# The instant offsets a moment is given in: Paris, UTC, and others of France and elsewhere.
OFFSETS = (PARIS, UTC, timezone(timedelta(hours=-5)), timezone(timedelta(hours=5, minutes=30)),
           ZoneInfo("America/Cayenne"), ZoneInfo("Indian/Reunion"))
# The clock changes of Europe/Paris from 2025 to 2028: (day, is_spring). At 02:00 (spring) the
# clocks jump to 03:00; at 03:00 (autumn) they go back to 02:00. All are Sundays.
CLOCK_CHANGES = ((date(2025, 3, 30), True), (date(2025, 10, 26), False),
                 (date(2026, 3, 29), True), (date(2026, 10, 25), False),
                 (date(2027, 3, 28), True), (date(2027, 10, 31), False),
                 (date(2028, 3, 26), True), (date(2028, 10, 29), False))


def wall_time(draw: Draw, first: date = FIRST_DAY, end: date = END_DAY) -> datetime:
    """A naive moment from `first` 00:00 to before `end`, to the microsecond, either fold."""
    day = first + timedelta(days=draw.below((end - first).days))
    at = datetime.combine(day, time()) + timedelta(microseconds=draw.below(MICROSECONDS_A_DAY))
    return at.replace(fold=draw.below(2))


def aware_moment(draw: Draw) -> datetime:
    """A wall time in one of the offsets (in the spring gap or either fold of the autumn overlap too)."""
    return wall_time(draw).replace(tzinfo=draw.pick(OFFSETS))


def clock_change_moment(draw: Draw) -> datetime:
    """A moment within 10 hours of a clock change: naive wall time (in the gap, in the overlap,
    either fold) or the same instant in another offset."""
    day, _spring = draw.pick(CLOCK_CHANGES)
    minutes = draw.below(20 * 60 + 1) - 10 * 60
    seconds = draw.pick((0, 0, 0, 59))
    wall = datetime.combine(day, time(2, 30)) + timedelta(minutes=minutes, seconds=seconds)
    instant = wall.replace(tzinfo=PARIS).astimezone(UTC)
    return draw.pick((wall, wall.replace(fold=1), wall.replace(tzinfo=PARIS), wall.replace(tzinfo=PARIS, fold=1),
                      instant, instant.astimezone(draw.pick(OFFSETS))))


def moment(draw: Draw) -> datetime:
    """Naive (Paris wall time), aware, or around a clock change: a third each."""
    return draw.pick((wall_time(draw), aware_moment(draw), clock_change_moment(draw)))
