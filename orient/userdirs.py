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
