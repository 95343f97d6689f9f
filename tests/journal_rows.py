"""The journal rows of tests/test_journal.py, apart from it: the killed-writer test's writer process
loads this file alone (the test module would import pytest and hypothesis first, 0.35 s of each
of its 8 processes)."""

from __future__ import annotations

from datetime import datetime, timedelta

from orient.answer import Answer, CommuneRef, Recommendation
from orient.journal import PERIODS


def recommendation(rank: int, kind: str, **extra) -> Recommendation:
    return Recommendation(rank=rank, kind=kind, action="call", name=f"Service {kind}", rule=f"rule.{kind}",
                          why="Parce que.", sources=["R6315-1 CSP"], **extra)


def answer(at: datetime, period: str = "weekday_day", commune: CommuneRef | None = None,
           kinds: tuple[str, ...] = ("emergency_15",)) -> Answer:
    return Answer(at=at, period=period, commune=commune, missing=[],
                  recommendations=[recommendation(i + 1, kind) for i, kind in enumerate(kinds)])


def killed_writer_answer(i: int) -> Answer:
    """Row i of the killed-writer test, rebuilt identically by the test to check each row."""
    kinds = ("emergency_15", "pdsa_3966", "pharmacie_garde", "msp", "cpam")
    commune = CommuneRef(code=f"32{i % 463 + 1:03d}", name="X", lat=0.0, lon=0.0) if i % 7 else None
    return answer(datetime(2026, 1, 1) + timedelta(hours=i),
                  period=PERIODS[i % len(PERIODS)], commune=commune,
                  kinds=tuple(kinds[(i + k) % len(kinds)] for k in range(1 + i % 3)))


def killed_writer_facts(i: int) -> dict:
    return {"red_flag": "none", "need": "consult", "age": i % 100, "has_gp": ("yes", "no")[i % 2],
            "fever": ("yes", "no")[i % 3 % 2]}
