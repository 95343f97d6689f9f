"""A store's directory that falls back to another source, and which store files may be trusted.

Lower than `orient.cache` and `orient.store.shared`, which both use them (no import loop).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Optional

from orient.userdirs import unsafe_reason


def store_refused(path: Path) -> Optional[str]:
    """Why a store file (or its folder) must be neither read nor written: a link, another
    owner, writable by others (`orient.userdirs.unsafe_reason`); None when fine or missing
    (then created private)."""
    for where, folder in ((path.parent, True), (path, False)):
        why = unsafe_reason(where, folder=folder)
        if why is not None and why != "missing" and not why.startswith("unreadable"):
            return f"{where}: {why}"  # (unreadable: nothing is read from it, and writing fails)
    return None


class FallbackDirectory:
    """A store's directory that, if the store fails while answering (a file damaged after it
    was opened, a lost server), switches for good to another directory and asks it again:
    the answer comes, a little later, never a traceback. `fell_back` says why; `notice` is
    the French warning an answer then carries (None when the answer is the same anyway)."""

    def __init__(self, primary: Any, fallback: Callable[[], Any], errors: tuple[type, ...],
                 notice: Optional[str] = None, *, degraded: bool = False):
        self._active = primary
        self._fallback = fallback
        self._errors = errors
        self._notice = notice
        self._degraded = degraded  # already answering from a second-best source
        self.fell_back: Optional[str] = None

    @property
    def notice(self) -> Optional[str]:
        """The warning for the answers: this directory's own once degraded, else that of the
        directory it fell back to (which may be degraded itself)."""
        if self._degraded:
            return self._notice
        if self.fell_back is None:
            return None
        return self._notice or getattr(self._active, "notice", None)

    def _switch(self, exc: BaseException) -> None:
        if self.fell_back is None:
            self.fell_back = f"{type(exc).__name__}: {exc}"
            self._active = self._fallback()

    def __getattr__(self, name: str) -> Any:
        try:
            target = getattr(self._active, name)
        except self._errors as exc:
            self._switch(exc)
            target = getattr(self._active, name)
        if not callable(target):
            return target

        def call(*args, **kwargs):
            try:
                return target(*args, **kwargs)
            except self._errors as exc:
                if self.fell_back is not None:
                    raise
                self._switch(exc)
                return getattr(self._active, name)(*args, **kwargs)
        return call

    def __len__(self) -> int:
        return self.__getattr__("__len__")()

    def __iter__(self):
        return iter(self.services)
