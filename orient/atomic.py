"""Whole files or nothing: a temporary file in the same folder, synced, then renamed."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path
from typing import Iterator, Union

# What a target that is not a regular file would be replaced by the rename (a device node, a FIFO…).
_KINDS = (
    (stat.S_ISDIR, "un dossier"),
    (stat.S_ISCHR, "un périphérique"),
    (stat.S_ISBLK, "un périphérique"),
    (stat.S_ISFIFO, "un tube (FIFO)"),
    (stat.S_ISSOCK, "une socket"),
)


class NotARegularFile(OSError):
    """The target exists and is not a regular file: writing would replace it. `strerror` is French."""

    def __init__(self, path: Path, kind: str) -> None:
        super().__init__(errno.EINVAL, f"{path} est {kind}, pas un fichier ordinaire : rien n'est écrit "
                                       "(donnez le chemin d'un fichier)")
        self.path = path

    def __str__(self) -> str:
        return self.strerror


def refusal(path: Union[str, Path]) -> "NotARegularFile | None":
    """Why `path` must not be written (it exists and is not a regular file), or None.
    Follows symlinks: a link to a regular file is fine, a link to a device is not."""
    path = Path(path)
    try:
        mode = os.stat(path).st_mode
    except OSError:  # missing (it will be created) or unreachable (the write itself will say why)
        return None
    if stat.S_ISREG(mode):
        return None
    kind = next((label for test, label in _KINDS if test(mode)), "un fichier spécial")
    return NotARegularFile(path, kind)


@contextlib.contextmanager
def replacing(path: Union[str, Path]) -> Iterator[Path]:
    """A temporary path next to `path` to write (by any means); when the block ends
    without error it is synced and renamed over `path`, else removed: a crash leaves
    the old file or the new one, never half of it. Raises NotARegularFile (an OSError)
    when `path` is a folder, a device, a FIFO or a socket: the rename would replace it
    (as root, `--out /dev/full` would have turned the device into a file)."""
    path = Path(path)
    refused = refusal(path)
    if refused is not None:
        raise refused
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        refused = refusal(path)  # swapped for a device while we wrote
        if refused is not None:
            raise refused
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def write_atomic(path: Union[str, Path], data: Union[str, bytes]) -> None:
    """Write `data` (text as UTF-8 with \\n line ends, or bytes) to `path` atomically
    (`replacing`: the old file or the new one, never half of it; NotARegularFile when
    `path` is not a regular file)."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with replacing(path) as tmp:
        tmp.write_bytes(payload)
