"""A compact load cache: the parsed rules and directory, ready to use, in one file.

Reading the YAML (rules with their examples, services with their phones and
opening hours checked) costs most of an `orient ask`; at national scale it takes
tens of seconds. `load_knowledge_parts` keeps what the loaders built in a file
under the user's cache folder and reads it back when nothing changed:

- the key is a content hash: every file of the rules and directory folders
  (names and bytes), the gazetteer file, the orient version, the Python
  version, the orient source files (name, size, modification time) and the
  installed parsers the loaders depend on. Any change gives another key, and
  the file is rebuilt from the YAML: a stale cache never answers;
- a file that is truncated, corrupt (checksum), from another format or another
  version is ignored and rebuilt; loading errors (`DataError`) are never cached;
- written atomically (a temporary file in the same folder, then `os.replace`);
- one file per pair of data folders, overwritten when its key changes; at most
  MAX_FILES files in the folder (the oldest go);
- services are stored by column with shared values (the same opening hours,
  capabilities, commune codes… once), which keeps both the file and the
  memory of a national directory small.

Where: `$ORIENT_CACHE_DIR`, else `$XDG_CACHE_HOME/orient`, else `~/.cache/orient`.
`ORIENT_CACHE=off` turns it off. The file is a pickle: it is read only when it and its
folder belong to the user and nobody else can write them (`orient.userdirs.safe_private_file`);
a shared or foreign cache folder is neither read nor written (the data is loaded from the YAML).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping, Optional

from orient.userdirs import orient_dir, private_dir, safe_private_file, unsafe_reason
from orient.vocabulary import OFF_VALUES

if TYPE_CHECKING:
    from orient.directory.catalog import Directory
    from orient.engine.model import RuleSet

CACHE_ENV = "ORIENT_CACHE"
CACHE_DIR_ENV = "ORIENT_CACHE_DIR"
FORMAT = 1
MAGIC = b"orient-knowledge-cache\n"
# Parsers whose version can change what the loaders build or accept.
DEPENDENCIES = ("yaml", "phonenumbers", "opening_hours", "holidays")
# Sub-packages that cannot change what the loaders build (left out of the code stamp, so
# that editing the UI does not throw the cache away).
NOT_LOADING_CODE = ("ui", "render", "commands", "bench")
MAX_FILES = 8  # cache files kept in the folder, newest first
STALE_TEMPORARY_S = 3600


# What the last `load_knowledge_parts` did, for `orient bench` and the tests:
# "hit", "built" (written), "built, not written", "off", or "rebuilt: <why>".
last_status = ""


def enabled(environ: Optional[Mapping[str, str]] = None) -> bool:
    env = os.environ if environ is None else environ
    return env.get(CACHE_ENV, "").strip().lower() not in OFF_VALUES


def cache_dir(environ: Optional[Mapping[str, str]] = None) -> Path:
    env = os.environ if environ is None else environ
    explicit = env.get(CACHE_DIR_ENV, "").strip()
    if explicit:
        return Path(explicit).expanduser()
    return orient_dir("XDG_CACHE_HOME", env)


# --- the key -----------------------------------------------------------------------------


def _hash_tree(digest: Any, root: Path) -> None:
    """Names and bytes of every regular file under `root` (or of `root` itself)."""
    if root.is_file():
        files = [root]
        base = root.parent
    else:
        files = sorted(p for p in root.rglob("*") if p.is_file())
        base = root
    digest.update(f"{len(files)}\0".encode())
    for p in files:
        data = p.read_bytes()
        digest.update(f"{p.relative_to(base).as_posix()}\0{len(data)}\0".encode())
        digest.update(data)


def _code_stamp(digest: Any) -> None:
    """The orient source files (name, size, mtime; not NOT_LOADING_CODE) and the
    dependencies' entry points."""
    import orient

    package = Path(orient.__file__).resolve().parent
    digest.update(f"orient {orient.__version__}\0{sys.version}\0{sys.implementation.cache_tag}\0".encode())
    skipped = {package / name for name in NOT_LOADING_CODE}
    stack = [package]
    entries = []
    while stack:
        folder = stack.pop()
        with os.scandir(folder) as it:
            for e in it:
                if e.is_dir(follow_symlinks=False):
                    if e.name != "__pycache__" and not e.name.startswith(".") and folder / e.name not in skipped:
                        stack.append(Path(e.path))
                elif e.name.endswith(".py"):
                    st = e.stat()
                    entries.append(f"{Path(e.path).relative_to(package).as_posix()}\0{st.st_size}\0{st.st_mtime_ns}")
    digest.update("\n".join(sorted(entries)).encode())
    import importlib.util

    for name in DEPENDENCIES:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        origin = getattr(spec, "origin", None)
        if origin and os.path.exists(origin):
            st = os.stat(origin)
            folder = os.stat(os.path.dirname(origin))
            digest.update(f"\0{name}\0{origin}\0{st.st_size}\0{st.st_mtime_ns}\0{folder.st_mtime_ns}".encode())
        else:
            digest.update(f"\0{name}\0missing".encode())


