"""Objects holding a file or a connection, usable in a `with` block that closes them."""

from typing import TypeVar

_Self = TypeVar("_Self", bound="Closing")


class Closing:
    """Mixed into a class with a `close()` method: `with Journal(...) as journal:` closes it on leaving."""

    __slots__ = ()

    def __enter__(self: _Self) -> _Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()  # type: ignore[attr-defined]
