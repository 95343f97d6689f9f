"""The load path of rules and directory, and its cache: a SQLite store compiled from the YAML.

Reading the YAML (rules with their examples, services with their phones and
opening hours checked) costs most of an `orient ask`; at national scale it takes
tens of seconds. `load_knowledge_parts` compiles what the loaders built into a
SQLite store (`orient.store.sqlite`) under the user's cache folder, and opens it
read-only when nothing changed; an orientation then reads only the services it
ranks:

- the key is a content hash: every file of the rules and directory folders
  (names and bytes; through symbolic links to folders), the gazetteer file, the orient version, the Python
  version, the orient source files (name, size, modification time) and the
  installed parsers the loaders depend on. Any change gives another key, and
  the store is rebuilt from the YAML: a stale store never answers;
- the YAML stays the source of truth, checked by the same loaders as
  `orient check`; loading errors (`DataError`) are never stored;
- a file that is damaged, of another schema version or another key is rebuilt;
  a damage found only while answering switches the process to the YAML
  (`FallbackDirectory`): an answer never fails on the store;
- written atomically (a temporary file in the same folder, then `os.replace`);
- the folder and the file must belong to the user and be writable by nobody
  else, else they are not used (`userdirs.unsafe_reason`; `store_refused`);
- one file per pair of data folders, at most MAX_FILES in the folder.

Where: `$ORIENT_CACHE_DIR`, else `$XDG_CACHE_HOME/orient`, else `~/.cache/orient`.
`ORIENT_CACHE=off` turns it off (the YAML is read in memory).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping, Optional

from orient.store.fallback import FallbackDirectory, store_refused  # noqa: F401 (orient.cache.FallbackDirectory)
from orient.userdirs import orient_dir, private_dir
from orient.vocabulary import OFF_VALUES

if TYPE_CHECKING:
    from orient.directory.catalog import Directory
    from orient.engine.model import RuleSet

CACHE_ENV = "ORIENT_CACHE"
CACHE_DIR_ENV = "ORIENT_CACHE_DIR"
FORMAT = 2  # 1 was the pickle
# Parsers whose version can change what the loaders build or accept.
DEPENDENCIES = ("yaml", "phonenumbers", "opening_hours")
# Sub-packages that cannot change what the loaders build (left out of the code stamp, so
# that editing the UI does not throw the cache away).
NOT_LOADING_CODE = ("ui", "render", "commands", "bench")
STALE_TEMPORARY_S = 3600
MAX_FILES = 8  # cache files kept in the folder, newest first


# What the last `load_knowledge_parts` did, for `orient bench` and the tests:
# "hit", "off", "rebuilt: <why>" (possibly "; not written…"), or "refused: <why>".
last_status = ""


DATABASE_ENV = "ORIENT_DATABASE_URL"


def database_url(given: Optional[str] = None, environ: Optional[Mapping[str, str]] = None) -> Optional[str]:
    """The shared server's URL: `given` (--database), else $ORIENT_DATABASE_URL; None for the
    local store ("local" forces it)."""
    env = os.environ if environ is None else environ
    value = (given if given is not None else env.get(DATABASE_ENV, "")).strip()
    return None if value in ("", "local") else value


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


def _data_files(root: Path) -> list[Path]:
    """Every regular file under `root` (or `root` itself), sorted. Through symbolic links to
    folders, as the loaders read them (`directory/rota` may link to where the rota is
    published; `Path.rglob` does not follow them), each real folder once."""
    if root.is_file():
        return [root]
    files, seen = [], set()
    for folder, folders, names in os.walk(root, followlinks=True, onerror=_raise):
        real = os.path.realpath(folder)
        if real in seen:  # a link back up the tree, or a second link to one folder
            folders[:] = []
            continue
        seen.add(real)
        files += [p for p in (Path(folder, name) for name in names) if p.is_file()]
    return sorted(files)


def _raw(text: str) -> bytes:
    """Text as bytes for a key: a file name need not be UTF-8 (its undecodable bytes come back)."""
    return text.encode("utf-8", "surrogateescape")


def _raise(error: OSError) -> None:
    raise error  # a folder that cannot be listed: no key (the loaders would fail on it too)


def _hash_tree(digest: Any, root: Path) -> None:
    """Names and bytes of every regular file under `root` (or of `root` itself)."""
    files = _data_files(root)
    base = root.parent if root.is_file() else root
    digest.update(f"{len(files)}\0".encode())
    for p in files:
        data = p.read_bytes()
        digest.update(_raw(f"{p.relative_to(base).as_posix()}\0{len(data)}\0"))
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
                elif e.name.endswith((".py", ".sql")):  # the store's schema is read from its migrations
                    st = e.stat()
                    entries.append(f"{Path(e.path).relative_to(package).as_posix()}\0{st.st_size}\0{st.st_mtime_ns}")
    digest.update(_raw("\n".join(sorted(entries))))
    # The path finder, not importlib.util.find_spec: the same files for these installed packages,
    # without importing importlib.util (a few ms of every `orient ask`).
    from importlib.machinery import PathFinder

    for name in DEPENDENCIES:
        try:
            spec = PathFinder.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        origin = getattr(spec, "origin", None)
        if origin and os.path.exists(origin):
            st = os.stat(origin)
            folder = os.stat(os.path.dirname(origin))
            entry = f"\0{name}\0{origin}\0{st.st_size}\0{st.st_mtime_ns}\0{folder.st_mtime_ns}"
            digest.update(_raw(entry))
        else:
            digest.update(f"\0{name}\0missing".encode())


def knowledge_key(rules_dir: Path, directory_dir: Path, gazetteer_file: Path) -> str:
    """The content hash the cached rules and directory are valid for."""
    import hashlib  # here: an answer from an unchanged store reads its key from the stamp

    digest = hashlib.sha256(f"orient-cache {FORMAT}\0".encode())
    _code_stamp(digest)
    for label, root in (("rules", rules_dir), ("directory", directory_dir), ("gazetteer", gazetteer_file)):
        digest.update(_raw(f"\0{label}\0{Path(root).resolve()}\0"))
        _hash_tree(digest, Path(root))
    return digest.hexdigest()


# --- the stat stamp: the key without reading the files -----------------------------------
#
# Hashing the bytes costs ~2 ms for the Gers and ~100 ms for a national directory (40 MB), on
# every `orient ask`. Like git's index, a stamp next to the store remembers the key with each
# file's size, modification and change times and inode: when none moved, the content cannot
# have changed (any write moves the change time, which no user can set back), so the key is
# reused without reading a byte. A file changed less than RACY_S before its times were read
# could share its timestamps with an edit made before its bytes were: then no stamp is written
# (however long the hash took after the times were read).
RACY_S = 2.0


class _Transcript:
    """Takes what a hash would (`update`) and keeps it whole: the stat stamp is compared as text,
    which needs no hash (importing hashlib is a few ms of every `orient ask`)."""

    def __init__(self, first: bytes) -> None:
        self.parts = [first]

    def update(self, data: bytes) -> None:
        self.parts.append(data)

    def line(self) -> str:
        """One line of ASCII, whatever the paths hold."""
        import json

        return json.dumps(b"".join(self.parts).decode("utf-8", "surrogateescape"))


def stat_stamp(rules_dir: Path, directory_dir: Path, gazetteer_file: Path) -> tuple[str, float]:
    """(every data file's path, size, times and inode and the code stamp, as one line of text; the
    newest of those times in seconds)."""
    digest = _Transcript(f"orient-stamp {FORMAT}\0".encode())
    _code_stamp(digest)
    newest = 0.0
    for label, root in (("rules", rules_dir), ("directory", directory_dir), ("gazetteer", gazetteer_file)):
        root = Path(root)
        files = _data_files(root)
        digest.update(_raw(f"\0{label}\0{root.resolve()}\0{len(files)}\0"))
        for p in files:
            st = p.stat()
            digest.update(_raw(f"{p}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ctime_ns}\0{st.st_ino}\0"))
            newest = max(newest, st.st_mtime_ns / 1e9, st.st_ctime_ns / 1e9)
    return digest.line(), newest


def _stamp_file(store_path: Path) -> Path:
    return store_path.with_name(store_path.name + ".stamp")


def _stamped_key(store_path: Path, stamp: str) -> Optional[str]:
    """The content key recorded with this stat stamp, if the stamp file is the user's own and matches."""
    path = _stamp_file(store_path)
    if store_refused(path):
        return None
    try:
        head, recorded, key = path.read_text(encoding="ascii").split("\n")[:3]
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    return key if head == f"orient-stamp {FORMAT}" and recorded == stamp and len(key) == 64 else None


