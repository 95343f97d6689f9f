"""The patient's sheet: a short French handout, as plain text and printable HTML.

It carries no personal data: only the answer (what to do, numbers, places)
and, if the agent typed one, a free note.
"""

from __future__ import annotations

import html
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional

from orient.answer import Answer, Recommendation
from orient.atomic import write_atomic
from orient.render.labels import french_moment
from orient.render.text import TO_VERIFY, freshness_note, recommendation_headline
from orient.userdirs import orient_dir

WHEN_TO_CALL_15 = (
    "Appelez le 15 (ou le 112) sans attendre en cas de douleur dans la poitrine, de difficulté à respirer, "
    "de signes d'AVC (visage qui se déforme, bras qui ne répond plus, parole difficile), de perte de "
    "connaissance, de convulsions, d'hémorragie ou d'allergie grave. Personnes sourdes ou malentendantes : "
    "114 par SMS ou l'application Urgence 114."
)
WHAT_TO_BRING = "À apporter : carte Vitale, ordonnances en cours, liste des médicaments."


@dataclass
class Handout:
    title: str
    moment: str
    place: Optional[str]
    steps: list[tuple[str, list[str]]]  # (headline, details)
    note: Optional[str]

    def to_text(self) -> str:
        out = [self.title, "=" * len(self.title), f"Le {self.moment}"]
        if self.place:
            out.append(f"Commune : {self.place}")
        out.append("")
        for number, (headline, details) in enumerate(self.steps, start=1):
            out.append(f"{number}. {headline}")
            out.extend(f"   {d}" for d in details)
        out += ["", WHAT_TO_BRING, "", WHEN_TO_CALL_15]
        if self.note:
            out += ["", f"Note : {self.note}"]
        return "\n".join(out) + "\n"

    def to_html(self) -> str:
        e = html.escape
        steps = "\n".join(
            f"<li><strong>{e(headline)}</strong>" + "".join(f"<br>{e(d)}" for d in details) + "</li>"
            for headline, details in self.steps
        )
        place = f"<p>Commune : {e(self.place)}</p>" if self.place else ""
        note = f"<p><em>Note : {e(self.note)}</em></p>" if self.note else ""
        return f"""<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>{e(self.title)}</title>
<style>body{{font-family:sans-serif;max-width:40em;margin:1em auto;font-size:14pt}}
li{{margin-bottom:.8em}} .urgence{{border:2px solid #000;padding:.5em}}
@media print{{body{{margin:0}}}}</style></head>
<body><h1>{e(self.title)}</h1><p>Le {e(self.moment)}</p>{place}
<ol>
{steps}
</ol>
<p>{e(WHAT_TO_BRING)}</p>
<p class="urgence">{e(WHEN_TO_CALL_15)}</p>
{note}
</body></html>
"""


# The sheet and the screen use the same headline as the text output.
headline = recommendation_headline


def hours_worth_saying(rec: Recommendation) -> bool:
    """A line that is always open (the 15, the 3237) needs no hours; a place always does."""
    if not rec.hours:
        return False
    return not (rec.action in ("call", "sms", "info") and rec.open_now and "24h/24" in rec.hours)


def build_handout(answer: Answer, note: Optional[str] = None) -> Handout:
    steps = []
    for rec in answer.recommendations:
        if rec.action == "info" and rec.rank > 3:
            continue  # the sheet stays short: the background goes on screen only
        details = []
        if rec.action == "go" or rec.address:
            details.append(f"Adresse : {rec.address or TO_VERIFY}")
        if rec.phone and rec.action not in ("call", "sms"):
            details.append(f"Téléphone : {rec.phone}")
        if hours_worth_saying(rec):
            details.append(f"Horaires : {rec.hours}")
        details.extend(rec.advice)
        details.append(rec.why)
        freshness = freshness_note(rec)
        if freshness:
            details.append(freshness)
        steps.append((headline(rec), details))
    place = f"{answer.commune.name}" if answer.commune else None
    return Handout(
        title="Où vous faire soigner",
        moment=french_moment(answer.at),
        place=place,
        steps=steps,
        note=note.strip() if note and note.strip() else None,
    )


def save_handout(handout: Handout, folder: Path, stem: str = "fiche-patient") -> tuple[Path, Path]:
    """Write the text and HTML sheets atomically; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for suffix, content in ((".txt", handout.to_text()), (".html", handout.to_html())):
        target = folder / f"{stem}{suffix}"
        write_atomic(target, content)
        written.append(target)
    return written[0], written[1]


# --- where the sheet goes: a folder, a printer -------------------------------------------------

HANDOUT_DIR_ENV = "ORIENT_HANDOUT_DIR"
PRINTER_ENV = "ORIENT_PRINTER"
_DEFAULT_PRINTER = frozenset({"1", "yes", "oui", "on", "true", "default", "defaut", "défaut"})
_NO_PRINTER = frozenset({"", "0", "no", "non", "off", "false", "none"})
PRINT_TIMEOUT_S = 20


def default_handout_dir(environ: Optional[Mapping[str, str]] = None) -> Path:
    """$ORIENT_HANDOUT_DIR, else $XDG_DATA_HOME/orient/fiches, else ~/.local/share/orient/fiches.

    The sheet is overwritten at each patient (fixed file names): the folder never
    accumulates the history of the counter.
    """
    env = os.environ if environ is None else environ
    explicit = env.get(HANDOUT_DIR_ENV, "").strip()
    if explicit:
        return Path(explicit).expanduser()
    return orient_dir("XDG_DATA_HOME", env) / "fiches"


def print_command(path: Path, environ: Optional[Mapping[str, str]] = None) -> Optional[list[str]]:
    """The `lp` command for the sheet, or None when no printer is configured or `lp` is absent.

    ORIENT_PRINTER=oui (or default) prints on the system's default printer;
    any other value names the CUPS queue (`lp -d NAME`).
    """
    env = os.environ if environ is None else environ
    printer = env.get(PRINTER_ENV, "").strip()
    if printer.lower() in _NO_PRINTER:
        return None
    lp = shutil.which("lp", path=env.get("PATH"))
    if lp is None:
        return None
    if printer.lower() in _DEFAULT_PRINTER:
        return [lp, str(path)]
    return [lp, "-d", printer, str(path)]


def send_to_printer(path: Path, environ: Optional[Mapping[str, str]] = None) -> Optional[str]:
    """Print the text sheet when a printer is configured. Never raises.

    Returns None when there is nothing to do (no printer configured, or no `lp`),
    else a short French status: "imprimée (NAME)" or "impression impossible : …".
    """
    env = os.environ if environ is None else environ
    command = print_command(path, env)
    if command is None:
        if env.get(PRINTER_ENV, "").strip().lower() not in _NO_PRINTER:
            return "impression impossible : commande lp introuvable"
        return None
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=PRINT_TIMEOUT_S,
                              stdin=subprocess.DEVNULL, env=dict(env))
    except (OSError, subprocess.SubprocessError) as exc:
        return f"impression impossible : {exc}"
    if done.returncode != 0:
        reason = (done.stderr or done.stdout).strip().splitlines()
        return f"impression impossible : {reason[-1] if reason else f'lp a échoué ({done.returncode})'}"
    queue = command[2] if command[1] == "-d" else "imprimante par défaut"
    return f"imprimée ({queue})"
