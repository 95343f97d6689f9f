"""Rules from YAML files: validation with `path:line: message` problems, compilation.

The format is described in docs/rules-format.md. `parse_rules` never stops at the
first problem: it returns the rules it could compile and every problem found.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any, Optional

from orient.engine.conditions import (
    All, Always, Any as AnyOf, Cond, IsIn, Known, Not, NotIn, PeriodIn, Range, Ref, Undecided, referenced_facts, walk,
)
from orient.engine.model import Example, Recommendation, Rule, RuleSet, Selector, Text
from orient.engine.text import make_text, placeholders_of
from orient.engine.vocabulary import (
    ACTIONS, ASK_INDEX, CAPABILITIES, FACTS, FIXED_SERVICES, OWN_PRACTITIONER_KINDS, PERIODS,
    PLACEHOLDERS, SEEDS, SERVICE_KINDS,
)
from orient.facts import AGE_MAX, FactError, parse_fact_value
from orient.periods import classify, parse_moment
from orient.problems import Problem
from orient.yamlread import LineList, LineMap, data_files, load_yaml

TOP_KEYS = ("rules", "definitions")
RULE_KEYS = ("id", "title", "when", "recommendations", "priority", "sources", "note", "ask", "exclusive", "pdsa",
             "examples")
REC_KEYS = ("kind", "action", "name", "why", "why_outside_area", "service", "select", "advice", "priority")
NAME_MAX = 80  # a recommendation's `name` is a line's title, not a sentence
SELECT_KEYS = ("kind", "capabilities", "limit", "open_now")
EXAMPLE_KEYS = ("name", "facts", "at", "period", "expect", "missing", "fires")
COMBINATORS = ("all", "any", "not", "undecided", "ref")
FACT_TESTS = ("not", "known", "gt", "gte", "lt", "lte")
RANGE_TESTS = ("gt", "gte", "lt", "lte")
SELECT_LIMIT_MAX = 10

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


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "rien"
    if isinstance(value, (dict, list)):
        return "une table" if isinstance(value, dict) else "une liste"
    if isinstance(value, str) and not value.strip():
        return "un texte vide"
    return f"« {value} »"


def _line_of(container: Any, key: Any, default: int) -> int:
    if isinstance(container, (LineMap, LineList)):
        return container.line_of(key)
    return default


def _line(node: Any, default: int) -> int:
    return getattr(node, "line", default) or default


class _Parser:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.path = ""
        self.refs: list[tuple[Ref, str, int, str]] = []  # (node, path, line, where)

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    # --- conditions -------------------------------------------------------

    def condition(self, node: Any, line: int, where: str) -> Optional[Cond]:
        if not isinstance(node, dict):
            self.error(line, f"{where} : une condition doit être une table comme {{need: consult}} ; reçu : {_show(node)}")
            return None
        if not node:
            return Always()
        parts: list[Optional[Cond]] = []
        for key, value in node.items():
            key_line = _line_of(node, key, line)
            if key in ("all", "any"):
                parts.append(self.combination(key, value, key_line, where))
            elif key == "not":
                child = self.condition(value, _line(value, key_line), where)
                parts.append(Not(child) if child is not None else None)
            elif key == "undecided":
                child = self.condition(value, _line(value, key_line), where)
                parts.append(Undecided(child) if child is not None else None)
            elif key == "ref":
                if not isinstance(value, str):
                    self.error(key_line, f"{where} : « ref » nomme une définition ; reçu : {_show(value)}")
                    parts.append(None)
                else:
                    ref = Ref(value)
                    self.refs.append((ref, self.path, key_line, where))
                    parts.append(ref)
            elif key == "period":
                parts.append(self.period_test(value, key_line, where))
            elif key in FACTS:
                parts.append(self.fact_test(key, value, key_line, where))
            else:
                self.error(key_line, f"{where} : fait « {key} » inconnu ; faits connus : {', '.join(FACTS)} "
                                     f"(et period, {', '.join(COMBINATORS)})")
                parts.append(None)
        if any(part is None for part in parts):
            return None
        return parts[0] if len(parts) == 1 else All(parts)  # type: ignore[arg-type]

    def combination(self, key: str, value: Any, line: int, where: str) -> Optional[Cond]:
        if not isinstance(value, list) or not value:
            self.error(line, f"{where} : « {key} » prend une liste non vide de conditions ; reçu : {_show(value)}")
            return None
        children = [self.condition(item, _line_of(value, index, line), where) for index, item in enumerate(value)]
        if any(child is None for child in children):
            return None
        return All(children) if key == "all" else AnyOf(children)  # type: ignore[arg-type]

    def period_test(self, value: Any, line: int, where: str) -> Optional[Cond]:
        negate = False
        if isinstance(value, dict):
            if set(value) != {"not"}:
                self.error(line, f"{where} : un test de période est une période, une liste de périodes ou {{not: …}}")
                return None
            value, negate = value["not"], True
        values = value if isinstance(value, list) else [value]
        bad = [item for item in values if item not in PERIODS]
        for item in bad:
            self.error(line, f"{where} : période {_show(item)} inconnue ; valides : {', '.join(PERIODS)}")
        if bad or not values:
            if not values:
                self.error(line, f"{where} : une liste de périodes vide n'est jamais vraie")
            return None
        return PeriodIn(values, negate)

    def fact_value_ok(self, name: str, value: Any, line: int, where: str) -> bool:
        allowed = FACTS[name]
        if allowed is None:
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= AGE_MAX:
                self.error(line, f"{where} : fait « {name} » : {_show(value)} n'est pas valide ; "
                                 f"valide : un entier de 0 à {AGE_MAX}")
                return False
            return True
        if not isinstance(value, str) or value not in allowed:
            self.error(line, f"{where} : fait « {name} » : valeur {_show(value)} inconnue ; valides : {', '.join(allowed)}")
            return False
        return True

    def values(self, name: str, value: Any, line: int, where: str) -> Optional[list]:
        values = value if isinstance(value, list) else [value]
        if not values:
            self.error(line, f"{where} : fait « {name} » : une liste de valeurs vide n'est jamais vraie")
            return None
        results = [self.fact_value_ok(name, item, _line_of(value, index, line), where)
                   for index, item in enumerate(values)]
        return values if all(results) else None

    def fact_test(self, name: str, value: Any, line: int, where: str) -> Optional[Cond]:
        if not isinstance(value, dict):
            values = self.values(name, value, line, where)
            return IsIn(name, values) if values is not None else None
        if not value:
            self.error(line, f"{where} : fait « {name} » : test vide ; écrire une valeur, une liste ou l'un de "
                             f"{', '.join(FACT_TESTS)}")
            return None
        parts: list[Optional[Cond]] = []
        bounds: dict[str, int] = {}
        for op, operand in value.items():
            op_line = _line_of(value, op, line)
            if op == "not":
                values = self.values(name, operand, op_line, where)
                parts.append(NotIn(name, values) if values is not None else None)
            elif op == "known":
                if not isinstance(operand, bool):
                    self.error(op_line, f"{where} : fait « {name} » : « known » prend true ou false ; reçu : {_show(operand)}")
                    parts.append(None)
                else:
                    parts.append(Known(name, operand))
            elif op in RANGE_TESTS:
                if FACTS[name] is not None:
                    self.error(op_line, f"{where} : fait « {name} » : « {op} » ne s'applique qu'à l'âge (age)")
                    parts.append(None)
                elif isinstance(operand, bool) or not isinstance(operand, int):
                    self.error(op_line, f"{where} : fait « {name} » : « {op} » prend un entier ; reçu : {_show(operand)}")
                    parts.append(None)
                else:
                    bounds[op] = operand
            else:
                self.error(op_line, f"{where} : fait « {name} » : test « {op} » inconnu ; valides : {', '.join(FACT_TESTS)}")
                parts.append(None)
        if bounds:
            parts.append(Range(name, **bounds))
        if any(part is None for part in parts):
            return None
        return parts[0] if len(parts) == 1 else All(parts)  # type: ignore[arg-type]

    # --- texts and recommendations ----------------------------------------

    def text(self, value: Any, line: int, where: str, what: str) -> Optional[Text]:
        if not isinstance(value, str) or not value.strip():
            self.error(line, f"{where} : « {what} » doit être un texte en français, non vide")
            return None
        names, problem = placeholders_of(value)
        if problem:
            self.error(line, f"{where} : « {what} » : {problem}")
            return None
        bad = [name for name in names if name not in PLACEHOLDERS]
        for name in bad:
            self.error(line, f"{where} : variable « {{{name}}} » inconnue dans « {what} » ; valides : "
                             f"{', '.join('{' + p + '}' for p in PLACEHOLDERS)}")
        return None if bad else make_text(value.strip())

    def recommendation(self, node: Any, line: int, where: str, default_priority: Optional[int]) -> Optional[Recommendation]:
        if not isinstance(node, dict):
            self.error(line, f"{where} : une recommandation doit être une table avec kind, action et why")
            return None
        ok = True
        for key in node:
            if key not in REC_KEYS:
                self.error(_line_of(node, key, line), f"{where} : clé « {key} » inconnue ; valides : {', '.join(REC_KEYS)}")
                ok = False
        kind = node.get("kind")
        if "kind" not in node:
            self.error(line, f"{where} : « kind » absent ; valides : {', '.join(SERVICE_KINDS)}")
            ok = False
        elif kind not in SERVICE_KINDS:
            self.error(_line_of(node, "kind", line), f"{where} : kind {_show(kind)} inconnu ; valides : {', '.join(SERVICE_KINDS)}")
            ok = False
        action = node.get("action")
        if "action" not in node:
            self.error(line, f"{where} : « action » absent ; valides : {', '.join(ACTIONS)}")
            ok = False
        elif action not in ACTIONS:
            self.error(_line_of(node, "action", line), f"{where} : action {_show(action)} inconnue ; valides : {', '.join(ACTIONS)}")
            ok = False
        why = None
        if "why" not in node:
            self.error(line, f"{where} : « why » absent (le texte en français lu au patient)")
            ok = False
        else:
            why = self.text(node["why"], _line_of(node, "why", line), where, "why")
            ok = ok and why is not None
        # The why outside the directory's area, when `why` speaks of the area's own organisation.
        why_outside = None
        if "why_outside_area" in node:
            why_outside = self.text(node["why_outside_area"], _line_of(node, "why_outside_area", line), where,
                                    "why_outside_area")
            ok = ok and why_outside is not None
        # The line's title when no directory entry gives one (else the kind's generic name).
        name = None
        if "name" in node:
            name_line = _line_of(node, "name", line)
            name = self.text(node["name"], name_line, where, "name")
            if name is not None and (len(name.template) > NAME_MAX or "\n" in name.template):
                self.error(name_line, f"{where} : « name » doit être un titre court sur une ligne "
                                      f"({NAME_MAX} caractères au plus)")
                name = None
            ok = ok and name is not None
        advice: list[Text] = []
        if "advice" in node:
            raw = node["advice"]
            advice_line = _line_of(node, "advice", line)
            if not isinstance(raw, list):
                self.error(advice_line, f"{where} : « advice » doit être une liste de lignes en français")
                ok = False
            else:
                for index, item in enumerate(raw):
                    text = self.text(item, _line_of(raw, index, advice_line), where, "advice")
                    if text is None:
                        ok = False
                    else:
                        advice.append(text)
        priority = default_priority
        if "priority" in node:
            raw_priority = node["priority"]
            if isinstance(raw_priority, bool) or not isinstance(raw_priority, int):
                self.error(_line_of(node, "priority", line), f"{where} : « priority » doit être un entier ; reçu : {_show(raw_priority)}")
                ok = False
            else:
                priority = raw_priority
        service_id = node.get("service")
        if "service" in node:
            service_line = _line_of(node, "service", line)
            if service_id not in FIXED_SERVICES:
                self.error(service_line, f"{where} : service {_show(service_id)} inconnu ; valides : {', '.join(FIXED_SERVICES)}")
                ok = False
            elif kind in SERVICE_KINDS and kind not in FIXED_SERVICES[service_id]:
                self.error(service_line, f"{where} : le service « {service_id} » ne peut pas être donné comme kind « {kind} » ; "
                                         f"ses kinds : {', '.join(FIXED_SERVICES[service_id])}")
                ok = False
        selector = None
        if "select" in node:
            selector = self.selector(node["select"], _line_of(node, "select", line), where, kind)
            ok = ok and selector is not None
        if "service" in node and "select" in node:
            self.error(line, f"{where} : donner « service » (un numéro fixe) ou « select » (des lieux de l'annuaire), pas les deux")
            ok = False
        elif kind in OWN_PRACTITIONER_KINDS and ("service" in node or "select" in node):
            self.error(line, f"{where} : le kind « {kind} » est le praticien du patient : ni « service » ni « select »")
            ok = False
        elif ("service" not in node and "select" not in node and kind not in OWN_PRACTITIONER_KINDS
              and action != "info" and kind in SERVICE_KINDS):
            self.error(line, f"{where} : le kind « {kind} » avec l'action « {action} » demande « service » (un numéro fixe) "
                             f"ou « select » (des lieux de l'annuaire)")
            ok = False
        if not ok or priority is None or why is None:
            return None
        return Recommendation(kind=kind, action=action, why=why, priority=priority, service_id=service_id,
                              select=selector, advice=tuple(advice), line=line, why_outside_area=why_outside,
                              name=name)

    def selector(self, node: Any, line: int, where: str, kind: Any) -> Optional[Selector]:
        if not isinstance(node, dict):
            self.error(line, f"{where} : « select » doit être une table comme {{kind: centre_sante, limit: 2}}")
            return None
        ok = True
        for key in node:
            if key not in SELECT_KEYS:
                self.error(_line_of(node, key, line), f"{where} : select : clé « {key} » inconnue ; valides : {', '.join(SELECT_KEYS)}")
                ok = False
        select_kind = node.get("kind", kind)
        if select_kind not in SERVICE_KINDS:
            self.error(_line_of(node, "kind", line), f"{where} : select : kind {_show(select_kind)} inconnu ; valides : {', '.join(SERVICE_KINDS)}")
            ok = False
        elif select_kind != kind:
            self.error(_line_of(node, "kind", line), f"{where} : select : le kind « {select_kind} » diffère de celui de la recommandation, {_show(kind)}")
            ok = False
        capabilities = node.get("capabilities", [])
        if not isinstance(capabilities, list):
            capabilities = [capabilities]
        for capability in capabilities:
            if capability not in CAPABILITIES:
                self.error(_line_of(node, "capabilities", line),
                           f"{where} : select : capacité {_show(capability)} inconnue ; valides : {', '.join(CAPABILITIES)}")
                ok = False
        limit = node.get("limit", 1)
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= SELECT_LIMIT_MAX:
            self.error(_line_of(node, "limit", line), f"{where} : select : « limit » doit être un entier de 1 à {SELECT_LIMIT_MAX} ; reçu : {_show(limit)}")
            ok = False
        open_now = node.get("open_now", False)
        if not isinstance(open_now, bool):
            self.error(_line_of(node, "open_now", line), f"{where} : select : « open_now » prend true ou false ; reçu : {_show(open_now)}")
            ok = False
        if not ok:
            return None
        return Selector(kind=select_kind, capabilities=tuple(capabilities), limit=limit, open_now=open_now)

    # --- sources, examples, rules -----------------------------------------

    def sources(self, node: Any, line: int, where: str) -> Optional[tuple[str, ...]]:
        if not isinstance(node, list) or not node:
            self.error(line, f"{where} : aucune source ; citer un fichier seed et sa section (comme "
                             f"« 000_9b2cbc01bfa1af61.txt II ») ou une source publique nommée dans facts.md")
            return None
        ok = True
        for index, source in enumerate(node):
            source_line = _line_of(node, index, line)
            if not isinstance(source, str) or not source.strip():
                self.error(source_line, f"{where} : une source doit être un texte non vide ; reçu : {_show(source)}")
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
                self.error(_line_of(node, key, line), f"{where} : clé « {key} » inconnue ; valides : {', '.join(EXAMPLE_KEYS)}")
                ok = False
        facts: dict[str, Any] = {}
        raw_facts = node.get("facts", {})
        facts_line = _line_of(node, "facts", line)
        if not isinstance(raw_facts, dict):
            self.error(facts_line, f"{where} : « facts » doit être une table fait: valeur")
            ok = False
        else:
            for fact, value in raw_facts.items():
                try:
                    facts[fact] = parse_fact_value(fact, value if not isinstance(value, bool) else _show(value).strip("'"))
                except FactError as exc:
                    self.error(_line_of(raw_facts, fact, facts_line), f"{where} : {exc}")
                    ok = False
        period = node.get("period")
        at: Optional[datetime] = None
        if "period" in node and period not in PERIODS:
            self.error(_line_of(node, "period", line), f"{where} : période {_show(period)} inconnue ; valides : {', '.join(PERIODS)}")
            ok = False
        if "at" in node:
            try:
                at = parse_moment(str(node["at"]))
            except ValueError as exc:
                self.error(_line_of(node, "at", line), f"{where} : « at » : {exc}")
                ok = False
        if "at" not in node and "period" not in node:
            self.error(line, f"{where} : donner « at » (un moment, comme 2026-11-28T14:00) ou « period »")
            ok = False
        expect = node.get("expect")
        if not isinstance(expect, list):
            self.error(_line_of(node, "expect", line), f"{where} : « expect » doit lister les kinds des premières recommandations, dans l'ordre")
            ok = False
        else:
            for index, kind in enumerate(expect):
                if kind not in SERVICE_KINDS:
                    self.error(_line_of(expect, index, line), f"{where} : expect : kind {_show(kind)} inconnu ; valides : {', '.join(SERVICE_KINDS)}")
                    ok = False
        missing = node.get("missing")
        if not isinstance(missing, list):
            self.error(_line_of(node, "missing", line), f"{where} : « missing » doit lister les faits encore à demander, dans l'ordre ([] pour aucun)")
            ok = False
        else:
            for index, fact in enumerate(missing):
                if fact not in FACTS:
                    self.error(_line_of(missing, index, line), f"{where} : missing : fait {_show(fact)} inconnu ; faits connus : {', '.join(FACTS)}")
                    ok = False
        fires = node.get("fires", True)
        if not isinstance(fires, bool):
            self.error(_line_of(node, "fires", line), f"{where} : « fires » prend true ou false")
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
            self.error(_line_of(node, "id", line), f"l'id de règle {_show(rule_id)} doit être des mots en minuscules séparés par des points, "
                                                    f"comme « out_of_hours.consult »")
            where = f"règle n° {index + 1}"
            ok = False
        else:
            where = f"règle « {rule_id} »"
            ok = True
        for key in node:
            if key not in RULE_KEYS:
                self.error(_line_of(node, key, line), f"{where} : clé « {key} » inconnue ; valides : {', '.join(RULE_KEYS)}")
                ok = False
        title = node.get("title")
        if not isinstance(title, str) or not title.strip():
            self.error(_line_of(node, "title", line), f"{where} : « title » absent")
            ok = False
        when: Optional[Cond] = None
        if "when" not in node:
            self.error(line, f"{where} : « when » absent (écrire « when: {{}} » pour une règle qui s'applique toujours)")
            ok = False
        else:
            when = self.condition(node["when"], _line_of(node, "when", line), where)
            ok = ok and when is not None
        priority = node.get("priority")
        if "priority" not in node or isinstance(priority, bool) or not isinstance(priority, int):
            self.error(_line_of(node, "priority", line), f"{where} : « priority » doit être un entier (le plus grand passe en premier)")
            ok = False
            priority = None
        recommendations: list[Recommendation] = []
        raw_recs = node.get("recommendations")
        recs_line = _line_of(node, "recommendations", line)
        if not isinstance(raw_recs, list) or not raw_recs:
            self.error(recs_line, f"{where} : « recommendations » absent")
            ok = False
        else:
            for rec_index, item in enumerate(raw_recs):
                rec = self.recommendation(item, _line_of(raw_recs, rec_index, recs_line),
                                          f"{where} : recommandation {rec_index + 1}", priority)
                if rec is None:
                    ok = False
                else:
                    recommendations.append(rec)
        sources = self.sources(node.get("sources"), _line_of(node, "sources", line), where)
        ok = ok and sources is not None
        note = node.get("note")
        if note is not None and (not isinstance(note, str) or not note.strip()):
            self.error(_line_of(node, "note", line), f"{where} : « note » doit être un texte")
            ok = False
        ask: list[str] = []
        if "ask" in node:
            raw_ask = node["ask"]
            ask_line = _line_of(node, "ask", line)
            if not isinstance(raw_ask, list):
                self.error(ask_line, f"{where} : « ask » doit lister des faits dans l'ordre où les demander")
                ok = False
            else:
                for ask_index, fact in enumerate(raw_ask):
                    if fact not in FACTS:
                        self.error(_line_of(raw_ask, ask_index, ask_line), f"{where} : ask : fait {_show(fact)} inconnu ; faits connus : {', '.join(FACTS)}")
                        ok = False
                    elif fact in ask:
                        self.error(_line_of(raw_ask, ask_index, ask_line), f"{where} : ask : « {fact} » est listé deux fois")
                        ok = False
                    else:
                        ask.append(fact)
        exclusive = node.get("exclusive", False)
        if not isinstance(exclusive, bool):
            self.error(_line_of(node, "exclusive", line), f"{where} : « exclusive » prend true ou false")
            ok = False
        pdsa = node.get("pdsa", False)
        if not isinstance(pdsa, bool):
            self.error(_line_of(node, "pdsa", line), f"{where} : « pdsa » prend true ou false (true : une règle de garde "
                                                      f"médicale, pour qui les ponts sont des jours fériés)")
            ok = False
        examples: list[Example] = []
        raw_examples = node.get("examples")
        examples_line = _line_of(node, "examples", line)
        if not isinstance(raw_examples, list) or not raw_examples:
            self.error(examples_line, f"{where} : aucun exemple ; donner au moins une situation avec ses recommandations "
                                      f"attendues et les faits manquants")
            ok = False
        else:
            names: set[str] = set()
            for example_index, item in enumerate(raw_examples):
                example = self.example(item, _line_of(raw_examples, example_index, examples_line),
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
            parser.error(_line(data, 1), "attendu : une table avec « rules: » (une liste) et, si besoin, « definitions: »")
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
                parser.error(line, f"le nom de définition {_show(name)} doit être un mot en minuscules comme « doctor_needed »")
                continue
            if name in defined_at:
                first = defined_at[name]
                parser.error(line, f"définition « {name} » en double (déjà définie en {first[0]}:{first[1]})")
                continue
            defined_at[name] = (file, line)
            before = len(parser.refs)
            cond = parser.condition(node, _line(node, line), f"définition « {name} »")
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
            line = _line_of(raw_rules, index, data.line_of("rules"))
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
