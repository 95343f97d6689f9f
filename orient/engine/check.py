"""`check_rules`: every problem of a rules folder, as `path:line: message`.

Beyond what loading checks (syntax, vocabulary, sources, examples present, ids),
it runs every example and looks for rules that can never change an answer:
- a rule whose conditions are never true, whatever the facts and the period;
- a rule that is not exclusive and, whenever it applies, an exclusive rule applies
  too (its recommendations would always be dropped);
- the red-flag guarantee: any vital sign puts the 15 first (the 114 for a deaf person),
  in every period, whatever the need.
`validate_rules` is the one validation: `load_rules` (so `orient ask`, the UI and the
load cache) refuses exactly what `orient check` reports as an error.
The search is exhaustive over the facts each rule depends on (ages are tried at
0, 130 and around every threshold the rules use), pruned by three-valued
reasoning on partial situations. It does not judge texts or priorities.
"""

from __future__ import annotations

from pathlib import Path

from orient.engine.conditions import ABSENT, All, Any as AnyOf, Cond, Not, Range, Undecided, referenced_facts, satisfy, walk
from orient.engine.evaluate import evaluate
from orient.engine.loader import REPRESENTATIVE_MOMENTS, parse_rules_and_digest
from orient.engine.model import Example, Rule, RuleSet
from orient.facts import AGE_MAX, FACTS, RED_FLAGS
from orient.periods import PERIODS, parse_moment
from orient.problems import Problem, errors


def run_example(ruleset: RuleSet, rule: Rule, example: Example) -> list[str]:
    """What goes wrong with one example (empty when it passes)."""
    evaluation = evaluate(ruleset, example.facts, example.period, example.at)
    where = f"règle « {rule.id} », exemple « {example.name} »"
    failures = []
    kinds = [outcome.kind for outcome in evaluation.outcomes]
    if tuple(kinds[: len(example.expect)]) != example.expect:
        failures.append(f"{where} : recommandations attendues en tête : [{', '.join(example.expect)}] ; "
                        f"obtenues : [{', '.join(kinds)}]")
    if tuple(evaluation.missing) != example.missing:
        failures.append(f"{where} : faits manquants attendus : [{', '.join(example.missing)}] ; "
                        f"obtenus : [{', '.join(evaluation.missing)}]")
    applied = any(step.rule == rule.id for step in evaluation.trace)
    if example.fires and not applied:
        failures.append(f"{where} : la règle ne donne rien dans cette situation (écrire « fires: false » si c'est voulu)")
    elif not example.fires and applied:
        failures.append(f"{where} : la règle s'applique dans cette situation, mais l'exemple dit « fires: false »")
    return failures


def _domains(ruleset: RuleSet) -> dict[str, tuple]:
    thresholds = {0, AGE_MAX}
    for rule in ruleset.rules:
        for node in walk(rule.when):
            if isinstance(node, Range):
                for n in node.thresholds():
                    thresholds.update((n - 1, n, n + 1))
            elif getattr(node, "fact", None) == "age" and hasattr(node, "values"):
                thresholds.update(v for v in node.values if isinstance(v, int))
    ages = tuple(sorted(n for n in thresholds if 0 <= n <= AGE_MAX))
    domains: dict[str, tuple] = {"period": PERIODS}
    for name, values in FACTS.items():
        domains[name] = (ages if values is None else tuple(values)) + (ABSENT,)
    return domains


def _not_applied(cond: Cond) -> Cond:
    return AnyOf([Not(cond), Undecided(cond)])


