"""What the screens share: the app as they see it (`Host`), the situation line, a phone in large digits,
the footer, a one-line field that takes a paste of several lines whole."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Protocol

from textual import events
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from orient.ui import views

if TYPE_CHECKING:
    from orient.ui.controller import Counter


class Host(Protocol):
    """What screens read from the app: the controller (the case, the clock, the gazetteer), the settings
    of the fields and the names of the keys. They post messages for everything else."""

    counter: "Counter"
    cursor_blink: bool
    live_clock: bool
    key_label: Callable[[str, str], str]


PHONE_DIGITS = set("0123456789 +")


def large_phone(rec) -> bool:
    """A number to dial, shown in large digits."""
    return rec.action in ("call", "sms") and bool(rec.phone) and set(rec.phone) <= PHONE_DIGITS


def draw_situation(screen: Screen, counter: "Counter") -> None:
    """The situation line of the questions and the answer (place · moment — period, from the controller),
    fitted to the screen's width (padding 1 each side)."""
    case = counter.case
    at, period = counter.situation()
    line = screen.query_one("#situation", Static)
    line.update(views.situation(case.commune, counter.desk_time(at), period, case.commune_not_found,
                                counter.home_dept,
                                hour_not_understood=case.hour_not_understood,
                                width=screen.app.size.width - 2))


class KeysFooter(Footer):
    """Textual's footer, rebuilt only when the keys it shows change.

    Textual's own rebuilds all its key widgets each time the screen's bindings are refreshed (every
    focus change, every answer on the question screen), for the same keys: most of the work of a key
    press. Here a refresh rebuilds it only if its keys differ from those of the last build, and not
    again while a rebuild is pending (that one reads the keys when it runs)."""

    _built: object = None  # the keys of the last build; None before the bindings are ready
    _pending = False

    def _keys_shown(self) -> list:
        return [(binding, self.app.get_key_display(binding), enabled, tooltip)
                for _node, binding, enabled, tooltip in self.screen.active_bindings.values() if binding.show]

    def compose(self) -> ComposeResult:
        self._pending = False
        self._built = self._keys_shown() if self._bindings_ready else None
        yield from super().compose()

    def bindings_changed(self, screen: Screen) -> None:
        if self._pending or (self._built is not None and self._keys_shown() == self._built):
            return
        super().bindings_changed(screen)
        self._pending = screen.app.app_focus and self.is_attached and screen is self.screen  # as Textual's


class OneLineInput(Input):
    """A one-line field that takes a text pasted on several lines whole, its lines joined by `joiner`:
    Textual's Input keeps the first line only (an address copied from a letter lost its town,
    "samedi⏎22h" its hour, a note its end; a paste starting with an empty line gave nothing)."""

    def __init__(self, *args, joiner: str = " ", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.joiner = joiner

    def _on_paste(self, event: events.Paste) -> None:
        lines = [line.strip() for line in event.text.splitlines() if line.strip()]
        event.stop()
        event.prevent_default()  # Input's own handler (it would insert the first line again)
        if lines:
            super()._on_paste(events.Paste(self.joiner.join(lines)))