def knowledge_key(rules_dir: Path, directory_dir: Path, gazetteer_file: Path) -> str:
    """The content hash the cached rules and directory are valid for."""
    digest = hashlib.sha256(f"orient-cache {FORMAT}\0".encode())
    _code_stamp(digest)
    for label, root in (("rules", rules_dir), ("directory", directory_dir), ("gazetteer", gazetteer_file)):
        digest.update(f"\0{label}\0{Path(root).resolve()}\0".encode())
        _hash_tree(digest, Path(root))
    return digest.hexdigest()


def cache_file(rules_dir: Path, directory_dir: Path, folder: Optional[Path] = None) -> Path:
    """The cache file for this pair of data folders (one per pair, whatever their content)."""
    where = hashlib.sha256(f"{Path(rules_dir).resolve()}\0{Path(directory_dir).resolve()}".encode()).hexdigest()
    return (folder or cache_dir()) / f"knowledge-{where[:20]}.pickle"


# --- the file -----------------------------------------------------------------------------


def _checksum(payload) -> bytes:
    return hashlib.blake2b(payload, digest_size=16).hexdigest().encode()


def read(path: Path, key: str) -> tuple[Optional[dict], str]:
    """(the payload stored under `key`, "") or (None, why not: missing, another key,
    another format, corrupt, unreadable, not private)."""
    path = Path(path)
    if not path.exists() and not path.is_symlink():
        return None, "no cache file"
    if not safe_private_file(path):
        reason = unsafe_reason(path.parent, folder=True) or unsafe_reason(path, folder=False)
        return None, f"not read: not private ({reason})"
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None, "no cache file"
    except OSError as exc:
        return None, f"unreadable ({exc.strerror or exc})"
    if not data.startswith(MAGIC):
        return None, "not a cache file"
    head = MAGIC + f"{FORMAT}\n{key}\n".encode()
    if not data.startswith(head):
        same_format = data.startswith(MAGIC + f"{FORMAT}\n".encode())
        return None, "data or code changed" if same_format else "another cache format"
    end = data.find(b"\n", len(head))
    payload = memoryview(data)[end + 1:]  # no copy: a national directory is tens of megabytes
    if end < 0 or data[len(head):end] != _checksum(payload):
        return None, "corrupt (checksum)"
    try:
        value = pickle.loads(payload)
    except Exception as exc:  # noqa: BLE001 — any failure means: rebuild
        return None, f"corrupt ({type(exc).__name__})"
    if not isinstance(value, dict) or value.get("key") != key:
        return None, "corrupt (key)"
    return value, ""


def write(path: Path, key: str, value: dict) -> bool:
    """Write atomically; False when the cache folder is not writable (the answer does not need it)."""
    from orient.atomic import write_atomic

    path = Path(path)
    try:
        payload = pickle.dumps(dict(value, key=key), protocol=pickle.HIGHEST_PROTOCOL)
        private_dir(path.parent)  # never into a folder others can write (PermissionError)
        write_atomic(path, MAGIC + f"{FORMAT}\n{key}\n".encode() + _checksum(payload) + b"\n" + payload)
    except (OSError, pickle.PicklingError, TypeError, AttributeError, RecursionError):
        return False
    prune(path.parent, keep=path)
    return True


def prune(folder: Path, keep: Optional[Path] = None, most: int = MAX_FILES) -> None:
    """Keep the cache folder small: the `most` newest files (tests and benchmarks load
    many temporary folders; each would otherwise leave its file behind)."""
    try:
        files = [(p.stat().st_mtime_ns, p) for p in Path(folder).glob("knowledge-*.pickle") if p != keep]
        # Temporary files of a writer killed before its rename (write_atomic), an hour old.
        stale = time.time() - STALE_TEMPORARY_S
        leftovers = [p for p in Path(folder).glob(".knowledge-*.tmp") if p.stat().st_mtime < stale]
    except OSError:
        return
    for p in leftovers:
        try:
            p.unlink()
        except OSError:
            pass
    files.sort(reverse=True)
    for _, p in files[max(0, most - 1):]:
        try:
            p.unlink()
        except OSError:
            pass


