"""orient's folders under the user's XDG base directories (data, config, cache)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Mapping, Optional

_FALLBACKS = {
    "XDG_DATA_HOME": (".local", "share"),
    "XDG_CONFIG_HOME": (".config",),
    "XDG_CACHE_HOME": (".cache",),
}


def orient_dir(variable: str, environ: Optional[Mapping[str, str]] = None) -> Path:
    """`$VARIABLE/orient`, or its home fallback; a relative value is ignored, as the XDG spec says."""
    env = os.environ if environ is None else environ
    base = env.get(variable, "").strip()
    root = Path(base) if base and Path(base).is_absolute() else Path.home().joinpath(*_FALLBACKS[variable])
    return root / "orient"


def unsafe_reason(path: Path, *, folder: bool) -> Optional[str]:
    """Why `path` may not be trusted as the user's own file or folder (None when it may):
    a link, another type, another owner, or writable by others. On a shared machine anyone
    able to write there could plant what the next orient reads."""
    import stat

    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return "missing"
    except OSError as exc:
        return f"unreadable ({exc.strerror or exc})"
    if stat.S_ISLNK(st.st_mode):
        return "a symbolic link"
    if folder and not stat.S_ISDIR(st.st_mode):
        return "not a folder"
    if not folder and not stat.S_ISREG(st.st_mode):
        return "not a regular file"
    if hasattr(os, "geteuid") and st.st_uid != os.geteuid():
        return f"owned by another user (uid {st.st_uid})"
    if st.st_mode & 0o022:
        return "writable by other users"
    return None


def private_dir(path: Path) -> Path:
    """`path` as a folder only the user can write: created 0700 if missing; PermissionError
    naming the reason when it exists and is not private."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    reason = unsafe_reason(path, folder=True)
    if reason is not None:
        raise PermissionError(f"{path} : dossier non privé ({reason})")
    return path


def safe_private_file(path: Path) -> bool:
    """True when `path` is a regular file of the user's, in a private folder, that nobody
    else can write: safe to read something that can run code (a pickle)."""
    path = Path(path)
    return unsafe_reason(path.parent, folder=True) is None and unsafe_reason(path, folder=False) is None