def _write_stamp(store_path: Path, stamp: str, newest: float, key: str, read_at: float) -> None:
    """Record `key` for the times read at `read_at` (time.time() before they were read)."""
    if read_at - newest < RACY_S:
        return  # too fresh to tell a later edit by its times
    from orient.atomic import write_atomic

    try:
        write_atomic(_stamp_file(store_path), f"orient-stamp {FORMAT}\n{stamp}\n{key}\n")
    except OSError:
        pass  # the stamp only saves time


def cache_file(rules_dir: Path, directory_dir: Path, folder: Optional[Path] = None) -> Path:
    """The cache file for this pair of data folders (one per pair, whatever their content)."""
    import zlib  # two checksums name the file (two pairs of folders that collide only share it: the key decides)

    where = _raw(f"{Path(rules_dir).resolve()}\0{Path(directory_dir).resolve()}")
    return (folder or cache_dir()) / f"knowledge-{zlib.crc32(where):08x}{zlib.adler32(where):08x}.sqlite"


# --- rules and directory ------------------------------------------------------------------


def build_parts(rules_dir: Path, directory_dir: Path, gazetteer) -> tuple["RuleSet", "Directory"]:
    """The loaders, as without a cache (DataError on any problem, rules first)."""
    from orient.directory.catalog import Directory
    from orient.engine import load_rules

    rules = load_rules(rules_dir)
    directory = Directory.load(directory_dir, gazetteer)
    return rules, directory



