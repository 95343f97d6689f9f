"""`orient serve`: the counter UI in a web browser, for desks without a terminal habit.

textual-serve runs `python -m orient` once per browser tab and streams it; it
listens on localhost only unless told otherwise (`--host 0.0.0.0` opens it to
the network: the counter's answers would then be reachable by anyone there).

Exit codes: 0 stopped, 2 bad input (a port out of range, an address that
cannot be listened on), 1 textual-serve missing.
"""

from __future__ import annotations

import argparse
import shlex
import sys

DEFAULT_HOST = "localhost"
DEFAULT_PORT = 8032


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "serve", help="l'interface de comptoir dans un navigateur (localhost par défaut)",
        description="Sert l'interface de comptoir dans un navigateur web (textual-serve). Par défaut, "
                    "seulement sur cet ordinateur (localhost) : ouvrez l'adresse affichée.")
    p.add_argument("--host", default=DEFAULT_HOST,
                   help=f"adresse d'écoute (défaut {DEFAULT_HOST} : cet ordinateur seulement ; "
                        "0.0.0.0 ouvre au réseau local)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (défaut {DEFAULT_PORT})")
    p.set_defaults(run=run)


def app_command(home_dept: str | None) -> str:
    """The command textual-serve runs for each browser tab: this Python, this orient."""
    parts = [sys.executable, "-m", "orient"]
    if home_dept:
        parts += ["--home-dept", home_dept]
    return shlex.join(parts)


def run(args: argparse.Namespace) -> int:
    if not 1 <= args.port <= 65535:
        print(f"orient serve: --port {args.port} : un port va de 1 à 65535", file=sys.stderr)
        return 2
    try:
        from textual_serve.server import Server
    except ImportError:
        print("orient serve: textual-serve n'est pas installé (pip install textual-serve)", file=sys.stderr)
        return 1
    from orient.commands import home_dept

    server = Server(app_command(home_dept(args)), host=args.host, port=args.port,
                    title="orient — orientation des patients")
    print(f"orient : l'interface de comptoir est sur http://{args.host}:{args.port} (Ctrl+C pour arrêter)",
          file=sys.stderr)
    try:
        server.serve()
    except OSError as exc:
        print(f"orient serve: impossible d'écouter sur {args.host}:{args.port} : {exc}", file=sys.stderr)
        return 2
    return 0
