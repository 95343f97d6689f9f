"""One self-contained HTML page: tables, plain-SVG bar charts and the map; no script, no network."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from html import escape
from typing import Callable, Optional, Sequence

from orient.commands.stats import french_int
from orient.facts import QUESTIONS
from orient.report import SMALL_COUNT
from orient.report.gers_map import Outlines, map_svg
from orient.report.summary import MISSING_SERVICE, JournalSummary, ToVerify
from orient.vocabulary import PERIOD_HOURS, PERIODS

NEED_LABELS = dict(QUESTIONS["need"].choices)
OFFICE_HOURS = range(8, 20)  # weekdays 8h-20h: the rest is the permanence des soins

STYLE = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{font-size:1.6rem}h2{margin-top:2.2rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.6rem 0}td,th{padding:.2rem .8rem;text-align:left;border-bottom:1px solid #eee}
td.n{text-align:right;font-variant-numeric:tabular-nums}.note{color:#555;font-size:.9rem}
svg.map{width:100%;max-width:42rem;height:auto}.legend span{margin-right:1.2rem;font-size:.9rem}
.legend i{display:inline-block;width:1rem;height:1rem;margin-right:.3rem;vertical-align:middle;border:1px solid #999}
"""


def shown(n: int) -> str:
    """A count as the report prints it: under SMALL_COUNT, never the number."""
    if n == 0:
        return "0"
    return french_int(n) if n >= SMALL_COUNT else f"moins de {SMALL_COUNT}"


def table(rows: Sequence[tuple[str, int]], headers: tuple[str, str] = ("", "orientations")) -> str:
    body = "".join(f"<tr><td>{escape(label)}</td><td class=n>{shown(n)}</td></tr>" for label, n in rows)
    return f"<table><tr><th>{escape(headers[0])}</th><th>{escape(headers[1])}</th></tr>{body}</table>"


def bars(rows: Sequence[tuple[str, int]], *, highlight: Callable[[int], bool] = lambda i: False) -> str:
    """Vertical bars in plain SVG; a count under SMALL_COUNT has no bar and no number."""
    visible = [n if n >= SMALL_COUNT else 0 for _, n in rows]
    top = max(visible, default=0) or 1
    width, height, gap = 28, 120, 6
    parts = []
    for i, ((label, n), v) in enumerate(zip(rows, visible)):
        x = i * (width + gap)
        h = round(height * v / top)
        color = "#c4403a" if highlight(i) else "#4a78b5"
        if v:
            parts.append(f'<rect x="{x}" y="{height - h + 14}" width="{width}" height="{h}" fill="{color}">'
                         f"<title>{escape(label)} : {french_int(n)}</title></rect>"
                         f'<text x="{x + width / 2}" y="{height - h + 10}" font-size="9" text-anchor="middle">'
                         f"{french_int(n)}</text>")
        parts.append(f'<text x="{x + width / 2}" y="{height + 28}" font-size="10" text-anchor="middle">'
                     f"{escape(label)}</text>")
    total_width = len(rows) * (width + gap)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {total_width} {height + 34}" '
            f'width="{total_width}" height="{height + 34}" role="img">' + "".join(parts) + "</svg>")


@dataclass(frozen=True)
class PendingLine:
    id: int
    reported_at: str
    desk: str
    entry: str
    kind: str
    text: Optional[str]


