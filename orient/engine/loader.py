"""Rules from YAML files: validation with `path:line: message` problems, compilation.
Conditions are parsed in orient/engine/parse_conditions.py, recommendations in
orient/engine/parse_recommendations.py; here sources, examples, rules and files.

The format is described in docs/rules-format.md. `parse_rules` never stops at the
first problem: it returns the rules it could compile and every problem found.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any, Optional

from orient.engine.conditions import Cond, Ref, referenced_facts, walk
from orient.engine.model import Example, Recommendation, Rule, RuleSet
from orient.engine.parse_conditions import line_of, node_line, shown
from orient.engine.parse_recommendations import RecommendationParser
from orient.engine.vocabulary import ASK_INDEX, FACTS, PERIODS, SEEDS, SERVICE_KINDS
from orient.facts import FactError, parse_fact_value
from orient.periods import classify, parse_moment
from orient.problems import Problem
from orient.yamlread import LineMap, data_files, load_yaml

TOP_KEYS = ("rules", "definitions")
RULE_KEYS = ("id", "title", "when", "recommendations", "priority", "sources", "note", "ask", "exclusive", "pdsa",
             "examples")
EXAMPLE_KEYS = ("name", "facts", "at", "period", "expect", "missing", "fires")

RULE_ID = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
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
    """The whole rules format: sources, examples, rules (conditions and recommendations in the parents)."""

    # --- sources, examples, rules -----------------------------------------

    def sources(self, node: Any, line: int, where: str) -> Optional[tuple[str, ...]]:
        if not isinstance(node, list) or not node:
            self.error(line, f"{where} : aucune source ; citer un fichier seed et sa section (comme "
                             f"« 000_9b2cbc01bfa1af61.txt II ») ou une source publique nommée dans facts.md")
            return None
        ok = True
        for index, source in enumerate(node):
            source_line = line_of(node, index, line)
            if not isinstance(source, str) or not source.strip():
                self.error(source_line, f"{where} : une source doit être un texte non vide ; reçu : {shown(source)}")
                ok = False
                continue
            for seed in SEED_NAME.findall(source):
                if seed not in SEEDS:
                    self.error(source_line, f"{where} : fichier seed « {seed} » inconnu ; seeds : {', '.join(SEEDS)}")
                    ok = False
                elif not source.replace(seed, "").strip():
                    self.error(source_line, f"{where} : la source « {source} » nomme un fichier seed sans section "
                                            f"(comme « {seed} II »)")
                    ok = False
        return tuple(item.strip() for item in node) if ok else None

    def example(self, node: Any, line: int, rule_id: str) -> Optional[Example]:
        where = f"règle « {rule_id} », exemple"
        if not isinstance(node, dict):
            self.error(line, f"{where} : un exemple doit être une table avec name, facts, at ou period, expect et missing")
            return None
        name = node.get("name")
        if not isinstance(name, str) or not name.strip():
            self.error(line, f"{where} : « name » absent (il nomme le test)")
            return None
        where = f"règle « {rule_id} », exemple « {name} »"
        ok = True
        for key in node:
            if key not in EXAMPLE_KEYS:
                self.error(line_of(node, key, line), f"{where} : clé « {key} » inconnue ; valides : {', '.join(EXAMPLE_KEYS)}")
                ok = False
        facts: dict[str, Any] = {}
        raw_facts = node.get("facts", {})
        facts_line = line_of(node, "facts", line)
        if not isinstance(raw_facts, dict):
            self.error(facts_line, f"{where} : « facts » doit être une table fait: valeur")
            ok = False
        else:
            for fact, value in raw_facts.items():
                try:
                    facts[fact] = parse_fact_value(fact, value if not isinstance(value, bool) else shown(value).strip("'"))
                except FactError as exc:
                    self.error(line_of(raw_facts, fact, facts_line), f"{where} : {exc}")
                    ok = False
        period = node.get("period")
        at: Optional[datetime] = None
        if "period" in node and period not in PERIODS:
            self.error(line_of(node, "period", line), f"{where} : période {shown(period)} inconnue ; valides : {', '.join(PERIODS)}")
            ok = False
        if "at" in node:
            try:
                at = parse_moment(str(node["at"]))
            except ValueError as exc:
                self.error(line_of(node, "at", line), f"{where} : « at » : {exc}")
                ok = False
        if "at" not in node and "period" not in node:
            self.error(line, f"{where} : donner « at » (un moment, comme 2026-11-28T14:00) ou « period »")
            ok = False
        expect = node.get("expect")
        if not isinstance(expect, list):
            self.error(line_of(node, "expect", line), f"{where} : « expect » doit lister les kinds des premières recommandations, dans l'ordre")
            ok = False
        else:
            for index, kind in enumerate(expect):
                if kind not in SERVICE_KINDS:
                    self.error(line_of(expect, index, line), f"{where} : expect : kind {shown(kind)} inconnu ; valides : {', '.join(SERVICE_KINDS)}")
                    ok = False
        missing = node.get("missing")
        if not isinstance(missing, list):
            self.error(line_of(node, "missing", line), f"{where} : « missing » doit lister les faits encore à demander, dans l'ordre ([] pour aucun)")
            ok = False
        else:
            for index, fact in enumerate(missing):
                if fact not in FACTS:
                    self.error(line_of(missing, index, line), f"{where} : missing : fait {shown(fact)} inconnu ; faits connus : {', '.join(FACTS)}")
                    ok = False
        fires = node.get("fires", True)
        if not isinstance(fires, bool):
            self.error(line_of(node, "fires", line), f"{where} : « fires » prend true ou false")
            ok = False
        if not ok:
            return None
        if at is None:
            at = parse_moment(REPRESENTATIVE_MOMENTS[period])
        if period is None:
            period = classify(at)
        return Example(name=name.strip(), facts=facts, period=period, at=at, expect=tuple(expect),
                       missing=tuple(missing), fires=fires, line=line)

    def rule(self, node: Any, line: int, index: int) -> Optional[Rule]:
        if not isinstance(node, dict):
            self.error(line, f"règle n° {index + 1} : une règle doit être une table avec id, title, when, recommendations, "
                             f"priority, sources et examples")
            return None
        rule_id = node.get("id")
        if "id" not in node:
            self.error(line, f"règle n° {index + 1} : « id » absent")
            where = f"règle n° {index + 1}"
            ok = False
        elif not isinstance(rule_id, str) or not RULE_ID.match(rule_id):
            self.error(line_of(node, "id", line), f"l'id de règle {shown(rule_id)} doit être des mots en minuscules séparés par des points, "
                                                    f"comme « out_of_hours.consult »")
            where = f"règle n° {index + 1}"
            ok = False
        else:
            where = f"règle « {rule_id} »"
            ok = True
        for key in node:
            if key not in RULE_KEYS:
                self.error(line_of(node, key, line), f"{where} : clé « {key} » inconnue ; valides : {', '.join(RULE_KEYS)}")
                ok = False
        title = node.get("title")
        if not isinstance(title, str) or not title.strip():
            self.error(line_of(node, "title", line), f"{where} : « title » absent")
            ok = False
        when: Optional[Cond] = None
        if "when" not in node:
            self.error(line, f"{where} : « when » absent (écrire « when: {{}} » pour une règle qui s'applique toujours)")
            ok = False
        else:
            when = self.condition(node["when"], line_of(node, "when", line), where)
            ok = ok and when is not None
        priority = node.get("priority")
        if "priority" not in node or isinstance(priority, bool) or not isinstance(priority, int):
            self.error(line_of(node, "priority", line), f"{where} : « priority » doit être un entier (le plus grand passe en premier)")
            ok = False
            priority = None
        recommendations: list[Recommendation] = []
        raw_recs = node.get("recommendations")
        recs_line = line_of(node, "recommendations", line)
        if not isinstance(raw_recs, list) or not raw_recs:
            self.error(recs_line, f"{where} : « recommendations » absent")
            ok = False
        else:
            for rec_index, item in enumerate(raw_recs):
                rec = self.recommendation(item, line_of(raw_recs, rec_index, recs_line),
                                          f"{where} : recommandation {rec_index + 1}", priority)
                if rec is None:
                    ok = False
                else:
                    recommendations.append(rec)
        sources = self.sources(node.get("sources"), line_of(node, "sources", line), where)
        ok = ok and sources is not None
        note = node.get("note")
        if note is not None and (not isinstance(note, str) or not note.strip()):
            self.error(line_of(node, "note", line), f"{where} : « note » doit être un texte")
            ok = False
        ask: list[str] = []
        if "ask" in node:
            raw_ask = node["ask"]
            ask_line = line_of(node, "ask", line)
            if not isinstance(raw_ask, list):
                self.error(ask_line, f"{where} : « ask » doit lister des faits dans l'ordre où les demander")
                ok = False
            else:
                for ask_index, fact in enumerate(raw_ask):
                    if fact not in FACTS:
                        self.error(line_of(raw_ask, ask_index, ask_line), f"{where} : ask : fait {shown(fact)} inconnu ; faits connus : {', '.join(FACTS)}")
                        ok = False
                    elif fact in ask:
                        self.error(line_of(raw_ask, ask_index, ask_line), f"{where} : ask : « {fact} » est listé deux fois")
                        ok = False
                    else:
                        ask.append(fact)
        exclusive = node.get("exclusive", False)
        if not isinstance(exclusive, bool):
            self.error(line_of(node, "exclusive", line), f"{where} : « exclusive » prend true ou false")
            ok = False
        pdsa = node.get("pdsa", False)
        if not isinstance(pdsa, bool):
            self.error(line_of(node, "pdsa", line), f"{where} : « pdsa » prend true ou false (true : une règle de garde "
                                                      f"médicale, pour qui les ponts sont des jours fériés)")
            ok = False
        examples: list[Example] = []
        raw_examples = node.get("examples")
        examples_line = line_of(node, "examples", line)
        if not isinstance(raw_examples, list) or not raw_examples:
            self.error(examples_line, f"{where} : aucun exemple ; donner au moins une situation avec ses recommandations "
                                      f"attendues et les faits manquants")
            ok = False
        else:
            names: set[str] = set()
            for example_index, item in enumerate(raw_examples):
                example = self.example(item, line_of(raw_examples, example_index, examples_line),
                                       rule_id if isinstance(rule_id, str) else f"n° {index + 1}")
                if example is None:
                    ok = False
                elif example.name in names:
                    self.error(example.line, f"{where} : deux exemples s'appellent « {example.name} »")
                    ok = False
                else:
                    names.add(example.name)
                    examples.append(example)
        if not ok:
            return None
        return Rule(id=rule_id, title=title.strip(), when=when, recommendations=tuple(recommendations),
                    priority=priority, sources=sources, note=note.strip() if note else None, ask=tuple(ask),
                    exclusive=exclusive, pdsa=pdsa, examples=tuple(examples), path=self.path, line=line,
                    ask_rank={fact: position for position, fact in enumerate(ask)})



def rule_files(path: Path) -> tuple[list[Path], list[Problem]]:
    """The rule files of a folder (or the one file), and the files that would be skipped."""
    if path.is_file():
        return [path], []
    return data_files(path)


def parse_rules(path: Path | str) -> tuple[RuleSet, list[Problem]]:
    """Every rule that compiles, and every problem found (all files, all at once)."""
    path = Path(path)
    parser = _Parser()
    if not path.exists():
        return RuleSet([], {}, []), [Problem(str(path), None, "fichier ou dossier introuvable")]
    files, skipped = rule_files(path)
    parser.problems.extend(skipped)
    if not files:
        return RuleSet([], {}, []), parser.problems + [Problem(str(path), None, "aucun fichier de règles (*.yaml) ici")]

    documents: list[tuple[str, LineMap]] = []
    for file in files:
        parser.path = str(file)
        data, problems = load_yaml(file)
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
        rule.order = order
        facts = [name for name in referenced_facts(rule.when) if name != "period"]
        rule.facts = tuple(sorted(dict.fromkeys(facts),
                                  key=lambda name: rule.ask_rank.get(name, len(ASK_INDEX) + ASK_INDEX.get(name, 0))))
    ruleset = RuleSet(rules=bound, definitions=definitions, paths=[file for file, _ in documents])
    return ruleset, sorted(parser.problems, key=lambda p: (p.path, p.line or 0))


def _cycles(graph: dict[str, list[str]]) -> dict[str, list[str]]:
    """Definitions that reach themselves, each with one cycle as a chain of names."""
    result: dict[str, list[str]] = {}
    for start in graph:
        stack = [(start, [start])]
        seen: set[str] = set()
        while stack:
            name, chain = stack.pop()
            for target in graph.get(name, []):
                if target == start:
                    result.setdefault(start, chain + [start])
                elif target not in seen and target in graph:
                    seen.add(target)
                    stack.append((target, chain + [target]))
    return result
