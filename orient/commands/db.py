"""`orient db init|load|status`: the store — the local SQLite file, or a shared PostgreSQL server.

Exit codes: 0 done; 1 invalid data (the YAML: `path:line: message`); 2 bad input
(a `--database` that is not a PostgreSQL URL, a server that cannot be reached or
refuses, a schema not initialised).
"""

from __future__ import annotations

import argparse
import json
import sys

from orient.commands import add_database_argument


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("db", help="le stockage : SQLite local, ou serveur PostgreSQL partagé",
                       description="Le stockage de l'annuaire, des gardes et du journal : un fichier SQLite local "
                                   "(par défaut), ou un serveur PostgreSQL partagé par plusieurs postes "
                                   "(--database postgresql://… ou ORIENT_DATABASE_URL).")
    actions = p.add_subparsers(dest="db_action", metavar="ACTION")
    init = actions.add_parser("init", help="créer ou mettre à jour le schéma (migrations versionnées)")
    load = actions.add_parser("load", help="charger les règles et l'annuaire YAML (travail du coordinateur)")
    load.add_argument("--rules", help="dossier de règles (défaut : règles embarquées)")
    load.add_argument("--directory", help="dossier d'annuaire (défaut : annuaire embarqué)")
    status = actions.add_parser("status", help="ce qui est chargé, quand, et l'état du schéma")
    status.add_argument("--json", action="store_true", help="sortie JSON pour les programmes")
    for action in (init, load, status):
        add_database_argument(action)
        action.set_defaults(run=run)
    p.set_defaults(run=lambda args: _usage(p))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_usage(sys.stderr)
    print("orient db : action attendue : init, load ou status", file=sys.stderr)
    return 2


def _fail(message: str, code: int = 2) -> int:
    print(f"orient db : {message}", file=sys.stderr)
    return code


def run(args: argparse.Namespace) -> int:
    from orient.cache import database_url

    url = database_url(args.database)
    if url is None:
        return _local(args)
    from orient.store.postgres import is_postgres_url

    if not is_postgres_url(url):
        return _fail(f"--database : « {url[:80]} » n'est pas une adresse postgresql://… "
                     "(ou « local » pour le fichier SQLite)")
    try:
        from orient.store.postgres import PostgresStore, driver_errors
        errors = driver_errors()
    except ImportError:
        return _fail("le pilote PostgreSQL (psycopg) n'est pas installé : pip install 'psycopg[binary]' psycopg-pool")
    from orient.store.sqlite import StoreError

    try:
        store = PostgresStore.connect(url)
    except StoreError as exc:
        return _fail(str(exc))
    try:
        return _server(args, store)
    except StoreError as exc:
        return _fail(str(exc))
    except errors as exc:
        return _fail(f"le serveur a refusé : {str(exc).strip()[:300]}")
    finally:
        store.close()


def _server(args: argparse.Namespace, store) -> int:
    from orient.store.postgres import without_password

    if args.db_action == "init":
        done = store.migrate()
        print(f"Schéma à jour sur {without_password(store.url)} : "
              + (f"migrations appliquées : {', '.join(done)}" if done else "rien à appliquer"))
        return 0
    if args.db_action == "load":
        parts = _read_yaml(args)
        if isinstance(parts, int):
            return parts
        rules, directory, key, meta = parts
        from orient.store.codec import dumps_rules

        counts = store.load(dumps_rules(rules), directory, key, meta)
        print(f"Chargé sur {without_password(store.url)} : {counts['services']} services, "
              f"{counts['sectors']} secteurs de garde, {counts['duties']} gardes.")
        return 0
    report = _server_status(store)
    _print_status(report, args.json)
    return 0


def _read_yaml(args):
    """(rules, directory, key, meta) from the YAML, checked as by `orient check`; or the exit code."""
    import socket
    from pathlib import Path

    from orient import paths
    from orient.cache import build_parts, knowledge_key
    from orient.directory.gazetteer import default_gazetteer
    from orient.problems import DataError

    rules_dir = Path(args.rules) if args.rules else paths.rules_dir()
    directory_dir = Path(args.directory) if args.directory else paths.directory_dir()
    for label, folder in (("--rules", rules_dir), ("--directory", directory_dir)):
        if not folder.exists():
            return _fail(f"{label} : {folder} n'existe pas")
    try:
        rules, directory = build_parts(rules_dir, directory_dir, default_gazetteer())
        key = knowledge_key(rules_dir, directory_dir, paths.gazetteer_file())
    except (DataError, OSError) as exc:
        return _invalid_data(exc)
    meta = {"rules_dir": str(rules_dir.resolve()), "directory_dir": str(directory_dir.resolve()),
            "loaded_by": socket.gethostname()}
    return rules, directory, key, meta


def _invalid_data(exc: Exception) -> int:
    """Data that cannot be loaded: every problem as `path:line: message` (or the OS error), exit 1."""
    from orient.problems import DataError

    if isinstance(exc, DataError):
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    return _fail(str(exc), 1)