def reachability_problems(ruleset: RuleSet) -> list[Problem]:
    problems = []
    domains = _domains(ruleset)
    exclusive = [rule for rule in ruleset.rules if rule.exclusive]
    for rule in ruleset.rules:
        order = referenced_facts(rule.when)
        if satisfy(rule.when, domains, order) is None:
            problems.append(Problem(rule.path, rule.line, f"la règle « {rule.id} » ne peut jamais s'appliquer : ses conditions ne sont jamais toutes vraies"))
            continue
        if rule.exclusive or not exclusive:
            continue
        others = [other for other in exclusive
                  if satisfy(All([rule.when, other.when]), domains,
                             order + referenced_facts(other.when)) is not None]
        if not others:
            continue
        alone = All([rule.when] + [_not_applied(other.when) for other in others])
        combined_order = tuple(dict.fromkeys(order + tuple(f for other in others for f in referenced_facts(other.when))))
        if satisfy(alone, domains, combined_order) is None:
            ids = ", ".join(other.id for other in others)
            problems.append(Problem(rule.path, rule.line,
                                    f"la règle « {rule.id} » ne change jamais la réponse : chaque fois qu'elle s'applique, "
                                    f"la ou les règles exclusives {ids} s'appliquent aussi et remplacent ses recommandations"))
    return problems


def example_problems(ruleset: RuleSet) -> list[Problem]:
    problems = []
    for rule in ruleset.rules:
        for example in rule.examples:
            for failure in run_example(ruleset, rule, example):
                problems.append(Problem(rule.path, example.line, failure))
    return problems


def guarantee_problems(ruleset: RuleSet) -> list[Problem]:
    """The one invariant: red_flag other than none makes rank 1 emergency_15 (sms_114 when
    deaf=yes), whatever the period, the need and whether deafness is known."""
    by_id = {rule.id: rule for rule in ruleset.rules}
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for period in PERIODS:
        at = parse_moment(REPRESENTATIVE_MOMENTS[period])
        for red_flag in RED_FLAGS[1:]:
            for deaf in ("yes", "no", None):
                for need in (None, *FACTS["need"]):
                    facts = {"red_flag": red_flag}
                    if deaf is not None:
                        facts["deaf"] = deaf
                    if need is not None:
                        facts["need"] = need
                    outcomes = evaluate(ruleset, facts, period, at).outcomes
                    wanted = "sms_114" if deaf == "yes" else "emergency_15"
                    first = outcomes[0] if outcomes else None
                    if first is not None and first.kind == wanted:
                        continue
                    culprit = by_id.get(first.rule) if first is not None else None
                    if (wanted, culprit.id if culprit else "") in seen:
                        continue
                    seen.add((wanted, culprit.id if culprit else ""))
                    situation = ", ".join(f"{name}={value}" for name, value in facts.items())
                    got = f"« {first.kind} » (règle « {first.rule} »)" if first is not None else "rien"
                    path, line = (culprit.path, culprit.line) if culprit else (ruleset.paths[0] if ruleset.paths else "rules", None)
                    problems.append(Problem(path, line, f"garantie des signes de gravité rompue : avec {situation} ({period}), "
                                                        f"le rang 1 est {got}, pas « {wanted} » (un signe vital met le 15 "
                                                        "en premier, le 114 pour une personne sourde)"))
    return problems


def validate_rules(path: Path | str) -> tuple[RuleSet, list[Problem]]:
    """The rules of a folder (or one file) and every problem, sorted by file and line.

    Examples, reachability and the red-flag guarantee are checked only when the rules load
    without error (a broken rule would make other rules' examples fail for the wrong reason)."""
    ruleset, problems, digest = parse_rules_and_digest(path)
    if not problems and digest in _FOUND_SOUND:
        return ruleset, []
    if not errors(problems):
        problems = problems + example_problems(ruleset) + reachability_problems(ruleset)
        if not errors(problems):
            problems += guarantee_problems(ruleset)
    if not problems:
        _FOUND_SOUND.add(digest)
    return ruleset, sorted(problems, key=lambda p: (p.path, p.line or 0))


# The digests of the rule files this process found without a problem (`parse_rules_and_digest`).
# Examples, reachability and the guarantee are checked by evaluating the rules some thousand
# times (0.1 s), and depend on nothing but the files' names and texts: the same rules read again
# (a reload, a copy of the folder) are not checked twice.
_FOUND_SOUND: set[bytes] = set()


def check_rules(path: Path | str) -> list[Problem]:
    """Every problem in a rules folder (or one file), sorted by file and line."""
    return validate_rules(path)[1]
