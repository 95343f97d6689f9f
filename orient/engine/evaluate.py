"""Evaluation: facts + period -> ordered outcomes, missing facts, trace.

Hit policy (documented in docs/rules-format.md):
1. Every rule whose `when` is true fires ("collect").
2. If an `exclusive` rule fires (the vital emergencies), only exclusive rules keep
   their recommendations: the others are dropped.
3. Recommendations are ordered by priority (highest first), then by rule order
   (files by name, rules as written), then as written in the rule.
4. The same advice asked by several rules (same kind and action, and the same
   fixed service or the same selector) is given once, at the best rank; the texts,
   advice and sources of the others are appended to it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Callable, Mapping, Optional

from orient.answer import TraceStep
from orient.engine.model import Evaluation, Outcome, Rule, RuleSet
from orient.engine.text import TextContext
from orient.engine.vocabulary import ASK_INDEX, FACTS

_LAST = len(ASK_INDEX)


def normalize_facts(facts: Mapping) -> dict:
    """Known facts only: a value of None is unknown; an age written as text becomes an int."""
    result = {}
    for name, value in facts.items():
        if value is None:
            continue
        if name == "age" and isinstance(value, str):
            text = value.strip()
            if text.isdigit():
                value = int(text)
        result[name] = value
    return result


def evaluate(rules: RuleSet, facts: Mapping, period: str, at: datetime, pdsa_period: Optional[str] = None) -> Evaluation:
    """`pdsa_period`: the period the doctors' duty rules (`pdsa: true`) see when it is not `period`
    (a bridge day, R6315-1, is a holiday for them only). Each rule is evaluated once, on its own
    period, so that `missing` asks only what a rule that can still fire needs."""
    known = normalize_facts(facts)

    def period_of(rule: Rule) -> str:
        return pdsa_period if pdsa_period is not None and rule.pdsa else period

    fired: list[Rule] = []
    undecided: list[Rule] = []
    for rule in rules.rules:
        value = rule.when.eval(known, period_of(rule))
        if value is True:
            fired.append(rule)
        elif value is None:
            undecided.append(rule)

    emergency = any(rule.exclusive for rule in fired)
    if emergency:
        fired = [rule for rule in fired if rule.exclusive]
        # In an emergency only what could change rank 1 is worth asking (deaf: 114 or 15);
        # the rest would delay the call.
        first = max(_top_priority(rule) for rule in fired)
        undecided = [rule for rule in undecided if rule.exclusive and _top_priority(rule) > first]

    outcomes, contributors = _outcomes(fired, known, period_of, at)
    trace = [
        TraceStep(
            rule=rule.id,
            title=rule.title,
            facts={name: known[name] for name in rule.facts if name in known},
            period=period_of(rule),
            sources=list(rule.sources),
            note=rule.note,
        )
        for rule in contributors
    ]
    return Evaluation(outcomes=outcomes, missing=_missing(undecided, known, period_of), trace=trace,
                      emergency=emergency)


def _top_priority(rule: Rule) -> int:
    return max((rec.priority for rec in rule.recommendations), default=rule.priority)


def _outcomes(fired: list[Rule], known: Mapping, period_of: Callable[[Rule], str],
              at: datetime) -> tuple[list[Outcome], list[Rule]]:
    candidates = [
        (-rec.priority, rule.order, index, rule, rec)
        for rule in fired
        for index, rec in enumerate(rule.recommendations)
    ]
    candidates.sort(key=lambda item: item[:3])
    contexts: dict[str, TextContext] = {}  # one per period seen ({moment}, {next_working_day})
    merged: dict[tuple, int] = {}  # a recommendation's key -> its outcome's index in `outcomes`
    outcomes: list[Outcome] = []
    contributors: dict[str, Rule] = {}
    for _, _, _, rule, rec in candidates:
        contributors.setdefault(rule.id, rule)
        period = period_of(rule)
        texts = contexts.get(period) or contexts.setdefault(period, TextContext(period, at, known))
        why = texts.render(rec.why)
        outside = texts.render(rec.why_outside_area) if rec.why_outside_area is not None else None
        advice = [texts.render(line) for line in rec.advice]
        index = merged.get(rec.key)
        if index is None:
            outcome = Outcome(
                rule=rule.id,
                kind=rec.kind,
                action=rec.action,
                why=why,
                sources=list(rule.sources),
                priority=rec.priority,
                service_id=rec.service_id,
                select=rec.select,
                advice=advice,
                rules=[rule.id],
                why_outside_area=outside,
                name=texts.render(rec.name) if rec.name is not None else None,
            )
            merged[rec.key] = len(outcomes)
            outcomes.append(outcome)
            continue
        existing = outcomes[index]
        if why and why not in existing.why:
            outside_area = existing.why_outside_area
            if outside is not None or outside_area is not None:  # both texts grow alike
                before = existing.why if outside_area is None else outside_area
                added = why if outside is None else outside
                outside_area = f"{before} {added}".strip()
            existing = outcomes[index] = existing._replace(
                why=f"{existing.why} {why}" if existing.why else why, why_outside_area=outside_area)
        for line in advice:
            if line not in existing.advice:
                existing.advice.append(line)
        for source in rule.sources:
            if source not in existing.sources:
                existing.sources.append(source)
        if rule.id not in existing.rules:
            existing.rules.append(rule.id)
    return outcomes, list(contributors.values())


def _missing(undecided: list[Rule], known: Mapping, period_of: Callable[[Rule], str]) -> list[str]:
    """The unknown facts that could change the answer, in asking order.

    For each undecided rule, its unknown facts are put in the rule's asking order;
    a fact's depth is its best position over all rules (0 = the first thing to ask
    for some rule). Facts are sorted by depth, then by the global asking order;
    red_flag always comes first when it is unknown."""
    depth: dict[str, int] = {}
    for rule in undecided:
        unknown: list[str] = []
        rule.when.unknowns(known, period_of(rule), unknown)
        ordered = sorted(set(unknown), key=lambda name: rule.ask_rank.get(name, _LAST + ASK_INDEX.get(name, _LAST)))
        for position, name in enumerate(ordered):
            if position < depth.get(name, _LAST + 1):
                depth[name] = position
    if "red_flag" not in known:
        depth["red_flag"] = -1
    return sorted(
        (name for name in depth if name in FACTS),
        key=lambda name: (depth[name], ASK_INDEX.get(name, _LAST)),
    )