# --- services by column -------------------------------------------------------------------


def _service_fields() -> tuple[str, ...]:
    from dataclasses import fields

    from orient.directory.model import Service

    return tuple(f.name for f in fields(Service))


def pack_services(services) -> dict:
    """Services as columns, equal values stored once."""
    names = _service_fields()
    columns = []
    for name in names:
        shared: dict = {}
        column = []
        for s in services:
            value = getattr(s, name)
            try:
                value = shared.setdefault(value, value)
            except TypeError:  # unhashable: keep as is
                pass
            column.append(value)
        columns.append(column)
    return {"fields": names, "columns": columns, "count": len(services)}


def unpack_services(packed: dict) -> list:
    from orient.directory.model import Service

    if tuple(packed["fields"]) != _service_fields():
        raise ValueError("the Service fields changed")
    rows = zip(*packed["columns"])
    services = [Service(*row) for row in rows]
    if len(services) != packed["count"]:
        raise ValueError("truncated columns")
    return services


# --- rules and directory ------------------------------------------------------------------


def build_parts(rules_dir: Path, directory_dir: Path, gazetteer) -> tuple["RuleSet", "Directory"]:
    """The loaders, as without a cache (DataError on any problem, rules first): what
    `orient check` refuses, including a fixed number the rules name and the directory lacks."""
    from orient.directory.catalog import Directory
    from orient.directory.fixed import missing_fixed_problems
    from orient.engine import load_rules
    from orient.problems import DataError

    rules = load_rules(rules_dir)
    directory = Directory.load(directory_dir, gazetteer)
    missing = missing_fixed_problems(rules, lambda sid: directory.get(sid) is not None, str(directory_dir))
    if missing:
        raise DataError(missing)
    return rules, directory


def load_knowledge_parts(rules_dir: Path, directory_dir: Path, gazetteer,
                         build: Optional[Callable[[], tuple[Any, Any]]] = None) -> tuple["RuleSet", "Directory"]:
    """The rules and directory of these folders, from the cache when it holds them, else
    from the YAML (then stored). Raises what the loaders raise (DataError, OSError)."""
    global last_status
    rules_dir, directory_dir = Path(rules_dir), Path(directory_dir)
    build = build or (lambda: build_parts(rules_dir, directory_dir, gazetteer))
    source = getattr(gazetteer, "_source", "")
    last_status = "off"
    if not enabled() or not source or not rules_dir.exists() or not directory_dir.is_dir():
        return build()
    try:
        key = knowledge_key(rules_dir, directory_dir, Path(source))
    except OSError:
        return build()
    path = cache_file(rules_dir, directory_dir)
    payload, why = read(path, key)
    if payload is not None:
        try:
            parts = _restore(payload, gazetteer)
        except Exception as exc:  # noqa: BLE001 — a payload that does not fit this code: rebuild
            why = f"does not fit this code ({type(exc).__name__})"
        else:
            last_status = "hit"
            return parts
    last_status = f"rebuilt: {why}"
    rules, directory = build()
    try:
        if knowledge_key(rules_dir, directory_dir, Path(source)) != key:
            last_status += "; not written (a file changed while loading)"
            return rules, directory  # do not store a mix
    except OSError:
        return rules, directory
    if not write(path, key, {
        "rules": rules,
        "services": pack_services(directory.services),
        "sectors": list(directory.rota.sectors),
        "fingerprint": directory.fingerprint,
        "area": sorted(directory.area),
    }):
        last_status += "; not written (cache folder not writable)"
    return rules, directory


def _restore(payload: dict, gazetteer) -> tuple["RuleSet", "Directory"]:
    from orient.directory.catalog import Directory

    services = unpack_services(payload["services"])
    directory = Directory(services, payload["sectors"], gazetteer, payload["fingerprint"], payload["area"])
    return payload["rules"], directory


def clear(folder: Optional[Path] = None) -> int:
    """Remove the cache files; returns how many."""
    folder = folder or cache_dir()
    count = 0
    for p in Path(folder).glob("knowledge-*.pickle"):
        try:
            p.unlink()
            count += 1
        except OSError:
            pass
    return count
