"""A desk on a shared server, and its local copy for when the server is lost.

At start a desk reads the rules and the directory from the server
(`ORIENT_DATABASE_URL` or `--database`) and, when the server's content changed
since its last copy, copies it into a SQLite store of its cache folder (same
format as the embedded store). If the server cannot be reached — at start or in
the middle of an orientation — the desk answers from that copy and every answer
says so (`Answer.warnings`); without a copy, from its own YAML. The journal rows
wait in a local outbox until the server is back (`orient.store.journal.ServerJournal`).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Callable

from orient.store.fallback import FallbackDirectory, store_refused
from orient.store.postgres import without_password
from orient.userdirs import private_dir

OFFLINE = ("Serveur de l'annuaire injoignable : réponse donnée avec la copie locale du {when} "
           "(gardes et horaires peut-être pas à jour).")
OFFLINE_NO_COPY = ("Serveur de l'annuaire injoignable et aucune copie locale : réponse donnée avec l'annuaire "
                   "installé sur ce poste (gardes et horaires peut-être pas à jour).")


def mirror_file(url: str, folder: Path) -> Path:
    """The desk's local copy of this server (one per server and database) in its cache `folder`."""
    where = hashlib.sha256(without_password(url).encode()).hexdigest()[:20]
    return Path(folder) / f"shared-{where}.sqlite"


def _when(meta: dict) -> str:
    loaded = meta.get("loaded_at") or meta.get("built_at") or ""
    return loaded.replace("T", " ")[:16] + " UTC" if loaded else "date inconnue"


def _offline(local: Callable[[], tuple], url: str, gazetteer, folder: Path) -> tuple[tuple, str]:
    """The rules and directory of the last copy (or of the YAML), with the notice set."""
    from orient.store.sqlite import SqliteStore, StoreError

    path = mirror_file(url, folder)
    if store_refused(path) is None:
        try:
            store = SqliteStore.open(path)
            rules, directory = store.rules(), store.directory(gazetteer)
        except Exception:  # noqa: BLE001 — a copy that cannot be read: the YAML below
            pass
        else:
            notice = OFFLINE.format(when=_when(store.meta))
            guarded = FallbackDirectory(directory, lambda: local()[1], _sqlite_errors(), notice, degraded=True)
            return (rules, guarded), "offline: local copy"
    rules, directory = local()
    guarded = FallbackDirectory(directory, lambda: directory, (StoreError,), OFFLINE_NO_COPY, degraded=True)
    return (rules, guarded), "offline: no local copy, YAML"


def _sqlite_errors() -> tuple[type, ...]:
    import sqlite3

    from orient.store.sqlite import StoreError

    return (sqlite3.Error, StoreError)


def load_shared(url: str, gazetteer, local: Callable[[], tuple], folder: Path) -> tuple[tuple[Any, Any], str]:
    """((rules, directory), status) from the server at `url`; offline, from the last copy (kept in `folder`)."""
    from orient.store.codec import CodecError, loads_rules
    from orient.store.postgres import PostgresStore, driver_errors
    from orient.store.sqlite import SqliteStore, StoreError, build

    try:
        errors = driver_errors()
    except ImportError:  # psycopg not installed: as if the server were lost
        return _offline(local, url, gazetteer, folder)
    try:
        store = PostgresStore.connect(url, timeout=3)
    except StoreError:
        return _offline(local, url, gazetteer, folder)
    try:
        meta = store.meta()
        rules_json = store.rules_json()
        rules = loads_rules(rules_json)
        directory = store.directory(gazetteer)
    except errors + (CodecError,):
        store.close()
        return _offline(local, url, gazetteer, folder)
    status = "server"
    path = mirror_file(url, folder)
    key = meta.get("key", "")
    try:
        SqliteStore.open(path, key).close()
    except StoreError:
        if store_refused(path) is None:
            try:
                private_dir(path.parent)
                build(path, key, rules_json, directory, {"server": without_password(url),
                                                          "loaded_at": meta.get("loaded_at", "")})
                status = "server; local copy refreshed"
            except errors + _sqlite_errors() + (OSError,):
                status = "server; local copy not written"

    def offline_directory():
        return _offline(local, url, gazetteer, folder)[0][1]

    return (rules, FallbackDirectory(directory, offline_directory, errors)), status
