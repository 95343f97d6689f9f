"""The patient's sheet: a short French handout, as plain text and printable HTML.

It carries no personal data: only the answer (what to do, numbers, places)
and, if the agent typed one, a free note. It is written for the patient: the
number to call first comes first and largest (with a QR code of each number on
the HTML sheet, a `tel:` link a phone opens), the "appelez le 15" box first in
an emergency, and the words meant for the agent or the maintainers are said
the patient's way (PATIENT_WORDING) or left out.
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
from orient.render.labels import EMERGENCY_KINDS, french_moment
from orient.render.text import TO_VERIFY, recommendation_headline
from orient.textsafe import printable
from orient.userdirs import orient_dir
from orient.vocabulary import wall_clock

WHEN_TO_CALL_15 = (
    "Appelez le 15 (ou le 112) sans attendre en cas de douleur dans la poitrine, de difficulté à respirer, "
    "de signes d'AVC (visage qui se déforme, bras qui ne répond plus, parole difficile), de perte de "
    "connaissance, de convulsions, d'hémorragie ou d'allergie grave. Personnes sourdes ou malentendantes : "
    "114 par SMS ou l'application Urgence 114."
)
# The same box for a deaf patient whose first step is the SMS to the 114 (it takes no voice call).
WHEN_TO_TEXT_114 = (
    "Envoyez un SMS au 114 (ou utilisez l'application Urgence 114) sans attendre en cas de douleur dans la "
    "poitrine, de difficulté à respirer, de signes d'AVC (visage qui se déforme, bras qui ne répond plus, "
    "parole difficile), de perte de connaissance, de convulsions, d'hémorragie ou d'allergie grave. "
    "Une personne à côté qui peut parler appelle le 15 (ou le 112)."
)
WHAT_TO_BRING = "À apporter : carte Vitale, ordonnances en cours, liste des médicaments."
TO_CONFIRM = "Adresse et horaires à confirmer : appelez avant de vous déplacer."
TO_CONFIRM_START = TO_CONFIRM.split(" :")[0]
# Lines written for the agent at the counter, said to the patient on the sheet.
PATIENT_WORDING = (
    ("Si la personne ne peut pas se déplacer, dites-le", "Si vous ne pouvez pas vous déplacer, dites-le"),
    ("Les pharmacies ne sont pas encore dans l'annuaire : la plus proche, ou", "Une pharmacie : la plus proche, ou"),
)


def patient_words(line: str) -> str:
    for agent, patient in PATIENT_WORDING:
        line = line.replace(agent, patient)
    return line


def tel_link(phone: str) -> Optional[str]:
    """'tel:+33562613232' for '05 62 61 32 32', 'tel:15' for '15'; None when not a number."""
    digits = "".join(c for c in phone if c.isdigit() or c == "+")
    if not digits or not set(phone) <= set("0123456789 +.-"):
        return None
    if len(digits) == 10 and digits.startswith("0"):
        digits = "+33" + digits[1:]
    return f"tel:{digits}"


def number_link(phone: str, action: str = "call") -> Optional[str]:
    """The link a phone opens for this step: a text message for an `sms` line (the 114 takes
    no voice call), else a call ('sms:114', 'tel:15'); None when not a number."""
    link = tel_link(phone)
    if link is None or action != "sms":
        return link
    return "sms:" + link.removeprefix("tel:")


def qr_svg(link: str) -> str:
    """An inline SVG QR code of the link (segno), or "" if it cannot be made."""
    try:
        import segno

        return segno.make(link, error="m", micro=False).svg_inline(scale=3, border=2, omitsize=False)
    except Exception:  # noqa: BLE001 — a sheet without a QR code is still a sheet
        return ""


@dataclass
class Handout:
    title: str
    moment: str
    place: Optional[str]
    steps: list[tuple[str, list[str]]]  # (headline, details)
    note: Optional[str]
    first_number: Optional[str] = None  # the number to call first, shown first and largest
    emergency: bool = False  # a vital emergency: the "appelez le 15" box comes first
    phones: tuple[Optional[str], ...] = ()  # each step's number, for its QR code
    actions: tuple[str, ...] = ()  # each step's action: an `sms` number is texted, not called
    first_action: str = "call"  # how to use first_number: "sms" for the 114

    @property
    def urgent_box(self) -> str:
        """The "when to call the 15" box; for a deaf patient texting the 114 first, the SMS first."""
        return WHEN_TO_TEXT_114 if self.first_action == "sms" else WHEN_TO_CALL_15

    def to_text(self) -> str:
        out = [self.title, "=" * len(self.title)]
        if self.emergency:
            out += [self.urgent_box, ""]
        if self.first_number:
            first = "SMS AU" if self.first_action == "sms" else "NUMÉRO À APPELER :"
            out += [f"{first} {self.first_number}", ""]
        out.append(f"Le {self.moment}")
        if self.place:
            out.append(f"Commune : {self.place}")
        out.append("")
        for number, (headline, details) in enumerate(self.steps, start=1):
            out.append(f"{number}. {headline}")
            out.extend(f"   {d}" for d in details)
        out += ["", WHAT_TO_BRING]
        if not self.emergency:
            out += ["", self.urgent_box]
        if self.note:
            out += ["", f"Note : {self.note}"]
        # A note pasted with escapes (or a data line) must not drive the terminal, the printer, the clipboard.
        return printable("\n".join(out) + "\n")

    def to_html(self) -> str:
        e = html.escape
        items = []
        for i, (headline, details) in enumerate(self.steps):
            phone = self.phones[i] if i < len(self.phones) else None
            action = self.actions[i] if i < len(self.actions) else "call"
            link = number_link(phone, action) if phone else None
            qr = f'<div class="qr">{qr_svg(link)}<br>{e(phone)}</div>' if link else ""
            items.append(f"<li><strong>{e(headline)}</strong>" + "".join(f"<br>{e(d)}" for d in details)
                         + f"{qr}</li>")
        steps = "\n".join(items)
        place = f"<p>Commune : {e(self.place)}</p>" if self.place else ""
        note = f"<p><em>Note : {e(self.note)}</em></p>" if self.note else ""
        urgent = f'<p class="urgence">{e(self.urgent_box)}</p>'
        first = ""
        if self.first_number:
            link = number_link(self.first_number, self.first_action)
            number = f'<a href="{e(link)}">{e(self.first_number)}</a>' if link else e(self.first_number)
            verb = "Envoyez un SMS au" if self.first_action == "sms" else "Appelez le"
            first = f'<p class="numero">{verb} {number}</p>'
        return printable(f"""<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>{e(self.title)}</title>