def render(*, summary: JournalSummary, span: str, outlines: Outlines, name_of: Callable[[str], str],
           to_verify: Sequence[ToVerify], local_entries: int, pending: Sequence[PendingLine], today: date) -> str:
    parts = ["<h1>Orientations et annuaire — rapport de coordination</h1>",
             f"<p>{escape(span)} · établi le {today.strftime('%d/%m/%Y')} · "
             f"{shown(summary.total)} orientation(s) dans le journal anonyme.</p>",
             f'<p class="note">Les nombres inférieurs à {SMALL_COUNT} ne sont jamais affichés '
             "(petites communes) ; le journal ne garde rien qui identifie une personne.</p>"]

    parts.append("<h2>Quand : par période de soins</h2>")
    periods = [(PERIOD_HOURS[p], summary.by_period.get(p, 0)) for p in PERIODS]
    parts.append(table(periods, ("période", "orientations")))
    out_of_hours = sum(n for p, n in summary.by_period.items() if p.startswith("pdsa_"))
    parts.append(f"<p>En dehors des heures ouvrées (permanence des soins) : {shown(out_of_hours)}.</p>")
    parts.append("<h2>Quand : par heure de la journée</h2>")
    hours = [(f"{h}h", summary.by_hour.get(h, 0)) for h in range(24)]
    parts.append(bars(hours, highlight=lambda h: h not in OFFICE_HOURS))
    parts.append('<p class="note">En rouge : avant 8h et après 20h.</p>')

    parts.append("<h2>Pour quel besoin</h2>")
    needs = [(NEED_LABELS.get(k, "non renseigné") if k else "non renseigné", n)
             for k, n in sorted(summary.by_need.items(), key=lambda kv: -kv[1])]
    parts.append(table(needs, ("besoin", "orientations")))

    parts.append("<h2>Aucun service local n'a pu être proposé</h2>")
    parts.append('<p class="note">Orientations (hors urgence vitale) pour un besoin qu\'un lieu du territoire '
                 "devrait couvrir, où la réponse n'a nommé aucun lieu : seulement des numéros.</p>")
    missing = [(f"{NEED_LABELS.get(k, k)} — {MISSING_SERVICE.get(k, '')}", n)
               for k, n in sorted(summary.no_local_by_need.items(), key=lambda kv: -kv[1]) if k]
    parts.append(table(missing, ("besoin — ce qui manque", "orientations")) if missing else "<p>Aucune.</p>")
    parts.append("<h3>Par commune</h3>")
    parts.append(map_svg(outlines, summary.by_commune, summary.no_local_by_commune, name_of,
                         "Carte du Gers : orientations sans service local, par commune"))
    big = [(f"{name_of(c) or c} ({c})", n) for c, n in sorted(summary.no_local_by_commune.items(),
                                                                key=lambda kv: (-kv[1], kv[0])) if n >= SMALL_COUNT]
    small = [n for n in summary.no_local_by_commune.values() if n < SMALL_COUNT]
    if small:
        big.append((f"autres communes ({len(small)}, moins de {SMALL_COUNT} chacune)", sum(small)))
    parts.append(table(big, ("commune", "orientations")) if big else "")

    parts.append("<h2>L'annuaire : entrées à vérifier</h2>")
    parts.append(f"<p>{len(to_verify)} entrée(s) locale(s) sur {local_entries} sont montrées « à vérifier » "
                 "au comptoir.</p>")
    if to_verify:
        rows = "".join(f"<tr><td>{escape(t.name)}</td><td>{escape(name_of(t.commune) if t.commune else '')}</td>"
                       f"<td>{escape(', '.join(t.reasons))}</td><td><code>{escape(t.id)}</code></td></tr>"
                       for t in to_verify)
        parts.append(f"<table><tr><th>entrée</th><th>commune</th><th>pourquoi</th><th>id</th></tr>{rows}</table>")

    parts.append("<h2>Signalements des comptoirs en attente</h2>")
    parts.append(f"<p>{len(pending)} signalement(s) à vérifier (<code>orient corrections list</code>).</p>")
    if pending:
        rows = "".join(f"<tr><td>{p.id}</td><td>{escape(p.reported_at)}</td><td>{escape(p.desk)}</td>"
                       f"<td>{escape(p.entry)}</td><td>{escape(p.kind)}</td><td>{escape(p.text or '')}</td></tr>"
                       for p in pending)
        parts.append("<table><tr><th>n°</th><th>reçu</th><th>comptoir</th><th>entrée</th><th>problème</th>"
                     f"<th>précision</th></tr>{rows}</table>")
    return ("<!doctype html><html lang=fr><head><meta charset=utf-8>"
            "<meta name=viewport content='width=device-width,initial-scale=1'>"
            f"<title>Rapport de coordination orient</title><style>{STYLE}</style></head><body>"
            + "\n".join(parts) + "</body></html>\n")