def _server_status(store) -> dict:
    from orient.store.postgres import migrations, without_password

    applied = store.applied()
    report = {
        "store": "postgresql",
        "database": without_password(store.url),
        "migrations": {"applied": applied,
                       "pending": [name for version, name, _ in migrations() if version not in applied]},
    }
    if not report["migrations"]["pending"]:
        with store.pool.connection() as conn:
            report["journal_rows"] = conn.execute("SELECT COUNT(*) FROM journal").fetchone()[0]
        report.update(_corrections_status(store.url))
        report["loaded"] = store.meta() or None
    return report


def _corrections_status(url=None) -> dict:
    """The reports waiting for a coordinator (`orient corrections list`), through the same interface;
    on a server, after this desk's kept reports are sent, and how many of them are still kept."""
    import sqlite3

    from orient.corrections import CorrectionStore

    try:
        with CorrectionStore.open(database=url or "local", create=url is not None) as store:
            counts = {"open_corrections": store.open_count()}
            if url is not None:
                counts["corrections_kept_here"] = store.kept()
            return counts
    except FileNotFoundError:
        return {"open_corrections": 0}
    except (OSError, sqlite3.Error) as exc:
        return {"open_corrections": None, "corrections_problem": str(exc)}


def _local(args: argparse.Namespace) -> int:
    """The local SQLite store: `init` and `load` compile the YAML into it; `status` tells."""
    from orient import cache

    if args.db_action in ("init", "load"):
        from orient.orientation import Knowledge
        from orient.problems import DataError

        rules = getattr(args, "rules", None)
        directory = getattr(args, "directory", None)
        try:
            knowledge = Knowledge.load(rules, directory, database="local")
        except (DataError, OSError) as exc:
            return _invalid_data(exc)
        path = _local_file(rules, directory)
        if cache.last_status.startswith(("refused", "off")) or "not written" in cache.last_status:
            return _fail(f"stockage local non écrit ({cache.last_status}) ; les réponses viennent du YAML")
        print(f"Stockage local à jour : {path} ({len(knowledge.directory)} services ; "
              f"{'déjà à jour' if cache.last_status == 'hit' else 'compilé depuis le YAML'}).")
        return 0
    report = _local_status()
    report.update(_corrections_status())
    _print_status(report, args.json)
    return 0


def _local_file(rules=None, directory=None):
    from pathlib import Path

    from orient import cache, paths

    return cache.cache_file(Path(rules) if rules else paths.rules_dir(),
                            Path(directory) if directory else paths.directory_dir())


def _local_status() -> dict:
    from orient import cache, paths
    from orient.store.sqlite import SqliteStore, StoreError

    path = _local_file()
    report: dict = {"store": "sqlite", "file": str(path), "enabled": cache.enabled()}
    try:
        key = cache.knowledge_key(paths.rules_dir(), paths.directory_dir(), paths.gazetteer_file())
    except OSError:
        key = None
    try:
        store = SqliteStore.open(path)
    except StoreError as exc:
        report.update(loaded=None, why=str(exc))
        return report
    try:
        report["loaded"] = dict(store.meta)
        report["up_to_date"] = store.meta.get("key") == key
    finally:
        store.close()
    return report


def _open_corrections(report: dict) -> str:
    if report.get("open_corrections") is None:
        return f"illisibles ({report.get('corrections_problem', '?')})"
    return str(report["open_corrections"])


def _print_status(report: dict, as_json: bool) -> None:
    if as_json:
        json.dump(report, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    loaded = report.get("loaded")
    if report["store"] == "postgresql":
        print(f"Serveur : {report['database']}")
        migrations = report["migrations"]
        print(f"Schéma : migrations {', '.join(map(str, migrations['applied'])) or 'aucune'}"
              + (f" ; en attente : {', '.join(migrations['pending'])} (orient db init)" if migrations["pending"] else ""))
        if "journal_rows" in report:
            print(f"Journal partagé : {report['journal_rows']} orientations ; "
                  f"corrections à examiner : {_open_corrections(report)}")
        if report.get("corrections_kept_here"):
            print(f"Signalements de ce poste pas encore envoyés au serveur : {report['corrections_kept_here']}")
    else:
        print(f"Stockage local : {report['file']}" + ("" if report["enabled"] else " (désactivé : ORIENT_CACHE=off)"))
        if "open_corrections" in report:
            print(f"Corrections à examiner (fichier de ce poste) : {_open_corrections(report)}")
    if not loaded:
        print("Rien de chargé" + (f" ({report['why']})" if report.get("why") else "") + ".")
        return
    when = loaded.get("loaded_at") or loaded.get("built_at") or "?"
    print(f"Chargé le {when} : {loaded.get('services', '?')} services, {loaded.get('sectors', '?')} secteurs de garde, "
          f"{loaded.get('duties', '?')} gardes.")
    if "up_to_date" in report:
        print("À jour avec le YAML." if report["up_to_date"] else "Pas à jour avec le YAML : orient db load.")
