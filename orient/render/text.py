"""The answer as French text for a person: numbered steps, phones, the why."""

from __future__ import annotations

from orient.answer import Answer, Recommendation
from orient.facts import QUESTIONS
from orient.render.labels import ACTION_VERBS, PERIOD_LABELS, french_km, french_moment

TO_VERIFY = "à vérifier"
SHORT_SMS_VERB = "Écrire"  # when the service's name already says "SMS, visio ou tchat"


def recommendation_headline(rec: Recommendation) -> str:
    """'Appeler le 3966 — Allô docteur — médecin de garde'; the number said once even when
    the service's name starts with it ('3237 – pharmacie de garde'), and the ways to write said
    once when the name says them ('Écrire le 114 — urgence par SMS, visio ou tchat')."""
    verb = ACTION_VERBS.get(rec.action, rec.action)
    if rec.action == "sms" and "sms" in rec.name.lower():
        verb = SHORT_SMS_VERB
    if rec.action in ("call", "sms"):
        if rec.phone:
            return f"{verb} le {rec.phone} — {_name_after_number(rec.name, rec.phone)}"
        if rec.service_id:  # a known service whose number nobody has confirmed
            return f"{verb} : {rec.name} (numéro {TO_VERIFY})"
    return f"{verb} : {rec.name}"


def _name_after_number(name: str, phone: str) -> str:
    for sep in (" — ", " – ", " - "):
        if name.startswith(phone + sep):
            return name[len(phone + sep):]
    return name


def recommendation_details(rec: Recommendation) -> list[str]:
    lines = []
    place = ", ".join(x for x in (rec.address, rec.commune_name) if x)
    if rec.action == "go" or rec.distance_km is not None:
        where = place or f"adresse {TO_VERIFY}"
        if rec.distance_km is not None:
            where += f" ({french_km(rec.distance_km)})"
        lines.append(f"Où : {where}")
    if rec.phone and rec.action not in ("call", "sms"):
        lines.append(f"Téléphone : {rec.phone}")
    if rec.service_id and not rec.phone and rec.action in ("call", "sms", "go"):
        lines.append(f"Téléphone : {TO_VERIFY}")
    if rec.hours:
        lines.append(f"Horaires : {rec.hours}")
    lines.extend(f"⚠ {a}" for a in rec.advice)
    lines.append(f"Pourquoi : {rec.why}")
    lines.append(f"Source : {' ; '.join(rec.sources)}")
    note = freshness_note(rec)
    if note:
        lines.append(note)
    return lines


def freshness_note(rec: Recommendation) -> str | None:
    """'Informations à vérifier (vérifié le 30/06/2025)' when the directory entry is stale or
    unknown (never checked, more than 12 months old, hours or phone unknown): never shown as certain."""
    if not (rec.to_verify and rec.service_id):
        return None
    if rec.verified:
        checked = f"vérifié le {_french_date(rec.verified)}"
    elif rec.source_date:  # taken from a dated source, never checked with the service itself
        checked = f"source du {_french_date(rec.source_date)}"
    else:
        checked = "jamais vérifié"
    return f"Informations {TO_VERIFY} ({checked})"


def _french_date(iso: str) -> str:
    try:
        y, m, d = (int(x) for x in iso[:10].split("-"))
    except ValueError:
        return iso
    return f"{d:02d}/{m:02d}/{y}"


def render_answer(answer: Answer) -> str:
    out = [f"Orientation — {french_moment(answer.at)} — {PERIOD_LABELS.get(answer.period, answer.period)}"]
    if answer.commune:
        out.append(f"Lieu : {answer.commune.name} ({answer.commune.code})")
    for warning in answer.warnings:
        out.append(f"⚠ {warning}")
    out.append("")
    for rec in answer.recommendations:
        out.append(f"{rec.rank}. {recommendation_headline(rec)}")
        out.extend(f"   {line}" for line in recommendation_details(rec))
        out.append("")
    if answer.missing:
        out.append("À demander pour préciser :")
        for name in answer.missing:
            question = QUESTIONS.get(name)
            out.append(f"  - {question.question if question else name} ({name})")
        out.append("")
    return "\n".join(out)
