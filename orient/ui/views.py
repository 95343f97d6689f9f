"""French text for the screens, built from the engine's plain data (Rich text, no widgets)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Optional

from rich.text import Text

from orient.answer import Answer, Recommendation
from orient.facts import FACTS, QUESTIONS
from orient.render.labels import PERIOD_LABELS, WEEKDAYS, french_km, source_title
from orient.vocabulary import PERIOD_SHORT_LABELS
from orient.render.handout import headline as sheet_headline
from orient.render.handout import hours_worth_saying
from orient.render.text import TO_VERIFY, freshness_note

if TYPE_CHECKING:
    from orient.directory.gazetteer import Commune, CommuneMatch
    from orient.ui.case import Case

# The keys a choice can be given with: "yes"/"no" slots (o/n) or the digits 1..9 then 0.
DIGIT_SLOTS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "0")
URGENT_MARK = "URGENCE"


def short_moment(at: datetime) -> str:
    """'samedi 28/11 14h00'."""
    return f"{WEEKDAYS[at.weekday()]} {at.day:02d}/{at.month:02d} {at.hour}h{at.minute:02d}"


HELP_FLOW = (
    "1. Où ? quelques lettres de la commune (▸ = celle qu'Entrée prend, ↑↓ pour une autre) ; Tab : l'heure.",
    "2. Le signe d'urgence vitale d'abord : un chiffre ; « ? » si vous ne savez pas → le 15 d'abord.",
    "3. Puis une question à la fois : o / n ou un chiffre ; « ? » passe ; Échap revient en arrière.",
    "4. La réponse : h change l'heure, l le lieu, c une réponse — les autres sont gardées.",
    "5. f donne la fiche patient (copiée, enregistrée, imprimée) ; s signale une erreur de l'annuaire ; "
    "F2 : patient suivant.",
)
HELP_HOURS = ("22h, 22h30, midi, minuit · demain 8h, dim 3h, lundi 9h · dimanche matin (9h), midi, "
              "après-midi (15h), soir (21h), nuit (2h) · 25 décembre 14h, 28/11 14h, noël, jour de l'an · "
              "dans 2h, dans 30 min · un jour seul : à l'heure qu'il est")


def help_flow() -> Text:
    return Text("\n".join(HELP_FLOW))


def help_hours() -> Text:
    return Text.assemble(("Heures comprises : ", "bold"), HELP_HOURS)


def typed_moment(at: datetime) -> str:
    """The moment as the "quand ?" field reads it back: '28/11/2026 14h00'."""
    return f"{at.day:02d}/{at.month:02d}/{at.year} {at.hour}h{at.minute:02d}"


def chosen_match(commune: "Commune") -> "CommuneMatch":
    """The place already chosen, as the one suggestion (kept even when another homonym ranks first)."""
    from orient.directory.gazetteer import CommuneMatch

    return CommuneMatch(commune, 100.0)


def given_label(case: "Case", name: str) -> str:
    """What was answered to a question, in French: '42 ans', 'Oui', 'ne sait pas'."""
    if name in case.skipped or name not in case.facts:
        return "ne sait pas"
    return answer_label(name, case.facts[name])


def answer_label(name: str, value) -> str:
    """An answer in French: '42 ans', 'Aucun', 'Voir un médecin rapidement'."""
    if name == "age":
        return f"{value} ans"
    labels = {v: label for _, v, label in fact_choices(name)}
    return labels.get(value, str(value))


def period_label(period: str) -> str:
    return PERIOD_LABELS.get(period, period)


def commune_label(commune: Optional["Commune"], home_dept: str = "32") -> str:
    """'Lectoure (32700)'; a place outside the home département says which: 'Lect (39170, dép. 39)'."""
    if commune is None:
        return "commune non précisée"
    postcode = commune.postcodes[0] if commune.postcodes else ""
    if commune.dept != home_dept:
        return f"{commune.name} ({postcode + ', ' if postcode else ''}dép. {commune.dept})"
    return f"{commune.name} ({postcode or commune.dept})"


def situation(commune: Optional["Commune"], at: datetime, period: str, not_found: str = "",
              home_dept: str = "32", width: Optional[int] = None, hour_not_understood: str = "") -> Text:
    """Place · moment — period, on one line: the period said short when the line would not fit `width`."""
    for period_text, separator in ((period_label(period), "  ·  "), (PERIOD_SHORT_LABELS.get(period, period), "  ·  "),
                                   (PERIOD_SHORT_LABELS.get(period, period), " · ")):  # the last: 60 columns
        line = _situation(commune, at, period_text, not_found, home_dept, separator, hour_not_understood)
        if width is None or line.cell_len <= width:
            break
    return line


def _situation(commune: Optional["Commune"], at: datetime, period_text: str, not_found: str,
               home_dept: str, separator: str, hour_not_understood: str) -> Text:
    text = Text()
    if commune is None and not_found:
        shown = "".join(c for c in not_found if c.isprintable())[:30]
        text.append(f"« {shown} » introuvable : sans distances (Échap pour corriger)", style="bold reverse")
    else:
        text.append(commune_label(commune, home_dept), style="bold")
    text.append(separator)
    if hour_not_understood:
        shown = "".join(c for c in hour_not_understood if c.isprintable())[:30]
        text.append(f"heure « {shown} » non comprise : maintenant (Échap pour corriger)", style="bold reverse")
        text.append(" ")
    text.append(short_moment(at), style="bold")
    text.append(f" — {period_text}")
    return text


def fact_choices(name: str) -> list[tuple[str, str, str]]:
    """(slot, value, French label) for each allowed answer; [] for the age (typed digits).

    Two choices labelled "Oui…"/"Non…" take the slots "yes"/"no" (keys o and n),
    whatever the fact's values are (the deaf question is asked the other way round).
    """
    question = QUESTIONS.get(name)
    values = FACTS.get(name)
    if values is None:
        return []
    if question and question.choices:
        choices = [(v, label) for v, label in question.choices if v in values]
    else:
        choices = [(v, v) for v in values]
    if len(choices) == 2:
        first, second = (label.strip().lower() for _, label in choices)
        if first.startswith("oui") and second.startswith("non"):
            return [("yes", choices[0][0], choices[0][1]), ("no", choices[1][0], choices[1][1])]
        if first.startswith("non") and second.startswith("oui"):
            return [("no", choices[0][0], choices[0][1]), ("yes", choices[1][0], choices[1][1])]
    return [(DIGIT_SLOTS[i], v, label) for i, (v, label) in enumerate(choices[: len(DIGIT_SLOTS)])]


def question_text(name: str) -> str:
    question = QUESTIONS.get(name)
    return question.question if question else name


def is_urgent(rec: Recommendation, emergency: bool) -> bool:
    from orient.render.labels import EMERGENCY_KINDS

    return emergency and rec.rank == 1 and rec.kind in EMERGENCY_KINDS


def headline(rec: Recommendation, urgent: bool = False) -> str:
    """'Appeler le 3237 — pharmacie de garde', without saying the number twice."""
    text = sheet_headline(rec)
    return f"{URGENT_MARK} — {text}" if urgent else text


def detail_lines(rec: Recommendation) -> list[tuple[str, str]]:
    """(line, style class) under a recommendation: where, phone, hours, advice, à vérifier."""
    lines: list[tuple[str, str]] = []
    place = rec.address or ""
    if rec.commune_name and rec.commune_name.lower() not in place.lower():
        place = ", ".join(x for x in (place, rec.commune_name) if x)
    if rec.action == "go" or place or rec.distance_km is not None:
        where = place or f"adresse {TO_VERIFY}"
        if rec.distance_km is not None:
            where += f" — à {french_km(rec.distance_km)}"
        lines.append((f"Où : {where}", ""))
    if rec.phone and rec.action not in ("call", "sms"):
        lines.append((f"Tél. : {rec.phone}", ""))
    if not rec.phone and rec.service_id and rec.action in ("call", "sms", "go"):
        lines.append((f"Tél. : {TO_VERIFY}", "warn"))
    if hours_worth_saying(rec):
        style = "open" if rec.open_now else ("closed" if rec.open_now is False else "warn")
        lines.append((f"Horaires : {rec.hours}", style))
    for advice in rec.advice:
        lines.append((f"⚠ {advice}", "advice"))
    freshness = freshness_note(rec)
    if freshness:
        lines.append((freshness, "warn"))
    return lines


LINE_STYLES = {"": "", "open": "green", "closed": "bold", "warn": "yellow", "advice": "bold", "why": "italic"}


def recommendation_text(rec: Recommendation, *, emergency: bool, compact: bool = False) -> Text:
    urgent = is_urgent(rec, emergency)
    text = Text()
    text.append(f"{rec.rank}. ", style="bold")
    if urgent:
        text.append(f" {URGENT_MARK} ", style="bold reverse")
        text.append(" " + headline(rec), style="bold")
    else:
        text.append(headline(rec), style="bold" if rec.rank == 1 else "")
    lines = detail_lines(rec)
    if compact:
        lines = [(line, style) for line, style in lines if style in ("advice", "warn", "closed", "open")][:2]
    elif rec.action == "info" and rec.why:
        # A line given "à savoir" says why it is there (the 116 117 beside the 3966).
        lines = [(rec.why, "why"), *lines]
    for line, style in lines:
        text.append("\n   ")
        text.append(line, style=LINE_STYLES.get(style, ""))
    return text


def live_answer(answer: Optional[Answer], emergency: bool, limit: int = 4, start: int = 0,
                more_hint: bool = True) -> Text:
    """The compact answer under the questions: what to do so far (from rank start+1)."""
    if answer is None or not answer.recommendations:
        return Text("La réponse s'affiche ici dès la question d'urgence posée, "
                    "puis se précise à chaque réponse.", style="italic")
    text = Text()
    for i, rec in enumerate(answer.recommendations[start:limit]):
        if i:
            text.append("\n")
        text.append_text(recommendation_text(rec, emergency=emergency, compact=True))
    more = len(answer.recommendations) - limit
    if more > 0 and more_hint:
        text.append(f"\n… et {more} autre{'s' if more > 1 else ''} (r : voir la réponse)", style="italic")
    return text


def why_text(answer: Answer) -> Text:
    """For the agent: why each line, from which documents, and the answers that led there.
    No rule ids, no file names, no maintainers' notes (those are in the rules and `orient ask --json`)."""
    text = Text()
    text.append("POURQUOI ?", style="bold underline")
    for rec in answer.recommendations:
        text.append(f"\n{rec.rank}. {sheet_headline(rec)}", style="bold")
        text.append(f"\n   Pourquoi : {rec.why}")
        text.append(f"\n   Sources : {sources_text(rec.sources)}")
    if answer.trace:
        text.append("\n\nCe qui a décidé, dans l'ordre :", style="bold")
        for step in answer.trace:
            text.append(f"\n • {step.title or 'règle sans titre'}", style="bold")
            if step.facts:
                text.append(f"\n   Réponses : {facts_text(step.facts)}")
            text.append(f"\n   Période : {period_label(step.period)}")
            if step.sources:
                text.append(f"\n   Sources : {sources_text(step.sources)}")
    return text


def sources_text(sources: list[str]) -> str:
    titles = list(dict.fromkeys(source_title(s) for s in sources))
    return " ; ".join(titles) or TO_VERIFY


def facts_text(facts: dict) -> str:
    """'Signe d'urgence vitale ? Aucun ; De quoi a-t-elle besoin ? Voir un médecin rapidement'."""
    parts = []
    for name, value in facts.items():
        parts.append(f"{question_text(name)} {answer_label(name, value)}")
    return " ; ".join(parts)


def missing_text(answer: Answer, asked: set[str]) -> Optional[Text]:
    pending = [name for name in answer.missing if name not in asked]
    if not pending:
        return None
    text = Text("À demander pour préciser :", style="bold")
    for name in pending:
        text.append(f"\n  - {question_text(name)}")
    return text
