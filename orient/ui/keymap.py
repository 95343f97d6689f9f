"""Remapping keys: a small TOML file binding ids to keys, read at start-up.

    # ~/.config/orient/keymap.toml (or the file named by $ORIENT_KEYMAP)
    [keymap]
    "app.next_patient" = "f5"
    "answer.handout" = "i,f"

Every binding of the UI has an id (see docs/ui.md, or F1 in the app). Problems
(unknown id, unreadable file) are returned as French messages, never raised:
a broken keymap must not keep the counter from working. No Textual here.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Mapping, Optional

from orient.userdirs import orient_dir

KEYMAP_ENV = "ORIENT_KEYMAP"


def default_keymap_path(environ: Optional[Mapping[str, str]] = None) -> Path:
    env = os.environ if environ is None else environ
    explicit = env.get(KEYMAP_ENV, "").strip()
    if explicit:
        return Path(explicit).expanduser()
    return orient_dir("XDG_CONFIG_HOME", env) / "keymap.toml"


def load_keymap(path: Path, known_ids: Iterable[str]) -> tuple[dict[str, str], list[str]]:
    """(keymap, problems). A missing file is an empty keymap without problem."""
    try:
        import tomllib
    except ImportError:  # Python 3.10
        try:
            import tomli as tomllib  # type: ignore[no-redef]
        except ImportError:
            return {}, [f"{path} : lecture TOML indisponible (Python 3.11+ ou tomli)"]
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}, []
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return {}, [f"{path} : fichier de touches illisible ({exc})"]
    table = data.get("keymap", {})
    if not isinstance(table, dict):
        return {}, [f"{path} : [keymap] doit être une table id = \"touche\""]
    known = set(known_ids)
    keymap: dict[str, str] = {}
    problems: list[str] = []
    for binding_id, keys in table.items():
        if binding_id not in known:
            problems.append(f"{path} : identifiant de touche inconnu « {binding_id} »")
        elif not isinstance(keys, str) or not keys.strip():
            problems.append(f"{path} : « {binding_id} » doit recevoir une touche, par exemple \"f5\"")
        else:
            keymap[binding_id] = keys.strip()
    return keymap, problems


KEY_NAMES = {
    "escape": "Échap", "enter": "Entrée", "backspace": "⌫", "question_mark": "?", "tab": "Tab",
    "up": "↑", "down": "↓", "left": "←", "right": "→", "space": "Espace", "delete": "Suppr",
    "pageup": "PgPréc", "pagedown": "PgSuiv", "home": "Début", "end": "Fin",
}


def key_name(key: str) -> str:
    """French display of one Textual key name: 'escape' → 'Échap', 'ctrl+q' → 'Ctrl+Q'."""
    *modifiers, last = key.split("+")
    shown = KEY_NAMES.get(last, last.upper() if len(last) > 1 or modifiers else last)
    return "+".join([m.capitalize() for m in modifiers] + [shown])


def key_label(keymap: Mapping[str, str], binding_id: str, default: str) -> str:
    """How to name, in a sentence, the key currently bound to binding_id."""
    keys = keymap.get(binding_id)
    if not keys:
        return default
    return key_name(keys.split(",")[0].strip())
