"""`orient bench [--json] [--services N] [--seed S]`: the speed figures and their targets (issue 5)."""

from __future__ import annotations

import argparse
import json
import sys

from orient.commands.common import whole_number

DEFAULT_SERVICES = 100_000
SERVICES = whole_number(100, 1_000_000, "entre 100 et 1 000 000")
HELP = "mesurer la vitesse sur un annuaire national synthétique (cibles du ticket 5)"
DESCRIPTION = ("Génère un annuaire national synthétique (services répartis sur les vraies communes), puis mesure "
               "dans la même exécution : recherche de commune à chaque frappe (et la méthode naïve), une orientation "
               "complète, « orient ask » comme processus entier, le premier écran de l'interface et la mémoire "
               "maximale. Environ 1 min 30 pour 100 000 services sur 2 cœurs. N'écrit que dans un dossier temporaire.")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("bench", help=HELP, description=DESCRIPTION)
    p.add_argument("--json", action="store_true", help="sortie JSON pour les programmes")
    p.add_argument("--services", type=SERVICES, default=DEFAULT_SERVICES, metavar="N",
                   help=f"nombre de services synthétiques (défaut {DEFAULT_SERVICES:_})".replace("_", " "))
    p.add_argument("--seed", type=int, default=0, metavar="S", help="graine du générateur (défaut 0)")
    p.add_argument("--store", choices=("sqlite", "postgresql"), default="sqlite",
                   help="où mesurer les postes concurrents (« desks ») : postgresql avec --database ou "
                        "ORIENT_DATABASE_URL (SQLite si le serveur est injoignable)")
    p.add_argument("--database", metavar="URL", help="serveur postgresql://… pour --store postgresql")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from orient.bench import run_bench

    def progress(message: str) -> None:
        print(f"orient bench : {message}", file=sys.stderr, flush=True)

    try:
        database = None
        if args.store == "postgresql":
            from orient.cache import database_url

            database = database_url(args.database)
            if not database:
                print("orient bench : --store postgresql demande --database ou ORIENT_DATABASE_URL", file=sys.stderr)
                return 2
        result = run_bench(args.services, args.seed, progress=progress, database=database)
    except RuntimeError as exc:
        print(f"orient bench : {exc}", file=sys.stderr)
        return 1
    if args.json:
        json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render(result))
    return 0


def _n(value: float) -> str:
    return f"{value:,}".replace(",", " ")


def _ms(value) -> str:
    if value is None:
        return "—"
    if value >= 100:
        return f"{value:.0f} ms"
    if value >= 10:
        return f"{value:.1f} ms"
    return f"{value:.2f} ms"


def _yes(flag) -> str:
    return "—" if flag is None else ("oui / yes" if flag else "NON / no")


def _store_rows(result: dict) -> list[tuple[str, str, str, str]]:
    """Issue 12's figures (orient.bench.store)."""
    a, met, ratios = result["ask_process"], result["met"], result.get("store_ratios", {})
    d = result.get("desks", {})
    return [
        ("  python -c 'import sqlite3, json' (médiane)", _ms(a.get("interpreter_ms")), "", ""),
        ("orient ask / interpréteur nu", f"{ratios.get('ask_process_vs_interpreter')}×", "≤ 4× (but 3×)",
         _yes(met.get("ask_process_vs_interpreter"))),
        ("orient ask national / Gers", f"{ratios.get('national_vs_gers_ask')}×", "≤ 1,3×",
         _yes(met.get("national_vs_gers_ask"))),
        ("mémoire max. d'orient ask (national)", f"{a.get('national_peak_rss_mb')} Mo", "≤ 80 Mo",
         _yes(met.get("national_peak_rss_mb"))),
        ("première orientation (national)", _ms(result["orientation"].get("first_ms")), "≤ 20 ms",
         _yes(met.get("orientation_first_ms"))),
        (f"postes concurrents ({d.get('desks')} × {d.get('orientations')} orientations, {d.get('store')}) p95",
         _ms(d.get("p95_ms")), "", ""),
        ("  nouveau tour de garde visible après / lignes de journal perdues",
         f"{_ms(d.get('rota_visible_after_ms'))} / {d.get('journal_rows_lost')}", "0 perdue",
         _yes(met.get("desks_journal_rows_lost"))),
    ]


def render(result: dict) -> str:
    """A French/English table: each figure beside its target and whether it is met."""
    m = result["machine"]
    s = result["commune_search"]
    o = result["orientation"]
    a = result["ask_process"]
    u = result["tui_first_screen"]
    met = result["met"]
    speedup = s.get("speedup_p95")
    rows = [
        (f"recherche de commune p95 ({_n(s['queries'])} frappes)", _ms(s["p95_ms"]), "≤ 5 ms",
         _yes(met["commune_search_p95_ms"])),
        ("  commune search p50 / naïf p95 (rapidfuzz WRatio)", f"{_ms(s['p50_ms'])} / {_ms(s['naive_p95_ms'])}",
         "≥ 10× plus rapide", f"{_yes(met['commune_search_speedup'])} ({speedup}×)"),
        (f"orientation p95 ({_n(o['services'])} services)", _ms(o["p95_ms"]), "≤ 10 ms",
         _yes(met["orientation_p95_ms"])),
        (f"  orientation p50 / naïf géodésique p95 ({o.get('naive_sample')} cas)",
         f"{_ms(o['p50_ms'])} / {_ms(o.get('naive_p95_ms'))}", "", ""),
        ("orient ask, processus entier (médiane)", _ms(a["median_ms"]), "≤ 300 ms", _yes(met["ask_process_median_ms"])),
        ("  sans cache / annuaire national", f"{_ms(a.get('cold_median_ms'))} / {_ms(a.get('national_median_ms'))}",
         "", ""),
        ("interface : premier écran (médiane)", _ms(u.get("median_ms")), "≤ 1 s",
         _yes(met["tui_first_screen_median_ms"])),
        ("mémoire max. du processus d'orientation", f"{result['peak_rss_mb']:.0f} Mo", "≤ 200 Mo",
         _yes(met["peak_rss_mb"])),
        *_store_rows(result),
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    head = ("mesure / measure", "résultat / result", "cible / target", "atteinte / met")
    widths = [max(w, len(h)) for w, h in zip(widths, head)]

    def line(cells) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths + [0])).rstrip()

    out = [
        f"orient bench — {_n(o['synthetic_services'])} services synthétiques (graine {result['seed']}), "
        f"{_n(o['situations'])} situations",
        f"machine : {m['cpus']} cœurs, {m['cpu']}, Python {m['python']}, {m['system']}",
        "",
        line(head),
        line(["-" * w for w in widths] + ["-" * len(head[3])]),
        *(line(r) for r in rows),
        "",
        f"annuaire : {o['hours_strings']} horaires OSM distincts, {o['rota_sectors']} secteurs de garde "
        f"({_n(o['rota_duties'])} gardes) ; génération {o['generate_s']} s, chargement YAML {o['load_yaml_s']} s, "
        f"depuis le cache {o['load_cached_ms'] / 1000:.2f} s",
        f"première orientation (lecture des horaires) : {_ms(o['first_ms'])} ; "
        f"naïf et rapide, mêmes services : {o.get('naive_same_services')}/{o.get('naive_sample')}",
        f"orient ask : {a.get('command', '')}",
        f"durée totale : {result.get('elapsed_s')} s",
    ]
    return "\n".join(out) + "\n"
