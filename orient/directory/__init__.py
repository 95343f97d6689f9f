"""The services directory and the gazetteer.

`Directory.load(paths.directory_dir(), default_gazetteer())` gives the embedded
Gers directory. Names are imported lazily so that `orient.directory.gazetteer`
(used by `orient communes`) does not pay for YAML, opening hours or phones.
"""

from __future__ import annotations

from typing import Any

from orient.directory.model import CAPABILITIES, CONTRACT_KINDS, EXTRA_KINDS, KINDS, HoursStatus, Placed, Service

_LAZY = {
    "Directory": "orient.directory.catalog",
    "check_directory": "orient.directory.check",
    "fingerprint": "orient.directory.loading",
    "format_phone": "orient.directory.phones",
    "hours_status": "orient.directory.hours",
}

__all__ = ["CAPABILITIES", "CONTRACT_KINDS", "EXTRA_KINDS", "KINDS", "HoursStatus", "Placed", "Service", *_LAZY]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'orient.directory' has no attribute '{name}'")
    import importlib

    return getattr(importlib.import_module(module), name)