def load_knowledge_parts(rules_dir: Path, directory_dir: Path, gazetteer,
                         build: Optional[Callable[[], tuple[Any, Any]]] = None,
                         database: Optional[str] = None) -> tuple["RuleSet", Any]:
    """The rules and directory of these folders, from the store when it holds them, else
    from the YAML (then compiled into the store). With a PostgreSQL `database` (default
    $ORIENT_DATABASE_URL), from the shared server (`orient.store.shared`). Raises what the
    loaders raise (DataError, OSError)."""
    global last_status
    rules_dir, directory_dir = Path(rules_dir), Path(directory_dir)
    build = build or (lambda: build_parts(rules_dir, directory_dir, gazetteer))
    url = database_url(database)
    if url:
        from orient.store.shared import load_shared

        parts, last_status = load_shared(url, gazetteer, lambda: load_knowledge_parts(
            rules_dir, directory_dir, gazetteer, build, database="local"), cache_dir())
        return parts
    source = getattr(gazetteer, "_source", "")
    last_status = "off"
    if not enabled() or not source or not rules_dir.exists() or not directory_dir.is_dir():
        return build()
    path = cache_file(rules_dir, directory_dir)
    refused = store_refused(path)
    if refused:
        last_status = f"refused: {refused}"
        return build()
    try:
        read_at = time.time()
        stamp, newest = stat_stamp(rules_dir, directory_dir, Path(source))
        key = _stamped_key(path, stamp)
        stamped = key is not None
        if key is None:
            key = knowledge_key(rules_dir, directory_dir, Path(source))
    except OSError:
        return build()
    parts, why = _open(path, key, gazetteer, build)
    if parts is None and stamped:  # a stamp that names another store: the content decides
        try:
            key, stamped = knowledge_key(rules_dir, directory_dir, Path(source)), False
        except OSError:
            return build()
        parts, why = _open(path, key, gazetteer, build)
    if parts is not None:
        last_status = "hit"
        if not stamped:
            _write_stamp(path, stamp, newest, key, read_at)
        return parts
    last_status = f"rebuilt: {why}"
    rules, directory = build()
    try:
        if knowledge_key(rules_dir, directory_dir, Path(source)) != key:
            last_status += "; not written (a file changed while loading)"
            return rules, directory  # do not store a mix
    except OSError:
        return rules, directory
    if not _write(path, key, rules, directory, rules_dir, directory_dir):
        last_status += "; not written (cache folder not writable)"
        return rules, directory
    parts, why = _open(path, key, gazetteer, build)
    return parts if parts is not None else (rules, directory)


