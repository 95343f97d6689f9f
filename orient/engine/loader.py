"""Rules from YAML files: validation with `path:line: message` problems, compilation.
Conditions are parsed in orient/engine/parse_conditions.py, recommendations in
orient/engine/parse_recommendations.py; here sources, examples, rules and files, their
references and cycles. Every field is checked against orient/schema.py by orient/fieldcheck.py.

The format is described in docs/rules-format.md. `parse_rules` never stops at the
first problem: it returns the rules it could compile and every problem found.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from graphlib import CycleError, TopologicalSorter
from pathlib import Path
from typing import Any, Optional

from orient.engine.conditions import Cond, Ref, referenced_facts, walk
from orient.engine.model import Example, Recommendation, Rule, RuleSet
from orient.engine.parse_conditions import line_of, node_line, shown
from orient.engine.parse_recommendations import RecommendationParser
from orient.engine.vocabulary import ASK_INDEX, SEEDS
from orient.facts import FactError, parse_fact_value
from orient.fieldcheck import FieldCheck
from orient.periods import classify, parse_moment
from orient.problems import Problem
from orient.schema import EXAMPLE, RULE
from orient.yamlread import LineMap, data_files, load_yaml_text, read_text

TOP_KEYS = ("rules", "definitions")
RULE_KEYS = RULE.names
EXAMPLE_KEYS = EXAMPLE.names

RULE_ID = re.compile(RULE.field("id").pattern)
DEFINITION_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
SEED_NAME = re.compile(r"\b\d{3}_[0-9a-f]{16}\.txt\b")

# A moment for examples that give only a period (Europe/Paris, 2026).
REPRESENTATIVE_MOMENTS = {
    "weekday_day": "2026-03-10T10:00",  # a Tuesday
    "saturday_morning": "2026-03-14T10:00",
    "pdsa_evening": "2026-03-10T21:00",
    "pdsa_night": "2026-03-11T03:00",
    "pdsa_weekend": "2026-03-14T15:00",  # a Saturday afternoon
    "pdsa_holiday": "2026-04-06T10:00",  # Easter Monday
}


class _Parser(RecommendationParser):
    """The whole rules format: sources, examples, rules (conditions and recommendations in the parents).
    Their fields are checked against orient/schema.py (orient/fieldcheck.py); here what they mean."""

    def sources(self, check: FieldCheck) -> Optional[tuple[str, ...]]:
        where, ok = check.context["where"], True
        items = check("sources")
        for source, source_line in items or []:
            for seed in SEED_NAME.findall(source):
                if seed not in SEEDS:
                    self.error(source_line, f"{where} : fichier seed « {seed} » inconnu ; seeds : {', '.join(SEEDS)}")
                    ok = False
                elif not source.replace(seed, "").strip():
                    self.error(source_line, f"{where} : la source « {source} » nomme un fichier seed sans section "
                                            f"(comme « {seed} II »)")
                    ok = False
        return tuple(source.strip() for source, _ in items) if ok and items else None

    def example(self, node: Any, line: int, rule_id: str) -> Optional[Example]:
        where = f"règle « {rule_id} », exemple"
        if not isinstance(node, dict):
            self.error(line, f"{where} : un exemple doit être une table avec name, facts, at ou period, expect et missing")
            return None
        check = FieldCheck(EXAMPLE, node, line, self.error, where=where)
        name = check("name")
        if name is None:
            return None
        check.context["where"] = where = f"règle « {rule_id} », exemple « {name} »"
        check.keys()
        ok = True
        facts: dict[str, Any] = {}
        raw_facts = check("facts") or {}
        for fact, value in raw_facts.items():
            try:
                facts[fact] = parse_fact_value(fact, value if not isinstance(value, bool) else shown(value).strip("'"))
            except FactError as exc:
                self.error(line_of(raw_facts, fact, line_of(node, "facts", line)), f"{where} : {exc}")
                ok = False
        period = check("period")
        at: Optional[datetime] = None
        if "at" in node:
            try:
                at = parse_moment(str(node["at"]))
            except ValueError as exc:
                self.error(line_of(node, "at", line), f"{where} : « at » : {exc}")
                ok = False
        if "at" not in node and "period" not in node:
            self.error(line, f"{where} : donner « at » (un moment, comme 2026-11-28T14:00) ou « period »")
            ok = False
        expect, missing, fires = check("expect"), check("missing"), check("fires")
        if not (ok and check.ok):
            return None
        if at is None:
            at = parse_moment(REPRESENTATIVE_MOMENTS[period])
        if period is None:
            period = classify(at)
        return Example(name=name.strip(), facts=facts, period=period, at=at, expect=tuple(k for k, _ in expect),
                       missing=tuple(f for f, _ in missing), fires=fires, line=line)

    def rule(self, node: Any, line: int, index: int) -> Optional[Rule]:
        if not isinstance(node, dict):
            self.error(line, f"règle n° {index + 1} : une règle doit être une table avec id, title, when, recommendations, "
                             f"priority, sources et examples")
            return None
        check = FieldCheck(RULE, node, line, self.error, where=f"règle n° {index + 1}")
        rule_id = check("id")
        if rule_id is not None:
            check.context["where"] = f"règle « {rule_id} »"
        where = check.context["where"]
        check.keys()
        title = check("title")
        when: Optional[Cond] = None
        raw_when = check("when")
        if "when" in node:
            when = self.condition(raw_when, line_of(node, "when", line), where)
        ok = when is not None
        priority = check("priority")
        recommendations: list[Recommendation] = []
        for rec_index, (item, item_line) in enumerate(check("recommendations") or []):
            rec = self.recommendation(item, item_line, f"{where} : recommandation {rec_index + 1}", priority)
            ok = ok and rec is not None
            recommendations += [rec] if rec is not None else []
        sources = self.sources(check)
        note = check("note")
        ask = tuple(fact for fact, _ in check("ask") or [])
        exclusive, pdsa = check("exclusive"), check("pdsa")
        examples: list[Example] = []
        label = node["id"] if isinstance(node.get("id"), str) else f"n° {index + 1}"
        for item, item_line in check("examples") or []:
            example = self.example(item, item_line, label)
            if example is not None and any(example.name == other.name for other in examples):
                self.error(example.line, f"{where} : deux exemples s'appellent « {example.name} »")
                example = None
            ok = ok and example is not None
            examples += [example] if example is not None else []
        if not (ok and check.ok) or sources is None:
            return None
        return Rule(id=rule_id, title=title.strip(), when=when, recommendations=tuple(recommendations),
                    priority=priority, sources=sources, note=note.strip() if note else None, ask=ask,
                    exclusive=exclusive, pdsa=pdsa, examples=tuple(examples), path=self.path, line=line,
                    ask_rank={fact: position for position, fact in enumerate(ask)})


def rule_files(path: Path) -> tuple[list[Path], list[Problem]]:
    """The rule files of a folder (or the one file), and the files that would be skipped."""
    if path.is_file():
        return [path], []
    return data_files(path)


def parse_rules(path: Path | str) -> tuple[RuleSet, list[Problem]]:
    """Every rule that compiles, and every problem found (all files, all at once)."""
    ruleset, problems, _ = parse_rules_and_digest(path)
    return ruleset, problems


def parse_rules_and_digest(path: Path | str) -> tuple[RuleSet, list[Problem], bytes]:
    """`parse_rules`, and a digest of the file names and texts the rules were parsed from:
    what the checks of a rule set depend on, wherever its folder is."""
    path = Path(path)
    parser = _Parser()
    digest = hashlib.blake2b(digest_size=20)
    if not path.exists():
        return RuleSet([], {}, []), [Problem(str(path), None, "fichier ou dossier introuvable")], b""
    files, skipped = rule_files(path)
    parser.problems.extend(skipped)
    if not files:
        return (RuleSet([], {}, []), parser.problems + [Problem(str(path), None, "aucun fichier de règles (*.yaml) ici")],
                b"")

    documents: list[tuple[str, LineMap]] = []
    for file in files:
        parser.path = str(file)
        text, problems = read_text(file, str(file))
        if text is not None:
            for part in (file.name, text):
                digest.update(part.encode("utf-8", "surrogateescape"))
                digest.update(b"\0")  # names and texts never run into each other
            data, problems = load_yaml_text(text, str(file))
        else:
            data = None
        parser.problems.extend(problems)
        if data is None and problems:
            continue
        if data is None:
            parser.error(1, "fichier vide ; attendu : « rules: » (et, si besoin, « definitions: »)")
            continue
        if not isinstance(data, dict) or not any(key in data for key in TOP_KEYS):
            parser.error(node_line(data, 1), "attendu : une table avec « rules: » (une liste) et, si besoin, « definitions: »")
            continue
        for key in data:
            if key not in TOP_KEYS:
                parser.error(data.line_of(key), f"clé de premier niveau « {key} » inconnue ; valides : {', '.join(TOP_KEYS)}")
        documents.append((str(file), data))

    # Definitions first: rules in any file may refer to them.
    definitions: dict[str, Cond] = {}
    defined_at: dict[str, tuple[str, int]] = {}
    definition_refs: dict[str, list[str]] = {}
    for file, data in documents:
        parser.path = file
        raw = data.get("definitions")
        if raw is None:
            continue
        if not isinstance(raw, dict):
            parser.error(data.line_of("definitions"), "« definitions » doit associer des noms à des conditions")
            continue
        for name, node in raw.items():
            line = raw.line_of(name)
            if not isinstance(name, str) or not DEFINITION_NAME.match(name):
                parser.error(line, f"le nom de définition {shown(name)} doit être un mot en minuscules comme « doctor_needed »")
                continue
            if name in defined_at:
                first = defined_at[name]
                parser.error(line, f"définition « {name} » en double (déjà définie en {first[0]}:{first[1]})")
                continue
            defined_at[name] = (file, line)
            before = len(parser.refs)
            cond = parser.condition(node, node_line(node, line), f"définition « {name} »")
            definition_refs[name] = [ref.name for ref, *_ in parser.refs[before:]]
            if cond is not None:
                definitions[name] = cond

    rules: list[Rule] = []
    first_ids: dict[str, tuple[str, int]] = {}
    for file, data in documents:
        parser.path = file
        raw_rules = data.get("rules", [])
        if not isinstance(raw_rules, list):
            parser.error(data.line_of("rules"), "« rules » doit être une liste de règles")
            continue
        for index, node in enumerate(raw_rules):
            line = line_of(raw_rules, index, data.line_of("rules"))
            rule = parser.rule(node, line, index)
            rule_id = node.get("id") if isinstance(node, dict) else None
            if isinstance(rule_id, str) and RULE_ID.match(rule_id):
                if rule_id in first_ids:
                    first = first_ids[rule_id]
                    parser.error(line, f"id de règle « {rule_id} » en double (déjà défini en {first[0]}:{first[1]})")
                    continue
                first_ids[rule_id] = (file, line)
            if rule is not None:
                rules.append(rule)

    # Bind references; refuse unknown names and cycles.
    cyclic = _cycles(definition_refs)
    for ref, file, line, where in parser.refs:
        parser.path = file
        if ref.name not in defined_at:
            known = ", ".join(sorted(defined_at)) or "aucune"
            parser.problems.append(Problem(file, line, f"{where} : définition « {ref.name} » inconnue ; définitions : {known}"))
        elif ref.name in cyclic:
            continue
        else:
            ref.target = definitions.get(ref.name)
    for name, chain in cyclic.items():
        file, line = defined_at[name]
        parser.problems.append(Problem(file, line, f"la définition « {name} » renvoie à elle-même : {' -> '.join(chain)}"))

    bound = [rule for rule in rules if all(not isinstance(node, Ref) or node.target is not None for node in walk(rule.when))]
    for order, rule in enumerate(bound):
        facts = [name for name in referenced_facts(rule.when) if name != "period"]
        bound[order] = rule._replace(order=order, facts=tuple(sorted(
            dict.fromkeys(facts), key=lambda name: rule.ask_rank.get(name, len(ASK_INDEX) + ASK_INDEX.get(name, 0)))))
    ruleset = RuleSet(rules=bound, definitions=definitions, paths=[file for file, _ in documents])
    return ruleset, sorted(parser.problems, key=lambda p: (p.path, p.line or 0)), digest.digest()


def _cycles(graph: dict[str, list[str]]) -> dict[str, list[str]]:
    """Definitions on a cycle of references, each with a cycle from itself as a chain of names (`a -> b -> a`).
    graphlib finds a cycle; its definitions are named with it, then its first definition is set aside, those
    that referred to it referring to its references instead (through it), until the references sort."""
    refs = {name: {target: [] for target in targets if target in graph} for name, targets in graph.items()}
    found: dict[str, list[str]] = {}
    while True:
        sorter: TopologicalSorter = TopologicalSorter()
        for name, targets in refs.items():
            for target in targets:
                sorter.add(target, name)  # graphlib's cycles then follow the references, from `name` to `target`
        try:
            sorter.prepare()
            return {name: found[name] for name in graph if name in found}
        except CycleError as error:
            cycle = error.args[1]
        chain = [cycle[0]] + [step for name, target in zip(cycle, cycle[1:]) for step in refs[name][target] + [target]]
        for index, name in enumerate(chain[:-1]):
            found.setdefault(name, chain[index:-1] + chain[:index] + [name])
        aside = refs.pop(cycle[0])
        for targets in refs.values():
            if cycle[0] in targets:
                through = targets.pop(cycle[0]) + [cycle[0]]
                for target, between in aside.items():
                    if target != cycle[0]:
                        targets.setdefault(target, through + between)
