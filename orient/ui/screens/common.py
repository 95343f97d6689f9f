"""What the screens share: the app as they see it (`Host`), the situation line, a phone in large digits."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Mapping, Protocol

from textual.screen import Screen
from textual.widgets import Static

from orient.ui import views

if TYPE_CHECKING:
    from orient.ui.case import Case
    from orient.ui.controller import Counter


class Host(Protocol):
    """What screens read from the app (they post messages for everything else)."""

    counter: "Counter"
    keymap: Mapping[str, str]
    cursor_blink: bool
    live_clock: bool
    home_dept: str
    key_label: Callable[[str, str], str]


PHONE_DIGITS = set("0123456789 +")


def large_phone(rec) -> bool:
    """A number to dial, shown in large digits."""
    return rec.action in ("call", "sms") and bool(rec.phone) and set(rec.phone) <= PHONE_DIGITS


def draw_situation(screen: Screen, case: "Case", at, period: str) -> None:
    """The situation line of the questions and the answer, fitted to the screen's width (padding 1 each side)."""
    line = screen.query_one("#situation", Static)
    line.update(views.situation(case.commune, at, period, case.commune_not_found, screen.app.home_dept,
                                width=screen.app.size.width - 2))