def _open(path: Path, key: str, gazetteer, build) -> tuple[Optional[tuple], str]:
    """(rules, directory) from the store file, or (None, why not)."""
    import sqlite3

    from orient.store.codec import CodecError
    from orient.store.sqlite import SqliteStore, StoreError

    try:
        store = SqliteStore.open(path, key)
    except StoreError as exc:
        return None, str(exc)
    try:
        if store.truncated():
            raise StoreError("truncated")
        rules = store.rules()
        directory = store.directory(gazetteer)
    except (StoreError, CodecError, sqlite3.Error) as exc:
        store.close()
        return None, str(exc) or type(exc).__name__
    return (rules, FallbackDirectory(directory, lambda: build()[1], (sqlite3.Error, StoreError))), ""


def _write(path: Path, key: str, rules, directory, rules_dir: Path, directory_dir: Path) -> bool:
    """Compile the store atomically; False when the cache folder is not writable."""
    import sqlite3

    from orient.store.codec import CodecError, dumps_rules
    from orient.store.sqlite import build as build_store

    try:
        private_dir(path.parent)  # never into a folder others can write (PermissionError)
        build_store(path, key, dumps_rules(rules), directory,
                    {"rules_dir": str(rules_dir.resolve()), "directory_dir": str(directory_dir.resolve())})
    except (OSError, sqlite3.Error, CodecError):
        return False
    prune(path.parent, keep=path)
    return True


def prune(folder: Path, keep: Optional[Path] = None, most: int = MAX_FILES) -> None:
    """Keep the cache folder small: the `most` newest files (tests and benchmarks load
    many temporary folders; each would otherwise leave its file behind)."""
    try:
        found = list(Path(folder).glob("knowledge-*"))
        stores = {p for p in found if not p.name.endswith(".stamp")}
        files = [(p.stat().st_mtime_ns, p) for p in stores if p != keep]
        # Temporary files of a writer killed before its rename (orient.atomic), an hour old;
        # stamps whose store is gone.
        stale = time.time() - STALE_TEMPORARY_S
        leftovers = [p for p in Path(folder).glob(".knowledge-*.tmp") if p.stat().st_mtime < stale]
        leftovers += [p for p in found if p.name.endswith(".stamp") and p.with_suffix("") not in stores]
    except OSError:
        return
    for p in leftovers:
        try:
            p.unlink()
        except OSError:
            pass
    files.sort(reverse=True)
    for _, p in files[max(0, most - 1):]:
        for gone in (p, _stamp_file(p)):
            try:
                gone.unlink()
            except OSError:
                pass


def clear(folder: Optional[Path] = None) -> int:
    """Remove the cache files (the stores, and pickles of older versions); returns how many."""
    folder = folder or cache_dir()
    count = 0
    for p in Path(folder).glob("knowledge-*"):
        try:
            p.unlink()
            count += not p.name.endswith(".stamp")
        except OSError:
            pass
    return count