<style>body{{font-family:sans-serif;max-width:40em;margin:1em auto;font-size:14pt}}
li{{margin-bottom:.8em;clear:both}} .urgence{{border:3px solid #000;padding:.5em;font-weight:bold}}
.numero{{font-size:36pt;font-weight:bold;margin:.3em 0}} .numero a{{color:inherit;text-decoration:none}}
.qr{{float:right;text-align:center;font-size:10pt;margin-left:1em}}
@media print{{body{{margin:0}}}}</style></head>
<body><h1>{e(self.title)}</h1>
{urgent if self.emergency else ""}{first}<p>Le {e(self.moment)}</p>{place}
<ol>
{steps}
</ol>
<p style="clear:both">{e(WHAT_TO_BRING)}</p>
{"" if self.emergency else urgent}
{note}
</body></html>
""")


# The sheet and the screen use the same headline as the text output.
headline = recommendation_headline


def hours_worth_saying(rec: Recommendation) -> bool:
    """A line that is always open (the 15, the 3237) needs no hours; a place always does."""
    if not rec.hours:
        return False
    return not (rec.action in ("call", "sms", "info") and rec.open_now and "24h/24" in rec.hours)


def build_handout(answer: Answer, note: Optional[str] = None, desk_dept: Optional[str] = None) -> Handout:
    """`desk_dept`: without a commune, the département whose clock the moment is said in (a counter's
    own, overseas: as `orient(desk_dept=…)`)."""
    steps = []
    phones: list[Optional[str]] = []
    actions: list[str] = []
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
        details.extend(patient_words(line) for line in rec.advice)
        details.append(patient_words(rec.why))
        # The agent's "à vérifier", the patient's way — unless the line already says it is to confirm
        # ("… : pas de numéro connu": then "appelez avant de vous déplacer" would name nothing to call).
        if rec.to_verify and rec.service_id and not any(a.startswith(TO_CONFIRM_START) for a in rec.advice):
            details.append(TO_CONFIRM)
        steps.append((headline(rec), details))
        phones.append(rec.phone)
        actions.append(rec.action)
    place = f"{answer.commune.name}" if answer.commune else None
    dept = answer.commune.dept if answer.commune else desk_dept
    local = wall_clock(answer.at, dept) if dept else None  # overseas: its own clock
    moment = french_moment(local) + " (heure locale)" if local else french_moment(answer.at)
    first = answer.recommendations[0] if answer.recommendations else None
    first_number = first.phone if first is not None and first.action in ("call", "sms") and first.phone else None
    return Handout(
        title="Où vous faire soigner",
        moment=moment,
        place=place,
        steps=steps,
        note=note.strip() if note and note.strip() else None,
        first_number=first_number,
        emergency=first is not None and first.kind in EMERGENCY_KINDS,
        phones=tuple(phones),
        actions=tuple(actions),
        first_action=first.action if first_number else "call",
    )


def save_handout(handout: Handout, folder: Path, stem: str = "fiche-patient") -> tuple[Path, Path]:
    """Write the text and HTML sheets atomically; returns their paths. Both or neither: when the second
    cannot be written, the first (it may carry the agent's note) is removed before the error goes on."""
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    try:
        for suffix, content in ((".txt", handout.to_text()), (".html", handout.to_html())):
            target = folder / f"{stem}{suffix}"
            write_atomic(target, content)
            written.append(target)
    except OSError:
        for path in written:
            try:
                path.unlink()
            except OSError:
                pass
        raise
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


def print_command(environ: Optional[Mapping[str, str]] = None) -> Optional[list[str]]:
    """The `lp` command that prints the sheet given on its standard input, or None when there is no
    printer to use or `lp` is absent. (On its standard input: lp has the whole sheet at once, so the
    files can go at "patient suivant" while a slow printer is still being waited for.)

    ORIENT_PRINTER=oui (or default) prints on the system's default printer; any
    other value names the CUPS queue (`lp -d NAME`); `off` (or non, 0) never
    prints. Unset: the system's default printer when CUPS has one (`lpstat -d`).
    """
    env = os.environ if environ is None else environ
    printer = env.get(PRINTER_ENV, "").strip()
    if printer and printer.lower() in _NO_PRINTER:
        return None
    lp = shutil.which("lp", path=env.get("PATH"))
    if lp is None:
        return None
    title = ["-t", "fiche-patient"]
    if not printer:
        return [lp, *title] if system_default_printer(env) else None
    if printer.lower() in _DEFAULT_PRINTER:
        return [lp, *title]
    return [lp, "-d", printer, *title]


def system_default_printer(environ: Mapping[str, str]) -> Optional[str]:
    """The CUPS default destination (`lpstat -d`), or None. Never raises."""
    lpstat = shutil.which("lpstat", path=environ.get("PATH"))
    if lpstat is None:
        return None
    try:
        done = subprocess.run([lpstat, "-d"], capture_output=True, text=True, timeout=5,
                              stdin=subprocess.DEVNULL, env=dict(environ))
    except (OSError, subprocess.SubprocessError):
        return None
    _, colon, name = done.stdout.strip().partition(":")
    return name.strip() or None if done.returncode == 0 and colon else None


def open_for_printing(html_sheet: Path, environ: Mapping[str, str]) -> Optional[str]:
    """Open the HTML sheet in the browser of a graphical session (its print dialog is Ctrl+P).
    The French status, or None when there is no graphical session or no opener."""
    if not (environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY")):
        return None
    opener = shutil.which("xdg-open", path=environ.get("PATH"))
    if opener is None:
        return None
    try:
        subprocess.Popen([opener, str(html_sheet)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, env=dict(environ), start_new_session=True)
    except OSError:
        return None
    return "ouverte dans le navigateur : imprimez-la avec Ctrl+P"


def send_to_printer(path: Path, environ: Optional[Mapping[str, str]] = None,
                    text: Optional[str] = None) -> Optional[str]:
    """Print the text sheet (`text`, else the file at `path`) without configuration when possible.
    Never raises.

    A configured printer or the system's default one gets the sheet (`lp`, on its
    standard input); else the HTML sheet next to `path` is opened in the browser, for
    its print dialog; else a clear message says where the sheet is. Returns a short
    French status ("imprimée (NAME)", "impression impossible : …", …) — never lp's
    nor the system's English —, or None when printing is turned off (ORIENT_PRINTER=off).
    """
    from orient.oserrors import french_os_error

    env = os.environ if environ is None else environ
    printer = env.get(PRINTER_ENV, "").strip()
    if printer and printer.lower() in _NO_PRINTER:
        return None
    command = print_command(env)
    if command is None:
        if printer:
            return "impression impossible : commande lp introuvable"
        opened = open_for_printing(path.with_suffix(".html"), env)
        return opened or f"non imprimée : pas d'imprimante ; elle est dans {path.with_suffix('.html')}"
    try:
        sheet = (path.read_text(encoding="utf-8") if text is None else text).encode("utf-8")
        done = subprocess.run(command, input=sheet, capture_output=True, timeout=PRINT_TIMEOUT_S, env=dict(env))
    except subprocess.TimeoutExpired:
        return f"impression impossible : l'imprimante ne répond pas ({PRINT_TIMEOUT_S} s d'attente)"
    except OSError as exc:
        return f"impression impossible : {french_os_error(exc)}"
    except subprocess.SubprocessError:
        return "impression impossible : la commande lp a échoué"
    queue = command[2] if command[1] == "-d" else "imprimante par défaut"
    if done.returncode != 0:  # lp's own words are the system's language, often English: not shown
        return f"impression impossible : l'imprimante ({queue}) a refusé la fiche (lp, code {done.returncode})"
    return f"imprimée ({queue})"
