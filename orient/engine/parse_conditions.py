"""Rules loading, first part: conditions (`when`, definitions) and the problem collector.
The rest: orient/engine/parse_recommendations.py, orient/engine/loader.py."""

from __future__ import annotations

from typing import Any, Optional

from orient.engine.conditions import (
    All, Always, Any as AnyOf, Cond, IsIn, Known, Not, NotIn, PeriodIn, Range, Ref, Undecided,
)
from orient.engine.vocabulary import FACTS, PERIODS
from orient.facts import AGE_MAX
from orient.fieldcheck import key_line as line_of, shown
from orient.problems import Problem

COMBINATORS = ("all", "any", "not", "undecided", "ref")
FACT_TESTS = ("not", "known", "gt", "gte", "lt", "lte")
RANGE_TESTS = ("gt", "gte", "lt", "lte")

__all__ = ["ConditionParser", "line_of", "node_line", "shown"]


def node_line(node: Any, default: int) -> int:
    return getattr(node, "line", default) or default


class ConditionParser:
    """Collects problems as `path:line: message`; parses conditions (`when`, definitions)."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.path = ""
        self.refs: list[tuple[Ref, str, int, str]] = []  # (node, path, line, where)

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    def condition(self, node: Any, line: int, where: str) -> Optional[Cond]:
        if not isinstance(node, dict):
            self.error(line, f"{where} : une condition doit être une table comme {{need: consult}} ; reçu : {shown(node)}")
            return None
        if not node:
            return Always()
        parts: list[Optional[Cond]] = []
        for key, value in node.items():
            key_line = line_of(node, key, line)
            if key in ("all", "any"):
                parts.append(self.combination(key, value, key_line, where))
            elif key == "not":
                child = self.condition(value, node_line(value, key_line), where)
                parts.append(Not(child) if child is not None else None)
            elif key == "undecided":
                child = self.condition(value, node_line(value, key_line), where)
                parts.append(Undecided(child) if child is not None else None)
            elif key == "ref":
                if not isinstance(value, str):
                    self.error(key_line, f"{where} : « ref » nomme une définition ; reçu : {shown(value)}")
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
            self.error(line, f"{where} : « {key} » prend une liste non vide de conditions ; reçu : {shown(value)}")
            return None
        children = [self.condition(item, line_of(value, index, line), where) for index, item in enumerate(value)]
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
            self.error(line, f"{where} : période {shown(item)} inconnue ; valides : {', '.join(PERIODS)}")
        if bad or not values:
            if not values:
                self.error(line, f"{where} : une liste de périodes vide n'est jamais vraie")
            return None
        return PeriodIn(values, negate)

    def fact_value_ok(self, name: str, value: Any, line: int, where: str) -> bool:
        allowed = FACTS[name]
        if allowed is None:
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= AGE_MAX:
                self.error(line, f"{where} : fait « {name} » : {shown(value)} n'est pas valide ; "
                                 f"valide : un entier de 0 à {AGE_MAX}")
                return False
            return True
        if not isinstance(value, str) or value not in allowed:
            self.error(line, f"{where} : fait « {name} » : valeur {shown(value)} inconnue ; valides : {', '.join(allowed)}")
            return False
        return True

    def values(self, name: str, value: Any, line: int, where: str) -> Optional[list]:
        values = value if isinstance(value, list) else [value]
        if not values:
            self.error(line, f"{where} : fait « {name} » : une liste de valeurs vide n'est jamais vraie")
            return None
        results = [self.fact_value_ok(name, item, line_of(value, index, line), where)
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
            op_line = line_of(value, op, line)
            if op == "not":
                values = self.values(name, operand, op_line, where)
                parts.append(NotIn(name, values) if values is not None else None)
            elif op == "known":
                if not isinstance(operand, bool):
                    self.error(op_line, f"{where} : fait « {name} » : « known » prend true ou false ; reçu : {shown(operand)}")
                    parts.append(None)
                else:
                    parts.append(Known(name, operand))
            elif op in RANGE_TESTS:
                if FACTS[name] is not None:
                    self.error(op_line, f"{where} : fait « {name} » : « {op} » ne s'applique qu'à l'âge (age)")
                    parts.append(None)
                elif isinstance(operand, bool) or not isinstance(operand, int):
                    self.error(op_line, f"{where} : fait « {name} » : « {op} » prend un entier ; reçu : {shown(operand)}")
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

